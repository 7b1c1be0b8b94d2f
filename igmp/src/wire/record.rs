//! IGMPv3 Group Records (RFC 3376/9776 §4.2.4) and MLDv2 Multicast Address Records (RFC 3810
//! §5.2.4): one layout, generic over the address family.
//!
//! ```text
//! | Record Type | Aux Data Len | Number of Sources (N) |
//! | Multicast Address (4 or 16 bytes)                  |
//! | Source Address [1..N]                              |
//! | Auxiliary Data (Aux Data Len 32-bit words)         |
//! ```

use core::fmt;
use core::iter::FusedIterator;
use core::marker::PhantomData;

use zerocopy::network_endian::U16;
use zerocopy::{FromBytes, Immutable, IntoBytes, KnownLayout, Unaligned};

use super::{Error, GmpFamily, SourceAddresses, Writer};

/// The fixed first four bytes of a record.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, FromBytes, IntoBytes, KnownLayout, Immutable, Unaligned,
)]
#[repr(C)]
pub(crate) struct RecordHeader {
    record_type: u8,
    aux_data_len: u8,
    number_of_sources: U16,
}

/// Length of [`RecordHeader`].
const RECORD_HEADER_LEN: usize = 4;

type_code! {
    /// Record Type of a group record (RFC 3376/9776 §4.2.12, RFC 3810 §5.2.12).
    ///
    /// Every byte value converts: an unknown type is [`RecordType::Unknown`], data to be skipped as
    /// §4.2.12 says ("silently ignore that Group Record"), not a parse failure. `From<u8>` and
    /// `From<RecordType> for u8` are inverse; build `Unknown` only through `From<u8>`.
    pub enum RecordType {
        /// Any other value (0, 7–255), to be ignored by a receiver (§4.2.12).
        Unknown(u8),
        /// MODE_IS_INCLUDE (1), a Current-State Record (§4.2.12).
        ModeIsInclude = 1 => "MODE_IS_INCLUDE",
        /// MODE_IS_EXCLUDE (2), a Current-State Record (§4.2.12).
        ModeIsExclude = 2 => "MODE_IS_EXCLUDE",
        /// CHANGE_TO_INCLUDE_MODE (3), a Filter-Mode-Change Record (§4.2.12).
        ChangeToIncludeMode = 3 => "CHANGE_TO_INCLUDE_MODE",
        /// CHANGE_TO_EXCLUDE_MODE (4), a Filter-Mode-Change Record (§4.2.12).
        ChangeToExcludeMode = 4 => "CHANGE_TO_EXCLUDE_MODE",
        /// ALLOW_NEW_SOURCES (5), a Source-List-Change Record (§4.2.12).
        AllowNewSources = 5 => "ALLOW_NEW_SOURCES",
        /// BLOCK_OLD_SOURCES (6), a Source-List-Change Record (§4.2.12).
        BlockOldSources = 6 => "BLOCK_OLD_SOURCES",
    }
}

impl RecordType {
    /// Whether a record of this type that has too many sources for one packet is truncated
    /// (MODE_IS_EXCLUDE, CHANGE_TO_EXCLUDE_MODE) rather than split across packets
    /// (RFC 3376/9776 §4.2.16, RFC 3810 §5.2.15).
    #[must_use]
    pub const fn is_truncated_when_too_long(self) -> bool {
        matches!(self, Self::ModeIsExclude | Self::ChangeToExcludeMode)
    }
}

impl fmt::Display for RecordType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.name() {
            Some(name) => write!(f, "{name} ({})", u8::from(*self)),
            None => write!(f, "unknown record type ({})", u8::from(*self)),
        }
    }
}

/// A group record read in place (RFC 3376/9776 §4.2.4, RFC 3810 §5.2.4).
#[derive(Clone, Copy)]
pub struct GroupRecord<'a, F: GmpFamily> {
    header: &'a RecordHeader,
    multicast_address: &'a F::Octets,
    sources: &'a [F::Octets],
    auxiliary_data: &'a [u8],
    bytes: &'a [u8],
}

impl<F: GmpFamily> PartialEq for GroupRecord<'_, F> {
    fn eq(&self, other: &Self) -> bool {
        self.bytes == other.bytes
    }
}
impl<F: GmpFamily> Eq for GroupRecord<'_, F> {}

impl<'a, F: GmpFamily> GroupRecord<'a, F> {
    /// Parses one record at the front of `bytes` (`offset` is where `bytes` starts in the message,
    /// for errors), returning it and the bytes after it.
    pub(crate) fn parse(bytes: &'a [u8], offset: usize) -> Result<(Self, &'a [u8]), Error> {
        let (header, rest) = RecordHeader::ref_from_prefix(bytes).map_err(|_| {
            Error::truncated(
                "Group Record header",
                offset,
                RECORD_HEADER_LEN,
                bytes.len(),
            )
        })?;
        let at = offset.saturating_add(RECORD_HEADER_LEN);
        let (multicast_address, rest) = F::Octets::ref_from_prefix(rest)
            .map_err(|_| Error::truncated("Multicast Address", at, F::ADDR_LEN, rest.len()))?;
        let at = at.saturating_add(F::ADDR_LEN);
        let n = usize::from(header.number_of_sources.get());
        let (sources, rest) = <[F::Octets]>::ref_from_prefix_with_elems(rest, n).map_err(|_| {
            Error::truncated(
                "Source Address",
                at,
                n.saturating_mul(F::ADDR_LEN),
                rest.len(),
            )
        })?;
        let at = at.saturating_add(n.saturating_mul(F::ADDR_LEN));
        let aux_len = usize::from(header.aux_data_len).saturating_mul(4);
        let (auxiliary_data, rest) = rest.split_at_checked(aux_len).ok_or(Error::truncated(
            "Auxiliary Data",
            at,
            aux_len,
            rest.len(),
        ))?;
        let len = bytes.len().saturating_sub(rest.len());
        let record = Self {
            header,
            multicast_address,
            sources,
            auxiliary_data,
            bytes: bytes.get(..len).unwrap_or_default(),
        };
        Ok((record, rest))
    }

    /// Record Type (§4.2.12); unknown values are [`RecordType::Unknown`].
    #[must_use]
    pub fn record_type(&self) -> RecordType {
        RecordType::from(self.header.record_type)
    }

    /// Aux Data Len: the length of the Auxiliary Data in 32-bit words (§4.2.6).
    #[must_use]
    pub fn aux_data_len(&self) -> u8 {
        self.header.aux_data_len
    }

    /// Number of Sources (§4.2.7).
    #[must_use]
    pub fn number_of_sources(&self) -> u16 {
        self.header.number_of_sources.get()
    }

    /// Multicast Address (§4.2.8): the group the record is about.
    #[must_use]
    pub fn multicast_address(&self) -> F::Addr {
        F::from_octets(*self.multicast_address)
    }

    /// Source Address [1..N] (§4.2.9), as they lie on the wire.
    #[must_use]
    pub fn source_octets(&self) -> &'a [F::Octets] {
        self.sources
    }

    /// Source Address [1..N] (§4.2.9).
    #[must_use]
    pub fn sources(&self) -> SourceAddresses<'a, F> {
        SourceAddresses::new(self.sources)
    }

    /// Auxiliary Data (§4.2.10): skipped by its length; IGMPv3 and MLDv2 define none.
    #[must_use]
    pub fn auxiliary_data(&self) -> &'a [u8] {
        self.auxiliary_data
    }

    /// The record's bytes.
    #[must_use]
    pub fn as_bytes(&self) -> &'a [u8] {
        self.bytes
    }

    /// The builder that emits this record again, byte for byte.
    #[must_use]
    pub fn to_builder(&self) -> GroupRecordBuilder<'a, F, SourceAddresses<'a, F>> {
        GroupRecordBuilder {
            record_type: self.record_type(),
            multicast_address: self.multicast_address(),
            sources: self.sources(),
            auxiliary_data: self.auxiliary_data,
        }
    }
}

impl<F: GmpFamily> fmt::Debug for GroupRecord<'_, F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("GroupRecord")
            .field("record_type", &self.record_type())
            .field("multicast_address", &self.multicast_address())
            .field("sources", &self.sources())
            .field("auxiliary_data", &self.auxiliary_data)
            .finish()
    }
}

impl<F: GmpFamily> fmt::Display for GroupRecord<'_, F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "[gaddr {} {}, {} source(s)]",
            self.multicast_address(),
            self.record_type(),
            self.number_of_sources()
        )
    }
}

/// Cursor over the group records of a report (validated when the report was parsed).
pub struct GroupRecords<'a, F: GmpFamily> {
    rest: &'a [u8],
    remaining: u16,
    family: PhantomData<F>,
}

impl<'a, F: GmpFamily> GroupRecords<'a, F> {
    pub(crate) fn new(records: &'a [u8], count: u16) -> Self {
        Self {
            rest: records,
            remaining: count,
            family: PhantomData,
        }
    }
}

impl<F: GmpFamily> Clone for GroupRecords<'_, F> {
    fn clone(&self) -> Self {
        Self {
            rest: self.rest,
            remaining: self.remaining,
            family: PhantomData,
        }
    }
}

impl<F: GmpFamily> fmt::Debug for GroupRecords<'_, F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.clone()).finish()
    }
}

impl<'a, F: GmpFamily> Iterator for GroupRecords<'a, F> {
    type Item = GroupRecord<'a, F>;

    fn next(&mut self) -> Option<Self::Item> {
        self.remaining = self.remaining.checked_sub(1)?;
        if let Ok((record, rest)) = GroupRecord::parse(self.rest, 0) {
            self.rest = rest;
            Some(record)
        } else {
            // Unreachable for a validated report; stop rather than loop.
            self.remaining = 0;
            None
        }
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        let n = usize::from(self.remaining);
        (n, Some(n))
    }
}

impl<F: GmpFamily> ExactSizeIterator for GroupRecords<'_, F> {}
impl<F: GmpFamily> FusedIterator for GroupRecords<'_, F> {}

/// A group record to emit, from plain data: the sources come from any cloneable iterator.
///
/// Hosts send no auxiliary data (RFC 3376/9776 §4.2.6, RFC 3810 §5.2.6); it is here so that any
/// received record can be emitted again. Its length must be a multiple of 4, at most 1020 bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GroupRecordBuilder<'a, F: GmpFamily, S> {
    /// Record Type (§4.2.12).
    pub record_type: RecordType,
    /// Multicast Address (§4.2.8).
    pub multicast_address: F::Addr,
    /// Source Address [1..N] (§4.2.9).
    pub sources: S,
    /// Auxiliary Data (§4.2.10).
    pub auxiliary_data: &'a [u8],
}

impl<F: GmpFamily> GroupRecordBuilder<'_, F, core::iter::Empty<F::Addr>> {
    /// A record with no sources and no auxiliary data.
    #[must_use]
    pub fn without_sources(record_type: RecordType, multicast_address: F::Addr) -> Self {
        Self {
            record_type,
            multicast_address,
            sources: core::iter::empty(),
            auxiliary_data: &[],
        }
    }
}

impl<F: GmpFamily, S: Iterator<Item = F::Addr> + Clone> GroupRecordBuilder<'_, F, S> {
    /// Length of the record with its header, no sources and its auxiliary data.
    pub(crate) fn fixed_len(&self) -> usize {
        RECORD_HEADER_LEN
            .saturating_add(F::ADDR_LEN)
            .saturating_add(self.auxiliary_data.len())
    }

    /// Length of the whole record.
    #[must_use]
    pub fn buffer_len(&self) -> usize {
        self.fixed_len()
            .saturating_add(self.sources.clone().count().saturating_mul(F::ADDR_LEN))
    }

    /// Aux Data Len for the auxiliary data, or why it cannot be sent.
    pub(crate) fn aux_data_len(&self) -> Result<u8, Error> {
        let len = self.auxiliary_data.len();
        if !len.is_multiple_of(4) {
            return Err(Error::invalid(
                "Auxiliary Data",
                RECORD_HEADER_LEN,
                "length is not a whole number of 32-bit words (RFC 3376/9776 §4.2.6)",
            ));
        }
        u8::try_from(len / 4).map_err(|_| {
            Error::invalid(
                "Aux Data Len",
                1,
                "more than 255 words of auxiliary data (RFC 3376/9776 §4.2.6)",
            )
        })
    }

    /// Writes the record with at most `max_sources` sources from `sources`; returns how many
    /// were written and whether `sources` had more.
    pub(crate) fn write(
        &self,
        w: &mut Writer<'_>,
        sources: &mut S,
        max_sources: usize,
    ) -> Result<(u16, bool), Error> {
        let aux = self.aux_data_len()?;
        let start = w.pos();
        w.put(&[u8::from(self.record_type), aux, 0, 0])?;
        w.put(F::to_octets(self.multicast_address).as_ref())?;
        let cap = max_sources.min(usize::from(u16::MAX));
        let mut n: u16 = 0;
        while usize::from(n) < cap {
            match sources.next() {
                Some(s) => {
                    w.put(F::to_octets(s).as_ref())?;
                    n = n.saturating_add(1);
                }
                None => break,
            }
        }
        let more = sources.clone().next().is_some();
        w.put(self.auxiliary_data)?;
        w.patch_u16(start.saturating_add(2), n);
        Ok((n, more))
    }
}
