//! Running a program as a user would, and measuring it: wall time, peak
//! memory, what its `--json` report says it did, and what the site saw.

use std::fs::{self, File};
use std::io;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use flags_common::RunReport;
use flags_server::Record;
use indicatif::ProgressBar;

use crate::failure::Failure;
use crate::interrupt;
use crate::programs::Program;
use crate::site::SiteProcess;
use crate::wait;

/// What one run showed.
#[derive(Clone, Debug)]
pub struct Sample {
    /// From spawning the program to reaping it.
    pub wall: Duration,
    /// Its peak resident memory, in bytes, where the system tells it.
    pub peak_rss_bytes: Option<u64>,
    /// What the program reported, with `--json`.
    pub report: RunReport,
    /// What the site recorded of its requests.
    pub records: Vec<Record>,
}

/// A program's runs on one workload.
pub struct Runs {
    pub program: Program,
    /// At least one, in the order they ran.
    pub samples: Vec<Sample>,
}

impl Runs {
    /// The run with the median time (of two in the middle, the faster),
    /// and its place in `samples`: the run that the timeline shows.
    pub fn median(&self) -> (usize, &Sample) {
        let mut order: Vec<usize> = (0..self.samples.len()).collect();
        order.sort_by_key(|&run| self.samples[run].wall);
        let run = order[(order.len() - 1) / 2];
        (run, &self.samples[run])
    }
}

/// Runs `program` `runs` times on the workload (`args`, which follow the
/// program's own), one run after another.
pub fn repeat(
    runs: u32, program: Program, exe: &Path, site: &SiteProcess, args: &[String],
    progress: &ProgressBar,
) -> Result<Runs, Failure> {
    let args: Vec<String> =
        program.args.iter().map(|arg| arg.to_string()).chain(args.to_vec()).collect();
    progress.set_message(format!("{} {}", program.binary, args.join(" ")));
    let run = |_| run_once(exe, site, &args).inspect(|_| progress.inc(1));
    let samples = (0..runs).map(run).collect::<Result<_, _>>()?;
    Ok(Runs { program, samples })
}

/// Runs `exe --json -s SITE args..` in a fresh temporary folder, which is
/// removed afterwards, whatever happens: the saved flags are not the point.
pub fn run_once(exe: &Path, site: &SiteProcess, args: &[String]) -> Result<Sample, Failure> {
    interrupt::check()?;
    let folder = tempfile::Builder::new().prefix("flags_compare-").tempdir();
    let folder = folder.map_err(|err| format!("cannot make a temporary folder: {err}"))?;
    let cannot_run = |err: io::Error| format!("cannot run {}: {err}", exe.display());
    let (stdout, stderr) = (folder.path().join("stdout.json"), folder.path().join("stderr.txt"));
    let mut command = Command::new(exe);
    command.args(["--json", "-s", &site.url]).args(args).current_dir(folder.path());
    command.stdin(Stdio::null());
    command.stdout(File::create(&stdout).map_err(cannot_run)?);
    command.stderr(File::create(&stderr).map_err(cannot_run)?);

    let started = Instant::now();
    let mut child = command.spawn().map_err(cannot_run)?;
    let exit = wait::wait(&mut child)?;
    let wall = started.elapsed();

    let report =
        serde_json::from_str::<RunReport>(&fs::read_to_string(&stdout).unwrap_or_default());
    match (exit.status, report) {
        // 1: some downloads failed, which the report counts.
        (0 | 1, Ok(report)) => {
            let records = site.records_of_last_run()?;
            Ok(Sample { wall, peak_rss_bytes: exit.peak_rss_bytes, report, records })
        }
        // "flags_seq exited with status 2: error: unexpected argument '-x' found"
        (status, _) => {
            let stderr = fs::read_to_string(&stderr).unwrap_or_default();
            Err(Failure::of_exit(&exe.display().to_string(), status, &stderr))
        }
    }
}
