//! The `ureq` probe: N kept-alive connections configured as
//! flags_threadpool's client, without N threads.
//!
//! flags_threadpool shares one client among its threads, and its pool keeps
//! a connection per thread. One thread cannot have N requests in flight
//! with ureq, which blocks; so here N agents, each GET one small flag, one
//! after another, and each keeps its connection in its pool. All N are then
//! alive at once: what a ureq connection costs, its buffers and its
//! socket's user-space state.
//!
//! flags_common's `with_ureq::Client` cannot be built here: it takes a
//! `Plan`, which only flags_common makes. So the agents are set up as it
//! sets its own up, by hand (keep them in step): the same buffers, 8 KiB in
//! and 4 KiB out, a connection kept per agent. What differs weighs a few
//! dozen bytes a connection, if anything: each agent has a pool and a
//! configuration of its own where the program shares one; flags_common
//! wraps each connection to notice a stale one; and it looks up IP
//! addresses itself, where these agents have no overall timeout, so that
//! ureq looks them up without a thread (see `agent`).

use std::time::Duration;

use ureq::Agent;

use super::flag_url;
use crate::memory::{self, Own};

/// Loopback answers at once; a site that takes this long is stuck.
const TIMEOUT: Duration = Duration::from_secs(10);

/// GETs a flag with each of `n` agents, keeps them, reads this process's
/// memory. Then GETs once more with each: the site sees whether those went
/// on the same connections, kept alive all along.
pub fn hold(n: usize, base_url: &str) -> Result<Own, String> {
    let url = flag_url(base_url);
    let connect = |_| get(agent(), &url);
    let agents = (0..n).map(connect).collect::<Result<Vec<Agent>, String>>()?;
    let own = memory::own();
    agents.into_iter().try_for_each(|agent| get(agent, &url).map(drop))?;
    Ok(own)
}

/// One GET of `url`, read to the end: else ureq closes the connection
/// instead of keeping it.
fn get(agent: Agent, url: &str) -> Result<Agent, String> {
    let failed = |err: ureq::Error| format!("GET {url}: {err}");
    let mut answer = agent.get(url).call().map_err(failed)?;
    if answer.status() != 200 {
        return Err(format!("GET {url}: status {}", answer.status()));
    }
    answer.body_mut().read_to_vec().map_err(failed)?;
    Ok(agent)
}

/// An agent set up as flags_common's `with_ureq::Client::new` sets its own,
/// for one connection.
fn agent() -> Agent {
    Agent::config_builder()
        .proxy(None) // the site is on this machine
        .http_status_as_error(false)
        .max_redirects(0)
        .max_idle_connections(1)
        .max_idle_connections_per_host(1)
        .input_buffer_size(8 << 10)
        .max_response_header_size(6 << 10)
        .output_buffer_size(4 << 10)
        // A timeout per step, not an overall one: with one, ureq would look
        // up even 127.0.0.1 on a thread of its own, which flags_common's
        // resolver spares its client.
        .timeout_connect(Some(TIMEOUT))
        .timeout_recv_response(Some(TIMEOUT))
        .timeout_recv_body(Some(TIMEOUT))
        .build()
        .into()
}
