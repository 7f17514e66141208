//! The `reqwest` probe: N kept-alive connections configured as
//! flags_async's client.
//!
//! One client sends N GETs of one small flag at once, as flags_async does
//! with `-m N`: N futures in `buffer_unordered`, on the same current-thread
//! runtime. The site holds each GET a quarter second, so none finds an idle
//! connection: hyper opens one each (the site counts them). Once all are
//! answered, the client's pool holds the N connections, idle, each with
//! hyper's buffers, its request channel, its connection task: what a
//! reqwest connection costs. (The peak could have come while the N were in
//! flight, with reqwest's futures too. It does not: measured then, on
//! Linux, `VmRSS` equals `VmHWM`; nothing the requests needed was given back.)
//!
//! flags_common's `with_reqwest::Client` cannot be built here: it takes a
//! `Plan`, which only flags_common makes. So the client is built as it
//! builds its own, by hand (keep them in step). It also holds a second
//! client, with no pool, that opens no connection unless a request fails.

use std::time::Duration;

use futures::{StreamExt, stream};
use reqwest::redirect::Policy;

use super::flag_url;
use super::waiting::runtime;
use crate::memory::{self, Own};

/// Loopback answers at once; a site that takes this long is stuck.
const TIMEOUT: Duration = Duration::from_secs(10);

/// Sends `n` GETs at once on one client, then reads this process's memory
/// while its pool holds their connections. Then sends `n` more at once: the
/// site sees whether those went on the same connections, kept alive.
pub fn hold(n: usize, base_url: &str) -> Result<Own, String> {
    let url = flag_url(base_url);
    runtime()?.block_on(async {
        let client = client()?;
        let all_at_once = || {
            let gets = stream::iter(0..n).map(|_| get(&client, &url)).buffer_unordered(n.max(1));
            gets.collect::<Vec<_>>()
        };
        all_at_once().await.into_iter().collect::<Result<(), String>>()?;
        let own = memory::own();
        all_at_once().await.into_iter().collect::<Result<(), String>>()?;
        Ok(own)
    })
}

/// A client built as flags_common's `with_reqwest::Client::new` builds its
/// own, for a site on this machine.
fn client() -> Result<reqwest::Client, String> {
    // The crypto library that flags_common installs; plain HTTP uses none,
    // but reqwest wants one to build a client.
    let _ = rustls::crypto::ring::default_provider().install_default();
    let builder = reqwest::Client::builder().timeout(TIMEOUT).redirect(Policy::none());
    let builder = builder.pool_max_idle_per_host(usize::MAX).no_proxy();
    builder.build().map_err(|err| format!("cannot build a reqwest client: {err}"))
}

/// One GET, its body read as flags_common reads it (chunk by chunk) and
/// dropped: the flags themselves are not what is weighed.
async fn get(client: &reqwest::Client, url: &str) -> Result<(), String> {
    let failed = |err: reqwest::Error| format!("GET {url}: {err}");
    let mut answer = client.get(url).send().await.map_err(failed)?;
    if answer.status() != reqwest::StatusCode::OK {
        return Err(format!("GET {url}: status {}", answer.status()));
    }
    while answer.chunk().await.map_err(failed)?.is_some() {}
    Ok(())
}

/// The size of flags_common's `with_reqwest::Client::get` future, which
/// flags_async's `download_one` awaits (through its `get_flag`) and holds
/// inside its own future; known from its type, with no client to call.
/// `download_one` itself lives in flags_async's binary, which no other
/// crate can import: its size is not measured.
pub fn get_future_bytes() -> usize {
    use flags_common::with_reqwest::Client;
    /// The size of what `get` returns: the future's type, at one lifetime.
    fn size_of_future<'a, Get, Fut>(_: Get) -> usize
    where
        Get: FnOnce(&'a Client, &'a str) -> Fut,
    {
        std::mem::size_of::<Fut>()
    }
    size_of_future(Client::get)
}
