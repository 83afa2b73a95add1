//! Protocol parameters: the optional `params` object of a scenario.
//!
//! Each protocol declares its parameters once (name, label, kind with bounds,
//! default) in its [`ProtocolInfo`](super::any::ProtocolInfo). The engine
//! checks a scenario's `params` against that list before the protocol sees
//! it: unknown names, wrong types and values out of bounds are refused with a
//! message, and every parameter the scenario leaves out takes its default. A
//! broken variant may pin parameters it depends on; a scenario that sets one
//! to another value is refused.

use serde::Serialize;

use super::decimal::Shortest;
use super::json::{Json, Map};

/// What kind of value a parameter takes, with its bounds and default.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ParamKind {
    /// A switch (Raft's pre-vote).
    Bool { default: bool },
    /// A whole number in `[min, max]` (Paxos' proposer count).
    Int { min: i64, max: i64, default: i64 },
    /// A number in `[min, max]` (a probability).
    Float { min: f64, max: f64, default: f64 },
    /// One of a few names (the CRDT type).
    Choice { choices: &'static [&'static str], default: &'static str },
}

/// One parameter as the lab shows it and a scenario names it.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct ParamInfo {
    pub name: &'static str,
    pub label: &'static str,
    /// One sentence: what changes when it changes.
    pub help: &'static str,
    #[serde(flatten)]
    pub kind: ParamKind,
}

/// A parameter's value after checking.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
#[serde(untagged)]
pub enum ParamValue {
    Bool(bool),
    Int(i64),
    Float(f64),
    Choice(&'static str),
}

/// A value as a scenario writes it (`true`, `3`, `0.5`, `"or-set"`).
impl From<ParamValue> for Json {
    fn from(value: ParamValue) -> Json {
        match value {
            ParamValue::Bool(b) => b.into(),
            ParamValue::Int(v) => v.into(),
            ParamValue::Float(v) => v.into(),
            ParamValue::Choice(c) => c.into(),
        }
    }
}

impl ParamKind {
    pub fn default_value(&self) -> ParamValue {
        match *self {
            ParamKind::Bool { default } => ParamValue::Bool(default),
            ParamKind::Int { default, .. } => ParamValue::Int(default),
            ParamKind::Float { default, .. } => ParamValue::Float(default),
            ParamKind::Choice { default, .. } => ParamValue::Choice(default),
        }
    }

    /// Reads a JSON value as this kind, within bounds.
    fn read(&self, name: &str, value: &Json) -> Result<ParamValue, String> {
        match *self {
            ParamKind::Bool { .. } => {
                value.as_bool().map(ParamValue::Bool).ok_or_else(|| format!("params.{name} must be true or false"))
            }
            ParamKind::Int { min, max, .. } => match value.as_i64() {
                Some(v) if (min..=max).contains(&v) => Ok(ParamValue::Int(v)),
                _ => Err(format!("params.{name} must be a whole number from {min} to {max}, not {value}")),
            },
            ParamKind::Float { min, max, .. } => match value.as_f64() {
                Some(v) if (min..=max).contains(&v) => Ok(ParamValue::Float(v)),
                _ => Err(format!(
                    "params.{name} must be a number from {} to {}, not {value}",
                    Shortest(min),
                    Shortest(max)
                )),
            },
            ParamKind::Choice { choices, .. } => match value.as_str().and_then(|s| choices.iter().find(|c| **c == s)) {
                Some(c) => Ok(ParamValue::Choice(c)),
                None => Err(format!("params.{name} must be one of {}, not {value}", choices.join(", "))),
            },
        }
    }
}

/// Every declared parameter with its checked value, in declaration order. A
/// list, not a map: there are a handful, and a map type of its own would cost
/// the download its code.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Params(Vec<(&'static str, ParamValue)>);

impl Params {
    /// Checks `given` against the declared parameters and fills in defaults;
    /// `pinned` are the values the chosen variant depends on.
    pub fn read(
        declared: &'static [ParamInfo],
        pinned: &[(&'static str, ParamValue)],
        given: &Map,
    ) -> Result<Params, String> {
        for name in given.keys() {
            if !declared.iter().any(|p| p.name == name) {
                let known: Vec<&str> = declared.iter().map(|p| p.name).collect();
                return Err(if known.is_empty() {
                    format!("this protocol takes no parameters, not `{name}`")
                } else {
                    format!("unknown parameter `{name}` (this protocol has: {})", known.join(", "))
                });
            }
        }
        let mut values = Params(Vec::new());
        for p in declared {
            let value = match given.get(p.name) {
                Some(v) => p.kind.read(p.name, v)?,
                None => p.kind.default_value(),
            };
            values.0.push((p.name, value));
        }
        for &(name, pin) in pinned {
            match given.get(name) {
                Some(_) if values.value(name) != Some(pin) => {
                    return Err(format!("this variant needs params.{name} = {}", Json::from(pin)));
                }
                _ => match values.0.iter_mut().find(|(n, _)| *n == name) {
                    Some(slot) => slot.1 = pin,
                    None => values.0.push((name, pin)),
                },
            }
        }
        Ok(values)
    }

    /// A parameter's value, if it is declared.
    pub fn value(&self, name: &str) -> Option<ParamValue> {
        self.0.iter().find(|(n, _)| *n == name).map(|(_, v)| *v)
    }

    fn get(&self, name: &str) -> ParamValue {
        self.value(name).unwrap_or_else(|| panic!("parameter `{name}` is not declared"))
    }

    /// A declared switch. Panics on an undeclared name: a bug in the protocol, caught by its tests.
    /// (These panics leave the value out: a float in them would ship core's float formatting.)
    pub fn bool(&self, name: &str) -> bool {
        match self.get(name) {
            ParamValue::Bool(b) => b,
            _ => panic!("parameter `{name}` is not a switch"),
        }
    }

    pub fn int(&self, name: &str) -> i64 {
        match self.get(name) {
            ParamValue::Int(v) => v,
            _ => panic!("parameter `{name}` is not a whole number"),
        }
    }

    pub fn float(&self, name: &str) -> f64 {
        match self.get(name) {
            ParamValue::Float(v) => v,
            ParamValue::Int(v) => v as f64,
            _ => panic!("parameter `{name}` is not a number"),
        }
    }

    pub fn choice(&self, name: &str) -> &'static str {
        match self.get(name) {
            ParamValue::Choice(c) => c,
            _ => panic!("parameter `{name}` is not a choice"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::json::map;

    static DECLARED: [ParamInfo; 3] = [
        ParamInfo { name: "pre_vote", label: "Pre-vote", help: "", kind: ParamKind::Bool { default: false } },
        ParamInfo {
            name: "proposers",
            label: "Proposers",
            help: "",
            kind: ParamKind::Int { min: 1, max: 3, default: 2 },
        },
        ParamInfo {
            name: "type",
            label: "Type",
            help: "",
            kind: ParamKind::Choice { choices: &["g-counter", "or-set"], default: "g-counter" },
        },
    ];

    fn read(text: &str) -> Result<Params, String> {
        Params::read(&DECLARED, &[], &map(text))
    }

    #[test]
    fn defaults_fill_what_is_left_out() {
        let p = read(r#"{"proposers":3}"#).unwrap();
        assert_eq!((p.bool("pre_vote"), p.int("proposers"), p.choice("type")), (false, 3, "g-counter"));
    }

    #[test]
    fn unknown_names_wrong_types_and_bounds_are_refused() {
        assert!(read(r#"{"prevote":true}"#).unwrap_err().contains("unknown parameter `prevote`"));
        assert!(read(r#"{"pre_vote":1}"#).unwrap_err().contains("true or false"));
        assert!(read(r#"{"proposers":4}"#).unwrap_err().contains("from 1 to 3"));
        assert!(read(r#"{"proposers":1.5}"#).unwrap_err().contains("whole number"));
        assert!(read(r#"{"type":"lww"}"#).unwrap_err().contains("one of g-counter, or-set"));
        assert!(Params::read(&[], &[], &map(r#"{"x":1}"#)).unwrap_err().contains("no parameters"));
    }

    #[test]
    fn a_variant_pins_what_it_depends_on() {
        let pins = [("pre_vote", ParamValue::Bool(true))];
        let empty = Map::new();
        assert!(Params::read(&DECLARED, &pins, &empty).unwrap().bool("pre_vote"));
        let other = map(r#"{"pre_vote":false}"#);
        assert!(Params::read(&DECLARED, &pins, &other).unwrap_err().contains("needs params.pre_vote = true"));
    }
}
