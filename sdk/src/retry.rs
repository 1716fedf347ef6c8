//! What is retried, and how long to wait before the next attempt.
//!
//! What is safe to retry depends on whether the request may have taken
//! effect. A `POST /messages/send` that timed out or got a 500 may still have
//! sent its messages, so a non-idempotent request (POST, PATCH) is retried
//! only when it provably did not arrive (the connection could not be made)
//! or Braze refused it (429), unless the caller opted in. Idempotent methods
//! (GET, HEAD, PUT, DELETE, OPTIONS) are also retried on transport failures,
//! a connection closed before or during the response, 408 and 5xx. A
//! server certificate the client refuses is not retried: it would be
//! refused again.
//!
//! Waits: a 429 (or a 503 with `Retry-After`) waits what the server asks
//! (`Retry-After`, else `X-RateLimit-Reset`); anything else waits an
//! exponential backoff with jitter ([backon]). No single wait is longer than
//! [`RetryPolicy::max_backoff`]: when the server asks for more, the call
//! gives up at once (retrying sooner would only collect another refusal),
//! and the error says when the bucket resets.
//!
//! [backon]: https://docs.rs/backon

use std::time::{Duration, SystemTime};

use backon::{BackoffBuilder, ExponentialBuilder};
use reqwest::header::HeaderMap;
use reqwest::{Method, StatusCode};

use crate::operation::OperationId;
use crate::rate_limit::RateLimitStatus;

/// How a client retries failed requests.
///
/// The defaults: 3 retries (4 attempts), backoff from 500 ms doubling, at
/// most 30 s for any single wait, POST/PATCH retried only on connect errors
/// and 429.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Retries after the first attempt (0 disables retrying).
    pub max_retries: u32,
    /// Backoff before the first retry; doubled on each further retry. Retry
    /// `n` waits a random time between `initial_backoff * 2^(n-1)` and twice
    /// that, never more than `max_backoff`.
    pub initial_backoff: Duration,
    /// Upper bound of any single wait between attempts, including one the
    /// server asks for with `Retry-After` or `X-RateLimit-Reset`.
    pub max_backoff: Duration,
    /// Also retry non-idempotent requests (POST, PATCH) of every operation
    /// after failures that may have taken effect (timeouts, a connection
    /// closed mid-request, 408, 5xx). Off by default.
    pub retry_non_idempotent: bool,
    /// Operations (e.g. [`OperationId::UsersTrack`]) whose requests are
    /// retried like idempotent ones: the caller knows that sending them
    /// twice is harmless.
    pub retry_operations: Vec<OperationId>,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            max_retries: 3,
            initial_backoff: Duration::from_millis(500),
            max_backoff: Duration::from_secs(30),
            retry_non_idempotent: false,
            retry_operations: Vec::new(),
        }
    }
}

impl RetryPolicy {
    /// A policy that never retries.
    pub fn none() -> Self {
        Self {
            max_retries: 0,
            ..Self::default()
        }
    }

    /// Retries `operation`'s requests like idempotent ones.
    ///
    /// ```
    /// use braze_sdk::{OperationId, RetryPolicy};
    /// let policy = RetryPolicy::default().retry_operation(OperationId::UsersTrack);
    /// # assert!(policy.replay_safe(&braze_sdk::reqwest::Method::POST, "users_track"));
    /// ```
    ///
    /// A misspelt operation does not compile:
    ///
    /// ```compile_fail
    /// use braze_sdk::{OperationId, RetryPolicy};
    /// let policy = RetryPolicy::default().retry_operation(OperationId::UserTrack);
    /// ```
    pub fn retry_operation(mut self, operation: OperationId) -> Self {
        self.retry_operations.push(operation);
        self
    }

    /// Whether a request of `method` for `operation_id` may be sent again
    /// after a failure that may have reached Braze.
    pub fn replay_safe(&self, method: &Method, operation_id: &str) -> bool {
        is_idempotent(method)
            || self.retry_non_idempotent
            || self
                .retry_operations
                .iter()
                .any(|o| o.as_str() == operation_id)
    }

    /// Whether a response with `status` is retried (`replay_safe` from
    /// [`RetryPolicy::replay_safe`]).
    pub fn retries_status(&self, status: StatusCode, replay_safe: bool) -> bool {
        Failure::Status(status).is_retried(replay_safe)
    }

    /// Whether a transport error is retried.
    pub fn retries_transport(&self, error: &reqwest::Error, replay_safe: bool) -> bool {
        Failure::of_transport(error).is_retried(replay_safe)
    }

    /// The backoff waits of retries 1, 2, ... (jittered, capped).
    pub(crate) fn backoffs(&self) -> impl Iterator<Item = Duration> + use<> {
        let cap = self.max_backoff;
        // backon adds a jitter of up to 100% of the delay; capping its delay
        // at half the cap keeps every jittered wait within the cap.
        ExponentialBuilder::default()
            .with_min_delay(self.initial_backoff.min(cap / 2))
            .with_max_delay(cap / 2)
            .with_jitter()
            .without_max_times()
            .build()
            .map(move |d| d.min(cap))
    }
}

/// What went wrong with one attempt, as far as retrying is concerned.
///
/// The one classification of failures: the call loop retries by it
/// ([`crate::runtime`]'s `decide`) and [`crate::Error::is_retryable`]
/// answers by it, so the two cannot disagree.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Failure {
    /// A response with an unsuccessful status.
    Status(StatusCode),
    /// No connection could be made: the request never left.
    Connect,
    /// The server's certificate was refused: it would be refused again.
    CertificateRefused,
    /// A timeout or a connection closed while the request was sent or
    /// before the response came: it may have reached Braze.
    Interrupted,
    /// A response whose body could not be read to the end.
    Body,
    /// Not sent: the client-side throttle would have waited past the
    /// deadline (a later call may pass).
    Throttled,
    /// Anything else (a request that could not be built, a redirect loop,
    /// ...): the same request would fail the same way.
    Other,
}

impl Failure {
    /// The class of a transport error.
    pub(crate) fn of_transport(error: &reqwest::Error) -> Self {
        if error.is_connect() {
            // The request never left: safe for every method; but a
            // certificate this client refuses is refused again next time.
            if refused_certificate(error) {
                Failure::CertificateRefused
            } else {
                Failure::Connect
            }
        } else if error.is_timeout() || error.is_request() || error.is_body() {
            Failure::Interrupted
        } else {
            Failure::Other
        }
    }

    /// Whether a request that failed this way is sent again (`replay_safe`:
    /// it may be sent twice, see [`RetryPolicy::replay_safe`]).
    pub(crate) fn is_retried(self, replay_safe: bool) -> bool {
        match self {
            Failure::Connect | Failure::Throttled => true,
            Failure::Status(StatusCode::TOO_MANY_REQUESTS) => true,
            Failure::Status(StatusCode::REQUEST_TIMEOUT) => replay_safe,
            Failure::Status(
                StatusCode::NOT_IMPLEMENTED | StatusCode::HTTP_VERSION_NOT_SUPPORTED,
            ) => false,
            Failure::Status(s) => s.is_server_error() && replay_safe,
            Failure::Interrupted | Failure::Body => replay_safe,
            Failure::CertificateRefused | Failure::Other => false,
        }
    }
}

/// Whether TLS failed because the server's certificate is not acceptable
/// (unknown issuer, expired, wrong name, ...): rustls's error, found in the
/// cause chain.
fn refused_certificate(error: &reqwest::Error) -> bool {
    let mut cause: Option<&(dyn std::error::Error + 'static)> = Some(error);
    while let Some(e) = cause {
        if let Some(tls) = e.downcast_ref::<rustls::Error>() {
            return matches!(
                tls,
                rustls::Error::InvalidCertificate(_)
                    | rustls::Error::NoCertificatesPresented
                    | rustls::Error::UnsupportedNameType
            );
        }
        // An `io::Error` (reqwest's connector nests two) hides its inner
        // error from `source()`.
        cause = match e
            .downcast_ref::<std::io::Error>()
            .and_then(|io| io.get_ref())
        {
            Some(inner) => Some(inner),
            None => e.source(),
        };
    }
    false
}

/// Whether `method` is idempotent.
pub fn is_idempotent(method: &Method) -> bool {
    matches!(
        *method,
        Method::GET | Method::HEAD | Method::PUT | Method::DELETE | Method::OPTIONS
    )
}

/// How long the server asked to wait: `Retry-After` (seconds or an HTTP
/// date), else the time until `X-RateLimit-Reset`. Dates are read against
/// the server's clock ([`crate::rate_limit::server_now`]: the response's
/// `Date` when `now`, this machine's clock, is off).
pub fn server_wait(headers: &HeaderMap, now: SystemTime) -> Option<Duration> {
    let now = crate::rate_limit::server_now(headers, now);
    if let Some(value) = headers
        .get(reqwest::header::RETRY_AFTER)
        .and_then(|v| v.to_str().ok())
        .map(str::trim)
    {
        if let Ok(seconds) = value.parse::<u64>() {
            return Some(Duration::from_secs(seconds));
        }
        if let Some(at) = crate::rate_limit::http_date(value) {
            return Some(at.duration_since(now).unwrap_or_default());
        }
    }
    RateLimitStatus::from_headers(headers)?.until_reset(now)
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::HeaderValue;
    use std::time::UNIX_EPOCH;

    #[test]
    fn post_is_retried_only_when_refused_unless_opted_in() {
        let p = RetryPolicy::default();
        let post = p.replay_safe(&Method::POST, "users_track");
        assert!(!post);
        assert!(p.replay_safe(&Method::GET, "catalogs_list"));
        assert!(!p.retries_status(StatusCode::INTERNAL_SERVER_ERROR, post));
        assert!(!p.retries_status(StatusCode::BAD_GATEWAY, post));
        assert!(p.retries_status(StatusCode::TOO_MANY_REQUESTS, post));
        assert!(p.retries_status(StatusCode::INTERNAL_SERVER_ERROR, true));
        assert!(p.retries_status(StatusCode::REQUEST_TIMEOUT, true));
        assert!(!p.retries_status(StatusCode::NOT_IMPLEMENTED, true));
        assert!(!p.retries_status(StatusCode::BAD_REQUEST, true));
        let opted = RetryPolicy::default().retry_operation(OperationId::UsersTrack);
        assert!(opted.replay_safe(&Method::POST, "users_track"));
        assert!(!opted.replay_safe(&Method::POST, "messages_send"));
        let all = RetryPolicy {
            retry_non_idempotent: true,
            ..RetryPolicy::default()
        };
        assert!(all.replay_safe(&Method::PATCH, "anything"));
    }

    #[test]
    fn one_classification_for_every_failure() {
        use Failure::*;
        // (failure, retried when replay-safe, retried when not)
        let table = [
            (Status(StatusCode::TOO_MANY_REQUESTS), true, true),
            (Status(StatusCode::REQUEST_TIMEOUT), true, false),
            (Status(StatusCode::INTERNAL_SERVER_ERROR), true, false),
            (Status(StatusCode::SERVICE_UNAVAILABLE), true, false),
            (Status(StatusCode::NOT_IMPLEMENTED), false, false),
            (Status(StatusCode::HTTP_VERSION_NOT_SUPPORTED), false, false),
            (Status(StatusCode::BAD_REQUEST), false, false),
            (Status(StatusCode::NOT_FOUND), false, false),
            (Connect, true, true),
            (Throttled, true, true),
            (CertificateRefused, false, false),
            (Interrupted, true, false),
            (Body, true, false),
            (Other, false, false),
        ];
        for (failure, safe, unsafe_) in table {
            assert_eq!(failure.is_retried(true), safe, "{failure:?} replay-safe");
            assert_eq!(
                failure.is_retried(false),
                unsafe_,
                "{failure:?} not replay-safe"
            );
        }
    }

    #[test]
    fn backoff_grows_with_jitter_and_never_passes_the_cap() {
        let p = RetryPolicy {
            initial_backoff: Duration::from_millis(100),
            max_backoff: Duration::from_millis(700),
            ..RetryPolicy::default()
        };
        for _ in 0..50 {
            let waits: Vec<_> = p.backoffs().take(6).collect();
            assert!(
                waits[0] >= Duration::from_millis(100) && waits[0] < Duration::from_millis(200)
            );
            assert!(
                waits[1] >= Duration::from_millis(200) && waits[1] < Duration::from_millis(400)
            );
            assert!(
                waits.iter().all(|w| *w <= Duration::from_millis(700)),
                "{waits:?}"
            );
        }
    }

    #[test]
    fn server_wait_reads_retry_after_then_the_reset() {
        let now = UNIX_EPOCH + Duration::from_secs(1_000);
        let mut h = HeaderMap::new();
        assert_eq!(server_wait(&h, now), None);
        h.insert("x-ratelimit-reset", HeaderValue::from_static("1012"));
        assert_eq!(server_wait(&h, now), Some(Duration::from_secs(12)));
        h.insert("retry-after", HeaderValue::from_static("3"));
        assert_eq!(server_wait(&h, now), Some(Duration::from_secs(3)));
        h.insert(
            "retry-after",
            HeaderValue::from_static("Thu, 01 Jan 1970 00:16:50 GMT"),
        );
        assert_eq!(server_wait(&h, now), Some(Duration::from_secs(10)));
        // A clock 10 s slow reads the wait against the server's `Date`.
        h.remove("retry-after");
        h.insert(
            reqwest::header::DATE,
            HeaderValue::from_static("Thu, 01 Jan 1970 00:16:50 GMT"),
        );
        assert_eq!(server_wait(&h, now), Some(Duration::from_secs(2)));
        h.insert(
            "retry-after",
            HeaderValue::from_static("Thu, 01 Jan 1970 00:16:55 GMT"),
        );
        assert_eq!(server_wait(&h, now), Some(Duration::from_secs(5)));
    }
}
