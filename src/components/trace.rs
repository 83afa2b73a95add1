//! The trace: every send, delivery, drop, timer, fault and log line. Only
//! the rows in view are built, so a run of millions of events scrolls as
//! lightly as a short one. Clicking a row shows the world after its event.
//!
//! For the keyboard the list is one Tab stop, a listbox: the arrows, Page
//! Up/Down and Home/End move a highlighted row (the active descendant),
//! Enter or Space shows its event.

use std::rc::Rc;

use quorum_protocols::sim::any::{TraceKind, TraceRow};
use quorum_protocols::sim::decimal::Shortest;
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
    /// The highlighted line: a line of the trace, so it stays on its event as rows arrive.
    active: Option<usize>,
}

pub fn kind_word(kind: TraceKind) -> &'static str {
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
    type Message = KeyboardEvent;
    type Properties = TraceProps;

    fn create(_ctx: &Context<Self>) -> Self {
        TracePanel { list: NodeRef::default(), active: None }
    }

    fn update(&mut self, ctx: &Context<Self>, key: KeyboardEvent) -> bool {
        let props = ctx.props();
        let first = props.first;
        let Some(last) = props.len.checked_sub(1) else { return false };
        // The first key starts on the event shown, else on the top row in view.
        let start = || first + props.rows.iter().rposition(|r| r.step == props.current_step).unwrap_or(0);
        let at = self.active.unwrap_or_else(start);
        let to = match key.key().as_str() {
            "ArrowUp" if self.active.is_some() => at.saturating_sub(1),
            "ArrowDown" if self.active.is_some() => at + 1,
            "ArrowUp" | "ArrowDown" => at,
            "PageUp" => at.saturating_sub(TRACE_ROWS_SHOWN),
            "PageDown" => at + TRACE_ROWS_SHOWN,
            "Home" => 0,
            "End" => last,
            "Enter" | " " => {
                if let Some(row) = at.checked_sub(first).and_then(|i| props.rows.get(i)) {
                    props.on.emit(Msg::SeekStep(row.step));
                }
                at
            }
            _ => return false,
        }
        .min(last);
        // The list's keys must not also scroll the page.
        key.prevent_default();
        self.active = Some(to);
        let first = first.clamp(to.saturating_sub(TRACE_ROWS_SHOWN - 1), to);
        if let Some(list) = self.list.cast::<HtmlElement>() {
            list.set_scroll_top((first as f64 * ROW_HEIGHT) as i32);
        }
        // Moved by hand, the list stops following new rows, as when scrolled up.
        props.on.emit(Msg::TraceScrolled { first, follow: false });
        true
    }

    fn view(&self, ctx: &Context<Self>) -> Html {
        let props = ctx.props();
        let list = self.list.clone();
        let len = props.len;
        let onscroll = props.on.reform(move |_: Event| {
            let list = list.cast::<HtmlElement>();
            let top = list.as_ref().map_or(0.0, |l| f64::from(l.scroll_top()));
            let (first, follow) = scrolled(top, len);
            // While the list has focus its highlighted row keeps its place: no following.
            let focused = list.is_some_and(|l| l.matches(":focus").unwrap_or(false));
            Msg::TraceScrolled { first, follow: follow && !focused }
        });
        let active = self.active.filter(|a| (props.first..props.first + props.rows.len()).contains(a));
        let height = format!("height: {}px", Shortest(props.len as f64 * ROW_HEIGHT));
        html! {
            <section class="panel trace-panel" aria-labelledby="trace-heading">
                <h2 id="trace-heading">{"Trace"}<span class="count">{ describe::count(props.len, "line") }</span></h2>
                if props.len == 0 {
                    <p class="hint empty">{"Nothing has happened yet. Press play, or step (→)."}</p>
                }
                // Empty, the list is not shown: the hint above says why.
                <div class="trace" ref={self.list.clone()} {onscroll} data-testid="trace" hidden={props.len == 0}
                    role="listbox" tabindex="0" aria-labelledby="trace-heading"
                    aria-activedescendant={active.map(|a| format!("trace-{a}"))}
                    onkeydown={ctx.link().callback(|key| key)}
                    style={format!("height: {}px", Shortest(TRACE_ROWS_SHOWN as f64 * ROW_HEIGHT))}>
                    // The list is only how the rows are laid out: the options belong to the listbox.
                    <ol class="trace-body" role="none" style={height} start={(props.first + 1).to_string()}>
                        { for props.rows.iter().enumerate().map(|(i, row)| row_html(props, props.first + i, row, active)) }
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
            // Past the end: the browser stops at the bottom. (Reading the list's
            // height instead would lay the page out in the middle of a render.)
            list.set_scroll_top((props.len as f64 * ROW_HEIGHT) as i32);
        }
    }
}

fn row_html(props: &TraceProps, line: usize, row: &TraceRow, active: Option<usize>) -> Html {
    let step = row.step;
    let kind = kind_word(row.kind);
    let node = row.node.and_then(|n| props.names.get(n)).cloned().unwrap_or_default();
    let current = step == props.current_step;
    let class = classes!(
        "trace-row",
        format!("trace-row--{kind}"),
        current.then_some("is-current"),
        (active == Some(line)).then_some("is-active")
    );
    html! {
        <li key={line} id={format!("trace-{line}")} role="option" aria-selected={current.to_string()} class={class}
            style={format!("top: {}px", Shortest(line as f64 * ROW_HEIGHT))}
            onclick={props.on.reform(move |_| Msg::SeekStep(step))}
            title={format!("Show the world after event {step}")}>
            <span class="t">{ describe::time_ms(row.time_ms) }</span>
            <span class="kind">{ kind }</span>
            <span class="node">{ node }</span>
            <span class="text">{ &row.text }</span>
        </li>
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
