//! What the generated `Serialize` impls of the spec's structs call.
//!
//! `serde_derive` writes, for every struct, the count of fields to write
//! (one `if` per skippable field), then per field an `if` choosing between
//! `serialize_field` and `skip_field`, each followed by `?`. Over the
//! SDK's 300-odd request and response structs that was a fifth of what
//! rustc spent checking the crate. The generator
//! (`generator/src/postprocess/lean_serialize.rs`) writes instead one chain
//! of calls per struct:
//!
//! ```text
//! l::begin(serializer, "X", 1 + l::count(&[self.a.is_some()]))
//!     .opt("a", &self.a)
//!     .field("b", &self.b)
//!     .end()
//! ```
//!
//! The first error is kept and the remaining fields are not written, so
//! the chain needs no `?`. The output is serde_derive's, call for call
//! (`serialize_struct` with the same length, `serialize_field` or
//! `skip_field` per field, `end`): tested side by side below.

use std::collections::HashMap;

use serde::ser::{Serialize, SerializeStruct, Serializer};

/// A struct being written: the serializer's state, or its first error.
#[must_use = "a struct is written only by `end()`"]
pub struct Struct<S: SerializeStruct> {
    state: Result<S, S::Error>,
}

/// Starts writing struct `name` with `len` fields present (what
/// serde_derive passes to `serialize_struct`).
pub fn begin<S: Serializer>(
    serializer: S,
    name: &'static str,
    len: usize,
) -> Struct<S::SerializeStruct> {
    Struct {
        state: serializer.serialize_struct(name, len),
    }
}

/// How many of the skippable fields are present.
pub fn count(present: &[bool]) -> usize {
    present.iter().filter(|p| **p).count()
}

impl<S: SerializeStruct> Struct<S> {
    /// A field that is always written.
    pub fn field<T: ?Sized + Serialize>(mut self, key: &'static str, value: &T) -> Self {
        if let Ok(state) = &mut self.state
            && let Err(e) = state.serialize_field(key, value)
        {
            self.state = Err(e);
        }
        self
    }

    /// A field left out (`skip_serializing_if` held).
    fn skip(mut self, key: &'static str) -> Self {
        if let Ok(state) = &mut self.state
            && let Err(e) = state.skip_field(key)
        {
            self.state = Err(e);
        }
        self
    }

    /// `skip_serializing_if = "Option::is_none"`.
    pub fn opt<T: Serialize>(self, key: &'static str, value: &Option<T>) -> Self {
        match value {
            None => self.skip(key),
            Some(_) => self.field(key, value),
        }
    }

    /// `skip_serializing_if = "Vec::is_empty"`.
    pub fn vec<T: Serialize>(self, key: &'static str, value: &Vec<T>) -> Self {
        if value.is_empty() {
            self.skip(key)
        } else {
            self.field(key, value)
        }
    }

    /// `skip_serializing_if = "HashMap::is_empty"`.
    pub fn hash_map<K: Serialize, V: Serialize, H>(
        self,
        key: &'static str,
        value: &HashMap<K, V, H>,
    ) -> Self {
        if value.is_empty() {
            self.skip(key)
        } else {
            self.field(key, value)
        }
    }

    /// `skip_serializing_if = "serde_json::Map::is_empty"`.
    pub fn json_map(
        self,
        key: &'static str,
        value: &serde_json::Map<String, serde_json::Value>,
    ) -> Self {
        if value.is_empty() {
            self.skip(key)
        } else {
            self.field(key, value)
        }
    }

    /// Ends the struct, or returns the first error.
    pub fn end(self) -> Result<S::Ok, S::Error> {
        self.state?.end()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::cell::RefCell;

    /// What the generator writes for [`Derived`].
    #[derive(Clone, Default)]
    struct S {
        a: u8,
        b_: Option<u8>,
        v: Vec<u8>,
        m: HashMap<String, u8>,
        j: serde_json::Map<String, serde_json::Value>,
        bad: Option<Bad>,
    }

    impl Serialize for S {
        fn serialize<Z: Serializer>(&self, serializer: Z) -> Result<Z::Ok, Z::Error> {
            let present = [
                self.b_.is_some(),
                !self.v.is_empty(),
                !self.m.is_empty(),
                !self.j.is_empty(),
                self.bad.is_some(),
            ];
            begin(serializer, "S", 1 + count(&present))
                .field("a", &self.a)
                .opt("b", &self.b_)
                .vec("v", &self.v)
                .hash_map("m", &self.m)
                .json_map("j", &self.j)
                .opt("bad", &self.bad)
                .end()
        }
    }

    #[derive(serde::Serialize)]
    struct Derived {
        a: u8,
        #[serde(rename = "b", skip_serializing_if = "Option::is_none")]
        b_: Option<u8>,
        #[serde(skip_serializing_if = "Vec::is_empty")]
        v: Vec<u8>,
        #[serde(skip_serializing_if = "HashMap::is_empty")]
        m: HashMap<String, u8>,
        #[serde(skip_serializing_if = "serde_json::Map::is_empty")]
        j: serde_json::Map<String, serde_json::Value>,
        #[serde(skip_serializing_if = "Option::is_none")]
        bad: Option<Bad>,
    }

    impl From<S> for Derived {
        fn from(s: S) -> Self {
            Derived {
                a: s.a,
                b_: s.b_,
                v: s.v,
                m: s.m,
                j: s.j,
                bad: s.bad,
            }
        }
    }

    /// A value that fails to serialise.
    #[derive(Clone)]
    struct Bad;

    impl Serialize for Bad {
        fn serialize<Z: Serializer>(&self, _: Z) -> Result<Z::Ok, Z::Error> {
            Err(serde::ser::Error::custom("bad value"))
        }
    }

    fn samples() -> Vec<S> {
        let full = S {
            a: 1,
            b_: Some(2),
            v: vec![3, 4],
            m: HashMap::from([("k".to_string(), 5)]),
            j: serde_json::Map::from_iter([("x".to_string(), serde_json::json!([1]))]),
            bad: None,
        };
        vec![
            S::default(),
            full.clone(),
            S {
                b_: None,
                m: HashMap::new(),
                ..full.clone()
            },
            S {
                bad: Some(Bad),
                ..full
            },
        ]
    }

    #[test]
    fn writes_and_fails_like_serde_derive() {
        for s in samples() {
            let lean = serde_json::to_string(&s).map_err(|e| e.to_string());
            let derived =
                serde_json::to_string(&Derived::from(s.clone())).map_err(|e| e.to_string());
            assert_eq!(lean, derived);
            let lean = serde_json::to_value(&s).map_err(|e| e.to_string());
            let derived = serde_json::to_value(Derived::from(s)).map_err(|e| e.to_string());
            assert_eq!(lean, derived);
        }
    }

    /// The calls a serializer sees, for formats where the length and the
    /// skipped fields matter.
    #[derive(Default)]
    struct Calls(RefCell<Vec<String>>);

    struct Recorder<'a>(&'a Calls);

    impl SerializeStruct for Recorder<'_> {
        type Ok = ();
        type Error = serde_json::Error;
        fn serialize_field<T: ?Sized + Serialize>(
            &mut self,
            key: &'static str,
            value: &T,
        ) -> Result<(), Self::Error> {
            let value = serde_json::to_string(value)?;
            self.0.0.borrow_mut().push(format!("field {key} {value}"));
            Ok(())
        }
        fn skip_field(&mut self, key: &'static str) -> Result<(), Self::Error> {
            self.0.0.borrow_mut().push(format!("skip {key}"));
            Ok(())
        }
        fn end(self) -> Result<(), Self::Error> {
            self.0.0.borrow_mut().push("end".into());
            Ok(())
        }
    }

    /// Only `serialize_struct` is reached: the types under test are structs.
    struct Record<'a>(&'a Calls);

    macro_rules! unreachable_methods {
        ($($name:ident($($arg:ty),*)),* $(,)?) => {
            $(fn $name(self, $(_: $arg),*) -> Result<(), serde_json::Error> {
                Err(serde::ser::Error::custom(stringify!($name)))
            })*
        };
    }

    impl<'a> Serializer for Record<'a> {
        type Ok = ();
        type Error = serde_json::Error;
        type SerializeSeq = serde::ser::Impossible<(), serde_json::Error>;
        type SerializeTuple = serde::ser::Impossible<(), serde_json::Error>;
        type SerializeTupleStruct = serde::ser::Impossible<(), serde_json::Error>;
        type SerializeTupleVariant = serde::ser::Impossible<(), serde_json::Error>;
        type SerializeMap = serde::ser::Impossible<(), serde_json::Error>;
        type SerializeStruct = Recorder<'a>;
        type SerializeStructVariant = serde::ser::Impossible<(), serde_json::Error>;
        unreachable_methods!(
            serialize_bool(bool),
            serialize_i8(i8),
            serialize_i16(i16),
            serialize_i32(i32),
            serialize_i64(i64),
            serialize_u8(u8),
            serialize_u16(u16),
            serialize_u32(u32),
            serialize_u64(u64),
            serialize_f32(f32),
            serialize_f64(f64),
            serialize_char(char),
            serialize_str(&str),
            serialize_bytes(&[u8]),
            serialize_none(),
            serialize_unit(),
            serialize_unit_struct(&'static str),
            serialize_unit_variant(&'static str, u32, &'static str),
        );
        fn serialize_some<T: ?Sized + Serialize>(self, _: &T) -> Result<(), Self::Error> {
            Err(serde::ser::Error::custom("some"))
        }
        fn serialize_newtype_struct<T: ?Sized + Serialize>(
            self,
            _: &'static str,
            _: &T,
        ) -> Result<(), Self::Error> {
            Err(serde::ser::Error::custom("newtype struct"))
        }
        fn serialize_newtype_variant<T: ?Sized + Serialize>(
            self,
            _: &'static str,
            _: u32,
            _: &'static str,
            _: &T,
        ) -> Result<(), Self::Error> {
            Err(serde::ser::Error::custom("newtype variant"))
        }
        fn serialize_seq(self, _: Option<usize>) -> Result<Self::SerializeSeq, Self::Error> {
            Err(serde::ser::Error::custom("seq"))
        }
        fn serialize_tuple(self, _: usize) -> Result<Self::SerializeTuple, Self::Error> {
            Err(serde::ser::Error::custom("tuple"))
        }
        fn serialize_tuple_struct(
            self,
            _: &'static str,
            _: usize,
        ) -> Result<Self::SerializeTupleStruct, Self::Error> {
            Err(serde::ser::Error::custom("tuple struct"))
        }
        fn serialize_tuple_variant(
            self,
            _: &'static str,
            _: u32,
            _: &'static str,
            _: usize,
        ) -> Result<Self::SerializeTupleVariant, Self::Error> {
            Err(serde::ser::Error::custom("tuple variant"))
        }
        fn serialize_map(self, _: Option<usize>) -> Result<Self::SerializeMap, Self::Error> {
            Err(serde::ser::Error::custom("map"))
        }
        fn serialize_struct(
            self,
            name: &'static str,
            len: usize,
        ) -> Result<Recorder<'a>, Self::Error> {
            self.0.0.borrow_mut().push(format!("struct {name} {len}"));
            Ok(Recorder(self.0))
        }
        fn serialize_struct_variant(
            self,
            _: &'static str,
            _: u32,
            _: &'static str,
            _: usize,
        ) -> Result<Self::SerializeStructVariant, Self::Error> {
            Err(serde::ser::Error::custom("struct variant"))
        }
    }

    fn calls(value: &impl Serialize) -> (Vec<String>, Result<(), String>) {
        let calls = Calls::default();
        let result = value.serialize(Record(&calls)).map_err(|e| e.to_string());
        (calls.0.into_inner(), result)
    }

    #[test]
    fn makes_serde_derives_calls_with_the_same_length() {
        for s in samples() {
            let lean = calls(&s);
            // serde_derive names the struct by its Rust name.
            let (mut derived, result) = calls(&Derived::from(s));
            derived[0] = derived[0].replace("Derived", "S");
            assert_eq!(lean, (derived, result));
        }
        let (first, _) = calls(&S::default());
        assert_eq!(
            first,
            [
                "struct S 1",
                "field a 0",
                "skip b",
                "skip v",
                "skip m",
                "skip j",
                "skip bad",
                "end"
            ]
        );
    }
}
