//! One worker of a fleet sharing a workspace's rate limits: sends `--calls`
//! `/users/track` calls (one small event each) with `--tasks` tasks through
//! one client, paced through Redis when `--redis URL` (or
//! `BRAZE_THROTTLE_REDIS`) names one, alone otherwise. Run several at once to
//! see a fleet collect no 429s; the fleet test (`tests/tests/it/
//! throttle_fleet.rs`) and bench P5 (`sdk/benches/fleet.rs`) do.
//!
//! ```sh
//! BRAZE_API_KEY=... cargo run --release -p braze-sdk --example fleet_worker \
//!     --features redis -- --base-url http://127.0.0.1:8080 --calls 750 --tasks 32 \
//!     --redis redis://127.0.0.1:6379/0 [--fleet-size 8] [--step-timeout-ms 100]
//! ```
//!
//! The last line it prints: `fleet_worker sent=<ok> failed=<errors> seconds=<wall>`.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

use braze_sdk::chrono::Utc;
use braze_sdk::throttle::SharedThrottle;
use braze_sdk::{Client, Instance, ThrottleConfig, types};

struct Args {
    base_url: String,
    calls: usize,
    tasks: usize,
    redis: Option<String>,
    fleet_size: Option<u32>,
    step_timeout_ms: Option<u64>,
}

const USAGE: &str = "usage: fleet_worker --base-url URL --calls N --tasks T [--redis URL] [--fleet-size N] [--step-timeout-ms MS] (key in BRAZE_API_KEY)";

fn parse(mut args: impl Iterator<Item = String>) -> Result<Args, String> {
    let (mut base_url, mut calls, mut tasks, mut redis, mut fleet_size, mut step) =
        (None, None, None, None, None, None);
    while let Some(flag) = args.next() {
        let mut value = || args.next().ok_or(format!("{flag} needs a value"));
        let number = |v: String| {
            v.parse::<usize>()
                .ok()
                .filter(|n| *n > 0)
                .ok_or(format!("{flag}: {v:?} is not a whole number above 0"))
        };
        match flag.as_str() {
            "--base-url" => base_url = Some(value()?),
            "--calls" => calls = Some(number(value()?)?),
            "--tasks" => tasks = Some(number(value()?)?),
            "--redis" => redis = Some(value()?),
            "--fleet-size" => fleet_size = Some(number(value()?)? as u32),
            "--step-timeout-ms" => step = Some(number(value()?)? as u64),
            _ => return Err(format!("unknown argument {flag:?}")),
        }
    }
    Ok(Args {
        base_url: base_url.ok_or("--base-url is required")?,
        calls: calls.ok_or("--calls is required")?,
        tasks: tasks.ok_or("--tasks is required")?,
        redis,
        fleet_size,
        step_timeout_ms: step,
    })
}

fn client(args: &Args, key: String) -> Result<Client, Box<dyn std::error::Error>> {
    let mut throttle = ThrottleConfig::default();
    if let Some(url) = &args.redis {
        let mut shared = SharedThrottle::redis(url)?;
        if let Some(n) = args.fleet_size {
            shared = shared.fleet_size(n);
        }
        if let Some(ms) = args.step_timeout_ms {
            shared = shared.step_timeout(std::time::Duration::from_millis(ms));
        }
        throttle = throttle.shared(shared);
    }
    Ok(Client::builder(Instance::custom(&args.base_url), key)
        .throttle(throttle)
        .build()?)
}

fn event(n: usize) -> types::UsersTrackRequest {
    let user = format!("fleet-user-{}", n % 1000);
    types::UsersTrackRequest::default().events(vec![
        types::UserEvent::new("fleet_ping", Utc::now()).external_id(user.as_str()),
    ])
}

// `pub`: the fleet bench (sdk/benches/fleet.rs) runs this file as a module
// in its worker processes.
#[tokio::main]
pub async fn main() {
    let args = match parse(std::env::args().skip(1).filter(|a| a != "--worker")) {
        Ok(a) => a,
        Err(e) => {
            eprintln!("fleet_worker: {e}\n{USAGE}");
            std::process::exit(2);
        }
    };
    let Some(key) = std::env::var("BRAZE_API_KEY")
        .ok()
        .filter(|k| !k.is_empty())
    else {
        eprintln!("fleet_worker: set BRAZE_API_KEY\n{USAGE}");
        std::process::exit(2);
    };
    let client = match client(&args, key) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("fleet_worker: {e}");
            std::process::exit(2);
        }
    };
    let next = Arc::new(AtomicUsize::new(0));
    let ok = Arc::new(AtomicUsize::new(0));
    let failed = Arc::new(AtomicUsize::new(0));
    let started = Instant::now();
    let workers: Vec<_> = (0..args.tasks)
        .map(|_| {
            let (client, next, ok, failed) =
                (client.clone(), next.clone(), ok.clone(), failed.clone());
            let calls = args.calls;
            tokio::spawn(async move {
                loop {
                    let n = next.fetch_add(1, Ordering::Relaxed);
                    if n >= calls {
                        break;
                    }
                    match client.users_track(event(n)).send().await {
                        Ok(_) => ok.fetch_add(1, Ordering::Relaxed),
                        Err(e) => {
                            // The first few failures say why.
                            if failed.fetch_add(1, Ordering::Relaxed) < 3 {
                                eprintln!("fleet_worker: {e}");
                            }
                            0
                        }
                    };
                }
            })
        })
        .collect();
    for w in workers {
        let _ = w.await;
    }
    println!(
        "fleet_worker sent={} failed={} seconds={:.3}",
        ok.load(Ordering::Relaxed),
        failed.load(Ordering::Relaxed),
        started.elapsed().as_secs_f64()
    );
}
