//! The Internet checksum (RFC 1071) of `mcast-addr` beside smoltcp's, on the same buffers in the
//! same run: 64 bytes (an IGMP or PIM control message), 1500 bytes (an Ethernet MTU) and 64 KiB
//! (the largest IPv4 datagram).
//!
//! Run with `cargo bench -p mcast-addr --bench checksum`. Both functions return the folded sum
//! before the final complement, so both are timed doing the same work; the results are checked
//! equal before timing.

use std::hint::black_box;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use mcast_addr::checksum::Checksum;

/// Deterministic bytes (xorshift64), so that every run sums the same buffers.
fn bytes(len: usize) -> Vec<u8> {
    let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
    (0..len)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state as u8
        })
        .collect()
}

fn ours(data: &[u8]) -> u16 {
    let mut sum = Checksum::new();
    sum.add_bytes(data);
    sum.sum()
}

fn internet_checksum(c: &mut Criterion) {
    let mut group = c.benchmark_group("internet_checksum");
    for len in [64usize, 1500, 65_536] {
        let data = bytes(len);
        assert_eq!(
            ours(&data),
            smoltcp::wire::checksum::data(&data),
            "both compute the same sum over {len} bytes"
        );
        group.throughput(Throughput::Bytes(len as u64));
        group.bench_with_input(BenchmarkId::new("mcast-addr", len), &data, |b, data| {
            b.iter(|| ours(black_box(data)));
        });
        group.bench_with_input(BenchmarkId::new("smoltcp", len), &data, |b, data| {
            b.iter(|| smoltcp::wire::checksum::data(black_box(data)));
        });
    }
    group.finish();
}

criterion_group!(benches, internet_checksum);
criterion_main!(benches);
