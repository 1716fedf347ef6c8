//! P3, `cargo bench -p braze-sdk --bench throttle`: 3,000 `/users/track`
//! calls from 32 and from 400 tasks sharing one client, against braze-mock
//! enforcing 300 requests per 3 s with Braze's `X-RateLimit-*` headers (the spec documents 3,000 per 3 s: the client learns the lower
//! limit from the first response). Beside it, the same load as a naive loop
//! of raw reqwest calls. Prints 429s seen by the server, failed calls, and
//! the achieved rate against the ceiling (100 requests per second).
//!
//! A bench binary (no harness): its figures go in the closing notes.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use braze_mock::{Limit, MockBraze};
use braze_sdk::{Client, Instance, types};

const CALLS: usize = 3_000;
const LIMIT: u64 = 300;
const WINDOW_SECS: u64 = 3;

/// braze-mock with the bucket's limit lowered; requests are counted, not
/// kept, and the answer is not validated (the server's own costs stay small).
async fn limited_server() -> MockBraze {
    MockBraze::builder()
        .limit(
            "users-track",
            Limit::new(LIMIT, Duration::from_secs(WINDOW_SECS)),
        )
        .validate(false)
        .record(false)
        .start()
        .await
}

fn body() -> types::UsersTrackRequest {
    types::UsersTrackRequest::default().attributes(vec![
        types::UserAttributes::default().external_id(Some(types::ExternalId("user-1".into()))),
    ])
}

struct Outcome {
    /// Seconds since the epoch at the start of the run.
    started_epoch: f64,
    elapsed: Duration,
    ok_calls: usize,
    failed_calls: usize,
    refused_by_server: u64,
}

fn epoch_now() -> f64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs_f64()
}

async fn drive<F, Fut>(tasks: usize, call: F) -> (Duration, usize, usize)
where
    F: Fn() -> Fut + Clone + Send + 'static,
    Fut: std::future::Future<Output = bool> + Send,
{
    let next = Arc::new(AtomicUsize::new(0));
    let ok = Arc::new(AtomicUsize::new(0));
    let failed = Arc::new(AtomicUsize::new(0));
    let started = Instant::now();
    let handles: Vec<_> = (0..tasks)
        .map(|_| {
            let (next, ok, failed, call) = (next.clone(), ok.clone(), failed.clone(), call.clone());
            tokio::spawn(async move {
                while next.fetch_add(1, Ordering::Relaxed) < CALLS {
                    if call().await {
                        ok.fetch_add(1, Ordering::Relaxed);
                    } else {
                        failed.fetch_add(1, Ordering::Relaxed);
                    }
                }
            })
        })
        .collect();
    for h in handles {
        h.await.unwrap();
    }
    (
        started.elapsed(),
        ok.load(Ordering::Relaxed),
        failed.load(Ordering::Relaxed),
    )
}

async fn sdk(tasks: usize) -> Outcome {
    let server = limited_server().await;
    let client = Client::builder(Instance::custom(server.url()), "bench-key")
        .deadline(Duration::from_secs(120))
        .build()
        .unwrap();
    let body = Arc::new(body());
    let started_epoch = epoch_now();
    let (elapsed, ok_calls, failed_calls) = drive(tasks, move || {
        let (client, body) = (client.clone(), body.clone());
        async move { client.users_track((*body).clone()).send().await.is_ok() }
    })
    .await;
    Outcome {
        started_epoch,
        elapsed,
        ok_calls,
        failed_calls,
        refused_by_server: server.rate_limited("users_track") as u64,
    }
}

async fn naive(tasks: usize) -> Outcome {
    let server = limited_server().await;
    let http = reqwest::Client::builder()
        .tls_backend_preconfigured(braze_sdk::tls_client_config().unwrap())
        .build()
        .unwrap();
    let url = format!("{}/users/track", server.url());
    let body = Arc::new(body());
    let started_epoch = epoch_now();
    let (elapsed, ok_calls, failed_calls) = drive(tasks, move || {
        let (http, url, body) = (http.clone(), url.clone(), body.clone());
        async move {
            match http
                .post(&url)
                .bearer_auth("bench-key")
                .json(&*body)
                .send()
                .await
            {
                Ok(r) => r.status().is_success() && r.bytes().await.is_ok(),
                Err(_) => false,
            }
        }
    })
    .await;
    Outcome {
        started_epoch,
        elapsed,
        ok_calls,
        failed_calls,
        refused_by_server: server.rate_limited("users_track") as u64,
    }
}

fn print(label: &str, tasks: usize, o: &Outcome) {
    let ceiling = LIMIT as f64 / WINDOW_SECS as f64;
    let rate = o.ok_calls as f64 / o.elapsed.as_secs_f64();
    // The soonest the last call can be allowed: the server's windows are
    // aligned on the epoch, the first (partial) one already allows LIMIT.
    let windows = CALLS.div_ceil(LIMIT as usize) as f64;
    let first = (o.started_epoch / WINDOW_SECS as f64).floor();
    let ideal = (first + windows - 1.0) * WINDOW_SECS as f64 - o.started_epoch;
    println!(
        "{label:<14} tasks={tasks:<4} calls={CALLS} ok={:<5} failed={:<5} 429s_at_server={:<5} elapsed={:>6.2}s rate={:>6.1}/s ({:.1}% of {ceiling:.0}/s); soonest possible end {ideal:.2}s",
        o.ok_calls,
        o.failed_calls,
        o.refused_by_server,
        o.elapsed.as_secs_f64(),
        rate,
        100.0 * rate / ceiling
    );
}

#[tokio::main]
async fn main() {
    println!("P3: {CALLS} /users/track calls, server limit {LIMIT} per {WINDOW_SECS} s");
    let only: Option<usize> = std::env::var("BENCH_TASKS")
        .ok()
        .and_then(|t| t.parse().ok());
    for tasks in [32, 400] {
        if only.is_some_and(|o| o != tasks) {
            continue;
        }
        let n = naive(tasks).await;
        print("naive reqwest", tasks, &n);
        // Let the naive run's window pass so both start alike.
        tokio::time::sleep(Duration::from_secs(WINDOW_SECS)).await;
        let s = sdk(tasks).await;
        print("braze-sdk", tasks, &s);
    }
}
