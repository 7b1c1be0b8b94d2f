//! A small in-memory network of PIM routers for the router tests: LANs, delivery of every
//! transmitted message, a shared clock, and a data plane that follows each router's
//! forwarding answers.

#![allow(
    dead_code,
    unreachable_pub,
    clippy::too_many_arguments,
    clippy::needless_pass_by_value,
    clippy::explicit_iter_loop
)]

use std::collections::BTreeMap;
use std::net::Ipv4Addr;
use std::time::Duration;

use mcast_addr::family::Ipv4;
use mcast_pim::router::{
    Event, InterfaceConfig, InterfaceId, LocalMembership, MribRoute, Prefix, Router, RouterConfig,
    Transmit,
};

/// SplitMix64, the tests' RNG.
#[derive(Debug, Clone)]
pub struct TestRng(pub u64);

impl rand_core::TryRng for TestRng {
    type Error = core::convert::Infallible;
    fn try_next_u32(&mut self) -> Result<u32, Self::Error> {
        Ok(self.try_next_u64()? as u32)
    }
    fn try_next_u64(&mut self) -> Result<u64, Self::Error> {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        Ok(z ^ (z >> 31))
    }
    fn try_fill_bytes(&mut self, dst: &mut [u8]) -> Result<(), Self::Error> {
        for b in dst {
            *b = self.try_next_u64()? as u8;
        }
        Ok(())
    }
}

pub type PimRouter = Router<Ipv4, Duration, TestRng>;

pub fn a(s: &str) -> Ipv4Addr {
    s.parse().unwrap()
}

pub fn p(s: &str) -> Prefix<Ipv4> {
    let (addr, len) = s.split_once('/').unwrap();
    Prefix::new(a(addr), len.parse().unwrap())
}

/// A router of the network and what it said.
pub struct Node {
    pub router: PimRouter,
    pub config: RouterConfig<Ipv4>,
    /// The interfaces and routes given, replayed by a restart.
    pub setup: Vec<Setup>,
    /// interface → LAN name.
    pub links: BTreeMap<InterfaceId, &'static str>,
    pub events: Vec<(Duration, Event<Ipv4Addr>)>,
    pub sent: Vec<(Duration, Transmit<Ipv4>)>,
}

/// One configuration step of a node.
#[derive(Debug, Clone)]
pub enum Setup {
    Attach(InterfaceId, String, u8, InterfaceConfig),
    Route(String, InterfaceId, Option<String>, u32),
}

/// A packet a host on a LAN received.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Delivery {
    pub at: Duration,
    pub lan: &'static str,
    pub source: Ipv4Addr,
    pub group: Ipv4Addr,
    /// Which router put it on the LAN.
    pub from: usize,
}

pub struct Net {
    pub now: Duration,
    pub nodes: Vec<Node>,
    /// LANs where a receiver host listens.
    pub receivers: Vec<&'static str>,
    pub delivered: Vec<Delivery>,
    /// Messages dropped on purpose by a test: (from node, LAN) pairs that lose everything.
    pub cut: Vec<(usize, &'static str)>,
}

pub fn dummy_packet(source: Ipv4Addr, group: Ipv4Addr) -> Vec<u8> {
    let mut p = vec![0u8; 28];
    p[0] = 0x45;
    p[2..4].copy_from_slice(&28u16.to_be_bytes());
    p[8] = 16;
    p[9] = 17;
    p[12..16].copy_from_slice(&source.octets());
    p[16..20].copy_from_slice(&group.octets());
    p
}

impl Net {
    pub fn new() -> Self {
        Self {
            now: Duration::ZERO,
            nodes: Vec::new(),
            receivers: Vec::new(),
            delivered: Vec::new(),
            cut: Vec::new(),
        }
    }

    pub fn add_router(&mut self, config: RouterConfig<Ipv4>, seed: u64) -> usize {
        self.nodes.push(Node {
            router: Router::new(config.clone(), TestRng(seed)),
            config,
            setup: Vec::new(),
            links: BTreeMap::new(),
            events: Vec::new(),
            sent: Vec::new(),
        });
        self.nodes.len() - 1
    }

    /// Adds interface `id` with `address/len` on `lan` and brings it up.
    pub fn attach(
        &mut self,
        node: usize,
        id: InterfaceId,
        address: &str,
        len: u8,
        lan: &'static str,
        config: InterfaceConfig,
    ) {
        let now = self.now;
        let n = &mut self.nodes[node];
        n.setup
            .push(Setup::Attach(id, address.to_string(), len, config.clone()));
        n.router.add_interface(now, id, a(address), len, config);
        n.router.interface_up(now, id);
        n.links.insert(id, lan);
        self.pump();
    }

    pub fn route(
        &mut self,
        node: usize,
        prefix: &str,
        interface: InterfaceId,
        next_hop: Option<&str>,
        metric: u32,
    ) {
        let now = self.now;
        self.nodes[node].setup.push(Setup::Route(
            prefix.to_string(),
            interface,
            next_hop.map(str::to_string),
            metric,
        ));
        self.nodes[node].router.add_route(
            now,
            p(prefix),
            MribRoute {
                interface,
                next_hop: next_hop.map(a),
                preference: 110,
                metric,
            },
        );
        self.pump();
    }

    pub fn join(
        &mut self,
        node: usize,
        interface: InterfaceId,
        group: &str,
        membership: LocalMembership<Ipv4Addr>,
    ) {
        let now = self.now;
        self.nodes[node]
            .router
            .set_local_membership(now, interface, a(group), membership);
        self.pump();
    }

    /// The node reboots: a new router with the same configuration (and a new Generation ID),
    /// no state.
    pub fn restart(&mut self, node: usize, seed: u64) {
        let now = self.now;
        let config = self.nodes[node].config.clone();
        let setup = self.nodes[node].setup.clone();
        let mut r = Router::new(config, TestRng(seed));
        for step in &setup {
            match step {
                Setup::Attach(id, addr, len, c) => {
                    r.add_interface(now, *id, a(addr), *len, c.clone());
                    r.interface_up(now, *id);
                }
                Setup::Route(prefix, i, nh, m) => r.add_route(
                    now,
                    p(prefix),
                    MribRoute {
                        interface: *i,
                        next_hop: nh.as_deref().map(a),
                        preference: 110,
                        metric: *m,
                    },
                ),
            }
        }
        self.nodes[node].router = r;
        self.pump();
    }

    /// Delivers everything the routers queued, until nothing is left.
    pub fn pump(&mut self) {
        loop {
            let mut moved = false;
            for i in 0..self.nodes.len() {
                while let Some(e) = self.nodes[i].router.poll_event() {
                    moved = true;
                    if let Event::Decapsulated {
                        source,
                        group,
                        oifs,
                        ..
                    } = &e
                    {
                        let (s, g, oifs) = (*source, *group, oifs.clone());
                        for oif in oifs {
                            self.forward_out(i, oif, s, g, 0);
                        }
                    }
                    self.nodes[i].events.push((self.now, e));
                }
                while let Some(t) = self.nodes[i].router.poll_transmit() {
                    moved = true;
                    self.nodes[i].sent.push((self.now, t.clone()));
                    self.deliver(i, &t);
                }
            }
            if !moved {
                break;
            }
        }
    }

    fn deliver(&mut self, from: usize, t: &Transmit<Ipv4>) {
        let now = self.now;
        match t.interface {
            Some(ifc) => {
                let lan = self.nodes[from].links[&ifc];
                if self.cut.contains(&(from, lan)) {
                    return;
                }
                for j in 0..self.nodes.len() {
                    if j == from {
                        continue;
                    }
                    let ifs: Vec<InterfaceId> = self.nodes[j]
                        .links
                        .iter()
                        .filter(|(_, l)| **l == lan)
                        .map(|(i, _)| *i)
                        .collect();
                    for i in ifs {
                        self.nodes[j].router.handle_packet(
                            now,
                            i,
                            t.source,
                            t.destination,
                            &t.payload,
                        );
                    }
                }
            }
            None => {
                // Unicast: to the router owning the destination, on its first interface.
                for j in 0..self.nodes.len() {
                    let owns = self.nodes[j].router.interfaces().any(|_| true)
                        && self.owns(j, t.destination);
                    if owns {
                        let i = *self.nodes[j].links.keys().next().unwrap();
                        self.nodes[j].router.handle_packet(
                            now,
                            i,
                            t.source,
                            t.destination,
                            &t.payload,
                        );
                    }
                }
            }
        }
    }

    pub fn owns(&self, node: usize, addr: Ipv4Addr) -> bool {
        self.nodes[node]
            .router
            .config()
            .local_addresses
            .contains(&addr)
            || self.nodes[node].addresses().contains(&addr)
    }

    /// A data packet from `source` to `group` arrives at `node` on `iif`; it follows the
    /// forwarding answers through the network.
    pub fn data(&mut self, node: usize, iif: InterfaceId, source: &str, group: &str) {
        self.data_in(node, iif, a(source), a(group), 0);
        self.pump();
    }

    fn data_in(&mut self, node: usize, iif: InterfaceId, s: Ipv4Addr, g: Ipv4Addr, depth: usize) {
        if depth > 16 {
            return;
        }
        let now = self.now;
        let packet = dummy_packet(s, g);
        // The plane signals the packet, then forwards it by the answer (a kernel holds the
        // packet of an unresolved entry until its upcall is answered).
        self.nodes[node]
            .router
            .handle_data(now, iif, s, g, Some(&packet));
        let oifs = self.nodes[node].router.forwarding(s, g, iif);
        for oif in oifs {
            self.forward_out(node, oif, s, g, depth);
        }
    }

    fn forward_out(
        &mut self,
        node: usize,
        oif: InterfaceId,
        s: Ipv4Addr,
        g: Ipv4Addr,
        depth: usize,
    ) {
        let lan = self.nodes[node].links[&oif];
        if self.receivers.contains(&lan) {
            self.delivered.push(Delivery {
                at: self.now,
                lan,
                source: s,
                group: g,
                from: node,
            });
        }
        for j in 0..self.nodes.len() {
            if j == node {
                continue;
            }
            let ifs: Vec<InterfaceId> = self.nodes[j]
                .links
                .iter()
                .filter(|(_, l)| **l == lan)
                .map(|(i, _)| *i)
                .collect();
            for i in ifs {
                self.data_in(j, i, s, g, depth + 1);
            }
        }
    }

    /// Runs the clock to `until`, firing every timer in order and delivering what it sends.
    pub fn run_until(&mut self, until: Duration) {
        loop {
            let next = self
                .nodes
                .iter()
                .filter_map(|n| n.router.poll_timeout())
                .min();
            match next {
                Some(t) if t <= until => {
                    self.now = self.now.max(t);
                    let now = self.now;
                    for n in &mut self.nodes {
                        if n.router.poll_timeout().is_some_and(|d| d <= now) {
                            n.router.handle_timeout(now);
                            assert!(
                                n.router.poll_timeout().is_none_or(|d| d > now),
                                "a timer left due"
                            );
                        }
                    }
                    self.pump();
                }
                _ => break,
            }
        }
        self.now = until;
    }

    pub fn run_for(&mut self, d: Duration) {
        let until = self.now + d;
        self.run_until(until);
    }

    /// Every message node `i` sent since `since`, parsed.
    pub fn sent_since(&self, i: usize, since: Duration) -> Vec<&Transmit<Ipv4>> {
        self.nodes[i]
            .sent
            .iter()
            .filter(|(t, _)| *t >= since)
            .map(|(_, t)| t)
            .collect()
    }
}

impl Node {
    pub fn addresses(&self) -> Vec<Ipv4Addr> {
        self.router
            .interfaces()
            .filter_map(|i| self.router.dr(i).map(|_| i))
            .filter_map(|i| self.router.interface_address(i))
            .collect()
    }
}

pub fn secs(s: u64) -> Duration {
    Duration::from_secs(s)
}

// ----- One router under test, with hand-made neighbors -----------------------------------------

use mcast_pim::wire::{
    Assert, EncodedGroup, EncodedSource, GroupSetRepr, HelloOptionRepr, HelloRepr, Holdtime,
    JoinPruneRepr, LanPruneDelay, Message, MessageRepr, PseudoHeader, SourceTree,
};

pub const ALL_PIM: &str = "224.0.0.13";

/// One entry of a Join/Prune the router sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub interface: u32,
    pub upstream: Ipv4Addr,
    pub join: bool,
    pub tree: SourceTree,
    pub group: Ipv4Addr,
    pub address: Ipv4Addr,
    pub holdtime: u16,
}

pub struct Lab {
    pub router: PimRouter,
    pub now: Duration,
    /// Neighbors that keep saying Hello every 30 s: (interface, address, Hello).
    pub peers: Vec<(u32, String, HelloRepr<Ipv4>)>,
    next_refresh: Duration,
    /// Every transmit, with its time.
    pub out: Vec<(Duration, Transmit<Ipv4>)>,
    pub events: Vec<(Duration, Event<Ipv4Addr>)>,
}

impl Lab {
    pub fn new(config: RouterConfig<Ipv4>, seed: u64) -> Self {
        Self {
            router: Router::new(config, TestRng(seed)),
            now: Duration::ZERO,
            peers: Vec::new(),
            next_refresh: Duration::from_secs(30),
            out: Vec::new(),
            events: Vec::new(),
        }
    }

    /// Stops the Hellos of a neighbor (it goes silent; its Holdtime runs out).
    pub fn silence(&mut self, id: u32, from: &str) {
        self.peers.retain(|(i, f, _)| !(*i == id && f == from));
    }

    pub fn drain(&mut self) {
        while let Some(t) = self.router.poll_transmit() {
            self.out.push((self.now, t));
        }
        while let Some(e) = self.router.poll_event() {
            self.events.push((self.now, e));
        }
    }

    pub fn iface(&mut self, id: u32, address: &str, len: u8, config: InterfaceConfig) {
        self.router
            .add_interface(self.now, id, a(address), len, config);
        self.router.interface_up(self.now, id);
        self.drain();
    }

    pub fn packet(&mut self, id: u32, from: &str, to: &str, message: MessageRepr<Ipv4>) {
        let bytes = message
            .to_bytes(&PseudoHeader::new(a(from), a(to)))
            .unwrap();
        self.router
            .handle_packet(self.now, id, a(from), a(to), &bytes);
        self.drain();
    }

    pub fn hello_with(&mut self, id: u32, from: &str, hello: HelloRepr<Ipv4>) {
        self.silence(id, from);
        let goodbye = hello
            .options
            .iter()
            .any(|o| matches!(o, HelloOptionRepr::Holdtime(h) if h.0 == 0));
        if !goodbye {
            self.peers.push((id, from.to_string(), hello.clone()));
        }
        self.packet(id, from, ALL_PIM, MessageRepr::Hello(hello));
    }

    /// A neighbor with the usual options: Holdtime 105, DR priority 1, GenID `genid`, LAN
    /// Prune Delay 500 ms / 2500 ms without T.
    pub fn neighbor(&mut self, id: u32, from: &str, genid: u32) {
        self.hello_with(id, from, default_hello(1, genid));
    }

    pub fn jp(
        &mut self,
        id: u32,
        from: &str,
        upstream: &str,
        holdtime: u16,
        sets: Vec<GroupSetRepr<Ipv4>>,
    ) {
        let mut jp = JoinPruneRepr::<Ipv4>::new(a(upstream), Holdtime(holdtime));
        jp.groups = sets;
        self.packet(id, from, ALL_PIM, MessageRepr::JoinPrune(jp));
    }

    pub fn assert_msg(
        &mut self,
        id: u32,
        from: &str,
        group: &str,
        source: &str,
        rpt: bool,
        preference: u32,
        metric: u32,
    ) {
        let m = Assert::<Ipv4> {
            flag_bits: 0,
            group: EncodedGroup::host(a(group)),
            source: a(source),
            rpt,
            metric_preference: preference,
            metric,
        };
        self.packet(id, from, ALL_PIM, MessageRepr::Assert(m));
    }

    pub fn data(&mut self, iif: u32, source: &str, group: &str) {
        let pkt = dummy_packet(a(source), a(group));
        self.router
            .handle_data(self.now, iif, a(source), a(group), Some(&pkt));
        self.drain();
    }

    pub fn member(&mut self, id: u32, group: &str, m: LocalMembership<Ipv4Addr>) {
        self.router.set_local_membership(self.now, id, a(group), m);
        self.drain();
    }

    pub fn mrib(&mut self, prefix: &str, interface: u32, next_hop: &str, metric: u32) {
        self.router.add_route(
            self.now,
            p(prefix),
            MribRoute {
                interface,
                next_hop: Some(a(next_hop)),
                preference: 110,
                metric,
            },
        );
        self.drain();
    }

    /// Advances the clock to `until`, firing every timer on time.
    pub fn run_until(&mut self, until: Duration) {
        loop {
            let timer = self.router.poll_timeout().filter(|t| *t <= until);
            let refresh = Some(self.next_refresh).filter(|t| *t <= until);
            match (timer, refresh) {
                (Some(t), r) if r.is_none_or(|r| t <= r) => {
                    self.now = self.now.max(t);
                    self.router.handle_timeout(self.now);
                    assert!(
                        self.router.poll_timeout().is_none_or(|d| d > self.now),
                        "a timer left due"
                    );
                    self.drain();
                }
                (_, Some(r)) => {
                    self.now = self.now.max(r);
                    self.next_refresh = r + Duration::from_secs(30);
                    for (id, from, hello) in self.peers.clone() {
                        self.packet(id, &from, ALL_PIM, MessageRepr::Hello(hello));
                    }
                }
                _ => break,
            }
        }
        self.now = until;
    }

    pub fn run_for(&mut self, d: Duration) {
        let until = self.now + d;
        self.run_until(until);
    }

    /// Forgets what was sent so far.
    pub fn clear(&mut self) {
        self.out.clear();
        self.events.clear();
    }

    /// Every Join/Prune entry sent, in order, with its time.
    pub fn entries(&self) -> Vec<(Duration, Entry)> {
        let mut v = Vec::new();
        for (at, t) in &self.out {
            let pim = t.parse().expect("every message the router sends parses");
            if let Message::JoinPrune(jp) = pim.message {
                for set in jp.groups() {
                    for (join, list) in [(true, set.joined), (false, set.pruned)] {
                        for e in list.iter() {
                            v.push((
                                *at,
                                Entry {
                                    interface: t.interface.unwrap(),
                                    upstream: jp.upstream_neighbor,
                                    join,
                                    tree: e.source.tree().unwrap(),
                                    group: set.group.address,
                                    address: e.source.address,
                                    holdtime: jp.holdtime.0,
                                },
                            ));
                        }
                    }
                }
            }
        }
        v
    }

    /// The entries sent matching `join`, `tree`, `address`.
    pub fn sent(&self, join: bool, tree: SourceTree, address: &str) -> Vec<(Duration, Entry)> {
        self.entries()
            .into_iter()
            .filter(|(_, e)| e.join == join && e.tree == tree && e.address == a(address))
            .collect()
    }

    /// The Asserts sent: (time, interface, source, rpt, preference, metric).
    pub fn asserts(&self) -> Vec<(Duration, u32, Ipv4Addr, bool, u32, u32)> {
        self.out
            .iter()
            .filter_map(|(at, t)| match t.parse().unwrap().message {
                Message::Assert(m) => Some((
                    *at,
                    t.interface.unwrap(),
                    m.source,
                    m.rpt,
                    m.metric_preference,
                    m.metric,
                )),
                _ => None,
            })
            .collect()
    }

    /// The Hellos sent: (time, interface, holdtime).
    pub fn hellos(&self) -> Vec<(Duration, u32, u16)> {
        self.out
            .iter()
            .filter_map(|(at, t)| match t.parse().unwrap().message {
                Message::Hello(h) => Some((*at, t.interface.unwrap(), h.holdtime().unwrap().0)),
                _ => None,
            })
            .collect()
    }

    pub fn route(&self, group: &str, source: Option<&str>) -> Option<(Option<u32>, Vec<u32>)> {
        self.router
            .route(a(group), source.map(a))
            .map(|r| (r.iif, r.oifs.clone()))
    }
}

pub fn default_hello(priority: u32, genid: u32) -> HelloRepr<Ipv4> {
    HelloRepr::<Ipv4>::new(Holdtime(105), priority, genid).with(HelloOptionRepr::LanPruneDelay(
        LanPruneDelay {
            tracking_support: false,
            propagation_delay_ms: 500,
            override_interval_ms: 2500,
        },
    ))
}

pub fn star_join(group: &str, rp: &str) -> GroupSetRepr<Ipv4> {
    let mut s = GroupSetRepr::new(EncodedGroup::host(a(group)));
    s.joins.push(EncodedSource::star_group(a(rp)).into());
    s
}

pub fn star_prune(group: &str, rp: &str) -> GroupSetRepr<Ipv4> {
    let mut s = GroupSetRepr::new(EncodedGroup::host(a(group)));
    s.prunes.push(EncodedSource::star_group(a(rp)).into());
    s
}

pub fn sg_join(group: &str, source: &str) -> GroupSetRepr<Ipv4> {
    let mut s = GroupSetRepr::new(EncodedGroup::host(a(group)));
    s.joins.push(EncodedSource::source_group(a(source)).into());
    s
}

pub fn sg_prune(group: &str, source: &str) -> GroupSetRepr<Ipv4> {
    let mut s = GroupSetRepr::new(EncodedGroup::host(a(group)));
    s.prunes.push(EncodedSource::source_group(a(source)).into());
    s
}

pub fn rpt_prune(group: &str, source: &str) -> GroupSetRepr<Ipv4> {
    let mut s = GroupSetRepr::new(EncodedGroup::host(a(group)));
    s.prunes
        .push(EncodedSource::source_group_rpt(a(source)).into());
    s
}

pub fn rpt_join(group: &str, source: &str) -> GroupSetRepr<Ipv4> {
    let mut s = GroupSetRepr::new(EncodedGroup::host(a(group)));
    s.joins
        .push(EncodedSource::source_group_rpt(a(source)).into());
    s
}

/// Runs `f` under many seeds.
pub fn for_seeds(f: impl Fn(u64)) {
    for seed in 0..12u64 {
        f(seed.wrapping_mul(0x9e37_79b9) ^ 0x5eed);
    }
}

pub fn ms(m: u64) -> Duration {
    Duration::from_millis(m)
}
