//! The network's controls: latency, loss and duplication sliders, and the
//! partition tool (put nodes into groups, split, heal).

use std::rc::Rc;

use quorum_protocols::sim::decimal::Shortest;
use quorum_protocols::sim::scenario::{Action, Fault, MAX_DUPLICATE, MAX_LATENCY_MS, NetworkSettings};
use quorum_protocols::sim::time::{NodeId, Time};
use web_sys::HtmlInputElement;
use yew::prelude::*;

use crate::app::Msg;
use crate::describe;

/// The latency sliders' range: wide enough for a slow WAN, fine enough to
/// set a LAN. Longer latencies are possible in scenario files.
const LATENCY_SLIDER_MAX: Time = 2_000;
/// Groups the partition tool offers.
const GROUPS: usize = 3;

#[derive(Properties, PartialEq)]
pub struct NetworkPanelProps {
    pub names: Rc<Vec<String>>,
    /// The settings in force at the shown time, where the sliders start.
    pub network: NetworkSettings,
    /// The partition in force now, where the group picker starts.
    pub partitions: Vec<Vec<NodeId>>,
    pub noun: &'static str,
    pub on: Callback<Msg>,
}

/// The network change the sliders describe, or why it cannot be applied.
pub fn network_change(draft: &NetworkSettings) -> Result<Fault, String> {
    let [lo, hi] = draft.latency_ms;
    if lo > hi {
        return Err(format!("The shortest latency ({lo} ms) is above the longest ({hi} ms)."));
    }
    if hi > MAX_LATENCY_MS {
        return Err(format!("Latency can be at most {MAX_LATENCY_MS} ms."));
    }
    if !(0.0..=1.0).contains(&draft.drop) {
        return Err("Loss must be between 0% and 100%.".into());
    }
    if !(0.0..=MAX_DUPLICATE).contains(&draft.duplicate) {
        return Err(format!("Duplication must be between 0% and {}.", describe::percent(MAX_DUPLICATE)));
    }
    Ok(Fault::SetNetwork {
        latency_ms: Some(draft.latency_ms),
        drop: Some(draft.drop),
        duplicate: Some(draft.duplicate),
    })
}

/// The partition that a group assignment (group index per node) describes,
/// or why it is not one.
pub fn partition(assignment: &[usize]) -> Result<Fault, String> {
    let groups: Vec<Vec<NodeId>> = (0..GROUPS)
        .map(|g| assignment.iter().enumerate().filter(|(_, a)| **a == g).map(|(n, _)| n).collect::<Vec<_>>())
        .filter(|g| !g.is_empty())
        .collect();
    if groups.len() < 2 {
        return Err("Put the nodes into at least two groups to split the network.".into());
    }
    Ok(Fault::Partition { groups })
}

/// What dragging `node` on the canvas does: dropped on another node, it
/// joins that node's side; dropped elsewhere, it is cut off on a side of
/// its own. A split left with one side heals. `None` when nothing changes.
pub fn regroup(count: usize, partitions: &[Vec<NodeId>], node: NodeId, onto: Option<NodeId>) -> Option<Fault> {
    if onto == Some(node) {
        return None;
    }
    let mut groups: Vec<Vec<NodeId>> =
        if partitions.is_empty() { vec![(0..count).collect()] } else { partitions.to_vec() };
    let before = groups.clone();
    for group in &mut groups {
        group.retain(|&n| n != node);
    }
    match onto.and_then(|o| groups.iter_mut().find(|g| g.contains(&o))) {
        Some(group) => group.insert(group.partition_point(|&n| n < node), node),
        None => groups.push(vec![node]),
    }
    groups.retain(|g| !g.is_empty());
    // Back on its own side (or alone again): nothing to do.
    if groups.len() == before.len() && groups.iter().all(|g| before.contains(g)) {
        return None;
    }
    Some(if groups.len() == 1 { Fault::Heal } else { Fault::Partition { groups } })
}

/// Where the group picker starts: the partition in force, or else the
/// first ⌊n/2⌋ nodes against the rest.
fn initial_assignment(count: usize, partitions: &[Vec<NodeId>]) -> Vec<usize> {
    if partitions.len() >= 2 {
        return (0..count)
            .map(|n| partitions.iter().position(|g| g.contains(&n)).unwrap_or(0).min(GROUPS - 1))
            .collect();
    }
    (0..count).map(|n| usize::from(n >= count / 2)).collect()
}

#[function_component]
pub fn NetworkPanel(props: &NetworkPanelProps) -> Html {
    let draft = use_state(|| props.network.clone());
    let assignment = use_state(|| initial_assignment(props.names.len(), &props.partitions));
    let change = network_change(&draft);

    // Sliders show their value while dragged and apply when let go, so one
    // drag is one change in the run's timeline, not hundreds.
    let slider = |label: &str,
                  testid: &str,
                  value: f64,
                  max: f64,
                  step: f64,
                  text: String,
                  set: fn(&mut NetworkSettings, f64)| {
        let on_input = {
            let draft = draft.clone();
            Callback::from(move |e: InputEvent| {
                let v = e.target_unchecked_into::<HtmlInputElement>().value_as_number();
                if v.is_finite() {
                    let mut next = (*draft).clone();
                    set(&mut next, v);
                    draft.set(next);
                }
            })
        };
        let on_change = {
            let draft = draft.clone();
            let on = props.on.clone();
            Callback::from(move |e: Event| {
                let v = e.target_unchecked_into::<HtmlInputElement>().value_as_number();
                let mut next = (*draft).clone();
                if v.is_finite() {
                    set(&mut next, v);
                }
                if let Ok(fault) = network_change(&next) {
                    on.emit(Msg::Act(Action::Fault(fault)));
                }
            })
        };
        html! {
            <label class="slider">
                <span>{ label.to_string() }</span>
                <input type="range" min="0" max={Shortest(max).to_string()} step={Shortest(step).to_string()} value={Shortest(value).to_string()}
                    data-testid={testid.to_string()} aria-valuetext={text.clone()} oninput={on_input} onchange={on_change} />
                <output>{ text }</output>
            </label>
        }
    };
    let [lo, hi] = draft.latency_ms;
    let max_latency = LATENCY_SLIDER_MAX as f64;

    let names = props.names.clone();
    let picker = names.iter().enumerate().map(|(node, name)| {
        let current = assignment.get(node).copied().unwrap_or(0);
        html! {
            <div class="group-row" role="radiogroup" aria-label={format!("Group of {name}")}>
                <span class="name">{ name }</span>
                { for (0..GROUPS).map(|g| {
                    let assignment = assignment.clone();
                    let pick = Callback::from(move |_| {
                        let mut next = (*assignment).clone();
                        if let Some(slot) = next.get_mut(node) {
                            *slot = g;
                        }
                        assignment.set(next);
                    });
                    html! {
                        <button class={classes!("group-chip", format!("group-{}", g + 1), (current == g).then_some("is-on"))}
                            role="radio" aria-checked={(current == g).to_string()}
                            data-testid={format!("group-{name}-{}", g + 1)} onclick={pick}>
                            { (g + 1).to_string() }
                        </button>
                    }
                }) }
            </div>
        }
    });
    let split = partition(&assignment);
    let apply_split = match &split {
        Ok(fault) => {
            let action = Action::Fault(fault.clone());
            props.on.reform(move |_| Msg::Act(action.clone()))
        }
        Err(_) => Callback::noop(),
    };

    html! {
        <section class="panel network-panel" data-testid="network-panel">
            <h2>{"Network"}</h2>
            { slider("Shortest latency", "latency-min", lo as f64, max_latency, 10.0, format!("{lo} ms"), |n, v| n.latency_ms[0] = v as Time) }
            { slider("Longest latency", "latency-max", hi as f64, max_latency, 10.0, format!("{hi} ms"), |n, v| n.latency_ms[1] = v as Time) }
            { slider("Messages lost", "drop", draft.drop, 1.0, 0.01, describe::percent(draft.drop), |n, v| n.drop = v) }
            { slider("Messages duplicated", "duplicate", draft.duplicate, MAX_DUPLICATE, 0.01, describe::percent(draft.duplicate), |n, v| n.duplicate = v) }
            if let Err(problem) = &change {
                <p class="field-error" role="alert" data-testid="network-error">{ problem }</p>
            }
            <h3>{"Partition"}</h3>
            <p class="hint">{ format!("Put each {} in a group; groups cannot reach each other.", props.noun) }</p>
            <div class="group-picker">{ for picker }</div>
            if let Err(problem) = &split {
                <p class="field-error">{ problem }</p>
            }
            <div class="actions">
                <button class="button button--danger" data-testid="partition" disabled={split.is_err()} onclick={apply_split}>
                    {"Split the network"}
                </button>
                <button class="button" data-testid="heal" onclick={props.on.reform(|_| Msg::Act(Action::Fault(Fault::Heal)))}
                    title="Remove every partition and cut">
                    {"Heal"}
                </button>
            </div>
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slider_values_are_checked_before_they_are_applied() {
        let ok = NetworkSettings { latency_ms: [20, 80], drop: 0.1, duplicate: 0.0 };
        assert_eq!(
            network_change(&ok),
            Ok(Fault::SetNetwork { latency_ms: Some([20, 80]), drop: Some(0.1), duplicate: Some(0.0) })
        );
        let crossed = NetworkSettings { latency_ms: [300, 80], ..ok.clone() };
        assert!(network_change(&crossed).unwrap_err().contains("above the longest"));
        let storm = NetworkSettings { duplicate: 0.9, ..ok.clone() };
        assert!(network_change(&storm).is_err());
        let lossy = NetworkSettings { drop: f64::NAN, ..ok };
        assert!(network_change(&lossy).is_err());
    }

    #[test]
    fn a_partition_needs_two_non_empty_groups() {
        assert_eq!(partition(&[0, 0, 1, 1, 1]), Ok(Fault::Partition { groups: vec![vec![0, 1], vec![2, 3, 4]] }));
        assert_eq!(partition(&[2, 0, 2]), Ok(Fault::Partition { groups: vec![vec![1], vec![0, 2]] }));
        assert!(partition(&[1, 1, 1]).is_err());
        assert!(partition(&[]).is_err());
    }

    #[test]
    fn dragging_a_node_cuts_it_off_or_moves_it_to_another_side() {
        let split =
            |groups: &[&[NodeId]]| Some(Fault::Partition { groups: groups.iter().map(|g| g.to_vec()).collect() });
        assert_eq!(regroup(3, &[], 1, None), split(&[&[0, 2], &[1]]), "dragged away from a whole network: cut off");
        assert_eq!(regroup(3, &[], 1, Some(2)), None, "onto its own side: nothing");
        assert_eq!(regroup(3, &[], 1, Some(1)), None, "onto itself: nothing");
        let halves = [vec![0, 1], vec![2, 3, 4]];
        assert_eq!(regroup(5, &halves, 1, Some(3)), split(&[&[0], &[1, 2, 3, 4]]), "joins the other side, in order");
        assert_eq!(regroup(5, &halves, 4, None), split(&[&[0, 1], &[2, 3], &[4]]), "a third side");
        assert_eq!(
            regroup(5, &[vec![0, 1, 2, 3], vec![4]], 4, Some(0)),
            Some(Fault::Heal),
            "the last one back: healed"
        );
        assert_eq!(regroup(5, &[vec![0, 1, 2, 3], vec![4]], 4, None), None, "already alone");
    }

    #[test]
    fn the_picker_starts_from_the_partition_in_force_or_a_minority_split() {
        assert_eq!(initial_assignment(5, &[]), vec![0, 0, 1, 1, 1]);
        assert_eq!(initial_assignment(3, &[vec![2], vec![0, 1]]), vec![1, 1, 0]);
    }
}
