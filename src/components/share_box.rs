//! What "Share" made: the link, and whether it reached the clipboard.

use web_sys::HtmlInputElement;
use yew::prelude::*;

use super::icons::{Icon, icon};
use crate::app::Msg;
use crate::describe;
use crate::share::SharedRun;

#[derive(Clone, Debug, PartialEq)]
pub struct ShareLink {
    pub link: String,
    pub state: ShareState,
    /// The run as shared, at the moment Share was pressed.
    pub run: SharedRun,
    /// The link opens at that moment rather than from the start.
    pub at_moment: bool,
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
        ShareState::Copied if props.share.at_moment => {
            "Link copied. It reopens this moment of the run, including everything you did.".to_string()
        }
        ShareState::Copied => {
            "Link copied. It replays this run from the start, including everything you did.".to_string()
        }
        ShareState::CopyByHand(reason) => format!("Copy the link below ({reason})."),
    };
    let start_at = props.share.run.moment.map(|m| describe::clock(m.time_ms)).unwrap_or_default();
    let at_moment =
        props.on.reform(|e: Event| Msg::ShareAtMoment(e.target_unchecked_into::<HtmlInputElement>().checked()));
    // Selecting the whole link on focus makes copying by hand one keystroke.
    let select_all = Callback::from(|e: FocusEvent| e.target_unchecked_into::<HtmlInputElement>().select());
    html! {
        <div class="share-box" data-testid="share-box" role="status">
            <span>{ status }</span>
            <input class="share-link" type="text" readonly=true value={props.share.link.clone()}
                aria-label="Share link" data-testid="share-link" onfocus={select_all} />
            <label class="start-at">
                <input type="checkbox" checked={props.share.at_moment} data-testid="start-at" onchange={at_moment} />
                { format!("Start at {start_at}") }
            </label>
            <button class="icon-button" aria-label="Close" title="Close" onclick={props.on.reform(|e: MouseEvent| Msg::CloseShare { refocus: e.detail() == 0 })}>
                { icon(Icon::Close) }
            </button>
        </div>
    }
}
