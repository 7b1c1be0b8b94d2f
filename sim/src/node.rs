//! What a simulated node is: a state machine behind the [`Node`] trait, and the [`Context`] it
//! talks to the simulation through.

use std::any::Any;
use std::collections::BTreeMap;
use std::fmt;
use std::net::IpAddr;
use std::time::Duration;

use crate::recorder::{Entry, Level, Recorder, What};
use crate::rng::SimRng;

/// A node of the simulation, in the order nodes were added (0, 1, 2…).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct NodeId(pub usize);

impl fmt::Display for NodeId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "#{}", self.0)
    }
}

/// An interface of one node, numbered per node in the order it was attached (0, 1, 2…): what a
/// router's state machines call an ifindex.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct InterfaceId(pub usize);

impl fmt::Display for InterfaceId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "if{}", self.0)
    }
}

/// A link (an Ethernet LAN, or a point-to-point link: a LAN of two), in the order links were
/// added.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct LinkId(pub usize);

impl fmt::Display for LinkId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "link{}", self.0)
    }
}

/// An IP packet as a node receives it: the header fields a protocol checks, already parsed, and
/// the bytes.
#[derive(Debug, Clone, Copy)]
pub struct IpPacket<'a> {
    /// The IP source address.
    pub source: IpAddr,
    /// The IP destination address.
    pub destination: IpAddr,
    /// IPv4 Protocol, or the IPv6 Next Header after the extension headers (2 for IGMP, 58 for
    /// ICMPv6, 103 for PIM…).
    pub protocol: u8,
    /// IPv4 TTL or IPv6 Hop Limit, as sent (the simulated links do not decrement it).
    pub hop_limit: u8,
    /// The payload after the IP header and extension headers: the IGMP, MLD, PIM… message.
    pub payload: &'a [u8],
    /// The whole IP packet, header included.
    pub bytes: &'a [u8],
}

/// A packet a node hands to the simulation, with what the timeline says about it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outgoing {
    /// A complete IPv4 or IPv6 packet (the simulation adds the Ethernet header).
    pub packet: Vec<u8>,
    /// The message type, counted in the summary: `"IGMPv3 general query"`, `"PIM hello"`…
    pub kind: String,
    /// One line about the message for the timeline (the codec's `Display`).
    pub summary: String,
}

/// A node's state machine(s), as the simulation drives them.
///
/// Every call gets a [`Context`]: the current time, the node's own RNG, and the way to send
/// packets and note events. After each call the simulation calls [`Node::drain`], so an
/// implementation moves its state machines' queued output (`poll_transmit`, `poll_event`) into
/// the context in one place. The methods follow the family's Sans-IO call order: the simulation
/// calls [`Node::handle_timeout`] when the clock reaches [`Node::poll_timeout`].
///
/// A node is started by a scripted action ([`crate::Simulation::start_at`]); until then it hears
/// nothing and its timers do not run. Scripted actions reach the node's own type through
/// [`crate::Simulation::at`].
pub trait Node: Any {
    /// Starts the protocol(s): `enable(now…)`.
    fn start(&mut self, cx: &mut Context<'_>);

    /// Stops the protocol(s) gracefully: `disable(…)`, which may send a last message. After it
    /// the node hears nothing and its timers stop, until it is started again.
    fn stop(&mut self, cx: &mut Context<'_>);

    /// A packet arrived on `interface`.
    fn handle_packet(
        &mut self,
        cx: &mut Context<'_>,
        interface: InterfaceId,
        packet: &IpPacket<'_>,
    );

    /// The clock reached [`Node::poll_timeout`]: fire every timer due.
    fn handle_timeout(&mut self, cx: &mut Context<'_>);

    /// When [`Node::handle_timeout`] must be called next, if ever.
    fn poll_timeout(&self) -> Option<Duration>;

    /// Moves the state machines' queued output into the context: send every pending transmit
    /// with [`Context::send`], note every event with [`Context::note`]. Called after every
    /// other call, scripted actions included.
    fn drain(&mut self, cx: &mut Context<'_>);
}

/// What a node sees of the simulation during one call.
pub struct Context<'a> {
    pub(crate) now: Duration,
    pub(crate) node: NodeId,
    pub(crate) rng: &'a mut SimRng,
    pub(crate) outbox: &'a mut Vec<(InterfaceId, Outgoing)>,
    pub(crate) recorder: &'a mut Recorder,
    pub(crate) directory: &'a BTreeMap<IpAddr, NodeId>,
}

impl fmt::Debug for Context<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Context")
            .field("now", &self.now)
            .field("node", &self.node)
            .finish_non_exhaustive()
    }
}

impl Context<'_> {
    /// The simulated time, since the start of the simulation.
    #[must_use]
    pub fn now(&self) -> Duration {
        self.now
    }

    /// The node being called.
    #[must_use]
    pub fn node(&self) -> NodeId {
        self.node
    }

    /// The node's RNG, seeded from the simulation's seed and the node's id: the only randomness
    /// a state machine gets.
    pub fn rng(&mut self) -> &mut SimRng {
        self.rng
    }

    /// Sends `packet` on the node's `interface`. The simulation frames it (the interface's MAC
    /// address as source, the group's multicast MAC or the neighbour's MAC as destination),
    /// records it in the timeline and the capture, and delivers it to every other node on the
    /// link (to the one that has the destination address, for unicast).
    pub fn send(&mut self, interface: InterfaceId, packet: Outgoing) {
        self.outbox.push((interface, packet));
    }

    /// Notes something in the timeline: `topic` names the kind of event (`"querier"`,
    /// `"membership"`…) for programs that read the timeline; `address` is the node's address the
    /// line is about (its IPv4 or IPv6 address), shown beside the node's name.
    pub fn note(
        &mut self,
        level: Level,
        topic: &'static str,
        address: Option<IpAddr>,
        text: impl Into<String>,
    ) {
        self.recorder.push(Entry {
            time: self.now,
            node: self.node,
            address,
            what: What::Note {
                level,
                topic,
                text: text.into(),
            },
        });
    }

    /// `address` with the name of the node that has it: `router-A 10.0.0.1`, or the bare
    /// address if no node of the simulation has it.
    #[must_use]
    pub fn describe(&self, address: IpAddr) -> String {
        match self.directory.get(&address) {
            Some(node) => format!("{} {address}", self.recorder.node_name(*node)),
            None => address.to_string(),
        }
    }
}
