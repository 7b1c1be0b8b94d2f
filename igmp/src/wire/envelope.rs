//! The IP headers the RFCs require around IGMP and MLD messages, for a caller with a raw socket
//! or a pcap writer who wants a complete packet.
//!
//! - IPv4 (RFC 2236 §2, RFC 3376/9776 §4): TTL 1, the Router Alert option (RFC 2113), protocol 2,
//!   Type of Service 0xc0 (Internetwork Control) for IGMPv3 messages.
//! - IPv6 (RFC 2710 §3, RFC 3810 §5): hop limit 1, a Hop-by-Hop Options header holding Router
//!   Alert with value 0 ("MLD", RFC 2711), a link-local source (or `::` for reports sent before
//!   one is configured, RFC 3810 §5.2.13), next header ICMPv6.
//!
//! ```
//! use core::net::Ipv4Addr;
//! use mcast_igmp::wire::envelope::{Ipv4Envelope, write_ipv4_packet};
//! use mcast_igmp::wire::IgmpV1V2Builder;
//!
//! let leave = IgmpV1V2Builder::leave_group(Ipv4Addr::new(239, 1, 2, 3));
//! let envelope = Ipv4Envelope::igmp(Ipv4Addr::new(192, 0, 2, 1), leave.destination());
//! let mut packet = [0u8; 64];
//! let len = write_ipv4_packet(&mut packet, &envelope, |buf| leave.emit(buf)).unwrap();
//! assert_eq!(len, 32);
//! assert_eq!(&packet[20..24], &[0x94, 0x04, 0, 0]); // Router Alert
//! assert_eq!(packet[8], 1); // TTL
//! ```

use core::net::{Ipv4Addr, Ipv6Addr};

use mcast_addr::checksum::checksum;

use super::{Error, ICMPV6_NEXT_HEADER, IGMP_PROTOCOL, check_buffer};

/// Length of the IPv4 header with the Router Alert option: 24.
pub const IPV4_ENVELOPE_LEN: usize = 24;
/// Length of the IPv6 header and the Hop-by-Hop Options header with Router Alert: 48.
pub const IPV6_ENVELOPE_LEN: usize = 48;
/// Type of Service of IGMPv3 messages: Internetwork Control (RFC 3376/9776 §4).
pub const TOS_INTERNETWORK_CONTROL: u8 = 0xc0;

/// An IPv4 header for an IGMP message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Ipv4Envelope {
    /// Source address: the interface's address (0.0.0.0 is allowed for reports, RFC 3376/9776
    /// §4.2.13).
    pub source: Ipv4Addr,
    /// Destination (the builders' `destination()` gives the right one).
    pub destination: Ipv4Addr,
    /// Type of Service: [`TOS_INTERNETWORK_CONTROL`] for IGMPv3, 0 otherwise.
    pub type_of_service: u8,
    /// Identification field.
    pub identification: u16,
}

impl Ipv4Envelope {
    /// The header for an IGMPv1/v2 message (ToS 0).
    #[must_use]
    pub const fn igmp(source: Ipv4Addr, destination: Ipv4Addr) -> Self {
        Self {
            source,
            destination,
            type_of_service: 0,
            identification: 0,
        }
    }

    /// The header for an IGMPv3 message (ToS 0xc0).
    #[must_use]
    pub const fn igmpv3(source: Ipv4Addr, destination: Ipv4Addr) -> Self {
        Self {
            source,
            destination,
            type_of_service: TOS_INTERNETWORK_CONTROL,
            identification: 0,
        }
    }

    /// Writes the 24-byte header for a message of `message_len` bytes.
    ///
    /// # Errors
    /// [`Error::BufferTooSmall`]; [`Error::Invalid`] when the packet would exceed 65,535 bytes.
    pub fn emit(&self, buf: &mut [u8], message_len: usize) -> Result<usize, Error> {
        check_buffer(IPV4_ENVELOPE_LEN, buf.len())?;
        let total = message_len
            .checked_add(IPV4_ENVELOPE_LEN)
            .and_then(|t| u16::try_from(t).ok())
            .ok_or(Error::invalid(
                "Total Length",
                2,
                "an IPv4 packet holds at most 65,535 bytes",
            ))?;
        let [t0, t1] = total.to_be_bytes();
        let [i0, i1] = self.identification.to_be_bytes();
        let [s0, s1, s2, s3] = self.source.octets();
        let [d0, d1, d2, d3] = self.destination.octets();
        let header = buf.get_mut(..IPV4_ENVELOPE_LEN).unwrap_or_default();
        header.copy_from_slice(&[
            0x46, // version 4, IHL 6 words
            self.type_of_service,
            t0,
            t1,
            i0,
            i1,
            0,
            0,
            1, // TTL 1
            IGMP_PROTOCOL,
            0,
            0,
            s0,
            s1,
            s2,
            s3,
            d0,
            d1,
            d2,
            d3,
            0x94, // Router Alert (RFC 2113): copied, class 0, option 20
            0x04,
            0,
            0, // value 0: every router examines the packet
        ]);
        let sum = checksum(header);
        if let Some(field) = header.get_mut(10..12) {
            field.copy_from_slice(&sum.to_be_bytes());
        }
        Ok(IPV4_ENVELOPE_LEN)
    }
}

/// An IPv6 header with a Hop-by-Hop Options header holding Router Alert, for an MLD message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Ipv6Envelope {
    source: Ipv6Addr,
    destination: Ipv6Addr,
}

impl Ipv6Envelope {
    /// The header from `source` (link-local, or `::`) to `destination`.
    ///
    /// # Errors
    /// [`Error::Invalid`] when `source` is neither link-local (fe80::/10) nor unspecified
    /// (RFC 2710 §3, RFC 3810 §5: MLD messages are sent from a link-local address).
    pub fn new(source: Ipv6Addr, destination: Ipv6Addr) -> Result<Self, Error> {
        let link_local = source
            .segments()
            .first()
            .is_some_and(|s| s & 0xffc0 == 0xfe80);
        if !link_local && source != Ipv6Addr::UNSPECIFIED {
            return Err(Error::invalid(
                "Source Address",
                8,
                "MLD is sent from a link-local address (RFC 3810 §5)",
            ));
        }
        Ok(Self {
            source,
            destination,
        })
    }

    /// The source address.
    #[must_use]
    pub const fn source(&self) -> Ipv6Addr {
        self.source
    }

    /// The destination address.
    #[must_use]
    pub const fn destination(&self) -> Ipv6Addr {
        self.destination
    }

    /// Writes the 48 bytes of headers for a message of `message_len` bytes.
    ///
    /// # Errors
    /// [`Error::BufferTooSmall`]; [`Error::Invalid`] when the payload would exceed 65,535 bytes.
    pub fn emit(&self, buf: &mut [u8], message_len: usize) -> Result<usize, Error> {
        check_buffer(IPV6_ENVELOPE_LEN, buf.len())?;
        let payload = message_len
            .checked_add(IPV6_ENVELOPE_LEN - 40)
            .and_then(|t| u16::try_from(t).ok())
            .ok_or(Error::invalid(
                "Payload Length",
                4,
                "an IPv6 payload holds at most 65,535 bytes without a jumbogram",
            ))?;
        let [p0, p1] = payload.to_be_bytes();
        let header = buf.get_mut(..IPV6_ENVELOPE_LEN).unwrap_or_default();
        let (fixed, rest) = header.split_at_mut(8);
        fixed.copy_from_slice(&[0x60, 0, 0, 0, p0, p1, 0, 1]); // next header 0 (Hop-by-Hop), hop limit 1
        let (source, rest) = rest.split_at_mut(16);
        source.copy_from_slice(&self.source.octets());
        let (destination, hop_by_hop) = rest.split_at_mut(16);
        destination.copy_from_slice(&self.destination.octets());
        // Next header ICMPv6, length 0 (8 bytes), Router Alert (RFC 2711) value 0 (MLD), PadN.
        hop_by_hop.copy_from_slice(&[ICMPV6_NEXT_HEADER, 0, 5, 2, 0, 0, 1, 0]);
        Ok(IPV6_ENVELOPE_LEN)
    }
}

/// Writes a complete IPv4 packet: `message` writes the IGMP message into the buffer it is given
/// (the builders' `emit`) and returns its length; the header goes in front.
///
/// # Errors
/// The message's error, or the header's.
pub fn write_ipv4_packet(
    buf: &mut [u8],
    envelope: &Ipv4Envelope,
    message: impl FnOnce(&mut [u8]) -> Result<usize, Error>,
) -> Result<usize, Error> {
    check_buffer(IPV4_ENVELOPE_LEN, buf.len())?;
    let (header, payload) = buf.split_at_mut(IPV4_ENVELOPE_LEN);
    let len = message(payload)?;
    envelope.emit(header, len)?;
    Ok(len.saturating_add(IPV4_ENVELOPE_LEN))
}

/// Writes a complete IPv6 packet: `message` writes the MLD message (its checksum over the
/// envelope's addresses) into the buffer it is given and returns its length.
///
/// # Errors
/// The message's error, or the header's.
pub fn write_ipv6_packet(
    buf: &mut [u8],
    envelope: &Ipv6Envelope,
    message: impl FnOnce(&mut [u8]) -> Result<usize, Error>,
) -> Result<usize, Error> {
    check_buffer(IPV6_ENVELOPE_LEN, buf.len())?;
    let (header, payload) = buf.split_at_mut(IPV6_ENVELOPE_LEN);
    let len = message(payload)?;
    envelope.emit(header, len)?;
    Ok(len.saturating_add(IPV6_ENVELOPE_LEN))
}
