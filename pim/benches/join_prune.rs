//! Parse and walk a 1500-byte IPv4 Join/Prune with its checksum, beside the plain checksum of the
//! same bytes (the bound a parser cannot beat).

use std::hint::black_box;
use std::net::Ipv4Addr;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use mcast_addr::family::Ipv4;
use mcast_pim::wire::{
    EncodedGroup, EncodedSource, GroupSetRepr, Holdtime, JoinPruneRepr, Message, MessageRepr, Pim,
    PseudoHeader,
};

fn message() -> (Vec<u8>, PseudoHeader<Ipv4>) {
    let ph = PseudoHeader::new(Ipv4Addr::new(10, 0, 0, 2), Ipv4Addr::new(224, 0, 0, 13));
    let mut jp = JoinPruneRepr::<Ipv4>::new(Ipv4Addr::new(10, 0, 0, 1), Holdtime(210));
    // 4 groups of 45 sources: 14 + 4 × (12 + 45 × 8) = 1502 > 1500, so 44 in the last.
    for g in 0..4u8 {
        let mut set = GroupSetRepr::new(EncodedGroup::host(Ipv4Addr::new(232, 1, 1, g)));
        let n = if g == 3 { 44 } else { 45 };
        for s in 0..n {
            let source = EncodedSource::source_group(Ipv4Addr::new(10, 1, g, s));
            if s % 3 == 0 {
                set.prunes.push(source.into());
            } else {
                set.joins.push(source.into());
            }
        }
        jp.groups.push(set);
    }
    let bytes = MessageRepr::JoinPrune(jp).to_bytes(&ph).unwrap();
    assert!(bytes.len() <= 1500 && bytes.len() > 1400, "{}", bytes.len());
    (bytes, ph)
}

fn bench(c: &mut Criterion) {
    let (bytes, ph) = message();
    let mut group = c.benchmark_group("join_prune_1500");
    group.throughput(Throughput::Bytes(bytes.len() as u64));
    group.bench_function("parse_walk_checksum", |b| {
        b.iter(|| {
            let pim = Pim::<Ipv4>::parse(black_box(&bytes), &ph).unwrap();
            let Message::JoinPrune(jp) = pim.message else {
                unreachable!()
            };
            let mut sum = 0u32;
            for g in jp.groups() {
                for s in g.joined.iter().chain(g.pruned.iter()) {
                    sum = sum.wrapping_add(u32::from(s.source.address));
                }
            }
            black_box(sum)
        });
    });
    group.bench_function("checksum_only", |b| {
        b.iter(|| mcast_pim::wire::verify_checksum(black_box(&bytes), &ph).unwrap());
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
