//! A Sans-IO PIM-SM and PIM-SSM router for every PIM interface of a router (RFC 7761 §4,
//! RFC 4607).
//!
//! One [`Router`] runs the protocol on all interfaces: Hellos, neighbors and DR election
//! (§4.3), the downstream and upstream Join/Prune machines of (*,G), (S,G) and (S,G,rpt)
//! (§4.5), Asserts (§4.6), the DR's Register machine and the RP's side of it (§4.4), the SPT
//! switchover (§4.2) and SSM (§4.8). It reads no clock, opens no socket and owns no thread:
//!
//! - **Inputs**, each with the caller's `now`: PIM packets ([`Router::handle_packet`]), unicast
//!   routes pushed into the MRIB ([`Router::add_route`], [`Router::remove_route`]), local
//!   membership from IGMP/MLD ([`Router::set_local_membership`],
//!   [`Router::handle_membership_event`]), data-plane signals ([`Router::handle_data`]),
//!   configuration, and [`Router::handle_timeout`].
//! - **Outputs**: messages to send ([`Router::poll_transmit`]), forwarding-plane programming
//!   and other news ([`Router::poll_event`]), and the next deadline
//!   ([`Router::poll_timeout`]).
//!
//! The forwarding state is one pure function of the protocol state (§4.2's macros,
//! [`Router::route`] and [`Router::forwarding`]); the [`Event::RouteChanged`] events are derived
//! from it, so the plane is never told something the query would not say.
//!
//! Randomness (triggered Hello delays, `t_override`, `t_suppressed`) comes from the RNG the
//! caller hands to [`Router::new`]: the same inputs in the same order give the same outputs,
//! byte for byte.

mod assert;
pub mod config;
mod evaluate;
mod join_prune;
mod macros;
mod neighbor;
pub mod prefix;
mod register;
pub mod show;
pub mod tib;

use alloc::collections::{BTreeMap, BTreeSet, VecDeque};
use alloc::vec::Vec;
use core::time::Duration;

use mcast_addr::family::IpFamily;
use mcast_addr::time::Timestamp;
use mcast_addr::timer::TimerMap;
use rand_core::Rng;

use crate::wire::{Message, Pim, PseudoHeader};

pub use self::config::{InterfaceConfig, Limits, RouterConfig, SptSwitchover, StaticRp};
use self::neighbor::Interface;
pub use self::neighbor::NeighborInfo;
pub use self::prefix::{Prefix, PrefixMap};
pub use self::show::{AssertView, DownstreamView, SgView, StarGView};
use self::tib::Group;
pub use self::tib::{
    AssertMetric, AssertState, DownstreamState, RegisterState, RptDownstreamState, RptUpstreamState,
};

/// The caller's name for an interface (its ifindex, say): small and copyable.
pub type InterfaceId = u32;

/// The ALL-PIM-ROUTERS group of the family: 224.0.0.13 or ff02::d (RFC 7761 §4.3.1).
#[must_use]
pub fn all_pim_routers<F: IpFamily>() -> F::Addr {
    if F::VERSION == 4 {
        prefix::addr_from_bits::<F>(0xE000_000D)
    } else {
        prefix::addr_from_bits::<F>(0xFF02_u128 << 112 | 0xD)
    }
}

/// A route of the MRIB, the unicast routing table PIM takes RPF information from (RFC 7761
/// §4.1.1, §4.5). Its preference and metric are what this router puts in its Asserts
/// (§4.6.3).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct MribRoute<A> {
    /// The interface towards the prefix.
    pub interface: InterfaceId,
    /// The next hop: `None` for a directly connected prefix.
    pub next_hop: Option<A>,
    /// The administrative preference of the routing protocol (Metric Preference, §4.6.3).
    pub preference: u32,
    /// The routing metric (§4.6.3).
    pub metric: u32,
}

/// What IGMP or MLD says the members on one interface want of a group (RFC 7761 §4.1.6:
/// `local_receiver_include` and `local_receiver_exclude`).
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum LocalMembership<A> {
    /// No member.
    None,
    /// Members want the traffic of these sources only (INCLUDE mode).
    Include(Vec<A>),
    /// Members want the traffic of every source but these (EXCLUDE mode; an empty list is an
    /// IGMPv2/MLDv1-style join).
    Exclude(Vec<A>),
}

/// A message to send.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Transmit<F: IpFamily> {
    /// The interface to send on; `None` for a unicast message (Register, Register-Stop) that
    /// the caller routes like any unicast packet.
    pub interface: Option<InterfaceId>,
    /// The IP source address.
    pub source: F::Addr,
    /// The IP destination address: ALL-PIM-ROUTERS or a unicast address.
    pub destination: F::Addr,
    /// The IP TTL or Hop Limit: 1 for messages to ALL-PIM-ROUTERS (RFC 7761 §4.9).
    pub ttl: u8,
    /// The PIM message (the IP payload, protocol 103), checksum included, built by the codec.
    pub payload: Vec<u8>,
}

impl<F: IpFamily> Transmit<F> {
    /// The message parsed back with the crate's codec.
    ///
    /// # Errors
    /// Any parse error, which would be a bug of the router or the codec.
    pub fn parse(&self) -> crate::error::Result<Pim<'_, F>> {
        Pim::parse(
            &self.payload,
            &PseudoHeader::new(self.source, self.destination),
        )
    }
}

/// How a (S,G) or (*,G) flow is forwarded (RFC 7761 §4.2).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Route {
    /// The incoming interface packets are accepted on: RPF_interface(S) on the source tree,
    /// RPF_interface(RP(G)) on the shared tree; `None` when there is none (this router is the
    /// RP, or no route).
    pub iif: Option<InterfaceId>,
    /// The outgoing interfaces (`inherited_olist(S,G)`, `inherited_olist(S,G,rpt)` or
    /// `immediate_olist(*,G)`, less the incoming interface), in ascending order.
    pub oifs: Vec<InterfaceId>,
    /// The DR registers the source (§4.4.1, Register state Join): packets arriving on this
    /// interface must be handed whole to [`Router::handle_data`], which encapsulates them.
    pub register: Option<InterfaceId>,
    /// The router waits for data arriving on this interface, which the plane must report with
    /// [`Router::handle_data`] even where `iif` accepts it: for an (S,G) entry, the first packet
    /// on the source tree sets the SPTbit (`Update_SPTbit`, §4.2.2; until then the entry
    /// forwards as the shared tree does); for a (*,G) entry, the first packet of each new
    /// source lets a last-hop router switch to the source tree (`CheckSwitchToSpt`, §4.2.1).
    pub notify: Option<InterfaceId>,
}

/// Something the forwarding plane or the operator wants to know.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum Event<A> {
    /// The forwarding of (`source`, `group`) changed to `route` (`source` `None`: the (*,G)
    /// entry, which applies to every source that has no (S,G) entry).
    ///
    /// Besides the packets it is told to notify or register, the plane reports the packets it
    /// forwards by an (S,G) entry at least once per Keepalive_Period (§4.2.1: a source whose
    /// data stops loses its (S,G) state when the Keepalive Timer expires), and every packet it
    /// has no entry for or receives on another interface than `iif`.
    RouteChanged {
        /// The group.
        group: A,
        /// The source, or `None` for (*,G).
        source: Option<A>,
        /// The new forwarding, what [`Router::route`] answers.
        route: Route,
    },
    /// The forwarding entry of (`source`, `group`) is gone.
    RouteDeleted {
        /// The group.
        group: A,
        /// The source, or `None` for (*,G).
        source: Option<A>,
    },
    /// A PIM neighbor appeared (§4.3.1).
    NeighborUp {
        /// The interface.
        interface: InterfaceId,
        /// Its primary address.
        neighbor: A,
    },
    /// A PIM neighbor is gone: its Neighbor Liveness Timer expired or it said Goodbye.
    NeighborDown {
        /// The interface.
        interface: InterfaceId,
        /// Its primary address.
        neighbor: A,
    },
    /// A neighbor's Generation ID changed: it restarted and lost its state (§4.3.1).
    NeighborRestarted {
        /// The interface.
        interface: InterfaceId,
        /// Its primary address.
        neighbor: A,
    },
    /// The Designated Router of an interface changed (§4.3.2).
    DrChanged {
        /// The interface.
        interface: InterfaceId,
        /// The DR's address (this router's own when it is DR).
        dr: A,
    },
    /// As the RP, a Register's inner packet to forward down the shared tree (§4.4.2).
    Decapsulated {
        /// The group.
        group: A,
        /// The source.
        source: A,
        /// The interfaces to forward it on (`inherited_olist(S,G,rpt)`).
        oifs: Vec<InterfaceId>,
        /// The inner IP packet.
        packet: Vec<u8>,
    },
}

/// The timers of the router, each named as RFC 7761 names it; each key has at most one
/// deadline. Group addresses come first so the timers of a group sort together.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum Timer<A> {
    /// Hello Timer of an interface (§4.3.1).
    Hello(InterfaceId),
    /// Neighbor Liveness Timer (§4.3.1).
    NeighborLiveness(InterfaceId, A),
    /// Expiry Timer of downstream (*,G) state on an interface (§4.5.1).
    StarGExpiry(A, InterfaceId),
    /// Prune-Pending Timer of downstream (*,G) state (§4.5.1).
    StarGPrunePending(A, InterfaceId),
    /// Expiry Timer of downstream (S,G) state: (group, source, interface) (§4.5.2).
    SgExpiry(A, A, InterfaceId),
    /// Prune-Pending Timer of downstream (S,G) state (§4.5.2).
    SgPrunePending(A, A, InterfaceId),
    /// Expiry Timer of downstream (S,G,rpt) state (§4.5.3).
    SgRptExpiry(A, A, InterfaceId),
    /// Prune-Pending Timer of downstream (S,G,rpt) state (§4.5.3).
    SgRptPrunePending(A, A, InterfaceId),
    /// Upstream (*,G) Join Timer (§4.5.4).
    StarGJoin(A),
    /// Upstream (S,G) Join Timer (§4.5.5).
    SgJoin(A, A),
    /// Upstream (S,G,rpt) Override Timer (§4.5.7).
    SgRptOverride(A, A),
    /// (*,G) Assert Timer of an interface (§4.6.2).
    StarGAssert(A, InterfaceId),
    /// (S,G) Assert Timer of an interface (§4.6.1).
    SgAssert(A, A, InterfaceId),
    /// (S,G) Keepalive Timer (§4.1.4, §4.2.1).
    Keepalive(A, A),
    /// (S,G) Register-Stop Timer at the DR (§4.4.1).
    RegisterStop(A, A),
}

/// Counters of the router.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Stats {
    /// PIM messages received and parsed.
    pub received: u64,
    /// Messages that failed to parse (bad checksum, truncated, malformed).
    pub parse_errors: u64,
    /// Messages on an unknown, down or passive interface.
    pub wrong_interface: u64,
    /// Hello, Join/Prune or Assert messages sent to a unicast address where the RFC requires
    /// ALL-PIM-ROUTERS (§4.9), rejected.
    pub wrong_destination: u64,
    /// Join/Prune and Assert messages from routers that are not PIM neighbors, discarded
    /// (§4.5).
    pub from_non_neighbor: u64,
    /// Entries of Join/Prune messages ignored: an RP that is not RP(G), (*,G) or (S,G,rpt) for
    /// an SSM group, a group range, a non-multicast group (§4.5, §4.8).
    pub ignored_entries: u64,
    /// Message types this router does not run (dense mode, BIDIR, BSR), ignored.
    pub unsupported: u64,
    /// Registers dropped: not addressed to this router, bad inner packet.
    pub register_dropped: u64,
    /// Registers received as the RP.
    pub registers_received: u64,
    /// Register-Stops sent.
    pub register_stops_sent: u64,
    /// Registers sent (Null-Registers included).
    pub registers_sent: u64,
    /// Neighbors not created because of [`Limits::max_neighbors_per_interface`].
    pub dropped_neighbors: u64,
    /// (*,G) entries not created because of [`Limits::max_star_g`].
    pub dropped_star_g: u64,
    /// (S,G) entries not created because of [`Limits::max_sg`].
    pub dropped_sg: u64,
    /// Downstream states not created because of [`Limits::max_downstream_per_interface`].
    pub dropped_downstream: u64,
    /// Messages that could not be built (an MTU too small for them).
    pub send_errors: u64,
    /// Messages queued for sending.
    pub sent: u64,
}

/// Scope of a group's re-evaluation.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Dirty<A> {
    All,
    Sources(BTreeSet<A>),
}

/// A limit with a low-water mark (hysteresis).
#[derive(Debug, Clone, Copy, Default)]
struct Gate {
    full: bool,
}

impl Gate {
    fn admits(&mut self, count: usize, limit: usize, low_water_percent: u8) -> bool {
        if count >= limit {
            self.full = true;
        } else if self.full {
            let low = limit
                .saturating_mul(usize::from(low_water_percent.min(100)))
                .checked_div(100)
                .unwrap_or(0);
            if count <= low {
                self.full = false;
            }
        }
        !self.full
    }
}

/// The entries of Join/Prune messages being gathered for one upstream neighbor, sent when the
/// current input is done so that everything one input triggers goes out together (§4.9.5).
#[derive(Debug, Clone)]
struct PendingGroup<A> {
    joins: BTreeSet<(u8, A)>,
    prunes: BTreeSet<(u8, A)>,
}

impl<A> Default for PendingGroup<A> {
    fn default() -> Self {
        Self {
            joins: BTreeSet::new(),
            prunes: BTreeSet::new(),
        }
    }
}

/// Local membership of one (group, interface): EXCLUDE mode (`true`) or INCLUDE, and the
/// sources listed.
type LocalState<A> = (bool, BTreeSet<A>);

/// The entries gathered for one upstream neighbor, per group.
type PendingMessage<A> = BTreeMap<A, PendingGroup<A>>;

/// A PIM-SM router for all its interfaces, Sans-IO.
///
/// `F` is [`Ipv4`](mcast_addr::family::Ipv4) or [`Ipv6`](mcast_addr::family::Ipv6), `T` the
/// caller's clock, `R` the caller's RNG.
#[derive(Debug)]
pub struct Router<F: IpFamily, T, R> {
    config: RouterConfig<F>,
    rng: R,
    interfaces: BTreeMap<InterfaceId, Interface<F, T>>,
    mrib: PrefixMap<F, MribRoute<F::Addr>>,
    rps: PrefixMap<F, Vec<F::Addr>>,
    groups: BTreeMap<F::Addr, Group<F::Addr>>,
    /// Local membership per (group, interface): EXCLUDE mode (`true`) or INCLUDE, and the
    /// sources listed.
    local: BTreeMap<(F::Addr, InterfaceId), LocalState<F::Addr>>,
    /// What the plane was last told, per (group, source).
    installed: BTreeMap<(F::Addr, Option<F::Addr>), Route>,
    timers: TimerMap<Timer<F::Addr>, T>,
    dirty: BTreeMap<F::Addr, Dirty<F::Addr>>,
    pending: BTreeMap<(InterfaceId, F::Addr), PendingMessage<F::Addr>>,
    transmits: VecDeque<Transmit<F>>,
    events: VecDeque<Event<F::Addr>>,
    stats: Stats,
    star_g_count: usize,
    sg_count: usize,
    star_g_gate: Gate,
    sg_gate: Gate,
    /// The (*,G)-level macros of the group being re-evaluated, computed once for all its
    /// sources (nothing a source's evaluation does changes them).
    group_cache: Option<macros::GroupCache<F::Addr>>,
    /// RPF information of the source being re-evaluated.
    source_cache: Option<macros::SourceCache<F::Addr>>,
}

/// The shortest period a periodic timer may have, so that a zero interval in a configuration
/// cannot make [`Router::handle_timeout`] loop.
const MIN_PERIOD: Duration = Duration::from_millis(1);

impl<F: IpFamily, T: Timestamp, R: Rng> Router<F, T, R> {
    /// A router with no interface yet; `rng` draws every random delay.
    pub fn new(config: RouterConfig<F>, rng: R) -> Self {
        let mut router = Self {
            config: RouterConfig::default(),
            rng,
            interfaces: BTreeMap::new(),
            mrib: PrefixMap::default(),
            rps: PrefixMap::default(),
            groups: BTreeMap::new(),
            local: BTreeMap::new(),
            installed: BTreeMap::new(),
            timers: TimerMap::new(),
            dirty: BTreeMap::new(),
            pending: BTreeMap::new(),
            transmits: VecDeque::new(),
            events: VecDeque::new(),
            stats: Stats::default(),
            star_g_count: 0,
            sg_count: 0,
            star_g_gate: Gate::default(),
            sg_gate: Gate::default(),
            group_cache: None,
            source_cache: None,
        };
        router.apply_config(config);
        router
    }

    fn apply_config(&mut self, config: RouterConfig<F>) {
        self.rps = PrefixMap::default();
        for s in &config.static_rps {
            let mut list = self.rps.remove(&s.groups).unwrap_or_default();
            if !list.contains(&s.rp) {
                list.push(s.rp);
            }
            self.rps.insert(s.groups, list);
        }
        self.config = config;
    }

    /// Replaces the router-wide configuration (RP mappings, SSM range, policy, limits, local
    /// addresses) and re-evaluates every entry at once.
    pub fn set_config(&mut self, now: T, config: RouterConfig<F>) {
        self.apply_config(config);
        self.mark_all();
        self.finish(now);
    }

    /// The router-wide configuration.
    #[must_use]
    pub fn config(&self) -> &RouterConfig<F> {
        &self.config
    }

    // ----- Outputs ----------------------------------------------------------------------------

    /// The next message to send, in order.
    pub fn poll_transmit(&mut self) -> Option<Transmit<F>> {
        self.transmits.pop_front()
    }

    /// The next event, in order.
    pub fn poll_event(&mut self) -> Option<Event<F::Addr>> {
        self.events.pop_front()
    }

    /// When [`Router::handle_timeout`] must next be called.
    #[must_use]
    pub fn poll_timeout(&self) -> Option<T> {
        self.timers.next_deadline()
    }

    /// Counters.
    #[must_use]
    pub fn stats(&self) -> &Stats {
        &self.stats
    }

    /// Every running timer and its deadline, earliest first.
    pub fn timers(&self) -> impl Iterator<Item = (&Timer<F::Addr>, &T)> + '_ {
        self.timers.iter()
    }

    // ----- Inputs -----------------------------------------------------------------------------

    /// Fires every timer due at `now` (RFC 7761 §4.11) and leaves none due.
    pub fn handle_timeout(&mut self, now: T) {
        self.finish(now);
    }

    /// A PIM message (the IP payload of a packet of protocol 103) received on `interface` from
    /// `source` to `destination`. Malformed input is counted in [`Stats`] and dropped.
    pub fn handle_packet(
        &mut self,
        now: T,
        interface: InterfaceId,
        source: F::Addr,
        destination: F::Addr,
        bytes: &[u8],
    ) {
        self.receive(now, interface, source, destination, bytes);
        self.finish(now);
    }

    fn receive(
        &mut self,
        now: T,
        interface: InterfaceId,
        source: F::Addr,
        destination: F::Addr,
        bytes: &[u8],
    ) {
        let usable = self
            .interfaces
            .get(&interface)
            .is_some_and(|i| i.up && !i.config.passive);
        if !usable {
            self.stats.wrong_interface = self.stats.wrong_interface.saturating_add(1);
            return;
        }
        let Ok(pim) = Pim::<F>::parse(bytes, &PseudoHeader::new(source, destination)) else {
            self.stats.parse_errors = self.stats.parse_errors.saturating_add(1);
            return;
        };
        self.stats.received = self.stats.received.saturating_add(1);
        let to_all = destination == all_pim_routers::<F>();
        match pim.message {
            Message::Hello(hello) => {
                if to_all {
                    self.receive_hello(now, interface, source, &hello);
                } else {
                    self.stats.wrong_destination = self.stats.wrong_destination.saturating_add(1);
                }
            }
            Message::JoinPrune(jp) => {
                if !to_all {
                    self.stats.wrong_destination = self.stats.wrong_destination.saturating_add(1);
                } else if !self.is_neighbor(interface, source) {
                    self.stats.from_non_neighbor = self.stats.from_non_neighbor.saturating_add(1);
                } else {
                    self.receive_join_prune(now, interface, source, &jp);
                }
            }
            Message::Assert(a) => {
                if !to_all {
                    self.stats.wrong_destination = self.stats.wrong_destination.saturating_add(1);
                } else if !self.is_neighbor(interface, source) {
                    self.stats.from_non_neighbor = self.stats.from_non_neighbor.saturating_add(1);
                } else {
                    self.receive_assert(now, interface, source, &a);
                }
            }
            Message::Register(reg) => self.receive_register(now, source, destination, &reg),
            Message::RegisterStop(stop) => self.receive_register_stop(now, destination, &stop),
            _ => self.stats.unsupported = self.stats.unsupported.saturating_add(1),
        }
    }

    /// Adds or replaces the MRIB route of `prefix` (RFC 7761 §4.1.1); RPF information of every
    /// entry follows at once (§4.5.4 "RPF'(*,G) changes").
    pub fn add_route(&mut self, now: T, prefix: Prefix<F>, route: MribRoute<F::Addr>) {
        self.mrib.insert(prefix, route);
        self.mark_all();
        self.finish(now);
    }

    /// Removes the MRIB route of `prefix`.
    pub fn remove_route(&mut self, now: T, prefix: &Prefix<F>) {
        if self.mrib.remove(prefix).is_some() {
            self.mark_all();
            self.finish(now);
        }
    }

    /// The MRIB.
    #[must_use]
    pub fn mrib(&self) -> &PrefixMap<F, MribRoute<F::Addr>> {
        &self.mrib
    }

    /// Replaces the RP-set: for each group range, its candidate RPs (RFC 7761 §4.7.1). The
    /// static RPs of the configuration are replaced. A dynamic mechanism (BSR, RFC 5059) feeds
    /// its RP-set through here.
    pub fn set_rp_set(&mut self, now: T, rp_set: impl IntoIterator<Item = (Prefix<F>, F::Addr)>) {
        self.rps = PrefixMap::default();
        for (range, rp) in rp_set {
            let mut list = self.rps.remove(&range).unwrap_or_default();
            if !list.contains(&rp) {
                list.push(rp);
            }
            self.rps.insert(range, list);
        }
        self.mark_all();
        self.finish(now);
    }

    /// Sets what the members on `interface` want of `group` (RFC 7761 §4.1.6), as IGMP or MLD
    /// reports it. Only the DR or the Assert winner of the interface acts on it
    /// (`pim_include`, §4.1.6).
    pub fn set_local_membership(
        &mut self,
        now: T,
        interface: InterfaceId,
        group: F::Addr,
        membership: LocalMembership<F::Addr>,
    ) {
        if !F::is_multicast(&group) {
            return;
        }
        let key = (group, interface);
        match membership {
            LocalMembership::None => {
                self.local.remove(&key);
            }
            LocalMembership::Include(sources) => {
                self.local
                    .insert(key, (false, sources.into_iter().collect()));
            }
            LocalMembership::Exclude(sources) => {
                self.local
                    .insert(key, (true, sources.into_iter().collect()));
            }
        }
        // The whole group is re-derived: the routes of sources no longer listed included.
        self.mark_group(group);
        self.finish(now);
    }

    /// Feeds one event of the `mcast-igmp` router of `interface` straight in: its filter mode
    /// and source changes become [`Router::set_local_membership`] calls; querier and
    /// compatibility news are ignored.
    pub fn handle_membership_event(
        &mut self,
        now: T,
        interface: InterfaceId,
        event: &mcast_igmp::router::RouterEvent<F::Addr>,
    ) {
        use mcast_igmp::gmp::FilterMode;
        use mcast_igmp::router::RouterEvent;
        match event {
            RouterEvent::FilterModeChanged { group, mode } => {
                let membership = match mode {
                    None => LocalMembership::None,
                    Some(FilterMode::Include) => LocalMembership::Include(Vec::new()),
                    Some(FilterMode::Exclude) => LocalMembership::Exclude(Vec::new()),
                };
                self.set_local_membership(now, interface, *group, membership);
            }
            RouterEvent::SourceForwardingChanged {
                group,
                source,
                forward,
            } => {
                let (exclude, mut sources) = self
                    .local
                    .get(&(*group, interface))
                    .cloned()
                    .unwrap_or((false, BTreeSet::new()));
                // In EXCLUDE mode the list holds the sources not forwarded, in INCLUDE mode
                // the ones forwarded.
                if *forward == exclude {
                    sources.remove(source);
                } else {
                    sources.insert(*source);
                }
                let list = sources.into_iter().collect();
                let membership = if exclude {
                    LocalMembership::Exclude(list)
                } else {
                    LocalMembership::Include(list)
                };
                self.set_local_membership(now, interface, *group, membership);
            }
            _ => {}
        }
    }

    /// The signal of the SPT threshold policy ([`SptSwitchover::Threshold`]): traffic of
    /// (`source`, `group`) passed the caller's rate threshold, so `SwitchToSptDesired(S,G)`
    /// holds from now on (RFC 7761 §4.2.1).
    pub fn signal_spt_threshold(&mut self, now: T, source: F::Addr, group: F::Addr) {
        if !F::is_multicast(&group) || self.is_ssm(group) {
            return;
        }
        if let Some(sg) = self.sg_entry(group, source) {
            sg.spt_threshold = true;
            self.check_switch_to_spt(now, group, source);
            self.mark_source(group, source);
        }
        self.finish(now);
    }

    // ----- Queries ----------------------------------------------------------------------------

    /// The forwarding of (`source`, `group`) (`source` `None`: the (*,G) entry): what the last
    /// [`Event::RouteChanged`] said, or `None` if the router has no such entry.
    #[must_use]
    pub fn route(&self, group: F::Addr, source: Option<F::Addr>) -> Option<&Route> {
        self.installed.get(&(group, source))
    }

    /// Every forwarding entry.
    pub fn routes(&self) -> impl Iterator<Item = (F::Addr, Option<F::Addr>, &Route)> + '_ {
        self.installed.iter().map(|((g, s), r)| (*g, *s, r))
    }

    /// The interfaces a packet from `source` to `group` arriving on `iif` is forwarded on
    /// (RFC 7761 §4.2), computed from the state; empty if it fails the RPF check.
    #[must_use]
    pub fn forwarding(
        &self,
        source: F::Addr,
        group: F::Addr,
        iif: InterfaceId,
    ) -> Vec<InterfaceId> {
        let route = self
            .compute_route(group, Some(source))
            .or_else(|| self.compute_route(group, None));
        match route {
            Some(r) if r.iif == Some(iif) => r.oifs.into_iter().filter(|i| *i != iif).collect(),
            _ => Vec::new(),
        }
    }

    // ----- Plumbing ---------------------------------------------------------------------------

    /// Ends every input: fires due timers, re-evaluates what changed, sends what was gathered,
    /// until nothing is due at `now`.
    fn finish(&mut self, now: T) {
        // Each round either fires a timer (which is then gone or rescheduled at least
        // MIN_PERIOD later) or finds nothing due; the bound is a guard, never reached in a
        // correct run.
        for _ in 0..1_000_000u32 {
            self.settle(now);
            let Some((timer, _)) = self.timers.pop_expired(now) else {
                break;
            };
            self.fire(now, timer);
        }
        self.settle(now);
    }

    fn fire(&mut self, now: T, timer: Timer<F::Addr>) {
        match timer {
            Timer::Hello(i) => self.hello_timer_expired(now, i),
            Timer::NeighborLiveness(i, n) => self.neighbor_expired(now, i, n),
            Timer::StarGExpiry(g, i) => self.star_g_expiry(now, g, i),
            Timer::StarGPrunePending(g, i) => self.star_g_prune_pending_expired(now, g, i),
            Timer::SgExpiry(g, s, i) => self.sg_expiry(now, g, s, i),
            Timer::SgPrunePending(g, s, i) => self.sg_prune_pending_expired(now, g, s, i),
            Timer::SgRptExpiry(g, s, i) => self.sg_rpt_expiry(now, g, s, i),
            Timer::SgRptPrunePending(g, s, i) => self.sg_rpt_prune_pending_expired(now, g, s, i),
            Timer::StarGJoin(g) => self.star_g_join_timer(now, g),
            Timer::SgJoin(g, s) => self.sg_join_timer(now, g, s),
            Timer::SgRptOverride(g, s) => self.sg_rpt_override_timer(now, g, s),
            Timer::StarGAssert(g, i) => self.star_g_assert_timer(now, g, i),
            Timer::SgAssert(g, s, i) => self.sg_assert_timer(now, g, s, i),
            Timer::Keepalive(g, s) => self.mark_source(g, s),
            Timer::RegisterStop(g, s) => self.register_stop_timer(now, g, s),
        }
    }

    fn settle(&mut self, now: T) {
        // Re-evaluation can make more entries dirty (an Assert changing an olist); the rounds
        // are bounded, each one only re-reads state.
        for _ in 0..8 {
            if self.dirty.is_empty() {
                break;
            }
            let dirty = core::mem::take(&mut self.dirty);
            for (group, scope) in dirty {
                self.evaluate_group(now, group, &scope);
            }
        }
        self.flush_join_prunes(now);
    }

    fn mark_all(&mut self) {
        let groups: Vec<F::Addr> = self
            .groups
            .keys()
            .copied()
            .chain(self.local.keys().map(|(g, _)| *g))
            .collect();
        for g in groups {
            self.mark_group(g);
        }
    }

    fn mark_group(&mut self, group: F::Addr) {
        self.dirty.insert(group, Dirty::All);
    }

    fn mark_source(&mut self, group: F::Addr, source: F::Addr) {
        match self.dirty.entry(group) {
            alloc::collections::btree_map::Entry::Vacant(v) => {
                let mut set = BTreeSet::new();
                set.insert(source);
                v.insert(Dirty::Sources(set));
            }
            alloc::collections::btree_map::Entry::Occupied(mut o) => {
                if let Dirty::Sources(set) = o.get_mut() {
                    set.insert(source);
                }
            }
        }
    }

    fn schedule(&mut self, timer: Timer<F::Addr>, now: T, after: Duration) {
        self.timers.schedule_after(timer, now, after);
    }

    /// A delay drawn uniformly from `[low, high)`.
    fn random(&mut self, low: Duration, high: Duration) -> Duration {
        mcast_addr::random::uniform_delay(&mut self.rng, low, high)
    }

    fn push_event(&mut self, event: Event<F::Addr>) {
        self.events.push_back(event);
    }

    /// Queues a message for ALL-PIM-ROUTERS on `interface`, from `source`, with TTL 1 (RFC
    /// 7761 §4.9); one the codec could not build is counted in [`Stats::send_errors`].
    fn send_to_all_routers(
        &mut self,
        interface: InterfaceId,
        source: F::Addr,
        built: crate::error::Result<Vec<u8>>,
    ) {
        match built {
            Ok(payload) => self.push_transmit(Transmit {
                interface: Some(interface),
                source,
                destination: all_pim_routers::<F>(),
                ttl: 1,
                payload,
            }),
            Err(_) => self.stats.send_errors = self.stats.send_errors.saturating_add(1),
        }
    }

    fn push_transmit(&mut self, transmit: Transmit<F>) {
        self.stats.sent = self.stats.sent.saturating_add(1);
        self.transmits.push_back(transmit);
    }
}
