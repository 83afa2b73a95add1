//! The network canvas: draws each frame, follows its container's size and
//! the screen's pixel ratio, and turns clicks into node selection.

use std::rc::Rc;

use gloo::events::EventListener;
use quorum_protocols::sim::any::Culprits;
use quorum_protocols::sim::time::NodeId;
use quorum_protocols::sim::view::Frame;
use wasm_bindgen::JsCast;
use wasm_bindgen::closure::Closure;
use web_sys::{CanvasRenderingContext2d, HtmlCanvasElement, ResizeObserver};
use yew::prelude::*;

use crate::app::Msg;
use crate::describe;
use crate::render::draw::{Scene, draw};
use crate::render::layout::{Arrangement, Layout, Point};
use crate::render::palette::Palette;

#[derive(Properties, PartialEq)]
pub struct CanvasProps {
    pub frame: Rc<Frame>,
    pub selected: Option<NodeId>,
    /// What the violation being shown involves, marked on the canvas.
    pub culprits: Option<Culprits>,
    /// Draw messages still, half way along their link (see [`Scene::reduced_motion`]).
    pub reduced_motion: bool,
    /// What the protocol calls a node, for the canvas's accessible label.
    pub noun: &'static str,
    pub on: Callback<Msg>,
}

pub enum CanvasMsg {
    /// The canvas changed size (or the pixel ratio did).
    Resized,
    /// The colour scheme changed: colours are read again.
    ThemeChanged,
}

pub struct NetworkCanvas {
    canvas: NodeRef,
    /// CSS pixels.
    size: (f64, f64),
    palette: Palette,
    /// Kept alive while the canvas exists; disconnected on drop.
    observer: Option<(ResizeObserver, Closure<dyn FnMut()>)>,
    _theme: Option<EventListener>,
}

impl Component for NetworkCanvas {
    type Message = CanvasMsg;
    type Properties = CanvasProps;

    fn create(ctx: &Context<Self>) -> Self {
        let link = ctx.link().clone();
        let theme = gloo::utils::window()
            .match_media("(prefers-color-scheme: dark)")
            .ok()
            .flatten()
            .map(|query| EventListener::new(&query, "change", move |_| link.send_message(CanvasMsg::ThemeChanged)));
        NetworkCanvas {
            canvas: NodeRef::default(),
            size: (0.0, 0.0),
            palette: Palette::default(),
            observer: None,
            _theme: theme,
        }
    }

    fn update(&mut self, _ctx: &Context<Self>, msg: CanvasMsg) -> bool {
        match msg {
            CanvasMsg::Resized => self.measure(),
            CanvasMsg::ThemeChanged => self.read_palette(),
        }
        true
    }

    fn view(&self, ctx: &Context<Self>) -> Html {
        let props = ctx.props();
        let layout = self.layout(&props.frame.layout, props.frame.nodes.len());
        let centers = layout.centers_json();
        let canvas = self.canvas.clone();
        let on = props.on.clone();
        let onclick = Callback::from(move |e: MouseEvent| {
            let Some(canvas) = canvas.cast::<HtmlCanvasElement>() else { return };
            let rect = canvas.get_bounding_client_rect();
            let at = Point::new(f64::from(e.client_x()) - rect.left(), f64::from(e.client_y()) - rect.top());
            on.emit(Msg::Select(layout.hit(at)));
        });
        let label = format!(
            "The network of {} {}. Select one in the list beside it, or click it here.",
            props.frame.nodes.len(),
            describe::plural(props.noun)
        );
        html! {
            <canvas ref={self.canvas.clone()} class="network" data-testid="canvas" role="img" aria-label={label}
                data-node-centers={centers} {onclick} />
        }
    }

    fn rendered(&mut self, ctx: &Context<Self>, first_render: bool) {
        if first_render {
            self.read_palette();
            self.measure();
            self.observe(ctx);
        }
        self.paint(ctx.props());
    }

    fn destroy(&mut self, _ctx: &Context<Self>) {
        if let Some((observer, _)) = &self.observer {
            observer.disconnect();
        }
    }
}

impl NetworkCanvas {
    fn layout(&self, arrangement: &Arrangement, count: usize) -> Layout {
        Layout::new(self.size.0, self.size.1, arrangement, count)
    }

    fn element(&self) -> Option<HtmlCanvasElement> {
        self.canvas.cast::<HtmlCanvasElement>()
    }

    fn measure(&mut self) {
        if let Some(canvas) = self.element() {
            let rect = canvas.get_bounding_client_rect();
            self.size = (rect.width(), rect.height());
        }
    }

    fn read_palette(&mut self) {
        let Some(canvas) = self.element() else { return };
        let Ok(Some(style)) = gloo::utils::window().get_computed_style(&canvas) else { return };
        self.palette = Palette::from_lookup(|name| style.get_property_value(name).ok());
    }

    fn observe(&mut self, ctx: &Context<Self>) {
        let Some(canvas) = self.element() else { return };
        let link = ctx.link().clone();
        let callback = Closure::<dyn FnMut()>::new(move || link.send_message(CanvasMsg::Resized));
        if let Ok(observer) = ResizeObserver::new(callback.as_ref().unchecked_ref()) {
            observer.observe(&canvas);
            self.observer = Some((observer, callback));
        }
    }

    /// Sizes the backing store to the screen's pixels and draws the frame.
    fn paint(&self, props: &CanvasProps) {
        let Some(canvas) = self.element() else { return };
        let ratio = gloo::utils::window().device_pixel_ratio().max(1.0);
        let (w, h) = ((self.size.0 * ratio).round() as u32, (self.size.1 * ratio).round() as u32);
        // Setting the size clears the canvas and costs a reallocation: only on change.
        if canvas.width() != w || canvas.height() != h {
            canvas.set_width(w);
            canvas.set_height(h);
        }
        let Ok(Some(context)) = canvas.get_context("2d") else { return };
        let Ok(context) = context.dyn_into::<CanvasRenderingContext2d>() else { return };
        let layout = self.layout(&props.frame.layout, props.frame.nodes.len());
        let scene = Scene {
            layout: &layout,
            palette: &self.palette,
            selected: props.selected,
            culprits: props.culprits.as_ref(),
            reduced_motion: props.reduced_motion,
            pixel_ratio: ratio,
        };
        draw(&context, &scene, &props.frame);
    }
}
