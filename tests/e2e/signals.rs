//! Stopping a run with a real signal, as a terminal or `kill` sends it.
//! (Unix only: the tests send them with `kill`.)
#![cfg(unix)]

use std::process::{Child, Command, Stdio};
use std::time::Duration;

use crate::support::*;

/// Starts `program` on all 194 flags against a slow site, with its output
/// piped, and returns it once the site has seen its first request: by then
/// its signal handlers are in place, however slow the machine is.
fn start(program: Program, site: &Site, dir: &tempfile::TempDir) -> Child {
    let mut command = command(program, &["-a", "-m", "4", "-s", &site.base_url()], dir.path());
    let child = command.stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().expect("start");
    wait_until(Duration::from_secs(20), || site.stats().requests > 0);
    child
}

fn kill(child: &Child, signal: &str) {
    let kill = Command::new("kill").args([signal, &child.id().to_string()]).status();
    assert!(kill.is_ok_and(|status| status.success()), "send {signal}");
}

/// Sends `signal` mid-run and checks the orderly stop: no new request, the
/// partial report, only complete flags left, 128 + the signal's number.
fn stops_cleanly(program: Program, signal: &str, status: i32, notice: &str) {
    let site = site(Config::with_latency(0.2, 0.0));
    let dir = tempfile::tempdir().expect("a temporary directory");
    let child = start(program, &site, &dir);
    kill(&child, signal);
    let run = finished(child.wait_with_output().expect("wait"), dir);
    assert_eq!(run.status, Some(status), "{}", run.describe());
    let last = run.stdout.lines().last().unwrap_or_default();
    assert!(last.ends_with("not attempted: interrupted."), "{}", run.describe());
    let requests = site.stats().requests;
    assert!(requests < 194, "stopped starting requests ({requests})");
    let saved = run.saved();
    let codes: Vec<&str> = saved.keys().filter_map(|name| name.strip_suffix(".gif")).collect();
    assert!(!codes.is_empty(), "in-flight downloads finished");
    run.assert_saved_exactly(&codes);
    assert!(run.stderr.contains(notice), "{notice:?}\n{}", run.stderr);
}

#[test]
fn ctrl_c_stops_cleanly_with_a_partial_report() {
    let notice = "Ctrl-C: finishing the downloads in flight (Ctrl-C again to quit now)";
    on_every_program(|program| stops_cleanly(program, "-INT", 130, notice));
}

#[test]
fn sigterm_and_sighup_stop_like_ctrl_c() {
    on_every_program(|program| {
        let notice = "SIGTERM: finishing the downloads in flight (send it again to quit now)";
        stops_cleanly(program, "-TERM", 143, notice);
        stops_cleanly(program, "-HUP", 129, "SIGHUP: finishing the downloads in flight");
    });
}

#[test]
fn a_signal_sent_twice_at_once_is_one_stop() {
    // As `timeout` does: the signal to the program, then to its process group.
    on_every_program(|program| {
        let site = site(Config::with_latency(0.2, 0.0));
        let dir = tempfile::tempdir().expect("a temporary directory");
        let child = start(program, &site, &dir);
        kill(&child, "-TERM");
        kill(&child, "-TERM");
        let run = finished(child.wait_with_output().expect("wait"), dir);
        assert_eq!(run.status, Some(143), "{}", run.describe());
        let last = run.stdout.lines().last().unwrap_or_default();
        assert!(last.ends_with("not attempted: interrupted."), "the report\n{}", run.describe());
        assert!(!run.stderr.contains("Stopped at once"), "{}", run.stderr);
    });
}

#[test]
fn a_second_ctrl_c_quits_at_once_leaving_only_whole_flags() {
    on_every_program(|program| {
        // Answers slow enough that the downloads in flight are still waiting
        // for theirs when the second Ctrl-C comes.
        let site = site(Config::with_latency(2.0, 0.0));
        let dir = tempfile::tempdir().expect("a temporary directory");
        let mut child = start(program, &site, &dir);
        kill(&child, "-INT");
        press_ctrl_c_again_until_it_quits(&mut child);
        let run = finished(child.wait_with_output().expect("wait"), dir);
        assert_eq!(run.status, Some(130), "{}", run.describe());
        assert!(
            run.stderr.ends_with("Stopped at once: the flags in downloaded/ are all complete.\n")
        );
        let saved = run.saved();
        let codes: Vec<&str> = saved.keys().filter_map(|name| name.strip_suffix(".gif")).collect();
        run.assert_saved_exactly(&codes);
    });
}

#[test]
fn signals_work_with_output_closed() {
    on_every_program(|program| {
        // Every answer takes an hour: only the second Ctrl-C can end this run.
        let site = site(Config::with_latency(3600.0, 0.0));
        let dir = tempfile::tempdir().expect("a temporary directory");
        let mut child = start(program, &site, &dir);
        drop((child.stdout.take(), child.stderr.take())); // as `2>&1 | head -c 0` would
        kill(&child, "-INT");
        let status = press_ctrl_c_again_until_it_quits(&mut child);
        assert_eq!(status, Some(130), "no panic (101), and the second Ctrl-C still works");
    });
}

/// Presses Ctrl-C again every 300 ms, as fast as a person would, until the
/// child exits, and returns its exit status; `None` if it still ran after
/// 20 s (then it is killed, so that the test ends). Pressing more than once
/// keeps the test honest on a slow machine, where the first signal may not
/// have been handled yet when the second one comes, and the two are taken
/// for one (see `SAME_SIGNAL`).
fn press_ctrl_c_again_until_it_quits(child: &mut Child) -> Option<i32> {
    let deadline = std::time::Instant::now() + Duration::from_secs(20);
    while std::time::Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(300));
        if let Ok(Some(status)) = child.try_wait() {
            return status.code();
        }
        kill(child, "-INT"); // an exited child not yet waited for can still be signalled
    }
    let _ = child.kill();
    let _ = child.wait();
    None
}
