//! What the end-to-end tests share: run a program as a user would, in a
//! fresh temporary directory, against a flag site started here on loopback,
//! then look at what it printed, what it saved, and what the site saw.
//!
//! Each `e2e_*.rs` file instantiates [`every_program_tests!`] for its binary,
//! so every rule is checked on all three programs.

#![allow(dead_code)] // each test file uses a different part of this module

use std::collections::BTreeMap;
use std::fs;
use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::Duration;

pub use flags_server::{Config, Fault, Site, flag_gif};

/// One of the three programs, and what to expect of it.
#[derive(Clone, Copy)]
pub struct Program {
    pub exe: &'static str,
    /// The most requests it makes at once by default.
    pub default_concurrency: usize,
    /// Does it print codes in sorted order? (Only the sequential one.)
    pub sorted: bool,
}

impl Program {
    /// The concurrency it uses for `n` codes with `-m` unset.
    pub fn concurrency_for(&self, n: usize) -> usize {
        self.default_concurrency.min(n)
    }
}

/// Python's `ThreadPoolExecutor()` default size: what flags_threadpool uses.
pub fn default_pool_size() -> usize {
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    (cores + 4).min(32)
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
        let dest = self.dir.path().join("downloaded");
        let entries =
            fs::read_dir(dest).map(|dir| dir.flatten().collect()).unwrap_or_else(|_| vec![]);
        let read =
            |entry: fs::DirEntry| (name(&entry.path()), fs::read(entry.path()).unwrap_or_default());
        entries.into_iter().map(read).collect()
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
    let mut config = Config::with_latency(0.05, 0.0);
    config.faults = faults.iter().map(|(cc, fault)| (cc.to_string(), fault.clone())).collect();
    site(config)
}

/// Runs a program in a fresh temporary directory, as a user would.
pub fn run(program: &Program, args: &[&str]) -> Run {
    let dir = tempfile::tempdir().expect("a temporary directory");
    run_in(program, args, dir)
}

/// Runs a program in the given directory.
pub fn run_in(program: &Program, args: &[&str], dir: tempfile::TempDir) -> Run {
    let output = command(program, args, dir.path()).output().expect("run the program");
    finished(output, dir)
}

/// The command, with no proxy settings that could send loopback traffic away.
pub fn command(program: &Program, args: &[&str], dir: &Path) -> Command {
    let mut command = Command::new(program.exe);
    command.args(args).current_dir(dir);
    for var in ["http_proxy", "https_proxy", "all_proxy", "HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY"]
    {
        command.env_remove(var);
    }
    command
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

/// Defines the end-to-end tests that every program must pass.
#[macro_export]
macro_rules! every_program_tests {
    ($program:expr) => {
        fn program() -> support::Program {
            $program
        }

        every_program_tests!(@tests
            pop20_with_example_20_1_output,
            the_built_in_site_is_the_default,
            usage_errors_exit_2_before_any_request,
            not_found_is_counted_not_failed,
            faults_are_errors_and_leave_nothing_behind,
            verbose_prints_a_line_per_code,
            an_unreachable_server_is_an_error_per_code,
            an_unwritable_dest_dir_fails_before_any_request,
            max_req_bounds_requests_in_flight,
            every_code_with_a_limit,
            a_letter_means_26_codes,
            ctrl_c_stops_cleanly_with_a_partial_report,
            help_and_version,
        );
    };
    (@tests $($name:ident),* $(,)?) => {
        $(
            #[test]
            fn $name() {
                support::$name(&program());
            }
        )*
    };
}

pub fn pop20_with_example_20_1_output(program: &Program) {
    let site = slow_site(&[]);
    let run = run(program, &["-s", &site.base_url()]);
    assert_eq!(run.status, Some(0), "{}", run.describe());
    assert_example_20_1(&run, 20);
    run.assert_saved_exactly(&POP20_SORTED);
    let mut printed = run.printed_codes();
    if program.sorted {
        assert_eq!(printed, POP20_SORTED, "flags_seq prints in sorted order");
    }
    printed.sort();
    assert_eq!(printed, POP20_SORTED);
    let stats = site.stats();
    assert_eq!(stats.requests, 20);
    assert_eq!(stats.max_in_flight, program.concurrency_for(20), "most requests in flight");
    assert_eq!(stats.statuses.get(&200), Some(&20));
    assert_eq!(
        stats.connections,
        program.concurrency_for(20),
        "one client, connections kept alive"
    );
}

/// No `-s`: the built-in site, started inside the program, says so on stderr.
pub fn the_built_in_site_is_the_default(program: &Program) {
    let run = run(program, &["BR", "cn"]);
    assert_eq!(run.status, Some(0), "{}", run.describe());
    assert_example_20_1(&run, 2);
    run.assert_saved_exactly(&["BR", "CN"]);
    assert!(run.stderr.contains("built-in SIMULATED site at http://127.0.0.1:"), "{}", run.stderr);
}

pub fn usage_errors_exit_2_before_any_request(program: &Program) {
    let site = slow_site(&[]);
    let url = site.base_url();
    let cases: [&[&str]; 8] = [
        &["1X"],
        &["../x"],
        &["BRA"],
        &["-m", "0"],
        &["-l", "0"],
        &["--timeout", "-1"],
        &["-s", "FAST"],
        &["-s", "ftp://127.0.0.1/flags"],
    ];
    for bad in cases {
        let args = [&["-s", url.as_str()][..], bad].concat();
        let run = run(program, &args);
        assert_eq!(run.status, Some(2), "{bad:?}\n{}", run.describe());
        let first = run.stderr.lines().next().unwrap_or_default();
        assert!(first.starts_with("error: "), "one clear line first: {first:?}");
        assert!(run.stderr.contains("Usage: "), "and the usage\n{}", run.stderr);
        assert_eq!(run.stdout, "");
        assert!(!run.dir.path().join("downloaded").exists(), "nothing was done");
    }
    assert_eq!(site.stats().requests, 0, "no request at all");
}

pub fn not_found_is_counted_not_failed(program: &Program) {
    let site = slow_site(&[]);
    let run = run(program, &["-s", &site.base_url(), "zz", "BR", "QQ"]);
    assert_eq!(run.status, Some(0), "not found is a normal outcome\n{}", run.describe());
    let report: Vec<&str> = run.stdout.lines().skip(1).collect();
    assert_eq!(report[1..], ["  2 not found."]);
    assert!(report[0].starts_with("1 downloads in "));
    run.assert_saved_exactly(&["BR"]);
    assert_eq!(site.stats().statuses.get(&404), Some(&2));
}

pub fn faults_are_errors_and_leave_nothing_behind(program: &Program) {
    let faults = [
        ("CN", Fault::Reset),
        ("IN", Fault::Truncate),
        ("US", Fault::Oversize),
        ("ID", Fault::Status(503)),
        ("PK", Fault::Hang),
        ("BD", Fault::Status(304)), // not 2xx: no empty flag
        ("CD", Fault::Status(302)), // a redirect with nowhere to go
        ("BR", Fault::Redirect),    // followed: not an error
    ];
    let site = slow_site(&faults);
    let run = run(program, &["-s", &site.base_url(), "--timeout", "1"]);
    assert_eq!(run.status, Some(1), "errors mean exit status 1\n{}", run.describe());
    let bad = ["BD", "CD", "CN", "IN", "US", "ID", "PK"];
    let good: Vec<&str> = POP20_SORTED.into_iter().filter(|cc| !bad.contains(cc)).collect();
    run.assert_saved_exactly(&good);
    let report: Vec<&str> = run.stdout.lines().skip(1).collect();
    assert!(report[0].starts_with("13 downloads in "), "{}", run.describe());
    assert_eq!(report[1..], ["  7 errors."]);
    assert!(run.stderr.contains("HTTP error 503 - Service Unavailable"), "{}", run.stderr);
    assert_eq!(site.stats().requests, 21, "each code once, plus the redirect");
}

pub fn verbose_prints_a_line_per_code(program: &Program) {
    let site = slow_site(&[("CN", Fault::Status(500))]);
    let url = site.base_url();
    let run = run(program, &["-v", "-s", &url, "zz", "BR", "CN"]);
    assert_eq!(run.status, Some(1), "{}", run.describe());
    let lines: Vec<&str> = run.stdout.lines().collect();
    let connections = match program.concurrency_for(3) {
        1 => "1 connection will be used.".to_string(),
        n => format!("{n} concurrent connections will be used."),
    };
    let header =
        [format!("CUSTOM site: {url}"), "Searching for 3 flags: BR, CN, ZZ".into(), connections];
    assert_eq!(lines[..3], header);
    let mut per_code = lines[3..6].to_vec();
    per_code.sort();
    let not_found = format!("ZZ not found: {url}/zz/zz.gif");
    assert_eq!(per_code, ["BR OK", "CN error: HTTP error 500 - Internal Server Error", &not_found]);
    assert!(lines[6].starts_with("1 downloads in "));
    assert_eq!(lines[7..], ["  1 not found.", "  1 errors."]);
}

pub fn an_unreachable_server_is_an_error_per_code(program: &Program) {
    let port = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("a free port");
        listener.local_addr().map(|addr| addr.port()).expect("its port")
    }; // closed again: connections are refused
    let run = run(program, &["-s", &format!("http://127.0.0.1:{port}/flags")]);
    assert_eq!(run.status, Some(1), "{}", run.describe());
    assert_eq!(run.stdout.lines().skip(1).collect::<Vec<_>>()[1..], [" 20 errors."]);
    let reasons: Vec<&str> =
        run.stderr.lines().filter(|line| line.starts_with("    20  ")).collect();
    assert_eq!(reasons.len(), 1, "one reason for all 20\n{}", run.stderr);
    assert!(reasons[0].to_lowercase().contains("refused"), "{}", reasons[0]);
    run.assert_saved_exactly(&[]);
}

pub fn an_unwritable_dest_dir_fails_before_any_request(program: &Program) {
    let site = slow_site(&[]);
    let dir = tempfile::tempdir().expect("a temporary directory");
    fs::write(dir.path().join("downloaded"), "a file where the folder should be").expect("write");
    let run = run_in(program, &["-s", &site.base_url()], dir);
    assert_eq!(run.status, Some(1), "{}", run.describe());
    assert_eq!(run.stdout, "");
    let errors: Vec<&str> =
        run.stderr.lines().filter(|l| !l.starts_with("Using the built-in")).collect();
    assert_eq!(errors.len(), 1, "one clear line\n{}", run.stderr);
    assert!(errors[0].contains("cannot save flags in downloaded/"), "{}", errors[0]);
    assert_eq!(site.stats().requests, 0);
}

pub fn max_req_bounds_requests_in_flight(program: &Program) {
    let site = slow_site(&[]);
    let run = run(program, &["-m", "3", "-s", &site.base_url()]);
    assert_eq!(run.status, Some(0), "{}", run.describe());
    run.assert_saved_exactly(&POP20_SORTED);
    let expected = if program.default_concurrency == 1 { 1 } else { 3 };
    assert_eq!(site.stats().max_in_flight, expected, "exactly -m, no more, no less");
}

pub fn every_code_with_a_limit(program: &Program) {
    let site = site(Config::default());
    let run = run(program, &["-e", "-l", "30", "-s", &site.base_url()]);
    assert_eq!(run.status, Some(0), "{}", run.describe());
    let expected: Vec<String> = ["A", "B"]
        .iter()
        .flat_map(|a| ('A'..='Z').map(move |b| format!("{a}{b}")))
        .take(30)
        .collect();
    let stats = site.stats();
    let connections = stats.connections;
    assert!(
        connections <= program.concurrency_for(30),
        "404s keep connections alive: {connections}"
    );
    let mut paths = stats.paths();
    paths.sort();
    let urls: Vec<String> = expected.iter().map(|cc| flag_path(cc)).collect();
    assert_eq!(paths, urls);
    let real: Vec<&str> =
        expected.iter().map(String::as_str).filter(|cc| flag_gif(cc).is_some()).collect();
    run.assert_saved_exactly(&real);
    assert!(!run.stderr.contains("30/30"), "no progress bar outside a terminal");
}

pub fn a_letter_means_26_codes(program: &Program) {
    let site = site(Config::default());
    let run = run(program, &["-s", &site.base_url(), "b"]);
    assert_eq!(run.status, Some(0), "{}", run.describe());
    assert_eq!(site.stats().requests, 26);
    let real: Vec<String> =
        ('A'..='Z').map(|c| format!("B{c}")).filter(|cc| flag_gif(cc).is_some()).collect();
    run.assert_saved_exactly(&real.iter().map(String::as_str).collect::<Vec<_>>());
}

fn flag_path(cc: &str) -> String {
    let cc = cc.to_lowercase();
    format!("/flags/{cc}/{cc}.gif")
}

/// Ctrl-C (SIGINT) mid-run: no new requests, a partial report, status 130,
/// and `downloaded/` holding only complete flags.
pub fn ctrl_c_stops_cleanly_with_a_partial_report(program: &Program) {
    let site = site(Config::with_latency(0.2, 0.0));
    let dir = tempfile::tempdir().expect("a temporary directory");
    let mut command = command(program, &["-a", "-m", "4", "-s", &site.base_url()], dir.path());
    let child = command.stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().expect("start");
    std::thread::sleep(Duration::from_millis(700));
    let kill = Command::new("kill").args(["-INT", &child.id().to_string()]).status();
    assert!(kill.is_ok_and(|status| status.success()), "send SIGINT");
    let run = finished(child.wait_with_output().expect("wait"), dir);
    assert_eq!(run.status, Some(130), "{}", run.describe());
    let last = run.stdout.lines().last().unwrap_or_default();
    assert!(last.ends_with("not attempted: interrupted."), "{}", run.describe());
    let requests = site.stats().requests;
    assert!(requests < 194, "stopped starting requests ({requests})");
    let saved = run.saved();
    let codes: Vec<&str> = saved.keys().filter_map(|name| name.strip_suffix(".gif")).collect();
    assert!(!codes.is_empty(), "in-flight downloads finished");
    run.assert_saved_exactly(&codes);
}

pub fn help_and_version(program: &Program) {
    let help = run(program, &["--help"]);
    assert_eq!(help.status, Some(0));
    for text in ["Usage: flags_", "--max-req <CONCURRENT>", "--every", "Exit status:"] {
        assert!(help.stdout.contains(text), "{text:?} in\n{}", help.stdout);
    }
    let version = run(program, &["--version"]);
    assert_eq!(version.status, Some(0));
    assert!(
        version.stdout.starts_with("flags_") && version.stdout.contains(env!("CARGO_PKG_VERSION"))
    );
}
