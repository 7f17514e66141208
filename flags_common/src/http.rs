//! What the two HTTP clients share: which answers count, where a redirect
//! may lead, when a failed request is tried again, and the words for each
//! failure.
//!
//! The book's `httpx.get(url, follow_redirects=True)` and
//! `resp.raise_for_status()` trust the server. These programs don't: a
//! server, or a network, can be broken or hostile. So an answer counts only
//! if it is a whole `200` whose body is what was asked for, no bigger than
//! any flag could be; a redirect may only lead to another web address; and
//! each failure is said the same way whichever client met it.

use std::fmt;
use std::time::Duration;

use url::Url;

use crate::error::{Error, Result};
use crate::limits;
use crate::whole_gif;

/// A body larger than this is an error: the largest real flag is 36 KB, so
/// anything this big is a broken or hostile server, not a flag.
pub(crate) const MAX_FLAG_BYTES: usize = 4 << 20;

/// How much of an error page is read, at most. Reading a small one to its end
/// lets the next request reuse the connection; a bigger one is not worth it,
/// and the connection is dropped instead.
pub(crate) const MAX_ERROR_BYTES: usize = 64 << 10;

/// Redirects followed for one request, at most (httpx's default is 20,
/// browsers' about 20, curl's 50; one is all a flag site needs).
pub(crate) const MAX_REDIRECTS: usize = 10;

/// A whole `200` answer: its body, and what the server said it was.
#[derive(Debug)]
pub struct Answer {
    /// The `Content-Type` header, if there was one.
    pub content_type: Option<String>,
    pub body: Vec<u8>,
}

impl Answer {
    /// The body, if it is a whole GIF: it starts with `GIF87a` or `GIF89a`
    /// (a web page, an error text or an empty body must never be saved as a
    /// flag), and its blocks run to its trailer (a body cut short, by a
    /// server that gave a short `Content-Length`, is half a flag): see
    /// `whole_gif`.
    pub fn gif(self) -> Result<Vec<u8>> {
        match self.body.get(..6) {
            Some(b"GIF87a" | b"GIF89a") => {}
            _ => return Err(self.not("a GIF")),
        }
        whole_gif::check(&self.body).map_err(Error::Other)?;
        Ok(self.body)
    }

    /// The body as JSON of type `T`, such as flags3's `metadata.json`.
    pub fn json<T: serde::de::DeserializeOwned>(self) -> Result<T> {
        serde_json::from_slice(&self.body).map_err(|err| {
            let why = if err.is_data() { err.to_string() } else { self.not("JSON").to_string() };
            Error::Other(format!("unusable metadata: {why}"))
        })
    }

    /// `not a GIF: text/html, 155 bytes`
    fn not(&self, what: &str) -> Error {
        let content_type = self.content_type.as_deref().unwrap_or("no Content-Type");
        let content_type = content_type.split(';').next().unwrap_or_default().trim();
        Error::Other(format!("not {what}: {content_type}, {} bytes", self.body.len()))
    }
}

/// What to do with an answer's head: use it, or follow it elsewhere.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Next {
    /// A 200 that names no encoding: read its body.
    Read,
    /// A redirect to this web address: ask there.
    Follow(Url),
}

/// httpx's `raise_for_status()` and `follow_redirects=True`, stricter. Only
/// `200` is a whole flag: a 204 has none, a 206 has a part of one, and a 304
/// or a redirect that leads nowhere is as much an error as a 404 or a 500.
/// A body encoded with gzip (never asked for) would be saved as garbage.
pub(crate) fn next(
    url: &Url, status: u16, location: Option<&str>, encoding: Option<&str>,
) -> Result<Next> {
    match (status, location) {
        (200, _) => match encoding {
            None | Some("identity") => Ok(Next::Read),
            Some(encoding) => Err(Error::Other(format!("encoded as {encoding}, unasked"))),
        },
        (301 | 302 | 303 | 307 | 308, Some(location)) => follow(url, location).map(Next::Follow),
        (code, _) => Err(Error::Status { code, url: url.to_string() }),
    }
}

/// Where a redirect leads, resolved as a browser would (`br2.gif`, `../x`,
/// `/x`, `//host/x`); only another http(s) address is acceptable, never
/// `file:///etc/hostname`.
fn follow(url: &Url, location: &str) -> Result<Url> {
    let next = url.join(location).map_err(|_| bad_redirect(location))?;
    match next.scheme() {
        "http" | "https" => Ok(next),
        _ => Err(bad_redirect(next.as_str())),
    }
}

fn bad_redirect(location: &str) -> Error {
    Error::Other(format!("redirected to {location}, not a web address"))
}

/// A body larger than [`MAX_FLAG_BYTES`]: no flag is that big, so the server
/// is not to be trusted with memory.
pub(crate) fn too_big() -> Error {
    Error::Other(format!("body larger than {} MiB", MAX_FLAG_BYTES >> 20))
}

pub(crate) fn too_many_redirects() -> Error {
    Error::Other(format!("more than {MAX_REDIRECTS} redirects"))
}

/// The user and password of a `-s http://user:password@host/flags` URL,
/// decoded (`pa%3Ass` is `pa:ss`), sent as HTTP basic authentication to that
/// site only, and never printed.
#[derive(Clone)]
pub struct Credentials {
    /// `http://host:port`: the only origin the credentials go to.
    origin: url::Origin,
    header: String,
}

impl Credentials {
    /// Takes the user and password out of `url`, if it has them.
    pub(crate) fn take_from(url: &mut Url) -> Result<Option<Credentials>, String> {
        if url.username().is_empty() && url.password().is_none() {
            return Ok(None);
        }
        let decode = |text: &str| {
            let decoded = percent_encoding::percent_decode_str(text).decode_utf8();
            decoded.map(|text| text.into_owned()).map_err(|_| "the password is not UTF-8")
        };
        let user = decode(url.username())?;
        let password = decode(url.password().unwrap_or_default())?;
        let _ = (url.set_username(""), url.set_password(None));
        let header = basic_auth(&user, &password);
        Ok(Some(Credentials { origin: url.origin(), header }))
    }

    /// The `Authorization` header's value for a request to `url`, if it goes
    /// to the site the credentials were given for (not to where a redirect
    /// may lead).
    pub(crate) fn header_for(&self, url: &Url) -> Option<&str> {
        (url.origin() == self.origin).then_some(self.header.as_str())
    }
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Credentials(hidden)")
    }
}

/// `Basic dXNlcjpwYTpzcw==` for `user` and `pa:ss`.
fn basic_auth(user: &str, password: &str) -> String {
    use base64::Engine;
    let encoded = base64::engine::general_purpose::STANDARD.encode(format!("{user}:{password}"));
    format!("Basic {encoded}")
}

/// Whether `url` names this machine: such a site is never reached through a
/// proxy, whatever `http_proxy` says.
pub(crate) fn is_loopback(url: &Url) -> bool {
    match url.host() {
        Some(url::Host::Domain(domain)) => domain.eq_ignore_ascii_case("localhost"),
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        None => false,
    }
}

/// How a request failed on the network, in the same words for both clients.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Failure {
    /// Nothing listens there.
    Refused,
    /// The connection was reset (a TCP RST) before the answer was complete.
    Reset,
    /// The connection closed before any answer came back.
    Closed,
    /// The connection closed in the middle of the answer's body.
    CutShort,
    /// No complete answer within the timeout.
    TimedOut,
    /// The host's name could not be looked up: a typo, or no network.
    UnknownHost,
    /// The process has all the open files the system allows (`ulimit -n`).
    TooManyFiles,
}

impl Failure {
    /// The words for this failure, naming the site (`127.0.0.1:8001`).
    pub(crate) fn error(self, url: &Url, timeout: Duration) -> Error {
        let site = site(url);
        Error::Other(match self {
            Failure::Refused => format!("connection refused by {site}"),
            Failure::Reset => format!("connection reset by {site}"),
            Failure::Closed => format!("{site} closed the connection without answering"),
            Failure::CutShort => format!("answer cut short: {site} closed the connection"),
            Failure::TimedOut => format!("no complete answer in {} s", timeout.as_secs_f64()),
            Failure::UnknownHost => {
                let host = url.host_str().unwrap_or_default();
                format!("cannot look up {host}: is this machine online?")
            }
            Failure::TooManyFiles => limits::too_many_files(),
        })
    }

    /// Sorts an I/O error: `None` for kinds these words do not cover.
    pub(crate) fn of_io(err: &std::io::Error, reading_body: bool) -> Option<Failure> {
        use std::io::ErrorKind::*;
        if limits::is_too_many_files(err) {
            return Some(Failure::TooManyFiles);
        }
        match err.kind() {
            ConnectionRefused => Some(Failure::Refused),
            ConnectionReset | ConnectionAborted | BrokenPipe => Some(Failure::Reset),
            UnexpectedEof if reading_body => Some(Failure::CutShort),
            UnexpectedEof => Some(Failure::Closed),
            TimedOut => Some(Failure::TimedOut),
            // Rust's standard library says so for a failed `getaddrinfo`.
            _ if err.to_string().starts_with("failed to lookup address") => {
                Some(Failure::UnknownHost)
            }
            _ => None,
        }
    }
}

/// `host:port` of a URL, for messages.
fn site(url: &Url) -> String {
    let host = url.host_str().unwrap_or("the server");
    match url.port_or_known_default() {
        Some(port) => format!("{host}:{port}"),
        None => host.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn url(text: &str) -> Url {
        Url::parse(text).unwrap_or_else(|err| panic!("{text}: {err}"))
    }

    #[test]
    fn only_a_plain_200_is_read() {
        let flag = url("http://h/flags/br/br.gif");
        assert_eq!(next(&flag, 200, None, None).ok(), Some(Next::Read));
        assert_eq!(next(&flag, 200, None, Some("identity")).ok(), Some(Next::Read));
        let gzip = next(&flag, 200, None, Some("gzip")).map_err(|err| err.to_string());
        assert_eq!(gzip, Err("encoded as gzip, unasked".to_string()));
        for code in [204, 206, 304, 404, 418, 500] {
            let err = next(&flag, code, None, None).err();
            assert!(matches!(err, Some(Error::Status { code: c, .. }) if c == code), "{code}");
        }
    }

    #[test]
    fn redirects_lead_to_web_addresses_only() {
        let flag = url("http://h:8001/flags/br/br.gif");
        let follow = |location| next(&flag, 301, Some(location), None).map_err(|e| e.to_string());
        let to = |text| Ok(Next::Follow(url(text)));
        assert_eq!(follow("br2.gif"), to("http://h:8001/flags/br/br2.gif"));
        assert_eq!(follow("../../x?y=1"), to("http://h:8001/x?y=1"));
        assert_eq!(follow("https://other/x"), to("https://other/x"));
        let refused = "redirected to file:///etc/hostname, not a web address";
        assert_eq!(follow("file:///etc/hostname"), Err(refused.to_string()));
        assert!(follow("javascript:alert(1)").is_err());
        assert!(matches!(next(&flag, 301, None, None), Err(Error::Status { code: 301, .. })));
    }

    #[test]
    fn a_gif_is_a_gif() {
        let answer = |content_type: &str, body: &[u8]| Answer {
            content_type: Some(content_type.into()),
            body: body.to_vec(),
        };
        let br = flags_server::flag_gif("BR").unwrap_or_default();
        assert_eq!(answer("image/gif", br).gif().ok().as_deref(), Some(br));
        let half = answer("image/gif", &br[..br.len() / 2]).gif().map_err(|e| e.to_string());
        let cut =
            format!("not a whole GIF: it ends after {} bytes, before its trailer", br.len() / 2);
        assert_eq!(half, Err(cut));
        assert!(answer("image/gif", b"GIF87a...").gif().is_err());
        let page =
            answer("text/html; charset=utf-8", &[b'<'; 155]).gif().map_err(|e| e.to_string());
        assert_eq!(page, Err("not a GIF: text/html, 155 bytes".to_string()));
        assert!(answer("image/gif", b"").gif().is_err());
    }

    #[test]
    fn credentials_are_decoded_and_kept_for_their_site() {
        let mut site = url("http://user:pa%3Ass@127.0.0.1:8001/flags");
        let credentials = Credentials::take_from(&mut site).ok().flatten();
        assert_eq!(site.as_str(), "http://127.0.0.1:8001/flags", "taken out of the URL");
        let header =
            credentials.as_ref().and_then(|c| c.header_for(&url("http://127.0.0.1:8001/x")));
        assert_eq!(header, Some("Basic dXNlcjpwYTpzcw=="), "user:pa:ss");
        let elsewhere =
            credentials.as_ref().and_then(|c| c.header_for(&url("http://127.0.0.1:9/x")));
        assert_eq!(elsewhere, None);
        assert_eq!(format!("{credentials:?}"), "Some(Credentials(hidden))");
    }

    #[test]
    fn failures_have_the_same_words_whoever_met_them() {
        let site = url("https://www.fluentpython.com/data/flags/br/br.gif");
        let timeout = Duration::from_millis(6100);
        let say = |kind, reading_body| {
            let err = std::io::Error::new(kind, "whatever the client said");
            Failure::of_io(&err, reading_body).map(|f| f.error(&site, timeout).to_string())
        };
        use std::io::ErrorKind::*;
        let refused = "connection refused by www.fluentpython.com:443";
        assert_eq!(say(ConnectionRefused, false).as_deref(), Some(refused));
        let cut = "answer cut short: www.fluentpython.com:443 closed the connection";
        assert_eq!(say(UnexpectedEof, true).as_deref(), Some(cut));
        assert_eq!(say(TimedOut, false).as_deref(), Some("no complete answer in 6.1 s"));
        let lookup = std::io::Error::other("failed to lookup address information: Name unknown");
        let offline = Failure::of_io(&lookup, false).map(|f| f.error(&site, timeout).to_string());
        let said = "cannot look up www.fluentpython.com: is this machine online?";
        assert_eq!(offline.as_deref(), Some(said));
        assert_eq!(say(PermissionDenied, false), None);
        let emfile = std::io::Error::from_raw_os_error(libc::EMFILE);
        let files = Failure::of_io(&emfile, false).map(|f| f.error(&site, timeout).to_string());
        assert!(files.is_some_and(|words| words.starts_with("too many open files: the system")));
    }

    #[test]
    fn loopback_is_this_machine() {
        for local in
            ["http://127.0.0.1:1/", "http://127.9.9.9/", "http://[::1]:80/", "http://LocalHost/"]
        {
            assert!(is_loopback(&url(local)), "{local}");
        }
        assert!(!is_loopback(&url("https://www.fluentpython.com/data/flags")));
    }
}
