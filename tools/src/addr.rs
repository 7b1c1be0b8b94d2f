//! `mcast addr`: what `mcast-addr` knows about an address, for a person at a terminal —
//! registry block and RFC, scope, SSM, GLOP, unicast-prefix-based and embedded-RP decoding, the
//! MAC address a group maps to and the other groups that share it; and for a MAC address, the
//! groups that map to it. The words are [`mcast_addr::describe`]'s.

use std::fmt::Write as _;
use std::io::Write as _;
use std::process::ExitCode;

use mcast_addr::describe::{Input, NOT_AN_ADDRESS};

/// Describes every address of `inputs`; fails if one of them is not an address.
#[must_use]
pub fn run(inputs: &[String]) -> ExitCode {
    let mut all_parsed = true;
    let mut out = String::new();
    for (i, input) in inputs.iter().enumerate() {
        if i > 0 {
            out.push('\n');
        }
        let (text, parsed) = describe(input);
        out.push_str(&text);
        all_parsed &= parsed;
    }
    let _ = std::io::stdout().lock().write_all(out.as_bytes());
    if all_parsed {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

/// Describes one address, headed by the address itself, and says whether it was one.
#[must_use]
pub fn describe(input: &str) -> (String, bool) {
    let mut out = String::new();
    let parsed = if let Ok(address) = input.parse::<Input>() {
        let _ = write!(out, "{address}\n{}", address.describe());
        true
    } else {
        let _ = writeln!(out, "{input}\n  {NOT_AN_ADDRESS}");
        false
    };
    (out, parsed)
}
