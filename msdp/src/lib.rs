#![no_std]
#![cfg_attr(docsrs, feature(doc_cfg))]
// Untrusted input must never reach a panic: library code may not unwrap, index or do unchecked
// arithmetic. Tests, benches and examples are separate crates or `cfg(test)` and may.
#![cfg_attr(
    not(test),
    deny(
        clippy::unwrap_used,
        clippy::expect_used,
        clippy::panic,
        clippy::indexing_slicing,
        clippy::arithmetic_side_effects,
        clippy::unimplemented,
        clippy::todo
    )
)]
//! MSDP, the Multicast Source Discovery Protocol (RFC 3618): a zero-copy TLV codec and a Sans-IO
//! stream decoder.
//!
//! - [`wire`]: every MSDP message as a small struct whose lists and payloads borrow the input:
//!   Source-Active with its (S,G) entries and encapsulated data packet, Source-Active Request and
//!   Response, KeepAlive, the draft-era Notification, and any other TLV kept raw.
//!   [`wire::Message::parse`] reads one TLV, [`wire::Message::emit`] writes one into a caller's
//!   buffer, and `parse(emit(m)) == m`.
//! - [`stream`]: [`stream::StreamDecoder`] turns the bytes each TCP read returned, cut anywhere,
//!   into whole messages, holding at most one maximum-size TLV (9192 bytes, in a fixed array);
//!   [`stream::Encoder`] writes messages back to back for one TCP write.
//!
//! Nothing here allocates, reads a socket or a clock: the crate is `no_std` without features.
//!
//! # Example
//!
//! A Source-Active learned from a PIM Register, with the data packet it carried, goes out and
//! comes back through a TCP stream that delivers one byte at a time:
//!
//! ```
//! use core::net::Ipv4Addr;
//! use mcast_msdp::stream::{Encoder, StreamDecoder};
//! use mcast_msdp::wire::{Keepalive, Message, SaEntry, SourceActive};
//!
//! let entries = [SaEntry::new(Ipv4Addr::new(172, 16, 40, 10), Ipv4Addr::new(239, 1, 2, 3))];
//! let data_packet = [0x45, 0, 0, 20, 0, 0, 0, 0, 15, 17, 0, 0, 172, 16, 40, 10, 239, 1, 2, 3];
//! let sa = Message::SourceActive(SourceActive {
//!     rp_address: Ipv4Addr::new(2, 2, 2, 2),
//!     entries: &entries,
//!     encapsulated_data: &data_packet,
//! });
//!
//! // Sender: two messages into one buffer.
//! let mut out = [0u8; 64];
//! let mut encoder = Encoder::new(&mut out);
//! encoder.push(&sa)?;
//! encoder.push(&Message::Keepalive(Keepalive::default()))?;
//! let wire = encoder.as_bytes();
//! assert_eq!(wire.len(), 20 + 20 + 3);
//!
//! // Receiver: whatever TCP delivers, one byte at a time here.
//! let mut decoder = StreamDecoder::new();
//! let mut received = 0;
//! for byte in wire.chunks(1) {
//!     let mut input = byte;
//!     loop {
//!         let (used, message) = decoder.decode(input)?;
//!         input = &input[used..];
//!         let Some(message) = message else { break };
//!         received += 1;
//!         if let Message::SourceActive(got) = message {
//!             assert_eq!(got.entries[0].source_address(), Ipv4Addr::new(172, 16, 40, 10));
//!             assert_eq!(got.encapsulated_data, &data_packet[..]);
//!         }
//!     }
//! }
//! assert_eq!(received, 2);
//! # Ok::<(), mcast_msdp::MsdpError>(())
//! ```
//!
//! # Errors and the peering
//!
//! Every parse error ([`MsdpError`]) names the field, its offset in the TLV and why. A Length
//! below 3 or above 9192, a Source-Active whose Entry Count does not fit its Length, or a
//! message too short for its fixed fields is a TLV format error: RFC 3618 §11 closes the
//! peering, and the stream decoder stops there ([`MsdpError::closes_peering`]). Reserved bytes
//! are ignored and kept; a TLV longer than its type needs is accepted and the extra bytes are
//! kept aside (RFC 3618 §12); unknown types are kept raw.

#[cfg(feature = "alloc")]
extern crate alloc;
#[cfg(any(feature = "std", test))]
extern crate std;

mod error;
#[cfg(feature = "alloc")]
#[cfg_attr(docsrs, doc(cfg(feature = "alloc")))]
pub mod speaker;
pub mod stream;
pub mod wire;

pub use error::MsdpError;
