//! The multicast group address as a witness type: a value of [`MulticastAddr<F>`] is a multicast
//! address of family `F`, checked once when it is made, so that no function taking one has to
//! check again and no unicast address can be passed where a group is meant.
//!
//! ```
//! use core::net::{Ipv4Addr, Ipv6Addr};
//! use mcast_addr::{ipv4_multicast, Ipv4MulticastAddr, Ipv6MulticastAddr, MulticastAddr};
//! use mcast_addr::family::{IpFamily, Ipv4};
//!
//! // Checked at run time…
//! assert!(Ipv4MulticastAddr::new(Ipv4Addr::new(224, 0, 0, 22)).is_some());
//! assert!(Ipv4MulticastAddr::new(Ipv4Addr::new(10, 0, 0, 1)).is_none());
//! let group: Ipv6MulticastAddr = "ff02::16".parse()?;
//!
//! // …or at compile time, for constants: a unicast address here does not compile.
//! const MY_GROUP: Ipv4MulticastAddr = ipv4_multicast!(239, 1, 2, 3);
//!
//! // Family-generic code, as the IGMP/MLD and PIM codecs write it.
//! fn group_from_wire<F: IpFamily>(octets: F::Octets) -> Option<MulticastAddr<F>> {
//!     MulticastAddr::from_addr(F::from_octets(octets))
//! }
//! assert_eq!(group_from_wire::<Ipv4>([239, 1, 2, 3]), Some(MY_GROUP));
//! assert_eq!(group_from_wire::<Ipv4>([192, 0, 2, 1]), None);
//! # Ok::<(), mcast_addr::AddrError>(())
//! ```

use core::fmt;
use core::marker::PhantomData;
use core::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use core::str::FromStr;

use crate::error::AddrError;
use crate::family::{IpFamily, Ipv4, Ipv6};
use crate::mac::MacAddr;
use crate::scope::{self, Scope, ScopeBoundary};

/// A multicast group address of the family `F`: 224.0.0.0/4 for IPv4 (RFC 1112 §4, RFC 5771),
/// ff00::/8 for IPv6 (RFC 4291 §2.7). It cannot hold any other address.
///
/// Use the aliases [`Ipv4MulticastAddr`] and [`Ipv6MulticastAddr`] in family-specific code; they
/// have `const fn new` constructors and the family's own classification (the IANA blocks of
/// IPv4, the flags and embedded forms of IPv6). Family-generic code makes one with
/// [`Self::from_addr`] and has the scope, boundary and MAC mapping that both families share.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct MulticastAddr<F: IpFamily> {
    addr: F::Addr,
    family: PhantomData<F>,
}

/// An IPv4 multicast group address (224.0.0.0/4, RFC 1112 §4).
pub type Ipv4MulticastAddr = MulticastAddr<Ipv4>;

/// An IPv6 multicast group address (ff00::/8, RFC 4291 §2.7).
pub type Ipv6MulticastAddr = MulticastAddr<Ipv6>;

impl<F: IpFamily> MulticastAddr<F> {
    /// `addr` as a group address, or `None` if it is not a multicast address.
    #[must_use]
    pub fn from_addr(addr: F::Addr) -> Option<Self> {
        if F::is_multicast(&addr) {
            Some(Self {
                addr,
                family: PhantomData,
            })
        } else {
            None
        }
    }

    /// The group address as the family's address type.
    #[must_use]
    pub fn get(self) -> F::Addr {
        self.addr
    }

    /// The group address as an [`IpAddr`].
    #[must_use]
    pub fn to_ip(self) -> IpAddr {
        self.addr.into()
    }

    /// The wire form of the group address (4 or 16 bytes in network order).
    #[must_use]
    pub fn to_octets(self) -> F::Octets {
        F::to_octets(self.addr)
    }

    /// The scope of the group: the `scop` field of an IPv6 address (RFC 4291 §2.7), the level
    /// an IPv4 address maps to (RFC 2365 §6; see [`crate::scope`]).
    #[must_use]
    pub fn scope(self) -> Scope {
        match self.to_ip() {
            IpAddr::V4(addr) => scope::ipv4_scope(addr),
            IpAddr::V6(addr) => scope::ipv6_scope(addr),
        }
    }

    /// Whether a router may forward packets to this group off the link they arrived on: false
    /// for the IPv4 Local Network Control Block 224.0.0.0/24 (RFC 5771 §4) and for IPv6 groups
    /// of reserved-0, interface-local or link-local scope (RFC 4291 §2.7). Such groups are
    /// never routed, whatever the TTL or hop limit.
    #[must_use]
    pub fn is_routable(self) -> bool {
        match self.to_ip() {
            IpAddr::V4(addr) => scope::ipv4_is_routable(addr),
            IpAddr::V6(addr) => scope::ipv6_scope(addr).is_routable(),
        }
    }

    /// Whether packets to this group may cross `boundary` (RFC 2365 §5, RFC 4007 §5): the
    /// negation of [`ScopeBoundary::blocks`].
    #[must_use]
    pub fn may_cross(self, boundary: &ScopeBoundary) -> bool {
        !boundary.blocks(self.to_ip())
    }

    /// The Ethernet destination address the group maps to: `01:00:5e` and the low 23 bits of an
    /// IPv4 group (RFC 1112 §6.4), `33:33` and the low 32 bits of an IPv6 group (RFC 2464 §7).
    #[must_use]
    pub fn to_mac(self) -> MacAddr {
        match self.to_ip() {
            IpAddr::V4(addr) => MacAddr::from_ipv4_group_bits(addr),
            IpAddr::V6(addr) => MacAddr::from_ipv6_group_bits(addr),
        }
    }
}

impl MulticastAddr<Ipv4> {
    /// `addr` as a group address, or `None` if it is not in 224.0.0.0/4 (RFC 1112 §4).
    #[must_use]
    pub const fn new(addr: Ipv4Addr) -> Option<Self> {
        if addr.is_multicast() {
            Some(Self {
                addr,
                family: PhantomData,
            })
        } else {
            None
        }
    }

    /// The group whose address is `octets` in network order, or `None` if it is not multicast.
    #[must_use]
    pub const fn from_octets(octets: [u8; 4]) -> Option<Self> {
        Self::new(Ipv4Addr::new(octets[0], octets[1], octets[2], octets[3]))
    }

    /// The group address as an [`Ipv4Addr`] (`const` form of [`Self::get`]).
    #[must_use]
    pub const fn addr(self) -> Ipv4Addr {
        self.addr
    }

    /// The four bytes of the address in network order.
    #[must_use]
    pub const fn octets(self) -> [u8; 4] {
        self.addr.octets()
    }

    /// The address as a 32-bit number in host order.
    #[must_use]
    pub const fn to_bits(self) -> u32 {
        self.addr.to_bits()
    }
}

impl MulticastAddr<Ipv6> {
    /// `addr` as a group address, or `None` if it is not in ff00::/8 (RFC 4291 §2.7).
    #[must_use]
    pub const fn new(addr: Ipv6Addr) -> Option<Self> {
        if addr.is_multicast() {
            Some(Self {
                addr,
                family: PhantomData,
            })
        } else {
            None
        }
    }

    /// The group whose address is `octets` in network order, or `None` if it is not multicast.
    #[must_use]
    pub const fn from_octets(octets: [u8; 16]) -> Option<Self> {
        Self::new(Ipv6Addr::from_bits(u128::from_be_bytes(octets)))
    }

    /// The group address as an [`Ipv6Addr`] (`const` form of [`Self::get`]).
    #[must_use]
    pub const fn addr(self) -> Ipv6Addr {
        self.addr
    }

    /// The sixteen bytes of the address in network order.
    #[must_use]
    pub const fn octets(self) -> [u8; 16] {
        self.addr.octets()
    }

    /// The address as a 128-bit number in host order.
    #[must_use]
    pub const fn to_bits(self) -> u128 {
        self.addr.to_bits()
    }
}

/// A group address checked at compile time: `ipv4_multicast!(a, b, c, d)` is an
/// [`Ipv4MulticastAddr`](crate::Ipv4MulticastAddr) constant, and a unicast address is a compile
/// error rather than a run-time check. The octets must be constant expressions.
///
/// ```
/// use mcast_addr::{ipv4_multicast, Ipv4MulticastAddr};
/// const SAP: Ipv4MulticastAddr = ipv4_multicast!(224, 2, 127, 254);
/// assert_eq!(SAP.to_string(), "224.2.127.254");
/// ```
///
/// ```compile_fail
/// const NOT_A_GROUP: mcast_addr::Ipv4MulticastAddr = mcast_addr::ipv4_multicast!(10, 0, 0, 1);
/// ```
#[macro_export]
macro_rules! ipv4_multicast {
    ($a:expr, $b:expr, $c:expr, $d:expr $(,)?) => {{
        #[allow(clippy::panic)]
        const GROUP: $crate::Ipv4MulticastAddr =
            match $crate::Ipv4MulticastAddr::new(::core::net::Ipv4Addr::new($a, $b, $c, $d)) {
                ::core::option::Option::Some(group) => group,
                ::core::option::Option::None => {
                    ::core::panic!("not an IPv4 multicast address (224.0.0.0/4, RFC 1112 §4)")
                }
            };
        GROUP
    }};
}

/// A group address checked at compile time: `ipv6_multicast!(s0, …, s7)` takes the eight 16-bit
/// segments like [`Ipv6Addr::new`](core::net::Ipv6Addr::new) and is an
/// [`Ipv6MulticastAddr`](crate::Ipv6MulticastAddr) constant; an address outside ff00::/8 is a
/// compile error.
///
/// ```
/// use mcast_addr::{ipv6_multicast, Ipv6MulticastAddr};
/// const ALL_MLDV2_ROUTERS: Ipv6MulticastAddr = ipv6_multicast!(0xff02, 0, 0, 0, 0, 0, 0, 0x16);
/// assert_eq!(ALL_MLDV2_ROUTERS.to_string(), "ff02::16");
/// ```
///
/// ```compile_fail
/// const NOT_A_GROUP: mcast_addr::Ipv6MulticastAddr =
///     mcast_addr::ipv6_multicast!(0xfe80, 0, 0, 0, 0, 0, 0, 1);
/// ```
#[macro_export]
macro_rules! ipv6_multicast {
    ($a:expr, $b:expr, $c:expr, $d:expr, $e:expr, $f:expr, $g:expr, $h:expr $(,)?) => {{
        #[allow(clippy::panic)]
        const GROUP: $crate::Ipv6MulticastAddr = match $crate::Ipv6MulticastAddr::new(
            ::core::net::Ipv6Addr::new($a, $b, $c, $d, $e, $f, $g, $h),
        ) {
            ::core::option::Option::Some(group) => group,
            ::core::option::Option::None => {
                ::core::panic!("not an IPv6 multicast address (ff00::/8, RFC 4291 §2.7)")
            }
        };
        GROUP
    }};
}

impl<F: IpFamily> fmt::Debug for MulticastAddr<F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.addr, f)
    }
}

impl<F: IpFamily> fmt::Display for MulticastAddr<F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.addr, f)
    }
}

impl<F: IpFamily> From<MulticastAddr<F>> for IpAddr {
    fn from(group: MulticastAddr<F>) -> IpAddr {
        group.to_ip()
    }
}

impl From<Ipv4MulticastAddr> for Ipv4Addr {
    fn from(group: Ipv4MulticastAddr) -> Ipv4Addr {
        group.addr
    }
}

impl From<Ipv6MulticastAddr> for Ipv6Addr {
    fn from(group: Ipv6MulticastAddr) -> Ipv6Addr {
        group.addr
    }
}

impl TryFrom<Ipv4Addr> for Ipv4MulticastAddr {
    type Error = AddrError;

    fn try_from(addr: Ipv4Addr) -> Result<Self, AddrError> {
        Self::new(addr).ok_or(AddrError::NotMulticast {
            address: IpAddr::V4(addr),
        })
    }
}

impl TryFrom<Ipv6Addr> for Ipv6MulticastAddr {
    type Error = AddrError;

    fn try_from(addr: Ipv6Addr) -> Result<Self, AddrError> {
        Self::new(addr).ok_or(AddrError::NotMulticast {
            address: IpAddr::V6(addr),
        })
    }
}

impl<F: IpFamily> TryFrom<IpAddr> for MulticastAddr<F> {
    type Error = AddrError;

    /// The group if `addr` is a multicast address of the family `F`; an address of the other
    /// family is refused as [`AddrError::NotMulticast`] for `F`.
    fn try_from(addr: IpAddr) -> Result<Self, AddrError> {
        F::from_ip(addr)
            .and_then(Self::from_addr)
            .ok_or(AddrError::NotMulticast { address: addr })
    }
}

impl FromStr for Ipv4MulticastAddr {
    type Err = AddrError;

    fn from_str(text: &str) -> Result<Self, AddrError> {
        let addr: Ipv4Addr = text.parse().map_err(|_| AddrError::Parse {
            what: "IPv4 address",
            offset: 0,
            reason: "not a dotted-quad IPv4 address",
        })?;
        Self::try_from(addr)
    }
}

impl FromStr for Ipv6MulticastAddr {
    type Err = AddrError;

    fn from_str(text: &str) -> Result<Self, AddrError> {
        let addr: Ipv6Addr = text.parse().map_err(|_| AddrError::Parse {
            what: "IPv6 address",
            offset: 0,
            reason: "not an RFC 4291 §2.2 IPv6 address",
        })?;
        Self::try_from(addr)
    }
}

#[cfg(feature = "serde")]
impl<F: IpFamily> serde::Serialize for MulticastAddr<F>
where
    F::Addr: serde::Serialize,
{
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.addr.serialize(serializer)
    }
}

#[cfg(feature = "serde")]
impl<'de, F: IpFamily> serde::Deserialize<'de> for MulticastAddr<F>
where
    F::Addr: serde::Deserialize<'de>,
{
    /// Deserializes the address as `F::Addr` does, then refuses it if it is not multicast.
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let addr = F::Addr::deserialize(deserializer)?;
        Self::from_addr(addr).ok_or_else(|| {
            serde::de::Error::custom(AddrError::NotMulticast {
                address: addr.into(),
            })
        })
    }
}

#[cfg(feature = "arbitrary")]
impl<'a, F: IpFamily> arbitrary::Arbitrary<'a> for MulticastAddr<F> {
    /// Only multicast addresses: the bytes are taken from the input and the high bits that make
    /// an address multicast (`1110` for IPv4, `0xff` for IPv6) are forced.
    fn arbitrary(u: &mut arbitrary::Unstructured<'a>) -> arbitrary::Result<Self> {
        let mut octets = F::Octets::default();
        u.fill_buffer(octets.as_mut())?;
        if let Some(first) = octets.as_mut().first_mut() {
            *first = if F::VERSION == 4 {
                0xE0 | (*first & 0x0F)
            } else {
                0xFF
            };
        }
        Self::from_addr(F::from_octets(octets)).ok_or(arbitrary::Error::IncorrectFormat)
    }

    fn size_hint(_depth: usize) -> (usize, Option<usize>) {
        (F::ADDR_LEN, Some(F::ADDR_LEN))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::string::ToString;

    #[test]
    fn boundaries_of_the_multicast_ranges() {
        assert!(Ipv4MulticastAddr::new(Ipv4Addr::new(223, 255, 255, 255)).is_none());
        assert!(Ipv4MulticastAddr::new(Ipv4Addr::new(224, 0, 0, 0)).is_some());
        assert!(Ipv4MulticastAddr::new(Ipv4Addr::new(239, 255, 255, 255)).is_some());
        assert!(Ipv4MulticastAddr::new(Ipv4Addr::new(240, 0, 0, 0)).is_none());
        assert!(
            Ipv6MulticastAddr::new("feff:ffff:ffff:ffff:ffff:ffff:ffff:ffff".parse().unwrap())
                .is_none()
        );
        assert!(Ipv6MulticastAddr::new("ff00::".parse().unwrap()).is_some());
        assert!(Ipv6MulticastAddr::new(Ipv6Addr::from([0xff; 16])).is_some());
    }

    #[test]
    fn generic_and_const_constructors_agree() {
        let a = Ipv4Addr::new(239, 1, 1, 1);
        assert_eq!(
            MulticastAddr::<Ipv4>::from_addr(a),
            Ipv4MulticastAddr::new(a)
        );
        assert_eq!(
            Ipv4MulticastAddr::from_octets([239, 1, 1, 1]),
            Ipv4MulticastAddr::new(a)
        );
        let b: Ipv6Addr = "ff3e::8000:1".parse().unwrap();
        assert_eq!(
            MulticastAddr::<Ipv6>::from_addr(b),
            Ipv6MulticastAddr::new(b)
        );
        assert_eq!(
            Ipv6MulticastAddr::from_octets(b.octets()),
            Ipv6MulticastAddr::new(b)
        );
        assert_eq!(Ipv6MulticastAddr::new(b).unwrap().to_octets(), b.octets());
    }

    #[test]
    fn try_from_and_parse() {
        assert_eq!(
            Ipv4MulticastAddr::try_from(Ipv4Addr::new(10, 0, 0, 1)),
            Err(AddrError::NotMulticast {
                address: IpAddr::V4(Ipv4Addr::new(10, 0, 0, 1))
            })
        );
        let v6 = IpAddr::V6("ff02::1".parse().unwrap());
        assert!(Ipv4MulticastAddr::try_from(v6).is_err());
        assert!(Ipv6MulticastAddr::try_from(v6).is_ok());
        assert!("224.0.0.1".parse::<Ipv4MulticastAddr>().is_ok());
        assert!(matches!(
            "224.0.0".parse::<Ipv4MulticastAddr>(),
            Err(AddrError::Parse { .. })
        ));
        assert!(matches!(
            "::1".parse::<Ipv6MulticastAddr>(),
            Err(AddrError::NotMulticast { .. })
        ));
        let g: Ipv6MulticastAddr = "FF02::1:FF00:1".parse().unwrap();
        assert_eq!(g.to_string(), "ff02::1:ff00:1");
        assert_eq!(std::format!("{g:?}"), "ff02::1:ff00:1");
    }

    #[test]
    fn macros_make_constants() {
        const G4: Ipv4MulticastAddr = crate::ipv4_multicast!(224, 0, 0, 22);
        const G6: Ipv6MulticastAddr = crate::ipv6_multicast!(0xff02, 0, 0, 0, 0, 0, 0, 0x16);
        assert_eq!(G4.addr(), Ipv4Addr::new(224, 0, 0, 22));
        assert_eq!(G6.addr(), "ff02::16".parse::<Ipv6Addr>().unwrap());
    }

    #[cfg(feature = "serde")]
    #[test]
    fn serde_refuses_unicast() {
        use serde::Deserialize;
        use serde::de::IntoDeserializer;
        use serde::de::value::{Error, StrDeserializer};
        let parse = |s: &'static str| {
            let de: StrDeserializer<'_, Error> = s.into_deserializer();
            Ipv4MulticastAddr::deserialize(de)
        };
        assert_eq!(parse("239.1.2.3").unwrap().to_string(), "239.1.2.3");
        let error = parse("10.0.0.1").unwrap_err().to_string();
        assert!(error.contains("not a multicast address"), "{error}");
        let de: StrDeserializer<'_, Error> = "ff02::6a".into_deserializer();
        assert!(Ipv6MulticastAddr::deserialize(de).is_ok());
    }

    #[cfg(feature = "arbitrary")]
    #[test]
    fn arbitrary_makes_only_groups() {
        use arbitrary::{Arbitrary, Unstructured};
        let bytes: std::vec::Vec<u8> = (0..=255u8).cycle().take(4096).collect();
        let mut u = Unstructured::new(&bytes);
        for _ in 0..100 {
            assert!(
                Ipv4MulticastAddr::arbitrary(&mut u)
                    .unwrap()
                    .get()
                    .is_multicast()
            );
            assert!(
                Ipv6MulticastAddr::arbitrary(&mut u)
                    .unwrap()
                    .get()
                    .is_multicast()
            );
        }
    }

    #[test]
    fn routable() {
        let p4 = |s: &str| s.parse::<Ipv4MulticastAddr>().unwrap();
        let p6 = |s: &str| s.parse::<Ipv6MulticastAddr>().unwrap();
        assert!(!p4("224.0.0.0").is_routable());
        assert!(!p4("224.0.0.255").is_routable());
        assert!(p4("224.0.1.0").is_routable());
        assert!(!p6("ff00::1").is_routable());
        assert!(!p6("ff01::1").is_routable());
        assert!(!p6("ff12::1").is_routable());
        assert!(p6("ff03::1").is_routable());
        assert!(p6("ff3e::1").is_routable());
    }
}
