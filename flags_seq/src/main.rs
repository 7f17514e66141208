//! # flags_seq: flags.py in Rust, one download after another
//!
//! Mirrors Fluent Python's flags.py (Example 20-2): for each country code, in
//! sorted order, GET the flag, save it, print the code, then the next one.
//! Nothing overlaps, so the run takes the sum of all the requests' latencies:
//! the baseline the other two programs beat.
//!
//! ```text
//! $ cargo run -p flags_seq
//! SIMULATED site: http://127.0.0.1:39567/flags (built in, 0.36 s a request)
//! BD BR CD CN DE EG ET FR ID IN IR JP MX NG PH PK RU TR US VN
//! 20 downloads in 7.26s
//! ```
//!
//! Read it next to flags_threadpool's and flags_async's `main.rs`: only
//! `download_many` changes, and for async the `.await`s.

use std::process::ExitCode;

use flags_common::with_ureq::Client;
use flags_common::{DownloadStatus, Plan, Progress, Result, save_flag, until_interrupted};

/// flags2's constants: one request at a time, and never more.
const DEFAULT_CONCUR_REQ: usize = 1;
const MAX_CONCUR_REQ: usize = 1;

/// flags.py's `get_flag`: GET the flag, fail unless the answer is a GIF.
fn get_flag(client: &Client, base_url: &str, cc: &str) -> Result<Vec<u8>> {
    let cc = cc.to_lowercase();
    client.get(&format!("{base_url}/{cc}/{cc}.gif"))?.gif()
}

/// Downloads and saves one flag, and shows how it went.
fn download_one(client: &Client, cc: &str, plan: &Plan, progress: &Progress) -> DownloadStatus {
    let image = get_flag(client, &plan.base_url, cc);
    let saved = image.and_then(|image| save_flag(&image, &format!("{cc}.gif")));
    progress.show(cc, DownloadStatus::from(saved))
}

/// One request after another: a plain loop, like flags.py's
/// `for cc in sorted(cc_list)`. One client for the whole run keeps the
/// connection alive, where a client per request would reconnect each time.
fn download_many(plan: &Plan, progress: &Progress) -> Result<Vec<DownloadStatus>> {
    let client = Client::new(&plan.client);
    let statuses =
        until_interrupted(&plan.cc_list).map(|cc| download_one(&client, cc, plan, progress));
    Ok(statuses.collect())
}

fn main() -> ExitCode {
    flags_common::main::<Client>(download_many, DEFAULT_CONCUR_REQ, MAX_CONCUR_REQ)
}
