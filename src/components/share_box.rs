//! What "Share" made: the link, and whether it reached the clipboard.

use web_sys::HtmlInputElement;
use yew::prelude::*;

use super::icons::{Icon, icon};
use crate::app::Msg;

#[derive(Clone, Debug, PartialEq)]
pub struct ShareLink {
    pub link: String,
    pub state: ShareState,
}

#[derive(Clone, Debug, PartialEq)]
pub enum ShareState {
    Copying,
    Copied,
    /// The clipboard refused; the reason, and the link stays on screen to copy.
    CopyByHand(String),
}

#[derive(Properties, PartialEq)]
pub struct ShareBoxProps {
    pub share: ShareLink,
    pub on: Callback<Msg>,
}

#[function_component]
pub fn ShareBox(props: &ShareBoxProps) -> Html {
    let status = match &props.share.state {
        ShareState::Copying => "Copying the link…".to_string(),
        ShareState::Copied => "Link copied. It replays this run, including everything you did.".to_string(),
        ShareState::CopyByHand(reason) => format!("Copy the link below ({reason})."),
    };
    // Selecting the whole link on focus makes copying by hand one keystroke.
    let select_all = Callback::from(|e: FocusEvent| e.target_unchecked_into::<HtmlInputElement>().select());
    html! {
        <div class="share-box" data-testid="share-box" role="status">
            <span>{ status }</span>
            <input class="share-link" type="text" readonly=true value={props.share.link.clone()}
                aria-label="Share link" data-testid="share-link" onfocus={select_all} />
            <button class="icon-button" aria-label="Close" title="Close" onclick={props.on.reform(|e: MouseEvent| Msg::CloseShare { refocus: e.detail() == 0 })}>
                { icon(Icon::Close) }
            </button>
        </div>
    }
}
