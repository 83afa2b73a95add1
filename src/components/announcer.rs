//! Words for screen readers, in two live regions nobody sees: each new
//! violation as it happens (an alert), and, when the user asks for it (A),
//! each event as they step through the run.

use std::cell::RefCell;
use std::rc::Rc;

use quorum_protocols::sim::any::{PropertyInfo, TraceRow, Violation};
use yew::prelude::*;

use super::invariants::rule_of;
use super::trace::kind_word;
use crate::describe;

/// The violation the alert says: the newest, from when the run reaches it.
/// Neither a redraw nor a step back says it again (from the start, the run
/// says it anew): what was said is kept here.
#[derive(Default)]
pub struct Alert(RefCell<(usize, Option<Rc<str>>)>);

impl Alert {
    /// What to say now that the run has shown `count` violations, the newest in words.
    pub fn said(&self, count: usize, newest: impl FnOnce() -> Option<Rc<str>>) -> Option<Rc<str>> {
        let mut heard = self.0.borrow_mut();
        if count > heard.0 {
            heard.1 = newest();
        } else if count == 0 {
            heard.1 = None;
        }
        heard.0 = count;
        heard.1.clone()
    }
}

/// The two regions: the alert, and the event just stepped to while events are read.
pub fn announcer(alert: Option<Rc<str>>, event: Option<Rc<str>>) -> Html {
    html! {
        <div class="visually-hidden">
            <div role="alert" data-testid="announce-violation">{ alert.as_deref().unwrap_or_default() }</div>
            <div role="status" aria-live="polite" data-testid="announce-event">{ event.as_deref().unwrap_or_default() }</div>
        </div>
    }
}

/// A violation as the alert says it: when, which rule, and what went wrong.
pub fn violation_words(properties: &[&PropertyInfo], v: &Violation) -> Rc<str> {
    let what = if v.known_limit { "Known limit reached" } else { "Rule broken" };
    format!("{what} at {}: {}. {}", describe::time_ms(v.time_ms), rule_of(properties, v.invariant), v.detail).into()
}

/// One event's trace lines (those of `step` among `rows`) as one sentence
/// each: when, what kind of line, where, and its text.
pub fn event_words(rows: &[TraceRow], step: u64, names: &[String]) -> Option<Rc<str>> {
    let lines: Vec<String> = rows
        .iter()
        .filter(|r| r.step == step)
        .map(|r| {
            let at = r.node.and_then(|n| names.get(n)).map(|name| format!(" at {name}")).unwrap_or_default();
            format!("{}, {}{at}: {}.", describe::time_ms(r.time_ms), kind_word(r.kind), r.text)
        })
        .collect();
    (!lines.is_empty()).then(|| lines.join(" ").into())
}

#[cfg(test)]
mod tests {
    use quorum_protocols::sim::any::TraceKind;

    use super::*;

    fn row(step: u64, node: Option<usize>, kind: TraceKind, text: &str) -> TraceRow {
        TraceRow { step, time_ms: 1_250, node, kind, text: text.into() }
    }

    #[test]
    fn an_event_is_said_line_by_line_and_only_its_own_lines() {
        let names = ["A".to_string(), "B".to_string()];
        let rows = [
            row(6, Some(0), TraceKind::Send, "A → B: Record #3"),
            row(7, Some(1), TraceKind::Deliver, "B ← A: Record #3"),
            row(7, None, TraceKind::Fault, "the network splits"),
        ];
        assert_eq!(
            event_words(&rows, 7, &names).as_deref(),
            Some("1.25 s, deliver at B: B ← A: Record #3. 1.25 s, fault: the network splits.")
        );
        assert_eq!(event_words(&rows, 8, &names), None, "an event without lines in view says nothing");
    }
}
