//! The DVMRP router with 10,000 routes heard from 16 neighbors on one LAN (criterion).
//!
//! - `router/receive_report_cycle`: one Route Report Interval's input in steady state: the 16
//!   neighbors' Probes and their Reports of all 10,000 routes (each neighbor at its own metric,
//!   so one is the upstream and 15 compete), parsed from bytes; reported per route received.
//! - `router/send_report_cycle`: the periodic Report of the whole table on both interfaces
//!   (poison reverse towards the upstream), built and packed by the codec; reported per route
//!   sent.
//!
//! Memory per route (what the 16 neighbors reported included) is printed before the benchmarks
//! run: the growth of the resident set while the table is learned, divided by the routes
//! (Linux).

#![allow(clippy::cast_precision_loss, clippy::cast_possible_truncation)]

use std::hint::black_box;
use std::net::Ipv4Addr;
use std::time::Duration;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use mcast_dvmrp::router::{InterfaceConfig, InterfaceId, Router, RouterConfig, RouterTimer};
use mcast_dvmrp::wire::{
    ALL_DVMRP_ROUTERS, Body, Capabilities, Header, Message, Metric, Probe, ReportBuilder, Route,
    Version,
};

const ROUTES: u32 = 10_000;
const NEIGHBORS: u8 = 16;
const UPSTREAM: InterfaceId = InterfaceId(1);
const DOWNSTREAM: InterfaceId = InterfaceId(2);
const OURS: Ipv4Addr = Ipv4Addr::new(10, 0, 1, 1);

fn neighbor(n: u8) -> Ipv4Addr {
    Ipv4Addr::new(10, 0, 1, 10 + n)
}

/// Route `i`: a /24 in 172.16.0.0/12.
fn network(i: u32) -> Ipv4Addr {
    Ipv4Addr::from(0xac10_0000_u32 + (i << 8))
}

fn probe(n: u8) -> Vec<u8> {
    let listed = [OURS.octets()];
    let message = Message {
        header: Header {
            reserved: 0,
            capabilities: Capabilities::PRUNE | Capabilities::GENID,
            version: Version::VERSION_3,
        },
        body: Body::Probe(Probe {
            generation_id: u32::from(n),
            neighbors: &listed,
        }),
    };
    let mut bytes = vec![0; message.buffer_len()];
    message.emit(&mut bytes).unwrap();
    bytes
}

/// Neighbor `n`'s Reports of every route at metric `n + 2`, as packets of a 1500-byte link.
fn reports(n: u8) -> Vec<Vec<u8>> {
    let metric = Metric::new(n + 2).unwrap();
    let routes: Vec<Route> = (0..ROUTES)
        .map(|i| Route::new(network(i), 24, metric).unwrap())
        .collect();
    let mut builder = ReportBuilder::new(&routes, 1500).unwrap();
    let mut packets = Vec::new();
    let mut buffer = vec![0; 1500];
    while let Some(len) = builder.emit_next(&mut buffer).unwrap() {
        packets.push(buffer[..len].to_vec());
    }
    packets
}

/// One cycle's input: every neighbor's Probe, then its Reports.
fn cycle() -> Vec<(Ipv4Addr, Vec<u8>)> {
    let mut input = Vec::new();
    for n in 0..NEIGHBORS {
        input.push((neighbor(n), probe(n)));
        for packet in reports(n) {
            input.push((neighbor(n), packet));
        }
    }
    input
}

fn feed(router: &mut Router<Duration>, now: Duration, input: &[(Ipv4Addr, Vec<u8>)]) {
    for (from, bytes) in input {
        router
            .handle_packet(now, UPSTREAM, *from, ALL_DVMRP_ROUTERS, bytes)
            .unwrap();
    }
}

fn resident_bytes() -> Option<usize> {
    let statm = std::fs::read_to_string("/proc/self/statm").ok()?;
    let pages: usize = statm.split_whitespace().nth(1)?.parse().ok()?;
    Some(pages * 4096)
}

fn setup(input: &[(Ipv4Addr, Vec<u8>)]) -> Router<Duration> {
    // Routes that outlive the benchmark's clock, so that the sending benchmark, which feeds
    // only Probes, keeps the whole table.
    let mut config = RouterConfig::new(1);
    config.route_expiration_time = Duration::from_secs(1 << 40);
    let mut router = Router::new(config);
    router
        .add_interface(Duration::ZERO, UPSTREAM, InterfaceConfig::new(OURS, 24))
        .unwrap();
    router
        .add_interface(
            Duration::ZERO,
            DOWNSTREAM,
            InterfaceConfig::new(Ipv4Addr::new(10, 0, 2, 1), 24).with_mtu(1500),
        )
        .unwrap();
    let before = resident_bytes();
    feed(&mut router, Duration::ZERO, input);
    let after = resident_bytes();
    while router.poll_transmit().is_some() {}
    while router.poll_event().is_some() {}
    assert_eq!(router.routes().count(), ROUTES as usize + 2);
    if let (Some(before), Some(after)) = (before, after) {
        let grown = after.saturating_sub(before);
        eprintln!(
            "router state: {ROUTES} routes x {NEIGHBORS} neighbors, resident set grew {grown} \
             bytes: {:.1} bytes per route",
            grown as f64 / f64::from(ROUTES)
        );
    }
    router
}

fn bench(c: &mut Criterion) {
    let input = cycle();
    let probes: Vec<(Ipv4Addr, Vec<u8>)> =
        (0..NEIGHBORS).map(|n| (neighbor(n), probe(n))).collect();
    let mut router = setup(&input);
    let mut group = c.benchmark_group("router");

    group.throughput(Throughput::Elements(
        u64::from(ROUTES) * u64::from(NEIGHBORS),
    ));
    let mut now = Duration::ZERO;
    group.bench_function("receive_report_cycle", |b| {
        b.iter(|| {
            now += Duration::from_secs(1);
            feed(&mut router, now, black_box(&input));
            while router.poll_transmit().is_some() {}
        });
    });

    group.throughput(Throughput::Elements(u64::from(ROUTES) * 2));
    group.bench_function("send_report_cycle", |b| {
        b.iter(|| {
            // At the periodic Report's deadline, with the adjacencies kept up.
            now = now.max(router.deadline(&RouterTimer::RouteReport).unwrap());
            feed(&mut router, now, &probes);
            router.handle_timeout(now);
            let mut sent = 0usize;
            while let Some(t) = router.poll_transmit() {
                sent += t.payload.len();
            }
            assert!(
                sent > ROUTES as usize * 4,
                "the whole table was reported: {sent} bytes, {:?}",
                router.stats()
            );
            black_box(sent)
        });
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
