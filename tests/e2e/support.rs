//! What the end-to-end tests share: run a program as a user would, in a
//! fresh temporary directory, against a flag site started here on loopback,
//! then look at what it printed, what it saved, and what the site saw.

use std::collections::BTreeMap;
use std::fs;
use std::path::Path;
use std::process::{Command, Output};
use std::thread;
use std::time::{Duration, Instant};

pub use flags_server::{Config, Fault, Site, flag_gif};

use crate::programs::exe;

/// One of the three programs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Program {
    pub name: &'static str,
}

pub const SEQ: Program = Program { name: "flags_seq" };
pub const THREADPOOL: Program = Program { name: "flags_threadpool" };
pub const ASYNC: Program = Program { name: "flags_async" };

/// Runs `check` on each of the three programs, at the same time, and fails
/// if it failed for any (each failure's message is printed above).
pub fn on_every_program(check: impl Fn(Program) + Sync) {
    let check = &check;
    let failed: Vec<&str> = thread::scope(|scope| {
        let checks: Vec<_> = [SEQ, THREADPOOL, ASYNC]
            .into_iter()
            .map(|program| (program.name, scope.spawn(move || check(program))))
            .collect();
        checks
            .into_iter()
            .filter_map(|(name, check)| check.join().is_err().then_some(name))
            .collect()
    });
    assert!(failed.is_empty(), "failed for {failed:?}");
}

/// The sorted POP20 codes, as Example 20-1 prints them.
pub const POP20_SORTED: [&str; 20] = [
    "BD", "BR", "CD", "CN", "DE", "EG", "ET", "FR", "ID", "IN", "IR", "JP", "MX", "NG", "PH", "PK",
    "RU", "TR", "US", "VN",
];

/// A finished run: its exit status, its output, and its directory.
pub struct Run {
    pub status: Option<i32>,
    pub stdout: String,
    pub stderr: String,
    pub dir: tempfile::TempDir,
}

impl Run {
    /// The files in `downloaded/`, by name, with their bytes.
    pub fn saved(&self) -> BTreeMap<String, Vec<u8>> {
        let entries = fs::read_dir(self.dir.path().join("downloaded")).into_iter().flatten();
        let read =
            |entry: fs::DirEntry| (name(&entry.path()), fs::read(entry.path()).unwrap_or_default());
        entries.flatten().map(read).collect()
    }

    /// The codes printed on Example 20-1's first line, in printed order.
    pub fn printed_codes(&self) -> Vec<String> {
        let first = self.stdout.lines().next().unwrap_or_default();
        first.split_whitespace().map(str::to_string).collect()
    }

    /// Asserts that `downloaded/` holds exactly these codes' flags, each with
    /// the very bytes the site serves, and nothing else (no temporary files).
    pub fn assert_saved_exactly(&self, codes: &[&str]) {
        let saved = self.saved();
        let names: Vec<&str> = saved.keys().map(String::as_str).collect();
        let expected: Vec<String> = codes.iter().map(|cc| format!("{cc}.gif")).collect();
        assert_eq!(names, expected, "files in downloaded/\n{}", self.describe());
        for cc in codes {
            let bytes = &saved[&format!("{cc}.gif")];
            assert_eq!(Some(bytes.as_slice()), flag_gif(cc), "bytes of {cc}.gif");
        }
    }

    /// The report of a `--json` run.
    pub fn report(&self) -> serde_json::Value {
        let report = serde_json::from_str(&self.stdout);
        report.unwrap_or_else(|err| panic!("a JSON report: {err}\n{}", self.describe()))
    }

    /// The report's last lines, after the line of codes: `["1 downloads in
    /// 0.05s", "  2 not found."]`.
    pub fn report_lines(&self) -> Vec<&str> {
        self.stdout.lines().skip(1).collect()
    }

    pub fn describe(&self) -> String {
        format!("status: {:?}\nstdout:\n{}\nstderr:\n{}", self.status, self.stdout, self.stderr)
    }
}

fn name(path: &Path) -> String {
    path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default()
}

/// Starts a site on loopback.
pub fn site(config: Config) -> Site {
    Site::start(config).expect("start a flag site on 127.0.0.1")
}

/// A site with a small latency, so that concurrent requests overlap.
pub fn slow_site(faults: &[(&str, Fault)]) -> Site {
    let config = Config::with_latency(0.05, 0.0);
    site(faults.iter().fold(config, |config, (cc, fault)| config.with_fault(cc, fault.clone())))
}

/// Runs a program in a fresh temporary directory, as a user would.
pub fn run(program: Program, args: &[&str]) -> Run {
    let dir = tempfile::tempdir().expect("a temporary directory");
    run_in(program, args, dir)
}

/// Runs a program in the given directory.
pub fn run_in(program: Program, args: &[&str], dir: tempfile::TempDir) -> Run {
    let output = command(program, args, dir.path()).output().expect("run the program");
    finished(output, dir)
}

/// The variables that send requests through a proxy.
pub const PROXY_VARS: [&str; 6] =
    ["http_proxy", "https_proxy", "all_proxy", "HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY"];

/// The command, with no proxy settings from the machine running the tests.
pub fn command(program: Program, args: &[&str], dir: &Path) -> Command {
    command_at(&exe(program.name), args, dir)
}

/// The same, for a program's binary at `path`.
pub fn command_at(path: &Path, args: &[&str], dir: &Path) -> Command {
    let mut command = Command::new(path);
    command.args(args).current_dir(dir);
    for var in PROXY_VARS {
        command.env_remove(var);
    }
    command
}

/// Checks `done` every 20 ms until it says yes, for `time` at most; whether
/// it did. Tests wait for what they need to see, never a fixed time that a
/// slow machine may not meet.
pub fn wait_until(time: Duration, mut done: impl FnMut() -> bool) -> bool {
    let deadline = Instant::now() + time;
    loop {
        if done() {
            return true;
        }
        if Instant::now() > deadline {
            return false;
        }
        thread::sleep(Duration::from_millis(20));
    }
}

pub fn finished(output: Output, dir: tempfile::TempDir) -> Run {
    let text = |bytes: Vec<u8>| String::from_utf8_lossy(&bytes).into_owned();
    Run {
        status: output.status.code(),
        stdout: text(output.stdout),
        stderr: text(output.stderr),
        dir,
    }
}

/// Asserts Example 20-1's format: `CC CC ... \n{n} downloads in 0.00s\n`.
pub fn assert_example_20_1(run: &Run, n: usize) {
    let lines: Vec<&str> = run.stdout.split('\n').collect();
    assert_eq!(lines.len(), 3, "two lines and a final newline\n{}", run.describe());
    assert!(lines[0].ends_with(' ') || n == 0, "codes end with a space, as print(end=' ')");
    assert_eq!(run.printed_codes().len(), n);
    let time =
        lines[1].strip_prefix(&format!("{n} downloads in ")).and_then(|t| t.strip_suffix('s'));
    let (secs, cents) = time.and_then(|t| t.split_once('.')).unwrap_or_default();
    assert!(secs.parse::<u32>().is_ok() && cents.len() == 2, "{:?}", lines[1]);
    assert_eq!(lines[2], "");
}

/// The path of a flag on the site: `/flags/br/br.gif`.
pub fn flag_path(cc: &str) -> String {
    let cc = cc.to_lowercase();
    format!("/flags/{cc}/{cc}.gif")
}
