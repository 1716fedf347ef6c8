//! Contract tests of the Data Objects operations (`spec/data_objects.yaml`,
//! early access): the exact requests (query parameters, JSON bodies, a
//! DELETE that carries a body) and the decoding of realistic answers,
//! paging included.

use crate::common;

use braze_sdk::{Nullable, types};
use serde_json::json;
use wiremock::matchers::{body_json, query_param};

fn attributes(value: serde_json::Value) -> types::DataObjectAttributes {
    types::DataObjectAttributes::from(common::json_object(value))
}

#[tokio::test]
async fn data_object_types_list_sends_its_filters_and_decodes_a_page() {
    let (server, client) = common::setup().await;
    common::authorized("GET", "/data_objects/types")
        .respond_with(common::json_response(
            200,
            json!({
                "items": [
                    {"type_name": "account", "metadata": {"display_name_source": "name"}},
                    {"type_name": "contact", "metadata": {}}
                ],
                "total_count": 2,
                "has_more": false,
                "next_offset": null,
                "offset": 0,
                "limit": 2
            }),
        ))
        .expect(1)
        .mount(&server)
        .await;
    let page = client
        .data_object_types_list()
        .search_term("acc")
        .limit(2)
        .offset(0)
        .send()
        .await
        .expect("a 200 answer decodes");
    common::assert_exact_query(
        &server,
        &[("search_term", "acc"), ("limit", "2"), ("offset", "0")],
    )
    .await;
    assert_eq!(page.items.len(), 2);
    assert_eq!(page.items[0].type_name.as_str(), "account");
    assert_eq!(
        page.items[0].metadata.display_name_source.as_deref(),
        Some("name")
    );
    assert_eq!(
        page.next_offset,
        Some(Nullable::Null),
        "an explicit null is kept"
    );
    assert!(!page.has_more);
}

#[tokio::test]
async fn data_object_create_posts_the_record_and_decodes_the_201() {
    let (server, client) = common::setup().await;
    common::authorized("POST", "/data_objects/objects/account")
        .and(body_json(json!({
            "external_id": "acct-new",
            "attributes": {"name": "New Account", "industry": "software"}
        })))
        .respond_with(common::json_response(
            201,
            json!({"data_object": {
                "type_name": "account",
                "external_id": "acct-new",
                "attributes": {"name": "New Account", "industry": "software"}
            }}),
        ))
        .expect(1)
        .mount(&server)
        .await;
    let response = client
        .data_object_create(
            "account",
            types::DataObjectCreateRequest::new(
                attributes(json!({"name": "New Account", "industry": "software"})),
                "acct-new".parse::<types::DataObjectExternalId>().unwrap(),
            ),
        )
        .send()
        .await
        .expect("a 201 answer decodes");
    assert_eq!(response.data_object.external_id.as_str(), "acct-new");
    assert_eq!(
        response.data_object.attributes.get("industry"),
        Some(&json!("software"))
    );
}

#[tokio::test]
async fn data_object_update_patches_only_the_fields_sent() {
    let (server, client) = common::setup().await;
    common::authorized("PATCH", "/data_objects/objects/account/acct-123")
        .and(body_json(json!({"attributes": {"credits": 750}})))
        .respond_with(common::json_response(
            200,
            json!({"data_object": {
                "type_name": "account",
                "external_id": "acct-123",
                "attributes": {"name": "Acme", "credits": 750}
            }}),
        ))
        .expect(1)
        .mount(&server)
        .await;
    let response = client
        .data_object_update(
            "account",
            "acct-123",
            types::DataObjectUpdateRequest::new(attributes(json!({"credits": 750}))),
        )
        .send()
        .await
        .expect("a 200 answer decodes");
    assert_eq!(
        response.data_object.attributes.get("name"),
        Some(&json!("Acme"))
    );
}

#[tokio::test]
async fn data_object_relationship_delete_sends_its_key_in_a_delete_body() {
    let (server, client) = common::setup().await;
    common::authorized(
        "DELETE",
        "/data_objects/objects/account/acct-123/object_relationships",
    )
    .and(body_json(json!({
        "rel_kind": "subaccount",
        "related_type_name": "account",
        "related_external_id": "acct-456",
        "anchor": "source"
    })))
    .respond_with(common::json_response(200, json!({"deleted": true})))
    .expect(1)
    .mount(&server)
    .await;
    let response = client
        .data_object_relationship_delete(
            "account",
            "acct-123",
            types::DataObjectObjectRelationshipKey {
                rel_kind: "subaccount".parse().unwrap(),
                related_type_name: "account".parse().unwrap(),
                related_external_id: "acct-456".parse().unwrap(),
                anchor: Some(types::DataObjectAnchor::Source),
            },
        )
        .send()
        .await
        .expect("a 200 answer decodes");
    assert!(response.deleted);
}

#[tokio::test]
async fn data_object_relationships_list_reads_links_from_the_target_side() {
    let (server, client) = common::setup().await;
    common::authorized(
        "GET",
        "/data_objects/objects/account/acct-456/object_relationships",
    )
    .respond_with(common::json_response(
        200,
        json!({
            "items": [{
                "rel_kind": "subaccount",
                "from_data_object": {
                    "type_name": "account",
                    "external_id": "acct-123",
                    "attributes": {"name": "Acme"}
                },
                "attributes": {}
            }],
            "total_count": 1,
            "has_more": false,
            "next_offset": null,
            "offset": 0,
            "limit": 100
        }),
    ))
    .expect(1)
    .mount(&server)
    .await;
    let page = client
        .data_object_relationships_list("account", "acct-456")
        .anchor(types::DataObjectAnchor::Target)
        .send()
        .await
        .expect("a 200 answer decodes");
    common::assert_exact_query(&server, &[("anchor", "target")]).await;
    let link = &page.items[0];
    assert!(link.to_data_object.is_none());
    let from = link.from_data_object.as_ref().expect("the source record");
    assert_eq!(from.external_id.as_str(), "acct-123");
}

#[tokio::test]
async fn data_object_user_relationship_create_links_a_user_by_braze_id() {
    let (server, client) = common::setup().await;
    common::authorized("POST", "/data_objects/objects/account/acct-123/users")
        .and(body_json(json!({
            "braze_id": "507f1f77bcf86cd799439011",
            "rel_kind": "account_user",
            "attributes": {"role": "owner"}
        })))
        .respond_with(common::json_response(
            201,
            json!({"user_relationship": {
                "type_name": "account",
                "external_id": "acct-123",
                "rel_kind": "account_user",
                "user": {"braze_id": "507f1f77bcf86cd799439011"},
                "attributes": {"role": "owner"}
            }}),
        ))
        .expect(1)
        .mount(&server)
        .await;
    let response = client
        .data_object_user_relationship_create(
            "account",
            "acct-123",
            types::DataObjectUserRelationshipRequest::new(
                "507f1f77bcf86cd799439011"
                    .parse::<types::DataObjectUserRelationshipRequestBrazeId>()
                    .unwrap(),
                "account_user"
                    .parse::<types::DataObjectUserRelationshipRequestRelKind>()
                    .unwrap(),
            )
            .attributes(attributes(json!({"role": "owner"}))),
        )
        .send()
        .await
        .expect("a 201 answer decodes");
    assert_eq!(
        response.user_relationship.user.braze_id,
        "507f1f77bcf86cd799439011"
    );
}

#[tokio::test]
async fn data_objects_list_streams_windows_of_250_until_one_holds_fewer() {
    let (server, client) = common::setup().await;
    let record = |i: usize| json!({"type_name": "account", "external_id": format!("acct-{i}"), "attributes": {}});
    let first: Vec<_> = (0..250).map(record).collect();
    common::authorized("GET", "/data_objects/objects/account")
        .and(query_param("offset", "0"))
        .and(query_param("limit", "250"))
        .and(query_param("search_term", "acct"))
        .respond_with(common::json_response(
            200,
            json!({"items": first, "total_count": 251, "has_more": true,
                   "next_offset": 250, "offset": 0, "limit": 250}),
        ))
        .expect(1)
        .mount(&server)
        .await;
    common::authorized("GET", "/data_objects/objects/account")
        .and(query_param("offset", "250"))
        .and(query_param("limit", "250"))
        .and(query_param("search_term", "acct"))
        .respond_with(common::json_response(
            200,
            json!({"items": [record(250)], "total_count": 251, "has_more": false,
                   "next_offset": null, "offset": 250, "limit": 250}),
        ))
        .expect(1)
        .mount(&server)
        .await;
    let all = client
        .data_objects_list("account")
        .search_term("acct")
        .collect_all()
        .await
        .expect("both pages decode");
    assert_eq!(all.len(), 251);
    assert_eq!(all[250].external_id.as_str(), "acct-250");
}

#[tokio::test]
async fn a_duplicate_record_is_an_error_with_its_id() {
    let (server, client) = common::setup().await;
    common::authorized("POST", "/data_objects/objects/account")
        .respond_with(common::json_response(
            409,
            json!({"errors": [{"id": "duplicate-data-object", "message": "Object already exists"}]}),
        ))
        .expect(1)
        .mount(&server)
        .await;
    let err = client
        .data_object_create(
            "account",
            types::DataObjectCreateRequest::new(
                attributes(json!({"name": "Acme"})),
                "acct-123".parse::<types::DataObjectExternalId>().unwrap(),
            ),
        )
        .send()
        .await
        .expect_err("a 409 is an error");
    assert_eq!(err.status().map(|s| s.as_u16()), Some(409));
    assert!(
        String::from_utf8_lossy(err.body().expect("the raw body"))
            .contains("duplicate-data-object")
    );
}
