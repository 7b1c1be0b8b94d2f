//! Seed inputs for every target: messages taken from the shared conformance captures (read at run
//! time, never committed) and messages the crates build themselves.

use core::net::Ipv4Addr;

use mcast_addr::family::{Ipv4, Ipv6};
use mcast_igmp::wire::{
    GroupRecordBuilder, IgmpV1V2Builder, MaxRespCode, MaxRespTime, MldMaxRespCode, MldV1Builder,
    QueryIntervalCode, QueryV3Builder, RecordType, ReportV3Builder, RouterDiscoveryBuilder,
};
#[cfg(feature = "captures")]
use mcast_testkit::{captures_available, frames_with_protocol, proto};

use crate::gmp::Gmp;

#[cfg(feature = "captures")]
/// The captures that hold IP packets, every one of them (the seeds take what matches a target).
const CAPTURES: &[&str] = &[
    "tcpdump/IGMP_V1.pcap",
    "tcpdump/IGMP_V2.pcap",
    "tcpdump/PIM-DM_pruning.pcap",
    "tcpdump/PIM-SM_join_prune.pcap",
    "tcpdump/PIM_register_register-stop.pcap",
    "tcpdump/PIMv2_bootstrap.pcap",
    "tcpdump/PIMv2_hellos.pcap",
    "tcpdump/eapon1.pcap",
    "tcpdump/erspan-type-ii-1.pcap",
    "tcpdump/heapoverflow-in_checksum.pcap",
    "tcpdump/hoobr_pimv1.pcap",
    "tcpdump/igmpv3-queries.pcap",
    "tcpdump/mrinfo_query.pcap",
    "tcpdump/mtrace.pcap",
    "tcpdump/pim-packet-assortment.pcap",
    "tcpdump/pim_header_asan-2.pcap",
    "tcpdump/pim_header_asan-3.pcap",
    "tcpdump/pim_header_asan-4.pcap",
    "tcpdump/pim_header_asan.pcap",
    "tcpdump/pimv2-oobr-1.pcap",
    "tcpdump/pimv2-oobr-2.pcap",
    "tcpdump/pimv2-oobr-3.pcap",
    "tcpdump/pimv2-oobr-4.pcap",
    "tcpdump/relts-0x80000000.pcap",
    "tcpdump/various_gre.pcap",
    "packetlife/IGMPv2_query_and_report.cap",
    "packetlife/MSDP.cap",
];

/// The targets whose input is read through `arbitrary`: any bytes will do as seeds, so they get
/// a sample of the capture payloads and the built messages.
const ARBITRARY_TARGETS: &[&str] = &[
    "gmp_roundtrip",
    "gmp_report_split",
    "gmp_query_split",
    "gmp_router",
    "gmp_host",
    "dvmrp_roundtrip",
    "dvmrp_report_split",
    "msdp_roundtrip",
    "pim_roundtrip",
    "pim_join_prune_split",
    "pim_bootstrap_split",
    "pim_router",
];

/// Every seed, as (target name, input).
#[must_use]
pub fn all() -> Vec<(&'static str, Vec<u8>)> {
    let mut seeds = Vec::new();
    let mut push = |target: &'static str, input: Vec<u8>| seeds.push((target, input));
    #[cfg(feature = "captures")]
    if captures_available() {
        for capture in CAPTURES {
            for frame in frames_with_protocol(capture, proto::IGMP) {
                if frame.payload.first() == Some(&mcast_dvmrp::wire::IGMP_TYPE) {
                    push("dvmrp_parse", frame.payload.clone());
                }
                push("igmp_parse", frame.payload.clone());
                let mut input = vec![3];
                input.extend_from_slice(&frame.payload);
                push("checksum", input);
            }
            for frame in frames_with_protocol(capture, proto::PIM) {
                if frame.source.is_ipv4() {
                    push("pim_parse_ipv4", frame.payload);
                } else {
                    push(
                        "pim_parse_ipv6",
                        crate::pim::with_checksum_for_ipv6(&frame.payload),
                    );
                }
            }
            for frame in frames_with_protocol(capture, proto::ICMPV6) {
                if matches!(frame.payload.first(), Some(130..=132 | 143 | 151..=153)) {
                    push("mld_parse", frame.payload);
                }
            }
        }
        let frames = frames_with_protocol("packetlife/MSDP.cap", proto::TCP);
        for (from, to) in [(25441, 639), (639, 25441)] {
            let stream = mcast_testkit::tcp_stream(&frames, from, to);
            push("msdp_parse", stream.clone());
            for sizes in [&[][..], &[0][..], &[1, 2, 3][..]] {
                let mut input = vec![sizes.len() as u8];
                input.extend_from_slice(sizes);
                input.extend_from_slice(&stream);
                push("msdp_stream", input);
            }
        }
    }
    for message in crate::dvmrp::built() {
        push("dvmrp_parse", message);
    }
    let msdp = crate::msdp::built();
    for message in &msdp {
        push("msdp_parse", message.clone());
    }
    let mut stream = vec![2, 0, 7];
    stream.extend(msdp.concat());
    push("msdp_stream", stream);
    for message in built_igmp() {
        push("igmp_parse", message);
    }
    for message in built_mld() {
        push("mld_parse", message);
    }
    let sample: Vec<Vec<u8>> = seeds
        .iter()
        .filter(|(t, _)| t.ends_with("_parse"))
        .map(|(_, s)| s.clone())
        .step_by(3)
        .collect();
    for target in ARBITRARY_TARGETS {
        for input in &sample {
            seeds.push((target, input.clone()));
        }
        for len in [0u32, 16, 64, 256, 1024] {
            seeds.push((target, (0..len).map(|i| (i * 37 % 251) as u8).collect()));
        }
    }
    // libFuzzer's input length limit follows the longest seed: keep it to what the targets need.
    seeds.retain(|(_, input)| input.len() <= MAX_SEED_LEN);
    seeds
}

/// The longest seed kept (a jumbo frame or a reassembled packet would slow every run down).
const MAX_SEED_LEN: usize = 4096;

/// IGMP messages of every kind, built by the codec.
fn built_igmp() -> Vec<Vec<u8>> {
    let group = Ipv4Addr::new(239, 1, 2, 3);
    let mut out = Vec::new();
    for builder in [
        IgmpV1V2Builder::query_v1(),
        IgmpV1V2Builder::query_v2(MaxRespTime::from_tenths(100), Ipv4Addr::UNSPECIFIED),
        IgmpV1V2Builder::query_v2(MaxRespTime::from_tenths(10), group),
        IgmpV1V2Builder::report_v1(group),
        IgmpV1V2Builder::report_v2(group),
        IgmpV1V2Builder::leave_group(group),
    ] {
        let mut buf = [0u8; 8];
        builder.emit(&mut buf).unwrap();
        out.push(buf.to_vec());
    }
    out.extend(discovery::<Ipv4>());
    out.extend(source_filtering::<Ipv4>(
        group,
        &[Ipv4Addr::new(10, 0, 0, 1), Ipv4Addr::new(10, 0, 0, 2)],
        MaxRespCode::from_code(200),
    ));
    out
}

/// MLD messages of every kind, built by the codec.
fn built_mld() -> Vec<Vec<u8>> {
    let group = "ff3e::8000:1".parse().unwrap();
    let (s, d) = (Ipv6::SOURCE, Ipv6::DESTINATION);
    let mut out = Vec::new();
    for builder in [
        MldV1Builder::query(10_000, core::net::Ipv6Addr::UNSPECIFIED),
        MldV1Builder::query(1000, group),
        MldV1Builder::report(group),
        MldV1Builder::done(group),
    ] {
        let mut buf = [0u8; 24];
        builder.emit(&mut buf, s, d).unwrap();
        out.push(buf.to_vec());
    }
    out.extend(discovery::<Ipv6>());
    out.extend(source_filtering::<Ipv6>(
        group,
        &[
            "2001:db8::1".parse().unwrap(),
            "2001:db8::2".parse().unwrap(),
        ],
        MldMaxRespCode::from_code(40_000),
    ));
    out
}

fn discovery<F: Gmp>() -> Vec<Vec<u8>> {
    [
        RouterDiscoveryBuilder::Advertisement {
            advertisement_interval: 20,
            query_interval: 125,
            robustness_variable: 2,
        },
        RouterDiscoveryBuilder::Solicitation,
        RouterDiscoveryBuilder::Termination,
    ]
    .iter()
    .map(|b| {
        let mut buf = vec![0u8; b.buffer_len()];
        b.emit::<F>(&mut buf, F::SOURCE, F::DESTINATION).unwrap();
        buf
    })
    .collect()
}

/// Source-filtering queries of every kind and a report with every record type.
fn source_filtering<F: Gmp>(
    group: F::Addr,
    sources: &[F::Addr],
    code: F::MaxRespCode,
) -> Vec<Vec<u8>> {
    let qqic = QueryIntervalCode::DEFAULT;
    let mut out = vec![
        emit_query(&QueryV3Builder::<F, _>::general(code, 2, qqic)),
        emit_query(&QueryV3Builder::<F, _>::group_specific(
            group, code, true, 2, qqic,
        )),
        emit_query(&QueryV3Builder::<F, _>::group_and_source_specific(
            group,
            sources.iter().copied(),
            code,
            false,
            7,
            QueryIntervalCode::from_code(0xFF),
        )),
    ];
    let records = (1..=6u8).map(|t| GroupRecordBuilder::<F, _> {
        record_type: RecordType::from(t),
        multicast_address: group,
        sources: sources.iter().copied().take(usize::from(t % 3)),
        auxiliary_data: if t == 6 { &[1, 2, 3, 4] } else { &[] },
    });
    let report = ReportV3Builder::new(records);
    let mut buf = vec![0u8; report.buffer_len()];
    report.emit(&mut buf, F::SOURCE, F::DESTINATION).unwrap();
    out.push(buf);
    out
}

fn emit_query<F: Gmp, S: Iterator<Item = F::Addr> + Clone>(q: &QueryV3Builder<F, S>) -> Vec<u8> {
    let mut buf = vec![0u8; q.buffer_len()];
    q.emit(&mut buf, F::SOURCE, F::DESTINATION).unwrap();
    buf
}
