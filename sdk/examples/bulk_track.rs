//! Sends the events of an NDJSON file (one event object per line) with
//! `/users/track`, split into requests of 75 events and sent concurrently.
//!
//! ```sh
//! # Print the requests that would be sent:
//! cargo run -p braze-sdk --example bulk_track -- sdk/examples/data/events.ndjson
//! # Send them (instance as in your dashboard URL, or a base URL):
//! BRAZE_INSTANCE=US-03 BRAZE_API_KEY=... cargo run -p braze-sdk --example bulk_track -- events.ndjson
//! ```
//!
//! A line that is not a valid event is reported with its number and left
//! out; every other line ends up either sent or in a failed piece, named by
//! its line. (The sample file's last line has no `time`, to show the report.)

use std::io::BufRead;

use braze_sdk::{Client, batch, types};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let path = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "sdk/examples/data/events.ndjson".into());
    let mut events = Vec::new();
    let mut lines = Vec::new(); // lines[i] is the file line of events[i]
    for (n, line) in std::io::BufReader::new(std::fs::File::open(&path)?)
        .lines()
        .enumerate()
    {
        let line = line?;
        if line.trim().is_empty() {
            continue;
        }
        match braze_sdk::serde_json::from_str::<types::UserEvent>(&line) {
            Ok(event) => {
                events.push(event);
                lines.push(n + 1);
            }
            Err(e) => eprintln!("{path}:{}: not an event, skipped: {e}", n + 1),
        }
    }
    let body = types::UsersTrackRequest {
        events,
        ..Default::default()
    };
    tokio::runtime::Runtime::new()?.block_on(send(body, lines))
}

async fn send(
    body: types::UsersTrackRequest,
    lines: Vec<usize>,
) -> Result<(), Box<dyn std::error::Error>> {
    let (Ok(instance), Ok(key)) = (
        std::env::var("BRAZE_INSTANCE"),
        std::env::var("BRAZE_API_KEY"),
    ) else {
        use braze_sdk::batch::Batchable;
        for piece in body.split() {
            println!("POST /users/track  {:?}", piece.carried);
            println!("{}", braze_sdk::serde_json::to_string(&piece.body)?);
        }
        eprintln!("(set BRAZE_INSTANCE and BRAZE_API_KEY to send them)");
        return Ok(());
    };
    let client = Client::builder(instance.parse()?, key).build()?;
    let report = batch::send_all(body, 4, |piece| client.users_track(piece).send()).await;
    let sent: usize = report.sent.iter().map(|s| s.carried.len()).sum();
    println!("{sent} events accepted in {} requests", report.sent.len());
    for rejected in report.input_errors() {
        println!(
            "line {}: rejected: {:?}",
            lines[rejected.index], rejected.detail
        );
    }
    for failed in &report.failed {
        let range = failed.carried.range("events");
        println!(
            "lines {}..={} not sent: {}",
            lines[range.start],
            lines[range.end - 1],
            failed.error
        );
    }
    Ok(())
}
