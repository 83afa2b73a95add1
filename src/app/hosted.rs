//! The lab in someone else's page and on stage: the query's options applied to the run
//! (autoplay, speed, a locked range, loop, theme), the `postMessage` API for host pages,
//! and presentation mode. The options and messages themselves are read in
//! [`crate::embed`]; this is where they meet the lab. See `docs/embed.md`.

use std::cell::RefCell;
use std::rc::Rc;

use gloo::events::EventListener;
use js_sys::Object;
use quorum_protocols::lesson::lessons;
use quorum_protocols::sim::json::Json;
use quorum_protocols::sim::time::Time;
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::wasm_bindgen;
use web_sys::{CssMediaRule, CssStyleSheet, HtmlElement, MessageEvent, Window};
use yew::html::Scope;

use super::{App, Msg};
use crate::components::embed_dialog::Asked;
use crate::components::lessons::Challenge;
use crate::embed::{self, Clicker, Command, Load, Theme};
use crate::share::{self, Requested, SharedRun};

/// While playing, a `state` event goes to the host at most this often (real ms).
const STATE_EVERY_MS: f64 = 250.0;

/// The page that framed this embed, and what it has been told.
pub(super) struct Host {
    parent: Window,
    /// Where events go (`postMessage`'s target origin, never `*`): the framing page's
    /// origin once known, from the referrer or from its first accepted message.
    target: Rc<RefCell<Option<String>>>,
    told: Told,
    _listener: EventListener,
}

/// What the host has been told, to tell it only what changed.
#[derive(Default)]
struct Told {
    ready: bool,
    playing: bool,
    step: u64,
    violations: usize,
    /// The lesson and step last reported.
    lesson: Option<(usize, usize)>,
    /// When the last `state` went (real ms).
    state_at: f64,
    /// The host asked for the state.
    asked: bool,
}

impl Host {
    /// Listens to the page that frames this one, if any. Messages are accepted only from
    /// that window and only from `allowed` origins (the query's `origin=`), or, when none
    /// is named, from the origin of the page that loaded the frame (`document.referrer`);
    /// with neither, the API stays off. Anything else is ignored without a word, as a page
    /// that is not ours must not learn what we are.
    pub(super) fn new(link: Scope<App>, allowed: &[String]) -> Option<Host> {
        let window = gloo::utils::window();
        let parent = window.parent().ok().flatten().filter(|p| !Object::is(p, &window))?;
        let referrer = embed::origin_of(&gloo::utils::document().referrer());
        let allowed: Vec<String> =
            if allowed.is_empty() { referrer.iter().cloned().collect() } else { allowed.to_vec() };
        if allowed.is_empty() {
            return None;
        }
        // The referrer is the framing page when the frame loaded: ready can go there at once.
        let target = Rc::new(RefCell::new(referrer.filter(|r| allowed.contains(r))));
        let (from, to) = (parent.clone(), target.clone());
        let listener = EventListener::new(&window, "message", move |event| {
            let Some(event) = event.dyn_ref::<MessageEvent>() else { return };
            let origin = event.origin();
            if !event.source().is_some_and(|s| Object::is(&s, &from)) || !allowed.contains(&origin) {
                return;
            }
            to.replace(Some(origin.clone()));
            // An object is read as the JSON it would be written as; a string as JSON text.
            let data = event.data();
            let text = data.as_string().or_else(|| js_sys::JSON::stringify(&data).ok().and_then(|s| s.as_string()));
            match text
                .ok_or_else(|| "a command is an object such as {\"type\": \"play\"}".to_string())
                .and_then(|t| embed::command(&t))
            {
                Ok(command) => link.send_message(Msg::Host(command)),
                Err(why) => post(&from, &origin, &embed::event("error", vec![("message", why.into())])),
            }
        });
        Some(Host { parent, target, told: Told::default(), _listener: listener })
    }

    fn post(&self, kind: &str, fields: Vec<(&str, Json)>) {
        if let Some(origin) = self.target.borrow().as_deref() {
            post(&self.parent, origin, &embed::event(kind, fields));
        }
    }
}

/// Posts `event` to `window`, delivered only if its page is at `origin`.
fn post(window: &Window, origin: &str, event: &Json) {
    // Through JSON text: the host gets a plain object, and numbers need no formatting here.
    if let Ok(value) = js_sys::JSON::parse(&event.write(false)) {
        window.post_message(&value, origin).ok();
    }
}

#[wasm_bindgen]
extern "C" {
    /// `requestFullscreen`, with the promise web-sys drops: a refusal must be caught, or
    /// it lands in the console as an error.
    type Fullscreenable;
    #[wasm_bindgen(method, js_name = requestFullscreen)]
    fn request_fullscreen(this: &Fullscreenable) -> js_sys::Promise;
}

/// Forces the light or dark theme, whatever the reader's system prefers: the stylesheet's
/// dark rules (`@media (prefers-color-scheme: dark)`) then always, or never, apply. One
/// stylesheet for both ways, and the canvases read their colours from it as always.
pub(super) fn apply_theme(theme: Theme) {
    let (media, scheme) = match theme {
        Theme::Auto => return,
        Theme::Light => ("not all", "light"),
        Theme::Dark => ("all", "dark"),
    };
    let document = gloo::utils::document();
    let sheets = document.style_sheets();
    for sheet in (0..sheets.length()).filter_map(|i| sheets.item(i)?.dyn_into::<CssStyleSheet>().ok()) {
        // Another origin's sheet cannot be read, and has none of our rules.
        let Ok(rules) = sheet.css_rules() else { continue };
        for rule in (0..rules.length()).filter_map(|i| rules.item(i)?.dyn_into::<CssMediaRule>().ok()) {
            let list = rule.media();
            if list.media_text().contains("prefers-color-scheme") {
                list.set_media_text(media);
            }
        }
    }
    // Form controls and scroll bars follow.
    if let Some(root) = document.document_element().and_then(|e| e.dyn_into::<HtmlElement>().ok()) {
        root.style().set_property("color-scheme", scheme).ok();
    }
}

impl App {
    /// Applies what the query asks of the run just opened: its speed, whether it plays,
    /// and the range (checked against the run's length).
    pub(super) fn apply_options(&mut self) {
        let until = self.session.as_ref().map_or(0, |s| s.until_ms());
        if self.options.range.is_some_and(|(from, _)| from >= until) {
            self.options.range = None;
            self.notify(format!(
                "from= is past the run's end ({}): the whole run is shown.",
                crate::describe::clock(until as f64)
            ));
        }
        let Some(session) = &mut self.session else { return };
        if let Some(speed) = self.options.speed {
            session.set_speed(speed);
        }
        if let Some(play) = self.options.autoplay {
            // Reduced motion wins: nothing plays on its own.
            session.set_playing(play && !self.reduced_motion);
        }
        self.hold_range(false);
    }

    /// The range the query locks the view to, within the run: `[from, to]` in ms.
    pub(super) fn range(&self) -> Option<(Time, Time)> {
        let until = self.session.as_ref()?.until_ms();
        self.options.range.map(|(from, to)| (from, to.min(until)))
    }

    /// Keeps the view inside the range, and starts it again at its end when looping.
    /// `played`: playback moved the view (a frame while playing), as opposed to a seek.
    pub(super) fn hold_range(&mut self, played: bool) {
        let range = self.range();
        let (looped, Some(session)) = (self.options.looped, &mut self.session) else { return };
        let (from, to) = range.unwrap_or((0, session.until_ms()));
        let t = session.view_time();
        if played && looped && t >= to as f64 {
            session.go_to_time(from as f64);
            session.set_playing(true);
        } else if range.is_some() && t > to as f64 {
            session.go_to_time(to as f64);
            session.set_playing(false);
        } else if range.is_some() && t < from as f64 {
            session.go_to_time(from as f64);
        }
    }

    /// Does what the host page asked.
    pub(super) fn host_command(&mut self, command: Command) {
        let Some(session) = &mut self.session else { return };
        match command {
            Command::Play => session.set_playing(true),
            Command::Pause => session.set_playing(false),
            Command::Step { back } => self.handle_run(if back { Msg::StepBack } else { Msg::Step }),
            Command::Seek(ms) => session.seek_time(ms),
            Command::State => {
                if let Some(host) = &mut self.host {
                    host.told.asked = true;
                }
            }
            Command::Load(load) => {
                if let Err(why) = self.load_for_host(load) {
                    if let Some(host) = &self.host {
                        host.post("error", vec![("message", why.into())]);
                    }
                }
            }
        }
    }

    /// Opens a run the host sent, as a link would open it (the frame's address follows, so
    /// "Open in Quorum" opens it too).
    fn load_for_host(&mut self, load: Load) -> Result<(), String> {
        let fragment = match load {
            Load::Link(link) => {
                link.find('#').map(|at| link[at..].to_string()).ok_or("load: a link has its run after #")?
            }
            Load::Scenario(json) => {
                let scenario =
                    quorum_protocols::sim::scenario::Scenario::from_json(&json).map_err(|e| e.to_string())?;
                share::fragment(&SharedRun { scenario, moment: None, speed: None, selected: None, preset: None })?
            }
        };
        match share::requested(&fragment) {
            Requested::Default => return Err("load: that is not a link to a run or a lesson".into()),
            Requested::Broken(why) => return Err(why.into()),
            Requested::Lesson(id) if !lessons().iter().any(|l| l.id == id) => {
                return Err(share::NO_SUCH_LESSON_SENTENCE.into());
            }
            _ => {}
        }
        share::replace_hash(&fragment);
        self.hash = fragment.clone();
        self.open_link(&fragment);
        // A link the lab refuses takes its address away, and says why in a notice.
        if self.hash.is_empty() {
            return Err(self.notices.last().map_or_else(|| share::CANNOT_RUN_SENTENCE.into(), |n| n.text.clone()));
        }
        self.apply_options();
        Ok(())
    }

    /// Tells the host what changed: ready once, each new violation, each lesson step
    /// reached, and the state when playback starts or stops, the view moves while paused,
    /// or (while playing) every [`STATE_EVERY_MS`].
    pub(super) fn report_to_host(&mut self) {
        let (Some(host), Some(session)) = (&mut self.host, &self.session) else { return };
        if host.target.borrow().is_none() {
            return;
        }
        let sim = session.sim();
        let (playing, step, time) = (session.playing(), sim.step_index(), session.view_time());
        let state = vec![
            ("playing", Json::Bool(playing)),
            ("time_ms", time.into()),
            ("step", step.into()),
            ("until_ms", session.until_ms().into()),
        ];
        let mut events = Vec::new();
        let now = js_sys::Date::now();
        let told = &mut host.told;
        if !told.ready {
            events.push(("ready", [vec![("version", Json::from(1u64))], state.clone()].concat()));
            *told = Told { ready: true, playing, step, state_at: now, ..Told::default() };
        }
        let violations = sim.violations();
        events.extend(violations.iter().skip(told.violations).map(|v| {
            let fields = vec![
                ("invariant", v.invariant.into()),
                ("time_ms", v.time_ms.into()),
                ("step", v.step.into()),
                ("detail", v.detail.as_str().into()),
                ("known_limit", v.known_limit.into()),
            ];
            ("violation", fields)
        }));
        // Fewer after a step back: those are told again when they come again.
        told.violations = violations.len();
        let lesson = self.lesson.as_ref().filter(|l| !l.away).map(|l| (l.lesson, l.step));
        if lesson != told.lesson
            && let Some((i, at)) = lesson
        {
            let l = &lessons()[i];
            let fields = vec![
                ("lesson", l.id.into()),
                ("step", (at + 1).into()),
                ("of", l.story.len().into()),
                ("time_ms", time.into()),
            ];
            events.push(("step", fields));
        }
        told.lesson = lesson;
        let moved = playing != told.playing || (!playing && step != told.step);
        if told.asked || moved || (playing && now - told.state_at >= STATE_EVERY_MS) {
            (told.playing, told.step, told.state_at, told.asked) = (playing, step, now, false);
            events.push(("state", state));
        }
        for (kind, fields) in events {
            host.post(kind, fields);
        }
    }

    /// Enters or leaves presentation mode; entering asks for full screen (from a click or
    /// a key: browsers allow it only then, and in a frame only with `allow="fullscreen"`).
    pub(super) fn toggle_present(&mut self) {
        self.present.set(!self.present.get());
        let document = gloo::utils::document();
        if self.present.get() && document.fullscreen_enabled() {
            if let Some(root) = document.document_element() {
                let asked = root.unchecked_ref::<Fullscreenable>().request_fullscreen();
                // Refused (no user gesture): the lab presents in its window.
                wasm_bindgen_futures::spawn_local(async move {
                    wasm_bindgen_futures::JsFuture::from(asked).await.ok();
                });
            }
        } else if !self.present.get() && document.fullscreen_element().is_some() {
            document.exit_fullscreen();
        }
    }

    /// Leaves presentation mode; true if it was on.
    pub(super) fn leave_present(&mut self) -> bool {
        let was = self.present.get();
        if was {
            self.toggle_present();
        }
        was
    }

    /// Full screen ended (Esc in the browser, or its own controls): presentation mode ends with it.
    pub(super) fn fullscreen_changed(&mut self) -> bool {
        let left = self.present.get() && gloo::utils::document().fullscreen_element().is_none();
        if left {
            self.present.set(false);
        }
        left
    }

    /// The Embed dialog's form was read again.
    pub(super) fn embed_asked(&mut self, asked: Option<Asked>) -> bool {
        let (Some(dialog), Some(asked)) = (&mut self.embed_dialog, asked) else { return false };
        dialog.asked = asked;
        dialog.copied = None;
        true
    }

    pub(super) fn embed_copied(&mut self, result: Result<(), String>) -> bool {
        let Some(dialog) = &mut self.embed_dialog else { return false };
        dialog.copied = Some(match result {
            Ok(()) => "Copied.".into(),
            Err(reason) => format!("Copy it by hand ({reason})."),
        });
        true
    }

    /// A clicker's key: the story's next or previous step when a lesson is told, else
    /// one event of the run; its "blank screen" key plays or pauses.
    pub(super) fn clicker(&mut self, key: Clicker) {
        let forward = match key {
            Clicker::PlayPause => return self.handle_run(Msg::TogglePlay),
            Clicker::Forward => true,
            Clicker::Back => false,
        };
        match self.lesson.as_ref().filter(|l| !l.away).map(|l| l.step) {
            // Next waits for a challenge, as its button does.
            Some(_) if forward && matches!(self.challenge(), Some(Challenge::Waiting(_))) => {}
            Some(step) if forward => self.go_to_step(step + 1),
            Some(step) => self.go_to_step(step.saturating_sub(1)),
            None => self.handle_run(if forward { Msg::Step } else { Msg::StepBack }),
        }
    }
}
