//! End-to-end tests of flags_async: every request at once on one thread.

mod support;

every_program_tests!(support::Program {
    exe: env!("CARGO_BIN_EXE_flags_async"),
    default_concurrency: 1000,
    sorted: false,
});
