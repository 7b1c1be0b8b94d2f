//! Byte fixtures laid out by hand from the RFC figures (and the shared captures): each parses to
//! the values the RFC layout says, re-emits byte for byte, and every truncation is an error.

use core::net::{Ipv4Addr, Ipv6Addr};

use mcast_addr::family::{Ipv4, Ipv6};
use mcast_igmp::Error;
use mcast_igmp::wire::envelope::{
    Ipv4Envelope, Ipv6Envelope, write_ipv4_packet, write_ipv6_packet,
};
use mcast_igmp::wire::{
    GmpFamily, GroupRecordBuilder, IgmpMessage, MaxRespCode, MldMaxRespCode, MldMessage,
    QueryIntervalCode, QueryKind, QueryV3Builder, RecordType, ReportV3Builder,
};
use mcast_testkit::{frames_with_protocol, proto, skip_without_captures};

/// RFC 1071 over the concatenation, written plainly (independent of the crate's checksum).
fn reference_checksum(parts: &[&[u8]]) -> u16 {
    let data: Vec<u8> = parts.concat();
    let mut sum: u64 = 0;
    for chunk in data.chunks(2) {
        let word = u16::from_be_bytes([chunk[0], *chunk.get(1).unwrap_or(&0)]);
        sum += u64::from(word);
    }
    while sum > 0xffff {
        sum = (sum & 0xffff) + (sum >> 16);
    }
    !(sum as u16)
}

fn igmp_fixture(mut bytes: Vec<u8>) -> Vec<u8> {
    let c = reference_checksum(&[&bytes]);
    bytes[2..4].copy_from_slice(&c.to_be_bytes());
    bytes
}

const SRC6: Ipv6Addr = Ipv6Addr::new(0xfe80, 0, 0, 0, 0x0211, 0x22ff, 0xfe33, 0x4455);

fn mld_fixture(mut bytes: Vec<u8>, dst: Ipv6Addr) -> Vec<u8> {
    let len = u32::try_from(bytes.len()).unwrap().to_be_bytes();
    let c = reference_checksum(&[&SRC6.octets(), &dst.octets(), &len, &[0, 0, 0, 58], &bytes]);
    bytes[2..4].copy_from_slice(&c.to_be_bytes());
    bytes
}

/// RFC 3376/9776 §4.1: an IGMPv3 Group-and-Source-Specific Query for 232.1.1.1 from two sources,
/// Max Resp Code 0x8a (exp 0, mant 10: 26 << 3 = 208 tenths), S set, QRV 2, QQIC 125.
fn igmpv3_gss_query() -> Vec<u8> {
    igmp_fixture(vec![
        0x11, 0x8a, 0, 0, 232, 1, 1, 1, 0x0a, 125, 0, 2, 10, 0, 0, 1, 10, 0, 0, 2,
    ])
}

/// RFC 3376/9776 §4.2: an IGMPv3 report with an ALLOW record (one source) and a record of the
/// unknown type 9 carrying one word of auxiliary data, to be skipped by its length.
fn igmpv3_report() -> Vec<u8> {
    igmp_fixture(vec![
        0x22, 0, 0, 0, 0, 0, 0, 2, //
        5, 0, 0, 1, 232, 1, 1, 1, 10, 0, 0, 1, //
        9, 1, 0, 0, 239, 2, 2, 2, 0xde, 0xad, 0xbe, 0xef,
    ])
}

/// RFC 3810 §5.2: an MLDv2 report, CHANGE_TO_EXCLUDE_MODE {} for ff02::1:ff33:4455 (the
/// solicited-node group a host joins first).
fn mldv2_report() -> Vec<u8> {
    let mut b = vec![143, 0, 0, 0, 0, 0, 0, 1, 4, 0, 0, 0];
    b.extend_from_slice(&Ipv6Addr::new(0xff02, 0, 0, 0, 0, 1, 0xff33, 0x4455).octets());
    mld_fixture(b, Ipv6::ALL_V3_ROUTERS)
}

/// RFC 3810 §5.1: an MLDv2 General Query, Maximum Response Code 10000 (10 s), QRV 2, QQIC 125.
fn mldv2_query() -> Vec<u8> {
    let mut b = vec![130, 0, 0, 0, 0x27, 0x10, 0, 0];
    b.extend_from_slice(&[0; 16]);
    b.extend_from_slice(&[2, 125, 0, 0]);
    mld_fixture(b, Ipv6::ALL_SYSTEMS)
}

/// RFC 2710 §3: an MLDv1 Report for ff15::1234.
fn mldv1_report() -> Vec<u8> {
    let mut b = vec![131, 0, 0, 0, 0, 0, 0, 0];
    b.extend_from_slice(&Ipv6Addr::new(0xff15, 0, 0, 0, 0, 0, 0, 0x1234).octets());
    mld_fixture(b, Ipv6Addr::new(0xff15, 0, 0, 0, 0, 0, 0, 0x1234))
}

#[test]
fn igmpv3_query_fixture() {
    let bytes = igmpv3_gss_query();
    let Ok(IgmpMessage::QueryV3(q)) = IgmpMessage::parse(&bytes) else {
        panic!()
    };
    assert_eq!(q.max_resp_code().units(), 208);
    assert!(q.suppress_router_side_processing());
    assert_eq!(q.querier_robustness_variable(), 2);
    assert_eq!(q.querier_query_interval_code().units(), 125);
    assert_eq!(
        q.kind(),
        QueryKind::GroupAndSourceSpecific(Ipv4Addr::new(232, 1, 1, 1))
    );
    assert_eq!(
        q.sources().collect::<Vec<_>>(),
        [Ipv4Addr::new(10, 0, 0, 1), Ipv4Addr::new(10, 0, 0, 2)]
    );
    let mut out = vec![0u8; bytes.len()];
    q.to_builder()
        .emit(&mut out, Ipv4Addr::UNSPECIFIED, Ipv4Addr::UNSPECIFIED)
        .unwrap();
    assert_eq!(out, bytes);
}

#[test]
fn igmpv3_report_fixture_skips_unknown_record_by_its_length() {
    let bytes = igmpv3_report();
    let Ok(IgmpMessage::ReportV3(r)) = IgmpMessage::parse(&bytes) else {
        panic!()
    };
    let records: Vec<_> = r.group_records().collect();
    assert_eq!(records.len(), 2);
    assert_eq!(records[0].record_type(), RecordType::AllowNewSources);
    assert_eq!(
        records[0].sources().collect::<Vec<_>>(),
        [Ipv4Addr::new(10, 0, 0, 1)]
    );
    assert_eq!(records[1].record_type(), RecordType::Unknown(9));
    assert_eq!(records[1].auxiliary_data(), &[0xde, 0xad, 0xbe, 0xef]);
    assert!(r.additional_data().is_empty());
    let again = ReportV3Builder::new(r.group_records().map(|g| g.to_builder()));
    let mut out = vec![0u8; bytes.len()];
    again
        .emit(&mut out, Ipv4Addr::UNSPECIFIED, Ipv4Addr::UNSPECIFIED)
        .unwrap();
    assert_eq!(out, bytes);
}

#[test]
fn mld_fixtures() {
    let report = mldv2_report();
    let Ok(MldMessage::ReportV2(r)) = MldMessage::parse(&report, SRC6, Ipv6::ALL_V3_ROUTERS) else {
        panic!()
    };
    let g = r.group_records().next().unwrap();
    assert_eq!(g.record_type(), RecordType::ChangeToExcludeMode);
    assert_eq!(
        g.multicast_address(),
        Ipv6Addr::new(0xff02, 0, 0, 0, 0, 1, 0xff33, 0x4455)
    );
    // The same report built from plain data gives the same bytes (and checksum).
    let built = ReportV3Builder::new(
        [GroupRecordBuilder::<Ipv6, _>::without_sources(
            RecordType::ChangeToExcludeMode,
            g.multicast_address(),
        )]
        .into_iter(),
    );
    let mut out = vec![0u8; report.len()];
    built.emit(&mut out, SRC6, built.destination()).unwrap();
    assert_eq!(out, report);

    let query = mldv2_query();
    let Ok(MldMessage::QueryV2(q)) = MldMessage::parse(&query, SRC6, Ipv6::ALL_SYSTEMS) else {
        panic!()
    };
    assert_eq!(q.max_resp_code(), MldMaxRespCode::from_code(10_000));
    assert_eq!(q.kind(), QueryKind::General);
    let mut out = vec![0u8; query.len()];
    QueryV3Builder::<Ipv6, _>::general(MldMaxRespCode::DEFAULT, 2, QueryIntervalCode::DEFAULT)
        .emit(&mut out, SRC6, Ipv6::ALL_SYSTEMS)
        .unwrap();
    assert_eq!(out, query);

    let v1 = mldv1_report();
    let dst = Ipv6Addr::new(0xff15, 0, 0, 0, 0, 0, 0, 0x1234);
    let Ok(MldMessage::ReportV1(m)) = MldMessage::parse(&v1, SRC6, dst) else {
        panic!()
    };
    assert_eq!(m.multicast_address(), dst);
    // A 26-byte query is neither MLDv1 nor MLDv2 (RFC 3810 §8.1).
    let mut q26 = mldv2_query();
    q26.truncate(26);
    assert!(matches!(
        MldMessage::parse_skipping_checksum(&q26),
        Err(Error::Invalid {
            field: "Multicast Listener Query length",
            offset: 24,
            ..
        })
    ));
}

/// Every proper prefix of `bytes` fails to parse as IGMP (checksum verified).
fn every_igmp_truncation_fails(bytes: &[u8]) {
    for len in 0..bytes.len() {
        assert!(
            IgmpMessage::parse(&bytes[..len]).is_err(),
            "{len} of {} parsed",
            bytes.len()
        );
    }
}

fn every_mld_truncation_fails(bytes: &[u8], dst: Ipv6Addr) {
    for len in 0..bytes.len() {
        assert!(
            MldMessage::parse(&bytes[..len], SRC6, dst).is_err(),
            "{len} of {}",
            bytes.len()
        );
    }
}

#[test]
fn every_truncation_of_every_fixture_is_an_error() {
    every_igmp_truncation_fails(&igmpv3_gss_query());
    every_igmp_truncation_fails(&igmpv3_report());
    every_mld_truncation_fails(&mldv2_report(), Ipv6::ALL_V3_ROUTERS);
    every_mld_truncation_fails(&mldv2_query(), Ipv6::ALL_SYSTEMS);
    every_mld_truncation_fails(
        &mldv1_report(),
        Ipv6Addr::new(0xff15, 0, 0, 0, 0, 0, 0, 0x1234),
    );
    // Without the checksum, a v3 report or query truncated inside its counted fields still fails.
    let report = igmpv3_report();
    for len in 0..report.len() {
        assert!(IgmpMessage::parse_skipping_checksum(&report[..len]).is_err());
    }
    let query = igmpv3_gss_query();
    for len in (0..8).chain(9..query.len()) {
        assert!(
            IgmpMessage::parse_skipping_checksum(&query[..len]).is_err(),
            "{len}"
        );
    }

    if skip_without_captures() {
        return;
    }
    for capture in [
        "tcpdump/IGMP_V1.pcap",
        "tcpdump/IGMP_V2.pcap",
        "tcpdump/igmpv3-queries.pcap",
        "tcpdump/eapon1.pcap",
        "packetlife/IGMPv2_query_and_report.cap",
    ] {
        for frame in frames_with_protocol(capture, proto::IGMP) {
            every_igmp_truncation_fails(&frame.payload);
        }
    }
}

#[test]
fn envelopes_are_what_the_rfcs_require() {
    let query =
        QueryV3Builder::<Ipv4, _>::general(MaxRespCode::DEFAULT, 2, QueryIntervalCode::DEFAULT);
    let src = Ipv4Addr::new(192, 0, 2, 1);
    let mut packet = [0u8; 128];
    let len = write_ipv4_packet(
        &mut packet,
        &Ipv4Envelope::igmpv3(src, query.destination()),
        |b| query.emit(b, src, query.destination()),
    )
    .unwrap();
    assert_eq!(len, 36);
    let ip = &packet[..24];
    assert_eq!(ip[0], 0x46);
    assert_eq!(ip[1], 0xc0, "ToS Internetwork Control");
    assert_eq!(u16::from_be_bytes([ip[2], ip[3]]), 36);
    assert_eq!(ip[8], 1, "TTL 1");
    assert_eq!(ip[9], 2, "protocol IGMP");
    assert_eq!(&ip[16..20], &[224, 0, 0, 1]);
    assert_eq!(&ip[20..24], &[0x94, 4, 0, 0], "Router Alert");
    assert_eq!(reference_checksum(&[ip]), 0, "header checksum");
    assert!(matches!(
        IgmpMessage::parse(&packet[24..len]),
        Ok(IgmpMessage::QueryV3(_))
    ));

    let report = ReportV3Builder::new(
        [GroupRecordBuilder::<Ipv6, _>::without_sources(
            RecordType::ChangeToExcludeMode,
            Ipv6Addr::new(0xff02, 0, 0, 0, 0, 1, 0xff33, 0x4455),
        )]
        .into_iter(),
    );
    let env = Ipv6Envelope::new(SRC6, report.destination()).unwrap();
    let len = write_ipv6_packet(&mut packet, &env, |b| {
        report.emit(b, SRC6, report.destination())
    })
    .unwrap();
    assert_eq!(len, 48 + 28);
    assert_eq!(packet[0] >> 4, 6);
    assert_eq!(
        u16::from_be_bytes([packet[4], packet[5]]),
        8 + 28,
        "payload length"
    );
    assert_eq!(
        (packet[6], packet[7]),
        (0, 1),
        "Hop-by-Hop next, hop limit 1"
    );
    assert_eq!(&packet[24..40], &Ipv6::ALL_V3_ROUTERS.octets());
    assert_eq!(
        &packet[40..48],
        &[58, 0, 5, 2, 0, 0, 1, 0],
        "Router Alert (MLD), PadN"
    );
    assert_eq!(&packet[48..len], &mldv2_report()[..]);
    assert!(
        Ipv6Envelope::new(
            Ipv6Addr::new(0x2001, 0xdb8, 0, 0, 0, 0, 0, 1),
            Ipv6::ALL_SYSTEMS
        )
        .is_err()
    );
    assert!(Ipv6Envelope::new(Ipv6Addr::UNSPECIFIED, Ipv6::ALL_V3_ROUTERS).is_ok());
}
