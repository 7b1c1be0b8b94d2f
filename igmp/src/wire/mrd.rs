//! Multicast Router Discovery (RFC 4286): the same messages over IGMP and over ICMPv6.
//!
//! ```text
//! Advertisement:             | Type | Ad. Interval | Checksum | Query Interval | Robustness Variable |
//! Solicitation, Termination: | Type | Reserved     | Checksum |
//! ```
//! Solicitations and Terminations have no fields past the header: they parse to a
//! [`super::RawMessage`].

use core::fmt;
use core::marker::PhantomData;

use zerocopy::network_endian::U16;
use zerocopy::{FromBytes, Immutable, IntoBytes, KnownLayout, Unaligned};

use super::{Error, GmpFamily, Writer, check_buffer, write_checksum};

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, FromBytes, IntoBytes, KnownLayout, Immutable, Unaligned,
)]
#[repr(C)]
struct AdvertisementFields {
    message_type: u8,
    advertisement_interval: u8,
    checksum: U16,
    query_interval: U16,
    robustness_variable: U16,
}

/// Length of an Advertisement (RFC 4286 §5.1).
const ADVERTISEMENT_LEN: usize = 8;
/// Length of a Solicitation or Termination (RFC 4286 §6.1, §7.1).
const SHORT_LEN: usize = 4;

/// A Multicast Router Advertisement read in place (RFC 4286 §5.1).
#[derive(Clone, Copy)]
pub struct RouterAdvertisement<'a, F: GmpFamily> {
    fields: &'a AdvertisementFields,
    bytes: &'a [u8],
    additional_data: &'a [u8],
    family: PhantomData<F>,
}

impl<F: GmpFamily> PartialEq for RouterAdvertisement<'_, F> {
    fn eq(&self, other: &Self) -> bool {
        self.bytes == other.bytes
    }
}
impl<F: GmpFamily> Eq for RouterAdvertisement<'_, F> {}

impl<'a, F: GmpFamily> RouterAdvertisement<'a, F> {
    pub(crate) fn parse(bytes: &'a [u8]) -> Result<Self, Error> {
        let (fields, additional_data) =
            AdvertisementFields::ref_from_prefix(bytes).map_err(|_| {
                Error::truncated(
                    "Multicast Router Advertisement",
                    0,
                    ADVERTISEMENT_LEN,
                    bytes.len(),
                )
            })?;
        Ok(Self {
            fields,
            bytes,
            additional_data,
            family: PhantomData,
        })
    }

    /// Advertisement Interval in seconds (RFC 4286 §5.1, §4.1: 4 to 180 when sent).
    #[must_use]
    pub fn advertisement_interval(&self) -> u8 {
        self.fields.advertisement_interval
    }

    /// Query Interval in seconds, the router's IGMP/MLD Query Interval (RFC 4286 §5.1), or 0.
    #[must_use]
    pub fn query_interval(&self) -> u16 {
        self.fields.query_interval.get()
    }

    /// Robustness Variable, the router's IGMP/MLD one (RFC 4286 §5.1), or 0.
    #[must_use]
    pub fn robustness_variable(&self) -> u16 {
        self.fields.robustness_variable.get()
    }

    /// Bytes past the defined fields.
    #[must_use]
    pub fn additional_data(&self) -> &'a [u8] {
        self.additional_data
    }

    /// The Checksum field.
    #[must_use]
    pub fn checksum(&self) -> u16 {
        self.fields.checksum.get()
    }

    /// The message as received.
    #[must_use]
    pub fn as_bytes(&self) -> &'a [u8] {
        self.bytes
    }

    /// The builder for the same advertisement.
    #[must_use]
    pub fn to_builder(&self) -> RouterDiscoveryBuilder {
        RouterDiscoveryBuilder::Advertisement {
            advertisement_interval: self.advertisement_interval(),
            query_interval: self.query_interval(),
            robustness_variable: self.robustness_variable(),
        }
    }
}

impl<F: GmpFamily> fmt::Debug for RouterAdvertisement<'_, F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RouterAdvertisement")
            .field("advertisement_interval", &self.advertisement_interval())
            .field("query_interval", &self.query_interval())
            .field("robustness_variable", &self.robustness_variable())
            .field("additional_data", &self.additional_data)
            .finish()
    }
}

impl<F: GmpFamily> fmt::Display for RouterAdvertisement<'_, F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "multicast router advertisement [ad interval {}s] [query interval {}s] [robustness {}]",
            self.advertisement_interval(),
            self.query_interval(),
            self.robustness_variable()
        )
    }
}

/// A Multicast Router Discovery message to emit (RFC 4286), over IGMP or ICMPv6.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "arbitrary", derive(arbitrary::Arbitrary))]
pub enum RouterDiscoveryBuilder {
    /// Multicast Router Advertisement (§5.1), sent to all-snoopers.
    Advertisement {
        /// Advertisement Interval, seconds (§5.1; default 20, §4.1).
        advertisement_interval: u8,
        /// Query Interval, seconds (§5.1).
        query_interval: u16,
        /// Robustness Variable (§5.1).
        robustness_variable: u16,
    },
    /// Multicast Router Solicitation (§6.1), sent to all-routers.
    Solicitation,
    /// Multicast Router Termination (§7.1), sent to all-snoopers.
    Termination,
}

impl RouterDiscoveryBuilder {
    /// Length of the message.
    #[must_use]
    pub const fn buffer_len(&self) -> usize {
        match self {
            Self::Advertisement { .. } => ADVERTISEMENT_LEN,
            Self::Solicitation | Self::Termination => SHORT_LEN,
        }
    }

    /// The IP destination (RFC 4286 §5.2, §6.2, §7.2).
    #[must_use]
    pub fn destination<F: GmpFamily>(&self) -> F::Addr {
        match self {
            Self::Solicitation => F::ALL_ROUTERS,
            Self::Advertisement { .. } | Self::Termination => F::ALL_SNOOPERS,
        }
    }

    /// Emits the message for family `F` (IGMP or ICMPv6 type codes) and returns its length.
    ///
    /// # Errors
    /// [`Error::BufferTooSmall`].
    pub fn emit<F: GmpFamily>(
        &self,
        buf: &mut [u8],
        source: F::Addr,
        destination: F::Addr,
    ) -> Result<usize, Error> {
        check_buffer(self.buffer_len(), buf.len())?;
        let mut w = Writer::new(buf);
        match *self {
            Self::Advertisement {
                advertisement_interval,
                query_interval,
                robustness_variable,
            } => {
                let [q0, q1] = query_interval.to_be_bytes();
                let [r0, r1] = robustness_variable.to_be_bytes();
                w.put(&[
                    F::ROUTER_ADVERTISEMENT_TYPE,
                    advertisement_interval,
                    0,
                    0,
                    q0,
                    q1,
                    r0,
                    r1,
                ])?;
            }
            Self::Solicitation => w.put(&[F::ROUTER_SOLICITATION_TYPE, 0, 0, 0])?,
            Self::Termination => w.put(&[F::ROUTER_TERMINATION_TYPE, 0, 0, 0])?,
        }
        let len = w.pos();
        write_checksum(F::checksum_start(source, destination, len), w.written());
        Ok(len)
    }
}
