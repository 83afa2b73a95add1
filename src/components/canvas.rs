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
    observer: Option<SizeObserver>,
    _theme: Option<EventListener>,
}

impl Component for NetworkCanvas {
    type Message = CanvasMsg;
    type Properties = CanvasProps;

    fn create(ctx: &Context<Self>) -> Self {
        let link = ctx.link().clone();
        let theme = on_theme_change(move || link.send_message(CanvasMsg::ThemeChanged));
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
            self.size = css_size(&canvas);
        }
    }

    fn read_palette(&mut self) {
        if let Some(canvas) = self.element() {
            self.palette = palette_of(&canvas);
        }
    }

    fn observe(&mut self, ctx: &Context<Self>) {
        let link = ctx.link().clone();
        self.observer = self.element().and_then(|c| observe_size(&c, move || link.send_message(CanvasMsg::Resized)));
    }

    /// Sizes the backing store to the screen's pixels and draws the frame.
    fn paint(&self, props: &CanvasProps) {
        let Some((context, ratio)) = self.element().and_then(|c| backing_store(&c, self.size)) else { return };
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

/// Calls `changed` when the colour scheme changes (its colours must be read again).
pub fn on_theme_change(mut changed: impl FnMut() + 'static) -> Option<EventListener> {
    let query = gloo::utils::window().match_media("(prefers-color-scheme: dark)").ok()??;
    Some(EventListener::new(&query, "change", move |_| changed()))
}

/// A canvas element's size in CSS pixels.
pub fn css_size(canvas: &HtmlCanvasElement) -> (f64, f64) {
    let rect = canvas.get_bounding_client_rect();
    (rect.width(), rect.height())
}

/// The colours of the theme in force where `canvas` is.
pub fn palette_of(canvas: &HtmlCanvasElement) -> Palette {
    match gloo::utils::window().get_computed_style(canvas) {
        Ok(Some(style)) => Palette::from_lookup(|name| style.get_property_value(name).ok()),
        _ => Palette::default(),
    }
}

/// A resize observer on `canvas` and the callback it calls, kept alive while
/// held (disconnect it when the canvas goes).
pub type SizeObserver = (ResizeObserver, Closure<dyn FnMut()>);

/// Calls `resized` whenever `canvas` changes size.
pub fn observe_size(canvas: &HtmlCanvasElement, resized: impl FnMut() + 'static) -> Option<SizeObserver> {
    let callback = Closure::<dyn FnMut()>::new(resized);
    let observer = ResizeObserver::new(callback.as_ref().unchecked_ref()).ok()?;
    observer.observe(canvas);
    Some((observer, callback))
}

/// Sizes the backing store to the screen's pixels for a canvas of `size` CSS
/// pixels; its 2D context and the pixel ratio, to draw in CSS pixels.
pub fn backing_store(canvas: &HtmlCanvasElement, size: (f64, f64)) -> Option<(CanvasRenderingContext2d, f64)> {
    let ratio = gloo::utils::window().device_pixel_ratio().max(1.0);
    let (w, h) = ((size.0 * ratio).round() as u32, (size.1 * ratio).round() as u32);
    // Setting the size clears the canvas and costs a reallocation: only on change.
    if canvas.width() != w || canvas.height() != h {
        canvas.set_width(w);
        canvas.set_height(h);
    }
    let context = canvas.get_context("2d").ok()??.dyn_into::<CanvasRenderingContext2d>().ok()?;
    Some((context, ratio))
}
