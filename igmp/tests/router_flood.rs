//! A state flood: 100,000 distinct groups × 366 sources (a full 1500-byte IGMPv3 report each)
//! reported to one router interface. The limits hold, the drop counters count, memory stays
//! flat once the limits are reached, and the members that were there before keep their state.
//!
//! To stay fast in a debug build the limits are small (256 groups, 32 sources per group, 4096
//! sources in all: the source limit is reached after 127 groups), so that all but the first
//! records are refused after one map lookup, before their sources are read; and
//! the 100,000 reports are one buffer whose group address and checksum are patched in place
//! (RFC 1624 incremental update) rather than 100,000 built messages.
#![allow(clippy::cast_possible_truncation, clippy::too_many_lines)]

mod common;

use std::net::Ipv4Addr;
use std::time::Duration;

use common::*;
use mcast_addr::family::Ipv4;
use mcast_igmp::gmp::{FilterMode, Limits, RecordType, RouterConfig};
use mcast_igmp::router::Router;

/// Resident memory of the process in bytes (Linux), to show that memory stays flat; `None`
/// elsewhere. This file holds one test, so nothing else runs in the process meanwhile.
fn resident_bytes() -> Option<usize> {
    let statm = std::fs::read_to_string("/proc/self/statm").ok()?;
    let pages: usize = statm.split_whitespace().nth(1)?.parse().ok()?;
    Some(pages * 4096)
}

const ROUTER: Ipv4Addr = Ipv4Addr::new(10, 0, 0, 1);
const FLOODER: Ipv4Addr = Ipv4Addr::new(10, 0, 0, 66);
const MEMBER: Ipv4Addr = Ipv4Addr::new(10, 0, 0, 50);
const ALL_V3_ROUTERS: Ipv4Addr = Ipv4Addr::new(224, 0, 0, 22);

/// RFC 1624 eqn. 3: HC' = ~(~HC + ~m + m'), for one 16-bit word changed from `old` to `new`.
fn update_checksum(checksum: u16, old: u16, new: u16) -> u16 {
    let mut sum = u32::from(!checksum) + u32::from(!old) + u32::from(new);
    while sum > 0xffff {
        sum = (sum & 0xffff) + (sum >> 16);
    }
    !(sum as u16)
}

fn word(bytes: &[u8], at: usize) -> u16 {
    u16::from_be_bytes([bytes[at], bytes[at + 1]])
}

/// Sets the group address of the report's only record (bytes 12..16) and fixes the checksum.
fn set_group(packet: &mut [u8], group: Ipv4Addr) {
    let mut checksum = word(packet, 2);
    for (i, new) in [0usize, 2].into_iter().zip(group.octets().chunks(2)) {
        let old = word(packet, 12 + i);
        let new = u16::from_be_bytes([new[0], new[1]]);
        checksum = update_checksum(checksum, old, new);
        packet[12 + i..14 + i].copy_from_slice(&new.to_be_bytes());
    }
    packet[2..4].copy_from_slice(&checksum.to_be_bytes());
}

#[test]
fn state_flood_of_100000_groups_by_366_sources_holds_the_limits() {
    let limits = Limits {
        max_groups: 256,
        max_sources_per_group: 32,
        max_sources: 4096,
    };
    let mut config = RouterConfig::new(ROUTER);
    config.limits = limits;
    let mut r: Router<Ipv4, Duration> = Router::new(config);
    r.enable(Duration::ZERO);

    // The members already there.
    let members = [Ipv4Addr::new(239, 255, 0, 1), Ipv4Addr::new(239, 255, 0, 2)];
    let member_sources: Vec<Ipv4Addr> = (1..=4).map(|n| Ipv4Addr::new(192, 0, 2, n)).collect();
    let report = record(
        RecordType::ModeIsInclude,
        members[0],
        member_sources.clone(),
    );
    r.handle_packet(
        secs(1),
        MEMBER,
        ALL_V3_ROUTERS,
        &bytes::<Ipv4>(&report, MEMBER, ALL_V3_ROUTERS),
    )
    .unwrap();
    let report = record(
        RecordType::ModeIsExclude,
        members[1],
        vec![member_sources[0]],
    );
    r.handle_packet(
        secs(1),
        MEMBER,
        ALL_V3_ROUTERS,
        &bytes::<Ipv4>(&report, MEMBER, ALL_V3_ROUTERS),
    )
    .unwrap();
    let before: Vec<_> = members
        .iter()
        .map(|g| (r.filter_mode(*g), r.sources(*g).collect::<Vec<_>>()))
        .collect();

    // One full report: one record of 366 sources, 8 + 8 + 366 * 4 = 1480 bytes.
    let sources: Vec<Ipv4Addr> = (0..366u32)
        .map(|i| Ipv4Addr::from(0xc633_0000 + i))
        .collect();
    let template = record(
        RecordType::ModeIsInclude,
        Ipv4Addr::new(230, 0, 0, 0),
        sources,
    );
    let mut packet = bytes::<Ipv4>(&template, FLOODER, ALL_V3_ROUTERS);
    assert_eq!(packet.len(), 1480);

    let mut in_use_at_limit = None;
    let t = secs(2);
    for i in 0..100_000u32 {
        set_group(&mut packet, Ipv4Addr::from(0xe600_0000 + i));
        r.handle_packet(t, FLOODER, ALL_V3_ROUTERS, &packet)
            .unwrap();
        if i == 10_000 {
            in_use_at_limit = resident_bytes();
        }
    }
    let in_use_after = resident_bytes();

    // The limits hold.
    assert!(r.groups().count() <= limits.max_groups);
    assert!(r.source_count() <= limits.max_sources);
    for group in r.groups() {
        assert!(r.sources(group).count() <= limits.max_sources_per_group);
    }
    // The drop counters count: every record past the group limit, every source past a source
    // limit.
    let stats = r.stats();
    let admitted = r.groups().count() as u64 - 2;
    assert!(admitted > 0);
    assert_eq!(stats.dropped_groups, 100_000 - admitted);
    assert!(stats.dropped_sources >= admitted * (366 - 32));
    // Memory is flat from the moment the limits were reached (90,000 more reports later).
    if let (Some(at_limit), Some(after)) = (in_use_at_limit, in_use_after) {
        assert!(
            after.saturating_sub(at_limit) < 256 * 1024,
            "resident memory grew from {at_limit} to {after} bytes"
        );
    }
    // The members that were there keep their state, and are still served.
    let after: Vec<_> = members
        .iter()
        .map(|g| (r.filter_mode(*g), r.sources(*g).collect::<Vec<_>>()))
        .collect();
    assert_eq!(before, after);
    assert_eq!(r.filter_mode(members[0]), Some(FilterMode::Include));
    assert!(r.should_forward(member_sources[3], members[0]));
    assert!(!r.should_forward(member_sources[0], members[1]));
    // A member's refresh still lands: its source timer restarts.
    let report = record(
        RecordType::ModeIsInclude,
        members[0],
        vec![member_sources[3]],
    );
    let later = secs(60);
    r.handle_packet(
        later,
        MEMBER,
        ALL_V3_ROUTERS,
        &bytes::<Ipv4>(&report, MEMBER, ALL_V3_ROUTERS),
    )
    .unwrap();
    let timer = mcast_igmp::router::RouterTimer::SourceTimer(members[0], member_sources[3]);
    assert_eq!(
        r.deadline(&timer),
        Some(later + r.group_membership_interval())
    );
}
