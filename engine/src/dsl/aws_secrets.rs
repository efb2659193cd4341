//! `secret("secretsmanager:NAME")`, `secret("secretsmanager:NAME#key")` and
//! `secret("arn:aws:secretsmanager:...")`: secrets kept in AWS Secrets Manager. A `#key`
//! picks one member of a secret stored as a JSON object (as the console stores key/value
//! secrets).

use aws_smithy_types::Document;

use super::secrets::Secrets;
use crate::aws::binding::Binding;
use crate::aws::bridge::{Bridge, Failure};
use crate::interrupt::Interrupt;

const PREFIX: &str = "secretsmanager:";

pub fn is_reference(name: &str) -> bool {
    name.starts_with(PREFIX) || name.starts_with("arn:aws:secretsmanager:")
}

/// The secret's id and the JSON key, if one is named.
fn parse(name: &str) -> (&str, Option<&str>) {
    let id = name.strip_prefix(PREFIX).unwrap_or(name);
    match id.rsplit_once('#') {
        Some((id, key)) => (id, Some(key)),
        None => (id, None),
    }
}

pub fn fetch(bridge: &Bridge, interrupt: &Interrupt, name: &str) -> Result<String, String> {
    let (id, key) = parse(name);
    let failed = |failure: Failure| match failure {
        Failure::Aws(e) => format!("secretsmanager GetSecretValue: {}: {}", e.code, e.message),
        Failure::Stopped(_) => "interrupted while fetching it".to_string(),
    };
    let clients = bridge.clients(interrupt).map_err(failed)?;
    let request = clients
        .secretsmanager()
        .get_secret_value()
        .secret_id(id)
        .send();
    let output = bridge
        .block_on(interrupt, request)
        .map_err(failed)?
        .map_err(|e| failed(Failure::Aws(crate::aws::error::CallError::from_sdk(e))))?;
    let text = match (output.secret_string(), output.secret_binary()) {
        (Some(text), _) => text.to_string(),
        (None, Some(blob)) => String::from_utf8(blob.as_ref().to_vec())
            .map_err(|_| "its binary value is not UTF-8 text".to_string())?,
        (None, None) => return Err("it has no value".into()),
    };
    let Some(key) = key else { return Ok(text) };
    let object: serde_json::Value = serde_json::from_str(&text)
        .map_err(|_| format!("#{key} needs the secret to be a JSON object"))?;
    match object.get(key) {
        Some(serde_json::Value::String(value)) => Ok(value.clone()),
        Some(other) => Ok(other.to_string()),
        None => Err(format!("its JSON has no key {key:?}")),
    }
}

/// The secret a `secretsmanager::get_secret_value` call reads, so its value is masked like
/// any other secret's (and a step value holding it records a reference, not the text).
pub fn secret_id_of(binding: &Binding, input: &Document) -> Option<String> {
    if (binding.service, binding.function) != ("secretsmanager", "get_secret_value") {
        return None;
    }
    match input {
        Document::Object(object) => match object.get("SecretId") {
            Some(Document::String(id)) => Some(id.clone()),
            _ => None,
        },
        _ => None,
    }
}

pub fn remember_value(secrets: &Secrets, id: &str, output: &Document) {
    if let Document::Object(object) = output {
        if let Some(Document::String(value)) = object.get("SecretString") {
            secrets.remember(&format!("{PREFIX}{id}"), value);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{is_reference, parse};

    #[test]
    fn parses_references() {
        assert!(is_reference("secretsmanager:dockerhub#password"));
        assert!(!is_reference("dockerhub_password"));
        assert_eq!(
            parse("secretsmanager:dockerhub#password"),
            ("dockerhub", Some("password"))
        );
        let arn = "arn:aws:secretsmanager:ap-northeast-1:123456789012:secret:hub-AbCd";
        assert_eq!(parse(arn), (arn, None));
    }
}
