//! Contract tests of the Data Objects operations (`spec/data_objects.yaml`,
//! early access): the exact requests (query parameters, JSON bodies, a
//! DELETE that carries a body) and the decoding of realistic answers,
//! paging included.

use crate::common;
use crate::contract_table::{self, Case, row};
use crate::table;
use wiremock::matchers::query_param;

use braze_sdk::types;
use serde_json::json;

fn attributes(value: serde_json::Value) -> types::DataObjectAttributes {
    types::DataObjectAttributes::from(common::json_object(value))
}

#[tokio::test]
async fn data_objects_contract_table() {
    contract_table::run(rows()).await;
}

fn rows() -> Vec<Box<dyn Case>> {
    table![
        row(
            "data_object_types_list_sends_its_filters_and_decodes_a_page",
            |c| {
                c.data_object_types_list()
                    .search_term("acc")
                    .limit(2)
                    .offset(0)
                    .send()
            }
        )
        .get("/data_objects/types")
        .query(&[("search_term", "acc"), ("limit", "2"), ("offset", "0")])
        .answer(
            200,
            json!({
                "items": [
                    {
                        "type_name": "account",
                        "metadata": { "display_name_source": "name" }
                    },
                    { "type_name": "contact", "metadata": {} }
                ],
                "total_count": 2,
                "has_more": false,
                "next_offset": null,
                "offset": 0,
                "limit": 2
            })
        ),
        row(
            "data_object_create_posts_the_record_and_decodes_the_201",
            |c| {
                c.data_object_create(
                    "account",
                    types::DataObjectCreateRequest::new(
                        attributes(json!({ "name": "New Account", "industry": "software" })),
                        "acct-new".parse::<types::DataObjectExternalId>().unwrap(),
                    ),
                )
                .send()
            }
        )
        .post("/data_objects/objects/account")
        .body(json!({
            "external_id": "acct-new",
            "attributes": { "name": "New Account", "industry": "software" }
        }))
        .answer(
            201,
            json!({
                "data_object": {
                    "type_name": "account",
                    "external_id": "acct-new",
                    "attributes": { "name": "New Account", "industry": "software" }
                }
            })
        ),
        row("data_object_update_patches_only_the_fields_sent", |c| {
            c.data_object_update(
                "account",
                "acct-123",
                types::DataObjectUpdateRequest::new(attributes(json!({ "credits": 750 }))),
            )
            .send()
        })
        .patch("/data_objects/objects/account/acct-123")
        .body(json!({ "attributes": { "credits": 750 } }))
        .answer(
            200,
            json!({
                "data_object": {
                    "type_name": "account",
                    "external_id": "acct-123",
                    "attributes": { "name": "Acme", "credits": 750 }
                }
            })
        ),
        row(
            "data_object_relationship_delete_sends_its_key_in_a_delete_body",
            |c| {
                c.data_object_relationship_delete(
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
            }
        )
        .delete("/data_objects/objects/account/acct-123/object_relationships")
        .body(json!({
            "rel_kind": "subaccount",
            "related_type_name": "account",
            "related_external_id": "acct-456",
            "anchor": "source"
        }))
        .answer(200, json!({ "deleted": true })),
        row(
            "data_object_relationships_list_reads_links_from_the_target_side",
            |c| {
                c.data_object_relationships_list("account", "acct-456")
                    .anchor(types::DataObjectAnchor::Target)
                    .send()
            }
        )
        .get("/data_objects/objects/account/acct-456/object_relationships")
        .query(&[("anchor", "target")])
        .answer(
            200,
            json!({
                "items": [
                    {
                        "rel_kind": "subaccount",
                        "from_data_object": {
                            "type_name": "account",
                            "external_id": "acct-123",
                            "attributes": { "name": "Acme" }
                        },
                        "attributes": {}
                    }
                ],
                "total_count": 1,
                "has_more": false,
                "next_offset": null,
                "offset": 0,
                "limit": 100
            })
        ),
        row(
            "data_object_user_relationship_create_links_a_user_by_braze_id",
            |c| {
                c.data_object_user_relationship_create(
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
                    .attributes(attributes(json!({ "role": "owner" }))),
                )
                .send()
            }
        )
        .post("/data_objects/objects/account/acct-123/users")
        .body(json!({
            "braze_id": "507f1f77bcf86cd799439011",
            "rel_kind": "account_user",
            "attributes": { "role": "owner" }
        }))
        .answer(
            201,
            json!({
                "user_relationship": {
                    "type_name": "account",
                    "external_id": "acct-123",
                    "rel_kind": "account_user",
                    "user": { "braze_id": "507f1f77bcf86cd799439011" },
                    "attributes": { "role": "owner" }
                }
            })
        ),
        row("a_duplicate_record_is_an_error_with_its_id", |c| {
            c.data_object_create(
                "account",
                types::DataObjectCreateRequest::new(
                    attributes(json!({ "name": "Acme" })),
                    "acct-123".parse::<types::DataObjectExternalId>().unwrap(),
                ),
            )
            .send()
        })
        .post("/data_objects/objects/account")
        .body(json!({ "external_id": "acct-123", "attributes": { "name": "Acme" } }))
        .answer(
            409,
            json!({
                "errors": [
                    {
                        "id": "duplicate-data-object",
                        "message": "Object already exists"
                    }
                ]
            })
        )
        // 409 is not in the spec for this operation: an unexpected response
        // whose raw body names the duplicate.
        .fails_with("UnexpectedResponse")
        .then_err(|err| {
            let body = err.body().expect("the raw body");
            assert!(String::from_utf8_lossy(body).contains("duplicate-data-object"));
        }),
    ]
}

// Not a row: a stream makes several requests, one per window; a row is one
// request and one answer.
#[tokio::test]
async fn data_objects_list_streams_windows_of_250_until_one_holds_fewer() {
    let (server, client) = common::setup().await;
    let record = |i: usize| {
        json!({
            "type_name": "account",
            "external_id": format!("acct-{i}"),
            "attributes": {}
        })
    };
    let first: Vec<_> = (0..250).map(record).collect();
    common::authorized("GET", "/data_objects/objects/account")
        .and(query_param("offset", "0"))
        .and(query_param("limit", "250"))
        .and(query_param("search_term", "acct"))
        .respond_with(common::json_response(
            200,
            json!({
                "items": first,
                "total_count": 251,
                "has_more": true,
                "next_offset": 250,
                "offset": 0,
                "limit": 250
            }),
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
            json!({
                "items": [record(250)],
                "total_count": 251,
                "has_more": false,
                "next_offset": null,
                "offset": 250,
                "limit": 250
            }),
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
