//! Sending a request with retries.
//!
//! Braze asks clients to retry 5XX answers with exponential backoff, and a
//! 429 means the request was refused before any work was done. What is safe
//! to retry depends on the method: a `POST /messages/send` that failed with a
//! 500 may still have sent its messages, so by default only idempotent
//! methods are retried on server errors and transport failures, while 429
//! and 502 (the request never reached Braze's servers) are retried for all.

use std::time::{Duration, SystemTime};

use reqwest::{Method, StatusCode};

use crate::operation;
use crate::rate_limit::RateLimiter;

/// How a client retries failed requests.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Retries after the first attempt (0 disables retrying).
    pub max_retries: u32,
    /// Backoff before the first retry; doubled on each further retry.
    pub initial_backoff: Duration,
    /// Upper bound of one backoff, and of one wait for a rate-limit reset.
    pub max_backoff: Duration,
    /// Also retry non-idempotent methods (POST, PATCH) on 500/503/504 and
    /// transport errors. Off by default: such a request may have taken effect.
    pub retry_non_idempotent: bool,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            max_retries: 3,
            initial_backoff: Duration::from_millis(500),
            max_backoff: Duration::from_secs(30),
            retry_non_idempotent: false,
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

    /// Whether a response with `status` to a `method` request is retried.
    pub fn retries_status(&self, method: &Method, status: StatusCode) -> bool {
        match status {
            StatusCode::TOO_MANY_REQUESTS | StatusCode::BAD_GATEWAY => true,
            StatusCode::INTERNAL_SERVER_ERROR
            | StatusCode::SERVICE_UNAVAILABLE
            | StatusCode::GATEWAY_TIMEOUT => self.retry_non_idempotent || is_idempotent(method),
            _ => false,
        }
    }

    /// Whether a transport error for a `method` request is retried.
    pub fn retries_transport(&self, method: &Method, error: &reqwest::Error) -> bool {
        let before_sending = error.is_connect();
        (error.is_timeout() || before_sending)
            && (before_sending || self.retry_non_idempotent || is_idempotent(method))
    }

    /// Backoff before retry number `retry` (1-based), capped.
    pub fn backoff(&self, retry: u32) -> Duration {
        let factor = 2u32.saturating_pow(retry.saturating_sub(1));
        self.initial_backoff
            .saturating_mul(factor)
            .min(self.max_backoff)
    }
}

fn is_idempotent(method: &Method) -> bool {
    matches!(
        *method,
        Method::GET | Method::HEAD | Method::PUT | Method::DELETE | Method::OPTIONS
    )
}

/// Sends `request`, waiting out an exhausted rate-limit bucket first and
/// retrying as `policy` allows. The last response or error is returned as is:
/// decoding and error typing happen in the generated code.
pub async fn execute(
    client: &reqwest::Client,
    policy: &RetryPolicy,
    limiter: &RateLimiter,
    request: reqwest::Request,
    operation_id: &'static str,
) -> reqwest::Result<reqwest::Response> {
    let bucket = operation::find(operation_id)
        .map(|op| op.rate_limit.bucket())
        .unwrap_or("default");
    let method = request.method().clone();
    let mut pending = Some(request);
    let mut retry = 0;
    loop {
        let current = pending
            .take()
            .expect("a request is pending at each attempt");
        // Keep a copy for a possible retry; streaming bodies cannot be copied
        // and are sent once.
        let spare = if retry < policy.max_retries {
            current.try_clone()
        } else {
            None
        };
        let wait = limiter
            .wait_before(bucket, SystemTime::now())
            .min(policy.max_backoff);
        if !wait.is_zero() {
            tokio::time::sleep(wait).await;
        }
        let result = client.execute(current).await;
        let again = match &result {
            Ok(response) => {
                limiter.observe(bucket, response.headers());
                policy.retries_status(&method, response.status())
            }
            Err(e) => policy.retries_transport(&method, e),
        };
        match spare {
            Some(next) if again => {
                retry += 1;
                let delay = match &result {
                    Ok(r) if r.status() == StatusCode::TOO_MANY_REQUESTS => limiter
                        .wait_before(bucket, SystemTime::now())
                        .max(policy.backoff(retry)),
                    _ => policy.backoff(retry),
                };
                tokio::time::sleep(delay.min(policy.max_backoff)).await;
                pending = Some(next);
            }
            _ => return result,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn post_is_not_retried_on_500_unless_asked() {
        let p = RetryPolicy::default();
        assert!(!p.retries_status(&Method::POST, StatusCode::INTERNAL_SERVER_ERROR));
        assert!(p.retries_status(&Method::GET, StatusCode::INTERNAL_SERVER_ERROR));
        assert!(p.retries_status(&Method::POST, StatusCode::TOO_MANY_REQUESTS));
        assert!(p.retries_status(&Method::POST, StatusCode::BAD_GATEWAY));
        assert!(!p.retries_status(&Method::GET, StatusCode::BAD_REQUEST));
        let eager = RetryPolicy {
            retry_non_idempotent: true,
            ..p
        };
        assert!(eager.retries_status(&Method::POST, StatusCode::SERVICE_UNAVAILABLE));
    }

    #[test]
    fn backoff_doubles_and_is_capped() {
        let p = RetryPolicy {
            initial_backoff: Duration::from_millis(100),
            max_backoff: Duration::from_millis(350),
            ..RetryPolicy::default()
        };
        assert_eq!(p.backoff(1), Duration::from_millis(100));
        assert_eq!(p.backoff(2), Duration::from_millis(200));
        assert_eq!(p.backoff(3), Duration::from_millis(350));
        assert_eq!(p.backoff(40), Duration::from_millis(350));
    }
}
