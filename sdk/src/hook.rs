//! Code of yours the client runs around every request it sends: a header
//! on every request, metrics, logging of your own.
//!
//! A [`Hook`] is given to [`crate::ClientBuilder::hook`]; every clone of
//! the client runs it, for every operation, every attempt (retries
//! included) and `send_prepared` alike. Hooks run in the order they were
//! added, on the task making the call; they are synchronous, so keep them
//! short (hand heavy work to a channel).
//!
//! ```
//! use std::sync::atomic::{AtomicU64, Ordering};
//! use braze_sdk::hook::{AttemptEnd, Hook};
//! use braze_sdk::{CallReport, Client, Instance};
//!
//! /// Tags every request with the service that sent it, and counts 429s.
//! struct Origin {
//!     refused: AtomicU64,
//! }
//!
//! impl Hook for Origin {
//!     fn on_request(&self, request: &mut reqwest::Request, _call: &CallReport) {
//!         request
//!             .headers_mut()
//!             .insert("x-origin", reqwest::header::HeaderValue::from_static("billing"));
//!     }
//!     fn on_attempt_end(&self, attempt: &AttemptEnd<'_>, _call: &CallReport) {
//!         if attempt.status.is_some_and(|s| s.as_u16() == 429) {
//!             self.refused.fetch_add(1, Ordering::Relaxed);
//!         }
//!     }
//! }
//!
//! # fn run() -> Result<(), braze_sdk::BuildError> {
//! let client = Client::builder(Instance::Us03, "key")
//!     .hook(Origin { refused: AtomicU64::new(0) })
//!     .build()?;
//! # let _ = client; Ok(()) }
//! ```
//!
//! What a hook sees never includes the API key unless the request carries
//! it itself: a client built by the SDK adds the key (and the default
//! headers) as the request leaves, after the hooks ran; a client given its
//! own `reqwest::Client` adds them before the hooks, as marked-sensitive
//! header values.

use std::time::Duration;

use reqwest::StatusCode;
use reqwest::header::HeaderMap;

use crate::runtime::CallReport;

/// Behaviour added to every request of a client. Every method has a default
/// that does nothing: implement the ones you need.
pub trait Hook: Send + Sync + 'static {
    /// Before each attempt is sent (retries included), with the request as
    /// it will leave: add or change headers here. `call` is the call's
    /// report so far: `call.attempts` is this attempt's number (from 1),
    /// `call.operation_id` the operation.
    fn on_request(&self, request: &mut reqwest::Request, call: &CallReport) {
        let _ = (request, call);
    }

    /// After each attempt, with its response's status and headers or the
    /// error that ended it, and how long it took.
    fn on_attempt_end(&self, attempt: &AttemptEnd<'_>, call: &CallReport) {
        let _ = (attempt, call);
    }

    /// When the call ends, with its final report (attempts, waits, why the
    /// client gave up) and the last response's status (`None` when no
    /// response came, or the throttle kept the request).
    fn on_call_end(&self, call: &CallReport, status: Option<StatusCode>) {
        let _ = (call, status);
    }
}

/// A shared hook: keep one `Arc` to read what the hook recorded, give the
/// builder a clone.
impl<H: Hook> Hook for std::sync::Arc<H> {
    fn on_request(&self, request: &mut reqwest::Request, call: &CallReport) {
        (**self).on_request(request, call);
    }
    fn on_attempt_end(&self, attempt: &AttemptEnd<'_>, call: &CallReport) {
        (**self).on_attempt_end(attempt, call);
    }
    fn on_call_end(&self, call: &CallReport, status: Option<StatusCode>) {
        (**self).on_call_end(call, status);
    }
}

/// How one attempt ended.
#[derive(Debug)]
#[non_exhaustive]
pub struct AttemptEnd<'a> {
    /// The response's status, when one came (also when its body failed).
    pub status: Option<StatusCode>,
    /// The response's headers, when one came.
    pub headers: Option<&'a HeaderMap>,
    /// The transport error: no response, or a body that could not be read
    /// to the end.
    pub error: Option<&'a reqwest::Error>,
    /// From sending the request to the end of its body (or the failure).
    pub elapsed: Duration,
}
