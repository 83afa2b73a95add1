//! Short plain-language descriptions of actions and times, for the
//! scrubber's marks, notices and buttons. Words about a protocol come from
//! the protocol (its client actions, its node names); nothing here knows any protocol.

use quorum_protocols::sim::any::ClientActionInfo;
use quorum_protocols::sim::decimal::Fixed;
use quorum_protocols::sim::scenario::Action;
use quorum_protocols::sim::time::{NodeId, Time, node_name};

/// "crash B", "split A B | C D E", "Register a newborn here (C)": client
/// actions in the protocol's words, nodes by the names the protocol gives
/// them (`names`, by id).
pub fn action(action: &Action, actions: &[ClientActionInfo], names: &[String]) -> String {
    let name = |n: NodeId| names.get(n).cloned().unwrap_or_else(|| node_name(n));
    match action {
        Action::Fault(fault) => fault.describe(&name),
        Action::Client(client) => {
            let label = actions.iter().find(|a| a.name == client.name).map_or(client.name.as_str(), |a| a.label);
            format!("{label} ({})", name(client.node))
        }
    }
}

pub use quorum_protocols::sim::scenario::percent;

/// Virtual time for people: "850 ms", "12.35 s", "2 min 05.0 s".
pub fn time(ms: f64) -> String {
    let ms = if ms.is_finite() { ms.max(0.0) } else { 0.0 };
    if ms < 1_000.0 {
        format!("{} ms", Fixed(ms, 0))
    } else if ms < 60_000.0 {
        format!("{} s", Fixed(ms / 1_000.0, 2))
    } else {
        let minutes = (ms / 60_000.0).floor();
        format!("{} min {:0>4} s", Fixed(minutes, 0), Fixed((ms - minutes * 60_000.0) / 1_000.0, 1))
    }
}

/// A moment as video sites write it: 12 400 ms → "0:12.4". Tenths are
/// rounded down, so it never names a time the run has not reached.
pub fn clock(ms: f64) -> String {
    let tenths = (ms.max(0.0) / 100.0).floor() as u64;
    format!("{}:{:02}.{}", tenths / 600, tenths % 600 / 10, tenths % 10)
}

/// Whole virtual milliseconds, for places that show exact event times.
pub fn time_ms(ms: Time) -> String {
    time(ms as f64)
}

/// "clock +500 ms" for a node whose clock is off true time; `None` when it reads true time.
pub fn clock_offset(ms: i64) -> Option<String> {
    (ms != 0).then(|| format!("clock {ms:+} ms"))
}

/// A metric's name as a label: words, capitalized, without a unit suffix
/// (`leaderless_ms` is "Leaderless"), as the metrics panel and the charts write it.
pub fn metric_label(name: &str) -> String {
    capitalized(&name.strip_suffix("_ms").unwrap_or(name).replace('_', " "))
}

/// "replica" → "Replica". Only ASCII letters change: the words are the protocols' own
/// identifiers, and `char::to_uppercase` would ship Unicode's case tables (7 KB gzipped).
pub fn capitalized(word: &str) -> String {
    let mut word = word.to_owned();
    if let Some(first) = word.get_mut(..1) {
        first.make_ascii_uppercase();
    }
    word
}

/// "switch" → "switches", "node" → "nodes" (English nouns as protocols name their nodes).
pub fn plural(noun: &str) -> String {
    if ["s", "sh", "ch", "x", "z"].iter().any(|end| noun.ends_with(end)) {
        format!("{noun}es")
    } else {
        format!("{noun}s")
    }
}

/// "1 number", "3 numbers", "0 numbers": a count as English reads it.
pub fn count(n: usize, noun: &str) -> String {
    if n == 1 { format!("1 {noun}") } else { format!("{n} {}", plural(noun)) }
}

/// ["A"] → "A", ["A", "B"] → "A and B", ["A", "B", "C"] → "A, B and C".
pub fn listed(items: &[&str]) -> String {
    match items {
        [] => String::new(),
        [one] => one.to_string(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use quorum_protocols::sim::scenario::{ClientAction, Fault};

    static ACTIONS: [ClientActionInfo; 1] =
        [ClientActionInfo { name: "register", label: "Register here", fields: &[] }];

    fn names(names: &[&str]) -> Vec<String> {
        names.iter().map(|n| n.to_string()).collect()
    }

    #[test]
    fn faults_name_nodes_as_the_protocol_does() {
        let split = Action::Fault(Fault::Partition { groups: vec![vec![0, 1], vec![2]] });
        assert_eq!(action(&split, &ACTIONS, &names(&["C", "P1", "P2"])), "split C P1 | P2");
        assert_eq!(action(&split, &ACTIONS, &[]), "split A B | C", "unnamed nodes get the engine's names");
        let cut = Action::Fault(Fault::Cut { from: 2, to: 0 });
        assert_eq!(action(&cut, &ACTIONS, &names(&["C", "P1", "P2"])), "cut P2 → C");
    }

    #[test]
    fn client_actions_use_the_protocols_label_or_their_name() {
        let register = Action::Client(ClientAction { name: "register".into(), node: 2, params: Default::default() });
        assert_eq!(action(&register, &ACTIONS, &names(&["A", "B", "C"])), "Register here (C)");
        let other = Action::Client(ClientAction { name: "poke".into(), node: 0, params: Default::default() });
        assert_eq!(action(&other, &ACTIONS, &names(&["C", "P1"])), "poke (C)");
    }

    #[test]
    fn times_read_at_every_scale() {
        assert_eq!(time(0.0), "0 ms");
        assert_eq!(time(850.4), "850 ms");
        assert_eq!(time(12_345.0), "12.35 s");
        assert_eq!(time(125_000.0), "2 min 05.0 s");
        assert_eq!(time(f64::NAN), "0 ms");
        assert_eq!(time_ms(3_000), "3.00 s");
        assert_eq!(clock(12_499.9), "0:12.4");
        assert_eq!(clock(65_000.0), "1:05.0");
        assert_eq!(clock(f64::NAN), "0:00.0");
        assert_eq!(percent(0.0), "0%");
        assert_eq!(clock_offset(500).as_deref(), Some("clock +500 ms"));
        assert_eq!(clock_offset(-1_250).as_deref(), Some("clock -1250 ms"));
        assert_eq!(clock_offset(0), None);
        assert_eq!(capitalized("replica"), "Replica");
        assert_eq!(capitalized(""), "");
        assert_eq!(plural("switch"), "switches");
        assert_eq!(plural("replica"), "replicas");
        assert_eq!(count(1, "line"), "1 line");
        assert_eq!(count(0, "line"), "0 lines");
        assert_eq!(count(3, "switch"), "3 switches");
        assert_eq!(listed(&["E"]), "E");
        assert_eq!(listed(&["E", "B"]), "E and B");
        assert_eq!(listed(&["A", "B", "C"]), "A, B and C");
        assert_eq!(listed(&[]), "");
    }
}
