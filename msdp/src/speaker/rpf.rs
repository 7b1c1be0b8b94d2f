//! What the caller knows of unicast routing towards the originating RPs (RFC 3618 §10.1.1,
//! "Multicast RPF Routing Information Base"), and the peer-RPF rules of §10.1.3 over it.
//!
//! MSDP does not run BGP: the caller pushes, per prefix, the route its MRIB (MBGP, BGP, an
//! IGP or static configuration) chose, with what the rules need, and the speaker does the
//! longest-prefix match for each RP. A deployment without BGP pushes nothing and uses the
//! static RPF peers and mesh groups of the peer configuration instead (RFC 4611 §2.3).

use alloc::collections::BTreeMap;
use core::net::Ipv4Addr;

/// How the route towards an RP was learned: it decides which peer-RPF rule of RFC 3618
/// §10.1.3 the route's neighbour can satisfy.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum RouteOrigin {
    /// External BGP: `neighbor` is the route's eBGP NEXT_HOP (rule (ii)).
    Ebgp,
    /// Internal BGP, or another distance-vector or path-vector protocol (RIP, DVMRP):
    /// `neighbor` is the router that advertised the route, for iBGP the BGP speaker it came
    /// from (rule (iii)).
    Ibgp,
    /// A link-state protocol (OSPF, IS-IS) or a static route: `neighbor` is the IGP next hop
    /// (rule (iii)).
    Igp,
}

/// The route the caller's MRIB chose towards a prefix of RP addresses (RFC 3618 §10.1.2,
/// "Peer-RPF Route").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct RpfRoute {
    /// How the route was learned.
    pub origin: RouteOrigin,
    /// The eBGP NEXT_HOP, the iBGP advertiser or the IGP next hop, as `origin` says.
    pub neighbor: Ipv4Addr,
    /// The first AS of the route's AS_PATH (the closest AS on the best path towards the RP),
    /// for rule (iv); `None` for routes without an AS_PATH.
    pub first_as: Option<u32>,
}

/// The peer-RPF rule of RFC 3618 §10.1.3 (or the mesh-group rule of §10.2) by which an SA
/// was accepted, or by which a peer is the RPF peer of an RP.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum RpfRule {
    /// (i) The peer is the originating RP itself.
    OriginatingRp,
    /// (ii) The peer is the eBGP NEXT_HOP of the Peer-RPF route for the RP.
    EbgpNextHop,
    /// (iii) The peer advertised the Peer-RPF route (iBGP, distance vector) or is its IGP
    /// next hop (link state).
    RouteAdvertiser,
    /// (iv) The peer is in the closest AS on the best path towards the RP (the highest
    /// address if several are).
    ClosestAs,
    /// (v) The peer is configured as a static RPF peer (a default peer) for the RP.
    StaticPeer,
    /// §10.2: the peer is in a mesh group; SAs from mesh-group members are accepted without
    /// a peer-RPF check.
    MeshGroup,
}

/// The pushed routes, by prefix, with a longest-prefix match.
#[derive(Debug, Clone, Default)]
pub(crate) struct RpfTable {
    /// Keyed by (prefix length, network): a lookup tries each length present, longest first.
    routes: BTreeMap<(u8, u32), RpfRoute>,
    /// Bit `n` set: some route has length `n`.
    lengths: u64,
}

const fn mask(len: u8) -> u32 {
    match len {
        0 => 0,
        32.. => u32::MAX,
        n => u32::MAX << (32u32.saturating_sub(n as u32)),
    }
}

impl RpfTable {
    pub(crate) fn len(&self) -> usize {
        self.routes.len()
    }

    /// Sets the route for `prefix/len` (host bits ignored); returns the route it replaced.
    pub(crate) fn insert(
        &mut self,
        prefix: Ipv4Addr,
        len: u8,
        route: RpfRoute,
    ) -> Option<RpfRoute> {
        let len = len.min(32);
        self.lengths |= 1u64 << len;
        self.routes
            .insert((len, prefix.to_bits() & mask(len)), route)
    }

    /// Removes the route for `prefix/len`.
    pub(crate) fn remove(&mut self, prefix: Ipv4Addr, len: u8) -> Option<RpfRoute> {
        let len = len.min(32);
        let removed = self.routes.remove(&(len, prefix.to_bits() & mask(len)))?;
        let first = (len, 0);
        let last = (len, u32::MAX);
        if self.routes.range(first..=last).next().is_none() {
            self.lengths &= !(1u64 << len);
        }
        Some(removed)
    }

    pub(crate) fn contains(&self, prefix: Ipv4Addr, len: u8) -> bool {
        let len = len.min(32);
        self.routes
            .contains_key(&(len, prefix.to_bits() & mask(len)))
    }

    /// The route of the longest prefix holding `address`.
    pub(crate) fn lookup(&self, address: Ipv4Addr) -> Option<&RpfRoute> {
        let bits = address.to_bits();
        (0..=32u8)
            .rev()
            .filter(|len| self.lengths & (1u64 << len) != 0)
            .find_map(|len| self.routes.get(&(len, bits & mask(len))))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn route(n: u8) -> RpfRoute {
        RpfRoute {
            origin: RouteOrigin::Igp,
            neighbor: Ipv4Addr::new(10, 0, 0, n),
            first_as: None,
        }
    }

    #[test]
    fn longest_prefix_wins_and_removal_falls_back() {
        let mut table = RpfTable::default();
        table.insert(Ipv4Addr::UNSPECIFIED, 0, route(1));
        table.insert(Ipv4Addr::new(192, 0, 2, 77), 24, route(2));
        table.insert(Ipv4Addr::new(192, 0, 2, 128), 25, route(3));
        let rp = Ipv4Addr::new(192, 0, 2, 200);
        assert_eq!(table.lookup(rp), Some(&route(3)));
        assert_eq!(table.lookup(Ipv4Addr::new(192, 0, 2, 1)), Some(&route(2)));
        assert_eq!(
            table.remove(Ipv4Addr::new(192, 0, 2, 128), 25),
            Some(route(3))
        );
        assert_eq!(table.lookup(rp), Some(&route(2)));
        table.remove(Ipv4Addr::new(192, 0, 2, 0), 24);
        assert_eq!(table.lookup(rp), Some(&route(1)));
        assert!(table.contains(Ipv4Addr::UNSPECIFIED, 0));
        assert_eq!(table.len(), 1);
    }
}
