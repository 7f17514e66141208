//! `flags_compare costs N,N.. --json`: the costs as one JSON object, on one
//! line of stdout.
//!
//! A series per kind, each with its points from N = 0 up, then the sizes
//! of two futures (bytes; per unit figures are bytes too, and may be a
//! little below 0 where nothing grew). From a real run, spaced out and
//! broken into lines here:
//!
//! ```json
//! {"kinds": [{"kind": "threads", "what": "a std thread, started and parked, ...",
//!             "points": [{"n": 0, "peak_rss_bytes": 3387392, "measured_by": "VmHWM",
//!                         "anon_rss_bytes": 299008, "per_unit_bytes": null,
//!                         "requests": null, "connections": null, "alive": 0,
//!                         "start_secs": 0.000002, "start_per_unit_ns": null,
//!                         "refused": null}, ...,
//!                        {"n": 100000, ..., "alive": 16350, "start_secs": 1.86, ...,
//!                         "refused": {"by": "probe", "reason": "...",
//!                                     "limit": "vm.max_map_count = 65530, ..."}}],
//!             "last_step": {"from": 1, "to": 100, "per_unit_bytes": 10444.8},
//!             "per_unit_of": "anon_rss", "skipped": [], "skipped_because": null},
//!            {"kind": "futures", ...}, {"kind": "ureq", ...}, {"kind": "reqwest", ...}],
//!  "waiting_future_bytes": 88, "get_future_bytes": 792}
//! ```

use serde::Serialize;

use super::held::Refusal;
use super::{Costs, Series};
use crate::json::{round, to_text};

/// What `flags_compare costs N,N.. --json` prints.
#[derive(Serialize)]
pub struct CostsJson {
    /// threads, futures, ureq, reqwest.
    pub kinds: Vec<KindJson>,
    /// `size_of_val` of one waiting future of the futures probe.
    pub waiting_future_bytes: usize,
    /// The size of flags_common's `with_reqwest::Client::get` future.
    pub get_future_bytes: usize,
}

/// One kind's probes.
#[derive(Serialize)]
pub struct KindJson {
    pub kind: &'static str,
    pub what: &'static str,
    /// N = 0 first, then each N asked, in order.
    pub points: Vec<PointJson>,
    /// Per unit between the two largest N; `null` with one N only.
    pub last_step: Option<StepJson>,
    /// What the per unit figures divide: `anon_rss` (where every probe
    /// could tell it), else `peak_rss`.
    pub per_unit_of: &'static str,
    /// The counts asked that this kind was not probed at, and why.
    pub skipped: Vec<u32>,
    pub skipped_because: Option<&'static str>,
}

/// N of a kind, alive at once, in a process of their own.
#[derive(Serialize)]
pub struct PointJson {
    pub n: u32,
    /// The probe's peak resident memory, in bytes; `null` where the system
    /// can't tell.
    pub peak_rss_bytes: Option<u64>,
    /// `VmHWM` (the probe's own, Linux) or `wait4` (flags_compare's reading).
    pub measured_by: Option<&'static str>,
    /// Its anonymous memory (heap, stacks) with all N alive, in bytes;
    /// `null` where the system can't tell.
    pub anon_rss_bytes: Option<u64>,
    /// (anon at N - anon at 0) / N, or the same of the peaks (see
    /// `per_unit_of`); `null` at N = 0.
    pub per_unit_bytes: Option<f64>,
    /// The GETs the site saw, and the connections they came on: 2N on N
    /// (each connection kept alive, used twice); `null` for threads and
    /// futures.
    pub requests: Option<usize>,
    pub connections: Option<usize>,
    /// How many were alive: N, unless the system stopped them. The per
    /// unit figures divide by it.
    pub alive: u32,
    /// From the first spawn until all were waiting (threads, futures), and
    /// that over `alive`, in nanoseconds.
    pub start_secs: Option<f64>,
    pub start_per_unit_ns: Option<u128>,
    /// Why no more than `alive` started.
    pub refused: Option<Refusal>,
}

/// Per unit from one N to the next.
#[derive(Serialize)]
pub struct StepJson {
    pub from: u32,
    pub to: u32,
    pub per_unit_bytes: f64,
}

/// The costs as JSON text.
pub fn render(costs: &Costs) -> String {
    let kind = |series: &Series| KindJson {
        kind: series.kind.name(),
        what: series.kind.what(),
        points: series
            .points
            .iter()
            .map(|point| PointJson {
                n: point.n,
                peak_rss_bytes: point.peak.map(|peak| peak.bytes),
                measured_by: point.peak.map(|peak| peak.by),
                anon_rss_bytes: point.anon,
                per_unit_bytes: series.per_unit(point).map(|bytes| round(bytes, 1)),
                requests: point.requests,
                connections: point.connections,
                alive: point.alive,
                start_secs: point.start.map(|start| start.as_secs_f64()),
                start_per_unit_ns: point.start_per_unit().map(|each| each.as_nanos()),
                refused: point.refused.clone(),
            })
            .collect(),
        last_step: series.last_step().map(|(from, to, bytes)| StepJson {
            from,
            to,
            per_unit_bytes: round(bytes, 1),
        }),
        per_unit_of: if series.by_anon() { "anon_rss" } else { "peak_rss" },
        skipped: series.skipped.clone(),
        skipped_because: (!series.skipped.is_empty()).then(|| series.kind.why_no_more()).flatten(),
    };
    to_text(&CostsJson {
        kinds: costs.series.iter().map(kind).collect(),
        waiting_future_bytes: costs.waiting_future_bytes,
        get_future_bytes: costs.get_future_bytes,
    })
}
