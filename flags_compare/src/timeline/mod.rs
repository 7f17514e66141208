//! A run's requests over time, as the site recorded them.
//!
//! The site records when each request arrived, on which TCP connection, and
//! when its answer's last byte went out (or when the site abandoned it: a
//! hang whose client gave up, a reset). From those records of a program's
//! median run, [`Timeline`] lays out a lane per connection, in the order the
//! connections were opened, and a bar per request, from its arrival to its
//! end, coloured by outcome. Time starts at the run's first request. An
//! HTTP/2 connection carries many requests at once, a stream each: it gets
//! as many lanes as it had streams open at once.
//!
//! The three programs' timelines share one time axis, which shows what the
//! table says: flags_seq's bars one after the other on one connection,
//! flags_threadpool's in waves across its pool's connections, flags_async's
//! all at once, a connection each; and with `--http2`, all at once on one
//! connection (or in waves, where the site allows fewer streams at once).
//! A program much faster than the slowest would be a sliver on that axis,
//! its shape lost: it gets an axis of its own ([`scales`]), and says so.
//!
//! [`text`] prints them in the terminal, [`picture`] draws them as SVG.

pub mod picture;
pub mod text;

use std::collections::HashSet;
use std::time::Duration;

use flags_server::{FileKind, Record};

use crate::measure::Runs;
use crate::programs::Program;

/// How a request ended, as the site saw it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Outcome {
    /// A 2xx answer, sent whole.
    Ok,
    /// 404: the code has no flag. A normal answer, not a failure.
    NotFound,
    /// Any other status: 418 from the error rate or a fault, a 5xx...
    ErrorStatus,
    /// A fault that no status shows, or no answer at all: a hang, a reset,
    /// a truncated or oversize body, a redirect.
    Fault,
}

impl Outcome {
    /// In the order of the legends.
    pub const ALL: [Outcome; 4] =
        [Outcome::Ok, Outcome::NotFound, Outcome::ErrorStatus, Outcome::Fault];

    /// What the site's record says.
    pub fn of(record: &Record) -> Outcome {
        // A `Status` fault is a plain error status: `--fault CC=418`.
        let broken = record.fault.as_deref().is_some_and(|fault| fault.parse::<u16>().is_err());
        match record.status {
            None => Outcome::Fault,
            Some(_) if broken => Outcome::Fault,
            Some(200..=299) => Outcome::Ok,
            Some(404) => Outcome::NotFound,
            Some(_) => Outcome::ErrorStatus,
        }
    }

    /// In words, for the counts under a timeline (`9 not found`). The SVG's
    /// CSS classes and the JSON keys spell it their own ways (`not-found`,
    /// `not_found`), next to where they are used.
    pub fn name(self) -> &'static str {
        match self {
            Outcome::Ok => "ok",
            Outcome::NotFound => "not found",
            Outcome::ErrorStatus => "error status",
            Outcome::Fault => "fault",
        }
    }
}

/// One request: a bar in its connection's lane.
#[derive(Clone, Debug)]
pub struct Bar {
    /// Its lane, from 0, in the order lanes opened: its connection's, or on
    /// HTTP/2 one of its connection's.
    pub lane: usize,
    /// Seconds since the run's first request arrived.
    pub start: f64,
    pub end: f64,
    pub outcome: Outcome,
    /// The site let go of it unanswered: the client gave up, or a reset.
    pub abandoned: bool,
    /// What the site saw, for a tooltip: "BR flag: hang, abandoned 0.31-1.81 s".
    pub description: String,
    /// A word for what the colour alone can't tell: the fault (`hang`,
    /// `reset`...) or the error status (`418`); none for ok and 404.
    pub tag: Option<String>,
}

/// A program's median run, as lanes of bars.
#[derive(Clone, Debug)]
pub struct Timeline {
    pub program: Program,
    /// Which run this is, from 0.
    pub run: usize,
    /// How many lanes it takes: a connection each on HTTP/1.1, as many as
    /// a connection had streams at once on HTTP/2.
    pub lanes: usize,
    /// How many connections it used.
    pub connections: usize,
    /// In arrival order.
    pub bars: Vec<Bar>,
}

impl Timeline {
    /// The timeline of a program's median run.
    pub fn of_median_run(runs: &Runs) -> Timeline {
        let (run, sample) = runs.median();
        Timeline::new(runs.program, run, &sample.records)
    }

    /// Lays out one run's records.
    pub fn new(program: Program, run: usize, records: &[Record]) -> Timeline {
        let zero = records.iter().map(|record| record.arrived).min().unwrap_or_default();
        // A request still open when the records were read ends with the run.
        let last = records.iter().flat_map(|r| [Some(r.arrived), r.ended, r.abandoned]);
        let last = last.flatten().max().unwrap_or_default();
        // Each lane: its connection, and when its last bar ended.
        let mut lanes: Vec<(u64, f64)> = Vec::new();
        let mut bars = Vec::with_capacity(records.len());
        for record in records {
            let bar = bar(record, 0, zero, last);
            // On HTTP/1.1 a connection carries one request after another:
            // it is one lane. On HTTP/2 it carries many streams at once:
            // a stream takes the first of its connection's lanes that is
            // free when it arrives, or else a new one.
            let free = |&(connection, end): &(u64, f64)| {
                connection == record.connection && (record.stream.is_none() || end <= bar.start)
            };
            let lane = lanes.iter().position(free).unwrap_or_else(|| {
                lanes.push((record.connection, 0.0));
                lanes.len() - 1
            });
            lanes[lane].1 = bar.end;
            bars.push(Bar { lane, ..bar });
        }
        let connections = lanes.iter().map(|&(connection, _)| connection).collect::<HashSet<_>>();
        Timeline { program, run, lanes: lanes.len(), connections: connections.len(), bars }
    }

    /// Seconds from the first request's arrival to the last one's end.
    pub fn span(&self) -> f64 {
        self.bars.iter().map(|bar| bar.end).fold(0.0, f64::max)
    }

    /// How many requests ended this way.
    pub fn count(&self, outcome: Outcome) -> usize {
        self.bars.iter().filter(|bar| bar.outcome == outcome).count()
    }

    /// The most requests the site was handling at once.
    pub fn max_in_flight(&self) -> usize {
        self.max_in_flight_between(f64::NEG_INFINITY, f64::INFINITY)
    }

    /// The most requests in flight at any instant between `from` and `to`
    /// seconds.
    pub fn max_in_flight_between(&self, from: f64, to: f64) -> usize {
        let overlapping = self.bars.iter().filter(|bar| bar.start < to && bar.end > from);
        let mut events: Vec<(f64, i32)> =
            overlapping.flat_map(|bar| [(bar.start.max(from), 1), (bar.end.min(to), -1)]).collect();
        // Ends before starts at the same instant: back to back is not overlap.
        events.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
        let running = events.iter().scan(0, |in_flight, (_, change)| {
            *in_flight += change;
            Some(*in_flight)
        });
        running.max().unwrap_or(0).max(0) as usize
    }

    /// "20 ok" or "12 ok, 9 not found, 1 error status, 4 faults".
    pub fn outcome_counts(&self) -> String {
        let counts = Outcome::ALL.iter().filter_map(|&outcome| match self.count(outcome) {
            0 => None,
            n if outcome == Outcome::Fault && n > 1 => Some(format!("{n} faults")),
            n => Some(format!("{n} {}", outcome.name())),
        });
        counts.collect::<Vec<_>>().join(", ")
    }
}

fn bar(record: &Record, lane: usize, zero: Duration, last: Duration) -> Bar {
    let secs = |time: Duration| time.saturating_sub(zero).as_secs_f64();
    let (start, end) =
        (secs(record.arrived), secs(record.ended.or(record.abandoned).unwrap_or(last)));
    let abandoned = record.ended.is_none() && record.abandoned.is_some();
    let what = match (&record.code, record.file) {
        (Some(cc), FileKind::Flag) => format!("{cc} flag"),
        (Some(cc), FileKind::Metadata) => format!("{cc} metadata"),
        _ => record.path.clone(),
    };
    let answer = match (record.status, &record.fault) {
        (Some(status), Some(fault)) if fault.parse::<u16>().is_err() => {
            format!("{status}, {fault}")
        }
        (Some(status), _) => status.to_string(),
        (None, Some(fault)) => fault.clone(),
        (None, None) => "no answer".to_string(),
    };
    let how = match (record.ended, abandoned) {
        (Some(_), _) => "",
        (None, true) => ", abandoned",
        (None, false) => ", still open",
    };
    let description = format!("{what}: {answer}{how}, {start:.2}-{end:.2} s");
    let outcome = Outcome::of(record);
    let tag = match outcome {
        Outcome::Fault => Some(record.fault.clone().unwrap_or_else(|| "no answer".to_string())),
        Outcome::ErrorStatus => record.status.map(|status| status.to_string()),
        Outcome::Ok | Outcome::NotFound => None,
    };
    Bar { lane, start, end, outcome, abandoned, description, tag }
}

/// A program whose run is shorter than this share of the longest run gets
/// its own time axis. The README's first picture is the lesson of the
/// shared axis: flags_async's 0.37 s is a twentieth of flags_seq's 7.2 s,
/// a 44 px sliver in the SVG (4 columns of text) that still shows twenty
/// requests at once, so it must stay on the shared axis, with room for runs
/// that vary. Under a fortieth, a run takes under 22 px (2 columns) and its
/// shape is lost: at `-e` and 50 ms, flags_seq takes 34 s and the others
/// 0.1-0.4 s, a few pixels each, where 7 waves of 100 streams should show.
pub const OWN_AXIS_BELOW: f64 = 1.0 / 40.0;

/// Each timeline's time scale: the seconds its axis spans. The longest run
/// sets the shared one, for every run of at least a fortieth of it; of the
/// rest, the longest sets the next scale, for every run of at least a
/// fortieth of that; and so on. Runs on one scale stay comparable with each
/// other, whichever axis they are drawn on.
pub fn scales(timelines: &[Timeline]) -> Vec<f64> {
    let mut scales: Vec<Option<f64>> = vec![None; timelines.len()];
    loop {
        let left = timelines.iter().zip(&scales).filter(|(_, scale)| scale.is_none());
        let Some(longest) = left.map(|(timeline, _)| timeline.span()).reduce(f64::max) else {
            break;
        };
        for (timeline, slot) in timelines.iter().zip(&mut scales) {
            if slot.is_none() && timeline.span() >= longest * OWN_AXIS_BELOW {
                *slot = Some(longest.max(1e-3));
            }
        }
    }
    scales.into_iter().flatten().collect()
}

/// What a timeline on a scale of `secs`, not the shared one, says of it:
/// "magnified 94x from the scale of flags_seq (0 to 35 s)"; none on the
/// shared scale.
pub fn magnified(timelines: &[Timeline], scales: &[f64], secs: f64) -> Option<String> {
    let shared = scales.iter().copied().reduce(f64::max).filter(|shared| *shared != secs)?;
    let on_shared = timelines.iter().zip(scales).filter(|(_, scale)| **scale == shared);
    let names: Vec<&str> = on_shared.map(|(timeline, _)| timeline.program.name).collect();
    Some(format!(
        "magnified {:.0}x from the scale of {} (0 to {} s)",
        shared / secs,
        names.join(" and "),
        seconds(shared)
    ))
}

/// "34", "7.2", "0.25", "0.062": enough digits to tell scales apart.
pub fn seconds(secs: f64) -> String {
    match secs {
        10.0.. => format!("{secs:.0}"),
        1.0.. => format!("{secs:.1}"),
        0.1.. => format!("{secs:.2}"),
        _ => format!("{secs:.3}"),
    }
}

/// Tick marks for a time axis from 0 to `span` seconds: a round step (1, 2
/// or 5 times a power of ten) that gives about `ticks` of them.
pub fn ticks(span: f64, ticks: usize) -> (f64, Vec<f64>) {
    let rough = span.max(1e-3) / ticks.max(1) as f64;
    let power = 10f64.powf(rough.log10().floor());
    let step = [1.0, 2.0, 5.0, 10.0].map(|m| m * power).into_iter().find(|s| *s >= rough);
    let step = step.unwrap_or(10.0 * power);
    let count = (span / step + 1e-9).floor() as usize;
    (step, (0..=count).map(|i| i as f64 * step).collect())
}

/// A tick's label: as many decimals as the step needs.
pub fn tick_label(value: f64, step: f64) -> String {
    if value == 0.0 {
        return "0".to_string();
    }
    let decimals = (-step.log10().floor()).max(0.0) as usize;
    format!("{value:.decimals$}")
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::programs::SEQ;

    /// A record as the site would have made it; times in seconds.
    pub fn record(seq: u64, connection: u64, times: (f64, f64), status: Option<u16>) -> Record {
        let secs = Duration::from_secs_f64;
        let cc = format!("C{}", (b'A' + (seq % 26) as u8) as char);
        Record {
            seq,
            connection,
            protocol: flags_server::Protocol::Http1,
            stream: None,
            arrived: secs(times.0),
            ended: status.map(|_| secs(times.1)),
            abandoned: status.is_none().then(|| secs(times.1)),
            method: "GET".into(),
            path: format!("/flags/{0}/{0}.gif", cc.to_lowercase()),
            code: Some(cc),
            file: FileKind::Flag,
            status,
            fault: status.is_none().then(|| "hang".to_string()),
        }
    }

    #[test]
    fn lanes_are_connections_in_the_order_they_opened() {
        let records = [
            record(1, 7, (1.0, 1.5), Some(200)),
            record(2, 9, (1.0, 1.2), Some(404)),
            record(3, 7, (1.5, 2.0), Some(418)),
            record(4, 8, (1.6, 3.0), None),
        ];
        let timeline = Timeline::new(SEQ, 0, &records);
        assert_eq!(timeline.lanes, 3);
        let lanes: Vec<usize> = timeline.bars.iter().map(|bar| bar.lane).collect();
        assert_eq!(lanes, [0, 1, 0, 2]);
        let first = &timeline.bars[0];
        assert_eq!((first.start, first.end), (0.0, 0.5));
        assert!((timeline.span() - 2.0).abs() < 1e-9);
        assert_eq!(timeline.max_in_flight(), 2, "back to back is not overlap");
        assert_eq!(timeline.outcome_counts(), "1 ok, 1 not found, 1 error status, 1 fault");
        let hang = &timeline.bars[3];
        assert!(hang.abandoned && hang.outcome == Outcome::Fault);
        let tags: Vec<Option<&str>> = timeline.bars.iter().map(|bar| bar.tag.as_deref()).collect();
        assert_eq!(tags, [None, None, Some("418"), Some("hang")]);
        assert!(hang.description.starts_with("CE flag: hang, abandoned, 0.60-2.00 s"), "{hang:?}");
    }

    #[test]
    fn an_http2_connection_has_a_lane_per_stream_open_at_once() {
        let stream = |seq, times| Record {
            protocol: flags_server::Protocol::Http2,
            stream: Some(seq),
            ..record(seq, 1, times, Some(200))
        };
        // Two at once, then a third when the first is done: two lanes, as
        // a site that allows two streams at once makes them.
        let records = [stream(1, (0.0, 1.0)), stream(2, (0.0, 1.5)), stream(3, (1.0, 2.0))];
        let timeline = Timeline::new(SEQ, 0, &records);
        let lanes: Vec<usize> = timeline.bars.iter().map(|bar| bar.lane).collect();
        assert_eq!((lanes, timeline.lanes, timeline.connections), (vec![0, 1, 0], 2, 1));
    }

    #[test]
    fn outcomes_follow_status_and_fault() {
        let mut truncated = record(1, 1, (0.0, 1.0), Some(200));
        truncated.fault = Some("truncate".into());
        assert_eq!(Outcome::of(&truncated), Outcome::Fault);
        truncated.fault = Some("418".into());
        truncated.status = Some(418);
        assert_eq!(Outcome::of(&truncated), Outcome::ErrorStatus);
    }

    #[test]
    fn ticks_are_round() {
        assert_eq!(ticks(7.3, 8), (1.0, (0..=7).map(f64::from).collect()));
        let (step, marks) = ticks(0.38, 8);
        assert!((step - 0.05).abs() < 1e-12 && marks.len() == 8, "{step} {marks:?}");
        assert_eq!(tick_label(0.15, 0.05), "0.15");
        assert_eq!(tick_label(20.0, 10.0), "20");
    }
}
