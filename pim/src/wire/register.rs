//! Register (type 1, RFC 7761 §4.9.3), the Null-Register (RFC 7761 §4.4.1) and Register-Stop
//! (type 2, RFC 7761 §4.9.4).
//!
//! ```text
//! Register:       | PIM common header | B|N|  Reserved2 (30 bits) | Multicast data packet ...
//! Register-Stop:  | PIM common header | Group Address (Encoded-Group) | Source (Encoded-Unicast)
//! ```

use core::fmt;

use mcast_addr::family::IpFamily;

use crate::error::{PimError, Result};
use crate::wire::addr::{EncodedGroup, read_unicast, write_unicast};
use crate::wire::cursor::{Reader, Writer};
use crate::wire::header::{ChecksumCoverage, HEADER_LEN, IP_PROTOCOL_PIM, REGISTER_HEADER_LEN};

/// B, the Border bit of a Register (RFC 7761 §4.9.3; PMBR use, RFC 4601).
pub const REGISTER_BORDER: u32 = 0x8000_0000;
/// N, the Null-Register bit (RFC 7761 §4.9.3).
pub const REGISTER_NULL: u32 = 0x4000_0000;

/// A Register message (RFC 7761 §4.9.3): plain data and a borrowed inner packet, usable both as
/// the parse result and to emit (no allocation either way).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Register<'a> {
    /// The RFC 9436 flag bits of the common header (none defined for Register; zero).
    pub flag_bits: u8,
    /// B, the Border bit.
    pub border: bool,
    /// N, the Null-Register bit: the inner packet is only a dummy IP header (RFC 7761 §4.4.1).
    pub null_register: bool,
    /// Reserved2: the lower 30 bits of the flags word (zero on send).
    pub reserved: u32,
    /// The encapsulated multicast data packet (IPv4 or IPv6, header included), as carried.
    pub inner: &'a [u8],
    /// The checksum coverage: what the sender used, when parsed from a verified message;
    /// what to use, when emitting (RFC 7761 §4.9 says [`ChecksumCoverage::Standard`]).
    pub checksum_coverage: ChecksumCoverage,
}

impl<'a> Register<'a> {
    /// A Register carrying `inner` with the standard checksum.
    #[must_use]
    pub fn new(inner: &'a [u8]) -> Self {
        Self {
            flag_bits: 0,
            border: false,
            null_register: false,
            reserved: 0,
            inner,
            checksum_coverage: ChecksumCoverage::Standard,
        }
    }

    /// Parses the body of a Register (the bytes after the common header).
    ///
    /// # Errors
    /// [`PimError::Truncated`] when the B/N/Reserved2 word is missing.
    pub fn parse_body(flag_bits: u8, body: &'a [u8]) -> Result<Self> {
        let mut r = Reader::new(body, HEADER_LEN);
        let word = r.u32("Register flags (B, N, Reserved2)")?;
        Ok(Self {
            flag_bits,
            border: word & REGISTER_BORDER != 0,
            null_register: word & REGISTER_NULL != 0,
            reserved: word & !(REGISTER_BORDER | REGISTER_NULL),
            inner: r.rest(),
            checksum_coverage: ChecksumCoverage::Standard,
        })
    }

    /// The flags word as on the wire.
    #[must_use]
    pub fn flags_word(&self) -> u32 {
        let mut word = self.reserved & !(REGISTER_BORDER | REGISTER_NULL);
        if self.border {
            word |= REGISTER_BORDER;
        }
        if self.null_register {
            word |= REGISTER_NULL;
        }
        word
    }

    /// Length of the body.
    #[must_use]
    pub fn body_len(&self) -> usize {
        4usize.saturating_add(self.inner.len())
    }

    pub(crate) fn write_body(&self, w: &mut Writer<'_>) -> Result<()> {
        crate::wire::cursor::field_width(
            "Reserved2",
            self.reserved,
            !(REGISTER_BORDER | REGISTER_NULL),
        )?;
        w.u32(self.flags_word())?;
        w.put(self.inner)
    }

    /// The IP header of the inner packet, checked: version `F`, a header that fits, and (IPv4)
    /// an IHL of at least 5 and a Total Length equal to the inner packet's length, (IPv6) a
    /// Payload Length equal to what follows the header. The data packet itself is not parsed:
    /// a Register inside a Register is just a packet whose protocol is 103.
    ///
    /// # Errors
    /// [`PimError::Invalid`] or [`PimError::Truncated`] naming the inner header field.
    pub fn inner_header<F: IpFamily>(&self) -> Result<InnerHeader<F>> {
        InnerHeader::parse(self.inner, REGISTER_HEADER_LEN)
    }
}

impl fmt::Display for Register<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Register, Flags [")?;
        match (self.border, self.null_register) {
            (false, false) => f.write_str(" none")?,
            (b, n) => {
                if b {
                    f.write_str(" Border")?;
                }
                if n {
                    f.write_str(" Null")?;
                }
            }
        }
        write!(f, " ], inner packet {} bytes", self.inner.len())?;
        if self.checksum_coverage == ChecksumCoverage::WholeRegister {
            f.write_str(", checksummed over the whole message")?;
        }
        Ok(())
    }
}

/// The IP header of a Register's inner packet, as far as PIM needs it: the (S,G) the packet
/// belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct InnerHeader<F: IpFamily> {
    /// Source address: S.
    pub source: F::Addr,
    /// Destination address: G.
    pub destination: F::Addr,
    /// IPv4 Protocol or IPv6 Next Header.
    pub protocol: u8,
    /// Length of the fixed header (IHL × 4, or 40).
    pub header_len: usize,
}

impl<F: IpFamily> InnerHeader<F> {
    fn parse(packet: &[u8], base: usize) -> Result<Self> {
        let mut r = Reader::new(packet, base);
        let first = r.u8("inner IP version")?;
        let version = first >> 4;
        if version != F::VERSION {
            return Err(PimError::Invalid {
                field: "inner IP version",
                offset: base,
                reason: "not the version of the Register's address family",
            });
        }
        let addr = |bytes: &[u8]| {
            let mut octets = F::Octets::default();
            octets.as_mut().copy_from_slice(bytes);
            F::from_octets(octets)
        };
        if F::VERSION == 4 {
            let ihl = usize::from(first & 0x0F);
            if ihl < 5 {
                return Err(PimError::Invalid {
                    field: "inner IPv4 IHL",
                    offset: base,
                    reason: "IHL below 5",
                });
            }
            let header_len = ihl.saturating_mul(4);
            r.u8("inner IPv4 type of service")?;
            let total = usize::from(r.u16("inner IPv4 total length")?);
            r.take(5, "inner IPv4 header")?;
            let protocol = r.u8("inner IPv4 protocol")?;
            r.u16("inner IPv4 header checksum")?;
            let source = addr(r.take(4, "inner IPv4 source")?);
            let destination = addr(r.take(4, "inner IPv4 destination")?);
            r.take(header_len.saturating_sub(20), "inner IPv4 options")?;
            if total < header_len || total != packet.len() {
                return Err(PimError::Invalid {
                    field: "inner IPv4 total length",
                    offset: base.saturating_add(2),
                    reason: "differs from the length of the encapsulated packet",
                });
            }
            Ok(Self {
                source,
                destination,
                protocol,
                header_len,
            })
        } else {
            r.take(3, "inner IPv6 traffic class and flow label")?;
            let payload = usize::from(r.u16("inner IPv6 payload length")?);
            let protocol = r.u8("inner IPv6 next header")?;
            r.u8("inner IPv6 hop limit")?;
            let source = addr(r.take(16, "inner IPv6 source")?);
            let destination = addr(r.take(16, "inner IPv6 destination")?);
            if payload != r.rest().len() {
                return Err(PimError::Invalid {
                    field: "inner IPv6 payload length",
                    offset: base.saturating_add(4),
                    reason: "differs from the length of the encapsulated packet",
                });
            }
            Ok(Self {
                source,
                destination,
                protocol,
                header_len: 40,
            })
        }
    }
}

/// Length of the dummy IP header of a Null-Register of family `F` (RFC 7761 §4.4.1).
#[must_use]
pub const fn null_register_inner_len<F: IpFamily>() -> usize {
    if F::VERSION == 4 { 20 } else { 40 }
}

/// Writes the dummy inner IP header of a Null-Register for (`source`, `group`) (RFC 7761 §4.4.1):
/// an IPv4 header of Total Length 20 with its header checksum, or an IPv6 header of Payload
/// Length 0; protocol 103 (PIM), TTL or Hop Limit 1, everything else zero. Returns its length.
///
/// # Errors
/// [`PimError::BufferTooSmall`] when `buf` is shorter than the header.
pub fn write_null_register_inner<F: IpFamily>(
    buf: &mut [u8],
    source: F::Addr,
    group: F::Addr,
) -> Result<usize> {
    let mut w = Writer::new(buf);
    if F::VERSION == 4 {
        let mut header = [0u8; 20];
        let mut hw = Writer::new(&mut header);
        hw.put(&[0x45, 0, 0, 20, 0, 0, 0, 0, 1, IP_PROTOCOL_PIM, 0, 0])?;
        hw.put(F::to_octets(source).as_ref())?;
        hw.put(F::to_octets(group).as_ref())?;
        let sum = mcast_addr::checksum::checksum(&header);
        if let Some(field) = header.get_mut(10..12) {
            field.copy_from_slice(&sum.to_be_bytes());
        }
        w.put(&header)?;
    } else {
        w.put(&[0x60, 0, 0, 0, 0, 0, IP_PROTOCOL_PIM, 1])?;
        w.put(F::to_octets(source).as_ref())?;
        w.put(F::to_octets(group).as_ref())?;
    }
    Ok(w.position())
}

/// A Register-Stop message (RFC 7761 §4.9.4): the RP asks the DR to stop registering (S,G).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(bound = "F: crate::SerdeFamily")
)]
#[cfg_attr(
    feature = "arbitrary",
    derive(arbitrary::Arbitrary),
    arbitrary(bound = "F: crate::ArbitraryFamily")
)]
pub struct RegisterStop<F: IpFamily> {
    /// The RFC 9436 flag bits of the common header.
    pub flag_bits: u8,
    /// Group Address: G.
    pub group: EncodedGroup<F>,
    /// Source Address: S, or all zeros for every source of G (RFC 7761 §4.9.4).
    pub source: F::Addr,
}

impl<F: IpFamily> RegisterStop<F> {
    /// A Register-Stop for (`source`, `group`).
    #[must_use]
    pub fn new(source: F::Addr, group: F::Addr) -> Self {
        Self {
            flag_bits: 0,
            group: EncodedGroup::host(group),
            source,
        }
    }

    /// Parses the body of a Register-Stop; returns it and the bytes after it.
    ///
    /// # Errors
    /// Truncation or a bad encoded address.
    pub fn parse_body(flag_bits: u8, body: &[u8]) -> Result<(Self, &[u8])> {
        let mut r = Reader::new(body, HEADER_LEN);
        let group = EncodedGroup::read(&mut r, "Group Address")?;
        let source = read_unicast::<F>(&mut r, "Source Address")?;
        Ok((
            Self {
                flag_bits,
                group,
                source,
            },
            r.rest(),
        ))
    }

    /// Length of the body.
    #[must_use]
    pub fn body_len(&self) -> usize {
        crate::wire::addr::encoded_group_len::<F>()
            .saturating_add(crate::wire::addr::encoded_unicast_len::<F>())
    }

    pub(crate) fn write_body(&self, w: &mut Writer<'_>) -> Result<()> {
        self.group.write(w)?;
        write_unicast::<F>(w, self.source)
    }
}

impl<F: IpFamily> fmt::Display for RegisterStop<F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "Register-Stop group={} source={}",
            self.group, self.source
        )
    }
}
