//! Share links: the run travels in the URL fragment, `#s=2.<scenario>&t=…`.
//!
//! Version 2 carries, beside the scenario (as `quorum_protocols::sim::share`
//! packs it), the moment it was shared at: `t` the virtual time in ms, `e`
//! the event shown (several can happen in one millisecond), `paused=1`,
//! `speed`, `node` (the selected node's id), `preset` (the preset the run
//! came from, for its title and summary) and, with the moment, `v` (the
//! violation jumped to, by index, when the view is at its event). Keys this lab does not know are
//! ignored, so later versions of the lab can add optional ones. Version 1
//! links carry only the scenario and open, as they always did, playing from
//! the start.
//!
//! Reading and writing the fragment is pure and tested natively; the
//! browser side (address bar, clipboard) is at the bottom.

use quorum_protocols::sim::decimal::Shortest;
use quorum_protocols::sim::scenario::Scenario;
use quorum_protocols::sim::share::{CUT_SHORT, READ_VERSIONS, decode_fragment, encode_fragment_as, scenario_part};
use quorum_protocols::sim::time::NodeId;

/// The link version this lab writes.
const VERSION: &str = "2";

/// What the page's fragment asks for.
#[derive(Debug, PartialEq)]
pub enum Requested {
    /// No scenario in the link: open the default.
    Default,
    Run(Box<SharedRun>),
    /// `#lesson=<id>`: a lesson, by its id (whether this lab has it is the lab's to say).
    Lesson(String),
    /// The link carries a run that cannot be opened: one sentence saying why.
    Broken(&'static str),
}

/// A run as a link carries it.
#[derive(Clone, Debug, PartialEq)]
pub struct SharedRun {
    pub scenario: Scenario,
    /// Where to open; `None` replays from the start, playing.
    pub moment: Option<Moment>,
    pub speed: Option<f64>,
    pub selected: Option<NodeId>,
    /// The id of the preset the run came from.
    pub preset: Option<String>,
}

/// A moment of a run: what the view showed, and whether time was moving.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Moment {
    pub time_ms: f64,
    pub event: u64,
    pub paused: bool,
    /// The violation shown at this event, by index in the run's list.
    pub violation: Option<usize>,
}

pub const CUT_SHORT_SENTENCE: &str = "This link is cut short: copy all of it and try again.";
pub const NEWER_SENTENCE: &str = "This link comes from a newer version of the lab.";
pub const DAMAGED_SENTENCE: &str = "This link is damaged, so it cannot be opened.";
/// The link names a lesson this lab does not have.
pub const NO_SUCH_LESSON_SENTENCE: &str = "This link names a lesson this version of the lab does not have.";
/// The link reads well but asks for a run this lab cannot build.
pub const CANNOT_RUN_SENTENCE: &str = "This link asks for a run this version of the lab cannot show.";

/// Reads a `location.hash` (with or without its `#`). Fragments that are
/// not ours (an anchor, say) are not errors: they open the default.
pub fn requested(hash: &str) -> Requested {
    if let Some(id) = hash.strip_prefix('#').unwrap_or(hash).strip_prefix("lesson=") {
        return Requested::Lesson(id.split('&').next().unwrap_or_default().to_string());
    }
    let Some(value) = scenario_part(hash) else { return Requested::Default };
    let version = value.split_once('.').map_or(value, |(v, _)| v);
    if !READ_VERSIONS.contains(&version) {
        // Versions are counted up: a number past ours is a link from a newer lab.
        return Requested::Broken(if version.parse::<u32>().is_ok() { NEWER_SENTENCE } else { DAMAGED_SENTENCE });
    }
    let scenario = match decode_fragment(hash) {
        Ok(scenario) => scenario,
        Err(e) if e.0 == CUT_SHORT => return Requested::Broken(CUT_SHORT_SENTENCE),
        Err(_) => return Requested::Broken(DAMAGED_SENTENCE),
    };
    let mut run = SharedRun { scenario, moment: None, speed: None, selected: None, preset: None };
    if version != "1" {
        let fragment = hash.strip_prefix('#').unwrap_or(hash);
        if read_moment(&mut run, fragment).is_none() {
            return Requested::Broken(DAMAGED_SENTENCE);
        }
    }
    Requested::Run(Box::new(run))
}

/// Reads version 2's fields into `run`; `None` when one is malformed or
/// does not fit the scenario (a tampered link).
fn read_moment(run: &mut SharedRun, fragment: &str) -> Option<()> {
    let (mut time_ms, mut event, mut paused, mut violation) = (None, None, false, None);
    for (key, value) in fragment.split('&').filter_map(|part| part.split_once('=')) {
        match key {
            "t" => {
                time_ms = Some(value.parse::<f64>().ok().filter(|t| (0.0..=run.scenario.until_ms as f64).contains(t))?)
            }
            "e" => event = Some(value.parse::<u64>().ok()?),
            "paused" => paused = value == "1",
            // How many violations the run has is known only once it runs: an index past them shows none.
            "v" => violation = Some(value.parse::<usize>().ok()?),
            "speed" => run.speed = Some(value.parse::<f64>().ok().filter(|s| s.is_finite() && *s > 0.0)?),
            "node" => run.selected = Some(value.parse::<NodeId>().ok().filter(|&n| n < run.scenario.nodes)?),
            "preset" => run.preset = Some(value.to_string()),
            _ => {}
        }
    }
    run.moment = match (time_ms, event) {
        (Some(time_ms), Some(event)) => Some(Moment { time_ms, event, paused, violation }),
        (None, None) => None,
        _ => return None,
    };
    Some(())
}

/// The fragment for a run, with its `#`, or why it cannot be a link.
pub fn fragment(run: &SharedRun) -> Result<String, String> {
    let mut fragment = format!("#{}", encode_fragment_as(VERSION, &run.scenario).map_err(|e| e.to_string())?);
    if let Some(m) = run.moment {
        fragment += &format!("&t={}&e={}", Shortest(m.time_ms), m.event);
        if m.paused {
            fragment += "&paused=1";
        }
        if let Some(v) = m.violation {
            fragment += &format!("&v={v}");
        }
    }
    if let Some(speed) = run.speed {
        fragment += &format!("&speed={}", Shortest(speed));
    }
    if let Some(node) = run.selected {
        fragment += &format!("&node={node}");
    }
    if let Some(preset) = &run.preset {
        fragment += &format!("&preset={preset}");
    }
    Ok(fragment)
}

/// A full link: the page's address without its old fragment, plus the run's `#fragment`.
pub fn link(origin: &str, pathname: &str, fragment: &str) -> String {
    format!("{origin}{pathname}{fragment}")
}

pub use browser::*;

mod browser {
    use wasm_bindgen::{JsCast, JsValue};
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

    /// Downloads what `href` points at (a `data:` or `blob:` URL) as a file named `name`.
    pub fn save_as(href: &str, name: &str) -> Result<(), &'static str> {
        let link = gloo::utils::document().create_element("a").map_err(|_| "no link")?;
        link.set_attribute("href", href).and_then(|_| link.set_attribute("download", name)).map_err(|_| "no link")?;
        link.dyn_into::<web_sys::HtmlElement>().map_err(|_| "no link")?.click();
        Ok(())
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
    use quorum_protocols::sim::scenario::{Action, Fault};

    fn sample() -> Scenario {
        Scenario::from_json(
            r#"{"version":1,"protocol":"office","nodes":5,"seed":42,"until_ms":30000,
                "timeline":[{"at_ms":3000,"action":"crash","node":2}]}"#,
        )
        .unwrap()
    }

    fn shared(moment: Option<Moment>) -> SharedRun {
        SharedRun {
            scenario: sample(),
            moment,
            speed: Some(0.5),
            selected: Some(3),
            preset: Some("office-tour".into()),
        }
    }

    fn run_of(hash: &str) -> SharedRun {
        match requested(hash) {
            Requested::Run(run) => *run,
            other => panic!("{hash} gave {other:?}"),
        }
    }

    /// A link made by the lab before links carried the moment (version 1):
    /// it must keep opening as it did, playing from the start.
    const OLD_LINK: &str = "http://127.0.0.1:8080/#s=1.VZDBTsQwDER_JfI5QmkRCOUfEBduK1SF1F0i0rhy3V2Wqv-OU8RquSWTeZOxVzghz4kK-MbCxCQUKYMHGoYUESycAqdQRKVIzBhFtUI9zuAfLMyIvaLKSpKM6nr9QPNN43tC8xxSMS97kDfBZCpHM4VlrrEF5Uz8CX6FHARLvHSjRh5aZ5_cm4WeaQLv7pwelymnqKb9vlmoYKbQV5hV7ybkTuG2uhmFL10YRLWa2Dqn6hi-ut-Xqt27q3gOSVI56jCuRksaMaeiXx1WCFH2zcBf6SA7_rjTdQnaaLM3RsZ5GW-cTfPPqnMtRVK-FnPbDw";

    #[test]
    fn an_old_link_opens_its_scenario_from_the_start() {
        let hash = &OLD_LINK[OLD_LINK.find('#').unwrap()..];
        let run = run_of(hash);
        let mut zombie = quorum_protocols::presets().swap_remove(1);
        assert_eq!(zombie.id, "office-zombie");
        // The link was made when the preset paused A; it pauses the Main Office (C) now.
        for entry in &mut zombie.scenario.timeline {
            if let Action::Fault(Fault::Pause { node } | Fault::Resume { node }) = &mut entry.action {
                *node = 0;
            }
        }
        assert_eq!(run.scenario, zombie.scenario);
        assert_eq!((run.moment, run.speed, run.selected, run.preset), (None, None, None, None));
    }

    #[test]
    fn no_fragment_or_a_foreign_one_opens_the_default() {
        assert_eq!(requested(""), Requested::Default);
        assert_eq!(requested("#"), Requested::Default);
        assert_eq!(requested("#section-2"), Requested::Default);
    }

    #[test]
    fn a_shared_moment_comes_back_unchanged() {
        let moment = Moment { time_ms: 12_345.678_9, event: 812, paused: true, violation: Some(2) };
        for run in [
            shared(Some(moment)),
            shared(None),
            SharedRun { speed: None, selected: None, preset: None, ..shared(None) },
        ] {
            let url = link("http://127.0.0.1:8080", "/", &fragment(&run).unwrap());
            assert!(url.starts_with("http://127.0.0.1:8080/#s=2."), "{url}");
            let hash = &url[url.find('#').unwrap()..];
            assert_eq!(run_of(hash), run);
            assert_eq!(run_of(hash.trim_start_matches('#')), run);
        }
        let playing = Moment { paused: false, violation: None, ..moment };
        assert_eq!(run_of(&fragment(&shared(Some(playing))).unwrap()).moment, Some(playing));
    }

    #[test]
    fn the_violation_shown_travels_with_the_moment() {
        let at = Moment { time_ms: 100.0, event: 4, paused: true, violation: Some(7) };
        let hash = fragment(&shared(Some(at))).unwrap();
        assert!(hash.contains("&paused=1&v=7&"), "{hash}");
        // Past the run's violations, the index is the lab's to ignore: the link still opens.
        let far = Moment { violation: Some(usize::MAX), ..at };
        assert_eq!(run_of(&fragment(&shared(Some(far))).unwrap()).moment, Some(far));
        // Without a moment there is no event to show it at.
        assert_eq!(run_of(&(fragment(&shared(None)).unwrap() + "&v=1")), shared(None));
    }

    #[test]
    fn fields_this_lab_does_not_know_are_left_for_later_versions() {
        let hash = fragment(&shared(None)).unwrap() + "&lesson=raft-1&step=3";
        assert_eq!(run_of(&hash), shared(None));
    }

    #[test]
    fn a_broken_link_says_what_is_wrong_in_one_sentence() {
        let good = fragment(&shared(Some(Moment { time_ms: 100.0, event: 4, paused: true, violation: None }))).unwrap();
        let data_end = good.find('&').unwrap();
        assert_eq!(requested(&good[..data_end - 10]), Requested::Broken(CUT_SHORT_SENTENCE));
        assert_eq!(requested("#s=3.AAAA"), Requested::Broken(NEWER_SENTENCE));
        assert_eq!(requested("#s=12.AAAA&t=5"), Requested::Broken(NEWER_SENTENCE));
        for hash in ["#s=garbage", "#s=", "#s=1.!!!!", "#s=x.AAAA"] {
            assert_eq!(requested(hash), Requested::Broken(DAMAGED_SENTENCE), "{hash}");
        }
        let scenario = &good[..data_end];
        for tampered in [
            "&t=1e9&e=4",
            "&t=-1&e=4",
            "&t=NaN&e=4",
            "&t=100",
            "&e=4",
            "&t=100&e=x",
            "&node=5",
            "&speed=0",
            "&t=100&e=4&v=x",
            "&t=100&e=4&v=-1",
            "&t=100&e=4&v=",
        ] {
            assert_eq!(requested(&format!("{scenario}{tampered}")), Requested::Broken(DAMAGED_SENTENCE), "{tampered}");
        }
    }
}
