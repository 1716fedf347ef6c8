//! Client-side pacing against a server that enforces a rate limit the way
//! Braze does (fixed windows, `X-RateLimit-*` headers, 429 past the limit),
//! scaled down to windows of one second.

use std::sync::Arc;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use braze_sdk::{BucketLimit, Client, Instance, RetryPolicy, ThrottleConfig, types};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

/// Allows `limit` requests per epoch second; counts what it answered.
#[derive(Clone)]
struct LimitingServer {
    limit: u32,
    window: Arc<Mutex<(u64, u32)>>,
    ok: Arc<AtomicUsize>,
    refused: Arc<AtomicUsize>,
}

impl LimitingServer {
    fn new(limit: u32) -> Self {
        Self {
            limit,
            window: Arc::new(Mutex::new((0, 0))),
            ok: Arc::new(AtomicUsize::new(0)),
            refused: Arc::new(AtomicUsize::new(0)),
        }
    }
}

impl Respond for LimitingServer {
    fn respond(&self, _request: &Request) -> ResponseTemplate {
        let second = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap()
            .as_secs();
        let mut w = self.window.lock().unwrap();
        if w.0 != second {
            *w = (second, 0);
        }
        let allowed = w.1 < self.limit;
        if allowed {
            w.1 += 1;
        }
        let remaining = self.limit - w.1;
        drop(w);
        let template = if allowed {
            self.ok.fetch_add(1, Ordering::SeqCst);
            ResponseTemplate::new(200).set_body_raw(
                r#"{"message": "success", "attributes_processed": 1}"#,
                "application/json",
            )
        } else {
            self.refused.fetch_add(1, Ordering::SeqCst);
            ResponseTemplate::new(429).set_body_raw(
                r#"{"message": "API rate limit exceeded"}"#,
                "application/json",
            )
        };
        template
            .insert_header("x-ratelimit-limit", self.limit.to_string().as_str())
            .insert_header("x-ratelimit-remaining", remaining.to_string().as_str())
            .insert_header("x-ratelimit-reset", (second + 1).to_string().as_str())
    }
}

fn track_body() -> types::UsersTrackRequest {
    types::UsersTrackRequest::default()
        .attributes(vec![types::UserAttributes::default().external_id("u1")])
}

async fn run(
    tasks: usize,
    calls: usize,
    limit: u32,
    throttle: ThrottleConfig,
) -> (LimitingServer, usize, Duration, Duration) {
    let server = MockServer::start().await;
    let limiter = LimitingServer::new(limit);
    Mock::given(method("POST"))
        .and(path("/users/track"))
        .respond_with(limiter.clone())
        .mount(&server)
        .await;
    let client = Client::builder(Instance::custom(server.uri()), "throttle-test-key")
        .throttle(throttle)
        .retry_policy(RetryPolicy {
            max_retries: 3,
            initial_backoff: Duration::from_millis(10),
            max_backoff: Duration::from_secs(2),
            ..RetryPolicy::default()
        })
        .deadline(Duration::from_secs(20))
        .build()
        .unwrap();
    let next = Arc::new(AtomicUsize::new(0));
    let failed = Arc::new(AtomicUsize::new(0));
    let started_epoch = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs_f64();
    let started = Instant::now();
    let handles: Vec<_> = (0..tasks)
        .map(|_| {
            // Every task has its own clone: the buckets are shared.
            let (client, next, failed) = (client.clone(), next.clone(), failed.clone());
            tokio::spawn(async move {
                while next.fetch_add(1, Ordering::SeqCst) < calls {
                    if client.users_track(track_body()).send().await.is_err() {
                        failed.fetch_add(1, Ordering::SeqCst);
                    }
                }
            })
        })
        .collect();
    for h in handles {
        h.await.unwrap();
    }
    let failed = failed.load(Ordering::SeqCst);
    // The soonest the last call can be allowed: windows are epoch seconds,
    // the first (partial) one already allows `limit`.
    let windows = calls.div_ceil(limit as usize) as f64;
    let soonest = started_epoch.floor() + windows - 1.0 - started_epoch;
    (
        limiter,
        failed,
        started.elapsed(),
        Duration::from_secs_f64(soonest),
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn many_tasks_collect_no_429_once_the_limit_is_known() {
    // The documented 3,000 per 3 s scaled to 3,000 per second; this
    // "workspace" allows 20 per second, which the client learns from the
    // first response.
    let scaled = ThrottleConfig::default().bucket(
        braze_sdk::Bucket::UsersTrack,
        BucketLimit::new(3000, Duration::from_secs(1)),
    );
    let (server, failed, elapsed, soonest) = run(32, 60, 20, scaled).await;
    assert_eq!(failed, 0);
    assert_eq!(
        server.refused.load(Ordering::SeqCst),
        0,
        "the client must wait, not collect 429s"
    );
    assert_eq!(server.ok.load(Ordering::SeqCst), 60);
    // 60 calls at 20 per second cannot end before the third window opens,
    // and the client uses every window (at most one window late: the
    // estimate from the headers is conservative by a request or two).
    assert!(
        elapsed + Duration::from_millis(20) >= soonest,
        "{elapsed:?} < {soonest:?}"
    );
    assert!(
        elapsed < soonest + Duration::from_millis(1500),
        "{elapsed:?} vs {soonest:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_the_throttle_the_same_load_collects_429s() {
    // The control: proves the server above really refuses a careless client
    // (retries still carry every call through).
    let (server, _failed, _, _) = run(32, 60, 20, ThrottleConfig::disabled()).await;
    assert!(server.refused.load(Ordering::SeqCst) > 0);
}
