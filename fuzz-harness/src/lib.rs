#![allow(
    clippy::missing_panics_doc,
    clippy::indexing_slicing,
    clippy::arithmetic_side_effects
)]
//! The checks behind every fuzz target of the workspace.
//!
//! Each target is a plain function over the fuzzer's bytes that panics when an invariant breaks:
//! a parser that panics, loops or over-reads; a message that does not re-emit to the same bytes; a
//! splitter that loses, duplicates or oversizes; a state machine that leaves a due timer behind,
//! exceeds a configured limit or transmits something its own codec rejects. The cargo-fuzz crate in
//! `fuzz/` calls these functions under libFuzzer on nightly; on stable, `cargo test` runs them over
//! the committed inputs in `fuzz/regressions/<target>/` and over the seeds built from the
//! conformance captures.

pub mod addr;
pub mod seeds;

/// A fuzz target: its name (as `cargo fuzz list` shows it) and its check.
#[derive(Clone, Copy)]
pub struct Target {
    /// Target name, also the folder of its corpus and regression inputs.
    pub name: &'static str,
    /// The check: panics on a broken invariant.
    pub check: fn(&[u8]),
}

/// Every fuzz target of the workspace.
pub const TARGETS: &[Target] = &[Target {
    name: "checksum",
    check: addr::checksum,
}];

/// The target called `name`.
#[must_use]
pub fn target(name: &str) -> Option<Target> {
    TARGETS.iter().copied().find(|t| t.name == name)
}
