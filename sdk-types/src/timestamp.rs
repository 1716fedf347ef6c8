//! Reading the date-times Braze sends, in every form it sends them.
//!
//! Responses carry RFC 3339 (`2026-12-01T10:00:00Z`, `+01:00`), the
//! `+0000` offsets of Braze's own examples, a space instead of the `T`, and
//! at times no zone at all. chrono's own decoding takes the first three; a
//! zone-less value would fail to decode and lose the whole response. The
//! generated types decode every response date-time through [`parse`], which
//! reads a zone-less value as UTC (Braze's timestamps are UTC unless they say
//! otherwise). What the SDK sends is always RFC 3339 in UTC.

use chrono::{DateTime, NaiveDateTime, Utc};
use serde::{Deserialize, Deserializer};

use crate::Nullable;

/// Parses a date-time as Braze writes it, or `None` if it is not one.
pub fn parse(s: &str) -> Option<DateTime<Utc>> {
    let s = s.trim();
    if let Ok(t) = s.parse::<DateTime<chrono::FixedOffset>>() {
        return Some(t.with_timezone(&Utc));
    }
    let s = s.strip_suffix(" UTC").unwrap_or(s);
    ["%Y-%m-%dT%H:%M:%S%.f", "%Y-%m-%d %H:%M:%S%.f"]
        .iter()
        .find_map(|f| NaiveDateTime::parse_from_str(s, f).ok())
        .map(|naive| naive.and_utc())
}

fn from_str<E: serde::de::Error>(s: &str) -> Result<DateTime<Utc>, E> {
    parse(s).ok_or_else(|| E::custom(format!("`{s}` is not a date-time")))
}

/// `deserialize_with` for a `DateTime<Utc>` field.
#[doc(hidden)]
pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<DateTime<Utc>, D::Error> {
    from_str(&String::deserialize(d)?)
}

/// `deserialize_with` for an `Option<DateTime<Utc>>` field (with
/// `#[serde(default)]`, so an absent field is `None`).
#[doc(hidden)]
pub fn deserialize_option<'de, D: Deserializer<'de>>(
    d: D,
) -> Result<Option<DateTime<Utc>>, D::Error> {
    Option::<String>::deserialize(d)?
        .map(|s| from_str(&s))
        .transpose()
}

/// `deserialize_with` for an `Option<Nullable<DateTime<Utc>>>` field: an
/// explicit `null` is `Some(Nullable::Null)`, as for every nullable field.
#[doc(hidden)]
pub fn deserialize_nullable_present<'de, D: Deserializer<'de>>(
    d: D,
) -> Result<Option<Nullable<DateTime<Utc>>>, D::Error> {
    Ok(Some(match Option::<String>::deserialize(d)? {
        None => Nullable::Null,
        Some(s) => Nullable::Value(from_str(&s)?),
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_form_braze_sends_is_read() {
        let utc = |s: &str| parse(s).map(|t| t.to_rfc3339());
        let noon = Some("2026-12-01T12:00:00+00:00".to_string());
        for s in [
            "2026-12-01T12:00:00Z",
            "2026-12-01T13:00:00+01:00",
            "2026-12-01T13:00:00+0100",
            "2026-12-01 12:00:00+0000",
            "2026-12-01T12:00:00",
            "2026-12-01 12:00:00",
            "2026-12-01 12:00:00 UTC",
            "2026-12-01T12:00:00.000",
        ] {
            assert_eq!(utc(s), noon, "{s}");
        }
        assert_eq!(parse("yesterday"), None);
        assert_eq!(parse("2026-12-01"), None);
    }

    #[test]
    fn field_decoders() {
        #[derive(serde::Deserialize)]
        struct S {
            #[serde(deserialize_with = "deserialize")]
            a: DateTime<Utc>,
            #[serde(default, deserialize_with = "deserialize_option")]
            b: Option<DateTime<Utc>>,
            #[serde(default, deserialize_with = "deserialize_nullable_present")]
            c: Option<Nullable<DateTime<Utc>>>,
            #[serde(default, deserialize_with = "deserialize_nullable_present")]
            d: Option<Nullable<DateTime<Utc>>>,
        }
        let s: S = serde_json::from_str(r#"{"a": "2026-12-01 12:00:00", "c": null}"#).unwrap();
        assert_eq!(s.a, parse("2026-12-01T12:00:00Z").unwrap());
        assert_eq!(s.b, None);
        assert_eq!(s.c, Some(Nullable::Null));
        assert_eq!(s.d, None);
        assert!(serde_json::from_str::<S>(r#"{"a": "soon"}"#).is_err());
    }
}
