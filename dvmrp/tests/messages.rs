//! Byte fixtures built from the layouts of draft-ietf-idmr-dvmrp-v3-11 (and mrouted's for the
//! messages the draft leaves out), since no public capture holds a Probe, Report, Graft, Graft
//! Ack or Info message: each parses to the values the layout says, re-emits byte for byte, and
//! errors at every truncation.

use std::net::Ipv4Addr;

use mcast_dvmrp::DvmrpError;
use mcast_dvmrp::wire::{
    Body, Capabilities, ChecksumPolicy, Code, Graft, Header, Info, InfoItem, InfoType, Interface,
    InterfaceFlags, Message, Metric, Neighbors2, Probe, Prune, Route, Version,
};

/// The 8-byte header for `code` (version 3.255, `capabilities`), checksum filled in after the
/// body is appended.
fn message(code: u8, capabilities: u8, body: &[u8]) -> Vec<u8> {
    let mut bytes = vec![0x13, code, 0, 0, 0, capabilities, 0xFF, 3];
    bytes.extend_from_slice(body);
    let sum = mcast_addr::checksum::checksum(&bytes);
    bytes[2..4].copy_from_slice(&sum.to_be_bytes());
    bytes
}

fn emit(message: &Message<'_>) -> Vec<u8> {
    let mut buf = vec![0; message.buffer_len()];
    message.emit(&mut buf).unwrap();
    buf
}

/// Parses `bytes`, checks it re-emits them and that every truncation errors: inside a field as
/// truncated, at a field boundary through the checksum (the fixtures avoid optional fields whose
/// words sum to zero, which no checksum can see go).
fn check(bytes: &[u8]) -> Message<'_> {
    let message = Message::parse(bytes, ChecksumPolicy::Verify).unwrap();
    assert_eq!(emit(&message), bytes, "{message}");
    for cut in 0..bytes.len() {
        assert!(
            Message::parse(&bytes[..cut], ChecksumPolicy::Verify).is_err(),
            "{message}: cut at {cut}"
        );
    }
    // The IGMP codec's raw message gives the same result without a second checksum pass.
    let raw = match mcast_igmp::wire::IgmpMessage::parse(bytes).unwrap() {
        mcast_igmp::wire::IgmpMessage::Other(raw) => raw,
        other => panic!("{other}"),
    };
    assert_eq!(Message::from_igmp(raw).unwrap(), message);
    message
}

#[test]
fn probe_with_generation_id_and_neighbors() {
    // §3.2: Generation ID, then the neighbors heard on the interface. Capabilities: Prune,
    // GenID, Mtrace, Netmask (mrouted 3.9 sends 0x0e; Netmask-capable routers add 0x20).
    let bytes = message(1, 0x2e, &[0, 0, 0x12, 0x34, 10, 0, 0, 2, 10, 0, 0, 3]);
    let message = check(&bytes);
    assert_eq!(
        message.header.capabilities,
        Capabilities::PRUNE | Capabilities::GENID | Capabilities::MTRACE | Capabilities::NETMASK
    );
    assert!(message.header.version.is_version_3());
    let Body::Probe(probe) = message.body else {
        panic!()
    };
    assert_eq!(probe.generation_id, 0x1234);
    assert_eq!(
        probe.neighbor_addresses().collect::<Vec<_>>(),
        [Ipv4Addr::new(10, 0, 0, 2), Ipv4Addr::new(10, 0, 0, 3)]
    );
    assert_eq!(
        message.to_string(),
        "DVMRP Probe (v3.255, capabilities Prune|GenID|Mtrace|Netmask) generation ID 4660, \
         neighbors 10.0.0.2, 10.0.0.3"
    );
    // A Probe from a router with no neighbors yet.
    let alone = message_probe_alone();
    let message = check(&alone);
    assert_eq!(
        message.body,
        Body::Probe(Probe {
            generation_id: 7,
            neighbors: &[]
        })
    );
}

fn message_probe_alone() -> Vec<u8> {
    message(1, 0x0e, &[0, 0, 0, 7])
}

#[test]
fn report_blocks_with_default_route_widths_and_poison_reverse() {
    #[rustfmt::skip]
    let body = [
        // Block 1: mask 255.0.0.0 (octets 0 0 0): the default route (source 0), then 10/8.
        0, 0, 0,   0, 3,   10, 0x80 | 1,
        // Block 2: mask 255.255.0.0: two-octet sources.
        255, 0, 0,   172, 16, 2,   172, 17, 0x80 | 0x22,
        // Block 3: mask 255.255.255.0: three-octet sources, infinity.
        255, 255, 0,   192, 168, 1, 0x80 | 0x20,
        // Block 4: mask 255.255.255.252: four-octet sources, the largest metric.
        255, 255, 252,   10, 1, 1, 4, 0x80 | 0x3F,
    ];
    let bytes = message(2, 0, &body);
    let message = check(&bytes);
    let Body::Report(report) = message.body else {
        panic!()
    };
    let metric = |m| Metric::new(m).unwrap();
    let routes: Vec<Route> = report.routes().collect();
    assert_eq!(
        routes,
        [
            Route::default_route(metric(3)),
            Route::new(Ipv4Addr::new(10, 0, 0, 0), 8, metric(1)).unwrap(),
            Route::new(Ipv4Addr::new(172, 16, 0, 0), 16, metric(2)).unwrap(),
            Route::new(Ipv4Addr::new(172, 17, 0, 0), 16, metric(34)).unwrap(),
            Route::new(Ipv4Addr::new(192, 168, 1, 0), 24, Metric::INFINITY).unwrap(),
            Route::new(Ipv4Addr::new(10, 1, 1, 4), 30, Metric::MAX).unwrap(),
        ]
    );
    assert!(routes[0].is_default_route());
    assert_eq!(routes[0].netmask(), Ipv4Addr::UNSPECIFIED);
    assert_eq!(routes[5].netmask(), Ipv4Addr::new(255, 255, 255, 252));
    assert_eq!(routes[3].metric().poisoned_distance(), Some(2));
    assert!(routes[4].metric().is_infinity());
    // The builder packs the same table into the same bytes.
    let mut builder = mcast_dvmrp::wire::ReportBuilder::new(&routes, 1500).unwrap();
    let mut out = [0u8; 1500];
    let len = builder.emit_next(&mut out).unwrap().unwrap();
    assert_eq!(&out[..len], &bytes[..]);
    assert_eq!(builder.emit_next(&mut out).unwrap(), None);
}

#[test]
fn neighbors2_keeps_a_trailing_interface_with_no_neighbors() {
    #[rustfmt::skip]
    let body = [
        // A tunnel with one neighbor, then a disabled leaf interface with none.
        192, 0, 2, 1,  1, 1, 0x01 | 0x02, 1,  198, 51, 100, 7,
        10, 9, 9, 1,   3, 16, 0x20 | 0x10, 0,
    ];
    let bytes = message(6, 0x0e, &body);
    let message = check(&bytes);
    let Body::Neighbors2(neighbors) = message.body else {
        panic!()
    };
    let interfaces: Vec<Interface<'_>> = neighbors.interfaces().collect();
    assert_eq!(
        interfaces,
        [
            Interface {
                local_address: Ipv4Addr::new(192, 0, 2, 1),
                metric: 1,
                threshold: 1,
                flags: InterfaceFlags::TUNNEL | InterfaceFlags::SOURCE_ROUTE,
                neighbors: &[[198, 51, 100, 7]],
            },
            Interface {
                local_address: Ipv4Addr::new(10, 9, 9, 1),
                metric: 3,
                threshold: 16,
                flags: InterfaceFlags::DISABLED | InterfaceFlags::DOWN,
                neighbors: &[],
            },
        ]
    );
    // Encoding the interfaces gives the same list.
    let mut scratch = [0u8; 64];
    let encoded = Neighbors2::encode(&interfaces, &mut scratch).unwrap();
    assert_eq!(encoded.as_bytes(), &body);
    assert!(
        message
            .to_string()
            .ends_with("[10.9.9.1 (3/16/down/disabled)]")
    );
}

#[test]
fn prune_with_and_without_netmask() {
    // §3.5: Source, Group, Prune Lifetime (7200 s, mrouted's average), Source Netmask.
    let with_mask = message(
        7,
        0,
        &[
            10, 1, 0, 0, 239, 1, 2, 3, 0, 0, 0x1c, 0x20, 255, 255, 255, 252,
        ],
    );
    let message = check(&with_mask);
    assert_eq!(
        message.body,
        Body::Prune(Prune {
            source: Ipv4Addr::new(10, 1, 0, 0),
            group: Ipv4Addr::new(239, 1, 2, 3),
            lifetime_seconds: 7200,
            netmask: Some(Ipv4Addr::new(255, 255, 255, 252)),
            trailing: &[],
        })
    );
    let without = message_prune_without_mask();
    let message = check(&without);
    let Body::Prune(prune) = message.body else {
        panic!()
    };
    assert_eq!(prune.netmask, None);
    assert_eq!(prune.lifetime().as_secs(), 120);
    assert_eq!(
        message.to_string(),
        "DVMRP Prune (v3.255) source 10.1.0.1 group 239.1.2.3 lifetime 120s"
    );
}

fn message_prune_without_mask() -> Vec<u8> {
    message(7, 0, &[10, 1, 0, 1, 239, 1, 2, 3, 0, 0, 0, 120])
}

#[test]
fn graft_and_graft_ack() {
    // §3.6: Source, Group, optional Source Netmask; a Graft Ack echoes the Graft.
    let graft = message(8, 0, &[10, 1, 0, 0, 239, 1, 2, 3, 255, 255, 255, 252]);
    let message = check(&graft);
    let expected = Graft {
        source: Ipv4Addr::new(10, 1, 0, 0),
        group: Ipv4Addr::new(239, 1, 2, 3),
        netmask: Some(Ipv4Addr::new(255, 255, 255, 252)),
        trailing: &[],
    };
    assert_eq!(message.body, Body::Graft(expected));
    let ack = message_graft_ack();
    let message = check(&ack);
    assert_eq!(
        message.body,
        Body::GraftAck(Graft {
            netmask: None,
            ..expected
        })
    );
    assert_eq!(message.code(), Code::GRAFT_ACK);
}

fn message_graft_ack() -> Vec<u8> {
    message(9, 0, &[10, 1, 0, 0, 239, 1, 2, 3])
}

#[test]
fn info_request_and_reply() {
    // mrouted: a request for the version (Length 0), a reply with "3.9" padded to one word.
    let request = message(10, 0, &[1, 0, 0, 0]);
    let message = check(&request);
    let Body::InfoRequest(info) = message.body else {
        panic!()
    };
    assert_eq!(
        info.items().collect::<Vec<_>>(),
        [InfoItem::new(InfoType::VERSION, &[])]
    );
    let reply = message_info_reply();
    let message = check(&reply);
    let Body::InfoReply(info) = message.body else {
        panic!()
    };
    let item = info.items().next().unwrap();
    assert_eq!(item.version_string(), Some("3.9"));
    assert_eq!(
        message.to_string(),
        "DVMRP Info Reply (v3.255) items: Version \"3.9\""
    );
    let mut scratch = [0u8; 16];
    let encoded = Info::encode(&[item], &mut scratch).unwrap();
    assert_eq!(encoded.as_bytes(), &reply[8..]);
}

fn message_info_reply() -> Vec<u8> {
    message(11, 0, &[1, 1, 0, 0, b'3', b'.', b'9', 0])
}

#[test]
fn ask_neighbors2_obsolete_and_unknown_codes_and_version_1() {
    let ask = message(5, 0, &[]);
    assert_eq!(check(&ask).body, Body::AskNeighbors2 { trailing: &[] });
    for code in [0u8, 3, 4, 12, 200] {
        let bytes = message(code, 0, &[1, 2, 3]);
        let message = check(&bytes);
        assert_eq!(
            message.body,
            Body::Unknown {
                code: Code(code),
                body: &[1, 2, 3]
            }
        );
    }
    // An RFC 1075 Response (code 1): commands where version 3 has its version bytes (here
    // "AFI 2, Metric 1"), so major 1 < 3 and the body is kept raw.
    let mut v1 = vec![0x13, 1, 0, 0, 2, 2, 4, 1, 7, 1, 10, 1, 2, 3];
    let sum = mcast_addr::checksum::checksum(&v1);
    v1[2..4].copy_from_slice(&sum.to_be_bytes());
    let message = check(&v1);
    assert!(message.header.version.is_older_than_3());
    assert_eq!(
        message.body,
        Body::Unknown {
            code: Code::PROBE,
            body: &[7, 1, 10, 1, 2, 3]
        }
    );
}

#[test]
fn header_fields_are_kept_for_any_code() {
    let bytes = {
        let mut b = message(9, 0, &[1, 1, 1, 1, 239, 0, 0, 1]);
        b[4] = 0x99;
        b[6] = 8;
        b[7] = 3;
        let sum = {
            b[2] = 0;
            b[3] = 0;
            mcast_addr::checksum::checksum(&b)
        };
        b[2..4].copy_from_slice(&sum.to_be_bytes());
        b
    };
    let message = check(&bytes);
    assert_eq!(
        message.header,
        Header {
            reserved: 0x99,
            capabilities: Capabilities::empty(),
            version: Version { major: 3, minor: 8 },
        }
    );
    assert!(!message.header.version.is_version_3());
    assert!(matches!(
        Message::parse(&[0x11, 0, 0, 0, 0, 0, 0, 0], ChecksumPolicy::Skip),
        Err(DvmrpError::Invalid { field: "type", .. })
    ));
}

#[test]
fn checksum_mismatch_names_both_values() {
    let mut bytes = message_graft_ack();
    let good = u16::from_be_bytes([bytes[2], bytes[3]]);
    bytes[2] ^= 0x01;
    assert_eq!(
        Message::parse(&bytes, ChecksumPolicy::Verify),
        Err(DvmrpError::Checksum {
            computed: good,
            received: good ^ 0x0100
        })
    );
    assert!(Message::parse(&bytes, ChecksumPolicy::Skip).is_ok());
}
