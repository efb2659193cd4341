//! Documents, the form every binding's input and output takes: how they are named in
//! messages, members' paths, and JSON.

use aws_smithy_types::{Document, Number};

/// How a value is named in messages: `expected a string, got a number`.
pub fn kind(document: &Document) -> &'static str {
    match document {
        Document::Object(_) => "a map",
        Document::Array(_) => "an array",
        Document::Number(_) => "a number",
        Document::String(_) => "a string",
        Document::Bool(_) => "a bool",
        Document::Null => "()",
    }
}

/// A member's path: `containerDefinitions[0]` + `name`.
pub fn join(path: &str, name: &str) -> String {
    if path.is_empty() {
        name.to_string()
    } else {
        format!("{path}.{name}")
    }
}

/// A document as JSON (for members that carry JSON text, such as policy documents).
pub fn json(document: &Document) -> serde_json::Value {
    match document {
        Document::Null => serde_json::Value::Null,
        Document::Bool(b) => (*b).into(),
        Document::Number(Number::PosInt(n)) => (*n).into(),
        Document::Number(Number::NegInt(n)) => (*n).into(),
        Document::Number(Number::Float(f)) => {
            serde_json::Number::from_f64(*f).map_or(serde_json::Value::Null, Into::into)
        }
        Document::String(s) => s.clone().into(),
        Document::Array(items) => items.iter().map(json).collect(),
        Document::Object(object) => object.iter().map(|(k, v)| (k.clone(), json(v))).collect(),
    }
}

/// JSON as a document: how tests and tools write inputs.
pub fn from_json(value: &serde_json::Value) -> Document {
    match value {
        serde_json::Value::Null => Document::Null,
        serde_json::Value::Bool(b) => Document::Bool(*b),
        serde_json::Value::Number(n) => Document::Number(if let Some(u) = n.as_u64() {
            Number::PosInt(u)
        } else if let Some(i) = n.as_i64() {
            Number::NegInt(i)
        } else {
            Number::Float(n.as_f64().unwrap_or(f64::NAN))
        }),
        serde_json::Value::String(s) => Document::String(s.clone()),
        serde_json::Value::Array(items) => Document::Array(items.iter().map(from_json).collect()),
        serde_json::Value::Object(object) => Document::Object(
            object
                .iter()
                .map(|(k, v)| (k.clone(), from_json(v)))
                .collect(),
        ),
    }
}
