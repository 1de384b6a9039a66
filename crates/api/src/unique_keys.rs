//! JSON read with every object's keys unique: `{"a": 1, "a": 2}` is refused
//! naming the key's path, instead of one value silently winning.

use std::cell::Cell;
use std::fmt;

use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Value};

/// Why a body could not be read.
pub enum Refusal {
    /// Not one JSON value.
    Malformed(serde_json::Error),
    /// A key appears twice in one object: its path (`title.uk`).
    DuplicateKey(String),
}

/// Parses exactly one JSON value whose objects repeat no key.
pub fn parse(bytes: &[u8]) -> Result<Value, Refusal> {
    let duplicate = Cell::new(None);
    let mut de = serde_json::Deserializer::from_slice(bytes);
    let read =
        Unique { path: String::new(), duplicate: &duplicate }.deserialize(&mut de).and_then(|v| de.end().map(|()| v));
    read.map_err(|e| match duplicate.take() {
        Some(path) => Refusal::DuplicateKey(path),
        None => Refusal::Malformed(e),
    })
}

/// Builds a value at `path`, noting the first duplicate key in `duplicate`.
struct Unique<'a> {
    path: String,
    duplicate: &'a Cell<Option<String>>,
}

impl<'de> DeserializeSeed<'de> for Unique<'_> {
    type Value = Value;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Value, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Unique<'_> {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_bool<E>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }

    fn visit_i64<E>(self, v: i64) -> Result<Value, E> {
        Ok(Value::from(v))
    }

    fn visit_u64<E>(self, v: u64) -> Result<Value, E> {
        Ok(Value::from(v))
    }

    fn visit_f64<E>(self, v: f64) -> Result<Value, E> {
        Ok(Value::from(v))
    }

    fn visit_str<E>(self, v: &str) -> Result<Value, E> {
        Ok(Value::String(v.to_owned()))
    }

    fn visit_string<E>(self, v: String) -> Result<Value, E> {
        Ok(Value::String(v))
    }

    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq
            .next_element_seed(Unique { path: format!("{}[{}]", self.path, items.len()), duplicate: self.duplicate })?
        {
            items.push(item);
        }
        Ok(Value::Array(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut out = Map::new();
        while let Some(key) = map.next_key::<String>()? {
            let path = if self.path.is_empty() { key.clone() } else { format!("{}.{key}", self.path) };
            if out.contains_key(&key) {
                self.duplicate.set(Some(path));
                return Err(de::Error::custom("duplicate key"));
            }
            let value = map.next_value_seed(Unique { path, duplicate: self.duplicate })?;
            out.insert(key, value);
        }
        Ok(Value::Object(out))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn duplicate_keys_are_named_and_everything_else_reads_as_serde_json_reads_it() {
        let text = br#"{"a": [1, -2, 3.5, "x", null, true, {"b": {}}], "c": {"d": "e"}}"#;
        assert_eq!(parse(text).ok(), serde_json::from_slice(text).ok());
        for (text, path) in [
            (&br#"{"a": 1, "a": 2}"#[..], "a"),
            (br#"{"title": {"uk": "x", "uk": "y"}}"#, "title.uk"),
            (br#"{"costs": [{"year": 1}, {"year": 2, "year": 3}]}"#, "costs[1].year"),
        ] {
            assert!(matches!(parse(text), Err(Refusal::DuplicateKey(p)) if p == path), "{path}");
        }
        assert!(matches!(parse(b"{\"a\": 1} 2"), Err(Refusal::Malformed(_))));
        assert!(matches!(parse(b"[1,"), Err(Refusal::Malformed(_))));
    }
}
