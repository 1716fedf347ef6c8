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
        let get = |name: &HeaderName| {
            headers
                .get(name)
                .and_then(|v| v.to_str().ok())
                .and_then(|s| s.trim().parse::<u64>().ok())
        };
        let status = Self {
            limit: get(&LIMIT),
            remaining: get(&REMAINING),
            reset_epoch_seconds: get(&RESET),
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

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::HeaderValue;

    #[test]
    fn missing_or_garbled_headers_are_ignored() {
        let mut h = HeaderMap::new();
        assert_eq!(RateLimitStatus::from_headers(&h), None);
        h.insert("x-ratelimit-remaining", HeaderValue::from_static("lots"));
        assert_eq!(RateLimitStatus::from_headers(&h), None);
    }
}
