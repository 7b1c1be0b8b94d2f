//! IPv4 Source-Active and Source-Active Response (RFC 3618 §12.2.1, §12.2.3).

use core::fmt;
use core::net::Ipv4Addr;

use zerocopy::{FromBytes, Immutable, IntoBytes, KnownLayout, Unaligned};

use crate::MsdpError;
use crate::wire::HEADER_LEN;

/// Bytes of the Entry Count and RP Address fields.
const FIXED_LEN: usize = 5;

/// One (S,G) entry of a Source-Active (RFC 3618 §12.2.1), exactly as it sits on the wire, so a
/// message's entries are a borrowed slice of these.
///
/// The Reserved bytes "MUST be transmitted as zeros and MUST be ignored by a receiver"; they
/// are kept as received (Cisco writes `00 00 20`) so that a message re-emits byte for byte, and
/// take no part in [`SaEntry::source_address`] or [`SaEntry::group_address`].
#[derive(
    Clone, Copy, PartialEq, Eq, Hash, FromBytes, IntoBytes, KnownLayout, Immutable, Unaligned,
)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "arbitrary", derive(arbitrary::Arbitrary))]
#[repr(C)]
pub struct SaEntry {
    reserved: [u8; 3],
    sprefix_len: u8,
    group_address: [u8; 4],
    source_address: [u8; 4],
}

impl SaEntry {
    /// An entry for an active source `source_address` sending to `group_address`, with the
    /// Sprefix Len of 32 that RFC 3618 §12.2.1 requires and zero Reserved bytes.
    #[must_use]
    pub const fn new(source_address: Ipv4Addr, group_address: Ipv4Addr) -> Self {
        Self {
            reserved: [0; 3],
            sprefix_len: 32,
            group_address: group_address.octets(),
            source_address: source_address.octets(),
        }
    }

    /// The same entry with other Reserved bytes and Sprefix Len, for re-emitting what a peer
    /// sent or for testing a receiver.
    #[must_use]
    pub const fn with_raw_fields(mut self, reserved: [u8; 3], sprefix_len: u8) -> Self {
        self.reserved = reserved;
        self.sprefix_len = sprefix_len;
        self
    }

    /// Source Address: "the IP address of the active source".
    #[must_use]
    pub const fn source_address(&self) -> Ipv4Addr {
        let [a, b, c, d] = self.source_address;
        Ipv4Addr::new(a, b, c, d)
    }

    /// Group Address: "the group address the active source has sent data to".
    #[must_use]
    pub const fn group_address(&self) -> Ipv4Addr {
        let [a, b, c, d] = self.group_address;
        Ipv4Addr::new(a, b, c, d)
    }

    /// Sprefix Len: "the route prefix length associated with source address"; transmitted as
    /// 32 (RFC 3618 §12.2.1), reported as received.
    #[must_use]
    pub const fn sprefix_len(&self) -> u8 {
        self.sprefix_len
    }

    /// The Reserved bytes as received (ignored by receivers).
    #[must_use]
    pub const fn reserved(&self) -> [u8; 3] {
        self.reserved
    }
}

impl fmt::Debug for SaEntry {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SaEntry")
            .field("source_address", &self.source_address())
            .field("group_address", &self.group_address())
            .field("sprefix_len", &self.sprefix_len)
            .field("reserved", &self.reserved)
            .finish()
    }
}

impl fmt::Display for SaEntry {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "({}/{}, {})",
            self.source_address(),
            self.sprefix_len,
            self.group_address()
        )
    }
}

/// The body of an IPv4 Source-Active (Type 1, RFC 3618 §12.2.1) or Source-Active Response
/// (Type 3, §12.2.3).
///
/// On the wire: Entry Count (1 byte), RP Address (4), Entry Count entries of 12 bytes, then,
/// for a Source-Active, optionally the first data packet of the source, encapsulated whole.
/// The Entry Count is derived from `entries` when emitting.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct SourceActive<'a> {
    /// RP Address: "the address of the RP in the domain the source has become active in".
    pub rp_address: Ipv4Addr,
    /// The (S,G) entries, borrowed from the input; at most 255 (Entry Count is one byte).
    pub entries: &'a [SaEntry],
    /// The encapsulated data packet that may follow the last entry (RFC 3618 §12.2.1, §8):
    /// every byte after the entries that the TLV Length covers, usually an IPv4 packet. Empty
    /// when there is none; an SA Response carries none (§12.2.3).
    pub encapsulated_data: &'a [u8],
}

impl<'a> SourceActive<'a> {
    /// Parses the Value of a Source-Active or Source-Active Response TLV.
    ///
    /// The Entry Count is checked against the Length before any entry is read.
    pub(crate) fn parse_value(value: &'a [u8]) -> Result<Self, MsdpError> {
        let Some((&entry_count, rest)) = value.split_first() else {
            return Err(MsdpError::Truncated {
                field: "entry count",
                offset: HEADER_LEN,
                needed: 1,
                available: 0,
            });
        };
        let (rp, rest) = <[u8; 4]>::ref_from_prefix(rest).map_err(|_| MsdpError::Truncated {
            field: "RP address",
            offset: HEADER_LEN + 1,
            needed: 4,
            available: rest.len(),
        })?;
        let count = usize::from(entry_count);
        let needed = count.saturating_mul(core::mem::size_of::<SaEntry>());
        if rest.len() < needed {
            return Err(MsdpError::Truncated {
                field: "Source-Active entries",
                offset: HEADER_LEN + FIXED_LEN,
                needed,
                available: rest.len(),
            });
        }
        let (entries, encapsulated_data) = <[SaEntry]>::ref_from_prefix_with_elems(rest, count)
            .map_err(|_| MsdpError::Truncated {
                field: "Source-Active entries",
                offset: HEADER_LEN + FIXED_LEN,
                needed,
                available: rest.len(),
            })?;
        Ok(Self {
            rp_address: Ipv4Addr::from(*rp),
            entries,
            encapsulated_data,
        })
    }

    /// Bytes of the Value: 5 + 12 × entries + encapsulated data (saturating).
    pub(crate) fn value_len(&self) -> usize {
        FIXED_LEN
            .saturating_add(self.entries.as_bytes().len())
            .saturating_add(self.encapsulated_data.len())
    }

    /// Writes the Value into `value`, which is exactly [`Self::value_len`] bytes.
    pub(crate) fn emit_value(&self, value: &mut [u8]) -> Result<(), MsdpError> {
        let entry_count = u8::try_from(self.entries.len()).map_err(|_| MsdpError::Invalid {
            field: "entry count",
            offset: HEADER_LEN,
            reason: "more than 255 entries",
        })?;
        let too_small = MsdpError::BufferTooSmall {
            needed: self.value_len(),
            available: value.len(),
        };
        let (fixed, rest) = value.split_at_mut_checked(FIXED_LEN).ok_or(too_small)?;
        let entries = self.entries.as_bytes();
        let (entry_bytes, data) = rest.split_at_mut_checked(entries.len()).ok_or(too_small)?;
        let [a, b, c, d] = self.rp_address.octets();
        fixed.copy_from_slice(&[entry_count, a, b, c, d]);
        entry_bytes.copy_from_slice(entries);
        if data.len() != self.encapsulated_data.len() {
            return Err(too_small);
        }
        data.copy_from_slice(self.encapsulated_data);
        Ok(())
    }
}

impl fmt::Display for SourceActive<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "RP {}, {} entries", self.rp_address, self.entries.len())?;
        for (i, entry) in self.entries.iter().enumerate() {
            f.write_str(if i == 0 { ": " } else { ", " })?;
            write!(f, "{entry}")?;
        }
        if !self.encapsulated_data.is_empty() {
            write!(
                f,
                ", {} bytes of encapsulated data",
                self.encapsulated_data.len()
            )?;
        }
        Ok(())
    }
}
