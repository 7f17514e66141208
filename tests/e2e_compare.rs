//! End-to-end tests of flags_compare: a real, small comparison of the three
//! programs, and its errors. Speed is not asserted, only that it measured.

use std::path::PathBuf;
use std::process::{Command, Output};

#[path = "e2e/programs.rs"]
mod programs;

const COMPARE: &str = env!("CARGO_BIN_EXE_flags_compare");

/// The folder of the programs' builds, up to date.
fn bin_dir() -> PathBuf {
    let seq = programs::exe("flags_seq");
    seq.parent().expect("the binaries' folder").to_path_buf()
}

fn compare(args: &[&str]) -> Output {
    Command::new(COMPARE).args(args).output().expect("run flags_compare")
}

#[test]
fn compares_the_three_programs_as_json() {
    let dir = bin_dir().to_string_lossy().into_owned();
    let args = ["--bin-dir", &dir, "--latency", "0.02", "--runs", "2", "-l", "5", "--json"];
    let output = compare(&args);
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "{stdout}\n{}", String::from_utf8_lossy(&output.stderr));
    assert!(stdout.starts_with("{\"flags\": 5, \"latency_s\": 0.02, \"runs\": 2, \"results\": ["));
    for (program, concurrency) in [("flags_seq", 1), ("flags_threadpool", 5), ("flags_async", 5)] {
        let row = format!("{{\"program\": \"{program}\", ");
        let start = stdout.find(&row).unwrap_or_else(|| panic!("{program} in {stdout}"));
        let row = &stdout[start..stdout[start..].find('}').map_or(stdout.len(), |end| start + end)];
        assert!(row.contains(&format!("\"concurrency\": {concurrency},")), "{row}");
        assert!(!row.contains("\"median_s\": 0.0000"), "it measured something: {row}");
    }
}

#[test]
fn a_missing_program_says_how_to_build_it() {
    let empty = tempfile::tempdir().expect("a temporary directory");
    let output = compare(&["--bin-dir", &empty.path().to_string_lossy()]);
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("flags_seq not found in"), "{stderr}");
    assert!(stderr.contains("cargo build --release --workspace"), "{stderr}");
    assert_eq!(stderr.lines().count(), 1, "one clear line");
}

#[test]
fn bad_options_are_usage_errors() {
    for bad in [&["--runs", "0"][..], &["--latency", "-1"], &["--sweep", "0"], &["1X"]] {
        assert_eq!(compare(bad).status.code(), Some(2), "{bad:?}");
    }
}

#[test]
fn sweeps_threads_and_async_over_max_req() {
    let dir = bin_dir().to_string_lossy().into_owned();
    let args = ["--bin-dir", &dir, "--latency", "0.01", "--runs", "1", "-l", "4"];
    let output = compare(&[&args[..], &["--sweep", "1,3", "--json"]].concat());
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "{stdout}\n{}", String::from_utf8_lossy(&output.stderr));
    for max_req in [1, 3] {
        for program in ["flags_threadpool", "flags_async"] {
            let run = format!("{{\"max_req\": {max_req}, \"result\": {{\"program\": \"{program}\"");
            assert!(stdout.contains(&run), "{run} in {stdout}");
        }
    }
    assert_eq!(stdout.matches("\"concurrency\": 3,").count(), 2, "-m 3 was used: {stdout}");
}

#[test]
fn draws_the_growth_chart_as_svg() {
    let dir = bin_dir().to_string_lossy().into_owned();
    let out = tempfile::tempdir().expect("a temporary directory");
    let svg = out.path().join("chart.svg");
    let svg_arg = svg.to_string_lossy().into_owned();
    // No latency: the chart's 20, 194 and 676 flags take a second or two.
    let args = ["--bin-dir", &dir, "--latency", "0", "--runs", "1", "-l", "2", "--svg", &svg_arg];
    let output = compare(&args);
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "{stdout}\n{}", String::from_utf8_lossy(&output.stderr));
    assert!(stdout.contains(&format!("Chart: {svg_arg}")), "{stdout}");
    let chart = std::fs::read_to_string(&svg).expect("the SVG file");
    assert!(chart.starts_with("<svg") && chart.trim_end().ends_with("</svg>"));
    for name in ["flags_seq (sequential)", "flags_threadpool (threads)", "flags_async (async)"] {
        assert!(chart.contains(name), "legend: {name}");
    }
}
