//! A screenshot of a site's live page, as headless Chromium draws it: the
//! README's picture.
//!
//! ```text
//! cargo run -q -p flags_server --example live_screenshot -- http://127.0.0.1:8001/live live-page.png
//! ```
//!
//! Run it after the runs you want shown: the page replays the site's
//! records, so it shows them as it would have live. The picture is the
//! whole page, 1000 CSS pixels wide.

#[path = "../tests/cdp/mod.rs"]
mod cdp;

use std::path::Path;
use std::process::ExitCode;
use std::time::Duration;

use flags_server::console::{say, warn};

const USAGE: &str =
    "usage: live_screenshot URL FILE.png (URL: a live page, http://127.0.0.1:8001/live)";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [url, file] = &args[..] else {
        warn(format_args!("{USAGE}"));
        return ExitCode::from(2);
    };
    if !url.starts_with("http://") || !file.ends_with(".png") {
        warn(format_args!("{USAGE}"));
        return ExitCode::from(2);
    }
    let Some(mut browser) = cdp::Browser::start() else {
        warn(format_args!("live_screenshot: Chromium is not installed"));
        return ExitCode::FAILURE;
    };
    let mut tab = browser.open(url);
    tab.wait_for(
        "the page to be fed and its flags loaded",
        "window.live !== undefined && window.live.events > 0 && window.live.frames > 0
         && [...document.images].every((img) => img.complete)",
    );
    // A frame or two more, for the last bars and counters.
    std::thread::sleep(Duration::from_millis(300));
    tab.screenshot(1000, Path::new(file));
    browser.close(tab);
    say(format_args!("{file}: the page at {url}\n"));
    ExitCode::SUCCESS
}
