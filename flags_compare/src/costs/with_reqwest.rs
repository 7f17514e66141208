//! The `reqwest` probe: N kept-alive connections of flags_async's client.
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
//! The client is flags_common's own `with_reqwest::Client`, built from
//! settings as flags_async builds its one at `-m N`: a pool of N idle
//! connections. It also holds a second client, with no pool, built only if
//! a request fails.

use flags_common::with_reqwest::Client;
use futures::{StreamExt, stream};

use super::waiting::runtime;
use super::{client_settings, flag_url};
use crate::memory::{self, Own};

/// Sends `n` GETs at once on one client, then reads this process's memory
/// while its pool holds their connections. Then sends `n` more at once: the
/// site sees whether those went on the same connections, kept alive.
pub fn hold(n: usize, base_url: &str) -> Result<Own, String> {
    let url = flag_url(base_url);
    // As flags_async's at -m N: a pool that keeps N idle connections.
    let settings = client_settings(base_url, n);
    runtime()?.block_on(async {
        let client =
            Client::new(&settings).map_err(|err| format!("cannot build a client: {err}"))?;
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

/// One GET, its body read whole as flags_async reads a flag, and dropped:
/// the flags themselves are not what is weighed.
async fn get(client: &Client, url: &str) -> Result<(), String> {
    client.get(url).await.map(drop).map_err(|err| format!("GET {url}: {err}"))
}

/// The size of flags_common's `with_reqwest::Client::get` future, which
/// flags_async's `download_one` awaits (through its `get_flag`) and holds
/// inside its own future; known from its type, with no client to call.
/// `download_one` itself lives in flags_async's binary, which no other
/// crate can import: its size is not measured.
pub fn get_future_bytes() -> usize {
    /// The size of what `get` returns: the future's type, at one lifetime.
    fn size_of_future<'a, Get, Fut>(_: Get) -> usize
    where
        Get: FnOnce(&'a Client, &'a str) -> Fut,
    {
        std::mem::size_of::<Fut>()
    }
    size_of_future(Client::get)
}
