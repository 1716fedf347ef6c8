//! Braze's rate limits: a fixed window per bucket, aligned on the Unix epoch
//! (a 3-second window starts at every multiple of 3 s), counting every
//! authenticated request to the bucket's operations. Every answer carries
//! `X-RateLimit-Limit`, `X-RateLimit-Remaining` (what is left of the window
//! after this request) and `X-RateLimit-Reset` (the window's end, in epoch
//! seconds); past the limit the answer is a 429 with `Remaining: 0`, until the
//! window ends. Each window's served and refused requests are kept, so that a
//! test can check a client's pace window by window.

use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::str::FromStr;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// A limit: `requests` per window of `window_secs` seconds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limit {
    pub requests: u64,
    pub window_secs: u64,
}

impl Limit {
    pub fn new(requests: u64, window: Duration) -> Self {
        Limit {
            requests,
            window_secs: window.as_secs().max(1),
        }
    }
}

impl fmt::Display for Limit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}s", self.requests, self.window_secs)
    }
}

/// `300/3s`, `10/1m`, `250000/1h`, `50000/1d` (a bare number of seconds too).
impl FromStr for Limit {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        let (n, w) = s
            .split_once('/')
            .ok_or_else(|| format!("{s:?}: expected REQUESTS/WINDOW, e.g. 300/3s"))?;
        let requests = n
            .trim()
            .parse()
            .map_err(|_| format!("{s:?}: {n:?} is not a number of requests"))?;
        let w = w.trim();
        let split = w.find(|c: char| !c.is_ascii_digit()).unwrap_or(w.len());
        let (count, unit) = w.split_at(split);
        let count: u64 = count
            .parse()
            .map_err(|_| format!("{s:?}: {w:?} is not a window such as 3s, 1m, 1h"))?;
        let unit = match unit {
            "" | "s" => 1,
            "m" => 60,
            "h" => 3600,
            "d" => 86_400,
            _ => return Err(format!("{s:?}: window unit {unit:?} is not s, m, h or d")),
        };
        if count == 0 {
            return Err(format!("{s:?}: the window must be at least 1s"));
        }
        Ok(Limit {
            requests,
            window_secs: count * unit,
        })
    }
}

/// What the limiter decided for one request.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Decision {
    pub allowed: bool,
    pub limit: u64,
    pub remaining: u64,
    /// End of the window, epoch seconds.
    pub reset: u64,
}

impl Decision {
    pub fn headers(&self) -> [(&'static str, String); 3] {
        [
            ("x-ratelimit-limit", self.limit.to_string()),
            ("x-ratelimit-remaining", self.remaining.to_string()),
            ("x-ratelimit-reset", self.reset.to_string()),
        ]
    }
}

/// What one window of a bucket let through and refused.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WindowCount {
    pub bucket: String,
    /// The window's start, epoch seconds (a multiple of `seconds`).
    pub start: u64,
    /// Its length (the bucket's limit's window when it was counted).
    pub seconds: u64,
    /// Requests let through (counted against the limit).
    pub served: u64,
    /// Requests answered 429.
    pub refused: u64,
}

/// The windows of every bucket.
#[derive(Debug, Default)]
pub struct Windows {
    /// bucket -> (window index, requests counted in it)
    used: HashMap<String, (u64, u64)>,
    /// Every window counted so far, by bucket and start.
    history: BTreeMap<(String, u64), WindowCount>,
}

impl Windows {
    /// Counts one request of `bucket` under `limit` at `now_ms` (epoch ms).
    pub fn take(&mut self, bucket: &str, limit: Limit, now_ms: u128) -> Decision {
        let window_ms = u128::from(limit.window_secs) * 1000;
        let index = (now_ms / window_ms) as u64;
        let slot = self.used.entry(bucket.to_string()).or_insert((index, 0));
        if slot.0 != index {
            *slot = (index, 0);
        }
        let allowed = slot.1 < limit.requests;
        if allowed {
            slot.1 += 1;
        }
        let start = index * limit.window_secs;
        let count = self
            .history
            .entry((bucket.to_string(), start))
            .or_insert_with(|| WindowCount {
                bucket: bucket.to_string(),
                start,
                seconds: limit.window_secs,
                served: 0,
                refused: 0,
            });
        if allowed {
            count.served += 1;
        } else {
            count.refused += 1;
        }
        Decision {
            allowed,
            limit: limit.requests,
            remaining: limit.requests - slot.1.min(limit.requests),
            reset: (index + 1) * limit.window_secs,
        }
    }

    /// The windows counted for `bucket` (`None`: every bucket), by bucket
    /// then start.
    pub fn counts(&self, bucket: Option<&str>) -> Vec<WindowCount> {
        self.history
            .values()
            .filter(|w| bucket.is_none_or(|b| w.bucket == b))
            .cloned()
            .collect()
    }

    pub fn clear(&mut self) {
        self.used.clear();
        self.history.clear();
    }
}

/// Epoch milliseconds, shifted by `offset_ms` (a test moving time forward).
pub fn now_ms(offset_ms: u64) -> u128 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default()
        .as_millis()
        + u128::from(offset_ms)
}

/// The `Date` header's value for `epoch_ms` (`Sun, 06 Dec 2026 13:00:00
/// GMT`): with `X-RateLimit-Reset`, it tells a client how far the window's
/// end is on the server's clock, whatever its own clock says.
pub fn http_date(epoch_ms: u128) -> String {
    let ms = u64::try_from(epoch_ms).unwrap_or(u64::MAX);
    httpdate::fmt_http_date(UNIX_EPOCH + Duration::from_millis(ms))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limits_parse_and_print() {
        assert_eq!(
            "300/3s".parse(),
            Ok(Limit {
                requests: 300,
                window_secs: 3
            })
        );
        assert_eq!("10/1m".parse::<Limit>().unwrap().window_secs, 60);
        assert_eq!(
            "250000/1h".parse::<Limit>().unwrap().to_string(),
            "250000/3600s"
        );
        for bad in ["300", "x/3s", "3/0s", "3/3w", "3/s"] {
            assert!(bad.parse::<Limit>().is_err(), "{bad}");
        }
    }

    #[test]
    fn a_fixed_window_refuses_past_its_limit_and_opens_again_at_its_end() {
        let mut w = Windows::default();
        let limit = Limit {
            requests: 2,
            window_secs: 3,
        };
        let t = 3_000_000_000u128; // a window start (multiple of 3 s)
        let d1 = w.take("b", limit, t);
        let d2 = w.take("b", limit, t + 10);
        let d3 = w.take("b", limit, t + 2_999);
        assert_eq!((d1.allowed, d1.remaining, d1.reset), (true, 1, 3_000_003));
        assert_eq!((d2.allowed, d2.remaining), (true, 0));
        assert_eq!((d3.allowed, d3.remaining, d3.reset), (false, 0, 3_000_003));
        let d4 = w.take("b", limit, t + 3_000);
        assert_eq!((d4.allowed, d4.remaining, d4.reset), (true, 1, 3_000_006));
        // Buckets are counted apart.
        assert!(w.take("other", limit, t + 10).allowed);
        // Each window's served and refused requests.
        let count = |start, served, refused| WindowCount {
            bucket: "b".into(),
            start,
            seconds: 3,
            served,
            refused,
        };
        assert_eq!(
            w.counts(Some("b")),
            [count(3_000_000, 2, 1), count(3_000_003, 1, 0)]
        );
        assert_eq!(w.counts(None).len(), 3);
        w.clear();
        assert!(w.counts(None).is_empty());
    }

    #[test]
    fn the_date_is_the_server_clock_in_imf_fixdate() {
        assert_eq!(http_date(0), "Thu, 01 Jan 1970 00:00:00 GMT");
        // 2026-12-06T13:00:03.999Z: whole seconds, rounded down.
        assert_eq!(
            http_date(1_796_562_003_999),
            "Sun, 06 Dec 2026 13:00:03 GMT"
        );
    }
}
