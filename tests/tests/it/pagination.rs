//! Walking the three kinds of Braze lists with the generated `stream()` and
//! `collect_all()`, against a local mock server: page sizes come from the
//! spec's `x-braze-pagination`, the caller's filters reach every page, every
//! page is requested once, the walk stops where Braze's paging says it
//! should, and an error mid-way is yielded and ends the stream.

use crate::common;

use braze_sdk::futures_util::StreamExt;
use braze_sdk::pagination::{max_limit, page_size};
use serde_json::json;
use wiremock::matchers::{query_param, query_param_is_missing};

fn campaign(i: usize) -> serde_json::Value {
    json!({"id": format!("c-{i}"), "name": format!("Campaign {i}"), "tags": []})
}

#[tokio::test]
async fn page_numbered_lists_keep_the_filters_and_stop_at_a_short_page() {
    let (server, client) = common::setup().await;
    let size =
        page_size(braze_sdk::OperationId::CampaignsList).expect("campaigns_list pages by number");
    assert_eq!(size, 100, "the spec says 100 campaigns per page");
    let full: Vec<_> = (0..size).map(campaign).collect();
    let short: Vec<_> = (size..size + 3).map(campaign).collect();
    let since = "2026-11-01T00:00:00Z";
    for (page, items) in [("0", full), ("1", short)] {
        common::authorized("GET", "/campaigns/list")
            .and(query_param("page", page))
            .and(query_param("last_edit.time[gt]", since))
            .and(query_param("include_archived", "true"))
            .respond_with(common::json_response(
                200,
                json!({"message": "success", "campaigns": items}),
            ))
            .expect(1)
            .mount(&server)
            .await;
    }
    let since: braze_sdk::chrono::DateTime<braze_sdk::chrono::Utc> = since.parse().unwrap();
    let campaigns = client
        .campaigns_list()
        .last_edit_time_gt(since)
        .include_archived(true)
        .page(7u64) // ignored: the stream sets the page itself
        .collect_all()
        .await
        .unwrap();
    assert_eq!(campaigns.len(), 103);
    assert_eq!(campaigns[0].id, "c-0");
    assert_eq!(campaigns[102].name, "Campaign 102");
}

#[tokio::test]
async fn offset_lists_advance_by_the_largest_limit() {
    let (server, client) = common::setup().await;
    let limit = max_limit(braze_sdk::OperationId::TemplatesEmailList)
        .expect("templates_email_list pages by offset");
    let template =
        |i: usize| json!({"email_template_id": format!("t-{i}"), "template_name": format!("T{i}")});
    let full: Vec<_> = (0..limit).map(template).collect();
    let short: Vec<_> = (limit..limit + 2).map(template).collect();
    for (offset, items) in [(0, full), (limit, short)] {
        common::authorized("GET", "/templates/email/list")
            .and(query_param("offset", offset.to_string()))
            .and(query_param("limit", limit.to_string()))
            .and(query_param("modified_after", "2026-01-01T00:00:00Z"))
            .respond_with(common::json_response(
                200,
                json!({"count": items.len(), "templates": items}),
            ))
            .expect(1)
            .mount(&server)
            .await;
    }
    let after: braze_sdk::chrono::DateTime<braze_sdk::chrono::Utc> =
        "2026-01-01T00:00:00Z".parse().unwrap();
    let templates: Vec<_> = client
        .templates_email_list()
        .modified_after(after)
        .stream()
        .collect()
        .await;
    assert_eq!(templates.len(), limit + 2);
    let last = templates.last().unwrap().as_ref().unwrap();
    assert_eq!(last.email_template_id, format!("t-{}", limit + 1));
}

#[tokio::test]
async fn cursor_lists_follow_the_link_header() {
    let (server, client) = common::setup().await;
    let items_path = "/catalogs/stores/items";
    common::authorized("GET", items_path)
        .and(query_param_is_missing("cursor"))
        .respond_with(
            common::json_response(
                200,
                json!({"message": "success", "items": [{"id": "a", "City": "Paris"}]}),
            )
            .insert_header(
                "link",
                format!(
                    "<{}{items_path}?cursor=c2tpcDox>; rel=\"next\"",
                    server.uri()
                )
                .as_str(),
            ),
        )
        .expect(1)
        .mount(&server)
        .await;
    common::authorized("GET", items_path)
        .and(query_param("cursor", "c2tpcDox"))
        .respond_with(
            common::json_response(
                200,
                json!({"message": "success", "items": [{"id": "b", "City": "Lyon"}]}),
            )
            .insert_header(
                "link",
                format!("<{}{items_path}>; rel=\"prev\"", server.uri()).as_str(),
            ),
        )
        .expect(1)
        .mount(&server)
        .await;
    let items = client
        .catalog_items_list("stores")
        .collect_all()
        .await
        .unwrap();
    let ids: Vec<&str> = items.iter().map(|i| i.id.as_str()).collect();
    assert_eq!(ids, ["a", "b"]);
    assert_eq!(items[1].extra.get("City"), Some(&json!("Lyon")));
}

#[tokio::test]
async fn an_error_mid_way_is_yielded_once_and_ends_the_stream() {
    let (server, client) = common::setup().await;
    let full: Vec<_> = (0..100).map(campaign).collect();
    common::authorized("GET", "/campaigns/list")
        .and(query_param("page", "0"))
        .respond_with(common::json_response(
            200,
            json!({"message": "success", "campaigns": full}),
        ))
        .expect(2) // the stream, then collect_all
        .mount(&server)
        .await;
    common::authorized("GET", "/campaigns/list")
        .and(query_param("page", "1"))
        .respond_with(common::json_response(
            401,
            json!({"message": "Invalid API key: test-rest-api-key"}),
        ))
        .expect(2) // the stream, then collect_all
        .mount(&server)
        .await;
    let mut stream = client.campaigns_list().stream();
    // Pages are fetched as items are consumed: one item, one request.
    assert_eq!(stream.next().await.unwrap().unwrap().id, "c-0");
    assert_eq!(server.received_requests().await.unwrap().len(), 1);
    let mut ok = 1;
    let mut errors = Vec::new();
    while let Some(item) = stream.next().await {
        match item {
            Ok(_) => ok += 1,
            Err(e) => errors.push(e),
        }
    }
    assert_eq!(ok, 100);
    assert_eq!(errors.len(), 1);
    assert_eq!(errors[0].status().map(|s| s.as_u16()), Some(401));
    assert!(stream.next().await.is_none(), "the stream stays ended");
    // collect_all gives the error instead of a partial list.
    let all = client.campaigns_list().collect_all().await;
    assert_eq!(all.unwrap_err().status().map(|s| s.as_u16()), Some(401));
}

#[test]
fn every_list_operation_of_the_spec_has_a_usable_paging_rule() {
    use braze_sdk::operation::{OPERATIONS, Pagination};
    // The exported spec's `x-braze-pagination` of each operation: the table
    // the SDK was generated with must say the same (a page size or limit
    // of 0, or one off by a digit, fails here).
    let spec: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../spec/dist/braze.json"
        ))
        .expect("the exported spec"),
    )
    .expect("JSON");
    let mut in_spec = std::collections::BTreeMap::new();
    for item in spec["paths"].as_object().unwrap().values() {
        for op in item.as_object().unwrap().values() {
            if let (Some(id), Some(p)) = (op["operationId"].as_str(), op.get("x-braze-pagination"))
            {
                in_spec.insert(id.to_string(), p.clone());
            }
        }
    }
    let mut styles = std::collections::BTreeMap::new();
    for op in OPERATIONS.iter() {
        let Some(p) = op.pagination else {
            assert!(
                !in_spec.contains_key(op.id),
                "{}: paged in the spec only",
                op.id
            );
            continue;
        };
        let want = in_spec
            .get(op.id)
            .unwrap_or_else(|| panic!("{}: paged in the SDK, not in the spec", op.id));
        let style = match p {
            Pagination::Page { page_size, .. } => {
                assert_eq!(
                    Some(u64::from(page_size)),
                    want["page_size"].as_u64(),
                    "{}",
                    op.id
                );
                assert!(page_size > 0, "{}", op.id);
                "page"
            }
            Pagination::Offset { max_limit, .. } => {
                assert_eq!(
                    Some(u64::from(max_limit)),
                    want["max_limit"].as_u64(),
                    "{}",
                    op.id
                );
                assert!(max_limit > 0, "{}", op.id);
                "offset"
            }
            Pagination::Cursor { header, .. } => {
                assert_eq!(header.to_ascii_lowercase(), "link", "{}", op.id);
                "cursor"
            }
            // `Pagination` is #[non_exhaustive]: a style added later must be
            // added here too.
            other => panic!(
                "{}: a paging style this test does not know: {other:?}",
                op.id
            ),
        };
        assert_eq!(want["style"], style, "{}", op.id);
        *styles.entry(style).or_insert(0) += 1;
    }
    assert!(styles.get("page").copied().unwrap_or(0) >= 6, "{styles:?}");
    assert!(
        styles.get("offset").copied().unwrap_or(0) >= 5,
        "{styles:?}"
    );
    assert!(
        styles.get("cursor").copied().unwrap_or(0) >= 1,
        "{styles:?}"
    );
}
