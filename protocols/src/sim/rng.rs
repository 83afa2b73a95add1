//! Seeded random streams, portable across native code and WebAssembly.
//!
//! One scenario seed feeds several independent streams, one per concern
//! (network, timers, workload, protocol choices). Each stream's seed mixes
//! the scenario seed with a fixed label, so one extra draw in one concern
//! never shifts the numbers another concern sees. The generator is
//! xoshiro256++ (Blackman and Vigna), written here: a simulation needs
//! statistical quality and speed, not secrecy, and plain 64-bit integer
//! operations cost the same in WebAssembly as natively (ChaCha, used before,
//! leans on SIMD that wasm builds lack). Sampling is written here too, so no
//! library upgrade can silently change a trace.

/// One independent stream of random numbers.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Stream([u64; 4]);

impl Stream {
    /// The stream for `label` under the scenario `seed` (state from
    /// SplitMix64, as the generator's authors recommend; never all zero).
    pub fn new(seed: u64, label: &str) -> Stream {
        let mut state = seed ^ fnv1a(label.as_bytes());
        Stream([splitmix64(&mut state), splitmix64(&mut state), splitmix64(&mut state), splitmix64(&mut state)])
    }

    /// xoshiro256++.
    pub fn next_u64(&mut self) -> u64 {
        let s = &mut self.0;
        let result = s[0].wrapping_add(s[3]).rotate_left(23).wrapping_add(s[0]);
        let t = s[1] << 17;
        s[2] ^= s[0];
        s[3] ^= s[1];
        s[1] ^= s[2];
        s[0] ^= s[3];
        s[2] ^= t;
        s[3] = s[3].rotate_left(45);
        result
    }

    /// A uniform integer in `[0, n)` (Lemire's method with rejection, so unbiased).
    pub fn below(&mut self, n: u64) -> u64 {
        assert!(n > 0, "below(0) has no answer");
        let threshold = n.wrapping_neg() % n;
        loop {
            let (hi, lo) = wide_mul(self.next_u64(), n);
            if lo >= threshold {
                return hi;
            }
        }
    }

    /// A uniform integer in `[lo, hi]`.
    pub fn between(&mut self, lo: u64, hi: u64) -> u64 {
        debug_assert!(lo <= hi);
        match (hi - lo).checked_add(1) {
            Some(span) => lo + self.below(span),
            None => self.next_u64(),
        }
    }

    /// A uniform float in `[0, 1)` with 53 random bits.
    pub fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
    }

    /// True with probability `p`. Draws nothing when `p` is 0 or 1, so turning
    /// a probability on does not shift a run that never used it.
    pub fn chance(&mut self, p: f64) -> bool {
        if p <= 0.0 {
            false
        } else if p >= 1.0 {
            true
        } else {
            self.unit() < p
        }
    }

    /// An exponentially distributed wait with the given mean, in whole ms (at least 1).
    pub fn exponential_ms(&mut self, mean_ms: f64) -> u64 {
        let u = 1.0 - self.unit(); // in (0, 1], so ln is finite
        let wait = -mean_ms * libm::log(u);
        (wait.round() as u64).max(1)
    }
}

/// The 128-bit product of two u64 as (high, low) halves, from 32-bit pieces:
/// the same result as `u128` arithmetic, which wasm32 does in software.
fn wide_mul(a: u64, b: u64) -> (u64, u64) {
    let (a_hi, a_lo) = (a >> 32, a & 0xffff_ffff);
    let (b_hi, b_lo) = (b >> 32, b & 0xffff_ffff);
    let lo_lo = a_lo * b_lo;
    let hi_lo = a_hi * b_lo;
    let lo_hi = a_lo * b_hi;
    let hi_hi = a_hi * b_hi;
    let cross = (lo_lo >> 32) + (hi_lo & 0xffff_ffff) + lo_hi;
    let hi = hi_hi + (hi_lo >> 32) + (cross >> 32);
    (hi, (cross << 32) | (lo_lo & 0xffff_ffff))
}

fn splitmix64(state: &mut u64) -> u64 {
    *state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
    let mut z = *state;
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// FNV-1a over bytes: a tiny stable hash, also used for stream labels.
pub fn fnv1a(bytes: &[u8]) -> u64 {
    let mut hash = FNV_OFFSET;
    for b in bytes {
        hash = (hash ^ u64::from(*b)).wrapping_mul(FNV_PRIME);
    }
    hash
}

pub const FNV_OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
pub const FNV_PRIME: u64 = 0x0000_0100_0000_01b3;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_seed_and_label_give_the_same_numbers() {
        let a: Vec<u64> = (0..8)
            .map({
                let mut s = Stream::new(42, "net");
                move |_| s.next_u64()
            })
            .collect();
        let mut s = Stream::new(42, "net");
        let b: Vec<u64> = (0..8).map(|_| s.next_u64()).collect();
        assert_eq!(a, b);
    }

    #[test]
    fn labels_and_seeds_separate_streams() {
        let first = |seed, label| Stream::new(seed, label).next_u64();
        assert_ne!(first(42, "net"), first(42, "timers"));
        assert_ne!(first(42, "net"), first(43, "net"));
    }

    /// Pins the generator: if this changes, every recorded trace hash changes too.
    #[test]
    fn the_stream_is_pinned() {
        let mut s = Stream::new(1, "pin");
        let got = [s.below(1000), s.below(1000), s.between(20, 80)];
        assert_eq!(got, [450, 310, 43], "got {got:?}");
    }

    #[test]
    fn wide_mul_matches_u128() {
        let mut s = Stream::new(11, "mul");
        for _ in 0..10_000 {
            let (a, b) = (s.next_u64(), s.next_u64());
            let p = u128::from(a) * u128::from(b);
            assert_eq!(wide_mul(a, b), ((p >> 64) as u64, p as u64));
        }
        assert_eq!(wide_mul(u64::MAX, u64::MAX), (u64::MAX - 1, 1));
    }

    #[test]
    fn below_stays_in_range_and_covers_it() {
        let mut s = Stream::new(7, "range");
        let mut seen = [false; 5];
        for _ in 0..500 {
            let v = s.below(5) as usize;
            seen[v] = true;
        }
        assert!(seen.iter().all(|&x| x));
    }

    #[test]
    fn chance_extremes_draw_nothing() {
        let mut a = Stream::new(3, "c");
        let mut b = Stream::new(3, "c");
        assert!(!a.chance(0.0));
        assert!(a.chance(1.0));
        assert_eq!(a.next_u64(), b.next_u64());
    }

    #[test]
    fn exponential_has_roughly_the_mean() {
        let mut s = Stream::new(9, "exp");
        let total: u64 = (0..4000).map(|_| s.exponential_ms(500.0)).sum();
        let mean = total as f64 / 4000.0;
        assert!((450.0..550.0).contains(&mean), "mean {mean}");
    }
}
