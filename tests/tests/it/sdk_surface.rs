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
