//! The timelines in the terminal: a few lines per program, 80 columns.
//!
//! Plain ASCII, on purpose: it reads the same in any terminal (`TERM=dumb`
//! included), a CI log, a file, or a Windows console on an old code page,
//! and its characters say more than shades of a block could: `|` is a
//! request starting, then `=` an answer, `-` a 404, `!` an error status and
//! `x` a fault, for as long as it lasted.
//!
//! ```text
//! seconds 0        1         2         3         4         5         6         7
//! flags_seq: 20 requests on 1 connection, 1 at a time, 7.23 s
//!      #1 |==|===|==|===|===|==|===|==|===|==|===|===|==|===|===|==|===|==|===|===
//! flags_threadpool: 20 requests on 6 connections, up to 6 at a time, 1.44 s
//!      #1 |==|===|===
//!      #2 |==|===|===
//! ...
//! flags_async: 20 requests on 20 connections, up to 20 at a time, 0.37 s
//! at once ####
//! ```
//!
//! A program with more connections than fit gets one row instead, of how
//! many requests were in flight at once: a digit, or `#` for 10 or more.
//!
//! A program much faster than the slowest, which would fill a column or
//! two, gets a time axis of its own under its header, as in the picture:
//!
//! ```text
//! flags_async --http2: 676 requests on 1 connection, up to 100 at a time, 0.37 s
//!         own time axis: magnified 95x from the scale of flags_seq (0 to 35 s)
//! seconds 0        0.05      0.10      0.15      0.20     0.25      0.30      0.35
//! at once ########################################################################
//! ```

use std::fmt::Write as _;

use super::{Outcome, Timeline, magnified, scales, tick_label, ticks};

/// Columns, for an 80-column terminal.
pub const WIDTH: usize = 80;

/// The row labels' width: `     #1 `, `at once `.
const LABEL: usize = 8;

/// More connections than this get the one row of how many at once.
const MAX_ROWS: usize = 8;

/// The timelines on one time axis, `width` columns wide; a program much
/// faster than the slowest on an axis of its own, as in the picture.
pub fn render(timelines: &[Timeline], width: usize) -> String {
    let columns = width.saturating_sub(LABEL).max(10);
    let scales = scales(timelines);
    let scale = |secs: f64| Scale { column_secs: secs / columns as f64, columns };
    let shared = scales.iter().copied().fold(1e-3, f64::max);
    let mut text =
        String::from("Requests over time, as the site saw them (the median run of each):\n");
    text += &axis(shared, &scale(shared));
    let mut previous = shared;
    for (timeline, &secs) in timelines.iter().zip(&scales) {
        let own = magnified(timelines, &scales, secs);
        // A program back on the shared scale after one on its own gets the
        // shared axis again, so that it is not read on the other.
        if own.is_none() && previous != shared {
            text += &axis(shared, &scale(shared));
        }
        text += &header(timeline);
        if let Some(magnified) = own {
            text += &format!("{:LABEL$}own time axis: {magnified}\n", "");
            text += &axis(secs, &scale(secs));
        }
        text += &if timeline.lanes <= MAX_ROWS {
            lanes(timeline, &scale(secs))
        } else {
            at_once(timeline, &scale(secs))
        };
        previous = secs;
    }
    let own = scales.iter().filter(|secs| **secs != shared).map(|secs| scale(*secs).column_secs);
    text + &legend(&scale(shared), own.collect())
}

/// Seconds to columns.
struct Scale {
    column_secs: f64,
    columns: usize,
}

impl Scale {
    /// The column in which `secs` falls. (The nudge keeps 1.0 / 0.1 from
    /// landing in column 9.)
    fn column(&self, secs: f64) -> usize {
        ((secs / self.column_secs + 1e-9) as usize).min(self.columns - 1)
    }

    /// The last column of something that ends at `secs`: a bar that ends
    /// where a column starts doesn't reach into it.
    fn last_column(&self, secs: f64) -> usize {
        let end = (secs / self.column_secs - 1e-9).ceil() as usize;
        end.saturating_sub(1).min(self.columns - 1)
    }

    /// The time span of a column.
    fn range(&self, column: usize) -> (f64, f64) {
        (column as f64 * self.column_secs, (column + 1) as f64 * self.column_secs)
    }
}

/// `seconds 0         1         2 ...`, each label at its column.
fn axis(span: f64, scale: &Scale) -> String {
    let mut line = format!("{:<LABEL$}", "seconds");
    let (step, marks) = ticks(span, scale.columns / 8);
    for mark in marks.into_iter().filter(|mark| *mark < span) {
        let (at, label) = (LABEL + scale.column(mark), tick_label(mark, step));
        // A label that would run into the previous one, or off the end of
        // the line, is left out.
        let fits = at + label.len() <= LABEL + scale.columns;
        if fits && (line.len() == LABEL || at > line.len()) {
            line += &" ".repeat(at - line.len());
            line += &label;
        }
    }
    line + "\n"
}

/// `flags_async: 20 requests on 20 connections, up to 20 at a time, 0.37 s`
fn header(timeline: &Timeline) -> String {
    let requests = plural(timeline.bars.len(), "request");
    let connections = plural(timeline.connections, "connection");
    let at_once = match timeline.max_in_flight() {
        1 => "1 at a time".to_string(),
        n => format!("up to {n} at a time"),
    };
    let name = timeline.program.name;
    format!("{name}: {requests} on {connections}, {at_once}, {:.2} s\n", timeline.span())
}

fn plural(n: usize, what: &str) -> String {
    if n == 1 { format!("1 {what}") } else { format!("{n} {what}s") }
}

/// A row per connection: `     #1 |==|===|==`.
fn lanes(timeline: &Timeline, scale: &Scale) -> String {
    let mut text = String::new();
    for lane in 0..timeline.lanes {
        let mut row = vec![b' '; scale.columns];
        for bar in timeline.bars.iter().filter(|bar| bar.lane == lane) {
            let (first, last) = (scale.column(bar.start), scale.last_column(bar.end));
            for cell in &mut row[first + 1..=last.max(first)] {
                *cell = symbol(bar.outcome);
            }
        }
        // Starts last, so that no answer hides the start of the next request.
        for bar in timeline.bars.iter().filter(|bar| bar.lane == lane) {
            row[scale.column(bar.start)] = b'|';
        }
        let row = String::from_utf8_lossy(&row);
        let _ = writeln!(
            text,
            "{:>width$} {}",
            format!("#{}", lane + 1),
            row.trim_end(),
            width = LABEL - 1
        );
    }
    text
}

/// The one row for many connections: how many requests were in flight at
/// once during each column.
fn at_once(timeline: &Timeline, scale: &Scale) -> String {
    let row: String = (0..scale.columns)
        .map(|column| {
            let (from, to) = scale.range(column);
            match timeline.max_in_flight_between(from, to) {
                0 => ' ',
                n @ 1..=9 => char::from(b'0' + n as u8),
                _ => '#',
            }
        })
        .collect();
    format!("{:<LABEL$}{}\n", "at once", row.trim_end())
}

fn symbol(outcome: Outcome) -> u8 {
    match outcome {
        Outcome::Ok => b'=',
        Outcome::NotFound => b'-',
        Outcome::ErrorStatus => b'!',
        Outcome::Fault => b'x',
    }
}

/// What the symbols mean, and how long a column is: on the shared axis,
/// then on the own axes (`own_columns`), if any.
fn legend(scale: &Scale, mut own_columns: Vec<f64>) -> String {
    let mut text = format!(
        "{:LABEL$}| a request arrives, then = ok, - 404, ! error status, x fault\n\
         {:LABEL$}1 column = {:.3} s; #N = the Nth connection (on HTTP/2, stream at once)\n",
        "", "", scale.column_secs
    );
    own_columns.sort_by(|a, b| b.total_cmp(a));
    own_columns.dedup();
    if !own_columns.is_empty() {
        let own: Vec<String> = own_columns.iter().map(|secs| format!("{secs:.4} s")).collect();
        let _ = writeln!(text, "{:LABEL$}on an own time axis, 1 column = {}", "", own.join(", "));
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::programs::{ASYNC, SEQ};
    use crate::timeline::tests::record;

    #[test]
    fn few_connections_get_a_row_each() {
        let seq: Vec<_> =
            (0..4).map(|i| record(i + 1, 1, (i as f64, i as f64 + 1.0), Some(200))).collect();
        let text = render(&[Timeline::new(SEQ, 0, &seq)], 48);
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines[1], "seconds 0         1         2         3");
        assert_eq!(lines[2], "flags_seq: 4 requests on 1 connection, 1 at a time, 4.00 s");
        assert_eq!(lines[3], "     #1 |=========|=========|=========|=========");
        assert!(text.lines().all(|line| line.len() <= 80 && line.is_ascii()));
    }

    #[test]
    fn many_connections_get_one_row_of_how_many_at_once() {
        let records: Vec<_> = (0..12)
            .map(|i| record(i + 1, i + 1, (0.0, if i < 3 { 2.0 } else { 1.0 }), Some(200)))
            .collect();
        let text = render(&[Timeline::new(ASYNC, 0, &records)], 28);
        let row = text.lines().find(|line| line.starts_with("at once"));
        assert_eq!(row, Some("at once ##########3333333333"));
    }

    #[test]
    fn outcomes_have_their_symbols() {
        let records = [record(1, 1, (0.0, 2.0), None), record(2, 2, (0.0, 1.0), Some(404))];
        let text = render(&[Timeline::new(SEQ, 0, &records)], 28);
        assert!(text.contains("     #1 |xxxxxxxxxxxxxxxxxxx\n"), "{text}");
        assert!(text.contains("     #2 |---------\n"), "{text}");
    }

    #[test]
    fn a_program_under_a_fortieth_of_the_longest_gets_its_own_axis() {
        let seq: Vec<_> =
            (0..4).map(|i| record(i + 1, 1, (i as f64, i as f64 + 1.0), Some(200))).collect();
        let fast: Vec<_> = (0..12).map(|i| record(i + 1, i + 1, (0.0, 0.05), Some(200))).collect();
        let timelines = [Timeline::new(SEQ, 0, &seq), Timeline::new(ASYNC, 0, &fast)];
        let text = render(&timelines, 48);
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines[1], "seconds 0         1         2         3");
        assert_eq!(
            lines[4],
            "flags_async: 12 requests on 12 connections, up to 12 at a time, 0.05 s"
        );
        let note = "        own time axis: magnified 80x from the scale of flags_seq (0 to 4.0 s)";
        assert_eq!(lines[5], note);
        assert_eq!(lines[6], "seconds 0       0.01    0.02    0.03    0.04");
        assert_eq!(lines[7], format!("at once {}", "#".repeat(40)));
        assert!(lines[10].starts_with("        on an own time axis, 1 column = 0.001"), "{text}");
        assert!(text.lines().all(|line| line.len() <= 80 && line.is_ascii()));
    }
}
