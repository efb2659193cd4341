//! Secrets: where `secret(name)` finds a value, and the redaction that keeps every value it
//! returned out of the journal, the logs and the terminal.
//!
//! A secret is looked up in this order: the environment variable `RUNBOOK_SECRET_<NAME>`,
//! the `[secrets]` table of the params file, then a hidden prompt when standard input is a
//! terminal. Values are kept in memory only; a recorded step value that contains one is
//! stored with the secret replaced by a reference and rebuilt on replay.

use std::cell::RefCell;
use std::collections::BTreeMap;

use serde_json::Value;

use crate::journal::{RedactedPart, Redaction};

pub const MASK: &str = "***";

pub struct Secrets {
    known: RefCell<Vec<(String, String)>>,
    from_file: BTreeMap<String, String>,
    may_prompt: bool,
}

pub fn env_var_name(name: &str) -> String {
    let upper: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_uppercase()
            } else {
                '_'
            }
        })
        .collect();
    format!("RUNBOOK_SECRET_{upper}")
}

impl Secrets {
    /// `may_prompt`: ask on the terminal for a secret found nowhere else.
    pub fn new(from_file: BTreeMap<String, String>, may_prompt: bool) -> Secrets {
        Secrets {
            known: RefCell::new(Vec::new()),
            from_file,
            may_prompt,
        }
    }

    /// A value fetched before in this process.
    pub fn known(&self, name: &str) -> Option<String> {
        self.known
            .borrow()
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, value)| value.clone())
    }

    /// The secret's value, fetched once per process.
    pub fn get(&self, name: &str) -> Result<String, String> {
        if let Some(value) = self.known(name) {
            return Ok(value);
        }
        let var = env_var_name(name);
        let value = match std::env::var(&var) {
            Ok(value) => value,
            Err(_) => match self.from_file.get(name) {
                Some(value) => value.clone(),
                None if self.may_prompt => crate::prompt::read_hidden(&format!("secret {name}: "))
                    .map_err(|e| format!("cannot read it from the terminal: {e}"))?,
                None => {
                    return Err(format!(
                        "not provided: set {var} or put it in the params file's [secrets] table"
                    ))
                }
            },
        };
        if value.is_empty() {
            return Err("is empty".into());
        }
        self.remember(name, &value);
        Ok(value)
    }

    /// Keeps a value fetched elsewhere (Secrets Manager) so it is masked from now on.
    pub fn remember(&self, name: &str, value: &str) {
        let mut known = self.known.borrow_mut();
        known.push((name.to_string(), value.to_string()));
        // Longest first, so a secret that contains another is masked whole.
        known.sort_by_key(|(_, value)| std::cmp::Reverse(value.len()));
    }

    /// Splits `text` into plain text and the secrets found in it.
    fn split(&self, text: &str) -> Vec<RedactedPart> {
        let known = self.known.borrow();
        let mut parts = Vec::new();
        let mut plain = String::new();
        let mut rest = text;
        'outer: while !rest.is_empty() {
            for (name, value) in known.iter() {
                if let Some(after) = rest.strip_prefix(value.as_str()) {
                    if !plain.is_empty() {
                        parts.push(RedactedPart::Text(std::mem::take(&mut plain)));
                    }
                    parts.push(RedactedPart::Secret {
                        secret: name.clone(),
                    });
                    rest = after;
                    continue 'outer;
                }
            }
            let mut chars = rest.chars();
            plain.extend(chars.next());
            rest = chars.as_str();
        }
        if !plain.is_empty() {
            parts.push(RedactedPart::Text(plain));
        }
        parts
    }

    /// `text` with every known secret masked.
    pub fn redact(&self, text: &str) -> String {
        if !self.holds_secret(text) {
            return text.to_string();
        }
        self.split(text)
            .into_iter()
            .map(|part| match part {
                RedactedPart::Text(t) => t,
                RedactedPart::Secret { .. } => MASK.to_string(),
            })
            .collect()
    }

    fn holds_secret(&self, text: &str) -> bool {
        self.known
            .borrow()
            .iter()
            .any(|(_, value)| text.contains(value.as_str()))
    }

    /// Masks secrets in a value about to be recorded, listing where they were.
    pub fn encode(&self, mut value: Value) -> (Value, Vec<Redaction>) {
        let mut redactions = Vec::new();
        // Every event and record passes here: with no secret fetched yet, none is in it.
        if self.known.borrow().is_empty() {
            return (value, redactions);
        }
        self.encode_at(&mut value, &mut String::new(), &mut redactions);
        (value, redactions)
    }

    fn encode_at(&self, value: &mut Value, path: &mut String, out: &mut Vec<Redaction>) {
        match value {
            Value::String(s) if self.holds_secret(s) => {
                out.push(Redaction {
                    path: path.clone(),
                    parts: self.split(s),
                });
                *s = MASK.to_string();
            }
            Value::Array(items) => {
                for (i, item) in items.iter_mut().enumerate() {
                    let len = path.len();
                    path.push_str(&format!("/{i}"));
                    self.encode_at(item, path, out);
                    path.truncate(len);
                }
            }
            Value::Object(object) => {
                for (key, item) in object.iter_mut() {
                    let len = path.len();
                    path.push('/');
                    path.push_str(&key.replace('~', "~0").replace('/', "~1"));
                    self.encode_at(item, path, out);
                    path.truncate(len);
                }
            }
            _ => {}
        }
    }

    /// Rebuilds a recorded value, fetching the secrets it referred to again with `fetch`.
    pub fn decode(
        &self,
        mut value: Value,
        redactions: &[Redaction],
        fetch: impl Fn(&str) -> Result<String, String>,
    ) -> Result<Value, String> {
        for redaction in redactions {
            let mut text = String::new();
            for part in &redaction.parts {
                match part {
                    RedactedPart::Text(t) => text.push_str(t),
                    RedactedPart::Secret { secret } => {
                        text.push_str(&fetch(secret).map_err(|e| format!("secret {secret} {e}"))?)
                    }
                }
            }
            let slot = value
                .pointer_mut(&redaction.path)
                .ok_or_else(|| format!("recorded redaction at {} has no value", redaction.path))?;
            *slot = Value::String(text);
        }
        Ok(value)
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::Secrets;

    fn secrets() -> Secrets {
        let s = Secrets::new([("token".to_string(), "s3cr3t".to_string())].into(), false);
        s.get("token").unwrap();
        s
    }

    #[test]
    fn redacts_text_and_round_trips_values() {
        let s = secrets();
        assert_eq!(s.redact("auth s3cr3t:s3cr3t!"), "auth ***:***!");
        let value = json!({"auth": "user:s3cr3t", "list": ["s3cr3t"], "plain": "x"});
        let (recorded, redactions) = s.encode(value.clone());
        assert_eq!(
            recorded,
            json!({"auth": "***", "list": ["***"], "plain": "x"})
        );
        assert!(!serde_json::to_string(&redactions)
            .unwrap()
            .contains("s3cr3t"));
        assert_eq!(
            s.decode(recorded, &redactions, |n| s.get(n)).unwrap(),
            value
        );
    }

    #[test]
    fn a_missing_secret_names_where_to_put_it() {
        let s = Secrets::new(Default::default(), false);
        let error = s.get("no such thing").unwrap_err();
        assert!(error.contains("RUNBOOK_SECRET_NO_SUCH_THING"), "{error}");
    }
}
