//! Prepared requests: serialised once, sent as often as needed, through the
//! same hooks as the builders and decoded the same way.

use crate::common;

use braze_sdk::{prepared, types};
use serde_json::json;
use wiremock::matchers::body_json;

fn body() -> types::UsersTrackRequest {
    serde_json::from_value(json!({
        "attributes": [{"external_id": "user-1234", "first_name": "Ada", "loyalty_tier": "gold"}]
    }))
    .unwrap()
}

#[tokio::test]
async fn a_prepared_request_sends_what_the_builder_sends_and_can_be_resent() {
    let (server, client) = common::setup().await;
    let expected = serde_json::to_value(body()).unwrap();
    common::authorized("POST", "/users/track")
        .and(body_json(&expected))
        .and(wiremock::matchers::header(
            "content-type",
            "application/json",
        ))
        .respond_with(common::json_response(
            200,
            json!({"message": "success", "attributes_processed": 1}),
        ))
        .expect(3)
        .mount(&server)
        .await;
    let request = prepared::users_track(&body()).unwrap();
    assert_eq!(request.path(), "/users/track");
    for _ in 0..2 {
        let response = client.send_prepared(&request).await.unwrap();
        assert_eq!(response.attributes_processed, Some(1));
        assert_eq!(response.status().as_u16(), 200);
    }
    // The builder sends the same bytes (the mock matched all three).
    client.users_track(body()).send().await.unwrap();
}

#[tokio::test]
async fn path_parameters_are_encoded_and_errors_are_typed() {
    let (server, client) = common::setup().await;
    common::authorized("POST", "/catalogs/my%20stores/items")
        .respond_with(common::json_response(
            400,
            json!({"message": "Invalid Request", "errors": [{"id": "invalid-fields",
                "message": "bad", "parameters": ["id"], "parameter_values": ["x"]}]}),
        ))
        .expect(1)
        .mount(&server)
        .await;
    common::authorized("POST", "/catalogs/other/items")
        .respond_with(wiremock::ResponseTemplate::new(418).set_body_string("teapot"))
        .expect(1)
        .mount(&server)
        .await;
    let items: types::CatalogItemsCreateRequest =
        serde_json::from_value(json!({"items": [{"id": "x", "Name": "X"}]})).unwrap();
    let request = prepared::catalog_items_create(&"my stores".parse().unwrap(), &items).unwrap();
    let error = client.send_prepared(&request).await.unwrap_err();
    assert_eq!(error.status().map(|s| s.as_u16()), Some(400));
    assert_eq!(
        error
            .error_body()
            .and_then(|b| b.message.clone())
            .as_deref(),
        Some("Invalid Request")
    );
    let request = prepared::catalog_items_create(&"other".parse().unwrap(), &items).unwrap();
    match client.send_prepared(&request).await {
        Err(braze_sdk::Error::UnexpectedResponse(r)) => assert_eq!(&r.body[..], b"teapot"),
        other => panic!("an undocumented status must be UnexpectedResponse: {other:?}"),
    }
}
