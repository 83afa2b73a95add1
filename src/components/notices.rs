//! Dismissible messages: a broken link, an action the simulator refused.

use yew::prelude::*;

use super::icons::{Icon, icon};
use crate::app::Msg;

/// Something the user should read: every notice says what went wrong.
#[derive(Clone, Debug, PartialEq)]
pub struct Notice {
    pub id: u64,
    pub text: String,
}

#[derive(Properties, PartialEq)]
pub struct NoticesProps {
    pub notices: Vec<Notice>,
    pub on: Callback<Msg>,
}

#[function_component]
pub fn Notices(props: &NoticesProps) -> Html {
    if props.notices.is_empty() {
        return html! {};
    }
    html! {
        <div class="notices">
            { for props.notices.iter().map(|n| {
                let id = n.id;
                html! {
                    <div class="notice" role="alert" data-testid="notice" key={id}>
                        <p>{ &n.text }</p>
                        <button class="icon-button" aria-label="Dismiss" title="Dismiss" data-testid="dismiss"
                            onclick={props.on.reform(move |_| Msg::Dismiss(id))}>
                            { icon(Icon::Close) }
                        </button>
                    </div>
                }
            }) }
        </div>
    }
}
