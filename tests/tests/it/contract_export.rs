//! Contract tests of the export and analytics operations (`spec/export.yaml`):
//! Campaigns, Canvas, Segments, Sessions, Custom Events, KPIs, News Feed and
//! Purchases. One table row per case ([`crate::contract_table`]): the exact
//! request the SDK sends (method, path, the complete query string, auth) and
//! a documented response shape - with several variations, channels or steps
//! where Braze has them - that must decode, field for field.

use crate::common;

use crate::contract_table::{self, Case, row};
use crate::table;
use braze_sdk::types;
use serde_json::json;

/// The text description of a segment of lapsed buyers.
const LAPSED_BUYERS: &str = "Customers who bought before but not in the last two months";

#[tokio::test]
async fn export_contract_table() {
    contract_table::run(rows()).await;
}

fn rows() -> Vec<Box<dyn Case>> {
    table![
        row(
            "campaigns_data_series_sends_query_and_decodes_channels_and_variations",
            |c| {
                c.campaigns_data_series("0b7d3a6e-2f41-4c59-9a8e-5d1c7b3e6f20", 7u64)
                    .ending_at(common::utc("2025-03-02T23:59:59-05:00"))
                    .send()
            }
        )
        .get("/campaigns/data_series")
        .query(&[
            ("campaign_id", "0b7d3a6e-2f41-4c59-9a8e-5d1c7b3e6f20"),
            ("length", "7"),
            ("ending_at", "2025-03-03T04:59:59Z"),
        ])
        .answer(
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
                                    "sent": 2610,
                                    "opens": 1422,
                                    "unique_opens": 1187,
                                    "clicks": 301,
                                    "unique_clicks": 254,
                                    "unsubscribes": 6,
                                    "bounces": 14,
                                    "delivered": 2596,
                                    "reported_spam": 1
                                },
                                {
                                    "variation_api_id": "9e2d4b17-0c6a-4f3e-8b5d-1a7c9e3f2b68",
                                    "sent": 2598,
                                    "opens": 1390,
                                    "unique_opens": 1163,
                                    "clicks": 342,
                                    "unique_clicks": 288,
                                    "unsubscribes": 4,
                                    "bounces": 11,
                                    "delivered": 2587,
                                    "reported_spam": 0
                                }
                            ],
                            "ios_push": [
                                {
                                    "variation_api_id": "5a8b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d",
                                    "sent": 1840,
                                    "direct_opens": 212,
                                    "total_opens": 367,
                                    "bounces": 9,
                                    "body_clicks": 198
                                }
                            ],
                            "sms": [
                                {
                                    "variation_api_id": "7b6a5948-3726-4150-9f8e-7d6c5b4a3928",
                                    "sent": 880,
                                    "sent_to_carrier": 876,
                                    "delivered": 861,
                                    "rejected": 2,
                                    "delivery_failed": 13,
                                    "clicks": 95,
                                    "opt_out": 3,
                                    "help": 1
                                }
                            ],
                            "content_cards": [
                                {
                                    "variation_api_id": "1a2b3c4d-5e6f-4789-8abc-def012345678",
                                    "sent": 4020,
                                    "total_clicks": 233,
                                    "total_dismissals": 410,
                                    "total_impressions": 3388,
                                    "unique_clicks": 201,
                                    "unique_dismissals": 398,
                                    "unique_impressions": 2950
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
            })
        ),
        row(
            "campaigns_data_series_decodes_multivariate_in_app_statistics",
            |c| {
                c.campaigns_data_series("c4a1e7d2-0b9f-4e3a-8d6c-5f2b1a0e9d87", 1u64)
                    .send()
            }
        )
        .get("/campaigns/data_series")
        .query(&[
            ("campaign_id", "c4a1e7d2-0b9f-4e3a-8d6c-5f2b1a0e9d87"),
            ("length", "1"),
        ])
        .answer(
            200,
            json!({
                "message": "success",
                "data": [
                    {
                        "time": "2025-03-02",
                        "conversions": 19,
                        "conversions_by_send_time": 17,
                        "unique_recipients": 2100,
                        "revenue": 310.0,
                        "messages": {
                            "trigger_in_app_message": [
                                {
                                    "variation_name": "Modal with image",
                                    "impressions": 1040,
                                    "clicks": 122,
                                    "first_button_clicks": 98,
                                    "second_button_clicks": 24,
                                    "revenue": 180.0,
                                    "unique_recipients": 1010,
                                    "conversions": 11,
                                    "conversions_by_send_time": 10
                                },
                                {
                                    "variation_name": "Slide-up",
                                    "impressions": 995,
                                    "clicks": 87,
                                    "first_button_clicks": 87,
                                    "second_button_clicks": 0,
                                    "revenue": 130.0,
                                    "unique_recipients": 980,
                                    "conversions": 8,
                                    "conversions_by_send_time": 7
                                },
                                {
                                    "variation_name": "Control group",
                                    "revenue": 0.0,
                                    "unique_recipients": 0,
                                    "conversions": 2,
                                    "conversions_by_send_time": 2,
                                    "enrolled": 110
                                }
                            ]
                        }
                    }
                ]
            })
        ),
        row(
            "campaigns_details_decodes_messages_by_channel_and_conversion_behaviors",
            |c| {
                c.campaigns_details("0b7d3a6e-2f41-4c59-9a8e-5d1c7b3e6f20")
                    .post_launch_draft_version(true)
                    .send()
            }
        )
        .get("/campaigns/details")
        .query(&[
            ("campaign_id", "0b7d3a6e-2f41-4c59-9a8e-5d1c7b3e6f20"),
            ("post_launch_draft_version", "true"),
        ])
        .answer(
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
                    {
                        "type": "Makes Specific Purchase",
                        "window": 259200,
                        "product": "spring-bundle"
                    },
                    { "type": "Starts Session", "window": 86400, "app_ids": null },
                    {
                        "type": "Upgrades App",
                        "window": 604800,
                        "app_ids": ["4f1c9d2e", "7a8b9c0d"]
                    }
                ]
            })
        )
        .then(|response| {
            assert_eq!(response.channels[3], types::ExportMessageChannel::WhatsApp);
            let email = &response.messages["3c1f9a52-8d4e-4b8a-9f0e-7a2b6c1d5e40"];
            assert_eq!(
                email.channel.as_ref().unwrap(),
                &types::ExportMessageChannel::Email
            );
            assert!(matches!(
            &email.from,
            Some(types::CampaignMessageSender::String(s)) if s.contains("news@acme.example")
            ));
            assert!(matches!(
            &email.extras,
            Some(types::CampaignMessageExtras::Array(a)) if a.is_empty()
            ));
            let push = &response.messages["5a8b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d"];
            assert!(matches!(
            &push.extras,
            Some(types::CampaignMessageExtras::Object(m)) if m["deep_link_target"] == "sale"
            ));
            let webhook = &response.messages["2f3e4d5c-6b7a-4898-a7b6-c5d4e3f2a1b0"];
            assert_eq!(webhook.headers["X-Source"], "braze");
            assert_eq!(
                webhook.method.as_ref().unwrap(),
                &types::CampaignMessageDetailsMethod::Post
            );
            let whatsapp = &response.messages["8d9e0f1a-2b3c-4d5e-9f6a-7b8c9d0e1f2a"];
            assert!(matches!(
            &whatsapp.from,
            Some(types::CampaignMessageSender::Array(n)) if n.len() == 2
            ));
            let behaviors = &response.conversion_behaviors;
            assert_eq!(
                behaviors[0].type_,
                types::CampaignConversionBehaviorType::MakesSpecificPurchase
            );
        }),
        row(
            "campaigns_list_sends_paging_filters_and_decodes_page",
            |c| {
                c.campaigns_list()
                    .page(2u64)
                    .include_archived(true)
                    .sort_direction(types::ExportSortDirection::Desc)
                    .last_edit_time_gt(common::utc("2025-02-01T00:00:00Z"))
                    .send()
            }
        )
        .get("/campaigns/list")
        .query(&[
            ("page", "2"),
            ("include_archived", "true"),
            ("sort_direction", "desc"),
            ("last_edit.time[gt]", "2025-02-01T00:00:00Z"),
        ])
        .answer(
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
            })
        ),
        row(
            "sends_data_series_sends_send_id_and_decodes_variations",
            |c| {
                c.sends_data_series(
                    "71c4e2a9-3b5d-4e8f-a1c6-2d9b8e7f4a35",
                    14u64,
                    "spring-sale-wave-1",
                )
                .send()
            }
        )
        .get("/sends/data_series")
        .query(&[
            ("campaign_id", "71c4e2a9-3b5d-4e8f-a1c6-2d9b8e7f4a35"),
            ("send_id", "spring-sale-wave-1"),
            ("length", "14"),
        ])
        .answer(
            200,
            json!({
                "message": "success",
                "data": [
                    {
                        "time": "2025-03-01",
                        "conversions": 17,
                        "conversions_by_send_time": 17,
                        "unique_recipients": 1204,
                        "revenue": 402.75,
                        "messages": {
                            "ios_push": [
                                {
                                    "variation_name": "Variant A",
                                    "sent": 620,
                                    "delivered": 611,
                                    "undelivered": 9,
                                    "delivery_failed": 2,
                                    "direct_opens": 71,
                                    "total_opens": 118,
                                    "bounces": 9,
                                    "body_clicks": 64,
                                    "revenue": 210.25,
                                    "unique_recipients": 620,
                                    "conversions": 9,
                                    "conversions_by_send_time": 9,
                                    "conversions1": 3,
                                    "conversions1_by_send_time": 3
                                },
                                {
                                    "variation_name": "Variant B",
                                    "sent": 584,
                                    "delivered": 579,
                                    "undelivered": 5,
                                    "delivery_failed": 1,
                                    "direct_opens": 80,
                                    "total_opens": 131,
                                    "bounces": 5,
                                    "body_clicks": 72,
                                    "revenue": 192.5,
                                    "unique_recipients": 584,
                                    "conversions": 8,
                                    "conversions_by_send_time": 8
                                }
                            ]
                        }
                    }
                ]
            })
        ),
        row(
            "canvas_data_series_sends_window_and_breakdowns_and_decodes_stats",
            |c| {
                c.canvas_data_series(
                    "9a8b7c6d-5e4f-4a3b-9c2d-1e0f9a8b7c6d",
                    common::utc("2025-03-02T23:59:59Z"),
                )
                .starting_at(common::utc("2025-03-01T00:00:00Z"))
                .include_variant_breakdown(true)
                .include_step_breakdown(true)
                .include_deleted_step_data(false)
                .send()
            }
        )
        .get("/canvas/data_series")
        .query(&[
            ("canvas_id", "9a8b7c6d-5e4f-4a3b-9c2d-1e0f9a8b7c6d"),
            ("ending_at", "2025-03-02T23:59:59Z"),
            ("starting_at", "2025-03-01T00:00:00Z"),
            ("include_variant_breakdown", "true"),
            ("include_step_breakdown", "true"),
            ("include_deleted_step_data", "false"),
        ])
        .answer(200, canvas_stats_body(true)),
        row("canvas_data_summary_sends_length_and_decodes_rollup", |c| {
            c.canvas_data_summary(
                "9a8b7c6d-5e4f-4a3b-9c2d-1e0f9a8b7c6d",
                common::utc("2025-03-02T23:59:59Z"),
            )
            .length(14u64)
            .include_variant_breakdown(true)
            .include_step_breakdown(true)
            .send()
        })
        .get("/canvas/data_summary")
        .query(&[
            ("canvas_id", "9a8b7c6d-5e4f-4a3b-9c2d-1e0f9a8b7c6d"),
            ("ending_at", "2025-03-02T23:59:59Z"),
            ("length", "14"),
            ("include_variant_breakdown", "true"),
            ("include_step_breakdown", "true"),
        ])
        .answer(200, canvas_stats_body(false)),
        row("canvas_details_decodes_variants_steps_and_paths", |c| {
            c.canvas_details("9a8b7c6d-5e4f-4a3b-9c2d-1e0f9a8b7c6d")
                .send()
        })
        .get("/canvas/details")
        .query(&[("canvas_id", "9a8b7c6d-5e4f-4a3b-9c2d-1e0f9a8b7c6d")])
        .answer(
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
                        "first_step_ids": [
                            "c9d8e7f6-a5b4-4c3d-9e2f-1a0b9c8d7e6f",
                            "d0e1f2a3-b4c5-4d6e-8f7a-9b0c1d2e3f4a"
                        ]
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
                        "next_paths": [
                            {
                                "name": null,
                                "next_step_id": "c9d8e7f6-a5b4-4c3d-9e2f-1a0b9c8d7e6f"
                            }
                        ],
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
                            {
                                "name": "Yes",
                                "next_step_id": "d0e1f2a3-b4c5-4d6e-8f7a-9b0c1d2e3f4a"
                            },
                            {
                                "name": "No",
                                "next_step_id": "b7c8d9e0-f1a2-4b3c-8d4e-5f6a7b8c9d0e"
                            }
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
            })
        )
        .then(|response| {
            assert_eq!(response.channels[1], types::ExportMessageChannel::Push);
            let iam = &response.steps[2].messages["0a9b8c7d-6e5f-4a3b-9c2d-1e0f2a3b4c5d"];
            assert_eq!(
                iam.channel.as_ref().unwrap(),
                &types::ExportMessageChannel::InAppMessage
            );
        }),
        row("canvas_list_sends_paging_filters_and_decodes_page", |c| {
            c.canvas_list()
                .page(0u64)
                .include_archived(false)
                .sort_direction(types::ExportSortDirection::Asc)
                .send()
        })
        .get("/canvas/list")
        .query(&[
            ("page", "0"),
            ("include_archived", "false"),
            ("sort_direction", "asc"),
        ])
        .answer(
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
            })
        ),
        row("segments_data_series_sends_query_and_decodes_sizes", |c| {
            c.segments_data_series(2u64, "6b5a4938-2716-4f5e-8d4c-3b2a19087f6e")
                .ending_at(common::utc("2025-03-02T23:59:59Z"))
                .send()
        })
        .get("/segments/data_series")
        .query(&[
            ("segment_id", "6b5a4938-2716-4f5e-8d4c-3b2a19087f6e"),
            ("length", "2"),
            ("ending_at", "2025-03-02T23:59:59Z"),
        ])
        .answer(
            200,
            json!({
                "message": "success",
                "data": [
                    { "time": "2025-03-01", "size": 48210 },
                    { "time": "2025-03-02", "size": 48377 }
                ]
            })
        ),
        row(
            "segments_details_decodes_descriptions_tags_and_teams",
            |c| {
                c.segments_details("6b5a4938-2716-4f5e-8d4c-3b2a19087f6e")
                    .send()
            }
        )
        .get("/segments/details")
        .query(&[("segment_id", "6b5a4938-2716-4f5e-8d4c-3b2a19087f6e")])
        .answer(
            200,
            json!({
                "message": "success",
                "created_at": "2024-06-18T12:40:05+00:00",
                "updated_at": "2025-01-30T08:21:47+00:00",
                "name": "Lapsed buyers",
                "description": "Last purchase more than 60 days ago AND has email",
                "text_description": LAPSED_BUYERS,
                "tags": ["retention", "email"],
                "teams": ["Lifecycle", "CRM"]
            })
        ),
        row("segments_list_sends_paging_and_decodes_page", |c| {
            c.segments_list()
                .page(1u64)
                .sort_direction(types::ExportSortDirection::Desc)
                .send()
        })
        .get("/segments/list")
        .query(&[("page", "1"), ("sort_direction", "desc")])
        .answer(
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
            })
        ),
        row(
            "sessions_data_series_sends_every_filter_and_decodes_hourly_points",
            |c| {
                c.sessions_data_series(24u64)
                    .unit(types::ExportTimeUnit::Hour)
                    .ending_at(common::utc("2025-03-02T23:00:00Z"))
                    .app_id("4f1c9d2e-8a3b-4c5d-9e6f-7a8b9c0d1e2f")
                    .segment_id("6b5a4938-2716-4f5e-8d4c-3b2a19087f6e")
                    .send()
            }
        )
        .get("/sessions/data_series")
        .query(&[
            ("length", "24"),
            ("unit", "hour"),
            ("ending_at", "2025-03-02T23:00:00Z"),
            ("app_id", "4f1c9d2e-8a3b-4c5d-9e6f-7a8b9c0d1e2f"),
            ("segment_id", "6b5a4938-2716-4f5e-8d4c-3b2a19087f6e"),
        ])
        .answer(
            200,
            json!({
                "message": "success",
                "data": [
                    { "time": "2025-03-02T22:00:00", "sessions": 812 },
                    { "time": "2025-03-02T23:00:00", "sessions": 640 }
                ]
            })
        ),
        row("events_data_series_sends_event_and_decodes_counts", |c| {
            c.events_data_series("added_to_cart", 3u64)
                .unit(types::ExportTimeUnit::Day)
                .send()
        })
        .get("/events/data_series")
        .query(&[("event", "added_to_cart"), ("length", "3"), ("unit", "day")])
        .answer(
            200,
            json!({
                "message": "success",
                "data": [
                    { "time": "2025-02-28", "count": 1502 },
                    { "time": "2025-03-01", "count": 1733 },
                    { "time": "2025-03-02", "count": 1618 }
                ]
            })
        ),
        row("events_list_sends_page_and_decodes_names", |c| {
            c.events_list().page(3u64).send()
        })
        .get("/events/list")
        .query(&[("page", "3")])
        .answer(
            200,
            json!({
                "message": "success",
                "events": ["added_to_cart", "checkout_started", "viewed_product"]
            })
        ),
        row("kpi_dau_data_series_sends_app_and_decodes_points", |c| {
            c.kpi_dau_data_series(2u64)
                .ending_at(common::utc("2025-03-02T23:59:59Z"))
                .app_id("4f1c9d2e-8a3b-4c5d-9e6f-7a8b9c0d1e2f")
                .send()
        })
        .get("/kpi/dau/data_series")
        .query(&[
            ("length", "2"),
            ("ending_at", "2025-03-02T23:59:59Z"),
            ("app_id", "4f1c9d2e-8a3b-4c5d-9e6f-7a8b9c0d1e2f"),
        ])
        .answer(
            200,
            json!({
                "message": "success",
                "data": [
                    { "time": "2025-03-01", "dau": 9120 },
                    { "time": "2025-03-02", "dau": 8874 }
                ]
            })
        ),
        row("kpi_mau_data_series_sends_length_and_decodes_points", |c| {
            c.kpi_mau_data_series(30u64).send()
        })
        .get("/kpi/mau/data_series")
        .query(&[("length", "30")])
        .answer(
            200,
            json!({
                "message": "success",
                "data": [
                    { "time": "2025-03-01", "mau": 61458 },
                    { "time": "2025-03-02", "mau": 61502 }
                ]
            })
        ),
        row(
            "kpi_new_users_data_series_sends_app_and_decodes_points",
            |c| {
                c.kpi_new_users_data_series(14u64)
                    .app_id("4f1c9d2e-8a3b-4c5d-9e6f-7a8b9c0d1e2f")
                    .send()
            }
        )
        .get("/kpi/new_users/data_series")
        .query(&[
            ("length", "14"),
            ("app_id", "4f1c9d2e-8a3b-4c5d-9e6f-7a8b9c0d1e2f"),
        ])
        .answer(
            200,
            json!({
                "message": "success",
                "data": [
                    { "time": "2025-03-01", "new_users": 734 },
                    { "time": "2025-03-02", "new_users": 688 }
                ]
            })
        ),
        row(
            "kpi_uninstalls_data_series_sends_window_and_decodes_points",
            |c| {
                c.kpi_uninstalls_data_series(2u64)
                    .ending_at(common::utc("2025-03-02T12:00:00Z"))
                    .send()
            }
        )
        .get("/kpi/uninstalls/data_series")
        .query(&[("length", "2"), ("ending_at", "2025-03-02T12:00:00Z")])
        .answer(
            200,
            json!({
                "message": "success",
                "data": [
                    { "time": "2025-03-01", "uninstalls": 57 },
                    { "time": "2025-03-02", "uninstalls": 49 }
                ]
            })
        ),
        row("feed_data_series_sends_card_and_decodes_engagement", |c| {
            c.feed_data_series("3bbc4555-8fa0-4c9b-a5c0-4505edf3e064", 2u64)
                .unit(types::ExportTimeUnit::Day)
                .ending_at(common::utc("2023-06-28T23:59:59Z"))
                .send()
        })
        .get("/feed/data_series")
        .query(&[
            ("card_id", "3bbc4555-8fa0-4c9b-a5c0-4505edf3e064"),
            ("length", "2"),
            ("unit", "day"),
            ("ending_at", "2023-06-28T23:59:59Z"),
        ])
        .answer(
            200,
            json!({
                "message": "success",
                "data": [
                    {
                        "time": "2023-06-27",
                        "clicks": 37,
                        "impressions": 904,
                        "unique_clicks": 31,
                        "unique_impressions": 611
                    },
                    {
                        "time": "2023-06-28",
                        "clicks": 22,
                        "impressions": 757,
                        "unique_clicks": 20,
                        "unique_impressions": 540
                    }
                ]
            })
        ),
        row("feed_details_decodes_card_with_extras", |c| {
            c.feed_details("3bbc4555-8fa0-4c9b-a5c0-4505edf3e064")
                .send()
        })
        .get("/feed/details")
        .query(&[("card_id", "3bbc4555-8fa0-4c9b-a5c0-4505edf3e064")])
        .answer(
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
            })
        )
        .then(|response| {
            assert_eq!(response.extras["catalogue_id"], "summer-2023");
            assert_eq!(response.extras["priority"], 2);
        }),
        row("feed_list_sends_paging_and_decodes_card_types", |c| {
            c.feed_list()
                .page(1u64)
                .include_archived(true)
                .sort_direction(types::ExportSortDirection::Desc)
                .send()
        })
        .get("/feed/list")
        .query(&[
            ("page", "1"),
            ("include_archived", "true"),
            ("sort_direction", "desc"),
        ])
        .answer(
            200,
            json!({
                "message": "success",
                "cards": [
                    {
                        "id": "3bbc4555-8fa0-4c9b-a5c0-4505edf3e064",
                        "type": "CaptionedImage",
                        "title": "The summer catalogue is out",
                        "tags": ["catalogue"]
                    },
                    {
                        "id": "7d1e2f3a-4b5c-4d6e-9f8a-0b1c2d3e4f5a",
                        "type": "NewsItem",
                        "title": "Store opening hours change",
                        "tags": []
                    },
                    {
                        "id": "5e6f7a8b-9c0d-4e1f-8a2b-3c4d5e6f7a8b",
                        "type": "DevPick",
                        "title": "Try our recipes app",
                        "tags": ["cross-promo"]
                    }
                ]
            })
        )
        .then(|response| {
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
        }),
        row(
            "purchases_product_list_sends_page_and_decodes_products",
            |c| { c.purchases_product_list().page(1u64).send() }
        )
        .get("/purchases/product_list")
        .query(&[("page", "1")])
        .answer(
            200,
            json!({
                "products": ["sku-10023", "sku-10077", "gift-card-50"],
                "message": "success"
            })
        ),
    ]
}

fn canvas_stats_body(per_day: bool) -> serde_json::Value {
    let variants = json!({
        "2d6f8a1c-3e5b-4c7d-9f0a-1b2c3d4e5f60": {
            "name": "Variant 1",
            "revenue": 60.0,
            "conversions": 7,
            "conversions_by_entry_time": 6,
            "entries": 171
        },
        "4e8a0c2d-5f7b-4d9e-8a1b-3c5d7e9f1a20": {
            "name": "Variant 2",
            "revenue": 36.5,
            "conversions": 5,
            "conversions_by_entry_time": 4,
            "entries": 169
        }
    });
    let steps = json!({
        "a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d": {
            "name": "Welcome email",
            "revenue": 48.0,
            "conversions": 6,
            "conversions_by_entry_time": 5,
            "messages": {
                "email": [
                    {
                        "sent": 338,
                        "opens": 201,
                        "unique_opens": 176,
                        "clicks": 54,
                        "unique_clicks": 47,
                        "delivered": 333,
                        "bounces": 5
                    }
                ]
            }
        },
        "b7c8d9e0-f1a2-4b3c-8d4e-5f6a7b8c9d0e": {
            "name": "Day 2 reminder",
            "revenue": 12.0,
            "conversions": 2,
            "conversions_by_entry_time": 2,
            "messages": {
                "android_push": [
                    {
                        "sent": 290,
                        "opens": 31,
                        "influenced_opens": 52,
                        "bounces": 4
                    }
                ],
                "sms": [
                    {
                        "sent": 120,
                        "sent_to_carrier": 119,
                        "delivered": 117,
                        "rejected": 0,
                        "delivery_failed": 2,
                        "clicks": 14,
                        "opt_out": 1,
                        "help": 0
                    }
                ]
            }
        }
    });
    let totals = json!({
        "revenue": 96.5,
        "conversions": 12,
        "conversions_by_entry_time": 10,
        "entries": 340
    });
    if per_day {
        json!({
            "message": "success",
            "data": {
                "name": "Onboarding journey",
                "stats": [
                    {
                        "time": "2025-03-01",
                        "total_stats": totals,
                        "variant_stats": variants,
                        "step_stats": steps
                    },
                    {
                        "time": "2025-03-02",
                        "total_stats": {
                            "revenue": 0.0,
                            "conversions": 0,
                            "conversions_by_entry_time": 0,
                            "entries": 12
                        }
                    }
                ]
            }
        })
    } else {
        json!({
            "message": "success",
            "data": {
                "name": "Onboarding journey",
                "total_stats": totals,
                "variant_stats": variants,
                "step_stats": steps
            }
        })
    }
}

// Not a row: this checks the operation table's metadata (paging style,
// deprecation, rate-limit bucket), with no call to make.
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
