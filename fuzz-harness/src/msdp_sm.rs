//! The target for the MSDP speaker of `mcast-msdp` (`speaker::Speaker`): arbitrary
//! configuration, connection events, well-formed and arbitrary bytes from the peers, local
//! sources, (*,G) interest, peer-RPF routes and clock steps.
//!
//! After every step the checks hold: nothing panicked; `handle_timeout(now)` left no deadline
//! at or before `now`; the SA cache and every peer's share of it stay within their limits;
//! every byte transmitted parses with the crate's stream decoder into whole messages of the
//! types a speaker sends, only to Established peers; the joined (S,G) set is exactly the SA
//! cache ∩ (*,G) interest and the Join/Prune events, applied in order, give the same set.

use std::collections::{BTreeMap, BTreeSet};
use std::net::Ipv4Addr;
use std::time::Duration;

use crate::rng::XorShift;
use arbitrary::{Arbitrary, Unstructured};
use mcast_msdp::speaker::{
    ANY, FilterAction, FilterRule, MeshGroup, PeerConfig, PeerState, RouteOrigin, RpfRoute,
    SaFilter, Speaker, SpeakerConfig, SpeakerEvent,
};
use mcast_msdp::stream::StreamDecoder;
use mcast_msdp::wire::{MAX_MESSAGE_LEN, Message, SaEntry, SourceActive, SourceActiveRequest};

const ME: Ipv4Addr = Ipv4Addr::new(10, 0, 0, 3);
const PEERS: [Ipv4Addr; 4] = [
    Ipv4Addr::new(10, 0, 0, 1),
    Ipv4Addr::new(10, 0, 0, 2),
    Ipv4Addr::new(10, 0, 0, 4),
    Ipv4Addr::new(10, 0, 0, 5),
];
const RPS: [Ipv4Addr; 4] = [
    Ipv4Addr::new(10, 0, 0, 1),
    Ipv4Addr::new(192, 0, 2, 1),
    Ipv4Addr::new(192, 0, 2, 2),
    ME,
];
const SOURCES: [Ipv4Addr; 5] = [
    Ipv4Addr::new(172, 16, 0, 1),
    Ipv4Addr::new(172, 16, 0, 2),
    Ipv4Addr::new(172, 16, 0, 3),
    Ipv4Addr::new(198, 51, 100, 7),
    Ipv4Addr::new(239, 1, 1, 1),
];
const GROUPS: [Ipv4Addr; 4] = [
    Ipv4Addr::new(239, 1, 1, 1),
    Ipv4Addr::new(239, 1, 1, 2),
    Ipv4Addr::new(224, 2, 2, 2),
    Ipv4Addr::new(10, 9, 9, 9),
];

/// An index into a pool.
#[derive(Debug, Clone, Copy, Arbitrary)]
struct Pick(u8);

impl Pick {
    fn of<A: Copy>(self, pool: &[A]) -> A {
        pool[usize::from(self.0) % pool.len()]
    }
}

/// A clock step.
#[derive(Debug, Arbitrary)]
enum Clock {
    /// Forward by some milliseconds.
    Advance(u32),
    /// To the next deadline.
    NextDeadline,
    /// Hours ahead.
    Leap(u16),
}

#[derive(Debug, Arbitrary)]
struct PeerSpec {
    peer: Pick,
    mesh: Option<u8>,
    default_peer: bool,
    remote_as: Option<u8>,
    send_sa_requests: bool,
    max_sa: u8,
    deny_group_in: Option<Pick>,
    deny_group_out: Option<Pick>,
}

#[derive(Debug, Arbitrary)]
enum Step {
    AddPeer(PeerSpec),
    RemovePeer(Pick),
    Enable(Pick, bool),
    Connected(Pick),
    ConnectFailed(Pick),
    Closed(Pick),
    /// Any bytes from a peer.
    Bytes(Pick, Vec<u8>),
    /// A well-formed SA (or SA-Response) from a peer, delivered in two reads cut at `cut`.
    Sa {
        from: Pick,
        rp: Pick,
        entries: Vec<(Pick, Pick)>,
        data: bool,
        response: bool,
        cut: u16,
    },
    Request(Pick, Pick),
    Keepalive(Pick),
    LocalSource {
        add: bool,
        source: Pick,
        group: Pick,
        data: bool,
    },
    Interest(Pick, bool),
    Route {
        rp: Pick,
        len: u8,
        origin: u8,
        neighbor: Pick,
        first_as: Option<u8>,
        remove: bool,
    },
    Clock(Clock),
}

fn packet(source: Ipv4Addr, group: Ipv4Addr) -> Vec<u8> {
    let mut p = vec![0x45, 0, 0, 20, 0, 0, 0, 0, 15, 17, 0, 0];
    p.extend_from_slice(&source.octets());
    p.extend_from_slice(&group.octets());
    p
}

fn emit(message: &Message<'_>) -> Vec<u8> {
    let mut bytes = vec![0; message.buffer_len()];
    message
        .emit(&mut bytes)
        .expect("a message built here emits");
    bytes
}

fn deny_group(group: Option<Pick>) -> SaFilter {
    group.map_or_else(SaFilter::permit_all, |g| {
        let g = g.of(&GROUPS);
        SaFilter {
            rules: vec![FilterRule::new(
                FilterAction::Deny,
                ANY,
                mcast_addr::ipv4::Ipv4Range::from_prefix(g, 32).expect("a /32"),
                ANY,
            )],
            default_action: FilterAction::Permit,
        }
    })
}

/// Every transmitted byte parses into whole messages a speaker sends.
fn check_transmit(bytes: &[u8]) {
    let mut decoder = StreamDecoder::new();
    let mut input = bytes;
    loop {
        let (used, message) = decoder
            .decode(input)
            .unwrap_or_else(|e| panic!("transmitted bytes do not parse: {e}"));
        input = &input[used..];
        let Some(message) = message else { break };
        assert!(message.buffer_len() <= MAX_MESSAGE_LEN);
        match message {
            Message::SourceActive(sa) | Message::SourceActiveResponse(sa) => {
                assert!(sa.entries.len() <= 255);
                for e in sa.entries {
                    assert_eq!(e.sprefix_len(), 32);
                    assert_eq!(e.reserved(), [0; 3]);
                }
            }
            Message::SourceActiveRequest(_) | Message::Keepalive(_) => {}
            other => panic!("a speaker never sends {other}"),
        }
    }
    assert_eq!(
        decoder.buffered_len(),
        0,
        "transmitted bytes end inside a message"
    );
}

/// The MSDP speaker under an arbitrary scenario (see the module documentation).
pub fn msdp_speaker(data: &[u8]) {
    let mut u = Unstructured::new(data);
    let Ok((cache_limit, seed, hold_down)) = <(u8, u64, bool)>::arbitrary(&mut u) else {
        return;
    };
    let mut config = SpeakerConfig::new(ME);
    config.limits.max_sa_cache = usize::from(cache_limit % 24);
    config.limits.max_output_bytes = 2048;
    config.limits.max_local_sources = 6;
    config.limits.max_rpf_routes = 4;
    config.limits.max_interest_groups = 3;
    if !hold_down {
        config.sa_hold_down_period = Duration::ZERO;
    }
    let cache_limit = config.limits.max_sa_cache;
    let mut now = Duration::from_secs(1);
    let mut speaker = Speaker::new(now, config);
    let mut rng = XorShift(seed | 1);
    // The largest per-peer limit ever configured for each address (counts outlive removal).
    let mut peer_limits: BTreeMap<Ipv4Addr, usize> = BTreeMap::new();
    let mut joined_by_events: BTreeSet<(Ipv4Addr, Ipv4Addr)> = BTreeSet::new();
    let trace = std::env::var_os("MCAST_FUZZ_TRACE").is_some();
    let mut steps = 0;
    while !u.is_empty() && steps < 256 {
        steps += 1;
        let Ok(step) = Step::arbitrary(&mut u) else {
            break;
        };
        if trace {
            eprintln!("{now:?}: {step:?}");
        }
        match step {
            Step::AddPeer(spec) => {
                let peer = spec.peer.of(&PEERS);
                let mut c = PeerConfig::new(peer, ME);
                c.mesh_group = spec.mesh.map(|m| MeshGroup(u32::from(m % 2)));
                if spec.default_peer {
                    c = c.default_peer();
                }
                c.remote_as = spec.remote_as.map(|a| u32::from(a % 3));
                c.send_sa_requests = spec.send_sa_requests;
                c.max_sa_entries = usize::from(spec.max_sa % 12);
                c.sa_filter_in = deny_group(spec.deny_group_in);
                c.sa_filter_out = deny_group(spec.deny_group_out);
                let limit = c.max_sa_entries;
                if speaker.add_peer(now, c).is_ok() {
                    let l = peer_limits.entry(peer).or_insert(0);
                    *l = (*l).max(limit);
                }
            }
            Step::RemovePeer(p) => {
                speaker.remove_peer(now, p.of(&PEERS));
            }
            Step::Enable(p, on) => {
                speaker.set_peer_enabled(now, p.of(&PEERS), on);
            }
            Step::Connected(p) => {
                let peer = p.of(&PEERS);
                let before = speaker.peer_state(peer);
                let result = speaker.handle_connected(now, peer);
                assert_eq!(
                    result.is_ok(),
                    matches!(before, Some(PeerState::Connecting | PeerState::Listen))
                );
            }
            Step::ConnectFailed(p) => {
                let _ = speaker.handle_connect_failed(now, p.of(&PEERS));
            }
            Step::Closed(p) => {
                let _ = speaker.handle_closed(now, p.of(&PEERS));
            }
            Step::Bytes(p, bytes) => {
                let _ = speaker.handle_bytes(now, p.of(&PEERS), &bytes);
            }
            Step::Sa {
                from,
                rp,
                entries,
                data,
                response,
                cut,
            } => {
                let entries: Vec<SaEntry> = entries
                    .iter()
                    .take(255)
                    .map(|(s, g)| SaEntry::new(s.of(&SOURCES), g.of(&GROUPS)))
                    .collect();
                let data = match (data, entries.last()) {
                    (true, Some(e)) => packet(e.source_address(), e.group_address()),
                    _ => Vec::new(),
                };
                let sa = SourceActive {
                    rp_address: rp.of(&RPS),
                    entries: &entries,
                    encapsulated_data: if response { &[] } else { &data },
                };
                let bytes = emit(&if response {
                    Message::SourceActiveResponse(sa)
                } else {
                    Message::SourceActive(sa)
                });
                let cut = usize::from(cut) % (bytes.len() + 1);
                let (x, y) = bytes.split_at(cut);
                let peer = from.of(&PEERS);
                let _ = speaker.handle_bytes(now, peer, x);
                let _ = speaker.handle_bytes(now, peer, y);
            }
            Step::Request(p, g) => {
                let bytes = emit(&Message::SourceActiveRequest(SourceActiveRequest {
                    reserved: 0,
                    group_address: g.of(&GROUPS),
                    trailing: &[],
                }));
                let _ = speaker.handle_bytes(now, p.of(&PEERS), &bytes);
            }
            Step::Keepalive(p) => {
                let _ = speaker.handle_bytes(now, p.of(&PEERS), &[4, 0, 3]);
            }
            Step::LocalSource {
                add,
                source,
                group,
                data,
            } => {
                let (s, g) = (source.of(&SOURCES), group.of(&GROUPS));
                if add {
                    let p = if data { packet(s, g) } else { Vec::new() };
                    speaker.add_local_source(now, &mut rng, s, g, &p);
                } else {
                    speaker.remove_local_source(now, s, g);
                }
            }
            Step::Interest(g, on) => speaker.set_star_g_interest(now, g.of(&GROUPS), on),
            Step::Route {
                rp,
                len,
                origin,
                neighbor,
                first_as,
                remove,
            } => {
                let (prefix, len) = (rp.of(&RPS), len % 40);
                if remove {
                    speaker.remove_rpf_route(prefix, len);
                } else {
                    let origin = match origin % 3 {
                        0 => RouteOrigin::Ebgp,
                        1 => RouteOrigin::Ibgp,
                        _ => RouteOrigin::Igp,
                    };
                    speaker.set_rpf_route(
                        prefix,
                        len,
                        RpfRoute {
                            origin,
                            neighbor: neighbor.of(&PEERS),
                            first_as: first_as.map(|a| u32::from(a % 3)),
                        },
                    );
                }
            }
            Step::Clock(clock) => {
                let step = match clock {
                    Clock::Advance(ms) => Duration::from_millis(u64::from(ms % 200_000)),
                    Clock::NextDeadline => speaker
                        .poll_timeout()
                        .map_or(Duration::ZERO, |d| d.saturating_sub(now)),
                    Clock::Leap(h) => Duration::from_secs(u64::from(h) * 3600),
                };
                now = now.saturating_add(step);
                speaker.handle_timeout(now);
                if let Some(deadline) = speaker.poll_timeout() {
                    assert!(
                        deadline > now,
                        "handle_timeout({now:?}) left a deadline at {deadline:?}"
                    );
                }
            }
        }
        // Limits.
        assert!(speaker.sa_cache_len() <= cache_limit);
        for (peer, limit) in &peer_limits {
            assert!(
                speaker.sa_cache_len_from(*peer) <= *limit,
                "over the limit of {peer}"
            );
        }
        assert!(speaker.local_sources().count() <= 6);
        // Output: whole messages, to Established peers only.
        while let Some(t) = speaker.poll_transmit() {
            assert_eq!(speaker.peer_state(t.peer), Some(PeerState::Established));
            check_transmit(&t.bytes);
        }
        while let Some(event) = speaker.poll_event() {
            match event {
                SpeakerEvent::JoinSource { source, group } => {
                    assert!(joined_by_events.insert((source, group)), "joined twice");
                }
                SpeakerEvent::PruneSource { source, group } => {
                    assert!(joined_by_events.remove(&(source, group)), "pruned unjoined");
                }
                SpeakerEvent::EncapsulatedData {
                    source,
                    group,
                    packet,
                    ..
                } => {
                    assert!(speaker.has_star_g_interest(group));
                    assert_eq!(&packet[12..16], &source.octets());
                    assert_eq!(&packet[16..20], &group.octets());
                }
                _ => {}
            }
        }
        // Joined = cache ∩ interest, and the events say so.
        let expected: BTreeSet<(Ipv4Addr, Ipv4Addr)> = speaker
            .sa_cache()
            .filter(|e| speaker.has_star_g_interest(e.group))
            .map(|e| (e.source, e.group))
            .collect();
        let joined: BTreeSet<(Ipv4Addr, Ipv4Addr)> = speaker.joined_sources().collect();
        assert_eq!(joined, expected);
        assert_eq!(joined_by_events, expected);
        // No entry outlives its SG-State timer.
        for entry in speaker.sa_cache() {
            assert!(
                entry.expires.is_some_and(|t| t > now),
                "{entry:?} at {now:?}"
            );
        }
    }
}
