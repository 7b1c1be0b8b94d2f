//! The MSDP speaker (RFC 3618): its peerings, the SA cache, peer-RPF flooding, SA origination
//! at an RP and the (S,G) joins an RP with receivers makes, Sans-IO over TCP byte streams.
//!
//! One [`Speaker`] serves every peering of an MSDP instance. It opens no socket: per peer it
//! says when to connect, listen or close ([`SpeakerEvent::Connect`], [`SpeakerEvent::Listen`],
//! [`SpeakerEvent::Close`]); the caller reports what TCP did ([`Speaker::handle_connected`],
//! [`Speaker::handle_connect_failed`], [`Speaker::handle_closed`]), hands over the bytes each
//! read returned ([`Speaker::handle_bytes`], framed by [`StreamDecoder`]) and writes what
//! [`Speaker::poll_transmit`] yields. The RP side of PIM reports the sources registered in its
//! domain ([`Speaker::add_local_source`]) and the groups with (*,G) receivers
//! ([`Speaker::set_star_g_interest`]); the speaker answers with the (S,G) joins to make
//! ([`SpeakerEvent::JoinSource`]) and the data packets that SAs carried
//! ([`SpeakerEvent::EncapsulatedData`]).
//!
//! # The peer machine (RFC 3618 §11)
//!
//! | state | event | action | next |
//! |---|---|---|---|
//! | Disabled | enable | compare addresses | Inactive, then at once: |
//! | Inactive | own address lower | TCP active open, ConnectRetry | Connecting |
//! | Inactive | own address higher | TCP passive open | Listen |
//! | Connecting | ConnectRetry expires | abort, open again, ConnectRetry | Connecting |
//! | Connecting | TCP established | clear ConnectRetry; send KeepAlive; start Hold and KeepAlive timers | Established |
//! | Listen | TCP established | send KeepAlive; start Hold and KeepAlive timers | Established |
//! | Established | KeepAlive timer expires | send KeepAlive | Established |
//! | Established | any message | reset the Hold timer (§5.4), process it | Established |
//! | Established | Hold timer expires, TLV format error, Notification, TCP closed | close | Inactive |
//! | Connecting, Listen, Established | disable | abort or close | Disabled |
//!
//! From Inactive after a close, the active side opens again when ConnectRetry expires (§5.6:
//! the timer takes the lower-address peer "from INACTIVE to CONNECTING"); the passive side
//! listens again at once.
//!
//! # SAs (RFC 3618 §3, §4, §10)
//!
//! An SA from peer N for RP R is dropped if R is this speaker's originator address (its own
//! SA come back). Otherwise it is accepted if N is in a mesh group (§10.2) or if N is the
//! peer-RPF neighbour of R by the first matching rule of §10.1.3 among Established peers
//! ([`RpfRule`]); then each entry passes N's input filter, the limits and the cache. Entries
//! new to the cache, or refreshed after [SA-Hold-Down-Period], are forwarded in one SA, with
//! the data packet if the last entry carried one, to every other Established peer except R and
//! except the members of N's mesh group, through each peer's output filter. Copies arriving
//! within the hold-down are counted as duplicates and go no further.
//!
//! # (S,G) joins (RFC 3618 §3, Figure 112 of the seed document)
//!
//! [`SpeakerEvent::JoinSource`] is emitted exactly when some cache entry for (S,G) exists and
//! the group has (*,G) interest, whichever came first, and [`SpeakerEvent::PruneSource`]
//! exactly when that stops being true: the events follow the intersection, not the order of
//! arrival.

mod cache;
mod config;
mod rpf;

use alloc::boxed::Box;
use alloc::collections::{BTreeMap, BTreeSet, VecDeque};
use alloc::vec::Vec;
use core::net::Ipv4Addr;
use core::time::Duration;

use mcast_addr::time::Timestamp;
use mcast_addr::timer::TimerMap;
use rand_core::Rng;

pub use self::config::{
    ANY, CONNECT_RETRY_PERIOD, FilterAction, FilterRule, HOLD_TIME_PERIOD, KEEPALIVE_PERIOD,
    Limits, MeshGroup, PeerConfig, SA_ADVERTISEMENT_PERIOD, SA_HOLD_DOWN_PERIOD, SG_STATE_PERIOD,
    SaFilter, SpeakerConfig, TCP_PORT,
};
pub use self::rpf::{RouteOrigin, RpfRoute, RpfRule};

use self::cache::{Accepted, SaCache, SaKey};
use self::rpf::RpfTable;
use crate::stream::StreamDecoder;
use crate::wire::{
    Keepalive, MAX_MESSAGE_LEN, Message, SaEntry, SourceActive, SourceActiveRequest,
};

/// The most entries one Source-Active carries (the Entry Count is one byte, RFC 3618
/// §12.2.1).
const MAX_ENTRIES: usize = 255;

/// Bytes of a Source-Active before its entries: Type, Length, Entry Count, RP Address.
const SA_FIXED_LEN: usize = 8;

/// The shortest period a periodic timer may have, so that a zero in the configuration cannot
/// make [`Speaker::handle_timeout`] loop.
const MIN_PERIOD: Duration = Duration::from_millis(1);

/// The state of a peering (RFC 3618 §11).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum PeerState {
    /// The peering is configured but not enabled.
    Disabled,
    /// Enabled, no connection: the active side waits for ConnectRetry to expire.
    Inactive,
    /// The passive side (higher address) waits for the peer to connect to port 639.
    Listen,
    /// The active side (lower address) has opened a TCP connection and waits for it.
    Connecting,
    /// The TCP connection is up and MSDP messages flow.
    Established,
}

/// Why the speaker closes a connection, or abandons an attempt ([`SpeakerEvent::Close`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum CloseReason {
    /// The peering was disabled or removed.
    Disabled,
    /// No message from the peer for [HoldTime-Period] (§5.4).
    HoldTimerExpired,
    /// A TLV format error in the peer's stream (§13: "the session SHOULD be reset").
    TlvFormatError,
    /// The peer sent a Notification (Type 5 of the pre-RFC drafts), which reports an error.
    NotificationReceived,
    /// ConnectRetry expired while connecting: abort the attempt; a new
    /// [`SpeakerEvent::Connect`] follows.
    ConnectRetry,
}

/// Something the caller must do, or may want to know.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum SpeakerEvent {
    /// Open a TCP connection from `local` to `peer`, port [`TCP_PORT`], and report
    /// the outcome with [`Speaker::handle_connected`] or [`Speaker::handle_connect_failed`].
    Connect {
        /// The peer.
        peer: Ipv4Addr,
        /// The local address to bind.
        local: Ipv4Addr,
    },
    /// Accept a TCP connection from `peer` to `local`, port [`TCP_PORT`], and report it
    /// with [`Speaker::handle_connected`]. Connections from an address that is not a peer in
    /// this state are refused by the caller.
    Listen {
        /// The peer.
        peer: Ipv4Addr,
        /// The local address the peer connects to.
        local: Ipv4Addr,
    },
    /// Close the connection with `peer`, or abandon the attempt or the listening.
    /// Bytes not yet written are discarded.
    Close {
        /// The peer.
        peer: Ipv4Addr,
        /// Why.
        reason: CloseReason,
    },
    /// A peering changed state.
    PeerStateChanged {
        /// The peer.
        peer: Ipv4Addr,
        /// The new state.
        state: PeerState,
    },
    /// Join (S,G) towards the source (RFC 3618 §3): the cache holds an SA for it and the
    /// group has (*,G) interest.
    JoinSource {
        /// The source.
        source: Ipv4Addr,
        /// The group.
        group: Ipv4Addr,
    },
    /// The (S,G) of an earlier [`SpeakerEvent::JoinSource`] no longer has both an SA and
    /// (*,G) interest.
    PruneSource {
        /// The source.
        source: Ipv4Addr,
        /// The group.
        group: Ipv4Addr,
    },
    /// A data packet encapsulated in an accepted SA, for a group with (*,G) interest: forward
    /// it into the domain as if it had come in a PIM Register (RFC 3618 §8). Its IPv4 source
    /// and destination are checked to be the entry's (S,G) (§12.2.1).
    EncapsulatedData {
        /// The originating RP.
        rp: Ipv4Addr,
        /// The source (the packet's IPv4 source).
        source: Ipv4Addr,
        /// The group (the packet's IPv4 destination).
        group: Ipv4Addr,
        /// The whole IPv4 packet.
        packet: Vec<u8>,
    },
}

/// Bytes to write to a peer's TCP connection, in order.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Transmit {
    /// The peer.
    pub peer: Ipv4Addr,
    /// Whole MSDP messages, back to back.
    pub bytes: Vec<u8>,
}

/// The timers of a speaker, each named as RFC 3618 §5 names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum SpeakerTimer {
    /// The ConnectRetry timer of a peer (§5.6).
    ConnectRetry(Ipv4Addr),
    /// The Hold timer of a peer (§5.4).
    Hold(Ipv4Addr),
    /// The KeepAlive timer of a peer (§5.5).
    KeepAlive(Ipv4Addr),
    /// The SA-Advertisement-Timer (§5.1, §5.2).
    SaAdvertisement,
    /// The earliest SG-State timer of the SA cache (§5.3); the cache keeps the others.
    SgState,
}

/// Why a connection input was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum PeerError {
    /// No peering with this address is configured.
    #[error("no MSDP peering with {0} is configured")]
    UnknownPeer(Ipv4Addr),
    /// The peering is not in a state where this input means anything (a connection reported
    /// for a peer that is not connecting or listening, bytes for one that is not
    /// established): close the socket.
    #[error("MSDP peering with {peer} is {state:?}, not expecting this")]
    UnexpectedState {
        /// The peer.
        peer: Ipv4Addr,
        /// Its state.
        state: PeerState,
    },
}

/// Why a peering could not be configured.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ConfigError {
    /// A peering with this address exists already.
    #[error("an MSDP peering with {0} exists already")]
    DuplicatePeer(Ipv4Addr),
    /// The peer and local addresses are equal: neither side would be the active one.
    #[error("peer and local address are both {0}")]
    SameAddress(Ipv4Addr),
}

/// Counters of one peering.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct PeerStats {
    /// Active opens asked for.
    pub connect_attempts: u64,
    /// Active opens reported failed.
    pub connect_failures: u64,
    /// Times the peering became Established.
    pub established: u64,
    /// Connections closed because the peer closed them.
    pub closed_by_peer: u64,
    /// Connections closed on Hold timer expiry.
    pub closed_hold_timer: u64,
    /// Connections closed on a TLV format error.
    pub closed_tlv_error: u64,
    /// Connections closed on a Notification.
    pub closed_notification: u64,
    /// Messages received.
    pub messages_received: u64,
    /// KeepAlives sent.
    pub keepalives_sent: u64,
    /// Source-Actives received.
    pub sa_received: u64,
    /// Source-Actives dropped by the peer-RPF check (§10.1.3).
    pub rpf_failures: u64,
    /// Entries received in Source-Actives and SA-Responses.
    pub entries_received: u64,
    /// Entries accepted (new or refreshed).
    pub entries_accepted: u64,
    /// Entries within the hold-down of their last acceptance.
    pub entries_duplicate: u64,
    /// Entries dropped by the input filter.
    pub entries_filtered_in: u64,
    /// Entries not sent because of the output filter.
    pub entries_filtered_out: u64,
    /// Entries dropped because the peer's limit was reached.
    pub entries_over_peer_limit: u64,
    /// Entries with a group that is not multicast or a source that is not unicast.
    pub entries_invalid: u64,
    /// Encapsulated data whose IPv4 header did not match its entry (dropped).
    pub data_mismatch: u64,
    /// SA-Requests received.
    pub sa_requests_received: u64,
    /// SA-Responses received and used.
    pub sa_responses_received: u64,
    /// SA-Requests not answered and SA-Responses not expected from this peer.
    pub sa_request_ignored: u64,
    /// Messages of other types, ignored (§13).
    pub unknown_received: u64,
    /// Messages not queued because the output limit was reached.
    pub output_drops: u64,
    /// Bytes handed over while the peering was not Established.
    pub bytes_unexpected: u64,
}

/// Counters of the whole speaker.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct SpeakerStats {
    /// SAs whose RP Address is this speaker's own originator address (a loop), dropped.
    pub sa_looped: u64,
    /// Entries dropped because the SA cache was full.
    pub entries_over_cache_limit: u64,
    /// Cache entries removed by their SG-State timer.
    pub entries_expired: u64,
    /// Entries not cached because their SG-State deadline would lie more than 2^32 seconds
    /// (136 years) after the speaker's creation, where its SG-State clock ends.
    pub entries_beyond_clock: u64,
    /// Local sources not added because of the limit.
    pub local_sources_over_limit: u64,
    /// Local sources refused as not a unicast source and a multicast group.
    pub local_sources_invalid: u64,
    /// Periods of periodic advertisement begun (§5.2).
    pub advertisements: u64,
    /// Routes not added to the peer-RPF table because of the limit.
    pub routes_over_limit: u64,
    /// Groups whose (*,G) interest was not recorded because of the limit.
    pub interest_over_limit: u64,
}

/// One SA cache entry, as [`Speaker::sa_cache`] reports it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct CachedSa<T> {
    /// The source.
    pub source: Ipv4Addr,
    /// The group.
    pub group: Ipv4Addr,
    /// The originating RP.
    pub rp: Ipv4Addr,
    /// The peer it was last accepted from.
    pub peer: Ipv4Addr,
    /// When its SG-State timer expires (`None` past the end of the caller's clock).
    pub expires: Option<T>,
}

#[derive(Debug, Clone)]
struct Peer {
    config: PeerConfig,
    state: PeerState,
    /// The framing state of the connection; taken out while its messages are handled.
    decoder: Option<Box<StreamDecoder>>,
    /// Bytes waiting for `poll_transmit`.
    output: Vec<u8>,
    stats: PeerStats,
}

impl Peer {
    /// Appends `message` to the output, unless that would exceed `limit` bytes.
    fn queue(&mut self, message: &Message<'_>, limit: usize) -> bool {
        let start = self.output.len();
        let len = message.buffer_len();
        if start.saturating_add(len) > limit {
            self.stats.output_drops = self.stats.output_drops.saturating_add(1);
            return false;
        }
        self.output.resize(start.saturating_add(len), 0);
        let written = self.output.get_mut(start..).map(|tail| message.emit(tail));
        if matches!(written, Some(Ok(_))) {
            true
        } else {
            self.output.truncate(start);
            self.stats.output_drops = self.stats.output_drops.saturating_add(1);
            false
        }
    }
}

/// Increments a counter.
fn bump(counter: &mut u64) {
    *counter = counter.saturating_add(1);
}

/// The outputs and tables that the message handlers update while a peer is borrowed.
struct Outputs<'s, T> {
    timers: &'s mut TimerMap<SpeakerTimer, T>,
    pending: &'s mut BTreeSet<Ipv4Addr>,
    keepalive_period: Duration,
    max_output_bytes: usize,
}

impl<T: Timestamp> Outputs<'_, T> {
    /// Queues `message` for `peer` and restarts its KeepAlive timer (§5.5: "reset ... each
    /// time an MSDP message is sent to the peer").
    fn send(&mut self, now: T, peer: &mut Peer, message: &Message<'_>) {
        if peer.queue(message, self.max_output_bytes) {
            let address = peer.config.peer_address;
            self.pending.insert(address);
            self.timers.schedule_after(
                SpeakerTimer::KeepAlive(address),
                now,
                self.keepalive_period,
            );
        }
    }
}

/// Whether `entry` names a unicast source and a multicast group.
fn valid_entry(source: Ipv4Addr, group: Ipv4Addr) -> bool {
    group.is_multicast()
        && !source.is_multicast()
        && !source.is_unspecified()
        && !source.is_broadcast()
        && !source.is_loopback()
}

/// Whether `packet` is an IPv4 packet from `source` to `group` (RFC 3618 §12.2.1).
fn packet_matches(packet: &[u8], source: Ipv4Addr, group: Ipv4Addr) -> bool {
    let version = packet.first().map(|b| b >> 4);
    let src = packet.get(12..16);
    let dst = packet.get(16..20);
    version == Some(4) && src == Some(&source.octets()[..]) && dst == Some(&group.octets()[..])
}

/// The MSDP speaker of one instance, for all its peerings (see the module documentation).
///
/// `T` is the caller's clock ([`Timestamp`]).
///
/// # Example
///
/// Two RPs of different domains peer; the first learns a source by a PIM Register, the
/// second has receivers for the group and joins the source:
///
/// ```
/// use core::net::Ipv4Addr;
/// use core::time::Duration;
/// use mcast_msdp::speaker::{PeerConfig, Speaker, SpeakerConfig, SpeakerEvent};
/// # struct Rng(u64);
/// # impl rand_core::TryRng for Rng {
/// #     type Error = core::convert::Infallible;
/// #     fn try_next_u32(&mut self) -> Result<u32, Self::Error> { Ok(self.try_next_u64()? as u32) }
/// #     fn try_next_u64(&mut self) -> Result<u64, Self::Error> {
/// #         self.0 ^= self.0 << 13; self.0 ^= self.0 >> 7; self.0 ^= self.0 << 17; Ok(self.0)
/// #     }
/// #     fn try_fill_bytes(&mut self, d: &mut [u8]) -> Result<(), Self::Error> { d.fill(0); Ok(()) }
/// # }
/// # let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
///
/// let (rp_a, rp_b) = (Ipv4Addr::new(192, 0, 2, 1), Ipv4Addr::new(198, 51, 100, 1));
/// let (source, group) = (Ipv4Addr::new(192, 0, 2, 10), Ipv4Addr::new(239, 1, 2, 3));
/// let now = Duration::ZERO;
/// let mut a = Speaker::new(now, SpeakerConfig::new(rp_a));
/// let mut b = Speaker::new(now, SpeakerConfig::new(rp_b));
/// // Each is the other's only peer: a default peer (RFC 3618 §10.1.3 rule (v)).
/// a.add_peer(now, PeerConfig::new(rp_b, rp_a).default_peer())?;
/// b.add_peer(now, PeerConfig::new(rp_a, rp_b).default_peer())?;
///
/// // A has the lower address: it connects; B listens. The caller's TCP succeeds.
/// assert!(core::iter::from_fn(|| a.poll_event())
///     .any(|e| matches!(e, SpeakerEvent::Connect { peer, .. } if peer == rp_b)));
/// a.handle_connected(now, rp_b)?;
/// b.handle_connected(now, rp_a)?;
///
/// // B's RP has (*,G) receivers; A's RP gets a Register from the source.
/// b.set_star_g_interest(now, group, true);
/// a.add_local_source(now, &mut rng, source, group, &[]);
///
/// // The TCP streams: whatever one writes, the other reads.
/// while let Some(t) = a.poll_transmit() {
///     b.handle_bytes(now, rp_a, &t.bytes)?;
/// }
/// while let Some(t) = b.poll_transmit() {
///     a.handle_bytes(now, rp_b, &t.bytes)?;
/// }
/// assert!(core::iter::from_fn(|| b.poll_event())
///     .any(|e| e == SpeakerEvent::JoinSource { source, group }));
/// assert_eq!(b.sa_cache_entry(source, group, rp_a).unwrap().peer, rp_a);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone)]
pub struct Speaker<T> {
    config: SpeakerConfig,
    /// The time the speaker was created: SG-State deadlines count whole seconds from it.
    epoch: T,
    peers: BTreeMap<Ipv4Addr, Peer>,
    cache: SaCache,
    rpf: RpfTable,
    /// Sources registered in the domain, by (group, source).
    local_sources: BTreeSet<(Ipv4Addr, Ipv4Addr)>,
    /// Groups with (*,G) state and a non-empty olist at the RP.
    interest: BTreeSet<Ipv4Addr>,
    /// The (S,G) told to join, by (group, source): cache ∩ interest.
    joined: BTreeSet<(Ipv4Addr, Ipv4Addr)>,
    timers: TimerMap<SpeakerTimer, T>,
    events: VecDeque<SpeakerEvent>,
    /// Peers with bytes waiting.
    pending: BTreeSet<Ipv4Addr>,
    /// Where the periodic advertisement of the local sources is (§5.2).
    advertisement: AdvertisementCycle<T>,
    stats: SpeakerStats,
    /// Reused buffers.
    scratch: Vec<SaEntry>,
    scratch_out: Vec<SaEntry>,
    scratch_keys: Vec<SaKey>,
}

/// One period of periodic SA origination, sent in batches spread over the period.
#[derive(Debug, Clone, Copy)]
struct AdvertisementCycle<T> {
    /// When the period began; `None` between periods.
    started: Option<T>,
    /// The first (group, source) of the next batch, if the period is not finished.
    next: Option<(Ipv4Addr, Ipv4Addr)>,
    /// Batches sent in this period.
    batch: u32,
    /// Batches planned for this period (the local sources at its start, 255 a batch).
    batches: u32,
}

impl<T> Default for AdvertisementCycle<T> {
    fn default() -> Self {
        Self {
            started: None,
            next: None,
            batch: 0,
            batches: 1,
        }
    }
}

/// Seconds from `epoch` to `now`, rounded up (for deadlines) or down (for expiry).
fn seconds_since<T: Timestamp>(epoch: T, now: T, round_up: bool) -> u32 {
    let elapsed = now.saturating_duration_since(epoch);
    let mut secs = elapsed.as_secs();
    if round_up && elapsed.subsec_nanos() > 0 {
        secs = secs.saturating_add(1);
    }
    u32::try_from(secs).unwrap_or(u32::MAX)
}

/// A duration in whole seconds, rounded up, at least one.
fn whole_seconds(duration: Duration) -> u32 {
    let mut secs = duration.as_secs();
    if duration.subsec_nanos() > 0 {
        secs = secs.saturating_add(1);
    }
    u32::try_from(secs.max(1)).unwrap_or(u32::MAX)
}

impl<T: Timestamp> Speaker<T> {
    /// A speaker with no peers, created at `now` (the origin of its SG-State clock).
    #[must_use]
    pub fn new(now: T, config: SpeakerConfig) -> Self {
        let period = whole_seconds(config.sg_state_period);
        let hold_down = u32::try_from(config.sa_hold_down_period.as_secs()).unwrap_or(u32::MAX);
        Self {
            epoch: now,
            cache: SaCache::new(period, hold_down),
            config,
            peers: BTreeMap::new(),
            rpf: RpfTable::default(),
            local_sources: BTreeSet::new(),
            interest: BTreeSet::new(),
            joined: BTreeSet::new(),
            timers: TimerMap::new(),
            events: VecDeque::new(),
            pending: BTreeSet::new(),
            advertisement: AdvertisementCycle::default(),
            stats: SpeakerStats::default(),
            scratch: Vec::new(),
            scratch_out: Vec::new(),
            scratch_keys: Vec::new(),
        }
    }

    // ----- Configuration --------------------------------------------------------------------

    /// Adds a peering and enables it (RFC 3618 §11): the lower address connects at once
    /// ([`SpeakerEvent::Connect`]), the higher listens ([`SpeakerEvent::Listen`]).
    ///
    /// # Errors
    /// [`ConfigError::DuplicatePeer`] if the peer exists, [`ConfigError::SameAddress`] if the
    /// two addresses are equal.
    pub fn add_peer(&mut self, now: T, config: PeerConfig) -> Result<(), ConfigError> {
        let address = config.peer_address;
        if address == config.local_address {
            return Err(ConfigError::SameAddress(address));
        }
        if self.peers.contains_key(&address) {
            return Err(ConfigError::DuplicatePeer(address));
        }
        self.peers.insert(
            address,
            Peer {
                config,
                state: PeerState::Disabled,
                decoder: None,
                output: Vec::new(),
                stats: PeerStats::default(),
            },
        );
        self.enable(now, address);
        Ok(())
    }

    /// Removes a peering, closing its connection first. Its SA cache entries stay until
    /// their SG-State timers expire. Returns whether it existed.
    pub fn remove_peer(&mut self, now: T, peer: Ipv4Addr) -> bool {
        if !self.peers.contains_key(&peer) {
            return false;
        }
        self.disable(now, peer);
        self.peers.remove(&peer);
        true
    }

    /// Enables or disables a peering. Returns whether the peer exists.
    pub fn set_peer_enabled(&mut self, now: T, peer: Ipv4Addr, enabled: bool) -> bool {
        let Some(state) = self.peers.get(&peer).map(|p| p.state) else {
            return false;
        };
        match (enabled, state) {
            (true, PeerState::Disabled) => self.enable(now, peer),
            (false, PeerState::Disabled) | (true, _) => {}
            (false, _) => self.disable(now, peer),
        }
        true
    }

    /// Replaces a peering's mesh group, AS, static RPF prefixes, filters, limit and SA-Request
    /// setting; the addresses stay (change those by removing and adding the peer). Returns
    /// whether the peer exists.
    pub fn reconfigure_peer(&mut self, config: PeerConfig) -> bool {
        let Some(peer) = self.peers.get_mut(&config.peer_address) else {
            return false;
        };
        let local = peer.config.local_address;
        peer.config = PeerConfig {
            local_address: local,
            ..config
        };
        true
    }

    /// Sets the peer-RPF route towards `prefix/len` (RFC 3618 §10.1.2), replacing any route of
    /// that prefix. Returns false if the table is full (counted).
    pub fn set_rpf_route(&mut self, prefix: Ipv4Addr, len: u8, route: RpfRoute) -> bool {
        if !self.rpf.contains(prefix, len) && self.rpf.len() >= self.config.limits.max_rpf_routes {
            bump(&mut self.stats.routes_over_limit);
            return false;
        }
        self.rpf.insert(prefix, len, route);
        true
    }

    /// Removes the peer-RPF route towards `prefix/len`. Returns whether there was one.
    pub fn remove_rpf_route(&mut self, prefix: Ipv4Addr, len: u8) -> bool {
        self.rpf.remove(prefix, len).is_some()
    }

    // ----- The peer machine -----------------------------------------------------------------

    fn set_state(&mut self, peer: Ipv4Addr, state: PeerState) {
        if let Some(p) = self.peers.get_mut(&peer)
            && p.state != state
        {
            p.state = state;
            self.events
                .push_back(SpeakerEvent::PeerStateChanged { peer, state });
        }
    }

    /// Enabling: Disabled → Inactive, then at once Connecting or Listen by the addresses.
    fn enable(&mut self, now: T, peer: Ipv4Addr) {
        self.set_state(peer, PeerState::Inactive);
        let Some(p) = self.peers.get(&peer) else {
            return;
        };
        if p.config.is_active() {
            self.connect(now, peer);
        } else {
            self.listen(peer);
        }
    }

    /// TCP active open, ConnectRetry set.
    fn connect(&mut self, now: T, peer: Ipv4Addr) {
        let Some(p) = self.peers.get_mut(&peer) else {
            return;
        };
        bump(&mut p.stats.connect_attempts);
        let local = p.config.local_address;
        self.timers.schedule_after(
            SpeakerTimer::ConnectRetry(peer),
            now,
            self.config.connect_retry_period.max(MIN_PERIOD),
        );
        self.set_state(peer, PeerState::Connecting);
        self.events.push_back(SpeakerEvent::Connect { peer, local });
    }

    /// TCP passive open.
    fn listen(&mut self, peer: Ipv4Addr) {
        let Some(local) = self.peers.get(&peer).map(|p| p.config.local_address) else {
            return;
        };
        self.set_state(peer, PeerState::Listen);
        self.events.push_back(SpeakerEvent::Listen { peer, local });
    }

    /// Forgets the connection's timers, bytes and framing.
    fn drop_connection(&mut self, peer: Ipv4Addr) {
        self.timers.cancel(&SpeakerTimer::Hold(peer));
        self.timers.cancel(&SpeakerTimer::KeepAlive(peer));
        self.timers.cancel(&SpeakerTimer::ConnectRetry(peer));
        self.pending.remove(&peer);
        if let Some(p) = self.peers.get_mut(&peer) {
            p.output = Vec::new();
            p.decoder = None;
        }
    }

    /// Disabling: abort the attempt (Connecting), stop listening (Listen) or close (Established), then Disabled.
    fn disable(&mut self, _now: T, peer: Ipv4Addr) {
        let Some(state) = self.peers.get(&peer).map(|p| p.state) else {
            return;
        };
        if matches!(
            state,
            PeerState::Connecting | PeerState::Listen | PeerState::Established
        ) {
            self.events.push_back(SpeakerEvent::Close {
                peer,
                reason: CloseReason::Disabled,
            });
        }
        self.drop_connection(peer);
        self.set_state(peer, PeerState::Disabled);
    }

    /// Closing from Established: Inactive; the active side waits for
    /// ConnectRetry, the passive side listens again.
    fn go_down(&mut self, now: T, peer: Ipv4Addr, reason: Option<CloseReason>) {
        if let Some(reason) = reason {
            self.events.push_back(SpeakerEvent::Close { peer, reason });
        }
        self.drop_connection(peer);
        self.set_state(peer, PeerState::Inactive);
        let Some(active) = self.peers.get(&peer).map(|p| p.config.is_active()) else {
            return;
        };
        if active {
            self.timers.schedule_after(
                SpeakerTimer::ConnectRetry(peer),
                now,
                self.config.connect_retry_period.max(MIN_PERIOD),
            );
        } else {
            self.listen(peer);
        }
    }

    fn state_of(&self, peer: Ipv4Addr) -> Result<PeerState, PeerError> {
        self.peers
            .get(&peer)
            .map(|p| p.state)
            .ok_or(PeerError::UnknownPeer(peer))
    }

    /// The TCP connection with `peer` is up (from Connecting or Listen): the speaker
    /// sends a KeepAlive, starts the KeepAlive and Hold timers and advertises the
    /// domain's sources at once (§5.2).
    ///
    /// Report only the connection the speaker asked for: the outgoing one after
    /// [`SpeakerEvent::Connect`], an incoming one after [`SpeakerEvent::Listen`]. An incoming
    /// connection from a peer this speaker connects to (the peer has the higher address) is
    /// refused by the caller, as RFC 3618 §11 gives each pair one active side.
    ///
    /// # Errors
    /// [`PeerError`] if the peer is unknown or neither connecting nor listening: close the
    /// socket.
    pub fn handle_connected(&mut self, now: T, peer: Ipv4Addr) -> Result<(), PeerError> {
        let state = self.state_of(peer)?;
        if !matches!(state, PeerState::Connecting | PeerState::Listen) {
            return Err(PeerError::UnexpectedState { peer, state });
        }
        self.timers.cancel(&SpeakerTimer::ConnectRetry(peer));
        self.timers.schedule_after(
            SpeakerTimer::Hold(peer),
            now,
            self.config.hold_time_period.max(MIN_PERIOD),
        );
        if let Some(p) = self.peers.get_mut(&peer) {
            bump(&mut p.stats.established);
            p.decoder = Some(Box::new(StreamDecoder::new()));
            p.output.clear();
        }
        self.set_state(peer, PeerState::Established);
        self.send_keepalive(now, peer);
        self.advertise_local(now, Some(peer));
        Ok(())
    }

    /// The active open towards `peer` failed. The peering stays Connecting and opens again
    /// when ConnectRetry expires (§5.6).
    ///
    /// # Errors
    /// [`PeerError`] if the peer is unknown or not connecting.
    pub fn handle_connect_failed(&mut self, _now: T, peer: Ipv4Addr) -> Result<(), PeerError> {
        let state = self.state_of(peer)?;
        if state != PeerState::Connecting {
            return Err(PeerError::UnexpectedState { peer, state });
        }
        if let Some(p) = self.peers.get_mut(&peer) {
            bump(&mut p.stats.connect_failures);
        }
        Ok(())
    }

    /// The peer closed the TCP connection, or it broke: the peering goes Inactive, to
    /// connect again when ConnectRetry expires (active side) or to listen again (passive).
    ///
    /// # Errors
    /// [`PeerError`] if the peer is unknown or has no connection.
    pub fn handle_closed(&mut self, now: T, peer: Ipv4Addr) -> Result<(), PeerError> {
        let state = self.state_of(peer)?;
        match state {
            PeerState::Established => {
                if let Some(p) = self.peers.get_mut(&peer) {
                    bump(&mut p.stats.closed_by_peer);
                }
                self.go_down(now, peer, None);
                Ok(())
            }
            PeerState::Connecting => self.handle_connect_failed(now, peer),
            _ => Err(PeerError::UnexpectedState { peer, state }),
        }
    }

    /// Closes an Established connection for `reason`, counting it.
    fn close(&mut self, now: T, peer: Ipv4Addr, reason: CloseReason) {
        if let Some(p) = self.peers.get_mut(&peer) {
            match reason {
                CloseReason::HoldTimerExpired => bump(&mut p.stats.closed_hold_timer),
                CloseReason::TlvFormatError => bump(&mut p.stats.closed_tlv_error),
                CloseReason::NotificationReceived => bump(&mut p.stats.closed_notification),
                CloseReason::Disabled | CloseReason::ConnectRetry => {}
            }
        }
        self.go_down(now, peer, Some(reason));
    }

    fn send_keepalive(&mut self, now: T, peer: Ipv4Addr) {
        let mut out = Outputs {
            timers: &mut self.timers,
            pending: &mut self.pending,
            keepalive_period: self.config.keepalive_period.max(MIN_PERIOD),
            max_output_bytes: self.config.limits.max_output_bytes,
        };
        if let Some(p) = self.peers.get_mut(&peer) {
            bump(&mut p.stats.keepalives_sent);
            out.send(now, p, &Message::Keepalive(Keepalive::default()));
        }
    }

    // ----- Bytes in -------------------------------------------------------------------------

    /// Handles the bytes one read of the TCP connection with `peer` returned, cut anywhere.
    /// Each whole message restarts the Hold timer (§5.4) and is acted on; a TLV format error
    /// or a Notification closes the connection ([`SpeakerEvent::Close`]) and the rest of the
    /// bytes are dropped.
    ///
    /// # Errors
    /// [`PeerError`] if the peer is unknown or not Established (the bytes are dropped and
    /// counted).
    pub fn handle_bytes(&mut self, now: T, peer: Ipv4Addr, bytes: &[u8]) -> Result<(), PeerError> {
        let state = self.state_of(peer)?;
        let decoder = self.peers.get_mut(&peer).and_then(|p| {
            if state == PeerState::Established {
                p.decoder.take()
            } else {
                p.stats.bytes_unexpected =
                    p.stats.bytes_unexpected.saturating_add(bytes.len() as u64);
                None
            }
        });
        let Some(mut decoder) = decoder else {
            return Err(PeerError::UnexpectedState { peer, state });
        };
        let mut input = bytes;
        let mut close = None;
        loop {
            let Ok((used, message)) = decoder.decode(input) else {
                close = Some(CloseReason::TlvFormatError);
                break;
            };
            input = input.get(used..).unwrap_or_default();
            let Some(message) = message else { break };
            if let Some(reason) = self.on_message(now, peer, &message) {
                close = Some(reason);
                break;
            }
        }
        if let Some(reason) = close {
            self.close(now, peer, reason);
        } else if let Some(p) = self.peers.get_mut(&peer) {
            p.decoder = Some(decoder);
        }
        Ok(())
    }

    /// Acts on one message from an Established peer; returns a reason to close.
    fn on_message(&mut self, now: T, peer: Ipv4Addr, message: &Message<'_>) -> Option<CloseReason> {
        self.timers.schedule_after(
            SpeakerTimer::Hold(peer),
            now,
            self.config.hold_time_period.max(MIN_PERIOD),
        );
        let p = self.peers.get_mut(&peer)?;
        bump(&mut p.stats.messages_received);
        match message {
            Message::SourceActive(sa) => {
                bump(&mut p.stats.sa_received);
                self.on_source_active(now, peer, sa, true);
            }
            Message::SourceActiveResponse(sa) => {
                if p.config.send_sa_requests {
                    bump(&mut p.stats.sa_responses_received);
                    self.on_source_active(now, peer, sa, false);
                } else {
                    bump(&mut p.stats.sa_request_ignored);
                }
            }
            Message::SourceActiveRequest(request) => {
                bump(&mut p.stats.sa_requests_received);
                if self.config.answer_sa_requests {
                    self.answer_sa_request(now, peer, request);
                } else if let Some(p) = self.peers.get_mut(&peer) {
                    bump(&mut p.stats.sa_request_ignored);
                }
            }
            Message::Keepalive(_) => {}
            Message::Notification(_) => return Some(CloseReason::NotificationReceived),
            Message::Unknown(_) => bump(&mut p.stats.unknown_received),
        }
        None
    }

    /// The peer that is the peer-RPF neighbour of `rp` (RFC 3618 §10.1.3), and by which rule:
    /// the first rule that some Established peer satisfies decides.
    #[must_use]
    pub fn peer_rpf(&self, rp: Ipv4Addr) -> Option<(Ipv4Addr, RpfRule)> {
        let established = |a: &Ipv4Addr| {
            self.peers
                .get(a)
                .is_some_and(|p| p.state == PeerState::Established)
        };
        // (i) N == R.
        if established(&rp) {
            return Some((rp, RpfRule::OriginatingRp));
        }
        if let Some(route) = self.rpf.lookup(rp) {
            // (ii) the eBGP NEXT_HOP; (iii) the advertiser or IGP next hop.
            if established(&route.neighbor) {
                let rule = match route.origin {
                    RouteOrigin::Ebgp => RpfRule::EbgpNextHop,
                    RouteOrigin::Ibgp | RouteOrigin::Igp => RpfRule::RouteAdvertiser,
                };
                return Some((route.neighbor, rule));
            }
            // (iv) the closest AS, the highest address of its peers.
            if let Some(first_as) = route.first_as {
                let best = self
                    .peers
                    .iter()
                    .filter(|(_, p)| {
                        p.state == PeerState::Established && p.config.remote_as == Some(first_as)
                    })
                    .map(|(a, _)| *a)
                    .max();
                if let Some(best) = best {
                    return Some((best, RpfRule::ClosestAs));
                }
            }
        }
        // (v) static RPF peers: the most specific range, then the highest address.
        self.peers
            .iter()
            .filter(|(_, p)| p.state == PeerState::Established)
            .filter_map(|(a, p)| {
                p.config
                    .static_rpf_for
                    .iter()
                    .filter(|range| range.contains(rp))
                    .map(|range| core::cmp::Reverse(range.size()))
                    .max()
                    .map(|specificity| (specificity, *a))
            })
            .max()
            .map(|(_, a)| (a, RpfRule::StaticPeer))
    }

    /// Processes a Source-Active (`flood`) or an SA-Response (not flooded, no RPF check).
    fn on_source_active(&mut self, now: T, from: Ipv4Addr, sa: &SourceActive<'_>, flood: bool) {
        let rp = sa.rp_address;
        let entry_count = sa.entries.len() as u64;
        if rp == self.config.originator_address {
            bump(&mut self.stats.sa_looped);
            return;
        }
        let mesh = self.peers.get(&from).and_then(|p| p.config.mesh_group);
        if flood && mesh.is_none() && self.peer_rpf(rp).is_none_or(|(rpf, _)| rpf != from) {
            if let Some(p) = self.peers.get_mut(&from) {
                bump(&mut p.stats.rpf_failures);
                p.stats.entries_received = p.stats.entries_received.saturating_add(entry_count);
            }
            return;
        }
        let now_secs = seconds_since(self.epoch, now, true);
        let cache_limit = self.config.limits.max_sa_cache;
        let Self {
            peers,
            cache,
            interest,
            joined,
            events,
            stats,
            scratch,
            ..
        } = self;
        let Some(peer) = peers.get_mut(&from) else {
            return;
        };
        let peer_limit = peer.config.max_sa_entries;
        let filter = &peer.config.sa_filter_in;
        let permit_all = filter.is_permit_all();
        let pstats = &mut peer.stats;
        pstats.entries_received = pstats.entries_received.saturating_add(entry_count);
        scratch.clear();
        let mut last_accepted = false;
        let last = sa.entries.len().saturating_sub(1);
        for (index, entry) in sa.entries.iter().enumerate() {
            let (source, group) = (entry.source_address(), entry.group_address());
            last_accepted = false;
            if !valid_entry(source, group) {
                bump(&mut pstats.entries_invalid);
                continue;
            }
            if !permit_all && !filter.permits(source, group, rp) {
                bump(&mut pstats.entries_filtered_in);
                continue;
            }
            let key = SaKey::new(source, group, rp);
            match cache.accept(key, from, now_secs, peer_limit, cache_limit) {
                Accepted::New => {
                    bump(&mut pstats.entries_accepted);
                    scratch.push(SaEntry::new(source, group));
                    last_accepted = index == last;
                    if interest.contains(&group) && joined.insert((group, source)) {
                        events.push_back(SpeakerEvent::JoinSource { source, group });
                    }
                }
                Accepted::Refreshed => {
                    bump(&mut pstats.entries_accepted);
                    scratch.push(SaEntry::new(source, group));
                    last_accepted = index == last;
                }
                Accepted::Duplicate => bump(&mut pstats.entries_duplicate),
                Accepted::PeerLimit => bump(&mut pstats.entries_over_peer_limit),
                Accepted::CacheLimit => bump(&mut stats.entries_over_cache_limit),
                Accepted::BeyondClock => bump(&mut stats.entries_beyond_clock),
            }
        }
        // The data packet belongs to the last entry (§12.2.1); it goes on only with it.
        let mut data: &[u8] = &[];
        if flood
            && last_accepted
            && !sa.encapsulated_data.is_empty()
            && let Some(entry) = sa.entries.last()
        {
            let (source, group) = (entry.source_address(), entry.group_address());
            if packet_matches(sa.encapsulated_data, source, group) {
                data = sa.encapsulated_data;
                if interest.contains(&group) {
                    events.push_back(SpeakerEvent::EncapsulatedData {
                        rp,
                        source,
                        group,
                        packet: data.to_vec(),
                    });
                }
            } else {
                bump(&mut pstats.data_mismatch);
            }
        }
        self.schedule_sg_state();
        if flood && !self.scratch.is_empty() {
            let entries = core::mem::take(&mut self.scratch);
            self.flood(now, Some(from), rp, &entries, data);
            self.scratch = entries;
        }
    }

    /// Sends an SA with `entries` (at most 255, with `data` after the last) to every
    /// Established peer but `from`, the RP itself and `from`'s mesh-group partners (§10.2),
    /// through each peer's output filter.
    fn flood(
        &mut self,
        now: T,
        from: Option<Ipv4Addr>,
        rp: Ipv4Addr,
        entries: &[SaEntry],
        data: &[u8],
    ) {
        let mesh = from
            .and_then(|f| self.peers.get(&f))
            .and_then(|p| p.config.mesh_group);
        let mut out = Outputs {
            timers: &mut self.timers,
            pending: &mut self.pending,
            keepalive_period: self.config.keepalive_period.max(MIN_PERIOD),
            max_output_bytes: self.config.limits.max_output_bytes,
        };
        let filtered = &mut self.scratch_out;
        for (address, peer) in &mut self.peers {
            if peer.state != PeerState::Established
                || Some(*address) == from
                || *address == rp
                || (mesh.is_some() && peer.config.mesh_group == mesh)
            {
                continue;
            }
            let filter = &peer.config.sa_filter_out;
            let (send, data) = if filter.is_permit_all() {
                (entries, data)
            } else {
                filtered.clear();
                filtered.extend(
                    entries
                        .iter()
                        .filter(|e| filter.permits(e.source_address(), e.group_address(), rp)),
                );
                let dropped = entries.len().saturating_sub(filtered.len()) as u64;
                peer.stats.entries_filtered_out =
                    peer.stats.entries_filtered_out.saturating_add(dropped);
                let keeps_last = filtered.last() == entries.last();
                (&filtered[..], if keeps_last { data } else { &[][..] })
            };
            for (index, chunk) in send.chunks(MAX_ENTRIES).enumerate() {
                let is_last = index.saturating_add(1).saturating_mul(MAX_ENTRIES) >= send.len();
                let with_data = if is_last && fits(chunk.len(), data.len()) {
                    data
                } else {
                    &[]
                };
                let message = Message::SourceActive(SourceActive {
                    rp_address: rp,
                    entries: chunk,
                    encapsulated_data: with_data,
                });
                out.send(now, peer, &message);
            }
        }
    }

    /// Keeps the SgState timer at the cache's earliest deadline.
    fn schedule_sg_state(&mut self) {
        match self.cache.next_due() {
            Some(due) => {
                match self
                    .epoch
                    .checked_add_duration(Duration::from_secs(u64::from(due)))
                {
                    Some(deadline) => {
                        self.timers
                            .schedule_no_later_than(SpeakerTimer::SgState, deadline);
                    }
                    None => {
                        self.timers.cancel(&SpeakerTimer::SgState);
                    }
                }
            }
            None => {
                self.timers.cancel(&SpeakerTimer::SgState);
            }
        }
    }

    /// Answers an SA-Request (§12.2.2) with SA-Responses (§12.2.3): the cached and local
    /// sources of the group, one response per RP; an empty response if there are none.
    fn answer_sa_request(&mut self, now: T, peer: Ipv4Addr, request: &SourceActiveRequest<'_>) {
        let group = request.group_address;
        let mut by_rp: BTreeMap<Ipv4Addr, Vec<SaEntry>> = BTreeMap::new();
        for (key, _) in self.cache.group(group) {
            by_rp
                .entry(key.rp())
                .or_default()
                .push(SaEntry::new(key.source(), key.group()));
        }
        let first = (group, Ipv4Addr::UNSPECIFIED);
        let last = (group, Ipv4Addr::BROADCAST);
        for (g, s) in self.local_sources.range(first..=last) {
            by_rp
                .entry(self.config.originator_address)
                .or_default()
                .push(SaEntry::new(*s, *g));
        }
        let originator = self.config.originator_address;
        let mut out = Outputs {
            timers: &mut self.timers,
            pending: &mut self.pending,
            keepalive_period: self.config.keepalive_period.max(MIN_PERIOD),
            max_output_bytes: self.config.limits.max_output_bytes,
        };
        let Some(p) = self.peers.get_mut(&peer) else {
            return;
        };
        let filter = p.config.sa_filter_out.clone();
        let mut sent = false;
        for (rp, mut entries) in by_rp {
            entries.retain(|e| filter.permits(e.source_address(), e.group_address(), rp));
            for chunk in entries.chunks(MAX_ENTRIES) {
                sent = true;
                let message = Message::SourceActiveResponse(SourceActive {
                    rp_address: rp,
                    entries: chunk,
                    encapsulated_data: &[],
                });
                out.send(now, p, &message);
            }
        }
        if !sent {
            let message = Message::SourceActiveResponse(SourceActive {
                rp_address: originator,
                entries: &[],
                encapsulated_data: &[],
            });
            out.send(now, p, &message);
        }
    }

    // ----- Origination (RFC 3618 §3, §5.1, §5.2) --------------------------------------------

    /// A source registered in the domain (the RP received a PIM Register from `source` to
    /// `group`, or the source is directly connected to the RP acting as its DR; §3, §6 R8).
    ///
    /// A new source is announced at once to every Established peer, with `first_packet`
    /// encapsulated when [`SpeakerConfig::encapsulate_data`] is on and the packet fits (§8);
    /// then periodically, every [SA-Advertisement-Period], the first period's phase drawn
    /// from `rng` so that speakers do not advertise in step, in SAs of 255 sources spread
    /// over the period (§5.2). Returns whether the
    /// source was new (a known source, one over the limit or an invalid pair returns false).
    pub fn add_local_source(
        &mut self,
        now: T,
        rng: &mut impl Rng,
        source: Ipv4Addr,
        group: Ipv4Addr,
        first_packet: &[u8],
    ) -> bool {
        if !valid_entry(source, group) {
            bump(&mut self.stats.local_sources_invalid);
            return false;
        }
        if self.local_sources.contains(&(group, source)) {
            return false;
        }
        if self.local_sources.len() >= self.config.limits.max_local_sources {
            bump(&mut self.stats.local_sources_over_limit);
            return false;
        }
        self.local_sources.insert((group, source));
        if !self.timers.is_running(&SpeakerTimer::SaAdvertisement) {
            let period = self.config.sa_advertisement_period.max(MIN_PERIOD);
            let phase = random_up_to(rng, period);
            self.timers
                .schedule_after(SpeakerTimer::SaAdvertisement, now, phase);
        }
        let data = if self.config.encapsulate_data
            && !first_packet.is_empty()
            && packet_matches(first_packet, source, group)
            && fits(1, first_packet.len())
        {
            first_packet
        } else {
            &[]
        };
        let entry = [SaEntry::new(source, group)];
        let rp = self.config.originator_address;
        self.flood(now, None, rp, &entry, data);
        true
    }

    /// The source stopped (its (S,G) state at the RP timed out): it is no longer advertised,
    /// and peers forget it when their SG-State timers expire (MSDP has no withdrawal).
    /// Returns whether it was known.
    pub fn remove_local_source(&mut self, _now: T, source: Ipv4Addr, group: Ipv4Addr) -> bool {
        let removed = self.local_sources.remove(&(group, source));
        if self.local_sources.is_empty() {
            self.timers.cancel(&SpeakerTimer::SaAdvertisement);
            self.advertisement = AdvertisementCycle::default();
        }
        removed
    }

    /// Sends every local source, packed into SAs of at most 255 entries, to `only` or to every
    /// Established peer.
    fn advertise_local(&mut self, now: T, only: Option<Ipv4Addr>) {
        let entries: Vec<SaEntry> = self
            .local_sources
            .iter()
            .map(|(g, s)| SaEntry::new(*s, *g))
            .collect();
        self.advertise_entries(now, only, &entries);
    }

    /// Sends `entries` of local sources, packed into SAs of at most 255 entries, to `only` or
    /// to every Established peer, through each peer's output filter.
    fn advertise_entries(&mut self, now: T, only: Option<Ipv4Addr>, entries: &[SaEntry]) {
        if entries.is_empty() {
            return;
        }
        let rp = self.config.originator_address;
        let targets: Vec<Ipv4Addr> = match only {
            Some(peer) => alloc::vec![peer],
            None => self
                .peers
                .iter()
                .filter(|(_, p)| p.state == PeerState::Established)
                .map(|(a, _)| *a)
                .collect(),
        };
        let mut out = Outputs {
            timers: &mut self.timers,
            pending: &mut self.pending,
            keepalive_period: self.config.keepalive_period.max(MIN_PERIOD),
            max_output_bytes: self.config.limits.max_output_bytes,
        };
        for target in targets {
            let Some(peer) = self.peers.get_mut(&target) else {
                continue;
            };
            if peer.state != PeerState::Established || target == rp {
                continue;
            }
            let filter = &peer.config.sa_filter_out;
            let send: Vec<SaEntry> = if filter.is_permit_all() {
                entries.to_vec()
            } else {
                entries
                    .iter()
                    .copied()
                    .filter(|e| filter.permits(e.source_address(), e.group_address(), rp))
                    .collect()
            };
            for chunk in send.chunks(MAX_ENTRIES) {
                let message = Message::SourceActive(SourceActive {
                    rp_address: rp,
                    entries: chunk,
                    encapsulated_data: &[],
                });
                out.send(now, peer, &message);
            }
        }
    }

    // ----- The PIM side (RFC 3618 §3) --------------------------------------------------------

    /// Whether the RP has (*,G) state for `group` with a non-empty outgoing interface list.
    ///
    /// Gaining interest joins every (S,G) of the group in the cache
    /// ([`SpeakerEvent::JoinSource`], §3: "it SHOULD trigger an (S,G) join event for each
    /// active (S,G) for that group in its SA cache") and sends an SA-Request to the peers so
    /// configured; losing it prunes them ([`SpeakerEvent::PruneSource`]).
    pub fn set_star_g_interest(&mut self, now: T, group: Ipv4Addr, interested: bool) {
        if interested {
            if self.interest.contains(&group) {
                return;
            }
            if self.interest.len() >= self.config.limits.max_interest_groups {
                bump(&mut self.stats.interest_over_limit);
                return;
            }
            self.interest.insert(group);
            let mut last = None;
            for (key, _) in self.cache.group(group) {
                let source = key.source();
                if last != Some(source) && self.joined.insert((group, source)) {
                    self.events
                        .push_back(SpeakerEvent::JoinSource { source, group });
                }
                last = Some(source);
            }
            let requesters: Vec<Ipv4Addr> = self
                .peers
                .iter()
                .filter(|(_, p)| p.state == PeerState::Established && p.config.send_sa_requests)
                .map(|(a, _)| *a)
                .collect();
            let mut out = Outputs {
                timers: &mut self.timers,
                pending: &mut self.pending,
                keepalive_period: self.config.keepalive_period.max(MIN_PERIOD),
                max_output_bytes: self.config.limits.max_output_bytes,
            };
            for address in requesters {
                if let Some(peer) = self.peers.get_mut(&address) {
                    let message = Message::SourceActiveRequest(SourceActiveRequest {
                        reserved: 0,
                        group_address: group,
                        trailing: &[],
                    });
                    out.send(now, peer, &message);
                }
            }
        } else if self.interest.remove(&group) {
            let first = (group, Ipv4Addr::UNSPECIFIED);
            let last = (group, Ipv4Addr::BROADCAST);
            let pruned: Vec<(Ipv4Addr, Ipv4Addr)> =
                self.joined.range(first..=last).copied().collect();
            for (g, source) in pruned {
                self.joined.remove(&(g, source));
                self.events
                    .push_back(SpeakerEvent::PruneSource { source, group: g });
            }
        }
    }

    // ----- Time -----------------------------------------------------------------------------

    /// Fires every timer due at `now`, and leaves none due behind.
    pub fn handle_timeout(&mut self, now: T) {
        while let Some((timer, _)) = self.timers.pop_expired(now) {
            match timer {
                SpeakerTimer::ConnectRetry(peer) => match self.peers.get(&peer).map(|p| p.state) {
                    Some(PeerState::Connecting) => {
                        // Abort the attempt and open again.
                        self.events.push_back(SpeakerEvent::Close {
                            peer,
                            reason: CloseReason::ConnectRetry,
                        });
                        self.connect(now, peer);
                    }
                    // §5.6: from Inactive to Connecting.
                    Some(PeerState::Inactive) => self.connect(now, peer),
                    _ => {}
                },
                SpeakerTimer::Hold(peer) => {
                    if self.peers.get(&peer).map(|p| p.state) == Some(PeerState::Established) {
                        self.close(now, peer, CloseReason::HoldTimerExpired);
                    }
                }
                SpeakerTimer::KeepAlive(peer) => {
                    if self.peers.get(&peer).map(|p| p.state) == Some(PeerState::Established) {
                        self.send_keepalive(now, peer);
                    }
                }
                SpeakerTimer::SaAdvertisement => self.on_sa_advertisement_timer(now),
                SpeakerTimer::SgState => self.expire_cache(now),
            }
        }
    }

    /// The SA-Advertisement-Timer (§5.2): the next batch of at most 255 local sources goes
    /// to every Established peer. A period's batches are spread evenly over the period (§5.2:
    /// an RP "MUST spread the generation of periodic SA messages ... over its reporting
    /// interval"), and a new period starts one period after the previous one did, so no
    /// (S,G) is advertised twice within a period (§5.1).
    fn on_sa_advertisement_timer(&mut self, now: T) {
        if self.local_sources.is_empty() {
            self.advertisement = AdvertisementCycle::default();
            return;
        }
        let period = self.config.sa_advertisement_period.max(MIN_PERIOD);
        let cycle = &mut self.advertisement;
        let start = if let (Some(next), Some(_)) = (cycle.next, cycle.started) {
            next
        } else {
            cycle.started = Some(now);
            cycle.batch = 0;
            let batches = self.local_sources.len().div_ceil(MAX_ENTRIES);
            cycle.batches = u32::try_from(batches.max(1)).unwrap_or(u32::MAX);
            bump(&mut self.stats.advertisements);
            self.local_sources
                .first()
                .copied()
                .unwrap_or((Ipv4Addr::UNSPECIFIED, Ipv4Addr::UNSPECIFIED))
        };
        let mut batch: Vec<SaEntry> = Vec::new();
        let mut rest = self.local_sources.range(start..);
        for (g, s) in rest.by_ref().take(MAX_ENTRIES) {
            batch.push(SaEntry::new(*s, *g));
        }
        let next = rest.next().copied();
        let cycle = &mut self.advertisement;
        cycle.batch = cycle.batch.saturating_add(1);
        cycle.next = next;
        let started = cycle.started.unwrap_or(now);
        let offset = if next.is_some() {
            // Batch `i` of `n` goes out at `started + period × i / n`.
            let batches = cycle.batches.max(cycle.batch.saturating_add(1));
            period
                .checked_mul(cycle.batch)
                .and_then(|d| d.checked_div(batches))
                .unwrap_or(period)
        } else {
            cycle.started = None;
            period
        };
        match started.checked_add_duration(offset) {
            Some(at) if at > now => {
                self.timers.schedule(SpeakerTimer::SaAdvertisement, at);
            }
            Some(_) => {
                self.timers
                    .schedule_after(SpeakerTimer::SaAdvertisement, now, MIN_PERIOD);
            }
            None => {}
        }
        self.advertise_entries(now, None, &batch);
    }

    fn expire_cache(&mut self, now: T) {
        let now_secs = seconds_since(self.epoch, now, false);
        let mut expired = core::mem::take(&mut self.scratch_keys);
        expired.clear();
        self.cache.expire(now_secs, &mut expired);
        for key in &expired {
            bump(&mut self.stats.entries_expired);
            let (source, group) = (key.source(), key.group());
            if !self.cache.has_source(source, group) && self.joined.remove(&(group, source)) {
                self.events
                    .push_back(SpeakerEvent::PruneSource { source, group });
            }
        }
        self.scratch_keys = expired;
        self.timers.cancel(&SpeakerTimer::SgState);
        self.schedule_sg_state();
    }

    // ----- Outputs --------------------------------------------------------------------------

    /// The bytes to write next to one peer's connection, if any (peers in address order).
    pub fn poll_transmit(&mut self) -> Option<Transmit> {
        let peer = self.pending.pop_first()?;
        let bytes = core::mem::take(&mut self.peers.get_mut(&peer)?.output);
        Some(Transmit { peer, bytes })
    }

    /// The next event, if any.
    pub fn poll_event(&mut self) -> Option<SpeakerEvent> {
        self.events.pop_front()
    }

    /// When [`Speaker::handle_timeout`] must be called next, if ever. Calling it earlier or
    /// more often is harmless.
    #[must_use]
    pub fn poll_timeout(&self) -> Option<T> {
        self.timers.next_deadline()
    }

    // ----- Queries --------------------------------------------------------------------------

    /// The configuration.
    #[must_use]
    pub const fn config(&self) -> &SpeakerConfig {
        &self.config
    }

    /// The state of a peering.
    #[must_use]
    pub fn peer_state(&self, peer: Ipv4Addr) -> Option<PeerState> {
        self.peers.get(&peer).map(|p| p.state)
    }

    /// The configuration of a peering.
    #[must_use]
    pub fn peer_config(&self, peer: Ipv4Addr) -> Option<&PeerConfig> {
        self.peers.get(&peer).map(|p| &p.config)
    }

    /// The counters of a peering.
    #[must_use]
    pub fn peer_stats(&self, peer: Ipv4Addr) -> Option<&PeerStats> {
        self.peers.get(&peer).map(|p| &p.stats)
    }

    /// The configured peers with their states, in address order.
    pub fn peers(&self) -> impl Iterator<Item = (Ipv4Addr, PeerState)> + '_ {
        self.peers.iter().map(|(a, p)| (*a, p.state))
    }

    /// The counters of the speaker.
    #[must_use]
    pub const fn stats(&self) -> &SpeakerStats {
        &self.stats
    }

    /// The deadline of a timer, if it runs.
    #[must_use]
    pub fn deadline(&self, timer: &SpeakerTimer) -> Option<T> {
        self.timers.deadline(timer)
    }

    /// Number of SA cache entries.
    #[must_use]
    pub fn sa_cache_len(&self) -> usize {
        self.cache.len()
    }

    /// Number of SA cache entries learned from `peer`.
    #[must_use]
    pub fn sa_cache_len_from(&self, peer: Ipv4Addr) -> usize {
        self.cache.peer_count(peer)
    }

    /// The SA cache, in (group, source, RP) order.
    pub fn sa_cache(&self) -> impl Iterator<Item = CachedSa<T>> + '_ {
        self.cache
            .iter()
            .map(|(key, entry)| self.cached(key, entry.deadline, entry.peer))
    }

    /// The SA cache entries of `group`, in (source, RP) order.
    pub fn sa_cache_group(&self, group: Ipv4Addr) -> impl Iterator<Item = CachedSa<T>> + '_ {
        self.cache
            .group(group)
            .map(|(key, entry)| self.cached(key, entry.deadline, entry.peer))
    }

    /// The cache entry for (`source`, `group`, `rp`), if any.
    #[must_use]
    pub fn sa_cache_entry(
        &self,
        source: Ipv4Addr,
        group: Ipv4Addr,
        rp: Ipv4Addr,
    ) -> Option<CachedSa<T>> {
        let key = SaKey::new(source, group, rp);
        self.cache
            .get(&key)
            .map(|entry| self.cached(&key, entry.deadline, entry.peer))
    }

    fn cached(&self, key: &SaKey, deadline: u32, peer: u32) -> CachedSa<T> {
        CachedSa {
            source: key.source(),
            group: key.group(),
            rp: key.rp(),
            peer: Ipv4Addr::from_bits(peer),
            expires: self
                .epoch
                .checked_add_duration(Duration::from_secs(u64::from(deadline))),
        }
    }

    /// Bytes the SG-State timer wheel holds allocated (for memory accounting).
    #[must_use]
    pub fn sg_state_wheel_bytes(&self) -> usize {
        self.cache.wheel_capacity_bytes()
    }

    /// The sources registered in the domain, as (source, group).
    pub fn local_sources(&self) -> impl Iterator<Item = (Ipv4Addr, Ipv4Addr)> + '_ {
        self.local_sources.iter().map(|(g, s)| (*s, *g))
    }

    /// The (S,G) currently joined (cache ∩ (*,G) interest), as (source, group).
    pub fn joined_sources(&self) -> impl Iterator<Item = (Ipv4Addr, Ipv4Addr)> + '_ {
        self.joined.iter().map(|(g, s)| (*s, *g))
    }

    /// Whether `group` has (*,G) interest.
    #[must_use]
    pub fn has_star_g_interest(&self, group: Ipv4Addr) -> bool {
        self.interest.contains(&group)
    }
}

/// Whether an SA of `entries` entries and `data` bytes of encapsulated data fits the maximum
/// message size (RFC 3618 §12.2.1).
fn fits(entries: usize, data: usize) -> bool {
    SA_FIXED_LEN
        .saturating_add(entries.saturating_mul(core::mem::size_of::<SaEntry>()))
        .saturating_add(data)
        <= MAX_MESSAGE_LEN
}

/// A duration drawn uniformly from `(0, max]`.
fn random_up_to(rng: &mut impl Rng, max: Duration) -> Duration {
    let high = u64::try_from(max.as_nanos()).unwrap_or(u64::MAX);
    // Lemire's multiply-shift: uniform in [0, high) without a division.
    let product = u128::from(rng.next_u64()).wrapping_mul(u128::from(high));
    let offset = u64::try_from(product.checked_shr(64).unwrap_or(0)).unwrap_or(0);
    Duration::from_nanos(offset.saturating_add(1).min(high.max(1)))
}
