//! The retry decision of one attempt: a pure function of what the attempt
//! came to, the retry policy and where the call stands. No clock, no I/O:
//! the call loop gathers the inputs, [`decide`] answers, the loop obeys.

use std::time::Duration;

use reqwest::StatusCode;

use super::report::GaveUp;
use crate::retry::{Failure, RetryPolicy};

/// What one attempt came to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Outcome {
    /// A response (its body read to the end) with this status;
    /// `server_wait`: what a 429 or 503 asked to wait (`Retry-After`, else
    /// the time until `X-RateLimit-Reset`).
    Response {
        status: StatusCode,
        server_wait: Option<Duration>,
    },
    /// No response, or no whole body: the failure's class, and whether the
    /// attempt's timeout fired.
    Failed { failure: Failure, timed_out: bool },
}

/// Where the call stands after the attempt.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Attempt {
    /// The attempt's number, from 1.
    pub(crate) number: u32,
    /// The request may be sent twice ([`RetryPolicy::replay_safe`]).
    pub(crate) replay_safe: bool,
    /// A copy of the request exists to send again (its body is not a stream).
    pub(crate) replayable: bool,
    /// The attempt's timeout was shortened to end at the call's deadline.
    pub(crate) cut_by_deadline: bool,
    /// The call's deadline, and the time left before it.
    pub(crate) deadline: Duration,
    pub(crate) time_left: Duration,
    /// The backoff the next retry waits when the server asks nothing.
    pub(crate) backoff: Duration,
}

/// What the call loop does next.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Decision {
    /// End the call with this attempt; `Some` says why a failure was not
    /// retried when it would have been by its class (`None`: a success, or a
    /// failure never retried, such as a 400).
    Stop(Option<GaveUp>),
    /// Wait this long, then send the request again.
    Retry(Duration),
}

/// The decision after one attempt.
pub(crate) fn decide(outcome: &Outcome, policy: &RetryPolicy, attempt: &Attempt) -> Decision {
    let (failure, server_wait) = match *outcome {
        Outcome::Response { status, .. } if status.is_success() => return Decision::Stop(None),
        Outcome::Response {
            status,
            server_wait,
        } => (Failure::Status(status), server_wait),
        Outcome::Failed {
            timed_out: true, ..
        } if attempt.cut_by_deadline => {
            return Decision::Stop(Some(GaveUp::Deadline {
                deadline: attempt.deadline,
            }));
        }
        Outcome::Failed { failure, .. } => (failure, None),
    };
    if !failure.is_retried(attempt.replay_safe) {
        let only_unsafe = failure.is_retried(true);
        return Decision::Stop(only_unsafe.then_some(GaveUp::NotReplaySafe));
    }
    if attempt.number > policy.max_retries {
        return Decision::Stop(Some(GaveUp::RetriesExhausted {
            max_retries: policy.max_retries,
        }));
    }
    if !attempt.replayable {
        return Decision::Stop(Some(GaveUp::BodyNotReplayable));
    }
    let wait = server_wait.unwrap_or(attempt.backoff);
    if wait > policy.max_backoff {
        return Decision::Stop(Some(GaveUp::WaitTooLong {
            wait,
            max_backoff: policy.max_backoff,
        }));
    }
    if wait >= attempt.time_left {
        return Decision::Stop(Some(GaveUp::Deadline {
            deadline: attempt.deadline,
        }));
    }
    Decision::Retry(wait)
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECOND: Duration = Duration::from_secs(1);

    fn first() -> Attempt {
        Attempt {
            number: 1,
            replay_safe: true,
            replayable: true,
            cut_by_deadline: false,
            deadline: 60 * SECOND,
            time_left: 50 * SECOND,
            backoff: SECOND / 2,
        }
    }

    fn status(code: u16) -> Outcome {
        Outcome::Response {
            status: StatusCode::from_u16(code).unwrap(),
            server_wait: None,
        }
    }

    fn failed(failure: Failure, timed_out: bool) -> Outcome {
        Outcome::Failed { failure, timed_out }
    }

    #[test]
    fn a_success_or_a_final_status_stops_without_a_reason() {
        let p = RetryPolicy::default();
        for code in [200, 201, 204, 299, 400, 401, 404, 501, 505] {
            assert_eq!(
                decide(&status(code), &p, &first()),
                Decision::Stop(None),
                "{code}"
            );
        }
        assert_eq!(
            decide(&failed(Failure::CertificateRefused, false), &p, &first()),
            Decision::Stop(None)
        );
        assert_eq!(
            decide(&failed(Failure::Other, false), &p, &first()),
            Decision::Stop(None)
        );
    }

    #[test]
    fn a_retryable_failure_waits_the_backoff_or_what_the_server_asked() {
        let p = RetryPolicy::default();
        assert_eq!(
            decide(&status(500), &p, &first()),
            Decision::Retry(SECOND / 2)
        );
        assert_eq!(
            decide(&failed(Failure::Connect, false), &p, &first()),
            Decision::Retry(SECOND / 2)
        );
        let asked = Outcome::Response {
            status: StatusCode::TOO_MANY_REQUESTS,
            server_wait: Some(7 * SECOND),
        };
        assert_eq!(decide(&asked, &p, &first()), Decision::Retry(7 * SECOND));
    }

    #[test]
    fn a_request_that_may_have_arrived_is_not_sent_twice_unless_safe() {
        let p = RetryPolicy::default();
        let post = Attempt {
            replay_safe: false,
            ..first()
        };
        for outcome in [
            status(500),
            status(408),
            failed(Failure::Interrupted, false),
            failed(Failure::Body, false),
        ] {
            assert_eq!(
                decide(&outcome, &p, &post),
                Decision::Stop(Some(GaveUp::NotReplaySafe)),
                "{outcome:?}"
            );
        }
        // Refused or never sent: safe for a POST too.
        assert_eq!(decide(&status(429), &p, &post), Decision::Retry(SECOND / 2));
        assert_eq!(
            decide(&failed(Failure::Connect, true), &p, &post),
            Decision::Retry(SECOND / 2)
        );
    }

    #[test]
    fn retries_end_with_the_policy_the_body_or_the_deadline() {
        let p = RetryPolicy::default();
        let last = Attempt {
            number: p.max_retries + 1,
            ..first()
        };
        assert_eq!(
            decide(&status(503), &p, &last),
            Decision::Stop(Some(GaveUp::RetriesExhausted { max_retries: 3 }))
        );
        let stream = Attempt {
            replayable: false,
            ..first()
        };
        assert_eq!(
            decide(&status(503), &p, &stream),
            Decision::Stop(Some(GaveUp::BodyNotReplayable))
        );
        let long = Outcome::Response {
            status: StatusCode::TOO_MANY_REQUESTS,
            server_wait: Some(45 * SECOND),
        };
        assert_eq!(
            decide(&long, &p, &first()),
            Decision::Stop(Some(GaveUp::WaitTooLong {
                wait: 45 * SECOND,
                max_backoff: 30 * SECOND
            }))
        );
        let late = Attempt {
            time_left: SECOND / 2,
            ..first()
        };
        assert_eq!(
            decide(&status(503), &p, &late),
            Decision::Stop(Some(GaveUp::Deadline {
                deadline: 60 * SECOND
            }))
        );
        let none = RetryPolicy::none();
        assert_eq!(
            decide(&status(503), &none, &first()),
            Decision::Stop(Some(GaveUp::RetriesExhausted { max_retries: 0 }))
        );
    }

    #[test]
    fn an_attempt_cut_by_the_deadline_ends_the_call() {
        let p = RetryPolicy::default();
        let cut = Attempt {
            cut_by_deadline: true,
            ..first()
        };
        assert_eq!(
            decide(&failed(Failure::Interrupted, true), &p, &cut),
            Decision::Stop(Some(GaveUp::Deadline {
                deadline: 60 * SECOND
            }))
        );
        // A timeout of the attempt's own length, with time left: retried.
        assert_eq!(
            decide(&failed(Failure::Interrupted, true), &p, &first()),
            Decision::Retry(SECOND / 2)
        );
        // The deadline shortened it but it failed otherwise: as usual.
        assert_eq!(
            decide(&failed(Failure::Connect, false), &p, &cut),
            Decision::Retry(SECOND / 2)
        );
    }
}
