//! The target for the PIM-SM router of `mcast-pim` (`router::Router`), driven by arbitrary
//! sequences of packets (Hellos, Join/Prunes, Asserts, Registers, Register-Stops and raw bytes),
//! local membership, MRIB changes, data-plane signals, interface flaps and clock steps.
//!
//! After every step the checks hold: nothing panicked; `handle_timeout(now)` left no deadline
//! at or before `now`; the limits hold; every message sent on an interface parses, checksum
//! verified, and fits its MTU; the forwarding table rebuilt from the events is exactly the one
//! the router reports, and `forwarding()` answers as each entry says.

use std::collections::BTreeMap;
use std::net::Ipv4Addr;
use std::time::Duration;

use crate::rng::XorShift;
use arbitrary::{Arbitrary, Unstructured};
use mcast_addr::family::Ipv4;
use mcast_pim::router::{
    Event, InterfaceConfig, Limits, LocalMembership, MribRoute, Prefix, Route, Router,
    RouterConfig, SptSwitchover, StaticRp,
};
use mcast_pim::wire::{
    Assert, EncodedGroup, EncodedSource, GroupSetRepr, HelloOptionRepr, HelloRepr, Holdtime,
    JoinPruneRepr, LanPruneDelay, MessageRepr, PseudoHeader, RegisterRepr, RegisterStop,
};

/// The interfaces: (id, address, MTU).
const INTERFACES: [(u32, [u8; 4], usize); 3] = [
    (1, [10, 0, 1, 1], 1500),
    (2, [10, 0, 2, 1], 576),
    (3, [10, 0, 3, 1], 1500),
];

const LIMITS: Limits = Limits {
    max_neighbors_per_interface: 3,
    max_star_g: 4,
    max_sg: 12,
    max_downstream_per_interface: 16,
    low_water_percent: 75,
};

fn iface(p: u8) -> u32 {
    INTERFACES[usize::from(p) % INTERFACES.len()].0
}

/// Neighbors and this router's own addresses, so that packets meet the state.
fn peer(pick: u8) -> Ipv4Addr {
    let index = usize::from(pick) % 12;
    let (_, [x, y, z, _], _) = INTERFACES[index % 3];
    Ipv4Addr::new(x, y, z, [1, 2, 3, 4][index / 3])
}

fn group(p: u8) -> Ipv4Addr {
    [
        Ipv4Addr::new(239, 1, 1, 1),
        Ipv4Addr::new(239, 1, 1, 2),
        Ipv4Addr::new(232, 1, 1, 1),
        Ipv4Addr::new(224, 0, 0, 5),
        Ipv4Addr::new(10, 9, 9, 9),
        Ipv4Addr::new(239, 2, 2, 2),
    ][usize::from(p) % 6]
}

fn source(p: u8) -> Ipv4Addr {
    [
        Ipv4Addr::new(10, 0, 1, 50),
        Ipv4Addr::new(10, 8, 1, 1),
        Ipv4Addr::new(10, 8, 1, 2),
        Ipv4Addr::new(10, 9, 9, 9),
        Ipv4Addr::UNSPECIFIED,
        Ipv4Addr::new(10, 0, 3, 7),
    ][usize::from(p) % 6]
}

/// A group set of a fuzzed Join/Prune: group pick, joins and prunes as (kind, address pick).
type FuzzSet = (u8, Vec<(u8, u8)>, Vec<(u8, u8)>);

#[derive(Debug, Arbitrary)]
enum Op {
    Hello {
        iface: u8,
        from: u8,
        holdtime: u16,
        priority: Option<u32>,
        generation_id: Option<u32>,
        lan: Option<(bool, u16, u16)>,
        secondary: Vec<u8>,
    },
    JoinPrune {
        iface: u8,
        from: u8,
        upstream: u8,
        holdtime: u16,
        sets: Vec<FuzzSet>,
    },
    Assert {
        iface: u8,
        from: u8,
        group: u8,
        source: u8,
        rpt: bool,
        preference: u32,
        metric: u32,
    },
    Register {
        from: u8,
        to_rp: bool,
        null: bool,
        group: u8,
        source: u8,
    },
    RegisterStop {
        iface: u8,
        group: u8,
        source: u8,
    },
    Raw {
        iface: u8,
        from: u8,
        to_all: bool,
        bytes: Vec<u8>,
    },
    Membership {
        iface: u8,
        group: u8,
        mode: u8,
        sources: Vec<u8>,
    },
    Route {
        source: u8,
        len: u8,
        iface: u8,
        next_hop: u8,
        metric: u32,
    },
    RemoveRoute {
        source: u8,
        len: u8,
    },
    Data {
        iface: u8,
        source: u8,
        group: u8,
        packet: bool,
    },
    Advance {
        millis: u32,
    },
    Down {
        iface: u8,
    },
    Up {
        iface: u8,
    },
    Threshold {
        source: u8,
        group: u8,
    },
}

fn encoded(kind: u8, addr: Ipv4Addr) -> EncodedSource<Ipv4> {
    match kind % 4 {
        0 => EncodedSource::star_group(addr),
        1 => EncodedSource::source_group_rpt(addr),
        2 => EncodedSource::source_group(addr),
        _ => EncodedSource {
            address: addr,
            mask_length: kind,
            flags: mcast_pim::wire::SourceFlags(kind),
        },
    }
}

fn inner_packet(s: Ipv4Addr, g: Ipv4Addr) -> Vec<u8> {
    let mut p = vec![0u8; 28];
    p[0] = 0x45;
    p[2..4].copy_from_slice(&28u16.to_be_bytes());
    p[8] = 16;
    p[9] = 17;
    p[12..16].copy_from_slice(&s.octets());
    p[16..20].copy_from_slice(&g.octets());
    p
}

/// PIM-SM router under arbitrary inputs.
#[allow(clippy::many_single_char_names)]
pub fn pim_router(data: &[u8]) {
    let mut u = Unstructured::new(data);
    let Ok(spt) = u.int_in_range(0u8..=2) else {
        return;
    };
    let config = RouterConfig {
        static_rps: vec![StaticRp {
            groups: Prefix::new(Ipv4Addr::new(224, 0, 0, 0), 4),
            rp: Ipv4Addr::new(10, 9, 9, 9),
        }],
        local_addresses: if spt == 1 {
            vec![Ipv4Addr::new(10, 9, 9, 9)]
        } else {
            vec![]
        },
        spt_switchover: [
            SptSwitchover::Immediate,
            SptSwitchover::Never,
            SptSwitchover::Threshold,
        ][usize::from(spt)],
        limits: LIMITS,
        ..RouterConfig::default()
    };
    let mut now = Duration::from_secs(1);
    let mut router: Router<Ipv4, Duration, XorShift> = Router::new(config, XorShift(7));
    for (id, addr, mtu) in INTERFACES {
        let c = InterfaceConfig {
            mtu,
            ..InterfaceConfig::default()
        };
        router.add_interface(now, id, addr.into(), 24, c);
        router.interface_up(now, id);
    }
    router.add_route(
        now,
        Prefix::new(Ipv4Addr::new(10, 8, 0, 0), 16),
        MribRoute {
            interface: 2,
            next_hop: Some(Ipv4Addr::new(10, 0, 2, 2)),
            preference: 110,
            metric: 10,
        },
    );
    let mut plane = Plane::new();
    let all = Ipv4Addr::new(224, 0, 0, 13);
    for _ in 0..64 {
        let Ok(op) = Op::arbitrary(&mut u) else {
            break;
        };
        let send = |router: &mut Router<Ipv4, Duration, XorShift>,
                    now,
                    i,
                    from: Ipv4Addr,
                    to: Ipv4Addr,
                    m: MessageRepr<Ipv4>| {
            if let Ok(bytes) = m.to_bytes(&PseudoHeader::new(from, to)) {
                router.handle_packet(now, i, from, to, &bytes);
            }
        };
        match op {
            Op::Hello {
                iface: i,
                from,
                holdtime,
                priority,
                generation_id,
                lan,
                secondary,
            } => {
                let mut h = HelloRepr::<Ipv4>::new(Holdtime(holdtime), 1, 1);
                h.options
                    .retain(|o| matches!(o, HelloOptionRepr::Holdtime(_)));
                if let Some(p) = priority {
                    h = h.with(HelloOptionRepr::DrPriority(p));
                }
                if let Some(g) = generation_id {
                    h = h.with(HelloOptionRepr::GenerationId(g));
                }
                if let Some((t, d, o)) = lan {
                    h = h.with(HelloOptionRepr::LanPruneDelay(LanPruneDelay {
                        tracking_support: t,
                        propagation_delay_ms: d & 0x7FFF,
                        override_interval_ms: o,
                    }));
                }
                if !secondary.is_empty() {
                    h = h.with(HelloOptionRepr::AddressList(
                        secondary.iter().take(4).map(|p| peer(*p)).collect(),
                    ));
                }
                send(
                    &mut router,
                    now,
                    iface(i),
                    peer(from),
                    all,
                    MessageRepr::Hello(h),
                );
            }
            Op::JoinPrune {
                iface: i,
                from,
                upstream,
                holdtime,
                sets,
            } => {
                let mut jp = JoinPruneRepr::<Ipv4>::new(peer(upstream), Holdtime(holdtime));
                for (g, joins, prunes) in sets.into_iter().take(8) {
                    let mut set = GroupSetRepr::new(EncodedGroup::host(group(g)));
                    for (k, a) in joins.into_iter().take(8) {
                        let addr = if k % 4 == 0 { source(3) } else { source(a) };
                        set.joins.push(encoded(k, addr).into());
                    }
                    for (k, a) in prunes.into_iter().take(8) {
                        let addr = if k % 4 == 0 { source(3) } else { source(a) };
                        set.prunes.push(encoded(k, addr).into());
                    }
                    jp.groups.push(set);
                }
                send(
                    &mut router,
                    now,
                    iface(i),
                    peer(from),
                    all,
                    MessageRepr::JoinPrune(jp),
                );
            }
            Op::Assert {
                iface: i,
                from,
                group: g,
                source: s,
                rpt,
                preference,
                metric,
            } => {
                let a = Assert::<Ipv4> {
                    flag_bits: 0,
                    group: EncodedGroup::host(group(g)),
                    source: source(s),
                    rpt,
                    metric_preference: preference & 0x7FFF_FFFF,
                    metric,
                };
                send(
                    &mut router,
                    now,
                    iface(i),
                    peer(from),
                    all,
                    MessageRepr::Assert(a),
                );
            }
            Op::Register {
                from,
                to_rp,
                null,
                group: g,
                source: s,
            } => {
                let to = if to_rp {
                    Ipv4Addr::new(10, 9, 9, 9)
                } else {
                    peer(from.wrapping_add(1))
                };
                let reg = RegisterRepr {
                    flag_bits: 0,
                    border: false,
                    null_register: null,
                    reserved: 0,
                    inner: inner_packet(source(s), group(g)),
                    checksum_coverage: mcast_pim::wire::ChecksumCoverage::Standard,
                };
                send(
                    &mut router,
                    now,
                    2,
                    peer(from),
                    to,
                    MessageRepr::Register(reg),
                );
            }
            Op::RegisterStop {
                iface: i,
                group: g,
                source: s,
            } => {
                let to = INTERFACES[usize::from(i) % 3].1.into();
                let stop = RegisterStop::<Ipv4>::new(source(s), group(g));
                send(
                    &mut router,
                    now,
                    iface(i),
                    Ipv4Addr::new(10, 9, 9, 9),
                    to,
                    MessageRepr::RegisterStop(stop),
                );
            }
            Op::Raw {
                iface: i,
                from,
                to_all,
                bytes,
            } => {
                let to = if to_all {
                    all
                } else {
                    peer(from.wrapping_add(3))
                };
                router.handle_packet(now, iface(i), peer(from), to, &bytes);
            }
            Op::Membership {
                iface: i,
                group: g,
                mode,
                sources,
            } => {
                let list: Vec<Ipv4Addr> = sources.iter().take(6).map(|s| source(*s)).collect();
                let m = match mode % 3 {
                    0 => LocalMembership::None,
                    1 => LocalMembership::Include(list),
                    _ => LocalMembership::Exclude(list),
                };
                router.set_local_membership(now, iface(i), group(g), m);
            }
            Op::Route {
                source: s,
                len,
                iface: i,
                next_hop,
                metric,
            } => {
                router.add_route(
                    now,
                    Prefix::new(source(s), len % 33),
                    MribRoute {
                        interface: iface(i),
                        next_hop: Some(peer(next_hop)),
                        preference: 110,
                        metric,
                    },
                );
            }
            Op::RemoveRoute { source: s, len } => {
                router.remove_route(now, &Prefix::new(source(s), len % 33));
            }
            Op::Data {
                iface: i,
                source: s,
                group: g,
                packet,
            } => {
                let pkt = inner_packet(source(s), group(g));
                router.handle_data(
                    now,
                    iface(i),
                    source(s),
                    group(g),
                    packet.then_some(pkt.as_slice()),
                );
            }
            Op::Advance { millis } => {
                now += Duration::from_millis(u64::from(millis % 400_000));
                router.handle_timeout(now);
            }
            Op::Down { iface: i } => router.interface_down(now, iface(i)),
            Op::Up { iface: i } => router.interface_up(now, iface(i)),
            Op::Threshold {
                source: s,
                group: g,
            } => router.signal_spt_threshold(now, source(s), group(g)),
        }
        check(&mut router, now, &mut plane);
    }
}

/// The forwarding table rebuilt from the events.
type Plane = BTreeMap<(Ipv4Addr, Option<Ipv4Addr>), Route>;

fn check(router: &mut Router<Ipv4, Duration, XorShift>, now: Duration, plane: &mut Plane) {
    assert!(
        router.poll_timeout().is_none_or(|t| t > now),
        "a deadline at or before now was left: {:?} <= {now:?}",
        router.poll_timeout()
    );
    let (star, sg) = router.entry_counts();
    assert!(star <= LIMITS.max_star_g, "{star} (*,G) entries");
    assert!(sg <= LIMITS.max_sg, "{sg} (S,G) entries");
    for (id, _, _) in INTERFACES {
        assert!(router.neighbors(id).count() <= LIMITS.max_neighbors_per_interface);
    }
    while let Some(t) = router.poll_transmit() {
        let pim = t.parse();
        assert!(
            pim.is_ok(),
            "a transmitted message does not parse: {:?}",
            pim.err()
        );
        if let Some(i) = t.interface {
            let mtu = INTERFACES.iter().find(|x| x.0 == i).map_or(1500, |x| x.2);
            assert!(
                t.payload.len() + 20 <= mtu,
                "{} bytes over an MTU of {mtu}",
                t.payload.len()
            );
            assert_eq!(t.ttl, 1);
        }
    }
    while let Some(e) = router.poll_event() {
        match e {
            Event::RouteChanged {
                group,
                source,
                route,
            } => {
                plane.insert((group, source), route);
            }
            Event::RouteDeleted { group, source } => {
                assert!(
                    plane.remove(&(group, source)).is_some(),
                    "deleted an entry never announced"
                );
            }
            _ => {}
        }
    }
    let reported: BTreeMap<_, _> = router
        .routes()
        .map(|(g, s, r)| ((g, s), r.clone()))
        .collect();
    assert_eq!(&reported, plane, "the events and the table disagree");
    for ((g, s), r) in plane.iter() {
        if let (Some(s), Some(iif)) = (s, r.iif) {
            let expect: Vec<u32> = r.oifs.iter().copied().filter(|o| *o != iif).collect();
            assert_eq!(
                router.forwarding(*s, *g, iif),
                expect,
                "forwarding() disagrees with ({s},{g})"
            );
        }
    }
}
