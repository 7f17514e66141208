//! The faults: what can go wrong with one file, beyond a slow answer.
//!
//! The book's `slow_server.py` adds a delay and a random error rate, so that
//! the downloaders meet the slowness and the failures of the real network.
//! [`Fault`] goes further: the ways a download can break that an error
//! status can't show (a server that never answers, a connection reset, a
//! body cut short or far too long, a redirect), and a body that is not what
//! the client expects (an HTML page where a flag should be, metadata a
//! careless client would trust).

use std::fmt;
use std::str::FromStr;

use hyper::body::Bytes;
use hyper::header::{CONTENT_LENGTH, HeaderValue};
use hyper::{Response, StatusCode};

use crate::body::Pieces;
use crate::countries::COUNTRY_CODES;
use crate::records::FileKind;
use crate::reply;

/// The query a redirect adds, which marks the follow-up request: that one
/// is served as if nothing was wrong.
pub(crate) const REDIRECTED: &str = "redirected";

/// The size of an oversize body: far more than any flag.
const OVERSIZE: u64 = 64 << 20;

/// Zeros, sent over and over for an oversize body.
static ZEROS: [u8; 64 << 10] = [0; 64 << 10];

/// A fault injected into the answer for one file (a flag, or its metadata).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Fault {
    /// Never answer (until the client gives up and closes).
    Hang,
    /// Close the connection with a TCP RST, no response at all.
    Reset,
    /// 200 with the full Content-Length, send only half the body, then close.
    Truncate,
    /// 200 with a 64 MiB body, streamed in chunks.
    Oversize,
    /// 301 to the same path with `?redirected` appended; that request is
    /// served normally.
    Redirect,
    /// Answer with this status and a short text body. (Statuses that
    /// can't have a body, such as 204 and 304, go without; hyper refuses to
    /// end a request with 100 Continue and sends 500 instead.)
    Status(u16),
    /// 200 with these bytes instead of the file: an HTML page served as a
    /// flag, or metadata that is hostile (`{"country": "../../etc"}`),
    /// broken, or missing a key. See [`Fault::body`].
    Body {
        /// The Content-Type header, such as `text/html`. One that a header
        /// can't hold makes the answer a 500.
        content_type: &'static str,
        /// The bytes sent.
        body: Bytes,
    },
}

impl Fault {
    /// A [`Fault::Body`]: `body` (a `&'static str`, a `String`, a `Vec<u8>`...)
    /// served as `content_type`.
    pub fn body(content_type: &'static str, body: impl Into<Bytes>) -> Fault {
        Fault::Body { content_type, body: body.into() }
    }

    /// The broken answer for `file` (served as `content_type` at `path`), or
    /// `None` for the faults that send nothing at all: hang and reset.
    pub(crate) fn answer(
        &self, file: &'static [u8], content_type: &'static str, path: &str,
    ) -> Option<Response<Pieces>> {
        let response = match self {
            Fault::Hang | Fault::Reset => return None,
            Fault::Truncate => truncated(file, content_type),
            Fault::Oversize => oversize(content_type),
            Fault::Redirect => reply::moved(&format!("{path}?{REDIRECTED}")),
            Fault::Status(status) => reply::text(
                StatusCode::from_u16(*status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
            ),
            Fault::Body { content_type, body } => match HeaderValue::from_str(content_type) {
                Ok(content_type) => {
                    reply::response(StatusCode::OK, content_type, Pieces::full(body.clone()))
                }
                Err(_) => reply::text(StatusCode::INTERNAL_SERVER_ERROR),
            },
        };
        Some(response)
    }
}

/// The file's headers in full, but only half its bytes.
fn truncated(file: &'static [u8], content_type: &'static str) -> Response<Pieces> {
    let half = Bytes::from_static(&file[..file.len() / 2]);
    let mut response = reply::ok(content_type, Pieces::cut_short(half));
    response.headers_mut().insert(CONTENT_LENGTH, HeaderValue::from(file.len()));
    response
}

fn oversize(content_type: &'static str) -> Response<Pieces> {
    let zeros = Bytes::from_static(&ZEROS);
    let times = OVERSIZE / ZEROS.len() as u64;
    reply::ok(content_type, Pieces::repeated(zeros, times))
}

impl fmt::Display for Fault {
    /// The spelling [`Fault::from_str`] reads; `body` for a body, which
    /// only the library can set.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Fault::Hang => f.write_str("hang"),
            Fault::Reset => f.write_str("reset"),
            Fault::Truncate => f.write_str("truncate"),
            Fault::Oversize => f.write_str("oversize"),
            Fault::Redirect => f.write_str("redirect"),
            Fault::Status(status) => write!(f, "{status}"),
            Fault::Body { .. } => f.write_str("body"),
        }
    }
}

/// The error for a fault name [`Fault::from_str`] doesn't know.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParseFaultError(String);

impl fmt::Display for ParseFaultError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "unknown fault {:?}: expected hang, reset, truncate, oversize, redirect \
             or an HTTP status from 100 to 599",
            self.0
        )
    }
}

impl std::error::Error for ParseFaultError {}

impl FromStr for Fault {
    type Err = ParseFaultError;

    /// `hang`, `reset`, `truncate`, `oversize`, `redirect` (any case), or a
    /// status number from 100 to 599.
    fn from_str(text: &str) -> Result<Fault, ParseFaultError> {
        match text.trim().to_ascii_lowercase().as_str() {
            "hang" => Ok(Fault::Hang),
            "reset" => Ok(Fault::Reset),
            "truncate" => Ok(Fault::Truncate),
            "oversize" => Ok(Fault::Oversize),
            "redirect" => Ok(Fault::Redirect),
            other => match other.parse() {
                Ok(status @ 100..=599) => Ok(Fault::Status(status)),
                _ => Err(ParseFaultError(text.to_owned())),
            },
        }
    }
}

/// A `--fault` argument: `CC=KIND` for the flag of CC, `CC/metadata=KIND`
/// for its metadata, with CC one of the 194 codes (any case) and KIND as
/// [`Fault::from_str`] reads it: `BR=reset`, `CN/metadata=503`. Returns the
/// code in upper case, the file and the fault, or what is wrong. Shared by
/// `flags_server` and the programs that start it, so both say the same.
pub fn parse_fault_arg(text: &str) -> Result<(String, FileKind, Fault), String> {
    let usage = "expected CC=KIND or CC/metadata=KIND, as in BR=reset or CN/metadata=503";
    let (target, kind) = text.split_once('=').ok_or(usage)?;
    let (cc, file) = match target.split_once('/') {
        None => (target, FileKind::Flag),
        Some((cc, "metadata")) => (cc, FileKind::Metadata),
        Some(_) => return Err(usage.to_owned()),
    };
    let cc = cc.trim().to_ascii_uppercase();
    if !COUNTRY_CODES.contains(&cc.as_str()) {
        return Err(format!("{cc:?} is not one of the 194 country codes"));
    }
    let fault = kind.parse().map_err(|err| format!("{err}"))?;
    Ok((cc, file, fault))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn faults_parse_and_print_back() {
        let kinds = ["hang", "reset", "truncate", "oversize", "redirect", "503", "100", "599"];
        for kind in kinds {
            let fault: Fault = kind.parse().unwrap_or(Fault::Status(0));
            assert_eq!(fault.to_string(), kind);
        }
        assert_eq!(" Reset ".parse(), Ok(Fault::Reset));
        assert_eq!(Fault::body("text/html", "<p>hi</p>").to_string(), "body");
    }

    #[test]
    fn bad_faults_say_what_is_expected() {
        for bad in ["", "slow", "99", "600", "-1", "5O3", "body"] {
            let err = bad.parse::<Fault>().err().map(|err| err.to_string());
            let message = err.unwrap_or_default();
            assert!(message.contains("expected hang, reset"), "{bad:?}: {message}");
        }
    }

    #[test]
    fn hang_and_reset_send_nothing() {
        for fault in [Fault::Hang, Fault::Reset] {
            assert!(fault.answer(b"GIF89a", "image/gif", "/x").is_none());
        }
    }

    #[test]
    fn fault_args_name_a_known_code_and_file() {
        let flag = ("BR".into(), FileKind::Flag, Fault::Reset);
        assert_eq!(parse_fault_arg("br=reset"), Ok(flag));
        let metadata = ("CN".into(), FileKind::Metadata, Fault::Status(503));
        assert_eq!(parse_fault_arg("CN/metadata=503"), Ok(metadata));
        for bad in ["BR", "XX=reset", "BR=slow", "BR=700", "BR/flag=reset", "BR/=reset"] {
            assert!(parse_fault_arg(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn a_redirect_keeps_the_path() {
        let response = Fault::Redirect.answer(b"{}", "application/json", "/flags/br/metadata.json");
        let location = response.as_ref().map(|response| &response.headers()["location"]);
        assert_eq!(
            location.map(HeaderValue::as_bytes),
            Some(&b"/flags/br/metadata.json?redirected"[..])
        );
    }

    #[test]
    fn a_body_with_a_bad_content_type_is_a_500() {
        let response = Fault::body("text/html\n", "x").answer(b"", "image/gif", "/x");
        assert_eq!(
            response.map(|response| response.status()),
            Some(StatusCode::INTERNAL_SERVER_ERROR)
        );
    }
}
