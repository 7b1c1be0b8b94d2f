//! Ethernet (IEEE 802) MAC addresses, and the mapping of IP multicast groups to them and back.
//!
//! - IPv4 (RFC 1112 §6.4): `01:00:5e` followed by a zero bit and the low 23 bits of the group.
//!   The five other variable bits of 224.0.0.0/4 are lost, so 32 groups share each MAC address;
//!   a switch that snoops IGMP forwards by MAC and cannot tell them apart.
//! - IPv6 (RFC 2464 §7): `33:33` followed by the low 32 bits of the group; 2^88 groups share
//!   each MAC address.
//!
//! ```
//! use mcast_addr::{Ipv4MulticastAddr, MacAddr};
//!
//! let group: Ipv4MulticastAddr = "239.129.1.1".parse()?;
//! let mac = group.to_mac();
//! assert_eq!(mac.to_string(), "01:00:5e:01:01:01");
//! let sharing: Vec<Ipv4MulticastAddr> = mac.ipv4_groups().unwrap().collect();
//! assert_eq!(sharing.len(), 32);
//! assert!(sharing.contains(&group));
//! assert_eq!(sharing[0].to_string(), "224.1.1.1");
//! assert_eq!(sharing[31].to_string(), "239.129.1.1");
//!
//! let ipv6: MacAddr = "33:33:00:00:00:16".parse()?;
//! let pattern = ipv6.ipv6_groups().unwrap();
//! assert!(pattern.contains("ff02::16".parse()?));
//! # Ok::<(), mcast_addr::AddrError>(())
//! ```

use core::fmt;
use core::iter::FusedIterator;
use core::net::{Ipv4Addr, Ipv6Addr};
use core::str::FromStr;

use zerocopy::{FromBytes, Immutable, IntoBytes, KnownLayout, Unaligned};

use crate::error::AddrError;
use crate::multicast::{Ipv4MulticastAddr, Ipv6MulticastAddr};
use crate::scope::Scope;

/// A 48-bit IEEE 802 MAC address, as an Ethernet frame carries it.
///
/// It has the layout of its six bytes, so zerocopy can view it inside a frame header.
/// `Display` and `FromStr` use the colon form `01:00:5e:01:01:01` (`FromStr` also takes `-`).
#[derive(
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Default,
    FromBytes,
    IntoBytes,
    KnownLayout,
    Immutable,
    Unaligned,
)]
#[cfg_attr(feature = "arbitrary", derive(arbitrary::Arbitrary))]
#[repr(transparent)]
pub struct MacAddr([u8; 6]);

/// `01:00:5e`, the IANA OUI under which IPv4 multicast groups map (RFC 1112 §6.4, RFC 7042
/// §2.1.1).
const IPV4_MULTICAST_OUI: [u8; 3] = [0x01, 0x00, 0x5e];

impl MacAddr {
    /// ff:ff:ff:ff:ff:ff, the broadcast address.
    pub const BROADCAST: Self = Self([0xFF; 6]);
    /// 00:00:00:00:00:00.
    pub const UNSPECIFIED: Self = Self([0; 6]);

    /// The address `o0:o1:o2:o3:o4:o5`, bytes in transmission order.
    #[must_use]
    pub const fn new(o0: u8, o1: u8, o2: u8, o3: u8, o4: u8, o5: u8) -> Self {
        Self([o0, o1, o2, o3, o4, o5])
    }

    /// The address of the six bytes, in transmission order.
    #[must_use]
    pub const fn from_octets(octets: [u8; 6]) -> Self {
        Self(octets)
    }

    /// The six bytes, in transmission order.
    #[must_use]
    pub const fn octets(self) -> [u8; 6] {
        self.0
    }

    /// Whether the Individual/Group bit, the least significant bit of the first byte, is set: a
    /// group (multicast) address, broadcast included (IEEE 802; RFC 7042 §2.1).
    #[must_use]
    pub const fn is_multicast(self) -> bool {
        self.0[0] & 0x01 != 0
    }

    /// Whether the address is an individual (unicast) address: I/G bit clear.
    #[must_use]
    pub const fn is_unicast(self) -> bool {
        !self.is_multicast()
    }

    /// Whether the address is ff:ff:ff:ff:ff:ff.
    #[must_use]
    pub const fn is_broadcast(self) -> bool {
        matches!(self.0, [0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF])
    }

    /// Whether the Universal/Local bit, the second least significant bit of the first byte, is
    /// set: a locally administered address (IEEE 802; RFC 7042 §2.1).
    #[must_use]
    pub const fn is_locally_administered(self) -> bool {
        self.0[0] & 0x02 != 0
    }

    /// Whether the address is one IPv4 multicast groups map to: 01:00:5e:00:00:00 to
    /// 01:00:5e:7f:ff:ff (RFC 1112 §6.4; the upper half of the OUI is not used for IPv4, RFC
    /// 7042 §2.1.1).
    #[must_use]
    pub const fn is_ipv4_multicast(self) -> bool {
        matches!(self.0, [0x01, 0x00, 0x5e, 0x00..=0x7F, _, _])
    }

    /// Whether the address is one IPv6 multicast groups map to: 33:33:xx:xx:xx:xx (RFC 2464 §7,
    /// RFC 7042 §2.3.1).
    #[must_use]
    pub const fn is_ipv6_multicast(self) -> bool {
        matches!(self.0, [0x33, 0x33, _, _, _, _])
    }

    /// The MAC address of an IPv4 group: 01:00:5e and the low 23 bits of the group (RFC 1112
    /// §6.4: "placing the low-order 23-bits of the IP address into the low-order 23 bits of the
    /// Ethernet multicast address 01-00-5E-00-00-00 (hex)").
    #[must_use]
    pub const fn from_ipv4_multicast(group: Ipv4MulticastAddr) -> Self {
        Self::from_ipv4_group_bits(group.addr())
    }

    /// The MAC address of an IPv6 group: 33:33 and the last four bytes of the group (RFC 2464
    /// §7).
    #[must_use]
    pub const fn from_ipv6_multicast(group: Ipv6MulticastAddr) -> Self {
        Self::from_ipv6_group_bits(group.addr())
    }

    pub(crate) const fn from_ipv4_group_bits(addr: Ipv4Addr) -> Self {
        let group = addr.octets();
        let oui = IPV4_MULTICAST_OUI;
        Self([oui[0], oui[1], oui[2], group[1] & 0x7F, group[2], group[3]])
    }

    pub(crate) const fn from_ipv6_group_bits(addr: Ipv6Addr) -> Self {
        let [a, b, c, d] = (addr.to_bits() as u32).to_be_bytes();
        Self([0x33, 0x33, a, b, c, d])
    }

    /// The 32 IPv4 groups that map to this address (RFC 1112 §6.4), in ascending order, or
    /// `None` if it is not an IPv4 multicast MAC address ([`Self::is_ipv4_multicast`]).
    #[must_use]
    pub const fn ipv4_groups(self) -> Option<Ipv4Groups> {
        if !self.is_ipv4_multicast() {
            return None;
        }
        let [_, _, _, b, c, d] = self.0;
        Some(Ipv4Groups {
            low_bits: u32::from_be_bytes([0, b, c, d]),
            front: 0,
            back: GROUPS_PER_MAC,
        })
    }

    /// The IPv6 groups that map to this address: every group whose last four bytes are the
    /// last four bytes of the MAC address (RFC 2464 §7), or `None` if it is not an IPv6
    /// multicast MAC address ([`Self::is_ipv6_multicast`]).
    #[must_use]
    pub const fn ipv6_groups(self) -> Option<Ipv6MacPattern> {
        match self.0 {
            [0x33, 0x33, a, b, c, d] => Some(Ipv6MacPattern {
                low_bits: u32::from_be_bytes([a, b, c, d]),
            }),
            _ => None,
        }
    }

    /// The IP multicast groups that map to this address, of whichever family.
    #[must_use]
    pub const fn mapped_groups(self) -> MappedGroups {
        if let Some(groups) = self.ipv4_groups() {
            MappedGroups::Ipv4(groups)
        } else if let Some(pattern) = self.ipv6_groups() {
            MappedGroups::Ipv6(pattern)
        } else {
            MappedGroups::None
        }
    }
}

impl From<[u8; 6]> for MacAddr {
    fn from(octets: [u8; 6]) -> Self {
        Self(octets)
    }
}

impl From<MacAddr> for [u8; 6] {
    fn from(mac: MacAddr) -> [u8; 6] {
        mac.0
    }
}

impl From<Ipv4MulticastAddr> for MacAddr {
    fn from(group: Ipv4MulticastAddr) -> Self {
        Self::from_ipv4_multicast(group)
    }
}

impl From<Ipv6MulticastAddr> for MacAddr {
    fn from(group: Ipv6MulticastAddr) -> Self {
        Self::from_ipv6_multicast(group)
    }
}

impl AsRef<[u8]> for MacAddr {
    fn as_ref(&self) -> &[u8] {
        &self.0
    }
}

impl fmt::Display for MacAddr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let o = self.0;
        write!(
            f,
            "{:02x}:{:02x}:{:02x}:{:02x}:{:02x}:{:02x}",
            o[0], o[1], o[2], o[3], o[4], o[5]
        )
    }
}

impl fmt::Debug for MacAddr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "MacAddr({self})")
    }
}

impl FromStr for MacAddr {
    type Err = AddrError;

    /// Six two-digit hexadecimal bytes separated by `:` (`01:00:5e:01:01:01`) or by `-`
    /// (`01-00-5E-01-01-01`), either case, the same separator throughout.
    fn from_str(text: &str) -> Result<Self, AddrError> {
        const LEN: usize = 17;
        let error = |offset, reason| AddrError::Parse {
            what: "MAC address",
            offset,
            reason,
        };
        let bytes = text.as_bytes();
        let mut separator = None;
        let mut octets = [0u8; 6];
        let mut offset = 0usize;
        for (i, octet) in octets.iter_mut().enumerate() {
            let digit = |at: usize| -> Result<u8, AddrError> {
                let c = bytes
                    .get(at)
                    .ok_or_else(|| error(at, "text ends too early"))?;
                char::from(*c)
                    .to_digit(16)
                    .map(|d| d as u8)
                    .ok_or_else(|| error(at, "expected a hexadecimal digit"))
            };
            *octet = (digit(offset)? << 4) | digit(offset.wrapping_add(1))?;
            let next = offset.wrapping_add(2);
            if i < 5 {
                match (bytes.get(next), separator) {
                    (None, _) => return Err(error(next, "text ends too early")),
                    (Some(&s @ (b':' | b'-')), None) => separator = Some(s),
                    (Some(&s), Some(first)) if s == first => {}
                    (Some(_), None) => {
                        return Err(error(next, "expected ':' or '-' between the bytes"));
                    }
                    (Some(_), Some(_)) => {
                        return Err(error(
                            next,
                            "expected the same separator between all the bytes",
                        ));
                    }
                }
            }
            offset = next.wrapping_add(1);
        }
        if bytes.len() > LEN {
            return Err(error(LEN, "unexpected text after the sixth byte"));
        }
        Ok(Self(octets))
    }
}

#[cfg(feature = "serde")]
impl serde::Serialize for MacAddr {
    /// The colon form in human-readable formats, the six bytes otherwise.
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        if serializer.is_human_readable() {
            serializer.collect_str(self)
        } else {
            self.0.serialize(serializer)
        }
    }
}

#[cfg(feature = "serde")]
impl<'de> serde::Deserialize<'de> for MacAddr {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl serde::de::Visitor<'_> for Visitor {
            type Value = MacAddr;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a MAC address such as 01:00:5e:01:01:01")
            }
            fn visit_str<E: serde::de::Error>(self, text: &str) -> Result<MacAddr, E> {
                text.parse().map_err(E::custom)
            }
        }
        if deserializer.is_human_readable() {
            deserializer.deserialize_str(Visitor)
        } else {
            <[u8; 6]>::deserialize(deserializer).map(MacAddr)
        }
    }
}

/// How many IPv4 groups share one MAC address: 2^5, the bits RFC 1112 §6.4 drops.
const GROUPS_PER_MAC: u8 = 32;

/// The 32 IPv4 groups that share one MAC address (RFC 1112 §6.4), in ascending order: from
/// [`MacAddr::ipv4_groups`].
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Ipv4Groups {
    /// The low 23 bits every group has.
    low_bits: u32,
    /// Index (0 to 32) of the next group from the front: the five bits RFC 1112 §6.4 drops.
    front: u8,
    /// One past the index of the next group from the back.
    back: u8,
}

impl Ipv4Groups {
    /// The group of index `index` (0 to 31): 224.0.0.0/4 with `index` in the five bits that the
    /// mapping drops, then the low 23 bits.
    fn group(&self, index: u8) -> Option<Ipv4MulticastAddr> {
        let high = u32::from(index).checked_shl(23)?;
        Ipv4MulticastAddr::new(Ipv4Addr::from_bits(0xE000_0000 | high | self.low_bits))
    }

    /// The MAC address the groups share.
    #[must_use]
    pub fn mac(&self) -> MacAddr {
        let low = self.low_bits.to_be_bytes();
        let oui = IPV4_MULTICAST_OUI;
        MacAddr([oui[0], oui[1], oui[2], low[1], low[2], low[3]])
    }
}

impl Iterator for Ipv4Groups {
    type Item = Ipv4MulticastAddr;

    fn next(&mut self) -> Option<Ipv4MulticastAddr> {
        if self.front >= self.back {
            return None;
        }
        let group = self.group(self.front);
        self.front = self.front.saturating_add(1);
        group
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        let n = usize::from(self.back.saturating_sub(self.front));
        (n, Some(n))
    }

    fn last(mut self) -> Option<Ipv4MulticastAddr> {
        self.next_back()
    }
}

impl DoubleEndedIterator for Ipv4Groups {
    fn next_back(&mut self) -> Option<Ipv4MulticastAddr> {
        if self.front >= self.back {
            return None;
        }
        self.back = self.back.saturating_sub(1);
        self.group(self.back)
    }
}

impl ExactSizeIterator for Ipv4Groups {}

impl FusedIterator for Ipv4Groups {}

/// The IPv6 groups that share one MAC address: all those whose last four bytes are the same
/// (RFC 2464 §7), 2^88 of them. From [`MacAddr::ipv6_groups`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Ipv6MacPattern {
    low_bits: u32,
}

impl Ipv6MacPattern {
    /// The last 32 bits that every group of the pattern has.
    #[must_use]
    pub const fn low_bits(self) -> u32 {
        self.low_bits
    }

    /// Whether `group` maps to the MAC address of the pattern.
    #[must_use]
    pub const fn contains(self, group: Ipv6MulticastAddr) -> bool {
        group.to_bits() as u32 == self.low_bits
    }

    /// `group` with its last 32 bits replaced by those of the pattern: the group of the pattern
    /// that shares every other bit with `group`.
    #[must_use]
    pub const fn apply(self, group: Ipv6MulticastAddr) -> Ipv6MulticastAddr {
        let bits = (group.to_bits() & !(u32::MAX as u128)) | self.low_bits as u128;
        match Ipv6MulticastAddr::new(Ipv6Addr::from_bits(bits)) {
            Some(g) => g,
            // The high bits are those of `group`, which is multicast.
            None => group,
        }
    }

    /// The permanently assigned group of the pattern at `scope`: `ff0s::` and the last 32 bits,
    /// e.g. ff02::1 for 33:33:00:00:00:01.
    #[must_use]
    pub const fn permanent_group(self, scope: Scope) -> Ipv6MulticastAddr {
        Ipv6MulticastAddr::from_parts(
            crate::ipv6::Ipv6MulticastFlags::from_bits(0),
            scope,
            self.low_bits as u128,
        )
    }

    /// The solicited-node group of the pattern (ff02::1:ffXX:XXXX, RFC 4291 §2.7.1) when its last
    /// 32 bits begin with 0xff, as they do for the MAC addresses Neighbor Discovery uses.
    #[must_use]
    pub const fn solicited_node(self) -> Option<Ipv6MulticastAddr> {
        if self.low_bits >> 24 == 0xFF {
            Some(Ipv6MulticastAddr::solicited_node(Ipv6Addr::from_bits(
                self.low_bits as u128,
            )))
        } else {
            None
        }
    }

    /// The MAC address the groups share.
    #[must_use]
    pub const fn mac(self) -> MacAddr {
        let [a, b, c, d] = self.low_bits.to_be_bytes();
        MacAddr([0x33, 0x33, a, b, c, d])
    }
}

impl fmt::Display for Ipv6MacPattern {
    /// The pattern with `x` for the free hexadecimal digits:
    /// `ffxx:xxxx:xxxx:xxxx:xxxx:xxxx:0000:0016`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "ffxx:xxxx:xxxx:xxxx:xxxx:xxxx:{:04x}:{:04x}",
            self.low_bits >> 16,
            self.low_bits & 0xFFFF
        )
    }
}

/// The IP multicast groups that map to a MAC address (RFC 1112 §6.4, RFC 2464 §7).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum MappedGroups {
    /// The 32 IPv4 groups of an 01:00:5e:00:00:00–01:00:5e:7f:ff:ff address.
    Ipv4(Ipv4Groups),
    /// The IPv6 groups of a 33:33:xx:xx:xx:xx address.
    Ipv6(Ipv6MacPattern),
    /// No IP multicast group maps to the address.
    None,
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::string::ToString;
    use std::vec::Vec;

    fn g4(s: &str) -> Ipv4MulticastAddr {
        s.parse().unwrap()
    }
    fn g6(s: &str) -> Ipv6MulticastAddr {
        s.parse().unwrap()
    }

    #[test]
    fn rfc1112_mapping() {
        assert_eq!(g4("224.0.0.1").to_mac().to_string(), "01:00:5e:00:00:01");
        assert_eq!(g4("224.0.0.22").to_mac().to_string(), "01:00:5e:00:00:16");
        assert_eq!(g4("224.128.0.1").to_mac().to_string(), "01:00:5e:00:00:01");
        assert_eq!(
            g4("239.255.255.255").to_mac().to_string(),
            "01:00:5e:7f:ff:ff"
        );
        assert_eq!(g4("224.0.0.0").to_mac().to_string(), "01:00:5e:00:00:00");
        assert_eq!(
            g4("232.1.2.3").to_mac(),
            MacAddr::new(0x01, 0x00, 0x5e, 0x01, 0x02, 0x03)
        );
    }

    #[test]
    fn rfc2464_mapping() {
        assert_eq!(g6("ff02::1").to_mac().to_string(), "33:33:00:00:00:01");
        assert_eq!(
            g6("ff02::1:ff28:9c5a").to_mac().to_string(),
            "33:33:ff:28:9c:5a"
        );
        assert_eq!(g6("ff3e::8000:1").to_mac().to_string(), "33:33:80:00:00:01");
    }

    #[test]
    fn reverse_ipv4_first_and_last() {
        let groups: Vec<_> = MacAddr::new(1, 0, 0x5e, 0, 0, 1)
            .ipv4_groups()
            .unwrap()
            .collect();
        assert_eq!(groups.len(), 32);
        assert_eq!(groups[0], g4("224.0.0.1"));
        assert_eq!(groups[1], g4("224.128.0.1"));
        assert_eq!(groups[31], g4("239.128.0.1"));
        assert!(groups.windows(2).all(|w| w[0] < w[1]));
        let mut back = MacAddr::new(1, 0, 0x5e, 0, 0, 1).ipv4_groups().unwrap();
        assert_eq!(back.len(), 32);
        assert_eq!(back.next_back(), Some(g4("239.128.0.1")));
        assert_eq!(back.next(), Some(g4("224.0.0.1")));
        assert_eq!(back.len(), 30);
        assert_eq!(back.mac().to_string(), "01:00:5e:00:00:01");
        assert_eq!(back.by_ref().count(), 30);
        assert_eq!(back.next(), None);
        assert_eq!(back.next_back(), None);
        assert!(MacAddr::new(1, 0, 0x5e, 0x80, 0, 1).ipv4_groups().is_none());
        assert!(MacAddr::new(1, 0, 0x5f, 0, 0, 1).ipv4_groups().is_none());
        assert_eq!(
            MacAddr::new(1, 0, 0x5e, 0x7f, 0xff, 0xff)
                .ipv4_groups()
                .unwrap()
                .next_back(),
            Some(g4("239.255.255.255"))
        );
    }

    #[test]
    fn reverse_ipv6() {
        let pattern = MacAddr::new(0x33, 0x33, 0xff, 0x28, 0x9c, 0x5a)
            .ipv6_groups()
            .unwrap();
        assert!(pattern.contains(g6("ff02::1:ff28:9c5a")));
        assert!(pattern.contains(g6("ff0e:1234::ff28:9c5a")));
        assert!(!pattern.contains(g6("ff02::1:ff28:9c5b")));
        assert_eq!(pattern.solicited_node(), Some(g6("ff02::1:ff28:9c5a")));
        assert_eq!(
            pattern.to_string(),
            "ffxx:xxxx:xxxx:xxxx:xxxx:xxxx:ff28:9c5a"
        );
        let all_nodes = MacAddr::new(0x33, 0x33, 0, 0, 0, 1).ipv6_groups().unwrap();
        assert_eq!(all_nodes.permanent_group(Scope::LinkLocal), g6("ff02::1"));
        assert_eq!(all_nodes.solicited_node(), None);
        assert_eq!(all_nodes.apply(g6("ff05::1:3")), g6("ff05::1"));
        assert!(MacAddr::new(0x33, 0x34, 0, 0, 0, 1).ipv6_groups().is_none());
    }

    #[test]
    fn mapped_groups_by_family() {
        assert!(matches!(
            "01:00:5e:01:01:01"
                .parse::<MacAddr>()
                .unwrap()
                .mapped_groups(),
            MappedGroups::Ipv4(_)
        ));
        assert!(matches!(
            "33:33:00:00:00:02"
                .parse::<MacAddr>()
                .unwrap()
                .mapped_groups(),
            MappedGroups::Ipv6(_)
        ));
        assert_eq!(MacAddr::BROADCAST.mapped_groups(), MappedGroups::None);
        assert_eq!(
            "01:00:5e:80:00:01"
                .parse::<MacAddr>()
                .unwrap()
                .mapped_groups(),
            MappedGroups::None
        );
    }

    #[test]
    fn predicates() {
        assert!(MacAddr::BROADCAST.is_broadcast());
        assert!(MacAddr::BROADCAST.is_multicast());
        assert!(!MacAddr::BROADCAST.is_ipv4_multicast());
        assert!(MacAddr::new(1, 0, 0x5e, 0, 0, 1).is_multicast());
        assert!(MacAddr::new(1, 0, 0x5e, 0, 0, 1).is_ipv4_multicast());
        assert!(MacAddr::new(1, 0, 0x5e, 0x7f, 0xff, 0xff).is_ipv4_multicast());
        assert!(!MacAddr::new(1, 0, 0x5e, 0x80, 0, 0).is_ipv4_multicast());
        assert!(MacAddr::new(0x33, 0x33, 0, 0, 0, 1).is_ipv6_multicast());
        assert!(MacAddr::new(0x33, 0x33, 0, 0, 0, 1).is_multicast());
        assert!(MacAddr::new(0x33, 0x33, 0, 0, 0, 1).is_locally_administered());
        let unicast = MacAddr::new(0x00, 0x1b, 0x21, 0x3c, 0x4d, 0x5e);
        assert!(unicast.is_unicast());
        assert!(!unicast.is_multicast());
        assert!(!unicast.is_locally_administered());
        assert!(!MacAddr::UNSPECIFIED.is_multicast());
    }

    #[test]
    fn parse_and_display() {
        let mac: MacAddr = "01:00:5E:01:01:0a".parse().unwrap();
        assert_eq!(mac.to_string(), "01:00:5e:01:01:0a");
        assert_eq!(std::format!("{mac:?}"), "MacAddr(01:00:5e:01:01:0a)");
        assert_eq!("01-00-5e-01-01-0a".parse::<MacAddr>().unwrap(), mac);
        let err = |s: &str| match s.parse::<MacAddr>() {
            Err(AddrError::Parse { offset, .. }) => offset,
            other => panic!("{s}: {other:?}"),
        };
        assert_eq!(err(""), 0);
        assert_eq!(err("01"), 2);
        assert_eq!(err("0"), 1);
        assert_eq!(err("01:00:5e:01:01"), 14);
        assert_eq!(err("01:00:5e:01:01:"), 15);
        assert_eq!(err("01:00:5e:01:01:0"), 16);
        assert_eq!(err("01:00:5e:01:01:0a:"), 17);
        assert_eq!(err("01:00-5e:01:01:0a"), 5);
        assert_eq!(err("01.00.5e.01.01.0a"), 2);
        assert_eq!(err("0g:00:5e:01:01:0a"), 1);
        assert_eq!(err("01:00:5e:01:01:0é"), 16);
        assert_eq!(err("1:00:5e:01:01:0a"), 1);
    }

    #[cfg(feature = "serde")]
    #[test]
    fn serde_text_form() {
        use serde::Deserialize;
        use serde::de::IntoDeserializer;
        use serde::de::value::{Error, StrDeserializer};
        let de: StrDeserializer<'_, Error> = "01:00:5e:00:00:16".into_deserializer();
        assert_eq!(
            MacAddr::deserialize(de).unwrap(),
            MacAddr::new(1, 0, 0x5e, 0, 0, 0x16)
        );
        let de: StrDeserializer<'_, Error> = "01:00:5e:00:00".into_deserializer();
        assert!(MacAddr::deserialize(de).is_err());
    }

    #[test]
    fn zerocopy_view() {
        let frame = [0x01, 0x00, 0x5e, 0x00, 0x00, 0x16, 0xaa];
        let (mac, rest) = MacAddr::ref_from_prefix(&frame[..]).unwrap();
        assert_eq!(mac.to_string(), "01:00:5e:00:00:16");
        assert_eq!(rest, &[0xaa]);
        assert_eq!(mac.as_bytes(), &frame[..6]);
    }

    proptest::proptest! {
        #[test]
        fn ipv4_ip_to_mac_to_candidates_contains_the_ip(bits in 0xE000_0000u32..=0xEFFF_FFFF) {
            let group = Ipv4MulticastAddr::new(Ipv4Addr::from_bits(bits)).unwrap();
            let mac = group.to_mac();
            proptest::prop_assert!(mac.is_ipv4_multicast());
            let candidates: Vec<_> = mac.ipv4_groups().unwrap().collect();
            proptest::prop_assert_eq!(candidates.len(), 32);
            proptest::prop_assert!(candidates.contains(&group));
            for candidate in candidates {
                proptest::prop_assert_eq!(candidate.to_mac(), mac);
            }
        }

        #[test]
        fn ipv4_mac_to_candidates_to_mac(low in 0u32..(1 << 23)) {
            let [_, b, c, d] = low.to_be_bytes();
            let mac = MacAddr::new(1, 0, 0x5e, b, c, d);
            let groups = mac.ipv4_groups().unwrap();
            proptest::prop_assert_eq!(groups.mac(), mac);
            let mut n = 0;
            for group in groups {
                proptest::prop_assert_eq!(group.to_mac(), mac);
                n += 1;
            }
            proptest::prop_assert_eq!(n, 32);
        }

        #[test]
        fn ipv6_both_ways(bits: u128) {
            let group = Ipv6MulticastAddr::new(Ipv6Addr::from_bits(bits | (0xff << 120))).unwrap();
            let mac = group.to_mac();
            proptest::prop_assert!(mac.is_ipv6_multicast());
            let pattern = mac.ipv6_groups().unwrap();
            proptest::prop_assert!(pattern.contains(group));
            proptest::prop_assert_eq!(pattern.apply(group), group);
            proptest::prop_assert_eq!(pattern.mac(), mac);
            proptest::prop_assert_eq!(pattern.permanent_group(group.scope()).to_mac(), mac);
        }

        #[test]
        fn mac_display_parse_round_trip(octets: [u8; 6]) {
            let mac = MacAddr::from_octets(octets);
            proptest::prop_assert_eq!(mac.to_string().parse::<MacAddr>(), Ok(mac));
            proptest::prop_assert_eq!(mac.to_string().replace(':', "-").to_uppercase().parse::<MacAddr>(), Ok(mac));
        }

        #[test]
        fn mac_parse_never_panics(text in "\\PC{0,24}") {
            let _ = text.parse::<MacAddr>();
        }
    }
}
