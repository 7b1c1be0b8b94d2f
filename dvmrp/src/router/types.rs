//! The public data of the router: identifiers, configuration, timers, events, transmissions,
//! counters and the views its queries return.

use alloc::vec::Vec;
use core::fmt;
use core::net::Ipv4Addr;
use core::time::Duration;

use crate::DvmrpError;
use crate::wire::{Capabilities, Metric, Route, Version};

/// An interface, named by a small copyable id the caller chooses (its ifindex, say).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct InterfaceId(pub u32);

impl fmt::Display for InterfaceId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "if{}", self.0)
    }
}

/// A source network: an address and a prefix length, host bits zero, of a form a Route Report
/// carries (draft-ietf-idmr-dvmrp-v3-11 §3.3: the default route or a netmask whose first
/// octet is 255).
///
/// The order is by prefix length, then address: the order a Report packs best in (one block per
/// netmask, §3.3), so the routing table is reported in its own order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(
    feature = "serde",
    serde(try_from = "SourceNetworkFields", into = "SourceNetworkFields")
)]
pub struct SourceNetwork {
    prefix_len: u8,
    address: Ipv4Addr,
}

/// What serde reads and writes of a [`SourceNetwork`], checked by [`SourceNetwork::new`] on
/// the way in.
#[cfg(feature = "serde")]
#[derive(serde::Serialize, serde::Deserialize)]
struct SourceNetworkFields {
    address: Ipv4Addr,
    prefix_len: u8,
}

#[cfg(feature = "serde")]
impl TryFrom<SourceNetworkFields> for SourceNetwork {
    type Error = DvmrpError;

    fn try_from(fields: SourceNetworkFields) -> Result<Self, DvmrpError> {
        let network = Self::new(fields.address, fields.prefix_len)?;
        if network.address != fields.address {
            return Err(DvmrpError::Invalid {
                field: "source network",
                offset: 0,
                reason: "host bits set",
            });
        }
        Ok(network)
    }
}

#[cfg(feature = "serde")]
impl From<SourceNetwork> for SourceNetworkFields {
    fn from(network: SourceNetwork) -> Self {
        Self {
            address: network.address,
            prefix_len: network.prefix_len,
        }
    }
}

/// The netmask of a prefix length (0 to 32) as an integer.
pub(crate) fn mask_bits(prefix_len: u8) -> u32 {
    u32::MAX
        .checked_shl(32u32.saturating_sub(u32::from(prefix_len)))
        .unwrap_or(0)
}

impl SourceNetwork {
    /// The network of `address` under `prefix_len` (host bits are cleared).
    ///
    /// # Errors
    /// [`DvmrpError::Invalid`] for what a Report cannot carry: a prefix length of 1 to 7 or
    /// above 32, and 0.0.0.0/8.
    pub fn new(address: Ipv4Addr, prefix_len: u8) -> Result<Self, DvmrpError> {
        if prefix_len > 32 {
            return Err(DvmrpError::Invalid {
                field: "source network",
                offset: 0,
                reason: "prefix length above 32",
            });
        }
        let masked = Ipv4Addr::from(u32::from(address) & mask_bits(prefix_len));
        // The codec's rule for what a Report carries is the one rule.
        Route::new(masked, prefix_len, Metric::INFINITY)?;
        Ok(Self {
            prefix_len,
            address: masked,
        })
    }

    /// The default route, 0.0.0.0/0.
    pub const DEFAULT: Self = Self {
        prefix_len: 0,
        address: Ipv4Addr::UNSPECIFIED,
    };

    /// Network address.
    #[must_use]
    pub const fn address(&self) -> Ipv4Addr {
        self.address
    }

    /// Prefix length.
    #[must_use]
    pub const fn prefix_len(&self) -> u8 {
        self.prefix_len
    }

    /// Netmask.
    #[must_use]
    pub fn netmask(&self) -> Ipv4Addr {
        Ipv4Addr::from(mask_bits(self.prefix_len))
    }

    /// Whether `address` is in this network.
    #[must_use]
    pub fn contains(&self, address: Ipv4Addr) -> bool {
        u32::from(address) & mask_bits(self.prefix_len) == u32::from(self.address)
    }

    /// This network as a Report entry at `metric`.
    pub(crate) fn route(self, metric: Metric) -> Option<Route> {
        Route::new(self.address, self.prefix_len, metric).ok()
    }
}

impl fmt::Display for SourceNetwork {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.address, self.prefix_len)
    }
}

/// The configuration of one interface (draft-ietf-idmr-dvmrp-v3-11 §3.2, §3.3; mrouted's
/// `phyint`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct InterfaceConfig {
    /// This router's address on the interface: the source of its messages, and its tie-breaker
    /// in the designated forwarder election (§3.4).
    pub address: Ipv4Addr,
    /// Prefix length of the interface's subnet, a route this router originates (§3.3: local
    /// routes).
    pub prefix_len: u8,
    /// The interface metric, 1 to 31, added to every metric received on it (§3.3).
    pub metric: u8,
    /// TTL threshold (mrouted's `threshold`): multicast packets leave the interface only with a
    /// TTL of at least this. The router reports it with each outgoing interface; the forwarding
    /// plane applies it.
    pub threshold: u8,
    /// Largest IPv4 packet this router sends on the interface (Reports are split to fit it).
    pub mtu: u32,
}

impl InterfaceConfig {
    /// An interface with address `address`/`prefix_len`, metric 1, threshold 1 and a 576-byte
    /// MTU (the size every IPv4 host accepts).
    #[must_use]
    pub const fn new(address: Ipv4Addr, prefix_len: u8) -> Self {
        Self {
            address,
            prefix_len,
            metric: 1,
            threshold: 1,
            mtu: 576,
        }
    }

    /// The same with `metric`.
    #[must_use]
    pub const fn with_metric(mut self, metric: u8) -> Self {
        self.metric = metric;
        self
    }

    /// The same with `threshold`.
    #[must_use]
    pub const fn with_threshold(mut self, threshold: u8) -> Self {
        self.threshold = threshold;
        self
    }

    /// The same with `mtu`.
    #[must_use]
    pub const fn with_mtu(mut self, mtu: u32) -> Self {
        self.mtu = mtu;
        self
    }
}

/// Probe Interval: a Probe on every interface every 10 s (draft-ietf-idmr-dvmrp-v3-11 §3.2,
/// Table 2).
pub const PROBE_INTERVAL: Duration = Duration::from_secs(10);
/// Neighbor Time-out Interval: a neighbor not heard for 35 s is gone (§3.2, Table 2).
pub const NEIGHBOR_TIMEOUT_INTERVAL: Duration = Duration::from_secs(35);
/// Minimum Flash Update Interval: triggered Reports at most every 5 s (§3.3, Table 2).
pub const MINIMUM_FLASH_UPDATE_INTERVAL: Duration = Duration::from_secs(5);
/// Route Report Interval: the whole table every 60 s (§3.3, Table 2).
pub const ROUTE_REPORT_INTERVAL: Duration = Duration::from_secs(60);
/// Route Expiration Time: a route its upstream neighbor has not refreshed for 140 s is
/// unreachable (§3.3, Table 2). mrouted uses 200 s.
pub const ROUTE_EXPIRATION_TIME: Duration = Duration::from_secs(140);
/// Route Hold-down: an unreachable route is reported at infinity for 2 × Route Report Interval,
/// then deleted (§3.3, Table 2). mrouted discards at 340 s after the last refresh, 140 s after
/// expiry.
pub const ROUTE_HOLD_DOWN: Duration = Duration::from_secs(120);
/// Prune Lifetime: the lifetime of a Prune this router sends with no downstream prune to bound
/// it, "variable (< 2 hours)" (§3.5, Table 2).
pub const PRUNE_LIFETIME: Duration = Duration::from_secs(7200);
/// Prune Retransmission Time: 3 s, doubled at each retransmission (§3.5, Table 2).
pub const PRUNE_RETRANSMISSION_TIME: Duration = Duration::from_secs(3);
/// Graft Retransmission Time: 5 s, doubled at each retransmission (§3.6, Table 2).
pub const GRAFT_RETRANSMISSION_TIME: Duration = Duration::from_secs(5);
/// The longest wait between retransmissions of a Graft or a Prune (not in the draft, which
/// says only "exponential back-off").
pub const MAXIMUM_RETRANSMISSION_BACKOFF: Duration = Duration::from_secs(80);
/// How long a forwarding cache entry lives without data or prune state (not in the draft,
/// which leaves it open (§3.5); mrouted's `CACHE_LIFETIME`).
pub const FORWARDING_CACHE_LIFETIME: Duration = Duration::from_secs(300);

/// Bounds on what peers can make the router store. Past a limit, new entries are dropped and
/// counted in [`RouterStats`]; existing ones are kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Limits {
    /// Neighbors over all interfaces.
    pub max_neighbors: usize,
    /// Routes learned from neighbors (the interfaces' own routes do not count).
    pub max_routes: usize,
    /// Forwarding cache entries.
    pub max_cache_entries: usize,
    /// Local memberships (interface, group) over all interfaces.
    pub max_memberships: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_neighbors: 256,
            max_routes: 65_536,
            max_cache_entries: 65_536,
            max_memberships: 65_536,
        }
    }
}

/// The configuration of a router: its Generation ID, the draft's timer values and the limits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct RouterConfig {
    /// Generation ID (§3.2): a value that changes every time the router starts (the time of
    /// day, or a random number), so that neighbors know it lost its state.
    pub generation_id: u32,
    /// [`PROBE_INTERVAL`].
    pub probe_interval: Duration,
    /// [`NEIGHBOR_TIMEOUT_INTERVAL`].
    pub neighbor_timeout_interval: Duration,
    /// [`ROUTE_REPORT_INTERVAL`].
    pub route_report_interval: Duration,
    /// [`MINIMUM_FLASH_UPDATE_INTERVAL`].
    pub minimum_flash_update_interval: Duration,
    /// [`ROUTE_EXPIRATION_TIME`].
    pub route_expiration_time: Duration,
    /// [`ROUTE_HOLD_DOWN`].
    pub route_hold_down: Duration,
    /// [`PRUNE_LIFETIME`]: the longest prune sent; also the cap on a received one.
    pub prune_lifetime: Duration,
    /// [`PRUNE_RETRANSMISSION_TIME`].
    pub prune_retransmission_time: Duration,
    /// [`GRAFT_RETRANSMISSION_TIME`].
    pub graft_retransmission_time: Duration,
    /// [`FORWARDING_CACHE_LIFETIME`].
    pub forwarding_cache_lifetime: Duration,
    /// Table limits.
    pub limits: Limits,
}

impl RouterConfig {
    /// The draft's defaults with Generation ID `generation_id`.
    #[must_use]
    pub fn new(generation_id: u32) -> Self {
        Self {
            generation_id,
            probe_interval: PROBE_INTERVAL,
            neighbor_timeout_interval: NEIGHBOR_TIMEOUT_INTERVAL,
            route_report_interval: ROUTE_REPORT_INTERVAL,
            minimum_flash_update_interval: MINIMUM_FLASH_UPDATE_INTERVAL,
            route_expiration_time: ROUTE_EXPIRATION_TIME,
            route_hold_down: ROUTE_HOLD_DOWN,
            prune_lifetime: PRUNE_LIFETIME,
            prune_retransmission_time: PRUNE_RETRANSMISSION_TIME,
            graft_retransmission_time: GRAFT_RETRANSMISSION_TIME,
            forwarding_cache_lifetime: FORWARDING_CACHE_LIFETIME,
            limits: Limits::default(),
        }
    }
}

/// The timers of a router, each named as the draft names it. Each key has at most one deadline.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum RouterTimer {
    /// The next Probe on an interface, every Probe Interval (§3.2).
    Probe(InterfaceId),
    /// The Neighbor Time-out of a neighbor (interface, address) (§3.2).
    NeighborTimeout(InterfaceId, Ipv4Addr),
    /// The next periodic Route Report, every Route Report Interval (§3.3).
    RouteReport,
    /// The next triggered (flash) Report of the changed routes (§3.3).
    FlashUpdate,
    /// A route's Route Expiration Time, restarted by each report of its upstream neighbor
    /// (§3.3).
    RouteExpiration(SourceNetwork),
    /// A route's hold-down: the end of the time it is reported unreachable (§3.3).
    RouteHoldDown(SourceNetwork),
    /// Deletion of a forwarding cache entry (source network, group) (§3.5).
    ForwardingCacheExpiry(SourceNetwork, Ipv4Addr),
    /// The prune of a downstream neighbor (interface, address) on (source network, group)
    /// (§3.5).
    DownstreamPrune(SourceNetwork, Ipv4Addr, InterfaceId, Ipv4Addr),
    /// The end of the lifetime of the prune this router sent upstream for (source network,
    /// group) (§3.5).
    UpstreamPruneLifetime(SourceNetwork, Ipv4Addr),
    /// The next retransmission of a Graft for (source network, group) not yet acknowledged
    /// (§3.6).
    GraftRetransmission(SourceNetwork, Ipv4Addr),
}

/// An outgoing interface of a forwarding entry and its TTL threshold.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct OutgoingInterface {
    /// The interface.
    pub interface: InterfaceId,
    /// Its TTL threshold ([`InterfaceConfig::threshold`]).
    pub threshold: u8,
}

/// What the forwarding plane does with traffic from a source network to a group: accept it on
/// the incoming interface only, and copy it to the outgoing interfaces (§3.5: the child
/// interfaces with local members or dependent neighbors that have not pruned).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Forwarding {
    /// The source network of the entry.
    pub source: SourceNetwork,
    /// The group.
    pub group: Ipv4Addr,
    /// The interface towards the source network (the reverse path).
    pub incoming: InterfaceId,
    /// The outgoing interfaces, in interface order; empty when pruned.
    pub outgoing: Vec<OutgoingInterface>,
}

/// Something the forwarding plane or the operator wants to know.
///
/// The forwarding events describe [`Router::forwarding`](super::Router::forwarding) exactly: a
/// plane that applies them in order holds, for every (source network, group), the answer the
/// router gives.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum RouterEvent {
    /// A forwarding entry was created or its incoming or outgoing interfaces changed.
    ForwardingChanged(Forwarding),
    /// A forwarding entry was deleted.
    ForwardingDeleted {
        /// The source network.
        source: SourceNetwork,
        /// The group.
        group: Ipv4Addr,
    },
    /// A two-way adjacency with a neighbor came up (§3.2).
    NeighborUp {
        /// The interface.
        interface: InterfaceId,
        /// The neighbor's address.
        address: Ipv4Addr,
    },
    /// A neighbor timed out, stopped listing this router, or its interface was removed
    /// (§3.2).
    NeighborDown {
        /// The interface.
        interface: InterfaceId,
        /// The neighbor's address.
        address: Ipv4Addr,
    },
    /// A neighbor's Generation ID changed: it restarted, and what was learned from it was
    /// flushed (§3.2).
    NeighborRestarted {
        /// The interface.
        interface: InterfaceId,
        /// The neighbor's address.
        address: Ipv4Addr,
        /// Its new Generation ID.
        generation_id: u32,
    },
}

/// A message to send: IPv4 with TTL 1 (§3.1), IGMP protocol, from `source` to `destination`
/// on `interface`. The payload is the whole DVMRP message (IGMP type 0x13), checksum included.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Transmit {
    /// The interface to send on.
    pub interface: InterfaceId,
    /// IP source: this router's address on the interface.
    pub source: Ipv4Addr,
    /// IP destination: ALL-DVMRP-ROUTERS (224.0.0.4) or a neighbor.
    pub destination: Ipv4Addr,
    /// The DVMRP message.
    pub payload: Vec<u8>,
}

/// What [`Router::handle_data`](super::Router::handle_data) found for a data packet.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum DataDisposition {
    /// The packet came in on the reverse path; its forwarding entry exists (see
    /// [`Router::forwarding`](super::Router::forwarding)).
    Accepted,
    /// The packet did not come in on the interface towards its source: drop it (§3.5).
    WrongInterface,
    /// No reachable route to the source: drop it.
    NoRoute,
    /// The group is not one a router forwards (not multicast, or link-local 224.0.0.0/24).
    NotForwarded,
    /// A new entry was needed and the cache is full: drop it (counted).
    CacheFull,
}

/// Counters of a router.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct RouterStats {
    /// Probes sent.
    pub probes_sent: u64,
    /// Probes received.
    pub probes_received: u64,
    /// Report messages sent.
    pub reports_sent: u64,
    /// Report messages received.
    pub reports_received: u64,
    /// Routes read from received Reports.
    pub routes_received: u64,
    /// Prunes sent.
    pub prunes_sent: u64,
    /// Prunes received.
    pub prunes_received: u64,
    /// Grafts sent.
    pub grafts_sent: u64,
    /// Grafts received.
    pub grafts_received: u64,
    /// Graft Acks sent.
    pub graft_acks_sent: u64,
    /// Graft Acks received.
    pub graft_acks_received: u64,
    /// Messages the codec refused (bad checksum, truncated, invalid values).
    pub malformed: u64,
    /// Messages ignored as the draft requires: from a router that is not a (two-way) neighbor,
    /// on an unknown interface, to a wrong destination, an unhandled code, a Prune for no
    /// entry or from a router that is not a dependent.
    pub ignored: u64,
    /// Routes ignored in a Report: martian source networks (multicast, loopback, class E).
    pub routes_ignored: u64,
    /// New neighbors dropped past [`Limits::max_neighbors`].
    pub dropped_neighbors: u64,
    /// New routes dropped past [`Limits::max_routes`].
    pub dropped_routes: u64,
    /// New forwarding entries dropped past [`Limits::max_cache_entries`].
    pub dropped_cache_entries: u64,
    /// New memberships dropped past [`Limits::max_memberships`].
    pub dropped_memberships: u64,
    /// Data packets that arrived on an interface other than the one towards their source.
    pub wrong_interface: u64,
    /// Data packets with no route to their source.
    pub no_route: u64,
    /// Messages that could not be built (an MTU too small for them).
    pub send_errors: u64,
}

/// A neighbor as [`Router::neighbors`](super::Router::neighbors) shows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct NeighborInfo {
    /// Its interface.
    pub interface: InterfaceId,
    /// Its address.
    pub address: Ipv4Addr,
    /// Its Generation ID (§3.2.1).
    pub generation_id: u32,
    /// Its capabilities (§3.2.1).
    pub capabilities: Capabilities,
    /// Its version.
    pub version: Version,
    /// Whether its Probes list this router: a two-way adjacency (§3.2).
    pub two_way: bool,
}

/// Where a route leads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum Upstream {
    /// The source network is the subnet of this interface (§3.3).
    Local(InterfaceId),
    /// Through this neighbor (interface, address).
    Neighbor(InterfaceId, Ipv4Addr),
    /// Unreachable: the route is in hold-down, reported at infinity (§3.3).
    Unreachable,
}

impl Upstream {
    /// The interface towards the source network, if it is reachable.
    #[must_use]
    pub const fn interface(self) -> Option<InterfaceId> {
        match self {
            Self::Local(i) | Self::Neighbor(i, _) => Some(i),
            Self::Unreachable => None,
        }
    }

    /// The upstream neighbor, if the route is through one.
    #[must_use]
    pub const fn neighbor(self) -> Option<(InterfaceId, Ipv4Addr)> {
        match self {
            Self::Neighbor(i, n) => Some((i, n)),
            _ => None,
        }
    }
}

/// A route as [`Router::routes`](super::Router::routes) shows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct RouteInfo {
    /// The source network.
    pub source: SourceNetwork,
    /// Its metric: the upstream neighbor's plus the interface metric, or the interface metric
    /// for a local route; infinity (32) in hold-down.
    pub metric: Metric,
    /// Where it leads.
    pub upstream: Upstream,
}
