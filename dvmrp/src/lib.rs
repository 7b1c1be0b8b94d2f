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
//! a zero-copy codec for every message, built on the IGMP codec.
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
