//! HTML forms as JSON documents: a field's name is its path in the API's
//! request body (`costs[1].amount`), so the API's field errors land next to
//! the inputs they name, and a stored document fills its form back.

use std::collections::BTreeMap;

use portfel_domain::FieldError;
use serde_json::{Map, Value};

use crate::error::PageError;

/// Name of the hidden field holding the version a form was filled against
/// (sent to the API as `If-Match`).
pub const VERSION_FIELD: &str = "_version";

/// An amount as people type it (`1 200,50`, `1.200.000,50`, `1,200,000.50`)
/// in the API's form (`1200.50`): spaces dropped, the last separator taken as
/// the decimal one unless it repeats. What still is no number (`40 млн`) is
/// sent as typed, so the refusal names the text the user wrote.
pub fn amount(raw: &str) -> String {
    let compact: String = raw.chars().filter(|c| !matches!(c, ' ' | '\u{a0}' | '\u{202f}' | '\'')).collect();
    let (commas, dots) = (compact.matches(',').count(), compact.matches('.').count());
    let normal = match (commas, dots) {
        (0, 0) | (0, 1) => compact.clone(),
        (1, 0) => compact.replace(',', "."),
        (_, 0) => compact.replace(',', ""),
        (0, _) => compact.replace('.', ""),
        _ if compact.rfind('.') > compact.rfind(',') => compact.replace(',', ""),
        _ => compact.replace('.', "").replace(',', "."),
    };
    if normal.parse::<rust_decimal::Decimal>().is_ok() { normal } else { raw.trim().to_owned() }
}

/// An amount typed in thousand UAH, in UAH; `None` when it is no number.
pub fn thousand_uah(typed: &str) -> Option<rust_decimal::Decimal> {
    let thousands = amount(typed).parse::<rust_decimal::Decimal>().ok()?;
    Some((thousands * rust_decimal::Decimal::ONE_THOUSAND).normalize())
}

/// The fields of a posted form, in order.
#[derive(Debug, Clone, Default)]
pub struct Fields(Vec<(String, String)>);

/// How a form field becomes JSON.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A string, left out when blank.
    Text,
    /// An integer (sent as a JSON number when it reads as one).
    Integer,
    /// An amount: spaces dropped, a decimal comma made a point.
    Money,
    /// A checkbox.
    Flag,
    /// A text area holding one item per line.
    Lines,
    /// Repeated fields (checkboxes of one name) giving a list of strings.
    List,
}

impl Fields {
    /// Parses an `application/x-www-form-urlencoded` body.
    pub fn parse(body: &[u8]) -> Result<Fields, PageError> {
        serde_urlencoded::from_bytes::<Vec<(String, String)>>(body).map(Fields).map_err(|_| PageError::BadForm)
    }

    /// The first value of `name`.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.0.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
    }

    /// The version the form was filled against (see [`VERSION_FIELD`]).
    pub fn version(&self) -> Result<portfel_api::extract::IfMatch, PageError> {
        self.get(VERSION_FIELD)
            .and_then(|v| v.parse().ok())
            .map(portfel_api::extract::IfMatch)
            .ok_or(PageError::BadForm)
    }

    /// The trimmed value of `name`, unless blank.
    pub fn text(&self, name: &str) -> Option<&str> {
        self.get(name).map(str::trim).filter(|v| !v.is_empty())
    }

    /// Every value of `name`.
    pub fn all(&self, name: &str) -> Vec<&str> {
        self.0.iter().filter(|(k, _)| k == name).map(|(_, v)| v.as_str()).collect()
    }

    /// (rest of the name, value) of every field whose name starts with `prefix`.
    pub fn all_named_with(&self, prefix: &str) -> Vec<(String, String)> {
        self.0.iter().filter_map(|(k, v)| k.strip_prefix(prefix).map(|rest| (rest.to_owned(), v.clone()))).collect()
    }

    /// The fields as values by name, every value kept, for filling a form back.
    pub fn values(&self) -> Values {
        let mut v = Values::default();
        for (k, val) in &self.0 {
            v.0.entry(k.clone()).or_default().push(val.clone());
        }
        v
    }

    /// The JSON document the fields describe, every field but the CSRF token;
    /// `kind` says how each (index-free) path converts. Rows whose fields are
    /// all blank are dropped.
    pub fn to_json(&self, kind: impl Fn(&str) -> Kind) -> Value {
        let mut root = Value::Object(Map::new());
        let mut lists: BTreeMap<&str, Vec<Value>> = BTreeMap::new();
        for (name, raw) in &self.0 {
            if name.starts_with('_') {
                continue;
            }
            let plain = strip_indices(name);
            let value = match kind(&plain) {
                Kind::List => {
                    lists.entry(name).or_default().push(Value::String(raw.clone()));
                    continue;
                }
                // Browsers send a text area's line breaks as CRLF; the API stores LF.
                Kind::Text => {
                    Some(raw.trim()).filter(|v| !v.is_empty()).map(|v| Value::String(v.replace("\r\n", "\n")))
                }
                Kind::Money => Some(amount(raw)).filter(|v| !v.is_empty()).map(Value::String),
                Kind::Integer => {
                    let t = raw.replace([' ', '\u{a0}', '\u{202f}'], "");
                    (!t.is_empty()).then(|| t.parse::<i64>().map_or(Value::String(t.clone()), Value::from))
                }
                Kind::Flag => Some(Value::Bool(matches!(raw.as_str(), "on" | "true" | "1"))),
                Kind::Lines => Some(Value::Array(
                    raw.lines().map(str::trim).filter(|l| !l.is_empty()).map(|l| Value::String(l.to_owned())).collect(),
                )),
            };
            if let Some(value) = value {
                set(&mut root, name, value);
            }
        }
        for (name, items) in lists {
            set(&mut root, name, Value::Array(items));
        }
        compact(&mut root);
        root
    }
}

/// `costs[1].amount` → `costs.amount`.
fn strip_indices(path: &str) -> String {
    let mut out = String::new();
    let mut depth = 0;
    for c in path.chars() {
        match c {
            '[' => depth += 1,
            ']' => depth -= 1,
            _ if depth == 0 => out.push(c),
            _ => {}
        }
    }
    out
}

/// Sets `value` at `path` (`a.b[2].c`) inside `root`, creating what is missing.
fn set(root: &mut Value, path: &str, value: Value) {
    let mut node = root;
    let parts: Vec<&str> = path.split('.').collect();
    for (i, part) in parts.iter().enumerate() {
        let last = i + 1 == parts.len();
        let (key, index) = match part.split_once('[') {
            Some((k, rest)) => (k, rest.trim_end_matches(']').parse::<usize>().ok()),
            None => (*part, None),
        };
        let Value::Object(map) = node else { return };
        match index {
            None if last => {
                map.insert(key.to_owned(), value);
                return;
            }
            None => node = map.entry(key.to_owned()).or_insert_with(|| Value::Object(Map::new())),
            Some(index) => {
                let Value::Array(items) = map.entry(key.to_owned()).or_insert_with(|| Value::Array(Vec::new())) else {
                    return;
                };
                while items.len() <= index {
                    items.push(Value::Null);
                }
                if last {
                    items[index] = value;
                    return;
                }
                if items[index].is_null() {
                    items[index] = Value::Object(Map::new());
                }
                node = &mut items[index];
            }
        }
    }
}

/// Drops rows left empty (blank rows of a table in the form) and empty objects
/// inside arrays, so the document says only what the user filled in.
fn compact(value: &mut Value) {
    match value {
        Value::Object(map) => map.values_mut().for_each(compact),
        Value::Array(items) => {
            items.iter_mut().for_each(compact);
            items.retain(|v| !v.is_null() && v.as_object().is_none_or(|m| m.values().any(|v| !v.is_boolean())));
        }
        _ => {}
    }
}

/// Values of a form by field name.
#[derive(Debug, Clone, Default)]
pub struct Values(BTreeMap<String, Vec<String>>);

impl Values {
    /// The values of a stored document, by path.
    pub fn from_json(value: &Value) -> Values {
        let mut out = Values::default();
        flatten(value, &mut String::new(), &mut out);
        out
    }

    /// The value of `name`, or "": a one-value field's value. A field that
    /// holds several (a list shown one item per line) is read with
    /// [`Values::lines`], never through this.
    pub fn get(&self, name: &str) -> &str {
        self.0.get(name).and_then(|v| v.first()).map_or("", String::as_str)
    }

    /// Every value of `name`, one per line: what a text area of
    /// [`Kind::Lines`] shows, so that posting it back keeps every item.
    pub fn lines(&self, name: &str) -> String {
        self.0.get(name).map(|v| v.join("\n")).unwrap_or_default()
    }

    /// True when `name` holds `value` (checkbox lists, selects).
    pub fn has(&self, name: &str, value: &str) -> bool {
        self.0.get(name).is_some_and(|v| v.iter().any(|x| x == value))
    }

    /// Rows of the list `list` these values hold, plus `spare` empty ones.
    pub fn rows(&self, list: &str, spare: usize) -> usize {
        (0..200).take_while(|i| self.has_prefix(&format!("{list}[{i}]"))).count() + spare
    }

    /// True when some field's name starts with `prefix`.
    pub fn has_prefix(&self, prefix: &str) -> bool {
        self.0.range(prefix.to_owned()..).next().is_some_and(|(k, _)| k.starts_with(prefix))
    }

    /// True when some field whose name starts with `prefix` holds more than blanks.
    pub fn filled(&self, prefix: &str) -> bool {
        self.0
            .range(prefix.to_owned()..)
            .take_while(|(k, _)| k.starts_with(prefix))
            .any(|(_, v)| v.iter().any(|x| !x.trim().is_empty()))
    }

    /// True when a checkbox `name` is on.
    pub fn on(&self, name: &str) -> bool {
        matches!(self.get(name), "true" | "on" | "1")
    }

    /// Sets a value.
    pub fn set(&mut self, name: &str, value: impl Into<String>) {
        self.0.insert(name.to_owned(), vec![value.into()]);
    }
}

fn flatten(value: &Value, path: &mut String, out: &mut Values) {
    match value {
        Value::Object(map) => {
            for (k, v) in map {
                let len = path.len();
                if !path.is_empty() {
                    path.push('.');
                }
                path.push_str(k);
                flatten(v, path, out);
                path.truncate(len);
            }
        }
        Value::Array(items) if items.iter().all(Value::is_string) => {
            out.0.insert(path.clone(), items.iter().filter_map(|v| v.as_str().map(str::to_owned)).collect());
        }
        Value::Array(items) => {
            for (i, v) in items.iter().enumerate() {
                let len = path.len();
                path.push_str(&format!("[{i}]"));
                flatten(v, path, out);
                path.truncate(len);
            }
        }
        Value::String(s) => out.set(path, s.clone()),
        Value::Null => {}
        other => out.set(path, other.to_string()),
    }
}

/// Field errors of a refused form, looked up by field.
#[derive(Debug, Clone, Default)]
pub struct Errors(pub Vec<FieldError>);

impl Errors {
    /// Errors about `name` or anything inside it.
    pub fn at(&self, name: &str) -> Vec<&FieldError> {
        self.0
            .iter()
            .filter(|e| {
                e.field == name || e.field.strip_prefix(name).is_some_and(|r| r.starts_with('.') || r.starts_with('['))
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forms_become_the_api_documents_and_back() {
        let body = "_csrf=x&title.uk=%D0%9C%D1%96%D1%81%D1%82&start_year=2027&costs%5B0%5D.amount=1+200%2C50\
            &costs%5B0%5D.year=2027&costs%5B1%5D.amount=&costs%5B1%5D.year=&goals=a%0D%0Ab%0D%0A\
            &ids=1&ids=2&cross_cutting.barrier_free=on";
        let fields = Fields::parse(body.as_bytes()).unwrap();
        let json = fields.to_json(|p| match p {
            "start_year" | "costs.year" => Kind::Integer,
            "costs.amount" => Kind::Money,
            "goals" => Kind::Lines,
            "ids" => Kind::List,
            "cross_cutting.barrier_free" => Kind::Flag,
            _ => Kind::Text,
        });
        assert_eq!(
            json,
            serde_json::json!({
                "title": {"uk": "Міст"}, "start_year": 2027, "costs": [{"amount": "1200.50", "year": 2027}],
                "goals": ["a", "b"], "ids": ["1", "2"], "cross_cutting": {"barrier_free": true}
            })
        );
        let back = Values::from_json(&json);
        assert_eq!(back.get("costs[0].amount"), "1200.50");
        assert_eq!(back.get("start_year"), "2027");
        assert_eq!(back.lines("goals"), "a\nb", "a text area of lines shows every item");
        assert!(back.has("ids", "2"));
        assert!(back.on("cross_cutting.barrier_free"));
        assert!(back.filled("costs[0]") && !fields.values().filled("costs[1]"), "a posted blank row is not filled");
        let errors = Errors(vec![FieldError::new("costs[0].amount", "x", "y")]);
        for (typed, sent) in [
            ("1 200 000,50", "1200000.50"),
            ("1.200.000,50", "1200000.50"),
            ("1,200,000.50", "1200000.50"),
            ("1.200.000", "1200000"),
            ("25,1", "25.1"),
            ("25.1", "25.1"),
            ("40 млн", "40 млн"),
        ] {
            assert_eq!(amount(typed), sent, "{typed}");
        }
        assert_eq!(errors.at("costs[0].amount").len(), 1);
        assert_eq!(errors.at("costs").len(), 1);
        assert!(errors.at("costs[1]").is_empty());
    }
}
