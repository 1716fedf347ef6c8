//! `Open<T>`: an enum that accepts values it does not know yet.
//!
//! Braze adds enum values over time (new channels, new states). A closed Rust
//! enum would make every response carrying a new value fail to decode, so
//! enums that responses carry are `Open<KnownEnum>`: known values decode as
//! `Open::Known`, anything else as `Open::Unknown` with the raw value kept,
//! and both serialize back unchanged.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A known enum value, or one this SDK version does not know.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Open<T> {
    Known(T),
    /// A value outside the spec's enum, kept as sent.
    Unknown(serde_json::Value),
}

impl<T> Open<T> {
    /// The known value, if it is one.
    pub fn known(&self) -> Option<&T> {
        match self {
            Open::Known(v) => Some(v),
            Open::Unknown(_) => None,
        }
    }
}

impl<T> From<T> for Open<T> {
    fn from(v: T) -> Self {
        Open::Known(v)
    }
}

impl<T: PartialEq> PartialEq<T> for Open<T> {
    fn eq(&self, other: &T) -> bool {
        self.known() == Some(other)
    }
}

impl<T: Serialize> Serialize for Open<T> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Open::Known(v) => v.serialize(s),
            Open::Unknown(raw) => raw.serialize(s),
        }
    }
}

impl<'de, T: serde::de::DeserializeOwned> Deserialize<'de> for Open<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let raw = serde_json::Value::deserialize(d)?;
        if let Ok(v) = T::deserialize(&raw) {
            return Ok(Open::Known(v));
        }
        // Braze spells some values in more than one case (`Subscribed` and
        // `subscribed`); the spec lists every spelling and the lowering keeps
        // the lower-case one, so a value that only differs by case is known.
        if let serde_json::Value::String(s) = &raw {
            let lower = serde_json::Value::String(s.to_lowercase());
            if lower != raw
                && let Ok(v) = T::deserialize(&lower)
            {
                return Ok(Open::Known(v));
            }
        }
        Ok(Open::Unknown(raw))
    }
}

impl<T: fmt::Display> fmt::Display for Open<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Open::Known(v) => v.fmt(f),
            Open::Unknown(serde_json::Value::String(s)) => f.write_str(s),
            Open::Unknown(raw) => raw.fmt(f),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, PartialEq, Serialize, Deserialize)]
    #[serde(rename_all = "snake_case")]
    enum State {
        Subscribed,
        Unsubscribed,
    }

    #[test]
    fn unknown_values_decode_and_round_trip() {
        let known: Open<State> = serde_json::from_str("\"subscribed\"").unwrap();
        assert_eq!(known, Open::Known(State::Subscribed));
        let unknown: Open<State> = serde_json::from_str("\"paused\"").unwrap();
        assert_eq!(unknown, Open::Unknown(serde_json::json!("paused")));
        assert_eq!(serde_json::to_string(&unknown).unwrap(), "\"paused\"");
    }

    #[test]
    fn a_value_in_another_case_is_known() {
        let capitalised: Open<State> = serde_json::from_str("\"Subscribed\"").unwrap();
        assert_eq!(capitalised, Open::Known(State::Subscribed));
        let upper: Open<State> = serde_json::from_str("\"UNSUBSCRIBED\"").unwrap();
        assert_eq!(upper, Open::Known(State::Unsubscribed));
    }
}
