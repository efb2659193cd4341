//! Conversion between script values and JSON: what a step records must survive the journal
//! and come back as the same value on replay.

use rhai::{Array, Blob, Dynamic, Map};
use serde_json::{Number, Value};

/// Converts a script value to JSON, or says which part cannot be recorded.
pub fn to_json(value: &Dynamic) -> Result<Value, String> {
    to_json_at(value, "")
}

fn to_json_at(value: &Dynamic, path: &str) -> Result<Value, String> {
    let here = || {
        if path.is_empty() {
            "the value".to_string()
        } else {
            format!("`{path}`")
        }
    };
    if value.is_unit() {
        Ok(Value::Null)
    } else if let Some(b) = value.clone().try_cast::<bool>() {
        Ok(Value::Bool(b))
    } else if let Some(i) = value.clone().try_cast::<rhai::INT>() {
        Ok(Value::from(i))
    } else if let Some(f) = value.clone().try_cast::<rhai::FLOAT>() {
        Number::from_f64(f)
            .map(Value::Number)
            .ok_or_else(|| format!("{} is {f}, which JSON cannot hold", here()))
    } else if value.is_string() || value.is_char() {
        Ok(Value::String(value.to_string()))
    } else if value.is_array() {
        let array = value.read_lock::<Array>().ok_or("array is locked")?;
        array
            .iter()
            .enumerate()
            .map(|(i, item)| to_json_at(item, &format!("{path}[{i}]")))
            .collect::<Result<Vec<_>, _>>()
            .map(Value::Array)
    } else if value.is_map() {
        let map = value.read_lock::<Map>().ok_or("map is locked")?;
        let mut object = serde_json::Map::new();
        for (key, item) in map.iter() {
            let child = if path.is_empty() {
                key.to_string()
            } else {
                format!("{path}.{key}")
            };
            object.insert(key.to_string(), to_json_at(item, &child)?);
        }
        Ok(Value::Object(object))
    } else if value.is_blob() {
        let blob = value.read_lock::<Blob>().ok_or("blob is locked")?;
        Ok(Value::Array(blob.iter().map(|&b| Value::from(b)).collect()))
    } else {
        Err(format!(
            "{} is a {}, which cannot be recorded (a step's value must be JSON data: \
             unit, bool, number, string, array or map)",
            here(),
            value.type_name()
        ))
    }
}

pub fn from_json(value: &Value) -> Dynamic {
    match value {
        Value::Null => Dynamic::UNIT,
        Value::Bool(b) => Dynamic::from(*b),
        Value::Number(n) => match n.as_i64() {
            Some(i) => Dynamic::from(i),
            None => Dynamic::from(n.as_f64().unwrap_or(f64::NAN)),
        },
        Value::String(s) => Dynamic::from(s.clone()),
        Value::Array(items) => Dynamic::from_array(items.iter().map(from_json).collect()),
        Value::Object(object) => Dynamic::from_map(
            object
                .iter()
                .map(|(k, v)| (k.as_str().into(), from_json(v)))
                .collect::<Map>(),
        ),
    }
}

#[cfg(test)]
mod tests {
    use rhai::{Dynamic, Engine};
    use serde_json::json;

    use super::{from_json, to_json};

    #[test]
    fn round_trips_nested_values() {
        let engine = Engine::new();
        let value: Dynamic = engine
            .eval(
                r#"#{ name: "repo", count: 3, ratio: 1.5, tags: ["a", 'b'], ok: true, none: () }"#,
            )
            .unwrap();
        let json = to_json(&value).unwrap();
        assert_eq!(
            json,
            json!({"name": "repo", "count": 3, "ratio": 1.5, "tags": ["a", "b"], "ok": true,
                   "none": null})
        );
        assert_eq!(to_json(&from_json(&json)).unwrap(), json);
    }

    #[test]
    fn refuses_what_json_cannot_hold_and_names_where() {
        let engine = Engine::new();
        let value: Dynamic = engine.eval(r#"#{ hooks: [1, Fn("len")] }"#).unwrap();
        let error = to_json(&value).unwrap_err();
        assert!(error.starts_with("`hooks[1]` is a Fn"), "{error}");
    }
}
