//! Retries, deadlines and errors under faults, against braze-mock (scripted
//! faults) and wiremock (hand-written 429 and malformed answers):
//! attempts and elapsed-time bounds are asserted; no test waits for more
//! than a few seconds (windows and deadlines are scaled down).

use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use braze_sdk::error::GaveUp;
use braze_sdk::{Client, Error, Instance, RetryPolicy, types};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

use braze_mock::{Fault, MockBraze};

const KEY: &str = "fault-test-key-7f3a";
const CATALOGS_OK: &str = r#"{"catalogs": [], "message": "success"}"#;

fn quick_retries() -> RetryPolicy {
    RetryPolicy {
        max_retries: 3,
        initial_backoff: Duration::from_millis(20),
        max_backoff: Duration::from_secs(2),
        ..RetryPolicy::default()
    }
}

fn client(url: &str) -> Client {
    Client::builder(Instance::custom(url), KEY)
        .retry_policy(quick_retries())
        .timeout(Duration::from_secs(2))
        .deadline(Duration::from_secs(8))
        .build()
        .unwrap()
}

fn delete_body() -> types::UsersDeleteRequest {
    types::UsersDeleteRequest::default().external_ids(vec![types::ExternalId("user-1".to_string())])
}

async fn delete(
    client: &Client,
) -> Result<braze_sdk::ResponseValue<types::UsersDeleteResponse>, braze_sdk::ApiError> {
    client.users_delete(delete_body()).send().await
}

fn epoch_now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs()
}

#[tokio::test]
async fn a_get_is_retried_after_a_connection_closed_before_the_response() {
    let server = MockBraze::start().await;
    server.fault_calls("catalogs_list", 1..=2, Fault::Drop);
    let response = client(server.url()).catalogs_list().send().await.unwrap();
    assert_eq!(server.calls("catalogs_list"), 3);
    assert_eq!(response.report().unwrap().attempts, 3);
}

#[tokio::test]
async fn a_post_is_not_retried_after_a_connection_closed_unless_opted_in() {
    let server = MockBraze::start().await;
    server.fault_calls("*", 1.., Fault::Drop);
    let c = client(server.url());
    let err = delete(&c).await.unwrap_err();
    assert_eq!(
        server.total_calls(),
        1,
        "a POST that may have arrived is sent once"
    );
    assert!(matches!(err, Error::CommunicationError(_)), "{err}");
    assert_eq!(err.attempts(), Some(1));
    assert_eq!(err.report().unwrap().gave_up, Some(GaveUp::NotReplaySafe));
    let text = err.to_string();
    assert!(
        text.starts_with("POST /users/delete: no response"),
        "{text}"
    );
    // The cause chain is shown, not only "error sending request".
    assert!(
        text.contains("connection closed") || text.contains("message"),
        "{text}"
    );

    let err = delete(&c.retrying_non_idempotent()).await.unwrap_err();
    assert_eq!(server.total_calls(), 1 + 4, "opted in: 4 attempts");
    assert_eq!(err.attempts(), Some(4));
    assert_eq!(
        err.report().unwrap().gave_up,
        Some(GaveUp::RetriesExhausted { max_retries: 3 })
    );
}

#[tokio::test]
async fn a_refused_connection_is_retried_for_every_method_and_shows_its_cause() {
    let url = braze_mock::refused_url().await;
    let c = client(&url);
    let started = Instant::now();
    let err = c.catalogs_list().send().await.unwrap_err();
    assert_eq!(err.attempts(), Some(4));
    let err_post = delete(&c).await.unwrap_err();
    assert_eq!(
        err_post.attempts(),
        Some(4),
        "a connect error never reached Braze"
    );
    assert!(started.elapsed() < Duration::from_secs(5));
    let text = err.to_string();
    assert!(
        text.contains("GET /catalogs: no response after 4 attempts"),
        "{text}"
    );
    assert!(text.to_lowercase().contains("refused"), "{text}");
}

#[tokio::test]
async fn a_truncated_body_keeps_status_headers_and_bytes_and_is_retried_for_a_get() {
    let server = MockBraze::start().await;
    server.fault_calls("*", 1.., Fault::Truncate(11));
    let c = client(server.url());
    let err = c.catalogs_list().send().await.unwrap_err();
    assert_eq!(server.total_calls(), 4);
    let example = braze_mock::spec::spec()
        .operation("catalogs_list")
        .and_then(|op| op.example.clone())
        .unwrap();
    let whole = braze_sdk::serde_json::to_vec(&example).unwrap();
    match &err {
        Error::ResponseBodyError(b) => {
            assert_eq!(b.status, 200);
            assert!(b.headers.contains_key("x-ratelimit-remaining"));
            assert_eq!(&b.body[..], &whole[..11]);
        }
        other => panic!("expected ResponseBodyError, got {other}"),
    }
    assert_eq!(err.status().map(|s| s.as_u16()), Some(200));
    assert!(err.to_string().contains("11 bytes received"), "{err}");

    let err = delete(&c).await.unwrap_err();
    assert_eq!(
        server.total_calls(),
        5,
        "a POST whose response arrived is not replayed"
    );
    assert!(matches!(err, Error::ResponseBodyError(_)), "{err}");
}

#[tokio::test]
async fn a_server_that_never_answers_cannot_outlast_the_deadline() {
    let server = MockBraze::start().await;
    server.fault_calls("*", 1.., Fault::Hang);
    let c = client(server.url())
        .with_deadline(Duration::from_millis(1500))
        .with_attempt_timeout(Duration::from_millis(500));
    let started = Instant::now();
    let err = c.catalogs_list().send().await.unwrap_err();
    let elapsed = started.elapsed();
    assert!(elapsed >= Duration::from_millis(1400), "{elapsed:?}");
    assert!(elapsed < Duration::from_millis(2300), "{elapsed:?}");
    assert_eq!(err.attempts(), Some(3), "{err}");
    assert_eq!(
        err.report().unwrap().gave_up,
        Some(GaveUp::Deadline {
            deadline: Duration::from_millis(1500)
        })
    );
    assert!(err.to_string().contains("deadline of 1.5 s"), "{err}");
}

async fn mock(server: &MockServer, verb: &str, route: &str, answer: ResponseTemplate, times: u64) {
    Mock::given(method(verb))
        .and(path(route))
        .respond_with(answer)
        .up_to_n_times(times)
        .mount(server)
        .await;
}

fn ok_catalogs() -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_raw(CATALOGS_OK, "application/json")
}

fn refused(retry_after: Option<&str>, reset: u64) -> ResponseTemplate {
    let t = ResponseTemplate::new(429)
        .insert_header("x-ratelimit-limit", "50")
        .insert_header("x-ratelimit-remaining", "0")
        .insert_header("x-ratelimit-reset", reset.to_string().as_str())
        .set_body_raw(
            r#"{"message": "API rate limit exceeded"}"#,
            "application/json",
        );
    match retry_after {
        Some(r) => t.insert_header("retry-after", r),
        None => t,
    }
}

#[tokio::test]
async fn a_429_waits_for_the_reset_then_succeeds() {
    let server = MockServer::start().await;
    mock(
        &server,
        "GET",
        "/catalogs",
        refused(Some("1"), epoch_now() + 1),
        1,
    )
    .await;
    mock(&server, "GET", "/catalogs", ok_catalogs(), 10).await;
    let started = Instant::now();
    let response = client(&server.uri()).catalogs_list().send().await.unwrap();
    let elapsed = started.elapsed();
    let report = response.report().unwrap();
    assert_eq!(report.attempts, 2);
    assert!(elapsed >= Duration::from_millis(1000), "{elapsed:?}");
    assert!(elapsed < Duration::from_millis(2000), "{elapsed:?}");
    assert!(report.backoff_wait >= Duration::from_millis(1000));
}

#[tokio::test]
async fn a_429_storm_gives_up_before_the_deadline_and_says_why() {
    let server = MockServer::start().await;
    mock(
        &server,
        "GET",
        "/catalogs",
        refused(Some("1"), epoch_now() + 1),
        100,
    )
    .await;
    let c = client(&server.uri()).with_deadline(Duration::from_millis(2500));
    let started = Instant::now();
    let err = c.catalogs_list().send().await.unwrap_err();
    let elapsed = started.elapsed();
    assert!(elapsed < Duration::from_millis(2500), "{elapsed:?}");
    let attempts = err.attempts().unwrap();
    assert!((2..=3).contains(&attempts), "{err}");
    assert_eq!(err.status().map(|s| s.as_u16()), Some(429));
    assert_eq!(err.rate_limit().unwrap().remaining, Some(0));
    let text = err.to_string();
    assert!(
        text.starts_with(&format!(
            "GET /catalogs: 429 Too Many Requests after {attempts} attempts over "
        )),
        "{text}"
    );
    assert!(text.contains("bucket catalogs-sync resets at "), "{text}");
    assert!(
        text.contains(r#"Braze said: "API rate limit exceeded""#),
        "{text}"
    );
    assert!(text.contains("deadline of 2.5 s"), "{text}");
}

#[tokio::test]
async fn a_reset_further_than_max_backoff_fails_at_once() {
    let server = MockServer::start().await;
    mock(
        &server,
        "GET",
        "/catalogs",
        refused(None, epoch_now() + 120),
        100,
    )
    .await;
    let started = Instant::now();
    let err = client(&server.uri())
        .catalogs_list()
        .send()
        .await
        .unwrap_err();
    assert!(started.elapsed() < Duration::from_millis(500));
    assert_eq!(err.attempts(), Some(1));
    assert!(
        matches!(
            err.report().unwrap().gave_up,
            Some(GaveUp::WaitTooLong { .. })
        ),
        "{err}"
    );
    assert!(
        err.to_string().contains("longer than max_backoff (2.0 s)"),
        "{err}"
    );
}

#[tokio::test]
async fn a_500_is_retried_for_a_get() {
    let server = MockBraze::start().await;
    server.fault("catalogs_list", 1, Fault::Status(500));
    let response = client(server.url()).catalogs_list().send().await.unwrap();
    assert_eq!(response.report().unwrap().attempts, 2);
}

#[tokio::test]
async fn a_500_is_retried_for_a_post_only_when_opted_in() {
    let server = MockBraze::start().await;
    // The first attempt of each of the three calls below fails.
    for n in [1, 2, 4] {
        server.fault("users_delete", n, Fault::Status(500));
    }
    let c = client(server.url());
    let err = delete(&c).await.unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(500));
    assert_eq!(err.attempts(), Some(1));
    assert!(err.to_string().contains("not idempotent"), "{err}");
    assert_eq!(server.calls("users_delete"), 1);

    // Opted in for this call...
    let ok = delete(&c.retrying_non_idempotent()).await.unwrap();
    assert_eq!(ok.report().unwrap().attempts, 2);
    // ... or for the operation.
    let per_op =
        c.with_retry_policy(quick_retries().retry_operation(braze_sdk::OperationId::UsersDelete));
    let ok = delete(&per_op).await.unwrap();
    assert_eq!(ok.report().unwrap().attempts, 2);
    assert_eq!(server.calls("users_delete"), 5);
    // Both retried bodies arrived whole.
    let accepted: Vec<types::UsersDeleteRequest> = server.received("users_delete");
    assert_eq!(accepted, [delete_body(), delete_body()]);
}

#[tokio::test]
async fn malformed_json_and_a_wrong_shape_name_the_operation_and_the_path() {
    let server = MockServer::start().await;
    mock(
        &server,
        "GET",
        "/catalogs",
        ResponseTemplate::new(200).set_body_raw(r#"{"catalogs": [oops"#, "application/json"),
        1,
    )
    .await;
    mock(
        &server,
        "GET",
        "/catalogs",
        ResponseTemplate::new(200).set_body_raw(
            r#"{"catalogs": [{"name": 5, "fields": []}], "message": "success"}"#,
            "application/json",
        ),
        1,
    )
    .await;
    let c = client(&server.uri());
    let err = c.catalogs_list().send().await.unwrap_err();
    match &err {
        Error::InvalidResponsePayload(p) => {
            assert_eq!(p.status, 200);
            assert_eq!(&p.body[..], br#"{"catalogs": [oops"#);
        }
        other => panic!("expected InvalidResponsePayload, got {other}"),
    }
    assert!(
        err.to_string()
            .starts_with("GET /catalogs: 200 OK: the body is not valid JSON"),
        "{err}"
    );
    let err = c.catalogs_list().send().await.unwrap_err();
    match &err {
        Error::InvalidResponsePayload(p) => assert_eq!(p.path, "catalogs[0].name"),
        other => panic!("expected InvalidResponsePayload, got {other}"),
    }
    assert!(err.to_string().contains("at `catalogs[0].name`"), "{err}");
}

#[tokio::test]
async fn non_fatal_errors_in_a_2xx_are_surfaced() {
    let server = MockBraze::start().await;
    server.reject_inputs("users_track", |array, item| {
        (array == "attributes" && item["external_id"] == "u2").then(|| "invalid".to_string())
    });
    let body = types::UsersTrackRequest::default().attributes(vec![
        types::UserAttributes::default().external_id(Some(types::ExternalId("u1".into()))),
        types::UserAttributes::default().external_id(Some(types::ExternalId("u2".into()))),
    ]);
    let response = client(server.url()).users_track(body).send().await.unwrap();
    assert_eq!(response.non_fatal_errors().len(), 1);
    assert_eq!(response.non_fatal_errors()[0]["index"], 1);
    assert_eq!(response.attributes_processed, Some(1));
}
