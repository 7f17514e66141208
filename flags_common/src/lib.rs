//! # flags_common: the half of flags.py that every program shares
//!
//! In Fluent Python, flags_threadpool.py and flags_asyncio.py import
//! `save_flag` and `main` from flags.py and write only their own
//! `download_many`. This crate is that shared half (and flags2_common.py's),
//! so that each program's `main.rs` holds only what differs: its HTTP client
//! and its concurrency model.
//!
//! A program hands its `download_many` to [`main`], with its default and
//! largest number of concurrent requests, exactly like flags2:
//!
//! ```no_run
//! use flags_common::{Counter, Plan, Result};
//!
//! fn download_many(plan: &Plan) -> Result<Counter> {
//!     Ok(plan.cc_list().map(|cc| plan.report(cc, Ok(()))).collect())
//! }
//!
//! fn main() -> std::process::ExitCode {
//!     flags_common::main(download_many, 1, 1)
//! }
//! ```
//!
//! [`main`] parses the command line, picks the flag site (starting the
//! built-in one unless told otherwise), creates `downloaded/`, times
//! `download_many(&plan)` and prints the report. Inside, `download_one` calls
//! [`Plan::report`] for each code: that prints `BR ` (or a `-v` line, or
//! ticks a progress bar) and sorts the result into an [`Outcome`].

mod cli;
mod countries;
mod error;
mod interrupt;
mod outcome;
mod plan;
mod save;
mod site;

use std::process::ExitCode;
use std::time::Instant;

pub use countries::{ALL_CC, POP20_CC, every_cc, expand_cc_args, parse_cc};
pub use error::{Error, Result};
pub use interrupt::interrupted;
pub use outcome::{Counter, Outcome};
pub use plan::Plan;
pub use save::{DEST_DIR, save_flag};
pub use site::REMOTE_URL;

/// The largest number of concurrent requests any program makes (flags2's
/// `MAX_CONCUR_REQ`).
pub const MAX_CONCUR_REQ: usize = 1000;

/// The default concurrency against the book's real site is capped at this,
/// so that nobody hammers it by accident (`-m` can still ask for more).
pub const REMOTE_CONCUR_REQ: usize = 20;

/// A body larger than this is an error: the largest real flag is 36 KB, so
/// anything this big is a broken or hostile server, not a flag.
pub const MAX_FLAG_BYTES: u64 = 4 * 1024 * 1024;

/// httpx's `raise_for_status()`: any final status but 2xx is an error, a 304
/// or a redirect that could not be followed as much as a 404 or a 500, so
/// that no error page is ever saved as a flag.
pub fn check_status(status: u16) -> Result<()> {
    match status {
        200..=299 => Ok(()),
        _ => Err(Error::Status(status)),
    }
}

/// Fails once a body grows past [`MAX_FLAG_BYTES`], for clients that have
/// no limit of their own (reqwest).
pub fn check_size(len: usize) -> Result<()> {
    if len as u64 > MAX_FLAG_BYTES { Err(Error::TooBig) } else { Ok(()) }
}

/// The function that differs between the programs.
pub type DownloadMany = fn(&Plan) -> Result<Counter>;

/// Runs a program: flags.py's `main(downloader)`, grown into flags2's.
///
/// `default_concur_req` is used when `-m` is not given; `max_concur_req`
/// bounds it (1 for the sequential program).
pub fn main(
    download_many: DownloadMany,
    default_concur_req: usize,
    max_concur_req: usize,
) -> ExitCode {
    let args = cli::parse(default_concur_req, max_concur_req);
    interrupt::install();
    run(args, download_many, default_concur_req, max_concur_req).unwrap_or_else(|err| {
        eprintln!("{}: {err}", cli::program());
        ExitCode::FAILURE
    })
}

/// flags2's `actual_req = min(args.max_req, max_concur_req, len(cc_list))`,
/// with the default kept gentle for the book's real site.
fn concurrency(
    max_req: Option<usize>,
    remote: bool,
    (default, max): (usize, usize),
    codes: usize,
) -> usize {
    let default = if remote { default.min(REMOTE_CONCUR_REQ) } else { default };
    max_req.unwrap_or(default).min(max).min(codes)
}

fn run(
    args: cli::Args,
    download_many: DownloadMany,
    default: usize,
    max: usize,
) -> Result<ExitCode> {
    let cc_list = expand_cc_args(args.every, args.all, &args.cc, args.limit.unwrap_or(usize::MAX));
    let concurrency =
        concurrency(args.max_req, args.server.is_remote(), (default, max), cc_list.len());
    // Each request in flight holds a socket, two with the built-in site.
    let _ = rlimit::increase_nofile_limit(u64::MAX);
    save::prepare_dest_dir()?;
    let site = args.server.start()?;
    let plan = Plan::new(site.url.clone(), cc_list, concurrency, args.timeout, args.verbose);
    if args.verbose {
        plan.initial_report(args.server.label);
    }
    let t0 = Instant::now();
    let counter = download_many(&plan)?;
    Ok(plan.final_report(counter, t0.elapsed()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn concurrency_is_flags2_actual_req() {
        let all = (MAX_CONCUR_REQ, MAX_CONCUR_REQ);
        assert_eq!(concurrency(None, false, all, 676), 676);
        assert_eq!(concurrency(None, false, all, 20), 20);
        assert_eq!(concurrency(Some(5000), false, all, 2000), MAX_CONCUR_REQ);
        assert_eq!(concurrency(Some(8), false, (1, 1), 20), 1, "the sequential program");
        assert_eq!(concurrency(None, false, (6, MAX_CONCUR_REQ), 3), 3);
    }

    #[test]
    fn the_remote_site_gets_a_gentle_default() {
        let all = (MAX_CONCUR_REQ, MAX_CONCUR_REQ);
        assert_eq!(concurrency(None, true, all, 194), REMOTE_CONCUR_REQ);
        assert_eq!(concurrency(Some(50), true, all, 194), 50, "-m still decides");
    }
}
