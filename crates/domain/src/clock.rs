//! The clock is injected everywhere time matters, so tests move time instead of sleeping.

use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};
use time::OffsetDateTime;

pub trait Clock: Send + Sync + std::fmt::Debug {
    fn now(&self) -> OffsetDateTime;

    /// Milliseconds since the Unix epoch, the unit every timestamp is stored in.
    fn now_ms(&self) -> i64 {
        to_ms(self.now())
    }

    /// The world's time, for what must agree with devices outside the server: the codes of an
    /// authenticator app. A clock shifted for a demo or a simulation still reads real time here; a
    /// fixed test clock reads its fixed time, so that tests compute the same codes.
    fn world_ms(&self) -> i64 {
        self.now_ms()
    }
}

pub fn to_ms(t: OffsetDateTime) -> i64 {
    i64::try_from(t.unix_timestamp_nanos() / 1_000_000).unwrap_or(i64::MAX)
}

pub fn from_ms(ms: i64) -> OffsetDateTime {
    OffsetDateTime::from_unix_timestamp_nanos(i128::from(ms) * 1_000_000)
        .unwrap_or(OffsetDateTime::UNIX_EPOCH)
}

#[derive(Debug, Default, Clone, Copy)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> OffsetDateTime {
        OffsetDateTime::now_utc()
    }
}

/// A clock that only moves when told to. Clones share the same time.
#[derive(Debug, Clone)]
pub struct FixedClock {
    ms: Arc<AtomicI64>,
}

impl FixedClock {
    pub fn at(t: OffsetDateTime) -> Self {
        Self {
            ms: Arc::new(AtomicI64::new(to_ms(t))),
        }
    }

    pub fn set(&self, t: OffsetDateTime) {
        self.ms.store(to_ms(t), Ordering::SeqCst);
    }

    pub fn advance(&self, d: time::Duration) {
        let ms = i64::try_from(d.whole_milliseconds()).unwrap_or(i64::MAX);
        self.ms.fetch_add(ms, Ordering::SeqCst);
    }
}

impl Clock for FixedClock {
    fn now(&self) -> OffsetDateTime {
        from_ms(self.ms.load(Ordering::SeqCst))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn fixed_clock_moves_only_when_told_and_clones_share_time() {
        let c = FixedClock::at(datetime!(2023-12-15 10:00 UTC));
        let c2 = c.clone();
        c.advance(time::Duration::hours(2));
        assert_eq!(c2.now(), datetime!(2023-12-15 12:00 UTC));
    }

    #[test]
    fn ms_round_trip() {
        let t = datetime!(2024-01-10 16:59:59.123 UTC);
        assert_eq!(from_ms(to_ms(t)), t);
    }
}

/// Real time shifted so that it started at a chosen instant: used by `parindex serve --now` for demos
/// and training, so a 2023 campaign can be shown as it was on a given day while time still flows.
#[derive(Debug, Clone, Copy)]
pub struct ShiftedClock {
    offset: time::Duration,
}

impl ShiftedClock {
    pub fn starting_at(start: OffsetDateTime) -> Self {
        ShiftedClock {
            offset: start - OffsetDateTime::now_utc(),
        }
    }
}

impl Clock for ShiftedClock {
    fn now(&self) -> OffsetDateTime {
        OffsetDateTime::now_utc() + self.offset
    }

    fn world_ms(&self) -> i64 {
        to_ms(OffsetDateTime::now_utc())
    }
}

#[cfg(test)]
mod shifted_tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn shifted_clock_starts_at_the_chosen_instant() {
        let c = ShiftedClock::starting_at(datetime!(2023-12-10 02:00 UTC));
        let d = c.now() - datetime!(2023-12-10 02:00 UTC);
        assert!(d >= time::Duration::ZERO && d < time::Duration::minutes(1));
        // The world's time is not shifted: an authenticator app's codes still match.
        let real = to_ms(OffsetDateTime::now_utc());
        assert!((c.world_ms() - real).abs() < 60_000);
    }
}

/// Real time with an offset that can be moved to a chosen instant: `serve --demo --simulate` steps
/// the server through the survey's days while simulated respondents answer. Clones share the offset.
#[derive(Debug, Clone)]
pub struct SteerableClock {
    offset_ms: Arc<AtomicI64>,
}

impl SteerableClock {
    pub fn starting_at(start: OffsetDateTime) -> Self {
        let c = SteerableClock {
            offset_ms: Arc::new(AtomicI64::new(0)),
        };
        c.set_ms(to_ms(start));
        c
    }

    /// From now on, time flows from `ms`.
    pub fn set_ms(&self, ms: i64) {
        let real = to_ms(OffsetDateTime::now_utc());
        self.offset_ms.store(ms - real, Ordering::SeqCst);
    }
}

impl Clock for SteerableClock {
    fn now(&self) -> OffsetDateTime {
        from_ms(to_ms(OffsetDateTime::now_utc()) + self.offset_ms.load(Ordering::SeqCst))
    }

    fn world_ms(&self) -> i64 {
        to_ms(OffsetDateTime::now_utc())
    }
}

#[cfg(test)]
mod steerable_tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn a_steered_clock_jumps_and_then_flows() {
        let c = SteerableClock::starting_at(datetime!(2023-12-10 02:00 UTC));
        let shared = c.clone();
        c.set_ms(to_ms(datetime!(2023-12-14 02:00 UTC)));
        let d = shared.now() - datetime!(2023-12-14 02:00 UTC);
        assert!(d >= time::Duration::ZERO && d < time::Duration::minutes(1));
    }
}
