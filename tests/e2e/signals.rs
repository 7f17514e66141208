//! Stopping a run with a real signal, as a terminal or `kill` sends it.
//! (Unix only: the tests send them with `kill`.)
#![cfg(unix)]

use std::process::{Command, Stdio};
use std::time::Duration;

use crate::support::*;

/// Starts `program` on all 194 flags against a slow site, sends `signal`
/// after 0.7 s, and returns the finished run and the requests the site saw.
fn stop_with(program: Program, signal: &str) -> (Run, usize) {
    let site = site(Config::with_latency(0.2, 0.0));
    let dir = tempfile::tempdir().expect("a temporary directory");
    let mut command = command(program, &["-a", "-m", "4", "-s", &site.base_url()], dir.path());
    let child = command.stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().expect("start");
    std::thread::sleep(Duration::from_millis(700));
    let kill = Command::new("kill").args([signal, &child.id().to_string()]).status();
    assert!(kill.is_ok_and(|status| status.success()), "send {signal}");
    let run = finished(child.wait_with_output().expect("wait"), dir);
    (run, site.stats().requests)
}

#[test]
fn ctrl_c_stops_cleanly_with_a_partial_report() {
    on_every_program(|program| {
        let (run, requests) = stop_with(program, "-INT");
        assert_eq!(run.status, Some(130), "{}", run.describe());
        let last = run.stdout.lines().last().unwrap_or_default();
        assert!(last.ends_with("not attempted: interrupted."), "{}", run.describe());
        assert!(requests < 194, "stopped starting requests ({requests})");
        let saved = run.saved();
        let codes: Vec<&str> = saved.keys().filter_map(|name| name.strip_suffix(".gif")).collect();
        assert!(!codes.is_empty(), "in-flight downloads finished");
        run.assert_saved_exactly(&codes);
        assert!(run.stderr.contains("Ctrl-C: finishing the downloads in flight"), "{}", run.stderr);
    });
}
