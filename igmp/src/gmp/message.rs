//! The messages of the protocol in decoded form: what the state machines read and write.

use alloc::vec::Vec;
use core::time::Duration;

use super::{Gmp, RecordType, Version};
use crate::Error;

/// A Query (RFC 3376/9776 §4.1, RFC 2236 §2, RFC 1112 appendix I, RFC 3810 §5.1, RFC 2710 §3),
/// decoded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Query<A> {
    /// Which version the Query is (RFC 3376/9776 §7.1, RFC 3810 §8.1): by its length and Max
    /// Resp Code.
    pub version: Version,
    /// The Group Address / Multicast Address: unspecified in a General Query.
    pub group: A,
    /// The Max Response Time decoded from the Max Resp Code (10 s for an IGMPv1 Query,
    /// RFC 3376/9776 §7.2.1).
    pub max_response_time: Duration,
    /// The S flag, "Suppress Router-Side Processing" (§4.1.5, RFC 3810 §5.1.7). Version 3 only.
    pub suppress_router_side_processing: bool,
    /// The Querier's Robustness Variable, QRV (§4.1.6, RFC 3810 §5.1.8); zero when unknown.
    pub robustness: u8,
    /// The Querier's Query Interval decoded from QQIC (§4.1.7, RFC 3810 §5.1.9); zero when
    /// unknown.
    pub query_interval: Duration,
    /// The Source Addresses of a Group-and-Source-Specific Query (§4.1.9, RFC 3810 §5.1.11).
    pub sources: Vec<A>,
}

/// One group record of a version 3 report (RFC 3376/9776 §4.2.4, RFC 3810 §5.2.4), decoded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GroupRecord<A> {
    /// The Record Type.
    pub record_type: RecordType,
    /// The Multicast Address the record pertains to.
    pub group: A,
    /// The Source Addresses.
    pub sources: Vec<A>,
}

/// A message of the protocol, decoded: what a state machine receives and what it sends.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Message<A> {
    /// A Membership Query / Multicast Listener Query, of any version.
    Query(Query<A>),
    /// An IGMPv1 (RFC 1112), IGMPv2 (RFC 2236 §2) or MLDv1 (RFC 2710 §3) report of `group`;
    /// `version` is [`Version::V1`] or [`Version::V2`].
    Report {
        /// IGMPv1 or IGMPv2 (MLDv1).
        version: Version,
        /// The group reported.
        group: A,
    },
    /// An IGMPv2 Leave Group (RFC 2236 §3) or MLDv1 Done (RFC 2710 §3) of `group`.
    Leave {
        /// The group left.
        group: A,
    },
    /// A version 3 report (IGMPv3 §4.2, MLDv2 §5.2) with its group records.
    ReportV3(Vec<GroupRecord<A>>),
}

/// A message for the caller to send on the link, from `source` to `destination`, in an IP
/// packet with TTL (hop limit) 1 and the Router Alert option, as every IGMP and MLD message is
/// sent (RFC 3376/9776 §4, RFC 3810 §5; IGMP also with IP Precedence Internetwork Control,
/// ToS 0xc0): [`crate::wire::envelope`] writes that header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Transmit<F: Gmp> {
    /// The IP source address.
    pub source: F::Addr,
    /// The IP destination address.
    pub destination: F::Addr,
    /// The IGMP or MLD message, checksum included, built by the codec ([`crate::wire`]), at
    /// most the link MTU with its IP header.
    pub payload: Vec<u8>,
}

impl<F: Gmp> Transmit<F> {
    /// The message, parsed back from [`Transmit::payload`] with the crate's codec.
    ///
    /// # Errors
    ///
    /// Any parse error, which would be a bug of the state machine or the codec.
    pub fn message(&self) -> Result<Message<F::Addr>, Error> {
        let received = F::parse(&self.payload, self.source, self.destination)?;
        super::codec::to_message(received).ok_or(Error::invalid(
            "Type",
            0,
            "not a group management message",
        ))
    }
}
