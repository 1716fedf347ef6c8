//! P6: `braze users track --records` with events from an NDJSON file,
//! against braze-mock on 127.0.0.1 enforcing a scaled-down `/users/track`
//! limit with Braze's `X-RateLimit-*` headers and 429s.
//!
//! ```sh
//! cargo bench -p braze-cli --bench p6_bulk_track                     # 100k and 1M lines
//! P6_LINES=100000 cargo bench -p braze-cli --bench p6_bulk_track     # one size
//! ```
//!
//! For each size it prints the events per second against the ceiling the
//! limit allows (75 events per request x requests per window), the requests
//! sent against what the fixed windows the run overlapped allowed, the 429s the
//! server sent (must be 0), whether every line is accounted for (events the
//! server received = events in the file = events the summary accepted) and
//! the CLI's peak resident memory (VmHWM, read from /proc while it runs),
//! which must not grow with the file.

use std::io::Write;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use braze_mock::{Limit, MockBraze};
use serde_json::{Value, json};

/// The scaled-down limit: Braze's is 3,000 requests per 3 s for
/// `/users/track`; a tenth of that keeps 1M events near two minutes.
const REQUESTS: u64 = 300;
const WINDOW: Duration = Duration::from_secs(3);
const EVENTS_PER_REQUEST: u64 = 75;

fn write_records(path: &std::path::Path, lines: u64) {
    let file = std::fs::File::create(path).expect("create the records file");
    let mut out = std::io::BufWriter::new(file);
    for n in 0..lines {
        writeln!(
            out,
            r#"{{"events":[{{"external_id":"user-{}","name":"played_song","time":"2026-11-20T07:45:00Z","properties":{{"n":{n},"song":"s-{}"}}}}]}}"#,
            n % 50_000,
            n % 977
        )
        .expect("write");
    }
    out.flush().expect("flush");
}

fn epoch_ms() -> u128 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_millis())
}

/// Peak resident memory of `pid` in KiB, from /proc (None once it exited).
fn vm_hwm(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
}

fn run(lines: u64) {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .expect("runtime");
    let mock = runtime.block_on(
        MockBraze::builder()
            .validate(false)
            .limit("users-track", Limit::new(REQUESTS, WINDOW))
            .start(),
    );
    mock.respond("users_track", 201, json!({"message": "success"}));
    let dir = std::env::temp_dir().join(format!("braze-p6-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("scratch dir");
    let records = dir.join(format!("events-{lines}.ndjson"));
    write_records(&records, lines);

    let started = Instant::now();
    let epoch_start = epoch_ms();
    let mut child = Command::new(env!("CARGO_BIN_EXE_braze"))
        .args([
            "--base-url",
            mock.url(),
            "users",
            "track",
            "--no-progress",
            "--concurrency",
            "8",
            "--records",
        ])
        .arg(&records)
        .env("BRAZE_API_KEY", "p6-benchmark-key")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("braze runs");
    let pid = child.id();
    let mut peak_kib = 0;
    while child.try_wait().expect("wait").is_none() {
        if let Some(k) = vm_hwm(pid) {
            peak_kib = peak_kib.max(k);
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let out = child.wait_with_output().expect("output");
    let elapsed = started.elapsed();
    // The fixed windows (aligned on the epoch, as braze-mock counts them)
    // the run overlapped: what the limit allowed it at most.
    let window_ms = WINDOW.as_millis();
    let windows = (epoch_ms() / window_ms - epoch_start / window_ms + 1) as u64;
    let allowed = windows * REQUESTS;
    let summary: Value = serde_json::from_slice(&out.stdout).unwrap_or(Value::Null);
    let received: u64 = mock
        .received::<Value>("users_track")
        .iter()
        .map(|b| b["events"].as_array().map_or(0, Vec::len) as u64)
        .sum();
    let requests = mock.calls("users_track") as u64;
    // The fewest windows that many requests need: the run cannot be shorter.
    let needed = requests.div_ceil(REQUESTS).max(1);
    let limited = mock.total_rate_limited();
    let ceiling = (REQUESTS * EVENTS_PER_REQUEST) as f64 / WINDOW.as_secs_f64();
    // The run's own rate, from its summary (the time the CLI measured from
    // its first line to its last answer), and the wall time including start-up.
    let cli_seconds = summary["elapsed_seconds"]
        .as_f64()
        .unwrap_or(elapsed.as_secs_f64());
    let rate = received as f64 / cli_seconds;
    println!(
        "P6 {lines:>9} lines: exit {}, {received} events in {requests} requests over {cli_seconds:.1} s \
         ({:.1} s wall): {rate:.0} events/s = {:.1}% of the ceiling ({ceiling:.0}/s); \
         {requests} of the {allowed} requests the {windows} windows it overlapped allowed ({:.1}%), \
         {needed} windows at the least; \
         429s: {limited}; accepted {} (all accounted: {}); peak RSS {:.1} MiB",
        out.status.code().unwrap_or(-1),
        elapsed.as_secs_f64(),
        100.0 * rate / ceiling,
        100.0 * requests as f64 / allowed as f64,
        summary["accepted"],
        received == lines && summary["accepted"].as_u64() == Some(lines),
        peak_kib as f64 / 1024.0,
    );
    if !out.status.success() {
        eprintln!("{}", String::from_utf8_lossy(&out.stderr));
    }
    let _ = std::fs::remove_dir_all(&dir);
}

fn main() {
    // `cargo bench` passes `--bench`; sizes come from P6_LINES.
    let sizes: Vec<u64> = match std::env::var("P6_LINES") {
        Ok(v) => v.split(',').filter_map(|s| s.trim().parse().ok()).collect(),
        Err(_) => vec![100_000, 1_000_000],
    };
    for lines in sizes {
        run(lines);
    }
}
