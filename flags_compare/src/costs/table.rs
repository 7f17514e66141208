//! `costs` as text: a row per N, a peak and a per unit figure per kind,
//! the last step, then what each kind is and what the figures leave out.

use std::fmt::Write as _;

use super::{Costs, Kind, Peak, Point, Series};
use crate::report::memory;

/// The first column: N, or the last step's two counts, `300→676`.
const FIRST: usize = 11;

/// The whole text, under 100 columns.
pub fn render(costs: &Costs) -> String {
    let mut text = per_unit_means(&costs.series).to_string();
    text += &header(&costs.series);
    let counts = costs.series.first().map(|series| series.points.len()).unwrap_or_default();
    for row in 0..counts {
        text += &row_of(&costs.series, row);
    }
    text += &last_step(&costs.series);
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

/// The row of the `row`th count: each kind's peak there, and per unit.
fn row_of(series: &[Series], row: usize) -> String {
    let n = series.first().and_then(|one| one.points.get(row)).map_or(0, |point| point.n);
    let mut text = format!("{n:>FIRST$}");
    for one in series {
        let Some(point) = one.points.get(row) else { continue };
        let per_unit = one.per_unit(point).map_or(String::new(), per_unit);
        let _ = write!(text, "  {:>9} {per_unit:>10}", peak(point.peak));
    }
    text + "\n"
}

/// What one more costs between the two largest counts, for each kind.
fn last_step(series: &[Series]) -> String {
    let steps: Vec<_> = series.iter().map(Series::last_step).collect();
    let Some((from, to, _)) = steps.iter().flatten().next() else { return String::new() };
    let mut text = format!("{:>FIRST$}", format!("{from}→{to}"));
    for step in &steps {
        let _ = write!(text, "  {:>9} {:>10}", "", step.map_or(String::new(), |s| per_unit(s.2)));
    }
    text + "\n"
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
    if let Some((from, to, _)) = costs.series.iter().find_map(Series::last_step) {
        let _ = writeln!(
            text,
            "{from}→{to}: per unit from N={from} to N={to}, without what the first one costs once"
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
    use super::*;

    #[test]
    fn a_unit_lost_in_the_noise_is_about_nothing() {
        assert_eq!([-4096.0, 176.0, 15_053.0].map(per_unit), ["~0", "176 B", "14.7 KiB"]);
    }

    fn costs(peak: impl Fn(u32) -> Option<Peak>, anon: impl Fn(u32) -> Option<u64>) -> Costs {
        let points = |kind| {
            let point =
                |n| Point { n, peak: peak(n), anon: anon(n), requests: None, connections: None };
            Series { kind, points: [0, 1, 10_000].map(point).into() }
        };
        Costs {
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
        let step = text.lines().find(|line| line.trim_start().starts_with("1→10000"));
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
}
