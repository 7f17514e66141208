//! The `ureq` probe: N kept-alive connections of flags_threadpool's client,
//! without N threads.
//!
//! flags_threadpool shares one client among its threads, and its pool keeps
//! a connection per thread. One thread cannot have N requests in flight
//! with ureq, which blocks; so here N clients, each GET one small flag, one
//! after another, and each keeps its connection in its pool. All N are then
//! alive at once: what a ureq connection costs, its buffers and its
//! socket's user-space state.
//!
//! Each is flags_common's own `with_ureq::Client`, built from settings as
//! flags_threadpool builds its one (the same buffers, resolver and
//! stale-connection guard), with one idle connection. What differs weighs
//! a few dozen bytes a connection, if anything: each client has a pool and
//! a configuration of its own where the program shares one.

use flags_common::with_ureq::Client;

use super::{client_settings, flag_url};
use crate::memory::{self, Own};

/// GETs a flag with each of `n` clients, keeps them, reads this process's
/// memory. Then GETs once more with each: the site sees whether those went
/// on the same connections, kept alive all along.
pub fn hold(n: usize, base_url: &str) -> Result<Own, String> {
    let url = flag_url(base_url);
    // One idle connection each, as flags_threadpool's pool keeps per thread.
    let settings = client_settings(base_url, 1);
    let connect = |_| get(Client::new(&settings), &url);
    let clients = (0..n).map(connect).collect::<Result<Vec<Client>, String>>()?;
    let own = memory::own();
    clients.into_iter().try_for_each(|client| get(client, &url).map(drop))?;
    Ok(own)
}

/// One GET of `url`, read to the end (as `get` always does: else ureq
/// would close the connection instead of keeping it).
fn get(client: Client, url: &str) -> Result<Client, String> {
    client.get(url).map_err(|err| format!("GET {url}: {err}"))?;
    Ok(client)
}
