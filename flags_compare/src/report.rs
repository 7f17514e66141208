//! The runs summed up: a row per program, printed as a table and as bars.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use crate::measure::Runs;
use crate::programs::Program;

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
    /// Wall times, in seconds.
    pub median: f64,
    pub min: f64,
    pub max: f64,
    /// The largest peak resident memory of the runs, in bytes; `None`
    /// where the system can't tell.
    pub peak_rss_bytes: Option<u64>,
    /// ceil(codes / concurrency) x latency: the time if nothing but the
    /// latency counted.
    pub ideal: f64,
    /// What the median run's report counted (see [`Runs::median`]).
    pub downloaded: usize,
    pub not_found: usize,
    pub errors: usize,
    /// Each error's reason, and how many codes ended with it.
    pub error_reasons: BTreeMap<String, usize>,
}

impl Row {
    /// Sums up a program's runs.
    pub fn new(runs: &Runs, latency: f64) -> Row {
        let mut secs: Vec<f64> = runs.samples.iter().map(|s| s.wall.as_secs_f64()).collect();
        secs.sort_by(f64::total_cmp);
        let (_, sample) = runs.median();
        let report = &sample.report;
        let concurrency = runs.samples.iter().map(|s| s.report.concur_req).max().unwrap_or(1);
        let peaks: Option<Vec<u64>> = runs.samples.iter().map(|s| s.peak_rss_bytes).collect();
        Row {
            program: runs.program,
            flags: report.flags,
            concurrency,
            default_concurrency: report.default_concur_req,
            max_concurrency: report.max_concur_req,
            median: median(&secs),
            min: secs[0],
            max: secs[secs.len() - 1],
            peak_rss_bytes: peaks.and_then(|peaks| peaks.into_iter().max()),
            ideal: ideal(report.flags, concurrency, latency),
            downloaded: report.downloaded,
            not_found: report.not_found,
            errors: report.errors,
            error_reasons: report.error_reasons.clone(),
        }
    }

    /// The row of a program whose requests are HTTP/2 streams on a site
    /// that allows `max_streams` of them at once: no more fly at once than
    /// that, whatever `-m` says, and the ideal counts the site's rounds.
    /// Other programs' rows are as they were.
    pub fn capped(self, max_streams: u32, latency: f64) -> Row {
        if !self.program.http2 {
            return self;
        }
        let concurrency = self.concurrency.min(max_streams as usize);
        Row { concurrency, ideal: ideal(self.flags, concurrency, latency), ..self }
    }

    /// How many times faster than `baseline` seconds.
    pub fn speedup(&self, baseline: f64) -> f64 {
        baseline / self.median
    }

    /// How much longer than the ideal it took; none without latency.
    pub fn ratio(&self) -> Option<f64> {
        (self.ideal > 0.0).then(|| self.median / self.ideal)
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

/// Bytes as MiB, as `top` and `/usr/bin/time` count (1 MiB = 1024 KiB).
pub fn mib(bytes: u64) -> f64 {
    bytes as f64 / (1024.0 * 1024.0)
}

/// A peak for the tables: `36.5 MiB`, or `unknown` where the system does not
/// tell it.
pub fn memory(bytes: Option<u64>) -> String {
    bytes.map_or("unknown".to_string(), |bytes| format!("{:.1} MiB", mib(bytes)))
}

/// The comparison table, 80 columns wide (83 with `flags_async --http2`);
/// speedups are over the first row (sequential). "at once" is the
/// concurrency each program reported.
pub fn table(rows: &[Row]) -> String {
    let baseline = rows.first().map_or(f64::NAN, |row| row.median);
    let name = name_width(rows) - 1;
    let mut text = format!(
        "{:<name$} {:>7}  {:<21} {:>7} {:>8} {:>5} {:>9}\n",
        "program", "at once", "median time (min-max)", "speedup", "ideal", "ratio", "memory"
    );
    for row in rows {
        let time = format!("{:.2} s ({:.2}-{:.2})", row.median, row.min, row.max);
        // No latency, no ideal to compare with.
        let ratio = row.ratio().map_or("-".to_string(), |ratio| format!("{ratio:.2}"));
        let memory = memory(row.peak_rss_bytes);
        let _ = writeln!(
            text,
            "{:<name$} {:>7}  {:<21} {:>6.1}x {:>6.2} s {:>5} {:>9}",
            row.program.name,
            row.concurrency,
            time,
            row.speedup(baseline),
            row.ideal,
            ratio,
            memory
        );
    }
    text
}

/// When some download did not succeed: what each program's median run
/// counted, and why. Nothing when all went well.
pub fn outcomes(rows: &[Row]) -> String {
    let mut text = String::new();
    if rows.iter().all(|row| row.downloaded == row.flags) {
        return text;
    }
    let name = name_width(rows);
    for row in rows {
        let _ = writeln!(
            text,
            "{:<name$} {} downloaded, {} not found, {} errors",
            row.program.name, row.downloaded, row.not_found, row.errors
        );
        for (reason, count) in &row.error_reasons {
            let _ = writeln!(text, "{:<name$} {count:>3} x {}", "", shorten(reason, 56));
        }
    }
    text + "\n"
}

/// `text`, cut to `most` characters with "..." if longer: a line stays
/// within 80 columns.
fn shorten(text: &str, most: usize) -> String {
    match text.char_indices().nth(most.saturating_sub(3)) {
        Some((cut, _)) if text.chars().count() > most => format!("{}...", &text[..cut]),
        _ => text.to_string(),
    }
}

/// Horizontal bars, the longest 50 characters wide, eighths of a block precise.
pub fn bars(rows: &[Row]) -> String {
    let longest = rows.iter().map(|row| row.median).fold(0.0, f64::max);
    let name = name_width(rows);
    let mut text = String::new();
    for row in rows {
        let eighths = (row.median / longest * 400.0).round() as usize;
        let _ = writeln!(text, "{:<name$} {} {:.2} s", row.program.name, bar(eighths), row.median);
    }
    text
}

/// The column the programs' names take: 17, or one more than the longest.
fn name_width(rows: &[Row]) -> usize {
    rows.iter().map(|row| row.program.name.len() + 1).fold(17, usize::max)
}

fn bar(eighths: usize) -> String {
    const PARTIAL: [&str; 8] = ["", "▏", "▎", "▍", "▌", "▋", "▊", "▉"];
    "█".repeat(eighths / 8) + PARTIAL[eighths % 8]
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;
    use flags_common::RunReport;

    use crate::measure::Sample;
    use crate::programs::{ASYNC, ASYNC_HTTP2, SEQ};

    fn runs(program: Program, secs: &[f64], concur_req: usize) -> Runs {
        let report = RunReport { flags: 20, concur_req, downloaded: 20, ..RunReport::default() };
        let sample = |secs: &f64| Sample {
            wall: Duration::from_secs_f64(*secs),
            peak_rss_bytes: Some(2 << 20),
            report: report.clone(),
            records: Vec::new(),
        };
        Runs { program, samples: secs.iter().map(sample).collect() }
    }

    #[test]
    fn a_site_that_allows_fewer_streams_makes_rounds_of_its_own() {
        let http2 = Row::new(&runs(ASYNC_HTTP2, &[0.4], 20), 0.05).capped(6, 0.05);
        assert_eq!(http2.concurrency, 6);
        assert!((http2.ideal - 4.0 * 0.05).abs() < 1e-9, "ceil(20 / 6) rounds");
        let http1 = Row::new(&runs(ASYNC, &[0.2], 20), 0.05).capped(6, 0.05);
        assert_eq!(http1.concurrency, 20, "HTTP/1.1: a connection each, no stream cap");
    }

    #[test]
    fn rows_take_the_median_and_the_ideal() {
        let seq = runs(SEQ, &[7.3, 7.2, 7.25], 1);
        let row = Row::new(&seq, 0.36);
        assert_eq!((row.median, row.min, row.max, seq.median().0), (7.25, 7.2, 7.3, 2));
        assert_eq!(row.peak_rss_bytes.map(mib), Some(2.0));
        assert!((row.ideal - 7.2).abs() < 1e-9);
        let two = runs(ASYNC, &[0.4, 0.38], 20);
        assert!((Row::new(&two, 0.36).median - 0.39).abs() < 1e-9);
        assert_eq!(two.median().0, 1, "of two in the middle, the faster");
        assert_eq!(ideal(20, 6, 1.0), 4.0);
        assert_eq!(Row::new(&runs(SEQ, &[1.0], 1), 0.0).ratio(), None);
    }

    #[test]
    fn bars_are_proportional() {
        let rows =
            [Row::new(&runs(SEQ, &[8.0], 1), 0.36), Row::new(&runs(ASYNC, &[1.0], 20), 0.36)];
        let text = bars(&rows);
        let widths: Vec<usize> = text.lines().map(|l| l.matches('█').count()).collect();
        assert_eq!(widths, [50, 6]);
        assert!(text.lines().nth(1).is_some_and(|l| l.contains("█▎ 1.00 s")));
        assert_eq!(outcomes(&rows), "", "all went well");
    }

    #[test]
    fn unknown_memory_says_so() {
        let mut unknown = runs(SEQ, &[1.0], 1);
        unknown.samples[0].peak_rss_bytes = None;
        let row = Row::new(&unknown, 0.36);
        assert_eq!(row.peak_rss_bytes, None);
        assert!(table(&[row]).lines().nth(1).is_some_and(|line| line.ends_with("unknown")));
    }

    #[test]
    fn the_table_fits_80_columns() {
        let rows = [Row::new(&runs(SEQ, &[10.56, 10.54, 10.57], 1), 0.36)];
        let text = table(&rows);
        assert!(text.lines().all(|line| line.chars().count() <= 80), "{text}");
        assert_eq!(shorten("connection reset by peer", 12), "connectio...");
        assert_eq!(shorten("timeout", 12), "timeout");
    }
}
