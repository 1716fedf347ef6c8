//! Braze's rate-limit headers.
//!
//! Every response carries its bucket's `X-RateLimit-Limit`, `-Remaining` and
//! `-Reset` (seconds since the epoch); [`crate::throttle`] paces requests
//! with them.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use reqwest::header::{HeaderMap, HeaderName};

/// `X-RateLimit-Limit` (names are built once, not parsed per response).
pub const LIMIT: HeaderName = HeaderName::from_static("x-ratelimit-limit");
/// `X-RateLimit-Remaining`.
pub const REMAINING: HeaderName = HeaderName::from_static("x-ratelimit-remaining");
/// `X-RateLimit-Reset`.
pub const RESET: HeaderName = HeaderName::from_static("x-ratelimit-reset");

/// The rate-limit headers of one response.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RateLimitStatus {
    /// `X-RateLimit-Limit`: requests allowed in the window.
    pub limit: Option<u64>,
    /// `X-RateLimit-Remaining`: requests left in the window.
    pub remaining: Option<u64>,
    /// `X-RateLimit-Reset`: when the window resets, seconds since the epoch.
    pub reset_epoch_seconds: Option<u64>,
}

impl RateLimitStatus {
    /// Reads the headers; `None` when none of them is present.
    pub fn from_headers(headers: &HeaderMap) -> Option<Self> {
        // Read for every response: one pass over the headers (cheaper than
        // three hashed lookups), digits parsed from the bytes. As with
        // `HeaderMap::get`, only a name's first value counts.
        // `Some(parsed)` once a name's first value was seen.
        let (mut limit, mut remaining, mut reset) = (None, None, None);
        for (name, value) in headers {
            let slot = match name.as_str() {
                "x-ratelimit-limit" => &mut limit,
                "x-ratelimit-remaining" => &mut remaining,
                "x-ratelimit-reset" => &mut reset,
                _ => continue,
            };
            if slot.is_none() {
                *slot = Some(parse_u64(value.as_bytes()));
            }
        }
        let (limit, remaining, reset) = (limit.flatten(), remaining.flatten(), reset.flatten());
        let status = Self {
            limit,
            remaining,
            reset_epoch_seconds: reset,
        };
        (status.limit.is_some()
            || status.remaining.is_some()
            || status.reset_epoch_seconds.is_some())
        .then_some(status)
    }

    /// How long from `now` until the window resets (zero if it has).
    pub fn until_reset(&self, now: SystemTime) -> Option<Duration> {
        let reset = UNIX_EPOCH + Duration::from_secs(self.reset_epoch_seconds?);
        Some(reset.duration_since(now).unwrap_or_default())
    }
}

/// An HTTP date (`Sun, 06 Dec 2026 12:00:00 GMT`, as in `Date` and
/// `Retry-After`).
pub(crate) fn http_date(value: &str) -> Option<SystemTime> {
    let date = chrono::DateTime::parse_from_rfc2822(value.trim()).ok()?;
    Some(date.with_timezone(&chrono::Utc).into())
}

/// How far the response's `Date` may be from this machine's clock before
/// the machine's clock is taken to be wrong: `Date` has whole seconds (up to
/// 1 s behind), and the answer took some time to arrive.
pub const CLOCK_SKEW_TOLERANCE: Duration = Duration::from_secs(2);

/// The server's time when it answered, to compare its `X-RateLimit-Reset`
/// and `Retry-After` dates with: `local` (this machine's clock, finer than
/// `Date`'s whole seconds) unless the response's `Date` is more than
/// [`CLOCK_SKEW_TOLERANCE`] away from it, in which case this machine's clock
/// is off and `Date` is the better reading. Without the correction, a
/// worker whose clock is 30 s slow reads a reset 2 s away as 32 s away, and
/// one 30 s fast ignores every reset.
pub fn server_now(headers: &HeaderMap, local: SystemTime) -> SystemTime {
    let Some(date) = headers
        .get(reqwest::header::DATE)
        .and_then(|v| v.to_str().ok())
        .and_then(http_date)
    else {
        return local;
    };
    let apart = match date.duration_since(local) {
        Ok(ahead) => ahead,
        Err(behind) => behind.duration(),
    };
    if apart > CLOCK_SKEW_TOLERANCE {
        date
    } else {
        local
    }
}

/// A decimal number with optional surrounding whitespace, as `str::parse`
/// would read it after `trim` (a leading `+` included).
fn parse_u64(bytes: &[u8]) -> Option<u64> {
    let bytes = bytes.trim_ascii();
    let digits = bytes.strip_prefix(b"+").unwrap_or(bytes);
    if digits.is_empty() {
        return None;
    }
    digits.iter().try_fold(0u64, |n, &b| {
        let digit = b.wrapping_sub(b'0');
        if digit > 9 {
            return None;
        }
        n.checked_mul(10)?.checked_add(u64::from(digit))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::HeaderValue;

    #[test]
    fn the_date_header_replaces_a_clock_that_is_off() {
        // 2026-12-06T12:00:00Z.
        let server = UNIX_EPOCH + Duration::from_secs(1_796_558_400);
        let mut h = HeaderMap::new();
        h.insert(
            reqwest::header::DATE,
            HeaderValue::from_static("Sun, 06 Dec 2026 12:00:00 GMT"),
        );
        let slow = server - Duration::from_secs(30);
        let fast = server + Duration::from_secs(30);
        assert_eq!(server_now(&h, slow), server);
        assert_eq!(server_now(&h, fast), server);
        // Within the tolerance, the local clock's finer reading stays.
        let close = server + Duration::from_millis(1_900);
        assert_eq!(server_now(&h, close), close);
        let close = server - Duration::from_millis(1_900);
        assert_eq!(server_now(&h, close), close);
        // No `Date`, or one that does not parse: the local clock.
        h.insert(reqwest::header::DATE, HeaderValue::from_static("yesterday"));
        assert_eq!(server_now(&h, slow), slow);
        assert_eq!(server_now(&HeaderMap::new(), fast), fast);
    }

    #[test]
    fn missing_or_garbled_headers_are_ignored() {
        let mut h = HeaderMap::new();
        assert_eq!(RateLimitStatus::from_headers(&h), None);
        h.insert("x-ratelimit-remaining", HeaderValue::from_static("lots"));
        assert_eq!(RateLimitStatus::from_headers(&h), None);
    }

    #[test]
    fn the_first_value_of_each_header_counts() {
        let mut h = HeaderMap::new();
        h.insert("content-type", HeaderValue::from_static("application/json"));
        h.append(&LIMIT, HeaderValue::from_static("300"));
        h.append(&LIMIT, HeaderValue::from_static("5"));
        h.insert(&RESET, HeaderValue::from_static(" 1700000000 "));
        h.append(&REMAINING, HeaderValue::from_static("x"));
        h.append(&REMAINING, HeaderValue::from_static("7"));
        assert_eq!(
            RateLimitStatus::from_headers(&h),
            Some(RateLimitStatus {
                limit: Some(300),
                remaining: None,
                reset_epoch_seconds: Some(1_700_000_000),
            })
        );
    }

    #[test]
    fn numbers_are_read_like_str_parse_after_trim() {
        for text in [
            "0",
            "42",
            " 42 ",
            "+7",
            "18446744073709551615",
            "18446744073709551616",
            "",
            " ",
            "+",
            "-1",
            "4 2",
            "1e3",
            "0x10",
            "\t12\t",
            "١٢",
        ] {
            assert_eq!(
                parse_u64(text.as_bytes()),
                text.trim().parse::<u64>().ok(),
                "{text:?}"
            );
        }
    }
}
