//! Tracing: a span per request with what a person needs to follow a call,
//! and never the API key (checked with a subscriber that captures every
//! span and event field).

use std::sync::{Arc, Mutex};
use std::time::Duration;

use braze_sdk::{Client, Instance, RetryPolicy};
use tracing::field::{Field, Visit};
use tracing_subscriber::layer::{Context, SubscriberExt};
use tracing_subscriber::registry::LookupSpan;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const SECRET: &str = "tracing-secret-key-5d1e";

/// Every span name, event message and `field=value` seen.
#[derive(Clone, Default)]
struct Capture(Arc<Mutex<Vec<String>>>);

struct Fields<'a>(&'a mut Vec<String>);

impl Visit for Fields<'_> {
    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        self.0.push(format!("{}={:?}", field.name(), value));
    }
    fn record_str(&mut self, field: &Field, value: &str) {
        self.0.push(format!("{}={}", field.name(), value));
    }
}

impl<S: tracing::Subscriber + for<'a> LookupSpan<'a>> tracing_subscriber::Layer<S> for Capture {
    fn on_new_span(
        &self,
        attrs: &tracing::span::Attributes<'_>,
        _: &tracing::span::Id,
        _: Context<'_, S>,
    ) {
        let mut seen = self.0.lock().unwrap();
        seen.push(format!("span {}", attrs.metadata().name()));
        attrs.record(&mut Fields(&mut seen));
    }
    fn on_record(
        &self,
        _: &tracing::span::Id,
        values: &tracing::span::Record<'_>,
        _: Context<'_, S>,
    ) {
        values.record(&mut Fields(&mut self.0.lock().unwrap()));
    }
    fn on_event(&self, event: &tracing::Event<'_>, ctx: Context<'_, S>) {
        let mut seen = self.0.lock().unwrap();
        // The span the event belongs to (explicit parent or current one).
        let within = ctx.event_span(event).map(|s| s.name()).unwrap_or("none");
        seen.push(format!("event within {within}"));
        event.record(&mut Fields(&mut seen));
    }
}

#[tokio::test]
async fn spans_name_the_call_and_never_carry_the_key() {
    let capture = Capture::default();
    let subscriber = tracing_subscriber::registry().with(capture.clone());
    let _guard = tracing::subscriber::set_default(subscriber);

    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/catalogs"))
        .respond_with(ResponseTemplate::new(503).set_body_raw("{}", "application/json"))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/catalogs"))
        .respond_with(ResponseTemplate::new(200).set_body_raw(
            r#"{"catalogs": [], "message": "success"}"#,
            "application/json",
        ))
        .mount(&server)
        .await;
    let client = Client::builder(Instance::custom(server.uri()), SECRET)
        .retry_policy(RetryPolicy {
            initial_backoff: Duration::from_millis(5),
            ..RetryPolicy::default()
        })
        .default_header("X-Request-Origin", SECRET)
        .build()
        .unwrap();
    // Other tests, on other threads without a subscriber, may be registering
    // the same callsites right now (tracing caches a callsite's interest at
    // its first use, computed with the dispatchers of that moment). A first
    // call, then a rebuild of the cache, settles every callsite of the path.
    client.catalogs_list().send().await.unwrap();
    tracing::callsite::rebuild_interest_cache();
    capture.0.lock().unwrap().clear();
    Mock::given(method("GET"))
        .and(path("/catalogs"))
        .respond_with(ResponseTemplate::new(503).set_body_raw("{}", "application/json"))
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&server)
        .await;
    client.catalogs_list().send().await.unwrap();
    // A failing call too: errors go through tracing as well.
    let refused = Client::builder(Instance::custom("http://127.0.0.1:1"), SECRET)
        .retry_policy(RetryPolicy::none())
        .build()
        .unwrap();
    let err = refused.catalogs_list().send().await.unwrap_err();

    let seen = capture.0.lock().unwrap().clone();
    let all = seen.join("\n");
    for expected in [
        "span braze.request",
        // The per-attempt and retry events belong to the call's span, and
        // so do hyper's own (its connection pool), the span being entered
        // while the call is polled.
        "event within braze.request\nmessage=braze response",
        "event within braze.request\nmessage=retrying braze request",
        "event within braze.request\nmessage=reuse idle connection",
        "operation=catalogs_list",
        "method=GET",
        "path=/catalogs",
        "bucket=catalogs-sync",
        "attempt=2",
        "status=503",
        "status=200",
        "attempts=2",
        "backoff_ms=",
        "throttle_wait_ms=",
    ] {
        assert!(all.contains(expected), "no `{expected}` in:\n{all}");
    }
    assert!(
        !all.contains(SECRET),
        "the key reached a subscriber:\n{all}"
    );
    assert!(!format!("{client:?}").contains(SECRET));
    assert!(!format!("{err:?} {err}").contains(SECRET));
}
