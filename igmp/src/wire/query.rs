//! IGMPv3 Membership Query (RFC 3376/9776 §4.1) and MLDv2 Multicast Listener Query (RFC 3810
//! §5.1): one implementation over [`GmpFamily`].
//!
//! ```text
//! IGMPv3: | 0x11 | Max Resp Code | Checksum | Group Address (4) |
//! MLDv2:  | 130  | Code (0) | Checksum | Maximum Response Code (16 bits) | Reserved | Multicast Address (16) |
//! both:   | Resv | S | QRV | QQIC | Number of Sources (N) | Source Address [1..N] | (additional data)
//! ```

use core::fmt;
use core::time::Duration;

use zerocopy::network_endian::U16;
use zerocopy::{FromBytes, Immutable, IntoBytes, KnownLayout, Unaligned};

use super::{
    Error, GmpFamily, QueryIntervalCode, SourceAddresses, Writer, check_buffer, max_message_len,
    write_checksum,
};

/// The Resv/S/QRV, QQIC and Number of Sources fields.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, FromBytes, IntoBytes, KnownLayout, Immutable, Unaligned,
)]
#[repr(C)]
pub(crate) struct QueryFlags {
    flags: u8,
    qqic: u8,
    number_of_sources: U16,
}

/// The S flag in the Resv/S/QRV byte (§4.1.5).
const S_FLAG: u8 = 0x08;
/// The QRV bits (§4.1.6).
const QRV_MASK: u8 = 0x07;

/// What a query asks about (RFC 3376/9776 §4.1.9, RFC 3810 §5.1.10).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum QueryKind<A> {
    /// General Query: Group Address zero, no sources.
    General,
    /// Group-Specific Query: the group, no sources.
    GroupSpecific(A),
    /// Group-and-Source-Specific Query: the group and a non-empty source list (IGMPv3/MLDv2 only).
    GroupAndSourceSpecific(A),
}

/// An IGMPv3 or MLDv2 query read in place; parsed from 12 (IGMP) or 28 (MLD) bytes or more.
///
/// A General Query (Group Address zero) that lists sources is rejected when parsed (§4.1.9 lists
/// no such query), so [`QueryV3::kind`] always has an answer.
#[derive(Clone, Copy)]
pub struct QueryV3<'a, F: GmpFamily> {
    bytes: &'a [u8],
    group_address: &'a F::Octets,
    fields: &'a QueryFlags,
    sources: &'a [F::Octets],
    additional_data: &'a [u8],
}

impl<F: GmpFamily> PartialEq for QueryV3<'_, F> {
    fn eq(&self, other: &Self) -> bool {
        self.bytes == other.bytes
    }
}
impl<F: GmpFamily> Eq for QueryV3<'_, F> {}

impl<'a, F: GmpFamily> QueryV3<'a, F> {
    /// Parses a query of at least [`GmpFamily::QUERY_V3_MIN_LEN`] bytes (checksum already
    /// verified or skipped by the caller).
    pub(crate) fn parse(bytes: &'a [u8]) -> Result<Self, Error> {
        let at = F::QUERY_ADDRESS_OFFSET;
        let rest = bytes.get(at..).unwrap_or_default();
        let (group_address, rest) = F::Octets::ref_from_prefix(rest)
            .map_err(|_| Error::truncated("Group Address", at, F::ADDR_LEN, rest.len()))?;
        let at = F::QUERY_FLAGS_OFFSET;
        let (fields, rest) = QueryFlags::ref_from_prefix(rest).map_err(|_| {
            Error::truncated("Resv/S/QRV, QQIC, Number of Sources", at, 4, rest.len())
        })?;
        let at = F::QUERY_V3_MIN_LEN;
        let n = usize::from(fields.number_of_sources.get());
        let (sources, additional_data) = <[F::Octets]>::ref_from_prefix_with_elems(rest, n)
            .map_err(|_| {
                Error::truncated(
                    "Source Address",
                    at,
                    n.saturating_mul(F::ADDR_LEN),
                    rest.len(),
                )
            })?;
        if n > 0 && F::from_octets(*group_address) == F::UNSPECIFIED {
            return Err(Error::invalid(
                "Number of Sources",
                F::QUERY_FLAGS_OFFSET.saturating_add(2),
                "a General Query (Group Address zero) carries no sources \
                 (RFC 3376/9776 §4.1.9, RFC 3810 §5.1.10)",
            ));
        }
        Ok(Self {
            bytes,
            group_address,
            fields,
            sources,
            additional_data,
        })
    }

    /// Max Resp Code (§4.1.1; MLDv2 Maximum Response Code, RFC 3810 §5.1.3).
    #[must_use]
    pub fn max_resp_code(&self) -> F::MaxRespCode {
        F::max_resp_code_from_raw(F::read_query_max_resp_code(self.bytes))
    }

    /// Max Resp Time: the time [`Self::max_resp_code`] stands for.
    #[must_use]
    pub fn max_response_time(&self) -> Duration {
        F::max_resp_code_duration(self.max_resp_code())
    }

    /// Group Address (§4.1.3; MLDv2 Multicast Address, RFC 3810 §5.1.5): zero in a General Query.
    #[must_use]
    pub fn group_address(&self) -> F::Addr {
        F::from_octets(*self.group_address)
    }

    /// The four Resv bits (§4.1.4): sent as zero, ignored on reception.
    #[must_use]
    pub fn reserved(&self) -> u8 {
        self.fields.flags >> 4
    }

    /// S Flag, Suppress Router-Side Processing (§4.1.5; RFC 3810 §5.1.7).
    #[must_use]
    pub fn suppress_router_side_processing(&self) -> bool {
        self.fields.flags & S_FLAG != 0
    }

    /// QRV, Querier's Robustness Variable (§4.1.6; RFC 3810 §5.1.8): 0 means the querier's
    /// value is above 7.
    #[must_use]
    pub fn querier_robustness_variable(&self) -> u8 {
        self.fields.flags & QRV_MASK
    }

    /// QQIC, Querier's Query Interval Code (§4.1.7; RFC 3810 §5.1.9).
    #[must_use]
    pub fn querier_query_interval_code(&self) -> QueryIntervalCode {
        QueryIntervalCode::from_code(self.fields.qqic)
    }

    /// Number of Sources (§4.1.8).
    #[must_use]
    pub fn number_of_sources(&self) -> u16 {
        self.fields.number_of_sources.get()
    }

    /// Source Address [1..N] (§4.1.9), as they lie on the wire.
    #[must_use]
    pub fn source_octets(&self) -> &'a [F::Octets] {
        self.sources
    }

    /// Source Address [1..N] (§4.1.9).
    #[must_use]
    pub fn sources(&self) -> SourceAddresses<'a, F> {
        SourceAddresses::new(self.sources)
    }

    /// Bytes after the last source, covered by the checksum and otherwise ignored (§4.1.10).
    #[must_use]
    pub fn additional_data(&self) -> &'a [u8] {
        self.additional_data
    }

    /// General, Group-Specific or Group-and-Source-Specific (§4.1.9).
    #[must_use]
    pub fn kind(&self) -> QueryKind<F::Addr> {
        let group = self.group_address();
        if group == F::UNSPECIFIED {
            QueryKind::General
        } else if self.sources.is_empty() {
            QueryKind::GroupSpecific(group)
        } else {
            QueryKind::GroupAndSourceSpecific(group)
        }
    }

    /// The Checksum field.
    #[must_use]
    pub fn checksum(&self) -> u16 {
        match self.bytes.get(2..4) {
            Some(&[a, b]) => u16::from_be_bytes([a, b]),
            _ => 0,
        }
    }

    /// The message as received.
    #[must_use]
    pub fn as_bytes(&self) -> &'a [u8] {
        self.bytes
    }

    /// A builder for the same query (without the Resv bits, additional data and MLD Reserved
    /// field, which a sender sets to zero).
    #[must_use]
    pub fn to_builder(&self) -> QueryV3Builder<F, SourceAddresses<'a, F>> {
        QueryV3Builder {
            max_resp_code: self.max_resp_code(),
            group_address: self.group_address(),
            suppress_router_side_processing: self.suppress_router_side_processing(),
            querier_robustness_variable: self.querier_robustness_variable(),
            querier_query_interval_code: self.querier_query_interval_code(),
            sources: self.sources(),
        }
    }
}

impl<F: GmpFamily> fmt::Debug for QueryV3<'_, F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("QueryV3")
            .field("max_resp_code", &self.max_resp_code())
            .field("group_address", &self.group_address())
            .field("reserved", &self.reserved())
            .field(
                "suppress_router_side_processing",
                &self.suppress_router_side_processing(),
            )
            .field(
                "querier_robustness_variable",
                &self.querier_robustness_variable(),
            )
            .field(
                "querier_query_interval_code",
                &self.querier_query_interval_code(),
            )
            .field("sources", &self.sources())
            .field("additional_data", &self.additional_data)
            .finish()
    }
}

impl<F: GmpFamily> fmt::Display for QueryV3<'_, F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}v{} query [max resp time {}]",
            F::PROTOCOL,
            F::SOURCE_FILTERING_VERSION,
            self.max_resp_code()
        )?;
        if self.group_address() != F::UNSPECIFIED {
            write!(f, " [gaddr {}", self.group_address())?;
            if !self.sources.is_empty() {
                write!(f, " {} source(s)", self.sources.len())?;
            }
            f.write_str("]")?;
        }
        if self.suppress_router_side_processing() {
            f.write_str(" [S]")?;
        }
        write!(
            f,
            " [qrv {}] [qqi {}]",
            self.querier_robustness_variable(),
            self.querier_query_interval_code()
        )
    }
}

/// An IGMPv3 or MLDv2 query to emit, from plain data (RFC 3376/9776 §4.1, RFC 3810 §5.1).
///
/// `sources` is any cloneable iterator of addresses: empty for General and Group-Specific
/// Queries. A Querier's Robustness Variable above 7 is sent as 0 (§4.1.6). A query with more
/// sources than one packet holds is cut by [`Self::split`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueryV3Builder<F: GmpFamily, S> {
    /// Max Resp Code (§4.1.1; RFC 3810 §5.1.3).
    pub max_resp_code: F::MaxRespCode,
    /// Group Address (§4.1.3): zero for a General Query.
    pub group_address: F::Addr,
    /// S Flag (§4.1.5).
    pub suppress_router_side_processing: bool,
    /// Querier's Robustness Variable (§4.1.6): above 7 it is sent as 0.
    pub querier_robustness_variable: u8,
    /// Querier's Query Interval Code (§4.1.7).
    pub querier_query_interval_code: QueryIntervalCode,
    /// Source Address [1..N] (§4.1.9).
    pub sources: S,
}

impl<F: GmpFamily> QueryV3Builder<F, core::iter::Empty<F::Addr>> {
    /// A General Query (§4.1.9), sent to all systems / all nodes.
    #[must_use]
    pub fn general(
        max_resp_code: F::MaxRespCode,
        querier_robustness_variable: u8,
        querier_query_interval_code: QueryIntervalCode,
    ) -> Self {
        Self {
            max_resp_code,
            group_address: F::UNSPECIFIED,
            suppress_router_side_processing: false,
            querier_robustness_variable,
            querier_query_interval_code,
            sources: core::iter::empty(),
        }
    }

    /// A Group-Specific Query (§4.1.9), sent to the group.
    #[must_use]
    pub fn group_specific(
        group_address: F::Addr,
        max_resp_code: F::MaxRespCode,
        suppress_router_side_processing: bool,
        querier_robustness_variable: u8,
        querier_query_interval_code: QueryIntervalCode,
    ) -> Self {
        Self {
            max_resp_code,
            group_address,
            suppress_router_side_processing,
            querier_robustness_variable,
            querier_query_interval_code,
            sources: core::iter::empty(),
        }
    }
}

impl<F: GmpFamily, S: Iterator<Item = F::Addr> + Clone> QueryV3Builder<F, S> {
    /// A Group-and-Source-Specific Query (§4.1.9), sent to the group.
    #[must_use]
    pub fn group_and_source_specific(
        group_address: F::Addr,
        sources: S,
        max_resp_code: F::MaxRespCode,
        suppress_router_side_processing: bool,
        querier_robustness_variable: u8,
        querier_query_interval_code: QueryIntervalCode,
    ) -> Self {
        Self {
            max_resp_code,
            group_address,
            suppress_router_side_processing,
            querier_robustness_variable,
            querier_query_interval_code,
            sources,
        }
    }

    /// The IP destination: all systems / all nodes for a General Query, else the group
    /// (RFC 3376/9776 §4.1.12, RFC 3810 §5.1.15).
    #[must_use]
    pub fn destination(&self) -> F::Addr {
        if self.group_address == F::UNSPECIFIED {
            F::ALL_SYSTEMS
        } else {
            self.group_address
        }
    }

    /// Length of the whole query in one message.
    #[must_use]
    pub fn buffer_len(&self) -> usize {
        F::QUERY_V3_MIN_LEN.saturating_add(self.sources.clone().count().saturating_mul(F::ADDR_LEN))
    }

    /// Emits the query as one message (every source; at most 65,535) into `buf`; returns its
    /// length. `source` and `destination` are the IP addresses (covered by MLD's checksum only).
    ///
    /// # Errors
    /// [`Error::BufferTooSmall`]; [`Error::Invalid`] for more than 65,535 sources or a General
    /// Query with sources.
    pub fn emit(
        &self,
        buf: &mut [u8],
        source: F::Addr,
        destination: F::Addr,
    ) -> Result<usize, Error> {
        let n = self.sources.clone().count();
        if n > usize::from(u16::MAX) {
            return Err(Error::invalid(
                "Number of Sources",
                F::QUERY_FLAGS_OFFSET.saturating_add(2),
                "more than 65,535 sources in one query: use split",
            ));
        }
        check_buffer(self.buffer_len(), buf.len())?;
        self.write_packet(buf, &mut self.sources.clone(), n, source, destination)
    }

    /// Writes one message with at most `max_sources` sources taken from `sources`.
    fn write_packet(
        &self,
        buf: &mut [u8],
        sources: &mut S,
        max_sources: usize,
        source: F::Addr,
        destination: F::Addr,
    ) -> Result<usize, Error> {
        let has_sources = sources.clone().next().is_some();
        if has_sources && self.group_address == F::UNSPECIFIED {
            return Err(Error::invalid(
                "Number of Sources",
                F::QUERY_FLAGS_OFFSET.saturating_add(2),
                "a General Query (Group Address zero) carries no sources (RFC 3376/9776 §4.1.9)",
            ));
        }
        let mut w = Writer::new(buf);
        w.put(&[F::QUERY_TYPE, 0, 0, 0])?;
        // Max Resp Code and, for MLD, the Reserved field, up to the address.
        let head_len = F::QUERY_ADDRESS_OFFSET.saturating_sub(4);
        w.put([0u8; 4].get(..head_len).unwrap_or_default())?;
        w.put(F::to_octets(self.group_address).as_ref())?;
        let qrv = if self.querier_robustness_variable > QRV_MASK {
            0
        } else {
            self.querier_robustness_variable
        };
        let s = if self.suppress_router_side_processing {
            S_FLAG
        } else {
            0
        };
        w.put(&[s | qrv, self.querier_query_interval_code.code(), 0, 0])?;
        let mut n: u16 = 0;
        while usize::from(n) < max_sources.min(usize::from(u16::MAX)) {
            match sources.next() {
                Some(a) => {
                    w.put(F::to_octets(a).as_ref())?;
                    n = n.saturating_add(1);
                }
                None => break,
            }
        }
        w.patch_u16(F::QUERY_FLAGS_OFFSET.saturating_add(2), n);
        let len = w.pos();
        let message = w.written();
        F::write_query_max_resp_code(message, self.max_resp_code);
        write_checksum(F::checksum_start(source, destination, len), message);
        Ok(len)
    }

    /// Cuts the query into as many messages as `mtu` (the IP MTU, header and Router Alert option
    /// included) calls for, each with the same fields and a share of the sources: 366 sources
    /// per IGMPv3 query at an MTU of 1500, 89 per MLDv2 query.
    ///
    /// # Errors
    /// [`Error::MtuTooSmall`] when one message cannot hold the fixed fields and, if there are
    /// sources, one source.
    pub fn split(&self, mtu: u32) -> Result<QueryPackets<F, S>, Error> {
        let has_sources = self.sources.clone().next().is_some();
        let smallest = if has_sources {
            F::QUERY_V3_MIN_LEN.saturating_add(F::ADDR_LEN)
        } else {
            F::QUERY_V3_MIN_LEN
        };
        let max_len = max_message_len::<F>(mtu, smallest, "query with one source")?;
        let per_packet = max_len
            .saturating_sub(F::QUERY_V3_MIN_LEN)
            .checked_div(F::ADDR_LEN)
            .unwrap_or(0)
            .min(usize::from(u16::MAX));
        Ok(QueryPackets {
            query: self.clone(),
            remaining: self.sources.clone(),
            per_packet,
            max_len,
            done: false,
        })
    }
}

/// The messages of a query cut at an MTU ([`QueryV3Builder::split`]), emitted one at a time into
/// the caller's buffer.
#[derive(Debug, Clone)]
pub struct QueryPackets<F: GmpFamily, S> {
    query: QueryV3Builder<F, S>,
    remaining: S,
    per_packet: usize,
    max_len: usize,
    done: bool,
}

impl<F: GmpFamily, S: Iterator<Item = F::Addr> + Clone> QueryPackets<F, S> {
    /// Sources per message.
    #[must_use]
    pub fn sources_per_packet(&self) -> usize {
        self.per_packet
    }

    /// The longest message this will emit (the buffer each call needs at most).
    #[must_use]
    pub fn max_message_len(&self) -> usize {
        self.max_len
    }

    /// Emits the next message into `buf` and returns its length, or `None` when all sources were
    /// sent. A query without sources is one message.
    ///
    /// # Errors
    /// [`Error::BufferTooSmall`] (nothing is consumed then).
    pub fn next_packet(
        &mut self,
        buf: &mut [u8],
        source: F::Addr,
        destination: F::Addr,
    ) -> Result<Option<usize>, Error> {
        if self.done {
            return Ok(None);
        }
        let count = self.remaining.clone().take(self.per_packet).count();
        let needed = F::QUERY_V3_MIN_LEN.saturating_add(count.saturating_mul(F::ADDR_LEN));
        check_buffer(needed, buf.len())?;
        let len = self.query.write_packet(
            buf,
            &mut self.remaining,
            self.per_packet,
            source,
            destination,
        )?;
        self.done = self.remaining.clone().next().is_none();
        Ok(Some(len))
    }
}
