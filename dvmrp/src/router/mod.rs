//! The DVMRP router (draft-ietf-idmr-dvmrp-v3-11), Sans-IO, for all the interfaces of one
//! multicast router.
//!
//! A [`Router`] discovers neighbors with Probes (§3.2), exchanges its distance-vector table
//! in Route Reports (§3.3), elects the designated forwarder of each source network on each
//! interface and learns its dependent downstream neighbors from poison reverse (§3.4), keeps a
//! forwarding cache of (source network, group) entries created by data (§3.5), prunes
//! upstream when an entry has nowhere to go and grafts back when it has again (§3.5, §3.6).
//!
//! The forwarding plane asks [`Router::forwarding`] at any time and drains
//! [`Router::poll_event`] to learn when an answer changed: the events are derived from the
//! same function, so the two never disagree.
//!
//! # How the state is kept
//!
//! Every route records what each two-way neighbor last reported for it (the raw metric: a
//! distance, or a poison-reverse metric saying the neighbor depends on this router). The
//! upstream neighbor, the designated forwarder of every interface, the child interfaces and the
//! dependent neighbors are all functions of those reports and of the interfaces, so they do not
//! depend on the order the reports came in (a report that arrives before or after another gives
//! the same table), and a neighbor that goes away takes exactly what it said with it.

mod types;

use alloc::collections::{BTreeMap, BTreeSet, VecDeque};
use alloc::vec;
use alloc::vec::Vec;
use core::net::Ipv4Addr;
use core::time::Duration;

use mcast_addr::time::Timestamp;
use mcast_addr::timer::TimerMap;

pub use self::types::*;
use crate::DvmrpError;
use crate::wire::{
    ALL_DVMRP_ROUTERS, Body, Capabilities, ChecksumPolicy, Graft, Header, Message, Metric, Probe,
    Prune, ReportBuilder, Version,
};

/// What an Info Reply names this implementation.
pub const VERSION_STRING: &str = concat!("mcast-dvmrp ", env!("CARGO_PKG_VERSION"));

/// The shortest period any timer may have, so that a zero interval in the configuration
/// cannot make [`Router::handle_timeout`] loop.
const MIN_PERIOD: Duration = Duration::from_millis(1);

/// The capabilities this router announces (§3.2.1): pruning, Generation IDs and netmasks in
/// Prune, Graft and Graft Ack. The Leaf bit is added when at most one interface has neighbors.
const CAPABILITIES: Capabilities = Capabilities::PRUNE
    .union(Capabilities::GENID)
    .union(Capabilities::NETMASK);

/// One interface.
#[derive(Debug, Clone)]
struct Interface {
    config: InterfaceConfig,
    subnet: SourceNetwork,
}

/// One neighbor (§3.2).
#[derive(Debug, Clone, Copy)]
struct Neighbor {
    generation_id: u32,
    capabilities: Capabilities,
    version: Version,
    two_way: bool,
}

/// What a neighbor last reported for a route: its raw metric, a distance (1 to 31) or a
/// poison-reverse metric (33 to 63). Infinity is not kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Heard {
    interface: InterfaceId,
    neighbor: Ipv4Addr,
    metric: Metric,
}

/// A route to a source network (§3.3).
#[derive(Debug, Clone)]
struct RouteEntry {
    metric: Metric,
    upstream: Upstream,
    /// What every two-way neighbor reported, sorted by (interface, neighbor).
    heard: Vec<Heard>,
}

impl RouteEntry {
    fn is_reachable(&self) -> bool {
        self.upstream != Upstream::Unreachable
    }
}

/// The state of the prune this router sent upstream for an entry (§3.5, §3.6).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum UpstreamState<T> {
    /// No prune in force: the upstream neighbor forwards.
    Forwarding,
    /// A prune was sent; it lives until `expires`. While data keeps arriving it is sent again at
    /// `retransmit_at`, each time after twice the wait (§3.5).
    Pruned {
        expires: T,
        retransmit_at: T,
        backoff: Duration,
    },
    /// A Graft was sent and is not acknowledged yet; it is retransmitted with back-off (§3.6).
    Grafting { backoff: Duration },
}

/// A forwarding cache entry (§3.5).
#[derive(Debug, Clone)]
struct CacheEntry<T> {
    /// What the plane was last told.
    announced: Option<(InterfaceId, Vec<OutgoingInterface>)>,
    /// The upstream neighbor `upstream_state` is about.
    upstream_neighbor: Option<(InterfaceId, Ipv4Addr)>,
    upstream_state: UpstreamState<T>,
    /// Downstream neighbors' prunes, with their expiry (§3.5).
    pruned: BTreeMap<(InterfaceId, Ipv4Addr), T>,
}

/// The DVMRP router for all interfaces, Sans-IO.
///
/// `T` is the caller's clock ([`Timestamp`]). See the crate documentation for the call order.
#[derive(Debug, Clone)]
pub struct Router<T> {
    config: RouterConfig,
    interfaces: BTreeMap<InterfaceId, Interface>,
    neighbors: BTreeMap<(InterfaceId, Ipv4Addr), Neighbor>,
    routes: BTreeMap<SourceNetwork, RouteEntry>,
    learned_routes: usize,
    /// Routes whose report changed since the last report: the next flash update (§3.3).
    changed_routes: BTreeSet<SourceNetwork>,
    last_flash_update: Option<T>,
    cache: BTreeMap<(SourceNetwork, Ipv4Addr), CacheEntry<T>>,
    cache_by_group: BTreeSet<(Ipv4Addr, SourceNetwork)>,
    /// Local members: (group, interface).
    members: BTreeSet<(Ipv4Addr, InterfaceId)>,
    /// Cache entries to recompute before the call returns.
    dirty: BTreeSet<(SourceNetwork, Ipv4Addr)>,
    timers: TimerMap<RouterTimer, T>,
    transmits: VecDeque<Transmit>,
    events: VecDeque<RouterEvent>,
    stats: RouterStats,
}

/// Whether a source network is one no router routes to: multicast, class E, loopback or
/// "this network" other than the default route.
fn is_martian(network: SourceNetwork) -> bool {
    let [first, ..] = network.address().octets();
    network.prefix_len() != 0 && (first == 0 || first == 127 || first >= 224)
}

/// Whether the router forwards traffic to `group`: multicast, outside the link-local block.
fn is_routable_group(group: Ipv4Addr) -> bool {
    let [a, b, c, _] = group.octets();
    group.is_multicast() && [a, b, c] != [224, 0, 0]
}

/// `metric + interface metric`, infinity at most (§3.3).
fn add_metric(metric: Metric, interface_metric: u8) -> Metric {
    let sum = metric.value().saturating_add(interface_metric);
    Metric::new(sum.min(Metric::INFINITY.value())).unwrap_or(Metric::INFINITY)
}

/// A configured interval, at least [`MIN_PERIOD`].
fn period(interval: Duration) -> Duration {
    interval.max(MIN_PERIOD)
}

/// `backoff` doubled, capped.
fn double(backoff: Duration) -> Duration {
    backoff
        .saturating_mul(2)
        .min(MAXIMUM_RETRANSMISSION_BACKOFF)
        .max(MIN_PERIOD)
}

/// A 64-bit mix (splitmix64's finaliser), to spread prune lifetimes without randomness.
fn mix(mut x: u64) -> u64 {
    x ^= x >> 30;
    x = x.wrapping_mul(0xbf58_476d_1ce4_e5b9);
    x ^= x >> 27;
    x = x.wrapping_mul(0x94d0_49bb_1331_11eb);
    x ^ (x >> 31)
}

impl<T: Timestamp> Router<T> {
    /// A router with no interfaces.
    #[must_use]
    pub fn new(config: RouterConfig) -> Self {
        Self {
            config,
            interfaces: BTreeMap::new(),
            neighbors: BTreeMap::new(),
            routes: BTreeMap::new(),
            learned_routes: 0,
            changed_routes: BTreeSet::new(),
            last_flash_update: None,
            cache: BTreeMap::new(),
            cache_by_group: BTreeSet::new(),
            members: BTreeSet::new(),
            dirty: BTreeSet::new(),
            timers: TimerMap::new(),
            transmits: VecDeque::new(),
            events: VecDeque::new(),
            stats: RouterStats::default(),
        }
    }

    // ----- Commands -------------------------------------------------------------------------

    /// Starts DVMRP on an interface: its subnet becomes a local route (§3.3) and a first Probe
    /// goes out at once, then every Probe Interval (§3.2).
    ///
    /// # Errors
    /// [`DvmrpError::Config`] if the interface exists already, its metric is not 1 to 31, or
    /// its subnet is not one a Report can carry (prefix length 1 to 7 or above 32).
    pub fn add_interface(
        &mut self,
        now: T,
        id: InterfaceId,
        config: InterfaceConfig,
    ) -> Result<(), DvmrpError> {
        if self.interfaces.contains_key(&id) {
            return Err(DvmrpError::Config {
                field: "interface",
                reason: "already added",
            });
        }
        if config.metric == 0 || config.metric >= Metric::INFINITY.value() {
            return Err(DvmrpError::Config {
                field: "metric",
                reason: "an interface metric is 1 to 31",
            });
        }
        let subnet = SourceNetwork::new(config.address, config.prefix_len).map_err(|_| {
            DvmrpError::Config {
                field: "prefix length",
                reason: "a Report carries prefix lengths 0 and 8 to 32 only",
            }
        })?;
        self.interfaces.insert(id, Interface { config, subnet });
        self.reselect(now, subnet);
        self.send_probe(id);
        self.timers.schedule_after(
            RouterTimer::Probe(id),
            now,
            period(self.config.probe_interval),
        );
        if !self.timers.is_running(&RouterTimer::RouteReport) {
            self.timers.schedule_after(
                RouterTimer::RouteReport,
                now,
                period(self.config.route_report_interval),
            );
        }
        self.dirty_all();
        self.settle(now);
        Ok(())
    }

    /// Stops DVMRP on an interface: its neighbors, its memberships, the routes through it and
    /// its queued transmissions go, its subnet is held down (reported unreachable, §3.3), and
    /// forwarding entries are updated.
    pub fn remove_interface(&mut self, now: T, id: InterfaceId) {
        let Some(interface) = self.interfaces.remove(&id) else {
            return;
        };
        self.timers.cancel(&RouterTimer::Probe(id));
        // Nothing more leaves through it, not even what was queued.
        self.transmits.retain(|t| t.interface != id);
        let gone: Vec<Ipv4Addr> = self
            .neighbors
            .range((id, Ipv4Addr::UNSPECIFIED)..=(id, Ipv4Addr::BROADCAST))
            .map(|((_, address), _)| *address)
            .collect();
        for address in gone {
            self.remove_neighbor(now, id, address);
        }
        self.members.retain(|(_, interface)| *interface != id);
        self.reselect(now, interface.subnet);
        // A local route that another interface does not also originate was the last to leave.
        let through: Vec<SourceNetwork> = self
            .routes
            .iter()
            .filter(|(_, r)| r.upstream.interface() == Some(id))
            .map(|(k, _)| *k)
            .collect();
        for key in through {
            self.reselect(now, key);
        }
        if self.interfaces.is_empty() {
            self.timers.cancel(&RouterTimer::RouteReport);
            self.timers.cancel(&RouterTimer::FlashUpdate);
        }
        self.dirty_all();
        self.settle(now);
    }

    /// Local membership on an interface, from IGMP: `present` is whether any host on the
    /// interface wants `group` (§3.5: a child interface with members is an outgoing interface
    /// whatever its neighbors pruned). A new member grafts back a pruned entry (§3.6).
    pub fn set_membership(
        &mut self,
        now: T,
        interface: InterfaceId,
        group: Ipv4Addr,
        present: bool,
    ) {
        if !self.interfaces.contains_key(&interface) || !is_routable_group(group) {
            self.stats.ignored = self.stats.ignored.saturating_add(1);
            return;
        }
        let changed = if present {
            if !self.members.contains(&(group, interface))
                && self.members.len() >= self.config.limits.max_memberships
            {
                self.stats.dropped_memberships = self.stats.dropped_memberships.saturating_add(1);
                return;
            }
            self.members.insert((group, interface))
        } else {
            self.members.remove(&(group, interface))
        };
        if changed {
            self.dirty_group(group);
            self.settle(now);
        }
    }

    /// Feeds an event of the IGMP router of `interface` ([`mcast_igmp::router::Router`]): a
    /// group with a filter mode has members, one without has none. DVMRP forwards any source,
    /// so IGMPv3 source lists are not applied: a group in INCLUDE mode counts as present.
    pub fn handle_igmp_event(
        &mut self,
        now: T,
        interface: InterfaceId,
        event: &mcast_igmp::router::RouterEvent<Ipv4Addr>,
    ) {
        if let mcast_igmp::router::RouterEvent::FilterModeChanged { group, mode } = event {
            self.set_membership(now, interface, *group, mode.is_some());
        }
    }

    // ----- Inputs ---------------------------------------------------------------------------

    /// Handles the DVMRP message `bytes` (the IGMP message after the IP header) received on
    /// `interface` from IP `source` to IP `destination` (ALL-DVMRP-ROUTERS or one of this
    /// router's addresses; anything else is ignored). The caller checked the IP envelope.
    ///
    /// Probes, Reports, Prunes, Grafts and Graft Acks drive the protocol; an Ask Neighbors 2
    /// (`mrinfo`) is answered with a Neighbors 2 and an Info Request with an Info Reply; other
    /// codes are ignored.
    ///
    /// # Errors
    /// The codec's error for a message that does not parse (counted in
    /// [`RouterStats::malformed`]); the state is unchanged then.
    pub fn handle_packet(
        &mut self,
        now: T,
        interface: InterfaceId,
        source: Ipv4Addr,
        destination: Ipv4Addr,
        bytes: &[u8],
    ) -> Result<(), DvmrpError> {
        let message = match Message::parse(bytes, ChecksumPolicy::Verify) {
            Ok(message) => message,
            Err(error) => {
                self.stats.malformed = self.stats.malformed.saturating_add(1);
                return Err(error);
            }
        };
        let Some(ours) = self.interfaces.get(&interface).map(|i| i.config.address) else {
            self.stats.ignored = self.stats.ignored.saturating_add(1);
            return Ok(());
        };
        let from_neighbor_address = !(source.is_multicast()
            || source.is_broadcast()
            || source.is_unspecified()
            || source.is_loopback()
            || source == ours);
        let to_us = destination == ALL_DVMRP_ROUTERS
            || self
                .interfaces
                .values()
                .any(|i| i.config.address == destination);
        if !from_neighbor_address || !to_us {
            self.stats.ignored = self.stats.ignored.saturating_add(1);
            return Ok(());
        }
        match message.body {
            Body::Probe(probe) => self.on_probe(now, interface, source, message.header, &probe),
            Body::Report(report) => {
                self.stats.reports_received = self.stats.reports_received.saturating_add(1);
                if self.is_two_way(interface, source) {
                    for route in report.routes() {
                        self.on_route(now, interface, source, route);
                    }
                } else {
                    // §3.3: Reports are only accepted from neighbors with a two-way adjacency.
                    self.stats.ignored = self.stats.ignored.saturating_add(1);
                }
            }
            Body::Prune(prune) => self.on_prune(now, interface, source, &prune),
            Body::Graft(graft) => self.on_graft(interface, source, &graft),
            Body::GraftAck(ack) => self.on_graft_ack(interface, source, &ack),
            Body::AskNeighbors2 { .. } => self.on_ask_neighbors(interface, source),
            Body::InfoRequest(_) => self.on_info_request(interface, source),
            _ => self.stats.ignored = self.stats.ignored.saturating_add(1),
        }
        self.settle(now);
        Ok(())
    }

    /// A data packet from `source` to `group` arrived on `interface` (a signal of the
    /// forwarding plane: a packet with no forwarding entry, or one of a pruned entry it still
    /// receives). On the reverse path it creates the (source network, group) forwarding entry
    /// if there is none (§3.5); on a pruned entry it retransmits the Prune with back-off while
    /// data keeps arriving (§3.5).
    pub fn handle_data(
        &mut self,
        now: T,
        interface: InterfaceId,
        source: Ipv4Addr,
        group: Ipv4Addr,
    ) -> DataDisposition {
        if !is_routable_group(group) {
            return DataDisposition::NotForwarded;
        }
        let Some((key, route)) = self.longest_match(source) else {
            self.stats.no_route = self.stats.no_route.saturating_add(1);
            return DataDisposition::NoRoute;
        };
        if route.upstream.interface() != Some(interface) {
            self.stats.wrong_interface = self.stats.wrong_interface.saturating_add(1);
            return DataDisposition::WrongInterface;
        }
        let lifetime = period(self.config.forwarding_cache_lifetime);
        if self.cache.contains_key(&(key, group)) {
            self.timers.schedule_after(
                RouterTimer::ForwardingCacheExpiry(key, group),
                now,
                lifetime,
            );
            self.on_pruned_data(now, key, group);
        } else {
            if self.cache.len() >= self.config.limits.max_cache_entries {
                self.stats.dropped_cache_entries =
                    self.stats.dropped_cache_entries.saturating_add(1);
                return DataDisposition::CacheFull;
            }
            self.cache.insert(
                (key, group),
                CacheEntry {
                    announced: None,
                    upstream_neighbor: None,
                    upstream_state: UpstreamState::Forwarding,
                    pruned: BTreeMap::new(),
                },
            );
            self.cache_by_group.insert((group, key));
            self.timers.schedule_after(
                RouterTimer::ForwardingCacheExpiry(key, group),
                now,
                lifetime,
            );
            self.dirty.insert((key, group));
        }
        self.settle(now);
        DataDisposition::Accepted
    }

    /// Fires every timer due at `now`, and leaves none due behind.
    pub fn handle_timeout(&mut self, now: T) {
        loop {
            while let Some((timer, _)) = self.timers.pop_expired(now) {
                self.on_timer(now, timer);
            }
            self.settle(now);
            if self.timers.next_deadline().is_none_or(|d| d > now) {
                break;
            }
        }
    }

    // ----- Outputs --------------------------------------------------------------------------

    /// The next message to send, if any.
    pub fn poll_transmit(&mut self) -> Option<Transmit> {
        self.transmits.pop_front()
    }

    /// The next event, if any.
    pub fn poll_event(&mut self) -> Option<RouterEvent> {
        self.events.pop_front()
    }

    /// When [`Router::handle_timeout`] must be called next, if ever. Calling it earlier or
    /// more often is harmless.
    #[must_use]
    pub fn poll_timeout(&self) -> Option<T> {
        self.timers.next_deadline()
    }

    // ----- Queries --------------------------------------------------------------------------

    /// What the forwarding plane does with traffic from `source` to `group`: the forwarding
    /// entry whose source network is the longest to contain `source`, or `None` if there is no
    /// entry (the plane signals such a packet with [`Router::handle_data`]).
    #[must_use]
    pub fn forwarding(&self, source: Ipv4Addr, group: Ipv4Addr) -> Option<Forwarding> {
        (0..=32u8).rev().find_map(|len| {
            let key = SourceNetwork::new(source, len).ok()?;
            if !self.cache.contains_key(&(key, group)) {
                return None;
            }
            let (incoming, outgoing) = self.compute(key, group)?;
            Some(Forwarding {
                source: key,
                group,
                incoming,
                outgoing,
            })
        })
    }

    /// The forwarding entries, in (source network, group) order.
    pub fn forwarding_entries(&self) -> impl Iterator<Item = Forwarding> + '_ {
        self.cache.keys().filter_map(|&(source, group)| {
            let (incoming, outgoing) = self.compute(source, group)?;
            Some(Forwarding {
                source,
                group,
                incoming,
                outgoing,
            })
        })
    }

    /// The route to `source` (exactly this network).
    #[must_use]
    pub fn route(&self, source: SourceNetwork) -> Option<RouteInfo> {
        self.routes.get(&source).map(|r| RouteInfo {
            source,
            metric: r.metric,
            upstream: r.upstream,
        })
    }

    /// The routing table, in (prefix length, address) order.
    pub fn routes(&self) -> impl Iterator<Item = RouteInfo> + '_ {
        self.routes.iter().map(|(&source, r)| RouteInfo {
            source,
            metric: r.metric,
            upstream: r.upstream,
        })
    }

    /// The neighbors, in (interface, address) order.
    pub fn neighbors(&self) -> impl Iterator<Item = NeighborInfo> + '_ {
        self.neighbors
            .iter()
            .map(|(&(interface, address), n)| NeighborInfo {
                interface,
                address,
                generation_id: n.generation_id,
                capabilities: n.capabilities,
                version: n.version,
                two_way: n.two_way,
            })
    }

    /// The designated forwarder of `source` on `interface` (§3.4): the router on the link with
    /// the lowest metric to the source network, the lowest address on a tie; this router's own
    /// address when it is. `None` if the route is unreachable, the interface is unknown or it
    /// is the interface towards the source.
    #[must_use]
    pub fn designated_forwarder(
        &self,
        source: SourceNetwork,
        interface: InterfaceId,
    ) -> Option<Ipv4Addr> {
        let route = self.routes.get(&source)?;
        let ours = self.interfaces.get(&interface)?.config.address;
        if !route.is_reachable() || route.upstream.interface() == Some(interface) {
            return None;
        }
        let mut best = (route.metric, ours);
        for h in route.heard.iter().filter(|h| h.interface == interface) {
            if h.metric.is_reachable() && (h.metric, h.neighbor) < best {
                best = (h.metric, h.neighbor);
            }
        }
        Some(best.1)
    }

    /// The child interfaces of `source` (§3.4): the interfaces this router is the designated
    /// forwarder of, the interface towards the source excepted.
    #[must_use]
    pub fn child_interfaces(&self, source: SourceNetwork) -> Vec<InterfaceId> {
        self.interfaces
            .iter()
            .filter(|(id, i)| self.designated_forwarder(source, **id) == Some(i.config.address))
            .map(|(id, _)| *id)
            .collect()
    }

    /// The dependent downstream neighbors of `source` on `interface` (§3.4): those whose
    /// Reports poison the route in reverse, saying they reach the source through this router.
    pub fn dependent_neighbors(
        &self,
        source: SourceNetwork,
        interface: InterfaceId,
    ) -> impl Iterator<Item = Ipv4Addr> + '_ {
        self.routes
            .get(&source)
            .into_iter()
            .flat_map(|r| r.heard.iter())
            .filter(move |h| h.interface == interface && h.metric.is_poison_reverse())
            .map(|h| h.neighbor)
    }

    /// Whether `source` is a leaf network on `interface` (§3.4): a child interface with no
    /// dependent neighbor, where only local members take traffic.
    #[must_use]
    pub fn is_leaf(&self, source: SourceNetwork, interface: InterfaceId) -> bool {
        self.child_interfaces(source).contains(&interface)
            && self.dependent_neighbors(source, interface).next().is_none()
    }

    /// Whether a host on `interface` is a member of `group`.
    #[must_use]
    pub fn has_members(&self, interface: InterfaceId, group: Ipv4Addr) -> bool {
        self.members.contains(&(group, interface))
    }

    /// Whether this router has pruned (source network, group) upstream, and until when.
    #[must_use]
    pub fn upstream_prune(&self, source: SourceNetwork, group: Ipv4Addr) -> Option<T> {
        match self.cache.get(&(source, group))?.upstream_state {
            UpstreamState::Pruned { expires, .. } => Some(expires),
            _ => None,
        }
    }

    /// Whether a Graft for (source network, group) awaits its Graft Ack.
    #[must_use]
    pub fn graft_pending(&self, source: SourceNetwork, group: Ipv4Addr) -> bool {
        self.cache
            .get(&(source, group))
            .is_some_and(|e| matches!(e.upstream_state, UpstreamState::Grafting { .. }))
    }

    /// The downstream prunes of (source network, group): (interface, neighbor, expiry).
    pub fn downstream_prunes(
        &self,
        source: SourceNetwork,
        group: Ipv4Addr,
    ) -> impl Iterator<Item = (InterfaceId, Ipv4Addr, T)> + '_ {
        self.cache
            .get(&(source, group))
            .into_iter()
            .flat_map(|e| e.pruned.iter().map(|(&(i, n), &t)| (i, n, t)))
    }

    /// Number of local memberships (interface, group).
    #[must_use]
    pub fn membership_count(&self) -> usize {
        self.members.len()
    }

    /// Number of forwarding cache entries.
    #[must_use]
    pub fn cache_len(&self) -> usize {
        self.cache.len()
    }

    /// When `timer` expires, or `None` if it is not running.
    #[must_use]
    pub fn deadline(&self, timer: &RouterTimer) -> Option<T> {
        self.timers.deadline(timer)
    }

    /// Number of running timers.
    #[must_use]
    pub fn timer_count(&self) -> usize {
        self.timers.len()
    }

    /// The configuration.
    #[must_use]
    pub fn config(&self) -> &RouterConfig {
        &self.config
    }

    /// The configuration of an interface.
    #[must_use]
    pub fn interface(&self, id: InterfaceId) -> Option<&InterfaceConfig> {
        self.interfaces.get(&id).map(|i| &i.config)
    }

    /// The counters.
    #[must_use]
    pub fn stats(&self) -> &RouterStats {
        &self.stats
    }

    // ----- Neighbors (§3.2) -----------------------------------------------------------------

    fn is_two_way(&self, interface: InterfaceId, address: Ipv4Addr) -> bool {
        self.neighbors
            .get(&(interface, address))
            .is_some_and(|n| n.two_way)
    }

    fn on_probe(
        &mut self,
        now: T,
        interface: InterfaceId,
        source: Ipv4Addr,
        header: Header,
        probe: &Probe<'_>,
    ) {
        self.stats.probes_received = self.stats.probes_received.saturating_add(1);
        let Some(ours) = self.interfaces.get(&interface).map(|i| i.config.address) else {
            return;
        };
        // §3.2: the neighbor lists this router once it has heard this router's Probes.
        let two_way = probe.neighbor_addresses().any(|a| a == ours);
        let key = (interface, source);
        let previous = self.neighbors.get(&key).copied();
        match previous {
            None => {
                if self.neighbors.len() >= self.config.limits.max_neighbors {
                    self.stats.dropped_neighbors = self.stats.dropped_neighbors.saturating_add(1);
                    return;
                }
                self.neighbors.insert(
                    key,
                    Neighbor {
                        generation_id: probe.generation_id,
                        capabilities: header.capabilities,
                        version: header.version,
                        two_way: false,
                    },
                );
                // Tell the new neighbor at once that it was heard, so the adjacency comes up
                // without waiting a Probe Interval.
                self.send_probe(interface);
            }
            Some(n) if n.generation_id != probe.generation_id => {
                // §3.2: a new Generation ID means the neighbor restarted: what it told us is
                // void, its prunes included, and it needs our whole table again.
                self.flush_neighbor(now, interface, source);
                if let Some(entry) = self.neighbors.get_mut(&key) {
                    entry.generation_id = probe.generation_id;
                    entry.two_way = false;
                }
                self.events.push_back(RouterEvent::NeighborRestarted {
                    interface,
                    address: source,
                    generation_id: probe.generation_id,
                });
                self.send_probe(interface);
            }
            Some(_) => {}
        }
        let was_two_way = self.neighbors.get(&key).is_some_and(|n| n.two_way);
        if let Some(entry) = self.neighbors.get_mut(&key) {
            entry.capabilities = header.capabilities;
            entry.version = header.version;
            entry.two_way = two_way;
        }
        self.timers.schedule_after(
            RouterTimer::NeighborTimeout(interface, source),
            now,
            period(self.config.neighbor_timeout_interval),
        );
        match (was_two_way, two_way) {
            (false, true) => {
                self.events.push_back(RouterEvent::NeighborUp {
                    interface,
                    address: source,
                });
                // §3.3: a new adjacency gets the whole table at once, unicast.
                self.send_report(interface, source, false);
            }
            (true, false) => {
                // The neighbor stopped listing us: the adjacency is one-way again.
                self.flush_neighbor(now, interface, source);
                self.events.push_back(RouterEvent::NeighborDown {
                    interface,
                    address: source,
                });
            }
            _ => {}
        }
    }

    /// Forgets everything a neighbor reported (routes and dependencies) and its prunes.
    fn flush_neighbor(&mut self, now: T, interface: InterfaceId, address: Ipv4Addr) {
        let mut affected = Vec::new();
        for (key, route) in &mut self.routes {
            let before = route.heard.len();
            route
                .heard
                .retain(|h| !(h.interface == interface && h.neighbor == address));
            if route.heard.len() != before {
                affected.push(*key);
            }
        }
        for key in affected {
            self.dirty_source(key);
            self.reselect(now, key);
        }
        let mut timers = Vec::new();
        for (&(source, group), entry) in &mut self.cache {
            if entry.pruned.remove(&(interface, address)).is_some() {
                timers.push(RouterTimer::DownstreamPrune(
                    source, group, interface, address,
                ));
                self.dirty.insert((source, group));
            }
        }
        for timer in timers {
            self.timers.cancel(&timer);
        }
    }

    fn remove_neighbor(&mut self, now: T, interface: InterfaceId, address: Ipv4Addr) {
        let Some(neighbor) = self.neighbors.remove(&(interface, address)) else {
            return;
        };
        self.timers
            .cancel(&RouterTimer::NeighborTimeout(interface, address));
        self.flush_neighbor(now, interface, address);
        if neighbor.two_way {
            self.events
                .push_back(RouterEvent::NeighborDown { interface, address });
        }
    }

    // ----- Routes (§3.3) --------------------------------------------------------------------

    fn on_route(
        &mut self,
        now: T,
        interface: InterfaceId,
        neighbor: Ipv4Addr,
        route: crate::wire::Route,
    ) {
        self.stats.routes_received = self.stats.routes_received.saturating_add(1);
        let Ok(key) = SourceNetwork::new(route.source(), route.prefix_len()) else {
            self.stats.routes_ignored = self.stats.routes_ignored.saturating_add(1);
            return;
        };
        let metric = route.metric();
        if is_martian(key) || metric.value() == 0 {
            self.stats.routes_ignored = self.stats.routes_ignored.saturating_add(1);
            return;
        }
        let Some(interface_metric) = self.interfaces.get(&interface).map(|i| i.config.metric)
        else {
            return;
        };
        let heard = Heard {
            interface,
            neighbor,
            metric,
        };
        let Some(entry) = self.routes.get_mut(&key) else {
            // A new route: only a reachable one is worth a table entry.
            if !metric.is_reachable() || !add_metric(metric, interface_metric).is_reachable() {
                return;
            }
            if self.learned_routes >= self.config.limits.max_routes {
                self.stats.dropped_routes = self.stats.dropped_routes.saturating_add(1);
                return;
            }
            self.learned_routes = self.learned_routes.saturating_add(1);
            self.routes.insert(
                key,
                RouteEntry {
                    metric: Metric::INFINITY,
                    upstream: Upstream::Unreachable,
                    heard: vec![heard],
                },
            );
            self.reselect_new(now, key);
            return;
        };
        let position = entry
            .heard
            .binary_search_by_key(&(interface, neighbor), |h| (h.interface, h.neighbor));
        let changed = match (position, metric.is_infinity()) {
            (Ok(at), true) => {
                entry.heard.remove(at);
                true
            }
            (Ok(at), false) => entry.heard.get_mut(at).is_some_and(|h| {
                let changed = h.metric != metric;
                h.metric = metric;
                changed
            }),
            (Err(at), false) => {
                entry.heard.insert(at, heard);
                true
            }
            (Err(_), true) => false,
        };
        if entry.upstream == Upstream::Neighbor(interface, neighbor) && metric.is_reachable() {
            // §3.3: a report from the upstream neighbor refreshes the route.
            self.timers.schedule_after(
                RouterTimer::RouteExpiration(key),
                now,
                period(self.config.route_expiration_time),
            );
        }
        if changed {
            self.dirty_source(key);
            self.reselect(now, key);
        }
    }

    /// The best way to `key` (§3.3): a local interface's subnet, else the neighbor with the
    /// lowest metric plus interface metric, the lowest address on a tie, else unreachable.
    fn select(&self, key: SourceNetwork, heard: &[Heard]) -> (Upstream, Metric) {
        if let Some((id, i)) = self.interfaces.iter().find(|(_, i)| i.subnet == key) {
            return (
                Upstream::Local(*id),
                Metric::new(i.config.metric).unwrap_or(Metric::INFINITY),
            );
        }
        let mut best: Option<(Metric, Ipv4Addr, InterfaceId)> = None;
        for h in heard.iter().filter(|h| h.metric.is_reachable()) {
            let Some(interface) = self.interfaces.get(&h.interface) else {
                continue;
            };
            let metric = add_metric(h.metric, interface.config.metric);
            if !metric.is_reachable() {
                continue;
            }
            let candidate = (metric, h.neighbor, h.interface);
            if best.is_none_or(|b| candidate < b) {
                best = Some(candidate);
            }
        }
        match best {
            Some((metric, neighbor, interface)) => {
                (Upstream::Neighbor(interface, neighbor), metric)
            }
            None => (Upstream::Unreachable, Metric::INFINITY),
        }
    }

    /// Re-derives a route just created from a report.
    fn reselect_new(&mut self, now: T, key: SourceNetwork) {
        self.reselect_from(now, key, None);
    }

    /// Re-derives the route to `key` after what it depends on changed: creates a local route,
    /// switches upstream, starts hold-down when nothing reaches it any more (§3.3).
    fn reselect(&mut self, now: T, key: SourceNetwork) {
        let old = self.routes.get(&key).map(|r| (r.upstream, r.metric));
        self.reselect_from(now, key, old);
    }

    fn reselect_from(&mut self, now: T, key: SourceNetwork, old: Option<(Upstream, Metric)>) {
        let heard = self
            .routes
            .get(&key)
            .map(|r| r.heard.as_slice())
            .unwrap_or_default();
        let (upstream, metric) = self.select(key, heard);
        let was_local = matches!(old, Some((Upstream::Local(_), _)));
        match (old, upstream) {
            (None | Some((Upstream::Unreachable, _)), Upstream::Unreachable) => {
                if old.is_none() {
                    // A new route no neighbor reaches: nothing to keep.
                    if self.routes.remove(&key).is_some() {
                        self.learned_routes = self.learned_routes.saturating_sub(1);
                    }
                }
                return;
            }
            (Some((Upstream::Local(_) | Upstream::Neighbor(..), _)), Upstream::Unreachable) => {
                // §3.3: the route is reported at infinity for the hold-down time, then deleted.
                if let Some(route) = self.routes.get_mut(&key) {
                    route.upstream = Upstream::Unreachable;
                    route.metric = Metric::INFINITY;
                }
                if was_local {
                    self.learned_routes = self.learned_routes.saturating_add(1);
                }
                self.timers.cancel(&RouterTimer::RouteExpiration(key));
                self.timers.schedule_after(
                    RouterTimer::RouteHoldDown(key),
                    now,
                    period(self.config.route_hold_down),
                );
            }
            (_, Upstream::Local(_) | Upstream::Neighbor(..)) => {
                if old.map(|(u, _)| u) == Some(upstream) && old.map(|(_, m)| m) == Some(metric) {
                    return;
                }
                let is_local = matches!(upstream, Upstream::Local(_));
                match self.routes.get_mut(&key) {
                    Some(route) => {
                        route.upstream = upstream;
                        route.metric = metric;
                        if is_local && !was_local {
                            self.learned_routes = self.learned_routes.saturating_sub(1);
                        } else if was_local && !is_local {
                            self.learned_routes = self.learned_routes.saturating_add(1);
                        }
                    }
                    None => {
                        // Only a local route is created here (learned ones are created by
                        // `on_route` before this is called).
                        self.routes.insert(
                            key,
                            RouteEntry {
                                metric,
                                upstream,
                                heard: Vec::new(),
                            },
                        );
                    }
                }
                self.timers.cancel(&RouterTimer::RouteHoldDown(key));
                if old.map(|(u, _)| u) != Some(upstream) {
                    if is_local {
                        self.timers.cancel(&RouterTimer::RouteExpiration(key));
                    } else {
                        self.timers.schedule_after(
                            RouterTimer::RouteExpiration(key),
                            now,
                            period(self.config.route_expiration_time),
                        );
                    }
                }
            }
        }
        self.changed_routes.insert(key);
        self.dirty_source(key);
    }

    /// §3.3: the upstream neighbor did not refresh the route within the Route Expiration Time:
    /// what it said is void, and the next best neighbor (if any) takes over.
    fn on_route_expiration(&mut self, now: T, key: SourceNetwork) {
        let Some(route) = self.routes.get_mut(&key) else {
            return;
        };
        if let Upstream::Neighbor(interface, neighbor) = route.upstream {
            route
                .heard
                .retain(|h| !(h.interface == interface && h.neighbor == neighbor));
            self.reselect(now, key);
        }
    }

    /// §3.3: the hold-down ended: the route is deleted, with its forwarding entries.
    fn on_route_hold_down(&mut self, key: SourceNetwork) {
        if self.routes.get(&key).is_some_and(|r| !r.is_reachable()) {
            self.routes.remove(&key);
            self.learned_routes = self.learned_routes.saturating_sub(1);
            self.changed_routes.remove(&key);
            self.dirty_source(key);
        }
    }

    /// The route whose source network is the longest to contain `source`.
    fn longest_match(&self, source: Ipv4Addr) -> Option<(SourceNetwork, &RouteEntry)> {
        (0..=32u8).rev().find_map(|len| {
            let key = SourceNetwork::new(source, len).ok()?;
            let route = self.routes.get(&key)?;
            route.is_reachable().then_some((key, route))
        })
    }

    // ----- Sending --------------------------------------------------------------------------

    fn header(&self) -> Header {
        let with_neighbors = self
            .interfaces
            .keys()
            .filter(|id| {
                self.neighbors
                    .range((**id, Ipv4Addr::UNSPECIFIED)..=(**id, Ipv4Addr::BROADCAST))
                    .next()
                    .is_some()
            })
            .count();
        let mut capabilities = CAPABILITIES;
        if with_neighbors <= 1 {
            capabilities |= Capabilities::LEAF;
        }
        Header {
            reserved: 0,
            capabilities,
            version: Version::VERSION_3,
        }
    }

    /// Queues `message` on `interface` to `destination`.
    fn send(&mut self, interface: InterfaceId, destination: Ipv4Addr, message: &Message<'_>) {
        let Some(source) = self.interfaces.get(&interface).map(|i| i.config.address) else {
            return;
        };
        let mut payload = vec![0u8; message.buffer_len()];
        match message.emit(&mut payload) {
            Ok(len) => {
                payload.truncate(len);
                self.transmits.push_back(Transmit {
                    interface,
                    source,
                    destination,
                    payload,
                });
            }
            Err(_) => self.stats.send_errors = self.stats.send_errors.saturating_add(1),
        }
    }

    /// §3.2: a Probe with the Generation ID and every neighbor heard on the interface (as many
    /// as the MTU holds).
    fn send_probe(&mut self, interface: InterfaceId) {
        let Some(mtu) = self.interfaces.get(&interface).map(|i| i.config.mtu) else {
            return;
        };
        let room = usize::try_from(mtu)
            .unwrap_or(usize::MAX)
            .saturating_sub(ReportBuilder::IPV4_HEADER_LEN + crate::wire::HEADER_LEN + 4)
            / 4;
        let neighbors: Vec<[u8; 4]> = self
            .neighbors
            .range((interface, Ipv4Addr::UNSPECIFIED)..=(interface, Ipv4Addr::BROADCAST))
            .map(|((_, address), _)| address.octets())
            .take(room)
            .collect();
        let message = Message {
            header: self.header(),
            body: Body::Probe(Probe {
                generation_id: self.config.generation_id,
                neighbors: &neighbors,
            }),
        };
        self.send(interface, ALL_DVMRP_ROUTERS, &message);
        self.stats.probes_sent = self.stats.probes_sent.saturating_add(1);
    }

    /// The metric this router reports for a route on `interface` (§3.3): infinity in
    /// hold-down; on the interface towards the upstream neighbor the metric poisoned in
    /// reverse, declaring this router a dependent; a local subnet on its own interface at
    /// infinity (split horizon: the routers there are on it too).
    fn advertised(route: &RouteEntry, interface: InterfaceId) -> Metric {
        match route.upstream {
            Upstream::Unreachable => Metric::INFINITY,
            Upstream::Neighbor(i, _) if i == interface => route.metric.poison_reversed(),
            Upstream::Local(i) if i == interface => Metric::INFINITY,
            _ => route.metric,
        }
    }

    /// Sends Reports on `interface` to `destination`: the whole table, or only the changed
    /// routes (§3.3), packed by the codec's builder to the interface MTU.
    fn send_report(&mut self, interface: InterfaceId, destination: Ipv4Addr, changed_only: bool) {
        let Some(mtu) = self.interfaces.get(&interface).map(|i| i.config.mtu) else {
            return;
        };
        let mut entries = Vec::new();
        if changed_only {
            for key in &self.changed_routes {
                if let Some(route) = self.routes.get(key) {
                    entries.extend(key.route(Self::advertised(route, interface)));
                }
            }
        } else {
            entries.reserve(self.routes.len());
            for (key, route) in &self.routes {
                entries.extend(key.route(Self::advertised(route, interface)));
            }
        }
        if entries.is_empty() {
            return;
        }
        let Some(source) = self.interfaces.get(&interface).map(|i| i.config.address) else {
            return;
        };
        let header = self.header();
        let Ok(builder) = ReportBuilder::new(&entries, mtu) else {
            self.stats.send_errors = self.stats.send_errors.saturating_add(1);
            return;
        };
        let mut builder = builder.with_header(header);
        let mut buffer = vec![0u8; builder.max_message_len()];
        loop {
            match builder.emit_next(&mut buffer) {
                Ok(Some(len)) => {
                    self.transmits.push_back(Transmit {
                        interface,
                        source,
                        destination,
                        payload: buffer.get(..len).unwrap_or_default().to_vec(),
                    });
                    self.stats.reports_sent = self.stats.reports_sent.saturating_add(1);
                }
                Ok(None) => break,
                Err(_) => {
                    self.stats.send_errors = self.stats.send_errors.saturating_add(1);
                    break;
                }
            }
        }
    }

    /// Reports on every interface with a two-way neighbor.
    fn send_reports(&mut self, changed_only: bool) {
        let interfaces: Vec<InterfaceId> = self
            .interfaces
            .keys()
            .copied()
            .filter(|id| {
                self.neighbors
                    .range((*id, Ipv4Addr::UNSPECIFIED)..=(*id, Ipv4Addr::BROADCAST))
                    .any(|(_, n)| n.two_way)
            })
            .collect();
        for interface in interfaces {
            self.send_report(interface, ALL_DVMRP_ROUTERS, changed_only);
        }
        self.changed_routes.clear();
    }

    // ----- Forwarding cache, prunes and grafts (§3.4, §3.5, §3.6) ---------------------------

    /// The forwarding of (source network, group), derived from the state (§3.4, §3.5): the
    /// interface towards the source, and every child interface with a local member or a
    /// dependent neighbor that has not pruned. `None` when the route is unreachable.
    fn compute(
        &self,
        source: SourceNetwork,
        group: Ipv4Addr,
    ) -> Option<(InterfaceId, Vec<OutgoingInterface>)> {
        let route = self.routes.get(&source)?;
        let incoming = route.upstream.interface()?;
        let entry = self.cache.get(&(source, group));
        let mut outgoing = Vec::new();
        for (&id, interface) in &self.interfaces {
            if id == incoming
                || self.designated_forwarder(source, id) != Some(interface.config.address)
            {
                continue;
            }
            let wanted = self.members.contains(&(group, id))
                || route.heard.iter().any(|h| {
                    h.interface == id
                        && h.metric.is_poison_reverse()
                        && !entry.is_some_and(|e| e.pruned.contains_key(&(id, h.neighbor)))
                });
            if wanted {
                outgoing.push(OutgoingInterface {
                    interface: id,
                    threshold: interface.config.threshold,
                });
            }
        }
        Some((incoming, outgoing))
    }

    fn dirty_source(&mut self, source: SourceNetwork) {
        let range = (source, Ipv4Addr::UNSPECIFIED)..=(source, Ipv4Addr::BROADCAST);
        for key in self.cache.range(range).map(|(k, _)| *k) {
            self.dirty.insert(key);
        }
    }

    fn dirty_group(&mut self, group: Ipv4Addr) {
        let range = (group, SourceNetwork::DEFAULT)..;
        for &(g, source) in self.cache_by_group.range(range) {
            if g != group {
                break;
            }
            self.dirty.insert((source, group));
        }
    }

    fn dirty_all(&mut self) {
        self.dirty.extend(self.cache.keys().copied());
    }

    /// Brings everything derived up to date before an input returns: the forwarding events,
    /// the prunes and grafts their changes call for, and the flash update of changed routes.
    fn settle(&mut self, now: T) {
        while let Some(key) = self.dirty.pop_first() {
            self.settle_entry(now, key);
        }
        if !self.changed_routes.is_empty() && !self.timers.is_running(&RouterTimer::FlashUpdate) {
            let due = self.last_flash_update.and_then(|last| {
                last.checked_add_duration(period(self.config.minimum_flash_update_interval))
            });
            match due {
                Some(due) if due > now => {
                    self.timers.schedule(RouterTimer::FlashUpdate, due);
                }
                _ => self.flash_update(now),
            }
        }
    }

    /// §3.3: the changed routes, at most every Minimum Flash Update Interval.
    fn flash_update(&mut self, now: T) {
        self.last_flash_update = Some(now);
        self.send_reports(true);
    }

    fn settle_entry(&mut self, now: T, key: (SourceNetwork, Ipv4Addr)) {
        let (source, group) = key;
        if !self.cache.contains_key(&key) {
            return;
        }
        let Some((incoming, outgoing)) = self.compute(source, group) else {
            self.delete_entry(key);
            return;
        };
        let upstream = self.routes.get(&source).and_then(|r| r.upstream.neighbor());
        let graft_backoff = period(self.config.graft_retransmission_time);
        let Some(entry) = self.cache.get_mut(&key) else {
            return;
        };
        let mut was_empty = entry.announced.as_ref().map(|(_, o)| o.is_empty());
        if entry.announced.as_ref() != Some(&(incoming, outgoing.clone())) {
            self.events
                .push_back(RouterEvent::ForwardingChanged(Forwarding {
                    source,
                    group,
                    incoming,
                    outgoing: outgoing.clone(),
                }));
            entry.announced = Some((incoming, outgoing.clone()));
        }
        if entry.upstream_neighbor != upstream {
            // A new upstream neighbor knows nothing of the old one's prune or graft.
            entry.upstream_neighbor = upstream;
            entry.upstream_state = UpstreamState::Forwarding;
            self.timers
                .cancel(&RouterTimer::UpstreamPruneLifetime(source, group));
            self.timers
                .cancel(&RouterTimer::GraftRetransmission(source, group));
            was_empty = None;
        }
        let Some(upstream) = upstream else {
            return;
        };
        let empty = outgoing.is_empty();
        let state = entry.upstream_state;
        match state {
            // §3.5: the entry has nowhere to go: prune upstream.
            UpstreamState::Forwarding if empty && was_empty != Some(true) => {
                self.send_prune(now, key, upstream);
            }
            UpstreamState::Grafting { .. } if empty => {
                self.timers
                    .cancel(&RouterTimer::GraftRetransmission(source, group));
                entry.upstream_state = UpstreamState::Forwarding;
                self.send_prune(now, key, upstream);
            }
            // §3.6: a pruned entry has somewhere to go again: graft.
            UpstreamState::Pruned { .. } if !empty => {
                self.timers
                    .cancel(&RouterTimer::UpstreamPruneLifetime(source, group));
                entry.upstream_state = UpstreamState::Grafting {
                    backoff: graft_backoff,
                };
                self.timers.schedule_after(
                    RouterTimer::GraftRetransmission(source, group),
                    now,
                    graft_backoff,
                );
                self.send_graft(key, upstream);
            }
            _ => {}
        }
    }

    fn delete_entry(&mut self, key: (SourceNetwork, Ipv4Addr)) {
        let (source, group) = key;
        let Some(entry) = self.cache.remove(&key) else {
            return;
        };
        self.cache_by_group.remove(&(group, source));
        self.timers
            .cancel(&RouterTimer::ForwardingCacheExpiry(source, group));
        self.timers
            .cancel(&RouterTimer::UpstreamPruneLifetime(source, group));
        self.timers
            .cancel(&RouterTimer::GraftRetransmission(source, group));
        for (interface, neighbor) in entry.pruned.keys() {
            self.timers.cancel(&RouterTimer::DownstreamPrune(
                source, group, *interface, *neighbor,
            ));
        }
        if entry.announced.is_some() {
            self.events
                .push_back(RouterEvent::ForwardingDeleted { source, group });
        }
    }

    /// The lifetime of a prune sent now (§3.5): the configured Prune Lifetime, spread per
    /// router and entry over its last quarter so that routers do not re-flood in step, and
    /// never longer than the shortest downstream prune still in force.
    fn prune_lifetime(&self, now: T, key: (SourceNetwork, Ipv4Addr)) -> Duration {
        let (source, group) = key;
        let maximum = self.config.prune_lifetime;
        let seed = (u64::from(self.config.generation_id) << 32)
            ^ u64::from(u32::from(source.address()))
            ^ u64::from(u32::from(group)).rotate_left(17);
        let quarter = maximum.as_secs() / 4;
        let spread = mix(seed)
            .checked_rem(quarter.saturating_add(1))
            .unwrap_or(0);
        let mut lifetime = maximum.saturating_sub(Duration::from_secs(spread));
        if let Some(entry) = self.cache.get(&key) {
            for expires in entry.pruned.values() {
                lifetime = lifetime.min(expires.saturating_duration_since(now));
            }
        }
        lifetime
    }

    fn send_prune(
        &mut self,
        now: T,
        key: (SourceNetwork, Ipv4Addr),
        upstream: (InterfaceId, Ipv4Addr),
    ) {
        let (source, group) = key;
        let lifetime = self.prune_lifetime(now, key);
        let seconds = u32::try_from(lifetime.as_secs()).unwrap_or(u32::MAX);
        let Some(neighbor) = self.neighbors.get(&upstream).copied() else {
            return;
        };
        // §3.2.1: a neighbor that does not prune is not sent Prunes; a zero lifetime is none.
        if seconds == 0 || !neighbor.capabilities.contains(Capabilities::PRUNE) {
            return;
        }
        let lifetime = Duration::from_secs(u64::from(seconds));
        let Some(expires) = now.checked_add_duration(lifetime) else {
            return;
        };
        let backoff = period(self.config.prune_retransmission_time);
        let retransmit_at = now.checked_add_duration(backoff).unwrap_or(expires);
        if let Some(entry) = self.cache.get_mut(&key) {
            entry.upstream_state = UpstreamState::Pruned {
                expires,
                retransmit_at,
                backoff,
            };
        }
        self.timers
            .schedule(RouterTimer::UpstreamPruneLifetime(source, group), expires);
        let netmask = neighbor
            .capabilities
            .contains(Capabilities::NETMASK)
            .then(|| source.netmask());
        let message = Message {
            header: self.header(),
            body: Body::Prune(Prune {
                source: source.address(),
                group,
                lifetime_seconds: seconds,
                netmask,
                trailing: &[],
            }),
        };
        self.send(upstream.0, upstream.1, &message);
        self.stats.prunes_sent = self.stats.prunes_sent.saturating_add(1);
    }

    fn send_graft(&mut self, key: (SourceNetwork, Ipv4Addr), upstream: (InterfaceId, Ipv4Addr)) {
        let (source, group) = key;
        let netmask = self
            .neighbors
            .get(&upstream)
            .is_some_and(|n| n.capabilities.contains(Capabilities::NETMASK))
            .then(|| source.netmask());
        let message = Message {
            header: self.header(),
            body: Body::Graft(Graft {
                source: source.address(),
                group,
                netmask,
                trailing: &[],
            }),
        };
        self.send(upstream.0, upstream.1, &message);
        self.stats.grafts_sent = self.stats.grafts_sent.saturating_add(1);
    }

    /// Data for an existing entry: a pruned one retransmits its Prune with back-off, or prunes
    /// again after its prune expired (§3.5).
    fn on_pruned_data(&mut self, now: T, source: SourceNetwork, group: Ipv4Addr) {
        let key = (source, group);
        let Some(entry) = self.cache.get(&key) else {
            return;
        };
        let empty = entry.announced.as_ref().is_some_and(|(_, o)| o.is_empty());
        let (Some(upstream), true) = (entry.upstream_neighbor, empty) else {
            return;
        };
        match entry.upstream_state {
            UpstreamState::Forwarding => self.send_prune(now, key, upstream),
            UpstreamState::Pruned {
                retransmit_at,
                backoff,
                ..
            } if now >= retransmit_at => {
                self.send_prune(now, key, upstream);
                let next = double(backoff);
                if let Some(UpstreamState::Pruned {
                    retransmit_at,
                    backoff,
                    ..
                }) = self.cache.get_mut(&key).map(|e| &mut e.upstream_state)
                {
                    *backoff = next;
                    *retransmit_at = now.checked_add_duration(next).unwrap_or(*retransmit_at);
                }
            }
            _ => {}
        }
    }

    /// The forwarding entry a Prune, Graft or Graft Ack names: exactly the source network
    /// of its netmask if there is such an entry, else the longest entry containing the source
    /// address (a neighbor without the Netmask capability, or one that aggregates otherwise).
    fn entry_for(
        &self,
        source: Ipv4Addr,
        group: Ipv4Addr,
        netmask: Option<Ipv4Addr>,
    ) -> Option<SourceNetwork> {
        if let Some(mask) = netmask {
            let bits = u32::from(mask);
            if bits.leading_ones().saturating_add(bits.trailing_zeros()) != 32 {
                return None;
            }
            if let Ok(key) = SourceNetwork::new(source, bits.leading_ones() as u8)
                && self.cache.contains_key(&(key, group))
            {
                return Some(key);
            }
        }
        (0..=32u8).rev().find_map(|len| {
            let key = SourceNetwork::new(source, len).ok()?;
            self.cache.contains_key(&(key, group)).then_some(key)
        })
    }

    /// §3.5: a Prune from a dependent downstream neighbor on a child interface: the neighbor
    /// gets no traffic for its lifetime (capped at the Prune Lifetime).
    fn on_prune(&mut self, now: T, interface: InterfaceId, neighbor: Ipv4Addr, prune: &Prune<'_>) {
        self.stats.prunes_received = self.stats.prunes_received.saturating_add(1);
        let ignore = |stats: &mut RouterStats| stats.ignored = stats.ignored.saturating_add(1);
        if !self.is_two_way(interface, neighbor) || prune.lifetime_seconds == 0 {
            return ignore(&mut self.stats);
        }
        let Some(source) = self.entry_for(prune.source, prune.group, prune.netmask) else {
            return ignore(&mut self.stats);
        };
        let dependent = self
            .dependent_neighbors(source, interface)
            .any(|n| n == neighbor);
        let ours = self.interfaces.get(&interface).map(|i| i.config.address);
        if !dependent || self.designated_forwarder(source, interface) != ours {
            return ignore(&mut self.stats);
        }
        let lifetime = prune.lifetime().min(self.config.prune_lifetime);
        let Some(expires) = now.checked_add_duration(lifetime) else {
            return;
        };
        let group = prune.group;
        if let Some(entry) = self.cache.get_mut(&(source, group)) {
            entry.pruned.insert((interface, neighbor), expires);
            self.timers.schedule(
                RouterTimer::DownstreamPrune(source, group, interface, neighbor),
                expires,
            );
            self.dirty.insert((source, group));
        }
    }

    /// §3.6: a Graft from a downstream neighbor: acknowledged always, and its prune removed.
    fn on_graft(&mut self, interface: InterfaceId, neighbor: Ipv4Addr, graft: &Graft<'_>) {
        self.stats.grafts_received = self.stats.grafts_received.saturating_add(1);
        if !self.neighbors.contains_key(&(interface, neighbor)) {
            self.stats.ignored = self.stats.ignored.saturating_add(1);
            return;
        }
        let ack = Message {
            header: self.header(),
            body: Body::GraftAck(Graft {
                source: graft.source,
                group: graft.group,
                netmask: graft.netmask,
                trailing: &[],
            }),
        };
        self.send(interface, neighbor, &ack);
        self.stats.graft_acks_sent = self.stats.graft_acks_sent.saturating_add(1);
        let Some(source) = self.entry_for(graft.source, graft.group, graft.netmask) else {
            return;
        };
        let group = graft.group;
        if let Some(entry) = self.cache.get_mut(&(source, group))
            && entry.pruned.remove(&(interface, neighbor)).is_some()
        {
            self.timers.cancel(&RouterTimer::DownstreamPrune(
                source, group, interface, neighbor,
            ));
            self.dirty.insert((source, group));
        }
    }

    /// §3.6: the upstream neighbor acknowledged the Graft: retransmission stops.
    fn on_graft_ack(&mut self, interface: InterfaceId, neighbor: Ipv4Addr, ack: &Graft<'_>) {
        self.stats.graft_acks_received = self.stats.graft_acks_received.saturating_add(1);
        let Some(source) = self.entry_for(ack.source, ack.group, ack.netmask) else {
            self.stats.ignored = self.stats.ignored.saturating_add(1);
            return;
        };
        let group = ack.group;
        if let Some(entry) = self.cache.get_mut(&(source, group))
            && entry.upstream_neighbor == Some((interface, neighbor))
            && matches!(entry.upstream_state, UpstreamState::Grafting { .. })
        {
            entry.upstream_state = UpstreamState::Forwarding;
            self.timers
                .cancel(&RouterTimer::GraftRetransmission(source, group));
        }
    }

    /// An Ask Neighbors 2 (what `mrinfo` sends): answered, unicast from the interface it came
    /// in on, with a Neighbors 2 listing every interface with its metric, threshold, flags
    /// (Leaf for an interface without neighbors) and neighbors, as many as the MTU holds.
    fn on_ask_neighbors(&mut self, interface: InterfaceId, asker: Ipv4Addr) {
        let Some(mtu) = self.interfaces.get(&interface).map(|i| i.config.mtu) else {
            return;
        };
        let room = usize::try_from(mtu)
            .unwrap_or(usize::MAX)
            .min(65_535)
            .saturating_sub(ReportBuilder::IPV4_HEADER_LEN + crate::wire::HEADER_LEN);
        let lists: Vec<(InterfaceConfig, Vec<[u8; 4]>)> = self
            .interfaces
            .iter()
            .map(|(id, i)| {
                let neighbors = self
                    .neighbors
                    .range((*id, Ipv4Addr::UNSPECIFIED)..=(*id, Ipv4Addr::BROADCAST))
                    .map(|((_, address), _)| address.octets())
                    .take(255)
                    .collect();
                (i.config, neighbors)
            })
            .collect();
        let mut entries = Vec::new();
        let mut length = 0usize;
        for (config, neighbors) in &lists {
            let entry = crate::wire::Interface {
                local_address: config.address,
                metric: config.metric,
                threshold: config.threshold,
                flags: if neighbors.is_empty() {
                    crate::wire::InterfaceFlags::LEAF
                } else {
                    crate::wire::InterfaceFlags::empty()
                },
                neighbors,
            };
            length = length.saturating_add(entry.buffer_len());
            if length > room {
                break;
            }
            entries.push(entry);
        }
        let mut buffer = vec![0u8; room];
        let Ok(list) = crate::wire::Neighbors2::encode(&entries, &mut buffer) else {
            self.stats.send_errors = self.stats.send_errors.saturating_add(1);
            return;
        };
        let reply = Message {
            header: self.header(),
            body: Body::Neighbors2(list),
        };
        self.send(interface, asker, &reply);
    }

    /// An Info Request (mrouted's version query): answered, unicast, with an Info Reply whose
    /// Version item names this implementation ([`VERSION_STRING`]).
    fn on_info_request(&mut self, interface: InterfaceId, asker: Ipv4Addr) {
        // Whole 32-bit words, NUL-padded.
        let mut version = [0u8; VERSION_STRING.len().next_multiple_of(4)];
        for (dst, src) in version.iter_mut().zip(VERSION_STRING.bytes()) {
            *dst = src;
        }
        let item = crate::wire::InfoItem::new(crate::wire::InfoType::VERSION, &version);
        let mut buffer = [0u8; 4 + VERSION_STRING.len().next_multiple_of(4)];
        let Ok(info) = crate::wire::Info::encode(&[item], &mut buffer) else {
            self.stats.send_errors = self.stats.send_errors.saturating_add(1);
            return;
        };
        let reply = Message {
            header: self.header(),
            body: Body::InfoReply(info),
        };
        self.send(interface, asker, &reply);
    }

    // ----- Timers ---------------------------------------------------------------------------

    fn on_timer(&mut self, now: T, timer: RouterTimer) {
        match timer {
            RouterTimer::Probe(interface) => {
                self.send_probe(interface);
                self.timers.schedule_after(
                    RouterTimer::Probe(interface),
                    now,
                    period(self.config.probe_interval),
                );
            }
            RouterTimer::NeighborTimeout(interface, address) => {
                self.remove_neighbor(now, interface, address);
            }
            RouterTimer::RouteReport => {
                self.send_reports(false);
                self.timers.cancel(&RouterTimer::FlashUpdate);
                self.timers.schedule_after(
                    RouterTimer::RouteReport,
                    now,
                    period(self.config.route_report_interval),
                );
            }
            RouterTimer::FlashUpdate => self.flash_update(now),
            RouterTimer::RouteExpiration(key) => self.on_route_expiration(now, key),
            RouterTimer::RouteHoldDown(key) => self.on_route_hold_down(key),
            RouterTimer::ForwardingCacheExpiry(source, group) => {
                let key = (source, group);
                let busy = self.cache.get(&key).is_some_and(|e| {
                    e.upstream_state != UpstreamState::Forwarding || !e.pruned.is_empty()
                });
                if busy {
                    // Prune state outlives the entry's idle time: the entry stays while a
                    // prune or graft is in force, so a late member still grafts (§3.6).
                    self.timers.schedule_after(
                        timer,
                        now,
                        period(self.config.forwarding_cache_lifetime),
                    );
                } else {
                    self.delete_entry(key);
                }
            }
            RouterTimer::DownstreamPrune(source, group, interface, neighbor) => {
                // §3.5: the prune expired: traffic floods to the neighbor again.
                if let Some(entry) = self.cache.get_mut(&(source, group)) {
                    entry.pruned.remove(&(interface, neighbor));
                    self.dirty.insert((source, group));
                }
            }
            RouterTimer::UpstreamPruneLifetime(source, group) => {
                if let Some(entry) = self.cache.get_mut(&(source, group))
                    && matches!(entry.upstream_state, UpstreamState::Pruned { .. })
                {
                    entry.upstream_state = UpstreamState::Forwarding;
                }
            }
            RouterTimer::GraftRetransmission(source, group) => {
                let key = (source, group);
                let Some(entry) = self.cache.get_mut(&key) else {
                    return;
                };
                let (UpstreamState::Grafting { backoff }, Some(upstream)) =
                    (entry.upstream_state, entry.upstream_neighbor)
                else {
                    return;
                };
                let next = double(backoff);
                entry.upstream_state = UpstreamState::Grafting { backoff: next };
                self.timers.schedule_after(timer, now, next);
                self.send_graft(key, upstream);
            }
        }
    }
}
