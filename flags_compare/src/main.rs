//! # flags_compare: the three programs, side by side
//!
//! Starts one built-in flag site, runs the release builds of flags_seq,
//! flags_threadpool and flags_async on the same workload several times each,
//! and prints how long each took: the median with min-max, the speedup over
//! sequential, and the ratio to the ideal time, ceil(flags / concurrency) x
//! latency. Then the same as bars.
//!
//! ```text
//! $ cargo build --release --workspace && cargo run --release -p flags_compare
//! ```
//!
//! `--svg FILE` also draws how the time grows from 20 to 194 to 676 flags;
//! `--sweep 1,10,100,676` runs the thread pool and the async program at each
//! `-m` instead, to show where threads and coroutines part ways; `--json`
//! prints the figures for machines.

mod chart;
mod measure;
mod report;
mod site;
mod sweep;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::Parser;
use indicatif::{ProgressBar, ProgressStyle};

use chart::{Point, Series};
use measure::{ASYNC, PROGRAMS, Program, SEQ, THREADPOOL};
use report::Row;
use site::SiteProcess;

/// Runs the three flag programs on one workload and compares their times.
#[derive(Parser, Debug)]
#[command(version, after_help = "Build the programs first: cargo build --release --workspace")]
struct Args {
    /// Country codes or first letters, as the programs take them [default: the 20 of POP20]
    #[arg(value_name = "CC", value_parser = flags_common::parse_cc)]
    cc: Vec<String>,
    /// All 194 flags
    #[arg(short, long, conflicts_with = "cc")]
    all: bool,
    /// Every code AA..ZZ (676)
    #[arg(short, long, conflicts_with_all = ["cc", "all"])]
    every: bool,
    /// Limit to N first codes
    #[arg(short, long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..))]
    limit: Option<u32>,
    /// Maximum concurrent requests, passed to each program [default: each program's own]
    #[arg(short, long = "max-req", value_name = "CONCURRENT", value_parser = clap::value_parser!(u32).range(1..))]
    max_req: Option<u32>,
    /// Seconds the site takes to answer each request (the book measured about 0.36)
    #[arg(long, value_name = "SECS", default_value = "0.36", value_parser = latency)]
    latency: f64,
    /// Runs of each program; the median counts
    #[arg(long, value_name = "N", default_value = "3", value_parser = clap::value_parser!(u32).range(1..))]
    runs: u32,
    /// Print the figures as JSON instead of tables
    #[arg(long)]
    json: bool,
    /// Also time 20, 194 and 676 flags and draw the growth as an SVG chart
    #[arg(long, value_name = "FILE")]
    svg: Option<PathBuf>,
    /// Instead, run the thread pool and the async program at each of these -m values
    #[arg(long, value_name = "M,M,..", value_delimiter = ',', value_parser = clap::value_parser!(u32).range(1..), conflicts_with_all = ["svg", "max_req"])]
    sweep: Vec<u32>,
    /// Where the release binaries are [default: the folder of this program]
    #[arg(long, value_name = "DIR")]
    bin_dir: Option<PathBuf>,
}

fn latency(arg: &str) -> Result<f64, String> {
    match arg.parse::<f64>() {
        Ok(secs) if (0.0..=60.0).contains(&secs) => Ok(secs),
        _ => Err("must be a number of seconds from 0 to 60".to_string()),
    }
}

/// A point whose ideal time is longer than this is measured at a lower
/// latency and scaled: nobody waits four minutes for sequential at 676 flags.
const MAX_POINT_SECS: f64 = 10.0;
/// ... at a latency that makes its ideal time about this long.
const QUICK_POINT_SECS: f64 = 2.0;

/// What is measured: the programs' arguments.
struct Workload {
    args: Vec<String>,
}

fn main() -> ExitCode {
    let args = Args::parse();
    match run(&args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("flags_compare: {err}");
            ExitCode::FAILURE
        }
    }
}

fn run(args: &Args) -> Result<(), String> {
    let (exes, server) = find_programs(args.bin_dir.as_deref())?;
    let _ = rlimit::increase_nofile_limit(u64::MAX);
    let site = SiteProcess::start(&server, args.latency)?;
    let workload = workload(args);
    if !args.sweep.is_empty() {
        return sweep::sweep(args, &exes, &site, &workload);
    }
    let progress = progress(planned_runs(args));
    let rows = compare(args, &exes, &site, &workload, &progress)?;
    let chart = args
        .svg
        .as_ref()
        .map(|_| chart_series(args, &exes, &rows, &server, &progress))
        .transpose()?;
    progress.finish_and_clear();
    if let (Some(path), Some(series)) = (&args.svg, &chart) {
        chart::draw(path, &chart_title(args), series)?;
    }
    print_comparison(args, &site, &rows, chart.as_deref());
    Ok(())
}

/// The three release binaries and flags_server, next to this one unless
/// `--bin-dir` says.
fn find_programs(bin_dir: Option<&Path>) -> Result<([PathBuf; 3], PathBuf), String> {
    let here = std::env::current_exe().ok().and_then(|exe| exe.parent().map(Path::to_path_buf));
    let dir = bin_dir.map(Path::to_path_buf).or(here).unwrap_or_default();
    let find = |name: &str| {
        let exe = dir.join(name);
        match exe.is_file() {
            true => Ok(exe),
            false => Err(format!(
                "{name} not found in {}: build the programs with `cargo build --release --workspace` \
                 (or name their folder with --bin-dir)",
                dir.display()
            )),
        }
    };
    Ok(([find(SEQ.name)?, find(THREADPOOL.name)?, find(ASYNC.name)?], find("flags_server")?))
}

fn workload(args: &Args) -> Workload {
    let mut program_args = args.cc.clone();
    program_args.extend(args.all.then(|| "-a".to_string()));
    program_args.extend(args.every.then(|| "-e".to_string()));
    program_args.extend(args.limit.iter().flat_map(|n| ["-l".to_string(), n.to_string()]));
    program_args.extend(args.max_req.iter().flat_map(|m| ["-m".to_string(), m.to_string()]));
    Workload { args: program_args }
}

fn planned_runs(args: &Args) -> u64 {
    let per_workload = args.runs as u64 * PROGRAMS.len() as u64;
    per_workload * if args.svg.is_some() { 4 } else { 1 }
}

fn progress(runs: u64) -> ProgressBar {
    let style = ProgressStyle::with_template("{bar:30} {pos}/{len} runs {msg}");
    ProgressBar::new(runs).with_style(style.unwrap_or_else(|_| ProgressStyle::default_bar()))
}

/// Each program `--runs` times on the workload, one after another.
fn compare(
    args: &Args, exes: &[PathBuf; 3], site: &SiteProcess, workload: &Workload,
    progress: &ProgressBar,
) -> Result<Vec<Row>, String> {
    let measure = |(program, exe): (&Program, &PathBuf)| {
        let samples = repeat(args.runs, program, exe, &site.url, &workload.args, progress)?;
        Ok(Row::new(*program, &samples, args.latency))
    };
    PROGRAMS.iter().zip(exes).map(measure).collect()
}

fn repeat(
    runs: u32, program: &Program, exe: &Path, url: &str, args: &[String], progress: &ProgressBar,
) -> Result<Vec<measure::Sample>, String> {
    progress.set_message(format!("{} {}", program.name, args.join(" ")));
    let run = |_| measure::run_once(exe, url, args).inspect(|_| progress.inc(1));
    (0..runs).map(run).collect()
}

/// The chart's points: 20, 194 and 676 flags for each program.
fn chart_series(
    args: &Args, exes: &[PathBuf; 3], rows: &[Row], server: &Path, progress: &ProgressBar,
) -> Result<Vec<Series>, String> {
    let points = |(row, exe): (&Row, &PathBuf)| -> Result<Series, String> {
        let sizes = [(20, None), (194, Some("-a")), (676, Some("-e"))];
        let point = |&(flags, arg)| chart_point(args, (row, exe), server, (flags, arg), progress);
        let points = sizes.iter().map(point);
        Ok(Series { program: row.program, points: points.collect::<Result<_, _>>()? })
    };
    rows.iter().zip(exes).map(points).collect()
}

/// One chart point, measured at `--latency`, or at a lower one and scaled
/// when it would take longer than [`MAX_POINT_SECS`].
fn chart_point(
    args: &Args, (table_row, exe): (&Row, &Path), server: &Path,
    (flags, arg): (usize, Option<&str>), progress: &ProgressBar,
) -> Result<Point, String> {
    let program = &table_row.program;
    let ideal =
        report::ideal(flags, expected_concurrency(table_row, args.max_req, flags), args.latency);
    let scaled = ideal > MAX_POINT_SECS;
    let latency = if scaled { args.latency * QUICK_POINT_SECS / ideal } else { args.latency };
    let site = SiteProcess::start(server, latency)?;
    let mut program_args: Vec<String> = arg.map(str::to_string).into_iter().collect();
    program_args.extend(args.max_req.iter().flat_map(|m| ["-m".to_string(), m.to_string()]));
    let samples = repeat(args.runs, program, exe, &site.url, &program_args, progress)?;
    let row = Row::new(*program, &samples, latency);
    let rounds = flags.div_ceil(row.concurrency) as f64;
    let secs = row.median + rounds * (args.latency - latency);
    Ok(Point { flags, secs, ideal: report::ideal(flags, row.concurrency, args.latency), scaled })
}

/// The concurrency a program will use for `flags` flags, to decide whether a
/// point is quick: its own default and limit, as its reports said.
fn expected_concurrency(row: &Row, max_req: Option<u32>, flags: usize) -> usize {
    let asked = max_req.map_or(row.default_concurrency, |m| m as usize);
    asked.min(row.max_concurrency).min(flags)
}

fn chart_title(args: &Args) -> String {
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    format!("Time to download N flags at {} s a request ({cores} cores, loopback)", args.latency)
}

fn print_comparison(args: &Args, site: &SiteProcess, rows: &[Row], chart: Option<&[Series]>) {
    if args.json {
        println!("{}", json(args, rows, chart));
        return;
    }
    println!(
        "{} flags, {} s a request, {} run(s) of each program, site {}\n",
        flags(rows),
        args.latency,
        args.runs,
        site.url
    );
    println!("{}", report::table(rows));
    print!("{}", report::bars(rows));
    if let Some(path) = &args.svg {
        println!("\nChart: {}", path.display());
    }
}

/// How many flags the table's runs downloaded.
fn flags(rows: &[Row]) -> usize {
    rows.first().map_or(0, |row| row.flags)
}

fn json(args: &Args, rows: &[Row], chart: Option<&[Series]>) -> String {
    let flags = flags(rows);
    let rows: Vec<String> = rows.iter().map(report::json_row).collect();
    let points: Vec<String> = chart
        .unwrap_or_default()
        .iter()
        .flat_map(|series| series.points.iter().map(move |p| json_point(series.program.name, p)))
        .collect();
    format!(
        "{{\"flags\": {}, \"latency_s\": {}, \"runs\": {}, \"results\": [{}], \"chart\": [{}]}}",
        flags,
        args.latency,
        args.runs,
        rows.join(", "),
        points.join(", ")
    )
}

fn json_point(program: &str, point: &Point) -> String {
    format!(
        "{{\"program\": \"{program}\", \"flags\": {}, \"secs\": {:.4}, \"ideal_s\": {:.4}, \"scaled\": {}}}",
        point.flags, point.secs, point.ideal, point.scaled
    )
}
