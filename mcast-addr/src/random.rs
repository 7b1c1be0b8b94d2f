//! Random delays drawn from the caller's RNG.
//!
//! The RFCs of the family ask for many uniformly random delays: an IGMP/MLD host's response to
//! a Query, a PIM router's triggered Hello (`rand(0, Triggered_Hello_Delay)`, RFC 7761 §4.3.1),
//! its Join suppression and Prune override (`t_suppressed`, `t_override`, §4.11), an MSDP
//! speaker's jittered SA advertisement. Nothing in the family owns an RNG: the caller passes a
//! [`rand_core::Rng`], so a run is reproduced exactly from its seed.
//!
//! ```
//! use core::time::Duration;
//! use mcast_addr::random::uniform_delay;
//! # struct Counter(u64);
//! # impl rand_core::TryRng for Counter {
//! #     type Error = core::convert::Infallible;
//! #     fn try_next_u32(&mut self) -> Result<u32, Self::Error> { Ok(self.try_next_u64()? as u32) }
//! #     fn try_next_u64(&mut self) -> Result<u64, Self::Error> {
//! #         self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15); Ok(self.0)
//! #     }
//! #     fn try_fill_bytes(&mut self, dst: &mut [u8]) -> Result<(), Self::Error> {
//! #         for b in dst { *b = self.try_next_u64()? as u8; } Ok(())
//! #     }
//! # }
//! let mut rng = Counter(7);
//! let low = Duration::from_secs(66);
//! let high = Duration::from_secs(84);
//! for _ in 0..100 {
//!     let delay = uniform_delay(&mut rng, low, high);
//!     assert!(delay >= low && delay < high);
//! }
//! assert_eq!(uniform_delay(&mut rng, high, low), high, "an empty range gives its low end");
//! ```

use core::time::Duration;

use rand_core::Rng;

/// A delay drawn uniformly from `[low, high)` with nanosecond resolution, or exactly `low` when
/// `high` is not above it (so a zero-length range never divides by zero).
pub fn uniform_delay(rng: &mut impl Rng, low: Duration, high: Duration) -> Duration {
    let low_ns = u64::try_from(low.as_nanos()).unwrap_or(u64::MAX);
    let high_ns = u64::try_from(high.as_nanos()).unwrap_or(u64::MAX);
    let Some(span) = high_ns.checked_sub(low_ns).filter(|span| *span > 0) else {
        return low;
    };
    // Lemire's multiply-shift: uniform in [0, span) without a division.
    let product = u128::from(rng.next_u64()).wrapping_mul(u128::from(span));
    let offset = u64::try_from(product.checked_shr(64).unwrap_or(0)).unwrap_or(0);
    Duration::from_nanos(low_ns.saturating_add(offset))
}

#[cfg(test)]
mod tests {
    use super::*;
    use core::convert::Infallible;

    struct Counter(u64);
    impl rand_core::TryRng for Counter {
        type Error = Infallible;
        fn try_next_u32(&mut self) -> Result<u32, Infallible> {
            Ok(self.try_next_u64()? as u32)
        }
        fn try_next_u64(&mut self) -> Result<u64, Infallible> {
            self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
            Ok(self.0)
        }
        fn try_fill_bytes(&mut self, dst: &mut [u8]) -> Result<(), Infallible> {
            for b in dst {
                *b = self.try_next_u64()? as u8;
            }
            Ok(())
        }
    }

    #[test]
    fn stays_in_range_and_spreads() {
        let mut rng = Counter(1);
        let (low, high) = (Duration::from_millis(0), Duration::from_millis(2500));
        let mut below_half = 0;
        for _ in 0..1000 {
            let d = uniform_delay(&mut rng, low, high);
            assert!(d < high);
            if d < Duration::from_millis(1250) {
                below_half += 1;
            }
        }
        assert!((400..600).contains(&below_half), "{below_half}");
    }

    #[test]
    fn empty_and_huge_ranges() {
        let mut rng = Counter(2);
        let d = Duration::from_secs(5);
        assert_eq!(uniform_delay(&mut rng, d, d), d);
        assert_eq!(uniform_delay(&mut rng, d, Duration::ZERO), d);
        let huge = uniform_delay(&mut rng, Duration::ZERO, Duration::MAX);
        assert!(huge <= Duration::from_nanos(u64::MAX));
    }
}
