//! The keys, shown by `?`: the lab's one table of keyboard shortcuts.

use yew::prelude::*;

use super::icons::{Icon, icon};
use crate::app::Msg;

/// Each shortcut and what it does, in the order the help lists them.
pub const KEYS: [(&str, &str); 11] = [
    ("Space or K", "play or pause"),
    ("→  ←", "step one event forward, back"),
    ("Shift + →  ←", "one second of virtual time forward, back"),
    ("Home  End", "the start, the end of the scenario"),
    ("On the time slider: arrows, Page Up  Page Down", "1%, 10% of the run"),
    ("In the trace: ↑  ↓, Page Up  Page Down, Home  End, Enter", "move the highlighted line; show its event"),
    ("Escape", "close the share box or this help; leave presentation mode"),
    ("P", "presentation mode: full screen, large type"),
    ("A", "read each event aloud as you step (screen readers); again to stop"),
    (
        "Presenting: Page Down  Page Up, arrows, Space, .",
        "the story's next, previous step (else one event); play or pause",
    ),
    ("?", "show or hide this help"),
];

#[derive(Properties, PartialEq)]
pub struct KeyHelpProps {
    pub on: Callback<Msg>,
}

#[function_component]
pub fn KeyHelp(props: &KeyHelpProps) -> Html {
    let close = use_node_ref();
    {
        // Focus moves into the help, so a keyboard user lands on its Close button.
        let close = close.clone();
        use_effect_with((), move |_| {
            if let Some(button) = close.cast::<web_sys::HtmlElement>() {
                button.focus().ok();
            }
        });
    }
    let on_close = props.on.reform(|e: MouseEvent| Msg::CloseKeys { refocus: e.detail() == 0 });
    html! {
        <div class="key-help" role="dialog" aria-labelledby="key-help-heading" data-testid="key-help">
            <h2 id="key-help-heading">{"Keys"}</h2>
            <table>
                { for KEYS.iter().map(|(keys, what)| html! { <tr><th scope="row">{ *keys }</th><td>{ *what }</td></tr> }) }
            </table>
            <p class="hint">{"Not while typing in a field, a menu or a slider: those keep their keys."}</p>
            <button ref={close} class="icon-button" aria-label="Close" title="Close (Escape)"
                data-testid="close-keys" onclick={on_close}>
                { icon(Icon::Close) }
            </button>
        </div>
    }
}
