//! The space-time diagram panel: a canvas synced to the playhead, where
//! pointing at an event shows its clocks and lights its causal past and
//! future, a click seeks there, the wheel zooms and a drag moves in time.

use std::cell::RefCell;
use std::rc::Rc;

use quorum_protocols::sim::decimal::Fixed;
use web_sys::{HtmlSelectElement, PointerEvent, WheelEvent};
use yew::prelude::*;

use super::canvas::{CanvasHost, offset_in, pixel_ratio};
use crate::app::Msg;
use crate::render::diagram::{DiagramScene, Settled, draw_diagram};
use crate::render::layout::Point;
use crate::render::spacetime::{DotKind, Flow, Geometry, History, Relation, following, relation};

/// Where the diagram goes, or whether it shows at all.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Placement {
    /// Under the network, time flowing right.
    Below,
    /// Beside the network, time flowing down.
    Beside,
    Hidden,
}

impl Placement {
    pub const ALL: [(Placement, &'static str, &'static str); 3] = [
        (Placement::Below, "below", "Below the network"),
        (Placement::Beside, "beside", "Beside the network"),
        (Placement::Hidden, "hidden", "Hidden"),
    ];

    pub fn flow(self) -> Flow {
        if self == Placement::Beside { Flow::Down } else { Flow::Across }
    }
}

/// Virtual ms across the diagram when it opens.
const DEFAULT_SPAN_MS: f64 = 4_000.0;
/// How much one press of a zoom button zooms.
const ZOOM_STEP: f64 = 1.5;
/// Room per lane below the network, and above and below the lanes, in CSS pixels.
const LANE_HEIGHT: f64 = 30.0;
const EDGE_ROOM: f64 = 16.0;
/// A press that moves less than this (CSS pixels) is a click, not a drag.
const CLICK_SLOP: f64 = 4.0;

#[derive(Properties)]
pub struct DiagramProps {
    pub history: Rc<RefCell<History>>,
    /// Changes whenever the history does: the run (and the events it let
    /// go, which renumbers what is held), and the lines it has read.
    pub version: (u64, usize, usize),
    pub names: Rc<Vec<String>>,
    /// The playhead: the virtual time shown and its step.
    pub now: f64,
    pub step: u64,
    pub placement: Placement,
    pub on: Callback<Msg>,
}

impl PartialEq for DiagramProps {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.history, &other.history)
            && self.version == other.version
            && self.names == other.names
            && self.now == other.now
            && self.step == other.step
            && self.placement == other.placement
    }
}

pub enum DiagramMsg {
    /// The canvas changed size, or the colour scheme did.
    Refit,
    /// A pointer (mouse, pen or finger, by its id) pressed, moved or lifted at a point.
    Down(i32, Point),
    Move(i32, Point),
    Up(i32, Point),
    /// The browser took a pointer over (a scroll began): no click, no drag.
    Cancel(i32),
    Leave,
    /// Wheel deltas (x, y) at a point: y zooms, x (or y with Shift) moves in time.
    Wheel(f64, f64, Point, bool),
    Zoom(f64),
    Follow,
}

/// A press in progress: where it began and the window's start then.
struct Press {
    at: Point,
    from: f64,
    dragged: bool,
}

pub struct Diagram {
    host: CanvasHost,
    span: f64,
    /// The window's start once the user moved or zoomed it; `None` follows the playhead.
    start: Option<f64>,
    pointed: Option<usize>,
    /// The log line pointed at, when no event is.
    noted: Option<usize>,
    press: Option<Press>,
    /// Fingers on the canvas, by pointer id, where each last was: two of them pinch to zoom.
    fingers: Vec<(i32, Point)>,
    /// The picture's settled part, kept between frames (`None` if no canvas could be made for it).
    settled: Option<Settled>,
}

impl Component for Diagram {
    type Message = DiagramMsg;
    type Properties = DiagramProps;

    fn create(_ctx: &Context<Self>) -> Self {
        Diagram {
            host: CanvasHost::lazy(),
            span: DEFAULT_SPAN_MS,
            start: None,
            pointed: None,
            noted: None,
            press: None,
            fingers: Vec::new(),
            settled: Settled::new(),
        }
    }

    fn changed(&mut self, ctx: &Context<Self>, old: &DiagramProps) -> bool {
        // Dots are numbered afresh when the history is, or lets go of old ones.
        if ctx.props().version.0 != old.version.0 || ctx.props().version.1 != old.version.1 {
            self.pointed = None;
            self.noted = None;
            self.forget_settled();
        }
        true
    }

    fn update(&mut self, ctx: &Context<Self>, msg: DiagramMsg) -> bool {
        let g = self.geometry(ctx.props());
        match msg {
            DiagramMsg::Refit => {
                self.host.refit();
                self.forget_settled();
            }
            DiagramMsg::Down(id, at) => {
                self.fingers.retain(|&(f, _)| f != id);
                self.fingers.push((id, at));
                // A second finger turns the press into a pinch: no click, no drag.
                self.press = (self.fingers.len() == 1).then_some(Press { at, from: g.from, dragged: false });
            }
            DiagramMsg::Move(id, at) if self.fingers.len() > 1 => self.pinch(&g, id, at),
            DiagramMsg::Move(_, at) => match &mut self.press {
                Some(press) => {
                    let moved = g.along_of(at) - g.along_of(press.at);
                    press.dragged |= moved.abs() > CLICK_SLOP;
                    if press.dragged {
                        self.start = Some((press.from - moved * g.ms_per_pixel()).max(0.0));
                    }
                }
                None => (self.pointed, self.noted) = targets(&g, &ctx.props().history.borrow(), at),
            },
            DiagramMsg::Up(id, at) => {
                self.fingers.retain(|&(f, _)| f != id);
                if self.press.take().is_some_and(|p| !p.dragged) {
                    let history = ctx.props().history.borrow();
                    let step = match targets(&g, &history, at) {
                        (Some(dot), _) => history.dots.get(dot).map(|d| d.step),
                        (None, tick) => tick.and_then(|k| history.ticks.get(k)).map(|k| k.step),
                    };
                    if let Some(step) = step {
                        ctx.props().on.emit(Msg::SeekStep(step));
                    }
                }
            }
            DiagramMsg::Cancel(id) => {
                self.fingers.retain(|&(f, _)| f != id);
                self.press = None;
            }
            DiagramMsg::Leave => {
                self.pointed = None;
                self.noted = None;
                self.press = None;
                self.fingers.clear();
            }
            DiagramMsg::Wheel(dx, dy, at, shift) => {
                let (across, along) = if shift { (dy, dx) } else { (dx, dy) };
                if across.abs() > along.abs() {
                    self.start = Some((g.from + across * g.ms_per_pixel()).max(0.0));
                } else {
                    // A notch of a mouse wheel (100) zooms by a fifth; a touchpad's small deltas, smoothly.
                    let factor = 1.0 + (-along / 500.0).clamp(-0.5, 0.5);
                    self.zoom(&g, factor, g.time_at_along(g.along_of(at)));
                }
            }
            DiagramMsg::Zoom(factor) => {
                let centre =
                    if (g.from..=g.to).contains(&ctx.props().now) { ctx.props().now } else { (g.from + g.to) / 2.0 };
                self.zoom(&g, factor, centre);
            }
            DiagramMsg::Follow => self.start = None,
        }
        true
    }

    fn view(&self, ctx: &Context<Self>) -> Html {
        let props = ctx.props();
        let link = ctx.link();
        let onpointerdown = link.callback(|e: PointerEvent| DiagramMsg::Down(e.pointer_id(), offset_in(&e)));
        let onpointermove = link.callback(|e: PointerEvent| DiagramMsg::Move(e.pointer_id(), offset_in(&e)));
        let onpointerup = link.callback(|e: PointerEvent| DiagramMsg::Up(e.pointer_id(), offset_in(&e)));
        let onpointercancel = link.callback(|e: PointerEvent| DiagramMsg::Cancel(e.pointer_id()));
        let onpointerleave = link.callback(|_: PointerEvent| DiagramMsg::Leave);
        let onwheel = link.callback(|e: WheelEvent| {
            e.prevent_default();
            DiagramMsg::Wheel(e.delta_x(), e.delta_y(), offset_in(&e), e.shift_key())
        });
        let on = props.on.clone();
        let onchange = Callback::from(move |e: Event| {
            let Some(select) = e.target_dyn_into::<HtmlSelectElement>() else { return };
            if let Some(&(placement, _, _)) = Placement::ALL.iter().find(|(_, id, _)| *id == select.value()) {
                on.emit(Msg::PlaceDiagram(placement));
            }
        });
        let shown = props.placement != Placement::Hidden;
        // Below the network, each lane gets room for its dots and a log tick.
        let lanes = props.history.borrow().nodes().max(props.names.len()) as f64;
        let height = (lanes * LANE_HEIGHT + 2.0 * EDGE_ROOM).clamp(120.0, 420.0);
        let height = format!("--diagram-height: {}px", Fixed(height, 0));
        html! {
            <section class={classes!("panel", "diagram", format!("diagram--{}", id_of(props.placement)))}
                aria-label="Space-time diagram" data-testid="diagram">
                <div class="diagram-bar">
                    <h2>{"Space-time diagram"}</h2>
                    if shown {
                        <button class="button" title="Zoom in (or the wheel over the diagram)" aria-label="Zoom in"
                            onclick={link.callback(|_| DiagramMsg::Zoom(ZOOM_STEP))}>{"+"}</button>
                        <button class="button" title="Zoom out" aria-label="Zoom out"
                            onclick={link.callback(|_| DiagramMsg::Zoom(1.0 / ZOOM_STEP))}>{"−"}</button>
                        <button class="button" data-testid="diagram-follow" disabled={self.start.is_none()}
                            title="Keep the playhead in view" onclick={link.callback(|_| DiagramMsg::Follow)}>
                            {"Follow"}
                        </button>
                    }
                    <label class="diagram-place">
                        <span>{"Show"}</span>
                        <select data-testid="diagram-placement" {onchange}>
                            { for Placement::ALL.iter().map(|&(p, id, label)| html! {
                                <option value={id} selected={p == props.placement}>{label}</option>
                            }) }
                        </select>
                    </label>
                </div>
                if shown {
                    <canvas ref={self.host.node.clone()} class="diagram-canvas" data-testid="diagram-canvas" style={height}
                        role="img" aria-label="Messages between the nodes over time. The event pointed at is described below."
                        {onpointerdown} {onpointermove} {onpointerup} {onpointercancel} {onpointerleave} {onwheel}
                        data-span-ms={Fixed(self.span, 0).to_string()} />
                    <p class="diagram-readout" data-testid="diagram-readout" aria-live="polite">
                        { self.readout(props) }
                    </p>
                }
            </section>
        }
    }

    fn rendered(&mut self, ctx: &Context<Self>, _first_render: bool) {
        self.host.attach(ctx.link().callback(|()| DiagramMsg::Refit));
        self.paint(ctx.props());
    }

    fn destroy(&mut self, _ctx: &Context<Self>) {
        self.host.detach();
    }
}

impl Diagram {
    fn geometry(&self, props: &DiagramProps) -> Geometry {
        let (from, to) = match self.start {
            Some(start) => (start, start + self.span),
            None => following(props.now, self.span),
        };
        let lanes = props.history.borrow().nodes().max(props.names.len());
        let g = Geometry {
            width: self.host.size.0,
            height: self.host.size.1,
            flow: props.placement.flow(),
            lanes,
            from,
            to,
        };
        if self.start.is_none() { g.snapped(pixel_ratio()) } else { g }
    }

    fn forget_settled(&mut self) {
        if let Some(settled) = &mut self.settled {
            settled.forget();
        }
    }

    /// Finger `id` moved to `at` while another is down: the window zooms by
    /// how much further apart (or closer) they are along the time axis,
    /// around the time between them.
    fn pinch(&mut self, g: &Geometry, id: i32, at: Point) {
        let Some(moved) = self.fingers.iter().position(|&(f, _)| f == id) else { return };
        let apart = |fingers: &[(i32, Point)]| (g.along_of(fingers[0].1) - g.along_of(fingers[1].1)).abs();
        let before = apart(&self.fingers);
        self.fingers[moved].1 = at;
        let after = apart(&self.fingers);
        // Fingers one above the other say nothing about time: wait until they part along it.
        if before > CLICK_SLOP && after > CLICK_SLOP {
            let middle = (g.along_of(self.fingers[0].1) + g.along_of(self.fingers[1].1)) / 2.0;
            self.zoom(g, after / before, g.time_at_along(middle));
        }
    }

    fn zoom(&mut self, g: &Geometry, factor: f64, around: f64) {
        let (from, to) = g.zoomed(factor, around);
        self.span = to - from;
        if self.start.is_some() || !(from..=to).contains(&around) {
            self.start = Some(from);
        }
    }

    fn paint(&mut self, props: &DiagramProps) {
        let Some((context, ratio)) = self.host.context() else { return };
        let geometry = self.geometry(props);
        let scene = DiagramScene {
            geometry: &geometry,
            palette: &self.host.palette,
            names: &props.names,
            now: props.now,
            step: props.step,
            pointed: self.pointed,
            noted: self.noted,
            pixel_ratio: ratio,
        };
        let history = props.history.borrow();
        // Pointing at an event lights up its causal cone across the whole picture: drawn in full.
        let settled = self.settled.as_mut().filter(|_| self.pointed.is_none() && self.noted.is_none());
        let settled = settled.map(|s| {
            s.update(&scene, &history);
            &*s
        });
        draw_diagram(&context, &scene, &history, settled);
    }

    /// The event pointed at in words, with its clocks and how much of the run it could have touched.
    fn readout(&self, props: &DiagramProps) -> String {
        let history = props.history.borrow();
        let name = |n: usize| props.names.get(n).cloned().unwrap_or_else(|| n.to_string());
        if let Some(tick) = self.noted.and_then(|i| history.ticks.get(i)) {
            return format!("{}'s log at {} ms, step {}: {}", name(tick.node), tick.time, tick.step, tick.text);
        }
        let Some(dot) = self.pointed.and_then(|i| history.dots.get(i)) else {
            return "Point at an event for its Lamport and vector clocks: its causal past lights up violet, \
                    its future orange, and what is concurrent with it fades; the ticks beside a lane are its log \
                    lines. Click to go there; scroll to zoom, drag to move in time."
                .into();
        };
        let peer = dot.peer.map(name).unwrap_or_default();
        let what = match dot.kind {
            DotKind::Send => format!("sends {} to {peer}", dot.text),
            DotKind::Receive => format!("receives {} from {peer}", dot.text),
            _ => dot.text.clone(),
        };
        let (mut past, mut future) = (0, 0);
        for other in &history.dots {
            match relation(&dot.stamp, &other.stamp) {
                Relation::Past => past += 1,
                Relation::Future => future += 1,
                _ => {}
            }
        }
        let vector: Vec<String> = dot.stamp.vector.iter().map(u32::to_string).collect();
        let counted = history
            .counts_from()
            .map_or_else(String::new, |t| format!(" (clocks count from {} s)", Fixed(t as f64 / 1000.0, 1)));
        format!(
            "{} {what} at {} ms, step {}. Lamport clock {}, vector clock [{}]{counted}. \
             {past} events happened before it, {future} after it.",
            name(dot.node),
            dot.time,
            dot.step,
            dot.stamp.lamport,
            vector.join(", ")
        )
    }
}

/// What is under `at`: the event, or else the log line.
fn targets(g: &Geometry, history: &History, at: Point) -> (Option<usize>, Option<usize>) {
    match g.hit(history, at) {
        Some(dot) => (Some(dot), None),
        None => (None, g.hit_tick(history, at)),
    }
}

fn id_of(placement: Placement) -> &'static str {
    Placement::ALL.iter().find(|(p, _, _)| *p == placement).map_or("below", |(_, id, _)| id)
}
