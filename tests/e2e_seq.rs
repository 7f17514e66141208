//! End-to-end tests of flags_seq: one request after another, in sorted order.

mod support;

every_program_tests!(support::Program {
    exe: env!("CARGO_BIN_EXE_flags_seq"),
    default_concurrency: 1,
    sorted: true,
});
