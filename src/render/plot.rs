//! Paints one [`Chart`]: its lines over the run's time, a scale, and the
//! scenario's actions as marks. The playhead is not painted: the page moves
//! it over the canvas, so a chart is drawn again only when its data or its
//! size changes.

use quorum_protocols::sim::decimal::Fixed;
use web_sys::CanvasRenderingContext2d as Ctx;

use super::chart::Chart;
use super::draw::{line, set_dash, set_font, text};
use super::layout::Point;
use super::palette::Palette;

/// Room left of the plot for the scale's numbers, and right of it, in CSS pixels.
pub const PLOT_LEFT: f64 = 44.0;
pub const PLOT_RIGHT: f64 = 8.0;
/// Room above and below the plot.
const PLOT_TOP: f64 = 8.0;
const PLOT_BOTTOM: f64 = 16.0;

/// Where the plot is on a canvas of `width` × `height`, and the time and
/// value ranges it shows.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct PlotArea {
    pub width: f64,
    pub height: f64,
    /// The virtual time at the right edge (the left is 0).
    pub extent: f64,
    pub top: f64,
}

impl PlotArea {
    pub fn x(&self, t: f64) -> f64 {
        PLOT_LEFT + t / self.extent.max(1.0) * (self.width - PLOT_LEFT - PLOT_RIGHT)
    }

    fn y(&self, v: f64) -> f64 {
        self.height - PLOT_BOTTOM - v / self.top * (self.height - PLOT_BOTTOM - PLOT_TOP)
    }

    /// The time at canvas position `x`, within the run.
    pub fn time_at(&self, x: f64) -> f64 {
        // Not `clamp`: with a bound only known at run time, its check would
        // ship core's float formatting for its panic message (docs/benchmarks.md).
        ((x - PLOT_LEFT) / (self.width - PLOT_LEFT - PLOT_RIGHT).max(1.0) * self.extent).max(0.0).min(self.extent)
    }
}

/// Clears the canvas and paints `chart`, with a mark at each time in `marks`.
pub fn draw_chart(ctx: &Ctx, chart: &Chart, frame: &PlotArea, marks: &[f64], palette: &Palette, pixel_ratio: f64) {
    let _ = ctx.set_transform(pixel_ratio, 0.0, 0.0, pixel_ratio, 0.0, 0.0);
    ctx.clear_rect(0.0, 0.0, frame.width, frame.height);
    set_font(ctx, palette, "11px ");
    ctx.set_line_width(1.0);
    // The scale: the top value and zero, with a faint line at each.
    ctx.set_stroke_style_str(&palette.border);
    ctx.set_fill_style_str(&palette.muted);
    for v in [0.0, frame.top] {
        let y = frame.y(v);
        line(ctx, Point::new(PLOT_LEFT, y), Point::new(frame.width - PLOT_RIGHT, y));
        // Scales end on 1, 2 or 5 times a power of ten: a decimal only below 1.
        let label = format!("{}{}", Fixed(v, if v.fract() != 0.0 { 1 } else { 0 }), chart.unit);
        text(ctx, &label, Point::new(2.0, y + 4.0));
    }
    text(ctx, "0 s", Point::new(PLOT_LEFT, frame.height - 3.0));
    let end = format!("{} s", Fixed(frame.extent / 1_000.0, 0));
    text(ctx, &end, Point::new(frame.width - PLOT_RIGHT - 28.0, frame.height - 3.0));
    // The scenario's actions (faults, heals), as on the scrubber.
    ctx.set_stroke_style_str(&palette.lost);
    set_dash(ctx, &[3.0, 3.0]);
    for &t in marks {
        let x = frame.x(t);
        line(ctx, Point::new(x, PLOT_TOP), Point::new(x, frame.height - PLOT_BOTTOM));
    }
    set_dash(ctx, &[]);
    ctx.set_line_width(1.6);
    for (i, l) in chart.lines.iter().enumerate() {
        ctx.set_stroke_style_str(&palette.tags[i % palette.tags.len()]);
        ctx.begin_path();
        // Thousands of samples over a few hundred pixels: in each pixel
        // column only the last point is drawn (and the first after a gap).
        let mut drawing = false;
        for (i, &(t, v)) in l.points.iter().enumerate() {
            if !v.is_finite() {
                drawing = false;
                continue;
            }
            let x = frame.x(t);
            let next = l.points.get(i + 1);
            let last_in_column = next.is_none_or(|n| !n.1.is_finite() || frame.x(n.0).floor() != x.floor());
            if drawing && !last_in_column {
                continue;
            }
            let y = frame.y(v);
            if drawing {
                ctx.line_to(x, y)
            } else {
                ctx.move_to(x, y)
            }
            drawing = true;
        }
        ctx.stroke();
    }
}
