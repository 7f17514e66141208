//! A record of every request, and the endpoint that serves them.
//!
//! Counters say how many; records say what happened when: which request
//! came on which connection, how long it waited, how it ended. That is what
//! a timeline of a download run is drawn from. A program that runs a
//! [`Site`](crate::Site) reads them in [`Stats::records`](crate::Stats);
//! a program that runs the `flags_server` binary asks
//! `GET /_records?from=N` (see [`RecordPage`]).

use std::time::Duration;

use serde::{Deserialize, Serialize};

/// One request, as the site saw it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Record {
    /// Requests are numbered from 1 in arrival order. The site keeps the
    /// most recent ones only, so a list that starts above 1 tells how many
    /// were dropped.
    pub seq: u64,
    /// The connection it came on, numbered from 1 in accept order.
    pub connection: u64,
    /// The protocol it came by. Records written before the site spoke
    /// HTTP/2 have none, and read as HTTP/1.1.
    #[serde(default)]
    pub protocol: Protocol,
    /// On HTTP/2, the stream it came on: its number on the connection,
    /// from 1 in the order the site accepted the streams. (hyper doesn't
    /// tell a stream's id on the wire; a client that opens its streams one
    /// after the other, none refused, gives the `n`th the id `2n - 1`.)
    /// `None` on HTTP/1.1, where a connection carries one request at a time.
    #[serde(default)]
    pub stream: Option<u64>,
    /// When it arrived (its head was read), since the site started.
    pub arrived: Duration,
    /// When its answer was complete (the last byte handed to hyper), since
    /// the site started; `None` while it is being answered, or if it never
    /// was (a hang, a reset, a client that left first).
    pub ended: Option<Duration>,
    /// When the site abandoned a request it never answered in full, since
    /// the site started: its client left (gave up waiting for a hang, or
    /// stopped reading a body), its connection was reset, or the site
    /// stopped. A timeline draws a hang as a bar from `arrived` to here.
    /// `None` for a request answered in full, or one still in progress.
    #[serde(default)]
    pub abandoned: Option<Duration>,
    /// `GET`, `HEAD`...
    pub method: String,
    /// The path, with the query if there was one: `/flags/br/br.gif`.
    pub path: String,
    /// The country code the path names, in upper case: `BR` for
    /// `/flags/br/br.gif` or `/flags/br/metadata.json` (also for codes the
    /// site doesn't have, such as `ZZ`); `None` for any other path.
    pub code: Option<String>,
    /// Which file of the code it asked for.
    pub file: FileKind,
    /// The status of the answer; `None` if no answer was sent (yet).
    pub status: Option<u16>,
    /// The fault that shaped the answer, by its `--fault` name (`hang`,
    /// `reset`, `truncate`, `oversize`, `redirect`, a status, `body`).
    /// Hang and reset have no status: this is their only outcome.
    pub fault: Option<String>,
}

/// The protocol a request came by.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum Protocol {
    /// HTTP/1.1 (or 1.0): one request at a time on a connection.
    #[default]
    #[serde(rename = "HTTP/1.1")]
    Http1,
    /// HTTP/2 over cleartext (h2c): many streams at once on a connection.
    #[serde(rename = "HTTP/2")]
    Http2,
}

/// Which file of a code a request asked for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum FileKind {
    /// `/flags/{cc}/{cc}.gif`
    Flag,
    /// `/flags/{cc}/metadata.json`
    Metadata,
    /// Anything else: a directory, a stranger.
    Other,
}

/// One answer of `GET /_records?from=N`: the records numbered `N` and up
/// that the site still keeps, at most 10,000, oldest first.
///
/// Times are [`Duration`]s as serde writes them. From a real run
/// (`from=10`, the first of four records, broken into lines here):
///
/// ```json
/// {"next":14,"records":[{"seq":10,"connection":9,"protocol":"HTTP/1.1","stream":null,
///   "arrived":{"secs":1,"nanos":714319989},"ended":{"secs":3,"nanos":705310353},
///   "abandoned":null,"method":"GET","path":"/flags/cn/metadata.json","code":"CN",
///   "file":"metadata","status":503,"fault":"503"},...]}
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecordPage {
    /// What to ask for next: `from=next` gives the records after these.
    pub next: u64,
    /// Oldest first. A record still being answered has no `ended` yet:
    /// ask again from its `seq` to see how it ended.
    pub records: Vec<Record>,
}

impl Record {
    /// A request that just arrived, before the recorder numbers and times it.
    pub(crate) fn new(connection: u64, method: &str, target: &str) -> Record {
        let path = target.split('?').next().unwrap_or_default();
        let (code, file) = match classify(path) {
            Some((cc, file)) => (Some(cc), file),
            None => (None, FileKind::Other),
        };
        Record {
            seq: 0,
            connection,
            protocol: Protocol::Http1,
            stream: None,
            arrived: Duration::ZERO,
            ended: None,
            abandoned: None,
            method: method.to_owned(),
            path: target.to_owned(),
            code,
            file,
            status: None,
            fault: None,
        }
    }
}

/// The code and the file a path asks for, if it is `/flags/{cc}/{cc}.gif`
/// or `/flags/{cc}/metadata.json` with `cc` two lower-case letters.
fn classify(path: &str) -> Option<(String, FileKind)> {
    let (cc, name) = path.strip_prefix("/flags/")?.split_once('/')?;
    if cc.len() != 2 || !cc.bytes().all(|byte| byte.is_ascii_lowercase()) {
        return None;
    }
    let file = match name {
        "metadata.json" => FileKind::Metadata,
        _ if name.strip_suffix(".gif") == Some(cc) => FileKind::Flag,
        _ => return None,
    };
    Some((cc.to_ascii_uppercase(), file))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_name_a_code_and_a_file() {
        let flag = Some(("BR".to_owned(), FileKind::Flag));
        assert_eq!(classify("/flags/br/br.gif"), flag);
        let metadata = Some(("ZZ".to_owned(), FileKind::Metadata));
        assert_eq!(classify("/flags/zz/metadata.json"), metadata);
        for other in ["/", "/flags/", "/flags/br/", "/flags/BR/BR.gif", "/flags/br/us.gif", "/x"] {
            assert_eq!(classify(other), None, "{other}");
        }
        let record = Record::new(3, "GET", "/flags/br/br.gif?x=1");
        assert_eq!((record.code.as_deref(), record.file), (Some("BR"), FileKind::Flag));
        assert_eq!(record.path, "/flags/br/br.gif?x=1");
    }

    #[test]
    fn records_read_back_as_they_were_written() {
        let record = Record::new(1, "GET", "/flags/br/br.gif");
        let http2 = Record { protocol: Protocol::Http2, stream: Some(3), ..record.clone() };
        let page = RecordPage { next: 3, records: vec![record, http2] };
        let json = serde_json::to_string(&page).unwrap_or_default();
        assert!(json.contains(r#""file":"flag""#), "{json}");
        assert!(json.contains(r#""protocol":"HTTP/1.1","stream":null"#), "{json}");
        assert!(json.contains(r#""protocol":"HTTP/2","stream":3"#), "{json}");
        assert_eq!(serde_json::from_str::<RecordPage>(&json).ok(), Some(page));
    }

    #[test]
    fn records_from_before_http2_read_as_http1() {
        let old = r#"{"seq":1,"connection":1,"arrived":{"secs":0,"nanos":5},"ended":null,
            "method":"GET","path":"/flags/","code":null,"file":"other","status":200,"fault":null}"#;
        let record: Option<Record> = serde_json::from_str(old).ok();
        let seen = record.map(|record| (record.protocol, record.stream));
        assert_eq!(seen, Some((Protocol::Http1, None)));
    }
}
