//! Contract tests of `POST /apps/push_credential/update`
//! (`spec/push_credentials.yaml`): one platform object per request, only the
//! platform that is set travels, and the 201 answer decodes.

use crate::common;

use braze_sdk::types;
use serde_json::json;
use wiremock::matchers::body_json;

const APP: &str = "4f1c9d2e-8a3b-4c5d-9e6f-7a8b9c0d1e2f";

#[tokio::test]
async fn push_credential_update_sends_only_the_apple_object() {
    let (server, client) = common::setup().await;
    common::authorized("POST", "/apps/push_credential/update")
        .and(body_json(json!({
            "app_id": APP,
            "apple": {
                "certificate": "LS0tLS1CRUdJTiBQUklWQVRFIEtFWS0tLS0t",
                "jwt_key_id": "8KX2D7M4QP",
                "jwt_team_id": "5ZQ9R3T1AB",
                "jwt_bundle_id": "com.example.shop",
                "apns_gateway": "dev"
            }
        })))
        .respond_with(common::json_response(201, json!({ "message": "success" })))
        .expect(1)
        .mount(&server)
        .await;
    let response = client
        .apps_push_credential_update(types::PushCredentialUpdateRequest {
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
        .await
        .expect("a 201 answer decodes");
    assert_eq!(response.status().as_u16(), 201);
    assert_eq!(response.message, "success");
}

#[tokio::test]
async fn push_credential_update_sends_huawei_and_kindle_shapes() {
    for (platform, request) in [
        (
            json!({ "huawei": { "app_id": "104523687", "app_secret": "hw-secret" } }),
            types::PushCredentialUpdateRequest {
                app_id: APP.into(),
                apple: None,
                firebase: None,
                huawei: Some(types::HuaweiPushCredential {
                    app_id: "104523687".into(),
                    app_secret: "hw-secret".into(),
                }),
                kindle: None,
            },
        ),
        (
            json!({ "kindle": { "client_id": "amzn1.application-oa2-client.8e1f", "client_secret": "adm-secret" } }),
            types::PushCredentialUpdateRequest {
                app_id: APP.into(),
                apple: None,
                firebase: None,
                huawei: None,
                kindle: Some(types::KindlePushCredential {
                    client_id: "amzn1.application-oa2-client.8e1f".into(),
                    client_secret: "adm-secret".into(),
                }),
            },
        ),
        (
            json!({ "firebase": { "credential": "eyJ0eXBlIjoic2VydmljZV9hY2NvdW50In0=" } }),
            types::PushCredentialUpdateRequest {
                app_id: APP.into(),
                apple: None,
                firebase: Some(types::FirebasePushCredential {
                    credential: "eyJ0eXBlIjoic2VydmljZV9hY2NvdW50In0=".into(),
                }),
                huawei: None,
                kindle: None,
            },
        ),
    ] {
        let (server, client) = common::setup().await;
        let mut expected = common::json_object(platform);
        expected.insert("app_id".into(), json!(APP));
        common::authorized("POST", "/apps/push_credential/update")
            .and(body_json(serde_json::Value::Object(expected)))
            .respond_with(common::json_response(201, json!({ "message": "success" })))
            .expect(1)
            .mount(&server)
            .await;
        client
            .apps_push_credential_update(request)
            .send()
            .await
            .expect("a 201 answer decodes");
    }
}
