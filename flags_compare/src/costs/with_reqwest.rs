//! The `reqwest` probe: N kept-alive connections of flags_async's client.
//!
//! One client, built by the same `with_reqwest::Client::new`, sends N GETs of
//! one small flag at once, as flags_async does with `-m N`: N futures in
//! `buffer_unordered`, on the same current-thread runtime. The site holds
//! each GET a quarter second, so none finds an idle connection: hyper opens
//! one each (the site counts them). Once all are answered, the client's
//! pool holds the N connections, idle, each with hyper's buffers, its
//! request channel, its connection task: what a reqwest connection costs.
//! (The peak could have come while the N were in flight, with reqwest's
//! futures too. It does not: measured then, on Linux, `VmRSS` equals
//! `VmHWM`; nothing the requests needed was given back.)

use flags_common::with_reqwest::Client;
use futures::{StreamExt, stream};

use super::memory::{self, Own};
use super::waiting::runtime;
use super::{flag_url, plan};

/// Sends `n` GETs at once on one client, then reads this process's memory
/// while its pool holds their connections.
pub fn hold(n: usize, base_url: &str) -> Result<Own, String> {
    let (plan, url) = (plan(base_url, n.max(1)), flag_url(base_url));
    runtime()?.block_on(async {
        let client = Client::new(&plan).map_err(|err| format!("cannot build the client: {err}"))?;
        // Each answer's body is dropped as soon as it is read: the flags
        // themselves are not what is weighed.
        let get = |_| async { client.get(&url).await.map(drop) };
        let answers: Vec<_> =
            stream::iter(0..n).map(get).buffer_unordered(n.max(1)).collect().await;
        let failed = answers.into_iter().find_map(Result::err);
        failed.map_or(Ok(()), |err| Err(format!("GET {url}: {err}")))?;
        Ok(memory::own())
    })
}

/// The size of flags_common's `with_reqwest::Client::get` future, which
/// flags_async's `download_one` awaits (through its `get_flag`) and holds
/// inside its own future. `download_one` itself lives in flags_async's
/// binary, which no other crate can import: its size is not measured.
pub fn get_future_bytes() -> Result<usize, String> {
    let client = Client::new(&plan("http://127.0.0.1:1/flags", 1));
    let client = client.map_err(|err| format!("cannot build the client: {err}"))?;
    Ok(std::mem::size_of_val(&client.get("http://127.0.0.1:1/flags/mc/mc.gif")))
}
