//! Waiting for a child: its exit status and its peak memory, or a stop.
//!
//! std's `Child::try_wait` tells whether a child has exited, but not how
//! much memory it used. On Unix, `wait4(2)` tells both: the exit status and
//! the child's resource usage, whose `ru_maxrss` is its peak resident
//! memory (what `/usr/bin/time -v` shows), in KiB on Linux and the BSDs
//! and in bytes on macOS. Elsewhere the memory is unknown.
//!
//! On Linux, `ru_maxrss` would also count flags_compare's own peak (see
//! `memory`), so the wait reads the child's `VmHWM` as it polls, and the
//! last reading before the exit is its peak.
//!
//! The wait polls, every millisecond, so that a stop signal is noticed
//! while a program runs: the measured time is then late by a millisecond at
//! most, far below what the runs vary by.

use std::io;
use std::process::Child;
use std::thread;
use std::time::Duration;

use crate::failure::Failure;
use crate::interrupt;
use crate::memory;

/// How often to look whether the child has exited, or a signal arrived.
const POLL: Duration = Duration::from_millis(1);

/// How a child ended.
#[derive(Clone, Copy, Debug)]
pub struct Exit {
    /// Its exit status as a shell reports it: 128 + N when signal N killed it.
    pub status: i32,
    /// Its peak resident memory, in bytes; `None` where the system can't tell.
    pub peak_rss_bytes: Option<u64>,
}

/// Waits for `child` to exit. If a stop signal comes first, kills it, reaps
/// it, and returns the signal instead.
pub fn wait(child: &mut Child) -> Result<Exit, Failure> {
    let failed = |err: io::Error| Failure::Error(format!("cannot wait for a program: {err}"));
    let mut peak = None;
    loop {
        if let Some(exit) = try_wait(child).map_err(failed)? {
            // The peak read while it ran, where there is one: not inflated.
            return Ok(Exit { peak_rss_bytes: peak.or(exit.peak_rss_bytes), ..exit });
        }
        peak = memory::of(child.id()).peak.max(peak);
        if let Err(stop) = interrupt::check() {
            // Not reaped yet, so its process id is still its own to kill.
            let _ = child.kill();
            let _ = child.wait();
            return Err(stop);
        }
        thread::sleep(POLL);
    }
}

/// `Some` once the child has exited, reaped with its peak memory.
#[cfg(unix)]
fn try_wait(child: &mut Child) -> io::Result<Option<Exit>> {
    let pid = libc::pid_t::try_from(child.id()).map_err(io::Error::other)?;
    let mut status: libc::c_int = 0;
    // SAFETY: rusage is a plain C struct, for which all zero bytes is a valid value.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: both pointers point to live, writable locals of the types wait4 expects.
    let reaped = unsafe { libc::wait4(pid, &mut status, libc::WNOHANG, &mut usage) };
    match reaped {
        0 => Ok(None), // still running
        -1 if io::Error::last_os_error().kind() == io::ErrorKind::Interrupted => Ok(None),
        -1 => Err(io::Error::last_os_error()),
        _ => Ok(Some(Exit { status: shell_status(status), peak_rss_bytes: rss_bytes(usage) })),
    }
}

#[cfg(unix)]
fn shell_status(status: libc::c_int) -> i32 {
    if libc::WIFSIGNALED(status) { 128 + libc::WTERMSIG(status) } else { libc::WEXITSTATUS(status) }
}

/// `ru_maxrss` in bytes: macOS counts bytes, Linux and the BSDs KiB.
#[cfg(unix)]
fn rss_bytes(usage: libc::rusage) -> Option<u64> {
    const UNIT: u64 = if cfg!(target_os = "macos") { 1 } else { 1024 };
    u64::try_from(usage.ru_maxrss).ok().map(|rss| rss * UNIT)
}

/// Elsewhere std tells the status, and nothing tells the memory.
#[cfg(not(unix))]
fn try_wait(child: &mut Child) -> io::Result<Option<Exit>> {
    let exit = child.try_wait()?;
    Ok(exit.map(|status| Exit { status: status.code().unwrap_or(1), peak_rss_bytes: None }))
}

#[cfg(all(test, unix))]
mod tests {
    use std::process::Command;

    use super::*;

    #[test]
    fn measures_a_real_child() {
        let mut child = Command::new("true").spawn().expect("spawn true");
        let exit = wait(&mut child).expect("wait");
        assert_eq!(exit.status, 0);
        assert!(exit.peak_rss_bytes.is_some_and(|bytes| bytes > 0), "it used some memory");
        let mut killed = Command::new("sleep").arg("10").spawn().expect("spawn sleep");
        let _ = killed.kill();
        assert_eq!(wait(&mut killed).map(|exit| exit.status).ok(), Some(128 + 9));
    }
}
