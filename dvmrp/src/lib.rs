#![no_std]
#![cfg_attr(docsrs, feature(doc_cfg))]
// Untrusted input must never reach a panic: library code may not unwrap, index or do unchecked
// arithmetic. Tests, benches and examples are separate crates or `cfg(test)` and may.
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
//! DVMRP, the Distance Vector Multicast Routing Protocol (draft-ietf-idmr-dvmrp-v3-11, RFC 1075):
//! a zero-copy codec for every message, built on the IGMP codec, and a Sans-IO router
//! ([`router::Router`], with the `alloc` feature).
//!
//! DVMRP rides in IGMP messages of type 0x13. [`wire::Message::parse`] reads one from the bytes
//! after the IP header and checks the IGMP checksum ([`wire::ChecksumPolicy`]);
//! [`wire::Message::from_igmp`] takes the [`mcast_igmp::wire::RawMessage`] a caller already got
//! from the IGMP codec, without a second checksum pass. Either gives a [`wire::Message`]: the
//! header (capabilities as [`wire::Capabilities`] flags, [`wire::Version`] telling the draft's
//! 3.255 from older versions) and a [`wire::Body`]:
//!
//! - **Probe** (Code 1): Generation ID and the neighbor list.
//! - **Report** (Code 2): the packed route blocks, read by an allocation-free iterator of
//!   [`wire::Route`]s (prefix and [`wire::Metric`]: 32 is infinity, 33 to 63 poison reverse), and
//!   [`wire::ReportBuilder`], which packs a route table into Reports no larger than an MTU.
//! - **Ask Neighbors 2 / Neighbors 2** (Codes 5 and 6, what `mrinfo` uses): interfaces with
//!   metric, threshold, [`wire::InterfaceFlags`] and neighbors.
//! - **Prune** (7, lifetime and optional netmask), **Graft** (8), **Graft Ack** (9), and
//!   **Info Request / Reply** (10, 11).
//! - Anything else (obsolete codes, unassigned codes, RFC 1075 version 1 messages) is kept raw.
//!
//! Every list is validated once when the message is parsed, so iterating it cannot fail; every
//! message emits into a caller's buffer with its checksum, and `parse(emit(m)) == m`. Nothing
//! here allocates: the crate is `no_std` without features.
//!
//! # Example
//!
//! A router reports its routes in as few 576-byte packets as it takes, and a neighbor reads
//! them back:
//!
//! ```
//! use core::net::Ipv4Addr;
//! use mcast_dvmrp::wire::{Body, ChecksumPolicy, Message, Metric, ReportBuilder, Route};
//!
//! let one = Metric::new(1).unwrap();
//! let routes = [
//!     Route::default_route(Metric::new(5).unwrap()),
//!     Route::new(Ipv4Addr::new(10, 0, 0, 0), 8, one)?,
//!     Route::new(Ipv4Addr::new(192, 168, 1, 0), 24, one)?,
//!     Route::new(Ipv4Addr::new(192, 168, 2, 0), 24, one.poison_reversed())?,
//! ];
//! let mut builder = ReportBuilder::new(&routes, 576)?;
//! let mut packet = [0u8; 576];
//! let len = builder.emit_next(&mut packet)?.expect("one report");
//! assert!(builder.emit_next(&mut packet[len..])?.is_none());
//!
//! let message = Message::parse(&packet[..len], ChecksumPolicy::Verify)?;
//! let Body::Report(report) = message.body else { panic!("not a report") };
//! let received: Vec<Route> = report.routes().collect();
//! assert_eq!(received, routes);
//! assert!(received[3].metric().is_poison_reverse());
//! assert_eq!(
//!     message.to_string(),
//!     "DVMRP Report (v3.255) routes: 0.0.0.0/0 metric 5, 10.0.0.0/8 metric 1, \
//!      192.168.1.0/24 metric 1, 192.168.2.0/24 metric 33 (poison reverse of 1)"
//! );
//! # Ok::<(), mcast_dvmrp::DvmrpError>(())
//! ```
//!
//! # The router
//!
//! One [`router::Router`] runs DVMRP on all the interfaces of a multicast router: neighbor
//! discovery by Probe with two-way adjacencies and Generation IDs (§3.2), the distance-vector
//! table exchanged in periodic and flash Route Reports with poison reverse, route expiry and
//! hold-down (§3.3), the designated forwarder of every source network on every interface, its
//! child interfaces and dependent neighbors (§3.4), the forwarding cache of (source network,
//! group) entries created by data, Prunes (§3.5) and Grafts with their acknowledgements (§3.6).
//!
//! It never reads a clock and never touches a socket. The call order:
//!
//! 1. Inputs, each with `now`: [`add_interface`](router::Router::add_interface) /
//!    [`remove_interface`](router::Router::remove_interface);
//!    [`handle_packet`](router::Router::handle_packet) for every DVMRP message received (IGMP
//!    type 0x13, to 224.0.0.4 or to this router); [`set_membership`](router::Router::set_membership)
//!    (or [`handle_igmp_event`](router::Router::handle_igmp_event) with the events of the
//!    interface's IGMP router) for local members; [`handle_data`](router::Router::handle_data)
//!    when the forwarding plane sees a packet it has no entry for, or one of a pruned entry.
//! 2. After any input, drain [`poll_transmit`](router::Router::poll_transmit) (send each with
//!    TTL 1) and [`poll_event`](router::Router::poll_event) (forwarding entries to install or
//!    delete, neighbors up and down).
//! 3. Call [`handle_timeout`](router::Router::handle_timeout) at
//!    [`poll_timeout`](router::Router::poll_timeout), then drain again.
//!
//! The same inputs in the same order give the same outputs, byte for byte.
//!
//! Two routers on a LAN, one with a source behind it, the other with a member behind it:
//!
//! ```
//! use core::net::Ipv4Addr;
//! use core::time::Duration;
//! use mcast_dvmrp::router::{DataDisposition, InterfaceConfig, InterfaceId, Router, RouterConfig};
//!
//! let (lan, stub) = (InterfaceId(1), InterfaceId(2));
//! let mut a = Router::new(RouterConfig::new(0xA));
//! let mut b = Router::new(RouterConfig::new(0xB));
//! let mut now = Duration::ZERO;
//! a.add_interface(now, lan, InterfaceConfig::new(Ipv4Addr::new(10, 0, 0, 1), 24))?;
//! a.add_interface(now, stub, InterfaceConfig::new(Ipv4Addr::new(10, 1, 0, 1), 24))?;
//! b.add_interface(now, lan, InterfaceConfig::new(Ipv4Addr::new(10, 0, 0, 2), 24))?;
//! b.add_interface(now, stub, InterfaceConfig::new(Ipv4Addr::new(10, 2, 0, 1), 24))?;
//!
//! // What one router sends on the LAN, the other receives.
//! fn carry(now: Duration, from: &mut Router<Duration>, to: &mut Router<Duration>) -> bool {
//!     let mut carried = false;
//!     while let Some(t) = from.poll_transmit() {
//!         if t.interface == InterfaceId(1) {
//!             to.handle_packet(now, t.interface, t.source, t.destination, &t.payload).unwrap();
//!             carried = true;
//!         }
//!     }
//!     carried
//! }
//! // Ten seconds of protocol: adjacency, reports, poison reverse.
//! while now <= Duration::from_secs(10) {
//!     while carry(now, &mut a, &mut b) | carry(now, &mut b, &mut a) {}
//!     now = a.poll_timeout().into_iter().chain(b.poll_timeout()).min().unwrap();
//!     a.handle_timeout(now);
//!     b.handle_timeout(now);
//! }
//!
//! // A host behind b joins 239.1.2.3; a host behind a sends to it.
//! let (source, group) = (Ipv4Addr::new(10, 1, 0, 7), Ipv4Addr::new(239, 1, 2, 3));
//! b.set_membership(now, stub, group, true);
//! assert_eq!(a.handle_data(now, stub, source, group), DataDisposition::Accepted);
//! let at_a = a.forwarding(source, group).unwrap();
//! assert_eq!((at_a.incoming, at_a.outgoing[0].interface), (stub, lan));
//! assert_eq!(b.handle_data(now, lan, source, group), DataDisposition::Accepted);
//! let at_b = b.forwarding(source, group).unwrap();
//! assert_eq!((at_b.incoming, at_b.outgoing[0].interface), (lan, stub));
//! // Data from the source arriving at b from elsewhere fails the reverse-path check.
//! assert_eq!(b.handle_data(now, stub, source, group), DataDisposition::WrongInterface);
//! # Ok::<(), mcast_dvmrp::DvmrpError>(())
//! ```
//!
//! # Errors
//!
//! Every error ([`DvmrpError`]) names the field, its offset in the IGMP message and why: a
//! message shorter than its 8-byte header names the first missing header field; a Neighbors 2
//! whose neighbor count outruns the message, a Report block whose last metric never sets the
//! end bit, a metric above 63 or a non-contiguous mask are refused, not read past.

#[cfg(feature = "alloc")]
extern crate alloc;
#[cfg(any(feature = "std", test))]
extern crate std;

mod error;
#[cfg(feature = "alloc")]
pub mod router;
pub mod wire;

pub use error::DvmrpError;
