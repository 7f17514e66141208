//! The flag web site of Fluent Python's chapter 20, on your machine.
//!
//! The book's downloaders fetch `https://www.fluentpython.com/data/flags/{cc}/{cc}.gif`
//! (and, in chapter 21, `.../{cc}/metadata.json`) for country codes such as
//! `br` or `cn`. The book serves a local copy of that site with
//! `python3 -m http.server`, and makes it slow and unreliable with
//! `slow_server.py`. This crate is both, so every example runs offline:
//!
//! * the site's real data, built into the binary: 194 flags and their
//!   metadata, served like a static file server serves a folder, with
//!   directory listings ([`flag_gif`], [`metadata_json`], [`COUNTRY_CODES`]);
//! * a delay and a random `418 I'm a Teapot` rate, like `slow_server.py`
//!   ([`Config`]);
//! * faults a status code can't show, on a flag or on its metadata: hangs,
//!   resets, truncated or oversize bodies, redirects, a body of your choice
//!   ([`Fault`]);
//! * a record of every request, in process ([`Stats`], [`Record`]) and over
//!   HTTP at [`RECORDS_PATH`] ([`RecordPage`]);
//! * HTTP/1.1 and HTTP/2 over cleartext (h2c, prior knowledge) on the same
//!   port, with the same pages, delays, errors, faults and records; on
//!   HTTP/2, a cap on the streams a connection may have open and a GOAWAY
//!   after so many ([`Config::max_streams`], [`Config::goaway_after`]);
//! * a page at [`LIVE_PATH`] that shows the requests as they happen: the
//!   flags landing, a lane of bars per connection (per stream on HTTP/2),
//!   the counters.
//!
//! Tests and programs start a [`Site`] in the background; the
//! `flags_server` binary runs one in the foreground like `slow_server.py`.
//!
//! ```no_run
//! use flags_server::{Config, Fault, Site};
//!
//! let config = Config::with_latency(0.1, 0.05).with_fault("BR", Fault::Reset);
//! let site = Site::start(config)?;
//! println!("flags at {}", site.base_url()); // http://127.0.0.1:PORT/flags
//! // ... download {base_url}/cn/cn.gif ...
//! println!("{} requests", site.stats().requests);
//! # Ok::<(), std::io::Error>(())
//! ```
//!
//! # Layout
//!
//! A request travels down this list:
//!
//! | module | what it does |
//! |---|---|
//! | `server` | binds the socket, accepts connections, runs hyper on each (HTTP/1.1 or HTTP/2); idle timeout, stream cap, GOAWAY, graceful stop, resets |
//! | `socket` | the TCP stream hyper gets, which can be told to close with a RST |
//! | `link` | what a connection's requests share with its task: number, client, stream count, reset and GOAWAY |
//! | `handler` | one request: records it, routes it, waits the delay, applies a fault or a 418; refuses streams past the GOAWAY |
//! | `static_site` | what `python3 -m http.server` would answer: a file, a directory listing, a 301, a 404 |
//! | `data` | the site's files, embedded from `site/` at compile time |
//! | `fault` | the faults, the broken answers they make, and the `--fault CC=KIND` argument |
//! | `reply` | small helpers that build responses |
//! | `body` | the one response body type, which also tells when its last byte is out |
//! | `records` | [`Record`]: one request as the site saw it, with its protocol, connection and stream |
//! | `records_endpoint` | `GET /_records?from=N`, which serves them as JSON |
//! | `live` | `/live`: a page that draws the requests as they happen, fed by an event stream of the records |
//! | `stats` | the shared [`Recorder`] behind [`Stats`] and the records |
//! | `log` | the line the binary prints per request |
//! | `config` | [`Config`]: delay, error rate, faults, idle timeout, HTTP/2 streams and GOAWAY, logging |
//! | `countries` | the 194 codes |
//! | `site` | [`Site`]: all of the above on a background thread; [`SiteUrls`], where it serves |
//!
//! And two modules that every binary of the workspace uses, here because
//! this crate is the one they all depend on:
//!
//! | module | what it does |
//! |---|---|
//! | [`console`] | printing that never panics, even on a closed pipe |
//! | [`signals`] | Ctrl-C, SIGTERM and SIGHUP: first "finish up", then "quit now"; exit 128 + n |
//!
//! The server is built on hyper (HTTP/1.1 and HTTP/2, told apart by
//! hyper-util's `auto` server) and tokio: one lightweight task per
//! connection, and on HTTP/2 one per stream, so thousands of simultaneous
//! slow downloads cost little.
//!
//! # The data
//!
//! `site/flags/` is `flags.zip` from the book's code repository
//! (fluentpython/example-code-2e, `20-executors/getflags/flags.zip`, sha256
//! `549976e22d4cad7c5318fbc91d52abfe3bc1d35eb3e9dc15a10065a3dbcaa904`),
//! unzipped byte for byte: MIT licence, Copyright (c) 2021 Luciano Ramalho.
//! The flag images come from the CIA World Factbook, which is in the public
//! domain. `site-data.md`, beside `site/`, says the same.

mod body;
mod config;
pub mod console;
mod countries;
mod data;
mod fault;
mod handler;
mod link;
mod live;
mod log;
mod records;
mod records_endpoint;
mod reply;
mod server;
pub mod signals;
mod site;
mod socket;
mod static_site;
mod stats;

pub use config::{Config, DEFAULT_MAX_STREAMS};
pub use countries::COUNTRY_CODES;
pub use data::{flag_gif, metadata_json};
pub use fault::{Fault, ParseFaultError, parse_fault_arg};
pub use live::LIVE_PATH;
pub use records::{FileKind, Protocol, Record, RecordPage};
pub use records_endpoint::RECORDS_PATH;
pub use server::{listen, serve};
pub use site::{Site, SiteUrls};
pub use stats::{Recorder, Stats};
