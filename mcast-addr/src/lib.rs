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
//! IP multicast addresses for IPv4 and IPv6, and the rest of the shared foundation of the `mcast`
//! protocol crates (IGMP/MLD, PIM, DVMRP, MSDP).
//!
//! - [`MulticastAddr<F>`]: a group address that cannot hold a unicast address, generic over the
//!   [`family`] ([`Ipv4MulticastAddr`], [`Ipv6MulticastAddr`]), with `const` constructors and the
//!   compile-time checked [`ipv4_multicast!`] and [`ipv6_multicast!`].
//! - [`ipv4`]: the IANA registry of RFC 5771 ([`Ipv4MulticastBlock`]), SSM 232/8 (RFC 4607), GLOP
//!   (RFC 3180), unicast-prefix-based 234/8 (RFC 6034), the administrative scopes of RFC 2365.
//! - [`ipv6`]: flags and scope (RFC 4291 §2.7, RFC 7346), SSM ff3x::/32, unicast-prefix-based
//!   (RFC 3306) and embedded-RP (RFC 3956) addresses, solicited-node addresses.
//! - [`scope`]: one [`Scope`] model for both families and [`ScopeBoundary`]: may this group cross
//!   this interface?
//! - [`mac`]: [`MacAddr`], group to MAC (RFC 1112 §6.4, RFC 2464 §7) and MAC to groups.
//! - [`groups`]: the well-known groups (all systems, ALL-PIM-ROUTERS, 224.0.0.22, ff02::16…).
//! - [`describe`]: what all of the above says about one IPv4, IPv6 or MAC address, as lines of
//!   text for a person ([`describe::Input`], [`Description`]).
//! - [`checksum`]: the Internet checksum (RFC 1071), incremental and exact for any length.
//! - [`random`]: uniformly random delays from the caller's RNG (nothing in the family owns one).
//! - [`time`]: the caller's clock as a [`time::Timestamp`] (Sans-IO: nothing here reads a clock).
//! - [`timer`]: the keyed, deterministic timer map of every state machine (feature `alloc`).
//!
//! Everything but [`timer`] works without `alloc` or `std`.
//!
//! # Example
//!
//! A router receives a Join for a group and decides what to do with it.
//!
//! ```
//! use mcast_addr::{groups, Ipv4MulticastAddr, Ipv4MulticastBlock, Ipv6MulticastAddr, MacAddr};
//! use mcast_addr::{Scope, ScopeBoundary};
//!
//! let group: Ipv4MulticastAddr = "232.1.2.3".parse()?;
//! assert_eq!(group.block(), Ipv4MulticastBlock::SourceSpecific); // (S,G) joins only, no RP
//! assert!(group.is_routable());
//! assert_eq!(group.scope(), Scope::Global);
//! assert!(group.may_cross(&ScopeBoundary::Zone(Scope::OrganizationLocal)));
//!
//! // What an IGMP snooping switch programs, and which other groups it cannot tell apart.
//! let mac = group.to_mac();
//! assert_eq!(mac, "01:00:5e:01:02:03".parse::<MacAddr>()?);
//! assert_eq!(mac.ipv4_groups().map(|g| g.count()), Some(32));
//!
//! // Link-local control groups never leave the link.
//! assert!(!groups::IPV4_ALL_PIM_ROUTERS.is_routable());
//!
//! // An IPv6 group that names its own Rendezvous Point (RFC 3956).
//! let group: Ipv6MulticastAddr = "ff7e:140:2001:db8::1234".parse()?;
//! let rp = group.embedded_rp()?.rp_address();
//! assert_eq!(rp.to_string(), "2001:db8::1");
//! # Ok::<(), mcast_addr::AddrError>(())
//! ```
//!
//! # Features
//!
//! - `std` (default): `std::error::Error` and `std::time::Instant` as a timestamp; implies `alloc`.
//! - `alloc`: the [`timer`] map.
//! - `serde`: `Serialize`/`Deserialize` for the public data types (a group deserializes only from
//!   a multicast address; a MAC address is text in human-readable formats).
//! - `arbitrary`: `Arbitrary` for the public data types (a group is always multicast).

#[cfg(feature = "alloc")]
extern crate alloc;
#[cfg(any(feature = "std", test))]
extern crate std;

pub mod checksum;
pub mod describe;
mod error;
pub mod family;
pub mod groups;
pub mod ipv4;
pub mod ipv6;
pub mod mac;
pub mod multicast;
pub mod random;
pub mod scope;
pub mod time;
#[cfg(feature = "alloc")]
pub mod timer;

pub use describe::Description;
pub use error::AddrError;
pub use ipv4::{
    IPV4_MULTICAST_REGISTRY, Ipv4AdminScope, Ipv4MulticastBlock, Ipv4Range, Ipv4RegistryEntry,
};
pub use ipv6::{EmbeddedRp, Ipv6MulticastFlags, Ipv6MulticastKind, UnicastPrefixBased};
pub use mac::{Ipv4Groups, Ipv6MacPattern, MacAddr, MappedGroups};
pub use multicast::{Ipv4MulticastAddr, Ipv6MulticastAddr, MulticastAddr};
pub use scope::{Scope, ScopeBoundary};

/// The example of `README.md`, compiled and run with the documentation tests.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeExample;
