//! P2, `cargo bench -p braze-sdk --bench overhead`: time per request of an
//! SDK call against a hand-written reqwest call doing the same work (same
//! loopback endpoint, same typed body serialized to JSON, typed response
//! decoded, same headers), sequentially and with 64 in flight. Two
//! baselines: a bare `reqwest::Client`, and one with a 30 s timeout (what a
//! hand-written production call has; the SDK always bounds an attempt).
//! They run in alternating rounds, side by side, in an order that changes
//! every round, and the median of the per-round ratios is printed (the
//! machine is shared and noisy; absolute times mean little).
//!
//! `P2_ROUNDS=n` runs n rounds instead of 21.
//!
//! With `P2_VARIANT=reqwest|reqwest-timeout|sdk|sdk-plain` (or
//! `sdk-throttle-only`, `sdk-retries-only`) and `P2_CALLS=n`
//! it instead makes `n` sequential calls of that variant only, for counting
//! instructions under `valgrind --tool=callgrind` (repeatable on a noisy
//! machine): the difference between two values of `n`, divided by their
//! difference, is the instructions per request, server side included.
//! `P2_RUNTIME=current-thread` runs that mode on tokio's current-thread
//! runtime: the same work, without the thread interleavings that make the
//! multi-thread counts of the SDK vary by about 2% from run to run.
//!
//! A bench binary (no harness): its figures go in the closing notes.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use braze_mock::{Limit, MockBraze};
use braze_sdk::{Client, Instance, types};

/// Rounds per measurement; `P2_ROUNDS` sets another count (more rounds,
/// a steadier median on a busy machine).
const ROUNDS: usize = 21;
const CALLS_PER_ROUND: usize = 2_000;

fn body() -> types::UsersTrackRequest {
    let attributes = (0..10)
        .map(|i| {
            types::UserAttributes::default()
                .external_id(Some(types::ExternalId(format!("user-{i}"))))
        })
        .collect::<Vec<types::UserAttributes>>();
    types::UsersTrackRequest::default().attributes(attributes)
}

async fn sdk_call(client: &Client, body: &types::UsersTrackRequest) {
    let r = client.users_track(body.clone()).send().await.unwrap();
    assert_eq!(r.attributes_processed, Some(10));
}

async fn raw_call(http: &reqwest::Client, url: &str, body: &types::UsersTrackRequest) {
    let r = http
        .post(url)
        .header("authorization", "Bearer bench-key")
        .header("accept", "application/json")
        .json(&body.clone())
        .send()
        .await
        .unwrap();
    assert!(r.status().is_success());
    let bytes = r.bytes().await.unwrap();
    let decoded: types::UsersTrackResponse = serde_json::from_slice(&bytes).unwrap();
    assert_eq!(decoded.attributes_processed, Some(10));
}

/// Runs `CALLS_PER_ROUND` calls with `in_flight` concurrent tasks; returns
/// the time per request.
async fn round<F, Fut>(in_flight: usize, call: F) -> Duration
where
    F: Fn() -> Fut + Clone + Send + 'static,
    Fut: std::future::Future<Output = ()> + Send,
{
    let next = Arc::new(AtomicUsize::new(0));
    let started = Instant::now();
    let handles: Vec<_> = (0..in_flight)
        .map(|_| {
            let (next, call) = (next.clone(), call.clone());
            tokio::spawn(async move {
                while next.fetch_add(1, Ordering::Relaxed) < CALLS_PER_ROUND {
                    call().await;
                }
            })
        })
        .collect();
    for h in handles {
        h.await.unwrap();
    }
    started.elapsed() / CALLS_PER_ROUND as u32
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn summary(label: &str, mut ratios: Vec<f64>) -> String {
    ratios.sort_by(f64::total_cmp);
    format!(
        "{label} {:.3} (min {:.3}, max {:.3})",
        ratios[ratios.len() / 2],
        ratios[0],
        ratios[ratios.len() - 1]
    )
}

fn main() {
    let current = std::env::var("P2_RUNTIME").is_ok_and(|r| r == "current-thread");
    let runtime = if current {
        tokio::runtime::Builder::new_current_thread()
    } else {
        tokio::runtime::Builder::new_multi_thread()
    }
    .enable_all()
    .build()
    .unwrap();
    runtime.block_on(run());
}

async fn run() {
    // braze-mock with a limit no run reaches (the headers still tell the
    // throttle it may send freely), no validation and no recording: the
    // server's share of each request stays small and the same for every
    // variant.
    let server = MockBraze::builder()
        .limit("*", Limit::new(1_000_000_000, Duration::from_secs(3)))
        .validate(false)
        .record(false)
        .start()
        .await;
    let client = Client::builder(Instance::custom(server.url()), "bench-key")
        .build()
        .unwrap();
    // Diagnostic: the same SDK call without the throttle and retries.
    let plain = Client::builder(Instance::custom(server.url()), "bench-key")
        .throttle(braze_sdk::ThrottleConfig::disabled())
        .retry_policy(braze_sdk::RetryPolicy::none())
        .build()
        .unwrap();
    // For the instruction-count breakdown: one of the two at a time.
    let throttle_only = Client::builder(Instance::custom(server.url()), "bench-key")
        .retry_policy(braze_sdk::RetryPolicy::none())
        .build()
        .unwrap();
    let retries_only = Client::builder(Instance::custom(server.url()), "bench-key")
        .throttle(braze_sdk::ThrottleConfig::disabled())
        .build()
        .unwrap();
    let bare = reqwest::Client::builder()
        .user_agent(braze_sdk::DEFAULT_USER_AGENT)
        .tls_backend_preconfigured(braze_sdk::tls_client_config().unwrap())
        .build()
        .unwrap();
    let timed = reqwest::Client::builder()
        .user_agent(braze_sdk::DEFAULT_USER_AGENT)
        .tls_backend_preconfigured(braze_sdk::tls_client_config().unwrap())
        .timeout(Duration::from_secs(30))
        .build()
        .unwrap();
    let url = format!("{}/users/track", server.url());
    let body = Arc::new(body());
    if let Ok(variant) = std::env::var("P2_VARIANT") {
        let calls: usize = std::env::var("P2_CALLS")
            .ok()
            .and_then(|n| n.parse().ok())
            .unwrap_or(100);
        for _ in 0..calls {
            match variant.as_str() {
                "reqwest" => raw_call(&bare, &url, &body).await,
                "reqwest-timeout" => raw_call(&timed, &url, &body).await,
                "sdk" => sdk_call(&client, &body).await,
                "sdk-plain" => sdk_call(&plain, &body).await,
                "sdk-throttle-only" => sdk_call(&throttle_only, &body).await,
                "sdk-retries-only" => sdk_call(&retries_only, &body).await,
                other => panic!("unknown P2_VARIANT {other}"),
            }
        }
        println!("{variant}: {calls} calls");
        return;
    }
    let rounds = std::env::var("P2_ROUNDS")
        .ok()
        .and_then(|r| r.parse::<usize>().ok())
        .filter(|&r| r > 0)
        .unwrap_or(ROUNDS);
    println!(
        "P2: time per /users/track request, SDK vs hand-written reqwest, {rounds} rounds of {CALLS_PER_ROUND}"
    );
    for in_flight in [1, 64] {
        let mut times: [Vec<Duration>; 4] = Default::default();
        let (mut vs_bare, mut vs_timed) = (Vec::new(), Vec::new());
        for r in 0..rounds {
            let mut this = [Duration::ZERO; 4];
            for k in 0..4 {
                let which = (k + r) % 4;
                let t = match which {
                    0 | 1 => {
                        let h = if which == 0 {
                            bare.clone()
                        } else {
                            timed.clone()
                        };
                        let (u, b) = (url.clone(), body.clone());
                        round(in_flight, move || {
                            let (h, u, b) = (h.clone(), u.clone(), b.clone());
                            async move { raw_call(&h, &u, &b).await }
                        })
                        .await
                    }
                    _ => {
                        let c = if which == 2 {
                            client.clone()
                        } else {
                            plain.clone()
                        };
                        let b = body.clone();
                        round(in_flight, move || {
                            let (c, b) = (c.clone(), b.clone());
                            async move { sdk_call(&c, &b).await }
                        })
                        .await
                    }
                };
                this[which] = t;
                times[which].push(t);
            }
            vs_bare.push(this[2].as_secs_f64() / this[0].as_secs_f64());
            vs_timed.push(this[2].as_secs_f64() / this[1].as_secs_f64());
        }
        let [bare_t, timed_t, sdk_t, plain_t] = times;
        println!(
            "in flight {in_flight:>2}: reqwest {:>6.1} us/req, reqwest+timeout {:>6.1} us/req, braze-sdk {:>6.1} us/req (throttle and retries off: {:>6.1}); {}; {}",
            median(bare_t).as_secs_f64() * 1e6,
            median(timed_t).as_secs_f64() * 1e6,
            median(sdk_t).as_secs_f64() * 1e6,
            median(plain_t).as_secs_f64() * 1e6,
            summary("sdk/reqwest", vs_bare),
            summary("sdk/reqwest+timeout", vs_timed),
        );
    }
}
