//! A bridged LAN in memory: one snooping switch, hosts and routers on its ports, every message
//! carried as the codec's bytes through `Switch::handle_frame`; and a forwarding table built
//! only from the switch's events, to hold against `Switch::ports_for`.
#![allow(dead_code, unreachable_pub)]

use std::collections::{BTreeMap, BTreeSet};
use std::net::{Ipv4Addr, Ipv6Addr};
use std::time::Duration;

use mcast_addr::family::{Ipv4, Ipv6};
use mcast_igmp::gmp::{HostConfig, Message, RouterConfig, Transmit, Version};
use mcast_igmp::host::{Host, SocketId};
use mcast_igmp::router::Router;
use mcast_igmp::snoop::{
    Frame, PortConfig, PortId, PortSet, SnoopConfig, SnoopEvent, SnoopFamily, Switch, VlanId,
};

use crate::common::TestRng;

/// Addresses of a test LAN.
pub trait Addrs: SnoopFamily {
    /// The address of host or router `i` on the LAN (router 1 is the lowest).
    fn node(i: u8) -> Self::Addr;
    /// An any-source group.
    fn group(i: u8) -> Self::Addr;
    /// An SSM group.
    fn ssm_group(i: u8) -> Self::Addr;
    /// A source off the LAN.
    fn source(i: u8) -> Self::Addr;
    /// The switch's querier address: above the routers', below the hosts'.
    fn switch_address() -> Self::Addr;
}

impl Addrs for Ipv4 {
    fn node(i: u8) -> Ipv4Addr {
        Ipv4Addr::new(192, 0, 2, i)
    }
    fn group(i: u8) -> Ipv4Addr {
        Ipv4Addr::new(239, 1, 1, i)
    }
    fn ssm_group(i: u8) -> Ipv4Addr {
        Ipv4Addr::new(232, 1, 1, i)
    }
    fn source(i: u8) -> Ipv4Addr {
        Ipv4Addr::new(198, 51, 100, i)
    }
    fn switch_address() -> Ipv4Addr {
        Ipv4Addr::new(192, 0, 2, 10)
    }
}

impl Addrs for Ipv6 {
    fn node(i: u8) -> Ipv6Addr {
        Ipv6Addr::new(0xfe80, 0, 0, 0, 0, 0, 0, u16::from(i))
    }
    fn group(i: u8) -> Ipv6Addr {
        Ipv6Addr::new(0xff0e, 0, 0, 0, 0, 0, 0x1, u16::from(i))
    }
    fn ssm_group(i: u8) -> Ipv6Addr {
        Ipv6Addr::new(0xff3e, 0, 0, 0, 0, 0, 0x8000, u16::from(i))
    }
    fn source(i: u8) -> Ipv6Addr {
        Ipv6Addr::new(0x2001, 0xdb8, 0, 0, 0, 0, 0, u16::from(i))
    }
    fn switch_address() -> Ipv6Addr {
        Ipv6Addr::new(0xfe80, 0, 0, 0, 0, 0, 0, 10)
    }
}

/// The forwarding table as a consumer of the events keeps it.
#[derive(Debug, Clone)]
pub struct Table<A> {
    pub router_ports: BTreeMap<VlanId, PortSet>,
    pub groups: BTreeMap<(VlanId, A), PortSet>,
    pub sources: BTreeMap<(VlanId, A, A), PortSet>,
    pub flooding: BTreeSet<(VlanId, A)>,
    pub querier: BTreeMap<VlanId, A>,
}

impl<A> Default for Table<A> {
    fn default() -> Self {
        Self {
            router_ports: BTreeMap::new(),
            groups: BTreeMap::new(),
            sources: BTreeMap::new(),
            flooding: BTreeSet::new(),
            querier: BTreeMap::new(),
        }
    }
}

impl<A: Ord + Copy> Table<A> {
    pub fn apply(&mut self, event: SnoopEvent<A>) {
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
            } => match ports {
                Some(ports) => {
                    self.sources.insert((vlan, group, source), ports);
                }
                None => {
                    self.sources.remove(&(vlan, group, source));
                }
            },
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
            SnoopEvent::QuerierChanged { vlan, querier } => {
                self.querier.insert(vlan, querier);
            }
        }
    }

    /// The egress ports by the rule of `SnoopEvent`'s documentation, for a group the family
    /// does not flood; `all` and `unregistered` are the VLAN's up ports and unregistered set.
    pub fn ports_for(
        &self,
        vlan: VlanId,
        source: A,
        group: A,
        ingress: Option<PortId>,
        all: &PortSet,
        unregistered: &PortSet,
    ) -> PortSet {
        let mut set = if self.flooding.contains(&(vlan, group)) {
            all.clone()
        } else if let Some(ports) = self.groups.get(&(vlan, group)) {
            let mut set = self
                .sources
                .get(&(vlan, group, source))
                .unwrap_or(ports)
                .clone();
            if let Some(routers) = self.router_ports.get(&vlan) {
                set.extend_from(routers);
            }
            set
        } else {
            unregistered.clone()
        };
        if let Some(ingress) = ingress {
            set.remove(ingress);
        }
        set
    }
}

/// A device on a port.
pub enum Device<F: Addrs> {
    Host(Host<F, Duration>),
    Router(Router<F, Duration>),
}

/// One VLAN of one switch with its devices.
pub struct Lan<F: Addrs> {
    pub now: Duration,
    pub rng: TestRng,
    pub vlan: VlanId,
    pub switch: Switch<F, Duration>,
    pub devices: Vec<(PortId, Device<F>)>,
    /// Every message the switch forwarded or sent, with the port it went out of.
    pub seen: Vec<(PortId, Transmit<F>)>,
    /// The frames devices sent, with the ports the switch chose.
    pub decisions: Vec<(PortId, Transmit<F>, PortSet)>,
    pub table: Table<F::Addr>,
}

pub const VLAN: VlanId = VlanId(10);

pub fn ports(list: &[u16]) -> PortSet {
    list.iter().map(|p| PortId(*p)).collect()
}

impl<F: Addrs> Lan<F> {
    /// A switch with `ports` ports (1..=n) in VLAN 10, all with `port_config`.
    pub fn new(seed: u64, ports: u16, querier: bool, config: SnoopConfig<F>) -> Self {
        let mut switch = Switch::new(config);
        let now = Duration::from_secs(1);
        switch.add_vlan(now, VLAN, querier);
        for port in 1..=ports {
            switch.add_port(now, VLAN, PortId(port), PortConfig::default());
        }
        let mut lan = Self {
            now,
            rng: TestRng::new(seed),
            vlan: VLAN,
            switch,
            devices: Vec::new(),
            seen: Vec::new(),
            decisions: Vec::new(),
            table: Table::default(),
        };
        lan.drain_events();
        lan
    }

    pub fn default_config() -> SnoopConfig<F> {
        SnoopConfig::new(F::switch_address())
    }

    /// Adds a host of `version` with address `node(i)` on `port`; returns its index.
    pub fn add_host(&mut self, port: u16, i: u8, version: Version) -> usize {
        let mut config = HostConfig::new(F::node(i));
        config.version = version;
        let mut host = Host::new(config);
        host.enable(self.now, &mut self.rng);
        self.devices.push((PortId(port), Device::Host(host)));
        self.devices.len() - 1
    }

    /// Adds a querying router with address `node(i)` on `port`; returns its index.
    pub fn add_router(&mut self, port: u16, i: u8, version: Version) -> usize {
        let mut config = RouterConfig::new(F::node(i));
        config.version = version;
        let mut router = Router::new(config);
        router.enable(self.now);
        self.devices.push((PortId(port), Device::Router(router)));
        self.devices.len() - 1
    }

    pub fn host(&mut self, index: usize) -> &mut Host<F, Duration> {
        match &mut self.devices[index].1 {
            Device::Host(h) => h,
            Device::Router(_) => panic!("not a host"),
        }
    }

    pub fn router(&mut self, index: usize) -> &mut Router<F, Duration> {
        match &mut self.devices[index].1 {
            Device::Router(r) => r,
            Device::Host(_) => panic!("not a router"),
        }
    }

    pub fn join(&mut self, index: usize, group: F::Addr) {
        let (now, mut rng) = (self.now, self.rng.clone());
        self.host(index)
            .join_group(now, &mut rng, SocketId(1), group)
            .unwrap();
        self.rng = rng;
        self.settle();
    }

    pub fn leave(&mut self, index: usize, group: F::Addr) {
        let (now, mut rng) = (self.now, self.rng.clone());
        self.host(index)
            .leave_group(now, &mut rng, SocketId(1), group)
            .unwrap();
        self.rng = rng;
        self.settle();
    }

    pub fn join_source(&mut self, index: usize, group: F::Addr, source: F::Addr) {
        let (now, mut rng) = (self.now, self.rng.clone());
        self.host(index)
            .join_source_group(now, &mut rng, SocketId(1), group, source)
            .unwrap();
        self.rng = rng;
        self.settle();
    }

    /// A frame from `port` as the switch sees it; returns the egress ports and delivers it.
    pub fn send_frame(
        &mut self,
        port: u16,
        source: F::Addr,
        destination: F::Addr,
        protocol: u8,
        payload: &[u8],
    ) -> PortSet {
        let frame = Frame {
            source,
            destination,
            protocol,
            payload,
        };
        let out = self
            .switch
            .handle_frame(self.now, self.vlan, PortId(port), &frame);
        let decodes = matches!(
            mcast_igmp::gmp::codec::decode::<F>(payload, source, destination),
            Ok(Some(_))
        );
        if protocol == F::GMP_PROTOCOL && decodes {
            let t = Transmit {
                source,
                destination,
                payload: payload.to_vec(),
            };
            self.deliver(&out, &t);
        }
        self.drain_events();
        self.settle();
        out
    }

    /// A group management message from `port`, encoded by the codec.
    pub fn send_message(
        &mut self,
        port: u16,
        source: F::Addr,
        destination: F::Addr,
        message: &Message<F::Addr>,
    ) -> PortSet {
        let bytes = crate::common::bytes::<F>(message, source, destination);
        self.send_frame(port, source, destination, F::GMP_PROTOCOL, &bytes)
    }

    fn deliver(&mut self, out: &PortSet, t: &Transmit<F>) {
        let now = self.now;
        let mut rng = self.rng.clone();
        for port in out.iter() {
            self.seen.push((port, t.clone()));
            for (p, device) in &mut self.devices {
                if *p != port {
                    continue;
                }
                match device {
                    Device::Host(h) => {
                        h.handle_packet(now, &mut rng, t.source, t.destination, &t.payload)
                            .unwrap();
                    }
                    Device::Router(r) => {
                        r.handle_packet(now, t.source, t.destination, &t.payload)
                            .unwrap();
                    }
                }
            }
        }
        self.rng = rng;
    }

    fn drain_events(&mut self) {
        while let Some(event) = self.switch.poll_event() {
            self.table.apply(event);
        }
    }

    /// Carries every pending message until none is left.
    pub fn settle(&mut self) {
        loop {
            let mut pending: Vec<(PortId, Transmit<F>)> = Vec::new();
            for (port, device) in &mut self.devices {
                match device {
                    Device::Host(h) => {
                        while let Some(t) = h.poll_transmit() {
                            pending.push((*port, t));
                        }
                        while h.poll_event().is_some() {}
                    }
                    Device::Router(r) => {
                        while let Some(t) = r.poll_transmit() {
                            pending.push((*port, t));
                        }
                        while r.poll_event().is_some() {}
                    }
                }
            }
            let mut from_switch = Vec::new();
            while let Some(t) = self.switch.poll_transmit() {
                from_switch.push(t);
            }
            if pending.is_empty() && from_switch.is_empty() {
                break;
            }
            for t in from_switch {
                self.deliver(&t.ports, &t.transmit);
            }
            for (port, t) in pending {
                let frame = Frame {
                    source: t.source,
                    destination: t.destination,
                    protocol: F::GMP_PROTOCOL,
                    payload: &t.payload,
                };
                let out = self.switch.handle_frame(self.now, self.vlan, port, &frame);
                self.decisions.push((port, t.clone(), out.clone()));
                self.deliver(&out, &t);
            }
            self.drain_events();
        }
        self.drain_events();
    }

    fn next_deadline(&self) -> Option<Duration> {
        let mut next = self.switch.poll_timeout();
        for (_, device) in &self.devices {
            let d = match device {
                Device::Host(h) => h.poll_timeout(),
                Device::Router(r) => r.poll_timeout(),
            };
            next = match (next, d) {
                (Some(a), Some(b)) => Some(a.min(b)),
                (a, b) => a.or(b),
            };
        }
        next
    }

    /// Runs every timer and message until `end`.
    pub fn run_until(&mut self, end: Duration) {
        self.settle();
        while let Some(next) = self.next_deadline() {
            if next > end {
                break;
            }
            self.now = self.now.max(next);
            self.timeouts();
        }
        self.now = self.now.max(end);
        self.timeouts();
    }

    pub fn run_for(&mut self, span: Duration) {
        let end = self.now + span;
        self.run_until(end);
    }

    fn timeouts(&mut self) {
        let now = self.now;
        let mut rng = self.rng.clone();
        self.switch.handle_timeout(now);
        for (_, device) in &mut self.devices {
            match device {
                Device::Host(h) => h.handle_timeout(now, &mut rng),
                Device::Router(r) => r.handle_timeout(now),
            }
        }
        self.rng = rng;
        self.drain_events();
        self.settle();
    }

    /// Messages that went out of `port` since the log was cleared.
    pub fn received_on(&self, port: u16) -> Vec<Message<F::Addr>> {
        self.seen
            .iter()
            .filter(|(p, _)| *p == PortId(port))
            .map(|(_, t)| t.message().unwrap())
            .collect()
    }

    pub fn forward(&self, source: F::Addr, group: F::Addr, ingress: u16) -> PortSet {
        self.switch
            .ports_for(self.vlan, source, group, Some(PortId(ingress)))
    }

    /// Checks the event-built table against `ports_for` for these groups and sources, from
    /// every ingress port.
    pub fn check_table(&self, groups: &[F::Addr], sources: &[F::Addr], port_count: u16) {
        for &group in groups {
            for &source in sources {
                for ingress in 1..=port_count {
                    let ingress = Some(PortId(ingress));
                    let all = self
                        .switch
                        .ports_for(self.vlan, source, F::ALL_SYSTEMS, ingress);
                    // A group no report names stands for the unregistered set.
                    let unregistered =
                        self.switch
                            .ports_for(self.vlan, source, F::group(250), ingress);
                    let expected = self.switch.ports_for(self.vlan, source, group, ingress);
                    let mirrored = self.table.ports_for(
                        self.vlan,
                        source,
                        group,
                        ingress,
                        &all,
                        &unregistered,
                    );
                    assert_eq!(
                        mirrored, expected,
                        "the event table disagrees with ports_for for ({source}, {group}) from {ingress:?}"
                    );
                }
            }
        }
    }
}
