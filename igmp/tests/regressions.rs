//! Regression tests, each named after the fault it keeps out, each asserting the exact outcome.

use core::net::{Ipv4Addr, Ipv6Addr};

use mcast_addr::checksum::checksum;
use mcast_addr::family::{Ipv4, Ipv6};
use mcast_igmp::Error;
use mcast_igmp::wire::{
    GmpFamily, GroupRecordBuilder, IgmpMessage, IgmpType, IgmpV1V2Builder, MaxRespCode,
    MaxRespTime, MldMaxRespCode, MldMessage, MldType, MldV1Builder, QueryIntervalCode, QueryKind,
    QueryV3Builder, RecordType, ReportV3Builder, RouterDiscoveryBuilder,
};

const GROUP: Ipv4Addr = Ipv4Addr::new(232, 1, 2, 3);
const ROUTER: Ipv4Addr = Ipv4Addr::new(192, 0, 2, 1);
const LL: Ipv6Addr = Ipv6Addr::new(0xfe80, 0, 0, 0, 0, 0, 0, 1);
const GROUP6: Ipv6Addr = Ipv6Addr::new(0xff3e, 0, 0, 0, 0, 0, 0x8000, 1);

/// Sets the IGMP checksum of `msg` over all of its bytes.
fn with_checksum(mut msg: Vec<u8>) -> Vec<u8> {
    msg[2] = 0;
    msg[3] = 0;
    let c = checksum(&msg);
    msg[2..4].copy_from_slice(&c.to_be_bytes());
    msg
}

fn source(i: usize) -> Ipv4Addr {
    Ipv4Addr::from(0x0a00_0000 + u32::try_from(i).unwrap())
}

fn source6(i: usize) -> Ipv6Addr {
    Ipv6Addr::from(0x2001_0db8_0000_0000_0000_0000_0000_0000_u128 + i as u128)
}

#[test]
fn igmp_messages_of_0_to_3_bytes_are_truncated_headers() {
    for len in 0..4 {
        let msg = vec![0x16u8; len];
        assert_eq!(
            IgmpMessage::parse(&msg),
            Err(Error::Truncated {
                field: "message header",
                offset: 0,
                needed: 4,
                available: len
            })
        );
    }
}

#[test]
fn igmp_messages_of_4_to_7_bytes_are_truncated_unless_the_type_is_4_bytes_long() {
    for len in 4..8 {
        for (message_type, field) in [
            (0x11, "Group Address"),
            (0x12, "Group Address"),
            (0x16, "Group Address"),
            (0x17, "Group Address"),
            (0x22, "Number of Group Records"),
            (0x30, "Query Interval"),
        ] {
            let msg = with_checksum(vec![message_type; len]);
            let expected = Err(Error::Truncated {
                field,
                offset: 4,
                needed: 4,
                available: len - 4,
            });
            assert_eq!(IgmpMessage::parse(&msg), expected, "type {message_type:#x}");
            assert_eq!(IgmpMessage::parse_skipping_checksum(&msg), expected);
        }
        // RFC 4286 Solicitation and Termination are 4 bytes; DVMRP and others are raw.
        let mut msg = vec![0u8; len];
        msg[0] = 0x31;
        let msg = with_checksum(msg);
        assert!(matches!(
            IgmpMessage::parse(&msg),
            Ok(IgmpMessage::RouterSolicitation(raw)) if raw.body().len() == len - 4
        ));
        let mut msg = vec![0u8; len];
        msg[0] = 0x13;
        msg[1] = 5;
        let msg = with_checksum(msg);
        let Ok(IgmpMessage::Other(raw)) = IgmpMessage::parse(&msg) else {
            panic!()
        };
        assert_eq!((raw.message_type(), raw.code()), (0x13, 5));
        assert_eq!(raw.checksum(), u16::from_be_bytes([msg[2], msg[3]]));
    }
}

#[test]
fn igmp_query_of_9_to_11_bytes_is_no_query_even_with_a_good_checksum() {
    for len in 9..12 {
        let mut msg = vec![0u8; len];
        msg[0] = 0x11;
        msg[1] = 100;
        let msg = with_checksum(msg);
        assert_eq!(
            IgmpMessage::parse(&msg),
            Err(Error::Invalid {
                field: "Membership Query length",
                offset: 8,
                reason: "9 to 11 bytes is none of IGMPv1, v2 or v3 (RFC 3376/9776 §7.1)"
            })
        );
    }
}

#[test]
fn query_version_follows_length_and_code_not_the_code_alone() {
    // 8 bytes, code 0: v1. 8 bytes, code 100: v2 (plain tenths, not the v3 float rule).
    let v1 = with_checksum(vec![0x11, 0, 0, 0, 0, 0, 0, 0]);
    assert!(matches!(
        IgmpMessage::parse(&v1),
        Ok(IgmpMessage::QueryV1(_))
    ));
    let v2 = with_checksum(vec![0x11, 0xc8, 0, 0, 0, 0, 0, 0]);
    let Ok(IgmpMessage::QueryV2(q)) = IgmpMessage::parse(&v2) else {
        panic!()
    };
    // 0xc8 = 200 tenths = 20 s as a v2 Max Resp Time (the v3 rule would read 0xc8 as 1152 tenths).
    assert_eq!(q.max_resp_time(), MaxRespTime::from_tenths(200));
    assert_eq!(q.max_resp_time().duration().as_secs(), 20);
    // 12 bytes with code 0: v3, not v1.
    let v3 = with_checksum(vec![0x11, 0, 0, 0, 0, 0, 0, 0, 2, 125, 0, 0]);
    assert!(matches!(
        IgmpMessage::parse(&v3),
        Ok(IgmpMessage::QueryV3(_))
    ));
}

#[test]
fn v2_report_of_40_bytes_is_valid_with_its_checksum_over_all_40() {
    let mut msg = vec![0x16, 0, 0, 0, 239, 1, 2, 3];
    msg.extend((0u8..32).map(|i| i.wrapping_mul(37).wrapping_add(1)));
    let msg = with_checksum(msg);
    assert_eq!(msg.len(), 40);
    let Ok(IgmpMessage::ReportV2(report)) = IgmpMessage::parse(&msg) else {
        panic!()
    };
    assert_eq!(report.group_address(), Ipv4Addr::new(239, 1, 2, 3));
    assert_eq!(report.additional_data(), &msg[8..]);
    let mut out = [0u8; 40];
    assert_eq!(IgmpMessage::ReportV2(report).emit(&mut out), Ok(40));
    assert_eq!(&out[..], &msg[..]);

    // A checksum over the first 8 bytes only is wrong.
    let mut short_sum = msg.clone();
    short_sum[2..4].copy_from_slice(&[0, 0]);
    let c = checksum(&short_sum[..8]);
    short_sum[2..4].copy_from_slice(&c.to_be_bytes());
    assert!(matches!(
        IgmpMessage::parse(&short_sum),
        Err(Error::Checksum { received, .. }) if received == c
    ));
}

#[test]
fn v3_query_claiming_65535_sources_in_12_bytes_is_truncated() {
    let msg = with_checksum(vec![0x11, 100, 0, 0, 232, 1, 2, 3, 2, 125, 0xff, 0xff]);
    assert_eq!(
        IgmpMessage::parse(&msg),
        Err(Error::Truncated {
            field: "Source Address",
            offset: 12,
            needed: 65_535 * 4,
            available: 0
        })
    );
}

#[test]
fn general_query_with_a_nonzero_source_count_is_invalid() {
    let msg = with_checksum(vec![0x11, 100, 0, 0, 0, 0, 0, 0, 2, 125, 0, 1, 10, 0, 0, 1]);
    assert_eq!(
        IgmpMessage::parse(&msg),
        Err(Error::Invalid {
            field: "Number of Sources",
            offset: 10,
            reason: "a General Query (Group Address zero) carries no sources \
                     (RFC 3376/9776 §4.1.9, RFC 3810 §5.1.10)"
        })
    );
    // And the builder refuses to send one.
    let q = QueryV3Builder::<Ipv4, _>::group_and_source_specific(
        Ipv4Addr::UNSPECIFIED,
        [source(1)].into_iter(),
        MaxRespCode::DEFAULT,
        false,
        2,
        QueryIntervalCode::DEFAULT,
    );
    assert!(matches!(
        q.emit(&mut [0u8; 64], ROUTER, Ipv4::ALL_SYSTEMS),
        Err(Error::Invalid {
            field: "Number of Sources",
            ..
        })
    ));
}

/// A parsed record: type, group, sources.
type Piece = (RecordType, Ipv4Addr, Vec<Ipv4Addr>);

/// Emits every packet of a report split at `mtu` and returns the parsed records as
/// (type, group, sources) per packet.
fn split_report<'a, R, S>(report: &ReportV3Builder<R>, mtu: u32) -> Result<Vec<Vec<Piece>>, Error>
where
    S: Iterator<Item = Ipv4Addr> + Clone,
    R: Iterator<Item = GroupRecordBuilder<'a, Ipv4, S>> + Clone,
{
    let mut packets = report.split(mtu)?;
    let mut buf = vec![0u8; packets.max_message_len()];
    let mut out = Vec::new();
    while let Some(len) = packets.next_packet(&mut buf, ROUTER, Ipv4::ALL_V3_ROUTERS)? {
        assert!(len + 24 <= usize::try_from(mtu).unwrap_or(usize::MAX).min(65_535));
        let IgmpMessage::ReportV3(r) = IgmpMessage::parse(&buf[..len]).unwrap() else {
            panic!()
        };
        out.push(
            r.group_records()
                .map(|g| {
                    (
                        g.record_type(),
                        g.multicast_address(),
                        g.sources().collect(),
                    )
                })
                .collect(),
        );
        assert!(out.len() < 100_000, "endless splitting");
    }
    Ok(out)
}

#[test]
fn v3_report_with_5000_sources_is_split_or_truncated_as_the_rfc_says() {
    let sources: Vec<Ipv4Addr> = (0..5000).map(source).collect();
    for record_type in [
        RecordType::ModeIsInclude,
        RecordType::ChangeToIncludeMode,
        RecordType::AllowNewSources,
        RecordType::BlockOldSources,
    ] {
        let report = ReportV3Builder::new(
            [GroupRecordBuilder::<Ipv4, _> {
                record_type,
                multicast_address: GROUP,
                sources: sources.iter().copied(),
                auxiliary_data: &[],
            }]
            .into_iter(),
        );
        let packets = split_report(&report, 1500).unwrap();
        // (1500 - 24 - 8 - 8) / 4 = 365 sources per packet: 13 full packets and 255 in the last.
        assert_eq!(packets.len(), 14);
        assert!(
            packets
                .iter()
                .all(|p| p.len() == 1 && p[0].0 == record_type)
        );
        assert!(packets[..13].iter().all(|p| p[0].2.len() == 365));
        let all: Vec<Ipv4Addr> = packets.into_iter().flat_map(|p| p[0].2.clone()).collect();
        assert_eq!(all, sources, "every source exactly once, in order");
    }
    for record_type in [RecordType::ModeIsExclude, RecordType::ChangeToExcludeMode] {
        let report = ReportV3Builder::new(
            [GroupRecordBuilder::<Ipv4, _> {
                record_type,
                multicast_address: GROUP,
                sources: sources.iter().copied(),
                auxiliary_data: &[],
            }]
            .into_iter(),
        );
        let packets = split_report(&report, 1500).unwrap();
        assert_eq!(packets.len(), 1);
        assert_eq!(
            packets[0][0].2,
            sources[..365],
            "the first sources that fit"
        );
    }
}

#[test]
fn group_and_source_query_with_5000_sources_becomes_366_source_queries() {
    let sources: Vec<Ipv4Addr> = (0..5000).map(source).collect();
    let query = QueryV3Builder::<Ipv4, _>::group_and_source_specific(
        GROUP,
        sources.iter().copied(),
        MaxRespCode::from_code(10),
        true,
        2,
        QueryIntervalCode::DEFAULT,
    );
    let mut packets = query.split(1500).unwrap();
    assert_eq!(packets.sources_per_packet(), 366);
    let mut buf = [0u8; 1500];
    let mut all = Vec::new();
    let mut count = 0;
    while let Some(len) = packets.next_packet(&mut buf, ROUTER, GROUP).unwrap() {
        assert!(len + 24 <= 1500);
        let IgmpMessage::QueryV3(q) = IgmpMessage::parse(&buf[..len]).unwrap() else {
            panic!()
        };
        assert_eq!(q.kind(), QueryKind::GroupAndSourceSpecific(GROUP));
        assert!(q.suppress_router_side_processing());
        assert_eq!(q.max_resp_code(), MaxRespCode::from_code(10));
        all.extend(q.sources());
        count += 1;
    }
    assert_eq!(count, 14); // 13 × 366 + 242
    assert_eq!(all, sources);
    // One message with every source does not fit a u16 count above 65,535 but 5,000 does.
    let mut big = vec![0u8; query.buffer_len()];
    assert_eq!(query.emit(&mut big, ROUTER, GROUP), Ok(12 + 5000 * 4));
}

/// Sources per packet of a group-and-source query split at `mtu`, checking that every source is
/// sent exactly once.
fn query_split<F: mcast_igmp::wire::GmpFamily>(
    mtu: u32,
    sources: &[F::Addr],
    group: F::Addr,
    max_resp_code: F::MaxRespCode,
) -> Result<usize, Error> {
    let query = QueryV3Builder::<F, _>::group_and_source_specific(
        group,
        sources.iter().copied(),
        max_resp_code,
        false,
        2,
        QueryIntervalCode::DEFAULT,
    );
    let mut packets = query.split(mtu)?;
    let per_packet = packets.sources_per_packet();
    let mut buf = vec![0u8; packets.max_message_len()];
    let mut total = 0;
    let source = F::UNSPECIFIED;
    while let Some(len) = packets.next_packet(&mut buf, source, group)? {
        total += (len - F::QUERY_V3_MIN_LEN) / F::ADDR_LEN;
    }
    assert_eq!(total, sources.len());
    Ok(per_packet)
}

#[test]
#[allow(clippy::too_many_lines)]
fn builder_mtu_0_67_575_65535_and_u32_max() {
    let sources: Vec<Ipv4Addr> = (0..20_000).map(source).collect();
    let sources6: Vec<Ipv6Addr> = (0..5_000).map(source6).collect();
    let expected_v4: [(u32, Option<usize>); 5] = [
        (0, None),
        (67, Some(7)), // (67 - 24 - 12) / 4
        (575, Some(134)),
        (65_535, Some(16_374)),
        (u32::MAX, Some(16_374)), // an IPv4 packet holds 65,535 bytes
    ];
    for (mtu, per_packet) in expected_v4 {
        let got = query_split::<Ipv4>(mtu, &sources, GROUP, MaxRespCode::DEFAULT);
        match per_packet {
            Some(n) => assert_eq!(got, Ok(n), "mtu {mtu}"),
            None => assert_eq!(
                got,
                Err(Error::MtuTooSmall {
                    mtu,
                    item: "query with one source",
                    needed: 24 + 16
                })
            ),
        }
    }
    let expected_v6: [(u32, Option<usize>); 5] = [
        (0, None),
        (67, None),
        (575, Some(31)),         // (575 - 48 - 28) / 16
        (65_535, Some(4_091)),   // (65,535 - 48 - 28) / 16
        (u32::MAX, Some(4_093)), // (65,575 - 48 - 28) / 16
    ];
    for (mtu, per_packet) in expected_v6 {
        let got = query_split::<Ipv6>(mtu, &sources6, GROUP6, MldMaxRespCode::DEFAULT);
        match per_packet {
            Some(n) => assert_eq!(got, Ok(n), "mtu {mtu}"),
            None => assert_eq!(
                got,
                Err(Error::MtuTooSmall {
                    mtu,
                    item: "query with one source",
                    needed: 48 + 28 + 16
                })
            ),
        }
    }

    // Reports: every source of every record present after splitting, or a typed error.
    let groups: Vec<(RecordType, Ipv4Addr, Vec<Ipv4Addr>)> = (0..40)
        .map(|g| {
            (
                RecordType::from(if g % 2 == 0 { 1 } else { 5 }),
                Ipv4Addr::new(232, 0, 0, g),
                sources[usize::from(g) * 500..usize::from(g) * 500 + 500].to_vec(),
            )
        })
        .collect();
    let report = ReportV3Builder::new(groups.iter().map(
        |(t, g, s)| GroupRecordBuilder::<Ipv4, _> {
            record_type: *t,
            multicast_address: *g,
            sources: s.iter().copied(),
            auxiliary_data: &[],
        },
    ));
    for mtu in [67, 575, 65_535, u32::MAX] {
        let packets = split_report(&report, mtu).unwrap();
        let mut merged: Vec<(RecordType, Ipv4Addr, Vec<Ipv4Addr>)> = Vec::new();
        for (t, g, s) in packets.into_iter().flatten() {
            match merged.last_mut() {
                Some(last) if last.0 == t && last.1 == g => last.2.extend(s),
                _ => merged.push((t, g, s)),
            }
        }
        assert_eq!(merged, groups, "mtu {mtu}");
    }
    assert_eq!(
        report.split(0).err(),
        Some(Error::MtuTooSmall {
            mtu: 0,
            item: "report with one group record",
            needed: 24 + 16
        })
    );
    // 24 + 8 + 8 = 40 holds a record header but not one source: a record that must be split
    // cannot be sent, and says so instead of looping.
    let mut packets = report.split(40).unwrap();
    let mut buf = vec![0u8; packets.max_message_len()];
    assert_eq!(
        packets.next_packet(&mut buf, ROUTER, Ipv4::ALL_V3_ROUTERS),
        Err(Error::MtuTooSmall {
            mtu: 40,
            item: "group record",
            needed: 44
        })
    );
    // An EXCLUDE record is truncated to no sources at that MTU rather than failing.
    let exclude = ReportV3Builder::new(
        [GroupRecordBuilder::<Ipv4, _> {
            record_type: RecordType::ModeIsExclude,
            multicast_address: GROUP,
            sources: sources.iter().copied(),
            auxiliary_data: &[],
        }]
        .into_iter(),
    );
    let packets = split_report(&exclude, 40).unwrap();
    assert_eq!(
        packets,
        vec![vec![(RecordType::ModeIsExclude, GROUP, vec![])]]
    );

    // MLDv2 reports at 67 do not fit one record; at 1280 (the IPv6 minimum MTU) they do.
    let mld = ReportV3Builder::new(
        [GroupRecordBuilder::<Ipv6, _> {
            record_type: RecordType::AllowNewSources,
            multicast_address: GROUP6,
            sources: sources6.iter().copied(),
            auxiliary_data: &[],
        }]
        .into_iter(),
    );
    assert!(matches!(
        mld.split(67),
        Err(Error::MtuTooSmall { mtu: 67, .. })
    ));
    let mut packets = mld.split(1280).unwrap();
    let mut buf = vec![0u8; packets.max_message_len()];
    let mut all = Vec::new();
    while let Some(len) = packets
        .next_packet(&mut buf, LL, Ipv6::ALL_V3_ROUTERS)
        .unwrap()
    {
        let Ok(MldMessage::ReportV2(r)) = MldMessage::parse(&buf[..len], LL, Ipv6::ALL_V3_ROUTERS)
        else {
            panic!()
        };
        for g in r.group_records() {
            all.extend(g.sources());
        }
    }
    assert_eq!(all, sources6);
}

#[test]
fn qrv_above_7_is_sent_as_0() {
    for qrv in 0..=u8::MAX {
        let q = QueryV3Builder::<Ipv4, _>::general(
            MaxRespCode::DEFAULT,
            qrv,
            QueryIntervalCode::DEFAULT,
        );
        let mut buf = [0u8; 12];
        q.emit(&mut buf, ROUTER, Ipv4::ALL_SYSTEMS).unwrap();
        assert_eq!(buf[8], if qrv > 7 { 0 } else { qrv });
        let Ok(IgmpMessage::QueryV3(parsed)) = IgmpMessage::parse(&buf) else {
            panic!()
        };
        assert_eq!(
            parsed.querier_robustness_variable(),
            if qrv > 7 { 0 } else { qrv }
        );
        assert_eq!(parsed.reserved(), 0);
    }
}

#[test]
fn debug_and_display_for_all_256_values_of_every_type_field() {
    for v in 0..=u8::MAX {
        let t = IgmpType::from(v);
        assert_eq!(u8::from(t), v);
        let shown = t.to_string();
        assert!(shown.contains(&format!("{v:#04x}")), "{shown}");
        assert_eq!(t.name().is_none(), matches!(t, IgmpType::Unknown(_)));
        assert!(!format!("{t:?}").is_empty());

        let m = MldType::from(v);
        assert_eq!(u8::from(m), v);
        assert!(m.to_string().contains(&v.to_string()));
        assert_eq!(m.name().is_none(), matches!(m, MldType::Unknown(_)));
        assert!(!format!("{m:?}").is_empty());

        let r = RecordType::from(v);
        assert_eq!(u8::from(r), v);
        assert!(r.to_string().contains(&format!("({v})")));
        assert_eq!(r.name().is_none(), !(1..=6).contains(&v));
        assert!(!format!("{r:?}").is_empty());
    }
    assert_eq!(
        IgmpType::from(0x22).to_string(),
        "Version 3 Membership Report (0x22)"
    );
    assert_eq!(IgmpType::from(0x99).to_string(), "unknown IGMP type (0x99)");
    assert_eq!(
        RecordType::from(4).to_string(),
        "CHANGE_TO_EXCLUDE_MODE (4)"
    );
    assert_eq!(
        MldType::from(143).to_string(),
        "Version 2 Multicast Listener Report (143)"
    );
}

#[test]
fn debug_and_display_for_every_message() {
    let mut buf = [0u8; 256];
    let mut shown = Vec::new();
    let mut igmp = |len: usize, buf: &[u8]| {
        let m = IgmpMessage::parse(&buf[..len]).unwrap();
        shown.push((m.to_string(), format!("{m:?}")));
    };
    for b in [
        IgmpV1V2Builder::query_v1(),
        IgmpV1V2Builder::query_v2(MaxRespTime::from_tenths(25), GROUP),
        IgmpV1V2Builder::report_v1(GROUP),
        IgmpV1V2Builder::report_v2(GROUP),
        IgmpV1V2Builder::leave_group(GROUP),
    ] {
        let len = b.emit(&mut buf).unwrap();
        igmp(len, &buf);
    }
    let len = QueryV3Builder::<Ipv4, _>::group_and_source_specific(
        GROUP,
        [source(1)].into_iter(),
        MaxRespCode::DEFAULT,
        true,
        2,
        QueryIntervalCode::DEFAULT,
    )
    .emit(&mut buf, ROUTER, GROUP)
    .unwrap();
    igmp(len, &buf);
    let len = ReportV3Builder::new(
        [GroupRecordBuilder::<Ipv4, _>::without_sources(
            RecordType::ChangeToExcludeMode,
            GROUP,
        )]
        .into_iter(),
    )
    .emit(&mut buf, ROUTER, Ipv4::ALL_V3_ROUTERS)
    .unwrap();
    igmp(len, &buf);
    for mrd in [
        RouterDiscoveryBuilder::Advertisement {
            advertisement_interval: 20,
            query_interval: 125,
            robustness_variable: 2,
        },
        RouterDiscoveryBuilder::Solicitation,
        RouterDiscoveryBuilder::Termination,
    ] {
        let len = mrd
            .emit::<Ipv4>(&mut buf, ROUTER, Ipv4::ALL_SNOOPERS)
            .unwrap();
        igmp(len, &buf);
    }
    let raw = with_checksum(vec![0x13, 1, 0, 0, 0, 0, 3, 0xff]);
    igmp(raw.len(), &raw);
    assert_eq!(shown.len(), 11);
    assert_eq!(shown[0].0, "igmp query v1");
    assert_eq!(
        shown[1].0,
        "igmp query v2 [max resp time 2.5s] [gaddr 232.1.2.3]"
    );
    assert_eq!(shown[4].0, "igmp leave 232.1.2.3");
    assert_eq!(
        shown[5].0,
        "IGMPv3 query [max resp time 10.0s] [gaddr 232.1.2.3 1 source(s)] [S] [qrv 2] [qqi 125s]"
    );
    assert_eq!(
        shown[6].0,
        "IGMPv3 report, 1 group record(s) [gaddr 232.1.2.3 CHANGE_TO_EXCLUDE_MODE (4), 0 source(s)]"
    );
    assert_eq!(shown[10].0, "DVMRP (0x13), 8 bytes");
    assert!(shown.iter().all(|(d, g)| !d.is_empty() && !g.is_empty()));

    let mut mld = Vec::new();
    for b in [
        MldV1Builder::query(1000, Ipv6Addr::UNSPECIFIED),
        MldV1Builder::report(GROUP6),
        MldV1Builder::done(GROUP6),
    ] {
        let len = b.emit(&mut buf, LL, b.destination()).unwrap();
        let m = MldMessage::parse(&buf[..len], LL, b.destination()).unwrap();
        mld.push((m.to_string(), format!("{m:?}")));
    }
    assert_eq!(mld[0].0, "MLDv1 query [max resp delay 1000ms]");
    assert_eq!(mld[2].0, format!("MLDv1 done {GROUP6}"));
}

/// A record whose auxiliary data cannot be sent (not whole 32-bit words) is reported as an error
/// of its own; the records packed before it in the same message still go out.
#[test]
fn report_split_keeps_the_records_before_bad_auxiliary_data() {
    let good = GroupRecordBuilder::<Ipv4, _> {
        record_type: RecordType::ModeIsExclude,
        multicast_address: Ipv4Addr::new(239, 1, 1, 1),
        sources: core::iter::empty(),
        auxiliary_data: &[],
    };
    let bad = GroupRecordBuilder::<Ipv4, _> {
        record_type: RecordType::ModeIsExclude,
        multicast_address: Ipv4Addr::new(239, 1, 1, 2),
        sources: core::iter::empty(),
        auxiliary_data: &[1, 2, 3],
    };
    let after = GroupRecordBuilder::<Ipv4, _> {
        multicast_address: Ipv4Addr::new(239, 1, 1, 3),
        ..good.clone()
    };
    let records = [good, bad, after];
    let report = ReportV3Builder::new(records.iter().cloned());
    let mut packets = report.split(1500).unwrap();
    let mut buf = vec![0u8; packets.max_message_len()];
    let (src, dst) = (Ipv4Addr::new(10, 0, 0, 1), Ipv4Addr::new(224, 0, 0, 22));

    let len = packets.next_packet(&mut buf, src, dst).unwrap().unwrap();
    let IgmpMessage::ReportV3(first) = IgmpMessage::parse(&buf[..len]).unwrap() else {
        panic!("not a report")
    };
    let groups: Vec<Ipv4Addr> = first
        .group_records()
        .map(|r| r.multicast_address())
        .collect();
    assert_eq!(groups, [Ipv4Addr::new(239, 1, 1, 1)]);

    let error = packets.next_packet(&mut buf, src, dst).unwrap_err();
    assert!(
        matches!(
            error,
            Error::Invalid {
                field: "Auxiliary Data",
                ..
            }
        ),
        "{error:?}"
    );

    let len = packets.next_packet(&mut buf, src, dst).unwrap().unwrap();
    let IgmpMessage::ReportV3(last) = IgmpMessage::parse(&buf[..len]).unwrap() else {
        panic!("not a report")
    };
    let groups: Vec<Ipv4Addr> = last
        .group_records()
        .map(|r| r.multicast_address())
        .collect();
    assert_eq!(groups, [Ipv4Addr::new(239, 1, 1, 3)]);
    assert_eq!(packets.next_packet(&mut buf, src, dst).unwrap(), None);
}
