//! Short plain-language descriptions of actions and times, for the
//! scrubber's marks, notices and buttons. Words about a protocol come from
//! its [`ProtocolInfo`]; nothing here knows any protocol.

use quorum_protocols::sim::any::ProtocolInfo;
use quorum_protocols::sim::scenario::{Action, Fault};
use quorum_protocols::sim::time::{NodeId, Time, node_name};

/// "crash B", "split A B | C D E", "Register a newborn here at C".
pub fn action(action: &Action, info: &ProtocolInfo) -> String {
    match action {
        Action::Fault(fault) => fault_text(fault),
        Action::Client(client) => {
            let label =
                info.client_actions.iter().find(|a| a.name == client.name).map_or(client.name.as_str(), |a| a.label);
            format!("{label} ({})", node_name(client.node))
        }
    }
}

fn fault_text(fault: &Fault) -> String {
    match fault {
        Fault::Partition { groups } => {
            let groups: Vec<String> = groups.iter().map(|g| names(g)).collect();
            format!("split {}", groups.join(" | "))
        }
        Fault::Heal => "heal the network".into(),
        Fault::Crash { node } => format!("crash {}", node_name(*node)),
        Fault::Restart { node } => format!("restart {}", node_name(*node)),
        Fault::Pause { node } => format!("pause {}", node_name(*node)),
        Fault::Resume { node } => format!("resume {}", node_name(*node)),
        Fault::Cut { from, to } => format!("cut {} → {}", node_name(*from), node_name(*to)),
        Fault::SetNetwork { latency_ms, drop, duplicate } => {
            let mut parts = Vec::new();
            if let Some([lo, hi]) = latency_ms {
                parts.push(format!("latency {lo}–{hi} ms"));
            }
            if let Some(p) = drop {
                parts.push(format!("drop {}", percent(*p)));
            }
            if let Some(p) = duplicate {
                parts.push(format!("duplicate {}", percent(*p)));
            }
            if parts.is_empty() { "network unchanged".into() } else { format!("network: {}", parts.join(", ")) }
        }
    }
}

fn names(nodes: &[NodeId]) -> String {
    nodes.iter().map(|&n| node_name(n)).collect::<Vec<_>>().join(" ")
}

/// 0.125 → "12.5%".
pub fn percent(p: f64) -> String {
    let v = p * 100.0;
    if (v - v.round()).abs() < 1e-9 { format!("{v:.0}%") } else { format!("{v:.1}%") }
}

/// Virtual time for people: "850 ms", "12.35 s", "2 min 05.0 s".
pub fn time(ms: f64) -> String {
    let ms = if ms.is_finite() { ms.max(0.0) } else { 0.0 };
    if ms < 1_000.0 {
        format!("{ms:.0} ms")
    } else if ms < 60_000.0 {
        format!("{:.2} s", ms / 1_000.0)
    } else {
        let minutes = (ms / 60_000.0).floor();
        format!("{minutes:.0} min {:04.1} s", (ms - minutes * 60_000.0) / 1_000.0)
    }
}

/// Whole virtual milliseconds, for places that show exact event times.
pub fn time_ms(ms: Time) -> String {
    time(ms as f64)
}

/// "branch" → "Branch".
pub fn capitalized(word: &str) -> String {
    let mut chars = word.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// "branch" → "branches", "node" → "nodes" (English nouns as protocols name their nodes).
pub fn plural(noun: &str) -> String {
    if ["s", "sh", "ch", "x", "z"].iter().any(|end| noun.ends_with(end)) {
        format!("{noun}es")
    } else {
        format!("{noun}s")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use quorum_protocols::sim::any::ClientActionInfo;
    use quorum_protocols::sim::scenario::ClientAction;

    static INFO: ProtocolInfo = ProtocolInfo {
        name: "office",
        title: "Office",
        node_noun: "branch",
        client_noun: "parent",
        variants: &[],
        properties: &[],
        client_actions: &[ClientActionInfo { name: "register", label: "Register a newborn here" }],
        min_nodes: 3,
        max_nodes: 9,
        default_nodes: 5,
    };

    #[test]
    fn faults_read_plainly() {
        let split = Action::Fault(Fault::Partition { groups: vec![vec![0, 1], vec![2, 3, 4]] });
        assert_eq!(action(&split, &INFO), "split A B | C D E");
        assert_eq!(action(&Action::Fault(Fault::Cut { from: 0, to: 3 }), &INFO), "cut A → D");
        let net = Fault::SetNetwork { latency_ms: Some([200, 400]), drop: Some(0.125), duplicate: None };
        assert_eq!(action(&Action::Fault(net), &INFO), "network: latency 200–400 ms, drop 12.5%");
        let nothing = Fault::SetNetwork { latency_ms: None, drop: None, duplicate: None };
        assert_eq!(action(&Action::Fault(nothing), &INFO), "network unchanged");
    }

    #[test]
    fn client_actions_use_the_protocols_label_or_their_name() {
        let register = Action::Client(ClientAction { name: "register".into(), node: 2, params: Default::default() });
        assert_eq!(action(&register, &INFO), "Register a newborn here (C)");
        let other = Action::Client(ClientAction { name: "poke".into(), node: 0, params: Default::default() });
        assert_eq!(action(&other, &INFO), "poke (A)");
    }

    #[test]
    fn times_read_at_every_scale() {
        assert_eq!(time(0.0), "0 ms");
        assert_eq!(time(850.4), "850 ms");
        assert_eq!(time(12_345.0), "12.35 s");
        assert_eq!(time(125_000.0), "2 min 05.0 s");
        assert_eq!(time(f64::NAN), "0 ms");
        assert_eq!(time_ms(3_000), "3.00 s");
        assert_eq!(percent(0.0), "0%");
        assert_eq!(capitalized("branch"), "Branch");
        assert_eq!(capitalized(""), "");
        assert_eq!(plural("branch"), "branches");
        assert_eq!(plural("replica"), "replicas");
    }
}
