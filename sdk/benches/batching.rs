//! `cargo bench -p braze-sdk --bench batching`: 100,000 events through
//! `batch::send_all` (pieces of 75, sent concurrently through the normal
//! client and whatever throttling it has) to a server on 127.0.0.1 that
//! enforces `/users/track`'s limit scaled down tenfold (300 requests per
//! 3-second window instead of 3,000) and answers with Braze's
//! `X-RateLimit-Limit/Remaining/Reset` headers and 429 past the limit;
//! beside it, a naive loop of single-event calls.
//!
//! Prints the requests the server accepted and refused (429), the rate
//! reached as a share of the ceiling, and the accounting: events the server
//! took, events sent twice, events in failed pieces.

use std::collections::HashSet;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use braze_sdk::serde_json::{self, Value, json};
use braze_sdk::{Client, Instance, batch, types};

#[path = "support/server.rs"]
mod server;

const EVENTS: usize = 100_000;
const NAIVE_EVENTS: usize = 1_500;
const LIMIT: u64 = 300;
const WINDOW_SECONDS: u64 = 3;
const CONCURRENCY: usize = 8;

#[derive(Default)]
struct Counts {
    window: u64,
    used: u64,
    accepted: u64,
    refused: u64,
    events: u64,
    seen: HashSet<String>,
    duplicates: u64,
}

fn events(n: usize) -> Vec<types::UserEvent> {
    (0..n)
        .map(|i| {
            serde_json::from_value(json!({
                "external_id": format!("user-{i}"),
                "name": "played_song",
                "time": "2026-11-26T18:30:00Z",
            }))
            .unwrap()
        })
        .collect()
}

async fn start_server(counts: Arc<Mutex<Counts>>) -> String {
    server::start(move |_, body| {
        let now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap()
            .as_secs();
        let window = now / WINDOW_SECONDS;
        let mut c = counts.lock().unwrap();
        if c.window != window {
            c.window = window;
            c.used = 0;
        }
        let reset = (window + 1) * WINDOW_SECONDS;
        let refuse = c.used >= LIMIT;
        if refuse {
            c.refused += 1;
        } else {
            c.used += 1;
            c.accepted += 1;
        }
        let headers = vec![
            ("x-ratelimit-limit".to_string(), LIMIT.to_string()),
            (
                "x-ratelimit-remaining".to_string(),
                (LIMIT - c.used).to_string(),
            ),
            ("x-ratelimit-reset".to_string(), reset.to_string()),
        ];
        if refuse {
            return server::Reply {
                status: 429,
                headers,
                body: br#"{"message":"rate limited"}"#.to_vec(),
            };
        }
        let body: Value = serde_json::from_slice(body).unwrap_or_default();
        let list = body["events"].as_array().cloned().unwrap_or_default();
        for event in &list {
            let id = event["external_id"]
                .as_str()
                .unwrap_or_default()
                .to_string();
            if !c.seen.insert(id) {
                c.duplicates += 1;
            }
        }
        c.events += list.len() as u64;
        server::Reply {
            status: 200,
            headers,
            body: format!(
                r#"{{"message":"success","events_processed":{}}}"#,
                list.len()
            )
            .into_bytes(),
        }
    })
    .await
}

/// The time a client sending exactly at the limit needs for `requests`
/// (starting at a window boundary: the last window is partly used) over the
/// time taken, in percent.
fn ceiling_share(requests: u64, elapsed: Duration) -> f64 {
    let ideal = (requests.saturating_sub(1) / LIMIT * WINDOW_SECONDS) as f64;
    100.0 * ideal / elapsed.as_secs_f64()
}

#[tokio::main]
async fn main() {
    println!(
        "limit: {LIMIT} requests per {WINDOW_SECONDS} s window (Braze's /users/track: 3,000 per 3 s)"
    );

    let counts = Arc::new(Mutex::new(Counts::default()));
    let url = start_server(counts.clone()).await;
    let client = Client::builder(Instance::custom(url), "bench-key")
        .build()
        .unwrap();
    let body = types::UsersTrackRequest {
        events: events(EVENTS),
        ..Default::default()
    };
    // Start at a window boundary so that the share of the ceiling is fair.
    wait_for_window().await;
    let start = Instant::now();
    let report = batch::send_all(body, CONCURRENCY, |piece| client.users_track(piece).send()).await;
    let elapsed = start.elapsed();
    {
        let c = counts.lock().unwrap();
        let carried_sent: usize = report.sent.iter().map(|s| s.carried.len()).sum();
        let carried_failed: usize = report.failed.iter().map(|f| f.carried.len()).sum();
        println!(
            "batched ({CONCURRENCY} in flight): {EVENTS} events in {elapsed:.2?}: {} requests accepted, {} answered 429, {:.1}% of the ceiling",
            c.accepted,
            c.refused,
            ceiling_share(c.accepted, elapsed)
        );
        println!(
            "  accounting: server took {} events ({} distinct, {} twice); report: {carried_sent} in sent pieces, {carried_failed} in {} failed pieces; {} events/s",
            c.events,
            c.seen.len(),
            c.duplicates,
            report.failed.len(),
            (c.events as f64 / elapsed.as_secs_f64()) as u64
        );
    }

    let counts = Arc::new(Mutex::new(Counts::default()));
    let url = start_server(counts.clone()).await;
    let client = Client::builder(Instance::custom(url), "bench-key")
        .build()
        .unwrap();
    let singles = events(NAIVE_EVENTS);
    wait_for_window().await;
    let start = Instant::now();
    let mut failed = 0;
    for event in singles {
        let body = types::UsersTrackRequest {
            events: vec![event],
            ..Default::default()
        };
        if client.users_track(body).send().await.is_err() {
            failed += 1;
        }
    }
    let elapsed = start.elapsed();
    let c = counts.lock().unwrap();
    let rate = c.events as f64 / elapsed.as_secs_f64();
    println!(
        "naive loop of single-event calls: {NAIVE_EVENTS} events in {elapsed:.2?}: {} accepted, {} answered 429, {failed} failed, {:.1}% of the ceiling; {rate:.0} events/s (100,000 events would take {:.0} s)",
        c.accepted,
        c.refused,
        ceiling_share(c.accepted, elapsed),
        EVENTS as f64 / rate
    );
}

async fn wait_for_window() {
    let now = SystemTime::now().duration_since(UNIX_EPOCH).unwrap();
    let window = Duration::from_secs(WINDOW_SECONDS);
    let into = Duration::from_nanos((now.as_nanos() % window.as_nanos()) as u64);
    tokio::time::sleep(window - into + Duration::from_millis(5)).await;
}
