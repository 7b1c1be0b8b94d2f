//! The simulation: nodes on links, one virtual clock, scripted actions, and the run loop.

use std::any::{Any, type_name};
use std::collections::BTreeMap;
use std::net::IpAddr;
use std::rc::Rc;
use std::time::Duration;

use etherparse::{EtherType, Ethernet2Header, IpSlice};
use mcast_addr::{Ipv4MulticastAddr, Ipv6MulticastAddr, MacAddr};

use crate::error::SimError;
use crate::node::{Context, InterfaceId, IpPacket, LinkId, Node, NodeId, Outgoing};
use crate::recorder::{Entry, Frame, Level, Recorder, What};
use crate::rng::SimRng;

/// Most steps (deliveries, actions, timeouts) the simulation takes at one instant before it
/// decides the nodes are stuck.
const MAX_STEPS_PER_INSTANT: u64 = 1_000_000;

/// How a link carries frames.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct LinkConfig {
    /// The time between a frame's sending and its arrival at every other node: zero by default
    /// (a frame sent at `t` arrives at `t`, after everything already due at `t`).
    pub delay: Duration,
}

/// A scripted action on a node, written for the node's own type.
type CustomAction = Box<dyn FnOnce(&mut dyn Node, &mut Context<'_>) -> Result<(), SimError>>;

enum ActionKind {
    Start,
    Stop,
    InterfaceUp(InterfaceId, bool),
    Custom(CustomAction),
}

enum Pending {
    Deliver {
        interface: usize,
        packet: Rc<[u8]>,
    },
    Action {
        node: NodeId,
        description: String,
        kind: ActionKind,
    },
}

struct NodeSlot {
    node: Box<dyn Node>,
    rng: SimRng,
    running: bool,
    /// Indices into `Simulation::interfaces`, by [`InterfaceId`].
    interfaces: Vec<usize>,
}

struct Interface {
    node: NodeId,
    local: InterfaceId,
    link: LinkId,
    mac: MacAddr,
    addresses: Vec<IpAddr>,
    up: bool,
}

struct Link {
    config: LinkConfig,
    /// Indices into `Simulation::interfaces`.
    interfaces: Vec<usize>,
}

/// A deterministic, in-memory network of Sans-IO state machines.
///
/// Nodes ([`Node`]) are attached to links (LANs); whatever a node sends on an interface is
/// framed (Ethernet, with the interface's MAC address and the multicast MAC address of the
/// group, RFC 1112 §6.4 and RFC 2464 §7), recorded, and delivered to every other node on the link
/// (only to the owner of the destination address, for unicast). One virtual clock moves to the
/// earliest of: the next delivery, the next scripted action, the earliest [`Node::poll_timeout`].
/// At one instant, deliveries and actions go first in the order they were scheduled, then
/// timeouts, lowest node id first. Every node has its own RNG seeded from the simulation seed,
/// so the same seed and script give the same timeline and the same capture, byte for byte.
///
/// ```
/// use std::net::{IpAddr, Ipv4Addr};
/// use std::time::Duration;
/// use mcast_addr::family::Ipv4;
/// use mcast_igmp::gmp::{HostConfig, RouterConfig};
/// use mcast_sim::gmp::{GmpHost, GmpRouter};
/// use mcast_sim::Simulation;
///
/// let router_address = Ipv4Addr::new(192, 0, 2, 1);
/// let host_address = Ipv4Addr::new(192, 0, 2, 7);
/// let group: IpAddr = Ipv4Addr::new(239, 1, 2, 3).into();
///
/// let mut sim = Simulation::new(42);
/// let lan = sim.add_link("lan");
/// let router = sim.add_node("router", GmpRouter::new().with_igmp(RouterConfig::new(router_address)));
/// let host = sim.add_node("host", GmpHost::new().with_igmp(HostConfig::new(host_address)));
/// sim.attach(router, lan, [router_address.into()])?;
/// sim.attach(host, lan, [host_address.into()])?;
/// sim.start_at(Duration::ZERO, router, "starts");
/// sim.start_at(Duration::ZERO, host, "starts");
/// sim.at(Duration::from_secs(1), host, "joins 239.1.2.3", move |h: &mut GmpHost, cx| {
///     h.join(cx, group)
/// });
/// sim.run_until(Duration::from_secs(30))?;
///
/// let router = sim.node::<GmpRouter>(router).unwrap().igmp().unwrap();
/// assert!(router.should_forward(Ipv4Addr::new(198, 51, 100, 1), Ipv4Addr::new(239, 1, 2, 3)));
/// assert!(!sim.recorder().frames().is_empty());
/// # Ok::<(), mcast_sim::SimError>(())
/// ```
pub struct Simulation {
    seed: u64,
    now: Duration,
    nodes: Vec<NodeSlot>,
    interfaces: Vec<Interface>,
    links: Vec<Link>,
    queue: BTreeMap<(Duration, u64), Pending>,
    sequence: u64,
    recorder: Recorder,
    directory: BTreeMap<IpAddr, NodeId>,
    outbox: Vec<(InterfaceId, Outgoing)>,
}

impl std::fmt::Debug for Simulation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Simulation")
            .field("seed", &self.seed)
            .field("now", &self.now)
            .field("nodes", &self.nodes.len())
            .field("links", &self.links.len())
            .field("pending", &self.queue.len())
            .finish_non_exhaustive()
    }
}

impl Simulation {
    /// An empty simulation at time zero whose nodes draw from RNGs seeded with `seed`.
    #[must_use]
    pub fn new(seed: u64) -> Self {
        Self {
            seed,
            now: Duration::ZERO,
            nodes: Vec::new(),
            interfaces: Vec::new(),
            links: Vec::new(),
            queue: BTreeMap::new(),
            sequence: 0,
            recorder: Recorder::default(),
            directory: BTreeMap::new(),
            outbox: Vec::new(),
        }
    }

    /// The seed.
    #[must_use]
    pub fn seed(&self) -> u64 {
        self.seed
    }

    /// The simulated time.
    #[must_use]
    pub fn now(&self) -> Duration {
        self.now
    }

    /// Adds a link that delivers frames at once.
    pub fn add_link(&mut self, name: impl Into<String>) -> LinkId {
        self.add_link_with(name, LinkConfig::default())
    }

    /// Adds a link with `config`.
    pub fn add_link_with(&mut self, name: impl Into<String>, config: LinkConfig) -> LinkId {
        self.links.push(Link {
            config,
            interfaces: Vec::new(),
        });
        self.recorder.add_link(name.into());
        LinkId(self.links.len().saturating_sub(1))
    }

    /// Adds a node, stopped: start it with [`Simulation::start_at`]. `name` is how the timeline
    /// calls it.
    pub fn add_node(&mut self, name: impl Into<String>, node: impl Node) -> NodeId {
        let id = NodeId(self.nodes.len());
        self.nodes.push(NodeSlot {
            node: Box::new(node),
            rng: SimRng::for_node(self.seed, id.0),
            running: false,
            interfaces: Vec::new(),
        });
        self.recorder.add_node(name.into());
        id
    }

    /// Gives `node` a new interface on `link` with `addresses` (the addresses its packets on the
    /// link come from, used to find the neighbour of a unicast packet and to name the node in
    /// the timeline). The interface's MAC address is locally administered and unique:
    /// `02:00:NN:NN:II:II` from the node's and the interface's numbers.
    ///
    /// # Errors
    ///
    /// [`SimError::Unknown`] for a node or link not of this simulation.
    pub fn attach(
        &mut self,
        node: NodeId,
        link: LinkId,
        addresses: impl IntoIterator<Item = IpAddr>,
    ) -> Result<InterfaceId, SimError> {
        let slot = self.nodes.get_mut(node.0).ok_or(SimError::Unknown {
            what: "node",
            id: node.0,
        })?;
        let wire = self.links.get_mut(link.0).ok_or(SimError::Unknown {
            what: "link",
            id: link.0,
        })?;
        let local = InterfaceId(slot.interfaces.len());
        let number = node.0.wrapping_add(1);
        let mac = MacAddr::new(
            0x02,
            0,
            (number >> 8) as u8,
            number as u8,
            (local.0 >> 8) as u8,
            local.0 as u8,
        );
        let addresses: Vec<IpAddr> = addresses.into_iter().collect();
        for address in &addresses {
            self.directory.entry(*address).or_insert(node);
        }
        let index = self.interfaces.len();
        self.interfaces.push(Interface {
            node,
            local,
            link,
            mac,
            addresses,
            up: true,
        });
        slot.interfaces.push(index);
        wire.interfaces.push(index);
        Ok(local)
    }

    /// The MAC address of `node`'s `interface`.
    #[must_use]
    pub fn mac(&self, node: NodeId, interface: InterfaceId) -> Option<MacAddr> {
        let index = *self.nodes.get(node.0)?.interfaces.get(interface.0)?;
        self.interfaces.get(index).map(|i| i.mac)
    }

    /// The node, as its own type, to read its state.
    #[must_use]
    pub fn node<N: Node>(&self, node: NodeId) -> Option<&N> {
        let node: &dyn Any = self.nodes.get(node.0)?.node.as_ref();
        node.downcast_ref()
    }

    /// The node, as its own type, to change it between runs.
    #[must_use]
    pub fn node_mut<N: Node>(&mut self, node: NodeId) -> Option<&mut N> {
        let node: &mut dyn Any = self.nodes.get_mut(node.0)?.node.as_mut();
        node.downcast_mut()
    }

    /// The timeline and the frames so far.
    #[must_use]
    pub fn recorder(&self) -> &Recorder {
        &self.recorder
    }

    // ----- Script ---------------------------------------------------------------------------

    fn schedule(&mut self, time: Duration, pending: Pending) {
        let time = time.max(self.now);
        self.queue.insert((time, self.sequence), pending);
        self.sequence = self.sequence.wrapping_add(1);
    }

    /// Starts `node` at `time` ([`Node::start`]); `description` is the timeline's line for it
    /// (`"starts"`).
    pub fn start_at(&mut self, time: Duration, node: NodeId, description: impl Into<String>) {
        self.schedule(
            time,
            Pending::Action {
                node,
                description: description.into(),
                kind: ActionKind::Start,
            },
        );
    }

    /// Stops `node` at `time` ([`Node::stop`]): its protocols are disabled, it hears nothing
    /// more and its timers stop. `description` is the timeline's line for it (`"stops"`).
    pub fn stop_at(&mut self, time: Duration, node: NodeId, description: impl Into<String>) {
        self.schedule(
            time,
            Pending::Action {
                node,
                description: description.into(),
                kind: ActionKind::Stop,
            },
        );
    }

    /// Plugs (`up`) or unplugs `node`'s `interface` at `time`. An unplugged interface neither
    /// sends nor receives, but the node runs on and does not know.
    pub fn set_interface_up_at(
        &mut self,
        time: Duration,
        node: NodeId,
        interface: InterfaceId,
        up: bool,
    ) {
        let description = if up {
            format!("{interface} plugged in")
        } else {
            format!("{interface} unplugged")
        };
        self.schedule(
            time,
            Pending::Action {
                node,
                description,
                kind: ActionKind::InterfaceUp(interface, up),
            },
        );
    }

    /// Runs `action` on `node` (of type `N`) at `time`: a join, a leave, a new filter or
    /// configuration… `description` is the timeline's line for it. The node's output is drained
    /// afterwards ([`Node::drain`]).
    pub fn at<N: Node>(
        &mut self,
        time: Duration,
        node: NodeId,
        description: impl Into<String>,
        action: impl FnOnce(&mut N, &mut Context<'_>) -> Result<(), SimError> + 'static,
    ) {
        let description = description.into();
        let label = description.clone();
        let custom: CustomAction = Box::new(move |node: &mut dyn Node, cx: &mut Context<'_>| {
            let any: &mut dyn Any = node;
            match any.downcast_mut::<N>() {
                Some(node) => action(node, cx),
                None => Err(SimError::WrongNodeType {
                    node: cx.node(),
                    description: label,
                    expected: type_name::<N>(),
                }),
            }
        });
        self.schedule(
            time,
            Pending::Action {
                node,
                description,
                kind: ActionKind::Custom(custom),
            },
        );
    }

    // ----- Run ------------------------------------------------------------------------------

    /// Runs the simulation for `duration` more.
    ///
    /// # Errors
    ///
    /// As [`Simulation::run_until`].
    pub fn run_for(&mut self, duration: Duration) -> Result<(), SimError> {
        self.run_until(self.now.saturating_add(duration))
    }

    /// Runs the simulation until the clock reaches `end`: everything due at or before `end`
    /// happens, and the clock stops at `end`.
    ///
    /// # Errors
    ///
    /// A scripted action's error ([`SimError::Action`]), a packet the simulation cannot carry
    /// ([`SimError::MalformedPacket`], [`SimError::NoNeighbour`]), or [`SimError::Stalled`].
    pub fn run_until(&mut self, end: Duration) -> Result<(), SimError> {
        let mut steps: u64 = 0;
        loop {
            let next_queued = self.queue.keys().next().map(|(time, _)| *time);
            let next_timeout = self
                .nodes
                .iter()
                .enumerate()
                .filter(|(_, slot)| slot.running)
                .filter_map(|(index, slot)| {
                    slot.node
                        .poll_timeout()
                        .map(|t| (t.max(self.now), NodeId(index)))
                })
                .min();
            let queued_first = match (next_queued, next_timeout) {
                (None, None) => break,
                (Some(q), Some((t, _))) => q <= t,
                (Some(_), None) => true,
                (None, Some(_)) => false,
            };
            let time = if queued_first {
                next_queued.unwrap_or(self.now)
            } else {
                next_timeout.map_or(self.now, |(t, _)| t)
            };
            if time > end {
                break;
            }
            if time > self.now {
                self.now = time;
                steps = 0;
            }
            steps = steps.saturating_add(1);
            if steps > MAX_STEPS_PER_INSTANT {
                return Err(SimError::Stalled {
                    at: self.now,
                    steps: MAX_STEPS_PER_INSTANT,
                });
            }
            if queued_first {
                if let Some((_, pending)) = self.queue.pop_first() {
                    self.process(pending)?;
                }
            } else if let Some((_, node)) = next_timeout {
                self.call(node, Node::handle_timeout)?;
            }
        }
        self.now = self.now.max(end);
        Ok(())
    }

    fn process(&mut self, pending: Pending) -> Result<(), SimError> {
        match pending {
            Pending::Deliver { interface, packet } => self.deliver(interface, &packet),
            Pending::Action {
                node,
                description,
                kind,
            } => {
                if node.0 >= self.nodes.len() {
                    return Err(SimError::Unknown {
                        what: "node",
                        id: node.0,
                    });
                }
                let address = self.first_address(node);
                self.recorder.push(Entry {
                    time: self.now,
                    node,
                    address,
                    what: What::Action {
                        description: description.clone(),
                    },
                });
                match kind {
                    ActionKind::Start => {
                        self.set_running(node, true);
                        self.call(node, Node::start)
                    }
                    ActionKind::Stop => {
                        let result = self.call(node, Node::stop);
                        self.set_running(node, false);
                        result
                    }
                    ActionKind::InterfaceUp(local, up) => {
                        let index = self
                            .nodes
                            .get(node.0)
                            .and_then(|slot| slot.interfaces.get(local.0))
                            .copied()
                            .ok_or(SimError::Unknown {
                                what: "interface",
                                id: local.0,
                            })?;
                        if let Some(interface) = self.interfaces.get_mut(index) {
                            interface.up = up;
                        }
                        Ok(())
                    }
                    ActionKind::Custom(action) => self
                        .call(node, action)
                        .and_then(|result| result)
                        .map_err(|source| SimError::Action {
                            node,
                            description,
                            source: Box::new(source),
                        }),
                }
            }
        }
    }

    fn set_running(&mut self, node: NodeId, running: bool) {
        if let Some(slot) = self.nodes.get_mut(node.0) {
            slot.running = running;
        }
    }

    fn first_address(&self, node: NodeId) -> Option<IpAddr> {
        let slot = self.nodes.get(node.0)?;
        slot.interfaces
            .iter()
            .filter_map(|index| self.interfaces.get(*index))
            .find_map(|interface| interface.addresses.first().copied())
    }

    /// Calls into `node` with a context, drains it, and sends what it queued.
    fn call<R>(
        &mut self,
        node: NodeId,
        f: impl FnOnce(&mut dyn Node, &mut Context<'_>) -> R,
    ) -> Result<R, SimError> {
        let slot = self.nodes.get_mut(node.0).ok_or(SimError::Unknown {
            what: "node",
            id: node.0,
        })?;
        let mut cx = Context {
            now: self.now,
            node,
            rng: &mut slot.rng,
            outbox: &mut self.outbox,
            recorder: &mut self.recorder,
            directory: &self.directory,
        };
        let result = f(slot.node.as_mut(), &mut cx);
        slot.node.drain(&mut cx);
        self.flush(node)?;
        Ok(result)
    }

    /// Frames, records and schedules the delivery of everything `node` sent.
    fn flush(&mut self, node: NodeId) -> Result<(), SimError> {
        let outbox = std::mem::take(&mut self.outbox);
        for (local, outgoing) in outbox {
            self.send(node, local, outgoing)?;
        }
        Ok(())
    }

    fn send(
        &mut self,
        node: NodeId,
        local: InterfaceId,
        outgoing: Outgoing,
    ) -> Result<(), SimError> {
        let index = self
            .nodes
            .get(node.0)
            .and_then(|slot| slot.interfaces.get(local.0))
            .copied()
            .ok_or(SimError::Unknown {
                what: "interface",
                id: local.0,
            })?;
        let ip = IpSlice::from_slice(&outgoing.packet).map_err(|e| SimError::MalformedPacket {
            node,
            at: self.now,
            reason: e.to_string(),
        })?;
        let (source, destination) = (ip.source_addr(), ip.destination_addr());
        let Some(interface) = self.interfaces.get(index) else {
            return Ok(());
        };
        if !interface.up {
            self.recorder.push(Entry {
                time: self.now,
                node,
                address: Some(source),
                what: What::Note {
                    level: Level::Detail,
                    topic: "unplugged",
                    text: format!("{} not sent: {local} is unplugged", outgoing.kind),
                },
            });
            return Ok(());
        }
        let link = interface.link;
        let Some(wire) = self.links.get(link.0) else {
            return Ok(());
        };
        let (destination_mac, receivers) = self.receivers(node, index, link, destination)?;
        let ether_type = match destination {
            IpAddr::V4(_) => EtherType::IPV4,
            IpAddr::V6(_) => EtherType::IPV6,
        };
        let header = Ethernet2Header {
            source: interface.mac.octets(),
            destination: destination_mac.octets(),
            ether_type,
        };
        let mut bytes =
            Vec::with_capacity(Ethernet2Header::LEN.saturating_add(outgoing.packet.len()));
        bytes.extend_from_slice(&header.to_bytes());
        bytes.extend_from_slice(&outgoing.packet);
        let frame = self.recorder.push_frame(Frame {
            time: self.now,
            link,
            bytes,
        });
        self.recorder.push(Entry {
            time: self.now,
            node,
            address: Some(source),
            what: What::Sent {
                link,
                interface: local,
                destination,
                kind: outgoing.kind,
                summary: outgoing.summary,
                frame,
            },
        });
        let arrival = self.now.saturating_add(wire.config.delay);
        let packet: Rc<[u8]> = outgoing.packet.into();
        for interface in receivers {
            self.schedule(
                arrival,
                Pending::Deliver {
                    interface,
                    packet: Rc::clone(&packet),
                },
            );
        }
        Ok(())
    }

    /// Who receives a packet to `destination` sent by interface `index` on `link`, and with which
    /// destination MAC address: every other interface for multicast and broadcast, the owner of
    /// the address for unicast.
    fn receivers(
        &self,
        node: NodeId,
        index: usize,
        link: LinkId,
        destination: IpAddr,
    ) -> Result<(MacAddr, Vec<usize>), SimError> {
        let mut others = self
            .links
            .get(link.0)
            .into_iter()
            .flat_map(|wire| wire.interfaces.iter().copied())
            .filter(|other| *other != index);
        if let Some(mac) = destination_mac(destination) {
            return Ok((mac, others.collect()));
        }
        others
            .find_map(|other| {
                let neighbour = self.interfaces.get(other)?;
                neighbour
                    .addresses
                    .contains(&destination)
                    .then_some((neighbour.mac, vec![other]))
            })
            .ok_or(SimError::NoNeighbour { node, destination })
    }

    fn deliver(&mut self, index: usize, bytes: &[u8]) -> Result<(), SimError> {
        let Some(interface) = self.interfaces.get(index) else {
            return Ok(());
        };
        let (node, local) = (interface.node, interface.local);
        let running = self.nodes.get(node.0).is_some_and(|slot| slot.running);
        if !interface.up || !running {
            return Ok(());
        }
        // The packet parsed when it was sent; it cannot fail now.
        let Ok(ip) = IpSlice::from_slice(bytes) else {
            return Ok(());
        };
        let hop_limit = match &ip {
            IpSlice::Ipv4(v4) => v4.header().ttl(),
            IpSlice::Ipv6(v6) => v6.header().hop_limit(),
        };
        let packet = IpPacket {
            source: ip.source_addr(),
            destination: ip.destination_addr(),
            protocol: ip.payload_ip_number().0,
            hop_limit,
            payload: ip.payload().payload,
            bytes,
        };
        self.call(node, |node, cx| node.handle_packet(cx, local, &packet))
    }
}

/// The destination MAC address of a packet to `destination`, or `None` for a unicast address
/// (the neighbour's MAC address, found on the link).
fn destination_mac(destination: IpAddr) -> Option<MacAddr> {
    match destination {
        IpAddr::V4(v4) if v4.is_broadcast() => {
            Some(MacAddr::new(0xff, 0xff, 0xff, 0xff, 0xff, 0xff))
        }
        IpAddr::V4(v4) => Ipv4MulticastAddr::new(v4).map(MacAddr::from_ipv4_multicast),
        IpAddr::V6(v6) => Ipv6MulticastAddr::new(v6).map(MacAddr::from_ipv6_multicast),
    }
}
