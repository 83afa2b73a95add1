//! The invariant bar: green while every rule holds, red from the first
//! violation on, with the rule in plain words and a link to the event.

use std::rc::Rc;

use quorum_protocols::sim::any::{PropertyInfo, PropertyKind, Violation};
use yew::prelude::*;

use crate::app::Msg;
use crate::describe;

#[derive(Properties, PartialEq)]
pub struct InvariantBarProps {
    pub properties: &'static [&'static PropertyInfo],
    /// The first violation, if any, and how many there are in all.
    pub first: Option<Violation>,
    pub count: usize,
    /// The end-of-run judgement, once the run has reached its end.
    pub end: Option<Rc<Vec<Violation>>>,
    pub on: Callback<Msg>,
}

/// The plain-language rule for a property name, or the name itself.
fn rule_of(properties: &[&PropertyInfo], name: &str) -> String {
    properties.iter().find(|p| p.name == name).map_or_else(|| name.to_string(), |p| p.rule.to_string())
}

fn rules(properties: &[&PropertyInfo], kind: PropertyKind) -> Vec<&'static str> {
    properties.iter().filter(|p| p.kind == kind).map(|p| p.rule).collect()
}

#[function_component]
pub fn InvariantBar(props: &InvariantBarProps) -> Html {
    let always = rules(props.properties, PropertyKind::Always);
    let eventually = rules(props.properties, PropertyKind::Eventually);
    let main = match &props.first {
        None => html! {
            <div class="invariants invariants--ok" data-testid="invariant-bar" data-state="ok" role="status">
                <span class="verdict">{ format!("✓ All {} invariants hold", always.len()) }</span>
                <details>
                    <summary>{"Which?"}</summary>
                    <ul>{ for always.iter().map(|r| html! { <li>{ *r }</li> }) }</ul>
                </details>
            </div>
        },
        Some(v) => {
            let step = v.step;
            let more = props.count.saturating_sub(1);
            html! {
                <div class="invariants invariants--broken" data-testid="invariant-bar" data-state="violated" role="alert">
                    <span class="verdict">{"✗ Rule broken: "}{ rule_of(props.properties, v.invariant) }</span>
                    <span class="detail">{ format!("At {}: {}", describe::time_ms(v.time_ms), v.detail) }</span>
                    <button class="link-button" data-testid="jump-to-violation"
                        onclick={props.on.reform(move |_| Msg::SeekStep(step))}>
                        {"Jump to the event"}
                    </button>
                    if more > 0 {
                        <span class="more">{ format!("(and {more} more)") }</span>
                    }
                </div>
            }
        }
    };
    let end = match &props.end {
        _ if eventually.is_empty() => html! {},
        None => html! {
            <div class="invariants invariants--pending" data-testid="end-judgement" data-state="pending">
                { format!("Judged at the end of the run: {}", eventually.join("; ")) }
            </div>
        },
        Some(failed) if failed.is_empty() => html! {
            <div class="invariants invariants--ok" data-testid="end-judgement" data-state="ok">
                { format!("✓ At the end of the run: {}", eventually.join("; ")) }
            </div>
        },
        Some(failed) => html! {
            <div class="invariants invariants--broken" data-testid="end-judgement" data-state="violated">
                { for failed.iter().map(|v| html! {
                    <span>{ format!("✗ At the end of the run: {} — {}", rule_of(props.properties, v.invariant), v.detail) }</span>
                }) }
            </div>
        },
    };
    html! { <div class="invariant-area">{ main }{ end }</div> }
}

#[cfg(test)]
mod tests {
    use super::*;

    static UNIQUE: PropertyInfo = PropertyInfo::always("unique", "No number is given to two requests");
    static SERVED: PropertyInfo = PropertyInfo::eventually("served", "A patient client gets an answer");
    static PROPS: [&PropertyInfo; 2] = [&UNIQUE, &SERVED];

    #[test]
    fn rules_are_found_by_name_and_kind() {
        assert_eq!(rule_of(&PROPS, "unique"), "No number is given to two requests");
        assert_eq!(rule_of(&PROPS, "mystery"), "mystery");
        assert_eq!(rules(&PROPS, PropertyKind::Eventually), vec!["A patient client gets an answer"]);
    }
}
