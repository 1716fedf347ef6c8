//! Contract tests of the Catalogs operations (`spec/catalogs.yaml`), as rows of
//! [`crate::contract_table`]: each pins the exact request the SDK sends (method, path, query, body, auth) and
//! checks that a documented response shape decodes into the typed fields.
//! Catalog item fields are user-defined: the rows check that they travel
//! unchanged in both directions.

use crate::common;
use crate::contract_table::{self, Case, row};
use crate::table;

use braze_sdk::{Open, types};
use serde_json::{Map, Value, json};

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
        "Coordinates": {
            "Latitude": 48.8649,
            "Longitude": 2.3752,
            "Floor": { "Level": 1 }
        },
        "Services": ["click_and_collect", "repairs"],
        "Opened_At": "2019-06-01T08:00:00.000+00:00"
    })
}

/// The custom fields of a second store, with every JSON type a field holds.
fn lyon_fields() -> Value {
    json!({
        "Name": "Presqu'ile",
        "City": "Lyon",
        "Rating": 4,
        "Open_Sundays": false,
        "Coordinates": { "Latitude": 45.7597, "Longitude": 4.8343 },
        "Services": [],
        "Opened_At": "2021-02-15T08:00:00.000+00:00",
        "Manager": null
    })
}

/// The `Link` header of a middle page of catalog items.
const LINK: &str = "</catalogs/store_locations/items?cursor=c2tpcDow>; rel=\"prev\",\
                    </catalogs/store_locations/items?cursor=c2tpcDoxMDA=>; rel=\"next\"";

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

#[tokio::test]
async fn catalogs_contract_table() {
    contract_table::run(rows()).await;
}

fn rows() -> Vec<Box<dyn Case>> {
    table![
        row("catalogs_list_decodes_catalogs_and_field_types", |c| {
            c.catalogs_list().send()
        })
        .get("/catalogs")
        .answer(
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
            })
        )
        .then(|response| {
            let catalog = &response.catalogs[0];
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
        }),
        row("catalogs_create_sends_one_catalog_and_decodes_201", |c| {
            let field = |name: &str, t: types::CatalogFieldType| types::CatalogField {
                name: name.parse().expect("a valid field name"),
                type_: t,
            };
            c.catalogs_create(types::CatalogsCreateRequest {
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
        })
        .post("/catalogs")
        .body(json!({
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
        }))
        .answer(
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
            })
        )
        .then(|response| {
            assert_eq!(
                response.catalogs[0].fields[2].type_,
                types::CatalogFieldType::Array
            );
        }),
        row("catalogs_delete_names_the_catalog_in_the_path", |c| {
            c.catalogs_delete("store_locations").send()
        })
        .delete("/catalogs/store_locations")
        .answer(200, success()),
        row("catalogs_delete_decodes_catalog_not_found", |c| {
            c.catalogs_delete("old_stores").send()
        })
        .delete("/catalogs/old_stores")
        .answer(
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
            })
        )
        .then_err(|err| {
            let body = err.error_body().expect("a documented error body");
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
        }),
        row(
            "catalog_items_list_exposes_the_link_header_and_sends_the_cursor",
            |c| {
                c.catalog_items_list("store_locations")
                    .cursor("c2tpcDo1MA==")
                    .send()
            }
        )
        .get("/catalogs/store_locations/items")
        .query(&[("cursor", "c2tpcDo1MA==")])
        .answer(
            200,
            json!({
                "items": [
                    catalog_item_json("store-paris-11", paris_fields()),
                    catalog_item_json("store-lyon-02", json!({ "City": "Lyon", "Rating": 4 }))
                ],
                "message": "success"
            })
        )
        .answer_header("link", LINK)
        .then(|response| {
            let link = response.headers().get("link").and_then(|v| v.to_str().ok());
            assert_eq!(link, Some(LINK), "the Link header is kept");
            let next_cursor = response.next_cursor();
            assert_eq!(next_cursor.as_deref(), Some("c2tpcDoxMDA="));
            assert_eq!(response.items[0].extra, common::json_object(paris_fields()));
            assert_eq!(response.items[1].extra.get("Rating"), Some(&json!(4)));
        }),
        row("catalog_items_list_first_page_sends_no_cursor", |c| {
            c.catalog_items_list("store_locations").send()
        })
        .get("/catalogs/store_locations/items")
        .answer(200, json!({ "items": [], "message": "success" }))
        .then(|response| {
            assert!(response.headers().get("link").is_none());
            assert_eq!(response.next_cursor(), None, "no Link header: last page");
        }),
        row("catalog_item_get_decodes_custom_fields_unchanged", |c| {
            c.catalog_item_get(braze_sdk::builder::CatalogItemGetRequired {
                catalog_name: "store_locations",
                item_id: "store-paris-11",
            })
            .send()
        })
        .get("/catalogs/store_locations/items/store-paris-11")
        .answer(
            200,
            json!({
                "items": [catalog_item_json("store-paris-11", paris_fields())],
                "message": "success"
            })
        )
        .then(|response| {
            let item = &response.items[0];
            assert_eq!(item.extra, common::json_object(paris_fields()));
            assert_eq!(item.extra["Coordinates"]["Floor"]["Level"], json!(1));
            assert_eq!(item.extra["Rating"], json!(4.5));
            // Encoding the decoded item again gives back exactly what Braze sent.
            assert_eq!(
                serde_json::to_value(item).expect("encodes"),
                catalog_item_json("store-paris-11", paris_fields())
            );
        }),
        row("catalog_item_get_decodes_item_not_found", |c| {
            c.catalog_item_get(braze_sdk::builder::CatalogItemGetRequired {
                catalog_name: "store_locations",
                item_id: "store-gone",
            })
            .send()
        })
        .get("/catalogs/store_locations/items/store-gone")
        .answer(
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
            })
        )
        .then_err(|err| {
            let body = err.error_body().expect("a documented error body");
            match &body.errors[0] {
                types::BrazeErrorDetail::BrazeErrorObject(e) => {
                    assert_eq!(e.id, Some(Open::Known(types::BrazeErrorId::ItemNotFound)));
                    assert_eq!(e.parameter_values, vec![json!("store-gone")]);
                }
                other => panic!("expected an error object, got {other:?}"),
            }
        }),
        row(
            "catalog_item_create_sends_the_fields_without_id_and_decodes_201",
            |c| {
                c.catalog_item_create(
                    braze_sdk::builder::CatalogItemCreateRequired {
                        catalog_name: "store_locations",
                        item_id: "store-paris-11",
                    },
                    types::CatalogItemCreateRequest {
                        items: [
                            types::CatalogItemFields(common::json_object(paris_fields())).into(),
                        ],
                    },
                )
                .send()
            }
        )
        .post("/catalogs/store_locations/items/store-paris-11")
        .body(json!({ "items": [paris_fields()] }))
        .answer(201, success()),
        row("catalog_item_update_sends_array_operators", |c| {
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
            c.catalog_item_update(
                braze_sdk::builder::CatalogItemUpdateRequired {
                    catalog_name: "store_locations",
                    item_id: "store-paris-11",
                },
                types::CatalogItemUpdateRequest {
                    items: [types::CatalogItemFields(fields).into()],
                },
            )
            .send()
        })
        .patch("/catalogs/store_locations/items/store-paris-11")
        .body(json!({
            "items": [
                {
                    "Rating": 4.7,
                    "Services": {
                        "$add": ["gift_wrapping"],
                        "$remove": ["repairs"]
                    }
                }
            ]
        }))
        .answer(200, success()),
        row("catalog_item_replace_sends_put", |c| {
            c.catalog_item_replace(
                braze_sdk::builder::CatalogItemReplaceRequired {
                    catalog_name: "store_locations",
                    item_id: "store-paris-11",
                },
                types::CatalogItemReplaceRequest {
                    items: [types::CatalogItemFields(common::json_object(paris_fields())).into()],
                },
            )
            .send()
        })
        .put("/catalogs/store_locations/items/store-paris-11")
        .body(json!({ "items": [paris_fields()] }))
        .answer(200, success()),
        row("catalog_item_delete_sends_no_body_and_decodes_202", |c| {
            c.catalog_item_delete(braze_sdk::builder::CatalogItemDeleteRequired {
                catalog_name: "store_locations",
                item_id: "store-paris-11",
            })
            .send()
        })
        .delete("/catalogs/store_locations/items/store-paris-11")
        .answer(202, success()),
        row("catalog_items_create_sends_custom_fields_unchanged", |c| {
            c.catalog_items_create(
                "store_locations",
                types::CatalogItemsCreateRequest {
                    items: vec![
                        catalog_item("store-paris-11", paris_fields()),
                        catalog_item("store-lyon-02", lyon_fields()),
                    ],
                },
            )
            .send()
        })
        .post("/catalogs/store_locations/items")
        .body(json!({
            "items": [
                catalog_item_json("store-paris-11", paris_fields()),
                catalog_item_json("store-lyon-02", lyon_fields())
            ]
        }))
        .answer(202, success()),
        row("catalog_items_update_sends_ids_and_partial_fields", |c| {
            let add_only = types::CatalogItemArrayUpdate {
                add: vec![json!("gift_wrapping")],
                remove: vec![],
            };
            c.catalog_items_update(
                "store_locations",
                types::CatalogItemsUpdateRequest {
                    items: vec![
                        catalog_item("store-paris-11", json!({ "Services": add_only })),
                        catalog_item("store-lyon-02", json!({ "Open_Sundays": true })),
                    ],
                },
            )
            .send()
        })
        .patch("/catalogs/store_locations/items")
        .body(json!({
            "items": [
                {
                    "id": "store-paris-11",
                    "Services": { "$add": ["gift_wrapping"] }
                },
                { "id": "store-lyon-02", "Open_Sundays": true }
            ]
        }))
        .answer(202, success()),
        row("catalog_items_replace_sends_put_with_ids", |c| {
            c.catalog_items_replace(
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
        })
        .put("/catalogs/store_locations/items")
        .body(json!({
            "items": [
                catalog_item_json("store-paris-11", paris_fields()),
                {
                    "id": "store-nantes-01",
                    "City": "Nantes",
                    "Rating": 3.9
                }
            ]
        }))
        .answer(202, success()),
        row("catalog_items_delete_sends_a_json_body_with_delete", |c| {
            let reference = |id: &str| types::CatalogItemReference {
                id: id.parse().expect("a valid item id"),
            };
            c.catalog_items_delete(
                "store_locations",
                types::CatalogItemsDeleteRequest {
                    items: vec![reference("store-paris-11"), reference("store-lyon-02")],
                },
            )
            .send()
        })
        .delete("/catalogs/store_locations/items")
        .header("content-type", "application/json")
        .body(json!({
            "items": [{ "id": "store-paris-11" }, { "id": "store-lyon-02" }]
        }),)
        .answer(202, success()),
    ]
}
