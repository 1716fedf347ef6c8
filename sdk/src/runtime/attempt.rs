//! One attempt on the wire: send the request, read the whole body, and say
//! what the attempt came to in the terms the retry decision uses.
//!
//! The body is read inside the attempt, so that a connection closed
//! mid-body or a body shorter than its `Content-Length` is a failed attempt
//! (retried for requests that may be sent twice) with its status and
//! headers kept.

use std::time::{Duration, SystemTime};

use bytes::{Bytes, BytesMut};
use reqwest::StatusCode;
use reqwest::header::HeaderMap;

use super::decide::Outcome;
use crate::retry::Failure;

/// A response read to the end: reqwest's response (status, headers, URL,
/// connection information; its body consumed) and the body.
pub(crate) struct Received {
    pub(crate) response: reqwest::Response,
    pub(crate) body: Bytes,
}

impl Received {
    pub(crate) fn status(&self) -> StatusCode {
        self.response.status()
    }
    pub(crate) fn headers(&self) -> &HeaderMap {
        self.response.headers()
    }
}

pub(crate) enum AttemptError {
    /// No response (connect error, timeout, connection closed before it).
    Send(reqwest::Error),
    /// A response whose body could not be read to the end.
    Body {
        status: StatusCode,
        headers: HeaderMap,
        body: Bytes,
        source: reqwest::Error,
    },
}

/// What an attempt came to, for [`super::decide::decide`]. `wall`: the wall
/// time, read only for a response that may ask to wait (429, 503).
pub(crate) fn outcome(
    result: &Result<Received, AttemptError>,
    wall: impl FnOnce() -> SystemTime,
) -> Outcome {
    match result {
        Ok(r) => {
            let status = r.status();
            let asks = status == StatusCode::TOO_MANY_REQUESTS
                || status == StatusCode::SERVICE_UNAVAILABLE;
            Outcome::Response {
                status,
                server_wait: if asks {
                    crate::retry::server_wait(r.headers(), wall())
                } else {
                    None
                },
            }
        }
        Err(AttemptError::Send(source)) => Outcome::Failed {
            failure: Failure::of_transport(source),
            timed_out: source.is_timeout(),
        },
        Err(AttemptError::Body { source, .. }) => Outcome::Failed {
            failure: Failure::Body,
            timed_out: source.is_timeout(),
        },
    }
}

/// The timeout of an attempt starting with `left` before the deadline:
/// the attempt timeout, shortened to what is left (at least 1 ms), and
/// whether the deadline shortened it.
pub(crate) fn timeout(attempt_timeout: Duration, left: Duration) -> (Duration, bool) {
    let timeout = attempt_timeout.min(left).max(Duration::from_millis(1));
    (timeout, timeout < attempt_timeout)
}

/// A copy of `request` to send again if this attempt fails in a way that is
/// retried; `None` for a streaming body. Not `Request::try_clone`: that one
/// allocates a timeout extension for the copy only to replace it (about 600
/// instructions per call); a request built by the generated code has no
/// other extension.
pub(crate) fn replay_copy(request: &reqwest::Request) -> Option<reqwest::Request> {
    let body = match request.body() {
        None => None,
        Some(body) => Some(reqwest::Body::from(Bytes::copy_from_slice(
            body.as_bytes()?,
        ))),
    };
    let mut copy = reqwest::Request::new(request.method().clone(), request.url().clone());
    *copy.headers_mut() = request.headers().clone();
    *copy.version_mut() = request.version();
    if let Some(timeout) = request.timeout() {
        *copy.timeout_mut() = Some(*timeout);
    }
    *copy.body_mut() = body;
    Some(copy)
}

/// Awaits a sent request (`sent`: reqwest's future, small, rather than the
/// request itself in this future) and reads its response to the end.
pub(crate) async fn send_and_read(
    sent: impl std::future::Future<Output = reqwest::Result<reqwest::Response>>,
) -> Result<Received, AttemptError> {
    let mut response = sent.await.map_err(AttemptError::Send)?;
    match read_to_end(&mut response).await {
        Ok(body) => Ok(Received { response, body }),
        Err((body, source)) => Err(AttemptError::Body {
            status: response.status(),
            headers: std::mem::take(response.headers_mut()),
            body,
            source,
        }),
    }
}

/// Reads a body to the end; on failure, returns the bytes received so far.
async fn read_to_end(response: &mut reqwest::Response) -> Result<Bytes, (Bytes, reqwest::Error)> {
    let mut first: Option<Bytes> = None;
    let mut rest: Option<BytesMut> = None;
    loop {
        match response.chunk().await {
            Ok(Some(chunk)) => match (&first, &mut rest) {
                (None, _) => first = Some(chunk),
                (Some(f), None) => {
                    let mut buf = BytesMut::with_capacity(f.len() + chunk.len());
                    buf.extend_from_slice(f);
                    buf.extend_from_slice(&chunk);
                    rest = Some(buf);
                }
                (Some(_), Some(buf)) => buf.extend_from_slice(&chunk),
            },
            Ok(None) => break,
            Err(e) => {
                let partial = rest.map(BytesMut::freeze).or(first).unwrap_or_default();
                return Err((partial, e));
            }
        }
    }
    Ok(rest.map(BytesMut::freeze).or(first).unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_deadline_shortens_an_attempt_and_says_so() {
        let t = Duration::from_secs(30);
        assert_eq!(timeout(t, Duration::from_secs(60)), (t, false));
        assert_eq!(timeout(t, t), (t, false));
        assert_eq!(
            timeout(t, Duration::from_secs(4)),
            (Duration::from_secs(4), true)
        );
        assert_eq!(timeout(t, Duration::ZERO), (Duration::from_millis(1), true));
    }

    #[test]
    fn only_a_429_or_503_reads_the_servers_wait() {
        let answer = |status: u16| {
            let response = http::Response::builder()
                .status(status)
                .header("retry-after", "7")
                .body(reqwest::Body::from(""))
                .unwrap();
            Received {
                response: reqwest::Response::from(response),
                body: Bytes::new(),
            }
        };
        let at = SystemTime::UNIX_EPOCH;
        for (status, wait) in [(429, Some(7)), (503, Some(7)), (500, None), (200, None)] {
            let Outcome::Response { server_wait, .. } = outcome(&Ok(answer(status)), || at) else {
                panic!("a response");
            };
            assert_eq!(server_wait, wait.map(Duration::from_secs), "{status}");
        }
    }
}
