//! Contract tests of the Subscription Groups, Email Lists, Email Templates,
//! Content Blocks and SMS operations (`spec/email.yaml`), as rows of
//! [`crate::contract_table`]: each pins the exact request the SDK sends (method, path, query, body, auth) and checks
//! that a documented response shape decodes into the typed fields.

use crate::contract_table::{self, Case, row};
use crate::table;

use braze_sdk::types;
use serde_json::json;

use crate::common::{date, utc as date_time};

fn success() -> serde_json::Value {
    json!({ "message": "success" })
}

#[tokio::test]
async fn email_contract_table() {
    contract_table::run(rows()).await;
}

fn rows() -> Vec<Box<dyn Case>> {
    table![
        row(
            "subscription_status_set_sends_emails_and_decodes_201",
            |c| {
                c.subscription_status_set(types::SubscriptionStatusSetRequest {
                    subscription_group_id: "4b2c7a3e-1f0d-4e8a-9c55-2d6b1a7e9f01".to_string(),
                    subscription_state: types::SubscriptionGroupState::Unsubscribed,
                    external_id: Some(types::StringOrStringList50::String("user-1234".to_string())),
                    email: Some(types::EmailAddressOrList50::Array(vec![
                        "ana.souza@example.com".to_string(),
                        "li.wei@example.com".to_string(),
                    ])),
                    phone: None,
                    use_double_opt_in_logic: None,
                })
                .send()
            }
        )
        .post("/subscription/status/set")
        .body(json!({
            "subscription_group_id": "4b2c7a3e-1f0d-4e8a-9c55-2d6b1a7e9f01",
            "subscription_state": "unsubscribed",
            "external_id": "user-1234",
            "email": ["ana.souza@example.com", "li.wei@example.com"]
        }))
        .answer(201, success()),
        row("subscription_status_set_v2_sends_several_groups", |c| {
            let email_group = types::SubscriptionStatusSetV2Group::new(
                "4b2c7a3e-1f0d-4e8a-9c55-2d6b1a7e9f01",
                types::SubscriptionGroupState::Subscribed,
            )
            .external_ids(vec!["user-1234".to_string(), "user-5678".to_string()]);
            let sms_group = types::SubscriptionStatusSetV2Group::new(
                "9e0f3d21-6a4b-4c7e-8d12-5f3a0b6c2e44",
                types::SubscriptionGroupState::Subscribed,
            )
            .phones(Some(types::StringOrStringList50::Array(vec![
                "+12125551212".to_string(),
                "+447700900123".to_string(),
            ])))
            .use_double_opt_in_logic(Some(true));
            let groups = vec![email_group, sms_group];
            c.subscription_status_set_v2(types::SubscriptionStatusSetV2Request {
                subscription_groups: groups,
            })
            .send()
        })
        .post("/v2/subscription/status/set")
        .body(json!({
            "subscription_groups": [
                {
                    "subscription_group_id": "4b2c7a3e-1f0d-4e8a-9c55-2d6b1a7e9f01",
                    "subscription_state": "subscribed",
                    "external_ids": ["user-1234", "user-5678"]
                },
                {
                    "subscription_group_id": "9e0f3d21-6a4b-4c7e-8d12-5f3a0b6c2e44",
                    "subscription_state": "subscribed",
                    "phones": ["+12125551212", "+447700900123"],
                    "use_double_opt_in_logic": true
                }
            ]
        }))
        .answer(201, success()),
        row(
            "subscription_status_get_sends_bracketed_ids_and_decodes_states",
            |c| {
                c.subscription_status_get("4b2c7a3e-1f0d-4e8a-9c55-2d6b1a7e9f01")
                    .external_id(vec!["user-1234".to_string(), "user-5678".to_string()])
                    .send()
            }
        )
        .get("/subscription/status/get")
        .query(&[
            (
                "subscription_group_id",
                "4b2c7a3e-1f0d-4e8a-9c55-2d6b1a7e9f01"
            ),
            ("external_id[]", "user-1234"),
            ("external_id[]", "user-5678")
        ])
        .answer(
            200,
            json!({
                "status": { "user-1234": "Unsubscribed", "user-5678": "Subscribed" },
                "message": "success"
            })
        )
        // The capitalised states of the page's example are encoded again in
        // the lower case real responses use.
        .decodes_to(json!({
            "status": { "user-1234": "unsubscribed", "user-5678": "subscribed" },
            "message": "success"
        }))
        .then(|response| {
            assert_eq!(response.status.len(), 2);
            assert!(
                response.status["user-1234"]
                    == types::SubscriptionGroupMembershipStatus::Unsubscribed
            );
            assert!(
                response.status["user-5678"]
                    == types::SubscriptionGroupMembershipStatus::Subscribed
            );
        }),
        row("subscription_status_get_by_phone_keeps_plus_sign", |c| {
            c.subscription_status_get("9e0f3d21-6a4b-4c7e-8d12-5f3a0b6c2e44")
                .phone(vec!["+12125551212".to_string()])
                .send()
        })
        .get("/subscription/status/get")
        .query(&[
            (
                "subscription_group_id",
                "9e0f3d21-6a4b-4c7e-8d12-5f3a0b6c2e44"
            ),
            ("phone[]", "+12125551212")
        ])
        .answer(
            200, // Real responses spell the state in lower case; the page's
            // examples capitalise it. Both decode to the same variant.
            json!({
                "status": { "+12125551212": "unknown", "+12125551313": "Subscribed" },
                "message": "success"
            })
        )
        .decodes_to(json!({
            "status": { "+12125551212": "unknown", "+12125551313": "subscribed" },
            "message": "success"
        }))
        .then(|response| {
            assert!(
                response.status["+12125551212"]
                    == types::SubscriptionGroupMembershipStatus::Unknown
            );
            assert!(
                response.status["+12125551313"]
                    == types::SubscriptionGroupMembershipStatus::Subscribed
            );
        }),
        row("subscription_user_status_pages_and_decodes_groups", |c| {
            c.subscription_user_status()
                .external_id(vec!["user-1234".to_string()])
                .email(vec!["ana.souza@example.com".to_string()])
                .limit(100u64)
                .offset(0u64)
                .send()
        })
        .get("/subscription/user/status")
        .query(&[
            ("external_id[]", "user-1234"),
            ("email[]", "ana.souza@example.com"),
            ("limit", "100"),
            ("offset", "0")
        ])
        .answer(
            200, // What Braze really sends (not the page's example shape).
            json!({
                "users": [
                    {
                        "email": "ana.souza@example.com",
                        "phone": null,
                        "external_id": "user-1234",
                        "subscription_groups": [
                            {
                                "id": "group_id_1",
                                "name": "Newsletter",
                                "channel": "email",
                                "status": "subscribed"
                            },
                            {
                                "id": "group_id_2",
                                "name": "Promos",
                                "channel": "sms",
                                "status": "Unsubscribed"
                            }
                        ]
                    }
                ],
                "total_count": 1,
                "message": "success"
            })
        )
        .decodes_to(json!({
            "users": [
                {
                    "email": "ana.souza@example.com",
                    "phone": null,
                    "external_id": "user-1234",
                    "subscription_groups": [
                        {
                            "id": "group_id_1",
                            "name": "Newsletter",
                            "channel": "email",
                            "status": "subscribed"
                        },
                        {
                            "id": "group_id_2",
                            "name": "Promos",
                            "channel": "sms",
                            "status": "unsubscribed"
                        }
                    ]
                }
            ],
            "total_count": 1,
            "message": "success"
        }))
        .then(|response| {
            let user = &response.users[0];
            let groups = &user.subscription_groups;
            assert!(
                groups[0].channel == Some(types::SubscriptionUserStatusGroupChannel::Email.into())
            );
            assert!(
                groups[0].status
                    == Some(types::SubscriptionGroupMembershipStatus::Subscribed.into())
            );
            assert!(
                groups[1].status
                    == Some(types::SubscriptionGroupMembershipStatus::Unsubscribed.into())
            );
        }),
        row(
            "subscription_user_status_still_decodes_the_pages_example_shape",
            |c| {
                c.subscription_user_status()
                    .external_id(vec!["user-1234".to_string()])
                    .send()
            }
        )
        .get("/subscription/user/status")
        .query(&[("external_id[]", "user-1234")])
        .answer(
            200,
            json!({
                "success": true,
                "subscription_groups": [
                    {
                        "subscription_group_id": "group_id_1",
                        "subscription_status": "subscribed"
                    }
                ]
            })
        ),
        row("email_blacklist_sends_a_list", |c| {
            c.email_blacklist(types::EmailBlacklistRequest {
                email: types::EmailAddressOrList50::Array(vec![
                    "old.address@example.com".to_string(),
                    "complaints@example.org".to_string(),
                ]),
            })
            .send()
        })
        .post("/email/blacklist")
        .body(json!({
            "email": ["old.address@example.com", "complaints@example.org"]
        }),)
        .answer(201, success()),
        row("email_blocklist_sends_one_address_and_accepts_200", |c| {
            c.email_blocklist(types::EmailBlocklistRequest {
                email: types::EmailAddressOrList50::Email("abuse.reports@example.net".to_string()),
            })
            .send()
        })
        .post("/email/blocklist")
        .body(json!({ "email": "abuse.reports@example.net" }))
        .answer(200, success()),
        row("email_bounce_remove_sends_one_address", |c| {
            c.email_bounce_remove(types::EmailBounceRemoveRequest {
                email: types::EmailAddressOrList50::Email("ana.souza@example.com".to_string()),
            })
            .send()
        })
        .post("/email/bounce/remove")
        .body(json!({ "email": "ana.souza@example.com" }))
        .answer(201, success()),
        row(
            "email_spam_remove_sends_a_list_and_keeps_non_fatal_errors",
            |c| {
                c.email_spam_remove(types::EmailSpamRemoveRequest {
                    email: types::EmailAddressOrList50::Array(vec![
                        "li.wei@example.com".to_string(),
                    ]),
                })
                .send()
            }
        )
        .post("/email/spam/remove")
        .body(json!({ "email": ["li.wei@example.com"] }))
        .answer(
            201,
            json!({
                "message": "success",
                "errors": ["li.wei@example.com was not on the spam list"]
            })
        ),
        row("email_status_set_sends_state", |c| {
            c.email_status_set(types::EmailStatusSetRequest {
                email: types::EmailAddressOrList50::Email("ana.souza@example.com".to_string()),
                subscription_state: types::EmailSubscriptionState::OptedIn,
            })
            .send()
        })
        .post("/email/status")
        .body(json!({
            "email": "ana.souza@example.com",
            "subscription_state": "opted_in"
        }))
        .answer(201, success()),
        row("email_status_set_rejection_is_a_typed_error", |c| {
            c.email_status_set(types::EmailStatusSetRequest {
                email: types::EmailAddressOrList50::Email("ana.souza@example.com".to_string()),
                subscription_state: types::EmailSubscriptionState::Subscribed,
            })
            .send()
        })
        .post("/email/status")
        .body(json!({
            "email": "ana.souza@example.com",
            "subscription_state": "subscribed"
        }))
        .answer(
            400,
            json!({
                "message": "Subscription state must be one of subscribed, unsubscribed, opted_in"
            })
        )
        .then_err(|error| {
            let body = error.error_body().expect("a typed 400");
            assert!(
                body.message
                    .as_deref()
                    .is_some_and(|m| m.starts_with("Subscription state"))
            );
        }),
        row(
            "email_hard_bounces_list_sends_dates_and_decodes_entries",
            |c| {
                c.email_hard_bounces_list(date("2026-11-01"))
                    .start_date(date("2026-10-01"))
                    .limit(500u64)
                    .offset(500u64)
                    .send()
            }
        )
        .get("/email/hard_bounces")
        .query(&[
            ("start_date", "2026-10-01"),
            ("end_date", "2026-11-01"),
            ("limit", "500"),
            ("offset", "500")
        ])
        .answer(
            200,
            json!({
                "emails": [
                    {
                        "email": "old.address@example.com",
                        "hard_bounced_at": "2026-10-28 09:14:03 +0000"
                    },
                    {
                        "email": "typo@exmaple.com",
                        "hard_bounced_at": "2026-10-21T17:40:55Z"
                    }
                ],
                "message": "success"
            })
        ),
        row("email_unsubscribes_list_sends_sort_and_email", |c| {
            c.email_unsubscribes_list(date("2026-11-01"))
                .email("li.wei@example.com")
                .sort_direction(types::EmailUnsubscribesListSortDirection::Asc)
                .send()
        })
        .get("/email/unsubscribes")
        .query(&[
            ("end_date", "2026-11-01"),
            ("email", "li.wei@example.com"),
            ("sort_direction", "asc")
        ])
        .answer(
            200,
            json!({
                "emails": [
                    {
                        "email": "li.wei@example.com",
                        "unsubscribed_at": "2026-10-30T22:05:41Z"
                    }
                ],
                "message": "success"
            })
        ),
        row(
            "templates_email_create_sends_template_and_decodes_id",
            |c| {
                c.templates_email_create(types::TemplatesEmailCreateRequest {
                    template_name: "autumn_sale_announcement".to_string(),
                    subject: "Our autumn sale starts today".to_string(),
                    body: "<html><body><h1>Autumn sale</h1></body></html>".to_string(),
                    plaintext_body: Some("Autumn sale".to_string()),
                    preheader: Some("Up to 40% off".to_string()),
                    tags: vec!["promotional".to_string()],
                    should_inline_css: Some(true),
                })
                .send()
            }
        )
        .post("/templates/email/create")
        .body(json!({
            "template_name": "autumn_sale_announcement",
            "subject": "Our autumn sale starts today",
            "body": "<html><body><h1>Autumn sale</h1></body></html>",
            "plaintext_body": "Autumn sale",
            "preheader": "Up to 40% off",
            "tags": ["promotional"],
            "should_inline_css": true
        }))
        .answer(
            201,
            json!({
                "email_template_id": "232b6d29-7e41-4106-a0ab-1c4fe915d701",
                "message": "success"
            })
        ),
        row("templates_email_update_sends_only_changed_fields", |c| {
            c.templates_email_update(
                types::TemplatesEmailUpdateRequest::new("7f1c2d9a-3b4e-4a61-8c0f-91d2e5b7a630")
                    .subject(Some("Last days of our autumn sale".to_string())),
            )
            .send()
        })
        .post("/templates/email/update")
        .body(json!({
            "email_template_id": "7f1c2d9a-3b4e-4a61-8c0f-91d2e5b7a630",
            "subject": "Last days of our autumn sale"
        }))
        .answer(200, success()),
        row("templates_email_info_decodes_string_tags", |c| {
            c.templates_email_info("7f1c2d9a-3b4e-4a61-8c0f-91d2e5b7a630")
                .send()
        })
        .get("/templates/email/info")
        .query(&[("email_template_id", "7f1c2d9a-3b4e-4a61-8c0f-91d2e5b7a630")])
        .answer(
            200,
            json!({
                "email_template_id": "7f1c2d9a-3b4e-4a61-8c0f-91d2e5b7a630",
                "template_name": "Promo template",
                "description": "Promo template",
                "subject": "Weekly newsletter",
                "preheader": "Another week of news",
                "body": "<html><body>Hello</body></html>",
                "tags": "promo",
                "created_at": "2020-07-10 13:00:00.000",
                "updated_at": "2024-02-04 17:00:00.000"
            })
        ),
        row("templates_email_list_pages_and_decodes_array_tags", |c| {
            c.templates_email_list()
                .modified_after(date_time("2026-01-01T00:00:00Z"))
                .limit(1000u64)
                .offset(0u64)
                .send()
        })
        .get("/templates/email/list")
        .query(&[
            ("modified_after", "2026-01-01T00:00:00Z"),
            ("limit", "1000"),
            ("offset", "0")
        ])
        .answer(
            200,
            json!({
                "count": 1,
                "templates": [
                    {
                        "email_template_id": "7f1c2d9a-3b4e-4a61-8c0f-91d2e5b7a630",
                        "template_name": "autumn_sale_announcement",
                        "created_at": "2026-09-15T08:30:00.000+00:00",
                        "updated_at": "2026-10-02T16:12:45.000+00:00",
                        "tags": ["promotional", "seasonal"]
                    }
                ]
            })
        ),
        row("content_blocks_create_sends_block_and_decodes_tag", |c| {
            c.content_blocks_create(
                types::ContentBlocksCreateRequest::new(
                    types::ContentBlocksCreateRequestContent::try_from(
                        "<p>Example Corp, 1 Main Street</p>",
                    )
                    .unwrap(),
                    types::ContentBlocksCreateRequestName::try_from("footer_legal").unwrap(),
                )
                .description(Some("Legal footer".try_into().unwrap()))
                .state(Some(types::ContentBlockState::Draft))
                .tags(vec!["marketing".to_string()]),
            )
            .send()
        })
        .post("/content_blocks/create")
        .body(json!({
            "name": "footer_legal",
            "description": "Legal footer",
            "content": "<p>Example Corp, 1 Main Street</p>",
            "state": "draft",
            "tags": ["marketing"]
        }))
        .answer(
            201,
            json!({
                "content_block_id": "3d9a6f12-5c7b-4e08-a1d4-6b2e9f0c7a85",
                "liquid_tag": "{{content_blocks.${footer_legal}}}",
                "created_at": "2026-11-02T10:15:30.000+00:00",
                "message": "success"
            })
        ),
        row("content_blocks_update_sends_changed_fields", |c| {
            c.content_blocks_update(
                types::ContentBlocksUpdateRequest::new("3d9a6f12-5c7b-4e08-a1d4-6b2e9f0c7a85")
                    .content(Some(
                        "<p>Example Corp, 20 Harbour Road</p>".try_into().unwrap(),
                    ))
                    .state(Some(types::ContentBlockState::Active)),
            )
            .send()
        })
        .post("/content_blocks/update")
        .body(json!({
            "content_block_id": "3d9a6f12-5c7b-4e08-a1d4-6b2e9f0c7a85",
            "content": "<p>Example Corp, 20 Harbour Road</p>",
            "state": "active"
        }))
        .answer(
            201,
            json!({
                "content_block_id": "3d9a6f12-5c7b-4e08-a1d4-6b2e9f0c7a85",
                "liquid_tag": "{{content_blocks.${footer_legal}}}",
                "created_at": "2026-11-02T10:15:30.000+00:00",
                "message": "success"
            })
        ),
        row("content_blocks_info_asks_for_inclusion_data", |c| {
            c.content_blocks_info("3d9a6f12-5c7b-4e08-a1d4-6b2e9f0c7a85")
                .include_inclusion_data(true)
                .send()
        })
        .get("/content_blocks/info")
        .query(&[
            ("content_block_id", "3d9a6f12-5c7b-4e08-a1d4-6b2e9f0c7a85"),
            ("include_inclusion_data", "true")
        ])
        .answer(
            200,
            json!({
                "content_block_id": "3d9a6f12-5c7b-4e08-a1d4-6b2e9f0c7a85",
                "name": "footer_legal",
                "content": "<p>Example Corp</p>",
                "description": "Legal footer",
                "content_type": "html",
                "tags": ["marketing"],
                "created_at": "2026-11-02T10:15:30.000+00:00",
                "last_edited": "2026-11-20T14:02:11.000+00:00",
                "inclusion_count": 2,
                "inclusion_data": [
                    { "campaign_id": "c-1", "message_variation_id": "mv-1" },
                    "mv-2"
                ],
                "message": "success"
            })
        )
        .then(|response| {
            assert!(
                response
                    .content_type
                    .as_ref()
                    .is_some_and(|t| *t == types::ContentBlockContentType::Html)
            );
        }),
        row("content_blocks_list_decodes_unknown_content_type", |c| {
            c.content_blocks_list()
                .modified_before(date_time("2026-11-01T00:00:00Z"))
                .limit(100u64)
                .offset(100u64)
                .send()
        })
        .get("/content_blocks/list")
        .query(&[
            ("modified_before", "2026-11-01T00:00:00Z"),
            ("limit", "100"),
            ("offset", "100")
        ])
        .answer(
            200,
            json!({
                "count": 2,
                "content_blocks": [
                    {
                        "content_block_id": "3d9a6f12-5c7b-4e08-a1d4-6b2e9f0c7a85",
                        "name": "footer_legal",
                        "content_type": "html",
                        "liquid_tag": "{{content_blocks.${footer_legal}}}",
                        "inclusion_count": 3,
                        "created_at": "2026-11-02T10:15:30.000+00:00",
                        "last_edited": "2026-11-20T14:02:11.000+00:00",
                        "tags": []
                    },
                    {
                        "content_block_id": "8b2f5a70-1d3c-4e9b-a6f8-0c4d7e2b9a13",
                        "name": "hero_banner",
                        "content_type": "drag_and_drop",
                        "liquid_tag": "{{content_blocks.${hero_banner}}}",
                        "inclusion_count": 0,
                        "tags": ["marketing"]
                    }
                ]
            })
        )
        .then(|response| {
            let blocks = &response.content_blocks;
            assert!(
                blocks[0]
                    .content_type
                    .as_ref()
                    .is_some_and(|t| *t == types::ContentBlockContentType::Html)
            );
            // A content type Braze adds later still decodes.
            assert!(matches!(
                blocks[1].content_type,
                Some(braze_sdk::Open::Unknown(_))
            ));
        }),
        row("sms_invalid_phone_numbers_remove_sends_numbers", |c| {
            c.sms_invalid_phone_numbers_remove(types::SmsInvalidPhoneNumbersRemoveRequest {
                phone_numbers: vec!["+12125551212".to_string(), "+447700900123".to_string()],
            })
            .send()
        })
        .post("/sms/invalid_phone_numbers/remove")
        .body(json!({ "phone_numbers": ["+12125551212", "+447700900123"] }),)
        .answer(201, success()),
        row(
            "sms_invalid_phone_numbers_list_sends_numbers_and_reason",
            |c| {
                c.sms_invalid_phone_numbers_list()
                    .phone_numbers(vec![
                        "+12125551212".to_string(),
                        "+447700900123".to_string(),
                    ])
                    .reason(types::SmsInvalidPhoneNumbersListReason::ProviderError)
                    .send()
            }
        )
        .get("/sms/invalid_phone_numbers")
        .query(&[
            ("phone_numbers[]", "+12125551212"),
            ("phone_numbers[]", "+447700900123"),
            ("reason", "provider_error")
        ])
        .answer(
            200,
            json!({
                "sms": [
                    {
                        "phone": "+12125551212",
                        "invalid_detected_at": "2026-10-29T06:41:17Z",
                        "reason": "provider_error"
                    }
                ],
                "message": "success"
            })
        )
        .then(|response| {
            let entry = &response.sms[0];
            assert!(
                entry
                    .reason
                    .as_ref()
                    .is_some_and(|r| *r == types::SmsInvalidPhoneNumberReason::ProviderError)
            );
        }),
    ]
}

// Not a row: a name the type refuses never becomes a call.
#[test]
fn content_block_names_are_checked_before_sending() {
    let bad: Result<types::ContentBlocksCreateRequestName, _> = "footer legal!".try_into();
    assert!(
        bad.is_err(),
        "spaces and punctuation are not allowed in names"
    );
    let long: Result<types::ContentBlocksCreateRequestName, _> =
        "a".repeat(100).as_str().try_into();
    assert!(long.is_err(), "names must be under 100 characters");
}
