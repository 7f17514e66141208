//! End-to-end tests of the three programs: each runs as a user would run it,
//! in a temporary directory, against a flag site that the test starts on
//! 127.0.0.1; the tests look at what it printed, what it saved, its exit
//! status, and what the site saw.
//!
//! This is the `e2e` suite of the flags_e2e package (`cargo test -p
//! flags_e2e --test e2e`); the programs it runs are built first, by
//! `programs.rs`, which the three suites share.
//!
//! - `models`: what differs between the programs, their concurrency;
//! - `cli`: the command line and the reports, which the three share, so
//!   each is tested once, on one program;
//! - `faults` and `hostile`: broken and hostile servers, disks and command
//!   lines, on all three programs, since each HTTP client meets them its own
//!   way (`canned` serves the answers flags_server never gives);
//! - `signals`: Ctrl-C and friends, on all three;
//! - `http2`: `flags_async --http2`, one connection and its streams;
//! - `limits`: the machine's limits (open files, address space, threads),
//!   met by all three;
//! - `examples`: flags3 (threads and futures) and Example 20-6's futures;
//! - `terminal`: the progress display in a real terminal (tmux).

mod canned;
#[path = "../programs.rs"]
mod programs;
mod support;

mod answers;
mod cli;
mod examples;
mod faults;
mod hostile;
mod http2;
mod limits;
mod models;
mod signals;
mod terminal;
