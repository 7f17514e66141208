//! The site over HTTP/2 (h2c, prior knowledge), as clients see it: the `h2`
//! crate's client for what a library sees, and a bare frame reader
//! ([`frames`]) for what only the wire shows, against sites started here on
//! 127.0.0.1. The same pages, files, delays, 418s, faults and records as on
//! HTTP/1.1, plus what only HTTP/2 has: streams, their cap, and GOAWAY.

#[path = "../common/mod.rs"]
mod common;
mod frames;

use std::collections::BTreeMap;
use std::time::Duration;

use flags_server::{COUNTRY_CODES, Config, Fault, Protocol, Site, flag_gif, metadata_json};
use h2::Reason;
use h2::client::{ResponseFuture, SendRequest};
use hyper::body::Bytes;
use hyper::{Request, StatusCode};
use tokio::net::TcpStream;

use common::{flag_path, metadata_path, on_disk, start};
use frames::{REFUSED_STREAM, RST_STREAM, Raw, goaways};

// ---------------------------------------------------------------------------
// Helpers

type Client = SendRequest<Bytes>;

/// What a stream ended with: its status, headers and body, or the error
/// that ended it (a RST_STREAM's reason, a GOAWAY).
type Answer = Result<(StatusCode, hyper::HeaderMap, Vec<u8>), h2::Error>;

/// An HTTP/2 connection to the site, with prior knowledge. Its connection
/// task runs in the background; the second half tells when it is over.
async fn connect(site: &Site) -> (Client, tokio::task::JoinHandle<()>) {
    let tcp = TcpStream::connect(site.addr()).await.expect("connect");
    // hyper's client windows (2 MiB a stream, 5 MiB the connection): with
    // h2's small default, hundreds of small answers arriving at once would
    // exhaust its budget for DATA frames (ENHANCE_YOUR_CALM).
    let (client, connection) = h2::client::Builder::new()
        .initial_window_size(2 << 20)
        .initial_connection_window_size(5 << 20)
        .handshake(tcp)
        .await
        .expect("the handshake");
    let task = tokio::spawn(async move {
        let _ = connection.await;
    });
    (client, task)
}

/// Open a stream with GET `path`, without waiting for the site's leave.
fn send(client: &mut Client, site: &Site, path: &str) -> ResponseFuture {
    let request = Request::get(format!("http://{}{path}", site.addr())).body(());
    let request = request.expect("a request");
    client.send_request(request, true).expect("a new stream").0
}

/// The answer to a stream, read in full.
async fn answer(response: ResponseFuture) -> Answer {
    let (head, mut body) = response.await?.into_parts();
    let mut bytes = Vec::new();
    while let Some(chunk) = body.data().await {
        let chunk = chunk?;
        // Hand the window back, as a client that reads on does.
        let _ = body.flow_control().release_capacity(chunk.len());
        bytes.extend_from_slice(&chunk);
    }
    Ok((head.status, head.headers, bytes))
}

/// GET `path` on a new stream once the connection may open one, and read it.
async fn get(client: &mut Client, site: &Site, path: &str) -> Answer {
    let ready = client.clone().ready().await.expect("a connection that takes streams");
    *client = ready;
    answer(send(client, site, path)).await
}

/// Status and body of a GET that should work at the HTTP level.
async fn fetch(client: &mut Client, site: &Site, path: &str) -> (u16, Vec<u8>) {
    let (status, _, body) = get(client, site, path).await.expect(path);
    (status.as_u16(), body)
}

fn header<'a>(headers: &'a hyper::HeaderMap, name: &str) -> &'a str {
    headers.get(name).and_then(|value| value.to_str().ok()).unwrap_or("")
}

/// The reason a stream was reset with, if it was.
fn reason(answer: &Answer) -> Option<Reason> {
    answer.as_ref().err().and_then(h2::Error::reason)
}

/// Wait (a while) for the site's thread to get there, without blocking
/// the runtime: the client's connection task must go on meanwhile.
async fn settle(done: impl Fn() -> bool) -> bool {
    for _ in 0..500 {
        if done() {
            return true;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    done()
}

// ---------------------------------------------------------------------------
// The same site

/// Every flag and every metadata file, all at once on one connection.
#[tokio::test]
async fn every_file_on_one_connection_byte_for_byte() {
    let site = start(Config::default().with_max_streams(1000));
    let (mut client, _) = connect(&site).await;
    let mut streams = Vec::new();
    for cc in COUNTRY_CODES {
        let cc = cc.to_lowercase();
        for path in [flag_path(&cc), metadata_path(&cc)] {
            let response = send(&mut client, &site, &path);
            streams.push((path, tokio::spawn(answer(response))));
        }
    }
    for (path, stream) in streams {
        let (status, headers, body) = stream.await.expect("a task").expect(&path);
        assert_eq!(status, StatusCode::OK, "{path}");
        let disk = on_disk(&path[1..]);
        assert_eq!(header(&headers, "content-length"), disk.len().to_string(), "{path}");
        assert_eq!(body, disk, "{path}");
    }
    let stats = site.stats();
    assert_eq!((stats.requests, stats.connections), (388, 1));
    assert_eq!(stats.statuses, BTreeMap::from([(200, 388)]));
    assert!(stats.records.iter().all(|record| record.protocol == Protocol::Http2));
}

#[tokio::test]
async fn directories_list_and_move_as_on_http1() {
    let site = start(Config::default());
    let (mut client, _) = connect(&site).await;
    let (status, headers, _) = get(&mut client, &site, "/flags").await.expect("/flags");
    assert_eq!((status.as_u16(), header(&headers, "location")), (301, "/flags/"));
    let (status, listing) = fetch(&mut client, &site, "/flags/br/").await;
    let listing = String::from_utf8_lossy(&listing);
    assert_eq!(status, 200);
    assert!(listing.contains("<h1>Directory listing for /flags/br/</h1>"), "{listing}");
    assert!(listing.contains("<a href=\"metadata.json\">metadata.json</a>"), "{listing}");
    assert_eq!(fetch(&mut client, &site, "/flags/zz/zz.gif").await.0, 404);
}

#[tokio::test]
async fn an_error_rate_of_one_makes_a_teapot_of_every_download() {
    let site = start(Config::default().with_error_rate(1.0));
    let (mut client, _) = connect(&site).await;
    for path in [flag_path("br"), metadata_path("cn")] {
        let (status, body) = fetch(&mut client, &site, &path).await;
        assert_eq!((status, body.as_slice()), (418, &b"418 I'm a teapot\n"[..]));
    }
    assert_eq!(fetch(&mut client, &site, "/flags/").await.0, 200);
}

// ---------------------------------------------------------------------------
// Faults, the HTTP/2 way

/// A reset is one stream's RST_STREAM: the connection and its other
/// streams carry on.
#[tokio::test]
async fn a_reset_resets_its_stream_not_the_connection() {
    let site = start(Config::with_latency(0.1, 0.0).with_fault("BR", Fault::Reset));
    let (mut client, _) = connect(&site).await;
    let reset = send(&mut client, &site, &flag_path("br"));
    let beside = send(&mut client, &site, &flag_path("cn"));
    let reset = answer(reset).await;
    assert_eq!(reason(&reset), Some(Reason::INTERNAL_ERROR), "{reset:?}");
    let (status, _, body) = answer(beside).await.expect("the stream beside");
    assert_eq!((status.as_u16(), Some(body.as_slice())), (200, flag_gif("cn")));
    assert_eq!(fetch(&mut client, &site, &flag_path("jp")).await.0, 200, "and after");
    let stats = site.stats();
    assert_eq!(stats.connections, 1);
    let record = stats.records.iter().find(|record| record.code.as_deref() == Some("BR"));
    let outcome = record.map(|record| (record.status, record.fault.as_deref()));
    assert_eq!(outcome, Some((None, Some("reset"))));
}

/// A truncated body: the head, half the flag, then RST_STREAM.
#[tokio::test]
async fn a_truncated_body_is_cut_short_then_reset() {
    let site = start(Config::default().with_fault("BR", Fault::Truncate));
    let (mut client, _) = connect(&site).await;
    let ready = client.clone().ready().await.expect("ready");
    client = ready;
    let response = send(&mut client, &site, &flag_path("br")).await.expect("a head");
    let length = flag_gif("br").map_or(0, <[u8]>::len);
    assert_eq!(header(response.headers(), "content-length"), length.to_string());
    let mut body = response.into_body();
    let mut got = Vec::new();
    let end = loop {
        match body.data().await {
            Some(Ok(chunk)) => got.extend_from_slice(&chunk),
            Some(Err(err)) => break err.reason(),
            None => break None,
        }
    };
    assert_eq!(end, Some(Reason::INTERNAL_ERROR));
    assert_eq!(got, &flag_gif("br").unwrap_or_default()[..length / 2]);
}

/// A hang: the stream is never answered; the client gives up and resets it
/// (CANCEL), and the site lets it go.
#[tokio::test]
async fn a_hang_is_a_stream_never_answered() {
    let site = start(Config::default().with_fault("BR", Fault::Hang));
    let (mut client, _) = connect(&site).await;
    let hung = send(&mut client, &site, &flag_path("br"));
    let waited = tokio::time::timeout(Duration::from_millis(200), answer(hung)).await;
    assert!(waited.is_err(), "no answer in 200 ms: {waited:?}");
    // Meanwhile the connection serves other streams.
    assert_eq!(fetch(&mut client, &site, &flag_path("cn")).await.0, 200);
    assert!(settle(|| site.in_flight() == 0).await, "the hung stream is let go");
    let record = site.stats().records.into_iter().next().expect("a record");
    assert_eq!((record.status, record.fault.as_deref()), (None, Some("hang")));
    assert!(record.abandoned.is_some(), "{record:?}");
}

#[tokio::test]
async fn status_and_redirect_faults_are_as_on_http1() {
    let config = Config::default()
        .with_fault("CN", Fault::Status(503))
        .with_metadata_fault("BR", Fault::Redirect);
    let site = start(config);
    let (mut client, _) = connect(&site).await;
    let (status, body) = fetch(&mut client, &site, &flag_path("cn")).await;
    assert_eq!((status, body.as_slice()), (503, &b"503 Service Unavailable\n"[..]));
    let moved = get(&mut client, &site, &metadata_path("br")).await.expect("a 301");
    let location = header(&moved.1, "location");
    assert_eq!((moved.0.as_u16(), location), (301, "/flags/br/metadata.json?redirected"));
    let (status, body) = fetch(&mut client, &site, "/flags/br/metadata.json?redirected").await;
    assert_eq!((status, Some(body.as_slice())), (200, metadata_json("br")));
}

// ---------------------------------------------------------------------------
// Streams at once

/// A client that waits for the site's settings keeps to its cap: twelve
/// streams asked for, never more than four open, all answered.
#[tokio::test]
async fn a_polite_client_keeps_to_the_stream_cap() {
    let site = start(Config::with_latency(0.1, 0.0).with_max_streams(4));
    let (mut client, _) = connect(&site).await;
    // An answer comes after the site's SETTINGS: now the client knows.
    assert_eq!(fetch(&mut client, &site, "/flags/").await.0, 200);
    let mut streams = Vec::new();
    for cc in COUNTRY_CODES.iter().take(12) {
        client = client.clone().ready().await.expect("ready");
        let response = send(&mut client, &site, &flag_path(&cc.to_lowercase()));
        streams.push(tokio::spawn(answer(response)));
    }
    for stream in streams {
        let (status, _, _) = stream.await.expect("a task").expect("an answer");
        assert_eq!(status, StatusCode::OK);
    }
    let stats = site.stats();
    assert_eq!((stats.requests, stats.connections), (13, 1));
    assert_eq!(stats.max_in_flight, 4, "{stats:?}");
}

/// A client that opens streams before it has read the site's settings
/// gets those beyond the cap refused (RFC 9113 §5.1.2), unprocessed.
#[tokio::test]
async fn streams_beyond_the_cap_before_the_settings_are_refused() {
    let site = start(Config::with_latency(0.2, 0.0).with_max_streams(2));
    let (mut client, _) = connect(&site).await;
    // No `ready()`, no answer awaited: all five go out at once.
    let paths: Vec<String> = ["br", "cn", "in", "jp", "us"].map(flag_path).to_vec();
    let responses: Vec<ResponseFuture> =
        paths.iter().map(|path| send(&mut client, &site, path)).collect();
    let mut reasons = Vec::new();
    for response in responses {
        reasons.push(reason(&answer(response).await));
    }
    let refused = Some(Reason::REFUSED_STREAM);
    assert_eq!(reasons, [None, None, refused, refused, refused]);
    assert_eq!(site.stats().paths(), ["/flags/br/br.gif", "/flags/cn/cn.gif"]);
}

// ---------------------------------------------------------------------------
// GOAWAY

/// One stream after the other: the GOAWAY names the last one answered,
/// after the first GOAWAY of a graceful shutdown (the largest id), and the
/// connection closes.
#[test]
fn goaway_after_n_names_the_nth_stream_and_closes() {
    let site = start(Config::default().with_goaway_after(2));
    let mut raw = Raw::connect(site.addr());
    raw.get(1, &flag_path("br"));
    raw.until_end_of(1);
    raw.get(3, &flag_path("cn"));
    let frames = raw.until_closed();
    assert!(frames.iter().any(|frame| frame.stream == 3 && frame.ends_stream()), "{frames:?}");
    assert_eq!(goaways(&frames), [0x7fff_ffff, 3], "{frames:?}");
    let streams: Vec<Option<u64>> = site.stats().records.iter().map(|r| r.stream).collect();
    assert_eq!(streams, [Some(1), Some(2)]);
}

/// Five streams at once with a GOAWAY after three: three answered, two
/// refused unprocessed (and not recorded), whatever the GOAWAY names.
#[test]
fn goaway_after_n_answers_n_and_refuses_the_rest() {
    let site = start(Config::with_latency(0.05, 0.0).with_goaway_after(3));
    let mut raw = Raw::connect(site.addr());
    for (stream, cc) in [1, 3, 5, 7, 9].into_iter().zip(["br", "cn", "in", "jp", "us"]) {
        raw.get(stream, &flag_path(cc));
    }
    let frames = raw.until_closed();
    let answered: Vec<u32> =
        frames.iter().filter(|frame| frame.ends_stream()).map(|frame| frame.stream).collect();
    let refused: Vec<u32> = frames
        .iter()
        .filter(|frame| frame.kind == RST_STREAM && frame.word() == REFUSED_STREAM)
        .map(|frame| frame.stream)
        .collect();
    let mut answered_sorted = answered.clone();
    answered_sorted.sort_unstable();
    assert_eq!((answered_sorted, refused), (vec![1, 3, 5], vec![7, 9]), "{frames:?}");
    // hyper names the last stream it had received: 9 here, or 5 if the
    // GOAWAY raced ahead of the last two (see `Config::goaway_after`).
    let last = goaways(&frames).pop();
    assert!(last.is_some_and(|last| last >= 5), "{frames:?}");
    let stats = site.stats();
    assert_eq!(stats.paths(), ["/flags/br/br.gif", "/flags/cn/cn.gif", "/flags/in/in.gif"]);
    assert_eq!(stats.statuses, BTreeMap::from([(200, 3)]));
}

// ---------------------------------------------------------------------------
// Records

/// Records say protocol, connection and stream: HTTP/1.1 requests have no
/// stream; HTTP/2 streams count from 1 on each connection.
#[tokio::test]
async fn records_carry_protocol_connection_and_stream() {
    let site = start(Config::default());
    let (mut first, _) = connect(&site).await;
    fetch(&mut first, &site, &flag_path("br")).await;
    fetch(&mut first, &site, &flag_path("cn")).await;
    let (mut second, _) = connect(&site).await;
    fetch(&mut second, &site, &flag_path("in")).await;
    let http1 = std::thread::spawn({
        let addr = site.addr();
        move || ureq::get(format!("http://{addr}/flags/jp/jp.gif")).call().map(|r| r.status())
    });
    assert_eq!(http1.join().expect("a thread").ok().map(|status| status.as_u16()), Some(200));
    let seen: Vec<(u64, Protocol, Option<u64>)> = site
        .stats()
        .records
        .iter()
        .map(|record| (record.connection, record.protocol, record.stream))
        .collect();
    let expected = [
        (1, Protocol::Http2, Some(1)),
        (1, Protocol::Http2, Some(2)),
        (2, Protocol::Http2, Some(1)),
        (3, Protocol::Http1, None),
    ];
    assert_eq!(seen, expected);
}
