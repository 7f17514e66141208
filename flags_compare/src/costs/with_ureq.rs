//! The `ureq` probe: N kept-alive connections of flags_threadpool's
//! client, without N threads.
//!
//! flags_threadpool shares one client among its threads, and its pool keeps
//! a connection per thread. One thread cannot have N requests in flight
//! with ureq, which blocks; so here N clients, each built by the same
//! `with_ureq::Client::new` (same buffers: 8 KiB in, 4 KiB out), each GET
//! one small flag, one after another, and each keeps its connection in its
//! pool. All N are then alive at once: what a ureq connection costs, its
//! buffers and its socket's user-space state. (Each client has a pool and a
//! configuration of its own, where the program shares one: a few hundred
//! bytes more per connection, no more.)

use flags_common::with_ureq::Client;

use super::memory::{self, Own};
use super::{flag_url, plan};

/// GETs a flag with each of `n` clients, keeps them, reads this process's memory.
pub fn hold(n: usize, base_url: &str) -> Result<Own, String> {
    let plan = plan(base_url, 1);
    let url = flag_url(base_url);
    let connect = |_| {
        let client = Client::new(&plan);
        client.get(&url).map_err(|err| format!("GET {url}: {err}"))?;
        Ok(client)
    };
    let clients = (0..n).map(connect).collect::<Result<Vec<Client>, String>>()?;
    let own = memory::own();
    drop(clients);
    Ok(own)
}
