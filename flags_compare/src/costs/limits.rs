//! Which of the system's limits a refused thread met, as far as Linux tells.
//!
//! The error alone rarely says: glibc's `pthread_create` reports most
//! refusals as EAGAIN, "Resource temporarily unavailable", whether the
//! kernel ran out of pids, the process out of memory maps (each thread's
//! stack is one, its guard page another) or of address space. So the probe
//! reads, right after the refusal and with its threads still alive, each
//! limit and what it counts, and names those that are full: within 2%,
//! since other processes come and go meanwhile. None named: none of these
//! was near full.

use crate::memory;

/// The limits that are full now, in words; `None` if none is, or where
/// the system does not tell (not Linux). `stack` is the size of one
/// thread's stack, which the address space must still have room for.
pub fn met(stack: u64) -> Option<String> {
    let tasks = tasks();
    let checks = [
        (sysctl("kernel/pid_max"), tasks, "kernel.pid_max", "tasks on the system"),
        (sysctl("kernel/threads-max"), tasks, "kernel.threads-max", "tasks on the system"),
        (sysctl("vm/max_map_count"), maps(), "vm.max_map_count", "memory maps of this process"),
        (rlimit(rlimit::Resource::NPROC), user_tasks(), "RLIMIT_NPROC", "tasks of this user"),
    ];
    let mut full: Vec<String> = checks
        .into_iter()
        .filter_map(|(limit, count, name, what)| {
            let (limit, count) = (limit?, count?);
            // 2%, without floats: count / limit >= 49 / 50.
            (count * 50 >= limit * 49).then(|| format!("{name} = {limit}, {count} {what}"))
        })
        .collect();
    // The address space is full when one more stack no longer fits.
    if let (Some(limit), Some(size)) = (rlimit(rlimit::Resource::AS), address_space()) {
        if size + stack > limit {
            let mib = |bytes: u64| bytes >> 20;
            full.push(format!(
                "RLIMIT_AS = {} MiB, {} MiB of address space used (a stack is {} MiB)",
                mib(limit),
                mib(size),
                mib(stack)
            ));
        }
    }
    (!full.is_empty()).then(|| full.join("; "))
}

/// Memory maps a std thread takes: its stack and its signal stack, each
/// with a guard page (counted here: 4.03 a thread for 1,000).
const MAPS_PER_THREAD: u64 = 4;

/// Maps kept free for the rest of the process: the allocator maps an arena
/// for some new threads, and the probe reads files.
const MAPS_TO_SPARE: u64 = 64;

/// How many more threads may start, surely, under `vm.max_map_count`: half
/// of those that would fit now, so that the count is read again, more often
/// as the limit nears. Unlimited where the system does not tell.
pub fn threads_that_fit() -> u64 {
    let (Some(limit), Some(maps)) = (sysctl("vm/max_map_count"), maps()) else {
        return u64::MAX;
    };
    let free = limit.saturating_sub(maps + MAPS_TO_SPARE);
    // One at a time at the end: half of 1 is 1.
    (free / MAPS_PER_THREAD).div_ceil(2)
}

/// A soft limit of this process; `None` if unlimited.
fn rlimit(resource: rlimit::Resource) -> Option<u64> {
    let (soft, _hard) = resource.get().ok()?;
    (soft != rlimit::INFINITY).then_some(soft)
}

/// `/proc/sys/kernel/pid_max` and the like.
fn sysctl(name: &str) -> Option<u64> {
    read(&format!("/proc/sys/{name}"))?.trim().parse().ok()
}

/// All the tasks (processes and threads) on the system: `/proc/loadavg`'s
/// fourth field is `running/all`.
fn tasks() -> Option<u64> {
    let loadavg = read("/proc/loadavg")?;
    loadavg.split_whitespace().nth(3)?.split_once('/')?.1.parse().ok()
}

/// This process's memory maps, a line each in `/proc/self/maps`.
fn maps() -> Option<u64> {
    Some(read("/proc/self/maps")?.lines().count() as u64)
}

/// The tasks (processes and threads) of this process's user, all of which
/// RLIMIT_NPROC counts, not only this process's: every task in `/proc`
/// whose real user is ours.
fn user_tasks() -> Option<u64> {
    let me = read("/proc/self/status")?;
    let uid = real_uid(&me)?;
    let tasks = std::fs::read_dir("/proc").ok()?.flatten().flat_map(|process| {
        std::fs::read_dir(process.path().join("task")).into_iter().flatten().flatten()
    });
    let ours = |task: std::fs::DirEntry| {
        let status = std::fs::read_to_string(task.path().join("status")).ok()?;
        (real_uid(&status)? == uid).then_some(())
    };
    Some(tasks.filter_map(ours).count() as u64)
}

/// The real user id in a `/proc/PID/status`: the first of `Uid:`'s four.
fn real_uid(status: &str) -> Option<&str> {
    status.lines().find_map(|line| line.strip_prefix("Uid:"))?.split_whitespace().next()
}

/// This process's address space, in bytes (`VmSize`).
fn address_space() -> Option<u64> {
    memory::field(&read("/proc/self/status")?, "VmSize:")
}

#[cfg(target_os = "linux")]
fn read(path: &str) -> Option<String> {
    std::fs::read_to_string(path).ok()
}

#[cfg(not(target_os = "linux"))]
fn read(_path: &str) -> Option<String> {
    None
}

#[cfg(all(test, target_os = "linux"))]
mod tests {
    use super::*;

    #[test]
    fn reads_what_the_limits_count() {
        assert!(tasks().is_some_and(|tasks| tasks > 1), "this test has threads of its own");
        assert!(maps().is_some_and(|maps| maps > 10));
        assert!(user_tasks().is_some_and(|tasks| tasks > 1), "this test has threads of its own");
        assert!(address_space().is_some_and(|bytes| bytes > 1 << 20));
        assert!(sysctl("kernel/pid_max").is_some());
    }
}
