//! The report of a call: attempts, time spent, rate-limit state, and why
//! the client stopped retrying. Attached to every response and every error
//! of a sent (or throttled) call.

use std::fmt;
use std::time::Duration;

use crate::rate_limit::RateLimitStatus;

/// What happened during one call: attempts, time spent, rate-limit state.
/// Attached to every [`crate::ResponseValue`] and to every error that comes
/// from a sent request.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct CallReport {
    /// The spec's `operationId`.
    pub operation_id: &'static str,
    /// HTTP method.
    pub method: &'static str,
    /// Path template, e.g. `/catalogs/{catalog_name}`.
    pub path: &'static str,
    /// The rate-limit bucket the request counts in.
    pub bucket: &'static str,
    /// Whether the request could be sent again after a failure that may
    /// have reached Braze: an idempotent method, or an opt-in of the retry
    /// policy ([`crate::RetryPolicy::replay_safe`]).
    pub replay_safe: bool,
    /// Requests sent (0 when the call gave up before sending).
    pub attempts: u32,
    /// Time from the start of the call to its outcome.
    pub elapsed: Duration,
    /// Time spent waiting for the client-side throttle.
    pub throttle_wait: Duration,
    /// Time spent waiting between attempts.
    pub backoff_wait: Duration,
    /// The `X-RateLimit-*` headers of the last response.
    pub rate_limit: Option<RateLimitStatus>,
    /// Why the client stopped retrying, when the last attempt failed.
    pub gave_up: Option<GaveUp>,
}

impl CallReport {
    /// The report of a call of `operation_id`, described by `op` (its
    /// entry in the operation table, when it has one).
    pub(crate) fn new(
        operation_id: &'static str,
        op: Option<&crate::operation::Operation>,
    ) -> Self {
        Self {
            operation_id,
            method: op.map_or("?", |o| o.method),
            path: op.map_or("?", |o| o.path),
            bucket: op.map_or("default", |o| o.rate_limit.bucket()),
            replay_safe: false,
            attempts: 0,
            elapsed: Duration::ZERO,
            throttle_wait: Duration::ZERO,
            backoff_wait: Duration::ZERO,
            rate_limit: None,
            gave_up: None,
        }
    }

    /// ` after 4 attempts over 61 s`, or nothing for one quick attempt.
    pub(crate) fn attempts_phrase(&self) -> String {
        match self.attempts {
            0 => format!(" before any attempt, after {}", human(self.elapsed)),
            1 => String::new(),
            n => format!(" after {n} attempts over {}", human(self.elapsed)),
        }
    }

    /// `; bucket users-track resets at 2026-01-01T12:00:03Z`, when the
    /// bucket is used up (`rate_limited`: the answer was a 429) and its
    /// reset is known.
    pub(crate) fn bucket_phrase(&self, rate_limited: bool) -> String {
        let rl = self.rate_limit;
        let exhausted = rate_limited || rl.is_some_and(|r| r.remaining == Some(0));
        match rl.and_then(|r| r.reset_epoch_seconds) {
            Some(reset) if exhausted => {
                format!("; bucket {} resets at {}", self.bucket, epoch_time(reset))
            }
            _ => String::new(),
        }
    }
}

/// Why a call stopped retrying.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum GaveUp {
    /// The retry policy's `max_retries` were used.
    RetriesExhausted { max_retries: u32 },
    /// The call's deadline: it cut the last attempt short, or the next
    /// attempt (or the throttle's wait) would have ended after it.
    Deadline { deadline: Duration },
    /// The server asked for a longer wait than `max_backoff` allows.
    WaitTooLong {
        wait: Duration,
        max_backoff: Duration,
    },
    /// The request may have reached Braze and is not idempotent; opt in to
    /// retrying it with [`crate::RetryPolicy::retry_operation`] or
    /// [`crate::Client::retrying_non_idempotent`].
    NotReplaySafe,
    /// The request body is a stream and cannot be sent twice.
    BodyNotReplayable,
}

impl fmt::Display for GaveUp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            GaveUp::RetriesExhausted { max_retries } => {
                write!(f, "no retry left (max_retries = {max_retries})")
            }
            GaveUp::Deadline { deadline } => {
                write!(f, "stopped by the call's deadline of {}", human(*deadline))
            }
            GaveUp::WaitTooLong { wait, max_backoff } => write!(
                f,
                "Braze asked to wait {}, longer than max_backoff ({})",
                human(*wait),
                human(*max_backoff)
            ),
            GaveUp::NotReplaySafe => f.write_str(
                "not retried: the request is not idempotent and may have reached Braze \
                 (opt in with RetryPolicy::retry_operation or Client::retrying_non_idempotent)",
            ),
            GaveUp::BodyNotReplayable => f.write_str("not retried: the body cannot be sent twice"),
        }
    }
}

/// `850 ms`, `3.2 s`, `61 s`.
pub(crate) fn human(d: Duration) -> String {
    if d < Duration::from_secs(1) {
        format!("{} ms", d.as_millis())
    } else if d < Duration::from_secs(10) {
        format!("{:.1} s", d.as_secs_f64())
    } else {
        format!("{} s", d.as_secs_f64().round())
    }
}

/// `2026-01-01T12:00:03Z` (UTC) for an epoch second. The full date, not
/// only the time of day: the same text whenever it is read.
pub(crate) fn epoch_time(epoch_seconds: u64) -> String {
    match i64::try_from(epoch_seconds)
        .ok()
        .and_then(|s| chrono::DateTime::<chrono::Utc>::from_timestamp(s, 0))
    {
        Some(at) => at.format("%Y-%m-%dT%H:%M:%SZ").to_string(),
        None => format!("epoch second {epoch_seconds}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_and_resets_read_the_same_every_time() {
        assert_eq!(human(Duration::from_millis(850)), "850 ms");
        assert_eq!(human(Duration::from_millis(3_240)), "3.2 s");
        assert_eq!(human(Duration::from_millis(61_400)), "61 s");
        assert_eq!(epoch_time(1_767_225_603), "2026-01-01T00:00:03Z");
        assert_eq!(epoch_time(u64::MAX), format!("epoch second {}", u64::MAX));
    }

    #[test]
    fn the_bucket_phrase_appears_only_when_the_bucket_is_used_up() {
        let mut r = CallReport::new("users_track", crate::operation::find("users_track"));
        assert_eq!(r.bucket_phrase(true), "");
        r.rate_limit = Some(RateLimitStatus {
            limit: Some(3000),
            remaining: Some(12),
            reset_epoch_seconds: Some(1_767_225_603),
        });
        assert_eq!(r.bucket_phrase(false), "");
        assert_eq!(
            r.bucket_phrase(true),
            "; bucket users-track resets at 2026-01-01T00:00:03Z"
        );
        r.rate_limit.as_mut().unwrap().remaining = Some(0);
        assert_eq!(
            r.bucket_phrase(false),
            "; bucket users-track resets at 2026-01-01T00:00:03Z"
        );
    }
}
