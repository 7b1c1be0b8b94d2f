//! Data traffic: a UDP sender, for scenarios where multicast data must flow (a routing
//! protocol's data-driven events, a host that checks what it receives).

use std::net::IpAddr;
use std::time::Duration;

use etherparse::PacketBuilder;

use crate::node::{Context, InterfaceId, IpPacket, Node, Outgoing};
use crate::recorder::Level;

/// A node that sends one UDP datagram from `source` to `destination` every `interval` while it
/// runs, on its first interface: a multicast source (or any unicast sender).
///
/// Each datagram carries its sequence number (8 bytes, big-endian) padded with zeros to the
/// payload length; its time-to-live is 64 unless set.
#[derive(Debug, Clone)]
pub struct UdpSource {
    source: IpAddr,
    destination: IpAddr,
    port: u16,
    interval: Duration,
    ttl: u8,
    payload_len: usize,
    next: Option<Duration>,
    sent: u64,
}

impl UdpSource {
    /// Port 5001, TTL 64, 64-byte payloads, unless changed.
    #[must_use]
    pub fn new(source: IpAddr, destination: IpAddr, interval: Duration) -> Self {
        Self {
            source,
            destination,
            port: 5001,
            interval: interval.max(Duration::from_micros(1)),
            ttl: 64,
            payload_len: 64,
            next: None,
            sent: 0,
        }
    }

    /// Sends with this TTL (hop limit).
    #[must_use]
    pub fn with_ttl(mut self, ttl: u8) -> Self {
        self.ttl = ttl;
        self
    }

    /// Sends payloads of this many bytes (at least the 8 of the sequence number).
    #[must_use]
    pub fn with_payload_len(mut self, payload_len: usize) -> Self {
        self.payload_len = payload_len.max(8);
        self
    }

    /// Sends to and from this UDP port.
    #[must_use]
    pub fn with_port(mut self, port: u16) -> Self {
        self.port = port;
        self
    }

    /// Datagrams sent so far.
    #[must_use]
    pub fn sent(&self) -> u64 {
        self.sent
    }

    fn datagram(&self) -> Option<Outgoing> {
        let builder = match (self.source, self.destination) {
            (IpAddr::V4(s), IpAddr::V4(d)) => PacketBuilder::ipv4(s.octets(), d.octets(), self.ttl),
            (IpAddr::V6(s), IpAddr::V6(d)) => PacketBuilder::ipv6(s.octets(), d.octets(), self.ttl),
            _ => return None,
        };
        let mut payload = vec![0; self.payload_len];
        if let Some(sequence) = payload.get_mut(..8) {
            sequence.copy_from_slice(&self.sent.to_be_bytes());
        }
        let mut packet = Vec::new();
        builder
            .udp(self.port, self.port)
            .write(&mut packet, &payload)
            .ok()?;
        Some(Outgoing {
            packet,
            kind: "UDP data".to_owned(),
            summary: format!(
                "udp data {} > {} port {}, seq {}, {} bytes",
                self.source, self.destination, self.port, self.sent, self.payload_len
            ),
        })
    }
}

impl Node for UdpSource {
    fn start(&mut self, cx: &mut Context<'_>) {
        self.next = Some(cx.now());
    }

    fn stop(&mut self, _cx: &mut Context<'_>) {
        self.next = None;
    }

    fn handle_packet(&mut self, _: &mut Context<'_>, _: InterfaceId, _: &IpPacket<'_>) {}

    fn handle_timeout(&mut self, cx: &mut Context<'_>) {
        let now = cx.now();
        if self.next.is_none_or(|next| next > now) {
            return;
        }
        if let Some(datagram) = self.datagram() {
            cx.send(InterfaceId(0), datagram);
            self.sent = self.sent.saturating_add(1);
            self.next = Some(now.saturating_add(self.interval));
        } else {
            cx.note(
                Level::Info,
                "error",
                Some(self.source),
                format!(
                    "cannot send from {} to {}: mixed address families",
                    self.source, self.destination
                ),
            );
            self.next = None;
        }
    }

    fn poll_timeout(&self) -> Option<Duration> {
        self.next
    }

    fn drain(&mut self, _cx: &mut Context<'_>) {}
}
