//! The snooping switch against the rules of RFC 4541 §2 (IGMP) and §3 (MLD), one test per rule,
//! with IGMPv1/v2/v3 and MLDv1/v2 hosts and querying routers on its ports, every message carried
//! as the codec's bytes. Each scenario also holds the forwarding table built from the switch's
//! events against `Switch::ports_for`.

mod common;
mod snoop_lan;

use std::net::{Ipv4Addr, Ipv6Addr};
use std::time::Duration;

use common::{SEEDS, bytes, secs};
use mcast_addr::checksum::{Checksum, checksum};
use mcast_addr::family::{Ipv4, Ipv6};
use mcast_igmp::gmp::{GroupRecord, Message, Query, RecordType, Version};
use mcast_igmp::snoop::{
    PIM_PROTOCOL, PortConfig, PortId, RouterPortReason, SnoopEvent, Unregistered,
};
use mcast_igmp::wire::{GmpFamily, RouterDiscoveryBuilder};
use snoop_lan::{Addrs, Lan, VLAN, ports};

type Lan4 = Lan<Ipv4>;
type Lan6 = Lan<Ipv6>;

fn g4(i: u8) -> Ipv4Addr {
    Ipv4::group(i)
}

fn general_query<A>(version: Version, unspecified: A) -> Message<A> {
    Message::Query(Query {
        version,
        group: unspecified,
        max_response_time: secs(10),
        suppress_router_side_processing: false,
        robustness: 2,
        query_interval: secs(125),
        sources: Vec::new(),
    })
}

fn pim_hello_v4(holdtime: Option<u16>) -> Vec<u8> {
    let mut msg = vec![0x20, 0, 0, 0];
    if let Some(h) = holdtime {
        msg.extend_from_slice(&[0, 1, 0, 2]);
        msg.extend_from_slice(&h.to_be_bytes());
    }
    let sum = checksum(&msg);
    msg[2..4].copy_from_slice(&sum.to_be_bytes());
    msg
}

fn pim_hello_v6(source: Ipv6Addr, holdtime: u16) -> Vec<u8> {
    let mut msg = vec![0x20, 0, 0, 0, 0, 1, 0, 2];
    msg.extend_from_slice(&holdtime.to_be_bytes());
    let mut c = Checksum::new();
    c.add_ipv6_pseudo_header(
        source,
        "ff02::d".parse().unwrap(),
        msg.len() as u32,
        PIM_PROTOCOL,
    );
    c.add_bytes(&msg);
    let sum = c.checksum();
    msg[2..4].copy_from_slice(&sum.to_be_bytes());
    msg
}

fn dvmrp_probe() -> Vec<u8> {
    // Type 0x13, code 1 (Probe), checksum, reserved, capabilities, minor, major, Generation ID.
    let mut msg = vec![0x13, 1, 0, 0, 0, 0, 0x0e, 0x03, 0, 0, 0, 7];
    let sum = checksum(&msg);
    msg[2..4].copy_from_slice(&sum.to_be_bytes());
    msg
}

fn mrd<F: Addrs>(builder: RouterDiscoveryBuilder, source: F::Addr) -> Vec<u8> {
    let destination = builder.destination::<F>();
    let mut buf = vec![0; builder.buffer_len()];
    builder.emit::<F>(&mut buf, source, destination).unwrap();
    buf
}

/// A LAN of `n` ports with a querying IGMPv2/v3 router on port 1.
fn lan_with_router(seed: u64, n: u16, version: Version) -> (Lan4, usize) {
    let mut lan = Lan4::new(seed, n, false, Lan4::default_config());
    let router = lan.add_router(1, 1, version);
    lan.run_for(secs(1));
    (lan, router)
}

// ----- §2.1.1 (1): reports only to router ports, router ports learned -----------------------

#[test]
fn reports_are_forwarded_to_router_ports_only() {
    for seed in SEEDS.take(8) {
        let (mut lan, router) = lan_with_router(seed, 4, Version::V2);
        let a = lan.add_host(2, 20, Version::V2);
        let b = lan.add_host(3, 30, Version::V2);
        lan.seen.clear();
        lan.join(a, g4(1));
        lan.join(b, g4(1));
        lan.run_for(secs(300));
        for (_, t, out) in &lan.decisions {
            if let Message::Report { .. } | Message::Leave { .. } = t.message().unwrap() {
                assert_eq!(out, &ports(&[1]), "a report went beyond the router port");
            }
        }
        // No host heard another's report, so none suppressed its own (RFC 2236 §3): both
        // ports stay members through every General Query round.
        assert!(
            lan.received_on(2)
                .iter()
                .all(|m| !matches!(m, Message::Report { .. }))
        );
        assert_eq!(lan.switch.member_ports(VLAN, g4(1)), ports(&[2, 3]));
        assert!(lan.router(router).should_forward(Ipv4::source(1), g4(1)));
        lan.check_table(&[g4(1), g4(2)], &[Ipv4::source(1)], 4);
    }
}

#[test]
fn router_ports_are_learned_from_queries_with_a_non_zero_source() {
    let (lan, _) = lan_with_router(1, 3, Version::V3);
    assert_eq!(lan.switch.router_ports(VLAN), ports(&[1]));
    assert_eq!(
        lan.switch
            .router_port_reasons(VLAN, PortId(1))
            .collect::<Vec<_>>(),
        [RouterPortReason::Query]
    );
    assert_eq!(lan.table.router_ports.get(&VLAN), Some(&ports(&[1])));
}

#[test]
fn a_query_from_the_unspecified_source_makes_no_router_port() {
    let mut lan = Lan4::new(1, 3, false, Lan4::default_config());
    let out = lan.send_message(
        2,
        Ipv4Addr::UNSPECIFIED,
        Ipv4::ALL_SYSTEMS,
        &general_query(Version::V3, Ipv4Addr::UNSPECIFIED),
    );
    assert_eq!(out, ports(&[1, 3]), "still flooded");
    assert!(lan.switch.router_ports(VLAN).is_empty());
}

#[test]
fn a_router_port_learned_from_queries_expires_without_them() {
    let (mut lan, router) = lan_with_router(2, 3, Version::V3);
    // The last Query left at 1 s: the port lasts the Other Querier Present Interval, 255 s.
    lan.router(router).disable();
    lan.run_until(secs(255));
    assert_eq!(lan.switch.router_ports(VLAN), ports(&[1]));
    lan.run_until(secs(256));
    assert!(lan.switch.router_ports(VLAN).is_empty());
    assert_eq!(lan.table.router_ports.get(&VLAN), Some(&ports(&[])));
}

#[test]
fn router_ports_are_learned_from_multicast_router_advertisements() {
    let mut lan = Lan4::new(1, 3, false, Lan4::default_config());
    let ad = RouterDiscoveryBuilder::Advertisement {
        advertisement_interval: 20,
        query_interval: 125,
        robustness_variable: 2,
    };
    let from = Ipv4::node(1);
    let bytes = mrd::<Ipv4>(ad, from);
    let out = lan.send_frame(2, from, Ipv4::ALL_SNOOPERS, 2, &bytes);
    assert_eq!(out, ports(&[1, 3]));
    assert_eq!(lan.switch.router_ports(VLAN), ports(&[2]));
    // Three Advertisement Intervals later it is gone...
    lan.run_for(secs(59));
    assert_eq!(lan.switch.router_ports(VLAN), ports(&[2]));
    lan.run_for(secs(2));
    assert!(lan.switch.router_ports(VLAN).is_empty());
    // ...and a Termination ends it at once (RFC 4286 §7).
    lan.send_frame(2, from, Ipv4::ALL_SNOOPERS, 2, &bytes);
    let term = mrd::<Ipv4>(RouterDiscoveryBuilder::Termination, from);
    lan.send_frame(2, from, Ipv4::ALL_SNOOPERS, 2, &term);
    assert!(lan.switch.router_ports(VLAN).is_empty());
}

#[test]
fn router_ports_are_learned_from_pim_hellos_for_their_holdtime() {
    let mut lan = Lan4::new(1, 3, false, Lan4::default_config());
    let from = Ipv4::node(1);
    let all_pim = Ipv4Addr::new(224, 0, 0, 13);
    let out = lan.send_frame(3, from, all_pim, PIM_PROTOCOL, &pim_hello_v4(Some(30)));
    assert_eq!(out, ports(&[1, 2]), "224.0.0.13 is flooded");
    assert_eq!(lan.switch.router_ports(VLAN), ports(&[3]));
    lan.run_for(secs(29));
    assert_eq!(lan.switch.router_ports(VLAN), ports(&[3]));
    lan.run_for(secs(2));
    assert!(lan.switch.router_ports(VLAN).is_empty());
    // Without a Holdtime option: the default 105 s.
    lan.send_frame(3, from, all_pim, PIM_PROTOCOL, &pim_hello_v4(None));
    lan.run_for(secs(104));
    assert_eq!(lan.switch.router_ports(VLAN), ports(&[3]));
    // A Holdtime of zero: the neighbor leaves at once.
    lan.send_frame(3, from, all_pim, PIM_PROTOCOL, &pim_hello_v4(Some(0)));
    assert!(lan.switch.router_ports(VLAN).is_empty());
    // 0xffff: never expires.
    lan.send_frame(3, from, all_pim, PIM_PROTOCOL, &pim_hello_v4(Some(0xffff)));
    lan.run_for(secs(100_000));
    assert_eq!(lan.switch.router_ports(VLAN), ports(&[3]));
    // A Hello with a bad checksum is used for nothing and forwarded nowhere.
    let mut bad = pim_hello_v4(Some(0));
    bad[5] ^= 1;
    assert!(
        lan.send_frame(3, from, all_pim, PIM_PROTOCOL, &bad)
            .is_empty()
    );
    assert_eq!(lan.switch.router_ports(VLAN), ports(&[3]));
}

#[test]
fn router_ports_are_learned_from_dvmrp_probes() {
    let mut lan = Lan4::new(1, 3, false, Lan4::default_config());
    let out = lan.send_frame(
        2,
        Ipv4::node(1),
        Ipv4Addr::new(224, 0, 0, 4),
        2,
        &dvmrp_probe(),
    );
    assert_eq!(out, ports(&[1, 3]));
    assert_eq!(
        lan.switch
            .router_port_reasons(VLAN, PortId(2))
            .collect::<Vec<_>>(),
        [RouterPortReason::DvmrpProbe]
    );
    lan.run_for(secs(36));
    assert!(lan.switch.router_ports(VLAN).is_empty());
}

#[test]
fn static_router_ports_need_no_router() {
    let mut lan = Lan4::new(1, 3, false, Lan4::default_config());
    lan.switch.configure_port(
        VLAN,
        PortId(3),
        PortConfig {
            static_router_port: true,
            ..PortConfig::default()
        },
    );
    assert_eq!(lan.switch.router_ports(VLAN), ports(&[3]));
    let host = lan.add_host(1, 20, Version::V3);
    lan.join(host, g4(1));
    assert!(lan.decisions.iter().all(|(_, _, out)| out == &ports(&[3])));
    lan.run_for(secs(100_000));
    assert_eq!(lan.switch.router_ports(VLAN), ports(&[3]));
}

// ----- §2.1.1 (3), (5): unrecognized messages flooded, damaged ones dropped ------------------

#[test]
fn queries_are_flooded_to_every_port() {
    let (lan, _) = lan_with_router(1, 4, Version::V3);
    for (port, t, out) in &lan.decisions {
        if let Message::Query(_) = t.message().unwrap() {
            assert_eq!(*port, PortId(1));
            assert_eq!(out, &ports(&[2, 3, 4]));
        }
    }
}

#[test]
fn unrecognized_igmp_messages_are_flooded() {
    let mut lan = Lan4::new(1, 3, false, Lan4::default_config());
    // An mtrace query (0x1f): not one the switch knows.
    let mut msg = vec![0x1f, 0, 0, 0, 0, 0, 0, 0];
    let sum = checksum(&msg);
    msg[2..4].copy_from_slice(&sum.to_be_bytes());
    let out = lan.send_frame(1, Ipv4::node(1), Ipv4Addr::new(224, 0, 0, 2), 2, &msg);
    assert_eq!(out, ports(&[2, 3]));
}

#[test]
fn damaged_messages_are_neither_used_nor_forwarded() {
    let (mut lan, _) = lan_with_router(1, 3, Version::V2);
    let report = bytes::<Ipv4>(
        &Message::Report {
            version: Version::V2,
            group: g4(1),
        },
        Ipv4::node(20),
        g4(1),
    );
    let mut bad = report.clone();
    bad[7] ^= 0x40;
    let out = lan.send_frame(2, Ipv4::node(20), g4(1), 2, &bad);
    assert!(out.is_empty());
    assert_eq!(lan.switch.stats().bad_frames, 1);
    assert!(lan.switch.member_ports(VLAN, g4(1)).is_empty());
    let out = lan.send_frame(2, Ipv4::node(20), g4(1), 2, &report);
    assert_eq!(out, ports(&[1]));
    assert_eq!(lan.switch.member_ports(VLAN, g4(1)), ports(&[2]));
}

// ----- §2.1.1 (6) and leave processing: the router machine per port -------------------------

#[test]
fn membership_times_out_without_a_leave() {
    let mut lan = Lan4::new(1, 3, false, Lan4::default_config());
    lan.send_message(
        2,
        Ipv4::node(20),
        g4(1),
        &Message::Report {
            version: Version::V2,
            group: g4(1),
        },
    );
    assert_eq!(lan.switch.member_ports(VLAN, g4(1)), ports(&[2]));
    // Group Membership Interval: 2 × 125 s + 2 × 10 s.
    lan.run_for(secs(269));
    assert_eq!(lan.switch.member_ports(VLAN, g4(1)), ports(&[2]));
    lan.run_for(secs(2));
    assert!(lan.switch.member_ports(VLAN, g4(1)).is_empty());
    assert!(!lan.table.groups.contains_key(&(VLAN, g4(1))));
}

#[test]
fn a_leave_is_confirmed_by_the_queriers_group_specific_query() {
    for seed in SEEDS.take(8) {
        let (mut lan, _) = lan_with_router(seed, 4, Version::V2);
        let a = lan.add_host(2, 20, Version::V2);
        let b = lan.add_host(3, 30, Version::V2);
        lan.join(a, g4(1));
        lan.join(b, g4(1));
        lan.run_for(secs(5));
        lan.leave(a, g4(1));
        // The Leave reached the router port only; the router's Group-Specific Query reached
        // every port; port 3's host answered, port 2 has none left.
        let leave_out: Vec<_> = lan
            .decisions
            .iter()
            .filter(|(_, t, _)| matches!(t.message().unwrap(), Message::Leave { .. }))
            .map(|(_, _, out)| out.clone())
            .collect();
        assert_eq!(leave_out, [ports(&[1])]);
        lan.run_for(secs(3));
        assert_eq!(lan.switch.member_ports(VLAN, g4(1)), ports(&[3]));
        lan.check_table(&[g4(1)], &[Ipv4::source(1)], 4);
    }
}

#[test]
fn an_igmpv1_host_is_not_cut_off_by_a_leave() {
    let (mut lan, _) = lan_with_router(3, 3, Version::V2);
    let old = lan.add_host(2, 20, Version::V1);
    let new = lan.add_host(2, 21, Version::V2);
    lan.join(old, g4(1));
    lan.join(new, g4(1));
    lan.leave(new, g4(1));
    lan.run_for(secs(10));
    // §7.3.2: in IGMPv1 mode a Leave is ignored, so port 2 keeps the group.
    assert_eq!(
        lan.switch
            .membership(VLAN, PortId(2))
            .unwrap()
            .compatibility_mode(g4(1)),
        Some(Version::V1)
    );
    assert_eq!(lan.switch.member_ports(VLAN, g4(1)), ports(&[2]));
}

#[test]
fn a_port_going_down_forgets_its_memberships_and_router_port() {
    let (mut lan, _) = lan_with_router(1, 3, Version::V3);
    let host = lan.add_host(2, 20, Version::V3);
    lan.join(host, g4(1));
    assert_eq!(lan.switch.member_ports(VLAN, g4(1)), ports(&[2]));
    let now = lan.now;
    lan.switch.set_port_up(now, VLAN, PortId(2), false);
    lan.switch.set_port_up(now, VLAN, PortId(1), false);
    lan.settle();
    assert!(lan.switch.member_ports(VLAN, g4(1)).is_empty());
    assert!(lan.switch.router_ports(VLAN).is_empty());
    assert!(lan.forward(Ipv4::source(1), g4(1), 3).is_empty());
    lan.switch.set_port_up(now, VLAN, PortId(1), true);
    lan.switch.set_port_up(now, VLAN, PortId(2), true);
    // Back up, the host answers the next General Query.
    lan.run_for(secs(130));
    assert_eq!(lan.switch.member_ports(VLAN, g4(1)), ports(&[2]));
    lan.check_table(&[g4(1)], &[Ipv4::source(1)], 3);
}

// ----- §2.1.2: data forwarding ------------------------------------------------------------

#[test]
fn data_goes_to_member_ports_and_router_ports() {
    let (mut lan, _) = lan_with_router(1, 5, Version::V3);
    let a = lan.add_host(2, 20, Version::V3);
    let b = lan.add_host(4, 40, Version::V2);
    lan.join(a, g4(1));
    lan.join(b, g4(1));
    assert_eq!(lan.forward(Ipv4::source(1), g4(1), 1), ports(&[2, 4]));
    // From a member port: the other member and the router port (§2.1.2 (1)).
    assert_eq!(lan.forward(Ipv4::source(1), g4(1), 2), ports(&[1, 4]));
    // handle_frame gives data the same answer.
    let out = lan.send_frame(5, Ipv4::source(1), g4(1), 17, &[0; 8]);
    assert_eq!(out, ports(&[1, 2, 4]));
    lan.check_table(&[g4(1), g4(2)], &[Ipv4::source(1)], 5);
}

#[test]
fn the_local_network_control_block_is_flooded() {
    let (mut lan, _) = lan_with_router(1, 3, Version::V3);
    let mdns = Ipv4Addr::new(224, 0, 0, 251);
    let host = lan.add_host(2, 20, Version::V3);
    lan.join(host, mdns);
    // Reported, yet not snooped: 224.0.0.0/24 goes everywhere (§2.1.2 (2)).
    assert!(lan.switch.member_ports(VLAN, mdns).is_empty());
    assert_eq!(lan.forward(Ipv4::node(30), mdns, 3), ports(&[1, 2]));
    let ospf = Ipv4Addr::new(224, 0, 0, 5);
    assert_eq!(
        lan.send_frame(1, Ipv4::node(1), ospf, 89, &[0; 20]),
        ports(&[2, 3])
    );
}

#[test]
fn unregistered_traffic_is_flooded_or_sent_to_router_ports_by_configuration() {
    let (lan, _) = lan_with_router(1, 4, Version::V3);
    assert_eq!(lan.forward(Ipv4::source(1), g4(9), 2), ports(&[1, 3, 4]));

    let mut config = Lan4::default_config();
    config.unregistered = Unregistered::RouterPorts;
    let mut lan = Lan4::new(1, 4, false, config);
    lan.add_router(1, 1, Version::V3);
    lan.run_for(secs(1));
    lan.switch.configure_port(
        VLAN,
        PortId(4),
        PortConfig {
            flood_unregistered: true,
            ..PortConfig::default()
        },
    );
    assert_eq!(lan.forward(Ipv4::source(1), g4(9), 2), ports(&[1, 4]));
    assert_eq!(lan.forward(Ipv4::source(1), g4(9), 1), ports(&[4]));
    lan.check_table(&[g4(9)], &[Ipv4::source(1)], 4);
}

#[test]
fn igmpv3_forwarding_is_per_source() {
    let (mut lan, _) = lan_with_router(1, 4, Version::V3);
    let a = lan.add_host(2, 20, Version::V3);
    let b = lan.add_host(3, 30, Version::V3);
    lan.join_source(a, Ipv4::ssm_group(1), Ipv4::source(1));
    lan.join_source(b, Ipv4::ssm_group(1), Ipv4::source(2));
    assert_eq!(
        lan.forward(Ipv4::source(1), Ipv4::ssm_group(1), 4),
        ports(&[1, 2])
    );
    assert_eq!(
        lan.forward(Ipv4::source(2), Ipv4::ssm_group(1), 4),
        ports(&[1, 3])
    );
    assert_eq!(
        lan.forward(Ipv4::source(3), Ipv4::ssm_group(1), 4),
        ports(&[1])
    );
    lan.check_table(
        &[Ipv4::ssm_group(1)],
        &[Ipv4::source(1), Ipv4::source(2), Ipv4::source(3)],
        4,
    );
}

#[test]
fn block_old_sources_is_never_a_join() {
    let mut lan = Lan4::new(1, 3, false, Lan4::default_config());
    let block = Message::ReportV3(vec![GroupRecord {
        record_type: RecordType::BlockOldSources,
        group: g4(1),
        sources: vec![Ipv4::source(1)],
    }]);
    let out = lan.send_message(2, Ipv4::node(20), Ipv4::ALL_V3_ROUTERS, &block);
    assert!(out.is_empty(), "no router port yet");
    assert!(lan.switch.member_ports(VLAN, g4(1)).is_empty());
    assert!(
        lan.switch
            .membership(VLAN, PortId(2))
            .unwrap()
            .filter_mode(g4(1))
            .is_none()
    );
    assert_eq!(lan.switch.snooped_groups(), 0);
    // In EXCLUDE mode, BLOCK (A) stops A only (§6.4.2), and only on that port.
    let join = Message::ReportV3(vec![GroupRecord {
        record_type: RecordType::ChangeToExcludeMode,
        group: g4(1),
        sources: vec![],
    }]);
    lan.send_message(2, Ipv4::node(20), Ipv4::ALL_V3_ROUTERS, &join);
    lan.send_message(3, Ipv4::node(30), Ipv4::ALL_V3_ROUTERS, &join);
    lan.send_message(2, Ipv4::node(20), Ipv4::ALL_V3_ROUTERS, &block);
    assert_eq!(lan.forward(Ipv4::source(2), g4(1), 1), ports(&[2, 3]));
    // The Group-and-Source-Specific Query lowers the source timer; without one the source
    // stays forwarded until it expires (no querier here).
    lan.check_table(&[g4(1)], &[Ipv4::source(1), Ipv4::source(2)], 3);
}

#[test]
fn igmp_v1_v2_v3_hosts_on_one_switch() {
    for seed in SEEDS.take(8) {
        let (mut lan, _) = lan_with_router(seed, 5, Version::V3);
        let v1 = lan.add_host(2, 20, Version::V1);
        let v2 = lan.add_host(3, 30, Version::V2);
        let v3 = lan.add_host(4, 40, Version::V3);
        for h in [v1, v2, v3] {
            lan.join(h, g4(1));
        }
        lan.join_source(v3, g4(2), Ipv4::source(5));
        lan.run_for(secs(600));
        assert_eq!(lan.switch.member_ports(VLAN, g4(1)), ports(&[2, 3, 4]));
        let m = |lan: &Lan4, p| {
            lan.switch
                .membership(VLAN, PortId(p))
                .unwrap()
                .compatibility_mode(g4(1))
        };
        assert_eq!(m(&lan, 2), Some(Version::V1));
        assert_eq!(m(&lan, 3), Some(Version::V2));
        assert_eq!(m(&lan, 4), Some(Version::V3));
        assert_eq!(lan.forward(Ipv4::source(5), g4(2), 5), ports(&[1, 4]));
        assert_eq!(lan.forward(Ipv4::source(6), g4(2), 5), ports(&[1]));
        // The querier keeps the group in IGMPv1 mode (port 2's host): it ignores the Leave
        // (§7.3.2) and sends no Group-Specific Query, so port 3 keeps the group until its
        // membership times out, as the querier's does.
        lan.leave(v2, g4(1));
        lan.run_for(secs(5));
        assert_eq!(lan.switch.member_ports(VLAN, g4(1)), ports(&[2, 3, 4]));
        lan.run_for(secs(270));
        assert_eq!(lan.switch.member_ports(VLAN, g4(1)), ports(&[2, 4]));
        lan.check_table(&[g4(1), g4(2)], &[Ipv4::source(5), Ipv4::source(6)], 5);
    }
}

// ----- §3: MLD ----------------------------------------------------------------------------

#[test]
fn mld_snooping_leaves_neighbor_discovery_alone() {
    let mut lan = Lan6::new(1, 4, false, Lan6::default_config());
    lan.add_router(1, 1, Version::V3);
    lan.run_for(secs(1));
    let solicited: Ipv6Addr = "ff02::1:ff00:14".parse().unwrap();
    let host = lan.add_host(2, 20, Version::V3);
    lan.join(host, solicited);
    // Reported, yet flooded: a Neighbor Solicitation reaches every port, the target's too,
    // whatever the reports said (also one from a host in Duplicate Address Detection).
    assert!(lan.switch.member_ports(VLAN, solicited).is_empty());
    let ns = [135u8, 0, 0, 0, 0, 0, 0, 0];
    let out = lan.send_frame(3, "fe80::30".parse().unwrap(), solicited, 58, &ns);
    assert_eq!(out, ports(&[1, 2, 4]));
    let out = lan.send_frame(
        3,
        "::".parse().unwrap(),
        "ff02::1:ff00:99".parse().unwrap(),
        58,
        &ns,
    );
    assert_eq!(out, ports(&[1, 2, 4]));
    // All-nodes, never reported, is flooded too (§3).
    assert_eq!(
        lan.forward(Ipv6::node(30), Ipv6::ALL_SYSTEMS, 3),
        ports(&[1, 2, 4])
    );
}

#[test]
fn mld_v1_and_v2_listeners_on_one_switch() {
    for seed in SEEDS.take(8) {
        let mut lan = Lan6::new(seed, 4, false, Lan6::default_config());
        lan.add_router(1, 1, Version::V3);
        lan.run_for(secs(1));
        let v1 = lan.add_host(2, 20, Version::V2);
        let v2 = lan.add_host(3, 30, Version::V3);
        let group = Ipv6::group(1);
        lan.join(v1, group);
        lan.join(v2, group);
        lan.join_source(v2, Ipv6::ssm_group(1), Ipv6::source(1));
        lan.run_for(secs(300));
        assert_eq!(lan.switch.member_ports(VLAN, group), ports(&[2, 3]));
        assert_eq!(
            lan.switch
                .membership(VLAN, PortId(2))
                .unwrap()
                .compatibility_mode(group),
            Some(Version::V2)
        );
        assert_eq!(
            lan.forward(Ipv6::source(1), Ipv6::ssm_group(1), 4),
            ports(&[1, 3])
        );
        lan.leave(v1, group);
        lan.run_for(secs(5));
        assert_eq!(lan.switch.member_ports(VLAN, group), ports(&[3]));
        lan.check_table(
            &[group, Ipv6::ssm_group(1)],
            &[Ipv6::source(1), Ipv6::source(2)],
            4,
        );
    }
}

#[test]
fn mld_router_ports_from_pim_hellos_and_link_local_queries() {
    let mut lan = Lan6::new(1, 3, false, Lan6::default_config());
    let from = Ipv6::node(1);
    lan.send_frame(
        2,
        from,
        "ff02::d".parse().unwrap(),
        PIM_PROTOCOL,
        &pim_hello_v6(from, 60),
    );
    assert_eq!(lan.switch.router_ports(VLAN), ports(&[2]));
    // An MLD Query from a global address is invalid (RFC 3810 §5.1.14): no router port.
    let global: Ipv6Addr = "2001:db8::1".parse().unwrap();
    lan.send_message(
        3,
        global,
        Ipv6::ALL_SYSTEMS,
        &general_query(Version::V3, Ipv6Addr::UNSPECIFIED),
    );
    assert_eq!(lan.switch.router_ports(VLAN), ports(&[2]));
}

// ----- Querier election between the switch and a router ------------------------------------

#[test]
fn the_switch_queries_a_lan_without_a_querier_and_yields_to_a_router() {
    for seed in SEEDS.take(16) {
        let mut lan = Lan4::new(seed, 4, true, Lan4::default_config());
        assert!(lan.switch.is_querier(VLAN));
        let host = lan.add_host(3, 30, Version::V3);
        lan.join(host, g4(1));
        lan.run_for(secs(130));
        // The switch's General Queries went out of every port; the host answered them.
        assert!(
            lan.received_on(3)
                .iter()
                .any(|m| matches!(m, Message::Query(_)))
        );
        assert_eq!(lan.switch.member_ports(VLAN, g4(1)), ports(&[3]));
        // A router with a lower address arrives on port 1: the switch yields (§6.6.2).
        let router = lan.add_router(1, 1, Version::V3);
        lan.run_for(secs(1));
        assert!(!lan.switch.is_querier(VLAN));
        assert_eq!(lan.table.querier.get(&VLAN), Some(&Ipv4::node(1)));
        assert_eq!(lan.switch.router_ports(VLAN), ports(&[1]));
        lan.seen.clear();
        lan.run_for(secs(200));
        let from_switch = lan
            .seen
            .iter()
            .filter(|(_, t)| t.source == Ipv4::switch_address())
            .count();
        assert_eq!(from_switch, 0, "a non-querier switch sends no query");
        assert!(lan.router(router).should_forward(Ipv4::source(1), g4(1)));
        // The router goes away: after the Other Querier Present Interval the switch queries
        // again, and the membership never lapsed.
        lan.router(router).disable();
        lan.run_for(secs(256));
        assert!(lan.switch.is_querier(VLAN));
        assert_eq!(lan.table.querier.get(&VLAN), Some(&Ipv4::switch_address()));
        lan.run_for(secs(300));
        assert_eq!(lan.switch.member_ports(VLAN, g4(1)), ports(&[3]));
    }
}

#[test]
fn a_router_with_a_higher_address_yields_to_the_switch() {
    let mut lan = Lan4::new(1, 3, true, Lan4::default_config());
    let router = lan.add_router(1, 200, Version::V3);
    lan.run_for(secs(2));
    assert!(lan.switch.is_querier(VLAN));
    assert!(!lan.router(router).is_querier());
    assert_eq!(lan.router(router).querier(), Some(Ipv4::switch_address()));
}

#[test]
fn the_switch_as_querier_confirms_leaves_with_group_specific_queries() {
    for seed in SEEDS.take(8) {
        let mut lan = Lan4::new(seed, 4, true, Lan4::default_config());
        let a = lan.add_host(2, 20, Version::V2);
        let b = lan.add_host(3, 30, Version::V3);
        lan.join(a, g4(1));
        lan.join(b, g4(1));
        lan.run_for(secs(3));
        lan.seen.clear();
        lan.leave(a, g4(1));
        lan.run_for(secs(3));
        let specific = lan
            .received_on(2)
            .iter()
            .filter(|m| matches!(m, Message::Query(q) if q.group == g4(1)))
            .count();
        assert!(specific >= 1, "no Group-Specific Query from the switch");
        assert_eq!(lan.switch.member_ports(VLAN, g4(1)), ports(&[3]));
    }
}

// ----- Fast leave and host tracking -------------------------------------------------------

fn fast_leave_lan(seed: u64, max_hosts: usize) -> Lan4 {
    let mut config = Lan4::default_config();
    config.max_hosts_per_port = max_hosts;
    let mut lan = Lan4::new(seed, 4, false, config);
    lan.add_router(1, 1, Version::V2);
    lan.run_for(secs(1));
    for port in 2..=4 {
        lan.switch.configure_port(
            VLAN,
            PortId(port),
            PortConfig {
                fast_leave: true,
                ..PortConfig::default()
            },
        );
    }
    lan
}

#[test]
fn fast_leave_stops_a_port_when_its_last_tracked_host_leaves() {
    let mut lan = fast_leave_lan(1, 16);
    let a = lan.add_host(2, 20, Version::V2);
    let b = lan.add_host(2, 21, Version::V3);
    let c = lan.add_host(3, 30, Version::V2);
    for h in [a, b, c] {
        lan.join(h, g4(1));
    }
    assert_eq!(
        lan.switch
            .tracked_hosts(VLAN, PortId(2), g4(1))
            .collect::<Vec<_>>(),
        [Ipv4::node(20), Ipv4::node(21)]
    );
    lan.leave(a, g4(1));
    assert_eq!(
        lan.switch.member_ports(VLAN, g4(1)),
        ports(&[2, 3]),
        "b is still there"
    );
    lan.leave(b, g4(1));
    // At once: no Last Member Query Time.
    assert_eq!(lan.switch.member_ports(VLAN, g4(1)), ports(&[3]));
    assert_eq!(lan.switch.stats().fast_leaves, 1);
    lan.leave(c, g4(1));
    assert!(lan.switch.member_ports(VLAN, g4(1)).is_empty());
    lan.check_table(&[g4(1)], &[Ipv4::source(1)], 4);
}

#[test]
fn the_host_limit_turns_fast_leave_off_for_the_group_not_the_member() {
    let mut lan = fast_leave_lan(1, 1);
    let a = lan.add_host(2, 20, Version::V2);
    let b = lan.add_host(2, 21, Version::V2);
    lan.join(a, g4(1));
    lan.join(b, g4(1));
    assert_eq!(lan.switch.stats().untracked_hosts, 1);
    lan.leave(a, g4(1));
    // b could not be tracked: its port keeps the group (the router's GSQ, answered by b).
    lan.run_for(secs(3));
    assert_eq!(lan.switch.member_ports(VLAN, g4(1)), ports(&[2]));
    assert_eq!(lan.switch.stats().fast_leaves, 0);
}

#[test]
fn tracked_hosts_age_out_with_their_membership() {
    let mut lan = fast_leave_lan(1, 16);
    let a = lan.add_host(2, 20, Version::V2);
    lan.join(a, g4(1));
    lan.router(0).disable();
    let now = lan.now;
    lan.host(a).disable(now);
    lan.run_for(secs(300));
    assert_eq!(lan.switch.tracked_hosts(VLAN, PortId(2), g4(1)).count(), 0);
    assert!(lan.switch.member_ports(VLAN, g4(1)).is_empty());
}

// ----- A full table degrades one group at a time -------------------------------------------

fn small_table(max: usize, low: usize, flooded: usize) -> Lan4 {
    let mut config = Lan4::default_config();
    config.max_groups = max;
    config.groups_low_water = low;
    config.max_flooded_groups = flooded;
    config.unregistered = Unregistered::RouterPorts;
    let mut lan = Lan4::new(1, 4, false, config);
    lan.add_router(1, 1, Version::V2);
    lan.run_for(secs(1));
    lan
}

fn report(lan: &mut Lan4, port: u16, group: Ipv4Addr) {
    lan.send_message(
        port,
        Ipv4::node(20 + port as u8),
        group,
        &Message::Report {
            version: Version::V2,
            group,
        },
    );
}

#[test]
fn a_full_table_floods_the_new_group_only() {
    let mut lan = small_table(4, 2, 8);
    for i in 1..=4 {
        report(&mut lan, 2, g4(i));
    }
    assert_eq!(lan.switch.snooped_groups(), 4);
    report(&mut lan, 3, g4(5));
    assert!(lan.switch.is_flooding(VLAN, g4(5)));
    assert_eq!(lan.switch.stats().groups_flooded, 1);
    // The new group floods; the snooped ones do not.
    assert_eq!(lan.forward(Ipv4::source(1), g4(5), 1), ports(&[2, 3, 4]));
    assert_eq!(lan.forward(Ipv4::source(1), g4(1), 1), ports(&[2]));
    assert!(lan.table.flooding.contains(&(VLAN, g4(5))));
    lan.check_table(&[g4(1), g4(5)], &[Ipv4::source(1)], 4);
}

#[test]
fn a_full_table_snoops_new_groups_again_only_below_the_low_water_mark() {
    let mut lan = small_table(4, 2, 8);
    for i in 1..=4 {
        report(&mut lan, 2, g4(i));
    }
    // Let groups 1..3 age out one after the other: two times out of three the table is between
    // the marks and a new group still floods.
    lan.run_for(secs(250));
    report(&mut lan, 2, g4(4));
    lan.run_for(secs(21));
    assert_eq!(lan.switch.snooped_groups(), 1);
    // 1 <= low water 2: snooped again.
    report(&mut lan, 3, g4(6));
    assert!(!lan.switch.is_flooding(VLAN, g4(6)));

    let mut lan = small_table(4, 2, 8);
    for i in 1..=4 {
        report(&mut lan, 2, g4(i));
    }
    report(&mut lan, 3, g4(5));
    // One group leaves: 3 entries, above the low-water mark: still full.
    lan.leave_report(2, g4(1));
    lan.run_for(secs(3));
    assert_eq!(lan.switch.snooped_groups(), 3);
    report(&mut lan, 3, g4(7));
    assert!(
        lan.switch.is_flooding(VLAN, g4(7)),
        "hysteresis: no flapping at the limit"
    );
}

trait LeaveReport {
    fn leave_report(&mut self, port: u16, group: Ipv4Addr);
}

impl LeaveReport for Lan4 {
    fn leave_report(&mut self, port: u16, group: Ipv4Addr) {
        self.send_message(
            port,
            Ipv4::node(20 + port as u8),
            Ipv4::ALL_ROUTERS,
            &Message::Leave { group },
        );
    }
}

#[test]
fn a_flooded_group_is_taken_back_and_floods_until_its_members_answered() {
    let mut lan = small_table(2, 1, 8);
    report(&mut lan, 2, g4(1));
    report(&mut lan, 2, g4(2));
    report(&mut lan, 3, g4(3));
    assert!(lan.switch.is_flooding(VLAN, g4(3)));
    lan.leave_report(2, g4(1));
    lan.leave_report(2, g4(2));
    lan.run_for(secs(3));
    assert_eq!(lan.switch.snooped_groups(), 0);
    // The next report takes the group back, yet it floods for a Query Interval plus a Query
    // Response Interval: port 4's member, which reported while flooded, answers meanwhile.
    report(&mut lan, 3, g4(3));
    assert!(lan.switch.is_flooding(VLAN, g4(3)));
    assert_eq!(lan.switch.snooped_groups(), 1);
    report(&mut lan, 4, g4(3));
    lan.run_for(secs(136));
    assert!(!lan.switch.is_flooding(VLAN, g4(3)));
    assert_eq!(lan.switch.member_ports(VLAN, g4(3)), ports(&[3, 4]));
    assert_eq!(lan.forward(Ipv4::source(1), g4(3), 1), ports(&[3, 4]));
    lan.check_table(&[g4(3)], &[Ipv4::source(1)], 4);
}

#[test]
fn flooded_groups_are_bounded_and_age_out() {
    let mut lan = small_table(1, 0, 2);
    report(&mut lan, 2, g4(1));
    report(&mut lan, 2, g4(2));
    report(&mut lan, 2, g4(3));
    report(&mut lan, 2, g4(4));
    assert_eq!(lan.switch.flooded_groups(), 2);
    assert_eq!(lan.switch.stats().dropped_groups, 1);
    // Past both limits, a group is unregistered: router ports only here.
    assert_eq!(lan.forward(Ipv4::source(1), g4(4), 3), ports(&[1]));
    lan.run_for(secs(271));
    assert_eq!(lan.switch.flooded_groups(), 0);
    assert!(lan.table.flooding.is_empty());
}

// ----- Whole-switch properties ------------------------------------------------------------

#[test]
fn events_describe_ports_for_under_random_scenarios() {
    for seed in SEEDS {
        let mut lan = Lan4::new(seed, 6, seed % 2 == 0, Lan4::default_config());
        if seed % 3 == 0 {
            lan.add_router(1, 1, Version::V3);
        }
        let mut x = seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1;
        let mut next = move || {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x
        };
        let mut hosts = Vec::new();
        for i in 0..8u8 {
            let port = 2 + (next() % 5) as u16;
            let version = [Version::V1, Version::V2, Version::V3][(next() % 3) as usize];
            hosts.push(lan.add_host(port, 20 + i, version));
        }
        for _ in 0..40 {
            let h = hosts[(next() % hosts.len() as u64) as usize];
            let g = g4(1 + (next() % 3) as u8);
            match next() % 5 {
                0 | 1 => lan.join(h, g),
                2 => lan.leave(h, g),
                3 => {
                    let s = Ipv4::source(1 + (next() % 3) as u8);
                    let (now, mut rng) = (lan.now, lan.rng.clone());
                    let _ = lan.host(h).block_source(
                        now,
                        &mut rng,
                        mcast_igmp::host::SocketId(1),
                        g,
                        s,
                    );
                    lan.rng = rng;
                    lan.settle();
                }
                _ => lan.run_for(Duration::from_millis(next() % 20_000)),
            }
            lan.check_table(
                &[g4(1), g4(2), g4(3)],
                &[Ipv4::source(1), Ipv4::source(2), Ipv4::source(3)],
                6,
            );
        }
    }
}

#[test]
fn the_same_inputs_give_the_same_events() {
    let run = |seed| {
        let (mut lan, _) = lan_with_router(seed, 4, Version::V3);
        let a = lan.add_host(2, 20, Version::V3);
        let b = lan.add_host(3, 30, Version::V2);
        lan.join(a, g4(1));
        lan.join(b, g4(1));
        lan.run_for(secs(400));
        let mut events = Vec::new();
        while let Some(e) = lan.switch.poll_event() {
            events.push(e);
        }
        (
            lan.decisions.len(),
            lan.seen.len(),
            format!("{:?}", lan.table),
        )
    };
    for seed in SEEDS.take(4) {
        assert_eq!(run(seed), run(seed));
    }
}

#[test]
fn vlans_are_snooped_apart() {
    let mut lan = Lan4::new(1, 3, false, Lan4::default_config());
    let other = mcast_igmp::snoop::VlanId(20);
    let now = lan.now;
    lan.switch.add_vlan(now, other, false);
    lan.switch
        .add_port(now, other, PortId(1), PortConfig::default());
    lan.switch
        .add_port(now, other, PortId(5), PortConfig::default());
    report(&mut lan, 2, g4(1));
    assert_eq!(lan.switch.member_ports(VLAN, g4(1)), ports(&[2]));
    assert!(lan.switch.member_ports(other, g4(1)).is_empty());
    assert_eq!(
        lan.switch.ports_for(other, Ipv4::source(1), g4(1), None),
        ports(&[1, 5])
    );
    let events: Vec<_> = core::iter::from_fn(|| lan.switch.poll_event()).collect();
    assert!(
        events
            .iter()
            .all(|e| !matches!(e, SnoopEvent::Group { vlan, .. } if *vlan == other))
    );
}

// ----- Classification of the frames that are not group management ---------------------------

#[test]
fn only_probes_among_dvmrp_messages_make_router_ports() {
    let mut lan = Lan4::new(1, 3, false, Lan4::default_config());
    // DVMRP Report (code 2): flooded as any other IGMP type, not a router port.
    let mut msg = vec![0x13, 2, 0, 0, 0, 0, 0x0e, 0x03];
    let sum = checksum(&msg);
    msg[2..4].copy_from_slice(&sum.to_be_bytes());
    let out = lan.send_frame(2, Ipv4::node(1), Ipv4Addr::new(224, 0, 0, 4), 2, &msg);
    assert_eq!(out, ports(&[1, 3]));
    assert!(lan.switch.router_ports(VLAN).is_empty());
}

#[test]
fn pim_messages_other_than_hellos_are_data() {
    let mut lan = Lan4::new(1, 3, false, Lan4::default_config());
    // A PIM Join/Prune (type 3) to 224.0.0.13: link-local data, flooded, no router port.
    let out = lan.send_frame(
        2,
        Ipv4::node(1),
        Ipv4Addr::new(224, 0, 0, 13),
        PIM_PROTOCOL,
        &[0x23, 0, 0, 0],
    );
    assert_eq!(out, ports(&[1, 3]));
    assert!(lan.switch.router_ports(VLAN).is_empty());
    // A truncated Hello option is a damaged message: nowhere.
    let mut hello = vec![0x20, 0, 0, 0, 0, 1, 0, 9, 0];
    let sum = checksum(&hello);
    hello[2..4].copy_from_slice(&sum.to_be_bytes());
    let out = lan.send_frame(
        2,
        Ipv4::node(1),
        Ipv4Addr::new(224, 0, 0, 13),
        PIM_PROTOCOL,
        &hello,
    );
    assert!(out.is_empty());
    assert_eq!(lan.switch.stats().bad_frames, 1);
}

#[test]
fn mld_router_ports_from_multicast_router_advertisements() {
    let mut lan = Lan6::new(1, 3, false, Lan6::default_config());
    let from = Ipv6::node(1);
    let ad = RouterDiscoveryBuilder::Advertisement {
        advertisement_interval: 10,
        query_interval: 125,
        robustness_variable: 2,
    };
    let bytes = mrd::<Ipv6>(ad, from);
    let out = lan.send_frame(3, from, Ipv6::ALL_SNOOPERS, 58, &bytes);
    assert_eq!(out, ports(&[1, 2]));
    assert_eq!(
        lan.switch
            .router_port_reasons(VLAN, PortId(3))
            .collect::<Vec<_>>(),
        [RouterPortReason::RouterAdvertisement]
    );
    lan.run_for(secs(31));
    assert!(lan.switch.router_ports(VLAN).is_empty());
}
