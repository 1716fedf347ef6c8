//! Any 2xx is a success (Braze's errors page: "2XX" means the request was
//! accepted), whichever 2xx the spec records for the operation.
//!
//! * Structurally, for every operation: the generated `send` ends in the
//!   runtime's `finish` (which decodes every status from 200 to 299 with the
//!   success type), and the statuses it decodes as errors are the spec's
//!   documented errors, none of them a 2xx.
//! * Behaviourally: JSON operations answered with other 2xx codes, and the
//!   bodiless SCIM delete answered 200, return `Ok`; a 2xx without the JSON
//!   body the schema needs is a typed error that keeps status, headers, body.

use crate::common;
use braze_sdk::types;
use quote::ToTokens;
use serde_json::json;
use wiremock::{Mock, ResponseTemplate, matchers};

/// The end of one operation's `send`.
struct SendTail {
    operation: String,
    /// The runtime function its last expression calls.
    function: String,
    /// The `(lo, hi)` status ranges it passes as the documented errors.
    errors: Vec<(u16, u16)>,
}

fn send_tails() -> Vec<SendTail> {
    let source = crate::generated_code::generated_client_source();
    let file = syn::parse_file(source).expect("generated client parses");
    let mut out = Vec::new();
    for item in crate::generated_code::module(&file, "builder") {
        let syn::Item::Impl(imp) = item else { continue };
        for f in &imp.items {
            let syn::ImplItem::Fn(f) = f else { continue };
            if f.sig.ident != "send" {
                continue;
            }
            let name = imp.self_ty.to_token_stream().to_string();
            let Some(syn::Stmt::Expr(syn::Expr::Await(tail), None)) = f.block.stmts.last() else {
                panic!("{name}: send does not end in an awaited call");
            };
            let syn::Expr::Call(call) = &*tail.base else {
                panic!("{name}: send does not end in a function call");
            };
            let function = call.func.to_token_stream().to_string().replace(' ', "");
            let table = call
                .args
                .last()
                .expect("a status table")
                .to_token_stream()
                .to_string();
            let numbers: Vec<u16> = table
                .split(|c: char| !c.is_ascii_digit() && c != 'u')
                .filter_map(|t| t.strip_suffix("u16"))
                .map(|n| n.parse().expect("a status"))
                .collect();
            let ranges = numbers.chunks(2).map(|p| (p[0], p[1])).collect();
            out.push(SendTail {
                operation: name,
                function,
                errors: ranges,
            });
        }
    }
    out
}

#[test]
fn every_operation_decodes_every_2xx_as_success() {
    let ops = send_tails();
    let spec_ops = braze_sdk::operation::OPERATIONS.len();
    assert_eq!(ops.len(), spec_ops, "one send per operation of the spec");
    for SendTail {
        operation: name,
        function,
        errors,
    } in ops
    {
        assert!(
            function == "crate::runtime::finish" || function == "crate::runtime::finish_empty",
            "{name}: send ends in {function}"
        );
        assert!(!errors.is_empty(), "{name}: no documented error statuses");
        for (lo, hi) in errors {
            assert!(
                lo <= hi && (lo >= 300 || hi < 200),
                "{name}: {lo}..={hi} overlaps the 2xx range"
            );
        }
    }
}

async fn track_answered(status: u16) -> Result<u16, braze_sdk::Error<types::BrazeError>> {
    let (server, client) = common::setup().await;
    common::authorized("POST", "/users/track")
        .respond_with(common::json_response(
            status,
            json!({"message": "success", "attributes_processed": 1}),
        ))
        .expect(1)
        .mount(&server)
        .await;
    let attributes =
        types::UserAttributes::default().external_id(Some(types::ExternalId("user-1234".into())));
    client
        .users_track(types::UsersTrackRequest::default().attributes(vec![attributes]))
        .send()
        .await
        .map(|r| {
            assert_eq!(r.attributes_processed, Some(1));
            r.status().as_u16()
        })
}

#[tokio::test]
async fn users_track_succeeds_on_the_201_braze_sends_and_on_any_other_2xx() {
    for status in [201, 200, 202, 299] {
        assert_eq!(
            track_answered(status).await.expect("a 2xx is a success"),
            status
        );
    }
    // The range really ends at 299: a 3xx is not a success.
    let err = track_answered(304).await.expect_err("304 is not a success");
    assert_eq!(err.status().map(|s| s.as_u16()), Some(304));
}

#[tokio::test]
async fn the_bodiless_scim_delete_also_succeeds_on_200_with_a_body() {
    let (server, client) = common::setup_with_key("scim-token").await;
    Mock::given(matchers::method("DELETE"))
        .and(matchers::path("/scim/v2/Users/u-1"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"ok": true})))
        .expect(1)
        .mount(&server)
        .await;
    let response = client
        .scim_user_delete("u-1", "https://acme.example")
        .send()
        .await
        .expect("a 200 is a success too");
    assert_eq!(response.status().as_u16(), 200);
}

#[tokio::test]
async fn a_2xx_without_the_json_body_keeps_status_headers_and_body() {
    let (server, client) = common::setup().await;
    common::authorized("GET", "/catalogs")
        .respond_with(
            ResponseTemplate::new(201)
                .insert_header("x-ratelimit-remaining", "41")
                .set_body_string(""),
        )
        .expect(1)
        .mount(&server)
        .await;
    let err = client
        .catalogs_list()
        .send()
        .await
        .expect_err("no body to decode");
    assert!(
        matches!(err, braze_sdk::Error::InvalidResponsePayload(_)),
        "{err:?}"
    );
    assert_eq!(err.status().map(|s| s.as_u16()), Some(201));
    let headers = err.headers().expect("headers kept");
    assert_eq!(headers["x-ratelimit-remaining"], "41");
    assert_eq!(err.body().map(|b| b.len()), Some(0));
}

/// The success status and example the spec records for the operation at
/// `path`/`method` of the exported document.
fn documented_success(
    doc: &serde_json::Value,
    path: &str,
    method: &str,
) -> (u16, serde_json::Value) {
    let op = &doc["paths"][path][method];
    let (code, response) = op["responses"]
        .as_object()
        .and_then(|r| r.iter().find(|(c, _)| c.starts_with('2')))
        .expect("a success response");
    let mut response = response;
    while let Some(r) = response.get("$ref").and_then(|r| r.as_str()) {
        response = doc.pointer(&r[1..]).expect("ref resolves");
    }
    let media = &response["content"]["application/json"];
    let example = media
        .get("example")
        .or_else(|| {
            media["examples"]
                .as_object()
                .and_then(|e| e.values().next())
                .map(|e| &e["value"])
        })
        .cloned()
        .unwrap_or(json!({}));
    (code.parse().unwrap_or(200), example)
}

/// Every operation, called through the SDK (the generated dispatcher) with
/// the spec's own inputs, against a server answering a 2xx other than the one
/// the spec records, with the spec's success example: the call returns `Ok`.
#[tokio::test]
async fn every_operation_succeeds_on_a_2xx_other_than_the_documented_one() {
    use braze_tests::contract::{self, CallError};
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../spec/dist/braze.json");
    let mut doc: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(path).expect("exported spec")).expect("JSON");
    braze_mock::spec::inline_external_examples(&mut doc).expect("example files embedded");
    let ops = contract::operations(&doc);
    assert!(ops.len() >= 130, "only {} operations", ops.len());
    let mut failures = Vec::new();
    for op in &ops {
        let (documented, example) = documented_success(&doc, &op.path, &op.method);
        let other = if documented == 200 { 202 } else { 200 };
        let server = wiremock::MockServer::start().await;
        let mut answer = ResponseTemplate::new(other)
            .insert_header("x-ratelimit-limit", "1000")
            .insert_header("x-ratelimit-remaining", "999")
            .insert_header("x-ratelimit-reset", "1767225600");
        if documented != 204 {
            answer = answer.set_body_json(example);
        }
        Mock::given(matchers::any())
            .respond_with(answer)
            .mount(&server)
            .await;
        let client = braze_sdk::Client::builder(braze_sdk::Instance::custom(server.uri()), "k")
            .retry_policy(braze_sdk::RetryPolicy::none())
            .build()
            .expect("client");
        let call = contract::inputs(op).unwrap_or_else(|e| panic!("{}: {e}", op.id));
        match braze_tests::generated::dispatch::call(&client, &op.id, &call).await {
            Ok(reply) if reply.status == other => {}
            Ok(reply) => failures.push(format!("{}: status {}", op.id, reply.status)),
            Err(e @ CallError::Sdk { .. }) => failures.push(format!(
                "{} answered {other} (spec: {documented}): {e}",
                op.id
            )),
            Err(e) => failures.push(format!("{}: {e:?}", op.id)),
        }
    }
    assert!(
        failures.is_empty(),
        "{} operations refused another 2xx:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
