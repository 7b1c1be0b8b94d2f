//! Target for the IGMP/MLD snooping switch of `mcast-igmp` (`snoop::Switch`), IPv4 and IPv6,
//! driven by arbitrary frames (group management messages built by the codec, PIM Hellos, MRD
//! and DVMRP messages, raw bytes of any protocol) on a few ports of two VLANs, port and
//! configuration changes, and clock advances.
//!
//! After every step the checks hold: nothing panicked; `handle_timeout(now)` left no deadline at
//! or before `now`; the table limits hold (snooped and flooded groups, tracked hosts per port);
//! no decision sends a frame back to its ingress port or to a port that is down; every query
//! the switch sends parses with the codec and goes to up ports of its VLAN; and the forwarding
//! table rebuilt from the events alone answers every (source, group, ingress) as `ports_for`.

use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;

use arbitrary::{Arbitrary, Unstructured};
use mcast_addr::checksum::Checksum;
use mcast_addr::family::{Ipv4, Ipv6};
use mcast_igmp::gmp::{GroupRecord, Message, Query, RecordType, Version, codec};
use mcast_igmp::snoop::{
    Frame, PIM_PROTOCOL, PortConfig, PortId, PortSet, SnoopConfig, SnoopEvent, SnoopFamily, Switch,
    Unregistered, VlanId,
};
use mcast_igmp::wire::RouterDiscoveryBuilder;

use crate::gmp_sm::Pools;

/// An index into a pool.
#[derive(Debug, Clone, Copy, Arbitrary)]
pub(crate) struct Pick(pub(crate) u8);

impl Pick {
    pub(crate) fn of<A: Copy>(self, pool: &[A]) -> A {
        pool[usize::from(self.0) % pool.len()]
    }
}

pub(crate) fn version(v: u8) -> Version {
    match v % 3 {
        0 => Version::V1,
        1 => Version::V2,
        _ => Version::V3,
    }
}

/// A group management message over the pools.
#[derive(Debug, Arbitrary)]
pub(crate) enum MessageSpec {
    Query {
        version: u8,
        group: Option<Pick>,
        max_response_ms: u16,
        suppress: bool,
        sources: Vec<Pick>,
    },
    Report {
        version: u8,
        group: Pick,
    },
    Leave {
        group: Pick,
    },
    ReportV3(Vec<(u8, Pick, Vec<Pick>)>),
}

impl MessageSpec {
    pub(crate) fn message<F: Pools>(&self) -> Message<F::Addr> {
        let (groups, sources) = (F::groups(), F::sources());
        let sources_of = |picks: &[Pick]| picks.iter().map(|p| p.of(&sources)).collect();
        match self {
            Self::Query {
                version: v,
                group,
                max_response_ms,
                suppress,
                sources: picked,
            } => Message::Query(Query {
                version: version(*v),
                group: group.map_or(F::UNSPECIFIED, |g| g.of(&groups)),
                max_response_time: Duration::from_millis(u64::from(*max_response_ms)),
                suppress_router_side_processing: *suppress,
                robustness: 2,
                query_interval: Duration::from_secs(125),
                sources: if group.is_some() {
                    sources_of(picked)
                } else {
                    Vec::new()
                },
            }),
            Self::Report { version: v, group } => Message::Report {
                version: version(*v),
                group: group.of(&groups),
            },
            Self::Leave { group } => Message::Leave {
                group: group.of(&groups),
            },
            Self::ReportV3(records) => Message::ReportV3(
                records
                    .iter()
                    .take(8)
                    .map(|(t, g, s)| GroupRecord {
                        record_type: RecordType::from(t % 8),
                        group: g.of(&groups),
                        sources: sources_of(s),
                    })
                    .collect(),
            ),
        }
    }
}

/// A frame for the switch.
#[derive(Debug, Arbitrary)]
enum FrameSpec {
    /// A group management message, built by the codec.
    Message(Pick, MessageSpec),
    /// A PIM Hello with an optional Holdtime, checksum right or wrong.
    PimHello(Pick, Option<u16>, bool),
    /// A Multicast Router Advertisement (interval), Solicitation or Termination.
    RouterDiscovery(Pick, u8, u8),
    /// A DVMRP Probe.
    DvmrpProbe(Pick),
    /// Any bytes, of protocol IGMP/ICMPv6, PIM, UDP, to any pool address.
    Raw(Pick, Pick, u8, Vec<u8>),
}

/// A clock step.
#[derive(Debug, Arbitrary)]
enum Clock {
    Advance(u32),
    NextDeadline,
    Leap(u16),
}

#[derive(Debug, Arbitrary)]
enum Step {
    Frame(u8, u8, FrameSpec),
    Clock(Clock),
    PortUp(u8, u8, bool),
    ConfigurePort(u8, u8, u8),
    RemovePort(u8, u8),
    AddPort(u8, u8),
}

const VLANS: [VlanId; 2] = [VlanId(1), VlanId(2)];
const PORTS: [PortId; 5] = [PortId(1), PortId(2), PortId(3), PortId(4), PortId(5)];

/// The forwarding table a consumer of the events keeps.
struct Table<A> {
    router_ports: BTreeMap<VlanId, PortSet>,
    groups: BTreeMap<(VlanId, A), PortSet>,
    sources: BTreeMap<(VlanId, A, A), PortSet>,
    flooding: BTreeSet<(VlanId, A)>,
}

impl<A: Ord + Copy> Table<A> {
    fn apply(&mut self, event: SnoopEvent<A>) {
        match event {
            SnoopEvent::RouterPorts { vlan, ports } => {
                self.router_ports.insert(vlan, ports);
            }
            SnoopEvent::Group { vlan, group, ports } => {
                if let Some(ports) = ports {
                    self.groups.insert((vlan, group), ports);
                } else {
                    self.groups.remove(&(vlan, group));
                    self.sources
                        .retain(|(v, g, _), _| (*v, *g) != (vlan, group));
                }
            }
            SnoopEvent::Source {
                vlan,
                group,
                source,
                ports,
            } => {
                if let Some(ports) = ports {
                    self.sources.insert((vlan, group, source), ports);
                } else {
                    self.sources.remove(&(vlan, group, source));
                }
            }
            SnoopEvent::Flooding {
                vlan,
                group,
                flooding,
            } => {
                if flooding {
                    self.flooding.insert((vlan, group));
                } else {
                    self.flooding.remove(&(vlan, group));
                }
            }
            SnoopEvent::QuerierChanged { .. } => {}
        }
    }
}

fn pim_hello<F: SnoopFamily>(
    source: F::Addr,
    destination: F::Addr,
    holdtime: Option<u16>,
    good: bool,
) -> Vec<u8> {
    let mut msg = vec![0x20, 0, 0, 0];
    if let Some(h) = holdtime {
        msg.extend_from_slice(&[0, 1, 0, 2]);
        msg.extend_from_slice(&h.to_be_bytes());
    }
    let mut c = Checksum::new();
    if F::ADDR_LEN == 16 {
        let (Ok(s), Ok(d)) = (
            <[u8; 16]>::try_from(F::to_octets(source).as_ref()),
            <[u8; 16]>::try_from(F::to_octets(destination).as_ref()),
        ) else {
            return msg;
        };
        c.add_ipv6_pseudo_header(s.into(), d.into(), msg.len() as u32, PIM_PROTOCOL);
    }
    c.add_bytes(&msg);
    let sum = c.checksum() ^ u16::from(!good);
    msg[2..4].copy_from_slice(&sum.to_be_bytes());
    msg
}

/// The IGMP/MLD snooping switch (`snoop::Switch`) under an arbitrary scenario, IPv4 or IPv6. See
/// the module documentation for the checks.
pub fn igmp_snoop(data: &[u8]) {
    let mut u = Unstructured::new(data);
    match bool::arbitrary(&mut u) {
        Ok(false) => switch::<Ipv4>(u),
        Ok(true) => switch::<Ipv6>(u),
        Err(_) => {}
    }
}

/// A frame to hand over: source, destination, protocol, payload.
type Built<A> = (A, A, u8, Vec<u8>);

#[allow(clippy::too_many_lines, clippy::many_single_char_names)]
fn switch<F: Pools + SnoopFamily>(mut u: Unstructured<'_>) {
    let Ok((max_groups, low, flooded, hosts, router_ports_only, querier)) =
        <(u8, u8, u8, u8, bool, bool)>::arbitrary(&mut u)
    else {
        return;
    };
    let (groups, sources) = (F::groups(), F::sources());
    let mut config = SnoopConfig::<F>::new(sources[2]);
    config.max_groups = usize::from(max_groups % 6);
    config.groups_low_water = usize::from(low) % (config.max_groups + 1);
    config.max_flooded_groups = usize::from(flooded % 4);
    config.max_hosts_per_port = usize::from(hosts % 4);
    config.membership.limits.max_sources_per_group = 3;
    config.membership.limits.max_sources = 8;
    if router_ports_only {
        config.unregistered = Unregistered::RouterPorts;
    }
    let limits = (
        config.max_groups,
        config.max_flooded_groups,
        config.max_hosts_per_port,
    );
    let mut now = Duration::from_secs(1);
    let mut switch = Switch::<F, Duration>::new(config);
    switch.add_vlan(now, VLANS[0], querier);
    switch.add_vlan(now, VLANS[1], !querier);
    for port in &PORTS[..4] {
        switch.add_port(now, VLANS[0], *port, PortConfig::default());
    }
    for port in &PORTS[2..] {
        switch.add_port(now, VLANS[1], *port, PortConfig::default());
    }
    // Which ports are in which VLAN and up, as the scenario set them.
    let mut up: BTreeMap<(VlanId, PortId), bool> = BTreeMap::new();
    for port in &PORTS[..4] {
        up.insert((VLANS[0], *port), true);
    }
    for port in &PORTS[2..] {
        up.insert((VLANS[1], *port), true);
    }
    let mut table = Table {
        router_ports: BTreeMap::new(),
        groups: BTreeMap::new(),
        sources: BTreeMap::new(),
        flooding: BTreeSet::new(),
    };
    let trace = std::env::var_os("MCAST_FUZZ_TRACE").is_some();
    let mut steps = 0;
    while !u.is_empty() && steps < 128 {
        steps += 1;
        let Ok(step) = Step::arbitrary(&mut u) else {
            break;
        };
        if trace {
            eprintln!("{now:?}: {step:?}");
        }
        match step {
            Step::Frame(v, p, spec) => {
                let vlan = VLANS[usize::from(v) % 2];
                let port = PORTS[usize::from(p) % PORTS.len()];
                let frames: Vec<Built<F::Addr>> = match &spec {
                    FrameSpec::Message(from, m) => {
                        let message = m.message::<F>();
                        let source = from.of(&sources);
                        let destination = match &message {
                            Message::Query(q) if q.group != F::UNSPECIFIED => q.group,
                            Message::Query(_) => F::ALL_SYSTEMS,
                            Message::Report { group, .. } => *group,
                            Message::Leave { .. } => F::ALL_ROUTERS,
                            Message::ReportV3(_) => F::ALL_V3_ROUTERS,
                        };
                        codec::encode::<F>(&message, source, destination, 1500)
                            .unwrap_or_default()
                            .into_iter()
                            .map(|b| (source, destination, F::GMP_PROTOCOL, b))
                            .collect()
                    }
                    FrameSpec::PimHello(from, holdtime, good) => {
                        let source = from.of(&sources);
                        let destination = groups[3];
                        vec![(
                            source,
                            destination,
                            PIM_PROTOCOL,
                            pim_hello::<F>(source, destination, *holdtime, *good),
                        )]
                    }
                    FrameSpec::RouterDiscovery(from, kind, interval) => {
                        let builder = match kind % 3 {
                            0 => RouterDiscoveryBuilder::Advertisement {
                                advertisement_interval: *interval,
                                query_interval: 125,
                                robustness_variable: 2,
                            },
                            1 => RouterDiscoveryBuilder::Solicitation,
                            _ => RouterDiscoveryBuilder::Termination,
                        };
                        let source = from.of(&sources);
                        let destination = builder.destination::<F>();
                        let mut buf = vec![0; builder.buffer_len()];
                        builder.emit::<F>(&mut buf, source, destination).unwrap();
                        vec![(source, destination, F::GMP_PROTOCOL, buf)]
                    }
                    FrameSpec::DvmrpProbe(from) => {
                        let mut msg = vec![0x13, 1, 0, 0, 0, 0, 0x0e, 0x03, 0, 0, 0, 7];
                        let sum = mcast_addr::checksum::checksum(&msg);
                        msg[2..4].copy_from_slice(&sum.to_be_bytes());
                        vec![(from.of(&sources), groups[3], 2, msg)]
                    }
                    FrameSpec::Raw(from, to, protocol, bytes) => {
                        let protocol = [F::GMP_PROTOCOL, PIM_PROTOCOL, 17, *protocol]
                            [usize::from(*protocol) % 4];
                        vec![(from.of(&sources), to.of(&groups), protocol, bytes.clone())]
                    }
                };
                for (source, destination, protocol, payload) in frames {
                    let frame = Frame {
                        source,
                        destination,
                        protocol,
                        payload: &payload,
                    };
                    let out = switch.handle_frame(now, vlan, port, &frame);
                    assert!(!out.contains(port), "a frame sent back to its ingress port");
                    for egress in out.iter() {
                        assert_eq!(
                            up.get(&(vlan, egress)),
                            Some(&true),
                            "{egress:?} is down or not in {vlan:?}"
                        );
                    }
                }
            }
            Step::Clock(clock) => {
                now = now.saturating_add(match clock {
                    Clock::Advance(ms) => Duration::from_millis(u64::from(ms % 600_000)),
                    Clock::NextDeadline => switch
                        .poll_timeout()
                        .map_or(Duration::ZERO, |d| d.saturating_sub(now)),
                    Clock::Leap(h) => Duration::from_secs(u64::from(h) * 3600),
                });
                switch.handle_timeout(now);
                if let Some(deadline) = switch.poll_timeout() {
                    assert!(
                        deadline > now,
                        "handle_timeout({now:?}) left a deadline at {deadline:?}"
                    );
                }
            }
            Step::PortUp(v, p, state) => {
                let key = (
                    VLANS[usize::from(v) % 2],
                    PORTS[usize::from(p) % PORTS.len()],
                );
                switch.set_port_up(now, key.0, key.1, state);
                if let Some(s) = up.get_mut(&key) {
                    *s = state;
                }
            }
            Step::ConfigurePort(v, p, bits) => {
                let config = PortConfig {
                    static_router_port: bits & 1 != 0,
                    fast_leave: bits & 2 != 0,
                    flood_unregistered: bits & 4 != 0,
                };
                switch.configure_port(
                    VLANS[usize::from(v) % 2],
                    PORTS[usize::from(p) % PORTS.len()],
                    config,
                );
            }
            Step::RemovePort(v, p) => {
                let key = (
                    VLANS[usize::from(v) % 2],
                    PORTS[usize::from(p) % PORTS.len()],
                );
                switch.remove_port(now, key.0, key.1);
                up.remove(&key);
            }
            Step::AddPort(v, p) => {
                let key = (
                    VLANS[usize::from(v) % 2],
                    PORTS[usize::from(p) % PORTS.len()],
                );
                switch.add_port(now, key.0, key.1, PortConfig::default());
                up.entry(key).or_insert(true);
            }
        }
        // Limits.
        assert!(
            switch.snooped_groups() <= limits.0,
            "snooped groups over the limit"
        );
        assert!(
            switch.flooded_groups() <= limits.1,
            "flooded groups over the limit"
        );
        for (vlan, port) in up.keys() {
            let tracked: usize = groups
                .iter()
                .map(|g| switch.tracked_hosts(*vlan, *port, *g).count())
                .sum();
            assert!(tracked <= limits.2, "{tracked} hosts tracked on {port:?}");
        }
        // Queries sent: parse, go to up ports of their VLAN.
        while let Some(t) = switch.poll_transmit() {
            let message = t
                .transmit
                .message()
                .unwrap_or_else(|e| panic!("a query of the switch does not parse: {e}"));
            assert!(matches!(message, Message::Query(_)));
            for port in t.ports.iter() {
                assert_eq!(up.get(&(t.vlan, port)), Some(&true));
            }
        }
        while let Some(event) = switch.poll_event() {
            table.apply(event);
        }
        // The events' table agrees with ports_for.
        for vlan in VLANS {
            for ingress in PORTS {
                let ingress = Some(ingress);
                let all = switch.ports_for(vlan, sources[0], F::ALL_SYSTEMS, ingress);
                for &group in &groups[..3] {
                    if F::is_flooded_group(&group) {
                        continue;
                    }
                    for &source in &sources {
                        let expected = switch.ports_for(vlan, source, group, ingress);
                        assert!(ingress.is_none_or(|i| !expected.contains(i)));
                        let mut got = if table.flooding.contains(&(vlan, group)) {
                            all.clone()
                        } else if let Some(ports) = table.groups.get(&(vlan, group)) {
                            let mut set = table
                                .sources
                                .get(&(vlan, group, source))
                                .unwrap_or(ports)
                                .clone();
                            if let Some(routers) = table.router_ports.get(&vlan) {
                                set.extend_from(routers);
                            }
                            set
                        } else {
                            // No entry: the switch has none either.
                            assert!(
                                switch.member_ports(vlan, group).is_empty()
                                    && !switch.is_flooding(vlan, group),
                                "the events deleted an entry the switch keeps: {group} in {vlan:?}"
                            );
                            continue;
                        };
                        if let Some(ingress) = ingress {
                            got.remove(ingress);
                        }
                        assert_eq!(
                            got, expected,
                            "events and ports_for disagree on ({source}, {group}) in {vlan:?} from {ingress:?}"
                        );
                    }
                }
            }
        }
    }
}
