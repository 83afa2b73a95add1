//! The time scrubber: where the view is in the run, the run's
//! interventions as marks, every violation in red, the time under the
//! pointer, and how far a run ahead has got.

use std::rc::Rc;

use quorum_protocols::sim::decimal::{Fixed, Shortest};
use quorum_protocols::sim::time::Time;
use web_sys::{HtmlElement, HtmlInputElement};
use yew::prelude::*;

use crate::app::Msg;
use crate::describe;
use crate::session::Progress;

/// One intervention in the scenario's timeline, or one violation.
#[derive(Clone, Debug, PartialEq)]
pub struct Mark {
    pub at_ms: Time,
    pub label: String,
}

#[derive(Properties, PartialEq)]
pub struct ScrubberProps {
    pub time: f64,
    /// How far the run has been simulated: seeking is possible up to here.
    pub horizon: Time,
    /// The scenario's planned end.
    pub until: Time,
    pub step: u64,
    pub marks: Rc<Vec<Mark>>,
    /// Every violation so far, in order (a click shows violation `i`).
    pub violations: Rc<Vec<Mark>>,
    pub lagging: bool,
    pub at_end: bool,
    /// A run ahead under way.
    pub progress: Option<Progress>,
    /// `[from, to]` in ms: an embed locked to a range shows only it.
    #[prop_or_default]
    pub window: Option<(Time, Time)>,
    pub on: Callback<Msg>,
}

/// Position along the track, as a CSS percentage.
fn percent_of(t: f64, span: f64) -> String {
    format!("{}%", Fixed(if span > 0.0 { (t / span * 100.0).clamp(0.0, 100.0) } else { 0.0 }, 3))
}

/// How far a key moves the scrubber, in ms of a track spanning `span` ms:
/// 1% for an arrow, 10% for Page Up/Down, as media players do (its own
/// 1 ms steps would not move the view at all). Home and End keep their own
/// meaning: the start and the end of the track.
pub fn key_step(key: &str, span: f64) -> Option<f64> {
    let fraction = match key {
        "ArrowRight" | "ArrowUp" => 0.01,
        "ArrowLeft" | "ArrowDown" => -0.01,
        "PageUp" => 0.1,
        "PageDown" => -0.1,
        _ => return None,
    };
    Some(fraction * span)
}

/// What the status corner says: one thing at a time, in a room kept for it
/// so nothing moves when it appears.
fn status(props: &ScrubberProps) -> Html {
    if let Some(p) = props.progress.filter(|p| p.visible) {
        return html! {
            <span class="badge" data-testid="running-ahead">
                <progress max="1" value={Shortest(p.done).to_string()} />
                { format!(" Simulating up to {}", describe::time(p.to)) }
            </span>
        };
    }
    if props.lagging {
        return html! { <span class="badge badge--warn" data-testid="lagging">{"The simulation can't keep up at this speed"}</span> };
    }
    if props.at_end {
        return html! { <span class="badge" data-testid="at-end">{"End of the scenario — press play to keep going"}</span> };
    }
    html! {}
}

#[function_component]
pub fn Scrubber(props: &ScrubberProps) -> Html {
    // The track spans the scenario's planned length, or more once the user
    // has played past it; the simulator runs ahead to any point on it.
    // Locked to a range, it spans the range.
    let (start, end) = props.window.unwrap_or((0, props.until.max(props.horizon)));
    let (start, span) = (start as f64, end.saturating_sub(start) as f64);
    let along = move |t: f64| percent_of(t - start, span);
    let hover = use_state(|| None::<f64>);
    let track = use_node_ref();
    let seek =
        props.on.reform(|e: InputEvent| Msg::SeekTime(e.target_unchecked_into::<HtmlInputElement>().value_as_number()));
    let (on, time) = (props.on.clone(), props.time);
    let step_by_key = Callback::from(move |e: KeyboardEvent| {
        if let Some(delta) = key_step(&e.key(), span) {
            e.prevent_default();
            on.emit(Msg::SeekTime(time + delta));
        }
    });
    let point = {
        let (hover, track) = (hover.clone(), track.clone());
        Callback::from(move |e: MouseEvent| {
            let Some(rect) = track.cast::<HtmlElement>().map(|t| t.get_bounding_client_rect()) else { return };
            let along = (f64::from(e.client_x()) - rect.left()) / rect.width().max(1.0);
            hover.set(Some(start + along.clamp(0.0, 1.0) * span));
        })
    };
    let leave = {
        let hover = hover.clone();
        Callback::from(move |_: MouseEvent| hover.set(None))
    };
    let track_style = format!("--played: {}; --time: {}", along(props.horizon as f64), along(props.time));
    html! {
        <div class="scrubber">
            <span class="clock" data-testid="clock" aria-live="off">{ describe::time(props.time) }</span>
            <div class="track" style={track_style} ref={track} onmousemove={point} onmouseleave={leave}>
                <input type="range" min={Shortest(start).to_string()} max={Shortest(start + span).to_string()} step="1" value={Shortest(props.time.round()).to_string()}
                    aria-label="Virtual time" aria-valuetext={describe::time(props.time)}
                    data-testid="scrubber" oninput={seek} onkeydown={step_by_key} />
                <div class="marks">
                    { for props.marks.iter().filter(|m| (start..=start + span).contains(&(m.at_ms as f64))).map(|m| {
                        let at = m.at_ms as f64;
                        html! {
                            <button class="mark" style={format!("left: {}", along(at))}
                                title={format!("{} — {}", describe::time(at), m.label)}
                                aria-label={format!("Go to {}: {}", describe::time(at), m.label)}
                                onclick={props.on.reform(move |_| Msg::SeekTime(at))} />
                        }
                    }) }
                    { for props.violations.iter().enumerate().map(|(i, v)| {
                        let at = v.at_ms as f64;
                        // Marks close together overlap: the earliest is on top, and takes the click.
                        let style = format!("left: {}; z-index: {}", along(at), props.violations.len() - i);
                        html! {
                            <button class="mark mark--violation" {style}
                                title={format!("{} — {}", describe::time(at), v.label)}
                                aria-label={format!("Show the violation at {}: {}", describe::time(at), v.label)}
                                onclick={props.on.reform(move |_| Msg::ShowViolation(i))} />
                        }
                    }) }
                </div>
                if let Some(at) = *hover {
                    <span class="hover-time" data-testid="hover-time" style={format!("left: {}", along(at))}>
                        { describe::time(at) }
                    </span>
                }
            </div>
            <span class="span-info">
                { format!("of {} · event {}", describe::time(start + span), props.step) }
            </span>
            <span class="status" role="status">{ status(props) }</span>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_stay_on_the_track() {
        assert_eq!(percent_of(50.0, 200.0), "25.000%");
        assert_eq!(percent_of(500.0, 200.0), "100.000%");
        assert_eq!(percent_of(5.0, 0.0), "0.000%");
    }

    #[test]
    fn keys_move_by_a_share_of_the_run() {
        assert_eq!(key_step("ArrowRight", 40_000.0), Some(400.0));
        assert_eq!(key_step("ArrowDown", 40_000.0), Some(-400.0));
        assert_eq!(key_step("PageUp", 40_000.0), Some(4_000.0));
        assert_eq!(key_step("PageDown", 40_000.0), Some(-4_000.0));
        assert_eq!(key_step("Home", 40_000.0), None);
    }
}
