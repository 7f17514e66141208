//! End-to-end tests of flags_compare: real, small comparisons of the three
//! programs (debug builds, so it warns), what it writes, and its errors.
//! Speed is not asserted, only that it measured; JSON is read as JSON, SVG
//! with the svg crate's parser.
//!
//! This is the `compare` suite of the flags_e2e package (`cargo test -p
//! flags_e2e --test compare`); flags_compare and the programs it compares
//! are built first, by `programs.rs`.

mod programs;

use std::process::{Command, Output};

use serde_json::Value;

use programs::{NOBODY, as_root, exe, exe_in};

/// The folder of the programs' builds, up to date.
fn bin_dir() -> String {
    let seq = exe("flags_seq");
    seq.parent().expect("the binaries' folder").to_string_lossy().into_owned()
}

fn compare(args: &[&str]) -> Output {
    Command::new(exe("flags_compare")).args(args).output().expect("run flags_compare")
}

/// Runs a comparison that must succeed; its stdout.
fn compare_ok(args: &[&str]) -> String {
    let dir = bin_dir();
    // After the mode, if any: each mode's options come after its name.
    let output = compare(&[args, &["--bin-dir", &dir]].concat());
    let (stdout, stderr) = (text(&output.stdout), text(&output.stderr));
    assert!(output.status.success(), "{stdout}\n{stderr}");
    stdout
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn json(stdout: &str) -> Value {
    serde_json::from_str(stdout).unwrap_or_else(|err| panic!("not JSON ({err}): {stdout}"))
}

#[test]
fn compares_the_three_programs_as_json() {
    let stdout = compare_ok(&["--latency", "0.02", "--runs", "2", "-l", "5", "--json"]);
    let comparison = json(&stdout);
    let workload = &comparison["workload"];
    assert_eq!((workload["flags"].as_u64(), workload["runs"].as_u64()), (Some(5), Some(2)));
    assert_eq!(workload["program_args"], serde_json::json!(["-l", "5"]));
    let results = comparison["results"].as_array().expect("results");
    let programs: Vec<&str> = results.iter().filter_map(|r| r["program"].as_str()).collect();
    assert_eq!(programs, ["flags_seq", "flags_threadpool", "flags_async"]);
    for (result, (concurrency, connections)) in results.iter().zip([(1, 1), (5, 5), (5, 5)]) {
        assert_eq!(result["concurrency"], concurrency, "{result}");
        assert!(result["median_s"].as_f64().is_some_and(|secs| secs > 0.0), "{result}");
        assert!(result["speedup"].is_number() && result["ratio"].is_number(), "{result}");
        assert_eq!(result["peak_rss_bytes"].is_number(), cfg!(unix), "{result}");
        assert_eq!(result["downloaded"], 5, "{result}");
        let timeline = &result["timeline"];
        assert_eq!(
            (timeline["requests"].as_u64(), timeline["outcomes"]["ok"].as_u64()),
            (Some(5), Some(5))
        );
        assert_eq!(timeline["connections"], connections, "{timeline}");
    }
    assert_eq!(results[0]["speedup"], 1.0, "sequential is the baseline");
    assert_eq!(comparison["chart"], serde_json::json!([]), "no --svg, no chart");
}

#[test]
fn draws_the_timelines_with_a_group_per_program_and_a_bar_per_request() {
    let out = tempfile::tempdir().expect("a temporary folder");
    let svg = out.path().join("timeline.svg");
    let svg_arg = svg.to_string_lossy().into_owned();
    let stdout =
        compare_ok(&["--latency", "0.02", "--runs", "1", "-l", "3", "--timeline", &svg_arg]);
    assert!(stdout.contains(&format!("Timeline: {svg_arg}")), "{stdout}");
    // The text version, under the table.
    assert!(stdout.contains("flags_seq: 3 requests on 1 connection"), "{stdout}");
    assert!(stdout.lines().all(|line| line.chars().count() <= 100), "{stdout}");

    let picture = std::fs::read_to_string(&svg).expect("the SVG file");
    let mut groups: Vec<(String, usize)> = Vec::new();
    for event in svg::read(&picture).expect("an SVG document") {
        let svg::parser::Event::Tag(tag, _, attributes) = event else { continue };
        let class = attributes.get("class").map(|class| class.to_string()).unwrap_or_default();
        match (tag, class.as_str(), groups.last_mut()) {
            ("g", "program", _) => {
                let id = attributes.get("id").map(|id| id.to_string()).unwrap_or_default();
                groups.push((id, 0));
            }
            ("rect", class, Some(group)) if class.starts_with("bar ") => group.1 += 1,
            _ => {}
        }
    }
    let expected = ["flags_seq", "flags_threadpool", "flags_async"].map(|id| (id.to_string(), 3));
    assert_eq!(groups, expected);
}

#[test]
fn bad_output_paths_are_usage_errors_before_any_run() {
    let out = tempfile::tempdir().expect("a temporary folder");
    let folder = out.path().to_string_lossy().into_owned();
    let missing = out.path().join("no/such/folder/t.svg").to_string_lossy().into_owned();
    // An empty --bin-dir: had anything run, it would fail (status 1) instead.
    let empty = tempfile::tempdir().expect("a temporary folder");
    let bin_dir = empty.path().to_string_lossy().into_owned();
    for (option, path) in
        [("--timeline", &missing), ("--svg", &folder), ("--timeline", &String::new())]
    {
        let output = compare(&["--bin-dir", &bin_dir, option, path]);
        let stderr = text(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{option} {path:?}: {stderr}");
        assert!(stderr.contains(option), "{stderr}");
    }
    assert_eq!(std::fs::read_dir(out.path()).map(Iterator::count).ok(), Some(0), "nothing written");
}

#[test]
fn a_missing_program_names_the_command_that_builds_it() {
    let empty = tempfile::tempdir().expect("a temporary folder");
    let release = empty.path().join("target").join("release");
    let debug = empty.path().join("target").join("debug");
    for (dir, command) in [
        (release, "`cargo build --release --workspace`"),
        (debug, "`cargo build --workspace`"),
        (empty.path().to_path_buf(), "--bin-dir target/release"),
    ] {
        std::fs::create_dir_all(&dir).expect("a folder");
        let output = compare(&["--bin-dir", &dir.to_string_lossy()]);
        assert_eq!(output.status.code(), Some(1));
        let stderr = text(&output.stderr);
        assert!(stderr.starts_with("flags_compare: flags_seq not found in"), "{stderr}");
        assert!(stderr.contains(command), "{command} in {stderr}");
        assert_eq!(stderr.lines().count(), 1, "one clear line: {stderr}");
    }
}

#[test]
fn bad_options_are_usage_errors() {
    let bad: [&[&str]; 10] = [
        &["--runs", "0"],
        &["--latency", "-1"],
        &["sweep", "0"],
        &["costs", "1,0"],
        &["costs", "1", "-l", "5"],
        &["-l", "5", "sweep", "1"],
        &["1X"],
        &["--fault", "BR=slow"],
        &["--fault", "XX=hang"],
        &["--timeout", "0"],
    ];
    for args in bad {
        assert_eq!(compare(args).status.code(), Some(2), "{args:?}");
    }
}

#[test]
fn the_old_spellings_of_the_modes_say_the_new_ones() {
    for (old, new) in
        [("--sweep", "flags_compare sweep 1,10"), ("--costs", "flags_compare costs 1,10")]
    {
        let output = compare(&["-e", old, "1,10"]);
        let stderr = text(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{stderr}");
        assert!(stderr.contains(new), "{new} in {stderr}");
    }
}

#[test]
fn sweeps_threads_and_async_over_max_req() {
    let args = ["sweep", "1,3", "--latency", "0.01", "--runs", "1", "-l", "4", "--json"];
    let sweep = json(&compare_ok(&args));
    let steps = sweep["sweep"].as_array().expect("steps");
    let max_reqs: Vec<u64> = steps.iter().filter_map(|step| step["max_req"].as_u64()).collect();
    assert_eq!(max_reqs, [1, 3]);
    for (step, max_req) in steps.iter().zip([1, 3]) {
        let results = step["results"].as_array().expect("results");
        let programs: Vec<&str> = results.iter().filter_map(|r| r["program"].as_str()).collect();
        assert_eq!(programs, ["flags_threadpool", "flags_async"]);
        for result in results {
            assert_eq!(result["concurrency"], max_req, "{result}");
            assert_eq!(result["timeline"]["max_in_flight"], max_req, "{result}");
            assert!(result["speedup"].is_null(), "no sequential run to compare with");
        }
    }
}

#[test]
fn weighs_threads_futures_and_connections_as_json() {
    let costs = json(&compare_ok(&["costs", "1,2", "--json"]));
    let kinds = costs["kinds"].as_array().expect("kinds");
    let names: Vec<&str> = kinds.iter().filter_map(|kind| kind["kind"].as_str()).collect();
    assert_eq!(names, ["threads", "futures", "ureq", "reqwest"]);
    let number_or_null = |value: &Value| value.is_number() || value.is_null();
    for kind in kinds {
        let points = kind["points"].as_array().expect("points");
        let counts: Vec<u64> = points.iter().filter_map(|point| point["n"].as_u64()).collect();
        assert_eq!(counts, [0, 1, 2], "the baseline first: {kind}");
        let connects = matches!(kind["kind"].as_str(), Some("ureq" | "reqwest"));
        for point in points {
            let n = point["n"].as_u64().expect("N");
            // All N started, none refused; threads and futures timed, and
            // the connections not (their time is their GETs').
            assert_eq!((point["alive"].as_u64(), &point["refused"]), (Some(n), &Value::Null));
            let timed = point["start_secs"].as_f64().is_some_and(|secs| secs >= 0.0);
            assert_eq!(timed, !connects, "{point}");
            let each = &point["start_per_unit_ns"];
            assert_eq!(each.is_number(), !connects && n > 0, "{point}");
            let figures = ["peak_rss_bytes", "anon_rss_bytes", "per_unit_bytes", "requests"];
            for figure in figures.into_iter().chain(["connections"]) {
                assert!(point.get(figure).is_some_and(number_or_null), "{figure} in {point}");
            }
            assert_eq!(point["peak_rss_bytes"].is_number(), cfg!(unix), "{point}");
            // Two GETs on each connection: each one was kept alive.
            let seen = (point["requests"].as_u64(), point["connections"].as_u64());
            assert_eq!(
                seen,
                if connects { (Some(2 * n), Some(n)) } else { (None, None) },
                "{point}"
            );
        }
        assert!(points[0]["per_unit_bytes"].is_null(), "nothing to divide by at N = 0");
        let step = &kind["last_step"];
        assert_eq!((step["from"].as_u64(), step["to"].as_u64()), (Some(1), Some(2)), "{kind}");
        assert!(step["per_unit_bytes"].is_number(), "{kind}");
        assert_eq!(
            (&kind["skipped"], &kind["skipped_because"]),
            (&serde_json::json!([]), &Value::Null)
        );
    }
    for size in ["waiting_future_bytes", "get_future_bytes"] {
        assert!(costs[size].as_u64().is_some_and(|bytes| bytes > 0), "{size} in {costs}");
    }
}

/// A thread the system refuses is reported, not a panic: with
/// `RLIMIT_NPROC` (`ulimit -u`) at 20, the 20th task of the probe's user
/// is refused, and the probe says so. Root is exempt from that limit, so
/// as root the probe runs as `nobody` (uid 65534); as another user, with
/// the limit at 0, for that user has processes already.
#[cfg(target_os = "linux")]
#[test]
fn a_refused_thread_is_reported_not_a_panic() {
    use std::os::unix::fs::PermissionsExt;
    use std::os::unix::process::CommandExt;

    let root = as_root();
    let tasks = if root { 20 } else { 0 };
    let dir = tempfile::tempdir().expect("a temporary directory");
    let mut probe = Command::new(exe("flags_compare"));
    if root {
        let open = std::fs::Permissions::from_mode(0o755);
        std::fs::set_permissions(dir.path(), open).expect("chmod 755");
        probe = Command::new(exe_in("flags_compare", dir.path()));
        probe.uid(NOBODY).gid(NOBODY);
    }
    probe.args(["__probe", "threads", "1000", "http://127.0.0.1:1/flags"]);
    // SAFETY: between fork and exec, only setrlimit, a plain system call:
    // no allocation, no lock.
    unsafe {
        probe.pre_exec(move || rlimit::Resource::NPROC.set(tasks, tasks));
    }
    let output = probe.output().expect("run a probe");
    let (stdout, stderr) = (text(&output.stdout), text(&output.stderr));
    assert!(output.status.success(), "{stdout}\n{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    let line = json(&stdout);
    assert!(line["alive"].as_u64().is_some_and(|alive| alive < tasks.max(1)), "{line}");
    let refused = &line["refused"];
    assert_eq!(refused["by"], "system", "{line}");
    let reason = refused["reason"].as_str().unwrap_or_default();
    assert!(reason.contains("(os error 11)"), "EAGAIN: {line}");
    let limit = refused["limit"].as_str().unwrap_or_default();
    assert!(limit.contains(&format!("RLIMIT_NPROC = {tasks},")), "{line}");
    // Its memory and start time are those of the threads that started.
    assert!(line["anon_rss_bytes"].is_number() && line["start_secs"].is_number(), "{line}");
}

#[test]
fn a_probe_with_bad_arguments_is_a_usage_error() {
    for (args, says) in [
        (&["__probe", "fibers", "1", "http://127.0.0.1:1/"][..], "invalid value 'fibers'"),
        (&["__probe", "threads"], "required arguments were not provided"),
    ] {
        let output = compare(args);
        let stderr = text(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{args:?}: {stderr}");
        // The first line is what `costs` would report of a probe.
        assert!(stderr.lines().next().is_some_and(|line| line.contains(says)), "{stderr}");
    }
    // A probe never goes off this machine: a proxy could be asked.
    let output = compare(&["__probe", "ureq", "1", "http://flags.invalid/flags"]);
    assert_eq!(output.status.code(), Some(2), "{}", text(&output.stderr));
}

#[test]
fn draws_the_growth_chart_as_svg() {
    let out = tempfile::tempdir().expect("a temporary folder");
    let svg = out.path().join("chart.svg");
    let svg_arg = svg.to_string_lossy().into_owned();
    // No latency: the chart's 20, 194 and 676 flags take a second or two.
    let args = ["--latency", "0", "--runs", "1", "-l", "2", "--svg", &svg_arg, "--json"];
    let comparison = json(&compare_ok(&args));
    let points = comparison["chart"].as_array().expect("chart points");
    let flags: Vec<u64> = points.iter().filter_map(|point| point["flags"].as_u64()).collect();
    assert_eq!(flags, [20, 194, 676].repeat(3));
    assert!(
        comparison["results"].as_array().is_some_and(|r| r.iter().all(|r| r["ratio"].is_null()))
    );

    let chart = std::fs::read_to_string(&svg).expect("the SVG file");
    let texts: Vec<String> = svg::read(&chart)
        .expect("an SVG document")
        .filter_map(|event| match event {
            svg::parser::Event::Text(text) => Some(text.trim().to_string()),
            _ => None,
        })
        .collect();
    for name in ["flags_seq (sequential)", "flags_threadpool (threads)", "flags_async (async)"] {
        assert!(texts.iter().any(|text| text == name), "legend: {name} in {texts:?}");
    }
}

/// Ctrl-C (a real SIGINT) while a program runs: the program and the site
/// stop, the run's temporary folder goes, and the exit status is 130. On
/// Linux, where the test can find the children in /proc.
#[cfg(target_os = "linux")]
mod ctrl_c {
    use std::path::{Path, PathBuf};
    use std::process::Stdio;
    use std::time::{Duration, Instant};

    use super::*;

    #[test]
    fn stops_everything_and_leaves_no_temporary_folder() {
        let tmp = tempfile::tempdir().expect("a temporary folder");
        let dir = bin_dir();
        let child = Command::new(exe("flags_compare"))
            .args(["--bin-dir", &dir, "--latency", "0.5", "--runs", "1", "-l", "3"])
            .env("TMPDIR", tmp.path())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start flags_compare");
        // A run has started once its folder is there, with the site and the program.
        let deadline = Instant::now() + Duration::from_secs(10);
        while (folders(tmp.path()).is_empty() || children(child.id()).len() < 2)
            && Instant::now() < deadline
        {
            std::thread::sleep(Duration::from_millis(10));
        }
        let running = children(child.id());
        assert_eq!(running.len(), 2, "the site and a program: {running:?}");
        let kill = Command::new("kill").args(["-INT", &child.id().to_string()]).status();
        assert!(kill.is_ok_and(|status| status.success()), "send SIGINT");
        let output = child.wait_with_output().expect("its exit");
        let stderr = text(&output.stderr);
        assert_eq!(output.status.code(), Some(130), "{stderr}");
        assert!(
            stderr.lines().last().is_some_and(|line| line.contains("stopped by Ctrl-C")),
            "{stderr}"
        );
        assert_eq!(folders(tmp.path()), Vec::<PathBuf>::new(), "temporary folders left");
        for pid in running {
            assert!(!Path::new(&format!("/proc/{pid}")).exists(), "process {pid} still there");
        }
    }

    /// What is in `dir`.
    fn folders(dir: &Path) -> Vec<PathBuf> {
        let entries = std::fs::read_dir(dir).into_iter().flatten().flatten();
        entries.map(|entry| entry.path()).collect()
    }

    /// The processes whose parent is `pid`, as Linux lists them.
    fn children(pid: u32) -> Vec<u32> {
        let tasks = std::fs::read_dir(format!("/proc/{pid}/task")).into_iter().flatten().flatten();
        let lists =
            tasks.filter_map(|task| std::fs::read_to_string(task.path().join("children")).ok());
        lists
            .flat_map(|list| {
                list.split_whitespace().filter_map(|pid| pid.parse().ok()).collect::<Vec<_>>()
            })
            .collect()
    }
}
