//! Contract tests of the SDK Authentication operations
//! (`spec/sdk_authentication.yaml`): list, create, set primary and delete
//! (a DELETE with a JSON body). Each pins method, path, query, body and auth
//! and decodes the documented key list.

use crate::common;

use braze_sdk::types;
use serde_json::{Value, json};
use wiremock::matchers::{body_json, query_param};

const APP: &str = "4f1c9d2e-8a3b-4c5d-9e6f-7a8b9c0d1e2f";
const PRIMARY: &str = "9a8b7c6d-5e4f-4a3b-2c1d-0e9f8a7b6c5d";
const SPARE: &str = "1b2c3d4e-5f6a-4b7c-8d9e-0f1a2b3c4d5e";
const PEM: &str = "-----BEGIN PUBLIC KEY-----\nMIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAzr5cH2lqkY1vF0x9Uo3T\n-----END PUBLIC KEY-----";

fn key(id: &str, description: &str, primary: bool) -> Value {
    json!({ "id": id, "rsa_public_key": PEM, "description": description, "is_primary": primary })
}

#[tokio::test]
async fn sdk_authentication_keys_list_sends_app_id_and_decodes_keys() {
    let (server, client) = common::setup().await;
    common::authorized("GET", "/app_group/sdk_authentication/keys")
        .and(query_param("app_id", APP))
        .respond_with(common::json_response(
            200,
            json!({ "keys": [key(PRIMARY, "Production key", true), key(SPARE, "Spare", false)] }),
        ))
        .expect(1)
        .mount(&server)
        .await;
    let response = client
        .sdk_authentication_keys_list(APP)
        .send()
        .await
        .expect("a 200 answer decodes");
    assert_eq!(response.keys.len(), 2);
    assert_eq!(response.keys[0].id, PRIMARY);
    assert_eq!(response.keys[0].is_primary, Some(true));
    assert_eq!(response.keys[1].rsa_public_key.as_deref(), Some(PEM));
    assert_eq!(response.keys[1].description.as_deref(), Some("Spare"));
    common::assert_exact_query(&server, &[("app_id", APP)]).await;
}

#[tokio::test]
async fn sdk_authentication_key_create_sends_pem_and_flag_and_decodes_id() {
    let (server, client) = common::setup().await;
    common::authorized("POST", "/app_group/sdk_authentication/create")
        .and(body_json(json!({
            "app_id": APP,
            "rsa_public_key_str": PEM,
            "description": "Rotation candidate",
            "make_primary": true
        })))
        .respond_with(common::json_response(201, json!({ "id": SPARE })))
        .expect(1)
        .mount(&server)
        .await;
    let response = client
        .sdk_authentication_key_create(types::SdkAuthenticationKeyCreateRequest {
            app_id: APP.into(),
            rsa_public_key_str: PEM.parse().expect("a non-empty key"),
            description: "Rotation candidate"
                .parse()
                .expect("a non-empty description"),
            make_primary: Some(true),
        })
        .send()
        .await
        .expect("a 2xx answer decodes");
    assert_eq!(response.id, SPARE);
}

#[test]
fn sdk_authentication_key_create_refuses_an_empty_description() {
    let empty: Result<types::SdkAuthenticationKeyCreateRequestDescription, _> = "".parse();
    assert!(empty.is_err(), "minLength: 1 is enforced before sending");
}

#[tokio::test]
async fn sdk_authentication_key_set_primary_puts_the_key_reference() {
    let (server, client) = common::setup().await;
    common::authorized("PUT", "/app_group/sdk_authentication/primary")
        .and(body_json(json!({ "app_id": APP, "key_id": SPARE })))
        .respond_with(common::json_response(
            200,
            json!({ "keys": [key(PRIMARY, "Production key", false), key(SPARE, "Spare", true)] }),
        ))
        .expect(1)
        .mount(&server)
        .await;
    let response = client
        .sdk_authentication_key_set_primary(types::SdkAuthenticationKeyReference {
            app_id: APP.into(),
            key_id: SPARE.into(),
        })
        .send()
        .await
        .expect("a 2xx answer decodes");
    let primary: Vec<&str> = response
        .keys
        .iter()
        .filter(|k| k.is_primary == Some(true))
        .map(|k| k.id.as_str())
        .collect();
    assert_eq!(primary, [SPARE]);
}

#[tokio::test]
async fn sdk_authentication_key_delete_sends_a_json_body_with_delete() {
    let (server, client) = common::setup().await;
    common::authorized("DELETE", "/app_group/sdk_authentication/delete")
        .and(body_json(json!({ "app_id": APP, "key_id": PRIMARY })))
        .respond_with(common::json_response(
            200,
            json!({ "keys": [key(SPARE, "Spare", true)] }),
        ))
        .expect(1)
        .mount(&server)
        .await;
    let response = client
        .sdk_authentication_key_delete(types::SdkAuthenticationKeyReference {
            app_id: APP.into(),
            key_id: PRIMARY.into(),
        })
        .send()
        .await
        .expect("a 2xx answer decodes");
    assert_eq!(response.keys.len(), 1);
    assert_eq!(response.keys[0].id, SPARE);
    let request = common::only_request(&server).await;
    assert_eq!(
        request
            .headers
            .get("content-type")
            .and_then(|v| v.to_str().ok()),
        Some("application/json")
    );
}

#[tokio::test]
async fn sdk_authentication_key_delete_of_the_primary_key_is_a_decoded_400() {
    let (server, client) = common::setup().await;
    common::authorized("DELETE", "/app_group/sdk_authentication/delete")
        .respond_with(common::json_response(
            400,
            json!({ "message": "The primary SDK Authentication key cannot be deleted" }),
        ))
        .expect(1)
        .mount(&server)
        .await;
    let err = client
        .sdk_authentication_key_delete(types::SdkAuthenticationKeyReference {
            app_id: APP.into(),
            key_id: PRIMARY.into(),
        })
        .send()
        .await
        .expect_err("a 400 is an error");
    assert_eq!(err.status().map(|s| s.as_u16()), Some(400));
    assert!(
        err.error_body()
            .and_then(|b| b.message.as_deref())
            .is_some_and(|m| m.contains("primary"))
    );
}
