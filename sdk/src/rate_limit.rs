//! Client-side respect of Braze's rate limits.
//!
//! Braze counts requests per workspace in buckets that several endpoints can
//! share (see `x-braze-rate-limit` in the spec, turned into
//! [`crate::operation::OPERATIONS`]). Every response carries the bucket's
//! `X-RateLimit-Remaining` and `X-RateLimit-Reset`; once a bucket is
//! exhausted, the client waits for its reset before sending the next request
//! of that bucket, instead of collecting 429s.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use reqwest::header::HeaderMap;

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
        let get = |name: &str| {
            headers
                .get(name)
                .and_then(|v| v.to_str().ok())
                .and_then(|s| s.trim().parse::<u64>().ok())
        };
        let status = Self {
            limit: get("x-ratelimit-limit"),
            remaining: get("x-ratelimit-remaining"),
            reset_epoch_seconds: get("x-ratelimit-reset"),
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

/// The last known state of every bucket, shared by the clones of a client.
#[derive(Clone, Debug, Default)]
pub struct RateLimiter {
    buckets: Arc<Mutex<HashMap<&'static str, RateLimitStatus>>>,
}

impl RateLimiter {
    /// Records what a response said about `bucket`.
    pub fn observe(&self, bucket: &'static str, headers: &HeaderMap) {
        if let Some(status) = RateLimitStatus::from_headers(headers) {
            self.lock().insert(bucket, status);
        }
    }

    /// How long to wait before sending a request in `bucket`: until its reset
    /// when the last response said nothing remains, else zero.
    pub fn wait_before(&self, bucket: &'static str, now: SystemTime) -> Duration {
        match self.lock().get(bucket) {
            Some(s) if s.remaining == Some(0) => s.until_reset(now).unwrap_or_default(),
            _ => Duration::ZERO,
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<&'static str, RateLimitStatus>> {
        // A poisoned lock only means another thread panicked mid-update of a
        // plain map of numbers; the data is still usable.
        self.buckets.lock().unwrap_or_else(|p| p.into_inner())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::HeaderValue;

    fn headers(remaining: &str, reset: &str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert("x-ratelimit-limit", HeaderValue::from_static("100"));
        h.insert(
            "x-ratelimit-remaining",
            HeaderValue::from_str(remaining).unwrap(),
        );
        h.insert("x-ratelimit-reset", HeaderValue::from_str(reset).unwrap());
        h
    }

    #[test]
    fn waits_only_when_the_bucket_is_exhausted() {
        let limiter = RateLimiter::default();
        let now = UNIX_EPOCH + Duration::from_secs(1_000);
        limiter.observe("default", &headers("5", "1010"));
        assert_eq!(limiter.wait_before("default", now), Duration::ZERO);
        limiter.observe("default", &headers("0", "1010"));
        assert_eq!(limiter.wait_before("default", now), Duration::from_secs(10));
        // Other buckets are unaffected; a past reset means no wait.
        assert_eq!(limiter.wait_before("users-track", now), Duration::ZERO);
        assert_eq!(
            limiter.wait_before("default", now + Duration::from_secs(20)),
            Duration::ZERO
        );
    }

    #[test]
    fn missing_or_garbled_headers_are_ignored() {
        let mut h = HeaderMap::new();
        assert_eq!(RateLimitStatus::from_headers(&h), None);
        h.insert("x-ratelimit-remaining", HeaderValue::from_static("lots"));
        assert_eq!(RateLimitStatus::from_headers(&h), None);
    }
}
