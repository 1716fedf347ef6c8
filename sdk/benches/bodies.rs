//! `cargo bench -p braze-sdk --bench bodies`: what sending the same body
//! again costs, with the builder (the body is cloned and serialised at each
//! `send()`) and with a prepared request (serialised once; a resend copies a
//! pointer), beside a raw reqwest call of the same bytes as the baseline.
//!
//! A bench binary: the HTTP rows call a minimal server on 127.0.0.1, in
//! interleaved rounds (the machine is shared and noisy), and are reported
//! as medians of the rounds and as ratios to the raw call.

use std::hint::black_box;
use std::time::{Duration, Instant};

use braze_sdk::serde_json::{self, Map, json};
use braze_sdk::{Client, Instance, Nullable, RetryPolicy, types};

#[path = "support/server.rs"]
mod server;

const OBJECTS: usize = 10;
const ROUNDS: usize = 15;
const CALLS: usize = 200;

fn body() -> types::UsersTrackRequest {
    let attributes = (0..OBJECTS)
        .map(|i| {
            let mut custom = Map::new();
            custom.insert("loyalty_tier".into(), json!("gold"));
            custom.insert("visits".into(), json!({ "inc": 1 }));
            custom.insert("favorite_genres".into(), json!({ "add": ["jazz", "soul"] }));
            custom.insert("address".into(), json!({ "city": "Lyon", "zip": "69001" }));
            types::UserAttributes::default()
                .external_id(Some(types::ExternalId(format!("user-{i:05}"))))
                .first_name(Some(Nullable::Value(format!("Name {i}"))))
                .home_city(Some(Nullable::Null))
                .extra(custom)
        })
        .collect();
    types::UsersTrackRequest {
        attributes,
        ..Default::default()
    }
}

fn median(mut times: Vec<Duration>) -> Duration {
    times.sort();
    times[times.len() / 2]
}

/// Median time per iteration of `f` over `ROUNDS` rounds of `n`.
fn cpu(n: usize, mut f: impl FnMut()) -> Duration {
    median(
        (0..ROUNDS)
            .map(|_| {
                let start = Instant::now();
                for _ in 0..n {
                    f();
                }
                start.elapsed() / n as u32
            })
            .collect(),
    )
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let request = body();
    let prepared = braze_sdk::prepared::users_track(&request).unwrap();
    let bytes = prepared.body().to_vec();
    println!(
        "/users/track with {OBJECTS} attribute objects, {} bytes of JSON",
        bytes.len()
    );

    // CPU only: what a resend costs before any I/O.
    let clone_encode = cpu(20_000, || {
        let copy = black_box(&request).clone();
        black_box(serde_json::to_vec(&copy).unwrap());
    });
    let prepared_clone = cpu(20_000, || {
        black_box(black_box(&prepared).clone());
    });
    println!("resend, CPU: clone + encode (builder)  {clone_encode:>10.2?}");
    println!("resend, CPU: clone a prepared request  {prepared_clone:>10.2?}");

    let url = server::start(|_, _| server::Reply {
        status: 200,
        headers: Vec::new(),
        body: br#"{"message":"success","attributes_processed":10}"#.to_vec(),
    })
    .await;
    let client = Client::builder(Instance::custom(url.clone()), "bench-key")
        .retry_policy(RetryPolicy::none())
        .build()
        .unwrap();
    let raw = reqwest::Client::new();
    let track = format!("{url}/users/track");

    let (mut t_raw, mut t_builder, mut t_prepared) = (Vec::new(), Vec::new(), Vec::new());
    for round in 0..ROUNDS + 1 {
        let start = Instant::now();
        for _ in 0..CALLS {
            let response = raw
                .post(&track)
                .bearer_auth("bench-key")
                .header("content-type", "application/json")
                .body(bytes.clone())
                .send()
                .await
                .unwrap();
            let decoded: types::UsersTrackResponse = response.json().await.unwrap();
            black_box(decoded);
        }
        let raw_time = start.elapsed() / CALLS as u32;
        let start = Instant::now();
        for _ in 0..CALLS {
            let response = client.users_track(request.clone()).send().await;
            black_box(response.unwrap());
        }
        let builder_time = start.elapsed() / CALLS as u32;
        let start = Instant::now();
        for _ in 0..CALLS {
            black_box(client.send_prepared(&prepared).await.unwrap());
        }
        let prepared_time = start.elapsed() / CALLS as u32;
        if round > 0 {
            // Round 0 warms the connections up.
            t_raw.push(raw_time);
            t_builder.push(builder_time);
            t_prepared.push(prepared_time);
        }
    }
    let (raw, builder, prepared) = (median(t_raw), median(t_builder), median(t_prepared));
    let ratio = |d: Duration| d.as_secs_f64() / raw.as_secs_f64();
    println!("{ROUNDS} interleaved rounds of {CALLS} calls to 127.0.0.1, median per call:");
    println!("  raw reqwest, same bytes           {raw:>10.2?}  1.00x");
    println!(
        "  builder, body cloned each send    {builder:>10.2?}  {:.2}x",
        ratio(builder)
    );
    println!(
        "  prepared request, resent          {prepared:>10.2?}  {:.2}x",
        ratio(prepared)
    );
}
