//! The Notification TLV (Type 5) in the layout of the draft-ietf-msdp-spec revisions that
//! preceded RFC 3618, which dropped it (§17 keeps the type reserved). Deployed routers still
//! send it and Wireshark still decodes it.

use core::fmt;

use crate::MsdpError;
use crate::wire::HEADER_LEN;

/// The Error Code of a Notification (draft-ietf-msdp-spec, Notification TLV): seven bits on the
/// wire, below the O-bit. Kept raw so every value is data; `Debug` and `Display` name the codes
/// the draft assigned.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "arbitrary", derive(arbitrary::Arbitrary))]
pub struct ErrorCode(pub u8);

impl ErrorCode {
    /// Message Header Error (subcodes: 2 Bad Message Length, 3 Bad Message Type).
    pub const MESSAGE_HEADER_ERROR: Self = Self(1);
    /// SA-Request Error (subcode 1 Invalid Group; data: reserved and the group address).
    pub const SA_REQUEST_ERROR: Self = Self(2);
    /// SA-Message/SA-Response Error (subcodes 1 to 8 name the offending field).
    pub const SA_MESSAGE_SA_RESPONSE_ERROR: Self = Self(3);
    /// Hold Timer Expired.
    pub const HOLD_TIMER_EXPIRED: Self = Self(4);
    /// Finite State Machine Error (subcode 1 Unexpected Message Type FSM Error).
    pub const FINITE_STATE_MACHINE_ERROR: Self = Self(5);
    /// Notification (an error in a received Notification).
    pub const NOTIFICATION: Self = Self(6);
    /// Cease.
    pub const CEASE: Self = Self(7);

    /// The draft's name for this code, if it assigned one.
    #[must_use]
    pub const fn name(self) -> Option<&'static str> {
        Some(match self.0 {
            1 => "Message Header Error",
            2 => "SA-Request Error",
            3 => "SA-Message/SA-Response Error",
            4 => "Hold Timer Expired",
            5 => "Finite State Machine Error",
            6 => "Notification",
            7 => "Cease",
            _ => return None,
        })
    }

    /// The draft's name for `subcode` under this error code, if it assigned one.
    #[must_use]
    pub const fn subcode_name(self, subcode: u8) -> Option<&'static str> {
        Some(match (self.0, subcode) {
            (1..=7, 0) => "Unspecific",
            (1, 2) => "Bad Message Length",
            (1, 3) => "Bad Message Type",
            (2, 1) => "Invalid Group",
            (3, 1) => "Invalid Entry Count",
            (3, 2) => "Invalid RP Address",
            (3, 3) => "Invalid Group Address",
            (3, 4) => "Invalid Source Address",
            (3, 5) => "Invalid Sprefix Length",
            (3, 6) => "Looping SA (Self is RP)",
            (3, 7) => "Unknown Encapsulation",
            (3, 8) => "Administrative Scope Boundary Violated",
            (5, 1) => "Unexpected Message Type FSM Error",
            _ => return None,
        })
    }
}

impl fmt::Debug for ErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.name() {
            Some(name) => write!(f, "ErrorCode({} {name})", self.0),
            None => write!(f, "ErrorCode({} unknown)", self.0),
        }
    }
}

impl fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.name() {
            Some(name) => f.write_str(name),
            None => write!(f, "unknown error code {}", self.0),
        }
    }
}

/// A Notification (Type 5, draft-ietf-msdp-spec): O-bit and Error Code in one byte, an Error
/// Subcode, then data whose meaning depends on the code (the offending field, or the offending
/// message), kept raw.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Notification<'a> {
    /// O-bit (the high bit of the first byte): "if clear, the connection will be closed".
    pub open_bit: bool,
    /// Error Code, 0 to 127 (the low seven bits of the first byte).
    pub error_code: ErrorCode,
    /// Error Subcode; [`ErrorCode::subcode_name`] names it.
    pub error_subcode: u8,
    /// Data: every byte after the subcode that the Length covers.
    pub data: &'a [u8],
}

impl<'a> Notification<'a> {
    pub(crate) fn parse_value(value: &'a [u8]) -> Result<Self, MsdpError> {
        let Some((&first, rest)) = value.split_first() else {
            return Err(MsdpError::Truncated {
                field: "error code",
                offset: HEADER_LEN,
                needed: 1,
                available: 0,
            });
        };
        let Some((&error_subcode, data)) = rest.split_first() else {
            return Err(MsdpError::Truncated {
                field: "error subcode",
                offset: HEADER_LEN + 1,
                needed: 1,
                available: 0,
            });
        };
        Ok(Self {
            open_bit: first & 0x80 != 0,
            error_code: ErrorCode(first & 0x7F),
            error_subcode,
            data,
        })
    }

    pub(crate) fn value_len(&self) -> usize {
        2usize.saturating_add(self.data.len())
    }

    pub(crate) fn emit_value(&self, value: &mut [u8]) -> Result<(), MsdpError> {
        if self.error_code.0 > 0x7F {
            return Err(MsdpError::Invalid {
                field: "error code",
                offset: HEADER_LEN,
                reason: "the error code is seven bits (0 to 127)",
            });
        }
        let too_small = MsdpError::BufferTooSmall {
            needed: self.value_len(),
            available: value.len(),
        };
        let (fixed, data) = value.split_at_mut_checked(2).ok_or(too_small)?;
        let o_bit = if self.open_bit { 0x80 } else { 0 };
        fixed.copy_from_slice(&[o_bit | self.error_code.0, self.error_subcode]);
        if data.len() != self.data.len() {
            return Err(too_small);
        }
        data.copy_from_slice(self.data);
        Ok(())
    }
}

impl fmt::Display for Notification<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Notification {}", self.error_code)?;
        match self.error_code.subcode_name(self.error_subcode) {
            Some(name) => write!(f, " / {name}")?,
            None => write!(f, " / subcode {}", self.error_subcode)?,
        }
        write!(
            f,
            " (O-bit {}, {} data bytes)",
            u8::from(self.open_bit),
            self.data.len()
        )
    }
}
