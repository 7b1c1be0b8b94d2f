//! The two IP address families as types, so that codecs and state machines are written once.
//!
//! IGMPv3 and MLDv2 (RFC 3376/9776 §4 and RFC 3810 §5) share one message layout but for the width
//! of an address; PIM (RFC 7761 §4.9.1) encodes either family in the same fields. Code generic over
//! `F: IpFamily` reads and writes addresses through [`IpFamily::Octets`], a byte array that zerocopy
//! can view in place, and handles them as [`IpFamily::Addr`] (`Ipv4Addr` or `Ipv6Addr`).
//!
//! ```
//! use mcast_addr::family::{IpFamily, Ipv4, Ipv6};
//! use core::net::{Ipv4Addr, Ipv6Addr};
//!
//! fn first_address<F: IpFamily>(bytes: &[u8]) -> Option<F::Addr> {
//!     let octets = bytes.get(..F::ADDR_LEN)?;
//!     Some(F::from_octets(zerocopy::FromBytes::read_from_bytes(octets).ok()?))
//! }
//! assert_eq!(first_address::<Ipv4>(&[224, 0, 0, 22]), Some(Ipv4Addr::new(224, 0, 0, 22)));
//! assert_eq!(first_address::<Ipv6>(&[0xff; 16]), Some(Ipv6Addr::from([0xff; 16])));
//! ```

use core::fmt::{Debug, Display};
use core::hash::Hash;
use core::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use zerocopy::{FromBytes, Immutable, IntoBytes, KnownLayout, Unaligned};

mod sealed {
    pub trait Sealed {}
    impl Sealed for super::Ipv4 {}
    impl Sealed for super::Ipv6 {}
}

/// An IP address family: [`Ipv4`] or [`Ipv6`]. Sealed: the two families are all there are.
pub trait IpFamily:
    sealed::Sealed + Copy + Clone + Debug + Default + Eq + Ord + Hash + Send + Sync + 'static
{
    /// The address type of the family (`Ipv4Addr` or `Ipv6Addr`).
    type Addr: Copy
        + Eq
        + Ord
        + Hash
        + Debug
        + Display
        + Send
        + Sync
        + 'static
        + Into<IpAddr>
        + From<Self::Octets>;
    /// The address as it lies on the wire: a byte array of [`Self::ADDR_LEN`] bytes.
    type Octets: FromBytes
        + IntoBytes
        + KnownLayout
        + Immutable
        + Unaligned
        + Copy
        + Eq
        + Hash
        + Debug
        + Default
        + AsRef<[u8]>
        + AsMut<[u8]>
        + Send
        + Sync
        + 'static;

    /// Length of an address on the wire, in bytes (4 or 16).
    const ADDR_LEN: usize;
    /// IP version number (4 or 6).
    const VERSION: u8;
    /// The family's name, for messages (`"IPv4"`, `"IPv6"`).
    const NAME: &'static str;
    /// The unspecified address (`0.0.0.0` or `::`), which IGMPv3/MLDv2 use as the group of a
    /// General Query (RFC 3376/9776 §4.1.9, RFC 3810 §5.1.10).
    const UNSPECIFIED: Self::Addr;
    /// Address family number of the IANA "Address Family Numbers" registry, as PIM's encoded
    /// addresses carry it (RFC 7761 §4.9.1): 1 for IPv4, 2 for IPv6.
    const IANA_ADDRESS_FAMILY: u8;

    /// The address carried by `octets`.
    fn from_octets(octets: Self::Octets) -> Self::Addr;
    /// The wire form of `addr`.
    fn to_octets(addr: Self::Addr) -> Self::Octets;
    /// Whether `addr` is a multicast address (224.0.0.0/4, RFC 5771; ff00::/8, RFC 4291 §2.7).
    fn is_multicast(addr: &Self::Addr) -> bool;
    /// `addr` if it belongs to this family.
    fn from_ip(addr: IpAddr) -> Option<Self::Addr>;
}

/// IPv4 (RFC 791) as an [`IpFamily`].
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Ipv4;

/// IPv6 (RFC 8200) as an [`IpFamily`].
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Ipv6;

impl IpFamily for Ipv4 {
    type Addr = Ipv4Addr;
    type Octets = [u8; 4];
    const ADDR_LEN: usize = 4;
    const VERSION: u8 = 4;
    const NAME: &'static str = "IPv4";
    const UNSPECIFIED: Ipv4Addr = Ipv4Addr::UNSPECIFIED;
    const IANA_ADDRESS_FAMILY: u8 = 1;

    fn from_octets(octets: [u8; 4]) -> Ipv4Addr {
        Ipv4Addr::from(octets)
    }
    fn to_octets(addr: Ipv4Addr) -> [u8; 4] {
        addr.octets()
    }
    fn is_multicast(addr: &Ipv4Addr) -> bool {
        addr.is_multicast()
    }
    fn from_ip(addr: IpAddr) -> Option<Ipv4Addr> {
        match addr {
            IpAddr::V4(a) => Some(a),
            IpAddr::V6(_) => None,
        }
    }
}

impl IpFamily for Ipv6 {
    type Addr = Ipv6Addr;
    type Octets = [u8; 16];
    const ADDR_LEN: usize = 16;
    const VERSION: u8 = 6;
    const NAME: &'static str = "IPv6";
    const UNSPECIFIED: Ipv6Addr = Ipv6Addr::UNSPECIFIED;
    const IANA_ADDRESS_FAMILY: u8 = 2;

    fn from_octets(octets: [u8; 16]) -> Ipv6Addr {
        Ipv6Addr::from(octets)
    }
    fn to_octets(addr: Ipv6Addr) -> [u8; 16] {
        addr.octets()
    }
    fn is_multicast(addr: &Ipv6Addr) -> bool {
        addr.is_multicast()
    }
    fn from_ip(addr: IpAddr) -> Option<Ipv6Addr> {
        match addr {
            IpAddr::V6(a) => Some(a),
            IpAddr::V4(_) => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn round_trip<F: IpFamily>(addr: F::Addr) {
        assert_eq!(F::from_octets(F::to_octets(addr)), addr);
        assert_eq!(F::to_octets(addr).as_ref().len(), F::ADDR_LEN);
        assert_eq!(F::from_ip(addr.into()), Some(addr));
    }

    #[test]
    fn octets_round_trip() {
        round_trip::<Ipv4>(Ipv4Addr::new(239, 1, 2, 3));
        round_trip::<Ipv6>("ff3e::8000:1".parse().unwrap());
        assert_eq!(Ipv4::from_ip(IpAddr::V6(Ipv6Addr::LOCALHOST)), None);
        assert_eq!(Ipv6::from_ip(IpAddr::V4(Ipv4Addr::LOCALHOST)), None);
        assert!(Ipv4::is_multicast(&Ipv4Addr::new(224, 0, 0, 1)));
        assert!(!Ipv6::is_multicast(&Ipv6Addr::LOCALHOST));
    }
}
