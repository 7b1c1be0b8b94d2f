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
//! IGMP (IPv4) and MLD (IPv6) group management: codecs and state machines.
//!
//! Work in progress: the codec (RFC 1112, RFC 2236, RFC 3376 as revised by RFC 9776, RFC 2710,
//! RFC 3810, RFC 4286) and the Sans-IO router and host state machines land here.

#[cfg(feature = "alloc")]
extern crate alloc;
#[cfg(any(feature = "std", test))]
extern crate std;

#[cfg(feature = "alloc")]
pub mod gmp;
#[cfg(feature = "alloc")]
pub mod host;
#[cfg(feature = "alloc")]
pub mod router;
