//! `--json`: every figure as one JSON object, on one line of stdout.
//!
//! A comparison has the table's figures, each program's timeline summed
//! up, and, with `--svg`, the chart's points (the fields are documented on
//! the types below; times are in seconds, memory in bytes). From real
//! runs, spaced out and broken into lines here:
//!
//! ```json
//! {"workload": {"flags": 20, "latency_s": 0.36, "runs": 3, "program_args": [],
//!               "faults": [], "timeout_s": null},
//!  "results": [{"program": "flags_seq", "model": "sequential", "concurrency": 1,
//!               "median_s": 7.2435, "min_s": 7.2201, "max_s": 7.2688,
//!               "speedup": 1.0, "ideal_s": 7.2, "ratio": 1.006,
//!               "peak_rss_bytes": 5087232,
//!               "downloaded": 20, "not_found": 0, "errors": 0, "error_reasons": {},
//!               "timeline": {"run": 1, "requests": 20, "connections": 1,
//!                            "max_in_flight": 1, "span_s": 7.2339,
//!                            "outcomes": {"error_status": 0, "fault": 0,
//!                                         "not_found": 0, "ok": 20}}},
//!              ...],
//!  "chart": [{"program": "flags_seq", "flags": 20, "median_s": 7.2336,
//!             "ideal_s": 7.2, "scaled": false}, ...]}
//! ```
//!
//! A sweep (`--sweep 1,10`) has the same results, two per `-m` (the thread
//! pool's, then the async program's), with no speedup (there is no
//! sequential run to compare with):
//!
//! ```json
//! {"workload": {...}, "sweep": [{"max_req": 1, "results": [{...}, {...}]}, ...]}
//! ```
//!
//! Costs (`--costs 1,100`) have a series per kind, each with its points
//! from N = 0 up, then the sizes of two futures (bytes; per unit figures
//! are bytes too, and may be a little below 0 where nothing grew):
//!
//! ```json
//! {"kinds": [{"kind": "threads", "what": "a std thread, started and parked, ...",
//!             "points": [{"n": 0, "peak_rss_bytes": 3387392, "measured_by": "VmHWM",
//!                         "anon_rss_bytes": 299008, "per_unit_bytes": null,
//!                         "requests": null, "connections": null}, ...],
//!             "last_step": {"from": 1, "to": 100, "per_unit_bytes": 10444.8},
//!             "per_unit_of": "anon_rss"},
//!            {"kind": "futures", ...}, {"kind": "ureq", ...}, {"kind": "reqwest", ...}],
//!  "waiting_future_bytes": 88, "get_future_bytes": 792}
//! ```

use std::collections::BTreeMap;

use serde::Serialize;

use crate::chart::Series;
use crate::cli::{Args, Workload};
use crate::costs::{self, Costs};
use crate::report::Row;
use crate::timeline::{Outcome, Timeline};

/// What `flags_compare --json` prints.
#[derive(Serialize)]
pub struct Comparison {
    pub workload: WorkloadJson,
    /// One per program: flags_seq, flags_threadpool, flags_async.
    pub results: Vec<ProgramResult>,
    /// With `--svg`: each program at 20, 194 and 676 flags; else empty.
    pub chart: Vec<ChartPoint>,
}

/// What `flags_compare --sweep M,M.. --json` prints.
#[derive(Serialize)]
pub struct Sweep {
    pub workload: WorkloadJson,
    pub sweep: Vec<SweepStep>,
}

/// What `flags_compare --costs N,N.. --json` prints.
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
}

/// Per unit from one N to the next.
#[derive(Serialize)]
pub struct StepJson {
    pub from: u32,
    pub to: u32,
    pub per_unit_bytes: f64,
}

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
}

/// A program's runs on the workload: the table's row, and more.
#[derive(Serialize)]
pub struct ProgramResult {
    pub program: &'static str,
    /// `sequential`, `threads` or `async`.
    pub model: &'static str,
    /// The requests it had in flight at once, as it reported.
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

/// A point of the growth chart.
#[derive(Serialize)]
pub struct ChartPoint {
    pub program: &'static str,
    pub flags: usize,
    pub median_s: f64,
    pub ideal_s: f64,
    /// Measured at a lower latency and scaled (see `growth.rs`).
    pub scaled: bool,
}

/// The runs at one `-m` of a sweep.
#[derive(Serialize)]
pub struct SweepStep {
    pub max_req: u32,
    /// The thread pool's, then the async program's.
    pub results: Vec<ProgramResult>,
}

/// The comparison as JSON text.
pub fn comparison(
    args: &Args, rows: &[Row], timelines: &[Timeline], chart: Option<&[Series]>,
) -> String {
    let baseline = rows.first().map(|row| row.median);
    let results = rows.iter().zip(timelines);
    let points = chart.unwrap_or_default().iter().flat_map(|series| {
        series.points.iter().map(|point| ChartPoint {
            program: series.program.name,
            flags: point.flags,
            median_s: round(point.secs, 4),
            ideal_s: round(point.ideal, 4),
            scaled: point.scaled,
        })
    });
    let comparison = Comparison {
        workload: workload(args, rows.first()),
        results: results.map(|(row, timeline)| result(row, timeline, baseline)).collect(),
        chart: points.collect(),
    };
    to_text(&comparison)
}

/// A sweep as JSON text: each `-m`, with its rows and timelines.
pub fn sweep(args: &Args, steps: &[(u32, Vec<(Row, Timeline)>)]) -> String {
    let first = steps.first().and_then(|(_, runs)| runs.first()).map(|(row, _)| row);
    let step = |(max_req, runs): &(u32, Vec<(Row, Timeline)>)| SweepStep {
        max_req: *max_req,
        results: runs.iter().map(|(row, timeline)| result(row, timeline, None)).collect(),
    };
    to_text(&Sweep { workload: workload(args, first), sweep: steps.iter().map(step).collect() })
}

/// The costs as JSON text.
pub fn costs(costs: &Costs) -> String {
    let kind = |series: &costs::Series| KindJson {
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
            })
            .collect(),
        last_step: series.last_step().map(|(from, to, bytes)| StepJson {
            from,
            to,
            per_unit_bytes: round(bytes, 1),
        }),
        per_unit_of: if series.by_anon() { "anon_rss" } else { "peak_rss" },
    };
    to_text(&CostsJson {
        kinds: costs.series.iter().map(kind).collect(),
        waiting_future_bytes: costs.waiting_future_bytes,
        get_future_bytes: costs.get_future_bytes,
    })
}

/// The workload, with the number of flags that a run (`row`) reported.
fn workload(args: &Args, row: Option<&Row>) -> WorkloadJson {
    WorkloadJson {
        flags: row.map_or(0, |row| row.flags),
        latency_s: args.latency,
        runs: args.runs,
        program_args: Workload::from(args).args(),
        faults: args.faults.clone(),
        timeout_s: args.timeout,
    }
}

fn result(row: &Row, timeline: &Timeline, baseline: Option<f64>) -> ProgramResult {
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
        connections: timeline.lanes,
        max_in_flight: timeline.max_in_flight(),
        span_s: round(timeline.span(), 4),
        outcomes: Outcome::ALL
            .iter()
            .map(|&outcome| (key(outcome), timeline.count(outcome)))
            .collect(),
    }
}

/// Seconds to a tenth of a millisecond are finer than the runs agree on.
fn round(value: f64, decimals: i32) -> f64 {
    let scale = 10f64.powi(decimals);
    (value * scale).round() / scale
}

fn to_text(value: &impl Serialize) -> String {
    // Plain structs of strings and numbers always serialize.
    serde_json::to_string(value).unwrap_or_default()
}
