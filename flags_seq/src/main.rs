//! # flags_seq: flags.py in Rust, one download after another
//!
//! Mirrors Fluent Python's flags.py (Example 20-2): for each country code, in
//! sorted order, GET the flag, save it, print the code, then the next one.
//! Nothing overlaps, so the run takes the sum of all the requests' latencies:
//! the baseline the other two programs beat.
//!
//! ```text
//! $ cargo run -p flags_seq
//! Using the built-in SIMULATED site at http://127.0.0.1:36715/flags (0.36 s a request, like the book's internet); -s picks another.
//! BD BR CD CN DE EG ET FR ID IN IR JP MX NG PH PK RU TR US VN
//! 20 downloads in 7.23s
//! ```
//!
//! Read it next to flags_threadpool's and flags_async's `main.rs`: only
//! `download_many` (and the client) changes.

use std::process::ExitCode;

use flags_common::{Counter, MAX_FLAG_BYTES, Outcome, Plan, Result, check_status, save_flag};
use ureq::Agent;

/// GETs one flag: read the answer (`limit` guards against a runaway body),
/// then fail unless it is 2xx, like httpx's `raise_for_status()`. Reading a
/// 404's body too lets the next request reuse the connection.
fn get_flag(agent: &Agent, url: &str) -> Result<Vec<u8>> {
    let mut resp = agent.get(url).call()?;
    let image = resp.body_mut().with_config().limit(MAX_FLAG_BYTES).read_to_vec()?;
    check_status(resp.status().as_u16())?;
    Ok(image)
}

/// Downloads and saves one flag, and reports how it went.
fn download_one(agent: &Agent, cc: &str, plan: &Plan) -> Outcome {
    let image = get_flag(agent, &plan.url(cc));
    let saved = image.and_then(|image| save_flag(&image, &format!("{cc}.gif")));
    plan.report(cc, saved)
}

/// One request after another: a plain loop, like flags.py's `for cc in sorted(cc_list)`.
fn download_many(plan: &Plan) -> Result<Counter> {
    let agent = new_agent(plan);
    Ok(plan.cc_list().map(|cc| download_one(&agent, cc, plan)).collect())
}

/// One `Agent` for the whole run: it keeps the connection alive between
/// requests, where a new client per request would reconnect every time.
fn new_agent(plan: &Plan) -> Agent {
    let config = Agent::config_builder()
        .timeout_global(Some(plan.timeout))
        .http_status_as_error(false) // get_flag checks, after reading the body
        .max_idle_connections_per_host(plan.concurrency);
    config.build().into()
}

fn main() -> ExitCode {
    // Default and maximum concurrent requests: this program makes one at a time.
    flags_common::main(download_many, 1, 1)
}
