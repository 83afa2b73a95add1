//! Share links: a scenario packed into a URL fragment, `#s=1.<data>`.
//!
//! `1` is the link format version; the data is the scenario's compact JSON,
//! deflated and base64url-encoded (no padding), so links stay short and
//! survive any chat tool. Links are untrusted input: sizes are bounded before
//! and after inflating, and every failure says what is wrong.
//!
//! Links made by earlier Quorums (miniz_oxide's deflate at level 9, the
//! `base64` crate) open as before: [`deflate`](super::deflate) and
//! [`base64url`] write the same formats.

use super::base64url;
use super::deflate::{InflateError, deflate, inflate};
use super::scenario::{Scenario, ScenarioError};

/// The link format [`encode_fragment`] writes.
pub const LINK_VERSION: &str = "1";
/// The link formats whose scenario this Quorum reads. Version 2, which the
/// lab writes, has version 1's data with the moment it was shared at beside
/// it (`&t=…`): the lab reads that part, everything else ignores it.
pub const READ_VERSIONS: [&str; 2] = ["1", "2"];
/// What a link that was cut off (by a chat tool, a careless copy) says.
pub const CUT_SHORT: &str = "the link's scenario is damaged: it is cut short (copy all of it)";
/// Longest fragment accepted (characters of encoded data).
pub const MAX_FRAGMENT: usize = 16 * 1024;
/// Largest scenario JSON a link may inflate to.
pub const MAX_JSON: usize = 256 * 1024;

fn bad(msg: impl Into<String>) -> ScenarioError {
    ScenarioError(msg.into())
}

/// `s=1.<data>` for a scenario (without the leading `#`), or why no link can
/// carry it: a link longer than [`decode_fragment`] accepts would not open.
pub fn encode_fragment(scenario: &Scenario) -> Result<String, ScenarioError> {
    encode_fragment_as(LINK_VERSION, scenario)
}

/// `s=<version>.<data>`: as [`encode_fragment`], for a version of the link
/// that keeps the scenario's data as it is (one of [`READ_VERSIONS`]).
pub fn encode_fragment_as(version: &str, scenario: &Scenario) -> Result<String, ScenarioError> {
    let json = scenario.to_json();
    let fragment = format!("s={version}.{}", base64url::encode(&deflate(json.as_bytes())));
    let data = fragment.len() - "s=".len();
    if data > MAX_FRAGMENT || json.len() > MAX_JSON {
        return Err(bad(format!(
            "this scenario is too large for a link ({data} characters packed; a link holds at most {MAX_FRAGMENT}): export it as a file instead"
        )));
    }
    Ok(fragment)
}

/// The `…` of `s=…` in a full URL, `#s=…` or `s=…`.
pub fn scenario_part(input: &str) -> Option<&str> {
    let input = input.trim();
    let fragment = input.rsplit_once('#').map_or(input, |(_, f)| f);
    fragment.split('&').find_map(|part| part.strip_prefix("s="))
}

/// Reads a scenario from a full URL, `#s=…` or `s=…`.
pub fn decode_fragment(input: &str) -> Result<Scenario, ScenarioError> {
    let value = scenario_part(input).ok_or_else(|| bad("the link has no scenario in it (expected `#s=…`)"))?;
    if value.len() > MAX_FRAGMENT {
        return Err(bad(format!(
            "the link's scenario is too long ({} characters; at most {MAX_FRAGMENT})",
            value.len()
        )));
    }
    let (version, data) =
        value.split_once('.').ok_or_else(|| bad("the link's scenario has no version (expected `s=1.…`)"))?;
    if !READ_VERSIONS.contains(&version) {
        return Err(bad(format!(
            "the link uses scenario link format {version:?}, which this Quorum cannot read (it reads formats {})",
            READ_VERSIONS.join(" and ")
        )));
    }
    let packed = base64url::decode(data).map_err(|e| match e {
        base64url::DecodeError::CutShort => bad(CUT_SHORT),
        base64url::DecodeError::BadCharacter => bad("the link's scenario is damaged (not valid base64url)"),
    })?;
    let json = inflate(&packed, MAX_JSON).map_err(|e| match e {
        InflateError::EndedEarly => bad(CUT_SHORT),
        InflateError::Malformed | InflateError::TooLarge => {
            bad("the link's scenario is damaged or too large (it does not unpack)")
        }
    })?;
    let text = std::str::from_utf8(&json).map_err(|_| bad("the link's scenario is damaged (not text)"))?;
    Scenario::from_json(text)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::scenario::{Action, Fault, TimelineEntry};

    const SAMPLE: &str = r#"{"version":1,"protocol":"office","variant":"correct","nodes":5,"seed":42,
        "network":{"latency_ms":[20,80],"drop":0.0,"duplicate":0.0},"workload":{"rate_per_s":2.0},
        "timeline":[{"at_ms":3000,"action":"partition","groups":[[0,1],[2,3,4]]},{"at_ms":9000,"action":"heal"}],
        "until_ms":30000}"#;

    #[test]
    fn round_trips_through_a_link() {
        let scenario = Scenario::from_json(SAMPLE).unwrap();
        let fragment = encode_fragment(&scenario).unwrap();
        assert!(fragment.starts_with("s=1."));
        assert!(fragment.chars().all(|c| c.is_ascii_alphanumeric() || "=._-".contains(c)), "{fragment}");
        assert_eq!(decode_fragment(&fragment).unwrap(), scenario);
        let url = format!("http://127.0.0.1:8080/#{fragment}");
        assert_eq!(decode_fragment(&url).unwrap(), scenario);
    }

    #[test]
    fn links_are_compact() {
        let fragment = encode_fragment(&Scenario::from_json(SAMPLE).unwrap()).unwrap();
        assert!(fragment.len() < 300, "{} characters", fragment.len());
    }

    /// Random timelines pack badly: a scenario valid as a file can be too
    /// large for a link, and then no link is made at all.
    #[test]
    fn a_scenario_too_large_for_a_link_says_so() {
        let mut scenario = Scenario::from_json(SAMPLE).unwrap();
        let mut rng = crate::sim::rng::Stream::new(5, "share");
        scenario.timeline = (0..2_000)
            .map(|_| {
                let node = rng.below(5) as usize;
                let at_ms = rng.below(3_600_000);
                let drift = Some(rng.unit() * 0.5);
                let fault = Fault::SetClock { node, offset_ms: rng.below(3_600_000) as i64, drift };
                TimelineEntry { at_ms, action: Action::Fault(fault) }
            })
            .collect();
        scenario.validate_common().unwrap();
        let err = encode_fragment(&scenario).unwrap_err().0;
        assert!(err.contains("too large for a link"), "{err}");
    }

    fn error_of(input: &str) -> String {
        decode_fragment(input).unwrap_err().0
    }

    #[test]
    fn damaged_links_say_what_is_wrong() {
        assert!(error_of("http://x/#nothing").contains("no scenario"));
        assert!(error_of("#s=garbage").contains("no version"));
        assert!(error_of("#s=3.abc").contains("format \"3\""));
        assert!(error_of("#s=1.!!!").contains("base64url"));
        assert!(error_of("#s=1.aGVsbG8").contains("does not unpack"));
        let long = format!("#s=1.{}", "A".repeat(MAX_FRAGMENT + 1));
        assert!(error_of(&long).contains("too long"));
    }

    #[test]
    fn version_2_carries_the_same_scenario_data() {
        let scenario = Scenario::from_json(SAMPLE).unwrap();
        let fragment = encode_fragment_as("2", &scenario).unwrap();
        assert!(fragment.starts_with("s=2."));
        assert_eq!(decode_fragment(&format!("#{fragment}&t=1200.5&paused=1")).unwrap(), scenario);
    }

    #[test]
    fn a_link_cut_anywhere_says_it_is_cut_short() {
        let fragment = encode_fragment(&Scenario::from_json(SAMPLE).unwrap()).unwrap();
        for len in "s=1.".len() + 1..fragment.len() {
            assert_eq!(error_of(&fragment[..len]), CUT_SHORT, "cut at {len}");
        }
    }

    #[test]
    fn a_valid_link_with_a_bad_scenario_is_refused() {
        let json = br#"{"version":1,"protocol":"office","nodes":5,"seed":1,"until_ms":0}"#;
        let err = error_of(&format!("s=1.{}", base64url::encode(&deflate(json))));
        assert!(err.contains("until_ms"), "{err}");
    }

    #[test]
    fn zip_bombs_are_refused() {
        let huge = vec![b' '; MAX_JSON * 4];
        for packed in [deflate(&huge), miniz_oxide::deflate::compress_to_vec(&huge, 9)] {
            let err = error_of(&format!("s=1.{}", base64url::encode(&packed)));
            assert!(err.contains("too large"), "{err}");
        }
    }

    /// Links made before Quorum had its own deflate and base64url (miniz_oxide
    /// at level 9, the `base64` crate), as `encode_fragment` made them then.
    #[test]
    fn links_made_with_miniz_and_the_base64_crate_still_open() {
        use base64::Engine;
        for preset in crate::presets() {
            let packed = miniz_oxide::deflate::compress_to_vec(preset.scenario.to_json().as_bytes(), 9);
            let old = format!("s=1.{}", base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(packed));
            assert_eq!(decode_fragment(&old).unwrap(), preset.scenario, "{}", preset.id);
        }
    }
}
