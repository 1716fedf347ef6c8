//! The seven programs of issue 24, written the way a newcomer writes them
//! from the README, each run against a local server: track a user, trigger
//! a campaign, walk campaigns, export a segment, batch 10,000 events, print
//! a 429, a per-call deadline. Each program is a plain `async fn` taking
//! the client (what a user's code looks like); the test around it is the
//! local server and the checks.

use std::time::Duration;

use braze_sdk::chrono::{TimeZone, Utc};
use braze_sdk::futures_util::StreamExt;
use braze_sdk::serde_json::{Value, json};
use braze_sdk::{Client, Error, Nullable, batch, types};
use wiremock::ResponseTemplate;

use crate::common::{authorized, json_response, only_request, setup};

type Result<T> = std::result::Result<T, Box<dyn std::error::Error>>;

// 1. Track a user: an attribute update, an event and a purchase.
async fn track_a_user(client: &Client) -> Result<String> {
    let now = Utc.with_ymd_and_hms(2026, 12, 6, 9, 0, 0).unwrap();
    let attributes = types::UserAttributes::default()
        .external_id("user-1")
        .first_name("Ada")
        .home_city(Nullable::Null);
    let event = types::UserEvent::new("played_song", now)
        .external_id("user-1")
        .properties(json!({"source": "web"}));
    let purchase = types::UserPurchase::new(
        types::UserPurchaseCurrency::try_from("EUR")?,
        9.99,
        types::UserPurchaseProductId::try_from("sku-1")?,
        now,
    )
    .external_id("user-1")
    .quantity(2);
    let body = types::UsersTrackRequest::default()
        .attributes(vec![attributes])
        .events(vec![event])
        .purchases(vec![purchase]);
    let response = client.users_track(body).send().await?;
    Ok(response.message.clone())
}

#[tokio::test]
async fn program_1_track_a_user() {
    let (server, client) = setup().await;
    authorized("POST", "/users/track")
        .respond_with(json_response(
            201,
            json!({"message": "success", "attributes_processed": 1, "events_processed": 1, "purchases_processed": 1}),
        ))
        .mount(&server)
        .await;
    assert_eq!(track_a_user(&client).await.unwrap(), "success");
    let sent: Value = only_request(&server).await.body_json().unwrap();
    assert_eq!(sent["attributes"][0]["home_city"], Value::Null);
    assert_eq!(sent["events"][0]["properties"], json!({"source": "web"}));
    assert_eq!(sent["purchases"][0]["quantity"], json!(2));
    assert_eq!(sent["purchases"][0]["product_id"], json!("sku-1"));
}

// 2. Trigger an API-triggered campaign for two users.
async fn trigger_a_campaign(client: &Client) -> Result<String> {
    let recipients = vec![
        types::CampaignRecipient::default().external_user_id("user-1"),
        types::CampaignRecipient::default().external_user_id("user-2"),
    ];
    let body = types::CampaignsTriggerSendRequest::new("campaign-7")
        .recipients(recipients)
        .trigger_properties(json!({"coupon": "WINTER"}));
    let response = client.campaigns_trigger_send(body).send().await?;
    Ok(response.message.clone())
}

#[tokio::test]
async fn program_2_trigger_a_campaign() {
    let (server, client) = setup().await;
    authorized("POST", "/campaigns/trigger/send")
        .respond_with(json_response(
            201,
            json!({"message": "success", "dispatch_id": "d-1"}),
        ))
        .mount(&server)
        .await;
    assert_eq!(trigger_a_campaign(&client).await.unwrap(), "success");
    let sent: Value = only_request(&server).await.body_json().unwrap();
    assert_eq!(sent["campaign_id"], "campaign-7");
    assert_eq!(sent["recipients"][1]["external_user_id"], "user-2");
    assert_eq!(sent["trigger_properties"], json!({"coupon": "WINTER"}));
}

// 3. Walk every campaign, page after page.
async fn walk_campaigns(client: &Client) -> Result<Vec<String>> {
    let mut names = Vec::new();
    let mut campaigns = client.campaigns_list().include_archived(false).stream();
    while let Some(campaign) = campaigns.next().await {
        names.push(campaign?.name);
    }
    Ok(names)
}

#[tokio::test]
async fn program_3_walk_campaigns() {
    let (server, client) = setup().await;
    let page = |from: usize, n: usize| {
        let campaigns: Vec<Value> = (from..from + n)
            .map(|i| json!({"id": format!("c-{i}"), "name": format!("Campaign {i}"), "is_api_campaign": false, "tags": [], "last_edited": "2026-12-01T00:00:00Z"}))
            .collect();
        json_response(200, json!({"message": "success", "campaigns": campaigns}))
    };
    for (p, (from, n)) in [(0, (0, 100)), (1, (100, 100)), (2, (200, 3))] {
        authorized("GET", "/campaigns/list")
            .and(wiremock::matchers::query_param("page", p.to_string()))
            .respond_with(page(from, n))
            .mount(&server)
            .await;
    }
    let names = walk_campaigns(&client).await.unwrap();
    assert_eq!(names.len(), 203);
    assert_eq!(names[202], "Campaign 202");
}

// 4. Export a segment's users.
async fn export_a_segment(client: &Client) -> Result<String> {
    let body = types::UsersExportSegmentRequest::new(
        vec![
            types::UserExportField::ExternalId,
            types::UserExportField::Email,
        ],
        "segment-42",
    );
    let response = client.users_export_segment(body).send().await?;
    Ok(response.object_prefix.clone())
}

#[tokio::test]
async fn program_4_export_a_segment() {
    let (server, client) = setup().await;
    authorized("POST", "/users/export/segment")
        .respond_with(json_response(
            201,
            json!({"message": "success", "object_prefix": "exports/seg-42"}),
        ))
        .mount(&server)
        .await;
    let prefix = export_a_segment(&client).await.unwrap();
    assert_eq!(prefix, "exports/seg-42");
    let sent: Value = only_request(&server).await.body_json().unwrap();
    assert_eq!(sent["segment_id"], "segment-42");
    assert_eq!(sent["fields_to_export"], json!(["external_id", "email"]));
}

// 5. Send 10,000 events in as many requests as Braze's limit needs.
async fn batch_10_000_events(
    client: &Client,
) -> batch::Report<types::UsersTrackRequest, types::UsersTrackResponse> {
    let now = Utc.with_ymd_and_hms(2026, 12, 6, 9, 0, 0).unwrap();
    let events: Vec<types::UserEvent> = (0..10_000)
        .map(|i| types::UserEvent::new("page_view", now).external_id(format!("user-{i}").as_str()))
        .collect();
    let body = types::UsersTrackRequest {
        events,
        ..Default::default()
    };
    batch::send_all(body, 8, |piece| client.users_track(piece).send()).await
}

#[tokio::test]
async fn program_5_batch_10_000_events() {
    let (server, client) = setup().await;
    authorized("POST", "/users/track")
        .respond_with(json_response(201, json!({"message": "success"})))
        .mount(&server)
        .await;
    let report = batch_10_000_events(&client).await;
    assert!(report.failed.is_empty(), "{:?}", report.failed.len());
    assert_eq!(report.input_errors().count(), 0);
    let requests = server.received_requests().await.unwrap();
    // 75 events per request (the spec's maxItems): 134 requests.
    assert_eq!(requests.len(), 10_000usize.div_ceil(75));
    let sent: usize = requests
        .iter()
        .map(|r| {
            r.body_json::<Value>().unwrap()["events"]
                .as_array()
                .unwrap()
                .len()
        })
        .sum();
    assert_eq!(sent, 10_000);
}

// 6. Print what a 429 says.
async fn print_a_429(client: &Client) -> String {
    let body = types::UsersTrackRequest::default()
        .attributes(vec![types::UserAttributes::default().external_id("user-1")]);
    match client.users_track(body).send().await {
        Ok(_) => "sent".to_string(),
        Err(e) if e.status().map(|s| s.as_u16()) == Some(429) => format!("rate limited: {e}"),
        Err(e) => format!("failed: {e}"),
    }
}

#[tokio::test]
async fn program_6_print_a_429() {
    let (server, client) = setup().await;
    authorized("POST", "/users/track")
        .respond_with(
            ResponseTemplate::new(429)
                .insert_header("retry-after", "3600")
                .set_body_json(json!({"message": "API rate limit exceeded"})),
        )
        .mount(&server)
        .await;
    let printed = print_a_429(&client).await;
    assert!(printed.starts_with("rate limited: "), "{printed}");
    assert!(printed.contains("429"), "{printed}");
    assert!(printed.contains("API rate limit exceeded"), "{printed}");
}

// 7. One call with its own deadline, the builder kept in a variable.
async fn per_call_deadline(client: &Client) -> std::result::Result<(), Error<types::BrazeError>> {
    let body = types::UsersTrackRequest::default()
        .attributes(vec![types::UserAttributes::default().external_id("user-1")]);
    let call = client
        .with_deadline(Duration::from_millis(300))
        .users_track(body);
    call.send().await.map(|_| ())
}

#[tokio::test]
async fn program_7_per_call_deadline() {
    let (server, client) = setup().await;
    authorized("POST", "/users/track")
        .respond_with(
            json_response(201, json!({"message": "success"})).set_delay(Duration::from_secs(3)),
        )
        .mount(&server)
        .await;
    let started = std::time::Instant::now();
    let err = per_call_deadline(&client)
        .await
        .expect_err("the deadline cuts the call");
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "{:?}",
        started.elapsed()
    );
    assert!(err.status().is_none(), "{err}");
}
