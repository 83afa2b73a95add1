//! The invariant bar: green while every rule holds, red from the first
//! violation on, with the rule in plain words and a link to the event (the
//! others listed under it, each with its own link);
//! amber when a rule fails only as it is known to by design (a known limit,
//! such as 3PC under a partition). Its list also says which `sometimes`
//! properties have been seen happening.

use std::rc::Rc;

use quorum_protocols::sim::any::{PropertyInfo, PropertyKind, Violation, Witness};
use yew::prelude::*;

use crate::app::Msg;
use crate::describe;

#[derive(Properties, PartialEq)]
pub struct InvariantBarProps {
    pub properties: &'static [&'static PropertyInfo],
    /// Every violation so far, in order.
    pub violations: Rc<Vec<Violation>>,
    /// The one the bar leads with, by index: the one shown on the canvas,
    /// else the [`headline`].
    pub lead: Option<usize>,
    /// The lead is a known limit of its property (and for the headline, every violation is).
    pub known_limit: bool,
    /// What the protocol calls each node, by id: a violation names the ones it involves.
    pub names: Rc<Vec<String>>,
    /// The first time each `sometimes` property happened.
    pub witnesses: Rc<Vec<Witness>>,
    /// The end-of-run judgement, once the run has reached its end.
    pub end: Option<Rc<Vec<Violation>>>,
    pub on: Callback<Msg>,
}

/// The violation the bar leads with, by index: the first one that is not a
/// known limit, else the first known limit; and whether it is a known limit.
pub fn headline(violations: &[Violation]) -> (Option<usize>, bool) {
    match violations.iter().position(|v| !v.known_limit) {
        Some(real) => (Some(real), false),
        None => (violations.first().map(|_| 0), !violations.is_empty()),
    }
}

/// The plain-language rule for a property name, or the name itself.
pub fn rule_of(properties: &[&PropertyInfo], name: &str) -> String {
    properties.iter().find(|p| p.name == name).map_or_else(|| name.to_string(), |p| p.rule.to_string())
}

fn rules(properties: &[&PropertyInfo], kind: PropertyKind) -> Vec<&'static str> {
    properties.iter().filter(|p| p.kind == kind).map(|p| p.rule).collect()
}

fn all_hold(invariants: usize) -> String {
    match invariants {
        1 => "✓ The invariant holds".into(),
        n => format!("✓ All {n} invariants hold"),
    }
}

#[function_component]
pub fn InvariantBar(props: &InvariantBarProps) -> Html {
    let always = rules(props.properties, PropertyKind::Always);
    let eventually = rules(props.properties, PropertyKind::Eventually);
    let seen = |p: &PropertyInfo| props.witnesses.iter().find(|w| w.property == p.name).map(|w| w.time_ms);
    let sometimes = props.properties.iter().filter(|p| p.kind == PropertyKind::Sometimes).map(|p| match seen(p) {
        Some(at) => html! { <li class="witnessed">{ format!("✓ seen at {}: {}", describe::time_ms(at), p.rule) }</li> },
        None => html! { <li class="not-witnessed">{ format!("not seen yet: {}", p.rule) }</li> },
    });
    let main = match props.lead.and_then(|i| Some((i, props.violations.get(i)?))) {
        None => html! {
            <div class="invariants invariants--ok" data-testid="invariant-bar" data-state="ok" role="status">
                <span class="verdict">{ all_hold(always.len()) }</span>
                <details>
                    <summary>{"Which?"}</summary>
                    <ul>
                        { for always.iter().map(|r| html! { <li>{ *r }</li> }) }
                        { for sometimes }
                    </ul>
                </details>
            </div>
        },
        Some((lead, v)) => {
            let others = props.violations.iter().enumerate().filter(|&(i, _)| i != lead);
            let involved: Vec<&str> =
                v.culprits.nodes.iter().filter_map(|&n| props.names.get(n)).map(String::as_str).collect();
            let (class, state, verdict) = if props.known_limit {
                ("invariants invariants--limit", "known-limit", "⚠ Known limit, by design: ")
            } else {
                ("invariants invariants--broken", "violated", "✗ Rule broken: ")
            };
            html! {
                <div class={class} data-testid="invariant-bar" data-state={state} role="alert">
                    <span class="verdict">{ verdict }{ rule_of(props.properties, v.invariant) }</span>
                    <span class="detail">{ format!("At {}: {}", describe::time_ms(v.time_ms), v.detail) }</span>
                    if !involved.is_empty() {
                        <span class="detail" data-testid="culprits">{ format!("Involves {}.", describe::listed(&involved)) }</span>
                    }
                    <button class="link-button" data-testid="jump-to-violation"
                        onclick={props.on.reform(move |_| Msg::ShowViolation(lead))}>
                        {"Jump to the event"}
                    </button>
                    if props.violations.len() > 1 {
                        <details class="more" data-testid="more-violations">
                            <summary>{ format!("and {} more", props.violations.len() - 1) }</summary>
                            <ol>
                                { for others.map(|(i, w)| html! {
                                    <li><button class="link-button" onclick={props.on.reform(move |_| Msg::ShowViolation(i))}>
                                        { format!("At {}: {} — {}", describe::time_ms(w.time_ms), rule_of(props.properties, w.invariant), w.detail) }
                                    </button></li>
                                }) }
                            </ol>
                        </details>
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

    fn violation(invariant: &'static str, step: u64, known_limit: bool) -> Violation {
        Violation {
            invariant,
            kind: PropertyKind::Always,
            time_ms: step,
            step,
            detail: String::new(),
            culprits: Default::default(),
            known_limit,
        }
    }

    #[test]
    fn a_real_violation_leads_over_a_known_limit() {
        let limit = violation("atomicity", 3, true);
        let real = violation("unique", 9, false);
        assert_eq!(headline(&[limit.clone(), real]), (Some(1), false));
        assert_eq!(headline(std::slice::from_ref(&limit)), (Some(0), true));
        let not_a_limit = Violation { known_limit: false, ..limit };
        assert_eq!(headline(std::slice::from_ref(&not_a_limit)), (Some(0), false));
        assert_eq!(headline(&[]), (None, false));
    }

    #[test]
    fn rules_are_found_by_name_and_kind() {
        assert_eq!(rule_of(&PROPS, "unique"), "No number is given to two requests");
        assert_eq!(rule_of(&PROPS, "mystery"), "mystery");
        assert_eq!(rules(&PROPS, PropertyKind::Eventually), vec!["A patient client gets an answer"]);
    }

    #[test]
    fn the_verdict_counts_in_english() {
        assert_eq!(all_hold(1), "✓ The invariant holds");
        assert_eq!(all_hold(5), "✓ All 5 invariants hold");
    }
}
