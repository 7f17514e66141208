//! A stand-in for the flag web site of Fluent Python's chapter 20.
//!
//! The book's downloaders fetch `https://www.fluentpython.com/data/flags/{cc}/{cc}.gif`
//! for country codes such as `br` or `cn`, and the book ships
//! `slow_server.py` to make a local copy of that site slow and unreliable.
//! This crate is both, so every example runs offline:
//!
//! * the 194 flags the real site serves, as made-up but valid GIFs of
//!   realistic sizes ([`flag_gif`], [`COUNTRY_CODES`]);
//! * a delay and a random `418 I'm a Teapot` rate, like `slow_server.py`
//!   ([`Config`]);
//! * faults a status code can't show: hangs, resets, truncated or oversize
//!   bodies, redirects ([`Fault`]);
//! * counters that tell what happened ([`Stats`]).
//!
//! Tests and examples start a [`Site`] in the background; the
//! `flags_server` binary runs one in the foreground like `slow_server.py`.
//!
//! ```no_run
//! use flags_server::{Config, Site};
//!
//! let site = Site::start(Config::with_latency(0.1, 0.05))?;
//! println!("flags at {}", site.base_url()); // http://127.0.0.1:PORT/flags
//! // ... download {base_url}/br/br.gif ...
//! println!("{} requests", site.stats().requests);
//! # Ok::<(), std::io::Error>(())
//! ```
//!
//! The server is built on hyper (HTTP/1.1) and tokio: one lightweight task
//! per connection, so thousands of simultaneous slow downloads cost little.

mod body;
mod config;
mod countries;
mod flag;
mod handler;
mod server;
mod site;
mod stats;

pub use config::{Config, Fault, ParseFaultError};
pub use countries::COUNTRY_CODES;
pub use flag::flag_gif;
pub use server::{listen, serve};
pub use site::Site;
pub use stats::{Recorder, Stats};
