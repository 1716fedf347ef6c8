//! The runtime the generated client calls into.
//!
//! progenitor's generated code imports a handful of names (`Error`,
//! `ResponseValue`, `ClientHooks`, ...). The generator points those imports
//! here instead of at `progenitor_client`, so that the SDK owns what users
//! depend on: request execution (throttle, retries, deadlines, tracing: see
//! `execute.rs`), decoding that keeps everything Braze sent, and
//! [errors](crate::error) a person can act on.

use std::fmt;
use std::ops::{Deref, DerefMut};
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use reqwest::header::HeaderMap;
use reqwest::{RequestBuilder, StatusCode};
use serde::Serialize;
use serde::de::DeserializeOwned;

pub use progenitor_client::{ByteStream, encode_path};

pub use crate::error::{
    BodyError, CallReport, CommunicationError, Error, ExecFailure, GaveUp, InvalidPayload,
    Throttled, UnexpectedResponse,
};
pub use crate::execute::Exchange;
use crate::rate_limit::RateLimitStatus;
use crate::retry::RetryPolicy;
use crate::throttle::Throttle;

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
    /// Runs before the request is sent (the key and default headers are
    /// added by `exec`).
    async fn pre<E>(
        &self,
        request: &mut reqwest::Request,
        info: &OperationInfo,
    ) -> Result<(), Error<E>>;
    /// Runs after the request completed (after any retries).
    async fn post<E>(
        &self,
        result: &Result<Exchange, ExecFailure>,
        info: &OperationInfo,
    ) -> Result<(), Error<E>>;
    /// Sends the request: throttle, retries, deadline, tracing. The body of
    /// the last response has been read to the end inside its attempt.
    async fn exec(
        &self,
        request: reqwest::Request,
        info: &OperationInfo,
    ) -> Result<Exchange, ExecFailure>;
}

/// The settings a call runs with; [`crate::Client::with_deadline`] and
/// friends make a clone of the client with other ones.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Settings {
    pub(crate) retry: RetryPolicy,
    /// Longest total time of one call: throttle waits, attempts, backoff.
    pub(crate) deadline: Duration,
    /// Longest time of one attempt, body included.
    pub(crate) attempt_timeout: Duration,
}

/// State shared by all requests of one client. Cheap to clone: the
/// rate-limit buckets and headers are shared by every clone.
#[derive(Clone)]
pub struct ClientState {
    pub(crate) settings: Arc<Settings>,
    pub(crate) throttle: Arc<Throttle>,
    /// Authorization (marked sensitive), user agent and default headers,
    /// added to every request that does not set them itself: by
    /// [`add_default_headers`] for a caller's own `reqwest::Client`; empty
    /// when the SDK built the HTTP client, which adds them itself.
    pub(crate) headers: Arc<HeaderMap>,
    /// The total timeout the HTTP client itself applies to each request
    /// (set when the SDK built that client, to the attempt timeout): an
    /// attempt with the same timeout needs no per-request one, which
    /// reqwest keeps in an extension map allocated per request.
    pub(crate) http_timeout: Option<Duration>,
}

impl fmt::Debug for ClientState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Header names only: the values hold the key.
        f.debug_struct("ClientState")
            .field("settings", &self.settings)
            .field("throttle", &self.throttle)
            .field("headers", &self.headers.keys().collect::<Vec<_>>())
            .finish()
    }
}

/// Adds the client's default headers (key, user agent, ...) that the
/// request does not set itself; [`crate::execute`] does it for every call.
/// Empty, hence free, when the SDK built the HTTP client (which adds them).
pub(crate) fn add_default_headers(state: &ClientState, request: &mut reqwest::Request) {
    if state.headers.is_empty() {
        return;
    }
    let defaults = &state.headers;
    let headers = request.headers_mut();
    // (progenitor's `api-version` header is removed at generation:
    // generator/src/postprocess/request_parts.rs.)
    // One lookup per default header name; a name's values are adjacent.
    let mut defaults = defaults.iter().peekable();
    while let Some((name, value)) = defaults.next() {
        let same_name = |(n, _): &(&reqwest::header::HeaderName, _)| *n == name;
        match headers.entry(name) {
            reqwest::header::Entry::Vacant(slot) => {
                let mut slot = slot.insert_entry(value.clone());
                while let Some((_, more)) = defaults.next_if(same_name) {
                    slot.append(more.clone());
                }
            }
            reqwest::header::Entry::Occupied(_) => while defaults.next_if(same_name).is_some() {},
        }
    }
}

impl ClientHooks<ClientState> for crate::Client {
    // The defaults are added by `exec` (see `add_default_headers`), so that
    // a call is one future rather than three awaited in turn.
    async fn pre<E>(
        &self,
        _request: &mut reqwest::Request,
        _info: &OperationInfo,
    ) -> Result<(), Error<E>> {
        Ok(())
    }

    async fn post<E>(
        &self,
        _result: &Result<Exchange, ExecFailure>,
        _info: &OperationInfo,
    ) -> Result<(), Error<E>> {
        Ok(())
    }

    // Not an `async fn`: the call's future is returned as it is, without a
    // wrapper holding another copy of the request.
    fn exec(
        &self,
        request: reqwest::Request,
        info: &OperationInfo,
    ) -> impl std::future::Future<Output = Result<Exchange, ExecFailure>> {
        crate::execute::execute(self, request, info)
    }
}

/// A decoded success (or documented error) response, with its status,
/// headers and the report of the call. Dereferences to the decoded value.
#[derive(Clone)]
pub struct ResponseValue<T> {
    inner: T,
    status: StatusCode,
    headers: HeaderMap,
    /// The raw body of a non-2xx response (kept for errors).
    raw: Option<Bytes>,
    report: Option<Box<CallReport>>,
    non_fatal: Vec<serde_json::Value>,
}

/// Status, headers and the whole body of a response that did not go
/// through [`crate::execute`] (or the bytes received before reading failed).
pub(crate) async fn take_response(
    mut response: reqwest::Response,
) -> (
    StatusCode,
    HeaderMap,
    Result<Bytes, (Bytes, reqwest::Error)>,
) {
    let status = response.status();
    let headers = std::mem::take(response.headers_mut());
    let body = crate::execute::read_body(response).await;
    (status, headers, body)
}

impl<T: DeserializeOwned> ResponseValue<T> {
    /// Reads and decodes a response that did not go through the client.
    #[doc(hidden)]
    pub async fn from_response<E>(response: reqwest::Response) -> Result<Self, Error<E>> {
        let (status, headers, body) = take_response(response).await;
        match body {
            Ok(body) => Self::decoded(status, headers, body, None),
            Err((body, source)) => Err(Error::ResponseBodyError(BodyError {
                status,
                headers,
                body,
                source,
                report: None,
            })),
        }
    }

    /// Decodes the response of a call the client made.
    // The error keeps the whole response: see `RequestBuilderExt` below.
    #[allow(clippy::result_large_err)]
    pub(crate) fn from_exchange<E>(exchange: Exchange) -> Result<Self, Error<E>> {
        let (status, headers, body, report) = exchange.into_parts();
        Self::decoded(status, headers, body, Some(Box::new(report)))
    }

    #[allow(clippy::result_large_err)]
    fn decoded<E>(
        status: StatusCode,
        headers: HeaderMap,
        body: Bytes,
        report: Option<Box<CallReport>>,
    ) -> Result<Self, Error<E>> {
        match decode(status, &body) {
            Ok(inner) => {
                let non_fatal = if status.is_success() {
                    non_fatal_errors(&body)
                } else {
                    Vec::new()
                };
                if !non_fatal.is_empty() {
                    tracing::warn!(
                        operation = report.as_ref().map_or("?", |r| r.operation_id),
                        status = status.as_u16(),
                        non_fatal_errors = non_fatal.len(),
                        "Braze accepted the request and reported non-fatal errors"
                    );
                }
                Ok(Self {
                    inner,
                    status,
                    headers,
                    raw: (!status.is_success()).then_some(body),
                    report,
                    non_fatal,
                })
            }
            Err((path, source)) => Err(Error::InvalidResponsePayload(InvalidPayload {
                status,
                headers,
                body,
                path,
                source,
                report,
            })),
        }
    }
}

/// Decodes a body; on failure, says where in the document. A non-2xx answer
/// with an empty body decodes as `{}`: Braze sometimes sends no body with an
/// error status, and the error schema has only optional fields.
fn decode<T: DeserializeOwned>(
    status: StatusCode,
    body: &[u8],
) -> Result<T, (String, serde_json::Error)> {
    let body: &[u8] = if !status.is_success() && body.iter().all(u8::is_ascii_whitespace) {
        b"{}"
    } else {
        body
    };
    // The fast path; the path-tracking decoder runs only to explain a failure.
    serde_json::from_slice(body).map_err(|plain| {
        let mut de = serde_json::Deserializer::from_slice(body);
        match serde_path_to_error::deserialize::<_, T>(&mut de) {
            Err(e) => (e.path().to_string(), e.into_inner()),
            Ok(_) => (".".to_string(), plain),
        }
    })
}

/// The top-level `errors` of a 2xx body, when Braze accepted a request and
/// still reported problems (e.g. `/users/track` rejecting one attribute).
fn non_fatal_errors(body: &[u8]) -> Vec<serde_json::Value> {
    static KEY: std::sync::LazyLock<memchr::memmem::Finder<'static>> =
        std::sync::LazyLock::new(|| memchr::memmem::Finder::new(b"\"errors\""));
    if KEY.find(body).is_none() {
        return Vec::new();
    }
    #[derive(serde::Deserialize)]
    struct Probe {
        #[serde(default)]
        errors: serde_json::Value,
    }
    match serde_json::from_slice::<Probe>(body).map(|p| p.errors) {
        Ok(serde_json::Value::Array(items)) => items,
        Ok(serde_json::Value::Null) | Err(_) => Vec::new(),
        Ok(other) => vec![other],
    }
}

impl ResponseValue<()> {
    /// A response whose body is not read.
    #[doc(hidden)]
    pub fn empty(mut response: reqwest::Response) -> Self {
        Self {
            inner: (),
            status: response.status(),
            headers: std::mem::take(response.headers_mut()),
            raw: None,
            report: None,
            non_fatal: Vec::new(),
        }
    }

    /// The bodiless success of a call the client made.
    pub(crate) fn empty_exchange(exchange: Exchange) -> Self {
        let (status, headers, _, report) = exchange.into_parts();
        Self {
            inner: (),
            status,
            headers,
            raw: None,
            report: Some(Box::new(report)),
            non_fatal: Vec::new(),
        }
    }
}

impl ResponseValue<ByteStream> {
    #[doc(hidden)]
    pub fn stream(mut response: reqwest::Response) -> Self {
        let status = response.status();
        let headers = std::mem::take(response.headers_mut());
        Self {
            inner: ByteStream::new(Box::pin(response.bytes_stream())),
            status,
            headers,
            raw: None,
            report: None,
            non_fatal: Vec::new(),
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
            raw: None,
            report: None,
            non_fatal: Vec::new(),
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
    /// The raw body, kept for error statuses.
    pub fn raw_body(&self) -> Option<&Bytes> {
        self.raw.as_ref()
    }
    /// Attempts, waits and rate-limit state of the call.
    pub fn report(&self) -> Option<&CallReport> {
        self.report.as_deref()
    }
    /// The `errors` Braze listed in a 2xx body: it accepted the request but
    /// rejected part of it. Also logged as a `tracing` warning.
    pub fn non_fatal_errors(&self) -> &[serde_json::Value] {
        &self.non_fatal
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
    /// Converts the decoded body, keeping status, headers and report.
    pub fn map<U>(self, f: impl FnOnce(T) -> U) -> ResponseValue<U> {
        ResponseValue {
            inner: f(self.inner),
            status: self.status,
            headers: self.headers,
            raw: self.raw,
            report: self.report,
            non_fatal: self.non_fatal,
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

#[cfg(test)]
mod tests {
    use super::*;
    use futures_util::StreamExt;

    fn response(body: &'static str) -> reqwest::Response {
        reqwest::Response::from(http::Response::new(reqwest::Body::from(body)))
    }

    #[tokio::test]
    async fn decoders_of_a_plain_response_read_its_body() {
        let (status, _, body) = take_response(response("{\"b\":2}")).await;
        assert_eq!(
            (status, body.unwrap()),
            (StatusCode::OK, Bytes::from("{\"b\":2}"))
        );
        let value: ResponseValue<serde_json::Value> =
            ResponseValue::from_response::<()>(response("{\"a\":1}"))
                .await
                .unwrap();
        assert_eq!(value.into_inner(), serde_json::json!({"a": 1}));
        assert!(matches!(
            ResponseValue::<serde_json::Value>::from_response::<()>(response("{")).await,
            Err(Error::InvalidResponsePayload(_))
        ));

        let value = ResponseValue::stream(response("own"));
        let mut stream = value.into_inner().into_inner();
        let mut all = Vec::new();
        while let Some(chunk) = stream.next().await {
            all.extend_from_slice(&chunk.unwrap());
        }
        assert_eq!(all, b"own");
    }

    #[test]
    fn an_exchange_decodes_with_its_report() {
        let exchange = Exchange {
            response: response(""),
            body: Bytes::from_static(b"{\"a\":1}"),
            report: CallReport::new("users_track", crate::operation::find("users_track")),
        };
        let value: ResponseValue<serde_json::Value> =
            ResponseValue::from_exchange::<()>(exchange).unwrap();
        assert_eq!(value.report().unwrap().operation_id, "users_track");
        assert_eq!(*value, serde_json::json!({"a": 1}));
    }
}
