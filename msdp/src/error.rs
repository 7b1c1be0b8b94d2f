//! The one error type of the crate.

/// Everything that can go wrong while parsing or emitting MSDP messages.
///
/// Offsets count bytes from the first byte of the TLV (its Type field) being parsed. Every
/// variant but [`MsdpError::BufferTooSmall`] describes malformed input: RFC 3618 §11 treats such
/// a message as a TLV format error, which closes the peering (see [`MsdpError::closes_peering`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, thiserror::Error)]
#[non_exhaustive]
pub enum MsdpError {
    /// A field extends past the end of the TLV or of the input.
    #[error(
        "{field} at offset {offset} is truncated: {needed} bytes needed, {available} available"
    )]
    Truncated {
        /// The field that does not fit, named as in RFC 3618 §12.
        field: &'static str,
        /// Offset of the field from the start of the TLV.
        offset: usize,
        /// Bytes the field needs.
        needed: usize,
        /// Bytes that are there.
        available: usize,
    },
    /// The TLV Length field is below 3 (the Type and Length fields alone) or above the maximum
    /// message size (RFC 3618 §12.1, §12.2.1).
    #[error("TLV length {length} at offset {offset} is outside {minimum}..={maximum}")]
    Length {
        /// Offset of the Length field from the start of the TLV.
        offset: usize,
        /// The length the TLV claims.
        length: usize,
        /// The smallest length any TLV may have (3).
        minimum: usize,
        /// The largest length any TLV may have (9192).
        maximum: usize,
    },
    /// A field holds a value the RFC does not allow (a Notification error code above 127, a
    /// message too large to encode, more than 255 Source-Active entries).
    #[error("invalid {field} at offset {offset}: {reason}")]
    Invalid {
        /// The field, named as in RFC 3618 §12.
        field: &'static str,
        /// Offset of the field from the start of the TLV.
        offset: usize,
        /// Why the value is refused.
        reason: &'static str,
    },
    /// The caller's output buffer cannot hold the message.
    #[error("buffer too small: {needed} bytes needed, {available} available")]
    BufferTooSmall {
        /// Bytes the encoding needs.
        needed: usize,
        /// Bytes the buffer has.
        available: usize,
    },
}

impl MsdpError {
    /// Whether this error, met while reading from a peer, is the TLV format error after which
    /// RFC 3618 §11 drops the peering (every parse error is; a full output buffer is not).
    #[must_use]
    pub const fn closes_peering(&self) -> bool {
        !matches!(self, Self::BufferTooSmall { .. })
    }
}
