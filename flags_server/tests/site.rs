//! The site as a client sees it: real HTTP over loopback, with ureq.

use std::collections::BTreeMap;
use std::io::{self, Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

use flags_server::{COUNTRY_CODES, Config, Fault, Site, flag_gif};
use ureq::http::Response;
use ureq::{Agent, Body};

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

fn start(config: Config) -> Site {
    Site::start(config).expect("a site on loopback")
}

fn with_faults(faults: &[(&str, Fault)]) -> Config {
    let faults = faults.iter().map(|&(cc, fault)| (cc.to_owned(), fault));
    Config { faults: faults.collect(), ..Config::default() }
}

fn flag_url(site: &Site, cc: &str) -> String {
    format!("{}/{cc}/{cc}.gif", site.base_url())
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

/// Wait (a while) for `done` to become true: for effects that happen on the
/// server's thread after the client has moved on.
fn eventually(mut done: impl FnMut() -> bool) -> bool {
    let deadline = Instant::now() + Duration::from_secs(5);
    while Instant::now() < deadline {
        if done() {
            return true;
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    done()
}

#[test]
fn serves_every_flag_with_its_bytes() {
    let site = start(Config::default());
    let agent = agent();
    for cc in COUNTRY_CODES {
        let cc = cc.to_lowercase();
        let mut response = get(&agent, &flag_url(&site, &cc));
        assert_eq!(response.status(), 200);
        assert_eq!(header(&response, "content-type"), "image/gif");
        let gif = flag_gif(&cc).unwrap_or_default();
        assert_eq!(header(&response, "content-length"), gif.len().to_string());
        assert_eq!(response.body_mut().read_to_vec().ok().as_deref(), Some(gif));
    }
    let stats = site.stats();
    assert_eq!(stats.requests, 194);
    assert_eq!(stats.statuses, BTreeMap::from([(200, 194)]));
    assert_eq!(stats.paths.first().map(String::as_str), Some("/flags/ad/ad.gif"));
    assert!(stats.connections >= 1);
}

#[test]
fn anything_else_is_not_found() {
    let site = start(Config::default());
    let agent = agent();
    let root = format!("http://{}", site.addr());
    let strangers = [
        "/flags/xx/xx.gif",
        "/flags/BR/BR.gif",
        "/flags/br/BR.gif",
        "/flags/br/br.png",
        "/flags/br/us.gif",
        "/flags/br",
        "/flags",
        "/",
    ];
    for path in strangers {
        let (status, body) = fetch(&agent, &format!("{root}{path}"));
        assert_eq!((status, body.as_slice()), (404, &b"404 Not Found\n"[..]), "{path}");
    }
    // Query strings don't change the route.
    let (status, body) = fetch(&agent, &format!("{}?size=big", flag_url(&site, "br")));
    assert_eq!((status, body.as_slice()), (200, flag_gif("br").unwrap_or_default()));
}

#[test]
fn head_gives_the_headers_only() {
    let site = start(Config::default());
    let mut response = agent().head(flag_url(&site, "jp")).call().expect("HEAD");
    assert_eq!(response.status(), 200);
    let length = flag_gif("jp").map_or(0, <[u8]>::len);
    assert_eq!(header(&response, "content-length"), length.to_string());
    assert_eq!(response.body_mut().read_to_vec().ok(), Some(vec![]));
}

#[test]
fn other_methods_are_not_allowed() {
    let site = start(Config::default());
    let response = agent().delete(flag_url(&site, "jp")).call().expect("DELETE");
    assert_eq!(response.status(), 405);
    assert_eq!(header(&response, "allow"), "GET, HEAD");
}

#[test]
fn an_error_rate_of_one_makes_a_teapot() {
    let config = Config { error_rate: 1.0, ..Config::default() };
    let site = start(config);
    let agent = agent();
    for cc in ["br", "cn", "xx"] {
        let (status, body) = fetch(&agent, &flag_url(&site, cc));
        assert_eq!((status, body.as_slice()), (418, &b"418 I'm a teapot\n"[..]));
    }
    assert_eq!(site.stats().statuses, BTreeMap::from([(418, 3)]));
}

#[test]
fn an_error_rate_of_a_half_fails_about_half() {
    let config = Config { error_rate: 0.5, ..Config::default() };
    let site = start(config);
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
    let site = start(with_faults(&[("CN", Fault::Status(503))]));
    let agent = agent();
    let (status, body) = fetch(&agent, &flag_url(&site, "cn"));
    assert_eq!((status, body.as_slice()), (503, &b"503 Service Unavailable\n"[..]));
    assert_eq!(fetch(&agent, &flag_url(&site, "br")).0, 200);
}

#[test]
fn a_redirect_leads_to_the_flag() {
    let site = start(with_faults(&[("BR", Fault::Redirect)]));
    let url = flag_url(&site, "br");
    let no_follow = agent_with(|config| config.max_redirects(0));
    let response = get(&no_follow, &url);
    assert_eq!(response.status(), 301);
    assert_eq!(header(&response, "location"), "/flags/br/br.gif?redirected");

    let (status, body) = fetch(&agent(), &url);
    assert_eq!((status, body.as_slice()), (200, flag_gif("br").unwrap_or_default()));
    let stats = site.stats();
    let paths = ["/flags/br/br.gif", "/flags/br/br.gif", "/flags/br/br.gif?redirected"];
    assert_eq!(stats.paths, paths);
    assert_eq!(stats.statuses, BTreeMap::from([(200, 1), (301, 2)]));
}

#[test]
fn a_reset_gets_no_response() {
    let site = start(with_faults(&[("BR", Fault::Reset)]));
    let agent = agent();
    let err = agent.get(flag_url(&site, "br")).call().err();
    eprintln!("reset: {err:?}");
    assert!(matches!(err, Some(ureq::Error::Io(_))), "{err:?}");
    // Only that connection died: the site goes on.
    assert_eq!(fetch(&agent, &flag_url(&site, "us")).0, 200);
    let stats = site.stats();
    assert_eq!(stats.requests, 2);
    assert_eq!(stats.statuses, BTreeMap::from([(200, 1)]));
}

#[test]
fn a_reset_is_a_tcp_reset() {
    let site = start(with_faults(&[("BR", Fault::Reset)]));
    let mut stream = TcpStream::connect(site.addr()).expect("connect");
    stream.set_read_timeout(Some(Duration::from_secs(5))).expect("timeout");
    stream.write_all(b"GET /flags/br/br.gif HTTP/1.1\r\nHost: x\r\n\r\n").expect("send");
    let err = stream.read(&mut [0; 64]).err().map(|err| err.kind());
    assert_eq!(err, Some(io::ErrorKind::ConnectionReset));
}

#[test]
fn a_truncated_body_is_an_error() {
    let site = start(with_faults(&[("BR", Fault::Truncate)]));
    let mut response = get(&agent(), &flag_url(&site, "br"));
    assert_eq!(response.status(), 200);
    let length = flag_gif("br").map_or(0, <[u8]>::len);
    assert_eq!(header(&response, "content-length"), length.to_string());
    let result = response.body_mut().read_to_vec();
    eprintln!("truncate: {result:?}");
    assert!(result.is_err());
    // On the wire: the head, half the flag, and the end of the connection.
    let answer = read_all(send_get(&site, "br"));
    let head_end = answer.windows(4).position(|window| window == b"\r\n\r\n");
    let body = &answer[head_end.map_or(0, |end| end + 4)..];
    assert_eq!(body, &flag_gif("br").unwrap_or_default()[..length / 2]);
}

#[test]
fn an_oversize_body_is_64_mib() {
    let site = start(with_faults(&[("BR", Fault::Oversize)]));
    let agent = agent();
    let mut response = get(&agent, &flag_url(&site, "br"));
    assert_eq!(header(&response, "content-length"), (64 << 20).to_string());
    let result = response.body_mut().read_to_vec();
    eprintln!("oversize: {:?}", result.as_ref().map(Vec::len));
    assert!(matches!(result, Err(ureq::Error::BodyExceedsLimit(_))));
    // Read in full, without keeping it, it's all there.
    let mut response = get(&agent, &flag_url(&site, "br"));
    let mut reader = response.body_mut().with_config().limit(u64::MAX).reader();
    assert_eq!(io::copy(&mut reader, &mut io::sink()).ok(), Some(64 << 20));
}

#[test]
fn a_hang_never_answers_and_is_let_go() {
    let site = start(with_faults(&[("BR", Fault::Hang)]));
    let impatient = agent_with(|config| config.timeout_global(Some(Duration::from_millis(200))));
    let err = impatient.get(flag_url(&site, "br")).call().err();
    eprintln!("hang: {err:?}");
    assert!(matches!(err, Some(ureq::Error::Timeout(_))), "{err:?}");
    // The client closed the connection: the server drops the request.
    assert!(eventually(|| site.in_flight() == 0));
    let stats = site.stats();
    assert_eq!((stats.requests, stats.statuses.len()), (1, 0));
}

#[test]
fn stats_keep_paths_in_order_and_count_connections() {
    let site = start(Config::default());
    let paths = ["/flags/br/br.gif", "/nope", "/flags/cn/cn.gif?x"];
    for path in paths {
        // A fresh client for each request: a fresh connection.
        fetch(&agent(), &format!("http://{}{path}", site.addr()));
    }
    let stats = site.stats();
    assert_eq!(stats.paths, paths);
    assert_eq!(stats.statuses, BTreeMap::from([(200, 2), (404, 1)]));
    assert_eq!((stats.requests, stats.connections), (3, 3));
    assert_eq!(stats.max_in_flight, 1);
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
    let streams: Vec<(TcpStream, &str)> =
        COUNTRY_CODES.iter().cycle().take(1000).map(|cc| (send_get(&site, cc), *cc)).collect();
    for (stream, cc) in streams {
        let answer = read_all(stream);
        assert!(answer.starts_with(b"HTTP/1.1 200 OK\r\n"), "{cc}");
        assert!(answer.ends_with(flag_gif(cc).unwrap_or_default()), "{cc}");
    }
    let stats = site.stats();
    assert_eq!((stats.requests, stats.connections), (1000, 1000));
    assert!(stats.max_in_flight > 1, "{}", stats.max_in_flight);
}

fn send_get(site: &Site, cc: &str) -> TcpStream {
    let cc = cc.to_lowercase();
    let request =
        format!("GET /flags/{cc}/{cc}.gif HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
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
