#![no_std]
#![cfg_attr(docsrs, feature(doc_auto_cfg))]
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
//! Shared foundation of the `mcast` protocol crates.
//!
//! - [`family`]: IPv4 and IPv6 as types, so codecs and state machines are written once.
//! - [`checksum`]: the Internet checksum (RFC 1071), incremental and exact for any length.
//! - [`time`]: the caller's clock as a [`time::Timestamp`] (Sans-IO: nothing here reads a clock).
//! - [`timer`]: the keyed, deterministic timer map of every state machine (feature `alloc`).

#[cfg(feature = "alloc")]
extern crate alloc;
#[cfg(any(feature = "std", test))]
extern crate std;

pub mod checksum;
pub mod family;
pub mod time;
#[cfg(feature = "alloc")]
pub mod timer;
