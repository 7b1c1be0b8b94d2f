//! Seed inputs for every target: messages taken from the shared conformance captures (read at run
//! time, never committed) and messages the crates build themselves.

use mcast_testkit::{captures_available, frames_with_protocol, proto};

/// Every seed, as (target name, input).
#[must_use]
pub fn all() -> Vec<(&'static str, Vec<u8>)> {
    let mut seeds = Vec::new();
    let captures = captures_available();
    for frame in capture_payloads(captures, "tcpdump/IGMP_V2.pcap", proto::IGMP) {
        let mut input = vec![3];
        input.extend_from_slice(&frame);
        seeds.push(("checksum", input));
    }
    seeds
}

/// The IP payloads of one protocol in one capture, or nothing when the captures are absent.
fn capture_payloads(available: bool, name: &str, protocol: u8) -> Vec<Vec<u8>> {
    if !available {
        return Vec::new();
    }
    frames_with_protocol(name, protocol)
        .into_iter()
        .map(|f| f.payload)
        .collect()
}
