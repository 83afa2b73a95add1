//! The space-time diagram's model and geometry: one lane per node, every
//! message an arrow from its send to its receipt, crashes and pauses as gaps
//! in a lane, client requests and log lines at their node; and for any event
//! its causal past and future. Pure: tested natively. Drawing is
//! [`super::diagram`]'s.
//!
//! The model reads the run's structured events as they are recorded, past
//! the step shown too (a step back keeps the future, drawn faded), so seeking
//! from the diagram never makes the rest of it vanish.

use std::ops::Range;

use quorum_protocols::AnySim;
use quorum_protocols::sim::any::{EventKind, SimEvent};
use quorum_protocols::sim::causal::{Clocks, Stamp, happened_before};
use quorum_protocols::sim::scenario::Fault;
use quorum_protocols::sim::time::{NodeId, Time};
use quorum_protocols::sim::view::Fate;

use super::layout::Point;

/// How far back a fresh read (another run, a fork) starts, in trace lines:
/// clocks then count from the first event read.
pub const KEEP_LINES: usize = 10_000;
/// Most events held: past this the oldest half is forgotten in place (the
/// clocks go on counting), so a lab left running for a lecture stays within
/// bounds without ever reading the run again.
pub const KEEP_DOTS: usize = 10_000;

/// What happened at a node.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DotKind {
    Send,
    Receive,
    Timer,
    /// A client's request arrives (or arrives again).
    Invoke,
    Reply,
    Refuse,
}

/// One event at a node, with its clocks.
#[derive(Clone, Debug, PartialEq)]
pub struct Dot {
    pub step: u64,
    pub time: Time,
    pub node: NodeId,
    pub kind: DotKind,
    /// The other end of a send or receipt.
    pub peer: Option<NodeId>,
    pub stamp: Stamp,
    /// What it was, for the readout ("Vote from B", "election timer").
    pub text: String,
}

/// One message copy: from its send to its receipt, or to where it ended.
#[derive(Clone, Debug, PartialEq)]
pub struct Arrow {
    pub from: NodeId,
    pub to: NodeId,
    pub sent: Time,
    /// When it arrives (or is lost, blocked, turned away by a crash).
    pub arrive: Time,
    pub fate: Fate,
    pub duplicate: bool,
    /// Its send and receipt: numbers of events for [`History::dot`].
    pub send: usize,
    pub receive: Option<usize>,
}

impl Arrow {
    /// When its line ends: at its receipt (later than its arrival if the
    /// receiver was paused), or where it was lost.
    pub fn end(&self, history: &History) -> Time {
        self.receive.and_then(|r| history.dot(r)).map_or(self.arrive, |d| d.time)
    }
}

/// A log line at its node.
#[derive(Clone, Debug, PartialEq)]
pub struct Tick {
    pub step: u64,
    pub time: Time,
    pub node: NodeId,
    pub text: String,
}

/// A stretch of a node's lane in which it is down or paused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Gap {
    pub node: NodeId,
    /// Crashed (otherwise paused).
    pub crashed: bool,
    pub from: Time,
    /// `None` while it lasts.
    pub to: Option<Time>,
}

/// A fault that touches the whole network (a partition, a heal, a cut, a
/// change of the network's settings): a line across every lane.
#[derive(Clone, Debug, PartialEq)]
pub struct Mark {
    pub step: u64,
    pub time: Time,
    pub fault: Fault,
}

/// The diagram's record of a run.
#[derive(Clone, Debug, Default)]
pub struct History {
    nodes: usize,
    clocks: Option<Clocks>,
    /// The first trace line read, and the next one to read.
    lines: Range<usize>,
    /// The events held, the oldest numbered `forgotten` (the ones before were let go).
    pub dots: Vec<Dot>,
    forgotten: usize,
    /// In the order they were sent, the oldest numbered `arrows_forgotten`.
    pub arrows: Vec<Arrow>,
    arrows_forgotten: usize,
    pub ticks: Vec<Tick>,
    pub gaps: Vec<Gap>,
    pub marks: Vec<Mark>,
    /// Arrows (by number) by message id, until their receipt or drop (sorted: ids grow).
    open: Vec<(u64, usize)>,
    /// The longest time an arrow took: how far back a window looks for arrows reaching into it.
    longest: Time,
}

impl History {
    /// Reads what the run recorded since the last call. Call [`History::clear`]
    /// first when the run changed (another run, a fork): lines already read
    /// are taken as unchanged.
    pub fn sync(&mut self, sim: &dyn AnySim, nodes: usize) {
        let recorded = sim.recorded_lines();
        let stale = self.clocks.is_none() || nodes != self.nodes || self.lines.end < recorded.start;
        if stale {
            let from = recorded.start.max(recorded.end.saturating_sub(KEEP_LINES));
            *self = History { nodes, clocks: Some(Clocks::new(nodes)), lines: from..from, ..History::default() };
        }
        if recorded.end > self.lines.end {
            for event in sim.recorded_events(self.lines.end, recorded.end) {
                self.add(event);
            }
            self.lines.end = recorded.end;
            self.forget_old();
        }
    }

    /// Past [`KEEP_DOTS`] events, lets go of the older half and of what only they had.
    fn forget_old(&mut self) {
        if self.dots.len() <= KEEP_DOTS {
            return;
        }
        let cut = self.dots.len() / 2;
        let time = self.dots[cut].time;
        self.dots.drain(..cut);
        self.forgotten += cut;
        let arrows = self.arrows.partition_point(|a| a.sent < time);
        self.arrows.drain(..arrows);
        self.arrows_forgotten += arrows;
        let first_arrow = self.arrows_forgotten;
        self.open.retain(|&(_, a)| a >= first_arrow);
        let ticks = self.ticks.partition_point(|t| t.time < time);
        self.ticks.drain(..ticks);
        let marks = self.marks.partition_point(|m| m.time < time);
        self.marks.drain(..marks);
        self.gaps.retain(|g| g.to.is_none_or(|to| to >= time));
    }

    /// Event number `i` (as arrows name their ends), if still held.
    pub fn dot(&self, i: usize) -> Option<&Dot> {
        self.dots.get(i.checked_sub(self.forgotten)?)
    }

    /// How many events were let go: positions in [`History::dots`] shift when it grows.
    pub fn forgotten(&self) -> usize {
        self.forgotten
    }

    /// Forgets everything: the next [`History::sync`] reads the run afresh.
    pub fn clear(&mut self) {
        *self = History::default();
    }

    /// The trace lines read so far.
    pub fn lines_read(&self) -> usize {
        self.lines.end
    }

    /// When the run is held from later than its start (a long one), the
    /// virtual time of the first event held: clocks count from there.
    pub fn counts_from(&self) -> Option<Time> {
        self.dots.first().map(|d| d.time).filter(|_| self.lines.start > 0)
    }

    fn add(&mut self, event: SimEvent) {
        let Some(clocks) = &mut self.clocks else { return };
        let stamp = clocks.observe(&event);
        let (step, time) = (event.step, event.time_ms);
        let index = self.forgotten + self.dots.len();
        let at_node = match event.what {
            EventKind::Send { msg, from, to, arrive_ms, fate, duplicate, label, .. } => {
                self.open.push((msg, self.arrows_forgotten + self.arrows.len()));
                self.longest = self.longest.max(arrive_ms.saturating_sub(time));
                let arrow =
                    Arrow { from, to, sent: time, arrive: arrive_ms, fate, duplicate, send: index, receive: None };
                self.arrows.push(arrow);
                Some((from, DotKind::Send, Some(to), label))
            }
            EventKind::Receive { msg, from, to } => {
                let held = self.landed(msg).and_then(|a| a.checked_sub(self.arrows_forgotten));
                let arrow = held.and_then(|a| self.arrows.get_mut(a));
                let send = arrow.map(|a| {
                    a.receive = Some(index);
                    self.longest = self.longest.max(time.saturating_sub(a.sent));
                    a.send
                });
                let text = send.and_then(|s| self.dot(s)).map_or_else(String::new, |d| d.text.clone());
                Some((to, DotKind::Receive, Some(from), text))
            }
            EventKind::Drop { msg, .. } => {
                self.landed(msg);
                None
            }
            EventKind::Timer { node, timer } => Some((node, DotKind::Timer, None, format!("{timer} timer fires"))),
            EventKind::Invoke { request, node, attempt } => {
                let again = if attempt > 1 { format!(" (attempt {attempt})") } else { String::new() };
                Some((node, DotKind::Invoke, None, format!("request r{request} arrives{again}")))
            }
            EventKind::Reply { request, node, text } => {
                Some((node, DotKind::Reply, None, format!("r{request} answered: {text}")))
            }
            EventKind::Refuse { request, node, reason } => {
                Some((node, DotKind::Refuse, None, format!("r{request} refused: {reason}")))
            }
            EventKind::Note { node, text } => {
                self.ticks.push(Tick { step, time, node, text });
                None
            }
            EventKind::Fault { fault } => {
                self.fault(step, time, fault);
                None
            }
        };
        if let (Some((node, kind, peer, text)), Some((_, stamp))) = (at_node, stamp) {
            self.dots.push(Dot { step, time, node, kind, peer, stamp, text });
        }
    }

    /// Takes message `msg`'s arrow out of the open ones.
    fn landed(&mut self, msg: u64) -> Option<usize> {
        let at = self.open.binary_search_by_key(&msg, |(id, _)| *id).ok()?;
        Some(self.open.remove(at).1)
    }

    fn fault(&mut self, step: u64, time: Time, fault: Fault) {
        let (node, crashed, starts) = match fault {
            Fault::Crash { node } => (node, true, true),
            Fault::Restart { node } => (node, true, false),
            Fault::Pause { node } => (node, false, true),
            Fault::Resume { node } => (node, false, false),
            // A node's clock is its own affair: the readout of its events shows it.
            Fault::SetClock { .. } => return,
            _ => return self.marks.push(Mark { step, time, fault }),
        };
        if starts {
            self.gaps.push(Gap { node, crashed, from: time, to: None });
        } else if let Some(gap) =
            self.gaps.iter_mut().rev().find(|g| g.node == node && g.crashed == crashed && g.to.is_none())
        {
            gap.to = Some(time);
        }
    }

    /// The dots whose time is in `[from, to]`.
    pub fn dots_between(&self, from: f64, to: f64) -> Range<usize> {
        within(&self.dots, |d| d.time, from, to)
    }

    /// The log lines whose time is in `[from, to]`.
    pub fn ticks_between(&self, from: f64, to: f64) -> Range<usize> {
        within(&self.ticks, |t| t.time, from, to)
    }

    /// The arrows that cross the window `[from, to]`.
    pub fn arrows_between(&self, from: f64, to: f64) -> impl Iterator<Item = &Arrow> {
        let earliest = from - self.longest as f64;
        let start = self.arrows.partition_point(|a| (a.sent as f64) < earliest);
        let end = self.arrows.partition_point(|a| a.sent as f64 <= to);
        self.arrows[start..end.max(start)].iter().filter(move |a| a.end(self) as f64 >= from)
    }

    pub fn nodes(&self) -> usize {
        self.nodes
    }
}

/// The positions in `items` (in time order) whose time is in `[from, to]`.
fn within<T>(items: &[T], time: impl Fn(&T) -> Time, from: f64, to: f64) -> Range<usize> {
    let start = items.partition_point(|i| (time(i) as f64) < from);
    start..items.partition_point(|i| time(i) as f64 <= to).max(start)
}

/// How an event stands to the one the user points at.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Relation {
    Itself,
    /// It happened before: it could have influenced the event pointed at.
    Past,
    /// It happened after: the event pointed at could have influenced it.
    Future,
    Concurrent,
}

pub fn relation(pointed: &Stamp, other: &Stamp) -> Relation {
    if pointed == other {
        Relation::Itself
    } else if happened_before(&other.vector, &pointed.vector) {
        Relation::Past
    } else if happened_before(&pointed.vector, &other.vector) {
        Relation::Future
    } else {
        Relation::Concurrent
    }
}

/// Which way virtual time runs on the diagram.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Flow {
    /// Left to right, lanes stacked (the diagram below the network).
    Across,
    /// Top to bottom, lanes side by side (the diagram beside the network).
    Down,
}

/// Space for the nodes' names at the start of each lane, in CSS pixels.
pub const NAME_SPACE: f64 = 40.0;
/// Space kept free at the edges.
const EDGE: f64 = 16.0;
/// How far a log line's tick is drawn from its lane (its middle).
pub const TICK_OFFSET: f64 = 9.0;
/// How near a pointer must be to an event to point at it.
const REACH: f64 = 8.0;

/// Where the diagram puts things: a window of virtual time on a canvas.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Geometry {
    pub width: f64,
    pub height: f64,
    pub flow: Flow,
    pub lanes: usize,
    /// The virtual time at the start and end of the time axis, in ms.
    pub from: f64,
    pub to: f64,
}

impl Geometry {
    /// The time axis: its extent on the canvas, after the names.
    fn axis(&self) -> (f64, f64) {
        let length = if self.flow == Flow::Across { self.width } else { self.height };
        (NAME_SPACE, (length - EDGE).max(NAME_SPACE + 1.0))
    }

    /// Where time `t` is along the time axis.
    pub fn along(&self, t: f64) -> f64 {
        let (start, end) = self.axis();
        start + (t - self.from) / (self.to - self.from).max(1e-9) * (end - start)
    }

    /// The time at a position along the time axis.
    pub fn time_at_along(&self, along: f64) -> f64 {
        let (start, end) = self.axis();
        self.from + (along - start) / (end - start) * (self.to - self.from)
    }

    /// Where lane `node` is across the time axis: lanes share the space evenly.
    pub fn across(&self, node: NodeId) -> f64 {
        let breadth = if self.flow == Flow::Across { self.height } else { self.width };
        let lane = (breadth - 2.0 * EDGE) / self.lanes.max(1) as f64;
        EDGE + lane * (node as f64 + 0.5)
    }

    pub fn point(&self, node: NodeId, t: f64) -> Point {
        let (along, across) = (self.along(t), self.across(node));
        match self.flow {
            Flow::Across => Point::new(along, across),
            Flow::Down => Point::new(across, along),
        }
    }

    /// A canvas point's position along the time axis.
    pub fn along_of(&self, p: Point) -> f64 {
        if self.flow == Flow::Across { p.x } else { p.y }
    }

    /// Virtual ms per CSS pixel along the time axis.
    pub fn ms_per_pixel(&self) -> f64 {
        let (start, end) = self.axis();
        (self.to - self.from) / (end - start).max(1.0)
    }

    /// The window moved back to start on a whole device pixel (`ratio` of them
    /// per CSS pixel): as it follows the playhead, the picture then moves by
    /// whole pixels, and what is settled in it can be shifted rather than drawn again.
    pub fn snapped(self, ratio: f64) -> Geometry {
        let per_pixel = self.ms_per_pixel() / ratio;
        let from = (self.from / per_pixel).floor() * per_pixel;
        Geometry { from, to: from + (self.to - self.from), ..self }
    }

    /// The dot nearest to `p`, if one is within reach.
    pub fn hit(&self, history: &History, p: Point) -> Option<usize> {
        self.nearest(&history.dots, |d| d.time, |d| self.point(d.node, d.time as f64), p)
    }

    /// The item of `items` (in time order) drawn at `place` nearest to `p`, if within reach.
    fn nearest<T>(
        &self,
        items: &[T],
        time: impl Fn(&T) -> Time,
        place: impl Fn(&T) -> Point,
        p: Point,
    ) -> Option<usize> {
        let slack = self.ms_per_pixel() * REACH;
        let t = self.time_at_along(self.along_of(p));
        within(items, time, t - slack, t + slack)
            .map(|i| (i, place(&items[i]).distance(p)))
            .filter(|&(_, d)| d <= REACH)
            .min_by(|a, b| a.1.total_cmp(&b.1))
            .map(|(i, _)| i)
    }

    /// Times for the axis's marks: a round step (1, 2 or 5 times a power of
    /// ten ms) giving at least one mark per [`TICK_SPACING`] pixels.
    pub fn ticks(&self) -> Vec<f64> {
        let (start, end) = self.axis();
        let per_pixel = (self.to - self.from) / (end - start).max(1.0);
        let wanted = per_pixel * TICK_SPACING;
        let mut step = 1.0;
        while step * 5.0 < wanted {
            step *= 10.0;
        }
        let step = [step, 2.0 * step, 5.0 * step, 10.0 * step].into_iter().find(|s| *s >= wanted).unwrap_or(step);
        let first = (self.from / step).ceil() as u64;
        (first..).map(|k| k as f64 * step).take_while(|t| *t <= self.to).collect()
    }

    /// Where a log line's tick is drawn: just off its node's lane, so it
    /// never hides the node's events.
    pub fn tick_point(&self, node: NodeId, t: f64) -> Point {
        let p = self.point(node, t);
        match self.flow {
            Flow::Across => Point::new(p.x, p.y - TICK_OFFSET),
            Flow::Down => Point::new(p.x + TICK_OFFSET, p.y),
        }
    }

    /// The log line whose tick is nearest to `p`, if one is within reach.
    pub fn hit_tick(&self, history: &History, p: Point) -> Option<usize> {
        self.nearest(&history.ticks, |k| k.time, |k| self.tick_point(k.node, k.time as f64), p)
    }

    /// The window after zooming by `factor` (above 1: closer) around time `t`.
    pub fn zoomed(&self, factor: f64, t: f64) -> (f64, f64) {
        let span = ((self.to - self.from) / factor).clamp(MIN_SPAN_MS, MAX_SPAN_MS);
        let share = ((t - self.from) / (self.to - self.from).max(1e-9)).clamp(0.0, 1.0);
        let from = (t - share * span).max(0.0);
        (from, from + span)
    }
}

/// Least room between two marks on the time axis, in CSS pixels.
pub const TICK_SPACING: f64 = 90.0;

/// The closest zoom: a few milliseconds across the whole diagram.
pub const MIN_SPAN_MS: f64 = 20.0;
/// The widest: ten virtual minutes.
pub const MAX_SPAN_MS: f64 = 600_000.0;

/// The window that follows the playhead at `now`: most of `span` behind it,
/// the rest ahead, so messages in flight show where they will land.
pub fn following(now: f64, span: f64) -> (f64, f64) {
    let to = (now + span * 0.2).max(span);
    (to - span, to)
}

#[cfg(test)]
mod tests {
    use quorum_protocols::build;
    use quorum_protocols::sim::scenario::Scenario;

    use super::*;

    /// An office run of three branches, played to `run_ms`.
    fn office(timeline: &str, run_ms: Time) -> Box<dyn AnySim> {
        let json = format!(
            r#"{{"version":1,"protocol":"office","nodes":3,"seed":7,"workload":{{"rate_per_s":2}},"timeline":{timeline},"until_ms":3600000}}"#
        );
        let mut sim = build(&Scenario::from_json(&json).unwrap()).unwrap();
        sim.run_until(run_ms, u64::MAX);
        sim
    }

    fn read(sim: &dyn AnySim) -> History {
        let mut history = History::default();
        history.sync(sim, 3);
        history
    }

    #[test]
    fn a_snapped_window_moves_by_whole_device_pixels() {
        let g = Geometry { width: 300.0, height: 500.0, flow: Flow::Down, lanes: 5, from: 0.0, to: 4_000.0 };
        let ratio = 1.5;
        let per_pixel = g.ms_per_pixel() / ratio;
        let at = |from: f64| Geometry { from, to: from + 4_000.0, ..g }.snapped(ratio);
        let (a, b) = (at(1_234.5), at(1_301.7));
        assert!(a.from <= 1_234.5 && 1_234.5 - a.from < per_pixel, "moved back by less than a pixel: {}", a.from);
        assert_eq!(a.to - a.from, 4_000.0, "the span is kept");
        let shift = (b.from - a.from) / per_pixel;
        assert!((shift - shift.round()).abs() < 1e-6, "{shift} device pixels apart");
    }

    #[test]
    fn every_receipt_ends_the_arrow_of_its_send_and_follows_it_causally() {
        let history = read(&*office("[]", 5_000));
        let received: Vec<&Arrow> = history.arrows.iter().filter(|a| a.receive.is_some()).collect();
        assert!(received.len() > 10, "{} arrows received", received.len());
        for arrow in received {
            let (send, receive) = (history.dot(arrow.send).unwrap(), history.dot(arrow.receive.unwrap()).unwrap());
            assert_eq!((send.kind, send.node), (DotKind::Send, arrow.from));
            assert_eq!((receive.kind, receive.node), (DotKind::Receive, arrow.to));
            assert!(receive.time >= arrow.sent);
            assert_eq!(relation(&receive.stamp, &send.stamp), Relation::Past);
            assert_eq!(relation(&send.stamp, &receive.stamp), Relation::Future);
            assert!(receive.stamp.lamport > send.stamp.lamport);
        }
    }

    #[test]
    fn a_crash_is_a_gap_until_the_restart_and_a_partition_a_mark() {
        let timeline = r#"[{"at_ms":1000,"action":"crash","node":2},{"at_ms":2500,"action":"restart","node":2},
            {"at_ms":3000,"action":"partition","groups":[[0],[1,2]]}]"#;
        let history = read(&*office(timeline, 4_000));
        assert_eq!(history.gaps, vec![Gap { node: 2, crashed: true, from: 1000, to: Some(2500) }]);
        assert_eq!(history.marks.len(), 1);
        assert_eq!(history.marks[0].time, 3000);
        // A crashed node does nothing (a client may still knock on its door).
        let during: Vec<&Dot> = history
            .dots
            .iter()
            .filter(|d| d.node == 2 && (1001..2500).contains(&d.time) && d.kind != DotKind::Invoke)
            .collect();
        assert!(during.is_empty(), "{during:?}");
    }

    #[test]
    fn reading_in_pieces_gives_what_reading_at_once_does() {
        let mut sim = office("[]", 0);
        let mut history = History::default();
        for t in (0..=6_000).step_by(700) {
            sim.run_until(t, u64::MAX);
            history.sync(&*sim, 3);
        }
        let whole = read(&*sim);
        assert_eq!(history.dots, whole.dots);
        assert_eq!(history.arrows, whole.arrows);
        // A step back keeps the future: nothing is read again or lost.
        sim.seek_step(3);
        history.sync(&*sim, 3);
        assert_eq!(history.dots, whole.dots);
    }

    #[test]
    fn windows_hold_exactly_the_dots_and_arrows_in_them() {
        let history = read(&*office("[]", 6_000));
        let range = history.dots_between(2_000.0, 3_000.0);
        assert!(!range.is_empty());
        assert!(history.dots[range.clone()].iter().all(|d| (2_000..=3_000).contains(&d.time)));
        let outside = history.dots.iter().filter(|d| (2_000..=3_000).contains(&d.time)).count();
        assert_eq!(range.len(), outside);
        let crossing = history.arrows_between(2_000.0, 3_000.0).count();
        let expected = history.arrows.iter().filter(|a| a.sent <= 3_000 && a.end(&history) >= 2_000).count();
        assert_eq!(crossing, expected);
        assert!(crossing > 0);
    }

    #[test]
    fn geometry_places_time_and_lanes_both_ways_and_hits_dots() {
        let history = read(&*office("[]", 3_000));
        for flow in [Flow::Across, Flow::Down] {
            let g = Geometry { width: 800.0, height: 600.0, flow, lanes: 3, from: 1_000.0, to: 2_000.0 };
            assert_eq!(g.along(1_000.0), NAME_SPACE);
            let length = if flow == Flow::Across { 800.0 } else { 600.0 };
            assert!((g.along(2_000.0) - (length - EDGE)).abs() < 1e-9);
            assert!((g.time_at_along(g.along(1_234.0)) - 1_234.0).abs() < 1e-9);
            assert!(g.across(0) < g.across(1) && g.across(1) < g.across(2));
            let i = history.dots_between(1_000.0, 2_000.0).start;
            let dot = &history.dots[i];
            let p = g.point(dot.node, dot.time as f64);
            let near = Point::new(p.x + 3.0, p.y - 3.0);
            let hit = g.hit(&history, near).expect("a dot within reach");
            assert_eq!(history.dots[hit].time, dot.time);
            assert_eq!(history.dots[hit].node, dot.node);
            // Half way between two lanes is out of reach of both.
            let between = (g.across(0) + g.across(1)) / 2.0;
            let off = if flow == Flow::Across { Point::new(p.x, between) } else { Point::new(between, p.y) };
            assert_eq!(g.hit(&history, off), None);
            // A log line's tick is found just off its lane.
            let tick = history.ticks.iter().position(|k| (1_000..=2_000).contains(&k.time)).expect("a log line");
            let k = &history.ticks[tick];
            assert_eq!(g.hit_tick(&history, g.tick_point(k.node, k.time as f64)), Some(tick));
            assert_eq!(g.hit_tick(&history, off), None);
        }
    }

    #[test]
    fn axis_marks_are_round_and_spaced() {
        let g = Geometry { width: 852.0, height: 200.0, flow: Flow::Across, lanes: 5, from: 1_000.0, to: 5_000.0 };
        // 800 px for 4 s: 5 ms a pixel, so a mark at least every 450 ms: every 500.
        let ticks = g.ticks();
        assert_eq!(ticks.first(), Some(&1_000.0));
        assert_eq!(ticks.last(), Some(&5_000.0));
        assert!(ticks.windows(2).all(|w| w[1] - w[0] == 500.0), "{ticks:?}");
        let close = Geometry { from: 10.0, to: 50.0, ..g };
        assert_eq!(close.ticks(), vec![10.0, 15.0, 20.0, 25.0, 30.0, 35.0, 40.0, 45.0, 50.0]);
    }

    #[test]
    fn zooming_keeps_the_time_under_the_pointer_and_stays_in_bounds() {
        let g = Geometry { width: 800.0, height: 200.0, flow: Flow::Across, lanes: 5, from: 1_000.0, to: 3_000.0 };
        let (from, to) = g.zoomed(2.0, 1_500.0);
        assert!((to - from - 1_000.0).abs() < 1e-9);
        assert!(((1_500.0 - from) / (to - from) - 0.25).abs() < 1e-9);
        let (from, to) = g.zoomed(1e9, 1_500.0);
        assert!((to - from - MIN_SPAN_MS).abs() < 1e-9);
        assert_eq!(g.zoomed(1e-9, 1_500.0), (0.0, MAX_SPAN_MS));
        assert_eq!(following(100.0, 1_000.0), (0.0, 1_000.0));
        assert_eq!(following(5_000.0, 1_000.0), (4_200.0, 5_200.0));
    }

    #[test]
    fn a_long_run_is_read_from_its_latest_lines_and_held_within_bounds() {
        let mut sim = office("[]", 0);
        sim.run_until(600_000, u64::MAX);
        let lines = sim.recorded_lines();
        assert!(lines.end > KEEP_LINES, "{} lines", lines.end);
        let fresh = read(&*sim);
        assert_eq!(fresh.lines.end - fresh.lines.start, KEEP_LINES);
        assert!(fresh.counts_from().unwrap() > 0);
        // Read as it played, it lets go of old events in place, and its clocks count on.
        let (mut sim, mut history) = (office("[]", 0), History::default());
        for t in (0..=600_000).step_by(5_000) {
            sim.run_until(t, u64::MAX);
            history.sync(&*sim, 3);
            assert!(history.dots.len() <= KEEP_DOTS);
        }
        assert!(history.forgotten() > 0);
        assert_eq!(history.counts_from(), None, "counted from the start");
        let last = history.dots.last().unwrap();
        assert!(last.stamp.lamport as usize > history.dots.len(), "clocks count from the run's start");
        for arrow in history.arrows.iter().filter(|a| a.receive.is_some()) {
            let (send, receive) = (history.dot(arrow.send), history.dot(arrow.receive.unwrap()).unwrap());
            assert!(send.is_none_or(|s| s.time <= receive.time));
        }
        assert_eq!(read(&*office("[]", 3_000)).counts_from(), None, "a run held from its start");
    }
}
