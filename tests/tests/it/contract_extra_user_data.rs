//! Contract tests of `/users/track/sync` (beta) and `/users/track/bulk`
//! (early access), appended to `spec/user_data.yaml`: the exact JSON body
//! (the request objects of `/users/track`), auth, and the answers - the
//! synchronous one with the user's resulting values, the bulk one with
//! `/users/track`'s counts.

use crate::common;
use crate::contract_table::{self, Case, row_from_body};
use crate::table;

use braze_sdk::types;
use serde_json::json;

/// A bulk body: 300 attribute objects and one event.
fn bulk_body() -> serde_json::Value {
    let attributes: Vec<_> = (0..300)
        .map(|i| json!({ "external_id": format!("user-{i}"), "loyalty_points": i }))
        .collect();
    json!({
        "attributes": attributes,
        "events": [
            {
                "external_id": "user-7",
                "name": "backfilled_signup",
                "time": "2024-03-01T10:00:00Z"
            }
        ]
    })
}

#[tokio::test]
async fn extra_user_data_contract_table() {
    contract_table::run(rows()).await;
}

fn rows() -> Vec<Box<dyn Case>> {
    table![
        row_from_body(
            "users_track_sync_sends_one_attribute_object_and_decodes_the_result",
            json!({
                "attributes": [
                    {
                        "external_id": "user-1234",
                        "favorite_fruit": "mango",
                        "loyalty_points": 25,
                        "recent_categories": ["yoga", "running"]
                    }
                ]
            }),
            |c, body| {
                c.users_track_sync(common::typed::<types::UsersTrackSyncRequest>(body))
                    .send()
            }
        )
        .post("/users/track/sync")
        .answer(
            201,
            json!({
                "users": [
                    {
                        "external_id": "user-1234",
                        "custom_attributes": {
                            "favorite_fruit": "mango",
                            "loyalty_points": 25,
                            "recent_categories": ["yoga", "running"]
                        }
                    }
                ],
                "message": "success"
            })
        ),
        row_from_body(
            "users_track_sync_event_by_email_decodes_totals_with_odd_timestamps",
            json!({
                "events": [
                    {
                        "email": "maria@example.com",
                        "app_id": "3b4e1a3c-9f1e-4c5d-8d2f-7c3f4a2b1e90",
                        "name": "rented_movie",
                        "time": "2025-12-06T18:20:45Z",
                        "properties": {
                            "release": { "studio": "FilmStudio", "year": "2025" }
                        }
                    }
                ]
            }),
            |c, body| {
                c.users_track_sync(common::typed::<types::UsersTrackSyncRequest>(body))
                    .send()
            }
        )
        .post("/users/track/sync")
        .answer(
            201,
            json!({
                "users": [
                    {
                        "email": "maria@example.com",
                        "custom_events": [
                            {
                                "name": "rented_movie",
                                "first": "2025-01-001T00:00:00.000Z",
                                "last": "2025-12-06T18:20:45.000Z",
                                "count": 10
                            }
                        ]
                    }
                ],
                "message": "success"
            })
        ),
        row_from_body(
            "users_track_sync_purchase_by_alias_and_an_empty_user_list",
            json!({
                "purchases": [
                    {
                        "user_alias": {
                            "alias_name": "device123",
                            "alias_label": "my_device_identifier"
                        },
                        "app_id": "11ae5b4b-2445-4440-a04f-bf537764c9ad",
                        "product_id": "Completed Order",
                        "currency": "USD",
                        "price": 219.98,
                        "time": "2025-12-06T18:20:45Z"
                    }
                ]
            }),
            |c, body| {
                c.users_track_sync(common::typed::<types::UsersTrackSyncRequest>(body))
                    .send()
            }
        )
        .post("/users/track/sync")
        .answer(201, json!({ "users": [], "message": "success" })),
        row_from_body(
            "users_track_bulk_sends_many_users_and_decodes_counts_and_errors",
            bulk_body(),
            |c, body| {
                c.users_track_bulk(common::typed::<types::UsersTrackBulkRequest>(body))
                    .send()
            }
        )
        .post("/users/track/bulk")
        .answer(
            201,
            json!({
                "message": "success",
                "attributes_processed": 299,
                "events_processed": 1,
                "errors": [
                    {
                        "type": "'external_id' is required",
                        "input_array": "attributes",
                        "index": 12
                    }
                ]
            })
        )
        .then(|response| {
            match &response.errors[0] {
                types::BrazeErrorDetail::BrazeErrorObject(e) => {
                    assert_eq!(e.input_array.as_deref(), Some("attributes"));
                    assert_eq!(e.index, Some(12));
                }
                other => panic!("expected an error object, got {other:?}"),
            }
        }),
    ]
}

// Not a row: this checks the operation table (rate-limit bucket, paging
// style), with no call to make.
#[test]
fn track_variants_have_their_own_buckets() {
    use braze_sdk::operation::{RateLimit, find};
    assert_eq!(
        find("users_track_sync").expect("in the spec").rate_limit,
        RateLimit::Limited {
            requests: 500,
            window_seconds: 60,
            bucket: "users-track-sync"
        }
    );
    assert_eq!(
        find("users_track_bulk").expect("in the spec").rate_limit,
        RateLimit::Limited {
            requests: 50,
            window_seconds: 1,
            bucket: "users-track-bulk"
        }
    );
}
