//! What IGMP and MLD differ in, as a trait over the address family.

use core::net::{Ipv4Addr, Ipv6Addr};
use core::time::Duration;

use mcast_addr::family::{IpFamily, Ipv4, Ipv6};

use super::Version;
use super::codec::Codec;
use crate::wire::GmpFamily;

/// The group management protocol of an address family: IGMP for [`Ipv4`], MLD for [`Ipv6`].
///
/// MLDv1 is IGMPv2 translated to IPv6 (RFC 2710 §1) and MLDv2 is IGMPv3 translated to IPv6
/// (RFC 3810 §1), so one state machine serves both: this trait carries the few constants and
/// address rules in which the two protocols differ.
pub trait Gmp: GmpFamily + Codec {
    /// The oldest protocol version the family has: [`Version::V1`] for IGMP (RFC 1112),
    /// [`Version::V2`] for MLD (MLDv1, RFC 2710, the equivalent of IGMPv2).
    const OLDEST_VERSION: Version;
    /// The unit of the Max Resp Code: 1/10 second for IGMP (RFC 3376/9776 §4.1.1), one
    /// millisecond for MLD (RFC 3810 §5.1.3). A host never answers a Query sooner than one unit
    /// after it arrives, even when the Query's Max Response Time is zero.
    const MAX_RESPONSE_UNIT: Duration;
    /// The Source-Specific Multicast range (RFC 4607 §1): 232.0.0.0/8 or ff30::/12 (every
    /// `ff3x::/32` scope), as an address and a prefix length.
    const SSM_RANGE: (Self::Addr, u8);

    /// Whether a host sends reports about `group`. IGMP never reports the all-systems group
    /// (RFC 3376/9776 §5); MLD never reports ff02::1 nor any address of scope 0 (reserved) or 1
    /// (interface-local) (RFC 3810 §6).
    fn is_reported(group: &Self::Addr) -> bool;

    /// Whether a Query from `source` may be acted on. MLD Queries must come from a link-local
    /// address (RFC 3810 §5.1.14): any other source, `::` included, is discarded. IGMP accepts
    /// any source.
    fn is_valid_query_source(source: &Self::Addr) -> bool;
}

impl Gmp for Ipv4 {
    const OLDEST_VERSION: Version = Version::V1;
    const MAX_RESPONSE_UNIT: Duration = Duration::from_millis(100);
    const SSM_RANGE: (Ipv4Addr, u8) = (Ipv4Addr::new(232, 0, 0, 0), 8);

    fn is_reported(group: &Ipv4Addr) -> bool {
        group.is_multicast() && *group != <Self as GmpFamily>::ALL_SYSTEMS
    }

    fn is_valid_query_source(_source: &Ipv4Addr) -> bool {
        true
    }
}

impl Gmp for Ipv6 {
    const OLDEST_VERSION: Version = Version::V2;
    const MAX_RESPONSE_UNIT: Duration = Duration::from_millis(1);
    const SSM_RANGE: (Ipv6Addr, u8) = (Ipv6Addr::new(0xff30, 0, 0, 0, 0, 0, 0, 0), 12);

    fn is_reported(group: &Ipv6Addr) -> bool {
        let scope = group.octets()[1] & 0x0f;
        group.is_multicast() && *group != <Self as GmpFamily>::ALL_SYSTEMS && scope > 1
    }

    fn is_valid_query_source(source: &Ipv6Addr) -> bool {
        source.is_unicast_link_local()
    }
}

/// Whether `addr` lies in `prefix/len`, compared on the wire octets.
pub(crate) fn in_prefix<F: IpFamily>(addr: F::Addr, prefix: F::Addr, len: u8) -> bool {
    let addr = F::to_octets(addr);
    let prefix = F::to_octets(prefix);
    let mut left = u32::from(len);
    for (a, p) in addr.as_ref().iter().zip(prefix.as_ref()) {
        if left == 0 {
            break;
        }
        let bits = left.min(8);
        let mask = 0xffu8.checked_shl(8u32.saturating_sub(bits)).unwrap_or(0);
        if a & mask != p & mask {
            return false;
        }
        left = left.saturating_sub(bits);
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ssm_ranges() {
        let (p4, l4) = Ipv4::SSM_RANGE;
        assert!(in_prefix::<Ipv4>(Ipv4Addr::new(232, 1, 2, 3), p4, l4));
        assert!(!in_prefix::<Ipv4>(Ipv4Addr::new(233, 1, 2, 3), p4, l4));
        let (p6, l6) = Ipv6::SSM_RANGE;
        assert!(in_prefix::<Ipv6>("ff3e::8000:1".parse().unwrap(), p6, l6));
        assert!(in_prefix::<Ipv6>("ff32::1".parse().unwrap(), p6, l6));
        assert!(!in_prefix::<Ipv6>("ff1e::1".parse().unwrap(), p6, l6));
        assert!(in_prefix::<Ipv4>(Ipv4Addr::new(1, 2, 3, 4), p4, 0));
    }

    #[test]
    fn reported_groups() {
        assert!(!Ipv4::is_reported(&Ipv4Addr::new(224, 0, 0, 1)));
        assert!(Ipv4::is_reported(&Ipv4Addr::new(224, 0, 0, 251)));
        assert!(!Ipv6::is_reported(&"ff02::1".parse().unwrap()));
        assert!(!Ipv6::is_reported(&"ff01::5".parse().unwrap()));
        assert!(Ipv6::is_reported(&"ff02::fb".parse().unwrap()));
        assert!(Ipv6::is_valid_query_source(&"fe80::1".parse().unwrap()));
        assert!(!Ipv6::is_valid_query_source(&"::".parse().unwrap()));
    }
}
