//! The protocol's parameters as toolbar controls. What each parameter
//! shows as, and the scenario parameters a change asks for, are pure and
//! tested natively; the engine checks the new value when the run is rebuilt
//! with it, and a refused value leaves the run as it was.

use std::rc::Rc;

use quorum_protocols::sim::any::ProtocolInfo;
use quorum_protocols::sim::decimal::{Fixed, Shortest};
use quorum_protocols::sim::json::{Json, Map};
use quorum_protocols::sim::params::{ParamInfo, ParamKind, ParamValue, Params};
use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

use crate::app::Msg;

/// Whole-number parameters with at most this many steps get a slider; wider ones a number box.
const SLIDER_STEPS: i64 = 20;
/// Steps along a slider for a fractional parameter.
const FRACTION_STEPS: f64 = 100.0;

/// How one parameter is shown, with the value in force.
#[derive(Clone, Debug, PartialEq)]
pub enum Control {
    Switch(bool),
    Whole { min: i64, max: i64, value: i64, slider: bool },
    Fraction { min: f64, max: f64, step: f64, value: f64 },
    Choice { choices: &'static [&'static str], value: String },
}

/// A parameter's control, and why it cannot be changed if the variant pins it.
#[derive(Clone, Debug, PartialEq)]
pub struct ParamControl {
    pub param: &'static ParamInfo,
    pub control: Control,
    pub pinned_by: Option<&'static str>,
}

/// Every parameter of `info` as a control showing its value in `in_force`
/// (the run's parameters; one missing there shows its default).
pub fn controls(info: &'static ProtocolInfo, variant: &str, in_force: &Params) -> Vec<ParamControl> {
    let variant = info.variant(variant);
    info.params
        .iter()
        .map(|param| ParamControl {
            param,
            control: control(param, in_force.value(param.name)),
            pinned_by: variant.filter(|v| v.pins.iter().any(|(name, _)| *name == param.name)).map(|v| v.name),
        })
        .collect()
}

fn control(param: &ParamInfo, value: Option<ParamValue>) -> Control {
    match (param.kind, value) {
        (ParamKind::Bool { .. }, Some(ParamValue::Bool(on))) => Control::Switch(on),
        (ParamKind::Bool { default }, _) => Control::Switch(default),
        (ParamKind::Int { min, max, default }, value) => Control::Whole {
            min,
            max,
            value: match value {
                Some(ParamValue::Int(v)) => v,
                _ => default,
            },
            slider: max.saturating_sub(min) <= SLIDER_STEPS,
        },
        (ParamKind::Float { min, max, default }, value) => Control::Fraction {
            min,
            max,
            step: (max - min) / FRACTION_STEPS,
            value: match value {
                Some(ParamValue::Float(v)) => v,
                _ => default,
            },
        },
        (ParamKind::Choice { choices, default }, value) => Control::Choice {
            choices,
            value: match value {
                Some(ParamValue::Choice(c)) => c,
                _ => default,
            }
            .to_string(),
        },
    }
}

/// The scenario's parameters with `param` set from a control's raw value
/// (a checkbox's `true`/`false`, a number's text, a choice's name), or why
/// the raw value is no value of that kind. Bounds are the engine's to check.
pub fn with_param(params: &Map, param: &ParamInfo, raw: &str) -> Result<Map, String> {
    let label = param.label;
    let value = match param.kind {
        ParamKind::Bool { .. } => raw.parse::<bool>().map(Json::from).map_err(|_| format!("{label} is on or off")),
        ParamKind::Int { .. } => {
            raw.trim().parse::<i64>().map(Json::from).map_err(|_| format!("{label} must be a whole number"))
        }
        ParamKind::Float { .. } => match raw.trim().parse::<f64>() {
            Ok(v) if v.is_finite() => Ok(Json::from(v)),
            _ => Err(format!("{label} must be a number")),
        },
        ParamKind::Choice { .. } => Ok(Json::from(raw)),
    }?;
    let mut next = params.clone();
    next.insert(param.name.to_string(), value);
    Ok(next)
}

#[derive(Properties, PartialEq)]
pub struct ParamControlsProps {
    pub controls: Rc<Vec<ParamControl>>,
    pub on: Callback<Msg>,
}

#[function_component]
pub fn ParamControls(props: &ParamControlsProps) -> Html {
    let control = |c: &ParamControl| {
        let param = c.param;
        let testid = format!("param-{}", param.name);
        let disabled = c.pinned_by.is_some();
        let title = match c.pinned_by {
            Some(variant) => format!("{} (the variant {variant} needs this value)", param.help),
            None => param.help.to_string(),
        };
        let typed = props
            .on
            .reform(move |e: Event| Msg::SetParam(param, e.target_unchecked_into::<HtmlInputElement>().value()));
        let input = match &c.control {
            Control::Switch(on) => {
                let toggled = props.on.reform(move |e: Event| {
                    Msg::SetParam(param, e.target_unchecked_into::<HtmlInputElement>().checked().to_string())
                });
                html! { <input type="checkbox" checked={*on} {disabled} data-testid={testid} onchange={toggled} /> }
            }
            Control::Whole { min, max, value, slider: true } => html! {
                <>
                    <input type="range" min={min.to_string()} max={max.to_string()} step="1" value={value.to_string()}
                        {disabled} data-testid={testid} onchange={typed} />
                    <output>{ value }</output>
                </>
            },
            Control::Whole { min, max, value, slider: false } => html! {
                <input type="number" min={min.to_string()} max={max.to_string()} step="1" value={value.to_string()}
                    {disabled} data-testid={testid} onchange={typed} />
            },
            Control::Fraction { min, max, step, value } => html! {
                <>
                    <input type="range" min={Shortest(*min).to_string()} max={Shortest(*max).to_string()}
                        step={Shortest(*step).to_string()} value={Shortest(*value).to_string()} {disabled} data-testid={testid} onchange={typed} />
                    <output>{ Fixed(*value, 2).to_string() }</output>
                </>
            },
            Control::Choice { choices, value } => {
                let picked = props.on.reform(move |e: Event| {
                    Msg::SetParam(param, e.target_unchecked_into::<HtmlSelectElement>().value())
                });
                html! {
                    <select {disabled} data-testid={testid} onchange={picked}>
                        { for choices.iter().map(|c| html! { <option value={*c} selected={c == value}>{ *c }</option> }) }
                    </select>
                }
            }
        };
        html! { <label class="param" {title}><span>{ param.label }</span>{ input }</label> }
    };
    html! {
        <div class="params" role="group" aria-label="Parameters" data-testid="params">
            { for props.controls.iter().map(control) }
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use quorum_protocols::sim::any::VariantInfo;
    use quorum_protocols::sim::json::{Shape, object, parse};
    use quorum_protocols::sim::params::ParamValue;

    static PARAMS: [ParamInfo; 5] = [
        ParamInfo { name: "pre_vote", label: "Pre-vote", help: "", kind: ParamKind::Bool { default: false } },
        ParamInfo {
            name: "proposers",
            label: "Proposers",
            help: "",
            kind: ParamKind::Int { min: 1, max: 3, default: 2 },
        },
        ParamInfo { name: "batch", label: "Batch", help: "", kind: ParamKind::Int { min: 1, max: 500, default: 10 } },
        ParamInfo {
            name: "loss",
            label: "Loss",
            help: "",
            kind: ParamKind::Float { min: 0.0, max: 0.5, default: 0.1 },
        },
        ParamInfo {
            name: "type",
            label: "Type",
            help: "",
            kind: ParamKind::Choice { choices: &["g-counter", "or-set"], default: "g-counter" },
        },
    ];
    static VARIANTS: [VariantInfo; 2] = [
        VariantInfo::new("correct", ""),
        VariantInfo { name: "eager", summary: "", pins: &[("pre_vote", ParamValue::Bool(true))] },
    ];
    static INFO: ProtocolInfo = ProtocolInfo {
        name: "fake",
        title: "Fake",
        node_noun: "node",
        client_noun: "client",
        variants: &VARIANTS,
        properties: &[],
        params: &PARAMS,
        client_actions: &[],
        min_nodes: 1,
        max_nodes: 9,
        role_params: &[],
    };

    fn json(text: &str) -> Map {
        object(parse(text, Shape::Free).unwrap()).unwrap()
    }

    /// The parameters a run with `text` as its scenario's `params` has in force.
    fn in_force(text: &str) -> Params {
        Params::read(&PARAMS, &[], &json(text)).unwrap()
    }

    #[test]
    fn each_kind_of_parameter_gets_its_control_with_the_value_in_force() {
        let shown =
            controls(&INFO, "correct", &in_force(r#"{"pre_vote":true,"proposers":3,"loss":0.25,"type":"or-set"}"#));
        let kinds: Vec<&Control> = shown.iter().map(|c| &c.control).collect();
        assert_eq!(
            kinds,
            [
                &Control::Switch(true),
                &Control::Whole { min: 1, max: 3, value: 3, slider: true },
                &Control::Whole { min: 1, max: 500, value: 10, slider: false },
                &Control::Fraction { min: 0.0, max: 0.5, step: 0.005, value: 0.25 },
                &Control::Choice { choices: &["g-counter", "or-set"], value: "or-set".into() },
            ]
        );
        assert!(shown.iter().all(|c| c.pinned_by.is_none()));
    }

    #[test]
    fn a_parameter_the_variant_pins_cannot_be_changed() {
        let shown = controls(&INFO, "eager", &in_force(r#"{"pre_vote":true}"#));
        assert_eq!(shown[0].pinned_by, Some("eager"));
        assert!(shown[1..].iter().all(|c| c.pinned_by.is_none()));
        assert!(controls(&INFO, "no-such-variant", &Params::default()).iter().all(|c| c.pinned_by.is_none()));
    }

    #[test]
    fn a_change_sets_that_parameter_and_keeps_the_others() {
        let before = json(r#"{"proposers":3}"#);
        assert_eq!(with_param(&before, &PARAMS[0], "true").unwrap(), json(r#"{"proposers":3,"pre_vote":true}"#));
        assert_eq!(with_param(&before, &PARAMS[1], " 1 ").unwrap(), json(r#"{"proposers":1}"#));
        assert_eq!(with_param(&before, &PARAMS[3], "0.3").unwrap(), json(r#"{"proposers":3,"loss":0.3}"#));
        assert_eq!(with_param(&before, &PARAMS[4], "or-set").unwrap(), json(r#"{"proposers":3,"type":"or-set"}"#));
        // Out of bounds is the engine's to refuse, with its own message.
        assert_eq!(with_param(&before, &PARAMS[1], "9").unwrap(), json(r#"{"proposers":9}"#));
    }

    #[test]
    fn input_that_is_no_value_of_the_kind_is_refused_here() {
        let none = Map::new();
        assert_eq!(with_param(&none, &PARAMS[0], "yes").unwrap_err(), "Pre-vote is on or off");
        assert_eq!(with_param(&none, &PARAMS[1], "2.5").unwrap_err(), "Proposers must be a whole number");
        assert_eq!(with_param(&none, &PARAMS[1], "").unwrap_err(), "Proposers must be a whole number");
        assert_eq!(with_param(&none, &PARAMS[3], "NaN").unwrap_err(), "Loss must be a number");
    }
}
