//! Contract tests of the export-family operations beyond the glossary
//! (appended to `spec/export.yaml`): the cursor-paged custom attribute and
//! custom event lists, the purchase quantity and revenue series, segment
//! export cancellation and campaign / Canvas duplication. Each pins the exact
//! request (method, path, complete query, JSON body, auth) and decodes a
//! realistic answer into typed fields.

use crate::common::utc;
use crate::contract_table::{self, Case, row};
use crate::table;

use braze_sdk::types;
use serde_json::json;

/// The `Link` header of a middle page of custom attributes.
const ATTRIBUTES_LINK: &str = concat!(
    r#"</custom_attributes?cursor=c2tpcDowMA==>; rel="prev","#,
    r#"</custom_attributes?cursor=c2tpcDoxMDA=>; rel="next""#
);

#[tokio::test]
async fn extra_export_contract_table() {
    contract_table::run(rows()).await;
}

fn rows() -> Vec<Box<dyn Case>> {
    table![
        row(
            "custom_attributes_list_sends_the_cursor_and_decodes_details",
            |c| { c.custom_attributes_list().cursor("c2tpcDo1MA==").send() }
        )
        .get("/custom_attributes")
        .query(&[("cursor", "c2tpcDo1MA==")])
        .answer(
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
            })
        )
        .answer_header("link", ATTRIBUTES_LINK)
        .then(|response| {
            assert!(
                response
                    .headers()
                    .get("link")
                    .and_then(|v| v.to_str().ok())
                    .is_some_and(|l| l.contains(r#"rel="next""#))
            );
        }),
        row("custom_events_list_first_page_sends_no_query", |c| {
            c.custom_events_list().send()
        })
        .get("/events")
        .query(&[])
        .answer(
            200,
            json!({
                "message": "success",
                "events": [
                    {
                        "name": "added_to_cart",
                        "description": "A product was put in the basket",
                        "included_in_analytics_report": true,
                        "status": "Active",
                        "tag_names": ["commerce"]
                    }
                ]
            })
        ),
        row("purchases_quantity_series_sends_every_filter", |c| {
            c.purchases_quantity_series(14u64)
                .unit(types::ExportTimeUnit::Day)
                .ending_at(utc("2025-03-02T23:59:59Z"))
                .app_id("4f1c9d2e-8a3b-4c5d-9e6f-7a8b9c0d1e2f")
                .product("sku-10023")
                .send()
        })
        .get("/purchases/quantity_series")
        .query(&[
            ("length", "14"),
            ("unit", "day"),
            ("ending_at", "2025-03-02T23:59:59Z"),
            ("app_id", "4f1c9d2e-8a3b-4c5d-9e6f-7a8b9c0d1e2f"),
            ("product", "sku-10023"),
        ])
        .answer(
            200,
            json!({
                "message": "success",
                "data": [
                    { "time": "2025-03-01", "purchase_quantity": 412 },
                    { "time": "2025-03-02", "purchase_quantity": 388 }
                ]
            })
        ),
        row(
            "purchases_revenue_series_decodes_whole_and_decimal_revenue",
            |c| { c.purchases_revenue_series(2u64).send() }
        )
        .get("/purchases/revenue_series")
        .query(&[("length", "2")])
        .answer(
            200,
            json!({
                "message": "success",
                "data": [
                    { "time": "2025-03-01", "revenue": 10412.5 },
                    { "time": "2025-03-02", "revenue": 9870 }
                ]
            })
        ),
        row("segments_export_cancel_posts_the_segment_id", |c| {
            c.segments_export_cancel(types::SegmentsExportCancelRequest {
                segment_id: "3bbc4555-8fa0-4c9b-a5c0-4505edf3e064".into(),
            })
            .send()
        })
        .post("/export/segment/cancel")
        .body(json!({ "segment_id": "3bbc4555-8fa0-4c9b-a5c0-4505edf3e064" }),)
        .answer(200, json!({ "message": "success" })),
        row(
            "campaigns_duplicate_sends_name_and_description_and_accepts_202",
            |c| {
                c.campaigns_duplicate(types::CampaignsDuplicateRequest {
                    campaign_id: "7b2d4c1e-9f3a-4e5b-8c6d-1a2b3c4d5e6f".into(),
                    name: "Spring sale reminder (copy)".into(),
                    description: Some("Copy for the autumn relaunch".into()),
                })
                .send()
            }
        )
        .post("/campaigns/duplicate")
        .body(json!({
            "campaign_id": "7b2d4c1e-9f3a-4e5b-8c6d-1a2b3c4d5e6f",
            "name": "Spring sale reminder (copy)",
            "description": "Copy for the autumn relaunch"
        }))
        .answer(202, json!({ "message": "success" })),
        row(
            "canvas_duplicate_sends_tags_as_an_array_and_omits_unset_fields",
            |c| {
                c.canvas_duplicate(types::CanvasDuplicateRequest {
                    canvas_id: "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0".into(),
                    name: "Onboarding journey (copy)".into(),
                    description: None,
                    tag_names: vec!["onboarding".into(), "mobile".into()],
                })
                .send()
            }
        )
        .post("/canvas/duplicate")
        .body(json!({
            "canvas_id": "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0",
            "name": "Onboarding journey (copy)",
            "tag_names": ["onboarding", "mobile"]
        }))
        .answer(202, json!({})),
    ]
}

// Not a row: this checks the operation table (rate-limit bucket, paging
// style), with no call to make.
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
