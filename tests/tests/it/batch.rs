//! Batching: large bodies split into Braze's per-request limits (from the
//! spec's `maxItems`), sent concurrently, with every input accounted for.
//!
//! The property tests drive `batch::send_all` with a fake sender (random
//! sizes, random failed pieces, random non-fatal errors) and check that no
//! input is lost or sent twice, that `errors[].index` comes back as the
//! caller's index, and that a failed piece comes back with exactly its
//! inputs. One test runs the same path over HTTP against a mock server.

use std::sync::{Arc, Mutex};

use braze_sdk::batch::{self, Batchable, Carried};
use braze_sdk::{ResponseValue, types};
use proptest::prelude::*;
use serde_json::json;

use crate::common;

fn from_json<T: serde::de::DeserializeOwned>(value: serde_json::Value) -> T {
    serde_json::from_value(value).expect("a valid test input")
}

const TIME: &str = "2026-11-26T18:30:00Z";

/// A `/users/track` body whose inputs are named by their index: attribute
/// `i` is user `a-i`, event `i` is user `e-i`, purchase `i` user `p-i`.
fn track_body(attributes: usize, events: usize, purchases: usize) -> types::UsersTrackRequest {
    types::UsersTrackRequest {
        attributes: (0..attributes)
            .map(|i| from_json(json!({"external_id": format!("a-{i}")})))
            .collect(),
        events: (0..events)
            .map(|i| from_json(json!({"external_id": format!("e-{i}"), "name": "n", "time": TIME})))
            .collect(),
        purchases: (0..purchases)
            .map(|i| {
                from_json(json!({"external_id": format!("p-{i}"), "product_id": "sku",
                    "currency": "EUR", "price": 1.0, "time": TIME}))
            })
            .collect(),
    }
}

/// The caller's index named by an input's `external_id` (`e-17` -> 17).
fn input_number(id: Option<&types::ExternalId>) -> usize {
    let id = id.expect("every test input has an external_id");
    id.0.split_once('-').unwrap().1.parse().unwrap()
}

/// `(list, caller index)` of every input a body holds.
fn track_inputs(body: &types::UsersTrackRequest) -> Vec<(&'static str, usize)> {
    let mut all = Vec::new();
    all.extend(
        body.attributes
            .iter()
            .map(|a| ("attributes", input_number(a.external_id.as_ref()))),
    );
    all.extend(
        body.events
            .iter()
            .map(|e| ("events", input_number(e.external_id.as_ref()))),
    );
    all.extend(
        body.purchases
            .iter()
            .map(|p| ("purchases", input_number(p.external_id.as_ref()))),
    );
    all
}

fn carried_inputs(carried: &Carried) -> Vec<(&'static str, usize)> {
    let mut all = Vec::new();
    for (list, range) in &carried.lists {
        all.extend(range.clone().map(|i| (*list, i)));
    }
    all
}

fn response<T>(value: T) -> ResponseValue<T> {
    ResponseValue::new(value, reqwest::StatusCode::OK, Default::default())
}

fn track_error(list: &str, index: usize) -> types::BrazeErrorDetail {
    from_json(json!({"type": "rejected", "input_array": list, "index": index}))
}

fn together<B: Batchable>() -> bool {
    B::LISTS_TOGETHER
}

#[test]
fn the_limits_are_the_specs() {
    assert_eq!(
        types::UsersTrackRequest::LISTS,
        &[("attributes", 75), ("events", 75), ("purchases", 75)]
    );
    assert!(together::<types::UsersTrackRequest>());
    assert_eq!(types::CatalogItemsCreateRequest::LISTS, &[("items", 50)]);
    assert_eq!(
        types::UsersExternalIdsRemoveRequest::LISTS,
        &[("external_ids", 50)]
    );
    // `/users/delete` takes one kind of identifier per request.
    assert!(!together::<types::UsersDeleteRequest>());
    assert_eq!(types::UsersDeleteRequest::LISTS.len(), 5);
}

fn block_on<F: std::future::Future>(f: F) -> F::Output {
    tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap()
        .block_on(f)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// Random sizes, random failed pieces, random rejected inputs.
    #[test]
    fn every_track_input_is_sent_once_and_accounted_for(
        attributes in 0usize..260,
        events in 0usize..400,
        purchases in 0usize..160,
        failing in proptest::collection::vec(any::<bool>(), 1..12),
        reject_every in 1usize..40,
        concurrency in 1usize..6,
    ) {
        let received: Arc<Mutex<Vec<types::UsersTrackRequest>>> = Arc::default();
        let log = received.clone();
        let mut piece = 0;
        let report = block_on(batch::send_all(
            track_body(attributes, events, purchases),
            concurrency,
            move |body: types::UsersTrackRequest| {
                let fail = failing[piece % failing.len()];
                piece += 1;
                log.lock().unwrap().push(body.clone());
                async move {
                    if fail {
                        return Err(braze_sdk::ApiError::InvalidRequest("the piece failed".into()));
                    }
                    // Braze names rejected inputs by their index in the request.
                    let errors = body
                        .events
                        .iter()
                        .enumerate()
                        .filter(|(_, e)| input_number(e.external_id.as_ref()).is_multiple_of(reject_every))
                        .map(|(i, _)| track_error("events", i))
                        .collect();
                    Ok(response(types::UsersTrackResponse {
                        attributes_processed: None,
                        errors,
                        events_processed: None,
                        message: "success".into(),
                        purchases_processed: None,
                    }))
                }
            },
        ));
        let received = received.lock().unwrap();
        // Every piece within the limits.
        for body in received.iter() {
            prop_assert!(body.attributes.len() <= 75);
            prop_assert!(body.events.len() <= 75);
            prop_assert!(body.purchases.len() <= 75);
        }
        // Every input sent exactly once.
        let mut sent: Vec<_> = received.iter().flat_map(track_inputs).collect();
        sent.sort();
        let mut expected: Vec<_> = (0..attributes).map(|i| ("attributes", i))
            .chain((0..events).map(|i| ("events", i)))
            .chain((0..purchases).map(|i| ("purchases", i)))
            .collect();
        expected.sort();
        prop_assert_eq!(&sent, &expected);
        // Every input accounted for exactly once: in a sent or a failed piece.
        let mut accounted: Vec<_> = report.sent.iter().flat_map(|s| carried_inputs(&s.carried))
            .chain(report.failed.iter().flat_map(|f| carried_inputs(&f.carried)))
            .collect();
        accounted.sort();
        prop_assert_eq!(&accounted, &expected);
        // A failed piece comes back with exactly the inputs it carried.
        for failed in &report.failed {
            let mut inputs = track_inputs(&failed.body);
            inputs.sort();
            let mut carried = carried_inputs(&failed.carried);
            carried.sort();
            prop_assert_eq!(inputs, carried);
        }
        // Rejected events come back under the caller's index.
        let mut rejected: Vec<_> = report.input_errors().map(|e| (e.list, e.index)).collect();
        rejected.sort();
        let mut expected_rejected: Vec<_> = report.sent.iter()
            .flat_map(|s| s.carried.range("events"))
            .filter(|i| i.is_multiple_of(reject_every))
            .map(|i| ("events", i))
            .collect();
        expected_rejected.sort();
        prop_assert_eq!(rejected, expected_rejected);
        prop_assert!(report.sent.iter().all(|s| s.other_errors.is_empty()));
    }

    /// `/users/delete` allows one identifier kind per request.
    #[test]
    fn delete_pieces_carry_one_kind_each(external_ids in 0usize..180, braze_ids in 0usize..180) {
        let body = types::UsersDeleteRequest {
            external_ids: (0..external_ids).map(|i| types::ExternalId(format!("x-{i}"))).collect(),
            braze_ids: (0..braze_ids).map(|i| from_json(json!(format!("b-{i}")))).collect(),
            ..from_json(json!({}))
        };
        let pieces = body.split();
        prop_assert_eq!(pieces.len(), external_ids.div_ceil(50) + braze_ids.div_ceil(50));
        let mut next = (0, 0);
        for piece in pieces {
            prop_assert_eq!(piece.carried.lists.len(), 1);
            let b = &piece.body;
            prop_assert!(b.external_ids.is_empty() || b.braze_ids.is_empty());
            prop_assert!(b.external_ids.len() <= 50 && b.braze_ids.len() <= 50);
            // In order, and the body holds what `carried` says.
            let range = piece.carried.lists[0].1.clone();
            match piece.carried.lists[0].0 {
                "external_ids" => {
                    prop_assert_eq!(range.start, next.0);
                    next.0 = range.end;
                    let ids: Vec<String> = range.map(|i| format!("x-{i}")).collect();
                    let got: Vec<String> = b.external_ids.iter().map(|x| x.0.clone()).collect();
                    prop_assert_eq!(got, ids);
                }
                "braze_ids" => {
                    prop_assert_eq!(range.start, next.1);
                    next.1 = range.end;
                    prop_assert_eq!(b.braze_ids.len(), range.len());
                }
                other => prop_assert!(false, "unexpected list {}", other),
            }
        }
        prop_assert_eq!(next, (external_ids, braze_ids));
    }
}

/// The HTTP path: pieces through the client, a refused piece returned with
/// its inputs, Braze's non-fatal errors under the caller's indices.
#[tokio::test]
async fn pieces_go_through_the_client_and_failures_keep_their_inputs() {
    struct Braze;
    impl wiremock::Respond for Braze {
        fn respond(&self, request: &wiremock::Request) -> wiremock::ResponseTemplate {
            let body: types::UsersTrackRequest = serde_json::from_slice(&request.body).unwrap();
            let numbers: Vec<usize> = body
                .events
                .iter()
                .map(|e| input_number(e.external_id.as_ref()))
                .collect();
            if numbers.contains(&100) {
                return common::json_response(400, json!({"message": "Invalid event"}));
            }
            // The 4th event of each accepted request is rejected.
            common::json_response(
                200,
                json!({"message": "success", "events_processed": numbers.len() - 1,
                       "errors": [{"type": "bad time", "input_array": "events", "index": 3}]}),
            )
        }
    }
    let (server, client) = common::setup().await;
    common::authorized("POST", "/users/track")
        .respond_with(Braze)
        .expect(3)
        .mount(&server)
        .await;
    let report = batch::send_all(track_body(0, 160, 0), 2, |body| {
        client.users_track(body).send()
    })
    .await;
    assert_eq!(report.sent.len(), 2, "{:?}", report.failed);
    assert_eq!(report.failed.len(), 1);
    let failed = &report.failed[0];
    assert_eq!(failed.carried.range("events"), 75..150);
    assert_eq!(failed.error.status().map(|s| s.as_u16()), Some(400));
    assert_eq!(failed.body.events.len(), 75);
    assert_eq!(input_number(failed.body.events[0].external_id.as_ref()), 75);
    let rejected: Vec<usize> = report.input_errors().map(|e| e.index).collect();
    assert_eq!(rejected, [3, 153]);
    assert_eq!(report.sent[1].response.events_processed, Some(9));

    // The failed piece can be sent again as it is.
    server.reset().await;
    common::authorized("POST", "/users/track")
        .respond_with(common::json_response(200, json!({"message": "success"})))
        .expect(1)
        .mount(&server)
        .await;
    let pieces = report
        .failed
        .into_iter()
        .map(|f| batch::Batch {
            body: f.body,
            carried: f.carried,
        })
        .collect();
    let retried = batch::send_batches(pieces, 1, |body| client.users_track(body).send()).await;
    assert!(retried.all_sent());
    assert_eq!(retried.sent[0].carried.range("events"), 75..150);
}

/// `/subscription/status/set` takes one identifier or a list of up to 50;
/// pieces always send lists and copy the group and state.
#[test]
fn subscription_pieces_turn_one_or_a_list_into_lists_of_50() {
    assert_eq!(
        types::SubscriptionStatusSetRequest::LISTS,
        &[("external_id", 50), ("email", 50), ("phone", 50)]
    );
    let ids: Vec<String> = (0..120).map(|i| format!("user-{i}")).collect();
    let body: types::SubscriptionStatusSetRequest = from_json(json!({
        "subscription_group_id": "group-1",
        "subscription_state": "subscribed",
        "external_id": ids,
    }));
    let pieces = body.split();
    let sizes: Vec<usize> = pieces.iter().map(|p| p.carried.len()).collect();
    assert_eq!(sizes, [50, 50, 20]);
    let last = serde_json::to_value(&pieces[2].body).unwrap();
    assert_eq!(last["subscription_group_id"], "group-1");
    assert_eq!(last["subscription_state"], "subscribed");
    assert_eq!(last["external_id"][0], "user-100");
    assert_eq!(last["external_id"].as_array().unwrap().len(), 20);
    assert!(last.get("email").is_none());

    let one: types::SubscriptionStatusSetRequest = from_json(json!({
        "subscription_group_id": "group-1",
        "subscription_state": "unsubscribed",
        "email": "ana@example.com",
    }));
    let pieces = one.split();
    assert_eq!(pieces.len(), 1);
    assert_eq!(pieces[0].carried.range("email"), 0..1);
    let sent = serde_json::to_value(&pieces[0].body).unwrap();
    assert_eq!(sent["email"], json!(["ana@example.com"]));
}
