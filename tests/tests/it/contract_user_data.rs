//! Contract tests of the User Data operations (`spec/user_data.yaml`).
//!
//! Each test pins the exact request the SDK sends for one operation (method,
//! path, bearer key, JSON body) with a wiremock mock that must be hit once,
//! answers with a body shaped like Braze's documented response, and checks
//! that the answer decodes into the typed fields.

use crate::common;
use crate::contract_table::{self, Case, row};
use crate::table;

use braze_sdk::{Nullable, Open, types};
use serde_json::json;

fn external_id(id: &str) -> types::ExternalId {
    types::ExternalId(id.to_string())
}

fn alias(name: &str, label: &str) -> types::UserAlias {
    types::UserAlias {
        alias_name: name.to_string(),
        alias_label: label.to_string(),
    }
}

/// Where a finished export can be downloaded.
const EXPORT_URL: &str =
    "https://braze-exports.s3.amazonaws.com/segment-export/3f0c5e2a-1732617600.zip";

#[tokio::test]
async fn user_data_contract_table() {
    contract_table::run(rows()).await;
}

fn rows() -> Vec<Box<dyn Case>> {
    table![
        row(
            "users_track_sends_custom_attribute_shapes_and_decodes_non_fatal_errors",
            |c| {
                // Custom attributes are the free-form `extra` map: `null` unsets one,
                // `inc` and `add` change it in place, an object is a nested attribute.
                let custom = common::json_object(json!({
                    "nickname": null,
                    "loyalty_points": { "inc": 25 },
                    "favorite_genres": { "add": ["flamenco"] },
                    "last_stay": {
                        "hotel": "Casa Azul",
                        "nights": 3,
                        "checked_out": { "$time": "2025-11-02T11:00:00Z" }
                    }
                }));
                let attributes = types::UserAttributes::default()
                    .external_id(Some(external_id("user-1234")))
                    .first_name(Some(Nullable::Value("Maria".to_string())))
                    // A standard attribute is unset with an explicit `null`.
                    .home_city(Some(Nullable::Null))
                    .email_subscribe(Some(types::UserSubscriptionState::OptedIn))
                    .extra(custom);
                let event =
                    types::UserEvent::new("booked_class", common::utc("2025-11-20T08:45:00+01:00"))
                        .external_id(Some(external_id("user-1234")))
                        .properties(types::EventProperties(common::json_object(
                            json!({ "class_type": "vinyasa", "spots_left": 4 }),
                        )));
                let purchase = types::UserPurchase::new(
                    types::UserPurchaseCurrency::try_from("EUR").unwrap(),
                    34.9,
                    types::UserPurchaseProductId::try_from("yoga_mat").unwrap(),
                    common::utc("2025-11-20T09:02:13Z"),
                )
                .external_id(Some(external_id("user-1234")))
                .quantity(std::num::NonZeroU64::new(2).unwrap());
                c.users_track(
                    types::UsersTrackRequest::default()
                        .attributes(vec![attributes])
                        .events(vec![event])
                        .purchases(vec![purchase]),
                )
                .send()
            }
        )
        .post("/users/track")
        .body(json!({
            "attributes": [
                {
                    "external_id": "user-1234",
                    "first_name": "Maria",
                    "home_city": null,
                    "email_subscribe": "opted_in",
                    "nickname": null,
                    "loyalty_points": { "inc": 25 },
                    "favorite_genres": { "add": ["flamenco"] },
                    "last_stay": {
                        "hotel": "Casa Azul",
                        "nights": 3,
                        "checked_out": { "$time": "2025-11-02T11:00:00Z" }
                    }
                }
            ],
            "events": [
                {
                    "external_id": "user-1234",
                    "name": "booked_class",
                    "time": "2025-11-20T07:45:00Z",
                    "properties": { "class_type": "vinyasa", "spots_left": 4 }
                }
            ],
            "purchases": [
                {
                    "external_id": "user-1234",
                    "product_id": "yoga_mat",
                    "currency": "EUR",
                    "price": 34.9,
                    "quantity": 2,
                    "time": "2025-11-20T09:02:13Z"
                }
            ]
        }))
        .answer(
            200,
            json!({
                "message": "success",
                "attributes_processed": 1,
                "events_processed": 1,
                "errors": [
                    {
                        "type": "'quantity' is not valid",
                        "input_array": "purchases",
                        "index": 0
                    }
                ]
            })
        )
        .then(|response| {
            assert_eq!(response.errors.len(), 1);
            let types::BrazeErrorDetail::BrazeErrorObject(error) = &response.errors[0] else {
                panic!("expected a structured error, got {:?}", response.errors[0]);
            };
            assert_eq!(error.type_.as_deref(), Some("'quantity' is not valid"));
            assert_eq!(error.input_array.as_deref(), Some("purchases"));
            assert_eq!(error.index, Some(0));
        }),
        row(
            "users_alias_new_sends_aliases_with_and_without_external_id",
            |c| {
                c.users_alias_new(types::UsersAliasNewRequest {
                    user_aliases: vec![
                        types::NewUserAlias {
                            external_id: Some(external_id("user-1234")),
                            alias_name: "zd-88412".to_string(),
                            alias_label: "zendesk_id".to_string(),
                        },
                        types::NewUserAlias {
                            external_id: None,
                            alias_name: "a9f3c2e1".to_string(),
                            alias_label: "anonymous_web_id".to_string(),
                        },
                    ],
                })
                .send()
            }
        )
        .post("/users/alias/new")
        .body(json!({
            "user_aliases": [
                {
                    "external_id": "user-1234",
                    "alias_name": "zd-88412",
                    "alias_label": "zendesk_id"
                },
                {
                    "alias_name": "a9f3c2e1",
                    "alias_label": "anonymous_web_id"
                }
            ]
        }))
        .answer(200, json!({ "aliases_processed": 2, "message": "success" })),
        row("users_alias_update_sends_old_and_new_names", |c| {
            c.users_alias_update(types::UsersAliasUpdateRequest {
                alias_updates: vec![types::UserAliasUpdate {
                    alias_label: "zendesk_id".to_string(),
                    old_alias_name: "zd-88412".to_string(),
                    new_alias_name: "zd-90017".to_string(),
                }],
            })
            .send()
        })
        .post("/users/alias/update")
        .body(json!({
            "alias_updates": [
                {
                    "alias_label": "zendesk_id",
                    "old_alias_name": "zd-88412",
                    "new_alias_name": "zd-90017"
                }
            ]
        }))
        .answer(200, json!({ "message": "success" })),
        row(
            "users_delete_sends_only_email_addresses_with_prioritization",
            |c| {
                c.users_delete(types::UsersDeleteRequest::default().email_addresses(vec![
                    types::UsersDeleteEmailAddress {
                        email: "maria.lopez@example.com".to_string(),
                        prioritization: vec![
                            types::UserMatchPrioritization::Unidentified,
                            types::UserMatchPrioritization::MostRecentlyUpdated,
                        ],
                    },
                ]))
                .send()
            }
        )
        .post("/users/delete")
        .body(json!({
            "email_addresses": [
                {
                    "email": "maria.lopez@example.com",
                    "prioritization": ["unidentified", "most_recently_updated"]
                }
            ]
        }))
        .answer(200, json!({ "deleted": 1, "message": "success" })),
        row(
            "users_identify_sends_aliases_emails_and_merge_behavior",
            |c| {
                c.users_identify(
                    types::UsersIdentifyRequest::default()
                        .aliases_to_identify(vec![types::UserAliasToIdentify {
                            external_id: external_id("user-1234"),
                            user_alias: alias("a9f3c2e1", "anonymous_web_id"),
                        }])
                        .emails_to_identify(vec![types::UserEmailToIdentify {
                            external_id: external_id("user-5678"),
                            email: "sam.carter@example.com".to_string(),
                            prioritization: vec![
                                types::UserMatchPrioritization::Unidentified,
                                types::UserMatchPrioritization::MostRecentlyUpdated,
                            ],
                        }])
                        .merge_behavior(Some(types::UsersIdentifyRequestMergeBehavior::Merge)),
                )
                .send()
            }
        )
        .post("/users/identify")
        .body(json!({
            "aliases_to_identify": [
                {
                    "external_id": "user-1234",
                    "user_alias": {
                        "alias_name": "a9f3c2e1",
                        "alias_label": "anonymous_web_id"
                    }
                }
            ],
            "emails_to_identify": [
                {
                    "external_id": "user-5678",
                    "email": "sam.carter@example.com",
                    "prioritization": ["unidentified", "most_recently_updated"]
                }
            ],
            "merge_behavior": "merge"
        }))
        .answer(200, json!({ "aliases_processed": 1, "message": "success" })),
        row("users_merge_sends_merge_updates_and_decodes_202", |c| {
            let by_external_id = |id: &str| -> types::UserMergeIdentifier {
                types::UserMergeIdentifier::default().external_id(Some(external_id(id)))
            };
            let by_email: types::UserMergeIdentifier = types::UserMergeIdentifier::default()
                .email(Some("sam.carter@example.com".to_string()))
                .prioritization(vec![
                    types::UserMatchPrioritization::Unidentified,
                    types::UserMatchPrioritization::MostRecentlyUpdated,
                ]);
            let by_alias: types::UserMergeIdentifier = types::UserMergeIdentifier::default()
                .user_alias(Some(alias("zd-90017", "zendesk_id")));
            c.users_merge(types::UsersMergeRequest {
                merge_updates: vec![
                    types::UserMergeUpdate {
                        identifier_to_merge: by_external_id("legacy-user-1234"),
                        identifier_to_keep: by_external_id("user-1234"),
                    },
                    types::UserMergeUpdate {
                        identifier_to_merge: by_email,
                        identifier_to_keep: by_alias,
                    },
                ],
            })
            .send()
        })
        .post("/users/merge")
        .body(json!({
            "merge_updates": [
                {
                    "identifier_to_merge": { "external_id": "legacy-user-1234" },
                    "identifier_to_keep": { "external_id": "user-1234" }
                },
                {
                    "identifier_to_merge": {
                        "email": "sam.carter@example.com",
                        "prioritization": ["unidentified", "most_recently_updated"]
                    },
                    "identifier_to_keep": {
                        "user_alias": {
                            "alias_name": "zd-90017",
                            "alias_label": "zendesk_id"
                        }
                    }
                }
            ]
        }))
        .answer(202, json!({ "message": "success" })),
        row(
            "users_external_ids_rename_decodes_successes_and_indexed_errors",
            |c| {
                let rename = |from: &str, to: &str| types::ExternalIdRename {
                    current_external_id: external_id(from),
                    new_external_id: external_id(to),
                };
                c.users_external_ids_rename(types::UsersExternalIdsRenameRequest {
                    external_id_renames: vec![
                        rename("user-1234", "c0a8f3e2-user-1234"),
                        rename("user-9999", "c0a8f3e2-user-9999"),
                    ],
                })
                .send()
            }
        )
        .post("/users/external_ids/rename")
        .body(json!({
            "external_id_renames": [
                {
                    "current_external_id": "user-1234",
                    "new_external_id": "c0a8f3e2-user-1234"
                },
                {
                    "current_external_id": "user-9999",
                    "new_external_id": "c0a8f3e2-user-9999"
                }
            ]
        }))
        .answer(
            200,
            json!({
                "message": "success",
                // Real responses list each applied rename as an object (the page's
                // sketch shows strings).
                "external_ids": [
                    {
                        "current_external_id": "user-1234",
                        "new_external_id": "c0a8f3e2-user-1234"
                    }
                ],
                "rename_errors": [[1, "current_external_id does not exist"]]
            })
        ),
        row(
            "users_external_ids_remove_decodes_removed_ids_and_errors",
            |c| {
                c.users_external_ids_remove(types::UsersExternalIdsRemoveRequest {
                    external_ids: vec![external_id("user-1234"), external_id("user-9999")],
                })
                .send()
            }
        )
        .post("/users/external_ids/remove")
        .body(json!({ "external_ids": ["user-1234", "user-9999"] }))
        .answer(
            200,
            json!({
                "message": "success",
                "removed_ids": ["user-1234"],
                "removal_errors": [[1, "user-9999 is a primary external_id"]]
            })
        ),
        row(
            "users_export_ids_sends_identifiers_and_decodes_exported_profiles",
            |c| {
                c.users_export_ids(
                    types::UsersExportIdsRequest::default()
                        .external_ids(vec![external_id("user-1234"), external_id("user-5678")])
                        .user_aliases(vec![alias("zd-90017", "zendesk_id")])
                        .fields_to_export(vec![
                            types::UserExportField::ExternalId,
                            types::UserExportField::FirstName,
                            types::UserExportField::Gender,
                            types::UserExportField::PushSubscribe,
                            types::UserExportField::CustomAttributes,
                            types::UserExportField::Purchases,
                            types::UserExportField::Apps,
                        ]),
                )
                .send()
            }
        )
        .post("/users/export/ids")
        .body(json!({
            "external_ids": ["user-1234", "user-5678"],
            "user_aliases": [{ "alias_name": "zd-90017", "alias_label": "zendesk_id" }],
            "fields_to_export": [
                "external_id",
                "first_name",
                "gender",
                "push_subscribe",
                "custom_attributes",
                "purchases",
                "apps"
            ]
        }))
        .answer(
            200,
            json!({
                "message": "success",
                "users": [
                    {
                        "external_id": "user-1234",
                        "first_name": "Maria",
                        "gender": "F",
                        "push_subscribe": "opted_in",
                        "custom_attributes": {
                            "loyalty_tier": "gold",
                            "favorite_genres": ["jazz", "flamenco"]
                        },
                        "purchases": [
                            {
                                "name": "yoga_mat",
                                "first": "2025-01-12T10:15:00.000Z",
                                "last": "2025-09-30T18:02:11.000Z",
                                "count": 3
                            }
                        ],
                        "apps": [
                            {
                                "name": "Studio Flow",
                                "platform": "Android",
                                "version": "4.2.0",
                                "sessions": 118,
                                "first_used": "2024-02-02T19:56:19.142Z",
                                "last_used": "2025-11-19T07:30:00.000Z"
                            }
                        ]
                    }
                ],
                "invalid_user_ids": ["user-5678"]
            })
        )
        .then(|response| {
            let user = &response.users[0];
            // Response enums are open: known values decode as `Open::Known`.
            assert_eq!(
                user.gender,
                Some(Nullable::Value(Open::Known(types::ExportedUserGender::F)))
            );
            assert_eq!(
                user.push_subscribe,
                Some(Open::Known(types::ExportedUserPushSubscribe::OptedIn))
            );
        }),
        row(
            "users_export_segment_sends_fields_and_decodes_object_prefix",
            |c| {
                c.users_export_segment(
                    types::UsersExportSegmentRequest::new(
                        vec![
                            types::UserExportField::ExternalId,
                            types::UserExportField::Email,
                            types::UserExportField::CustomEvents,
                        ],
                        "7c1e9a52-3d4b-4f6e-8a0c-5b2d9e1f4a63",
                    )
                    .callback_endpoint(Some("https://hooks.example.com/braze/exports".to_string()))
                    .custom_attributes_to_export(vec!["loyalty_tier".to_string()])
                    .output_format(Some(types::UserExportOutputFormat::Gzip)),
                )
                .send()
            }
        )
        .post("/users/export/segment")
        .body(json!({
            "segment_id": "7c1e9a52-3d4b-4f6e-8a0c-5b2d9e1f4a63",
            "callback_endpoint": "https://hooks.example.com/braze/exports",
            "fields_to_export": ["external_id", "email", "custom_events"],
            "custom_attributes_to_export": ["loyalty_tier"],
            "output_format": "gzip"
        }))
        .answer(
            200,
            json!({
                "message": "success",
                "object_prefix": "b8e2a91c-4aa4-478b-b3f2-a4ee91731ad1-1732617600"
            })
        ),
        row(
            "users_export_global_control_group_decodes_download_url",
            |c| {
                c.users_export_global_control_group(
                    types::UsersExportGlobalControlGroupRequest::new(vec![
                        types::UserExportField::ExternalId,
                        types::UserExportField::Email,
                        types::UserExportField::RandomBucket,
                    ])
                    .output_format(Some(types::UserExportOutputFormat::Zip)),
                )
                .send()
            }
        )
        .post("/users/export/global_control_group")
        .body(json!({
            "fields_to_export": ["external_id", "email", "random_bucket"],
            "output_format": "zip"
        }))
        .answer(
            200,
            json!({
                "message": "success",
                "object_prefix": "3f0c5e2a-81d4-4b7e-a6c9-0d2e4f6a8b1c-1732617600",
                "url": EXPORT_URL
            })
        ),
    ]
}
