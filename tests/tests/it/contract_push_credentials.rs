//! Contract tests of `POST /apps/push_credential/update`
//! (`spec/push_credentials.yaml`), as table rows ([`crate::contract_table`]): one
//! platform object per request, only the platform that is set travels, and
//! the 201 answer decodes.

use crate::contract_table::{self, Case, row};
use crate::table;

use braze_sdk::types;
use serde_json::json;

const APP: &str = "4f1c9d2e-8a3b-4c5d-9e6f-7a8b9c0d1e2f";

#[tokio::test]
async fn push_credentials_contract_table() {
    contract_table::run(rows()).await;
}

/// The request with only `platform`'s credential set.
fn only(
    platform: impl Fn(&mut types::PushCredentialUpdateRequest),
) -> types::PushCredentialUpdateRequest {
    let mut request = types::PushCredentialUpdateRequest {
        app_id: APP.into(),
        apple: None,
        firebase: None,
        huawei: None,
        kindle: None,
    };
    platform(&mut request);
    request
}

fn rows() -> Vec<Box<dyn Case>> {
    table![
        row("push_credential_update_sends_only_the_apple_object", |c| {
            c.apps_push_credential_update(types::PushCredentialUpdateRequest {
                app_id: APP.into(),
                apple: Some(types::ApplePushCredential {
                    certificate: "LS0tLS1CRUdJTiBQUklWQVRFIEtFWS0tLS0t".into(),
                    jwt_key_id: "8KX2D7M4QP".into(),
                    jwt_team_id: "5ZQ9R3T1AB".into(),
                    jwt_bundle_id: "com.example.shop".into(),
                    apns_gateway: types::ApnsGateway::Dev,
                }),
                firebase: None,
                huawei: None,
                kindle: None,
            })
            .send()
        })
        .post("/apps/push_credential/update")
        .body(json!({
            "app_id": APP,
            "apple": {
                "certificate": "LS0tLS1CRUdJTiBQUklWQVRFIEtFWS0tLS0t",
                "jwt_key_id": "8KX2D7M4QP",
                "jwt_team_id": "5ZQ9R3T1AB",
                "jwt_bundle_id": "com.example.shop",
                "apns_gateway": "dev"
            }
        }))
        .answer(201, json!({ "message": "success" })),
        row("push_credential_update_sends_only_the_huawei_object", |c| {
            c.apps_push_credential_update(only(|r| {
                r.huawei = Some(types::HuaweiPushCredential {
                    app_id: "104523687".into(),
                    app_secret: "hw-secret".into(),
                })
            }))
            .send()
        })
        .post("/apps/push_credential/update")
        .body(json!({
            "app_id": APP,
            "huawei": { "app_id": "104523687", "app_secret": "hw-secret" }
        }))
        .answer(201, json!({ "message": "success" })),
        row("push_credential_update_sends_only_the_kindle_object", |c| {
            c.apps_push_credential_update(only(|r| {
                r.kindle = Some(types::KindlePushCredential {
                    client_id: "amzn1.application-oa2-client.8e1f".into(),
                    client_secret: "adm-secret".into(),
                })
            }))
            .send()
        })
        .post("/apps/push_credential/update")
        .body(json!({
            "app_id": APP,
            "kindle": {
                "client_id": "amzn1.application-oa2-client.8e1f",
                "client_secret": "adm-secret"
            }
        }))
        .answer(201, json!({ "message": "success" })),
        row(
            "push_credential_update_sends_only_the_firebase_object",
            |c| {
                c.apps_push_credential_update(only(|r| {
                    r.firebase = Some(types::FirebasePushCredential {
                        credential: "eyJ0eXBlIjoic2VydmljZV9hY2NvdW50In0=".into(),
                    })
                }))
                .send()
            }
        )
        .post("/apps/push_credential/update")
        .body(json!({
            "app_id": APP,
            "firebase": { "credential": "eyJ0eXBlIjoic2VydmljZV9hY2NvdW50In0=" }
        }))
        .answer(201, json!({ "message": "success" })),
    ]
}
