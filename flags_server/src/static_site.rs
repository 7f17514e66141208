//! What `python3 -m http.server` would answer, run in the unzipped folder.
//!
//! The book serves its local copy of the flag site that way, so this module
//! answers the same: a file with its content type, a directory listing for
//! a path ending in `/`, a 301 to the slash form for a directory named
//! without it (so `http://127.0.0.1:8001/flags` works in a browser), and a
//! 404 for anything else. Paths are case-sensitive, as on the real site:
//! `/flags/BR/BR.gif` is 404.
//!
//! One thing http.server would not show: the listing of `/` also links the
//! live page (`/live`, see `live`), so that the site's root leads to both.

use hyper::{Response, StatusCode};
use include_dir::Dir;

use crate::body::Pieces;
use crate::data::{self, Entry};
use crate::reply;

/// The live page, linked from the root listing: `live`, relative to `/`.
const LIVE: &str = "live";

/// What a path leads to.
#[derive(Debug)]
pub(crate) enum Page {
    /// A file, with its content type.
    File {
        bytes: &'static [u8],
        content_type: &'static str,
    },
    /// A directory asked for with a trailing `/`: its listing.
    Listing {
        path: String,
        dir: &'static Dir<'static>,
    },
    /// A directory asked for without the trailing `/`.
    AddSlash {
        path: String,
    },
    NotFound,
}

impl Page {
    /// The page at `path`, the path part of a request's URL.
    pub(crate) fn at(path: &str) -> Page {
        let Some(relative) = path.strip_prefix('/') else {
            return Page::NotFound; // such as `*` in `OPTIONS *`
        };
        let wants_dir = relative.is_empty() || relative.ends_with('/');
        match (data::find(relative.strip_suffix('/').unwrap_or(relative)), wants_dir) {
            (Some(Entry::File(bytes)), false) => {
                Page::File { bytes, content_type: content_type(relative) }
            }
            (Some(Entry::Dir(dir)), true) => Page::Listing { path: path.to_owned(), dir },
            (Some(Entry::Dir(_)), false) => Page::AddSlash { path: path.to_owned() },
            // A file named with a trailing slash is not found, as in http.server.
            (Some(Entry::File(_)), true) | (None, _) => Page::NotFound,
        }
    }

    /// Whether a GET of this page stands for a download, which pays the
    /// site's delay and may fail: a file, or a file that isn't there.
    /// Browsing (listings and their redirects) stays quick.
    pub(crate) fn is_download(&self) -> bool {
        matches!(self, Page::File { .. } | Page::NotFound)
    }

    /// The answer, for a request that had this `query` (kept by a redirect).
    pub(crate) fn answer(&self, query: Option<&str>) -> Response<Pieces> {
        match self {
            Page::File { bytes, content_type } => reply::ok(content_type, Pieces::full(*bytes)),
            Page::Listing { path, dir } => {
                reply::ok("text/html; charset=utf-8", Pieces::full(listing_page(path, dir)))
            }
            Page::AddSlash { path } => match query {
                Some(query) => reply::moved(&format!("{path}/?{query}")),
                None => reply::moved(&format!("{path}/")),
            },
            Page::NotFound => reply::text(StatusCode::NOT_FOUND),
        }
    }
}

/// The content type for a file name, by its extension, as http.server
/// guesses it.
fn content_type(name: &str) -> &'static str {
    match name.rsplit_once('.').map(|(_, extension)| extension) {
        Some("gif") => "image/gif",
        Some("json") => "application/json",
        _ => "application/octet-stream",
    }
}

/// The listing of `dir`, found at `path`, in http.server's layout.
fn listing_page(path: &str, dir: &Dir<'static>) -> String {
    // Names and path are those of our own tree (codes, `.gif`, `.json`), not
    // text from the request: they need no HTML escaping.
    let mut items: String = data::listing(dir)
        .iter()
        .map(|name| format!("<li><a href=\"{name}\">{name}</a></li>\n"))
        .collect();
    if path == "/" {
        items += &format!("<li><a href=\"{LIVE}\">{LIVE}</a> (watch the requests live)</li>\n");
    }
    let title = format!("Directory listing for {path}");
    format!(
        "<!DOCTYPE HTML>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <title>{title}</title>\n</head>\n<body>\n<h1>{title}</h1>\n<hr>\n<ul>\n\
         {items}</ul>\n<hr>\n</body>\n</html>\n"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kind(path: &str) -> &'static str {
        match Page::at(path) {
            Page::File { content_type, .. } => content_type,
            Page::Listing { .. } => "listing",
            Page::AddSlash { .. } => "add slash",
            Page::NotFound => "not found",
        }
    }

    #[test]
    fn paths_lead_where_http_server_would() {
        let cases = [
            ("/flags/br/br.gif", "image/gif"),
            ("/flags/br/metadata.json", "application/json"),
            ("/", "listing"),
            ("/flags/", "listing"),
            ("/flags/br/", "listing"),
            ("/flags", "add slash"),
            ("/flags/br", "add slash"),
            ("/flags/br/br.gif/", "not found"),
            ("/flags/BR/BR.gif", "not found"),
            ("/flags/xx/xx.gif", "not found"),
            ("/flags/../flags/br/br.gif", "not found"),
            ("/flags/%2e%2e/br/br.gif", "not found"),
            ("//flags/br/br.gif", "not found"),
            ("*", "not found"),
        ];
        for (path, expected) in cases {
            assert_eq!(kind(path), expected, "{path}");
        }
    }

    #[test]
    fn a_listing_links_its_entries() {
        let Page::Listing { path, dir } = Page::at("/flags/br/") else {
            panic!("/flags/br/ is a directory");
        };
        let html = listing_page(&path, dir);
        assert!(html.contains("<title>Directory listing for /flags/br/</title>"), "{html}");
        assert!(html.contains("<li><a href=\"br.gif\">br.gif</a></li>\n"), "{html}");
        assert!(html.contains("<li><a href=\"metadata.json\">metadata.json</a></li>\n"));
    }

    #[test]
    fn the_root_leads_to_the_flags_and_the_live_page() {
        let Page::Listing { path, dir } = Page::at("/") else { panic!("/ is a directory") };
        let html = listing_page(&path, dir);
        assert!(html.contains("<li><a href=\"flags/\">flags/</a></li>\n"), "{html}");
        assert!(html.contains("<li><a href=\"live\">live</a>"), "{html}");
        let Page::Listing { path, dir } = Page::at("/flags/") else { panic!("a directory") };
        assert!(!listing_page(&path, dir).contains("live"), "only the root links it");
    }

    #[test]
    fn a_redirect_adds_the_slash_and_keeps_the_query() {
        let response = Page::at("/flags").answer(Some("x=1"));
        assert_eq!(response.status(), StatusCode::MOVED_PERMANENTLY);
        assert_eq!(response.headers()["location"], "/flags/?x=1");
    }
}
