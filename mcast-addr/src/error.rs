//! The one error type of the crate.

use core::net::IpAddr;

/// Why an address, a field of an address or a piece of text was refused.
///
/// Every variant says which field was wrong and why, with the RFC rule that was broken in
/// `reason`, so a message built from it can be acted on without reading the code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, thiserror::Error)]
#[non_exhaustive]
pub enum AddrError {
    /// The address is not in the multicast range: 224.0.0.0/4 for IPv4 (RFC 1112 §4, RFC 5771),
    /// ff00::/8 for IPv6 (RFC 4291 §2.7).
    #[error("{address} is not a multicast address")]
    NotMulticast {
        /// The address that was given.
        address: IpAddr,
    },
    /// A field of a structured address holds a value its RFC forbids: the prefix length of a
    /// unicast-prefix-based address (RFC 3306 §4), the RIID of an embedded-RP address (RFC 3956
    /// §3), a flag combination (RFC 4291 §2.7), a prefix length out of range.
    #[error("invalid {field} {value}: {reason}")]
    Invalid {
        /// The field, named as the RFC names it (`"plen"`, `"RIID"`, `"flags"`…).
        field: &'static str,
        /// The value found in the field.
        value: u32,
        /// Why the value is refused, with the RFC section that says so.
        reason: &'static str,
    },
    /// Text could not be parsed as the value asked for.
    #[error("cannot parse {what}: {reason} at byte {offset}")]
    Parse {
        /// What was being parsed (`"MAC address"`, `"IPv4 address"`…).
        what: &'static str,
        /// Byte offset in the text where parsing failed.
        offset: usize,
        /// What was wrong there.
        reason: &'static str,
    },
}
