//! Paints the space-time diagram: lanes, gaps, arrows, events and the
//! playhead. Where things go comes from [`Geometry`], what happened from
//! [`History`].
//!
//! However far the user zooms out, the work per frame stays bounded: at most
//! one event per lane and pixel, and one arrow per pair of lanes and pixel,
//! is drawn (the rest would land on the same pixels), and shapes that look
//! alike go to the canvas as one path. While it plays, what has settled (the
//! lanes and everything up to just before the playhead) is kept in a
//! [`Settled`] picture and shifted along with the window: a frame draws only
//! what settled since the last one and what is still to settle.

use std::f64::consts::TAU;

use quorum_protocols::sim::decimal::Fixed;
use quorum_protocols::sim::time::NodeId;
use quorum_protocols::sim::view::Fate;
use web_sys::{CanvasRenderingContext2d as Ctx, HtmlCanvasElement};

use super::draw::{fit, line, offscreen, set_dash, set_font, text};
use super::layout::Point;
use super::palette::Palette;
use super::spacetime::{Arrow, DotKind, Flow, Geometry, History, NAME_SPACE, Relation, relation};

/// Radius of an event's dot.
const DOT: f64 = 3.0;
/// How much of its way a lost message gets before its cross.
const LOST_AT: f64 = 0.8;
/// What is not yet shown (the recorded future, messages still in flight) is drawn this faint.
const FUTURE_ALPHA: f64 = 0.35;
/// Events outside the causal cone of the one pointed at are drawn this faint.
const UNRELATED_ALPHA: f64 = 0.2;
/// How far an event's shape reaches along the time axis past its time (a lost
/// message's bar, a dot), in CSS pixels: the settled picture takes an event only
/// once this much before its edge, so what is drawn later never goes under it.
const REACH_PAST: f64 = 8.0;

/// Everything one drawing needs besides the history.
pub struct DiagramScene<'a> {
    pub geometry: &'a Geometry,
    pub palette: &'a Palette,
    pub names: &'a [String],
    /// The playhead: the virtual time shown, and its step.
    pub now: f64,
    pub step: u64,
    /// The dot pointed at, whose causal past and future are lit.
    pub pointed: Option<usize>,
    /// The log line pointed at (index in [`History::ticks`]).
    pub noted: Option<usize>,
    pub pixel_ratio: f64,
}

/// Clears the canvas and draws the window of `history` the geometry shows;
/// the part `settled` holds (brought up to this scene by [`Settled::update`]) is copied from it.
pub fn draw_diagram(ctx: &Ctx, scene: &DiagramScene, history: &History, settled: Option<&Settled>) {
    let g = scene.geometry;
    let ratio = scene.pixel_ratio;
    let _ = ctx.set_transform(ratio, 0.0, 0.0, ratio, 0.0, 0.0);
    ctx.clear_rect(0.0, 0.0, g.width, g.height);
    set_font(ctx, scene.palette, "12px ");
    draw_future(ctx, scene);
    draw_names(ctx, scene);
    let held = settled.and_then(|s| Some((&s.layers[0].0, s.drawn.as_ref()?)));
    let (edge, items) = held.map_or((0.0, ALL), |(_, d)| (d.edge / ratio, (d.until, f64::INFINITY)));
    draw_ground(ctx, scene, history, edge, axis_end(g));
    if let Some((layer, _)) = held {
        let _ = ctx.set_transform(1.0, 0.0, 0.0, 1.0, 0.0, 0.0);
        let _ = ctx.draw_image_with_html_canvas_element(layer, 0.0, 0.0);
        let _ = ctx.set_transform(ratio, 0.0, 0.0, ratio, 0.0, 0.0);
    }
    draw_items(ctx, scene, history, items);
    draw_playhead(ctx, scene);
}

/// Arrows, log ticks and events, in that order.
fn draw_items(ctx: &Ctx, scene: &DiagramScene, history: &History, items: Items) {
    draw_arrows(ctx, scene, history, items);
    draw_ticks(ctx, scene, history, items);
    draw_dots(ctx, scene, history, items);
}

/// The far end of the canvas along the time axis, in CSS pixels.
fn axis_end(g: &Geometry) -> f64 {
    if g.flow == Flow::Across { g.width } else { g.height }
}

/// Which arrows, log ticks and events to draw: those that settle (are drawn
/// as they will stay) after the first time and by the second. Something that
/// may yet change settles at infinity.
type Items = (f64, f64);

const ALL: Items = (f64::NEG_INFINITY, f64::INFINITY);

fn wanted((after, until): Items, time: f64) -> bool {
    after < time && time <= until
}

/// The settled part of the diagram, kept between frames: the ground (lanes,
/// gaps, the time axis, faults) before an edge just short of the playhead,
/// and the arrows, ticks and events that can no longer change, up to a time
/// a little before that edge. As the window follows the playhead by whole
/// device pixels, the picture is shifted by as many and only what settled
/// since is drawn on it: a frame then draws a few new shapes instead of
/// every one in the window (hundreds of arrows, at 4× in Raft).
pub struct Settled {
    /// The picture, and a spare to shift it into: canvases not in the page, in device pixels.
    layers: [(HtmlCanvasElement, Ctx); 2],
    drawn: Option<Drawn>,
}

/// What the picture holds.
struct Drawn {
    /// The window it was drawn for, from time 0, and the pixel ratio: any change starts afresh.
    shape: (Geometry, f64),
    from: f64,
    /// The ground drawn before here along the time axis (device pixels, whole).
    edge: f64,
    /// What settled by this time.
    until: f64,
}

impl Settled {
    pub fn new() -> Option<Settled> {
        Some(Settled { layers: [offscreen()?, offscreen()?], drawn: None })
    }

    /// Drops the picture: the next update draws it afresh (the run, the names or the colours changed).
    pub fn forget(&mut self) {
        self.drawn = None;
    }

    /// Brings the picture up to `scene`'s window and playhead: shifted with the
    /// window and what settled since drawn on, or drawn afresh when the window
    /// changed otherwise or went back.
    pub fn update(&mut self, scene: &DiagramScene, history: &History) {
        let (g, ratio) = (scene.geometry, scene.pixel_ratio);
        let length = (axis_end(g) * ratio).round();
        let edge = (g.along(scene.now) * ratio).floor().max(0.0).min(length);
        let until = g.time_at_along(edge / ratio - REACH_PAST);
        let shape = (Geometry { from: 0.0, to: g.to - g.from, ..*g }, ratio);
        let per_pixel = g.ms_per_pixel() / ratio;
        let shift = self
            .drawn
            .take()
            .filter(|d| d.shape == shape && g.from >= d.from && until >= d.until)
            .map(|d| ((g.from - d.from) / per_pixel, d))
            .filter(|(by, _)| (by - by.round()).abs() < 1e-3);
        let (start, after) = match shift {
            // Not moved (paused, or zoomed out so far that a frame is less than a pixel): drawn on as it is.
            Some((by, d)) if by.round() == 0.0 => (d.edge, d.until),
            Some((by, d)) => {
                let by = by.round();
                self.layers.swap(0, 1);
                let (front, back) = (&self.layers[0], &self.layers[1]);
                let _ = front.1.set_transform(1.0, 0.0, 0.0, 1.0, 0.0, 0.0);
                front.1.clear_rect(0.0, 0.0, f64::from(front.0.width()), f64::from(front.0.height()));
                let (dx, dy) = if g.flow == Flow::Across { (-by, 0.0) } else { (0.0, -by) };
                let _ = front.1.draw_image_with_html_canvas_element(&back.0, dx, dy);
                (d.edge - by, d.until)
            }
            None => {
                // Setting the size clears the canvas and its settings.
                for (canvas, _) in &self.layers {
                    canvas.set_width((g.width * ratio).round() as u32);
                    canvas.set_height((g.height * ratio).round() as u32);
                }
                (0.0, f64::NEG_INFINITY)
            }
        };
        let ctx = &self.layers[0].1;
        let _ = ctx.set_transform(ratio, 0.0, 0.0, ratio, 0.0, 0.0);
        set_font(ctx, scene.palette, "12px ");
        draw_ground(ctx, scene, history, start.max(0.0) / ratio, edge / ratio);
        draw_items(ctx, scene, history, (after, until));
        // Before the window's start the names go, and nothing of what ended
        // there is drawn: what was shifted there goes too.
        match g.flow {
            Flow::Across => ctx.clear_rect(0.0, 0.0, NAME_SPACE, g.height),
            Flow::Down => ctx.clear_rect(0.0, 0.0, g.width, NAME_SPACE),
        }
        self.drawn = Some(Drawn { shape, from: g.from, edge, until });
    }
}

/// The time axis's marks, network-wide faults, lanes and gaps, where the
/// time axis is between `start` and `end` (CSS pixels).
fn draw_ground(ctx: &Ctx, scene: &DiagramScene, history: &History, start: f64, end: f64) {
    let g = scene.geometry;
    if end <= start {
        return;
    }
    ctx.save();
    ctx.begin_path();
    match g.flow {
        Flow::Across => ctx.rect(start, 0.0, end - start, g.height),
        Flow::Down => ctx.rect(0.0, start, g.width, end - start),
    }
    ctx.clip();
    draw_ticks_axis(ctx, scene);
    draw_marks(ctx, scene, history);
    draw_lanes(ctx, scene, history);
    ctx.restore();
}

/// The time after the playhead, shaded: what is drawn there has not happened yet.
fn draw_future(ctx: &Ctx, scene: &DiagramScene) {
    let g = scene.geometry;
    let start = g.along(scene.now).max(NAME_SPACE);
    let (length, breadth) = if g.flow == Flow::Across { (g.width, g.height) } else { (g.height, g.width) };
    if start >= length {
        return;
    }
    ctx.set_fill_style_str(&scene.palette.card);
    match g.flow {
        Flow::Across => ctx.fill_rect(start, 0.0, length - start, breadth),
        Flow::Down => ctx.fill_rect(0.0, start, breadth, length - start),
    }
}

/// Faint lines across the lanes at round times, labelled at the edge.
fn draw_ticks_axis(ctx: &Ctx, scene: &DiagramScene) {
    let (g, p) = (scene.geometry, scene.palette);
    let ticks = g.ticks();
    let step = match ticks.as_slice() {
        [a, b, ..] => b - a,
        _ => 1_000.0,
    };
    let decimals = if step >= 1_000.0 {
        0
    } else if step >= 100.0 {
        1
    } else if step >= 10.0 {
        2
    } else {
        3
    };
    ctx.save();
    ctx.set_line_width(1.0);
    ctx.set_stroke_style_str(&p.border);
    ctx.set_fill_style_str(&p.muted);
    set_font(ctx, p, "10px ");
    for t in ticks {
        let (a, b) = stretch(g, g.point(0, t), g.point(0, t));
        line(ctx, a, b);
        let label = format!("{} s", Fixed(t / 1_000.0, decimals));
        let at = match g.flow {
            Flow::Across => Point::new(a.x + 3.0, g.height - 3.0),
            Flow::Down => Point::new(2.0, a.y - 3.0),
        };
        // A label that would run off the far edge is left out (its line still shows).
        if g.along_of(at) + 36.0 <= g.along(g.to) + 12.0 {
            text(ctx, &label, at);
        }
    }
    ctx.restore();
}

/// A line across every lane at each network-wide fault, with what it was.
fn draw_marks(ctx: &Ctx, scene: &DiagramScene, history: &History) {
    let (g, p) = (scene.geometry, scene.palette);
    let name = |n: NodeId| scene.names.get(n).cloned().unwrap_or_else(|| n.to_string());
    ctx.save();
    ctx.set_line_width(1.0);
    set_dash(ctx, &[4.0, 3.0]);
    for mark in history.marks.iter().filter(|m| (g.from..=g.to).contains(&(m.time as f64))) {
        let (a, b) = (g.point(0, mark.time as f64), g.point(g.lanes.saturating_sub(1), mark.time as f64));
        let (a, b) = stretch(g, a, b);
        ctx.set_stroke_style_str(&p.lost);
        line(ctx, a, b);
        ctx.set_fill_style_str(&p.lost);
        let label = fit(ctx, &mark.fault.describe(&name), 160.0);
        text(ctx, &label, Point::new(a.x + 3.0, a.y + 10.0));
    }
    ctx.restore();
}

/// A segment across the lanes, reaching out to the canvas's edges.
fn stretch(g: &Geometry, a: Point, b: Point) -> (Point, Point) {
    match g.flow {
        Flow::Across => (Point::new(a.x, 2.0), Point::new(b.x, g.height - 2.0)),
        Flow::Down => (Point::new(2.0, a.y), Point::new(g.width - 2.0, b.y)),
    }
}

/// Each node's name at the start of its lane.
fn draw_names(ctx: &Ctx, scene: &DiagramScene) {
    let g = scene.geometry;
    ctx.set_fill_style_str(&scene.palette.text);
    for node in 0..g.lanes {
        let name = scene.names.get(node).map_or("", String::as_str);
        let at = g.point(node, g.from);
        match g.flow {
            Flow::Across => text(ctx, &fit(ctx, name, NAME_SPACE - 8.0), Point::new(4.0, at.y + 4.0)),
            Flow::Down => text(ctx, &fit(ctx, name, 40.0), Point::new(at.x - 6.0, 16.0)),
        }
    }
}

/// Each node's lane; down and paused stretches drawn as gaps.
fn draw_lanes(ctx: &Ctx, scene: &DiagramScene, history: &History) {
    let (g, p) = (scene.geometry, scene.palette);
    ctx.save();
    ctx.set_line_width(1.5);
    ctx.set_stroke_style_str(&p.link);
    for node in 0..g.lanes {
        line(ctx, g.point(node, g.from), g.point(node, g.to));
    }
    for gap in &history.gaps {
        let to = gap.to.map_or(g.to, |t| (t as f64).min(g.to));
        if (gap.from as f64).max(g.from) > to {
            continue;
        }
        // From its very start, even before the window: its dashes then stay
        // in place as the window moves, in the settled picture as in the rest.
        let (a, b) = (g.point(gap.node, gap.from as f64), g.point(gap.node, to));
        // The lane is wiped out, then drawn thin and dashed: nothing happens there.
        ctx.set_line_width(5.0);
        ctx.set_stroke_style_str(&p.surface);
        line(ctx, a, b);
        ctx.set_line_width(1.5);
        ctx.set_stroke_style_str(if gap.crashed { &p.crashed } else { &p.paused });
        set_dash(ctx, if gap.crashed { &[2.0, 4.0] } else { &[6.0, 3.0] });
        line(ctx, a, b);
        set_dash(ctx, &[]);
        if gap.crashed && gap.from as f64 >= g.from {
            ctx.begin_path();
            trace(ctx, Shape::Cross(g.point(gap.node, gap.from as f64), 5.0));
            ctx.stroke();
        }
    }
    ctx.restore();
}

/// The `items` among the message copies crossing the window, one per pair of lanes and pixel.
fn draw_arrows(ctx: &Ctx, scene: &DiagramScene, history: &History, items: Items) {
    let (g, p) = (scene.geometry, scene.palette);
    let pointed = scene.pointed.and_then(|i| history.dots.get(i));
    let mut last_pixel = vec![f64::NAN; g.lanes * g.lanes];
    let mut batches = Batches::default();
    for arrow in history.arrows_between(g.from, g.to) {
        let end = arrow.end(history) as f64;
        // A delivered message not yet received (by a paused node) will end later.
        let fixed = arrow.receive.is_some() || arrow.fate != Fate::Delivered;
        if !wanted(items, if fixed { end } else { f64::INFINITY }) {
            continue;
        }
        let pixel = g.along(arrow.sent as f64).round();
        let Some(slot) = last_pixel.get_mut(arrow.from * g.lanes + arrow.to) else { continue };
        if *slot == pixel && pointed.is_none() {
            continue;
        }
        *slot = pixel;
        let (cone, alpha) = match pointed {
            Some(at) => {
                let of = |i: usize| history.dot(i).map(|d| relation(&at.stamp, &d.stamp));
                match (of(arrow.send), arrow.receive.and_then(of)) {
                    (Some(Relation::Past), Some(Relation::Past | Relation::Itself)) => (Some(past(p)), 1.0),
                    (Some(Relation::Future | Relation::Itself), Some(Relation::Future) | None) => {
                        (Some(future(p)), 1.0)
                    }
                    _ => (None, UNRELATED_ALPHA),
                }
            }
            None if end > scene.now => (None, FUTURE_ALPHA),
            None => (None, 1.0),
        };
        add_arrow(&mut batches, scene, arrow, end, cone, alpha);
    }
    batches.paint(ctx);
}

/// One arrow: delivered ones end in a head at the receiver, lost ones in a
/// cross on the way, blocked ones in a bar half way (the partition), ones
/// that reach a crashed node in a cross at its lane; duplicates are dashed.
fn add_arrow<'a>(
    batches: &mut Batches<'a>,
    scene: &DiagramScene<'a>,
    arrow: &Arrow,
    end: f64,
    cone: Option<&'a str>,
    alpha: f64,
) {
    let (g, p) = (scene.geometry, scene.palette);
    let start = g.point(arrow.from, arrow.sent as f64);
    let finish = g.point(arrow.to, end);
    let colour = cone.unwrap_or(if arrow.duplicate { &p.duplicate } else { &p.message });
    let shaft = Look { colour, alpha, dashed: arrow.duplicate, fill: false };
    let mark = Look { colour: &p.lost, alpha, dashed: false, fill: false };
    match arrow.fate {
        Fate::Delivered => {
            batches.add(shaft, Shape::Line(start, finish));
            batches.add(Look { fill: true, dashed: false, ..shaft }, Shape::Head(start, finish));
        }
        Fate::Lost | Fate::NodeDown => {
            let stop = if arrow.fate == Fate::Lost { start.lerp(finish, LOST_AT) } else { finish };
            batches.add(shaft, Shape::Line(start, stop));
            batches.add(mark, Shape::Cross(stop, 4.0));
        }
        Fate::Blocked => {
            let stop = start.lerp(finish, 0.5);
            batches.add(shaft, Shape::Line(start, stop));
            batches.add(mark, Shape::Bar(start, stop));
        }
    }
}

/// How a batch of shapes looks.
#[derive(Clone, Copy, PartialEq)]
struct Look<'a> {
    colour: &'a str,
    alpha: f64,
    dashed: bool,
    /// Filled (otherwise stroked).
    fill: bool,
}

#[derive(Clone, Copy)]
enum Shape {
    Line(Point, Point),
    /// An arrowhead at the second point, pointing away from the first.
    Head(Point, Point),
    Circle(Point, f64),
    Square(Point, f64),
    Cross(Point, f64),
    /// A short bar across the end of the segment: where a partition stopped it.
    Bar(Point, Point),
}

/// Shapes gathered by look, so the canvas gets one path and one stroke or
/// fill per look rather than per shape: hundreds of calls into the browser
/// a frame fewer.
#[derive(Default)]
struct Batches<'a> {
    looks: Vec<(Look<'a>, Vec<Shape>)>,
}

impl<'a> Batches<'a> {
    fn add(&mut self, look: Look<'a>, shape: Shape) {
        match self.looks.iter_mut().find(|(l, _)| *l == look) {
            Some((_, shapes)) => shapes.push(shape),
            None => self.looks.push((look, vec![shape])),
        }
    }

    fn paint(&self, ctx: &Ctx) {
        ctx.save();
        ctx.set_line_width(1.2);
        for (look, shapes) in &self.looks {
            ctx.set_global_alpha(look.alpha);
            set_dash(ctx, if look.dashed { &[4.0, 3.0] } else { &[] });
            ctx.begin_path();
            for shape in shapes {
                trace(ctx, *shape);
            }
            if look.fill {
                ctx.set_fill_style_str(look.colour);
                ctx.fill();
            } else {
                ctx.set_stroke_style_str(look.colour);
                ctx.stroke();
            }
        }
        ctx.restore();
    }
}

/// Adds `shape` to the current path.
fn trace(ctx: &Ctx, shape: Shape) {
    let segment = |a: Point, b: Point| {
        ctx.move_to(a.x, a.y);
        ctx.line_to(b.x, b.y);
    };
    match shape {
        Shape::Line(a, b) => segment(a, b),
        Shape::Head(from, to) => {
            let length = from.distance(to);
            if length < 1.0 {
                return;
            }
            let (ux, uy) = ((to.x - from.x) / length, (to.y - from.y) / length);
            let back = Point::new(to.x - ux * 7.0, to.y - uy * 7.0);
            ctx.move_to(to.x, to.y);
            ctx.line_to(back.x - uy * 3.0, back.y + ux * 3.0);
            ctx.line_to(back.x + uy * 3.0, back.y - ux * 3.0);
            ctx.close_path();
        }
        Shape::Circle(c, r) => {
            ctx.move_to(c.x + r, c.y);
            let _ = ctx.arc(c.x, c.y, r, 0.0, TAU);
        }
        Shape::Square(c, r) => ctx.rect(c.x - r, c.y - r, 2.0 * r, 2.0 * r),
        Shape::Cross(at, r) => {
            segment(Point::new(at.x - r, at.y - r), Point::new(at.x + r, at.y + r));
            segment(Point::new(at.x - r, at.y + r), Point::new(at.x + r, at.y - r));
        }
        Shape::Bar(from, to) => {
            let length = from.distance(to).max(1.0);
            let (nx, ny) = (-(to.y - from.y) / length * 5.0, (to.x - from.x) / length * 5.0);
            segment(Point::new(to.x - nx, to.y - ny), Point::new(to.x + nx, to.y + ny));
        }
    }
}

/// The `items` among the log lines: a short tick across their node's lane.
fn draw_ticks(ctx: &Ctx, scene: &DiagramScene, history: &History, items: Items) {
    let (g, p) = (scene.geometry, scene.palette);
    let mut last_pixel = vec![f64::NAN; g.lanes];
    let mut batches = Batches::default();
    for i in history.ticks_between(items.0.max(g.from), items.1.min(g.to)) {
        let tick = &history.ticks[i];
        if !wanted(items, tick.time as f64) {
            continue;
        }
        let at = g.tick_point(tick.node, tick.time as f64);
        let noted = scene.noted == Some(i);
        let Some(slot) = last_pixel.get_mut(tick.node) else { continue };
        let pixel = g.along_of(at).round();
        if *slot == pixel && !noted {
            continue;
        }
        *slot = pixel;
        let (a, b) = match g.flow {
            Flow::Across => (Point::new(at.x, at.y - 3.0), Point::new(at.x, at.y + 3.0)),
            Flow::Down => (Point::new(at.x - 3.0, at.y), Point::new(at.x + 3.0, at.y)),
        };
        let colour = if noted { p.selected.as_str() } else { p.muted.as_str() };
        batches.add(Look { colour, alpha: 1.0, dashed: false, fill: false }, Shape::Line(a, b));
        if noted {
            // Thicker, so the one pointed at shows among its neighbours.
            batches.add(Look { colour, alpha: 1.0, dashed: false, fill: true }, Shape::Square(at, 2.5));
        }
    }
    batches.paint(ctx);
}

/// The `items` among the events, as dots shaped and coloured by kind; lit by
/// their relation to the one pointed at. (An event before the playhead has
/// happened: its look is fixed once its time is past.)
fn draw_dots(ctx: &Ctx, scene: &DiagramScene, history: &History, items: Items) {
    let (g, p) = (scene.geometry, scene.palette);
    let pointed = scene.pointed.and_then(|i| history.dots.get(i));
    let mut last_pixel = vec![f64::NAN; g.lanes];
    let mut batches = Batches::default();
    for dot in &history.dots[history.dots_between(items.0.max(g.from), items.1.min(g.to))] {
        if !wanted(items, dot.time as f64) {
            continue;
        }
        let at = g.point(dot.node, dot.time as f64);
        let relation = pointed.map(|pointed| relation(&pointed.stamp, &dot.stamp));
        let Some(slot) = last_pixel.get_mut(dot.node) else { continue };
        let pixel = g.along_of(at).round();
        if *slot == pixel && relation.is_none() {
            continue;
        }
        *slot = pixel;
        let (colour, alpha) = match relation {
            Some(Relation::Itself) => (p.selected.as_str(), 1.0),
            Some(Relation::Past) => (past(p), 1.0),
            Some(Relation::Future) => (future(p), 1.0),
            Some(Relation::Concurrent) => (kind_colour(p, dot.kind), UNRELATED_ALPHA),
            None if dot.step > scene.step => (kind_colour(p, dot.kind), FUTURE_ALPHA),
            None => (kind_colour(p, dot.kind), 1.0),
        };
        let look = Look { colour, alpha, dashed: false, fill: dot.kind != DotKind::Timer };
        let shape = match dot.kind {
            DotKind::Invoke | DotKind::Reply | DotKind::Refuse => Shape::Square(at, DOT),
            DotKind::Timer | DotKind::Send | DotKind::Receive => Shape::Circle(at, DOT),
        };
        batches.add(look, shape);
        if relation == Some(Relation::Itself) {
            batches.add(Look { fill: false, ..look }, Shape::Circle(at, DOT + 4.0));
        }
    }
    batches.paint(ctx);
}

/// The causal past of the event pointed at: what could have influenced it.
fn past(p: &Palette) -> &str {
    &p.tags[2]
}

/// Its causal future: what it could have influenced.
fn future(p: &Palette) -> &str {
    &p.tags[1]
}

fn kind_colour(p: &Palette, kind: DotKind) -> &str {
    match kind {
        DotKind::Send | DotKind::Receive => &p.message,
        DotKind::Timer => &p.muted,
        DotKind::Invoke => &p.primary,
        DotKind::Reply => &p.settled,
        DotKind::Refuse => &p.lost,
    }
}

/// The line at the time shown.
fn draw_playhead(ctx: &Ctx, scene: &DiagramScene) {
    let g = scene.geometry;
    if !(g.from..=g.to).contains(&scene.now) {
        return;
    }
    let (a, b) = stretch(g, g.point(0, scene.now), g.point(g.lanes.saturating_sub(1), scene.now));
    ctx.save();
    ctx.set_line_width(2.0);
    ctx.set_stroke_style_str(&scene.palette.selected);
    line(ctx, a, b);
    ctx.restore();
}
