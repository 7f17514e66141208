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
//! SIMULATED site: http://127.0.0.1:43973/flags (built in, 0.36 s a request)
//! BD BR DE CN CD EG ET IN FR ID JP IR NG MX PH RU PK TR US VN
//! 20 downloads in 1.43s
//! ```
//!
//! Compare it with flags_seq's `main.rs`: only `download_many` changed.

use std::process::ExitCode;
use std::sync::{LazyLock, Mutex, PoisonError};
use std::thread::{self, ScopedJoinHandle};
use std::{iter, panic};

use flags_common::http::{MAX_FLAG_BYTES, check_status};
use flags_common::{DownloadStatus, Plan, Progress, Result, save_flag, until_interrupted};
use ureq::Agent;

/// flags2's constants. The default is `ThreadPoolExecutor()`'s own size,
/// `min(32, cores + 4)`, which Python too works out when the program starts.
static DEFAULT_CONCUR_REQ: LazyLock<usize> = LazyLock::new(|| {
    let cores = thread::available_parallelism().map_or(1, |n| n.get());
    (cores + 4).min(32)
});
const MAX_CONCUR_REQ: usize = 1000;

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

/// Python's `executor.map(download_one, sorted(cc_list))`: `concur_req`
/// scoped threads pull codes from one shared queue until it runs dry. Scoped
/// threads may borrow `agent`, `plan` and `progress`, and all have ended when
/// `scope` returns, like leaving the executor's `with` block.
fn download_many(plan: &Plan, progress: &Progress) -> Result<Vec<DownloadStatus>> {
    let agent = new_agent(plan);
    let queue = Mutex::new(until_interrupted(&plan.cc_list));
    thread::scope(|scope| {
        let worker = || worker(&agent, &queue, plan, progress);
        let workers: Vec<_> = (0..plan.concur_req).map(|_| scope.spawn(worker)).collect();
        Ok(workers.into_iter().flat_map(join).collect())
    })
}

/// One thread of the pool: take the next code from the queue (holding the
/// lock for that only, not during the download), download it, repeat.
fn worker<'a>(
    agent: &Agent,
    queue: &Mutex<impl Iterator<Item = &'a str>>,
    plan: &Plan,
    progress: &Progress,
) -> Vec<DownloadStatus> {
    let next = || queue.lock().unwrap_or_else(PoisonError::into_inner).next();
    iter::from_fn(next).map(|cc| download_one(agent, cc, plan, progress)).collect()
}

/// A worker's statuses; a panic in it is re-raised, as `executor.map` re-raises.
fn join(worker: ScopedJoinHandle<Vec<DownloadStatus>>) -> Vec<DownloadStatus> {
    worker.join().unwrap_or_else(|panic| panic::resume_unwind(panic))
}

/// One `Agent` for the whole run, shared by the threads: it keeps a connection
/// alive per thread, where a client per request would reconnect every time.
fn new_agent(plan: &Plan) -> Agent {
    let config = Agent::config_builder()
        .timeout_global(Some(plan.timeout))
        .http_status_as_error(false) // get_flag checks, after reading the body
        .max_idle_connections_per_host(plan.concur_req);
    config.build().into()
}

fn main() -> ExitCode {
    flags_common::main(download_many, *DEFAULT_CONCUR_REQ, MAX_CONCUR_REQ)
}
