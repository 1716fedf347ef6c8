//! `braze-mock`: a fake Braze REST API built from the braze-openapi spec, for
//! testing code that calls Braze without a workspace.
//!
//! It serves every operation of `spec/dist/braze.json` (embedded at build
//! time) on 127.0.0.1. Each request is checked as Braze would check it (the
//! key, method, path, parameters and the JSON body against the spec's
//! schemas): a wrong one gets a 400 naming the JSON pointer of what is wrong,
//! one without a key a 401. A right one gets the operation's example from the
//! spec (or what the test set) with the status Braze sends, and the
//! `X-RateLimit-*` headers of its bucket. On demand it plays what is hard to
//! provoke on a real workspace: 429s when a bucket's fixed window is full,
//! lists paged in Braze's three styles, non-fatal `errors[]` on bulk
//! endpoints, and scripted faults (a status, a delay, a dropped connection,
//! a truncated body) on the n-th call of an operation.
//!
//! ```no_run
//! # async fn t() {
//! use braze_mock::{Fault, MockBraze};
//! let braze = MockBraze::start().await;
//! // braze_sdk::Client::builder(Instance::custom(braze.url()), "any-key")...
//! braze.fault("users_track", 2, Fault::Status(503));
//! // ... run the code under test, then:
//! assert_eq!(braze.calls("users_track"), 2);
//! let bodies: Vec<serde_json::Value> = braze.received("users_track");
//! # }
//! ```
//!
//! The same server runs as a program for other languages' tests
//! (`braze-mock --port 0`, see `src/bin/braze_mock.rs`).

mod answer;
mod control;
mod http;
pub mod limits;
#[doc(hidden)]
pub mod schema;
mod server;
pub mod spec;
mod validate;

use std::collections::HashMap;
use std::fmt;
use std::ops::{Bound, RangeBounds};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde::de::DeserializeOwned;
use serde_json::Value;

pub use limits::{Limit, WindowCount};

use crate::answer::Script;
use crate::limits::Windows;

/// A fault played on chosen calls of an operation instead of (or before) its
/// normal answer.
#[derive(Clone, Debug, PartialEq)]
pub enum Fault {
    /// Answers this status with Braze's error body (`{"message": ...}`).
    Status(u16),
    /// Answers exactly this: status, extra headers, body (sent as JSON).
    Reply {
        status: u16,
        headers: Vec<(String, String)>,
        body: String,
    },
    /// Waits this long, then answers normally.
    Delay(Duration),
    /// Closes the connection without sending a byte.
    Drop,
    /// Sends the normal answer's head (its `Content-Length` announcing the
    /// whole body) and only the first `n` bytes of its body, then closes.
    Truncate(usize),
    /// Never answers (until the client gives up or the server stops).
    Hang,
}

/// One request the server received.
#[derive(Clone)]
pub struct Recorded {
    /// The operation it was routed to (`None`: no operation has that path).
    pub operation: Option<String>,
    pub method: String,
    /// The path, still percent-encoded, without the query.
    pub path: String,
    /// Query pairs, decoded.
    pub query: Vec<(String, String)>,
    /// Headers as sent (`Debug` hides `Authorization`).
    pub headers: Vec<(String, String)>,
    /// The body parsed as JSON (`None` if empty or not JSON).
    pub body: Option<Value>,
    /// The status answered (0: no answer, the connection was dropped or
    /// left hanging).
    pub status: u16,
    /// When it arrived, since the server started (the pace of a client,
    /// the spacing of its retries).
    pub at: Duration,
}

impl Recorded {
    /// The value of header `name` (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// The value of query parameter `name` (the last one if repeated).
    pub fn query(&self, name: &str) -> Option<&str> {
        self.query
            .iter()
            .rev()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

impl fmt::Debug for Recorded {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let headers: Vec<(&str, &str)> = self
            .headers
            .iter()
            .map(|(n, v)| {
                let secret = n.eq_ignore_ascii_case("authorization");
                (n.as_str(), if secret { "<redacted>" } else { v.as_str() })
            })
            .collect();
        f.debug_struct("Recorded")
            .field("operation", &self.operation)
            .field("method", &self.method)
            .field("path", &self.path)
            .field("query", &self.query)
            .field("headers", &headers)
            .field("body", &self.body)
            .field("status", &self.status)
            .field("at", &self.at)
            .finish()
    }
}

/// Which calls of an operation a fault applies to (1-based, inclusive).
#[derive(Clone, Debug)]
struct Scripted {
    operation: String,
    first: usize,
    last: Option<usize>,
    fault: Fault,
}

/// When the server started: [`Recorded::at`] counts from it.
pub(crate) struct Started(Instant);

impl Default for Started {
    fn default() -> Self {
        Started(Instant::now())
    }
}

impl Started {
    pub(crate) fn elapsed(&self) -> Duration {
        self.0.elapsed()
    }
}

/// Everything the server knows and the test can change while it runs.
#[derive(Default)]
pub(crate) struct State {
    pub(crate) started: Started,
    pub(crate) api_key: Option<String>,
    pub(crate) validate: bool,
    pub(crate) record: bool,
    /// Limits set by the test, by bucket (`None`: not limited).
    pub(crate) limits: HashMap<String, Option<Limit>>,
    /// The spec's limits apply where the test set none.
    pub(crate) spec_limits: bool,
    pub(crate) windows: Windows,
    pub(crate) clock_offset_ms: u64,
    pub(crate) scripts: HashMap<String, Script>,
    faults: Vec<Scripted>,
    pub(crate) chaos: Option<(f64, u64)>,
    pub(crate) log: Vec<Recorded>,
    pub(crate) calls: HashMap<String, usize>,
    pub(crate) total_calls: usize,
    pub(crate) refused: HashMap<String, usize>,
}

impl State {
    pub(crate) fn script(&mut self, operation: &str) -> &mut Script {
        self.scripts.entry(operation.to_string()).or_default()
    }

    pub(crate) fn add_fault(
        &mut self,
        operation: &str,
        first: usize,
        last: Option<usize>,
        fault: Fault,
    ) {
        self.faults.push(Scripted {
            operation: operation.into(),
            first,
            last,
            fault,
        });
    }

    pub(crate) fn set_limit(&mut self, bucket: &str, limit: Option<Limit>) {
        self.limits.insert(bucket.into(), limit);
        self.windows.clear();
    }

    pub(crate) fn reset(&mut self) {
        self.log.clear();
        self.calls.clear();
        self.total_calls = 0;
        self.refused.clear();
        self.scripts.clear();
        self.faults.clear();
        self.windows.clear();
    }

    /// Records a request, if recording is on.
    pub(crate) fn keep(&mut self, r: impl FnOnce() -> Recorded) {
        if self.record {
            self.log.push(r());
        }
    }

    /// The fault for the call just counted, if any.
    pub(crate) fn fault_for(&self, operation: &str, nth: usize, total: usize) -> Option<Fault> {
        self.faults.iter().rev().find_map(|s| {
            let n = if s.operation == "*" {
                total
            } else if s.operation == operation {
                nth
            } else {
                return None;
            };
            (n >= s.first && s.last.is_none_or(|l| n <= l)).then(|| s.fault.clone())
        })
    }

    /// The limit that applies to `bucket` now.
    pub(crate) fn limit_of(&self, op: &spec::Operation) -> Option<Limit> {
        match self
            .limits
            .get(&op.limit.bucket)
            .or_else(|| self.limits.get("*"))
        {
            Some(set) => *set,
            None if self.spec_limits => op.limit.per_window.map(|(requests, window_secs)| Limit {
                requests,
                window_secs,
            }),
            None => None,
        }
    }
}

/// How to start a [`MockBraze`].
#[derive(Debug)]
pub struct Builder {
    port: u16,
    api_key: Option<String>,
    validate: bool,
    record: bool,
    spec_limits: bool,
    limits: Vec<(String, Option<Limit>)>,
    chaos: Option<(f64, u64)>,
}

impl Default for Builder {
    fn default() -> Self {
        Builder {
            port: 0,
            api_key: None,
            validate: true,
            record: true,
            spec_limits: true,
            limits: Vec::new(),
            chaos: None,
        }
    }
}

impl Builder {
    /// The port on 127.0.0.1 (default 0: any free port).
    pub fn port(mut self, port: u16) -> Self {
        self.port = port;
        self
    }

    /// Accepts only this key (default: any non-empty bearer key).
    pub fn api_key(mut self, key: impl Into<String>) -> Self {
        self.api_key = Some(key.into());
        self
    }

    /// Sets the limit of a bucket (`users-track`; `*` for every bucket the
    /// test does not name), instead of the spec's.
    pub fn limit(mut self, bucket: impl Into<String>, limit: Limit) -> Self {
        self.limits.push((bucket.into(), Some(limit)));
        self
    }

    /// No limit (no 429, no `X-RateLimit-*` headers) for a bucket (`*`: all).
    pub fn unlimited(mut self, bucket: impl Into<String>) -> Self {
        self.limits.push((bucket.into(), None));
        self
    }

    /// Whether requests are checked against the spec (default true; a
    /// benchmark of the client may turn it off to keep the server's cost
    /// out of its figures).
    pub fn validate(mut self, on: bool) -> Self {
        self.validate = on;
        self
    }

    /// Whether each request is kept for [`MockBraze::requests`] and
    /// [`MockBraze::received`] (default true; counters are always kept). A
    /// benchmark sending many requests turns it off.
    pub fn record(mut self, on: bool) -> Self {
        self.record = on;
        self
    }

    /// Answers a `rate` (0 to 1) of the calls with a random fault (500, 503,
    /// 429 with `Retry-After: 1`, or a dropped connection), drawn from `seed`:
    /// the same seed and calls give the same faults.
    pub fn chaos(mut self, rate: f64, seed: u64) -> Self {
        let rate = if rate.is_nan() {
            0.0
        } else {
            rate.clamp(0.0, 1.0)
        };
        self.chaos = Some((rate, seed));
        self
    }

    /// Binds 127.0.0.1 and serves until the returned value is dropped.
    pub async fn start(self) -> MockBraze {
        self.try_start()
            .await
            .expect("braze-mock: cannot bind 127.0.0.1")
    }

    /// For a synchronous test (one that blocks on processes or threads):
    /// starts the server on a runtime of its own (two worker threads) and
    /// returns once it listens. Not from inside an async runtime.
    pub fn start_blocking(self) -> MockBraze {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .expect("braze-mock: cannot start a runtime");
        let mut braze = runtime.block_on(self.start());
        braze.runtime = Some(runtime);
        braze
    }

    /// [`Builder::start`], with the bind error.
    pub async fn try_start(self) -> std::io::Result<MockBraze> {
        // What the first request would otherwise pay for: reading the spec
        // and compiling its validators (once per process).
        if self.validate {
            tokio::task::spawn_blocking(validate::warm_up)
                .await
                .expect("braze-mock: the spec's validators compile");
        } else {
            spec::spec();
        }
        let state = State {
            api_key: self.api_key,
            validate: self.validate,
            record: self.record,
            spec_limits: self.spec_limits,
            limits: self.limits.into_iter().collect(),
            chaos: self.chaos,
            ..State::default()
        };
        let state = Arc::new(Mutex::new(state));
        let (url, task) = server::serve(self.port, state.clone()).await?;
        Ok(MockBraze {
            url,
            state,
            task,
            runtime: None,
        })
    }
}

/// A fake Braze on 127.0.0.1; stops when dropped.
pub struct MockBraze {
    url: String,
    state: Arc<Mutex<State>>,
    task: tokio::task::JoinHandle<()>,
    /// The runtime of [`Builder::start_blocking`].
    runtime: Option<tokio::runtime::Runtime>,
}

impl Drop for MockBraze {
    fn drop(&mut self) {
        self.task.abort();
        if let Some(runtime) = self.runtime.take() {
            // Does not wait for the connection tasks, and may run in any
            // context (dropping a runtime inside another one panics).
            runtime.shutdown_background();
        }
    }
}

impl fmt::Debug for MockBraze {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MockBraze").field("url", &self.url).finish()
    }
}

#[track_caller]
fn known(operation: &str) -> &'static spec::Operation {
    spec::spec()
        .operation(operation)
        .unwrap_or_else(|| panic!("braze-mock: the spec has no operation {operation:?}"))
}

impl MockBraze {
    /// Starts a server with the spec's rate limits and validation on.
    pub async fn start() -> MockBraze {
        Builder::default().start().await
    }

    /// [`MockBraze::start`] for a synchronous test: see
    /// [`Builder::start_blocking`].
    pub fn start_blocking() -> MockBraze {
        Builder::default().start_blocking()
    }

    pub fn builder() -> Builder {
        Builder::default()
    }

    /// The base URL (`http://127.0.0.1:PORT`), for `Instance::custom`.
    pub fn url(&self) -> &str {
        &self.url
    }

    fn state(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Answers every later valid call of `operation` with `status` and
    /// `body` instead of the spec's example (a 204 with `Value::Null` has
    /// no body).
    #[track_caller]
    pub fn respond(&self, operation: &str, status: u16, body: Value) {
        known(operation);
        self.state()
            .scripts
            .entry(operation.into())
            .or_default()
            .reply = Some((status, body));
    }

    /// Answers `body` with the status Braze sends for `operation`.
    #[track_caller]
    pub fn respond_json(&self, operation: &str, body: Value) {
        let status = known(operation).status;
        self.respond(operation, status, body);
    }

    /// The whole list a paged operation serves; each call gets the page its
    /// query asks for, in the operation's paging style (`x-braze-pagination`):
    /// page number, offset and limit, or a `Link` header cursor.
    #[track_caller]
    pub fn set_items(&self, operation: &str, items: Vec<Value>) {
        let op = known(operation);
        assert!(
            op.paging.is_some(),
            "braze-mock: {operation} is not a paged list"
        );
        self.state()
            .scripts
            .entry(operation.into())
            .or_default()
            .items = Some(items);
    }

    /// Items per page of a cursor-paged list (default 50, Braze's).
    #[track_caller]
    pub fn set_page_size(&self, operation: &str, size: usize) {
        known(operation);
        self.state()
            .scripts
            .entry(operation.into())
            .or_default()
            .page_size = Some(size);
    }

    /// Refuses chosen inputs of a bulk request while accepting the rest, as
    /// Braze's non-fatal `errors[]` does: `reject(array, item)` is asked for
    /// every item of every array of the body (`attributes`, `events`...) and
    /// returns the error's text to refuse it. Refused items are reported as
    /// `{"type": text, "input_array": array, "index": i}` and not counted in
    /// `<array>_processed`.
    #[track_caller]
    pub fn reject_inputs(
        &self,
        operation: &str,
        reject: impl Fn(&str, &Value) -> Option<String> + Send + Sync + 'static,
    ) {
        known(operation);
        self.state()
            .scripts
            .entry(operation.into())
            .or_default()
            .reject = Some(Arc::new(reject));
    }

    /// Plays `fault` on the `nth` call (1-based) of `operation`; `"*"`
    /// counts every call the server gets.
    #[track_caller]
    pub fn fault(&self, operation: &str, nth: usize, fault: Fault) {
        self.fault_calls(operation, nth..=nth, fault);
    }

    /// Plays `fault` on the calls of `operation` in `calls` (1-based:
    /// `1..=3`, `2..` for all from the second). A later script wins where
    /// two apply.
    #[track_caller]
    pub fn fault_calls(&self, operation: &str, calls: impl RangeBounds<usize>, fault: Fault) {
        if operation != "*" {
            known(operation);
        }
        let first = match calls.start_bound() {
            Bound::Included(&n) => n,
            Bound::Excluded(&n) => n + 1,
            Bound::Unbounded => 1,
        };
        let last = match calls.end_bound() {
            Bound::Included(&n) => Some(n),
            Bound::Excluded(&n) => Some(n.saturating_sub(1)),
            Bound::Unbounded => None,
        };
        self.state().add_fault(operation, first, last, fault);
    }

    /// Sets (or with `None` lifts) the limit of a bucket (`*`: every bucket
    /// not set by name); its window count starts again.
    pub fn set_limit(&self, bucket: &str, limit: Option<Limit>) {
        self.state().set_limit(bucket, limit);
    }

    /// Moves the server's clock forward (rate-limit windows end sooner).
    pub fn advance(&self, by: Duration) {
        self.state().clock_offset_ms += by.as_millis() as u64;
    }

    /// Calls routed to `operation` so far (whatever their answer).
    #[track_caller]
    pub fn calls(&self, operation: &str) -> usize {
        known(operation);
        self.state().calls.get(operation).copied().unwrap_or(0)
    }

    /// Every request received so far.
    pub fn total_calls(&self) -> usize {
        self.state().total_calls
    }

    /// Calls of `operation` answered 429 for its rate limit.
    #[track_caller]
    pub fn rate_limited(&self, operation: &str) -> usize {
        known(operation);
        self.state().refused.get(operation).copied().unwrap_or(0)
    }

    /// Every 429 answered.
    pub fn total_rate_limited(&self) -> usize {
        self.state().refused.values().sum()
    }

    /// The rate-limit windows of `bucket` (`users-track`; `*`: every
    /// bucket) counted so far, in order: what each let through and
    /// refused. A window where no request came is not listed.
    pub fn windows(&self, bucket: &str) -> Vec<WindowCount> {
        self.state()
            .windows
            .counts((bucket != "*").then_some(bucket))
    }

    /// The requests routed to `operation`, in order of arrival.
    #[track_caller]
    pub fn requests(&self, operation: &str) -> Vec<Recorded> {
        known(operation);
        self.state()
            .log
            .iter()
            .filter(|r| r.operation.as_deref() == Some(operation))
            .cloned()
            .collect()
    }

    /// Every request received, in order of arrival.
    pub fn all_requests(&self) -> Vec<Recorded> {
        self.state().log.clone()
    }

    /// The bodies of the calls of `operation` that were accepted (answered
    /// 2xx), decoded as `T` (e.g. `braze_sdk::types::UsersTrackRequest`).
    ///
    /// Panics, naming the call, if a body does not decode as `T`.
    #[track_caller]
    pub fn received<T: DeserializeOwned>(&self, operation: &str) -> Vec<T> {
        self.requests(operation)
            .into_iter()
            .filter(|r| (200..300).contains(&r.status))
            .enumerate()
            .map(|(i, r)| {
                let body = r.body.unwrap_or(Value::Null);
                serde_json::from_value(body).unwrap_or_else(|e| {
                    panic!(
                        "braze-mock: accepted call {} of {operation} does not decode as {}: {e}",
                        i + 1,
                        std::any::type_name::<T>()
                    )
                })
            })
            .collect()
    }

    /// Forgets recorded requests, counters, scripts, faults and windows
    /// (the limits set stay).
    pub fn reset(&self) {
        self.state().reset();
    }
}

/// A base URL on 127.0.0.1 that nothing listens on (a port bound and
/// released), for testing a refused connection.
pub async fn refused_url() -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("braze-mock: cannot bind 127.0.0.1");
    let url = format!("http://{}", listener.local_addr().expect("a bound address"));
    drop(listener);
    url
}
