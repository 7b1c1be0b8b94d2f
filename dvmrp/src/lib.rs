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
//! DVMRP, the Distance Vector Multicast Routing Protocol (draft-ietf-idmr-dvmrp-v3-11, RFC 1075).
//!
//! Work in progress.

#[cfg(feature = "alloc")]
extern crate alloc;
#[cfg(any(feature = "std", test))]
extern crate std;

mod error;
pub mod wire;

pub use error::DvmrpError;
