//! Contract tests of the catalog field and selection operations (appended to
//! `spec/catalogs.yaml`, beyond the glossary): the exact request each sends
//! (method, path, body, auth) and the documented 202 and error answers.

use crate::common;

use braze_sdk::types;
use serde_json::json;
use wiremock::matchers::body_json;

#[tokio::test]
async fn catalog_fields_create_sends_names_and_types() {
    let (server, client) = common::setup().await;
    let body = json!({
        "fields": [
            { "name": "Opening_Hours", "type": "string" },
            { "name": "Parking_Spaces", "type": "number" },
            { "name": "Wheelchair_Access", "type": "boolean" },
            { "name": "Renovated_At", "type": "time" }
        ]
    });
    common::authorized("POST", "/catalogs/store_locations/fields")
        .and(body_json(body.clone()))
        .respond_with(common::json_response(202, json!({ "message": "success" })))
        .expect(1)
        .mount(&server)
        .await;

    let request = common::typed::<types::CatalogFieldsCreateRequest>(body);
    assert_eq!(
        request.fields[3].type_,
        types::CatalogFieldType::Time,
        "the field type is typed"
    );
    let response = client
        .catalog_fields_create("store_locations", request)
        .send()
        .await
        .expect("a 202 answer decodes");
    assert_eq!(response.message, "success");
}

#[tokio::test]
async fn catalog_field_delete_names_catalog_and_field_and_decodes_404() {
    let (server, client) = common::setup().await;
    common::authorized("DELETE", "/catalogs/store_locations/fields/Parking_Spaces")
        .respond_with(common::json_response(202, json!({ "message": "success" })))
        .expect(1)
        .mount(&server)
        .await;
    let response = client
        .catalog_field_delete("store_locations", "Parking_Spaces")
        .send()
        .await
        .expect("a 202 answer decodes");
    assert_eq!(response.message, "success");
    common::assert_no_body(&server).await;

    let (server, client) = common::setup().await;
    common::authorized("DELETE", "/catalogs/old_stores/fields/Parking_Spaces")
        .respond_with(common::json_response(
            404,
            json!({
                "errors": [{
                    "id": "field-referenced-by-selection",
                    "message": "Field is used by a selection",
                    "parameters": ["field_name"],
                    "parameter_values": ["Parking_Spaces"]
                }],
                "message": "Invalid Request"
            }),
        ))
        .expect(1)
        .mount(&server)
        .await;
    let err = client
        .catalog_field_delete("old_stores", "Parking_Spaces")
        .send()
        .await
        .expect_err("a 404 is an error");
    assert_eq!(err.status().map(|s| s.as_u16()), Some(404));
    let body = err.error_body().expect("a documented error body");
    match &body.errors[0] {
        types::BrazeErrorDetail::BrazeErrorObject(e) => {
            let id = e.id.as_ref().expect("an id");
            assert_eq!(
                id.known(),
                Some(&types::BrazeErrorId::FieldReferencedBySelection)
            );
            assert_eq!(id.to_string(), "field-referenced-by-selection");
            assert_eq!(e.parameter_values, vec![json!("Parking_Spaces")]);
        }
        other => panic!("expected an error object, got {other:?}"),
    }
}

#[tokio::test]
async fn catalog_selection_create_sends_filters_sort_and_limit() {
    let (server, client) = common::setup().await;
    let body = json!({
        "selection": {
            "name": "paris-top-rated",
            "description": "Best rated stores in Paris",
            "filters": [
                { "field": "City", "operator": "equals", "value": "Paris" },
                { "field": "Rating", "operator": "greater than", "value": 4.0 },
                { "field": "Open_Sundays", "operator": "is", "value": true },
                { "field": "Services", "operator": "includes value", "value": "repairs" }
            ],
            "results_limit": 10,
            "sort_field": "Rating",
            "sort_order": "desc"
        }
    });
    common::authorized("POST", "/catalogs/store_locations/selections")
        .and(body_json(body.clone()))
        .respond_with(common::json_response(202, json!({ "message": "success" })))
        .expect(1)
        .mount(&server)
        .await;

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
    let response = client
        .catalog_selection_create("store_locations", request)
        .send()
        .await
        .expect("a 202 answer decodes");
    assert_eq!(response.message, "success");
}

#[test]
fn catalog_selection_create_refuses_an_unknown_operator() {
    let bad = serde_json::from_value::<types::CatalogSelectionCreateRequest>(json!({
        "selection": {
            "name": "x",
            "filters": [{ "field": "City", "operator": "contains", "value": "Par" }]
        }
    }));
    assert!(bad.is_err(), "request enums are closed");
}

#[tokio::test]
async fn catalog_selection_delete_names_catalog_and_selection() {
    let (server, client) = common::setup().await;
    common::authorized(
        "DELETE",
        "/catalogs/store_locations/selections/paris-top-rated",
    )
    .respond_with(common::json_response(202, json!({ "message": "success" })))
    .expect(1)
    .mount(&server)
    .await;
    let response = client
        .catalog_selection_delete("store_locations", "paris-top-rated")
        .send()
        .await
        .expect("a 202 answer decodes");
    assert_eq!(response.message, "success");
    common::assert_no_body(&server).await;
}

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
