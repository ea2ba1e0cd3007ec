//! The bootstrap's random numbers: SplitMix64, written out here so that the same seed gives the same
//! intervals on every machine and with every version of every crate. Replicate `r` of a run seeded
//! `s` draws from its own stream, so the result does not depend on how replicates are shared
//! between threads.

#[derive(Debug, Clone)]
pub struct SplitMix64(u64);

impl SplitMix64 {
    pub fn new(seed: u64) -> Self {
        SplitMix64(seed)
    }

    /// The stream of replicate `r` of a run seeded `seed`.
    pub fn for_replicate(seed: u64, r: u64) -> Self {
        let mut s = SplitMix64(seed ^ r.wrapping_mul(0xA076_1D64_78BD_642F));
        s.next_u64();
        s
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A whole number in `0..n` (`n` > 0), without modulo bias worth speaking of: the high 64 bits
    /// of a 128-bit product.
    pub fn below(&mut self, n: usize) -> usize {
        ((u128::from(self.next_u64()) * n as u128) >> 64) as usize
    }
}

/// A seed from a result's input hash (hex): its first 16 hex digits, or a fixed seed for anything
/// else.
pub fn seed_of(input_hash: &str) -> u64 {
    input_hash
        .get(..16)
        .and_then(|h| u64::from_str_radix(h, 16).ok())
        .unwrap_or(0x5EED_CCC2_0230_0001)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_stream_is_fixed_by_its_seed() {
        // SplitMix64's published first outputs for seed 0.
        let mut r = SplitMix64::new(0);
        assert_eq!(r.next_u64(), 0xE220_A839_7B1D_CDAF);
        assert_eq!(r.next_u64(), 0x6E78_9E6A_A1B9_65F4);
        let mut a = SplitMix64::for_replicate(7, 3);
        let mut b = SplitMix64::for_replicate(7, 3);
        assert_eq!(a.next_u64(), b.next_u64());
        assert_ne!(
            SplitMix64::for_replicate(7, 3).next_u64(),
            SplitMix64::for_replicate(7, 4).next_u64()
        );
    }

    #[test]
    fn draws_stay_in_range_and_cover_it() {
        let mut r = SplitMix64::new(42);
        let mut seen = [0u32; 7];
        for _ in 0..7_000 {
            seen[r.below(7)] += 1;
        }
        assert!(seen.iter().all(|&n| (800..1200).contains(&n)), "{seen:?}");
    }

    #[test]
    fn the_seed_comes_from_the_hash() {
        assert_eq!(seed_of("00000000000000ff9999"), 255);
        assert_eq!(seed_of("xyz"), seed_of(""));
    }
}
