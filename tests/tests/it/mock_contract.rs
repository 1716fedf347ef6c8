//! The contract run against braze-mock instead of Prism: every operation is
//! called through braze-sdk (the generated dispatcher, the spec's examples)
//! and must be answered 2xx and decode; every deliberately wrong request of
//! the contract gate (`braze_tests::contract::wrong_requests`) must get the
//! mock's 400 naming what is wrong (401 without credentials), including
//! the operations whose bodies Prism does not validate (nullable enums,
//! stoplightio/prism#1931); and a body with one wrong field must get a 400
//! whose pointer is that field.

use std::time::Duration;

use braze_mock::MockBraze;
use braze_sdk::serde_json::{Value, json};
use braze_sdk::{Client, Instance, ThrottleConfig};
use braze_tests::contract::{self, Mistake, Operation};
use braze_tests::generated::dispatch;

fn http() -> reqwest::Client {
    reqwest::Client::builder()
        .use_preconfigured_tls(braze_sdk::tls_client_config().unwrap())
        .timeout(Duration::from_secs(10))
        .build()
        .unwrap()
}

/// What the mock must say about `mistake`: the status and a check of its
/// `errors[]`.
fn names_it(mistake: &Mistake, status: u16, body: &Value) -> Result<(), String> {
    let errors = body["errors"].as_array().cloned().unwrap_or_default();
    let any = |f: &dyn Fn(&Value) -> bool| errors.iter().any(f);
    let ok = match mistake {
        Mistake::NoCredentials => status == 401,
        Mistake::Body => status == 400 && any(&|e| e["location"] == "body"),
        Mistake::Param { location, name } | Mistake::Missing { location, name } => {
            status == 400
                && any(&|e| {
                    e["location"] == location.as_str()
                        && e["parameters"][0] == name.as_str()
                        && e["pointer"] == format!("/{name}").as_str()
                })
        }
    };
    if ok {
        Ok(())
    } else {
        Err(format!("{mistake:?}: answered {status} {body}"))
    }
}

/// The example body with its first typed top-level field given a value of
/// another type, and that field's pointer.
fn one_wrong_field(doc: &Value, op: &Operation) -> Option<(Value, String)> {
    let (schema, Some(example)) = op.body.as_ref()? else {
        return None;
    };
    let properties = contract::resolve(doc, schema)["properties"].as_object()?;
    let example = example.as_object()?;
    for (key, _) in example {
        let field = contract::resolve(doc, properties.get(key)?);
        if field["type"].is_string() && field.get("nullable").is_none() {
            let mut body = example.clone();
            body.insert(key.clone(), contract::wrong_value(doc, field));
            return Some((Value::Object(body), format!("/{key}")));
        }
    }
    None
}

#[tokio::test]
async fn every_operation_through_the_sdk_and_every_wrong_request_against_braze_mock() {
    // Limits are tested on their own (mock/tests/serve.rs): here the wrong
    // requests would fill the smallest buckets.
    let braze = MockBraze::builder().unlimited("*").start().await;
    let doc = braze_mock::spec::spec().document.clone();
    let http = http();
    let client = Client::builder(Instance::custom(braze.url()), "contract-run-key")
        .throttle(ThrottleConfig::disabled())
        .build()
        .unwrap();
    let mut failures = Vec::new();
    let (mut wrong_sent, mut fields) = (0, 0);
    let operations = contract::operations(&doc);
    for op in &operations {
        let call = match contract::inputs(op) {
            Ok(c) => c,
            Err(e) => {
                failures.push(format!("{}: {e}", op.id));
                continue;
            }
        };
        match dispatch::call(&client, &op.id, &call).await {
            Ok(reply) if (200..300).contains(&reply.status) => {}
            Ok(reply) => failures.push(format!("{}: status {}", op.id, reply.status)),
            Err(e) => failures.push(format!("{}: {e}", op.id)),
        }
        for wrong in contract::wrong_requests(&http, &doc, braze.url(), op, &call).unwrap() {
            wrong_sent += 1;
            let r = wrong.request.send().await.unwrap();
            let status = r.status().as_u16();
            let body: Value = r.json().await.unwrap_or(Value::Null);
            if let Err(e) = names_it(&wrong.mistake, status, &body) {
                failures.push(format!("{}: {e}", op.id));
            }
        }
        if let Some((body, pointer)) = one_wrong_field(&doc, op) {
            fields += 1;
            let mut call = call.clone();
            call.body = Some(body);
            let wrong = contract::wrong_requests(&http, &doc, braze.url(), op, &call).unwrap();
            // The no-credentials request carries the example parameters:
            // give it the key and the edited body.
            let r = wrong
                .into_iter()
                .last()
                .unwrap()
                .request
                .bearer_auth("contract-run-key")
                .json(call.body.as_ref().unwrap())
                .send()
                .await
                .unwrap();
            let status = r.status().as_u16();
            let answer: Value = r.json().await.unwrap_or(Value::Null);
            let named = answer["errors"]
                .as_array()
                .is_some_and(|e| e.iter().any(|e| e["pointer"] == json!(pointer)));
            if status != 400 || !named {
                failures.push(format!(
                    "{}: a wrong {pointer} got {status} {answer}",
                    op.id
                ));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} failure(s):\n{}",
        failures.len(),
        failures.join("\n")
    );
    // The run covered what it claims.
    assert_eq!(operations.len(), braze_mock::spec::spec().operations.len());
    assert!(wrong_sent > operations.len(), "{wrong_sent} wrong requests");
    let with_body = operations.iter().filter(|o| o.body.is_some()).count();
    assert!(
        fields * 10 >= with_body * 9,
        "{fields} of {with_body} bodies had a field made wrong"
    );
}
