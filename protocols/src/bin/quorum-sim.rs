//! `quorum-sim`: runs scenarios without a browser, and packs them into links.
//!
//! ```text
//! quorum-sim run FILE_OR_URL [--until MS] [--record full]
//!                                           one JSON object: outcome, violations, properties, metrics,
//!                                           trace_hash (--record full keeps everything the lab keeps,
//!                                           to measure it; the outcome is the same)
//! quorum-sim trace FILE_OR_URL [--until MS] the trace, one line per entry
//! quorum-sim explore FILE_OR_URL [--tries N] [--seconds S] [--seed N] [--faults K]
//!                                           searches random fault schedules for a violated
//!                                           property; one JSON object: found, tried, violation,
//!                                           scenario (shrunk, ready for `run` and `encode`)
//! quorum-sim encode FILE                    the share-link fragment (s=1.…)
//! quorum-sim decode URL                     the scenario JSON inside a link
//! ```
//! Bad input ends with exit status 2 and one line on stderr.

use std::io::{ErrorKind, Write};
use std::process::ExitCode;

use quorum_protocols::explore::{Budget, explore};
use quorum_protocols::sim::any::Recording;
use quorum_protocols::sim::scenario::MAX_UNTIL_MS;
use quorum_protocols::sim::share::{decode_fragment, encode_fragment};
use quorum_protocols::{AnySim, Scenario, build_with};
use serde_json::json;

const USAGE: &str = "usage: quorum-sim run FILE_OR_URL [--until MS] [--record full] | trace FILE_OR_URL [--until MS] | explore FILE_OR_URL [--tries N] [--seconds S] [--seed N] [--faults K] | encode FILE | decode URL";
/// Largest scenario file read.
const MAX_FILE: u64 = 1024 * 1024;

fn read_file(path: &str) -> Result<String, String> {
    let meta = std::fs::metadata(path).map_err(|e| format!("cannot read {path}: {e}"))?;
    if meta.len() > MAX_FILE {
        return Err(format!("{path} is {} bytes; a scenario file may have at most {MAX_FILE}", meta.len()));
    }
    std::fs::read_to_string(path).map_err(|e| format!("cannot read {path}: {e}"))
}

/// A scenario from a share link (anything with `s=`) or a JSON file.
fn load(source: &str) -> Result<Scenario, String> {
    if source.contains("s=") && !std::path::Path::new(source).exists() {
        return decode_fragment(source).map_err(|e| e.0);
    }
    Scenario::from_json(&read_file(source)?).map_err(|e| format!("{source}: {e}"))
}

/// Loads the scenario named by `args` and runs it to `--until` or its own
/// end, keeping as much of the run as `recording` says.
fn simulate(args: &[String], recording: Recording) -> Result<(Scenario, Box<dyn AnySim>, u64), String> {
    let (source, rest) = args.split_first().ok_or(USAGE)?;
    let scenario = load(source)?;
    let until = match rest {
        [] => scenario.until_ms,
        [flag, ms] if flag == "--until" => {
            let ms: u64 = ms.parse().map_err(|_| format!("--until takes a whole number of ms, not {ms:?}"))?;
            if ms > MAX_UNTIL_MS {
                return Err(format!("--until may be at most {MAX_UNTIL_MS}"));
            }
            ms
        }
        _ => return Err(USAGE.into()),
    };
    let mut sim = build_with(&scenario, recording).map_err(|e| e.0)?;
    sim.run_until(until, u64::MAX);
    Ok((scenario, sim, until))
}

fn run(args: &[String]) -> Result<String, String> {
    // The outcome needs only the hash, properties and metrics: no trace kept,
    // unless asked to keep what the lab keeps (to measure its memory).
    let (recording, args) = match args {
        [rest @ .., flag, level] if flag == "--record" && level == "full" => (Recording::Full, rest),
        [.., flag, level] if flag == "--record" => return Err(format!("--record takes `full`, not {level:?}")),
        _ => (Recording::Hash, args),
    };
    let (scenario, sim, until) = simulate(args, recording)?;
    let mut violations = sim.violations().to_vec();
    violations.extend(sim.judge_end());
    let out = json!({
        "protocol": scenario.protocol,
        "variant": scenario.variant,
        "seed": scenario.seed,
        "events": sim.step_index(),
        "end_time_ms": until,
        "violations": violations,
        "properties": sim.properties(),
        "witnesses": sim.witnesses(),
        "metrics": sim.metrics(),
        "trace_hash": format!("{:016x}", sim.trace_hash()),
    });
    Ok(serde_json::to_string_pretty(&out).expect("plain JSON"))
}

fn trace(args: &[String]) -> Result<String, String> {
    let (_, sim, _) = simulate(args, Recording::Full)?;
    let rows = sim.trace_rows(0, sim.trace_len());
    Ok(rows.iter().map(|r| format!("{:>8} ms  #{:<6} {}", r.time_ms, r.step, r.text)).collect::<Vec<_>>().join("\n"))
}

/// What `explore` is asked: the search's budget and a wall-time cap.
struct Search {
    budget: Budget,
    seconds: Option<f64>,
}

/// Most faults a schedule may hold (each may bring its repair and a calm tail).
const MAX_FAULTS: usize = 100;

/// `--tries`, `--seed`, `--faults` and `--seconds` in any order, each checked.
fn search_flags(flags: &[String]) -> Result<Search, String> {
    let mut search = Search { budget: Budget { tries: 1_000, faults: 4, seed: 1 }, seconds: None };
    let number = |flag: &str, value: &str| -> Result<u64, String> {
        value.parse().map_err(|_| format!("{flag} takes a whole number, not {value:?}"))
    };
    for pair in flags.chunks(2) {
        match pair {
            [flag, value] if flag == "--tries" => search.budget.tries = number(flag, value)?,
            [flag, value] if flag == "--seed" => search.budget.seed = number(flag, value)?,
            [flag, value] if flag == "--faults" => {
                let k = number(flag, value)?;
                if !(1..=MAX_FAULTS as u64).contains(&k) {
                    return Err(format!("--faults must be between 1 and {MAX_FAULTS}"));
                }
                search.budget.faults = k as usize;
            }
            [flag, value] if flag == "--seconds" => match value.parse::<f64>() {
                Ok(s) if s.is_finite() && s > 0.0 => search.seconds = Some(s),
                _ => return Err(format!("--seconds takes a positive number, not {value:?}")),
            },
            [flag, ..] if flag == "--exhaustive" => {
                return Err("--exhaustive is not built yet: only the random search is".into());
            }
            _ => return Err(USAGE.into()),
        }
    }
    Ok(search)
}

/// Searches for a violation; `--seconds` caps the wall time but is not part
/// of the answer, so the same seed and tries print the same object.
fn explore_cmd(args: &[String]) -> Result<String, String> {
    let (source, flags) = args.split_first().ok_or(USAGE)?;
    let search = search_flags(flags)?;
    let scenario = load(source)?;
    let deadline = search.seconds.map(|s| std::time::Instant::now() + std::time::Duration::from_secs_f64(s.min(1e9)));
    let mut stop = || deadline.is_some_and(|d| std::time::Instant::now() >= d);
    let outcome = explore(&scenario, &search.budget, &mut stop).map_err(|e| e.0)?;
    let head = json!({
        "found": outcome.found.is_some(),
        "tried": outcome.tried,
        "violation": outcome.found.as_ref().map(|f| &f.violation),
    });
    // The scenario is written by its own writer, which keeps every float's
    // digits exactly (it must replay the same).
    let scenario = outcome.found.map_or("null".into(), |f| f.scenario.to_json_pretty().replace('\n', "\n  "));
    let head = serde_json::to_string_pretty(&head).expect("plain JSON");
    Ok(format!("{},\n  \"scenario\": {scenario}\n}}", head.strip_suffix('}').unwrap_or(&head).trim_end()))
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.split_first() {
        Some((cmd, rest)) if cmd == "run" => run(rest),
        Some((cmd, rest)) if cmd == "trace" => trace(rest),
        Some((cmd, rest)) if cmd == "explore" => explore_cmd(rest),
        Some((cmd, [file])) if cmd == "encode" => load(file).and_then(|s| encode_fragment(&s).map_err(|e| e.0)),
        Some((cmd, [url])) if cmd == "decode" => decode_fragment(url).map(|s| s.to_json_pretty()).map_err(|e| e.0),
        _ => Err(USAGE.into()),
    };
    match result {
        Ok(text) => match writeln!(std::io::stdout().lock(), "{text}") {
            Ok(()) => ExitCode::SUCCESS,
            // A reader that stops early (`| head`) has what it wanted.
            Err(e) if e.kind() == ErrorKind::BrokenPipe => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("quorum-sim: cannot write the output: {e}");
                ExitCode::from(1)
            }
        },
        Err(msg) => {
            eprintln!("quorum-sim: {msg}");
            ExitCode::from(2)
        }
    }
}
