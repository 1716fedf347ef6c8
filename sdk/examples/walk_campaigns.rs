//! Lists every campaign edited in the last 30 days, page after page, as a
//! stream: pages are fetched as the loop consumes them.
//!
//! ```sh
//! cargo run -p braze-sdk --example walk_campaigns
//! BRAZE_INSTANCE=US-03 BRAZE_API_KEY=... cargo run -p braze-sdk --example walk_campaigns
//! ```

use braze_sdk::Client;
use braze_sdk::chrono::{Duration, Utc};
use braze_sdk::futures_util::TryStreamExt;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let since = Utc::now() - Duration::days(30);
    let (Ok(instance), Ok(key)) = (
        std::env::var("BRAZE_INSTANCE"),
        std::env::var("BRAZE_API_KEY"),
    ) else {
        let size = braze_sdk::pagination::page_size(braze_sdk::OperationId::CampaignsList)
            .unwrap_or_default();
        println!(
            "GET /campaigns/list?include_archived=false&last_edit.time[gt]={}&page=0, then page=1, 2... until a page has fewer than {size} campaigns",
            since.to_rfc3339()
        );
        eprintln!("(set BRAZE_INSTANCE and BRAZE_API_KEY to send it)");
        return Ok(());
    };
    let client = Client::builder(instance.parse()?, key).build()?;
    let mut campaigns = client
        .campaigns_list()
        .include_archived(false)
        .last_edit_time_gt(since)
        .stream();
    let mut count = 0;
    while let Some(campaign) = campaigns.try_next().await? {
        count += 1;
        println!("{}  {}", campaign.id, campaign.name);
    }
    println!("{count} campaigns");
    Ok(())
}
