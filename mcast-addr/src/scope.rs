//! Multicast scopes, one model for IPv4 and IPv6, and the question a router asks at every
//! interface: may this group cross this boundary?
//!
//! IPv6 writes the scope into every multicast address: the 4-bit `scop` field (RFC 4291 §2.7,
//! names from RFC 7346 §2). IPv4 has no such field; RFC 2365 §6 lays the administratively scoped
//! block 239/8 out "based loosely on the IPv6 addressing architecture", and the two structures
//! line up:
//!
//! | [`Scope`]                       | IPv6      | IPv4                                                |
//! |---------------------------------|-----------|-----------------------------------------------------|
//! | [`Scope::LinkLocal`]            | `ff02::/16` | 224.0.0.0/24, Local Network Control (RFC 5771 §4) |
//! | [`Scope::SiteLocal`]            | `ff05::/16` | 239.255.0.0/16, the IPv4 Local Scope (RFC 2365 §6.1), and its expansion 239.253.0.0/16–239.254.0.0/16 |
//! | [`Scope::OrganizationLocal`]    | `ff08::/16` | 239.192.0.0/14, Organization Local Scope (RFC 2365 §6.2), its expansion, and the rest of 239/8 |
//! | [`Scope::Global`]               | `ff0e::/16` | everything else in 224.0.0.0/4 (RFC 2365 §6: "the static global scope allocations") |
//!
//! A boundary is configured per interface (RFC 2365 §5: a boundary router "does not forward
//! packets matching an interface's boundary definition in either direction"). It is either a
//! scope level, the IPv6 way (RFC 4007 §5: a zone boundary of scope S is also a boundary of
//! every smaller scope, since zones nest), or an IPv4 address range, the RFC 2365 way. Either
//! way [`ScopeBoundary::blocks`] answers for any group, and a group of the Local Network Control
//! block or of interface-/link-local IPv6 scope crosses no router at all.
//!
//! ```
//! use mcast_addr::{Ipv4MulticastAddr, Ipv4Range, Ipv6MulticastAddr, Scope, ScopeBoundary};
//! use core::net::Ipv4Addr;
//!
//! let site_boundary = ScopeBoundary::Zone(Scope::SiteLocal);
//! let org_group: Ipv6MulticastAddr = "ff08::1:3".parse()?;
//! let site_group: Ipv6MulticastAddr = "ff05::1:3".parse()?;
//! assert!(org_group.may_cross(&site_boundary));
//! assert!(!site_group.may_cross(&site_boundary));
//!
//! // An RFC 2365 boundary for 239.192.0.0/14 on an IPv4 interface.
//! let org_local = Ipv4Range::from_prefix(Ipv4Addr::new(239, 192, 0, 0), 14).unwrap();
//! let boundary = ScopeBoundary::Ipv4Range(org_local);
//! let inside: Ipv4MulticastAddr = "239.193.1.1".parse()?;
//! let local: Ipv4MulticastAddr = "239.255.0.1".parse()?; // any boundary bounds the Local Scope
//! let global: Ipv4MulticastAddr = "233.252.0.1".parse()?;
//! assert!(!inside.may_cross(&boundary));
//! assert!(!local.may_cross(&boundary));
//! assert!(global.may_cross(&boundary));
//! # Ok::<(), mcast_addr::AddrError>(())
//! ```

use core::fmt;
use core::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use crate::ipv4::{Ipv4AdminScope, Ipv4Range};

/// The scope of a multicast group: the 4-bit `scop` field of an IPv6 multicast address (RFC 4291
/// §2.7, with the names and the Realm-Local value of RFC 7346 §2), and the level an IPv4 group
/// maps to (RFC 2365 §6, see the [module documentation](self)).
///
/// All 16 values have a variant, so the field never fails to decode. The order is the order of
/// the values, which is the nesting order of the zones (RFC 4007 §5): a larger scope contains the
/// smaller ones.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "arbitrary", derive(arbitrary::Arbitrary))]
#[repr(u8)]
pub enum Scope {
    /// 0: reserved. RFC 4291 §2.7: nodes must not originate a packet to such an address, and
    /// must silently drop one they receive.
    Reserved0 = 0x0,
    /// 1: Interface-Local scope, "spans only a single interface on a node, and is useful only
    /// for loopback transmission of multicast" (RFC 4291 §2.7).
    InterfaceLocal = 0x1,
    /// 2: Link-Local scope, the same topological region as the corresponding unicast scope
    /// (RFC 4291 §2.7). IPv4: 224.0.0.0/24.
    LinkLocal = 0x2,
    /// 3: Realm-Local scope, larger than link-local, derived automatically from the network
    /// topology; defined per network type (RFC 7346 §3).
    RealmLocal = 0x3,
    /// 4: Admin-Local scope, "the smallest scope that must be administratively configured"
    /// (RFC 4291 §2.7, RFC 7346 §2).
    AdminLocal = 0x4,
    /// 5: Site-Local scope, "intended to span a single site" (RFC 4291 §2.7). IPv4: the Local
    /// Scope 239.255.0.0/16 of RFC 2365 §6.1.
    SiteLocal = 0x5,
    /// 6: unassigned (RFC 7346 §2), available for administrators to define.
    Unassigned6 = 0x6,
    /// 7: unassigned (RFC 7346 §2), available for administrators to define.
    Unassigned7 = 0x7,
    /// 8: Organization-Local scope, "intended to span multiple sites belonging to a single
    /// organization" (RFC 4291 §2.7). IPv4: 239.192.0.0/14 (RFC 2365 §6.2).
    OrganizationLocal = 0x8,
    /// 9: unassigned (RFC 7346 §2), available for administrators to define.
    Unassigned9 = 0x9,
    /// 10 (A): unassigned (RFC 7346 §2), available for administrators to define.
    UnassignedA = 0xA,
    /// 11 (B): unassigned (RFC 7346 §2), available for administrators to define.
    UnassignedB = 0xB,
    /// 12 (C): unassigned (RFC 7346 §2), available for administrators to define.
    UnassignedC = 0xC,
    /// 13 (D): unassigned (RFC 7346 §2), available for administrators to define.
    UnassignedD = 0xD,
    /// 14 (E): Global scope (RFC 4291 §2.7). IPv4: 224.0.1.0–238.255.255.255 (RFC 2365 §6).
    Global = 0xE,
    /// 15 (F): reserved. RFC 4291 §2.7: a packet to such an address "must be treated the same as
    /// packets destined to a global (scop E) multicast address".
    ReservedF = 0xF,
}

impl Scope {
    /// Every scope, in order of value.
    pub const ALL: [Scope; 16] = [
        Scope::Reserved0,
        Scope::InterfaceLocal,
        Scope::LinkLocal,
        Scope::RealmLocal,
        Scope::AdminLocal,
        Scope::SiteLocal,
        Scope::Unassigned6,
        Scope::Unassigned7,
        Scope::OrganizationLocal,
        Scope::Unassigned9,
        Scope::UnassignedA,
        Scope::UnassignedB,
        Scope::UnassignedC,
        Scope::UnassignedD,
        Scope::Global,
        Scope::ReservedF,
    ];

    /// The scope whose value is the low four bits of `value` (the `scop` field, RFC 4291 §2.7);
    /// the high four bits are ignored.
    #[must_use]
    pub const fn from_nibble(value: u8) -> Self {
        match value & 0x0F {
            0x0 => Scope::Reserved0,
            0x1 => Scope::InterfaceLocal,
            0x2 => Scope::LinkLocal,
            0x3 => Scope::RealmLocal,
            0x4 => Scope::AdminLocal,
            0x5 => Scope::SiteLocal,
            0x6 => Scope::Unassigned6,
            0x7 => Scope::Unassigned7,
            0x8 => Scope::OrganizationLocal,
            0x9 => Scope::Unassigned9,
            0xA => Scope::UnassignedA,
            0xB => Scope::UnassignedB,
            0xC => Scope::UnassignedC,
            0xD => Scope::UnassignedD,
            0xE => Scope::Global,
            _ => Scope::ReservedF,
        }
    }

    /// The 4-bit value of the `scop` field (RFC 4291 §2.7).
    #[must_use]
    pub const fn value(self) -> u8 {
        self as u8
    }

    /// The name RFC 7346 §2 gives the value: `"link-local"`, `"unassigned"`, `"reserved"`…
    #[must_use]
    pub const fn name(self) -> &'static str {
        match self {
            Scope::Reserved0 | Scope::ReservedF => "reserved",
            Scope::InterfaceLocal => "interface-local",
            Scope::LinkLocal => "link-local",
            Scope::RealmLocal => "realm-local",
            Scope::AdminLocal => "admin-local",
            Scope::SiteLocal => "site-local",
            Scope::OrganizationLocal => "organization-local",
            Scope::Global => "global",
            Scope::Unassigned6
            | Scope::Unassigned7
            | Scope::Unassigned9
            | Scope::UnassignedA
            | Scope::UnassignedB
            | Scope::UnassignedC
            | Scope::UnassignedD => "unassigned",
        }
    }

    /// Whether the value is reserved (0 and F, RFC 4291 §2.7).
    #[must_use]
    pub const fn is_reserved(self) -> bool {
        matches!(self, Scope::Reserved0 | Scope::ReservedF)
    }

    /// The scope packets to this scope are handled as, or `None` if they must be dropped:
    /// RFC 4291 §2.7 treats the reserved value F as global (E) and drops packets to the reserved
    /// value 0. Every other value is its own.
    #[must_use]
    pub const fn effective(self) -> Option<Scope> {
        match self {
            Scope::Reserved0 => None,
            Scope::ReservedF => Some(Scope::Global),
            other => Some(other),
        }
    }

    /// Whether the boundaries of zones of this scope are derived automatically from the physical
    /// topology (interface-, link- and realm-local) rather than configured by an administrator
    /// (admin-local and larger but global, which has no boundary) — RFC 7346 §2.
    #[must_use]
    pub const fn is_automatic(self) -> bool {
        matches!(
            self,
            Scope::InterfaceLocal | Scope::LinkLocal | Scope::RealmLocal
        )
    }

    /// Whether a router may forward a packet of this scope off the link it arrived on at all:
    /// not for the reserved value 0 (dropped), interface-local or link-local scope (RFC 4291
    /// §2.7: "Routers must not forward any multicast packets beyond of the scope indicated by
    /// the scop field").
    #[must_use]
    pub const fn is_routable(self) -> bool {
        !matches!(
            self,
            Scope::Reserved0 | Scope::InterfaceLocal | Scope::LinkLocal
        )
    }
}

impl fmt::Display for Scope {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl From<Scope> for u8 {
    fn from(scope: Scope) -> u8 {
        scope.value()
    }
}

/// A multicast scope boundary configured on a router interface (RFC 2365 §5, RFC 4007 §5).
///
/// A router keeps one per configured boundary of an interface and asks [`Self::blocks`] (or
/// [`MulticastAddr::may_cross`](crate::MulticastAddr::may_cross)) before forwarding a packet,
/// accepting a Join or forwarding a Source-Active through that interface.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "arbitrary", derive(arbitrary::Arbitrary))]
pub enum ScopeBoundary {
    /// The interface is a zone boundary for this scope, and so for every smaller scope (RFC 4007
    /// §5: zones of a given scope nest inside zones of larger scope). Groups whose (effective)
    /// scope is no larger stay inside. IPv4 groups are judged by the level they map to (see the
    /// [module documentation](self)).
    Zone(Scope),
    /// An administrative boundary for an IPv4 range, normally a prefix of 239/8 (RFC 2365 §5).
    /// Groups in the range stay inside; so do groups of the IPv4 Local Scope, since "any scope
    /// boundary is also a boundary for the Local Scope" (RFC 2365 §6.1). IPv6 groups are not
    /// concerned, but for those of interface- or link-local scope, which cross no router.
    Ipv4Range(Ipv4Range),
}

impl ScopeBoundary {
    /// Whether a packet to `group` must not cross this boundary, in either direction (RFC 2365
    /// §5). Every boundary blocks the groups no router forwards ([`ipv4_is_routable`] and
    /// [`Scope::is_routable`] are false). An address that is not multicast is not blocked.
    #[must_use]
    pub fn blocks(&self, group: IpAddr) -> bool {
        match group {
            IpAddr::V4(group) => self.blocks_ipv4(group),
            IpAddr::V6(group) => self.blocks_ipv6(group),
        }
    }

    fn blocks_ipv4(&self, group: Ipv4Addr) -> bool {
        if !group.is_multicast() {
            return false;
        }
        if !ipv4_is_routable(group) {
            return true;
        }
        match self {
            ScopeBoundary::Zone(scope) => ipv4_scope(group) <= *scope,
            ScopeBoundary::Ipv4Range(range) => {
                range.contains(group)
                    || matches!(
                        Ipv4AdminScope::of(group),
                        Some(Ipv4AdminScope::Local | Ipv4AdminScope::LocalExpansion)
                    )
            }
        }
    }

    fn blocks_ipv6(&self, group: Ipv6Addr) -> bool {
        if !group.is_multicast() {
            return false;
        }
        let scope = ipv6_scope(group);
        let Some(effective) = scope.effective() else {
            return true;
        };
        if !effective.is_routable() {
            return true;
        }
        match self {
            ScopeBoundary::Zone(boundary) => effective <= *boundary,
            ScopeBoundary::Ipv4Range(_) => false,
        }
    }
}

impl fmt::Display for ScopeBoundary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ScopeBoundary::Zone(scope) => write!(f, "{scope} zone boundary"),
            ScopeBoundary::Ipv4Range(range) => write!(f, "administrative boundary for {range}"),
        }
    }
}

/// The scope level of an IPv4 multicast address (RFC 2365 §6; see the [module
/// documentation](self)). The address is assumed to be multicast.
pub(crate) const fn ipv4_scope(group: Ipv4Addr) -> Scope {
    if !ipv4_is_routable(group) {
        return Scope::LinkLocal;
    }
    match Ipv4AdminScope::of(group) {
        None => Scope::Global,
        Some(Ipv4AdminScope::Local | Ipv4AdminScope::LocalExpansion) => Scope::SiteLocal,
        Some(
            Ipv4AdminScope::OrganizationLocal
            | Ipv4AdminScope::OrganizationLocalExpansion
            | Ipv4AdminScope::Unassigned,
        ) => Scope::OrganizationLocal,
    }
}

/// Whether a router may forward an IPv4 multicast packet to `group` off its link: not for the
/// Local Network Control Block 224.0.0.0/24, "not forwarded off link" (RFC 5771 §4; the IANA
/// registry: "Multicast routers should not forward any multicast datagram with destination
/// addresses in this range, regardless of its TTL").
#[must_use]
pub const fn ipv4_is_routable(group: Ipv4Addr) -> bool {
    !matches!(group.octets(), [224, 0, 0, _])
}

/// The `scop` field of an IPv6 address (RFC 4291 §2.7), meaningful for multicast addresses.
pub(crate) const fn ipv6_scope(group: Ipv6Addr) -> Scope {
    Scope::from_nibble(group.octets()[1])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn all_sixteen_values_round_trip_and_are_ordered() {
        for (value, scope) in Scope::ALL.iter().enumerate() {
            assert_eq!(scope.value() as usize, value);
            assert_eq!(Scope::from_nibble(value as u8), *scope);
            assert_eq!(Scope::from_nibble(value as u8 | 0xF0), *scope);
        }
        assert!(Scope::ALL.windows(2).all(|w| w[0] < w[1]));
    }

    #[test]
    fn rfc7346_names() {
        let names: std::vec::Vec<&str> = Scope::ALL.iter().map(|s| s.name()).collect();
        assert_eq!(
            names,
            [
                "reserved",
                "interface-local",
                "link-local",
                "realm-local",
                "admin-local",
                "site-local",
                "unassigned",
                "unassigned",
                "organization-local",
                "unassigned",
                "unassigned",
                "unassigned",
                "unassigned",
                "unassigned",
                "global",
                "reserved",
            ]
        );
    }

    #[test]
    fn reserved_values_rfc4291() {
        assert_eq!(Scope::Reserved0.effective(), None);
        assert_eq!(Scope::ReservedF.effective(), Some(Scope::Global));
        assert_eq!(Scope::RealmLocal.effective(), Some(Scope::RealmLocal));
    }

    #[test]
    fn ipv6_zone_boundaries() {
        let b = ScopeBoundary::Zone(Scope::SiteLocal);
        let addr = |s: &str| IpAddr::V6(s.parse().unwrap());
        assert!(b.blocks(addr("ff05::2")));
        assert!(b.blocks(addr("ff04::2")));
        assert!(b.blocks(addr("ff02::2")));
        assert!(b.blocks(addr("ff00::2")), "scope 0 is dropped");
        assert!(!b.blocks(addr("ff08::2")));
        assert!(!b.blocks(addr("ff0e::2")));
        assert!(!b.blocks(addr("ff0f::2")));
        assert!(!b.blocks(addr("2001:db8::1")), "unicast is not concerned");
        let global = ScopeBoundary::Zone(Scope::Global);
        assert!(global.blocks(addr("ff0f::2")), "F is global");
        // An IPv4 boundary concerns IPv6 groups only for those that never leave the link.
        let v4 = ScopeBoundary::Ipv4Range(
            Ipv4Range::from_prefix(Ipv4Addr::new(239, 0, 0, 0), 8).unwrap(),
        );
        assert!(!v4.blocks(addr("ff05::2")));
        assert!(v4.blocks(addr("ff02::2")));
        assert!(v4.blocks(addr("ff01::2")));
    }

    #[test]
    fn ipv4_zone_boundaries_follow_rfc2365_mapping() {
        let addr = |a, b, c, d| IpAddr::V4(Ipv4Addr::new(a, b, c, d));
        let site = ScopeBoundary::Zone(Scope::SiteLocal);
        assert!(site.blocks(addr(224, 0, 0, 5)));
        assert!(site.blocks(addr(239, 255, 0, 1)));
        assert!(site.blocks(addr(239, 253, 0, 1)));
        assert!(!site.blocks(addr(239, 192, 0, 1)));
        assert!(!site.blocks(addr(224, 0, 1, 1)));
        let org = ScopeBoundary::Zone(Scope::OrganizationLocal);
        assert!(org.blocks(addr(239, 192, 0, 1)));
        assert!(org.blocks(addr(239, 0, 0, 1)));
        assert!(org.blocks(addr(239, 200, 0, 1)));
        assert!(!org.blocks(addr(232, 1, 1, 1)));
        assert!(!org.blocks(addr(10, 0, 0, 1)));
        let admin = ScopeBoundary::Zone(Scope::AdminLocal);
        assert!(admin.blocks(addr(224, 0, 0, 255)));
        assert!(!admin.blocks(addr(239, 255, 255, 255)));
    }

    #[test]
    fn ipv4_range_boundary_also_bounds_local_scope() {
        let range = Ipv4Range::from_prefix(Ipv4Addr::new(239, 192, 0, 0), 14).unwrap();
        let b = ScopeBoundary::Ipv4Range(range);
        let addr = |a, b, c, d| IpAddr::V4(Ipv4Addr::new(a, b, c, d));
        assert!(b.blocks(addr(239, 192, 0, 0)));
        assert!(b.blocks(addr(239, 195, 255, 255)));
        assert!(!b.blocks(addr(239, 196, 0, 0)));
        assert!(!b.blocks(addr(239, 191, 255, 255)));
        assert!(b.blocks(addr(239, 255, 0, 0)), "RFC 2365 §6.1");
        assert!(b.blocks(addr(224, 0, 0, 13)), "never routed");
        assert!(!b.blocks(addr(224, 0, 1, 39)));
        assert!(!b.blocks(addr(192, 0, 2, 1)));
    }
}
