//! flags.py's `main(downloader)`, grown into flags2's: everything around
//! `download_many`.

use std::process::ExitCode;
use std::time::Instant;

use flags_server::console::warn;
use flags_server::signals::Signal;

use crate::cli::{self, Args};
use crate::client_settings::{ClientSettings, HttpClient};
use crate::countries::expand_cc_args;
use crate::error::Result;
use crate::interrupt;
use crate::limits;
use crate::plan::Plan;
use crate::progress::Progress;
use crate::report::{self, RunReport};
use crate::save;
use crate::status::{Counter, DownloadStatus};

/// The function that differs between the programs: it downloads the plan's
/// codes, shows each as it ends, and says how each ended.
pub type DownloadMany = fn(&Plan, &Progress) -> Result<Vec<DownloadStatus>>;

/// Without `-m`, the book's real site gets at most this many requests at
/// once, so that nobody hammers it by accident.
const REMOTE_CONCUR_REQ: usize = 20;

/// Runs a program: parses the command line, picks the flag site (starting
/// the built-in one unless told otherwise), creates `downloaded/`, times
/// `download_many` and reports.
///
/// `default_concur_req` is used when `-m` is not given; `max_concur_req`
/// bounds it (1 for the sequential program): flags2's two constants.
///
/// `Client` is the program's HTTP client, named so that the command line
/// knows what it speaks: `flags_common::main::<Client>(download_many, ...)`.
pub fn main<Client: HttpClient>(
    download_many: DownloadMany, default_concur_req: usize, max_concur_req: usize,
) -> ExitCode {
    let args = cli::parse(default_concur_req, max_concur_req, Client::SPEAKS_HTTP2);
    run(&args, download_many, (default_concur_req, max_concur_req)).unwrap_or_else(|err| {
        warn(format_args!("{}: {err}", cli::program()));
        ExitCode::FAILURE
    })
}

fn run(
    args: &Args, download_many: DownloadMany, (default, max): (usize, usize),
) -> Result<ExitCode> {
    let cc_list = expand_cc_args(args.every, args.all, &args.cc, args.limit.unwrap_or(usize::MAX));
    let default = if args.server.is_remote() { default.min(REMOTE_CONCUR_REQ) } else { default };
    let concur_req = actual_req(args.max_req, default, max, cc_list.len());
    // Before anything is made or started (see `limits`): the arena before
    // any thread, the built-in site's too; the open files before any file.
    limits::share_one_arena();
    let files_each = limits::files_per_request(args.http2, args.server.is_built_in());
    let concur_req = limits::requests_that_fit(concur_req, files_each, cli::program())?;
    save::prepare_dest_dir()?;
    let site = args.server.start(|line| {
        if !args.verbose {
            warn(format_args!("{line}"));
        }
    })?;
    let client = ClientSettings {
        site: site.url.clone(),
        timeout: args.timeout,
        idle_connections: concur_req,
        credentials: site.credentials.clone(),
        http2: args.http2,
    };
    let plan = Plan { cc_list, base_url: site.url.clone(), concur_req, client };
    let progress = Progress::new(plan.cc_list.len(), args.verbose, args.json);
    interrupt::install(progress.clone());
    if args.verbose {
        report::initial_report(args.server.label, &plan);
    }
    let t0 = Instant::now();
    let statuses = download_many(&plan, &progress)?;
    let elapsed = t0.elapsed();
    progress.finish();
    let counter: Counter = statuses.iter().collect();
    // The codes a stop signal left untried. (Not every code untried: the
    // futures example tries only the first five, by design.)
    let not_attempted = match interrupt::stop_signal() {
        Some(_) => plan.cc_list.len().saturating_sub(counter.total()),
        None => 0,
    };
    if args.json {
        report::json_report(&RunReport {
            program: cli::program().to_string(),
            site: args.server.label.to_string(),
            base_url: plan.base_url.clone(),
            flags: plan.cc_list.len(),
            concur_req,
            default_concur_req: default,
            max_concur_req: max,
            downloaded: counter.ok,
            not_found: counter.not_found,
            errors: counter.error_count(),
            error_reasons: counter.errors.clone(),
            not_attempted,
            stopped_by_signal: interrupt::stop_signal().map(Signal::number),
            elapsed_s: elapsed.as_secs_f64(),
        });
    } else {
        report::final_report(&counter, &plan, not_attempted, elapsed, args.verbose);
    }
    Ok(exit_status(&counter))
}

/// flags2's `actual_req = min(args.max_req, max_concur_req, len(cc_list))`,
/// saying so when `-m` asked for more than the program will make.
fn actual_req(max_req: Option<usize>, default: usize, max: usize, codes: usize) -> usize {
    if let Some(asked) = max_req.filter(|&asked| asked > max) {
        warn(format_args!("{}: -m {asked} is more than its limit; using {max}.", cli::program()));
    }
    max_req.unwrap_or(default).min(max).min(codes)
}

/// 128 + the signal's number after a stop signal, 1 if any download
/// failed, else 0.
fn exit_status(counter: &Counter) -> ExitCode {
    match interrupt::stop_signal() {
        Some(signal) => signal.exit_code(),
        None if counter.error_count() > 0 => ExitCode::FAILURE,
        None => ExitCode::SUCCESS,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn actual_req_is_flags2s() {
        assert_eq!(actual_req(None, 1000, 1000, 676), 676);
        assert_eq!(actual_req(None, 1000, 1000, 20), 20);
        assert_eq!(actual_req(Some(5000), 1000, 1000, 2000), 1000);
        assert_eq!(actual_req(Some(8), 1, 1, 20), 1, "the sequential program");
        assert_eq!(actual_req(None, 6, 1000, 3), 3);
        assert_eq!(actual_req(Some(50), 20, 1000, 194), 50, "-m decides");
    }
}
