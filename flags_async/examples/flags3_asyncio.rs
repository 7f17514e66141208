//! # flags3_asyncio: flags3_asyncio.py in Rust
//!
//! Two requests per country code, as futures on one thread: the flag, then
//! its `metadata.json`, whose `country` names the saved file (`Brazil.gif`,
//! `United_States_of_America.gif`). `diff` it with flags_threadpool's
//! `examples/flags3_threadpool.rs`: again, only the concurrency model differs.
//!
//! ```text
//! $ cargo run -p flags_async --example flags3_asyncio
//! SIMULATED site: http://127.0.0.1:45349/flags (built in, 0.36 s a request)
//! BR CD CN DE BD ET IN FR EG ID IR JP MX PH NG PK RU TR US VN
//! 20 downloads in 2.94s
//! $ ls downloaded
//! Bangladesh.gif
//! Brazil.gif
//! China.gif
//! Congo_(Kinshasa).gif
//! ...
//! ```
//!
//! 40 requests, 5 at a time (the default, as in the book): 8 rounds of 0.36 s.
//!
//! A name that comes from the network is not a path: `save_flag` refuses
//! `../../.bashrc` or `/etc/passwd` as a file name, and that code is an error.

use std::process::ExitCode;

use flags_common::with_reqwest::Client;
use flags_common::{DownloadStatus, Plan, Progress, Result, save_flag, until_interrupted};
use futures::{StreamExt, stream};
use serde::Deserialize;
use tokio::sync::Semaphore;

/// flags3_asyncio.py's constants: 5 requests at once by default, to spare
/// the book's real site, and 1000 at most.
const DEFAULT_CONCUR_REQ: usize = 5;
const MAX_CONCUR_REQ: usize = 1000;

/// What flags3 reads of a code's `metadata.json`.
#[derive(Deserialize)]
struct Metadata {
    country: String,
}

/// flags_asyncio.py's `get_flag`: GET the flag, fail unless the answer is a GIF.
async fn get_flag(client: &Client, base_url: &str, cc: &str) -> Result<Vec<u8>> {
    let cc = cc.to_lowercase();
    client.get(&format!("{base_url}/{cc}/{cc}.gif")).await?.gif()
}

/// flags3's `get_country`: the country's name, from the code's metadata.
async fn get_country(client: &Client, base_url: &str, cc: &str) -> Result<String> {
    let cc = cc.to_lowercase();
    let metadata: Metadata = client.get(&format!("{base_url}/{cc}/metadata.json")).await?.json()?;
    Ok(metadata.country)
}

/// The flag, then the country's name, each request holding a permit of the
/// semaphore (the book's `async with semaphore:`), then the save, off the
/// event loop, holding none. (`acquire` fails only on a closed semaphore,
/// and this one is never closed: the `Result` just holds the permit.)
async fn get_and_save(client: &Client, cc: &str, plan: &Plan, semaphore: &Semaphore) -> Result<()> {
    let image = {
        let _permit = semaphore.acquire().await;
        get_flag(client, &plan.base_url, cc).await?
    };
    let country = {
        let _permit = semaphore.acquire().await;
        get_country(client, &plan.base_url, cc).await?
    };
    let filename = format!("{}.gif", country.replace(' ', "_"));
    flags_common::to_thread(move || save_flag(&image, &filename)).await?
}

async fn download_one(
    client: &Client, cc: &str, plan: &Plan, semaphore: &Semaphore, progress: &Progress,
) -> DownloadStatus {
    let saved = get_and_save(client, cc, plan, semaphore).await;
    progress.show(cc, DownloadStatus::from(saved))
}

fn download_many(plan: &Plan, progress: &Progress) -> Result<Vec<DownloadStatus>> {
    let event_loop = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
    event_loop.block_on(supervisor(plan, progress))
}

/// The semaphore, not `buffer_unordered`, bounds the requests in flight to
/// `concur_req`. flags_async's `buffer_unordered(concur_req)` holds a slot
/// from a code's request to its saved file; a permit is held only during a
/// request, so while one code waits between its two requests or saves its
/// flag, another code's request goes out. The book starts every code at
/// once; here twice `concur_req` codes are under way at most, which keeps the
/// semaphore busy, and leaves the rest in the list, where Ctrl-C stops them.
async fn supervisor(plan: &Plan, progress: &Progress) -> Result<Vec<DownloadStatus>> {
    let client = Client::new(&plan.client)?;
    let semaphore = Semaphore::new(plan.concur_req);
    let to_do = until_interrupted(&plan.cc_list)
        .map(|cc| download_one(&client, cc, plan, &semaphore, progress));
    Ok(stream::iter(to_do).buffer_unordered(2 * plan.concur_req).collect().await)
}

fn main() -> ExitCode {
    flags_common::main::<Client>(download_many, DEFAULT_CONCUR_REQ, MAX_CONCUR_REQ)
}
