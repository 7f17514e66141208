//! # flags_async: flags_asyncio.py in Rust, one thread and many futures
//!
//! Mirrors Fluent Python's flags_asyncio.py (Example 20-4): one HTTP client,
//! a future per country code, all of them in flight at once on a single
//! thread, like asyncio's event loop. A future waiting for the network costs
//! a few hundred bytes, not a thread, so 20 flags take about one request time.
//!
//! ```text
//! $ cargo run -p flags_async
//! SIMULATED site: http://127.0.0.1:42277/flags (built in, 0.36 s a request)
//! RU NG EG ID BD JP DE MX FR BR TR CD IR ET PK CN VN US IN PH
//! 20 downloads in 0.40s
//! ```
//!
//! Compare it with flags_seq's `main.rs`: `async fn`s `.await` the network,
//! and `download_many` starts an event loop where `supervisor` runs them all.

use std::process::ExitCode;

use flags_common::with_reqwest::Client;
use flags_common::{DownloadStatus, Plan, Progress, Result, save_flag, until_interrupted};
use futures::{StreamExt, stream};

/// flags2's constants: all at once, like asyncio.gather, up to 1000.
const DEFAULT_CONCUR_REQ: usize = 1000;
const MAX_CONCUR_REQ: usize = 1000;

/// flags_asyncio.py's `get_flag`: GET the flag, fail unless the answer is a GIF.
async fn get_flag(client: &Client, base_url: &str, cc: &str) -> Result<Vec<u8>> {
    let cc = cc.to_lowercase();
    client.get(&format!("{base_url}/{cc}/{cc}.gif")).await?.gif()
}

/// Downloads and saves one flag, and shows how it went.
async fn download_one(
    client: &Client, cc: &str, plan: &Plan, progress: &Progress,
) -> DownloadStatus {
    // A closure cannot `.await`, so no `and_then` here: a `match` instead.
    let saved = match get_flag(client, &plan.base_url, cc).await {
        Ok(image) => save_flag_off_loop(image, format!("{cc}.gif")).await,
        Err(err) => Err(err),
    };
    progress.show(cc, DownloadStatus::from(saved))
}

/// Saves on another thread: a blocking write would stall the event loop.
async fn save_flag_off_loop(image: Vec<u8>, filename: String) -> Result<()> {
    // asyncio.to_thread; tokio's own, spawn_blocking, panics if refused a thread.
    flags_common::to_thread(move || save_flag(&image, &filename)).await?
}

/// Python's `asyncio.run(supervisor(cc_list))`: an event loop on this thread
/// (tokio's current-thread runtime), and a helper thread for saves, which are quick.
fn download_many(plan: &Plan, progress: &Progress) -> Result<Vec<DownloadStatus>> {
    let event_loop = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
    event_loop.block_on(supervisor(plan, progress))
}

/// Python's `asyncio.gather(*to_do)`, bounded: at most `concur_req` futures run
/// at once, sharing one client. Lazy, they send nothing until polled.
async fn supervisor(plan: &Plan, progress: &Progress) -> Result<Vec<DownloadStatus>> {
    let client = Client::new(&plan.client)?;
    let to_do =
        until_interrupted(&plan.cc_list).map(|cc| download_one(&client, cc, plan, progress));
    Ok(stream::iter(to_do).buffer_unordered(plan.concur_req).collect().await)
}

fn main() -> ExitCode {
    flags_common::main::<Client>(download_many, DEFAULT_CONCUR_REQ, MAX_CONCUR_REQ)
}
