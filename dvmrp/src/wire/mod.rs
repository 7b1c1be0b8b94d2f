//! The DVMRP codec: IGMP type 0x13 (draft-ietf-idmr-dvmrp-v3-11, RFC 1075).
//!
//! A DVMRP message is an IGMP message of type 0x13 whose Code field says which DVMRP message it
//! is, followed by four bytes (Reserved, Capabilities, Minor Version, Major Version; §3.1) and a
//! body. [`Message::parse`] checks the IGMP checksum (or not, as the caller says) and decodes the
//! whole message; [`Message::parse_body`] is the core that works from the Code and the bytes
//! after the checksum, for callers that already read the IGMP header. Lists (neighbors, routes,
//! interfaces) stay in the input and are read by allocation-free iterators, validated once
//! when the message is parsed so that iterating cannot fail.

mod info;
mod neighbors;
mod probe;
mod prune;
mod report;

use core::fmt;

use mcast_addr::checksum::Checksum;
use zerocopy::network_endian::U16;
use zerocopy::{FromBytes, Immutable, IntoBytes, KnownLayout, Unaligned};

pub use info::{Info, InfoItem, InfoItems, InfoType};
pub use neighbors::{Interface, InterfaceFlags, Interfaces, Neighbors2};
pub use probe::Probe;
pub use prune::{Graft, Prune};
pub use report::{Metric, Report, ReportBuilder, Route, Routes};

use crate::DvmrpError;

/// The IGMP type of every DVMRP message (RFC 1075 §3.1; draft-ietf-idmr-dvmrp-v3-11 §3.1).
pub const IGMP_TYPE: u8 = 0x13;

/// Bytes of the DVMRP header: Type, Code, Checksum, Reserved, Capabilities, Minor and Major
/// Version (draft-ietf-idmr-dvmrp-v3-11 §3.1).
pub const HEADER_LEN: usize = 8;

/// The IPv4 multicast group of all DVMRP routers, 224.0.0.4 (draft-ietf-idmr-dvmrp-v3-11 §3.1).
pub const ALL_DVMRP_ROUTERS: core::net::Ipv4Addr = core::net::Ipv4Addr::new(224, 0, 0, 4);

/// The fixed header (draft-ietf-idmr-dvmrp-v3-11 §3.1).
#[derive(FromBytes, IntoBytes, KnownLayout, Immutable, Unaligned)]
#[repr(C)]
struct WireHeader {
    message_type: u8,
    code: u8,
    checksum: U16,
    reserved: u8,
    capabilities: u8,
    minor_version: u8,
    major_version: u8,
}

/// The names of the header fields by offset, for truncation errors.
const HEADER_FIELDS: [&str; HEADER_LEN] = [
    "type",
    "code",
    "checksum",
    "checksum",
    "reserved",
    "capabilities",
    "minor version",
    "major version",
];

/// The DVMRP message type, carried in the IGMP Code field (draft-ietf-idmr-dvmrp-v3-11 §3.1,
/// Table 1; codes 10 and 11 are mrouted's information request and reply). Kept raw so that any
/// value is data; `Debug` and `Display` name the assigned codes.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "arbitrary", derive(arbitrary::Arbitrary))]
pub struct Code(pub u8);

impl Code {
    /// DVMRP Probe, for discovering neighbors (§3.2).
    pub const PROBE: Self = Self(1);
    /// DVMRP Report, for exchanging routing tables (§3.3).
    pub const REPORT: Self = Self(2);
    /// DVMRP Ask Neighbors, obsolete (§3.1, Table 1).
    pub const ASK_NEIGHBORS: Self = Self(3);
    /// DVMRP Neighbors, obsolete (§3.1, Table 1).
    pub const NEIGHBORS: Self = Self(4);
    /// DVMRP Ask Neighbors 2, a request for a router's interfaces and neighbors (what `mrinfo`
    /// sends).
    pub const ASK_NEIGHBORS_2: Self = Self(5);
    /// DVMRP Neighbors 2, the answer to Ask Neighbors 2.
    pub const NEIGHBORS_2: Self = Self(6);
    /// DVMRP Prune, for pruning multicast delivery trees (§3.5).
    pub const PRUNE: Self = Self(7);
    /// DVMRP Graft, for grafting multicast delivery trees (§3.6).
    pub const GRAFT: Self = Self(8);
    /// DVMRP Graft Ack, for acknowledging Graft messages (§3.6).
    pub const GRAFT_ACK: Self = Self(9);
    /// DVMRP Info Request (mrouted 3.9; not in the draft).
    pub const INFO_REQUEST: Self = Self(10);
    /// DVMRP Info Reply (mrouted 3.9; not in the draft).
    pub const INFO_REPLY: Self = Self(11);

    /// The name of this code, if it is assigned.
    #[must_use]
    pub const fn name(self) -> Option<&'static str> {
        Some(match self.0 {
            1 => "Probe",
            2 => "Report",
            3 => "Ask Neighbors",
            4 => "Neighbors",
            5 => "Ask Neighbors 2",
            6 => "Neighbors 2",
            7 => "Prune",
            8 => "Graft",
            9 => "Graft Ack",
            10 => "Info Request",
            11 => "Info Reply",
            _ => return None,
        })
    }
}

impl fmt::Debug for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.name() {
            Some(name) => write!(f, "Code({} {name})", self.0),
            None => write!(f, "Code({} unknown)", self.0),
        }
    }
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.name() {
            Some(name) => f.write_str(name),
            None => write!(f, "unknown code {}", self.0),
        }
    }
}

bitflags::bitflags! {
    /// The Capabilities byte of the header (draft-ietf-idmr-dvmrp-v3-11 §3.2.1): what the
    /// sending router supports. Meaningful in Probe and Neighbors 2 messages. Unknown bits are
    /// kept.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
    #[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
    #[cfg_attr(feature = "arbitrary", derive(arbitrary::Arbitrary))]
    pub struct Capabilities: u8 {
        /// Leaf: the router has only one interface with neighbors (§3.2.1).
        const LEAF = 0x01;
        /// Prune: the router understands pruning (§3.2.1).
        const PRUNE = 0x02;
        /// GenID: the router sends Generation IDs (§3.2.1).
        const GENID = 0x04;
        /// Mtrace: the router handles multicast traceroute (§3.2.1).
        const MTRACE = 0x08;
        /// SNMP: the router is reachable by the DVMRP MIB (§3.2.1).
        const SNMP = 0x10;
        /// Netmask: the router accepts source netmasks in Prune, Graft and Graft Ack (§3.2.1).
        const NETMASK = 0x20;
        // Bits the draft does not assign are data too.
        const _ = !0;
    }
}

impl fmt::Display for Capabilities {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        const NAMES: [(Capabilities, &str); 6] = [
            (Capabilities::LEAF, "Leaf"),
            (Capabilities::PRUNE, "Prune"),
            (Capabilities::GENID, "GenID"),
            (Capabilities::MTRACE, "Mtrace"),
            (Capabilities::SNMP, "SNMP"),
            (Capabilities::NETMASK, "Netmask"),
        ];
        let mut first = true;
        for (flag, name) in NAMES {
            if self.contains(flag) {
                f.write_str(if first { "" } else { "|" })?;
                f.write_str(name)?;
                first = false;
            }
        }
        let unknown = self.bits() & 0xC0;
        if unknown != 0 {
            f.write_str(if first { "" } else { "|" })?;
            write!(f, "{unknown:#04x}")?;
            first = false;
        }
        if first {
            f.write_str("none")?;
        }
        Ok(())
    }
}

/// The Minor and Major Version fields (draft-ietf-idmr-dvmrp-v3-11 §3.1).
///
/// The draft's version is 3.255 ([`Version::VERSION_3`]). Routers of other vendors put their
/// software version here (Cisco IOS 12.4 sends major 12, minor 4) and speak the same layouts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "arbitrary", derive(arbitrary::Arbitrary))]
pub struct Version {
    /// Major Version (byte 7).
    pub major: u8,
    /// Minor Version (byte 6).
    pub minor: u8,
}

impl Version {
    /// DVMRP version 3 as the draft defines it: major 3, minor 0xFF (§3.1).
    pub const VERSION_3: Self = Self {
        major: 3,
        minor: 0xFF,
    };

    /// Whether this is exactly the draft's version 3 (3.255).
    #[must_use]
    pub const fn is_version_3(self) -> bool {
        self.major == 3 && self.minor == 0xFF
    }

    /// Whether the message predates the version 3 layouts: a major version below 3, as an
    /// RFC 1075 (version 1) message, whose bytes 4 to 7 are its first commands, appears.
    #[must_use]
    pub const fn is_older_than_3(self) -> bool {
        self.major < 3
    }
}

impl Default for Version {
    fn default() -> Self {
        Self::VERSION_3
    }
}

impl fmt::Display for Version {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}", self.major, self.minor)
    }
}

/// The header fields after the checksum (draft-ietf-idmr-dvmrp-v3-11 §3.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "arbitrary", derive(arbitrary::Arbitrary))]
pub struct Header {
    /// Reserved (byte 4): sent as zero; kept as received so a message re-emits byte for byte.
    pub reserved: u8,
    /// Capabilities (byte 5, §3.2.1).
    pub capabilities: Capabilities,
    /// Minor and Major Version (bytes 6 and 7).
    pub version: Version,
}

/// Whether [`Message::parse`] checks the IGMP checksum.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum ChecksumPolicy {
    /// Refuse a message whose checksum is wrong (the default, and what receivers do).
    #[default]
    Verify,
    /// Decode without looking at the checksum (captures with checksum offload, crafted input).
    Skip,
}

/// The body of a DVMRP message, by Code.
///
/// Which layout applies: Codes 5 to 11 have one layout whatever the version. Codes 1 and 2 use
/// the version 3 layouts unless the major version is below 3, where RFC 1075's command stream
/// sits instead and the body stays [`Body::Unknown`]; so do the obsolete Codes 3 and 4 and every
/// unassigned Code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Body<'a> {
    /// Probe (Code 1, §3.2).
    Probe(Probe<'a>),
    /// Report (Code 2, §3.3).
    Report(Report<'a>),
    /// Ask Neighbors 2 (Code 5): no body.
    AskNeighbors2 {
        /// Bytes after the header, which receivers ignore (normally none).
        trailing: &'a [u8],
    },
    /// Neighbors 2 (Code 6).
    Neighbors2(Neighbors2<'a>),
    /// Prune (Code 7, §3.5).
    Prune(Prune<'a>),
    /// Graft (Code 8, §3.6).
    Graft(Graft<'a>),
    /// Graft Ack (Code 9, §3.6): the layout of a Graft.
    GraftAck(Graft<'a>),
    /// Info Request (Code 10).
    InfoRequest(Info<'a>),
    /// Info Reply (Code 11).
    InfoReply(Info<'a>),
    /// A body this crate does not decode, kept whole: obsolete or unassigned codes, and
    /// RFC 1075 (version 1) messages.
    Unknown {
        /// The Code field.
        code: Code,
        /// Every byte after the 8-byte header.
        body: &'a [u8],
    },
}

impl Body<'_> {
    /// The Code this body is sent with.
    #[must_use]
    pub const fn code(&self) -> Code {
        match self {
            Self::Probe(_) => Code::PROBE,
            Self::Report(_) => Code::REPORT,
            Self::AskNeighbors2 { .. } => Code::ASK_NEIGHBORS_2,
            Self::Neighbors2(_) => Code::NEIGHBORS_2,
            Self::Prune(_) => Code::PRUNE,
            Self::Graft(_) => Code::GRAFT,
            Self::GraftAck(_) => Code::GRAFT_ACK,
            Self::InfoRequest(_) => Code::INFO_REQUEST,
            Self::InfoReply(_) => Code::INFO_REPLY,
            Self::Unknown { code, .. } => *code,
        }
    }

    /// Bytes of the body (after the 8-byte header).
    #[must_use]
    pub fn buffer_len(&self) -> usize {
        match self {
            Self::Probe(p) => p.buffer_len(),
            Self::Report(r) => r.as_bytes().len(),
            Self::AskNeighbors2 { trailing } => trailing.len(),
            Self::Neighbors2(n) => n.as_bytes().len(),
            Self::Prune(p) => p.buffer_len(),
            Self::Graft(g) | Self::GraftAck(g) => g.buffer_len(),
            Self::InfoRequest(i) | Self::InfoReply(i) => i.as_bytes().len(),
            Self::Unknown { body, .. } => body.len(),
        }
    }

    fn emit(&self, buf: &mut [u8]) -> Result<(), DvmrpError> {
        match self {
            Self::Probe(p) => p.emit(buf),
            Self::Prune(p) => p.emit(buf),
            Self::Graft(g) | Self::GraftAck(g) => g.emit(buf),
            Self::Report(r) => copy(r.as_bytes(), buf),
            Self::Neighbors2(n) => copy(n.as_bytes(), buf),
            Self::InfoRequest(i) | Self::InfoReply(i) => copy(i.as_bytes(), buf),
            Self::AskNeighbors2 { trailing: bytes } | Self::Unknown { body: bytes, .. } => {
                copy(bytes, buf)
            }
        }
    }
}

/// Copies `src` into `dst`, which must be exactly as long.
pub(crate) fn copy(src: &[u8], dst: &mut [u8]) -> Result<(), DvmrpError> {
    if src.len() != dst.len() {
        return Err(DvmrpError::BufferTooSmall {
            needed: src.len(),
            available: dst.len(),
        });
    }
    dst.copy_from_slice(src);
    Ok(())
}

/// A DVMRP message: the header fields and the decoded body, whose lists borrow the input.
///
/// `Message::parse(emit(m)) == m`, and a message parsed from correct bytes re-emits them byte
/// for byte (the checksum is recomputed on emission).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Message<'a> {
    /// Reserved, Capabilities and Version (§3.1).
    pub header: Header,
    /// The message itself; its Code is [`Body::code`].
    pub body: Body<'a>,
}

impl<'a> Message<'a> {
    /// Parses a whole DVMRP message: the IGMP message of type 0x13 as it follows the IP header.
    ///
    /// # Errors
    /// [`DvmrpError::Truncated`] naming the first header field that is missing in a message
    /// shorter than 8 bytes, or the body field that does not fit; [`DvmrpError::Invalid`] for a
    /// Type other than 0x13 or a value the draft forbids; [`DvmrpError::Checksum`] when `policy`
    /// is [`ChecksumPolicy::Verify`] and the checksum is wrong.
    pub fn parse(bytes: &'a [u8], policy: ChecksumPolicy) -> Result<Self, DvmrpError> {
        let Ok((header, _)) = WireHeader::ref_from_prefix(bytes) else {
            return Err(DvmrpError::Truncated {
                field: HEADER_FIELDS.get(bytes.len()).copied().unwrap_or("header"),
                offset: bytes.len(),
                needed: HEADER_LEN.saturating_sub(bytes.len()),
                available: 0,
            });
        };
        if header.message_type != IGMP_TYPE {
            return Err(DvmrpError::Invalid {
                field: "type",
                offset: 0,
                reason: "not a DVMRP message (IGMP type 0x13)",
            });
        }
        if policy == ChecksumPolicy::Verify {
            let mut sum = Checksum::new();
            sum.add_bytes(bytes);
            if sum.sum() != 0xFFFF {
                let received = header.checksum.get();
                let mut sum = Checksum::new();
                sum.add_bytes(bytes.get(..2).unwrap_or_default());
                sum.add_bytes(bytes.get(4..).unwrap_or_default());
                return Err(DvmrpError::Checksum {
                    computed: sum.checksum(),
                    received,
                });
            }
        }
        Self::parse_body(header.code, bytes.get(4..).unwrap_or_default())
    }

    /// Decodes the DVMRP message inside an IGMP message that the `mcast-igmp` codec has already
    /// parsed (checksum verified, or skipped by its caller): no second checksum pass.
    ///
    /// ```
    /// use mcast_dvmrp::wire::{Body, Message};
    /// use mcast_igmp::wire::IgmpMessage;
    ///
    /// // An Ask Neighbors 2 from mrinfo.
    /// let bytes = [0x13, 0x05, 0xe8, 0xe4, 0x00, 0x0a, 0x04, 0x0c];
    /// let IgmpMessage::Other(raw) = IgmpMessage::parse(&bytes)? else { unreachable!() };
    /// let dvmrp = Message::from_igmp(raw)?;
    /// assert!(matches!(dvmrp.body, Body::AskNeighbors2 { .. }));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Errors
    /// [`DvmrpError::Invalid`] if the IGMP type is not 0x13, and the errors of
    /// [`Message::parse_body`].
    pub fn from_igmp(raw: mcast_igmp::wire::RawMessage<'a>) -> Result<Self, DvmrpError> {
        if raw.message_type() != IGMP_TYPE {
            return Err(DvmrpError::Invalid {
                field: "type",
                offset: 0,
                reason: "not a DVMRP message (IGMP type 0x13)",
            });
        }
        Self::parse_body(raw.code(), raw.body())
    }

    /// The parser core: decodes a DVMRP message from its Code and the bytes after the IGMP
    /// checksum (Reserved, Capabilities, Minor and Major Version, then the body), for a caller
    /// that has already read and checked the IGMP header.
    ///
    /// # Errors
    /// As [`Message::parse`], without the checksum and type checks.
    pub fn parse_body(code: u8, after_checksum: &'a [u8]) -> Result<Self, DvmrpError> {
        let Some((fixed, body)) = after_checksum.split_at_checked(4) else {
            let offset = after_checksum.len().saturating_add(4);
            return Err(DvmrpError::Truncated {
                field: HEADER_FIELDS.get(offset).copied().unwrap_or("header"),
                offset,
                needed: HEADER_LEN.saturating_sub(offset),
                available: 0,
            });
        };
        let &[reserved, capabilities, minor, major] = fixed else {
            return Err(DvmrpError::Truncated {
                field: "header",
                offset: 4,
                needed: 4,
                available: fixed.len(),
            });
        };
        let header = Header {
            reserved,
            capabilities: Capabilities::from_bits_retain(capabilities),
            version: Version { major, minor },
        };
        let code = Code(code);
        let body = match code {
            Code::PROBE if !header.version.is_older_than_3() => Body::Probe(Probe::parse(body)?),
            Code::REPORT if !header.version.is_older_than_3() => Body::Report(Report::parse(body)?),
            Code::ASK_NEIGHBORS_2 => Body::AskNeighbors2 { trailing: body },
            Code::NEIGHBORS_2 => Body::Neighbors2(Neighbors2::parse(body)?),
            Code::PRUNE => Body::Prune(Prune::parse(body)?),
            Code::GRAFT => Body::Graft(Graft::parse(body)?),
            Code::GRAFT_ACK => Body::GraftAck(Graft::parse(body)?),
            Code::INFO_REQUEST => Body::InfoRequest(Info::parse(body)?),
            Code::INFO_REPLY => Body::InfoReply(Info::parse(body)?),
            _ => Body::Unknown { code, body },
        };
        Ok(Self { header, body })
    }

    /// The Code field.
    #[must_use]
    pub const fn code(&self) -> Code {
        self.body.code()
    }

    /// The encoded length: 8 header bytes and the body (saturating).
    #[must_use]
    pub fn buffer_len(&self) -> usize {
        HEADER_LEN.saturating_add(self.body.buffer_len())
    }

    /// Writes the message, checksum computed, at the front of `buf` and returns its length.
    ///
    /// # Errors
    /// [`DvmrpError::BufferTooSmall`] if `buf` is shorter than [`Self::buffer_len`];
    /// [`DvmrpError::Invalid`] for a body that cannot be encoded (see each body type).
    pub fn emit(&self, buf: &mut [u8]) -> Result<usize, DvmrpError> {
        let length = self.buffer_len();
        let available = buf.len();
        let out = buf.get_mut(..length).ok_or(DvmrpError::BufferTooSmall {
            needed: length,
            available,
        })?;
        let (header, body) =
            out.split_at_mut_checked(HEADER_LEN)
                .ok_or(DvmrpError::BufferTooSmall {
                    needed: length,
                    available,
                })?;
        self.body.emit(body)?;
        let wire = WireHeader {
            message_type: IGMP_TYPE,
            code: self.code().0,
            checksum: U16::ZERO,
            reserved: self.header.reserved,
            capabilities: self.header.capabilities.bits(),
            minor_version: self.header.version.minor,
            major_version: self.header.version.major,
        };
        header.copy_from_slice(wire.as_bytes());
        let checksum = mcast_addr::checksum::checksum(out);
        if let Some(field) = out.get_mut(2..4) {
            field.copy_from_slice(&checksum.to_be_bytes());
        }
        Ok(length)
    }
}

impl fmt::Display for Message<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "DVMRP {} (v{}", self.code(), self.header.version)?;
        if !self.header.capabilities.is_empty() {
            write!(f, ", capabilities {}", self.header.capabilities)?;
        }
        f.write_str(")")?;
        match &self.body {
            Body::Probe(p) => write!(f, " {p}"),
            Body::Report(r) => write!(f, " {r}"),
            Body::Neighbors2(n) => write!(f, " {n}"),
            Body::Prune(p) => write!(f, " {p}"),
            Body::Graft(g) | Body::GraftAck(g) => write!(f, " {g}"),
            Body::InfoRequest(i) | Body::InfoReply(i) => write!(f, " {i}"),
            Body::AskNeighbors2 { trailing: [] } => Ok(()),
            Body::AskNeighbors2 { trailing: body } | Body::Unknown { body, .. } => {
                write!(f, " {} body bytes", body.len())
            }
        }
    }
}
