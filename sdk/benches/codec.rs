//! `cargo bench -p braze-sdk --bench codec`: encoding and decoding cost of
//! the largest request Braze takes, a full `/users/track` batch (75
//! attributes with custom attributes, 75 events, 75 purchases).
//!
//! A bench binary (no harness): it prints the median and spread of repeated
//! runs, for the closing notes and for spotting regressions by hand.

use std::hint::black_box;
use std::time::{Duration, Instant};

use braze_sdk::chrono::{TimeZone, Utc};
use braze_sdk::serde_json::{self, Map, json};
use braze_sdk::{Nullable, types};

const BATCH: usize = 75;
const RUNS: usize = 201;

fn batch() -> types::UsersTrackRequest {
    let when = Utc.with_ymd_and_hms(2026, 11, 26, 18, 30, 0).unwrap();
    let id = |i: usize| Some(types::ExternalId(format!("user-{i:05}")));
    let attributes: Vec<types::UserAttributes> = (0..BATCH)
        .map(|i| {
            let mut custom = Map::new();
            custom.insert("loyalty_tier".into(), json!("gold"));
            custom.insert("visits".into(), json!({ "inc": 1 }));
            custom.insert("favorite_genres".into(), json!({ "add": ["jazz", "soul"] }));
            custom.insert("address".into(), json!({ "city": "Lyon", "zip": "69001" }));
            types::UserAttributes::default()
                .external_id(id(i))
                .first_name(Some(Nullable::Value(format!("Name {i}"))))
                .home_city(Some(Nullable::Null))
                .extra(custom)
        })
        .collect();
    let events: Vec<types::UserEvent> = (0..BATCH)
        .map(|i| types::UserEvent::new("played_song", when).external_id(id(i)))
        .collect();
    let purchases: Vec<types::UserPurchase> = (0..BATCH)
        .map(|i| {
            types::UserPurchase::new(
                types::UserPurchaseCurrency::try_from("EUR").unwrap(),
                9.99,
                types::UserPurchaseProductId::try_from("premium-monthly").unwrap(),
                when,
            )
            .external_id(id(i))
        })
        .collect();
    types::UsersTrackRequest::default()
        .attributes(attributes)
        .events(events)
        .purchases(purchases)
}

fn measure(name: &str, bytes: Option<usize>, mut f: impl FnMut()) {
    let mut times: Vec<Duration> = (0..RUNS)
        .map(|_| {
            let start = Instant::now();
            f();
            start.elapsed()
        })
        .collect();
    times.sort();
    let median = times[RUNS / 2];
    let rate = bytes.map_or(String::new(), |b| {
        format!("{:7.1} MB/s", b as f64 / median.as_secs_f64() / 1e6)
    });
    println!(
        "{name:<44} median {median:>10.2?}  min {:>10.2?}  max {:>10.2?}  {rate}",
        times[0],
        times[RUNS - 1]
    );
}

fn main() {
    let request = batch();
    let body = serde_json::to_vec(&request).unwrap();
    println!(
        "/users/track batch: {BATCH}+{BATCH}+{BATCH} objects, {} bytes of JSON; {RUNS} runs",
        body.len()
    );
    measure("build the batch with the generated builders", None, || {
        black_box(batch());
    });
    measure("encode UsersTrackRequest to JSON", Some(body.len()), || {
        black_box(serde_json::to_vec(black_box(&request)).unwrap());
    });
    measure(
        "decode JSON into UsersTrackRequest",
        Some(body.len()),
        || {
            black_box(
                serde_json::from_slice::<types::UsersTrackRequest>(black_box(&body)).unwrap(),
            );
        },
    );
}
