//! Share links are packed by Quorum's own DEFLATE and base64url
//! (`sim::deflate`, `sim::base64url`); until then the crates `miniz_oxide`
//! and `base64` packed them. Both ways must agree with those crates: every
//! link they wrote still opens, and what Quorum writes any inflater reads.
//! The inflater reads untrusted links: whatever the input, it must not panic
//! nor go past its limit, and a stream cut short must say so.

mod common;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use miniz_oxide::deflate::core::{CompressionStrategy, CompressorOxide, TDEFLFlush, TDEFLStatus, compress_to_output};
use proptest::prelude::*;
use quorum_protocols::sim::base64url;
use quorum_protocols::sim::deflate::{InflateError, deflate, inflate};

/// The ways `miniz_oxide` compressed: stored blocks (level 0), its fast,
/// default and best levels (1, 6 and 9; share links used 9), and fixed codes.
const MINIZ_WAYS: [(u8, CompressionStrategy); 5] = [
    (0, CompressionStrategy::Default),
    (1, CompressionStrategy::Default),
    (6, CompressionStrategy::Default),
    (9, CompressionStrategy::Default),
    (6, CompressionStrategy::Fixed),
];

fn miniz_deflate(data: &[u8], (level, strategy): (u8, CompressionStrategy)) -> Vec<u8> {
    let mut compressor = CompressorOxide::with_params(miniz_oxide::DataFormat::Raw, level, strategy, 15);
    let mut packed = Vec::new();
    let (status, _) = compress_to_output(&mut compressor, data, TDEFLFlush::Finish, |chunk| {
        packed.extend_from_slice(chunk);
        true
    });
    assert_eq!(status, TDEFLStatus::Done);
    packed
}

fn miniz_inflate(packed: &[u8], limit: usize) -> Option<Vec<u8>> {
    miniz_oxide::inflate::decompress_to_vec_with_limit(packed, limit).ok()
}

/// Both ways with `miniz_oxide`, and through our own pair.
fn assert_interoperates(data: &[u8]) {
    for way in MINIZ_WAYS {
        assert_eq!(inflate(&miniz_deflate(data, way), data.len()), Ok(data.to_vec()), "miniz {way:?}");
    }
    let packed = deflate(data);
    assert_eq!(inflate(&packed, data.len()), Ok(data.to_vec()), "ours");
    assert_eq!(miniz_inflate(&packed, data.len()), Some(data.to_vec()), "ours, by miniz");
}

/// Test data: JSON of the presets, with what random data rarely has (long
/// runs, repeats beyond the 32 KiB window, a skewed alphabet).
fn samples() -> Vec<Vec<u8>> {
    let presets: Vec<Vec<u8>> = quorum_protocols::presets().iter().map(|p| p.scenario.to_json().into_bytes()).collect();
    let mut dice = common::draws(7);
    let noise: Vec<u8> = (0..40_000).map(|_| dice(256) as u8).collect();
    let mut samples = presets.clone();
    samples.extend([
        Vec::new(),
        vec![b'x'],
        vec![b' '; 100_000],
        presets.concat().repeat(3),
        [&noise[..], b"between", &noise[..]].concat(), // 40 007 bytes back: past the window
        (0..70_000).map(|_| b"{}[]\":,0"[dice(8) as usize]).collect(),
    ]);
    samples
}

#[test]
fn every_preset_and_sample_interoperates_with_miniz() {
    for sample in samples() {
        assert_interoperates(&sample);
    }
}

/// Links stay as short as miniz at level 9 made them (today ours are byte
/// for byte the same on every preset).
#[test]
fn preset_links_are_no_longer_than_miniz_made_them() {
    for preset in quorum_protocols::presets() {
        let json = preset.scenario.to_json();
        let (ours, theirs) = (deflate(json.as_bytes()), miniz_deflate(json.as_bytes(), MINIZ_WAYS[3]));
        assert!(ours.len() <= theirs.len(), "{}: {} bytes, miniz {}", preset.id, ours.len(), theirs.len());
    }
}

/// Bytes of every kind: incompressible, a few symbols, a repeated unit.
fn bytes() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        prop::collection::vec(any::<u8>(), 0..3_000),
        prop::collection::vec(prop::sample::select(b"ab{}\":,09 ".to_vec()), 0..6_000),
        (prop::collection::vec(any::<u8>(), 1..40), 1..300usize).prop_map(|(unit, times)| unit.repeat(times)),
    ]
}

/// What `sim::share` made of the `base64` crate's refusals.
fn crate_base64_decode(text: &str) -> Result<Vec<u8>, base64url::DecodeError> {
    URL_SAFE_NO_PAD.decode(text).map_err(|e| match e {
        base64::DecodeError::InvalidLength(_) | base64::DecodeError::InvalidLastSymbol { .. } => {
            base64url::DecodeError::CutShort
        }
        _ => base64url::DecodeError::BadCharacter,
    })
}

proptest! {
    #![proptest_config(common::config(common::cases(200)))]

    #[test]
    fn random_bytes_interoperate_with_miniz(data in bytes()) {
        assert_interoperates(&data);
    }

    /// A stream cut anywhere before its end (ours, or miniz's at level 9)
    /// ended early: a link cut short says so.
    #[test]
    fn a_cut_stream_ended_early(data in bytes(), cut in any::<prop::sample::Index>()) {
        for packed in [deflate(&data), miniz_deflate(&data, MINIZ_WAYS[3])] {
            let cut = cut.index(packed.len());
            prop_assert_eq!(inflate(&packed[..cut], data.len()), Err(InflateError::EndedEarly), "cut at {}", cut);
        }
    }

    /// Under a limit below its length, a stream is too large.
    #[test]
    fn a_stream_longer_than_the_limit_is_too_large(data in bytes(), short in 1..100usize) {
        let limit = data.len().saturating_sub(short);
        prop_assume!(limit < data.len());
        for packed in [deflate(&data), miniz_deflate(&data, MINIZ_WAYS[3])] {
            prop_assert_eq!(inflate(&packed, limit), Err(InflateError::TooLarge));
        }
    }

    /// Damaged streams (bits flipped, bytes of noise) never panic, never
    /// give more than the limit, and when both inflaters read one they read
    /// the same bytes.
    #[test]
    fn damaged_streams_are_refused_or_read_as_miniz_reads_them(
        data in bytes(),
        flips in prop::collection::vec(any::<(prop::sample::Index, u8)>(), 1..4),
        noise in prop::collection::vec(any::<u8>(), 0..64),
        limit in 0..4_000usize,
    ) {
        let mut flipped = deflate(&data);
        for (at, bit) in &flips {
            let at = at.index(flipped.len());
            flipped[at] ^= 1 << (bit % 8);
        }
        for damaged in [flipped, noise] {
            let ours = inflate(&damaged, limit);
            if let Ok(out) = &ours {
                prop_assert!(out.len() <= limit);
                if let Some(theirs) = miniz_inflate(&damaged, limit) {
                    prop_assert_eq!(out, &theirs);
                }
            }
        }
    }

    #[test]
    fn base64url_is_the_base64_crates(data in bytes()) {
        let text = base64url::encode(&data);
        prop_assert_eq!(&text, &URL_SAFE_NO_PAD.encode(&data));
        prop_assert_eq!(base64url::decode(&text), Ok(data));
    }

    /// Any text, of the alphabet or not, is read or refused as the `base64`
    /// crate read or refused it, for the same reason.
    #[test]
    fn base64url_reads_and_refuses_as_the_base64_crate(text in "[A-Za-z0-9_=+/. \u{e9}-]{0,24}") {
        prop_assert_eq!(base64url::decode(&text), crate_base64_decode(&text));
    }
}
