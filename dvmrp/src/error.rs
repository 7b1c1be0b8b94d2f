//! The one error type of the crate.

/// Everything that can go wrong while parsing or emitting DVMRP messages.
///
/// Offsets count bytes from the first byte of the IGMP message (its Type field, 0x13).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, thiserror::Error)]
#[non_exhaustive]
pub enum DvmrpError {
    /// A field extends past the end of the message.
    #[error(
        "{field} at offset {offset} is truncated: {needed} bytes needed, {available} available"
    )]
    Truncated {
        /// The field that does not fit, named as in draft-ietf-idmr-dvmrp-v3-11.
        field: &'static str,
        /// Offset of the field from the start of the IGMP message.
        offset: usize,
        /// Bytes the field needs.
        needed: usize,
        /// Bytes that are there.
        available: usize,
    },
    /// A field holds a value the draft does not allow.
    #[error("invalid {field} at offset {offset}: {reason}")]
    Invalid {
        /// The field, named as in draft-ietf-idmr-dvmrp-v3-11.
        field: &'static str,
        /// Offset of the field from the start of the IGMP message (0 for a value given to a
        /// builder).
        offset: usize,
        /// Why the value is refused.
        reason: &'static str,
    },
    /// The IGMP checksum (draft-ietf-idmr-dvmrp-v3-11 §3.1: the 16-bit one's complement of the
    /// one's complement sum of the whole message) does not match.
    #[error("bad checksum: computed {computed:#06x}, received {received:#06x}")]
    Checksum {
        /// The checksum the message should carry.
        computed: u16,
        /// The checksum it carries.
        received: u16,
    },
    /// The MTU given to the report builder leaves no room for a single route.
    #[error("MTU {mtu} leaves no room for a route: at least {minimum} bytes are needed")]
    MtuTooSmall {
        /// The MTU asked for.
        mtu: u32,
        /// The smallest MTU that carries the next route (IPv4 header included).
        minimum: u32,
    },
    /// The caller's output buffer cannot hold the message.
    #[error("buffer too small: {needed} bytes needed, {available} available")]
    BufferTooSmall {
        /// Bytes the encoding needs.
        needed: usize,
        /// Bytes the buffer has.
        available: usize,
    },
    /// A configuration value the router refuses.
    #[error("invalid configuration of {field}: {reason}")]
    Config {
        /// The setting.
        field: &'static str,
        /// Why it is refused.
        reason: &'static str,
    },
}
