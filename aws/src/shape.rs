//! What scripts/gen-aws generates for the SDK crates that carry no smithy schemas (iam, sts,
//! ecr, s3, ec2, events, logs, secretsmanager): the schema of each structure and the code that
//! drives `schema`'s Reader and Writer through the SDK's builders and fields, as the schema
//! crates' own generated code does. The traits dispatch on the SDK's Rust types, so the
//! generator needs only the member names, not whether a field is optional or boxed.
//!
//! The operations of the schema crates implement the same traits by delegating to the SDK's
//! code (`schema_input!`, `schema_output!`), so every binding is sent the same way.

use std::collections::HashMap;
use std::hash::Hash;

use aws_smithy_schema::serde::{SerdeError, ShapeDeserializer, ShapeSerializer};
pub use aws_smithy_schema::{prelude, Schema, ShapeId, ShapeType};
use aws_smithy_types::byte_stream::ByteStream;
use aws_smithy_types::{Blob, DateTime, Document};

/// A value the Reader can build: a structure through its builder, an enum from its value.
pub trait FromShape: Sized {
    fn read(d: &mut dyn ShapeDeserializer) -> Result<Self, SerdeError>;
}

/// A value the Writer can take apart.
pub trait ToShape {
    /// Writes `self` as the member (or element) `member`.
    fn write(&self, member: &Schema<'_>, s: &mut dyn ShapeSerializer) -> Result<(), SerdeError>;
}

/// A structure's schema, for the input members `runbook functions` lists.
pub trait HasSchema {
    const SCHEMA: &'static Schema<'static>;
}

/// A structure of an SDK crate, seen through its generated schema (the orphan rule keeps the
/// SDK's types from implementing `SerializableStruct` here).
pub struct Shape<'a, T>(pub &'a T);

pub fn read<T: FromShape>(d: &mut dyn ShapeDeserializer) -> Result<T, SerdeError> {
    T::read(d)
}

/// An input's field as its fluent setter takes it: every field is optional but a streamed body.
pub trait IntoOption<T> {
    fn into_option(self) -> Option<T>;
}

impl<T> IntoOption<T> for Option<T> {
    fn into_option(self) -> Option<T> {
        self
    }
}

impl IntoOption<ByteStream> for ByteStream {
    fn into_option(self) -> Option<ByteStream> {
        Some(self)
    }
}

/// A builder's `build()` is fallible only when the shape has required members.
pub trait Built<T> {
    fn built(self) -> Result<T, SerdeError>;
}

impl<T> Built<T> for T {
    fn built(self) -> Result<T, SerdeError> {
        Ok(self)
    }
}

impl<T> Built<T> for Result<T, aws_smithy_types::error::operation::BuildError> {
    fn built(self) -> Result<T, SerdeError> {
        self.map_err(|e| SerdeError::custom(e.to_string()))
    }
}

/// Lists and maps carry no schema of their own in the Reader or the Writer.
const ANY: &Schema<'static> = &prelude::DOCUMENT;

macro_rules! primitive {
    ($($ty:ty => $read:ident, $write:ident $(, $by:tt)?;)*) => {$(
        impl FromShape for $ty {
            fn read(d: &mut dyn ShapeDeserializer) -> Result<Self, SerdeError> {
                d.$read(ANY)
            }
        }
        impl ToShape for $ty {
            fn write(&self, m: &Schema<'_>, s: &mut dyn ShapeSerializer) -> Result<(), SerdeError> {
                s.$write(m, primitive!(@by self $($by)?))
            }
        }
    )*};
    (@by $value:ident) => { *$value };
    (@by $value:ident &) => { $value };
    (@by $value:ident clone) => { $value.clone() };
}

primitive! {
    String => read_string, write_string, &;
    bool => read_boolean, write_boolean;
    i8 => read_byte, write_byte;
    i16 => read_short, write_short;
    i32 => read_integer, write_integer;
    i64 => read_long, write_long;
    f32 => read_float, write_float;
    f64 => read_double, write_double;
    Blob => read_blob, write_blob, clone;
    DateTime => read_timestamp, write_timestamp, &;
    Document => read_document, write_document, &;
}

/// A streamed body (S3's objects) is sent from a blob; an answer's body is read before the
/// output is converted (`bindings!`'s `body`), so nothing is left here to write.
impl FromShape for ByteStream {
    fn read(d: &mut dyn ShapeDeserializer) -> Result<Self, SerdeError> {
        Blob::read(d).map(|b| ByteStream::from(b.into_inner()))
    }
}

impl ToShape for ByteStream {
    fn write(&self, _: &Schema<'_>, _: &mut dyn ShapeSerializer) -> Result<(), SerdeError> {
        Ok(())
    }
}

impl<T: FromShape> FromShape for Vec<T> {
    fn read(d: &mut dyn ShapeDeserializer) -> Result<Self, SerdeError> {
        let mut items = Vec::with_capacity(d.container_size().unwrap_or(0));
        d.read_list(ANY, &mut |d| {
            items.push(T::read(d)?);
            Ok(())
        })?;
        Ok(items)
    }
}

/// Maps are keyed by strings or by enums.
impl<K, T> FromShape for HashMap<K, T>
where
    K: for<'a> From<&'a str> + Eq + Hash,
    T: FromShape,
{
    fn read(d: &mut dyn ShapeDeserializer) -> Result<Self, SerdeError> {
        let mut entries = HashMap::new();
        d.read_map(ANY, &mut |key, d| {
            entries.insert(K::from(key.as_str()), T::read(d)?);
            Ok(())
        })?;
        Ok(entries)
    }
}

impl<T: FromShape> FromShape for Box<T> {
    fn read(d: &mut dyn ShapeDeserializer) -> Result<Self, SerdeError> {
        T::read(d).map(Box::new)
    }
}

impl<T: ToShape> ToShape for Option<T> {
    fn write(&self, m: &Schema<'_>, s: &mut dyn ShapeSerializer) -> Result<(), SerdeError> {
        match self {
            Some(value) => value.write(m, s),
            None => Ok(()),
        }
    }
}

impl<T: ToShape> ToShape for Box<T> {
    fn write(&self, m: &Schema<'_>, s: &mut dyn ShapeSerializer) -> Result<(), SerdeError> {
        (**self).write(m, s)
    }
}

impl<T: ToShape> ToShape for Vec<T> {
    fn write(&self, m: &Schema<'_>, s: &mut dyn ShapeSerializer) -> Result<(), SerdeError> {
        s.write_list(m, &|s| {
            for item in self {
                item.write(ANY, s)?;
            }
            Ok(())
        })
    }
}

impl<K: AsRef<str>, T: ToShape> ToShape for HashMap<K, T> {
    fn write(&self, m: &Schema<'_>, s: &mut dyn ShapeSerializer) -> Result<(), SerdeError> {
        s.write_map(m, &|s| {
            let mut entries: Vec<(&K, &T)> = self.iter().collect();
            entries.sort_by(|a, b| a.0.as_ref().cmp(b.0.as_ref()));
            for (key, value) in entries {
                s.write_string(ANY, key.as_ref())?;
                value.write(ANY, s)?;
            }
            Ok(())
        })
    }
}

/// A policy document as IAM returns it (URL-encoded, RFC 3986), written as the JSON text
/// again, as boto3 and the AWS CLI show it.
pub struct UrlEncodedJson<'a, T>(pub &'a T);

impl<T: AsText> ToShape for UrlEncodedJson<'_, T> {
    fn write(&self, m: &Schema<'_>, s: &mut dyn ShapeSerializer) -> Result<(), SerdeError> {
        match self.0.text() {
            Some(text) => s.write_string(m, &policy_document(text)),
            None => Ok(()),
        }
    }
}

pub trait AsText {
    fn text(&self) -> Option<&str>;
}

impl AsText for String {
    fn text(&self) -> Option<&str> {
        Some(self)
    }
}

impl AsText for Option<String> {
    fn text(&self) -> Option<&str> {
        self.as_deref()
    }
}

/// Text that already parses as JSON is kept as it is: an emulator may return it undecoded,
/// and decoding it would corrupt a `%` in it.
pub fn policy_document(text: &str) -> String {
    if serde_json::from_str::<serde_json::Value>(text).is_ok() {
        return text.to_string();
    }
    percent_decode(text).unwrap_or_else(|| text.to_string())
}

/// `%XX` escapes to bytes; `None` when an escape is malformed or the result is not UTF-8.
fn percent_decode(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = std::str::from_utf8(bytes.get(i + 1..i + 3)?).ok()?;
            if !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
                return None;
            }
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

/// An enum's value, refused when it is not one of `allowed` (the SDK would send it anyway,
/// and AWS answer with a less helpful error).
pub fn enum_value(d: &mut dyn ShapeDeserializer, allowed: &[&str]) -> Result<String, SerdeError> {
    let value = String::read(d)?;
    if allowed.contains(&value.as_str()) {
        return Ok(value);
    }
    Err(SerdeError::custom(not_one_of(&value, allowed)))
}

/// `"fargate" is not one of EC2, FARGATE, EXTERNAL (did you mean "FARGATE"?)`
pub fn not_one_of(value: &str, allowed: &[&str]) -> String {
    format!(
        "{value:?} is not one of {}{}",
        allowed.join(", "),
        crate::suggest::did_you_mean(value, allowed.iter().copied())
    )
}

/// A member's schema: only its name and position matter to the Reader and the Writer.
pub const fn member(id: ShapeId<'static>, name: &'static str, index: usize) -> Schema<'static> {
    Schema::new_member(id, ShapeType::Structure, name, index)
}

/// The statics of a structure or union the generated code reads and writes through: its id,
/// its members' schemas and its own.
#[doc(hidden)]
#[macro_export]
macro_rules! shape_schema {
    ($ns:literal # $name:literal [$n:literal] $kind:ident { $($i:literal $member:literal)* }) => {
        const ID: ShapeId<'static> = ShapeId::from_parts(concat!($ns, "#", $name), $ns, $name);
        #[allow(dead_code)] // A shape without members.
        static MEMBERS: [Schema<'static>; $n] = [$(member(ID, $member, $i)),*];
        static REFS: [&Schema<'static>; $n] = [$(&MEMBERS[$i]),*];
        static SCHEMA: Schema<'static> = Schema::new_struct(ID, ShapeType::$kind, &REFS);
    };
}

/// `ToShape` for a structure or union: written as a struct of `SCHEMA` whose members `body`
/// writes, given the value and the serializer.
#[doc(hidden)]
#[macro_export]
macro_rules! write_members {
    ($ty:path, |$value:ident, $s:ident| $body:block) => {
        impl ToShape for $ty {
            fn write(
                &self,
                m: &Schema<'_>,
                s: &mut dyn ::aws_smithy_schema::serde::ShapeSerializer,
            ) -> Result<(), ::aws_smithy_schema::serde::SerdeError> {
                s.write_struct(m, &Shape(self))
            }
        }
        impl ::aws_smithy_schema::serde::SerializableStruct for Shape<'_, $ty> {
            fn schema(&self) -> &Schema<'_> {
                &SCHEMA
            }
            #[allow(unused_variables)]
            fn serialize_members(
                &self,
                $s: &mut dyn ::aws_smithy_schema::serde::ShapeSerializer,
            ) -> Result<(), ::aws_smithy_schema::serde::SerdeError> {
                let $value = self.0;
                $body
            }
        }
    };
}

/// `structure!(@read|@write|@both PATH = NAMESPACE # SHAPE [N] { INDEX FIELD SETTER "Member" [as ADAPTER]; ... })`
#[macro_export]
macro_rules! structure {
    (@$mode:ident $ty:path = $ns:literal # $name:literal [$n:literal] {
        $($i:literal $field:ident $setter:ident $member:literal $(as $adapter:ident)?;)*
    }) => {
        const _: () = {
            use $crate::shape::*;
            $crate::shape_schema!($ns # $name [$n] Structure { $($i $member)* });
            impl HasSchema for $ty {
                const SCHEMA: &'static Schema<'static> = &SCHEMA;
            }
            $crate::structure!(@$mode $ty, { $($i $field $setter $(as $adapter)?;)* });
        };
    };
    (@both $ty:path, $members:tt) => {
        $crate::structure!(@read $ty, $members);
        $crate::structure!(@write $ty, $members);
    };
    (@read $ty:path, { $($i:literal $field:ident $setter:ident $(as $adapter:ident)?;)* }) => {
        impl FromShape for $ty {
            #[allow(unused_mut, unused_variables)]
            fn read(
                d: &mut dyn ::aws_smithy_schema::serde::ShapeDeserializer,
            ) -> Result<Self, ::aws_smithy_schema::serde::SerdeError> {
                let mut b = Self::builder();
                d.read_struct(&SCHEMA, &mut |m, d| {
                    if d.is_null() {
                        return Ok(());
                    }
                    match m.member_index() {
                        $(Some($i) => b = ::std::mem::take(&mut b).$setter(Some(read(d)?)),)*
                        _ => {}
                    }
                    Ok(())
                })?;
                Built::<Self>::built(b.build())
            }
        }
    };
    (@write $ty:path, { $($i:literal $field:ident $setter:ident $(as $adapter:ident)?;)* }) => {
        $crate::write_members!($ty, |value, s| {
            $($($adapter)?(&value.$field).write(&MEMBERS[$i], s)?;)*
            Ok(())
        });
    };
}

/// `union!(@mode PATH = NAMESPACE # SHAPE [N] { INDEX VARIANT "Member"; ... })`
#[macro_export]
macro_rules! union {
    (@$mode:ident $ty:path = $ns:literal # $name:literal [$n:literal] {
        $($i:literal $variant:ident $member:literal;)*
    }) => {
        const _: () = {
            use $crate::shape::*;
            $crate::shape_schema!($ns # $name [$n] Union { $($i $member)* });
            $crate::union!(@$mode $ty, { $($i $variant;)* });
        };
    };
    (@both $ty:path, $members:tt) => {
        $crate::union!(@read $ty, $members);
        $crate::union!(@write $ty, $members);
    };
    (@read $ty:path, { $($i:literal $variant:ident;)* }) => {
        impl FromShape for $ty {
            fn read(
                d: &mut dyn ::aws_smithy_schema::serde::ShapeDeserializer,
            ) -> Result<Self, ::aws_smithy_schema::serde::SerdeError> {
                type Union = $ty;
                let mut value = None;
                // The Reader has checked that exactly one member is set.
                d.read_struct(&SCHEMA, &mut |m, d| {
                    match m.member_index() {
                        $(Some($i) => value = Some(Union::$variant(read(d)?)),)*
                        _ => {}
                    }
                    Ok(())
                })?;
                value.ok_or_else(|| ::aws_smithy_schema::serde::SerdeError::custom("no member is set"))
            }
        }
    };
    (@write $ty:path, { $($i:literal $variant:ident;)* }) => {
        $crate::write_members!($ty, |value, s| {
            type Union = $ty;
            match value {
                $(Union::$variant(value) => value.write(&MEMBERS[$i], s),)*
                _ => Ok(()),
            }
        });
    };
}

/// `enumeration!(@mode PATH ["value", ...])`
#[macro_export]
macro_rules! enumeration {
    (@both $ty:path [$($value:literal),*]) => {
        $crate::enumeration!(@read $ty [$($value),*]);
        $crate::enumeration!(@write $ty [$($value),*]);
    };
    (@read $ty:path [$($value:literal),*]) => {
        impl $crate::shape::FromShape for $ty {
            fn read(
                d: &mut dyn ::aws_smithy_schema::serde::ShapeDeserializer,
            ) -> Result<Self, ::aws_smithy_schema::serde::SerdeError> {
                $crate::shape::enum_value(d, &[$($value),*]).map(|v| <$ty>::from(v.as_str()))
            }
        }
    };
    (@write $ty:path [$($value:literal),*]) => {
        impl $crate::shape::ToShape for $ty {
            fn write(
                &self,
                m: &$crate::shape::Schema<'_>,
                s: &mut dyn ::aws_smithy_schema::serde::ShapeSerializer,
            ) -> Result<(), ::aws_smithy_schema::serde::SerdeError> {
                s.write_string(m, self.as_str())
            }
        }
    };
}

/// An operation's input of a schema crate: read (and written) by the SDK's own generated code.
#[macro_export]
macro_rules! schema_input {
    ($ty:path) => {
        impl $crate::shape::FromShape for $ty {
            fn read(
                d: &mut dyn ::aws_smithy_schema::serde::ShapeDeserializer,
            ) -> Result<Self, ::aws_smithy_schema::serde::SerdeError> {
                <$ty>::deserialize(d)
            }
        }
        impl $crate::shape::HasSchema for $ty {
            const SCHEMA: &'static $crate::shape::Schema<'static> = <$ty>::SCHEMA;
        }
        $crate::schema_output!($ty);
    };
}

/// An operation's output of a schema crate: written by the SDK's own generated code.
#[macro_export]
macro_rules! schema_output {
    ($ty:path) => {
        impl $crate::shape::ToShape for $ty {
            fn write(
                &self,
                m: &$crate::shape::Schema<'_>,
                s: &mut dyn ::aws_smithy_schema::serde::ShapeSerializer,
            ) -> Result<(), ::aws_smithy_schema::serde::SerdeError> {
                s.write_struct(m, self)
            }
        }
    };
}
