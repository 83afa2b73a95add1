//! The time scrubber: where the view is in the run, the run's
//! interventions as marks, and the first violation in red.

use std::rc::Rc;

use quorum_protocols::sim::time::Time;
use web_sys::HtmlInputElement;
use yew::prelude::*;

use crate::app::Msg;
use crate::describe;

/// One intervention in the scenario's timeline.
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
    /// When the first violation happened, if one did.
    pub violation: Option<Time>,
    pub lagging: bool,
    pub at_end: bool,
    pub on: Callback<Msg>,
}

/// Position along the track, as a CSS percentage.
fn percent_of(t: f64, span: f64) -> String {
    format!("{:.3}%", if span > 0.0 { (t / span * 100.0).clamp(0.0, 100.0) } else { 0.0 })
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

#[function_component]
pub fn Scrubber(props: &ScrubberProps) -> Html {
    // The track spans the scenario's planned length, or more once the user
    // has played past it; only the part already simulated can be sought.
    let span = props.until.max(props.horizon) as f64;
    let seek =
        props.on.reform(|e: InputEvent| Msg::SeekTime(e.target_unchecked_into::<HtmlInputElement>().value_as_number()));
    let (on, time) = (props.on.clone(), props.time);
    let step_by_key = Callback::from(move |e: KeyboardEvent| {
        if let Some(delta) = key_step(&e.key(), span) {
            e.prevent_default();
            on.emit(Msg::SeekTime(time + delta));
        }
    });
    let track_style =
        format!("--played: {}; --time: {}", percent_of(props.horizon as f64, span), percent_of(props.time, span));
    html! {
        <div class="scrubber">
            <span class="clock" data-testid="clock" aria-live="off">{ describe::time(props.time) }</span>
            <div class="track" style={track_style}>
                <input type="range" min="0" max={span.to_string()} step="1" value={props.time.round().to_string()}
                    aria-label="Virtual time" aria-valuetext={describe::time(props.time)}
                    data-testid="scrubber" oninput={seek} onkeydown={step_by_key} />
                <div class="marks">
                    { for props.marks.iter().map(|m| {
                        let at = m.at_ms as f64;
                        html! {
                            <button class="mark" style={format!("left: {}", percent_of(at, span))}
                                title={format!("{} — {}", describe::time(at), m.label)}
                                aria-label={format!("Go to {}: {}", describe::time(at), m.label)}
                                onclick={props.on.reform(move |_| Msg::SeekTime(at))} />
                        }
                    }) }
                    if let Some(at) = props.violation {
                        <span class="mark mark--violation" style={format!("left: {}", percent_of(at as f64, span))}
                            title={format!("First violation at {}", describe::time_ms(at))} />
                    }
                </div>
            </div>
            <span class="span-info">
                { format!("of {} · event {}", describe::time(span), props.step) }
            </span>
            if props.lagging {
                <span class="badge badge--warn" data-testid="lagging" role="status">
                    {"The simulation can't keep up at this speed"}
                </span>
            }
            if props.at_end {
                <span class="badge" data-testid="at-end" role="status">
                    {"End of the scenario — press play to keep going"}
                </span>
            }
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
