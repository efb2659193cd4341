//! `param(name, default)`: the values given to a run. A value given on the command line is
//! text; it takes the type of the script's default (`--param count=3` is the integer 3 when
//! the default is an integer), so scripts never parse numbers themselves.

use std::cell::{Ref, RefCell};
use std::collections::BTreeMap;

use rhai::Dynamic;
use serde_json::Value;

use super::value::from_json;

#[derive(Debug, Clone, Default)]
pub struct Params {
    given: RefCell<BTreeMap<String, Value>>,
}

impl Params {
    pub fn new(given: BTreeMap<String, Value>) -> Params {
        Params {
            given: RefCell::new(given),
        }
    }

    pub fn given(&self) -> Ref<'_, BTreeMap<String, Value>> {
        self.given.borrow()
    }

    /// Fixes a param the run did not give, before the script runs: the AWS region resolved
    /// from the SDK's chain is recorded so that a resume works in the same region.
    pub fn pin(&self, name: &str, value: Value) {
        self.given.borrow_mut().insert(name.to_string(), value);
    }

    pub fn get(&self, name: &str, default: Option<&Dynamic>) -> Result<Dynamic, String> {
        let given = self.given.borrow();
        let Some(value) = given.get(name) else {
            return default.cloned().ok_or_else(|| {
                format!("missing: give it with --param {name}=VALUE or in the params file")
            });
        };
        match (value, default) {
            (Value::String(text), Some(default)) => coerce(text, default),
            _ => Ok(from_json(value)),
        }
    }
}

fn coerce(text: &str, default: &Dynamic) -> Result<Dynamic, String> {
    let expected = default.type_name();
    let wrong = || format!("expected {expected} (like the default), got {text:?}");
    if default.is_int() {
        text.trim()
            .parse::<rhai::INT>()
            .map(Dynamic::from)
            .map_err(|_| wrong())
    } else if default.is_float() {
        text.trim()
            .parse::<rhai::FLOAT>()
            .map(Dynamic::from)
            .map_err(|_| wrong())
    } else if default.is_bool() {
        text.trim()
            .parse::<bool>()
            .map(Dynamic::from)
            .map_err(|_| wrong())
    } else if default.is_array() || default.is_map() {
        let parsed: Value = serde_json::from_str(text).map_err(|e| format!("{}: {e}", wrong()))?;
        let same_kind =
            (default.is_array() && parsed.is_array()) || (default.is_map() && parsed.is_object());
        if same_kind {
            Ok(from_json(&parsed))
        } else {
            Err(wrong())
        }
    } else {
        Ok(Dynamic::from(text.to_string()))
    }
}

/// Parses `--param key=value`.
pub fn parse_assignment(arg: &str) -> Result<(String, String), String> {
    match arg.split_once('=') {
        Some((key, value)) if !key.trim().is_empty() => {
            Ok((key.trim().to_string(), value.to_string()))
        }
        _ => Err(format!("expected NAME=VALUE, got {arg:?}")),
    }
}

#[cfg(test)]
mod tests {
    use rhai::Dynamic;
    use serde_json::json;

    use super::{parse_assignment, Params};

    #[test]
    fn command_line_text_takes_the_default_type() {
        let params = Params::new(
            [
                ("count".to_string(), json!("3")),
                ("tags".to_string(), json!("[\"a\"]")),
            ]
            .into(),
        );
        let count = params.get("count", Some(&Dynamic::from(1_i64))).unwrap();
        assert_eq!(count.as_int().unwrap(), 3);
        let tags = params
            .get("tags", Some(&Dynamic::from_array(vec![])))
            .unwrap();
        assert!(tags.is_array());
        let error = params.get("count", Some(&Dynamic::from(true))).unwrap_err();
        assert_eq!(error, "expected bool (like the default), got \"3\"");
        assert!(params
            .get("absent", None)
            .unwrap_err()
            .contains("--param absent=VALUE"));
    }

    #[test]
    fn parses_assignments() {
        assert_eq!(
            parse_assignment("a=b=c").unwrap(),
            ("a".into(), "b=c".into())
        );
        assert!(parse_assignment("novalue").is_err());
        assert!(parse_assignment("=x").is_err());
    }
}
