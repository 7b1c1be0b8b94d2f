//! The one error type of the crate: what went wrong, in which field, at which offset.
//!
//! Offsets count bytes from the first byte of the PIM common header (RFC 7761 §4.9), so an error
//! points at the same byte a packet dissector shows.

/// Everything that can go wrong when parsing or emitting a PIM message.
///
/// Every variant names the field it is about (`field`, the RFC's words) and, when parsing, the
/// byte offset of that field from the start of the PIM message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, thiserror::Error)]
#[non_exhaustive]
pub enum PimError {
    /// The message ends before `field` does.
    #[error("{field} at offset {offset}: needs {needed} bytes, only {available} left")]
    Truncated {
        /// The field that does not fit.
        field: &'static str,
        /// Offset of the field from the start of the message.
        offset: usize,
        /// Bytes the field needs.
        needed: usize,
        /// Bytes left in the message at that offset.
        available: usize,
    },
    /// A field holds a value its RFC does not allow.
    #[error("{field} at offset {offset}: {reason}")]
    Invalid {
        /// The offending field.
        field: &'static str,
        /// Offset of the field from the start of the message.
        offset: usize,
        /// Why the value is refused.
        reason: &'static str,
    },
    /// The PIM Ver field is not 2 (RFC 7761 §4.9).
    #[error("PIM version at offset 0: version {version} is not 2")]
    UnsupportedVersion {
        /// The version found.
        version: u8,
    },
    /// An encoded address carries an address family this crate does not know, or not the family
    /// of the packet it arrived in (RFC 7761 §4.9.1).
    #[error("{field} at offset {offset}: address family {family}, expected {expected}")]
    AddressFamily {
        /// The encoded address.
        field: &'static str,
        /// Offset of the Addr Family byte.
        offset: usize,
        /// The IANA address family number found.
        family: u8,
        /// The IANA address family number of the packet's family (1 for IPv4, 2 for IPv6).
        expected: u8,
    },
    /// An encoded address carries an Encoding Type this crate does not know (RFC 7761 §4.9.1:
    /// 0 is native; RFC 5384 §3 defines 1 for Encoded-Source addresses with Join Attributes).
    #[error("{field} at offset {offset}: unknown encoding type {encoding_type}")]
    EncodingType {
        /// The encoded address.
        field: &'static str,
        /// Offset of the Encoding Type byte.
        offset: usize,
        /// The encoding type found.
        encoding_type: u8,
    },
    /// A Mask Len is wider than the address family (RFC 7761 §4.9.1: at most 32 for IPv4,
    /// 128 for IPv6).
    #[error("{field} at offset {offset}: mask length {mask_length} exceeds {max}")]
    MaskLength {
        /// The encoded address.
        field: &'static str,
        /// Offset of the Mask Len byte.
        offset: usize,
        /// The mask length found.
        mask_length: u8,
        /// The family's address width in bits.
        max: u8,
    },
    /// A Hello option's length is not the one its type requires (RFC 7761 §4.9.2).
    #[error("{field} at offset {offset}: option length {length}, expected {expected}")]
    OptionLength {
        /// The option.
        field: &'static str,
        /// Offset of the option's type field.
        offset: usize,
        /// The Option Length found.
        length: u16,
        /// The length the option type requires.
        expected: u16,
    },
    /// The checksum does not match (RFC 7761 §4.9). For a Register, neither the RFC's 8-byte
    /// coverage nor the whole-message coverage some routers use matched; `computed` is the
    /// RFC's.
    #[error("checksum at offset 2: computed {computed:#06x}, received {received:#06x}")]
    Checksum {
        /// The checksum the message should carry.
        computed: u16,
        /// The checksum it carries.
        received: u16,
    },
    /// The caller's buffer cannot hold the message being emitted.
    #[error("buffer too small: {needed} bytes needed, {available} available")]
    BufferTooSmall {
        /// Bytes the message needs.
        needed: usize,
        /// Bytes the buffer has.
        available: usize,
    },
    /// A value to emit does not fit its field (more than 255 groups, 65535 sources, a message
    /// longer than an MTU allows, and so on).
    #[error("{field}: {value} does not fit, at most {max}")]
    TooLarge {
        /// The field that overflows.
        field: &'static str,
        /// The value that was asked for.
        value: usize,
        /// The largest value the field can hold.
        max: usize,
    },
}

/// Short for `Result<T, PimError>`.
pub type Result<T, E = PimError> = core::result::Result<T, E>;
