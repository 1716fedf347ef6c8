//! Contract tests of the Catalogs operations (`spec/catalogs.yaml`): each test
//! pins the exact request the SDK sends (method, path, query, body, auth) and
//! checks that a documented response shape decodes into the typed fields.
//! Catalog item fields are user-defined: the tests check that they travel
//! unchanged in both directions.

use crate::common;

use braze_sdk::{Open, types};
use serde_json::{Map, Value, json};
use wiremock::Mock;
use wiremock::matchers::{body_json, header, method, path, query_param, query_param_is_missing};

fn success() -> Value {
    json!({ "message": "success" })
}

/// Custom fields of every JSON kind a catalog can hold: string, number
/// (integer and decimal), boolean, time, nested object and array.
fn paris_fields() -> Value {
    json!({
        "Name": "Oberkampf",
        "City": "Paris",
        "Rating": 4.5,
        "Seats": 40,
        "Open_Sundays": true,
        "Coordinates": { "Latitude": 48.8649, "Longitude": 2.3752, "Floor": { "Level": 1 } },
        "Services": ["click_and_collect", "repairs"],
        "Opened_At": "2019-06-01T08:00:00.000+00:00"
    })
}

fn catalog_item(id: &str, fields: Value) -> types::CatalogItem {
    types::CatalogItem {
        id: id.parse().expect("a valid item id"),
        extra: common::json_object(fields),
    }
}

fn catalog_item_json(id: &str, fields: Value) -> Value {
    let mut m = common::json_object(fields);
    m.insert("id".to_string(), json!(id));
    Value::Object(m)
}

// ---------------------------------------------------------------------------
// Catalog management
// ---------------------------------------------------------------------------

#[tokio::test]
async fn catalogs_list_decodes_catalogs_and_field_types() {
    let (server, client) = common::setup().await;
    common::authorized("GET", "/catalogs")
        .respond_with(common::json_response(
            200,
            json!({
                "catalogs": [
                    {
                        "description": "Physical stores",
                        "fields": [
                            { "name": "id", "type": "string" },
                            { "name": "Rating", "type": "number" },
                            { "name": "Open_Sundays", "type": "boolean" },
                            { "name": "Opened_At", "type": "time" },
                            { "name": "Coordinates", "type": "object" },
                            { "name": "Services", "type": "array" }
                        ],
                        "name": "store_locations",
                        "num_items": 42,
                        "updated_at": "2024-03-18T14:22:05.311+00:00"
                    }
                ],
                "message": "success"
            }),
        ))
        .expect(1)
        .mount(&server)
        .await;

    let response = client
        .catalogs_list()
        .send()
        .await
        .expect("a 200 answer decodes");
    assert_eq!(response.status().as_u16(), 200);
    assert_eq!(response.message, "success");
    assert_eq!(response.catalogs.len(), 1);
    let catalog = &response.catalogs[0];
    assert_eq!(catalog.name, "store_locations");
    assert_eq!(catalog.description.as_deref(), Some("Physical stores"));
    assert_eq!(catalog.num_items, Some(42));
    assert_eq!(
        catalog.updated_at.expect("updated_at").to_rfc3339(),
        "2024-03-18T14:22:05.311+00:00"
    );
    let field_types: Vec<Option<types::CatalogFieldType>> = catalog
        .fields
        .iter()
        .map(|f| f.type_.known().copied())
        .collect();
    assert_eq!(
        field_types,
        vec![
            Some(types::CatalogFieldType::String),
            Some(types::CatalogFieldType::Number),
            Some(types::CatalogFieldType::Boolean),
            Some(types::CatalogFieldType::Time),
            Some(types::CatalogFieldType::Object),
            Some(types::CatalogFieldType::Array),
        ]
    );
    assert_eq!(catalog.fields[0].name.as_str(), "id");
    common::assert_no_api_version_header(&server).await;
}

#[tokio::test]
async fn catalogs_create_sends_one_catalog_and_decodes_201() {
    let (server, client) = common::setup().await;
    common::authorized("POST", "/catalogs")
        .and(body_json(json!({
            "catalogs": [
                {
                    "name": "store_locations",
                    "description": "Physical stores",
                    "fields": [
                        { "name": "id", "type": "string" },
                        { "name": "City", "type": "string" },
                        { "name": "Services", "type": "array" }
                    ]
                }
            ]
        })))
        .respond_with(common::json_response(
            201,
            json!({
                "catalogs": [
                    {
                        "description": "Physical stores",
                        "fields": [
                            { "name": "id", "type": "string" },
                            { "name": "City", "type": "string" },
                            { "name": "Services", "type": "array" }
                        ],
                        "name": "store_locations",
                        "num_items": 0,
                        "updated_at": "2024-03-18T14:22:05.311+00:00"
                    }
                ],
                "message": "success"
            }),
        ))
        .expect(1)
        .mount(&server)
        .await;

    let field = |name: &str, t: types::CatalogFieldType| types::CatalogField {
        name: name.parse().expect("a valid field name"),
        type_: t,
    };
    let response = client
        .catalogs_create(types::CatalogsCreateRequest {
            catalogs: [types::CatalogCreateDefinition {
                name: "store_locations".parse().expect("a valid catalog name"),
                description: "Physical stores".parse().expect("a valid description"),
                fields: vec![
                    field("id", types::CatalogFieldType::String),
                    field("City", types::CatalogFieldType::String),
                    field("Services", types::CatalogFieldType::Array),
                ],
            }],
        })
        .send()
        .await
        .expect("a 201 answer decodes");
    assert_eq!(response.status().as_u16(), 201);
    assert_eq!(response.message, "success");
    assert_eq!(response.catalogs[0].name, "store_locations");
    assert_eq!(response.catalogs[0].num_items, Some(0));
    assert_eq!(response.catalogs[0].fields.len(), 3);
    assert_eq!(
        response.catalogs[0].fields[2].type_,
        types::CatalogFieldType::Array
    );
}

#[tokio::test]
async fn catalogs_delete_names_the_catalog_in_the_path() {
    let (server, client) = common::setup().await;
    common::authorized("DELETE", "/catalogs/store_locations")
        .respond_with(common::json_response(200, success()))
        .expect(1)
        .mount(&server)
        .await;

    let response = client
        .catalogs_delete("store_locations")
        .send()
        .await
        .expect("a 200 answer decodes");
    assert_eq!(response.status().as_u16(), 200);
    assert_eq!(response.message, "success");
    assert!(response.errors.is_empty());
}

#[tokio::test]
async fn catalogs_delete_decodes_catalog_not_found() {
    let (server, client) = common::setup().await;
    Mock::given(method("DELETE"))
        .and(path("/catalogs/old_stores"))
        .respond_with(common::json_response(
            404,
            json!({
                "errors": [
                    {
                        "id": "catalog-not-found",
                        "message": "Could not find catalog",
                        "parameters": ["catalog_name"],
                        "parameter_values": ["old_stores"]
                    }
                ],
                "message": "Invalid Request"
            }),
        ))
        .expect(1)
        .mount(&server)
        .await;

    let err = client
        .catalogs_delete("old_stores")
        .send()
        .await
        .expect_err("a 404 is an error");
    assert_eq!(err.status().map(|s| s.as_u16()), Some(404));
    let body = err.error_body().expect("a documented error body");
    assert_eq!(body.message.as_deref(), Some("Invalid Request"));
    match &body.errors[0] {
        types::BrazeErrorDetail::BrazeErrorObject(e) => {
            assert_eq!(
                e.id,
                Some(Open::Known(types::BrazeErrorId::CatalogNotFound))
            );
            assert_eq!(e.parameters, vec!["catalog_name".to_string()]);
        }
        other => panic!("expected an error object, got {other:?}"),
    }
}

// ---------------------------------------------------------------------------
// Catalog items, synchronous
// ---------------------------------------------------------------------------

#[tokio::test]
async fn catalog_items_list_exposes_the_link_header_and_sends_the_cursor() {
    let (server, client) = common::setup().await;
    let link = "</catalogs/store_locations/items?cursor=c2tpcDow>; rel=\"prev\",\
                </catalogs/store_locations/items?cursor=c2tpcDoxMDA=>; rel=\"next\"";
    Mock::given(method("GET"))
        .and(path("/catalogs/store_locations/items"))
        .and(query_param("cursor", "c2tpcDo1MA=="))
        .and(header("authorization", common::auth()))
        .respond_with(
            common::json_response(
                200,
                json!({
                    "items": [
                        catalog_item_json("store-paris-11", paris_fields()),
                        catalog_item_json("store-lyon-02", json!({ "City": "Lyon", "Rating": 4 }))
                    ],
                    "message": "success"
                }),
            )
            .insert_header("link", link),
        )
        .expect(1)
        .mount(&server)
        .await;

    let response = client
        .catalog_items_list("store_locations")
        .cursor("c2tpcDo1MA==")
        .send()
        .await
        .expect("a 200 answer decodes");
    assert_eq!(response.status().as_u16(), 200);
    let header_value = response
        .headers()
        .get("link")
        .expect("the Link header is kept")
        .to_str()
        .expect("an ASCII header");
    assert_eq!(header_value, link);
    assert!(header_value.contains("rel=\"next\""));
    let next_cursor = response.next_cursor();
    assert_eq!(next_cursor.as_deref(), Some("c2tpcDoxMDA="));
    assert_eq!(response.items.len(), 2);
    assert_eq!(response.items[0].id.as_str(), "store-paris-11");
    assert_eq!(response.items[0].extra, common::json_object(paris_fields()));
    assert_eq!(response.items[1].extra.get("Rating"), Some(&json!(4)));
}

#[tokio::test]
async fn catalog_items_list_first_page_sends_no_cursor() {
    let (server, client) = common::setup().await;
    Mock::given(method("GET"))
        .and(path("/catalogs/store_locations/items"))
        .and(query_param_is_missing("cursor"))
        .and(header("authorization", common::auth()))
        .respond_with(common::json_response(
            200,
            json!({ "items": [], "message": "success" }),
        ))
        .expect(1)
        .mount(&server)
        .await;

    let response = client
        .catalog_items_list("store_locations")
        .send()
        .await
        .expect("a 200 answer decodes");
    assert!(response.items.is_empty());
    assert!(response.headers().get("link").is_none());
    assert_eq!(response.next_cursor(), None, "no Link header: last page");
}

#[tokio::test]
async fn catalog_item_get_decodes_custom_fields_unchanged() {
    let (server, client) = common::setup().await;
    common::authorized("GET", "/catalogs/store_locations/items/store-paris-11")
        .respond_with(common::json_response(
            200,
            json!({
                "items": [catalog_item_json("store-paris-11", paris_fields())],
                "message": "success"
            }),
        ))
        .expect(1)
        .mount(&server)
        .await;

    let response = client
        .catalog_item_get("store_locations", "store-paris-11")
        .send()
        .await
        .expect("a 200 answer decodes");
    assert_eq!(response.message, "success");
    assert_eq!(response.items.len(), 1);
    let item = &response.items[0];
    assert_eq!(item.id.as_str(), "store-paris-11");
    assert_eq!(item.extra, common::json_object(paris_fields()));
    assert_eq!(item.extra["Coordinates"]["Floor"]["Level"], json!(1));
    assert_eq!(item.extra["Rating"], json!(4.5));
    // Encoding the decoded item again gives back exactly what Braze sent.
    assert_eq!(
        serde_json::to_value(item).expect("encodes"),
        catalog_item_json("store-paris-11", paris_fields())
    );
}

#[tokio::test]
async fn catalog_item_get_decodes_item_not_found() {
    let (server, client) = common::setup().await;
    Mock::given(method("GET"))
        .and(path("/catalogs/store_locations/items/store-gone"))
        .respond_with(common::json_response(
            404,
            json!({
                "errors": [
                    {
                        "id": "item-not-found",
                        "message": "Could not find item",
                        "parameters": ["item_id"],
                        "parameter_values": ["store-gone"]
                    }
                ],
                "message": "Invalid Request"
            }),
        ))
        .expect(1)
        .mount(&server)
        .await;

    let err = client
        .catalog_item_get("store_locations", "store-gone")
        .send()
        .await
        .expect_err("a 404 is an error");
    assert_eq!(err.status().map(|s| s.as_u16()), Some(404));
    let body = err.error_body().expect("a documented error body");
    match &body.errors[0] {
        types::BrazeErrorDetail::BrazeErrorObject(e) => {
            assert_eq!(e.id, Some(Open::Known(types::BrazeErrorId::ItemNotFound)));
            assert_eq!(e.parameter_values, vec![json!("store-gone")]);
        }
        other => panic!("expected an error object, got {other:?}"),
    }
}

#[tokio::test]
async fn catalog_item_create_sends_the_fields_without_id_and_decodes_201() {
    let (server, client) = common::setup().await;
    common::authorized("POST", "/catalogs/store_locations/items/store-paris-11")
        .and(body_json(json!({ "items": [paris_fields()] })))
        .respond_with(common::json_response(201, success()))
        .expect(1)
        .mount(&server)
        .await;

    let response = client
        .catalog_item_create(
            "store_locations",
            "store-paris-11",
            types::CatalogItemCreateRequest {
                items: [types::CatalogItemFields(
                    common::json_object(paris_fields()),
                )],
            },
        )
        .send()
        .await
        .expect("a 201 answer decodes");
    assert_eq!(response.status().as_u16(), 201);
    assert_eq!(response.message, "success");
}

#[tokio::test]
async fn catalog_item_update_sends_array_operators() {
    let (server, client) = common::setup().await;
    common::authorized("PATCH", "/catalogs/store_locations/items/store-paris-11")
        .and(body_json(json!({
            "items": [
                {
                    "Rating": 4.7,
                    "Services": { "$add": ["gift_wrapping"], "$remove": ["repairs"] }
                }
            ]
        })))
        .respond_with(common::json_response(200, success()))
        .expect(1)
        .mount(&server)
        .await;

    let services = types::CatalogItemArrayUpdate {
        add: vec![json!("gift_wrapping")],
        remove: vec![json!("repairs")],
    };
    let mut fields = Map::new();
    fields.insert("Rating".to_string(), json!(4.7));
    fields.insert(
        "Services".to_string(),
        serde_json::to_value(services).expect("encodes"),
    );
    let response = client
        .catalog_item_update(
            "store_locations",
            "store-paris-11",
            types::CatalogItemUpdateRequest {
                items: [types::CatalogItemFields(fields)],
            },
        )
        .send()
        .await
        .expect("a 200 answer decodes");
    assert_eq!(response.status().as_u16(), 200);
    assert_eq!(response.message, "success");
}

#[tokio::test]
async fn catalog_item_replace_sends_put() {
    let (server, client) = common::setup().await;
    common::authorized("PUT", "/catalogs/store_locations/items/store-paris-11")
        .and(body_json(json!({ "items": [paris_fields()] })))
        .respond_with(common::json_response(200, success()))
        .expect(1)
        .mount(&server)
        .await;

    let response = client
        .catalog_item_replace(
            "store_locations",
            "store-paris-11",
            types::CatalogItemReplaceRequest {
                items: [types::CatalogItemFields(
                    common::json_object(paris_fields()),
                )],
            },
        )
        .send()
        .await
        .expect("a 200 answer decodes");
    assert_eq!(response.status().as_u16(), 200);
    assert_eq!(response.message, "success");
}

#[tokio::test]
async fn catalog_item_delete_sends_no_body_and_decodes_202() {
    let (server, client) = common::setup().await;
    common::authorized("DELETE", "/catalogs/store_locations/items/store-paris-11")
        .respond_with(common::json_response(202, success()))
        .expect(1)
        .mount(&server)
        .await;

    let response = client
        .catalog_item_delete("store_locations", "store-paris-11")
        .send()
        .await
        .expect("a 202 answer decodes");
    assert_eq!(response.status().as_u16(), 202);
    assert_eq!(response.message, "success");
    let requests = server
        .received_requests()
        .await
        .expect("requests are recorded");
    assert!(requests[0].body.is_empty(), "no request body is sent");
}

// ---------------------------------------------------------------------------
// Catalog items, asynchronous (bulk)
// ---------------------------------------------------------------------------

#[tokio::test]
async fn catalog_items_create_sends_custom_fields_unchanged() {
    let (server, client) = common::setup().await;
    let lyon = json!({
        "Name": "Presqu'ile",
        "City": "Lyon",
        "Rating": 4,
        "Open_Sundays": false,
        "Coordinates": { "Latitude": 45.7597, "Longitude": 4.8343 },
        "Services": [],
        "Opened_At": "2021-02-15T08:00:00.000+00:00",
        "Manager": null
    });
    common::authorized("POST", "/catalogs/store_locations/items")
        .and(body_json(json!({
            "items": [
                catalog_item_json("store-paris-11", paris_fields()),
                catalog_item_json("store-lyon-02", lyon.clone())
            ]
        })))
        .respond_with(common::json_response(202, success()))
        .expect(1)
        .mount(&server)
        .await;

    let response = client
        .catalog_items_create(
            "store_locations",
            types::CatalogItemsCreateRequest {
                items: vec![
                    catalog_item("store-paris-11", paris_fields()),
                    catalog_item("store-lyon-02", lyon),
                ],
            },
        )
        .send()
        .await
        .expect("a 202 answer decodes");
    assert_eq!(response.status().as_u16(), 202);
    assert_eq!(response.message, "success");
}

#[tokio::test]
async fn catalog_items_update_sends_ids_and_partial_fields() {
    let (server, client) = common::setup().await;
    common::authorized("PATCH", "/catalogs/store_locations/items")
        .and(body_json(json!({
            "items": [
                { "id": "store-paris-11", "Services": { "$add": ["gift_wrapping"] } },
                { "id": "store-lyon-02", "Open_Sundays": true }
            ]
        })))
        .respond_with(common::json_response(202, success()))
        .expect(1)
        .mount(&server)
        .await;

    let add_only = types::CatalogItemArrayUpdate {
        add: vec![json!("gift_wrapping")],
        remove: vec![],
    };
    let response = client
        .catalog_items_update(
            "store_locations",
            types::CatalogItemsUpdateRequest {
                items: vec![
                    catalog_item("store-paris-11", json!({ "Services": add_only })),
                    catalog_item("store-lyon-02", json!({ "Open_Sundays": true })),
                ],
            },
        )
        .send()
        .await
        .expect("a 202 answer decodes");
    assert_eq!(response.status().as_u16(), 202);
    assert_eq!(response.message, "success");
}

#[tokio::test]
async fn catalog_items_replace_sends_put_with_ids() {
    let (server, client) = common::setup().await;
    common::authorized("PUT", "/catalogs/store_locations/items")
        .and(body_json(json!({
            "items": [
                catalog_item_json("store-paris-11", paris_fields()),
                { "id": "store-nantes-01", "City": "Nantes", "Rating": 3.9 }
            ]
        })))
        .respond_with(common::json_response(202, success()))
        .expect(1)
        .mount(&server)
        .await;

    let response = client
        .catalog_items_replace(
            "store_locations",
            types::CatalogItemsReplaceRequest {
                items: vec![
                    catalog_item("store-paris-11", paris_fields()),
                    catalog_item(
                        "store-nantes-01",
                        json!({ "City": "Nantes", "Rating": 3.9 }),
                    ),
                ],
            },
        )
        .send()
        .await
        .expect("a 202 answer decodes");
    assert_eq!(response.status().as_u16(), 202);
    assert_eq!(response.message, "success");
}

#[tokio::test]
async fn catalog_items_delete_sends_a_json_body_with_delete() {
    let (server, client) = common::setup().await;
    common::authorized("DELETE", "/catalogs/store_locations/items")
        .and(header("content-type", "application/json"))
        .and(body_json(
            json!({ "items": [{ "id": "store-paris-11" }, { "id": "store-lyon-02" }] }),
        ))
        .respond_with(common::json_response(202, success()))
        .expect(1)
        .mount(&server)
        .await;

    let reference = |id: &str| types::CatalogItemReference {
        id: id.parse().expect("a valid item id"),
    };
    let response = client
        .catalog_items_delete(
            "store_locations",
            types::CatalogItemsDeleteRequest {
                items: vec![reference("store-paris-11"), reference("store-lyon-02")],
            },
        )
        .send()
        .await
        .expect("a 202 answer decodes");
    assert_eq!(response.status().as_u16(), 202);
    assert_eq!(response.message, "success");
}
