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
//! RFC 5015, RFC 5059, RFC 5384, RFC 6754, RFC 8364, RFC 9436, RFC 9465).
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
