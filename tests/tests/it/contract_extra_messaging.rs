//! Contract test of `POST /messages/live_activity/start` (appended to
//! `spec/messaging.yaml`): the exact body - app-defined attribute and content
//! state objects kept as sent, the Apple push notification, one audience
//! form - and the 201 and `error`-keyed 400 answers.

use crate::common;

use braze_sdk::types;
use serde_json::json;
use wiremock::matchers::body_json;

#[tokio::test]
async fn live_activity_start_sends_attributes_state_notification_and_audience() {
    let (server, client) = common::setup().await;
    let body = json!({
        "app_id": "9d2e6b1a-3f4c-4a58-b7e9-0c1d2e3f4a5b",
        "activity_id": "match-lyon-marseille-2026-11-29",
        "activity_attributes_type": "MatchActivity",
        "activity_attributes": { "home_team": "Lyon", "away_team": "Marseille" },
        "content_state": { "home_score": 0, "away_score": 0, "minute": 0 },
        "dismissal_date": "2026-11-29T23:00:00Z",
        "notification": { "alert": { "title": "Lyon v Marseille", "body": "Kick-off in five minutes." } },
        "external_user_ids": ["user-1234", "user-5678"]
    });
    common::authorized("POST", "/messages/live_activity/start")
        .and(body_json(body.clone()))
        .respond_with(common::json_response(201, json!({ "message": "success" })))
        .expect(1)
        .mount(&server)
        .await;
    let request: types::LiveActivityStartRequest =
        serde_json::from_value(body).expect("the literal fits the type");
    assert_eq!(request.content_state["minute"], json!(0));
    let response = client
        .live_activity_start(request)
        .send()
        .await
        .expect("a 201 answer decodes");
    assert_eq!(response.message, "success");
}

#[tokio::test]
async fn live_activity_start_400_uses_the_error_key() {
    let (server, client) = common::setup().await;
    common::authorized("POST", "/messages/live_activity/start")
        .respond_with(common::json_response(
            400,
            json!({ "error": "message body does not match declared format" }),
        ))
        .expect(1)
        .mount(&server)
        .await;
    let request: types::LiveActivityStartRequest = serde_json::from_value(json!({
        "app_id": "9d2e6b1a-3f4c-4a58-b7e9-0c1d2e3f4a5b",
        "activity_id": "a",
        "activity_attributes_type": "MatchActivity",
        "activity_attributes": {},
        "content_state": {},
        "notification": { "alert": { "title": "t", "body": "b" } },
        "segment_id": "6b5a4938-2716-4f5e-8d4c-3b2a19087f6e"
    }))
    .expect("the literal fits the type");
    let err = client
        .live_activity_start(request)
        .send()
        .await
        .expect_err("a 400 is an error");
    assert_eq!(
        err.error_body().and_then(|b| b.error.as_deref()),
        Some("message body does not match declared format")
    );
}
