//! The charts panel: every chart the run's metrics make, over the whole run,
//! with the playhead on each and the values at the playhead in words. A
//! click on a chart goes to that time.

use std::rc::Rc;

use quorum_protocols::sim::decimal::Fixed;
use yew::prelude::*;

use super::canvas::{CanvasHost, offset_in};
use super::scrubber::Mark;
use crate::app::Msg;
use crate::render::chart::{Chart, nice_ceiling};
use crate::render::plot::{PLOT_LEFT, PLOT_RIGHT, PlotArea, draw_chart};

#[derive(Properties, PartialEq)]
pub struct ChartsProps {
    pub charts: Rc<Vec<Chart>>,
    /// The virtual time at the charts' right edge: the scenario's end, or
    /// further if the run has gone on.
    pub extent: f64,
    /// The scenario's actions, marked on every chart.
    pub marks: Rc<Vec<Mark>>,
    pub now: f64,
    pub on: Callback<Msg>,
}

#[function_component]
pub fn ChartsPanel(props: &ChartsProps) -> Html {
    let share = (props.now / props.extent.max(1.0)).clamp(0.0, 1.0);
    let playhead = format!(
        "left: calc({}px + (100% - {}px) * {} / 100)",
        Fixed(PLOT_LEFT, 0),
        Fixed(PLOT_LEFT + PLOT_RIGHT, 0),
        Fixed(share * 100.0, 3)
    );
    html! {
        <section class="panel charts" aria-label="Charts" data-testid="charts">
            <h2>{"Charts"}</h2>
            if props.charts.is_empty() {
                <p class="muted">{"Nothing measured yet."}</p>
            }
            <div class="chart-grid">
                { for props.charts.iter().enumerate().map(|(index, chart)| html! {
                    <figure class="chart" data-testid="chart">
                        <figcaption>
                            <span class="chart-title">{chart.title.clone()}</span>
                            <span class="chart-values" data-testid="chart-values">{ values(chart, props.now) }</span>
                        </figcaption>
                        <div class="chart-plot">
                            <ChartCanvas charts={props.charts.clone()} index={index} extent={props.extent}
                                marks={props.marks.clone()} on={props.on.clone()} />
                            <div class="chart-playhead" style={playhead.clone()} aria-hidden="true" />
                        </div>
                    </figure>
                }) }
            </div>
        </section>
    }
}

/// Each line's value at the playhead, with its colour as in the chart (a
/// chart of one line is named by its title alone).
fn values(chart: &Chart, now: f64) -> Html {
    let single = chart.lines.len() == 1;
    html! {
        { for chart.values_at(now).into_iter().enumerate().map(|(i, (label, value))| {
            let value = value.map_or_else(|| "–".to_string(), |v| format!("{}{}", number(v), chart.unit));
            let text = if single { value } else { format!("{label} {value}") };
            html! {
                <span class={classes!("chart-value", format!("tone-{}", i + 1))}>
                    <span class="swatch" aria-hidden="true" />{text}
                </span>
            }
        }) }
    }
}

/// A value as the charts write it: whole numbers whole, small ones to a tenth.
fn number(v: f64) -> Fixed {
    Fixed(v, if v.fract() != 0.0 && v.abs() < 10.0 { 1 } else { 0 })
}

#[derive(Properties)]
struct ChartCanvasProps {
    charts: Rc<Vec<Chart>>,
    index: usize,
    extent: f64,
    marks: Rc<Vec<Mark>>,
    on: Callback<Msg>,
}

/// Drawn again only when its data or its size changes, not as the playhead moves.
impl PartialEq for ChartCanvasProps {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.charts, &other.charts)
            && self.index == other.index
            && self.extent == other.extent
            && Rc::ptr_eq(&self.marks, &other.marks)
    }
}

struct ChartCanvas {
    host: CanvasHost,
}

/// The canvas changed size, or the colour scheme did.
struct Refit;

impl Component for ChartCanvas {
    type Message = Refit;
    type Properties = ChartCanvasProps;

    fn create(_ctx: &Context<Self>) -> Self {
        ChartCanvas { host: CanvasHost::lazy() }
    }

    fn update(&mut self, _ctx: &Context<Self>, _: Refit) -> bool {
        self.host.refit();
        true
    }

    fn view(&self, ctx: &Context<Self>) -> Html {
        let props = ctx.props();
        let area = self.area(props);
        let on = props.on.clone();
        let onclick = Callback::from(move |e: MouseEvent| on.emit(Msg::SeekTime(area.time_at(offset_in(&e).x))));
        let label = props.charts.get(props.index).map(|c| format!("Chart of {} over the run", c.title));
        html! {
            <canvas ref={self.host.node.clone()} class="chart-canvas" role="img" aria-label={label} {onclick} />
        }
    }

    fn rendered(&mut self, ctx: &Context<Self>, _first_render: bool) {
        self.host.attach(ctx.link().callback(|()| Refit));
        let props = ctx.props();
        let (Some(chart), Some((context, ratio))) = (props.charts.get(props.index), self.host.context()) else {
            return;
        };
        let marks: Vec<f64> = props.marks.iter().map(|m| m.at_ms as f64).collect();
        draw_chart(&context, chart, &self.area(props), &marks, &self.host.palette, ratio);
    }

    fn destroy(&mut self, _ctx: &Context<Self>) {
        self.host.detach();
    }
}

impl ChartCanvas {
    fn area(&self, props: &ChartCanvasProps) -> PlotArea {
        let top = props.charts.get(props.index).map_or(1.0, |c| nice_ceiling(c.max()));
        PlotArea { width: self.host.size.0, height: self.host.size.1, extent: props.extent, top }
    }
}
