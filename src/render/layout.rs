//! Where nodes, their cards and messages go on the canvas, in CSS pixels.
//!
//! Nodes sit on an ellipse that fills the canvas; each node's card (role,
//! facts, items, log) sits just outside it, pointing away from the centre,
//! so messages crossing the middle never run under a card.

use std::f64::consts::{FRAC_PI_2, TAU};

/// Radius of a node's circle.
pub const NODE_RADIUS: f64 = 26.0;
/// Space kept free along the canvas edges.
const PAD: f64 = 10.0;
/// Space between a node's circle and its card.
const CARD_GAP: f64 = 8.0;
/// Height of a card: a role line, two fact lines, a row of items and three log lines.
pub const CARD_HEIGHT: f64 = 120.0;
/// How far the two directions of a link are drawn apart, so a request and
/// its reply are not on top of each other.
const LANE_OFFSET: f64 = 5.0;

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
    pub fn contains(&self, p: Point) -> bool {
        p.x >= self.x && p.x <= self.x + self.w && p.y >= self.y && p.y <= self.y + self.h
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
    /// Direction from the middle of the canvas, in radians (0 = right, clockwise).
    pub angle: f64,
    pub card: Rect,
}

/// The geometry of one canvas size and node count.
#[derive(Clone, Debug, PartialEq)]
pub struct Layout {
    pub width: f64,
    pub height: f64,
    pub center: Point,
    pub nodes: Vec<NodePlace>,
}

impl Layout {
    /// Places `count` nodes clockwise from the top on a `width` × `height` canvas.
    pub fn new(width: f64, height: f64, count: usize) -> Layout {
        let width = finite_or_zero(width);
        let height = finite_or_zero(height);
        let center = Point::new(width / 2.0, height / 2.0);
        let card_w = card_width(width);
        let min_radius = 2.0 * NODE_RADIUS;
        let rx = (width / 2.0 - PAD - card_w - NODE_RADIUS - CARD_GAP).max(min_radius);
        let ry = (height / 2.0 - PAD - CARD_HEIGHT - NODE_RADIUS - CARD_GAP).max(min_radius);
        let nodes = (0..count)
            .map(|i| {
                let angle = -FRAC_PI_2 + TAU * i as f64 / count as f64;
                let (sin, cos) = angle.sin_cos();
                let node = if count == 1 { center } else { Point::new(center.x + rx * cos, center.y + ry * sin) };
                // The card's centre moves out from the node in the node's
                // direction, just far enough for the card to clear the
                // circle: above the top node, beside the side ones, below
                // and to the side for the ones in between.
                let clear_x = (card_w / 2.0 + NODE_RADIUS + CARD_GAP) / cos.abs();
                let clear_y = (CARD_HEIGHT / 2.0 + NODE_RADIUS + CARD_GAP) / sin.abs();
                let reach = clear_x.min(clear_y);
                let card = Rect {
                    x: node.x + cos * reach - card_w / 2.0,
                    y: node.y + sin * reach - CARD_HEIGHT / 2.0,
                    w: card_w,
                    h: CARD_HEIGHT,
                };
                NodePlace { center: node, angle, card: keep_inside(card, width, height) }
            })
            .collect();
        Layout { width, height, center, nodes }
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
        let points: Vec<String> = self.nodes.iter().map(|n| format!("[{:.0},{:.0}]", n.center.x, n.center.y)).collect();
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn five_nodes_start_at_the_top_and_go_clockwise() {
        let layout = Layout::new(1000.0, 700.0, 5);
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
    fn nodes_and_cards_stay_on_the_canvas_without_overlapping() {
        for &(w, h) in &[(1000.0, 700.0), (1400.0, 900.0), (800.0, 600.0)] {
            for count in [3, 5, 7] {
                let layout = Layout::new(w, h, count);
                for (i, n) in layout.nodes.iter().enumerate() {
                    let c = n.card;
                    assert!(c.x >= 0.0 && c.y >= 0.0 && c.x + c.w <= w && c.y + c.h <= h, "{w}x{h} {count}: card {i}");
                    let around = Rect {
                        x: n.center.x - NODE_RADIUS,
                        y: n.center.y - NODE_RADIUS,
                        w: 2.0 * NODE_RADIUS,
                        h: 2.0 * NODE_RADIUS,
                    };
                    assert!(!c.overlaps(&around), "{w}x{h} {count}: card {i} covers its own node");
                    for (j, m) in layout.nodes.iter().enumerate().skip(i + 1) {
                        assert!(n.center.distance(m.center) > 2.0 * NODE_RADIUS, "nodes {i} and {j} touch");
                        if count <= 5 {
                            assert!(!c.overlaps(&m.card), "{w}x{h} {count}: cards {i} and {j} overlap");
                        }
                    }
                }
            }
        }
    }

    #[test]
    fn clicks_hit_the_node_under_them() {
        let layout = Layout::new(1000.0, 700.0, 5);
        for (i, n) in layout.nodes.iter().enumerate() {
            assert_eq!(layout.hit(n.center), Some(i));
            let rim = Point::new(n.center.x + NODE_RADIUS, n.center.y);
            assert_eq!(layout.hit(rim), Some(i));
            let card = Point::new(n.card.x + 3.0, n.card.y + 3.0);
            assert_eq!(layout.hit(card), Some(i), "a click on a card selects its node");
        }
        assert_eq!(layout.hit(layout.center), None, "the middle is empty");
        assert_eq!(layout.hit(Point::new(-50.0, -50.0)), None);
    }

    #[test]
    fn degenerate_sizes_do_not_panic() {
        for (w, h) in [(0.0, 0.0), (f64::NAN, 10.0), (f64::INFINITY, -3.0), (50.0, 50.0)] {
            let layout = Layout::new(w, h, 5);
            assert_eq!(layout.nodes.len(), 5);
            let _ = layout.hit(Point::new(1.0, 1.0));
        }
        assert!(Layout::new(800.0, 600.0, 0).nodes.is_empty());
        let one = Layout::new(800.0, 600.0, 1);
        assert_eq!(one.nodes[0].center, one.center);
        assert_eq!(one.lane(0, 0), None);
    }

    #[test]
    fn lanes_run_rim_to_rim_on_the_right_of_travel() {
        let layout = Layout::new(1000.0, 700.0, 5);
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
    }

    #[test]
    fn centers_are_listed_for_tests() {
        let layout = Layout::new(200.0, 200.0, 1);
        assert_eq!(layout.centers_json(), "[[100,100]]");
    }
}
