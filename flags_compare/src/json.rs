//! `--json`: a mode's figures as one JSON object, on one line of stdout.
//!
//! Each mode owns its shape, beside its code: the comparison's in
//! `compare.rs`, `sweep`'s in `sweep.rs`, `costs`' in `costs/json.rs`. The
//! comparison and `sweep` share the pieces here: the workload, and a
//! program's results with its timeline summed up (the fields are documented
//! on the types below; times are in seconds, memory in bytes). From real
//! runs, spaced out and broken into lines here:
//!
//! ```json
//! {"workload": {"flags": 20, "latency_s": 0.36, "runs": 3, "program_args": [],
//!               "faults": [], "timeout_s": null, "max_streams": 1000},
//!  "results": [{"program": "flags_seq", "model": "sequential", "concurrency": 1,
//!               "median_s": 7.2435, "min_s": 7.2201, "max_s": 7.2688,
//!               "speedup": 1.0, "ideal_s": 7.2, "ratio": 1.006,
//!               "peak_rss_bytes": 5087232,
//!               "downloaded": 20, "not_found": 0, "errors": 0, "error_reasons": {},
//!               "timeline": {"run": 1, "requests": 20, "connections": 1,
//!                            "max_in_flight": 1, "span_s": 7.2339,
//!                            "outcomes": {"error_status": 0, "fault": 0,
//!                                         "not_found": 0, "ok": 20}}},
//!              ...], ...}
//! ```

use std::collections::BTreeMap;

use serde::Serialize;

use crate::report::Row;
use crate::timeline::{Outcome, Timeline};
use crate::workload::{Workload, WorkloadArgs};

/// What the programs were asked to do, and on what site.
#[derive(Serialize)]
pub struct WorkloadJson {
    /// How many codes each run was to download.
    pub flags: usize,
    /// The site's latency per request.
    pub latency_s: f64,
    /// Runs of each program.
    pub runs: u32,
    /// The programs' arguments besides `--json -s URL`: `["-l", "5"]`.
    pub program_args: Vec<String>,
    /// The site's `--fault` arguments: `["BR=hang"]`.
    pub faults: Vec<String>,
    /// The programs' `--timeout`; `null` for their default, 6.1 s.
    pub timeout_s: Option<f64>,
    /// The HTTP/2 streams the site allowed open at once on a connection.
    pub max_streams: u32,
}

/// A program's runs on the workload: the table's row, and more.
#[derive(Serialize)]
pub struct ProgramResult {
    pub program: &'static str,
    /// `sequential`, `threads`, `async` or `HTTP/2` (flags_async --http2).
    pub model: &'static str,
    /// The requests it had in flight at once, as it reported (over HTTP/2,
    /// no more than the site's streams at once).
    pub concurrency: usize,
    /// Wall time from start to exit: the median of the runs, and the range.
    pub median_s: f64,
    pub min_s: f64,
    pub max_s: f64,
    /// How many times faster than flags_seq's median; `null` in a sweep.
    pub speedup: Option<f64>,
    /// ceil(flags / concurrency) x latency.
    pub ideal_s: f64,
    /// median / ideal; `null` without latency.
    pub ratio: Option<f64>,
    /// The largest peak resident memory (ru_maxrss) of the runs, in bytes;
    /// `null` where the system can't tell.
    pub peak_rss_bytes: Option<u64>,
    /// What the median run's report counted.
    pub downloaded: usize,
    pub not_found: usize,
    pub errors: usize,
    /// Each error's reason, and how many codes ended with it.
    pub error_reasons: BTreeMap<String, usize>,
    /// What the site recorded of the median run.
    pub timeline: TimelineSummary,
}

/// The timeline of a run, summed up.
#[derive(Serialize)]
pub struct TimelineSummary {
    /// Which run it is, from 1.
    pub run: usize,
    /// Requests the site received, and the connections they came on.
    pub requests: usize,
    pub connections: usize,
    /// The most requests the site handled at once.
    pub max_in_flight: usize,
    /// From the first request's arrival to the last one's end.
    pub span_s: f64,
    /// Requests by outcome: `ok` (2xx), `not_found` (404), `error_status`
    /// (any other status), `fault` (no answer, or a broken one).
    pub outcomes: BTreeMap<&'static str, usize>,
}

/// The workload, with the programs' arguments (`workload`) and the number
/// of flags that a run (`row`) reported.
pub fn workload(args: &WorkloadArgs, workload: &Workload, row: Option<&Row>) -> WorkloadJson {
    WorkloadJson {
        flags: row.map_or(0, |row| row.flags),
        latency_s: args.latency,
        runs: args.runs,
        program_args: workload.args(),
        faults: args.faults.clone(),
        timeout_s: args.timeout,
        max_streams: args.max_streams,
    }
}

/// A program's runs; its speedup over `baseline` seconds, if there is one.
pub fn result(row: &Row, timeline: &Timeline, baseline: Option<f64>) -> ProgramResult {
    ProgramResult {
        program: row.program.name,
        model: row.program.model,
        concurrency: row.concurrency,
        median_s: round(row.median, 4),
        min_s: round(row.min, 4),
        max_s: round(row.max, 4),
        speedup: baseline.map(|baseline| round(row.speedup(baseline), 3)),
        ideal_s: round(row.ideal, 4),
        ratio: row.ratio().map(|ratio| round(ratio, 3)),
        peak_rss_bytes: row.peak_rss_bytes,
        downloaded: row.downloaded,
        not_found: row.not_found,
        errors: row.errors,
        error_reasons: row.error_reasons.clone(),
        timeline: summary(timeline),
    }
}

fn summary(timeline: &Timeline) -> TimelineSummary {
    let key = |outcome| match outcome {
        Outcome::Ok => "ok",
        Outcome::NotFound => "not_found",
        Outcome::ErrorStatus => "error_status",
        Outcome::Fault => "fault",
    };
    TimelineSummary {
        run: timeline.run + 1,
        requests: timeline.bars.len(),
        connections: timeline.connections,
        max_in_flight: timeline.max_in_flight(),
        span_s: round(timeline.span(), 4),
        outcomes: Outcome::ALL
            .iter()
            .map(|&outcome| (key(outcome), timeline.count(outcome)))
            .collect(),
    }
}

/// Seconds to a tenth of a millisecond are finer than the runs agree on.
pub fn round(value: f64, decimals: i32) -> f64 {
    let scale = 10f64.powi(decimals);
    (value * scale).round() / scale
}

/// One line of JSON.
pub fn to_text(value: &impl Serialize) -> String {
    // Plain structs of strings and numbers always serialize.
    serde_json::to_string(value).unwrap_or_default()
}
