//! The top bar: which run (scenario, variant, seed), the transport
//! controls, speed and Share.

use std::rc::Rc;

use quorum_protocols::Preset;
use quorum_protocols::sim::any::ProtocolInfo;
use quorum_protocols::sim::decimal::Shortest;
use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

use super::icons::{Icon, icon};
use super::param_controls::{ParamControl, ParamControls};
use crate::app::{Msg, opener};
use crate::session::SPEEDS;

#[derive(Properties, PartialEq)]
pub struct ToolbarProps {
    pub info: &'static ProtocolInfo,
    pub presets: Rc<Vec<Preset>>,
    /// The preset on screen; `None` for a run opened from a link.
    pub preset: Option<usize>,
    pub title: String,
    pub variant: String,
    /// The protocol's parameters, as controls showing the values in force.
    pub params: Rc<Vec<ParamControl>>,
    /// Keys the parameter controls, so a refused change shows the value in force again.
    pub generation: u64,
    pub seed: u64,
    pub playing: bool,
    pub speed: f64,
    pub can_step_back: bool,
    pub on: Callback<Msg>,
}

/// The offered speed closest to `speed`, as an index into [`SPEEDS`].
fn speed_index(speed: f64) -> usize {
    (0..SPEEDS.len()).min_by(|&a, &b| (SPEEDS[a] - speed).abs().total_cmp(&(SPEEDS[b] - speed).abs())).unwrap_or(0)
}

fn speed_text(speed: f64) -> String {
    format!("{}×", Shortest(speed))
}

#[function_component]
pub fn Toolbar(props: &ToolbarProps) -> Html {
    let on = &props.on;
    let pick_preset = on.reform(|e: Event| {
        let index = e.target_unchecked_into::<HtmlSelectElement>().value().parse().unwrap_or(0);
        Msg::LoadPreset(index)
    });
    let pick_variant = on.reform(|e: Event| Msg::SetVariant(e.target_unchecked_into::<HtmlSelectElement>().value()));
    let pick_speed = on.reform(|e: InputEvent| {
        let index = e.target_unchecked_into::<HtmlInputElement>().value_as_number();
        let index = if index.is_finite() { (index.max(0.0) as usize).min(SPEEDS.len() - 1) } else { 0 };
        Msg::SetSpeed(SPEEDS[index])
    });
    let variant = props.info.variants.iter().find(|v| v.name == props.variant);
    let summary = props.preset.and_then(|i| props.presets.get(i)).map(|p| p.summary);
    // Say what a rule-breaking variant does, unless the scenario's own summary already does.
    let variant_note = variant.filter(|v| v.name != "correct" && !summary.is_some_and(|s| s.contains(v.name)));
    let (play_icon, play_text) = if props.playing { (Icon::Pause, "Pause") } else { (Icon::Play, "Play") };

    html! {
        <header class="toolbar">
            <div class="brand">
                <img src="static/icons/quorum.svg" alt="" width="28" height="28" />
                <h1>{"Quorum"}<span class="protocol">{ props.info.title }</span></h1>
            </div>
            <div class="run-picker">
                <label>
                    <span>{"Scenario"}</span>
                    <select data-testid="preset" onchange={pick_preset}>
                        if props.preset.is_none() {
                            <option selected=true disabled=true>{"A shared run"}</option>
                        }
                        { for props.presets.iter().enumerate().map(|(i, p)| html! {
                            <option value={i.to_string()} selected={props.preset == Some(i)} title={p.summary}>
                                { p.title() }
                            </option>
                        }) }
                    </select>
                </label>
                <label>
                    <span>{"Variant"}</span>
                    <select data-testid="variant" onchange={pick_variant}
                        title={variant.map(|v| v.summary).unwrap_or_default()}>
                        { for props.info.variants.iter().map(|v| html! {
                            <option value={v.name} selected={v.name == props.variant} title={v.summary}>{ v.name }</option>
                        }) }
                    </select>
                </label>
                <button class="button" data-testid="new-seed" onclick={on.reform(|_| Msg::NewSeed)}
                    title={format!("Seed {} — the same seed always gives the same run", props.seed)}>
                    { icon(Icon::Dice) }<span>{"New seed"}</span>
                </button>
            </div>
            <div class="transport" role="group" aria-label="Playback">
                <button class="icon-button" data-testid="step-back" disabled={!props.can_step_back}
                    aria-label="Step back one event" title="Step back one event (←)"
                    onclick={on.reform(|_| Msg::StepBack)}>
                    { icon(Icon::StepBack) }
                </button>
                <button class="button button--primary play" data-testid="play" aria-pressed={props.playing.to_string()}
                    title="Play or pause (Space or K)" onclick={on.reform(|_| Msg::TogglePlay)}>
                    { icon(play_icon) }<span>{ play_text }</span>
                </button>
                <button class="icon-button" data-testid="step" aria-label="Step one event"
                    title="Step one event (→)" onclick={on.reform(|_| Msg::Step)}>
                    { icon(Icon::StepForward) }
                </button>
                <label class="speed">
                    <span>{"Speed"}</span>
                    <input type="range" min="0" max={(SPEEDS.len() - 1).to_string()} step="1"
                        value={speed_index(props.speed).to_string()} data-testid="speed"
                        aria-valuetext={speed_text(props.speed)} oninput={pick_speed} />
                    <output>{ speed_text(props.speed) }</output>
                </label>
            </div>
            <button class="button share" data-testid="share" onclick={on.reform(|e: MouseEvent| Msg::Share(opener(&e)))}
                title="Copy a link that reopens this moment of the run">
                { icon(Icon::Share) }<span>{"Share"}</span>
            </button>
            <button class="button embed-button" data-testid="embed-button" onclick={on.reform(|e: MouseEvent| Msg::ShowEmbed(opener(&e)))}
                title="An iframe of this run for a blog post or slides, with its options">
                {"Embed"}
            </button>
            <button class="button present-button" data-testid="present-button" onclick={on.reform(|_| Msg::TogglePresent)}
                title="Presentation mode: full screen, large type, a clicker's keys step the story or the run (P)">
                {"Present"}
            </button>
            <button class="button lessons" data-testid="lessons-button" title="Lessons: runs told step by step"
                onclick={on.reform(|e: MouseEvent| Msg::ShowLessons(opener(&e)))}>
                {"Lessons"}
            </button>
            <button class="icon-button keys" data-testid="keys" aria-label="Keys" title="Keys (?)"
                onclick={on.reform(|e: MouseEvent| Msg::ShowKeys(opener(&e)))}>
                {"?"}
            </button>
            if !props.params.is_empty() {
                <ParamControls key={props.generation} controls={props.params.clone()} on={on.clone()} />
            }
            <p class="story" data-testid="scenario-title">
                <strong>{ &props.title }</strong>
                if let Some(summary) = summary { <span class="summary">{" — "}{ summary }</span> }
                if let Some(v) = variant_note {
                    <span class="variant-note">{ format!(" Variant {}: {}", v.name, v.summary) }</span>
                }
            </p>
        </header>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn speeds_snap_to_the_nearest_offered() {
        assert_eq!(SPEEDS[speed_index(0.5)], 0.5);
        assert_eq!(SPEEDS[speed_index(0.3)], 0.25);
        assert_eq!(SPEEDS[speed_index(100.0)], 4.0);
        assert_eq!(speed_index(f64::NAN), 0);
        assert_eq!(speed_text(0.25), "0.25×");
        assert_eq!(speed_text(1.0), "1×");
    }
}
