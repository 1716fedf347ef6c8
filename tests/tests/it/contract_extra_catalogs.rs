//! Contract tests of the catalog field and selection operations (appended to
//! `spec/catalogs.yaml`, beyond the glossary): the exact request each sends
//! (method, path, body, auth) and the documented 202 and error answers.

use crate::common;
use crate::contract_table::{self, Case, row, row_from_body};
use crate::table;

use braze_sdk::types;
use serde_json::json;

#[tokio::test]
async fn extra_catalogs_contract_table() {
    contract_table::run(rows()).await;
}

fn rows() -> Vec<Box<dyn Case>> {
    table![
        row_from_body(
            "catalog_fields_create_sends_names_and_types",
            json!({
                "fields": [
                    { "name": "Opening_Hours", "type": "string" },
                    { "name": "Parking_Spaces", "type": "number" },
                    { "name": "Wheelchair_Access", "type": "boolean" },
                    { "name": "Renovated_At", "type": "time" }
                ]
            }),
            |c, body| {
                let request = common::typed::<types::CatalogFieldsCreateRequest>(body);
                assert_eq!(
                    request.fields[3].type_,
                    types::CatalogFieldType::Time,
                    "the field type is typed"
                );
                c.catalog_fields_create("store_locations", request).send()
            }
        )
        .post("/catalogs/store_locations/fields")
        .answer(202, json!({ "message": "success" })),
        row_from_body(
            "catalog_selection_create_sends_filters_sort_and_limit",
            json!({
                "selection": {
                    "name": "paris-top-rated",
                    "description": "Best rated stores in Paris",
                    "filters": [
                        {
                            "field": "City",
                            "operator": "equals",
                            "value": "Paris"
                        },
                        {
                            "field": "Rating",
                            "operator": "greater than",
                            "value": 4.0
                        },
                        {
                            "field": "Open_Sundays",
                            "operator": "is",
                            "value": true
                        },
                        {
                            "field": "Services",
                            "operator": "includes value",
                            "value": "repairs"
                        }
                    ],
                    "results_limit": 10,
                    "sort_field": "Rating",
                    "sort_order": "desc"
                }
            }),
            |c, body| {
                let request = common::typed::<types::CatalogSelectionCreateRequest>(body);
                let filters = &request.selection.filters;
                assert_eq!(
                    filters[1].operator,
                    types::CatalogSelectionFilterOperator::GreaterThan
                );
                assert_eq!(
                    filters[1].value,
                    types::CatalogSelectionFilterValue::Number(4.0)
                );
                assert_eq!(
                    filters[2].value,
                    types::CatalogSelectionFilterValue::Boolean(true)
                );
                c.catalog_selection_create("store_locations", request)
                    .send()
            }
        )
        .post("/catalogs/store_locations/selections")
        .answer(202, json!({ "message": "success" })),
        row(
            "catalog_selection_delete_names_catalog_and_selection",
            |c| {
                c.catalog_selection_delete("store_locations", "paris-top-rated")
                    .send()
            }
        )
        .delete("/catalogs/store_locations/selections/paris-top-rated")
        .answer(202, json!({ "message": "success" })),
        row("catalog_field_delete_names_catalog_and_field", |c| {
            c.catalog_field_delete("store_locations", "Parking_Spaces")
                .send()
        })
        .delete("/catalogs/store_locations/fields/Parking_Spaces")
        .answer(202, json!({ "message": "success" })),
        row(
            "catalog_field_delete_decodes_the_404_of_a_field_in_use",
            |c| {
                c.catalog_field_delete("old_stores", "Parking_Spaces")
                    .send()
            }
        )
        .delete("/catalogs/old_stores/fields/Parking_Spaces")
        .answer(
            404,
            json!({
                "errors": [
                    {
                        "id": "field-referenced-by-selection",
                        "message": "Field is used by a selection",
                        "parameters": ["field_name"],
                        "parameter_values": ["Parking_Spaces"]
                    }
                ],
                "message": "Invalid Request"
            }),
        )
        .then_err(|err| {
            let body = err.error_body().expect("a documented error body");
            let types::BrazeErrorDetail::BrazeErrorObject(e) = &body.errors[0] else {
                panic!("expected an error object, got {:?}", body.errors[0]);
            };
            // A known id decodes as known (JSON equality cannot tell).
            let id = e.id.as_ref().expect("an id");
            assert_eq!(
                id.known(),
                Some(&types::BrazeErrorId::FieldReferencedBySelection)
            );
            assert_eq!(e.parameter_values, vec![json!("Parking_Spaces")]);
        }),
    ]
}

// Not a row: a body the type refuses never becomes a call.
#[test]
fn catalog_selection_create_refuses_an_unknown_operator() {
    let bad = serde_json::from_value::<types::CatalogSelectionCreateRequest>(json!({
        "selection": {
            "name": "x",
            "filters": [
                {
                    "field": "City",
                    "operator": "contains",
                    "value": "Par"
                }
            ]
        }
    }));
    assert!(bad.is_err(), "request enums are closed");
}

// Not a row: this checks the operation table (rate-limit bucket, paging
// style), with no call to make.
#[test]
fn catalog_fields_and_selections_share_one_async_bucket() {
    use braze_sdk::operation::{RateLimit, find};
    for id in [
        "catalog_fields_create",
        "catalog_field_delete",
        "catalog_selection_create",
        "catalog_selection_delete",
    ] {
        assert_eq!(
            find(id)
                .unwrap_or_else(|| panic!("{id} is in the spec"))
                .rate_limit,
            RateLimit::Limited {
                requests: 50,
                window_seconds: 60,
                bucket: "catalog-fields-selections-async"
            },
            "{id}"
        );
    }
}
