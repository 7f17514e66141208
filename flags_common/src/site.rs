//! Which flag site to use: `-s/--server`.
//!
//! The book runs its local sites by hand in other terminals (a static server,
//! slow_server.py on ports 8001 and 8002). Here they are built in: a label
//! starts [`flags_server`] inside the program, on 127.0.0.1 with a free port,
//! so every run works offline with no set-up.

use std::{io, time::Duration};

use flags_server::{Config, Site};
use url::Url;

use crate::http::Credentials;

/// The book's real site (REMOTE).
pub const REMOTE_URL: &str = "https://www.fluentpython.com/data/flags";

/// The labels, as `--help` and usage errors list them.
const LABELS: &str = "SIMULATED, LOCAL, DELAY, ERROR, REMOTE";

/// Where `-s PORT` points: a `flags_server` started by hand on this machine.
const LOCAL_HOST: &str = "127.0.0.1";

/// A site named on the command line.
#[derive(Clone, Debug)]
pub(crate) struct Server {
    /// `SIMULATED`, `LOCAL`, `DELAY`, `ERROR`, `REMOTE`, or `CUSTOM` for a URL.
    pub label: &'static str,
    target: Target,
}

#[derive(Clone, Debug)]
enum Target {
    /// A site this program starts, and what it is like.
    BuiltIn(Config, &'static str),
    /// A site somewhere else, what to know about it, and the credentials
    /// its URL had.
    Url(String, &'static str, Option<Credentials>),
}

/// A site ready to answer; a built-in one runs as long as this lives.
pub(crate) struct RunningSite {
    pub url: String,
    pub credentials: Option<Credentials>,
    _site: Option<Site>,
}

impl Server {
    /// Parses `-s`: a label (any case), an `http(s)://` base URL, or a bare
    /// port number, short for `http://127.0.0.1:PORT/flags` (the flags of a
    /// `flags_server PORT` started in another terminal).
    pub fn parse(arg: &str) -> Result<Server, String> {
        let server = |label, target| Ok(Server { label, target });
        if arg.bytes().all(|byte| byte.is_ascii_digit()) && !arg.is_empty() {
            let url = local_url(arg)?;
            return server("CUSTOM", Target::Url(url, "flags_server on this machine", None));
        }
        match arg.to_ascii_uppercase().as_str() {
            // What the book measured: 20 flags in 7.18 s, ~0.36 s a request.
            "SIMULATED" => server(
                "SIMULATED",
                Target::BuiltIn(Config::with_latency(0.36, 0.005), "built in, 0.36 s a request"),
            ),
            "LOCAL" => server("LOCAL", Target::BuiltIn(Config::default(), "built in, no latency")),
            "DELAY" => server("DELAY", Target::BuiltIn(slow(0.0), "built in, 0.5-5 s a request")),
            "ERROR" => server("ERROR", Target::BuiltIn(slow(0.25), "built in, slow, 25% errors")),
            "REMOTE" => {
                server("REMOTE", Target::Url(REMOTE_URL.to_string(), "on the internet", None))
            }
            _ => {
                let (url, credentials) = parse_url(arg)?;
                server("CUSTOM", Target::Url(url, "given with -s", credentials))
            }
        }
    }

    /// The book's site, which deserves a gentle default concurrency.
    pub fn is_remote(&self) -> bool {
        self.label == "REMOTE"
    }

    /// A site this program starts, in its own process.
    pub fn is_built_in(&self) -> bool {
        matches!(self.target, Target::BuiltIn(..))
    }

    /// Starts the built-in site if this is one. `announce` is told which
    /// site is used, in one line: `SIMULATED site: http://... (built in, ...)`.
    pub fn start(&self, announce: impl FnOnce(&str)) -> io::Result<RunningSite> {
        let (url, credentials, site, about) = match &self.target {
            Target::Url(url, about, credentials) => (url.clone(), credentials.clone(), None, about),
            Target::BuiltIn(config, about) => {
                let site = Site::start(config.clone())?;
                (site.base_url(), None, Some(site), about)
            }
        };
        announce(&format!("{} site: {url} ({about})", self.label));
        Ok(RunningSite { url, credentials, _site: site })
    }
}

/// slow_server.py: 0.5 to 5 s before each answer, maybe a 418.
fn slow(error_rate: f64) -> Config {
    let delay = Duration::from_millis(500)..=Duration::from_secs(5);
    Config { delay, error_rate, ..Config::default() }
}

/// `8001` -> `http://127.0.0.1:8001/flags`; a port from 1 to 65535.
fn local_url(port: &str) -> Result<String, String> {
    match port.parse::<u16>() {
        Ok(port) if port > 0 => Ok(format!("http://{LOCAL_HOST}:{port}/flags")),
        _ => Err("a port must be from 1 to 65535".to_string()),
    }
}

/// Accepts an `http://` or `https://` URL with a host, and a port from 1 to
/// 65535 if it has one; drops a trailing `/`. A `?query` or `#fragment`
/// would end up in the middle of every flag's URL, so it is refused. A user
/// and password are taken out, to be sent but never printed.
fn parse_url(arg: &str) -> Result<(String, Option<Credentials>), String> {
    let usage = || format!("must be one of {LABELS}, a port or an http(s):// URL");
    let bad_port = || "the port of a URL must be from 1 to 65535".to_string();
    let mut url = Url::parse(arg).map_err(|err| match err {
        url::ParseError::InvalidPort => bad_port(),
        _ => usage(),
    })?;
    if !matches!(url.scheme(), "http" | "https") || url.host_str().is_none_or(str::is_empty) {
        return Err(usage());
    }
    if url.port() == Some(0) {
        return Err(bad_port());
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err("a base URL cannot have a ?query or a #fragment".to_string());
    }
    let credentials = Credentials::take_from(&mut url)?;
    Ok((url.as_str().trim_end_matches('/').to_string(), credentials))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_in_any_case() {
        assert_eq!(Server::parse("error").map(|s| s.label), Ok("ERROR"));
        assert!(Server::parse("remote").is_ok_and(|s| s.is_remote()));
    }

    #[test]
    fn a_bare_port_is_a_local_flags_server() {
        let url = |arg| Server::parse(arg).map(|s| s.start(|_| {}).map(|r| r.url));
        let local = url("8001");
        assert_eq!(local.ok().and_then(Result::ok).as_deref(), Some("http://127.0.0.1:8001/flags"));
        assert!(Server::parse("8001").is_ok_and(|s| s.label == "CUSTOM" && !s.is_remote()));
        for bad in ["0", "65536", "99999999999999999999"] {
            assert_eq!(
                Server::parse(bad).map(|s| s.label),
                Err("a port must be from 1 to 65535".into())
            );
        }
    }

    #[test]
    fn urls_must_be_http_with_a_port_that_exists() {
        let url = |arg| Server::parse(arg).map(|s| s.start(|_| {}).map(|r| r.url));
        let secret = url("http://user:pa%3Ass@127.0.0.1:8001/flags");
        assert_eq!(
            secret.ok().and_then(Result::ok).as_deref(),
            Some("http://127.0.0.1:8001/flags")
        );
        let parsed = url("http://127.0.0.1:8001/flags/");
        assert_eq!(
            parsed.ok().and_then(Result::ok).as_deref(),
            Some("http://127.0.0.1:8001/flags")
        );
        let bad = [
            "ftp://x/flags",
            "FAST",
            "http://",
            "127.0.0.1:8001",
            "file:///etc",
            "http://127.0.0.1:99999/flags",
            "http://127.0.0.1:0/flags",
            "http://127.0.0.1:8001/flags?x=1",
            "http://127.0.0.1:8001/flags#top",
        ];
        for bad in bad {
            assert!(Server::parse(bad).is_err(), "{bad}");
        }
    }
}
