//! The site in a real browser: the banner's URL, `/flags`, must open the
//! index page that `python3 -m http.server` would show, and its links must
//! lead to the flags. Headless Chromium loads the pages and hands back the
//! document it built. Without Chromium (CI installs it) the test says so
//! and passes: a browser can't be faked.

use std::process::Command;

use flags_server::console::warn;
use flags_server::{COUNTRY_CODES, Config, Site};

/// The document a headless Chromium builds for `url`, or `None` where there
/// is no Chromium.
fn dom(url: &str) -> Option<String> {
    let profile = tempfile::tempdir().expect("a temporary profile");
    let profile = format!("--user-data-dir={}", profile.path().display());
    let flags = [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--dump-dom",
    ];
    for browser in ["chromium", "chromium-browser", "google-chrome"] {
        let output = Command::new(browser).args(flags).arg(&profile).arg(url).output();
        if let Ok(output) = output {
            assert!(output.status.success(), "{browser} failed on {url}");
            return Some(String::from_utf8_lossy(&output.stdout).into_owned());
        }
    }
    warn(format_args!("Chromium is not installed: the browser test is skipped"));
    None
}

#[test]
fn a_browser_opens_the_banner_url_and_follows_its_links() {
    let site = Site::start(Config::default()).expect("a site on loopback");
    // The banner's URL, without the slash: the site redirects to /flags/.
    let Some(index) = dom(&site.base_url()) else { return };
    assert!(index.contains("<title>Directory listing for /flags/</title>"), "{index}");
    let links = index.matches("<li><a href=").count();
    assert_eq!(links, COUNTRY_CODES.len(), "a link per flag's folder");
    assert!(index.contains(r#"<a href="br/">br/</a>"#));
    let Some(folder) = dom(&format!("{}/br/", site.base_url())) else { return };
    assert!(folder.contains(r#"<a href="br.gif">br.gif</a>"#), "{folder}");
    assert!(folder.contains(r#"<a href="metadata.json">metadata.json</a>"#), "{folder}");
    let stats = site.stats();
    let asked = stats.paths();
    assert!(asked.contains(&"/flags") && asked.contains(&"/flags/"), "{asked:?}");
}
