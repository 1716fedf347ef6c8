//! P5, `cargo bench -p braze-sdk --bench fleet --features redis`: 8 worker
//! processes (the `fleet_worker` example, run by this binary as
//! `--worker`) x 750 `/users/track` calls, 32 tasks each, against one
//! braze-mock enforcing 300 requests per 3 s with Braze's
//! `X-RateLimit-*` headers: each process pacing alone, then all pacing
//! through one Redis (a `redis-server` started on a free port). Prints
//! 429s seen by the server, failed calls and the share of the ceiling (100
//! per second) side by side; then the cost of one Redis permit on loopback
//! (sequential and with 32 tasks), beside a `PING` round trip.
//!
//! A bench binary (no harness): its figures go in the closing notes.
//! `FLEET_CALLS` (default 750) shortens a trial run.

#[path = "../examples/fleet_worker.rs"]
mod worker;

use std::process::{Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use braze_mock::{Limit, MockBraze};
use braze_sdk::BucketLimit;
use braze_sdk::throttle::{
    BucketKey, RedisStore, Reservation, ReserveRequest, ServerWord, ThrottleStore,
};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

const PROCESSES: usize = 8;
const TASKS: usize = 32;
const LIMIT: u64 = 300;
const WINDOW_SECS: u64 = 3;

struct Run {
    ok: usize,
    failed: usize,
    refused: u64,
    wall: f64,
    soonest: f64,
}

fn epoch_now() -> f64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs_f64()
}

fn fleet(rt: &tokio::runtime::Runtime, calls: usize, redis: Option<&str>) -> Run {
    // Requests counted, not kept, nor validated: the server's own costs
    // stay small.
    let server = rt.block_on(
        MockBraze::builder()
            .limit(
                "users-track",
                Limit::new(LIMIT, Duration::from_secs(WINDOW_SECS)),
            )
            .validate(false)
            .record(false)
            .start(),
    );
    let exe = std::env::current_exe().unwrap();
    let started_epoch = epoch_now();
    let started = Instant::now();
    let children: Vec<_> = (0..PROCESSES)
        .map(|_| {
            let mut c = Command::new(&exe);
            c.arg("--worker")
                .args(["--base-url", server.url()])
                .args(["--calls", &calls.to_string()])
                .args(["--tasks", &TASKS.to_string()])
                .env("BRAZE_API_KEY", "bench-key")
                .env_remove("BRAZE_THROTTLE_REDIS")
                .stdout(Stdio::piped());
            if let Some(url) = redis {
                c.args(["--redis", url])
                    .args(["--fleet-size", &PROCESSES.to_string()]);
            }
            c.spawn().unwrap()
        })
        .collect();
    let (mut ok, mut failed) = (0, 0);
    for child in children {
        let out = child.wait_with_output().unwrap();
        let stdout = String::from_utf8_lossy(&out.stdout);
        let last = stdout.lines().last().unwrap_or_default().to_string();
        let field = |name: &str| -> usize {
            last.split_whitespace()
                .find_map(|f| f.strip_prefix(name))
                .and_then(|v| v.parse().ok())
                .unwrap_or_else(|| panic!("no {name} in {last:?}"))
        };
        ok += field("sent=");
        failed += field("failed=");
    }
    let wall = started.elapsed().as_secs_f64();
    // The soonest the last call can be allowed: windows are aligned on the
    // epoch, the first (partial) one already allows LIMIT.
    let windows = (PROCESSES * calls).div_ceil(LIMIT as usize) as f64;
    let first = (started_epoch / WINDOW_SECS as f64).floor();
    let soonest = (first + windows - 1.0) * WINDOW_SECS as f64 - started_epoch;
    Run {
        ok,
        failed,
        refused: server.rate_limited("users_track") as u64,
        wall,
        soonest,
    }
}

fn print(label: &str, calls: usize, r: &Run) {
    let ceiling = LIMIT as f64 / WINDOW_SECS as f64;
    let rate = r.ok as f64 / r.wall;
    println!(
        "{label:<12} calls={} ok={:<5} failed={:<4} 429s_at_server={:<5} wall={:>6.2}s rate={:>6.1}/s ({:.1}% of {ceiling:.0}/s; soonest possible end {:.2}s: {:.1}% of it)",
        PROCESSES * calls,
        r.ok,
        r.failed,
        r.refused,
        r.wall,
        rate,
        100.0 * rate / ceiling,
        r.soonest,
        100.0 * r.soonest / r.wall
    );
}

/// A `redis-server` on a free port, no persistence; killed on drop.
struct Redis(std::process::Child, String);

impl Drop for Redis {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn start_redis() -> Redis {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let child = Command::new("redis-server")
        .args(["--port", &port.to_string(), "--bind", "127.0.0.1"])
        .args(["--save", "", "--appendonly", "no", "--loglevel", "warning"])
        .stdout(Stdio::null())
        .spawn()
        .expect("redis-server (tools/install installs it)");
    let url = format!("redis://127.0.0.1:{port}/0");
    let deadline = Instant::now() + Duration::from_secs(10);
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(Instant::now() < deadline, "redis-server did not start");
        std::thread::sleep(Duration::from_millis(20));
    }
    Redis(child, url)
}

/// One reservation of a limit no run reaches (granted at once).
async fn reserve(store: &RedisStore, key: &BucketKey, word: Option<ServerWord>) {
    let request = ReserveRequest {
        key,
        limit: Some(BucketLimit::new(1_000_000_000, Duration::from_secs(1))),
        max_wait: Duration::from_secs(1),
        word,
        margin: Duration::from_millis(50),
    };
    match store.reserve(&request).await.unwrap() {
        Reservation::Granted { .. } => {}
        r => panic!("{r:?}"),
    }
}

async fn permit_cost(url: &str) {
    let store = Arc::new(RedisStore::open(url).unwrap());
    let key = BucketKey::new("http://127.0.0.1:1", "bench-key", "users-track");
    let word = Some(ServerWord {
        limit: Some(1_000_000_000),
        ..ServerWord::default()
    });
    reserve(&store, &key, word).await;
    let n = 20_000;
    let started = Instant::now();
    for _ in 0..n {
        reserve(&store, &key, None).await;
    }
    let sequential = started.elapsed().as_secs_f64() * 1e6 / n as f64;
    // The round trip alone: an inline PING on a plain socket.
    let address = url.trim_start_matches("redis://").trim_end_matches("/0");
    let mut ping = tokio::net::TcpStream::connect(address).await.unwrap();
    ping.set_nodelay(true).unwrap();
    let mut pong = [0u8; 7];
    let started = Instant::now();
    for _ in 0..n {
        ping.write_all(b"PING\r\n").await.unwrap();
        ping.read_exact(&mut pong).await.unwrap();
    }
    let ping_us = started.elapsed().as_secs_f64() * 1e6 / n as f64;
    let started = Instant::now();
    let tasks: Vec<_> = (0..TASKS)
        .map(|_| {
            let (store, key) = (store.clone(), key.clone());
            tokio::spawn(async move {
                for _ in 0..n / TASKS {
                    reserve(&store, &key, None).await;
                }
            })
        })
        .collect();
    for t in tasks {
        t.await.unwrap();
    }
    let concurrent = started.elapsed().as_secs_f64() / (n / TASKS * TASKS) as f64;
    println!(
        "one Redis permit on loopback: {sequential:.1} us sequential (a PING: {ping_us:.1} us, so the script adds {:.1} us); {:.0} permits/s from {TASKS} tasks of one client ({:.1} us each)",
        sequential - ping_us,
        1.0 / concurrent,
        concurrent * 1e6
    );
}

fn main() {
    if std::env::args().any(|a| a == "--worker") {
        worker::main();
        return;
    }
    let calls: usize = std::env::var("FLEET_CALLS")
        .ok()
        .and_then(|c| c.parse().ok())
        .unwrap_or(750);
    let rt = tokio::runtime::Runtime::new().unwrap();
    let redis = start_redis();
    println!(
        "P5: {PROCESSES} processes x {calls} /users/track calls, {TASKS} tasks each, server limit {LIMIT} per {WINDOW_SECS} s"
    );
    let alone = fleet(&rt, calls, None);
    print("alone", calls, &alone);
    // Let the run's last window pass so both start alike.
    std::thread::sleep(Duration::from_secs(WINDOW_SECS));
    let shared = fleet(&rt, calls, Some(&redis.1));
    print("redis", calls, &shared);
    rt.block_on(permit_cost(&redis.1));
}
