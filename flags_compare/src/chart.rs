//! The SVG chart: how the time grows with the number of flags, per model,
//! beside each model's ideal.

use std::path::Path;

use plotters::prelude::*;

use crate::measure::Program;

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

const COLORS: [RGBColor; 3] = [RGBColor(204, 51, 17), RGBColor(0, 119, 187), RGBColor(0, 153, 136)];

/// Draws the chart into an SVG file.
pub fn draw(path: &Path, title: &str, series: &[Series]) -> Result<(), String> {
    draw_chart(path, title, series).map_err(|err| format!("cannot draw {}: {err}", path.display()))
}

fn draw_chart(
    path: &Path, title: &str, series: &[Series],
) -> Result<(), Box<dyn std::error::Error>> {
    let root = SVGBackend::new(path, (900, 560)).into_drawing_area();
    root.fill(&WHITE)?;
    let (low, high) = bounds(series);
    let max_flags = series.iter().flat_map(|s| &s.points).map(|p| p.flags).max().unwrap_or(20);
    let mut chart = ChartBuilder::on(&root)
        .caption(title, ("sans-serif", 20))
        .margin(24)
        .x_label_area_size(44)
        .y_label_area_size(64)
        .build_cartesian_2d(0.0..max_flags as f64 * 1.05, (low..high).log_scale())?;
    chart
        .configure_mesh()
        .x_desc("flags downloaded")
        .y_desc("seconds (log scale)")
        .x_label_formatter(&|flags| format!("{flags:.0}"))
        .y_label_formatter(&|secs| format!("{secs}"))
        .draw()?;
    for (series, color) in series.iter().zip(COLORS) {
        draw_series(&mut chart, series, color)?;
    }
    chart
        .configure_series_labels()
        .position(SeriesLabelPosition::UpperLeft)
        .background_style(WHITE.mix(0.9))
        .border_style(BLACK)
        .draw()?;
    let note = "solid: measured (median); dashed: ideal, ceil(flags / concurrency) x latency; \
                hollow points: measured at a lower latency, scaled";
    root.draw(&Text::new(note, (24, 536), ("sans-serif", 13)))?;
    root.present()?;
    Ok(())
}

type Chart<'a, 'b> = ChartContext<
    'a,
    SVGBackend<'b>,
    Cartesian2d<plotters::coord::types::RangedCoordf64, LogCoord<f64>>,
>;

fn draw_series(
    chart: &mut Chart, series: &Series, color: RGBColor,
) -> Result<(), Box<dyn std::error::Error>> {
    let measured = series.points.iter().map(|p| (p.flags as f64, p.secs));
    chart
        .draw_series(LineSeries::new(measured, color.stroke_width(2)))?
        .label(format!("{} ({})", series.program.name, series.program.model))
        .legend(move |(x, y)| PathElement::new([(x, y), (x + 20, y)], color.stroke_width(2)));
    let ideal = series.points.iter().map(|p| (p.flags as f64, p.ideal));
    chart.draw_series(DashedLineSeries::new(ideal, 6, 4, color.stroke_width(1)))?;
    chart.draw_series(series.points.iter().map(|p| {
        let style = if p.scaled { color.stroke_width(2) } else { color.filled() };
        Circle::new((p.flags as f64, p.secs), 4, style)
    }))?;
    Ok(())
}

/// The y range, a little wider than every time and ideal.
fn bounds(series: &[Series]) -> (f64, f64) {
    let values = series.iter().flat_map(|s| &s.points).flat_map(|p| [p.secs, p.ideal]);
    let (low, high) = values.fold((f64::MAX, 0.0_f64), |(low, high), v| (low.min(v), high.max(v)));
    (low.max(1e-3) / 1.5, high.max(1e-2) * 1.5)
}
