//! Running one program once, as a user would, and measuring it: wall time,
//! peak memory, and the concurrency it says it used.

use std::fs::{self, File};
use std::io;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// One of the programs compared.
#[derive(Clone, Copy, Debug)]
pub struct Program {
    pub name: &'static str,
    pub model: &'static str,
}

pub const SEQ: Program = Program { name: "flags_seq", model: "sequential" };
pub const THREADPOOL: Program = Program { name: "flags_threadpool", model: "threads" };
pub const ASYNC: Program = Program { name: "flags_async", model: "async" };
pub const PROGRAMS: [Program; 3] = [SEQ, THREADPOOL, ASYNC];

/// What one run showed.
#[derive(Clone, Copy, Debug)]
pub struct Sample {
    pub wall: Duration,
    /// Peak resident memory, in KiB (`ru_maxrss`, as `/usr/bin/time -v` shows).
    pub peak_kib: u64,
    /// The concurrency the program used (its `-v` header says).
    pub concurrency: usize,
}

/// Runs `exe -v -s site args..` in a fresh temporary directory and measures it.
pub fn run_once(exe: &Path, site: &str, args: &[String]) -> Result<Sample, String> {
    let dir = std::env::temp_dir().join(format!("flags_compare.{}", std::process::id()));
    let sample = run_in(exe, site, args, &dir);
    let _ = fs::remove_dir_all(&dir); // the saved flags are not the point
    sample
}

fn run_in(exe: &Path, site: &str, args: &[String], dir: &Path) -> Result<Sample, String> {
    let failed = |err: io::Error| format!("cannot run {}: {err}", exe.display());
    fs::create_dir_all(dir).map_err(failed)?;
    let (stdout, stderr) = (dir.join("stdout.txt"), dir.join("stderr.txt"));
    let mut command = Command::new(exe);
    command.args(["-v", "-s", site]).args(args).current_dir(dir).stdin(Stdio::null());
    command.stdout(File::create(&stdout).map_err(failed)?);
    command.stderr(File::create(&stderr).map_err(failed)?);
    let t0 = Instant::now();
    let child = command.spawn().map_err(failed)?;
    let (status, peak_kib) = wait_with_peak_memory(&child).map_err(failed)?;
    let wall = t0.elapsed();
    let output = fs::read_to_string(&stdout).unwrap_or_default();
    match (status, concurrency(&output)) {
        (0, Some(concurrency)) => Ok(Sample { wall, peak_kib, concurrency }),
        _ => Err(explain_failure(exe, status, &fs::read_to_string(&stderr).unwrap_or_default())),
    }
}

fn explain_failure(exe: &Path, status: i32, stderr: &str) -> String {
    let last = stderr.lines().rev().find(|line| !line.trim().is_empty()).unwrap_or("no message");
    format!("{} exited with status {status}: {last}", exe.display())
}

/// Reads `20 concurrent connections will be used.` (or `1 connection ...`).
fn concurrency(stdout: &str) -> Option<usize> {
    let line = stdout.lines().find(|line| line.ends_with(" will be used."))?;
    line.split_whitespace().next()?.parse().ok()
}

/// Waits for the child and returns its exit status and peak memory. std's
/// `Child::wait` does not report resource usage, so this calls `wait4(2)`.
fn wait_with_peak_memory(child: &Child) -> io::Result<(i32, u64)> {
    let pid = libc::pid_t::try_from(child.id()).map_err(io::Error::other)?;
    let mut status: libc::c_int = 0;
    // SAFETY: rusage is a plain C struct, for which all zero bytes is a valid value.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    loop {
        // SAFETY: both pointers point to live, writable locals of the types wait4 expects.
        let reaped = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
        match reaped {
            -1 if io::Error::last_os_error().kind() == io::ErrorKind::Interrupted => continue,
            -1 => return Err(io::Error::last_os_error()),
            _ => break,
        }
    }
    let code = if libc::WIFEXITED(status) { libc::WEXITSTATUS(status) } else { -1 };
    Ok((code, u64::try_from(usage.ru_maxrss).unwrap_or(0)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_concurrency_of_the_verbose_header() {
        let header = "LOCAL site: http://x/flags\nSearching for 20 flags: from BD to VN\n";
        assert_eq!(
            concurrency(&format!("{header}6 concurrent connections will be used.\n")),
            Some(6)
        );
        assert_eq!(concurrency(&format!("{header}1 connection will be used.\nBR OK\n")), Some(1));
        assert_eq!(concurrency(header), None);
    }

    #[test]
    fn measures_a_real_child() {
        let sample = wait_with_peak_memory(&Command::new("true").spawn().expect("spawn true"));
        let (status, peak_kib) = sample.expect("wait4");
        assert_eq!(status, 0);
        assert!(peak_kib > 0, "a process uses some memory");
    }
}
