//! Every node as a list item: name, role and whether it is running. It is
//! how screen readers (and tests) see the network, and a keyboard way to
//! select a node.

use std::rc::Rc;

use quorum_protocols::sim::time::NodeId;
use quorum_protocols::sim::view::{Accent, Frame, Liveness};
use yew::prelude::*;

use crate::app::Msg;
use crate::describe;

/// What the list shows of one node; compared between frames so the list
/// is only rebuilt when something in it changed.
#[derive(Clone, Debug, PartialEq)]
pub struct NodeSummary {
    pub id: NodeId,
    pub name: String,
    pub role: String,
    pub accent: Accent,
    pub liveness: Liveness,
}

pub fn summaries(frame: &Frame) -> Vec<NodeSummary> {
    frame
        .nodes
        .iter()
        .map(|n| NodeSummary {
            id: n.id,
            name: n.name.clone(),
            role: n.view.role.clone(),
            accent: n.view.accent,
            liveness: n.liveness,
        })
        .collect()
}

pub fn liveness_word(liveness: Liveness) -> &'static str {
    match liveness {
        Liveness::Up => "up",
        Liveness::Paused => "paused",
        Liveness::Crashed => "crashed",
    }
}

pub fn accent_class(accent: Accent) -> &'static str {
    match accent {
        Accent::Primary => "accent-primary",
        Accent::Secondary => "accent-secondary",
        Accent::Plain => "accent-plain",
        Accent::Dim => "accent-dim",
    }
}

#[derive(Properties, PartialEq)]
pub struct NodeListProps {
    pub nodes: Rc<Vec<NodeSummary>>,
    pub selected: Option<NodeId>,
    pub noun: &'static str,
    pub on: Callback<Msg>,
}

#[function_component]
pub fn NodeList(props: &NodeListProps) -> Html {
    html! {
        <section class="panel" aria-labelledby="node-list-heading">
            <h2 id="node-list-heading">{ describe::capitalized(&describe::plural(props.noun)) }</h2>
            <ul class="node-list" data-testid="node-list">
                { for props.nodes.iter().map(|n| {
                    let id = n.id;
                    let selected = props.selected == Some(id);
                    let live = liveness_word(n.liveness);
                    let class = classes!("node-item", format!("node-item--{live}"), accent_class(n.accent), selected.then_some("is-selected"));
                    html! {
                        <li key={id} class={class} data-testid={format!("node-{}", n.name)}
                            data-liveness={live} data-role={n.role.clone()}>
                            <button aria-pressed={selected.to_string()}
                                onclick={props.on.reform(move |_| Msg::Select(if selected { None } else { Some(id) }))}>
                                <span class="dot" aria-hidden="true"></span>
                                <span class="name">{ &n.name }</span>
                                <span class="role">{ &n.role }</span>
                                <span class="liveness">{ live }</span>
                            </button>
                        </li>
                    }
                }) }
            </ul>
        </section>
    }
}
