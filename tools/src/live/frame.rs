//! IP framing: the IPv4 and IPv6 packets a packet socket hands over, reduced to the IGMP or MLD
//! message the state machines read, and the messages they write wrapped in the IP header the
//! RFCs require ([`mcast_igmp::wire::envelope`]).

use core::net::{Ipv4Addr, Ipv6Addr, SocketAddr, SocketAddrV4, SocketAddrV6};

use mcast_addr::family::{Ipv4, Ipv6};
use mcast_igmp::gmp::{Gmp, Transmit};
use mcast_igmp::wire::envelope::{
    Ipv4Envelope, Ipv6Envelope, write_ipv4_packet, write_ipv6_packet,
};
use mcast_igmp::wire::{ICMPV6_NEXT_HEADER, IGMP_PROTOCOL};

/// A group management message received on the link, with its IP addresses.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Packet<A> {
    /// The IP source address.
    pub source: A,
    /// The IP destination address.
    pub destination: A,
    /// The IGMP or MLD message (the IP payload, past any extension header).
    pub payload: Vec<u8>,
}

/// What an IP packet received on the link holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Frame<A> {
    /// A group management message, its envelope checked (RFC 3376/9776 §4: TTL 1; RFC 3810
    /// §5: hop limit 1 and a link-local or unspecified source).
    Message(Packet<A>),
    /// Another protocol, or another ICMPv6 message: not for the state machines.
    Other,
    /// A group management message whose envelope breaks the RFC's rules, with the reason.
    Invalid(&'static str),
}

/// An address family on a live link: how its packets are framed.
pub trait LiveFamily: Gmp<Addr: core::fmt::Display> {
    /// The EtherType of the family's packets (0x0800, 0x86dd).
    const ETHERTYPE: u16;

    /// Reads an IP packet as received from the link (network header first).
    fn parse_packet(packet: &[u8]) -> Frame<Self::Addr>;

    /// Writes `transmit` into `buf` as a complete IP packet with TTL (hop limit) 1 and the
    /// Router Alert option; returns its length.
    ///
    /// # Errors
    /// The codec's error: a buffer too small, or an IPv6 source that is not link-local.
    fn write_packet(transmit: &Transmit<Self>, buf: &mut [u8]) -> Result<usize, mcast_igmp::Error>;

    /// The socket address of `address` on the interface of index `scope` (IPv6 link-local
    /// scope).
    fn socket_address(address: Self::Addr, scope: u32) -> SocketAddr;
}

/// MLD message types (RFC 3810 §5, RFC 2710 §3): Query, v1 Report, Done, v2 Report.
const MLD_TYPES: [u8; 4] = [130, 131, 132, 143];
/// IPv6 Hop-by-Hop Options header (RFC 8200 §4.3).
const HOP_BY_HOP: u8 = 0;

impl LiveFamily for Ipv4 {
    const ETHERTYPE: u16 = 0x0800;

    fn parse_packet(packet: &[u8]) -> Frame<Ipv4Addr> {
        let Some(header) = packet.get(..20) else {
            return Frame::Other;
        };
        if header[0] >> 4 != 4 || header[9] != IGMP_PROTOCOL {
            return Frame::Other;
        }
        let header_len = usize::from(header[0] & 0x0f) * 4;
        let total_len = usize::from(u16::from_be_bytes([header[2], header[3]]));
        let Some(payload) = packet
            .get(header_len..total_len)
            .filter(|_| header_len >= 20)
        else {
            return Frame::Invalid("IPv4 header or total length beyond the packet");
        };
        if header[8] != 1 {
            return Frame::Invalid("IGMP with a TTL other than 1 (RFC 3376/9776 §4)");
        }
        let address =
            |at: usize| Ipv4Addr::new(header[at], header[at + 1], header[at + 2], header[at + 3]);
        Frame::Message(Packet {
            source: address(12),
            destination: address(16),
            payload: payload.to_vec(),
        })
    }

    fn write_packet(transmit: &Transmit<Self>, buf: &mut [u8]) -> Result<usize, mcast_igmp::Error> {
        // IGMPv3 messages go with Internetwork Control precedence (§4); v1/v2 messages are 8 bytes.
        let envelope = if transmit.payload.len() > 8 {
            Ipv4Envelope::igmpv3(transmit.source, transmit.destination)
        } else {
            Ipv4Envelope::igmp(transmit.source, transmit.destination)
        };
        write_ipv4_packet(buf, &envelope, |out| copy(&transmit.payload, out))
    }

    fn socket_address(address: Ipv4Addr, _scope: u32) -> SocketAddr {
        SocketAddr::V4(SocketAddrV4::new(address, 0))
    }
}

impl LiveFamily for Ipv6 {
    const ETHERTYPE: u16 = 0x86dd;

    fn parse_packet(packet: &[u8]) -> Frame<Ipv6Addr> {
        let Some(header) = packet.get(..40) else {
            return Frame::Other;
        };
        if header[0] >> 4 != 6 {
            return Frame::Other;
        }
        let end = 40 + usize::from(u16::from_be_bytes([header[4], header[5]]));
        let Some(body) = packet.get(40..end) else {
            return Frame::Invalid("IPv6 payload length beyond the packet");
        };
        // MLD messages carry a Hop-by-Hop Options header with Router Alert (RFC 3810 §5);
        // a message without one is still read, as the RFC's receivers do.
        let mut next_header = header[6];
        let mut payload = body;
        if next_header == HOP_BY_HOP {
            let Some(&[next, length]) = body.get(..2) else {
                return Frame::Invalid("Hop-by-Hop Options header beyond the packet");
            };
            let Some(rest) = body.get((usize::from(length) + 1) * 8..) else {
                return Frame::Invalid("Hop-by-Hop Options header beyond the packet");
            };
            next_header = next;
            payload = rest;
        }
        if next_header != ICMPV6_NEXT_HEADER
            || !payload.first().is_some_and(|t| MLD_TYPES.contains(t))
        {
            return Frame::Other;
        }
        if header[7] != 1 {
            return Frame::Invalid("MLD with a hop limit other than 1 (RFC 3810 §5)");
        }
        let address = |at: usize| {
            let mut octets = [0; 16];
            octets.copy_from_slice(&header[at..at + 16]);
            Ipv6Addr::from(octets)
        };
        let source = address(8);
        if !source.is_unspecified() && source.segments()[0] & 0xffc0 != 0xfe80 {
            return Frame::Invalid("MLD from a source that is not link-local (RFC 3810 §5)");
        }
        Frame::Message(Packet {
            source,
            destination: address(24),
            payload: payload.to_vec(),
        })
    }

    fn write_packet(transmit: &Transmit<Self>, buf: &mut [u8]) -> Result<usize, mcast_igmp::Error> {
        let envelope = Ipv6Envelope::new(transmit.source, transmit.destination)?;
        write_ipv6_packet(buf, &envelope, |out| copy(&transmit.payload, out))
    }

    fn socket_address(address: Ipv6Addr, scope: u32) -> SocketAddr {
        SocketAddr::V6(SocketAddrV6::new(address, 0, 0, scope))
    }
}

/// Copies an already built message (checksum included) into the packet buffer.
fn copy(message: &[u8], out: &mut [u8]) -> Result<usize, mcast_igmp::Error> {
    let available = out.len();
    let slot = out
        .get_mut(..message.len())
        .ok_or(mcast_igmp::Error::BufferTooSmall {
            needed: message.len(),
            available,
        })?;
    slot.copy_from_slice(message);
    Ok(message.len())
}
