//! # flags_common: the half of flags.py that every program shares
//!
//! In Fluent Python, flags_threadpool.py and flags_asyncio.py import
//! `save_flag` and `main` from flags.py and write only their own
//! `download_many`. This crate is that shared half (and flags2_common.py's),
//! so that each program's `main.rs` holds only what differs: its HTTP client
//! and its concurrency model.
//!
//! A program hands its `download_many` to [`main`], with flags2's two
//! constants, its default and largest number of concurrent requests, and
//! names its HTTP client, so that the command line knows what it speaks:
//!
//! ```no_run
//! use flags_common::{DownloadStatus, Plan, Progress, Result, until_interrupted};
//! # struct Client;
//! # impl flags_common::HttpClient for Client { const SPEAKS_HTTP2: bool = false; }
//!
//! const DEFAULT_CONCUR_REQ: usize = 1;
//! const MAX_CONCUR_REQ: usize = 1;
//!
//! fn download_many(plan: &Plan, progress: &Progress) -> Result<Vec<DownloadStatus>> {
//!     // For each code: get_flag, save_flag, then show how it went.
//!     let download_one = |cc| progress.show(cc, DownloadStatus::Ok);
//!     Ok(until_interrupted(&plan.cc_list).map(download_one).collect())
//! }
//!
//! fn main() -> std::process::ExitCode {
//!     flags_common::main::<Client>(download_many, DEFAULT_CONCUR_REQ, MAX_CONCUR_REQ)
//! }
//! ```
//!
//! What a program meets, in the order it meets it:
//!
//! | item | module | what it is |
//! |---|---|---|
//! | [`main`] | `run` | parses the command line, starts the site, times `download_many`, reports |
//! | [`HttpClient`] | `client_settings` | what `main` must know of the program's client: whether it speaks HTTP/2 |
//! | [`Plan`] | `plan` | the job as plain data: `cc_list`, `base_url`, `concur_req`, `client` |
//! | [`Progress`] | `progress` | shows each code as it ends: codes, `-v` lines or a bar |
//! | [`until_interrupted`] | `interrupt` | the codes, until Ctrl-C or SIGTERM says stop |
//! | [`DownloadStatus`] | `status` | how one code ended: OK, not found, or an error and its reason |
//! | [`start_threads`] | `threads` | starts a pool's threads; if the system refuses some, the others share the work |
//! | [`save_flag`] | `save` | writes `downloaded/BR.gif`, atomically |
//! | `to_thread` | `to_thread` | flags_async's `asyncio.to_thread`: saves off the event loop, on a helper thread |
//! | [`Result`], [`Error`] | `error` | every failure, from the first request to the saved file |
//! | `with_ureq::Client`, `with_reqwest::Client` | `with_ureq`, `with_reqwest` | each program's HTTP client, built once from [`ClientSettings`] and shared: `client.get(url)`; reqwest's speaks HTTP/2 too (`--http2`: `with_reqwest`'s `http2` and `turns`; on h2c, hyper's own client: `h2c`) |
//! | [`http::Answer`] | `http` | a whole 200 answer; `.gif()` checks that it is a flag, a whole GIF (`whole_gif`) |
//!
//! And behind them: `cli` (the command line), `countries` (POP20 and the
//! codes of `-a` and `-e`), `site` (the `-s` sites, built in or not),
//! `report` (flags2's reports, or [`RunReport`] as JSON for flags_compare),
//! `limits` (the machine's: open files and address space, met before a run),
//! [`console`] (flags_server's printing that never panics, for the examples
//! too). Modules
//! use each other directly; this file only maps them.

// Built alone (`cargo build -p flags_common`), with neither client, the
// rules that only the clients follow are not used.
#![cfg_attr(not(any(feature = "ureq", feature = "reqwest")), allow(dead_code))]

mod cli;
mod client_settings;
mod countries;
mod error;
pub mod http;
mod interrupt;
mod limits;
mod plan;
mod progress;
mod report;
mod run;
mod save;
mod site;
mod status;
mod threads;
#[cfg(feature = "reqwest")]
mod to_thread;
mod whole_gif;
#[cfg(feature = "reqwest")]
pub mod with_reqwest;
#[cfg(feature = "ureq")]
pub mod with_ureq;

pub use client_settings::{ClientSettings, HttpClient};
pub use countries::parse_cc;
pub use error::{Error, Result};
pub use flags_server::console;
pub use interrupt::until_interrupted;
pub use plan::Plan;
pub use progress::Progress;
pub use report::RunReport;
pub use run::{DownloadMany, main};
pub use save::save_flag;
pub use status::DownloadStatus;
pub use threads::start_threads;
#[cfg(feature = "reqwest")]
pub use to_thread::to_thread;
