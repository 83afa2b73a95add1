//! Share links: the scenario travels in the URL fragment (`#s=…`).
//!
//! Reading and writing the fragment is pure and tested natively; the
//! browser side (address bar, clipboard) is at the bottom.

use quorum_protocols::sim::scenario::{Scenario, ScenarioError};
use quorum_protocols::sim::share::{decode_fragment, encode_fragment};

/// What the page's fragment asks for.
#[derive(Debug, PartialEq)]
pub enum Requested {
    /// No scenario in the link: open the default.
    Default,
    Scenario(Box<Scenario>),
    /// The link carries a scenario that cannot be opened, and why.
    Broken(ScenarioError),
}

/// Reads a `location.hash` (with or without its `#`). Fragments that are
/// not ours (an anchor, say) are not errors: they open the default.
pub fn requested(hash: &str) -> Requested {
    let fragment = hash.strip_prefix('#').unwrap_or(hash);
    if !fragment.split('&').any(|part| part.starts_with("s=")) {
        return Requested::Default;
    }
    match decode_fragment(fragment) {
        Ok(scenario) => Requested::Scenario(Box::new(scenario)),
        Err(e) => Requested::Broken(e),
    }
}

/// The message shown when a link's scenario cannot be opened.
pub fn broken_link_message(reason: &ScenarioError) -> String {
    let reason = reason.to_string();
    let reason = reason.trim_end_matches('.');
    format!("This link's scenario could not be opened: {reason}. Showing the default scenario instead.")
}

/// The fragment for a scenario, with its `#`, or why it cannot be a link.
pub fn fragment(scenario: &Scenario) -> Result<String, ScenarioError> {
    Ok(format!("#{}", encode_fragment(scenario)?))
}

/// A full link: the page's address without its old fragment, plus the scenario's `#fragment`.
pub fn link(origin: &str, pathname: &str, fragment: &str) -> String {
    format!("{origin}{pathname}{fragment}")
}

pub use browser::*;

mod browser {
    use wasm_bindgen::JsValue;
    use wasm_bindgen_futures::JsFuture;

    /// The page's fragment, `""` when there is none or no window.
    pub fn current_hash() -> String {
        web_sys::window().and_then(|w| w.location().hash().ok()).unwrap_or_default()
    }

    /// The page's `origin + pathname`, the part of a share link before `#`.
    pub fn page_base() -> (String, String) {
        let location = web_sys::window().map(|w| w.location());
        let origin = location.as_ref().and_then(|l| l.origin().ok()).unwrap_or_default();
        let path = location.as_ref().and_then(|l| l.pathname().ok()).unwrap_or_default();
        (origin, path)
    }

    /// Puts `url` (here: a fragment, or a path without one) in the address
    /// bar without adding a history entry or firing `hashchange`: the page
    /// already shows that run.
    pub fn replace_hash(url: &str) {
        if let Some(history) = web_sys::window().and_then(|w| w.history().ok()) {
            // Failing here only leaves the old address in the bar; the link
            // is still offered in the share box.
            let _ = history.replace_state_with_url(&JsValue::NULL, "", Some(url));
        }
    }

    /// Takes the fragment out of the address bar: the page no longer shows
    /// the run the link described.
    pub fn clear_hash() {
        let (_, path) = page_base();
        let search = web_sys::window().and_then(|w| w.location().search().ok()).unwrap_or_default();
        replace_hash(&format!("{path}{search}"));
    }

    /// Copies `text` to the clipboard; `Err` says why it could not, so the
    /// caller can show the link to copy by hand instead.
    pub async fn copy(text: &str) -> Result<(), String> {
        let navigator = web_sys::window().ok_or("no window")?.navigator();
        // `navigator.clipboard` is missing outside secure contexts; calling
        // through a missing object would throw, so look first.
        let has_clipboard = js_sys::Reflect::get(&navigator, &JsValue::from_str("clipboard"))
            .map(|v| !v.is_undefined() && !v.is_null())
            .unwrap_or(false);
        if !has_clipboard {
            return Err("this page cannot use the clipboard".into());
        }
        JsFuture::from(navigator.clipboard().write_text(text))
            .await
            .map(|_| ())
            .map_err(|_| "the browser did not allow copying".into())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Scenario {
        Scenario::from_json(
            r#"{"version":1,"protocol":"office","nodes":5,"seed":42,"until_ms":30000,
                "timeline":[{"at_ms":3000,"action":"crash","node":2}]}"#,
        )
        .unwrap()
    }

    #[test]
    fn no_fragment_or_a_foreign_one_opens_the_default() {
        assert_eq!(requested(""), Requested::Default);
        assert_eq!(requested("#"), Requested::Default);
        assert_eq!(requested("#section-2"), Requested::Default);
    }

    #[test]
    fn a_shared_scenario_comes_back_unchanged() {
        let scenario = sample();
        let url = link("http://127.0.0.1:8080", "/", &fragment(&scenario).unwrap());
        assert!(url.starts_with("http://127.0.0.1:8080/#s="), "{url}");
        let hash = &url[url.find('#').unwrap()..];
        assert_eq!(requested(hash), Requested::Scenario(Box::new(scenario.clone())));
        assert_eq!(requested(hash.trim_start_matches('#')), Requested::Scenario(Box::new(scenario)));
    }

    #[test]
    fn a_tampered_fragment_is_reported_not_ignored() {
        for hash in ["#s=garbage", "#s=", "#s=1.!!!!", "#s=9.AAAA"] {
            match requested(hash) {
                Requested::Broken(e) => assert!(!e.to_string().is_empty(), "{hash}"),
                other => panic!("{hash} gave {other:?}"),
            }
        }
    }

    #[test]
    fn the_broken_link_message_reads_as_one_sentence() {
        let msg = broken_link_message(&ScenarioError("the data is corrupt.".into()));
        assert_eq!(
            msg,
            "This link's scenario could not be opened: the data is corrupt. Showing the default scenario instead."
        );
    }
}
