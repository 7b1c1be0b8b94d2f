//! The PIM common header (RFC 7761 §4.9, RFC 9436 §3) and the message checksum.
//!
//! ```text
//!  0                   1                   2                   3
//!  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! |PIM Ver| Type  |   Flag Bits   |           Checksum            |
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! ```
//!
//! RFC 9436 turned the old Reserved byte into eight flag bits, numbered 7 (most significant) to 0,
//! whose meaning depends on the type; for types 13 to 15 its upper four bits are a Subtype and
//! only the lower four are flag bits. The DF Election message (RFC 5015 §3.6) already used the
//! upper four bits as its Subtype.

use core::fmt;
use core::net::IpAddr;

use mcast_addr::checksum::Checksum;
use mcast_addr::family::IpFamily;
use zerocopy::network_endian::U16;
use zerocopy::{FromBytes, Immutable, IntoBytes, KnownLayout, Unaligned};

use crate::error::{PimError, Result};

/// IP protocol number of PIM (RFC 7761 §4.9; IANA "Assigned Internet Protocol Numbers").
pub const IP_PROTOCOL_PIM: u8 = 103;

/// The only PIM version this crate speaks: PIM Ver = 2 (RFC 7761 §4.9).
pub const PIM_VERSION: u8 = 2;

/// Length of the common header in bytes (RFC 7761 §4.9).
pub const HEADER_LEN: usize = 4;

/// Length of the part of a Register message its checksum covers: the common header and the
/// B/N/Reserved2 word (RFC 7761 §4.9).
pub const REGISTER_HEADER_LEN: usize = 8;

/// The PIM common header as it lies on the wire (RFC 7761 §4.9).
#[derive(FromBytes, IntoBytes, KnownLayout, Immutable, Unaligned, Clone, Copy, PartialEq, Eq)]
#[repr(C)]
pub struct Header {
    version_and_type: u8,
    flag_bits: u8,
    checksum: U16,
}

impl Header {
    /// A header with version 2, the given type and flag bits, and a zero checksum.
    #[must_use]
    pub fn new(message_type: u8, flag_bits: u8) -> Self {
        Self {
            version_and_type: (PIM_VERSION << 4) | (message_type & 0x0F),
            flag_bits,
            checksum: U16::ZERO,
        }
    }

    /// PIM Ver: the upper four bits of the first byte (RFC 7761 §4.9).
    #[must_use]
    pub fn version(&self) -> u8 {
        self.version_and_type >> 4
    }

    /// Type: the lower four bits of the first byte, raw (RFC 7761 §4.9).
    #[must_use]
    pub fn type_code(&self) -> MessageTypeCode {
        MessageTypeCode(self.version_and_type & 0x0F)
    }

    /// The type as a [`MessageType`] (every 4-bit value has one).
    #[must_use]
    pub fn message_type(&self) -> MessageType {
        MessageType::from_nibble(self.version_and_type)
    }

    /// The 8-bit field after the type (RFC 7761 §4.9 "Reserved", RFC 9436 §3 "Flag Bits"), raw.
    #[must_use]
    pub fn flag_bits(&self) -> u8 {
        self.flag_bits
    }

    /// The upper four bits of the flag byte: the Subtype of types 10 (RFC 5015 §3.6) and 13 to
    /// 15 (RFC 9436 §4).
    #[must_use]
    pub fn subtype(&self) -> u8 {
        self.flag_bits >> 4
    }

    /// The Checksum field as received.
    #[must_use]
    pub fn checksum(&self) -> u16 {
        self.checksum.get()
    }
}

#[allow(clippy::missing_fields_in_debug)]
impl fmt::Debug for Header {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Header")
            .field("version", &self.version())
            .field("type", &self.type_code())
            .field("flag_bits", &format_args!("{:#04x}", self.flag_bits))
            .field("checksum", &format_args!("{:#06x}", self.checksum()))
            .finish()
    }
}

impl fmt::Display for Header {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "PIMv{} {} flags {:#04x} cksum {:#06x}",
            self.version(),
            self.type_code(),
            self.flag_bits,
            self.checksum()
        )
    }
}

/// The PIM message types of the IANA "PIM Message Types" registry (RFC 7761 §4.9, RFC 3973
/// §4.7, RFC 5015 §3.6, RFC 5059 §3, RFC 6754 §5, RFC 8364 §3, RFC 9436 §4).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "arbitrary", derive(arbitrary::Arbitrary))]
#[repr(u8)]
pub enum MessageType {
    /// Hello (RFC 7761 §4.9.2).
    Hello = 0,
    /// Register (RFC 7761 §4.9.3).
    Register = 1,
    /// Register-Stop (RFC 7761 §4.9.4).
    RegisterStop = 2,
    /// Join/Prune (RFC 7761 §4.9.5).
    JoinPrune = 3,
    /// Bootstrap (RFC 5059 §4.1).
    Bootstrap = 4,
    /// Assert (RFC 7761 §4.9.6).
    Assert = 5,
    /// Graft (RFC 3973 §4.7.2).
    Graft = 6,
    /// Graft-Ack (RFC 3973 §4.7.3).
    GraftAck = 7,
    /// Candidate-RP-Advertisement (RFC 5059 §4.2).
    CandidateRpAdvertisement = 8,
    /// State Refresh (RFC 3973 §4.7.1).
    StateRefresh = 9,
    /// DF Election (RFC 5015 §3.6).
    DfElection = 10,
    /// ECMP Redirect (RFC 6754 §5).
    EcmpRedirect = 11,
    /// PIM Flooding Mechanism (RFC 8364 §3).
    PimFloodingMechanism = 12,
    /// Type 13, whose 4-bit Subtype selects the message (RFC 9436 §4): 13.0 Packed
    /// Null-Register and 13.1 Packed Register-Stop (RFC 9465 §3).
    Type13 = 13,
    /// Type 14, extended by a 4-bit Subtype, all unassigned (RFC 9436 §4).
    Type14 = 14,
    /// Type 15, extended by a 4-bit Subtype; 15.15 is reserved for a further extension
    /// (RFC 9436 §4).
    Type15 = 15,
}

impl MessageType {
    /// The type in the lower four bits of `byte`.
    #[must_use]
    pub fn from_nibble(byte: u8) -> Self {
        match byte & 0x0F {
            0 => Self::Hello,
            1 => Self::Register,
            2 => Self::RegisterStop,
            3 => Self::JoinPrune,
            4 => Self::Bootstrap,
            5 => Self::Assert,
            6 => Self::Graft,
            7 => Self::GraftAck,
            8 => Self::CandidateRpAdvertisement,
            9 => Self::StateRefresh,
            10 => Self::DfElection,
            11 => Self::EcmpRedirect,
            12 => Self::PimFloodingMechanism,
            13 => Self::Type13,
            14 => Self::Type14,
            _ => Self::Type15,
        }
    }

    /// The registry's name for the type.
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            Self::Hello => "Hello",
            Self::Register => "Register",
            Self::RegisterStop => "Register-Stop",
            Self::JoinPrune => "Join/Prune",
            Self::Bootstrap => "Bootstrap",
            Self::Assert => "Assert",
            Self::Graft => "Graft",
            Self::GraftAck => "Graft-Ack",
            Self::CandidateRpAdvertisement => "Candidate-RP-Advertisement",
            Self::StateRefresh => "State Refresh",
            Self::DfElection => "DF Election",
            Self::EcmpRedirect => "ECMP Redirect",
            Self::PimFloodingMechanism => "PIM Flooding Mechanism",
            Self::Type13 => "Type 13",
            Self::Type14 => "Type 14",
            Self::Type15 => "Type 15",
        }
    }
}

impl TryFrom<u8> for MessageType {
    type Error = u8;

    /// The type for a 4-bit code; `Err(code)` for a value above 15, which no 4-bit field holds.
    fn try_from(code: u8) -> Result<Self, u8> {
        if code > 0x0F {
            return Err(code);
        }
        Ok(Self::from_nibble(code))
    }
}

impl From<MessageType> for u8 {
    fn from(t: MessageType) -> u8 {
        t as u8
    }
}

impl fmt::Display for MessageType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A raw message type code, as carried in the Type field (RFC 7761 §4.9). `Debug` and
/// `Display` name every value, those the 4-bit field cannot hold included.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "arbitrary", derive(arbitrary::Arbitrary))]
pub struct MessageTypeCode(pub u8);

impl MessageTypeCode {
    /// The typed value, if the code fits the 4-bit field.
    #[must_use]
    pub fn message_type(self) -> Option<MessageType> {
        MessageType::try_from(self.0).ok()
    }
}

impl fmt::Display for MessageTypeCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.message_type() {
            Some(t) => write!(f, "{} ({})", t.name(), self.0),
            None => write!(f, "invalid type {} (wider than 4 bits)", self.0),
        }
    }
}

impl fmt::Debug for MessageTypeCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "MessageTypeCode({self})")
    }
}

/// The IP source and destination of a PIM message, which the IPv6 checksum covers through its
/// pseudo-header (RFC 7761 §4.9, RFC 8200 §8.1). Over IPv4 the addresses are not summed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct PseudoHeader<F: IpFamily> {
    /// IP source address.
    pub source: F::Addr,
    /// IP destination address.
    pub destination: F::Addr,
}

impl<F: IpFamily> PseudoHeader<F> {
    /// The pseudo-header of a packet from `source` to `destination`.
    #[must_use]
    pub fn new(source: F::Addr, destination: F::Addr) -> Self {
        Self {
            source,
            destination,
        }
    }
}

/// Which bytes a checksum covers (RFC 7761 §4.9).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "arbitrary", derive(arbitrary::Arbitrary))]
pub enum ChecksumCoverage {
    /// What RFC 7761 §4.9 specifies: the whole message, except a Register, whose checksum
    /// covers only its 8-byte header (over IPv6, with a pseudo-header of length 8).
    #[default]
    Standard,
    /// A Register checksummed over the whole message, inner packet included, as some routers
    /// send it (and as RFC 2362's wording could be read).
    WholeRegister,
}

impl fmt::Display for ChecksumCoverage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Standard => "standard coverage",
            Self::WholeRegister => "Register checksummed over the whole message",
        })
    }
}

/// Number of bytes a checksum with `coverage` covers in `message`.
fn covered_len(message: &[u8], coverage: ChecksumCoverage) -> usize {
    let is_register = message
        .first()
        .is_some_and(|b| b & 0x0F == MessageType::Register as u8);
    if is_register && coverage == ChecksumCoverage::Standard {
        message.len().min(REGISTER_HEADER_LEN)
    } else {
        message.len()
    }
}

/// One's complement sum over the covered bytes, the checksum field taken as zero.
fn sum_message<F: IpFamily>(
    message: &[u8],
    coverage: ChecksumCoverage,
    pseudo_header: &PseudoHeader<F>,
    include_checksum_field: bool,
) -> Checksum {
    let covered = message
        .get(..covered_len(message, coverage))
        .unwrap_or(message);
    let mut sum = Checksum::new();
    if let (IpAddr::V6(source), IpAddr::V6(destination)) = (
        pseudo_header.source.into(),
        pseudo_header.destination.into(),
    ) {
        let length = u32::try_from(covered.len()).unwrap_or(u32::MAX);
        sum.add_ipv6_pseudo_header(source, destination, length, IP_PROTOCOL_PIM);
    }
    if include_checksum_field {
        sum.add_bytes(covered);
    } else {
        sum.add_bytes(covered.get(..2).unwrap_or(covered));
        sum.add_bytes(covered.get(4..).unwrap_or(&[]));
    }
    sum
}

/// The checksum `message` should carry with the given coverage (its own checksum field is
/// ignored).
#[must_use]
pub fn compute_checksum<F: IpFamily>(
    message: &[u8],
    coverage: ChecksumCoverage,
    pseudo_header: &PseudoHeader<F>,
) -> u16 {
    sum_message(message, coverage, pseudo_header, false).checksum()
}

/// Checks the checksum of a whole PIM message and says which coverage it was computed with:
/// [`ChecksumCoverage::Standard`], or for a Register [`ChecksumCoverage::WholeRegister`] when
/// only that matches.
///
/// # Errors
/// [`PimError::Truncated`] for fewer than 4 bytes, [`PimError::Checksum`] when no accepted
/// coverage matches.
pub fn verify_checksum<F: IpFamily>(
    message: &[u8],
    pseudo_header: &PseudoHeader<F>,
) -> Result<ChecksumCoverage> {
    let Some(field) = message.get(2..4) else {
        return Err(PimError::Truncated {
            field: "checksum",
            offset: 2,
            needed: 2,
            available: message.len().saturating_sub(2),
        });
    };
    let received = u16::from_be_bytes([
        field.first().copied().unwrap_or(0),
        field.get(1).copied().unwrap_or(0),
    ]);
    for coverage in [ChecksumCoverage::Standard, ChecksumCoverage::WholeRegister] {
        if coverage == ChecksumCoverage::WholeRegister
            && covered_len(message, ChecksumCoverage::Standard) == message.len()
        {
            break;
        }
        if sum_message(message, coverage, pseudo_header, true).sum() == 0xFFFF {
            return Ok(coverage);
        }
    }
    Err(PimError::Checksum {
        computed: compute_checksum(message, ChecksumCoverage::Standard, pseudo_header),
        received,
    })
}

/// Writes the checksum into an emitted message (bytes 2 and 3).
pub(crate) fn fill_checksum<F: IpFamily>(
    message: &mut [u8],
    coverage: ChecksumCoverage,
    pseudo_header: &PseudoHeader<F>,
) {
    let value = compute_checksum(message, coverage, pseudo_header);
    if let Some(field) = message.get_mut(2..4) {
        field.copy_from_slice(&value.to_be_bytes());
    }
}

/// Splits a message into its common header and body, checking the version.
pub(crate) fn split_header(bytes: &[u8]) -> Result<(&Header, &[u8])> {
    let (header, body) = Header::ref_from_prefix(bytes).map_err(|_| PimError::Truncated {
        field: "PIM common header",
        offset: 0,
        needed: HEADER_LEN,
        available: bytes.len(),
    })?;
    if header.version() != PIM_VERSION {
        return Err(PimError::UnsupportedVersion {
            version: header.version(),
        });
    }
    Ok((header, body))
}

/// Writes a common header with a zero checksum.
pub(crate) fn write_header(
    w: &mut crate::wire::cursor::Writer<'_>,
    message_type: MessageType,
    flag_bits: u8,
) -> Result<()> {
    w.put(Header::new(message_type as u8, flag_bits).as_bytes())
}

#[cfg(test)]
mod tests {
    #[allow(clippy::wildcard_imports)]
    use super::*;
    use mcast_addr::family::{Ipv4, Ipv6};
    use std::format;

    #[test]
    fn every_type_code_displays() {
        for code in 0..=255u8 {
            let c = MessageTypeCode(code);
            assert!(!format!("{c}").is_empty());
            assert!(!format!("{c:?}").is_empty());
            assert_eq!(c.message_type().is_some(), code < 16);
        }
        assert_eq!(format!("{}", MessageTypeCode(3)), "Join/Prune (3)");
    }

    #[test]
    fn header_fields() {
        let bytes = [0x20, 0x00, 0x12, 0x34];
        let (h, body) = split_header(&bytes).unwrap();
        assert_eq!(h.version(), 2);
        assert_eq!(h.message_type(), MessageType::Hello);
        assert_eq!(h.checksum(), 0x1234);
        assert!(body.is_empty());
        assert_eq!(
            split_header(&[0x10, 0, 0, 0]).unwrap_err(),
            PimError::UnsupportedVersion { version: 1 }
        );
    }

    #[test]
    fn register_coverage() {
        let ph = PseudoHeader::<Ipv4>::new([10, 0, 0, 1].into(), [10, 0, 0, 2].into());
        let mut msg = [0x21, 0, 0, 0, 0x40, 0, 0, 0, 0x45, 0, 0, 20];
        fill_checksum(&mut msg, ChecksumCoverage::Standard, &ph);
        assert_eq!(verify_checksum(&msg, &ph), Ok(ChecksumCoverage::Standard));
        fill_checksum(&mut msg, ChecksumCoverage::WholeRegister, &ph);
        assert_eq!(
            verify_checksum(&msg, &ph),
            Ok(ChecksumCoverage::WholeRegister)
        );
        let ph6 = PseudoHeader::<Ipv6>::new("fe80::1".parse().unwrap(), "ff02::d".parse().unwrap());
        fill_checksum(&mut msg, ChecksumCoverage::Standard, &ph6);
        assert_eq!(verify_checksum(&msg, &ph6), Ok(ChecksumCoverage::Standard));
        assert!(verify_checksum(&msg, &ph).is_err());
    }
}
