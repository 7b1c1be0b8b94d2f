//! IGMP messages (IP protocol 2): v1 (RFC 1112 appendix I), v2 (RFC 2236), v3 (RFC 3376 as
//! revised by RFC 9776), Multicast Router Discovery (RFC 4286), and every other type as raw bytes.

use core::fmt;
use core::net::Ipv4Addr;

use mcast_addr::checksum::Checksum;
use mcast_addr::family::Ipv4;
use zerocopy::FromBytes;
use zerocopy::network_endian::U16;
use zerocopy::{Immutable, IntoBytes, KnownLayout, Unaligned};

use super::{
    Error, MaxRespTime, QueryV3, RawMessage, ReportV3, RouterAdvertisement, check_buffer,
    verify_checksum, write_checksum,
};

/// The 8-byte IGMPv1/v2 layout (RFC 2236 §2): Type, Max Resp Time, Checksum, Group Address.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, FromBytes, IntoBytes, KnownLayout, Immutable, Unaligned,
)]
#[repr(C)]
pub(crate) struct V1V2Header {
    message_type: u8,
    max_resp_time: u8,
    checksum: U16,
    group_address: [u8; 4],
}

/// Length of an IGMPv1/v2 message.
const V1V2_LEN: usize = 8;

type_code! {
    /// IGMP Type (RFC 3376/9776 §4, IANA "IGMP Type Numbers").
    ///
    /// Every byte value converts: an unknown type is [`IgmpType::Unknown`]. `From<u8>` and
    /// `From<IgmpType> for u8` are inverse; build `Unknown` only through `From<u8>`.
    pub enum IgmpType {
        /// Any other value.
        Unknown(u8),
        /// 0x11 Membership Query (RFC 1112, RFC 2236 §2.1, RFC 3376/9776 §4.1).
        MembershipQuery = 0x11 => "Membership Query",
        /// 0x12 Version 1 Membership Report (RFC 1112 appendix I).
        MembershipReportV1 = 0x12 => "Version 1 Membership Report",
        /// 0x13 DVMRP (RFC 1075; draft-ietf-idmr-dvmrp-v3).
        Dvmrp = 0x13 => "DVMRP",
        /// 0x14 PIM version 1.
        PimV1 = 0x14 => "PIM version 1",
        /// 0x15 Cisco Trace Messages.
        CiscoTrace = 0x15 => "Cisco Trace Messages",
        /// 0x16 Version 2 Membership Report (RFC 2236 §2.1).
        MembershipReportV2 = 0x16 => "Version 2 Membership Report",
        /// 0x17 Leave Group (RFC 2236 §2.1).
        LeaveGroup = 0x17 => "Leave Group",
        /// 0x1e Multicast Traceroute Response (RFC 8487).
        MtraceResponse = 0x1e => "Multicast Traceroute Response",
        /// 0x1f Multicast Traceroute (RFC 8487).
        Mtrace = 0x1f => "Multicast Traceroute",
        /// 0x22 Version 3 Membership Report (RFC 3376/9776 §4.2).
        MembershipReportV3 = 0x22 => "Version 3 Membership Report",
        /// 0x30 Multicast Router Advertisement (RFC 4286 §5).
        MulticastRouterAdvertisement = 0x30 => "Multicast Router Advertisement",
        /// 0x31 Multicast Router Solicitation (RFC 4286 §6).
        MulticastRouterSolicitation = 0x31 => "Multicast Router Solicitation",
        /// 0x32 Multicast Router Termination (RFC 4286 §7).
        MulticastRouterTermination = 0x32 => "Multicast Router Termination",
        /// 0xfc RGMP Leave (RFC 3488).
        RgmpLeave = 0xfc => "RGMP Leave",
        /// 0xfd RGMP Join (RFC 3488).
        RgmpJoin = 0xfd => "RGMP Join",
        /// 0xfe RGMP Bye (RFC 3488).
        RgmpBye = 0xfe => "RGMP Bye",
        /// 0xff RGMP Hello (RFC 3488).
        RgmpHello = 0xff => "RGMP Hello",
    }
}

impl fmt::Display for IgmpType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.name() {
            Some(name) => write!(f, "{name} ({:#04x})", u8::from(*self)),
            None => write!(f, "unknown IGMP type ({:#04x})", u8::from(*self)),
        }
    }
}

/// An IGMPv1 or IGMPv2 message read in place: a v1 or v2 Membership Query, a v1 or v2 Report, or
/// a Leave Group (RFC 2236 §2). Bytes past the eighth are covered by the checksum and otherwise
/// ignored (RFC 2236 §2.5).
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct IgmpV1V2Message<'a> {
    header: &'a V1V2Header,
    additional_data: &'a [u8],
    bytes: &'a [u8],
}

impl<'a> IgmpV1V2Message<'a> {
    fn parse(bytes: &'a [u8]) -> Result<Self, Error> {
        let (header, additional_data) = V1V2Header::ref_from_prefix(bytes)
            .map_err(|_| Error::truncated("Group Address", 4, 4, bytes.len().saturating_sub(4)))?;
        Ok(Self {
            header,
            additional_data,
            bytes,
        })
    }

    /// Type (RFC 2236 §2.1).
    #[must_use]
    pub fn message_type(&self) -> IgmpType {
        IgmpType::from(self.header.message_type)
    }

    /// Max Resp Time (RFC 2236 §2.2): meaningful in a v2 Membership Query, a plain count of
    /// tenths of a second; zero in v1 messages, Reports and Leaves.
    #[must_use]
    pub fn max_resp_time(&self) -> MaxRespTime {
        MaxRespTime::from_tenths(self.header.max_resp_time)
    }

    /// Group Address (RFC 2236 §2.4): zero in a General Query.
    #[must_use]
    pub fn group_address(&self) -> Ipv4Addr {
        Ipv4Addr::from(self.header.group_address)
    }

    /// The Checksum field.
    #[must_use]
    pub fn checksum(&self) -> u16 {
        self.header.checksum.get()
    }

    /// Bytes past the eighth (RFC 2236 §2.5).
    #[must_use]
    pub fn additional_data(&self) -> &'a [u8] {
        self.additional_data
    }

    /// The message as received.
    #[must_use]
    pub fn as_bytes(&self) -> &'a [u8] {
        self.bytes
    }

    /// The builder for the same message (without the additional data).
    #[must_use]
    pub fn to_builder(&self) -> IgmpV1V2Builder {
        IgmpV1V2Builder {
            message_type: self.message_type(),
            max_resp_time: self.max_resp_time(),
            group_address: self.group_address(),
        }
    }
}

impl fmt::Debug for IgmpV1V2Message<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("IgmpV1V2Message")
            .field("message_type", &self.message_type())
            .field("max_resp_time", &self.max_resp_time())
            .field("group_address", &self.group_address())
            .field("additional_data", &self.additional_data)
            .finish()
    }
}

/// An IGMP message parsed and checksum-verified (or explicitly not), ready to `match` on.
///
/// Membership Queries are told apart as RFC 3376/9776 §7.1 says: 8 bytes with Max Resp Code 0
/// is IGMPv1, 8 bytes otherwise IGMPv2, 12 bytes or more IGMPv3; 9 to 11 bytes is an error.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum IgmpMessage<'a> {
    /// IGMPv1 Membership Query (RFC 1112 appendix I): 8 bytes, Max Resp Code zero.
    QueryV1(IgmpV1V2Message<'a>),
    /// IGMPv2 Membership Query (RFC 2236 §2): 8 bytes, Max Resp Time non-zero.
    QueryV2(IgmpV1V2Message<'a>),
    /// IGMPv3 Membership Query (RFC 3376/9776 §4.1): 12 bytes or more.
    QueryV3(QueryV3<'a, Ipv4>),
    /// Version 1 Membership Report, 0x12 (RFC 1112 appendix I).
    ReportV1(IgmpV1V2Message<'a>),
    /// Version 2 Membership Report, 0x16 (RFC 2236 §2).
    ReportV2(IgmpV1V2Message<'a>),
    /// Leave Group, 0x17 (RFC 2236 §2).
    LeaveGroup(IgmpV1V2Message<'a>),
    /// Version 3 Membership Report, 0x22 (RFC 3376/9776 §4.2).
    ReportV3(ReportV3<'a, Ipv4>),
    /// Multicast Router Advertisement, 0x30 (RFC 4286 §5).
    RouterAdvertisement(RouterAdvertisement<'a, Ipv4>),
    /// Multicast Router Solicitation, 0x31 (RFC 4286 §6).
    RouterSolicitation(RawMessage<'a>),
    /// Multicast Router Termination, 0x32 (RFC 4286 §7).
    RouterTermination(RawMessage<'a>),
    /// Any other type (DVMRP, PIMv1, mtrace, RGMP…), type and body intact.
    Other(RawMessage<'a>),
}

impl<'a> IgmpMessage<'a> {
    /// Parses the IGMP message `bytes` (the whole IP payload) and verifies its checksum over
    /// every byte, including any past the defined fields (RFC 2236 §2.3, §2.5).
    ///
    /// # Errors
    /// [`Error::Truncated`], [`Error::Invalid`] (a query of 9 to 11 bytes, a General Query with
    /// sources), [`Error::Checksum`].
    pub fn parse(bytes: &'a [u8]) -> Result<Self, Error> {
        Self::parse_inner(bytes, true)
    }

    /// Parses like [`Self::parse`] without verifying the checksum (for a caller whose hardware
    /// or kernel already did).
    ///
    /// # Errors
    /// As [`Self::parse`], never [`Error::Checksum`].
    pub fn parse_skipping_checksum(bytes: &'a [u8]) -> Result<Self, Error> {
        Self::parse_inner(bytes, false)
    }

    fn parse_inner(bytes: &'a [u8], verify: bool) -> Result<Self, Error> {
        let raw = RawMessage::new(bytes)?;
        let len = bytes.len();
        let message_type = IgmpType::from(raw.message_type());
        let min_len = match message_type {
            IgmpType::MembershipQuery
            | IgmpType::MembershipReportV1
            | IgmpType::MembershipReportV2
            | IgmpType::LeaveGroup
            | IgmpType::MembershipReportV3
            | IgmpType::MulticastRouterAdvertisement => V1V2_LEN,
            _ => 4,
        };
        if len < min_len {
            let field = match message_type {
                IgmpType::MembershipReportV3 => "Number of Group Records",
                IgmpType::MulticastRouterAdvertisement => "Query Interval",
                _ => "Group Address",
            };
            return Err(Error::truncated(
                field,
                4,
                min_len.saturating_sub(4),
                len.saturating_sub(4),
            ));
        }
        if message_type == IgmpType::MembershipQuery && (9..12).contains(&len) {
            return Err(Error::invalid(
                "Membership Query length",
                8,
                "9 to 11 bytes is none of IGMPv1, v2 or v3 (RFC 3376/9776 §7.1)",
            ));
        }
        if verify {
            verify_checksum(Checksum::new(), bytes)?;
        }
        Ok(match message_type {
            IgmpType::MembershipQuery if len == V1V2_LEN => {
                let m = IgmpV1V2Message::parse(bytes)?;
                if m.header.max_resp_time == 0 {
                    Self::QueryV1(m)
                } else {
                    Self::QueryV2(m)
                }
            }
            IgmpType::MembershipQuery => Self::QueryV3(QueryV3::parse(bytes)?),
            IgmpType::MembershipReportV1 => Self::ReportV1(IgmpV1V2Message::parse(bytes)?),
            IgmpType::MembershipReportV2 => Self::ReportV2(IgmpV1V2Message::parse(bytes)?),
            IgmpType::LeaveGroup => Self::LeaveGroup(IgmpV1V2Message::parse(bytes)?),
            IgmpType::MembershipReportV3 => Self::ReportV3(ReportV3::parse(bytes)?),
            IgmpType::MulticastRouterAdvertisement => {
                Self::RouterAdvertisement(RouterAdvertisement::parse(bytes)?)
            }
            IgmpType::MulticastRouterSolicitation => Self::RouterSolicitation(raw),
            IgmpType::MulticastRouterTermination => Self::RouterTermination(raw),
            _ => Self::Other(raw),
        })
    }

    /// The Type field.
    #[must_use]
    pub fn message_type(&self) -> IgmpType {
        IgmpType::from(self.as_bytes().first().copied().unwrap_or(0))
    }

    /// The whole message as it was parsed: emitting a parsed message is copying these bytes.
    #[must_use]
    pub fn as_bytes(&self) -> &'a [u8] {
        match self {
            Self::QueryV1(m)
            | Self::QueryV2(m)
            | Self::ReportV1(m)
            | Self::ReportV2(m)
            | Self::LeaveGroup(m) => m.as_bytes(),
            Self::QueryV3(m) => m.as_bytes(),
            Self::ReportV3(m) => m.as_bytes(),
            Self::RouterAdvertisement(m) => m.as_bytes(),
            Self::RouterSolicitation(m) | Self::RouterTermination(m) | Self::Other(m) => {
                m.as_bytes()
            }
        }
    }

    /// Copies the message into `buf` byte for byte and returns its length.
    ///
    /// # Errors
    /// [`Error::BufferTooSmall`].
    pub fn emit(&self, buf: &mut [u8]) -> Result<usize, Error> {
        let bytes = self.as_bytes();
        check_buffer(bytes.len(), buf.len())?;
        if let Some(dst) = buf.get_mut(..bytes.len()) {
            dst.copy_from_slice(bytes);
        }
        Ok(bytes.len())
    }
}

impl fmt::Display for IgmpMessage<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::QueryV1(_) => f.write_str("igmp query v1"),
            Self::QueryV2(m) => {
                f.write_str("igmp query v2")?;
                if m.max_resp_time().tenths() != 100 {
                    write!(f, " [max resp time {}]", m.max_resp_time())?;
                }
                if m.group_address() != Ipv4Addr::UNSPECIFIED {
                    write!(f, " [gaddr {}]", m.group_address())?;
                }
                Ok(())
            }
            Self::QueryV3(q) => write!(f, "{q}"),
            Self::ReportV1(m) => write!(f, "igmp v1 report {}", m.group_address()),
            Self::ReportV2(m) => write!(f, "igmp v2 report {}", m.group_address()),
            Self::LeaveGroup(m) => write!(f, "igmp leave {}", m.group_address()),
            Self::ReportV3(r) => write!(f, "{r}"),
            Self::RouterAdvertisement(a) => write!(f, "{a}"),
            Self::RouterSolicitation(_) => f.write_str("multicast router solicitation"),
            Self::RouterTermination(_) => f.write_str("multicast router termination"),
            Self::Other(raw) => write!(
                f,
                "{}, {} bytes",
                IgmpType::from(raw.message_type()),
                raw.as_bytes().len()
            ),
        }
    }
}

/// An 8-byte IGMPv1/v2 message to emit (RFC 2236 §2): a v1 or v2 Membership Query, a v1 or v2
/// Report, or a Leave Group.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "arbitrary", derive(arbitrary::Arbitrary))]
pub struct IgmpV1V2Builder {
    /// Type (RFC 2236 §2.1).
    pub message_type: IgmpType,
    /// Max Resp Time (RFC 2236 §2.2): zero except in a v2 query (where zero would make it a v1
    /// query).
    pub max_resp_time: MaxRespTime,
    /// Group Address (RFC 2236 §2.4).
    pub group_address: Ipv4Addr,
}

impl IgmpV1V2Builder {
    /// An IGMPv1 General Query (RFC 1112 appendix I), sent to 224.0.0.1.
    #[must_use]
    pub const fn query_v1() -> Self {
        Self {
            message_type: IgmpType::MembershipQuery,
            max_resp_time: MaxRespTime::from_tenths(0),
            group_address: Ipv4Addr::UNSPECIFIED,
        }
    }

    /// An IGMPv2 General Query (group zero) or Group-Specific Query (RFC 2236 §2.1). A Max Resp
    /// Time of zero would make it a v1 query.
    #[must_use]
    pub const fn query_v2(max_resp_time: MaxRespTime, group_address: Ipv4Addr) -> Self {
        Self {
            message_type: IgmpType::MembershipQuery,
            max_resp_time,
            group_address,
        }
    }

    /// A Version 1 Membership Report (RFC 1112 appendix I), sent to the group.
    #[must_use]
    pub const fn report_v1(group_address: Ipv4Addr) -> Self {
        Self {
            message_type: IgmpType::MembershipReportV1,
            max_resp_time: MaxRespTime::from_tenths(0),
            group_address,
        }
    }

    /// A Version 2 Membership Report (RFC 2236 §2.1), sent to the group.
    #[must_use]
    pub const fn report_v2(group_address: Ipv4Addr) -> Self {
        Self {
            message_type: IgmpType::MembershipReportV2,
            max_resp_time: MaxRespTime::from_tenths(0),
            group_address,
        }
    }

    /// A Leave Group (RFC 2236 §2.1), sent to 224.0.0.2.
    #[must_use]
    pub const fn leave_group(group_address: Ipv4Addr) -> Self {
        Self {
            message_type: IgmpType::LeaveGroup,
            max_resp_time: MaxRespTime::from_tenths(0),
            group_address,
        }
    }

    /// Length of the message: 8.
    #[must_use]
    pub const fn buffer_len(&self) -> usize {
        V1V2_LEN
    }

    /// The IP destination (RFC 2236 §9): 224.0.0.1 for a General Query, 224.0.0.2 for a Leave,
    /// the group otherwise.
    #[must_use]
    pub fn destination(&self) -> Ipv4Addr {
        match self.message_type {
            IgmpType::LeaveGroup => Ipv4Addr::new(224, 0, 0, 2),
            IgmpType::MembershipQuery if self.group_address == Ipv4Addr::UNSPECIFIED => {
                Ipv4Addr::new(224, 0, 0, 1)
            }
            _ => self.group_address,
        }
    }

    /// Emits the message with its checksum and returns its length (8).
    ///
    /// # Errors
    /// [`Error::BufferTooSmall`].
    pub fn emit(&self, buf: &mut [u8]) -> Result<usize, Error> {
        check_buffer(V1V2_LEN, buf.len())?;
        let [a, b, c, d] = self.group_address.octets();
        let message = buf.get_mut(..V1V2_LEN).unwrap_or_default();
        message.copy_from_slice(&[
            u8::from(self.message_type),
            self.max_resp_time.tenths(),
            0,
            0,
            a,
            b,
            c,
            d,
        ]);
        write_checksum(Checksum::new(), message);
        Ok(V1V2_LEN)
    }
}
