//! Running one program once, as a user would, and measuring it: wall time,
//! peak memory, and what its `--json` report says it did.

use std::fs::{self, File};
use std::io;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde::Deserialize;

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
    /// What the program reported.
    pub report: Report,
}

/// The fields of a program's `--json` report that the comparison uses.
#[derive(Clone, Copy, Debug, Deserialize)]
pub struct Report {
    /// How many codes it was to download.
    pub flags: usize,
    /// The requests it had in flight at once.
    pub concur_req: usize,
    /// Its default and largest concurrency.
    pub default_concur_req: usize,
    pub max_concur_req: usize,
}

/// Runs `exe --json -s site args..` in a fresh temporary directory and measures it.
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
    command.args(["--json", "-s", site]).args(args).current_dir(dir).stdin(Stdio::null());
    command.stdout(File::create(&stdout).map_err(failed)?);
    command.stderr(File::create(&stderr).map_err(failed)?);
    let t0 = Instant::now();
    let child = command.spawn().map_err(failed)?;
    let (status, peak_kib) = wait_with_peak_memory(&child).map_err(failed)?;
    let wall = t0.elapsed();
    let output = fs::read_to_string(&stdout).unwrap_or_default();
    match (status, serde_json::from_str(&output)) {
        (0, Ok(report)) => Ok(Sample { wall, peak_kib, report }),
        _ => Err(explain_failure(exe, status, &fs::read_to_string(&stderr).unwrap_or_default())),
    }
}

fn explain_failure(exe: &Path, status: i32, stderr: &str) -> String {
    let last = stderr.lines().rev().find(|line| !line.trim().is_empty()).unwrap_or("no message");
    format!("{} exited with status {status}: {last}", exe.display())
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
    fn measures_a_real_child() {
        let sample = wait_with_peak_memory(&Command::new("true").spawn().expect("spawn true"));
        let (status, peak_kib) = sample.expect("wait4");
        assert_eq!(status, 0);
        assert!(peak_kib > 0, "a process uses some memory");
    }
}
