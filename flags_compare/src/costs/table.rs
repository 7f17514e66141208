//! `costs` as text: a row per N, a peak and a per unit figure per kind,
//! the last step; then how long threads and futures took to start, where
//! the system stopped them; then what each kind is and what the figures
//! leave out.

use std::fmt::Write as _;
use std::time::Duration;

use super::{Costs, Kind, Peak, Point, Series};
use crate::report::memory;

/// The first column: N, or the last step's two counts alive, `300→676`,
/// `10k→100k`.
const FIRST: usize = 11;

/// The whole text, under 100 columns.
pub fn render(costs: &Costs) -> String {
    let mut text = per_unit_means(&costs.series).to_string();
    text += &header(&costs.series);
    for &n in &costs.counts {
        text += &row_of(&costs.series, n);
    }
    text += &last_step(&costs.series);
    text += &starts(costs);
    text += &stops(&costs.series);
    text += &notes(costs);
    // The empty cells of the table leave blanks at the end of some lines.
    text.lines().map(|line| line.trim_end().to_string() + "\n").collect()
}

fn header(series: &[Series]) -> String {
    let (mut kinds, mut columns) = (format!("{:FIRST$}", ""), format!("{:>FIRST$}", "N"));
    for one in series {
        let _ = write!(kinds, "  {:^20}", one.kind.name());
        let _ = write!(columns, "  {:>9} {:>10}", "peak", "per unit");
    }
    format!("{kinds}\n{columns}\n")
}

/// The row of count `n`: each kind's peak there, and per unit, or that
/// it was not probed.
fn row_of(series: &[Series], n: u32) -> String {
    let mut text = format!("{n:>FIRST$}");
    for one in series {
        let (peak_cell, per_unit_cell) = match one.at(n) {
            Some(point) => (peak(point.peak), one.per_unit(point).map_or(String::new(), per_unit)),
            None => ("skipped".to_string(), String::new()),
        };
        let _ = write!(text, "  {peak_cell:>9} {per_unit_cell:>10}");
    }
    text + "\n"
}

/// How long the threads and the futures took to start, at each count: from
/// the first spawn until all were waiting, and that over those alive.
fn starts(costs: &Costs) -> String {
    let timed: Vec<&Series> = costs.series.iter().filter(|one| started(one).is_some()).collect();
    if timed.is_empty() {
        return String::new();
    }
    let mut text = String::from("\nStart: from the first spawn until all N are waiting\n");
    let _ = write!(text, "{:>FIRST$}", "N");
    for one in &timed {
        let _ = write!(text, "  {:>9} {:>9} {:>10}", one.kind.name(), "total", "per unit");
    }
    text += "\n";
    for &n in costs.counts.iter().filter(|&&n| n > 0) {
        let _ = write!(text, "{n:>FIRST$}");
        for one in &timed {
            let point = one.at(n);
            let alive = point.map_or(String::new(), |point| format!("{} up", point.alive));
            let total = point.and_then(|point| point.start).map_or(String::new(), duration);
            let each = point.and_then(Point::start_per_unit).map_or(String::new(), duration);
            let _ = write!(text, "  {alive:>9} {total:>9} {each:>10}");
        }
        text += "\n";
    }
    text
}

/// A series' start time at its largest count, if it has one.
fn started(series: &Series) -> Option<Duration> {
    series.points.last()?.start
}

/// Where fewer than N started, why; and the counts a kind skipped.
fn stops(series: &[Series]) -> String {
    let mut text = String::new();
    for one in series {
        for point in one.points.iter() {
            let Some(refused) = &point.refused else { continue };
            let (kind, n, alive) = (one.kind.name(), point.n, point.alive);
            let then = match refused.by.as_str() {
                "system" => "the system refused the next",
                _ => "the probe stopped, before a limit",
            };
            let _ = writeln!(text, "\n{kind} at N={n}: {alive} started, then {then}");
            let _ = writeln!(text, "  why:   {}", refused.reason);
            let limits = refused.limit.as_deref().unwrap_or("none read was full");
            for limit in limits.split("; ") {
                let _ = writeln!(text, "  limit: {limit}");
            }
            let _ = writeln!(text, "  (its per unit figures count the {alive} alive)");
        }
    }
    for one in series.iter().filter(|one| !one.skipped.is_empty()) {
        let skipped: Vec<String> = one.skipped.iter().map(u32::to_string).collect();
        let (kind, why) = (one.kind.name(), one.kind.why_no_more().unwrap_or("not probed"));
        let _ = writeln!(text, "\n{kind}: not probed at N={}, as\n  {why}", skipped.join(","));
    }
    text
}

/// The pairs of counts of the kinds' last steps, each once.
fn step_pairs(series: &[Series]) -> Vec<(u32, u32)> {
    let mut pairs: Vec<_> =
        series.iter().filter_map(Series::last_step).map(|s| (s.0, s.1)).collect();
    pairs.sort_unstable();
    pairs.dedup();
    pairs
}

/// Two counts, short enough for the first column: `300→676`, `10k→100k`.
fn step_name(from: u32, to: u32) -> String {
    let short = |n: u32| match n {
        10_000.. if n % 1000 == 0 => format!("{}k", n / 1000),
        _ => n.to_string(),
    };
    format!("{}→{}", short(from), short(to))
}

/// `812 ns`, `3.4 µs`, `38.6 ms`, `1.86 s`.
fn duration(time: Duration) -> String {
    let secs = time.as_secs_f64();
    if secs < 1e-6 {
        format!("{} ns", time.as_nanos())
    } else if secs < 1e-3 {
        format!("{:.1} µs", secs * 1e6)
    } else if secs < 1.0 {
        format!("{:.1} ms", secs * 1e3)
    } else {
        format!("{secs:.2} s")
    }
}

/// What one more costs between the two largest counts, for each kind: a
/// row for each pair of counts, as a kind that skipped the largest has
/// another.
fn last_step(series: &[Series]) -> String {
    let steps: Vec<_> = series.iter().map(Series::last_step).collect();
    let mut text = String::new();
    for (from, to) in step_pairs(series) {
        let _ = write!(text, "{:>FIRST$}", step_name(from, to));
        for step in &steps {
            let cell = match step {
                Some((f, t, bytes)) if (*f, *t) == (from, to) => per_unit(*bytes),
                _ => String::new(),
            };
            let _ = write!(text, "  {:>9} {cell:>10}", "");
        }
        text += "\n";
    }
    text
}

/// What the per unit figures divide.
fn per_unit_means(series: &[Series]) -> &'static str {
    if series.iter().all(Series::by_anon) {
        "N of each alive at once, each N in a fresh process: its peak RSS, and per unit\n\
         (anonymous memory at N - at 0) / N: the heap and stacks, which grow with N. The\n\
         rest of the peak is code and libraries, paid once, which vary by some 200 KiB\n\
         from run to run: more than 676 futures weigh (~0: lost in that noise).\n\n"
    } else {
        "N of each alive at once, each N in a fresh process: its peak RSS, and per unit\n\
         (peak at N - peak at 0) / N.\n\n"
    }
}

/// What each kind is, and what the figures are and are not.
fn notes(costs: &Costs) -> String {
    let mut text = String::from("\n");
    for kind in Kind::ALL {
        let _ = writeln!(text, "{:<8} {}", format!("{}:", kind.name()), kind.what());
    }
    for (from, to) in step_pairs(&costs.series) {
        let name = step_name(from, to);
        let _ = writeln!(
            text,
            "{name}: per unit from {from} to {to} alive at once, without what the first one costs once"
        );
    }
    text += &connections(&costs.series);
    let _ = writeln!(
        text,
        "\nOne waiting future of the futures probe is {} bytes (size_of_val), in a node of\n\
         buffer_unordered. flags_common's with_reqwest::Client::get future, which flags_async's\n\
         download_one holds while it waits for an answer, is {} bytes (download_one lives in\n\
         flags_async's binary, which nothing can import: not measured).",
        costs.waiting_future_bytes, costs.get_future_bytes
    );
    text += &peaks_by(&costs.series);
    text += "Not counted (RSS is user space only): socket buffers, each thread's kernel stack\n\
             (16 KiB on x86-64 Linux), page tables: kernel memory, not measured here.\n";
    text
}

/// Whether the connection probes kept one connection per unit alive, as
/// the site saw them: 2N GETs on N connections. Said once if so, else at
/// each count where not.
fn connections(series: &[Series]) -> String {
    let mut text = String::new();
    for one in series.iter().filter(|one| one.kind.connects()) {
        for point in one.points.iter().filter(|point| !kept_alive(point)) {
            let seen = |count: Option<usize>| count.map_or("?".to_string(), |c| c.to_string());
            let (requests, connections) = (seen(point.requests), seen(point.connections));
            let (kind, n) = (one.kind.name(), point.n);
            let _ = writeln!(
                text,
                "{kind} at N={n}: the site saw {requests} GETs on {connections} connections, not {} on {n}",
                2 * n
            );
        }
    }
    if text.is_empty() {
        "The site saw 2N GETs on N connections from each ureq and reqwest probe: each\n\
         connection, kept alive, took a second GET after the memory was read.\n"
            .to_string()
    } else {
        text
    }
}

fn kept_alive(point: &Point) -> bool {
    let n = point.n as usize;
    point.requests == Some(2 * n) && point.connections == Some(n)
}

/// How the peaks were read.
fn peaks_by(series: &[Series]) -> String {
    let peaks = || series.iter().flat_map(|one| one.points.iter().map(|point| point.peak));
    if peaks().all(|peak| peak.is_some_and(|peak| peak.by == Peak::OWN)) {
        return "Peaks: each probe's own VmHWM (Linux): its image's peak only, since its exec.\n"
            .to_string();
    }
    if peaks().all(|peak| peak.is_none()) {
        return "Peaks: unknown, this system does not tell a process's peak memory.\n".to_string();
    }
    "Peaks: wait4's ru_maxrss where the probe could not tell its own (it may count\n\
     flags_compare's own peak: Linux's does).\n"
        .to_string()
}

fn peak(peak: Option<Peak>) -> String {
    memory(peak.map(|peak| peak.bytes))
}

/// Bytes under a KiB, else KiB: a future weighs bytes, a connection KiB.
/// Below zero, the process happened to touch fewer pages at N than at 0:
/// what N units weigh is lost in that noise, and shown as `~0`.
fn per_unit(bytes: f64) -> String {
    if bytes < 0.0 {
        "~0".to_string()
    } else if bytes < 1024.0 {
        format!("{bytes:.0} B")
    } else {
        format!("{:.1} KiB", bytes / 1024.0)
    }
}

#[cfg(test)]
mod tests {
    use super::super::held::Refusal;
    use super::*;

    #[test]
    fn a_unit_lost_in_the_noise_is_about_nothing() {
        assert_eq!([-4096.0, 176.0, 15_053.0].map(per_unit), ["~0", "176 B", "14.7 KiB"]);
    }

    fn costs(peak: impl Fn(u32) -> Option<Peak>, anon: impl Fn(u32) -> Option<u64>) -> Costs {
        let points = |kind: Kind| {
            let point = |n| {
                let start = (!kind.connects()).then_some(Duration::from_millis(1));
                let (peak, anon) = (peak(n), anon(n));
                let (requests, connections, refused) = (None, None, None);
                Point { n, peak, anon, requests, connections, alive: n, start, refused }
            };
            Series { kind, points: [0, 1, 10_000].map(point).into(), skipped: vec![] }
        };
        Costs {
            counts: vec![0, 1, 10_000],
            series: Kind::ALL.map(points).into(),
            waiting_future_bytes: 88,
            get_future_bytes: 792,
        }
    }

    #[test]
    fn a_table_under_100_columns_with_its_steps() {
        let peak = |n: u32| Some(Peak { bytes: (3 << 20) + u64::from(n) * 10_240, by: Peak::OWN });
        let text = render(&costs(peak, |n| Some((300 << 10) + u64::from(n) * 10_240)));
        assert!(text.lines().all(|line| line.chars().count() < 100), "{text}");
        let step = text.lines().find(|line| line.trim_start().starts_with("1→10k"));
        assert!(step.is_some_and(|line| line.matches("10.0 KiB").count() == 4), "{text}");
        assert!(text.contains("(anonymous memory at N - at 0) / N"), "{text}");
        assert!(text.contains("is 792 bytes (download_one"), "{text}");
    }

    #[test]
    fn where_nothing_tells_the_memory_it_is_unknown() {
        let text = render(&costs(|_| None, |_| None));
        let zero = text.lines().find(|line| line.trim_start().starts_with("0 "));
        assert!(zero.is_some_and(|line| line.matches("unknown").count() == 4), "{text}");
        assert!(text.contains("Peaks: unknown"), "{text}");
    }

    #[test]
    fn says_where_threads_stopped_and_what_was_skipped() {
        let peak = |n: u32| Some(Peak { bytes: (3 << 20) + u64::from(n) * 10_240, by: Peak::OWN });
        let mut costs = costs(peak, |n| Some(u64::from(n) * 10_240));
        costs.counts.push(100_000);
        let refused = Refusal {
            by: "system".to_string(),
            reason: "Resource temporarily unavailable (os error 11)".to_string(),
            limit: Some("kernel.pid_max = 32768, 32700 tasks on the system".to_string()),
        };
        let stopped = Point {
            n: 100_000,
            peak: peak(32_000),
            anon: Some(32_000 * 10_240),
            requests: None,
            connections: None,
            alive: 32_000,
            start: Some(Duration::from_secs(2)),
            refused: Some(refused),
        };
        costs.series[0].points.push(stopped);
        costs.series[2].skipped.push(100_000);
        let text = render(&costs);
        assert!(text.lines().all(|line| line.chars().count() < 100), "{text}");
        let row = text.lines().find(|line| line.trim_start().starts_with("100000 "));
        // 10 KiB a thread over the 32,000 alive; the futures were not probed there.
        assert!(
            row.is_some_and(|row| row.contains("10.0 KiB") && row.contains("skipped")),
            "{text}"
        );
        assert!(
            text.contains("threads at N=100000: 32000 started, then the system refused"),
            "{text}"
        );
        assert!(text.contains("(os error 11)") && text.contains("limit: kernel.pid_max"), "{text}");
        assert!(text.contains("32000 up    2.00 s    62.5 µs"), "{text}");
        assert!(text.contains("ureq: not probed at N=100000, as\n  N connections"), "{text}");
        // A step for the threads to the 32,000 alive, another for the rest to 10000.
        assert!(text.contains("10k→32k") && text.contains("1→10k"), "{text}");
    }
}
