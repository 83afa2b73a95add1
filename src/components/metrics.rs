//! The run's numbers from the clients' side.

use quorum_protocols::sim::any::Metrics;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct MetricsProps {
    pub metrics: Metrics,
}

fn latency(ms: Option<u64>) -> String {
    ms.map_or_else(|| "—".into(), |v| format!("{v} ms"))
}

#[function_component]
pub fn MetricsPanel(props: &MetricsProps) -> Html {
    let m = &props.metrics;
    let per_confirmed = if m.confirmed == 0 { "—".to_string() } else { format!("{:.1}", m.messages_per_confirmed) };
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
    html! {
        <section class="panel metrics" aria-labelledby="metrics-heading" data-testid="metrics">
            <h2 id="metrics-heading">{"Metrics"}</h2>
            <dl>
                { for rows.iter().map(|(name, value, help)| html! {
                    <div title={*help}><dt>{ *name }</dt><dd>{ value }</dd></div>
                }) }
            </dl>
        </section>
    }
}
