//! Targets for the IGMP/MLD state machines of `mcast-igmp`: the router (`router::Router`) and the
//! host (`host::Host`), IPv4 and IPv6, driven by arbitrary sequences of packets, commands and
//! clock advances.
//!
//! After every step the checks hold: nothing panicked; `handle_timeout(now)` left no deadline at
//! or before `now`; the configured limits hold; every transmitted message fits the MTU and
//! parses, checksum verified, as a group management message.

use core::time::Duration;

use crate::rng::XorShift;
use arbitrary::{Arbitrary, Unstructured};
use mcast_addr::family::{Ipv4, Ipv6};
use mcast_igmp::gmp::{
    FilterMode, Gmp, GroupRecord, HostConfig, Limits, Message, Query, RouterConfig, Transmit,
    Version, codec,
};
use mcast_igmp::host::{FilterError, Host, SocketId};
use mcast_igmp::router::Router;
use mcast_igmp::wire::RecordType;

use crate::gmp::Gmp as Family;

/// The addresses a scenario uses: few, so that the fuzzer's packets and commands meet.
pub trait Pools: Gmp + Family {
    /// Group addresses (multicast ones, an SSM one, a link-local one, and one that is not
    /// multicast at all).
    fn groups() -> [Self::Addr; 6];
    /// Source addresses (neighbours on the link, and the unspecified address).
    fn sources() -> [Self::Addr; 6];
}

impl Pools for Ipv4 {
    fn groups() -> [Self::Addr; 6] {
        [
            [239, 1, 1, 1].into(),
            [239, 1, 1, 2].into(),
            [232, 1, 1, 1].into(),
            [224, 0, 0, 1].into(),
            [224, 0, 0, 251].into(),
            [10, 0, 0, 1].into(),
        ]
    }
    fn sources() -> [Self::Addr; 6] {
        [
            [192, 0, 2, 1].into(),
            [192, 0, 2, 2].into(),
            [192, 0, 2, 3].into(),
            [198, 51, 100, 1].into(),
            [198, 51, 100, 2].into(),
            [0, 0, 0, 0].into(),
        ]
    }
}

impl Pools for Ipv6 {
    fn groups() -> [Self::Addr; 6] {
        [
            "ff3e::8000:1".parse().unwrap(),
            "ff3e::8000:2".parse().unwrap(),
            "ff05::1:3".parse().unwrap(),
            "ff02::1".parse().unwrap(),
            "ff02::fb".parse().unwrap(),
            "2001:db8::1".parse().unwrap(),
        ]
    }
    fn sources() -> [Self::Addr; 6] {
        [
            "fe80::1".parse().unwrap(),
            "fe80::2".parse().unwrap(),
            "fe80::3".parse().unwrap(),
            "2001:db8::10".parse().unwrap(),
            "2001:db8::11".parse().unwrap(),
            "::".parse().unwrap(),
        ]
    }
}

/// An index into a pool.
#[derive(Debug, Clone, Copy, Arbitrary)]
struct Pick(u8);

impl Pick {
    fn of<A: Copy>(self, pool: &[A]) -> A {
        pool[usize::from(self.0) % pool.len()]
    }
}

fn version(v: u8) -> Version {
    match v % 3 {
        0 => Version::V1,
        1 => Version::V2,
        _ => Version::V3,
    }
}

fn record_type(t: u8) -> RecordType {
    RecordType::from(t % 8)
}

/// A group management message to deliver, from arbitrary values over the pools.
#[derive(Debug, Arbitrary)]
enum MessageSpec {
    Query {
        version: u8,
        group: Option<Pick>,
        max_response_ms: u32,
        suppress: bool,
        robustness: u8,
        query_interval_s: u16,
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
    fn message<F: Pools>(&self) -> Message<F::Addr> {
        let (groups, sources) = (F::groups(), F::sources());
        let sources_of = |picks: &[Pick]| picks.iter().map(|p| p.of(&sources)).collect();
        match self {
            Self::Query {
                version: v,
                group,
                max_response_ms,
                suppress,
                robustness,
                query_interval_s,
                sources: picked,
            } => Message::Query(Query {
                version: version(*v),
                group: group.map_or(F::UNSPECIFIED, |g| g.of(&groups)),
                max_response_time: Duration::from_millis(u64::from(*max_response_ms % 4_000_000)),
                suppress_router_side_processing: *suppress,
                robustness: *robustness,
                query_interval: Duration::from_secs(u64::from(*query_interval_s)),
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
                    .map(|(t, g, s)| GroupRecord {
                        record_type: record_type(*t),
                        group: g.of(&groups),
                        sources: sources_of(s),
                    })
                    .collect(),
            ),
        }
    }
}

/// How a message reaches the state machine.
#[derive(Debug, Arbitrary)]
enum Delivery {
    /// Decoded already: `handle_message`.
    Message(Pick, MessageSpec),
    /// Encoded by the codec and parsed by the state machine: `handle_packet`.
    Packet(Pick, bool, MessageSpec),
    /// Any bytes.
    Raw(Pick, Vec<u8>),
}

/// A clock step.
#[derive(Debug, Arbitrary)]
enum Clock {
    /// Forward by some milliseconds, then `handle_timeout`.
    Advance(u32),
    /// To the next deadline, then `handle_timeout`.
    NextDeadline,
    /// Far ahead (hours to centuries), then `handle_timeout`.
    Leap(u32),
}

impl Clock {
    fn next(&self, now: Duration, deadline: Option<Duration>) -> Duration {
        let step = match self {
            Self::Advance(ms) => Duration::from_millis(u64::from(*ms % 600_000)),
            Self::NextDeadline => deadline.map_or(Duration::ZERO, |d| d.saturating_sub(now)),
            Self::Leap(s) => Duration::from_secs(u64::from(*s) * 3600),
        };
        now.saturating_add(step)
    }
}

/// Small limits, so that a short input reaches them.
fn limits(l: (u8, u8, u8)) -> Limits {
    Limits {
        max_groups: usize::from(l.0 % 6),
        max_sources_per_group: usize::from(l.1 % 6),
        max_sources: usize::from(l.2 % 10),
    }
}

/// Every transmitted message fits the MTU and parses, checksum verified, as a group management
/// message sent from the configured address.
fn check_transmit<F: Pools>(t: &Transmit<F>, address: F::Addr, mtu: usize) {
    assert_eq!(t.source, address, "sent from another address");
    // Below the smallest source-filtering message, the MTU cannot be kept; a message of the
    // old versions is smaller still.
    let smallest = F::ENVELOPE_LEN + F::QUERY_V3_MIN_LEN.max(8 + 4 + F::ADDR_LEN);
    assert!(
        t.payload.len() + F::ENVELOPE_LEN <= mtu.max(smallest),
        "a {}-byte message over an MTU of {mtu}",
        t.payload.len()
    );
    let message = t
        .message()
        .unwrap_or_else(|e| panic!("a transmitted message does not parse: {e}: {t:?}"));
    let decoded = codec::decode::<F>(&t.payload, t.source, t.destination);
    assert_eq!(decoded, Ok(Some(message)));
}

/// One step of a router scenario.
#[derive(Debug, Arbitrary)]
enum RouterStep {
    Deliver(Delivery),
    Clock(Clock),
    Enable,
    Disable,
    Configure {
        version: u8,
        robustness: u8,
        query_interval_s: u16,
        query_response_interval_ms: u32,
        last_member_query_interval_ms: u16,
        limits: (u8, u8, u8),
        mtu: u16,
    },
}

/// The IGMP/MLD router (`Router`) under an arbitrary scenario, IPv4 or IPv6: packets (decoded,
/// encoded by the codec, or raw bytes) from a few neighbours about a few groups and sources,
/// clock advances, enable/disable and reconfiguration. After every step: no deadline at or
/// before `now` once `handle_timeout(now)` ran; at most `max_groups` groups, `max_sources`
/// sources, `max_sources_per_group` per group; every transmitted message parses and fits the
/// MTU; `poll_timeout` never goes back in time without an input.
pub fn gmp_router(data: &[u8]) {
    let mut u = Unstructured::new(data);
    match bool::arbitrary(&mut u) {
        Ok(false) => router::<Ipv4>(u),
        Ok(true) => router::<Ipv6>(u),
        Err(_) => {}
    }
}

fn router<F: Pools>(mut u: Unstructured<'_>) {
    let Ok(initial_limits) = <(u8, u8, u8)>::arbitrary(&mut u) else {
        return;
    };
    let address = F::sources()[0];
    let mut config = RouterConfig::<F>::new(address);
    config.limits = limits(initial_limits);
    let mut router = Router::<F, Duration>::new(config);
    let mut now = Duration::from_secs(1);
    router.enable(now);
    let mut steps = 0;
    let trace = std::env::var_os("MCAST_FUZZ_TRACE").is_some();
    // Groups, sources, and sources per group after the previous step.
    let mut counts: (usize, usize, Vec<(F::Addr, usize)>) = (0, 0, Vec::new());
    while !u.is_empty() && steps < 256 {
        steps += 1;
        let Ok(step) = RouterStep::arbitrary(&mut u) else {
            break;
        };
        if trace {
            eprintln!("{now:?}: {step:?}");
        }
        match step {
            RouterStep::Deliver(delivery) => deliver_to_router(&mut router, now, &delivery),
            RouterStep::Clock(clock) => {
                now = clock.next(now, router.poll_timeout());
                router.handle_timeout(now);
                if let Some(deadline) = router.poll_timeout() {
                    assert!(
                        deadline > now,
                        "handle_timeout({now:?}) left a deadline at {deadline:?}"
                    );
                }
            }
            RouterStep::Enable => router.enable(now),
            RouterStep::Disable => router.disable(),
            RouterStep::Configure {
                version: v,
                robustness,
                query_interval_s,
                query_response_interval_ms,
                last_member_query_interval_ms,
                limits: l,
                mtu,
            } => {
                let mut config = router.config().clone();
                config.version = version(v);
                config.robustness = robustness;
                config.query_interval = Duration::from_secs(u64::from(query_interval_s));
                config.query_response_interval =
                    Duration::from_millis(u64::from(query_response_interval_ms % 4_000_000));
                config.last_member_query_interval =
                    Duration::from_millis(u64::from(last_member_query_interval_ms));
                config.limits = limits(l);
                config.mtu = usize::from(mtu);
                router.configure(config);
            }
        }
        // The limits hold after every step. Lowering them keeps what is there (nothing is
        // evicted), but nothing grows while over them.
        let l = router.config().limits;
        let groups: Vec<F::Addr> = router.groups().collect();
        let group_count = groups.len();
        assert!(
            group_count <= l.max_groups.max(counts.0),
            "{group_count} groups over {l:?}"
        );
        assert!(
            router.source_count() <= l.max_sources.max(counts.1),
            "{} sources over {l:?}",
            router.source_count()
        );
        let mut per_group = Vec::new();
        for group in groups {
            let n = router.sources(group).count();
            let before = counts
                .2
                .iter()
                .find(|(g, _)| *g == group)
                .map_or(0, |(_, n)| *n);
            assert!(
                n <= l.max_sources_per_group.max(before),
                "{n} sources of {group} over {l:?}"
            );
            per_group.push((group, n));
            let _ = (router.filter_mode(group), router.compatibility_mode(group));
        }
        counts = (group_count, router.source_count(), per_group);
        let (address, mtu) = (router.config().address, router.config().mtu);
        while let Some(t) = router.poll_transmit() {
            check_transmit(&t, address, mtu);
        }
        while router.poll_event().is_some() {}
        let _ = (router.is_querier(), router.querier(), router.stats());
    }
}

fn deliver_to_router<F: Pools>(router: &mut Router<F, Duration>, now: Duration, d: &Delivery) {
    let sources = F::sources();
    match d {
        Delivery::Message(from, spec) => {
            router.handle_message(now, from.of(&sources), &spec.message::<F>());
        }
        Delivery::Packet(from, to_group, spec) => {
            let message = spec.message::<F>();
            let source = from.of(&sources);
            let destination = if *to_group {
                F::groups()[0]
            } else {
                F::ALL_SYSTEMS
            };
            if let Ok(packets) = codec::encode::<F>(&message, source, destination, 1500) {
                for packet in packets {
                    router
                        .handle_packet(now, source, destination, &packet)
                        .expect("a packet the codec built is accepted");
                }
            }
        }
        Delivery::Raw(from, bytes) => {
            let _ = router.handle_packet(now, from.of(&sources), F::ALL_SYSTEMS, bytes);
        }
    }
}

/// One step of a host scenario.
#[derive(Debug, Arbitrary)]
enum HostStep {
    Deliver(Delivery),
    Clock(Clock),
    Join(Pick, Pick),
    Leave(Pick, Pick),
    JoinSource(Pick, Pick, Pick),
    LeaveSource(Pick, Pick, Pick),
    Block(Pick, Pick, Pick),
    Unblock(Pick, Pick, Pick),
    SetFilter(Pick, Pick, bool, Vec<Pick>),
    Enable,
    Disable,
    Configure {
        version: u8,
        robustness: u8,
        unsolicited_report_interval_ms: u32,
        max_sources_per_socket: u8,
        mtu: u16,
    },
}

/// The sockets a host scenario uses.
const SOCKETS: [SocketId; 3] = [SocketId(1), SocketId(2), SocketId(3)];

/// The IGMP/MLD host (`Host`) under an arbitrary scenario, IPv4 or IPv6: socket commands on a
/// few sockets, groups and sources (refused with the documented error when they break a rule),
/// queries and reports from the link (decoded, encoded by the codec, or raw), clock advances,
/// enable/disable and reconfiguration. After every step: no deadline at or before `now` once
/// `handle_timeout(now)` ran; no interface source list longer than every socket's limit put
/// together; every transmitted message parses and fits the MTU.
pub fn gmp_host(data: &[u8]) {
    let mut u = Unstructured::new(data);
    match bool::arbitrary(&mut u) {
        Ok(false) => host::<Ipv4>(u),
        Ok(true) => host::<Ipv6>(u),
        Err(_) => {}
    }
}

fn host<F: Pools>(mut u: Unstructured<'_>) {
    let Ok(seed) = u64::arbitrary(&mut u) else {
        return;
    };
    let mut rng = XorShift(seed | 1);
    let address = F::sources()[1];
    let mut host = Host::<F, Duration>::new(HostConfig::<F>::new(address));
    let mut now = Duration::from_secs(1);
    host.enable(now, &mut rng);
    let (groups, sources) = (F::groups(), F::sources());
    // The largest per-socket limit the scenario has had: lowering it keeps existing filters.
    let mut largest_limit = host.config().max_sources_per_socket;
    let mut steps = 0;
    let trace = std::env::var_os("MCAST_FUZZ_TRACE").is_some();
    while !u.is_empty() && steps < 256 {
        steps += 1;
        let Ok(step) = HostStep::arbitrary(&mut u) else {
            break;
        };
        if trace {
            eprintln!("{now:?}: {step:?}");
        }
        let max = host.config().max_sources_per_socket;
        let command = |socket: Pick, group: Pick| (socket.of(&SOCKETS), group.of(&groups));
        let result = match step {
            HostStep::Deliver(d) => {
                deliver_to_host(&mut host, now, &mut rng, &d);
                Ok(())
            }
            HostStep::Clock(clock) => {
                now = clock.next(now, host.poll_timeout());
                host.handle_timeout(now, &mut rng);
                if let Some(deadline) = host.poll_timeout() {
                    assert!(
                        deadline > now,
                        "handle_timeout({now:?}) left a deadline at {deadline:?}"
                    );
                }
                Ok(())
            }
            HostStep::Join(s, g) => {
                let (s, g) = command(s, g);
                host.join_group(now, &mut rng, s, g)
            }
            HostStep::Leave(s, g) => {
                let (s, g) = command(s, g);
                host.leave_group(now, &mut rng, s, g)
            }
            HostStep::JoinSource(s, g, x) => {
                let (s, g) = command(s, g);
                host.join_source_group(now, &mut rng, s, g, x.of(&sources))
            }
            HostStep::LeaveSource(s, g, x) => {
                let (s, g) = command(s, g);
                host.leave_source_group(now, &mut rng, s, g, x.of(&sources))
            }
            HostStep::Block(s, g, x) => {
                let (s, g) = command(s, g);
                host.block_source(now, &mut rng, s, g, x.of(&sources))
            }
            HostStep::Unblock(s, g, x) => {
                let (s, g) = command(s, g);
                host.unblock_source(now, &mut rng, s, g, x.of(&sources))
            }
            HostStep::SetFilter(s, g, include, picked) => {
                let (s, g) = command(s, g);
                let mode = if include {
                    FilterMode::Include
                } else {
                    FilterMode::Exclude
                };
                let list: Vec<F::Addr> = picked.iter().map(|p| p.of(&sources)).collect();
                let mut distinct = list.clone();
                distinct.sort();
                distinct.dedup();
                let result = host.set_filter(now, &mut rng, s, g, mode, list);
                if distinct.len() > max {
                    let expected = if F::is_multicast(&g) {
                        FilterError::TooManySources
                    } else {
                        FilterError::NotMulticast
                    };
                    assert_eq!(
                        result,
                        Err(expected),
                        "{} sources over {max}",
                        distinct.len()
                    );
                }
                result
            }
            HostStep::Enable => {
                host.enable(now, &mut rng);
                Ok(())
            }
            HostStep::Disable => {
                host.disable(now);
                Ok(())
            }
            HostStep::Configure {
                version: v,
                robustness,
                unsolicited_report_interval_ms,
                max_sources_per_socket,
                mtu,
            } => {
                let mut config = host.config().clone();
                config.version = version(v);
                config.robustness = robustness;
                config.unsolicited_report_interval =
                    Duration::from_millis(u64::from(unsolicited_report_interval_ms % 4_000_000));
                config.max_sources_per_socket = usize::from(max_sources_per_socket % 8);
                config.mtu = usize::from(mtu);
                host.configure(config);
                Ok(())
            }
        };
        if let Err(e) = result {
            let _ = e.to_string();
        }
        // No interface state longer than the sockets' limits allow together.
        largest_limit = largest_limit.max(host.config().max_sources_per_socket);
        let bound = SOCKETS.len() * largest_limit;
        let joined: Vec<F::Addr> = host.groups().collect();
        for group in joined {
            if let Some((_, list)) = host.interface_state(group) {
                assert!(list.len() <= bound, "{} sources for {group}", list.len());
            }
            let _ = host.accepts(sources[0], group);
        }
        let (address, mtu) = (host.config().address, host.config().mtu);
        while let Some(t) = host.poll_transmit() {
            check_transmit(&t, address, mtu);
        }
        while host.poll_event().is_some() {}
        let _ = (host.compatibility_mode(), host.send_errors());
    }
}

fn deliver_to_host<F: Pools>(
    host: &mut Host<F, Duration>,
    now: Duration,
    rng: &mut XorShift,
    d: &Delivery,
) {
    let sources = F::sources();
    match d {
        Delivery::Message(from, spec) => {
            host.handle_message(now, rng, from.of(&sources), &spec.message::<F>());
        }
        Delivery::Packet(from, to_group, spec) => {
            let message = spec.message::<F>();
            let source = from.of(&sources);
            let destination = if *to_group {
                F::groups()[0]
            } else {
                F::ALL_SYSTEMS
            };
            if let Ok(packets) = codec::encode::<F>(&message, source, destination, 1500) {
                for packet in packets {
                    host.handle_packet(now, rng, source, destination, &packet)
                        .expect("a packet the codec built is accepted");
                }
            }
        }
        Delivery::Raw(from, bytes) => {
            let _ = host.handle_packet(now, rng, from.of(&sources), F::ALL_SYSTEMS, bytes);
        }
    }
}
