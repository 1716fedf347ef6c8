//! The one place the call loop reads the time.
//!
//! Two clocks matter to a call: the monotonic one (deadlines, attempt
//! timeouts, waits), which is tokio's, so that a test can pause and advance
//! it (`tokio::time::pause`, `advance`); and the wall clock, which Braze's
//! `X-RateLimit-Reset` (epoch seconds) and `Retry-After` dates are compared
//! with. [`Clock::starting_at`] ties the second to the first, so a test
//! drives both with tokio's controls and gets the same answer every run.

use std::time::{Duration, SystemTime};

use tokio::time::Instant;

/// Where a client reads the time: [`Clock::system`] (the default), or
/// [`Clock::starting_at`] for tests. Set with
/// [`crate::ClientBuilder::clock`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub struct Clock {
    wall: Wall,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
enum Wall {
    /// The system's wall clock.
    #[default]
    System,
    /// `at` when tokio's clock read `instant`; it advances with tokio's.
    Anchored { at: SystemTime, instant: Instant },
}

impl Clock {
    /// The system's clocks (tokio's monotonic clock, the system wall clock).
    pub fn system() -> Self {
        Self { wall: Wall::System }
    }

    /// A wall clock that reads `start` now and then advances with tokio's
    /// monotonic clock: under `tokio::time::pause()`, deadlines, waits and
    /// the wall time Braze's reset headers are compared with all move only
    /// when the test advances time.
    pub fn starting_at(start: SystemTime) -> Self {
        Self {
            wall: Wall::Anchored {
                at: start,
                instant: Instant::now(),
            },
        }
    }

    /// The monotonic time (tokio's).
    pub fn now(&self) -> Instant {
        Instant::now()
    }

    /// The wall time.
    pub fn wall(&self) -> SystemTime {
        match self.wall {
            Wall::System => SystemTime::now(),
            Wall::Anchored { at, instant } => {
                at + Instant::now().saturating_duration_since(instant)
            }
        }
    }

    /// Seconds since the Unix epoch, now.
    pub fn epoch_seconds(&self) -> u64 {
        self.wall()
            .duration_since(SystemTime::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs())
    }

    /// How long until epoch second `at` (zero when it has passed).
    pub fn until_epoch(&self, at: u64) -> Duration {
        (SystemTime::UNIX_EPOCH + Duration::from_secs(at))
            .duration_since(self.wall())
            .unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn an_anchored_wall_clock_moves_only_with_tokios_clock() {
        let start = SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000);
        let clock = Clock::starting_at(start);
        assert_eq!(clock.wall(), start);
        assert_eq!(clock.until_epoch(1_700_000_030), Duration::from_secs(30));
        tokio::time::advance(Duration::from_secs(12)).await;
        assert_eq!(clock.epoch_seconds(), 1_700_000_012);
        assert_eq!(clock.until_epoch(1_700_000_030), Duration::from_secs(18));
        assert_eq!(clock.until_epoch(1_600_000_000), Duration::ZERO);
    }

    #[test]
    fn the_system_clock_is_the_default() {
        assert_eq!(Clock::default(), Clock::system());
        let before = SystemTime::now();
        let read = Clock::system().wall();
        assert!(read >= before && read <= SystemTime::now());
    }
}
