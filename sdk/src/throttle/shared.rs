//! A throttle shared through a [`ThrottleStore`] ([`SharedThrottle`]), and
//! what a client does when the store is slow or down.
//!
//! Every permit is one store step with a short deadline. When a step fails
//! (error, timeout), the client says so in `tracing` and follows its
//! [`StoreFailure`] policy; by default it paces by its own share of the
//! limit (limit / fleet size, in an [`InProcessStore`] that has heard every
//! response all along) and keeps the reactive 429 handling; it tries the
//! store again after a pause (one call tries, the others keep the local
//! share meanwhile).

use std::fmt;
use std::sync::atomic::{AtomicI64, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

use tokio::time::Instant;

use super::in_process::now_us;
use super::store::{BucketKey, Reservation, ReserveRequest, ServerWord, ThrottleStore};
use super::{BucketLimit, InProcessStore, ThrottleWait, WaitReason};

/// What a call does when the shared store cannot answer in time.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub enum StoreFailure {
    /// Pace by this process's share of the limit (limit / fleet size), plus
    /// the usual 429 handling (the default: Braze enforces the limit anyway,
    /// so this loses only throughput).
    #[default]
    FallBack,
    /// Send without shared pacing (429s are still retried).
    FailOpen,
    /// Fail the call with [`crate::Error::Throttled`] whose reason is
    /// [`WaitReason::StoreUnavailable`].
    Fail,
}

/// Default deadline of one store step.
pub const DEFAULT_STEP_TIMEOUT: Duration = Duration::from_millis(100);
/// Default pause before a failed store is tried again.
pub const DEFAULT_RETRY_PAUSE: Duration = Duration::from_secs(1);

/// A throttle shared by several clients (or processes) through a store.
///
/// ```
/// use std::sync::Arc;
/// use braze_sdk::ThrottleConfig;
/// use braze_sdk::throttle::{InProcessStore, SharedThrottle, StoreFailure};
/// let store = Arc::new(InProcessStore::new());
/// let config = ThrottleConfig::default().shared(
///     SharedThrottle::new(store).fleet_size(8).on_failure(StoreFailure::FallBack),
/// );
/// # let _ = config;
/// ```
#[derive(Clone)]
pub struct SharedThrottle {
    pub(crate) store: Arc<dyn ThrottleStore>,
    pub(crate) fleet_size: u32,
    pub(crate) on_failure: StoreFailure,
    pub(crate) step_timeout: Duration,
    pub(crate) retry_pause: Duration,
}

impl fmt::Debug for SharedThrottle {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SharedThrottle")
            .field("store", &self.store)
            .field("fleet_size", &self.fleet_size)
            .field("on_failure", &self.on_failure)
            .field("step_timeout", &self.step_timeout)
            .field("retry_pause", &self.retry_pause)
            .finish()
    }
}

impl PartialEq for SharedThrottle {
    fn eq(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.store, &other.store)
            && self.fleet_size == other.fleet_size
            && self.on_failure == other.on_failure
            && self.step_timeout == other.step_timeout
            && self.retry_pause == other.retry_pause
    }
}

impl Eq for SharedThrottle {}

impl SharedThrottle {
    /// Paces through `store`: fleet size 1, [`StoreFailure::FallBack`],
    /// [`DEFAULT_STEP_TIMEOUT`], [`DEFAULT_RETRY_PAUSE`].
    pub fn new(store: Arc<dyn ThrottleStore>) -> Self {
        Self {
            store,
            fleet_size: 1,
            on_failure: StoreFailure::FallBack,
            step_timeout: DEFAULT_STEP_TIMEOUT,
            retry_pause: DEFAULT_RETRY_PAUSE,
        }
    }

    /// Paces through Redis at `url` (`redis://host:6379/0`).
    #[cfg(feature = "redis")]
    pub fn redis(url: &str) -> Result<Self, super::StoreError> {
        Ok(Self::new(Arc::new(super::RedisStore::open(url)?)))
    }

    /// How many processes share the workspace: while the store is down,
    /// each paces by `limit / fleet_size` (at least 1).
    pub fn fleet_size(mut self, processes: u32) -> Self {
        self.fleet_size = processes.max(1);
        self
    }

    /// What a call does when the store cannot answer in time.
    pub fn on_failure(mut self, policy: StoreFailure) -> Self {
        self.on_failure = policy;
        self
    }

    /// The longest one store step may take (also bounded by the call's
    /// deadline).
    pub fn step_timeout(mut self, timeout: Duration) -> Self {
        self.step_timeout = timeout;
        self
    }

    /// How long a failed store is left alone before a call tries it again.
    pub fn retry_pause(mut self, pause: Duration) -> Self {
        self.retry_pause = pause;
        self
    }
}

/// The shared throttle of one client: its settings, its fallback and the
/// store's health.
pub(crate) struct Fleet {
    config: SharedThrottle,
    base_url: String,
    api_key: String,
    fallback: InProcessStore,
    health: Mutex<Health>,
    /// How far the server's clock is ahead of this machine's (microseconds;
    /// 0 while they agree within [`crate::rate_limit::CLOCK_SKEW_TOLERANCE`]),
    /// from the last response's `Date`. The fallback compares Braze's reset
    /// times with its own clock: it runs on the server's time instead, so a
    /// worker whose clock is off is paced the same when Redis fails.
    skew_us: AtomicI64,
}

impl fmt::Debug for Fleet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Fleet")
            .field("config", &self.config)
            .finish_non_exhaustive()
    }
}

#[derive(Default)]
struct Health {
    /// The store failed; not tried again before this.
    retry_at: Option<Instant>,
    /// A call is trying the store again.
    trying: bool,
}

impl Fleet {
    pub(crate) fn new(config: SharedThrottle, base_url: &str, api_key: &str) -> Self {
        Self {
            fallback: InProcessStore::with_share(config.fleet_size),
            config,
            base_url: base_url.to_string(),
            api_key: api_key.to_string(),
            health: Mutex::new(Health::default()),
            skew_us: AtomicI64::new(0),
        }
    }

    /// Records how far the server's clock (`server`) is from this machine's
    /// (`local`), both read when a response arrived.
    pub(crate) fn clock_skew(&self, server: SystemTime, local: SystemTime) {
        let skew = match server.duration_since(local) {
            Ok(ahead) => i64::try_from(ahead.as_micros()).unwrap_or(i64::MAX),
            Err(behind) => -i64::try_from(behind.duration().as_micros()).unwrap_or(i64::MAX),
        };
        self.skew_us.store(skew, Ordering::Relaxed);
    }

    /// The server's time now, as this machine's clock and the last skew
    /// heard put it (microseconds since the epoch): the fallback's clock.
    fn server_now_us(&self) -> u64 {
        now_us().saturating_add_signed(self.skew_us.load(Ordering::Relaxed))
    }

    /// The store key of `bucket`.
    pub(crate) fn key(&self, bucket: &'static str) -> BucketKey {
        BucketKey::new(&self.base_url, &self.api_key, bucket)
    }

    fn health(&self) -> std::sync::MutexGuard<'_, Health> {
        self.health.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Whether this call should ask the store (it is up, or its pause is
    /// over and no other call is trying it).
    fn should_try(&self, now: Instant) -> bool {
        let mut h = self.health();
        match h.retry_at {
            None => true,
            Some(at) if now >= at && !h.trying => {
                h.trying = true;
                true
            }
            Some(_) => false,
        }
    }

    fn succeeded(&self) {
        let mut h = self.health();
        if h.retry_at.take().is_some() {
            tracing::info!(store = ?self.config.store, "shared throttle store answers again; pacing by it");
        }
        h.trying = false;
    }

    fn failed(&self, now: Instant, error: &dyn fmt::Display) {
        let mut h = self.health();
        let first = h.retry_at.is_none();
        h.retry_at = Some(now + self.config.retry_pause);
        h.trying = false;
        drop(h);
        let policy = self.config.on_failure;
        let pause_ms = self.config.retry_pause.as_millis() as u64;
        if first {
            tracing::warn!(%error, ?policy, fleet_size = self.config.fleet_size, pause_ms, "shared throttle store failed; retrying it after a pause");
        } else {
            tracing::debug!(%error, pause_ms, "shared throttle store still failing");
        }
    }

    /// Takes in a response's word: the fallback hears it at once; a 429 is
    /// also sent to the store at once (the next reservation carries the rest).
    pub(crate) fn heard(self: &Arc<Self>, key: &BucketKey, word: ServerWord, margin: Duration) {
        self.fallback
            .observe_at(key, &word, margin, self.server_now_us());
        if word.rate_limited
            && self.health().retry_at.is_none()
            && let Ok(runtime) = tokio::runtime::Handle::try_current()
        {
            let fleet = self.clone();
            let key = key.clone();
            runtime.spawn(async move {
                let step = fleet.config.store.observe(&key, &word, margin);
                match tokio::time::timeout(fleet.config.step_timeout, step).await {
                    Ok(Ok(())) => {}
                    Ok(Err(e)) => fleet.failed(Instant::now(), &e),
                    Err(_) => fleet.failed(Instant::now(), &"timed out"),
                }
            });
        }
    }

    /// Reserves a slot of `bucket` and sleeps until it, within `deadline`.
    /// Returns how long it took. `horizon`: the last slot this process got
    /// from the store (microseconds since the epoch), where its local share
    /// starts when the store fails.
    pub(crate) async fn reserve(
        &self,
        key: &BucketKey,
        horizon: &AtomicU64,
        limit: Option<BucketLimit>,
        word: Option<ServerWord>,
        margin: Duration,
        deadline: Instant,
    ) -> Result<Duration, ThrottleWait> {
        let started = Instant::now();
        let max_wait = deadline.saturating_duration_since(started);
        let request = ReserveRequest {
            key,
            limit,
            max_wait,
            word,
            margin,
        };
        let deadline_first = |reason| ThrottleWait {
            bucket: key.bucket(),
            wait: None,
            reason,
            reset_epoch_seconds: None,
        };
        if max_wait.is_zero() {
            return Err(deadline_first(WaitReason::Pace));
        }
        let answer = if self.should_try(started) {
            let step = self.config.step_timeout.min(max_wait);
            match tokio::time::timeout(step, self.config.store.reserve(&request)).await {
                Ok(Ok(r)) => {
                    self.succeeded();
                    if let Reservation::Granted { wait, .. } = r {
                        let slot =
                            self.server_now_us() + u64::try_from(wait.as_micros()).unwrap_or(0);
                        horizon.fetch_max(slot, Ordering::Relaxed);
                    }
                    Some(r)
                }
                Ok(Err(e)) => {
                    self.failed(Instant::now(), &e);
                    None
                }
                // The call's deadline, not the store, cut the step short.
                Err(_) if step < self.config.step_timeout => {
                    self.health().trying = false;
                    return Err(deadline_first(WaitReason::Pace));
                }
                Err(_) => {
                    self.failed(
                        Instant::now(),
                        &format_args!("no answer within {} ms", step.as_millis()),
                    );
                    None
                }
            }
        } else {
            None
        };
        let answer = match answer {
            Some(r) => r,
            None => match self.config.on_failure {
                StoreFailure::FallBack => {
                    self.fallback
                        .pace_not_before(key, horizon.load(Ordering::Relaxed));
                    self.fallback.reserve_at(
                        &ReserveRequest {
                            max_wait: deadline.saturating_duration_since(Instant::now()),
                            ..request
                        },
                        self.server_now_us(),
                    )
                }
                StoreFailure::FailOpen => return Ok(started.elapsed()),
                StoreFailure::Fail => return Err(deadline_first(WaitReason::StoreUnavailable)),
            },
        };
        match answer {
            Reservation::Granted { wait, .. } => {
                // From the answer (not from the request): never early.
                if !wait.is_zero() {
                    tokio::time::sleep_until((Instant::now() + wait).min(deadline)).await;
                }
                Ok(started.elapsed())
            }
            Reservation::Refused { wait, reason } => Err(ThrottleWait {
                bucket: key.bucket(),
                wait: Some(wait),
                reason,
                reset_epoch_seconds: None,
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::throttle::store::{StoreError, StoreFuture};
    use std::sync::atomic::AtomicUsize;

    /// A store that fails (or never answers), counting the calls.
    #[derive(Debug, Default)]
    struct Broken {
        hang: bool,
        calls: AtomicUsize,
    }

    impl ThrottleStore for Broken {
        fn reserve<'a>(
            &'a self,
            _: &'a ReserveRequest<'a>,
        ) -> StoreFuture<'a, Result<Reservation, StoreError>> {
            self.calls.fetch_add(1, Ordering::SeqCst);
            let hang = self.hang;
            Box::pin(async move {
                if hang {
                    std::future::pending::<()>().await;
                }
                Err(StoreError("connection refused".into()))
            })
        }
        fn observe<'a>(
            &'a self,
            _: &'a BucketKey,
            _: &'a ServerWord,
            _: Duration,
        ) -> StoreFuture<'a, Result<(), StoreError>> {
            Box::pin(std::future::ready(Err(StoreError("down".into()))))
        }
    }

    fn fleet(store: Arc<Broken>, policy: StoreFailure) -> Arc<Fleet> {
        let config = SharedThrottle::new(store)
            .fleet_size(4)
            .on_failure(policy)
            .step_timeout(Duration::from_millis(50))
            .retry_pause(Duration::from_millis(300));
        Arc::new(Fleet::new(config, "http://127.0.0.1:1", "k"))
    }

    const LIMIT: Option<BucketLimit> = Some(BucketLimit {
        requests: 40,
        window: Duration::from_secs(1),
    });

    async fn reserve(fleet: &Fleet, horizon: &AtomicU64) -> Result<Duration, ThrottleWait> {
        let key = fleet.key("users-track");
        let word = Some(ServerWord {
            limit: Some(40),
            ..ServerWord::default()
        });
        let deadline = Instant::now() + Duration::from_secs(5);
        fleet
            .reserve(&key, horizon, LIMIT, word, Duration::ZERO, deadline)
            .await
    }

    #[tokio::test]
    async fn a_failed_store_falls_back_to_the_local_share_and_is_tried_again_after_the_pause() {
        let store = Arc::new(Broken::default());
        let f = fleet(store.clone(), StoreFailure::FallBack);
        let horizon = AtomicU64::new(0);
        let started = std::time::Instant::now();
        // 40 per second shared by 4: 10 per second here (9 paced), so the
        // third permit comes about 222 ms after the first.
        for _ in 0..3 {
            reserve(&f, &horizon).await.unwrap();
        }
        let elapsed = started.elapsed();
        assert!(
            elapsed > Duration::from_millis(200) && elapsed < Duration::from_millis(400),
            "{elapsed:?}"
        );
        // The store was asked once, then left alone until its pause ended.
        assert_eq!(store.calls.load(Ordering::SeqCst), 1);
        tokio::time::sleep(Duration::from_millis(300)).await;
        reserve(&f, &horizon).await.unwrap();
        assert_eq!(store.calls.load(Ordering::SeqCst), 2);
    }

    #[tokio::test]
    async fn the_fallback_reads_resets_on_the_servers_clock_when_this_one_is_off() {
        let f = fleet(Arc::new(Broken::default()), StoreFailure::FallBack);
        // This machine's clock is 30 s slow: a reset 1 s away by the server's
        // clock is 31 s away by this one.
        let local = SystemTime::now();
        let server = local + Duration::from_secs(30);
        f.clock_skew(server, local);
        let reset = server
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_secs()
            + 1;
        let key = f.key("users-track");
        let word = Some(ServerWord {
            limit: Some(40),
            remaining: Some(0),
            reset_epoch_seconds: Some(reset),
            ..ServerWord::default()
        });
        let deadline = Instant::now() + Duration::from_secs(5);
        let horizon = AtomicU64::new(0);
        let waited = f
            .reserve(&key, &horizon, LIMIT, word, Duration::ZERO, deadline)
            .await
            .expect("the window reopens within the deadline");
        assert!(waited < Duration::from_millis(2_500), "{waited:?}");
    }

    #[tokio::test]
    async fn a_store_that_does_not_answer_costs_one_step_deadline() {
        let store = Arc::new(Broken {
            hang: true,
            ..Broken::default()
        });
        let f = fleet(store, StoreFailure::FailOpen);
        let horizon = AtomicU64::new(0);
        let waited = reserve(&f, &horizon).await.unwrap();
        assert!(
            waited >= Duration::from_millis(50) && waited < Duration::from_millis(200),
            "{waited:?}"
        );
        // Fail open: the next call neither waits for the store nor paces.
        let waited = reserve(&f, &horizon).await.unwrap();
        assert!(waited < Duration::from_millis(20), "{waited:?}");
    }

    #[tokio::test]
    async fn the_fail_policy_is_a_typed_error() {
        let f = fleet(Arc::new(Broken::default()), StoreFailure::Fail);
        let err = reserve(&f, &AtomicU64::new(0)).await.unwrap_err();
        assert_eq!(err.reason, WaitReason::StoreUnavailable);
        assert_eq!(err.bucket, "users-track");
    }

    #[tokio::test]
    async fn the_local_share_starts_after_the_slots_the_store_granted() {
        let f = fleet(Arc::new(Broken::default()), StoreFailure::FallBack);
        let horizon = AtomicU64::new(now_us() + 300_000);
        let waited = reserve(&f, &horizon).await.unwrap();
        assert!(waited >= Duration::from_millis(280), "{waited:?}");
    }
}
