//! Well-known multicast groups, with the documents that assign them.
//!
//! Every constant is checked at compile time (see [`ipv4_multicast!`](crate::ipv4_multicast)).
//!
//! ```
//! use mcast_addr::groups;
//! assert_eq!(groups::IPV4_IGMPV3_ROUTERS.to_string(), "224.0.0.22");
//! assert_eq!(groups::IPV6_ALL_MLDV2_ROUTERS.to_string(), "ff02::16");
//! assert!(!groups::IPV4_ALL_PIM_ROUTERS.is_routable());
//! ```

use crate::multicast::{Ipv4MulticastAddr, Ipv6MulticastAddr};
use crate::{ipv4_multicast, ipv6_multicast};

/// 224.0.0.0, the base address, "guaranteed not to be assigned to any group" (RFC 1112 §4).
pub const IPV4_BASE_ADDRESS: Ipv4MulticastAddr = ipv4_multicast!(224, 0, 0, 0);

/// 224.0.0.1, all systems on this subnet: every multicast-capable host and router (RFC 1112 §4).
/// IGMP General Queries go there (RFC 2236 §3, RFC 3376/9776 §4.1.12).
pub const IPV4_ALL_SYSTEMS: Ipv4MulticastAddr = ipv4_multicast!(224, 0, 0, 1);

/// 224.0.0.2, all routers on this subnet; IGMPv2 Leave Group messages go there (RFC 2236 §3).
pub const IPV4_ALL_ROUTERS: Ipv4MulticastAddr = ipv4_multicast!(224, 0, 0, 2);

/// 224.0.0.4, all DVMRP routers (RFC 1075).
pub const IPV4_ALL_DVMRP_ROUTERS: Ipv4MulticastAddr = ipv4_multicast!(224, 0, 0, 4);

/// 224.0.0.5, AllSPFRouters: every OSPF router (RFC 2328 §A.1).
pub const IPV4_OSPF_ALL_SPF_ROUTERS: Ipv4MulticastAddr = ipv4_multicast!(224, 0, 0, 5);

/// 224.0.0.6, AllDRouters: the OSPF Designated Router and Backup Designated Router (RFC 2328
/// §A.1).
pub const IPV4_OSPF_ALL_D_ROUTERS: Ipv4MulticastAddr = ipv4_multicast!(224, 0, 0, 6);

/// 224.0.0.9, all RIP version 2 routers (RFC 2453).
pub const IPV4_RIPV2_ROUTERS: Ipv4MulticastAddr = ipv4_multicast!(224, 0, 0, 9);

/// 224.0.0.13, ALL-PIM-ROUTERS: PIM Hello, Join/Prune, Assert and the other link-local PIM
/// messages go there (RFC 7761 §4.9).
pub const IPV4_ALL_PIM_ROUTERS: Ipv4MulticastAddr = ipv4_multicast!(224, 0, 0, 13);

/// 224.0.0.18, VRRP advertisements (RFC 5798 §5.1.1.2).
pub const IPV4_VRRP: Ipv4MulticastAddr = ipv4_multicast!(224, 0, 0, 18);

/// 224.0.0.22, all IGMPv3-capable multicast routers: IGMPv3 Membership Reports go there (RFC
/// 3376/9776 §4.2.14).
pub const IPV4_IGMPV3_ROUTERS: Ipv4MulticastAddr = ipv4_multicast!(224, 0, 0, 22);

/// 224.0.0.106, ALL-SNOOPERS: Multicast Router Discovery advertisements go there (RFC 4286).
pub const IPV4_ALL_SNOOPERS: Ipv4MulticastAddr = ipv4_multicast!(224, 0, 0, 106);

/// 224.0.0.251, multicast DNS (RFC 6762).
pub const IPV4_MDNS: Ipv4MulticastAddr = ipv4_multicast!(224, 0, 0, 251);

/// 224.0.1.39, Cisco-RP-Announce: candidate RPs announce themselves to the Auto-RP mapping
/// agents there (IANA IPv4 multicast address registry).
pub const IPV4_AUTO_RP_ANNOUNCE: Ipv4MulticastAddr = ipv4_multicast!(224, 0, 1, 39);

/// 224.0.1.40, Cisco-RP-Discovery: Auto-RP mapping agents send the group-to-RP mappings there
/// (IANA IPv4 multicast address registry).
pub const IPV4_AUTO_RP_DISCOVERY: Ipv4MulticastAddr = ipv4_multicast!(224, 0, 1, 40);

/// 224.2.127.254, global-scope SAP announcements (RFC 2974 §3).
pub const IPV4_SAP_ANNOUNCEMENTS: Ipv4MulticastAddr = ipv4_multicast!(224, 2, 127, 254);

/// ff01::1, all nodes, interface-local scope (RFC 4291 §2.7.1).
pub const IPV6_INTERFACE_LOCAL_ALL_NODES: Ipv6MulticastAddr =
    ipv6_multicast!(0xff01, 0, 0, 0, 0, 0, 0, 1);

/// ff02::1, all nodes on the link (RFC 4291 §2.7.1). MLD General Queries go there (RFC 3810
/// §5.1.15).
pub const IPV6_ALL_NODES: Ipv6MulticastAddr = ipv6_multicast!(0xff02, 0, 0, 0, 0, 0, 0, 1);

/// ff01::2, all routers, interface-local scope (RFC 4291 §2.7.1).
pub const IPV6_INTERFACE_LOCAL_ALL_ROUTERS: Ipv6MulticastAddr =
    ipv6_multicast!(0xff01, 0, 0, 0, 0, 0, 0, 2);

/// ff02::2, all routers on the link (RFC 4291 §2.7.1). MLDv1 Done messages go there (RFC 2710).
pub const IPV6_ALL_ROUTERS: Ipv6MulticastAddr = ipv6_multicast!(0xff02, 0, 0, 0, 0, 0, 0, 2);

/// ff05::2, all routers of the site (RFC 4291 §2.7.1).
pub const IPV6_SITE_LOCAL_ALL_ROUTERS: Ipv6MulticastAddr =
    ipv6_multicast!(0xff05, 0, 0, 0, 0, 0, 0, 2);

/// ff02::5, AllSPFRouters of OSPFv3 (RFC 5340 §A.1).
pub const IPV6_OSPF_ALL_SPF_ROUTERS: Ipv6MulticastAddr =
    ipv6_multicast!(0xff02, 0, 0, 0, 0, 0, 0, 5);

/// ff02::6, AllDRouters of OSPFv3 (RFC 5340 §A.1).
pub const IPV6_OSPF_ALL_D_ROUTERS: Ipv6MulticastAddr = ipv6_multicast!(0xff02, 0, 0, 0, 0, 0, 0, 6);

/// ff02::9, all RIPng routers (RFC 2080).
pub const IPV6_RIPNG_ROUTERS: Ipv6MulticastAddr = ipv6_multicast!(0xff02, 0, 0, 0, 0, 0, 0, 9);

/// ff02::d, ALL-PIM-ROUTERS (RFC 7761 §4.9).
pub const IPV6_ALL_PIM_ROUTERS: Ipv6MulticastAddr = ipv6_multicast!(0xff02, 0, 0, 0, 0, 0, 0, 0xd);

/// ff02::12, VRRP advertisements (RFC 5798 §5.1.2.2).
pub const IPV6_VRRP: Ipv6MulticastAddr = ipv6_multicast!(0xff02, 0, 0, 0, 0, 0, 0, 0x12);

/// ff02::16, all MLDv2-capable routers: MLDv2 Reports go there (RFC 3810 §5.2.14).
pub const IPV6_ALL_MLDV2_ROUTERS: Ipv6MulticastAddr =
    ipv6_multicast!(0xff02, 0, 0, 0, 0, 0, 0, 0x16);

/// ff02::6a, ALL-SNOOPERS: Multicast Router Discovery advertisements go there (RFC 4286).
pub const IPV6_ALL_SNOOPERS: Ipv6MulticastAddr = ipv6_multicast!(0xff02, 0, 0, 0, 0, 0, 0, 0x6a);

/// ff02::fb, multicast DNS (RFC 6762).
pub const IPV6_MDNS: Ipv6MulticastAddr = ipv6_multicast!(0xff02, 0, 0, 0, 0, 0, 0, 0xfb);

/// ff02::1:ff00:0, the first solicited-node address; the solicited-node address of a unicast
/// address is [`Ipv6MulticastAddr::solicited_node`] (RFC 4291 §2.7.1).
pub const IPV6_SOLICITED_NODE_PREFIX: Ipv6MulticastAddr =
    ipv6_multicast!(0xff02, 0, 0, 0, 0, 1, 0xff00, 0);

/// Every IPv4 constant of this module with its name, for tools that print or look them up.
pub const IPV4_WELL_KNOWN: [(&str, Ipv4MulticastAddr); 15] = [
    ("base address", IPV4_BASE_ADDRESS),
    ("all systems", IPV4_ALL_SYSTEMS),
    ("all routers", IPV4_ALL_ROUTERS),
    ("all DVMRP routers", IPV4_ALL_DVMRP_ROUTERS),
    ("OSPF AllSPFRouters", IPV4_OSPF_ALL_SPF_ROUTERS),
    ("OSPF AllDRouters", IPV4_OSPF_ALL_D_ROUTERS),
    ("RIPv2 routers", IPV4_RIPV2_ROUTERS),
    ("ALL-PIM-ROUTERS", IPV4_ALL_PIM_ROUTERS),
    ("VRRP", IPV4_VRRP),
    ("all IGMPv3 routers", IPV4_IGMPV3_ROUTERS),
    ("ALL-SNOOPERS", IPV4_ALL_SNOOPERS),
    ("mDNS", IPV4_MDNS),
    ("Auto-RP announce", IPV4_AUTO_RP_ANNOUNCE),
    ("Auto-RP discovery", IPV4_AUTO_RP_DISCOVERY),
    ("SAP announcements", IPV4_SAP_ANNOUNCEMENTS),
];

/// Every IPv6 constant of this module with its name, for tools that print or look them up.
pub const IPV6_WELL_KNOWN: [(&str, Ipv6MulticastAddr); 14] = [
    (
        "all nodes (interface-local)",
        IPV6_INTERFACE_LOCAL_ALL_NODES,
    ),
    ("all nodes", IPV6_ALL_NODES),
    (
        "all routers (interface-local)",
        IPV6_INTERFACE_LOCAL_ALL_ROUTERS,
    ),
    ("all routers", IPV6_ALL_ROUTERS),
    ("all routers (site-local)", IPV6_SITE_LOCAL_ALL_ROUTERS),
    ("OSPFv3 AllSPFRouters", IPV6_OSPF_ALL_SPF_ROUTERS),
    ("OSPFv3 AllDRouters", IPV6_OSPF_ALL_D_ROUTERS),
    ("RIPng routers", IPV6_RIPNG_ROUTERS),
    ("ALL-PIM-ROUTERS", IPV6_ALL_PIM_ROUTERS),
    ("VRRP", IPV6_VRRP),
    ("all MLDv2 routers", IPV6_ALL_MLDV2_ROUTERS),
    ("ALL-SNOOPERS", IPV6_ALL_SNOOPERS),
    ("mDNS", IPV6_MDNS),
    ("solicited-node (first)", IPV6_SOLICITED_NODE_PREFIX),
];

#[cfg(test)]
mod tests {
    use super::*;
    use core::net::{Ipv4Addr, Ipv6Addr};

    #[test]
    fn values_from_the_registries() {
        assert_eq!(IPV4_ALL_SYSTEMS.addr(), Ipv4Addr::new(224, 0, 0, 1));
        assert_eq!(IPV4_ALL_ROUTERS.addr(), Ipv4Addr::new(224, 0, 0, 2));
        assert_eq!(IPV4_ALL_PIM_ROUTERS.addr(), Ipv4Addr::new(224, 0, 0, 13));
        assert_eq!(IPV4_IGMPV3_ROUTERS.addr(), Ipv4Addr::new(224, 0, 0, 22));
        assert_eq!(IPV4_ALL_SNOOPERS.addr(), Ipv4Addr::new(224, 0, 0, 106));
        assert_eq!(IPV4_AUTO_RP_DISCOVERY.addr(), Ipv4Addr::new(224, 0, 1, 40));
        let v6 = |s: &str| s.parse::<Ipv6Addr>().unwrap();
        assert_eq!(IPV6_ALL_NODES.addr(), v6("ff02::1"));
        assert_eq!(IPV6_ALL_ROUTERS.addr(), v6("ff02::2"));
        assert_eq!(IPV6_ALL_PIM_ROUTERS.addr(), v6("ff02::d"));
        assert_eq!(IPV6_ALL_MLDV2_ROUTERS.addr(), v6("ff02::16"));
        assert_eq!(IPV6_ALL_SNOOPERS.addr(), v6("ff02::6a"));
        assert!(IPV6_SOLICITED_NODE_PREFIX.is_solicited_node());
    }

    #[test]
    fn link_local_groups_are_never_routed() {
        for (name, group) in IPV4_WELL_KNOWN {
            let control = group.octets()[..3] == [224, 0, 0];
            assert_eq!(group.is_routable(), !control, "{name}");
        }
        for (name, group) in IPV6_WELL_KNOWN {
            let link = matches!(group.octets()[1], 0x01 | 0x02);
            assert_eq!(group.is_routable(), !link, "{name}");
        }
    }
}
