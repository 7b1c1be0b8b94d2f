//! The multicast router side: RFC 3376/9776 §6 and §7.3 (IGMPv3), RFC 2236 (IGMPv2),
//! RFC 3810 §7 and §8.3 (MLDv2), RFC 4604 (SSM), for one interface.
//!
//! A [`Router`] elects the querier, sends General Queries, keeps a group record per group with
//! listeners (filter mode, Group Timer, Source Timers, compatibility mode), sends the specific
//! queries the state tables call for, and tells the forwarding plane which (source, group)
//! traffic to forward on the interface: ask [`Router::should_forward`] at any time, and drain
//! [`Router::poll_event`] to learn when an answer changed.

mod group;

use alloc::boxed::Box;
use alloc::collections::btree_map::Entry;
use alloc::collections::{BTreeMap, VecDeque};
use alloc::vec::Vec;
use core::time::Duration;

use mcast_addr::time::Timestamp;
use mcast_addr::timer::TimerMap;

use self::group::{Context, GroupRecord, arm, stop};
use crate::Error;
use crate::gmp::codec::{QueryFields, Received};
use crate::gmp::{
    Expiry, FilterMode, Gmp, Message, Query, RecordType, RouterConfig, Transmit, Version,
    queue_transmits,
};

/// The timers of a router interface, each named as the RFC names it. Each key has at most one
/// deadline.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum RouterTimer<A> {
    /// When the querier sends its next General Query: every Query Interval, or every Startup
    /// Query Interval while startup queries remain (RFC 3376/9776 §6.6.2, §8.2, §8.6).
    GeneralQuery,
    /// The Other Querier Present timer (§6.6.2, §8.5): while it runs, another router is querier.
    OtherQuerierPresent,
    /// The Group Timer of a group in EXCLUDE mode (§6.2.1, §6.5).
    GroupTimer(A),
    /// The Source Timer of (group, source) (§6.2.1, §6.3).
    SourceTimer(A, A),
    /// The IGMPv1-Host-Present or IGMPv2-Host-Present (MLDv1-Host-Present) timer of a group
    /// (§7.3.2, RFC 3810 §8.3.2).
    OlderHostPresent(A, Version),
    /// The next retransmission of the Group-Specific and Group-and-Source-Specific Queries of a
    /// group, every Last Member Query Interval (§6.6.3).
    QueryRetransmission(A),
}

/// Something the forwarding plane or the operator wants to know.
///
/// The forwarding events describe [`Router::should_forward`] exactly: a consumer that keeps, per
/// group, a filter mode and a set of sources, and applies the events in order, answers every
/// (source, group) question as the router does (§6.3 Table 7): in INCLUDE mode a source is
/// forwarded if it is in the set, in EXCLUDE mode if it is not, with no mode nothing is.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum RouterEvent<A> {
    /// The group's filter mode changed; `None` means the group record was deleted (no
    /// listeners). The group's source set is now empty: every source of the group is forwarded
    /// in EXCLUDE mode and none otherwise, until [`RouterEvent::SourceForwardingChanged`]
    /// events say otherwise.
    FilterModeChanged {
        /// The group.
        group: A,
        /// The new filter mode.
        mode: Option<FilterMode>,
    },
    /// Whether traffic from `source` to `group` is forwarded changed to `forward`.
    SourceForwardingChanged {
        /// The group.
        group: A,
        /// The source.
        source: A,
        /// The new answer of [`Router::should_forward`].
        forward: bool,
    },
    /// The querier of the link changed: `querier` is its address (this router's own when it is
    /// the querier) (§6.6.2).
    QuerierChanged {
        /// The querier's address.
        querier: A,
    },
    /// The Group Compatibility Mode of `group` changed (§7.3.2, RFC 3810 §8.3.2).
    CompatibilityModeChanged {
        /// The group.
        group: A,
        /// The new mode.
        version: Version,
    },
}

/// Counters of a router interface.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct RouterStats {
    /// Queries sent.
    pub queries_sent: u64,
    /// Queries received and acted on.
    pub queries_received: u64,
    /// Reports (of any version) and Leave/Done messages received.
    pub reports_received: u64,
    /// Group records processed (a v1/v2 report or leave counts as one).
    pub records_processed: u64,
    /// Messages and records ignored as the RFCs require: a compatibility mode rule (§7.3.2),
    /// the SSM range (RFC 4604), a version 3 report to a router configured for an older
    /// version, a non-multicast group, an invalid Query source.
    pub ignored: u64,
    /// Group records not created because of [`Limits::max_groups`](crate::gmp::Limits).
    pub dropped_groups: u64,
    /// Source records not created because of the source limits.
    pub dropped_sources: u64,
    /// Queries that could not be built (a configured MTU too small for them).
    pub send_errors: u64,
}

/// What a router keeps of one source of a group, as [`Router::sources`] shows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SourceState<T> {
    /// Whether the source's traffic is forwarded (§6.3 Table 7).
    pub forwarded: bool,
    /// When its Source Timer expires; `None` if the timer is at zero (a source of Y) or
    /// expires never (its deadline lies beyond the end of the caller's clock).
    pub expires: Option<T>,
}

/// The querier election state (§6.6.2).
#[derive(Debug, Clone, Copy)]
struct Election<A> {
    /// Whether this router is the querier.
    querier: bool,
    /// The other router that is querier, when this one is not.
    other: Option<A>,
    /// Startup Queries still to send after the next one.
    startup_queries_left: u8,
}

/// The router side of IGMP or MLD on one interface, Sans-IO.
///
/// `F` is [`Ipv4`](mcast_addr::family::Ipv4) for IGMP or [`Ipv6`](mcast_addr::family::Ipv6)
/// for MLD; `T` is the caller's clock. See the crate documentation for the call order.
#[derive(Debug, Clone)]
pub struct Router<F: Gmp, T> {
    config: RouterConfig<F>,
    enabled: bool,
    /// Enabled with [`Router::enable_as_non_querier`]: never the querier, never sends.
    non_querier_only: bool,
    election: Election<F::Addr>,
    /// The Robustness Variable in force: the configured one, or the querier's QRV (§4.1.6).
    robustness: u8,
    /// The Query Interval in force: the configured one, or the querier's QQI (§4.1.7).
    query_interval: Duration,
    /// The group records, boxed: the map's nodes stay small (address and pointer), so its inner
    /// levels stay in cache with 100,000 groups and a lookup touches one record.
    groups: BTreeMap<F::Addr, Box<GroupRecord<F::Addr, T>>>,
    total_sources: usize,
    timers: TimerMap<RouterTimer<F::Addr>, T>,
    transmits: VecDeque<Transmit<F>>,
    events: VecDeque<RouterEvent<F::Addr>>,
    stats: RouterStats,
    /// Reused buffer for the sorted source list of a record.
    scratch: Vec<F::Addr>,
}

/// The shortest period a periodic timer may have, so that a zero interval in the configuration
/// cannot make [`Router::handle_timeout`] loop.
const MIN_PERIOD: Duration = Duration::from_millis(1);

impl<F: Gmp, T: Timestamp> Router<F, T> {
    /// A router interface with configuration `config`, disabled: call [`Router::enable`].
    #[must_use]
    pub fn new(config: RouterConfig<F>) -> Self {
        let robustness = config.robustness.max(1);
        let query_interval = config.query_interval;
        Self {
            config,
            enabled: false,
            non_querier_only: false,
            election: Election {
                querier: false,
                other: None,
                startup_queries_left: 0,
            },
            robustness,
            query_interval,
            groups: BTreeMap::new(),
            total_sources: 0,
            timers: TimerMap::new(),
            transmits: VecDeque::new(),
            events: VecDeque::new(),
            stats: RouterStats::default(),
            scratch: Vec::new(),
        }
    }

    // ----- Commands -------------------------------------------------------------------------

    /// Starts the protocol on the interface: the router becomes querier (every router starts
    /// as querier, §6.6.2), sends a General Query at once and [Startup Query Count] - 1 more
    /// every [Startup Query Interval] (§6.6.2, §8.6, §8.7).
    pub fn enable(&mut self, now: T) {
        if self.enabled {
            return;
        }
        self.enabled = true;
        let count = self
            .config
            .startup_query_count
            .unwrap_or(self.robustness)
            .max(1);
        self.become_querier(now, count.saturating_sub(1));
    }

    /// Starts the protocol as a router that is never the querier and sends nothing: it keeps
    /// the group records of the reports it is given, lowers their timers on the querier's
    /// specific queries (§6.6.1) and adopts the querier's QRV and QQI (§4.1.6, §4.1.7), whatever
    /// the querier's address. This is the Non-Querier state of §6.6.2 made permanent, as a
    /// snooping switch keeps per-port membership (RFC 4541 §2.1.1) and a router that must not
    /// query a link does.
    pub fn enable_as_non_querier(&mut self, now: T) {
        if self.enabled {
            return;
        }
        self.enabled = true;
        self.non_querier_only = true;
        self.election = Election {
            querier: false,
            other: None,
            startup_queries_left: 0,
        };
        let _ = now;
    }

    /// Stops the protocol on the interface and forgets every group; the forwarding plane is
    /// told that nothing is forwarded any more. Pending transmissions are discarded.
    pub fn disable(&mut self) {
        if !self.enabled {
            return;
        }
        self.enabled = false;
        self.non_querier_only = false;
        self.election = Election {
            querier: false,
            other: None,
            startup_queries_left: 0,
        };
        for group in core::mem::take(&mut self.groups).into_keys() {
            self.events
                .push_back(RouterEvent::FilterModeChanged { group, mode: None });
        }
        self.total_sources = 0;
        self.timers.clear();
        self.transmits.clear();
        self.robustness = self.config.robustness.max(1);
        self.query_interval = self.config.query_interval;
    }

    /// Replaces the configuration. Learned values (QRV, QQI) are dropped for the configured
    /// ones; existing timers run on, new ones use the new values. Lowering a limit does not
    /// delete existing state.
    pub fn configure(&mut self, config: RouterConfig<F>) {
        self.robustness = config.robustness.max(1);
        self.query_interval = config.query_interval;
        self.config = config;
    }

    // ----- Inputs ---------------------------------------------------------------------------

    /// Handles the IGMP or MLD message `bytes` (the IP payload), received on the interface
    /// from IP source `source` to IP destination `destination`. The message is parsed and its
    /// checksum verified with the crate's codec; no allocation is made for it.
    ///
    /// The caller has checked the IP envelope: TTL (hop limit) 1 and, for MLD, a link-local
    /// source (RFC 3810 §5); the Router Alert option is recommended but not required of
    /// received messages.
    ///
    /// # Errors
    ///
    /// The codec's error for a message that does not parse; the state is unchanged then.
    pub fn handle_packet(
        &mut self,
        now: T,
        source: F::Addr,
        destination: F::Addr,
        bytes: &[u8],
    ) -> Result<(), Error> {
        let received = F::parse(bytes, source, destination)?;
        self.handle_received(now, source, received);
        Ok(())
    }

    /// Handles a message already parsed with the codec ([`Codec::parse`](crate::gmp::codec::Codec::parse)),
    /// as [`Router::handle_packet`] does: a caller that reads a message itself (a snooping switch,
    /// which also decides where to forward it) parses it once and hands the view on.
    pub fn handle_received(&mut self, now: T, source: F::Addr, received: Received<'_, F>) {
        if !self.enabled {
            return;
        }
        match received {
            Received::Query(fields, sources) => self.on_query(now, source, &fields, sources),
            Received::Report { version, group } => self.on_old_report(now, version, group),
            Received::Leave { group } => self.on_leave(now, group),
            Received::ReportV3(records) => {
                if self.on_report_v3() {
                    for record in records {
                        self.on_group_record(
                            now,
                            record.record_type(),
                            record.multicast_address(),
                            record.sources(),
                        );
                    }
                }
            }
            Received::Other => {}
        }
    }

    /// Handles one group record of a version 3 report (§6.4), without the report around it:
    /// for a caller that decides record by record which interface's state a record goes to. The
    /// rules of [`Router::handle_packet`] apply (compatibility mode, SSM, limits); the record is
    /// not counted as a report received.
    pub fn handle_group_record(
        &mut self,
        now: T,
        record_type: RecordType,
        group: F::Addr,
        sources: impl Iterator<Item = F::Addr>,
    ) {
        if !self.enabled {
            return;
        }
        if self.config.effective_version() < Version::V3 {
            self.stats.ignored = self.stats.ignored.saturating_add(1);
            return;
        }
        self.on_group_record(now, record_type, group, sources);
    }

    /// Deletes the record of `group` at once, with its timers, as if its last timer had expired:
    /// the forwarding plane is told nothing is forwarded for it any more. Returns whether there
    /// was one. An administrative clear, and a snooping switch's fast leave once the last host
    /// it tracks on a port has left (RFC 4541 §2.1.1).
    pub fn remove_group(&mut self, group: F::Addr) -> bool {
        let present = self.groups.contains_key(&group);
        self.delete_group(group);
        present
    }

    /// Handles a message already decoded (from a simulation, or a parser of the caller's
    /// own), as [`Router::handle_packet`] does.
    pub fn handle_message(&mut self, now: T, source: F::Addr, message: &Message<F::Addr>) {
        if !self.enabled {
            return;
        }
        match message {
            Message::Query(query) => {
                self.on_query(
                    now,
                    source,
                    &QueryFields::of(query),
                    query.sources.iter().copied(),
                );
            }
            Message::Report { version, group } => self.on_old_report(now, *version, *group),
            Message::Leave { group } => self.on_leave(now, *group),
            Message::ReportV3(records) => {
                if !self.on_report_v3() {
                    return;
                }
                for record in records {
                    self.on_group_record(
                        now,
                        record.record_type,
                        record.group,
                        record.sources.iter().copied(),
                    );
                }
            }
        }
    }

    /// Fires every timer due at `now`, and leaves none due behind.
    pub fn handle_timeout(&mut self, now: T) {
        while let Some((timer, _)) = self.timers.pop_expired(now) {
            match timer {
                RouterTimer::GeneralQuery => self.on_general_query_timer(now),
                RouterTimer::OtherQuerierPresent if self.non_querier_only => {
                    self.election.other = None;
                }
                RouterTimer::OtherQuerierPresent => {
                    // §6.6.2: "When the Other Querier Present timer expires, the router MUST
                    // start acting as querier" (no startup queries: it was enabled before).
                    self.become_querier(now, 0);
                }
                RouterTimer::GroupTimer(group) => self.on_group_timer(now, group),
                RouterTimer::SourceTimer(group, source) => self.on_source_timer(now, group, source),
                RouterTimer::OlderHostPresent(group, version) => {
                    self.on_older_host_present_timer(now, group, version);
                }
                RouterTimer::QueryRetransmission(group) => self.send_specific_queries(now, group),
            }
        }
    }

    // ----- Outputs --------------------------------------------------------------------------

    /// The next message to send, if any.
    pub fn poll_transmit(&mut self) -> Option<Transmit<F>> {
        self.transmits.pop_front()
    }

    /// The next event, if any.
    pub fn poll_event(&mut self) -> Option<RouterEvent<F::Addr>> {
        self.events.pop_front()
    }

    /// When [`Router::handle_timeout`] must be called next, if ever. It may be called earlier
    /// or more often: a call with nothing due does nothing.
    #[must_use]
    pub fn poll_timeout(&self) -> Option<T> {
        self.timers.next_deadline()
    }

    // ----- Queries of the state -------------------------------------------------------------

    /// Whether traffic from `source` to `group` should be forwarded on this interface, as
    /// IGMP suggests it (§6.3 Table 7, RFC 3810 §7.3).
    #[must_use]
    pub fn should_forward(&self, source: F::Addr, group: F::Addr) -> bool {
        self.groups
            .get(&group)
            .is_some_and(|record| record.forwards(&source))
    }

    /// The filter mode of `group`, or `None` if the router keeps no record of it.
    #[must_use]
    pub fn filter_mode(&self, group: F::Addr) -> Option<FilterMode> {
        self.groups.get(&group).map(|record| record.mode)
    }

    /// The Group Compatibility Mode of `group` (§7.3.2), or `None` if the router keeps no record
    /// of it.
    #[must_use]
    pub fn compatibility_mode(&self, group: F::Addr) -> Option<Version> {
        self.groups
            .get(&group)
            .map(|record| self.group_version(record))
    }

    /// The source records of `group`, in address order.
    pub fn sources(&self, group: F::Addr) -> impl Iterator<Item = (F::Addr, SourceState<T>)> + '_ {
        self.groups.get(&group).into_iter().flat_map(|record| {
            record.sources.iter().map(move |(source, state)| {
                (
                    *source,
                    SourceState {
                        forwarded: record.mode == FilterMode::Include || state.timer.is_some(),
                        expires: match state.timer {
                            Some(Expiry::At(t)) => Some(t),
                            _ => None,
                        },
                    },
                )
            })
        })
    }

    /// The groups the router keeps a record of, in address order.
    pub fn groups(&self) -> impl Iterator<Item = F::Addr> + '_ {
        self.groups.keys().copied()
    }

    /// Number of source records over all groups.
    #[must_use]
    pub fn source_count(&self) -> usize {
        self.total_sources
    }

    /// When `timer` expires, or `None` if it is not running (or expires never).
    #[must_use]
    pub fn deadline(&self, timer: &RouterTimer<F::Addr>) -> Option<T> {
        let at = |slot: Option<Expiry<T>>| match slot {
            Some(Expiry::At(t)) => Some(t),
            _ => None,
        };
        match timer {
            RouterTimer::GeneralQuery
            | RouterTimer::OtherQuerierPresent
            | RouterTimer::QueryRetransmission(_) => self.timers.deadline(timer),
            RouterTimer::GroupTimer(group) => at(self.groups.get(group)?.timer),
            RouterTimer::SourceTimer(group, source) => {
                at(self.groups.get(group)?.sources.get(source)?.timer)
            }
            RouterTimer::OlderHostPresent(group, Version::V1) => {
                at(self.groups.get(group)?.v1_host_present)
            }
            RouterTimer::OlderHostPresent(group, _) => at(self.groups.get(group)?.v2_host_present),
        }
    }

    /// Whether this router is the querier of the link.
    #[must_use]
    pub fn is_querier(&self) -> bool {
        self.enabled && self.election.querier
    }

    /// The querier of the link as far as this router knows: itself, another router, or `None`
    /// while disabled.
    #[must_use]
    pub fn querier(&self) -> Option<F::Addr> {
        if !self.enabled {
            None
        } else if self.election.querier {
            Some(self.config.address)
        } else {
            self.election.other
        }
    }

    /// The Robustness Variable in force (§8.1): configured, or learned from the querier.
    #[must_use]
    pub fn robustness(&self) -> u8 {
        self.robustness
    }

    /// The Query Interval in force (§8.2): configured, or learned from the querier.
    #[must_use]
    pub fn query_interval(&self) -> Duration {
        self.query_interval
    }

    /// The configuration.
    #[must_use]
    pub fn config(&self) -> &RouterConfig<F> {
        &self.config
    }

    /// The counters.
    #[must_use]
    pub fn stats(&self) -> &RouterStats {
        &self.stats
    }

    // ----- Derived intervals (§8) -----------------------------------------------------------

    /// The Group Membership Interval: ([Robustness Variable] times [Query Interval]) plus
    /// (2 times [Query Response Interval]) (RFC 9776 §8.4 and RFC 9777 §9.4, erratum 6725 of
    /// RFC 3376/3810, which had one Query Response Interval).
    #[must_use]
    pub fn group_membership_interval(&self) -> Duration {
        self.query_interval
            .saturating_mul(u32::from(self.robustness))
            .saturating_add(self.config.query_response_interval.saturating_mul(2))
    }

    /// The Other Querier Present Interval: ([Robustness Variable] times [Query Interval]) plus
    /// (one half of [Query Response Interval]) (§8.5).
    #[must_use]
    pub fn other_querier_present_interval(&self) -> Duration {
        self.query_interval
            .saturating_mul(u32::from(self.robustness))
            .saturating_add(
                self.config
                    .query_response_interval
                    .checked_div(2)
                    .unwrap_or_default(),
            )
    }

    /// The Older Host Present Interval: ([Robustness Variable] times [Query Interval]) plus
    /// [Query Response Interval] (§8.13).
    #[must_use]
    pub fn older_host_present_interval(&self) -> Duration {
        self.query_interval
            .saturating_mul(u32::from(self.robustness))
            .saturating_add(self.config.query_response_interval)
    }

    /// The Last Member Query Count (§8.9): configured, or the Robustness Variable.
    #[must_use]
    pub fn last_member_query_count(&self) -> u8 {
        self.config
            .last_member_query_count
            .unwrap_or(self.robustness)
            .max(1)
    }

    /// The Last Member Query Time: [Last Member Query Interval] times [Last Member Query Count]
    /// (§8.10).
    #[must_use]
    pub fn last_member_query_time(&self) -> Duration {
        self.config
            .last_member_query_interval
            .saturating_mul(u32::from(self.last_member_query_count()))
    }

    fn startup_query_interval(&self) -> Duration {
        self.config
            .startup_query_interval
            .unwrap_or_else(|| self.query_interval.checked_div(4).unwrap_or_default())
            .max(MIN_PERIOD)
    }

    fn group_version(&self, record: &GroupRecord<F::Addr, T>) -> Version {
        record
            .compatibility_mode()
            .min(self.config.effective_version())
    }

    // ----- Querier election and General Queries (§6.6.2) ------------------------------------

    fn become_querier(&mut self, now: T, startup_queries_left: u8) {
        self.election = Election {
            querier: true,
            other: None,
            startup_queries_left,
        };
        // The querier uses its own configured values, not those it adopted as non-querier.
        self.robustness = self.config.robustness.max(1);
        self.query_interval = self.config.query_interval;
        self.timers.cancel(&RouterTimer::OtherQuerierPresent);
        self.events.push_back(RouterEvent::QuerierChanged {
            querier: self.config.address,
        });
        self.on_general_query_timer(now);
    }

    fn on_general_query_timer(&mut self, now: T) {
        if !self.election.querier {
            return;
        }
        let version = self.config.effective_version();
        self.send_query(
            now,
            Query {
                version,
                group: F::UNSPECIFIED,
                max_response_time: if version == Version::V1 {
                    Duration::ZERO
                } else {
                    self.config.query_response_interval
                },
                suppress_router_side_processing: false,
                robustness: self.robustness,
                query_interval: self.query_interval,
                sources: Vec::new(),
            },
            F::ALL_SYSTEMS,
        );
        let period = if self.election.startup_queries_left > 0 {
            self.election.startup_queries_left =
                self.election.startup_queries_left.saturating_sub(1);
            self.startup_query_interval()
        } else {
            self.query_interval.max(MIN_PERIOD)
        };
        self.timers
            .schedule_after(RouterTimer::GeneralQuery, now, period);
    }

    /// Queues a Query, filling in the fields its version carries.
    fn send_query(&mut self, _now: T, mut query: Query<F::Addr>, destination: F::Addr) {
        if query.version < Version::V3 {
            query.suppress_router_side_processing = false;
            query.robustness = 0;
            query.query_interval = Duration::ZERO;
            query.sources.clear();
        } else if query.robustness > 7 {
            // §4.1.6: a Robustness Variable above 7 is sent as QRV 0.
            query.robustness = 0;
        }
        let message = Message::Query(query);
        if queue_transmits(
            &mut self.transmits,
            &message,
            self.config.address,
            destination,
            self.config.mtu,
        ) {
            self.stats.queries_sent = self.stats.queries_sent.saturating_add(1);
        } else {
            self.stats.send_errors = self.stats.send_errors.saturating_add(1);
        }
    }

    /// A Query from `source` (§6.6.1, §6.6.2, §4.1.6, §4.1.7).
    fn on_query(
        &mut self,
        now: T,
        source: F::Addr,
        query: &QueryFields<F::Addr>,
        sources: impl Iterator<Item = F::Addr>,
    ) {
        if source == self.config.address {
            return;
        }
        if !F::is_valid_query_source(&source) || source == F::UNSPECIFIED {
            self.stats.ignored = self.stats.ignored.saturating_add(1);
            return;
        }
        let general = query.group == F::UNSPECIFIED;
        if !general && !F::is_multicast(&query.group) {
            self.stats.ignored = self.stats.ignored.saturating_add(1);
            return;
        }
        self.stats.queries_received = self.stats.queries_received.saturating_add(1);
        // Only a router with a lower address than ours is (or becomes) the querier; a router
        // that is never the querier follows whoever queries.
        if !self.non_querier_only && source >= self.config.address {
            return;
        }
        if general {
            // §6.6.2: a General Query from a lower address makes this router a non-querier and
            // (re)starts the Other Querier Present timer.
            let was_querier = self.election.querier;
            let previous = self.election.other;
            self.election.querier = false;
            self.election.other = Some(source);
            self.election.startup_queries_left = 0;
            if was_querier {
                self.stop_querying();
            }
            if was_querier || previous != Some(source) {
                self.events
                    .push_back(RouterEvent::QuerierChanged { querier: source });
            }
            let interval = self.other_querier_present_interval();
            self.timers
                .schedule_after(RouterTimer::OtherQuerierPresent, now, interval);
        }
        if query.version == Version::V3 {
            // §4.1.6 and §4.1.7: adopt the querier's QRV and QQI, unless they are zero.
            if query.robustness != 0 {
                self.robustness = query.robustness;
            }
            if query.query_interval != Duration::ZERO {
                self.query_interval = query.query_interval;
            }
        }
        // §6.6.1: a specific Query with the S flag clear lowers the queried timers to LMQT.
        if !general && !query.suppress_router_side_processing {
            let last_member_query_time = self.last_member_query_time();
            if let Some(record) = self.groups.get_mut(&query.group) {
                let mut any = false;
                for queried in sources {
                    any = true;
                    record.lower_source_timer(
                        &mut self.timers,
                        query.group,
                        queried,
                        now,
                        last_member_query_time,
                    );
                }
                if !any {
                    record.lower_group_timer(
                        &mut self.timers,
                        query.group,
                        now,
                        last_member_query_time,
                    );
                }
            }
        }
    }

    /// A non-querier sends no queries: forget the pending ones.
    fn stop_querying(&mut self) {
        self.timers.cancel(&RouterTimer::GeneralQuery);
        for (group, record) in &mut self.groups {
            if record.retransmissions > 0 || record.sources.values().any(|s| s.retransmissions > 0)
            {
                record.retransmissions = 0;
                for state in record.sources.values_mut() {
                    state.retransmissions = 0;
                }
                self.timers
                    .cancel(&RouterTimer::QueryRetransmission(*group));
            }
        }
    }

    // ----- Reports (§6.4, §7.3.2, RFC 4604) -------------------------------------------------

    /// Whether a version 3 report is processed at all.
    fn on_report_v3(&mut self) -> bool {
        self.stats.reports_received = self.stats.reports_received.saturating_add(1);
        if self.config.effective_version() < Version::V3 {
            self.stats.ignored = self.stats.ignored.saturating_add(1);
            return false;
        }
        true
    }

    /// Whether a record for `group` may be acted on at all.
    fn accepts_group(&mut self, group: F::Addr) -> bool {
        if F::is_multicast(&group) && group != F::ALL_SYSTEMS {
            true
        } else {
            self.stats.ignored = self.stats.ignored.saturating_add(1);
            false
        }
    }

    /// One group record of a version 3 report (§6.4.1, §6.4.2), after the rules of the group's
    /// compatibility mode (§7.3.2) and of SSM (RFC 4604 §2.2.2).
    fn on_group_record(
        &mut self,
        now: T,
        record_type: RecordType,
        group: F::Addr,
        sources: impl Iterator<Item = F::Addr>,
    ) {
        if matches!(record_type, RecordType::Unknown(_)) {
            // §4.2.12: "Unrecognized Record Type values MUST be silently ignored."
            self.stats.ignored = self.stats.ignored.saturating_add(1);
            return;
        }
        if !self.accepts_group(group) {
            return;
        }
        // RFC 4604 §2.2.2: EXCLUDE-mode records of SSM groups are ignored.
        if self.config.is_ssm(group)
            && matches!(
                record_type,
                RecordType::ModeIsExclude | RecordType::ChangeToExcludeMode
            )
        {
            self.stats.ignored = self.stats.ignored.saturating_add(1);
            return;
        }
        let existing = self
            .groups
            .get(&group)
            .map(|record| self.group_version(record));
        let version = existing.unwrap_or_else(|| self.config.effective_version());
        // §7.3.2: in IGMPv2 (MLDv1) mode BLOCK records are ignored and TO_EX source lists
        // too; in IGMPv1 mode TO_IN records are ignored as well.
        let ignore_sources = match (version, record_type) {
            (Version::V1 | Version::V2, RecordType::BlockOldSources)
            | (Version::V1, RecordType::ChangeToIncludeMode) => {
                self.stats.ignored = self.stats.ignored.saturating_add(1);
                return;
            }
            (Version::V1 | Version::V2, RecordType::ChangeToExcludeMode) => true,
            _ => false,
        };
        // A record that would create a group past a limit is dropped before its sources are
        // even read, so a flood of new groups costs one lookup per record: past the group
        // limit, or, for a record that creates an INCLUDE-mode group, past the source limit.
        let limits = self.config.limits;
        let creates_include = !matches!(
            record_type,
            RecordType::ModeIsExclude | RecordType::ChangeToExcludeMode
        );
        if existing.is_none()
            && (self.groups.len() >= limits.max_groups
                || (creates_include && self.total_sources >= limits.max_sources))
        {
            self.stats.dropped_groups = self.stats.dropped_groups.saturating_add(1);
            return;
        }
        let mut scratch = core::mem::take(&mut self.scratch);
        scratch.clear();
        if !ignore_sources {
            scratch.extend(sources);
            scratch.sort_unstable();
            scratch.dedup();
        }
        self.apply(now, group, record_type, &scratch);
        self.scratch = scratch;
    }

    /// An IGMPv1/IGMPv2 report or MLDv1 report (§7.3.2: IS_EX({}) and the older host present
    /// timer).
    fn on_old_report(&mut self, now: T, version: Version, group: F::Addr) {
        self.stats.reports_received = self.stats.reports_received.saturating_add(1);
        if !self.accepts_group(group) {
            return;
        }
        // RFC 4604 §2.2.2: older-version reports of SSM groups are ignored.
        if self.config.is_ssm(group) {
            self.stats.ignored = self.stats.ignored.saturating_add(1);
            return;
        }
        let version = version.clamp(F::OLDEST_VERSION, Version::V2);
        let before = self
            .groups
            .get(&group)
            .map(|record| self.group_version(record));
        self.apply(now, group, RecordType::ModeIsExclude, &[]);
        let interval = self.older_host_present_interval();
        let Some(record) = self.groups.get_mut(&group) else {
            return;
        };
        let slot = if version == Version::V1 {
            &mut record.v1_host_present
        } else {
            &mut record.v2_host_present
        };
        arm(
            &mut self.timers,
            RouterTimer::OlderHostPresent(group, version),
            slot,
            Expiry::after(now, interval),
        );
        let after = record
            .compatibility_mode()
            .min(self.config.effective_version());
        if before != Some(after) {
            self.events
                .push_back(RouterEvent::CompatibilityModeChanged {
                    group,
                    version: after,
                });
        }
    }

    /// An IGMPv2 Leave or MLDv1 Done: TO_IN({}) unless the group is in IGMPv1 mode (§7.3.2).
    fn on_leave(&mut self, now: T, group: F::Addr) {
        self.stats.reports_received = self.stats.reports_received.saturating_add(1);
        if !self.accepts_group(group) {
            return;
        }
        if self.config.is_ssm(group) {
            self.stats.ignored = self.stats.ignored.saturating_add(1);
            return;
        }
        let existing = self
            .groups
            .get(&group)
            .map(|record| self.group_version(record));
        let version = existing.unwrap_or_else(|| self.config.effective_version());
        if version == Version::V1 {
            self.stats.ignored = self.stats.ignored.saturating_add(1);
            return;
        }
        self.apply(now, group, RecordType::ChangeToIncludeMode, &[]);
    }

    /// Applies a record to the group's state, creating or deleting the group record as needed.
    fn apply(&mut self, now: T, group: F::Addr, record_type: RecordType, sources: &[F::Addr]) {
        self.stats.records_processed = self.stats.records_processed.saturating_add(1);
        let group_membership_interval = self.group_membership_interval();
        let last_member_query_time = self.last_member_query_time();
        let last_member_query_count = self.last_member_query_count();
        let querier = self.election.querier;
        let version = self.config.effective_version();
        let limits = self.config.limits;
        let creates = match record_type {
            RecordType::ModeIsExclude | RecordType::ChangeToExcludeMode => true,
            RecordType::ModeIsInclude
            | RecordType::AllowNewSources
            | RecordType::ChangeToIncludeMode => !sources.is_empty(),
            RecordType::BlockOldSources | RecordType::Unknown(_) => false,
        };
        let full = self.groups.len() >= limits.max_groups;
        let (record, existed) = match self.groups.entry(group) {
            Entry::Occupied(entry) => (entry.into_mut(), true),
            Entry::Vacant(entry) => {
                if !creates {
                    return;
                }
                if full {
                    self.stats.dropped_groups = self.stats.dropped_groups.saturating_add(1);
                    return;
                }
                (entry.insert(Box::new(GroupRecord::new())), false)
            }
        };
        let mut cx = Context {
            now,
            group,
            timers: &mut self.timers,
            events: &mut self.events,
            stats: &mut self.stats,
            total_sources: &mut self.total_sources,
            limits,
            group_membership_interval,
            last_member_query_time,
            last_member_query_count,
            send_group_queries: querier && version >= Version::V2,
            send_source_queries: querier && version >= Version::V3,
            source_events: true,
            query_scheduled: false,
        };
        if !existed
            && record.mode == FilterMode::Include
            && !matches!(
                record_type,
                RecordType::ModeIsExclude | RecordType::ChangeToExcludeMode
            )
        {
            cx.events.push_back(RouterEvent::FilterModeChanged {
                group,
                mode: Some(FilterMode::Include),
            });
        }
        record.apply(&mut cx, record_type, sources);
        let query_scheduled = cx.query_scheduled;
        if record.mode == FilterMode::Include && record.sources.is_empty() {
            self.delete_group(group);
        } else if query_scheduled {
            self.send_specific_queries(now, group);
        }
    }

    /// Deletes a group record and its timers.
    fn delete_group(&mut self, group: F::Addr) {
        if let Some(mut record) = self.groups.remove(&group) {
            record.cancel_timers(&mut self.timers, group);
            self.total_sources = self.total_sources.saturating_sub(record.sources.len());
            self.events
                .push_back(RouterEvent::FilterModeChanged { group, mode: None });
        }
    }

    // ----- Timers of a group (§6.3, §6.5, §7.3.2) -------------------------------------------

    /// Re-arms a timer that fired before its record's true deadline; true if it is due.
    fn due(
        timers: &mut TimerMap<RouterTimer<F::Addr>, T>,
        key: RouterTimer<F::Addr>,
        slot: Option<Expiry<T>>,
        now: T,
    ) -> bool {
        match slot {
            Some(Expiry::At(deadline)) if deadline > now => {
                timers.schedule(key, deadline);
                false
            }
            Some(Expiry::At(_)) => true,
            None | Some(Expiry::Never) => false,
        }
    }

    /// The Group Timer expired (§6.5 Table 6): in EXCLUDE mode, switch to INCLUDE with the
    /// sources whose timers run, or delete the record if there are none.
    fn on_group_timer(&mut self, now: T, group: F::Addr) {
        let Some(record) = self.groups.get_mut(&group) else {
            return;
        };
        if !Self::due(
            &mut self.timers,
            RouterTimer::GroupTimer(group),
            record.timer,
            now,
        ) {
            return;
        }
        record.timer = None;
        if record.mode != FilterMode::Exclude {
            return;
        }
        if record.sources.values().any(|s| s.timer.is_some()) {
            // Delete the sources of Y, then announce INCLUDE mode with the sources of X.
            let before = record.sources.len();
            record.sources.retain(|_, s| s.timer.is_some());
            self.total_sources = self
                .total_sources
                .saturating_sub(before.saturating_sub(record.sources.len()));
            record.mode = FilterMode::Include;
            let mut cx = Context {
                now,
                group,
                timers: &mut self.timers,
                events: &mut self.events,
                stats: &mut self.stats,
                total_sources: &mut self.total_sources,
                limits: self.config.limits,
                group_membership_interval: Duration::ZERO,
                last_member_query_time: Duration::ZERO,
                last_member_query_count: 0,
                send_group_queries: false,
                send_source_queries: false,
                source_events: true,
                query_scheduled: false,
            };
            record.announce_mode(&mut cx);
        } else {
            self.delete_group(group);
        }
    }

    /// A Source Timer expired (§6.3 Table 7): in INCLUDE mode the source is deleted (and the
    /// group with its last source); in EXCLUDE mode it stays, not forwarded.
    fn on_source_timer(&mut self, now: T, group: F::Addr, source: F::Addr) {
        let Some(record) = self.groups.get_mut(&group) else {
            return;
        };
        let Some(slot) = record.sources.get(&source).map(|s| s.timer) else {
            return;
        };
        if !Self::due(
            &mut self.timers,
            RouterTimer::SourceTimer(group, source),
            slot,
            now,
        ) {
            return;
        }
        let mut cx = Context {
            now,
            group,
            timers: &mut self.timers,
            events: &mut self.events,
            stats: &mut self.stats,
            total_sources: &mut self.total_sources,
            limits: self.config.limits,
            group_membership_interval: Duration::ZERO,
            last_member_query_time: Duration::ZERO,
            last_member_query_count: 0,
            send_group_queries: false,
            send_source_queries: false,
            source_events: true,
            query_scheduled: false,
        };
        match record.mode {
            FilterMode::Include => {
                record.delete(&mut cx, &source);
                if record.sources.is_empty() {
                    self.delete_group(group);
                }
            }
            FilterMode::Exclude => record.exclude(&mut cx, source),
        }
    }

    /// An Older Host Present timer expired (§7.3.2): the group may return to a newer mode.
    fn on_older_host_present_timer(&mut self, now: T, group: F::Addr, version: Version) {
        let cap = self.config.effective_version();
        let Some(record) = self.groups.get_mut(&group) else {
            return;
        };
        let before = record.compatibility_mode().min(cap);
        let key = RouterTimer::OlderHostPresent(group, version);
        let slot = if version == Version::V1 {
            &mut record.v1_host_present
        } else {
            &mut record.v2_host_present
        };
        if !Self::due(&mut self.timers, key, *slot, now) {
            return;
        }
        stop(&mut self.timers, &key, slot);
        let after = record.compatibility_mode().min(cap);
        if before != after {
            self.events
                .push_back(RouterEvent::CompatibilityModeChanged {
                    group,
                    version: after,
                });
        }
    }

    // ----- Specific queries (§6.6.3) --------------------------------------------------------

    /// Sends the group's pending Group-Specific and Group-and-Source-Specific Queries and
    /// schedules the next retransmission if any remain (§6.6.3.1, §6.6.3.2).
    fn send_specific_queries(&mut self, now: T, group: F::Addr) {
        if !self.election.querier {
            return;
        }
        let version = self.config.effective_version();
        let last_member_query_interval = self.config.last_member_query_interval;
        let last_member_query_time = Expiry::after(now, self.last_member_query_time());
        let robustness = self.robustness;
        let query_interval = self.query_interval;
        let Some(record) = self.groups.get_mut(&group) else {
            return;
        };
        let mut queries: Vec<Query<F::Addr>> = Vec::new();
        let query = |suppress: bool, sources: Vec<F::Addr>| Query {
            version,
            group,
            max_response_time: last_member_query_interval,
            suppress_router_side_processing: suppress,
            robustness,
            query_interval,
            sources,
        };
        if record.retransmissions > 0 {
            record.retransmissions = record.retransmissions.saturating_sub(1);
            // §6.6.3.1: the S flag is set when the Group Timer is above LMQT.
            let suppress = record
                .timer
                .is_some_and(|timer| timer > last_member_query_time);
            queries.push(query(suppress, Vec::new()));
        }
        let mut above = Vec::new();
        let mut below = Vec::new();
        let mut remaining = record.retransmissions > 0;
        for (source, state) in &mut record.sources {
            if state.retransmissions == 0 {
                continue;
            }
            state.retransmissions = state.retransmissions.saturating_sub(1);
            remaining |= state.retransmissions > 0;
            // §6.6.3.2: sources with timers above LMQT go in a Query with the S flag set,
            // the others in one with it clear; an empty one is not sent.
            if state
                .timer
                .is_some_and(|timer| timer > last_member_query_time)
            {
                above.push(*source);
            } else {
                below.push(*source);
            }
        }
        for (suppress, list) in [(true, above), (false, below)] {
            if !list.is_empty() {
                queries.push(query(suppress, list));
            }
        }
        for q in queries {
            self.send_query(now, q, group);
        }
        if remaining {
            self.timers.schedule_after(
                RouterTimer::QueryRetransmission(group),
                now,
                last_member_query_interval.max(MIN_PERIOD),
            );
        } else {
            self.timers.cancel(&RouterTimer::QueryRetransmission(group));
        }
    }
}
