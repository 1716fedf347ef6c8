//! Contract tests of the Preference Center operations
//! (`spec/preference_center.yaml`), as rows of [`crate::contract_table`]:
//! each pins the exact request the SDK sends (method, path, body, auth) and
//! checks that a documented response shape decodes into the typed fields.

use crate::contract_table::{self, Case, row};
use crate::table;

use braze_sdk::types;
use serde_json::json;

const PAGE_HTML: &str = "<!doctype html><html><body><form action=\"{{preference_center_submit_url}}\" method=\"post\"><input type=\"hidden\" name=\"{% form_field_name :email_global_state %}\" /></form></body></html>";
const CONFIRMATION_HTML: &str =
    "<!doctype html><html><body><p>Your choices were saved.</p></body></html>";

#[tokio::test]
async fn preference_center_contract_table() {
    contract_table::run(rows()).await;
}

fn rows() -> Vec<Box<dyn Case>> {
    table![
        row(
            "preference_center_url_generate_uses_both_path_parameters",
            |c| {
                c.preference_center_url_generate(
                    "3f9a2c1e-5b7d-4e8f-9a0b-1c2d3e4f5a6b",
                    "user-1234",
                )
                .send()
            }
        )
        .get("/preference_center/v1/3f9a2c1e-5b7d-4e8f-9a0b-1c2d3e4f5a6b/url/user-1234")
        .answer(
            200,
            json!({
                "preference_center_url": "https://news.example.com/preferences?token=8e1c0d4b"
            }),
        ),
        row("preference_centers_list_decodes_summaries", |c| {
            c.preference_centers_list().send()
        })
        .get("/preference_center/v1/list")
        .answer(
            200,
            json!({
                "preference_centers": [
                    {
                        "name": "newsletter_preferences",
                        "preference_center_api_id": "3f9a2c1e-5b7d-4e8f-9a0b-1c2d3e4f5a6b",
                        "created_at": "2024-01-09T10:15:00Z",
                        "updated_at": "2024-02-20T16:40:12Z"
                    },
                    {
                        "name": "product_updates",
                        "preference_center_api_id": "7b1e4d2a-9c3f-4a5b-8d6e-0f1a2b3c4d5e",
                        "created_at": "2024-03-02T08:05:44Z",
                        "updated_at": "2024-03-02T08:05:44Z"
                    }
                ]
            })
        ),
        row(
            "preference_center_get_decodes_html_options_state_and_null_redirect",
            |c| {
                c.preference_center_get("3f9a2c1e-5b7d-4e8f-9a0b-1c2d3e4f5a6b")
                    .send()
            }
        )
        .get("/preference_center/v1/3f9a2c1e-5b7d-4e8f-9a0b-1c2d3e4f5a6b")
        .answer(
            200,
            json!({
                "name": "newsletter_preferences",
                "preference_center_api_id": "3f9a2c1e-5b7d-4e8f-9a0b-1c2d3e4f5a6b",
                "created_at": "2024-01-09T10:15:00Z",
                "updated_at": "2024-02-20T16:40:12Z",
                "preference_center_title": "Your newsletter choices",
                "preference_center_page_html": PAGE_HTML,
                "confirmation_page_html": CONFIRMATION_HTML,
                "redirect_page_html": null,
                "preference_center_options": {
                    "meta-viewport-content": "width=device-width, initial-scale=1"
                },
                "state": "active"
            })
        )
        .then(|response| {
            // An explicit `null` (no redirect page) is kept, not confused with an
            // absent field.
            assert_eq!(response.redirect_page_html, Some(braze_sdk::Nullable::Null));
            assert_eq!(
                response.state.as_ref().and_then(|s| s.known().copied()),
                Some(types::PreferenceCenterState::Active)
            );
        }),
        row("preference_center_create_sends_html_and_options", |c| {
            c.preference_center_create(types::PreferenceCenterCreateRequest {
                name: "newsletter_preferences".to_string(),
                preference_center_title: Some("Your newsletter choices".to_string()),
                preference_center_page_html: PAGE_HTML.to_string(),
                confirmation_page_html: CONFIRMATION_HTML.to_string(),
                state: Some(types::PreferenceCenterState::Draft),
                options: Some(types::PreferenceCenterOptions {
                    meta_viewport_content: Some("width=device-width, initial-scale=1".to_string()),
                    links_tags: vec![
                        types::PreferenceCenterLinkTag {
                            rel: types::PreferenceCenterLinkTagRel::Icon,
                            type_: Some(types::PreferenceCenterLinkTagType::ImagePng),
                            sizes: Some("32x32".to_string()),
                            color: None,
                            href: "https://news.example.com/favicon-32.png".to_string(),
                        },
                        types::PreferenceCenterLinkTag {
                            rel: types::PreferenceCenterLinkTagRel::ShortcutIcon,
                            type_: Some(types::PreferenceCenterLinkTagType::MaskIcon),
                            sizes: None,
                            color: Some("#1a73e8".to_string()),
                            href: "https://news.example.com/mask.svg".to_string(),
                        },
                    ],
                }),
            })
            .send()
        })
        .post("/preference_center/v1")
        .body(json!({
            "name": "newsletter_preferences",
            "preference_center_title": "Your newsletter choices",
            "preference_center_page_html": PAGE_HTML,
            "confirmation_page_html": CONFIRMATION_HTML,
            "state": "draft",
            "options": {
                "meta-viewport-content": "width=device-width, initial-scale=1",
                "links-tags": [
                    {
                        "rel": "icon",
                        "type": "image/png",
                        "sizes": "32x32",
                        "href": "https://news.example.com/favicon-32.png"
                    },
                    {
                        "rel": "shortcut icon",
                        "type": "mask-icon",
                        "color": "#1a73e8",
                        "href": "https://news.example.com/mask.svg"
                    }
                ]
            }
        }))
        .answer(
            200,
            json!({
                "preference_center_api_id": "3f9a2c1e-5b7d-4e8f-9a0b-1c2d3e4f5a6b",
                "liquid_tag": "{{preference_center.${newsletter_preferences}}}",
                "created_at": "2024-01-09T10:15:00+00:00",
                "message": "success"
            })
        ),
        row("preference_center_update_sends_put_without_name", |c| {
            c.preference_center_update(
                "3f9a2c1e-5b7d-4e8f-9a0b-1c2d3e4f5a6b",
                types::PreferenceCenterUpdateRequest {
                    name: None,
                    preference_center_title: None,
                    preference_center_page_html: PAGE_HTML.to_string(),
                    confirmation_page_html: CONFIRMATION_HTML.to_string(),
                    state: Some(types::PreferenceCenterState::Active),
                    options: None,
                },
            )
            .send()
        })
        .put("/preference_center/v1/3f9a2c1e-5b7d-4e8f-9a0b-1c2d3e4f5a6b")
        .body(json!({
            "preference_center_page_html": PAGE_HTML,
            "confirmation_page_html": CONFIRMATION_HTML,
            "state": "active"
        }))
        .answer(
            200,
            json!({
                "preference_center_api_id": "3f9a2c1e-5b7d-4e8f-9a0b-1c2d3e4f5a6b",
                "created_at": "2024-01-09T10:15:00Z",
                "updated_at": "2024-02-20T16:40:12Z",
                "message": "success"
            })
        ),
    ]
}
