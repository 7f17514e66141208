//! `flags_async --http2`: one connection, the requests as its streams. Each
//! rule of issue 14 against the built-in site, which records the protocol,
//! the connection and the stream of every request.

use std::collections::BTreeMap;
use std::process::Stdio;
use std::time::Duration;

use flags_server::Protocol;

use crate::support::*;

/// Runs `flags_async --http2` on POP20 with `args`, and the site's stats.
fn pop20_over_http2(site: &Site, args: &[&str]) -> (Run, flags_server::Stats) {
    let url = site.base_url();
    let run = run(ASYNC, &[&["--http2", "-s", &url], args].concat());
    (run, site.stats())
}

/// How many times the site saw each code's flag asked for.
fn asked(stats: &flags_server::Stats) -> BTreeMap<String, usize> {
    let mut asked = BTreeMap::new();
    for code in stats.records.iter().filter_map(|record| record.code.clone()) {
        *asked.entry(code).or_default() += 1;
    }
    asked
}

#[test]
fn one_connection_carries_every_request_as_a_stream() {
    let site = slow_site(&[]);
    let (run, stats) = pop20_over_http2(&site, &["--json"]);
    assert_eq!(run.status, Some(0), "{}", run.describe());
    run.assert_saved_exactly(&POP20_SORTED);
    assert_eq!(run.report()["downloaded"].as_u64(), Some(20), "the same JSON report");
    assert_eq!((stats.connections, stats.max_in_flight), (1, 20), "one connection, 20 streams");
    assert!(stats.records.iter().all(|record| record.protocol == Protocol::Http2));
    let mut streams: Vec<u64> = stats.records.iter().filter_map(|record| record.stream).collect();
    streams.sort_unstable();
    assert_eq!(streams, (1..=20).collect::<Vec<u64>>(), "20 streams of one connection");
}

#[test]
fn without_the_option_nothing_changes() {
    let site = slow_site(&[]);
    let run = run(ASYNC, &["-s", &site.base_url()]);
    assert_eq!(run.status, Some(0), "{}", run.describe());
    let stats = site.stats();
    assert_eq!(stats.connections, 20, "a connection per request in flight");
    assert!(stats.records.iter().all(|record| record.protocol == Protocol::Http1));
}

#[test]
fn max_req_bounds_the_streams_exactly() {
    let site = slow_site(&[]);
    let (run, stats) = pop20_over_http2(&site, &["-m", "3"]);
    assert_eq!(run.status, Some(0), "{}", run.describe());
    assert_eq!((stats.connections, stats.max_in_flight), (1, 3), "exactly -m streams");
}

#[test]
fn waiting_for_a_free_stream_is_not_a_timeout() {
    // 2 streams at once, 0.2 s each: the last of 20 waits 1.8 s for its
    // turn, well past the 1 s timeout, and must not time out for that.
    let site = site(Config::with_latency(0.2, 0.0).with_max_streams(2));
    let (run, stats) = pop20_over_http2(&site, &["--timeout", "1"]);
    assert_eq!(run.status, Some(0), "{}", run.describe());
    run.assert_saved_exactly(&POP20_SORTED);
    assert_eq!((stats.connections, stats.max_in_flight), (1, 2), "the site's limit, not -m's");
}

#[test]
fn a_stream_that_hangs_still_times_out() {
    let site = slow_site(&[("PK", Fault::Hang)]);
    let (run, _) = pop20_over_http2(&site, &["--timeout", "1", "-v"]);
    assert_eq!(run.status, Some(1), "{}", run.describe());
    let good: Vec<&str> = POP20_SORTED.into_iter().filter(|&cc| cc != "PK").collect();
    run.assert_saved_exactly(&good);
    assert!(run.stdout.contains("PK error: no complete answer in 1 s"), "{}", run.describe());
    assert!(run.stdout.contains("1 HTTP/2 connection will be used, up to 20 streams at once."));
}

#[test]
fn a_reset_stream_is_one_error_in_words() {
    let site = slow_site(&[("CN", Fault::Reset), ("IN", Fault::Truncate)]);
    let (run, stats) = pop20_over_http2(&site, &[]);
    assert_eq!(run.status, Some(1), "{}", run.describe());
    assert_eq!(run.report_lines()[1..], ["  2 errors."], "{}", run.describe());
    let reset = "     1  the site reset the request: INTERNAL_ERROR";
    assert!(run.stderr.lines().any(|line| line == reset), "{}", run.describe());
    let cut = "     1  answer cut short: the site reset the stream: INTERNAL_ERROR";
    assert!(run.stderr.lines().any(|line| line == cut), "{}", run.describe());
    let asked = asked(&stats);
    assert_eq!((asked.get("CN"), asked.get("IN")), (Some(&1), Some(&1)), "not sent again");
    assert_eq!(stats.connections, 1, "a reset ends a stream, not the connection");
}

#[test]
fn a_goaway_loses_nothing_and_repeats_nothing() {
    // Each connection takes 50 streams: 676 codes need 14 connections.
    let site = site(Config::with_latency(0.01, 0.0).with_goaway_after(50));
    let run = run(ASYNC, &["--http2", "-e", "--json", "-s", &site.base_url()]);
    assert_eq!(run.status, Some(0), "{}", run.describe());
    let report = run.report();
    let counts = (report["downloaded"].as_u64(), report["not_found"].as_u64());
    assert_eq!(counts, (Some(194), Some(482)), "{report}");
    let stats = site.stats();
    let asked = asked(&stats);
    assert_eq!(asked.len(), 676);
    assert!(asked.values().all(|&n| n == 1), "the site processed each code once");
    assert!(stats.connections >= 14, "new connections ({})", stats.connections);
}

#[test]
fn a_goaway_at_one_stream_at_a_time_loses_nothing() {
    // At -m 1 nobody else waits for an answer when a request is refused:
    // it is sent again all the same. A connection a stream: 676 GOAWAYs,
    // and each is a chance for the next request to reach the closing
    // connection (a race, so three runs of about a second each).
    for _ in 0..3 {
        let site = site(Config::with_latency(0.0, 0.0).with_goaway_after(1));
        let run = run(ASYNC, &["--http2", "-e", "-m", "1", "--json", "-s", &site.base_url()]);
        assert_eq!(run.status, Some(0), "{}", run.describe());
        let report = run.report();
        let counts = (report["downloaded"].as_u64(), report["not_found"].as_u64());
        assert_eq!(counts, (Some(194), Some(482)), "{report}");
        let asked = asked(&site.stats());
        assert_eq!(asked.len(), 676);
        assert!(asked.values().all(|&n| n == 1), "the site processed each code once");
    }
}

#[test]
fn a_connection_that_dies_ends_its_streams_as_errors() {
    let site = site(Config::with_latency(30.0, 0.0));
    let dir = tempfile::tempdir().expect("a temporary directory");
    let args = ["--http2", "-s", &site.base_url()];
    let mut command = command(ASYNC, &args, dir.path());
    let child = command.stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().expect("start");
    assert!(wait_until(Duration::from_secs(20), || site.in_flight() == 20));
    drop(site); // closes the connection, with 20 streams waiting
    let run = finished(child.wait_with_output().expect("wait"), dir);
    assert_eq!(run.status, Some(1), "{}", run.describe());
    assert_eq!(run.report_lines()[1..], [" 20 errors."], "{}", run.describe());
}

#[cfg(unix)]
#[test]
fn sigterm_stops_an_http2_run_as_it_stops_the_others() {
    let site = site(Config::with_latency(0.2, 0.0));
    let dir = tempfile::tempdir().expect("a temporary directory");
    let args = ["--http2", "-a", "-m", "4", "-s", &site.base_url()];
    let mut command = command(ASYNC, &args, dir.path());
    let child = command.stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().expect("start");
    assert!(wait_until(Duration::from_secs(20), || site.stats().requests > 0));
    let mut kill = std::process::Command::new("kill");
    kill.args(["-TERM", &child.id().to_string()]);
    assert!(kill.status().is_ok_and(|status| status.success()));
    let run = finished(child.wait_with_output().expect("wait"), dir);
    assert_eq!(run.status, Some(143), "{}", run.describe());
    let last = run.stdout.lines().last().unwrap_or_default();
    assert!(last.ends_with("not attempted: interrupted."), "{}", run.describe());
    assert!(site.stats().requests < 194, "stopped starting requests");
}

#[test]
fn the_ureq_programs_refuse_http2_and_say_why() {
    for program in [SEQ, THREADPOOL] {
        let run = run(program, &["--http2"]);
        assert_eq!(run.status, Some(2), "{}", run.describe());
        let why = "ureq speaks HTTP/1.1 only, so threads keep a connection each";
        assert!(run.stderr.lines().next().is_some_and(|line| line.contains(why)), "{}", run.stderr);
        assert!(run.saved().is_empty() && !run.dir.path().join("downloaded").exists());
    }
}
