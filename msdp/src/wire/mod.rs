//! The MSDP TLV codec (RFC 3618 §12): borrowed views that parse, emit and compare.
//!
//! Every MSDP message is one TLV: a one-byte Type, a two-byte Length that counts the whole TLV
//! (Type and Length included), and the Value. [`Message::parse`] reads one TLV from the front of
//! a byte slice and hands back the bytes after it; [`Message::emit`] writes one into a caller's
//! buffer. Each message type is a small struct whose lists and payloads borrow the input, so
//! parsing copies nothing and emitting needs no allocation.

mod notification;
mod source_active;

use core::fmt;
use core::net::Ipv4Addr;

use zerocopy::network_endian::U16;
use zerocopy::{FromBytes, Immutable, IntoBytes, KnownLayout, Unaligned};

pub use notification::{ErrorCode, Notification};
pub use source_active::{SaEntry, SourceActive};

use crate::MsdpError;

/// The largest MSDP message, in bytes, Type and Length included (RFC 3618 §12.2.1: "The maximum
/// size SA message that can be sent is 9192 octets"; no other TLV is larger).
pub const MAX_MESSAGE_LEN: usize = 9192;

/// The smallest TLV Length: the Type and Length fields alone, a KeepAlive (RFC 3618 §12.2.4).
pub const MIN_MESSAGE_LEN: usize = 3;

/// The TCP port MSDP peerings use (RFC 3618: the peer with the higher address listens on it).
pub const TCP_PORT: u16 = 639;

/// Bytes of the TLV header: Type (1) and Length (2) (RFC 3618 §12.1).
pub const HEADER_LEN: usize = 3;

/// The TLV header (RFC 3618 §12.1).
#[derive(FromBytes, IntoBytes, KnownLayout, Immutable, Unaligned)]
#[repr(C)]
struct TlvHeader {
    message_type: u8,
    length: U16,
}

/// The Type of an MSDP TLV (RFC 3618 §12.2, §17), kept raw so that every value is data.
///
/// `Debug` and `Display` name the types RFC 3618 and its drafts assigned and print any other
/// value as a number.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "arbitrary", derive(arbitrary::Arbitrary))]
pub struct MessageType(pub u8);

impl MessageType {
    /// IPv4 Source-Active (RFC 3618 §12.2.1).
    pub const SOURCE_ACTIVE: Self = Self(1);
    /// IPv4 Source-Active Request (RFC 3618 §12.2.2).
    pub const SOURCE_ACTIVE_REQUEST: Self = Self(2);
    /// IPv4 Source-Active Response (RFC 3618 §12.2.3).
    pub const SOURCE_ACTIVE_RESPONSE: Self = Self(3);
    /// KeepAlive (RFC 3618 §12.2.4).
    pub const KEEPALIVE: Self = Self(4);
    /// Notification: reserved by RFC 3618 §17 ("previously: Notification"); the layout of the
    /// draft-ietf-msdp-spec revisions before the RFC is still sent by deployed routers.
    pub const NOTIFICATION: Self = Self(5);
    /// MSDP traceroute in progress (RFC 3618 §17, reserved for draft-ietf-msdp-traceroute).
    pub const TRACEROUTE_IN_PROGRESS: Self = Self(6);
    /// MSDP traceroute reply (RFC 3618 §17, reserved for draft-ietf-msdp-traceroute).
    pub const TRACEROUTE_REPLY: Self = Self(7);

    /// The name RFC 3618 gives this type, if it gives one.
    #[must_use]
    pub const fn name(self) -> Option<&'static str> {
        Some(match self.0 {
            1 => "IPv4 Source-Active",
            2 => "IPv4 Source-Active Request",
            3 => "IPv4 Source-Active Response",
            4 => "KeepAlive",
            5 => "Notification",
            6 => "MSDP traceroute in progress",
            7 => "MSDP traceroute reply",
            _ => return None,
        })
    }
}

impl From<u8> for MessageType {
    fn from(value: u8) -> Self {
        Self(value)
    }
}

impl From<MessageType> for u8 {
    fn from(value: MessageType) -> Self {
        value.0
    }
}

impl fmt::Debug for MessageType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.name() {
            Some(name) => write!(f, "MessageType({} {name})", self.0),
            None => write!(f, "MessageType({} unknown)", self.0),
        }
    }
}

impl fmt::Display for MessageType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.name() {
            Some(name) => f.write_str(name),
            None => write!(f, "unknown type {}", self.0),
        }
    }
}

/// An IPv4 Source-Active Request (RFC 3618 §12.2.2): a peer asks for the (S,G) state of a group.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct SourceActiveRequest<'a> {
    /// Reserved byte: "transmitted as zeros and ignored by a receiver"; kept as received so the
    /// message re-emits byte for byte.
    pub reserved: u8,
    /// Group Address: the group whose sources the peer asks for.
    pub group_address: Ipv4Addr,
    /// Bytes after the Group Address that the Length covers: a longer TLV "SHOULD be accepted.
    /// Any additional data SHOULD be ignored" (RFC 3618 §12). Empty when sent by this crate's
    /// callers, unless they choose otherwise.
    pub trailing: &'a [u8],
}

/// A KeepAlive (RFC 3618 §12.2.4): Type 4, Length 3, no value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Keepalive<'a> {
    /// Value bytes a longer-than-expected KeepAlive carries, which receivers ignore (RFC 3618
    /// §12); normally empty.
    pub trailing: &'a [u8],
}

/// A TLV of a type this crate does not model (the traceroute types 6 and 7, or any unassigned
/// type), kept whole: RFC 3618 §12 gives no rule to reject it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct UnknownTlv<'a> {
    /// The Type field.
    pub message_type: MessageType,
    /// The Value: every byte after the Length field that the Length covers.
    pub value: &'a [u8],
}

/// One MSDP message (RFC 3618 §12.2): a parsed TLV whose lists and payloads borrow the input, or
/// a message to emit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Message<'a> {
    /// IPv4 Source-Active, Type 1 (RFC 3618 §12.2.1).
    SourceActive(SourceActive<'a>),
    /// IPv4 Source-Active Request, Type 2 (RFC 3618 §12.2.2).
    SourceActiveRequest(SourceActiveRequest<'a>),
    /// IPv4 Source-Active Response, Type 3 (RFC 3618 §12.2.3): the Source-Active layout, with
    /// no encapsulated data expected.
    SourceActiveResponse(SourceActive<'a>),
    /// KeepAlive, Type 4 (RFC 3618 §12.2.4).
    Keepalive(Keepalive<'a>),
    /// Notification, Type 5 (draft-ietf-msdp-spec layout; RFC 3618 §17 reserves the type).
    Notification(Notification<'a>),
    /// Any other Type, kept raw.
    Unknown(UnknownTlv<'a>),
}

/// Reads and checks the TLV header at the front of `bytes`: the Length must lie within
/// [`MIN_MESSAGE_LEN`]`..=`[`MAX_MESSAGE_LEN`] (RFC 3618 §12.1).
///
/// Returns `Ok(None)` when fewer than three bytes are there, otherwise the Type and the Length.
///
/// # Errors
/// [`MsdpError::Length`] for a Length below 3 or above 9192.
pub fn peek_header(bytes: &[u8]) -> Result<Option<(MessageType, usize)>, MsdpError> {
    let Ok((header, _)) = TlvHeader::ref_from_prefix(bytes) else {
        return Ok(None);
    };
    let length = usize::from(header.length.get());
    if !(MIN_MESSAGE_LEN..=MAX_MESSAGE_LEN).contains(&length) {
        return Err(MsdpError::Length {
            offset: 1,
            length,
            minimum: MIN_MESSAGE_LEN,
            maximum: MAX_MESSAGE_LEN,
        });
    }
    Ok(Some((MessageType(header.message_type), length)))
}

impl<'a> Message<'a> {
    /// Parses the TLV at the front of `bytes` and returns it with the bytes that follow it.
    ///
    /// # Errors
    /// [`MsdpError::Truncated`] when `bytes` ends inside the TLV or the Length is too small for
    /// the fixed fields of its type (a Source-Active whose Length cannot hold Entry Count
    /// entries is refused before any entry is read); [`MsdpError::Length`] for a Length outside
    /// 3..=9192.
    pub fn parse(bytes: &'a [u8]) -> Result<(Self, &'a [u8]), MsdpError> {
        let Some((message_type, length)) = peek_header(bytes)? else {
            return Err(MsdpError::Truncated {
                field: "TLV header",
                offset: 0,
                needed: HEADER_LEN,
                available: bytes.len(),
            });
        };
        let Some((tlv, rest)) = bytes.split_at_checked(length) else {
            return Err(MsdpError::Truncated {
                field: "TLV value",
                offset: HEADER_LEN,
                needed: length.saturating_sub(HEADER_LEN),
                available: bytes.len().saturating_sub(HEADER_LEN),
            });
        };
        let value = tlv.get(HEADER_LEN..).unwrap_or_default();
        let message = match message_type {
            MessageType::SOURCE_ACTIVE => Self::SourceActive(SourceActive::parse_value(value)?),
            MessageType::SOURCE_ACTIVE_RESPONSE => {
                Self::SourceActiveResponse(SourceActive::parse_value(value)?)
            }
            MessageType::SOURCE_ACTIVE_REQUEST => {
                let (reserved, rest) = value.split_first().ok_or(MsdpError::Truncated {
                    field: "reserved",
                    offset: HEADER_LEN,
                    needed: 1,
                    available: 0,
                })?;
                let (group, trailing) =
                    <[u8; 4]>::ref_from_prefix(rest).map_err(|_| MsdpError::Truncated {
                        field: "group address",
                        offset: HEADER_LEN + 1,
                        needed: 4,
                        available: rest.len(),
                    })?;
                Self::SourceActiveRequest(SourceActiveRequest {
                    reserved: *reserved,
                    group_address: Ipv4Addr::from(*group),
                    trailing,
                })
            }
            MessageType::KEEPALIVE => Self::Keepalive(Keepalive { trailing: value }),
            MessageType::NOTIFICATION => Self::Notification(Notification::parse_value(value)?),
            _ => Self::Unknown(UnknownTlv {
                message_type,
                value,
            }),
        };
        Ok((message, rest))
    }

    /// The TLV Type of this message.
    #[must_use]
    pub const fn message_type(&self) -> MessageType {
        match self {
            Self::SourceActive(_) => MessageType::SOURCE_ACTIVE,
            Self::SourceActiveRequest(_) => MessageType::SOURCE_ACTIVE_REQUEST,
            Self::SourceActiveResponse(_) => MessageType::SOURCE_ACTIVE_RESPONSE,
            Self::Keepalive(_) => MessageType::KEEPALIVE,
            Self::Notification(_) => MessageType::NOTIFICATION,
            Self::Unknown(u) => u.message_type,
        }
    }

    /// The encoded length in bytes: the TLV Length field (saturating; [`Self::emit`] refuses
    /// anything above [`MAX_MESSAGE_LEN`]).
    #[must_use]
    pub fn buffer_len(&self) -> usize {
        HEADER_LEN.saturating_add(self.value_len())
    }

    fn value_len(&self) -> usize {
        match self {
            Self::SourceActive(sa) | Self::SourceActiveResponse(sa) => sa.value_len(),
            Self::SourceActiveRequest(r) => 5usize.saturating_add(r.trailing.len()),
            Self::Keepalive(k) => k.trailing.len(),
            Self::Notification(n) => n.value_len(),
            Self::Unknown(u) => u.value.len(),
        }
    }

    /// Writes the message at the front of `buf` and returns its length.
    ///
    /// # Errors
    /// [`MsdpError::BufferTooSmall`] if `buf` is shorter than [`Self::buffer_len`];
    /// [`MsdpError::Invalid`] if the message is longer than [`MAX_MESSAGE_LEN`], a Source-Active
    /// has more than 255 entries or a Notification error code is above 127.
    pub fn emit(&self, buf: &mut [u8]) -> Result<usize, MsdpError> {
        let length = self.buffer_len();
        if length > MAX_MESSAGE_LEN {
            return Err(MsdpError::Invalid {
                field: "length",
                offset: 1,
                reason: "the message is longer than the 9192-byte maximum",
            });
        }
        let available = buf.len();
        let too_small = MsdpError::BufferTooSmall {
            needed: length,
            available,
        };
        let out = buf.get_mut(..length).ok_or(too_small)?;
        let (header, value) = out.split_at_mut_checked(HEADER_LEN).ok_or(too_small)?;
        let tlv = TlvHeader {
            message_type: self.message_type().0,
            length: U16::new(length as u16),
        };
        header.copy_from_slice(tlv.as_bytes());
        match self {
            Self::SourceActive(sa) | Self::SourceActiveResponse(sa) => sa.emit_value(value)?,
            Self::SourceActiveRequest(r) => {
                let (fixed, trailing) = value.split_at_mut_checked(5).ok_or(too_small)?;
                fixed.copy_from_slice(&[r.reserved, 0, 0, 0, 0]);
                if let Some(group) = fixed.get_mut(1..) {
                    group.copy_from_slice(&r.group_address.octets());
                }
                trailing.copy_from_slice(r.trailing);
            }
            Self::Keepalive(k) => value.copy_from_slice(k.trailing),
            Self::Notification(n) => n.emit_value(value)?,
            Self::Unknown(u) => value.copy_from_slice(u.value),
        }
        Ok(length)
    }
}

impl fmt::Display for Message<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::SourceActive(sa) => write!(f, "Source-Active {sa}"),
            Self::SourceActiveResponse(sa) => write!(f, "Source-Active Response {sa}"),
            Self::SourceActiveRequest(r) => {
                write!(f, "Source-Active Request for group {}", r.group_address)?;
                if !r.trailing.is_empty() {
                    write!(f, " (+{} ignored bytes)", r.trailing.len())?;
                }
                Ok(())
            }
            Self::Keepalive(k) => {
                f.write_str("KeepAlive")?;
                if !k.trailing.is_empty() {
                    write!(f, " (+{} ignored bytes)", k.trailing.len())?;
                }
                Ok(())
            }
            Self::Notification(n) => write!(f, "{n}"),
            Self::Unknown(u) => write!(f, "{} ({} value bytes)", u.message_type, u.value.len()),
        }
    }
}
