//! Owned messages (feature `alloc`): plain data in, bytes out.

use alloc::vec::Vec;
use core::fmt;

use mcast_addr::family::IpFamily;

#[allow(clippy::wildcard_imports)]
use super::*;

/// An owned Register (RFC 7761 §4.9.3): the inner packet copied.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "arbitrary", derive(arbitrary::Arbitrary))]
pub struct RegisterRepr {
    /// The RFC 9436 flag bits of the common header.
    pub flag_bits: u8,
    /// B, the Border bit.
    pub border: bool,
    /// N, the Null-Register bit.
    pub null_register: bool,
    /// Reserved2 (30 bits).
    pub reserved: u32,
    /// The encapsulated packet.
    pub inner: Vec<u8>,
    /// Checksum coverage to emit with (and that was received).
    pub checksum_coverage: ChecksumCoverage,
}

impl RegisterRepr {
    /// The borrowed form, to emit.
    #[must_use]
    pub fn as_view(&self) -> Register<'_> {
        Register {
            flag_bits: self.flag_bits,
            border: self.border,
            null_register: self.null_register,
            reserved: self.reserved,
            inner: &self.inner,
            checksum_coverage: self.checksum_coverage,
        }
    }
}

impl From<&Register<'_>> for RegisterRepr {
    fn from(r: &Register<'_>) -> Self {
        Self {
            flag_bits: r.flag_bits,
            border: r.border,
            null_register: r.null_register,
            reserved: r.reserved,
            inner: r.inner.to_vec(),
            checksum_coverage: r.checksum_coverage,
        }
    }
}

/// An owned PIM message of any type, for building and emitting.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(bound = "F: crate::SerdeFamily")
)]
#[cfg_attr(
    feature = "arbitrary",
    derive(arbitrary::Arbitrary),
    arbitrary(bound = "F: crate::ArbitraryFamily")
)]
pub enum MessageRepr<F: IpFamily> {
    /// Hello (type 0).
    Hello(HelloRepr<F>),
    /// Register (type 1).
    Register(RegisterRepr),
    /// Register-Stop (type 2).
    RegisterStop(RegisterStop<F>),
    /// Join/Prune (type 3).
    JoinPrune(JoinPruneRepr<F>),
    /// Bootstrap (type 4).
    Bootstrap(BootstrapRepr<F>),
    /// Assert (type 5).
    Assert(Assert<F>),
    /// Graft (type 6).
    Graft(JoinPruneRepr<F>),
    /// Graft-Ack (type 7).
    GraftAck(JoinPruneRepr<F>),
    /// Candidate-RP-Advertisement (type 8).
    CandidateRpAdvertisement(CandidateRpAdvertisementRepr<F>),
    /// State Refresh (type 9).
    StateRefresh(StateRefresh<F>),
    /// DF Election (type 10).
    DfElection(DfElection<F>),
    /// ECMP Redirect (type 11).
    EcmpRedirect(EcmpRedirect<F>),
    /// PIM Flooding Mechanism (type 12).
    Flooding(FloodingRepr<F>),
    /// PIM Packed Null-Register (type 13.0).
    PackedNullRegister(PackedRepr<F>),
    /// PIM Packed Register-Stop (type 13.1).
    PackedRegisterStop(PackedRepr<F>),
    /// Any other type or subtype.
    Unknown {
        /// Type (4 bits).
        message_type: u8,
        /// The flag byte of the common header.
        flag_bits: u8,
        /// The body.
        body: Vec<u8>,
    },
}

impl<F: IpFamily> MessageRepr<F> {
    /// Whether the body has no length or count of its own and runs to the end of the message
    /// (Hello options, a Register's inner packet, Bootstrap group sets, Flooding TLVs, an unknown
    /// body): no bytes may follow it.
    #[must_use]
    pub fn body_runs_to_end(&self) -> bool {
        matches!(
            self,
            Self::Hello(_)
                | Self::Register(_)
                | Self::Bootstrap(_)
                | Self::Flooding(_)
                | Self::Unknown { .. }
        )
    }

    /// The owned form of a parsed message: emits the same bytes.
    #[must_use]
    pub fn from_view(message: &Message<'_, F>) -> Self {
        match message {
            Message::Hello(m) => Self::Hello(HelloRepr::from_view(m)),
            Message::Register(m) => Self::Register(RegisterRepr::from(m)),
            Message::RegisterStop(m) => Self::RegisterStop(*m),
            Message::JoinPrune(m) => Self::JoinPrune(JoinPruneRepr::from_view(m)),
            Message::Graft(m) => Self::Graft(JoinPruneRepr::from_view(m)),
            Message::GraftAck(m) => Self::GraftAck(JoinPruneRepr::from_view(m)),
            Message::Bootstrap(m) => Self::Bootstrap(BootstrapRepr::from_view(m)),
            Message::Assert(m) => Self::Assert(*m),
            Message::CandidateRpAdvertisement(m) => {
                Self::CandidateRpAdvertisement(CandidateRpAdvertisementRepr::from_view(m))
            }
            Message::StateRefresh(m) => Self::StateRefresh(*m),
            Message::DfElection(m) => Self::DfElection(*m),
            Message::EcmpRedirect(m) => Self::EcmpRedirect(*m),
            Message::Flooding(m) => Self::Flooding(FloodingRepr::from_view(m)),
            Message::PackedNullRegister(m) => Self::PackedNullRegister(PackedRepr::from_view(m)),
            Message::PackedRegisterStop(m) => Self::PackedRegisterStop(PackedRepr::from_view(m)),
            Message::Unknown(u) => Self::Unknown {
                message_type: u.header.type_code().0,
                flag_bits: u.header.flag_bits(),
                body: u.body.to_vec(),
            },
        }
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
            Self::Unknown { message_type, .. } => MessageType::from_nibble(*message_type),
        }
    }

    fn header_flags(&self) -> u8 {
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
            Self::Unknown { flag_bits, .. } => *flag_bits,
        }
    }

    /// Length of the body.
    #[must_use]
    pub fn body_len(&self) -> usize {
        match self {
            Self::Hello(m) => m.body_len(),
            Self::Register(m) => m.as_view().body_len(),
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
            Self::Unknown { body, .. } => body.len(),
        }
    }

    fn write_body(&self, w: &mut Writer<'_>) -> Result<()> {
        match self {
            Self::Hello(m) => m.write_body(w),
            Self::Register(m) => m.as_view().write_body(w),
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
            Self::Unknown { body, .. } => w.put(body),
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

    /// Emits the message with its checksum into the front of `buf`; returns its length.
    ///
    /// # Errors
    /// [`PimError::BufferTooSmall`], or [`PimError::TooLarge`] for a count that does not fit
    /// its field (more than 255 groups, and so on).
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

    /// Emits into a new vector.
    ///
    /// # Errors
    /// As [`Self::emit`].
    pub fn to_bytes(&self, pseudo_header: &PseudoHeader<F>) -> Result<Vec<u8>> {
        let mut buf = alloc::vec![0u8; self.buffer_len()];
        self.emit(&mut buf, pseudo_header)?;
        Ok(buf)
    }
}

impl<F: IpFamily> fmt::Display for MessageRepr<F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Hello(m) => write!(f, "{m}"),
            Self::Register(m) => write!(f, "{}", m.as_view()),
            Self::RegisterStop(m) => write!(f, "{m}"),
            Self::JoinPrune(m) => write!(f, "Join/Prune, {m}"),
            Self::Graft(m) => write!(f, "Graft, {m}"),
            Self::GraftAck(m) => write!(f, "Graft-Ack, {m}"),
            Self::Bootstrap(m) => write!(f, "{m}"),
            Self::Assert(m) => write!(f, "{m}"),
            Self::CandidateRpAdvertisement(m) => write!(
                f,
                "Candidate RP Advertisement prio={} holdtime={} RP={}, {} group(s)",
                m.priority,
                m.holdtime,
                m.rp,
                m.groups.len()
            ),
            Self::StateRefresh(m) => write!(f, "{m}"),
            Self::DfElection(m) => write!(f, "{m}"),
            Self::EcmpRedirect(m) => write!(f, "{m}"),
            Self::Flooding(m) => write!(
                f,
                "PIM Flooding Mechanism originator={}, {} TLV(s)",
                m.originator,
                m.tlvs.len()
            ),
            Self::PackedNullRegister(m) => {
                write!(f, "Packed Null-Register, {} record(s)", m.records.len())
            }
            Self::PackedRegisterStop(m) => {
                write!(f, "Packed Register-Stop, {} record(s)", m.records.len())
            }
            Self::Unknown {
                message_type,
                flag_bits,
                body,
            } => write!(
                f,
                "{} flags {flag_bits:#04x}, {} bytes",
                MessageTypeCode(*message_type),
                body.len()
            ),
        }
    }
}

/// An owned PIM message with the bytes that followed it, if any: what [`Pim`] parses, owned.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(bound = "F: crate::SerdeFamily")
)]
#[cfg_attr(
    feature = "arbitrary",
    derive(arbitrary::Arbitrary),
    arbitrary(bound = "F: crate::ArbitraryFamily")
)]
pub struct PimRepr<F: IpFamily> {
    /// The message.
    pub message: MessageRepr<F>,
    /// Bytes after a message of fixed or counted length (empty when building).
    pub trailing: Vec<u8>,
}

impl<F: IpFamily> PimRepr<F> {
    /// The owned form of a parsed message: emits the same bytes (with a correct checksum).
    #[must_use]
    pub fn from_view(pim: &Pim<'_, F>) -> Self {
        Self {
            message: MessageRepr::from_view(&pim.message),
            trailing: pim.trailing.to_vec(),
        }
    }

    /// Length of the message when emitted.
    #[must_use]
    pub fn buffer_len(&self) -> usize {
        self.message
            .buffer_len()
            .saturating_add(self.trailing.len())
    }

    /// Emits the message and its trailing bytes with the checksum; returns the length.
    ///
    /// # Errors
    /// As [`MessageRepr::emit`].
    pub fn emit(&self, buf: &mut [u8], pseudo_header: &PseudoHeader<F>) -> Result<usize> {
        if !self.trailing.is_empty() && self.message.body_runs_to_end() {
            return Err(PimError::Invalid {
                field: "trailing bytes",
                offset: self.message.buffer_len(),
                reason: "this message's body runs to the end of the message, so bytes after it \
                         would read back as part of it",
            });
        }
        emit_with(
            buf,
            pseudo_header,
            self.message.message_type(),
            self.message.header_flags(),
            self.message.coverage(),
            self.message.body_len(),
            &self.trailing,
            |w| self.message.write_body(w),
        )
    }

    /// Emits into a new vector.
    ///
    /// # Errors
    /// As [`MessageRepr::emit`].
    pub fn to_bytes(&self, pseudo_header: &PseudoHeader<F>) -> Result<Vec<u8>> {
        let mut buf = alloc::vec![0u8; self.buffer_len()];
        self.emit(&mut buf, pseudo_header)?;
        Ok(buf)
    }
}

impl<F: IpFamily> From<MessageRepr<F>> for PimRepr<F> {
    fn from(message: MessageRepr<F>) -> Self {
        Self {
            message,
            trailing: Vec::new(),
        }
    }
}

impl<F: IpFamily> fmt::Display for PimRepr<F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "PIMv2 {}", self.message)?;
        if !self.trailing.is_empty() {
            write!(f, ", {} trailing bytes", self.trailing.len())?;
        }
        Ok(())
    }
}
