//! `flags_compare sweep M,M,...`: where threads and coroutines part ways.
//!
//! The book claims that threads and coroutines perform alike while the client
//! decides how many requests are in flight. The sweep tests that: the thread
//! pool and the async program on the same workload at each `-m`, their time
//! and their peak memory side by side.

use std::fmt::Write as _;
use std::path::Path;

use clap::Args;
use flags_server::console::say;
use serde::Serialize;

use crate::failure::Failure;
use crate::json::{self, ProgramResult, WorkloadJson};
use crate::programs::{ASYNC, ASYNC_HTTP2, Programs, THREADPOOL};
use crate::report::{Row, memory};
use crate::site::{SiteProcess, SiteSettings};
use crate::timeline::Timeline;
use crate::workload::{Workload, WorkloadArgs};
use crate::{measure, progress};

/// `sweep`'s own options.
#[derive(Args, Debug)]
pub struct SweepArgs {
    /// The -m values to run the thread pool and the async program at, in order
    #[arg(value_name = "M,M,..", required = true, num_args = 1, action = clap::ArgAction::Set, value_delimiter = ',', value_parser = clap::value_parser!(u32).range(1..))]
    pub max_reqs: Vec<u32>,
    #[command(flatten)]
    pub workload: WorkloadArgs,
    /// Also run flags_async --http2 at each -m: one connection, -m streams
    #[arg(long)]
    pub http2: bool,
    /// Print the figures as one JSON object instead of a table
    #[arg(long)]
    pub json: bool,
}

/// The runs at one `-m`: the thread pool's, then the async program's.
type Step = (u32, Vec<(Row, Timeline)>);

/// Runs the thread pool and the async program at each `-m` and prints the
/// results, as a table or as JSON.
pub fn run(args: &SweepArgs, bin_dir: Option<&Path>) -> Result<(), Failure> {
    let programs = Programs::find(bin_dir)?;
    programs.warn_if_debug();
    let load = &args.workload;
    let site = SiteProcess::start(&programs.server, &SiteSettings::of(load))?;
    let mut lineup = vec![THREADPOOL, ASYNC];
    lineup.extend(args.http2.then_some(ASYNC_HTTP2));
    let runs_each = u64::from(load.runs) * lineup.len() as u64;
    let progress = progress::bar(args.max_reqs.len() as u64 * runs_each);
    let steps = args.max_reqs.iter().map(|&max_req| {
        let program_args = Workload::new(load, Some(max_req)).args();
        let measure = |program| {
            let exe = programs.exe(program);
            let runs = measure::repeat(load.runs, program, exe, &site, &program_args, &progress)?;
            let row = Row::new(&runs, load.latency).capped(load.max_streams, load.latency);
            Ok((row, Timeline::of_median_run(&runs)))
        };
        let runs = lineup.iter().copied().map(measure).collect::<Result<_, Failure>>();
        runs.map(|runs| (max_req, runs))
    });
    let steps = steps.collect::<Result<Vec<Step>, _>>();
    progress.finish_and_clear();
    let steps = steps?;
    if args.json {
        say(format_args!("{}\n", json(load, &steps)));
    } else {
        say(format_args!("{}", table(load, &steps)));
    }
    Ok(())
}

/// One line per `-m`: each program's time and memory (the thread pool's,
/// the async program's, and with `--http2` its HTTP/2 run's), then the
/// ideal they share.
fn table(load: &WorkloadArgs, steps: &[Step]) -> String {
    let first = steps.first().map(|(_, runs)| &runs[..]).unwrap_or_default();
    let flags = first.first().map_or(0, |(row, _)| row.flags);
    let mut text = format!(
        "{flags} flags, {} s a request, {} run(s) each: {} at each -m\n\n{:>6}",
        load.latency,
        load.runs,
        first.iter().map(|(row, _)| row.program.model).collect::<Vec<_>>().join(", "),
        "-m"
    );
    for (row, _) in first {
        let _ = write!(text, "  {:>14} {:>10}", format!("{}: time", row.program.model), "memory");
    }
    let _ = writeln!(text, "  {:>9}", "ideal");
    for (max_req, runs) in steps {
        let _ = write!(text, "{max_req:>6}");
        for (row, _) in runs {
            let _ = write!(text, "  {:>12.2} s {:>10}", row.median, memory(row.peak_rss_bytes));
        }
        let ideal = runs.first().map_or(0.0, |(row, _)| row.ideal);
        let _ = writeln!(text, "  {ideal:>7.2} s");
    }
    text
}

/// What `flags_compare sweep M,M.. --json` prints: the results of
/// `json.rs`, two per `-m` (the thread pool's, then the async program's),
/// with no speedup (there is no sequential run to compare with):
///
/// ```json
/// {"workload": {...}, "sweep": [{"max_req": 1, "results": [{...}, {...}]}, ...]}
/// ```
///
/// The workload's `program_args` are the programs' arguments but `-m`.
#[derive(Serialize)]
pub struct Sweep {
    pub workload: WorkloadJson,
    pub sweep: Vec<SweepStep>,
}

/// The runs at one `-m` of a sweep.
#[derive(Serialize)]
pub struct SweepStep {
    pub max_req: u32,
    /// The thread pool's, then the async program's (and with `--http2`,
    /// flags_async --http2's).
    pub results: Vec<ProgramResult>,
}

/// A sweep as JSON text: each `-m`, with its rows and timelines.
fn json(load: &WorkloadArgs, steps: &[Step]) -> String {
    let first = steps.first().and_then(|(_, runs)| runs.first()).map(|(row, _)| row);
    let step = |(max_req, runs): &Step| SweepStep {
        max_req: *max_req,
        results: runs.iter().map(|(row, timeline)| json::result(row, timeline, None)).collect(),
    };
    let workload = json::workload(load, &Workload::new(load, None), first);
    json::to_text(&Sweep { workload, sweep: steps.iter().map(step).collect() })
}
