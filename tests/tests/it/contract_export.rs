//! Contract tests of the export and analytics operations (`spec/export.yaml`):
//! Campaigns, Canvas, Segments, Sessions, Custom Events, KPIs, News Feed and
//! Purchases. Each test pins the exact request the SDK sends (method, path,
//! the complete query string, auth) and checks that a documented response
//! shape - with several variations, channels or steps where Braze has them -
//! decodes into the typed fields.

use crate::common;

use braze_sdk::types;
use serde_json::json;
use wiremock::matchers::query_param;

// ---------------------------------------------------------------------------
// Campaigns
// ---------------------------------------------------------------------------

#[tokio::test]
async fn campaigns_data_series_sends_query_and_decodes_channels_and_variations() {
    let (server, client) = common::setup().await;
    common::authorized("GET", "/campaigns/data_series")
        .and(query_param(
            "campaign_id",
            "0b7d3a6e-2f41-4c59-9a8e-5d1c7b3e6f20",
        ))
        .and(query_param("length", "7"))
        .and(query_param("ending_at", "2025-03-03T04:59:59Z"))
        .respond_with(common::json_response(
            200,
            json!({
                "message": "success",
                "data": [
                    {
                        "time": "2025-03-02",
                        "conversions": 41,
                        "conversions_by_send_time": 38,
                        "conversions1": 12,
                        "conversions1_by_send_time": 11,
                        "unique_recipients": 5230,
                        "revenue": 1284.5,
                        "messages": {
                            "email": [
                                {
                                    "variation_api_id": "3c1f9a52-8d4e-4b8a-9f0e-7a2b6c1d5e40",
                                    "sent": 2610, "opens": 1422, "unique_opens": 1187,
                                    "clicks": 301, "unique_clicks": 254, "unsubscribes": 6,
                                    "bounces": 14, "delivered": 2596, "reported_spam": 1
                                },
                                {
                                    "variation_api_id": "9e2d4b17-0c6a-4f3e-8b5d-1a7c9e3f2b68",
                                    "sent": 2598, "opens": 1390, "unique_opens": 1163,
                                    "clicks": 342, "unique_clicks": 288, "unsubscribes": 4,
                                    "bounces": 11, "delivered": 2587, "reported_spam": 0
                                }
                            ],
                            "ios_push": [
                                {
                                    "variation_api_id": "5a8b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d",
                                    "sent": 1840, "direct_opens": 212, "total_opens": 367,
                                    "bounces": 9, "body_clicks": 198
                                }
                            ],
                            "sms": [
                                {
                                    "variation_api_id": "7b6a5948-3726-4150-9f8e-7d6c5b4a3928",
                                    "sent": 880, "sent_to_carrier": 876, "delivered": 861,
                                    "rejected": 2, "delivery_failed": 13, "clicks": 95,
                                    "opt_out": 3, "help": 1
                                }
                            ],
                            "content_cards": [
                                {
                                    "variation_api_id": "1a2b3c4d-5e6f-4789-8abc-def012345678",
                                    "sent": 4020, "total_clicks": 233, "total_dismissals": 410,
                                    "total_impressions": 3388, "unique_clicks": 201,
                                    "unique_dismissals": 398, "unique_impressions": 2950
                                }
                            ]
                        }
                    },
                    {
                        "time": "2025-03-03",
                        "conversions": 7,
                        "unique_recipients": 0,
                        "revenue": 98.0,
                        "messages": {}
                    }
                ]
            }),
        ))
        .expect(1)
        .mount(&server)
        .await;

    let response = client
        .campaigns_data_series("0b7d3a6e-2f41-4c59-9a8e-5d1c7b3e6f20", 7u64)
        .ending_at(common::utc("2025-03-02T23:59:59-05:00"))
        .send()
        .await
        .expect("a 200 answer decodes");

    common::assert_get_query(
        &server,
        &[
            ("campaign_id", "0b7d3a6e-2f41-4c59-9a8e-5d1c7b3e6f20"),
            ("length", "7"),
            ("ending_at", "2025-03-03T04:59:59Z"),
        ],
    )
    .await;
    assert_eq!(response.message, "success");
    assert_eq!(response.data.len(), 2);
    let day = &response.data[0];
    assert_eq!(day.time.to_string(), "2025-03-02");
    assert_eq!(day.conversions, Some(41));
    assert_eq!(day.conversions1_by_send_time, Some(11));
    assert_eq!(day.conversions2, None);
    assert_eq!(day.unique_recipients, Some(5230));
    assert_eq!(day.revenue, Some(1284.5));
    let messages = day.messages.as_ref().expect("messages by channel");
    assert_eq!(messages.0.len(), 4);
    let email = &messages.0["email"];
    assert_eq!(email.len(), 2, "one entry per variation");
    assert_eq!(
        email[0].variation_api_id.as_deref(),
        Some("3c1f9a52-8d4e-4b8a-9f0e-7a2b6c1d5e40")
    );
    assert_eq!(email[0].unique_opens, Some(1187));
    assert_eq!(email[1].unique_clicks, Some(288));
    assert_eq!(email[1].reported_spam, Some(0));
    let push = &messages.0["ios_push"][0];
    assert_eq!(push.direct_opens, Some(212));
    assert_eq!(push.body_clicks, Some(198));
    assert_eq!(push.opens, None);
    let sms = &messages.0["sms"][0];
    assert_eq!(sms.sent_to_carrier, Some(876));
    assert_eq!(sms.opt_out, Some(3));
    assert_eq!(sms.help, Some(1));
    let cards = &messages.0["content_cards"][0];
    assert_eq!(cards.total_dismissals, Some(410));
    assert_eq!(cards.unique_impressions, Some(2950));
    assert_eq!(response.data[1].revenue, Some(98.0));
    assert!(
        response.data[1]
            .messages
            .as_ref()
            .is_some_and(|m| m.0.is_empty())
    );
    common::assert_no_api_version_header(&server).await;
}

#[tokio::test]
async fn campaigns_data_series_decodes_multivariate_in_app_statistics() {
    let (server, client) = common::setup().await;
    common::authorized("GET", "/campaigns/data_series")
        .and(query_param(
            "campaign_id",
            "c4a1e7d2-0b9f-4e3a-8d6c-5f2b1a0e9d87",
        ))
        .and(query_param("length", "1"))
        .respond_with(common::json_response(
            200,
            json!({
                "message": "success",
                "data": [{
                    "time": "2025-03-02",
                    "conversions": 19,
                    "conversions_by_send_time": 17,
                    "unique_recipients": 2100,
                    "revenue": 310.0,
                    "messages": {
                        "trigger_in_app_message": [
                            {
                                "variation_name": "Modal with image",
                                "impressions": 1040, "clicks": 122,
                                "first_button_clicks": 98, "second_button_clicks": 24,
                                "revenue": 180.0, "unique_recipients": 1010,
                                "conversions": 11, "conversions_by_send_time": 10
                            },
                            {
                                "variation_name": "Slide-up",
                                "impressions": 995, "clicks": 87,
                                "first_button_clicks": 87, "second_button_clicks": 0,
                                "revenue": 130.0, "unique_recipients": 980,
                                "conversions": 8, "conversions_by_send_time": 7
                            },
                            {
                                "variation_name": "Control group",
                                "revenue": 0.0, "unique_recipients": 0,
                                "conversions": 2, "conversions_by_send_time": 2,
                                "enrolled": 110
                            }
                        ]
                    }
                }]
            }),
        ))
        .expect(1)
        .mount(&server)
        .await;

    let response = client
        .campaigns_data_series("c4a1e7d2-0b9f-4e3a-8d6c-5f2b1a0e9d87", 1u64)
        .send()
        .await
        .expect("a 200 answer decodes");

    common::assert_get_query(
        &server,
        &[
            ("campaign_id", "c4a1e7d2-0b9f-4e3a-8d6c-5f2b1a0e9d87"),
            ("length", "1"),
        ],
    )
    .await;
    let variations = &response.data[0].messages.as_ref().unwrap().0["trigger_in_app_message"];
    assert_eq!(variations.len(), 3);
    assert_eq!(
        variations[0].variation_name.as_deref(),
        Some("Modal with image")
    );
    assert_eq!(variations[0].first_button_clicks, Some(98));
    assert_eq!(variations[1].second_button_clicks, Some(0));
    assert_eq!(variations[1].revenue, Some(130.0));
    assert_eq!(variations[2].enrolled, Some(110));
    assert_eq!(variations[2].impressions, None);
}

#[tokio::test]
async fn campaigns_details_decodes_messages_by_channel_and_conversion_behaviors() {
    let (server, client) = common::setup().await;
    common::authorized("GET", "/campaigns/details")
        .and(query_param("campaign_id", "0b7d3a6e-2f41-4c59-9a8e-5d1c7b3e6f20"))
        .and(query_param("post_launch_draft_version", "true"))
        .respond_with(common::json_response(
            200,
            json!({
                "message": "success",
                "created_at": "2025-01-14T09:12:44+00:00",
                "updated_at": "2025-02-20T16:03:10+00:00",
                "archived": false,
                "draft": false,
                "enabled": true,
                "has_post_launch_draft": true,
                "name": "Spring sale announcement",
                "description": null,
                "schedule_type": "time_based",
                "channels": ["email", "ios_push", "webhook", "whats_app"],
                "first_sent": "2025-03-01T15:00:00+00:00",
                "last_sent": null,
                "tags": ["promotions", "spring"],
                "teams": ["Growth"],
                "messages": {
                    "3c1f9a52-8d4e-4b8a-9f0e-7a2b6c1d5e40": {
                        "channel": "email",
                        "name": "Variant A",
                        "subject": "Spring sale: 20% off everything",
                        "body": "<html><body>Spring sale</body></html>",
                        "from": "Acme Store <news@acme.example>",
                        "reply_to": "support@acme.example",
                        "preheader": "Two days only",
                        "should_inline_css": true,
                        "should_whitespace_header": false,
                        "extras": [],
                        "email_headers": []
                    },
                    "5a8b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d": {
                        "channel": "ios_push",
                        "name": "Variant A push",
                        "alert": "The spring sale starts now",
                        "title": "Spring sale",
                        "extras": {"deep_link_target": "sale"},
                        "image_url": "https://cdn.acme.example/push/spring.png",
                        "large_image_url": null
                    },
                    "2f3e4d5c-6b7a-4898-a7b6-c5d4e3f2a1b0": {
                        "channel": "webhook",
                        "url": "https://hooks.acme.example/braze",
                        "body": "{\"event\":\"sale\"}",
                        "type": "application/json",
                        "headers": {"X-Source": "braze"},
                        "method": "POST"
                    },
                    "8d9e0f1a-2b3c-4d5e-9f6a-7b8c9d0e1f2a": {
                        "channel": "whats_app",
                        "subscription_group_id": "a0b1c2d3-e4f5-4a6b-8c7d-8e9f0a1b2c3d",
                        "from": ["+12125550100", "+12125550101"],
                        "template_name": "spring_sale",
                        "template_language_code": "en_US",
                        "body_variables": ["{{${first_name}}}"]
                    },
                    "8f7e6d5c-4b3a-4291-8e7d-6c5b4a392817": {
                        "channel": "email",
                        "type": "control"
                    }
                },
                "conversion_behaviors": [
                    {"type": "Makes Specific Purchase", "window": 259200, "product": "spring-bundle"},
                    {"type": "Starts Session", "window": 86400, "app_ids": null},
                    {"type": "Upgrades App", "window": 604800, "app_ids": ["4f1c9d2e", "7a8b9c0d"]}
                ]
            }),
        ))
        .expect(1)
        .mount(&server)
        .await;

    let response = client
        .campaigns_details("0b7d3a6e-2f41-4c59-9a8e-5d1c7b3e6f20")
        .post_launch_draft_version(true)
        .send()
        .await
        .expect("a 200 answer decodes");

    common::assert_get_query(
        &server,
        &[
            ("campaign_id", "0b7d3a6e-2f41-4c59-9a8e-5d1c7b3e6f20"),
            ("post_launch_draft_version", "true"),
        ],
    )
    .await;
    assert_eq!(response.name.as_deref(), Some("Spring sale announcement"));
    assert_eq!(response.has_post_launch_draft, Some(true));
    assert!(
        response
            .description
            .as_ref()
            .and_then(|v| v.as_ref())
            .is_none()
    );
    assert_eq!(
        response
            .first_sent
            .as_ref()
            .and_then(|t| t.as_ref())
            .copied(),
        Some(common::utc("2025-03-01T15:00:00Z"))
    );
    assert!(
        response
            .last_sent
            .as_ref()
            .and_then(|v| v.as_ref())
            .is_none()
    );
    assert_eq!(response.channels.len(), 4);
    assert_eq!(response.channels[3], types::ExportMessageChannel::WhatsApp);
    assert_eq!(response.teams, vec!["Growth".to_string()]);

    assert_eq!(response.messages.len(), 5);
    let email = &response.messages["3c1f9a52-8d4e-4b8a-9f0e-7a2b6c1d5e40"];
    assert_eq!(
        email.channel.as_ref().unwrap(),
        &types::ExportMessageChannel::Email
    );
    assert_eq!(
        email.subject.as_deref(),
        Some("Spring sale: 20% off everything")
    );
    assert!(
        matches!(&email.from, Some(types::CampaignMessageSender::String(s)) if s.contains("news@acme.example"))
    );
    assert!(matches!(&email.extras, Some(types::CampaignMessageExtras::Array(a)) if a.is_empty()));
    let push = &response.messages["5a8b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d"];
    assert_eq!(push.alert.as_deref(), Some("The spring sale starts now"));
    assert!(
        matches!(&push.extras, Some(types::CampaignMessageExtras::Object(m)) if m["deep_link_target"] == "sale")
    );
    assert!(
        push.large_image_url
            .as_ref()
            .and_then(|v| v.as_ref())
            .is_none()
    );
    let webhook = &response.messages["2f3e4d5c-6b7a-4898-a7b6-c5d4e3f2a1b0"];
    assert_eq!(
        webhook.url.as_deref(),
        Some("https://hooks.acme.example/braze")
    );
    assert_eq!(webhook.headers["X-Source"], "braze");
    assert_eq!(
        webhook.method.as_ref().unwrap(),
        &types::CampaignMessageDetailsMethod::Post
    );
    let whatsapp = &response.messages["8d9e0f1a-2b3c-4d5e-9f6a-7b8c9d0e1f2a"];
    assert!(matches!(&whatsapp.from, Some(types::CampaignMessageSender::Array(n)) if n.len() == 2));
    assert_eq!(whatsapp.template_name.as_deref(), Some("spring_sale"));
    let control = &response.messages["8f7e6d5c-4b3a-4291-8e7d-6c5b4a392817"];
    assert_eq!(control.type_.as_deref(), Some("control"));

    let behaviors = &response.conversion_behaviors;
    assert_eq!(behaviors.len(), 3);
    assert_eq!(
        behaviors[0].type_,
        types::CampaignConversionBehaviorType::MakesSpecificPurchase
    );
    assert_eq!(behaviors[0].product.as_deref(), Some("spring-bundle"));
    assert_eq!(behaviors[0].window, Some(259200));
    assert!(
        behaviors[1]
            .app_ids
            .as_ref()
            .and_then(|v| v.as_ref())
            .is_none()
    );
    assert_eq!(
        behaviors[2]
            .app_ids
            .as_ref()
            .and_then(|a| a.as_ref())
            .map(|a| a.0.len()),
        Some(2)
    );
}

#[tokio::test]
async fn campaigns_list_sends_paging_filters_and_decodes_page() {
    let (server, client) = common::setup().await;
    common::authorized("GET", "/campaigns/list")
        .and(query_param("page", "2"))
        .and(query_param("include_archived", "true"))
        .and(query_param("sort_direction", "desc"))
        .and(query_param("last_edit.time[gt]", "2025-02-01T00:00:00Z"))
        .respond_with(common::json_response(
            200,
            json!({
                "message": "success",
                "campaigns": [
                    {
                        "id": "0b7d3a6e-2f41-4c59-9a8e-5d1c7b3e6f20",
                        "last_edited": "2025-02-20T16:03:10+00:00",
                        "name": "Spring sale announcement",
                        "is_api_campaign": false,
                        "tags": ["promotions", "spring"]
                    },
                    {
                        "id": "71c4e2a9-3b5d-4e8f-a1c6-2d9b8e7f4a35",
                        "last_edited": "2025-02-11T08:45:00",
                        "name": "Order shipped (transactional)",
                        "is_api_campaign": true,
                        "tags": []
                    }
                ]
            }),
        ))
        .expect(1)
        .mount(&server)
        .await;

    let response = client
        .campaigns_list()
        .page(2u64)
        .include_archived(true)
        .sort_direction(types::ExportSortDirection::Desc)
        .last_edit_time_gt(common::utc("2025-02-01T00:00:00Z"))
        .send()
        .await
        .expect("a 200 answer decodes");

    common::assert_get_query(
        &server,
        &[
            ("page", "2"),
            ("include_archived", "true"),
            ("sort_direction", "desc"),
            ("last_edit.time[gt]", "2025-02-01T00:00:00Z"),
        ],
    )
    .await;
    assert_eq!(response.campaigns.len(), 2);
    assert_eq!(response.campaigns[0].name, "Spring sale announcement");
    assert_eq!(response.campaigns[0].is_api_campaign, Some(false));
    assert_eq!(
        response.campaigns[0].tags,
        vec!["promotions".to_string(), "spring".to_string()]
    );
    assert_eq!(
        response.campaigns[1].id,
        "71c4e2a9-3b5d-4e8f-a1c6-2d9b8e7f4a35"
    );
    assert_eq!(response.campaigns[1].is_api_campaign, Some(true));
    assert_eq!(
        response.campaigns[1].last_edited.as_deref(),
        Some("2025-02-11T08:45:00")
    );
}

#[tokio::test]
async fn sends_data_series_sends_send_id_and_decodes_variations() {
    let (server, client) = common::setup().await;
    common::authorized("GET", "/sends/data_series")
        .and(query_param(
            "campaign_id",
            "71c4e2a9-3b5d-4e8f-a1c6-2d9b8e7f4a35",
        ))
        .and(query_param("send_id", "spring-sale-wave-1"))
        .and(query_param("length", "14"))
        .respond_with(common::json_response(
            200,
            json!({
                "message": "success",
                "data": [{
                    "time": "2025-03-01",
                    "conversions": 17,
                    "conversions_by_send_time": 17,
                    "unique_recipients": 1204,
                    "revenue": 402.75,
                    "messages": {
                        "ios_push": [
                            {
                                "variation_name": "Variant A",
                                "sent": 620, "delivered": 611, "undelivered": 9,
                                "delivery_failed": 2, "direct_opens": 71, "total_opens": 118,
                                "bounces": 9, "body_clicks": 64, "revenue": 210.25,
                                "unique_recipients": 620, "conversions": 9,
                                "conversions_by_send_time": 9, "conversions1": 3,
                                "conversions1_by_send_time": 3
                            },
                            {
                                "variation_name": "Variant B",
                                "sent": 584, "delivered": 579, "undelivered": 5,
                                "delivery_failed": 1, "direct_opens": 80, "total_opens": 131,
                                "bounces": 5, "body_clicks": 72, "revenue": 192.5,
                                "unique_recipients": 584, "conversions": 8,
                                "conversions_by_send_time": 8
                            }
                        ]
                    }
                }]
            }),
        ))
        .expect(1)
        .mount(&server)
        .await;

    let response = client
        .sends_data_series(
            "71c4e2a9-3b5d-4e8f-a1c6-2d9b8e7f4a35",
            14u64,
            "spring-sale-wave-1",
        )
        .send()
        .await
        .expect("a 200 answer decodes");

    common::assert_get_query(
        &server,
        &[
            ("campaign_id", "71c4e2a9-3b5d-4e8f-a1c6-2d9b8e7f4a35"),
            ("send_id", "spring-sale-wave-1"),
            ("length", "14"),
        ],
    )
    .await;
    let day = &response.data[0];
    assert_eq!(day.time.to_string(), "2025-03-01");
    assert_eq!(day.revenue, Some(402.75));
    let push = &day.messages.as_ref().unwrap().0["ios_push"];
    assert_eq!(push.len(), 2);
    assert_eq!(push[0].variation_name.as_deref(), Some("Variant A"));
    assert_eq!(push[0].undelivered, Some(9));
    assert_eq!(push[0].conversions1, Some(3));
    assert_eq!(push[1].variation_name.as_deref(), Some("Variant B"));
    assert_eq!(push[1].delivered, Some(579));
    assert_eq!(push[1].conversions1, None);
}

// ---------------------------------------------------------------------------
// Canvas
// ---------------------------------------------------------------------------

fn canvas_stats_body(per_day: bool) -> serde_json::Value {
    let variants = json!({
        "2d6f8a1c-3e5b-4c7d-9f0a-1b2c3d4e5f60": {
            "name": "Variant 1", "revenue": 60.0, "conversions": 7,
            "conversions_by_entry_time": 6, "entries": 171
        },
        "4e8a0c2d-5f7b-4d9e-8a1b-3c5d7e9f1a20": {
            "name": "Variant 2", "revenue": 36.5, "conversions": 5,
            "conversions_by_entry_time": 4, "entries": 169
        }
    });
    let steps = json!({
        "a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d": {
            "name": "Welcome email", "revenue": 48.0, "conversions": 6,
            "conversions_by_entry_time": 5,
            "messages": {
                "email": [{
                    "sent": 338, "opens": 201, "unique_opens": 176, "clicks": 54,
                    "unique_clicks": 47, "delivered": 333, "bounces": 5
                }]
            }
        },
        "b7c8d9e0-f1a2-4b3c-8d4e-5f6a7b8c9d0e": {
            "name": "Day 2 reminder", "revenue": 12.0, "conversions": 2,
            "conversions_by_entry_time": 2,
            "messages": {
                "android_push": [{"sent": 290, "opens": 31, "influenced_opens": 52, "bounces": 4}],
                "sms": [{
                    "sent": 120, "sent_to_carrier": 119, "delivered": 117, "rejected": 0,
                    "delivery_failed": 2, "clicks": 14, "opt_out": 1, "help": 0
                }]
            }
        }
    });
    let totals = json!({"revenue": 96.5, "conversions": 12, "conversions_by_entry_time": 10, "entries": 340});
    if per_day {
        json!({
            "message": "success",
            "data": {
                "name": "Onboarding journey",
                "stats": [
                    {"time": "2025-03-01", "total_stats": totals, "variant_stats": variants, "step_stats": steps},
                    {"time": "2025-03-02", "total_stats": {"revenue": 0.0, "conversions": 0, "conversions_by_entry_time": 0, "entries": 12}}
                ]
            }
        })
    } else {
        json!({
            "message": "success",
            "data": {"name": "Onboarding journey", "total_stats": totals, "variant_stats": variants, "step_stats": steps}
        })
    }
}

#[tokio::test]
async fn canvas_data_series_sends_window_and_breakdowns_and_decodes_stats() {
    let (server, client) = common::setup().await;
    common::authorized("GET", "/canvas/data_series")
        .and(query_param(
            "canvas_id",
            "9a8b7c6d-5e4f-4a3b-9c2d-1e0f9a8b7c6d",
        ))
        .and(query_param("ending_at", "2025-03-02T23:59:59Z"))
        .and(query_param("starting_at", "2025-03-01T00:00:00Z"))
        .and(query_param("include_variant_breakdown", "true"))
        .and(query_param("include_step_breakdown", "true"))
        .and(query_param("include_deleted_step_data", "false"))
        .respond_with(common::json_response(200, canvas_stats_body(true)))
        .expect(1)
        .mount(&server)
        .await;

    let response = client
        .canvas_data_series(
            "9a8b7c6d-5e4f-4a3b-9c2d-1e0f9a8b7c6d",
            common::utc("2025-03-02T23:59:59Z"),
        )
        .starting_at(common::utc("2025-03-01T00:00:00Z"))
        .include_variant_breakdown(true)
        .include_step_breakdown(true)
        .include_deleted_step_data(false)
        .send()
        .await
        .expect("a 200 answer decodes");

    common::assert_get_query(
        &server,
        &[
            ("canvas_id", "9a8b7c6d-5e4f-4a3b-9c2d-1e0f9a8b7c6d"),
            ("ending_at", "2025-03-02T23:59:59Z"),
            ("starting_at", "2025-03-01T00:00:00Z"),
            ("include_variant_breakdown", "true"),
            ("include_step_breakdown", "true"),
            ("include_deleted_step_data", "false"),
        ],
    )
    .await;
    let data = &response.data;
    assert_eq!(data.name.as_deref(), Some("Onboarding journey"));
    assert_eq!(data.stats.len(), 2);
    let day = &data.stats[0];
    assert_eq!(day.time.to_string(), "2025-03-01");
    let totals = day.total_stats.as_ref().unwrap();
    assert_eq!(totals.entries, Some(340));
    assert_eq!(totals.revenue, Some(96.5));
    assert_eq!(day.variant_stats.len(), 2);
    let v2 = &day.variant_stats["4e8a0c2d-5f7b-4d9e-8a1b-3c5d7e9f1a20"];
    assert_eq!(v2.name.as_deref(), Some("Variant 2"));
    assert_eq!(v2.entries, Some(169));
    assert_eq!(v2.conversions_by_entry_time, Some(4));
    let reminder = &day.step_stats["b7c8d9e0-f1a2-4b3c-8d4e-5f6a7b8c9d0e"];
    let channels = &reminder.messages.as_ref().unwrap().0;
    assert_eq!(channels["android_push"][0].influenced_opens, Some(52));
    assert_eq!(channels["sms"][0].delivery_failed, Some(2));
    let welcome = &day.step_stats["a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d"];
    assert_eq!(
        welcome.messages.as_ref().unwrap().0["email"][0].unique_opens,
        Some(176)
    );
    assert!(data.stats[1].variant_stats.is_empty());
    assert!(data.stats[1].step_stats.is_empty());
}

#[tokio::test]
async fn canvas_data_summary_sends_length_and_decodes_rollup() {
    let (server, client) = common::setup().await;
    common::authorized("GET", "/canvas/data_summary")
        .and(query_param(
            "canvas_id",
            "9a8b7c6d-5e4f-4a3b-9c2d-1e0f9a8b7c6d",
        ))
        .and(query_param("ending_at", "2025-03-02T23:59:59Z"))
        .and(query_param("length", "14"))
        .and(query_param("include_variant_breakdown", "true"))
        .and(query_param("include_step_breakdown", "true"))
        .respond_with(common::json_response(200, canvas_stats_body(false)))
        .expect(1)
        .mount(&server)
        .await;

    let response = client
        .canvas_data_summary(
            "9a8b7c6d-5e4f-4a3b-9c2d-1e0f9a8b7c6d",
            common::utc("2025-03-02T23:59:59Z"),
        )
        .length(14u64)
        .include_variant_breakdown(true)
        .include_step_breakdown(true)
        .send()
        .await
        .expect("a 200 answer decodes");

    common::assert_get_query(
        &server,
        &[
            ("canvas_id", "9a8b7c6d-5e4f-4a3b-9c2d-1e0f9a8b7c6d"),
            ("ending_at", "2025-03-02T23:59:59Z"),
            ("length", "14"),
            ("include_variant_breakdown", "true"),
            ("include_step_breakdown", "true"),
        ],
    )
    .await;
    let data = &response.data;
    assert_eq!(data.name.as_deref(), Some("Onboarding journey"));
    assert_eq!(data.total_stats.as_ref().unwrap().conversions, Some(12));
    assert_eq!(data.variant_stats.len(), 2);
    assert_eq!(
        data.variant_stats["2d6f8a1c-3e5b-4c7d-9f0a-1b2c3d4e5f60"].revenue,
        Some(60.0)
    );
    assert_eq!(data.step_stats.len(), 2);
    let reminder = &data.step_stats["b7c8d9e0-f1a2-4b3c-8d4e-5f6a7b8c9d0e"];
    assert_eq!(reminder.name.as_deref(), Some("Day 2 reminder"));
    assert_eq!(
        reminder.messages.as_ref().unwrap().0["android_push"][0].sent,
        Some(290)
    );
}

#[tokio::test]
async fn canvas_details_decodes_variants_steps_and_paths() {
    let (server, client) = common::setup().await;
    common::authorized("GET", "/canvas/details")
        .and(query_param("canvas_id", "9a8b7c6d-5e4f-4a3b-9c2d-1e0f9a8b7c6d"))
        .respond_with(common::json_response(
            200,
            json!({
                "message": "success",
                "created_at": "2024-11-04T10:00:00Z",
                "updated_at": "2025-02-27T13:30:00Z",
                "name": "Onboarding journey",
                "description": "Welcomes new sign-ups over their first week",
                "archived": false,
                "draft": false,
                "enabled": true,
                "has_post_launch_draft": false,
                "schedule_type": "action_based",
                "first_entry": "2024-11-05T00:02:11Z",
                "last_entry": "2025-03-02T23:58:40Z",
                "channels": ["email", "push", "in_app_message"],
                "variants": [
                    {
                        "name": "Variant 1",
                        "id": "2d6f8a1c-3e5b-4c7d-9f0a-1b2c3d4e5f60",
                        "first_step_ids": ["a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d"],
                        "first_step_id": "a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d"
                    },
                    {
                        "name": "Variant 2",
                        "id": "4e8a0c2d-5f7b-4d9e-8a1b-3c5d7e9f1a20",
                        "first_step_ids": ["c9d8e7f6-a5b4-4c3d-9e2f-1a0b9c8d7e6f", "d0e1f2a3-b4c5-4d6e-8f7a-9b0c1d2e3f4a"]
                    }
                ],
                "tags": ["onboarding"],
                "teams": ["Lifecycle"],
                "steps": [
                    {
                        "name": "Welcome email",
                        "type": "message",
                        "id": "a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d",
                        "next_step_ids": ["c9d8e7f6-a5b4-4c3d-9e2f-1a0b9c8d7e6f"],
                        "next_paths": [{"name": null, "next_step_id": "c9d8e7f6-a5b4-4c3d-9e2f-1a0b9c8d7e6f"}],
                        "channels": ["email"],
                        "messages": {
                            "6e5d4c3b-2a19-4807-b6c5-d4e3f2a1b0c9": {
                                "channel": "email",
                                "subject": "Welcome aboard",
                                "body": "<html><body>Glad you joined us.</body></html>",
                                "created_at": "2024-11-04T10:00:00Z",
                                "updated_at": "2024-11-04T10:00:00Z"
                            }
                        }
                    },
                    {
                        "name": "Opened the email?",
                        "type": "decision_split",
                        "id": "c9d8e7f6-a5b4-4c3d-9e2f-1a0b9c8d7e6f",
                        "next_step_ids": [],
                        "next_paths": [
                            {"name": "Yes", "next_step_id": "d0e1f2a3-b4c5-4d6e-8f7a-9b0c1d2e3f4a"},
                            {"name": "No", "next_step_id": "b7c8d9e0-f1a2-4b3c-8d4e-5f6a7b8c9d0e"}
                        ],
                        "channels": [],
                        "messages": {}
                    },
                    {
                        "name": "Profile nudge",
                        "type": "in_app_message",
                        "id": "d0e1f2a3-b4c5-4d6e-8f7a-9b0c1d2e3f4a",
                        "next_step_ids": [],
                        "next_paths": [],
                        "channels": ["in_app_message"],
                        "messages": {
                            "0a9b8c7d-6e5f-4a3b-9c2d-1e0f2a3b4c5d": {
                                "channel": "in_app_message",
                                "header": "Complete your profile",
                                "body": "Unlock member prices in two taps."
                            }
                        }
                    }
                ]
            }),
        ))
        .expect(1)
        .mount(&server)
        .await;

    let response = client
        .canvas_details("9a8b7c6d-5e4f-4a3b-9c2d-1e0f9a8b7c6d")
        .send()
        .await
        .expect("a 200 answer decodes");

    common::assert_get_query(
        &server,
        &[("canvas_id", "9a8b7c6d-5e4f-4a3b-9c2d-1e0f9a8b7c6d")],
    )
    .await;
    assert_eq!(response.name.as_deref(), Some("Onboarding journey"));
    assert_eq!(
        response
            .description
            .as_ref()
            .and_then(|d| d.as_ref())
            .map(String::as_str),
        Some("Welcomes new sign-ups over their first week")
    );
    assert_eq!(
        response.created_at,
        Some(common::utc("2024-11-04T10:00:00Z"))
    );
    assert_eq!(response.channels[1], types::ExportMessageChannel::Push);
    assert_eq!(response.variants.len(), 2);
    assert_eq!(response.variants[1].first_step_ids.len(), 2);
    assert_eq!(response.variants[1].first_step_id, None);
    assert_eq!(response.steps.len(), 3);
    let welcome = &response.steps[0];
    assert_eq!(welcome.type_.as_deref(), Some("message"));
    assert!(
        welcome.next_paths[0]
            .name
            .as_ref()
            .and_then(|v| v.as_ref())
            .is_none()
    );
    let email = &welcome.messages["6e5d4c3b-2a19-4807-b6c5-d4e3f2a1b0c9"];
    assert_eq!(email.subject.as_deref(), Some("Welcome aboard"));
    assert_eq!(email.updated_at, Some(common::utc("2024-11-04T10:00:00Z")));
    let split = &response.steps[1];
    assert_eq!(split.next_paths.len(), 2);
    assert_eq!(
        split.next_paths[0]
            .name
            .as_ref()
            .and_then(|n| n.as_ref())
            .map(String::as_str),
        Some("Yes")
    );
    assert_eq!(
        split.next_paths[1].next_step_id.as_deref(),
        Some("b7c8d9e0-f1a2-4b3c-8d4e-5f6a7b8c9d0e")
    );
    assert!(split.messages.is_empty());
    let iam = &response.steps[2].messages["0a9b8c7d-6e5f-4a3b-9c2d-1e0f2a3b4c5d"];
    assert_eq!(
        iam.channel.as_ref().unwrap(),
        &types::ExportMessageChannel::InAppMessage
    );
    assert_eq!(iam.header.as_deref(), Some("Complete your profile"));
}

#[tokio::test]
async fn canvas_list_sends_paging_filters_and_decodes_page() {
    let (server, client) = common::setup().await;
    common::authorized("GET", "/canvas/list")
        .and(query_param("page", "0"))
        .and(query_param("include_archived", "false"))
        .and(query_param("sort_direction", "asc"))
        .respond_with(common::json_response(
            200,
            json!({
                "message": "success",
                "canvases": [
                    {
                        "id": "9a8b7c6d-5e4f-4a3b-9c2d-1e0f9a8b7c6d",
                        "last_edited": "2025-02-27T13:30:00+00:00",
                        "name": "Onboarding journey",
                        "tags": ["onboarding"]
                    },
                    {
                        "id": "1f2e3d4c-5b6a-4978-8a6b-5c4d3e2f1a0b",
                        "last_edited": "2025-01-08T09:15:22+00:00",
                        "name": "Win-back after 30 days",
                        "tags": ["retention", "email"]
                    }
                ]
            }),
        ))
        .expect(1)
        .mount(&server)
        .await;

    let response = client
        .canvas_list()
        .page(0u64)
        .include_archived(false)
        .sort_direction(types::ExportSortDirection::Asc)
        .send()
        .await
        .expect("a 200 answer decodes");

    common::assert_get_query(
        &server,
        &[
            ("page", "0"),
            ("include_archived", "false"),
            ("sort_direction", "asc"),
        ],
    )
    .await;
    assert_eq!(response.canvases.len(), 2);
    assert_eq!(
        response.canvases[0].id,
        "9a8b7c6d-5e4f-4a3b-9c2d-1e0f9a8b7c6d"
    );
    assert_eq!(response.canvases[1].name, "Win-back after 30 days");
    assert_eq!(response.canvases[1].tags.len(), 2);
    assert_eq!(
        response.canvases[1].last_edited.as_deref(),
        Some("2025-01-08T09:15:22+00:00")
    );
}

// ---------------------------------------------------------------------------
// Segments
// ---------------------------------------------------------------------------

#[tokio::test]
async fn segments_data_series_sends_query_and_decodes_sizes() {
    let (server, client) = common::setup().await;
    common::authorized("GET", "/segments/data_series")
        .and(query_param(
            "segment_id",
            "6b5a4938-2716-4f5e-8d4c-3b2a19087f6e",
        ))
        .and(query_param("length", "2"))
        .and(query_param("ending_at", "2025-03-02T23:59:59Z"))
        .respond_with(common::json_response(
            200,
            json!({
                "message": "success",
                "data": [
                    {"time": "2025-03-01", "size": 48210},
                    {"time": "2025-03-02", "size": 48377}
                ]
            }),
        ))
        .expect(1)
        .mount(&server)
        .await;

    let response = client
        .segments_data_series(2u64, "6b5a4938-2716-4f5e-8d4c-3b2a19087f6e")
        .ending_at(common::utc("2025-03-02T23:59:59Z"))
        .send()
        .await
        .expect("a 200 answer decodes");

    common::assert_get_query(
        &server,
        &[
            ("segment_id", "6b5a4938-2716-4f5e-8d4c-3b2a19087f6e"),
            ("length", "2"),
            ("ending_at", "2025-03-02T23:59:59Z"),
        ],
    )
    .await;
    assert_eq!(response.data.len(), 2);
    assert_eq!(response.data[0].time.to_string(), "2025-03-01");
    assert_eq!(response.data[0].size, 48210);
    assert_eq!(response.data[1].size, 48377);
}

#[tokio::test]
async fn segments_details_decodes_descriptions_tags_and_teams() {
    let (server, client) = common::setup().await;
    common::authorized("GET", "/segments/details")
        .and(query_param(
            "segment_id",
            "6b5a4938-2716-4f5e-8d4c-3b2a19087f6e",
        ))
        .respond_with(common::json_response(
            200,
            json!({
                "message": "success",
                "created_at": "2024-06-18T12:40:05+00:00",
                "updated_at": "2025-01-30T08:21:47+00:00",
                "name": "Lapsed buyers",
                "description": "Last purchase more than 60 days ago AND has email",
                "text_description": "Customers who bought before but not in the last two months",
                "tags": ["retention", "email"],
                "teams": ["Lifecycle", "CRM"]
            }),
        ))
        .expect(1)
        .mount(&server)
        .await;

    let response = client
        .segments_details("6b5a4938-2716-4f5e-8d4c-3b2a19087f6e")
        .send()
        .await
        .expect("a 200 answer decodes");

    common::assert_get_query(
        &server,
        &[("segment_id", "6b5a4938-2716-4f5e-8d4c-3b2a19087f6e")],
    )
    .await;
    assert_eq!(response.name.as_deref(), Some("Lapsed buyers"));
    assert_eq!(
        response.updated_at,
        Some(common::utc("2025-01-30T08:21:47Z"))
    );
    assert_eq!(
        response
            .text_description
            .as_ref()
            .and_then(|d| d.as_ref())
            .map(String::as_str),
        Some("Customers who bought before but not in the last two months")
    );
    assert!(
        response
            .description
            .as_ref()
            .and_then(|d| d.as_ref())
            .is_some_and(|d| d.starts_with("Last purchase"))
    );
    assert_eq!(response.tags.len(), 2);
    assert_eq!(
        response.teams,
        vec!["Lifecycle".to_string(), "CRM".to_string()]
    );
}

#[tokio::test]
async fn segments_list_sends_paging_and_decodes_page() {
    let (server, client) = common::setup().await;
    common::authorized("GET", "/segments/list")
        .and(query_param("page", "1"))
        .and(query_param("sort_direction", "desc"))
        .respond_with(common::json_response(
            200,
            json!({
                "message": "success",
                "segments": [
                    {
                        "id": "6b5a4938-2716-4f5e-8d4c-3b2a19087f6e",
                        "name": "Lapsed buyers",
                        "analytics_tracking_enabled": true,
                        "tags": ["retention"]
                    },
                    {
                        "id": "0c1d2e3f-4a5b-4c6d-8e7f-9a0b1c2d3e4f",
                        "name": "Newsletter subscribers",
                        "analytics_tracking_enabled": false,
                        "tags": []
                    }
                ]
            }),
        ))
        .expect(1)
        .mount(&server)
        .await;

    let response = client
        .segments_list()
        .page(1u64)
        .sort_direction(types::ExportSortDirection::Desc)
        .send()
        .await
        .expect("a 200 answer decodes");

    common::assert_get_query(&server, &[("page", "1"), ("sort_direction", "desc")]).await;
    assert_eq!(response.segments.len(), 2);
    assert_eq!(response.segments[0].analytics_tracking_enabled, Some(true));
    assert_eq!(response.segments[1].name, "Newsletter subscribers");
    assert_eq!(response.segments[1].analytics_tracking_enabled, Some(false));
    assert!(response.segments[1].tags.is_empty());
}

// ---------------------------------------------------------------------------
// Sessions and custom events
// ---------------------------------------------------------------------------

#[tokio::test]
async fn sessions_data_series_sends_every_filter_and_decodes_hourly_points() {
    let (server, client) = common::setup().await;
    common::authorized("GET", "/sessions/data_series")
        .and(query_param("length", "24"))
        .and(query_param("unit", "hour"))
        .and(query_param("ending_at", "2025-03-02T23:00:00Z"))
        .and(query_param(
            "app_id",
            "4f1c9d2e-8a3b-4c5d-9e6f-7a8b9c0d1e2f",
        ))
        .and(query_param(
            "segment_id",
            "6b5a4938-2716-4f5e-8d4c-3b2a19087f6e",
        ))
        .respond_with(common::json_response(
            200,
            json!({
                "message": "success",
                "data": [
                    {"time": "2025-03-02T22:00:00", "sessions": 812},
                    {"time": "2025-03-02T23:00:00", "sessions": 640}
                ]
            }),
        ))
        .expect(1)
        .mount(&server)
        .await;

    let response = client
        .sessions_data_series(24u64)
        .unit(types::ExportTimeUnit::Hour)
        .ending_at(common::utc("2025-03-02T23:00:00Z"))
        .app_id("4f1c9d2e-8a3b-4c5d-9e6f-7a8b9c0d1e2f")
        .segment_id("6b5a4938-2716-4f5e-8d4c-3b2a19087f6e")
        .send()
        .await
        .expect("a 200 answer decodes");

    common::assert_get_query(
        &server,
        &[
            ("length", "24"),
            ("unit", "hour"),
            ("ending_at", "2025-03-02T23:00:00Z"),
            ("app_id", "4f1c9d2e-8a3b-4c5d-9e6f-7a8b9c0d1e2f"),
            ("segment_id", "6b5a4938-2716-4f5e-8d4c-3b2a19087f6e"),
        ],
    )
    .await;
    assert_eq!(response.data.len(), 2);
    assert_eq!(response.data[0].time, "2025-03-02T22:00:00");
    assert_eq!(response.data[0].sessions, 812);
    assert_eq!(response.data[1].sessions, 640);
}

#[tokio::test]
async fn events_data_series_sends_event_and_decodes_counts() {
    let (server, client) = common::setup().await;
    common::authorized("GET", "/events/data_series")
        .and(query_param("event", "added_to_cart"))
        .and(query_param("length", "3"))
        .and(query_param("unit", "day"))
        .respond_with(common::json_response(
            200,
            json!({
                "message": "success",
                "data": [
                    {"time": "2025-02-28", "count": 1502},
                    {"time": "2025-03-01", "count": 1733},
                    {"time": "2025-03-02", "count": 1618}
                ]
            }),
        ))
        .expect(1)
        .mount(&server)
        .await;

    let response = client
        .events_data_series("added_to_cart", 3u64)
        .unit(types::ExportTimeUnit::Day)
        .send()
        .await
        .expect("a 200 answer decodes");

    common::assert_get_query(
        &server,
        &[("event", "added_to_cart"), ("length", "3"), ("unit", "day")],
    )
    .await;
    assert_eq!(response.data.len(), 3);
    assert_eq!(response.data[1].time, "2025-03-01");
    assert_eq!(response.data[1].count, 1733);
    assert_eq!(response.data.iter().map(|p| p.count).sum::<u64>(), 4853);
}

#[tokio::test]
async fn events_list_sends_page_and_decodes_names() {
    let (server, client) = common::setup().await;
    common::authorized("GET", "/events/list")
        .and(query_param("page", "3"))
        .respond_with(common::json_response(
            200,
            json!({
                "message": "success",
                "events": ["added_to_cart", "checkout_started", "viewed_product"]
            }),
        ))
        .expect(1)
        .mount(&server)
        .await;

    let response = client
        .events_list()
        .page(3u64)
        .send()
        .await
        .expect("a 200 answer decodes");

    common::assert_get_query(&server, &[("page", "3")]).await;
    assert_eq!(response.message, "success");
    assert_eq!(
        response.events,
        vec![
            "added_to_cart".to_string(),
            "checkout_started".to_string(),
            "viewed_product".to_string()
        ]
    );
}

// ---------------------------------------------------------------------------
// KPIs
// ---------------------------------------------------------------------------

#[tokio::test]
async fn kpi_dau_data_series_sends_app_and_decodes_points() {
    let (server, client) = common::setup().await;
    common::authorized("GET", "/kpi/dau/data_series")
        .and(query_param("length", "2"))
        .and(query_param("ending_at", "2025-03-02T23:59:59Z"))
        .and(query_param(
            "app_id",
            "4f1c9d2e-8a3b-4c5d-9e6f-7a8b9c0d1e2f",
        ))
        .respond_with(common::json_response(
            200,
            json!({
                "message": "success",
                "data": [{"time": "2025-03-01", "dau": 9120}, {"time": "2025-03-02", "dau": 8874}]
            }),
        ))
        .expect(1)
        .mount(&server)
        .await;

    let response = client
        .kpi_dau_data_series(2u64)
        .ending_at(common::utc("2025-03-02T23:59:59Z"))
        .app_id("4f1c9d2e-8a3b-4c5d-9e6f-7a8b9c0d1e2f")
        .send()
        .await
        .expect("a 200 answer decodes");

    common::assert_get_query(
        &server,
        &[
            ("length", "2"),
            ("ending_at", "2025-03-02T23:59:59Z"),
            ("app_id", "4f1c9d2e-8a3b-4c5d-9e6f-7a8b9c0d1e2f"),
        ],
    )
    .await;
    assert_eq!(response.data.len(), 2);
    assert_eq!(response.data[0].time.to_string(), "2025-03-01");
    assert_eq!(response.data[0].dau, 9120);
    assert_eq!(response.data[1].dau, 8874);
}

#[tokio::test]
async fn kpi_mau_data_series_sends_length_and_decodes_points() {
    let (server, client) = common::setup().await;
    common::authorized("GET", "/kpi/mau/data_series")
        .and(query_param("length", "30"))
        .respond_with(common::json_response(
            200,
            json!({
                "message": "success",
                "data": [{"time": "2025-03-01", "mau": 61458}, {"time": "2025-03-02", "mau": 61502}]
            }),
        ))
        .expect(1)
        .mount(&server)
        .await;

    let response = client
        .kpi_mau_data_series(30u64)
        .send()
        .await
        .expect("a 200 answer decodes");

    common::assert_get_query(&server, &[("length", "30")]).await;
    assert_eq!(response.data[1].time.to_string(), "2025-03-02");
    assert_eq!(response.data[1].mau, 61502);
    assert_eq!(response.data[0].mau, 61458);
}

#[tokio::test]
async fn kpi_new_users_data_series_sends_app_and_decodes_points() {
    let (server, client) = common::setup().await;
    common::authorized("GET", "/kpi/new_users/data_series")
        .and(query_param("length", "14"))
        .and(query_param("app_id", "4f1c9d2e-8a3b-4c5d-9e6f-7a8b9c0d1e2f"))
        .respond_with(common::json_response(
            200,
            json!({
                "message": "success",
                "data": [{"time": "2025-03-01", "new_users": 734}, {"time": "2025-03-02", "new_users": 688}]
            }),
        ))
        .expect(1)
        .mount(&server)
        .await;

    let response = client
        .kpi_new_users_data_series(14u64)
        .app_id("4f1c9d2e-8a3b-4c5d-9e6f-7a8b9c0d1e2f")
        .send()
        .await
        .expect("a 200 answer decodes");

    common::assert_get_query(
        &server,
        &[
            ("length", "14"),
            ("app_id", "4f1c9d2e-8a3b-4c5d-9e6f-7a8b9c0d1e2f"),
        ],
    )
    .await;
    assert_eq!(response.data.len(), 2);
    assert_eq!(response.data[0].new_users, 734);
    assert_eq!(response.data[1].time.to_string(), "2025-03-02");
}

#[tokio::test]
async fn kpi_uninstalls_data_series_sends_window_and_decodes_points() {
    let (server, client) = common::setup().await;
    common::authorized("GET", "/kpi/uninstalls/data_series")
        .and(query_param("length", "2"))
        .and(query_param("ending_at", "2025-03-02T12:00:00Z"))
        .respond_with(common::json_response(
            200,
            json!({
                "message": "success",
                "data": [{"time": "2025-03-01", "uninstalls": 57}, {"time": "2025-03-02", "uninstalls": 49}]
            }),
        ))
        .expect(1)
        .mount(&server)
        .await;

    let response = client
        .kpi_uninstalls_data_series(2u64)
        .ending_at(common::utc("2025-03-02T12:00:00Z"))
        .send()
        .await
        .expect("a 200 answer decodes");

    common::assert_get_query(
        &server,
        &[("length", "2"), ("ending_at", "2025-03-02T12:00:00Z")],
    )
    .await;
    assert_eq!(response.data[0].uninstalls, 57);
    assert_eq!(response.data[1].uninstalls, 49);
}

// ---------------------------------------------------------------------------
// News Feed (deprecated, still callable)
// ---------------------------------------------------------------------------

#[tokio::test]
#[allow(deprecated)]
async fn feed_data_series_sends_card_and_decodes_engagement() {
    let (server, client) = common::setup().await;
    common::authorized("GET", "/feed/data_series")
        .and(query_param("card_id", "3bbc4555-8fa0-4c9b-a5c0-4505edf3e064"))
        .and(query_param("length", "2"))
        .and(query_param("unit", "day"))
        .and(query_param("ending_at", "2023-06-28T23:59:59Z"))
        .respond_with(common::json_response(
            200,
            json!({
                "message": "success",
                "data": [
                    {"time": "2023-06-27", "clicks": 37, "impressions": 904, "unique_clicks": 31, "unique_impressions": 611},
                    {"time": "2023-06-28", "clicks": 22, "impressions": 757, "unique_clicks": 20, "unique_impressions": 540}
                ]
            }),
        ))
        .expect(1)
        .mount(&server)
        .await;

    let response = client
        .feed_data_series("3bbc4555-8fa0-4c9b-a5c0-4505edf3e064", 2u64)
        .unit(types::ExportTimeUnit::Day)
        .ending_at(common::utc("2023-06-28T23:59:59Z"))
        .send()
        .await
        .expect("a 200 answer decodes");

    common::assert_get_query(
        &server,
        &[
            ("card_id", "3bbc4555-8fa0-4c9b-a5c0-4505edf3e064"),
            ("length", "2"),
            ("unit", "day"),
            ("ending_at", "2023-06-28T23:59:59Z"),
        ],
    )
    .await;
    assert_eq!(response.data.len(), 2);
    assert_eq!(response.data[0].time, "2023-06-27");
    assert_eq!(response.data[0].impressions, Some(904));
    assert_eq!(response.data[1].unique_clicks, Some(20));
    assert_eq!(response.data[1].unique_impressions, Some(540));
}

#[tokio::test]
#[allow(deprecated)]
async fn feed_details_decodes_card_with_extras() {
    let (server, client) = common::setup().await;
    common::authorized("GET", "/feed/details")
        .and(query_param(
            "card_id",
            "3bbc4555-8fa0-4c9b-a5c0-4505edf3e064",
        ))
        .respond_with(common::json_response(
            200,
            json!({
                "message": "success",
                "created_at": "2023-05-02T10:11:12+00:00",
                "updated_at": "2023-06-01T08:00:00+00:00",
                "name": "Summer catalogue card",
                "publish_at": "2023-06-01T00:00:00+00:00",
                "end_at": null,
                "tags": ["catalogue"],
                "title": "The summer catalogue is out",
                "image_url": "https://cdn.acme.example/feed/summer.png",
                "extras": {"catalogue_id": "summer-2023", "priority": 2},
                "description": "Browse 200 new products for the season.",
                "archived": false,
                "draft": true
            }),
        ))
        .expect(1)
        .mount(&server)
        .await;

    let response = client
        .feed_details("3bbc4555-8fa0-4c9b-a5c0-4505edf3e064")
        .send()
        .await
        .expect("a 200 answer decodes");

    common::assert_get_query(
        &server,
        &[("card_id", "3bbc4555-8fa0-4c9b-a5c0-4505edf3e064")],
    )
    .await;
    assert_eq!(
        response.title.as_deref(),
        Some("The summer catalogue is out")
    );
    assert_eq!(
        response
            .publish_at
            .as_ref()
            .and_then(|t| t.as_ref())
            .copied(),
        Some(common::utc("2023-06-01T00:00:00Z"))
    );
    assert_eq!(
        response.end_at,
        Some(braze_sdk::Nullable::Null),
        "`end_at: null` is kept"
    );
    assert_eq!(response.extras["catalogue_id"], "summer-2023");
    assert_eq!(response.extras["priority"], 2);
    assert_eq!(response.draft, Some(true));
    assert_eq!(response.tags, vec!["catalogue".to_string()]);
}

#[tokio::test]
#[allow(deprecated)]
async fn feed_list_sends_paging_and_decodes_card_types() {
    let (server, client) = common::setup().await;
    common::authorized("GET", "/feed/list")
        .and(query_param("page", "1"))
        .and(query_param("include_archived", "true"))
        .and(query_param("sort_direction", "desc"))
        .respond_with(common::json_response(
            200,
            json!({
                "message": "success",
                "cards": [
                    {"id": "3bbc4555-8fa0-4c9b-a5c0-4505edf3e064", "type": "CaptionedImage", "title": "The summer catalogue is out", "tags": ["catalogue"]},
                    {"id": "7d1e2f3a-4b5c-4d6e-9f8a-0b1c2d3e4f5a", "type": "NewsItem", "title": "Store opening hours change", "tags": []},
                    {"id": "5e6f7a8b-9c0d-4e1f-8a2b-3c4d5e6f7a8b", "type": "DevPick", "title": "Try our recipes app", "tags": ["cross-promo"]}
                ]
            }),
        ))
        .expect(1)
        .mount(&server)
        .await;

    let response = client
        .feed_list()
        .page(1u64)
        .include_archived(true)
        .sort_direction(types::ExportSortDirection::Desc)
        .send()
        .await
        .expect("a 200 answer decodes");

    common::assert_get_query(
        &server,
        &[
            ("page", "1"),
            ("include_archived", "true"),
            ("sort_direction", "desc"),
        ],
    )
    .await;
    assert_eq!(response.cards.len(), 3);
    assert_eq!(
        response.cards[0].type_.as_ref().unwrap(),
        &types::FeedCardListItemType::CaptionedImage
    );
    assert_eq!(
        response.cards[1].type_.as_ref().unwrap(),
        &types::FeedCardListItemType::NewsItem
    );
    assert_eq!(
        response.cards[2].type_.as_ref().unwrap(),
        &types::FeedCardListItemType::DevPick
    );
    assert_eq!(response.cards[2].tags, vec!["cross-promo".to_string()]);
}

// ---------------------------------------------------------------------------
// Purchases
// ---------------------------------------------------------------------------

#[tokio::test]
async fn purchases_product_list_sends_page_and_decodes_products() {
    let (server, client) = common::setup().await;
    common::authorized("GET", "/purchases/product_list")
        .and(query_param("page", "1"))
        .respond_with(common::json_response(
            200,
            json!({"products": ["sku-10023", "sku-10077", "gift-card-50"], "message": "success"}),
        ))
        .expect(1)
        .mount(&server)
        .await;

    let response = client
        .purchases_product_list()
        .page(1u64)
        .send()
        .await
        .expect("a 200 answer decodes");

    common::assert_get_query(&server, &[("page", "1")]).await;
    assert_eq!(response.message, "success");
    assert_eq!(response.products.len(), 3);
    assert_eq!(response.products[2], "gift-card-50");
    assert_eq!(response.status().as_u16(), 200);
}

// ---------------------------------------------------------------------------
// What the runtime knows about this family
// ---------------------------------------------------------------------------

#[test]
fn export_metadata_pages_deprecations_and_buckets() {
    use braze_sdk::operation::{Pagination, RateLimit, find};

    let pages = [
        ("campaigns_list", 100, "campaigns"),
        ("canvas_list", 100, "canvases"),
        ("segments_list", 100, "segments"),
        ("feed_list", 100, "cards"),
        ("events_list", 250, "events"),
        ("purchases_product_list", 250, "products"),
    ];
    for (id, size, items) in pages {
        let op = find(id).unwrap_or_else(|| panic!("{id} is in the spec"));
        assert_eq!(
            op.pagination,
            Some(Pagination::Page {
                param: "page",
                page_size: size,
                items
            }),
            "{id}"
        );
    }
    for id in ["feed_data_series", "feed_details", "feed_list"] {
        assert!(find(id).unwrap().deprecated, "{id} is deprecated");
    }
    assert!(!find("campaigns_details").unwrap().deprecated);
    assert_eq!(
        find("campaigns_data_series").unwrap().rate_limit,
        RateLimit::Limited {
            requests: 50_000,
            window_seconds: 60,
            bucket: "campaigns-data-series"
        }
    );
    for id in ["events_list", "purchases_product_list"] {
        assert_eq!(
            find(id).unwrap().rate_limit,
            RateLimit::Limited {
                requests: 1_000,
                window_seconds: 3_600,
                bucket: "custom-data-export"
            },
            "{id} shares the hourly custom-data bucket"
        );
    }
    assert_eq!(
        find("kpi_mau_data_series").unwrap().rate_limit.bucket(),
        "default"
    );
}
