//! JSON of our own, for scenarios, links and client actions: a [`Json`] value, a parser and
//! a writer. Not serde_json's, for the size of the lab's download: its parser (driven
//! through a visitor), its `Value` and the `BTreeMap` behind its `Map` (insert, remove and
//! merge code of their own) and its error type (which brings std's I/O error texts) are
//! far more than scenarios need, a few objects of a handful of fields read once (13.7 KB
//! of the gzipped download, `docs/benchmarks.md`). Reading goes through a [`Json`] and
//! small readers, one per kind of field, whose errors name the path
//! (`network.latency_ms: expected …`). Writing builds a [`Json`] tree whose objects keep
//! their fields in the order given, and prints it exactly as serde_json printed it: the
//! same text, compact or pretty, byte for byte (share links and trace hashes depend on it).
//!
//! The parser is strict RFC 8259 (no comments, no trailing commas, no leading zeros, no
//! raw control characters in strings, `\u` escapes with whole surrogate pairs), and a
//! scenario is untrusted input (any link opens one): nesting is limited, and every
//! refusal is a message with a line and column, never a panic.

use std::fmt::{self, Display, Write as _};

/// A JSON value.
#[derive(Clone, Debug, PartialEq)]
pub enum Json {
    Null,
    Bool(bool),
    Number(Number),
    String(String),
    Array(Vec<Json>),
    /// Fields in the order they are written. A parsed object has them sorted by name,
    /// each name once, as its [`Map`] keeps them.
    Object(Vec<(String, Json)>),
}

/// A number as the readers tell them apart: written without a point or an exponent,
/// a whole number that fits `u64` (or `i64`, below zero); anything else a float. So `1`
/// is a whole number and `1.0` and `1e3` are not, as serde_json read them.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Number {
    Whole(u64),
    /// A whole number below zero.
    Negative(i64),
    /// Always finite: `Json::from(f64)` makes `null` of anything else, as serde_json did,
    /// and the parser refuses numbers out of range.
    Float(f64),
}

/// A JSON object read as a map: fields sorted by name, each name once; put in again, a
/// name keeps the last value. A list, not a map type: objects here have a handful of
/// fields, and a map type would ship its own code. Sorted as serde_json's map kept them,
/// so that a document read and written again keeps its bytes (a scenario's `params`, a
/// timeline entry) and the first unknown name is the same one.
///
/// Putting a field in is a binary search and a move of the fields after it: nothing for a
/// handful, and bounded for a hostile link with many fields in reverse order (a link holds
/// at most 256 KiB of JSON: 25 000 such fields take about half a second natively).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Map(Vec<(String, Json)>);

impl Map {
    pub fn new() -> Map {
        Map(Vec::new())
    }

    fn find(&self, key: &str) -> Result<usize, usize> {
        self.0.binary_search_by(|(k, _)| k.as_str().cmp(key))
    }

    pub fn get(&self, key: &str) -> Option<&Json> {
        self.find(key).ok().map(|i| &self.0[i].1)
    }

    pub fn contains_key(&self, key: &str) -> bool {
        self.find(key).is_ok()
    }

    /// Puts `value` in under `key`; returns the value it replaces.
    pub fn insert(&mut self, key: String, value: Json) -> Option<Json> {
        match self.find(&key) {
            Ok(i) => Some(std::mem::replace(&mut self.0[i].1, value)),
            Err(i) => {
                self.0.insert(i, (key, value));
                None
            }
        }
    }

    pub fn remove(&mut self, key: &str) -> Option<Json> {
        self.find(key).ok().map(|i| self.0.remove(i).1)
    }

    pub fn retain(&mut self, mut keep: impl FnMut(&str, &Json) -> bool) {
        self.0.retain(|(k, v)| keep(k, v));
    }

    pub fn keys(&self) -> impl Iterator<Item = &str> {
        self.0.iter().map(|(k, _)| k.as_str())
    }

    pub fn iter(&self) -> impl Iterator<Item = (&str, &Json)> {
        self.0.iter().map(|(k, v)| (k.as_str(), v))
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl FromIterator<(String, Json)> for Map {
    fn from_iter<I: IntoIterator<Item = (String, Json)>>(fields: I) -> Map {
        let mut map = Map::new();
        for (k, v) in fields {
            map.insert(k, v);
        }
        map
    }
}

/// Why a JSON document was refused: what is wrong, and where.
#[derive(Debug)]
pub struct JsonError {
    /// `network.latency_ms`, `timeline[3].node`; empty for the document itself.
    path: String,
    message: String,
}

impl JsonError {
    pub fn new(message: impl Into<String>) -> JsonError {
        JsonError { path: String::new(), message: message.into() }
    }

    /// "expected a string, found 3".
    pub fn expected(what: &str, found: &Json) -> JsonError {
        let found = match found {
            Json::String(_) => "a string".into(),
            Json::Array(items) => format!("an array of {}", items.len()),
            Json::Object(_) => "an object".into(),
            scalar => scalar.to_string(),
        };
        JsonError::new(format!("expected {what}, found {found}"))
    }

    /// The same error seen from one level up: `name` is a field (`network`) or an index (`[3]`).
    pub fn within(mut self, name: &str) -> JsonError {
        let sep = if self.path.is_empty() || self.path.starts_with('[') { "" } else { "." };
        self.path = format!("{name}{sep}{}", self.path);
        self
    }
}

impl Display for JsonError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if !self.path.is_empty() {
            write!(f, "{}: ", self.path)?;
        }
        f.write_str(&self.message)
    }
}

/// Which objects of a document are structs, whose fields may each appear only once
/// (serde's derived parser refused a repeated field); in other objects a repeated name
/// keeps its last value, as in any [`Map`].
#[derive(Clone, Copy)]
pub enum Shape {
    Free,
    /// A struct, with the shapes of those of its fields that hold structs.
    Struct(&'static [(&'static str, Shape)]),
    /// An array of values of one shape.
    ListOf(&'static Shape),
}

/// Deepest nesting of arrays and objects read. A scenario needs five (a partition's groups,
/// in a timeline entry); the limit keeps a hostile link (`[[[[…`) from running the
/// parser's recursion out of stack.
pub const MAX_DEPTH: usize = 64;

/// Parses `text` as one JSON value, refusing repeated fields where `shape` has structs.
pub fn parse(text: &str, shape: Shape) -> Result<Json, JsonError> {
    let mut parser = Parser { text, at: 0, depth: 0 };
    let value = parser.value(shape)?;
    if parser.next().is_some() {
        return Err(parser.error("unexpected text after the JSON value"));
    }
    Ok(value)
}

/// A recursive-descent parser over `text`, at byte `at`, inside `depth` arrays and objects.
struct Parser<'a> {
    text: &'a str,
    at: usize,
    depth: usize,
}

impl Parser<'_> {
    fn peek(&self) -> Option<u8> {
        self.text.as_bytes().get(self.at).copied()
    }

    /// The next byte after whitespace (not consumed).
    fn next(&mut self) -> Option<u8> {
        while let Some(b' ' | b'\t' | b'\n' | b'\r') = self.peek() {
            self.at += 1;
        }
        self.peek()
    }

    /// Consumes `b` if it comes next, without skipping whitespace.
    fn eat(&mut self, b: u8) -> bool {
        let found = self.peek() == Some(b);
        self.at += usize::from(found);
        found
    }

    /// `what` is wrong at the current place: "… at line 2 column 7" (columns in characters).
    fn error(&self, what: &str) -> JsonError {
        let before = &self.text.as_bytes()[..self.at];
        let line_start = before.iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1);
        let line = 1 + before.iter().filter(|&&b| b == b'\n').count();
        // Characters, not bytes: UTF-8 continuation bytes do not count.
        let column = 1 + before[line_start..].iter().filter(|&&b| b & 0xc0 != 0x80).count();
        JsonError::new(format!("{what} at line {line} column {column}"))
    }

    fn value(&mut self, shape: Shape) -> Result<Json, JsonError> {
        match self.next() {
            Some(b'[') => self.array(shape),
            Some(b'{') => self.object(shape),
            Some(b'"') => self.string().map(Json::String),
            Some(b'-' | b'0'..=b'9') => self.number().map(Json::Number),
            _ => {
                for (word, value) in [("null", Json::Null), ("true", Json::Bool(true)), ("false", Json::Bool(false))] {
                    if self.text.as_bytes()[self.at..].starts_with(word.as_bytes()) {
                        self.at += word.len();
                        return Ok(value);
                    }
                }
                Err(self.error("expected a value"))
            }
        }
    }

    /// Steps past the bracket of an array or object, one level deeper.
    fn enter(&mut self) -> Result<(), JsonError> {
        if self.depth == MAX_DEPTH {
            return Err(self.error(&format!("arrays and objects nested too deep (at most {MAX_DEPTH})")));
        }
        self.depth += 1;
        self.at += 1;
        Ok(())
    }

    /// Steps past the closing bracket of an array or object, one level up again.
    fn leave(&mut self) {
        self.depth -= 1;
        self.at += 1;
    }

    /// Right after an item of an array or object: true past a `,` (another item
    /// follows), false past `close` (the end).
    fn more(&mut self, close: u8, expected: &str) -> Result<bool, JsonError> {
        match self.next() {
            Some(b',') => {
                self.at += 1;
                Ok(true)
            }
            Some(b) if b == close => {
                self.leave();
                Ok(false)
            }
            _ => Err(self.error(expected)),
        }
    }

    fn array(&mut self, shape: Shape) -> Result<Json, JsonError> {
        self.enter()?;
        let item = if let Shape::ListOf(item) = shape { *item } else { Shape::Free };
        let mut items = Vec::new();
        if self.next() == Some(b']') {
            self.leave();
        } else {
            loop {
                items.push(self.value(item)?);
                if !self.more(b']', "expected `,` or `]`")? {
                    break;
                }
            }
        }
        Ok(Json::Array(items))
    }

    fn object(&mut self, shape: Shape) -> Result<Json, JsonError> {
        self.enter()?;
        let fields = if let Shape::Struct(fields) = shape { Some(fields) } else { None };
        let mut map = Map::new();
        if self.next() == Some(b'}') {
            self.leave();
        } else {
            loop {
                if self.next() != Some(b'"') {
                    return Err(self.error("expected a field name in double quotes"));
                }
                let at = self.at;
                let key = self.string()?;
                if fields.is_some() && map.contains_key(&key) {
                    self.at = at;
                    return Err(self.error(&format!("duplicate field `{key}`")));
                }
                if self.next() != Some(b':') {
                    return Err(self.error("expected `:`"));
                }
                self.at += 1;
                let shape = fields.and_then(|f| f.iter().find(|(name, _)| *name == key)).map_or(Shape::Free, |f| f.1);
                let value = self.value(shape)?;
                map.insert(key, value);
                if !self.more(b'}', "expected `,` or `}`")? {
                    break;
                }
            }
        }
        Ok(map.into())
    }

    /// A string, from its opening quote.
    fn string(&mut self) -> Result<String, JsonError> {
        self.at += 1;
        let mut out = String::new();
        loop {
            // Plain characters up to the next quote, backslash or control character,
            // copied as a whole (they end on an ASCII byte, so on a character boundary).
            let start = self.at;
            while let Some(b) = self.peek()
                && b != b'"'
                && b != b'\\'
                && b >= 0x20
            {
                self.at += 1;
            }
            out.push_str(&self.text[start..self.at]);
            match self.peek() {
                Some(b'"') => {
                    self.at += 1;
                    return Ok(out);
                }
                Some(b'\\') => {
                    self.at += 1;
                    out.push(self.escape()?);
                }
                Some(_) => return Err(self.error("control character in a string (write it as an escape, e.g. \\n)")),
                None => return Err(self.error("the text ends inside a string")),
            }
        }
    }

    /// The character an escape stands for, from just after its backslash.
    fn escape(&mut self) -> Result<char, JsonError> {
        let c = match self.peek() {
            Some(b'"') => '"',
            Some(b'\\') => '\\',
            Some(b'/') => '/',
            Some(b'b') => '\u{8}',
            Some(b'f') => '\u{c}',
            Some(b'n') => '\n',
            Some(b'r') => '\r',
            Some(b't') => '\t',
            Some(b'u') => {
                self.at += 1;
                return self.unicode_escape();
            }
            _ => return Err(self.error("invalid escape (known: \\\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX)")),
        };
        self.at += 1;
        Ok(c)
    }

    /// A `\u` escape's character, from just after the `u`: a surrogate pair (two escapes)
    /// outside the Basic Multilingual Plane.
    fn unicode_escape(&mut self) -> Result<char, JsonError> {
        let lone = "lone surrogate in a \\u escape (a character above U+FFFF takes a pair)";
        let first = self.hex4()?;
        let code = match first {
            0xd800..=0xdbff => {
                if !(self.eat(b'\\') && self.eat(b'u')) {
                    return Err(self.error(lone));
                }
                let second = self.hex4()?;
                if !(0xdc00..=0xdfff).contains(&second) {
                    return Err(self.error(lone));
                }
                0x10000 + ((first - 0xd800) << 10) + (second - 0xdc00)
            }
            0xdc00..=0xdfff => return Err(self.error(lone)),
            _ => first,
        };
        char::from_u32(code).ok_or_else(|| self.error(lone))
    }

    fn hex4(&mut self) -> Result<u32, JsonError> {
        let mut code = 0;
        for _ in 0..4 {
            let digit = self.peek().and_then(|b| char::from(b).to_digit(16));
            code = code * 16 + digit.ok_or_else(|| self.error("expected four hex digits after \\u"))?;
            self.at += 1;
        }
        Ok(code)
    }

    fn number(&mut self) -> Result<Number, JsonError> {
        let start = self.at;
        let negative = self.eat(b'-');
        if self.eat(b'0') {
            if let Some(b'0'..=b'9') = self.peek() {
                return Err(self.error("invalid number (no leading zeros)"));
            }
        } else {
            self.digits()?;
        }
        let mut whole = true;
        if self.eat(b'.') {
            whole = false;
            self.digits()?;
        }
        if self.eat(b'e') || self.eat(b'E') {
            whole = false;
            let _ = self.eat(b'+') || self.eat(b'-');
            self.digits()?;
        }
        let text = &self.text[start..self.at];
        // `-0` is a float, as serde_json read it (it has no whole number below zero).
        if whole
            && !negative
            && let Ok(n) = text.parse()
        {
            return Ok(Number::Whole(n));
        }
        if whole && let Ok(n @ ..0) = text.parse() {
            return Ok(Number::Negative(n));
        }
        // Correctly rounded; too large to be finite is refused, as serde_json refused it.
        match text.parse::<f64>() {
            Ok(x) if x.is_finite() => Ok(Number::Float(x)),
            _ => {
                self.at = start;
                Err(self.error("number out of range"))
            }
        }
    }

    /// One or more decimal digits.
    fn digits(&mut self) -> Result<(), JsonError> {
        let start = self.at;
        while let Some(b'0'..=b'9') = self.peek() {
            self.at += 1;
        }
        if self.at == start {
            return Err(self.error("invalid number (expected a digit)"));
        }
        Ok(())
    }
}

/// An object from JSON text, for tests.
#[cfg(test)]
pub fn map(text: &str) -> Map {
    object(parse(text, Shape::Free).unwrap()).unwrap()
}

/// A JSON object read as a struct: each field taken by name, no field unknown.
pub struct Fields(Map);

impl Fields {
    /// Reads `value` as an object whose fields are all among `known`.
    pub fn new(value: Json, known: &[&str]) -> Result<Fields, JsonError> {
        Fields::of(object(value)?, known)
    }

    pub fn of(map: Map, known: &[&str]) -> Result<Fields, JsonError> {
        if let Some(name) = map.keys().find(|k| !known.contains(k)) {
            return Err(JsonError::new(format!("unknown field `{name}` (known fields: {})", known.join(", "))));
        }
        Ok(Fields(map))
    }

    /// The field read by `read`, or `None` if it is left out.
    pub fn get<T>(
        &mut self,
        name: &str,
        read: impl FnOnce(Json) -> Result<T, JsonError>,
    ) -> Result<Option<T>, JsonError> {
        self.0.remove(name).map(|v| read(v).map_err(|e| e.within(name))).transpose()
    }

    /// A field that must be there.
    pub fn req<T>(&mut self, name: &str, read: impl FnOnce(Json) -> Result<T, JsonError>) -> Result<T, JsonError> {
        self.get(name, read)?.ok_or_else(|| JsonError::new(format!("missing field `{name}`")))
    }

    /// An optional field: left out or `null`, it is `None`.
    pub fn opt<T>(
        &mut self,
        name: &str,
        read: impl FnOnce(Json) -> Result<T, JsonError>,
    ) -> Result<Option<T>, JsonError> {
        self.get(name, |v| if matches!(v, Json::Null) { Ok(None) } else { read(v).map(Some) }).map(Option::flatten)
    }
}

/// The readers, one per kind of value.
pub fn whole(v: Json) -> Result<u64, JsonError> {
    v.as_u64().ok_or_else(|| JsonError::expected("a whole number, 0 or more", &v))
}

/// A whole number that fits a smaller type (`u32`, `usize`).
pub fn small<T: TryFrom<u64>>(v: Json) -> Result<T, JsonError> {
    let n = whole(v)?;
    T::try_from(n).map_err(|_| JsonError::new(format!("{n} is too large")))
}

pub fn integer(v: Json) -> Result<i64, JsonError> {
    v.as_i64().ok_or_else(|| JsonError::expected("a whole number", &v))
}

pub fn number(v: Json) -> Result<f64, JsonError> {
    v.as_f64().ok_or_else(|| JsonError::expected("a number", &v))
}

pub fn string(v: Json) -> Result<String, JsonError> {
    match v {
        Json::String(s) => Ok(s),
        _ => Err(JsonError::expected("a string", &v)),
    }
}

/// An object, as a [`Map`] (a parsed object's fields are in its order already).
pub fn object(v: Json) -> Result<Map, JsonError> {
    match v {
        Json::Object(fields) => Ok(fields.into_iter().collect()),
        _ => Err(JsonError::expected("an object", &v)),
    }
}

pub fn list<T>(v: Json, read: impl Fn(Json) -> Result<T, JsonError>) -> Result<Vec<T>, JsonError> {
    let Json::Array(items) = v else { return Err(JsonError::expected("an array", &v)) };
    items.into_iter().enumerate().map(|(i, item)| read(item).map_err(|e| e.within(&format!("[{i}]")))).collect()
}

/// `[min, max]`.
pub fn range(v: Json) -> Result<[u64; 2], JsonError> {
    let items = list(v, whole)?;
    <[u64; 2]>::try_from(items)
        .map_err(|items| JsonError::new(format!("expected two numbers [min, max], found {}", items.len())))
}

impl Json {
    /// An object with these fields, in this order.
    pub fn object(fields: Vec<(&str, Json)>) -> Json {
        Json::Object(fields.into_iter().map(|(k, v)| (k.into(), v)).collect())
    }

    /// A whole number 0 or more.
    pub fn as_u64(&self) -> Option<u64> {
        match *self {
            Json::Number(Number::Whole(n)) => Some(n),
            _ => None,
        }
    }

    /// A whole number that fits `i64`.
    pub fn as_i64(&self) -> Option<i64> {
        match *self {
            Json::Number(Number::Whole(n)) => i64::try_from(n).ok(),
            Json::Number(Number::Negative(n)) => Some(n),
            _ => None,
        }
    }

    /// Any number.
    pub fn as_f64(&self) -> Option<f64> {
        match *self {
            Json::Number(Number::Whole(n)) => Some(n as f64),
            Json::Number(Number::Negative(n)) => Some(n as f64),
            Json::Number(Number::Float(x)) => Some(x),
            _ => None,
        }
    }

    pub fn as_bool(&self) -> Option<bool> {
        match *self {
            Json::Bool(b) => Some(b),
            _ => None,
        }
    }

    pub fn as_str(&self) -> Option<&str> {
        match self {
            Json::String(s) => Some(s),
            _ => None,
        }
    }

    pub fn as_array(&self) -> Option<&Vec<Json>> {
        match self {
            Json::Array(items) => Some(items),
            _ => None,
        }
    }

    /// The text serde_json writes for the same data: compact, or `pretty` as
    /// `to_string_pretty` (two-space indents).
    pub fn write(&self, pretty: bool) -> String {
        let mut out = String::new();
        self.write_to(&mut out, pretty.then_some(0));
        out
    }

    /// `depth` is the indent level when pretty, `None` when compact.
    fn write_to(&self, out: &mut String, depth: Option<usize>) {
        let (open, close, items): (char, char, Vec<(Option<&str>, &Json)>) = match self {
            // Scalars are written the same in both styles.
            Json::Null => return out.push_str("null"),
            Json::Bool(b) => return out.push_str(if *b { "true" } else { "false" }),
            Json::Number(n) => {
                let _ = write!(out, "{n}");
                return;
            }
            Json::String(s) => return write_string(out, s),
            Json::Array(items) => ('[', ']', items.iter().map(|v| (None, v)).collect()),
            Json::Object(fields) => ('{', '}', fields.iter().map(|(k, v)| (Some(k.as_str()), v)).collect()),
        };
        let inner = depth.map(|d| d + 1);
        out.push(open);
        for (i, (key, value)) in items.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            newline(out, inner);
            if let Some(key) = key {
                write_string(out, key);
                out.push_str(if depth.is_some() { ": " } else { ":" });
            }
            value.write_to(out, inner);
        }
        // An empty array or object stays `[]` or `{}` in pretty text too.
        if !items.is_empty() {
            newline(out, depth);
        }
        out.push(close);
    }
}

/// `s` quoted and escaped as serde_json escapes: `"` and `\`, the control characters
/// (short forms where JSON has them, else `\u00XX` in lower case), nothing else.
fn write_string(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\0'..='\u{1f}' => {
                let _ = write!(out, "\\u{:04x}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

fn newline(out: &mut String, depth: Option<usize>) {
    if let Some(depth) = depth {
        out.push('\n');
        for _ in 0..depth {
            out.push_str("  ");
        }
    }
}

/// Compact JSON, as in error messages ("must be true or false, not 3").
impl Display for Json {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.write(false))
    }
}

/// Whole numbers plainly, floats in the shortest form that reads back the same (zmij's,
/// as serde_json wrote them: `1.0`, `0.001`, `1.25e-7`, `1e+21`).
impl Display for Number {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Number::Whole(n) => write!(f, "{n}"),
            Number::Negative(n) => write!(f, "{n}"),
            Number::Float(x) => f.write_str(zmij::Buffer::new().format_finite(x)),
        }
    }
}

impl From<bool> for Json {
    fn from(b: bool) -> Json {
        Json::Bool(b)
    }
}

/// A float: `null` if not finite, as serde_json wrote it.
impl From<f64> for Json {
    fn from(x: f64) -> Json {
        if x.is_finite() { Json::Number(Number::Float(x)) } else { Json::Null }
    }
}

impl From<u64> for Json {
    fn from(n: u64) -> Json {
        Json::Number(Number::Whole(n))
    }
}

impl From<i64> for Json {
    fn from(n: i64) -> Json {
        Json::Number(if n < 0 { Number::Negative(n) } else { Number::Whole(n as u64) })
    }
}

impl From<usize> for Json {
    fn from(n: usize) -> Json {
        (n as u64).into()
    }
}

impl From<[u64; 2]> for Json {
    fn from([lo, hi]: [u64; 2]) -> Json {
        Json::Array(vec![lo.into(), hi.into()])
    }
}

impl<T: Into<Json>> From<Vec<T>> for Json {
    fn from(items: Vec<T>) -> Json {
        Json::Array(items.into_iter().map(Into::into).collect())
    }
}

impl From<&str> for Json {
    fn from(s: &str) -> Json {
        Json::String(s.into())
    }
}

impl From<String> for Json {
    fn from(s: String) -> Json {
        Json::String(s)
    }
}

impl From<Map> for Json {
    fn from(map: Map) -> Json {
        Json::Object(map.0)
    }
}
