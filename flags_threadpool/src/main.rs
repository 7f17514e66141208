//! # flags_threadpool: flags_threadpool.py in Rust, a pool of threads
//!
//! Mirrors Fluent Python's flags_threadpool.py (Example 20-3): flags_seq's
//! `get_flag` and `download_one`, run by `download_many` on a pool of threads
//! sized like `ThreadPoolExecutor()`, `min(32, cores + 4)`. The threads wait
//! for the network at the same time: 20 flags take ceil(20 / threads) request
//! times. Codes print as they finish, in an order that changes every run.
//!
//! ```text
//! $ cargo run -p flags_threadpool
//! Using the built-in SIMULATED site at http://127.0.0.1:43973/flags (0.36 s a request, like the book's internet); -s picks another.
//! BD BR DE CN CD EG ET IN FR ID JP IR NG MX PH RU PK TR US VN
//! 20 downloads in 1.43s
//! ```
//!
//! Compare it with flags_seq's `main.rs`: only `download_many` changed.

use std::process::ExitCode;
use std::sync::{Mutex, PoisonError};
use std::thread::{self, ScopedJoinHandle};
use std::{iter, panic};

use flags_common::{
    Counter, MAX_CONCUR_REQ, MAX_FLAG_BYTES, Outcome, Plan, Result, check_status, save_flag,
};
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

/// Python's `executor.map(download_one, sorted(cc_list))`: `plan.concurrency`
/// scoped threads pull codes from one shared queue until it runs dry. Scoped
/// threads may borrow `agent` and `plan`, and all have ended when `scope`
/// returns, like leaving the executor's `with` block.
fn download_many(plan: &Plan) -> Result<Counter> {
    let agent = new_agent(plan);
    let queue = Mutex::new(plan.cc_list());
    thread::scope(|scope| {
        let workers: Vec<_> =
            (0..plan.concurrency).map(|_| scope.spawn(|| worker(&agent, &queue, plan))).collect();
        Ok(workers.into_iter().map(join).sum())
    })
}

/// One thread of the pool: take the next code from the queue (holding the
/// lock for that only, not during the download), download it, repeat.
fn worker<'a>(agent: &Agent, queue: &Mutex<impl Iterator<Item = &'a str>>, plan: &Plan) -> Counter {
    let next = || queue.lock().unwrap_or_else(PoisonError::into_inner).next();
    iter::from_fn(next).map(|cc| download_one(agent, cc, plan)).collect()
}

/// A worker's counts; a panic in it is re-raised, as `executor.map` re-raises.
fn join(worker: ScopedJoinHandle<Counter>) -> Counter {
    worker.join().unwrap_or_else(|panic| panic::resume_unwind(panic))
}

/// One `Agent` for the whole run, shared by the threads: it keeps a connection
/// alive per thread, where a client per request would reconnect every time.
fn new_agent(plan: &Plan) -> Agent {
    let config = Agent::config_builder()
        .timeout_global(Some(plan.timeout))
        .http_status_as_error(false) // get_flag checks, after reading the body
        .max_idle_connections_per_host(plan.concurrency);
    config.build().into()
}

/// Python's `ThreadPoolExecutor()` default size: `min(32, os.cpu_count() + 4)`.
fn default_workers() -> usize {
    let cores = thread::available_parallelism().map_or(1, |n| n.get());
    (cores + 4).min(32)
}

fn main() -> ExitCode {
    flags_common::main(download_many, default_workers(), MAX_CONCUR_REQ)
}
