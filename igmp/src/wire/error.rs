//! The one error type of the crate: every variant names the field, the offset and why.

/// Why a message could not be parsed or built.
///
/// Offsets count bytes from the first byte of the IGMP or MLD message (not the IP header).
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The message ends before `field` does.
    #[error("{field} truncated at offset {offset}: needs {needed} bytes, {available} available")]
    Truncated {
        /// The field (RFC name) that does not fit.
        field: &'static str,
        /// Offset of the field in the message.
        offset: usize,
        /// Bytes the field needs from `offset`.
        needed: usize,
        /// Bytes there are from `offset`.
        available: usize,
    },
    /// `field` holds a value the RFCs do not allow.
    #[error("invalid {field} at offset {offset}: {reason}")]
    Invalid {
        /// The field (RFC name) at fault.
        field: &'static str,
        /// Offset of the field in the message.
        offset: usize,
        /// Why the value is not allowed, with the RFC section.
        reason: &'static str,
    },
    /// The Internet checksum (RFC 1071) of the message is wrong.
    #[error("wrong checksum: the message carries {received:#06x}, its bytes give {computed:#06x}")]
    Checksum {
        /// The checksum the bytes of the message call for.
        computed: u16,
        /// The checksum field as received.
        received: u16,
    },
    /// The caller's buffer is too small for the message.
    #[error("buffer too small: {needed} bytes needed, {available} available")]
    BufferTooSmall {
        /// Bytes needed.
        needed: usize,
        /// Bytes in the buffer.
        available: usize,
    },
    /// The MTU leaves no room for one `item` (RFC 3376/9776 §4.2.16, RFC 3810 §5.2.15).
    #[error("MTU {mtu} too small: one {item} needs a {needed}-byte packet")]
    MtuTooSmall {
        /// The MTU asked for.
        mtu: u32,
        /// What does not fit (a group record with its first source, say).
        item: &'static str,
        /// The smallest IP packet, header included, that would hold it.
        needed: usize,
    },
}

impl Error {
    /// A [`Error::Truncated`] error.
    pub(crate) const fn truncated(
        field: &'static str,
        offset: usize,
        needed: usize,
        available: usize,
    ) -> Self {
        Self::Truncated {
            field,
            offset,
            needed,
            available,
        }
    }

    /// An [`Error::Invalid`] error.
    pub(crate) const fn invalid(field: &'static str, offset: usize, reason: &'static str) -> Self {
        Self::Invalid {
            field,
            offset,
            reason,
        }
    }
}
