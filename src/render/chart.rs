//! The charts' model: the run's metric series turned into what a student
//! reads off a chart (latency now, throughput, yield, messages per answer,
//! the protocol's own numbers), and the scales to draw them on. Pure: tested
//! natively. Painting is [`super::plot`]'s.
//!
//! The engine samples running totals; rates are taken here, over a window,
//! so a chart shows what happened lately rather than an average since the
//! start that hides a bad minute.

use quorum_protocols::sim::any::Series;

use crate::describe::metric_label;

/// The window over which rates are taken, in virtual ms.
pub const RATE_WINDOW_MS: f64 = 2_000.0;

/// One line on a chart: a label for its legend and its points (virtual ms,
/// value; `NaN` where there is nothing to say, drawn as a gap).
#[derive(Clone, Debug, PartialEq)]
pub struct Line {
    pub label: &'static str,
    pub points: Vec<(f64, f64)>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Chart {
    pub title: String,
    /// What the values are in, as written after a number (" ms", "/s", "%",
    /// or nothing for counts).
    pub unit: &'static str,
    pub lines: Vec<Line>,
}

impl Chart {
    /// The largest value drawn, for the scale (0 when there is none).
    pub fn max(&self) -> f64 {
        self.lines.iter().flat_map(|l| &l.points).map(|p| p.1).filter(|v| v.is_finite()).fold(0.0, f64::max)
    }

    /// Each line's value at or just before time `t` (`None` for a gap or before its first point).
    pub fn values_at(&self, t: f64) -> Vec<(&'static str, Option<f64>)> {
        let at = |l: &Line| {
            let i = l.points.partition_point(|p| p.0 <= t);
            i.checked_sub(1).map(|i| l.points[i].1).filter(|v| v.is_finite())
        };
        self.lines.iter().map(|l| (l.label, at(l))).collect()
    }
}

/// The series the engine samples for every protocol; the rest are the protocol's own.
const ENGINE: [&str; 9] = [
    "requests",
    "confirmed",
    "retries",
    "refused",
    "waiting",
    "latency_p50",
    "latency_p99",
    "latency_mean",
    "messages",
];

/// Every chart the run's series make, the engine's first.
pub fn charts(series: &[Series]) -> Vec<Chart> {
    let find = |name: &str| series.iter().find(|s| s.name == name).map(|s| s.points.as_slice()).unwrap_or(&[]);
    let plain = |s: &[(u64, f64)]| s.iter().map(|&(t, v)| (t as f64, v)).collect::<Vec<_>>();
    let (confirmed, refused, messages) = (find("confirmed"), find("refused"), find("messages"));
    if confirmed.is_empty() {
        return Vec::new();
    }
    let line = |label, points| Line { label, points };
    let mut out = vec![
        Chart {
            title: "Latency now (answers of the last 2 s)".into(),
            unit: " ms",
            lines: vec![
                line("p50", plain(find("latency_p50"))),
                line("p99", plain(find("latency_p99"))),
                line("mean", plain(find("latency_mean"))),
            ],
        },
        Chart {
            title: "Throughput".into(),
            unit: "/s",
            lines: vec![line("answered", per_second(confirmed)), line("refused", per_second(refused))],
        },
        Chart {
            title: "Yield: requests answered, of answered and refused".into(),
            unit: "%",
            lines: vec![line("answered", share(confirmed, refused))],
        },
        Chart {
            title: "Messages per answer".into(),
            unit: "",
            lines: vec![line("messages", per(messages, confirmed))],
        },
        Chart { title: "Clients waiting".into(), unit: "", lines: vec![line("waiting", plain(find("waiting")))] },
    ];
    for s in series.iter().filter(|s| !ENGINE.contains(&s.name)) {
        let unit = if s.name.ends_with("_ms") { " ms" } else { "" };
        out.push(Chart { title: metric_label(s.name), unit, lines: vec![line(s.name, plain(&s.points))] });
    }
    out
}

/// The first index whose time is within the rate window before sample `i`'s.
fn window_start(points: &[(u64, f64)], i: usize) -> usize {
    let from = points[i].0 as f64 - RATE_WINDOW_MS;
    points.partition_point(|p| (p.0 as f64) < from).min(i)
}

/// `value(i, j)` at every sample `i`, `j` being the first sample of its window.
fn windowed(points: &[(u64, f64)], value: impl Fn(usize, usize) -> f64) -> Vec<(f64, f64)> {
    (0..points.len()).map(|i| (points[i].0 as f64, value(i, window_start(points, i)))).collect()
}

/// How much a running total grew from sample `j` to sample `i` (0 past its end).
fn grew(total: &[(u64, f64)], i: usize, j: usize) -> f64 {
    total.get(i).zip(total.get(j)).map_or(0.0, |(a, b)| a.1 - b.1)
}

/// How fast a running total grew over the window, per second.
fn per_second(total: &[(u64, f64)]) -> Vec<(f64, f64)> {
    windowed(
        total,
        |i, j| if i > j { grew(total, i, j) / (total[i].0 - total[j].0) as f64 * 1_000.0 } else { f64::NAN },
    )
}

/// How much of the growth of `total` plus `others` over the window was `total`'s, in percent.
fn share(total: &[(u64, f64)], others: &[(u64, f64)]) -> Vec<(f64, f64)> {
    windowed(total, |i, j| {
        let (mine, theirs) = (grew(total, i, j), grew(others, i, j));
        if mine + theirs > 0.0 { mine / (mine + theirs) * 100.0 } else { f64::NAN }
    })
}

/// How much `top` grew per unit `bottom` grew over the window (`NaN` if `bottom` did not).
fn per(top: &[(u64, f64)], bottom: &[(u64, f64)]) -> Vec<(f64, f64)> {
    windowed(top, |i, j| {
        let under = grew(bottom, i, j);
        if under > 0.0 { grew(top, i, j) / under } else { f64::NAN }
    })
}

/// A round number at or above `max` for the top of a scale: 1, 2 or 5 times a power of ten.
pub fn nice_ceiling(max: f64) -> f64 {
    if max.is_nan() || max <= 0.0 {
        return 1.0;
    }
    let mut step = 1.0;
    while step * 10.0 <= max {
        step *= 10.0;
    }
    while step > max {
        step /= 10.0;
    }
    [1.0, 2.0, 5.0, 10.0].into_iter().map(|m| m * step).find(|&c| c >= max).unwrap_or(10.0 * step)
}

#[cfg(test)]
mod tests {
    use quorum_protocols::build;
    use quorum_protocols::sim::scenario::Scenario;

    use super::*;

    fn series(name: &'static str, points: &[(u64, f64)]) -> Series {
        Series { name, points: points.to_vec() }
    }

    #[test]
    fn rates_are_taken_over_the_window() {
        // 4 answers a second for 3 s, then none; 1 refusal a second throughout.
        let times: Vec<u64> = (0..=20).map(|i| i * 250).collect();
        let confirmed: Vec<(u64, f64)> = times.iter().map(|&t| (t, (t.min(3_000) / 250) as f64)).collect();
        let refused: Vec<(u64, f64)> = times.iter().map(|&t| (t, (t / 1_000) as f64)).collect();
        let got = charts(&[series("confirmed", &confirmed), series("refused", &refused)]);
        let at = |chart: usize, line: usize, t: f64| got[chart].values_at(t)[line].1;
        assert_eq!(at(1, 0, 2_000.0), Some(4.0), "answered/s over the first 2 s");
        assert_eq!(at(1, 0, 5_000.0), Some(0.0), "nothing answered in the last 2 s");
        assert_eq!(at(1, 1, 4_000.0), Some(1.0), "refused/s");
        assert_eq!(at(2, 0, 2_000.0), Some(80.0), "8 answered, 2 refused: a yield of 80 %");
        assert_eq!(at(2, 0, 5_000.0), Some(0.0), "only refusals lately");
        assert_eq!(at(1, 0, 0.0), None, "no rate from one sample");
    }

    #[test]
    fn messages_per_answer_has_a_gap_where_nothing_was_answered() {
        let confirmed = [(0, 0.0), (1_000, 2.0), (2_000, 2.0), (3_000, 2.0), (4_000, 2.0)];
        let messages = [(0, 0.0), (1_000, 20.0), (2_000, 30.0), (3_000, 40.0), (4_000, 50.0)];
        let got = charts(&[series("confirmed", &confirmed), series("messages", &messages)]);
        let per_answer = &got[3];
        assert_eq!(per_answer.values_at(1_000.0)[0].1, Some(10.0));
        assert_eq!(per_answer.values_at(4_000.0)[0].1, None, "no answers in the window");
    }

    #[test]
    fn a_real_run_charts_the_engine_and_the_protocol() {
        let json = r#"{"version":1,"protocol":"raft","nodes":5,"seed":3,"workload":{"rate_per_s":5},"until_ms":20000}"#;
        let mut sim = build(&Scenario::from_json(json).unwrap()).unwrap();
        sim.run_until(20_000, u64::MAX);
        let got = charts(&sim.series());
        let titles: Vec<&str> = got.iter().map(|c| c.title.as_str()).collect();
        assert!(titles.contains(&"Throughput") && titles.contains(&"Elections"), "{titles:?}");
        let leaderless = got.iter().find(|c| c.title == "Leaderless").expect("Raft's own time without a leader");
        assert_eq!(leaderless.unit, " ms");
        // Raft answers about 5 requests a second once it has a leader.
        let throughput = got.iter().find(|c| c.title == "Throughput").unwrap();
        let answered = throughput.values_at(19_000.0)[0].1.unwrap();
        assert!((2.0..=9.0).contains(&answered), "{answered} answered/s");
        let latency = &got[0];
        let p50 = latency.values_at(19_000.0)[0].1.unwrap();
        let p99 = latency.values_at(19_000.0)[1].1.unwrap();
        assert!(0.0 < p50 && p50 <= p99, "p50 {p50}, p99 {p99}");
        assert!(latency.max() >= p99);
    }

    #[test]
    fn scales_end_on_round_numbers() {
        assert_eq!(nice_ceiling(0.0), 1.0);
        assert_eq!(nice_ceiling(f64::NAN), 1.0);
        assert_eq!(nice_ceiling(7.0), 10.0);
        assert_eq!(nice_ceiling(10.0), 10.0);
        assert_eq!(nice_ceiling(180.0), 200.0);
        assert_eq!(nice_ceiling(0.3), 0.5);
        assert_eq!(nice_ceiling(4_100.0), 5_000.0);
    }
}
