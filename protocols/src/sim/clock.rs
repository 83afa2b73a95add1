//! Node clocks: what `ctx.now()` reads on each node.
//!
//! The simulator keeps one true virtual time; each node reads it through its
//! own clock, which may be set off (`offset_ms`) and run fast or slow
//! (`drift`, e.g. 0.01 = 1% fast). Only what a node *reads* changes: events
//! still happen in true time, and a timer armed for `d` ms of the node's own
//! time fires after `d / (1 + drift)` ms of true time. This is how leases and
//! last-writer-wins registers go wrong in real systems. Drift is kept in
//! parts per million so the arithmetic is integer and identical in wasm.

use super::time::Time;

/// Largest clock offset a scenario may set, either way (one virtual hour).
pub const MAX_OFFSET_MS: i64 = 3_600_000;
/// Largest drift a scenario may set, either way (50% fast or slow).
pub const MAX_DRIFT: f64 = 0.5;

const PPM: i128 = 1_000_000;

/// One node's clock: it read `local_at_base` at true time `base`, and runs
/// at `1 + drift_ppm / 10^6` local ms per true ms since.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct NodeClock {
    base: Time,
    local_at_base: i64,
    drift_ppm: i64,
}

impl NodeClock {
    /// A clock that reads true time.
    pub fn exact() -> NodeClock {
        NodeClock::default()
    }

    /// Whether this clock reads exactly true time.
    pub fn is_exact(&self) -> bool {
        self.local_at_base == self.base as i64 && self.drift_ppm == 0
    }

    fn local_signed(&self, now: Time) -> i128 {
        let elapsed = i128::from(now.saturating_sub(self.base));
        i128::from(self.local_at_base) + elapsed + elapsed * i128::from(self.drift_ppm) / PPM
    }

    /// What the node reads at true time `now` (never below 0: a clock set far
    /// back reads 0 until true time catches up).
    pub fn local(&self, now: Time) -> Time {
        // Most clocks are exact: skip the 128-bit arithmetic, which wasm32 does in software.
        if self.is_exact() {
            return now;
        }
        self.local_signed(now).clamp(0, i128::from(Time::MAX)) as Time
    }

    /// How far ahead of true time the clock is at `now` (negative: behind).
    pub fn offset_at(&self, now: Time) -> i64 {
        (self.local_signed(now) - i128::from(now)).clamp(i128::from(i64::MIN), i128::from(i64::MAX)) as i64
    }

    /// From true time `now` on, the clock reads `now + offset_ms` and runs
    /// with `drift` (or keeps its drift when `None`).
    pub fn set(&mut self, now: Time, offset_ms: i64, drift: Option<f64>) {
        if let Some(d) = drift {
            self.drift_ppm = (d * 1e6).round() as i64;
        }
        self.base = now;
        self.local_at_base = (now as i64).saturating_add(offset_ms);
    }

    /// True time that `wait` ms of this clock take (rounded up, at least the
    /// same millisecond for a zero wait).
    pub fn true_wait(&self, wait: Time) -> Time {
        if self.drift_ppm == 0 {
            return wait;
        }
        let rate = PPM + i128::from(self.drift_ppm);
        let w = i128::from(wait) * PPM;
        ((w + rate - 1) / rate).clamp(0, i128::from(Time::MAX)) as Time
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_exact_clock_reads_true_time() {
        let c = NodeClock::exact();
        assert_eq!((c.local(1234), c.true_wait(50), c.offset_at(99)), (1234, 50, 0));
        assert!(c.is_exact());
    }

    #[test]
    fn offsets_jump_and_drift_accumulates() {
        let mut c = NodeClock::exact();
        c.set(1_000, 500, Some(0.01));
        assert_eq!(c.local(1_000), 1_500);
        assert_eq!(c.local(2_000), 2_510, "1% fast over 1 s gains 10 ms");
        assert_eq!(c.offset_at(2_000), 510);
        c.set(2_000, -300, None);
        assert_eq!(c.local(2_000), 1_700, "setting the clock back makes it read an earlier time");
        assert_eq!(c.local(3_000), 2_710, "the drift is kept");
    }

    #[test]
    fn a_clock_set_back_reads_zero_until_time_catches_up() {
        let mut c = NodeClock::exact();
        c.set(0, -5_000, None);
        assert_eq!((c.local(100), c.local(5_000), c.local(6_000)), (0, 0, 1_000));
    }

    #[test]
    fn timers_on_a_fast_clock_fire_sooner_in_true_time() {
        let mut c = NodeClock::exact();
        c.set(0, 0, Some(0.25));
        assert_eq!(c.true_wait(1_000), 800);
        c.set(0, 0, Some(-0.5));
        assert_eq!(c.true_wait(1_000), 2_000);
        assert_eq!(c.true_wait(Time::MAX), Time::MAX, "saturates instead of overflowing");
    }
}
