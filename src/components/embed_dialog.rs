//! The Embed dialog: the iframe snippet for the run on screen, with the embed's options
//! as controls (what plays, a range, which panels, the theme, the size, a host page's
//! origin for scripting), a live preview of exactly that snippet, and Copy.

use quorum_protocols::sim::decimal::Fixed;
use wasm_bindgen::JsCast;
use web_sys::{Element, FormData, HtmlElement, HtmlFormElement, HtmlInputElement};
use yew::prelude::*;

use super::icons::{Icon, icon};
use crate::app::Msg;
use crate::embed::{self, Options, SIZES, Size};

/// The dialog while open: for which run, what its form asks, and whether Copy worked.
pub struct EmbedDialog {
    /// The control that opened it, to give focus back to.
    pub opener: Option<HtmlElement>,
    /// The run on screen, from its start (or the lesson told), as a link's `#fragment`.
    pub fragment: String,
    pub asked: Asked,
    pub copied: Option<String>,
}

impl EmbedDialog {
    pub fn new(opener: Option<HtmlElement>, fragment: String) -> EmbedDialog {
        EmbedDialog { opener, fragment, asked: Asked::initial(), copied: None }
    }

    /// The snippet for the page at `page` (`origin + path`), and the preview's address.
    pub fn snippet(&self, page: &str, title: &str) -> (String, String) {
        let src = embed::src(page, &self.asked.options, &self.fragment);
        (embed::snippet(&src, self.asked.size, title), src)
    }
}

/// The controls, named and valued as the embed's query is: the form reads as a query,
/// which [`embed::options`] checks as an embed would (the same messages). Plain markup
/// rather than `html!`: a form of two dozen fixed elements costs the download several KB
/// as generated code, and a few hundred bytes as text.
const FORM: &str = r#"<fieldset><legend>Playback</legend>
<label>On opening, it <select name="autoplay" data-testid="embed-autoplay"><option value="1">plays</option><option value="0">waits</option></select></label>
<label class="embed-check"><input type="checkbox" name="loop" value="1" data-testid="embed-loop"> Loop</label>
<label>Speed <select name="speed" data-testid="embed-speed"><option value="">as now</option><option>0.05</option><option>0.1</option><option>0.25</option><option>0.5</option><option>1</option><option>2</option><option>4</option></select></label>
</fieldset>
<fieldset><legend>Range, in ms (empty: the whole run)</legend>
<label>From <input type="number" name="from" min="0" step="100" data-testid="embed-from"></label>
<label>To <input type="number" name="to" min="0" step="100" data-testid="embed-to"></label>
</fieldset>
<fieldset><legend>Panels</legend>
<label class="embed-check"><input type="checkbox" name="panels" value="canvas" checked data-testid="embed-canvas"> Network</label>
<label class="embed-check"><input type="checkbox" name="panels" value="diagram" data-testid="embed-diagram"> Space-time diagram</label>
<label class="embed-check"><input type="checkbox" name="panels" value="charts" data-testid="embed-charts"> Charts</label>
</fieldset>
<fieldset><legend>Look</legend>
<label>Theme <select name="theme" data-testid="embed-theme"><option>auto</option><option>light</option><option>dark</option></select></label>
<label>Size <select name="size" data-testid="embed-size"><option value="0">480 × 270</option><option value="1">640 × 360</option><option value="2" selected>800 × 450</option><option value="3">1280 × 720</option><option value="4">Full width, 16:9</option></select></label>
<label>Host page, for scripting <input type="text" name="origin" placeholder="https://example.org" data-testid="embed-origin"></label>
</fieldset>"#;

/// The form's fields that are options, as the query names them.
const FIELDS: [&str; 8] = ["autoplay", "loop", "speed", "from", "to", "panels", "theme", "origin"];

/// What the form asks for: the options, what in it cannot be used, and the size.
#[derive(Clone, PartialEq)]
pub struct Asked {
    options: Options,
    problems: Vec<String>,
    size: Size,
}

impl Asked {
    /// The form as it first shows.
    fn initial() -> Asked {
        let (options, problems) = embed::options("autoplay=1");
        Asked { options, problems, size: SIZES[2] }
    }

    /// Reads the form's fields as a query (a field given twice, such as the panels, as a list).
    pub fn read(form: &HtmlFormElement) -> Option<Asked> {
        let data = FormData::new_with_form(form).ok()?;
        let values = |name: &str| -> Vec<String> { data.get_all(name).iter().filter_map(|v| v.as_string()).collect() };
        let query: Vec<String> = FIELDS
            .iter()
            .map(|name| (name, values(name).join(",")))
            .filter(|(_, v)| !v.is_empty())
            .map(|(name, v)| format!("{name}={v}"))
            .collect();
        let (mut options, mut problems) = embed::options(&query.join("&"));
        if !values("panels").iter().any(|p| !p.is_empty()) {
            // No panel ticked: the query would simply not say, and show the network.
            problems.push("Tick at least one panel (the network is shown).".into());
            options.panels = Default::default();
        }
        let size = values("size").first().and_then(|i| i.parse::<usize>().ok()).and_then(|i| SIZES.get(i).copied());
        Some(Asked { options, problems, size: size.unwrap_or(SIZES[2]) })
    }
}

/// The form a control belongs to, read (for a change anywhere in the dialog's form).
fn read_form(e: Event) -> Msg {
    let form = e.target_dyn_into::<Element>().and_then(|t| t.closest("form").ok().flatten());
    Msg::EmbedAsked(form.and_then(|f| f.dyn_into::<HtmlFormElement>().ok()).as_ref().and_then(Asked::read))
}

/// Sets the form's From field to `ms` and reads the form again.
pub fn start_at(ms: f64) -> Option<Asked> {
    let form =
        gloo::utils::document().query_selector("[data-testid=embed-form]").ok()??.dyn_into::<HtmlFormElement>().ok()?;
    form.query_selector("[name=from]")
        .ok()??
        .dyn_into::<HtmlInputElement>()
        .ok()?
        .set_value(&Fixed(ms.floor(), 0).to_string());
    Asked::read(&form)
}

/// The dialog: the form, what cannot be used, the snippet with Copy, and the live preview.
pub fn embed_dialog(dialog: &EmbedDialog, page: &str, title: &str, now_ms: f64, on: &Callback<Msg>) -> Html {
    let (snippet, src) = dialog.snippet(page, title);
    let (width, height) = match dialog.asked.size {
        Size::Fixed(w, h) => (w.to_string(), h.to_string()),
        Size::Responsive => ("1280".into(), "720".into()),
    };
    html! {
        <section class="embed-dialog" role="dialog" aria-labelledby="embed-heading" data-testid="embed-dialog">
            <h2 id="embed-heading">{"Embed this run"}</h2>
            <form class="embed-controls" data-testid="embed-form" onchange={on.reform(read_form)}
                onsubmit={Callback::from(|e: SubmitEvent| e.prevent_default())}>
                { Html::from_html_unchecked(FORM.into()) }
            </form>
            <button class="button" onclick={on.reform(|_| Msg::EmbedFromNow)} data-testid="embed-from-now">
                { format!("From now ({} ms)", Fixed(now_ms.floor(), 0)) }
            </button>
            if !dialog.asked.problems.is_empty() {
                <div role="alert" data-testid="embed-problems">
                    <ul class="embed-problems">
                        { for dialog.asked.problems.iter().map(|p| html! { <li>{ p }</li> }) }
                    </ul>
                </div>
            }
            <div class="embed-snippet-row">
                <textarea class="share-link" readonly=true rows="3" aria-label="The iframe to paste" data-testid="embed-code"
                    value={snippet} />
                <button class="button button--primary" data-testid="embed-copy" onclick={on.reform(|_| Msg::EmbedCopy)}>{"Copy"}</button>
                <span role="status" data-testid="embed-copied">{ dialog.copied.clone().unwrap_or_default() }</span>
            </div>
            <div class="embed-preview">
                <iframe src={src} width={width.clone()} height={height.clone()} title="Preview of the embed" data-testid="embed-preview"
                    style={format!("aspect-ratio: {width} / {height}")} />
            </div>
            <button class="icon-button close" aria-label="Close" title="Close (Escape)" data-testid="close-embed"
                onclick={on.reform(|e: MouseEvent| Msg::CloseEmbed { refocus: e.detail() == 0 })}>
                { icon(Icon::Close) }
            </button>
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_form_names_every_option_and_starts_as_initial_says() {
        for name in FIELDS {
            assert!(FORM.contains(&format!(r#"name="{name}""#)), "{name}");
        }
        for (i, size) in SIZES.iter().enumerate() {
            assert!(FORM.contains(&format!(r#"<option value="{i}""#)), "{size:?}");
        }
        assert!(FORM.contains(r#"<option value="2" selected>800 × 450"#));
        assert_eq!(Asked::initial().size, Size::Fixed(800, 450));
        assert_eq!(Asked::initial().options.autoplay, Some(true), "the first option: plays");
    }
}
