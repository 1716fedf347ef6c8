//! Where a throttle's shared state lives: the [`ThrottleStore`] trait and
//! what passes through it.
//!
//! A bucket's state that must be the same for every client of a workspace
//! (the documented budget, the server's word from `X-RateLimit-*`, a 429's
//! hold) is kept by a store. One call per permit, [`ThrottleStore::reserve`],
//! hands in what the client last heard from the server and reserves the
//! next slot: the store answers how long to wait, so a client sleeps exactly
//! that instead of polling. [`InProcessStore`](super::InProcessStore) keeps
//! the state in memory (clients of one process);
//! `RedisStore` (cargo feature `redis`) keeps it in Redis, for a fleet of
//! processes on several machines.
//!
//! Both run the same algorithm (GCRA in one atomic step, timed by the
//! store's own clock):
//!
//! * the pace: one slot per `window / (limit x fill)`, with a small burst
//!   (`fill` below 1 leaves room so that Braze's fixed windows, which a
//!   continuous pace does not line up with, are never overrun); the limit is
//!   the server's word once any client heard it, else the documented one;
//! * the server's word: the last `X-RateLimit-Remaining` of the current
//!   window (the smallest one heard), minus the slots reserved since; at 0,
//!   slots move to the window's reset;
//! * a 429's hold: no slot before `Retry-After` (or the reset);
//! * until any client heard the server's limit, slots are at least
//!   `probe_gap` apart (a workspace's real limit can be far below the
//!   documented one, and a fleet must not burst at the documented pace
//!   before the first answer tells it).

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::time::Duration;

use super::{BucketLimit, WaitReason};

/// The future a [`ThrottleStore`] method returns.
pub type StoreFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// Keeps the shared state of throttle buckets. Implementations must make
/// [`reserve`](ThrottleStore::reserve) atomic: two clients never get the
/// same slot.
pub trait ThrottleStore: Send + Sync + fmt::Debug {
    /// Applies `request.word` (if any), then reserves the bucket's next slot
    /// unless it is more than `request.max_wait` away.
    fn reserve<'a>(
        &'a self,
        request: &'a ReserveRequest<'a>,
    ) -> StoreFuture<'a, Result<Reservation, StoreError>>;

    /// Applies what a response said (a 429 above all) without reserving.
    fn observe<'a>(
        &'a self,
        key: &'a BucketKey,
        word: &'a ServerWord,
        margin: Duration,
    ) -> StoreFuture<'a, Result<(), StoreError>>;
}

/// Names a bucket of a workspace in a store: a hash of the instance's base
/// URL and the API key (never the key itself) and the bucket's name.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct BucketKey {
    workspace: String,
    bucket: &'static str,
}

impl BucketKey {
    /// The key of `bucket` for the workspace of `base_url` and `api_key`.
    pub fn new(base_url: &str, api_key: &str, bucket: &'static str) -> Self {
        Self {
            workspace: workspace_id(base_url, api_key),
            bucket,
        }
    }

    /// The workspace's hash (hex; 24 characters).
    pub fn workspace(&self) -> &str {
        &self.workspace
    }

    /// The bucket's name.
    pub fn bucket(&self) -> &'static str {
        self.bucket
    }

    /// `{<workspace>:<bucket>}`: a Redis Cluster hash tag, so that every key
    /// of a bucket lives in one slot.
    pub fn hash_tag(&self) -> String {
        format!("{{{}:{}}}", self.workspace, self.bucket)
    }
}

impl fmt::Debug for BucketKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "BucketKey({}:{})", self.workspace, self.bucket)
    }
}

/// SHA-256 of a fixed label, the base URL and the key, first 12 bytes in
/// hex: the same for every process of a workspace, and the key cannot be
/// recovered from it.
fn workspace_id(base_url: &str, api_key: &str) -> String {
    let mut ctx = ring::digest::Context::new(&ring::digest::SHA256);
    ctx.update(b"braze-sdk throttle workspace v1\n");
    ctx.update(base_url.trim_end_matches('/').as_bytes());
    ctx.update(b"\n");
    ctx.update(api_key.as_bytes());
    let digest = ctx.finish();
    digest.as_ref()[..12]
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// What one response said about its bucket, handed to the store.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ServerWord {
    /// `X-RateLimit-Limit`.
    pub limit: Option<u32>,
    /// `X-RateLimit-Remaining`.
    pub remaining: Option<u32>,
    /// `X-RateLimit-Reset`, seconds since the epoch (the server's clock).
    pub reset_epoch_seconds: Option<u64>,
    /// The answer was a 429.
    pub rate_limited: bool,
    /// A 429's `Retry-After`, relative (without it, a 429 holds the bucket
    /// until `reset_epoch_seconds`).
    pub retry_after: Option<Duration>,
}

impl ServerWord {
    /// Whether it says anything.
    pub fn is_empty(&self) -> bool {
        *self == Self::default()
    }

    /// `self`, completed by an older word where `self` says nothing, and
    /// keeping a 429 of either.
    pub fn merged_over(self, older: ServerWord) -> ServerWord {
        ServerWord {
            limit: self.limit.or(older.limit),
            remaining: self.remaining.or(older.remaining),
            reset_epoch_seconds: self.reset_epoch_seconds.or(older.reset_epoch_seconds),
            rate_limited: self.rate_limited || older.rate_limited,
            retry_after: match (self.retry_after, older.retry_after) {
                (Some(a), Some(b)) => Some(a.max(b)),
                (a, b) => a.or(b),
            },
        }
    }
}

/// A request for a bucket's next slot.
#[derive(Clone, Debug)]
pub struct ReserveRequest<'a> {
    pub key: &'a BucketKey,
    /// The documented (or configured) limit; `None`: no pace, only the
    /// server's word and holds.
    pub limit: Option<BucketLimit>,
    /// Reserve nothing when the slot is further away than this.
    pub max_wait: Duration,
    /// What this client heard since its last reservation.
    pub word: Option<ServerWord>,
    /// Time added after a reset or hold (the headers count whole seconds).
    pub margin: Duration,
}

/// A store's answer to [`ThrottleStore::reserve`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Reservation {
    /// The slot is reserved: send after `wait`.
    Granted { wait: Duration, reason: WaitReason },
    /// Nothing reserved: the next slot is `wait` away, past `max_wait`.
    Refused { wait: Duration, reason: WaitReason },
}

/// The store could not be reached or answered something unexpected. Never
/// contains a password or API key.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoreError(pub String);

impl fmt::Display for StoreError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for StoreError {}

/// Tuning shared by the stores' algorithm.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PaceTuning {
    /// The share of the limit paced, per mille (default 980: 98 %).
    pub fill_per_mille: u32,
    /// Shortest gap between slots until the server's limit is known.
    pub probe_gap: Duration,
    /// Slots spaced by `probe_gap` at most (then the documented pace
    /// applies, for buckets whose answers carry no limit).
    pub max_probes: u32,
    /// How long the server's word outlives its window or hold.
    pub word_ttl: Duration,
}

impl Default for PaceTuning {
    fn default() -> Self {
        Self {
            fill_per_mille: 980,
            probe_gap: Duration::from_millis(100),
            max_probes: 16,
            word_ttl: Duration::from_secs(600),
        }
    }
}

/// The reason codes the stores return (also the Lua script's).
pub(crate) fn reason_of(code: i64) -> WaitReason {
    match code {
        1 => WaitReason::RateLimited,
        2 => WaitReason::WindowExhausted,
        _ => WaitReason::Pace,
    }
}

/// GCRA's emission interval and burst tolerance, in microseconds, for
/// `limit` per `window_us` paced at `fill_per_mille`.
pub(crate) fn gcra(limit: u64, window_us: u64, fill_per_mille: u32) -> (u64, u64) {
    let fill = u64::from(fill_per_mille.clamp(1, 1000));
    let paced = (limit * fill / 1000).max(1);
    let interval = window_us.div_ceil(paced).max(1);
    // Half the room left by `fill`, so a fixed window never sees more than
    // `limit` from the pace plus its burst.
    let burst = ((limit - paced.min(limit)) / 2).max(1);
    (interval, (burst - 1) * interval)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_workspace_is_named_by_a_hash_that_does_not_show_the_key() {
        let a = BucketKey::new(
            "https://rest.iad-03.braze.com",
            "secret-key-1",
            "users-track",
        );
        let b = BucketKey::new("https://rest.iad-03.braze.com/", "secret-key-1", "default");
        let c = BucketKey::new(
            "https://rest.iad-03.braze.com",
            "secret-key-2",
            "users-track",
        );
        assert_eq!(a.workspace(), b.workspace());
        assert_ne!(a.workspace(), c.workspace());
        assert_eq!(a.workspace().len(), 24);
        assert!(!format!("{a:?}{}", a.hash_tag()).contains("secret"));
        assert_eq!(a.hash_tag(), format!("{{{}:users-track}}", a.workspace()));
    }

    #[test]
    fn the_pace_leaves_room_for_its_burst_within_the_limit() {
        // 300 per 3 s at 98 %: 294 paced, burst 3.
        let (interval, tolerance) = gcra(300, 3_000_000, 980);
        assert_eq!(interval, 10_205);
        assert_eq!(tolerance, 2 * interval);
        let per_window = 3_000_000 / interval + 1 + tolerance / interval;
        assert!(per_window <= 300, "{per_window}");
        // A tiny limit still paces.
        assert_eq!(gcra(1, 1_000_000, 980), (1_000_000, 0));
    }

    #[test]
    fn a_newer_word_keeps_an_older_429() {
        let older = ServerWord {
            rate_limited: true,
            retry_after: Some(Duration::from_secs(2)),
            ..ServerWord::default()
        };
        let newer = ServerWord {
            remaining: Some(5),
            ..ServerWord::default()
        };
        let m = newer.merged_over(older);
        assert!(m.rate_limited);
        assert_eq!(m.remaining, Some(5));
        assert_eq!(m.retry_after, Some(Duration::from_secs(2)));
    }
}
