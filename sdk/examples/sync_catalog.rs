//! Creates or replaces 120 items of the catalog `stores` (`PUT
//! /catalogs/stores/items`), 50 per request as Braze allows, and lists the
//! catalog afterwards with a cursor-paged stream.
//!
//! ```sh
//! cargo run -p braze-sdk --example sync_catalog
//! BRAZE_INSTANCE=US-03 BRAZE_API_KEY=... cargo run -p braze-sdk --example sync_catalog
//! ```

use braze_sdk::batch::{self, Batchable};
use braze_sdk::serde_json::{self, json};
use braze_sdk::{Client, types};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let items: Vec<types::CatalogItem> = (0..120)
        .map(|i| {
            serde_json::from_value(json!({
                "id": format!("store-{i:03}"),
                "Name": format!("Store {i}"),
                "Open_Sundays": i % 2 == 0,
            }))
        })
        .collect::<Result<_, _>>()?;
    let body = types::CatalogItemsReplaceRequest { items };
    let (Ok(instance), Ok(key)) = (
        std::env::var("BRAZE_INSTANCE"),
        std::env::var("BRAZE_API_KEY"),
    ) else {
        for piece in body.split() {
            println!("PUT /catalogs/stores/items  {:?}", piece.carried);
            println!("{}", serde_json::to_string(&piece.body)?);
        }
        eprintln!("(set BRAZE_INSTANCE and BRAZE_API_KEY to send them)");
        return Ok(());
    };
    let client = Client::builder(instance.parse()?, key).build()?;
    let report = batch::send_all(body, 2, |piece| {
        client.catalog_items_replace("stores", piece).send()
    })
    .await;
    for failed in &report.failed {
        eprintln!(
            "items {:?} not synced: {}",
            failed.carried.range("items"),
            failed.error
        );
    }
    let now = client.catalog_items_list("stores").collect_all().await?;
    println!("the catalog holds {} items", now.len());
    Ok(())
}
