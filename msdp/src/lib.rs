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
//! MSDP, the Multicast Source Discovery Protocol (RFC 3618): a zero-copy TLV codec, a Sans-IO
//! stream decoder and, with the `alloc` feature, the Sans-IO speaker.
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
//! - [`speaker`] (feature `alloc`): [`speaker::Speaker`], every peering of an MSDP instance —
//!   the peer machine of RFC 3618 §11, the SA cache with its SG-State timers, peer-RPF
//!   flooding (§10.1.3) and mesh groups (§10.2), SA filters and limits, SA origination for the
//!   sources of the domain, SA-Request/Response, and the (S,G) joins an RP with (*,G)
//!   receivers makes. It drives TCP through events and byte buffers, never a socket.
//!
//! The codec and the stream decoder allocate nothing and read no socket or clock: without
//! features the crate is `no_std` and allocation-free.
//!
//! # Calling the speaker
//!
//! 1. Configure: [`speaker::Speaker::new`], then [`speaker::Speaker::add_peer`] per peering
//!    and [`speaker::Speaker::set_rpf_route`] for what the MRIB knows about the RPs.
//! 2. Inputs, each with `now`: what TCP did (`handle_connected`, `handle_connect_failed`,
//!    `handle_closed`), the bytes each read returned (`handle_bytes`), the PIM RP's sources
//!    (`add_local_source`, `remove_local_source`, which take the caller's [`rand_core::Rng`])
//!    and (*,G) state (`set_star_g_interest`), and `handle_timeout` when `poll_timeout` says;
//!    it fires every timer due and leaves none due behind.
//! 3. After each input: write every [`speaker::Transmit`] of `poll_transmit` to its peer's
//!    connection, act on every [`speaker::SpeakerEvent`] of `poll_event` (connect, listen,
//!    close; join or prune (S,G); forward a decapsulated packet), and wait for the new
//!    `poll_timeout`.
//!
//! The same inputs give the same outputs, byte for byte: ordered maps throughout, one
//! [`mcast_addr::timer::TimerMap`] keyed by the RFC's timer names
//! ([`speaker::SpeakerTimer`]).
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
