//! The selected node up close: everything it shows, and what can be done
//! to it (crash, restart, pause, resume, the protocol's client actions,
//! cutting one direction of a link, setting its clock off).

use std::rc::Rc;

use quorum_protocols::sim::any::{ClientActionInfo, ProtocolInfo};
use quorum_protocols::sim::scenario::{Action, ClientAction, Fault};
use quorum_protocols::sim::view::{ItemState, Liveness, NodeFrame};
use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

use super::action_form::ActionForm;
use super::node_list::{accent_class, liveness_word};
use crate::app::Msg;
use crate::describe;
use crate::render::palette::tag_tone;

/// Items listed in the inspector, newest last.
const ITEMS_SHOWN: usize = 40;

#[derive(Properties, PartialEq)]
pub struct InspectorProps {
    pub info: &'static ProtocolInfo,
    /// The client actions this run offers.
    pub actions: &'static [ClientActionInfo],
    pub node: Option<NodeFrame>,
    pub names: Rc<Vec<String>>,
    pub on: Callback<Msg>,
}

#[function_component]
pub fn Inspector(props: &InspectorProps) -> Html {
    let cut_to = use_state(|| None::<usize>);
    // The clock box's text while it is being edited, for the node it was typed for.
    let clock_draft = use_state(|| None::<(usize, String)>);
    let noun = props.info.node_noun;
    let Some(node) = &props.node else {
        return html! {
            <section class="panel inspector" data-testid="inspector">
                <h2>{ describe::capitalized(noun) }</h2>
                <p class="hint">{ format!("Click a {noun} on the canvas, or in the list above, to look inside it and act on it.") }</p>
            </section>
        };
    };
    let id = node.id;
    let act = |action: Action| props.on.reform(move |_| Msg::Act(action.clone()));
    let fault = |f: Fault| act(Action::Fault(f));
    let crashed = node.liveness == Liveness::Crashed;
    let life_button = if crashed {
        html! { <button class="button" data-testid="restart" onclick={fault(Fault::Restart { node: id })}>{ format!("Restart {}", node.name) }</button> }
    } else {
        html! { <button class="button button--danger" data-testid="crash" onclick={fault(Fault::Crash { node: id })}>{ format!("Crash {}", node.name) }</button> }
    };
    let pause_button = if node.liveness == Liveness::Paused {
        html! { <button class="button" data-testid="resume" onclick={fault(Fault::Resume { node: id })}>{"Resume"}</button> }
    } else {
        html! { <button class="button" data-testid="pause" disabled={crashed} onclick={fault(Fault::Pause { node: id })}
        title="Stop the world here, as in a long garbage-collection pause: state is kept, nothing is processed">{"Pause"}</button> }
    };
    let clock_text = match &*clock_draft {
        Some((draft_for, text)) if *draft_for == id => text.clone(),
        _ => node.clock_offset_ms.to_string(),
    };
    let clock_offset = clock_text.trim().parse::<i64>().ok();
    let edit_clock = {
        let clock_draft = clock_draft.clone();
        Callback::from(move |e: InputEvent| {
            clock_draft.set(Some((id, e.target_unchecked_into::<HtmlInputElement>().value())))
        })
    };
    let set_clock = match clock_offset {
        // Out-of-range offsets are the engine's to refuse, with a message.
        Some(offset_ms) => fault(Fault::SetClock { node: id, offset_ms, drift: None }),
        None => Callback::noop(),
    };
    let others: Vec<(usize, &String)> = props.names.iter().enumerate().filter(|(i, _)| *i != id).collect();
    let target = cut_to.filter(|t| *t != id && *t < props.names.len()).or(others.first().map(|(i, _)| *i));
    let pick_target = {
        let cut_to = cut_to.clone();
        Callback::from(move |e: Event| cut_to.set(e.target_unchecked_into::<HtmlSelectElement>().value().parse().ok()))
    };
    let items_from = node.view.items.len().saturating_sub(ITEMS_SHOWN);
    let clock = describe::clock_offset(node.clock_offset_ms);

    html! {
        <section class={classes!("panel", "inspector", accent_class(node.view.accent))} data-testid="inspector">
            <h2>
                <span class="dot" aria-hidden="true"></span>
                { format!("{} {}", describe::capitalized(noun), node.name) }
                <span class="role">{ &node.view.role }</span>
                <span class={classes!("liveness", format!("liveness--{}", liveness_word(node.liveness)))}>{ liveness_word(node.liveness) }</span>
            </h2>
            if !node.view.facts.is_empty() || clock.is_some() {
                <ul class="facts">
                    { for node.view.facts.iter().map(|f| html! { <li>{ f }</li> }) }
                    if let Some(clock) = clock { <li class="clock" data-testid="clock-offset">{ clock }</li> }
                </ul>
            }
            <div class="actions">
                { life_button }
                { pause_button }
                { for props.actions.iter().filter(|a| a.fields.is_empty()).map(|a| {
                    let action = Action::Client(ClientAction { name: a.name.to_string(), node: id, params: Default::default() });
                    html! { <button class="button button--primary" data-testid={format!("client-{}", a.name)} onclick={act(action)}>{ a.label }</button> }
                }) }
            </div>
            // A form per action with fields, started afresh for each node.
            { for props.actions.iter().filter(|a| !a.fields.is_empty()).map(|a| html! {
                <ActionForm key={format!("{}-{id}", a.name)} action={a} node={id} names={props.names.clone()} on={props.on.clone()} />
            }) }
            if let Some(to) = target {
                <div class="cut-row">
                    <label>
                        { format!("Cut messages from {} to", node.name) }
                        <select data-testid="cut-to" onchange={pick_target}>
                            { for others.iter().map(|(i, name)| html! {
                                <option value={i.to_string()} selected={*i == to}>{ *name }</option>
                            }) }
                        </select>
                    </label>
                    <button class="button" data-testid="cut" onclick={fault(Fault::Cut { from: id, to })}
                        title="One direction only: the other way still works">{"Cut"}</button>
                </div>
            }
            <div class="cut-row">
                <label>
                    { format!("Set {}'s clock off by (ms)", node.name) }
                    <input type="number" step="100" data-testid="clock-input" value={clock_text.clone()} oninput={edit_clock} />
                </label>
                <button class="button" data-testid="set-clock" disabled={clock_offset.is_none()} onclick={set_clock}
                    title="From now this node's clock reads true time plus this much (negative: behind); its timers and timestamps follow it">{"Set clock"}</button>
            </div>
            <h3>{ format!("Holds ({})", node.view.items.len()) }</h3>
            if node.view.items.is_empty() {
                <p class="hint">{"Nothing yet."}</p>
            } else {
                <ul class="items" data-testid="items">
                    if items_from > 0 { <li class="item item--more">{ format!("… {items_from} earlier") }</li> }
                    { for node.view.items[items_from..].iter().map(|item| {
                        let (class, state) = match item.state {
                            ItemState::Settled => ("item--settled", "settled"),
                            ItemState::Tentative => ("item--tentative", "tentative, not yet safe"),
                            ItemState::Conflicting => ("item--conflicting", "conflicts with another node"),
                            ItemState::Discarded => ("item--discarded", "discarded"),
                        };
                        let tone = item.tag.map(|tag| format!("tag-{}", tag_tone(tag) + 1));
                        html! { <li class={classes!("item", class, tone)} title={state}>{ &item.text }</li> }
                    }) }
                </ul>
            }
            <h3>{"Log"}</h3>
            <ol class="log" data-testid="node-log">
                { for node.log.iter().rev().map(|line| html! { <li>{ line }</li> }) }
            </ol>
        </section>
    }
}
