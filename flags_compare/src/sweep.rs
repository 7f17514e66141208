//! `--sweep M,M,...`: where threads and coroutines part ways.
//!
//! The book claims that threads and coroutines perform alike while the client
//! decides how many requests are in flight. The sweep tests that: the thread
//! pool and the async program on the same workload at each `-m`, their time
//! and their peak memory side by side.

use std::fmt::Write as _;

use crate::cli::{Args, Workload};
use crate::failure::Failure;
use crate::programs::{ASYNC, Programs, THREADPOOL};
use crate::report::{Row, memory};
use crate::site::SiteProcess;
use crate::timeline::Timeline;
use crate::{json, measure, progress};

/// The runs at one `-m`: the thread pool's, then the async program's.
type Step = (u32, Vec<(Row, Timeline)>);

/// Runs the thread pool and the async program at each `-m` and prints the
/// results, as a table or as JSON.
pub fn sweep(
    args: &Args, programs: &Programs, site: &SiteProcess, workload: &Workload,
) -> Result<(), Failure> {
    let progress = progress(args.sweep.len() as u64 * 2 * u64::from(args.runs));
    let steps = args.sweep.iter().map(|&max_req| {
        let mut program_args = workload.args();
        program_args.extend(["-m".to_string(), max_req.to_string()]);
        let measure = |program| {
            let exe = programs.exe(program);
            let runs = measure::repeat(args.runs, program, exe, site, &program_args, &progress)?;
            Ok((Row::new(&runs, args.latency), Timeline::of_median_run(&runs)))
        };
        let runs = [THREADPOOL, ASYNC].into_iter().map(measure).collect::<Result<_, Failure>>();
        runs.map(|runs| (max_req, runs))
    });
    let steps = steps.collect::<Result<Vec<Step>, _>>();
    progress.finish_and_clear();
    let steps = steps?;
    if args.json {
        println!("{}", json::sweep(args, &steps));
    } else {
        print!("{}", table(args, &steps));
    }
    Ok(())
}

/// One line per `-m`: the thread pool's time and memory, then the async
/// program's, then the ideal they share.
fn table(args: &Args, steps: &[Step]) -> String {
    let rows = || steps.iter().flat_map(|(_, runs)| runs.iter().map(|(row, _)| row));
    let flags = rows().next().map_or(0, |row| row.flags);
    let mut text = format!(
        "{flags} flags, {} s a request, {} run(s) each: threads and async at each -m\n\n\
         {:>6}  {:>14} {:>10}  {:>14} {:>10}  {:>9}\n",
        args.latency, args.runs, "-m", "threads: time", "memory", "async: time", "memory", "ideal"
    );
    for (max_req, runs) in steps {
        if let [(threads, _), (coroutines, _)] = &runs[..] {
            let _ = writeln!(
                text,
                "{max_req:>6}  {:>12.2} s {:>10}  {:>12.2} s {:>10}  {:>7.2} s",
                threads.median,
                memory(threads.peak_rss_bytes),
                coroutines.median,
                memory(coroutines.peak_rss_bytes),
                threads.ideal
            );
        }
    }
    text
}
