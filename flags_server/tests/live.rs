//! The live page (`/live`) in a real browser: headless Chromium opens it,
//! requests come to the site, and the test reads the page as the browser
//! built it (the flags shown, the lanes, the counters), over Chromium's
//! DevTools protocol. Without Chromium (CI installs it) the tests say so
//! and pass: a browser can't be faked.
//!
//! The requests are made here, on raw sockets, one thread each, like
//! `flags_async -e -m 1000` makes them: all 676 codes at once.

mod cdp;
mod live_page;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

use flags_server::console::say;
use flags_server::{Config, Fault, Site};
use live_page::{RunShown, Shown, chromium, runs, shown, watch};

/// A GET of `path` on a connection of its own, read to the end: the
/// status, or `None` if the site sent nothing before `patience` ran out.
fn get(site: &Site, path: &str, patience: Duration) -> Option<u16> {
    let mut stream = TcpStream::connect(site.addr()).expect("the site");
    stream.set_read_timeout(Some(patience)).expect("a read timeout");
    let request =
        format!("GET {path} HTTP/1.1\r\nHost: {}\r\nConnection: close\r\n\r\n", site.addr());
    stream.write_all(request.as_bytes()).expect("a request");
    let mut answer = Vec::new();
    let _ = stream.read_to_end(&mut answer);
    let head = String::from_utf8_lossy(&answer[..answer.len().min(12)]).into_owned();
    head.strip_prefix("HTTP/1.1 ")?.get(..3)?.parse().ok()
}

fn flag(cc: &str) -> String {
    format!("/flags/{cc}/{cc}.gif")
}

/// Wait for the site to see `watchers` event streams open.
fn wait_for_watchers(site: &Site, watchers: usize) {
    let started = Instant::now();
    while site.watchers() != watchers {
        let waited = started.elapsed();
        assert!(waited < Duration::from_secs(10), "{} watchers, not {watchers}", site.watchers());
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn the_page_fills_as_676_requests_land_and_a_hang_keeps_growing() {
    let config = Config::with_latency(0.05, 0.0).with_fault("BR", Fault::Hang);
    let site = Site::start(config).expect("a site on loopback");
    let Some(mut browser) = chromium() else { return };
    let mut tab = watch(&mut browser, &site);
    let before = shown(&mut tab);
    assert_eq!(before, Shown { waiting: true, ..Shown::default() }, "nothing yet");

    let codes: Vec<String> = (b'a'..=b'z')
        .flat_map(|first| (b'a'..=b'z').map(move |second| [first, second]))
        .map(|code| String::from_utf8_lossy(&code).into_owned())
        .collect();
    // The hang's client gives up after this long: long enough to look.
    let patience = Duration::from_secs(3);
    std::thread::scope(|scope| {
        for cc in &codes {
            let site = &site;
            scope.spawn(move || get(site, &flag(cc), patience));
        }
        tab.wait_for(
            "all but the hang to land",
            "document.getElementById('done').textContent === '675'",
        );
        let during = shown(&mut tab);
        assert_eq!((during.runs, during.in_flight, during.growing, during.done), (1, 1, 1, 675));
        let width = "Number([...document.querySelectorAll('rect.bar')]
            .find((bar) => bar.textContent.includes('/flags/br/br.gif')).getAttribute('width'))";
        let first = tab.eval(width).as_f64().unwrap_or_default();
        std::thread::sleep(Duration::from_millis(300));
        let second = tab.eval(width).as_f64().unwrap_or_default();
        assert!(second > first, "the hang's bar grows: {first} s, then {second} s");
    });
    tab.wait_for("the hang to end", "document.getElementById('in-flight').textContent === '0'");
    let after = shown(&mut tab);
    // 193 flags (BR hung), 482 codes the site doesn't have, 1 hang, each on
    // a connection of its own.
    let expected =
        Shown { runs: 1, bars: 676, lanes: 676, images: 193, missing: 482, gone: 1, ..after };
    let expected =
        Shown { growing: 0, errors: 0, in_flight: 0, done: 676, waiting: false, ..expected };
    assert_eq!(after, expected);
    assert!(after.most > 1, "the requests overlapped: {after:?}");
    tab.wait_for(
        "the flags' images to load",
        "[...document.querySelectorAll('.grid img')].every((img) => img.complete && img.naturalWidth > 0)",
    );
    assert_eq!(site.stats().requests, 676, "watching is not a request of the run");

    // The README's picture is taken this way (examples/live_screenshot.rs).
    let folder = tempfile::tempdir().expect("a folder for the screenshot");
    let png = folder.path().join("live.png");
    tab.screenshot(1000, &png);
    let bytes = std::fs::read(&png).unwrap_or_default();
    assert!(bytes.starts_with(b"\x89PNG\r\n\x1a\n"), "a PNG: {} bytes", bytes.len());

    // How the page kept up: the figures, for the record; never asserted.
    let figures = tab.eval("JSON.stringify(window.live)");
    say(format_args!("live page figures for 676 requests: {figures}\n"));
}

#[test]
fn a_page_opened_later_replays_the_runs_and_clear_empties_it() {
    let site = Site::start(Config::default()).expect("a site on loopback");
    let patience = Duration::from_secs(5);
    for cc in ["br", "cn", "zz"] {
        assert!(get(&site, &flag(cc), patience).is_some());
    }
    // A pause of over 2 s with nothing in flight: the next request starts a
    // new run.
    std::thread::sleep(Duration::from_millis(2300));
    for cc in ["in", "us"] {
        assert!(get(&site, &flag(cc), patience).is_some());
    }
    let Some(mut browser) = chromium() else { return };
    let mut first = watch(&mut browser, &site);
    let mut second = watch(&mut browser, &site);
    wait_for_watchers(&site, 2);
    for tab in [&mut first, &mut second] {
        tab.wait_for("the replay", "document.querySelectorAll('#runs section').length === 2");
        // A connection each (the raw requests here say `Connection: close`).
        let run = |bars, images, missing| RunShown { bars, lanes: bars, images, missing, gone: 0 };
        assert_eq!(runs(tab), [run(3, 2, 1), run(2, 2, 0)]);
        assert_eq!(shown(tab).done, 2, "the counters are the latest run's");
    }

    first.eval("document.getElementById('clear').click()");
    let cleared = shown(&mut first);
    assert_eq!((cleared.runs, cleared.bars, cleared.done, cleared.waiting), (0, 0, 0, true));
    assert_eq!(shown(&mut second).runs, 2, "clearing is one page's own business");

    std::thread::sleep(Duration::from_millis(2300)); // another pause
    assert!(get(&site, &flag("fr"), patience).is_some());
    first.wait_for("the next request", "document.querySelectorAll('rect.bar').length === 1");
    second.wait_for("a third run", "document.querySelectorAll('#runs section').length === 3");
    assert_eq!(site.stats().requests, 6, "watching and clearing changed no record");
}

#[test]
fn a_hostile_path_shows_as_text() {
    let site = Site::start(Config::default()).expect("a site on loopback");
    let Some(mut browser) = chromium() else { return };
    let mut tab = watch(&mut browser, &site);
    // As a browser sends `/flags/<img src=x onerror=alert(1)>`.
    let hostile = "/flags/%3Cimg%20src=x%20onerror=alert(1)%3E";
    assert_eq!(get(&site, hostile, Duration::from_secs(5)), Some(404));
    tab.wait_for("its tile", "document.querySelectorAll('.tile').length === 1");
    let tile = tab.eval("document.querySelector('.tile').textContent");
    assert_eq!(tile.as_str(), Some("/flags/<img src=x onerror=alert(1)>\n404"));
    assert_eq!(tab.eval("document.querySelectorAll('img, [onerror]').length"), 0);
    // Had an image been made, its error would have run by now.
    std::thread::sleep(Duration::from_millis(300));
    assert_eq!(tab.eval("window.alerted === undefined"), true, "no alert ran");
}

#[test]
fn a_closed_browser_leaves_no_watcher_behind() {
    let site = Site::start(Config::default()).expect("a site on loopback");
    let Some(mut browser) = chromium() else { return };
    let _first = watch(&mut browser, &site);
    let second = watch(&mut browser, &site);
    wait_for_watchers(&site, 2);
    browser.close(second);
    wait_for_watchers(&site, 1);
    // The whole browser gone, with no goodbye: the site finds out when it
    // next writes (the heartbeat), and drops the stream.
    drop(browser);
    wait_for_watchers(&site, 0);
    assert_eq!(site.stats().requests, 0, "watching is not a request");
}

/// Three flags asked for at once on one HTTP/2 connection (h2c, prior
/// knowledge), read to the end.
fn three_on_one_http2_connection(site: &Site) {
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build();
    runtime.expect("a runtime").block_on(async {
        let tcp = tokio::net::TcpStream::connect(site.addr()).await.expect("the site");
        let (client, connection) = h2::client::handshake(tcp).await.expect("an h2c connection");
        tokio::spawn(connection);
        let mut answers = Vec::new();
        for cc in ["br", "cn", "in"] {
            let url = format!("http://{}{}", site.addr(), flag(cc));
            let request = hyper::Request::get(url).body(()).expect("a request");
            let mut client = client.clone().ready().await.expect("room for a stream");
            answers.push(client.send_request(request, true).expect("a stream").0);
        }
        for answer in answers {
            let mut body = answer.await.expect("an answer").into_body();
            while let Some(data) = body.data().await {
                let data = data.expect("the flag's bytes");
                let _ = body.flow_control().release_capacity(data.len());
            }
        }
    });
}

#[test]
fn on_http2_a_lane_per_stream() {
    let site = Site::start(Config::with_latency(0.2, 0.0)).expect("a site on loopback");
    let Some(mut browser) = chromium() else { return };
    let mut tab = watch(&mut browser, &site);
    three_on_one_http2_connection(&site);
    tab.wait_for("the three flags", "document.getElementById('done').textContent === '3'");
    let lanes = RunShown { bars: 3, lanes: 3, images: 3, missing: 0, gone: 0 };
    assert_eq!(runs(&mut tab), [lanes], "one connection, three streams");
    let titles = "[...document.querySelectorAll('rect.bar')].map((bar) => bar.textContent)";
    let titles = tab.eval(titles).to_string();
    let connection = site.stats().records[0].connection;
    for stream in 1..=3 {
        let lane = format!("on connection {connection} stream {stream}: GET /flags/");
        assert!(titles.contains(&lane), "{lane} in {titles}");
    }
}

#[test]
fn a_site_that_stops_freezes_its_bars_and_one_started_again_starts_the_page_afresh() {
    let config = Config::with_latency(0.05, 0.0).with_fault("BR", Fault::Hang);
    let site = Site::start(config).expect("a site on loopback");
    let addr = site.addr();
    let Some(mut browser) = chromium() else { return };
    let mut tab = watch(&mut browser, &site);
    assert_eq!(get(&site, &flag("cn"), Duration::from_secs(5)), Some(200));
    // A request that the site never answers: its bar grows.
    let mut hung = TcpStream::connect(addr).expect("the site");
    let request = format!("GET {} HTTP/1.1\r\nHost: {addr}\r\n\r\n", flag("br"));
    hung.write_all(request.as_bytes()).expect("a request");
    tab.wait_for("the hang's bar", "document.querySelectorAll('rect.bar').length === 2");

    drop(site);
    tab.wait_for(
        "the page to see the site gone",
        "document.getElementById('state').textContent !== 'live'",
    );
    let frozen = shown(&mut tab);
    assert_eq!((frozen.bars, frozen.growing, frozen.done), (2, 0, 1), "{frozen:?}");

    // The same address, a new site: its requests are numbered from 1 again.
    let site = Site::start_on(addr, Config::default()).expect("the same address again");
    tab.wait_for(
        "the event stream again",
        "document.getElementById('state').textContent === 'live'",
    );
    assert_eq!(get(&site, &flag("jp"), Duration::from_secs(5)), Some(200));
    let one_bar_done = "document.querySelectorAll('rect.bar').length === 1 \
                        && document.getElementById('done').textContent === '1'";
    tab.wait_for("the new site's request alone", one_bar_done);
    let afresh = shown(&mut tab);
    assert_eq!((afresh.runs, afresh.bars, afresh.images), (1, 1, 1), "{afresh:?}");
    drop(hung);
}
