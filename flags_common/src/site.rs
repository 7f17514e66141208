//! Which flag site to use: `-s/--server`.
//!
//! The book runs its local sites by hand in other terminals (a static server,
//! slow_server.py on ports 8001 and 8002). Here they are built in: a label
//! starts [`flags_server`] inside the program, on 127.0.0.1 with a free port,
//! so every run works offline with no set-up.

use std::{fmt, io, time::Duration};

use flags_server::{Config, Site};

/// The book's real site (REMOTE).
pub const REMOTE_URL: &str = "https://www.fluentpython.com/data/flags";

/// The labels, as `--help` and usage errors list them.
pub const LABELS: &str = "SIMULATED, LOCAL, DELAY, ERROR, REMOTE";

/// A site named on the command line.
#[derive(Clone, Debug)]
pub struct Server {
    /// `SIMULATED`, `LOCAL`, `DELAY`, `ERROR`, `REMOTE`, or `CUSTOM` for a URL.
    pub label: &'static str,
    target: Target,
}

#[derive(Clone, Debug)]
enum Target {
    BuiltIn(Config, &'static str),
    Url(String),
}

/// A site ready to answer; the built-in one runs as long as this lives.
pub struct RunningSite {
    pub url: String,
    _site: Option<Site>,
}

impl Server {
    /// Parses `-s`: a label (any case) or an `http(s)://` base URL.
    pub fn parse(arg: &str) -> Result<Server, String> {
        let server = |label, target| Ok(Server { label, target });
        match arg.to_ascii_uppercase().as_str() {
            // What the book measured: 20 flags in 7.18 s, ~0.36 s a request.
            "SIMULATED" => {
                server("SIMULATED", built_in(Config::with_latency(0.36, 0.005), SIMULATED))
            }
            "LOCAL" => server("LOCAL", built_in(Config::default(), "no added latency")),
            "DELAY" => {
                server("DELAY", built_in(slow(0.0), "0.5-5 s a request, like slow_server.py"))
            }
            "ERROR" => server("ERROR", built_in(slow(0.25), "0.5-5 s a request, 25% answered 418")),
            "REMOTE" => server("REMOTE", Target::Url(REMOTE_URL.to_string())),
            _ => server("CUSTOM", Target::Url(parse_url(arg)?)),
        }
    }

    /// The book's site, which deserves a gentle default concurrency.
    pub fn is_remote(&self) -> bool {
        self.label == "REMOTE"
    }

    /// Starts the built-in site if this is one, and says so on stderr.
    pub fn start(&self) -> io::Result<RunningSite> {
        match &self.target {
            Target::Url(url) => Ok(RunningSite { url: url.clone(), _site: None }),
            Target::BuiltIn(config, about) => {
                let site = Site::start(config.clone())?;
                let url = site.base_url();
                eprintln!("Using the built-in {self} site at {url} ({about}); -s picks another.");
                Ok(RunningSite { url, _site: Some(site) })
            }
        }
    }
}

impl fmt::Display for Server {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label)
    }
}

const SIMULATED: &str = "0.36 s a request, like the book's internet";

fn built_in(config: Config, about: &'static str) -> Target {
    Target::BuiltIn(config, about)
}

/// slow_server.py: 0.5 to 5 s before each answer, maybe a 418.
fn slow(error_rate: f64) -> Config {
    let delay = Duration::from_millis(500)..=Duration::from_secs(5);
    Config { delay, error_rate, ..Config::default() }
}

/// Accepts `http://` or `https://` URLs with a host; drops a trailing `/`.
fn parse_url(arg: &str) -> Result<String, String> {
    let usage = || format!("must be one of {LABELS} or an http(s):// URL");
    let uri: http::Uri = arg.parse().map_err(|_| usage())?;
    let web = matches!(uri.scheme_str(), Some("http" | "https"));
    match web && uri.host().is_some_and(|host| !host.is_empty()) {
        true => Ok(arg.trim_end_matches('/').to_string()),
        false => Err(usage()),
    }
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
    fn urls_must_be_http() {
        let url = Server::parse("http://127.0.0.1:8001/flags/").map(|s| s.start().map(|r| r.url));
        assert_eq!(url.ok().and_then(Result::ok).as_deref(), Some("http://127.0.0.1:8001/flags"));
        for bad in ["ftp://x/flags", "FAST", "http://", "127.0.0.1:8001", "file:///etc"] {
            assert!(Server::parse(bad).is_err(), "{bad}");
        }
    }
}
