//! Router interface in steady state with 100,000 groups × 8 sources (criterion).
//!
//! - `router/report_record`: one IGMPv3 report of 36 IS_IN records (8 sources each, a full
//!   1500-byte packet) refreshing groups that exist, parsed from bytes; reported per record.
//! - `router/handle_timeout_due`: one `handle_timeout` call with due timers, in a steady state
//!   where every group is refreshed every 130 s: each call fires the 8 Source Timers of one
//!   group (which the router re-arms at their refreshed deadlines); reported per timer fired.
//! - `router/handle_timeout_idle`: `handle_timeout` with nothing due.
//!
//! Memory per (group, source) entry is printed before the benchmarks run: the growth of the
//! resident set while the 800,000 entries are created, divided by their number (Linux).

#![allow(clippy::cast_precision_loss, clippy::cast_possible_truncation)]

use std::hint::black_box;
use std::net::Ipv4Addr;
use std::time::{Duration, Instant};

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use mcast_addr::family::Ipv4;
use mcast_igmp::gmp::codec::encode;
use mcast_igmp::gmp::{GroupRecord, Limits, Message, RecordType, RouterConfig};
use mcast_igmp::router::Router;

const GROUPS: u32 = 100_000;
const SOURCES: u32 = 8;
const ROUTER: Ipv4Addr = Ipv4Addr::new(10, 0, 0, 1);
const HOST: Ipv4Addr = Ipv4Addr::new(10, 0, 0, 2);
const ALL_V3_ROUTERS: Ipv4Addr = Ipv4Addr::new(224, 0, 0, 22);

fn group(i: u32) -> Ipv4Addr {
    Ipv4Addr::from(0xe800_0000_u32 + i)
}

fn source(i: u32, j: u32) -> Ipv4Addr {
    Ipv4Addr::from(0x0a00_0000_u32 + (i * SOURCES + j) % 0x00ff_ffff)
}

/// The reports refreshing every group, as packets of a 1500-byte link.
fn reports() -> Vec<Vec<u8>> {
    let records: Vec<_> = (0..GROUPS)
        .map(|i| GroupRecord {
            record_type: RecordType::ModeIsInclude,
            group: group(i),
            sources: (0..SOURCES).map(|j| source(i, j)).collect(),
        })
        .collect();
    encode::<Ipv4>(&Message::ReportV3(records), HOST, ALL_V3_ROUTERS, 1500).unwrap()
}

fn resident_bytes() -> Option<usize> {
    let statm = std::fs::read_to_string("/proc/self/statm").ok()?;
    let pages: usize = statm.split_whitespace().nth(1)?.parse().ok()?;
    Some(pages * 4096)
}

fn router() -> Router<Ipv4, Duration> {
    let mut config = RouterConfig::new(ROUTER);
    config.limits = Limits {
        max_groups: 200_000,
        max_sources_per_group: 64,
        max_sources: 2_000_000,
    };
    let mut r = Router::new(config);
    r.enable(Duration::ZERO);
    while r.poll_transmit().is_some() {}
    r
}

/// Feeds every report at `now`, advancing a microsecond per packet.
fn feed(r: &mut Router<Ipv4, Duration>, packets: &[Vec<u8>], now: &mut Duration) {
    for p in packets {
        r.handle_packet(*now, HOST, ALL_V3_ROUTERS, p).unwrap();
        *now += Duration::from_micros(1);
    }
    while r.poll_event().is_some() {}
}

fn bench(c: &mut Criterion) {
    let packets = reports();
    let records_per_packet = (GROUPS as usize).div_ceil(packets.len());

    // Memory per entry.
    let before = resident_bytes();
    let mut r = router();
    let mut now = Duration::from_secs(1);
    feed(&mut r, &packets, &mut now);
    let after = resident_bytes();
    assert_eq!(r.source_count(), (GROUPS * SOURCES) as usize);
    if let (Some(before), Some(after)) = (before, after) {
        let entries = f64::from(GROUPS * SOURCES);
        eprintln!(
            "router state: {} groups x {} sources, resident set grew {} bytes: {:.1} bytes per (group, source) entry",
            GROUPS,
            SOURCES,
            after - before,
            (after - before) as f64 / entries
        );
    }

    let mut g = c.benchmark_group("router");
    g.throughput(Throughput::Elements(records_per_packet as u64));
    let mut next = 0;
    g.bench_function("report_record", |b| {
        b.iter(|| {
            let p = &packets[next % packets.len()];
            next += 1;
            now += Duration::from_micros(1);
            r.handle_packet(now, HOST, ALL_V3_ROUTERS, black_box(p))
                .unwrap();
        });
    });
    while r.poll_event().is_some() {}

    drop(r);

    // handle_timeout with due timers. One record per packet, a microsecond apart: the 8
    // Source Timers of a group share a deadline, and each call fires them (re-arming each at
    // its true deadline, since every group is refreshed every 130 s, as in a steady state).
    let singles: Vec<Vec<u8>> = (0..GROUPS)
        .map(|i| {
            let record = GroupRecord {
                record_type: RecordType::ModeIsInclude,
                group: group(i),
                sources: (0..SOURCES).map(|j| source(i, j)).collect(),
            };
            encode::<Ipv4>(&Message::ReportV3(vec![record]), HOST, ALL_V3_ROUTERS, 1500)
                .unwrap()
                .remove(0)
        })
        .collect();
    let mut r = router();
    let mut t = Duration::from_secs(1);
    feed(&mut r, &singles, &mut t);
    let mut next_refresh = Duration::from_secs(131);
    g.throughput(Throughput::Elements(u64::from(SOURCES)));
    g.bench_function("handle_timeout_due", |b| {
        b.iter_custom(|iterations| {
            let mut total = Duration::ZERO;
            for _ in 0..iterations {
                let mut due = r.poll_timeout().unwrap();
                while due >= next_refresh {
                    let mut t = next_refresh;
                    feed(&mut r, &singles, &mut t);
                    while r.poll_transmit().is_some() {}
                    next_refresh += Duration::from_secs(130);
                    due = r.poll_timeout().unwrap();
                }
                let start = Instant::now();
                r.handle_timeout(black_box(due));
                total += start.elapsed();
                while r.poll_transmit().is_some() {}
            }
            total
        });
    });

    g.bench_function("handle_timeout_idle", |b| {
        let mut r = router();
        let mut t = Duration::from_secs(1);
        feed(&mut r, &packets, &mut t);
        let quiet = Duration::from_secs(2);
        b.iter(|| r.handle_timeout(black_box(quiet)));
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
