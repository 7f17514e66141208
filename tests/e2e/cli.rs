//! The command line and the reports. The three programs share them (they
//! live in flags_common), so each is tested once, on the quickest program
//! for the job.

use std::fs;

use crate::support::*;

#[test]
fn the_built_in_site_is_the_default() {
    let run = run(ASYNC, &["BR", "cn"]);
    assert_eq!(run.status, Some(0), "{}", run.describe());
    assert_example_20_1(&run, 2);
    run.assert_saved_exactly(&["BR", "CN"]);
    let line = run.stderr.lines().next().unwrap_or_default();
    assert!(line.starts_with("SIMULATED site: http://127.0.0.1:"), "{}", run.stderr);
    assert!(line.ends_with("/flags (built in, 0.36 s a request)"), "{line}");
}

#[test]
fn usage_errors_exit_2_before_any_request() {
    let site = slow_site(&[]);
    let url = site.base_url();
    let cases: [&[&str]; 15] = [
        &["1X"],
        &["../x"],
        &["BRA"],
        &["-m", "0"],
        &["-l", "0"],
        &["-a", "BR"],
        &["--timeout", "-1"],
        &["--timeout", "1e19"],
        &["--timeout", "1e-10"],
        &["--json", "-v"],
        &["-s", "FAST"],
        &["-s", "ftp://127.0.0.1/flags"],
        &["-s", "http://127.0.0.1:99999/flags"],
        &["-s", "http://127.0.0.1:8001/flags?size=big"],
        &["-s", "http://127.0.0.1:8001/flags#top"],
    ];
    for bad in cases {
        let args = [&["-s", url.as_str()][..], bad].concat();
        let run = run(SEQ, &args);
        assert_eq!(run.status, Some(2), "{bad:?}\n{}", run.describe());
        let first = run.stderr.lines().next().unwrap_or_default();
        assert!(first.starts_with("error: "), "one clear line first: {first:?}");
        assert!(run.stderr.contains("\nUsage: flags_seq "), "and the usage\n{}", run.stderr);
        assert_eq!(run.stdout, "");
        assert!(!run.dir.path().join("downloaded").exists(), "nothing was done");
    }
    assert_eq!(site.stats().requests, 0, "no request at all");
}

#[test]
fn usage_errors_keep_clap_s_tips() {
    let run = run(SEQ, &["--al"]);
    assert_eq!(run.status, Some(2), "{}", run.describe());
    assert!(run.stderr.contains("tip: a similar argument exists: '--all'"), "{}", run.stderr);
    assert!(run.stderr.contains("Usage: flags_seq"), "{}", run.stderr);
}

#[test]
fn help_and_version() {
    let help = run(SEQ, &["--help"]);
    assert_eq!(help.status, Some(0));
    for text in ["Usage: flags_seq", "--max-req <CONCURRENT>", "--every", "--json", "Exit status:"]
    {
        assert!(help.stdout.contains(text), "{text:?} in\n{}", help.stdout);
    }
    let version = run(ASYNC, &["--version"]);
    assert_eq!(version.status, Some(0));
    assert_eq!(version.stdout, format!("flags_async {}\n", env!("CARGO_PKG_VERSION")));
}

#[test]
fn not_found_is_counted_not_failed() {
    let site = slow_site(&[]);
    let run = run(ASYNC, &["-s", &site.base_url(), "zz", "BR", "QQ"]);
    assert_eq!(run.status, Some(0), "not found is a normal outcome\n{}", run.describe());
    let report = run.report_lines();
    assert!(report[0].starts_with("1 downloads in "), "{}", run.describe());
    assert_eq!(report[1..], ["  2 not found."]);
    run.assert_saved_exactly(&["BR"]);
    assert_eq!(site.stats().statuses.get(&404), Some(&2));
}

#[test]
fn verbose_prints_flags2_s_header_and_a_line_per_code() {
    let site = slow_site(&[("CN", Fault::Status(500))]);
    let url = site.base_url();
    let run = run(THREADPOOL, &["-v", "-s", &url, "-m", "2", "zz", "BR", "CN"]);
    assert_eq!(run.status, Some(1), "{}", run.describe());
    let lines: Vec<&str> = run.stdout.lines().collect();
    let header = [
        format!("CUSTOM site: {url}"),
        "Searching for 3 flags: BR, CN, ZZ".into(),
        "2 concurrent connections will be used.".into(),
    ];
    assert_eq!(lines[..3], header);
    let mut per_code = lines[3..6].to_vec();
    per_code.sort();
    let not_found = format!("ZZ not found: {url}/zz/zz.gif");
    assert_eq!(per_code, ["BR OK", "CN error: HTTP error 500 - Internal Server Error", &not_found]);
    assert!(lines[6].starts_with("1 downloads in "));
    assert_eq!(lines[7..], ["  1 not found.", "  1 errors."]);
    assert_eq!(run.stderr, "", "-v names the site on stdout, and each error");
}

#[test]
fn errors_are_listed_by_reason_on_stderr() {
    let faults =
        [("BR", Fault::Status(503)), ("CN", Fault::Status(503)), ("IN", Fault::Status(418))];
    let site = slow_site(&faults);
    let run = run(ASYNC, &["-s", &site.base_url(), "BR", "CN", "IN", "US"]);
    assert_eq!(run.status, Some(1), "{}", run.describe());
    assert_eq!(run.report_lines()[1..], ["  3 errors."]);
    let reasons: Vec<&str> = run.stderr.lines().skip(1).collect();
    let expected = [
        "Errors by reason (-v shows each code):",
        "     1  HTTP error 418 - I'm a teapot",
        "     2  HTTP error 503 - Service Unavailable",
    ];
    assert_eq!(reasons, expected, "{}", run.stderr);
}

#[test]
fn json_reports_what_the_table_would() {
    let site = slow_site(&[("CN", Fault::Status(503))]);
    let run = run(ASYNC, &["--json", "-s", &site.base_url(), "BR", "CN", "ZZ"]);
    assert_eq!(run.status, Some(1), "{}", run.describe());
    let report = run.report();
    assert_eq!(run.stdout.lines().count(), 1, "one JSON object, on one line");
    let expected = serde_json::json!({
        "program": "flags_async",
        "site": "CUSTOM",
        "base_url": site.base_url(),
        "flags": 3,
        "concur_req": 3,
        "default_concur_req": 1000,
        "max_concur_req": 1000,
        "downloaded": 1,
        "not_found": 1,
        "errors": 1,
        "error_reasons": {"HTTP error 503 - Service Unavailable": 1},
        "not_attempted": 0,
        "stopped_by_signal": null,
        "elapsed_s": report["elapsed_s"],
    });
    assert_eq!(report, expected);
    assert!(report["elapsed_s"].as_f64().is_some_and(|secs| secs > 0.0));
}

#[test]
fn max_req_above_the_limit_is_said_and_capped() {
    let site = slow_site(&[]);
    let run = run(SEQ, &["-m", "3", "--json", "-s", &site.base_url(), "BR", "CN"]);
    assert_eq!(run.status, Some(0), "{}", run.describe());
    assert!(
        run.stderr.contains("flags_seq: -m 3 is more than its limit; using 1."),
        "{}",
        run.stderr
    );
    assert_eq!(run.report()["concur_req"].as_u64(), Some(1));
    assert_eq!(site.stats().max_in_flight, 1);
}

#[test]
fn a_wrong_base_url_gets_a_hint() {
    let site = slow_site(&[]);
    let root = format!("http://{}", site.addr()); // without /flags
    let run = run(ASYNC, &["-s", &root]);
    assert_eq!(run.status, Some(0), "{}", run.describe());
    assert_eq!(run.report_lines()[1..], [" 20 not found."]);
    let hint = format!("None of these flags was found at {root}\n");
    assert!(run.stderr.contains(&hint), "{}", run.stderr);
    for line in run.stderr.lines() {
        assert!(line.chars().count() <= 80, "fits 80 columns: {line:?}");
    }
}

#[test]
fn an_unwritable_dest_dir_fails_before_any_request() {
    let site = slow_site(&[]);
    let dir = tempfile::tempdir().expect("a temporary directory");
    fs::write(dir.path().join("downloaded"), "a file where the folder should be").expect("write");
    let run = run_in(SEQ, &["-s", &site.base_url()], dir);
    assert_eq!(run.status, Some(1), "{}", run.describe());
    assert_eq!(run.stdout, "");
    let errors: Vec<&str> = run.stderr.lines().filter(|line| !line.contains(" site: ")).collect();
    assert_eq!(errors.len(), 1, "one clear line\n{}", run.stderr);
    assert!(
        errors[0].starts_with("flags_seq: cannot save flags in downloaded/: "),
        "{}",
        errors[0]
    );
    assert_eq!(site.stats().requests, 0);
}

#[test]
fn every_code_with_a_limit() {
    let site = site(Config::default());
    let run = run(THREADPOOL, &["-e", "-l", "30", "-s", &site.base_url()]);
    assert_eq!(run.status, Some(0), "{}", run.describe());
    let expected: Vec<String> = ["A", "B"]
        .iter()
        .flat_map(|a| ('A'..='Z').map(move |b| format!("{a}{b}")))
        .take(30)
        .collect();
    let stats = site.stats();
    let mut paths = stats.paths();
    paths.sort();
    let urls: Vec<String> = expected.iter().map(|cc| flag_path(cc)).collect();
    assert_eq!(paths, urls);
    let real: Vec<&str> =
        expected.iter().map(String::as_str).filter(|cc| flag_gif(cc).is_some()).collect();
    run.assert_saved_exactly(&real);
    assert!(!run.stderr.contains("30/30"), "no progress bar outside a terminal");
}

#[test]
fn a_letter_means_26_codes() {
    let site = site(Config::default());
    let run = run(SEQ, &["-s", &site.base_url(), "b"]);
    assert_eq!(run.status, Some(0), "{}", run.describe());
    let stats = site.stats();
    assert_eq!((stats.requests, stats.connections), (26, 1), "404s keep the connection alive");
    let real: Vec<String> =
        ('A'..='Z').map(|c| format!("B{c}")).filter(|cc| flag_gif(cc).is_some()).collect();
    run.assert_saved_exactly(&real.iter().map(String::as_str).collect::<Vec<_>>());
}
