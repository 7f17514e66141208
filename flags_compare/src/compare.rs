//! `flags_compare` with no subcommand: the three programs on one workload,
//! as a table, bars and timelines, or as JSON; with `--timeline` and
//! `--svg`, as pictures too.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use clap::Args;
use flags_server::console::say;
use serde::Serialize;

use crate::chart::{self, Series};
use crate::failure::Failure;
use crate::json::{self, ProgramResult, WorkloadJson};
use crate::measure::{self, Runs};
use crate::programs::{self, Program, Programs};
use crate::report::{self, Row};
use crate::site::{SiteProcess, SiteSettings};
use crate::timeline::{self, Timeline};
use crate::workload::{Workload, WorkloadArgs};
use crate::{growth, output, progress};

/// The comparison's own options.
#[derive(Args, Debug)]
pub struct CompareArgs {
    #[command(flatten)]
    pub workload: WorkloadArgs,
    /// Maximum concurrent requests, passed to each program [default: each program's own]
    #[arg(short, long = "max-req", value_name = "CONCURRENT", value_parser = clap::value_parser!(u32).range(1..))]
    pub max_req: Option<u32>,
    /// Also run flags_async --http2: one HTTP/2 connection, a stream per request
    #[arg(long)]
    pub http2: bool,
    /// Print the figures as one JSON object instead of tables
    #[arg(long)]
    pub json: bool,
    /// Draw each program's requests over time (its median run) as an SVG timeline
    #[arg(long, value_name = "FILE.svg", value_parser = output::file)]
    pub timeline: Option<PathBuf>,
    /// Also time 20, 194 and 676 flags and draw the growth as an SVG chart
    #[arg(long, value_name = "FILE.svg", value_parser = output::file)]
    pub svg: Option<PathBuf>,
}

/// Compares the three programs and prints the figures, as text or JSON.
pub fn run(args: &CompareArgs, bin_dir: Option<&Path>) -> Result<(), Failure> {
    let programs = Programs::find(bin_dir)?;
    programs.warn_if_debug();
    let load = &args.workload;
    let workload = Workload::new(load, args.max_req);
    let site = SiteProcess::start(&programs.server, &SiteSettings::of(load))?;
    let lineup = programs::lineup(args.http2);
    let progress = progress::bar(planned_runs(&lineup, load.runs, args.svg.is_some()));
    let measured = measure_all(args, &lineup, &programs, &site, &workload, &progress);
    progress.finish_and_clear();
    let Measured { rows, timelines, chart } = measured?;
    if let Some(path) = &args.timeline {
        let caption = timeline::picture::Caption::new(load, &rows);
        timeline::picture::draw(path, &caption, &timelines)?;
    }
    if let (Some(path), Some(series)) = (&args.svg, &chart) {
        chart::draw(path, &chart::title(load.latency), series)?;
    }
    if args.json {
        say(format_args!("{}\n", json(load, &workload, &rows, &timelines, chart.as_deref())));
    } else {
        say(format_args!("{}", text(args, &rows, &timelines)));
    }
    Ok(())
}

/// Everything measured: a row and a timeline per program, the chart's points.
struct Measured {
    rows: Vec<Row>,
    timelines: Vec<Timeline>,
    chart: Option<Vec<Series>>,
}

/// The table's runs of each program, then the chart's points if asked.
fn measure_all(
    args: &CompareArgs, lineup: &[Program], programs: &Programs, site: &SiteProcess,
    workload: &Workload, progress: &indicatif::ProgressBar,
) -> Result<Measured, Failure> {
    let (runs, latency) = (args.workload.runs, args.workload.latency);
    let measure = |program| {
        let exe = programs.exe(program);
        measure::repeat(runs, program, exe, site, &workload.args(), progress)
    };
    let runs = lineup.iter().copied().map(measure).collect::<Result<Vec<Runs>, _>>()?;
    let row = |runs| Row::new(runs, latency).capped(args.workload.max_streams, latency);
    let rows: Vec<Row> = runs.iter().map(row).collect();
    let timelines = runs.iter().map(Timeline::of_median_run).collect();
    let chart = match args.svg {
        Some(_) => Some(growth::measure(&args.workload, args.max_req, programs, &rows, progress)?),
        None => None,
    };
    Ok(Measured { rows, timelines, chart })
}

fn planned_runs(lineup: &[Program], runs: u32, chart: bool) -> u64 {
    let per_workload = u64::from(runs) * lineup.len() as u64;
    // The chart measures three more workloads: 20, 194 and 676 flags.
    per_workload * if chart { 4 } else { 1 }
}

/// The comparison for people: the table, the bars, the timelines, and
/// where the pictures went.
fn text(args: &CompareArgs, rows: &[Row], timelines: &[Timeline]) -> String {
    let flags = rows.first().map_or(0, |row| row.flags);
    let runs = match args.workload.runs {
        1 => "1 run of each program".to_string(),
        n => format!("{n} runs of each program"),
    };
    let mut text = format!(
        "{flags} flags at {} s a request, {runs}; the median counts\n\n{}\n{}{}\n{}\n",
        args.workload.latency,
        report::table(rows),
        report::outcomes(rows),
        report::bars(rows),
        timeline::text::render(timelines, timeline::text::WIDTH)
    );
    for (label, path) in [("Timeline", &args.timeline), ("Chart", &args.svg)] {
        if let Some(path) = path {
            let _ = writeln!(text, "{label}: {}", path.display());
        }
    }
    text
}

/// What `flags_compare --json` prints: the pieces of `json.rs`, and the
/// chart's points, spaced out here:
///
/// ```json
/// {"workload": {...}, "results": [{"program": "flags_seq", ...}, ...],
///  "chart": [{"program": "flags_seq", "flags": 20, "median_s": 7.2336,
///             "ideal_s": 7.2, "scaled": false}, ...]}
/// ```
#[derive(Serialize)]
pub struct Comparison {
    pub workload: WorkloadJson,
    /// One per program: flags_seq, flags_threadpool, flags_async, and with
    /// `--http2` flags_async --http2.
    pub results: Vec<ProgramResult>,
    /// With `--svg`: each program at 20, 194 and 676 flags; else empty.
    pub chart: Vec<ChartPoint>,
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

/// The comparison as JSON text.
fn json(
    load: &WorkloadArgs, workload: &Workload, rows: &[Row], timelines: &[Timeline],
    chart: Option<&[Series]>,
) -> String {
    let baseline = rows.first().map(|row| row.median);
    let results = rows.iter().zip(timelines);
    let points = chart.unwrap_or_default().iter().flat_map(|series| {
        series.points.iter().map(|point| ChartPoint {
            program: series.program.name,
            flags: point.flags,
            median_s: json::round(point.secs, 4),
            ideal_s: json::round(point.ideal, 4),
            scaled: point.scaled,
        })
    });
    json::to_text(&Comparison {
        workload: json::workload(load, workload, rows.first()),
        results: results.map(|(row, timeline)| json::result(row, timeline, baseline)).collect(),
        chart: points.collect(),
    })
}
