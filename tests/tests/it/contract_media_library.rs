//! Contract tests of the Media Library operations (`spec/media_library.yaml`):
//! upload from a URL and file replacement, with both of Braze's error shapes
//! (validation: `message` only; processing: `error_code` and `meta`).

use crate::contract_table::{self, Case, row};
use crate::table;

use braze_sdk::types;
use serde_json::json;

/// Where Braze serves the replaced image.
const REPLACED_URL: &str = "https://braze-images.com/appboy/communication/assets/image_assets/\
                            images/65f1c2d3e4a5b6c7d8e9f0a1/original.png";

#[tokio::test]
async fn media_library_contract_table() {
    contract_table::run(rows()).await;
}

fn rows() -> Vec<Box<dyn Case>> {
    table![
        row(
            "media_library_create_sends_a_json_body_not_query_parameters",
            |c| {
                c.media_library_create(types::MediaLibraryCreateRequest {
                    asset_url: "https://cdn.example.com/banners/autumn-sale.png".into(),
                    name: "Autumn sale banner".into(),
                    app_group_id: "3a9b7c2d-1e4f-4a5b-8c6d-7e8f9a0b1c2d".into(),
                })
                .send()
            }
        )
        .post("/media_library/create")
        .query(&[])
        .body(json!({
            "asset_url": "https://cdn.example.com/banners/autumn-sale.png",
            "name": "Autumn sale banner",
            "app_group_id": "3a9b7c2d-1e4f-4a5b-8c6d-7e8f9a0b1c2d"
        }))
        .answer(
            200,
            json!({ "message": "success", "asset_id": "65f1c2d3e4a5b6c7d8e9f0a1" })
        )
        .then(|response| {
            assert_eq!(
                response.extra.get("asset_id"),
                Some(&json!("65f1c2d3e4a5b6c7d8e9f0a1")),
                "an undocumented field is kept"
            );
        }),
        row(
            "media_library_replace_file_puts_asset_and_url_and_decodes_the_new_asset",
            |c| {
                c.media_library_replace_file(types::MediaLibraryReplaceFileRequest {
                    asset_id: "65f1c2d3e4a5b6c7d8e9f0a1".into(),
                    asset_url: "https://cdn.example.com/banners/autumn-sale-v2.png".into(),
                })
                .send()
            }
        )
        .put("/media_library/replace_file")
        .body(json!({
            "asset_id": "65f1c2d3e4a5b6c7d8e9f0a1",
            "asset_url": "https://cdn.example.com/banners/autumn-sale-v2.png"
        }))
        .answer(
            200,
            json!({
                "info": "Asset file updated successfully.",
                "new_image_asset": {
                    "name": "autumn-sale-v2.png",
                    "size": 184320,
                    "url": REPLACED_URL,
                    "ext": "png"
                }
            })
        ),
        row(
            "media_library_replace_file_processing_error_keeps_code_and_meta",
            |c| {
                c.media_library_replace_file(types::MediaLibraryReplaceFileRequest {
                    asset_id: "65f1c2d3e4a5b6c7d8e9f0a1".into(),
                    asset_url: "https://cdn.example.com/banners/autumn-sale.jpg".into(),
                })
                .send()
            }
        )
        .put("/media_library/replace_file")
        .body(json!({
            "asset_id": "65f1c2d3e4a5b6c7d8e9f0a1",
            "asset_url": "https://cdn.example.com/banners/autumn-sale.jpg"
        }))
        .answer(
            400,
            json!({
                "message": "Extension of the replacement file does not match",
                "error_code": "EXTENSION_MISMATCH",
                "meta": { "expected_extension": "png", "received_extension": "jpg" }
            })
        )
        .then_err(|err| {
            let body = err.error_body().expect("a decoded error body");
            assert_eq!(
                body.extra.get("error_code"),
                Some(&json!("EXTENSION_MISMATCH"))
            );
            assert_eq!(body.extra["meta"]["received_extension"], json!("jpg"));
        }),
    ]
}

// Not a row: this checks the operation table (rate-limit bucket, paging
// style), with no call to make.
#[test]
fn media_library_operations_share_the_hourly_bucket() {
    use braze_sdk::operation::{RateLimit, find};
    for id in ["media_library_create", "media_library_replace_file"] {
        assert_eq!(
            find(id).unwrap_or_else(|| panic!("{id}")).rate_limit,
            RateLimit::Limited {
                requests: 100,
                window_seconds: 3_600,
                bucket: "media-library"
            }
        );
    }
}
