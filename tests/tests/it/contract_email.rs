//! Contract tests of the Subscription Groups, Email Lists, Email Templates,
//! Content Blocks and SMS operations (`spec/email.yaml`): each test pins the
//! exact request the SDK sends (method, path, query, body, auth) and checks
//! that a documented response shape decodes into the typed fields.

use crate::common;

use braze_sdk::{Nullable, types};
use serde_json::json;
use wiremock::Mock;
use wiremock::matchers::{body_json, header, method, path, query_param, query_param_is_missing};

use crate::common::{date, utc as date_time};

fn success() -> serde_json::Value {
    json!({ "message": "success" })
}

// ---------------------------------------------------------------------------
// Subscription Groups
// ---------------------------------------------------------------------------

#[tokio::test]
async fn subscription_status_set_sends_emails_and_decodes_201() {
    let (server, client) = common::setup().await;
    Mock::given(method("POST"))
        .and(path("/subscription/status/set"))
        .and(header(
            "authorization",
            format!("Bearer {}", common::API_KEY),
        ))
        .and(body_json(json!({
            "subscription_group_id": "4b2c7a3e-1f0d-4e8a-9c55-2d6b1a7e9f01",
            "subscription_state": "unsubscribed",
            "external_id": "user-1234",
            "email": ["ana.souza@example.com", "li.wei@example.com"]
        })))
        .respond_with(common::json_response(201, success()))
        .expect(1)
        .mount(&server)
        .await;

    let response = client
        .subscription_status_set(types::SubscriptionStatusSetRequest {
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
        .await
        .expect("a 201 answer decodes");
    assert_eq!(response.status().as_u16(), 201);
    assert_eq!(response.message, "success");
    assert!(response.errors.is_empty());
    common::assert_no_api_version_header(&server).await;
}

#[tokio::test]
async fn subscription_status_set_v2_sends_several_groups() {
    let (server, client) = common::setup().await;
    common::authorized("POST", "/v2/subscription/status/set")
        .and(body_json(json!({
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
        })))
        .respond_with(common::json_response(201, success()))
        .expect(1)
        .mount(&server)
        .await;

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
    let response = client
        .subscription_status_set_v2(types::SubscriptionStatusSetV2Request {
            subscription_groups: groups,
        })
        .send()
        .await
        .expect("a 201 answer decodes");
    assert_eq!(response.message, "success");
}

#[tokio::test]
async fn subscription_status_get_sends_bracketed_ids_and_decodes_states() {
    let (server, client) = common::setup().await;
    common::authorized("GET", "/subscription/status/get")
        .and(query_param(
            "subscription_group_id",
            "4b2c7a3e-1f0d-4e8a-9c55-2d6b1a7e9f01",
        ))
        .and(query_param("external_id[]", "user-1234"))
        .and(query_param("external_id[]", "user-5678"))
        .and(query_param_is_missing("email[]"))
        .and(query_param_is_missing("phone[]"))
        .respond_with(common::json_response(
            200,
            json!({
                "status": { "user-1234": "Unsubscribed", "user-5678": "Subscribed" },
                "message": "success"
            }),
        ))
        .expect(1)
        .mount(&server)
        .await;

    let response = client
        .subscription_status_get("4b2c7a3e-1f0d-4e8a-9c55-2d6b1a7e9f01")
        .external_id(vec!["user-1234".to_string(), "user-5678".to_string()])
        .send()
        .await
        .expect("the answer decodes");
    assert_eq!(response.message.as_deref(), Some("success"));
    assert_eq!(response.status.len(), 2);
    assert!(response.status["user-1234"] == types::SubscriptionGroupMembershipStatus::Unsubscribed);
    assert!(response.status["user-5678"] == types::SubscriptionGroupMembershipStatus::Subscribed);
}

#[tokio::test]
async fn subscription_status_get_by_phone_keeps_plus_sign() {
    let (server, client) = common::setup().await;
    common::authorized("GET", "/subscription/status/get")
        .and(query_param(
            "subscription_group_id",
            "9e0f3d21-6a4b-4c7e-8d12-5f3a0b6c2e44",
        ))
        .and(query_param("phone[]", "+12125551212"))
        .and(query_param_is_missing("external_id[]"))
        .respond_with(common::json_response(
            200,
            // Real responses spell the state in lower case; the page's
            // examples capitalise it. Both decode to the same variant.
            json!({ "status": { "+12125551212": "unknown", "+12125551313": "Subscribed" }, "message": "success" }),
        ))
        .expect(1)
        .mount(&server)
        .await;

    let response = client
        .subscription_status_get("9e0f3d21-6a4b-4c7e-8d12-5f3a0b6c2e44")
        .phone(vec!["+12125551212".to_string()])
        .send()
        .await
        .expect("the answer decodes");
    assert!(response.status["+12125551212"] == types::SubscriptionGroupMembershipStatus::Unknown);
    assert!(
        response.status["+12125551313"] == types::SubscriptionGroupMembershipStatus::Subscribed
    );
}

#[tokio::test]
async fn subscription_user_status_pages_and_decodes_groups() {
    let (server, client) = common::setup().await;
    common::authorized("GET", "/subscription/user/status")
        .and(query_param("external_id[]", "user-1234"))
        .and(query_param("email[]", "ana.souza@example.com"))
        .and(query_param("limit", "100"))
        .and(query_param("offset", "0"))
        .respond_with(common::json_response(
            200,
            // What Braze really sends (not the page's example shape).
            json!({
                "users": [{
                    "email": "ana.souza@example.com",
                    "phone": null,
                    "external_id": "user-1234",
                    "subscription_groups": [
                        { "id": "group_id_1", "name": "Newsletter", "channel": "email", "status": "subscribed" },
                        { "id": "group_id_2", "name": "Promos", "channel": "sms", "status": "Unsubscribed" }
                    ]
                }],
                "total_count": 1,
                "message": "success"
            }),
        ))
        .expect(1)
        .mount(&server)
        .await;

    let response = client
        .subscription_user_status()
        .external_id(vec!["user-1234".to_string()])
        .email(vec!["ana.souza@example.com".to_string()])
        .limit(100u64)
        .offset(0u64)
        .send()
        .await
        .expect("the answer decodes");
    assert_eq!(response.message.as_deref(), Some("success"));
    assert_eq!(response.total_count, Some(1));
    let user = &response.users[0];
    assert_eq!(user.external_id, Some(Nullable::Value("user-1234".into())));
    assert_eq!(user.phone, Some(Nullable::Null));
    let groups = &user.subscription_groups;
    assert_eq!(groups.len(), 2);
    assert_eq!(groups[0].id.as_deref(), Some("group_id_1"));
    assert!(groups[0].channel == Some(types::SubscriptionUserStatusGroupChannel::Email.into()));
    assert!(groups[0].status == Some(types::SubscriptionGroupMembershipStatus::Subscribed.into()));
    assert!(
        groups[1].status == Some(types::SubscriptionGroupMembershipStatus::Unsubscribed.into())
    );
}

#[tokio::test]
async fn subscription_user_status_still_decodes_the_pages_example_shape() {
    let (server, client) = common::setup().await;
    common::authorized("GET", "/subscription/user/status")
        .respond_with(common::json_response(
            200,
            json!({
                "success": true,
                "subscription_groups": [
                    { "subscription_group_id": "group_id_1", "subscription_status": "subscribed" }
                ]
            }),
        ))
        .expect(1)
        .mount(&server)
        .await;
    let response = client
        .subscription_user_status()
        .external_id(vec!["user-1234".to_string()])
        .send()
        .await
        .expect("the older shape decodes too");
    assert_eq!(response.success, Some(true));
    assert!(response.users.is_empty());
    assert_eq!(
        response.subscription_groups[0]
            .subscription_group_id
            .as_deref(),
        Some("group_id_1")
    );
}

// ---------------------------------------------------------------------------
// Email Lists
// ---------------------------------------------------------------------------

#[tokio::test]
#[allow(deprecated)]
async fn email_blacklist_sends_a_list() {
    let (server, client) = common::setup().await;
    common::authorized("POST", "/email/blacklist")
        .and(body_json(
            json!({ "email": ["old.address@example.com", "complaints@example.org"] }),
        ))
        .respond_with(common::json_response(201, success()))
        .expect(1)
        .mount(&server)
        .await;

    let response = client
        .email_blacklist(types::EmailBlacklistRequest {
            email: types::EmailAddressOrList50::Array(vec![
                "old.address@example.com".to_string(),
                "complaints@example.org".to_string(),
            ]),
        })
        .send()
        .await
        .expect("the answer decodes");
    assert_eq!(response.message, "success");
}

#[tokio::test]
async fn email_blocklist_sends_one_address_and_accepts_200() {
    let (server, client) = common::setup().await;
    common::authorized("POST", "/email/blocklist")
        .and(body_json(json!({ "email": "abuse.reports@example.net" })))
        .respond_with(common::json_response(200, success()))
        .expect(1)
        .mount(&server)
        .await;

    let response = client
        .email_blocklist(types::EmailBlocklistRequest {
            email: types::EmailAddressOrList50::Email("abuse.reports@example.net".to_string()),
        })
        .send()
        .await
        .expect("any 2xx answer decodes");
    assert_eq!(response.status().as_u16(), 200);
    assert_eq!(response.message, "success");
}

#[tokio::test]
async fn email_bounce_remove_sends_one_address() {
    let (server, client) = common::setup().await;
    common::authorized("POST", "/email/bounce/remove")
        .and(body_json(json!({ "email": "ana.souza@example.com" })))
        .respond_with(common::json_response(201, success()))
        .expect(1)
        .mount(&server)
        .await;

    let response = client
        .email_bounce_remove(types::EmailBounceRemoveRequest {
            email: types::EmailAddressOrList50::Email("ana.souza@example.com".to_string()),
        })
        .send()
        .await
        .expect("the answer decodes");
    assert_eq!(response.message, "success");
}

#[tokio::test]
async fn email_spam_remove_sends_a_list_and_keeps_non_fatal_errors() {
    let (server, client) = common::setup().await;
    common::authorized("POST", "/email/spam/remove")
        .and(body_json(json!({ "email": ["li.wei@example.com"] })))
        .respond_with(common::json_response(
            201,
            json!({ "message": "success", "errors": ["li.wei@example.com was not on the spam list"] }),
        ))
        .expect(1)
        .mount(&server)
        .await;

    let response = client
        .email_spam_remove(types::EmailSpamRemoveRequest {
            email: types::EmailAddressOrList50::Array(vec!["li.wei@example.com".to_string()]),
        })
        .send()
        .await
        .expect("the answer decodes");
    assert_eq!(response.message, "success");
    assert_eq!(response.errors.len(), 1);
}

#[tokio::test]
async fn email_status_set_sends_state() {
    let (server, client) = common::setup().await;
    common::authorized("POST", "/email/status")
        .and(body_json(json!({
            "email": "ana.souza@example.com",
            "subscription_state": "opted_in"
        })))
        .respond_with(common::json_response(201, success()))
        .expect(1)
        .mount(&server)
        .await;

    let response = client
        .email_status_set(types::EmailStatusSetRequest {
            email: types::EmailAddressOrList50::Email("ana.souza@example.com".to_string()),
            subscription_state: types::EmailSubscriptionState::OptedIn,
        })
        .send()
        .await
        .expect("the answer decodes");
    assert_eq!(response.message, "success");
}

#[tokio::test]
async fn email_status_set_rejection_is_a_typed_error() {
    let (server, client) = common::setup().await;
    common::authorized("POST", "/email/status")
        .respond_with(common::json_response(
            400,
            json!({ "message": "Subscription state must be one of subscribed, unsubscribed, opted_in" }),
        ))
        .expect(1)
        .mount(&server)
        .await;

    let result = client
        .email_status_set(types::EmailStatusSetRequest {
            email: types::EmailAddressOrList50::Email("ana.souza@example.com".to_string()),
            subscription_state: types::EmailSubscriptionState::Subscribed,
        })
        .send()
        .await;
    match result {
        Err(braze_sdk::Error::ErrorResponse(e)) => {
            assert_eq!(e.status().as_u16(), 400);
            assert!(
                e.message
                    .as_deref()
                    .is_some_and(|m| m.starts_with("Subscription state"))
            );
        }
        other => panic!("expected a typed 400, got {other:?}"),
    }
}

#[tokio::test]
async fn email_hard_bounces_list_sends_dates_and_decodes_entries() {
    let (server, client) = common::setup().await;
    common::authorized("GET", "/email/hard_bounces")
        .and(query_param("start_date", "2026-10-01"))
        .and(query_param("end_date", "2026-11-01"))
        .and(query_param("limit", "500"))
        .and(query_param("offset", "500"))
        .and(query_param_is_missing("email"))
        .respond_with(common::json_response(
            200,
            json!({
                "emails": [
                    { "email": "old.address@example.com", "hard_bounced_at": "2026-10-28 09:14:03 +0000" },
                    { "email": "typo@exmaple.com", "hard_bounced_at": "2026-10-21T17:40:55Z" }
                ],
                "message": "success"
            }),
        ))
        .expect(1)
        .mount(&server)
        .await;

    let response = client
        .email_hard_bounces_list(date("2026-11-01"))
        .start_date(date("2026-10-01"))
        .limit(500u64)
        .offset(500u64)
        .send()
        .await
        .expect("both timestamp spellings decode");
    assert_eq!(response.emails.len(), 2);
    assert_eq!(response.emails[0].email, "old.address@example.com");
    assert_eq!(
        response.emails[0].hard_bounced_at.as_deref(),
        Some("2026-10-28 09:14:03 +0000")
    );
    assert_eq!(
        response.emails[1].hard_bounced_at.as_deref(),
        Some("2026-10-21T17:40:55Z")
    );
    assert_eq!(response.message.as_deref(), Some("success"));
}

#[tokio::test]
async fn email_unsubscribes_list_sends_sort_and_email() {
    let (server, client) = common::setup().await;
    common::authorized("GET", "/email/unsubscribes")
        .and(query_param("end_date", "2026-11-01"))
        .and(query_param("email", "li.wei@example.com"))
        .and(query_param("sort_direction", "asc"))
        .and(query_param_is_missing("start_date"))
        .respond_with(common::json_response(
            200,
            json!({
                "emails": [ { "email": "li.wei@example.com", "unsubscribed_at": "2026-10-30T22:05:41Z" } ],
                "message": "success"
            }),
        ))
        .expect(1)
        .mount(&server)
        .await;

    let response = client
        .email_unsubscribes_list(date("2026-11-01"))
        .email("li.wei@example.com")
        .sort_direction(types::EmailUnsubscribesListSortDirection::Asc)
        .send()
        .await
        .expect("the answer decodes");
    assert_eq!(response.emails.len(), 1);
    assert_eq!(response.emails[0].email, "li.wei@example.com");
    assert_eq!(
        response.emails[0].unsubscribed_at.as_deref(),
        Some("2026-10-30T22:05:41Z")
    );
}

// ---------------------------------------------------------------------------
// Email Templates
// ---------------------------------------------------------------------------

#[tokio::test]
async fn templates_email_create_sends_template_and_decodes_id() {
    let (server, client) = common::setup().await;
    common::authorized("POST", "/templates/email/create")
        .and(body_json(json!({
            "template_name": "autumn_sale_announcement",
            "subject": "Our autumn sale starts today",
            "body": "<html><body><h1>Autumn sale</h1></body></html>",
            "plaintext_body": "Autumn sale",
            "preheader": "Up to 40% off",
            "tags": ["promotional"],
            "should_inline_css": true
        })))
        .respond_with(common::json_response(
            201,
            json!({ "email_template_id": "232b6d29-7e41-4106-a0ab-1c4fe915d701", "message": "success" }),
        ))
        .expect(1)
        .mount(&server)
        .await;

    let response = client
        .templates_email_create(types::TemplatesEmailCreateRequest {
            template_name: "autumn_sale_announcement".to_string(),
            subject: "Our autumn sale starts today".to_string(),
            body: "<html><body><h1>Autumn sale</h1></body></html>".to_string(),
            plaintext_body: Some("Autumn sale".to_string()),
            preheader: Some("Up to 40% off".to_string()),
            tags: vec!["promotional".to_string()],
            should_inline_css: Some(true),
        })
        .send()
        .await
        .expect("the answer decodes");
    assert_eq!(
        response.email_template_id,
        "232b6d29-7e41-4106-a0ab-1c4fe915d701"
    );
    assert_eq!(response.message.as_deref(), Some("success"));
}

#[tokio::test]
async fn templates_email_update_sends_only_changed_fields() {
    let (server, client) = common::setup().await;
    common::authorized("POST", "/templates/email/update")
        .and(body_json(json!({
            "email_template_id": "7f1c2d9a-3b4e-4a61-8c0f-91d2e5b7a630",
            "subject": "Last days of our autumn sale"
        })))
        .respond_with(common::json_response(200, success()))
        .expect(1)
        .mount(&server)
        .await;

    let response = client
        .templates_email_update(
            types::TemplatesEmailUpdateRequest::new("7f1c2d9a-3b4e-4a61-8c0f-91d2e5b7a630")
                .subject(Some("Last days of our autumn sale".to_string())),
        )
        .send()
        .await
        .expect("the answer decodes");
    assert_eq!(response.message, "success");
}

#[tokio::test]
async fn templates_email_info_decodes_string_tags() {
    let (server, client) = common::setup().await;
    common::authorized("GET", "/templates/email/info")
        .and(query_param(
            "email_template_id",
            "7f1c2d9a-3b4e-4a61-8c0f-91d2e5b7a630",
        ))
        .respond_with(common::json_response(
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
            }),
        ))
        .expect(1)
        .mount(&server)
        .await;

    let response = client
        .templates_email_info("7f1c2d9a-3b4e-4a61-8c0f-91d2e5b7a630")
        .send()
        .await
        .expect("the answer decodes");
    assert_eq!(response.template_name.as_deref(), Some("Promo template"));
    assert_eq!(response.subject.as_deref(), Some("Weekly newsletter"));
    assert_eq!(
        response.tags,
        Some(types::EmailTemplateTags::String("promo".to_string()))
    );
    assert_eq!(
        response.created_at.as_deref(),
        Some("2020-07-10 13:00:00.000")
    );
    assert_eq!(response.plaintext_body, None);
}

#[tokio::test]
async fn templates_email_list_pages_and_decodes_array_tags() {
    let (server, client) = common::setup().await;
    common::authorized("GET", "/templates/email/list")
        .and(query_param("modified_after", "2026-01-01T00:00:00Z"))
        .and(query_param("limit", "1000"))
        .and(query_param("offset", "0"))
        .and(query_param_is_missing("modified_before"))
        .respond_with(common::json_response(
            200,
            json!({
                "count": 1,
                "templates": [{
                    "email_template_id": "7f1c2d9a-3b4e-4a61-8c0f-91d2e5b7a630",
                    "template_name": "autumn_sale_announcement",
                    "created_at": "2026-09-15T08:30:00.000+00:00",
                    "updated_at": "2026-10-02T16:12:45.000+00:00",
                    "tags": ["promotional", "seasonal"]
                }]
            }),
        ))
        .expect(1)
        .mount(&server)
        .await;

    let response = client
        .templates_email_list()
        .modified_after(date_time("2026-01-01T00:00:00Z"))
        .limit(1000u64)
        .offset(0u64)
        .send()
        .await
        .expect("the answer decodes");
    assert_eq!(response.count, Some(1));
    assert_eq!(response.templates.len(), 1);
    let t = &response.templates[0];
    assert_eq!(t.email_template_id, "7f1c2d9a-3b4e-4a61-8c0f-91d2e5b7a630");
    assert_eq!(
        t.tags,
        Some(types::EmailTemplateTags::Array(vec![
            "promotional".to_string(),
            "seasonal".to_string()
        ]))
    );
}

// ---------------------------------------------------------------------------
// Content Blocks
// ---------------------------------------------------------------------------

#[tokio::test]
async fn content_blocks_create_sends_block_and_decodes_tag() {
    let (server, client) = common::setup().await;
    common::authorized("POST", "/content_blocks/create")
        .and(body_json(json!({
            "name": "footer_legal",
            "description": "Legal footer",
            "content": "<p>Example Corp, 1 Main Street</p>",
            "state": "draft",
            "tags": ["marketing"]
        })))
        .respond_with(common::json_response(
            201,
            json!({
                "content_block_id": "3d9a6f12-5c7b-4e08-a1d4-6b2e9f0c7a85",
                "liquid_tag": "{{content_blocks.${footer_legal}}}",
                "created_at": "2026-11-02T10:15:30.000+00:00",
                "message": "success"
            }),
        ))
        .expect(1)
        .mount(&server)
        .await;

    let response = client
        .content_blocks_create(
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
        .await
        .expect("the answer decodes");
    assert_eq!(
        response.content_block_id,
        "3d9a6f12-5c7b-4e08-a1d4-6b2e9f0c7a85"
    );
    assert_eq!(
        response.liquid_tag.as_deref(),
        Some("{{content_blocks.${footer_legal}}}")
    );
    assert_eq!(response.message.as_deref(), Some("success"));
}

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

#[tokio::test]
async fn content_blocks_update_sends_changed_fields() {
    let (server, client) = common::setup().await;
    common::authorized("POST", "/content_blocks/update")
        .and(body_json(json!({
            "content_block_id": "3d9a6f12-5c7b-4e08-a1d4-6b2e9f0c7a85",
            "content": "<p>Example Corp, 20 Harbour Road</p>",
            "state": "active"
        })))
        .respond_with(common::json_response(
            201,
            json!({
                "content_block_id": "3d9a6f12-5c7b-4e08-a1d4-6b2e9f0c7a85",
                "liquid_tag": "{{content_blocks.${footer_legal}}}",
                "created_at": "2026-11-02T10:15:30.000+00:00",
                "message": "success"
            }),
        ))
        .expect(1)
        .mount(&server)
        .await;

    let response = client
        .content_blocks_update(
            types::ContentBlocksUpdateRequest::new("3d9a6f12-5c7b-4e08-a1d4-6b2e9f0c7a85")
                .content(Some(
                    "<p>Example Corp, 20 Harbour Road</p>".try_into().unwrap(),
                ))
                .state(Some(types::ContentBlockState::Active)),
        )
        .send()
        .await
        .expect("the answer decodes");
    assert_eq!(
        response.content_block_id,
        "3d9a6f12-5c7b-4e08-a1d4-6b2e9f0c7a85"
    );
    assert_eq!(
        response.created_at.as_deref(),
        Some("2026-11-02T10:15:30.000+00:00")
    );
}

#[tokio::test]
async fn content_blocks_info_asks_for_inclusion_data() {
    let (server, client) = common::setup().await;
    common::authorized("GET", "/content_blocks/info")
        .and(query_param(
            "content_block_id",
            "3d9a6f12-5c7b-4e08-a1d4-6b2e9f0c7a85",
        ))
        .and(query_param("include_inclusion_data", "true"))
        .respond_with(common::json_response(
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
            }),
        ))
        .expect(1)
        .mount(&server)
        .await;

    let response = client
        .content_blocks_info("3d9a6f12-5c7b-4e08-a1d4-6b2e9f0c7a85")
        .include_inclusion_data(true)
        .send()
        .await
        .expect("the answer decodes");
    assert_eq!(response.name.as_deref(), Some("footer_legal"));
    assert!(
        response
            .content_type
            .as_ref()
            .is_some_and(|t| *t == types::ContentBlockContentType::Html)
    );
    assert_eq!(response.tags, vec!["marketing".to_string()]);
    assert_eq!(response.inclusion_count, Some(2));
    assert_eq!(response.inclusion_data.len(), 2);
    assert_eq!(response.inclusion_data[1], json!("mv-2"));
}

#[tokio::test]
async fn content_blocks_list_decodes_unknown_content_type() {
    let (server, client) = common::setup().await;
    common::authorized("GET", "/content_blocks/list")
        .and(query_param("modified_before", "2026-11-01T00:00:00Z"))
        .and(query_param("limit", "100"))
        .and(query_param("offset", "100"))
        .respond_with(common::json_response(
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
            }),
        ))
        .expect(1)
        .mount(&server)
        .await;

    let response = client
        .content_blocks_list()
        .modified_before(date_time("2026-11-01T00:00:00Z"))
        .limit(100u64)
        .offset(100u64)
        .send()
        .await
        .expect("the answer decodes");
    assert_eq!(response.count, Some(2));
    let blocks = &response.content_blocks;
    assert_eq!(blocks.len(), 2);
    assert_eq!(blocks[0].inclusion_count, Some(3));
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
    assert_eq!(blocks[1].tags, vec!["marketing".to_string()]);
}

// ---------------------------------------------------------------------------
// SMS
// ---------------------------------------------------------------------------

#[tokio::test]
async fn sms_invalid_phone_numbers_remove_sends_numbers() {
    let (server, client) = common::setup().await;
    common::authorized("POST", "/sms/invalid_phone_numbers/remove")
        .and(body_json(
            json!({ "phone_numbers": ["+12125551212", "+447700900123"] }),
        ))
        .respond_with(common::json_response(201, success()))
        .expect(1)
        .mount(&server)
        .await;

    let response = client
        .sms_invalid_phone_numbers_remove(types::SmsInvalidPhoneNumbersRemoveRequest {
            phone_numbers: vec!["+12125551212".to_string(), "+447700900123".to_string()],
        })
        .send()
        .await
        .expect("the answer decodes");
    assert_eq!(response.message, "success");
}

#[tokio::test]
async fn sms_invalid_phone_numbers_list_sends_numbers_and_reason() {
    let (server, client) = common::setup().await;
    common::authorized("GET", "/sms/invalid_phone_numbers")
        .and(query_param("phone_numbers[]", "+12125551212"))
        .and(query_param("phone_numbers[]", "+447700900123"))
        .and(query_param("reason", "provider_error"))
        .and(query_param_is_missing("start_date"))
        .and(query_param_is_missing("end_date"))
        .respond_with(common::json_response(
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
            }),
        ))
        .expect(1)
        .mount(&server)
        .await;

    let response = client
        .sms_invalid_phone_numbers_list()
        .phone_numbers(vec![
            "+12125551212".to_string(),
            "+447700900123".to_string(),
        ])
        .reason(types::SmsInvalidPhoneNumbersListReason::ProviderError)
        .send()
        .await
        .expect("the answer decodes");
    assert_eq!(response.sms.len(), 1);
    let entry = &response.sms[0];
    assert_eq!(entry.phone, "+12125551212");
    assert_eq!(
        entry.invalid_detected_at.as_deref(),
        Some("2026-10-29T06:41:17Z")
    );
    assert!(
        entry
            .reason
            .as_ref()
            .is_some_and(|r| *r == types::SmsInvalidPhoneNumberReason::ProviderError)
    );
}
