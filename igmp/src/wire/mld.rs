//! MLD messages (ICMPv6): MLDv1 (RFC 2710), MLDv2 (RFC 3810), Multicast Router Discovery
//! (RFC 4286). The ICMPv6 checksum covers the IPv6 pseudo-header (RFC 4443 §2.3), so parsing and
//! building take the IPv6 source and destination addresses.

use core::fmt;
use core::net::Ipv6Addr;
use core::time::Duration;

use mcast_addr::family::{IpFamily, Ipv6};
use zerocopy::network_endian::U16;
use zerocopy::{FromBytes, Immutable, IntoBytes, KnownLayout, Unaligned};

use super::{
    Error, GmpFamily, QueryV3, RawMessage, ReportV3, RouterAdvertisement, check_buffer,
    verify_checksum, write_checksum,
};

/// The 24-byte MLDv1 layout (RFC 2710 §3).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, FromBytes, IntoBytes, KnownLayout, Immutable, Unaligned,
)]
#[repr(C)]
pub(crate) struct V1Header {
    message_type: u8,
    code: u8,
    checksum: U16,
    maximum_response_delay: U16,
    reserved: U16,
    multicast_address: [u8; 16],
}

/// Length of an MLDv1 message.
const V1_LEN: usize = 24;

type_code! {
    /// ICMPv6 Type of an MLD or Multicast Router Discovery message (IANA "ICMPv6 Parameters").
    ///
    /// Every byte value converts: any other type is [`MldType::Unknown`]. `From<u8>` and
    /// `From<MldType> for u8` are inverse; build `Unknown` only through `From<u8>`.
    pub enum MldType {
        /// Any other ICMPv6 type.
        Unknown(u8),
        /// 130 Multicast Listener Query (RFC 2710 §3.6, RFC 3810 §5.1).
        MulticastListenerQuery = 130 => "Multicast Listener Query",
        /// 131 Version 1 Multicast Listener Report (RFC 2710 §3.6).
        MulticastListenerReportV1 = 131 => "Version 1 Multicast Listener Report",
        /// 132 Multicast Listener Done (RFC 2710 §3.6).
        MulticastListenerDone = 132 => "Multicast Listener Done",
        /// 143 Version 2 Multicast Listener Report (RFC 3810 §5.2).
        MulticastListenerReportV2 = 143 => "Version 2 Multicast Listener Report",
        /// 151 Multicast Router Advertisement (RFC 4286 §5).
        MulticastRouterAdvertisement = 151 => "Multicast Router Advertisement",
        /// 152 Multicast Router Solicitation (RFC 4286 §6).
        MulticastRouterSolicitation = 152 => "Multicast Router Solicitation",
        /// 153 Multicast Router Termination (RFC 4286 §7).
        MulticastRouterTermination = 153 => "Multicast Router Termination",
    }
}

impl fmt::Display for MldType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.name() {
            Some(name) => write!(f, "{name} ({})", u8::from(*self)),
            None => write!(f, "ICMPv6 type {} (not MLD)", u8::from(*self)),
        }
    }
}

/// An MLDv1 message read in place: a 24-byte Query, a Version 1 Report or a Done (RFC 2710 §3).
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct MldV1Message<'a> {
    header: &'a V1Header,
    additional_data: &'a [u8],
    bytes: &'a [u8],
}

impl<'a> MldV1Message<'a> {
    fn parse(bytes: &'a [u8]) -> Result<Self, Error> {
        let (header, additional_data) = V1Header::ref_from_prefix(bytes).map_err(|_| {
            Error::truncated("Multicast Address", 8, 16, bytes.len().saturating_sub(8))
        })?;
        Ok(Self {
            header,
            additional_data,
            bytes,
        })
    }

    /// Type (RFC 2710 §3.1).
    #[must_use]
    pub fn message_type(&self) -> MldType {
        MldType::from(self.header.message_type)
    }

    /// Code (RFC 2710 §3.2): sent as zero, ignored on reception.
    #[must_use]
    pub fn code(&self) -> u8 {
        self.header.code
    }

    /// Maximum Response Delay in milliseconds (RFC 2710 §3.4): meaningful in a Query only.
    #[must_use]
    pub fn maximum_response_delay(&self) -> u16 {
        self.header.maximum_response_delay.get()
    }

    /// [`Self::maximum_response_delay`] as a time.
    #[must_use]
    pub fn maximum_response_duration(&self) -> Duration {
        Duration::from_millis(u64::from(self.maximum_response_delay()))
    }

    /// Reserved (RFC 2710 §3.5): sent as zero, ignored on reception.
    #[must_use]
    pub fn reserved(&self) -> u16 {
        self.header.reserved.get()
    }

    /// Multicast Address (RFC 2710 §3.6): zero in a General Query.
    #[must_use]
    pub fn multicast_address(&self) -> Ipv6Addr {
        Ipv6Addr::from(self.header.multicast_address)
    }

    /// The Checksum field.
    #[must_use]
    pub fn checksum(&self) -> u16 {
        self.header.checksum.get()
    }

    /// Bytes past the 24th.
    #[must_use]
    pub fn additional_data(&self) -> &'a [u8] {
        self.additional_data
    }

    /// The message as received.
    #[must_use]
    pub fn as_bytes(&self) -> &'a [u8] {
        self.bytes
    }

    /// The builder for the same message (without Code, Reserved and additional data).
    #[must_use]
    pub fn to_builder(&self) -> MldV1Builder {
        MldV1Builder {
            message_type: self.message_type(),
            maximum_response_delay: self.maximum_response_delay(),
            multicast_address: self.multicast_address(),
        }
    }
}

impl fmt::Debug for MldV1Message<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MldV1Message")
            .field("message_type", &self.message_type())
            .field("code", &self.code())
            .field("maximum_response_delay", &self.maximum_response_delay())
            .field("reserved", &self.reserved())
            .field("multicast_address", &self.multicast_address())
            .field("additional_data", &self.additional_data)
            .finish()
    }
}

/// An MLD message parsed and checksum-verified (or explicitly not), ready to `match` on.
///
/// Queries are told apart as RFC 3810 §8.1 says: 24 bytes is MLDv1, 28 bytes or more MLDv2, 25
/// to 27 bytes an error.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum MldMessage<'a> {
    /// MLDv1 Multicast Listener Query (RFC 2710 §3): 24 bytes.
    QueryV1(MldV1Message<'a>),
    /// MLDv2 Multicast Listener Query (RFC 3810 §5.1): 28 bytes or more.
    QueryV2(QueryV3<'a, Ipv6>),
    /// Version 1 Multicast Listener Report, 131 (RFC 2710 §3).
    ReportV1(MldV1Message<'a>),
    /// Multicast Listener Done, 132 (RFC 2710 §3).
    Done(MldV1Message<'a>),
    /// Version 2 Multicast Listener Report, 143 (RFC 3810 §5.2).
    ReportV2(ReportV3<'a, Ipv6>),
    /// Multicast Router Advertisement, 151 (RFC 4286 §5).
    RouterAdvertisement(RouterAdvertisement<'a, Ipv6>),
    /// Multicast Router Solicitation, 152 (RFC 4286 §6).
    RouterSolicitation(RawMessage<'a>),
    /// Multicast Router Termination, 153 (RFC 4286 §7).
    RouterTermination(RawMessage<'a>),
    /// Any other ICMPv6 type, intact.
    Other(RawMessage<'a>),
}

impl<'a> MldMessage<'a> {
    /// Parses the ICMPv6 message `bytes` and verifies its checksum over the IPv6 pseudo-header
    /// of `source` and `destination` (RFC 4443 §2.3) and every byte of the message.
    ///
    /// # Errors
    /// [`Error::Truncated`], [`Error::Invalid`] (a query of 25 to 27 bytes, a General Query with
    /// sources), [`Error::Checksum`].
    pub fn parse(bytes: &'a [u8], source: Ipv6Addr, destination: Ipv6Addr) -> Result<Self, Error> {
        Self::parse_inner(bytes, Some((source, destination)))
    }

    /// Parses like [`Self::parse`] without verifying the checksum.
    ///
    /// # Errors
    /// As [`Self::parse`], never [`Error::Checksum`].
    pub fn parse_skipping_checksum(bytes: &'a [u8]) -> Result<Self, Error> {
        Self::parse_inner(bytes, None)
    }

    fn parse_inner(bytes: &'a [u8], verify: Option<(Ipv6Addr, Ipv6Addr)>) -> Result<Self, Error> {
        let raw = RawMessage::new(bytes)?;
        let len = bytes.len();
        let message_type = MldType::from(raw.message_type());
        let (min_len, field) = match message_type {
            MldType::MulticastListenerQuery
            | MldType::MulticastListenerReportV1
            | MldType::MulticastListenerDone => (V1_LEN, "Multicast Address"),
            MldType::MulticastListenerReportV2 => (8, "Nr of Mcast Address Records"),
            MldType::MulticastRouterAdvertisement => (8, "Query Interval"),
            _ => (4, "message header"),
        };
        if len < min_len {
            return Err(Error::truncated(
                field,
                4,
                min_len.saturating_sub(4),
                len.saturating_sub(4),
            ));
        }
        if message_type == MldType::MulticastListenerQuery
            && (V1_LEN < len && len < Ipv6::QUERY_V3_MIN_LEN)
        {
            return Err(Error::invalid(
                "Multicast Listener Query length",
                V1_LEN,
                "25 to 27 bytes is neither MLDv1 nor MLDv2 (RFC 3810 §8.1)",
            ));
        }
        if let Some((source, destination)) = verify {
            verify_checksum(Ipv6::checksum_start(source, destination, len), bytes)?;
        }
        Ok(match message_type {
            MldType::MulticastListenerQuery if len == V1_LEN => {
                Self::QueryV1(MldV1Message::parse(bytes)?)
            }
            MldType::MulticastListenerQuery => Self::QueryV2(QueryV3::parse(bytes)?),
            MldType::MulticastListenerReportV1 => Self::ReportV1(MldV1Message::parse(bytes)?),
            MldType::MulticastListenerDone => Self::Done(MldV1Message::parse(bytes)?),
            MldType::MulticastListenerReportV2 => Self::ReportV2(ReportV3::parse(bytes)?),
            MldType::MulticastRouterAdvertisement => {
                Self::RouterAdvertisement(RouterAdvertisement::parse(bytes)?)
            }
            MldType::MulticastRouterSolicitation => Self::RouterSolicitation(raw),
            MldType::MulticastRouterTermination => Self::RouterTermination(raw),
            MldType::Unknown(_) => Self::Other(raw),
        })
    }

    /// The Type field.
    #[must_use]
    pub fn message_type(&self) -> MldType {
        MldType::from(self.as_bytes().first().copied().unwrap_or(0))
    }

    /// The whole message as it was parsed.
    #[must_use]
    pub fn as_bytes(&self) -> &'a [u8] {
        match self {
            Self::QueryV1(m) | Self::ReportV1(m) | Self::Done(m) => m.as_bytes(),
            Self::QueryV2(m) => m.as_bytes(),
            Self::ReportV2(m) => m.as_bytes(),
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

impl fmt::Display for MldMessage<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::QueryV1(m) => {
                write!(
                    f,
                    "MLDv1 query [max resp delay {}ms]",
                    m.maximum_response_delay()
                )?;
                if m.multicast_address() != Ipv6Addr::UNSPECIFIED {
                    write!(f, " [gaddr {}]", m.multicast_address())?;
                }
                Ok(())
            }
            Self::QueryV2(q) => write!(f, "{q}"),
            Self::ReportV1(m) => write!(f, "MLDv1 report {}", m.multicast_address()),
            Self::Done(m) => write!(f, "MLDv1 done {}", m.multicast_address()),
            Self::ReportV2(r) => write!(f, "{r}"),
            Self::RouterAdvertisement(a) => write!(f, "{a}"),
            Self::RouterSolicitation(_) => f.write_str("multicast router solicitation"),
            Self::RouterTermination(_) => f.write_str("multicast router termination"),
            Self::Other(raw) => write!(
                f,
                "{}, {} bytes",
                MldType::from(raw.message_type()),
                raw.as_bytes().len()
            ),
        }
    }
}

/// A 24-byte MLDv1 message to emit (RFC 2710 §3): a Query, a Version 1 Report or a Done.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "arbitrary", derive(arbitrary::Arbitrary))]
pub struct MldV1Builder {
    /// Type (RFC 2710 §3.1).
    pub message_type: MldType,
    /// Maximum Response Delay in milliseconds (RFC 2710 §3.4): zero except in a Query.
    pub maximum_response_delay: u16,
    /// Multicast Address (RFC 2710 §3.6).
    pub multicast_address: Ipv6Addr,
}

impl MldV1Builder {
    /// An MLDv1 General (address zero) or Multicast-Address-Specific Query (RFC 2710 §3.6).
    #[must_use]
    pub const fn query(maximum_response_delay: u16, multicast_address: Ipv6Addr) -> Self {
        Self {
            message_type: MldType::MulticastListenerQuery,
            maximum_response_delay,
            multicast_address,
        }
    }

    /// A Version 1 Multicast Listener Report (RFC 2710 §3.6), sent to the address.
    #[must_use]
    pub const fn report(multicast_address: Ipv6Addr) -> Self {
        Self {
            message_type: MldType::MulticastListenerReportV1,
            maximum_response_delay: 0,
            multicast_address,
        }
    }

    /// A Multicast Listener Done (RFC 2710 §3.6), sent to ff02::2.
    #[must_use]
    pub const fn done(multicast_address: Ipv6Addr) -> Self {
        Self {
            message_type: MldType::MulticastListenerDone,
            maximum_response_delay: 0,
            multicast_address,
        }
    }

    /// Length of the message: 24.
    #[must_use]
    pub const fn buffer_len(&self) -> usize {
        V1_LEN
    }

    /// The IPv6 destination (RFC 2710 §5): ff02::1 for a General Query, ff02::2 for a Done, the
    /// address otherwise.
    #[must_use]
    pub fn destination(&self) -> Ipv6Addr {
        match self.message_type {
            MldType::MulticastListenerDone => Ipv6::ALL_ROUTERS,
            MldType::MulticastListenerQuery if self.multicast_address == Ipv6::UNSPECIFIED => {
                Ipv6::ALL_SYSTEMS
            }
            _ => self.multicast_address,
        }
    }

    /// Emits the message with its checksum over the pseudo-header of `source` and `destination`
    /// and returns its length (24).
    ///
    /// # Errors
    /// [`Error::BufferTooSmall`].
    pub fn emit(
        &self,
        buf: &mut [u8],
        source: Ipv6Addr,
        destination: Ipv6Addr,
    ) -> Result<usize, Error> {
        check_buffer(V1_LEN, buf.len())?;
        let message = buf.get_mut(..V1_LEN).unwrap_or_default();
        let [d0, d1] = self.maximum_response_delay.to_be_bytes();
        if let Some(head) = message.get_mut(..8) {
            head.copy_from_slice(&[u8::from(self.message_type), 0, 0, 0, d0, d1, 0, 0]);
        }
        if let Some(address) = message.get_mut(8..) {
            address.copy_from_slice(&self.multicast_address.octets());
        }
        write_checksum(Ipv6::checksum_start(source, destination, V1_LEN), message);
        Ok(V1_LEN)
    }
}
