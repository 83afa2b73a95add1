//! Where nodes, their cards and messages go on the canvas, in CSS pixels.
//!
//! The protocol says how its nodes are arranged ([`Arrangement`]); this
//! turns that into positions. Cards (role, facts, items, log) sit where
//! messages rarely pass, so a card seldom hides a message in flight:
//! outside the ring, below a hub, beside a node in a row. A canvas too
//! narrow for cards beside their nodes (a phone) has the nodes above and
//! the cards in two columns below, each card named after its node.

use std::f64::consts::{FRAC_PI_2, TAU};

use quorum_protocols::sim::decimal::Fixed;
use quorum_protocols::sim::time::NodeId;
pub use quorum_protocols::sim::view::Layout as Arrangement;

/// Radius of a node's circle.
pub const NODE_RADIUS: f64 = 26.0;
/// Space kept free along the canvas edges.
const PAD: f64 = 10.0;
/// Space between a node's circle and its card.
const CARD_GAP: f64 = 8.0;
/// Height of a card: a role line, two fact lines, a row of items and three log lines.
pub const CARD_HEIGHT: f64 = 120.0;
/// A card shorter than this shows nothing legible: none is drawn.
const MIN_CARD_HEIGHT: f64 = 36.0;
/// Space between neighbouring node-and-card groups in a row, and between rows.
const ROW_GAP: f64 = 12.0;
/// Narrower than this, cards go below the nodes instead of beside them.
const NARROW: f64 = 600.0;
/// How far the two directions of a link are drawn apart, so a request and
/// its reply are not on top of each other.
const LANE_OFFSET: f64 = 5.0;

/// Sine and cosine of `angle`: the browser's in the wasm, as Rust's would ship
/// libm's sine, cosine and argument reduction (about 3 KB gzipped) for the
/// places of a few nodes.
fn sin_cos(angle: f64) -> (f64, f64) {
    #[cfg(target_arch = "wasm32")]
    return (js_sys::Math::sin(angle), js_sys::Math::cos(angle));
    #[cfg(not(target_arch = "wasm32"))]
    return angle.sin_cos();
}

#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Point {
    pub x: f64,
    pub y: f64,
}

impl Point {
    pub fn new(x: f64, y: f64) -> Point {
        Point { x, y }
    }

    pub fn distance(self, other: Point) -> f64 {
        (self.x - other.x).hypot(self.y - other.y)
    }

    /// The point a fraction `t` of the way from `self` to `other`.
    pub fn lerp(self, other: Point, t: f64) -> Point {
        Point::new(self.x + (other.x - self.x) * t, self.y + (other.y - self.y) * t)
    }
}

#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Rect {
    pub x: f64,
    pub y: f64,
    pub w: f64,
    pub h: f64,
}

impl Rect {
    /// No card at all (a canvas too small for one).
    pub const NONE: Rect = Rect { x: 0.0, y: 0.0, w: 0.0, h: 0.0 };

    pub fn contains(&self, p: Point) -> bool {
        p.x >= self.x && p.x <= self.x + self.w && p.y >= self.y && p.y <= self.y + self.h
    }

    /// The rectangle with `margin` more on every side.
    pub fn grown(&self, margin: f64) -> Rect {
        Rect { x: self.x - margin, y: self.y - margin, w: self.w + 2.0 * margin, h: self.h + 2.0 * margin }
    }

    pub fn overlaps(&self, other: &Rect) -> bool {
        self.x < other.x + other.w
            && other.x < self.x + self.w
            && self.y < other.y + other.h
            && other.y < self.y + self.h
    }
}

/// One node's place: its circle and its card.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct NodePlace {
    pub center: Point,
    pub card: Rect,
}

impl NodePlace {
    /// The square around the node's circle.
    pub fn circle_box(&self) -> Rect {
        let r = NODE_RADIUS;
        Rect { x: self.center.x - r, y: self.center.y - r, w: 2.0 * r, h: 2.0 * r }
    }
}

/// The geometry of one canvas size and arrangement.
#[derive(Clone, Debug, PartialEq)]
pub struct Layout {
    pub width: f64,
    pub height: f64,
    /// Indexed by node id.
    pub nodes: Vec<NodePlace>,
    /// The cards are apart from their nodes (a narrow canvas), so each names its node.
    pub cards_apart: bool,
}

impl Layout {
    /// Places `count` nodes on a `width` × `height` canvas as `arrangement`
    /// says. An arrangement that does not fit the count (a hub that is not
    /// a node, rows that leave nodes out) degrades instead of failing: the
    /// canvas must draw whatever a protocol sends.
    pub fn new(width: f64, height: f64, arrangement: &Arrangement, count: usize) -> Layout {
        let width = finite_or_zero(width);
        let height = finite_or_zero(height);
        if width < NARROW && count > 0 {
            return Layout::narrow(width, height, arrangement, count);
        }
        let canvas = Canvas { width, height, card_w: card_width(width) };
        Layout { width, height, nodes: canvas.place(arrangement, count), cards_apart: false }
    }

    /// The nodes placed as `arrangement` says in a square at the top (no
    /// cards beside them), the cards in two columns below, in node order.
    fn narrow(width: f64, height: f64, arrangement: &Arrangement, count: usize) -> Layout {
        let top = width.min(height / 2.0);
        let card_rows = count.div_ceil(2);
        let card_w = ((width - 2.0 * PAD - ROW_GAP) / 2.0).max(0.0);
        let card_h = ((height - top - PAD) / card_rows as f64 - ROW_GAP).clamp(0.0, CARD_HEIGHT);
        if card_h < MIN_CARD_HEIGHT {
            // Too short for cards below (a small embed): the nodes alone, on the whole
            // canvas; the inspector is one click away in the full lab.
            let nodes = Canvas { width, height, card_w: 0.0 }.place(arrangement, count);
            let nodes = nodes.into_iter().map(|p| NodePlace { center: p.center, card: Rect::NONE }).collect();
            return Layout { width, height, nodes, cards_apart: true };
        }
        let nodes = Canvas { width, height: top, card_w: 0.0 }.place(arrangement, count);
        let nodes = nodes
            .into_iter()
            .enumerate()
            .map(|(i, place)| {
                let (row, column) = ((i / 2) as f64, (i % 2) as f64);
                let card = Rect {
                    x: PAD + column * (card_w + ROW_GAP),
                    y: top + row * (card_h + ROW_GAP),
                    w: card_w,
                    h: card_h,
                };
                NodePlace { center: place.center, card }
            })
            .collect();
        Layout { width, height, nodes, cards_apart: true }
    }

    /// The node under a click: its circle first, then its card.
    pub fn hit(&self, p: Point) -> Option<usize> {
        let on_circle = self.nodes.iter().position(|n| n.center.distance(p) <= NODE_RADIUS + 4.0);
        on_circle.or_else(|| self.nodes.iter().position(|n| n.card.contains(p)))
    }

    /// Where a message from `from` to `to` starts and ends: on the rims of
    /// the two circles, shifted to the right of the direction of travel so
    /// the two directions of a link run side by side.
    pub fn lane(&self, from: usize, to: usize) -> Option<(Point, Point)> {
        let a = self.nodes.get(from)?.center;
        let b = self.nodes.get(to)?.center;
        let length = a.distance(b);
        if length <= 2.0 * NODE_RADIUS {
            return None;
        }
        let (dx, dy) = ((b.x - a.x) / length, (b.y - a.y) / length);
        // Rotating (dx, dy) a quarter turn clockwise on a y-down canvas gives its right.
        let (rx, ry) = (-dy * LANE_OFFSET, dx * LANE_OFFSET);
        let start = Point::new(a.x + dx * NODE_RADIUS + rx, a.y + dy * NODE_RADIUS + ry);
        let end = Point::new(b.x - dx * NODE_RADIUS + rx, b.y - dy * NODE_RADIUS + ry);
        Some((start, end))
    }

    /// Centres as `[[x, y], …]` rounded to whole pixels, for tests that click nodes.
    pub fn centers_json(&self) -> String {
        let points: Vec<String> =
            self.nodes.iter().map(|n| format!("[{},{}]", Fixed(n.center.x, 0), Fixed(n.center.y, 0))).collect();
        format!("[{}]", points.join(","))
    }
}

fn finite_or_zero(v: f64) -> f64 {
    if v.is_finite() { v.max(0.0) } else { 0.0 }
}

/// Cards take a fifth of the width, within readable limits.
fn card_width(width: f64) -> f64 {
    (width * 0.2).clamp(120.0, 190.0)
}

/// Moves a card back onto the canvas if the canvas is too small for the ideal spot.
fn keep_inside(card: Rect, width: f64, height: f64) -> Rect {
    let x = card.x.min(width - PAD - card.w).max(PAD);
    let y = card.y.min(height - PAD - card.h).max(PAD);
    Rect { x, y, ..card }
}

/// The rows as drawn: only real nodes, each once, and every node somewhere
/// (the ones the protocol left out in one more row at the bottom).
fn complete_rows(rows: &[Vec<NodeId>], count: usize) -> Vec<Vec<NodeId>> {
    let mut placed = vec![false; count];
    let mut out: Vec<Vec<NodeId>> = rows
        .iter()
        .map(|row| row.iter().copied().filter(|&n| n < count && !std::mem::replace(&mut placed[n], true)).collect())
        .collect();
    out.push((0..count).filter(|&n| !placed[n]).collect());
    out.retain(|row: &Vec<NodeId>| !row.is_empty());
    out
}

/// A canvas size, and the card width that goes with it.
struct Canvas {
    width: f64,
    height: f64,
    card_w: f64,
}

impl Canvas {
    fn place(&self, arrangement: &Arrangement, count: usize) -> Vec<NodePlace> {
        match arrangement {
            Arrangement::Hub { center: hub } if *hub < count => self.hub(*hub, count),
            Arrangement::Rows { rows } => self.rows(&complete_rows(rows, count), count),
            _ => self.ring(count),
        }
    }

    fn middle(&self) -> Point {
        Point::new(self.width / 2.0, self.height / 2.0)
    }

    /// Evenly on an ellipse, clockwise from the top.
    fn ring(&self, count: usize) -> Vec<NodePlace> {
        if count == 1 {
            return vec![self.outward(self.middle(), -FRAC_PI_2)];
        }
        (0..count).map(|i| self.on_ellipse(-FRAC_PI_2 + TAU * i as f64 / count as f64)).collect()
    }

    /// The hub in the middle with its card below it, the others on the
    /// ellipse around it. An even number of others would put one straight
    /// below the hub, where its card is: they are turned half a step.
    fn hub(&self, hub: NodeId, count: usize) -> Vec<NodePlace> {
        let others = count - 1;
        let turn = if others % 2 == 0 { 0.5 } else { 0.0 };
        let mut places: Vec<NodePlace> =
            (0..others).map(|i| self.on_ellipse(-FRAC_PI_2 + TAU * (i as f64 + turn) / others as f64)).collect();
        let middle = self.middle();
        let below = Rect {
            x: middle.x - self.card_w / 2.0,
            y: middle.y + NODE_RADIUS + CARD_GAP,
            w: self.card_w,
            h: CARD_HEIGHT,
        };
        let card = keep_inside(narrowed(below, middle.x, &places), self.width, self.height);
        places.insert(hub, NodePlace { center: middle, card });
        places
    }

    /// Rows top to bottom, each spread across the width, with every card to
    /// the right of its node: messages between rows run up and down, past
    /// the cards rather than under them.
    fn rows(&self, rows: &[Vec<NodeId>], count: usize) -> Vec<NodePlace> {
        let pitch = (self.height - 2.0 * PAD) / rows.len() as f64;
        let widest = rows.iter().map(Vec::len).max().unwrap_or(1);
        let across = self.width - 2.0 * PAD;
        // Every card has the same size, so items line up from card to card.
        let card_w = self.card_w.min(across / widest as f64 - 2.0 * NODE_RADIUS - CARD_GAP - ROW_GAP).max(0.0);
        let card_h = CARD_HEIGHT.min(pitch - ROW_GAP).max(0.0);
        let group_w = 2.0 * NODE_RADIUS + CARD_GAP + card_w;
        // Every node is in exactly one row: each place goes to its node's index
        // (no sort of places, whose code would cost the download).
        let mut places: Vec<Option<NodePlace>> = vec![None; count];
        for (r, row) in rows.iter().enumerate() {
            let y = PAD + pitch * (r as f64 + 0.5);
            let slot = across / row.len() as f64;
            for (i, &id) in row.iter().enumerate() {
                let node = Point::new(PAD + slot * i as f64 + (slot - group_w) / 2.0 + NODE_RADIUS, y);
                let card = Rect { x: node.x + NODE_RADIUS + CARD_GAP, y: y - card_h / 2.0, w: card_w, h: card_h };
                if let Some(place) = places.get_mut(id) {
                    *place = Some(NodePlace { center: node, card: keep_inside(card, self.width, self.height) });
                }
            }
        }
        places.into_iter().flatten().collect()
    }

    /// A node on the ellipse that leaves room for the cards outside it.
    fn on_ellipse(&self, angle: f64) -> NodePlace {
        let min_radius = 2.0 * NODE_RADIUS;
        let rx = (self.width / 2.0 - PAD - self.card_w - NODE_RADIUS - CARD_GAP).max(min_radius);
        // No room kept above and below for cards that go elsewhere (a narrow canvas).
        let card_h = if self.card_w > 0.0 { CARD_HEIGHT } else { 0.0 };
        let ry = (self.height / 2.0 - PAD - card_h - NODE_RADIUS - CARD_GAP).max(min_radius);
        let (sin, cos) = sin_cos(angle);
        let middle = self.middle();
        self.outward(Point::new(middle.x + rx * cos, middle.y + ry * sin), angle)
    }

    /// A node with its card pushed away from it in direction `angle`.
    fn outward(&self, node: Point, angle: f64) -> NodePlace {
        let (sin, cos) = sin_cos(angle);
        // The card's centre moves out from the node in the node's
        // direction, just far enough for the card to clear the circle:
        // above the top node, beside the side ones, below and to the side
        // for the ones in between.
        let clear_x = (self.card_w / 2.0 + NODE_RADIUS + CARD_GAP) / cos.abs();
        let clear_y = (CARD_HEIGHT / 2.0 + NODE_RADIUS + CARD_GAP) / sin.abs();
        let reach = clear_x.min(clear_y);
        let card = Rect {
            x: node.x + cos * reach - self.card_w / 2.0,
            y: node.y + sin * reach - CARD_HEIGHT / 2.0,
            w: self.card_w,
            h: CARD_HEIGHT,
        };
        NodePlace { center: node, card: keep_inside(card, self.width, self.height) }
    }
}

/// `card`, centred on `x`, made narrow enough to clear the circles and
/// cards of `others` that share its height.
fn narrowed(card: Rect, x: f64, others: &[NodePlace]) -> Rect {
    let mut half = card.w / 2.0;
    for place in others {
        for taken in [place.circle_box(), place.card] {
            let taken = taken.grown(CARD_GAP);
            if taken.y < card.y + card.h && card.y < taken.y + taken.h {
                let clear = (taken.x - x).max(x - (taken.x + taken.w)).max(0.0);
                half = half.min(clear);
            }
        }
    }
    Rect { x: x - half, w: 2.0 * half, ..card }
}

/// The convex hull of `points`, clockwise on screen (y grows downwards):
/// the outline of a region drawn around a group of nodes, wherever the
/// arrangement put them. Fewer than three distinct points come back as they are.
pub fn hull(points: &[Point]) -> Vec<Point> {
    // By x, then y: inserted one by one (a few points; a sort's code for
    // points would cost the download more).
    let mut sorted: Vec<Point> = Vec::with_capacity(points.len());
    for &p in points {
        let at = sorted.partition_point(|q| q.x.total_cmp(&p.x).then(q.y.total_cmp(&p.y)).is_le());
        sorted.insert(at, p);
    }
    sorted.dedup();
    if sorted.len() < 3 {
        return sorted;
    }
    // Positive: `o → a → b` turns clockwise on screen.
    let turn = |o: Point, a: Point, b: Point| (a.x - o.x) * (b.y - o.y) - (a.y - o.y) * (b.x - o.x);
    let mut out: Vec<Point> = Vec::with_capacity(sorted.len() + 1);
    // Andrew's monotone chain: the top edge left to right, then the bottom right to left.
    for pass in [sorted.clone(), sorted.into_iter().rev().collect()] {
        let start = out.len();
        for p in pass {
            while out.len() >= start + 2 && turn(out[out.len() - 2], out[out.len() - 1], p) <= 0.0 {
                out.pop();
            }
            out.push(p);
        }
        out.pop();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Canvas sizes the lab shows: a laptop, a large screen, a small window,
    /// a 1280×800 page, phones (390 and 360 px wide pages).
    const SIZES: [(f64, f64); 6] =
        [(1000.0, 700.0), (1400.0, 900.0), (800.0, 600.0), (880.0, 550.0), (356.0, 860.0), (326.0, 860.0)];

    /// The middle of where the nodes go: the canvas, or its top square when the cards are apart.
    fn middle(layout: &Layout) -> Point {
        let nodes_h = if layout.cards_apart { layout.width.min(layout.height / 2.0) } else { layout.height };
        Point::new(layout.width / 2.0, nodes_h / 2.0)
    }

    fn rows(rows: &[&[NodeId]]) -> Arrangement {
        Arrangement::Rows { rows: rows.iter().map(|r| r.to_vec()).collect() }
    }

    /// Every arrangement a protocol might send, with node counts it might send it with.
    fn arrangements() -> Vec<(Arrangement, usize)> {
        let mut all: Vec<(Arrangement, usize)> = (3..=9).map(|n| (Arrangement::Ring, n)).collect();
        all.extend((3..=9).map(|n| (Arrangement::Hub { center: 0 }, n)));
        all.push((Arrangement::Hub { center: 2 }, 5));
        all.push((rows(&[&[0, 1], &[2, 3, 4], &[5, 6]]), 7));
        all.push((rows(&[&[0, 1, 2], &[3, 4, 5, 6, 7], &[8]]), 9));
        all.push((rows(&[&[4, 3], &[2, 1, 0]]), 5));
        all
    }

    #[test]
    fn five_nodes_start_at_the_top_and_go_clockwise() {
        let layout = Layout::new(1000.0, 700.0, &Arrangement::Ring, 5);
        let top = layout.nodes[0].center;
        assert!((top.x - 500.0).abs() < 1e-9);
        assert!(top.y < 350.0);
        assert!(layout.nodes[1].center.x > 500.0, "the second node is to the right");
        assert!(layout.nodes[4].center.x < 500.0, "the last node is to the left");
        // Mirror symmetry about the vertical axis.
        let (b, e) = (layout.nodes[1].center, layout.nodes[4].center);
        assert!((b.x - 500.0 + e.x - 500.0).abs() < 1e-9 && (b.y - e.y).abs() < 1e-9);
    }

    #[test]
    fn a_canvas_too_short_for_cards_below_shows_the_nodes_alone() {
        let layout = Layout::new(460.0, 150.0, &Arrangement::Ring, 5);
        assert!(layout.nodes.iter().all(|n| n.card == Rect::NONE));
        let lowest = layout.nodes.iter().map(|n| n.center.y).fold(0.0, f64::max);
        assert!(lowest > 75.0 && lowest < 150.0, "the nodes use the whole height: {lowest}");
        assert!(Layout::new(460.0, 600.0, &Arrangement::Ring, 5).nodes.iter().all(|n| n.card.h >= 36.0));
    }

    #[test]
    fn nodes_and_cards_stay_on_the_canvas_without_overlapping() {
        for (w, h) in SIZES {
            for (arrangement, count) in arrangements() {
                let layout = Layout::new(w, h, &arrangement, count);
                let case = format!("{w}x{h} {arrangement:?} of {count}");
                assert_eq!(layout.nodes.len(), count, "{case}");
                let canvas = Rect { x: 0.0, y: 0.0, w, h };
                for (i, n) in layout.nodes.iter().enumerate() {
                    for part in [n.card, n.circle_box()] {
                        let inside =
                            part.x >= canvas.x && part.y >= canvas.y && part.x + part.w <= w && part.y + part.h <= h;
                        assert!(inside, "{case}: node {i} leaves the canvas: {part:?}");
                    }
                    // Up to seven nodes every card is big enough to read; more may squeeze them.
                    let readable = n.card.w >= 100.0 && n.card.h >= 90.0;
                    assert!(count > 7 || readable, "{case}: card {i} is too small to read: {:?}", n.card);
                    for (j, m) in layout.nodes.iter().enumerate() {
                        assert!(!n.card.overlaps(&m.circle_box()), "{case}: card {i} covers node {j}");
                        if j > i {
                            assert!(n.center.distance(m.center) > 2.0 * NODE_RADIUS, "{case}: nodes {i} and {j} touch");
                            // Seven or more on a ring crowd it: their cards may touch a neighbour's.
                            let crowded = arrangement == Arrangement::Ring && count > 5;
                            assert!(crowded || !n.card.overlaps(&m.card), "{case}: cards {i} and {j} overlap");
                        }
                    }
                }
            }
        }
    }

    #[test]
    fn a_hub_sits_in_the_middle_of_the_others() {
        for (w, h) in SIZES {
            for count in [4, 5, 8] {
                for hub in [0, count - 1] {
                    let layout = Layout::new(w, h, &Arrangement::Hub { center: hub }, count);
                    assert_eq!(layout.nodes[hub].center, middle(&layout), "{w}x{h}: hub {hub} of {count}");
                    let others: Vec<Point> =
                        layout.nodes.iter().enumerate().filter(|(i, _)| *i != hub).map(|(_, n)| n.center).collect();
                    let mean = Point::new(
                        others.iter().map(|p| p.x).sum::<f64>() / others.len() as f64,
                        others.iter().map(|p| p.y).sum::<f64>() / others.len() as f64,
                    );
                    assert!(mean.distance(middle(&layout)) < 20.0, "{w}x{h}: the others surround the hub: {mean:?}");
                    assert_eq!(hull(&others).len(), others.len(), "every other node is on the outline around the hub");
                }
            }
        }
    }

    #[test]
    fn on_a_phone_the_cards_go_below_the_nodes_in_node_order() {
        for (arrangement, count) in arrangements() {
            let layout = Layout::new(356.0, 860.0, &arrangement, count);
            assert!(layout.cards_apart);
            let lowest_node = layout.nodes.iter().map(|n| n.center.y + NODE_RADIUS).fold(0.0, f64::max);
            for (i, n) in layout.nodes.iter().enumerate() {
                assert!(n.card.y >= lowest_node, "{arrangement:?} of {count}: card {i} is among the nodes");
                assert!(n.card.w >= 150.0, "{arrangement:?} of {count}: card {i} is too narrow: {:?}", n.card);
                if i > 0 {
                    let before = layout.nodes[i - 1].card;
                    assert!((before.y, before.x) < (n.card.y, n.card.x), "cards in node order");
                }
            }
        }
        assert!(!Layout::new(800.0, 600.0, &Arrangement::Ring, 5).cards_apart, "a wide canvas keeps cards beside");
    }

    #[test]
    fn rows_run_top_to_bottom_in_order() {
        let arrangement = rows(&[&[4, 3], &[2, 1, 0], &[5]]);
        for (w, h) in SIZES {
            let layout = Layout::new(w, h, &arrangement, 6);
            let y = |n: NodeId| layout.nodes[n].center.y;
            let x = |n: NodeId| layout.nodes[n].center.x;
            assert!(y(4) == y(3) && y(2) == y(1) && y(1) == y(0), "a row is one horizontal line");
            assert!(y(3) < y(2) && y(0) < y(5), "rows go top to bottom");
            assert!(x(4) < x(3) && x(2) < x(1) && x(1) < x(0), "each row keeps its order, left to right");
            let card = |n: NodeId| layout.nodes[n].card;
            assert!((0..6).all(|n| card(n).w == card(0).w), "every card has the same width, so items line up");
        }
    }

    #[test]
    fn arrangements_that_do_not_fit_the_count_still_place_every_node() {
        let ring = Layout::new(1000.0, 700.0, &Arrangement::Ring, 5);
        assert_eq!(Layout::new(1000.0, 700.0, &Arrangement::Hub { center: 7 }, 5), ring, "a hub that is no node");
        assert_eq!(complete_rows(&[vec![1, 1, 9], vec![], vec![0]], 4), vec![vec![1], vec![0], vec![2, 3]]);
        let partial = Layout::new(1000.0, 700.0, &rows(&[&[1, 1, 9], &[0]]), 4);
        assert_eq!(partial.nodes.len(), 4);
        assert!(partial.nodes[2].center.y > partial.nodes[0].center.y, "left-out nodes go in a last row");
    }

    #[test]
    fn clicks_hit_the_node_under_them() {
        for (arrangement, count) in arrangements() {
            let layout = Layout::new(1000.0, 700.0, &arrangement, count);
            for (i, n) in layout.nodes.iter().enumerate() {
                assert_eq!(layout.hit(n.center), Some(i));
                let rim = Point::new(n.center.x + NODE_RADIUS, n.center.y);
                assert_eq!(layout.hit(rim), Some(i));
                let card = Point::new(n.card.x + n.card.w - 3.0, n.card.y + n.card.h - 3.0);
                assert_eq!(layout.hit(card), Some(i), "{arrangement:?}: a click on a card selects its node");
            }
            assert_eq!(layout.hit(Point::new(-50.0, -50.0)), None);
        }
        assert_eq!(Layout::new(1000.0, 700.0, &Arrangement::Ring, 5).hit(Point::new(500.0, 350.0)), None);
    }

    #[test]
    fn degenerate_sizes_do_not_panic() {
        for (w, h) in [(0.0, 0.0), (f64::NAN, 10.0), (f64::INFINITY, -3.0), (50.0, 50.0)] {
            for (arrangement, count) in arrangements() {
                let layout = Layout::new(w, h, &arrangement, count);
                assert_eq!(layout.nodes.len(), count);
                let _ = layout.hit(Point::new(1.0, 1.0));
            }
        }
        assert!(Layout::new(800.0, 600.0, &Arrangement::Ring, 0).nodes.is_empty());
        let one = Layout::new(800.0, 600.0, &Arrangement::Ring, 1);
        assert_eq!(one.nodes[0].center, middle(&one));
        assert_eq!(one.lane(0, 0), None);
        assert_eq!(Layout::new(800.0, 600.0, &Arrangement::Hub { center: 0 }, 1).nodes[0].center, middle(&one));
    }

    #[test]
    fn lanes_run_rim_to_rim_on_the_right_of_travel() {
        let layout = Layout::new(1000.0, 700.0, &Arrangement::Ring, 5);
        let (start, end) = layout.lane(0, 2).unwrap();
        let (a, b) = (layout.nodes[0].center, layout.nodes[2].center);
        assert!((start.distance(a) - NODE_RADIUS.hypot(LANE_OFFSET)).abs() < 1e-9);
        assert!((end.distance(b) - NODE_RADIUS.hypot(LANE_OFFSET)).abs() < 1e-9);
        let (back_start, back_end) = layout.lane(2, 0).unwrap();
        assert!(back_start.distance(end) > 1.0 && back_end.distance(start) > 1.0, "directions are apart");
        assert_eq!(layout.lane(0, 9), None);
        assert_eq!(start.lerp(end, 0.5), Point::new((start.x + end.x) / 2.0, (start.y + end.y) / 2.0));
    }

    #[test]
    fn rectangles_overlap_only_when_they_share_area() {
        let a = Rect { x: 0.0, y: 0.0, w: 10.0, h: 10.0 };
        assert!(a.overlaps(&Rect { x: 5.0, y: 5.0, w: 10.0, h: 10.0 }));
        assert!(!a.overlaps(&Rect { x: 10.0, y: 0.0, w: 5.0, h: 5.0 }), "touching edges do not overlap");
        assert!(!a.overlaps(&Rect { x: 0.0, y: 20.0, w: 5.0, h: 5.0 }));
        assert_eq!(a.grown(1.0), Rect { x: -1.0, y: -1.0, w: 12.0, h: 12.0 });
    }

    #[test]
    fn the_hull_is_the_clockwise_outline() {
        let p = Point::new;
        let square = [p(0.0, 0.0), p(10.0, 10.0), p(5.0, 5.0), p(10.0, 0.0), p(0.0, 10.0), p(10.0, 0.0)];
        let outline = hull(&square);
        assert_eq!(outline, vec![p(0.0, 0.0), p(10.0, 0.0), p(10.0, 10.0), p(0.0, 10.0)], "no inner or repeated point");
        // Shoelace: positive with y down is clockwise on screen, the way arcs and bands are drawn.
        let area: f64 = outline.iter().zip(outline.iter().cycle().skip(1)).map(|(a, b)| a.x * b.y - b.x * a.y).sum();
        assert!(area > 0.0);
        assert_eq!(
            hull(&[p(0.0, 0.0), p(5.0, 0.0), p(9.0, 0.0)]),
            vec![p(0.0, 0.0), p(9.0, 0.0)],
            "a row is a segment"
        );
        assert_eq!(hull(&[p(1.0, 2.0)]), vec![p(1.0, 2.0)]);
    }

    #[test]
    fn centers_are_listed_for_tests() {
        let layout = Layout::new(700.0, 700.0, &Arrangement::Ring, 1);
        assert_eq!(layout.centers_json(), "[[350,350]]");
    }
}
