//! braze-sdk against the mock, the way a user tests code that calls Braze:
//! lists walked in the three paging styles, non-fatal errors mapped to the
//! caller's inputs, recorded bodies read back as the SDK's types, retries
//! under scripted faults, and 429s paced by the headers.

use std::time::Duration;

use braze_mock::{Fault, Limit, MockBraze};
use braze_sdk::types::{self, CatalogName};
use braze_sdk::{Client, Instance, RetryPolicy, batch};
use serde_json::{Value, json};

fn client(braze: &MockBraze) -> Client {
    Client::builder(Instance::custom(braze.url()), "test-key")
        .retry_policy(RetryPolicy {
            initial_backoff: Duration::from_millis(10),
            ..RetryPolicy::default()
        })
        .deadline(Duration::from_secs(10))
        .build()
        .unwrap()
}

/// `n` items shaped like the first item of the operation's example, with
/// `key` numbered.
fn items(operation: &str, list: &str, key: &str, n: usize) -> Vec<Value> {
    let example = braze_mock::spec::spec()
        .operation(operation)
        .unwrap()
        .example
        .clone()
        .unwrap();
    (0..n)
        .map(|i| {
            let mut item = example[list][0].clone();
            item[key] = json!(format!("{key}-{i}"));
            item
        })
        .collect()
}

#[tokio::test]
async fn lists_are_walked_in_all_three_paging_styles() {
    let braze = MockBraze::start().await;
    let c = client(&braze);

    // Page numbers: 100 per page, the last page shorter.
    braze.set_items(
        "campaigns_list",
        items("campaigns_list", "campaigns", "id", 250),
    );
    let campaigns = c.campaigns_list().collect_all().await.unwrap();
    assert_eq!(campaigns.len(), 250);
    assert_eq!(campaigns[249].id, "id-249");
    let pages: Vec<Option<String>> = braze
        .requests("campaigns_list")
        .iter()
        .map(|r| r.query("page").map(str::to_string))
        .collect();
    assert_eq!(
        pages,
        [Some("0".into()), Some("1".into()), Some("2".into())]
    );

    // Offset and limit (the SDK asks for the largest page, 500).
    let mut bounces = items("email_hard_bounces_list", "emails", "email", 1100);
    for (i, b) in bounces.iter_mut().enumerate() {
        b["email"] = json!(format!("user{i}@example.com"));
    }
    braze.set_items("email_hard_bounces_list", bounces);
    let day = braze_sdk::chrono::NaiveDate::from_ymd_opt(2026, 1, 1).unwrap();
    let got = c
        .email_hard_bounces_list(day)
        .start_date(day)
        .collect_all()
        .await
        .unwrap();
    assert_eq!(got.len(), 1100);
    assert_eq!(got[1099].email.to_string(), "user1099@example.com");
    let offsets: Vec<Option<String>> = braze
        .requests("email_hard_bounces_list")
        .iter()
        .map(|r| r.query("offset").map(str::to_string))
        .collect();
    assert_eq!(
        offsets,
        [Some("0".into()), Some("500".into()), Some("1000".into())]
    );

    // A cursor in the Link header, other filters kept.
    braze.set_items(
        "catalog_items_list",
        items("catalog_items_list", "items", "id", 120),
    );
    let name = CatalogName::try_from("stores").unwrap();
    let got = c.catalog_items_list(name).collect_all().await.unwrap();
    assert_eq!(got.len(), 120);
    assert_eq!(braze.calls("catalog_items_list"), 3, "50 per page");
    let last = braze.requests("catalog_items_list").pop().unwrap();
    assert!(last.query("cursor").is_some());
}

#[tokio::test]
async fn refused_inputs_come_back_as_non_fatal_errors_at_the_caller_s_index() {
    let braze = MockBraze::start().await;
    braze.reject_inputs("users_track", |array, item| {
        (array == "events" && item["external_id"] == "ghost").then(|| "unknown user".to_string())
    });
    let c = client(&braze);
    let at = braze_sdk::chrono::Utc::now();
    let events: Vec<types::UserEvent> = (0..120)
        .map(|i| {
            let who = if i % 60 == 59 {
                "ghost".to_string()
            } else {
                format!("user-{i}")
            };
            types::UserEvent::new("played", at).external_id(who)
        })
        .collect();
    let body = types::UsersTrackRequest {
        events,
        ..Default::default()
    };
    let report = batch::send_all(body, 2, |piece| c.users_track(piece).send()).await;
    let rejected: Vec<usize> = report.input_errors().map(|e| e.index).collect();
    let mut sorted = rejected.clone();
    sorted.sort();
    assert_eq!(sorted, [59, 119]);
    assert!(report.failed.is_empty());
    // What Braze accepted, read back as the SDK's own type.
    let sent: Vec<types::UsersTrackRequest> = braze.received("users_track");
    assert_eq!(sent.iter().map(|b| b.events.len()).sum::<usize>(), 120);
    let response = c
        .users_track(types::UsersTrackRequest {
            events: vec![types::UserEvent::new("played", at).external_id("ghost")],
            ..Default::default()
        })
        .send()
        .await
        .unwrap();
    assert_eq!(response.events_processed, Some(0));
}

#[tokio::test]
async fn the_sdk_retries_scripted_faults_and_waits_out_429s() {
    let braze = MockBraze::builder()
        .limit("catalogs-sync", Limit::new(2, Duration::from_secs(1)))
        .start()
        .await;
    braze.fault_calls("catalogs_list", 1..=2, Fault::Status(503));
    let c = client(&braze);
    let r = c.catalogs_list().send().await.unwrap();
    assert_eq!(r.report().unwrap().attempts, 3);
    // Past the limit: the SDK reads the headers and waits for the next
    // window instead of failing.
    for _ in 0..4 {
        c.catalogs_list().send().await.unwrap();
    }
    assert_eq!(
        braze.calls("catalogs_list"),
        3 + 4 + braze.rate_limited("catalogs_list")
    );
}
