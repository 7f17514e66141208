//! The site in a real browser: the banner's URL, `/flags`, must open the
//! index page that `python3 -m http.server` would show, and its links must
//! lead to the flags. Headless Chromium loads the pages and hands back the
//! document it built. Without Chromium (CI installs it) the test says so
//! and passes: a browser can't be faked.

// Each test file uses a part of the shared DevTools client.
#[allow(dead_code)]
mod cdp;

use cdp::Browser;
use flags_server::console::warn;
use flags_server::{COUNTRY_CODES, Config, Site};

/// The document Chromium builds for `url`, in a new tab of `browser`.
fn dom(browser: &mut Browser, url: &str) -> String {
    let mut tab = browser.open(url);
    let html = tab.eval("document.documentElement.outerHTML");
    html.as_str().unwrap_or_default().to_owned()
}

#[test]
fn a_browser_opens_the_banner_url_and_follows_its_links() {
    let site = Site::start(Config::default()).expect("a site on loopback");
    let Some(mut browser) = Browser::start() else {
        warn(format_args!("Chromium is not installed: the browser test is skipped"));
        return;
    };
    // The banner's URL, without the slash: the site redirects to /flags/.
    let index = dom(&mut browser, &site.base_url());
    assert!(index.contains("<title>Directory listing for /flags/</title>"), "{index}");
    let links = index.matches("<li><a href=").count();
    assert_eq!(links, COUNTRY_CODES.len(), "a link per flag's folder");
    assert!(index.contains(r#"<a href="br/">br/</a>"#));
    let folder = dom(&mut browser, &format!("{}/br/", site.base_url()));
    assert!(folder.contains(r#"<a href="br.gif">br.gif</a>"#), "{folder}");
    assert!(folder.contains(r#"<a href="metadata.json">metadata.json</a>"#), "{folder}");
    let stats = site.stats();
    let asked = stats.paths();
    assert!(asked.contains(&"/flags") && asked.contains(&"/flags/"), "{asked:?}");
}
