//! Errors a person can act on.
//!
//! Every failed call says which operation failed (`POST /users/track`), what
//! happened, after how many attempts and how long, what the rate-limit
//! bucket said and what Braze said. Every error that comes from a response
//! keeps its status, headers and raw body, even when the body could not be
//! read to the end. Transport errors show their whole cause chain. Nothing
//! here ever holds the API key: it lives only in the request headers.

use std::fmt;

use bytes::Bytes;
use reqwest::StatusCode;
use reqwest::header::HeaderMap;

use crate::rate_limit::RateLimitStatus;
use crate::retry::Failure;
use crate::runtime::ResponseValue;
pub use crate::runtime::report::{CallReport, GaveUp};
use crate::runtime::report::{epoch_time, human};
use crate::throttle::{ThrottleWait, WaitReason};

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

/// A response the spec does not describe: a status it does not list for
/// the operation, or a documented error status whose body is not JSON.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct UnexpectedResponse {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Bytes,
    /// The spec documents this status for the operation, but the body is
    /// not JSON: most likely a page from a proxy or load balancer in front
    /// of Braze, not Braze's answer.
    pub not_json: bool,
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

/// A value a request's setter kept as rejected (a [`crate::Checked`]
/// field: `json!([1, 2])` for a free-form object, `0` for a non-zero
/// count): found while encoding the body, before anything was sent.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct RejectedValue {
    /// The field's JSON path in the request body: `events[0].properties`.
    pub path: String,
    /// Why its value does not fit: "expected a JSON object, got an array".
    pub reason: String,
}

impl RejectedValue {
    /// The field's own name, the last part of its path (`properties` for
    /// `events[0].properties`).
    pub fn field(&self) -> &str {
        let last = self.path.rsplit('.').next().unwrap_or(&self.path);
        last.split('[').next().unwrap_or(last)
    }
}

impl fmt::Display for RejectedValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "`{}`: {}", self.path, self.reason)
    }
}

/// Every way a call can fail. `E` is the operation's documented error body
/// (`types::BrazeError` for the REST API; see [`crate::ApiError`]).
///
/// Small (the size of a `String` and a tag): what a failed response keeps
/// (status, headers, body, report) is boxed, so that functions returning
/// `Result<_, Error<E>>` stay cheap to return through (clippy's
/// `result_large_err` stays quiet).
#[non_exhaustive]
pub enum Error<E = ()> {
    /// The request could not be built (a builder field was missing or invalid).
    InvalidRequest(String),
    /// A request field holds a value its setter kept as rejected (see
    /// [`crate::Checked`]); nothing was sent. Names the field's path and
    /// the reason.
    RejectedValue(Box<RejectedValue>),
    /// The request did not reach Braze or no response came back.
    CommunicationError(Box<CommunicationError>),
    /// Braze answered with a documented error status; the body is decoded
    /// (the raw body is kept too: [`Error::body`]).
    ErrorResponse(Box<ResponseValue<E>>),
    /// The body of the response could not be read to the end.
    ResponseBodyError(Box<BodyError>),
    /// The body is not what the spec says: not JSON at all, or JSON of
    /// another shape; status, headers and raw body are kept.
    InvalidResponsePayload(Box<InvalidPayload>),
    /// A response the spec does not describe: a status it does not list for
    /// the operation, or an error status whose body is not JSON (a proxy's
    /// or load balancer's page); status, headers and raw body are kept.
    UnexpectedResponse(Box<UnexpectedResponse>),
    /// Not sent: the throttle would have waited past the deadline.
    Throttled(Box<Throttled>),
}

impl<E> Error<E> {
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
            Error::InvalidRequest(_) | Error::RejectedValue(_) => None,
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

    /// True when the client's retry policy retries a failure like this one
    /// for this request: a later attempt may succeed. Rate limits, the
    /// throttle and connect errors for every request; timeouts, interrupted
    /// connections, 408 and 5xx (but 501 and 505) only for a request that
    /// may be sent twice ([`CallReport::replay_safe`]: an idempotent method
    /// or an opt-in). Never for a refused certificate, an undocumented 4xx,
    /// an invalid request or a body that does not match the spec. (The
    /// client already retried it as far as its policy and deadline allow.)
    pub fn is_retryable(&self) -> bool {
        let replay_safe = self.report().is_some_and(|r| r.replay_safe);
        self.failure().is_some_and(|f| f.is_retried(replay_safe))
    }

    /// The class of this failure in the retry policy's terms.
    fn failure(&self) -> Option<Failure> {
        match self {
            Error::InvalidRequest(_)
            | Error::RejectedValue(_)
            | Error::InvalidResponsePayload(_) => None,
            Error::CommunicationError(c) => Some(Failure::of_transport(&c.source)),
            Error::ResponseBodyError(_) => Some(Failure::Body),
            Error::Throttled(_) => Some(Failure::Throttled),
            Error::ErrorResponse(_) | Error::UnexpectedResponse(_) => {
                self.status().map(Failure::Status)
            }
        }
    }

    /// Whether the failure is a timeout (of the attempt or the connection).
    fn timed_out(&self) -> bool {
        match self {
            Error::CommunicationError(c) => c.source.is_timeout(),
            Error::ResponseBodyError(b) => b.source.is_timeout(),
            _ => false,
        }
    }
}

/// What the call loop returns when a call ends without a response it can
/// decode; the generated code turns it into an [`Error`] with `?`.
#[derive(Debug)]
pub(crate) struct ExecFailure {
    /// Boxed: the call's future returns this; a failure is rare.
    pub(crate) kind: Box<FailureKind>,
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
        match *f.kind {
            FailureKind::Transport(source) => {
                Error::CommunicationError(Box::new(CommunicationError { source, report }))
            }
            FailureKind::Body {
                status,
                headers,
                body,
                source,
            } => Error::ResponseBodyError(Box::new(BodyError {
                status,
                headers,
                body,
                source,
                report,
            })),
            FailureKind::Throttled(wait) => Error::Throttled(Box::new(Throttled { wait, report })),
        }
    }
}

impl<E> From<reqwest::Error> for Error<E> {
    fn from(e: reqwest::Error) -> Self {
        if e.is_builder() {
            Error::InvalidRequest(chain(&e))
        } else {
            Error::CommunicationError(Box::new(CommunicationError {
                source: e,
                report: None,
            }))
        }
    }
}

impl<E> From<reqwest::header::InvalidHeaderValue> for Error<E> {
    fn from(e: reqwest::header::InvalidHeaderValue) -> Self {
        Error::InvalidRequest(e.to_string())
    }
}

/// A request body holding a value a setter rejected.
impl<E> From<RejectedValue> for Error<E> {
    fn from(r: RejectedValue) -> Self {
        Error::RejectedValue(Box::new(r))
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

/// `; no retry left (max_retries = 3)`: why the client stopped, in words
/// that fit the failure (`timed_out`: the last attempt timed out).
fn gave_up_phrase(report: Option<&CallReport>, timed_out: bool) -> String {
    let Some(report) = report else {
        return String::new();
    };
    match &report.gave_up {
        Some(GaveUp::Deadline { deadline }) if timed_out => format!(
            "; the call's deadline of {} cut the {} attempt short",
            human(*deadline),
            if report.attempts <= 1 { "only" } else { "last" }
        ),
        Some(GaveUp::Deadline { deadline }) => format!(
            "; not retried: another attempt would end after the call's deadline of {}",
            human(*deadline)
        ),
        Some(g) => format!("; {g}"),
        None => String::new(),
    }
}

/// `a 429 holds bucket users-track until its reset`: what a throttled
/// request waited for.
fn waiting_for(wait: &ThrottleWait) -> String {
    let bucket = wait.bucket;
    match wait.reason {
        WaitReason::RateLimited => format!("a 429 holds bucket {bucket} until its reset"),
        WaitReason::WindowExhausted => {
            format!("bucket {bucket} has no request left before its reset")
        }
        WaitReason::Pace => format!("bucket {bucket}'s pace allows no request yet"),
        WaitReason::FirstResponse => {
            format!("bucket {bucket} waits for the answer to its first request")
        }
        WaitReason::StoreUnavailable => {
            format!("the shared throttle store of bucket {bucket} did not answer in time")
        }
    }
}

impl<E> fmt::Display for Error<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let report = self.report();
        let attempts = report.map(CallReport::attempts_phrase).unwrap_or_default();
        let rate_limited = self.status() == Some(StatusCode::TOO_MANY_REQUESTS);
        let bucket = report
            .map(|r| r.bucket_phrase(rate_limited))
            .unwrap_or_default();
        let (pre, post) = (prefix(report), gave_up_phrase(report, self.timed_out()));
        match self {
            Error::InvalidRequest(s) => write!(f, "invalid request: {s}"),
            Error::RejectedValue(r) => write!(f, "invalid request: {r}"),
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
            Error::InvalidResponsePayload(p) => {
                use serde_json::error::Category;
                match p.source.classify() {
                    Category::Syntax | Category::Eof
                        if p.body.iter().all(u8::is_ascii_whitespace) =>
                    {
                        write!(
                            f,
                            "{pre}{}: the body is empty, the spec says JSON{attempts}",
                            p.status
                        )
                    }
                    Category::Syntax | Category::Eof => write!(
                        f,
                        "{pre}{}: the body is not valid JSON ({}){attempts}; body: {}",
                        p.status,
                        p.source,
                        preview(&p.body)
                    ),
                    Category::Data | Category::Io => write!(
                        f,
                        "{pre}{}: the body does not match the spec at `{}`: {}{attempts}; body: {}",
                        p.status,
                        p.path,
                        p.source,
                        preview(&p.body)
                    ),
                }
            }
            Error::UnexpectedResponse(r) => {
                let kind = if r.not_json {
                    "with a body that is not JSON (not Braze's error: a proxy's page?)"
                } else {
                    "a status the spec does not list for this operation"
                };
                write!(
                    f,
                    "{pre}{}, {kind}{attempts}{bucket}; body: {}{post}",
                    r.status,
                    preview(&r.body)
                )
            }
            Error::Throttled(t) => {
                write!(
                    f,
                    "{pre}not sent: {}, and waiting for it would pass the call's deadline",
                    waiting_for(&t.wait)
                )?;
                if let Some(w) = t.wait.wait {
                    write!(f, " ({} more needed)", human(w))?;
                }
                if let Some(reset) = t.wait.reset_epoch_seconds {
                    write!(f, "; the bucket resets at {}", epoch_time(reset))?;
                }
                Ok(())
            }
        }
    }
}

/// Structured: the variant and its parts (status, headers, body as text,
/// report, source), never the request's headers (they hold the key).
impl<E> fmt::Debug for Error<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::InvalidRequest(s) => f.debug_tuple("InvalidRequest").field(s).finish(),
            Error::RejectedValue(r) => f.debug_tuple("RejectedValue").field(r).finish(),
            Error::CommunicationError(c) => f.debug_tuple("CommunicationError").field(c).finish(),
            Error::ErrorResponse(rv) => f
                .debug_struct("ErrorResponse")
                .field("status", &rv.status())
                .field("headers", rv.headers())
                .field("body", &rv.raw_body().map(|b| preview(b)))
                .field("report", &rv.report())
                .finish(),
            Error::ResponseBodyError(b) => f.debug_tuple("ResponseBodyError").field(b).finish(),
            Error::InvalidResponsePayload(p) => {
                f.debug_tuple("InvalidResponsePayload").field(p).finish()
            }
            Error::UnexpectedResponse(r) => f.debug_tuple("UnexpectedResponse").field(r).finish(),
            Error::Throttled(t) => f.debug_tuple("Throttled").field(t).finish(),
        }
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
