//! JSON read and written by hand, for scenarios: serde's derived code for them was a
//! large part of the lab's download (every field of every struct inlined into
//! serde_json's parser, once per type), while a scenario is read once and written
//! rarely. Reading goes through a [`Value`] and small readers, one per kind of field,
//! whose errors name the path (`network.latency_ms: expected …`). Writing builds a
//! [`Json`] tree whose objects keep their fields in the order given, and prints it
//! exactly as serde_json prints: the same text, compact or pretty, byte for byte.

use std::fmt::{self, Display, Write as _};

use serde::de::{self, DeserializeSeed, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Number, Value};

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
    pub fn expected(what: &str, found: &Value) -> JsonError {
        let found = match found {
            Value::Null => "null".into(),
            Value::Bool(b) => b.to_string(),
            Value::Number(n) => n.to_string(),
            Value::String(_) => "a string".into(),
            Value::Array(items) => format!("an array of {}", items.len()),
            Value::Object(_) => "an object".into(),
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
/// (serde's derived parser refused a repeated field); in other objects a repeated key
/// keeps its last value, as in any [`Map`].
#[derive(Clone, Copy)]
pub enum Shape {
    Free,
    /// A struct, with the shapes of those of its fields that hold structs.
    Struct(&'static [(&'static str, Shape)]),
    /// An array of values of one shape.
    ListOf(&'static Shape),
}

/// Parses `text` as a [`Value`], refusing repeated fields where `shape` has structs.
pub fn parse(text: &str, shape: Shape) -> Result<Value, serde_json::Error> {
    let mut de = serde_json::Deserializer::from_str(text);
    let value = shape.deserialize(&mut de)?;
    de.end()?;
    Ok(value)
}

impl<'de> DeserializeSeed<'de> for Shape {
    type Value = Value;

    fn deserialize<D: de::Deserializer<'de>>(self, de: D) -> Result<Value, D::Error> {
        de.deserialize_any(self)
    }
}

/// Builds a [`Value`] as serde_json's own visitor does, but knowing the shape.
impl<'de> Visitor<'de> for Shape {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_bool<E>(self, b: bool) -> Result<Value, E> {
        Ok(Value::Bool(b))
    }

    fn visit_i64<E>(self, n: i64) -> Result<Value, E> {
        Ok(n.into())
    }

    fn visit_u64<E>(self, n: u64) -> Result<Value, E> {
        Ok(n.into())
    }

    fn visit_f64<E>(self, n: f64) -> Result<Value, E> {
        Ok(Number::from_f64(n).map_or(Value::Null, Value::Number))
    }

    fn visit_str<E>(self, s: &str) -> Result<Value, E> {
        Ok(Value::String(s.into()))
    }

    fn visit_string<E>(self, s: String) -> Result<Value, E> {
        Ok(Value::String(s))
    }

    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let item = if let Shape::ListOf(item) = self { *item } else { Shape::Free };
        let mut items = Vec::new();
        while let Some(value) = seq.next_element_seed(item)? {
            items.push(value);
        }
        Ok(Value::Array(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let fields = if let Shape::Struct(fields) = self { Some(fields) } else { None };
        let mut out = Map::new();
        while let Some(key) = map.next_key::<String>()? {
            if fields.is_some() && out.contains_key(&key) {
                return Err(de::Error::custom(format_args!("duplicate field `{key}`")));
            }
            let shape = fields.and_then(|f| f.iter().find(|(name, _)| *name == key)).map_or(Shape::Free, |f| f.1);
            let value = map.next_value_seed(shape)?;
            out.insert(key, value);
        }
        Ok(Value::Object(out))
    }
}

/// A JSON object read as a struct: each field taken by name, no field unknown.
pub struct Fields(Map<String, Value>);

impl Fields {
    /// Reads `value` as an object whose fields are all among `known`.
    pub fn new(value: Value, known: &[&str]) -> Result<Fields, JsonError> {
        let Value::Object(map) = value else { return Err(JsonError::expected("an object", &value)) };
        Fields::of(map, known)
    }

    pub fn of(map: Map<String, Value>, known: &[&str]) -> Result<Fields, JsonError> {
        if let Some(name) = map.keys().find(|k| !known.contains(&k.as_str())) {
            return Err(JsonError::new(format!("unknown field `{name}` (known fields: {})", known.join(", "))));
        }
        Ok(Fields(map))
    }

    /// The field read by `read`, or `None` if it is left out.
    pub fn get<T>(
        &mut self,
        name: &str,
        read: impl FnOnce(Value) -> Result<T, JsonError>,
    ) -> Result<Option<T>, JsonError> {
        self.0.remove(name).map(|v| read(v).map_err(|e| e.within(name))).transpose()
    }

    /// A field that must be there.
    pub fn req<T>(&mut self, name: &str, read: impl FnOnce(Value) -> Result<T, JsonError>) -> Result<T, JsonError> {
        self.get(name, read)?.ok_or_else(|| JsonError::new(format!("missing field `{name}`")))
    }

    /// An optional field: left out or `null`, it is `None`.
    pub fn opt<T>(
        &mut self,
        name: &str,
        read: impl FnOnce(Value) -> Result<T, JsonError>,
    ) -> Result<Option<T>, JsonError> {
        self.get(name, |v| if v.is_null() { Ok(None) } else { read(v).map(Some) }).map(Option::flatten)
    }
}

/// The readers, one per kind of value.
pub fn whole(v: Value) -> Result<u64, JsonError> {
    v.as_u64().ok_or_else(|| JsonError::expected("a whole number, 0 or more", &v))
}

/// A whole number that fits a smaller type (`u32`, `usize`).
pub fn small<T: TryFrom<u64>>(v: Value) -> Result<T, JsonError> {
    let n = whole(v)?;
    T::try_from(n).map_err(|_| JsonError::new(format!("{n} is too large")))
}

pub fn integer(v: Value) -> Result<i64, JsonError> {
    v.as_i64().ok_or_else(|| JsonError::expected("a whole number", &v))
}

pub fn number(v: Value) -> Result<f64, JsonError> {
    v.as_f64().ok_or_else(|| JsonError::expected("a number", &v))
}

pub fn string(v: Value) -> Result<String, JsonError> {
    match v {
        Value::String(s) => Ok(s),
        _ => Err(JsonError::expected("a string", &v)),
    }
}

pub fn object(v: Value) -> Result<Map<String, Value>, JsonError> {
    match v {
        Value::Object(map) => Ok(map),
        _ => Err(JsonError::expected("an object", &v)),
    }
}

pub fn list<T>(v: Value, read: impl Fn(Value) -> Result<T, JsonError>) -> Result<Vec<T>, JsonError> {
    let Value::Array(items) = v else { return Err(JsonError::expected("an array", &v)) };
    items.into_iter().enumerate().map(|(i, item)| read(item).map_err(|e| e.within(&format!("[{i}]")))).collect()
}

/// `[min, max]`.
pub fn range(v: Value) -> Result<[u64; 2], JsonError> {
    let items = list(v, whole)?;
    <[u64; 2]>::try_from(items)
        .map_err(|items| JsonError::new(format!("expected two numbers [min, max], found {}", items.len())))
}

/// JSON to write. Objects keep their fields in the order given (a [`Map`] sorts its keys).
pub enum Json {
    /// A number, string, boolean or null.
    Scalar(Value),
    List(Vec<Json>),
    Object(Vec<(String, Json)>),
}

impl From<Value> for Json {
    fn from(v: Value) -> Json {
        match v {
            Value::Array(items) => Json::List(items.into_iter().map(Json::from).collect()),
            Value::Object(map) => Json::Object(map.into_iter().map(|(k, v)| (k, Json::from(v))).collect()),
            scalar => Json::Scalar(scalar),
        }
    }
}

impl Json {
    /// An object with these fields, in this order.
    pub fn object(fields: Vec<(&str, Json)>) -> Json {
        Json::Object(fields.into_iter().map(|(k, v)| (k.into(), v)).collect())
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
            // serde_json writes scalars the same in both styles, as Value's Display does.
            Json::Scalar(v) => {
                let _ = write!(out, "{v}");
                return;
            }
            Json::List(items) => ('[', ']', items.iter().map(|v| (None, v)).collect()),
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
                let _ = write!(out, "{}", Value::from(*key));
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

fn newline(out: &mut String, depth: Option<usize>) {
    if let Some(depth) = depth {
        out.push('\n');
        for _ in 0..depth {
            out.push_str("  ");
        }
    }
}

/// A number field: floats as serde_json prints them (shortest round-trip form, `null`
/// if not finite), integers plainly.
impl From<f64> for Json {
    fn from(n: f64) -> Json {
        Json::Scalar(n.into())
    }
}

impl From<u64> for Json {
    fn from(n: u64) -> Json {
        Json::Scalar(n.into())
    }
}

impl From<i64> for Json {
    fn from(n: i64) -> Json {
        Json::Scalar(n.into())
    }
}

impl From<usize> for Json {
    fn from(n: usize) -> Json {
        Json::Scalar(n.into())
    }
}

impl From<[u64; 2]> for Json {
    fn from([lo, hi]: [u64; 2]) -> Json {
        Json::List(vec![lo.into(), hi.into()])
    }
}

impl From<&str> for Json {
    fn from(s: &str) -> Json {
        Json::Scalar(s.into())
    }
}
