//! # flags3_threadpool: the first edition's flags3_threadpool.py in Rust
//!
//! Two requests per country code, on a pool of threads: the flag, then its
//! `metadata.json`, whose `country` names the saved file (`Brazil.gif`,
//! `United_States_of_America.gif`). `diff` it with flags_async's
//! `examples/flags3_asyncio.rs`: again, only the concurrency model differs.
//!
//! ```text
//! $ cargo run -p flags_threadpool --example flags3_threadpool
//! SIMULATED site: http://127.0.0.1:46553/flags (built in, 0.36 s a request)
//! BD CN IN ID CD ET PK EG DE JP MX BR VN RU PH IR US FR NG TR
//! 20 downloads in 0.73s
//! ```
//!
//! 20 codes on 30 threads: each thread makes its two requests, 2 x 0.36 s.
//!
//! A name that comes from the network is not a path: `save_flag` refuses
//! `../../.bashrc` or `/etc/passwd` as a file name, and that code is an error.

use std::panic::resume_unwind;
use std::process::ExitCode;
use std::sync::{Mutex, PoisonError};
use std::{iter, thread};

use flags_common::with_ureq::Client;
use flags_common::{DownloadStatus, Plan, Progress, Result, save_flag, until_interrupted};
use serde::Deserialize;

/// flags3_threadpool.py's constants: 30 threads by default, 1000 at most.
/// Each thread makes one request at a time, so threads bound requests.
const DEFAULT_CONCUR_REQ: usize = 30;
const MAX_CONCUR_REQ: usize = 1000;

/// What flags3 reads of a code's `metadata.json`.
#[derive(Deserialize)]
struct Metadata {
    country: String,
}

/// flags.py's `get_flag`: GET the flag, fail unless the answer is a GIF.
fn get_flag(client: &Client, base_url: &str, cc: &str) -> Result<Vec<u8>> {
    let cc = cc.to_lowercase();
    client.get(&format!("{base_url}/{cc}/{cc}.gif"))?.gif()
}

/// flags3's `get_country`: the country's name, from the code's metadata.
fn get_country(client: &Client, base_url: &str, cc: &str) -> Result<String> {
    let cc = cc.to_lowercase();
    let metadata: Metadata = client.get(&format!("{base_url}/{cc}/metadata.json"))?.json()?;
    Ok(metadata.country)
}

/// The flag, then the country's name, then the save as `{country}.gif`.
fn download_one(client: &Client, cc: &str, plan: &Plan, progress: &Progress) -> DownloadStatus {
    let saved = get_flag(client, &plan.base_url, cc).and_then(|image| {
        let country = get_country(client, &plan.base_url, cc)?;
        save_flag(&image, &format!("{}.gif", country.replace(' ', "_")))
    });
    progress.show(cc, DownloadStatus::from(saved))
}

/// flags_threadpool's `download_many`: `concur_req` threads take codes from
/// one queue until it runs dry.
fn download_many(plan: &Plan, progress: &Progress) -> Result<Vec<DownloadStatus>> {
    let client = Client::new(&plan.client);
    let queue = Mutex::new(until_interrupted(&plan.cc_list));
    let next = || queue.lock().unwrap_or_else(PoisonError::into_inner).next();
    let worker =
        || iter::from_fn(next).map(|cc| download_one(&client, cc, plan, progress)).collect();
    thread::scope(|scope| {
        let spawn = || thread::Builder::new().spawn_scoped(scope, worker);
        let workers = flags_common::start_threads(plan.concur_req, spawn)?;
        let joined: thread::Result<Vec<Vec<_>>> = workers.into_iter().map(|w| w.join()).collect();
        Ok(joined.unwrap_or_else(|panic| resume_unwind(panic)).into_iter().flatten().collect())
    })
}

fn main() -> ExitCode {
    flags_common::main::<Client>(download_many, DEFAULT_CONCUR_REQ, MAX_CONCUR_REQ)
}
