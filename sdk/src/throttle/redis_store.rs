//! [`RedisStore`]: a [`ThrottleStore`] in Redis, so that every process of a
//! fleet paces by one budget per workspace bucket (cargo feature `redis`).
//!
//! One Lua script per permit (`reserve.lua`, run with EVALSHA; redis-rs's
//! `Script` loads it again after a `NOSCRIPT`, e.g. when Redis restarted and
//! lost its script cache). Keys: `<prefix>{<workspace hash>:<bucket>}:tat`
//! and `...:word`; the hash tag puts both in one Redis Cluster slot. The
//! connection is redis-rs's `ConnectionManager` (one multiplexed
//! connection, reconnected after a failure), opened on first use.

use std::fmt;
use std::time::Duration;

use redis::aio::{ConnectionManager, ConnectionManagerConfig};

use super::store::{
    BucketKey, PaceTuning, Reservation, ReserveRequest, ServerWord, StoreError, StoreFuture,
    ThrottleStore, reason_of,
};

/// The script every permit runs.
const SCRIPT: &str = include_str!("reserve.lua");

/// Keeps throttle buckets in Redis. Cheap to share: wrap it in an `Arc`.
pub struct RedisStore {
    client: redis::Client,
    /// Where it connects, without a password (for `Debug` and errors).
    shown: String,
    prefix: String,
    tuning: PaceTuning,
    connect_timeout: Duration,
    connection: tokio::sync::OnceCell<ConnectionManager>,
    script: redis::Script,
}

impl fmt::Debug for RedisStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RedisStore")
            .field("server", &self.shown)
            .field("prefix", &self.prefix)
            .finish()
    }
}

impl RedisStore {
    /// A store at `url` (`redis://[:password@]host:port/db`,
    /// `rediss://...`, `redis+unix:///path`). Does not connect yet: the
    /// first reservation does.
    pub fn open(url: &str) -> Result<Self, StoreError> {
        let client = redis::Client::open(url)
            .map_err(|e| StoreError(format!("invalid Redis URL {}: {e}", redact(url))))?;
        Ok(Self {
            client,
            shown: redact(url),
            prefix: "braze:".to_string(),
            tuning: PaceTuning::default(),
            connect_timeout: Duration::from_secs(1),
            connection: tokio::sync::OnceCell::new(),
            script: redis::Script::new(SCRIPT),
        })
    }

    /// Prefixes every key (default `braze:`).
    pub fn prefix(mut self, prefix: impl Into<String>) -> Self {
        self.prefix = prefix.into();
        self
    }

    /// Replaces the algorithm's tuning.
    pub fn tuning(mut self, tuning: PaceTuning) -> Self {
        self.tuning = tuning;
        self
    }

    /// The two keys of a bucket.
    pub fn keys(&self, key: &BucketKey) -> (String, String) {
        let tag = key.hash_tag();
        (
            format!("{}{tag}:tat", self.prefix),
            format!("{}{tag}:word", self.prefix),
        )
    }

    async fn connection(&self) -> Result<ConnectionManager, StoreError> {
        let manager = self
            .connection
            .get_or_try_init(|| async {
                // Reconnection is retried by the next call, not in a loop
                // here: the caller's step deadline bounds each attempt.
                let config = ConnectionManagerConfig::new()
                    .set_number_of_retries(1)
                    .set_max_delay(Duration::from_millis(200))
                    .set_connection_timeout(Some(self.connect_timeout));
                ConnectionManager::new_with_config(self.client.clone(), config)
                    .await
                    .map_err(|e| self.error(&e))
            })
            .await?;
        Ok(manager.clone())
    }

    fn error(&self, e: &redis::RedisError) -> StoreError {
        StoreError(format!("Redis at {}: {e}", self.shown))
    }

    async fn run(
        &self,
        key: &BucketKey,
        reserve: Option<&ReserveRequest<'_>>,
        word: Option<&ServerWord>,
        margin: Duration,
    ) -> Result<(i64, i64, i64), StoreError> {
        let mut connection = self.connection().await?;
        let (tat, word_key) = self.keys(key);
        let us = |d: Duration| i64::try_from(d.as_micros()).unwrap_or(i64::MAX);
        let (limit, window) = match reserve.and_then(|r| r.limit) {
            Some(l) if l.requests > 0 => (i64::from(l.requests), us(l.window).max(1)),
            _ => (0, 0),
        };
        let mut invocation = self.script.key(tat);
        invocation
            .key(word_key)
            .arg(i64::from(reserve.is_some()))
            .arg(limit)
            .arg(window)
            .arg(reserve.map_or(0, |r| us(r.max_wait)))
            .arg(us(margin))
            .arg(self.tuning.fill_per_mille)
            .arg(us(self.tuning.probe_gap))
            .arg(self.tuning.max_probes)
            .arg(us(self.tuning.word_ttl));
        match word {
            Some(w) => invocation
                .arg(1)
                .arg(w.limit.unwrap_or(0))
                .arg(w.remaining.map_or(-1, i64::from))
                .arg(w.reset_epoch_seconds.unwrap_or(0))
                .arg(i64::from(w.rate_limited))
                .arg(w.retry_after.map_or(-1, us)),
            None => invocation.arg(0).arg(0).arg(-1).arg(0).arg(0).arg(-1),
        };
        let answer: Vec<i64> = match invocation.invoke_async(&mut connection).await {
            Ok(answer) => answer,
            // The connection broke (Redis restarted, a proxy closed it):
            // the manager reconnects on this very error, so the next
            // command would succeed; sent again at once (the caller's step
            // deadline bounds the wait for the new connection) rather than
            // one fallback pause later, which would leave this worker on its
            // local share while the rest of the fleet is back on Redis.
            Err(e) if e.is_unrecoverable_error() => invocation
                .invoke_async(&mut connection)
                .await
                .map_err(|e| self.error(&e))?,
            Err(e) => return Err(self.error(&e)),
        };
        match answer[..] {
            [granted, wait, reason] => Ok((granted, wait, reason)),
            _ => Err(StoreError(format!(
                "Redis at {}: unexpected script answer {answer:?}",
                self.shown
            ))),
        }
    }
}

impl ThrottleStore for RedisStore {
    fn reserve<'a>(
        &'a self,
        request: &'a ReserveRequest<'a>,
    ) -> StoreFuture<'a, Result<Reservation, StoreError>> {
        Box::pin(async move {
            let (granted, wait, reason) = self
                .run(
                    request.key,
                    Some(request),
                    request.word.as_ref(),
                    request.margin,
                )
                .await?;
            let wait = Duration::from_micros(u64::try_from(wait).unwrap_or(0));
            let reason = reason_of(reason);
            Ok(if granted == 1 {
                Reservation::Granted { wait, reason }
            } else {
                Reservation::Refused { wait, reason }
            })
        })
    }

    fn observe<'a>(
        &'a self,
        key: &'a BucketKey,
        word: &'a ServerWord,
        margin: Duration,
    ) -> StoreFuture<'a, Result<(), StoreError>> {
        Box::pin(async move {
            self.run(key, None, Some(word), margin).await?;
            Ok(())
        })
    }
}

/// `url` without its password (`redis://user:secret@host` shows as
/// `redis://user:***@host`).
fn redact(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return "<not a URL>".to_string();
    };
    let (authority, path) = match rest.find('/') {
        Some(i) => rest.split_at(i),
        None => (rest, ""),
    };
    match authority.rsplit_once('@') {
        Some((user_info, host)) => {
            let user = user_info.split(':').next().unwrap_or("");
            format!("{scheme}://{user}:***@{host}{path}")
        }
        None => url.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_password_never_shows() {
        assert_eq!(
            redact("redis://:hunter2@127.0.0.1:6379/0"),
            "redis://:***@127.0.0.1:6379/0"
        );
        assert_eq!(
            redact("rediss://app:hunter2@cache.internal"),
            "rediss://app:***@cache.internal"
        );
        assert_eq!(redact("redis://127.0.0.1:6379"), "redis://127.0.0.1:6379");
        let store = RedisStore::open("redis://:hunter2@127.0.0.1:6379/0").unwrap();
        assert!(!format!("{store:?}").contains("hunter2"));
        let err = RedisStore::open("redis://:hunter2@[::1/0").unwrap_err();
        assert!(!err.to_string().contains("hunter2"), "{err}");
    }

    #[test]
    fn a_buckets_keys_share_one_cluster_slot_and_hide_the_key() {
        let store = RedisStore::open("redis://127.0.0.1:1").unwrap();
        let key = BucketKey::new("https://rest.iad-03.braze.com", "secret", "users-track");
        let (tat, word) = store.keys(&key);
        let tag = key.hash_tag();
        assert_eq!(tat, format!("braze:{tag}:tat"));
        assert_eq!(word, format!("braze:{tag}:word"));
        assert!(!tat.contains("secret"));
    }
}
