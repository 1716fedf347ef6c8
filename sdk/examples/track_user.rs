//! Records a profile update, an event and a purchase with `/users/track`.
//!
//! ```sh
//! # Print the request that would be sent:
//! cargo run -p braze-sdk --example track_user
//! # Send it (instance as in your dashboard URL: US-03, EU-01, ...):
//! BRAZE_INSTANCE=US-03 BRAZE_API_KEY=... cargo run -p braze-sdk --example track_user
//! ```

use braze_sdk::chrono::{TimeZone, Utc};
use braze_sdk::serde_json::{Map, json};
use braze_sdk::{Client, Instance, Nullable, types};

fn request() -> Result<types::UsersTrackRequest, Box<dyn std::error::Error>> {
    // Custom attributes travel next to the standard ones; `null` unsets one.
    let mut custom = Map::new();
    custom.insert("loyalty_tier".into(), json!("gold"));
    custom.insert("visits".into(), json!({ "inc": 1 }));
    custom.insert("favorite_genres".into(), json!({ "add": ["jazz"] }));
    custom.insert("legacy_segment".into(), json!(null));
    custom.insert("address".into(), json!({ "city": "Lyon", "zip": "69001" }));

    let attributes: types::UserAttributes = types::UserAttributes::builder()
        .external_id(Some(types::ExternalId("user-1234".into())))
        .first_name(Some(Nullable::Value("Ada".to_string())))
        .home_city(Some(Nullable::Null))
        .extra(custom)
        .try_into()?;

    let event: types::UserEvent = types::UserEvent::builder()
        .external_id(Some(types::ExternalId("user-1234".into())))
        .name("played_song")
        .time(Utc.with_ymd_and_hms(2026, 11, 26, 18, 30, 0).unwrap())
        .try_into()?;

    let purchase: types::UserPurchase = types::UserPurchase::builder()
        .external_id(Some(types::ExternalId("user-1234".into())))
        .product_id("premium-monthly")
        .currency("EUR")
        .price(9.99)
        .time(Utc.with_ymd_and_hms(2026, 11, 26, 18, 31, 0).unwrap())
        .try_into()?;

    Ok(types::UsersTrackRequest::builder()
        .attributes(vec![attributes])
        .events(vec![event])
        .purchases(vec![purchase])
        .try_into()?)
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let body = request()?;
    let (Ok(instance), Ok(key)) = (
        std::env::var("BRAZE_INSTANCE"),
        std::env::var("BRAZE_API_KEY"),
    ) else {
        println!("{}", braze_sdk::serde_json::to_string_pretty(&body)?);
        eprintln!("(set BRAZE_INSTANCE and BRAZE_API_KEY to send it)");
        return Ok(());
    };
    let client = Client::builder(instance.parse::<Instance>()?, key).build()?;
    match client.users_track().body(body).send().await {
        Ok(response) => {
            println!(
                "{}: {:?} attributes, {:?} events, {:?} purchases processed",
                response.message,
                response.attributes_processed,
                response.events_processed,
                response.purchases_processed
            );
            for problem in &response.errors {
                println!("skipped: {problem:?}");
            }
        }
        Err(e) => eprintln!("Braze refused the request (status {:?}): {e}", e.status()),
    }
    Ok(())
}
