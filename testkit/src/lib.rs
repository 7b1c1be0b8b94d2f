//! Test support shared by the crates of the workspace (not published).
//!
//! Reads the public captures in `../shared/captures/` (beside the repository checkout; override the
//! folder with the `MCAST_CAPTURES` environment variable) and hands each test the IP payloads it
//! wants, with the frame numbers that Wireshark and tcpdump show. Link and IP layers are parsed by
//! `etherparse`, the pcap container by `pcap-file`: the crates under test only see their own
//! protocol's bytes.
#![allow(clippy::missing_panics_doc)]

use std::net::IpAddr;
use std::path::PathBuf;

use etherparse::{LaxNetSlice, LaxSlicedPacket, TransportSlice};

/// IP protocol numbers of the protocols the workspace speaks.
pub mod proto {
    /// IGMP, and DVMRP, mtrace and PIMv1 over it (RFC 1112).
    pub const IGMP: u8 = 2;
    /// TCP, which carries MSDP (RFC 3618).
    pub const TCP: u8 = 6;
    /// ICMPv6, which carries MLD (RFC 3810).
    pub const ICMPV6: u8 = 58;
    /// PIM (RFC 7761).
    pub const PIM: u8 = 103;
    /// GRE (RFC 2784), a tunnel some captures carry PIM in.
    pub const GRE: u8 = 47;
}

/// One IP packet of a capture, reduced to what protocol tests need.
#[derive(Debug, Clone)]
pub struct Frame {
    /// 1-based frame number, as Wireshark and tcpdump count.
    pub number: usize,
    /// IP source address.
    pub source: IpAddr,
    /// IP destination address.
    pub destination: IpAddr,
    /// IP protocol (IPv4) or final next header after extension headers (IPv6).
    pub protocol: u8,
    /// The IP payload as captured (may be shorter than the IP header says for truncated frames).
    pub payload: Vec<u8>,
    /// Whether the IP header claims more payload than was captured.
    pub incomplete: bool,
    /// For TCP: (source port, destination port, sequence number, segment payload).
    pub tcp: Option<TcpSegment>,
}

/// A TCP segment of a capture (for MSDP stream reassembly).
#[derive(Debug, Clone)]
pub struct TcpSegment {
    /// Source port.
    pub source_port: u16,
    /// Destination port.
    pub destination_port: u16,
    /// Sequence number of the first payload byte.
    pub sequence: u32,
    /// Whether SYN is set (the sequence number of the first data byte is one more).
    pub syn: bool,
    /// Segment payload.
    pub payload: Vec<u8>,
}

/// The folder holding the shared captures.
#[must_use]
pub fn captures_dir() -> PathBuf {
    if let Some(dir) = std::env::var_os("MCAST_CAPTURES") {
        return PathBuf::from(dir);
    }
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared/captures")
}

/// Whether the shared captures are present (tests that need them say so and skip when not).
#[must_use]
pub fn captures_available() -> bool {
    captures_dir().join("README.md").is_file()
}

/// Raw link-layer frames of a capture (`name` relative to the captures folder, such as
/// `"tcpdump/IGMP_V2.pcap"`), numbered from 1.
///
/// # Panics
/// If the file cannot be read as pcap: a test fixture that is missing is a test failure.
#[must_use]
pub fn read_link_frames(name: &str) -> Vec<(usize, Vec<u8>)> {
    let path = captures_dir().join(name);
    let file = std::fs::File::open(&path)
        .unwrap_or_else(|e| panic!("cannot open capture {}: {e}", path.display()));
    let mut reader = pcap_file::pcap::PcapReader::new(std::io::BufReader::new(file))
        .unwrap_or_else(|e| panic!("{} is not a pcap file: {e}", path.display()));
    let mut frames = Vec::new();
    let mut number = 0;
    while let Some(packet) = reader.next_raw_packet() {
        let packet = packet.unwrap_or_else(|e| panic!("{}: bad record: {e}", path.display()));
        number += 1;
        frames.push((number, packet.data.into_owned()));
    }
    frames
}

/// Every IP packet of an Ethernet capture, with VLAN tags and GRE tunnels (RFC 2784/2890,
/// carrying IPv4 or IPv6) unwrapped.
#[must_use]
pub fn read_ip_frames(name: &str) -> Vec<Frame> {
    let mut out = Vec::new();
    for (number, data) in read_link_frames(name) {
        if let Ok(packet) = LaxSlicedPacket::from_ethernet(&data) {
            push_packet(number, &packet, &mut out, 0);
        }
    }
    out
}

/// The frames of a capture whose IP protocol is `protocol`.
#[must_use]
pub fn frames_with_protocol(name: &str, protocol: u8) -> Vec<Frame> {
    read_ip_frames(name)
        .into_iter()
        .filter(|f| f.protocol == protocol)
        .collect()
}

fn push_packet(number: usize, packet: &LaxSlicedPacket<'_>, out: &mut Vec<Frame>, depth: u8) {
    let (source, destination, payload) = match &packet.net {
        Some(LaxNetSlice::Ipv4(ip)) => (
            IpAddr::V4(ip.header().source_addr()),
            IpAddr::V4(ip.header().destination_addr()),
            ip.payload(),
        ),
        Some(LaxNetSlice::Ipv6(ip)) => (
            IpAddr::V6(ip.header().source_addr()),
            IpAddr::V6(ip.header().destination_addr()),
            ip.payload(),
        ),
        _ => return,
    };
    let protocol = payload.ip_number.0;
    if protocol == proto::GRE && depth == 0 {
        if let Some((ether_type, inner)) = gre_payload(payload.payload) {
            // Transparent Ethernet Bridging and ERSPAN type II (8-byte header) carry Ethernet.
            let ethernet = match ether_type {
                0x6558 => Some(inner),
                0x88be => inner.get(8..),
                _ => None,
            };
            // A shim of 8 bytes whose first two name the inner EtherType (seen in tcpdump's GRE
            // tests as protocol 0x8909).
            let (ether_type, inner) = match (ether_type, inner.get(..2), inner.get(8..)) {
                (0x8909, Some(t), Some(rest)) => (u16::from_be_bytes([t[0], t[1]]), rest),
                _ => (ether_type, inner),
            };
            let inner = match ethernet {
                Some(frame) => LaxSlicedPacket::from_ethernet(frame).ok(),
                None => Some(LaxSlicedPacket::from_ether_type(
                    etherparse::EtherType(ether_type),
                    inner,
                )),
            };
            if let Some(inner) = inner {
                push_packet(number, &inner, out, depth + 1);
            }
        }
        return;
    }
    let tcp = match &packet.transport {
        Some(TransportSlice::Tcp(tcp)) => Some(TcpSegment {
            source_port: tcp.source_port(),
            destination_port: tcp.destination_port(),
            sequence: tcp.sequence_number(),
            syn: tcp.syn(),
            payload: tcp.payload().to_vec(),
        }),
        _ => None,
    };
    out.push(Frame {
        number,
        source,
        destination,
        protocol,
        payload: payload.payload.to_vec(),
        incomplete: payload.incomplete,
        tcp,
    });
}

/// The protocol type and payload of a GRE packet (RFC 2784 §2, key and sequence of RFC 2890).
fn gre_payload(gre: &[u8]) -> Option<(u16, &[u8])> {
    let flags = u16::from_be_bytes([*gre.first()?, *gre.get(1)?]);
    let ether_type = u16::from_be_bytes([*gre.get(2)?, *gre.get(3)?]);
    let mut offset = 4;
    for bit in [0x8000u16, 0x2000, 0x1000] {
        // checksum (+ reserved1), key, sequence number: 4 bytes each when present
        if flags & bit != 0 {
            offset += 4;
        }
    }
    Some((ether_type, gre.get(offset..)?))
}

/// Reassembles the TCP payload of one direction of a connection, in sequence order, from the
/// segments of a capture (duplicates and retransmissions dropped). Gaps are skipped.
#[must_use]
pub fn tcp_stream(frames: &[Frame], source_port: u16, destination_port: u16) -> Vec<u8> {
    let mut segments: Vec<(u32, &[u8])> = frames
        .iter()
        .filter_map(|f| f.tcp.as_ref())
        .filter(|t| t.source_port == source_port && t.destination_port == destination_port)
        .filter(|t| !t.payload.is_empty())
        .map(|t| (t.sequence, t.payload.as_slice()))
        .collect();
    segments.sort_by_key(|(seq, _)| *seq);
    let mut stream = Vec::new();
    let mut next: Option<u32> = None;
    for (seq, data) in segments {
        let skip = match next {
            // Serial number arithmetic (RFC 1982): `seq` at or before `n`.
            Some(n) if n.wrapping_sub(seq) < 1 << 31 => n.wrapping_sub(seq) as usize,
            _ => 0,
        };
        if skip >= data.len() {
            continue;
        }
        stream.extend_from_slice(&data[skip..]);
        next = Some(seq.wrapping_add(data.len() as u32));
    }
    stream
}

/// The captured output that tcpdump's regression suite expects for a capture
/// (`tcpdump/expected/NAME`), one line per frame.
#[must_use]
pub fn tcpdump_expected(name: &str) -> String {
    let path = captures_dir().join("tcpdump/expected").join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
}

/// Skips the calling test (returning `true`) when the shared captures are not beside the checkout.
#[must_use]
pub fn skip_without_captures() -> bool {
    if captures_available() {
        return false;
    }
    eprintln!(
        "shared captures not found at {}: skipping",
        captures_dir().display()
    );
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_igmp_v2_capture() {
        if skip_without_captures() {
            return;
        }
        let frames = frames_with_protocol("tcpdump/IGMP_V2.pcap", proto::IGMP);
        assert_eq!(frames.len(), 18);
        assert!(frames.iter().all(|f| f.payload.len() >= 8));
    }

    #[test]
    fn unwraps_gre() {
        if skip_without_captures() {
            return;
        }
        let frames = frames_with_protocol("tcpdump/various_gre.pcap", proto::PIM);
        assert_eq!(frames.len(), 2);
        let frames = frames_with_protocol("tcpdump/erspan-type-ii-1.pcap", proto::PIM);
        assert_eq!(frames.len(), 1);
    }

    #[test]
    fn reassembles_msdp() {
        if skip_without_captures() {
            return;
        }
        let frames = frames_with_protocol("packetlife/MSDP.cap", proto::TCP);
        let ports: std::collections::BTreeSet<(u16, u16)> = frames
            .iter()
            .filter_map(|f| f.tcp.as_ref())
            .map(|t| (t.source_port, t.destination_port))
            .collect();
        let total: usize = ports
            .iter()
            .map(|(s, d)| tcp_stream(&frames, *s, *d).len())
            .sum();
        assert!(total > 0);
    }
}
