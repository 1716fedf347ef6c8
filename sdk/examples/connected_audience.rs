//! Sends a push message right away to a connected audience: users whose
//! custom attribute `loyalty_tier` is `gold` and who opted in to push
//! (`/messages/send`). The body is written as on Braze's page and decoded
//! into the typed request, so a misspelt key is an error before anything
//! is sent.
//!
//! ```sh
//! cargo run -p braze-sdk --example connected_audience
//! BRAZE_INSTANCE=US-03 BRAZE_API_KEY=... cargo run -p braze-sdk --example connected_audience
//! ```

use braze_sdk::serde_json::{self, json};
use braze_sdk::{Client, types};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let body: types::MessagesSendRequest = serde_json::from_value(json!({
        "broadcast": true,
        "audience": {
            "AND": [
                {"custom_attribute": {
                    "custom_attribute_name": "loyalty_tier",
                    "comparison": "equals",
                    "value": "gold"
                }},
                {"push_subscription_status": {"comparison": "is", "value": "opted_in"}}
            ]
        },
        "messages": {
            "apple_push": {"alert": {"title": "Gold weekend", "body": "Double points until Sunday."}},
            "android_push": {"title": "Gold weekend", "alert": "Double points until Sunday."}
        }
    }))?;
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
