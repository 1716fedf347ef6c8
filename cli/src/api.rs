//! `braze api METHOD PATH [--body FILE]`: any path of the REST API, sent
//! through the SDK's client (key, throttle, retries, deadline) for what has
//! no command yet. A path that matches an operation of the spec counts in
//! that operation's rate-limit bucket and follows its retry rules.

use braze_sdk::Client;
use braze_sdk::runtime::ClientInfo;
use braze_sdk::serde_json::{self, Value};
use reqwest::header::{ACCEPT, CONTENT_TYPE, HeaderValue};

use crate::call::sdk_failure;
use crate::exit::{Class, Failure};

/// The operation of the spec whose method and path template match.
pub fn operation_of(method: &str, path: &str) -> Option<&'static braze_sdk::operation::Operation> {
    let path = path.split('?').next().unwrap_or(path);
    let given: Vec<&str> = path.trim_end_matches('/').split('/').collect();
    braze_sdk::operation::OPERATIONS.iter().find(|op| {
        let template: Vec<&str> = op.path.split('/').collect();
        op.method.eq_ignore_ascii_case(method)
            && template.len() == given.len()
            && template
                .iter()
                .zip(&given)
                .all(|(t, g)| (t.starts_with('{') && t.ends_with('}') && !g.is_empty()) || t == g)
    })
}

pub async fn run(
    client: &Client,
    method: &str,
    path: &str,
    body: Option<Value>,
) -> Result<Value, Failure> {
    let method_upper = method.to_ascii_uppercase();
    let m = reqwest::Method::from_bytes(method_upper.as_bytes())
        .map_err(|_| Failure::usage(format!("`{method}` is not an HTTP method")))?;
    if !path.starts_with('/') {
        return Err(Failure::usage(format!(
            "the path `{path}` must start with /"
        )));
    }
    let operation_id = operation_of(&method_upper, path).map_or("api", |o| o.id);
    let url = format!("{}{}", client.baseurl(), path);
    let json = HeaderValue::from_static("application/json");
    let mut request = client.client().request(m, url).header(ACCEPT, json.clone());
    if let Some(body) = body {
        let bytes = serde_json::to_vec(&body).map_err(|e| Failure::internal(e.to_string()))?;
        request = request.header(CONTENT_TYPE, json).body(bytes);
    }
    let request = request
        .build()
        .map_err(|e| Failure::usage(format!("cannot build the request: {e}")))?;
    let exchange = client
        .send_request(request, operation_id)
        .await
        .map_err(sdk_failure)?;
    let status = exchange.status();
    let text: &[u8] = &exchange;
    let value = if text.is_empty() {
        Value::Null
    } else {
        serde_json::from_slice(text)
            .unwrap_or_else(|_| Value::String(String::from_utf8_lossy(text).into_owned()))
    };
    if status.is_success() {
        return Ok(value);
    }
    let said = value
        .get("message")
        .and_then(Value::as_str)
        .map(|m| format!("; Braze said: {m:?}"))
        .unwrap_or_default();
    Err(Failure {
        class: Class::of_status(status.as_u16()),
        message: format!("{method_upper} {path}: {status}{said}"),
        status: Some(status.as_u16()),
        body: Some(value),
    })
}
