//! Script values to and from `Document`, the form every binding's input and output takes.

use std::collections::HashMap;

use aws_smithy_types::{Document, Number};
use rhai::{Array, Dynamic, Map};

pub use crate::aws::document::{join, kind};

/// Converts a binding's argument; `path` in errors names the member (`containerDefinitions[0].name`).
pub fn to_document(value: &Dynamic) -> Result<Document, String> {
    to_document_at(value, "")
}

fn to_document_at(value: &Dynamic, path: &str) -> Result<Document, String> {
    let child = |key: &str| {
        if path.is_empty() {
            key.to_string()
        } else {
            format!("{path}.{key}")
        }
    };
    if value.is_unit() {
        Ok(Document::Null)
    } else if let Ok(b) = value.as_bool() {
        Ok(Document::Bool(b))
    } else if let Ok(i) = value.as_int() {
        Ok(Document::Number(if i < 0 {
            Number::NegInt(i)
        } else {
            Number::PosInt(i as u64)
        }))
    } else if let Ok(f) = value.as_float() {
        Ok(Document::Number(Number::Float(f)))
    } else if value.is_string() || value.is_char() {
        Ok(Document::String(value.to_string()))
    } else if let Some(array) = value.read_lock::<Array>() {
        array
            .iter()
            .enumerate()
            .map(|(i, item)| to_document_at(item, &format!("{path}[{i}]")))
            .collect::<Result<_, _>>()
            .map(Document::Array)
    } else if let Some(map) = value.read_lock::<Map>() {
        let mut object = HashMap::with_capacity(map.len());
        for (key, item) in map.iter() {
            object.insert(key.to_string(), to_document_at(item, &child(key))?);
        }
        Ok(Document::Object(object))
    } else {
        let at = if path.is_empty() {
            String::new()
        } else {
            format!("{path}: ")
        };
        Err(format!("{at}a {} cannot be sent to AWS", value.type_name()))
    }
}

pub fn from_document(document: Document) -> Dynamic {
    match document {
        Document::Null => Dynamic::UNIT,
        Document::Bool(b) => Dynamic::from(b),
        Document::Number(Number::PosInt(n)) => match i64::try_from(n) {
            Ok(i) => Dynamic::from(i),
            Err(_) => Dynamic::from(n as f64),
        },
        Document::Number(Number::NegInt(i)) => Dynamic::from(i),
        Document::Number(Number::Float(f)) => Dynamic::from(f),
        Document::String(s) => Dynamic::from(s),
        Document::Array(items) => {
            Dynamic::from_array(items.into_iter().map(from_document).collect())
        }
        Document::Object(object) => Dynamic::from_map(
            object
                .into_iter()
                .map(|(k, v)| (k.into(), from_document(v)))
                .collect::<Map>(),
        ),
    }
}

#[cfg(test)]
mod tests {
    use rhai::{Dynamic, Engine};

    use super::{from_document, to_document};

    #[test]
    fn round_trips_script_values() {
        let value: Dynamic = Engine::new()
            .eval(r#"#{ name: "x", n: -3, big: 7, f: 1.5, ok: true, list: [1, "a"], none: () }"#)
            .unwrap();
        let back = from_document(to_document(&value).unwrap());
        assert_eq!(back.to_string(), value.to_string());
    }

    #[test]
    fn names_the_member_that_cannot_be_sent() {
        let value: Dynamic = Engine::new()
            .eval(r#"#{ a: [#{ f: Fn("len") }] }"#)
            .unwrap();
        assert_eq!(
            to_document(&value).unwrap_err(),
            "a[0].f: a Fn cannot be sent to AWS"
        );
    }
}
