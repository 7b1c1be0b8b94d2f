//! An IGMP/MLD snooping switch: the Sans-IO control plane of a bridge (RFC 4541), for every
//! port and VLAN of the bridge.
//!
//! The switch is built from the crate's router machine, not a copy of it: every (VLAN, port)
//! keeps its hosts' memberships in a [`Router`] that is never the querier
//! ([`Router::enable_as_non_querier`]): the tables of RFC 3376/9776 §6.4 (RFC 3810 §7.4), the
//! compatibility modes and the SSM rules apply per port, exactly as a router applies them per
//! interface, so a BLOCK_OLD_SOURCES record is never taken for a join. Each VLAN may also run
//! a querying [`Router`] with the switch's own address, which takes part in the querier
//! election (§6.6.2) and queries the LAN when it has no other querier.
//!
//! # Inputs and outputs
//! - [`Switch::handle_frame`]: a frame received on a port. It returns the ports the frame is
//!   forwarded to: Reports and Leaves only to router ports (RFC 4541 §2.1.1 (1)), Queries and
//!   unrecognized messages to every port (§2.1.1 (3)), data by the group tables (§2.1.2). A
//!   control message with a bad checksum is used for nothing and forwarded nowhere
//!   (§2.1.1 (5)), and counted.
//! - Port and VLAN commands: [`Switch::add_vlan`], [`Switch::add_port`],
//!   [`Switch::set_port_up`], [`Switch::configure_port`], [`Switch::remove_port`].
//! - [`Switch::poll_event`]: the forwarding table, as changes ([`SnoopEvent`]).
//!   [`Switch::ports_for`] answers the same question directly: a consumer applying the events
//!   in order always agrees with it.
//! - [`Switch::poll_transmit`]: the queries the switch sends as querier, with the ports to send
//!   them on.
//!
//! # Router ports
//! A port is a router port while any of its reasons lasts (RFC 4541 §2.1.1 (1)): a Query from a
//! non-zero source (for [`SnoopConfig::router_port_timeout`]), a PIM Hello (for its Holdtime),
//! a Multicast Router Advertisement (RFC 4286, for three Advertisement Intervals; a Termination
//! ends it), a DVMRP Probe (for [`DVMRP_NEIGHBOR_TIMEOUT`]), or configuration
//! ([`PortConfig::static_router_port`]). Each learned reason has its own timer.
//!
//! # A full table
//! The switch snoops at most [`SnoopConfig::max_groups`] (VLAN, group) entries. A join for a
//! new group past that floods that group alone on its VLAN (counted in
//! [`SnoopStats::groups_flooded`]); every other group stays snooped. New groups are snooped
//! again only once the table is down to [`SnoopConfig::groups_low_water`]; a flooded group is
//! then taken back on its next report and keeps flooding for one Query Interval plus one Query
//! Response Interval while every member answers a General Query, so no member loses traffic
//! in the switch-over. A flooded group ages out after a Group Membership Interval without
//! reports. Flooded groups are bounded too ([`SnoopConfig::max_flooded_groups`]); past that a
//! new group gets the unregistered treatment, counted in [`SnoopStats::dropped_groups`].
//!
//! # Fast leave
//! On a port configured for fast leave ([`PortConfig::fast_leave`]) the switch tracks each
//! host's membership by its IP source address, at most [`SnoopConfig::max_hosts_per_port`]
//! per port. When the last tracked host of a group leaves (IGMPv2 Leave, MLDv1 Done, or a
//! version 3 TO_IN({})), the port stops receiving the group at once. A host that could not be
//! tracked (the limit, or a report from the unspecified address) turns fast leave off for that
//! group on that port until the group's record is gone, so a leave never cuts off a member the
//! switch does not know of.

mod frame;

use alloc::collections::{BTreeMap, BTreeSet, VecDeque};
use alloc::vec::Vec;
use core::time::Duration;

use mcast_addr::time::Timestamp;
use mcast_addr::timer::TimerMap;

pub use frame::{
    Control, DEFAULT_PIM_HELLO_HOLDTIME, DVMRP_NEIGHBOR_TIMEOUT, Frame, PIM_PROTOCOL, PortId,
    PortSet, SnoopFamily, VlanId,
};

use crate::gmp::codec::{Received, encode};
use crate::gmp::{FilterMode, Gmp, Message, Query, RecordType, RouterConfig, Transmit, Version};
use crate::router::{Router, RouterEvent};

/// What the switch does with traffic to a group no report has announced (an unregistered
/// packet, RFC 4541 §2.1.2 (3)).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum Unregistered {
    /// Flood it on every port ("A switch may default to forwarding unregistered packets on all
    /// ports").
    Flood,
    /// Send it to router ports only ("it must forward that packet on all ports to which an IGMP
    /// router is attached"), and to the ports configured with
    /// [`PortConfig::flood_unregistered`].
    RouterPorts,
}

/// Configuration of a switch.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SnoopConfig<F: Gmp> {
    /// The protocol timers and rules of the per-port membership routers and of the switch's
    /// querier: Robustness Variable, Query Interval, Query Response Interval, Last Member
    /// Query Interval and Count, version, SSM range, source limits, MTU. Its `address` is the
    /// switch's querier address (an MLD querier's must be link-local, RFC 3810 §5.1.14) and
    /// `limits.max_groups` is ignored: [`SnoopConfig::max_groups`] bounds the whole switch.
    pub membership: RouterConfig<F>,
    /// Unregistered traffic: [`Unregistered::Flood`] by default.
    pub unregistered: Unregistered,
    /// Most (VLAN, group) entries snooped over the whole switch: default 4096.
    pub max_groups: usize,
    /// Once full, new groups are snooped again at or below this many entries: default 90 % of
    /// [`SnoopConfig::max_groups`] (hysteresis, so that a table at its limit does not flap).
    pub groups_low_water: usize,
    /// Most groups flooded because the table was full: default 1024.
    pub max_flooded_groups: usize,
    /// Most hosts tracked per port for fast leave: default 512.
    pub max_hosts_per_port: usize,
    /// How long a Query keeps its ingress port a router port: by default the Other Querier
    /// Present Interval of [`SnoopConfig::membership`] (RFC 3376/9776 §8.5, 255 s).
    pub router_port_timeout: Option<Duration>,
}

impl<F: Gmp> SnoopConfig<F> {
    /// The defaults, with `querier_address` as the switch's address when it queries.
    #[must_use]
    pub fn new(querier_address: F::Addr) -> Self {
        Self {
            membership: RouterConfig::new(querier_address),
            unregistered: Unregistered::Flood,
            max_groups: 4096,
            groups_low_water: 3686,
            max_flooded_groups: 1024,
            max_hosts_per_port: 512,
            router_port_timeout: None,
        }
    }
}

/// Configuration of one port in one VLAN.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct PortConfig {
    /// A router port by configuration (RFC 4541 §2.1.1 (1) c).
    pub static_router_port: bool,
    /// Stop forwarding a group as soon as the last tracked host on the port leaves it.
    pub fast_leave: bool,
    /// Receive unregistered traffic even when [`Unregistered::RouterPorts`] is configured
    /// (RFC 4541 §2.1.2 (3): "a configuration option to force the flooding of unregistered
    /// packets on specified ports").
    pub flood_unregistered: bool,
}

/// Why a port is a router port (RFC 4541 §2.1.1 (1)), each with its own timer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum RouterPortReason {
    /// A Query from a non-zero source arrived on it (§2.1.1 (1) b).
    Query,
    /// A PIM Hello arrived on it.
    PimHello,
    /// A Multicast Router Advertisement arrived on it (§2.1.1 (1) a, RFC 4286).
    RouterAdvertisement,
    /// A DVMRP Probe arrived on it.
    DvmrpProbe,
}

impl RouterPortReason {
    const fn bit(self) -> u8 {
        match self {
            Self::Query => 1,
            Self::PimHello => 2,
            Self::RouterAdvertisement => 4,
            Self::DvmrpProbe => 8,
        }
    }
}

/// The timers of a switch, each named for what it times. The per-port membership routers and
/// the queriers keep their own RFC timers; the switch holds each one's next deadline.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum SnoopTimer<A> {
    /// The next deadline of the membership router of a port.
    Membership(VlanId, PortId),
    /// The next deadline of the querier of a VLAN.
    Querier(VlanId),
    /// A learned router port's reason expires.
    RouterPort(VlanId, PortId, RouterPortReason),
    /// A host tracked for fast leave (port, group, host) ages out after a Group Membership
    /// Interval without a report.
    TrackedHost(VlanId, PortId, A, A),
    /// A group flooded because the table was full ages out.
    Flooding(VlanId, A),
    /// A group taken back into the table stops flooding: its members have all answered.
    Learning(VlanId, A),
}

/// A change of the forwarding table.
///
/// The egress ports of a packet from `source` to `group` arriving on VLAN `vlan` at port
/// `ingress` are, given the events applied in order (and as [`Switch::ports_for`] says):
/// - every port of the VLAN but `ingress`, for a group [`SnoopFamily::is_flooded_group`] says
///   is flooded, and for a group whose last [`SnoopEvent::Flooding`] said `flooding: true`;
/// - otherwise, for a group with an entry: the ports of the source's entry if it has one, else
///   the group's ports, plus the VLAN's router ports (§2.1.2 (1)), but `ingress`;
/// - otherwise (unregistered): every port, or the router ports and the ports configured to
///   receive unregistered traffic, as [`SnoopConfig::unregistered`] says, but `ingress`.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum SnoopEvent<A> {
    /// The router ports of a VLAN.
    RouterPorts {
        /// The VLAN.
        vlan: VlanId,
        /// Its router ports (up ones only).
        ports: PortSet,
    },
    /// The member ports of a group for every source without an entry of its own; `None`
    /// deletes the group's entry and every source entry of it.
    Group {
        /// The VLAN.
        vlan: VlanId,
        /// The group.
        group: A,
        /// The ports, or `None`.
        ports: Option<PortSet>,
    },
    /// The member ports of (source, group) where they differ from the group's; `None` deletes
    /// the source's entry (the group's ports apply again).
    Source {
        /// The VLAN.
        vlan: VlanId,
        /// The group.
        group: A,
        /// The source.
        source: A,
        /// The ports, or `None`.
        ports: Option<PortSet>,
    },
    /// Whether a group is flooded on its VLAN because the table was full.
    Flooding {
        /// The VLAN.
        vlan: VlanId,
        /// The group.
        group: A,
        /// Flooded or not.
        flooding: bool,
    },
    /// The querier of a VLAN changed (the switch's own address when it queries).
    QuerierChanged {
        /// The VLAN.
        vlan: VlanId,
        /// The querier.
        querier: A,
    },
}

/// A query the switch sends as querier: the message, and the ports to send it on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SnoopTransmit<F: Gmp> {
    /// The VLAN.
    pub vlan: VlanId,
    /// The ports: every up port of the VLAN.
    pub ports: PortSet,
    /// The message, built by the codec.
    pub transmit: Transmit<F>,
}

/// Counters of a switch.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct SnoopStats {
    /// Frames handled.
    pub frames: u64,
    /// Control messages that did not parse or failed their checksum (RFC 4541 §2.1.1 (5)):
    /// used for nothing, forwarded nowhere.
    pub bad_frames: u64,
    /// Frames from a port or VLAN the switch does not know, or a port that is down.
    pub unknown_port_frames: u64,
    /// Queries received.
    pub queries: u64,
    /// Reports, Leaves and Dones received.
    pub reports: u64,
    /// Groups flooded because the table was full.
    pub groups_flooded: u64,
    /// Groups neither snooped nor flooded: both tables were full.
    pub dropped_groups: u64,
    /// Hosts not tracked for fast leave: the per-port limit, or an unspecified source.
    pub untracked_hosts: u64,
    /// Groups a port stopped receiving by fast leave.
    pub fast_leaves: u64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum EntryState {
    /// Snooped: forwarded by the membership of its ports.
    Snooped,
    /// Taken back from flooding: snooped, but still flooded until its members have answered.
    Learning,
    /// Flooded because the table was full.
    Flooding,
}

/// A (VLAN, group) entry of the forwarding table.
#[derive(Debug, Clone)]
struct GroupEntry<A> {
    state: EntryState,
    /// Ports whose membership router keeps a record of the group.
    members: PortSet,
    /// What the events said: the group's ports, and the sources whose ports differ.
    announced: Option<(PortSet, BTreeMap<A, PortSet>)>,
}

#[derive(Debug, Clone)]
struct PortState<F: Gmp, T> {
    config: PortConfig,
    up: bool,
    membership: Router<F, T>,
    /// The learned router port reasons, as [`RouterPortReason::bit`]s.
    learned: u8,
    tracked_hosts: usize,
}

impl<F: Gmp, T> PortState<F, T> {
    fn is_router_port(&self) -> bool {
        self.up && (self.config.static_router_port || self.learned != 0)
    }
}

#[derive(Debug, Clone)]
struct VlanState<F: Gmp, T> {
    ports: BTreeMap<PortId, PortState<F, T>>,
    querier: Option<Router<F, T>>,
    /// The router ports the events announced.
    router_ports: PortSet,
}

/// Hosts tracked for fast leave on one port for one group.
#[derive(Debug, Clone)]
struct Tracked<A> {
    hosts: BTreeSet<A>,
    /// A member could not be tracked: fast leave is off for the group on this port.
    incomplete: bool,
}

/// An IGMP (`F` = [`Ipv4`](mcast_addr::family::Ipv4)) or MLD
/// ([`Ipv6`](mcast_addr::family::Ipv6)) snooping switch, Sans-IO. See the module documentation.
///
/// ```
/// use core::net::Ipv4Addr;
/// use core::time::Duration;
/// use mcast_addr::family::Ipv4;
/// use mcast_igmp::gmp::codec::encode;
/// use mcast_igmp::gmp::Message;
/// use mcast_igmp::gmp::Version;
/// use mcast_igmp::snoop::{Frame, PortConfig, PortId, PortSet, SnoopConfig, Switch, VlanId};
///
/// let vlan = VlanId(1);
/// let now = Duration::ZERO;
/// let mut switch = Switch::<Ipv4, Duration>::new(SnoopConfig::new(Ipv4Addr::new(192, 0, 2, 250)));
/// switch.add_vlan(now, vlan, false);
/// for port in 1..=3 {
///     switch.add_port(now, vlan, PortId(port), PortConfig::default());
/// }
///
/// // A router queries on port 1: port 1 becomes a router port; the Query is flooded.
/// let router = Ipv4Addr::new(192, 0, 2, 1);
/// let all_systems = Ipv4Addr::new(224, 0, 0, 1);
/// let query = Message::Query(mcast_igmp::gmp::Query {
///     version: Version::V2,
///     group: Ipv4Addr::UNSPECIFIED,
///     max_response_time: Duration::from_secs(10),
///     suppress_router_side_processing: false,
///     robustness: 0,
///     query_interval: Duration::ZERO,
///     sources: Vec::new(),
/// });
/// let bytes = &encode::<Ipv4>(&query, router, all_systems, 1500)?[0];
/// let frame = Frame { source: router, destination: all_systems, protocol: 2, payload: bytes };
/// let out = switch.handle_frame(now, vlan, PortId(1), &frame);
/// assert_eq!(out, [PortId(2), PortId(3)].into_iter().collect::<PortSet>());
///
/// // A host on port 2 reports 239.1.2.3: the report goes to the router port only.
/// let host = Ipv4Addr::new(192, 0, 2, 20);
/// let group = Ipv4Addr::new(239, 1, 2, 3);
/// let report = Message::Report { version: Version::V2, group };
/// let bytes = &encode::<Ipv4>(&report, host, group, 1500)?[0];
/// let frame = Frame { source: host, destination: group, protocol: 2, payload: bytes };
/// let out = switch.handle_frame(now, vlan, PortId(2), &frame);
/// assert_eq!(out, [PortId(1)].into_iter().collect::<PortSet>());
///
/// // Traffic to the group reaches the member port and the router port, nothing else.
/// let source = Ipv4Addr::new(198, 51, 100, 7);
/// let ports = switch.ports_for(vlan, source, group, Some(PortId(3)));
/// assert_eq!(ports, [PortId(1), PortId(2)].into_iter().collect::<PortSet>());
/// # Ok::<(), mcast_igmp::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct Switch<F: SnoopFamily, T> {
    config: SnoopConfig<F>,
    vlans: BTreeMap<VlanId, VlanState<F, T>>,
    entries: BTreeMap<(VlanId, F::Addr), GroupEntry<F::Addr>>,
    /// Entries in state Snooped or Learning.
    snooped: usize,
    /// Entries in state Flooding.
    flooded: usize,
    /// The table reached its limit and has not yet come down to the low-water mark.
    full: bool,
    tracked: BTreeMap<(VlanId, PortId, F::Addr), Tracked<F::Addr>>,
    timers: TimerMap<SnoopTimer<F::Addr>, T>,
    transmits: VecDeque<SnoopTransmit<F>>,
    events: VecDeque<SnoopEvent<F::Addr>>,
    stats: SnoopStats,
    /// Entries whose announced state may have changed since the last flush.
    dirty: BTreeSet<(VlanId, F::Addr)>,
    /// VLANs whose router ports may have changed.
    dirty_vlans: BTreeSet<VlanId>,
    /// Reused buffer for router events.
    scratch: Vec<RouterEvent<F::Addr>>,
}

/// Whether a record makes a member of its group: the records a router creates a group record
/// for (RFC 3376/9776 §6.4: IS_EX and TO_EX always, IS_IN, ALLOW and TO_IN with sources), not a
/// BLOCK, not an unknown type.
fn is_join(record_type: RecordType, has_sources: bool) -> bool {
    match record_type {
        RecordType::ModeIsExclude | RecordType::ChangeToExcludeMode => true,
        RecordType::ModeIsInclude
        | RecordType::AllowNewSources
        | RecordType::ChangeToIncludeMode => has_sources,
        RecordType::BlockOldSources | RecordType::Unknown(_) => false,
    }
}

/// Whether a record says the host left the group altogether: TO_IN({}) (or IS_IN({})).
fn is_leave(record_type: RecordType, has_sources: bool) -> bool {
    matches!(
        record_type,
        RecordType::ChangeToIncludeMode | RecordType::ModeIsInclude
    ) && !has_sources
}

/// The shortest timer the switch sets, so that a zero interval in a message cannot make
/// [`Switch::handle_timeout`] loop.
const MIN_TIMER: Duration = Duration::from_millis(1);

impl<F: SnoopFamily, T: Timestamp> Switch<F, T> {
    /// A switch with no VLAN and no port.
    #[must_use]
    pub fn new(config: SnoopConfig<F>) -> Self {
        Self {
            config,
            vlans: BTreeMap::new(),
            entries: BTreeMap::new(),
            snooped: 0,
            flooded: 0,
            full: false,
            tracked: BTreeMap::new(),
            timers: TimerMap::new(),
            transmits: VecDeque::new(),
            events: VecDeque::new(),
            stats: SnoopStats::default(),
            dirty: BTreeSet::new(),
            dirty_vlans: BTreeSet::new(),
            scratch: Vec::new(),
        }
    }

    // ----- Configuration --------------------------------------------------------------------

    fn membership_config(&self) -> RouterConfig<F> {
        let mut config = self.config.membership.clone();
        // The membership routers never query: their address only has to lose every election
        // and must not be the querier's, so the all-ones address.
        config.address = F::from_octets(all_ones::<F>());
        config.limits.max_groups = self.config.max_groups;
        config
    }

    fn querier_config(&self) -> RouterConfig<F> {
        let mut config = self.config.membership.clone();
        config.limits.max_groups = self.config.max_groups;
        config
    }

    /// Adds VLAN `vlan` (nothing if it exists). With `querier`, the switch takes part in the
    /// querier election on it with [`SnoopConfig::membership`]'s address and queries when it
    /// wins (RFC 3376/9776 §6.6.2; RFC 4541 §2.1.1 (4) asks it not to send a version older than
    /// the LAN's: configure [`RouterConfig::version`] accordingly).
    pub fn add_vlan(&mut self, now: T, vlan: VlanId, querier: bool) {
        if self.vlans.contains_key(&vlan) {
            return;
        }
        let querier = querier.then(|| {
            let mut router = Router::new(self.querier_config());
            router.enable(now);
            router
        });
        self.vlans.insert(
            vlan,
            VlanState {
                ports: BTreeMap::new(),
                querier,
                router_ports: PortSet::new(),
            },
        );
        self.after_querier(now, vlan);
        self.flush();
    }

    /// Removes VLAN `vlan` with its ports; every entry of it is deleted.
    pub fn remove_vlan(&mut self, now: T, vlan: VlanId) {
        let ports: Vec<PortId> = self
            .vlans
            .get(&vlan)
            .map(|v| v.ports.keys().copied().collect())
            .unwrap_or_default();
        for port in ports {
            self.remove_port(now, vlan, port);
        }
        let groups: Vec<F::Addr> = self
            .entries
            .range((vlan, F::UNSPECIFIED)..)
            .take_while(|((v, _), _)| *v == vlan)
            .map(|((_, g), _)| *g)
            .collect();
        for group in groups {
            self.timers.cancel(&SnoopTimer::Flooding(vlan, group));
            self.timers.cancel(&SnoopTimer::Learning(vlan, group));
            self.remove_entry(vlan, group);
        }
        self.timers.cancel(&SnoopTimer::Querier(vlan));
        self.vlans.remove(&vlan);
        self.dirty.retain(|(v, _)| *v != vlan);
        self.dirty_vlans.remove(&vlan);
    }

    /// Adds `port` to VLAN `vlan`, up (nothing if the VLAN does not exist or the port is in it
    /// already).
    pub fn add_port(&mut self, now: T, vlan: VlanId, port: PortId, config: PortConfig) {
        let membership_config = self.membership_config();
        let Some(state) = self.vlans.get_mut(&vlan) else {
            return;
        };
        if state.ports.contains_key(&port) {
            return;
        }
        let mut membership = Router::new(membership_config);
        membership.enable_as_non_querier(now);
        state.ports.insert(
            port,
            PortState {
                config,
                up: true,
                membership,
                learned: 0,
                tracked_hosts: 0,
            },
        );
        self.dirty_vlans.insert(vlan);
        self.query_port(vlan, port);
        self.flush();
    }

    /// A port came up in a VLAN the switch queries: one General Query on it at once, so its
    /// hosts report without waiting for the next round (RFC 4541 §2.1.1 (4)). It has the
    /// querier's version and values, never an older version than the querier runs.
    fn query_port(&mut self, vlan: VlanId, port: PortId) {
        let Some(querier) = self.querier_router(vlan).filter(|q| q.is_querier()) else {
            return;
        };
        let config = querier.config();
        let version = config.version.max(F::OLDEST_VERSION);
        let query = Message::Query(Query {
            version,
            group: F::UNSPECIFIED,
            max_response_time: if version == Version::V1 {
                Duration::ZERO
            } else {
                config.query_response_interval
            },
            suppress_router_side_processing: false,
            robustness: if querier.robustness() > 7 {
                0
            } else {
                querier.robustness()
            },
            query_interval: querier.query_interval(),
            sources: Vec::new(),
        });
        let (source, mtu) = (config.address, config.mtu);
        let Ok(packets) = encode::<F>(&query, source, F::ALL_SYSTEMS, mtu) else {
            return;
        };
        for payload in packets {
            self.transmits.push_back(SnoopTransmit {
                vlan,
                ports: core::iter::once(port).collect(),
                transmit: Transmit {
                    source,
                    destination: F::ALL_SYSTEMS,
                    payload,
                },
            });
        }
    }

    /// Changes the configuration of `port` in `vlan`.
    pub fn configure_port(&mut self, vlan: VlanId, port: PortId, config: PortConfig) {
        if let Some(state) = self.port_mut(vlan, port) {
            state.config = config;
        }
        if !config.fast_leave {
            self.forget_tracking(vlan, port, None);
        }
        self.dirty_vlans.insert(vlan);
        self.flush();
    }

    /// Removes `port` from `vlan`: its memberships and learned router port end.
    pub fn remove_port(&mut self, now: T, vlan: VlanId, port: PortId) {
        self.set_port_up(now, vlan, port, false);
        if let Some(state) = self.vlans.get_mut(&vlan) {
            state.ports.remove(&port);
        }
        self.timers.cancel(&SnoopTimer::Membership(vlan, port));
        self.dirty_vlans.insert(vlan);
        self.flush();
    }

    /// A port went up or down (its link, or Spanning Tree). Down, it forwards nothing and its
    /// memberships and learned router port reasons are forgotten (its hosts report again once
    /// it is up: RFC 4541 §2.1.1 (4)). Up again, it starts with no membership.
    pub fn set_port_up(&mut self, now: T, vlan: VlanId, port: PortId, up: bool) {
        let Some(state) = self.port_mut(vlan, port) else {
            return;
        };
        if state.up == up {
            return;
        }
        state.up = up;
        if up {
            state.membership.enable_as_non_querier(now);
            self.query_port(vlan, port);
        } else {
            state.membership.disable();
            state.learned = 0;
            for reason in [
                RouterPortReason::Query,
                RouterPortReason::PimHello,
                RouterPortReason::RouterAdvertisement,
                RouterPortReason::DvmrpProbe,
            ] {
                self.timers
                    .cancel(&SnoopTimer::RouterPort(vlan, port, reason));
            }
            self.forget_tracking(vlan, port, None);
            // Nothing queued goes out of a port that is down.
            for t in &mut self.transmits {
                if t.vlan == vlan {
                    t.ports.remove(port);
                }
            }
            self.transmits.retain(|t| !t.ports.is_empty());
        }
        self.after_membership(vlan, port);
        self.dirty_vlans.insert(vlan);
        self.flush();
    }

    /// Replaces the switch configuration. Existing membership routers and queriers keep
    /// theirs; ports and VLANs added later use it.
    pub fn configure(&mut self, config: SnoopConfig<F>) {
        self.config = config;
        self.update_full();
    }

    // ----- Inputs ---------------------------------------------------------------------------

    /// Handles a frame received on `ingress` in `vlan`, and returns the ports to forward it to.
    ///
    /// Control messages update the state first: Queries, Reports, Leaves and Dones (parsed and
    /// checksum-verified by the codec) the memberships and the router ports, PIM Hellos, MRD
    /// messages and DVMRP Probes the router ports. Where it goes (RFC 4541 §2.1.1, §2.1.2):
    /// - Reports, Leaves and Dones: router ports only;
    /// - Queries, MRD, DVMRP, PIM Hellos and unrecognized IGMP messages: every port (all of them
    ///   are sent to link-scope groups);
    /// - a control message that does not parse: nowhere (counted);
    /// - data (anything else, Neighbor Discovery included): [`Switch::ports_for`].
    ///
    /// The ingress port is never in the set; a frame from a port that is down or unknown goes
    /// nowhere.
    pub fn handle_frame(
        &mut self,
        now: T,
        vlan: VlanId,
        ingress: PortId,
        frame: &Frame<'_, F::Addr>,
    ) -> PortSet {
        self.stats.frames = self.stats.frames.saturating_add(1);
        if !self.port(vlan, ingress).is_some_and(|p| p.up) {
            self.stats.unknown_port_frames = self.stats.unknown_port_frames.saturating_add(1);
            return PortSet::new();
        }
        let Ok(control) = F::classify(frame) else {
            self.stats.bad_frames = self.stats.bad_frames.saturating_add(1);
            return PortSet::new();
        };
        let out = match control {
            Control::Data => {
                return self.ports_for(vlan, frame.source, frame.destination, Some(ingress));
            }
            Control::Membership(Received::Query(fields, sources)) => {
                self.stats.queries = self.stats.queries.saturating_add(1);
                if frame.source != F::UNSPECIFIED && F::is_valid_query_source(&frame.source) {
                    let lifetime = self.router_port_timeout();
                    self.learn_router_port(
                        now,
                        vlan,
                        ingress,
                        RouterPortReason::Query,
                        Some(lifetime),
                    );
                }
                self.on_query(now, vlan, frame.source, &Received::Query(fields, sources));
                self.all_ports(vlan, Some(ingress))
            }
            Control::Membership(received) => {
                self.stats.reports = self.stats.reports.saturating_add(1);
                self.on_report(now, vlan, ingress, frame.source, &received);
                self.router_ports_except(vlan, Some(ingress))
            }
            Control::RouterAdvertisement { interval } => {
                let lifetime = interval.saturating_mul(3);
                self.learn_router_port(
                    now,
                    vlan,
                    ingress,
                    RouterPortReason::RouterAdvertisement,
                    Some(lifetime),
                );
                self.all_ports(vlan, Some(ingress))
            }
            Control::RouterTermination => {
                self.unlearn_router_port(vlan, ingress, RouterPortReason::RouterAdvertisement);
                self.all_ports(vlan, Some(ingress))
            }
            Control::DvmrpProbe => {
                self.learn_router_port(
                    now,
                    vlan,
                    ingress,
                    RouterPortReason::DvmrpProbe,
                    Some(DVMRP_NEIGHBOR_TIMEOUT),
                );
                self.all_ports(vlan, Some(ingress))
            }
            Control::PimHello { holdtime } => {
                if holdtime == Some(Duration::ZERO) {
                    // RFC 7761 §4.3.1: a Holdtime of zero, the neighbor is going away.
                    self.unlearn_router_port(vlan, ingress, RouterPortReason::PimHello);
                } else {
                    self.learn_router_port(
                        now,
                        vlan,
                        ingress,
                        RouterPortReason::PimHello,
                        holdtime,
                    );
                }
                self.all_ports(vlan, Some(ingress))
            }
            Control::RouterSolicitation | Control::OtherGroupManagement => {
                self.all_ports(vlan, Some(ingress))
            }
        };
        self.flush();
        out
    }

    /// Fires every timer due at `now`, and leaves none due behind.
    pub fn handle_timeout(&mut self, now: T) {
        while let Some((timer, _)) = self.timers.pop_expired(now) {
            match timer {
                SnoopTimer::Membership(vlan, port) => {
                    if let Some(state) = self.port_mut(vlan, port) {
                        state.membership.handle_timeout(now);
                    }
                    self.after_membership(vlan, port);
                }
                SnoopTimer::Querier(vlan) => {
                    if let Some(querier) =
                        self.vlans.get_mut(&vlan).and_then(|v| v.querier.as_mut())
                    {
                        querier.handle_timeout(now);
                    }
                    self.after_querier(now, vlan);
                }
                SnoopTimer::RouterPort(vlan, port, reason) => {
                    if let Some(state) = self.port_mut(vlan, port) {
                        state.learned &= !reason.bit();
                    }
                    self.dirty_vlans.insert(vlan);
                }
                SnoopTimer::TrackedHost(vlan, port, group, host) => {
                    self.untrack(vlan, port, group, host);
                }
                SnoopTimer::Flooding(vlan, group) => {
                    if self
                        .entries
                        .get(&(vlan, group))
                        .is_some_and(|e| e.state == EntryState::Flooding)
                    {
                        self.remove_entry(vlan, group);
                    }
                }
                SnoopTimer::Learning(vlan, group) => {
                    if let Some(entry) = self.entries.get_mut(&(vlan, group))
                        && entry.state == EntryState::Learning
                    {
                        entry.state = EntryState::Snooped;
                        self.events.push_back(SnoopEvent::Flooding {
                            vlan,
                            group,
                            flooding: false,
                        });
                        self.dirty.insert((vlan, group));
                    }
                }
            }
        }
        self.flush();
    }

    // ----- Outputs --------------------------------------------------------------------------

    /// The next query to send, if any.
    pub fn poll_transmit(&mut self) -> Option<SnoopTransmit<F>> {
        self.transmits.pop_front()
    }

    /// The next forwarding table change, if any.
    pub fn poll_event(&mut self) -> Option<SnoopEvent<F::Addr>> {
        self.events.pop_front()
    }

    /// When [`Switch::handle_timeout`] must be called next, if ever.
    #[must_use]
    pub fn poll_timeout(&self) -> Option<T> {
        self.timers.next_deadline()
    }

    // ----- Queries of the state -------------------------------------------------------------

    /// The ports a packet from `source` to `group`, received on `ingress` in `vlan`, is
    /// forwarded to (RFC 4541 §2.1.2, §3): see [`SnoopEvent`] for the rule; a destination that
    /// is not multicast is flooded, as bridging does (§2.1.2 (4)). A pure function of
    /// the state; the events describe it.
    #[must_use]
    pub fn ports_for(
        &self,
        vlan: VlanId,
        source: F::Addr,
        group: F::Addr,
        ingress: Option<PortId>,
    ) -> PortSet {
        let Some(state) = self.vlans.get(&vlan) else {
            return PortSet::new();
        };
        if F::is_flooded_group(&group) || !F::is_multicast(&group) {
            return self.all_ports(vlan, ingress);
        }
        let Some(entry) = self.entries.get(&(vlan, group)) else {
            return self.unregistered_ports(vlan, ingress);
        };
        if entry.state != EntryState::Snooped {
            return self.all_ports(vlan, ingress);
        }
        let mut ports: Vec<PortId> = Vec::with_capacity(entry.members.len());
        for port in entry.members.iter() {
            if state
                .ports
                .get(&port)
                .is_some_and(|p| p.up && p.membership.should_forward(source, group))
            {
                ports.push(port);
            }
        }
        // The router ports, as the last flush computed them at the end of the last call.
        let mut set = PortSet(ports);
        set.extend_from(&state.router_ports);
        if let Some(ingress) = ingress {
            set.remove(ingress);
        }
        set
    }

    /// The router ports of `vlan`.
    #[must_use]
    pub fn router_ports(&self, vlan: VlanId) -> PortSet {
        self.router_ports_except(vlan, None)
    }

    /// Why `port` is a router port in `vlan` (learned reasons; see also
    /// [`PortConfig::static_router_port`]).
    pub fn router_port_reasons(
        &self,
        vlan: VlanId,
        port: PortId,
    ) -> impl Iterator<Item = RouterPortReason> + '_ {
        let learned = self.port(vlan, port).map_or(0, |p| p.learned);
        [
            RouterPortReason::Query,
            RouterPortReason::PimHello,
            RouterPortReason::RouterAdvertisement,
            RouterPortReason::DvmrpProbe,
        ]
        .into_iter()
        .filter(move |r| learned & r.bit() != 0)
    }

    /// The ports of `vlan` with a membership record of `group`.
    #[must_use]
    pub fn member_ports(&self, vlan: VlanId, group: F::Addr) -> PortSet {
        self.entries
            .get(&(vlan, group))
            .map(|e| e.members.clone())
            .unwrap_or_default()
    }

    /// The membership router of `port` in `vlan`: its group records, filter modes, sources,
    /// compatibility modes and timers, as [`Router`] shows them.
    #[must_use]
    pub fn membership(&self, vlan: VlanId, port: PortId) -> Option<&Router<F, T>> {
        self.port(vlan, port).map(|p| &p.membership)
    }

    /// The querier router of `vlan`, if the switch takes part in its election.
    #[must_use]
    pub fn querier_router(&self, vlan: VlanId) -> Option<&Router<F, T>> {
        self.vlans.get(&vlan)?.querier.as_ref()
    }

    /// Whether the switch is the querier of `vlan`.
    #[must_use]
    pub fn is_querier(&self, vlan: VlanId) -> bool {
        self.querier_router(vlan).is_some_and(Router::is_querier)
    }

    /// Whether `group` is flooded in `vlan` because the table was full (or still learning its
    /// members after it was taken back).
    #[must_use]
    pub fn is_flooding(&self, vlan: VlanId, group: F::Addr) -> bool {
        self.entries
            .get(&(vlan, group))
            .is_some_and(|e| e.state != EntryState::Snooped)
    }

    /// Number of (VLAN, group) entries snooped.
    #[must_use]
    pub fn snooped_groups(&self) -> usize {
        self.snooped
    }

    /// Number of (VLAN, group) entries flooded because the table was full.
    #[must_use]
    pub fn flooded_groups(&self) -> usize {
        self.flooded
    }

    /// The hosts tracked for fast leave on `port` for `group`.
    pub fn tracked_hosts(
        &self,
        vlan: VlanId,
        port: PortId,
        group: F::Addr,
    ) -> impl Iterator<Item = F::Addr> + '_ {
        self.tracked
            .get(&(vlan, port, group))
            .into_iter()
            .flat_map(|t| t.hosts.iter().copied())
    }

    /// The counters.
    #[must_use]
    pub fn stats(&self) -> &SnoopStats {
        &self.stats
    }

    /// The configuration.
    #[must_use]
    pub fn config(&self) -> &SnoopConfig<F> {
        &self.config
    }

    // ----- Ports ----------------------------------------------------------------------------

    fn port(&self, vlan: VlanId, port: PortId) -> Option<&PortState<F, T>> {
        self.vlans.get(&vlan)?.ports.get(&port)
    }

    fn port_mut(&mut self, vlan: VlanId, port: PortId) -> Option<&mut PortState<F, T>> {
        self.vlans.get_mut(&vlan)?.ports.get_mut(&port)
    }

    fn all_ports(&self, vlan: VlanId, except: Option<PortId>) -> PortSet {
        let Some(state) = self.vlans.get(&vlan) else {
            return PortSet::new();
        };
        PortSet(
            state
                .ports
                .iter()
                .filter(|(port, p)| p.up && Some(**port) != except)
                .map(|(port, _)| *port)
                .collect(),
        )
    }

    fn router_ports_except(&self, vlan: VlanId, except: Option<PortId>) -> PortSet {
        let Some(state) = self.vlans.get(&vlan) else {
            return PortSet::new();
        };
        PortSet(
            state
                .ports
                .iter()
                .filter(|(port, p)| p.is_router_port() && Some(**port) != except)
                .map(|(port, _)| *port)
                .collect(),
        )
    }

    fn unregistered_ports(&self, vlan: VlanId, except: Option<PortId>) -> PortSet {
        match self.config.unregistered {
            Unregistered::Flood => self.all_ports(vlan, except),
            Unregistered::RouterPorts => {
                let Some(state) = self.vlans.get(&vlan) else {
                    return PortSet::new();
                };
                PortSet(
                    state
                        .ports
                        .iter()
                        .filter(|(port, p)| {
                            (p.is_router_port() || (p.up && p.config.flood_unregistered))
                                && Some(**port) != except
                        })
                        .map(|(port, _)| *port)
                        .collect(),
                )
            }
        }
    }

    fn router_port_timeout(&self) -> Duration {
        self.config.router_port_timeout.unwrap_or_else(|| {
            let c = &self.config.membership;
            c.query_interval
                .saturating_mul(u32::from(c.robustness.max(1)))
                .saturating_add(c.query_response_interval.checked_div(2).unwrap_or_default())
        })
    }

    /// `reason` makes `port` a router port for `lifetime` (`None`: until told otherwise).
    fn learn_router_port(
        &mut self,
        now: T,
        vlan: VlanId,
        port: PortId,
        reason: RouterPortReason,
        lifetime: Option<Duration>,
    ) {
        let Some(state) = self.port_mut(vlan, port) else {
            return;
        };
        state.learned |= reason.bit();
        let key = SnoopTimer::RouterPort(vlan, port, reason);
        match lifetime {
            Some(lifetime) => {
                self.timers
                    .schedule_after(key, now, lifetime.max(MIN_TIMER));
            }
            None => {
                self.timers.cancel(&key);
            }
        }
        self.dirty_vlans.insert(vlan);
    }

    fn unlearn_router_port(&mut self, vlan: VlanId, port: PortId, reason: RouterPortReason) {
        if let Some(state) = self.port_mut(vlan, port) {
            state.learned &= !reason.bit();
        }
        self.timers
            .cancel(&SnoopTimer::RouterPort(vlan, port, reason));
        self.dirty_vlans.insert(vlan);
    }

    // ----- Membership -----------------------------------------------------------------------

    /// A Query (the LAN's, or the switch's own): the querier election, and every port's
    /// membership router, whose timers a specific Query lowers (§6.6.1) and which adopt the
    /// querier's QRV and QQI.
    fn on_query(&mut self, now: T, vlan: VlanId, source: F::Addr, query: &Received<'_, F>) {
        for port in self.query_targets(vlan, query) {
            if let Some(p) = self.port_mut(vlan, port) {
                p.membership.handle_received(now, source, query.clone());
            }
            self.after_membership(vlan, port);
        }
        if let Some(querier) = self.vlans.get_mut(&vlan).and_then(|v| v.querier.as_mut()) {
            querier.handle_received(now, source, query.clone());
            self.after_querier(now, vlan);
        }
    }

    /// The ports whose membership routers a Query concerns: every port for a General Query
    /// (the election, QRV and QQI), the group's member ports for a specific one (§6.6.1 lowers
    /// only records that exist).
    fn query_targets(&self, vlan: VlanId, query: &Received<'_, F>) -> Vec<PortId> {
        match query {
            Received::Query(fields, _) if fields.group != F::UNSPECIFIED => self
                .entries
                .get(&(vlan, fields.group))
                .map(|e| e.members.iter().collect())
                .unwrap_or_default(),
            _ => self
                .vlans
                .get(&vlan)
                .map(|v| v.ports.keys().copied().collect())
                .unwrap_or_default(),
        }
    }

    /// A Report, Leave or Done from `host` on `port`.
    fn on_report(
        &mut self,
        now: T,
        vlan: VlanId,
        port: PortId,
        host: F::Addr,
        received: &Received<'_, F>,
    ) {
        match received {
            Received::Report { group, .. } => {
                self.on_record(now, vlan, port, host, *group, true, false, |router, now| {
                    router.handle_received(now, host, received.clone());
                });
            }
            Received::Leave { group } => {
                self.on_record(now, vlan, port, host, *group, false, true, |router, now| {
                    router.handle_received(now, host, received.clone());
                });
            }
            Received::ReportV3(records) => {
                for record in records.clone() {
                    let record_type = record.record_type();
                    let has_sources = record.number_of_sources() > 0;
                    let group = record.multicast_address();
                    self.on_record(
                        now,
                        vlan,
                        port,
                        host,
                        group,
                        is_join(record_type, has_sources),
                        is_leave(record_type, has_sources),
                        |router, now| {
                            router.handle_group_record(now, record_type, group, record.sources());
                        },
                    );
                }
            }
            Received::Query(..) | Received::Other => {}
        }
    }

    /// One membership record of `group` from `host` on `port`: admission to the table, fast
    /// leave, then the port's and the querier's routers (`apply` feeds one of them).
    #[allow(clippy::too_many_arguments)]
    fn on_record(
        &mut self,
        now: T,
        vlan: VlanId,
        port: PortId,
        host: F::Addr,
        group: F::Addr,
        join: bool,
        leave: bool,
        apply: impl Fn(&mut Router<F, T>, T),
    ) {
        if F::is_flooded_group(&group) || !F::is_multicast(&group) {
            return;
        }
        // The querier sees every record, whatever the table: it only sends queries from it.
        if let Some(querier) = self.vlans.get_mut(&vlan).and_then(|v| v.querier.as_mut()) {
            apply(querier, now);
            self.after_querier(now, vlan);
        }
        if !self.admit(now, vlan, group, join) {
            return;
        }
        let fast_leave = self.port(vlan, port).is_some_and(|p| p.config.fast_leave);
        if fast_leave {
            if join {
                self.track(now, vlan, port, group, host);
            } else if leave && self.untrack(vlan, port, group, host) {
                if let Some(p) = self.port_mut(vlan, port) {
                    p.membership.remove_group(group);
                }
                self.stats.fast_leaves = self.stats.fast_leaves.saturating_add(1);
                self.after_membership(vlan, port);
                return;
            }
        }
        if let Some(p) = self.port_mut(vlan, port) {
            apply(&mut p.membership, now);
        }
        // The router's events mark what changed: a refresh, the steady state, costs no
        // recomputation of the entry.
        self.after_membership(vlan, port);
    }

    /// Whether a record of `group` goes to the membership routers: the table's admission of a
    /// new group, with the degradation of a full table.
    fn admit(&mut self, now: T, vlan: VlanId, group: F::Addr, join: bool) -> bool {
        let group_membership_interval = self.group_membership_interval();
        match self.entries.get_mut(&(vlan, group)).map(|e| e.state) {
            Some(EntryState::Snooped | EntryState::Learning) => true,
            Some(EntryState::Flooding) => {
                if !join {
                    return false;
                }
                self.timers.schedule_after(
                    SnoopTimer::Flooding(vlan, group),
                    now,
                    group_membership_interval,
                );
                if self.full {
                    return false;
                }
                // Taken back: snooped from now on, flooded until every member has answered a
                // General Query.
                if let Some(entry) = self.entries.get_mut(&(vlan, group)) {
                    entry.state = EntryState::Learning;
                }
                self.flooded = self.flooded.saturating_sub(1);
                self.snooped = self.snooped.saturating_add(1);
                self.timers.cancel(&SnoopTimer::Flooding(vlan, group));
                let c = &self.config.membership;
                let learning = c.query_interval.saturating_add(c.query_response_interval);
                self.timers.schedule_after(
                    SnoopTimer::Learning(vlan, group),
                    now,
                    learning.max(MIN_TIMER),
                );
                self.update_full();
                true
            }
            None => {
                if !join {
                    return false;
                }
                if self.snooped >= self.config.max_groups {
                    self.full = true;
                }
                if !self.full {
                    // Marked, so that an entry no router took (an ignored record) is deleted.
                    self.dirty.insert((vlan, group));
                    self.entries.insert(
                        (vlan, group),
                        GroupEntry {
                            state: EntryState::Snooped,
                            members: PortSet::new(),
                            announced: None,
                        },
                    );
                    self.snooped = self.snooped.saturating_add(1);
                    self.update_full();
                    return true;
                }
                if self.flooded >= self.config.max_flooded_groups {
                    self.stats.dropped_groups = self.stats.dropped_groups.saturating_add(1);
                    return false;
                }
                self.entries.insert(
                    (vlan, group),
                    GroupEntry {
                        state: EntryState::Flooding,
                        members: PortSet::new(),
                        announced: None,
                    },
                );
                self.flooded = self.flooded.saturating_add(1);
                self.stats.groups_flooded = self.stats.groups_flooded.saturating_add(1);
                self.events.push_back(SnoopEvent::Flooding {
                    vlan,
                    group,
                    flooding: true,
                });
                self.timers.schedule_after(
                    SnoopTimer::Flooding(vlan, group),
                    now,
                    group_membership_interval,
                );
                false
            }
        }
    }

    /// Sets or clears the full latch from the snooped count: set at the limit, cleared at the
    /// low-water mark.
    fn update_full(&mut self) {
        if self.snooped >= self.config.max_groups {
            self.full = true;
        } else if self.snooped <= self.config.groups_low_water {
            self.full = false;
        }
    }

    fn group_membership_interval(&self) -> Duration {
        let c = &self.config.membership;
        c.query_interval
            .saturating_mul(u32::from(c.robustness.max(1)))
            .saturating_add(c.query_response_interval.saturating_mul(2))
            .max(MIN_TIMER)
    }

    fn track(&mut self, now: T, vlan: VlanId, port: PortId, group: F::Addr, host: F::Addr) {
        let limit = self.config.max_hosts_per_port;
        let interval = self.group_membership_interval();
        let count = self.port(vlan, port).map_or(0, |p| p.tracked_hosts);
        let tracked = self
            .tracked
            .entry((vlan, port, group))
            .or_insert_with(|| Tracked {
                hosts: BTreeSet::new(),
                incomplete: false,
            });
        if tracked.hosts.contains(&host) {
            self.timers.schedule_after(
                SnoopTimer::TrackedHost(vlan, port, group, host),
                now,
                interval,
            );
            return;
        }
        if host == F::UNSPECIFIED || count >= limit {
            tracked.incomplete = true;
            self.stats.untracked_hosts = self.stats.untracked_hosts.saturating_add(1);
            return;
        }
        tracked.hosts.insert(host);
        if let Some(p) = self.port_mut(vlan, port) {
            p.tracked_hosts = p.tracked_hosts.saturating_add(1);
        }
        self.timers.schedule_after(
            SnoopTimer::TrackedHost(vlan, port, group, host),
            now,
            interval,
        );
    }

    /// Forgets a tracked host; true if it was the last one of a group tracked completely (fast
    /// leave applies).
    fn untrack(&mut self, vlan: VlanId, port: PortId, group: F::Addr, host: F::Addr) -> bool {
        let Some(tracked) = self.tracked.get_mut(&(vlan, port, group)) else {
            return false;
        };
        if !tracked.hosts.remove(&host) {
            return false;
        }
        let last = tracked.hosts.is_empty() && !tracked.incomplete;
        if tracked.hosts.is_empty() && !tracked.incomplete {
            self.tracked.remove(&(vlan, port, group));
        }
        self.timers
            .cancel(&SnoopTimer::TrackedHost(vlan, port, group, host));
        if let Some(p) = self.port_mut(vlan, port) {
            p.tracked_hosts = p.tracked_hosts.saturating_sub(1);
        }
        last
    }

    /// Forgets the hosts tracked on `port` for `group`, or for every group.
    fn forget_tracking(&mut self, vlan: VlanId, port: PortId, group: Option<F::Addr>) {
        let keys: Vec<(VlanId, PortId, F::Addr)> = match group {
            Some(group) => self
                .tracked
                .contains_key(&(vlan, port, group))
                .then_some((vlan, port, group))
                .into_iter()
                .collect(),
            None => self
                .tracked
                .range((vlan, port, F::UNSPECIFIED)..)
                .take_while(|((v, p, _), _)| (*v, *p) == (vlan, port))
                .map(|(k, _)| *k)
                .collect(),
        };
        for key in keys {
            if let Some(tracked) = self.tracked.remove(&key) {
                let (v, p, g) = key;
                for host in &tracked.hosts {
                    self.timers.cancel(&SnoopTimer::TrackedHost(v, p, g, *host));
                }
                if let Some(state) = self.port_mut(v, p) {
                    state.tracked_hosts = state.tracked_hosts.saturating_sub(tracked.hosts.len());
                }
            }
        }
    }

    /// After a call into the membership router of `port`: its events update the entries' member
    /// sets, and its next deadline goes into the switch's timers.
    fn after_membership(&mut self, vlan: VlanId, port: PortId) {
        let mut events = core::mem::take(&mut self.scratch);
        let deadline = match self.port_mut(vlan, port) {
            Some(p) => {
                while let Some(event) = p.membership.poll_event() {
                    events.push(event);
                }
                // The membership router never sends; drop anything queued all the same.
                while p.membership.poll_transmit().is_some() {}
                p.membership.poll_timeout()
            }
            None => None,
        };
        let key = SnoopTimer::Membership(vlan, port);
        match deadline {
            Some(at) => {
                self.timers.schedule(key, at);
            }
            None => {
                self.timers.cancel(&key);
            }
        }
        for event in events.drain(..) {
            match event {
                RouterEvent::FilterModeChanged { group, mode } => {
                    if let Some(entry) = self.entries.get_mut(&(vlan, group)) {
                        if mode.is_some() {
                            entry.members.insert(port);
                        } else {
                            entry.members.remove(port);
                        }
                    }
                    if mode.is_none() {
                        self.forget_tracking(vlan, port, Some(group));
                    }
                    self.dirty.insert((vlan, group));
                }
                RouterEvent::SourceForwardingChanged { group, .. } => {
                    self.dirty.insert((vlan, group));
                }
                RouterEvent::QuerierChanged { .. }
                | RouterEvent::CompatibilityModeChanged { .. } => {}
            }
        }
        self.scratch = events;
    }

    /// After a call into the querier of `vlan`: its queries go out on every port and to every
    /// port's membership router; its querier changes become events.
    fn after_querier(&mut self, now: T, vlan: VlanId) {
        let mut sent = Vec::new();
        let mut querier_changes = Vec::new();
        let deadline = match self.vlans.get_mut(&vlan).and_then(|v| v.querier.as_mut()) {
            Some(querier) => {
                while let Some(t) = querier.poll_transmit() {
                    sent.push(t);
                }
                while let Some(event) = querier.poll_event() {
                    if let RouterEvent::QuerierChanged { querier } = event {
                        querier_changes.push(querier);
                    }
                }
                querier.poll_timeout()
            }
            None => None,
        };
        match deadline {
            Some(at) => {
                self.timers.schedule(SnoopTimer::Querier(vlan), at);
            }
            None => {
                self.timers.cancel(&SnoopTimer::Querier(vlan));
            }
        }
        for querier in querier_changes {
            self.events
                .push_back(SnoopEvent::QuerierChanged { vlan, querier });
        }
        for transmit in sent {
            let ports = self.all_ports(vlan, None);
            if let Ok(received) = F::parse(&transmit.payload, transmit.source, transmit.destination)
            {
                for port in self.query_targets(vlan, &received) {
                    if let Some(p) = self.port_mut(vlan, port) {
                        p.membership
                            .handle_received(now, transmit.source, received.clone());
                    }
                    self.after_membership(vlan, port);
                }
            }
            self.transmits.push_back(SnoopTransmit {
                vlan,
                ports,
                transmit,
            });
        }
    }

    /// Deletes an entry, announcing it.
    fn remove_entry(&mut self, vlan: VlanId, group: F::Addr) {
        let Some(entry) = self.entries.remove(&(vlan, group)) else {
            return;
        };
        match entry.state {
            EntryState::Snooped => self.snooped = self.snooped.saturating_sub(1),
            EntryState::Learning => {
                self.snooped = self.snooped.saturating_sub(1);
                self.timers.cancel(&SnoopTimer::Learning(vlan, group));
                self.events.push_back(SnoopEvent::Flooding {
                    vlan,
                    group,
                    flooding: false,
                });
            }
            EntryState::Flooding => {
                self.flooded = self.flooded.saturating_sub(1);
                self.timers.cancel(&SnoopTimer::Flooding(vlan, group));
                self.events.push_back(SnoopEvent::Flooding {
                    vlan,
                    group,
                    flooding: false,
                });
            }
        }
        if entry.announced.is_some() {
            self.events.push_back(SnoopEvent::Group {
                vlan,
                group,
                ports: None,
            });
        }
        self.update_full();
    }

    /// Announces what changed: router ports of the dirty VLANs, then each dirty entry's ports,
    /// recomputed from the membership routers, and the deletion of entries with no member left.
    fn flush(&mut self) {
        for vlan in core::mem::take(&mut self.dirty_vlans) {
            let ports = self.router_ports(vlan);
            if let Some(state) = self.vlans.get_mut(&vlan)
                && state.router_ports != ports
            {
                state.router_ports = ports.clone();
                self.events
                    .push_back(SnoopEvent::RouterPorts { vlan, ports });
            }
        }
        for (vlan, group) in core::mem::take(&mut self.dirty) {
            self.announce(vlan, group);
        }
    }

    fn announce(&mut self, vlan: VlanId, group: F::Addr) {
        let Some(entry) = self.entries.get(&(vlan, group)) else {
            return;
        };
        if entry.state == EntryState::Flooding {
            return;
        }
        if entry.members.is_empty() && entry.state == EntryState::Snooped {
            self.remove_entry(vlan, group);
            return;
        }
        let Some(state) = self.vlans.get(&vlan) else {
            return;
        };
        // The group's ports: members in EXCLUDE mode forward every source they do not list.
        let mut default = PortSet::new();
        let mut listed: BTreeSet<F::Addr> = BTreeSet::new();
        for port in entry.members.iter() {
            let Some(p) = state.ports.get(&port).filter(|p| p.up) else {
                continue;
            };
            if p.membership.filter_mode(group) == Some(FilterMode::Exclude) {
                default.insert(port);
            }
            listed.extend(p.membership.sources(group).map(|(s, _)| s));
        }
        let mut sources: BTreeMap<F::Addr, PortSet> = BTreeMap::new();
        for source in listed {
            let set: PortSet = entry
                .members
                .iter()
                .filter(|port| {
                    state
                        .ports
                        .get(port)
                        .is_some_and(|p| p.up && p.membership.should_forward(source, group))
                })
                .collect();
            if set != default {
                sources.insert(source, set);
            }
        }
        let (old_default, old_sources) = self
            .entries
            .get_mut(&(vlan, group))
            .and_then(|e| e.announced.take())
            .map_or((None, BTreeMap::new()), |(d, s)| (Some(d), s));
        if old_default.as_ref() != Some(&default) {
            self.events.push_back(SnoopEvent::Group {
                vlan,
                group,
                ports: Some(default.clone()),
            });
        }
        for (source, old) in &old_sources {
            if !sources.contains_key(source) {
                self.events.push_back(SnoopEvent::Source {
                    vlan,
                    group,
                    source: *source,
                    ports: None,
                });
            } else if sources.get(source) != Some(old) {
                self.events.push_back(SnoopEvent::Source {
                    vlan,
                    group,
                    source: *source,
                    ports: sources.get(source).cloned(),
                });
            }
        }
        for (source, set) in &sources {
            if !old_sources.contains_key(source) {
                self.events.push_back(SnoopEvent::Source {
                    vlan,
                    group,
                    source: *source,
                    ports: Some(set.clone()),
                });
            }
        }
        if let Some(entry) = self.entries.get_mut(&(vlan, group)) {
            entry.announced = Some((default, sources));
        }
    }
}

/// The all-ones address of the family.
fn all_ones<F: Gmp>() -> F::Octets {
    let mut octets = F::to_octets(F::UNSPECIFIED);
    for byte in octets.as_mut() {
        *byte = 0xff;
    }
    octets
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn joins_and_leaves_by_meaning() {
        assert!(is_join(RecordType::ModeIsExclude, false));
        assert!(is_join(RecordType::AllowNewSources, true));
        assert!(!is_join(RecordType::AllowNewSources, false));
        assert!(!is_join(RecordType::BlockOldSources, true));
        assert!(is_leave(RecordType::ChangeToIncludeMode, false));
        assert!(!is_leave(RecordType::ChangeToIncludeMode, true));
        assert!(!is_leave(RecordType::BlockOldSources, true));
    }
}
