//! Client-side pacing under Braze's rate limits, so that requests wait for
//! capacity instead of collecting 429s.
//!
//! Braze counts requests per workspace in buckets that several endpoints can
//! share (`x-braze-rate-limit` in the spec, turned into
//! [`crate::operation::OPERATIONS`]). Each bucket of a client has two gates,
//! and a request passes both before it is sent:
//!
//! * **the documented budget**: a [governor] GCRA limiter seeded from the
//!   spec's `requests` per `window_seconds` (or a per-bucket override), which
//!   paces requests while the server's current window is not known (no
//!   response yet, or responses without the headers);
//! * **the server's word**: every response's `X-RateLimit-Limit`,
//!   `-Remaining` and `-Reset` headers. The limit replaces the documented one
//!   (a workspace's real limit can differ from the docs); the remaining count,
//!   minus the requests still in flight, is what may still be sent before the
//!   reset; a 429 holds the whole bucket until its reset.
//!
//! Until a bucket's first response arrives, only one request of it is in
//! flight: the limit is not known yet, and a burst of hundreds of tasks
//! would otherwise overrun a workspace whose limit is lower than documented.
//!
//! The buckets are shared by every clone of a client and every task using
//! it. Waiting is FIFO per bucket (one waiter at a time holds the bucket's
//! gate), so a queue of hundreds of tasks wakes one task per free slot.
//!
//! A client can also share its buckets with other clients and processes
//! through a [`ThrottleStore`] ([`SharedThrottle`]; Redis with the cargo
//! feature `redis`, or `BRAZE_THROTTLE_REDIS`): the store then keeps the
//! budget, the server's word and 429 holds, one reservation per request,
//! and the bucket here keeps only the queue and the first-response probe.
//!
//! [governor]: https://docs.rs/governor

mod in_process;
#[cfg(feature = "redis")]
mod redis_store;
mod shared;
mod store;

pub use in_process::InProcessStore;
#[cfg(feature = "redis")]
pub use redis_store::RedisStore;
pub use shared::{DEFAULT_RETRY_PAUSE, DEFAULT_STEP_TIMEOUT, SharedThrottle, StoreFailure};
pub use store::{
    BucketKey, PaceTuning, Reservation, ReserveRequest, ServerWord, StoreError, StoreFuture,
    ThrottleStore,
};

use shared::Fleet;

use std::collections::HashMap;
use std::fmt;
use std::num::NonZeroU32;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use governor::clock::{Clock, MonotonicClock};
use governor::{Quota, RateLimiter};
use reqwest::StatusCode;
use reqwest::header::HeaderMap;
use tokio::time::Instant;

// `Bucket` here is a bucket's state; the spec's bucket names are `BucketId`.
use crate::operation::{Bucket as BucketId, OPERATIONS, RateLimit};
use crate::rate_limit::{RateLimitStatus, server_now};

/// A rate limit: `requests` per `window`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BucketLimit {
    pub requests: u32,
    pub window: Duration,
}

impl BucketLimit {
    /// `requests` per `window`.
    pub fn new(requests: u32, window: Duration) -> Self {
        Self { requests, window }
    }
}

/// How a client paces itself. On by default, with the spec's limits.
///
/// ```
/// use std::time::Duration;
/// use braze_sdk::Bucket;
/// use braze_sdk::throttle::{BucketLimit, ThrottleConfig};
/// // This workspace was granted 6,000 /users/track requests per 3 s.
/// let config = ThrottleConfig::default()
///     .bucket(Bucket::UsersTrack, BucketLimit::new(6_000, Duration::from_secs(3)));
/// # let _ = config;
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ThrottleConfig {
    enabled: bool,
    overrides: Vec<(String, Option<BucketLimit>)>,
    reset_margin: Duration,
    shared: Option<SharedThrottle>,
    from_environment: bool,
}

impl Default for ThrottleConfig {
    fn default() -> Self {
        Self {
            enabled: true,
            overrides: Vec::new(),
            reset_margin: DEFAULT_RESET_MARGIN,
            shared: None,
            from_environment: true,
        }
    }
}

/// Time added after a bucket's `X-RateLimit-Reset` before its next request:
/// the header has a resolution of one second and clocks differ a little.
pub const DEFAULT_RESET_MARGIN: Duration = Duration::from_millis(50);

impl ThrottleConfig {
    /// No client-side pacing at all: every request is sent at once (a 429 is
    /// still retried as the retry policy says).
    pub fn disabled() -> Self {
        Self {
            enabled: false,
            ..Self::default()
        }
    }

    /// Replaces the documented limit of `bucket` (a bucket of the spec,
    /// e.g. [`crate::Bucket::UsersTrack`]).
    pub fn bucket(mut self, bucket: BucketId, limit: BucketLimit) -> Self {
        self.overrides
            .push((bucket.as_str().to_string(), Some(limit)));
        self
    }

    /// Does not pace `bucket` by a documented limit (the response headers are
    /// still obeyed).
    pub fn unlimited(mut self, bucket: BucketId) -> Self {
        self.overrides.push((bucket.as_str().to_string(), None));
        self
    }

    /// Replaces [`DEFAULT_RESET_MARGIN`].
    pub fn reset_margin(mut self, margin: Duration) -> Self {
        self.reset_margin = margin;
        self
    }

    /// Whether pacing is on.
    pub fn is_enabled(&self) -> bool {
        self.enabled
    }

    /// Shares the buckets through a store (e.g. Redis, for a fleet of
    /// processes using one workspace). Without it, a client built with the
    /// `redis` feature reads [`ENV_REDIS`] (and [`ENV_FLEET_SIZE`]).
    pub fn shared(mut self, shared: SharedThrottle) -> Self {
        self.shared = Some(shared);
        self
    }

    /// Does not read [`ENV_REDIS`] and [`ENV_FLEET_SIZE`].
    pub fn ignore_environment(mut self) -> Self {
        self.from_environment = false;
        self
    }

    /// The shared throttle: the configured one, else one from the
    /// environment.
    fn shared_throttle(&self) -> Result<Option<SharedThrottle>, StoreError> {
        if !self.enabled {
            return Ok(None);
        }
        if let Some(s) = &self.shared {
            return Ok(Some(s.clone()));
        }
        if !self.from_environment {
            return Ok(None);
        }
        let Some(url) = std::env::var(ENV_REDIS)
            .ok()
            .filter(|u| !u.trim().is_empty())
        else {
            return Ok(None);
        };
        #[cfg(feature = "redis")]
        {
            let mut shared = SharedThrottle::redis(url.trim())
                .map_err(|e| StoreError(format!("{ENV_REDIS}: {e}")))?;
            if let Ok(size) = std::env::var(ENV_FLEET_SIZE) {
                let size = size
                    .trim()
                    .parse::<u32>()
                    .ok()
                    .filter(|n| *n > 0)
                    .ok_or_else(|| {
                        StoreError(format!(
                            "{ENV_FLEET_SIZE} is not a whole number above 0: {size:?}"
                        ))
                    })?;
                shared = shared.fleet_size(size);
            }
            Ok(Some(shared))
        }
        #[cfg(not(feature = "redis"))]
        {
            let _ = url;
            tracing::warn!(
                "{ENV_REDIS} is set but braze-sdk was built without its `redis` feature: each client paces alone"
            );
            Ok(None)
        }
    }
}

/// The environment variable naming the Redis a client shares its throttle
/// through (`redis://127.0.0.1:6379/0`), read by [`crate::ClientBuilder::build`]
/// when the throttle is not configured with [`ThrottleConfig::shared`].
pub const ENV_REDIS: &str = "BRAZE_THROTTLE_REDIS";
/// The environment variable giving the fleet size (processes sharing the
/// workspace) for [`ENV_REDIS`]: each falls back to `limit / size` while
/// Redis is unreachable. Default 1.
pub const ENV_FLEET_SIZE: &str = "BRAZE_THROTTLE_FLEET_SIZE";

/// The buckets of one client, shared by its clones.
pub(crate) struct Throttle {
    enabled: bool,
    buckets: HashMap<&'static str, Arc<Bucket>>,
    /// The bucket of each operation, by its index in [`OPERATIONS`] (a
    /// request finds its bucket without hashing the bucket's name).
    by_operation: Box<[Arc<Bucket>]>,
}

impl fmt::Debug for Throttle {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Throttle")
            .field("enabled", &self.enabled)
            .field("buckets", &self.buckets.len())
            .finish()
    }
}

/// Why a request could not get through the throttle before its deadline.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ThrottleWait {
    /// The bucket.
    pub bucket: &'static str,
    /// How long the request would still have had to wait, when known.
    pub wait: Option<Duration>,
    /// What it was waiting for.
    pub reason: WaitReason,
    /// The bucket's last known reset, seconds since the epoch.
    pub reset_epoch_seconds: Option<u64>,
}

/// What a throttled request waits for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum WaitReason {
    /// A 429 answer holds the bucket until its reset.
    RateLimited,
    /// The bucket's `X-RateLimit-Remaining` is used up until its reset.
    WindowExhausted,
    /// The documented (or configured) pace of the bucket.
    Pace,
    /// The bucket's first request is in flight; its answer tells the limit.
    FirstResponse,
    /// The shared throttle store did not answer in time
    /// ([`StoreFailure::Fail`]).
    StoreUnavailable,
}

impl fmt::Display for WaitReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            WaitReason::RateLimited => "a 429 holds the bucket until its reset",
            WaitReason::WindowExhausted => "the bucket's remaining requests are used up",
            WaitReason::Pace => "the bucket's pace",
            WaitReason::FirstResponse => "the bucket's first response",
            WaitReason::StoreUnavailable => "the shared throttle store (unreachable)",
        })
    }
}

impl Throttle {
    /// One bucket per bucket name of [`OPERATIONS`], with its documented
    /// limit unless `config` overrides it.
    #[cfg(test)]
    pub(crate) fn new(config: &ThrottleConfig) -> Self {
        Self::with_fleet(config, None)
    }

    /// The throttle of a client of the workspace of `base_url` and
    /// `api_key`: shared through a store when configured (or named by
    /// [`ENV_REDIS`]).
    pub(crate) fn for_workspace(
        config: &ThrottleConfig,
        base_url: &str,
        api_key: &str,
    ) -> Result<Self, StoreError> {
        let fleet = config
            .shared_throttle()?
            .map(|shared| Arc::new(Fleet::new(shared, base_url, api_key)));
        Ok(Self::with_fleet(config, fleet))
    }

    fn with_fleet(config: &ThrottleConfig, fleet: Option<Arc<Fleet>>) -> Self {
        let mut limits: HashMap<&'static str, Option<BucketLimit>> = HashMap::new();
        for op in &OPERATIONS {
            let (bucket, limit) = match op.rate_limit {
                RateLimit::Limited {
                    requests,
                    window_seconds,
                    bucket,
                } => (
                    bucket,
                    Some(BucketLimit::new(
                        requests,
                        Duration::from_secs(window_seconds.into()),
                    )),
                ),
                RateLimit::Unlimited { bucket } => (bucket, None),
                RateLimit::Unknown => ("default", None),
            };
            limits.entry(bucket).or_insert(limit);
        }
        for (name, limit) in &config.overrides {
            if let Some((bucket, _)) = limits.iter().find(|(b, _)| **b == name.as_str()) {
                let bucket = *bucket;
                limits.insert(bucket, *limit);
            }
        }
        let buckets: HashMap<&'static str, Arc<Bucket>> = limits
            .into_iter()
            .map(|(name, limit)| {
                let shared = fleet.as_ref().map(|fleet| SharedBucket {
                    key: fleet.key(name),
                    fleet: fleet.clone(),
                    horizon: Default::default(),
                });
                (
                    name,
                    Arc::new(Bucket::new(name, limit, config.reset_margin, shared)),
                )
            })
            .collect();
        let by_operation = OPERATIONS
            .iter()
            .map(|op| buckets[op.rate_limit.bucket()].clone())
            .collect();
        Self {
            enabled: config.enabled,
            buckets,
            by_operation,
        }
    }

    /// The bucket a request counts in: the one of operation `index` (in
    /// [`OPERATIONS`]) when known, else the one named `bucket`; `None` when
    /// the throttle is off.
    pub(crate) fn bucket(&self, index: Option<usize>, bucket: &str) -> Option<&Bucket> {
        if !self.enabled {
            return None;
        }
        match index.and_then(|i| self.by_operation.get(i)) {
            Some(b) => Some(b),
            None => self.buckets.get(bucket).map(|b| &**b),
        }
    }

    /// Waits until a request of `bucket` may be sent, but not past
    /// `deadline`. Returns the permit (hold it until the response's headers
    /// are observed) and how long it waited.
    #[cfg(test)]
    async fn acquire(
        &self,
        bucket: &str,
        deadline: Instant,
    ) -> Result<(Permit<'_>, Duration), ThrottleWait> {
        match self.bucket(None, bucket) {
            Some(b) => b.acquire(Instant::now(), deadline).await,
            None => Ok((Permit::NONE, Duration::ZERO)),
        }
    }

    /// What the client currently believes about `bucket`.
    #[cfg(test)]
    fn snapshot(&self, bucket: &str) -> Option<(Option<u32>, u32)> {
        let b = self.buckets.get(bucket)?;
        let s = b.lock();
        Some((s.remaining, s.in_flight))
    }
}

/// A request's place in its bucket, from before sending until its response
/// (or failure). Dropping it frees the place.
/// The bucket and the request's send number in it.
pub(crate) struct Permit<'a>(Option<(&'a Bucket, u64)>);

impl Permit<'_> {
    /// The permit of a request no bucket paces.
    pub(crate) const NONE: Permit<'static> = Permit(None);

    /// Records what the response said about the bucket (`rate_limit`: its
    /// parsed `X-RateLimit-*` headers) at `now` (`wall`: the wall time then,
    /// from the client's [`crate::Clock`]), and frees the place (one lock of
    /// the bucket for both).
    pub(crate) fn finish(
        mut self,
        now: Instant,
        wall: SystemTime,
        status: StatusCode,
        headers: &HeaderMap,
        rate_limit: Option<RateLimitStatus>,
    ) {
        if let Some((bucket, seq)) = self.0.take() {
            bucket.observe(now, wall, seq, status, headers, rate_limit, true);
        }
    }

    /// Records what the response said about the bucket (`rate_limit`: its
    /// parsed `X-RateLimit-*` headers).
    #[cfg(test)]
    fn observe(
        &self,
        status: StatusCode,
        headers: &HeaderMap,
        rate_limit: Option<RateLimitStatus>,
    ) {
        if let Some((bucket, seq)) = &self.0 {
            bucket.observe(
                Instant::now(),
                SystemTime::now(),
                *seq,
                status,
                headers,
                rate_limit,
                false,
            );
        }
    }
}

impl Drop for Permit<'_> {
    fn drop(&mut self) {
        if let Some((bucket, _)) = &self.0 {
            let mut s = bucket.lock();
            s.in_flight -= 1;
            let queued = s.queued > 0;
            drop(s);
            if queued {
                bucket.changed.notify_waiters();
            }
        }
    }
}

type Pace = RateLimiter<
    governor::state::NotKeyed,
    governor::state::InMemoryState,
    MonotonicClock,
    governor::middleware::NoOpMiddleware<<MonotonicClock as Clock>::Instant>,
>;

pub(crate) struct Bucket {
    name: &'static str,
    /// The store this bucket is shared through.
    shared: Option<SharedBucket>,
    /// Held by the one request currently waiting for a slot (FIFO).
    gate: tokio::sync::Mutex<()>,
    /// Woken when a response or a freed permit may let the gate holder go.
    changed: tokio::sync::Notify,
    state: Mutex<State>,
    margin: Duration,
    clock: MonotonicClock,
}

struct State {
    /// The limit in force (documented, configured, or from the headers).
    limit: Option<BucketLimit>,
    /// The documented budget, paced by governor.
    pace: Option<Pace>,
    /// Requests sent and not yet answered.
    in_flight: u32,
    /// Requests waiting in the queue (for the gate, or holding it). While
    /// there are some, a new request queues behind them, and a response or
    /// a freed permit wakes the gate holder; while there are none, a request
    /// with room goes at once and nobody is notified.
    queued: u32,
    /// Requests sent so far (numbers the permits).
    sent: u64,
    /// No response of this bucket has been seen yet.
    probing: bool,
    /// Requests that may still be sent before `reset` (server's count minus
    /// in-flight requests); `None` when unknown.
    remaining: Option<u32>,
    /// The end of the server's current window.
    reset: Option<Reset>,
    /// The last window this bucket rolled past: answers that still name it
    /// (sent before the rollover, answered after) say nothing of the
    /// current window.
    passed_epoch: u64,
    /// No request before this instant (after a 429).
    hold_until: Option<Instant>,
    /// What responses said since the last shared reservation (carried by
    /// the next one).
    word: Option<ServerWord>,
}

struct SharedBucket {
    fleet: Arc<Fleet>,
    key: BucketKey,
    /// The last slot the store gave this process (microseconds since the
    /// epoch): while the store is down, the local share starts after it.
    horizon: std::sync::atomic::AtomicU64,
}

#[derive(Clone, Copy)]
struct Reset {
    at: Instant,
    epoch_seconds: u64,
}

fn pace_for(limit: Option<BucketLimit>) -> Option<Pace> {
    let limit = limit?;
    let requests = NonZeroU32::new(limit.requests)?;
    let quota = Quota::with_period(limit.window / requests.get())?.allow_burst(requests);
    Some(RateLimiter::direct_with_clock(quota, MonotonicClock))
}

enum Decision {
    /// Send; the request's send number in the bucket.
    Go(u64),
    WaitUntil(Instant, WaitReason),
    WaitForChange(WaitReason),
}

impl Bucket {
    fn new(
        name: &'static str,
        limit: Option<BucketLimit>,
        margin: Duration,
        shared: Option<SharedBucket>,
    ) -> Self {
        Self {
            name,
            shared,
            gate: tokio::sync::Mutex::new(()),
            changed: tokio::sync::Notify::new(),
            state: Mutex::new(State {
                limit,
                pace: pace_for(limit),
                in_flight: 0,
                queued: 0,
                sent: 0,
                probing: true,
                remaining: None,
                reset: None,
                passed_epoch: 0,
                hold_until: None,
                word: None,
            }),
            margin,
            clock: MonotonicClock,
        }
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        // A poisoned lock only means a thread panicked while updating plain
        // counters; they are still usable.
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn wait_error(&self, wait: Option<Duration>, reason: WaitReason) -> ThrottleWait {
        ThrottleWait {
            bucket: self.name,
            wait,
            reason,
            reset_epoch_seconds: self.lock().reset.map(|r| r.epoch_seconds),
        }
    }

    /// Waits until a request may be sent (`now`: the time of the call), but
    /// not past `deadline`. Returns the permit and how long it waited.
    pub(crate) async fn acquire(
        &self,
        now: Instant,
        deadline: Instant,
    ) -> Result<(Permit<'_>, Duration), ThrottleWait> {
        match &self.shared {
            None => self.acquire_local(now, deadline).await,
            // Boxed: a client without a store does not carry the store's
            // future in every call's.
            Some(shared) => Box::pin(self.acquire_shared(shared, now, deadline)).await,
        }
    }

    /// The local queue (and first-response probe), then a slot reserved in
    /// the store.
    async fn acquire_shared(
        &self,
        shared: &SharedBucket,
        now: Instant,
        deadline: Instant,
    ) -> Result<(Permit<'_>, Duration), ThrottleWait> {
        let (permit, waited) = self.acquire_local(now, deadline).await?;
        let (limit, word) = {
            let mut s = self.lock();
            (s.limit, s.word.take())
        };
        let reserved = shared
            .fleet
            .reserve(
                &shared.key,
                &shared.horizon,
                limit,
                word,
                self.margin,
                deadline,
            )
            .await?;
        Ok((permit, waited + reserved))
    }

    async fn acquire_local(
        &self,
        now: Instant,
        deadline: Instant,
    ) -> Result<(Permit<'_>, Duration), ThrottleWait> {
        // Fast path: nobody is queued and the bucket has room: no clock
        // read, no queueing, no notification registered.
        if let Some(seq) = self.go_or_queue(now) {
            return Ok((Permit(Some((self, seq))), Duration::ZERO));
        }
        // Leaves the queue however the wait ends (also when the caller drops
        // the future).
        struct Queued<'a>(&'a Bucket);
        impl Drop for Queued<'_> {
            fn drop(&mut self) {
                self.0.lock().queued -= 1;
            }
        }
        let _queued = Queued(self);
        // Boxed: the queue's futures (gate, notification, timers) would
        // otherwise make every call's future larger, waiting or not.
        Box::pin(self.wait_in_queue(now, deadline)).await
    }

    async fn wait_in_queue(
        &self,
        started: Instant,
        deadline: Instant,
    ) -> Result<(Permit<'_>, Duration), ThrottleWait> {
        let gate = tokio::time::timeout_at(deadline, self.gate.lock())
            .await
            .map_err(|_| self.wait_error(None, WaitReason::Pace))?;
        loop {
            let changed = self.changed.notified();
            tokio::pin!(changed);
            changed.as_mut().enable();
            let now = Instant::now();
            match self.decide(now) {
                Decision::Go(seq) => {
                    drop(gate);
                    return Ok((Permit(Some((self, seq))), now - started));
                }
                Decision::WaitUntil(at, reason) => {
                    if at > deadline {
                        return Err(self.wait_error(Some(at - now), reason));
                    }
                    tokio::select! {
                        _ = tokio::time::sleep_until(at) => {}
                        _ = changed => {}
                    }
                }
                Decision::WaitForChange(reason) => {
                    if tokio::time::timeout_at(deadline, changed).await.is_err() {
                        return Err(self.wait_error(None, reason));
                    }
                }
            }
        }
    }

    /// For a request not yet queued: its send number if it may go now (no
    /// one is queued and the bucket has room); otherwise it is counted as
    /// queued and must wait in the queue.
    fn go_or_queue(&self, now: Instant) -> Option<u64> {
        let mut s = self.lock();
        if s.queued == 0
            && let Decision::Go(seq) = self.decide_locked(&mut s, now)
        {
            return Some(seq);
        }
        s.queued += 1;
        None
    }

    /// Whether the request at the head of the queue may go now; if it may,
    /// counts it as sent.
    fn decide(&self, now: Instant) -> Decision {
        self.decide_locked(&mut self.lock(), now)
    }

    fn decide_locked(&self, s: &mut State, now: Instant) -> Decision {
        if self.shared.is_some() {
            // The store keeps the pace, the window and the holds.
            if s.probing && s.in_flight > 0 {
                return Decision::WaitForChange(WaitReason::FirstResponse);
            }
            s.in_flight += 1;
            s.sent += 1;
            return Decision::Go(s.sent);
        }
        if let Some(hold) = s.hold_until {
            if hold > now {
                return Decision::WaitUntil(hold, WaitReason::RateLimited);
            }
            s.hold_until = None;
        }
        if let Some(reset) = s.reset
            && now >= reset.at + self.margin
        {
            // A new server window: what the limit allows, minus what is in
            // flight (those may be counted in the new window).
            s.reset = None;
            s.passed_epoch = reset.epoch_seconds;
            let in_flight = s.in_flight;
            s.remaining = s.limit.map(|l| l.requests.saturating_sub(in_flight));
        }
        if s.probing && s.in_flight > 0 {
            return Decision::WaitForChange(WaitReason::FirstResponse);
        }
        if s.remaining == Some(0) {
            match s.reset {
                Some(reset) => {
                    return Decision::WaitUntil(
                        reset.at + self.margin,
                        WaitReason::WindowExhausted,
                    );
                }
                None if s.in_flight > 0 => {
                    return Decision::WaitForChange(WaitReason::WindowExhausted);
                }
                // Nothing in flight will tell more: fall back to the pace.
                None => s.remaining = None,
            }
        }
        // The documented pace applies while the server's window is unknown;
        // once a response told the remaining count and the reset, that
        // count is the better bound (pacing on top of it would waste the
        // start of each window after a burst).
        let window_known = s.reset.is_some() && s.remaining.is_some();
        if !window_known
            && let Some(pace) = &s.pace
            && let Err(not_until) = pace.check()
        {
            let wait = not_until.wait_time_from(self.clock.now());
            return Decision::WaitUntil(now + wait, WaitReason::Pace);
        }
        s.in_flight += 1;
        s.sent += 1;
        if let Some(r) = &mut s.remaining {
            *r = r.saturating_sub(1);
        }
        Decision::Go(s.sent)
    }

    /// Takes in a response of the request numbered `seq`; with `release`,
    /// also frees its place.
    #[allow(clippy::too_many_arguments)]
    fn observe(
        &self,
        now: Instant,
        wall: SystemTime,
        seq: u64,
        status: StatusCode,
        header_map: &HeaderMap,
        headers: Option<RateLimitStatus>,
        release: bool,
    ) {
        let mut s = self.lock();
        s.probing = false;
        // Requests the server may not have counted yet when it answered this
        // one: those still in flight (this one is counted in `in_flight`
        // until its permit drops) and sent after it. The ones sent before it
        // were, in all likelihood, counted; the local count of the window
        // (`remaining` decremented per send) bounds the estimate anyway.
        if let Some(shared) = &self.shared {
            self.observe_shared(&mut s, shared, wall, status, header_map, headers);
            if release {
                s.in_flight -= 1;
            }
            let queued = s.queued > 0;
            drop(s);
            if queued {
                self.changed.notify_waiters();
            }
            return;
        }
        let in_flight_others = u64::from(s.in_flight.saturating_sub(1));
        let others =
            u32::try_from(in_flight_others.min(s.sent.saturating_sub(seq))).unwrap_or(u32::MAX);
        if let Some(h) = headers {
            if let Some(limit) = h.limit.and_then(|l| u32::try_from(l).ok())
                && limit > 0
                && s.limit.is_none_or(|l| l.requests != limit)
            {
                // The workspace's real limit; keep the documented window (the
                // headers do not give one).
                let window = s.limit.map_or(Duration::from_secs(1), |l| l.window);
                let new = BucketLimit::new(limit, window);
                s.limit = Some(new);
                s.pace = pace_for(Some(new));
            }
            if let (Some(remaining), Some(reset_epoch)) = (h.remaining, h.reset_epoch_seconds) {
                let remaining = u32::try_from(remaining).unwrap_or(u32::MAX);
                let fresh = remaining.saturating_sub(others);
                // Read the wall clock only for a window not seen before.
                let reset = || Reset {
                    at: instant_of_epoch(reset_epoch, now, server_now(header_map, wall)),
                    epoch_seconds: reset_epoch,
                };
                match s.reset {
                    _ if reset_epoch <= s.passed_epoch => {} // from a past window
                    Some(known) if reset_epoch < known.epoch_seconds => {} // a late answer
                    Some(known) if reset_epoch == known.epoch_seconds => {
                        s.remaining = Some(s.remaining.map_or(fresh, |r| r.min(fresh)));
                    }
                    Some(_) => {
                        s.reset = Some(reset());
                        s.remaining = Some(fresh);
                    }
                    None => {
                        s.reset = Some(reset());
                        s.remaining = Some(s.remaining.map_or(fresh, |r| r.min(fresh)));
                    }
                }
            }
        }
        if status == StatusCode::TOO_MANY_REQUESTS {
            s.remaining = Some(0);
            let until = crate::retry::server_wait(header_map, wall)
                .map(|d| now + d + self.margin)
                .or(s.reset.map(|r| r.at + self.margin));
            if let Some(until) = until {
                s.hold_until = Some(s.hold_until.map_or(until, |h| h.max(until)));
            }
        }
        if release {
            s.in_flight -= 1;
        }
        let queued = s.queued > 0;
        drop(s);
        if queued {
            self.changed.notify_waiters();
        }
    }
}

impl Bucket {
    /// A shared bucket's response: the word goes to the store with the next
    /// reservation (a 429 at once), and to the local fallback.
    fn observe_shared(
        &self,
        s: &mut State,
        shared: &SharedBucket,
        wall: SystemTime,
        status: StatusCode,
        header_map: &HeaderMap,
        headers: Option<RateLimitStatus>,
    ) {
        shared.fleet.clock_skew(server_now(header_map, wall), wall);
        let rate_limited = status == StatusCode::TOO_MANY_REQUESTS;
        let mut word = ServerWord {
            rate_limited,
            ..ServerWord::default()
        };
        if let Some(h) = headers {
            word.limit = h
                .limit
                .and_then(|l| u32::try_from(l).ok())
                .filter(|l| *l > 0);
            word.remaining = h.remaining.map(|r| u32::try_from(r).unwrap_or(u32::MAX));
            word.reset_epoch_seconds = h.reset_epoch_seconds;
        }
        if rate_limited && header_map.contains_key(reqwest::header::RETRY_AFTER) {
            word.retry_after = crate::retry::server_wait(header_map, wall);
        }
        if let Some(limit) = word.limit
            && s.limit.is_none_or(|l| l.requests != limit)
        {
            let window = s.limit.map_or(Duration::from_secs(1), |l| l.window);
            s.limit = Some(BucketLimit::new(limit, window));
        }
        if word.is_empty() {
            return;
        }
        s.word = Some(match s.word {
            Some(older) => word.merged_over(older),
            None => word,
        });
        shared.fleet.heard(&shared.key, word, self.margin);
    }
}

/// The monotonic instant of an epoch second of the server's clock, as seen
/// from `now`, when the server's clock reads `server_wall`.
fn instant_of_epoch(epoch_seconds: u64, now: Instant, server_wall: SystemTime) -> Instant {
    let at = UNIX_EPOCH + Duration::from_secs(epoch_seconds);
    match at.duration_since(server_wall) {
        Ok(ahead) => now + ahead,
        Err(_) => now,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::HeaderValue;

    fn headers(limit: u32, remaining: u32, reset: u64) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert("x-ratelimit-limit", HeaderValue::from(limit));
        h.insert("x-ratelimit-remaining", HeaderValue::from(remaining));
        h.insert("x-ratelimit-reset", HeaderValue::from(reset));
        h
    }

    fn see(permit: &Permit, status: StatusCode, h: HeaderMap) {
        permit.observe(status, &h, RateLimitStatus::from_headers(&h));
    }

    fn epoch_now() -> u64 {
        SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap()
            .as_secs()
    }

    #[tokio::test]
    async fn every_documented_bucket_exists_and_overrides_apply() {
        let t = Throttle::new(&ThrottleConfig::default());
        assert!(t.buckets.contains_key("users-track"));
        assert!(t.buckets.contains_key("default"));
        let limit = t.buckets["users-track"].lock().limit;
        assert_eq!(limit, Some(BucketLimit::new(3000, Duration::from_secs(3))));
        let t = Throttle::new(&ThrottleConfig::default().bucket(
            BucketId::UsersTrack,
            BucketLimit::new(5, Duration::from_secs(1)),
        ));
        assert_eq!(
            t.buckets["users-track"].lock().limit,
            Some(BucketLimit::new(5, Duration::from_secs(1)))
        );
    }

    #[tokio::test]
    async fn only_one_request_is_in_flight_until_the_first_response() {
        let t = Throttle::new(&ThrottleConfig::default());
        let far = Instant::now() + Duration::from_millis(100);
        let (first, _) = t.acquire("users-track", far).await.unwrap();
        let err = t.acquire("users-track", far).await.err().unwrap();
        assert_eq!(err.reason, WaitReason::FirstResponse);
        see(&first, StatusCode::OK, headers(300, 299, epoch_now() + 3));
        drop(first);
        assert_eq!(t.snapshot("users-track"), Some((Some(299), 0)));
        let (_second, _) = t.acquire("users-track", far).await.unwrap();
        assert_eq!(t.snapshot("users-track"), Some((Some(298), 1)));
    }

    #[tokio::test]
    async fn a_queued_request_is_woken_by_the_answer_and_a_dropped_one_leaves_the_queue() {
        let t = Arc::new(Throttle::new(&ThrottleConfig::default()));
        let queued = |t: &Throttle| t.buckets["users-track"].lock().queued;
        let deadline = Instant::now() + Duration::from_secs(5);
        let (first, _) = t.acquire("users-track", deadline).await.unwrap();
        // A second request waits for the first answer; a third, cancelled
        // while waiting, must not stay counted in the queue.
        let t2 = t.clone();
        let waiter = tokio::spawn(async move {
            let (permit, waited) = t2.acquire("users-track", deadline).await.unwrap();
            drop(permit);
            waited
        });
        let t3 = t.clone();
        let cancelled = tokio::spawn(async move {
            let _ = t3.acquire("users-track", deadline).await;
        });
        tokio::time::sleep(Duration::from_millis(50)).await;
        assert_eq!(queued(&t), 2);
        cancelled.abort();
        let _ = cancelled.await;
        assert_eq!(queued(&t), 1);
        let answered = std::time::Instant::now();
        let h = headers(300, 299, epoch_now() + 3);
        first.finish(
            Instant::now(),
            SystemTime::now(),
            StatusCode::OK,
            &h,
            RateLimitStatus::from_headers(&h),
        );
        let waited = waiter.await.unwrap();
        assert!(answered.elapsed() < Duration::from_millis(500), "not woken");
        assert!(waited >= Duration::from_millis(40), "{waited:?}");
        assert_eq!(queued(&t), 0);
        assert_eq!(t.snapshot("users-track"), Some((Some(298), 0)));
    }

    #[tokio::test]
    async fn an_exhausted_window_waits_for_the_reset_and_fails_fast_past_the_deadline() {
        let t = Throttle::new(&ThrottleConfig::default().reset_margin(Duration::ZERO));
        let deadline = Instant::now() + Duration::from_millis(200);
        let (p, _) = t.acquire("users-track", deadline).await.unwrap();
        see(&p, StatusCode::OK, headers(300, 0, epoch_now() + 30));
        drop(p);
        let started = std::time::Instant::now();
        let err = t.acquire("users-track", deadline).await.err().unwrap();
        assert!(
            started.elapsed() < Duration::from_millis(100),
            "must not wait for a reset past the deadline"
        );
        assert_eq!(err.reason, WaitReason::WindowExhausted);
        assert!(err.wait.unwrap() > Duration::from_secs(28));
    }

    #[tokio::test]
    async fn a_late_answer_from_a_past_window_does_not_reopen_the_new_one() {
        let t = Throttle::new(&ThrottleConfig::default().reset_margin(Duration::ZERO));
        let deadline = Instant::now() + Duration::from_secs(5);
        let (probe, _) = t.acquire("users-track", deadline).await.unwrap();
        // The window ended a moment ago.
        let past = epoch_now() - 1;
        see(&probe, StatusCode::OK, headers(10, 5, past));
        drop(probe);
        let (late, _) = t.acquire("users-track", deadline).await.unwrap();
        // Rolled over: 10 allowed, 1 in flight; 3 more sent.
        let mut held = Vec::new();
        for _ in 0..3 {
            held.push(t.acquire("users-track", deadline).await.unwrap().0);
        }
        assert_eq!(t.snapshot("users-track"), Some((Some(6), 4)));
        // An answer naming the past window changes nothing.
        see(&late, StatusCode::OK, headers(10, 0, past));
        drop(late);
        assert_eq!(t.snapshot("users-track"), Some((Some(6), 3)));
    }

    #[tokio::test]
    async fn a_429_holds_the_bucket() {
        let t = Throttle::new(&ThrottleConfig::default().reset_margin(Duration::ZERO));
        let deadline = Instant::now() + Duration::from_secs(5);
        let (p, _) = t.acquire("default", deadline).await.unwrap();
        let mut h = HeaderMap::new();
        h.insert("retry-after", HeaderValue::from_static("1"));
        see(&p, StatusCode::TOO_MANY_REQUESTS, h);
        drop(p);
        let (_, waited) = t.acquire("default", deadline).await.unwrap();
        assert!(waited >= Duration::from_millis(900), "{waited:?}");
    }

    #[tokio::test]
    async fn a_429_is_timed_by_the_servers_date_when_this_clock_is_off() {
        let t = Throttle::new(&ThrottleConfig::default().reset_margin(Duration::ZERO));
        let deadline = Instant::now() + Duration::from_secs(5);
        let (p, _) = t.acquire("users-track", deadline).await.unwrap();
        // The window resets in 1 s by the server's clock; this machine's
        // clock is 30 s slow, so by it the reset would be 31 s away.
        let mut h = headers(300, 0, epoch_now() + 1);
        let date = chrono::Utc::now().to_rfc2822();
        h.insert(reqwest::header::DATE, HeaderValue::from_str(&date).unwrap());
        let slow = SystemTime::now() - Duration::from_secs(30);
        let rate_limit = RateLimitStatus::from_headers(&h);
        p.finish(
            Instant::now(),
            slow,
            StatusCode::TOO_MANY_REQUESTS,
            &h,
            rate_limit,
        );
        let (_, waited) = t.acquire("users-track", deadline).await.unwrap();
        assert!(waited <= Duration::from_millis(2_100), "{waited:?}");
    }

    #[tokio::test]
    async fn the_documented_pace_applies_without_headers() {
        let t = Throttle::new(&ThrottleConfig::default().bucket(
            BucketId::Default,
            BucketLimit::new(2, Duration::from_millis(400)),
        ));
        let deadline = Instant::now() + Duration::from_secs(5);
        let started = std::time::Instant::now();
        for _ in 0..4 {
            let (p, _) = t.acquire("default", deadline).await.unwrap();
            see(&p, StatusCode::OK, HeaderMap::new());
        }
        // A burst of 2, then one per 200 ms.
        let elapsed = started.elapsed();
        assert!(elapsed >= Duration::from_millis(380), "{elapsed:?}");
        assert!(elapsed < Duration::from_millis(1000), "{elapsed:?}");
    }

    #[tokio::test]
    async fn disabled_means_no_wait() {
        let t = Throttle::new(&ThrottleConfig::disabled());
        let deadline = Instant::now() + Duration::from_millis(10);
        let _a = t.acquire("users-track", deadline).await.unwrap();
        let _b = t.acquire("users-track", deadline).await.unwrap();
    }
}
