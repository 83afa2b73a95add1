//! Embedding the lab in other pages: the options an embed reads from its query
//! (`?embed&autoplay=0&loop&speed=2&from=2000&to=8000&panels=canvas,diagram&theme=dark`),
//! the iframe snippet the Embed dialog writes from them, and the commands a host page may
//! post to an embed and the events it gets back. See `docs/embed.md`.
//!
//! All of it is pure and tested natively: the query and the messages are untrusted (any
//! page can frame the lab with any query, and post it anything), so every value is
//! checked, and one that cannot be used is a sentence saying what is used instead, never a
//! panic. The browser side (the listener, posting events, the theme) is in `app::hosted`.

use quorum_protocols::sim::decimal::Shortest;
use quorum_protocols::sim::json::{self, Fields, Json, Shape};
use quorum_protocols::sim::share::MAX_JSON;
use quorum_protocols::sim::time::Time;

use crate::session::{MAX_SPEED, MIN_SPEED};

/// The largest message a host may post: a scenario as large as a link may hold, and its command.
pub const MAX_MESSAGE: usize = MAX_JSON + 1024;
/// How much of a refused value a message quotes.
const QUOTED: usize = 40;

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Theme {
    /// As the reader's system says (`prefers-color-scheme`).
    #[default]
    Auto,
    Light,
    Dark,
}

impl Theme {
    pub const ALL: [(Theme, &'static str); 3] = [(Theme::Auto, "auto"), (Theme::Light, "light"), (Theme::Dark, "dark")];

    pub fn name(self) -> &'static str {
        Theme::ALL.iter().find(|(t, _)| *t == self).map_or("auto", |(_, name)| name)
    }
}

/// Which panels an embed shows (the full lab shows them all).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Panels {
    pub canvas: bool,
    pub diagram: bool,
    pub charts: bool,
}

impl Default for Panels {
    /// The network alone: what fits a small frame.
    fn default() -> Panels {
        Panels { canvas: true, diagram: false, charts: false }
    }
}

impl Panels {
    const NAMES: [&'static str; 3] = ["canvas", "diagram", "charts"];

    fn flags(self) -> [bool; 3] {
        [self.canvas, self.diagram, self.charts]
    }

    fn slot(&mut self, name: &str) -> Option<&mut bool> {
        match name {
            "canvas" => Some(&mut self.canvas),
            "diagram" => Some(&mut self.diagram),
            "charts" => Some(&mut self.charts),
            _ => None,
        }
    }
}

/// What the query asks of the lab. Everything is optional: a lab opened without a query
/// behaves as it always did.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Options {
    /// `Some`: play (or not) once open, whatever the link's moment says.
    pub autoplay: Option<bool>,
    /// At the end of the range (or the run), start it again.
    pub looped: bool,
    pub speed: Option<f64>,
    /// `[from, to]` in ms: the scrubber and playback stay inside.
    pub range: Option<(Time, Time)>,
    pub panels: Panels,
    pub theme: Theme,
    /// Origins allowed to drive an embed by `postMessage`, as `scheme://host[:port]`.
    pub origins: Vec<String>,
}

/// Reads the options in a page's query (`location.search`, with or without its `?`).
/// Keys it does not know are left alone (a host may add its own); each value it cannot
/// use gives a sentence, and the default stands.
pub fn options(query: &str) -> (Options, Vec<String>) {
    let mut o = Options::default();
    let mut problems = Vec::new();
    let (mut from, mut to) = (None, None);
    for part in query.trim_start_matches('?').split('&').filter(|p| !p.is_empty()) {
        let (key, raw) = part.split_once('=').unwrap_or((part, ""));
        let value = decode(raw);
        let mut refuse = |what: &str| problems.push(format!("{key}={}: {what}.", quote(&value)));
        match key {
            "autoplay" => match flag(&value) {
                Some(on) => o.autoplay = Some(on),
                None => refuse("say 1 or 0 (the link decides whether it plays)"),
            },
            "loop" => match flag(&value) {
                Some(on) => o.looped = on,
                None => refuse("say 1 or 0 (it does not loop)"),
            },
            "speed" => match value.parse::<f64>().ok().filter(|s| (MIN_SPEED..=MAX_SPEED).contains(s)) {
                Some(speed) => o.speed = Some(speed),
                None => refuse("the speed is a number from 0.05 to 4 (the link's speed is used)"),
            },
            "from" | "to" => match value.parse::<Time>() {
                Ok(ms) if key == "from" => from = Some(ms),
                Ok(ms) => to = Some(ms),
                Err(_) => refuse("a time is a whole number of ms (the whole run is shown)"),
            },
            "panels" => match panels(&value) {
                Some(panels) => o.panels = panels,
                None => refuse("list some of canvas, diagram, charts (the canvas alone is shown)"),
            },
            // Shorthands from before `panels=`: each adds its panel.
            "diagram" => o.panels.diagram = true,
            "charts" => o.panels.charts = true,
            "theme" => match Theme::ALL.iter().find(|(_, name)| *name == value) {
                Some((theme, _)) => o.theme = *theme,
                None => refuse("the theme is auto, light or dark (the reader's own is used)"),
            },
            "origin" => {
                for one in value.split(',') {
                    match origin(one) {
                        Some(origin) => o.origins.push(origin),
                        None => problems.push(format!(
                            "origin={}: name a page's origin as https://example.org (it cannot drive this embed).",
                            quote(one)
                        )),
                    }
                }
            }
            _ => {}
        }
    }
    match (from, to) {
        (None, None) => {}
        (from, to) if from.unwrap_or(0) < to.unwrap_or(Time::MAX) => {
            o.range = Some((from.unwrap_or(0), to.unwrap_or(Time::MAX)));
        }
        _ => problems.push("from= must come before to= (the whole run is shown).".into()),
    }
    (o, problems)
}

/// `1`, `true`, or the key alone, is yes; `0` or `false` is no.
fn flag(value: &str) -> Option<bool> {
    match value {
        "" | "1" | "true" | "yes" | "on" => Some(true),
        "0" | "false" | "no" | "off" => Some(false),
        _ => None,
    }
}

/// `canvas,diagram`: those panels and no others; at least one.
fn panels(value: &str) -> Option<Panels> {
    let mut panels = Panels { canvas: false, diagram: false, charts: false };
    for name in value.split(',') {
        *panels.slot(name)? = true;
    }
    panels.flags().contains(&true).then_some(panels)
}

/// `https://example.org[:port]`, as a browser names the origin of a page (lowercase, no
/// path): the only form a message's origin can be compared with. `*` and `null` are not
/// origins: allowing them would let any page drive the embed.
pub fn origin(text: &str) -> Option<String> {
    let text = text.trim_end_matches('/').to_ascii_lowercase();
    let (scheme, rest) = text.split_once("://")?;
    let (host, port) =
        rest.rsplit_once(':').filter(|(h, _)| !h.ends_with(']') || h.starts_with('[')).unwrap_or((rest, ""));
    let host_ok =
        !host.is_empty() && host.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '[' | ']' | ':'));
    let port_ok = port.is_empty() || port.parse::<u16>().is_ok();
    (matches!(scheme, "http" | "https") && host_ok && port_ok).then_some(text)
}

/// The origin of a full address (`document.referrer`), if it has one we accept.
pub fn origin_of(url: &str) -> Option<String> {
    let (scheme, rest) = url.split_once("://")?;
    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    origin(&format!("{scheme}://{}", &rest[..end]))
}

/// Undoes `%xx` escapes (and `+` for a space, as forms write them); a broken escape stays as it is.
fn decode(raw: &str) -> String {
    let bytes = raw.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = raw.get(i + 1..i + 3).and_then(|h| u8::from_str_radix(h, 16).ok());
        match (bytes[i], hex) {
            (b'%', Some(byte)) => {
                out.push(byte);
                i += 3;
                continue;
            }
            (b'+', _) => out.push(b' '),
            (byte, _) => out.push(byte),
        }
        i += 1;
    }
    String::from_utf8(out).unwrap_or_else(|_| raw.to_string())
}

/// A refused value, short enough to read in a message.
fn quote(value: &str) -> String {
    match value.char_indices().nth(QUOTED) {
        Some((end, _)) => format!("\"{}…\"", &value[..end]),
        None => format!("\"{value}\""),
    }
}

/// The query that asks for `o` (without its `?`), starting with `embed`: what
/// [`options`] reads back as `o`. Only what differs from the defaults is written.
pub fn query(o: &Options) -> String {
    let mut q = String::from("embed");
    if let Some(on) = o.autoplay {
        q += if on { "&autoplay=1" } else { "&autoplay=0" };
    }
    if o.looped {
        q += "&loop=1";
    }
    if let Some(speed) = o.speed {
        q += &format!("&speed={}", Shortest(speed));
    }
    if let Some((from, to)) = o.range {
        if from > 0 {
            q += &format!("&from={from}");
        }
        if to < Time::MAX {
            q += &format!("&to={to}");
        }
    }
    if o.panels != Panels::default() {
        let names: Vec<&str> =
            Panels::NAMES.iter().zip(o.panels.flags()).filter(|(_, on)| *on).map(|(n, _)| *n).collect();
        q += &format!("&panels={}", names.join(","));
    }
    if o.theme != Theme::Auto {
        q += &format!("&theme={}", o.theme.name());
    }
    if !o.origins.is_empty() {
        q += &format!("&origin={}", o.origins.join(","));
    }
    q
}

/// How large the iframe is: fixed pixels, or the host's full width at 16:9.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Size {
    Fixed(u32, u32),
    Responsive,
}

/// The sizes the Embed dialog offers, smallest first (480×270 is the smallest an embed
/// fits), as its size menu lists them.
pub const SIZES: [Size; 5] =
    [Size::Fixed(480, 270), Size::Fixed(640, 360), Size::Fixed(800, 450), Size::Fixed(1280, 720), Size::Responsive];

/// The iframe's address: the page (`origin + path`), the query for `o`, and the run's `#fragment`.
pub fn src(page: &str, o: &Options, fragment: &str) -> String {
    format!("{page}?{}{fragment}", query(o))
}

/// The iframe to paste into a page. `allow="fullscreen"` lets the reader take it full screen.
pub fn snippet(src: &str, size: Size, title: &str) -> String {
    let title = title.replace(['"', '<', '>', '&'], "");
    let (width, height, style) = match size {
        Size::Fixed(w, h) => (w.to_string(), h.to_string(), "border:0"),
        Size::Responsive => ("100%".into(), "450".into(), "border:0;width:100%;height:auto;aspect-ratio:16/9"),
    };
    let src = src.replace('"', "%22");
    format!(
        r#"<iframe src="{src}" width="{width}" height="{height}" title="Quorum: {title}" style="{style}" allow="fullscreen"></iframe>"#
    )
}

/// What a host page asks of an embed.
#[derive(Clone, Debug, PartialEq)]
pub enum Command {
    Play,
    Pause,
    /// One event forward, or back.
    Step {
        back: bool,
    },
    /// To this virtual time, in ms.
    Seek(f64),
    /// Opens this link fragment (`#s=…` or `#lesson=…`); a scenario sent as JSON comes as its link.
    Load(Load),
    /// Asks for a `state` event now.
    State,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Load {
    /// A link or its fragment, as given (the lab reads and checks it as any link).
    Link(String),
    /// A scenario's JSON text, as given.
    Scenario(String),
}

/// The commands, for messages that name none or another.
const COMMANDS: &str = "play, pause, step, seek, load or state";

/// Reads a host's message, as JSON text (a posted object is turned into JSON first).
/// `Err` is the sentence the `error` event carries back.
pub fn command(text: &str) -> Result<Command, String> {
    if text.len() > MAX_MESSAGE {
        return Err(format!("the message is too large: {} bytes, at most {MAX_MESSAGE}", text.len()));
    }
    let mut map = json::parse(text, Shape::Free)
        .and_then(json::object)
        .map_err(|e| format!("a command is an object such as {{\"type\": \"play\"}}: {e}"))?;
    let kind = match map.remove("type") {
        Some(Json::String(kind)) => kind,
        _ => return Err(format!("a command has a \"type\": {COMMANDS}")),
    };
    let known: &[&str] = match kind.as_str() {
        "play" | "pause" | "state" => &[],
        "step" => &["direction"],
        "seek" => &["ms"],
        "load" => &["link", "scenario"],
        _ => return Err(format!("unknown command {}: the commands are {COMMANDS}", quote(&kind))),
    };
    let mut fields = Fields::of(map, known).map_err(|e| format!("{kind}: {e}"))?;
    let within = |e: json::JsonError| format!("{kind}: {e}");
    Ok(match kind.as_str() {
        "play" => Command::Play,
        "pause" => Command::Pause,
        "state" => Command::State,
        "step" => match fields.get("direction", json::string).map_err(within)?.as_deref() {
            None | Some("forward") => Command::Step { back: false },
            Some("back") => Command::Step { back: true },
            Some(other) => return Err(format!("step: the direction is forward or back, not {}", quote(other))),
        },
        "seek" => {
            let ms = fields.req("ms", json::number).map_err(within)?;
            if ms < 0.0 {
                return Err("seek: ms is a time in the run, 0 or more".into());
            }
            Command::Seek(ms)
        }
        _ => match (fields.get("link", json::string).map_err(within)?, fields.get("scenario", Ok).map_err(within)?) {
            (Some(link), None) => Command::Load(Load::Link(link)),
            (None, Some(scenario)) => Command::Load(Load::Scenario(scenario.write(false))),
            _ => return Err("load: give either a link or a scenario".into()),
        },
    })
}

/// An event for the host, as JSON: `{"type": kind, …fields}`.
pub fn event(kind: &str, fields: Vec<(&str, Json)>) -> Json {
    let mut all = vec![("type", Json::String(kind.into()))];
    all.extend(fields);
    Json::object(all)
}

// Presentation mode's keys: in presentation mode the lab reads them before its own
// shortcuts (`app::listeners`), and `App::clicker` steps the story or the run.

/// What a clicker's button asks for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Clicker {
    Forward,
    Back,
    /// The "blank screen" button (`.` or `b`): on a live run, play or pause is what a
    /// speaker wants from the one spare button; a blank screen would hide the demo.
    PlayPause,
}

/// The clicker meaning of `key`: clickers send Page Down / Page Up (most), the arrows
/// (some), Space for next, and `.` or `b` for "blank".
pub fn clicker(key: &str) -> Option<Clicker> {
    Some(match key {
        "PageDown" | "ArrowRight" | "ArrowDown" | " " => Clicker::Forward,
        "PageUp" | "ArrowLeft" | "ArrowUp" => Clicker::Back,
        "." | "b" | "B" => Clicker::PlayPause,
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clicker_keys_step_and_blank_plays() {
        assert_eq!(clicker("PageDown"), Some(Clicker::Forward));
        assert_eq!(clicker(" "), Some(Clicker::Forward));
        assert_eq!(clicker("ArrowLeft"), Some(Clicker::Back));
        assert_eq!(clicker("PageUp"), Some(Clicker::Back));
        assert_eq!(clicker("."), Some(Clicker::PlayPause));
        assert_eq!(clicker("k"), None, "the lab's own keys stay the lab's");
        assert_eq!(clicker("Escape"), None);
    }

    fn read(query: &str) -> Options {
        let (o, problems) = options(query);
        assert_eq!(problems, Vec::<String>::new(), "{query}");
        o
    }

    #[test]
    fn no_query_asks_for_nothing() {
        assert_eq!(read(""), Options::default());
        assert_eq!(read("?embed"), Options::default());
        assert_eq!(read("?embed&utm_source=blog&lang=en"), Options::default(), "keys of others are left alone");
    }

    #[test]
    fn every_option_reads() {
        let o = read(
            "?embed&autoplay=0&loop&speed=2&from=2000&to=8000&panels=diagram,charts&theme=dark&origin=https://Blog.example.org/,http://127.0.0.1:8081",
        );
        assert_eq!(o.autoplay, Some(false));
        assert!(o.looped);
        assert_eq!(o.speed, Some(2.0));
        assert_eq!(o.range, Some((2_000, 8_000)));
        assert_eq!(o.panels, Panels { canvas: false, diagram: true, charts: true });
        assert_eq!(o.theme, Theme::Dark);
        assert_eq!(o.origins, ["https://blog.example.org", "http://127.0.0.1:8081"]);
        assert_eq!(read("from=500").range, Some((500, Time::MAX)), "from alone: to the end");
        assert_eq!(read("to=500").range, Some((0, 500)));
        assert_eq!(read("embed&diagram&charts").panels, Panels { canvas: true, diagram: true, charts: true });
        assert_eq!(read("origin=https%3A%2F%2Fexample.org").origins, ["https://example.org"], "escaped");
    }

    #[test]
    fn bad_values_are_refused_with_a_sentence_and_the_default_stands() {
        for (query, says) in [
            ("autoplay=maybe", "autoplay=\"maybe\": say 1 or 0"),
            ("loop=2", "loop=\"2\": say 1 or 0"),
            ("speed=fast", "speed=\"fast\": the speed is a number from 0.05 to 4"),
            ("speed=NaN", "the speed is a number"),
            ("speed=1000", "the speed is a number"),
            ("from=-5", "from=\"-5\": a time is a whole number of ms"),
            ("to=1e3", "a time is a whole number"),
            ("from=8000&to=2000", "from= must come before to="),
            ("from=10&to=10", "from= must come before to="),
            ("panels=canvas,map", "list some of canvas, diagram, charts"),
            ("panels=", "list some of canvas, diagram, charts"),
            ("theme=neon", "the theme is auto, light or dark"),
            ("origin=*", "origin=\"*\": name a page's origin"),
            ("origin=null", "name a page's origin"),
            ("origin=javascript://x", "name a page's origin"),
            ("origin=https://a.org/path", "name a page's origin"),
            ("origin=https://a.org:99999", "name a page's origin"),
        ] {
            let (o, problems) = options(query);
            assert_eq!(o, Options::default(), "{query}: the default stands");
            assert_eq!(problems.len(), 1, "{query}: {problems:?}");
            assert!(problems[0].contains(says), "{query}: {}", problems[0]);
        }
        let (_, problems) = options(&format!("theme={}", "x".repeat(5_000)));
        assert!(problems[0].len() < 120, "a long value is quoted short: {}", problems[0]);
        let (_, problems) = options("theme=%FF%fe%");
        assert!(problems[0].contains("the theme is"), "broken escapes do not panic");
    }

    #[test]
    fn the_query_written_reads_back() {
        let mut o = Options {
            autoplay: Some(true),
            looped: true,
            speed: Some(0.5),
            range: Some((1_500, 9_000)),
            panels: Panels { canvas: true, diagram: true, charts: false },
            theme: Theme::Light,
            origins: vec!["https://blog.example.org".into()],
        };
        let q = query(&o);
        assert_eq!(
            q,
            "embed&autoplay=1&loop=1&speed=0.5&from=1500&to=9000&panels=canvas,diagram&theme=light&origin=https://blog.example.org"
        );
        assert_eq!(read(&q), o);
        o.range = Some((0, 4_000));
        assert_eq!(read(&query(&o)), o);
        assert_eq!(query(&Options::default()), "embed");
    }

    #[test]
    fn the_snippet_is_an_iframe_of_the_run() {
        let src = src("https://example.org/talks/", &read("theme=dark"), "#s=2.abc");
        assert_eq!(src, "https://example.org/talks/?embed&theme=dark#s=2.abc");
        let fixed = snippet(&src, Size::Fixed(800, 450), "Split \"brain\"");
        assert_eq!(
            fixed,
            r#"<iframe src="https://example.org/talks/?embed&theme=dark#s=2.abc" width="800" height="450" title="Quorum: Split brain" style="border:0" allow="fullscreen"></iframe>"#
        );
        assert!(snippet(&src, Size::Responsive, "x").contains(r#"width="100%""#));
    }

    #[test]
    fn origins_are_compared_as_browsers_write_them() {
        assert_eq!(origin_of("http://127.0.0.1:8081/blog/post.html?x#y").as_deref(), Some("http://127.0.0.1:8081"));
        assert_eq!(origin_of("https://example.org").as_deref(), Some("https://example.org"));
        assert_eq!(origin_of("https://[::1]:8080/").as_deref(), Some("https://[::1]:8080"));
        assert_eq!(origin_of(""), None, "no referrer");
        assert_eq!(origin_of("file:///home/me/slides.html"), None);
    }

    #[test]
    fn commands_read() {
        assert_eq!(command(r#"{"type":"play"}"#), Ok(Command::Play));
        assert_eq!(command(r#"{"type":"pause"}"#), Ok(Command::Pause));
        assert_eq!(command(r#"{"type":"state"}"#), Ok(Command::State));
        assert_eq!(command(r#"{"type":"step"}"#), Ok(Command::Step { back: false }));
        assert_eq!(command(r#"{"type":"step","direction":"back"}"#), Ok(Command::Step { back: true }));
        assert_eq!(command(r#"{"type":"seek","ms":2500.5}"#), Ok(Command::Seek(2_500.5)));
        assert_eq!(
            command(r##"{"type":"load","link":"#lesson=split-brain"}"##),
            Ok(Command::Load(Load::Link("#lesson=split-brain".into())))
        );
        assert_eq!(
            command(r#"{"type":"load","scenario":{"protocol":"office","nodes":3}}"#),
            Ok(Command::Load(Load::Scenario(r#"{"nodes":3,"protocol":"office"}"#.into())))
        );
    }

    #[test]
    fn bad_commands_are_refused_with_a_sentence() {
        for (text, says) in [
            ("", "a command is an object"),
            ("play", "a command is an object"),
            ("[1]", "a command is an object"),
            ("{}", "a command has a \"type\""),
            (r#"{"type":7}"#, "a command has a \"type\""),
            (r#"{"type":"explode"}"#, "unknown command \"explode\""),
            (r#"{"type":"play","now":true}"#, "play: unknown field `now`"),
            (r#"{"type":"step","direction":"sideways"}"#, "forward or back"),
            (r#"{"type":"seek"}"#, "seek: missing field `ms`"),
            (r#"{"type":"seek","ms":"soon"}"#, "expected a number"),
            (r#"{"type":"seek","ms":-1}"#, "0 or more"),
            (r#"{"type":"load"}"#, "either a link or a scenario"),
            (r##"{"type":"load","link":"#s=1","scenario":{}}"##, "either a link or a scenario"),
            (&"[".repeat(100), "a command is an object"),
        ] {
            let refused = command(text).expect_err(text);
            assert!(refused.contains(says), "{text}: {refused}");
        }
        let huge = format!(r#"{{"type":"load","link":"{}"}}"#, "a".repeat(MAX_MESSAGE));
        assert!(command(&huge).expect_err("too large").contains("too large"));
    }

    #[test]
    fn events_name_their_type_first() {
        let e = event("state", vec![("playing", Json::Bool(true))]);
        assert_eq!(e.write(false), r#"{"type":"state","playing":true}"#);
    }
}
