//! Contract tests of the Messaging family (Send Messages, Schedule Messages,
//! Live Activities): for every operation, the SDK must send exactly the
//! documented method, path, query and JSON body, with the bearer key, and
//! decode Braze's answer into the typed response.

use crate::common;
use crate::contract_table::{self, Case, row};
use crate::table;

use braze_sdk::types;
use serde_json::json;

fn alias(name: &str, label: &str) -> types::UserAlias {
    types::UserAlias::new(types::UserAliasRequired {
        alias_label: label.to_string(),
        alias_name: name.to_string(),
    })
}

/// The notice Braze adds when the Canvas of a trigger is paused.
const PAUSED_NOTICE: &str =
    "The Canvas is paused. Resume the Canvas to ensure trigger requests will take effect.";

#[tokio::test]
async fn messaging_contract_table() {
    contract_table::run(rows()).await;
}

fn rows() -> Vec<Box<dyn Case>> {
    table![
        row("messages_send_posts_inline_push_messages", |c| {
            let apple: types::ApplePushObject = types::ApplePushObject::default()
                .alert(Some(types::ApplePushAlert::String(
                    "Your order has shipped".to_string(),
                )))
                .badge(Some(1))
                .interruption_level(Some(types::ApplePushObjectInterruptionLevel::TimeSensitive))
                .message_variation_id(Some("ios-push-7781".to_string()));
            let android: types::AndroidPushObject = types::AndroidPushObject::default()
                .title(Some("Order update".to_string()))
                .alert(Some("Your order has shipped".to_string()))
                .priority(Some(1))
                .android_priority(Some(types::AndroidPushObjectAndroidPriority::High))
                .extra(common::typed::<types::PushExtra>(
                    json!({ "order_id": "4821" }),
                ));
            let messages: types::Messages = types::Messages::default()
                .apple_push(Some(apple))
                .android_push(Some(android));
            c.messages_send(
                types::MessagesSendRequest::default()
                    .external_user_ids(vec![
                        types::ExternalId::from("user-1234".to_string()),
                        types::ExternalId::from("user-5678".to_string()),
                    ])
                    .user_aliases(vec![alias("998877", "crm_id")])
                    .campaign_id(Some("2a7f6c1e-8d3b-4e52-9f0a-6b1c3d5e7f90".to_string()))
                    .override_frequency_capping(Some(true))
                    .recipient_subscription_state(Some(types::RecipientSubscriptionState::OptedIn))
                    .messages(Some(messages)),
            )
            .send()
        })
        .post("/messages/send")
        .body(json!({
            "external_user_ids": ["user-1234", "user-5678"],
            "user_aliases": [{ "alias_name": "998877", "alias_label": "crm_id" }],
            "campaign_id": "2a7f6c1e-8d3b-4e52-9f0a-6b1c3d5e7f90",
            "override_frequency_capping": true,
            "recipient_subscription_state": "opted_in",
            "messages": {
                "apple_push": {
                    "alert": "Your order has shipped",
                    "badge": 1,
                    "interruption_level": "time-sensitive",
                    "message_variation_id": "ios-push-7781"
                },
                "android_push": {
                    "title": "Order update",
                    "alert": "Your order has shipped",
                    "priority": 1,
                    "android_priority": "high",
                    "extra": { "order_id": "4821" }
                }
            }
        }))
        .answer(
            201,
            json!({
                "dispatch_id": "66c8f4a1b2d3e4f5a6b7c8d9",
                "message": "success"
            })
        ),
        row(
            "campaigns_trigger_send_posts_recipients_with_personalization",
            |c| {
                let first: types::CampaignRecipient = types::CampaignRecipient::default()
                    .external_user_id(Some(types::ExternalId::from("user-1234".to_string())))
                    .trigger_properties(common::typed::<types::TriggerProperties>(
                        json!({ "first_item": "Trail running shoes" }),
                    ))
                    .send_to_existing_only(Some(false))
                    .attributes(Some(common::typed::<types::UserAttributes>(
                        json!({ "first_name": "Alex", "loyalty_tier": "gold" }),
                    )));
                let second: types::CampaignRecipient = types::CampaignRecipient::default()
                    .email(Some("sam@example.com".to_string()))
                    .prioritization(vec![
                        types::UserMatchPrioritization::Identified,
                        types::UserMatchPrioritization::MostRecentlyUpdated,
                    ]);
                let attachment: types::EmailAttachment =
                    types::EmailAttachment::new(types::EmailAttachmentRequired {
                        file_name: "receipt-4821".to_string(),
                        url: "https://files.example.com/receipts/4821.pdf".to_string(),
                    });
                c.campaigns_trigger_send(
                    types::CampaignsTriggerSendRequest::new(
                        "0f8e4c2a-71b6-4d39-a5e2-c4d8f1b7a9e3".to_string(),
                    )
                    .send_id(Some("spring-sale-2026-wave-1".to_string()))
                    .trigger_properties(common::typed::<types::TriggerProperties>(
                        json!({ "order_number": "4821", "total": 59.9 }),
                    ))
                    .recipients(vec![first, second])
                    .attachments(vec![attachment]),
                )
                .send()
            }
        )
        .post("/campaigns/trigger/send")
        .body(json!({
            "campaign_id": "0f8e4c2a-71b6-4d39-a5e2-c4d8f1b7a9e3",
            "send_id": "spring-sale-2026-wave-1",
            "trigger_properties": {"order_number": "4821", "total": 59.9},
            "recipients": [
                {
                    "external_user_id": "user-1234",
                    "trigger_properties": {"first_item": "Trail running shoes"},
                    "send_to_existing_only": false,
                    "attributes": {"first_name": "Alex", "loyalty_tier": "gold"}
                },
                {
                    "email": "sam@example.com",
                    "prioritization": ["identified", "most_recently_updated"]
                }
            ],
            "attachments": [
                {
                    "file_name": "receipt-4821",
                    "url": "https://files.example.com/receipts/4821.pdf"
                }
            ]
        }))
        .answer(
            201,
            json!({
                "dispatch_id": "66c8f4a1b2d3e4f5a6b7c8e0",
                "message": "success",
                "errors": ["user-9999 was not found"]
            })
        ),
        row(
            "canvas_trigger_send_posts_context_and_decodes_notice",
            |c| {
                let recipient: types::CanvasRecipient = types::CanvasRecipient::default()
                    .user_alias(Some(alias("998877", "crm_id")))
                    .context(common::typed::<types::CanvasEntryProperties>(
                        json!({ "cart_value": 42 }),
                    ));
                c.canvas_trigger_send(
                    types::CanvasTriggerSendRequest::new(
                        "7b1d9e3f-2c4a-4f68-b0d5-e9a3c7f1b2d4".to_string(),
                    )
                    .context(common::typed::<types::CanvasEntryProperties>(
                        json!({ "cart_value": 129.5, "coupon_code": "WELCOME10" }),
                    ))
                    .recipients(vec![recipient]),
                )
                .send()
            }
        )
        .post("/canvas/trigger/send")
        .body(json!({
            "canvas_id": "7b1d9e3f-2c4a-4f68-b0d5-e9a3c7f1b2d4",
            "context": { "cart_value": 129.5, "coupon_code": "WELCOME10" },
            "recipients": [
                {
                    "user_alias": { "alias_name": "998877", "alias_label": "crm_id" },
                    "context": { "cart_value": 42 }
                }
            ]
        }))
        .answer(
            201,
            json!({
                "notice": PAUSED_NOTICE,
                "dispatch_id": "66c8f4a1b2d3e4f5a6b7c8e1",
                "message": "success"
            })
        ),
        row("sends_id_create_posts_campaign_and_send_id", |c| {
            c.sends_id_create(
                types::SendsIdCreateRequest::new(
                    "2a7f6c1e-8d3b-4e52-9f0a-6b1c3d5e7f90".to_string(),
                )
                .send_id(Some("spring-sale-2026-wave-1".to_string())),
            )
            .send()
        })
        .post("/sends/id/create")
        .body(json!({
            "campaign_id": "2a7f6c1e-8d3b-4e52-9f0a-6b1c3d5e7f90",
            "send_id": "spring-sale-2026-wave-1"
        }))
        .answer(
            201,
            json!({ "message": "success", "send_id": "spring-sale-2026-wave-1" })
        ),
        row(
            "transactional_campaign_send_puts_campaign_id_in_path",
            |c| {
                let recipient: types::TransactionalRecipient =
                    types::TransactionalRecipient::default()
                        .external_user_id(Some(types::ExternalId::from("user-1234".to_string())))
                        .attributes(Some(common::typed::<types::UserAttributes>(
                            json!({ "email": "alex@example.com" }),
                        )));
                let send_id: types::TransactionalCampaignSendRequestExternalSendId =
                    "b3JkZXItNDgyMQ==".parse().expect("a Base64-compatible id");
                c.transactional_campaign_send(
                    "5e3f1a2b-9c8d-4e7f-a6b5-c4d3e2f1a0b9",
                    types::TransactionalCampaignSendRequest::new(recipient)
                        .external_send_id(Some(send_id))
                        .trigger_properties(common::typed::<types::TriggerProperties>(
                            json!({ "order_number": "4821", "items": 3 }),
                        )),
                )
                .send()
            }
        )
        .post("/transactional/v1/campaigns/5e3f1a2b-9c8d-4e7f-a6b5-c4d3e2f1a0b9/send")
        .body(json!({
            "external_send_id": "b3JkZXItNDgyMQ==",
            "trigger_properties": { "order_number": "4821", "items": 3 },
            "recipient": {
                "external_user_id": "user-1234",
                "attributes": { "email": "alex@example.com" }
            }
        }))
        .answer(
            200,
            json!({
                "dispatch_id": "Ks8Tf2mQ1xYbPq9LzA3v",
                "status": "queued",
                "metadata": { "external_send_id": "b3JkZXItNDgyMQ==" }
            })
        ),
        row(
            "messages_schedule_create_posts_multichannel_message_with_audience_and_schedule",
            |c| {
                // Connected audience, built from the typed filters.
                let attribute =
                    |name: &str,
                     comparison,
                     value: Option<types::ConnectedAudienceAttributeValue>| {
                        types::ConnectedAudience::CustomAttributeFilter(
                            types::ConnectedAudienceCustomAttributeFilter {
                                custom_attribute:
                                    types::ConnectedAudienceCustomAttributeCondition {
                                        custom_attribute_name: name.to_string(),
                                        comparison,
                                        value,
                                    },
                            },
                        )
                    };
                let audience = types::ConnectedAudience::And(types::ConnectedAudienceAnd {
                    and: vec![
            attribute(
                "eye_color",
                types::ConnectedAudienceComparison::Equals,
                Some(types::ConnectedAudienceAttributeValue::String(
                    "blue".to_string(),
                )),
            ),
            attribute(
                "favorite_foods",
                types::ConnectedAudienceComparison::IncludesValue,
                Some(types::ConnectedAudienceAttributeValue::String(
                    "pizza".to_string(),
                )),
            ),
            types::ConnectedAudience::Or(types::ConnectedAudienceOr {
                or: vec![
                    attribute(
                        "last_purchase_time",
                        types::ConnectedAudienceComparison::LessThanXDaysAgo,
                        Some(types::ConnectedAudienceAttributeValue::Number(2.0)),
                    ),
                    types::ConnectedAudience::PushSubscriptionFilter(
                        types::ConnectedAudiencePushSubscriptionFilter {
                            push_subscription_status:
                                types::ConnectedAudienceSubscriptionCondition {
                                    comparison:
                                        types::ConnectedAudienceSubscriptionConditionComparison::Is,
                                    value:
                                        types::ConnectedAudienceSubscriptionConditionValue::OptedIn,
                                },
                        },
                    ),
                ],
            }),
            types::ConnectedAudience::EmailSubscriptionFilter(
                types::ConnectedAudienceEmailSubscriptionFilter {
                    email_subscription_status: types::ConnectedAudienceSubscriptionCondition {
                        comparison: types::ConnectedAudienceSubscriptionConditionComparison::IsNot,
                        value: types::ConnectedAudienceSubscriptionConditionValue::Unsubscribed,
                    },
                },
            ),
            types::ConnectedAudience::LastUsedAppFilter(
                types::ConnectedAudienceLastUsedAppFilter {
                    last_used_app: types::ConnectedAudienceLastUsedAppCondition {
                        comparison: types::ConnectedAudienceLastUsedAppConditionComparison::After,
                        value: "2026-10-01T00:00:00Z".parse().unwrap(),
                    },
                },
            ),
            attribute("vip", types::ConnectedAudienceComparison::Exists, None),
        ],
                });

                // One object per channel.
                let apple: types::ApplePushObject = types::ApplePushObject::default()
                    .alert(Some(types::ApplePushAlert::ApplePushAlertObject(
                        types::ApplePushAlertObject::default()
                            .title(Some("Winter sale".to_string()))
                            .body(Some("20% off outerwear until Sunday.".to_string())),
                    )))
                    .category(Some("ab_cat_accept_decline".to_string()))
                    .buttons(vec![
                        types::ApplePushActionButton::new("ab_pb_accept".to_string())
                            .action(Some(types::ApplePushActionButtonAction::DeepLink))
                            .uri(Some("acme://sale".to_string())),
                    ])
                    .apns_priority(std::num::NonZeroU64::new(10).unwrap())
                    .message_variation_id(Some("ios-push-5530".to_string()));
                let android: types::AndroidPushObject = types::AndroidPushObject::default()
                    .title(Some("Winter sale".to_string()))
                    .alert(Some("20% off outerwear until Sunday.".to_string()))
                    .buttons(vec![
                        types::AndroidPushActionButton::new("Shop now".to_string())
                            .action(Some(types::AndroidPushActionButtonAction::Uri))
                            .uri(Some("https://acme.example/sale".to_string())),
                    ])
                    .message_variation_id(Some("android-push-5529".to_string()));
                let email: types::EmailObject =
                    types::EmailObject::new(types::EmailObjectRequired {
                        app_id: "9d2e6b1a-3f4c-4a58-b7e9-0c1d2e3f4a5b".to_string(),
                        from: "Acme Outfitters <news@mail.acme.example>".to_string(),
                    })
                    .subject(Some("Winter sale".to_string()))
                    .body(Some("<p>20% off outerwear until Sunday.</p>".to_string()))
                    .headers(
                        [("X-Campaign".to_string(), "winter-sale".to_string())]
                            .into_iter()
                            .collect::<std::collections::HashMap<_, _>>(),
                    )
                    .attachments(vec![types::EmailAttachment::new(
                        types::EmailAttachmentRequired {
                            file_name: "lookbook".to_string(),
                            url: "https://files.acme.example/lookbook.pdf".to_string(),
                        },
                    )])
                    .message_variation_id(Some("email-5531".to_string()));
                let sms: types::SmsObject = types::SmsObject::new(types::SmsObjectRequired {
                    app_id: "9d2e6b1a-3f4c-4a58-b7e9-0c1d2e3f4a5b".to_string(),
                    body: "Winter sale: 20% off outerwear until Sunday.".to_string(),
                    subscription_group_id: "6e4b2a90-7c1d-4f3e-b5a8-2d9c0e1f3b4a".to_string(),
                })
                .link_shortening_enabled(Some(true));
                let whats_app: types::WhatsAppObject =
                    types::WhatsAppObject::new(types::WhatsAppObjectRequired {
                        app_id: "9d2e6b1a-3f4c-4a58-b7e9-0c1d2e3f4a5b".to_string(),
                        message: types::WhatsAppMessageContent::TemplateMessage(
                            types::WhatsAppTemplateMessage::new(
                                types::WhatsAppTemplateMessageRequired {
                                    template_language_code: "en_US".to_string(),
                                    template_name: "winter_sale".to_string(),
                                },
                            )
                            .body_variables(Some(common::typed::<
                                types::WhatsAppBodyVariables,
                            >(
                                json!({ "0": "Alex", "1": "20%" }),
                            ))),
                        ),
                        message_type: types::WhatsAppObjectMessageType::TemplateMessage,
                        subscription_group_id: "0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d".to_string(),
                    });
                let content_card: types::ContentCardObject =
                    types::ContentCardObject::new(types::ContentCardObjectRequired {
                        description: "20% off outerwear until Sunday.".to_string(),
                        title: "Winter sale".to_string(),
                        type_: types::ContentCardObjectType::CaptionedImage,
                    })
                    .image_url(Some("https://cdn.acme.example/sale.png".to_string()))
                    .time_to_live(std::num::NonZeroU64::new(604_800).unwrap())
                    .pinned(Some(true));
                let webhook: types::WebhookObject = types::WebhookObject::new(
                    types::WebhookObjectRequestMethod::Post,
                    "https://hooks.acme.example/braze".to_string(),
                )
                .request_headers(
                    [("Content-Type".to_string(), "application/json".to_string())]
                        .into_iter()
                        .collect::<std::collections::HashMap<_, _>>(),
                )
                .body(Some("{\"campaign\":\"winter-sale\"}".to_string()));
                let messages: types::Messages = types::Messages::default()
                    .apple_push(Some(apple))
                    .android_push(Some(android))
                    .email(Some(email))
                    .sms(Some(sms))
                    .whats_app(Some(whats_app))
                    .content_card(Some(content_card))
                    .webhook(Some(webhook));

                let schedule: types::MessageSchedule =
                    types::MessageSchedule::new("2026-12-01T09:00:00".to_string())
                        .in_local_time(Some(true));
                c.messages_schedule_create(
                    types::MessagesScheduleCreateRequest::new(schedule)
                        .broadcast(Some(true))
                        .segment_id(Some("3c9a7e51-4b2d-4f80-8e6a-1d5b9c7f3a2e".to_string()))
                        .campaign_id(Some("2a7f6c1e-8d3b-4e52-9f0a-6b1c3d5e7f90".to_string()))
                        .override_messaging_limits(Some(false))
                        .recipient_subscription_state(Some(
                            types::RecipientSubscriptionState::Subscribed,
                        ))
                        .audience(Some(audience))
                        .messages(Some(messages)),
                )
                .send()
            }
        )
        .post("/messages/schedule/create")
        .body(schedule_create_body())
        .answer(
            201,
            json!({
                "dispatch_id": "66c8f4a1b2d3e4f5a6b7c8e2",
                "schedule_id": "5a1e7c3b-9d2f-4b6e-8a0c-3f5d7b9e1c2a",
                "message": "success"
            })
        ),
        row("messages_schedule_update_posts_new_time_and_content", |c| {
            let web: types::WebPushObject =
                types::WebPushObject::new(types::WebPushObjectRequired {
                    alert: "Starts tomorrow".to_string(),
                    title: "Winter sale".to_string(),
                })
                .require_interaction(Some(true))
                .buttons(vec![
                    types::WebPushActionButton::new("Remind me".to_string())
                        .action(Some(types::WebPushActionButtonAction::OpenApp)),
                ]);
            let kindle: types::KindlePushObject =
                types::KindlePushObject::new(types::KindlePushObjectRequired {
                    alert: "Starts tomorrow".to_string(),
                    title: "Winter sale".to_string(),
                })
                .priority(Some(-1));
            c.messages_schedule_update(
                types::MessagesScheduleUpdateRequest::new(types::ScheduleId::from(
                    "5a1e7c3b-9d2f-4b6e-8a0c-3f5d7b9e1c2a".to_string(),
                ))
                .schedule(Some(types::MessageSchedule::new(
                    "2026-12-02T09:00:00Z".to_string(),
                )))
                .messages(Some(
                    types::Messages::default()
                        .web_push(Some(web))
                        .kindle_push(Some(kindle)),
                )),
            )
            .send()
        })
        .post("/messages/schedule/update")
        .body(json!({
            "schedule_id": "5a1e7c3b-9d2f-4b6e-8a0c-3f5d7b9e1c2a",
            "schedule": { "time": "2026-12-02T09:00:00Z" },
            "messages": {
                "web_push": {
                    "title": "Winter sale",
                    "alert": "Starts tomorrow",
                    "require_interaction": true,
                    "buttons": [{ "text": "Remind me", "action": "OPEN_APP" }]
                },
                "kindle_push": {
                    "title": "Winter sale",
                    "alert": "Starts tomorrow",
                    "priority": -1
                }
            }
        }))
        .answer(201, json!({ "message": "success" })),
        row("messages_schedule_delete_posts_schedule_id", |c| {
            c.messages_schedule_delete(types::MessagesScheduleDeleteRequest::new(
                types::ScheduleId::from("5a1e7c3b-9d2f-4b6e-8a0c-3f5d7b9e1c2a".to_string()),
            ))
            .send()
        })
        .post("/messages/schedule/delete")
        .body(json!({ "schedule_id": "5a1e7c3b-9d2f-4b6e-8a0c-3f5d7b9e1c2a" }),)
        .answer(201, json!({ "message": "success" })),
        row(
            "campaigns_trigger_schedule_create_posts_recipients_and_schedule",
            |c| {
                let recipient: types::CampaignRecipient = types::CampaignRecipient::default()
                    .external_user_id(Some(types::ExternalId::from("user-1234".to_string())))
                    .trigger_properties(common::typed::<types::TriggerProperties>(
                        json!({ "reminder": "Your trial ends in 3 days" }),
                    ));
                c.campaigns_trigger_schedule_create(
                    types::CampaignsTriggerScheduleCreateRequest::new(
                        "0f8e4c2a-71b6-4d39-a5e2-c4d8f1b7a9e3".to_string(),
                        types::MessageSchedule::new("2026-12-01T17:30:00".to_string())
                            .at_optimal_time(Some(true)),
                    )
                    .recipients(vec![recipient])
                    .trigger_properties(common::typed::<
                        types::TriggerProperties,
                    >(
                        json!({ "plan": "pro" })
                    )),
                )
                .send()
            }
        )
        .post("/campaigns/trigger/schedule/create")
        .body(json!({
            "campaign_id": "0f8e4c2a-71b6-4d39-a5e2-c4d8f1b7a9e3",
            "recipients": [
                {
                    "external_user_id": "user-1234",
                    "trigger_properties": { "reminder": "Your trial ends in 3 days" }
                }
            ],
            "trigger_properties": { "plan": "pro" },
            "schedule": { "time": "2026-12-01T17:30:00", "at_optimal_time": true }
        }))
        .answer(
            201,
            json!({
                "dispatch_id": "66c8f4a1b2d3e4f5a6b7c8e3",
                "schedule_id": "8c2e4a6b-1d3f-4a5c-9e7b-0f2d4b6a8c1e",
                "message": "success"
            })
        ),
        row(
            "campaigns_trigger_schedule_update_posts_replacement_schedule",
            |c| {
                c.campaigns_trigger_schedule_update(
                    types::CampaignsTriggerScheduleUpdateRequest::new(
                        types::CampaignsTriggerScheduleUpdateRequestRequired {
                            campaign_id: "0f8e4c2a-71b6-4d39-a5e2-c4d8f1b7a9e3".to_string(),
                            schedule: types::MessageSchedule::new(
                                "2026-12-01T18:00:00".to_string(),
                            )
                            .in_local_time(Some(true)),
                            schedule_id: types::ScheduleId::from(
                                "8c2e4a6b-1d3f-4a5c-9e7b-0f2d4b6a8c1e".to_string(),
                            ),
                        },
                    ),
                )
                .send()
            }
        )
        .post("/campaigns/trigger/schedule/update")
        .body(json!({
            "campaign_id": "0f8e4c2a-71b6-4d39-a5e2-c4d8f1b7a9e3",
            "schedule_id": "8c2e4a6b-1d3f-4a5c-9e7b-0f2d4b6a8c1e",
            "schedule": { "time": "2026-12-01T18:00:00", "in_local_time": true }
        }))
        .answer(201, json!({ "message": "success" })),
        row(
            "campaigns_trigger_schedule_delete_posts_campaign_and_schedule_ids",
            |c| {
                c.campaigns_trigger_schedule_delete(
                    types::CampaignsTriggerScheduleDeleteRequest::new(
                        types::CampaignsTriggerScheduleDeleteRequestRequired {
                            campaign_id: "0f8e4c2a-71b6-4d39-a5e2-c4d8f1b7a9e3".to_string(),
                            schedule_id: types::ScheduleId::from(
                                "8c2e4a6b-1d3f-4a5c-9e7b-0f2d4b6a8c1e".to_string(),
                            ),
                        },
                    ),
                )
                .send()
            }
        )
        .post("/campaigns/trigger/schedule/delete")
        .body(json!({
            "campaign_id": "0f8e4c2a-71b6-4d39-a5e2-c4d8f1b7a9e3",
            "schedule_id": "8c2e4a6b-1d3f-4a5c-9e7b-0f2d4b6a8c1e"
        }))
        .answer(201, json!({ "message": "success" })),
        row(
            "canvas_trigger_schedule_create_posts_entry_properties_and_audience",
            |c| {
                let audience = types::ConnectedAudience::CustomAttributeFilter(
                    types::ConnectedAudienceCustomAttributeFilter {
                        custom_attribute: types::ConnectedAudienceCustomAttributeCondition {
                            custom_attribute_name: "loyalty_tier".to_string(),
                            comparison: types::ConnectedAudienceComparison::Equals,
                            value: Some(types::ConnectedAudienceAttributeValue::String(
                                "gold".to_string(),
                            )),
                        },
                    },
                );
                c.canvas_trigger_schedule_create(
                    types::CanvasTriggerScheduleCreateRequest::new(
                        "7b1d9e3f-2c4a-4f68-b0d5-e9a3c7f1b2d4".to_string(),
                        types::MessageSchedule::new("2026-12-05T10:00:00Z".to_string()),
                    )
                    .audience(Some(audience))
                    .canvas_entry_properties(common::typed::<types::CanvasEntryProperties>(
                        json!({ "event_name": "Winter gala" }),
                    )),
                )
                .send()
            }
        )
        .post("/canvas/trigger/schedule/create")
        .body(json!({
            "canvas_id": "7b1d9e3f-2c4a-4f68-b0d5-e9a3c7f1b2d4",
            "audience": {
                "custom_attribute": {
                    "custom_attribute_name": "loyalty_tier",
                    "comparison": "equals",
                    "value": "gold"
                }
            },
            "canvas_entry_properties": { "event_name": "Winter gala" },
            "schedule": { "time": "2026-12-05T10:00:00Z" }
        }))
        .answer(
            201,
            json!({
                "dispatch_id": "66c8f4a1b2d3e4f5a6b7c8e4",
                "schedule_id": "1f3b5d7e-9a2c-4e6f-8b0d-2c4e6a8b0d1f",
                "message": "success"
            })
        ),
        row(
            "canvas_trigger_schedule_update_posts_replacement_schedule",
            |c| {
                c.canvas_trigger_schedule_update(types::CanvasTriggerScheduleUpdateRequest::new(
                    types::CanvasTriggerScheduleUpdateRequestRequired {
                        canvas_id: "7b1d9e3f-2c4a-4f68-b0d5-e9a3c7f1b2d4".to_string(),
                        schedule: types::MessageSchedule::new("2026-12-06T10:00:00Z".to_string()),
                        schedule_id: types::ScheduleId::from(
                            "1f3b5d7e-9a2c-4e6f-8b0d-2c4e6a8b0d1f".to_string(),
                        ),
                    },
                ))
                .send()
            }
        )
        .post("/canvas/trigger/schedule/update")
        .body(json!({
            "canvas_id": "7b1d9e3f-2c4a-4f68-b0d5-e9a3c7f1b2d4",
            "schedule_id": "1f3b5d7e-9a2c-4e6f-8b0d-2c4e6a8b0d1f",
            "schedule": { "time": "2026-12-06T10:00:00Z" }
        }))
        .answer(201, json!({ "message": "success" })),
        row(
            "canvas_trigger_schedule_delete_posts_canvas_and_schedule_ids",
            |c| {
                c.canvas_trigger_schedule_delete(types::CanvasTriggerScheduleDeleteRequest::new(
                    types::CanvasTriggerScheduleDeleteRequestRequired {
                        canvas_id: "7b1d9e3f-2c4a-4f68-b0d5-e9a3c7f1b2d4".to_string(),
                        schedule_id: types::ScheduleId::from(
                            "1f3b5d7e-9a2c-4e6f-8b0d-2c4e6a8b0d1f".to_string(),
                        ),
                    },
                ))
                .send()
            }
        )
        .post("/canvas/trigger/schedule/delete")
        .body(json!({
            "canvas_id": "7b1d9e3f-2c4a-4f68-b0d5-e9a3c7f1b2d4",
            "schedule_id": "1f3b5d7e-9a2c-4e6f-8b0d-2c4e6a8b0d1f"
        }))
        .answer(201, json!({ "message": "success" })),
        row(
            "messages_scheduled_broadcasts_list_sends_end_time_and_decodes_list",
            |c| {
                let end_time = common::utc("2026-12-31T00:00:00Z");
                c.messages_scheduled_broadcasts_list(end_time).send()
            }
        )
        .get("/messages/scheduled_broadcasts")
        .query(&[("end_time", "2026-12-31T00:00:00Z")])
        .answer(
            200,
            json!({
                "scheduled_broadcasts": [
                    {
                        "name": "Weekly digest",
                        "id": "2a7f6c1e-8d3b-4e52-9f0a-6b1c3d5e7f90",
                        "type": "Campaign",
                        "tags": ["newsletter"],
                        "next_send_time": "2026-11-30T08:00:00-05:00",
                        "schedule_type": "America/New_York"
                    },
                    {
                        "name": "Winback journey",
                        "id": "7b1d9e3f-2c4a-4f68-b0d5-e9a3c7f1b2d4",
                        "type": "Canvas",
                        "tags": [],
                        "next_send_time": "2026-12-01T10:00:00",
                        "schedule_type": "local_time_zones"
                    }
                ]
            })
        )
        .then(|response| {
            let list = &response.scheduled_broadcasts;
            assert_eq!(list[0].type_, types::ScheduledBroadcastType::Campaign);
            assert_eq!(list[1].type_, types::ScheduledBroadcastType::Canvas);
        }),
        row(
            "live_activity_update_posts_content_state_and_notification",
            |c| {
                let notification: types::ApplePushObject = types::ApplePushObject::default().alert(
                    Some(types::ApplePushAlert::ApplePushAlertObject(
                        types::ApplePushAlertObject::default()
                            .title(Some("Delivered".to_string()))
                            .body(Some("Your parcel is at your door.".to_string()))
                            .sound(Some("chime.caf".to_string())),
                    )),
                );
                c.live_activity_update(
                    types::LiveActivityUpdateRequest::new(
                        types::LiveActivityUpdateRequestRequired {
                            activity_id: "order-4821-delivery".to_string(),
                            app_id: "9d2e6b1a-3f4c-4a58-b7e9-0c1d2e3f4a5b".to_string(),
                            content_state:
                                json!({ "stage": "out_for_delivery", "eta_minutes": 12 }).into(),
                        },
                    )
                    .end_activity(Some(true))
                    .dismissal_date(Some(common::utc("2026-11-26T20:00:00Z")))
                    .notification(Some(notification)),
                )
                .send()
            }
        )
        .post("/messages/live_activity/update")
        .body(json!({
            "app_id": "9d2e6b1a-3f4c-4a58-b7e9-0c1d2e3f4a5b",
            "activity_id": "order-4821-delivery",
            "content_state": { "stage": "out_for_delivery", "eta_minutes": 12 },
            "end_activity": true,
            "dismissal_date": "2026-11-26T20:00:00Z",
            "notification": {
                "alert": {
                    "title": "Delivered",
                    "body": "Your parcel is at your door.",
                    "sound": "chime.caf"
                }
            }
        }))
        .answer(201, json!({ "message": "success" })),
        row("live_activity_update_decodes_error_key_of_a_400", |c| {
            c.live_activity_update(types::LiveActivityUpdateRequest::new(
                types::LiveActivityUpdateRequestRequired {
                    activity_id: "order-4821-delivery".to_string(),
                    app_id: "9d2e6b1a-3f4c-4a58-b7e9-0c1d2e3f4a5b".to_string(),
                    content_state: serde_json::Map::new().into(),
                },
            ))
            .send()
        })
        .post("/messages/live_activity/update")
        .body(json!({
            "activity_id": "order-4821-delivery",
            "app_id": "9d2e6b1a-3f4c-4a58-b7e9-0c1d2e3f4a5b",
            "content_state": {}
        }))
        .answer(
            400,
            json!({ "error": "message body does not match declared format" })
        )
        .then_err(|error| {
            let body = error
                .error_body()
                .expect("the 400 body decodes as BrazeError");
            assert_eq!(
                body.error.as_deref(),
                Some("message body does not match declared format")
            );
        }),
    ]
}

// Not a row: an id the type refuses never becomes a call.
#[test]
fn transactional_external_send_id_rejects_non_base64_characters() {
    let parsed: Result<types::TransactionalCampaignSendRequestExternalSendId, _> =
        "order 4821!".parse();
    assert!(parsed.is_err());
}

/// The body `messages_schedule_create` must send for the row of the
/// multichannel message with a connected audience.
fn schedule_create_body() -> serde_json::Value {
    json!({
        "broadcast": true,
        "segment_id": "3c9a7e51-4b2d-4f80-8e6a-1d5b9c7f3a2e",
        "campaign_id": "2a7f6c1e-8d3b-4e52-9f0a-6b1c3d5e7f90",
        "override_messaging_limits": false,
        "recipient_subscription_state": "subscribed",
        "audience": {
            "AND": [
                {"custom_attribute": {"custom_attribute_name": "eye_color", "comparison": "equals", "value": "blue"}},
                {"custom_attribute": {"custom_attribute_name": "favorite_foods", "comparison": "includes_value", "value": "pizza"}},
                {
                    "OR": [
                        {"custom_attribute": {"custom_attribute_name": "last_purchase_time", "comparison": "less_than_x_days_ago", "value": 2.0}},
                        {"push_subscription_status": {"comparison": "is", "value": "opted_in"}}
                    ]
                },
                {"email_subscription_status": {"comparison": "is_not", "value": "unsubscribed"}},
                {"last_used_app": {"comparison": "after", "value": "2026-10-01T00:00:00Z"}},
                {"custom_attribute": {"custom_attribute_name": "vip", "comparison": "exists"}}
            ]
        },
        "schedule": {"time": "2026-12-01T09:00:00", "in_local_time": true},
        "messages": {
            "apple_push": {
                "alert": {"title": "Winter sale", "body": "20% off outerwear until Sunday."},
                "category": "ab_cat_accept_decline",
                "buttons": [{"action_id": "ab_pb_accept", "action": "DEEP_LINK", "uri": "acme://sale"}],
                "apns_priority": 10,
                "message_variation_id": "ios-push-5530"
            },
            "android_push": {
                "title": "Winter sale",
                "alert": "20% off outerwear until Sunday.",
                "buttons": [{"text": "Shop now", "action": "URI", "uri": "https://acme.example/sale"}],
                "message_variation_id": "android-push-5529"
            },
            "email": {
                "app_id": "9d2e6b1a-3f4c-4a58-b7e9-0c1d2e3f4a5b",
                "from": "Acme Outfitters <news@mail.acme.example>",
                "subject": "Winter sale",
                "body": "<p>20% off outerwear until Sunday.</p>",
                "headers": {"X-Campaign": "winter-sale"},
                "attachments": [{"file_name": "lookbook", "url": "https://files.acme.example/lookbook.pdf"}],
                "message_variation_id": "email-5531"
            },
            "sms": {
                "app_id": "9d2e6b1a-3f4c-4a58-b7e9-0c1d2e3f4a5b",
                "subscription_group_id": "6e4b2a90-7c1d-4f3e-b5a8-2d9c0e1f3b4a",
                "body": "Winter sale: 20% off outerwear until Sunday.",
                "link_shortening_enabled": true
            },
            "whats_app": {
                "app_id": "9d2e6b1a-3f4c-4a58-b7e9-0c1d2e3f4a5b",
                "subscription_group_id": "0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d",
                "message_type": "template_message",
                "message": {
                    "template_name": "winter_sale",
                    "template_language_code": "en_US",
                    "body_variables": {"0": "Alex", "1": "20%"}
                }
            },
            "content_card": {
                "type": "CAPTIONED_IMAGE",
                "title": "Winter sale",
                "description": "20% off outerwear until Sunday.",
                "image_url": "https://cdn.acme.example/sale.png",
                "time_to_live": 604800,
                "pinned": true
            },
            "webhook": {
                "url": "https://hooks.acme.example/braze",
                "request_method": "POST",
                "request_headers": {"Content-Type": "application/json"},
                "body": "{\"campaign\":\"winter-sale\"}"
            }
        }
    })
}
