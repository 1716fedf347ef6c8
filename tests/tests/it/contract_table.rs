//! The table form of the contract tests and its one runner.
//!
//! A contract case ([`Row`]) is one operation called through the SDK against
//! a local mock server: the call, the request the SDK must send (method,
//! path, the complete query, headers, the exact JSON body or no body), the
//! answer the server gives, and what the SDK must decode from it. Each
//! `contract_*.rs` file holds a table of rows (`fn rows() -> Vec<Row>`) and
//! one test that hands it to [`run`].
//!
//! What every row checks without being told (so no row can forget it):
//! - exactly one request reached the server, with the row's method and path;
//! - its query string holds exactly the row's pairs (none when the row names
//!   none: no empty parameter for an unset option);
//! - `Authorization: Bearer <key>`, and no progenitor `api-version` header;
//! - the body is exactly the row's JSON (sent as `application/json`), or
//!   empty when the row gives none;
//! - a 2xx answer decodes, keeps the answer's status, and the decoded value
//!   encoded again equals the answer (or the row's [`Row::decodes_to`]):
//!   every field decoded, none lost or renamed;
//! - a documented error status is an `Error::ErrorResponse` whose decoded
//!   body, encoded again, equals the answer (or [`Row::decodes_to`]).
//!
//! What JSON equality cannot see (a variant of an untagged enum, a header
//! the response exposes, the next page's cursor) goes in the row's typed
//! [`Row::then`] checks.
//!
//! [`run`] runs every row (each in its own task, so a panicking check is
//! caught) and fails once at the end, naming every failed row and why.

use std::future::Future;
use std::pin::Pin;

use braze_sdk::{Client, Error, Instance, ResponseValue, RetryPolicy};
use serde::Serialize;
use serde_json::Value;
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::common;

/// What one call came back with, in the terms the runner compares.
struct Outcome {
    /// `"ok"` or the name of the `braze_sdk::Error` variant.
    kind: &'static str,
    status: Option<u16>,
    /// The decoded success, or the decoded documented error body, encoded
    /// again as JSON.
    json: Option<Value>,
    /// The error's text (for the failure messages).
    message: String,
}

type CallFn<T, E> = Box<
    dyn Fn(&Client) -> Pin<Box<dyn Future<Output = Result<ResponseValue<T>, Error<E>>> + Send>>
        + Send
        + Sync,
>;

/// The request the SDK must send.
struct Sent {
    method: &'static str,
    path: String,
    query: Vec<(String, String)>,
    /// The query string exactly as sent (percent-encoding included), for
    /// the rows that pin how a value is escaped.
    raw_query: Option<String>,
    headers: Vec<(String, String)>,
    body: Option<Value>,
}

/// The server's answer.
enum AnswerBody {
    Json(Value),
    Raw { text: String, content_type: String },
    Empty,
}

/// What the SDK must make of the answer.
enum Expect {
    /// The default: a 2xx decodes, a documented error status is an
    /// `ErrorResponse`; either way the decoded value re-encodes to the answer.
    Answer,
    /// As [`Expect::Answer`], but the decoded value re-encodes to this JSON
    /// (a date normalised to UTC, a `null` left out, an unknown field dropped).
    Json(Value),
    /// An error of this `braze_sdk::Error` variant (by name), with no decoded
    /// body to compare.
    Error(&'static str),
}

/// One contract case, for an operation answering `T` (or the documented
/// error `E`). Built with [`row`] and the methods below; a table holds rows of
/// many operations through [`Case`] (the [`table!`](crate::table) macro).
pub struct Row<T, E> {
    name: &'static str,
    call: CallFn<T, E>,
    key: &'static str,
    sent: Option<Sent>,
    status: u16,
    answer: AnswerBody,
    answer_headers: Vec<(String, String)>,
    expect: Expect,
    /// For [`row_from_body`]: the body the call is built from, which is also
    /// the exact body the SDK must send.
    echo_body: Option<Value>,
    ok_checks: Vec<OkCheck<T>>,
    err_checks: Vec<ErrCheck<E>>,
}

type OkCheck<T> = Box<dyn Fn(&ResponseValue<T>) + Send + Sync>;
type ErrCheck<E> = Box<dyn Fn(&Error<E>) + Send + Sync>;

/// A row of any operation, as a table holds it.
pub trait Case: Send {
    fn name(&self) -> &'static str;
    fn run(self: Box<Self>) -> Pin<Box<dyn Future<Output = Result<(), String>> + Send>>;
}

impl<T: Serialize + Send + 'static, E: Serialize + Send + 'static> Case for Row<T, E> {
    fn name(&self) -> &'static str {
        self.name
    }
    fn run(self: Box<Self>) -> Pin<Box<dyn Future<Output = Result<(), String>> + Send>> {
        Box::pin(run_row(*self))
    }
}

/// The rows of a table, each boxed as a [`Case`].
#[macro_export]
macro_rules! table {
    ($($row:expr),* $(,)?) => {
        vec![$(Box::new($row) as Box<dyn $crate::contract_table::Case>),*]
    };
}

/// A row named `name` that makes the call `call` (a closure from the client
/// to the future of `send()`, e.g. `|c| c.catalogs_list().send()`).
pub fn row<T, E, F, Fut>(name: &'static str, call: F) -> Row<T, E>
where
    F: Fn(&Client) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = Result<ResponseValue<T>, Error<E>>> + Send + 'static,
{
    let call: CallFn<T, E> = Box::new(move |client: &Client| Box::pin(call(client)));
    Row {
        name,
        call,
        key: common::API_KEY,
        sent: None,
        status: 200,
        answer: AnswerBody::Empty,
        answer_headers: Vec::new(),
        expect: Expect::Answer,
        echo_body: None,
        ok_checks: Vec::new(),
        err_checks: Vec::new(),
    }
}

fn outcome<T: Serialize, E: Serialize>(result: &Result<ResponseValue<T>, Error<E>>) -> Outcome {
    match result {
        Ok(response) => Outcome {
            kind: "ok",
            status: Some(response.status().as_u16()),
            json: Some(serde_json::to_value(&**response).expect("a decoded value encodes")),
            message: String::new(),
        },
        Err(error) => {
            let kind = match error {
                Error::InvalidRequest(_) => "InvalidRequest",
                Error::CommunicationError(_) => "CommunicationError",
                Error::ErrorResponse(_) => "ErrorResponse",
                Error::ResponseBodyError(_) => "ResponseBodyError",
                Error::InvalidResponsePayload(_) => "InvalidResponsePayload",
                Error::UnexpectedResponse(_) => "UnexpectedResponse",
                Error::Throttled(_) => "Throttled",
                _ => "another error",
            };
            Outcome {
                kind,
                status: error.status().map(|s| s.as_u16()),
                json: error
                    .error_body()
                    .map(|body| serde_json::to_value(body).expect("an error body encodes")),
                message: error.to_string(),
            }
        }
    }
}

/// A row whose call is built from a JSON body (`|c, body| c.op(typed(body))`):
/// the SDK must send exactly that JSON back. For requests that read best as
/// the JSON Braze documents: the typed request decoded from it must encode
/// to it again on the wire, field for field.
pub fn row_from_body<T, E, F, Fut>(name: &'static str, body: Value, call: F) -> Row<T, E>
where
    F: Fn(&Client, Value) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = Result<ResponseValue<T>, Error<E>>> + Send + 'static,
{
    let input = body.clone();
    let mut row = row(name, move |client: &Client| call(client, input.clone()));
    row.echo_body = Some(body);
    row
}

impl<T, E> Row<T, E> {
    fn sends(mut self, method: &'static str, path: impl Into<String>) -> Self {
        self.sent = Some(Sent {
            method,
            path: path.into(),
            query: Vec::new(),
            raw_query: None,
            headers: Vec::new(),
            body: self.echo_body.clone(),
        });
        self
    }
    fn sent_mut(&mut self) -> &mut Sent {
        self.sent
            .as_mut()
            .unwrap_or_else(|| panic!("row {}: say the method and path first", self.name))
    }

    /// The SDK must send `GET path`.
    pub fn get(self, path: impl Into<String>) -> Self {
        self.sends("GET", path)
    }
    /// The SDK must send `POST path`.
    pub fn post(self, path: impl Into<String>) -> Self {
        self.sends("POST", path)
    }
    /// The SDK must send `PUT path`.
    pub fn put(self, path: impl Into<String>) -> Self {
        self.sends("PUT", path)
    }
    /// The SDK must send `PATCH path`.
    pub fn patch(self, path: impl Into<String>) -> Self {
        self.sends("PATCH", path)
    }
    /// The SDK must send `DELETE path`.
    pub fn delete(self, path: impl Into<String>) -> Self {
        self.sends("DELETE", path)
    }
    /// The complete query string (decoded pairs, any order).
    pub fn query(mut self, pairs: &[(&str, &str)]) -> Self {
        self.sent_mut().query = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        self
    }
    /// The query string exactly as it must be sent, escapes included (the
    /// decoded pairs of [`Row::query`] are checked too).
    pub fn raw_query(mut self, raw: &str) -> Self {
        self.sent_mut().raw_query = Some(raw.to_string());
        self
    }
    /// A header the request must carry with this value (besides
    /// `Authorization`, which every row checks).
    pub fn header(mut self, name: &str, value: &str) -> Self {
        self.sent_mut()
            .headers
            .push((name.to_ascii_lowercase(), value.to_string()));
        self
    }
    /// The exact JSON body the SDK must send.
    pub fn body(mut self, body: Value) -> Self {
        self.sent_mut().body = Some(body);
        self
    }
    /// The bearer key the client holds and must send (default
    /// [`common::API_KEY`]).
    pub fn key(mut self, key: &'static str) -> Self {
        self.key = key;
        self
    }
    /// The server answers `status` with this JSON body and Braze's
    /// rate-limit headers.
    pub fn answer(mut self, status: u16, body: Value) -> Self {
        self.status = status;
        self.answer = AnswerBody::Json(body);
        self
    }
    /// The server answers `status` with this raw body and content type.
    pub fn answer_raw(mut self, status: u16, text: &str, content_type: &str) -> Self {
        self.status = status;
        self.answer = AnswerBody::Raw {
            text: text.to_string(),
            content_type: content_type.to_string(),
        };
        self
    }
    /// The server answers `status` with no body.
    pub fn answer_empty(mut self, status: u16) -> Self {
        self.status = status;
        self.answer = AnswerBody::Empty;
        self
    }
    /// A header the answer carries (e.g. `Link`).
    pub fn answer_header(mut self, name: &str, value: &str) -> Self {
        self.answer_headers
            .push((name.to_string(), value.to_string()));
        self
    }
    /// The decoded value must re-encode to `json` rather than to the answer.
    pub fn decodes_to(mut self, json: Value) -> Self {
        self.expect = Expect::Json(json);
        self
    }
    /// The call must fail with this `braze_sdk::Error` variant (by name).
    pub fn fails_with(mut self, kind: &'static str) -> Self {
        self.expect = Expect::Error(kind);
        self
    }
    /// A typed check of the decoded success, for what JSON equality cannot
    /// see (a variant of an untagged enum, a catch-all map, a header).
    pub fn then(mut self, check: impl Fn(&ResponseValue<T>) + Send + Sync + 'static) -> Self {
        self.ok_checks.push(Box::new(check));
        self
    }
    /// A typed check of the error the call returned.
    pub fn then_err(mut self, check: impl Fn(&Error<E>) + Send + Sync + 'static) -> Self {
        self.err_checks.push(Box::new(check));
        self
    }
}

/// Runs every row of a table and fails once, naming each failed row.
pub async fn run(rows: Vec<Box<dyn Case>>) {
    let mut names = std::collections::BTreeSet::new();
    let mut failures = Vec::new();
    let count = rows.len();
    assert!(count > 0, "an empty table checks nothing");
    for row in rows {
        let name = row.name();
        if !names.insert(name) {
            failures.push(format!("row {name}: the name is used twice"));
            continue;
        }
        // Each row in its own task: a panic in a typed check fails this row
        // with its name instead of stopping the table.
        match tokio::spawn(row.run()).await {
            Ok(Ok(())) => {}
            Ok(Err(why)) => failures.push(format!("row {name}: {why}")),
            Err(panic) => failures.push(format!("row {name}: panicked: {}", panic_text(panic))),
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {count} contract rows failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

fn panic_text(error: tokio::task::JoinError) -> String {
    match error.try_into_panic() {
        Ok(payload) => payload
            .downcast_ref::<String>()
            .cloned()
            .or_else(|| payload.downcast_ref::<&str>().map(|s| s.to_string()))
            .unwrap_or_else(|| "(no message)".to_string()),
        Err(other) => other.to_string(),
    }
}

async fn run_row<T: Serialize, E: Serialize>(row: Row<T, E>) -> Result<(), String> {
    let server = MockServer::start().await;
    let mut template = match &row.answer {
        AnswerBody::Json(body) => common::json_response(row.status, body.clone()),
        AnswerBody::Raw { text, content_type } => {
            ResponseTemplate::new(row.status).set_body_raw(text.clone(), content_type)
        }
        AnswerBody::Empty => ResponseTemplate::new(row.status),
    };
    for (name, value) in &row.answer_headers {
        template = template.insert_header(name.as_str(), value.as_str());
    }
    Mock::given(wiremock::matchers::any())
        .respond_with(template)
        .mount(&server)
        .await;
    let client = Client::builder(Instance::custom(server.uri()), row.key)
        .retry_policy(RetryPolicy::none())
        .build()
        .map_err(|e| format!("no client: {e}"))?;

    let result = (row.call)(&client).await;
    let outcome = outcome(&result);
    let requests = server
        .received_requests()
        .await
        .expect("request recording is on");
    match &row.sent {
        Some(sent) => check_request(sent, row.key, &requests)?,
        None if requests.is_empty() => {}
        None => {
            return Err(format!(
                "nothing may be sent, but {} request(s) reached the server",
                requests.len()
            ));
        }
    }
    check_outcome(&row, &outcome)?;
    // A check written for the other outcome would never run: a row that
    // says it checks something must check it.
    match &result {
        Ok(_) if !row.err_checks.is_empty() => {
            return Err("the call succeeded but the row has then_err checks".to_string());
        }
        Err(_) if !row.ok_checks.is_empty() => {
            return Err("the call failed but the row has then checks".to_string());
        }
        Ok(response) => row.ok_checks.iter().for_each(|check| check(response)),
        Err(error) => row.err_checks.iter().for_each(|check| check(error)),
    }
    Ok(())
}

fn check_request(sent: &Sent, key: &str, requests: &[wiremock::Request]) -> Result<(), String> {
    let [request] = requests else {
        return Err(format!(
            "expected exactly one request, the server got {}",
            requests.len()
        ));
    };
    let got = format!("{} {}", request.method, request.url.path());
    let want = format!("{} {}", sent.method, sent.path);
    if got != want {
        return Err(format!("request line: sent {got}, expected {want}"));
    }
    let mut query: Vec<(String, String)> = request
        .url
        .query_pairs()
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    query.sort();
    let mut want_query = sent.query.clone();
    want_query.sort();
    if query != want_query {
        return Err(format!(
            "query of {}: sent {query:?}, expected {want_query:?}",
            request.url
        ));
    }
    if let Some(raw) = &sent.raw_query
        && request.url.query() != Some(raw.as_str())
    {
        return Err(format!(
            "raw query: sent {:?}, expected {raw:?}",
            request.url.query()
        ));
    }
    let header = |name: &str| {
        request
            .headers
            .get(name)
            .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned())
    };
    let bearer = common::bearer(key);
    if header("authorization").as_deref() != Some(bearer.as_str()) {
        return Err("Authorization is not the client's bearer key".to_string());
    }
    if request.headers.contains_key("api-version") {
        return Err("the request carried an api-version header".to_string());
    }
    for (name, value) in &sent.headers {
        let got = header(name);
        if got.as_deref() != Some(value.as_str()) {
            return Err(format!("header {name}: sent {got:?}, expected {value:?}"));
        }
    }
    match &sent.body {
        None if request.body.is_empty() => {}
        None => {
            return Err(format!(
                "no body expected, sent {}",
                String::from_utf8_lossy(&request.body)
            ));
        }
        Some(want) => {
            let content_type = header("content-type").unwrap_or_default();
            if content_type != "application/json" {
                return Err(format!(
                    "body sent as {content_type:?}, not application/json"
                ));
            }
            let got: Value = serde_json::from_slice(&request.body).map_err(|e| {
                format!(
                    "the body is not JSON ({e}): {}",
                    String::from_utf8_lossy(&request.body)
                )
            })?;
            // The body is compared exactly: what the SDK sends is what Braze
            // reads, so an empty list sent or left out is a difference.
            if &got != want {
                return Err(format!(
                    "body: sent {got}\n  expected {want}\n{}",
                    json_diff(&got, want)
                ));
            }
        }
    }
    Ok(())
}

fn check_outcome<T, E>(row: &Row<T, E>, outcome: &Outcome) -> Result<(), String> {
    let answered = match &row.answer {
        AnswerBody::Json(body) => Some(body),
        _ => None,
    };
    let (want_kind, want_json) = match &row.expect {
        Expect::Error(kind) => (*kind, None),
        Expect::Json(json) => (default_kind(row.status), Some(json)),
        Expect::Answer => (default_kind(row.status), answered),
    };
    if outcome.kind != want_kind {
        return Err(format!(
            "the call returned {} ({}), expected {want_kind}",
            outcome.kind, outcome.message
        ));
    }
    if row.sent.is_some() && outcome.status != Some(row.status) {
        return Err(format!(
            "status {:?} kept, the server answered {}",
            outcome.status, row.status
        ));
    }
    if let Some(want) = want_json {
        let got = outcome
            .json
            .as_ref()
            .ok_or_else(|| "no decoded body to compare".to_string())?;
        let diff = json_diff(got, want);
        if !diff.is_empty() {
            return Err(format!("decoded value, encoded again:\n{diff}"));
        }
    }
    Ok(())
}

fn default_kind(status: u16) -> &'static str {
    if (200..300).contains(&status) {
        "ok"
    } else {
        "ErrorResponse"
    }
}

/// The JSON pointers where `got` and `want` differ, one per line, with both
/// values: a failure message a reader can act on without a diff tool.
///
/// Three differences are not differences, because the typed value cannot
/// tell them apart: an empty list or map in `want` that `got` leaves out (the
/// SDK skips empty collections when it encodes), two RFC 3339 date-times
/// naming the same instant (`+00:00` is encoded again as `Z`), and the same
/// number written as an integer or a float (`9870` decoded into an `f64` is
/// encoded again as `9870.0`).
pub fn json_diff(got: &Value, want: &Value) -> String {
    let mut lines = Vec::new();
    diff_at("", got, want, &mut lines);
    lines.join("\n")
}

fn same_instant(got: &Value, want: &Value) -> bool {
    let instant = |v: &Value| {
        v.as_str()
            .and_then(|s| braze_sdk::chrono::DateTime::parse_from_rfc3339(s).ok())
    };
    matches!((instant(got), instant(want)), (Some(a), Some(b)) if a == b)
}

fn same_number(got: &Value, want: &Value) -> bool {
    matches!((got.as_f64(), want.as_f64()), (Some(a), Some(b)) if a == b)
}

fn empty_collection(value: &Value) -> bool {
    matches!(value, Value::Array(a) if a.is_empty())
        || matches!(value, Value::Object(o) if o.is_empty())
}

fn diff_at(at: &str, got: &Value, want: &Value, lines: &mut Vec<String>) {
    match (got, want) {
        (Value::Object(g), Value::Object(w)) => {
            let keys: std::collections::BTreeSet<&String> = g.keys().chain(w.keys()).collect();
            for key in keys {
                let here = format!("{at}/{key}");
                match (g.get(key), w.get(key)) {
                    (Some(a), Some(b)) => diff_at(&here, a, b, lines),
                    (Some(a), None) => lines.push(format!("  {here}: got {a}, expected nothing")),
                    (None, Some(b)) if empty_collection(b) => {}
                    (None, Some(b)) => lines.push(format!("  {here}: missing, expected {b}")),
                    (None, None) => {}
                }
            }
        }
        (Value::Array(g), Value::Array(w)) if g.len() == w.len() => {
            for (i, (a, b)) in g.iter().zip(w).enumerate() {
                diff_at(&format!("{at}/{i}"), a, b, lines);
            }
        }
        _ if got == want || same_instant(got, want) || same_number(got, want) => {}
        _ => lines.push(format!(
            "  {}: got {got}, expected {want}",
            if at.is_empty() { "/" } else { at }
        )),
    }
}
