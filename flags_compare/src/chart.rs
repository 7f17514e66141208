//! The growth chart: how the time grows with the number of flags, per
//! model, beside each model's ideal.
//!
//! Both axes are logarithmic. Flags go from 20 to 676 and times from a third
//! of a second to minutes; on log-log axes a time proportional to the flags
//! (sequential) is a straight line, and so is every ideal, so a measured
//! line that bends away from its ideal shows a real cost. Each decade is
//! labelled, and 2 and 5 times it; light lines mark the other multiples.
//!
//! Each ideal is drawn first, as a wide pale band in its program's colour,
//! and the measured line on top of it: where they agree the line runs
//! inside its band, and the band never disappears under it.

use std::path::Path;

use plotters::coord::combinators::WithKeyPoints;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use crate::programs::Program;

/// One measured point: `flags` flags took `secs` seconds.
#[derive(Clone, Copy, Debug)]
pub struct Point {
    pub flags: usize,
    pub secs: f64,
    /// The ideal time at this point: ceil(flags / concurrency) x latency.
    pub ideal: f64,
    /// Measured at a lower latency and scaled, because it would take minutes.
    pub scaled: bool,
}

/// A program's points.
pub struct Series {
    pub program: Program,
    pub points: Vec<Point>,
}

/// Colour-blind-safe (Paul Tol's "bright"): red, blue, teal.
const COLORS: [RGBColor; 3] = [RGBColor(204, 51, 17), RGBColor(0, 119, 187), RGBColor(0, 153, 136)];

const SIZE: (u32, u32) = (960, 640);
/// The height of the chart above the footnote, which has its own strip.
const CHART_HEIGHT: u32 = 590;
const FONT: &str = "sans-serif";

/// "Time to download N flags at 0.36 s a request (2 cores, loopback)"
pub fn title(latency: f64) -> String {
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    format!("Time to download N flags at {latency} s a request ({cores} cores, loopback)")
}

/// Draws the chart into an SVG file.
pub fn draw(path: &Path, title: &str, series: &[Series]) -> Result<(), String> {
    draw_chart(path, title, series).map_err(|err| format!("cannot draw {}: {err}", path.display()))
}

type Axis = WithKeyPoints<LogCoord<f64>>;
type Chart<'a, 'b> = ChartContext<'a, SVGBackend<'b>, Cartesian2d<Axis, Axis>>;
type Drawn = Result<(), Box<dyn std::error::Error>>;

fn draw_chart(path: &Path, title: &str, series: &[Series]) -> Drawn {
    let root = SVGBackend::new(path, SIZE).into_drawing_area();
    root.fill(&WHITE)?;
    let (upper, footer) = root.split_vertically(CHART_HEIGHT);
    let points = || series.iter().flat_map(|s| &s.points);
    let flags = decades(points().map(|p| p.flags as f64));
    let secs = decades(points().flat_map(|p| [p.secs, p.ideal]));
    let mut chart = ChartBuilder::on(&upper)
        .caption(title, (FONT, 20))
        .margin(20)
        .margin_right(56) // room for the labels of the last points
        .x_label_area_size(52)
        .y_label_area_size(64)
        .build_cartesian_2d(log_axis(flags), log_axis(secs))?;
    chart
        .configure_mesh()
        .x_desc("flags downloaded (log scale)")
        .y_desc("seconds (log scale)")
        .x_label_formatter(&|flags| number(*flags))
        .y_label_formatter(&|secs| number(*secs))
        .label_style((FONT, 14))
        .axis_desc_style((FONT, 15))
        .bold_line_style(BLACK.mix(0.18))
        .light_line_style(BLACK.mix(0.06))
        .draw()?;
    // All the ideals first: no band covers another program's measured line.
    for (series, color) in series.iter().zip(COLORS) {
        let ideal = series.points.iter().map(|p| (p.flags as f64, p.ideal));
        chart.draw_series(LineSeries::new(ideal, color.mix(0.28).stroke_width(10)))?;
    }
    for (series, color) in series.iter().zip(COLORS) {
        draw_measured(&mut chart, series, color)?;
    }
    draw_legend(&mut chart)?;
    let note = "Points: the median of the runs; hollow ones were measured at a lower latency and \
                scaled, as minutes of waiting would show nothing more.";
    footer.draw(&Text::new(note, (24, 16), (FONT, 13)))?;
    root.present()?;
    Ok(())
}

/// A measured line, its points, and each point's time beside it.
fn draw_measured(chart: &mut Chart, series: &Series, color: RGBColor) -> Drawn {
    let measured = series.points.iter().map(|p| (p.flags as f64, p.secs));
    chart
        .draw_series(LineSeries::new(measured, color.stroke_width(2)))?
        .label(format!("{} ({})", series.program.name, series.program.model))
        .legend(move |(x, y)| PathElement::new([(x, y), (x + 24, y)], color.stroke_width(2)));
    // Labels above and to the left of their points: the lines rise to the
    // right, or stay flat, so that corner is always clear of them.
    let label = (FONT, 13).into_font().color(&color).pos(Pos::new(HPos::Right, VPos::Bottom));
    chart.draw_series(series.points.iter().map(|p| {
        let fill = if p.scaled { WHITE.filled() } else { color.filled() };
        EmptyElement::at((p.flags as f64, p.secs))
            + Circle::new((0, 0), 5, fill)
            + Circle::new((0, 0), 5, color.stroke_width(2))
            + Text::new(seconds(p.secs), (-6, -6), label.clone())
    }))?;
    Ok(())
}

fn draw_legend<'a, 'b: 'a>(chart: &mut Chart<'a, 'b>) -> Drawn {
    let band = BLACK.mix(0.25).stroke_width(10);
    chart
        .draw_series(std::iter::empty::<Circle<(f64, f64), i32>>())?
        .label("ideal: ceil(flags / concurrency) x latency")
        .legend(move |(x, y)| PathElement::new([(x, y), (x + 24, y)], band));
    chart
        .configure_series_labels()
        .position(SeriesLabelPosition::UpperLeft)
        .label_font((FONT, 14))
        .background_style(WHITE.mix(0.9))
        .border_style(BLACK.mix(0.4))
        .draw()?;
    Ok(())
}

/// A log axis over whole decades, its keys (labelled, bold lines) at 1, 2
/// and 5 times each power of ten, its light lines at the other multiples.
fn log_axis((low, high): (f64, f64)) -> Axis {
    let multiples = |of: &'static [f64]| {
        let powers = low.log10().round() as i32..high.log10().round() as i32 + 1;
        let all = powers.flat_map(move |e| of.iter().map(move |m| m * 10f64.powi(e)));
        all.filter(move |v| (low..=high).contains(v)).collect::<Vec<f64>>()
    };
    (low..high)
        .log_scale()
        .with_key_points(multiples(&[1.0, 2.0, 5.0]))
        .with_light_points(multiples(&[3.0, 4.0, 6.0, 7.0, 8.0, 9.0]))
}

/// The powers of ten just below and above every value.
fn decades(values: impl Iterator<Item = f64>) -> (f64, f64) {
    let (low, high) = values
        .filter(|v| *v > 0.0)
        .fold((f64::MAX, f64::MIN_POSITIVE), |(low, high), v| (low.min(v), high.max(v)));
    let low = 10f64.powf((low.min(high) / 1.2).log10().floor());
    let high = 10f64.powf((high * 1.2).log10().ceil());
    (low, high.max(low * 10.0))
}

/// An axis label: 0.05, 0.2, 1, 20, 500.
fn number(value: f64) -> String {
    let decimals = (-value.log10().floor()).max(0.0) as usize;
    format!("{value:.decimals$}")
}

/// A point's label, three significant digits: 0.378 s, 7.25 s, 243 s.
fn seconds(secs: f64) -> String {
    let decimals = (2.0 - secs.log10().floor()).clamp(0.0, 3.0) as usize;
    format!("{secs:.decimals$} s")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn axes_span_whole_decades() {
        assert_eq!(decades([20.0, 194.0, 676.0].into_iter()), (10.0, 1000.0));
        assert_eq!(decades([0.37, 243.0].into_iter()), (0.1, 1000.0));
        assert_eq!(decades([1.0, 1.0].into_iter()), (0.1, 10.0));
    }

    #[test]
    fn labels_are_short() {
        assert_eq!([0.05, 0.2, 1.0, 20.0, 500.0].map(number), ["0.05", "0.2", "1", "20", "500"]);
        assert_eq!([0.3781, 7.254, 243.4].map(seconds), ["0.378 s", "7.25 s", "243 s"]);
    }
}
