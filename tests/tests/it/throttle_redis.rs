//! The shared throttle's Lua script against a real Redis (one server per
//! test, see `redis_server`): burst, steady pace, ordering, key expiry, the
//! server's word and a 429's hold seen by every client, the script cache
//! lost. Two `RedisStore`s are two clients (two connections), as two
//! processes would be.

use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use braze_sdk::BucketLimit;
use braze_sdk::throttle::{
    BucketKey, PaceTuning, RedisStore, Reservation, ReserveRequest, ServerWord, ThrottleStore,
    WaitReason,
};

use crate::redis_server::RedisServer;

fn key() -> BucketKey {
    BucketKey::new("http://127.0.0.1:9", "test-key", "users-track")
}

fn store(server: &RedisServer, tuning: PaceTuning) -> RedisStore {
    RedisStore::open(&server.url()).unwrap().tuning(tuning)
}

async fn reserve(
    store: &RedisStore,
    key: &BucketKey,
    limit: BucketLimit,
    word: Option<ServerWord>,
    max_wait: Duration,
) -> Reservation {
    let request = ReserveRequest {
        key,
        limit: Some(limit),
        max_wait,
        word,
        margin: Duration::ZERO,
    };
    store.reserve(&request).await.unwrap()
}

fn granted(r: Reservation) -> Duration {
    match r {
        Reservation::Granted { wait, .. } => wait,
        Reservation::Refused { .. } => panic!("refused: {r:?}"),
    }
}

fn heard_limit(limit: u32) -> Option<ServerWord> {
    Some(ServerWord {
        limit: Some(limit),
        ..ServerWord::default()
    })
}

fn epoch_now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs()
}

const LONG: Duration = Duration::from_secs(30);

#[tokio::test]
async fn the_script_grants_a_burst_then_a_steady_pace() {
    let Some(server) = RedisServer::start("the_script_grants_a_burst_then_a_steady_pace") else {
        return;
    };
    // 100 per 10 s paced at 90 %: one slot per 111.112 ms, a burst of 5.
    let s = store(
        &server,
        PaceTuning {
            fill_per_mille: 900,
            ..PaceTuning::default()
        },
    );
    let k = key();
    let limit = BucketLimit::new(100, Duration::from_secs(10));
    // Connected and the script loaded before timing starts (another bucket).
    let other = BucketKey::new("http://127.0.0.1:9", "test-key", "default");
    granted(reserve(&s, &other, limit, None, LONG).await);
    let started = Instant::now();
    let mut slots = Vec::new();
    for i in 0..12 {
        let word = if i == 0 { heard_limit(100) } else { None };
        let wait = granted(reserve(&s, &k, limit, word, LONG).await);
        slots.push(started.elapsed() + wait);
    }
    let interval = Duration::from_micros(111_112);
    let tolerance = Duration::from_millis(15);
    for (i, slot) in slots.iter().enumerate() {
        let expected = interval * (i.saturating_sub(4) as u32);
        assert!(
            slot.abs_diff(expected) < tolerance,
            "slot {i} at {slot:?}, expected {expected:?} (all: {slots:?})"
        );
    }
}

#[tokio::test]
async fn probes_still_due_when_the_limit_is_heard_count_against_its_pace() {
    let Some(server) = RedisServer::start("probes_count_against_the_learned_pace") else {
        return;
    };
    let s = store(&server, PaceTuning::default());
    let k = key();
    // Documented 1,000 per second: the probes are spaced by the probe gap
    // (100 ms), at 0, 100 and 200 ms.
    let limit = BucketLimit::new(1_000, Duration::from_secs(1));
    let other = BucketKey::new("http://127.0.0.1:9", "test-key", "default");
    granted(reserve(&s, &other, limit, None, LONG).await);
    let mut probes = Vec::new();
    for _ in 0..3 {
        probes.push(granted(reserve(&s, &k, limit, None, LONG).await));
    }
    assert!(probes[2] > Duration::from_millis(190), "{probes:?}");
    // Heard at once: 100 per second, paced at 98 (one per 10.2 ms). The two
    // probes not yet sent (100 and 200 ms) take the first two slots of the
    // new pace; the next request gets the third, not the first.
    let wait = granted(reserve(&s, &k, limit, heard_limit(100), LONG).await);
    assert!(
        wait > Duration::from_millis(15) && wait < Duration::from_millis(25),
        "{wait:?} (probes at {probes:?})"
    );
}

#[tokio::test]
async fn concurrent_reservations_of_two_clients_get_distinct_ordered_slots() {
    let Some(server) = RedisServer::start("concurrent_reservations_get_distinct_slots") else {
        return;
    };
    let tuning = PaceTuning {
        fill_per_mille: 1000,
        ..PaceTuning::default()
    };
    let (a, b) = (
        std::sync::Arc::new(store(&server, tuning)),
        std::sync::Arc::new(store(&server, tuning)),
    );
    let k = key();
    // 50 ms between slots: the slots are measured on this side (answer +
    // wait), and a loaded machine delays an answer by a few ms.
    let limit = BucketLimit::new(20, Duration::from_secs(1));
    // Both connected (another bucket); the limit is heard; from then on
    // one slot per 50 ms, no burst.
    let other = BucketKey::new("http://127.0.0.1:9", "test-key", "default");
    granted(reserve(&b, &other, limit, None, LONG).await);
    granted(reserve(&a, &k, limit, heard_limit(20), LONG).await);
    let started = Instant::now();
    let tasks: Vec<_> = (0..20)
        .map(|i| {
            let (s, k) = (if i % 2 == 0 { a.clone() } else { b.clone() }, k.clone());
            tokio::spawn(async move {
                let wait = granted(reserve(&s, &k, limit, None, LONG).await);
                started.elapsed() + wait
            })
        })
        .collect();
    let mut slots = Vec::new();
    for t in tasks {
        slots.push(t.await.unwrap());
    }
    slots.sort();
    for pair in slots.windows(2) {
        let gap = pair[1] - pair[0];
        assert!(
            gap > Duration::from_millis(35),
            "two slots {gap:?} apart: {slots:?}"
        );
    }
    // 20 slots after the first: about 1 s.
    let last = *slots.last().unwrap();
    assert!(
        last > Duration::from_millis(950) && last < Duration::from_millis(1_150),
        "{last:?}"
    );

    // One client's reservations, one after another, come in order.
    let mut previous = Duration::ZERO;
    let started = Instant::now();
    for _ in 0..5 {
        let slot = started.elapsed() + granted(reserve(&a, &k, limit, None, LONG).await);
        assert!(slot > previous, "{slot:?} after {previous:?}");
        previous = slot;
    }
}

#[tokio::test]
async fn the_keys_expire_when_the_bucket_is_idle() {
    let Some(server) = RedisServer::start("the_keys_expire_when_the_bucket_is_idle") else {
        return;
    };
    let s = store(
        &server,
        PaceTuning {
            word_ttl: Duration::from_millis(300),
            ..PaceTuning::default()
        },
    );
    let k = key();
    let limit = BucketLimit::new(10, Duration::from_secs(1));
    granted(reserve(&s, &k, limit, heard_limit(10), LONG).await);
    let (tat, word) = s.keys(&k);
    let mut c = server.connection();
    let ttl = |c: &mut redis::Connection, key: &str| -> i64 {
        redis::cmd("PTTL").arg(key).query(c).unwrap()
    };
    // The pace's key lives one interval (111 ms at 9 per second), the
    // word its ttl.
    let tat_ttl = ttl(&mut c, &tat);
    assert!((1..=112).contains(&tat_ttl), "{tat_ttl}");
    let word_ttl = ttl(&mut c, &word);
    assert!((200..=300).contains(&word_ttl), "{word_ttl}");
    std::thread::sleep(Duration::from_millis(450));
    let exists: i64 = redis::cmd("EXISTS")
        .arg(&tat)
        .arg(&word)
        .query(&mut c)
        .unwrap();
    assert_eq!(exists, 0);
    // Nothing in Redis names the key.
    let keys: Vec<String> = redis::cmd("KEYS").arg("*").query(&mut c).unwrap();
    assert!(keys.iter().all(|k| !k.contains("test-key")), "{keys:?}");
}

#[tokio::test]
async fn the_servers_word_heard_by_one_client_paces_every_client() {
    let Some(server) = RedisServer::start("the_servers_word_paces_every_client") else {
        return;
    };
    let (a, b) = (
        store(&server, PaceTuning::default()),
        store(&server, PaceTuning::default()),
    );
    let k = key();
    // Documented: 1,000 per second. A hears the workspace's real limit, 10.
    let documented = BucketLimit::new(1_000, Duration::from_secs(1));
    granted(reserve(&a, &k, documented, heard_limit(10), LONG).await);
    // B, which heard nothing, paces by it: 9 per second, 111 ms apart.
    let wait = granted(reserve(&b, &k, documented, None, LONG).await);
    assert!(wait > Duration::from_millis(90), "{wait:?}");

    // A hears that the window is used up until the next reset: B waits
    // for it.
    let reset = epoch_now() + 2;
    let exhausted = ServerWord {
        remaining: Some(0),
        reset_epoch_seconds: Some(reset),
        ..ServerWord::default()
    };
    a.observe(&k, &exhausted, Duration::ZERO).await.unwrap();
    let r = reserve(&b, &k, documented, None, Duration::from_millis(100)).await;
    match r {
        Reservation::Refused { wait, reason } => {
            assert_eq!(reason, WaitReason::WindowExhausted);
            assert!(wait > Duration::from_millis(900), "{wait:?}");
        }
        _ => panic!("{r:?}"),
    }
}

#[tokio::test]
async fn a_429_heard_by_one_client_holds_every_client() {
    let Some(server) = RedisServer::start("a_429_holds_every_client") else {
        return;
    };
    let (a, b) = (
        store(&server, PaceTuning::default()),
        store(&server, PaceTuning::default()),
    );
    let k = key();
    let limit = BucketLimit::new(100, Duration::from_secs(1));
    granted(reserve(&a, &k, limit, heard_limit(100), LONG).await);
    let refused = ServerWord {
        rate_limited: true,
        retry_after: Some(Duration::from_secs(1)),
        ..ServerWord::default()
    };
    a.observe(&k, &refused, Duration::ZERO).await.unwrap();
    let r = reserve(&b, &k, limit, None, LONG).await;
    match r {
        Reservation::Granted { wait, reason } => {
            assert_eq!(reason, WaitReason::RateLimited);
            assert!(
                wait > Duration::from_millis(900) && wait <= Duration::from_secs(1),
                "{wait:?}"
            );
        }
        _ => panic!("{r:?}"),
    }
    // Past the caller's deadline: nothing reserved, the reason said.
    let r = reserve(&b, &k, limit, None, Duration::from_millis(50)).await;
    assert!(
        matches!(
            r,
            Reservation::Refused {
                reason: WaitReason::RateLimited,
                ..
            }
        ),
        "{r:?}"
    );
}

#[tokio::test]
async fn the_script_is_loaded_again_after_a_flush_and_a_restart() {
    let Some(mut server) = RedisServer::start("the_script_is_loaded_again") else {
        return;
    };
    let s = store(&server, PaceTuning::default());
    let k = key();
    let limit = BucketLimit::new(100, Duration::from_secs(1));
    granted(reserve(&s, &k, limit, heard_limit(100), LONG).await);
    let _: () = redis::cmd("SCRIPT")
        .arg("FLUSH")
        .query(&mut server.connection())
        .unwrap();
    granted(reserve(&s, &k, limit, None, LONG).await);
    // A restart: the connection is gone and so is the script cache. The
    // broken connection's error makes the store reconnect and send again
    // at once: the first reservation after the restart is answered.
    server.restart();
    let request = ReserveRequest {
        key: &k,
        limit: Some(limit),
        max_wait: LONG,
        word: None,
        margin: Duration::ZERO,
    };
    let answered = s
        .reserve(&request)
        .await
        .expect("the first reservation after the restart is answered");
    granted(answered);
    let (_, word) = s.keys(&k);
    let probes: Option<i64> = redis::cmd("HGET")
        .arg(&word)
        .arg("probes")
        .query(&mut server.connection())
        .unwrap();
    assert_eq!(probes, Some(1), "the restarted Redis knew nothing: a probe");
}
