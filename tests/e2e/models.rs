//! What differs between the programs: how many requests each has in flight,
//! on how many connections, and in which order it prints the codes.

use crate::support::*;

#[test]
fn every_program_prints_example_20_1() {
    on_every_program(|program| {
        let site = slow_site(&[]);
        let run = run(program, &["-s", &site.base_url()]);
        assert_eq!(run.status, Some(0), "{}", run.describe());
        assert_example_20_1(&run, 20);
        run.assert_saved_exactly(&POP20_SORTED);
        let mut printed = run.printed_codes();
        if program == SEQ {
            assert_eq!(printed, POP20_SORTED, "flags_seq prints in sorted order");
        }
        printed.sort();
        assert_eq!(printed, POP20_SORTED);
        let stats = site.stats();
        assert_eq!((stats.requests, stats.statuses.get(&200)), (20, Some(&20)));
    });
}

/// Runs `program --json` on POP20 and returns its report and what the site saw.
fn pop20_json(program: Program, args: &[&str]) -> (serde_json::Value, flags_server::Stats) {
    let site = slow_site(&[]);
    let run = run(program, &[&["--json", "-s", &site.base_url()], args].concat());
    assert_eq!(run.status, Some(0), "{}", run.describe());
    run.assert_saved_exactly(&POP20_SORTED);
    (run.report(), site.stats())
}

#[test]
fn flags_seq_makes_one_request_at_a_time_on_one_connection() {
    let (report, stats) = pop20_json(SEQ, &[]);
    assert_eq!(
        (report["concur_req"].as_u64(), report["max_concur_req"].as_u64()),
        (Some(1), Some(1))
    );
    assert_eq!((stats.max_in_flight, stats.connections), (1, 1));
}

#[test]
fn flags_threadpool_is_as_big_as_pythons_default_pool() {
    let (report, stats) = pop20_json(THREADPOOL, &[]);
    let default = report["default_concur_req"].as_u64().unwrap_or_default() as usize;
    // ThreadPoolExecutor(): min(32, cores + 4), so 5 to 32 threads.
    assert!((5..=32).contains(&default), "{report}");
    let pool = default.min(20);
    assert_eq!(report["concur_req"].as_u64(), Some(pool as u64));
    assert_eq!(stats.max_in_flight, pool, "every thread busy at once");
    assert_eq!(stats.connections, pool, "one kept-alive connection per thread");
}

#[test]
fn flags_async_makes_every_request_at_once() {
    let (report, stats) = pop20_json(ASYNC, &[]);
    let limits = (report["default_concur_req"].as_u64(), report["max_concur_req"].as_u64());
    assert_eq!(limits, (Some(1000), Some(1000)));
    assert_eq!(report["concur_req"].as_u64(), Some(20));
    assert_eq!((stats.max_in_flight, stats.connections), (20, 20));
}

#[test]
fn max_req_bounds_threads_and_futures_exactly() {
    for program in [THREADPOOL, ASYNC] {
        let (report, stats) = pop20_json(program, &["-m", "3"]);
        assert_eq!(report["concur_req"].as_u64(), Some(3));
        let seen = (stats.max_in_flight, stats.connections);
        assert_eq!(seen, (3, 3), "{}: exactly -m, no more, no less", program.name);
    }
}

#[test]
fn flags_threadpool_keeps_a_connection_per_thread_even_beyond_ten() {
    // ureq's pool keeps 10 idle connections in all by default: 15 threads
    // would then close and open connections all along.
    let site = site(Config::with_latency(0.01, 0.0));
    let run = run(THREADPOOL, &["-a", "-m", "15", "-s", &site.base_url()]);
    assert_eq!(run.status, Some(0), "{}", run.describe());
    let stats = site.stats();
    assert_eq!((stats.requests, stats.connections), (194, 15), "one connection per thread");
}
