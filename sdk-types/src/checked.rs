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

use std::cell::Cell;

use serde::ser::SerializeMap;
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

/// An empty value that fits: a field that may be left out and is skipped
/// when empty (an email's `extras`) starts as `Valid` and empty.
impl<T: Default> Default for Checked<T> {
    fn default() -> Self {
        Checked::Valid(T::default())
    }
}

type JsonMap = serde_json::Map<String, serde_json::Value>;

impl Checked<JsonMap> {
    /// Whether this is a valid empty map: what a request leaves out of
    /// its JSON (`skip_serializing_if`), as it leaves out an empty
    /// `serde_json::Map`. A rejected value is not empty, so encoding it
    /// reports the rejection instead of dropping it.
    pub fn is_empty(&self) -> bool {
        matches!(self, Checked::Valid(map) if map.is_empty())
    }
}

/// A JSON value for a free-form object, where a type is written out (a
/// `...Required` struct's field: `content_state: json!({..}).into()`):
/// an object fits, anything else is kept as rejected.
impl From<serde_json::Value> for Checked<JsonMap> {
    fn from(value: serde_json::Value) -> Self {
        crate::field::checked_map(value)
    }
}

impl<N: crate::MapNewtype> From<serde_json::Value> for Checked<N> {
    fn from(value: serde_json::Value) -> Self {
        crate::field::checked_map(value)
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
            Checked::Rejected(r) if MARK_REJECTED.with(Cell::get) => {
                let mut map = s.serialize_map(Some(1))?;
                map.serialize_entry(MARKER, r.reason())?;
                map.end()
            }
            Checked::Rejected(r) => Err(serde::ser::Error::custom(r)),
        }
    }
}

thread_local! {
    /// Set while [`locate_rejected`] encodes a body: a rejected value
    /// then encodes as a marker instead of failing.
    static MARK_REJECTED: Cell<bool> = const { Cell::new(false) };
}

/// The one key of the object a rejected value encodes as while
/// [`locate_rejected`] runs (no JSON a caller gives starts with NUL and
/// this text under a single key).
const MARKER: &str = "\u{0}braze_sdk::Rejected";

/// Where in `body` a rejected value sits and why it was rejected:
/// `("messages.email.extras", "expected a JSON object, got a string")`,
/// the path written as serde_path_to_error writes it. For braze-sdk's
/// request encoding, once the plain encoding has failed: it encodes
/// `body` again into a `serde_json::Value` with each rejected value as a
/// marker, and finds the first marker. (serde_path_to_error alone loses
/// the path below the first `Option`: it does not follow
/// `serialize_some`.) `None` when `body` holds no rejected value or fails
/// to encode for another reason.
#[doc(hidden)]
pub fn locate_rejected<B: Serialize + ?Sized>(body: &B) -> Option<(String, String)> {
    /// Puts the flag back as it was, also when encoding panics.
    struct Restore(bool);
    impl Drop for Restore {
        fn drop(&mut self) {
            MARK_REJECTED.with(|m| m.set(self.0));
        }
    }
    let _restore = Restore(MARK_REJECTED.with(|m| m.replace(true)));
    let value = serde_json::to_value(body).ok()?;
    let mut path = String::new();
    let reason = find_marker(&value, &mut path)?;
    if path.is_empty() {
        path.push('.');
    }
    Some((path, reason))
}

/// The reason of the first marker in `value` (objects in key order,
/// arrays in order), with `path` left pointing at it.
fn find_marker(value: &serde_json::Value, path: &mut String) -> Option<String> {
    match value {
        serde_json::Value::Object(map) => {
            if map.len() == 1
                && let Some(serde_json::Value::String(reason)) = map.get(MARKER)
            {
                return Some(reason.clone());
            }
            for (key, child) in map {
                let len = path.len();
                if len > 0 {
                    path.push('.');
                }
                path.push_str(key);
                if let Some(reason) = find_marker(child, path) {
                    return Some(reason);
                }
                path.truncate(len);
            }
            None
        }
        serde_json::Value::Array(items) => {
            for (i, child) in items.iter().enumerate() {
                let len = path.len();
                path.push_str(&format!("[{i}]"));
                if let Some(reason) = find_marker(child, path) {
                    return Some(reason);
                }
                path.truncate(len);
            }
            None
        }
        _ => None,
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
    fn a_rejected_value_is_located_below_options_arrays_and_maps() {
        #[derive(Serialize)]
        struct Inner {
            ok: Checked<u64>,
            bad: Option<Checked<u64>>,
        }
        #[derive(Serialize)]
        struct Outer {
            list: Vec<Option<Inner>>,
        }
        let rejected = || Checked::Rejected(Rejected::new(json!(0), "expected at least 1"));
        let body = Outer {
            list: vec![
                Some(Inner {
                    ok: Checked::Valid(1),
                    bad: None,
                }),
                Some(Inner {
                    ok: Checked::Valid(2),
                    bad: Some(rejected()),
                }),
            ],
        };
        assert_eq!(
            locate_rejected(&body),
            Some(("list[1].bad".to_string(), "expected at least 1".to_string()))
        );
        // The flag is put back: the plain encoding fails again.
        assert!(serde_json::to_vec(&body).is_err());
        let top: Checked<u64> = rejected();
        assert_eq!(
            locate_rejected(&top),
            Some((".".to_string(), "expected at least 1".to_string()))
        );
        let fine = Outer { list: vec![None] };
        assert_eq!(locate_rejected(&fine), None);
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
