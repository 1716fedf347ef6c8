//! The extension point: hooks the client runs around every request
//! (`braze_sdk::hook`), against a local mock server.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use braze_sdk::hook::{AttemptEnd, Hook};
use braze_sdk::reqwest::header::HeaderValue;
use braze_sdk::{CallReport, Client, Instance, RetryPolicy, StatusCode};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const CATALOGS_OK: &str = r#"{"catalogs": [], "message": "success"}"#;

fn client(server: &MockServer, hook: impl Hook) -> Client {
    Client::builder(Instance::custom(server.uri()), "hook-test-key")
        .retry_policy(RetryPolicy {
            initial_backoff: Duration::from_millis(10),
            ..RetryPolicy::default()
        })
        .hook(hook)
        .build()
        .unwrap()
}

/// A 503, then a 200.
async fn flaky_catalogs(server: &MockServer) {
    Mock::given(method("GET"))
        .and(path("/catalogs"))
        .respond_with(ResponseTemplate::new(503))
        .up_to_n_times(1)
        .mount(server)
        .await;
    Mock::given(method("GET"))
        .and(path("/catalogs"))
        .respond_with(ResponseTemplate::new(200).set_body_raw(CATALOGS_OK, "application/json"))
        .mount(server)
        .await;
}

struct Tag;

impl Hook for Tag {
    fn on_request(&self, request: &mut braze_sdk::reqwest::Request, call: &CallReport) {
        let value = format!("{}#{}", call.operation_id, call.attempts);
        request
            .headers_mut()
            .append("x-tag", HeaderValue::from_str(&value).unwrap());
    }
}

#[tokio::test]
async fn a_hook_adds_a_header_to_every_attempt_once() {
    let server = MockServer::start().await;
    flaky_catalogs(&server).await;
    let client = client(&server, Tag);
    client.catalogs_list().send().await.unwrap();
    // A clone (per-call settings) runs the hook too.
    let fast = client.with_deadline(Duration::from_secs(5));
    fast.catalogs_list().send().await.unwrap();
    let requests = server.received_requests().await.unwrap();
    let tags: Vec<Vec<String>> = requests
        .iter()
        .map(|r| {
            r.headers
                .get_all("x-tag")
                .iter()
                .map(|v| v.to_str().unwrap().to_string())
                .collect()
        })
        .collect();
    // The retry is a fresh copy of the request: one tag each, not two.
    assert_eq!(
        tags,
        [
            vec!["catalogs_list#1".to_string()],
            vec!["catalogs_list#2".to_string()],
            vec!["catalogs_list#1".to_string()],
        ]
    );
}

/// One call as a metrics exporter records it: operation, attempts, last
/// status, gave up.
type CallRecord = (&'static str, u32, Option<u16>, bool);

/// Records what a metrics exporter would.
#[derive(Default)]
struct Metrics {
    attempts: Mutex<Vec<(Option<u16>, bool)>>,
    calls: Mutex<Vec<CallRecord>>,
}

impl Hook for Metrics {
    fn on_attempt_end(&self, attempt: &AttemptEnd<'_>, _call: &CallReport) {
        self.attempts.lock().unwrap().push((
            attempt.status.map(|s| s.as_u16()),
            attempt.elapsed < Duration::from_secs(5),
        ));
    }
    fn on_call_end(&self, call: &CallReport, status: Option<StatusCode>) {
        self.calls.lock().unwrap().push((
            call.operation_id,
            call.attempts,
            status.map(|s| s.as_u16()),
            call.gave_up.is_some(),
        ));
    }
}

#[tokio::test]
async fn a_hook_records_metrics_per_attempt_and_per_call() {
    let server = MockServer::start().await;
    flaky_catalogs(&server).await;
    let metrics = Arc::new(Metrics::default());
    let client = client(&server, metrics.clone());
    client.catalogs_list().send().await.unwrap();
    server.reset().await;
    Mock::given(method("GET"))
        .and(path("/catalogs"))
        .respond_with(ResponseTemplate::new(404).set_body_raw("{}", "application/json"))
        .mount(&server)
        .await;
    let err = client.catalogs_list().send().await.unwrap_err();
    assert_eq!(err.status(), Some(StatusCode::NOT_FOUND));
    assert_eq!(
        *metrics.attempts.lock().unwrap(),
        [(Some(503), true), (Some(200), true), (Some(404), true)]
    );
    assert_eq!(
        *metrics.calls.lock().unwrap(),
        [
            ("catalogs_list", 2, Some(200), false),
            ("catalogs_list", 1, Some(404), false),
        ]
    );
}

#[tokio::test]
async fn a_hook_sees_a_call_that_got_no_response() {
    // Nothing listens on this port (bound, then dropped).
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let metrics = Arc::new(Metrics::default());
    let client = Client::builder(Instance::custom(format!("http://127.0.0.1:{port}")), "k")
        .retry_policy(RetryPolicy::none())
        .hook(metrics.clone())
        .build()
        .unwrap();
    client.catalogs_list().send().await.unwrap_err();
    assert_eq!(*metrics.attempts.lock().unwrap(), [(None, true)]);
    assert_eq!(
        *metrics.calls.lock().unwrap(),
        [("catalogs_list", 1, None, true)]
    );
}
