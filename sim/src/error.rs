//! The simulator's error type.

use std::net::IpAddr;
use std::time::Duration;

use crate::node::NodeId;

/// Why a simulation, a scripted action or the demo failed.
///
/// A packet that a node's protocol refuses is not an error of the simulation (the node notes it in
/// the timeline); a packet the simulation itself cannot carry is, because it would end up in the
/// capture as a malformed frame.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SimError {
    /// A node sent bytes that are not an IPv4 or IPv6 packet.
    #[error("node {node} sent a packet that is not valid IP at {at:?}: {reason}")]
    MalformedPacket {
        /// The sender.
        node: NodeId,
        /// When.
        at: Duration,
        /// What the IP parser said.
        reason: String,
    },
    /// A node sent a unicast packet to an address no interface on the link has.
    #[error("node {node} sent a packet to {destination}, which no neighbour on the link has")]
    NoNeighbour {
        /// The sender.
        node: NodeId,
        /// The unicast destination.
        destination: IpAddr,
    },
    /// A node or interface id that the simulation did not hand out.
    #[error("no such {what}: {id}")]
    Unknown {
        /// `"node"`, `"link"` or `"interface"`.
        what: &'static str,
        /// The id.
        id: usize,
    },
    /// A scripted action was written for another type of node than the one it was given.
    #[error("the action {description:?} expects a {expected}, but node {node} is another type")]
    WrongNodeType {
        /// The node.
        node: NodeId,
        /// The action's description.
        description: String,
        /// The type the action expects.
        expected: &'static str,
    },
    /// A scripted action failed.
    #[error("the action {description:?} of node {node} failed")]
    Action {
        /// The node.
        node: NodeId,
        /// The action's description.
        description: String,
        /// Why.
        #[source]
        source: Box<SimError>,
    },
    /// The nodes kept the clock from moving: too many steps at one instant, which means some
    /// node's `poll_timeout` stays at or before the current time after `handle_timeout`, or two
    /// nodes answer each other forever.
    #[error("no progress at {at:?}: more than {steps} steps at one instant")]
    Stalled {
        /// The instant the clock is stuck at.
        at: Duration,
        /// The step limit that was reached.
        steps: u64,
    },
    /// A host refused a socket filter command (RFC 3376/9776 §2, RFC 3678 §4).
    #[error("socket filter refused: {0}")]
    Filter(#[from] mcast_igmp::host::FilterError),
    /// A node has no protocol instance for the address family of an action (an IPv6 group given
    /// to a node that runs only IGMP).
    #[error("node {node} runs no {protocol}")]
    NoProtocol {
        /// The node.
        node: NodeId,
        /// `"IGMP"` or `"MLD"`.
        protocol: &'static str,
    },
    /// A source of another address family than its group.
    #[error("source {source_address} and group {group} are of different address families")]
    FamilyMismatch {
        /// The group.
        group: IpAddr,
        /// The source.
        source_address: IpAddr,
    },
    /// Writing the timeline or the capture failed.
    #[error("I/O: {0}")]
    Io(#[from] std::io::Error),
    /// The pcap writer refused.
    #[error("pcap: {0}")]
    Pcap(#[from] pcap_file::PcapError),
}
