//! The capture decoder: frames in, [`Record`]s out.
//!
//! [`Decoder::decode_frame`] takes one captured frame, finds the IP packets in it
//! ([`link`]: Ethernet and VLANs, Linux cooked v1 and v2, raw IP, GRE tunnels) and hands each
//! payload of a protocol it knows to that protocol's crate: IGMP, MLD and DVMRP to
//! `mcast-igmp` and `mcast-dvmrp`, PIM to `mcast-pim`, MSDP (TCP port 639, reassembled) to `mcast-msdp`. Each
//! message gives one record; a message the crate refuses gives one record naming the error and
//! its offset, and decoding goes on with the next frame.
//!
//! ```no_run
//! use mcast_tools::decode::{ProtocolSet, decode_file};
//!
//! let records = decode_file("capture.pcap".as_ref(), ProtocolSet::ALL)?;
//! for record in &records {
//!     println!("{}", serde_json::to_string(record)?);
//! }
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

pub mod igmp;
pub mod link;
pub mod msdp;
pub mod pim;
pub mod record;

use std::net::IpAddr;
use std::path::Path;

pub use record::{
    Body, ChecksumStatus, DecodeError, DvmrpBody, DvmrpRecord, IgmpRecord, Message, MldRecord,
    MsdpRecord, Protocol, Record,
};

use crate::capture::{CaptureError, CaptureReader, Frame};
use link::IpPacket;
use msdp::{MSDP_PORT, MsdpStreams};

/// IP protocol numbers.
const IGMP: u8 = 2;
const TCP: u8 = 6;
const ICMPV6: u8 = 58;
const PIM: u8 = 103;

/// A set of protocols (the `--protocol` filter).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ProtocolSet(u8);

impl ProtocolSet {
    /// Every protocol.
    pub const ALL: Self = Self(0x1f);
    /// No protocol.
    pub const NONE: Self = Self(0);

    const fn bit(protocol: Protocol) -> u8 {
        match protocol {
            Protocol::Igmp => 1,
            Protocol::Mld => 2,
            Protocol::Pim => 4,
            Protocol::Dvmrp => 8,
            Protocol::Msdp => 16,
        }
    }

    /// The set with `protocol` added.
    #[must_use]
    pub const fn with(self, protocol: Protocol) -> Self {
        Self(self.0 | Self::bit(protocol))
    }

    /// Whether `protocol` is in the set.
    #[must_use]
    pub const fn contains(self, protocol: Protocol) -> bool {
        self.0 & Self::bit(protocol) != 0
    }
}

impl FromIterator<Protocol> for ProtocolSet {
    fn from_iter<I: IntoIterator<Item = Protocol>>(iter: I) -> Self {
        iter.into_iter().fold(Self::NONE, Self::with)
    }
}

/// What a protocol decoder made of one message, before the frame's details are added.
#[derive(Debug, Clone, PartialEq)]
pub struct Decoded {
    /// The protocol of the message.
    pub protocol: Protocol,
    /// The checksum outcome, if the checksum could be checked.
    pub checksum: Option<ChecksumStatus>,
    /// The message or the error.
    pub body: Body,
}

/// Decodes the frames of one capture, in order (MSDP reassembly keeps state across frames).
pub struct Decoder {
    protocols: ProtocolSet,
    msdp: MsdpStreams,
}

impl Decoder {
    /// A decoder that keeps the records of `protocols`.
    #[must_use]
    pub fn new(protocols: ProtocolSet) -> Self {
        Self {
            protocols,
            msdp: MsdpStreams::default(),
        }
    }

    /// Decodes `frame` and appends its records to `out` (none for a frame that holds nothing
    /// of ours).
    pub fn decode_frame(&mut self, frame: &Frame<'_>, out: &mut Vec<Record>) {
        link::ip_packets(frame.link_type, frame.data, &mut |packet| {
            self.decode_packet(frame, packet, out);
        });
    }

    fn decode_packet(&mut self, frame: &Frame<'_>, packet: &IpPacket<'_>, out: &mut Vec<Record>) {
        let record = |decoded: Decoded, length: usize| Record {
            frame: frame.number,
            time: frame.timestamp,
            source: packet.source,
            destination: packet.destination,
            source_port: None,
            destination_port: None,
            protocol: decoded.protocol,
            length,
            truncated: packet.incomplete,
            checksum: decoded.checksum,
            body: decoded.body,
        };
        let payload = packet.payload;
        let decoded = match (packet.protocol, packet.source, packet.destination) {
            (IGMP, _, _) => {
                if !self.protocols.contains(Protocol::Igmp)
                    && !self.protocols.contains(Protocol::Dvmrp)
                {
                    return;
                }
                igmp::decode_igmp(payload)
            }
            (ICMPV6, IpAddr::V6(source), IpAddr::V6(destination)) => {
                match payload.first() {
                    Some(t) if igmp::is_mld_type(*t) => {}
                    _ => return,
                }
                if !self.protocols.contains(Protocol::Mld) {
                    return;
                }
                igmp::decode_mld(payload, source, destination)
            }
            (PIM, source, destination) => {
                if !self.protocols.contains(Protocol::Pim) {
                    return;
                }
                pim::decode_pim(payload, source, destination)
            }
            (TCP, _, _) => {
                let Some(tcp) = &packet.tcp else { return };
                if tcp.source_port != MSDP_PORT && tcp.destination_port != MSDP_PORT {
                    return;
                }
                if !self.protocols.contains(Protocol::Msdp) {
                    return;
                }
                self.msdp
                    .segment(packet.source, packet.destination, tcp, &mut |output| {
                        out.push(Record {
                            source_port: Some(tcp.source_port),
                            destination_port: Some(tcp.destination_port),
                            ..record(
                                Decoded {
                                    protocol: Protocol::Msdp,
                                    checksum: None,
                                    body: output.body,
                                },
                                output.length,
                            )
                        });
                    });
                return;
            }
            _ => return,
        };
        if self.protocols.contains(decoded.protocol) {
            let mut decoded = decoded;
            if (packet.incomplete || packet.fragmented) && decoded.checksum.is_some() {
                // The checksum covers bytes the capture does not hold.
                decoded.checksum = Some(ChecksumStatus::Unverified);
            }
            out.push(record(decoded, payload.len()));
        }
    }
}

/// Decodes every frame of the capture at `path` and returns the records of `protocols`.
///
/// # Errors
/// [`CaptureError`] if the file cannot be read as pcap or pcapng.
pub fn decode_file(path: &Path, protocols: ProtocolSet) -> Result<Vec<Record>, CaptureError> {
    let mut reader = CaptureReader::open(path)?;
    let mut decoder = Decoder::new(protocols);
    let mut records = Vec::new();
    while let Some(frame) = reader.next_frame() {
        decoder.decode_frame(&frame?, &mut records);
    }
    Ok(records)
}
