//! The trace: every send, delivery, drop, timer, fault and log line. Only
//! the rows in view are built, so a run of millions of events scrolls as
//! lightly as a short one. Clicking a row shows the world after its event.

use std::rc::Rc;

use quorum_protocols::sim::any::{TraceKind, TraceRow};
use web_sys::HtmlElement;
use yew::prelude::*;

use crate::app::Msg;
use crate::describe;

/// Rows visible at once; the list's height is this many rows.
pub const TRACE_ROWS_SHOWN: usize = 14;
/// Height of one row in CSS pixels (kept equal to `.trace-row` in the CSS).
const ROW_HEIGHT: f64 = 24.0;

#[derive(Properties, PartialEq)]
pub struct TraceProps {
    /// The rows in view, starting at line `first`.
    pub rows: Rc<Vec<TraceRow>>,
    pub first: usize,
    pub len: usize,
    /// Stick to the newest row as rows arrive.
    pub follow: bool,
    pub current_step: u64,
    pub names: Rc<Vec<String>>,
    pub on: Callback<Msg>,
}

pub struct TracePanel {
    list: NodeRef,
}

fn kind_word(kind: TraceKind) -> &'static str {
    match kind {
        TraceKind::Send => "send",
        TraceKind::Deliver => "deliver",
        TraceKind::Drop => "drop",
        TraceKind::Timer => "timer",
        TraceKind::Fault => "fault",
        TraceKind::Client => "client",
        TraceKind::Note => "note",
    }
}

/// The first line in view and whether the list sits at its bottom, from
/// its scroll position.
pub fn scrolled(scroll_top: f64, len: usize) -> (usize, bool) {
    let last_first = len.saturating_sub(TRACE_ROWS_SHOWN);
    let first = if scroll_top.is_finite() { (scroll_top.max(0.0) / ROW_HEIGHT).floor() as usize } else { 0 };
    (first.min(last_first), first + 1 >= last_first)
}

impl Component for TracePanel {
    type Message = ();
    type Properties = TraceProps;

    fn create(_ctx: &Context<Self>) -> Self {
        TracePanel { list: NodeRef::default() }
    }

    fn view(&self, ctx: &Context<Self>) -> Html {
        let props = ctx.props();
        let list = self.list.clone();
        let len = props.len;
        let onscroll = props.on.reform(move |_: Event| {
            let top = list.cast::<HtmlElement>().map_or(0.0, |l| f64::from(l.scroll_top()));
            let (first, follow) = scrolled(top, len);
            Msg::TraceScrolled { first, follow }
        });
        let height = format!("height: {}px", props.len as f64 * ROW_HEIGHT);
        html! {
            <section class="panel trace-panel" aria-labelledby="trace-heading">
                <h2 id="trace-heading">{"Trace"}<span class="count">{ describe::count(props.len, "line") }</span></h2>
                <div class="trace" ref={self.list.clone()} {onscroll} data-testid="trace"
                    style={format!("height: {}px", TRACE_ROWS_SHOWN as f64 * ROW_HEIGHT)}>
                    if props.len == 0 {
                        <p class="hint empty">{"Nothing has happened yet. Press play, or step (→)."}</p>
                    }
                    <ol class="trace-body" style={height} start={(props.first + 1).to_string()}>
                        { for props.rows.iter().enumerate().map(|(i, row)| self.row(props, props.first + i, row)) }
                    </ol>
                </div>
            </section>
        }
    }

    fn rendered(&mut self, ctx: &Context<Self>, _first_render: bool) {
        let props = ctx.props();
        if props.follow
            && let Some(list) = self.list.cast::<HtmlElement>()
        {
            list.set_scroll_top(list.scroll_height());
        }
    }
}

impl TracePanel {
    fn row(&self, props: &TraceProps, line: usize, row: &TraceRow) -> Html {
        let step = row.step;
        let kind = kind_word(row.kind);
        let node = row.node.and_then(|n| props.names.get(n)).cloned().unwrap_or_default();
        let class =
            classes!("trace-row", format!("trace-row--{kind}"), (step == props.current_step).then_some("is-current"));
        html! {
            <li key={line} class={class} style={format!("top: {}px", line as f64 * ROW_HEIGHT)}>
                <button onclick={props.on.reform(move |_| Msg::SeekStep(step))}
                    title={format!("Show the world after event {step}")}>
                    <span class="t">{ describe::time_ms(row.time_ms) }</span>
                    <span class="kind">{ kind }</span>
                    <span class="node">{ node }</span>
                    <span class="text">{ &row.text }</span>
                </button>
            </li>
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scrolling_finds_the_first_row_and_the_bottom() {
        assert_eq!(scrolled(0.0, 5), (0, true), "a short trace is always at its bottom");
        assert_eq!(scrolled(0.0, 100), (0, false));
        assert_eq!(scrolled(ROW_HEIGHT * 10.5, 100), (10, false));
        let bottom = (100 - TRACE_ROWS_SHOWN) as f64 * ROW_HEIGHT;
        assert_eq!(scrolled(bottom, 100), (100 - TRACE_ROWS_SHOWN, true));
        assert_eq!(scrolled(1e12, 100), (100 - TRACE_ROWS_SHOWN, true));
        assert_eq!(scrolled(f64::NAN, 100), (0, false));
    }
}
