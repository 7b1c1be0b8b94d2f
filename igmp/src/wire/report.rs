//! IGMPv3 Membership Report (RFC 3376/9776 §4.2) and MLDv2 Report (RFC 3810 §5.2): one
//! implementation over [`GmpFamily`].
//!
//! ```text
//! | 0x22 / 143 | Reserved | Checksum | Reserved (16 bits) | Number of Group Records (M) |
//! | Group Record [1..M] | (additional data)
//! ```

use core::fmt;
use core::marker::PhantomData;

use zerocopy::network_endian::U16;
use zerocopy::{FromBytes, Immutable, IntoBytes, KnownLayout, Unaligned};

use super::record::{GroupRecord, GroupRecordBuilder, GroupRecords};
use super::{Error, GmpFamily, Writer, check_buffer, max_message_len, write_checksum};

/// The 8-byte report header.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, FromBytes, IntoBytes, KnownLayout, Immutable, Unaligned,
)]
#[repr(C)]
pub(crate) struct ReportHeader {
    message_type: u8,
    reserved: u8,
    checksum: U16,
    reserved2: U16,
    number_of_group_records: U16,
}

/// Length of [`ReportHeader`].
const REPORT_HEADER_LEN: usize = 8;

/// An IGMPv3 or MLDv2 report read in place; every record was checked when it was parsed, so
/// [`Self::group_records`] walks them without failing.
#[derive(Clone, Copy)]
pub struct ReportV3<'a, F: GmpFamily> {
    bytes: &'a [u8],
    header: &'a ReportHeader,
    records: &'a [u8],
    additional_data: &'a [u8],
    family: PhantomData<F>,
}

impl<F: GmpFamily> PartialEq for ReportV3<'_, F> {
    fn eq(&self, other: &Self) -> bool {
        self.bytes == other.bytes
    }
}
impl<F: GmpFamily> Eq for ReportV3<'_, F> {}

impl<'a, F: GmpFamily> ReportV3<'a, F> {
    /// Parses a report (checksum already verified or skipped by the caller).
    pub(crate) fn parse(bytes: &'a [u8]) -> Result<Self, Error> {
        let (header, mut rest) = ReportHeader::ref_from_prefix(bytes)
            .map_err(|_| Error::truncated("Report header", 0, REPORT_HEADER_LEN, bytes.len()))?;
        let body = rest;
        let mut offset = REPORT_HEADER_LEN;
        for _ in 0..header.number_of_group_records.get() {
            // Fast path: the record's length from its header; the full check (which names the
            // field at fault) only when the record does not fit.
            let len = match rest.get(..4) {
                Some(&[_, aux_words, n0, n1]) => F::ADDR_LEN
                    .saturating_add(4)
                    .saturating_add(
                        usize::from(u16::from_be_bytes([n0, n1])).saturating_mul(F::ADDR_LEN),
                    )
                    .saturating_add(usize::from(aux_words).saturating_mul(4)),
                _ => usize::MAX,
            };
            if let Some((_, after)) = rest.split_at_checked(len) {
                offset = offset.saturating_add(len);
                rest = after;
            } else {
                GroupRecord::<F>::parse(rest, offset)?;
                // `parse` fails whenever the split does; this is not reached.
                return Err(Error::truncated("Group Record", offset, len, rest.len()));
            }
        }
        let records_len = body.len().saturating_sub(rest.len());
        Ok(Self {
            bytes,
            header,
            records: body.get(..records_len).unwrap_or_default(),
            additional_data: rest,
            family: PhantomData,
        })
    }

    /// Number of Group Records (§4.2.2; RFC 3810 §5.2.3).
    #[must_use]
    pub fn number_of_group_records(&self) -> u16 {
        self.header.number_of_group_records.get()
    }

    /// The group records (§4.2.3), in order; unknown record types included (§4.2.12 says a
    /// receiver ignores them).
    #[must_use]
    pub fn group_records(&self) -> GroupRecords<'a, F> {
        GroupRecords::new(self.records, self.number_of_group_records())
    }

    /// The two Reserved fields (byte 1 and bytes 4–5): sent as zero, ignored on reception.
    #[must_use]
    pub fn reserved(&self) -> (u8, u16) {
        (self.header.reserved, self.header.reserved2.get())
    }

    /// Bytes after the last record, covered by the checksum and otherwise ignored.
    #[must_use]
    pub fn additional_data(&self) -> &'a [u8] {
        self.additional_data
    }

    /// The Checksum field.
    #[must_use]
    pub fn checksum(&self) -> u16 {
        self.header.checksum.get()
    }

    /// The message as received.
    #[must_use]
    pub fn as_bytes(&self) -> &'a [u8] {
        self.bytes
    }
}

impl<F: GmpFamily> fmt::Debug for ReportV3<'_, F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ReportV3")
            .field("reserved", &self.reserved())
            .field("group_records", &self.group_records())
            .field("additional_data", &self.additional_data)
            .finish()
    }
}

impl<F: GmpFamily> fmt::Display for ReportV3<'_, F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}v{} report, {} group record(s)",
            F::PROTOCOL,
            F::SOURCE_FILTERING_VERSION,
            self.number_of_group_records()
        )?;
        for record in self.group_records() {
            write!(f, " {record}")?;
        }
        Ok(())
    }
}

/// An IGMPv3 or MLDv2 report to emit, from any cloneable iterator of [`GroupRecordBuilder`]s.
///
/// [`Self::emit`] writes one message with every record; [`Self::split`] cuts the records into
/// the messages an MTU calls for, as RFC 3376/9776 §4.2.16 and RFC 3810 §5.2.15 say.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReportV3Builder<R> {
    /// The group records, in order.
    pub records: R,
}

impl<'a, F, S, R> ReportV3Builder<R>
where
    F: GmpFamily,
    S: Iterator<Item = F::Addr> + Clone,
    R: Iterator<Item = GroupRecordBuilder<'a, F, S>> + Clone,
{
    /// A report of `records`.
    #[must_use]
    pub fn new(records: R) -> Self {
        Self { records }
    }

    /// The IP destination: 224.0.0.22 or ff02::16 (§4.2.14; RFC 3810 §5.2.14).
    #[must_use]
    pub fn destination(&self) -> F::Addr {
        F::ALL_V3_ROUTERS
    }

    /// Length of the report as one message.
    #[must_use]
    pub fn buffer_len(&self) -> usize {
        self.records.clone().fold(REPORT_HEADER_LEN, |len, r| {
            len.saturating_add(r.buffer_len())
        })
    }

    /// Emits every record into one message and returns its length.
    ///
    /// # Errors
    /// [`Error::BufferTooSmall`]; [`Error::Invalid`] for more than 65,535 records, a record with
    /// more than 65,535 sources, or auxiliary data that is not whole 32-bit words.
    pub fn emit(
        &self,
        buf: &mut [u8],
        source: F::Addr,
        destination: F::Addr,
    ) -> Result<usize, Error> {
        check_buffer(self.buffer_len(), buf.len())?;
        let mut w = Writer::new(buf);
        w.put(&[F::REPORT_V3_TYPE, 0, 0, 0, 0, 0, 0, 0])?;
        let mut count: u16 = 0;
        for record in self.records.clone() {
            count = count.checked_add(1).ok_or(Error::invalid(
                "Number of Group Records",
                6,
                "more than 65,535 records in one report: use split",
            ))?;
            let mut sources = record.sources.clone();
            let (_, more) = record.write(&mut w, &mut sources, usize::MAX)?;
            if more {
                return Err(Error::invalid(
                    "Number of Sources",
                    w.pos(),
                    "more than 65,535 sources in one record: use split",
                ));
            }
        }
        w.patch_u16(6, count);
        let len = w.pos();
        write_checksum(F::checksum_start(source, destination, len), w.written());
        Ok(len)
    }

    /// Cuts the report into messages that fit `mtu` (the IP MTU, header and Router Alert option
    /// included), as RFC 3376/9776 §4.2.16 and RFC 3810 §5.2.15 say:
    /// - records are packed in order, as many per message as fit;
    /// - a record that does not fit in the rest of a message starts the next one;
    /// - a record too long for a message of its own is split into records with the same type and
    ///   group, each with a share of the sources, one per message; but a MODE_IS_EXCLUDE or
    ///   CHANGE_TO_EXCLUDE_MODE record is truncated to the sources that fit (the first ones, so
    ///   the same set is reported each time).
    ///
    /// # Errors
    /// [`Error::MtuTooSmall`] when a message cannot hold the header and one record with no
    /// sources. A record whose sources must be split but of which not even one source fits
    /// fails later, from [`ReportPackets::next_packet`], with the same error.
    pub fn split(&self, mtu: u32) -> Result<ReportPackets<'a, F, S, R>, Error> {
        let smallest = REPORT_HEADER_LEN
            .saturating_add(4)
            .saturating_add(F::ADDR_LEN);
        let max_len = max_message_len::<F>(mtu, smallest, "report with one group record")?;
        Ok(ReportPackets {
            records: self.records.clone(),
            pending: None,
            max_len,
            mtu,
        })
    }
}

/// The messages of a report cut at an MTU ([`ReportV3Builder::split`]), emitted one at a time
/// into the caller's buffer.
#[derive(Debug, Clone)]
pub struct ReportPackets<'a, F: GmpFamily, S, R> {
    records: R,
    /// A record (or the rest of one being split) that starts the next message.
    pending: Option<GroupRecordBuilder<'a, F, S>>,
    max_len: usize,
    mtu: u32,
}

impl<'a, F, S, R> ReportPackets<'a, F, S, R>
where
    F: GmpFamily,
    S: Iterator<Item = F::Addr> + Clone,
    R: Iterator<Item = GroupRecordBuilder<'a, F, S>> + Clone,
{
    /// The longest message this will emit: each call needs a buffer this long.
    #[must_use]
    pub fn max_message_len(&self) -> usize {
        self.max_len
    }

    /// Emits the next message into `buf` (at least [`Self::max_message_len`] bytes) and returns
    /// its length, or `None` when every record was sent.
    ///
    /// # Errors
    /// [`Error::BufferTooSmall`]; [`Error::MtuTooSmall`] when a record cannot be sent at this
    /// MTU (its header and auxiliary data, or its first source when it must be split, do not
    /// fit in a message of its own); [`Error::Invalid`] for bad auxiliary data. After an error
    /// the record at fault is dropped, so calling again goes on with the next one.
    pub fn next_packet(
        &mut self,
        buf: &mut [u8],
        source: F::Addr,
        destination: F::Addr,
    ) -> Result<Option<usize>, Error> {
        check_buffer(self.max_len, buf.len())?;
        let limit = self.max_len;
        let buf = buf.get_mut(..limit).unwrap_or_default();
        let mut w = Writer::new(buf);
        w.put(&[F::REPORT_V3_TYPE, 0, 0, 0, 0, 0, 0, 0])?;
        let mut count: u16 = 0;
        while count < u16::MAX {
            let Some(record) = self.pending.take().or_else(|| self.records.next()) else {
                break;
            };
            if let Err(error) = record.aux_data_len() {
                if count == 0 {
                    // The record at fault is dropped: the next call goes on after it.
                    return Err(error);
                }
                // The records already in this message go out first; the next call reports it.
                self.pending = Some(record);
                break;
            }
            let start = w.pos();
            let room = limit.saturating_sub(start);
            if record.fixed_len() > room {
                if count == 0 {
                    return Err(self.too_small(record.fixed_len()));
                }
                self.pending = Some(record);
                break;
            }
            let max_sources = room
                .saturating_sub(record.fixed_len())
                .checked_div(F::ADDR_LEN)
                .unwrap_or(0);
            let mut sources = record.sources.clone();
            let (written, more) = record.write(&mut w, &mut sources, max_sources)?;
            if !more {
                count = count.saturating_add(1);
                continue;
            }
            if count > 0 {
                // Too long for the rest of this message: it starts the next one.
                w.rewind(start);
                self.pending = Some(record);
                break;
            }
            // Too long for a message of its own.
            if record.record_type.is_truncated_when_too_long() {
                // §4.2.16: one record with as many sources as fit; the rest are not reported.
                count = 1;
                break;
            }
            if written == 0 {
                return Err(self.too_small(record.fixed_len().saturating_add(F::ADDR_LEN)));
            }
            count = 1;
            self.pending = Some(GroupRecordBuilder { sources, ..record });
            break;
        }
        if count == 0 {
            return Ok(None);
        }
        w.patch_u16(6, count);
        let len = w.pos();
        write_checksum(F::checksum_start(source, destination, len), w.written());
        Ok(Some(len))
    }

    fn too_small(&self, record_len: usize) -> Error {
        Error::MtuTooSmall {
            mtu: self.mtu,
            item: "group record",
            needed: F::ENVELOPE_LEN
                .saturating_add(REPORT_HEADER_LEN)
                .saturating_add(record_len),
        }
    }
}
