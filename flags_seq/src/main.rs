//! # flags_seq: flags.py in Rust, one download after another
//!
//! Mirrors Fluent Python's flags.py (Example 20-2): for each country code, in
//! sorted order, GET the flag, save it, print the code, then the next one.
//! Nothing overlaps, so the run takes the sum of all the requests' latencies:
//! the baseline the other two programs beat.
//!
//! ```text
//! $ cargo run -p flags_seq
//! SIMULATED site: http://127.0.0.1:36715/flags (built in, 0.36 s a request)
//! BD BR CD CN DE EG ET FR ID IN IR JP MX NG PH PK RU TR US VN
//! 20 downloads in 7.23s
//! ```
//!
//! Read it next to flags_threadpool's and flags_async's `main.rs`: only
//! `download_many` (and, for async, the client) changes.

use std::process::ExitCode;

use flags_common::http::{MAX_FLAG_BYTES, check_status};
use flags_common::{DownloadStatus, Plan, Progress, Result, save_flag, until_interrupted};
use ureq::Agent;

/// flags2's constants: one request at a time, and never more.
const DEFAULT_CONCUR_REQ: usize = 1;
const MAX_CONCUR_REQ: usize = 1;

/// GETs one flag, like flags.py's `httpx.get(url)` and `raise_for_status()`.
fn get_flag(agent: &Agent, base_url: &str, cc: &str) -> Result<Vec<u8>> {
    let cc = cc.to_lowercase();
    let url = format!("{base_url}/{cc}/{cc}.gif");
    let mut resp = agent.get(&url).call()?;
    // Read the answer whole (the limit guards against a runaway body), even
    // a 404's, so that the next request can reuse the connection.
    let image = resp.body_mut().with_config().limit(MAX_FLAG_BYTES).read_to_vec()?;
    check_status(resp.status().as_u16(), &url)?;
    Ok(image)
}

/// Downloads and saves one flag, and shows how it went.
fn download_one(agent: &Agent, cc: &str, plan: &Plan, progress: &Progress) -> DownloadStatus {
    let image = get_flag(agent, &plan.base_url, cc);
    let saved = image.and_then(|image| save_flag(&image, &format!("{cc}.gif")));
    let status = DownloadStatus::from(saved);
    progress.show(cc, &status);
    status
}

/// One request after another: a plain loop, like flags.py's `for cc in sorted(cc_list)`.
fn download_many(plan: &Plan, progress: &Progress) -> Result<Vec<DownloadStatus>> {
    let agent = new_agent(plan);
    Ok(until_interrupted(&plan.cc_list)
        .map(|cc| download_one(&agent, cc, plan, progress))
        .collect())
}

/// One `Agent` for the whole run: it keeps the connection alive between
/// requests, where a new client per request would reconnect every time.
fn new_agent(plan: &Plan) -> Agent {
    let config = Agent::config_builder()
        .timeout_global(Some(plan.timeout))
        .http_status_as_error(false) // get_flag checks, after reading the body
        .max_idle_connections_per_host(plan.concur_req);
    config.build().into()
}

fn main() -> ExitCode {
    flags_common::main(download_many, DEFAULT_CONCUR_REQ, MAX_CONCUR_REQ)
}
