//! The simulation's randomness: one seeded generator per node.

use std::convert::Infallible;

use rand::SeedableRng;
use rand::rngs::Xoshiro256PlusPlus;

/// A node's random number generator: xoshiro256++, seeded from the simulation seed and the
/// node's id, so that a node's draws do not depend on how many other nodes there are or what
/// they draw. It implements [`rand::TryRng`] (hence [`rand::Rng`]), as the state
/// machines ask.
///
/// The same seed gives the same numbers on every platform and every run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SimRng(Xoshiro256PlusPlus);

impl SimRng {
    /// The generator of node `node` in a simulation seeded with `seed`.
    #[must_use]
    pub fn for_node(seed: u64, node: usize) -> Self {
        // One SplitMix64 step over (seed, node): distinct nodes get unrelated streams.
        let mut z = seed ^ (node as u64).wrapping_mul(0x9e37_79b9_7f4a_7c15);
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^= z >> 31;
        Self(Xoshiro256PlusPlus::seed_from_u64(z))
    }
}

impl rand::TryRng for SimRng {
    type Error = Infallible;

    fn try_next_u32(&mut self) -> Result<u32, Infallible> {
        self.0.try_next_u32()
    }

    fn try_next_u64(&mut self) -> Result<u64, Infallible> {
        self.0.try_next_u64()
    }

    fn try_fill_bytes(&mut self, dst: &mut [u8]) -> Result<(), Infallible> {
        self.0.try_fill_bytes(dst)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::Rng;

    #[test]
    fn same_seed_same_stream_and_nodes_differ() {
        let mut a = SimRng::for_node(7, 0);
        let mut b = SimRng::for_node(7, 0);
        let mut c = SimRng::for_node(7, 1);
        let xs: Vec<u64> = (0..8).map(|_| a.next_u64()).collect();
        let ys: Vec<u64> = (0..8).map(|_| b.next_u64()).collect();
        let zs: Vec<u64> = (0..8).map(|_| c.next_u64()).collect();
        assert_eq!(xs, ys);
        assert_ne!(xs, zs);
    }
}
