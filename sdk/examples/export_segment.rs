//! Asks Braze to export the profiles of a segment (`/users/export/segment`):
//! Braze writes the files and answers with where they will be.
//!
//! ```sh
//! cargo run -p braze-sdk --example export_segment -- <segment-id>
//! BRAZE_INSTANCE=US-03 BRAZE_API_KEY=... cargo run -p braze-sdk --example export_segment -- <segment-id>
//! ```

use braze_sdk::{Client, types};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let segment_id = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "3f6c2b1a-8e4d-4c7b-9a2e-5d1f0b3c6e8a".into());
    let body: types::UsersExportSegmentRequest = types::UsersExportSegmentRequest::new(
        vec![
            types::UserExportField::ExternalId,
            types::UserExportField::Email,
            types::UserExportField::CustomAttributes,
        ],
        segment_id,
    )
    .custom_attributes_to_export(vec!["loyalty_tier".to_string()]);
    let (Ok(instance), Ok(key)) = (
        std::env::var("BRAZE_INSTANCE"),
        std::env::var("BRAZE_API_KEY"),
    ) else {
        println!("POST /users/export/segment");
        println!("{}", braze_sdk::serde_json::to_string_pretty(&body)?);
        eprintln!("(set BRAZE_INSTANCE and BRAZE_API_KEY to send it)");
        return Ok(());
    };
    let client = Client::builder(instance.parse()?, key).build()?;
    let response = client.users_export_segment(body).send().await?;
    println!("{response:#?}");
    Ok(())
}
