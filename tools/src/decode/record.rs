//! What the decoder produces: one [`Record`] per protocol message (or per malformed message),
//! plain owned data whose `serde` form is the `--json` schema (documented in the crate root).

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::time::Duration;

use serde::{Serialize, Serializer};

/// The protocols `mcast decode` understands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Protocol {
    /// IGMP (IP protocol 2): v1, v2, v3, Multicast Router Discovery, and the types other
    /// protocols put in IGMP (mtrace, PIMv1) kept raw. DVMRP is [`Protocol::Dvmrp`].
    Igmp,
    /// MLD (ICMPv6 types 130, 131, 132, 143) and IPv6 Multicast Router Discovery (151–153).
    Mld,
    /// PIMv2 (IP protocol 103), IPv4 and IPv6.
    Pim,
    /// DVMRP (IGMP type 0x13).
    Dvmrp,
    /// MSDP (TCP port 639), reassembled per connection and direction.
    Msdp,
}

impl Protocol {
    /// Every protocol, in output order.
    pub const ALL: [Self; 5] = [Self::Igmp, Self::Mld, Self::Pim, Self::Dvmrp, Self::Msdp];

    /// The lowercase name used on the command line and in JSON.
    #[must_use]
    pub const fn name(self) -> &'static str {
        match self {
            Self::Igmp => "igmp",
            Self::Mld => "mld",
            Self::Pim => "pim",
            Self::Dvmrp => "dvmrp",
            Self::Msdp => "msdp",
        }
    }
}

/// The outcome of checking a message's checksum.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ChecksumStatus {
    /// The checksum is right.
    Good,
    /// The checksum is wrong (the message was decoded all the same).
    Bad,
    /// A PIM Register whose checksum covers the 8-byte PIM header only, as RFC 7761 §4.9 says.
    GoodRegisterHeader,
    /// A PIM Register whose checksum covers the whole message (the form some routers send).
    GoodRegisterWhole,
    /// The capture holds less of the packet than its IP header says: the checksum cannot be
    /// checked.
    Unverified,
}

impl ChecksumStatus {
    /// Whether the checksum was accepted, in either Register form.
    #[must_use]
    pub const fn is_good(self) -> bool {
        matches!(
            self,
            Self::Good | Self::GoodRegisterHeader | Self::GoodRegisterWhole
        )
    }
}

/// One decoded message, or one message that could not be decoded.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Record {
    /// 1-based frame number in the capture. For MSDP, the frame whose TCP segment completed
    /// the message.
    pub frame: u64,
    /// Capture time of that frame, since the Unix epoch (JSON: seconds, a number).
    #[serde(serialize_with = "seconds")]
    pub time: Duration,
    /// IP source address.
    pub source: IpAddr,
    /// IP destination address.
    pub destination: IpAddr,
    /// TCP source port (MSDP only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source_port: Option<u16>,
    /// TCP destination port (MSDP only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub destination_port: Option<u16>,
    /// The protocol of the message.
    pub protocol: Protocol,
    /// Bytes of the message (the IP payload, or the MSDP TLV), as captured.
    pub length: usize,
    /// The capture holds less of the packet than its IP header says (a short snap length):
    /// the message is decoded as far as the captured bytes go.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub truncated: bool,
    /// The checksum outcome; absent for MSDP (TCP checks it) and for messages too short to
    /// hold one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub checksum: Option<ChecksumStatus>,
    /// The message, or what was wrong with it.
    #[serde(flatten)]
    pub body: Body,
}

impl Record {
    /// The decoded message, unless the record is an error.
    #[must_use]
    pub fn message(&self) -> Option<&Message> {
        match &self.body {
            Body::Message(m) => Some(m),
            Body::Error(_) => None,
        }
    }

    /// The decoding error, if the record is one.
    #[must_use]
    pub fn error(&self) -> Option<&DecodeError> {
        match &self.body {
            Body::Message(_) => None,
            Body::Error(e) => Some(e),
        }
    }
}

fn seconds<S: Serializer>(time: &Duration, serializer: S) -> Result<S::Ok, S::Error> {
    serializer.serialize_f64(time.as_secs_f64())
}

/// A decoded message or the reason it could not be decoded.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum Body {
    /// A message, decoded.
    Message(Message),
    /// A malformed message.
    Error(DecodeError),
}

/// Why a message could not be decoded: the library's error, and where.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DecodeError {
    /// The message type, when the header could be read (the same names as `type`).
    #[serde(rename = "type", skip_serializing_if = "Option::is_none")]
    pub message_type: Option<&'static str>,
    /// The library's description of the fault (field, offset and reason).
    pub error: String,
    /// Offset of the faulty field, in bytes from the first byte of the message.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub offset: Option<usize>,
}

/// A decoded message of one of the protocols.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum Message {
    /// IGMP.
    Igmp(IgmpRecord),
    /// MLD.
    Mld(MldRecord),
    /// PIM.
    Pim(crate::decode::pim::PimRecord),
    /// DVMRP.
    Dvmrp(DvmrpRecord),
    /// MSDP.
    Msdp(MsdpRecord),
}

impl Message {
    /// The `type` name of the message.
    #[must_use]
    pub fn type_name(&self) -> &'static str {
        match self {
            Self::Igmp(m) => m.type_name(),
            Self::Mld(m) => m.type_name(),
            Self::Pim(m) => m.type_name(),
            Self::Dvmrp(m) => m.type_name(),
            Self::Msdp(m) => m.type_name(),
        }
    }
}

/// The fields IGMPv3 and MLDv2 add to a query (RFC 3376/9776 §4.1, RFC 3810 §5.1).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct QueryV3Fields<A> {
    /// S flag: Suppress Router-Side Processing.
    pub suppress_router_side_processing: bool,
    /// QRV: Querier's Robustness Variable.
    pub querier_robustness_variable: u8,
    /// QQIC: Querier's Query Interval Code, as sent.
    pub querier_query_interval_code: u8,
    /// QQI decoded from the QQIC, in seconds.
    pub querier_query_interval_s: u32,
    /// Number of Sources.
    pub number_of_sources: u16,
    /// Source Addresses.
    pub source_addresses: Vec<A>,
}

/// A Membership Query (IGMP) or Multicast Listener Query (MLD), any version.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Query<A> {
    /// 1, 2 or 3 for IGMP (RFC 3376/9776 §7.1 tells them apart); 1 or 2 for MLD.
    pub version: u8,
    /// Max Resp Code (IGMP) or Maximum Response Code/Delay (MLD), as sent.
    pub max_resp_code: u16,
    /// The maximum response time it encodes, in milliseconds.
    pub max_response_time_ms: u64,
    /// Group Address (IGMP) or Multicast Address (MLD); unspecified in a General Query.
    pub group_address: A,
    /// The IGMPv3/MLDv2 fields.
    #[serde(flatten, skip_serializing_if = "Option::is_none")]
    pub v3: Option<QueryV3Fields<A>>,
}

/// One group record of an IGMPv3 or MLDv2 report (RFC 3376/9776 §4.2.4, RFC 3810 §5.2.4).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct GroupRecord<A> {
    /// Record Type, as sent.
    pub record_type: u8,
    /// Its RFC name (`MODE_IS_INCLUDE`…), absent for an unknown type.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub record_type_name: Option<&'static str>,
    /// Aux Data Len, in 32-bit words.
    pub aux_data_len: u8,
    /// Number of Sources.
    pub number_of_sources: u16,
    /// Multicast Address.
    pub multicast_address: A,
    /// Source Addresses.
    pub source_addresses: Vec<A>,
}

/// A Membership Report (IGMP) or Multicast Listener Report (MLD), any version.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Report<A> {
    /// 1, 2 or 3 for IGMP; 1 or 2 for MLD.
    pub version: u8,
    /// Group Address (v1/v2 reports).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub group_address: Option<A>,
    /// Number of Group Records (IGMPv3) or of Multicast Address Records (MLDv2).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub number_of_group_records: Option<u16>,
    /// The records (IGMPv3, MLDv2).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub group_records: Option<Vec<GroupRecord<A>>>,
}

/// A Multicast Router Advertisement (RFC 4286 §4).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RouterAdvertisement {
    /// Advertisement Interval, in seconds.
    pub advertisement_interval_s: u8,
    /// Query Interval, in seconds.
    pub query_interval_s: u16,
    /// Robustness Variable.
    pub robustness_variable: u16,
}

/// An IGMP message (RFC 1112, 2236, 3376/9776, 4286).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum IgmpRecord {
    /// Membership Query, v1, v2 or v3.
    Query(Query<Ipv4Addr>),
    /// Membership Report, v1, v2 or v3.
    Report(Report<Ipv4Addr>),
    /// Leave Group (IGMPv2).
    Leave {
        /// Group Address.
        group_address: Ipv4Addr,
    },
    /// Multicast Router Advertisement (type 0x30).
    RouterAdvertisement(RouterAdvertisement),
    /// Multicast Router Solicitation (type 0x31).
    RouterSolicitation,
    /// Multicast Router Termination (type 0x32).
    RouterTermination,
    /// Another IGMP type, not decoded further: mtrace, PIMv1, RGMP, unassigned.
    Other {
        /// The IGMP Type.
        igmp_type: u8,
        /// Its registered name, if it has one.
        #[serde(skip_serializing_if = "Option::is_none")]
        name: Option<&'static str>,
        /// The Code byte.
        code: u8,
    },
}

impl IgmpRecord {
    /// The `type` name.
    #[must_use]
    pub const fn type_name(&self) -> &'static str {
        match self {
            Self::Query(_) => "query",
            Self::Report(_) => "report",
            Self::Leave { .. } => "leave",
            Self::RouterAdvertisement(_) => "router_advertisement",
            Self::RouterSolicitation => "router_solicitation",
            Self::RouterTermination => "router_termination",
            Self::Other { .. } => "other",
        }
    }
}

/// An MLD message (RFC 2710, 3810) or IPv6 Multicast Router Discovery message (RFC 4286).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum MldRecord {
    /// Multicast Listener Query, v1 or v2.
    Query(Query<Ipv6Addr>),
    /// Multicast Listener Report, v1 or v2.
    Report(Report<Ipv6Addr>),
    /// Multicast Listener Done (MLDv1).
    Done {
        /// Multicast Address.
        group_address: Ipv6Addr,
    },
    /// Multicast Router Advertisement (ICMPv6 type 151).
    RouterAdvertisement(RouterAdvertisement),
    /// Multicast Router Solicitation (type 152).
    RouterSolicitation,
    /// Multicast Router Termination (type 153).
    RouterTermination,
}

impl MldRecord {
    /// The `type` name.
    #[must_use]
    pub const fn type_name(&self) -> &'static str {
        match self {
            Self::Query(_) => "query",
            Self::Report(_) => "report",
            Self::Done { .. } => "done",
            Self::RouterAdvertisement(_) => "router_advertisement",
            Self::RouterSolicitation => "router_solicitation",
            Self::RouterTermination => "router_termination",
        }
    }
}

/// The DVMRP header fields (draft-ietf-idmr-dvmrp-v3-11 §3.1).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DvmrpHeader {
    /// Code (the DVMRP message type).
    pub code: u8,
    /// Major Version.
    pub major_version: u8,
    /// Minor Version.
    pub minor_version: u8,
    /// Capabilities, as sent.
    pub capabilities: u8,
    /// The capability flags by name (`Prune|GenID|Mtrace`), `none` for none.
    pub capability_names: String,
}

/// A route of a DVMRP Report (§3.3).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DvmrpRoute {
    /// Source network.
    pub source: Ipv4Addr,
    /// Prefix length of the source network.
    pub prefix_len: u8,
    /// Metric (32 is infinity, 33–63 poison reverse).
    pub metric: u8,
}

/// An interface of a DVMRP Neighbors 2 message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DvmrpInterface {
    /// Local Address.
    pub local_address: Ipv4Addr,
    /// Metric.
    pub metric: u8,
    /// Threshold (TTL).
    pub threshold: u8,
    /// Flags, as sent.
    pub flags: u8,
    /// The flags by name (`/querier/leaf`), empty for none.
    pub flag_names: String,
    /// Neighbor addresses.
    pub neighbors: Vec<Ipv4Addr>,
}

/// An item of a DVMRP Info Request or Reply.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DvmrpInfoItem {
    /// Type.
    pub info_type: u8,
    /// Bytes of data.
    pub data_length: usize,
    /// The version string of a Version item.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
}

/// The body of a DVMRP message, by Code.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum DvmrpBody {
    /// Probe (Code 1, §3.2).
    Probe {
        /// Generation ID.
        generation_id: u32,
        /// Neighbor addresses.
        neighbors: Vec<Ipv4Addr>,
    },
    /// Report (Code 2, §3.3).
    Report {
        /// The routes.
        routes: Vec<DvmrpRoute>,
    },
    /// Ask Neighbors 2 (Code 5).
    AskNeighbors2,
    /// Neighbors 2 (Code 6).
    Neighbors2 {
        /// The interfaces.
        interfaces: Vec<DvmrpInterface>,
    },
    /// Prune (Code 7, §3.5).
    Prune {
        /// Source Address.
        source_address: Ipv4Addr,
        /// Group Address.
        group_address: Ipv4Addr,
        /// Prune Lifetime, in seconds.
        lifetime_s: u32,
        /// Source Network Mask, when sent.
        #[serde(skip_serializing_if = "Option::is_none")]
        netmask: Option<Ipv4Addr>,
    },
    /// Graft (Code 8, §3.6).
    Graft {
        /// Source Address.
        source_address: Ipv4Addr,
        /// Group Address.
        group_address: Ipv4Addr,
        /// Source Network Mask, when sent.
        #[serde(skip_serializing_if = "Option::is_none")]
        netmask: Option<Ipv4Addr>,
    },
    /// Graft Ack (Code 9, §3.6).
    GraftAck {
        /// Source Address.
        source_address: Ipv4Addr,
        /// Group Address.
        group_address: Ipv4Addr,
        /// Source Network Mask, when sent.
        #[serde(skip_serializing_if = "Option::is_none")]
        netmask: Option<Ipv4Addr>,
    },
    /// Info Request (Code 10).
    InfoRequest {
        /// The items.
        items: Vec<DvmrpInfoItem>,
    },
    /// Info Reply (Code 11).
    InfoReply {
        /// The items.
        items: Vec<DvmrpInfoItem>,
    },
    /// An obsolete or unassigned Code, or an RFC 1075 message: not decoded further.
    Unknown,
}

/// A DVMRP message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DvmrpRecord {
    /// The header.
    #[serde(flatten)]
    pub header: DvmrpHeader,
    /// The body.
    #[serde(flatten)]
    pub body: DvmrpBody,
}

impl DvmrpRecord {
    /// The `type` name.
    #[must_use]
    pub const fn type_name(&self) -> &'static str {
        match self.body {
            DvmrpBody::Probe { .. } => "probe",
            DvmrpBody::Report { .. } => "report",
            DvmrpBody::AskNeighbors2 => "ask_neighbors2",
            DvmrpBody::Neighbors2 { .. } => "neighbors2",
            DvmrpBody::Prune { .. } => "prune",
            DvmrpBody::Graft { .. } => "graft",
            DvmrpBody::GraftAck { .. } => "graft_ack",
            DvmrpBody::InfoRequest { .. } => "info_request",
            DvmrpBody::InfoReply { .. } => "info_reply",
            DvmrpBody::Unknown => "unknown",
        }
    }
}

/// One (S,G) entry of an MSDP Source-Active (RFC 3618 §12.2.1).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SaEntry {
    /// Source Address.
    pub source_address: Ipv4Addr,
    /// Group Address.
    pub group_address: Ipv4Addr,
    /// Sprefix Len.
    pub sprefix_len: u8,
}

/// The body of a Source-Active or Source-Active Response.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SourceActive {
    /// Entry Count.
    pub entry_count: usize,
    /// RP Address.
    pub rp_address: Ipv4Addr,
    /// The entries.
    pub entries: Vec<SaEntry>,
    /// Bytes of the encapsulated data packet (0 when none).
    pub encapsulated_data_length: usize,
}

/// An MSDP message (RFC 3618 §12).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum MsdpRecord {
    /// IPv4 Source-Active (Type 1).
    SourceActive(SourceActive),
    /// IPv4 Source-Active Request (Type 2).
    SourceActiveRequest {
        /// Group Address.
        group_address: Ipv4Addr,
    },
    /// IPv4 Source-Active Response (Type 3).
    SourceActiveResponse(SourceActive),
    /// KeepAlive (Type 4).
    Keepalive,
    /// Notification (Type 5, the drafts before RFC 3618).
    Notification {
        /// O-bit.
        open_bit: bool,
        /// Error Code.
        error_code: u8,
        /// Error Subcode.
        error_subcode: u8,
        /// Bytes of data.
        data_length: usize,
    },
    /// Any other Type, kept raw.
    Unknown {
        /// The Type.
        msdp_type: u8,
    },
}

impl MsdpRecord {
    /// The `type` name.
    #[must_use]
    pub const fn type_name(&self) -> &'static str {
        match self {
            Self::SourceActive(_) => "source_active",
            Self::SourceActiveRequest { .. } => "source_active_request",
            Self::SourceActiveResponse(_) => "source_active_response",
            Self::Keepalive => "keepalive",
            Self::Notification { .. } => "notification",
            Self::Unknown { .. } => "unknown",
        }
    }
}
