//! Property tests: every message round-trips (`parse(emit(m)) == m`, and the bytes again), the
//! report builder keeps every route under every MTU, and no input panics.

use std::net::Ipv4Addr;

use mcast_dvmrp::wire::{
    Body, Capabilities, ChecksumPolicy, Code, Graft, Header, Info, InfoItem, InfoType, Interface,
    InterfaceFlags, Message, Metric, Neighbors2, Probe, Prune, ReportBuilder, Route, Version,
};
use proptest::prelude::*;

fn header() -> impl Strategy<Value = Header> {
    (any::<u8>(), any::<u8>(), 3u8..=255, any::<u8>()).prop_map(|(reserved, caps, major, minor)| {
        Header {
            reserved,
            capabilities: Capabilities::from_bits_retain(caps),
            version: Version { major, minor },
        }
    })
}

fn route() -> impl Strategy<Value = Route> {
    (any::<[u8; 4]>(), 0u8..=32, 0u8..=63).prop_filter_map(
        "a route a report can carry",
        |(octets, prefix_len, metric)| {
            let metric = Metric::new(metric)?;
            if prefix_len == 0 {
                return Some(Route::default_route(metric));
            }
            let width = usize::from(prefix_len.div_ceil(8)).max(1);
            let mut source = [0u8; 4];
            source[..width].copy_from_slice(&octets[..width]);
            Route::new(Ipv4Addr::from(source), prefix_len.max(8), metric).ok()
        },
    )
}

/// Emits `message`, parses the bytes back and checks both directions.
fn round_trip(message: &Message<'_>) -> Result<(), TestCaseError> {
    let mut bytes = vec![0; message.buffer_len()];
    prop_assert_eq!(message.emit(&mut bytes).unwrap(), bytes.len());
    prop_assert!(mcast_addr::checksum::is_valid(&bytes));
    let parsed = Message::parse(&bytes, ChecksumPolicy::Verify).unwrap();
    prop_assert_eq!(&parsed, message);
    let mut again = vec![0; parsed.buffer_len()];
    parsed.emit(&mut again).unwrap();
    prop_assert_eq!(again, bytes);
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn probe_round_trips(
        header in header(),
        generation_id in any::<u32>(),
        neighbors in proptest::collection::vec(any::<[u8; 4]>(), 0..30),
    ) {
        round_trip(&Message { header, body: Body::Probe(Probe { generation_id, neighbors: &neighbors }) })?;
    }

    #[test]
    fn report_builder_keeps_every_route_under_every_mtu(
        header in header(),
        routes in proptest::collection::vec(route(), 0..300),
        mtu in 36u32..3000,
    ) {
        let mut builder = ReportBuilder::new(&routes, mtu).unwrap().with_header(header);
        let mut buf = vec![0u8; 3000];
        let mut back = Vec::new();
        while let Some(len) = builder.emit_next(&mut buf).unwrap() {
            prop_assert!(len + 20 <= mtu as usize);
            let message = Message::parse(&buf[..len], ChecksumPolicy::Verify).unwrap();
            prop_assert_eq!(message.header, header);
            let Body::Report(report) = message.body else { panic!() };
            back.extend(report.routes());
            // The parsed report re-emits byte for byte.
            round_trip(&message)?;
        }
        prop_assert_eq!(back, routes);
    }

    #[test]
    fn neighbors2_round_trips(
        header in header(),
        raw in proptest::collection::vec(
            (any::<[u8; 4]>(), any::<u8>(), any::<u8>(), any::<u8>(),
             proptest::collection::vec(any::<[u8; 4]>(), 0..6)),
            0..8,
        ),
    ) {
        let interfaces: Vec<Interface<'_>> = raw
            .iter()
            .map(|(local, metric, threshold, flags, neighbors)| Interface {
                local_address: Ipv4Addr::from(*local),
                metric: *metric,
                threshold: *threshold,
                flags: InterfaceFlags::from_bits_retain(*flags),
                neighbors,
            })
            .collect();
        let mut scratch = vec![0u8; 2000];
        let list = Neighbors2::encode(&interfaces, &mut scratch).unwrap();
        prop_assert_eq!(list.interfaces().collect::<Vec<_>>(), interfaces.clone());
        round_trip(&Message { header, body: Body::Neighbors2(list) })?;
    }

    #[test]
    fn prune_graft_and_graft_ack_round_trip(
        header in header(),
        source in any::<[u8; 4]>(),
        group in any::<[u8; 4]>(),
        lifetime_seconds in any::<u32>(),
        netmask in proptest::option::of(any::<[u8; 4]>()),
        trailing in proptest::collection::vec(any::<u8>(), 0..10),
    ) {
        let trailing = if netmask.is_some() { &trailing[..] } else { &trailing[..trailing.len().min(3)] };
        let (source, group) = (Ipv4Addr::from(source), Ipv4Addr::from(group));
        let netmask = netmask.map(Ipv4Addr::from);
        let prune = Prune { source, group, lifetime_seconds, netmask, trailing };
        round_trip(&Message { header, body: Body::Prune(prune) })?;
        let graft = Graft { source, group, netmask, trailing };
        round_trip(&Message { header, body: Body::Graft(graft) })?;
        round_trip(&Message { header, body: Body::GraftAck(graft) })?;
    }

    #[test]
    fn info_and_unknown_bodies_round_trip(
        header in header(),
        items in proptest::collection::vec((any::<u8>(), any::<[u8; 2]>(), 0usize..8, any::<u8>()), 0..5),
        code in prop_oneof![Just(0u8), Just(3), Just(4), 12u8..=255],
        body in proptest::collection::vec(any::<u8>(), 0..40),
        reply in any::<bool>(),
    ) {
        let data: Vec<Vec<u8>> = items.iter().map(|&(_, _, words, fill)| vec![fill; words * 4]).collect();
        let items: Vec<InfoItem<'_>> = items
            .iter()
            .zip(&data)
            .map(|(&(info_type, reserved, _, _), data)| InfoItem { info_type: InfoType(info_type), reserved, data })
            .collect();
        let mut scratch = vec![0u8; 400];
        let info = Info::encode(&items, &mut scratch).unwrap();
        prop_assert_eq!(info.items().collect::<Vec<_>>(), items.clone());
        let body_info = if reply { Body::InfoReply(info) } else { Body::InfoRequest(info) };
        round_trip(&Message { header, body: body_info })?;
        round_trip(&Message { header, body: Body::Unknown { code: Code(code), body: &body } })?;
        round_trip(&Message { header, body: Body::AskNeighbors2 { trailing: &body } })?;
    }

    #[test]
    fn arbitrary_bytes_never_panic(code in any::<u8>(), tail in proptest::collection::vec(any::<u8>(), 0..200)) {
        let mut bytes = vec![0x13, code, 0, 0];
        bytes.extend_from_slice(&tail);
        if let Ok(message) = Message::parse(&bytes, ChecksumPolicy::Skip) {
            let _ = message.to_string();
            match message.body {
                Body::Report(r) => { let _ = r.routes().count(); }
                Body::Neighbors2(n) => { let _ = n.interfaces().map(|i| i.neighbor_addresses().count()).sum::<usize>(); }
                Body::InfoRequest(i) | Body::InfoReply(i) => { let _ = i.items().count(); }
                _ => {}
            }
            // What parsed re-emits to the same bytes, but for the checksum.
            let mut again = vec![0; message.buffer_len()];
            message.emit(&mut again).unwrap();
            prop_assert_eq!(&again[4..], &bytes[4..]);
        }
    }
}
