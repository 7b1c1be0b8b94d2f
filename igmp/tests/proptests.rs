//! Property tests: parse(emit(x)) == x for every message kind, emit(parse(bytes)) == bytes, no
//! input panics, and the MTU splitters never lose or duplicate a source.

use core::net::{Ipv4Addr, Ipv6Addr};

use mcast_addr::family::{Ipv4, Ipv6};
use mcast_igmp::wire::{
    GmpFamily, GroupRecordBuilder, IgmpMessage, IgmpType, IgmpV1V2Builder, MaxRespCode,
    MaxRespTime, MldMaxRespCode, MldMessage, MldType, MldV1Builder, QueryIntervalCode, QueryKind,
    QueryV3Builder, RecordType, ReportV3Builder, RouterDiscoveryBuilder,
};
use proptest::collection::vec;
use proptest::prelude::*;

const SRC6: Ipv6Addr = Ipv6Addr::new(0xfe80, 0, 0, 0, 0x1234, 0, 0, 1);

fn ipv4() -> impl Strategy<Value = Ipv4Addr> + Clone {
    any::<u32>().prop_map(Ipv4Addr::from)
}
fn ipv6() -> impl Strategy<Value = Ipv6Addr> + Clone {
    any::<u128>().prop_map(Ipv6Addr::from)
}

/// A record as plain data: type, group, sources, auxiliary data.
type Record<A> = (u8, A, Vec<A>, Vec<u8>);

fn record<A: core::fmt::Debug + Clone>(
    addr: impl Strategy<Value = A> + Clone,
    max_sources: usize,
) -> impl Strategy<Value = Record<A>> {
    (
        any::<u8>(),
        addr.clone(),
        vec(addr, 0..max_sources),
        (0usize..4).prop_flat_map(|words| vec(any::<u8>(), words * 4)),
    )
}

fn builders<F: GmpFamily>(
    records: &[Record<F::Addr>],
) -> impl Iterator<Item = GroupRecordBuilder<'_, F, core::iter::Copied<core::slice::Iter<'_, F::Addr>>>>
+ Clone {
    records.iter().map(|(t, g, s, aux)| GroupRecordBuilder {
        record_type: RecordType::from(*t),
        multicast_address: *g,
        sources: s.iter().copied(),
        auxiliary_data: aux,
    })
}

/// The records of a parsed report as plain data.
fn records_of<F: GmpFamily>(r: &mcast_igmp::wire::ReportV3<'_, F>) -> Vec<Record<F::Addr>> {
    r.group_records()
        .map(|g| {
            (
                u8::from(g.record_type()),
                g.multicast_address(),
                g.sources().collect(),
                g.auxiliary_data().to_vec(),
            )
        })
        .collect()
}

proptest! {
    #[test]
    fn igmp_v1_v2_round_trip(kind in 0usize..5, tenths in 1u8..=255, group in ipv4()) {
        let b = match kind {
            0 => IgmpV1V2Builder::query_v1(),
            1 => IgmpV1V2Builder::query_v2(MaxRespTime::from_tenths(tenths), group),
            2 => IgmpV1V2Builder::report_v1(group),
            3 => IgmpV1V2Builder::report_v2(group),
            _ => IgmpV1V2Builder::leave_group(group),
        };
        let mut buf = [0u8; 8];
        prop_assert_eq!(b.emit(&mut buf), Ok(8));
        let m = IgmpMessage::parse(&buf).unwrap();
        let view = match (kind, m) {
            (0, IgmpMessage::QueryV1(v)) | (1, IgmpMessage::QueryV2(v)) | (2, IgmpMessage::ReportV1(v))
            | (3, IgmpMessage::ReportV2(v)) | (4, IgmpMessage::LeaveGroup(v)) => v,
            other => panic!("{other:?}"),
        };
        prop_assert_eq!(view.to_builder(), b);
        prop_assert_eq!(m.as_bytes(), &buf[..]);
    }

    #[test]
    fn igmp_v3_query_round_trip(
        code in any::<u8>(), group in ipv4(), s in any::<bool>(), qrv in 0u8..=7,
        qqic in any::<u8>(), sources in vec(ipv4(), 0..200),
    ) {
        let group = if sources.is_empty() || group != Ipv4Addr::UNSPECIFIED { group } else { Ipv4Addr::new(232, 0, 0, 1) };
        let q = QueryV3Builder::<Ipv4, _>::group_and_source_specific(
            group, sources.iter().copied(), MaxRespCode::from_code(code), s, qrv, QueryIntervalCode::from_code(qqic));
        let mut buf = vec![0u8; q.buffer_len()];
        let len = q.emit(&mut buf, Ipv4Addr::UNSPECIFIED, q.destination()).unwrap();
        prop_assert_eq!(len, 12 + 4 * sources.len());
        let IgmpMessage::QueryV3(p) = IgmpMessage::parse(&buf).unwrap() else { panic!() };
        prop_assert_eq!(p.max_resp_code(), MaxRespCode::from_code(code));
        prop_assert_eq!(p.group_address(), group);
        prop_assert_eq!(p.suppress_router_side_processing(), s);
        prop_assert_eq!(p.querier_robustness_variable(), qrv);
        prop_assert_eq!(p.querier_query_interval_code().code(), qqic);
        prop_assert_eq!(p.sources().collect::<Vec<_>>(), sources.clone());
        let kind = p.kind();
        if group == Ipv4Addr::UNSPECIFIED {
            prop_assert_eq!(kind, QueryKind::General);
        } else if sources.is_empty() {
            prop_assert_eq!(kind, QueryKind::GroupSpecific(group));
        } else {
            prop_assert_eq!(kind, QueryKind::GroupAndSourceSpecific(group));
        }
        // The view's builder emits the same bytes.
        let mut again = vec![0u8; len];
        p.to_builder().emit(&mut again, Ipv4Addr::UNSPECIFIED, group).unwrap();
        prop_assert_eq!(again, buf);
    }

    #[test]
    fn mld_v2_query_round_trip(
        code in any::<u16>(), group in ipv6(), s in any::<bool>(), qrv in 0u8..=7,
        qqic in any::<u8>(), sources in vec(ipv6(), 0..100),
    ) {
        let group = if sources.is_empty() || group != Ipv6Addr::UNSPECIFIED { group } else { Ipv6::ALL_SYSTEMS };
        let q = QueryV3Builder::<Ipv6, _>::group_and_source_specific(
            group, sources.iter().copied(), MldMaxRespCode::from_code(code), s, qrv, QueryIntervalCode::from_code(qqic));
        let dst = q.destination();
        let mut buf = vec![0u8; q.buffer_len()];
        let len = q.emit(&mut buf, SRC6, dst).unwrap();
        prop_assert_eq!(len, 28 + 16 * sources.len());
        let MldMessage::QueryV2(p) = MldMessage::parse(&buf, SRC6, dst).unwrap() else { panic!() };
        prop_assert_eq!(p.max_resp_code(), MldMaxRespCode::from_code(code));
        prop_assert_eq!(p.group_address(), group);
        prop_assert_eq!(p.suppress_router_side_processing(), s);
        prop_assert_eq!(p.querier_robustness_variable(), qrv);
        prop_assert_eq!(p.querier_query_interval_code().code(), qqic);
        prop_assert_eq!(p.sources().collect::<Vec<_>>(), sources);
        // The pseudo-header is covered: another destination fails the checksum.
        let other = Ipv6Addr::new(0xff02, 0, 0, 0, 0, 0, 0, 0x99);
        prop_assert!(
            matches!(MldMessage::parse(&buf, SRC6, other), Err(mcast_igmp::Error::Checksum { .. })),
            "checksum ignored the pseudo-header"
        );
    }

    #[test]
    fn igmp_v3_report_round_trip(records in vec(record(ipv4(), 40), 0..20)) {
        let report = ReportV3Builder::new(builders::<Ipv4>(&records));
        let mut buf = vec![0u8; report.buffer_len()];
        let len = report.emit(&mut buf, Ipv4Addr::UNSPECIFIED, Ipv4::ALL_V3_ROUTERS).unwrap();
        prop_assert_eq!(len, buf.len());
        let IgmpMessage::ReportV3(r) = IgmpMessage::parse(&buf).unwrap() else { panic!() };
        prop_assert_eq!(records_of(&r), records.clone());
        let again = ReportV3Builder::new(r.group_records().map(|g| g.to_builder()));
        let mut out = vec![0u8; len];
        again.emit(&mut out, Ipv4Addr::UNSPECIFIED, Ipv4::ALL_V3_ROUTERS).unwrap();
        prop_assert_eq!(out, buf);
    }

    #[test]
    fn mld_v2_report_round_trip(records in vec(record(ipv6(), 20), 0..10)) {
        let report = ReportV3Builder::new(builders::<Ipv6>(&records));
        let mut buf = vec![0u8; report.buffer_len()];
        report.emit(&mut buf, SRC6, Ipv6::ALL_V3_ROUTERS).unwrap();
        let MldMessage::ReportV2(r) = MldMessage::parse(&buf, SRC6, Ipv6::ALL_V3_ROUTERS).unwrap() else { panic!() };
        prop_assert_eq!(records_of(&r), records.clone());
    }

    #[test]
    fn mld_v1_and_router_discovery_round_trip(
        kind in 0usize..3, delay in any::<u16>(), group in ipv6(),
        interval in any::<u8>(), qi in any::<u16>(), rv in any::<u16>(),
    ) {
        let b = match kind {
            0 => MldV1Builder::query(delay, group),
            1 => MldV1Builder::report(group),
            _ => MldV1Builder::done(group),
        };
        let mut buf = [0u8; 24];
        b.emit(&mut buf, SRC6, b.destination()).unwrap();
        let m = MldMessage::parse(&buf, SRC6, b.destination()).unwrap();
        let (MldMessage::QueryV1(v) | MldMessage::ReportV1(v) | MldMessage::Done(v)) = m else { panic!() };
        prop_assert_eq!(v.to_builder(), b);

        for mrd in [
            RouterDiscoveryBuilder::Advertisement { advertisement_interval: interval, query_interval: qi, robustness_variable: rv },
            RouterDiscoveryBuilder::Solicitation,
            RouterDiscoveryBuilder::Termination,
        ] {
            let mut buf = [0u8; 8];
            let len = mrd.emit::<Ipv4>(&mut buf, Ipv4Addr::UNSPECIFIED, mrd.destination::<Ipv4>()).unwrap();
            let parsed = IgmpMessage::parse(&buf[..len]).unwrap();
            match (mrd, parsed) {
                (RouterDiscoveryBuilder::Advertisement { .. }, IgmpMessage::RouterAdvertisement(a)) => prop_assert_eq!(a.to_builder(), mrd),
                (RouterDiscoveryBuilder::Solicitation, IgmpMessage::RouterSolicitation(_))
                | (RouterDiscoveryBuilder::Termination, IgmpMessage::RouterTermination(_)) => {}
                other => panic!("{other:?}"),
            }
            let dst = mrd.destination::<Ipv6>();
            let len = mrd.emit::<Ipv6>(&mut buf, SRC6, dst).unwrap();
            let parsed = MldMessage::parse(&buf[..len], SRC6, dst).unwrap();
            match (mrd, parsed) {
                (RouterDiscoveryBuilder::Advertisement { .. }, MldMessage::RouterAdvertisement(a)) => prop_assert_eq!(a.to_builder(), mrd),
                (RouterDiscoveryBuilder::Solicitation, MldMessage::RouterSolicitation(_))
                | (RouterDiscoveryBuilder::Termination, MldMessage::RouterTermination(_)) => {}
                other => panic!("{other:?}"),
            }
        }
    }

    /// Any bytes: no panic, and whatever parses re-emits byte for byte.
    #[test]
    fn arbitrary_bytes_never_panic(bytes in vec(any::<u8>(), 0..600), ty in prop::sample::select(vec![0x11u8, 0x12, 0x16, 0x17, 0x22, 0x30, 0x31, 0x13])) {
        let mut bytes = bytes;
        if let Some(b) = bytes.first_mut() { *b = ty; }
        if let Ok(m) = IgmpMessage::parse_skipping_checksum(&bytes) {
            prop_assert_eq!(m.as_bytes(), &bytes[..]);
            let _ = (m.to_string(), format!("{m:?}"));
            if let IgmpMessage::ReportV3(r) = m {
                prop_assert_eq!(r.group_records().count(), usize::from(r.number_of_group_records()));
            }
        }
        let _ = IgmpMessage::parse(&bytes);
        for ty in [130u8, 131, 132, 143, 151, 152] {
            if let Some(b) = bytes.first_mut() { *b = ty; }
            if let Ok(m) = MldMessage::parse_skipping_checksum(&bytes) {
                prop_assert_eq!(m.as_bytes(), &bytes[..]);
                let _ = (m.to_string(), format!("{m:?}"));
            }
        }
    }

    /// The report splitter sends every source of a splittable record exactly once, truncates
    /// EXCLUDE records to a prefix, keeps every message within the MTU, and always ends.
    #[test]
    fn report_splitter_never_loses_or_duplicates_a_source(
        records in vec((1u8..=6, 0u32..8, 0usize..400), 1..12), mtu in 60u32..3000,
    ) {
        let records: Vec<Record<Ipv4Addr>> = records
            .iter()
            .enumerate()
            .map(|(i, (t, g, n))| {
                let sources = (0..*n).map(|k| Ipv4Addr::from(((i as u32) << 20) | k as u32)).collect();
                (*t, Ipv4Addr::new(232, 0, 0, *g as u8), sources, Vec::new())
            })
            .collect();
        let report = ReportV3Builder::new(builders::<Ipv4>(&records));
        let mut packets = report.split(mtu).unwrap();
        let mut buf = vec![0u8; packets.max_message_len()];
        let mut got: Vec<Record<Ipv4Addr>> = Vec::new();
        let mut count = 0;
        while let Some(len) = packets.next_packet(&mut buf, Ipv4Addr::UNSPECIFIED, Ipv4::ALL_V3_ROUTERS).unwrap() {
            prop_assert!(len + 24 <= mtu as usize);
            let IgmpMessage::ReportV3(r) = IgmpMessage::parse(&buf[..len]).unwrap() else { panic!() };
            prop_assert!(r.number_of_group_records() > 0);
            got.extend(records_of(&r));
            count += 1;
            prop_assert!(count <= 10_000);
        }
        // Merge the pieces of each split record back.
        let mut merged: Vec<Record<Ipv4Addr>> = Vec::new();
        let mut expect_new = true;
        let mut want = records.iter().peekable();
        for piece in got {
            let current = want.peek().unwrap();
            if !expect_new && merged.last().map(|m| (m.0, m.1)) == Some((piece.0, piece.1))
                && merged.last().unwrap().2.len() < current.2.len()
            {
                merged.last_mut().unwrap().2.extend(piece.2);
            } else {
                merged.push(piece);
            }
            let last = merged.last().unwrap();
            let truncating = RecordType::from(last.0).is_truncated_when_too_long();
            if last.2.len() == current.2.len() || truncating {
                want.next();
                expect_new = true;
            } else {
                expect_new = false;
            }
        }
        prop_assert_eq!(merged.len(), records.len());
        for (m, r) in merged.iter().zip(&records) {
            prop_assert_eq!((m.0, m.1), (r.0, r.1));
            if RecordType::from(r.0).is_truncated_when_too_long() {
                prop_assert_eq!(&m.2[..], &r.2[..m.2.len()]);
                // Truncated only when the whole record cannot fit one message.
                let max_sources = (mtu as usize - 24 - 8 - 8) / 4;
                prop_assert_eq!(m.2.len(), r.2.len().min(max_sources));
            } else {
                prop_assert_eq!(&m.2, &r.2);
            }
        }
    }

    /// The query splitter sends every source exactly once, in order.
    #[test]
    fn query_splitter_never_loses_or_duplicates_a_source(n in 0usize..3000, mtu in 40u32..4000) {
        let sources: Vec<Ipv4Addr> = (0..n).map(|k| Ipv4Addr::from(0x0a00_0000 + k as u32)).collect();
        let group = Ipv4Addr::new(232, 9, 9, 9);
        let q = QueryV3Builder::<Ipv4, _>::group_and_source_specific(
            group, sources.iter().copied(), MaxRespCode::DEFAULT, false, 2, QueryIntervalCode::DEFAULT);
        let mut packets = q.split(mtu).unwrap();
        let mut buf = vec![0u8; packets.max_message_len()];
        let mut all = Vec::new();
        let mut count = 0;
        while let Some(len) = packets.next_packet(&mut buf, Ipv4Addr::UNSPECIFIED, group).unwrap() {
            prop_assert!(len + 24 <= mtu as usize);
            let IgmpMessage::QueryV3(p) = IgmpMessage::parse(&buf[..len]).unwrap() else { panic!() };
            all.extend(p.sources());
            count += 1;
        }
        prop_assert!(count >= 1);
        prop_assert_eq!(all, sources);
    }

    #[test]
    fn type_codes_round_trip(v in any::<u8>()) {
        prop_assert_eq!(u8::from(IgmpType::from(v)), v);
        prop_assert_eq!(u8::from(MldType::from(v)), v);
        prop_assert_eq!(u8::from(RecordType::from(v)), v);
    }
}
