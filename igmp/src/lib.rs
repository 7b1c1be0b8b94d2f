#![no_std]
#![cfg_attr(docsrs, feature(doc_auto_cfg))]
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
pub mod router;
