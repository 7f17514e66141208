//! # flags_e2e: the end-to-end tests
//!
//! The programs run as a user runs them, built as they ship, against flag
//! sites that the tests start on 127.0.0.1. The tests live in this package,
//! not in the crates they test, because they run the binaries of five
//! packages: `cargo test -p flags_e2e` runs the three suites, and
//! `cargo test -p flags_e2e --test e2e` (or `--test compare`, `--test live`) one.
//!
//! | path | what it is |
//! |---|---|
//! | `programs.rs` | `exe`: the binaries under test, built once per test process; each suite includes it by path |
//! | `e2e/` | the `e2e` suite: flags_seq, flags_threadpool, flags_async and the examples (see `e2e/main.rs`) |
//! | `compare.rs` | the `compare` suite: flags_compare on small real workloads, and its errors |
//! | `live.rs` | the `live` suite: flags_server's live page in headless Chromium while the three programs run |
