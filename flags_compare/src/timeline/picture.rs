//! The timelines as an SVG picture: the programs stacked, on one time axis
//! as long as they are comparable.
//!
//! Drawn with the `svg` crate, which builds the elements and escapes their
//! text. The picture keeps its meaning in its structure: each program is a
//! `<g class="program" id="flags_seq">`, each request a
//! `<rect class="bar ok">` whose `<title>` a browser shows on hover
//! (`BR flag: hang, abandoned, 0.31-1.81 s`). The colours, by outcome, come
//! from one style sheet and the Okabe-Ito palette, which colour-blind
//! readers can tell apart too.
//!
//! Lanes are as thick as fit: up to 16 px, thinner when a program has many
//! connections (194 or 676 of them make a dense block, which is the point);
//! the labels stay the same size whatever the lanes do.
//!
//! A program much faster than the slowest (under a fortieth of its time,
//! see [`super::OWN_AXIS_BELOW`]) would be a sliver of a few pixels on the shared
//! axis, its shape lost: it gets a time axis of its own, in blue under its
//! lanes, a grid that follows it, and a note above its lanes that says so
//! (`own time axis, under its lanes: 0 to 0.37 s, magnified 94x from the
//! scale of flags_seq (0 to 35 s)`).

use std::path::Path;

use svg::Document;
use svg::node::element::{Group, Line, Rectangle, Style, TSpan, Text, Title};

use super::{Bar, Outcome, Timeline, magnified, scales, seconds, tick_label, ticks};
use crate::report::Row;
use crate::workload::WorkloadArgs;

const WIDTH: f64 = 960.0;
/// The time axis runs from here...
const LEFT: f64 = 24.0;
/// ... to here; the margin on the right holds each program's total time.
const RIGHT: f64 = WIDTH - 76.0;
/// The thickest a lane gets, and the most height a program's lanes take.
const LANE_MAX: f64 = 16.0;
const LANES_MAX: f64 = 240.0;
/// A program's name and figures, above its lanes.
const HEADER: f64 = 22.0;
const PANEL_GAP: f64 = 16.0;
/// The note of a program on its own time axis, under its header.
const NOTE: f64 = 16.0;
/// The shared time axis, with its labels and title, under the last
/// program on it; then the next program, or the picture's bottom margin.
const AXIS: f64 = 56.0;
/// A program's own time axis: a little under its lanes, with its labels.
const OWN_AXIS_GAP: f64 = 4.0;
const OWN_AXIS: f64 = 26.0;

const STYLE: &str = "
text { font-family: 'DejaVu Sans', Helvetica, Arial, sans-serif; font-size: 12px; fill: #222; }
.title { font-size: 18px; font-weight: bold; }
.name { font-size: 14px; font-weight: bold; }
.detail, .note { font-size: 12px; font-weight: normal; fill: #555; }
.total { font-size: 12px; font-weight: bold; }
.lanes { fill: #000; fill-opacity: 0.035; }
.stripe { fill: #000; fill-opacity: 0.05; }
line.grid { stroke: #d0d0d0; stroke-width: 1; }
line.axis { stroke: #444; stroke-width: 1; }
text.own-axis { font-size: 12px; font-weight: bold; fill: #0072b2; }
line.own-axis { stroke: #0072b2; stroke-width: 1; }
.ok { fill: #009e73; }
.not-found { fill: #a8a8a8; }
.error-status { fill: #e69f00; }
.fault { fill: #d55e00; }
.cap { fill: #000; }
.tag { font-size: 10px; font-weight: bold; fill: #333; }
.tag.inside { fill: #fff; }
";

/// What the picture says above the timelines.
pub struct Caption {
    pub title: String,
    /// Lines of smaller text under the title.
    pub lines: Vec<String>,
}

impl Caption {
    /// "Requests over time: 20 flags at 0.36 s a request", and how.
    pub fn new(args: &WorkloadArgs, rows: &[Row]) -> Caption {
        let flags = rows.first().map_or(0, |row| row.flags);
        let title = format!("Requests over time: {flags} flags at {} s a request", args.latency);
        let runs = match args.runs {
            1 => "one run of each program".to_string(),
            n => format!("the median of {n} runs of each program"),
        };
        let mut lines = vec![
            format!(
                "As the site saw them, {runs}: a row per TCP connection, in the order they opened \
                 (on HTTP/2, per stream open at once),"
            ),
            "a bar per request, from its arrival to the end of its answer (hover over a bar: what \
             the site saw)"
                .to_string(),
        ];
        if !args.faults.is_empty() {
            let timeout = args.timeout.map_or("6.1".to_string(), |secs| secs.to_string());
            let faults = args.faults.join(", ");
            lines.push(format!(
                "Faults: {faults}; the programs give up on a request after {timeout} s"
            ));
        }
        Caption { title, lines }
    }
}

/// Writes the picture of `timelines` to `path`.
pub fn draw(path: &Path, caption: &Caption, timelines: &[Timeline]) -> Result<(), String> {
    let document = document(caption, timelines);
    svg::save(path, &document).map_err(|err| format!("cannot write {}: {err}", path.display()))
}

/// Seconds to x coordinates: the shared time axis's, or a panel's own.
#[derive(Clone, Copy, Debug, PartialEq)]
struct Scale {
    secs: f64,
}

impl Scale {
    fn x(&self, secs: f64) -> f64 {
        LEFT + secs / self.secs * (RIGHT - LEFT)
    }
}

/// A program's place in the picture.
struct Panel<'a> {
    timeline: &'a Timeline,
    scale: Scale,
    /// Its scale is not the shared one: it gets its own axis, and this
    /// note above its lanes says so.
    own: Option<String>,
    /// The shared axis goes under it: the next panel is on another scale,
    /// or there is none.
    shared_axis_below: bool,
}

/// Lays the programs out, each on its scale.
fn panels(timelines: &[Timeline]) -> Vec<Panel<'_>> {
    let scales = scales(timelines);
    let mut panels: Vec<Panel> = timelines
        .iter()
        .zip(&scales)
        .map(|(timeline, &secs)| {
            let own = magnified(timelines, &scales, secs).map(|magnified| {
                format!("own time axis, under its lanes: 0 to {} s, {magnified}", seconds(secs))
            });
            Panel { timeline, scale: Scale { secs }, own, shared_axis_below: false }
        })
        .collect();
    for index in 0..panels.len() {
        let next = panels.get(index + 1).map(|next| next.scale);
        let panel = &mut panels[index];
        panel.shared_axis_below = panel.own.is_none() && next != Some(panel.scale);
    }
    panels
}

fn document(caption: &Caption, timelines: &[Timeline]) -> Document {
    let panels = panels(timelines);
    let mut lines = caption.lines.clone();
    if panels.iter().any(|panel| panel.own.is_some()) {
        lines.push(
            "A program that took under a fortieth of the longest time gets its own time axis, \
             in blue under its lanes, so that its shape shows"
                .to_string(),
        );
    }
    // From the top: the caption, the legend, the programs and their axes.
    let legend_y = 30.0 + 18.0 * lines.len() as f64 + 28.0;
    let top = legend_y + 16.0;
    let bottom = top + panels.iter().map(panel_height).sum::<f64>();
    let height = round(bottom + 8.0);

    let mut document = Document::new()
        .set("width", WIDTH)
        .set("height", height)
        .set("viewBox", (0, 0, WIDTH, height))
        .add(Style::new(STYLE))
        .add(rect(0.0, 0.0, WIDTH, height, "background").set("fill", "#fff"))
        .add(text(LEFT, 30.0, "title", &caption.title));
    for (n, line) in lines.iter().enumerate() {
        document = document.add(text(LEFT, 48.0 + 18.0 * n as f64, "note", line));
    }
    document = document.add(legend(legend_y));
    let mut y = top;
    for panel in &panels {
        document = document.add(program(panel, y));
        if panel.shared_axis_below {
            document = document.add(shared_axis(&panel.scale, y + panel_height(panel) - AXIS));
        }
        y += panel_height(panel);
    }
    document
}

/// A lane's thickness for this many lanes.
fn pitch(lanes: usize) -> f64 {
    (LANES_MAX / lanes.max(1) as f64).min(LANE_MAX)
}

/// The height of a program's lanes.
fn lanes_height(timeline: &Timeline) -> f64 {
    timeline.lanes.max(1) as f64 * pitch(timeline.lanes)
}

/// The height of the header above a program's lanes: a line more for the
/// note of its own axis.
fn header_height(panel: &Panel) -> f64 {
    if panel.own.is_some() { HEADER + NOTE } else { HEADER }
}

/// The whole panel, with the axis under it if it has one.
fn panel_height(panel: &Panel) -> f64 {
    let axis = match (&panel.own, panel.shared_axis_below) {
        (Some(_), _) => OWN_AXIS,
        (None, true) => AXIS,
        (None, false) => 0.0,
    };
    header_height(panel) + lanes_height(panel.timeline) + PANEL_GAP + axis
}

/// One program: its grid, its name and figures, its lanes, its bars, its
/// total, and its own axis if it has one.
fn program(panel: &Panel, top: f64) -> Group {
    let (timeline, scale) = (panel.timeline, &panel.scale);
    let program = timeline.program;
    let mut group = Group::new().set("class", "program").set("id", program.name);
    let connections = match timeline.connections {
        1 => "1 connection".to_string(),
        n => format!("{n} connections"),
    };
    let at_once = match timeline.max_in_flight() {
        1 => "one at a time".to_string(),
        n => format!("up to {n} at a time"),
    };
    let detail = format!(
        "  {} · {} requests on {connections}, {at_once} · {}",
        program.model,
        timeline.bars.len(),
        timeline.outcome_counts()
    );
    let (lanes_top, pitch) = (top + header_height(panel), pitch(timeline.lanes));
    let height = lanes_height(timeline);
    // The grid behind a panel follows its scale. On the shared scale it
    // runs from the header down to the next panel, so that the panels on
    // it share one grid, as they share one axis; on its own scale, only
    // behind the lanes, down to its axis.
    group = match &panel.own {
        None => group.add(grid(scale, top, lanes_top + height + PANEL_GAP)),
        Some(_) => group.add(grid(scale, lanes_top, lanes_top + height + OWN_AXIS_GAP)),
    };
    let header = Text::new("").set("x", LEFT).set("y", round(top + 15.0)).set("class", "name");
    group = group
        .add(header.add(TSpan::new(program.name)).add(TSpan::new(detail).set("class", "detail")));
    if let Some(note) = &panel.own {
        group = group.add(text(LEFT, top + HEADER + 11.0, "own-axis", note));
    }
    group = group.add(rect(LEFT, lanes_top, RIGHT - LEFT, height, "lanes"));
    if pitch >= 8.0 {
        for lane in (1..timeline.lanes).step_by(2) {
            group = group.add(rect(
                LEFT,
                lanes_top + lane as f64 * pitch,
                RIGHT - LEFT,
                pitch,
                "stripe",
            ));
        }
    }
    for bar in &timeline.bars {
        group = bar_shapes(bar, scale, lanes_top, pitch).into_iter().fold(group, Group::add);
    }
    if pitch >= 8.0 {
        group = tags(timeline, scale, lanes_top, pitch).into_iter().fold(group, Group::add);
    }
    let total = format!("{:.2} s", timeline.span());
    let middle = lanes_top + height / 2.0 + 4.0;
    group = group.add(text(scale.x(timeline.span()) + 6.0, middle, "total", &total));
    if panel.own.is_some() {
        group = group.add(own_axis(scale, lanes_top + height + OWN_AXIS_GAP));
    }
    group
}

/// A request's bar, with a black cap at its end if the site abandoned it.
fn bar_shapes(bar: &Bar, scale: &Scale, lanes_top: f64, pitch: f64) -> Vec<Rectangle> {
    let x = scale.x(bar.start);
    // At least a pixel each way, so that a program with 676 connections
    // still shows as a solid block, however thin its lanes.
    let mut width = (scale.x(bar.end) - x).max(1.0);
    if width > 3.0 {
        width -= 1.0; // a hairline between one request and the next on its lane
    }
    // Thick lanes get a gap between them; thin ones merge into a block.
    let pad = if pitch >= 6.0 { pitch * 0.12 } else { 0.0 };
    let (y, height) = (lanes_top + bar.lane as f64 * pitch + pad, (pitch - 2.0 * pad).max(1.0));
    let class = format!("bar {}", class(bar.outcome));
    let mut shapes =
        vec![rect(x, y, width, height, &class).add(Title::new(bar.description.clone()))];
    if bar.abandoned && width >= 4.0 {
        shapes.push(rect(x + width - 2.0, y, 2.0, height, "cap"));
    }
    shapes
}

/// The tags of faults and error statuses (`hang`, `418`), so that the
/// picture tells them apart without a tooltip: after the bar where its lane
/// is free, else inside it where it fits, else none.
fn tags(timeline: &Timeline, scale: &Scale, lanes_top: f64, pitch: f64) -> Vec<Text> {
    let mut texts = Vec::new();
    for (index, bar) in timeline.bars.iter().enumerate() {
        let Some(tag) = &bar.tag else { continue };
        let next = timeline.bars[index + 1..].iter().find(|next| next.lane == bar.lane);
        let free_until = next.map_or(WIDTH, |next| scale.x(next.start));
        // About 6 px a character at 10 px.
        let (width, start, end) = (6.0 * tag.len() as f64, scale.x(bar.start), scale.x(bar.end));
        let y = lanes_top + (bar.lane as f64 + 0.5) * pitch + 3.5;
        if end + 4.0 + width <= free_until {
            texts.push(text(end + 4.0, y, "tag", tag));
        } else if end - start >= width + 6.0 {
            texts.push(text(start + 3.0, y, "tag inside", tag));
        }
    }
    texts
}

fn class(outcome: Outcome) -> &'static str {
    match outcome {
        Outcome::Ok => "ok",
        Outcome::NotFound => "not-found",
        Outcome::ErrorStatus => "error-status",
        Outcome::Fault => "fault",
    }
}

/// A swatch and a word for each outcome, and the cap.
fn legend(y: f64) -> Group {
    let entries = [
        (class(Outcome::Ok), "200 OK"),
        (class(Outcome::NotFound), "404 Not Found"),
        (class(Outcome::ErrorStatus), "error status (418, 5xx...)"),
        (class(Outcome::Fault), "fault: hang, reset, broken body..."),
        ("cap", "abandoned: the client gave up, or a reset"),
    ];
    let mut group = Group::new().set("class", "legend");
    let mut x = LEFT;
    for (class, label) in entries {
        let width = if class == "cap" { 3.0 } else { 12.0 };
        group = group.add(rect(x, y - 10.0, width, 12.0, class));
        group = group.add(text(x + width + 5.0, y, "note", label));
        // About 6.4 px a character at 12 px, in the usual sans-serif fonts.
        x += width + 5.0 + 6.4 * label.len() as f64 + 20.0;
    }
    group
}

/// Light vertical lines at each tick of `scale`, from `top` to `bottom`.
fn grid(scale: &Scale, top: f64, bottom: f64) -> Group {
    let (_, marks) = ticks(scale.secs, 10);
    marks.into_iter().fold(Group::new().set("class", "grid"), |group, mark| {
        group.add(line((scale.x(mark), top), (scale.x(mark), bottom), "grid"))
    })
}

/// The shared time axis, under the last program on it, with its labels
/// and title.
fn shared_axis(scale: &Scale, y: f64) -> Group {
    let title = "seconds since the program's first request reached the site";
    let group = ticked_axis(scale, y, "time-axis", "axis", "");
    group.add(text((LEFT + RIGHT) / 2.0, y + 40.0, "note", title).set("text-anchor", "middle"))
}

/// A program's own time axis, right under its lanes, in the colour of its
/// note, with "seconds" in the margin.
fn own_axis(scale: &Scale, y: f64) -> Group {
    let group = ticked_axis(scale, y, "time-axis own", "own-axis", "own-axis");
    group.add(text(RIGHT + 6.0, y + 18.0, "own-axis", "seconds"))
}

/// A line with a tick and a label at each round number of seconds.
fn ticked_axis(scale: &Scale, y: f64, class: &str, lines: &str, labels: &str) -> Group {
    let (step, marks) = ticks(scale.secs, 10);
    let mut group = Group::new().set("class", class);
    group = group.add(line((LEFT, y), (RIGHT, y), lines));
    for mark in marks {
        let x = scale.x(mark);
        group = group.add(line((x, y), (x, y + 5.0), lines));
        let label = text(x, y + 18.0, labels, &tick_label(mark, step));
        group = group.add(label.set("text-anchor", "middle"));
    }
    group
}

fn rect(x: f64, y: f64, width: f64, height: f64, class: &str) -> Rectangle {
    Rectangle::new()
        .set("x", round(x))
        .set("y", round(y))
        .set("width", round(width))
        .set("height", round(height))
        .set("class", class)
}

fn line(from: (f64, f64), to: (f64, f64), class: &str) -> Line {
    Line::new()
        .set("x1", round(from.0))
        .set("y1", round(from.1))
        .set("x2", round(to.0))
        .set("y2", round(to.1))
        .set("class", class)
}

fn text(x: f64, y: f64, class: &str, content: &str) -> Text {
    let text = Text::new(content).set("x", round(x)).set("y", round(y));
    if class.is_empty() { text } else { text.set("class", class) }
}

/// Two decimals are plenty for a screen, and keep the file small.
fn round(value: f64) -> f64 {
    (value * 100.0).round() / 100.0
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::programs::{ASYNC, ASYNC_HTTP2, Program, SEQ, THREADPOOL};
    use crate::timeline::tests::record;

    #[test]
    fn a_group_per_program_and_a_bar_per_request() {
        let seq: Vec<_> =
            (0..3).map(|i| record(i + 1, 1, (i as f64, i as f64 + 1.0), Some(200))).collect();
        let fast = [record(4, 2, (0.0, 1.0), Some(200)), record(5, 3, (0.0, 2.5), None)];
        let timelines = [Timeline::new(SEQ, 0, &seq), Timeline::new(ASYNC, 0, &fast)];
        let caption = Caption { title: "A <title> & more".into(), lines: vec![] };
        let svg = document(&caption, &timelines).to_string();
        assert!(svg.contains("A &lt;title&gt; &amp; more"), "text is escaped");
        // (program, bars, caps) for each program group, in order. The legend,
        // which comes first, has a cap of its own.
        let mut groups: Vec<(String, usize, usize)> = Vec::new();
        for event in svg::read(&svg).expect("parse the SVG") {
            let svg::parser::Event::Tag(tag, _, attributes) = event else { continue };
            let class = attributes.get("class").map(|class| class.to_string()).unwrap_or_default();
            match (tag, class.as_str(), groups.last_mut()) {
                ("g", "program", _) => {
                    let id = attributes.get("id").map(|id| id.to_string()).unwrap_or_default();
                    groups.push((id, 0, 0));
                }
                ("rect", "cap", Some(group)) => group.2 += 1,
                ("rect", class, Some(group)) if class.starts_with("bar ") => group.1 += 1,
                _ => {}
            }
        }
        let expected = [("flags_seq".to_string(), 3, 0), ("flags_async".to_string(), 2, 1)];
        assert_eq!(groups, expected);
    }

    /// A program's run: `n` requests of `each` seconds, one after another
    /// on one connection, so that it lasts `n * each`.
    fn run(program: Program, n: u64, each: f64) -> Timeline {
        let times = |i: u64| (i as f64 * each, (i + 1) as f64 * each);
        let records: Vec<_> = (0..n).map(|i| record(i + 1, 1, times(i), Some(200))).collect();
        Timeline::new(program, 0, &records)
    }

    /// What a program's group holds: its own axis's note and labels, and
    /// where its grid lines are.
    #[derive(Debug, Default)]
    struct Seen {
        id: String,
        note: Option<String>,
        own_labels: Vec<String>,
        grid: Vec<f64>,
    }

    /// The program groups of a picture, in order, and how many shared
    /// time axes it has (outside them).
    fn seen(svg: &str) -> (Vec<Seen>, usize) {
        let (mut programs, mut shared_axes) = (Vec::<Seen>::new(), 0);
        // Open groups' classes, innermost last; and the class of the text
        // being read.
        let (mut open, mut reading) = (Vec::<String>::new(), String::new());
        for event in svg::read(svg).expect("parse the SVG") {
            use svg::node::element::tag::Type;
            match event {
                svg::parser::Event::Tag(tag, kind, attributes) => {
                    reading.clear();
                    let class = attributes.get("class").map(|c| c.to_string()).unwrap_or_default();
                    match (tag, kind) {
                        ("g", Type::Start) => {
                            if class == "program" {
                                let id = attributes.get("id").map(|id| id.to_string());
                                programs
                                    .push(Seen { id: id.unwrap_or_default(), ..Seen::default() });
                            } else if class == "time-axis" && open.is_empty() {
                                shared_axes += 1;
                            }
                            open.push(class);
                        }
                        ("g", Type::End) => drop(open.pop()),
                        ("line", _) if class == "grid" && open.iter().any(|c| c == "program") => {
                            let x1 = attributes.get("x1").map(|x| x.to_string());
                            let seen = programs.last_mut().expect("in a program");
                            seen.grid.push(x1.and_then(|x| x.parse().ok()).unwrap_or(f64::NAN));
                        }
                        ("text", Type::Start) => reading = class,
                        _ => {}
                    }
                }
                svg::parser::Event::Text(content) if reading == "own-axis" => {
                    let (Some(seen), content) = (programs.last_mut(), content.trim()) else {
                        continue;
                    };
                    if open.last().is_some_and(|class| class == "time-axis own") {
                        seen.own_labels.push(content.to_string());
                    } else {
                        seen.note = Some(content.to_string());
                    }
                }
                _ => {}
            }
        }
        (programs, shared_axes)
    }

    fn caption() -> Caption {
        Caption { title: "Requests over time".into(), lines: vec![] }
    }

    #[test]
    fn runs_of_a_twentieth_of_the_longest_share_its_axis() {
        // As in the README's first picture: 7.2 s, 1.4 s, 0.37 s.
        let timelines = [run(SEQ, 20, 0.36), run(THREADPOOL, 4, 0.35), run(ASYNC, 1, 0.37)];
        let svg = document(&caption(), &timelines).to_string();
        let (programs, shared_axes) = seen(&svg);
        assert_eq!(shared_axes, 1, "one axis, under the last program");
        assert!(
            programs.iter().all(|p| p.note.is_none() && p.own_labels.is_empty()),
            "{programs:?}"
        );
        // One grid for all: a line a second, at the same places in each.
        let x = |secs: f64| round(LEFT + secs / 7.2 * (RIGHT - LEFT));
        let expected: Vec<f64> = (0..=7).map(|secs| x(secs as f64)).collect();
        assert!(programs.iter().all(|p| p.grid == expected), "{programs:?}");
        assert!(!svg.contains("own time axis"));
    }

    #[test]
    fn runs_under_a_fortieth_of_the_longest_get_their_own_axis() {
        // As at -e and 50 ms: 34 s, then 0.25 s, 0.1 s, 0.08 s.
        let timelines = [
            run(SEQ, 680, 0.05),
            run(THREADPOOL, 5, 0.05),
            run(ASYNC, 2, 0.05),
            run(ASYNC_HTTP2, 1, 0.08),
        ];
        let svg = document(&caption(), &timelines).to_string();
        let (programs, shared_axes) = seen(&svg);
        let ids: Vec<&str> = programs.iter().map(|p| p.id.as_str()).collect();
        assert_eq!(ids, ["flags_seq", "flags_threadpool", "flags_async", "flags_async --http2"]);
        assert_eq!(shared_axes, 1, "flags_seq's, under it");
        assert!(programs[0].note.is_none() && programs[0].own_labels.is_empty());
        // The three fast ones share a scale of their own, set by the
        // longest of them, 0.25 s: 136 times flags_seq's 34 s.
        let note = "own time axis, under its lanes: 0 to 0.25 s, magnified 136x from the \
                    scale of flags_seq (0 to 34 s)";
        let x = |secs: f64| round(LEFT + secs / 0.25 * (RIGHT - LEFT));
        let grid: Vec<f64> = [0.0, 0.05, 0.1, 0.15, 0.2, 0.25].map(x).to_vec();
        for fast in &programs[1..] {
            assert_eq!(fast.note.as_deref(), Some(note), "{fast:?}");
            let labels = ["0", "0.05", "0.10", "0.15", "0.20", "0.25", "seconds"];
            assert_eq!(fast.own_labels, labels, "{fast:?}");
            assert_eq!(fast.grid, grid, "{fast:?}");
        }
        assert!(svg.contains("gets its own time axis"), "the caption says so");
    }

    #[test]
    fn a_run_much_shorter_than_the_fast_ones_gets_a_scale_of_its_own_again() {
        let timelines = [run(SEQ, 100, 1.0), run(THREADPOOL, 1, 2.0), run(ASYNC, 1, 0.01)];
        assert_eq!(scales(&timelines), [100.0, 2.0, 0.01]);
        let panels = panels(&timelines);
        let axes: Vec<(bool, bool)> =
            panels.iter().map(|p| (p.own.is_some(), p.shared_axis_below)).collect();
        assert_eq!(axes, [(false, true), (true, false), (true, false)]);
    }
}
