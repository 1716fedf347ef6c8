//! Decoding a response by status: a success as the operation's type, a
//! documented error as its error type, anything else as an error that keeps
//! the status, headers and raw body. Nothing Braze sent is lost.

use std::fmt;
use std::ops::{Deref, DerefMut};

use bytes::Bytes;
use reqwest::StatusCode;
use reqwest::header::HeaderMap;
use serde::de::DeserializeOwned;

use super::call::Exchange;
use super::report::CallReport;
use crate::error::{Error, InvalidPayload, UnexpectedResponse};
use crate::rate_limit::RateLimitStatus;

/// The response by status: one of `success` decodes as `T`, one of
/// `errors` as `Error::ErrorResponse(E)`, any other is
/// `Error::UnexpectedResponse`, and so is an error status whose body is not
/// JSON at all (an HTML page from a proxy or load balancer is not Braze's
/// error). Shared by the generated `send()`s and `Client::send_prepared`,
/// whose success statuses come with the request.
pub(crate) fn by_status<T: DeserializeOwned, E: DeserializeOwned>(
    exchange: Exchange,
    success: &[(u16, u16)],
    errors: &[(u16, u16)],
) -> Result<ResponseValue<T>, Error<E>> {
    let status = exchange.status().as_u16();
    if listed(success, status) {
        ResponseValue::from_exchange(exchange)
    } else if listed(errors, status) {
        documented_error(exchange)
    } else {
        Err(unexpected(exchange, false))
    }
}

/// [`by_status`] for an operation whose success (any 2xx) has no body.
pub(crate) fn by_status_empty<E: DeserializeOwned>(
    exchange: Exchange,
    errors: &[(u16, u16)],
) -> Result<ResponseValue<()>, Error<E>> {
    let status = exchange.status().as_u16();
    if (200..=299).contains(&status) {
        Ok(ResponseValue::empty_exchange(exchange))
    } else if listed(errors, status) {
        documented_error(exchange)
    } else {
        Err(unexpected(exchange, false))
    }
}

fn documented_error<T, E: DeserializeOwned>(exchange: Exchange) -> Result<T, Error<E>> {
    if !looks_like_json(&exchange.body) {
        return Err(unexpected(exchange, true));
    }
    match ResponseValue::from_exchange(exchange) {
        Ok(value) => Err(Error::ErrorResponse(Box::new(value))),
        Err(e) => Err(e),
    }
}

fn unexpected<E>(exchange: Exchange, not_json: bool) -> Error<E> {
    let (status, headers, body, report) = exchange.into_parts();
    Error::UnexpectedResponse(Box::new(UnexpectedResponse {
        status,
        headers,
        body,
        not_json,
        report: Some(Box::new(report)),
    }))
}

/// Whether an error body can be Braze's JSON error: empty (decoded as `{}`),
/// or starting with an object or array.
fn looks_like_json(body: &[u8]) -> bool {
    match body.iter().find(|b| !b.is_ascii_whitespace()) {
        None => true,
        Some(b) => matches!(b, b'{' | b'['),
    }
}

fn listed(ranges: &[(u16, u16)], status: u16) -> bool {
    ranges.iter().any(|&(lo, hi)| (lo..=hi).contains(&status))
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

impl<T: DeserializeOwned> ResponseValue<T> {
    /// Decodes the response of a call the client made.
    pub(crate) fn from_exchange<E>(exchange: Exchange) -> Result<Self, Error<E>> {
        let (status, headers, body, report) = exchange.into_parts();
        Self::decoded(status, headers, body, Some(Box::new(report)))
    }

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
            Err((path, source)) => Err(Error::InvalidResponsePayload(Box::new(InvalidPayload {
                status,
                headers,
                body,
                path,
                source,
                report,
            }))),
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

impl ResponseValue<Bytes> {
    /// Any response of a call the client made, its body undecoded.
    pub(crate) fn raw_exchange(exchange: Exchange) -> Self {
        let (status, headers, body, report) = exchange.into_parts();
        Self {
            inner: body,
            status,
            headers,
            raw: None,
            report: Some(Box::new(report)),
            non_fatal: Vec::new(),
        }
    }
}

impl ResponseValue<()> {
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

#[cfg(test)]
mod tests {
    use super::*;

    fn exchange(status: u16, body: &'static str) -> Exchange {
        let response = http::Response::builder()
            .status(status)
            .body(reqwest::Body::from(""))
            .unwrap();
        Exchange {
            response: reqwest::Response::from(response),
            body: Bytes::from_static(body.as_bytes()),
            report: CallReport::new("users_track", crate::operation::find("users_track")),
        }
    }

    type Decoded = Result<ResponseValue<serde_json::Value>, Error<serde_json::Value>>;

    fn route(status: u16, body: &'static str) -> Decoded {
        by_status(
            exchange(status, body),
            &[(200, 299)],
            &[(400, 400), (500, 599)],
        )
    }

    #[test]
    fn an_exchange_decodes_with_its_report() {
        let value = route(201, "{\"a\":1}").unwrap();
        assert_eq!(value.report().unwrap().operation_id, "users_track");
        assert_eq!(*value, serde_json::json!({"a": 1}));
        assert_eq!(value.raw_body(), None);
    }

    #[test]
    fn each_status_goes_where_the_spec_says() {
        match route(400, "{\"message\": \"bad\"}") {
            Err(Error::ErrorResponse(rv)) => {
                assert_eq!(**rv, serde_json::json!({"message": "bad"}));
                assert_eq!(
                    rv.raw_body().map(|b| &b[..]),
                    Some(&b"{\"message\": \"bad\"}"[..])
                );
            }
            other => panic!("{other:?}"),
        }
        // An empty error body is Braze's error with nothing in it.
        assert!(
            matches!(route(503, "  "), Err(Error::ErrorResponse(rv)) if **rv == serde_json::json!({}))
        );
        // An undocumented status, and a documented one whose body is not
        // JSON (a proxy's page): kept raw, not called a spec mismatch.
        for (status, body) in [
            (418, "teapot"),
            (400, "<html>Bad Request</html>"),
            (502, "upstream down"),
        ] {
            match route(status, body) {
                Err(Error::UnexpectedResponse(r)) => {
                    assert_eq!((r.status.as_u16(), &r.body[..]), (status, body.as_bytes()));
                    assert!(r.report.is_some());
                }
                other => panic!("{status}: {other:?}"),
            }
        }
        // A success whose body is not the documented JSON.
        assert!(matches!(
            route(200, "{\"a\": [oops"),
            Err(Error::InvalidResponsePayload(_))
        ));
    }

    #[test]
    fn a_bodiless_success_reads_no_body() {
        let ok = by_status_empty::<()>(exchange(204, ""), &[]).unwrap();
        assert_eq!(ok.status(), StatusCode::NO_CONTENT);
        assert!(matches!(
            by_status_empty::<()>(exchange(404, ""), &[]),
            Err(Error::UnexpectedResponse(_))
        ));
    }

    #[test]
    fn non_fatal_errors_of_a_success_are_kept() {
        let value = route(
            201,
            "{\"message\": \"success\", \"errors\": [{\"type\": \"x\"}]}",
        )
        .unwrap();
        assert_eq!(
            value.non_fatal_errors(),
            &[serde_json::json!({"type": "x"})]
        );
        assert!(
            route(200, "{\"message\": \"success\"}")
                .unwrap()
                .non_fatal_errors()
                .is_empty()
        );
    }
}
