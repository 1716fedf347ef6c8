//! The contract run through braze-sdk against a Prism mock of the exported
//! spec (`cargo xtask publish-check --only contract`, which starts Prism and
//! runs the `prism-contract` binary).
//!
//! For every operation of `spec/dist/braze.json`:
//!
//! 1. **SDK call**: the request is built from the spec's own examples (path,
//!    query and header parameters from their examples or schemas, the body
//!    from the request example) and sent through the generated dispatcher
//!    ([`crate::generated::dispatch`]), i.e. through the SDK's typed builders.
//!    Prism must answer 2xx without an `sl-violations` header, and the SDK
//!    must decode the mocked response.
//! 2. **Wrong request**: the same endpoint gets a deliberately wrong request
//!    (a body of the wrong JSON type, a parameter of the wrong type, or a
//!    required parameter left out), sent raw; Prism must report a violation.
//!    This proves Prism validates that operation at all.
//! 3. **Body check without Prism**: Prism skips body validation on schemas
//!    with `nullable` enums (stoplightio/prism#1931), so step 2 cannot prove
//!    anything there. For every operation with a body, the JSON the SDK sends
//!    (the example deserialised into the typed body and serialised again,
//!    exactly what `send()` puts on the wire) is validated against the
//!    request schema with the `jsonschema` crate.
//!
//! An operation the dispatcher cannot call, or without an example for a
//! required body, is a failure, reported by name.

use std::collections::BTreeMap;
use std::time::Duration;

use braze_sdk::serde_json::{self, Value, json};
use braze_sdk::{Client, Instance, ResponseValue};
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::doc_examples::{converted_components, json_schema_with};
use crate::generated::dispatch;
use braze_openapi_generator::walk;
/// Where a `$ref` leads (`null` when nowhere): the generator's walker.
pub use braze_openapi_generator::walk::resolved as resolve;

/// The inputs of one call: parameters by their spec name, and the body.
#[derive(Clone, Debug, Default)]
pub struct Call {
    pub params: BTreeMap<String, Value>,
    pub body: Option<Value>,
}

impl Call {
    pub fn param(&self, name: &str) -> Option<&Value> {
        self.params.get(name)
    }
}

/// A successful call: the status, headers and the decoded body re-encoded.
#[derive(Debug)]
pub struct Reply {
    pub status: u16,
    pub headers: reqwest::header::HeaderMap,
    pub body: Value,
}

/// Why a call could not be made or did not succeed.
#[derive(Debug)]
pub enum CallError {
    UnknownOperation(String),
    /// An input does not convert into the SDK's type.
    Input(String),
    /// The SDK returned an error (including a response it could not decode).
    Sdk {
        status: Option<u16>,
        violations: Option<String>,
        message: String,
    },
}

impl std::fmt::Display for CallError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            CallError::UnknownOperation(o) => write!(f, "the dispatcher has no operation {o}"),
            CallError::Input(m) => write!(f, "input rejected: {m}"),
            CallError::Sdk {
                status,
                violations,
                message,
            } => {
                write!(f, "SDK error (status {status:?}): {message}")?;
                if let Some(v) = violations {
                    write!(f, "; sl-violations: {v}")?;
                }
                Ok(())
            }
        }
    }
}

/// A parameter value as the SDK's type (a JSON string is also tried as the
/// JSON it spells, for numbers and booleans written as text).
pub fn arg<T: DeserializeOwned>(name: &str, v: &Value) -> Result<T, CallError> {
    serde_json::from_value::<T>(v.clone())
        .or_else(|first| match v {
            Value::String(s) => serde_json::from_str::<T>(s).map_err(|_| first),
            _ => Err(first),
        })
        .map_err(|e| CallError::Input(format!("parameter {name} = {v}: {e}")))
}

/// A required parameter (an argument of the operation's `Client` method)
/// as its SDK type; missing is an input error.
pub fn required_arg<T: DeserializeOwned>(
    operation: &str,
    name: &str,
    call: &Call,
) -> Result<T, CallError> {
    let v = call
        .param(name)
        .ok_or_else(|| CallError::Input(format!("{operation}: parameter {name} is required")))?;
    arg(name, v)
}

/// The required body as the SDK's typed body; missing is an input error.
pub fn required_body<T: DeserializeOwned>(operation: &str, call: &Call) -> Result<T, CallError> {
    let v = call
        .body
        .as_ref()
        .ok_or_else(|| CallError::Input(format!("{operation}: the body is required")))?;
    typed_body(operation, v)
}

/// The example body as the SDK's typed body.
pub fn typed_body<T: DeserializeOwned>(operation: &str, v: &Value) -> Result<T, CallError> {
    serde_json::from_value::<T>(v.clone()).map_err(|e| {
        CallError::Input(format!(
            "{operation}: the body does not fit the SDK type: {e}"
        ))
    })
}

/// `v` through the SDK's typed body and back to JSON.
pub fn reencode<T: DeserializeOwned + Serialize>(
    operation: &str,
    v: &Value,
) -> Result<Value, CallError> {
    let typed: T = typed_body(operation, v)?;
    serde_json::to_value(&typed).map_err(|e| CallError::Input(format!("{operation}: {e}")))
}

fn sdk_error<E: std::fmt::Debug>(e: braze_sdk::Error<E>) -> CallError {
    CallError::Sdk {
        status: e.status().map(|s| s.as_u16()),
        violations: e
            .headers()
            .and_then(|h| h.get("sl-violations"))
            .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned()),
        message: e.to_string(),
    }
}

pub fn reply_json<T: Serialize, E: std::fmt::Debug>(
    r: Result<ResponseValue<T>, braze_sdk::Error<E>>,
) -> Result<Reply, CallError> {
    let r = r.map_err(sdk_error)?;
    let status = r.status().as_u16();
    let headers = r.headers().clone();
    let body = serde_json::to_value(r.into_inner())
        .map_err(|e| CallError::Input(format!("the decoded response does not encode: {e}")))?;
    Ok(Reply {
        status,
        headers,
        body,
    })
}

pub fn reply_unit<E: std::fmt::Debug>(
    r: Result<ResponseValue<()>, braze_sdk::Error<E>>,
) -> Result<Reply, CallError> {
    let r = r.map_err(sdk_error)?;
    Ok(Reply {
        status: r.status().as_u16(),
        headers: r.headers().clone(),
        body: Value::Null,
    })
}

/// One operation of the spec, with what the run needs of it.
#[derive(Clone, Debug)]
pub struct Operation {
    pub id: String,
    pub method: String,
    pub path: String,
    /// Parameters, resolved: (name, in, required, schema, example).
    pub params: Vec<Param>,
    /// The JSON request body schema and example, if the operation has a body.
    pub body: Option<(Value, Option<Value>)>,
    pub body_required: bool,
}

#[derive(Clone, Debug)]
pub struct Param {
    pub name: String,
    pub location: String,
    pub required: bool,
    pub schema: Value,
    pub example: Option<Value>,
}

/// The operations of an exported spec, in document order.
pub fn operations(doc: &Value) -> Vec<Operation> {
    // The export keeps some examples in files of their own
    // (spec/dist/examples/); braze-mock embeds them, and they are read inline.
    let mut inlined = doc.clone();
    if let Err(e) = braze_mock::spec::inline_external_examples(&mut inlined) {
        panic!("the exported spec references an example file braze-mock did not embed: {e}");
    }
    let doc = &inlined;
    let mut out = Vec::new();
    for op in walk::operations(doc) {
        if op.id().is_empty() {
            continue;
        }
        let params = op
            .parameters(doc)
            .into_iter()
            .map(|p| {
                let schema = resolve(doc, &p["schema"]).clone();
                let example = p
                    .get("example")
                    .cloned()
                    .or_else(|| first_example(doc, p))
                    .or_else(|| schema.get("example").cloned());
                Param {
                    name: p["name"].as_str().unwrap_or("").to_string(),
                    location: p["in"].as_str().unwrap_or("").to_string(),
                    required: p["required"].as_bool() == Some(true),
                    schema,
                    example,
                }
            })
            .collect();
        let rb = op.request_body(doc).unwrap_or(&Value::Null);
        let body = op.json_body(doc).map(|m| {
            let schema = m["schema"].clone();
            let example = m
                .get("example")
                .cloned()
                .or_else(|| first_example(doc, m))
                .or_else(|| resolve(doc, &schema).get("example").cloned());
            (schema, example)
        });
        out.push(Operation {
            id: op.id().to_string(),
            method: op.method.to_string(),
            path: op.path.to_string(),
            params,
            body,
            body_required: rb["required"].as_bool() == Some(true),
        });
    }
    out
}

/// The value of the first of `examples` of a parameter or media type.
fn first_example(doc: &Value, holder: &Value) -> Option<Value> {
    holder["examples"]
        .as_object()
        .and_then(|m| m.values().next())
        .map(|e| resolve(doc, e)["value"].clone())
}

/// A value for a parameter without an example: its default, first enum
/// value, or a plain value of its type and format.
fn synthetic(schema: &Value) -> Value {
    if let Some(d) = schema.get("default") {
        return d.clone();
    }
    if let Some(e) = schema["enum"].as_array().and_then(|e| e.first()) {
        return e.clone();
    }
    match schema["type"].as_str() {
        Some("integer") | Some("number") => json!(schema["minimum"].as_i64().unwrap_or(1).max(1)),
        Some("boolean") => json!(false),
        Some("array") => json!([synthetic(&schema["items"])]),
        _ => match schema["format"].as_str() {
            Some("date-time") => json!("2026-01-01T00:00:00Z"),
            Some("date") => json!("2026-01-01"),
            Some("email") => json!("user@example.com"),
            Some("uuid") => json!("00000000-0000-4000-8000-000000000000"),
            _ => json!("example"),
        },
    }
}

/// The inputs of the SDK call for `op`: required parameters always (from
/// their example or a synthetic value), optional ones where the spec gives
/// an example; the request example as body.
pub fn inputs(op: &Operation) -> Result<Call, String> {
    let mut call = Call::default();
    for p in &op.params {
        let value = match (&p.example, p.required) {
            (Some(e), _) => e.clone(),
            (None, true) => synthetic(&p.schema),
            (None, false) => continue,
        };
        call.params.insert(p.name.clone(), value);
    }
    if let Some((_, example)) = &op.body {
        match example {
            Some(e) => call.body = Some(e.clone()),
            None if op.body_required => {
                return Err("no request example for its required body".into());
            }
            None => {}
        }
    }
    Ok(call)
}

/// The outcome of one operation.
#[derive(Debug, Default)]
pub struct Outcome {
    pub id: String,
    pub failures: Vec<String>,
    /// For an operation with a body: did Prism reject a body of the wrong
    /// JSON type (`Some(false)`: it skipped body validation).
    pub prism_body: Option<bool>,
    /// The other wrong request Prism rejected: "query", "header",
    /// "missing <param>", "no credentials"; `None` if it accepted all.
    pub prism_rejects: Option<String>,
    /// The SDK's request body passed the schema check (step 3), and the
    /// same check rejected the wrong body (so it can fail).
    pub body_checked: bool,
}

/// Everything the run found.
#[derive(Debug, Default)]
pub struct Report {
    pub outcomes: Vec<Outcome>,
}

impl Report {
    pub fn failures(&self) -> usize {
        self.outcomes
            .iter()
            .filter(|o| !o.failures.is_empty())
            .count()
    }
}

fn url_for(
    base: &str,
    op: &Operation,
    call: &Call,
    skip: Option<&str>,
    wrong: Option<(&str, &str)>,
) -> String {
    let mut path = op.path.clone();
    let mut query = Vec::new();
    for p in &op.params {
        if Some(p.name.as_str()) == skip {
            continue;
        }
        let value = match wrong {
            Some((n, v)) if n == p.name => Value::String(v.to_string()),
            _ => match call.param(&p.name) {
                Some(v) => v.clone(),
                None => continue,
            },
        };
        let text = match &value {
            Value::String(s) => s.clone(),
            other => other.to_string(),
        };
        match p.location.as_str() {
            "path" => path = path.replace(&format!("{{{}}}", p.name), &encode(&text)),
            "query" => query.push(format!("{}={}", encode(&p.name), encode(&text))),
            _ => {}
        }
    }
    let mut url = format!("{base}{path}");
    if !query.is_empty() {
        url.push('?');
        url.push_str(&query.join("&"));
    }
    url
}

fn encode(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// A JSON value of another type than `schema` allows.
pub fn wrong_value(doc: &Value, schema: &Value) -> Value {
    match resolve(doc, schema)["type"].as_str() {
        Some("array") => json!({"not": "an array"}),
        Some("string") => json!(12345),
        Some("integer") | Some("number") | Some("boolean") => json!("not a number"),
        _ => json!(["not", "an", "object"]),
    }
}

/// What a deliberately wrong request gets wrong.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Mistake {
    /// The body is of the wrong JSON type.
    Body,
    /// A typed parameter (`location`, `name`) is given text.
    Param { location: String, name: String },
    /// A required parameter is left out.
    Missing { location: String, name: String },
    /// No `Authorization` header.
    NoCredentials,
}

/// One deliberately wrong request, ready to send.
pub struct WrongRequest {
    pub mistake: Mistake,
    pub request: reqwest::RequestBuilder,
}

/// The deliberately wrong requests for `op`, strongest first: a body of the
/// wrong JSON type (if it has a body), each typed parameter given text, each
/// required parameter left out, no credentials.
pub fn wrong_requests(
    http: &reqwest::Client,
    doc: &Value,
    base: &str,
    op: &Operation,
    call: &Call,
) -> Result<Vec<WrongRequest>, String> {
    let method = reqwest::Method::from_bytes(op.method.to_uppercase().as_bytes())
        .map_err(|e| e.to_string())?;
    let headers =
        |mut rb: reqwest::RequestBuilder, skip: Option<&str>, wrong: Option<(&str, &str)>| {
            rb = rb.header("Authorization", "Bearer contract-run-key");
            for p in op.params.iter().filter(|p| p.location == "header") {
                if Some(p.name.as_str()) == skip {
                    continue;
                }
                let v = match wrong {
                    Some((n, v)) if n == p.name => v.to_string(),
                    _ => match call.param(&p.name) {
                        Some(Value::String(s)) => s.clone(),
                        Some(other) => other.to_string(),
                        None => continue,
                    },
                };
                rb = rb.header(p.name.as_str(), v);
            }
            rb
        };
    let mut out = Vec::new();
    if let Some((schema, _)) = &op.body {
        let url = url_for(base, op, call, None, None);
        let rb =
            headers(http.request(method.clone(), &url), None, None).json(&wrong_value(doc, schema));
        out.push(WrongRequest {
            mistake: Mistake::Body,
            request: rb,
        });
    }
    for p in &op.params {
        let typed = matches!(
            p.schema["type"].as_str(),
            Some("integer" | "number" | "boolean")
        ) || p.schema["enum"].is_array()
            || p.schema["format"].as_str() == Some("date-time");
        if typed && p.location != "path" {
            let wrong = Some((p.name.as_str(), "not-a-valid-value!"));
            let url = url_for(base, op, call, None, wrong);
            let rb = headers(http.request(method.clone(), &url), None, wrong);
            out.push(WrongRequest {
                mistake: Mistake::Param {
                    location: p.location.clone(),
                    name: p.name.clone(),
                },
                request: with_body(rb, call),
            });
        }
    }
    for p in op
        .params
        .iter()
        .filter(|p| p.required && p.location != "path")
    {
        let url = url_for(base, op, call, Some(&p.name), None);
        let rb = headers(http.request(method.clone(), &url), Some(&p.name), None);
        out.push(WrongRequest {
            mistake: Mistake::Missing {
                location: p.location.clone(),
                name: p.name.clone(),
            },
            request: with_body(rb, call),
        });
    }
    // Last: no credentials (every operation has a security requirement).
    let url = url_for(base, op, call, None, None);
    let mut rb = http.request(method.clone(), &url);
    for p in op.params.iter().filter(|p| p.location == "header") {
        if let Some(Value::String(s)) = call.param(&p.name) {
            rb = rb.header(p.name.as_str(), s.as_str());
        }
    }
    out.push(WrongRequest {
        mistake: Mistake::NoCredentials,
        request: with_body(rb, call),
    });
    Ok(out)
}

fn mistake_name(m: &Mistake) -> String {
    match m {
        Mistake::Body => "body".into(),
        Mistake::Param { location, .. } => location.clone(),
        Mistake::Missing { name, .. } => format!("missing {name}"),
        Mistake::NoCredentials => "no credentials".into(),
    }
}

/// Sends deliberately wrong requests for `op`: a body of the wrong JSON type
/// (if it has a body: did Prism flag it?), then wrong parameters, missing
/// ones, no credentials, until Prism flags one (which one, if any).
async fn wrong_request(
    http: &reqwest::Client,
    doc: &Value,
    base: &str,
    op: &Operation,
    call: &Call,
) -> Result<(Option<bool>, Option<String>), String> {
    let mut body_rejected = None;
    for wrong in wrong_requests(http, doc, base, op, call)? {
        let what = mistake_name(&wrong.mistake);
        let resp = wrong
            .request
            .send()
            .await
            .map_err(|e| format!("wrong request ({what}) not sent: {e}"))?;
        let flagged = resp.headers().contains_key("sl-violations");
        if wrong.mistake == Mistake::Body {
            body_rejected = Some(flagged);
        } else if flagged {
            return Ok((body_rejected, Some(what)));
        }
    }
    Ok((body_rejected, None))
}

fn with_body(rb: reqwest::RequestBuilder, call: &Call) -> reqwest::RequestBuilder {
    match &call.body {
        Some(b) => rb.json(b),
        None => rb,
    }
}

/// Runs the contract against the Prism mock at `base_url` for the exported
/// spec `doc`.
pub async fn run(doc: &Value, base_url: &str) -> Report {
    let components = converted_components(doc);
    // The workspace's reqwest has no process-wide TLS provider (the SDK
    // configures each client's own): the raw client for the wrong requests
    // takes the SDK's TLS configuration.
    let tls = braze_sdk::tls_client_config().expect("the SDK's TLS configuration");
    let http = reqwest::Client::builder()
        .use_preconfigured_tls(tls)
        .timeout(Duration::from_secs(30))
        .build()
        .expect("a plain reqwest client builds");
    let mut report = Report::default();
    for op in operations(doc) {
        let mut outcome = Outcome {
            id: op.id.clone(),
            ..Outcome::default()
        };
        if let Some((_, why)) = dispatch::UNCALLABLE.iter().find(|(id, _)| *id == op.id) {
            outcome
                .failures
                .push(format!("the dispatcher cannot call it: {why}"));
            report.outcomes.push(outcome);
            continue;
        }
        let call = match inputs(&op) {
            Ok(c) => c,
            Err(e) => {
                outcome.failures.push(e);
                report.outcomes.push(outcome);
                continue;
            }
        };
        // A client per operation: each starts with fresh rate-limit state
        // (Prism answers X-RateLimit-Remaining: 0 on every response).
        let client = match Client::builder(Instance::custom(base_url), "contract-run-key")
            .timeout(Duration::from_secs(30))
            .build()
        {
            Ok(c) => c,
            Err(e) => {
                outcome.failures.push(format!("client does not build: {e}"));
                report.outcomes.push(outcome);
                continue;
            }
        };
        // 1. Through the SDK.
        match dispatch::call(&client, &op.id, &call).await {
            Ok(reply) => {
                if let Some(v) = reply.headers.get("sl-violations") {
                    outcome.failures.push(format!(
                        "Prism reported violations for the SDK's request: {}",
                        String::from_utf8_lossy(v.as_bytes())
                    ));
                }
                if !(200..300).contains(&reply.status) {
                    outcome.failures.push(format!("status {}", reply.status));
                }
            }
            Err(e) => outcome.failures.push(e.to_string()),
        }
        // 3. The body the SDK sends, against the request schema.
        if let (Some((schema, _)), Some(body)) = (&op.body, &call.body) {
            match dispatch::encode_body(&op.id, body) {
                Ok(Some(sent)) => {
                    let js = json_schema_with(&components, schema);
                    match jsonschema::validator_for(&js) {
                        Ok(v) => {
                            let errors: Vec<String> = v
                                .iter_errors(&sent)
                                .take(5)
                                .map(|e| format!("{} at {}", e, e.instance_path()))
                                .collect();
                            let wrong = wrong_value(doc, schema);
                            if errors.is_empty() && !v.is_valid(&wrong) {
                                outcome.body_checked = true;
                            } else if errors.is_empty() {
                                outcome.failures.push(format!("the schema check accepts a wrong body ({wrong}): it proves nothing"));
                            } else {
                                outcome.failures.push(format!(
                                    "the body the SDK sends breaks the schema: {}",
                                    errors.join("; ")
                                ));
                            }
                        }
                        Err(e) => outcome
                            .failures
                            .push(format!("request schema does not compile: {e}")),
                    }
                }
                Ok(None) => outcome
                    .failures
                    .push("the dispatcher has no body encoder for it".into()),
                Err(e) => outcome.failures.push(e.to_string()),
            }
        }
        // 2. A wrong request must be caught by Prism.
        match wrong_request(&http, doc, base_url, &op, &call).await {
            Ok((body, other)) => {
                outcome.prism_body = body;
                outcome.prism_rejects = other;
            }
            Err(e) => outcome.failures.push(e),
        }
        if outcome.prism_rejects.is_none() && outcome.prism_body != Some(true) {
            outcome
                .failures
                .push("no proof of validation: Prism accepted every wrong request".into());
        }
        if op.body.is_some()
            && call.body.is_some()
            && !outcome.body_checked
            && outcome.failures.is_empty()
        {
            outcome
                .failures
                .push("its body was not checked against the schema".into());
        }
        report.outcomes.push(outcome);
    }
    report
}
