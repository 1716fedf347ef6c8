//! The runtime the generated client calls into.
//!
//! progenitor's generated code imports a handful of names (`Error`,
//! `ResponseValue`, `ClientHooks`, ...). The generator points those imports
//! here instead of at `progenitor_client`, so that the SDK owns two things
//! users depend on:
//!
//! * errors: every failure keeps what is needed to act on it - the status,
//!   headers and raw body of a response that could not be decoded or was not
//!   expected, not just a parse error;
//! * request execution: retries with backoff and waiting out rate limits,
//!   driven by the operations table generated from the spec.

use std::fmt;
use std::ops::{Deref, DerefMut};

use bytes::Bytes;
use reqwest::header::HeaderMap;
use reqwest::{RequestBuilder, StatusCode};
use serde::Serialize;
use serde::de::DeserializeOwned;

pub use progenitor_client::{ByteStream, encode_path};

use crate::rate_limit::{RateLimitStatus, RateLimiter};
use crate::retry::RetryPolicy;

/// Identifies the operation a request belongs to (its spec `operationId`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct OperationInfo {
    pub operation_id: &'static str,
}

/// What the generated client knows about itself.
pub trait ClientInfo<Inner> {
    /// The spec's `info.version`.
    fn api_version() -> &'static str;
    /// Base URL of the REST instance.
    fn baseurl(&self) -> &str;
    /// The HTTP client requests go through.
    fn client(&self) -> &reqwest::Client;
    /// The SDK's per-client state.
    fn inner(&self) -> &Inner;
}

/// Hooks the generated client runs around every request.
#[allow(async_fn_in_trait)]
pub trait ClientHooks<Inner>
where
    Self: ClientInfo<Inner>,
{
    /// Runs before the request is sent.
    async fn pre<E>(
        &self,
        request: &mut reqwest::Request,
        info: &OperationInfo,
    ) -> Result<(), Error<E>>;
    /// Runs after the request completed (after any retries).
    async fn post<E>(
        &self,
        result: &reqwest::Result<reqwest::Response>,
        info: &OperationInfo,
    ) -> Result<(), Error<E>>;
    /// Sends the request; retries and rate-limit waits live here.
    async fn exec(
        &self,
        request: reqwest::Request,
        info: &OperationInfo,
    ) -> reqwest::Result<reqwest::Response>;
}

/// State shared by all requests of one client: retry policy and the
/// rate-limit buckets. Cheap to clone (the buckets are shared).
#[derive(Clone, Debug, Default)]
pub struct ClientState {
    pub(crate) retry: RetryPolicy,
    pub(crate) limiter: RateLimiter,
}

impl ClientHooks<ClientState> for crate::Client {
    async fn pre<E>(
        &self,
        _request: &mut reqwest::Request,
        _info: &OperationInfo,
    ) -> Result<(), Error<E>> {
        Ok(())
    }

    async fn post<E>(
        &self,
        _result: &reqwest::Result<reqwest::Response>,
        _info: &OperationInfo,
    ) -> Result<(), Error<E>> {
        Ok(())
    }

    async fn exec(
        &self,
        request: reqwest::Request,
        info: &OperationInfo,
    ) -> reqwest::Result<reqwest::Response> {
        let state = self.inner();
        crate::retry::execute(
            self.client(),
            &state.retry,
            &state.limiter,
            request,
            info.operation_id,
        )
        .await
    }
}

/// A decoded success (or documented error) response, with its status and
/// headers. Dereferences to the decoded value.
#[derive(Clone)]
pub struct ResponseValue<T> {
    inner: T,
    status: StatusCode,
    headers: HeaderMap,
}

impl<T: DeserializeOwned> ResponseValue<T> {
    #[doc(hidden)]
    pub async fn from_response<E>(response: reqwest::Response) -> Result<Self, Error<E>> {
        let status = response.status();
        let headers = response.headers().clone();
        let body = response.bytes().await.map_err(Error::ResponseBodyError)?;
        match decode(status, &body) {
            Ok(inner) => Ok(Self {
                inner,
                status,
                headers,
            }),
            Err(source) => Err(Error::InvalidResponsePayload(InvalidPayload {
                status,
                headers,
                body,
                source,
            })),
        }
    }
}

/// Decodes a body. A non-2xx answer with an empty body decodes as `{}`:
/// Braze sometimes sends no body with an error status, and the error schema
/// has only optional fields.
fn decode<T: DeserializeOwned>(status: StatusCode, body: &[u8]) -> Result<T, serde_json::Error> {
    if !status.is_success() && body.iter().all(u8::is_ascii_whitespace) {
        return serde_json::from_slice(b"{}");
    }
    serde_json::from_slice(body)
}

impl ResponseValue<()> {
    #[doc(hidden)]
    pub fn empty(response: reqwest::Response) -> Self {
        Self {
            inner: (),
            status: response.status(),
            headers: response.headers().clone(),
        }
    }
}

impl ResponseValue<ByteStream> {
    #[doc(hidden)]
    pub fn stream(response: reqwest::Response) -> Self {
        let status = response.status();
        let headers = response.headers().clone();
        Self {
            inner: ByteStream::new(Box::pin(response.bytes_stream())),
            status,
            headers,
        }
    }
}

impl<T> ResponseValue<T> {
    /// Builds a value by hand (for tests and mocks).
    pub fn new(inner: T, status: StatusCode, headers: HeaderMap) -> Self {
        Self {
            inner,
            status,
            headers,
        }
    }
    /// The decoded body.
    pub fn into_inner(self) -> T {
        self.inner
    }
    /// The HTTP status.
    pub fn status(&self) -> StatusCode {
        self.status
    }
    /// The response headers.
    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }
    /// The `X-RateLimit-*` headers of this response, if Braze sent them.
    pub fn rate_limit(&self) -> Option<RateLimitStatus> {
        RateLimitStatus::from_headers(&self.headers)
    }
    /// The cursor of the next page, from the `Link` header of a cursor-paged
    /// list (`rel="next"`, parameter `cursor`); `None` on the last page.
    pub fn next_cursor(&self) -> Option<String> {
        crate::pagination::link_cursor(&self.headers, "next", "cursor")
    }
    /// Converts the decoded body, keeping status and headers.
    pub fn map<U>(self, f: impl FnOnce(T) -> U) -> ResponseValue<U> {
        ResponseValue {
            inner: f(self.inner),
            status: self.status,
            headers: self.headers,
        }
    }
}

impl<T> Deref for ResponseValue<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.inner
    }
}

impl<T> DerefMut for ResponseValue<T> {
    fn deref_mut(&mut self) -> &mut T {
        &mut self.inner
    }
}

impl<T: fmt::Debug> fmt::Debug for ResponseValue<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ResponseValue")
            .field("status", &self.status)
            .field("inner", &self.inner)
            .finish_non_exhaustive()
    }
}

/// A response whose body is not what the spec says: the status, headers and
/// raw body are kept so that nothing Braze sent is lost.
#[derive(Debug)]
pub struct InvalidPayload {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Bytes,
    pub source: serde_json::Error,
}

/// A response with a status the spec does not list for the operation.
#[derive(Clone, Debug)]
pub struct UnexpectedResponse {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Bytes,
}

/// Every way a call can fail. `E` is the operation's documented error body
/// (`types::BrazeError` for the REST API).
pub enum Error<E = ()> {
    /// The request could not be built (a builder field was missing or invalid).
    InvalidRequest(String),
    /// The request did not reach Braze or no response came back.
    CommunicationError(reqwest::Error),
    /// Braze answered with a documented error status; the body is decoded.
    ErrorResponse(ResponseValue<E>),
    /// The body of the response could not be read.
    ResponseBodyError(reqwest::Error),
    /// The body did not match the spec; status, headers and raw body are kept.
    InvalidResponsePayload(InvalidPayload),
    /// A status the spec does not list; status, headers and raw body are kept.
    UnexpectedResponse(UnexpectedResponse),
    /// An error raised by a hook.
    Custom(String),
}

impl<E> Error<E> {
    /// Reads the body of an unexpected response into an owned error.
    #[doc(hidden)]
    pub async fn from_unexpected(response: reqwest::Response) -> Self {
        let status = response.status();
        let headers = response.headers().clone();
        match response.bytes().await {
            Ok(body) => Error::UnexpectedResponse(UnexpectedResponse {
                status,
                headers,
                body,
            }),
            Err(e) => Error::ResponseBodyError(e),
        }
    }

    /// The HTTP status, when the error comes from a response.
    pub fn status(&self) -> Option<StatusCode> {
        match self {
            Error::ErrorResponse(rv) => Some(rv.status()),
            Error::InvalidResponsePayload(p) => Some(p.status),
            Error::UnexpectedResponse(r) => Some(r.status),
            Error::CommunicationError(e) | Error::ResponseBodyError(e) => e.status(),
            Error::InvalidRequest(_) | Error::Custom(_) => None,
        }
    }

    /// The raw body, when Braze's answer could not be decoded or was unexpected.
    pub fn body(&self) -> Option<&Bytes> {
        match self {
            Error::InvalidResponsePayload(p) => Some(&p.body),
            Error::UnexpectedResponse(r) => Some(&r.body),
            _ => None,
        }
    }

    /// The headers of the response, when there was one.
    pub fn headers(&self) -> Option<&HeaderMap> {
        match self {
            Error::ErrorResponse(rv) => Some(rv.headers()),
            Error::InvalidResponsePayload(p) => Some(&p.headers),
            Error::UnexpectedResponse(r) => Some(&r.headers),
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

    /// True for failures worth retrying later: rate limits, Braze-side
    /// errors and transport failures. (The client already retried them as
    /// its [`RetryPolicy`] allows.)
    pub fn is_retryable(&self) -> bool {
        match self.status() {
            Some(s) => s == StatusCode::TOO_MANY_REQUESTS || s.is_server_error(),
            None => {
                matches!(self, Error::CommunicationError(e) if e.is_timeout() || e.is_connect())
            }
        }
    }
}

impl<E> From<reqwest::Error> for Error<E> {
    fn from(e: reqwest::Error) -> Self {
        Error::CommunicationError(e)
    }
}

impl<E> From<reqwest::header::InvalidHeaderValue> for Error<E> {
    fn from(e: reqwest::header::InvalidHeaderValue) -> Self {
        Error::InvalidRequest(e.to_string())
    }
}

impl<E> From<std::convert::Infallible> for Error<E> {
    fn from(e: std::convert::Infallible) -> Self {
        match e {}
    }
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

impl<E: fmt::Debug> fmt::Display for Error<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::InvalidRequest(s) => write!(f, "invalid request: {s}"),
            Error::CommunicationError(e) => write!(f, "communication error: {e}"),
            Error::ErrorResponse(rv) => write!(f, "Braze answered {}: {:?}", rv.status(), rv.inner),
            Error::ResponseBodyError(e) => write!(f, "cannot read the response body: {e}"),
            Error::InvalidResponsePayload(p) => {
                write!(
                    f,
                    "Braze answered {} with a body that does not match the spec ({}): {}",
                    p.status,
                    p.source,
                    preview(&p.body)
                )
            }
            Error::UnexpectedResponse(r) => {
                write!(f, "unexpected status {}: {}", r.status, preview(&r.body))
            }
            Error::Custom(s) => write!(f, "{s}"),
        }
    }
}

impl<E: fmt::Debug> fmt::Debug for Error<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

impl<E: fmt::Debug> std::error::Error for Error<E> {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::CommunicationError(e) | Error::ResponseBodyError(e) => Some(e),
            Error::InvalidResponsePayload(p) => Some(&p.source),
            _ => None,
        }
    }
}

// The error is as large as the variants that keep a whole response; it is
// built at most once per request, so boxing would buy nothing measurable.
#[allow(clippy::result_large_err)]
#[doc(hidden)]
pub trait RequestBuilderExt<E> {
    fn form_urlencoded<T: Serialize + ?Sized>(self, body: &T) -> Result<RequestBuilder, Error<E>>;
}

#[allow(clippy::result_large_err)]
impl<E> RequestBuilderExt<E> for RequestBuilder {
    fn form_urlencoded<T: Serialize + ?Sized>(self, body: &T) -> Result<Self, Error<E>> {
        let encoded = serde_urlencoded::to_string(body)
            .map_err(|e| Error::InvalidRequest(format!("cannot encode the form body: {e}")))?;
        Ok(self
            .header(
                reqwest::header::CONTENT_TYPE,
                reqwest::header::HeaderValue::from_static("application/x-www-form-urlencoded"),
            )
            .body(encoded))
    }
}
