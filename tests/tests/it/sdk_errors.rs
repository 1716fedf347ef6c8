//! What errors say, against a local mock server: each message names what
//! happened in words that fit it, `Debug` shows the parts, and the error is
//! small.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use braze_sdk::{ApiError, Client, Error, Instance, RetryPolicy, StatusCode};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

fn client(server: &MockServer) -> Client {
    Client::builder(Instance::custom(server.uri()), "error-test-key")
        .retry_policy(RetryPolicy::none())
        .build()
        .unwrap()
}

async fn catalogs_answer(answer: ResponseTemplate) -> (MockServer, ApiError) {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/catalogs"))
        .respond_with(answer)
        .mount(&server)
        .await;
    let err = client(&server).catalogs_list().send().await.unwrap_err();
    (server, err)
}

#[test]
fn the_error_is_small_enough_to_return() {
    // clippy's `result_large_err` fires from 128 bytes; the parts a failed
    // response keeps are boxed.
    let size = std::mem::size_of::<ApiError>();
    assert!(size <= 32, "ApiError is {size} bytes");
}

#[tokio::test]
async fn malformed_json_is_called_malformed_not_a_spec_mismatch() {
    let (_s, err) = catalogs_answer(
        ResponseTemplate::new(200).set_body_raw(r#"{"catalogs": [oops"#, "application/json"),
    )
    .await;
    let text = err.to_string();
    assert!(matches!(err, Error::InvalidResponsePayload(_)), "{err:?}");
    assert!(
        text.starts_with(
            "GET /catalogs: 200 OK: the body is not valid JSON (expected value at line 1 column 15)"
        ),
        "{text}"
    );
    assert!(!text.contains("does not match the spec"), "{text}");
    assert!(!text.contains('?'), "{text}");

    let (_s, err) = catalogs_answer(ResponseTemplate::new(200).set_body_raw(
        r#"{"catalogs": 5, "message": "success"}"#,
        "application/json",
    ))
    .await;
    let text = err.to_string();
    assert!(
        text.contains("the body does not match the spec at `catalogs`: invalid type: integer `5`"),
        "{text}"
    );

    let (_s, err) = catalogs_answer(ResponseTemplate::new(200)).await;
    assert_eq!(
        err.to_string(),
        "GET /catalogs: 200 OK: the body is empty, the spec says JSON"
    );
}

#[tokio::test]
async fn an_html_page_from_a_proxy_is_not_a_spec_mismatch() {
    let page = "<html><body><h1>400 Bad Request</h1>nginx</body></html>";
    let (_s, err) =
        catalogs_answer(ResponseTemplate::new(400).set_body_raw(page, "text/html")).await;
    match &err {
        Error::UnexpectedResponse(r) => {
            assert!(r.not_json);
            assert_eq!(
                (r.status, &r.body[..]),
                (StatusCode::BAD_REQUEST, page.as_bytes())
            );
        }
        other => panic!("expected UnexpectedResponse, got {other:?}"),
    }
    let text = err.to_string();
    assert!(
        text.starts_with("GET /catalogs: 400 Bad Request, with a body that is not JSON"),
        "{text}"
    );
    assert!(!text.contains("does not match the spec"), "{text}");
    assert!(text.contains("nginx"), "{text}");

    // A status the spec does not list says so.
    let (_s, err) = catalogs_answer(ResponseTemplate::new(418).set_body_string("teapot")).await;
    assert_eq!(
        err.to_string(),
        "GET /catalogs: 418 I'm a teapot, a status the spec does not list for this operation; body: teapot"
    );
}

#[tokio::test]
async fn a_deadline_that_cut_the_only_attempt_says_so() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/catalogs"))
        .respond_with(ResponseTemplate::new(200).set_delay(Duration::from_secs(3)))
        .mount(&server)
        .await;
    let client = Client::builder(Instance::custom(server.uri()), "k")
        .deadline(Duration::from_millis(300))
        .build()
        .unwrap();
    let err = client.catalogs_list().send().await.unwrap_err();
    let text = err.to_string();
    assert_eq!(err.attempts(), Some(1), "{text}");
    assert!(
        text.ends_with("; the call's deadline of 300 ms cut the only attempt short"),
        "{text}"
    );
    assert!(!text.contains("next attempt"), "{text}");
    // Retried the way the policy says: a GET that timed out may be resent.
    assert!(err.is_retryable(), "{text}");
}

#[tokio::test]
async fn a_throttled_request_says_what_it_waited_for_in_one_sentence() {
    let server = MockServer::start().await;
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs();
    let reset = now + 100;
    Mock::given(method("GET"))
        .and(path("/catalogs"))
        .respond_with(
            ResponseTemplate::new(429)
                .insert_header("x-ratelimit-limit", "50")
                .insert_header("x-ratelimit-remaining", "0")
                .insert_header("x-ratelimit-reset", reset.to_string().as_str())
                .set_body_raw(
                    r#"{"message": "API rate limit exceeded"}"#,
                    "application/json",
                ),
        )
        .mount(&server)
        .await;
    let client = client(&server);
    let first = client.catalogs_list().send().await.unwrap_err();
    assert_eq!(first.status(), Some(StatusCode::TOO_MANY_REQUESTS));
    assert!(first.is_retryable());
    // The 429 holds the bucket for 100 s; this call may wait 200 ms.
    let err = client
        .with_deadline(Duration::from_millis(200))
        .catalogs_list()
        .send()
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Throttled(_)), "{err:?}");
    let text = err.to_string();
    assert!(
        text.starts_with(
            "GET /catalogs: not sent: a 429 holds bucket catalogs-sync until its reset, \
             and waiting for it would pass the call's deadline ("
        ),
        "{text}"
    );
    let at = braze_sdk::chrono::DateTime::from_timestamp(reset as i64, 0)
        .unwrap()
        .format("%Y-%m-%dT%H:%M:%SZ");
    assert!(
        text.ends_with(&format!("; the bucket resets at {at}")),
        "{text}"
    );
    assert!(!text.contains("of bucket"), "{text}");
    assert!(err.is_retryable());
    assert_eq!(server.received_requests().await.unwrap().len(), 1);
}

#[tokio::test]
async fn debug_shows_the_parts_not_the_sentence() {
    let (_s, err) = catalogs_answer(ResponseTemplate::new(418).set_body_string("teapot")).await;
    let debug = format!("{err:?}");
    assert!(
        debug.starts_with("UnexpectedResponse(UnexpectedResponse { status: 418,"),
        "{debug}"
    );
    assert!(debug.contains("operation_id: \"catalogs_list\""), "{debug}");
    assert!(!debug.contains("error-test-key"), "{debug}");
    let (_s, err) = catalogs_answer(
        ResponseTemplate::new(401)
            .set_body_raw(r#"{"message": "Invalid API key"}"#, "application/json"),
    )
    .await;
    let debug = format!("{err:?}");
    assert!(debug.starts_with("ErrorResponse { status: 401,"), "{debug}");
    assert!(debug.contains("Invalid API key"), "{debug}");
}
