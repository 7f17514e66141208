//! # flags_threadpool: flags_threadpool.py in Rust, a pool of threads
//!
//! Mirrors Fluent Python's flags_threadpool.py (Example 20-3): flags_seq's
//! `get_flag` and `download_one`, run by `download_many` on a pool of threads
//! that wait for the network at the same time: 20 flags take ceil(20 /
//! threads) request times. Codes print as they finish, in any order.
//!
//! ```text
//! $ cargo run -p flags_threadpool
//! SIMULATED site: http://127.0.0.1:32951/flags (built in, 0.36 s a request)
//! CD BR CN DE EG BD FR IR IN JP ET ID NG PH RU TR PK MX VN US
//! 20 downloads in 1.45s
//! ```
//!
//! Compare it with flags_seq's `main.rs`: only `download_many` changed.

use std::process::ExitCode;
use std::sync::{LazyLock, Mutex, PoisonError};
use std::thread;

use flags_common::with_ureq::Client;
use flags_common::{DownloadStatus, Plan, Progress, Result, save_flag, until_interrupted};

/// flags2's constants. The default is `ThreadPoolExecutor()`'s own size,
/// `min(32, cores + 4)`, which Python too works out when the program starts.
static DEFAULT_CONCUR_REQ: LazyLock<usize> = LazyLock::new(|| {
    thread::available_parallelism().map_or(1, |n| n.get()).saturating_add(4).min(32)
});
const MAX_CONCUR_REQ: usize = 1000;

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

/// Python's `executor.map(download_one, sorted(cc_list))`: `concur_req` threads share one queue
/// of codes. Scoped threads may borrow what is here, and end before `scope` returns, like `with`.
fn download_many(plan: &Plan, progress: &Progress) -> Result<Vec<DownloadStatus>> {
    let client = Client::new(&plan.client);
    let queue = Mutex::new(until_interrupted(&plan.cc_list));
    // Locks the queue just to take a code: the lock ends when `next_code` returns.
    let next_code = || queue.lock().unwrap_or_else(PoisonError::into_inner).next();
    // Each thread of the pool: take a code, download it, take the next... until none is left.
    let worker = || {
        let mut statuses = Vec::new();
        while let Some(cc) = next_code() {
            statuses.push(download_one(&client, cc, plan, progress));
        }
        statuses
    };
    thread::scope(|scope| {
        // `Builder` returns the system's refusal of a thread, where `scope.spawn` would panic.
        let spawn = || thread::Builder::new().spawn_scoped(scope, worker);
        let workers = flags_common::start_threads(plan.concur_req, spawn)?;
        // `join` waits for a thread; `unwrap` raises its panic again, as `executor.map` does.
        Ok(workers.into_iter().flat_map(|worker| worker.join().unwrap()).collect())
    })
}

fn main() -> ExitCode {
    flags_common::main::<Client>(download_many, *DEFAULT_CONCUR_REQ, MAX_CONCUR_REQ)
}
