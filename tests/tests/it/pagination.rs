//! Paging through the three kinds of Braze lists with braze-sdk's helpers,
//! against a local mock server: page sizes come from the spec's
//! `x-braze-pagination`, every page is requested once, and the walk stops
//! where Braze's paging says it should.

use crate::common;

use braze_sdk::ApiError;
use braze_sdk::pagination::{collect_cursor, collect_offsets, collect_pages, max_limit, page_size};
use serde_json::json;
use wiremock::matchers::{query_param, query_param_is_missing};

#[tokio::test]
async fn page_numbered_lists_are_walked_until_a_short_page() {
    let (server, client) = common::setup().await;
    let size = page_size("campaigns_list").expect("campaigns_list pages by number");
    assert_eq!(size, 100, "the spec says 100 campaigns per page");
    let campaign =
        |i: usize| json!({"id": format!("c-{i}"), "name": format!("Campaign {i}"), "tags": []});
    let full: Vec<_> = (0..size).map(campaign).collect();
    let short: Vec<_> = (size..size + 3).map(campaign).collect();
    for (page, items) in [("0", full), ("1", short)] {
        common::authorized("GET", "/campaigns/list")
            .and(query_param("page", page))
            .respond_with(common::json_response(
                200,
                json!({"message": "success", "campaigns": items}),
            ))
            .expect(1)
            .mount(&server)
            .await;
    }
    let client = &client;
    let campaigns = collect_pages(size, |page| async move {
        let response = client.campaigns_list().page(page).send().await?;
        Ok::<_, ApiError>(response.into_inner().campaigns)
    })
    .await
    .unwrap();
    assert_eq!(campaigns.len(), 103);
    assert_eq!(campaigns[0].id, "c-0");
    assert_eq!(campaigns[102].name, "Campaign 102");
}

#[tokio::test]
async fn offset_lists_advance_by_the_limit() {
    let (server, client) = common::setup().await;
    let limit = max_limit("templates_email_list").expect("templates_email_list pages by offset");
    let template =
        |i: usize| json!({"email_template_id": format!("t-{i}"), "template_name": format!("T{i}")});
    let full: Vec<_> = (0..limit).map(template).collect();
    let short: Vec<_> = (limit..limit + 2).map(template).collect();
    for (offset, items) in [(0, full), (limit, short)] {
        common::authorized("GET", "/templates/email/list")
            .and(query_param("offset", offset.to_string()))
            .and(query_param("limit", limit.to_string()))
            .respond_with(common::json_response(
                200,
                json!({"count": items.len(), "templates": items}),
            ))
            .expect(1)
            .mount(&server)
            .await;
    }
    let client = &client;
    let templates = collect_offsets(limit, |offset, limit| async move {
        let limit = std::num::NonZeroU64::new(limit).expect("a positive limit");
        let response = client
            .templates_email_list()
            .offset(offset)
            .limit(limit)
            .send()
            .await?;
        Ok::<_, ApiError>(response.into_inner().templates)
    })
    .await
    .unwrap();
    assert_eq!(templates.len(), limit + 2);
    assert_eq!(
        templates[limit + 1].email_template_id,
        format!("t-{}", limit + 1)
    );
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
    let client = &client;
    let items = collect_cursor(|cursor| async move {
        let mut request = client.catalog_items_list().catalog_name("stores");
        if let Some(cursor) = cursor {
            request = request.cursor(cursor);
        }
        let response = request.send().await?;
        let next = response.next_cursor();
        Ok::<_, ApiError>((response.into_inner().items, next))
    })
    .await
    .unwrap();
    let ids: Vec<&str> = items.iter().map(|i| i.id.as_str()).collect();
    assert_eq!(ids, ["a", "b"]);
    assert_eq!(items[1].extra.get("City"), Some(&json!("Lyon")));
}

#[test]
fn every_list_operation_of_the_spec_has_a_usable_paging_rule() {
    use braze_sdk::operation::{OPERATIONS, Pagination};
    let mut styles = std::collections::BTreeMap::new();
    for op in OPERATIONS.iter() {
        let Some(p) = op.pagination else { continue };
        let style = match p {
            Pagination::Page { page_size, .. } => {
                assert!(page_size > 0, "{}", op.id);
                "page"
            }
            Pagination::Offset { max_limit, .. } => {
                assert!(max_limit > 0, "{}", op.id);
                "offset"
            }
            Pagination::Cursor { header, .. } => {
                assert_eq!(header.to_ascii_lowercase(), "link", "{}", op.id);
                "cursor"
            }
        };
        *styles.entry(style).or_insert(0) += 1;
    }
    assert!(styles.get("page").copied().unwrap_or(0) >= 6, "{styles:?}");
    assert!(
        styles.get("offset").copied().unwrap_or(0) >= 5,
        "{styles:?}"
    );
    assert_eq!(styles.get("cursor").copied(), Some(1), "{styles:?}");
}
