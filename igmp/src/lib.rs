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
//! IGMP (IPv4) and MLD (IPv6) group management: zero-copy codecs (and, on top of them, state
//! machines).
//!
//! The [`wire`] module parses and builds every group management message: IGMPv1 (RFC 1112),
//! IGMPv2 (RFC 2236), IGMPv3 (RFC 3376 as revised by RFC 9776), MLDv1 (RFC 2710), MLDv2
//! (RFC 3810) and Multicast Router Discovery (RFC 4286). IGMPv3 and MLDv2 share one
//! implementation, generic over the address family ([`wire::GmpFamily`]). Parsing borrows the
//! caller's bytes and never allocates; building writes into the caller's buffer. Neither needs
//! `alloc` or `std`.
//!
//! # Example: a querier's round
//! ```
//! use core::net::Ipv4Addr;
//! use mcast_igmp::wire::envelope::{Ipv4Envelope, write_ipv4_packet};
//! use mcast_igmp::wire::{
//!     GroupRecordBuilder, IgmpMessage, MaxRespCode, QueryIntervalCode, QueryKind, QueryV3Builder,
//!     RecordType, ReportV3Builder,
//! };
//! use mcast_addr::family::Ipv4;
//!
//! let router = Ipv4Addr::new(192, 0, 2, 1);
//! let host = Ipv4Addr::new(192, 0, 2, 7);
//! let group = Ipv4Addr::new(232, 1, 1, 1);
//!
//! // The router sends an IGMPv3 General Query, IP header included.
//! let query = QueryV3Builder::<Ipv4, _>::general(MaxRespCode::DEFAULT, 2, QueryIntervalCode::DEFAULT);
//! let mut packet = [0u8; 1500];
//! let len = write_ipv4_packet(
//!     &mut packet,
//!     &Ipv4Envelope::igmpv3(router, query.destination()),
//!     |buf| query.emit(buf, router, query.destination()),
//! )?;
//! assert_eq!(len, 24 + 12);
//!
//! // The host parses it (checksum verified) and matches on what it got.
//! match IgmpMessage::parse(&packet[24..len])? {
//!     IgmpMessage::QueryV3(q) => {
//!         assert_eq!(q.kind(), QueryKind::General);
//!         assert_eq!(q.querier_robustness_variable(), 2);
//!     }
//!     other => panic!("unexpected {other}"),
//! }
//!
//! // The host answers with a report, split at the MTU if it has to be.
//! let sources = [Ipv4Addr::new(198, 51, 100, 1), Ipv4Addr::new(198, 51, 100, 2)];
//! let records = [(RecordType::ModeIsInclude, group)].into_iter().map(|(record_type, group)| {
//!     GroupRecordBuilder::<Ipv4, _> {
//!         record_type,
//!         multicast_address: group,
//!         sources: sources.iter().copied(),
//!         auxiliary_data: &[],
//!     }
//! });
//! let report = ReportV3Builder::new(records);
//! let mut packets = report.split(1500)?;
//! let mut buf = [0u8; 1500];
//! while let Some(len) = packets.next_packet(&mut buf, host, report.destination())? {
//!     let IgmpMessage::ReportV3(r) = IgmpMessage::parse(&buf[..len])? else { unreachable!() };
//!     let record = r.group_records().next().unwrap();
//!     assert_eq!(record.sources().collect::<Vec<_>>(), sources);
//! }
//! # Ok::<(), mcast_igmp::Error>(())
//! ```
//!
//! # State machines
//! On top of the codec, [`router::Router`] and [`host::Host`] run the protocol on one interface,
//! Sans-IO: they read no clock, open no socket and draw no random number of their own. One
//! implementation serves IGMP and MLD (`Router<Ipv4, T>`, `Host<Ipv6, T>`…, through
//! [`gmp::Gmp`]); IGMPv1/v2 and MLDv1 are compatibility modes of it, not copies. `T` is the
//! caller's clock: `std::time::Instant`, or a `core::time::Duration` since any epoch.
//!
//! Built from those two, and not beside them: [`snoop::Switch`], an IGMP/MLD snooping switch
//! (RFC 4541) for all the ports and VLANs of a bridge, whose per-port membership is a router
//! that never queries; and [`proxy::Proxy`], an IGMP/MLD proxy (RFC 4605) with a host upstream
//! and a router on each downstream interface.
//!
//! Every state machine of the crate family (IGMP/MLD here, PIM, DVMRP, MSDP) is driven the same
//! way:
//! 1. `new(config)`, then `enable(now, …)`. Commands (`join_group`, `set_filter`, `configure`,
//!    `disable`…) may come at any time.
//! 2. When a packet arrives: `handle_packet(now, source, destination, bytes)` (or
//!    `handle_message` with an already decoded message).
//! 3. When the clock reaches `poll_timeout()`: `handle_timeout(now)`, which fires every timer
//!    due and leaves none due behind. Calling it early or twice is harmless.
//! 4. After each of those calls: send everything `poll_transmit()` yields (each [`gmp::Transmit`]
//!    is the message's bytes, built by the codec, with its IP source and destination; wrap it
//!    with [`wire::envelope`]), act on everything `poll_event()` yields, and wait until the new
//!    `poll_timeout()`.
//!
//! Calls that need randomness (a host's report delays) take the caller's [`rand_core::Rng`]. The
//! same calls with the same RNG give the same output, byte for byte: timers live in one
//! [`mcast_addr::timer::TimerMap`] per interface, keyed by the RFC's timer names
//! ([`router::RouterTimer`], [`host::HostTimer`]), fired earliest first, ties in key order.
//!
//! ```
//! use core::net::Ipv4Addr;
//! use core::time::Duration;
//! use mcast_addr::family::Ipv4;
//! use mcast_igmp::gmp::{HostConfig, RouterConfig};
//! use mcast_igmp::host::{Host, SocketId};
//! use mcast_igmp::router::{Router, RouterEvent};
//! # struct Rng(u64);
//! # impl rand_core::TryRng for Rng {
//! #     type Error = core::convert::Infallible;
//! #     fn try_next_u32(&mut self) -> Result<u32, Self::Error> { Ok(self.try_next_u64()? as u32) }
//! #     fn try_next_u64(&mut self) -> Result<u64, Self::Error> {
//! #         self.0 ^= self.0 << 13; self.0 ^= self.0 >> 7; self.0 ^= self.0 << 17; Ok(self.0)
//! #     }
//! #     fn try_fill_bytes(&mut self, d: &mut [u8]) -> Result<(), Self::Error> { d.fill(0); Ok(()) }
//! # }
//! # let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
//!
//! let group = Ipv4Addr::new(239, 1, 2, 3);
//! let mut now = Duration::ZERO;
//! let mut router = Router::<Ipv4, Duration>::new(RouterConfig::new(Ipv4Addr::new(192, 0, 2, 1)));
//! let mut host = Host::<Ipv4, Duration>::new(HostConfig::new(Ipv4Addr::new(192, 0, 2, 7)));
//! router.enable(now);
//! host.enable(now, &mut rng);
//! host.join_group(now, &mut rng, SocketId(1), group).unwrap();
//!
//! // A link: whatever one sends, the other receives, until nothing is due for a minute.
//! loop {
//!     while let Some(t) = router.poll_transmit() {
//!         host.handle_packet(now, &mut rng, t.source, t.destination, &t.payload)?;
//!     }
//!     while let Some(t) = host.poll_transmit() {
//!         router.handle_packet(now, t.source, t.destination, &t.payload)?;
//!     }
//!     let next = [router.poll_timeout(), host.poll_timeout()].into_iter().flatten().min();
//!     match next {
//!         Some(next) if next <= Duration::from_secs(60) => now = next,
//!         _ => break,
//!     }
//!     router.handle_timeout(now);
//!     host.handle_timeout(now, &mut rng);
//! }
//! assert!(router.should_forward(Ipv4Addr::new(198, 51, 100, 9), group));
//! assert_eq!(
//!     router.poll_event(),
//!     Some(RouterEvent::QuerierChanged { querier: Ipv4Addr::new(192, 0, 2, 1) })
//! );
//! # Ok::<(), mcast_igmp::Error>(())
//! ```
//!
//! # Features
//! - `std` (default): `std::error::Error` for [`Error`] (through `core::error::Error`).
//! - `alloc`: heap-backed types of the state machines (the codec needs none).
//! - `serde`, `arbitrary`: derives on the owned data types.

#[cfg(feature = "alloc")]
extern crate alloc;
#[cfg(any(feature = "std", test))]
extern crate std;

pub mod wire;

pub use wire::Error;

#[cfg(feature = "alloc")]
pub mod gmp;
#[cfg(feature = "alloc")]
pub mod host;
#[cfg(feature = "alloc")]
pub mod proxy;
#[cfg(feature = "alloc")]
pub mod router;
#[cfg(feature = "alloc")]
pub mod snoop;
