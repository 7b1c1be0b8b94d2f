// Nothing here reads untrusted input, but the family's rule holds: no unwrap, no indexing, no
// unchecked arithmetic in library code.
#![cfg_attr(
    not(test),
    deny(
        clippy::unwrap_used,
        clippy::expect_used,
        clippy::panic,
        clippy::indexing_slicing,
        clippy::arithmetic_side_effects,
        clippy::unimplemented,
        clippy::todo
    )
)]
//! A deterministic, in-memory network simulator for the Sans-IO state machines of the `mcast`
//! crates, and the `mcast demo` scenario that runs on it.
//!
//! A [`Simulation`] holds nodes (each a state machine behind the [`Node`] trait, with its own
//! RNG seeded from the simulation seed) attached to links (LANs). Whatever a node sends is
//! framed as Ethernet with the right MAC addresses, recorded, and delivered to the other nodes
//! of the link; one virtual clock jumps to the next delivery, scripted action or timer
//! (`poll_timeout`). The [`Recorder`] keeps the timeline (who sent what, each protocol event)
//! and every frame, written as a pcap file for Wireshark. The same seed and script give the same
//! timeline and the same pcap bytes.
//!
//! [`gmp`] has the IGMP/MLD nodes ([`gmp::GmpRouter`], [`gmp::GmpHost`]) over `mcast-igmp`;
//! [`traffic`] has a UDP source for scenarios where data must flow; [`demo`] is the scenario
//! `mcast demo` shows.
//!
//! ```
//! use std::net::{IpAddr, Ipv4Addr};
//! use std::time::Duration;
//! use mcast_igmp::gmp::{HostConfig, RouterConfig};
//! use mcast_sim::gmp::{GmpHost, GmpRouter};
//! use mcast_sim::{Simulation, TimelineStyle};
//!
//! let mut sim = Simulation::new(7);
//! let lan = sim.add_link("lan");
//! let a = Ipv4Addr::new(10, 0, 0, 1);
//! let b = Ipv4Addr::new(10, 0, 0, 2);
//! let router_a = sim.add_node("router-A", GmpRouter::new().with_igmp(RouterConfig::new(a)));
//! let router_b = sim.add_node("router-B", GmpRouter::new().with_igmp(RouterConfig::new(b)));
//! sim.attach(router_a, lan, [a.into()])?;
//! sim.attach(router_b, lan, [b.into()])?;
//! sim.start_at(Duration::ZERO, router_b, "starts");
//! sim.start_at(Duration::from_secs(1), router_a, "starts");
//! sim.run_until(Duration::from_secs(10))?;
//!
//! // The lower address won the election.
//! let querier = sim.node::<GmpRouter>(router_b).unwrap().igmp().unwrap().querier();
//! assert_eq!(querier, Some(a));
//!
//! let mut timeline = Vec::new();
//! sim.recorder().write_timeline(&mut timeline, TimelineStyle::default())?;
//! let timeline = String::from_utf8(timeline).unwrap();
//! assert!(timeline.contains("IGMP querier is router-A 10.0.0.1, a lower address"));
//! let mut pcap = Vec::new();
//! sim.recorder().write_pcap(&mut pcap)?;
//! # Ok::<(), mcast_sim::SimError>(())
//! ```

pub mod demo;
mod error;
pub mod gmp;
mod node;
mod recorder;
mod rng;
mod sim;
pub mod traffic;

pub use error::SimError;
pub use node::{Context, InterfaceId, IpPacket, LinkId, Node, NodeId, Outgoing};
pub use recorder::{Entry, Frame, Level, Recorder, TimelineStyle, What, format_time};
pub use rng::SimRng;
pub use sim::{LinkConfig, Simulation};
