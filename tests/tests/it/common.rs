//! Shared helpers of the integration tests: a local mock server and a client
//! pointed at it, and values from literals (dates, typed JSON). The contract
//! tests' table and runner are in `contract_table.rs`.

use braze_sdk::{Client, Instance, RetryPolicy};
use wiremock::MockServer;

/// The REST API key every contract test's client sends.
pub const API_KEY: &str = "test-rest-api-key";

/// A mock server and a `braze_sdk::Client` for it, authenticated with
/// [`API_KEY`] and with retries off (a test sees exactly one request).
pub async fn setup() -> (MockServer, Client) {
    setup_with_key(API_KEY).await
}

/// Like [`setup`], with another bearer key (e.g. a SCIM token).
pub async fn setup_with_key(key: &str) -> (MockServer, Client) {
    let server = MockServer::start().await;
    let client = Client::builder(Instance::custom(server.uri()), key)
        .retry_policy(RetryPolicy::none())
        .build()
        .expect("a client for the mock server");
    (server, client)
}

/// The `Authorization` header value the client of [`setup`] sends.
pub fn auth() -> String {
    bearer(API_KEY)
}

/// A mock matching `method` on `route` with the test API key: the start of
/// every contract-test expectation; tests add query, body and response.
pub fn authorized(method: &str, route: impl Into<String>) -> wiremock::MockBuilder {
    wiremock::Mock::given(wiremock::matchers::method(method))
        .and(wiremock::matchers::path(route))
        .and(wiremock::matchers::header("authorization", auth()))
}

/// The map inside a JSON object value (custom fields, extra attributes).
pub fn json_object(value: serde_json::Value) -> serde_json::Map<String, serde_json::Value> {
    match value {
        serde_json::Value::Object(map) => map,
        other => panic!("not a JSON object: {other}"),
    }
}

/// The `Authorization` header value the client must send for `key`.
pub fn bearer(key: &str) -> String {
    format!("Bearer {key}")
}

/// A JSON response with the rate-limit headers Braze sends.
pub fn json_response(status: u16, body: serde_json::Value) -> wiremock::ResponseTemplate {
    wiremock::ResponseTemplate::new(status)
        .insert_header("x-ratelimit-limit", "250000")
        .insert_header("x-ratelimit-remaining", "249999")
        .insert_header("x-ratelimit-reset", "1767225600")
        .set_body_json(body)
}

/// Fails the test if any request the server received carried progenitor's
/// `api-version` header, which Braze does not define.
pub async fn assert_no_api_version_header(server: &MockServer) {
    for request in server.received_requests().await.unwrap_or_default() {
        assert!(
            !request.headers.contains_key("api-version"),
            "request to {} carried an api-version header",
            request.url
        );
    }
}

/// The one request `server` received (fails if it saw none or several): for
/// the checks that matchers cannot express, such as "no other query
/// parameter" or "no body".
pub async fn only_request(server: &MockServer) -> wiremock::Request {
    let mut requests = server
        .received_requests()
        .await
        .expect("request recording is on");
    assert_eq!(requests.len(), 1, "exactly one request");
    requests.remove(0)
}

/// A generated type from a JSON literal (user-defined maps such as trigger
/// properties, or a shape easier to read as JSON); panics naming the type
/// when the literal does not fit it.
pub fn typed<T: serde::de::DeserializeOwned>(value: serde_json::Value) -> T {
    serde_json::from_value(value).unwrap_or_else(|e| {
        panic!(
            "the literal does not fit {}: {e}",
            std::any::type_name::<T>()
        )
    })
}

/// An SDK date-time (chrono, as braze-sdk re-exports it) from RFC 3339 text.
pub fn utc(text: &str) -> braze_sdk::chrono::DateTime<braze_sdk::chrono::Utc> {
    text.parse().expect("an RFC 3339 date-time")
}

/// An SDK date from `YYYY-MM-DD` text.
pub fn date(text: &str) -> braze_sdk::chrono::NaiveDate {
    text.parse().expect("a YYYY-MM-DD date")
}
