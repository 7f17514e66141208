//! # flags_async: flags_asyncio.py in Rust, one thread and many futures
//!
//! Mirrors Fluent Python's flags_asyncio.py (Example 20-4): one HTTP client,
//! a future per country code, all of them in flight at once on a single
//! thread, like asyncio's event loop. A future waiting for the network costs
//! a few hundred bytes, not a thread, so 20 flags take about one request time.
//!
//! ```text
//! $ cargo run -p flags_async
//! Using the built-in SIMULATED site at http://127.0.0.1:35115/flags (0.36 s a request, like the book's internet); -s picks another.
//! TR PK DE BR PH RU IR VN BD MX ID CD CN JP FR US ET NG EG IN
//! 20 downloads in 0.38s
//! ```
//!
//! Compare it with flags_seq's `main.rs`: `get_flag` and `download_one` are
//! `async fn`s that `.await` the network, and `download_many` starts an event
//! loop, where `supervisor` runs the downloads together.

use std::process::ExitCode;

use flags_common::{
    Counter, MAX_CONCUR_REQ, Outcome, Plan, Result, check_size, check_status, save_flag,
};
use futures::{StreamExt, stream};
use reqwest::Client;

/// GETs one flag: read the answer, then fail unless it is 2xx, like httpx's
/// `raise_for_status()`. reqwest has no body limit, unlike ureq, so read it
/// chunk by chunk and check its size against a runaway body.
async fn get_flag(client: &Client, url: &str) -> Result<Vec<u8>> {
    let mut resp = client.get(url).send().await?;
    let mut image = Vec::new();
    while let Some(chunk) = resp.chunk().await? {
        image.extend_from_slice(&chunk);
        check_size(image.len())?;
    }
    check_status(resp.status().as_u16())?;
    Ok(image)
}

/// Downloads and saves one flag, and reports how it went.
async fn download_one(client: &Client, cc: &str, plan: &Plan) -> Outcome {
    let saved = match get_flag(client, &plan.url(cc)).await {
        Ok(image) => save_flag_off_loop(image, format!("{cc}.gif")).await,
        Err(err) => Err(err),
    };
    plan.report(cc, saved)
}

/// Writing a file blocks, and a blocked event loop stalls every download, so
/// the save runs on tokio's threads for blocking work (flags2_asyncio's
/// `asyncio.to_thread(save_flag, ...)`).
async fn save_flag_off_loop(image: Vec<u8>, filename: String) -> Result<()> {
    tokio::task::spawn_blocking(move || save_flag(&image, &filename)).await?
}

/// Python's `asyncio.run(supervisor(cc_list))`: start an event loop on this
/// one thread (tokio's current-thread runtime) and run `supervisor` on it.
fn download_many(plan: &Plan) -> Result<Counter> {
    let event_loop = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
    event_loop.block_on(supervisor(plan))
}

/// Python's `asyncio.gather(*to_do)`, with a bound: a future per code, at
/// most `plan.concurrency` of them running at once. Futures are lazy: nothing
/// is sent until `buffer_unordered` polls them.
async fn supervisor(plan: &Plan) -> Result<Counter> {
    let client = new_client(plan)?;
    let to_do = stream::iter(plan.cc_list()).map(|cc| download_one(&client, cc, plan));
    Ok(to_do.buffer_unordered(plan.concurrency).collect().await)
}

/// One `Client` for the whole run, shared by all the futures: it keeps a pool
/// of connections alive, where a new client per request would reconnect.
fn new_client(plan: &Plan) -> Result<Client> {
    // reqwest and ureq share one crypto library, ring; see Cargo.toml.
    let _ = rustls::crypto::ring::default_provider().install_default();
    Ok(Client::builder().timeout(plan.timeout).build()?)
}

fn main() -> ExitCode {
    // All at once, like asyncio.gather, up to 1000 requests.
    flags_common::main(download_many, MAX_CONCUR_REQ, MAX_CONCUR_REQ)
}
