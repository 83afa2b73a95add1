//! What "Share" made: the link, whether it reached the clipboard, the same run as an
//! iframe to embed in a blog post or slides, and downloads of the run and the picture.

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

/// What the share box can download.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Export {
    /// The run as a scenario file.
    Scenario,
    /// The canvas as a PNG.
    Picture,
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
    /// A clip of the canvas is being recorded.
    pub recording: bool,
    pub on: Callback<Msg>,
}

#[cfg(test)]
mod tests {
    use super::embed_snippet;

    #[test]
    fn the_embed_snippet_opens_the_same_run_with_embed() {
        let snippet = embed_snippet("https://example.org/talks/quorum/#s=2.abc");
        assert!(snippet.contains(r#"src="https://example.org/talks/quorum/?embed#s=2.abc""#), "{snippet}");
        assert!(embed_snippet("https://x.org/?lang=en#s=1").contains("?lang=en&embed#s=1"));
    }
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
                aria-label="Share link" data-testid="share-link" onfocus={select_all.clone()} />
            <label class="embed-snippet">
                {"Embed"}
                <input class="share-link" type="text" readonly=true value={embed_snippet(&props.share.link)}
                    data-testid="embed-snippet" onfocus={select_all.clone()} />
            </label>
            <label class="start-at">
                <input type="checkbox" checked={props.share.at_moment} data-testid="start-at" onchange={at_moment} />
                { format!("Start at {start_at}") }
            </label>
            <button class="button" data-testid="download-scenario" onclick={props.on.reform(|_| Msg::Download(Export::Scenario))}
                title="The run as a scenario file, with everything you did (quorum-sim run replays it)">{"Scenario file"}</button>
            <button class="button" data-testid="download-picture" onclick={props.on.reform(|_| Msg::Download(Export::Picture))}
                title="The canvas as it is now, as a PNG picture">{"Picture"}</button>
            <button class="button" data-testid="record-clip" aria-pressed={props.recording.to_string()} onclick={props.on.reform(|_| Msg::Clip)}
                title="A WebM video of the canvas while the run plays, for slides: press again or pause to stop and save it (30 s at most)">
                { if props.recording { "Stop the clip" } else { "Clip" } }
            </button>
            <button class="icon-button" aria-label="Close" title="Close" onclick={props.on.reform(|e: MouseEvent| Msg::CloseShare { refocus: e.detail() == 0 })}>
                { icon(Icon::Close) }
            </button>
        </div>
    }
}

/// The run as an iframe: the same link opened with `?embed` (the canvas, playback and
/// the invariant bar only), 16:9.
fn embed_snippet(link: &str) -> String {
    let (page, fragment) = link.split_once('#').unwrap_or((link, ""));
    let join = if page.contains('?') { '&' } else { '?' };
    format!(
        r#"<iframe src="{page}{join}embed#{fragment}" width="800" height="450" title="Quorum" style="border:0"></iframe>"#
    )
}
