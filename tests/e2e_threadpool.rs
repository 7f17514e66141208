//! End-to-end tests of flags_threadpool: a pool of min(32, cores + 4) threads.

mod support;

every_program_tests!(support::Program {
    exe: env!("CARGO_BIN_EXE_flags_threadpool"),
    default_concurrency: support::default_pool_size(),
    sorted: false,
});
