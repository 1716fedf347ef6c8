//! `Nullable<T>`: a value or an explicit JSON `null`.
//!
//! Braze unsets an attribute when it receives `null` for it, which differs
//! from leaving the field out. Optional nullable fields of the spec are
//! therefore `Option<Nullable<T>>` in the SDK: `None` leaves the field out,
//! `Some(Nullable::Null)` sends `null`, `Some(Nullable::Value(v))` sends `v`.
//! Decoding mirrors it: an absent field is `None`, an explicit `null` is
//! `Some(Nullable::Null)`.

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A value, or an explicit `null`.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Nullable<T> {
    /// Sends `null`: unsets the field.
    Null,
    /// Sends the value.
    Value(T),
}

impl<T> Nullable<T> {
    /// The value, if any.
    pub fn as_ref(&self) -> Option<&T> {
        match self {
            Nullable::Null => None,
            Nullable::Value(v) => Some(v),
        }
    }

    /// Converts into an `Option`, `Null` becoming `None`.
    pub fn into_option(self) -> Option<T> {
        match self {
            Nullable::Null => None,
            Nullable::Value(v) => Some(v),
        }
    }

    /// Deserializes a field that is present: `null` becomes
    /// `Some(Nullable::Null)`. Generated types use it on every
    /// `Option<Nullable<T>>` field (an absent field stays `None` through
    /// `#[serde(default)]`).
    pub fn deserialize_present<'de, D>(d: D) -> Result<Option<Self>, D::Error>
    where
        D: Deserializer<'de>,
        T: Deserialize<'de>,
    {
        Self::deserialize(d).map(Some)
    }

    /// True for `Null`.
    pub fn is_null(&self) -> bool {
        matches!(self, Nullable::Null)
    }
}

impl<T> From<T> for Nullable<T> {
    fn from(v: T) -> Self {
        Nullable::Value(v)
    }
}

impl<T> From<Option<T>> for Nullable<T> {
    fn from(v: Option<T>) -> Self {
        v.map_or(Nullable::Null, Nullable::Value)
    }
}

impl<T: Serialize> Serialize for Nullable<T> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Nullable::Null => s.serialize_none(),
            Nullable::Value(v) => v.serialize(s),
        }
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Nullable<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Ok(Option::<T>::deserialize(d)?.into())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serializes_null_and_values() {
        assert_eq!(
            serde_json::to_string(&Nullable::<String>::Null).unwrap(),
            "null"
        );
        assert_eq!(
            serde_json::to_string(&Nullable::Value("a")).unwrap(),
            "\"a\""
        );
        let back: Nullable<u8> = serde_json::from_str("null").unwrap();
        assert_eq!(back, Nullable::Null);
        let back: Nullable<u8> = serde_json::from_str("7").unwrap();
        assert_eq!(back, Nullable::Value(7));
    }
}
