//! The hand-written runtime of braze-sdk, against a local mock server:
//! authentication, secrets kept out of Debug, typed errors that keep what
//! Braze sent, retries.

use crate::common;

use std::time::Duration;

use braze_sdk::{Client, Error, Instance, RetryPolicy, types};
use serde_json::json;
use wiremock::matchers::{header, method, path};
use wiremock::{Mock, ResponseTemplate};

const SECRET: &str = "super-secret-rest-key-123";

fn users_delete_body() -> types::UsersDeleteRequest {
    types::UsersDeleteRequest::default().external_ids(vec![types::ExternalId("user-1".to_string())])
}

#[tokio::test]
async fn the_key_never_shows_in_debug_output() {
    let builder = Client::builder(Instance::Us03, SECRET);
    assert!(
        !format!("{builder:?}").contains(SECRET),
        "ClientBuilder Debug leaks the key"
    );
    let client = builder.build().unwrap();
    assert!(
        !format!("{client:?}").contains(SECRET),
        "Client Debug leaks the key"
    );
    assert_eq!(client.base_url(), "https://rest.iad-03.braze.com");
}

#[tokio::test]
async fn requests_carry_bearer_key_and_user_agent_but_no_api_version() {
    let (server, client) = common::setup().await;
    Mock::given(method("GET"))
        .and(path("/catalogs"))
        .and(header(
            "authorization",
            common::bearer(common::API_KEY).as_str(),
        ))
        .and(header("user-agent", braze_sdk::DEFAULT_USER_AGENT))
        .respond_with(common::json_response(
            200,
            json!({"catalogs": [], "message": "success"}),
        ))
        .expect(1)
        .mount(&server)
        .await;
    let response = client.catalogs_list().send().await.unwrap();
    assert_eq!(response.message, "success");
    let rl = response
        .rate_limit()
        .expect("rate-limit headers are decoded");
    assert_eq!((rl.limit, rl.remaining), (Some(250_000), Some(249_999)));
    common::assert_no_api_version_header(&server).await;
}

#[tokio::test]
async fn a_malformed_success_body_keeps_status_and_body() {
    let err = catalogs_list_failing_with(
        ResponseTemplate::new(200).set_body_string("{\"catalogs\": [oops"),
    )
    .await;
    match &err {
        Error::InvalidResponsePayload(p) => {
            assert_eq!(p.status, 200);
            assert_eq!(&p.body[..], b"{\"catalogs\": [oops");
        }
        other => panic!("expected InvalidResponsePayload, got {other:?}"),
    }
    assert_eq!(err.status().map(|s| s.as_u16()), Some(200));
    assert!(err.to_string().contains("[oops"), "{err}");
}

#[tokio::test]
async fn a_documented_error_is_decoded_and_a_non_json_error_is_kept_raw() {
    let (server, client) = common::setup().await;
    Mock::given(method("POST"))
        .and(path("/users/delete"))
        .respond_with(common::json_response(
            400,
            json!({"message": "Invalid request", "errors": ["external_ids must be an array"]}),
        ))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    let err = client
        .users_delete(users_delete_body())
        .send()
        .await
        .unwrap_err();
    let body = err
        .error_body()
        .expect("a documented 400 decodes as BrazeError");
    assert_eq!(body.message.as_deref(), Some("Invalid request"));
    assert_eq!(err.status().map(|s| s.as_u16()), Some(400));

    Mock::given(method("POST"))
        .and(path("/users/delete"))
        .respond_with(ResponseTemplate::new(503).set_body_string("<html>maintenance</html>"))
        .mount(&server)
        .await;
    let err = client
        .users_delete(users_delete_body())
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(503));
    assert_eq!(
        err.body().map(|b| &b[..]),
        Some(&b"<html>maintenance</html>"[..])
    );
    // A POST that got a 503 may have taken effect: the policy does not
    // resend it, and the error agrees...
    assert!(!err.is_retryable(), "{err}");
    // ... unless the caller said the operation is safe to send twice.
    let opted = client.with_retry_policy(
        RetryPolicy::none().retry_operation(braze_sdk::OperationId::UsersDelete),
    );
    let err = opted
        .users_delete(users_delete_body())
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        err.status(),
        Some(braze_sdk::StatusCode::SERVICE_UNAVAILABLE)
    );
    assert!(err.is_retryable(), "{err}");
}

/// The instances the SDK knows are exactly the spec's `servers`, with the
/// names their descriptions give (`US-03 (dashboard-03.braze.com)`).
#[test]
fn the_instances_are_the_specs_servers() {
    let root = concat!(env!("CARGO_MANIFEST_DIR"), "/../spec/openapi.yaml");
    let spec: serde_yaml::Value =
        serde_yaml::from_str(&std::fs::read_to_string(root).unwrap()).unwrap();
    let servers: Vec<(String, String)> = spec["servers"]
        .as_sequence()
        .expect("the spec lists servers")
        .iter()
        .map(|s| {
            let url = s["url"].as_str().unwrap().to_string();
            let description = s["description"].as_str().unwrap();
            let name = description.split_whitespace().next().unwrap().to_string();
            (name, url)
        })
        .collect();
    let known: Vec<(String, String)> = Instance::ALL
        .iter()
        .map(|i| (i.name().to_string(), i.base_url().to_string()))
        .collect();
    assert_eq!(known, servers);
    for (name, url) in &servers {
        let parsed: Instance = name.parse().unwrap();
        assert_eq!(parsed.base_url(), url);
    }
}

#[tokio::test]
async fn an_undocumented_status_keeps_status_and_body() {
    let err =
        catalogs_list_failing_with(ResponseTemplate::new(418).set_body_string("teapot")).await;
    match &err {
        Error::UnexpectedResponse(r) => {
            assert_eq!(r.status, 418);
            assert_eq!(&r.body[..], b"teapot");
        }
        other => panic!("expected UnexpectedResponse, got {other:?}"),
    }
}

#[tokio::test]
async fn an_empty_error_body_still_decodes() {
    let err = catalogs_list_failing_with(ResponseTemplate::new(401)).await;
    assert!(
        matches!(err, Error::ErrorResponse(ref rv) if rv.status() == 401),
        "{err:?}"
    );
}

/// Calls `catalogs_list` against a server that answers `answer`; the call
/// must fail, and its error is returned.
async fn catalogs_list_failing_with(answer: ResponseTemplate) -> braze_sdk::ApiError {
    let (server, client) = common::setup().await;
    Mock::given(method("GET"))
        .and(path("/catalogs"))
        .respond_with(answer)
        .expect(1)
        .mount(&server)
        .await;
    client.catalogs_list().send().await.unwrap_err()
}

/// A mock server and a client that retries quickly, keyed with [`SECRET`].
async fn retrying_client() -> (wiremock::MockServer, Client) {
    let server = wiremock::MockServer::start().await;
    let client = Client::builder(Instance::custom(server.uri()), SECRET)
        .retry_policy(fast_retries())
        .build()
        .unwrap();
    (server, client)
}

fn fast_retries() -> RetryPolicy {
    RetryPolicy {
        max_retries: 2,
        initial_backoff: Duration::from_millis(1),
        max_backoff: Duration::from_millis(5),
        ..RetryPolicy::default()
    }
}

#[tokio::test]
async fn rate_limited_requests_are_retried() {
    let (server, client) = retrying_client().await;
    Mock::given(method("GET"))
        .and(path("/catalogs"))
        .respond_with(ResponseTemplate::new(429))
        .up_to_n_times(1)
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/catalogs"))
        .respond_with(common::json_response(
            200,
            json!({"catalogs": [], "message": "success"}),
        ))
        .expect(1)
        .mount(&server)
        .await;
    let response = client.catalogs_list().send().await.unwrap();
    assert_eq!(response.status(), 200);
}

#[tokio::test]
async fn a_post_that_failed_on_the_server_is_not_replayed_by_default() {
    let (server, client) = retrying_client().await;
    Mock::given(method("POST"))
        .and(path("/users/delete"))
        .respond_with(common::json_response(
            500,
            json!({"message": "internal error"}),
        ))
        .expect(1)
        .mount(&server)
        .await;
    let err = client
        .users_delete(users_delete_body())
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(500));
    assert!(!format!("{err:?}").contains(SECRET));
}

#[tokio::test]
async fn a_get_that_failed_on_the_server_is_retried() {
    let (server, client) = retrying_client().await;
    Mock::given(method("GET"))
        .and(path("/catalogs"))
        .respond_with(common::json_response(
            500,
            json!({"message": "internal error"}),
        ))
        .expect(3)
        .mount(&server)
        .await;
    let err = client.catalogs_list().send().await.unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(500));
}

#[test]
fn every_instance_has_a_distinct_https_base_url_and_parses_back() {
    let mut urls: Vec<&str> = Instance::ALL.iter().map(Instance::base_url).collect();
    urls.sort();
    urls.dedup();
    assert_eq!(urls.len(), 12);
    assert!(urls.iter().all(|u| u.starts_with("https://rest.")));
    for i in Instance::ALL {
        assert_eq!(i.name().parse::<Instance>().unwrap(), i);
    }
    assert_eq!("us03".parse::<Instance>().unwrap(), Instance::Us03);
    assert!("US-09".parse::<Instance>().is_err());
}

#[test]
fn bad_keys_are_refused_without_echoing_them() {
    let err = Client::builder(Instance::Us01, "bad\nkey-with-newline")
        .build()
        .unwrap_err();
    assert!(!err.to_string().contains("key-with-newline"));
    assert!(Client::builder(Instance::Us01, "  ").build().is_err());
    assert!(
        Client::builder(Instance::custom("ftp://x"), "k")
            .build()
            .is_err()
    );
    let err = Client::builder(Instance::Us01, "k")
        .default_header("X-Request-Origin", "bad\nvalue")
        .build()
        .unwrap_err();
    assert!(
        matches!(&err, braze_sdk::BuildError::InvalidHeader(name) if name == "X-Request-Origin"),
        "{err}"
    );
}

#[tokio::test]
async fn an_error_id_braze_adds_later_still_decodes() {
    let (server, client) = common::setup().await;
    common::authorized("GET", "/catalogs")
        .respond_with(common::json_response(
            404,
            json!({"message": "Invalid Request", "errors": [
                {"id": "catalog-not-found", "message": "Could not find catalog"},
                {"id": "catalog-archived", "message": "A newer error"}
            ]}),
        ))
        .expect(1)
        .mount(&server)
        .await;
    let err = client.catalogs_list().send().await.unwrap_err();
    let ids: Vec<_> = err
        .error_body()
        .expect("a documented 404")
        .errors
        .iter()
        .map(|e| match e {
            types::BrazeErrorDetail::BrazeErrorObject(o) => o.id.clone(),
            other => panic!("expected an error object, got {other:?}"),
        })
        .collect();
    assert_eq!(
        ids,
        [
            Some(braze_sdk::Open::Known(types::BrazeErrorId::CatalogNotFound)),
            Some(braze_sdk::Open::Unknown(json!("catalog-archived"))),
        ]
    );
}

#[tokio::test]
async fn a_callers_own_http_client_still_sends_the_key_and_headers() {
    let server = wiremock::MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/catalogs"))
        .and(header("authorization", common::bearer(SECRET).as_str()))
        .and(header("user-agent", braze_sdk::DEFAULT_USER_AGENT))
        .and(header("x-request-origin", "https://example.com"))
        .respond_with(common::json_response(
            200,
            json!({"catalogs": [], "message": "success"}),
        ))
        .expect(1)
        .mount(&server)
        .await;
    let own = reqwest::Client::builder()
        .tls_backend_preconfigured(braze_sdk::tls_client_config().unwrap())
        .build()
        .unwrap();
    let client = Client::builder(Instance::custom(server.uri()), SECRET)
        .http_client(own)
        .default_header("X-Request-Origin", "https://example.com")
        .build()
        .unwrap();
    let response = client.catalogs_list().send().await.unwrap();
    assert_eq!(response.status(), 200);
}

/// The client the SDK builds adds the key and default headers through
/// reqwest's own default headers, except when a name has several values
/// (reqwest's merge would keep only the first): then they are added per
/// request. Either way every value arrives, and a header the request sets
/// itself (`accept`) is not doubled.
#[tokio::test]
async fn the_sdks_own_http_client_sends_the_key_and_every_default_header_value() {
    for repeated in [false, true] {
        let server = wiremock::MockServer::start().await;
        Mock::given(method("GET"))
            .and(path("/catalogs"))
            .and(header("authorization", common::bearer(SECRET).as_str()))
            .and(header("user-agent", braze_sdk::DEFAULT_USER_AGENT))
            .and(header("accept", "application/json"))
            .respond_with(common::json_response(
                200,
                json!({"catalogs": [], "message": "success"}),
            ))
            .expect(1)
            .mount(&server)
            .await;
        let mut builder = Client::builder(Instance::custom(server.uri()), SECRET)
            .default_header("X-Request-Origin", "https://example.com");
        if repeated {
            builder = builder.default_header("X-Request-Origin", "https://second.example.com");
        }
        let client = builder.build().unwrap();
        client.catalogs_list().send().await.unwrap();
        let received = server.received_requests().await.unwrap();
        let headers = &received[0].headers;
        let origins: Vec<_> = headers
            .get_all("x-request-origin")
            .iter()
            .map(|v| v.to_str().unwrap().to_string())
            .collect();
        let mut expected = vec!["https://example.com".to_string()];
        if repeated {
            expected.push("https://second.example.com".to_string());
        }
        assert_eq!(origins, expected, "repeated: {repeated}");
        assert_eq!(headers.get_all("accept").iter().count(), 1);
        assert_eq!(headers.get_all("authorization").iter().count(), 1);
        assert!(!format!("{client:?}").contains(SECRET));
    }
}

#[test]
fn build_installs_no_process_wide_tls_provider() {
    // Every test of this binary builds clients; none may have installed a
    // default provider (that choice belongs to the application).
    for instance in [Instance::Us03, Instance::Eu01] {
        Client::builder(instance, SECRET).build().unwrap();
    }
    assert!(rustls::crypto::CryptoProvider::get_default().is_none());
}

#[test]
fn the_defaults_are_the_documented_ones() {
    let client = Client::builder(Instance::Us03, SECRET).build().unwrap();
    assert_eq!(client.deadline(), Duration::from_secs(60));
    assert_eq!(braze_sdk::DEFAULT_DEADLINE, Duration::from_secs(60));
    assert_eq!(braze_sdk::DEFAULT_ATTEMPT_TIMEOUT, Duration::from_secs(30));
    assert_eq!(braze_sdk::DEFAULT_CONNECT_TIMEOUT, Duration::from_secs(10));
    let retry = client.retry_policy();
    assert_eq!(retry.max_retries, 3);
    assert_eq!(retry.initial_backoff, Duration::from_millis(500));
    assert_eq!(retry.max_backoff, Duration::from_secs(30));
    assert!(!retry.retry_non_idempotent);
    assert!(braze_sdk::ThrottleConfig::default().is_enabled());
    // Per-call settings are a clone; the original keeps its own.
    let quick = client.with_deadline(Duration::from_secs(2));
    assert_eq!(quick.deadline(), Duration::from_secs(2));
    assert_eq!(client.deadline(), Duration::from_secs(60));
    assert!(
        client
            .retrying_non_idempotent()
            .retry_policy()
            .retry_non_idempotent
    );
}
