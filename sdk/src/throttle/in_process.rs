//! [`InProcessStore`]: the [`ThrottleStore`] algorithm over memory, for the
//! clients of one process (several clients of one workspace share its
//! budget through one store), and the local share a fleet falls back to
//! when its shared store is unreachable.
//!
//! The same steps as the Redis script (`reserve.lua`), timed by the system
//! clock.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use super::BucketLimit;
use super::store::{
    BucketKey, PaceTuning, Reservation, ReserveRequest, ServerWord, StoreError, StoreFuture,
    ThrottleStore, gcra, reason_of,
};

/// Keeps buckets' shared state in memory. `share` divides every limit: a
/// process that falls back to its own share of a fleet's budget uses
/// `limit / fleet size`.
#[derive(Debug)]
pub struct InProcessStore {
    share: u32,
    tuning: PaceTuning,
    buckets: Mutex<HashMap<BucketKey, State>>,
}

/// One bucket's state; times in microseconds since the epoch.
#[derive(Debug, Default, Clone)]
struct State {
    /// GCRA's theoretical arrival time.
    tat: u64,
    /// The server's limit, once heard.
    limit: Option<u64>,
    /// The server's remaining count for the window ending at `reset`.
    remaining: Option<i64>,
    reset: Option<u64>,
    /// No slot before this (a 429).
    hold: u64,
    /// Slots granted while the server's limit was unknown.
    probes: u32,
    /// When the server's word (limit, window, hold) is forgotten.
    word_expires: u64,
}

impl Default for InProcessStore {
    fn default() -> Self {
        Self::new()
    }
}

impl InProcessStore {
    /// A store with the whole limit of every bucket.
    pub fn new() -> Self {
        Self::with_share(1)
    }

    /// A store pacing each bucket at `limit / share` (`share` at least 1).
    pub fn with_share(share: u32) -> Self {
        Self {
            share: share.max(1),
            tuning: PaceTuning::default(),
            buckets: Mutex::new(HashMap::new()),
        }
    }

    /// Replaces the algorithm's tuning.
    pub fn tuning(mut self, tuning: PaceTuning) -> Self {
        self.tuning = tuning;
        self
    }

    /// The reservation, at `now` (microseconds since the epoch).
    pub(crate) fn reserve_at(&self, request: &ReserveRequest<'_>, now: u64) -> Reservation {
        let mut buckets = self.buckets.lock().unwrap_or_else(|p| p.into_inner());
        let state = buckets.entry(request.key.clone()).or_default();
        step(
            state,
            now,
            request.word.as_ref(),
            Some(request),
            request.margin,
            self.share,
            &self.tuning,
        )
        .expect("a reservation step answers")
    }

    /// No slot of `key` before `at` (microseconds since the epoch) from the
    /// pace: a process falling back to its share first lets the slots it
    /// already reserved in the shared store go.
    pub(crate) fn pace_not_before(&self, key: &BucketKey, at: u64) {
        let mut buckets = self.buckets.lock().unwrap_or_else(|p| p.into_inner());
        let state = buckets.entry(key.clone()).or_default();
        state.tat = state.tat.max(at);
    }

    /// Applies a word at `now` without reserving.
    pub(crate) fn observe_at(
        &self,
        key: &BucketKey,
        word: &ServerWord,
        margin: Duration,
        now: u64,
    ) {
        let mut buckets = self.buckets.lock().unwrap_or_else(|p| p.into_inner());
        let state = buckets.entry(key.clone()).or_default();
        step(
            state,
            now,
            Some(word),
            None,
            margin,
            self.share,
            &self.tuning,
        );
    }
}

pub(crate) fn now_us() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_micros() as u64)
}

fn us(d: Duration) -> u64 {
    u64::try_from(d.as_micros()).unwrap_or(u64::MAX)
}

/// The algorithm (see [`super::store`]); `reserve` `None` only applies the
/// word. Mirrors `reserve.lua` line by line.
fn step(
    s: &mut State,
    now: u64,
    word: Option<&ServerWord>,
    reserve: Option<&ReserveRequest<'_>>,
    margin: Duration,
    share: u32,
    tuning: &PaceTuning,
) -> Option<Reservation> {
    let margin = us(margin);
    if s.word_expires != 0 && s.word_expires <= now {
        let tat = s.tat;
        *s = State {
            tat,
            ..State::default()
        };
    }
    if s.tat != 0 && s.tat <= now {
        s.tat = 0; // an expired key
    }
    // The server's word. When it tells the limit for the first time, the
    // probes' spacing ends.
    let mut learned = false;
    if let Some(w) = word {
        if let Some(limit) = w.limit.filter(|l| *l > 0) {
            learned = s.limit.is_none();
            s.limit = Some(u64::from(limit));
        }
        if let Some(reset_s) = w.reset_epoch_seconds {
            let reset = reset_s.saturating_mul(1_000_000);
            if reset + margin > now {
                let remaining = if w.rate_limited {
                    Some(0)
                } else {
                    w.remaining.map(i64::from)
                };
                if let Some(remaining) = remaining {
                    match s.reset {
                        Some(known) if known == reset => {
                            s.remaining = Some(s.remaining.map_or(remaining, |r| r.min(remaining)));
                        }
                        Some(known) if known > reset => {} // a late answer
                        _ => {
                            s.reset = Some(reset);
                            s.remaining = Some(remaining);
                        }
                    }
                }
            }
        }
        if w.rate_limited {
            let until = match (w.retry_after, w.reset_epoch_seconds) {
                (Some(after), _) => now + us(after) + margin,
                (None, Some(reset_s)) => reset_s.saturating_mul(1_000_000) + margin,
                (None, None) => 0,
            };
            s.hold = s.hold.max(until);
        }
        let end = s.hold.max(s.reset.unwrap_or(0)).max(now);
        s.word_expires = end + us(tuning.word_ttl);
    }
    let request = reserve?;
    // When the next slot may be: a hold, an exhausted window.
    let mut start = now;
    let mut reason = 0;
    if s.hold > start {
        start = s.hold;
        reason = 1;
    }
    if let (Some(reset), Some(remaining)) = (s.reset, s.remaining)
        && reset + margin > now
        && remaining <= 0
        && reset + margin > start
    {
        start = reset + margin;
        reason = 2;
    }
    // The pace.
    let limit = s.limit.or(request.limit.map(|l| u64::from(l.requests)));
    let mut slot = start;
    let mut interval = 0;
    let mut probing = false;
    if let (Some(limit), Some(documented)) = (limit.filter(|l| *l > 0), request.limit) {
        let window = us(documented.window).max(1);
        let share_limit = (limit / u64::from(share)).max(1);
        let (i, mut tolerance) = gcra(share_limit, window, tuning.fill_per_mille);
        interval = i;
        if s.limit.is_none() && s.probes < tuning.max_probes {
            interval = interval.max(us(tuning.probe_gap));
            tolerance = 0;
            probing = true;
        }
        if learned && s.probes > 0 {
            s.tat = tat_after_learning(
                s.tat,
                now,
                interval,
                probe_interval(documented, share, tuning),
                s.probes,
                tuning,
            );
        }
        let tat = s.tat.max(now);
        let allow_at = tat.saturating_sub(tolerance);
        // The reason stays a hold's or a window's when there is one.
        slot = slot.max(allow_at);
    }
    let wait = slot - now;
    if wait > us(request.max_wait) {
        return Some(Reservation::Refused {
            wait: Duration::from_micros(wait),
            reason: reason_of(reason),
        });
    }
    if interval > 0 {
        s.tat = s.tat.max(now).max(slot) + interval;
    }
    if probing {
        s.probes += 1;
        s.word_expires = s.word_expires.max(now + us(tuning.word_ttl));
    }
    if let (Some(reset), Some(remaining)) = (s.reset, &mut s.remaining)
        && slot < reset
    {
        *remaining -= 1;
    }
    Some(Reservation::Granted {
        wait: Duration::from_micros(wait),
        reason: reason_of(reason),
    })
}

/// The spacing of the probes while the limit is not known: the documented
/// pace, or `probe_gap` when that is slower.
fn probe_interval(documented: BucketLimit, share: u32, tuning: &PaceTuning) -> u64 {
    let share_limit = (u64::from(documented.requests) / u64::from(share)).max(1);
    let (interval, _) = gcra(
        share_limit,
        us(documented.window).max(1),
        tuning.fill_per_mille,
    );
    interval.max(us(tuning.probe_gap))
}

/// GCRA's theoretical arrival time once the limit is heard for the first
/// time. The probes granted before it and not yet due at `now` (one every
/// `probe_interval`, the last one `probe_interval` before `tat`) will be sent: they count against the pace
/// just learned (`interval` each), or a window would see them on top of a
/// full pace. The probes' wide spacing itself ends. After the last probe the
/// documented pace may have granted slots whose number is not known: the
/// schedule then stays as it is.
fn tat_after_learning(
    tat: u64,
    now: u64,
    interval: u64,
    probe_interval: u64,
    probes: u32,
    tuning: &PaceTuning,
) -> u64 {
    if probes >= tuning.max_probes {
        return tat;
    }
    let ahead = tat.saturating_sub(now) / probe_interval.max(1);
    now + ahead * interval
}

impl ThrottleStore for InProcessStore {
    fn reserve<'a>(
        &'a self,
        request: &'a ReserveRequest<'a>,
    ) -> StoreFuture<'a, Result<Reservation, StoreError>> {
        let r = self.reserve_at(request, now_us());
        Box::pin(std::future::ready(Ok(r)))
    }

    fn observe<'a>(
        &'a self,
        key: &'a BucketKey,
        word: &'a ServerWord,
        margin: Duration,
    ) -> StoreFuture<'a, Result<(), StoreError>> {
        self.observe_at(key, word, margin, now_us());
        Box::pin(std::future::ready(Ok(())))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::throttle::{BucketLimit, WaitReason};

    const S: u64 = 1_000_000;

    fn key() -> BucketKey {
        BucketKey::new("http://127.0.0.1:1", "k", "users-track")
    }

    fn request<'a>(key: &'a BucketKey, word: Option<ServerWord>) -> ReserveRequest<'a> {
        ReserveRequest {
            key,
            limit: Some(BucketLimit::new(100, Duration::from_secs(1))),
            max_wait: Duration::from_secs(10),
            word,
            margin: Duration::ZERO,
        }
    }

    fn wait_of(r: Reservation) -> u64 {
        match r {
            Reservation::Granted { wait, .. } => wait.as_micros() as u64,
            Reservation::Refused { .. } => panic!("refused: {r:?}"),
        }
    }

    fn learned(limit: u32) -> Option<ServerWord> {
        Some(ServerWord {
            limit: Some(limit),
            ..ServerWord::default()
        })
    }

    #[test]
    fn probes_are_spaced_until_the_limit_is_heard_then_the_pace_has_a_burst() {
        let store = InProcessStore::new();
        let k = key();
        let t0 = 1_000 * S;
        assert_eq!(wait_of(store.reserve_at(&request(&k, None), t0)), 0);
        assert_eq!(
            wait_of(store.reserve_at(&request(&k, None), t0)),
            100_000,
            "the second probe waits the probe gap"
        );
        // Heard: 100 per second, paced at 98 per second (one per 10,205 us),
        // burst 1. The probes' 100 ms spacing ends, and the two probes
        // granted (at t0 and t0 + 100 ms) count against the new pace: the
        // next slots follow them at its spacing.
        let t1 = t0;
        assert_eq!(
            wait_of(store.reserve_at(&request(&k, learned(100)), t1)),
            20_410
        );
        assert_eq!(wait_of(store.reserve_at(&request(&k, None), t1)), 30_615);
        assert_eq!(wait_of(store.reserve_at(&request(&k, None), t1)), 40_820);
    }

    #[test]
    fn probes_past_when_the_limit_is_heard_do_not_count() {
        let store = InProcessStore::new();
        let k = key();
        let t0 = 1_000 * S;
        for _ in 0..3 {
            store.reserve_at(&request(&k, None), t0);
        }
        // 250 ms later the probes at t0, +100 and +200 ms have gone: the
        // new pace starts now.
        let t1 = t0 + 250_000;
        assert_eq!(wait_of(store.reserve_at(&request(&k, learned(100)), t1)), 0);
        assert_eq!(wait_of(store.reserve_at(&request(&k, None), t1)), 10_205);
    }

    #[test]
    fn a_share_divides_the_limit() {
        let store = InProcessStore::with_share(4);
        let k = key();
        let t = 1_000 * S;
        store.reserve_at(&request(&k, learned(100)), t);
        // 25 per second at 98 %: 24 paced.
        assert_eq!(wait_of(store.reserve_at(&request(&k, None), t)), 41_667);
    }

    #[test]
    fn an_exhausted_window_and_a_429_move_the_next_slot() {
        let store = InProcessStore::new();
        let k = key();
        let t = 1_000 * S;
        let word = ServerWord {
            limit: Some(100),
            remaining: Some(1),
            reset_epoch_seconds: Some(1_002),
            ..ServerWord::default()
        };
        assert_eq!(wait_of(store.reserve_at(&request(&k, Some(word)), t)), 0);
        let r = store.reserve_at(&request(&k, None), t);
        assert_eq!(
            r,
            Reservation::Granted {
                wait: Duration::from_secs(2),
                reason: WaitReason::WindowExhausted
            }
        );
        let hold = ServerWord {
            rate_limited: true,
            retry_after: Some(Duration::from_secs(5)),
            ..ServerWord::default()
        };
        store.observe_at(&k, &hold, Duration::ZERO, t);
        let mut short = request(&k, None);
        short.max_wait = Duration::from_secs(1);
        assert_eq!(
            store.reserve_at(&short, t),
            Reservation::Refused {
                wait: Duration::from_secs(5),
                reason: WaitReason::RateLimited
            }
        );
    }

    #[test]
    fn the_word_is_forgotten_after_its_ttl() {
        let store = InProcessStore::new().tuning(PaceTuning {
            word_ttl: Duration::from_secs(1),
            ..PaceTuning::default()
        });
        let k = key();
        let t = 1_000 * S;
        store.reserve_at(&request(&k, learned(100)), t);
        assert_eq!(wait_of(store.reserve_at(&request(&k, None), t)), 10_205);
        // Two seconds later: the learned limit is gone, probing again.
        let later = t + 2 * S;
        assert_eq!(wait_of(store.reserve_at(&request(&k, None), later)), 0);
        assert_eq!(
            wait_of(store.reserve_at(&request(&k, None), later)),
            100_000
        );
    }
}
