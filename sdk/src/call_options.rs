//! Per-call settings.
//!
//! The generated builders take only the operation's parameters, so a call
//! with other settings goes through a cheap clone of the client that has
//! them: it shares the HTTP connections and the rate-limit buckets.
//!
//! ```no_run
//! # async fn run(client: braze_sdk::Client) -> Result<(), braze_sdk::ApiError> {
//! use std::time::Duration;
//! // This export may take a while; this send must be fast or fail.
//! let export = client.with_deadline(Duration::from_secs(300)).with_attempt_timeout(Duration::from_secs(120));
//! let fast = client.with_deadline(Duration::from_secs(5));
//! # let _ = (export, fast); Ok(()) }
//! ```

use std::sync::Arc;
use std::time::Duration;

use crate::Client;
use crate::retry::RetryPolicy;
use crate::runtime::Settings;

impl Client {
    fn with_settings(&self, change: impl FnOnce(&mut Settings)) -> Client {
        let mut client = self.clone();
        let mut settings = (*client.inner.settings).clone();
        change(&mut settings);
        client.inner.settings = Arc::new(settings);
        client
    }

    /// This client with another deadline for each call (throttle waits,
    /// attempts and backoff included).
    pub fn with_deadline(&self, deadline: Duration) -> Client {
        self.with_settings(|s| s.deadline = deadline)
    }

    /// This client with another timeout for each attempt.
    pub fn with_attempt_timeout(&self, timeout: Duration) -> Client {
        self.with_settings(|s| s.attempt_timeout = timeout)
    }

    /// This client with another retry policy.
    pub fn with_retry_policy(&self, retry: RetryPolicy) -> Client {
        self.with_settings(|s| s.retry = retry)
    }

    /// This client, retrying its POST and PATCH requests like idempotent
    /// ones (after timeouts, 408 and 5xx): for calls the caller knows are
    /// harmless to send twice.
    pub fn retrying_non_idempotent(&self) -> Client {
        self.with_settings(|s| s.retry.retry_non_idempotent = true)
    }

    /// The deadline each call of this client has.
    pub fn deadline(&self) -> Duration {
        self.inner.settings.deadline
    }

    /// The retry policy of this client.
    pub fn retry_policy(&self) -> &RetryPolicy {
        &self.inner.settings.retry
    }
}
