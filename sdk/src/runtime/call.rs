//! The call loop: throttle, attempts, waits between them, hooks, tracing.
//!
//! Each attempt waits for the client-side throttle ([`crate::throttle`]),
//! is sent with a timeout of `min(attempt timeout, time left before the
//! deadline)` and read to the end (`attempt.rs`); what follows is
//! [`decide`]'s answer. The call ends with the last response, its body and
//! a [`CallReport`] ([`Exchange`]), or with an [`ExecFailure`].
//!
//! Tracing: one `braze.request` span per call (operation, method, path
//! template, bucket; at the end attempts, status, throttle and backoff
//! waits), a debug event per attempt and a warning per retry. The span is
//! entered around every poll of the call, so that what reqwest and hyper
//! log (connection pool, connect errors) nests under it too; giving the
//! events an explicit parent instead would save one copy of the call's
//! future (about 280 instructions per call) and lose that. Header values
//! are never recorded, so the API key cannot reach a subscriber.

use std::time::Duration;

use bytes::Bytes;
use reqwest::StatusCode;
use reqwest::header::HeaderMap;
use tracing::Instrument;
use tracing::field::Empty;

use super::attempt::{self, AttemptError, Received};
use super::decide::{Attempt, Decision, Outcome, decide};
use super::report::{CallReport, GaveUp};
use super::state::add_default_headers;
use super::{ClientInfo, ClientState, OperationInfo};
use crate::error::{ExecFailure, FailureKind};
use crate::hook::AttemptEnd;
use crate::rate_limit::RateLimitStatus;
use crate::throttle::Permit;

/// The outcome of a call that got a response: the last response (status,
/// headers, URL; its own body already consumed), its whole body, and the
/// report of the call. What the decoders take (a value, not a response
/// extension: an extension map is an allocation per request).
#[derive(Debug)]
pub(crate) struct Exchange {
    pub(crate) response: reqwest::Response,
    pub(crate) body: Bytes,
    pub(crate) report: CallReport,
}

impl Exchange {
    /// The HTTP status of the last response.
    pub(crate) fn status(&self) -> StatusCode {
        self.response.status()
    }
    /// Status, headers, body and report, owned.
    pub(crate) fn into_parts(mut self) -> (StatusCode, HeaderMap, Bytes, CallReport) {
        let headers = std::mem::take(self.response.headers_mut());
        (self.response.status(), headers, self.body, self.report)
    }
}

/// Runs one call. Not an `async fn`: the returned future is the call's own
/// (no outer future holding a second copy of the request). Generic over the
/// client only so that the generator's golden clients (each fixture's own
/// `Client`, compiled in this crate's unit tests) type-check against it; the
/// SDK has one client type, so one copy.
pub(crate) fn send<'a, C: ClientInfo<ClientState>>(
    client: &'a C,
    request: reqwest::Request,
    info: &OperationInfo,
) -> impl std::future::Future<Output = Result<Exchange, ExecFailure>> + use<'a, C> {
    let index = crate::operation::index(info.operation_id);
    let mut report = CallReport::new(
        info.operation_id,
        index.map(|i| &crate::operation::OPERATIONS[i]),
    );
    report.replay_safe = client
        .inner()
        .settings
        .retry
        .replay_safe(request.method(), report.operation_id);
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

async fn run<C: ClientInfo<ClientState>>(
    client: &C,
    mut pending: reqwest::Request,
    mut report: CallReport,
    operation_index: Option<usize>,
) -> Result<Exchange, ExecFailure> {
    let state = client.inner();
    add_default_headers(state, &mut pending);
    let settings = &*state.settings;
    let policy = &settings.retry;
    let clock = state.clock;
    let hooks = &*state.hooks;
    // Clock reads are few on purpose (they show in the per-request cost):
    // one when the call starts, one when each response is in, one after
    // each wait.
    let started = clock.now();
    let deadline = started + settings.deadline;
    // The backoff schedule is built when the first failure needs it.
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
                let now = clock.now();
                report.throttle_wait += now.saturating_duration_since(acquire_started);
                report.elapsed = now.saturating_duration_since(started);
                report.gave_up = Some(GaveUp::Deadline {
                    deadline: settings.deadline,
                });
                tracing::warn!(bucket = wait.bucket, reason = %wait.reason, "throttled past the deadline");
                for hook in hooks {
                    hook.on_call_end(&report, None);
                }
                return Err(failure(report, FailureKind::Throttled(wait)));
            }
        };
        report.throttle_wait += waited;
        report.attempts += 1;
        let number = report.attempts;
        let attempt_started = acquire_started + waited;
        let (attempt_timeout, cut_by_deadline) = attempt::timeout(
            settings.attempt_timeout,
            deadline.saturating_duration_since(attempt_started),
        );
        let spare = if number <= policy.max_retries {
            attempt::replay_copy(&pending)
        } else {
            None
        };
        if state.http_timeout != Some(attempt_timeout) {
            *pending.timeout_mut() = Some(attempt_timeout);
        }
        // After the copy: each attempt's hooks see the request as built.
        for hook in hooks {
            hook.on_request(&mut pending, &report);
        }
        let result = attempt::send_and_read(client.client().execute(pending)).await;
        let answered = clock.now();
        match &result {
            Ok(r) => {
                let rate_limit = RateLimitStatus::from_headers(r.headers());
                permit.finish(answered, clock.wall(), r.status(), r.headers(), rate_limit);
                report.rate_limit = rate_limit.or(report.rate_limit);
            }
            Err(_) => drop(permit),
        }
        let took = answered.saturating_duration_since(attempt_started);
        trace_attempt(number, took, &result);
        if !hooks.is_empty() {
            let end = attempt_end(&result, took);
            for hook in hooks {
                hook.on_attempt_end(&end, &report);
            }
        }
        let outcome = attempt::outcome(&result, || clock.wall());
        let backoff = match outcome {
            Outcome::Response {
                server_wait: Some(_),
                ..
            } => Duration::ZERO,
            Outcome::Response { status, .. } if status.is_success() => Duration::ZERO,
            _ => backoffs
                .get_or_insert_with(|| policy.backoffs())
                .next()
                .unwrap_or(policy.max_backoff),
        };
        let decision = decide(
            &outcome,
            policy,
            &Attempt {
                number,
                replay_safe: report.replay_safe,
                replayable: spare.is_some(),
                cut_by_deadline,
                deadline: settings.deadline,
                time_left: deadline.saturating_duration_since(answered),
                backoff,
            },
        );
        let gave_up = match (decision, spare) {
            (Decision::Retry(wait), Some(next)) => {
                tracing::warn!(
                    attempt = number,
                    wait_ms = wait.as_millis() as u64,
                    status = result.as_ref().ok().map(|r| r.status().as_u16()),
                    "retrying braze request"
                );
                // Boxed: a timer only a retry needs would otherwise sit in
                // every call's future.
                Box::pin(tokio::time::sleep(wait)).await;
                report.backoff_wait += wait;
                pending = next;
                acquire_started = clock.now();
                continue;
            }
            // (`decide` retries only a request it was told has a copy.)
            (Decision::Retry(_), None) => Some(GaveUp::BodyNotReplayable),
            (Decision::Stop(gave_up), _) => gave_up,
        };
        report.gave_up = gave_up;
        report.elapsed = answered.saturating_duration_since(started);
        return finish(report, result, hooks);
    }
}

/// Ends the call with the last attempt's result: records the span's
/// fields, tells the hooks.
fn finish(
    report: CallReport,
    result: Result<Received, AttemptError>,
    hooks: &[std::sync::Arc<dyn crate::hook::Hook>],
) -> Result<Exchange, ExecFailure> {
    let span = tracing::Span::current();
    span.record("attempts", report.attempts);
    span.record("throttle_wait_ms", report.throttle_wait.as_millis() as u64);
    span.record("backoff_ms", report.backoff_wait.as_millis() as u64);
    let status = match &result {
        Ok(r) => Some(r.status()),
        Err(AttemptError::Body { status, .. }) => Some(*status),
        Err(AttemptError::Send(_)) => None,
    };
    if let Some(status) = status {
        span.record("status", status.as_u16());
    }
    for hook in hooks {
        hook.on_call_end(&report, status);
    }
    match result {
        // reqwest's own response goes back (status, headers, URL and
        // connection information as it read them), with its body.
        Ok(r) => Ok(Exchange {
            response: r.response,
            body: r.body,
            report,
        }),
        Err(AttemptError::Send(e)) => Err(failure(report, FailureKind::Transport(e))),
        Err(AttemptError::Body {
            status,
            headers,
            body,
            source,
        }) => Err(failure(
            report,
            FailureKind::Body {
                status,
                headers,
                body,
                source,
            },
        )),
    }
}

fn trace_attempt(attempt: u32, took: Duration, result: &Result<Received, AttemptError>) {
    let elapsed_ms = took.as_millis() as u64;
    match result {
        Ok(r) => tracing::debug!(
            attempt,
            status = r.status().as_u16(),
            elapsed_ms,
            "braze response"
        ),
        Err(AttemptError::Send(e)) => {
            let cause = crate::error::chain(e);
            tracing::debug!(attempt, elapsed_ms, error = %cause, "braze request failed");
        }
        Err(AttemptError::Body { status, source, .. }) => {
            let cause = crate::error::chain(source);
            tracing::debug!(attempt, status = status.as_u16(), elapsed_ms, error = %cause, "braze response body failed");
        }
    }
}

fn attempt_end(result: &Result<Received, AttemptError>, took: Duration) -> AttemptEnd<'_> {
    match result {
        Ok(r) => AttemptEnd {
            status: Some(r.status()),
            headers: Some(r.headers()),
            error: None,
            elapsed: took,
        },
        Err(AttemptError::Send(e)) => AttemptEnd {
            status: None,
            headers: None,
            error: Some(e),
            elapsed: took,
        },
        Err(AttemptError::Body {
            status,
            headers,
            source,
            ..
        }) => AttemptEnd {
            status: Some(*status),
            headers: Some(headers),
            error: Some(source),
            elapsed: took,
        },
    }
}

fn failure(report: CallReport, kind: FailureKind) -> ExecFailure {
    ExecFailure {
        kind: Box::new(kind),
        report: Box::new(report),
    }
}
