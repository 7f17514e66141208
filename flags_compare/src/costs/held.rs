//! What a probe holds, and why it may hold fewer than asked: the values that
//! `probe` takes from each kind's `hold` (`threads`, `waiting`,
//! `with_ureq`, `with_reqwest`) and prints.

use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::memory::Own;

/// Why the threads probe started no more.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Refusal {
    /// `system`: the system refused the next thread, and `reason` is its
    /// `io::Error`, `Resource temporarily unavailable (os error 11)`.
    /// `probe`: the probe did not ask, as the system would have ended it
    /// instead of refusing (see `threads`), and `reason` says why.
    pub by: String,
    pub reason: String,
    /// The limit it met, where the probe can tell (see `limits`).
    pub limit: Option<String>,
}

/// What a probe held, while all were alive.
pub struct Held {
    pub own: Own,
    pub alive: usize,
    pub start: Option<Duration>,
    pub refused: Option<Refusal>,
}

impl Held {
    /// All `n` held, with no start time to tell.
    pub fn all(n: usize, own: Own) -> Held {
        Held { own, alive: n, start: None, refused: None }
    }
}
