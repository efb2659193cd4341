//! Answers that succeeded only in part. EventBridge's PutTargets, RemoveTargets and PutEvents
//! answer 200 with `FailedEntryCount` and `FailedEntries`; a target that was not put is not
//! there, so such an answer is raised as its first entry's error (which lets the propagation
//! table see a role that is not usable yet) instead of being left for every script to find.

use aws_smithy_types::{Document, Number};

use super::error::CallError;

pub fn failed_entries(document: Document) -> Result<Document, CallError> {
    let Document::Object(members) = &document else {
        return Ok(document);
    };
    let count = match members.get("FailedEntryCount") {
        Some(Document::Number(Number::PosInt(n))) if *n > 0 => *n,
        _ => return Ok(document),
    };
    let Some(Document::Array(entries)) = members.get("FailedEntries") else {
        return Ok(document);
    };
    let text = |entry: &Document, name: &str| match entry {
        Document::Object(m) => match m.get(name) {
            Some(Document::String(s)) => Some(s.clone()),
            _ => None,
        },
        _ => None,
    };
    let Some(first) = entries.first() else {
        return Ok(document);
    };
    let what =
        text(first, "TargetId").map_or_else(|| "an entry".to_string(), |id| format!("target {id}"));
    Err(CallError::new(
        text(first, "ErrorCode").unwrap_or_else(|| "FailedEntry".to_string()),
        format!(
            "{what}: {} ({count} of the entries failed)",
            text(first, "ErrorMessage").unwrap_or_else(|| "no message".to_string())
        ),
    ))
}

#[cfg(test)]
mod tests {
    use super::failed_entries;
    use crate::document::from_json;

    #[test]
    fn an_answer_with_failed_entries_is_its_first_entrys_error() {
        let answer = from_json(&serde_json::json!({
            "FailedEntryCount": 1,
            "FailedEntries": [{ "TargetId": "pipeline", "ErrorCode": "ValidationException",
                                "ErrorMessage": "role cannot be assumed" }],
        }));
        let error = failed_entries(answer).unwrap_err();
        assert_eq!(error.code, "ValidationException");
        assert_eq!(
            error.message,
            "target pipeline: role cannot be assumed (1 of the entries failed)"
        );
        let fine = from_json(&serde_json::json!({ "FailedEntryCount": 0, "FailedEntries": [] }));
        assert_eq!(failed_entries(fine.clone()), Ok(fine));
    }
}
