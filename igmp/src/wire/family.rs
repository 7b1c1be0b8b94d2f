//! What differs between IGMP (IPv4) and MLD (IPv6) once the address width is set aside.

use core::fmt::{Debug, Display};
use core::hash::Hash;
use core::net::{Ipv4Addr, Ipv6Addr};
use core::time::Duration;

use mcast_addr::checksum::Checksum;
use mcast_addr::family::{IpFamily, Ipv4, Ipv6};

use super::code::{MaxRespCode, MldMaxRespCode};

mod sealed {
    pub trait Sealed {}
    impl Sealed for mcast_addr::family::Ipv4 {}
    impl Sealed for mcast_addr::family::Ipv6 {}
}

/// An address family with its group management protocol: IGMP for [`Ipv4`], MLD for [`Ipv6`].
///
/// IGMPv3 (RFC 3376/9776 §4) and MLDv2 (RFC 3810 §5) share the layout of a source-filtering query,
/// of a report and of its group (multicast address) records; Multicast Router Discovery (RFC 4286)
/// is the same over both. The generic types of this module ([`super::QueryV3`],
/// [`super::ReportV3`], [`super::GroupRecord`], their builders) are written once over this trait.
/// Sealed.
pub trait GmpFamily: IpFamily + sealed::Sealed {
    /// The Maximum Response Code of a source-filtering query: [`MaxRespCode`] (8 bits, 1/10 s)
    /// for IGMPv3, [`MldMaxRespCode`] (16 bits, ms) for MLDv2.
    type MaxRespCode: Copy + Eq + Ord + Hash + Debug + Display + Default + Send + Sync + 'static;

    /// `"IGMP"` or `"MLD"`.
    const PROTOCOL: &'static str;
    /// Version number of the source-filtering version (3 for IGMPv3, 2 for MLDv2).
    const SOURCE_FILTERING_VERSION: u8;
    /// Type of a Membership Query / Multicast Listener Query (0x11, RFC 3376/9776 §4.1; 130,
    /// RFC 3810 §5.1).
    const QUERY_TYPE: u8;
    /// Type of an IGMPv3 Membership Report (0x22, RFC 3376/9776 §4.2) or an MLDv2 Report (143,
    /// RFC 3810 §5.2).
    const REPORT_V3_TYPE: u8;
    /// Multicast Router Advertisement type (RFC 4286 §5.1: 0x30 for IGMP, 151 for ICMPv6).
    const ROUTER_ADVERTISEMENT_TYPE: u8;
    /// Multicast Router Solicitation type (RFC 4286 §6.1: 0x31 for IGMP, 152 for ICMPv6).
    const ROUTER_SOLICITATION_TYPE: u8;
    /// Multicast Router Termination type (RFC 4286 §7.1: 0x32 for IGMP, 153 for ICMPv6).
    const ROUTER_TERMINATION_TYPE: u8;
    /// Length of a source-filtering query without sources (12 for IGMPv3, 28 for MLDv2).
    const QUERY_V3_MIN_LEN: usize;
    /// Offset of the Group Address / Multicast Address in a query (4 or 8).
    const QUERY_ADDRESS_OFFSET: usize;
    /// Offset of the Resv/S/QRV byte in a source-filtering query (8 or 24).
    const QUERY_FLAGS_OFFSET: usize;
    /// All-systems / all-nodes address (224.0.0.1, ff02::1): destination of General Queries.
    const ALL_SYSTEMS: Self::Addr;
    /// All-routers address (224.0.0.2, ff02::2): destination of IGMPv2 Leave, MLDv1 Done and
    /// Multicast Router Solicitations.
    const ALL_ROUTERS: Self::Addr;
    /// Destination of IGMPv3 and MLDv2 reports: 224.0.0.22 (RFC 3376/9776 §4.2.14) or
    /// ff02::16 (RFC 3810 §5.2.14).
    const ALL_V3_ROUTERS: Self::Addr;
    /// All-snoopers address of RFC 4286 §5 (224.0.0.106, ff02::6a): destination of Multicast
    /// Router Advertisements and Terminations.
    const ALL_SNOOPERS: Self::Addr;
    /// The largest IP packet, headers included (65,535 for IPv4; 65,575 for IPv6, whose Payload
    /// Length leaves out the 40-byte header).
    const MAX_PACKET_LEN: usize;
    /// IP header bytes in front of every message: 24 (IPv4 with the Router Alert option) or 48
    /// (IPv6 with a Hop-by-Hop Options header holding Router Alert).
    const ENVELOPE_LEN: usize;

    /// The raw code as a 16-bit number.
    fn max_resp_code_to_raw(code: Self::MaxRespCode) -> u16;
    /// The code from its raw 16-bit value (IGMP keeps the low byte).
    fn max_resp_code_from_raw(raw: u16) -> Self::MaxRespCode;
    /// The time a code stands for.
    fn max_resp_code_duration(code: Self::MaxRespCode) -> Duration;
    /// Reads the Max Resp Code of a query (`message` at least [`Self::QUERY_V3_MIN_LEN`] long,
    /// else 0).
    fn read_query_max_resp_code(message: &[u8]) -> u16;
    /// Writes the Max Resp Code (and the MLD Reserved field) of a query into its first
    /// [`Self::QUERY_ADDRESS_OFFSET`] bytes.
    fn write_query_max_resp_code(message: &mut [u8], code: Self::MaxRespCode);
    /// The checksum state before the message: nothing for IGMP (RFC 2236 §2.3), the IPv6
    /// pseudo-header for MLD (RFC 4443 §2.3, RFC 8200 §8.1).
    fn checksum_start(source: Self::Addr, destination: Self::Addr, length: usize) -> Checksum;
}

impl GmpFamily for Ipv4 {
    type MaxRespCode = MaxRespCode;
    const PROTOCOL: &'static str = "IGMP";
    const SOURCE_FILTERING_VERSION: u8 = 3;
    const QUERY_TYPE: u8 = 0x11;
    const REPORT_V3_TYPE: u8 = 0x22;
    const ROUTER_ADVERTISEMENT_TYPE: u8 = 0x30;
    const ROUTER_SOLICITATION_TYPE: u8 = 0x31;
    const ROUTER_TERMINATION_TYPE: u8 = 0x32;
    const QUERY_V3_MIN_LEN: usize = 12;
    const QUERY_ADDRESS_OFFSET: usize = 4;
    const QUERY_FLAGS_OFFSET: usize = 8;
    const ALL_SYSTEMS: Ipv4Addr = Ipv4Addr::new(224, 0, 0, 1);
    const ALL_ROUTERS: Ipv4Addr = Ipv4Addr::new(224, 0, 0, 2);
    const ALL_V3_ROUTERS: Ipv4Addr = Ipv4Addr::new(224, 0, 0, 22);
    const ALL_SNOOPERS: Ipv4Addr = Ipv4Addr::new(224, 0, 0, 106);
    const MAX_PACKET_LEN: usize = 65_535;
    const ENVELOPE_LEN: usize = 24;

    fn max_resp_code_to_raw(code: MaxRespCode) -> u16 {
        u16::from(code.code())
    }
    fn max_resp_code_from_raw(raw: u16) -> MaxRespCode {
        MaxRespCode::from_code(raw as u8)
    }
    fn max_resp_code_duration(code: MaxRespCode) -> Duration {
        code.duration()
    }
    fn read_query_max_resp_code(message: &[u8]) -> u16 {
        message.get(1).copied().map_or(0, u16::from)
    }
    fn write_query_max_resp_code(message: &mut [u8], code: MaxRespCode) {
        if let Some(b) = message.get_mut(1) {
            *b = code.code();
        }
    }
    fn checksum_start(_: Ipv4Addr, _: Ipv4Addr, _: usize) -> Checksum {
        Checksum::new()
    }
}

impl GmpFamily for Ipv6 {
    type MaxRespCode = MldMaxRespCode;
    const PROTOCOL: &'static str = "MLD";
    const SOURCE_FILTERING_VERSION: u8 = 2;
    const QUERY_TYPE: u8 = 130;
    const REPORT_V3_TYPE: u8 = 143;
    const ROUTER_ADVERTISEMENT_TYPE: u8 = 151;
    const ROUTER_SOLICITATION_TYPE: u8 = 152;
    const ROUTER_TERMINATION_TYPE: u8 = 153;
    const QUERY_V3_MIN_LEN: usize = 28;
    const QUERY_ADDRESS_OFFSET: usize = 8;
    const QUERY_FLAGS_OFFSET: usize = 24;
    const ALL_SYSTEMS: Ipv6Addr = Ipv6Addr::new(0xff02, 0, 0, 0, 0, 0, 0, 1);
    const ALL_ROUTERS: Ipv6Addr = Ipv6Addr::new(0xff02, 0, 0, 0, 0, 0, 0, 2);
    const ALL_V3_ROUTERS: Ipv6Addr = Ipv6Addr::new(0xff02, 0, 0, 0, 0, 0, 0, 0x16);
    const ALL_SNOOPERS: Ipv6Addr = Ipv6Addr::new(0xff02, 0, 0, 0, 0, 0, 0, 0x6a);
    const MAX_PACKET_LEN: usize = 65_575;
    const ENVELOPE_LEN: usize = 48;

    fn max_resp_code_to_raw(code: MldMaxRespCode) -> u16 {
        code.code()
    }
    fn max_resp_code_from_raw(raw: u16) -> MldMaxRespCode {
        MldMaxRespCode::from_code(raw)
    }
    fn max_resp_code_duration(code: MldMaxRespCode) -> Duration {
        code.duration()
    }
    fn read_query_max_resp_code(message: &[u8]) -> u16 {
        match message.get(4..6) {
            Some(&[a, b]) => u16::from_be_bytes([a, b]),
            _ => 0,
        }
    }
    fn write_query_max_resp_code(message: &mut [u8], code: MldMaxRespCode) {
        if let Some(field) = message.get_mut(4..8) {
            let [a, b] = code.code().to_be_bytes();
            field.copy_from_slice(&[a, b, 0, 0]);
        }
    }
    fn checksum_start(source: Ipv6Addr, destination: Ipv6Addr, length: usize) -> Checksum {
        let mut c = Checksum::new();
        c.add_ipv6_pseudo_header(
            source,
            destination,
            u32::try_from(length).unwrap_or(u32::MAX),
            super::ICMPV6_NEXT_HEADER,
        );
        c
    }
}
