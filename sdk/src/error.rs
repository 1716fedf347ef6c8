//! Errors a person can act on.
//!
//! Every failed call says which operation failed (`POST /users/track`), what
//! happened, after how many attempts and how long, what the rate-limit
//! bucket said and what Braze said. Every error that comes from a response
//! keeps its status, headers and raw body, even when the body could not be
//! read to the end. Transport errors show their whole cause chain. Nothing
//! here ever holds the API key: it lives only in the request headers.

use std::fmt;
use std::time::Duration;

use bytes::Bytes;
use reqwest::StatusCode;
use reqwest::header::HeaderMap;

use crate::rate_limit::RateLimitStatus;
use crate::runtime::ResponseValue;
use crate::throttle::ThrottleWait;

/// What happened during one call: attempts, time spent, rate-limit state.
/// Attached to every [`ResponseValue`] and to every error that comes from a
/// sent request.
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
            attempts: 0,
            elapsed: Duration::ZERO,
            throttle_wait: Duration::ZERO,
            backoff_wait: Duration::ZERO,
            rate_limit: None,
            gave_up: None,
        }
    }

    /// ` after 4 attempts over 61 s`, or nothing for one quick attempt.
    fn attempts_phrase(&self) -> String {
        match self.attempts {
            0 => format!(" before any attempt, after {}", human(self.elapsed)),
            1 => String::new(),
            n => format!(" after {n} attempts over {}", human(self.elapsed)),
        }
    }

    /// `; bucket users-track resets at 12:00:03Z`, when known.
    fn bucket_phrase(&self, status: Option<StatusCode>) -> String {
        let rl = self.rate_limit;
        let exhausted = status == Some(StatusCode::TOO_MANY_REQUESTS)
            || rl.is_some_and(|r| r.remaining == Some(0));
        match rl.and_then(|r| r.reset_epoch_seconds) {
            Some(reset) if exhausted => {
                format!("; bucket {} resets at {}", self.bucket, clock_time(reset))
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
    /// The next attempt would start after the call's deadline.
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
            GaveUp::Deadline { deadline } => write!(
                f,
                "the next attempt would start after the call's deadline of {}",
                human(*deadline)
            ),
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

/// `12:00:03Z` (UTC) for a reset in the next day, else a full date.
fn clock_time(epoch_seconds: u64) -> String {
    let Some(at) = i64::try_from(epoch_seconds)
        .ok()
        .and_then(|s| chrono::DateTime::<chrono::Utc>::from_timestamp(s, 0))
    else {
        return format!("epoch second {epoch_seconds}");
    };
    let near = (at - chrono::Utc::now()).num_hours().abs() < 24;
    if near {
        at.format("%H:%M:%SZ").to_string()
    } else {
        at.format("%Y-%m-%dT%H:%M:%SZ").to_string()
    }
}

/// The request did not get an answer: the cause chain and the call report.
#[derive(Debug)]
#[non_exhaustive]
pub struct CommunicationError {
    pub source: reqwest::Error,
    pub report: Option<Box<CallReport>>,
}

/// The response's body could not be read to the end (connection closed, a
/// body shorter than its `Content-Length`, timeout). Status, headers and the
/// bytes received are kept.
#[derive(Debug)]
#[non_exhaustive]
pub struct BodyError {
    pub status: StatusCode,
    pub headers: HeaderMap,
    /// The bytes received before the failure.
    pub body: Bytes,
    pub source: reqwest::Error,
    pub report: Option<Box<CallReport>>,
}

/// A response whose body is not what the spec says: the status, headers and
/// raw body are kept so that nothing Braze sent is lost.
#[derive(Debug)]
#[non_exhaustive]
pub struct InvalidPayload {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Bytes,
    /// Where in the JSON document decoding failed, e.g. `catalogs[0].name`
    /// (`.` for the document itself).
    pub path: String,
    pub source: serde_json::Error,
    pub report: Option<Box<CallReport>>,
}

/// A response with a status the spec does not list for the operation.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct UnexpectedResponse {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Bytes,
    pub report: Option<Box<CallReport>>,
}

/// The request was not sent: the client-side throttle would have made it
/// wait past the call's deadline.
#[derive(Debug)]
#[non_exhaustive]
pub struct Throttled {
    pub wait: ThrottleWait,
    pub report: Option<Box<CallReport>>,
}

/// Every way a call can fail. `E` is the operation's documented error body
/// (`types::BrazeError` for the REST API; see [`crate::ApiError`]).
#[non_exhaustive]
pub enum Error<E = ()> {
    /// The request could not be built (a builder field was missing or invalid).
    InvalidRequest(String),
    /// The request did not reach Braze or no response came back.
    CommunicationError(CommunicationError),
    /// Braze answered with a documented error status; the body is decoded
    /// (the raw body is kept too: [`Error::body`]).
    ErrorResponse(ResponseValue<E>),
    /// The body of the response could not be read to the end.
    ResponseBodyError(BodyError),
    /// The body did not match the spec; status, headers and raw body are kept.
    InvalidResponsePayload(InvalidPayload),
    /// A status the spec does not list; status, headers and raw body are kept.
    UnexpectedResponse(UnexpectedResponse),
    /// Not sent: the throttle would have waited past the deadline.
    Throttled(Throttled),
    /// An error raised by a hook.
    Custom(String),
}

impl<E> Error<E> {
    /// Reads the body of an unexpected response into an owned error.
    #[doc(hidden)]
    pub async fn from_unexpected(response: reqwest::Response) -> Self {
        let (status, headers, body) = crate::runtime::take_response(response).await;
        match body {
            Ok(body) => Error::UnexpectedResponse(UnexpectedResponse {
                status,
                headers,
                body,
                report: None,
            }),
            Err((body, source)) => Error::ResponseBodyError(BodyError {
                status,
                headers,
                body,
                source,
                report: None,
            }),
        }
    }

    /// A call the client made got a status the spec does not list.
    pub(crate) fn unexpected_exchange(exchange: crate::execute::Exchange) -> Self {
        let (status, headers, body, report) = exchange.into_parts();
        Error::UnexpectedResponse(UnexpectedResponse {
            status,
            headers,
            body,
            report: Some(Box::new(report)),
        })
    }

    /// The HTTP status, when the error comes from a response.
    pub fn status(&self) -> Option<StatusCode> {
        match self {
            Error::ErrorResponse(rv) => Some(rv.status()),
            Error::InvalidResponsePayload(p) => Some(p.status),
            Error::UnexpectedResponse(r) => Some(r.status),
            Error::ResponseBodyError(b) => Some(b.status),
            Error::CommunicationError(e) => e.source.status(),
            _ => None,
        }
    }

    /// The raw body of the response, when there was one.
    pub fn body(&self) -> Option<&Bytes> {
        match self {
            Error::ErrorResponse(rv) => rv.raw_body(),
            Error::InvalidResponsePayload(p) => Some(&p.body),
            Error::UnexpectedResponse(r) => Some(&r.body),
            Error::ResponseBodyError(b) => Some(&b.body),
            _ => None,
        }
    }

    /// The headers of the response, when there was one.
    pub fn headers(&self) -> Option<&HeaderMap> {
        match self {
            Error::ErrorResponse(rv) => Some(rv.headers()),
            Error::InvalidResponsePayload(p) => Some(&p.headers),
            Error::UnexpectedResponse(r) => Some(&r.headers),
            Error::ResponseBodyError(b) => Some(&b.headers),
            _ => None,
        }
    }

    /// The documented error body, for [`Error::ErrorResponse`].
    pub fn error_body(&self) -> Option<&E> {
        match self {
            Error::ErrorResponse(rv) => Some(rv),
            _ => None,
        }
    }

    /// Attempts, times and rate-limit state of the call, when it was sent
    /// (or throttled) by the client.
    pub fn report(&self) -> Option<&CallReport> {
        match self {
            Error::ErrorResponse(rv) => rv.report(),
            Error::InvalidResponsePayload(p) => p.report.as_deref(),
            Error::UnexpectedResponse(r) => r.report.as_deref(),
            Error::ResponseBodyError(b) => b.report.as_deref(),
            Error::CommunicationError(c) => c.report.as_deref(),
            Error::Throttled(t) => t.report.as_deref(),
            Error::InvalidRequest(_) | Error::Custom(_) => None,
        }
    }

    /// Requests sent for this call.
    pub fn attempts(&self) -> Option<u32> {
        self.report().map(|r| r.attempts)
    }

    /// The rate-limit headers of the last response.
    pub fn rate_limit(&self) -> Option<RateLimitStatus> {
        self.headers()
            .and_then(RateLimitStatus::from_headers)
            .or_else(|| self.report().and_then(|r| r.rate_limit))
    }

    /// True for failures worth retrying later: rate limits, Braze-side
    /// errors and transport failures. (The client already retried them as
    /// its [`crate::RetryPolicy`] allows.)
    pub fn is_retryable(&self) -> bool {
        match self {
            Error::Throttled(_) | Error::ResponseBodyError(_) => true,
            Error::CommunicationError(c) => !c.source.is_builder(),
            _ => self
                .status()
                .is_some_and(|s| s == StatusCode::TOO_MANY_REQUESTS || s.is_server_error()),
        }
    }
}

/// What the generated code receives from the runtime when a call ends
/// without a response it can decode.
#[doc(hidden)]
#[derive(Debug)]
pub struct ExecFailure {
    pub(crate) kind: FailureKind,
    pub(crate) report: Box<CallReport>,
}

#[derive(Debug)]
pub(crate) enum FailureKind {
    Transport(reqwest::Error),
    Body {
        status: StatusCode,
        headers: HeaderMap,
        body: Bytes,
        source: reqwest::Error,
    },
    Throttled(ThrottleWait),
}

impl<E> From<ExecFailure> for Error<E> {
    fn from(f: ExecFailure) -> Self {
        let report = Some(f.report);
        match f.kind {
            FailureKind::Transport(source) => {
                Error::CommunicationError(CommunicationError { source, report })
            }
            FailureKind::Body {
                status,
                headers,
                body,
                source,
            } => Error::ResponseBodyError(BodyError {
                status,
                headers,
                body,
                source,
                report,
            }),
            FailureKind::Throttled(wait) => Error::Throttled(Throttled { wait, report }),
        }
    }
}

impl<E> From<reqwest::Error> for Error<E> {
    fn from(e: reqwest::Error) -> Self {
        if e.is_builder() {
            Error::InvalidRequest(chain(&e))
        } else {
            Error::CommunicationError(CommunicationError {
                source: e,
                report: None,
            })
        }
    }
}

impl<E> From<reqwest::header::InvalidHeaderValue> for Error<E> {
    fn from(e: reqwest::header::InvalidHeaderValue) -> Self {
        Error::InvalidRequest(e.to_string())
    }
}

/// A value that does not fit its type's limits (an id longer than allowed,
/// an empty name, ...), from `TryFrom`: `types::CatalogName::try_from(name)?`
/// inside a function returning `Result<_, braze_sdk::Error<_>>`.
impl<E> From<crate::types::error::ConversionError> for Error<E> {
    fn from(e: crate::types::error::ConversionError) -> Self {
        Error::InvalidRequest(e.to_string())
    }
}

impl<E> From<std::convert::Infallible> for Error<E> {
    fn from(e: std::convert::Infallible) -> Self {
        match e {}
    }
}

/// An error and its causes, `a: b: c`, without repeating a cause whose
/// message its parent already contains.
pub(crate) fn chain(error: &(dyn std::error::Error + 'static)) -> String {
    let mut out = error.to_string();
    let mut cause = error.source();
    while let Some(e) = cause {
        let msg = e.to_string();
        if !out.contains(&msg) {
            out.push_str(": ");
            out.push_str(&msg);
        }
        cause = e.source();
    }
    out
}

/// Shows at most this many bytes of a body in messages.
const BODY_PREVIEW: usize = 512;

fn preview(body: &[u8]) -> String {
    let end = body.len().min(BODY_PREVIEW);
    let mut s = String::from_utf8_lossy(&body[..end]).into_owned();
    if body.len() > BODY_PREVIEW {
        s.push_str("...");
    }
    s
}

/// What Braze said in an error body: its `message`, else its first error,
/// else the start of the raw body.
fn braze_said(body: &[u8]) -> Option<String> {
    #[derive(serde::Deserialize)]
    struct Said {
        message: Option<String>,
        #[serde(default)]
        errors: Vec<serde_json::Value>,
    }
    if body.iter().all(u8::is_ascii_whitespace) {
        return None;
    }
    match serde_json::from_slice::<Said>(body) {
        Ok(Said {
            message: Some(m), ..
        }) => Some(format!("{m:?}")),
        Ok(Said { errors, .. }) if !errors.is_empty() => Some(errors[0].to_string()),
        _ => Some(format!("{:?}", preview(body))),
    }
}

fn prefix(report: Option<&CallReport>) -> String {
    match report {
        Some(r) => format!("{} {}: ", r.method, r.path),
        None => String::new(),
    }
}

fn tail(report: Option<&CallReport>) -> String {
    match report.and_then(|r| r.gave_up.as_ref()) {
        Some(g) => format!("; {g}"),
        None => String::new(),
    }
}

impl<E> fmt::Display for Error<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let report = self.report();
        let attempts = report.map(CallReport::attempts_phrase).unwrap_or_default();
        let bucket = report
            .map(|r| r.bucket_phrase(self.status()))
            .unwrap_or_default();
        let (pre, post) = (prefix(report), tail(report));
        match self {
            Error::InvalidRequest(s) => write!(f, "invalid request: {s}"),
            Error::CommunicationError(c) => {
                write!(f, "{pre}no response{attempts}: {}{post}", chain(&c.source))
            }
            Error::ErrorResponse(rv) => {
                write!(f, "{pre}{}{attempts}{bucket}", rv.status())?;
                if let Some(said) = rv.raw_body().and_then(|b| braze_said(b)) {
                    write!(f, "; Braze said: {said}")?;
                }
                write!(f, "{post}")
            }
            Error::ResponseBodyError(b) => write!(
                f,
                "{pre}{}: the body could not be read ({} bytes received){attempts}: {}{post}",
                b.status,
                b.body.len(),
                chain(&b.source)
            ),
            Error::InvalidResponsePayload(p) => write!(
                f,
                "{pre}{}: the body does not match the spec at `{}`: {}{attempts}; body: {}",
                p.status,
                p.path,
                p.source,
                preview(&p.body)
            ),
            Error::UnexpectedResponse(r) => write!(
                f,
                "{pre}unexpected status {}{attempts}{bucket}; body: {}{post}",
                r.status,
                preview(&r.body)
            ),
            Error::Throttled(t) => {
                write!(
                    f,
                    "{pre}not sent: waiting for {} of bucket {} would pass the call's deadline",
                    t.wait.reason, t.wait.bucket
                )?;
                if let Some(w) = t.wait.wait {
                    write!(f, " ({} more needed)", human(w))?;
                }
                if let Some(reset) = t.wait.reset_epoch_seconds {
                    write!(
                        f,
                        "; bucket {} resets at {}",
                        t.wait.bucket,
                        clock_time(reset)
                    )?;
                }
                Ok(())
            }
            Error::Custom(s) => write!(f, "{s}"),
        }
    }
}

impl<E> fmt::Debug for Error<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

impl<E> std::error::Error for Error<E> {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::CommunicationError(c) => Some(&c.source),
            Error::ResponseBodyError(b) => Some(&b.source),
            Error::InvalidResponsePayload(p) => Some(&p.source),
            _ => None,
        }
    }
}
