//! The network canvas: draws each frame, follows its container's size and
//! the screen's pixel ratio, and turns clicks into node selection. Also what
//! every canvas panel shares ([`CanvasHost`]): its size, its colours, and
//! the observers that say when either changes.

use std::cell::Cell;
use std::rc::Rc;

use gloo::events::EventListener;
use quorum_protocols::sim::any::Culprits;
use quorum_protocols::sim::scenario::Action;
use quorum_protocols::sim::time::NodeId;
use quorum_protocols::sim::view::Frame;
use wasm_bindgen::JsCast;
use wasm_bindgen::closure::Closure;
use web_sys::{
    CanvasRenderingContext2d, HtmlCanvasElement, IntersectionObserver, IntersectionObserverEntry, PointerEvent,
    ResizeObserver,
};
use yew::prelude::*;

use super::network_panel::regroup;
use crate::app::Msg;
use crate::describe;
use crate::render::draw::{Backdrop, Scene, context_2d, draw, size_backing};
use crate::render::layout::{Arrangement, Layout, Point};
use crate::render::palette::Palette;

#[derive(Properties, PartialEq)]
pub struct CanvasProps {
    pub frame: Rc<Frame>,
    pub selected: Option<NodeId>,
    /// What the violation being shown involves, marked on the canvas.
    pub culprits: Option<Culprits>,
    /// Nodes a lesson's step points at.
    pub highlighted: &'static [NodeId],
    /// Kinds of message a lesson's step points at.
    pub highlighted_messages: &'static [&'static str],
    /// Draw messages still, half way along their link (see [`Scene::reduced_motion`]).
    pub reduced_motion: bool,
    /// What the protocol calls a node, for the canvas's accessible label.
    pub noun: &'static str,
    pub on: Callback<Msg>,
}

/// What happens on the network canvas.
pub enum CanvasMsg {
    /// Its size changed (or the pixel ratio did), or the colour scheme did:
    /// either way it is measured and its colours read again.
    Refit,
    /// A press (mouse, pen or finger) began or ended here.
    Down(Point),
    Up(Point),
    Click(Point),
}

/// A press that moves less than this (CSS pixels) is a click, not a drag.
const DRAG_SLOP: f64 = 8.0;

pub struct NetworkCanvas {
    host: CanvasHost,
    backdrop: Option<Backdrop>,
    /// The node pressed on, and where: dragged off, it leaves its side of the network.
    pressed: Option<(NodeId, Point)>,
    /// The press just ended as a drag: the click that follows it selects nothing.
    dragged: bool,
}

impl Component for NetworkCanvas {
    type Message = CanvasMsg;
    type Properties = CanvasProps;

    fn create(_ctx: &Context<Self>) -> Self {
        NetworkCanvas { host: CanvasHost::default(), backdrop: Backdrop::new(), pressed: None, dragged: false }
    }

    fn update(&mut self, ctx: &Context<Self>, msg: CanvasMsg) -> bool {
        let props = ctx.props();
        let layout = self.layout(&props.frame.layout, props.frame.nodes.len());
        match msg {
            CanvasMsg::Refit => {
                self.host.refit();
                return true;
            }
            CanvasMsg::Down(at) => self.pressed = layout.hit(at).map(|node| (node, at)),
            CanvasMsg::Up(at) => {
                let Some((node, _)) = self.pressed.take().filter(|&(_, from)| from.distance(at) > DRAG_SLOP) else {
                    return false;
                };
                self.dragged = true;
                let count = props.frame.nodes.len();
                if let Some(fault) = regroup(count, &props.frame.partitions, node, layout.hit(at)) {
                    props.on.emit(Msg::Act(Action::Fault(fault)));
                }
            }
            CanvasMsg::Click(at) if !std::mem::take(&mut self.dragged) => props.on.emit(Msg::Select(layout.hit(at))),
            CanvasMsg::Click(_) => {}
        }
        false
    }

    fn view(&self, ctx: &Context<Self>) -> Html {
        let props = ctx.props();
        let layout = self.layout(&props.frame.layout, props.frame.nodes.len());
        let centers = layout.centers_json();
        let link = ctx.link();
        let onclick = link.callback(|e: MouseEvent| CanvasMsg::Click(offset_in(&e)));
        let onpointerdown = link.callback(|e: PointerEvent| CanvasMsg::Down(offset_in(&e)));
        let onpointerup = link.callback(|e: PointerEvent| CanvasMsg::Up(offset_in(&e)));
        let label = format!(
            "The network of {} {}. Select one in the list beside it, or click it here; drag one off to cut it off \
             from the others, or onto another to put it on that one's side.",
            props.frame.nodes.len(),
            describe::plural(props.noun)
        );
        html! {
            <canvas ref={self.host.node.clone()} class="network" data-testid="canvas" role="img" aria-label={label}
                data-node-centers={centers} {onclick} {onpointerdown} {onpointerup} />
        }
    }

    fn rendered(&mut self, ctx: &Context<Self>, _first_render: bool) {
        self.host.attach(ctx.link().callback(|()| CanvasMsg::Refit));
        self.paint(ctx.props());
    }

    fn destroy(&mut self, _ctx: &Context<Self>) {
        self.host.detach();
    }
}

impl NetworkCanvas {
    fn layout(&self, arrangement: &Arrangement, count: usize) -> Layout {
        Layout::new(self.host.size.0, self.host.size.1, arrangement, count)
    }

    /// Sizes the backing store to the screen's pixels and draws the frame.
    fn paint(&mut self, props: &CanvasProps) {
        let layout = self.layout(&props.frame.layout, props.frame.nodes.len());
        let (Some((context, ratio)), Some(backdrop)) = (self.host.context(), self.backdrop.as_mut()) else { return };
        let scene = Scene {
            layout: &layout,
            palette: &self.host.palette,
            selected: props.selected,
            culprits: props.culprits.as_ref(),
            highlighted: props.highlighted,
            highlighted_messages: props.highlighted_messages,
            reduced_motion: props.reduced_motion,
            pixel_ratio: ratio,
        };
        draw(&context, &scene, &props.frame, backdrop);
    }
}

/// Where a pointer event happened on its target, in CSS pixels.
pub fn offset_in(e: &MouseEvent) -> Point {
    Point::new(f64::from(e.offset_x()), f64::from(e.offset_y()))
}

/// Device pixels per CSS pixel (at least 1): canvases are drawn at the screen's density.
pub fn pixel_ratio() -> f64 {
    gloo::utils::window().device_pixel_ratio().max(1.0)
}

/// What an intersection observer calls with its entries.
type OnEntries = dyn FnMut(js_sys::Array);

/// What every canvas panel keeps: its element, its size in CSS pixels, the
/// theme's colours, whether it is on screen, and the observers that say when
/// any of these changes (kept alive while held; [`CanvasHost::detach`] ends them).
#[derive(Default)]
pub struct CanvasHost {
    pub node: NodeRef,
    /// CSS pixels.
    pub size: (f64, f64),
    pub palette: Palette,
    observer: Option<(ResizeObserver, Closure<dyn FnMut()>)>,
    /// Drawn only while on screen: for the diagram and the charts, most of a
    /// frame's work saved when they are below the fold. The network canvas is
    /// always drawn (its picture is downloaded, and tests read its pixels).
    lazy: bool,
    /// Off screen (scrolled away).
    hidden: Rc<Cell<bool>>,
    seen: Option<(IntersectionObserver, Closure<OnEntries>)>,
    theme: Option<EventListener>,
}

impl CanvasHost {
    /// A host whose canvas is drawn only while on screen.
    pub fn lazy() -> CanvasHost {
        CanvasHost { lazy: true, ..CanvasHost::default() }
    }

    pub fn element(&self) -> Option<HtmlCanvasElement> {
        self.node.cast::<HtmlCanvasElement>()
    }

    /// Once the canvas is in the page (call from `rendered`): measures it,
    /// reads its colours and sends `refit` whenever either may have changed.
    /// Does nothing while there is no canvas, or once attached to this one.
    pub fn attach(&mut self, refit: Callback<()>) {
        let Some(canvas) = self.element() else { return self.detach() };
        if self.observer.is_some() {
            return;
        }
        self.refit();
        let resized = refit.clone();
        let callback = Closure::<dyn FnMut()>::new(move || resized.emit(()));
        if let Ok(observer) = ResizeObserver::new(callback.as_ref().unchecked_ref()) {
            observer.observe(&canvas);
            self.observer = Some((observer, callback));
        }
        let (hidden, shown) = (self.hidden.clone(), refit.clone());
        let seen = Closure::<OnEntries>::new(move |entries: js_sys::Array| {
            let last = entries.get(entries.length().saturating_sub(1));
            if let Ok(entry) = last.dyn_into::<IntersectionObserverEntry>() {
                hidden.set(!entry.is_intersecting());
                shown.emit(());
            }
        });
        if let Ok(observer) = IntersectionObserver::new(seen.as_ref().unchecked_ref()) {
            observer.observe(&canvas);
            self.seen = Some((observer, seen));
        }
        let query = gloo::utils::window().match_media("(prefers-color-scheme: dark)").ok().flatten();
        self.theme = query.map(|q| EventListener::new(&q, "change", move |_| refit.emit(())));
    }

    /// Measures the canvas and reads the theme's colours where it is.
    pub fn refit(&mut self) {
        let Some(canvas) = self.element() else { return };
        let rect = canvas.get_bounding_client_rect();
        self.size = (rect.width(), rect.height());
        if let Ok(Some(style)) = gloo::utils::window().get_computed_style(&canvas) {
            self.palette = Palette::from_lookup(|name| style.get_property_value(name).ok());
        }
    }

    /// Stops observing (the canvas went away).
    pub fn detach(&mut self) {
        if let Some((observer, _)) = self.observer.take() {
            observer.disconnect();
        }
        if let Some((observer, _)) = self.seen.take() {
            observer.disconnect();
        }
        self.theme = None;
    }

    /// Sizes the backing store to the screen's pixels; its 2D context and
    /// the pixel ratio, to draw in CSS pixels.
    /// `None` while a lazy canvas is off screen: nothing to draw.
    pub fn context(&self) -> Option<(CanvasRenderingContext2d, f64)> {
        if self.lazy && self.hidden.get() {
            return None;
        }
        let canvas = self.element()?;
        let ratio = pixel_ratio();
        size_backing(&canvas, self.size, ratio);
        Some((context_2d(&canvas)?, ratio))
    }
}
