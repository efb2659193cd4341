//! The table-driven conversion for services whose SDK crates have no schema (iam, sts, ecr,
//! s3, events, logs, secretsmanager). An operation lists its input members once (a table
//! of names and whether each is required); `Input` reads them with type checks that name the
//! member, refusing unknown members before anything is sent; `doc!` builds the output keyed
//! by the API's member names.

use std::collections::HashMap;
use std::fmt;

use aws_smithy_types::date_time::Format;
use aws_smithy_types::{DateTime, Document, Number};

use super::document::{join, kind};
use super::error::CallError;
use crate::dsl::suggest::did_you_mean;

/// An operation's input members: (name, required).
pub type Table = &'static [(&'static str, bool)];

/// An input map being read member by member.
pub struct Input {
    path: String,
    object: HashMap<String, Document>,
}

impl Input {
    /// Checks `document` against `table`: a map, no unknown member, every required one.
    pub fn new(document: Document, table: Table) -> Result<Input, CallError> {
        Input::at(String::new(), document, table)
    }

    fn at(path: String, document: Document, table: Table) -> Result<Input, CallError> {
        let object = match document {
            Document::Object(object) => object,
            Document::Null if path.is_empty() => HashMap::new(),
            other => {
                return Err(CallError::invalid(
                    &path,
                    format!("expected a map, got {}", kind(&other)),
                ))
            }
        };
        let names = || table.iter().map(|(name, _)| *name);
        let mut unknown: Vec<&String> = object
            .keys()
            .filter(|k| !names().any(|n| n == k.as_str()))
            .collect();
        unknown.sort();
        if let Some(member) = unknown.first() {
            return Err(CallError::invalid(
                &join(&path, member),
                format!(
                    "unknown member{} (members: {})",
                    did_you_mean(member, names()),
                    names().collect::<Vec<_>>().join(", ")
                ),
            ));
        }
        for (name, required) in table {
            if *required && matches!(object.get(*name), None | Some(Document::Null)) {
                return Err(CallError::invalid(
                    &join(&path, name),
                    "required member is missing",
                ));
            }
        }
        Ok(Input { path, object })
    }

    fn take(&mut self, name: &str) -> Option<Document> {
        self.object
            .remove(name)
            .filter(|d| !matches!(d, Document::Null))
    }

    fn wrong(&self, name: &str, expected: &str, got: &Document) -> CallError {
        CallError::invalid(
            &join(&self.path, name),
            format!("expected {expected}, got {}", kind(got)),
        )
    }

    pub fn string(&mut self, name: &str) -> Result<Option<String>, CallError> {
        match self.take(name) {
            None => Ok(None),
            Some(Document::String(s)) => Ok(Some(s)),
            Some(other) => Err(self.wrong(name, "a string", &other)),
        }
    }

    /// A string the API expects to hold JSON (a policy document): a map is serialized.
    pub fn json_text(&mut self, name: &str) -> Result<Option<String>, CallError> {
        match self.take(name) {
            None => Ok(None),
            Some(Document::String(s)) => Ok(Some(s)),
            Some(doc @ (Document::Object(_) | Document::Array(_))) => {
                Ok(Some(to_json(&doc).to_string()))
            }
            Some(other) => Err(self.wrong(name, "a JSON document (a map or a string)", &other)),
        }
    }

    pub fn int(&mut self, name: &str) -> Result<Option<i32>, CallError> {
        match self.long(name)? {
            None => Ok(None),
            Some(n) => i32::try_from(n).map(Some).map_err(|_| {
                CallError::invalid(&join(&self.path, name), format!("{n} is out of range"))
            }),
        }
    }

    pub fn long(&mut self, name: &str) -> Result<Option<i64>, CallError> {
        match self.take(name) {
            None => Ok(None),
            Some(Document::Number(Number::PosInt(n))) => i64::try_from(n)
                .map(Some)
                .map_err(|_| CallError::invalid(&join(&self.path, name), "out of range")),
            Some(Document::Number(Number::NegInt(n))) => Ok(Some(n)),
            Some(other) => Err(self.wrong(name, "an integer", &other)),
        }
    }

    pub fn bool(&mut self, name: &str) -> Result<Option<bool>, CallError> {
        match self.take(name) {
            None => Ok(None),
            Some(Document::Bool(b)) => Ok(Some(b)),
            Some(other) => Err(self.wrong(name, "a bool", &other)),
        }
    }

    pub fn strings(&mut self, name: &str) -> Result<Option<Vec<String>>, CallError> {
        let Some(items) = self.list(name)? else {
            return Ok(None);
        };
        items
            .into_iter()
            .enumerate()
            .map(|(i, item)| match item {
                Document::String(s) => Ok(s),
                other => Err(self.wrong(&format!("{name}[{i}]"), "a string", &other)),
            })
            .collect::<Result<_, _>>()
            .map(Some)
    }

    pub fn list(&mut self, name: &str) -> Result<Option<Vec<Document>>, CallError> {
        match self.take(name) {
            None => Ok(None),
            Some(Document::Array(items)) => Ok(Some(items)),
            Some(other) => Err(self.wrong(name, "an array", &other)),
        }
    }

    /// A nested structure, read with its own table.
    pub fn object(&mut self, name: &str, table: Table) -> Result<Option<Input>, CallError> {
        match self.take(name) {
            None => Ok(None),
            Some(document) => Input::at(join(&self.path, name), document, table).map(Some),
        }
    }

    /// A list of structures, each read with `table`.
    pub fn objects(&mut self, name: &str, table: Table) -> Result<Option<Vec<Input>>, CallError> {
        let Some(items) = self.list(name)? else {
            return Ok(None);
        };
        let path = join(&self.path, name);
        items
            .into_iter()
            .enumerate()
            .map(|(i, item)| Input::at(format!("{path}[{i}]"), item, table))
            .collect::<Result<_, _>>()
            .map(Some)
    }

    /// A map of strings (tags as `#{ key: "value" }`, environment maps).
    pub fn string_map(&mut self, name: &str) -> Result<Option<HashMap<String, String>>, CallError> {
        match self.take(name) {
            None => Ok(None),
            Some(Document::Object(object)) => object
                .into_iter()
                .map(|(k, v)| match v {
                    Document::String(s) => Ok((k, s)),
                    other => Err(self.wrong(&format!("{name}.{k}"), "a string", &other)),
                })
                .collect::<Result<_, _>>()
                .map(Some),
            Some(other) => Err(self.wrong(name, "a map of strings", &other)),
        }
    }

    /// One of an SDK enum's values (`RuleState::values()`). The SDK would send any other
    /// string as it is and let the service refuse it; naming the allowed values here, before
    /// anything is sent, is the more useful error.
    pub fn enumeration<T>(&mut self, name: &str, allowed: &[&str]) -> Result<Option<T>, CallError>
    where
        T: for<'a> From<&'a str>,
    {
        match self.string(name)? {
            None => Ok(None),
            Some(value) if allowed.contains(&value.as_str()) => Ok(Some(T::from(value.as_str()))),
            Some(value) => {
                // Enum values differ from what people type mostly in case (ENABLED, Enabled).
                let hint = match allowed.iter().find(|a| a.eq_ignore_ascii_case(&value)) {
                    Some(same) => format!(" (did you mean {same:?}?)"),
                    None => did_you_mean(&value, allowed.iter().copied()),
                };
                Err(CallError::invalid(
                    &join(&self.path, name),
                    format!("{value:?} is not one of {}{hint}", allowed.join(", ")),
                ))
            }
        }
    }

    /// A timestamp: an RFC 3339 string (the form outputs take) or epoch seconds.
    pub fn timestamp(&mut self, name: &str) -> Result<Option<DateTime>, CallError> {
        match self.take(name) {
            None => Ok(None),
            Some(Document::String(text)) => DateTime::from_str(&text, Format::DateTime)
                .map(Some)
                .map_err(|e| CallError::invalid(&join(&self.path, name), e)),
            Some(Document::Number(Number::PosInt(n))) => i64::try_from(n)
                .map(|secs| Some(DateTime::from_secs(secs)))
                .map_err(|_| CallError::invalid(&join(&self.path, name), "out of range")),
            Some(Document::Number(Number::NegInt(n))) => Ok(Some(DateTime::from_secs(n))),
            Some(Document::Number(Number::Float(f))) => Ok(Some(DateTime::from_secs_f64(f))),
            Some(other) => Err(self.wrong(name, "an RFC 3339 timestamp", &other)),
        }
    }

    /// A blob: a string stands for its UTF-8 bytes; an array of integers 0-255 for those
    /// bytes (what `blob` gives back for content that is not UTF-8).
    pub fn blob(&mut self, name: &str) -> Result<Option<Vec<u8>>, CallError> {
        match self.take(name) {
            None => Ok(None),
            Some(Document::String(s)) => Ok(Some(s.into_bytes())),
            Some(Document::Array(items)) => items
                .into_iter()
                .enumerate()
                .map(|(i, item)| match item {
                    Document::Number(Number::PosInt(n)) if n <= 255 => Ok(n as u8),
                    other => Err(self.wrong(&format!("{name}[{i}]"), "a byte (0-255)", &other)),
                })
                .collect::<Result<_, _>>()
                .map(Some),
            Some(other) => Err(self.wrong(name, "a string or an array of bytes", &other)),
        }
    }

    /// A tag list as most AWS APIs spell it, `[#{ Key: "k", Value: "v" }]`, each tag made by
    /// `make` (the service's own `Tag` builder).
    pub fn tags<T, E: fmt::Display>(
        &mut self,
        name: &str,
        make: impl Fn(String, String) -> Result<T, E>,
    ) -> Result<Option<Vec<T>>, CallError> {
        let Some(items) = self.objects(name, TAG)? else {
            return Ok(None);
        };
        let mut tags = Vec::with_capacity(items.len());
        for (n, mut item) in items.into_iter().enumerate() {
            // Both are required by TAG, so `Input::at` has already refused a missing one.
            let key = item.string("Key")?.unwrap_or_default();
            let value = item.string("Value")?.unwrap_or_default();
            let tag = make(key, value)
                .map_err(|e| CallError::invalid(&join(&self.path, &format!("{name}[{n}]")), e))?;
            tags.push(tag);
        }
        Ok(Some(tags))
    }
}

/// The members of one tag in `Input::tags`.
const TAG: Table = &[("Key", true), ("Value", true)];

/// One tag of an output's tag list.
pub fn tag(key: impl IntoDoc, value: impl IntoDoc) -> Document {
    crate::doc! { "Key" => key, "Value" => value }
}

/// A blob result: a string when it is valid UTF-8, else the bytes as an array of integers
/// (which `Input::blob` accepts back).
pub fn blob(bytes: &[u8]) -> Document {
    match std::str::from_utf8(bytes) {
        Ok(text) => Document::String(text.to_string()),
        Err(_) => Document::Array(bytes.iter().map(|b| i64::from(*b).into_doc()).collect()),
    }
}

/// A document as JSON text (for members that carry JSON, such as policy documents).
pub fn to_json(document: &Document) -> serde_json::Value {
    match document {
        Document::Null => serde_json::Value::Null,
        Document::Bool(b) => (*b).into(),
        Document::Number(Number::PosInt(n)) => (*n).into(),
        Document::Number(Number::NegInt(n)) => (*n).into(),
        Document::Number(Number::Float(f)) => {
            serde_json::Number::from_f64(*f).map_or(serde_json::Value::Null, Into::into)
        }
        Document::String(s) => s.clone().into(),
        Document::Array(items) => items.iter().map(to_json).collect(),
        Document::Object(object) => object
            .iter()
            .map(|(k, v)| (k.clone(), to_json(v)))
            .collect(),
    }
}

/// Values that become output documents.
pub trait IntoDoc {
    fn into_doc(self) -> Document;
}

impl IntoDoc for Document {
    fn into_doc(self) -> Document {
        self
    }
}
impl IntoDoc for &str {
    fn into_doc(self) -> Document {
        Document::String(self.to_string())
    }
}
impl IntoDoc for String {
    fn into_doc(self) -> Document {
        Document::String(self)
    }
}
impl IntoDoc for &String {
    fn into_doc(self) -> Document {
        Document::String(self.clone())
    }
}
impl IntoDoc for bool {
    fn into_doc(self) -> Document {
        Document::Bool(self)
    }
}
impl IntoDoc for i32 {
    fn into_doc(self) -> Document {
        i64::from(self).into_doc()
    }
}
impl IntoDoc for i64 {
    fn into_doc(self) -> Document {
        Document::Number(if self < 0 {
            Number::NegInt(self)
        } else {
            Number::PosInt(self as u64)
        })
    }
}
impl IntoDoc for f64 {
    fn into_doc(self) -> Document {
        Document::Number(Number::Float(self))
    }
}
/// Timestamps are RFC 3339 strings.
impl IntoDoc for &DateTime {
    fn into_doc(self) -> Document {
        match self.fmt(Format::DateTime) {
            Ok(text) => Document::String(text),
            Err(_) => Document::Number(Number::Float(self.as_secs_f64())),
        }
    }
}
impl<T: IntoDoc> IntoDoc for Option<T> {
    fn into_doc(self) -> Document {
        self.map_or(Document::Null, IntoDoc::into_doc)
    }
}
impl<'a, T> IntoDoc for &'a [T]
where
    &'a T: IntoDoc,
{
    fn into_doc(self) -> Document {
        Document::Array(self.iter().map(IntoDoc::into_doc).collect())
    }
}
impl<T: IntoDoc> IntoDoc for Vec<T> {
    fn into_doc(self) -> Document {
        Document::Array(self.into_iter().map(IntoDoc::into_doc).collect())
    }
}
impl IntoDoc for &HashMap<String, String> {
    fn into_doc(self) -> Document {
        Document::Object(
            self.iter()
                .map(|(k, v)| (k.clone(), v.into_doc()))
                .collect(),
        )
    }
}

/// A map of string lists (Secrets Manager's version stages by version id).
impl IntoDoc for &HashMap<String, Vec<String>> {
    fn into_doc(self) -> Document {
        Document::Object(
            self.iter()
                .map(|(k, v)| (k.clone(), v.as_slice().into_doc()))
                .collect(),
        )
    }
}

/// An output map keyed by API member names; members whose value is absent are left out.
/// `doc! { "repositoryName" => r.repository_name(), "createdAt" => r.created_at() }`
#[macro_export]
macro_rules! doc {
    ($($name:literal => $value:expr),* $(,)?) => {{
        #[allow(unused_mut)] // `doc! {}` is the empty output of an operation that returns nothing.
        let mut object = ::std::collections::HashMap::new();
        $(
            let value = $crate::aws::table::IntoDoc::into_doc($value);
            if !matches!(value, ::aws_smithy_types::Document::Null) {
                object.insert($name.to_string(), value);
            }
        )*
        ::aws_smithy_types::Document::Object(object)
    }};
}

/// A service's `bindings()` from its table-driven operations: for each, the async function
/// (named as boto3 names the operation), the API operation name, its input table and a doc
/// line.
#[macro_export]
macro_rules! table_bindings {
    ($service:literal { $($function:ident $operation:literal $table:ident $doc:literal;)* }) => {
        pub fn bindings() -> Vec<$crate::aws::binding::Binding> {
            vec![$({
                fn call<'a>(
                    clients: &'a $crate::aws::clients::Clients,
                    input: ::aws_smithy_types::Document,
                ) -> $crate::aws::binding::CallFuture<'a> {
                    Box::pin($function(clients, input))
                }
                $crate::aws::binding::Binding {
                    service: $service,
                    function: stringify!($function),
                    operation: $operation,
                    doc: $doc,
                    input: $crate::aws::binding::Members::Table($table),
                    call,
                }
            },)*]
        }
    };
}

#[cfg(test)]
mod tests {
    use aws_smithy_types::{Document, Number};

    use super::Input;

    const TABLE: super::Table = &[("repositoryName", true), ("tags", false), ("count", false)];

    fn object(pairs: &[(&str, Document)]) -> Document {
        Document::Object(
            pairs
                .iter()
                .map(|(k, v)| (k.to_string(), v.clone()))
                .collect(),
        )
    }

    #[test]
    fn reads_members_and_names_wrong_ones() {
        let doc = object(&[
            ("repositoryName", "r".into()),
            ("count", Document::Number(Number::PosInt(3))),
        ]);
        let mut input = Input::new(doc, TABLE).unwrap();
        assert_eq!(
            input.string("repositoryName").unwrap().as_deref(),
            Some("r")
        );
        assert_eq!(input.int("count").unwrap(), Some(3));

        let misspelt = object(&[("repositoryName", "r".into()), ("tag", Document::Null)]);
        let error = Input::new(misspelt, TABLE).err().unwrap();
        assert_eq!(
            error.message,
            "tag: unknown member (did you mean \"tags\"?) (members: repositoryName, tags, count)"
        );
        let missing = Input::new(object(&[]), TABLE).err().unwrap();
        assert_eq!(
            missing.message,
            "repositoryName: required member is missing"
        );
        let mut typed =
            Input::new(object(&[("repositoryName", Document::Bool(true))]), TABLE).unwrap();
        assert_eq!(
            typed.string("repositoryName").unwrap_err().message,
            "repositoryName: expected a string, got a bool"
        );
    }

    const MORE: super::Table = &[
        ("State", false),
        ("When", false),
        ("Body", false),
        ("Tags", false),
    ];

    #[derive(Debug, PartialEq)]
    struct State(String);
    impl From<&str> for State {
        fn from(s: &str) -> State {
            State(s.to_string())
        }
    }

    #[test]
    fn reads_enums_timestamps_blobs_and_tags() {
        let doc = object(&[
            ("State", "ENABLED".into()),
            ("When", "2026-01-02T03:04:05Z".into()),
            ("Body", Document::Array(vec![0u64.into(), 255u64.into()])),
            (
                "Tags",
                Document::Array(vec![object(&[("Key", "k".into()), ("Value", "v".into())])]),
            ),
        ]);
        let mut input = Input::new(doc, MORE).unwrap();
        let state: Option<State> = input
            .enumeration("State", &["ENABLED", "DISABLED"])
            .unwrap();
        assert_eq!(state, Some(State("ENABLED".into())));
        let when = input.timestamp("When").unwrap().unwrap();
        assert_eq!(when.secs(), 1_767_323_045);
        assert_eq!(input.blob("Body").unwrap(), Some(vec![0, 255]));
        let tags = input
            .tags("Tags", |k, v| {
                Ok::<_, std::convert::Infallible>(format!("{k}={v}"))
            })
            .unwrap();
        assert_eq!(tags, Some(vec!["k=v".to_string()]));

        let wrong = object(&[
            ("State", "enabled".into()),
            ("When", "yesterday".into()),
            ("Body", Document::Array(vec![256u64.into()])),
            (
                "Tags",
                Document::Array(vec![object(&[("Key", "k".into())])]),
            ),
        ]);
        let mut input = Input::new(wrong, MORE).unwrap();
        assert_eq!(
            input
                .enumeration::<State>("State", &["ENABLED", "DISABLED"])
                .unwrap_err()
                .message,
            "State: \"enabled\" is not one of ENABLED, DISABLED (did you mean \"ENABLED\"?)"
        );
        assert!(input
            .timestamp("When")
            .unwrap_err()
            .message
            .starts_with("When: "));
        assert_eq!(
            input.blob("Body").unwrap_err().message,
            "Body[0]: expected a byte (0-255), got a number"
        );
        assert_eq!(
            input
                .tags("Tags", |k, v| Ok::<_, std::convert::Infallible>((k, v)))
                .unwrap_err()
                .message,
            "Tags[0].Value: required member is missing"
        );
    }

    #[test]
    fn blobs_come_back_as_text_when_they_are_utf8() {
        assert_eq!(super::blob(b"FROM nginx\n"), Document::from("FROM nginx\n"));
        assert_eq!(
            super::blob(&[0xff, 1]),
            Document::Array(vec![255u64.into(), 1u64.into()])
        );
    }
}
