//! The one deterministic random-number generator: SplitMix64, written out here so that the same seed
//! gives the same numbers on every machine and with every version of every crate. Simulations of
//! respondents and the results' bootstrap both draw from it.

/// SplitMix64: the state is the seed, moved on by each draw.
#[derive(Debug, Clone)]
pub struct Rng(pub u64);

impl Rng {
    /// Stream `stream` of a run seeded `seed`: independent streams from one seed, so that work split
    /// between threads draws the same numbers however it is split.
    pub fn for_stream(seed: u64, stream: u64) -> Self {
        let mut r = Rng(seed ^ stream.wrapping_mul(0xA076_1D64_78BD_642F));
        r.next_u64();
        r
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in [0, 1).
    pub fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    /// An integer in [lo, hi).
    pub fn range(&mut self, lo: i64, hi: i64) -> i64 {
        lo + (self.next_u64() % (hi - lo).max(1) as u64) as i64
    }

    /// An index in `0..n` (`n` > 0): the high 64 bits of a 128-bit product, without modulo bias
    /// worth speaking of.
    pub fn below(&mut self, n: usize) -> usize {
        ((u128::from(self.next_u64()) * n as u128) >> 64) as usize
    }

    /// A standard normal number (Box–Muller).
    pub fn normal(&mut self) -> f64 {
        let u = self.unit().max(1e-12);
        let v = self.unit();
        (-2.0 * u.ln()).sqrt() * (std::f64::consts::TAU * v).cos()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_stream_is_fixed_by_its_seed() {
        // SplitMix64's published first outputs for seed 0.
        let mut r = Rng(0);
        assert_eq!(r.next_u64(), 0xE220_A839_7B1D_CDAF);
        assert_eq!(r.next_u64(), 0x6E78_9E6A_A1B9_65F4);
        assert_eq!(
            Rng::for_stream(7, 3).next_u64(),
            Rng::for_stream(7, 3).next_u64()
        );
        assert_ne!(
            Rng::for_stream(7, 3).next_u64(),
            Rng::for_stream(7, 4).next_u64()
        );
    }

    #[test]
    fn draws_stay_in_range_and_cover_it() {
        let mut r = Rng(42);
        let mut seen = [0u32; 7];
        for _ in 0..7_000 {
            seen[r.below(7)] += 1;
        }
        assert!(seen.iter().all(|&n| (800..1200).contains(&n)), "{seen:?}");
    }
}
