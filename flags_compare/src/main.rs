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
//! (with `--timeout SECS` for the programs, a hang costs less); `--json`
//! prints the figures for programs (each mode's shape is beside its code,
//! the shared pieces in `json.rs`). Two more modes, as subcommands, each
//! with its own options (`--help` lists them):
//!
//! ```text
//! $ target/release/flags_compare sweep 1,10,100 -e --latency 0.05
//! $ target/release/flags_compare costs 1,100,676
//! ```
//!
//! `sweep` runs the thread pool and the async program at each `-m`;
//! `costs` weighs, apart, what a thread, a waiting future and a connection
//! of each program's HTTP client cost, N of each at once. (`--sweep` and
//! `--costs`, their old spellings, are usage errors that say the new
//! ones.) Ctrl-C stops everything cleanly, with status 130.
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
//! | `cli` | the command line: the modes, and the options each owns |
//! | `workload` | the options of a workload, and the programs' command line for it |
//! | `output` | the files the pictures go to, checked before anything runs |
//! | `compare` | the comparison, the default mode: the three programs, side by side |
//! | `sweep` | `sweep`: threads and async at each `-m` |
//! | `costs` | `costs`: a thread, a future, a connection of each client, weighed apart |
//! | `programs` | finding the binaries; how to build them; debug or release |
//! | `site` | `flags_server` in a process of its own, and its URL |
//! | `records` | the site's records of each run, over HTTP as JSON |
//! | `measure` | one run of a program: wall time, peak memory, report, records |
//! | `wait` | waiting for a child: exit status and peak memory, or a stop |
//! | `memory` | a process's peak and anonymous memory, from `/proc` on Linux |
//! | `progress` | the bar on stderr while a mode measures |
//! | `interrupt` | Ctrl-C, SIGTERM, SIGHUP: stop the children, clean up, exit 128 + n |
//! | `failure` | how a mode ends early, and its exit status |
//! | `report` | the runs summed up: the table and the bars |
//! | `timeline` | the requests of a run over time: lanes and bars, as text or SVG |
//! | `growth` | the chart's points: 20, 194 and 676 flags |
//! | `chart` | the growth chart, log-log, as SVG |
//! | `json` | `--json`: the pieces the comparison and `sweep` share |

mod chart;
mod cli;
mod compare;
mod costs;
mod failure;
mod growth;
mod interrupt;
mod json;
mod measure;
mod memory;
mod output;
mod programs;
mod progress;
mod records;
mod report;
mod site;
mod sweep;
mod timeline;
mod wait;
mod workload;

use std::process::ExitCode;

use clap::Parser;

use cli::{Cli, Command};

fn main() -> ExitCode {
    // Usage errors, bad output paths included, end here with status 2.
    let cli = Cli::parse();
    let bin_dir = cli.bin_dir.as_deref();
    // A probe has no children to stop: a signal may end it at once, and
    // `costs` takes its status (130, 143) as the same stop.
    if !matches!(cli.command, Some(Command::Probe(_))) {
        interrupt::listen();
    }
    let ended = match &cli.command {
        None => compare::run(&cli.compare, bin_dir),
        Some(Command::Sweep(args)) => sweep::run(args, bin_dir),
        Some(Command::Costs(args)) => costs::run(args, bin_dir),
        Some(Command::Probe(args)) => costs::probe::run(args),
    };
    match ended {
        Ok(()) => ExitCode::SUCCESS,
        Err(failure) => failure.exit(),
    }
}
