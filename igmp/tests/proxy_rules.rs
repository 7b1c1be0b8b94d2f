//! The IGMP/MLD proxy against the rules of RFC 4605 §4, one test per rule: an upstream router
//! (the provider's querier) on the upstream link, IGMPv1/v2/v3 and MLDv1/v2 hosts (and rival
//! routers) on the downstream links, every message carried as the codec's bytes.

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::net::{Ipv4Addr, Ipv6Addr};
use std::time::Duration;

use common::{SEEDS, TestRng, secs};
use mcast_addr::family::{Ipv4, Ipv6};
use mcast_igmp::gmp::{FilterMode, Gmp, HostConfig, Message, RouterConfig, Transmit, Version};
use mcast_igmp::host::{Host, SocketId};
use mcast_igmp::proxy::{InterfaceId, Proxy, ProxyConfig, ProxyEvent};
use mcast_igmp::router::{Router, RouterEvent};

const WAN: InterfaceId = InterfaceId(1);
const LAN_A: InterfaceId = InterfaceId(2);
const LAN_B: InterfaceId = InterfaceId(3);

trait Addrs: Gmp {
    fn on(link: u8, i: u8) -> Self::Addr;
    fn group(i: u8) -> Self::Addr;
    fn ssm_group(i: u8) -> Self::Addr;
    fn source(i: u8) -> Self::Addr;
}

impl Addrs for Ipv4 {
    fn on(link: u8, i: u8) -> Ipv4Addr {
        Ipv4Addr::new(10, 0, link, i)
    }
    fn group(i: u8) -> Ipv4Addr {
        Ipv4Addr::new(239, 2, 2, i)
    }
    fn ssm_group(i: u8) -> Ipv4Addr {
        Ipv4Addr::new(232, 2, 2, i)
    }
    fn source(i: u8) -> Ipv4Addr {
        Ipv4Addr::new(198, 51, 100, i)
    }
}

impl Addrs for Ipv6 {
    fn on(link: u8, i: u8) -> Ipv6Addr {
        // Link-local addresses repeat across links; the link number keeps them apart here.
        Ipv6Addr::new(0xfe80, 0, 0, 0, 0, 0, u16::from(link), u16::from(i))
    }
    fn group(i: u8) -> Ipv6Addr {
        Ipv6Addr::new(0xff0e, 0, 0, 0, 0, 0, 2, u16::from(i))
    }
    fn ssm_group(i: u8) -> Ipv6Addr {
        Ipv6Addr::new(0xff3e, 0, 0, 0, 0, 0, 0x8000, u16::from(i))
    }
    fn source(i: u8) -> Ipv6Addr {
        Ipv6Addr::new(0x2001, 0xdb8, 0, 0, 0, 0, 0, u16::from(i))
    }
}

enum Device<F: Gmp> {
    Host(Host<F, Duration>),
    Router(Router<F, Duration>),
}

/// The proxy's forwarding as a consumer of its events keeps it.
struct Mirror<A: Ord> {
    modes: BTreeMap<(InterfaceId, A), FilterMode>,
    sources: BTreeMap<(InterfaceId, A, A), bool>,
    querier: BTreeMap<InterfaceId, A>,
    membership: BTreeMap<A, FilterMode>,
}

impl<A: Ord> Default for Mirror<A> {
    fn default() -> Self {
        Self {
            modes: BTreeMap::new(),
            sources: BTreeMap::new(),
            querier: BTreeMap::new(),
            membership: BTreeMap::new(),
        }
    }
}

impl<A: Ord + Copy> Mirror<A> {
    fn apply(&mut self, event: ProxyEvent<A>) {
        match event {
            ProxyEvent::Downstream { interface, event } => match event {
                RouterEvent::FilterModeChanged { group, mode } => {
                    self.sources
                        .retain(|(i, g, _), _| (*i, *g) != (interface, group));
                    match mode {
                        Some(mode) => {
                            self.modes.insert((interface, group), mode);
                        }
                        None => {
                            self.modes.remove(&(interface, group));
                        }
                    }
                }
                RouterEvent::SourceForwardingChanged {
                    group,
                    source,
                    forward,
                } => {
                    self.sources.insert((interface, group, source), forward);
                }
                RouterEvent::QuerierChanged { querier } => {
                    self.querier.insert(interface, querier);
                }
                RouterEvent::CompatibilityModeChanged { .. } => {}
            },
            ProxyEvent::DownstreamRemoved { interface } => {
                self.modes.retain(|(i, _), _| *i != interface);
                self.sources.retain(|(i, _, _), _| *i != interface);
                self.querier.remove(&interface);
            }
            ProxyEvent::Membership { group, mode } => match mode {
                Some(mode) => {
                    self.membership.insert(group, mode);
                }
                None => {
                    self.membership.remove(&group);
                }
            },
            ProxyEvent::UpstreamCompatibilityChanged { .. } => {}
        }
    }

    fn forwards(&self, interface: InterfaceId, source: A, group: A, own: A) -> bool {
        if self.querier.get(&interface) != Some(&own) {
            return false;
        }
        match self.modes.get(&(interface, group)) {
            None => false,
            Some(mode) => self
                .sources
                .get(&(interface, group, source))
                .copied()
                .unwrap_or(*mode == FilterMode::Exclude),
        }
    }
}

struct Net<F: Addrs> {
    now: Duration,
    rng: TestRng,
    proxy: Proxy<F, Duration>,
    links: BTreeMap<InterfaceId, Vec<Device<F>>>,
    /// Every message the proxy sent, with its interface.
    sent: Vec<(InterfaceId, Transmit<F>)>,
    mirror: Mirror<F::Addr>,
}

impl<F: Addrs> Net<F> {
    /// A proxy with an upstream querier of `upstream_version` and downstream links A and B.
    fn new(seed: u64, upstream_version: Version) -> Self {
        let mut rng = TestRng::new(seed);
        let now = secs(1);
        let mut proxy = Proxy::new(ProxyConfig::new(WAN, F::on(1, 2)));
        proxy.enable(now, &mut rng);
        for (interface, link) in [(LAN_A, 2), (LAN_B, 3)] {
            proxy.add_downstream(now, &mut rng, interface, RouterConfig::new(F::on(link, 1)));
        }
        let mut config = RouterConfig::new(F::on(1, 1));
        config.version = upstream_version;
        let mut upstream = Router::new(config);
        upstream.enable(now);
        let mut links = BTreeMap::new();
        links.insert(WAN, vec![Device::Router(upstream)]);
        links.insert(LAN_A, Vec::new());
        links.insert(LAN_B, Vec::new());
        let mut net = Self {
            now,
            rng,
            proxy,
            links,
            sent: Vec::new(),
            mirror: Mirror::default(),
        };
        net.settle();
        net
    }

    fn add_host(
        &mut self,
        interface: InterfaceId,
        i: u8,
        version: Version,
    ) -> (InterfaceId, usize) {
        let link = interface.0 as u8;
        let mut config = HostConfig::new(F::on(link, i));
        config.version = version;
        let mut host = Host::new(config);
        host.enable(self.now, &mut self.rng);
        let devices = self.links.get_mut(&interface).unwrap();
        devices.push(Device::Host(host));
        (interface, devices.len() - 1)
    }

    fn add_router(&mut self, interface: InterfaceId, i: u8) -> (InterfaceId, usize) {
        let link = interface.0 as u8;
        let mut router = Router::new(RouterConfig::new(F::on(link, i)));
        router.enable(self.now);
        let devices = self.links.get_mut(&interface).unwrap();
        devices.push(Device::Router(router));
        (interface, devices.len() - 1)
    }

    fn host(&mut self, at: (InterfaceId, usize)) -> &mut Host<F, Duration> {
        match &mut self.links.get_mut(&at.0).unwrap()[at.1] {
            Device::Host(h) => h,
            Device::Router(_) => panic!("not a host"),
        }
    }

    fn router(&mut self, at: (InterfaceId, usize)) -> &mut Router<F, Duration> {
        match &mut self.links.get_mut(&at.0).unwrap()[at.1] {
            Device::Router(r) => r,
            Device::Host(_) => panic!("not a router"),
        }
    }

    fn upstream_router(&mut self) -> &mut Router<F, Duration> {
        self.router((WAN, 0))
    }

    fn with_host(
        &mut self,
        at: (InterfaceId, usize),
        f: impl FnOnce(&mut Host<F, Duration>, Duration, &mut TestRng),
    ) {
        let (now, mut rng) = (self.now, self.rng.clone());
        f(self.host(at), now, &mut rng);
        self.rng = rng;
        self.settle();
    }

    fn join(&mut self, at: (InterfaceId, usize), group: F::Addr) {
        self.with_host(at, |h, now, rng| {
            h.join_group(now, rng, SocketId(1), group).unwrap();
        });
    }

    fn leave(&mut self, at: (InterfaceId, usize), group: F::Addr) {
        self.with_host(at, |h, now, rng| {
            h.leave_group(now, rng, SocketId(1), group).unwrap();
        });
    }

    fn filter(
        &mut self,
        at: (InterfaceId, usize),
        group: F::Addr,
        mode: FilterMode,
        sources: &[F::Addr],
    ) {
        let sources = sources.to_vec();
        self.with_host(at, |h, now, rng| {
            h.set_filter(now, rng, SocketId(1), group, mode, sources)
                .unwrap();
        });
    }

    /// Delivers `t`, sent on `link` by device `from` (None: the proxy), to everyone else there.
    fn deliver(&mut self, link: InterfaceId, from: Option<usize>, t: &Transmit<F>) {
        let (now, mut rng) = (self.now, self.rng.clone());
        if from.is_some() {
            self.proxy
                .handle_packet(now, &mut rng, link, t.source, t.destination, &t.payload)
                .unwrap();
        }
        for (index, device) in self.links.get_mut(&link).unwrap().iter_mut().enumerate() {
            if Some(index) == from {
                continue;
            }
            match device {
                Device::Host(h) => h
                    .handle_packet(now, &mut rng, t.source, t.destination, &t.payload)
                    .unwrap(),
                Device::Router(r) => r
                    .handle_packet(now, t.source, t.destination, &t.payload)
                    .unwrap(),
            }
        }
        self.rng = rng;
    }

    fn settle(&mut self) {
        loop {
            let mut pending = Vec::new();
            while let Some(t) = self.proxy.poll_transmit() {
                pending.push((t.interface, None, t.transmit));
            }
            for (link, devices) in &mut self.links {
                for (index, device) in devices.iter_mut().enumerate() {
                    match device {
                        Device::Host(h) => {
                            while let Some(t) = h.poll_transmit() {
                                pending.push((*link, Some(index), t));
                            }
                            while h.poll_event().is_some() {}
                        }
                        Device::Router(r) => {
                            while let Some(t) = r.poll_transmit() {
                                pending.push((*link, Some(index), t));
                            }
                            while r.poll_event().is_some() {}
                        }
                    }
                }
            }
            if pending.is_empty() {
                break;
            }
            for (link, from, t) in pending {
                if from.is_none() {
                    self.sent.push((link, t.clone()));
                }
                self.deliver(link, from, &t);
            }
        }
        while let Some(event) = self.proxy.poll_event() {
            self.mirror.apply(event);
        }
    }

    fn next_deadline(&self) -> Option<Duration> {
        let mut all = vec![self.proxy.poll_timeout()];
        for devices in self.links.values() {
            for device in devices {
                all.push(match device {
                    Device::Host(h) => h.poll_timeout(),
                    Device::Router(r) => r.poll_timeout(),
                });
            }
        }
        all.into_iter().flatten().min()
    }

    fn run_for(&mut self, span: Duration) {
        let end = self.now + span;
        self.settle();
        loop {
            let next = self.next_deadline().filter(|n| *n <= end);
            self.now = next.unwrap_or(end).max(self.now);
            let (now, mut rng) = (self.now, self.rng.clone());
            self.proxy.handle_timeout(now, &mut rng);
            for devices in self.links.values_mut() {
                for device in devices {
                    match device {
                        Device::Host(h) => h.handle_timeout(now, &mut rng),
                        Device::Router(r) => r.handle_timeout(now),
                    }
                }
            }
            self.rng = rng;
            self.settle();
            if next.is_none() {
                break;
            }
        }
    }

    fn database(&self, group: F::Addr) -> Option<(FilterMode, Vec<F::Addr>)> {
        self.proxy
            .membership(group)
            .map(|(mode, sources)| (mode, sources.iter().copied().collect()))
    }

    /// The events' forwarding against `interfaces_for`, from every interface.
    fn check_mirror(&self, groups: &[F::Addr], sources: &[F::Addr]) {
        for &group in groups {
            for &source in sources {
                for ingress in [WAN, LAN_A, LAN_B] {
                    let expected = self.proxy.interfaces_for(source, group, ingress);
                    let mut mirrored: Vec<InterfaceId> = [LAN_A, LAN_B]
                        .into_iter()
                        .filter(|i| *i != ingress)
                        .filter(|i| {
                            let own = self.proxy.downstream(*i).map(|r| r.config().address);
                            own.is_some_and(|own| self.mirror.forwards(*i, source, group, own))
                        })
                        .collect();
                    if ingress != WAN {
                        mirrored.push(WAN);
                        mirrored.sort();
                    }
                    assert_eq!(mirrored, expected, "({source}, {group}) from {ingress:?}");
                }
            }
        }
        let database: BTreeSet<F::Addr> = self.proxy.groups().collect();
        let mirrored: BTreeSet<F::Addr> = self.mirror.membership.keys().copied().collect();
        assert_eq!(database, mirrored);
    }
}

type Net4 = Net<Ipv4>;

fn s4(i: u8) -> Ipv4Addr {
    Ipv4::source(i)
}

// ----- §4: the router portion downstream, the host portion upstream -------------------------

#[test]
fn the_proxy_queries_its_downstream_links_and_never_upstream() {
    let mut net = Net4::new(1, Version::V3);
    net.run_for(secs(300));
    let queries = |net: &Net4, link| {
        net.sent
            .iter()
            .filter(|(l, t)| *l == link && matches!(t.message().unwrap(), Message::Query(_)))
            .count()
    };
    assert!(queries(&net, LAN_A) >= 3 && queries(&net, LAN_B) >= 3);
    assert_eq!(queries(&net, WAN), 0);
    assert!(net.proxy.downstream(LAN_A).unwrap().is_querier());
}

#[test]
fn the_proxy_answers_upstream_queries_as_a_host() {
    for seed in SEEDS.take(8) {
        let mut net = Net4::new(seed, Version::V3);
        let h = net.add_host(LAN_A, 20, Version::V3);
        net.join(h, Ipv4::group(1));
        net.run_for(secs(600));
        // The upstream querier keeps the membership through its General Query rounds, from
        // the proxy's current-state reports.
        assert!(net.upstream_router().should_forward(s4(1), Ipv4::group(1)));
        let reports_upstream = net
            .sent
            .iter()
            .filter(|(l, t)| *l == LAN_A && !matches!(t.message().unwrap(), Message::Query(_)))
            .count();
        assert_eq!(reports_upstream, 0, "the proxy sends no report downstream");
        net.check_mirror(&[Ipv4::group(1)], &[s4(1)]);
    }
}

// ----- §4.1: the membership database ------------------------------------------------------

#[test]
fn include_subscriptions_merge_into_their_union() {
    let mut net = Net4::new(1, Version::V3);
    let a = net.add_host(LAN_A, 20, Version::V3);
    let b = net.add_host(LAN_B, 30, Version::V3);
    let g = Ipv4::ssm_group(1);
    net.filter(a, g, FilterMode::Include, &[s4(1)]);
    net.filter(b, g, FilterMode::Include, &[s4(2), s4(1)]);
    assert_eq!(
        net.database(g),
        Some((FilterMode::Include, vec![s4(1), s4(2)]))
    );
    assert!(net.upstream_router().should_forward(s4(2), g));
    assert!(!net.upstream_router().should_forward(s4(3), g));
    net.check_mirror(&[g], &[s4(1), s4(2), s4(3)]);
}

#[test]
fn exclude_subscriptions_merge_into_their_intersection_minus_the_include_lists() {
    let mut net = Net4::new(1, Version::V3);
    let a = net.add_host(LAN_A, 20, Version::V3);
    let b = net.add_host(LAN_B, 30, Version::V3);
    let c = net.add_host(LAN_B, 31, Version::V3);
    let g = Ipv4::group(1);
    net.filter(a, g, FilterMode::Exclude, &[s4(1), s4(2), s4(4)]);
    net.filter(b, g, FilterMode::Exclude, &[s4(2), s4(3), s4(4)]);
    // Link B's router: EXCLUDE {2,3,4} (one host) ...
    assert_eq!(
        net.database(g),
        Some((FilterMode::Exclude, vec![s4(2), s4(4)]))
    );
    // ... and an INCLUDE {4} listener there too: its router keeps EXCLUDE {2,3}.
    net.filter(c, g, FilterMode::Include, &[s4(4)]);
    assert_eq!(net.database(g), Some((FilterMode::Exclude, vec![s4(2)])));
    assert!(!net.upstream_router().should_forward(s4(2), g));
    assert!(net.upstream_router().should_forward(s4(1), g));
    net.check_mirror(&[g], &[s4(1), s4(2), s4(3), s4(4)]);
}

#[test]
fn an_exclude_subscription_and_an_include_one_merge_into_exclude() {
    let mut net = Net4::new(1, Version::V3);
    let a = net.add_host(LAN_A, 20, Version::V3);
    let b = net.add_host(LAN_B, 30, Version::V3);
    let g = Ipv4::group(2);
    net.filter(a, g, FilterMode::Exclude, &[s4(1), s4(2)]);
    net.filter(b, g, FilterMode::Include, &[s4(1)]);
    assert_eq!(net.database(g), Some((FilterMode::Exclude, vec![s4(2)])));
}

#[test]
fn older_version_subscriptions_count_as_exclude_none() {
    for seed in SEEDS.take(8) {
        let mut net = Net4::new(seed, Version::V3);
        let v2 = net.add_host(LAN_A, 20, Version::V2);
        let v1 = net.add_host(LAN_B, 30, Version::V1);
        let v3 = net.add_host(LAN_B, 31, Version::V3);
        let g = Ipv4::group(3);
        net.filter(v3, g, FilterMode::Include, &[s4(1)]);
        net.join(v2, g);
        assert_eq!(net.database(g), Some((FilterMode::Exclude, vec![])));
        net.leave(v2, g);
        net.run_for(secs(5));
        assert_eq!(net.database(g), Some((FilterMode::Include, vec![s4(1)])));
        net.join(v1, g);
        assert_eq!(net.database(g), Some((FilterMode::Exclude, vec![])));
        net.check_mirror(&[g], &[s4(1), s4(2)]);
    }
}

#[test]
fn ssm_groups_merge_their_include_subscriptions_only() {
    let mut net = Net4::new(1, Version::V3);
    // Link A's router does not know the SSM range and keeps an EXCLUDE record for it.
    let (now, mut rng) = (net.now, net.rng.clone());
    let mut unaware = RouterConfig::new(Ipv4::on(2, 1));
    unaware.ssm_range = None;
    net.proxy.add_downstream(now, &mut rng, LAN_A, unaware);
    net.rng = rng;
    net.settle();
    let a = net.add_host(LAN_A, 20, Version::V3);
    let b = net.add_host(LAN_B, 30, Version::V3);
    let g = Ipv4::ssm_group(9);
    net.join(a, g);
    assert_eq!(
        net.proxy.downstream(LAN_A).unwrap().filter_mode(g),
        Some(FilterMode::Exclude)
    );
    assert_eq!(
        net.database(g),
        None,
        "no EXCLUDE upstream for an SSM group"
    );
    net.filter(b, g, FilterMode::Include, &[s4(7)]);
    assert_eq!(net.database(g), Some((FilterMode::Include, vec![s4(7)])));
}

#[test]
fn a_change_of_the_database_is_reported_upstream_at_once() {
    let mut net = Net4::new(1, Version::V3);
    let a = net.add_host(LAN_A, 20, Version::V3);
    let g = Ipv4::group(4);
    net.sent.clear();
    net.join(a, g);
    let upstream: Vec<_> = net
        .sent
        .iter()
        .filter(|(l, _)| *l == WAN)
        .map(|(_, t)| t.message().unwrap())
        .collect();
    assert!(matches!(&upstream[..], [Message::ReportV3(r), ..] if r[0].group == g));
    assert!(net.upstream_router().should_forward(s4(1), g));
    net.leave(a, g);
    net.run_for(secs(5));
    assert_eq!(net.database(g), None);
    assert!(!net.upstream_router().should_forward(s4(1), g));
}

#[test]
fn the_upstream_host_follows_an_older_querier() {
    for seed in SEEDS.take(8) {
        let mut net = Net4::new(seed, Version::V2);
        net.run_for(secs(2));
        assert_eq!(net.proxy.upstream().compatibility_mode(), Version::V2);
        let a = net.add_host(LAN_A, 20, Version::V3);
        net.sent.clear();
        net.join(a, Ipv4::group(5));
        let v2_reports = net
            .sent
            .iter()
            .filter(|(l, t)| {
                *l == WAN
                    && matches!(
                        t.message().unwrap(),
                        Message::Report {
                            version: Version::V2,
                            ..
                        }
                    )
            })
            .count();
        assert!(v2_reports >= 1);
        assert!(net.upstream_router().should_forward(s4(1), Ipv4::group(5)));
    }
}

#[test]
fn removing_a_downstream_interface_removes_its_subscriptions() {
    let mut net = Net4::new(1, Version::V3);
    let a = net.add_host(LAN_A, 20, Version::V3);
    net.join(a, Ipv4::group(6));
    let (now, mut rng) = (net.now, net.rng.clone());
    net.proxy.remove_downstream(now, &mut rng, LAN_A);
    net.rng = rng;
    net.settle();
    assert_eq!(net.database(Ipv4::group(6)), None);
    assert!(
        net.proxy
            .interfaces_for(s4(1), Ipv4::group(6), WAN)
            .is_empty()
    );
}

// ----- §4.2: forwarding -------------------------------------------------------------------

#[test]
fn traffic_from_upstream_goes_to_subscribed_downstream_interfaces() {
    let mut net = Net4::new(1, Version::V3);
    let a = net.add_host(LAN_A, 20, Version::V3);
    let b = net.add_host(LAN_B, 30, Version::V3);
    net.join(a, Ipv4::group(1));
    net.filter(b, Ipv4::group(1), FilterMode::Include, &[s4(2)]);
    assert_eq!(
        net.proxy.interfaces_for(s4(1), Ipv4::group(1), WAN),
        [LAN_A]
    );
    assert_eq!(
        net.proxy.interfaces_for(s4(2), Ipv4::group(1), WAN),
        [LAN_A, LAN_B]
    );
    assert!(
        net.proxy
            .interfaces_for(s4(1), Ipv4::group(2), WAN)
            .is_empty()
    );
    net.check_mirror(&[Ipv4::group(1), Ipv4::group(2)], &[s4(1), s4(2)]);
}

#[test]
fn traffic_from_downstream_goes_upstream_and_to_the_other_subscribed_interfaces() {
    let mut net = Net4::new(1, Version::V3);
    let b = net.add_host(LAN_B, 30, Version::V2);
    net.join(b, Ipv4::group(1));
    let sender = Ipv4::on(2, 50);
    assert_eq!(
        net.proxy.interfaces_for(sender, Ipv4::group(1), LAN_A),
        [WAN, LAN_B]
    );
    // Never back where it came from.
    assert_eq!(
        net.proxy.interfaces_for(sender, Ipv4::group(1), LAN_B),
        [WAN]
    );
    assert_eq!(
        net.proxy.interfaces_for(sender, Ipv4::group(7), LAN_A),
        [WAN]
    );
}

#[test]
fn no_forwarding_on_a_downstream_link_with_another_querier() {
    for seed in SEEDS.take(8) {
        let mut net = Net4::new(seed, Version::V3);
        let a = net.add_host(LAN_A, 20, Version::V3);
        net.join(a, Ipv4::group(1));
        assert_eq!(
            net.proxy.interfaces_for(s4(1), Ipv4::group(1), WAN),
            [LAN_A]
        );
        // A router with a lower address on link A wins the election: it forwards there, the
        // proxy stops, so the link never gets the traffic twice.
        let rival = net.add_router(LAN_A, 0);
        net.run_for(secs(1));
        assert!(!net.proxy.downstream(LAN_A).unwrap().is_querier());
        assert!(
            net.proxy
                .interfaces_for(s4(1), Ipv4::group(1), WAN)
                .is_empty()
        );
        // The subscription still counts in the database (§4.1 merges every interface).
        assert_eq!(
            net.database(Ipv4::group(1)),
            Some((FilterMode::Exclude, vec![]))
        );
        net.check_mirror(&[Ipv4::group(1)], &[s4(1)]);
        // The rival goes away: after the Other Querier Present Interval the proxy queries and
        // forwards again.
        net.router(rival).disable();
        net.run_for(secs(256));
        assert!(net.proxy.downstream(LAN_A).unwrap().is_querier());
        assert_eq!(
            net.proxy.interfaces_for(s4(1), Ipv4::group(1), WAN),
            [LAN_A]
        );
        net.check_mirror(&[Ipv4::group(1)], &[s4(1)]);
    }
}

// ----- MLD and whole-proxy properties ------------------------------------------------------

#[test]
fn an_mld_proxy_merges_mldv1_and_mldv2_listeners() {
    for seed in SEEDS.take(8) {
        let mut net = Net::<Ipv6>::new(seed, Version::V3);
        let v1 = net.add_host(LAN_A, 20, Version::V2);
        let v2 = net.add_host(LAN_B, 30, Version::V3);
        let g = Ipv6::group(1);
        net.filter(v2, g, FilterMode::Exclude, &[Ipv6::source(1)]);
        assert_eq!(
            net.database(g),
            Some((FilterMode::Exclude, vec![Ipv6::source(1)]))
        );
        net.join(v1, g);
        assert_eq!(net.database(g), Some((FilterMode::Exclude, vec![])));
        net.run_for(secs(400));
        assert!(net.upstream_router().should_forward(Ipv6::source(1), g));
        assert_eq!(net.proxy.interfaces_for(Ipv6::source(1), g, WAN), [LAN_A]);
        net.check_mirror(&[g], &[Ipv6::source(1), Ipv6::source(2)]);
    }
}

#[test]
fn events_describe_interfaces_for_under_random_scenarios() {
    for seed in SEEDS {
        let mut net = Net4::new(
            seed,
            if seed % 2 == 0 {
                Version::V3
            } else {
                Version::V2
            },
        );
        let mut x = seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1;
        let mut draw = move || {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x
        };
        let mut hosts = Vec::new();
        for i in 0..6u8 {
            let link = if draw() % 2 == 0 { LAN_A } else { LAN_B };
            let version = [Version::V1, Version::V2, Version::V3][(draw() % 3) as usize];
            hosts.push(net.add_host(link, 20 + i, version));
        }
        let groups = [Ipv4::group(1), Ipv4::group(2), Ipv4::ssm_group(1)];
        let sources = [s4(1), s4(2), s4(3)];
        for _ in 0..30 {
            let h = hosts[(draw() % hosts.len() as u64) as usize];
            let g = groups[(draw() % 3) as usize];
            match draw() % 4 {
                0 => net.join(h, g),
                1 => net.leave(h, g),
                2 => {
                    let mode = if draw() % 2 == 0 {
                        FilterMode::Include
                    } else {
                        FilterMode::Exclude
                    };
                    let list = [sources[(draw() % 3) as usize]];
                    net.filter(h, g, mode, &list);
                }
                _ => net.run_for(Duration::from_millis(draw() % 30_000)),
            }
            net.check_mirror(&groups, &sources);
        }
    }
}
