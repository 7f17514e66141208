//! # flags_compare: the three programs, side by side
//!
//! Starts one flag site (`flags_server`, in a process of its own), runs the
//! release builds of flags_seq, flags_threadpool and flags_async on the same
//! workload several times each, and shows what happened three ways:
//!
//! * a table: each program's median time with min-max, its speedup over
//!   sequential, the ratio to the ideal time, ceil(flags / concurrency) x
//!   latency, and its peak memory; then the same times as bars;
//! * a timeline, in text under the table and with `--timeline FILE.svg` as a
//!   picture: every request of each program's median run, as the site
//!   recorded it, on one time axis;
//! * with `--svg FILE.svg`, a chart of how the time grows from 20 to 194 to
//!   676 flags.
//!
//! ```text
//! $ cargo build --release --workspace
//! $ target/release/flags_compare
//! 20 flags at 0.36 s a request, 3 runs of each program; the median counts
//!
//! program          at once  median time (min-max) speedup    ideal ratio    memory
//! flags_seq              1  7.24 s (7.23-7.25)       1.0x   7.20 s  1.01   4.9 MiB
//! flags_threadpool       6  1.45 s (1.44-1.46)       5.0x   1.44 s  1.00   6.6 MiB
//! flags_async           20  0.37 s (0.37-0.38)      19.3x   0.36 s  1.04   6.3 MiB
//!
//! flags_seq         ██████████████████████████████████████████████████ 7.24 s
//! flags_threadpool  ██████████ 1.45 s
//! flags_async       ██▋ 0.37 s
//!
//! Requests over time, as the site saw them (the median run of each):
//! seconds 0        1         2         3         4         5         6         7
//! flags_seq: 20 requests on 1 connection, 1 at a time, 7.23 s
//!      #1 |==|===|==|===|===|==|===|==|===|==|===|===|==|===|===|==|===|==|===|===
//! flags_threadpool: 20 requests on 6 connections, up to 6 at a time, 1.44 s
//!      #1 |==|===|===
//!      #2 |==|===|===
//!      #3 |==|===|==|====
//!      #4 |==|===|==|====
//!      #5 |==|===|===
//!      #6 |==|===|===
//! flags_async: 20 requests on 20 connections, up to 20 at a time, 0.37 s
//! at once ####
//!         | a request arrives, then = ok, - 404, ! error status, x fault
//!         1 column = 0.100 s; #N = the Nth connection
//! ```
//!
//! `--fault CC=KIND` makes the site misbehave as `flags_server --fault` does
//! (with `--timeout SECS` for the programs, a hang costs less); `--sweep
//! 1,10,100` runs the thread pool and the async program at each `-m`
//! instead; `--costs 1,100,676` weighs, apart, what a thread, a waiting
//! future and a connection of each program's HTTP client cost, N of each at
//! once; `--json` prints the figures for programs (the shapes are in
//! `json.rs`). Ctrl-C stops everything cleanly, with status 130.
//!
//! # The pictures in this folder
//!
//! Made by release builds, on a machine with 2 cores (the thread pool has
//! min(32, cores + 4) = 6 threads), with these commands:
//!
//! ```text
//! $ cargo build --release --workspace
//! $ target/release/flags_compare --timeline flags_compare/timeline.svg --svg flags_compare/chart.svg
//! $ target/release/flags_compare --timeout 1.5 --fault BR=hang --fault BD=reset --fault BE=418 \
//!       --timeline flags_compare/timeline-faults.svg B
//! ```
//!
//! `B` is the 26 codes BA to BZ: 17 countries and 9 codes no country has,
//! so the second timeline shows 404s beside a hang, a reset and a 418.
//! Where a program sends a reset request once more (flags_common's
//! `http.rs` says when), the second try has a lane of its own.
//!
//! # Map
//!
//! | module | what it does |
//! |---|---|
//! | `cli` | the command line, checked before anything runs |
//! | `programs` | finding the binaries; how to build them; debug or release |
//! | `site` | `flags_server` in a process of its own, and its URL |
//! | `records` | the site's records of each run, over HTTP as JSON |
//! | `measure` | one run of a program: wall time, peak memory, report, records |
//! | `wait` | waiting for a child: exit status and peak memory, or a stop |
//! | `memory` | a process's peak and anonymous memory, from `/proc` on Linux |
//! | `interrupt` | Ctrl-C and SIGTERM: stop the children, clean up, exit 130 |
//! | `failure` | how a comparison ends early, and its exit status |
//! | `report` | the runs summed up: the table and the bars |
//! | `timeline` | the requests of a run over time: lanes and bars, as text or SVG |
//! | `growth` | the chart's points: 20, 194 and 676 flags |
//! | `chart` | the growth chart, log-log, as SVG |
//! | `sweep` | `--sweep`: threads and async at each `-m` |
//! | `costs` | `--costs`: a thread, a future, a connection of each client, weighed apart |
//! | `json` | `--json`: every figure, for programs |

mod chart;
mod cli;
mod costs;
mod failure;
mod growth;
mod interrupt;
mod json;
mod measure;
mod memory;
mod programs;
mod records;
mod report;
mod site;
mod sweep;
mod timeline;
mod wait;

use std::process::ExitCode;

use clap::Parser;
use indicatif::{ProgressBar, ProgressStyle};

use cli::{Args, Workload};
use failure::Failure;
use measure::Runs;
use programs::Programs;
use report::Row;
use site::{SiteProcess, SiteSettings};
use timeline::Timeline;

fn main() -> ExitCode {
    // `--costs` runs flags_compare again, as a probe: see costs/probe.rs.
    if let Some(probe_args) = costs::probe_requested() {
        return costs::probe(&probe_args);
    }
    // Usage errors, bad output paths included, end here with status 2.
    let args = Args::parse();
    match run(&args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(failure) => failure.exit(),
    }
}

fn run(args: &Args) -> Result<(), Failure> {
    interrupt::listen();
    if !args.costs.is_empty() {
        let costs = costs::costs(args)?;
        if args.json {
            println!("{}", json::costs(&costs));
        } else {
            print!("{}", costs::table(&costs));
        }
        return Ok(());
    }
    let programs = Programs::find(args.bin_dir.as_deref())?;
    programs.warn_if_debug();
    // The async program at 676 flags holds 676 sockets, and the site as many.
    let _ = rlimit::increase_nofile_limit(u64::MAX);
    let workload = Workload::from(args);
    let site = SiteProcess::start(&programs.server, &SiteSettings::new(args, args.latency))?;
    if !args.sweep.is_empty() {
        return sweep::sweep(args, &programs, &site, &workload);
    }
    let progress = progress(planned_runs(args));
    let measured = measure_all(args, &programs, &site, &workload, &progress);
    progress.finish_and_clear();
    let Measured { rows, timelines, chart } = measured?;
    if let Some(path) = &args.timeline {
        let caption = timeline::picture::Caption::new(args, &rows);
        timeline::picture::draw(path, &caption, &timelines)?;
    }
    if let (Some(path), Some(series)) = (&args.svg, &chart) {
        chart::draw(path, &chart::title(args.latency), series)?;
    }
    if args.json {
        println!("{}", json::comparison(args, &rows, &timelines, chart.as_deref()));
    } else {
        print_comparison(args, &rows, &timelines);
    }
    Ok(())
}

/// Everything measured: a row and a timeline per program, the chart's points.
struct Measured {
    rows: Vec<Row>,
    timelines: Vec<Timeline>,
    chart: Option<Vec<chart::Series>>,
}

/// The table's runs of each program, then the chart's points if asked.
fn measure_all(
    args: &Args, programs: &Programs, site: &SiteProcess, workload: &Workload,
    progress: &ProgressBar,
) -> Result<Measured, Failure> {
    let measure = |program| {
        let exe = programs.exe(program);
        measure::repeat(args.runs, program, exe, site, &workload.args(), progress)
    };
    let runs = programs::PROGRAMS.into_iter().map(measure).collect::<Result<Vec<Runs>, _>>()?;
    let rows: Vec<Row> = runs.iter().map(|runs| Row::new(runs, args.latency)).collect();
    let timelines = runs.iter().map(Timeline::of_median_run).collect();
    let chart = match args.svg {
        Some(_) => Some(growth::measure(args, programs, workload, &rows, progress)?),
        None => None,
    };
    Ok(Measured { rows, timelines, chart })
}

fn planned_runs(args: &Args) -> u64 {
    let per_workload = u64::from(args.runs) * programs::PROGRAMS.len() as u64;
    // The chart measures three more workloads: 20, 194 and 676 flags.
    per_workload * if args.svg.is_some() { 4 } else { 1 }
}

/// A bar on stderr while the runs go on (hidden when stderr is no terminal).
pub fn progress(runs: u64) -> ProgressBar {
    let style = ProgressStyle::with_template("{bar:30} {pos}/{len} runs {msg}");
    ProgressBar::new(runs).with_style(style.unwrap_or_else(|_| ProgressStyle::default_bar()))
}

fn print_comparison(args: &Args, rows: &[Row], timelines: &[Timeline]) {
    let flags = rows.first().map_or(0, |row| row.flags);
    let runs = match args.runs {
        1 => "1 run of each program".to_string(),
        n => format!("{n} runs of each program"),
    };
    println!("{flags} flags at {} s a request, {runs}; the median counts\n", args.latency);
    println!("{}", report::table(rows));
    print!("{}", report::outcomes(rows));
    print!("{}", report::bars(rows));
    println!("\n{}", timeline::text::render(timelines, timeline::text::WIDTH));
    for (label, path) in [("Timeline", &args.timeline), ("Chart", &args.svg)] {
        if let Some(path) = path {
            println!("{label}: {}", path.display());
        }
    }
}
