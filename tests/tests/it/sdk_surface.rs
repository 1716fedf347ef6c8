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
        .sends_data_series("campaign", 0u64, "send")
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
