//! What the generated `Deserialize` impls of the spec's structs call.
//!
//! `serde_derive` writes, for every struct, a field-name enum with its own
//! visitor (three matches over the fields), a `visit_seq` no JSON object
//! needs and a `visit_map`: about 150 lines for a two-field struct, half of
//! the expanded SDK, and most of what rustc spent type- and borrow-checking
//! it. The generator (`generator/src/postprocess/lean_deserialize.rs`)
//! writes instead one `visit_map` per struct (its impl of [`Struct`]),
//! whose per-field work is a call here; the visitor around it and the key
//! lookup are shared by all structs.
//!
//! The behaviour is serde_derive's: keys by their (renamed) JSON name;
//! `invalid type: .., expected struct X`; `duplicate field`; a missing
//! field is an error unless it has a default or is an `Option` (then
//! `None`); unknown keys are skipped, go into the flattened map, or are an
//! error under `deny_unknown_fields`. Not kept: reading a struct from a
//! JSON array, which Braze never sends.

use std::fmt;
use std::marker::PhantomData;

use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, Visitor};

/// A struct the generated code decodes: its name, its JSON keys and how it
/// reads them from a map. The visitor around it ([`deserialize_struct`])
/// is shared by every struct instead of being written once per struct.
pub trait Struct: Sized {
    /// The Rust name, for `expected struct X` and `deserialize_struct`.
    const NAME: &'static str;
    /// The JSON keys, in field order.
    const FIELDS: &'static [&'static str];
    /// Reads the struct's keys and values.
    fn visit_map<'de, A: MapAccess<'de>>(map: A) -> Result<Self, A::Error>;
}

/// `T` read as serde_derive reads a struct (`deserialize_struct`).
pub fn deserialize_struct<'de, T: Struct, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<T, D::Error> {
    deserializer.deserialize_struct(T::NAME, T::FIELDS, StructVisitor(PhantomData))
}

/// `T` read as serde_derive reads a struct with a flattened field
/// (`deserialize_map`).
pub fn deserialize_map<'de, T: Struct, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<T, D::Error> {
    deserializer.deserialize_map(StructVisitor(PhantomData))
}

struct StructVisitor<T>(PhantomData<T>);

impl<'de, T: Struct> Visitor<'de> for StructVisitor<T> {
    type Value = T;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "struct {}", T::NAME)
    }
    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<T, A::Error> {
        T::visit_map(map)
    }
}

/// What to do with a key that names no field.
#[derive(Clone, Copy, Debug)]
pub enum Unknown {
    /// Skip its value.
    Ignore,
    /// Hand it over ([`Field::Other`]): the struct has a flattened map.
    Keep,
    /// Fail (`deny_unknown_fields`).
    Deny,
}

/// A key of a struct's map: the seed that looks it up among `fields`.
#[derive(Clone, Copy, Debug)]
pub struct Key {
    pub fields: &'static [&'static str],
    pub unknown: Unknown,
}

/// A key, looked up.
#[derive(Debug)]
pub enum Field {
    /// The field at this index of [`Key::fields`].
    Known(usize),
    /// An unknown key, kept ([`Unknown::Keep`]).
    Other(String),
    /// An unknown key whose value is to be skipped.
    Skip,
}

impl Key {
    fn unknown<E: de::Error>(self, name: &str) -> Result<Field, E> {
        match self.unknown {
            Unknown::Ignore => Ok(Field::Skip),
            Unknown::Keep => Ok(Field::Other(name.to_owned())),
            Unknown::Deny => Err(E::unknown_field(name, self.fields)),
        }
    }
}

impl<'de> DeserializeSeed<'de> for Key {
    type Value = Field;
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Field, D::Error> {
        deserializer.deserialize_identifier(self)
    }
}

impl<'de> Visitor<'de> for Key {
    type Value = Field;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("field identifier")
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Field, E> {
        match self.fields.iter().position(|f| *f == v) {
            Some(i) => Ok(Field::Known(i)),
            None => self.unknown(v),
        }
    }
    fn visit_bytes<E: de::Error>(self, v: &[u8]) -> Result<Field, E> {
        match std::str::from_utf8(v) {
            Ok(v) => self.visit_str(v),
            Err(_) => self.unknown(&String::from_utf8_lossy(v)),
        }
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Field, E> {
        match usize::try_from(v) {
            Ok(i) if i < self.fields.len() => Ok(Field::Known(i)),
            _ => self.unknown(&v.to_string()),
        }
    }
}

/// Reads the value of a field into its slot; a second value is an error.
pub fn slot<'de, T: de::Deserialize<'de>, A: MapAccess<'de>>(
    slot: &mut Option<T>,
    map: &mut A,
    name: &'static str,
) -> Result<(), A::Error> {
    if slot.is_some() {
        return Err(<A::Error as de::Error>::duplicate_field(name));
    }
    *slot = Some(map.next_value()?);
    Ok(())
}

/// [`slot`] for a field read by its own function (`deserialize_with`).
pub fn slot_seed<'de, S: DeserializeSeed<'de>, A: MapAccess<'de>>(
    slot: &mut Option<S::Value>,
    map: &mut A,
    name: &'static str,
    seed: S,
) -> Result<(), A::Error> {
    if slot.is_some() {
        return Err(<A::Error as de::Error>::duplicate_field(name));
    }
    *slot = Some(map.next_value_seed(seed)?);
    Ok(())
}

/// Reads the value of an unknown key into the flattened map.
pub fn keep<'de, A: MapAccess<'de>>(
    extra: &mut serde_json::Map<String, serde_json::Value>,
    key: String,
    map: &mut A,
) -> Result<(), A::Error> {
    extra.insert(key, map.next_value()?);
    Ok(())
}

/// Skips the value of an unknown key.
pub fn skip<'de, A: MapAccess<'de>>(map: &mut A) -> Result<(), A::Error> {
    map.next_value::<IgnoredAny>().map(|_| ())
}

/// A field without default: its value, or what its type makes of a missing
/// value (`None` for an `Option`, else a `missing field` error), as
/// serde_derive does.
pub fn required<'de, T: de::Deserialize<'de>, E: de::Error>(
    value: Option<T>,
    name: &'static str,
) -> Result<T, E> {
    match value {
        Some(v) => Ok(v),
        None => T::deserialize(Missing(name, PhantomData)),
    }
}

/// A field read by its own function and without default: missing is an
/// error (serde_derive does not ask the function).
pub fn required_with<T, E: de::Error>(value: Option<T>, name: &'static str) -> Result<T, E> {
    value.ok_or_else(|| E::missing_field(name))
}

/// The index in `variants` of a unit variant, read as serde_derive reads
/// an enum of unit variants (`"name"` in JSON; an unknown one is an
/// `unknown variant` error listing the others).
pub fn unit_variant<'de, D: Deserializer<'de>>(
    deserializer: D,
    name: &'static str,
    variants: &'static [&'static str],
) -> Result<usize, D::Error> {
    deserializer.deserialize_enum(name, variants, UnitEnum { name, variants })
}

struct UnitEnum {
    name: &'static str,
    variants: &'static [&'static str],
}

impl<'de> Visitor<'de> for UnitEnum {
    type Value = usize;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "enum {}", self.name)
    }
    fn visit_enum<A: de::EnumAccess<'de>>(self, data: A) -> Result<usize, A::Error> {
        let (index, variant) = data.variant_seed(VariantKey(self.variants))?;
        de::VariantAccess::unit_variant(variant)?;
        Ok(index)
    }
}

/// A variant name, looked up among the enum's.
struct VariantKey(&'static [&'static str]);

impl<'de> DeserializeSeed<'de> for VariantKey {
    type Value = usize;
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<usize, D::Error> {
        deserializer.deserialize_identifier(self)
    }
}

impl<'de> Visitor<'de> for VariantKey {
    type Value = usize;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("variant identifier")
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<usize, E> {
        self.0
            .iter()
            .position(|name| *name == v)
            .ok_or_else(|| E::unknown_variant(v, self.0))
    }
    fn visit_bytes<E: de::Error>(self, v: &[u8]) -> Result<usize, E> {
        self.visit_str(&String::from_utf8_lossy(v))
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<usize, E> {
        match usize::try_from(v) {
            Ok(i) if i < self.0.len() => Ok(i),
            _ => Err(E::invalid_value(
                de::Unexpected::Unsigned(v),
                &"a variant index in range",
            )),
        }
    }
}

/// The value of an absent field: `None` to an `Option`, an error to
/// anything else.
struct Missing<E>(&'static str, PhantomData<E>);

impl<'de, E: de::Error> Deserializer<'de> for Missing<E> {
    type Error = E;
    fn deserialize_any<V: Visitor<'de>>(self, _: V) -> Result<V::Value, E> {
        Err(E::missing_field(self.0))
    }
    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, E> {
        visitor.visit_none()
    }
    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string
        bytes byte_buf unit unit_struct newtype_struct seq tuple
        tuple_struct map struct enum identifier ignored_any
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What the generator writes for `struct S { a: u8, #[serde(rename =
    /// "b")] b_: Option<u8>, #[serde(default)] c: u8 }` (plus `extra` when
    /// flattened), checked against serde_derive's behaviour.
    #[derive(Debug, PartialEq)]
    struct S {
        a: u8,
        b_: Option<u8>,
        c: u8,
    }

    impl Struct for S {
        const NAME: &'static str = "S";
        const FIELDS: &'static [&'static str] = &["a", "b", "c"];
        fn visit_map<'de, A: MapAccess<'de>>(mut map: A) -> Result<S, A::Error> {
            let (mut a, mut b, mut c) = (None, None, None);
            while let Some(key) = map.next_key_seed(Key {
                fields: Self::FIELDS,
                unknown: Unknown::Ignore,
            })? {
                (match key {
                    Field::Known(0) => slot(&mut a, &mut map, "a"),
                    Field::Known(1) => slot(&mut b, &mut map, "b"),
                    Field::Known(2) => slot(&mut c, &mut map, "c"),
                    _ => skip(&mut map),
                })?;
            }
            Ok(S {
                a: required(a, "a")?,
                // An `Option` without default: what the generator writes
                // instead of `required` (same result).
                b_: b.unwrap_or_default(),
                c: c.unwrap_or_default(),
            })
        }
    }

    impl<'de> de::Deserialize<'de> for S {
        fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            deserialize_struct(d)
        }
    }

    #[derive(Debug, PartialEq, serde::Deserialize)]
    struct Derived {
        a: u8,
        #[serde(rename = "b")]
        b_: Option<u8>,
        #[serde(default)]
        c: u8,
    }

    #[test]
    fn decodes_and_fails_like_serde_derive() {
        for json in [
            r#"{"a": 1, "b": 2, "c": 3}"#,
            r#"{"a": 1}"#,
            r#"{"a": 1, "b": null, "zzz": [1, {"x": 2}]}"#,
            r#"{"b": 2}"#,
            r#"{"a": 1, "a": 2}"#,
            r#"{"a": "one"}"#,
            r#"[1, 2, 3]"#,
            r#""text""#,
            r#"{"a": 300}"#,
        ] {
            let lean = serde_json::from_str::<S>(json);
            let derived = serde_json::from_str::<Derived>(json);
            match (&lean, &derived) {
                (Err(l), Ok(_)) if json.starts_with('[') => {
                    // serde_derive reads a struct from an array; we do not.
                    assert!(l.to_string().contains("expected struct S"), "{l}");
                }
                (Ok(l), Ok(d)) => assert_eq!((l.a, l.b_, l.c), (d.a, d.b_, d.c), "{json}"),
                (Err(l), Err(d)) => {
                    assert_eq!(
                        l.to_string().replace("struct S", "struct Derived"),
                        d.to_string(),
                        "{json}"
                    )
                }
                _ => panic!("{json}: lean {lean:?}, derived {derived:?}"),
            }
        }
    }

    #[derive(Debug, PartialEq, serde::Deserialize)]
    enum Derived2 {
        #[serde(rename = "one")]
        One,
        #[serde(rename = "two")]
        Two,
    }

    #[test]
    fn unit_variants_decode_and_fail_like_serde_derive() {
        const VARIANTS: &[&str] = &["one", "two"];
        for json in [
            r#""one""#,
            r#""two""#,
            r#""three""#,
            "1",
            "null",
            r#"{"two": null}"#,
        ] {
            let lean = unit_variant(
                &mut serde_json::Deserializer::from_str(json),
                "Derived2",
                VARIANTS,
            );
            let derived = serde_json::from_str::<Derived2>(json);
            match (&lean, &derived) {
                (Ok(i), Ok(d)) => assert_eq!([Derived2::One, Derived2::Two][*i], *d, "{json}"),
                (Err(l), Err(d)) => assert_eq!(l.to_string(), d.to_string(), "{json}"),
                _ => panic!("{json}: lean {lean:?}, derived {derived:?}"),
            }
        }
    }

    #[test]
    fn unknown_keys_are_kept_or_refused_when_asked() {
        let key = |unknown| Key {
            fields: &["a"],
            unknown,
        };
        let mut de = serde_json::Deserializer::from_str(r#""zzz""#);
        assert!(matches!(
            key(Unknown::Keep).deserialize(&mut de).unwrap(),
            Field::Other(k) if k == "zzz"
        ));
        let mut de = serde_json::Deserializer::from_str(r#""zzz""#);
        let err = key(Unknown::Deny).deserialize(&mut de).unwrap_err();
        assert!(
            err.to_string()
                .starts_with("unknown field `zzz`, expected `a`"),
            "{err}"
        );
        let mut de = serde_json::Deserializer::from_str(r#""a""#);
        assert!(matches!(
            key(Unknown::Deny).deserialize(&mut de).unwrap(),
            Field::Known(0)
        ));
    }
}
