//! Sends a push message right away to a connected audience: users whose
//! custom attribute `loyalty_tier` is `gold` and who opted in to push
//! (`/messages/send`). The audience and the messages are built with the
//! typed constructors: `ConnectedAudience::and(..)`,
//! `ConnectedAudience::custom_attribute(..)`, ... name the shapes Braze's
//! page writes as `{"AND": [..]}`, `{"custom_attribute": {..}}`.
//!
//! ```sh
//! cargo run -p braze-sdk --example connected_audience
//! BRAZE_INSTANCE=US-03 BRAZE_API_KEY=... cargo run -p braze-sdk --example connected_audience
//! ```

use braze_sdk::Client;
use braze_sdk::serde_json;
use braze_sdk::types::{
    self, ConnectedAudience, ConnectedAudienceComparison,
    ConnectedAudienceCustomAttributeCondition, ConnectedAudienceSubscriptionCondition,
    ConnectedAudienceSubscriptionConditionComparison, ConnectedAudienceSubscriptionConditionValue,
};

/// Gold-tier users who opted in to push.
fn audience() -> ConnectedAudience {
    ConnectedAudience::and(vec![
        ConnectedAudience::custom_attribute(
            ConnectedAudienceCustomAttributeCondition::new(
                ConnectedAudienceComparison::Equals,
                "loyalty_tier",
            )
            .value("gold"),
        ),
        ConnectedAudience::push_subscription_status(ConnectedAudienceSubscriptionCondition::new(
            ConnectedAudienceSubscriptionConditionComparison::Is,
            ConnectedAudienceSubscriptionConditionValue::OptedIn,
        )),
    ])
}

/// The same text for iOS (an alert with a title) and Android.
fn messages() -> types::Messages {
    let alert = types::ApplePushAlertObject::default()
        .title("Gold weekend")
        .body("Double points until Sunday.");
    types::Messages::default()
        .apple_push(types::ApplePushObject::default().alert(alert))
        .android_push(
            types::AndroidPushObject::default()
                .title("Gold weekend")
                .alert("Double points until Sunday."),
        )
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let body = types::MessagesSendRequest::default()
        .broadcast(true)
        .audience(audience())
        .messages(messages());
    let (Ok(instance), Ok(key)) = (
        std::env::var("BRAZE_INSTANCE"),
        std::env::var("BRAZE_API_KEY"),
    ) else {
        println!("POST /messages/send");
        println!("{}", serde_json::to_string_pretty(&body)?);
        eprintln!("(set BRAZE_INSTANCE and BRAZE_API_KEY to send it)");
        return Ok(());
    };
    let client = Client::builder(instance.parse()?, key).build()?;
    let response = client.messages_send(body).send().await?;
    println!("{response:#?}");
    Ok(())
}
