//! IPv4 multicast addresses: the IANA registry (RFC 5771), the source-specific (RFC 4607), GLOP
//! (RFC 3180), unicast-prefix-based (RFC 6034) and administratively scoped (RFC 2365) blocks,
//! and the documentation addresses (RFC 6676).
//!
//! ```
//! use mcast_addr::{Ipv4AdminScope, Ipv4MulticastAddr, Ipv4MulticastBlock, Ipv4Range};
//! use core::net::Ipv4Addr;
//!
//! let group: Ipv4MulticastAddr = "233.3.4.5".parse()?;
//! assert_eq!(group.block(), Ipv4MulticastBlock::Glop);
//! assert_eq!(group.glop_asn(), Some(0x0304)); // AS 772 owns 233.3.4.0/24 (RFC 3180 §2)
//! assert_eq!(Ipv4Range::glop(772).unwrap().to_string(), "233.3.4.0/24");
//!
//! let ubm: Ipv4MulticastAddr = "234.192.0.2".parse()?; // from 192.0.2.0/24 (RFC 6034 §3)
//! assert_eq!(ubm.ubm_unicast_prefix().unwrap().to_string(), "192.0.2.0/24");
//!
//! let local: Ipv4MulticastAddr = "239.255.255.254".parse()?;
//! assert_eq!(local.admin_scope(), Some(Ipv4AdminScope::Local));
//! assert_eq!(local.relative_offset(), Some((Ipv4AdminScope::Local, 1))); // MADCAP (RFC 2730)
//! # Ok::<(), mcast_addr::AddrError>(())
//! ```

use core::fmt;
use core::net::Ipv4Addr;

use crate::error::AddrError;
use crate::multicast::Ipv4MulticastAddr;

/// An inclusive range of IPv4 addresses, `first..=last`: a registry block (some are not
/// prefixes, such as AD-HOC Block I), a prefix, or an administrative scope (RFC 2365 §5).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Ipv4Range {
    first: Ipv4Addr,
    last: Ipv4Addr,
}

impl Ipv4Range {
    /// The addresses from `first` to `last` inclusive, or `None` if `first` is after `last`.
    #[must_use]
    pub const fn new(first: Ipv4Addr, last: Ipv4Addr) -> Option<Self> {
        if first.to_bits() <= last.to_bits() {
            Some(Self { first, last })
        } else {
            None
        }
    }

    /// The prefix `addr/len` (the bits of `addr` past `len` are ignored), or `None` if `len`
    /// is more than 32.
    #[must_use]
    pub const fn from_prefix(addr: Ipv4Addr, len: u8) -> Option<Self> {
        if len > 32 {
            return None;
        }
        let host = host_mask(len);
        let first = addr.to_bits() & !host;
        Some(Self {
            first: Ipv4Addr::from_bits(first),
            last: Ipv4Addr::from_bits(first | host),
        })
    }

    /// The first address of the range.
    #[must_use]
    pub const fn first(&self) -> Ipv4Addr {
        self.first
    }

    /// The last address of the range.
    #[must_use]
    pub const fn last(&self) -> Ipv4Addr {
        self.last
    }

    /// Whether `addr` lies in the range.
    #[must_use]
    pub const fn contains(&self, addr: Ipv4Addr) -> bool {
        let bits = addr.to_bits();
        self.first.to_bits() <= bits && bits <= self.last.to_bits()
    }

    /// Whether every address of `other` lies in this range.
    #[must_use]
    pub const fn contains_range(&self, other: &Ipv4Range) -> bool {
        self.contains(other.first) && self.contains(other.last)
    }

    /// The number of addresses in the range (1 to 2^32).
    #[must_use]
    pub const fn size(&self) -> u64 {
        // `last >= first`, so the difference plus one is at most 2^32: no overflow in u64.
        (self.last.to_bits() as u64)
            .wrapping_sub(self.first.to_bits() as u64)
            .wrapping_add(1)
    }

    /// The prefix length if the range is a prefix (`first/len`), `None` otherwise.
    #[must_use]
    pub const fn prefix_len(&self) -> Option<u8> {
        let first = self.first.to_bits();
        let host = first ^ self.last.to_bits();
        // A prefix: the differing bits are all the low bits, and `first` has them clear.
        if host & host.wrapping_add(1) == 0 && first & host == 0 {
            Some(host.leading_zeros() as u8)
        } else {
            None
        }
    }

    /// The /24 block of GLOP addresses of the 16-bit Autonomous System `asn`: 233.X.Y.0/24 where
    /// X.Y are the two octets of the ASN (RFC 3180 §2). `None` for ASNs 64512–65535, whose
    /// would-be block lies in AD-HOC Block III, outside the GLOP block (RFC 5771 §9).
    #[must_use]
    pub const fn glop(asn: u16) -> Option<Self> {
        if asn >= GLOP_FIRST_AD_HOC_III_ASN {
            return None;
        }
        let [x, y] = asn.to_be_bytes();
        Self::from_prefix(Ipv4Addr::new(233, x, y, 0), 24)
    }

    /// The unicast-prefix-based multicast addresses (UBM) of the unicast prefix
    /// `unicast_prefix/prefix_len`: 234/8 followed by the prefix (RFC 6034 §3), a block of
    /// `2^(24 - prefix_len)` addresses. A /24 gets exactly one address.
    ///
    /// # Errors
    /// [`AddrError::Invalid`] if `prefix_len` is more than 24 (RFC 6034 §3 covers prefixes of
    /// /24 or shorter) or if the prefix is not unicast (it lies in 224.0.0.0/3).
    pub const fn unicast_prefix_based(
        unicast_prefix: Ipv4Addr,
        prefix_len: u8,
    ) -> Result<Self, AddrError> {
        if prefix_len > 24 {
            return Err(AddrError::Invalid {
                field: "prefix length",
                value: prefix_len as u32,
                reason: "RFC 6034 §3 gives multicast addresses to unicast prefixes of /24 or shorter",
            });
        }
        let prefix = unicast_prefix.to_bits() & !host_mask(prefix_len);
        if prefix >> 29 == 0b111 {
            return Err(AddrError::Invalid {
                field: "unicast prefix",
                value: prefix,
                reason: "224.0.0.0/3 holds no unicast prefix (RFC 6034 §3 needs a unicast one)",
            });
        }
        let first = UBM_PREFIX | (prefix >> 8);
        // `prefix_len + 8` is at most 32.
        match Self::from_prefix(Ipv4Addr::from_bits(first), prefix_len.wrapping_add(8)) {
            Some(range) => Ok(range),
            None => Err(AddrError::Invalid {
                field: "prefix length",
                value: prefix_len as u32,
                reason: "RFC 6034 §3 gives multicast addresses to unicast prefixes of /24 or shorter",
            }),
        }
    }
}

impl fmt::Display for Ipv4Range {
    /// `a.b.c.d/len` for a prefix, `first-last` otherwise.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.prefix_len() {
            Some(len) => write!(f, "{}/{len}", self.first),
            None => write!(f, "{}-{}", self.first, self.last),
        }
    }
}

#[cfg(feature = "arbitrary")]
impl<'a> arbitrary::Arbitrary<'a> for Ipv4Range {
    /// Any valid range: the two addresses drawn are put in order.
    fn arbitrary(u: &mut arbitrary::Unstructured<'a>) -> arbitrary::Result<Self> {
        let a = u32::arbitrary(u)?;
        let b = u32::arbitrary(u)?;
        Ok(Self {
            first: Ipv4Addr::from_bits(a.min(b)),
            last: Ipv4Addr::from_bits(a.max(b)),
        })
    }
}

/// The mask of the host bits of a `len`-bit prefix (`len` at most 32).
const fn host_mask(len: u8) -> u32 {
    match u32::MAX.checked_shr(len as u32) {
        Some(mask) => mask,
        None => 0,
    }
}

/// 234.0.0.0, the prefix of the unicast-prefix-based addresses (RFC 6034 §3).
const UBM_PREFIX: u32 = 234 << 24;

/// The first ASN whose GLOP /24 would fall in AD-HOC Block III (233.252.0.0/14).
const GLOP_FIRST_AD_HOC_III_ASN: u16 = 0xFC00;

/// A block of the IANA "IPv4 Multicast Address Space Registry", whose top-level layout is the
/// table of RFC 5771 §3, with 234/8 assigned since by RFC 6034 and 224.252.0.0/14 by IANA.
///
/// [`IPV4_MULTICAST_REGISTRY`] lists the fifteen rows with their ranges; the four reserved rows
/// share [`Ipv4MulticastBlock::Reserved`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "arbitrary", derive(arbitrary::Arbitrary))]
pub enum Ipv4MulticastBlock {
    /// 224.0.0.0/24, Local Network Control Block: "protocol control traffic that is not
    /// forwarded off link" (RFC 5771 §4). All systems, all routers, IGMPv3, OSPF, PIM…
    LocalNetworkControl,
    /// 224.0.1.0/24, Internetwork Control Block: "protocol control traffic that MAY be
    /// forwarded through the Internet" (RFC 5771 §5). NTP, Auto-RP…
    InternetworkControl,
    /// 224.0.2.0–224.0.255.255, AD-HOC Block I (RFC 5771 §6): assigned by IANA to applications
    /// that fit no other block; may be globally routed.
    AdHocI,
    /// 224.2.0.0/16, SDP/SAP Block (RFC 5771 §7): addresses for sessions announced with SAP
    /// (RFC 2974).
    SdpSap,
    /// 224.3.0.0–224.4.255.255, AD-HOC Block II (RFC 5771 §6).
    AdHocII,
    /// 224.252.0.0/14, DIS Transient Groups: the IANA registry's assignment to Distributed
    /// Interactive Simulation, which RFC 5771 §3 lists as part of the reserved 224.5/16–224.255/16.
    DisTransientGroups,
    /// 232.0.0.0/8, Source-Specific Multicast Block (RFC 5771 §8, RFC 4607 §1): receivers
    /// subscribe to (S,G) channels, so no IANA assignment is needed.
    SourceSpecific,
    /// 233.0.0.0–233.251.255.255, GLOP Block (RFC 5771 §9): 233.X.Y.0/24 belongs to the 16-bit
    /// AS number X.Y (RFC 3180 §2).
    Glop,
    /// 233.252.0.0/14, AD-HOC Block III, the former extended GLOP space (RFC 5771 §6);
    /// 233.252.0.0/24 in it is MCAST-TEST-NET, for documentation (RFC 6676).
    AdHocIII,
    /// 234.0.0.0/8, Unicast-Prefix-based IPv4 Multicast Addresses (RFC 6034 §3): 234.P.Q.R
    /// belongs to whoever holds the unicast prefix P.Q.R.0/24.
    UnicastPrefixBased,
    /// 239.0.0.0/8, Administratively Scoped Block (RFC 5771 §10, RFC 2365 §4): "for local use
    /// within a domain", bounded by configured scope boundaries.
    AdministrativelyScoped,
    /// One of the reserved rows: 224.1.0.0/16, 224.5.0.0–224.251.255.255, 225.0.0.0–231.255.255.255
    /// and 235.0.0.0–238.255.255.255 (RFC 5771 §3).
    Reserved,
}

impl Ipv4MulticastBlock {
    /// The block's designation in the registry, e.g. `"Local Network Control Block"`.
    #[must_use]
    pub const fn name(self) -> &'static str {
        match self {
            Ipv4MulticastBlock::LocalNetworkControl => "Local Network Control Block",
            Ipv4MulticastBlock::InternetworkControl => "Internetwork Control Block",
            Ipv4MulticastBlock::AdHocI => "AD-HOC Block I",
            Ipv4MulticastBlock::SdpSap => "SDP/SAP Block",
            Ipv4MulticastBlock::AdHocII => "AD-HOC Block II",
            Ipv4MulticastBlock::DisTransientGroups => "DIS Transient Groups",
            Ipv4MulticastBlock::SourceSpecific => "Source-Specific Multicast Block",
            Ipv4MulticastBlock::Glop => "GLOP Block",
            Ipv4MulticastBlock::AdHocIII => "AD-HOC Block III",
            Ipv4MulticastBlock::UnicastPrefixBased => {
                "Unicast-Prefix-based IPv4 Multicast Addresses"
            }
            Ipv4MulticastBlock::AdministrativelyScoped => "Administratively Scoped Block",
            Ipv4MulticastBlock::Reserved => "Reserved",
        }
    }

    /// The documents that define the block, e.g. `"RFC 5771 §4"`.
    #[must_use]
    pub const fn reference(self) -> &'static str {
        match self {
            Ipv4MulticastBlock::LocalNetworkControl => "RFC 5771 §4",
            Ipv4MulticastBlock::InternetworkControl => "RFC 5771 §5",
            Ipv4MulticastBlock::AdHocI
            | Ipv4MulticastBlock::AdHocII
            | Ipv4MulticastBlock::AdHocIII => "RFC 5771 §6",
            Ipv4MulticastBlock::SdpSap => "RFC 5771 §7, RFC 2974",
            Ipv4MulticastBlock::DisTransientGroups => "IANA IPv4 multicast address registry",
            Ipv4MulticastBlock::SourceSpecific => "RFC 5771 §8, RFC 4607",
            Ipv4MulticastBlock::Glop => "RFC 5771 §9, RFC 3180",
            Ipv4MulticastBlock::UnicastPrefixBased => "RFC 6034",
            Ipv4MulticastBlock::AdministrativelyScoped => "RFC 5771 §10, RFC 2365",
            Ipv4MulticastBlock::Reserved => "RFC 5771 §3",
        }
    }
}

impl fmt::Display for Ipv4MulticastBlock {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// One row of the IANA IPv4 multicast address registry: a block and its exact range.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Ipv4RegistryEntry {
    /// The addresses of the row.
    pub range: Ipv4Range,
    /// The block they form.
    pub block: Ipv4MulticastBlock,
}

const fn row(first: [u8; 4], last: [u8; 4], block: Ipv4MulticastBlock) -> Ipv4RegistryEntry {
    let first = Ipv4Addr::new(first[0], first[1], first[2], first[3]);
    let last = Ipv4Addr::new(last[0], last[1], last[2], last[3]);
    Ipv4RegistryEntry {
        range: Ipv4Range { first, last },
        block,
    }
}

/// The top level of the IANA "IPv4 Multicast Address Space Registry" (RFC 5771 §3, RFC 6034),
/// in address order: fifteen rows that cover 224.0.0.0/4 without gap or overlap.
pub const IPV4_MULTICAST_REGISTRY: [Ipv4RegistryEntry; 15] = {
    use Ipv4MulticastBlock as B;
    [
        row([224, 0, 0, 0], [224, 0, 0, 255], B::LocalNetworkControl),
        row([224, 0, 1, 0], [224, 0, 1, 255], B::InternetworkControl),
        row([224, 0, 2, 0], [224, 0, 255, 255], B::AdHocI),
        row([224, 1, 0, 0], [224, 1, 255, 255], B::Reserved),
        row([224, 2, 0, 0], [224, 2, 255, 255], B::SdpSap),
        row([224, 3, 0, 0], [224, 4, 255, 255], B::AdHocII),
        row([224, 5, 0, 0], [224, 251, 255, 255], B::Reserved),
        row(
            [224, 252, 0, 0],
            [224, 255, 255, 255],
            B::DisTransientGroups,
        ),
        row([225, 0, 0, 0], [231, 255, 255, 255], B::Reserved),
        row([232, 0, 0, 0], [232, 255, 255, 255], B::SourceSpecific),
        row([233, 0, 0, 0], [233, 251, 255, 255], B::Glop),
        row([233, 252, 0, 0], [233, 255, 255, 255], B::AdHocIII),
        row([234, 0, 0, 0], [234, 255, 255, 255], B::UnicastPrefixBased),
        row([235, 0, 0, 0], [238, 255, 255, 255], B::Reserved),
        row(
            [239, 0, 0, 0],
            [239, 255, 255, 255],
            B::AdministrativelyScoped,
        ),
    ]
};

/// The structure RFC 2365 §6 gives the Administratively Scoped Block 239.0.0.0/8.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "arbitrary", derive(arbitrary::Arbitrary))]
pub enum Ipv4AdminScope {
    /// 239.255.0.0/16, the IPv4 Local Scope (RFC 2365 §6.1): the minimal enclosing scope, not
    /// further divisible; every scope boundary is also a Local Scope boundary.
    Local,
    /// 239.254.0.0/16 then 239.253.0.0/16, where the Local Scope grows when 239.255.0.0/16 is
    /// exhausted (RFC 2365 §6.1.1).
    LocalExpansion,
    /// 239.192.0.0/14, the IPv4 Organization Local Scope (RFC 2365 §6.2): the space from which
    /// an organization allocates sub-ranges when it defines scopes for private use.
    OrganizationLocal,
    /// 239.0.0.0/10, 239.64.0.0/10 and 239.128.0.0/10, left for the expansion of the
    /// Organization Local Scope (RFC 2365 §6.2.1).
    OrganizationLocalExpansion,
    /// 239.196.0.0–239.252.255.255: administratively scoped space that RFC 2365 §6 assigns to
    /// no scope.
    Unassigned,
}

impl Ipv4AdminScope {
    /// Relative address of the Session Announcement Protocol: the highest address of each scope
    /// (RFC 2365 §9, RFC 2974 §3), 239.255.255.255 in the Local Scope.
    pub const RELATIVE_SAP: u8 = 0;
    /// Relative address of the MADCAP servers (RFC 2730; the relative assignment "1" of RFC 2365
    /// §9), 239.255.255.254 in the Local Scope.
    pub const RELATIVE_MADCAP: u8 = 1;
    /// Relative address of the Service Location Protocol, version 2 (RFC 2608),
    /// 239.255.255.253 in the Local Scope.
    pub const RELATIVE_SLPV2: u8 = 2;

    /// The sub-scope of the administratively scoped address `addr`, or `None` outside 239/8.
    #[must_use]
    pub const fn of(addr: Ipv4Addr) -> Option<Self> {
        match addr.octets() {
            [239, 255, _, _] => Some(Self::Local),
            [239, 253 | 254, _, _] => Some(Self::LocalExpansion),
            [239, 192..=195, _, _] => Some(Self::OrganizationLocal),
            [239, 0..=191, _, _] => Some(Self::OrganizationLocalExpansion),
            [239, _, _, _] => Some(Self::Unassigned),
            _ => None,
        }
    }

    /// The address ranges of the scope, in the order RFC 2365 §6 gives them (the Local Scope
    /// expands downward: 239.254.0.0/16 first).
    #[must_use]
    pub const fn ranges(self) -> &'static [Ipv4Range] {
        const fn p(a: u8, b: u8, len: u8) -> Ipv4Range {
            let first = Ipv4Addr::new(a, b, 0, 0).to_bits();
            let host = host_mask(len);
            Ipv4Range {
                first: Ipv4Addr::from_bits(first),
                last: Ipv4Addr::from_bits(first | host),
            }
        }
        const LOCAL: [Ipv4Range; 1] = [p(239, 255, 16)];
        const LOCAL_EXPANSION: [Ipv4Range; 2] = [p(239, 254, 16), p(239, 253, 16)];
        const ORGANIZATION_LOCAL: [Ipv4Range; 1] = [p(239, 192, 14)];
        const ORGANIZATION_LOCAL_EXPANSION: [Ipv4Range; 3] =
            [p(239, 0, 10), p(239, 64, 10), p(239, 128, 10)];
        const UNASSIGNED: [Ipv4Range; 1] = [Ipv4Range {
            first: Ipv4Addr::new(239, 196, 0, 0),
            last: Ipv4Addr::new(239, 252, 255, 255),
        }];
        match self {
            Self::Local => &LOCAL,
            Self::LocalExpansion => &LOCAL_EXPANSION,
            Self::OrganizationLocal => &ORGANIZATION_LOCAL,
            Self::OrganizationLocalExpansion => &ORGANIZATION_LOCAL_EXPANSION,
            Self::Unassigned => &UNASSIGNED,
        }
    }

    /// The scope's name in RFC 2365 §6.
    #[must_use]
    pub const fn name(self) -> &'static str {
        match self {
            Self::Local => "IPv4 Local Scope",
            Self::LocalExpansion => "IPv4 Local Scope expansion",
            Self::OrganizationLocal => "IPv4 Organization Local Scope",
            Self::OrganizationLocalExpansion => "IPv4 Organization Local Scope expansion",
            Self::Unassigned => "unassigned administratively scoped space",
        }
    }

    /// The address at relative position `offset` of the scope (RFC 2365 §9: "an integer offset
    /// from highest address in the scope"; the high-order /24 of every scope is reserved for
    /// them): 239.255.255.255 − offset in the Local Scope, 239.195.255.255 − offset in the
    /// Organization Local Scope. `None` for the other regions, whose extent is a matter of
    /// configuration.
    #[must_use]
    pub const fn relative_address(self, offset: u8) -> Option<Ipv4MulticastAddr> {
        let top = match self {
            Self::Local => Ipv4Addr::new(239, 255, 255, 255),
            Self::OrganizationLocal => Ipv4Addr::new(239, 195, 255, 255),
            _ => return None,
        };
        Ipv4MulticastAddr::new(Ipv4Addr::from_bits(
            top.to_bits().wrapping_sub(offset as u32),
        ))
    }
}

impl fmt::Display for Ipv4AdminScope {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl Ipv4MulticastAddr {
    /// The registry block of the group (RFC 5771 §3).
    #[must_use]
    pub const fn block(self) -> Ipv4MulticastBlock {
        self.registry_entry().block
    }

    /// The registry row of the group, with the exact range of its block (RFC 5771 §3).
    #[must_use]
    pub const fn registry_entry(self) -> Ipv4RegistryEntry {
        let bits = self.to_bits();
        // The rows cover 224.0.0.0/4 in order: the last row whose first address is not above
        // the group holds it.
        let mut found = IPV4_MULTICAST_REGISTRY[0];
        let mut rest: &[Ipv4RegistryEntry] = &IPV4_MULTICAST_REGISTRY;
        while let [entry, tail @ ..] = rest {
            if entry.range.first.to_bits() <= bits {
                found = *entry;
            }
            rest = tail;
        }
        found
    }

    /// Whether the group is in the Local Network Control Block 224.0.0.0/24, which routers never
    /// forward off link (RFC 5771 §4). Same as `!self.is_routable()`.
    #[must_use]
    pub const fn is_local_network_control(self) -> bool {
        !crate::scope::ipv4_is_routable(self.addr())
    }

    /// Whether the group is in the Source-Specific Multicast Block 232.0.0.0/8 (RFC 4607 §1),
    /// where only (S,G) channels exist: no (*,G) state, no RP, IGMPv3 INCLUDE mode only.
    #[must_use]
    pub const fn is_source_specific(self) -> bool {
        self.octets()[0] == 232
    }

    /// The 16-bit AS number that owns the group's GLOP /24 (RFC 3180 §2), or `None` outside the
    /// GLOP Block 233.0.0.0–233.251.255.255.
    #[must_use]
    pub const fn glop_asn(self) -> Option<u16> {
        match self.octets() {
            [233, x, y, _] => {
                let asn = u16::from_be_bytes([x, y]);
                if asn < GLOP_FIRST_AD_HOC_III_ASN {
                    Some(asn)
                } else {
                    None
                }
            }
            _ => None,
        }
    }

    /// For a unicast-prefix-based group 234.P.Q.R (RFC 6034 §3), the unicast /24 P.Q.R.0/24 it
    /// derives from (held by the owner of that /24 or of any shorter prefix covering it);
    /// `None` outside 234/8.
    #[must_use]
    pub const fn ubm_unicast_prefix(self) -> Option<Ipv4Range> {
        match self.octets() {
            [234, p, q, r] => Ipv4Range::from_prefix(Ipv4Addr::new(p, q, r, 0), 24),
            _ => None,
        }
    }

    /// The RFC 2365 §6 sub-scope of an administratively scoped group, `None` outside 239/8.
    #[must_use]
    pub const fn admin_scope(self) -> Option<Ipv4AdminScope> {
        Ipv4AdminScope::of(self.addr())
    }

    /// For a group in the high-order /24 of the Local Scope (239.255.255.0/24) or of the
    /// Organization Local Scope (239.195.255.0/24), its scope and its relative offset from the
    /// top of the scope (RFC 2365 §9); `None` for any other group.
    #[must_use]
    pub const fn relative_offset(self) -> Option<(Ipv4AdminScope, u8)> {
        match self.octets() {
            // `!d` is `255 - d`: the offset from the top of the scope.
            [239, 255, 255, d] => Some((Ipv4AdminScope::Local, !d)),
            [239, 195, 255, d] => Some((Ipv4AdminScope::OrganizationLocal, !d)),
            _ => None,
        }
    }

    /// Whether the group is MCAST-TEST-NET, 233.252.0.0/24, reserved for documentation (RFC
    /// 6676).
    #[must_use]
    pub const fn is_mcast_test_net(self) -> bool {
        matches!(self.octets(), [233, 252, 0, _])
    }

    /// Whether the group is one of the IPv4 multicast addresses for documentation (RFC 6676):
    /// MCAST-TEST-NET 233.252.0.0/24; the GLOP blocks of the documentation ASNs 64496–64511
    /// (RFC 5398), 233.251.240.0/20; and the unicast-prefix-based addresses of the documentation
    /// prefixes TEST-NET-1, -2 and -3 (RFC 5737): 234.192.0.2, 234.198.51.100 and 234.203.0.113.
    #[must_use]
    pub const fn is_documentation(self) -> bool {
        matches!(
            self.octets(),
            [233, 252, 0, _]
                | [233, 251, 240..=255, _]
                | [234, 192, 0, 2]
                | [234, 198, 51, 100]
                | [234, 203, 0, 113]
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::string::ToString;

    fn g(a: u8, b: u8, c: u8, d: u8) -> Ipv4MulticastAddr {
        Ipv4MulticastAddr::new(Ipv4Addr::new(a, b, c, d)).unwrap()
    }

    #[test]
    fn registry_covers_the_multicast_range_without_gap_or_overlap() {
        let rows = IPV4_MULTICAST_REGISTRY;
        assert_eq!(rows[0].range.first(), Ipv4Addr::new(224, 0, 0, 0));
        assert_eq!(rows[14].range.last(), Ipv4Addr::new(239, 255, 255, 255));
        for pair in rows.windows(2) {
            assert_eq!(
                pair[0].range.last().to_bits() + 1,
                pair[1].range.first().to_bits(),
                "{:?} then {:?}",
                pair[0],
                pair[1]
            );
        }
        let total: u64 = rows.iter().map(|r| r.range.size()).sum();
        assert_eq!(total, 1 << 28);
    }

    /// Every block boundary of RFC 5771 §3 (plus RFC 6034 and the IANA DIS row): the first and
    /// the last address of each row, and the addresses just outside.
    #[test]
    fn rfc5771_block_boundaries() {
        use Ipv4MulticastBlock as B;
        let table: [([u8; 4], [u8; 4], B); 15] = [
            ([224, 0, 0, 0], [224, 0, 0, 255], B::LocalNetworkControl),
            ([224, 0, 1, 0], [224, 0, 1, 255], B::InternetworkControl),
            ([224, 0, 2, 0], [224, 0, 255, 255], B::AdHocI),
            ([224, 1, 0, 0], [224, 1, 255, 255], B::Reserved),
            ([224, 2, 0, 0], [224, 2, 255, 255], B::SdpSap),
            ([224, 3, 0, 0], [224, 4, 255, 255], B::AdHocII),
            ([224, 5, 0, 0], [224, 251, 255, 255], B::Reserved),
            (
                [224, 252, 0, 0],
                [224, 255, 255, 255],
                B::DisTransientGroups,
            ),
            ([225, 0, 0, 0], [231, 255, 255, 255], B::Reserved),
            ([232, 0, 0, 0], [232, 255, 255, 255], B::SourceSpecific),
            ([233, 0, 0, 0], [233, 251, 255, 255], B::Glop),
            ([233, 252, 0, 0], [233, 255, 255, 255], B::AdHocIII),
            ([234, 0, 0, 0], [234, 255, 255, 255], B::UnicastPrefixBased),
            ([235, 0, 0, 0], [238, 255, 255, 255], B::Reserved),
            (
                [239, 0, 0, 0],
                [239, 255, 255, 255],
                B::AdministrativelyScoped,
            ),
        ];
        for (first, last, block) in table {
            let first = Ipv4MulticastAddr::from_octets(first).unwrap();
            let last = Ipv4MulticastAddr::from_octets(last).unwrap();
            assert_eq!(first.block(), block, "{first}");
            assert_eq!(last.block(), block, "{last}");
            assert_eq!(first.registry_entry().range.first(), first.addr());
            assert_eq!(last.registry_entry().range.last(), last.addr());
            if let Some(before) = Ipv4MulticastAddr::new(Ipv4Addr::from_bits(first.to_bits() - 1)) {
                assert_ne!(before.registry_entry(), first.registry_entry(), "{before}");
            }
            if let Some(after) = Ipv4MulticastAddr::new(Ipv4Addr::from_bits(last.to_bits() + 1)) {
                assert_ne!(after.registry_entry(), last.registry_entry(), "{after}");
            }
        }
    }

    #[test]
    fn range_display_and_prefix() {
        let adhoc = IPV4_MULTICAST_REGISTRY[2].range;
        assert_eq!(adhoc.prefix_len(), None);
        assert_eq!(adhoc.to_string(), "224.0.2.0-224.0.255.255");
        assert_eq!(adhoc.size(), 65024, "RFC 5771 §3 gives its size");
        let adhoc3 = IPV4_MULTICAST_REGISTRY[11].range;
        assert_eq!(adhoc3.to_string(), "233.252.0.0/14");
        let glop = IPV4_MULTICAST_REGISTRY[10].range;
        assert_eq!(glop.size(), 16_515_072, "RFC 5771 §3 gives its size");
        let all = Ipv4Range::from_prefix(Ipv4Addr::new(1, 2, 3, 4), 0).unwrap();
        assert_eq!(all.to_string(), "0.0.0.0/0");
        assert_eq!(all.size(), 1 << 32);
        let one = Ipv4Range::from_prefix(Ipv4Addr::new(1, 2, 3, 4), 32).unwrap();
        assert_eq!(one.to_string(), "1.2.3.4/32");
        assert_eq!(Ipv4Range::from_prefix(Ipv4Addr::new(1, 2, 3, 4), 33), None);
        assert_eq!(
            Ipv4Range::new(Ipv4Addr::new(1, 0, 0, 1), Ipv4Addr::new(1, 0, 0, 0)),
            None
        );
    }

    #[test]
    fn glop_rfc3180() {
        // RFC 3180 §2: AS 5662 (0x161E) gets 233.22.30.0/24.
        assert_eq!(Ipv4Range::glop(5662).unwrap().to_string(), "233.22.30.0/24");
        assert_eq!(g(233, 22, 30, 7).glop_asn(), Some(5662));
        assert_eq!(Ipv4Range::glop(0).unwrap().to_string(), "233.0.0.0/24");
        assert_eq!(
            Ipv4Range::glop(64511).unwrap().to_string(),
            "233.251.255.0/24"
        );
        assert_eq!(Ipv4Range::glop(64512), None);
        assert_eq!(Ipv4Range::glop(65535), None);
        assert_eq!(g(233, 251, 255, 255).glop_asn(), Some(64511));
        assert_eq!(g(233, 252, 0, 0).glop_asn(), None);
        assert_eq!(g(232, 0, 0, 1).glop_asn(), None);
        // RFC 6676: the documentation ASNs 64496–64511 give 233.251.240.0/20.
        assert_eq!(
            Ipv4Range::glop(64496).unwrap().first(),
            Ipv4Addr::new(233, 251, 240, 0)
        );
        assert!(g(233, 251, 240, 0).is_documentation());
        assert!(!g(233, 251, 239, 255).is_documentation());
    }

    #[test]
    fn ubm_rfc6034() {
        let doc = Ipv4Range::unicast_prefix_based(Ipv4Addr::new(192, 0, 2, 0), 24).unwrap();
        assert_eq!(doc.to_string(), "234.192.0.2/32");
        let sixteen = Ipv4Range::unicast_prefix_based(Ipv4Addr::new(10, 1, 77, 9), 16).unwrap();
        assert_eq!(sixteen.to_string(), "234.10.1.0/24");
        let eight = Ipv4Range::unicast_prefix_based(Ipv4Addr::new(10, 0, 0, 0), 8).unwrap();
        assert_eq!(eight.to_string(), "234.10.0.0/16");
        assert!(matches!(
            Ipv4Range::unicast_prefix_based(Ipv4Addr::new(192, 0, 2, 0), 25),
            Err(AddrError::Invalid {
                field: "prefix length",
                value: 25,
                ..
            })
        ));
        assert!(matches!(
            Ipv4Range::unicast_prefix_based(Ipv4Addr::new(224, 0, 0, 0), 8),
            Err(AddrError::Invalid {
                field: "unicast prefix",
                ..
            })
        ));
        assert_eq!(
            g(234, 198, 51, 100)
                .ubm_unicast_prefix()
                .unwrap()
                .to_string(),
            "198.51.100.0/24"
        );
        assert_eq!(g(235, 198, 51, 100).ubm_unicast_prefix(), None);
        for doc in [g(234, 192, 0, 2), g(234, 198, 51, 100), g(234, 203, 0, 113)] {
            assert!(doc.is_documentation(), "{doc}");
        }
    }

    #[test]
    fn rfc2365_admin_scopes_and_boundaries() {
        use Ipv4AdminScope as S;
        let cases = [
            ([239, 0, 0, 0], S::OrganizationLocalExpansion),
            ([239, 191, 255, 255], S::OrganizationLocalExpansion),
            ([239, 192, 0, 0], S::OrganizationLocal),
            ([239, 195, 255, 255], S::OrganizationLocal),
            ([239, 196, 0, 0], S::Unassigned),
            ([239, 252, 255, 255], S::Unassigned),
            ([239, 253, 0, 0], S::LocalExpansion),
            ([239, 254, 255, 255], S::LocalExpansion),
            ([239, 255, 0, 0], S::Local),
            ([239, 255, 255, 255], S::Local),
        ];
        for (octets, scope) in cases {
            let group = Ipv4MulticastAddr::from_octets(octets).unwrap();
            assert_eq!(group.admin_scope(), Some(scope), "{group}");
            assert!(
                scope.ranges().iter().any(|r| r.contains(group.addr())),
                "{group}"
            );
        }
        assert_eq!(g(238, 255, 255, 255).admin_scope(), None);
        // The ranges of all the scopes tile 239/8.
        let total: u64 = [
            S::Local,
            S::LocalExpansion,
            S::OrganizationLocal,
            S::OrganizationLocalExpansion,
            S::Unassigned,
        ]
        .iter()
        .flat_map(|s| s.ranges())
        .map(Ipv4Range::size)
        .sum();
        assert_eq!(total, 1 << 24);
    }

    #[test]
    fn rfc2365_relative_addresses() {
        use Ipv4AdminScope as S;
        assert_eq!(
            S::Local.relative_address(S::RELATIVE_SAP),
            Some(g(239, 255, 255, 255))
        );
        assert_eq!(
            S::Local.relative_address(S::RELATIVE_MADCAP),
            Some(g(239, 255, 255, 254))
        );
        assert_eq!(
            S::Local.relative_address(S::RELATIVE_SLPV2),
            Some(g(239, 255, 255, 253))
        );
        assert_eq!(S::Local.relative_address(255), Some(g(239, 255, 255, 0)));
        assert_eq!(
            S::OrganizationLocal.relative_address(0),
            Some(g(239, 195, 255, 255))
        );
        assert_eq!(S::Unassigned.relative_address(0), None);
        assert_eq!(g(239, 255, 255, 0).relative_offset(), Some((S::Local, 255)));
        assert_eq!(g(239, 255, 254, 255).relative_offset(), None);
        assert_eq!(
            g(239, 195, 255, 250).relative_offset(),
            Some((S::OrganizationLocal, 5))
        );
        for offset in 0..=255u8 {
            for scope in [S::Local, S::OrganizationLocal] {
                let addr = scope.relative_address(offset).unwrap();
                assert_eq!(addr.relative_offset(), Some((scope, offset)));
                assert_eq!(addr.admin_scope(), Some(scope));
            }
        }
    }

    #[test]
    fn mcast_test_net_rfc6676() {
        assert!(g(233, 252, 0, 0).is_mcast_test_net());
        assert!(g(233, 252, 0, 255).is_mcast_test_net());
        assert!(!g(233, 252, 1, 0).is_mcast_test_net());
        assert!(!g(233, 251, 255, 255).is_mcast_test_net());
        assert_eq!(g(233, 252, 0, 1).block(), Ipv4MulticastBlock::AdHocIII);
    }

    proptest::proptest! {
        #[test]
        fn glop_both_ways(asn in 0u16..64512, low: u8) {
            let range = Ipv4Range::glop(asn).unwrap();
            let [_, x, y, _] = range.first().octets();
            let group = g(233, x, y, low);
            proptest::prop_assert!(range.contains(group.addr()));
            proptest::prop_assert_eq!(group.glop_asn(), Some(asn));
            proptest::prop_assert_eq!(group.block(), Ipv4MulticastBlock::Glop);
        }

        #[test]
        fn ubm_both_ways(prefix: u32, len in 0u8..=24, pick: u32) {
            let prefix = Ipv4Addr::from_bits(prefix);
            let Ok(block) = Ipv4Range::unicast_prefix_based(prefix, len) else {
                proptest::prop_assert!(prefix.octets()[0] >= 224);
                return Ok(());
            };
            // Any group of the block leads back to a /24 inside the unicast prefix.
            let unicast = Ipv4Range::from_prefix(prefix, len).unwrap();
            let offset = u64::from(pick) % block.size();
            let group = Ipv4MulticastAddr::new(Ipv4Addr::from_bits(block.first().to_bits() + offset as u32)).unwrap();
            proptest::prop_assert_eq!(group.block(), Ipv4MulticastBlock::UnicastPrefixBased);
            let back = group.ubm_unicast_prefix().unwrap();
            proptest::prop_assert!(unicast.contains_range(&back), "{} from {}", back, unicast);
            proptest::prop_assert_eq!(block.prefix_len(), Some(len + 8));
        }

        #[test]
        fn registry_lookup_agrees_with_a_linear_scan(bits in 0xE000_0000u32..=0xEFFF_FFFF) {
            let group = Ipv4MulticastAddr::new(Ipv4Addr::from_bits(bits)).unwrap();
            let rows: std::vec::Vec<_> = IPV4_MULTICAST_REGISTRY.iter().filter(|r| r.range.contains(group.addr())).collect();
            proptest::prop_assert_eq!(rows.len(), 1);
            proptest::prop_assert_eq!(*rows[0], group.registry_entry());
        }
    }
}
