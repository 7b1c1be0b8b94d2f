//! The bridge between the state machines and the codec in [`crate::wire`]: parsing received
//! bytes into what the state machines read, and building the bytes of what they send.

use alloc::vec::Vec;
use core::net::{Ipv4Addr, Ipv6Addr};
use core::time::Duration;

use mcast_addr::family::{Ipv4, Ipv6};

use super::{GroupRecord, Message, Query, Version};
use crate::Error;
use crate::wire::{
    GmpFamily, GroupRecordBuilder, GroupRecords, IgmpMessage, IgmpV1V2Builder, MaxRespCode,
    MaxRespTime, MldMaxRespCode, MldMessage, MldV1Builder, QueryIntervalCode, QueryV3,
    QueryV3Builder, ReportV3Builder, SourceAddresses,
};

/// The fields of a Query of any version, decoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct QueryFields<A> {
    /// The Query's version (RFC 3376/9776 §7.1, RFC 3810 §8.1).
    pub version: Version,
    /// Group Address / Multicast Address.
    pub group: A,
    /// Max Response Time.
    pub max_response_time: Duration,
    /// S flag.
    pub suppress_router_side_processing: bool,
    /// QRV.
    pub robustness: u8,
    /// QQI.
    pub query_interval: Duration,
}

impl<A: Copy> QueryFields<A> {
    /// The fields of an owned Query.
    pub fn of(query: &Query<A>) -> Self {
        Self {
            version: query.version,
            group: query.group,
            max_response_time: query.max_response_time,
            suppress_router_side_processing: query.suppress_router_side_processing,
            robustness: query.robustness,
            query_interval: query.query_interval,
        }
    }
}

/// A parsed message, as the state machines read it: views over the received bytes.
#[derive(Debug, Clone)]
pub enum Received<'a, F: GmpFamily> {
    /// A Query of any version, with its sources (none before version 3).
    Query(QueryFields<F::Addr>, SourceAddresses<'a, F>),
    /// An IGMPv1/v2 or MLDv1 report.
    Report {
        /// V1 or V2.
        version: Version,
        /// The group.
        group: F::Addr,
    },
    /// An IGMPv2 Leave or MLDv1 Done.
    Leave {
        /// The group.
        group: F::Addr,
    },
    /// A version 3 report's group records.
    ReportV3(GroupRecords<'a, F>),
    /// Anything else (router discovery, other protocols): not for the state machines.
    Other,
}

/// What differs between IGMP and MLD in parsing and building (sealed: implemented for the two
/// families only).
pub trait Codec: GmpFamily {
    /// Parses and checksum-verifies `bytes`, received from `source` to `destination`.
    ///
    /// # Errors
    ///
    /// The codec's parse errors.
    fn parse(
        bytes: &[u8],
        source: Self::Addr,
        destination: Self::Addr,
    ) -> Result<Received<'_, Self>, Error>;

    /// The Max Resp Code for `time` (the smallest code not shorter, clamped to the longest).
    fn max_resp_code(time: Duration) -> Self::MaxRespCode;

    /// Builds an IGMPv1/v2 or MLDv1 message (a query of version 1 or 2, a report of version 1
    /// or 2, a leave) into one packet.
    ///
    /// # Errors
    ///
    /// [`Error::Invalid`] for a version 3 message; the builders' errors.
    fn encode_old(
        message: &Message<Self::Addr>,
        source: Self::Addr,
        destination: Self::Addr,
    ) -> Result<Vec<u8>, Error>;
}

fn query_v3_fields<F: GmpFamily>(query: &QueryV3<'_, F>) -> QueryFields<F::Addr> {
    QueryFields {
        version: Version::V3,
        group: query.group_address(),
        max_response_time: query.max_response_time(),
        suppress_router_side_processing: query.suppress_router_side_processing(),
        robustness: query.querier_robustness_variable(),
        query_interval: query.querier_query_interval_code().duration(),
    }
}

fn old_query<F: GmpFamily>(
    version: Version,
    group: F::Addr,
    max_response_time: Duration,
) -> Received<'static, F> {
    Received::Query(
        QueryFields {
            version,
            group,
            max_response_time,
            suppress_router_side_processing: false,
            robustness: 0,
            query_interval: Duration::ZERO,
        },
        SourceAddresses::new(&[]),
    )
}

impl Codec for Ipv4 {
    fn parse(
        bytes: &[u8],
        _source: Ipv4Addr,
        _destination: Ipv4Addr,
    ) -> Result<Received<'_, Self>, Error> {
        Ok(match IgmpMessage::parse(bytes)? {
            IgmpMessage::QueryV1(m) => old_query(Version::V1, m.group_address(), Duration::ZERO),
            IgmpMessage::QueryV2(m) => {
                old_query(Version::V2, m.group_address(), m.max_resp_time().duration())
            }
            IgmpMessage::QueryV3(q) => Received::Query(query_v3_fields(&q), q.sources()),
            IgmpMessage::ReportV1(m) => Received::Report {
                version: Version::V1,
                group: m.group_address(),
            },
            IgmpMessage::ReportV2(m) => Received::Report {
                version: Version::V2,
                group: m.group_address(),
            },
            IgmpMessage::LeaveGroup(m) => Received::Leave {
                group: m.group_address(),
            },
            IgmpMessage::ReportV3(r) => Received::ReportV3(r.group_records()),
            _ => Received::Other,
        })
    }

    fn max_resp_code(time: Duration) -> MaxRespCode {
        MaxRespCode::from_duration_saturating(time)
    }

    fn encode_old(
        message: &Message<Ipv4Addr>,
        _source: Ipv4Addr,
        _destination: Ipv4Addr,
    ) -> Result<Vec<u8>, Error> {
        let builder = match message {
            Message::Query(q) if q.version == Version::V1 => IgmpV1V2Builder::query_v1(),
            Message::Query(q) => {
                // A zero Max Resp Time would make it an IGMPv1 Query: one tenth at least.
                let tenths = MaxRespTime::from_duration_saturating(q.max_response_time)
                    .tenths()
                    .max(1);
                IgmpV1V2Builder::query_v2(MaxRespTime::from_tenths(tenths), q.group)
            }
            Message::Report {
                version: Version::V1,
                group,
            } => IgmpV1V2Builder::report_v1(*group),
            Message::Report { group, .. } => IgmpV1V2Builder::report_v2(*group),
            Message::Leave { group } => IgmpV1V2Builder::leave_group(*group),
            Message::ReportV3(_) => {
                return Err(Error::invalid("Type", 0, "not an IGMPv1/v2 message"));
            }
        };
        let mut buf = alloc::vec![0; builder.buffer_len()];
        builder.emit(&mut buf)?;
        Ok(buf)
    }
}

impl Codec for Ipv6 {
    fn parse(
        bytes: &[u8],
        source: Ipv6Addr,
        destination: Ipv6Addr,
    ) -> Result<Received<'_, Self>, Error> {
        Ok(match MldMessage::parse(bytes, source, destination)? {
            MldMessage::QueryV1(m) => old_query(
                Version::V2,
                m.multicast_address(),
                m.maximum_response_duration(),
            ),
            MldMessage::QueryV2(q) => Received::Query(query_v3_fields(&q), q.sources()),
            MldMessage::ReportV1(m) => Received::Report {
                version: Version::V2,
                group: m.multicast_address(),
            },
            MldMessage::Done(m) => Received::Leave {
                group: m.multicast_address(),
            },
            MldMessage::ReportV2(r) => Received::ReportV3(r.group_records()),
            _ => Received::Other,
        })
    }

    fn max_resp_code(time: Duration) -> MldMaxRespCode {
        MldMaxRespCode::from_duration_saturating(time)
    }

    fn encode_old(
        message: &Message<Ipv6Addr>,
        source: Ipv6Addr,
        destination: Ipv6Addr,
    ) -> Result<Vec<u8>, Error> {
        let builder = match message {
            Message::Query(q) => {
                let millis = u16::try_from(q.max_response_time.as_millis()).unwrap_or(u16::MAX);
                MldV1Builder::query(millis, q.group)
            }
            Message::Report { group, .. } => MldV1Builder::report(*group),
            Message::Leave { group } => MldV1Builder::done(*group),
            Message::ReportV3(_) => {
                return Err(Error::invalid("Type", 0, "not an MLDv1 message"));
            }
        };
        let mut buf = alloc::vec![0; builder.buffer_len()];
        builder.emit(&mut buf, source, destination)?;
        Ok(buf)
    }
}

/// Builds `message` into as many packets as a link of `mtu` bytes calls for, with the codec's
/// builders: a version 3 report is packed and split as RFC 3376/9776 §4.2.16 says, a version 3
/// query's sources are spread over as many queries as needed.
///
/// # Errors
///
/// [`Error::MtuTooSmall`] when not even one record or source fits; the builders' errors.
pub fn encode<F: Codec>(
    message: &Message<F::Addr>,
    source: F::Addr,
    destination: F::Addr,
    mtu: usize,
) -> Result<Vec<Vec<u8>>, Error> {
    let mtu = u32::try_from(mtu).unwrap_or(u32::MAX);
    let mut packets = Vec::new();
    match message {
        Message::Query(q) if q.version == Version::V3 => {
            let builder = QueryV3Builder::<F, _>::group_and_source_specific(
                q.group,
                q.sources.iter().copied(),
                F::max_resp_code(q.max_response_time),
                q.suppress_router_side_processing,
                q.robustness,
                QueryIntervalCode::from_duration_saturating(q.query_interval),
            );
            let mut split = builder.split(mtu)?;
            let mut buf = alloc::vec![0; split.max_message_len()];
            while let Some(len) = split.next_packet(&mut buf, source, destination)? {
                packets.push(buf.get(..len).unwrap_or_default().to_vec());
            }
        }
        Message::ReportV3(records) => {
            let builders = records
                .iter()
                .map(|r: &GroupRecord<F::Addr>| GroupRecordBuilder::<F, _> {
                    record_type: r.record_type,
                    multicast_address: r.group,
                    sources: r.sources.iter().copied(),
                    auxiliary_data: &[],
                });
            let report = ReportV3Builder::new(builders);
            let mut split = report.split(mtu)?;
            let mut buf = alloc::vec![0; split.max_message_len()];
            while let Some(len) = split.next_packet(&mut buf, source, destination)? {
                packets.push(buf.get(..len).unwrap_or_default().to_vec());
            }
        }
        _ => packets.push(F::encode_old(message, source, destination)?),
    }
    Ok(packets)
}

/// Parses `bytes` (received from `source` to `destination`) into the owned form of the message,
/// or `None` for a message of another kind (router discovery, another protocol).
///
/// # Errors
///
/// The codec's parse errors.
pub fn decode<F: Codec>(
    bytes: &[u8],
    source: F::Addr,
    destination: F::Addr,
) -> Result<Option<Message<F::Addr>>, Error> {
    Ok(to_message(F::parse(bytes, source, destination)?))
}

/// Decodes a parsed message into its owned form.
pub(crate) fn to_message<F: GmpFamily>(received: Received<'_, F>) -> Option<Message<F::Addr>> {
    Some(match received {
        Received::Query(fields, sources) => Message::Query(Query {
            version: fields.version,
            group: fields.group,
            max_response_time: fields.max_response_time,
            suppress_router_side_processing: fields.suppress_router_side_processing,
            robustness: fields.robustness,
            query_interval: fields.query_interval,
            sources: sources.collect(),
        }),
        Received::Report { version, group } => Message::Report { version, group },
        Received::Leave { group } => Message::Leave { group },
        Received::ReportV3(records) => Message::ReportV3(
            records
                .map(|r| GroupRecord {
                    record_type: r.record_type(),
                    group: r.multicast_address(),
                    sources: r.sources().collect(),
                })
                .collect(),
        ),
        Received::Other => return None,
    })
}
