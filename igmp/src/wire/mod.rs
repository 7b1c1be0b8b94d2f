//! Zero-copy codecs for IGMPv1/v2/v3 (IPv4) and MLDv1/v2 (IPv6), and Multicast Router Discovery.
//!
//! # Parsing
//! [`IgmpMessage::parse`] and [`MldMessage::parse`] verify the checksum and return a borrowed view
//! of the message to `match` on; the views' accessors read the caller's bytes in place and never
//! allocate. A caller that must skip checksum verification says so:
//! [`IgmpMessage::parse_skipping_checksum`], [`MldMessage::parse_skipping_checksum`]. A type the
//! crate does not model parses to a [`RawMessage`] (DVMRP, PIMv1, mtrace, RGMP…), checksum
//! verified, for the crates that speak those protocols. Every view's `as_bytes` gives back the
//! exact bytes it was parsed from.
//!
//! # Building
//! Builders are plain data: [`IgmpV1V2Builder`], [`MldV1Builder`], [`QueryV3Builder`],
//! [`ReportV3Builder`] with [`GroupRecordBuilder`]s, and [`RouterDiscoveryBuilder`]. Each has
//! `buffer_len` and `emit` into a caller's `&mut [u8]`; sources and records are fed by iterators,
//! so no allocation is needed. [`QueryV3Builder::split`] and [`ReportV3Builder::split`] cut a
//! message into as many packets as an MTU calls for (RFC 3376/9776 §4.2.16, RFC 3810 §5.2.15).
//! [`envelope`] writes the IPv4 or IPv6 header the RFCs require in front of a message.
//!
//! IGMPv3 and MLDv2 share one implementation, generic over [`GmpFamily`] (`Ipv4` or `Ipv6`).

/// Declares a type-code enum whose every byte value converts: one variant per registered code,
/// and `Unknown(u8)` for the rest. Each code and name is written once; the macro derives
/// `name()`, `From<u8>`, `From<Self> for u8` (inverse of each other) and, with the `arbitrary`
/// feature, `Arbitrary` over all 256 values. `Unknown` is written first in the invocation (so the
/// macro can tell its doc comment apart) and declared last in the enum (so the order is the
/// codes' order).
macro_rules! type_code {
    (
        $(#[$meta:meta])*
        pub enum $name:ident {
            $(#[$unknown_meta:meta])*
            Unknown(u8),
            $(
                $(#[$variant_meta:meta])*
                $variant:ident = $code:literal => $label:literal,
            )+
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        #[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
        pub enum $name {
            $(
                $(#[$variant_meta])*
                $variant,
            )+
            $(#[$unknown_meta])*
            Unknown(u8),
        }

        impl $name {
            /// The registry's name of the code, or `None` for a value it does not name.
            #[must_use]
            pub const fn name(self) -> Option<&'static str> {
                match self {
                    $(Self::$variant => Some($label),)+
                    Self::Unknown(_) => None,
                }
            }
        }

        impl From<u8> for $name {
            fn from(value: u8) -> Self {
                match value {
                    $($code => Self::$variant,)+
                    other => Self::Unknown(other),
                }
            }
        }

        impl From<$name> for u8 {
            fn from(value: $name) -> Self {
                match value {
                    $($name::$variant => $code,)+
                    $name::Unknown(code) => code,
                }
            }
        }

        #[cfg(feature = "arbitrary")]
        impl<'a> arbitrary::Arbitrary<'a> for $name {
            fn arbitrary(u: &mut arbitrary::Unstructured<'a>) -> arbitrary::Result<Self> {
                <u8 as arbitrary::Arbitrary>::arbitrary(u).map(Self::from)
            }
        }
    };
}

mod code;
pub mod envelope;
mod error;
mod family;
mod igmp;
mod mld;
mod mrd;
mod query;
mod record;
mod report;

use core::fmt;
use core::iter::FusedIterator;
use core::marker::PhantomData;

use mcast_addr::checksum::Checksum;
use mcast_addr::family::IpFamily;
use zerocopy::network_endian::U16;
use zerocopy::{FromBytes, Immutable, IntoBytes, KnownLayout, Unaligned};

pub use code::{MaxRespCode, MaxRespTime, MldMaxRespCode, QueryIntervalCode};
pub use error::Error;
pub use family::GmpFamily;
pub use igmp::{IgmpMessage, IgmpType, IgmpV1V2Builder, IgmpV1V2Message};
pub use mld::{MldMessage, MldType, MldV1Builder, MldV1Message};
pub use mrd::{RouterAdvertisement, RouterDiscoveryBuilder};
pub use query::{QueryKind, QueryPackets, QueryV3, QueryV3Builder};
pub use record::{GroupRecord, GroupRecordBuilder, GroupRecords, RecordType};
pub use report::{ReportPackets, ReportV3, ReportV3Builder};

/// IPv6 Next Header value of ICMPv6, which carries MLD (RFC 4443).
pub const ICMPV6_NEXT_HEADER: u8 = 58;
/// IPv4 protocol number of IGMP (RFC 1112 appendix I).
pub const IGMP_PROTOCOL: u8 = 2;

/// The first four bytes of every IGMP and ICMPv6 message: Type, Code (IGMP: Max Resp Code or
/// Reserved), Checksum.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, FromBytes, IntoBytes, KnownLayout, Immutable, Unaligned,
)]
#[repr(C)]
pub(crate) struct MessageHeader {
    pub(crate) message_type: u8,
    pub(crate) code: u8,
    pub(crate) checksum: U16,
}

/// Length of [`MessageHeader`].
pub(crate) const HEADER_LEN: usize = 4;

/// A message of a type this crate does not model, checksum verified (or explicitly skipped):
/// DVMRP (IGMP type 0x13), PIMv1 (0x14), mtrace (0x1e, 0x1f), RGMP (0xfc–0xff), Multicast Router
/// Solicitation and Termination (RFC 4286 §6, §7: no fields past the header), any other type.
///
/// The bytes are the caller's, intact: the crate for that protocol takes it from here.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RawMessage<'a> {
    header: &'a MessageHeader,
    body: &'a [u8],
    bytes: &'a [u8],
}

impl<'a> RawMessage<'a> {
    /// A view of `bytes`, which must hold at least the 4-byte header (not checksum-verified).
    pub(crate) fn new(bytes: &'a [u8]) -> Result<Self, Error> {
        let (header, body) = MessageHeader::ref_from_prefix(bytes)
            .map_err(|_| Error::truncated("message header", 0, HEADER_LEN, bytes.len()))?;
        Ok(Self {
            header,
            body,
            bytes,
        })
    }

    /// Type (byte 0).
    #[must_use]
    pub fn message_type(&self) -> u8 {
        self.header.message_type
    }

    /// Code (byte 1): DVMRP's and PIMv1's code, the Reserved byte of other messages.
    #[must_use]
    pub fn code(&self) -> u8 {
        self.header.code
    }

    /// Checksum (bytes 2–3).
    #[must_use]
    pub fn checksum(&self) -> u16 {
        self.header.checksum.get()
    }

    /// Bytes 4 to the end: everything after the 4-byte header.
    #[must_use]
    pub fn body(&self) -> &'a [u8] {
        self.body
    }

    /// The whole message.
    #[must_use]
    pub fn as_bytes(&self) -> &'a [u8] {
        self.bytes
    }
}

impl fmt::Display for RawMessage<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "type {:#04x} code {:#04x}, {} bytes",
            self.message_type(),
            self.code(),
            self.bytes.len()
        )
    }
}

/// Verifies the Internet checksum of `message` (whose checksum field is bytes 2–3), continuing
/// from `start` (empty for IGMP, the pseudo-header for MLD).
#[inline]
pub(crate) fn verify_checksum(start: Checksum, message: &[u8]) -> Result<(), Error> {
    // One pass: the sum with the received checksum in place must be all ones (RFC 1071 §1).
    let mut whole = start;
    whole.add_bytes(message);
    if whole.sum() == 0xFFFF && message.len() >= HEADER_LEN {
        return Ok(());
    }
    Err(checksum_error(start, message))
}

/// Why `message` failed [`verify_checksum`]: too short to hold a checksum, or the checksum it
/// should carry (summed with the field as zero) beside the one it carries. Kept out of line: the
/// common case is a good checksum.
#[cold]
#[inline(never)]
fn checksum_error(start: Checksum, message: &[u8]) -> Error {
    let Some(&[a, b]) = message.get(2..4) else {
        return Error::truncated("Checksum", 2, 2, message.len().saturating_sub(2));
    };
    let mut zeroed = start;
    zeroed.add_bytes(message.get(..2).unwrap_or_default());
    zeroed.add_bytes(&[0, 0]);
    zeroed.add_bytes(message.get(4..).unwrap_or_default());
    Error::Checksum {
        computed: zeroed.checksum(),
        received: u16::from_be_bytes([a, b]),
    }
}

/// Writes the checksum of `message` into bytes 2–3, continuing from `start`.
pub(crate) fn write_checksum(mut start: Checksum, message: &mut [u8]) {
    if let Some(field) = message.get_mut(2..4) {
        field.copy_from_slice(&[0, 0]);
    }
    start.add_bytes(message);
    if let Some(field) = message.get_mut(2..4) {
        field.copy_from_slice(&start.checksum().to_be_bytes());
    }
}

/// A cursor writing into a caller's buffer; every write is bounds-checked.
pub(crate) struct Writer<'b> {
    buf: &'b mut [u8],
    pos: usize,
}

impl<'b> Writer<'b> {
    pub(crate) fn new(buf: &'b mut [u8]) -> Self {
        Self { buf, pos: 0 }
    }

    pub(crate) fn pos(&self) -> usize {
        self.pos
    }

    /// Moves the cursor back to `pos` (to drop what was written after it).
    pub(crate) fn rewind(&mut self, pos: usize) {
        self.pos = pos.min(self.pos);
    }

    pub(crate) fn put(&mut self, bytes: &[u8]) -> Result<(), Error> {
        let end = self
            .pos
            .checked_add(bytes.len())
            .ok_or(Error::BufferTooSmall {
                needed: usize::MAX,
                available: self.buf.len(),
            })?;
        let available = self.buf.len();
        let dst = self
            .buf
            .get_mut(self.pos..end)
            .ok_or(Error::BufferTooSmall {
                needed: end,
                available,
            })?;
        dst.copy_from_slice(bytes);
        self.pos = end;
        Ok(())
    }

    /// Writes `value` at `at` (already written), big-endian.
    pub(crate) fn patch_u16(&mut self, at: usize, value: u16) {
        if let Some(dst) = self.buf.get_mut(at..at.saturating_add(2)) {
            dst.copy_from_slice(&value.to_be_bytes());
        }
    }

    /// The bytes written so far.
    pub(crate) fn written(&mut self) -> &mut [u8] {
        let pos = self.pos;
        self.buf.get_mut(..pos).unwrap_or_default()
    }
}

/// Checks that a buffer of `available` bytes holds `needed`.
pub(crate) fn check_buffer(needed: usize, available: usize) -> Result<(), Error> {
    if available < needed {
        Err(Error::BufferTooSmall { needed, available })
    } else {
        Ok(())
    }
}

/// The source addresses of a query or group record, read in place.
pub struct SourceAddresses<'a, F: IpFamily> {
    inner: core::slice::Iter<'a, F::Octets>,
    family: PhantomData<F>,
}

impl<'a, F: IpFamily> SourceAddresses<'a, F> {
    pub(crate) fn new(sources: &'a [F::Octets]) -> Self {
        Self {
            inner: sources.iter(),
            family: PhantomData,
        }
    }
}

impl<F: IpFamily> Clone for SourceAddresses<'_, F> {
    fn clone(&self) -> Self {
        Self {
            inner: self.inner.clone(),
            family: PhantomData,
        }
    }
}

impl<F: IpFamily> fmt::Debug for SourceAddresses<'_, F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.clone()).finish()
    }
}

impl<F: IpFamily> Iterator for SourceAddresses<'_, F> {
    type Item = F::Addr;
    fn next(&mut self) -> Option<F::Addr> {
        self.inner.next().map(|o| F::from_octets(*o))
    }
    fn size_hint(&self) -> (usize, Option<usize>) {
        self.inner.size_hint()
    }
}

impl<F: IpFamily> DoubleEndedIterator for SourceAddresses<'_, F> {
    fn next_back(&mut self) -> Option<F::Addr> {
        self.inner.next_back().map(|o| F::from_octets(*o))
    }
}

impl<F: IpFamily> ExactSizeIterator for SourceAddresses<'_, F> {}
impl<F: IpFamily> FusedIterator for SourceAddresses<'_, F> {}

/// The largest message an MTU leaves room for (after the IP header and Router Alert), or the
/// error that nothing fits.
pub(crate) fn max_message_len<F: GmpFamily>(
    mtu: u32,
    smallest: usize,
    item: &'static str,
) -> Result<usize, Error> {
    let packet = usize::try_from(mtu)
        .unwrap_or(usize::MAX)
        .min(F::MAX_PACKET_LEN);
    let needed = smallest.saturating_add(F::ENVELOPE_LEN);
    match packet.checked_sub(F::ENVELOPE_LEN) {
        Some(len) if len >= smallest => Ok(len),
        _ => Err(Error::MtuTooSmall { mtu, item, needed }),
    }
}
