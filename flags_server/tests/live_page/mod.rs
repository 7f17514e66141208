//! The live page as the browser built it: what the tests read from its DOM
//! (shared by flags_server's live.rs and flags_e2e's live.rs).

use flags_server::Site;
use flags_server::console::warn;
use serde::Deserialize;

use crate::cdp::{Browser, Tab};

/// What the page shows, read from its DOM.
#[derive(Debug, Default, Deserialize, PartialEq)]
pub struct Shown {
    /// Sections, one per run.
    pub runs: usize,
    /// Bars, and how many of them are still growing.
    pub bars: usize,
    pub growing: usize,
    /// Lanes with a bar in them, over all runs.
    pub lanes: usize,
    /// Flags shown as images; tiles for a 404, another status, no answer.
    pub images: usize,
    pub missing: usize,
    pub errors: usize,
    pub gone: usize,
    /// The counters, for the latest run.
    pub in_flight: usize,
    pub most: usize,
    pub done: usize,
    /// Whether the "waiting for requests" line shows.
    pub waiting: bool,
}

/// The page's DOM, summed up as [`Shown`].
const SHOWN: &str = "(() => {
  const count = (selector) => document.querySelectorAll(selector).length;
  const number = (id) => Number(document.getElementById(id).textContent);
  const bars = [...document.querySelectorAll('rect.bar')];
  const lanes = new Set(bars.map((bar) => bar.closest('section').querySelector('h2').textContent
    + ' ' + bar.getAttribute('y')));
  return { runs: count('#runs section'), bars: bars.length,
    growing: bars.filter((bar) => bar.getAttribute('class') === 'bar ').length, lanes: lanes.size,
    images: count('.grid img'), missing: count('.tile.missing'), errors: count('.tile.error'),
    gone: count('.tile.gone'), in_flight: number('in-flight'), most: number('most'),
    done: number('done'), waiting: !document.getElementById('hint').hidden };
})()";

pub fn shown(tab: &mut Tab) -> Shown {
    serde_json::from_value(tab.eval(SHOWN)).expect("the page's figures")
}

/// Open the site's live page in a new tab, and wait until it is fed.
pub fn watch(browser: &mut Browser, site: &Site) -> Tab {
    let mut tab = browser.open(&site.live_url());
    tab.wait_for("the event stream", "document.getElementById('state').textContent === 'live'");
    tab
}

/// What one run's section shows.
#[derive(Debug, Deserialize, PartialEq)]
pub struct RunShown {
    pub bars: usize,
    pub lanes: usize,
    pub images: usize,
    pub missing: usize,
    pub gone: usize,
}

/// Each run's section, summed up as [`RunShown`].
const RUNS: &str = "[...document.querySelectorAll('#runs section')].map((run) => {
  const bars = [...run.querySelectorAll('rect.bar')];
  return { bars: bars.length, lanes: new Set(bars.map((bar) => bar.getAttribute('y'))).size,
    images: run.querySelectorAll('.grid img').length,
    missing: run.querySelectorAll('.tile.missing').length,
    gone: run.querySelectorAll('.tile.gone').length };
})";

pub fn runs(tab: &mut Tab) -> Vec<RunShown> {
    serde_json::from_value(tab.eval(RUNS)).expect("the runs' figures")
}

/// A headless Chromium, or `None` (said on stderr) where there is none.
pub fn chromium() -> Option<Browser> {
    let browser = Browser::start();
    if browser.is_none() {
        warn(format_args!("Chromium is not installed: the live page test is skipped"));
    }
    browser
}
