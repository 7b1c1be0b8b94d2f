//! Test support: a seeded RNG and helpers to build and drain the state machines.
#![allow(dead_code, unreachable_pub)]

use core::convert::Infallible;
use core::time::Duration;

use mcast_igmp::gmp::{Gmp, GroupRecord, Message, Query, RecordType, Transmit, Version};

/// xorshift64*: a tiny deterministic RNG for tests.
#[derive(Debug, Clone)]
pub struct TestRng(u64);

impl TestRng {
    pub fn new(seed: u64) -> Self {
        Self(seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1)
    }
}

impl rand_core::TryRng for TestRng {
    type Error = Infallible;
    fn try_next_u32(&mut self) -> Result<u32, Infallible> {
        Ok((self.try_next_u64()? >> 32) as u32)
    }
    fn try_next_u64(&mut self) -> Result<u64, Infallible> {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        Ok(self.0.wrapping_mul(0x2545_f491_4f6c_dd1d))
    }
    fn try_fill_bytes(&mut self, dst: &mut [u8]) -> Result<(), Infallible> {
        for chunk in dst.chunks_mut(8) {
            let v = self.try_next_u64()?.to_le_bytes();
            chunk.copy_from_slice(&v[..chunk.len()]);
        }
        Ok(())
    }
}

/// The seeds every randomized scenario runs under.
pub const SEEDS: core::ops::Range<u64> = 0..64;

pub fn secs(s: u64) -> Duration {
    Duration::from_secs(s)
}

pub fn ms(m: u64) -> Duration {
    Duration::from_millis(m)
}

pub fn record<A>(record_type: RecordType, group: A, sources: Vec<A>) -> Message<A> {
    Message::ReportV3(vec![GroupRecord {
        record_type,
        group,
        sources,
    }])
}

pub fn query<A>(
    version: Version,
    group: A,
    max_response_time: Duration,
    sources: Vec<A>,
) -> Message<A> {
    Message::Query(Query {
        version,
        group,
        max_response_time,
        suppress_router_side_processing: false,
        robustness: 2,
        query_interval: Duration::from_secs(125),
        sources,
    })
}

/// Every transmit `poll` yields.
pub fn drain<F: Gmp>(poll: impl FnMut() -> Option<Transmit<F>>) -> Vec<Transmit<F>> {
    core::iter::from_fn(poll).collect()
}

/// The queries among `transmits`.
pub fn queries<F: Gmp>(transmits: &[Transmit<F>]) -> Vec<Query<F::Addr>> {
    transmits
        .iter()
        .filter_map(|t| match t.message().expect("every transmit re-parses") {
            Message::Query(q) => Some(q),
            _ => None,
        })
        .collect()
}

/// The group records among `transmits`.
pub fn records<F: Gmp>(transmits: &[Transmit<F>]) -> Vec<GroupRecord<F::Addr>> {
    transmits
        .iter()
        .flat_map(|t| match t.message().expect("every transmit re-parses") {
            Message::ReportV3(r) => r,
            _ => Vec::new(),
        })
        .collect()
}

/// The bytes of `message` from `source` to `destination`, built by the codec (one packet).
pub fn bytes<F: Gmp>(message: &Message<F::Addr>, source: F::Addr, destination: F::Addr) -> Vec<u8> {
    let mut packets =
        mcast_igmp::gmp::codec::encode::<F>(message, source, destination, 65_000).unwrap();
    assert_eq!(packets.len(), 1);
    packets.pop().unwrap()
}
