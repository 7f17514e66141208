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

use std::fmt::Write as _;

use super::{Outcome, Timeline, tick_label, ticks};

/// Columns, for an 80-column terminal.
pub const WIDTH: usize = 80;

/// The row labels' width: `     #1 `, `at once `.
const LABEL: usize = 8;

/// More connections than this get the one row of how many at once.
const MAX_ROWS: usize = 8;

/// The timelines on one time axis, `width` columns wide.
pub fn render(timelines: &[Timeline], width: usize) -> String {
    let columns = width.saturating_sub(LABEL).max(10);
    let span = timelines.iter().map(Timeline::span).fold(0.0, f64::max).max(1e-3);
    let scale = Scale { column_secs: span / columns as f64, columns };
    let mut text =
        String::from("Requests over time, as the site saw them (the median run of each):\n");
    text += &axis(span, &scale);
    for timeline in timelines {
        text += &header(timeline);
        text += &if timeline.lanes <= MAX_ROWS {
            lanes(timeline, &scale)
        } else {
            at_once(timeline, &scale)
        };
    }
    text + &legend(&scale)
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

fn legend(scale: &Scale) -> String {
    format!(
        "{:LABEL$}| a request arrives, then = ok, - 404, ! error status, x fault\n\
         {:LABEL$}1 column = {:.3} s; #N = the Nth connection (on HTTP/2, stream at once)\n",
        "", "", scale.column_secs
    )
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
}
