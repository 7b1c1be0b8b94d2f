//! Parsing benchmarks: a mixed IGMP stream (checksums verified) beside smoltcp 0.14's
//! `IgmpPacket`/`IgmpRepr` on its v1/v2 part, and the walk of a 64-record × 16-source IGMPv3
//! report.
//!
//! Run briefly with `cargo bench -p mcast-igmp --bench parse -- --warm-up-time 1 --measurement-time 2`.

use core::hint::black_box;
use core::net::Ipv4Addr;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use mcast_addr::family::Ipv4;
use mcast_igmp::wire::{
    GmpFamily, GroupRecordBuilder, IgmpMessage, IgmpV1V2Builder, MaxRespCode, MaxRespTime,
    QueryIntervalCode, QueryV3Builder, RecordType, ReportV3Builder,
};
use smoltcp::wire::{IgmpPacket, IgmpRepr};

const ROUTER: Ipv4Addr = Ipv4Addr::new(192, 0, 2, 1);

fn group(i: u32) -> Ipv4Addr {
    Ipv4Addr::from(0xe801_0000 | i)
}

fn source(i: u32) -> Ipv4Addr {
    Ipv4Addr::from(0x0a00_0000 | i)
}

/// The v1/v2 messages of the stream: queries, reports and leaves.
fn v1_v2_messages() -> Vec<Vec<u8>> {
    let mut out = Vec::new();
    for i in 0..64 {
        let b = match i % 6 {
            0 => IgmpV1V2Builder::query_v1(),
            1 => IgmpV1V2Builder::query_v2(MaxRespTime::from_tenths(100), Ipv4Addr::UNSPECIFIED),
            2 => IgmpV1V2Builder::query_v2(MaxRespTime::from_tenths(10), group(i)),
            3 => IgmpV1V2Builder::report_v1(group(i)),
            4 => IgmpV1V2Builder::report_v2(group(i)),
            _ => IgmpV1V2Builder::leave_group(group(i)),
        };
        let mut buf = vec![0u8; 8];
        b.emit(&mut buf).unwrap();
        out.push(buf);
    }
    out
}

/// An IGMPv3 report of `records` records of `sources` sources each.
fn v3_report(records: u32, sources: u32) -> Vec<u8> {
    let all: Vec<Ipv4Addr> = (0..sources).map(source).collect();
    let report = ReportV3Builder::new((0..records).map(|g| GroupRecordBuilder::<Ipv4, _> {
        record_type: RecordType::from((g % 6 + 1) as u8),
        multicast_address: group(g),
        sources: all.iter().copied(),
        auxiliary_data: &[],
    }));
    let mut buf = vec![0u8; report.buffer_len()];
    report.emit(&mut buf, ROUTER, Ipv4::ALL_V3_ROUTERS).unwrap();
    buf
}

/// The v3 messages of the stream: general, group and group-and-source queries, small reports.
fn v3_messages() -> Vec<Vec<u8>> {
    let mut out = Vec::new();
    let sources: Vec<Ipv4Addr> = (0..8).map(source).collect();
    for i in 0..16 {
        let q = QueryV3Builder::<Ipv4, _>::group_and_source_specific(
            if i % 4 == 0 {
                Ipv4Addr::UNSPECIFIED
            } else {
                group(i)
            },
            sources.iter().copied().take(if i % 4 < 2 { 0 } else { 8 }),
            MaxRespCode::DEFAULT,
            false,
            2,
            QueryIntervalCode::DEFAULT,
        );
        let mut buf = vec![0u8; q.buffer_len()];
        q.emit(&mut buf, ROUTER, q.destination()).unwrap();
        out.push(buf);
        out.push(v3_report(1 + i % 4, i % 5));
    }
    out
}

/// Reads every field a state machine would look at, so that nothing is optimised away.
fn consume(message: &IgmpMessage<'_>) -> u64 {
    match message {
        IgmpMessage::QueryV1(m)
        | IgmpMessage::QueryV2(m)
        | IgmpMessage::ReportV1(m)
        | IgmpMessage::ReportV2(m)
        | IgmpMessage::LeaveGroup(m) => {
            u64::from(m.max_resp_time().tenths()) + u64::from(u32::from(m.group_address()))
        }
        IgmpMessage::QueryV3(q) => {
            u64::from(q.max_resp_code().code())
                + u64::from(u32::from(q.group_address()))
                + q.sources().map(|s| u64::from(u32::from(s))).sum::<u64>()
        }
        IgmpMessage::ReportV3(r) => walk(r),
        _ => 0,
    }
}

/// Walks every record of a report: type, group and source list.
fn walk(r: &mcast_igmp::wire::ReportV3<'_, Ipv4>) -> u64 {
    r.group_records()
        .map(|g| {
            u64::from(u8::from(g.record_type()))
                + u64::from(u32::from(g.multicast_address()))
                + g.source_octets().len() as u64
        })
        .sum()
}

fn smoltcp_consume(bytes: &[u8]) -> u64 {
    let packet = IgmpPacket::new_checked(bytes).unwrap();
    assert!(packet.verify_checksum());
    match IgmpRepr::parse(&packet).unwrap() {
        IgmpRepr::MembershipQuery {
            max_resp_time,
            group_addr,
            ..
        } => max_resp_time.total_millis() + u64::from(u32::from(group_addr)),
        IgmpRepr::MembershipReport { group_addr, .. } | IgmpRepr::LeaveGroup { group_addr } => {
            u64::from(u32::from(group_addr))
        }
    }
}

fn bench(c: &mut Criterion) {
    let v1_v2 = v1_v2_messages();
    let v3 = v3_messages();
    let mixed: Vec<Vec<u8>> = v1_v2.iter().chain(&v3).cloned().collect();
    let mixed_bytes: usize = mixed.iter().map(Vec::len).sum();

    let mut g = c.benchmark_group("mixed_stream");
    g.throughput(Throughput::Elements(mixed.len() as u64));
    g.bench_function("mcast_igmp_v1_v2_v3", |b| {
        b.iter(|| {
            mixed
                .iter()
                .map(|m| consume(&IgmpMessage::parse(black_box(m)).unwrap()))
                .sum::<u64>()
        });
    });
    g.finish();
    eprintln!(
        "mixed stream: {} messages, {mixed_bytes} bytes",
        mixed.len()
    );

    let mut g = c.benchmark_group("v1_v2_stream");
    g.throughput(Throughput::Elements(v1_v2.len() as u64));
    g.bench_function("mcast_igmp", |b| {
        b.iter(|| {
            v1_v2
                .iter()
                .map(|m| consume(&IgmpMessage::parse(black_box(m)).unwrap()))
                .sum::<u64>()
        });
    });
    g.bench_function("mcast_igmp_checksum_skipped", |b| {
        b.iter(|| {
            v1_v2
                .iter()
                .map(|m| consume(&IgmpMessage::parse_skipping_checksum(black_box(m)).unwrap()))
                .sum::<u64>()
        });
    });
    g.bench_function("smoltcp_0_14", |b| {
        b.iter(|| {
            v1_v2
                .iter()
                .map(|m| smoltcp_consume(black_box(m)))
                .sum::<u64>()
        });
    });
    g.finish();

    let report = v3_report(64, 16);
    let mut g = c.benchmark_group("v3_report_64x16");
    g.throughput(Throughput::Bytes(report.len() as u64));
    g.bench_function("parse_and_walk_checksum_verified", |b| {
        b.iter(|| {
            let IgmpMessage::ReportV3(r) = IgmpMessage::parse(black_box(&report)).unwrap() else {
                unreachable!()
            };
            walk(&r)
        });
    });
    g.bench_function("parse_and_walk_checksum_skipped", |b| {
        b.iter(|| {
            let IgmpMessage::ReportV3(r) =
                IgmpMessage::parse_skipping_checksum(black_box(&report)).unwrap()
            else {
                unreachable!()
            };
            walk(&r)
        });
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
