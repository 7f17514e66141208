//! The growth chart's points: each program at 20, 194 and 676 flags.
//!
//! At 0.36 s a request, flags_seq takes 70 s for 194 flags and four minutes
//! for 676: nobody waits that long for a chart. A point whose ideal time
//! would pass [`MAX_POINT_SECS`] is measured on a faster site instead, one
//! whose latency makes the ideal about [`QUICK_POINT_SECS`], and scaled
//! back: each of its ceil(flags / concurrency) rounds of requests would
//! have taken the difference in latency longer. The chart draws such points
//! hollow, and says so.

use indicatif::ProgressBar;

use crate::chart::{Point, Series};
use crate::failure::Failure;
use crate::measure;
use crate::programs::Programs;
use crate::report::{self, Row};
use crate::site::{SiteProcess, SiteSettings};
use crate::workload::{Workload, WorkloadArgs};

/// A point whose ideal time is longer than this is measured quicker...
const MAX_POINT_SECS: f64 = 10.0;
/// ... at a latency that makes its ideal time about this long.
const QUICK_POINT_SECS: f64 = 2.0;

/// The chart's workloads: how many flags, and the programs' argument for it.
const SIZES: [(usize, Option<&str>); 3] = [(20, None), (194, Some("-a")), (676, Some("-e"))];

/// Measures the points of each program the table measured, on the
/// table's kind of site (`args`) and with its `-m`, if any.
pub fn measure(
    args: &WorkloadArgs, max_req: Option<u32>, programs: &Programs, rows: &[Row],
    progress: &ProgressBar,
) -> Result<Vec<Series>, Failure> {
    // Only the options, `-m` and `--timeout`: each point has its own codes.
    let options = Workload::new(args, max_req).options;
    let chart = Chart { args, max_req, options, programs, progress };
    let series = |row: &Row| {
        let points = SIZES.into_iter().map(|size| chart.point(row, size));
        Ok(Series { program: row.program, points: points.collect::<Result<_, Failure>>()? })
    };
    rows.iter().map(series).collect()
}

/// What every point shares.
struct Chart<'a> {
    args: &'a WorkloadArgs,
    max_req: Option<u32>,
    /// The programs' options: `-m N`, `--timeout SECS`.
    options: Vec<String>,
    programs: &'a Programs,
    progress: &'a ProgressBar,
}

impl Chart<'_> {
    /// One point of the program of `table_row`, at `--latency` or quicker
    /// and scaled.
    fn point(
        &self, table_row: &Row, (flags, size_arg): (usize, Option<&str>),
    ) -> Result<Point, Failure> {
        let (args, programs) = (self.args, self.programs);
        let concurrency = expected_concurrency(table_row, self.max_req, flags);
        let ideal = report::ideal(flags, concurrency, args.latency);
        let scaled = ideal > MAX_POINT_SECS;
        let latency = if scaled { args.latency * QUICK_POINT_SECS / ideal } else { args.latency };
        let site = SiteProcess::start(
            &programs.server,
            &SiteSettings { latency, ..SiteSettings::of(args) },
        )?;
        let mut program_args: Vec<String> = size_arg.map(str::to_string).into_iter().collect();
        program_args.extend(self.options.iter().cloned());
        let program = table_row.program;
        let exe = programs.exe(program);
        let runs = measure::repeat(args.runs, program, exe, &site, &program_args, self.progress)?;
        let row = Row::new(&runs, latency).capped(args.max_streams, latency);
        // Scaled back: each round of requests waits `args.latency`, not `latency`.
        let ideal = report::ideal(flags, row.concurrency, args.latency);
        let secs = row.median + (ideal - row.ideal);
        Ok(Point { flags, secs, ideal, scaled })
    }
}

/// The concurrency a program will use for `flags` flags, to decide whether
/// a point is quick: its own default and limit, as its reports said.
fn expected_concurrency(row: &Row, max_req: Option<u32>, flags: usize) -> usize {
    let asked = max_req.map_or(row.default_concurrency, |m| m as usize);
    asked.min(row.max_concurrency).min(flags).max(1)
}
