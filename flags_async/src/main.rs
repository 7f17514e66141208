//! # flags_async: flags_asyncio.py in Rust, one thread and many futures
//!
//! Mirrors Fluent Python's flags_asyncio.py (Example 20-4): one HTTP client,
//! a future per country code, all of them in flight at once on a single
//! thread, like asyncio's event loop. A future waiting for the network costs
//! a few hundred bytes, not a thread, so 20 flags take about one request time.
//!
//! ```text
//! $ cargo run -p flags_async
//! SIMULATED site: http://127.0.0.1:35115/flags (built in, 0.36 s a request)
//! TR PK DE BR PH RU IR VN BD MX ID CD CN JP FR US ET NG EG IN
//! 20 downloads in 0.38s
//! ```
//!
//! Compare it with flags_seq's `main.rs`: `get_flag` and `download_one` are
//! `async fn`s that `.await` the network, and `download_many` starts an event
//! loop, where `supervisor` runs the downloads together.

use std::process::ExitCode;

use flags_common::http::{check_size, check_status};
use flags_common::{DownloadStatus, Plan, Progress, Result, save_flag, until_interrupted};
use futures::{StreamExt, stream};
use reqwest::Client;

/// flags2's constants: all at once, like asyncio.gather, up to 1000.
const DEFAULT_CONCUR_REQ: usize = 1000;
const MAX_CONCUR_REQ: usize = 1000;

/// GETs one flag, like flags_asyncio.py's `await client.get(url)`.
async fn get_flag(client: &Client, base_url: &str, cc: &str) -> Result<Vec<u8>> {
    let cc = cc.to_lowercase();
    let url = format!("{base_url}/{cc}/{cc}.gif");
    let mut resp = client.get(&url).send().await?;
    // Read the answer whole, even a 404's, so that the next request can
    // reuse the connection; reqwest has no body limit, so check as it grows.
    let mut image = Vec::new();
    while let Some(chunk) = resp.chunk().await? {
        image.extend_from_slice(&chunk);
        check_size(image.len())?;
    }
    check_status(resp.status().as_u16(), &url)?;
    Ok(image)
}

/// Downloads and saves one flag, and shows how it went.
async fn download_one(
    client: &Client,
    cc: &str,
    plan: &Plan,
    progress: &Progress,
) -> DownloadStatus {
    // A closure cannot `.await`, so no `and_then` here: a `match` instead.
    let saved = match get_flag(client, &plan.base_url, cc).await {
        Ok(image) => save_flag_off_loop(image, format!("{cc}.gif")).await,
        Err(err) => Err(err),
    };
    let status = DownloadStatus::from(saved);
    progress.show(cc, &status);
    status
}

/// Writing a file blocks, and a blocked event loop stalls every download, so
/// the save runs on tokio's threads for blocking work (flags2_asyncio's
/// `asyncio.to_thread(save_flag, ...)`).
async fn save_flag_off_loop(image: Vec<u8>, filename: String) -> Result<()> {
    tokio::task::spawn_blocking(move || save_flag(&image, &filename)).await?
}

/// Python's `asyncio.run(supervisor(cc_list))`: start an event loop on this
/// one thread (tokio's current-thread runtime) and run `supervisor` on it.
fn download_many(plan: &Plan, progress: &Progress) -> Result<Vec<DownloadStatus>> {
    let event_loop = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
    event_loop.block_on(supervisor(plan, progress))
}

/// Python's `asyncio.gather(*to_do)`, with a bound: a future per code, at
/// most `concur_req` of them running at once. Futures are lazy: nothing is
/// sent until `buffer_unordered` polls them.
async fn supervisor(plan: &Plan, progress: &Progress) -> Result<Vec<DownloadStatus>> {
    let client = new_client(plan)?;
    let to_do =
        until_interrupted(&plan.cc_list).map(|cc| download_one(&client, cc, plan, progress));
    Ok(stream::iter(to_do).buffer_unordered(plan.concur_req).collect().await)
}

/// One `Client` for the whole run, shared by all the futures: it keeps a pool
/// of connections alive, where a new client per request would reconnect.
fn new_client(plan: &Plan) -> Result<Client> {
    // reqwest and ureq share one crypto library, ring; see Cargo.toml.
    let _ = rustls::crypto::ring::default_provider().install_default();
    Ok(Client::builder().timeout(plan.timeout).build()?)
}

fn main() -> ExitCode {
    flags_common::main(download_many, DEFAULT_CONCUR_REQ, MAX_CONCUR_REQ)
}
