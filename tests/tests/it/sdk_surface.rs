//! The SDK's call surface as a user writes it: required inputs are method
//! arguments, builders outlive the client value they came from, and a
//! conversion that fails says why.

use std::time::Duration;

use braze_sdk::{Error, types};
use serde_json::json;

use crate::common::{authorized, json_response, setup};

/// A builder made from a temporary client (`with_deadline`) can be kept in
/// a variable and sent later (E0716 before builders owned their client).
#[tokio::test]
async fn a_builder_from_a_temporary_client_can_be_kept_and_sent() {
    let (server, client) = setup().await;
    authorized("POST", "/users/track")
        .respond_with(json_response(201, json!({"message": "success"})))
        .expect(1)
        .mount(&server)
        .await;
    let body = types::UsersTrackRequest::default()
        .attributes(vec![types::UserAttributes::default().external_id("user-1")]);
    let builder = client
        .with_deadline(Duration::from_secs(5))
        .users_track(body);
    drop(client);
    let response = builder.send().await.expect("sent");
    assert_eq!(response.message, "success");
}

/// A required parameter that does not convert fails at `send()` with the
/// conversion's own reason, and no request is made.
#[tokio::test]
async fn a_required_parameter_that_does_not_convert_keeps_its_reason() {
    let (server, client) = setup().await;
    let err = client
        .catalogs_delete("x".repeat(300))
        .send()
        .await
        .expect_err("a 300-character catalog name is refused");
    let Error::InvalidRequest(message) = &err else {
        panic!("not InvalidRequest: {err:?}");
    };
    assert!(
        message.starts_with("invalid `catalog_name` (CatalogName): ") && message.contains("250"),
        "{message}"
    );
    assert!(server.received_requests().await.unwrap().is_empty());
}

/// A numeric required parameter converts through `TryInto` too: a zero
/// where the spec asks for at least 1 fails with the reason.
#[tokio::test]
async fn a_zero_for_a_non_zero_parameter_is_refused_with_its_reason() {
    let (server, client) = setup().await;
    let err = client
        .sends_data_series(braze_sdk::builder::SendsDataSeriesRequired {
            campaign_id: "campaign",
            length: 0u64,
            send_id: "send",
        })
        .send()
        .await
        .expect_err("a length of 0 is refused");
    let Error::InvalidRequest(message) = &err else {
        panic!("not InvalidRequest: {err:?}");
    };
    assert!(
        message.starts_with("invalid `length` (NonZeroU64): "),
        "{message}"
    );
    assert!(server.received_requests().await.unwrap().is_empty());
}

/// The connected audience and messages of `/messages/send`, built with the
/// typed constructors, are the JSON of Braze's page.
#[test]
fn typed_audience_and_messages_encode_as_braze_writes_them() {
    use types::{
        ConnectedAudience as A, ConnectedAudienceComparison,
        ConnectedAudienceCustomAttributeCondition, ConnectedAudienceSubscriptionCondition as Sub,
        ConnectedAudienceSubscriptionConditionComparison as Is,
        ConnectedAudienceSubscriptionConditionValue as State,
    };
    let audience = A::or(vec![
        A::and(vec![
            A::custom_attribute(
                ConnectedAudienceCustomAttributeCondition::new(
                    ConnectedAudienceComparison::Equals,
                    "loyalty_tier",
                )
                .value("gold"),
            ),
            A::push_subscription_status(Sub::new(Is::Is, State::OptedIn)),
        ]),
        A::email_subscription_status(Sub::new(Is::IsNot, State::Unsubscribed)),
    ]);
    let messages = types::Messages::default()
        .apple_push(
            types::ApplePushObject::default().alert(
                types::ApplePushAlertObject::default()
                    .title("Gold weekend")
                    .body("Double points."),
            ),
        )
        .android_push(types::AndroidPushObject::default().alert("Double points."));
    let body = types::MessagesSendRequest::default()
        .broadcast(true)
        .audience(audience)
        .messages(messages);
    assert_eq!(
        serde_json::to_value(&body).unwrap(),
        json!({
            "broadcast": true,
            "audience": {"OR": [
                {"AND": [
                    {"custom_attribute": {"custom_attribute_name": "loyalty_tier", "comparison": "equals", "value": "gold"}},
                    {"push_subscription_status": {"comparison": "is", "value": "opted_in"}}
                ]},
                {"email_subscription_status": {"comparison": "is_not", "value": "unsubscribed"}}
            ]},
            "messages": {
                "apple_push": {"alert": {"title": "Gold weekend", "body": "Double points."}},
                "android_push": {"alert": "Double points."}
            }
        })
    );
}

/// "One string or a list" fields take a `&str`, a `String` or a `Vec`;
/// free-form objects take a JSON map.
#[test]
fn strings_lists_and_objects_convert_in_setters() {
    let one = types::SubscriptionStatusSetRequest::new(
        "group-1",
        types::SubscriptionGroupState::Subscribed,
    )
    .external_id("user-1");
    let many = types::SubscriptionStatusSetRequest::new(
        "group-1",
        types::SubscriptionGroupState::Subscribed,
    )
    .external_id(vec!["user-1", "user-2"]);
    assert_eq!(
        serde_json::to_value(&one).unwrap()["external_id"],
        json!("user-1")
    );
    assert_eq!(
        serde_json::to_value(&many).unwrap()["external_id"],
        json!(["user-1", "user-2"])
    );
    let properties = json!({"source": "web", "items": 2});
    let event = types::UserEvent::new("viewed", braze_sdk::chrono::Utc::now())
        .properties(properties.as_object().cloned().unwrap());
    assert_eq!(
        serde_json::to_value(&event).unwrap()["properties"],
        properties
    );
}

/// The `RejectedValue` of `err`, or a panic saying what came instead.
fn rejected<E>(err: &Error<E>) -> &braze_sdk::error::RejectedValue {
    match err {
        Error::RejectedValue(r) => r,
        other => panic!("not RejectedValue: {other:?}"),
    }
}

/// `json!(..)` that is not an object, given to a free-form object's
/// setter, is kept (no panic, nothing dropped) and `send()` reports it with
/// the field's path and the reason, before any request is made.
#[tokio::test]
async fn a_json_value_that_is_not_an_object_is_reported_by_send_with_its_path() {
    let (server, client) = setup().await;
    let now = braze_sdk::chrono::Utc::now();
    let events = vec![
        types::UserEvent::new("played", now).properties(json!({"source": "web"})),
        types::UserEvent::new("played", now).properties(json!(["web", "ios"])),
    ];
    let body = types::UsersTrackRequest::default().events(events);
    let kept = body.events[1]
        .properties
        .as_ref()
        .and_then(|p| p.rejected());
    assert_eq!(kept.map(|r| r.value()), Some(&json!(["web", "ios"])));
    let err = client.users_track(body).send().await.unwrap_err();
    let r = rejected(&err);
    assert_eq!(r.path, "events[1].properties");
    assert_eq!(r.field(), "properties");
    assert_eq!(r.reason, "expected a JSON object, got an array");
    assert_eq!(
        err.to_string(),
        "invalid request: `events[1].properties`: expected a JSON object, got an array"
    );
    assert!(!err.is_retryable());
    assert!(server.received_requests().await.unwrap().is_empty());

    let body =
        types::CampaignsTriggerSendRequest::new("campaign-7").trigger_properties(json!("WINTER"));
    let err = client
        .campaigns_trigger_send(body)
        .send()
        .await
        .unwrap_err();
    let r = rejected(&err);
    assert_eq!(r.path, "trigger_properties");
    assert_eq!(r.field(), "trigger_properties");
    assert_eq!(r.reason, "expected a JSON object, got a string");
    assert!(server.received_requests().await.unwrap().is_empty());
}

/// An integer literal converts into a non-zero count (`.quantity(2)`); a
/// zero or a negative one is reported by `send()` with the field's path,
/// and a prepared request reports it the same way.
#[tokio::test]
async fn a_zero_for_a_non_zero_field_is_reported_by_send_with_its_path() {
    let (server, client) = setup().await;
    let purchase = |quantity: i64| {
        types::UserPurchase::new(
            types::UserPurchaseCurrency::try_from("EUR").unwrap(),
            9.99,
            types::UserPurchaseProductId::try_from("sku-1").unwrap(),
            braze_sdk::chrono::Utc::now(),
        )
        .external_id("user-1")
        .quantity(quantity)
    };
    let valid = purchase(2);
    assert_eq!(serde_json::to_value(&valid).unwrap()["quantity"], json!(2));
    for (quantity, reason) in [
        (0, "expected an integer of at least 1, got 0"),
        (-4, "expected an integer of at least 1, got -4"),
    ] {
        let body =
            types::UsersTrackRequest::default().purchases(vec![valid.clone(), purchase(quantity)]);
        let err = client.users_track(body.clone()).send().await.unwrap_err();
        let r = rejected(&err);
        assert_eq!(r.path, "purchases[1].quantity");
        assert_eq!(r.field(), "quantity");
        assert_eq!(r.reason, reason);
        let prepared = braze_sdk::prepared::users_track(&body)
            .map(|_| ())
            .unwrap_err();
        assert_eq!(rejected(&prepared), r);
    }
    assert!(server.received_requests().await.unwrap().is_empty());
}

/// The body of the one request `server` received, as JSON.
async fn sent_body(server: &wiremock::MockServer) -> serde_json::Value {
    let request = crate::common::only_request(server).await;
    serde_json::from_slice(&request.body).expect("a JSON body")
}

/// Free-form objects declared in place (a plain `serde_json::Map` field:
/// a Live Activity's `content_state`, an email's `extras`, a toast's
/// `toast_hash`, a content card's `extra`) and the one object of a catalog
/// item request's `items` take `json!({..})`, in a setter and (with
/// `.into()`) in a `...Required` struct, and are sent exactly as given; a
/// map left empty is still left out of the JSON.
#[tokio::test]
async fn json_objects_for_free_form_maps_declared_in_place_are_sent_as_given() {
    let (server, client) = setup().await;
    authorized("POST", "/messages/live_activity/update")
        .respond_with(json_response(201, json!({"message": "success"})))
        .expect(1)
        .mount(&server)
        .await;
    let body = types::LiveActivityUpdateRequest::new(types::LiveActivityUpdateRequestRequired {
        activity_id: "order-1".to_string(),
        app_id: "app-1".to_string(),
        content_state: json!({"stage": "packed"}).into(),
    });
    // The setter replaces what `new` was given.
    let body = body.content_state(json!({"stage": "shipped", "eta_minutes": 12}));
    client
        .live_activity_update(body)
        .send()
        .await
        .expect("sent");
    assert_eq!(
        sent_body(&server).await,
        json!({
            "activity_id": "order-1",
            "app_id": "app-1",
            "content_state": {"stage": "shipped", "eta_minutes": 12}
        })
    );

    let (server, client) = setup().await;
    authorized("POST", "/messages/send")
        .respond_with(json_response(
            201,
            json!({"dispatch_id": "d-1", "message": "success"}),
        ))
        .expect(1)
        .mount(&server)
        .await;
    let email = types::EmailObject::new(types::EmailObjectRequired {
        app_id: "app-1".to_string(),
        from: "Shop <shop@example.com>".to_string(),
    })
    .extras(json!({"order": "4821", "tier": 2}));
    let toast = types::WindowsPhone8PushObject::new("Shipped").toast_hash(json!({}));
    let card = types::ContentCardObject::new(types::ContentCardObjectRequired {
        title: "Shipped".to_string(),
        description: "Your order is on its way.".to_string(),
        type_: types::ContentCardObjectType::Classic,
    })
    .extra(json!({"order": "4821"}));
    let body = types::MessagesSendRequest::default()
        .external_user_ids(vec![types::ExternalId::from("user-1".to_string())])
        .messages(
            types::Messages::default()
                .email(email)
                .windows_phone8_push(toast)
                .content_card(card),
        );
    client.messages_send(body).send().await.expect("sent");
    let sent = sent_body(&server).await;
    assert_eq!(
        sent["messages"]["email"]["extras"],
        json!({"order": "4821", "tier": 2})
    );
    assert_eq!(
        sent["messages"]["content_card"]["extra"],
        json!({"order": "4821"})
    );
    // An empty object is left out, as an empty map always was.
    assert_eq!(
        sent["messages"]["windows_phone8_push"],
        json!({"toast_content": "Shipped"})
    );

    let (server, client) = setup().await;
    authorized("POST", "/catalogs/stores/items/paris-11")
        .respond_with(json_response(201, json!({"message": "success"})))
        .expect(1)
        .mount(&server)
        .await;
    client
        .catalog_item_create(
            braze_sdk::builder::CatalogItemCreateRequired {
                catalog_name: "stores",
                item_id: "paris-11",
            },
            types::CatalogItemCreateRequest::new(json!({"City": "Paris", "Rating": 4.7})),
        )
        .send()
        .await
        .expect("sent");
    assert_eq!(
        sent_body(&server).await,
        json!({"items": [{"City": "Paris", "Rating": 4.7}]})
    );
}

/// A JSON value that is not an object, given for a free-form object
/// declared in place or for a catalog item's fields, is kept and reported
/// by `send()` (and by a prepared request) with its path, before any
/// request is made; a rejected value in a map that is skipped when empty
/// is reported, not skipped.
#[tokio::test]
async fn a_non_object_for_a_free_form_map_declared_in_place_is_reported_with_its_path() {
    let (server, client) = setup().await;
    let body = types::LiveActivityUpdateRequest::new(types::LiveActivityUpdateRequestRequired {
        activity_id: "order-1".to_string(),
        app_id: "app-1".to_string(),
        content_state: json!(["shipped"]).into(),
    });
    assert_eq!(
        body.content_state.rejected().map(|r| r.value()),
        Some(&json!(["shipped"]))
    );
    let err = client
        .live_activity_update(body.clone())
        .send()
        .await
        .unwrap_err();
    let r = rejected(&err);
    assert_eq!(r.path, "content_state");
    assert_eq!(r.reason, "expected a JSON object, got an array");
    let prepared = braze_sdk::prepared::live_activity_update(&body)
        .map(|_| ())
        .unwrap_err();
    assert_eq!(rejected(&prepared), r);
    // The setter rejects the same way.
    let err = client
        .live_activity_update(body.content_state(json!(12)))
        .send()
        .await
        .unwrap_err();
    assert_eq!(rejected(&err).path, "content_state");
    assert_eq!(
        rejected(&err).reason,
        "expected a JSON object, got a number"
    );

    for (messages, path, reason) in [
        (
            types::Messages::default().email(
                types::EmailObject::new(types::EmailObjectRequired {
                    app_id: "app-1".to_string(),
                    from: "Shop <shop@example.com>".to_string(),
                })
                .extras(json!("4821")),
            ),
            "messages.email.extras",
            "expected a JSON object, got a string",
        ),
        (
            types::Messages::default().windows_phone8_push(
                types::WindowsPhone8PushObject::new("Shipped").toast_hash(json!(null)),
            ),
            "messages.windows_phone8_push.toast_hash",
            "expected a JSON object, got null",
        ),
    ] {
        let body = types::MessagesSendRequest::default()
            .external_user_ids(vec![types::ExternalId::from("user-1".to_string())])
            .messages(messages);
        let err = client.messages_send(body).send().await.unwrap_err();
        let r = rejected(&err);
        assert_eq!(r.path, path);
        assert_eq!(r.reason, reason);
    }

    let err = client
        .catalog_item_update(
            braze_sdk::builder::CatalogItemUpdateRequired {
                catalog_name: "stores",
                item_id: "paris-11",
            },
            types::CatalogItemUpdateRequest::new(json!([{"Rating": 4.7}])),
        )
        .send()
        .await
        .unwrap_err();
    let r = rejected(&err);
    assert_eq!(r.path, "items[0]");
    assert_eq!(r.field(), "items");
    assert_eq!(r.reason, "expected a JSON object, got an array");
    assert!(server.received_requests().await.unwrap().is_empty());
}

/// Two required parameters of the same kind (two ids a `&str` converts
/// into) are given by name: written in any order, each goes where its name
/// says; a conversion that fails still names its parameter.
#[tokio::test]
async fn same_kind_parameters_are_given_by_name_and_land_where_named() {
    use braze_sdk::builder::{CanvasTranslationsGetRequired, CatalogItemGetRequired};
    let (server, client) = setup().await;
    authorized("GET", "/catalogs/restaurants/items/item-1")
        .respond_with(json_response(
            200,
            json!({"message": "success", "items": [{"id": "item-1"}]}),
        ))
        .expect(1)
        .mount(&server)
        .await;
    client
        .catalog_item_get(CatalogItemGetRequired {
            item_id: "item-1",
            catalog_name: "restaurants".to_string(),
        })
        .send()
        .await
        .expect("sent to the path the names say");

    authorized("GET", "/canvas/translations")
        .and(wiremock::matchers::query_param("workflow_id", "canvas-1"))
        .and(wiremock::matchers::query_param("step_id", "step-2"))
        .and(wiremock::matchers::query_param(
            "message_variation_id",
            "variation-3",
        ))
        .respond_with(json_response(
            200,
            json!({"message": "success", "translations": []}),
        ))
        .expect(1)
        .mount(&server)
        .await;
    let _ = client
        .canvas_translations_get(CanvasTranslationsGetRequired {
            workflow_id: "canvas-1",
            step_id: "step-2",
            message_variation_id: "variation-3",
        })
        .send()
        .await;

    let err = client
        .catalog_item_get(CatalogItemGetRequired {
            catalog_name: "restaurants",
            item_id: "",
        })
        .send()
        .await
        .expect_err("an empty item id is refused");
    let Error::InvalidRequest(message) = &err else {
        panic!("not InvalidRequest: {err:?}");
    };
    assert!(
        message.starts_with("invalid `item_id` (CatalogItemId): "),
        "{message}"
    );
}
