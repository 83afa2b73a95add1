//! The run's numbers from the clients' side.

use crate::describe::metric_label;
use quorum_protocols::sim::any::Metrics;
use quorum_protocols::sim::decimal::Fixed;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct MetricsProps {
    pub metrics: Metrics,
}

fn latency(ms: Option<u64>) -> String {
    ms.map_or_else(|| "—".into(), |v| format!("{v} ms"))
}

/// A metric's value: in ms for names ending `_ms`, whole numbers without decimals.
fn number(name: &str, value: f64) -> String {
    let shown = Fixed(value, if value.fract() == 0.0 { 0 } else { 1 }).to_string();
    if name.ends_with("_ms") { format!("{shown} ms") } else { shown }
}

#[function_component]
pub fn MetricsPanel(props: &MetricsProps) -> Html {
    let m = &props.metrics;
    let per_confirmed =
        if m.confirmed == 0 { "—".to_string() } else { Fixed(m.messages_per_confirmed, 1).to_string() };
    let rows: [(&str, String, &str); 8] = [
        ("Requests", m.requests.to_string(), "Distinct client requests"),
        ("Confirmed", m.confirmed.to_string(), "Requests that got their answer"),
        ("Retries", m.retries.to_string(), "Attempts beyond the first"),
        ("Refused", m.refused.to_string(), "Times a node turned a request away because it could not serve it then"),
        ("Latency p50", latency(m.latency_ms.p50), "Half of the answers came at least this fast (virtual time)"),
        ("Latency p99", latency(m.latency_ms.p99), "99% of the answers came at least this fast (virtual time)"),
        ("Messages", m.messages.to_string(), "Messages sent so far"),
        ("Messages per confirmed", per_confirmed, "Messages sent for each confirmed request"),
    ];
    // The protocol's own numbers after the clients': "leader_changes" reads
    // "Leader changes", "leaderless_ms" "Leaderless" in ms.
    let own = m.protocol.iter().map(|&(name, v)| (metric_label(name), number(name, v)));
    let spread = m.distributions.iter().flat_map(|(name, d)| {
        [
            (format!("{} p50", metric_label(name)), number(name, d.p50)),
            (format!("{} p99", metric_label(name)), number(name, d.p99)),
        ]
    });
    html! {
        <section class="panel metrics" aria-labelledby="metrics-heading" data-testid="metrics">
            <h2 id="metrics-heading">{"Metrics"}</h2>
            <dl>
                { for rows.iter().map(|(name, value, help)| html! {
                    <div title={*help}><dt>{ *name }</dt><dd>{ value }</dd></div>
                }) }
                { for own.chain(spread).map(|(name, value)| html! {
                    <div><dt>{ name }</dt><dd>{ value }</dd></div>
                }) }
            </dl>
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_protocols_metric_reads_as_words_with_its_unit() {
        assert_eq!(metric_label("leader_changes"), "Leader changes");
        assert_eq!(
            (metric_label("leaderless_ms"), number("leaderless_ms", 1250.0)),
            ("Leaderless".into(), "1250 ms".into())
        );
        assert_eq!(number("messages_per_committed", 12.345), "12.3");
        assert_eq!(number("committed", 40.0), "40");
    }
}
