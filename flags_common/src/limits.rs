//! The machine's limits, met before a run instead of in the middle of it.
//!
//! A process may open so many files (`ulimit -n`), and reserve so much
//! address space (`ulimit -v`). A run that asks for more than fits fails
//! most of its requests, or aborts when an allocation fails; so the
//! programs ask for what fits, and say so once:
//!
//! | limit | what each request in flight takes | what the program does |
//! |---|---|---|
//! | open files | its connection's socket, and the file it saves | fewer requests in flight: [`requests_that_fit`] |
//! | address space | with threads, a 2 MiB stack each, and an allocator's arena of 64 MiB for each of the first 8 per core | one arena, and fewer threads: [`share_one_arena`], [`threads_that_fit`] |
//!
//! Threads can also be refused for a reason no limit of the process tells
//! (a container's pids limit, the kernel's `pid_max`): `threads` carries on
//! with those it got.

use std::{fs, io};

use flags_server::console::warn;
use rlimit::Resource;

use crate::error::{Error, Result};

/// Open files a run needs besides its requests: standard input, output and
/// error, the runtimes' event queues and wakers, the built-in site's
/// listener, and a margin (13 to 16 in all, counted in /proc/PID/fd).
const RESERVED_FILES: u64 = 24;

/// A std thread's stack (Rust's default, unless `RUST_MIN_STACK` says
/// otherwise), and its guard page: address space, whether touched or not.
const THREAD_STACK_BYTES: u64 = 2 * 1024 * 1024 + 4096;

/// Each request in flight holds a socket, and may be saving its flag: a
/// thread saves while its connection waits in the pool. The built-in site,
/// in the same process, holds the other end of each connection.
pub(crate) fn files_per_request(http2: bool, built_in_site: bool) -> u64 {
    // Over HTTP/2 the requests share one connection: only files count.
    let sockets = if http2 { 0 } else { 1 };
    sockets + 1 + u64::from(built_in_site && !http2)
}

/// How many of `wanted` requests in flight fit in the open files the system
/// allows, once raised as far as it lets a process; says so if fewer (in
/// `program`'s name), and fails if not even one fits.
pub(crate) fn requests_that_fit(wanted: usize, files_each: u64, program: &str) -> Result<usize> {
    // Sockets and files count against the same limit; the soft one can be
    // raised up to the hard one, which only root can raise. (Raising it
    // reads a file of /proc, which fails when not one file can be opened:
    // then the limit is what it is.)
    let raised = rlimit::increase_nofile_limit(u64::MAX);
    let allowed = raised.or_else(|_| rlimit::getrlimit(Resource::NOFILE).map(|(soft, _)| soft));
    let Ok(allowed) = allowed else { return Ok(wanted) };
    let fit = allowed.saturating_sub(RESERVED_FILES) / files_each.max(1);
    let needed = |requests: u64| requests * files_each + RESERVED_FILES;
    if fit == 0 {
        let least = needed(1);
        return Err(Error::Other(format!(
            "{}, and a run needs {least} at least",
            too_many_files()
        )));
    }
    let fit = usize::try_from(fit).unwrap_or(usize::MAX);
    if fit < wanted {
        warn(format_args!(
            "{program}: -m {wanted} needs some {} open files, and the system allows {allowed} \
             (ulimit -n): {fit} at a time instead.",
            needed(wanted as u64),
        ));
    }
    Ok(wanted.min(fit))
}

/// The words for running out of open files, the same in every program.
pub(crate) fn too_many_files() -> String {
    match rlimit::getrlimit(Resource::NOFILE) {
        Ok((allowed, _)) => format!("too many open files: the system allows {allowed} (ulimit -n)"),
        Err(_) => "too many open files".to_string(),
    }
}

/// Is this I/O error the process's open files running out?
pub(crate) fn is_too_many_files(err: &io::Error) -> bool {
    err.raw_os_error() == Some(libc::EMFILE)
}

/// An I/O error's words, the project's for open files running out.
pub(crate) fn io_words(err: &io::Error) -> String {
    if is_too_many_files(err) { too_many_files() } else { err.to_string() }
}

/// Under `ulimit -v`, has every thread share the main allocator arena.
///
/// glibc's malloc gives threads arenas of their own, up to 8 per core, and
/// each reserves 64 MiB of address space: with 2 cores, up to 1 GiB that
/// is mostly never touched, but counts against `ulimit -v`. Measured with
/// flags_threadpool under `ulimit -v 400000`: 27 threads started before the
/// arenas had taken the address space, and the next allocation aborted the
/// program; with one arena, 185 started. (`MALLOC_ARENA_MAX=1` in the
/// environment does the same; this is that, set from inside.)
pub(crate) fn share_one_arena() {
    if address_space_limit().is_none() {
        return;
    }
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: mallopt only sets a tunable of the C allocator; M_ARENA_MAX
    // takes effect for arenas made from now on, and any value is valid.
    unsafe {
        libc::mallopt(libc::M_ARENA_MAX, 1);
    }
}

/// How many of `wanted` threads fit in half the address space left under
/// `ulimit -v`: their stacks are reserved whole, and the other half is for
/// what the run allocates (buffers, flags), which would otherwise abort.
/// Says so, in `program`'s name, if fewer.
pub(crate) fn threads_that_fit(wanted: usize, program: &str) -> usize {
    let Some(limit) = address_space_limit() else { return wanted };
    let free = limit.saturating_sub(address_space_used().unwrap_or(0));
    let fit = usize::try_from(free / 2 / THREAD_STACK_BYTES).unwrap_or(usize::MAX).max(1);
    if fit < wanted {
        let mib = |bytes: u64| bytes / (1024 * 1024);
        warn(format_args!(
            "{program}: {wanted} threads would reserve {} MiB for their stacks, and the system \
             allows {} MiB in all (ulimit -v): starting {fit}.",
            mib(wanted as u64 * THREAD_STACK_BYTES),
            mib(limit)
        ));
    }
    wanted.min(fit)
}

/// `ulimit -v` in bytes, if there is one.
fn address_space_limit() -> Option<u64> {
    let (soft, _) = rlimit::getrlimit(Resource::AS).ok()?;
    (soft != rlimit::INFINITY).then_some(soft)
}

/// The address space this process has reserved so far (Linux's VmSize).
fn address_space_used() -> Option<u64> {
    let status = fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find_map(|line| line.strip_prefix("VmSize:"))?;
    let kib: u64 = line.trim().trim_end_matches("kB").trim().parse().ok()?;
    Some(kib * 1024)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_request_needs_a_socket_and_a_file() {
        assert_eq!(files_per_request(false, false), 2);
        assert_eq!(files_per_request(false, true), 3, "the built-in site's end too");
        assert_eq!(files_per_request(true, true), 1, "HTTP/2: one connection for all");
    }

    #[test]
    fn this_process_reserves_address_space() {
        assert!(address_space_used().is_some_and(|bytes| bytes > 0));
    }
}
