//! The site as a client sees it: real HTTP over loopback, with ureq (and
//! raw sockets where a client library would be too polite), against sites
//! started here on 127.0.0.1, and the `flags_server` binary itself.

mod common;

use std::collections::BTreeMap;
use std::fs;
use std::io::{self, BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::PathBuf;
use std::time::Duration;

use common::{eventually, flag_path, metadata_path, on_disk, start};

use flags_server::{
    COUNTRY_CODES, Config, Fault, FileKind, RecordPage, Site, flag_gif, metadata_json,
};
use ureq::http::Response;
use ureq::{Agent, Body};

// ---------------------------------------------------------------------------
// Helpers

/// A client that reports every status as a response, not an error.
fn agent() -> Agent {
    agent_with(|config| config)
}

fn agent_with(
    tweak: impl FnOnce(
        ureq::config::ConfigBuilder<ureq::typestate::AgentScope>,
    ) -> ureq::config::ConfigBuilder<ureq::typestate::AgentScope>,
) -> Agent {
    let config = Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(Duration::from_secs(10)));
    tweak(config).build().into()
}

/// A client that shows redirects instead of following them.
fn no_follow() -> Agent {
    agent_with(|config| config.max_redirects(0))
}

fn flag_url(site: &Site, cc: &str) -> String {
    url(site, &flag_path(cc))
}

fn metadata_url(site: &Site, cc: &str) -> String {
    url(site, &metadata_path(cc))
}

fn url(site: &Site, path: &str) -> String {
    format!("http://{}{path}", site.addr())
}

fn get(agent: &Agent, url: &str) -> Response<Body> {
    agent.get(url).call().unwrap_or_else(|err| panic!("GET {url}: {err}"))
}

/// Status and body of a GET that should work at the HTTP level.
fn fetch(agent: &Agent, url: &str) -> (u16, Vec<u8>) {
    let mut response = get(agent, url);
    let body = response.body_mut().read_to_vec().unwrap_or_else(|err| panic!("{url}: {err}"));
    (response.status().as_u16(), body)
}

fn header<'a>(response: &'a Response<Body>, name: &str) -> &'a str {
    let value = response.headers().get(name).map(|value| value.to_str());
    value.and_then(Result::ok).unwrap_or("")
}

/// Send a request as raw bytes, `Connection: close`, and read the answer.
fn raw(site: &Site, method: &str, target: &str) -> TcpStream {
    let request = format!("{method} {target} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    let mut stream = TcpStream::connect(site.addr()).expect("connect");
    stream.write_all(request.as_bytes()).expect("send");
    stream
}

fn read_all(mut stream: TcpStream) -> Vec<u8> {
    let mut answer = Vec::new();
    stream.set_read_timeout(Some(Duration::from_secs(10))).expect("timeout");
    stream.read_to_end(&mut answer).expect("read");
    answer
}

/// One answer on a kept-alive connection: its status line and its body.
fn read_answer(reader: &mut impl BufRead) -> (String, Vec<u8>) {
    let mut status = String::new();
    reader.read_line(&mut status).expect("status line");
    let mut length = 0;
    loop {
        let mut line = String::new();
        reader.read_line(&mut line).expect("header");
        if line == "\r\n" {
            break;
        }
        if let Some(value) = line.to_ascii_lowercase().strip_prefix("content-length:") {
            length = value.trim().parse().expect("a length");
        }
    }
    let mut body = vec![0; length];
    reader.read_exact(&mut body).expect("body");
    (status.trim_end().to_owned(), body)
}

// ---------------------------------------------------------------------------
// The files

#[test]
fn serves_every_flag_and_metadata_byte_for_byte() {
    let folders = fs::read_dir(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("site/flags"));
    assert_eq!(folders.map(Iterator::count).ok(), Some(194));
    let site = start(Config::default());
    let agent = agent();
    for cc in COUNTRY_CODES {
        let cc = cc.to_lowercase();
        let files = [
            (format!("flags/{cc}/{cc}.gif"), "image/gif", flag_gif(&cc)),
            (format!("flags/{cc}/metadata.json"), "application/json", metadata_json(&cc)),
        ];
        for (path, content_type, embedded) in files {
            let disk = on_disk(&path);
            assert_eq!(embedded, Some(disk.as_slice()), "{path} as embedded");
            let mut response = get(&agent, &url(&site, &format!("/{path}")));
            assert_eq!(response.status(), 200);
            assert_eq!(header(&response, "content-type"), content_type);
            assert_eq!(header(&response, "content-length"), disk.len().to_string());
            assert_eq!(response.body_mut().read_to_vec().ok(), Some(disk), "{path} as served");
        }
    }
    let stats = site.stats();
    assert_eq!(stats.requests, 388);
    assert_eq!(stats.statuses, BTreeMap::from([(200, 388)]));
    assert_eq!(stats.paths()[..2], ["/flags/ad/ad.gif", "/flags/ad/metadata.json"]);
    assert_eq!(stats.connections, 1, "one client, its connection kept alive");
}

#[test]
fn head_gives_the_headers_only() {
    let site = start(Config::default());
    let mut response = agent().head(flag_url(&site, "jp")).call().expect("HEAD");
    assert_eq!(response.status(), 200);
    let length = flag_gif("jp").map_or(0, <[u8]>::len);
    assert_eq!(header(&response, "content-length"), length.to_string());
    assert_eq!(response.body_mut().read_to_vec().ok(), Some(vec![]));
    let record = site.stats().records.pop().expect("a record");
    assert_eq!((record.method.as_str(), record.status), ("HEAD", Some(200)));
    assert!(record.ended.is_some(), "the head is the whole answer");
}

#[test]
fn other_methods_are_not_allowed() {
    let site = start(Config::default());
    for url in [flag_url(&site, "jp"), site.records_url()] {
        let response = agent().delete(&url).call().expect("DELETE");
        assert_eq!(response.status(), 405);
        assert_eq!(header(&response, "allow"), "GET, HEAD");
    }
}

// ---------------------------------------------------------------------------
// A static site, like `python3 -m http.server`

#[test]
fn directories_ending_in_a_slash_list_their_entries() {
    let site = start(Config::default());
    let agent = agent();
    let codes: Vec<String> =
        COUNTRY_CODES.iter().map(|cc| format!("{}/", cc.to_lowercase())).collect();
    let cases = [
        // http.server would list `flags/` only; the root also leads to the live page.
        ("/", vec!["flags/", "live"]),
        ("/flags/br/", vec!["br.gif", "metadata.json"]),
        ("/flags/?sort=no", codes.iter().map(String::as_str).collect()),
    ];
    for (path, entries) in cases {
        let mut response = get(&agent, &url(&site, path));
        assert_eq!(response.status(), 200, "{path}");
        assert_eq!(header(&response, "content-type"), "text/html; charset=utf-8");
        let html = response.body_mut().read_to_string().unwrap_or_default();
        let dir = path.split('?').next().unwrap_or_default();
        assert!(html.contains(&format!("<h1>Directory listing for {dir}</h1>")), "{html}");
        let links: Vec<&str> = html
            .lines()
            .filter_map(|line| line.strip_prefix("<li><a href=\"")?.split('"').next())
            .collect();
        assert_eq!(links, entries, "{path}");
    }
}

#[test]
fn a_directory_without_its_slash_moves_to_it() {
    let site = start(Config::default());
    let cases = [("/flags", "/flags/"), ("/flags/br", "/flags/br/"), ("/flags?x=1", "/flags/?x=1")];
    for (path, location) in cases {
        let response = get(&no_follow(), &url(&site, path));
        assert_eq!(response.status(), 301, "{path}");
        assert_eq!(header(&response, "location"), location);
    }
    // So the banner's URL works in a browser: it lands on the listing.
    let mut response = get(&agent(), &site.base_url());
    assert_eq!(response.status(), 200);
    let html = response.body_mut().read_to_string().unwrap_or_default();
    assert!(html.contains("<a href=\"br/\">br/</a>"), "{html}");
}

#[test]
fn anything_else_is_not_found() {
    let site = start(Config::default());
    let agent = agent();
    let strangers = [
        "/flags/xx/xx.gif",
        "/flags/BR/BR.gif",
        "/flags/br/BR.gif",
        "/flags/br/br.png",
        "/flags/br/us.gif",
        "/flags/br/br.gif/",
        "/Flags/",
        "/_records/",
        "/favicon.ico",
    ];
    for path in strangers {
        let (status, body) = fetch(&agent, &url(&site, path));
        assert_eq!((status, body.as_slice()), (404, &b"404 Not Found\n"[..]), "{path}");
    }
    // Query strings don't change the route.
    let (status, body) = fetch(&agent, &format!("{}?size=big", flag_url(&site, "br")));
    assert_eq!((status, body.as_slice()), (200, flag_gif("br").unwrap_or_default()));
}

#[test]
fn no_path_escapes_the_tree() {
    let site = start(Config::default());
    let tricks = [
        "/flags/../flags/br/br.gif",
        "/flags/br/../../../../etc/passwd",
        "/flags/%2e%2e/%2e%2e/etc/passwd",
        "/flags/br/..%2f..%2fbr.gif",
        "/..%2f..%2fetc/passwd",
        "/flags/./br/br.gif",
        "//flags/br/br.gif",
        "/flags//br/br.gif",
        "/flags/br%2fbr.gif",
        "/flags/%62r/br.gif",
        "/flags/br/br.gif%00",
        "/flags/br/br.gif%00.png",
        "/../../etc/passwd",
    ];
    for target in tricks {
        let answer = read_all(raw(&site, "GET", target));
        let text = String::from_utf8_lossy(&answer);
        assert!(text.starts_with("HTTP/1.1 404 Not Found\r\n"), "{target}: {text}");
        assert!(text.ends_with("\r\n\r\n404 Not Found\n"), "{target}: {text}");
    }
    assert_eq!(site.stats().statuses, BTreeMap::from([(404, tricks.len())]));
}

// ---------------------------------------------------------------------------
// Delays, errors and faults

#[test]
fn an_error_rate_of_one_makes_a_teapot_of_every_download() {
    let site = start(Config::default().with_error_rate(1.0));
    let agent = agent();
    for url in [flag_url(&site, "br"), metadata_url(&site, "cn"), flag_url(&site, "xx")] {
        let (status, body) = fetch(&agent, &url);
        assert_eq!((status, body.as_slice()), (418, &b"418 I'm a teapot\n"[..]));
    }
    // Browsing is not a download: it never fails.
    assert_eq!(fetch(&agent, &url(&site, "/flags/")).0, 200);
    assert_eq!(site.stats().statuses, BTreeMap::from([(200, 1), (418, 3)]));
}

#[test]
fn an_error_rate_of_a_half_fails_about_half() {
    let site = start(Config::default().with_error_rate(0.5));
    let agent = agent();
    for _ in 0..200 {
        fetch(&agent, &flag_url(&site, "fr"));
    }
    let statuses = site.stats().statuses;
    let teapots = statuses.get(&418).copied().unwrap_or(0);
    // Binomial(200, 0.5): outside 60..=140 about once in 10^8 runs.
    assert!((60..=140).contains(&teapots), "{statuses:?}");
    assert_eq!(teapots + statuses.get(&200).copied().unwrap_or(0), 200);
}

#[test]
fn a_status_fault_answers_with_that_status() {
    let site = start(Config::default().with_fault("CN", Fault::Status(503)));
    let agent = agent();
    let (status, body) = fetch(&agent, &flag_url(&site, "cn"));
    assert_eq!((status, body.as_slice()), (503, &b"503 Service Unavailable\n"[..]));
    assert_eq!(fetch(&agent, &flag_url(&site, "br")).0, 200);
}

#[test]
fn faults_on_metadata_leave_the_flag_alone_and_back() {
    let config = Config::default()
        .with_metadata_fault("CN", Fault::Status(503))
        .with_metadata_fault("US", Fault::Reset)
        .with_metadata_fault("BR", Fault::Redirect)
        .with_fault("JP", Fault::Status(500));
    let site = start(config);
    let agent = agent();
    assert_eq!(fetch(&agent, &metadata_url(&site, "cn")).0, 503);
    assert_eq!(fetch(&agent, &flag_url(&site, "cn")).0, 200);
    assert_eq!(fetch(&agent, &metadata_url(&site, "jp")).0, 200);
    assert_eq!(fetch(&agent, &flag_url(&site, "jp")).0, 500);
    let err = agent.get(metadata_url(&site, "us")).call().err();
    assert!(matches!(err, Some(ureq::Error::Io(_))), "{err:?}");
    assert_eq!(fetch(&agent, &flag_url(&site, "us")).0, 200);
    let (status, body) = fetch(&agent, &metadata_url(&site, "br"));
    assert_eq!((status, Some(body.as_slice())), (200, metadata_json("br")));

    let outcomes: Vec<(String, Option<u16>, Option<String>)> = site
        .stats()
        .records
        .into_iter()
        .map(|record| (record.path, record.status, record.fault))
        .collect();
    let some = |text: &str| Some(text.to_owned());
    let expected = [
        ("/flags/cn/metadata.json".into(), Some(503), some("503")),
        ("/flags/cn/cn.gif".into(), Some(200), None),
        ("/flags/jp/metadata.json".into(), Some(200), None),
        ("/flags/jp/jp.gif".into(), Some(500), some("500")),
        ("/flags/us/metadata.json".into(), None, some("reset")),
        ("/flags/us/us.gif".into(), Some(200), None),
        ("/flags/br/metadata.json".into(), Some(301), some("redirect")),
        ("/flags/br/metadata.json?redirected".into(), Some(200), None),
    ];
    assert_eq!(outcomes, expected);
}

#[test]
fn a_body_fault_serves_other_bytes() {
    let html = "<!DOCTYPE html><title>Sorry</title><p>We moved.</p>";
    let hostile = r#"{"tld_cc": ".cn", "iso_cc": "CN", "country": "../../etc", "gec_cc": "CH"}"#;
    let cases = [
        (flag_path("br"), "text/html; charset=utf-8", html),
        (metadata_path("cn"), "application/json", hostile),
        (metadata_path("in"), "application/json", r#"{"country": "India""#),
        (metadata_path("us"), "application/json", r#"{"tld_cc": ".us", "iso_cc": "US"}"#),
    ];
    let config = Config::default()
        .with_fault("BR", Fault::body(cases[0].1, cases[0].2))
        .with_metadata_fault("CN", Fault::body(cases[1].1, cases[1].2))
        .with_metadata_fault("IN", Fault::body(cases[2].1, cases[2].2.to_owned()))
        .with_metadata_fault("US", Fault::body(cases[3].1, cases[3].2.as_bytes().to_vec()));
    let site = start(config);
    let agent = agent();
    for (path, content_type, body) in cases {
        let mut response = get(&agent, &url(&site, &path));
        assert_eq!(response.status(), 200, "{path}");
        assert_eq!(header(&response, "content-type"), content_type, "{path}");
        assert_eq!(response.body_mut().read_to_string().ok().as_deref(), Some(body), "{path}");
    }
    let faults: Vec<Option<String>> = site.stats().records.into_iter().map(|r| r.fault).collect();
    assert_eq!(faults, vec![Some("body".to_owned()); 4]);
}

#[test]
fn a_redirect_leads_to_the_flag() {
    let site = start(Config::default().with_fault("BR", Fault::Redirect));
    let url = flag_url(&site, "br");
    let response = get(&no_follow(), &url);
    assert_eq!(response.status(), 301);
    assert_eq!(header(&response, "location"), "/flags/br/br.gif?redirected");

    let (status, body) = fetch(&agent(), &url);
    assert_eq!((status, body.as_slice()), (200, flag_gif("br").unwrap_or_default()));
    let stats = site.stats();
    let paths = ["/flags/br/br.gif", "/flags/br/br.gif", "/flags/br/br.gif?redirected"];
    assert_eq!(stats.paths(), paths);
    assert_eq!(stats.statuses, BTreeMap::from([(200, 1), (301, 2)]));
}

#[test]
fn a_reset_gets_no_response() {
    let site = start(Config::default().with_fault("BR", Fault::Reset));
    let agent = agent();
    let err = agent.get(flag_url(&site, "br")).call().err();
    assert!(matches!(err, Some(ureq::Error::Io(_))), "{err:?}");
    // Only that connection died: the site goes on.
    assert_eq!(fetch(&agent, &flag_url(&site, "us")).0, 200);
    let stats = site.stats();
    assert_eq!(stats.requests, 2);
    assert_eq!(stats.statuses, BTreeMap::from([(200, 1)]));
}

#[test]
fn a_reset_is_a_tcp_reset() {
    let site = start(Config::default().with_fault("BR", Fault::Reset));
    let mut stream = raw(&site, "GET", "/flags/br/br.gif");
    stream.set_read_timeout(Some(Duration::from_secs(5))).expect("timeout");
    let err = stream.read(&mut [0; 64]).err().map(|err| err.kind());
    assert_eq!(err, Some(io::ErrorKind::ConnectionReset));
}

#[test]
fn a_truncated_body_is_an_error() {
    let site = start(Config::default().with_fault("BR", Fault::Truncate));
    let mut response = get(&agent(), &flag_url(&site, "br"));
    assert_eq!(response.status(), 200);
    let length = flag_gif("br").map_or(0, <[u8]>::len);
    assert_eq!(header(&response, "content-length"), length.to_string());
    assert!(response.body_mut().read_to_vec().is_err());
    // On the wire: the head, half the flag, and the end of the connection.
    let answer = read_all(raw(&site, "GET", "/flags/br/br.gif"));
    let head_end = answer.windows(4).position(|window| window == b"\r\n\r\n");
    let body = &answer[head_end.map_or(0, |end| end + 4)..];
    assert_eq!(body, &flag_gif("br").unwrap_or_default()[..length / 2]);
    let record = site.stats().records.pop().expect("a record");
    assert_eq!((record.status, record.fault.as_deref()), (Some(200), Some("truncate")));
}

#[test]
fn an_oversize_body_is_64_mib() {
    let site = start(Config::default().with_fault("BR", Fault::Oversize));
    let agent = agent();
    let mut response = get(&agent, &flag_url(&site, "br"));
    assert_eq!(header(&response, "content-length"), (64 << 20).to_string());
    let result = response.body_mut().read_to_vec();
    assert!(matches!(result, Err(ureq::Error::BodyExceedsLimit(_))));
    // Read in full, without keeping it, it's all there.
    let mut response = get(&agent, &flag_url(&site, "br"));
    let mut reader = response.body_mut().with_config().limit(u64::MAX).reader();
    assert_eq!(io::copy(&mut reader, &mut io::sink()).ok(), Some(64 << 20));
}

#[test]
fn a_hang_never_answers_and_is_let_go() {
    let site = start(Config::default().with_fault("BR", Fault::Hang));
    let impatient = agent_with(|config| config.timeout_global(Some(Duration::from_millis(200))));
    let err = impatient.get(flag_url(&site, "br")).call().err();
    assert!(matches!(err, Some(ureq::Error::Timeout(_))), "{err:?}");
    // The client closed the connection: the server drops the request.
    assert!(eventually(|| site.in_flight() == 0));
    let stats = site.stats();
    assert_eq!((stats.requests, stats.statuses.len()), (1, 0));
}

#[test]
fn overlapping_requests_are_in_flight_together() {
    let site = start(Config::with_latency(0.2, 0.0));
    let url = flag_url(&site, "in");
    std::thread::scope(|scope| {
        for _ in 0..8 {
            scope.spawn(|| assert_eq!(fetch(&agent(), &url).0, 200));
        }
    });
    let stats = site.stats();
    assert!(stats.max_in_flight > 1, "{stats:?}");
    assert_eq!(stats.statuses, BTreeMap::from([(200, 8)]));
}

/// A thousand clients at once, each on its own connection. Raw sockets keep
/// the client side to one thread: send every request, then read every answer.
#[test]
fn a_thousand_slow_requests_at_once() {
    // 1000 client sockets + 1000 server sockets: more than some default limits.
    let _ = rlimit::increase_nofile_limit(4096);
    let site = start(Config::with_latency(0.05, 0.0));
    let streams: Vec<(TcpStream, &str)> = COUNTRY_CODES
        .iter()
        .cycle()
        .take(1000)
        .map(|cc| (raw(&site, "GET", &flag_path(&cc.to_lowercase())), *cc))
        .collect();
    for (stream, cc) in streams {
        let answer = read_all(stream);
        assert!(answer.starts_with(b"HTTP/1.1 200 OK\r\n"), "{cc}");
        assert!(answer.ends_with(flag_gif(cc).unwrap_or_default()), "{cc}");
    }
    let stats = site.stats();
    assert_eq!((stats.requests, stats.connections), (1000, 1000));
    assert!(stats.max_in_flight > 1, "{}", stats.max_in_flight);
}

// ---------------------------------------------------------------------------
// Idle connections

#[test]
fn an_idle_connection_is_closed_after_the_idle_timeout_and_kept_before() {
    let site = start(Config::default().with_idle_timeout(Duration::from_millis(600)));
    let mut stream = TcpStream::connect(site.addr()).expect("connect");
    stream.set_read_timeout(Some(Duration::from_secs(5))).expect("timeout");
    let mut reader = BufReader::new(stream.try_clone().expect("a second handle"));
    let request = b"GET /flags/br/metadata.json HTTP/1.1\r\nHost: x\r\n\r\n";
    for pause in [Duration::ZERO, Duration::from_millis(50)] {
        // Idle for a moment, well under the timeout: the connection stays.
        std::thread::sleep(pause);
        stream.write_all(request).expect("send");
        let (status, body) = read_answer(&mut reader);
        assert_eq!(
            (status.as_str(), Some(body.as_slice())),
            ("HTTP/1.1 200 OK", metadata_json("br"))
        );
    }
    // Then idle for good: the server closes with a FIN, which reads as the
    // end of the stream (a RST would be an error).
    let mut rest = Vec::new();
    assert_eq!(reader.read_to_end(&mut rest).ok(), Some(0));
    let stats = site.stats();
    assert_eq!((stats.connections, stats.requests), (1, 2));
}

#[test]
fn a_connection_that_says_nothing_is_closed_after_the_idle_timeout() {
    let site = start(Config::default().with_idle_timeout(Duration::from_millis(300)));
    let mut stream = TcpStream::connect(site.addr()).expect("connect");
    stream.set_read_timeout(Some(Duration::from_secs(5))).expect("timeout");
    // A FIN: the end of the stream, not an error and not the read timeout.
    let mut rest = Vec::new();
    assert_eq!(stream.read_to_end(&mut rest).ok(), Some(0));
    assert_eq!((site.stats().connections, site.stats().requests), (1, 0));
}

// ---------------------------------------------------------------------------
// Records

#[test]
fn records_tell_what_happened_to_each_request() {
    let config = Config::default().with_fault("BR", Fault::Hang).with_fault("CN", Fault::Reset);
    let site = start(config);
    let kept_alive = agent();
    fetch(&kept_alive, &flag_url(&site, "jp"));
    fetch(&kept_alive, &metadata_url(&site, "jp"));
    fetch(&agent(), &url(&site, "/flags/"));
    let impatient = agent_with(|config| config.timeout_global(Some(Duration::from_millis(200))));
    assert!(impatient.get(flag_url(&site, "br")).call().is_err(), "a hang");
    assert!(agent().get(flag_url(&site, "cn")).call().is_err(), "a reset");
    assert!(eventually(|| site.in_flight() == 0));

    let records = site.stats().records;
    /// seq, connection, code, file, status, fault
    type Seen<'a> = (u64, u64, Option<&'a str>, FileKind, Option<u16>, Option<&'a str>);
    let seen: Vec<Seen> = records
        .iter()
        .map(|r| (r.seq, r.connection, r.code.as_deref(), r.file, r.status, r.fault.as_deref()))
        .collect();
    let expected = [
        (1, 1, Some("JP"), FileKind::Flag, Some(200), None),
        (2, 1, Some("JP"), FileKind::Metadata, Some(200), None),
        (3, 2, None, FileKind::Other, Some(200), None),
        (4, 3, Some("BR"), FileKind::Flag, None, Some("hang")),
        (5, 4, Some("CN"), FileKind::Flag, None, Some("reset")),
    ];
    assert_eq!(seen, expected);
    // One request after the other: each ended before the next arrived.
    let answered = &records[..3];
    for (record, next) in answered.iter().zip(&records[1..]) {
        let ended = record.ended.expect("answered in full");
        assert!(record.arrived <= ended && ended <= next.arrived, "{record:?} then {next:?}");
    }
    // A hang and a reset never finish: the site abandons them when the
    // client gives up, or when it resets the connection.
    assert_eq!((records[3].ended, records[4].ended), (None, None));
    for record in &records[3..] {
        let abandoned = record.abandoned.expect("abandoned");
        assert!(record.arrived <= abandoned, "{record:?}");
    }
    assert!(answered.iter().all(|record| record.abandoned.is_none()), "{answered:?}");
}

#[test]
fn the_records_endpoint_pages_from_any_number() {
    // Every download fails with 418; the endpoint never does.
    let site = start(Config::default().with_error_rate(1.0));
    let agent = agent();
    for cc in ["br", "cn", "in"] {
        fetch(&agent, &flag_url(&site, cc));
    }
    let page = |query: &str| -> RecordPage {
        let mut response = get(&agent, &format!("{}{query}", site.records_url()));
        assert_eq!(response.status(), 200, "{query}");
        assert_eq!(header(&response, "content-type"), "application/json");
        let json = response.body_mut().read_to_string().unwrap_or_default();
        serde_json::from_str(&json).unwrap_or_else(|err| panic!("{err}: {json}"))
    };
    let seqs = |page: &RecordPage| page.records.iter().map(|r| r.seq).collect::<Vec<_>>();
    let all = page("");
    assert_eq!((seqs(&all), all.next), (vec![1, 2, 3], 4));
    assert_eq!(all.records, site.stats().records, "the same records as in process");
    let from_2 = page("?from=2");
    assert_eq!((seqs(&from_2), from_2.next), (vec![2, 3], 4));
    let after = page("?from=4");
    assert_eq!((seqs(&after), after.next), (vec![], 4));
    // The endpoint leaves no trace.
    let stats = site.stats();
    assert_eq!((stats.requests, stats.statuses), (3, BTreeMap::from([(418, 3)])));

    let (status, body) = fetch(&agent, &format!("{}?from=ten", site.records_url()));
    let body = String::from_utf8_lossy(&body);
    assert_eq!(status, 400, "{body}");
    assert!(body.contains("from=ten is not a record number"), "{body}");
}

// ---------------------------------------------------------------------------
// Starting and stopping

#[test]
fn a_busy_port_is_an_error_not_a_panic() {
    let site = start(Config::default());
    let err = Site::start_on(site.addr(), Config::default()).err();
    assert_eq!(err.map(|err| err.kind()), Some(io::ErrorKind::AddrInUse));
}

#[test]
fn dropping_a_site_stops_it() {
    let site = start(Config::default());
    let addr = site.addr();
    drop(site);
    assert!(TcpStream::connect(addr).is_err());
    // And the port can be used again straight away.
    let again = Site::start_on(addr, Config::default()).expect("restart");
    assert_eq!(fetch(&agent(), &flag_url(&again, "de")).0, 200);
}

// ---------------------------------------------------------------------------
// The binary

#[cfg(unix)]
mod binary {
    use std::process::{Child, ChildStdout, Command, Stdio};

    use flags_server::Record;

    use super::*;

    /// A running `flags_server`, killed if a test fails before it stops.
    struct Server {
        child: Child,
        stdout: BufReader<ChildStdout>,
        /// From the JSON line it printed at start.
        url: String,
        records: String,
    }

    impl Server {
        fn start(args: &[&str]) -> Server {
            let mut child = Command::new(env!("CARGO_BIN_EXE_flags_server"))
                .args(args)
                .stdin(Stdio::null())
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .expect("start flags_server");
            let mut stdout = BufReader::new(child.stdout.take().expect("its stdout"));
            let mut line = String::new();
            stdout.read_line(&mut line).expect("its first line");
            let start: serde_json::Value = serde_json::from_str(&line)
                .unwrap_or_else(|err| panic!("not JSON ({err}): {line:?}"));
            let text = |key: &str| start[key].as_str().unwrap_or_default().to_owned();
            let (url, records) = (text("url"), text("records"));
            Server { child, stdout, url, records }
        }

        /// Send SIGINT, as Ctrl-C does.
        fn interrupt(&self) {
            let kill = Command::new("kill").args(["-INT", &self.child.id().to_string()]).status();
            assert!(kill.is_ok_and(|status| status.success()), "send SIGINT");
        }

        /// Wait for the exit: its status, the rest of stdout, and stderr.
        fn finish(mut self) -> (Option<i32>, String, String) {
            let mut rest = String::new();
            self.stdout.read_to_string(&mut rest).expect("stdout");
            let mut stderr = String::new();
            if let Some(mut pipe) = self.child.stderr.take() {
                pipe.read_to_string(&mut stderr).expect("stderr");
            }
            let status = self.child.wait().expect("exit status");
            (status.code(), rest, stderr)
        }

        fn records(&self) -> Vec<Record> {
            let json = get(&agent(), &self.records).body_mut().read_to_string().unwrap_or_default();
            serde_json::from_str::<RecordPage>(&json).map(|page| page.records).unwrap_or_default()
        }
    }

    impl Drop for Server {
        fn drop(&mut self) {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }

    #[test]
    fn it_says_where_it_is_and_logs_each_request() {
        // The port as a positional argument, as in `slow_server.py 8002`.
        let server = Server::start(&["0", "--json"]);
        let port = server.url.rsplit(':').next().and_then(|tail| tail.split('/').next());
        let port: u16 = port.and_then(|port| port.parse().ok()).unwrap_or_default();
        assert!(port != 0 && port != 8001, "a port the system picked: {}", server.url);
        assert_eq!(server.url, format!("http://127.0.0.1:{port}/flags"));
        assert_eq!(server.records, format!("http://127.0.0.1:{port}/_records"));

        let agent = agent();
        assert_eq!(fetch(&agent, &format!("{}/br/br.gif", server.url)).0, 200);
        assert_eq!(fetch(&agent, &format!("{}/br/metadata.json", server.url)).0, 200);
        assert_eq!(fetch(&agent, &format!("{}/", server.url)).0, 200);
        assert_eq!(fetch(&agent, &format!("{}/zz/zz.gif", server.url)).0, 404);
        assert_eq!(server.records().len(), 4);
        server.interrupt();
        let (status, stdout, stderr) = server.finish();
        assert_eq!(status, Some(0), "{stderr}");

        let lines: Vec<&str> = stderr.lines().collect();
        let endings = [
            " GET /flags/br/br.gif [BR] 0.00 s -> 200 OK",
            " GET /flags/br/metadata.json [BR] 0.00 s -> 200 OK",
            " GET /flags/ 0.00 s -> 200 OK",
            " GET /flags/zz/zz.gif [ZZ] 0.00 s -> 404 Not Found",
        ];
        assert_eq!(lines.len(), endings.len(), "a line per request, none for records\n{stderr}");
        for (line, ending) in lines.iter().zip(endings) {
            assert!(line.starts_with("127.0.0.1:") && line.contains(" #1 "), "{line}");
            assert!(line.ends_with(ending), "{line}");
            assert!(line.len() < 100, "{line}");
        }
        let summary: serde_json::Value = serde_json::from_str(&stdout).unwrap_or_default();
        assert_eq!(summary["requests"], 4, "{stdout}");
        assert_eq!(summary["statuses"], serde_json::json!({"200": 3, "404": 1}), "{stdout}");
    }

    #[test]
    fn ctrl_c_lets_the_answer_in_flight_finish() {
        let server = Server::start(&["--port", "0", "--json", "--quiet", "--delay", "0.4"]);
        let flag = format!("{}/br/br.gif", server.url);
        let download = std::thread::spawn(move || fetch(&agent(), &flag));
        // Its record appears on arrival, before the delay: it is in flight.
        assert!(eventually(|| !server.records().is_empty()), "the request arrived");
        server.interrupt();
        let (status, body) = download.join().expect("the download");
        assert_eq!((status, body), (200, on_disk("flags/br/br.gif")));
        let url = server.url.clone();
        let (status, stdout, stderr) = server.finish();
        assert_eq!(status, Some(0));
        assert_eq!(stderr, "", "--quiet");
        let summary: serde_json::Value = serde_json::from_str(&stdout).unwrap_or_default();
        assert_eq!(summary["statuses"], serde_json::json!({"200": 1}), "{stdout}");
        // And it is gone.
        assert!(agent().get(&url).call().is_err());
    }
}
