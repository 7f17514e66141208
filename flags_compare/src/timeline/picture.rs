//! The timelines as an SVG picture: the programs stacked, one time axis.
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

use std::path::Path;

use svg::Document;
use svg::node::element::{Group, Line, Rectangle, Style, TSpan, Text, Title};

use super::{Bar, Outcome, Timeline, tick_label, ticks};
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

/// Seconds to x coordinates, the same for every program.
struct Scale {
    secs: f64,
}

impl Scale {
    fn x(&self, secs: f64) -> f64 {
        LEFT + secs / self.secs * (RIGHT - LEFT)
    }
}

fn document(caption: &Caption, timelines: &[Timeline]) -> Document {
    let span = timelines.iter().map(Timeline::span).fold(0.0, f64::max).max(1e-3);
    let scale = Scale { secs: span };
    // From the top: the caption, the legend, the programs, the axis.
    let legend_y = 30.0 + 18.0 * caption.lines.len() as f64 + 28.0;
    let top = legend_y + 16.0;
    let bottom = top + timelines.iter().map(panel_height).sum::<f64>();
    let height = round(bottom + 64.0);

    let mut document = Document::new()
        .set("width", WIDTH)
        .set("height", height)
        .set("viewBox", (0, 0, WIDTH, height))
        .add(Style::new(STYLE))
        .add(rect(0.0, 0.0, WIDTH, height, "background").set("fill", "#fff"))
        .add(text(LEFT, 30.0, "title", &caption.title));
    for (n, line) in caption.lines.iter().enumerate() {
        document = document.add(text(LEFT, 48.0 + 18.0 * n as f64, "note", line));
    }
    document = document.add(legend(legend_y)).add(grid(&scale, top, bottom));
    let mut y = top;
    for timeline in timelines {
        document = document.add(panel(timeline, &scale, y));
        y += panel_height(timeline);
    }
    document.add(axis(&scale, bottom))
}

/// A lane's thickness for this many lanes.
fn pitch(lanes: usize) -> f64 {
    (LANES_MAX / lanes.max(1) as f64).min(LANE_MAX)
}

fn panel_height(timeline: &Timeline) -> f64 {
    HEADER + timeline.lanes.max(1) as f64 * pitch(timeline.lanes) + PANEL_GAP
}

/// One program: its name and figures, its lanes, its bars, its total.
fn panel(timeline: &Timeline, scale: &Scale, top: f64) -> Group {
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
    let header = Text::new("").set("x", LEFT).set("y", round(top + 15.0)).set("class", "name");
    group = group
        .add(header.add(TSpan::new(program.name)).add(TSpan::new(detail).set("class", "detail")));
    let (lanes_top, pitch) = (top + HEADER, pitch(timeline.lanes));
    let height = timeline.lanes.max(1) as f64 * pitch;
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
    group.add(text(scale.x(timeline.span()) + 6.0, middle, "total", &total))
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

/// Light vertical lines at each tick, behind every program.
fn grid(scale: &Scale, top: f64, bottom: f64) -> Group {
    let (_, marks) = ticks(scale.secs, 10);
    marks.into_iter().fold(Group::new().set("class", "grid"), |group, mark| {
        group.add(line((scale.x(mark), top), (scale.x(mark), bottom), "grid"))
    })
}

/// The time axis under the last program, with its labels and title.
fn axis(scale: &Scale, y: f64) -> Group {
    let (step, marks) = ticks(scale.secs, 10);
    let mut group = Group::new().set("class", "time-axis");
    group = group.add(line((LEFT, y), (RIGHT, y), "axis"));
    for mark in marks {
        let x = scale.x(mark);
        group = group.add(line((x, y), (x, y + 5.0), "axis"));
        group =
            group.add(text(x, y + 18.0, "", &tick_label(mark, step)).set("text-anchor", "middle"));
    }
    let title = "seconds since the program's first request reached the site";
    group.add(text((LEFT + RIGHT) / 2.0, y + 40.0, "note", title).set("text-anchor", "middle"))
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
    use crate::programs::{ASYNC, SEQ};
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
}
