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
    // Building one needs a `CatalogFieldType`, whose only way in from a
    // string is `TryFrom`, which refuses the unknown name.
    assert!(types::CatalogFieldType::try_from("not-a-type").is_err());
    let built = types::CatalogField::new(
        types::CatalogFieldName::try_from("city").unwrap(),
        types::CatalogFieldType::try_from("string").unwrap(),
    );
    assert_eq!(built.type_, types::CatalogFieldType::String);
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

/// Every date-time written in Braze's saved pages (examples and prose) is
/// read by the SDK's response decoder: Braze's own forms never fail.
#[test]
fn every_date_time_form_in_brazes_pages_decodes() {
    let mut files = Vec::new();
    fn walk(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
        for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
            let p = entry.path();
            if p.is_dir() {
                walk(&p, out);
            } else if p.extension().is_some_and(|e| e == "md") {
                out.push(p);
            }
        }
    }
    walk(
        &braze_tests::reference::reference_dir().join("braze-docs"),
        &mut files,
    );
    assert!(files.len() > 100, "the vendored pages are missing");
    let mut seen = std::collections::BTreeSet::new();
    for file in &files {
        let text = std::fs::read_to_string(file).unwrap_or_default();
        // A quoted value starting with YYYY-MM-DD and an hour: `"2019-07-16T19:20:30+01:00"`.
        for piece in text.split('"').skip(1).step_by(2) {
            let b = piece.as_bytes();
            let dated = b.len() >= 16
                && b[..4].iter().all(u8::is_ascii_digit)
                && b[4] == b'-'
                && b[7] == b'-'
                && (b[10] == b'T' || b[10] == b' ')
                && b[11..13].iter().all(u8::is_ascii_digit);
            if dated && !piece.contains(['{', '<', 'X']) {
                seen.insert(piece.to_string());
            }
        }
    }
    assert!(seen.len() > 20, "only {} date-times found", seen.len());
    let failed: Vec<&String> = seen
        .iter()
        .filter(|s| braze_sdk::timestamp::parse(s).is_none())
        .collect();
    println!("{} distinct date-time forms read", seen.len());
    assert!(failed.is_empty(), "not read: {failed:?}");
}

#[test]
fn a_response_date_without_a_zone_decodes_as_utc() {
    let r: types::CatalogsListResponse = serde_json::from_value(json!({
        "catalogs": [{
            "name": "stores", "description": "d", "num_items": 1,
            "fields": [], "updated_at": "2026-12-01 12:00:00"
        }],
        "message": "success"
    }))
    .expect("a zone-less date decodes");
    assert_eq!(
        r.catalogs[0].updated_at,
        braze_sdk::timestamp::parse("2026-12-01T12:00:00Z")
    );
}

/// Credentials in bodies (`format: password`) are sent unchanged but never
/// printed by `Debug`, so a logged request or error does not leak them.
#[test]
fn credentials_in_bodies_never_appear_in_debug() {
    let secret = "hms-app-secret-7f3a9c";
    let body = json!({"app_id": "104523687", "app_secret": secret});
    let credential: types::HuaweiPushCredential =
        serde_json::from_value(body.clone()).expect("decodes");
    let debug = format!("{credential:?}");
    assert!(!debug.contains(secret), "{debug}");
    assert!(debug.contains("104523687"), "{debug}");
    assert_eq!(serde_json::to_value(&credential).expect("encodes"), body);
}
