//! `sim::json` against serde_json, which read and wrote scenarios before it: every
//! document serde_json writes is read the same and written back byte for byte, escapes
//! and numbers read as serde_json reads them, a damaged document is refused by both or
//! read the same by both, and what is not JSON is refused with a message saying where,
//! never a panic (scenarios come from links anyone can make).

mod common;

use common::{cases, config, from_serde, text, value};
use proptest::prelude::*;
use quorum_protocols::sim::json::{self, Json, MAX_DEPTH, Number, Shape};

/// Ours and serde_json's readings of `text`: both the same value, or both a refusal.
fn assert_read_alike(text: &str) -> Option<Json> {
    let ours = json::parse(text, Shape::Free).map_err(|e| e.to_string());
    let theirs = serde_json::from_str(text).map(from_serde).map_err(|e| e.to_string());
    match (ours, theirs) {
        (Ok(ours), Ok(theirs)) => {
            assert_eq!(ours, theirs, "{text:?}");
            Some(ours)
        }
        (Err(_), Err(_)) => None,
        (ours, theirs) => panic!("ours {ours:?}, serde_json's {theirs:?}, for {text:?}"),
    }
}

/// `c` as a `\u` escape (two, a surrogate pair, above U+FFFF), its hex digits in upper
/// or lower case.
fn unicode_escape(c: char, upper: bool) -> String {
    let mut units = [0; 2];
    c.encode_utf16(&mut units)
        .iter()
        .map(|u| if upper { format!("\\u{u:04X}") } else { format!("\\u{u:04x}") })
        .collect()
}

/// `s` as a JSON string, each character written one of four ways (`how`, cycled): as
/// itself where JSON allows, as its short escape where it has one, or as a `\u` escape.
fn escaped(s: &str, how: &[u8]) -> String {
    let mut out = String::from("\"");
    for (c, how) in s.chars().zip(how.iter().cycle()) {
        let short = match c {
            '"' => Some("\\\""),
            '\\' => Some("\\\\"),
            '/' => Some("\\/"),
            '\u{8}' => Some("\\b"),
            '\u{c}' => Some("\\f"),
            '\n' => Some("\\n"),
            '\r' => Some("\\r"),
            '\t' => Some("\\t"),
            _ => None,
        };
        match (how % 4, short) {
            (0, _) if c >= ' ' && c != '"' && c != '\\' => out.push(c),
            (1, Some(short)) => out.push_str(short),
            (how, _) => out.push_str(&unicode_escape(c, how == 2)),
        }
    }
    out.push('"');
    out
}

/// Number-like text from pieces, valid (`-12.5e+3`) or not (`01`, `1.`, `-`, `1e`).
fn number_text() -> impl Strategy<Value = String> {
    let sign = prop_oneof![Just(""), Just("-"), Just("+")];
    let whole = prop_oneof![Just("0".to_string()), "[1-9][0-9]{0,25}", "0[0-9]{1,3}", Just(String::new())];
    let fraction = prop_oneof![Just(String::new()), "\\.[0-9]{1,20}", Just(".".to_string())];
    let exponent = prop_oneof![Just(String::new()), "[eE][+-]?[0-9]{1,4}", "[eE][+-]?"];
    (sign, whole, fraction, exponent).prop_map(|(s, w, f, e)| format!("{s}{w}{f}{e}"))
}

/// `text` with one character deleted, doubled, or replaced by or preceded by one that
/// matters to JSON.
fn damaged(text: &str, at: usize, how: usize, with: usize) -> String {
    let chars: Vec<char> = text.chars().collect();
    let at = at % (chars.len() + 1);
    let with = ['"', '\\', ',', ':', '[', ']', '{', '}', ' ', '0', '-', '.', 'e', 'u', 'n', '\n'][with % 16];
    let mut out = chars.clone();
    match (how % 4, chars.get(at)) {
        (0, Some(_)) => drop(out.remove(at)),
        (1, Some(&c)) => out.insert(at, c),
        (2, Some(_)) => out[at] = with,
        _ => out.insert(at, with),
    }
    out.into_iter().collect()
}

proptest! {
    #![proptest_config(config(cases(1_000)))]

    /// What serde_json writes, compact or pretty, we read as it reads it, and write the
    /// same bytes back.
    #[test]
    fn reads_what_serde_json_writes_and_writes_it_back(v in value(false)) {
        for (text, pretty) in [(serde_json::to_string(&v).unwrap(), false), (serde_json::to_string_pretty(&v).unwrap(), true)] {
            let read = assert_read_alike(&text).expect("serde_json's own output");
            prop_assert_eq!(read.write(pretty), text);
        }
    }

    /// Any string, with its characters escaped any way JSON allows (surrogate pairs above
    /// U+FFFF), reads back as itself.
    #[test]
    fn escapes_read_as_serde_json_reads_them(s in text(), how in proptest::collection::vec(any::<u8>(), 1..8)) {
        let read = assert_read_alike(&escaped(&s, &how));
        prop_assert_eq!(read, Some(Json::String(s)));
    }

    /// Numbers valid or not: the same value (whole or float, correctly rounded), or refused by both.
    #[test]
    fn numbers_read_as_serde_json_reads_them(text in number_text()) {
        assert_read_alike(&text);
        assert_read_alike(&format!("[{text}]"));
    }

    /// A document damaged in one place is refused by both readers, or read the same by both.
    #[test]
    fn damaged_documents_read_as_serde_json_reads_them(
        v in value(true),
        (at, how, with) in any::<(usize, usize, usize)>(),
    ) {
        assert_read_alike(&damaged(&serde_json::to_string_pretty(&v).unwrap(), at, how, with));
    }
}

/// The error for `text`, which must be refused, by serde_json too.
fn refused(text: &str) -> String {
    assert!(serde_json::from_str::<serde_json::Value>(text).is_err(), "serde_json reads {text:?}");
    json::parse(text, Shape::Free).expect_err(text).to_string()
}

#[test]
fn what_is_not_json_is_refused_with_what_and_where() {
    let cases = [
        ("", "expected a value at line 1 column 1"),
        ("   ", "expected a value at line 1 column 4"),
        ("nul", "expected a value at line 1 column 1"),
        ("NaN", "expected a value at line 1 column 1"),
        ("Infinity", "expected a value at line 1 column 1"),
        ("'a'", "expected a value at line 1 column 1"),
        ("\u{feff}1", "expected a value at line 1 column 1"),
        ("// note\n1", "expected a value at line 1 column 1"),
        ("/* note */ 1", "expected a value at line 1 column 1"),
        ("[1,]", "expected a value at line 1 column 4"),
        ("[1 2]", "expected `,` or `]` at line 1 column 4"),
        ("[1", "expected `,` or `]` at line 1 column 3"),
        ("{\"a\":1,}", "expected a field name in double quotes at line 1 column 8"),
        ("{a:1}", "expected a field name in double quotes at line 1 column 2"),
        ("{\"a\" 1}", "expected `:` at line 1 column 6"),
        ("{\"a\":1 \"b\":2}", "expected `,` or `}` at line 1 column 8"),
        ("{\"a\":1", "expected `,` or `}` at line 1 column 7"),
        ("1 2", "unexpected text after the JSON value at line 1 column 3"),
        ("truex", "unexpected text after the JSON value at line 1 column 5"),
        ("01", "invalid number (no leading zeros) at line 1 column 2"),
        ("-01", "invalid number (no leading zeros) at line 1 column 3"),
        ("-", "invalid number (expected a digit) at line 1 column 2"),
        ("1.", "invalid number (expected a digit) at line 1 column 3"),
        ("1.e5", "invalid number (expected a digit) at line 1 column 3"),
        ("1e", "invalid number (expected a digit) at line 1 column 3"),
        ("1e+", "invalid number (expected a digit) at line 1 column 4"),
        (".5", "expected a value at line 1 column 1"),
        ("+1", "expected a value at line 1 column 1"),
        ("1e400", "number out of range at line 1 column 1"),
        ("[0, -1e400]", "number out of range at line 1 column 5"),
        ("\"abc", "the text ends inside a string at line 1 column 5"),
        ("\"a\nb\"", "control character in a string (write it as an escape, e.g. \\n) at line 1 column 3"),
        ("\"\u{0}\"", "control character in a string (write it as an escape, e.g. \\n) at line 1 column 2"),
        ("\"\\x\"", "invalid escape (known: \\\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX) at line 1 column 3"),
        ("\"\\", "invalid escape (known: \\\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX) at line 1 column 3"),
        ("\"\\u12\"", "expected four hex digits after \\u at line 1 column 6"),
        ("\"\\u+123\"", "expected four hex digits after \\u at line 1 column 4"),
        ("\"\\ud800\"", "lone surrogate in a \\u escape (a character above U+FFFF takes a pair) at line 1 column 8"),
        ("\"\\udc00\"", "lone surrogate in a \\u escape (a character above U+FFFF takes a pair) at line 1 column 8"),
        (
            "\"\\ud800\\u0041\"",
            "lone surrogate in a \\u escape (a character above U+FFFF takes a pair) at line 1 column 14",
        ),
        ("{\n  \"a\": [\n    tru\n  ]\n}", "expected a value at line 3 column 5"),
        ("[\"é\", é]", "expected a value at line 1 column 7"),
    ];
    for (text, message) in cases {
        assert_eq!(refused(text), message, "{text:?}");
    }
}

#[test]
fn nesting_is_limited() {
    let nested = |depth: usize| format!("{}{}", "[".repeat(depth), "]".repeat(depth));
    assert!(json::parse(&nested(MAX_DEPTH), Shape::Free).is_ok());
    let too_deep = "arrays and objects nested too deep (at most 64) at line 1 column 65";
    assert_eq!(json::parse(&nested(MAX_DEPTH + 1), Shape::Free).unwrap_err().to_string(), too_deep);
    // Refused at the limit, long before the stack runs out (serde_json's limit is 128).
    assert_eq!(refused(&"[".repeat(100_000)), too_deep);
    assert_eq!(refused(&"{\"a\":".repeat(100_000)), too_deep.replace("65", "321"));
}

#[test]
fn huge_numbers_are_floats_or_refused() {
    let read = |text: &str| json::parse(text, Shape::Free).map_err(|e| e.to_string());
    assert_eq!(read(&format!("1{}", "0".repeat(300))), Ok(Json::Number(Number::Float(1e300))));
    assert_eq!(read(&format!("1{}", "0".repeat(400))).unwrap_err(), "number out of range at line 1 column 1");
    assert_eq!(read("1e99999999999999999999").unwrap_err(), "number out of range at line 1 column 1");
    assert_eq!(read("1e-99999999999999999999"), Ok(Json::Number(Number::Float(0.0))));
    assert_eq!(read(&format!("0.{}1", "0".repeat(400))), Ok(Json::Number(Number::Float(0.0))));
}

/// As serde_json read them: a whole number is one without a point or an exponent that
/// fits u64 (or i64, below zero); `-0` is a float.
#[test]
fn whole_numbers_and_floats_are_told_apart() {
    let number = |text: &str| match json::parse(text, Shape::Free) {
        Ok(Json::Number(n)) => n,
        other => panic!("{text}: {other:?}"),
    };
    assert_eq!(number("1"), Number::Whole(1));
    assert_eq!(number("1.0"), Number::Float(1.0));
    assert_eq!(number("1e3"), Number::Float(1000.0));
    assert_eq!(number("-1"), Number::Negative(-1));
    assert!(matches!(number("-0"), Number::Float(z) if z == 0.0 && z.is_sign_negative()));
    assert_eq!(number("18446744073709551615"), Number::Whole(u64::MAX));
    assert_eq!(number("18446744073709551616"), Number::Float(18446744073709551616.0));
    assert_eq!(number("-9223372036854775808"), Number::Negative(i64::MIN));
    assert_eq!(number("-9223372036854775809"), Number::Float(-9223372036854775809.0));
    for text in ["1", "1.0", "1e3", "-1", "-0", "18446744073709551616", "0.1", "-9223372036854775809"] {
        assert_read_alike(text);
    }
}

#[test]
fn struct_fields_may_not_repeat() {
    let text = "{\"a\":1,\n \"b\":{\"c\":1,\"c\":2},\n \"a\":3}";
    assert_eq!(
        json::parse(text, Shape::Struct(&[])).unwrap_err().to_string(),
        "duplicate field `a` at line 3 column 2"
    );
    const INNER: Shape = Shape::Struct(&[("b", Shape::Struct(&[]))]);
    assert_eq!(json::parse(text, INNER).unwrap_err().to_string(), "duplicate field `c` at line 2 column 13");
    // Elsewhere the last value counts, as in serde_json's map.
    let read = assert_read_alike(text).unwrap();
    assert_eq!(read.to_string(), r#"{"a":3,"b":{"c":2}}"#);
}

/// Fields are kept sorted by name however they come, each once: inserting one is a search
/// and a move of the ones after it, so a hostile link's many fields in reverse order take
/// time to read, but little (a link holds at most 256 KiB of JSON).
#[test]
fn many_fields_in_reverse_order_read_in_little_time() {
    let fields: Vec<String> = (0..25_000).rev().map(|i| format!("\"{i:05}\":0")).collect();
    let text = format!("{{{}}}", fields.join(","));
    assert!(text.len() <= 256 * 1024);
    let started = std::time::Instant::now();
    let Ok(Json::Object(read)) = json::parse(&text, Shape::Free) else { panic!("an object") };
    assert_eq!(read.len(), 25_000);
    assert_eq!(read[0].0, "00000");
    assert!(started.elapsed().as_secs() < 5, "{:?}", started.elapsed());
}
