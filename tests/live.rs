//! The live page while the three programs run: headless Chromium watches
//! `/live` as flags_seq, flags_threadpool and `flags_async -e -m 1000` run
//! one after the other against the site, as the README's first steps have
//! a learner do, and the test reads the page as the browser built it
//! before, during and after. Without Chromium (CI installs it) the test
//! says so and passes.
//!
//! This is the `live` suite of the flags_e2e package (`cargo test -p
//! flags_e2e --test live`). The DevTools client and the page's reader are
//! flags_server's (its tests/cdp and tests/live_page), shared by path.

// This suite uses a part of the DevTools client only.
#[allow(dead_code)]
#[path = "../flags_server/tests/cdp/mod.rs"]
mod cdp;
#[path = "../flags_server/tests/live_page/mod.rs"]
mod live_page;
mod programs;

use std::collections::BTreeSet;
use std::process::{Command, ExitStatus};
use std::time::Duration;

use flags_server::console::say;
use flags_server::{Config, Fault, Site};
use live_page::{Shown, chromium, runs, shown, watch};
use programs::exe;

/// Longer than the page's pause (2 s with nothing in flight) that starts a
/// new run.
const PAUSE: Duration = Duration::from_millis(2300);

/// Run `program` against `site` in a temporary folder; its exit status.
fn run(program: &str, site: &Site, args: &[&str]) -> ExitStatus {
    let folder = tempfile::tempdir().expect("a folder for the flags");
    let mut command = Command::new(exe(program));
    command.args(["-s", &site.base_url()]).args(args).current_dir(folder.path());
    for proxy in ["http_proxy", "all_proxy", "HTTP_PROXY", "ALL_PROXY"] {
        command.env_remove(proxy);
    }
    command.output().unwrap_or_else(|err| panic!("{program}: {err}")).status
}

#[test]
fn the_three_programs_fill_the_page() {
    // BR hangs: flags_async's request for it is the bar that keeps growing
    // until the program gives up on it.
    let config = Config::with_latency(0.05, 0.0).with_fault("BR", Fault::Hang);
    let site = Site::start(config).expect("a site on loopback");
    let Some(mut browser) = chromium() else { return };
    let mut tab = watch(&mut browser, &site);
    assert_eq!(shown(&mut tab), Shown { waiting: true, ..Shown::default() }, "nothing yet");

    // The first two get the 20 most populous countries' flags but BR's.
    let pop19 = ["CN", "IN", "US", "ID", "PK", "NG", "BD", "RU", "JP", "MX"];
    let pop19 = [&pop19[..], &["PH", "VN", "ET", "EG", "DE", "IR", "TR", "CD", "FR"]].concat();
    assert!(run("flags_seq", &site, &pop19).success());
    std::thread::sleep(PAUSE);
    assert!(run("flags_threadpool", &site, &pop19).success());
    std::thread::sleep(PAUSE);
    std::thread::scope(|scope| {
        let every =
            scope.spawn(|| run("flags_async", &site, &["-e", "-m", "1000", "--timeout", "3"]));
        tab.wait_for(
            "all but BR to land",
            "document.querySelectorAll('#runs section').length === 3
             && document.getElementById('done').textContent === '675'",
        );
        let during = shown(&mut tab);
        assert_eq!((during.in_flight, during.growing), (1, 1), "BR hangs: {during:?}");
        let status = every.join().expect("flags_async ran");
        assert_eq!(status.code(), Some(1), "BR's download failed");
    });
    tab.wait_for("BR to be given up", "document.getElementById('in-flight').textContent === '0'");

    let [seq, pool, every] = &runs(&mut tab)[..] else { panic!("three runs") };
    assert_eq!((seq.bars, seq.images, seq.lanes), (19, 19, 1), "one after the other: {seq:?}");
    assert_eq!((pool.bars, pool.images), (19, 19));
    assert!(pool.lanes > 1, "the pool's threads, a connection each: {pool:?}");
    assert_eq!((every.bars, every.images, every.missing, every.gone), (676, 193, 482, 1));
    // A lane per connection flags_async opened (its run's records).
    let records = site.stats().records;
    let connections: BTreeSet<u64> =
        records.iter().skip(2 * 19).map(|record| record.connection).collect();
    assert_eq!(every.lanes, connections.len());
    assert_eq!(records.len(), 19 + 19 + 676, "watching is not a request of the runs");

    let figures = tab.eval("JSON.stringify(window.live)");
    say(format_args!("live page figures for the three runs: {figures}\n"));
}
