//! Summaries of the runs: the table, the terminal bar chart, and JSON.

use std::fmt::Write as _;

use crate::measure::{Program, Sample};

/// A program's runs on one workload, summed up.
#[derive(Clone, Debug)]
pub struct Row {
    pub program: Program,
    /// How many flags each run was to download.
    pub flags: usize,
    pub concurrency: usize,
    /// The program's default and largest concurrency, as it reported them.
    pub default_concurrency: usize,
    pub max_concurrency: usize,
    pub median: f64,
    pub min: f64,
    pub max: f64,
    pub peak_mib: f64,
    /// ceil(codes / concurrency) x latency: the time if nothing but the
    /// latency counted.
    pub ideal: f64,
}

impl Row {
    /// Sums up a program's samples (at least one).
    pub fn new(program: Program, samples: &[Sample], latency: f64) -> Row {
        let mut secs: Vec<f64> = samples.iter().map(|s| s.wall.as_secs_f64()).collect();
        secs.sort_by(f64::total_cmp);
        let report = samples[0].report;
        let concurrency = samples.iter().map(|s| s.report.concur_req).max().unwrap_or(1);
        let peak_kib = samples.iter().map(|s| s.peak_kib).max().unwrap_or(0);
        let ideal = ideal(report.flags, concurrency, latency);
        let (min, max) = (secs[0], secs[secs.len() - 1]);
        Row {
            program,
            flags: report.flags,
            concurrency,
            default_concurrency: report.default_concur_req,
            max_concurrency: report.max_concur_req,
            median: median(&secs),
            min,
            max,
            peak_mib: mib(peak_kib),
            ideal,
        }
    }

    /// How much longer than the ideal it took (meaningless without latency).
    pub fn ratio(&self) -> f64 {
        self.median / self.ideal
    }
}

/// ceil(codes / concurrency) rounds of requests, each `latency` long.
pub fn ideal(codes: usize, concurrency: usize, latency: f64) -> f64 {
    codes.div_ceil(concurrency.max(1)) as f64 * latency
}

fn median(sorted: &[f64]) -> f64 {
    let mid = sorted.len() / 2;
    match sorted.len() % 2 {
        1 => sorted[mid],
        _ => (sorted[mid - 1] + sorted[mid]) / 2.0,
    }
}

fn mib(kib: u64) -> f64 {
    kib as f64 / 1024.0
}

/// The comparison table; speedups are over the first row (sequential).
pub fn table(rows: &[Row]) -> String {
    let baseline = rows.first().map_or(f64::NAN, |row| row.median);
    let mut text = format!(
        "{:<17} {:<10} {:>11}  {:<22} {:>7} {:>8} {:>6} {:>8}\n",
        "program",
        "model",
        "concurrency",
        "time: median (min-max)",
        "speedup",
        "ideal",
        "ratio",
        "memory"
    );
    for row in rows {
        let time = format!("{:.2} s ({:.2}-{:.2})", row.median, row.min, row.max);
        let ratio = match row.ideal > 0.0 {
            true => format!("{:.2}", row.ratio()),
            false => "-".to_string(), // no latency, no ideal to compare with
        };
        let _ = writeln!(
            text,
            "{:<17} {:<10} {:>11}  {:<22} {:>6.1}x {:>6.2} s {:>6} {:>5.1} MB",
            row.program.name,
            row.program.model,
            row.concurrency,
            time,
            baseline / row.median,
            row.ideal,
            ratio,
            row.peak_mib
        );
    }
    text
}

/// Horizontal bars, the longest 50 characters wide, eighths of a block precise.
pub fn bars(rows: &[Row]) -> String {
    let longest = rows.iter().map(|row| row.median).fold(0.0, f64::max);
    let mut text = String::new();
    for row in rows {
        let eighths = (row.median / longest * 400.0).round() as usize;
        let _ = writeln!(text, "{:<17} {} {:.2} s", row.program.name, bar(eighths), row.median);
    }
    text
}

fn bar(eighths: usize) -> String {
    const PARTIAL: [&str; 8] = ["", "▏", "▎", "▍", "▌", "▋", "▊", "▉"];
    "█".repeat(eighths / 8) + PARTIAL[eighths % 8]
}

/// One row as a JSON object.
pub fn json_row(row: &Row) -> String {
    format!(
        "{{\"program\": \"{}\", \"model\": \"{}\", \"concurrency\": {}, \"median_s\": {:.4}, \
         \"min_s\": {:.4}, \"max_s\": {:.4}, \"ideal_s\": {:.4}, \"peak_mib\": {:.1}}}",
        row.program.name,
        row.program.model,
        row.concurrency,
        row.median,
        row.min,
        row.max,
        row.ideal,
        row.peak_mib
    )
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;
    use crate::measure::{ASYNC, Report, SEQ};

    fn sample(secs: f64, concur_req: usize) -> Sample {
        let report =
            Report { flags: 20, concur_req, default_concur_req: concur_req, max_concur_req: 1000 };
        Sample { wall: Duration::from_secs_f64(secs), peak_kib: 2048, report }
    }

    #[test]
    fn rows_take_the_median_and_the_ideal() {
        let row = Row::new(SEQ, &[sample(7.3, 1), sample(7.2, 1), sample(7.25, 1)], 0.36);
        assert_eq!((row.median, row.min, row.max, row.peak_mib), (7.25, 7.2, 7.3, 2.0));
        assert!((row.ideal - 7.2).abs() < 1e-9);
        let two = Row::new(ASYNC, &[sample(0.4, 20), sample(0.38, 20)], 0.36);
        assert!((two.median - 0.39).abs() < 1e-9);
        assert_eq!(ideal(20, 6, 1.0), 4.0);
    }

    #[test]
    fn bars_are_proportional() {
        let rows =
            [Row::new(SEQ, &[sample(8.0, 1)], 0.36), Row::new(ASYNC, &[sample(1.0, 20)], 0.36)];
        let text = bars(&rows);
        let widths: Vec<usize> = text.lines().map(|l| l.matches('█').count()).collect();
        assert_eq!(widths, [50, 6]);
        assert!(text.lines().nth(1).is_some_and(|l| l.contains("█▎ 1.00 s")));
        assert!(json_row(&rows[1]).contains("\"concurrency\": 20"));
    }
}
