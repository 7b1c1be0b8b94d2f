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
//! PIM version 2 for IPv4 and IPv6: a zero-copy codec for every message (RFC 7761, RFC 3973,
//! RFC 5015, RFC 5059, RFC 5384, RFC 6754, RFC 8364, RFC 9436, RFC 9465), and a Sans-IO
//! PIM-SM/SSM router for all the interfaces of a router ([`router`]).
//!
//! [`wire::Pim::parse`] takes the IP payload of a packet of protocol 103 and the packet's
//! addresses (the IPv6 checksum covers them), checks the checksum and gives a
//! [`wire::Message`] that borrows from the input: match on it. Nothing is allocated; every
//! count is checked against the bytes present before any iterator runs; every error names the
//! field and its offset ([`PimError`]). The address family is a type parameter
//! ([`mcast_addr::family::Ipv4`] or [`mcast_addr::family::Ipv6`]), so one code path serves both.
//!
//! To send, build plain data ([`wire::MessageRepr`] and the `*Repr` types with feature `alloc`;
//! the fixed-size messages and [`wire::Register`] without it) and emit it into your buffer.
//! [`wire::JoinPruneRepr::split`] and [`wire::BootstrapRepr::fragment`] cut long messages to
//! an MTU without losing an entry.
//!
//! ```
//! use core::net::Ipv4Addr;
//! use mcast_addr::family::Ipv4;
//! use mcast_pim::wire::{
//!     EncodedGroup, EncodedSource, GroupSetRepr, Holdtime, HelloRepr, JoinPruneRepr, Message,
//!     MessageRepr, Pim, PseudoHeader, max_message_len,
//! };
//!
//! # fn main() -> Result<(), mcast_pim::PimError> {
//! let me = Ipv4Addr::new(10, 0, 0, 2);
//! let all_pim_routers = Ipv4Addr::new(224, 0, 0, 13);
//! let ph = PseudoHeader::<Ipv4>::new(me, all_pim_routers);
//!
//! // A Hello: Holdtime 105 s, DR Priority 1, a Generation ID.
//! let hello = MessageRepr::Hello(HelloRepr::new(Holdtime(105), 1, 0x1234_5678));
//! let bytes = hello.to_bytes(&ph)?;
//!
//! // Parse it back as a neighbor would, checksum verified.
//! let pim = Pim::<Ipv4>::parse(&bytes, &ph)?;
//! let Message::Hello(h) = pim.message else { unreachable!() };
//! assert_eq!(h.holdtime(), Some(Holdtime(105)));
//! assert_eq!(h.dr_priority(), Some(1));
//!
//! // A Join for (*,G) towards the RP, plus 300 (S,G) joins, cut to a 576-byte MTU.
//! let rp = Ipv4Addr::new(10, 9, 9, 9);
//! let mut set = GroupSetRepr::new(EncodedGroup::host(Ipv4Addr::new(239, 1, 2, 3)));
//! set.joins.push(EncodedSource::star_group(rp).into());
//! for i in 0..300u16 {
//!     let [a, b] = i.to_be_bytes();
//!     set.joins.push(EncodedSource::source_group(Ipv4Addr::new(10, 1, a, b)).into());
//! }
//! let mut join = JoinPruneRepr::<Ipv4>::new(Ipv4Addr::new(10, 0, 0, 1), Holdtime(210));
//! join.groups.push(set);
//! let parts = join.split(max_message_len::<Ipv4>(576))?;
//! assert!(parts.len() > 1);
//! for part in parts {
//!     let bytes = MessageRepr::JoinPrune(part).to_bytes(&ph)?;
//!     assert!(bytes.len() <= 556);
//!     assert!(matches!(Pim::<Ipv4>::parse(&bytes, &ph)?.message, Message::JoinPrune(_)));
//! }
//! # Ok(())
//! # }
//! ```

//!
//! # The router
//!
//! [`router::Router`] (feature `alloc`) runs PIM-SM and PIM-SSM (RFC 7761 §4, RFC 4607) on
//! every PIM interface of a router, Sans-IO. The call order, as for every state machine of the
//! family:
//!
//! 1. Inputs, each with the caller's `now`: [`handle_packet`](router::Router::handle_packet)
//!    for every PIM packet (IP protocol 103) received, [`add_route`](router::Router::add_route)
//!    and [`remove_route`](router::Router::remove_route) as the unicast routing table changes,
//!    [`set_local_membership`](router::Router::set_local_membership) (or
//!    [`handle_membership_event`](router::Router::handle_membership_event) straight from the
//!    `mcast-igmp` router of the interface) as IGMP or MLD learns members,
//!    [`handle_data`](router::Router::handle_data) when the forwarding plane sees a packet it
//!    has no entry for, a packet on the wrong interface, or a packet of a source to register.
//! 2. Outputs: drain [`poll_transmit`](router::Router::poll_transmit) (messages with their
//!    interface and addresses) and [`poll_event`](router::Router::poll_event) (forwarding
//!    entries to install, change and delete; neighbors, DRs; decapsulated Register payloads).
//! 3. Call [`handle_timeout`](router::Router::handle_timeout) at
//!    [`poll_timeout`](router::Router::poll_timeout), or earlier: it fires every timer that is
//!    due.
//!
//! Two routers on a link, the RP and a last-hop router with a receiver:
//!
//! ```
//! use core::net::Ipv4Addr;
//! use core::time::Duration;
//! use mcast_addr::family::Ipv4;
//! use mcast_pim::router::{
//!     Event, InterfaceConfig, LocalMembership, Prefix, Router, RouterConfig, StaticRp,
//! };
//!
//! // Any `rand_core::Rng` will do; the router draws its random delays from it.
//! struct Rng(u64);
//! impl rand_core::TryRng for Rng {
//!     type Error = core::convert::Infallible;
//!     fn try_next_u32(&mut self) -> Result<u32, Self::Error> { Ok(self.try_next_u64()? as u32) }
//!     fn try_next_u64(&mut self) -> Result<u64, Self::Error> {
//!         self.0 = self.0.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
//!         Ok(self.0 >> 11)
//!     }
//!     fn try_fill_bytes(&mut self, dst: &mut [u8]) -> Result<(), Self::Error> {
//!         for b in dst { *b = self.try_next_u64()? as u8; }
//!         Ok(())
//!     }
//! }
//! type Pim = Router<Ipv4, Duration, Rng>;
//!
//! let rp = Ipv4Addr::new(10, 0, 0, 1);
//! let group = Ipv4Addr::new(239, 1, 2, 3);
//! let config = RouterConfig {
//!     static_rps: vec![StaticRp { groups: Prefix::new(Ipv4Addr::new(224, 0, 0, 0), 4), rp }],
//!     ..RouterConfig::default()
//! };
//! let mut now = Duration::ZERO;
//!
//! // The RP on the link 10.0.0.0/24 (its interface 1); the last-hop router on the same link
//! // (interface 1) and on its receivers' LAN 10.1.0.0/24 (interface 2).
//! let mut rp_router = Pim::new(config.clone(), Rng(1));
//! rp_router.add_interface(now, 1, rp, 24, InterfaceConfig::default());
//! rp_router.interface_up(now, 1);
//! let mut last_hop = Pim::new(config, Rng(2));
//! last_hop.add_interface(now, 1, Ipv4Addr::new(10, 0, 0, 2), 24, InterfaceConfig::default());
//! last_hop.add_interface(now, 2, Ipv4Addr::new(10, 1, 0, 1), 24, InterfaceConfig::default());
//! last_hop.interface_up(now, 1);
//! last_hop.interface_up(now, 2);
//!
//! // The link: what one sends on interface 1, the other receives on its interface 1.
//! fn deliver(from: &mut Pim, to: &mut Pim, now: Duration) {
//!     while let Some(t) = from.poll_transmit() {
//!         if t.interface == Some(1) {
//!             to.handle_packet(now, 1, t.source, t.destination, &t.payload);
//!         }
//!     }
//! }
//! let mut run_until = |a: &mut Pim, b: &mut Pim, now: &mut Duration, until: Duration| {
//!     while let Some(t) = [a.poll_timeout(), b.poll_timeout()].into_iter().flatten().min() {
//!         if t > until { break; }
//!         *now = t;
//!         a.handle_timeout(t);
//!         b.handle_timeout(t);
//!         deliver(a, b, t);
//!         deliver(b, a, t);
//!     }
//!     *now = until;
//! };
//!
//! // Hellos: each learns the other as a neighbor within Triggered_Hello_Delay.
//! run_until(&mut rp_router, &mut last_hop, &mut now, Duration::from_secs(6));
//! assert_eq!(last_hop.neighbors(1).count(), 1);
//!
//! // IGMP reports a receiver of the group on interface 2 (an IGMPv2-style join): the last-hop
//! // router is the DR there, so it joins the shared tree towards the RP.
//! last_hop.set_local_membership(now, 2, group, LocalMembership::Exclude(vec![]));
//! deliver(&mut last_hop, &mut rp_router, now);
//!
//! // The RP now forwards the group onto the link; the last hop from it onto the receivers.
//! let installed = |r: &mut Pim| {
//!     let mut oifs = None;
//!     while let Some(e) = r.poll_event() {
//!         if let Event::RouteChanged { source: None, route, .. } = e {
//!             oifs = Some(route.oifs);
//!         }
//!     }
//!     oifs
//! };
//! assert_eq!(installed(&mut rp_router), Some(vec![1]));
//! assert_eq!(installed(&mut last_hop), Some(vec![2]));
//! assert_eq!(rp_router.route(group, None).map(|r| r.oifs.clone()), Some(vec![1]));
//!
//! // The Join is refreshed every 60 s; the state lives on as long as the receiver does.
//! run_until(&mut rp_router, &mut last_hop, &mut now, Duration::from_secs(600));
//! assert_eq!(rp_router.route(group, None).map(|r| r.oifs.clone()), Some(vec![1]));
//! ```

#[cfg(feature = "alloc")]
extern crate alloc;
#[cfg(any(feature = "std", test))]
extern crate std;

pub mod error;
#[cfg(feature = "alloc")]
pub mod router;
pub mod wire;

pub use error::PimError;

/// Address families whose addresses serde can (de)serialize: both of them. The bound that the
/// `serde` derives of family-generic types use.
#[cfg(feature = "serde")]
pub trait SerdeFamily:
    mcast_addr::family::IpFamily<Addr: serde::Serialize + serde::de::DeserializeOwned>
{
}
#[cfg(feature = "serde")]
impl SerdeFamily for mcast_addr::family::Ipv4 {}
#[cfg(feature = "serde")]
impl SerdeFamily for mcast_addr::family::Ipv6 {}

/// Address families whose addresses `arbitrary` can generate: both of them. The bound that the
/// `arbitrary` derives of family-generic types use.
#[cfg(feature = "arbitrary")]
pub trait ArbitraryFamily:
    mcast_addr::family::IpFamily<Addr: for<'a> arbitrary::Arbitrary<'a>>
{
}
#[cfg(feature = "arbitrary")]
impl ArbitraryFamily for mcast_addr::family::Ipv4 {}
#[cfg(feature = "arbitrary")]
impl ArbitraryFamily for mcast_addr::family::Ipv6 {}
