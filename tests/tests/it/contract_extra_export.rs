//! Contract tests of the export-family operations beyond the glossary
//! (appended to `spec/export.yaml`): the cursor-paged custom attribute and
//! custom event lists, the purchase quantity and revenue series, segment
//! export cancellation and campaign / Canvas duplication. Each pins the exact
//! request (method, path, complete query, JSON body, auth) and decodes a
//! realistic answer into typed fields.

use crate::common;
use crate::common::utc;

use braze_sdk::types;
use serde_json::json;
use wiremock::matchers::{body_json, query_param};

#[tokio::test]
async fn custom_attributes_list_sends_the_cursor_and_decodes_details() {
    let (server, client) = common::setup().await;
    common::authorized("GET", "/custom_attributes")
        .and(query_param("cursor", "c2tpcDo1MA=="))
        .respond_with(
            common::json_response(
                200,
                json!({
                    "message": "success",
                    "attributes": [
                        {
                            "array_length": null,
                            "data_type": "Number",
                            "description": "Points in the loyalty programme",
                            "name": "loyalty_points",
                            "status": "Active",
                            "tag_names": ["loyalty", "crm"]
                        },
                        {
                            "array_length": 25,
                            "data_type": "Array",
                            "name": "recent_categories",
                            "status": "Active",
                            "tag_names": []
                        }
                    ]
                }),
            )
            .insert_header(
                "link",
                r#"</custom_attributes?cursor=c2tpcDowMA==>; rel="prev",</custom_attributes?cursor=c2tpcDoxMDA=>; rel="next""#,
            ),
        )
        .expect(1)
        .mount(&server)
        .await;

    let response = client
        .custom_attributes_list()
        .cursor("c2tpcDo1MA==")
        .send()
        .await
        .expect("a 200 answer decodes");
    assert!(
        response
            .headers()
            .get("link")
            .and_then(|v| v.to_str().ok())
            .is_some_and(|l| l.contains(r#"rel="next""#))
    );
    assert_eq!(response.attributes.len(), 2);
    let points = &response.attributes[0];
    assert_eq!(points.name, "loyalty_points");
    assert_eq!(points.data_type.as_deref(), Some("Number"));
    assert_eq!(points.array_length, Some(braze_sdk::Nullable::Null));
    assert_eq!(points.tag_names, vec!["loyalty", "crm"]);
    let recent = &response.attributes[1];
    assert_eq!(recent.array_length, Some(braze_sdk::Nullable::Value(25)));
    assert_eq!(recent.description, None);
    common::assert_exact_query(&server, &[("cursor", "c2tpcDo1MA==")]).await;
}

#[tokio::test]
async fn custom_events_list_first_page_sends_no_query() {
    let (server, client) = common::setup().await;
    common::authorized("GET", "/events")
        .respond_with(common::json_response(
            200,
            json!({
                "message": "success",
                "events": [{
                    "name": "added_to_cart",
                    "description": "A product was put in the basket",
                    "included_in_analytics_report": true,
                    "status": "Active",
                    "tag_names": ["commerce"]
                }]
            }),
        ))
        .expect(1)
        .mount(&server)
        .await;
    let response = client
        .custom_events_list()
        .send()
        .await
        .expect("a 200 answer decodes");
    let event = &response.events[0];
    assert_eq!(event.name, "added_to_cart");
    assert_eq!(event.included_in_analytics_report, Some(true));
    assert_eq!(event.status.as_deref(), Some("Active"));
    common::assert_exact_query(&server, &[]).await;
}

#[tokio::test]
async fn purchases_quantity_series_sends_every_filter() {
    let (server, client) = common::setup().await;
    common::authorized("GET", "/purchases/quantity_series")
        .respond_with(common::json_response(
            200,
            json!({
                "message": "success",
                "data": [
                    { "time": "2025-03-01", "purchase_quantity": 412 },
                    { "time": "2025-03-02", "purchase_quantity": 388 }
                ]
            }),
        ))
        .expect(1)
        .mount(&server)
        .await;
    let response = client
        .purchases_quantity_series(14u64)
        .unit(types::ExportTimeUnit::Day)
        .ending_at(utc("2025-03-02T23:59:59Z"))
        .app_id("4f1c9d2e-8a3b-4c5d-9e6f-7a8b9c0d1e2f")
        .product("sku-10023")
        .send()
        .await
        .expect("a 200 answer decodes");
    common::assert_exact_query(
        &server,
        &[
            ("length", "14"),
            ("unit", "day"),
            ("ending_at", "2025-03-02T23:59:59Z"),
            ("app_id", "4f1c9d2e-8a3b-4c5d-9e6f-7a8b9c0d1e2f"),
            ("product", "sku-10023"),
        ],
    )
    .await;
    assert_eq!(response.data.len(), 2);
    assert_eq!(response.data[1].time, "2025-03-02");
    assert_eq!(response.data[1].purchase_quantity, 388);
}

#[tokio::test]
async fn purchases_revenue_series_decodes_whole_and_decimal_revenue() {
    let (server, client) = common::setup().await;
    common::authorized("GET", "/purchases/revenue_series")
        .and(query_param("length", "2"))
        .respond_with(common::json_response(
            200,
            json!({
                "message": "success",
                "data": [
                    { "time": "2025-03-01", "revenue": 10412.5 },
                    { "time": "2025-03-02", "revenue": 9870 }
                ]
            }),
        ))
        .expect(1)
        .mount(&server)
        .await;
    let response = client
        .purchases_revenue_series(2u64)
        .send()
        .await
        .expect("a 200 answer decodes");
    assert_eq!(response.data[0].revenue, 10412.5);
    assert_eq!(response.data[1].revenue, 9870.0);
    common::assert_exact_query(&server, &[("length", "2")]).await;
}

#[tokio::test]
async fn segments_export_cancel_posts_the_segment_id() {
    let (server, client) = common::setup().await;
    common::authorized("POST", "/export/segment/cancel")
        .and(body_json(
            json!({ "segment_id": "3bbc4555-8fa0-4c9b-a5c0-4505edf3e064" }),
        ))
        .respond_with(common::json_response(200, json!({ "message": "success" })))
        .expect(1)
        .mount(&server)
        .await;
    let response = client
        .segments_export_cancel(types::SegmentsExportCancelRequest {
            segment_id: "3bbc4555-8fa0-4c9b-a5c0-4505edf3e064".into(),
        })
        .send()
        .await
        .expect("a 2xx answer decodes");
    assert_eq!(response.message.as_deref(), Some("success"));
}

#[tokio::test]
async fn campaigns_duplicate_sends_name_and_description_and_accepts_202() {
    let (server, client) = common::setup().await;
    common::authorized("POST", "/campaigns/duplicate")
        .and(body_json(json!({
            "campaign_id": "7b2d4c1e-9f3a-4e5b-8c6d-1a2b3c4d5e6f",
            "name": "Spring sale reminder (copy)",
            "description": "Copy for the autumn relaunch"
        })))
        .respond_with(common::json_response(202, json!({ "message": "success" })))
        .expect(1)
        .mount(&server)
        .await;
    let response = client
        .campaigns_duplicate(types::CampaignsDuplicateRequest {
            campaign_id: "7b2d4c1e-9f3a-4e5b-8c6d-1a2b3c4d5e6f".into(),
            name: "Spring sale reminder (copy)".into(),
            description: Some("Copy for the autumn relaunch".into()),
        })
        .send()
        .await
        .expect("a 202 answer decodes");
    assert_eq!(response.message.as_deref(), Some("success"));
}

#[tokio::test]
async fn canvas_duplicate_sends_tags_as_an_array_and_omits_unset_fields() {
    let (server, client) = common::setup().await;
    common::authorized("POST", "/canvas/duplicate")
        .and(body_json(json!({
            "canvas_id": "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0",
            "name": "Onboarding journey (copy)",
            "tag_names": ["onboarding", "mobile"]
        })))
        .respond_with(common::json_response(202, json!({})))
        .expect(1)
        .mount(&server)
        .await;
    let response = client
        .canvas_duplicate(types::CanvasDuplicateRequest {
            canvas_id: "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0".into(),
            name: "Onboarding journey (copy)".into(),
            description: None,
            tag_names: vec!["onboarding".into(), "mobile".into()],
        })
        .send()
        .await
        .expect("a 202 answer with an empty object decodes");
    assert_eq!(response.message, None);
}

#[test]
fn extra_export_limits_and_paging() {
    use braze_sdk::operation::{Pagination, RateLimit, find};
    for id in [
        "custom_attributes_list",
        "custom_events_list",
        "purchases_quantity_series",
        "purchases_revenue_series",
        "events_list",
    ] {
        assert_eq!(
            find(id).unwrap_or_else(|| panic!("{id}")).rate_limit,
            RateLimit::Limited {
                requests: 1_000,
                window_seconds: 3_600,
                bucket: "custom-data-export"
            },
            "{id} shares the hourly custom-data bucket"
        );
    }
    for (id, items) in [
        ("custom_attributes_list", "attributes"),
        ("custom_events_list", "events"),
    ] {
        assert_eq!(
            find(id).unwrap().pagination,
            Some(Pagination::Cursor {
                param: "cursor",
                header: "Link",
                items
            }),
            "{id}"
        );
    }
    for (id, bucket) in [
        ("campaigns_duplicate", "campaigns-duplicate"),
        ("canvas_duplicate", "canvas-duplicate"),
    ] {
        assert_eq!(
            find(id).unwrap().rate_limit,
            RateLimit::Limited {
                requests: 100,
                window_seconds: 60,
                bucket
            }
        );
    }
}
