//! Paints one [`Frame`] onto a 2D canvas. Canvas calls only: where things
//! go comes from [`Layout`], what they look like from [`Palette`].
//!
//! The canvas methods that can fail only do so for non-finite coordinates
//! or negative radii, which the layout never produces; their errors are
//! dropped in the small helpers below rather than at every call.

use std::f64::consts::TAU;
use std::rc::Rc;

use quorum_protocols::lesson::of_kind;
use quorum_protocols::sim::any::Culprits;
use quorum_protocols::sim::time::NodeId;
use quorum_protocols::sim::view::{Accent, Fate, Frame, Item, ItemState, Liveness, MessageFrame, NodeFrame};
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{CanvasRenderingContext2d as Ctx, HtmlCanvasElement};

use super::layout::{Layout, NODE_RADIUS, NodePlace, Point, Rect, hull};
use super::palette::Palette;
use crate::describe;

/// The last part of a dropped message's flight in which it falls and fades.
const FALL_FROM: f64 = 0.65;
/// How far a dropped message falls, in CSS pixels.
const FALL_DISTANCE: f64 = 28.0;
/// Partition groups are drawn as a halo this much wider than a node.
const GROUP_HALO: f64 = NODE_RADIUS + 16.0;
/// Log entries shown on a card, at most.
const CARD_LOG_LINES: usize = 3;

/// Everything one drawing needs besides the frame.
pub struct Scene<'a> {
    pub layout: &'a Layout,
    pub palette: &'a Palette,
    pub selected: Option<NodeId>,
    /// What the violation being shown involves.
    pub culprits: Option<&'a Culprits>,
    /// Nodes a lesson's step points at: ringed with a dashed halo.
    pub highlighted: &'a [NodeId],
    /// Kinds of message a lesson's step points at (see [`of_kind`]): ringed likewise.
    pub highlighted_messages: &'a [&'a str],
    /// The user prefers less motion: messages wait half way along their
    /// link instead of gliding, and dropped ones do not fall.
    pub reduced_motion: bool,
    /// Device pixels per CSS pixel: the backing store is this much larger.
    pub pixel_ratio: f64,
}

/// Clears the canvas and draws the frame: what changes only when the nodes,
/// the network's splits or the marks on them do copied from `backdrop`
/// (drawn on it first if that changed), the messages drawn over it.
pub fn draw(ctx: &Ctx, scene: &Scene, frame: &Rc<Frame>, backdrop: &mut Backdrop) {
    backdrop.update(scene, frame);
    let (width, height) = (backdrop.layer.0.width(), backdrop.layer.0.height());
    let _ = ctx.set_transform(1.0, 0.0, 0.0, 1.0, 0.0, 0.0);
    ctx.clear_rect(0.0, 0.0, f64::from(width), f64::from(height));
    let _ = ctx.draw_image_with_html_canvas_element(&backdrop.layer.0, 0.0, 0.0);
    let _ = ctx.set_transform(scene.pixel_ratio, 0.0, 0.0, scene.pixel_ratio, 0.0, 0.0);
    // Messages go over the nodes and cards, so no label is ever hidden
    // under one. Labels are placed greedily: a label that would cover a
    // node or a label already drawn is left out (its dot still shows), so
    // busy links stay readable.
    let mut labels: Vec<Rect> = scene.layout.nodes.iter().map(NodePlace::circle_box).collect();
    for m in &frame.messages {
        draw_message(ctx, scene, frame, m, &mut labels);
    }
}

/// The network without its messages: groups, links, cuts, nodes and their
/// cards (most of the drawing, and all of its text), kept in a canvas off
/// the page and drawn again only when what it shows changed. While a run
/// plays, messages move every frame but a node's card changes only when
/// the node does.
pub struct Backdrop {
    layer: (HtmlCanvasElement, Ctx),
    drawn: Option<Shown>,
}

/// What the backdrop was drawn from.
struct Shown {
    /// The frame it was drawn from (its nodes, splits and cuts; not its messages).
    frame: Rc<Frame>,
    selected: Option<NodeId>,
    culprits: Vec<NodeId>,
    highlighted: Vec<NodeId>,
    layout: Layout,
    palette: Palette,
    pixel_ratio: f64,
}

impl Shown {
    /// Whether this is what `scene` and `frame` would draw (without copying them to find out).
    fn is(&self, scene: &Scene, frame: &Frame) -> bool {
        self.frame.nodes == frame.nodes
            && self.frame.partitions == frame.partitions
            && self.frame.cuts == frame.cuts
            && self.selected == scene.selected
            && self.culprits == scene.culprits.map_or(&[][..], |c| &c.nodes[..])
            && self.highlighted == scene.highlighted
            && self.layout == *scene.layout
            && self.palette == *scene.palette
            && self.pixel_ratio == scene.pixel_ratio
    }
}

impl Backdrop {
    pub fn new() -> Option<Backdrop> {
        Some(Backdrop { layer: offscreen()?, drawn: None })
    }

    /// Draws the backdrop afresh if `scene` or `frame` shows something else than it does.
    fn update(&mut self, scene: &Scene, frame: &Rc<Frame>) {
        if self.drawn.as_ref().is_some_and(|d| d.is(scene, frame)) {
            return;
        }
        let (canvas, ctx) = &self.layer;
        let layout = scene.layout;
        size_backing(canvas, (layout.width, layout.height), scene.pixel_ratio);
        let _ = ctx.set_transform(scene.pixel_ratio, 0.0, 0.0, scene.pixel_ratio, 0.0, 0.0);
        ctx.clear_rect(0.0, 0.0, layout.width, layout.height);
        draw_groups(ctx, scene, frame);
        draw_links(ctx, scene, frame);
        draw_cuts(ctx, scene, frame);
        let columns = columns(ctx, scene, frame);
        for (node, place) in frame.nodes.iter().zip(&layout.nodes) {
            draw_node(ctx, scene, node, place);
            draw_card(ctx, scene, node, place, columns);
        }
        self.drawn = Some(Shown {
            frame: frame.clone(),
            selected: scene.selected,
            culprits: scene.culprits.map(|c| c.nodes.clone()).unwrap_or_default(),
            highlighted: scene.highlighted.to_vec(),
            layout: layout.clone(),
            palette: scene.palette.clone(),
            pixel_ratio: scene.pixel_ratio,
        });
    }
}

/// Sizes `canvas`'s backing store to `css` pixels at `ratio` device pixels
/// each. Setting the size clears the canvas and costs a reallocation: only on change.
pub fn size_backing(canvas: &HtmlCanvasElement, css: (f64, f64), ratio: f64) {
    let (w, h) = ((css.0 * ratio).round() as u32, (css.1 * ratio).round() as u32);
    if canvas.width() != w || canvas.height() != h {
        canvas.set_width(w);
        canvas.set_height(h);
    }
}

/// A canvas that is not in the page, to draw on and copy from.
pub(super) fn offscreen() -> Option<(HtmlCanvasElement, Ctx)> {
    let canvas: HtmlCanvasElement = gloo::utils::document().create_element("canvas").ok()?.dyn_into().ok()?;
    let ctx = context_2d(&canvas)?;
    Some((canvas, ctx))
}

/// Which partition group a node is in, if the network is split.
fn group_of(frame: &Frame, node: NodeId) -> Option<usize> {
    frame.partitions.iter().position(|g| g.contains(&node))
}

/// Each partition group as one soft region around its members: a disc per
/// node, a band along each edge of their outline and the outline's inside,
/// all in one path filled once, so overlaps do not darken.
fn draw_groups(ctx: &Ctx, scene: &Scene, frame: &Frame) {
    for (i, group) in frame.partitions.iter().enumerate() {
        let members: Vec<Point> = group.iter().filter_map(|&n| scene.layout.nodes.get(n)).map(|p| p.center).collect();
        let outline = hull(&members);
        ctx.begin_path();
        for p in &members {
            ctx.move_to(p.x + GROUP_HALO, p.y);
            let _ = ctx.arc(p.x, p.y, GROUP_HALO, 0.0, TAU);
        }
        if outline.len() > 1 {
            for (a, b) in outline.iter().zip(outline.iter().cycle().skip(1)) {
                band(ctx, *a, *b, GROUP_HALO);
            }
        }
        if outline.len() > 2 {
            ctx.move_to(outline[0].x, outline[0].y);
            for p in &outline[1..] {
                ctx.line_to(p.x, p.y);
            }
            ctx.close_path();
        }
        ctx.set_fill_style_str(scene.palette.group(i));
        // Non-zero winding fills the union of every piece, each drawn
        // clockwise on screen like the arcs.
        ctx.fill();
    }
}

/// A clockwise rectangle of half-width `half` around the segment `a`–`b`.
fn band(ctx: &Ctx, a: Point, b: Point, half: f64) {
    let length = a.distance(b);
    if length == 0.0 {
        return;
    }
    let (nx, ny) = (-(b.y - a.y) / length * half, (b.x - a.x) / length * half);
    ctx.move_to(a.x - nx, a.y - ny);
    ctx.line_to(b.x - nx, b.y - ny);
    ctx.line_to(b.x + nx, b.y + ny);
    ctx.line_to(a.x + nx, a.y + ny);
    ctx.close_path();
}

/// Every pair of nodes is linked; links a partition splits are dashed red.
fn draw_links(ctx: &Ctx, scene: &Scene, frame: &Frame) {
    let nodes = &scene.layout.nodes;
    ctx.save();
    ctx.set_line_width(1.0);
    for a in 0..nodes.len() {
        for b in a + 1..nodes.len() {
            let split = !frame.partitions.is_empty() && group_of(frame, a) != group_of(frame, b);
            if split {
                ctx.set_stroke_style_str(&scene.palette.lost);
                ctx.set_global_alpha(0.45);
                set_dash(ctx, &[5.0, 5.0]);
            } else {
                ctx.set_stroke_style_str(&scene.palette.link);
                ctx.set_global_alpha(1.0);
                set_dash(ctx, &[]);
            }
            line(ctx, nodes[a].center, nodes[b].center);
        }
    }
    ctx.restore();
}

/// A one-way cut: a red arrow along the cut direction, barred before its head.
fn draw_cuts(ctx: &Ctx, scene: &Scene, frame: &Frame) {
    ctx.save();
    ctx.set_stroke_style_str(&scene.palette.lost);
    ctx.set_fill_style_str(&scene.palette.lost);
    ctx.set_line_width(2.0);
    for &(from, to) in &frame.cuts {
        let Some((start, end)) = scene.layout.lane(from, to) else { continue };
        set_dash(ctx, &[6.0, 4.0]);
        line(ctx, start, end);
        set_dash(ctx, &[]);
        let length = start.distance(end).max(1.0);
        let (dx, dy) = ((end.x - start.x) / length, (end.y - start.y) / length);
        // The bar sits three quarters of the way along: "nothing gets past here".
        let bar = start.lerp(end, 0.75);
        ctx.set_line_width(3.0);
        line(ctx, Point::new(bar.x - dy * 9.0, bar.y + dx * 9.0), Point::new(bar.x + dy * 9.0, bar.y - dx * 9.0));
        ctx.set_line_width(2.0);
        ctx.begin_path();
        ctx.move_to(end.x, end.y);
        ctx.line_to(end.x - dx * 10.0 - dy * 5.0, end.y - dy * 10.0 + dx * 5.0);
        ctx.line_to(end.x - dx * 10.0 + dy * 5.0, end.y - dy * 10.0 - dx * 5.0);
        ctx.close_path();
        ctx.fill();
    }
    ctx.restore();
}

fn draw_message(ctx: &Ctx, scene: &Scene, frame: &Frame, m: &MessageFrame, labels: &mut Vec<Rect>) {
    let Some((start, end)) = scene.layout.lane(m.from, m.to) else { return };
    let progress = if scene.reduced_motion { 0.5 } else { frame.progress(m) };
    let mut at = start.lerp(end, progress);
    let dropped = m.fate != Fate::Delivered;
    let mut alpha = 1.0;
    if dropped && progress > FALL_FROM {
        let fall = (progress - FALL_FROM) / (1.0 - FALL_FROM);
        at.y += fall * fall * FALL_DISTANCE;
        alpha = 1.0 - 0.8 * fall;
    }
    if scene.culprits.is_some_and(|c| c.messages.contains(&m.id)) {
        culprit_ring(ctx, scene.palette, at, 11.0);
    }
    if scene.highlighted_messages.iter().any(|kind| of_kind(&m.label, kind)) {
        highlight_ring(ctx, scene.palette, at, 10.0);
    }
    let colour = if dropped {
        &scene.palette.lost
    } else if m.duplicate {
        &scene.palette.duplicate
    } else {
        &scene.palette.message
    };
    ctx.save();
    ctx.set_global_alpha(alpha);
    ctx.set_fill_style_str(colour);
    ctx.set_stroke_style_str(&scene.palette.surface);
    ctx.set_line_width(1.5);
    circle(ctx, at, 5.0);
    ctx.fill();
    ctx.stroke();
    if m.duplicate {
        // A second ring: "there are two of these".
        ctx.set_stroke_style_str(colour);
        circle(ctx, at, 8.5);
        ctx.stroke();
    }
    let mut label = m.label.clone();
    if dropped {
        label.push_str(match m.fate {
            Fate::Lost => " · lost",
            Fate::Blocked => " · blocked",
            Fate::NodeDown => " · node down",
            Fate::Delivered => "",
        });
    }
    if m.duplicate {
        label.push_str(" · copy");
    }
    set_font(ctx, scene.palette, "11px ");
    ctx.set_text_align("left");
    ctx.set_text_baseline("middle");
    let spot = Rect { x: at.x + 9.0, y: at.y - 16.0, w: text_width(ctx, &label), h: 14.0 };
    if !labels.iter().any(|placed| placed.overlaps(&spot)) {
        // On a backing of its own: it may pass over a card's text.
        ctx.set_fill_style_str(&scene.palette.surface);
        rounded_rect(ctx, spot.grown(1.5), 4.0);
        ctx.fill();
        ctx.set_fill_style_str(colour);
        text(ctx, &label, Point::new(spot.x, at.y - 9.0));
        labels.push(spot);
    }
    ctx.restore();
}

fn draw_node(ctx: &Ctx, scene: &Scene, node: &NodeFrame, place: &NodePlace) {
    let p = scene.palette;
    let c = place.center;
    let accent = p.accent(node.view.accent);
    ctx.save();
    if scene.culprits.is_some_and(|c| c.nodes.contains(&node.id)) {
        // Between the circle's rim and its card, which starts 8 px out.
        culprit_ring(ctx, p, c, NODE_RADIUS + 4.5);
    }
    if scene.highlighted.contains(&node.id) {
        highlight_ring(ctx, p, c, NODE_RADIUS + 11.0);
    }
    if scene.selected == Some(node.id) {
        ctx.set_stroke_style_str(&p.selected);
        ctx.set_line_width(3.0);
        circle(ctx, c, NODE_RADIUS + 7.0);
        ctx.stroke();
    }
    circle(ctx, c, NODE_RADIUS);
    ctx.set_fill_style_str(&p.surface);
    ctx.fill();
    match node.liveness {
        Liveness::Crashed => {
            ctx.set_fill_style_str(&p.crashed);
            ctx.set_global_alpha(0.35);
            ctx.fill();
            ctx.set_global_alpha(1.0);
            ctx.set_stroke_style_str(&p.crashed);
            set_dash(ctx, &[4.0, 3.0]);
        }
        Liveness::Paused => ctx.set_stroke_style_str(&p.paused),
        Liveness::Up => {
            ctx.set_fill_style_str(accent);
            ctx.set_global_alpha(0.14);
            ctx.fill();
            ctx.set_global_alpha(1.0);
            ctx.set_stroke_style_str(accent);
        }
    }
    ctx.set_line_width(if node.view.accent == Accent::Primary { 5.0 } else { 3.0 });
    circle(ctx, c, NODE_RADIUS);
    ctx.stroke();
    set_dash(ctx, &[]);

    ctx.set_text_align("center");
    ctx.set_text_baseline("middle");
    set_font(ctx, p, "600 20px ");
    ctx.set_fill_style_str(if node.liveness == Liveness::Crashed { &p.crashed } else { &p.text });
    text(ctx, &node.name, Point::new(c.x, c.y + 1.0));

    // A badge on the upper right says what is unusual about the node.
    let badge = Point::new(c.x + NODE_RADIUS * 0.75, c.y - NODE_RADIUS * 0.75);
    match node.liveness {
        Liveness::Paused => pause_badge(ctx, p, badge),
        Liveness::Crashed => cross_badge(ctx, p, badge),
        Liveness::Up => {}
    }
    ctx.restore();
}

/// The dashed halo of what a lesson's step points at.
fn highlight_ring(ctx: &Ctx, p: &Palette, at: Point, radius: f64) {
    ctx.save();
    ctx.set_stroke_style_str(&p.secondary);
    ctx.set_line_width(3.0);
    set_dash(ctx, &[6.0, 4.0]);
    circle(ctx, at, radius);
    ctx.stroke();
    ctx.restore();
}

/// A thick ring in the alarm colour around something a violation involves.
fn culprit_ring(ctx: &Ctx, p: &Palette, at: Point, radius: f64) {
    ctx.save();
    ctx.set_stroke_style_str(&p.lost);
    ctx.set_line_width(3.5);
    circle(ctx, at, radius);
    ctx.stroke();
    ctx.restore();
}

fn badge_disc(ctx: &Ctx, p: &Palette, at: Point, colour: &str) {
    circle(ctx, at, 9.0);
    ctx.set_fill_style_str(colour);
    ctx.fill();
    ctx.set_stroke_style_str(&p.surface);
    ctx.set_line_width(2.0);
    ctx.stroke();
}

/// Two bars, as on a media player's pause button.
fn pause_badge(ctx: &Ctx, p: &Palette, at: Point) {
    badge_disc(ctx, p, at, &p.paused);
    ctx.set_fill_style_str(&p.surface);
    ctx.fill_rect(at.x - 4.0, at.y - 4.5, 3.0, 9.0);
    ctx.fill_rect(at.x + 1.0, at.y - 4.5, 3.0, 9.0);
}

fn cross_badge(ctx: &Ctx, p: &Palette, at: Point) {
    badge_disc(ctx, p, at, &p.lost);
    ctx.set_stroke_style_str(&p.surface);
    ctx.set_line_width(2.0);
    line(ctx, Point::new(at.x - 3.5, at.y - 3.5), Point::new(at.x + 3.5, at.y + 3.5));
    line(ctx, Point::new(at.x + 3.5, at.y - 3.5), Point::new(at.x - 3.5, at.y + 3.5));
}

/// Where the items go on the cards of one frame.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Columns {
    /// A column per index from `first`, the same on every card, so what the
    /// nodes hold at one index lines up from card to card.
    ByIndex { first: u64, count: usize, width: f64 },
    /// Each card's newest items that fit, newest last: the protocol gives no indexes.
    Newest,
}

/// Width kept at the start of an item row for the "…" of earlier items.
const EARLIER_MARK: f64 = 14.0;
/// Space between two items.
const ITEM_GAP: f64 = 4.0;

/// The window of indexes every card shows: the newest `columns` of them,
/// or from the oldest if there are fewer. `None` without items.
fn index_window(indexes: impl Iterator<Item = u64>, columns: usize) -> Option<(u64, usize)> {
    let (low, high) = indexes.fold(None, |span: Option<(u64, u64)>, i| match span {
        None => Some((i, i)),
        Some((lo, hi)) => Some((lo.min(i), hi.max(i))),
    })?;
    let first = low.max(high.saturating_sub(columns.max(1) as u64 - 1));
    Some((first, (high - first + 1) as usize))
}

/// Aligns items by index when the protocol gives every item one, with
/// columns as wide as the widest item and as many as the narrowest card holds.
fn columns(ctx: &Ctx, scene: &Scene, frame: &Frame) -> Columns {
    let items = || frame.nodes.iter().flat_map(|n| &n.view.items);
    if !items().all(|i| i.index.is_some()) {
        return Columns::Newest;
    }
    set_font(ctx, scene.palette, "600 10.5px ");
    let row = scene.layout.nodes.iter().map(|n| n.card.w - 16.0 - EARLIER_MARK).fold(f64::INFINITY, f64::min);
    let width = items().map(|i| text_width(ctx, &i.text) + 10.0).fold(0.0, f64::max).min(row.max(0.0));
    let fits = ((row + ITEM_GAP) / (width + ITEM_GAP)).floor().max(1.0) as usize;
    match index_window(items().filter_map(|i| i.index), fits) {
        Some((first, count)) => Columns::ByIndex { first, count, width },
        None => Columns::Newest,
    }
}

/// The card beside a node: role (and clock, if off), facts, the items it
/// holds, its last log lines.
fn draw_card(ctx: &Ctx, scene: &Scene, node: &NodeFrame, place: &NodePlace, columns: Columns) {
    let p = scene.palette;
    let card = place.card;
    if card == Rect::NONE {
        return;
    }
    let inner = card.w - 16.0;
    let left = card.x + 8.0;
    ctx.save();
    rounded_rect(ctx, card, 8.0);
    ctx.set_fill_style_str(&p.card);
    ctx.fill();
    let selected = scene.selected == Some(node.id);
    ctx.set_stroke_style_str(if selected { &p.selected } else { &p.border });
    ctx.set_line_width(if selected { 2.0 } else { 1.0 });
    ctx.stroke();
    ctx.set_text_align("left");
    ctx.set_text_baseline("alphabetic");

    let mut y = card.y + 17.0;
    let mut heading_room = inner;
    if let Some(clock) = describe::clock_offset(node.clock_offset_ms) {
        set_font(ctx, p, "600 10.5px ");
        ctx.set_fill_style_str(&p.paused);
        ctx.set_text_align("right");
        text(ctx, &clock, Point::new(left + inner, y));
        ctx.set_text_align("left");
        heading_room -= text_width(ctx, &clock) + 6.0;
    }
    let (role_colour, status) = match node.liveness {
        Liveness::Up => (p.accent(node.view.accent), ""),
        Liveness::Paused => (p.paused.as_str(), " · paused"),
        Liveness::Crashed => (p.crashed.as_str(), " · crashed"),
    };
    set_font(ctx, p, "600 12.5px ");
    ctx.set_fill_style_str(role_colour);
    // The name is in the circle; the card leads with the role, and names
    // its node too when it is not beside it.
    let heading = if scene.layout.cards_apart {
        format!("{} · {}{}", node.name, node.view.role, status)
    } else {
        format!("{}{}", node.view.role, status)
    };
    text(ctx, &fit(ctx, &heading, heading_room), Point::new(left, y));

    set_font(ctx, p, "11.5px ");
    ctx.set_fill_style_str(&p.text);
    // Every fact, wrapped, as far as the card reaches with its row of items below.
    let fact_room = ((card.y + card.h - 5.0 - y - 25.0) / 15.0).floor().max(1.0) as usize;
    for line in wrap(ctx, &node.view.facts.join(" · "), inner, fact_room) {
        y += 15.0;
        text(ctx, &line, Point::new(left, y));
    }
    y += 8.0;
    draw_items(ctx, scene, node, Rect { x: left, y, w: inner, h: 17.0 }, columns);
    y += 17.0;

    set_font(ctx, p, "10.5px ");
    ctx.set_fill_style_str(&p.muted);
    // The newest log entries that fit whole, wrapped, after the facts: the
    // inspector has the rest.
    let room = ((card.y + card.h - 5.0 - y) / 14.0).floor().max(0.0) as usize;
    let mut shown: Vec<Vec<String>> = Vec::new();
    for entry in node.log.iter().rev().take(CARD_LOG_LINES) {
        let lines = wrap(ctx, entry, inner, usize::MAX);
        if shown.iter().map(Vec::len).sum::<usize>() + lines.len() > room {
            break;
        }
        shown.push(lines);
    }
    for line in shown.iter().rev().flatten() {
        y += 14.0;
        text(ctx, line, Point::new(left, y));
    }
    ctx.restore();
}

/// The node's items in one row, as `columns` says; "…" when it holds
/// older ones than the row shows.
fn draw_items(ctx: &Ctx, scene: &Scene, node: &NodeFrame, row: Rect, columns: Columns) {
    let p = scene.palette;
    let items = &node.view.items;
    if items.is_empty() {
        ctx.set_fill_style_str(&p.muted);
        set_font(ctx, p, "italic 10.5px ");
        text(ctx, "holds nothing yet", Point::new(row.x, row.y + 12.5));
        return;
    }
    set_font(ctx, p, "600 10.5px ");
    let slots: Vec<(Rect, Option<&Item>)> = match columns {
        Columns::ByIndex { first, count, width } => (0..count)
            .map(|col| {
                let x = row.x + EARLIER_MARK + col as f64 * (width + ITEM_GAP);
                let index = Some(first + col as u64);
                (Rect { x, w: width, ..row }, items.iter().rev().find(|i| i.index == index))
            })
            .collect(),
        Columns::Newest => {
            let widths: Vec<f64> = items.iter().map(|i| text_width(ctx, &i.text) + 10.0).collect();
            let mut used = 0.0;
            let mut first = widths.len();
            while first > 0 && used + widths[first - 1] + ITEM_GAP <= row.w - EARLIER_MARK {
                first -= 1;
                used += widths[first] + ITEM_GAP;
            }
            let mut x = row.x + EARLIER_MARK;
            items[first..]
                .iter()
                .zip(&widths[first..])
                .map(|(item, &w)| {
                    let slot = (Rect { x, w, ..row }, Some(item));
                    x += w + ITEM_GAP;
                    slot
                })
                .collect()
        }
    };
    let shown = slots.iter().filter(|(_, item)| item.is_some()).count();
    if shown < items.len() {
        ctx.set_fill_style_str(&p.muted);
        text(ctx, "…", Point::new(row.x, row.y + 12.5));
    }
    for (slot, item) in slots {
        match item {
            Some(item) => draw_item(ctx, p, item, slot),
            // An index this node does not hold: a mark on the baseline, so a
            // node that lags shows its gap.
            None => {
                ctx.set_fill_style_str(&p.link);
                ctx.fill_rect(slot.x, slot.y + slot.h - 2.0, slot.w, 2.0);
            }
        }
    }
}

/// One item, in its tag's tone (untagged: its state's): filled when
/// settled, dashed while tentative, ringed in the alarm colour when it
/// conflicts, faded and struck through when discarded.
fn draw_item(ctx: &Ctx, p: &Palette, item: &Item, chip: Rect) {
    let state_tone = match item.state {
        ItemState::Settled => &p.settled,
        ItemState::Tentative => &p.tentative,
        ItemState::Conflicting => &p.lost,
        ItemState::Discarded => &p.muted,
    };
    let tone = item.tag.map_or(state_tone.as_str(), |tag| p.tag(tag));
    ctx.save();
    rounded_rect(ctx, chip, 4.0);
    match item.state {
        ItemState::Settled => {
            ctx.set_fill_style_str(tone);
            ctx.fill();
            ctx.set_fill_style_str(&p.surface);
        }
        ItemState::Tentative => outline(ctx, tone, &[3.0, 2.0]),
        ItemState::Conflicting => {
            ctx.set_line_width(2.0);
            ctx.set_stroke_style_str(&p.lost);
            ctx.stroke();
            ctx.set_fill_style_str(tone);
        }
        ItemState::Discarded => {
            outline(ctx, &p.muted, &[1.5, 2.5]);
            ctx.set_global_alpha(0.6);
            ctx.set_fill_style_str(tone);
        }
    }
    let label = fit(ctx, &item.text, chip.w - 10.0);
    let at = Point::new(chip.x + 5.0, chip.y + 12.5);
    text(ctx, &label, at);
    if item.state == ItemState::Discarded {
        ctx.set_stroke_style_str(tone);
        ctx.set_line_width(1.0);
        line(
            ctx,
            Point::new(at.x, chip.y + chip.h / 2.0),
            Point::new(at.x + text_width(ctx, &label), chip.y + chip.h / 2.0),
        );
    }
    ctx.restore();
}

// ---- small helpers -------------------------------------------------------

/// Sets the text's size (with its weight or style, if any: `"600 12px "`) in the theme's font.
pub(super) fn set_font(ctx: &Ctx, palette: &Palette, size: &str) {
    ctx.set_font(&[size, &palette.font].concat());
}

pub fn context_2d(canvas: &HtmlCanvasElement) -> Option<Ctx> {
    canvas.get_context("2d").ok()??.dyn_into().ok()
}

pub(super) fn text(ctx: &Ctx, s: &str, at: Point) {
    let _ = ctx.fill_text(s, at.x, at.y);
}

fn text_width(ctx: &Ctx, s: &str) -> f64 {
    ctx.measure_text(s).map(|m| m.width()).unwrap_or(0.0)
}

/// `s` cut with an ellipsis so it fits in `max` pixels.
pub(super) fn fit(ctx: &Ctx, s: &str, max: f64) -> String {
    if text_width(ctx, s) <= max {
        return s.to_string();
    }
    let chars: Vec<char> = s.chars().collect();
    // Binary search for the longest prefix that fits together with the ellipsis.
    let (mut lo, mut hi) = (0, chars.len());
    while lo < hi {
        let mid = (lo + hi).div_ceil(2);
        let candidate: String = chars[..mid].iter().chain(std::iter::once(&'…')).collect();
        if text_width(ctx, &candidate) <= max { lo = mid } else { hi = mid - 1 }
    }
    chars[..lo].iter().chain(std::iter::once(&'…')).collect()
}

/// `s` broken at spaces into at most `lines` lines of `max` pixels; the
/// last line ends in an ellipsis if text is left over.
fn wrap(ctx: &Ctx, s: &str, max: f64, lines: usize) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut current = String::new();
    let mut words = s.split_whitespace().peekable();
    while let Some(word) = words.next() {
        let joined = if current.is_empty() { word.to_string() } else { format!("{current} {word}") };
        if current.is_empty() || text_width(ctx, &joined) <= max {
            current = joined;
            continue;
        }
        if out.len() + 1 == lines {
            let rest: Vec<&str> = std::iter::once(word).chain(words).collect();
            current = format!("{current} {}", rest.join(" "));
            break;
        }
        out.push(std::mem::replace(&mut current, word.to_string()));
    }
    if !current.is_empty() {
        out.push(current);
    }
    out.into_iter().map(|l| fit(ctx, &l, max)).collect()
}

pub(super) fn line(ctx: &Ctx, a: Point, b: Point) {
    ctx.begin_path();
    ctx.move_to(a.x, a.y);
    ctx.line_to(b.x, b.y);
    ctx.stroke();
}

pub(super) fn circle(ctx: &Ctx, c: Point, r: f64) {
    ctx.begin_path();
    let _ = ctx.arc(c.x, c.y, r, 0.0, TAU);
}

/// Strokes the current path in `colour` (dashed by `dash`) and sets the text colour to match.
fn outline(ctx: &Ctx, colour: &str, dash: &[f64]) {
    ctx.set_stroke_style_str(colour);
    ctx.set_line_width(1.2);
    set_dash(ctx, dash);
    ctx.stroke();
    set_dash(ctx, &[]);
    ctx.set_fill_style_str(colour);
}

fn rounded_rect(ctx: &Ctx, r: Rect, radius: f64) {
    ctx.begin_path();
    let _ = ctx.round_rect_with_f64(r.x, r.y, r.w, r.h, radius);
}

pub(super) fn set_dash(ctx: &Ctx, segments: &[f64]) {
    let array = js_sys::Array::new();
    for s in segments {
        array.push(&JsValue::from_f64(*s));
    }
    let _ = ctx.set_line_dash(&array);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_index_window_shows_the_newest_indexes_that_fit() {
        assert_eq!(index_window([3, 9, 5, 12].into_iter(), 4), Some((9, 4)), "the newest four: 9 to 12");
        assert_eq!(index_window([2, 3].into_iter(), 8), Some((2, 2)), "few items start at the oldest");
        assert_eq!(index_window([7].into_iter(), 0), Some((7, 1)), "at least one column");
        assert_eq!(index_window(std::iter::empty(), 5), None);
        assert_eq!(index_window([u64::MAX - 1, u64::MAX].into_iter(), 3), Some((u64::MAX - 1, 2)));
    }
}
