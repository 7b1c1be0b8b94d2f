//! Target for the DVMRP router of `mcast-dvmrp` (`router::Router`), driven by arbitrary
//! sequences of packets from a few neighbors (Probes, Reports, Prunes, Grafts, Graft Acks and
//! Ask Neighbors 2 built by the codec, and raw bytes), data arrivals, memberships, interfaces coming and going,
//! and clock advances.
//!
//! After every step the checks hold: nothing panicked; `handle_timeout(now)` left no deadline at
//! or before `now`; the neighbor, route, cache and membership limits hold; every transmitted
//! message parses, checksum verified, with the crate's codec, comes from the router's address
//! on its interface and fits the interface MTU; and a forwarding plane built from the events
//! alone holds exactly what the router answers.

use core::time::Duration;
use std::collections::BTreeMap;
use std::net::Ipv4Addr;

use arbitrary::{Arbitrary, Unstructured};
use mcast_dvmrp::router::{
    Forwarding, InterfaceConfig, InterfaceId, Limits, Router, RouterConfig, RouterEvent,
    SourceNetwork,
};
use mcast_dvmrp::wire::{
    ALL_DVMRP_ROUTERS, Body, Capabilities, ChecksumPolicy, Graft, Header, Message, Metric, Probe,
    Prune, ReportBuilder, Route, Version,
};

/// An index into a pool.
#[derive(Debug, Clone, Copy, Arbitrary)]
struct Pick(u8);

impl Pick {
    fn of<A: Copy>(self, pool: &[A]) -> A {
        pool[usize::from(self.0) % pool.len()]
    }
}

/// The interfaces a scenario uses: 10.0.i.1/24 for i in 1..=3.
const INTERFACES: [u32; 3] = [1, 2, 3];

fn our_address(interface: u32) -> Ipv4Addr {
    Ipv4Addr::new(10, 0, interface as u8, 1)
}

/// Neighbor addresses on an interface's subnet, and two that are not neighbors at all.
fn neighbor(interface: u32, pick: Pick) -> Ipv4Addr {
    match pick.0 % 6 {
        4 => our_address(interface),
        5 => Ipv4Addr::new(224, 0, 0, 4),
        n => Ipv4Addr::new(10, 0, interface as u8, 2 + n),
    }
}

/// Source networks: remote ones, the interfaces' own, the default route and martians.
const SOURCES: [(Ipv4Addr, u8); 9] = [
    (Ipv4Addr::new(192, 168, 0, 0), 24),
    (Ipv4Addr::new(192, 168, 1, 0), 24),
    (Ipv4Addr::new(192, 168, 0, 0), 16),
    (Ipv4Addr::new(172, 16, 0, 0), 12),
    (Ipv4Addr::new(10, 0, 1, 0), 24),
    (Ipv4Addr::new(10, 0, 2, 0), 24),
    (Ipv4Addr::UNSPECIFIED, 0),
    (Ipv4Addr::new(127, 0, 0, 0), 8),
    (Ipv4Addr::new(224, 0, 0, 0), 8),
];

/// Hosts sending data: in the source networks, and nowhere.
const HOSTS: [Ipv4Addr; 6] = [
    Ipv4Addr::new(192, 168, 0, 7),
    Ipv4Addr::new(192, 168, 1, 7),
    Ipv4Addr::new(192, 168, 9, 7),
    Ipv4Addr::new(172, 20, 0, 1),
    Ipv4Addr::new(10, 0, 1, 9),
    Ipv4Addr::new(8, 8, 8, 8),
];

/// Groups: two routable ones, a link-local one and a unicast address.
const GROUPS: [Ipv4Addr; 4] = [
    Ipv4Addr::new(239, 1, 1, 1),
    Ipv4Addr::new(239, 1, 1, 2),
    Ipv4Addr::new(224, 0, 0, 5),
    Ipv4Addr::new(10, 0, 0, 1),
];

/// A clock step.
#[derive(Debug, Arbitrary)]
enum Clock {
    /// Forward by some milliseconds.
    Advance(u32),
    /// To the next deadline.
    NextDeadline,
    /// Far ahead (up to years).
    Leap(u16),
}

/// One step of a scenario.
#[derive(Debug, Arbitrary)]
enum Step {
    Probe {
        interface: Pick,
        from: Pick,
        generation_id: u8,
        lists_us: bool,
        others: Vec<Pick>,
        capabilities: u8,
    },
    Report {
        interface: Pick,
        from: Pick,
        routes: Vec<(Pick, u8)>,
    },
    Prune {
        interface: Pick,
        from: Pick,
        source: Pick,
        group: Pick,
        lifetime: u32,
        netmask: bool,
    },
    Graft {
        interface: Pick,
        from: Pick,
        source: Pick,
        group: Pick,
        ack: bool,
    },
    Raw {
        interface: Pick,
        from: Pick,
        unicast: bool,
        bytes: Vec<u8>,
    },
    AskNeighbors {
        interface: Pick,
        from: Pick,
    },
    Data {
        interface: Pick,
        source: Pick,
        group: Pick,
    },
    Membership {
        interface: Pick,
        group: Pick,
        present: bool,
    },
    AddInterface {
        interface: Pick,
        metric: u8,
        mtu: u16,
    },
    RemoveInterface(Pick),
    Clock(Clock),
}

fn emit(capabilities: u8, body: Body<'_>) -> Vec<u8> {
    let message = Message {
        header: Header {
            reserved: 0,
            capabilities: Capabilities::from_bits_retain(capabilities),
            version: Version::VERSION_3,
        },
        body,
    };
    let mut bytes = vec![0; message.buffer_len()];
    let len = message.emit(&mut bytes).expect("a message the codec sizes");
    bytes.truncate(len);
    bytes
}

/// The DVMRP router under an arbitrary scenario (see the module documentation).
pub fn dvmrp_router(data: &[u8]) {
    let mut u = Unstructured::new(data);
    let Ok((generation_id, limits)) = <(u32, (u8, u8, u8, u8))>::arbitrary(&mut u) else {
        return;
    };
    let mut config = RouterConfig::new(generation_id);
    config.limits = Limits {
        max_neighbors: usize::from(limits.0 % 8),
        max_routes: usize::from(limits.1 % 12),
        max_cache_entries: usize::from(limits.2 % 6),
        max_memberships: usize::from(limits.3 % 6),
    };
    let limits = config.limits;
    let mut router = Router::<Duration>::new(config);
    let mut now = Duration::from_secs(1);
    let mut plane: BTreeMap<(SourceNetwork, Ipv4Addr), Forwarding> = BTreeMap::new();
    for id in [1, 2] {
        router
            .add_interface(
                now,
                InterfaceId(id),
                InterfaceConfig::new(our_address(id), 24),
            )
            .expect("a valid interface");
    }
    let trace = std::env::var_os("MCAST_FUZZ_TRACE").is_some();
    let mut steps = 0;
    while !u.is_empty() && steps < 256 {
        steps += 1;
        let Ok(step) = Step::arbitrary(&mut u) else {
            break;
        };
        if trace {
            eprintln!("{now:?}: {step:?}");
        }
        run(&mut router, now, &step);
        if let Step::Clock(clock) = &step {
            let step = match clock {
                Clock::Advance(ms) => Duration::from_millis(u64::from(*ms % 600_000)),
                Clock::NextDeadline => router
                    .poll_timeout()
                    .map_or(Duration::ZERO, |d| d.saturating_sub(now)),
                Clock::Leap(hours) => Duration::from_secs(u64::from(*hours) * 3600),
            };
            now = now.saturating_add(step);
            router.handle_timeout(now);
            if let Some(deadline) = router.poll_timeout() {
                assert!(
                    deadline > now,
                    "handle_timeout({now:?}) left a deadline at {deadline:?}"
                );
            }
        }
        check(&mut router, &limits, &mut plane);
    }
}

fn run(router: &mut Router<Duration>, now: Duration, step: &Step) {
    let interface = |p: &Pick| p.of(&INTERFACES);
    match step {
        Step::Probe {
            interface: i,
            from,
            generation_id,
            lists_us,
            others,
            capabilities,
        } => {
            let i = interface(i);
            let mut listed: Vec<[u8; 4]> =
                others.iter().map(|p| neighbor(i, *p).octets()).collect();
            if *lists_us {
                listed.push(our_address(i).octets());
            }
            let bytes = emit(
                *capabilities,
                Body::Probe(Probe {
                    generation_id: u32::from(*generation_id),
                    neighbors: &listed,
                }),
            );
            let from = neighbor(i, *from);
            router
                .handle_packet(now, InterfaceId(i), from, ALL_DVMRP_ROUTERS, &bytes)
                .expect("a Probe the codec built is accepted");
        }
        Step::Report {
            interface: i,
            from,
            routes,
        } => {
            let i = interface(i);
            let entries: Vec<Route> = routes
                .iter()
                .filter_map(|(p, m)| {
                    let (address, len) = p.of(&SOURCES);
                    Route::new(address, len, Metric::new(m % 64)?).ok()
                })
                .collect();
            let Ok(mut builder) = ReportBuilder::new(&entries, 1500) else {
                return;
            };
            let mut buffer = vec![0; 1500];
            let from = neighbor(i, *from);
            while let Ok(Some(len)) = builder.emit_next(&mut buffer) {
                router
                    .handle_packet(now, InterfaceId(i), from, ALL_DVMRP_ROUTERS, &buffer[..len])
                    .expect("a Report the codec built is accepted");
            }
        }
        Step::Prune {
            interface: i,
            from,
            source,
            group,
            lifetime,
            netmask,
        } => {
            let i = interface(i);
            let (address, len) = source.of(&SOURCES);
            let mask =
                SourceNetwork::new(address, len).map_or(Ipv4Addr::BROADCAST, |n| n.netmask());
            let bytes = emit(
                0,
                Body::Prune(Prune {
                    source: address,
                    group: group.of(&GROUPS),
                    lifetime_seconds: *lifetime,
                    netmask: netmask.then_some(mask),
                    trailing: &[],
                }),
            );
            router
                .handle_packet(
                    now,
                    InterfaceId(i),
                    neighbor(i, *from),
                    our_address(i),
                    &bytes,
                )
                .expect("a Prune the codec built is accepted");
        }
        Step::Graft {
            interface: i,
            from,
            source,
            group,
            ack,
        } => {
            let i = interface(i);
            let graft = Graft {
                source: source.of(&HOSTS),
                group: group.of(&GROUPS),
                netmask: None,
                trailing: &[],
            };
            let body = if *ack {
                Body::GraftAck(graft)
            } else {
                Body::Graft(graft)
            };
            router
                .handle_packet(
                    now,
                    InterfaceId(i),
                    neighbor(i, *from),
                    our_address(i),
                    &emit(0, body),
                )
                .expect("a Graft the codec built is accepted");
        }
        Step::Raw {
            interface: i,
            from,
            unicast,
            bytes,
        } => {
            let i = interface(i);
            let destination = if *unicast {
                our_address(i)
            } else {
                ALL_DVMRP_ROUTERS
            };
            let _ =
                router.handle_packet(now, InterfaceId(i), neighbor(i, *from), destination, bytes);
        }
        Step::AskNeighbors { interface: i, from } => {
            let i = interface(i);
            let bytes = emit(0, Body::AskNeighbors2 { trailing: &[] });
            router
                .handle_packet(
                    now,
                    InterfaceId(i),
                    neighbor(i, *from),
                    our_address(i),
                    &bytes,
                )
                .expect("an Ask Neighbors 2 the codec built is accepted");
        }
        Step::Data {
            interface: i,
            source,
            group,
        } => {
            let _ = router.handle_data(
                now,
                InterfaceId(interface(i)),
                source.of(&HOSTS),
                group.of(&GROUPS),
            );
        }
        Step::Membership {
            interface: i,
            group,
            present,
        } => router.set_membership(now, InterfaceId(interface(i)), group.of(&GROUPS), *present),
        Step::AddInterface {
            interface: i,
            metric,
            mtu,
        } => {
            let i = interface(i);
            let config = InterfaceConfig::new(our_address(i), 24)
                .with_metric(metric % 34)
                .with_mtu(u32::from(*mtu));
            let _ = router.add_interface(now, InterfaceId(i), config);
        }
        Step::RemoveInterface(i) => router.remove_interface(now, InterfaceId(interface(i))),
        Step::Clock(_) => {}
    }
}

fn check(
    router: &mut Router<Duration>,
    limits: &Limits,
    plane: &mut BTreeMap<(SourceNetwork, Ipv4Addr), Forwarding>,
) {
    assert!(router.neighbors().count() <= limits.max_neighbors);
    // Learned routes stay within the limit; the subnet of a removed interface is held down
    // beside them (one per interface).
    let learned = router
        .routes()
        .filter(|r| !matches!(r.upstream, mcast_dvmrp::router::Upstream::Local(_)))
        .count();
    assert!(
        learned <= limits.max_routes + INTERFACES.len(),
        "{learned} learned routes over {limits:?}"
    );
    assert!(router.cache_len() <= limits.max_cache_entries);
    assert!(router.membership_count() <= limits.max_memberships);
    while let Some(t) = router.poll_transmit() {
        let config = router
            .interface(t.interface)
            .expect("sent on an interface that exists");
        assert_eq!(t.source, config.address, "sent from another address");
        let message = Message::parse(&t.payload, ChecksumPolicy::Verify)
            .unwrap_or_else(|e| panic!("a transmitted message does not parse: {e}: {t:?}"));
        if matches!(message.body, Body::Report(_)) {
            assert!(
                t.payload.len() + 20 <= config.mtu as usize,
                "a {}-byte Report over an MTU of {}",
                t.payload.len(),
                config.mtu
            );
        }
    }
    while let Some(event) = router.poll_event() {
        match event {
            RouterEvent::ForwardingChanged(f) => {
                plane.insert((f.source, f.group), f);
            }
            RouterEvent::ForwardingDeleted { source, group } => {
                assert!(
                    plane.remove(&(source, group)).is_some(),
                    "deleted an entry never announced"
                );
            }
            _ => {}
        }
    }
    let state: Vec<Forwarding> = router.forwarding_entries().collect();
    let told: Vec<Forwarding> = plane.values().cloned().collect();
    assert_eq!(state, told, "the events and the state disagree");
    for host in HOSTS {
        for group in GROUPS {
            let answer = router.forwarding(host, group);
            let expected = (0..=32u8).rev().find_map(|len| {
                let key = SourceNetwork::new(host, len).ok()?;
                plane.get(&(key, group)).cloned()
            });
            assert_eq!(answer, expected, "forwarding({host}, {group})");
        }
    }
    let _ = router.stats();
}
