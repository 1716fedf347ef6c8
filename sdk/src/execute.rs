//! Running one call: throttle, attempts, retries, deadline, tracing.
//!
//! Each attempt waits for the client-side throttle ([`crate::throttle`]),
//! is sent with a timeout of `min(attempt timeout, time left before the
//! deadline)`, and its whole body is read inside the attempt, so that a
//! connection closed mid-body or a body shorter than its `Content-Length`
//! is a failed attempt (retried for idempotent requests) with its status and
//! headers kept. What is retried and how long to wait is
//! [`crate::retry`]'s. The call ends with the last response, its body and a
//! [`CallReport`] ([`Exchange`]), or with an [`ExecFailure`].
//!
//! Tracing: one `braze.request` span per call (operation, method, path
//! template, bucket; at the end attempts, status, throttle and backoff
//! waits), a debug event per attempt and a warning per retry. The span is
//! entered around every poll of the call, so that what reqwest and hyper
//! log (connection pool, connect errors) nests under it too; giving the
//! events an explicit parent instead would save one copy of the call's
//! future (about 280 instructions per call) and lose that. Header values
//! are never recorded, so the API key cannot reach a subscriber.

use std::time::{Duration, SystemTime};

use bytes::{Bytes, BytesMut};
use reqwest::StatusCode;
use reqwest::header::HeaderMap;
use tokio::time::Instant;
use tracing::Instrument;
use tracing::field::Empty;

use crate::error::{CallReport, ExecFailure, FailureKind, GaveUp};
use crate::rate_limit::RateLimitStatus;
use crate::runtime::{ClientInfo, OperationInfo};
use crate::throttle::Permit;

/// The outcome of a call that got a response: the last response (status,
/// headers, URL; its own body already consumed), its whole body, and the
/// report of the call. What [`crate::runtime::ClientHooks::exec`] returns
/// and the decoders take (a value, not a response extension: an extension
/// map is an allocation per request).
#[derive(Debug)]
pub struct Exchange {
    pub(crate) response: reqwest::Response,
    pub(crate) body: Bytes,
    pub(crate) report: CallReport,
}

impl Exchange {
    /// The HTTP status of the last response.
    pub fn status(&self) -> StatusCode {
        self.response.status()
    }
    /// Its headers.
    pub fn headers(&self) -> &HeaderMap {
        self.response.headers()
    }
    /// Its whole body.
    pub fn body(&self) -> &Bytes {
        &self.body
    }
    /// Attempts, waits and rate-limit state of the call.
    pub fn report(&self) -> &CallReport {
        &self.report
    }
    /// Status, headers, body and report, owned.
    pub(crate) fn into_parts(mut self) -> (StatusCode, HeaderMap, Bytes, CallReport) {
        let headers = std::mem::take(self.response.headers_mut());
        (self.response.status(), headers, self.body, self.report)
    }
}

/// A response read to the end: reqwest's response (status, headers, URL,
/// connection information; its body consumed) and the body.
struct Received {
    response: reqwest::Response,
    body: Bytes,
}

impl Received {
    fn status(&self) -> StatusCode {
        self.response.status()
    }
    fn headers(&self) -> &HeaderMap {
        self.response.headers()
    }
}

enum AttemptError {
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

/// Runs one call. Not an `async fn`: the returned future is the call's own
/// (no outer future holding a second copy of the request).
pub(crate) fn execute<'a>(
    client: &'a crate::Client,
    request: reqwest::Request,
    info: &OperationInfo,
) -> impl std::future::Future<Output = Result<Exchange, ExecFailure>> + use<'a> {
    let index = crate::operation::index(info.operation_id);
    let report = CallReport::new(
        info.operation_id,
        index.map(|i| &crate::operation::OPERATIONS[i]),
    );
    let span = tracing::info_span!(
        "braze.request",
        operation = report.operation_id,
        method = report.method,
        path = report.path,
        bucket = report.bucket,
        attempts = Empty,
        status = Empty,
        throttle_wait_ms = Empty,
        backoff_ms = Empty,
    );
    run(client, request, report, index).instrument(span)
}

async fn run(
    client: &crate::Client,
    mut pending: reqwest::Request,
    mut report: CallReport,
    operation_index: Option<usize>,
) -> Result<Exchange, ExecFailure> {
    let state = client.inner();
    crate::runtime::add_default_headers(state, &mut pending);
    let settings = &*state.settings;
    let policy = &settings.retry;
    // Clock reads are few on purpose (they show in the per-request cost):
    // one when the call starts, one when each response is in, one after
    // each wait.
    let started = Instant::now();
    let deadline = started + settings.deadline;
    let replay_safe = policy.replay_safe(pending.method(), report.operation_id);
    // The backoff schedule is built when the first retry needs it.
    let mut backoffs = None;
    let bucket = state.throttle.bucket(operation_index, report.bucket);
    let mut acquire_started = started;
    loop {
        let acquired = match bucket {
            Some(b) => b.acquire(acquire_started, deadline).await,
            None => Ok((Permit::NONE, Duration::ZERO)),
        };
        let (permit, waited) = match acquired {
            Ok(p) => p,
            Err(wait) => {
                report.throttle_wait += acquire_started.elapsed();
                report.elapsed = started.elapsed();
                report.gave_up = Some(GaveUp::Deadline {
                    deadline: settings.deadline,
                });
                tracing::warn!(bucket = wait.bucket, reason = %wait.reason, "throttled past the deadline");
                return Err(finish(report, FailureKind::Throttled(wait)));
            }
        };
        report.throttle_wait += waited;
        report.attempts += 1;
        let attempt = report.attempts;
        let attempt_started = acquire_started + waited;
        let left = deadline.saturating_duration_since(attempt_started);
        let attempt_timeout = settings
            .attempt_timeout
            .min(left)
            .max(Duration::from_millis(1));
        let cut_by_deadline = attempt_timeout < settings.attempt_timeout;
        let spare = if attempt <= policy.max_retries {
            replay_copy(&pending)
        } else {
            None
        };
        if state.http_timeout != Some(attempt_timeout) {
            *pending.timeout_mut() = Some(attempt_timeout);
        }
        let outcome = send_and_read(client.client().execute(pending)).await;
        let answered = Instant::now();
        match &outcome {
            Ok(r) => {
                let rate_limit = RateLimitStatus::from_headers(r.headers());
                permit.finish(answered, r.status(), r.headers(), rate_limit);
                report.rate_limit = rate_limit.or(report.rate_limit);
            }
            Err(_) => drop(permit),
        }
        let elapsed_ms = answered
            .saturating_duration_since(attempt_started)
            .as_millis() as u64;
        let (retryable, server_wait) = match &outcome {
            Ok(r) => {
                tracing::debug!(
                    attempt,
                    status = r.status().as_u16(),
                    elapsed_ms,
                    "braze response"
                );
                let asks = r.status() == StatusCode::TOO_MANY_REQUESTS
                    || r.status() == StatusCode::SERVICE_UNAVAILABLE;
                (
                    policy.retries_status(r.status(), replay_safe),
                    asks.then(|| crate::retry::server_wait(r.headers(), SystemTime::now()))
                        .flatten(),
                )
            }
            Err(AttemptError::Send(e)) => {
                let cause = crate::error::chain(e);
                tracing::debug!(attempt, elapsed_ms, error = %cause, "braze request failed");
                (policy.retries_transport(e, replay_safe), None)
            }
            Err(AttemptError::Body { status, source, .. }) => {
                let cause = crate::error::chain(source);
                tracing::debug!(attempt, status = status.as_u16(), elapsed_ms, error = %cause, "braze response body failed");
                (replay_safe, None)
            }
        };
        let failed = match &outcome {
            Ok(r) => !r.status().is_success(),
            Err(_) => true,
        };
        let would_retry_if_safe = match &outcome {
            Ok(r) => policy.retries_status(r.status(), true),
            Err(AttemptError::Send(e)) => policy.retries_transport(e, true),
            Err(AttemptError::Body { .. }) => true,
        };
        let timed_out_by_deadline = cut_by_deadline
            && match &outcome {
                Err(AttemptError::Send(e)) => e.is_timeout(),
                Err(AttemptError::Body { source, .. }) => source.is_timeout(),
                Ok(_) => false,
            };
        let gave_up = if !failed {
            None
        } else if timed_out_by_deadline {
            Some(GaveUp::Deadline {
                deadline: settings.deadline,
            })
        } else if !retryable {
            would_retry_if_safe.then_some(GaveUp::NotReplaySafe)
        } else if attempt > policy.max_retries {
            Some(GaveUp::RetriesExhausted {
                max_retries: policy.max_retries,
            })
        } else if let Some(next) = spare {
            let wait = server_wait
                .or_else(|| backoffs.get_or_insert_with(|| policy.backoffs()).next())
                .unwrap_or(policy.max_backoff);
            if wait > policy.max_backoff {
                Some(GaveUp::WaitTooLong {
                    wait,
                    max_backoff: policy.max_backoff,
                })
            } else if answered + wait >= deadline {
                Some(GaveUp::Deadline {
                    deadline: settings.deadline,
                })
            } else {
                tracing::warn!(
                    attempt,
                    wait_ms = wait.as_millis() as u64,
                    status = outcome.as_ref().ok().map(|r| r.status().as_u16()),
                    "retrying braze request"
                );
                // Boxed: a timer only a retry needs would otherwise sit in
                // every call's future.
                Box::pin(tokio::time::sleep(wait)).await;
                report.backoff_wait += wait;
                pending = next;
                acquire_started = Instant::now();
                continue;
            }
        } else {
            Some(GaveUp::BodyNotReplayable)
        };
        report.gave_up = gave_up;
        report.elapsed = answered.saturating_duration_since(started);
        let span = tracing::Span::current();
        span.record("attempts", report.attempts);
        span.record("throttle_wait_ms", report.throttle_wait.as_millis() as u64);
        span.record("backoff_ms", report.backoff_wait.as_millis() as u64);
        return match outcome {
            Ok(r) => {
                span.record("status", r.status().as_u16());
                // reqwest's own response goes back (status, headers, URL and
                // connection information as it read them), with its body.
                Ok(Exchange {
                    response: r.response,
                    body: r.body,
                    report,
                })
            }
            Err(AttemptError::Send(e)) => Err(finish(report, FailureKind::Transport(e))),
            Err(AttemptError::Body {
                status,
                headers,
                body,
                source,
            }) => {
                span.record("status", status.as_u16());
                Err(finish(
                    report,
                    FailureKind::Body {
                        status,
                        headers,
                        body,
                        source,
                    },
                ))
            }
        };
    }
}

/// A copy of `request` to send again if this attempt fails in a way that is
/// retried; `None` for a streaming body. Not `Request::try_clone`: that one
/// allocates a timeout extension for the copy only to replace it (about 600
/// instructions per call); a request built by the generated code has no
/// other extension.
fn replay_copy(request: &reqwest::Request) -> Option<reqwest::Request> {
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

fn finish(report: CallReport, kind: FailureKind) -> ExecFailure {
    ExecFailure {
        kind,
        report: Box::new(report),
    }
}

/// Awaits a sent request (`sent`: reqwest's future, small, rather than the
/// request itself in this future) and reads its response to the end.
async fn send_and_read(
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
pub(crate) async fn read_body(
    mut response: reqwest::Response,
) -> Result<Bytes, (Bytes, reqwest::Error)> {
    read_to_end(&mut response).await
}

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
