//! Contract test of `POST /messages/live_activity/start` (appended to
//! `spec/messaging.yaml`): the exact body - app-defined attribute and content
//! state objects kept as sent, the Apple push notification, one audience
//! form - and the 201 and `error`-keyed 400 answers.

use crate::common;
use crate::contract_table::{self, Case, row_from_body};
use crate::table;

use braze_sdk::types;
use serde_json::json;

#[tokio::test]
async fn extra_messaging_contract_table() {
    contract_table::run(rows()).await;
}

fn rows() -> Vec<Box<dyn Case>> {
    table![
        row_from_body(
            "live_activity_start_sends_attributes_state_notification_and_audience",
            json!({
                "app_id": "9d2e6b1a-3f4c-4a58-b7e9-0c1d2e3f4a5b",
                "activity_id": "match-lyon-marseille-2026-11-29",
                "activity_attributes_type": "MatchActivity",
                "activity_attributes": { "home_team": "Lyon", "away_team": "Marseille" },
                "content_state": { "home_score": 0, "away_score": 0, "minute": 0 },
                "dismissal_date": "2026-11-29T23:00:00Z",
                "notification": {
                    "alert": {
                        "title": "Lyon v Marseille",
                        "body": "Kick-off in five minutes."
                    }
                },
                "external_user_ids": ["user-1234", "user-5678"]
            }),
            |c, body| {
                let request = common::typed::<types::LiveActivityStartRequest>(body);
                assert_eq!(
                    request.content_state.valid().expect("an object")["minute"],
                    json!(0)
                );
                c.live_activity_start(request).send()
            }
        )
        .post("/messages/live_activity/start")
        .answer(201, json!({ "message": "success" })),
        row_from_body(
            "live_activity_start_400_uses_the_error_key",
            json!({
                "app_id": "9d2e6b1a-3f4c-4a58-b7e9-0c1d2e3f4a5b",
                "activity_id": "a",
                "activity_attributes_type": "MatchActivity",
                "activity_attributes": {},
                "content_state": {},
                "notification": { "alert": { "title": "t", "body": "b" } },
                "segment_id": "6b5a4938-2716-4f5e-8d4c-3b2a19087f6e"
            }),
            |c, body| {
                c.live_activity_start(common::typed::<types::LiveActivityStartRequest>(body))
                    .send()
            },
        )
        .post("/messages/live_activity/start")
        .answer(
            400,
            json!({ "error": "message body does not match declared format" })
        )
        .then_err(|err| {
            assert_eq!(
                err.error_body().and_then(|b| b.error.as_deref()),
                Some("message body does not match declared format")
            );
        }),
    ]
}
