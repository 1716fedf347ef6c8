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

    let attributes = types::UserAttributes::default()
        .external_id("user-1234")
        .first_name("Ada")
        .home_city(Nullable::Null)
        .extra(custom);

    // Required fields are the constructor's arguments: leaving one out does
    // not compile.
    let played = Utc.with_ymd_and_hms(2026, 11, 26, 18, 30, 0).unwrap();
    let event = types::UserEvent::new("played_song", played).external_id("user-1234");

    // Fields with limits (a 3-letter currency, a product id of at most 255
    // characters) are built with `try_from`; `?` turns a refusal into an
    // error instead of a request Braze would reject.
    let bought = Utc.with_ymd_and_hms(2026, 11, 26, 18, 31, 0).unwrap();
    let purchase = types::UserPurchase::new(
        types::UserPurchaseCurrency::try_from("EUR")?,
        9.99,
        types::UserPurchaseProductId::try_from("premium-monthly")?,
        bought,
    )
    .external_id("user-1234");

    Ok(types::UsersTrackRequest::default()
        .attributes(vec![attributes])
        .events(vec![event])
        .purchases(vec![purchase]))
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
    match client.users_track(body).send().await {
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
