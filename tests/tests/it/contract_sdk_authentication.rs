//! Contract tests of the SDK Authentication operations
//! (`spec/sdk_authentication.yaml`): list, create, set primary and delete
//! (a DELETE with a JSON body). Each pins method, path, query, body and auth
//! and decodes the documented key list.

use crate::contract_table::{self, Case, row};
use crate::table;

use braze_sdk::types;
use serde_json::{Value, json};

const APP: &str = "4f1c9d2e-8a3b-4c5d-9e6f-7a8b9c0d1e2f";
const PRIMARY: &str = "9a8b7c6d-5e4f-4a3b-2c1d-0e9f8a7b6c5d";
const SPARE: &str = "1b2c3d4e-5f6a-4b7c-8d9e-0f1a2b3c4d5e";
const PEM: &str = "-----BEGIN PUBLIC KEY-----\nMIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAzr5cH2lqkY1vF0x9Uo3T\n-----END PUBLIC KEY-----";

fn key(id: &str, description: &str, primary: bool) -> Value {
    json!({
        "id": id,
        "rsa_public_key": PEM,
        "description": description,
        "is_primary": primary
    })
}

#[tokio::test]
async fn sdk_authentication_contract_table() {
    contract_table::run(rows()).await;
}

fn rows() -> Vec<Box<dyn Case>> {
    table![
        row(
            "sdk_authentication_keys_list_sends_app_id_and_decodes_keys",
            |c| { c.sdk_authentication_keys_list(APP).send() }
        )
        .get("/app_group/sdk_authentication/keys")
        .query(&[("app_id", APP)])
        .answer(
            200,
            json!({
                "keys": [
                    key(PRIMARY, "Production key", true),
                    key(SPARE, "Spare", false)
                ]
            })
        ),
        row(
            "sdk_authentication_key_create_sends_pem_and_flag_and_decodes_id",
            |c| {
                c.sdk_authentication_key_create(types::SdkAuthenticationKeyCreateRequest {
                    app_id: APP.into(),
                    rsa_public_key_str: PEM.parse().expect("a non-empty key"),
                    description: "Rotation candidate"
                        .parse()
                        .expect("a non-empty description"),
                    make_primary: Some(true),
                })
                .send()
            }
        )
        .post("/app_group/sdk_authentication/create")
        .body(json!({
            "app_id": APP,
            "rsa_public_key_str": PEM,
            "description": "Rotation candidate",
            "make_primary": true
        }))
        .answer(201, json!({ "id": SPARE })),
        row(
            "sdk_authentication_key_set_primary_puts_the_key_reference",
            |c| {
                c.sdk_authentication_key_set_primary(types::SdkAuthenticationKeyReference {
                    app_id: APP.into(),
                    key_id: SPARE.into(),
                })
                .send()
            }
        )
        .put("/app_group/sdk_authentication/primary")
        .body(json!({ "app_id": APP, "key_id": SPARE }))
        .answer(
            200,
            json!({
                "keys": [
                    key(PRIMARY, "Production key", false),
                    key(SPARE, "Spare", true)
                ]
            })
        ),
        row(
            "sdk_authentication_key_delete_sends_a_json_body_with_delete",
            |c| {
                c.sdk_authentication_key_delete(types::SdkAuthenticationKeyReference {
                    app_id: APP.into(),
                    key_id: PRIMARY.into(),
                })
                .send()
            }
        )
        .delete("/app_group/sdk_authentication/delete")
        .body(json!({ "app_id": APP, "key_id": PRIMARY }))
        .answer(200, json!({ "keys": [key(SPARE, "Spare", true)] })),
        row(
            "sdk_authentication_key_delete_of_the_primary_key_is_a_decoded_400",
            |c| {
                c.sdk_authentication_key_delete(types::SdkAuthenticationKeyReference {
                    app_id: APP.into(),
                    key_id: PRIMARY.into(),
                })
                .send()
            }
        )
        .delete("/app_group/sdk_authentication/delete")
        .body(json!({ "app_id": APP, "key_id": PRIMARY }))
        .answer(
            400,
            json!({
                "message": "The primary SDK Authentication key cannot be deleted"
            })
        )
        .then_err(|err| {
            assert!(
                err.error_body()
                    .and_then(|b| b.message.as_deref())
                    .is_some_and(|m| m.contains("primary"))
            );
        }),
    ]
}

// Not a row: a description the type refuses never becomes a call.
#[test]
fn sdk_authentication_key_create_refuses_an_empty_description() {
    let empty: Result<types::SdkAuthenticationKeyCreateRequestDescription, _> = "".parse();
    assert!(empty.is_err(), "minLength: 1 is enforced before sending");
}
