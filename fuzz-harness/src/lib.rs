// Checks panic by design, index the fuzzer's bytes freely, and read best as one long function per
// property.
#![allow(
    clippy::missing_panics_doc,
    clippy::indexing_slicing,
    clippy::arithmetic_side_effects,
    clippy::too_many_lines
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
pub mod dvmrp;
pub mod dvmrp_sm;
pub mod gmp;
pub mod gmp_sm;
pub mod msdp;
pub mod msdp_sm;
pub mod pim;
pub mod pim_sm;
pub mod proxy;
pub mod rng;
pub mod seeds;
pub mod snoop;

/// A fuzz target: its name (as `cargo fuzz list` shows it) and its check.
#[derive(Clone, Copy)]
pub struct Target {
    /// Target name, also the folder of its corpus and regression inputs.
    pub name: &'static str,
    /// The check: panics on a broken invariant.
    pub check: fn(&[u8]),
}

/// Every fuzz target of the workspace.
pub const TARGETS: &[Target] = &[
    Target {
        name: "checksum",
        check: addr::checksum,
    },
    Target {
        name: "mac_mapping",
        check: addr::mac_mapping,
    },
    Target {
        name: "igmp_parse",
        check: gmp::igmp_parse,
    },
    Target {
        name: "mld_parse",
        check: gmp::mld_parse,
    },
    Target {
        name: "gmp_roundtrip",
        check: gmp::gmp_roundtrip,
    },
    Target {
        name: "gmp_report_split",
        check: gmp::gmp_report_split,
    },
    Target {
        name: "gmp_query_split",
        check: gmp::gmp_query_split,
    },
    Target {
        name: "gmp_router",
        check: gmp_sm::gmp_router,
    },
    Target {
        name: "gmp_host",
        check: gmp_sm::gmp_host,
    },
    Target {
        name: "igmp_snoop",
        check: snoop::igmp_snoop,
    },
    Target {
        name: "igmp_proxy",
        check: proxy::igmp_proxy,
    },
    Target {
        name: "dvmrp_parse",
        check: dvmrp::dvmrp_parse,
    },
    Target {
        name: "dvmrp_roundtrip",
        check: dvmrp::dvmrp_roundtrip,
    },
    Target {
        name: "dvmrp_report_split",
        check: dvmrp::dvmrp_report_split,
    },
    Target {
        name: "dvmrp_router",
        check: dvmrp_sm::dvmrp_router,
    },
    Target {
        name: "msdp_parse",
        check: msdp::msdp_parse,
    },
    Target {
        name: "msdp_stream",
        check: msdp::msdp_stream,
    },
    Target {
        name: "msdp_roundtrip",
        check: msdp::msdp_roundtrip,
    },
    Target {
        name: "msdp_speaker",
        check: msdp_sm::msdp_speaker,
    },
    Target {
        name: "pim_parse_ipv4",
        check: pim::pim_parse_ipv4,
    },
    Target {
        name: "pim_parse_ipv6",
        check: pim::pim_parse_ipv6,
    },
    Target {
        name: "pim_roundtrip",
        check: pim::pim_roundtrip,
    },
    Target {
        name: "pim_join_prune_split",
        check: pim::pim_join_prune_split,
    },
    Target {
        name: "pim_bootstrap_split",
        check: pim::pim_bootstrap_split,
    },
    Target {
        name: "pim_router",
        check: pim_sm::pim_router,
    },
];

/// The target called `name`.
#[must_use]
pub fn target(name: &str) -> Option<Target> {
    TARGETS.iter().copied().find(|t| t.name == name)
}

/// `data` in lowercase hex, for reports of failing inputs.
#[must_use]
pub fn hex(data: &[u8]) -> String {
    use core::fmt::Write;
    data.iter().fold(String::new(), |mut out, b| {
        let _ = write!(out, "{b:02x}");
        out
    })
}
