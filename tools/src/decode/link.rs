//! From a captured frame to the IP packet inside it, through `etherparse`: Ethernet with any
//! VLAN tags, Linux cooked captures (SLL and SLL2), raw IP, and GRE tunnels (RFC 2784/2890,
//! ERSPAN type II) carrying any of those.

use std::net::IpAddr;

use etherparse::{EtherType, LaxNetSlice, LaxSlicedPacket, LinuxSllProtocolType, LinuxSllSlice};
use etherparse::{TransportSlice, ip_number};

use crate::capture::LinkType;

/// The IP packet of a frame, reduced to what the protocol decoders need.
#[derive(Debug, Clone, Copy)]
pub struct IpPacket<'a> {
    /// IP source address.
    pub source: IpAddr,
    /// IP destination address.
    pub destination: IpAddr,
    /// IPv4 Protocol, or IPv6 Next Header after the extension headers.
    pub protocol: u8,
    /// The IP payload as captured: shorter than the IP header says when the capture cut it.
    pub payload: &'a [u8],
    /// The capture cut the payload short of the length the IP header gives.
    pub incomplete: bool,
    /// The packet is a fragment (not reassembled): the first one, whose payload starts with
    /// the message, is decoded as far as it goes; later ones are not visited.
    pub fragmented: bool,
    /// The TCP segment, when the packet is TCP.
    pub tcp: Option<TcpSegment<'a>>,
}

/// A TCP segment, for stream reassembly.
#[derive(Debug, Clone, Copy)]
pub struct TcpSegment<'a> {
    /// Source port.
    pub source_port: u16,
    /// Destination port.
    pub destination_port: u16,
    /// Sequence number of the first payload byte (of the SYN, if `syn`).
    pub sequence: u32,
    /// SYN flag.
    pub syn: bool,
    /// FIN flag.
    pub fin: bool,
    /// RST flag.
    pub rst: bool,
    /// The segment's payload as captured.
    pub payload: &'a [u8],
}

/// IP protocol number of GRE.
const GRE: u8 = 47;
/// How many tunnels deep the decoder looks.
const MAX_TUNNEL_DEPTH: u8 = 4;

/// Calls `visit` with every IP packet of `frame` (the outer one, and the ones GRE tunnels carry):
/// nothing for a frame that is not IP.
pub fn ip_packets<'a>(link_type: LinkType, frame: &'a [u8], visit: &mut impl FnMut(&IpPacket<'a>)) {
    let packet = match link_type {
        LinkType::Ethernet => LaxSlicedPacket::from_ethernet(frame).ok(),
        LinkType::RawIp => LaxSlicedPacket::from_ip(frame).ok(),
        LinkType::LinuxSll => linux_sll(frame),
        LinkType::LinuxSll2 => linux_sll2(frame),
        LinkType::Other(_) => None,
    };
    if let Some(packet) = packet {
        visit_packet(&packet, visit, 0);
    }
}

/// Linux cooked capture v1: a 16-byte header whose last two bytes are the protocol type.
fn linux_sll(frame: &[u8]) -> Option<LaxSlicedPacket<'_>> {
    let sll = LinuxSllSlice::from_slice(frame).ok()?;
    let LinuxSllProtocolType::EtherType(ether_type) = sll.protocol_type() else {
        return None;
    };
    Some(LaxSlicedPacket::from_ether_type(
        ether_type,
        sll.payload_slice(),
    ))
}

/// Linux cooked capture v2 (`LINKTYPE_LINUX_SLL2`): a 20-byte header that starts with the
/// EtherType of the payload.
fn linux_sll2(frame: &[u8]) -> Option<LaxSlicedPacket<'_>> {
    const HEADER_LEN: usize = 20;
    let (header, payload) = frame.split_at_checked(HEADER_LEN)?;
    let ether_type = u16::from_be_bytes([*header.first()?, *header.get(1)?]);
    Some(LaxSlicedPacket::from_ether_type(
        EtherType(ether_type),
        payload,
    ))
}

fn visit_packet<'a>(
    packet: &LaxSlicedPacket<'a>,
    visit: &mut impl FnMut(&IpPacket<'a>),
    depth: u8,
) {
    let (source, destination, payload, later_fragment) = match &packet.net {
        Some(LaxNetSlice::Ipv4(ip)) => (
            IpAddr::V4(ip.header().source_addr()),
            IpAddr::V4(ip.header().destination_addr()),
            ip.payload(),
            ip.header().fragments_offset().value() != 0,
        ),
        Some(LaxNetSlice::Ipv6(ip)) => (
            IpAddr::V6(ip.header().source_addr()),
            IpAddr::V6(ip.header().destination_addr()),
            ip.payload(),
            // etherparse stops at an IPv6 Fragment header that is not the first fragment.
            ip.is_payload_fragmented() && !first_ipv6_fragment(ip),
        ),
        _ => return,
    };
    if later_fragment {
        return;
    }
    let protocol = payload.ip_number.0;
    if protocol == GRE && depth < MAX_TUNNEL_DEPTH {
        if let Some(inner) = gre_inner(payload.payload) {
            visit_packet(&inner, visit, depth.saturating_add(1));
        }
        return;
    }
    let tcp = match &packet.transport {
        Some(TransportSlice::Tcp(tcp)) if protocol == ip_number::TCP.0 => Some(TcpSegment {
            source_port: tcp.source_port(),
            destination_port: tcp.destination_port(),
            sequence: tcp.sequence_number(),
            syn: tcp.syn(),
            fin: tcp.fin(),
            rst: tcp.rst(),
            payload: tcp.payload(),
        }),
        _ => None,
    };
    visit(&IpPacket {
        source,
        destination,
        protocol,
        payload: payload.payload,
        incomplete: payload.incomplete,
        fragmented: payload.fragmented,
        tcp,
    });
}

/// The packet a GRE header (RFC 2784 §2, with the Key and Sequence Number of RFC 2890)
/// carries: IPv4, IPv6, Ethernet (Transparent Ethernet Bridging) or ERSPAN type II.
fn gre_inner(gre: &[u8]) -> Option<LaxSlicedPacket<'_>> {
    let flags = u16::from_be_bytes([*gre.first()?, *gre.get(1)?]);
    let protocol_type = u16::from_be_bytes([*gre.get(2)?, *gre.get(3)?]);
    // Checksum (with Reserved1), Key and Sequence Number: 4 bytes each when present.
    let optional = [0x8000u16, 0x2000, 0x1000]
        .iter()
        .filter(|bit| flags & **bit != 0)
        .count();
    let inner = gre.get(4usize.saturating_add(optional.saturating_mul(4))..)?;
    match protocol_type {
        // Transparent Ethernet Bridging.
        0x6558 => LaxSlicedPacket::from_ethernet(inner).ok(),
        // ERSPAN type II: an 8-byte header, then the mirrored Ethernet frame.
        0x88be => LaxSlicedPacket::from_ethernet(inner.get(8..)?).ok(),
        // Cisco Meta Data: an 8-byte header that starts with the EtherType of the payload.
        0x8909 => {
            let ether_type = u16::from_be_bytes([*inner.first()?, *inner.get(1)?]);
            Some(LaxSlicedPacket::from_ether_type(
                EtherType(ether_type),
                inner.get(8..)?,
            ))
        }
        other => Some(LaxSlicedPacket::from_ether_type(EtherType(other), inner)),
    }
}

/// Whether the IPv6 packet's Fragment header, if it has one, is that of the first fragment.
fn first_ipv6_fragment(ip: &etherparse::LaxIpv6Slice<'_>) -> bool {
    ip.extensions().clone().into_iter().all(|ext| match ext {
        etherparse::Ipv6ExtensionSlice::Fragment(f) => f.fragment_offset().value() == 0,
        _ => true,
    })
}
