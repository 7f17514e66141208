//! `--sweep M,M,...`: where threads and coroutines part ways.
//!
//! The book claims that threads and coroutines perform alike while the client
//! decides how many requests are in flight. The sweep tests that: the thread
//! pool and the async program on the same workload at each `-m`, their time
//! and their peak memory side by side.

use std::path::PathBuf;

use crate::measure::{ASYNC, THREADPOOL};
use crate::report::{self, Row};
use crate::site::SiteProcess;
use crate::{Args, Workload, progress, repeat};

/// Runs the thread pool and the async program at each `-m` and prints the
/// results, as a table or as JSON.
pub fn sweep(
    args: &Args, exes: &[PathBuf; 3], site: &SiteProcess, workload: &Workload,
) -> Result<(), String> {
    let progress = progress(args.sweep.len() as u64 * 2 * args.runs as u64);
    let mut results = Vec::new();
    for max_req in &args.sweep {
        let mut program_args = workload.args.clone();
        program_args.extend(["-m".to_string(), max_req.to_string()]);
        for (program, exe) in [(THREADPOOL, &exes[1]), (ASYNC, &exes[2])] {
            let samples = repeat(args.runs, &program, exe, &site.url, &program_args, &progress)?;
            results.push((*max_req, Row::new(program, &samples, args.latency)));
        }
    }
    progress.finish_and_clear();
    if args.json {
        println!("{}", json(&results));
    } else {
        print!("{}", table(args, &results));
    }
    Ok(())
}

/// One line per `-m`: the thread pool's time and memory, then the async
/// program's, then the ideal they share.
fn table(args: &Args, results: &[(u32, Row)]) -> String {
    let flags = results.first().map_or(0, |(_, row)| row.flags);
    let mut text = format!(
        "{} flags, {} s a request, {} run(s) each: threads and async at each -m\n\n\
         {:>6}  {:>14} {:>9}  {:>14} {:>9}  {:>9}\n",
        flags,
        args.latency,
        args.runs,
        "-m",
        "threads: time",
        "memory",
        "async: time",
        "memory",
        "ideal"
    );
    for pair in results.chunks(2) {
        if let [(max_req, threads), (_, coroutines)] = pair {
            text += &format!(
                "{max_req:>6}  {:>12.2} s {:>6.1} MB  {:>12.2} s {:>6.1} MB  {:>7.2} s\n",
                threads.median,
                threads.peak_mib,
                coroutines.median,
                coroutines.peak_mib,
                threads.ideal
            );
        }
    }
    text
}

fn json(results: &[(u32, Row)]) -> String {
    let rows: Vec<String> = results
        .iter()
        .map(|(max_req, row)| {
            format!("{{\"max_req\": {max_req}, \"result\": {}}}", report::json_row(row))
        })
        .collect();
    format!("{{\"sweep\": [{}]}}", rows.join(", "))
}
