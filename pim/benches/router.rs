//! The PIM-SM router with 1,000,000 (S,G) entries joined on two downstream interfaces, IPv4
//! (criterion).
//!
//! Before the benchmarks, printed once: the growth of the resident set per (S,G) while the
//! table is built (entry, downstream states, upstream state and every running timer: two
//! Expiry Timers and a Join Timer), and the rate at which the Join/Prunes that build it are
//! processed, in joined sources per second.
//!
//! - `router/join_prune_refresh`: one full 1500-byte Join/Prune (179 (S,G) joins of one
//!   group) refreshing existing state, parsed from bytes; the messages of both interfaces in a
//!   shuffled order; reported per joined source.
//! - `router/handle_timeout_idle`: `handle_timeout` with nothing due, at 1,000,000 entries.

#![allow(clippy::cast_precision_loss, clippy::cast_possible_truncation)]

use std::hint::black_box;
use std::net::Ipv4Addr;
use std::time::{Duration, Instant};

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use mcast_addr::family::Ipv4;
use mcast_pim::router::{
    InterfaceConfig, Limits, MribRoute, Prefix, Router, RouterConfig, StaticRp,
};
use mcast_pim::wire::{
    EncodedGroup, EncodedSource, GroupSetRepr, HelloRepr, Holdtime, JoinPruneRepr, MessageRepr,
    PseudoHeader,
};

const GROUPS: u32 = 1000;
const SOURCES_PER_GROUP: u32 = 1000;
const PER_MESSAGE: u32 = 179;
const ALL_PIM: Ipv4Addr = Ipv4Addr::new(224, 0, 0, 13);

struct Rng(u64);
impl rand_core::TryRng for Rng {
    type Error = core::convert::Infallible;
    fn try_next_u32(&mut self) -> Result<u32, Self::Error> {
        Ok(self.try_next_u64()? as u32)
    }
    fn try_next_u64(&mut self) -> Result<u64, Self::Error> {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        Ok(self.0)
    }
    fn try_fill_bytes(&mut self, dst: &mut [u8]) -> Result<(), Self::Error> {
        for b in dst {
            *b = self.try_next_u64()? as u8;
        }
        Ok(())
    }
}

type PimRouter = Router<Ipv4, Duration, Rng>;

fn group(i: u32) -> Ipv4Addr {
    Ipv4Addr::from(0xe100_0000_u32 + i)
}

fn source(i: u32, j: u32) -> Ipv4Addr {
    Ipv4Addr::from(0x0a80_0000_u32 + i * SOURCES_PER_GROUP + j)
}

/// Downstream interfaces 1 and 2 (neighbors .2), upstream interface 3.
const DOWN: [(u32, Ipv4Addr, Ipv4Addr); 2] = [
    (1, Ipv4Addr::new(10, 1, 0, 1), Ipv4Addr::new(10, 1, 0, 2)),
    (2, Ipv4Addr::new(10, 2, 0, 1), Ipv4Addr::new(10, 2, 0, 2)),
];

fn resident_bytes() -> Option<usize> {
    let statm = std::fs::read_to_string("/proc/self/statm").ok()?;
    let pages: usize = statm.split_whitespace().nth(1)?.parse().ok()?;
    Some(pages * 4096)
}

fn router() -> PimRouter {
    let config = RouterConfig {
        static_rps: vec![StaticRp {
            groups: Prefix::new(Ipv4Addr::new(224, 0, 0, 0), 4),
            rp: Ipv4Addr::new(10, 3, 9, 9),
        }],
        limits: Limits {
            max_sg: 2_000_000,
            max_downstream_per_interface: 2_000_000,
            ..Limits::default()
        },
        ..RouterConfig::default()
    };
    let now = Duration::ZERO;
    let mut r = Router::new(config, Rng(0x1234_5678_9abc_def1));
    for (id, me, _) in DOWN {
        r.add_interface(now, id, me, 24, InterfaceConfig::default());
        r.interface_up(now, id);
    }
    r.add_interface(
        now,
        3,
        Ipv4Addr::new(10, 3, 0, 1),
        24,
        InterfaceConfig::default(),
    );
    r.interface_up(now, 3);
    r.add_route(
        now,
        Prefix::new(Ipv4Addr::new(10, 128, 0, 0), 9),
        MribRoute {
            interface: 3,
            next_hop: Some(Ipv4Addr::new(10, 3, 0, 2)),
            preference: 110,
            metric: 10,
        },
    );
    let hello = |from: Ipv4Addr| {
        MessageRepr::Hello(HelloRepr::<Ipv4>::new(Holdtime(0xFFFF), 1, 7))
            .to_bytes(&PseudoHeader::new(from, ALL_PIM))
            .unwrap()
    };
    for (id, _, peer) in DOWN {
        r.handle_packet(now, id, peer, ALL_PIM, &hello(peer));
    }
    r.handle_packet(
        now,
        3,
        Ipv4Addr::new(10, 3, 0, 2),
        ALL_PIM,
        &hello(Ipv4Addr::new(10, 3, 0, 2)),
    );
    while r.poll_transmit().is_some() {}
    while r.poll_event().is_some() {}
    r
}

/// Every Join/Prune a downstream neighbor sends to join all the sources: (interface, from,
/// to, bytes).
fn messages() -> Vec<(u32, Ipv4Addr, Ipv4Addr, Vec<u8>)> {
    let mut out = Vec::new();
    for (id, me, peer) in DOWN {
        for g in 0..GROUPS {
            let mut j = 0;
            while j < SOURCES_PER_GROUP {
                let end = (j + PER_MESSAGE).min(SOURCES_PER_GROUP);
                let mut set = GroupSetRepr::new(EncodedGroup::host(group(g)));
                for s in j..end {
                    set.joins
                        .push(EncodedSource::source_group(source(g, s)).into());
                }
                let mut jp = JoinPruneRepr::<Ipv4>::new(me, Holdtime(210));
                jp.groups.push(set);
                let bytes = MessageRepr::JoinPrune(jp)
                    .to_bytes(&PseudoHeader::new(peer, ALL_PIM))
                    .unwrap();
                assert!(bytes.len() + 20 <= 1500);
                out.push((id, peer, ALL_PIM, bytes));
                j = end;
            }
        }
    }
    out
}

fn feed(r: &mut PimRouter, msgs: &[(u32, Ipv4Addr, Ipv4Addr, Vec<u8>)], now: Duration) {
    for (id, from, to, bytes) in msgs {
        r.handle_packet(now, *id, *from, *to, bytes);
        while r.poll_transmit().is_some() {}
        while r.poll_event().is_some() {}
    }
}

fn bench(c: &mut Criterion) {
    let mut msgs = messages();
    let mut r = router();
    let before = resident_bytes();
    let started = Instant::now();
    feed(&mut r, &msgs, Duration::from_secs(1));
    let took = started.elapsed();
    let after = resident_bytes();
    let (_, sg) = r.entry_counts();
    assert_eq!(sg as u32, GROUPS * SOURCES_PER_GROUP);
    let joined = 2.0 * f64::from(GROUPS * SOURCES_PER_GROUP);
    eprintln!(
        "built {sg} (S,G) entries joined on 2 interfaces ({} timers) in {:.2} s: {:.0} joined sources/s",
        r.timers().count(),
        took.as_secs_f64(),
        joined / took.as_secs_f64()
    );
    if let (Some(b), Some(a)) = (before, after) {
        eprintln!(
            "resident set: {:.0} bytes per (S,G) with its downstream, upstream and timer state",
            (a.saturating_sub(b)) as f64 / sg as f64
        );
    }
    // A fixed shuffle, so that no two consecutive messages are for the same group.
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    for i in (1..msgs.len()).rev() {
        let j = (rand_core::Rng::next_u64(&mut rng) % (i as u64 + 1)) as usize;
        msgs.swap(i, j);
    }
    let mut g = c.benchmark_group("router");
    g.throughput(Throughput::Elements(u64::from(PER_MESSAGE)));
    let mut k = 0usize;
    let now = Duration::from_secs(2);
    g.bench_function("join_prune_refresh", |b| {
        b.iter(|| {
            let (id, from, to, bytes) = &msgs[k % msgs.len()];
            k += 1;
            r.handle_packet(now, *id, *from, *to, black_box(bytes));
            while r.poll_transmit().is_some() {}
            while r.poll_event().is_some() {}
        });
    });
    g.throughput(Throughput::Elements(1));
    g.bench_function("handle_timeout_idle", |b| {
        b.iter(|| r.handle_timeout(black_box(now)));
    });
    g.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(20).measurement_time(Duration::from_secs(5));
    targets = bench
}
criterion_main!(benches);
