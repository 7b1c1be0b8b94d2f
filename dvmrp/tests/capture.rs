//! tcpdump's DVMRP captures: `mrinfo_query.pcap` (Ask Neighbors 2 and Neighbors 2 from a Cisco
//! router) and `relts-0x80000000.pcap` (a crafted Prune, tcpdump CVE-2016-7993). Values match
//! tcpdump's expected output and Wireshark; messages re-emit byte for byte.

use std::fmt::Write as _;
use std::net::Ipv4Addr;

use mcast_dvmrp::DvmrpError;
use mcast_dvmrp::wire::{
    Body, Capabilities, ChecksumPolicy, Code, InterfaceFlags, Message, Neighbors2, Version,
};
use mcast_testkit::{frames_with_protocol, proto, skip_without_captures, tcpdump_expected};

fn emit(message: &Message<'_>) -> Vec<u8> {
    let mut buf = vec![0; message.buffer_len()];
    assert_eq!(message.emit(&mut buf).unwrap(), buf.len());
    buf
}

/// tcpdump's rendering of a Neighbors 2 body, rebuilt from the parsed values.
fn tcpdump_neighbors2(version: Version, neighbors: &Neighbors2<'_>) -> String {
    let mut out = format!("Neighbors2 (v {}.{}):", version.major, version.minor);
    for interface in neighbors.interfaces() {
        for neighbor in interface.neighbor_addresses() {
            write!(
                out,
                " [{} -> {} ({}/{}",
                interface.local_address, neighbor, interface.metric, interface.threshold
            )
            .unwrap();
            for (flag, name) in [
                (InterfaceFlags::TUNNEL, "/tunnel"),
                (InterfaceFlags::SOURCE_ROUTE, "/srcrt"),
                (InterfaceFlags::QUERIER, "/querier"),
                (InterfaceFlags::DISABLED, "/disabled"),
                (InterfaceFlags::DOWN, "/down"),
            ] {
                if interface.flags.contains(flag) {
                    out.push_str(name);
                }
            }
            out.push_str(")]");
        }
    }
    out
}

/// tcpdump's `unsigned_relts_print`: years of 365 days, weeks, days, hours, minutes, seconds.
fn tcpdump_relts(mut seconds: u64) -> String {
    let units = [
        (31_536_000, "y"),
        (604_800, "w"),
        (86_400, "d"),
        (3_600, "h"),
        (60, "m"),
        (1, "s"),
    ];
    let mut out = String::new();
    for (size, name) in units {
        if seconds >= size {
            write!(out, "{}{name}", seconds / size).unwrap();
            seconds %= size;
        }
    }
    out
}

#[test]
fn mrinfo_query_ask_neighbors2_and_neighbors2() {
    if skip_without_captures() {
        return;
    }
    let frames = frames_with_protocol("tcpdump/mrinfo_query.pcap", proto::IGMP);
    assert_eq!(frames.len(), 2);
    let expected = tcpdump_expected("dvmrp.out");
    let lines: Vec<&str> = expected.lines().collect();

    // Frame 1: 10.0.0.1 asks 2.2.2.2; Wireshark: checksum 0xe8e4 correct, reserved 0x000a,
    // minor 0x04, major 0x0c.
    let ask = Message::parse(&frames[0].payload, ChecksumPolicy::Verify).unwrap();
    assert_eq!(ask.code(), Code::ASK_NEIGHBORS_2);
    assert_eq!(ask.header.reserved, 0);
    assert_eq!(
        ask.header.capabilities,
        Capabilities::PRUNE | Capabilities::MTRACE
    );
    assert_eq!(
        ask.header.version,
        Version {
            major: 12,
            minor: 4
        }
    );
    assert!(!ask.header.version.is_version_3());
    assert_eq!(ask.body, Body::AskNeighbors2 { trailing: &[] });
    assert!(lines[0].ends_with("igmp dvmrp Ask-neighbors2"));
    assert_eq!(emit(&ask), frames[0].payload);

    // Frame 2: the answer, two interfaces of one neighbor each.
    let reply = Message::parse(&frames[1].payload, ChecksumPolicy::Verify).unwrap();
    assert_eq!(reply.code(), Code::NEIGHBORS_2);
    assert_eq!(reply.header.capabilities.bits(), 0x4a);
    let Body::Neighbors2(neighbors) = reply.body else {
        panic!("{reply}")
    };
    let interfaces: Vec<_> = neighbors.interfaces().collect();
    assert_eq!(interfaces.len(), 2);
    assert_eq!(interfaces[0].local_address, Ipv4Addr::new(10, 0, 0, 2));
    assert_eq!(
        interfaces[0].flags,
        InterfaceFlags::PIM | InterfaceFlags::QUERIER
    );
    assert_eq!(
        interfaces[0].neighbor_addresses().collect::<Vec<_>>(),
        [Ipv4Addr::new(10, 0, 0, 1)]
    );
    assert_eq!(interfaces[1].local_address, Ipv4Addr::new(10, 0, 0, 9));
    assert_eq!(interfaces[1].flags, InterfaceFlags::PIM);
    assert_eq!((interfaces[1].metric, interfaces[1].threshold), (1, 0));
    let text = tcpdump_neighbors2(reply.header.version, &neighbors);
    assert!(
        lines[1].ends_with(&format!("igmp dvmrp {text}")),
        "{text} / {}",
        lines[1]
    );
    assert_eq!(emit(&reply), frames[1].payload);
    assert_eq!(
        reply.to_string(),
        "DVMRP Neighbors 2 (v12.4, capabilities Prune|Mtrace|0x40) interfaces: \
         [10.0.0.2 (1/0/pim/querier) -> 10.0.0.1] [10.0.0.9 (1/0/pim) -> 10.0.0.10]"
    );

    // Every truncation of both errors: inside a field as truncated, at a field boundary
    // through the checksum.
    for frame in &frames {
        for cut in 0..frame.payload.len() {
            assert!(
                Message::parse(&frame.payload[..cut], ChecksumPolicy::Verify).is_err(),
                "frame {} cut at {cut}",
                frame.number
            );
        }
    }
    // Inside the interface list, without the checksum: the field that is cut is named.
    assert_eq!(
        Message::parse(&frames[1].payload[..30], ChecksumPolicy::Skip),
        Err(DvmrpError::Truncated {
            field: "neighbor address",
            offset: 28,
            needed: 4,
            available: 2
        })
    );
}

#[test]
fn relts_prune_lifetime_0x80000000_is_68_years_not_negative() {
    if skip_without_captures() {
        return;
    }
    let frames = frames_with_protocol("tcpdump/relts-0x80000000.pcap", proto::IGMP);
    assert_eq!(frames.len(), 1);
    let payload = &frames[0].payload;
    assert!(frames[0].incomplete);
    // The crafted checksum (0x3030) is wrong; tcpdump does not check it.
    assert!(matches!(
        Message::parse(payload, ChecksumPolicy::Verify),
        Err(DvmrpError::Checksum {
            received: 0x3030,
            ..
        })
    ));
    let message = Message::parse(payload, ChecksumPolicy::Skip).unwrap();
    let Body::Prune(prune) = message.body else {
        panic!("{message}")
    };
    let any = Ipv4Addr::new(48, 48, 48, 48);
    assert_eq!((prune.source, prune.group), (any, any));
    assert_eq!(prune.lifetime_seconds, 0x8000_0000);
    assert_eq!(prune.lifetime().as_secs(), 2_147_483_648);
    assert_eq!(prune.netmask, Some(any));
    assert_eq!(prune.trailing.len(), payload.len() - 8 - 16);
    let expected = tcpdump_expected("relts-0x80000000.out");
    let text = format!(
        "igmp dvmrp Prune src {} grp {} timer {}",
        prune.source,
        prune.group,
        tcpdump_relts(prune.lifetime().as_secs())
    );
    assert!(expected.contains(&text), "{text}");
    assert_eq!(
        message.header.version,
        Version {
            major: 0x30,
            minor: 0x30
        }
    );
    // Re-emitted byte for byte but for the checksum, which emission computes.
    let again = emit(&message);
    assert_eq!(again.len(), payload.len());
    assert_eq!(again[..2], payload[..2]);
    assert_eq!(again[4..], payload[4..]);
    assert!(mcast_addr::checksum::is_valid(&again));
}
