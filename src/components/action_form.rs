//! A client action with fields, as a small form: one input per field the
//! protocol declares (text, a whole number, a choice of nodes). Turning what
//! was typed into a [`ClientAction`] is pure and tested natively; the engine
//! still checks the action when it is applied.

use std::rc::Rc;

use quorum_protocols::sim::any::{ClientActionInfo, FieldInfo, FieldKind};
use quorum_protocols::sim::json::{Json, Map};
use quorum_protocols::sim::scenario::{Action, ClientAction};
use quorum_protocols::sim::time::NodeId;
use web_sys::HtmlInputElement;
use yew::prelude::*;

use crate::app::Msg;
use crate::describe;

/// What has been entered into one field.
#[derive(Clone, Debug, PartialEq)]
pub enum Entry {
    /// A text or number input's contents, as typed.
    Typed(String),
    /// Whether each node is ticked, by node id (missing: not ticked).
    Nodes(Vec<bool>),
}

/// Every field's entry, with its field's name. A list, not a map: there are
/// a handful, and a map type of its own would cost the download its code.
pub type Draft = Vec<(&'static str, Entry)>;

fn entry<'d>(draft: &'d Draft, name: &str) -> Option<&'d Entry> {
    draft.iter().find(|(n, _)| *n == name).map(|(_, e)| e)
}

/// The field's entry, made `new` first if it has none.
fn entry_mut<'d>(draft: &'d mut Draft, name: &'static str, new: Entry) -> &'d mut Entry {
    let at = match draft.iter().position(|(n, _)| *n == name) {
        Some(at) => at,
        None => {
            draft.push((name, new));
            draft.len() - 1
        }
    };
    &mut draft[at].1
}

/// The form as it opens: empty texts, numbers at 0 (or the bound nearest
/// it), no nodes ticked.
pub fn empty_draft(fields: &[FieldInfo]) -> Draft {
    fields
        .iter()
        .map(|f| {
            let entry = match f.kind {
                FieldKind::Text { .. } => Entry::Typed(String::new()),
                FieldKind::Int { min, max } => Entry::Typed(0.clamp(min, max).to_string()),
                FieldKind::Nodes { .. } => Entry::Nodes(Vec::new()),
            };
            (f.name, entry)
        })
        .collect()
}

/// One field's value as the scenario's JSON carries it, or what is wrong with the entry.
fn field_value(field: &FieldInfo, entry: Option<&Entry>) -> Result<Json, String> {
    let label = field.label;
    match (field.kind, entry) {
        (FieldKind::Text { max_len }, Some(Entry::Typed(text))) => {
            let text = text.trim();
            if text.is_empty() {
                Err(format!("{label} is needed."))
            } else if text.chars().count() > max_len {
                Err(format!("{label} can be at most {}.", describe::count(max_len, "character")))
            } else {
                Ok(text.into())
            }
        }
        (FieldKind::Int { min, max }, Some(Entry::Typed(text))) => match text.trim().parse::<i64>() {
            Ok(v) if (min..=max).contains(&v) => Ok(v.into()),
            _ => Err(format!("{label} must be a whole number from {min} to {max}.")),
        },
        (FieldKind::Nodes { .. }, Some(Entry::Nodes(ticked))) => {
            Ok(ticked.iter().enumerate().filter(|(_, t)| **t).map(|(n, _)| n).collect::<Vec<_>>().into())
        }
        (FieldKind::Nodes { .. }, None) => Ok(Json::Array(Vec::new())),
        _ => Err(format!("{label} is needed.")),
    }
}

/// The action the form describes, done at `node`, or the first thing wrong with it.
pub fn client_action(action: &ClientActionInfo, node: NodeId, draft: &Draft) -> Result<ClientAction, String> {
    let mut params = Map::new();
    for f in action.fields {
        params.insert(f.name.to_string(), field_value(f, entry(draft, f.name))?);
    }
    Ok(ClientAction { name: action.name.to_string(), node, params })
}

#[derive(Properties, PartialEq)]
pub struct ActionFormProps {
    pub action: &'static ClientActionInfo,
    pub node: NodeId,
    pub names: Rc<Vec<String>>,
    pub on: Callback<Msg>,
}

#[function_component]
pub fn ActionForm(props: &ActionFormProps) -> Html {
    let draft = use_state(|| empty_draft(props.action.fields));
    let problem = use_state(|| None::<String>);
    let action = props.action;
    let onsubmit = {
        let (draft, problem, on, node) = (draft.clone(), problem.clone(), props.on.clone(), props.node);
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            match client_action(action, node, &draft) {
                Ok(client) => {
                    problem.set(None);
                    on.emit(Msg::Act(Action::Client(client)));
                }
                Err(reason) => problem.set(Some(reason)),
            }
        })
    };
    let typed = |name: &'static str| {
        let draft = draft.clone();
        Callback::from(move |e: InputEvent| {
            let mut next = (*draft).clone();
            let typed = Entry::Typed(e.target_unchecked_into::<HtmlInputElement>().value());
            *entry_mut(&mut next, name, Entry::Nodes(Vec::new())) = typed;
            draft.set(next);
        })
    };
    let ticked = |name: &'static str, node: NodeId| {
        let draft = draft.clone();
        Callback::from(move |e: Event| {
            let on = e.target_unchecked_into::<HtmlInputElement>().checked();
            let mut next = (*draft).clone();
            if let Entry::Nodes(ticked) = entry_mut(&mut next, name, Entry::Nodes(Vec::new())) {
                if ticked.len() <= node {
                    ticked.resize(node + 1, false);
                }
                ticked[node] = on;
            }
            draft.set(next);
        })
    };
    let field = |f: &'static FieldInfo| {
        let testid = format!("field-{}-{}", action.name, f.name);
        let entry = entry(&draft, f.name);
        let text = match entry {
            Some(Entry::Typed(text)) => text.clone(),
            _ => String::new(),
        };
        match f.kind {
            FieldKind::Text { max_len } => html! {
                <label class="field">
                    <span>{ f.label }</span>
                    <input type="text" maxlength={max_len.to_string()} required=true value={text}
                        data-testid={testid} oninput={typed(f.name)} />
                </label>
            },
            FieldKind::Int { min, max } => html! {
                <label class="field">
                    <span>{ f.label }</span>
                    <input type="number" min={min.to_string()} max={max.to_string()} step="1" required=true
                        value={text} data-testid={testid} oninput={typed(f.name)} />
                </label>
            },
            FieldKind::Nodes { first } => html! {
                <fieldset class="field field--nodes" data-testid={testid}>
                    <legend>{ f.label }</legend>
                    { for props.names.iter().enumerate().skip(first).map(|(n, name)| {
                        let checked = matches!(entry, Some(Entry::Nodes(ticked)) if ticked.get(n) == Some(&true));
                        html! {
                            <label class="check">
                                <input type="checkbox" {checked} onchange={ticked(f.name, n)} />
                                { name }
                            </label>
                        }
                    }) }
                </fieldset>
            },
        }
    };
    html! {
        <form class="action-form" data-testid={format!("form-{}", action.name)} {onsubmit} novalidate=true>
            { for action.fields.iter().map(field) }
            <button type="submit" class="button button--primary" data-testid={format!("client-{}", action.name)}>
                { action.label }
            </button>
            if let Some(problem) = &*problem {
                <p class="field-error" role="alert">{ problem }</p>
            }
        </form>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use quorum_protocols::sim::json::{Shape, parse};

    static PUT: ClientActionInfo = ClientActionInfo {
        name: "put",
        label: "Write a key",
        fields: &[
            FieldInfo { name: "key", label: "Key", kind: FieldKind::Text { max_len: 4 } },
            FieldInfo { name: "value", label: "Value", kind: FieldKind::Int { min: -5, max: 9 } },
            FieldInfo { name: "no", label: "Voting no", kind: FieldKind::Nodes { first: 0 } },
        ],
    };

    fn draft(key: &str, value: &str, no: &[NodeId]) -> Draft {
        Draft::from([
            ("key", Entry::Typed(key.into())),
            ("value", Entry::Typed(value.into())),
            ("no", Entry::Nodes((0..5).map(|n| no.contains(&n)).collect())),
        ])
    }

    #[test]
    fn a_filled_form_becomes_the_action_with_every_field() {
        let action = client_action(&PUT, 2, &draft(" ab ", "-3", &[4, 0])).unwrap();
        assert_eq!(action.name, "put");
        assert_eq!(action.node, 2);
        let expected = parse(r#"{ "key": "ab", "value": -3, "no": [0, 4] }"#, Shape::Free).unwrap();
        assert_eq!(Json::from(action.params), expected);
    }

    #[test]
    fn each_field_is_checked_against_its_declaration() {
        let error = |d: &Draft| client_action(&PUT, 0, d).unwrap_err();
        assert_eq!(error(&draft("  ", "1", &[])), "Key is needed.");
        assert_eq!(error(&draft("abcde", "1", &[])), "Key can be at most 4 characters.");
        assert!(client_action(&PUT, 0, &draft("äöüß", "1", &[])).is_ok(), "characters, not bytes");
        for value in ["10", "-6", "1.5", "", "x"] {
            assert_eq!(error(&draft("a", value, &[])), "Value must be a whole number from -5 to 9.", "{value:?}");
        }
        let mut missing = draft("a", "1", &[]);
        missing.retain(|(name, _)| *name != "key");
        assert_eq!(error(&missing), "Key is needed.");
        missing = draft("a", "1", &[]);
        missing.retain(|(name, _)| *name != "no");
        let params = client_action(&PUT, 0, &missing).unwrap().params;
        assert_eq!(params.get("no"), Some(&Json::Array(vec![])), "no node ticked");
    }

    #[test]
    fn the_form_opens_empty_with_numbers_in_bounds() {
        let empty = empty_draft(PUT.fields);
        assert_eq!(
            empty,
            [("key", Entry::Typed("".into())), ("value", Entry::Typed("0".into())), ("no", Entry::Nodes(vec![]))]
        );
        let positive = [FieldInfo { name: "n", label: "N", kind: FieldKind::Int { min: 3, max: 7 } }];
        assert_eq!(entry(&empty_draft(&positive), "n"), Some(&Entry::Typed("3".into())));
        assert!(client_action(&ClientActionInfo { name: "go", label: "Go", fields: &[] }, 1, &Draft::new()).is_ok());
    }
}
