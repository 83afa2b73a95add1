//! `quorum-sim` as a user runs it: its JSON contract, links, and bad input.

use std::process::{Command, Output};

use serde_json::Value;

const SAMPLE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/scenarios/office-sample.json");
const SPLIT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/scenarios/office-split-brain.json");

fn quorum_sim(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_quorum-sim")).args(args).output().unwrap()
}

fn stdout(out: &Output) -> String {
    assert!(out.status.success(), "stderr: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout.clone()).unwrap()
}

fn run_json(args: &[&str]) -> Value {
    serde_json::from_str(&stdout(&quorum_sim(args))).unwrap()
}

#[test]
fn run_prints_one_json_object_with_the_contract_fields() {
    let out = run_json(&["run", SAMPLE]);
    for key in ["protocol", "variant", "seed", "events", "end_time_ms", "violations", "metrics", "trace_hash"] {
        assert!(out.get(key).is_some(), "missing {key}: {out}");
    }
    assert_eq!(out["protocol"], "office");
    assert_eq!(out["end_time_ms"], 30_000);
    assert_eq!(out["violations"], Value::Array(vec![]));
    let m = &out["metrics"];
    for key in ["requests", "confirmed", "retries", "refused", "messages_per_confirmed"] {
        assert!(m[key].is_number(), "metrics.{key}: {m}");
    }
    assert!(m["latency_ms"]["p50"].as_u64().unwrap() <= m["latency_ms"]["p99"].as_u64().unwrap());
}

#[test]
fn until_stops_early_and_matches_the_pinned_hash() {
    let out = run_json(&["run", SAMPLE, "--until", "10000"]);
    assert_eq!(out["end_time_ms"], 10_000);
    assert_eq!(out["trace_hash"], include_str!("sample-10s.trace-hash").trim());
}

#[test]
fn violations_name_the_invariant_the_time_and_what_happened() {
    let out = run_json(&["run", SPLIT]);
    let first = &out["violations"][0];
    assert!(first["invariant"].is_string() && first["time_ms"].as_u64().unwrap() > 4_000, "{first}");
    assert!(first["detail"].as_str().unwrap().contains("parent r"), "{first}");
}

#[test]
fn a_link_runs_the_same_as_its_file() {
    let fragment = stdout(&quorum_sim(&["encode", SAMPLE])).trim().to_string();
    assert!(fragment.starts_with("s=1."), "{fragment}");
    let url = format!("http://127.0.0.1:8080/#{fragment}");
    assert_eq!(run_json(&["run", &url])["trace_hash"], run_json(&["run", SAMPLE])["trace_hash"]);
    let decoded: Value = serde_json::from_str(&stdout(&quorum_sim(&["decode", &url]))).unwrap();
    let original: Value = serde_json::from_str(include_str!("../scenarios/office-sample.json")).unwrap();
    assert_eq!(decoded["timeline"], original["timeline"]);
}

#[test]
fn explore_prints_found_tried_violation_and_a_scenario_that_runs_to_it() {
    let args = ["explore", SPLIT, "--tries", "50", "--seed", "3", "--faults", "3"];
    let out = run_json(&args);
    assert_eq!(out["found"], true, "{out}");
    assert!(out["tried"].as_u64().unwrap() <= 50);
    let violation = &out["violation"];
    for key in ["invariant", "kind", "time_ms", "step", "detail", "culprits"] {
        assert!(violation.get(key).is_some(), "violation.{key}: {violation}");
    }
    let dir = std::env::temp_dir().join(format!("quorum-explore-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let shrunk = dir.join("shrunk.json");
    std::fs::write(&shrunk, out["scenario"].to_string()).unwrap();
    let run = run_json(&["run", shrunk.to_str().unwrap()]);
    assert!(run["violations"].as_array().unwrap().contains(violation), "{run}");
    assert!(stdout(&quorum_sim(&["encode", shrunk.to_str().unwrap()])).starts_with("s=1."));
    std::fs::remove_dir_all(dir).ok();
    // The same seed and tries print the same bytes; a wall-time cap that is not reached changes nothing.
    let again = stdout(&quorum_sim(&[&args[..], &["--seconds", "600"]].concat()));
    assert_eq!(stdout(&quorum_sim(&args)), again);
}

#[test]
fn explore_that_finds_nothing_says_so() {
    let out = run_json(&["explore", SAMPLE, "--tries", "3"]);
    assert_eq!(out, serde_json::json!({"found": false, "tried": 3, "violation": null, "scenario": null}));
}

#[test]
fn trace_prints_readable_lines() {
    let text = stdout(&quorum_sim(&["trace", SAMPLE, "--until", "5000"]));
    assert!(text.contains("opens the Main Office"), "{}", &text[..500.min(text.len())]);
    assert!(text.contains("split A B | C D E"));
}

#[test]
fn a_reader_that_stops_early_is_not_an_error() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_quorum-sim"))
        .args(["trace", SAMPLE])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take()); // like `| head -1` closing the pipe
    let out = child.wait_with_output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success() && !err.contains("panicked"), "{err}");
}

/// Bad input: exit status 2, exactly one line on stderr saying what is wrong.
fn refused(args: &[&str], expect: &str) {
    let out = quorum_sim(args);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{args:?}: {err}");
    assert_eq!(err.lines().count(), 1, "{args:?}: {err}");
    assert!(err.starts_with("quorum-sim: ") && err.contains(expect), "{args:?}: {err}");
    assert!(out.stdout.is_empty());
}

#[test]
fn bad_input_gets_one_clear_line_and_exit_status_2() {
    let dir = std::env::temp_dir().join(format!("quorum-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = |name: &str, text: &str| {
        let path = dir.join(name);
        std::fs::write(&path, text).unwrap();
        path.to_string_lossy().into_owned()
    };
    let base = r#""version":1,"protocol":"office","seed":1,"until_ms":1000"#;
    refused(&[], "usage");
    refused(&["fly"], "usage");
    refused(&["run"], "usage");
    refused(&["run", "/no/such/file.json"], "cannot read");
    refused(&["run", &file("junk.json", "{ not json")], "not a valid scenario");
    refused(&["run", &file("even.json", &format!("{{{base},\"nodes\":4}}"))], "odd number");
    refused(
        &["run", &file("proto.json", r#"{"version":1,"protocol":"bank","nodes":5,"seed":1,"until_ms":1}"#)],
        "unknown protocol",
    );
    refused(
        &["run", &file("variant.json", &format!("{{{base},\"nodes\":5,\"variant\":\"fast\"}}"))],
        "no variant `fast`",
    );
    refused(
        &["run", &file("v2.json", r#"{"version":2,"protocol":"office","nodes":5,"seed":1,"until_ms":1}"#)],
        "version 2",
    );
    let ghost_node = format!("{{{base},\"nodes\":5,\"timeline\":[{{\"at_ms\":1,\"action\":\"crash\",\"node\":7}}]}}");
    refused(&["run", &file("node.json", &ghost_node)], "timeline[0]: node 7 does not exist");
    let drop = format!("{{{base},\"nodes\":5,\"network\":{{\"latency_ms\":[10,5]}}}}");
    refused(&["run", &file("latency.json", &drop)], "above the maximum");
    refused(&["run", &file("big.json", &" ".repeat(2 * 1024 * 1024))], "at most");
    refused(&["run", SAMPLE, "--until", "soon"], "whole number");
    refused(&["run", SAMPLE, "--until", "99999999999"], "at most");
    refused(&["run", "http://x/#s=1.AAAA"], "damaged");
    refused(&["decode", "http://x/#s=9.abc"], "cannot read");
    refused(&["decode", "http://x/"], "no scenario");
    refused(&["explore"], "usage");
    refused(&["explore", SAMPLE, "--tries"], "usage");
    refused(&["explore", SAMPLE, "--tries", "many"], "whole number");
    refused(&["explore", SAMPLE, "--seconds", "-1"], "positive number");
    refused(&["explore", SAMPLE, "--faults", "0"], "between 1 and");
    refused(&["explore", SAMPLE, "--exhaustive"], "not built yet");
    refused(&["explore", "/no/such/file.json"], "cannot read");
    std::fs::remove_dir_all(dir).ok();
}
