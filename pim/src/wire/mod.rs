//! The PIMv2 wire format: every message of the IANA "PIM Message Types" registry, for IPv4 and
//! IPv6 (RFC 7761 §4.9 and the RFCs named on each type).
//!
//! Parsing gives a [`Pim`]: the common header, which checksum coverage matched, the message as
//! a [`Message`] to match on, and any bytes after a message whose length is fixed or counted.
//! Every message borrows from the input; nothing is allocated. Owned representations
//! ([`PimRepr`], [`MessageRepr`] and the `*Repr` types, feature `alloc`) build messages from plain
//! data and emit them into a caller's buffer; the fixed-size messages ([`Assert`],
//! [`RegisterStop`], [`StateRefresh`], [`DfElection`], [`EcmpRedirect`]) and [`Register`] are
//! plain data that parse and emit without allocation.

pub mod addr;
pub mod bootstrap;
pub(crate) mod cursor;
pub mod fixed;
pub mod header;
pub mod hello;
pub mod holdtime;
pub mod join_prune;
pub mod lists;
pub mod register;

use core::fmt;

use mcast_addr::family::IpFamily;

pub use addr::{EncodedGroup, EncodedSource, GroupFlags, SourceEntry, SourceFlags, SourceTree};
pub use bootstrap::{Bootstrap, BootstrapGroup, BootstrapRp};
pub use fixed::{Assert, DfElection, DfElectionKind, EcmpRedirect, StateRefresh};
pub use header::{
    ChecksumCoverage, Header, IP_PROTOCOL_PIM, MessageType, MessageTypeCode, PseudoHeader,
    compute_checksum, verify_checksum,
};
pub use hello::{Hello, HelloOption, LanPruneDelay, StateRefreshCapable};
pub use holdtime::Holdtime;
pub use join_prune::{GroupSet, JoinPrune};
pub use lists::{CandidateRpAdvertisement, Flooding, Packed, Unknown};
pub use register::{InnerHeader, Register, RegisterStop};

use crate::error::{PimError, Result};
use cursor::Writer;
use header::{HEADER_LEN, fill_checksum, split_header, write_header};

/// The largest PIM message an IP packet of `mtu` bytes carries: the MTU less a 20-byte IPv4
/// header (no options) or a 40-byte IPv6 header (no extension headers).
#[must_use]
pub fn max_message_len<F: IpFamily>(mtu: usize) -> usize {
    mtu.saturating_sub(if F::VERSION == 4 { 20 } else { 40 })
}

/// A decoded PIM message body, borrowed from the input.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Message<'a, F: IpFamily> {
    /// Hello (type 0, RFC 7761 §4.9.2).
    Hello(Hello<'a, F>),
    /// Register (type 1, RFC 7761 §4.9.3).
    Register(Register<'a>),
    /// Register-Stop (type 2, RFC 7761 §4.9.4).
    RegisterStop(RegisterStop<F>),
    /// Join/Prune (type 3, RFC 7761 §4.9.5).
    JoinPrune(JoinPrune<'a, F>),
    /// Bootstrap (type 4, RFC 5059 §4.1).
    Bootstrap(Bootstrap<'a, F>),
    /// Assert (type 5, RFC 7761 §4.9.6).
    Assert(Assert<F>),
    /// Graft (type 6, RFC 3973 §4.7.2): the Join/Prune layout.
    Graft(JoinPrune<'a, F>),
    /// Graft-Ack (type 7, RFC 3973 §4.7.3): the Join/Prune layout.
    GraftAck(JoinPrune<'a, F>),
    /// Candidate-RP-Advertisement (type 8, RFC 5059 §4.2).
    CandidateRpAdvertisement(CandidateRpAdvertisement<'a, F>),
    /// State Refresh (type 9, RFC 3973 §4.7.1).
    StateRefresh(StateRefresh<F>),
    /// DF Election (type 10, RFC 5015 §3.6), subtypes 1 to 4.
    DfElection(DfElection<F>),
    /// ECMP Redirect (type 11, RFC 6754 §5).
    EcmpRedirect(EcmpRedirect<F>),
    /// PIM Flooding Mechanism (type 12, RFC 8364 §3).
    Flooding(Flooding<'a, F>),
    /// PIM Packed Null-Register (type 13.0, RFC 9465 §3).
    PackedNullRegister(Packed<'a, F>),
    /// PIM Packed Register-Stop (type 13.1, RFC 9465 §3).
    PackedRegisterStop(Packed<'a, F>),
    /// Any other type or subtype, header and body intact.
    Unknown(Unknown<'a>),
}

impl<'a, F: IpFamily> Message<'a, F> {
    /// Parses the body after `header`; returns the message and the bytes after it (only
    /// messages of fixed or counted length can leave any).
    ///
    /// # Errors
    /// The first malformed field, with its offset.
    pub fn parse(header: &Header, body: &'a [u8]) -> Result<(Self, &'a [u8])> {
        let flags = header.flag_bits();
        let none: &'a [u8] = &[];
        Ok(match header.message_type() {
            MessageType::Hello => (Self::Hello(Hello::parse_body(flags, body)?), none),
            MessageType::Register => (Self::Register(Register::parse_body(flags, body)?), none),
            MessageType::RegisterStop => {
                let (m, rest) = RegisterStop::parse_body(flags, body)?;
                (Self::RegisterStop(m), rest)
            }
            MessageType::JoinPrune => {
                let (m, rest) = JoinPrune::parse_body(flags, body)?;
                (Self::JoinPrune(m), rest)
            }
            MessageType::Graft => {
                let (m, rest) = JoinPrune::parse_body(flags, body)?;
                (Self::Graft(m), rest)
            }
            MessageType::GraftAck => {
                let (m, rest) = JoinPrune::parse_body(flags, body)?;
                (Self::GraftAck(m), rest)
            }
            MessageType::Bootstrap => (Self::Bootstrap(Bootstrap::parse_body(flags, body)?), none),
            MessageType::Assert => {
                let (m, rest) = Assert::parse_body(flags, body)?;
                (Self::Assert(m), rest)
            }
            MessageType::CandidateRpAdvertisement => {
                let (m, rest) = CandidateRpAdvertisement::parse_body(flags, body)?;
                (Self::CandidateRpAdvertisement(m), rest)
            }
            MessageType::StateRefresh => {
                let (m, rest) = StateRefresh::parse_body(flags, body)?;
                (Self::StateRefresh(m), rest)
            }
            MessageType::DfElection => match DfElection::parse_body(header.subtype(), flags, body)?
            {
                Some((m, rest)) => (Self::DfElection(m), rest),
                None => (Self::unknown(*header, body), none),
            },
            MessageType::EcmpRedirect => {
                let (m, rest) = EcmpRedirect::parse_body(flags, body)?;
                (Self::EcmpRedirect(m), rest)
            }
            MessageType::PimFloodingMechanism => {
                (Self::Flooding(Flooding::parse_body(flags, body)?), none)
            }
            MessageType::Type13 => match header.subtype() {
                lists::type13_subtype::PACKED_NULL_REGISTER => {
                    let (m, rest) = Packed::parse_body(flags, body)?;
                    (Self::PackedNullRegister(m), rest)
                }
                lists::type13_subtype::PACKED_REGISTER_STOP => {
                    let (m, rest) = Packed::parse_body(flags, body)?;
                    (Self::PackedRegisterStop(m), rest)
                }
                _ => (Self::unknown(*header, body), none),
            },
            MessageType::Type14 | MessageType::Type15 => (Self::unknown(*header, body), none),
        })
    }

    fn unknown(header: Header, body: &'a [u8]) -> Self {
        Self::Unknown(Unknown { header, body })
    }

    /// The Type of the message.
    #[must_use]
    pub fn message_type(&self) -> MessageType {
        match self {
            Self::Hello(_) => MessageType::Hello,
            Self::Register(_) => MessageType::Register,
            Self::RegisterStop(_) => MessageType::RegisterStop,
            Self::JoinPrune(_) => MessageType::JoinPrune,
            Self::Bootstrap(_) => MessageType::Bootstrap,
            Self::Assert(_) => MessageType::Assert,
            Self::Graft(_) => MessageType::Graft,
            Self::GraftAck(_) => MessageType::GraftAck,
            Self::CandidateRpAdvertisement(_) => MessageType::CandidateRpAdvertisement,
            Self::StateRefresh(_) => MessageType::StateRefresh,
            Self::DfElection(_) => MessageType::DfElection,
            Self::EcmpRedirect(_) => MessageType::EcmpRedirect,
            Self::Flooding(_) => MessageType::PimFloodingMechanism,
            Self::PackedNullRegister(_) | Self::PackedRegisterStop(_) => MessageType::Type13,
            Self::Unknown(u) => u.header.message_type(),
        }
    }

    /// The flag byte of the common header (flag bits, and the Subtype where there is one).
    #[must_use]
    pub fn header_flags(&self) -> u8 {
        match self {
            Self::Hello(m) => m.flag_bits,
            Self::Register(m) => m.flag_bits,
            Self::RegisterStop(m) => m.flag_bits,
            Self::JoinPrune(m) | Self::Graft(m) | Self::GraftAck(m) => m.flag_bits,
            Self::Bootstrap(m) => m.flag_bits,
            Self::Assert(m) => m.flag_bits,
            Self::CandidateRpAdvertisement(m) => m.flag_bits,
            Self::StateRefresh(m) => m.flag_bits,
            Self::DfElection(m) => m.header_flags(),
            Self::EcmpRedirect(m) => m.flag_bits,
            Self::Flooding(m) => m.flag_bits,
            Self::PackedNullRegister(m) => m.flag_bits & 0x0F,
            Self::PackedRegisterStop(m) => (1 << 4) | (m.flag_bits & 0x0F),
            Self::Unknown(u) => u.header.flag_bits(),
        }
    }

    /// Length of the body (after the common header).
    #[must_use]
    pub fn body_len(&self) -> usize {
        match self {
            Self::Hello(m) => m.body().len(),
            Self::Register(m) => m.body_len(),
            Self::RegisterStop(m) => m.body_len(),
            Self::JoinPrune(m) | Self::Graft(m) | Self::GraftAck(m) => m.body_len(),
            Self::Bootstrap(m) => m.body_len(),
            Self::Assert(m) => m.body_len(),
            Self::CandidateRpAdvertisement(m) => m.body_len(),
            Self::StateRefresh(m) => m.body_len(),
            Self::DfElection(m) => m.body_len(),
            Self::EcmpRedirect(m) => m.body_len(),
            Self::Flooding(m) => m.body_len(),
            Self::PackedNullRegister(m) | Self::PackedRegisterStop(m) => m.body_len(),
            Self::Unknown(u) => u.body.len(),
        }
    }

    fn write_body(&self, w: &mut Writer<'_>) -> Result<()> {
        match self {
            Self::Hello(m) => m.write_body(w),
            Self::Register(m) => m.write_body(w),
            Self::RegisterStop(m) => m.write_body(w),
            Self::JoinPrune(m) | Self::Graft(m) | Self::GraftAck(m) => m.write_body(w),
            Self::Bootstrap(m) => m.write_body(w),
            Self::Assert(m) => m.write_body(w),
            Self::CandidateRpAdvertisement(m) => m.write_body(w),
            Self::StateRefresh(m) => m.write_body(w),
            Self::DfElection(m) => m.write_body(w),
            Self::EcmpRedirect(m) => m.write_body(w),
            Self::Flooding(m) => m.write_body(w),
            Self::PackedNullRegister(m) | Self::PackedRegisterStop(m) => m.write_body(w),
            Self::Unknown(u) => w.put(u.body),
        }
    }

    fn coverage(&self) -> ChecksumCoverage {
        match self {
            Self::Register(r) => r.checksum_coverage,
            _ => ChecksumCoverage::Standard,
        }
    }

    /// Length of the message when emitted.
    #[must_use]
    pub fn buffer_len(&self) -> usize {
        HEADER_LEN.saturating_add(self.body_len())
    }

    /// Emits the message with a fresh checksum into the front of `buf`; returns its length.
    ///
    /// # Errors
    /// [`PimError::BufferTooSmall`] when `buf` is shorter than [`Self::buffer_len`].
    pub fn emit(&self, buf: &mut [u8], pseudo_header: &PseudoHeader<F>) -> Result<usize> {
        emit_with(
            buf,
            pseudo_header,
            self.message_type(),
            self.header_flags(),
            self.coverage(),
            self.body_len(),
            &[],
            |w| self.write_body(w),
        )
    }
}

impl<F: IpFamily> fmt::Display for Message<'_, F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Hello(m) => write!(f, "{m}"),
            Self::Register(m) => write!(f, "{m}"),
            Self::RegisterStop(m) => write!(f, "{m}"),
            Self::JoinPrune(m) => write!(f, "Join/Prune, {m}"),
            Self::Graft(m) => write!(f, "Graft, {m}"),
            Self::GraftAck(m) => write!(f, "Graft-Ack, {m}"),
            Self::Bootstrap(m) => write!(f, "{m}"),
            Self::Assert(m) => write!(f, "{m}"),
            Self::CandidateRpAdvertisement(m) => write!(f, "{m}"),
            Self::StateRefresh(m) => write!(f, "{m}"),
            Self::DfElection(m) => write!(f, "{m}"),
            Self::EcmpRedirect(m) => write!(f, "{m}"),
            Self::Flooding(m) => write!(f, "{m}"),
            Self::PackedNullRegister(m) => write!(f, "Packed Null-Register, {m}"),
            Self::PackedRegisterStop(m) => write!(f, "Packed Register-Stop, {m}"),
            Self::Unknown(m) => write!(f, "{m}"),
        }
    }
}

/// Writes header, body and trailing bytes, then the checksum.
#[allow(clippy::too_many_arguments)]
fn emit_with<F: IpFamily>(
    buf: &mut [u8],
    pseudo_header: &PseudoHeader<F>,
    message_type: MessageType,
    flag_bits: u8,
    coverage: ChecksumCoverage,
    body_len: usize,
    trailing: &[u8],
    write_body: impl FnOnce(&mut Writer<'_>) -> Result<()>,
) -> Result<usize> {
    let len = HEADER_LEN
        .saturating_add(body_len)
        .saturating_add(trailing.len());
    cursor::check_buffer(buf, len)?;
    let available = buf.len();
    let out = buf.get_mut(..len).ok_or(PimError::BufferTooSmall {
        needed: len,
        available,
    })?;
    let mut w = Writer::new(out);
    write_header(&mut w, message_type, flag_bits)?;
    write_body(&mut w)?;
    w.put(trailing)?;
    if w.position() != len {
        return Err(PimError::Invalid {
            field: "message length",
            offset: w.position(),
            reason: "body shorter than announced",
        });
    }
    fill_checksum(out, coverage, pseudo_header);
    Ok(len)
}

/// A parsed PIM message: header, checksum result, message and trailing bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Pim<'a, F: IpFamily> {
    /// The common header as received.
    pub header: Header,
    /// The checksum coverage that matched, or `None` when the checksum was not verified.
    pub checksum_coverage: Option<ChecksumCoverage>,
    /// The message.
    pub message: Message<'a, F>,
    /// Bytes after a message of fixed or counted length (empty in a well-formed message).
    pub trailing: &'a [u8],
}

impl<'a, F: IpFamily> Pim<'a, F> {
    /// Parses a whole PIM message (the IP payload) and verifies its checksum against the
    /// packet's addresses (RFC 7761 §4.9). A Register checksummed over the whole message is
    /// accepted, and reported in [`Pim::checksum_coverage`] and [`Register::checksum_coverage`].
    ///
    /// # Errors
    /// [`PimError::Checksum`] for a bad checksum; the first malformed field otherwise.
    pub fn parse(bytes: &'a [u8], pseudo_header: &PseudoHeader<F>) -> Result<Self> {
        let (header, _) = split_header(bytes)?;
        let coverage = verify_checksum(bytes, pseudo_header)?;
        let _ = header;
        let mut pim = Self::parse_unverified(bytes)?;
        pim.checksum_coverage = Some(coverage);
        if let Message::Register(register) = &mut pim.message {
            register.checksum_coverage = coverage;
        }
        Ok(pim)
    }

    /// Parses a whole PIM message without looking at its checksum.
    ///
    /// # Errors
    /// The first malformed field.
    pub fn parse_unverified(bytes: &'a [u8]) -> Result<Self> {
        let (header, body) = split_header(bytes)?;
        let (message, trailing) = Message::parse(header, body)?;
        Ok(Self {
            header: *header,
            checksum_coverage: None,
            message,
            trailing,
        })
    }

    /// Length of the message when emitted (trailing bytes included).
    #[must_use]
    pub fn buffer_len(&self) -> usize {
        self.message
            .buffer_len()
            .saturating_add(self.trailing.len())
    }

    /// Emits the message, trailing bytes included, with a fresh checksum (of the coverage
    /// that was received, for a Register).
    ///
    /// # Errors
    /// [`PimError::BufferTooSmall`].
    pub fn emit(&self, buf: &mut [u8], pseudo_header: &PseudoHeader<F>) -> Result<usize> {
        emit_with(
            buf,
            pseudo_header,
            self.message.message_type(),
            self.message.header_flags(),
            self.message.coverage(),
            self.message.body_len(),
            self.trailing,
            |w| self.message.write_body(w),
        )
    }
}

impl<F: IpFamily> fmt::Display for Pim<'_, F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "PIMv2 {}, cksum {:#06x}",
            self.message,
            self.header.checksum()
        )?;
        match self.checksum_coverage {
            Some(ChecksumCoverage::Standard) => f.write_str(" (correct)")?,
            Some(ChecksumCoverage::WholeRegister) => f.write_str(" (correct, whole message)")?,
            None => f.write_str(" (unverified)")?,
        }
        if !self.trailing.is_empty() {
            write!(f, ", {} trailing bytes", self.trailing.len())?;
        }
        Ok(())
    }
}

macro_rules! fixed_emit {
    ($($ty:ident => $mt:expr, $flags:expr;)*) => {$(
        impl<F: IpFamily> $ty<F> {
            /// Length of the message when emitted.
            #[must_use]
            pub fn buffer_len(&self) -> usize {
                HEADER_LEN.saturating_add(self.body_len())
            }

            /// Emits the message with its checksum into the front of `buf` (no allocation);
            /// returns its length.
            ///
            /// # Errors
            /// [`PimError::BufferTooSmall`].
            pub fn emit(&self, buf: &mut [u8], pseudo_header: &PseudoHeader<F>) -> Result<usize> {
                let flags: fn(&Self) -> u8 = $flags;
                emit_with(
                    buf,
                    pseudo_header,
                    $mt,
                    flags(self),
                    ChecksumCoverage::Standard,
                    self.body_len(),
                    &[],
                    |w| self.write_body(w),
                )
            }
        }
    )*};
}

fixed_emit! {
    Assert => MessageType::Assert, |m| m.flag_bits;
    RegisterStop => MessageType::RegisterStop, |m| m.flag_bits;
    StateRefresh => MessageType::StateRefresh, |m| m.flag_bits;
    DfElection => MessageType::DfElection, DfElection::header_flags;
    EcmpRedirect => MessageType::EcmpRedirect, |m| m.flag_bits;
}

impl Register<'_> {
    /// Length of the message when emitted.
    #[must_use]
    pub fn buffer_len(&self) -> usize {
        HEADER_LEN.saturating_add(self.body_len())
    }

    /// Emits the Register with a checksum of [`Register::checksum_coverage`] into the front of
    /// `buf` (no allocation); returns its length.
    ///
    /// # Errors
    /// [`PimError::BufferTooSmall`].
    pub fn emit<F: IpFamily>(
        &self,
        buf: &mut [u8],
        pseudo_header: &PseudoHeader<F>,
    ) -> Result<usize> {
        emit_with(
            buf,
            pseudo_header,
            MessageType::Register,
            self.flag_bits,
            self.checksum_coverage,
            self.body_len(),
            &[],
            |w| self.write_body(w),
        )
    }
}

/// Emits a Null-Register for (`source`, `group`) (RFC 7761 §4.4.1): a Register with the N bit
/// (and B if `border`) carrying the dummy header of [`register::write_null_register_inner`].
/// No allocation; returns the message length.
///
/// # Errors
/// [`PimError::BufferTooSmall`].
pub fn emit_null_register<F: IpFamily>(
    buf: &mut [u8],
    source: F::Addr,
    group: F::Addr,
    border: bool,
    coverage: ChecksumCoverage,
    pseudo_header: &PseudoHeader<F>,
) -> Result<usize> {
    let mut inner = [0u8; 40];
    let inner_len = register::write_null_register_inner::<F>(&mut inner, source, group)?;
    let register = Register {
        flag_bits: 0,
        border,
        null_register: true,
        reserved: 0,
        inner: inner.get(..inner_len).unwrap_or(&inner),
        checksum_coverage: coverage,
    };
    register.emit(buf, pseudo_header)
}

#[cfg(feature = "alloc")]
mod owned;
#[cfg(feature = "alloc")]
pub use addr::{JoinAttributeRepr, SourceRepr};
#[cfg(feature = "alloc")]
pub use bootstrap::{BootstrapGroupRepr, BootstrapRepr};
#[cfg(feature = "alloc")]
pub use hello::{HelloOptionRepr, HelloRepr};
#[cfg(feature = "alloc")]
pub use join_prune::{GroupSetRepr, JoinPruneRepr};
#[cfg(feature = "alloc")]
pub use lists::{CandidateRpAdvertisementRepr, FloodingRepr, FloodingTlvRepr, PackedRepr};
#[cfg(feature = "alloc")]
pub use owned::{MessageRepr, PimRepr, RegisterRepr};
