//! Configuration of a [`Speaker`](super::Speaker) and of each of its peers, with the RFC 3618
//! defaults as named constants.

use alloc::vec::Vec;
use core::net::Ipv4Addr;
use core::time::Duration;

use mcast_addr::ipv4::Ipv4Range;

/// [ConnectRetry-Period] (RFC 3618 §5.6): "SHOULD be set to 30 seconds".
pub const CONNECT_RETRY_PERIOD: Duration = Duration::from_secs(30);

/// [HoldTime-Period] (RFC 3618 §5.4): "MUST be at least three seconds. The recommended value
/// for [HoldTime-Period] is 75 seconds."
pub const HOLD_TIME_PERIOD: Duration = Duration::from_secs(75);

/// [KeepAlive-Period] (RFC 3618 §5.5): "MUST be less than [HoldTime-Period], and MUST be at
/// least one second. The recommended value for [KeepAlive-Period] is 60 seconds."
pub const KEEPALIVE_PERIOD: Duration = Duration::from_secs(60);

/// [SA-Advertisement-Period] (RFC 3618 §5.1): "MUST be 60 seconds".
pub const SA_ADVERTISEMENT_PERIOD: Duration = Duration::from_secs(60);

/// [SA-Hold-Down-Period]: 30 seconds, the term RFC 3618 §5.3 adds to [SA-Advertisement-Period]
/// for the lower bound of [SG-State-Period]. This crate uses it for the storm damping of §4
/// (an (S,G) is passed on no more than twice per SA-Advertisement period): after an (S,G,RP)
/// is accepted, copies arriving within this time are neither forwarded nor refresh its timer.
pub const SA_HOLD_DOWN_PERIOD: Duration = Duration::from_secs(30);

/// [SG-State-Period] as this crate chooses it: 90 seconds, the smallest value RFC 3618 §5.3
/// allows ("MUST NOT be less than [SA-Advertisement-Period] + [SA-Hold-Down-Period]").
///
/// An originating RP refreshes each (S,G) every 60 seconds over TCP, which does not lose
/// messages; 90 seconds lets one refresh be 30 seconds late and withdraws a vanished source
/// soonest. Operators peering with speakers that spread their refreshes over more than the
/// period can raise it in [`SpeakerConfig::sg_state_period`].
pub const SG_STATE_PERIOD: Duration = Duration::from_secs(90);

/// The TCP port of MSDP (RFC 3618 §11): the peer with the higher address listens on it.
pub use crate::wire::TCP_PORT;

/// A mesh group (RFC 3618 §10.2), named by a number of the caller's choosing: every peer
/// configured with the same number is a member of the same group.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct MeshGroup(pub u32);

/// What a filter rule does with the entries it matches.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum FilterAction {
    /// The entry is accepted (received) or sent (sent).
    Permit,
    /// The entry is dropped, and counted.
    Deny,
}

/// One rule of an [`SaFilter`]: it matches an (S,G) entry advertised by RP R when S, G and R
/// each lie in their range.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct FilterRule {
    /// What to do with a matching entry.
    pub action: FilterAction,
    /// The sources the rule matches.
    pub source: Ipv4Range,
    /// The groups the rule matches.
    pub group: Ipv4Range,
    /// The originating RPs the rule matches.
    pub rp: Ipv4Range,
}

/// Every IPv4 address, for the fields of a [`FilterRule`] that match anything.
// Evaluated at compile time: the panic arm could only fail the build, never a run.
#[allow(clippy::panic)]
pub const ANY: Ipv4Range = match Ipv4Range::from_prefix(Ipv4Addr::UNSPECIFIED, 0) {
    Some(range) => range,
    None => panic!("0.0.0.0/0 is a prefix"),
};

impl FilterRule {
    /// A rule that matches entries of sources in `source`, groups in `group` and RPs in `rp`.
    #[must_use]
    pub const fn new(
        action: FilterAction,
        source: Ipv4Range,
        group: Ipv4Range,
        rp: Ipv4Range,
    ) -> Self {
        Self {
            action,
            source,
            group,
            rp,
        }
    }

    /// Whether the rule matches (`source`, `group`) from `rp`.
    #[must_use]
    pub const fn matches(&self, source: Ipv4Addr, group: Ipv4Addr, rp: Ipv4Addr) -> bool {
        self.source.contains(source) && self.group.contains(group) && self.rp.contains(rp)
    }
}

/// An SA filter (RFC 3618 §7, RFC 4611 §4.1): rules tried in order, the first that matches
/// decides; an entry no rule matches gets [`SaFilter::default_action`]. The empty filter
/// permits everything.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct SaFilter {
    /// The rules, first match wins.
    pub rules: Vec<FilterRule>,
    /// What happens to an entry no rule matches.
    pub default_action: FilterAction,
}

impl Default for SaFilter {
    fn default() -> Self {
        Self::permit_all()
    }
}

impl SaFilter {
    /// The filter that permits every entry.
    #[must_use]
    pub const fn permit_all() -> Self {
        Self {
            rules: Vec::new(),
            default_action: FilterAction::Permit,
        }
    }

    /// Whether the filter lets (`source`, `group`) from `rp` through.
    #[must_use]
    pub fn permits(&self, source: Ipv4Addr, group: Ipv4Addr, rp: Ipv4Addr) -> bool {
        let action = self
            .rules
            .iter()
            .find(|rule| rule.matches(source, group, rp))
            .map_or(self.default_action, |rule| rule.action);
        action == FilterAction::Permit
    }

    /// Whether the filter permits everything without looking at a rule (the fast path).
    #[must_use]
    pub fn is_permit_all(&self) -> bool {
        self.rules.is_empty() && self.default_action == FilterAction::Permit
    }
}

/// The configuration of one MSDP peering (RFC 3618 §11: "Enable MSDP peering with P").
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct PeerConfig {
    /// The peer's address: the far end of the TCP connection, and the peer's name in every
    /// input and output of the speaker.
    pub peer_address: Ipv4Addr,
    /// This speaker's address for the peering. The lower of the two addresses makes the
    /// active TCP open; the higher listens on port 639 (RFC 3618 §11, §5.6).
    pub local_address: Ipv4Addr,
    /// The mesh group the peer belongs to (RFC 3618 §10.2), if any.
    pub mesh_group: Option<MeshGroup>,
    /// The AS the peer lives in, for peer-RPF rule (iv) of RFC 3618 §10.1.3 (the peer in the
    /// closest AS on the best path towards the RP). `None`: the rule never picks this peer.
    pub remote_as: Option<u32>,
    /// The originating RPs for which this peer is a static RPF peer (rule (v) of RFC 3618
    /// §10.1.3). A default peer (accepted for every RP when no other rule picks a peer) has
    /// `0.0.0.0/0`: see [`PeerConfig::default_peer`].
    pub static_rpf_for: Vec<Ipv4Range>,
    /// Entries received from the peer that do not pass are dropped before the cache (RFC
    /// 3618 §7).
    pub sa_filter_in: SaFilter,
    /// Entries that do not pass are not sent to the peer (RFC 3618 §7, §7 R11: a scope
    /// boundary).
    pub sa_filter_out: SaFilter,
    /// The most SA cache entries learned from this peer; more are dropped and counted
    /// (RFC 4611 §4.2). Once reached, new entries from the peer are taken again when its count
    /// falls to the low-water mark, 10% below the limit.
    pub max_sa_entries: usize,
    /// Whether to send this peer an SA-Request (RFC 3618 §12.2.2) when a group gains (*,G)
    /// interest, and to accept SA-Responses from it. Only for peers that answer requests.
    pub send_sa_requests: bool,
}

impl PeerConfig {
    /// A peering with `peer_address` from `local_address`: no mesh group, no AS, no static
    /// RPF, no filters, at most [`Limits::DEFAULT_MAX_SA_PER_PEER`] entries, no SA-Requests.
    #[must_use]
    pub const fn new(peer_address: Ipv4Addr, local_address: Ipv4Addr) -> Self {
        Self {
            peer_address,
            local_address,
            mesh_group: None,
            remote_as: None,
            static_rpf_for: Vec::new(),
            sa_filter_in: SaFilter::permit_all(),
            sa_filter_out: SaFilter::permit_all(),
            max_sa_entries: Limits::DEFAULT_MAX_SA_PER_PEER,
            send_sa_requests: false,
        }
    }

    /// The same peering in mesh group `group`.
    #[must_use]
    pub fn in_mesh_group(mut self, group: MeshGroup) -> Self {
        self.mesh_group = Some(group);
        self
    }

    /// The same peering as a default peer: the static RPF peer for every RP (RFC 3618
    /// §10.1.3 rule (v) for `0.0.0.0/0`), the usual case of a stub domain with one peer and
    /// no BGP (RFC 4611 §2.3).
    #[must_use]
    pub fn default_peer(mut self) -> Self {
        self.static_rpf_for.push(ANY);
        self
    }

    /// Whether this speaker makes the active TCP open (it has the lower address, RFC 3618
    /// §5.6, §11).
    #[must_use]
    pub fn is_active(&self) -> bool {
        self.local_address < self.peer_address
    }
}

/// Limits on what peers can make the speaker keep (RFC 4611 §4.2, "SA Message State Limits").
///
/// The SA cache limits have hysteresis: a cache (or a peer's share of it) that reached its
/// limit takes new entries again only once it has fallen 10% below it (one below, under 10),
/// so that a full table does not flap at every expiry. Refreshes of entries held go on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Limits {
    /// The most SA cache entries in total.
    pub max_sa_cache: usize,
    /// The most sources registered in the domain ([`Speaker::add_local_source`](super::Speaker::add_local_source)).
    pub max_local_sources: usize,
    /// The most routes in the peer-RPF table.
    pub max_rpf_routes: usize,
    /// The most bytes waiting for [`Speaker::poll_transmit`](super::Speaker::poll_transmit)
    /// per peer; a message that would exceed it is dropped and counted.
    pub max_output_bytes: usize,
    /// The most groups with (*,G) interest.
    pub max_interest_groups: usize,
}

impl Limits {
    /// Default of [`PeerConfig::max_sa_entries`].
    pub const DEFAULT_MAX_SA_PER_PEER: usize = 200_000;
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_sa_cache: 1_000_000,
            max_local_sources: 100_000,
            max_rpf_routes: 1_000_000,
            max_output_bytes: 4 << 20,
            max_interest_groups: 1_000_000,
        }
    }
}

/// The configuration of a [`Speaker`](super::Speaker).
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct SpeakerConfig {
    /// The RP Address this speaker puts in the SAs it originates (RFC 3618 §3), and by which
    /// it recognises its own SAs coming back. With Anycast RP (RFC 3446 §3) this is the RP's
    /// own unique address, not the shared anycast address.
    pub originator_address: Ipv4Addr,
    /// [ConnectRetry-Period], [`CONNECT_RETRY_PERIOD`] by default.
    pub connect_retry_period: Duration,
    /// [HoldTime-Period], [`HOLD_TIME_PERIOD`] by default.
    pub hold_time_period: Duration,
    /// [KeepAlive-Period], [`KEEPALIVE_PERIOD`] by default.
    pub keepalive_period: Duration,
    /// [SA-Advertisement-Period], [`SA_ADVERTISEMENT_PERIOD`] by default.
    pub sa_advertisement_period: Duration,
    /// [SG-State-Period], [`SG_STATE_PERIOD`] by default; kept in whole seconds (rounded up,
    /// at least one). Fixed for the life of the speaker. SG-State deadlines count 32-bit
    /// seconds from the speaker's creation: after 136 years, nothing more is cached.
    pub sg_state_period: Duration,
    /// [SA-Hold-Down-Period], [`SA_HOLD_DOWN_PERIOD`] by default.
    pub sa_hold_down_period: Duration,
    /// Whether an SA announcing a newly registered source carries its first data packet
    /// (RFC 3618 §8: "SHOULD ... encapsulate at least the first packet").
    pub encapsulate_data: bool,
    /// Whether SA-Requests from peers are answered with SA-Responses from the cache (RFC 3618
    /// §12.2.2, §12.2.3). A caching speaker can; off, requests are counted and ignored.
    pub answer_sa_requests: bool,
    /// The state limits.
    pub limits: Limits,
}

impl SpeakerConfig {
    /// A speaker originating SAs as `originator_address`, with the RFC 3618 timer values,
    /// data encapsulation on, SA-Requests answered and the default limits.
    #[must_use]
    pub fn new(originator_address: Ipv4Addr) -> Self {
        Self {
            originator_address,
            connect_retry_period: CONNECT_RETRY_PERIOD,
            hold_time_period: HOLD_TIME_PERIOD,
            keepalive_period: KEEPALIVE_PERIOD,
            sa_advertisement_period: SA_ADVERTISEMENT_PERIOD,
            sg_state_period: SG_STATE_PERIOD,
            sa_hold_down_period: SA_HOLD_DOWN_PERIOD,
            encapsulate_data: true,
            answer_sa_requests: true,
            limits: Limits::default(),
        }
    }
}
