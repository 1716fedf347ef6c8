//! `Checked<T>`: a request field whose setter takes values that may not fit.
//!
//! A setter returns the value it was called on, so it has no way to report
//! a bad input. Fields whose setters accept inputs that can be wrong, a
//! `json!(..)` value for a free-form object (`json!([1, 2])` is not one) or
//! an integer for a count that must not be zero (`.quantity(0)`), are
//! `Checked<T>`: the setter keeps a value that fits as
//! [`Checked::Valid`] and one that does not as [`Checked::Rejected`], with
//! the value given and the reason. Nothing panics and nothing is dropped:
//! encoding a request that holds a rejected value fails, and braze-sdk's
//! `send()` reports it, before anything is sent, as
//! `Error::RejectedValue` naming the field's JSON path
//! (`events[0].properties`) and the reason ("expected a JSON object, got an
//! array").
//!
//! Decoding never produces `Rejected`: a decoded value is `Valid`.

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A field's value as its setter received it: one that fits, or one that
/// does not with the reason. See the [module documentation](self).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Checked<T> {
    /// A value that fits the field; sent as is.
    Valid(T),
    /// A value that does not fit; encoding the request fails with its
    /// reason.
    Rejected(Rejected),
}

impl<T> Checked<T> {
    /// The value, when it fits.
    pub fn valid(&self) -> Option<&T> {
        match self {
            Checked::Valid(v) => Some(v),
            Checked::Rejected(_) => None,
        }
    }

    /// The rejection, when the value did not fit.
    pub fn rejected(&self) -> Option<&Rejected> {
        match self {
            Checked::Valid(_) => None,
            Checked::Rejected(r) => Some(r),
        }
    }

    /// The value, or why it was rejected.
    pub fn into_result(self) -> Result<T, Rejected> {
        match self {
            Checked::Valid(v) => Ok(v),
            Checked::Rejected(r) => Err(r),
        }
    }
}

impl<T> From<T> for Checked<T> {
    fn from(v: T) -> Self {
        Checked::Valid(v)
    }
}

/// A value a setter was given that does not fit its field: the value (as
/// JSON) and the reason. Its `Display` is the reason alone, so that an
/// error message does not repeat a caller's data.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rejected {
    value: serde_json::Value,
    reason: String,
}

impl Rejected {
    /// A rejection of `value`, saying why (`"expected a JSON object, got an
    /// array"`).
    pub fn new(value: impl Into<serde_json::Value>, reason: impl Into<String>) -> Self {
        Rejected {
            value: value.into(),
            reason: reason.into(),
        }
    }

    /// The value the setter was given.
    pub fn value(&self) -> &serde_json::Value {
        &self.value
    }

    /// Why it does not fit.
    pub fn reason(&self) -> &str {
        &self.reason
    }
}

impl std::fmt::Display for Rejected {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.reason)
    }
}

impl std::error::Error for Rejected {}

impl<T: Serialize> Serialize for Checked<T> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Checked::Valid(v) => v.serialize(s),
            Checked::Rejected(r) => Err(serde::ser::Error::custom(r)),
        }
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Checked<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        T::deserialize(d).map(Checked::Valid)
    }
}

/// What kind of JSON value `v` is, for a rejection's reason ("an array").
pub(crate) fn json_kind(v: &serde_json::Value) -> &'static str {
    match v {
        serde_json::Value::Null => "null",
        serde_json::Value::Bool(_) => "a boolean",
        serde_json::Value::Number(_) => "a number",
        serde_json::Value::String(_) => "a string",
        serde_json::Value::Array(_) => "an array",
        serde_json::Value::Object(_) => "an object",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_valid_value_encodes_as_itself_and_decodes_back() {
        let v: Checked<u64> = Checked::Valid(3);
        assert_eq!(serde_json::to_value(&v).unwrap(), json!(3));
        let back: Checked<u64> = serde_json::from_value(json!(3)).unwrap();
        assert_eq!(back, v);
        assert_eq!(back.valid(), Some(&3));
        assert_eq!(back.into_result(), Ok(3));
    }

    #[test]
    fn a_rejected_value_fails_encoding_with_its_reason_and_keeps_the_value() {
        let r = Rejected::new(json!([1, 2]), "expected a JSON object, got an array");
        let v: Checked<u64> = Checked::Rejected(r.clone());
        let err = serde_json::to_vec(&v).unwrap_err();
        assert_eq!(err.to_string(), "expected a JSON object, got an array");
        assert_eq!(v.rejected().unwrap().value(), &json!([1, 2]));
        assert_eq!(v.valid(), None);
        assert_eq!(v.into_result(), Err(r));
    }
}
