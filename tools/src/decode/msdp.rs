//! MSDP over TCP port 639: segments put back in order per connection and direction, then
//! framed by `mcast-msdp`'s [`StreamDecoder`], so that a message spread over several segments
//! decodes once, whole, at the frame that completed it.

use std::collections::{BTreeMap, HashMap};
use std::net::IpAddr;

use mcast_msdp::MsdpError;
use mcast_msdp::stream::StreamDecoder;
use mcast_msdp::wire::{Message as MsdpMessage, SourceActive as WireSourceActive};

use super::link::TcpSegment;
use super::record::{Body, DecodeError, Message, MsdpRecord, SaEntry, SourceActive};

/// The TCP port of MSDP (RFC 3618 §5).
pub const MSDP_PORT: u16 = 639;

/// Bytes of out-of-order segments one direction may hold while it waits for a missing one;
/// past this, the missing bytes are taken as lost.
const MAX_PENDING: usize = 1 << 20;

/// One direction of one TCP connection.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
struct FlowKey {
    source: IpAddr,
    destination: IpAddr,
    source_port: u16,
    destination_port: u16,
}

/// The reassembly state of one direction.
struct Flow {
    /// Sequence number of the next byte the stream expects.
    next: Option<u32>,
    /// Segments that arrived ahead of `next`, by sequence number.
    pending: BTreeMap<u32, Vec<u8>>,
    pending_bytes: usize,
    decoder: Box<StreamDecoder>,
}

impl Flow {
    fn new() -> Self {
        Self {
            next: None,
            pending: BTreeMap::new(),
            pending_bytes: 0,
            decoder: Box::new(StreamDecoder::new()),
        }
    }
}

/// A decoded MSDP message or stream error, and its TLV length.
#[derive(Debug, Clone, PartialEq)]
pub struct MsdpOutput {
    /// Bytes of the TLV (0 for a stream error).
    pub length: usize,
    /// The message or error.
    pub body: Body,
}

/// Every MSDP stream of a capture.
#[derive(Default)]
pub struct MsdpStreams {
    flows: HashMap<FlowKey, Flow>,
}

impl MsdpStreams {
    /// Takes the segment of a packet from `source` to `destination` and calls `emit` with
    /// every message (or stream error) it completes, in stream order.
    pub fn segment(
        &mut self,
        source: IpAddr,
        destination: IpAddr,
        tcp: &TcpSegment<'_>,
        emit: &mut impl FnMut(MsdpOutput),
    ) {
        let key = FlowKey {
            source,
            destination,
            source_port: tcp.source_port,
            destination_port: tcp.destination_port,
        };
        if tcp.rst {
            self.flows.remove(&key);
            return;
        }
        let flow = self.flows.entry(key).or_insert_with(Flow::new);
        let mut sequence = tcp.sequence;
        if tcp.syn {
            // A new connection: the first data byte follows the SYN.
            *flow = Flow::new();
            sequence = sequence.wrapping_add(1);
            flow.next = Some(sequence);
        }
        if !tcp.payload.is_empty() {
            let next = *flow.next.get_or_insert(sequence);
            let ahead = sequence.wrapping_sub(next);
            if ahead == 0 || ahead >= 1 << 31 {
                // In order, or overlapping what was already delivered (a retransmission).
                let skip = usize::try_from(next.wrapping_sub(sequence)).unwrap_or(usize::MAX);
                if let Some(fresh) = tcp.payload.get(skip..) {
                    deliver(flow, fresh, emit);
                }
                drain_pending(flow, emit);
            } else {
                flow.pending_bytes = flow.pending_bytes.saturating_add(tcp.payload.len());
                let kept = flow.pending.entry(sequence).or_default();
                if kept.len() < tcp.payload.len() {
                    *kept = tcp.payload.to_vec();
                }
                if flow.pending_bytes > MAX_PENDING {
                    skip_gap(flow, emit);
                }
            }
        }
        if tcp.fin {
            self.flows.remove(&key);
        }
    }
}

/// Feeds the in-order bytes `data` to the flow's decoder.
fn deliver(flow: &mut Flow, mut data: &[u8], emit: &mut impl FnMut(MsdpOutput)) {
    let len = u32::try_from(data.len()).unwrap_or(u32::MAX);
    flow.next = flow.next.map(|n| n.wrapping_add(len));
    if flow.decoder.error().is_some() {
        // The stream cannot be framed after a TLV format error (RFC 3618 §11).
        return;
    }
    while !data.is_empty() {
        match flow.decoder.decode(data) {
            Ok((used, message)) => {
                if let Some(message) = message {
                    emit(MsdpOutput {
                        length: message.buffer_len(),
                        body: Body::Message(Message::Msdp(record(&message))),
                    });
                }
                data = data.get(used..).unwrap_or_default();
                if used == 0 {
                    break;
                }
            }
            Err(error) => {
                emit(MsdpOutput {
                    length: 0,
                    body: Body::Error(msdp_error(&error)),
                });
                break;
            }
        }
    }
}

/// Delivers the pending segments that now follow on.
fn drain_pending(flow: &mut Flow, emit: &mut impl FnMut(MsdpOutput)) {
    while let Some(next) = flow.next {
        let Some((&sequence, _)) = flow.pending.iter().find(|(s, _)| {
            let ahead = s.wrapping_sub(next);
            ahead == 0 || ahead >= 1 << 31
        }) else {
            break;
        };
        let Some(data) = flow.pending.remove(&sequence) else {
            break;
        };
        flow.pending_bytes = flow.pending_bytes.saturating_sub(data.len());
        let skip = usize::try_from(next.wrapping_sub(sequence)).unwrap_or(usize::MAX);
        if let Some(fresh) = data.get(skip..) {
            deliver(flow, fresh, emit);
        }
    }
}

/// Gives up on missing bytes: the stream restarts at the earliest pending segment, with a
/// fresh decoder (nothing can be framed across a hole).
fn skip_gap(flow: &mut Flow, emit: &mut impl FnMut(MsdpOutput)) {
    let Some((&first, _)) = flow.pending.iter().next() else {
        return;
    };
    let missing = flow.next.map_or(0, |n| first.wrapping_sub(n));
    emit(MsdpOutput {
        length: 0,
        body: Body::Error(DecodeError {
            message_type: None,
            error: format!("{missing} bytes of the TCP stream were not captured"),
            offset: None,
        }),
    });
    *flow.decoder = StreamDecoder::new();
    flow.next = Some(first);
    drain_pending(flow, emit);
}

fn msdp_error(error: &MsdpError) -> DecodeError {
    let offset = match error {
        MsdpError::Truncated { offset, .. }
        | MsdpError::Length { offset, .. }
        | MsdpError::Invalid { offset, .. } => Some(*offset),
        _ => None,
    };
    DecodeError {
        message_type: None,
        error: error.to_string(),
        offset,
    }
}

fn source_active(sa: &WireSourceActive<'_>) -> SourceActive {
    SourceActive {
        entry_count: sa.entries.len(),
        rp_address: sa.rp_address,
        entries: sa
            .entries
            .iter()
            .map(|e| SaEntry {
                source_address: e.source_address(),
                group_address: e.group_address(),
                sprefix_len: e.sprefix_len(),
            })
            .collect(),
        encapsulated_data_length: sa.encapsulated_data.len(),
    }
}

/// The record of a decoded MSDP message.
#[must_use]
pub fn record(message: &MsdpMessage<'_>) -> MsdpRecord {
    match message {
        MsdpMessage::SourceActive(sa) => MsdpRecord::SourceActive(source_active(sa)),
        MsdpMessage::SourceActiveResponse(sa) => {
            MsdpRecord::SourceActiveResponse(source_active(sa))
        }
        MsdpMessage::SourceActiveRequest(r) => MsdpRecord::SourceActiveRequest {
            group_address: r.group_address,
        },
        MsdpMessage::Keepalive(_) => MsdpRecord::Keepalive,
        MsdpMessage::Notification(n) => MsdpRecord::Notification {
            open_bit: n.open_bit,
            error_code: n.error_code.0,
            error_subcode: n.error_subcode,
            data_length: n.data.len(),
        },
        MsdpMessage::Unknown(u) => MsdpRecord::Unknown {
            msdp_type: u.message_type.0,
        },
    }
}
