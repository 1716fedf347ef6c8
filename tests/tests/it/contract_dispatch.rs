//! The generated contract dispatcher (tests/src/generated/dispatch.rs) and
//! the inputs the Prism contract run builds from the spec: the dispatcher
//! must reach every operation, send the parameters and body it is given
//! through the SDK, and report a body or parameter the SDK type rejects.

use braze_sdk::serde_json::{Value, json};
use braze_tests::contract::{self, Call, CallError};
use braze_tests::generated::dispatch;
use wiremock::ResponseTemplate;
use wiremock::matchers::{body_json, query_param};

use crate::common::{authorized, setup};

fn spec() -> Value {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../spec/dist/braze.json");
    braze_sdk::serde_json::from_str(&std::fs::read_to_string(path).expect("exported spec"))
        .expect("JSON")
}

#[test]
fn the_dispatcher_covers_every_operation_of_the_spec() {
    let ops = contract::operations(&spec());
    assert!(ops.len() >= 90, "only {} operations found", ops.len());
    let mut ids: Vec<&str> = ops.iter().map(|o| o.id.as_str()).collect();
    ids.sort_unstable();
    let mut callable = dispatch::CALLABLE.to_vec();
    callable.sort_unstable();
    assert_eq!(callable, ids, "uncallable: {:?}", dispatch::UNCALLABLE);
    assert!(
        dispatch::UNCALLABLE.is_empty(),
        "{:?}",
        dispatch::UNCALLABLE
    );
}

#[test]
fn every_operation_gets_inputs_from_the_spec() {
    for op in contract::operations(&spec()) {
        let call = contract::inputs(&op).unwrap_or_else(|e| panic!("{}: {e}", op.id));
        for p in op.params.iter().filter(|p| p.required) {
            assert!(
                call.param(&p.name).is_some(),
                "{}: no value for required {}",
                op.id,
                p.name
            );
        }
        if op.body_required {
            assert!(call.body.is_some(), "{}: no body", op.id);
        }
    }
}

#[tokio::test]
async fn parameters_go_through_the_typed_builder() {
    let (server, client) = setup().await;
    authorized("GET", "/campaigns/list")
        .and(query_param("page", "2"))
        .and(query_param("include_archived", "true"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"campaigns": [], "message": "success"})),
        )
        .expect(1)
        .mount(&server)
        .await;
    let mut call = Call::default();
    call.params.insert("page".into(), json!(2));
    // A boolean written as text is read as the JSON it spells.
    call.params.insert("include_archived".into(), json!("true"));
    let reply = dispatch::call(&client, "campaigns_list", &call)
        .await
        .expect("call");
    assert_eq!(reply.status, 200);
    assert_eq!(reply.body["message"], "success");
}

#[tokio::test]
async fn the_body_goes_through_the_typed_body() {
    let (server, client) = setup().await;
    let body = json!({"attributes": [{"external_id": "u1", "loyalty_tier": "gold"}]});
    authorized("POST", "/users/track")
        .and(body_json(&body))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"message": "success", "attributes_processed": 1})),
        )
        .expect(1)
        .mount(&server)
        .await;
    let call = Call {
        body: Some(body.clone()),
        ..Call::default()
    };
    let reply = dispatch::call(&client, "users_track", &call)
        .await
        .expect("call");
    assert_eq!(reply.body["attributes_processed"], 1);
    assert_eq!(
        dispatch::encode_body("users_track", &body).expect("encodes"),
        Some(body)
    );
}

#[tokio::test]
async fn wrong_inputs_and_undecodable_responses_are_errors() {
    let (server, client) = setup().await;
    let mut call = Call::default();
    call.params.insert("page".into(), json!("not a number"));
    let err = dispatch::call(&client, "campaigns_list", &call)
        .await
        .expect_err("bad page");
    assert!(matches!(err, CallError::Input(_)), "{err}");

    let wrong_body = Call {
        body: Some(json!({"attributes": "not a list"})),
        ..Call::default()
    };
    let err = dispatch::call(&client, "users_track", &wrong_body)
        .await
        .expect_err("bad body");
    assert!(matches!(err, CallError::Input(_)), "{err}");

    authorized("GET", "/campaigns/list")
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"campaigns": "not a list"})))
        .mount(&server)
        .await;
    let err = dispatch::call(&client, "campaigns_list", &Call::default())
        .await
        .expect_err("undecodable");
    assert!(
        matches!(
            err,
            CallError::Sdk {
                status: Some(200),
                ..
            }
        ),
        "{err}"
    );

    let err = dispatch::call(&client, "no_such_operation", &Call::default())
        .await
        .expect_err("unknown");
    assert!(matches!(err, CallError::UnknownOperation(_)), "{err}");
}
