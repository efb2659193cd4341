//! The one conversion between documents keyed by the API's member names and the SDK's types,
//! for every service: the SDK's generated code (schema crates) or scripts/gen-aws's (the
//! others, `shape`) drives `Reader` and `Writer` member by member.
//!
//! The SDK's own document deserializer drops unknown members silently, reports a wrong type
//! without saying where, and fills missing required members with defaults (`family` becomes
//! ""). So inputs are read through `Reader`, a `ShapeDeserializer` that walks the document
//! alongside the generated `deserialize` code, which hands it each structure's schema, and
//! refuses, naming the member's path, an unknown member (with a "did you mean"), a value of
//! the wrong type and a missing required member. The schemas carry no `@required` trait: the
//! required members come from the models (the operation's own in its binding, the nested
//! shapes' in each service file).
//!
//! Inputs: a string member given a map or an array takes its JSON text (policy documents,
//! event patterns); a blob is a string (its UTF-8 bytes) or an array of bytes. Outputs:
//! timestamps are RFC 3339 strings, a blob is a string when it is UTF-8 (else an array of bytes), absent
//! members are left out.

use std::cell::RefCell;
use std::collections::HashMap;
use std::fmt;
use std::str::FromStr;

use aws_smithy_schema::serde::{
    SerdeError, SerializableStruct, ShapeDeserializer, ShapeSerializer,
};
use aws_smithy_schema::{Schema, ShapeType};
use aws_smithy_types::date_time::Format;
use aws_smithy_types::{BigDecimal, BigInteger, Blob, DateTime, Document, Number};

use super::document::{join, json, kind};
use super::error::CallError;
use super::shape::{FromShape, ToShape};
use crate::suggest::did_you_mean;

/// What a service's models say of its inputs that the SDK's types do not enforce.
pub struct Rules {
    /// The members required inside nested shapes, by shape name (`("LogConfiguration",
    /// &["logDriver"])`).
    pub required: &'static [(&'static str, &'static [&'static str])],
    /// The values of each enum member, by shape and member name (a list's or a map's when
    /// the member holds enums), for the crates whose enums take any string.
    pub enums: &'static [(&'static str, &'static str, &'static [&'static str])],
}

impl Rules {
    /// Nothing beyond the types (a shape read on its own).
    pub const NONE: Rules = Rules {
        required: &[],
        enums: &[],
    };
}

/// Reads `document` as the shape `read` deserializes, checking it on the way: `required` are
/// the top-level required members, `rules` the rest of what the models ask.
pub fn decode<T: FromShape>(
    document: &Document,
    required: &'static [&'static str],
    rules: &'static Rules,
) -> Result<T, CallError> {
    let error = RefCell::new(None);
    let result = T::read(&mut Reader::root(document, required, rules, &[], &error));
    match (result, error.into_inner()) {
        (_, Some(refusal)) => Err(CallError::invalid(&refusal.path, refusal.message)),
        (Ok(value), None) => Ok(value),
        (Err(e), None) => Err(CallError::invalid("", e)),
    }
}

/// Why an input would be refused: the member's path and what is wrong with it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    pub path: String,
    pub message: String,
}

/// Checks an input known only in part, before a run: `unknown` are the paths of the members
/// whose values are computed at run time (left out of `document`). What `decode` would refuse
/// is refused, except what a left-out member could change: its own absence, or its parent's
/// build.
pub fn check<T: FromShape>(
    document: &Document,
    required: &'static [&'static str],
    rules: &'static Rules,
    unknown: &[String],
) -> Result<(), Refusal> {
    let error = RefCell::new(None);
    let _ = T::read(&mut Reader::root(
        document, required, rules, unknown, &error,
    ));
    error.into_inner().map_or(Ok(()), Err)
}

/// Converts an output (or any shape) to a document keyed by member names.
pub fn to_document<T: ToShape>(value: &T) -> Result<Document, CallError> {
    let mut writer = Writer::default();
    value
        .write(&aws_smithy_schema::prelude::DOCUMENT, &mut writer)
        .and_then(|()| {
            writer
                .root
                .ok_or_else(|| SerdeError::custom("nothing was written"))
        })
        .map_err(|e| {
            CallError::new(
                "ResponseError",
                format!("cannot convert {}: {e}", std::any::type_name::<T>()),
            )
        })
}

/// An answer's streamed body (S3's GetObject), read whole: the output's own conversion
/// leaves it out.
pub struct Body(Blob);

pub async fn with_body(
    stream: &mut aws_smithy_types::byte_stream::ByteStream,
) -> Result<Body, CallError> {
    let bytes = std::mem::take(stream)
        .collect()
        .await
        .map_err(|e| CallError::new("ResponseError", format!("reading the body: {e}")))?;
    Ok(Body(Blob::new(bytes.into_bytes())))
}

impl Body {
    pub fn insert_into(self, mut document: Document, member: &str) -> Document {
        if let Document::Object(members) = &mut document {
            members.insert(member.to_string(), blob_document(self.0));
        }
        document
    }
}

/// `CreateClusterInput` → `CreateCluster`.
pub fn operation_name(input_type: &'static str) -> &'static str {
    input_type.strip_suffix("Input").unwrap_or(input_type)
}

/// A `ShapeDeserializer` over one value of the input document. The generated code drives
/// it, so it learns each structure's schema as the code asks for it. The first error found
/// is kept in `error` with its path: the `SerdeError`s the generated code passes back up
/// cannot carry one.
struct Reader<'a> {
    document: &'a Document,
    path: String,
    /// Set for the operation's input itself, whose required members the binding lists.
    required: Option<&'static [&'static str]>,
    rules: &'static Rules,
    /// The paths of members left out because they are not known yet (`check`).
    unknown: &'a [String],
    /// The enum values of the list or map this value is an element of.
    element_enum: Option<&'static [&'static str]>,
    error: &'a RefCell<Option<Refusal>>,
}

impl<'a> Reader<'a> {
    fn root(
        document: &'a Document,
        required: &'static [&'static str],
        rules: &'static Rules,
        unknown: &'a [String],
        error: &'a RefCell<Option<Refusal>>,
    ) -> Reader<'a> {
        // A call without arguments (`ecs::list_clusters()`) sends an empty input.
        static EMPTY: std::sync::LazyLock<Document> =
            std::sync::LazyLock::new(|| Document::Object(HashMap::new()));
        Reader {
            document: if document.is_null() { &EMPTY } else { document },
            path: String::new(),
            required: Some(required),
            rules,
            unknown,
            error,
            element_enum: None,
        }
    }

    fn child(&self, document: &'a Document, path: String) -> Reader<'a> {
        Reader {
            document,
            path,
            required: None,
            rules: self.rules,
            unknown: self.unknown,
            error: self.error,
            element_enum: None,
        }
    }

    /// A list's element or a map's value, which the generated code reads without its
    /// member's schema: the member's enum values come with it.
    fn element(&self, document: &'a Document, path: String, member: &Schema<'_>) -> Reader<'a> {
        Reader {
            element_enum: self.enum_values(member),
            ..self.child(document, path)
        }
    }

    fn enum_values(&self, member: &Schema<'_>) -> Option<&'static [&'static str]> {
        let name = member.member_name()?;
        let shape = member.shape_id().shape_name();
        self.rules
            .enums
            .iter()
            .find(|(s, m, _)| *s == shape && *m == name)
            .map(|(_, _, values)| *values)
    }

    fn fail_at(&self, path: &str, message: impl fmt::Display) -> SerdeError {
        // A left-out member, or a structure holding one, may be fine once it is known.
        let maybe_fine = self.unknown.iter().any(|unknown| {
            unknown == path
                || path.is_empty()
                || unknown.starts_with(&format!("{path}."))
                || unknown.starts_with(&format!("{path}["))
        });
        if maybe_fine {
            return SerdeError::custom(message.to_string());
        }
        self.refuse_at(path, message)
    }

    /// Records a refusal that no value known later can lift (an unknown member's name).
    fn refuse_at(&self, path: &str, message: impl fmt::Display) -> SerdeError {
        let mut error = self.error.borrow_mut();
        if error.is_none() {
            *error = Some(Refusal {
                path: path.to_string(),
                message: message.to_string(),
            });
        }
        SerdeError::custom(message.to_string())
    }

    fn fail(&self, message: impl fmt::Display) -> SerdeError {
        self.fail_at(&self.path, message)
    }

    fn expected(&self, what: &str) -> SerdeError {
        self.fail(format!("expected {what}, got {}", kind(self.document)))
    }

    /// An error the generated code raised itself (a builder's refusal) is pinned to the member
    /// it was reading, unless a deeper one was already recorded.
    fn locate(&self, path: &str, error: SerdeError) -> SerdeError {
        self.fail_at(path, &error);
        error
    }

    fn integer<T: TryFrom<i64>>(&self) -> Result<T, SerdeError> {
        let n = match self.document {
            Document::Number(Number::PosInt(n)) => {
                i64::try_from(*n).map_err(|_| self.fail(format!("{n} is out of range")))?
            }
            Document::Number(Number::NegInt(n)) => *n,
            // Scripts may compute an integral value as a float (`1024.0`).
            Document::Number(Number::Float(f)) if f.fract() == 0.0 && f.abs() < i64::MAX as f64 => {
                *f as i64
            }
            Document::Number(Number::Float(f)) => {
                return Err(self.fail(format!("expected an integer, got {f}")))
            }
            _ => return Err(self.expected("an integer")),
        };
        T::try_from(n).map_err(|_| self.fail(format!("{n} is out of range")))
    }

    fn number(&self) -> Result<f64, SerdeError> {
        match self.document {
            Document::Number(Number::PosInt(n)) => Ok(*n as f64),
            Document::Number(Number::NegInt(n)) => Ok(*n as f64),
            Document::Number(Number::Float(f)) => Ok(*f),
            _ => Err(self.expected("a number")),
        }
    }

    /// Big numbers travel as their decimal text.
    fn numeral(&self) -> Result<String, SerdeError> {
        match self.document {
            Document::String(s) => Ok(s.clone()),
            Document::Number(Number::PosInt(n)) => Ok(n.to_string()),
            Document::Number(Number::NegInt(n)) => Ok(n.to_string()),
            Document::Number(Number::Float(f)) => Ok(f.to_string()),
            _ => Err(self.expected("a number")),
        }
    }

    /// The members a structure must have: the operation's own, or a nested shape's.
    fn required_of(&self, schema: &Schema<'_>) -> &'static [&'static str] {
        self.required.unwrap_or_else(|| {
            let shape = schema.shape_id().shape_name();
            self.rules
                .required
                .iter()
                .find(|(name, _)| *name == shape)
                .map_or(&[], |(_, members)| members)
        })
    }
}

impl ShapeDeserializer for Reader<'_> {
    fn read_struct(
        &mut self,
        schema: &Schema<'_>,
        consumer: &mut dyn FnMut(&Schema<'_>, &mut dyn ShapeDeserializer) -> Result<(), SerdeError>,
    ) -> Result<(), SerdeError> {
        let Document::Object(object) = self.document else {
            return Err(self.expected("a map"));
        };
        let names: Vec<&str> = schema
            .members()
            .iter()
            .filter_map(|m| m.member_name())
            .collect();
        let list = || names.join(", ");
        // The members given, written out or left out until they are known.
        let prefix = join(&self.path, "");
        let left_out = self.unknown.iter().filter_map(|path| {
            let name = path.strip_prefix(prefix.as_str())?;
            (!name.contains(['.', '['])).then_some(name)
        });
        let mut unknown: Vec<&str> = object
            .keys()
            .map(String::as_str)
            .chain(left_out)
            .filter(|key| !names.contains(key))
            .collect();
        unknown.sort();
        if let Some(member) = unknown.first() {
            return Err(self.refuse_at(
                &join(&self.path, member),
                format!(
                    "unknown member{} (members: {})",
                    did_you_mean(member, names.iter().copied()),
                    list()
                ),
            ));
        }
        // A member left out because it is not known yet counts as given.
        let present = |name: &str| {
            object.get(name).is_some_and(|d| !d.is_null())
                || self.unknown.contains(&join(&self.path, name))
        };
        if schema.shape_type() == ShapeType::Union {
            let set: Vec<&str> = names.iter().copied().filter(|n| present(n)).collect();
            if set.len() != 1 {
                let got = if set.is_empty() {
                    "none".to_string()
                } else {
                    set.join(" and ")
                };
                return Err(self.fail(format!(
                    "expected exactly one member, got {got} (members: {})",
                    list()
                )));
            }
        }
        if let Some(missing) = self.required_of(schema).iter().find(|name| !present(name)) {
            return Err(self.fail_at(&join(&self.path, missing), "required member is missing"));
        }
        // In schema order, so the first of several errors is always the same one.
        for member in schema.members() {
            let Some(name) = member.member_name() else {
                continue;
            };
            let Some(value) = object.get(name) else {
                continue;
            };
            let path = join(&self.path, name);
            let mut child = self.child(value, path.clone());
            consumer(member, &mut child).map_err(|e| self.locate(&path, e))?;
        }
        Ok(())
    }

    fn read_list(
        &mut self,
        schema: &Schema<'_>,
        consumer: &mut dyn FnMut(&mut dyn ShapeDeserializer) -> Result<(), SerdeError>,
    ) -> Result<(), SerdeError> {
        let Document::Array(items) = self.document else {
            return Err(self.expected("an array"));
        };
        for (i, item) in items.iter().enumerate() {
            let path = format!("{}[{i}]", self.path);
            let mut child = self.element(item, path.clone(), schema);
            consumer(&mut child).map_err(|e| self.locate(&path, e))?;
        }
        Ok(())
    }

    fn read_map(
        &mut self,
        schema: &Schema<'_>,
        consumer: &mut dyn FnMut(String, &mut dyn ShapeDeserializer) -> Result<(), SerdeError>,
    ) -> Result<(), SerdeError> {
        let Document::Object(entries) = self.document else {
            return Err(self.expected("a map"));
        };
        let mut keys: Vec<&String> = entries.keys().collect();
        keys.sort();
        for key in keys {
            let path = join(&self.path, key);
            let mut child = self.element(&entries[key], path.clone(), schema);
            consumer(key.clone(), &mut child).map_err(|e| self.locate(&path, e))?;
        }
        Ok(())
    }

    fn read_boolean(&mut self, _schema: &Schema<'_>) -> Result<bool, SerdeError> {
        match self.document {
            Document::Bool(b) => Ok(*b),
            _ => Err(self.expected("a bool")),
        }
    }

    fn read_byte(&mut self, _schema: &Schema<'_>) -> Result<i8, SerdeError> {
        self.integer()
    }

    fn read_short(&mut self, _schema: &Schema<'_>) -> Result<i16, SerdeError> {
        self.integer()
    }

    fn read_integer(&mut self, _schema: &Schema<'_>) -> Result<i32, SerdeError> {
        self.integer()
    }

    fn read_long(&mut self, _schema: &Schema<'_>) -> Result<i64, SerdeError> {
        self.integer()
    }

    fn read_float(&mut self, _schema: &Schema<'_>) -> Result<f32, SerdeError> {
        self.number().map(|f| f as f32)
    }

    fn read_double(&mut self, _schema: &Schema<'_>) -> Result<f64, SerdeError> {
        self.number()
    }

    fn read_big_integer(&mut self, _schema: &Schema<'_>) -> Result<BigInteger, SerdeError> {
        let text = self.numeral()?;
        BigInteger::from_str(&text).map_err(|_| self.fail(format!("{text:?} is not an integer")))
    }

    fn read_big_decimal(&mut self, _schema: &Schema<'_>) -> Result<BigDecimal, SerdeError> {
        let text = self.numeral()?;
        BigDecimal::from_str(&text).map_err(|_| self.fail(format!("{text:?} is not a number")))
    }

    /// Strings and enums: an enum's value is its string. A map or an array is sent as its
    /// JSON text (`PolicyDocument: #{ Version: "2012-10-17", Statement: [...] }`).
    fn read_string(&mut self, schema: &Schema<'_>) -> Result<String, SerdeError> {
        match self.document {
            Document::String(s) => {
                if let Some(values) = self.enum_values(schema).or(self.element_enum) {
                    if !values.contains(&s.as_str()) {
                        return Err(self.fail(crate::shape::not_one_of(s, values)));
                    }
                }
                Ok(s.clone())
            }
            Document::Object(_) | Document::Array(_) => Ok(json(self.document).to_string()),
            _ => Err(self.expected("a string")),
        }
    }

    /// A blob is given as a string, sent as its UTF-8 bytes (`fileContent: "FROM nginx\n"`),
    /// or as an array of bytes.
    fn read_blob(&mut self, _schema: &Schema<'_>) -> Result<Blob, SerdeError> {
        match self.document {
            Document::String(s) => Ok(Blob::new(s.as_bytes())),
            Document::Array(items) => items
                .iter()
                .map(|item| match item {
                    Document::Number(Number::PosInt(n)) if *n <= 255 => Ok(*n as u8),
                    _ => Err(self.fail("expected an array of bytes (0 to 255)")),
                })
                .collect::<Result<Vec<u8>, _>>()
                .map(Blob::new),
            _ => Err(self.expected("a string or an array of bytes")),
        }
    }

    fn read_timestamp(&mut self, _schema: &Schema<'_>) -> Result<DateTime, SerdeError> {
        match self.document {
            Document::String(s) => DateTime::from_str(s, Format::DateTime)
                .map_err(|_| self.fail(format!("expected an RFC 3339 timestamp, got {s:?}"))),
            Document::Number(Number::PosInt(n)) => i64::try_from(*n)
                .map(DateTime::from_secs)
                .map_err(|_| self.fail(format!("{n} is out of range"))),
            Document::Number(Number::NegInt(n)) => Ok(DateTime::from_secs(*n)),
            Document::Number(Number::Float(f)) if f.is_finite() => Ok(DateTime::from_secs_f64(*f)),
            _ => Err(self.expected("a timestamp (an RFC 3339 string or epoch seconds)")),
        }
    }

    fn read_document(&mut self, _schema: &Schema<'_>) -> Result<Document, SerdeError> {
        Ok(self.document.clone())
    }

    fn is_null(&self) -> bool {
        self.document.is_null()
    }

    fn container_size(&self) -> Option<usize> {
        match self.document {
            Document::Array(items) => Some(items.len()),
            Document::Object(entries) => Some(entries.len()),
            _ => None,
        }
    }
}

/// A container being written.
enum Frame {
    Struct(HashMap<String, Document>),
    List(Vec<Document>),
    /// The generated code writes a map's key, then its value.
    Map(HashMap<String, Document>, Option<String>),
}

/// A `ShapeSerializer` building a `Document`; the SDK's own writes timestamps as epoch
/// numbers and blobs as base64, where scripts want RFC 3339 and text or bytes.
#[derive(Default)]
struct Writer {
    stack: Vec<Frame>,
    root: Option<Document>,
}

impl Writer {
    fn put(&mut self, schema: &Schema<'_>, value: Document) -> Result<(), SerdeError> {
        match self.stack.last_mut() {
            None => {
                self.root = Some(value);
            }
            Some(Frame::Struct(members)) => {
                // Absent members are left out rather than written as ().
                if !value.is_null() {
                    let name = schema.member_name().ok_or_else(|| {
                        SerdeError::custom(format!(
                            "{} is not a member",
                            schema.shape_id().as_str()
                        ))
                    })?;
                    members.insert(name.to_string(), value);
                }
            }
            Some(Frame::List(items)) => items.push(value),
            Some(Frame::Map(entries, pending)) => match pending.take() {
                Some(key) => {
                    entries.insert(key, value);
                }
                None => match value {
                    Document::String(key) => *pending = Some(key),
                    other => {
                        return Err(SerdeError::custom(format!(
                            "a map key must be a string, got {}",
                            kind(&other)
                        )))
                    }
                },
            },
        }
        Ok(())
    }

    fn nest(
        &mut self,
        schema: &Schema<'_>,
        frame: Frame,
        write: impl FnOnce(&mut Writer) -> Result<(), SerdeError>,
    ) -> Result<(), SerdeError> {
        self.stack.push(frame);
        write(self)?;
        let value = match self.stack.pop() {
            Some(Frame::Struct(members)) => Document::Object(members),
            Some(Frame::List(items)) => Document::Array(items),
            Some(Frame::Map(entries, None)) => Document::Object(entries),
            Some(Frame::Map(_, Some(key))) => {
                return Err(SerdeError::custom(format!("map key {key:?} has no value")))
            }
            None => return Err(SerdeError::custom("unbalanced containers")),
        };
        self.put(schema, value)
    }
}

/// A blob is a string when it is UTF-8 (a file's text), else its bytes: either goes back in
/// as it came out.
fn blob_document(value: Blob) -> Document {
    match String::from_utf8(value.into_inner()) {
        Ok(text) => Document::String(text),
        Err(e) => Document::Array(
            e.into_bytes()
                .into_iter()
                .map(|b| Document::Number(Number::PosInt(b.into())))
                .collect(),
        ),
    }
}

fn signed(n: i64) -> Document {
    Document::Number(if n < 0 {
        Number::NegInt(n)
    } else {
        Number::PosInt(n as u64)
    })
}

impl ShapeSerializer for Writer {
    fn write_struct(
        &mut self,
        schema: &Schema<'_>,
        value: &dyn SerializableStruct,
    ) -> Result<(), SerdeError> {
        self.nest(schema, Frame::Struct(HashMap::new()), |w| {
            value.serialize_members(w)
        })
    }

    fn write_list(
        &mut self,
        schema: &Schema<'_>,
        write_elements: &dyn Fn(&mut dyn ShapeSerializer) -> Result<(), SerdeError>,
    ) -> Result<(), SerdeError> {
        self.nest(schema, Frame::List(Vec::new()), |w| write_elements(w))
    }

    fn write_map(
        &mut self,
        schema: &Schema<'_>,
        write_entries: &dyn Fn(&mut dyn ShapeSerializer) -> Result<(), SerdeError>,
    ) -> Result<(), SerdeError> {
        self.nest(schema, Frame::Map(HashMap::new(), None), |w| {
            write_entries(w)
        })
    }

    fn write_boolean(&mut self, schema: &Schema<'_>, value: bool) -> Result<(), SerdeError> {
        self.put(schema, Document::Bool(value))
    }

    fn write_byte(&mut self, schema: &Schema<'_>, value: i8) -> Result<(), SerdeError> {
        self.put(schema, signed(value.into()))
    }

    fn write_short(&mut self, schema: &Schema<'_>, value: i16) -> Result<(), SerdeError> {
        self.put(schema, signed(value.into()))
    }

    fn write_integer(&mut self, schema: &Schema<'_>, value: i32) -> Result<(), SerdeError> {
        self.put(schema, signed(value.into()))
    }

    fn write_long(&mut self, schema: &Schema<'_>, value: i64) -> Result<(), SerdeError> {
        self.put(schema, signed(value))
    }

    fn write_float(&mut self, schema: &Schema<'_>, value: f32) -> Result<(), SerdeError> {
        self.put(schema, Document::Number(Number::Float(value.into())))
    }

    fn write_double(&mut self, schema: &Schema<'_>, value: f64) -> Result<(), SerdeError> {
        self.put(schema, Document::Number(Number::Float(value)))
    }

    fn write_big_integer(
        &mut self,
        schema: &Schema<'_>,
        value: &BigInteger,
    ) -> Result<(), SerdeError> {
        self.put(schema, Document::String(value.as_ref().to_string()))
    }

    fn write_big_decimal(
        &mut self,
        schema: &Schema<'_>,
        value: &BigDecimal,
    ) -> Result<(), SerdeError> {
        self.put(schema, Document::String(value.as_ref().to_string()))
    }

    fn write_string(&mut self, schema: &Schema<'_>, value: &str) -> Result<(), SerdeError> {
        self.put(schema, Document::String(value.to_string()))
    }

    fn write_blob(&mut self, schema: &Schema<'_>, value: Blob) -> Result<(), SerdeError> {
        self.put(schema, blob_document(value))
    }

    fn write_timestamp(&mut self, schema: &Schema<'_>, value: &DateTime) -> Result<(), SerdeError> {
        let value = match value.fmt(Format::DateTime) {
            Ok(text) => Document::String(text),
            // Beyond what RFC 3339 can spell (years past 9999).
            Err(_) => Document::Number(Number::Float(value.as_secs_f64())),
        };
        self.put(schema, value)
    }

    fn write_document(&mut self, schema: &Schema<'_>, value: &Document) -> Result<(), SerdeError> {
        self.put(schema, value.clone())
    }

    fn write_null(&mut self, schema: &Schema<'_>) -> Result<(), SerdeError> {
        self.put(schema, Document::Null)
    }
}
