//! Helpers for the speaker tests: a deterministic RNG, owned views of what a speaker sends,
//! bytes of messages a peer sends, and an in-memory network of speakers.

#![allow(dead_code)]

use std::collections::BTreeMap;
use std::net::Ipv4Addr;
use std::time::Duration;

use mcast_msdp::speaker::{PeerConfig, PeerState, Speaker, SpeakerConfig, SpeakerEvent};
use mcast_msdp::stream::StreamDecoder;
use mcast_msdp::wire::{
    ErrorCode, Keepalive, Message, Notification, SaEntry, SourceActive, SourceActiveRequest,
};

pub(crate) type S = Speaker<Duration>;

pub(crate) const fn secs(n: u64) -> Duration {
    Duration::from_secs(n)
}

pub(crate) const fn a(n: u8) -> Ipv4Addr {
    Ipv4Addr::new(10, 0, 0, n)
}

pub(crate) const fn src(n: u8) -> Ipv4Addr {
    Ipv4Addr::new(172, 16, 0, n)
}

pub(crate) const fn grp(n: u8) -> Ipv4Addr {
    Ipv4Addr::new(239, 1, 1, n)
}

/// xorshift64: the caller's RNG.
pub(crate) struct Rng(pub(crate) u64);

impl rand_core::TryRng for Rng {
    type Error = core::convert::Infallible;
    fn try_next_u32(&mut self) -> Result<u32, Self::Error> {
        Ok(self.try_next_u64()? as u32)
    }
    fn try_next_u64(&mut self) -> Result<u64, Self::Error> {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        Ok(self.0)
    }
    fn try_fill_bytes(&mut self, dst: &mut [u8]) -> Result<(), Self::Error> {
        dst.fill(0);
        Ok(())
    }
}

/// An owned MSDP message, for assertions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Msg {
    Sa {
        rp: Ipv4Addr,
        entries: Vec<(Ipv4Addr, Ipv4Addr)>,
        data: Vec<u8>,
    },
    Request(Ipv4Addr),
    Response {
        rp: Ipv4Addr,
        entries: Vec<(Ipv4Addr, Ipv4Addr)>,
    },
    Keepalive,
    Other(u8),
}

/// Every message of `bytes`, which must parse whole.
pub(crate) fn parse_all(bytes: &[u8]) -> Vec<Msg> {
    let mut decoder = StreamDecoder::new();
    let mut input = bytes;
    let mut out = Vec::new();
    loop {
        let (used, message) = decoder.decode(input).expect("speaker output parses");
        input = &input[used..];
        let Some(message) = message else { break };
        let pairs = |sa: &SourceActive<'_>| {
            sa.entries
                .iter()
                .map(|e| (e.source_address(), e.group_address()))
                .collect()
        };
        out.push(match message {
            Message::SourceActive(sa) => Msg::Sa {
                rp: sa.rp_address,
                entries: pairs(&sa),
                data: sa.encapsulated_data.to_vec(),
            },
            Message::SourceActiveResponse(sa) => Msg::Response {
                rp: sa.rp_address,
                entries: pairs(&sa),
            },
            Message::SourceActiveRequest(r) => Msg::Request(r.group_address),
            Message::Keepalive(_) => Msg::Keepalive,
            other => Msg::Other(other.message_type().0),
        });
    }
    assert_eq!(
        decoder.buffered_len(),
        0,
        "output ends on a message boundary"
    );
    out
}

/// Every message the speaker has queued, per peer.
pub(crate) fn sent(s: &mut S) -> BTreeMap<Ipv4Addr, Vec<Msg>> {
    let mut out: BTreeMap<Ipv4Addr, Vec<Msg>> = BTreeMap::new();
    while let Some(t) = s.poll_transmit() {
        out.entry(t.peer).or_default().extend(parse_all(&t.bytes));
    }
    out
}

/// The messages queued for `peer`, dropping KeepAlives.
pub(crate) fn sent_to(s: &mut S, peer: Ipv4Addr) -> Vec<Msg> {
    sent(s)
        .remove(&peer)
        .unwrap_or_default()
        .into_iter()
        .filter(|m| *m != Msg::Keepalive)
        .collect()
}

pub(crate) fn events(s: &mut S) -> Vec<SpeakerEvent> {
    std::iter::from_fn(|| s.poll_event()).collect()
}

/// The join and prune events only.
pub(crate) fn joins(s: &mut S) -> Vec<SpeakerEvent> {
    events(s)
        .into_iter()
        .filter(|e| {
            matches!(
                e,
                SpeakerEvent::JoinSource { .. } | SpeakerEvent::PruneSource { .. }
            )
        })
        .collect()
}

pub(crate) fn bytes_of(message: &Message<'_>) -> Vec<u8> {
    let mut buf = vec![0; message.buffer_len()];
    message.emit(&mut buf).unwrap();
    buf
}

pub(crate) fn sa_bytes(rp: Ipv4Addr, entries: &[(Ipv4Addr, Ipv4Addr)], data: &[u8]) -> Vec<u8> {
    let entries: Vec<SaEntry> = entries.iter().map(|(s, g)| SaEntry::new(*s, *g)).collect();
    bytes_of(&Message::SourceActive(SourceActive {
        rp_address: rp,
        entries: &entries,
        encapsulated_data: data,
    }))
}

pub(crate) fn response_bytes(rp: Ipv4Addr, entries: &[(Ipv4Addr, Ipv4Addr)]) -> Vec<u8> {
    let entries: Vec<SaEntry> = entries.iter().map(|(s, g)| SaEntry::new(*s, *g)).collect();
    bytes_of(&Message::SourceActiveResponse(SourceActive {
        rp_address: rp,
        entries: &entries,
        encapsulated_data: &[],
    }))
}

pub(crate) fn request_bytes(group: Ipv4Addr) -> Vec<u8> {
    bytes_of(&Message::SourceActiveRequest(SourceActiveRequest {
        reserved: 0,
        group_address: group,
        trailing: &[],
    }))
}

pub(crate) fn keepalive_bytes() -> Vec<u8> {
    bytes_of(&Message::Keepalive(Keepalive::default()))
}

pub(crate) fn notification_bytes() -> Vec<u8> {
    bytes_of(&Message::Notification(Notification {
        open_bit: false,
        error_code: ErrorCode::CEASE,
        error_subcode: 0,
        data: &[],
    }))
}

/// A 28-byte IPv4/UDP packet from `source` to `group`.
pub(crate) fn packet(source: Ipv4Addr, group: Ipv4Addr) -> Vec<u8> {
    let mut p = vec![0x45, 0, 0, 28, 0, 0, 0, 0, 15, 17, 0, 0];
    p.extend_from_slice(&source.octets());
    p.extend_from_slice(&group.octets());
    p.extend_from_slice(&[0x13, 0x88, 0x13, 0x88, 0, 8, 0, 0]);
    p
}

/// A speaker at `me` (also its originator address), created at time zero.
pub(crate) fn speaker(me: Ipv4Addr) -> S {
    Speaker::new(Duration::ZERO, SpeakerConfig::new(me))
}

/// Adds `peer` to `s` (local address `me`) and brings it to Established at `now`, draining
/// the events and the opening KeepAlive.
pub(crate) fn establish(s: &mut S, now: Duration, config: PeerConfig) {
    let peer = config.peer_address;
    s.add_peer(now, config).unwrap();
    s.handle_connected(now, peer).unwrap();
    assert_eq!(s.peer_state(peer), Some(PeerState::Established));
    events(s);
    sent(s);
}

/// A speaker `me` with Established peers `peers` (plain configurations).
pub(crate) fn with_peers(me: Ipv4Addr, peers: &[Ipv4Addr]) -> S {
    let mut s = speaker(me);
    for p in peers {
        establish(&mut s, Duration::ZERO, PeerConfig::new(*p, me));
    }
    s
}

/// Speakers wired in memory: connections are made when one side connects and the other
/// listens, bytes go straight across (cut into pieces of `chunk` bytes, if set).
pub(crate) struct Net {
    pub(crate) nodes: BTreeMap<Ipv4Addr, S>,
    pub(crate) now: Duration,
    pub(crate) log: BTreeMap<Ipv4Addr, Vec<SpeakerEvent>>,
    pub(crate) chunk: Option<usize>,
}

impl Net {
    pub(crate) fn new(addresses: &[Ipv4Addr]) -> Self {
        Self {
            nodes: addresses.iter().map(|a| (*a, speaker(*a))).collect(),
            now: Duration::ZERO,
            log: BTreeMap::new(),
            chunk: None,
        }
    }

    /// Configures a peering both ways, with `configure` applied to each side's config.
    pub(crate) fn peer(
        &mut self,
        x: Ipv4Addr,
        y: Ipv4Addr,
        configure: impl Fn(PeerConfig) -> PeerConfig,
    ) {
        let now = self.now;
        self.nodes
            .get_mut(&x)
            .unwrap()
            .add_peer(now, configure(PeerConfig::new(y, x)))
            .unwrap();
        self.nodes
            .get_mut(&y)
            .unwrap()
            .add_peer(now, configure(PeerConfig::new(x, y)))
            .unwrap();
    }

    /// Delivers everything until nothing moves.
    pub(crate) fn pump(&mut self) {
        for _ in 0..10_000 {
            let mut moved = false;
            let ids: Vec<Ipv4Addr> = self.nodes.keys().copied().collect();
            for id in &ids {
                let evs = events(self.nodes.get_mut(id).unwrap());
                for e in evs {
                    moved = true;
                    match e {
                        SpeakerEvent::Connect { peer, .. } => {
                            let now = self.now;
                            if let Some(other) = self.nodes.get_mut(&peer)
                                && other.peer_state(*id) == Some(PeerState::Listen)
                            {
                                other.handle_connected(now, *id).unwrap();
                                self.nodes
                                    .get_mut(id)
                                    .unwrap()
                                    .handle_connected(now, peer)
                                    .unwrap();
                                continue;
                            }
                            self.nodes
                                .get_mut(id)
                                .unwrap()
                                .handle_connect_failed(now, peer)
                                .unwrap();
                        }
                        SpeakerEvent::Close { peer, .. } => {
                            let now = self.now;
                            if let Some(other) = self.nodes.get_mut(&peer)
                                && other.peer_state(*id) == Some(PeerState::Established)
                            {
                                other.handle_closed(now, *id).unwrap();
                            }
                        }
                        other => self.log.entry(*id).or_default().push(other),
                    }
                }
                while let Some(t) = self.nodes.get_mut(id).unwrap().poll_transmit() {
                    moved = true;
                    let now = self.now;
                    let to = self.nodes.get_mut(&t.peer).unwrap();
                    if to.peer_state(*id) != Some(PeerState::Established) {
                        continue;
                    }
                    match self.chunk {
                        Some(n) => {
                            for piece in t.bytes.chunks(n) {
                                let _ = to.handle_bytes(now, *id, piece);
                            }
                        }
                        None => {
                            let _ = to.handle_bytes(now, *id, &t.bytes);
                        }
                    }
                }
            }
            if !moved {
                return;
            }
        }
        panic!("the network never settles");
    }

    /// Runs timers and deliveries until `until`.
    pub(crate) fn run_until(&mut self, until: Duration) {
        self.pump();
        loop {
            let next = self
                .nodes
                .values()
                .filter_map(Speaker::poll_timeout)
                .min()
                .filter(|t| *t <= until);
            let Some(next) = next else { break };
            self.now = self.now.max(next);
            let now = self.now;
            for s in self.nodes.values_mut() {
                s.handle_timeout(now);
                assert!(s.poll_timeout().is_none_or(|t| t > now), "a timer left due");
            }
            self.pump();
        }
        self.now = until;
    }

    pub(crate) fn node(&mut self, id: Ipv4Addr) -> &mut S {
        self.nodes.get_mut(&id).unwrap()
    }

    /// Join and prune events logged at `id`, taken.
    pub(crate) fn joins(&mut self, id: Ipv4Addr) -> Vec<SpeakerEvent> {
        let log = self.log.remove(&id).unwrap_or_default();
        let (keep, rest): (Vec<_>, Vec<_>) = log.into_iter().partition(|e| {
            matches!(
                e,
                SpeakerEvent::JoinSource { .. } | SpeakerEvent::PruneSource { .. }
            )
        });
        self.log.insert(id, rest);
        keep
    }
}
