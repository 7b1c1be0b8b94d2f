//! The group member (host) side: RFC 3376/9776 §3, §5 and §7.2 (IGMPv3), RFC 2236 (IGMPv2),
//! RFC 1112 (IGMPv1), RFC 3810 §4, §6 and §8.2 (MLDv2), RFC 2710 (MLDv1), for one interface.
//!
//! A [`Host`] keeps the filter of every socket (join and leave any-source, join and leave
//! source-specific, block and unblock, or a whole filter at once), merges them into the
//! interface state (§3.2), reports every change of it (§5.1), answers Queries (§5.2), and falls
//! back to the version of an older querier (§7.2).

use alloc::collections::{BTreeMap, BTreeSet, VecDeque};
use alloc::vec::Vec;
use core::time::Duration;

use mcast_addr::time::Timestamp;
use mcast_addr::timer::TimerMap;
use rand_core::Rng;

use crate::Error;
use crate::gmp::codec::{QueryFields, Received};
use crate::gmp::{
    FilterMode, Gmp, GroupRecord, HostConfig, Message, RecordType, Transmit, Version,
    queue_transmits, random_delay,
};

/// A socket, as the caller numbers them: the owner of one filter per group (§3.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct SocketId(pub u64);

/// The timers of a host interface, each named as the RFC names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum HostTimer<A> {
    /// The Interface Timer: a pending response to a General Query (RFC 3376/9776 §5.2,
    /// RFC 3810 §6.2).
    GeneralQueryResponse,
    /// The Group Timer of a group: a pending response to a Group-Specific or
    /// Group-and-Source-Specific Query (§5.2); in IGMPv1/v2 and MLDv1 mode also the report
    /// delay timer of a Delaying Member (RFC 2236 §6, RFC 2710 §5), which repeats unsolicited
    /// reports.
    GroupQueryResponse(A),
    /// The retransmission timer of pending State-Change Reports (§5.1, RFC 3810 §6.1): one for
    /// the interface, sending the pending records of every group together.
    StateChangeRetransmission,
    /// The IGMPv1-Querier-Present or IGMPv2-Querier-Present (MLDv1-Querier-Present) timer
    /// (§7.2.1, RFC 3810 §8.2.1).
    OlderVersionQuerierPresent(Version),
}

/// Something the caller wants to know.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum HostEvent<A> {
    /// The interface's reception state for `group` changed (§3.2): reprogram the link-layer
    /// filter from [`Host::interface_state`]. `mode` is the new filter mode, `None` when the
    /// interface no longer receives the group at all (INCLUDE with no sources).
    ReceptionChanged {
        /// The group.
        group: A,
        /// The new filter mode.
        mode: Option<FilterMode>,
    },
    /// The Host Compatibility Mode changed (§7.2.1, RFC 3810 §8.2.1).
    CompatibilityModeChanged {
        /// The new mode.
        version: Version,
    },
}

/// Why a socket filter command was refused (RFC 3376/9776 §2, RFC 3678 §4).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum FilterError {
    /// The group is not a multicast address.
    NotMulticast,
    /// The socket's filter for the group is in the other filter mode: a source-specific join
    /// or leave needs INCLUDE mode (or no filter), a block or unblock needs EXCLUDE mode.
    WrongFilterMode,
    /// The filter would hold more sources than
    /// [`HostConfig::max_sources_per_socket`] (§2: "the service interface MUST return an
    /// error").
    TooManySources,
    /// The source to leave or unblock is not in the socket's filter.
    NoSuchSource,
}

impl core::fmt::Display for FilterError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(match self {
            Self::NotMulticast => "the group is not a multicast address",
            Self::WrongFilterMode => "the socket's filter for the group is in the other mode",
            Self::TooManySources => "the source list would exceed the per-socket limit",
            Self::NoSuchSource => "the source is not in the socket's filter",
        })
    }
}

impl core::error::Error for FilterError {}

/// A filter: mode and source list (§3.1 for a socket, §3.2 for the interface).
#[derive(Debug, Clone, PartialEq, Eq)]
struct Filter<A> {
    mode: FilterMode,
    sources: BTreeSet<A>,
}

impl<A: Ord> Filter<A> {
    const fn none() -> Self {
        Self {
            mode: FilterMode::Include,
            sources: BTreeSet::new(),
        }
    }

    /// Whether the filter receives nothing (INCLUDE with no sources).
    fn is_empty(&self) -> bool {
        self.mode == FilterMode::Include && self.sources.is_empty()
    }

    /// Whether the filter receives traffic from `source`.
    fn forwards(&self, source: &A) -> bool {
        (self.mode == FilterMode::Include) == self.sources.contains(source)
    }
}

/// A host's record of one group on the interface.
#[derive(Debug, Clone)]
struct HostGroup<A> {
    /// The interface state (§3.2).
    state: Filter<A>,
    /// Filter-mode-change records still to send (§5.1).
    filter_mode_retransmissions: u8,
    /// Sources with retransmission state and how many reports still name them (§5.1).
    source_retransmissions: BTreeMap<A, u8>,
    /// Sources recorded for the pending response to a Group-and-Source-Specific Query (§5.2).
    query_sources: BTreeSet<A>,
    /// RFC 2236 §6 / RFC 2710 §5: whether this host sent the last report of the group.
    last_reporter: bool,
    /// Unsolicited IGMPv1/v2 or MLDv1 reports still to repeat (RFC 2236 §3).
    unsolicited_left: u8,
}

impl<A: Ord> HostGroup<A> {
    fn new() -> Self {
        Self {
            state: Filter::none(),
            filter_mode_retransmissions: 0,
            source_retransmissions: BTreeMap::new(),
            query_sources: BTreeSet::new(),
            last_reporter: false,
            unsolicited_left: 0,
        }
    }

    fn has_pending_report(&self) -> bool {
        self.filter_mode_retransmissions > 0 || !self.source_retransmissions.is_empty()
    }
}

/// The group member side of IGMP or MLD on one interface, Sans-IO.
///
/// `F` is [`Ipv4`](mcast_addr::family::Ipv4) for IGMP or [`Ipv6`](mcast_addr::family::Ipv6)
/// for MLD; `T` is the caller's clock. See the crate documentation for the call order.
#[derive(Debug, Clone)]
pub struct Host<F: Gmp, T> {
    config: HostConfig<F>,
    enabled: bool,
    sockets: BTreeMap<(F::Addr, SocketId), Filter<F::Addr>>,
    groups: BTreeMap<F::Addr, HostGroup<F::Addr>>,
    /// The Robustness Variable in force: configured, or the querier's QRV (§4.1.6).
    robustness: u8,
    /// The Query Interval in force: configured, or the querier's QQI (§4.1.7).
    query_interval: Duration,
    compatibility: Version,
    timers: TimerMap<HostTimer<F::Addr>, T>,
    transmits: VecDeque<Transmit<F>>,
    events: VecDeque<HostEvent<F::Addr>>,
    send_errors: u64,
}

impl<F: Gmp, T: Timestamp> Host<F, T> {
    /// A host interface with configuration `config`, disabled: call [`Host::enable`]. Socket
    /// filters may be set before.
    #[must_use]
    pub fn new(config: HostConfig<F>) -> Self {
        let robustness = config.robustness.max(1);
        let query_interval = config.query_interval;
        let compatibility = config.version.max(F::OLDEST_VERSION);
        Self {
            config,
            enabled: false,
            sockets: BTreeMap::new(),
            groups: BTreeMap::new(),
            robustness,
            query_interval,
            compatibility,
            timers: TimerMap::new(),
            transmits: VecDeque::new(),
            events: VecDeque::new(),
            send_errors: 0,
        }
    }

    // ----- Commands -------------------------------------------------------------------------

    /// Starts the protocol: every group the interface receives is reported as newly joined.
    pub fn enable(&mut self, now: T, rng: &mut impl Rng) {
        if self.enabled {
            return;
        }
        self.enabled = true;
        let groups: Vec<F::Addr> = self.groups.keys().copied().collect();
        for group in groups {
            let state = self
                .groups
                .get(&group)
                .map_or_else(Filter::none, |g| g.state.clone());
            self.report_change(now, rng, group, &Filter::none(), &state);
        }
    }

    /// Stops the protocol: one report of leaving every group is sent (no retransmissions), and
    /// every pending report, response and timer is dropped. Socket filters stay.
    pub fn disable(&mut self, now: T) {
        if !self.enabled {
            return;
        }
        let version = self.compatibility;
        let mut records = Vec::new();
        let mut leaves = Vec::new();
        for (group, record) in &self.groups {
            if record.state.is_empty() || !F::is_reported(group) {
                continue;
            }
            match version {
                Version::V3 => records.push(GroupRecord {
                    record_type: RecordType::ChangeToIncludeMode,
                    group: *group,
                    sources: Vec::new(),
                }),
                Version::V2 if record.last_reporter => leaves.push(*group),
                _ => {}
            }
        }
        for group in leaves {
            self.send_leave(group);
        }
        self.send_v3_report(records);
        self.enabled = false;
        self.reset_protocol_state(now);
    }

    /// Replaces the configuration. Learned values (QRV, QQI) are dropped for the configured
    /// ones.
    pub fn configure(&mut self, config: HostConfig<F>) {
        self.robustness = config.robustness.max(1);
        self.query_interval = config.query_interval;
        self.config = config;
    }

    /// `socket` joins `group` from any source: its filter becomes EXCLUDE with no sources
    /// (§2, "IPMulticastListen(socket, interface, group, EXCLUDE, {})").
    ///
    /// # Errors
    ///
    /// [`FilterError::NotMulticast`] if `group` is not a multicast address.
    pub fn join_group(
        &mut self,
        now: T,
        rng: &mut impl Rng,
        socket: SocketId,
        group: F::Addr,
    ) -> Result<(), FilterError> {
        self.set_filter(now, rng, socket, group, FilterMode::Exclude, [])
    }

    /// `socket` leaves `group`: its filter becomes INCLUDE with no sources, which deletes it.
    ///
    /// # Errors
    ///
    /// [`FilterError::NotMulticast`] if `group` is not a multicast address.
    pub fn leave_group(
        &mut self,
        now: T,
        rng: &mut impl Rng,
        socket: SocketId,
        group: F::Addr,
    ) -> Result<(), FilterError> {
        self.set_filter(now, rng, socket, group, FilterMode::Include, [])
    }

    /// `socket` adds `source` to its INCLUDE filter of `group` (RFC 3678
    /// "join-source-group").
    ///
    /// # Errors
    ///
    /// [`FilterError::WrongFilterMode`] if the socket's filter is in EXCLUDE mode,
    /// [`FilterError::TooManySources`] past the per-socket limit.
    pub fn join_source_group(
        &mut self,
        now: T,
        rng: &mut impl Rng,
        socket: SocketId,
        group: F::Addr,
        source: F::Addr,
    ) -> Result<(), FilterError> {
        self.edit_filter(now, rng, socket, group, FilterMode::Include, |sources| {
            sources.insert(source);
            Ok(())
        })
    }

    /// `socket` removes `source` from its INCLUDE filter of `group` (RFC 3678
    /// "leave-source-group").
    ///
    /// # Errors
    ///
    /// [`FilterError::WrongFilterMode`] if the socket's filter is in EXCLUDE mode,
    /// [`FilterError::NoSuchSource`] if `source` is not in it.
    pub fn leave_source_group(
        &mut self,
        now: T,
        rng: &mut impl Rng,
        socket: SocketId,
        group: F::Addr,
        source: F::Addr,
    ) -> Result<(), FilterError> {
        self.edit_filter(now, rng, socket, group, FilterMode::Include, |sources| {
            if sources.remove(&source) {
                Ok(())
            } else {
                Err(FilterError::NoSuchSource)
            }
        })
    }

    /// `socket` adds `source` to its EXCLUDE filter of `group` (RFC 3678 "block-source").
    ///
    /// # Errors
    ///
    /// [`FilterError::WrongFilterMode`] unless the socket has joined `group` from any source,
    /// [`FilterError::TooManySources`] past the per-socket limit.
    pub fn block_source(
        &mut self,
        now: T,
        rng: &mut impl Rng,
        socket: SocketId,
        group: F::Addr,
        source: F::Addr,
    ) -> Result<(), FilterError> {
        self.edit_filter(now, rng, socket, group, FilterMode::Exclude, |sources| {
            sources.insert(source);
            Ok(())
        })
    }

    /// `socket` removes `source` from its EXCLUDE filter of `group` (RFC 3678
    /// "unblock-source").
    ///
    /// # Errors
    ///
    /// [`FilterError::WrongFilterMode`] unless the socket's filter is in EXCLUDE mode,
    /// [`FilterError::NoSuchSource`] if `source` is not in it.
    pub fn unblock_source(
        &mut self,
        now: T,
        rng: &mut impl Rng,
        socket: SocketId,
        group: F::Addr,
        source: F::Addr,
    ) -> Result<(), FilterError> {
        self.edit_filter(now, rng, socket, group, FilterMode::Exclude, |sources| {
            if sources.remove(&source) {
                Ok(())
            } else {
                Err(FilterError::NoSuchSource)
            }
        })
    }

    /// Sets the whole filter of `socket` for `group` (§2 "IPMulticastListen", RFC 3678
    /// "setsourcefilter"). INCLUDE with no sources deletes it.
    ///
    /// # Errors
    ///
    /// [`FilterError::NotMulticast`] if `group` is not a multicast address,
    /// [`FilterError::TooManySources`] past the per-socket limit.
    pub fn set_filter(
        &mut self,
        now: T,
        rng: &mut impl Rng,
        socket: SocketId,
        group: F::Addr,
        mode: FilterMode,
        sources: impl IntoIterator<Item = F::Addr>,
    ) -> Result<(), FilterError> {
        if !F::is_multicast(&group) {
            return Err(FilterError::NotMulticast);
        }
        let sources: BTreeSet<F::Addr> = sources.into_iter().collect();
        if sources.len() > self.config.max_sources_per_socket {
            return Err(FilterError::TooManySources);
        }
        let filter = Filter { mode, sources };
        if filter.is_empty() {
            self.sockets.remove(&(group, socket));
        } else {
            self.sockets.insert((group, socket), filter);
        }
        self.update_interface_state(now, rng, group);
        Ok(())
    }

    fn edit_filter(
        &mut self,
        now: T,
        rng: &mut impl Rng,
        socket: SocketId,
        group: F::Addr,
        mode: FilterMode,
        edit: impl FnOnce(&mut BTreeSet<F::Addr>) -> Result<(), FilterError>,
    ) -> Result<(), FilterError> {
        let mut filter = match self.sockets.get(&(group, socket)) {
            Some(filter) if filter.mode == mode => filter.clone(),
            None if mode == FilterMode::Include => Filter::none(),
            Some(_) | None => return Err(FilterError::WrongFilterMode),
        };
        edit(&mut filter.sources)?;
        self.set_filter(now, rng, socket, group, filter.mode, filter.sources)
    }

    // ----- Inputs ---------------------------------------------------------------------------

    /// Handles the IGMP or MLD message `bytes` (the IP payload), received on the interface
    /// from IP source `source` to IP destination `destination`, parsed and checksum-verified
    /// with the crate's codec.
    ///
    /// # Errors
    ///
    /// The codec's error for a message that does not parse; the state is unchanged then.
    pub fn handle_packet(
        &mut self,
        now: T,
        rng: &mut impl Rng,
        source: F::Addr,
        destination: F::Addr,
        bytes: &[u8],
    ) -> Result<(), Error> {
        let received = F::parse(bytes, source, destination)?;
        if !self.enabled {
            return Ok(());
        }
        match received {
            Received::Query(fields, sources) => self.on_query(now, rng, source, &fields, sources),
            Received::Report { group, .. } => self.on_report(group),
            // §5: other messages are ignored by group members.
            Received::Leave { .. } | Received::ReportV3(_) | Received::Other => {}
        }
        Ok(())
    }

    /// Handles a message already decoded, as [`Host::handle_packet`] does.
    pub fn handle_message(
        &mut self,
        now: T,
        rng: &mut impl Rng,
        source: F::Addr,
        message: &Message<F::Addr>,
    ) {
        if !self.enabled {
            return;
        }
        match message {
            Message::Query(query) => {
                let fields = QueryFields::of(query);
                self.on_query(now, rng, source, &fields, query.sources.iter().copied());
            }
            Message::Report { group, .. } => self.on_report(*group),
            // §5: other messages are ignored by group members.
            Message::Leave { .. } | Message::ReportV3(_) => {}
        }
    }

    /// Fires every timer due at `now`, and leaves none due behind.
    pub fn handle_timeout(&mut self, now: T, rng: &mut impl Rng) {
        while let Some((timer, _)) = self.timers.pop_expired(now) {
            match timer {
                HostTimer::GeneralQueryResponse => self.on_general_response_timer(),
                HostTimer::GroupQueryResponse(group) => self.on_group_timer(now, rng, group),
                HostTimer::StateChangeRetransmission => self.on_retransmission_timer(now, rng),
                HostTimer::OlderVersionQuerierPresent(_) => self.update_compatibility(now),
            }
        }
    }

    // ----- Outputs --------------------------------------------------------------------------

    /// The next message to send, if any.
    pub fn poll_transmit(&mut self) -> Option<Transmit<F>> {
        self.transmits.pop_front()
    }

    /// The next event, if any.
    pub fn poll_event(&mut self) -> Option<HostEvent<F::Addr>> {
        self.events.pop_front()
    }

    /// When [`Host::handle_timeout`] must be called next, if ever.
    #[must_use]
    pub fn poll_timeout(&self) -> Option<T> {
        self.timers.next_deadline()
    }

    // ----- Queries of the state -------------------------------------------------------------

    /// The interface state of `group` (§3.2): its filter mode and source list, or `None` if the
    /// interface does not receive the group (INCLUDE with no sources).
    #[must_use]
    pub fn interface_state(&self, group: F::Addr) -> Option<(FilterMode, &BTreeSet<F::Addr>)> {
        self.groups
            .get(&group)
            .filter(|g| !g.state.is_empty())
            .map(|g| (g.state.mode, &g.state.sources))
    }

    /// Whether the interface receives traffic from `source` to `group` (§3.2).
    #[must_use]
    pub fn accepts(&self, source: F::Addr, group: F::Addr) -> bool {
        self.groups
            .get(&group)
            .is_some_and(|g| g.state.forwards(&source))
    }

    /// Whether `socket` receives traffic from `source` to `group` (§3.1), the per-socket
    /// filter a stack applies on delivery.
    #[must_use]
    pub fn socket_accepts(&self, socket: SocketId, source: F::Addr, group: F::Addr) -> bool {
        self.sockets
            .get(&(group, socket))
            .is_some_and(|filter| filter.forwards(&source))
    }

    /// The groups the interface receives, in address order.
    pub fn groups(&self) -> impl Iterator<Item = F::Addr> + '_ {
        self.groups
            .iter()
            .filter(|(_, g)| !g.state.is_empty())
            .map(|(group, _)| *group)
    }

    /// The Host Compatibility Mode (§7.2.1, RFC 3810 §8.2.1).
    #[must_use]
    pub fn compatibility_mode(&self) -> Version {
        self.compatibility
    }

    /// When `timer` expires, or `None` if it is not running.
    #[must_use]
    pub fn deadline(&self, timer: &HostTimer<F::Addr>) -> Option<T> {
        self.timers.deadline(timer)
    }

    /// The Robustness Variable in force: configured, or learned from the querier's QRV.
    #[must_use]
    pub fn robustness(&self) -> u8 {
        self.robustness
    }

    /// Reports that could not be built (a configured MTU too small for them).
    #[must_use]
    pub fn send_errors(&self) -> u64 {
        self.send_errors
    }

    /// The configuration.
    #[must_use]
    pub fn config(&self) -> &HostConfig<F> {
        &self.config
    }

    // ----- Interface state (§3.2) and State-Change Reports (§5.1) ---------------------------

    /// Recomputes the interface state of `group` from its sockets' filters and reports a
    /// change.
    fn update_interface_state(&mut self, now: T, rng: &mut impl Rng, group: F::Addr) {
        let new = self.merge_sockets(group);
        let old = self
            .groups
            .get(&group)
            .map_or_else(Filter::none, |g| g.state.clone());
        if old == new {
            return;
        }
        self.groups
            .entry(group)
            .or_insert_with(HostGroup::new)
            .state = new.clone();
        self.events.push_back(HostEvent::ReceptionChanged {
            group,
            mode: if new.is_empty() { None } else { Some(new.mode) },
        });
        if self.enabled {
            self.report_change(now, rng, group, &old, &new);
        }
        self.forget_if_idle(group);
    }

    /// §3.2: the interface state is EXCLUDE if any socket's filter is, with the intersection of
    /// the EXCLUDE lists minus the union of the INCLUDE lists; otherwise INCLUDE with the union
    /// of the INCLUDE lists.
    fn merge_sockets(&self, group: F::Addr) -> Filter<F::Addr> {
        let mut include: BTreeSet<F::Addr> = BTreeSet::new();
        let mut exclude: Option<BTreeSet<F::Addr>> = None;
        let range = self
            .sockets
            .range((group, SocketId(0))..=(group, SocketId(u64::MAX)));
        for (_, filter) in range {
            match filter.mode {
                FilterMode::Include => include.extend(filter.sources.iter().copied()),
                FilterMode::Exclude => {
                    exclude = Some(match exclude {
                        None => filter.sources.clone(),
                        Some(list) => list.intersection(&filter.sources).copied().collect(),
                    });
                }
            }
        }
        match exclude {
            Some(list) => Filter {
                mode: FilterMode::Exclude,
                sources: list.difference(&include).copied().collect(),
            },
            None => Filter {
                mode: FilterMode::Include,
                sources: include,
            },
        }
    }

    /// Drops the record of `group` once it holds neither interface state nor pending reports.
    fn forget_if_idle(&mut self, group: F::Addr) {
        if self
            .groups
            .get(&group)
            .is_some_and(|g| g.state.is_empty() && !g.has_pending_report())
        {
            self.groups.remove(&group);
            self.timers.cancel(&HostTimer::GroupQueryResponse(group));
        }
    }

    /// Reports the change of `group` from `old` to `new`, in the current compatibility mode.
    fn report_change(
        &mut self,
        now: T,
        rng: &mut impl Rng,
        group: F::Addr,
        old: &Filter<F::Addr>,
        new: &Filter<F::Addr>,
    ) {
        if !F::is_reported(&group) {
            return;
        }
        let robustness = self.robustness;
        match self.compatibility {
            Version::V3 => {
                let Some(record) = self.groups.get_mut(&group) else {
                    return;
                };
                if old.mode == new.mode {
                    // §5.1 Table 3: ALLOW (B-A), BLOCK (A-B) for INCLUDE; ALLOW (A-B),
                    // BLOCK (B-A) for EXCLUDE; either way the sources that changed, which
                    // get [Robustness Variable] transmissions from now on.
                    for source in old.sources.symmetric_difference(&new.sources) {
                        record.source_retransmissions.insert(*source, robustness);
                    }
                } else {
                    // TO_IN (B) or TO_EX (B): the next [Robustness Variable] reports carry a
                    // filter-mode-change record with the whole state.
                    record.filter_mode_retransmissions = robustness;
                    record.source_retransmissions.clear();
                }
                let records = Self::state_change_records(group, record);
                self.send_v3_report(records);
                self.schedule_retransmission(now, rng);
            }
            Version::V1 | Version::V2 => {
                let Some(record) = self.groups.get_mut(&group) else {
                    return;
                };
                if old.is_empty() && !new.is_empty() {
                    // RFC 2236 §3: an unsolicited report at once, repeated after a random
                    // delay.
                    record.last_reporter = true;
                    record.unsolicited_left = robustness.saturating_sub(1);
                    let repeat = record.unsolicited_left > 0;
                    self.send_old_report(group);
                    if repeat {
                        let delay = random_delay(
                            rng,
                            self.config.unsolicited_report_interval,
                            F::MAX_RESPONSE_UNIT,
                        );
                        self.timers.schedule_after(
                            HostTimer::GroupQueryResponse(group),
                            now,
                            delay,
                        );
                    }
                } else if !old.is_empty() && new.is_empty() {
                    // RFC 2236 §3: a Leave if this host sent the last report; IGMPv1 has none.
                    let last = core::mem::replace(&mut record.last_reporter, false);
                    record.unsolicited_left = 0;
                    self.timers.cancel(&HostTimer::GroupQueryResponse(group));
                    if last && self.compatibility == Version::V2 {
                        self.send_leave(group);
                    }
                }
            }
        }
    }

    /// The State-Change records of `group` for one report (§5.1): a filter-mode-change record
    /// while its retransmissions last, else ALLOW and BLOCK of the sources with retransmission
    /// state, each decremented.
    fn state_change_records(
        group: F::Addr,
        record: &mut HostGroup<F::Addr>,
    ) -> Vec<GroupRecord<F::Addr>> {
        let mut records = Vec::new();
        if record.filter_mode_retransmissions > 0 {
            record.filter_mode_retransmissions =
                record.filter_mode_retransmissions.saturating_sub(1);
            records.push(GroupRecord {
                record_type: match record.state.mode {
                    FilterMode::Include => RecordType::ChangeToIncludeMode,
                    FilterMode::Exclude => RecordType::ChangeToExcludeMode,
                },
                group,
                sources: record.state.sources.iter().copied().collect(),
            });
            return records;
        }
        let mut allow = Vec::new();
        let mut block = Vec::new();
        for (source, left) in &mut record.source_retransmissions {
            if record.state.forwards(source) {
                allow.push(*source);
            } else {
                block.push(*source);
            }
            *left = left.saturating_sub(1);
        }
        record.source_retransmissions.retain(|_, left| *left > 0);
        for (record_type, sources) in [
            (RecordType::AllowNewSources, allow),
            (RecordType::BlockOldSources, block),
        ] {
            if !sources.is_empty() {
                records.push(GroupRecord {
                    record_type,
                    group,
                    sources,
                });
            }
        }
        records
    }

    /// Schedules the retransmission timer in (0, [Unsolicited Report Interval]) if a report is
    /// pending and the timer is not running.
    fn schedule_retransmission(&mut self, now: T, rng: &mut impl Rng) {
        let pending = self.groups.values().any(HostGroup::has_pending_report);
        if !pending {
            self.timers.cancel(&HostTimer::StateChangeRetransmission);
        } else if !self
            .timers
            .is_running(&HostTimer::StateChangeRetransmission)
        {
            let delay = random_delay(
                rng,
                self.config.unsolicited_report_interval,
                F::MAX_RESPONSE_UNIT,
            );
            self.timers
                .schedule_after(HostTimer::StateChangeRetransmission, now, delay);
        }
    }

    fn on_retransmission_timer(&mut self, now: T, rng: &mut impl Rng) {
        let mut records = Vec::new();
        let mut idle = Vec::new();
        for (group, record) in &mut self.groups {
            if record.has_pending_report() {
                records.extend(Self::state_change_records(*group, record));
                if record.state.is_empty() && !record.has_pending_report() {
                    idle.push(*group);
                }
            }
        }
        self.send_v3_report(records);
        for group in idle {
            self.forget_if_idle(group);
        }
        self.schedule_retransmission(now, rng);
    }

    // ----- Queries (§5.2, RFC 2236 §3) ------------------------------------------------------

    fn on_query(
        &mut self,
        now: T,
        rng: &mut impl Rng,
        source: F::Addr,
        query: &QueryFields<F::Addr>,
        sources: impl Iterator<Item = F::Addr>,
    ) {
        if !F::is_valid_query_source(&source) {
            return;
        }
        let general = query.group == F::UNSPECIFIED;
        if !general && !F::is_multicast(&query.group) {
            return;
        }
        // §7.2.1: an older-version General Query (and only a General one) starts the
        // corresponding Older Version Querier Present timer.
        let max_response_time = if query.version == Version::V1 {
            // §7.2.1: an IGMPv1 Query's Max Resp Code of 0 means 10 seconds.
            Duration::from_secs(10)
        } else {
            query.max_response_time
        };
        if general && query.version < Version::V3 {
            let version = query.version.max(F::OLDEST_VERSION);
            let interval = self.older_version_querier_present_interval(max_response_time);
            self.timers.schedule_after(
                HostTimer::OlderVersionQuerierPresent(version),
                now,
                interval,
            );
            self.update_compatibility(now);
        }
        if query.version == Version::V3 {
            if query.robustness != 0 {
                self.robustness = query.robustness;
            }
            if query.query_interval != Duration::ZERO {
                self.query_interval = query.query_interval;
            }
        }
        let delay = random_delay(rng, max_response_time, F::MAX_RESPONSE_UNIT);
        let Some(at) = now.checked_add_duration(delay) else {
            return;
        };
        match self.compatibility {
            Version::V3 => self.schedule_v3_response(query.group, general, sources, at),
            Version::V1 | Version::V2 => {
                // RFC 2236 §3: start (or lower) the report delay timer of each queried group.
                let targets: Vec<F::Addr> = if general {
                    self.groups().filter(|g| F::is_reported(g)).collect()
                } else if self.interface_state(query.group).is_some()
                    && F::is_reported(&query.group)
                {
                    alloc::vec![query.group]
                } else {
                    Vec::new()
                };
                for group in targets {
                    self.timers
                        .schedule_no_later_than(HostTimer::GroupQueryResponse(group), at);
                }
            }
        }
    }

    /// §5.2, the five rules of scheduling a response.
    fn schedule_v3_response(
        &mut self,
        group: F::Addr,
        general: bool,
        sources: impl Iterator<Item = F::Addr>,
        at: T,
    ) {
        let has_state =
            |g: &F::Addr, r: &HostGroup<F::Addr>| !r.state.is_empty() && F::is_reported(g);
        if general {
            if !self.groups.iter().any(|(g, r)| has_state(g, r)) {
                return;
            }
        } else if !self
            .groups
            .get(&group)
            .is_some_and(|r| has_state(&group, r))
        {
            return;
        }
        // 1. A pending response to a General Query sooner than the delay covers this one.
        if self
            .timers
            .deadline(&HostTimer::GeneralQueryResponse)
            .is_some_and(|pending| pending <= at)
        {
            return;
        }
        // 2. A General Query schedules the Interface Timer, replacing a later pending one.
        if general {
            self.timers.schedule(HostTimer::GeneralQueryResponse, at);
            return;
        }
        let key = HostTimer::GroupQueryResponse(group);
        let pending = self.timers.deadline(&key);
        let Some(record) = self.groups.get_mut(&group) else {
            return;
        };
        let mut sources = sources.peekable();
        let group_specific = sources.peek().is_none();
        if pending.is_none() {
            // 3. No pending response: schedule one, recording the queried sources.
            record.query_sources.clear();
            record.query_sources.extend(sources);
            self.timers.schedule(key, at);
        } else {
            // 4. and 5. A pending response: one response at the earliest of the two times,
            // for the whole group if either Query asks for it, else for both source lists.
            if group_specific || record.query_sources.is_empty() {
                record.query_sources.clear();
            } else {
                record.query_sources.extend(sources);
            }
            self.timers.schedule_no_later_than(key, at);
        }
    }

    /// The Interface Timer expired: one Current-State Record per group (§5.2).
    fn on_general_response_timer(&mut self) {
        let records = self
            .groups
            .iter()
            .filter(|(group, record)| !record.state.is_empty() && F::is_reported(group))
            .map(|(group, record)| Self::current_state_record(*group, &record.state))
            .collect();
        self.send_v3_report(records);
    }

    fn current_state_record(group: F::Addr, state: &Filter<F::Addr>) -> GroupRecord<F::Addr> {
        GroupRecord {
            record_type: match state.mode {
                FilterMode::Include => RecordType::ModeIsInclude,
                FilterMode::Exclude => RecordType::ModeIsExclude,
            },
            group,
            sources: state.sources.iter().copied().collect(),
        }
    }

    /// A group's timer expired: the response to a specific Query (§5.2), or in an older mode
    /// a (repeated) report (RFC 2236 §3).
    fn on_group_timer(&mut self, now: T, rng: &mut impl Rng, group: F::Addr) {
        let version = self.compatibility;
        let Some(record) = self.groups.get_mut(&group) else {
            return;
        };
        let queried = core::mem::take(&mut record.query_sources);
        if record.state.is_empty() {
            return;
        }
        match version {
            Version::V3 => {
                let current = if queried.is_empty() {
                    Some(Self::current_state_record(group, &record.state))
                } else {
                    // §5.2 Table 5: INCLUDE (A) with B pending -> IS_IN (A*B);
                    // EXCLUDE (A) with B pending -> IS_IN (B-A).
                    let sources: Vec<F::Addr> = queried
                        .into_iter()
                        .filter(|s| record.state.forwards(s))
                        .collect();
                    (!sources.is_empty()).then_some(GroupRecord {
                        record_type: RecordType::ModeIsInclude,
                        group,
                        sources,
                    })
                };
                if let Some(current) = current {
                    self.send_v3_report(alloc::vec![current]);
                }
            }
            Version::V1 | Version::V2 => {
                record.last_reporter = true;
                record.unsolicited_left = record.unsolicited_left.saturating_sub(1);
                let repeat = record.unsolicited_left > 0;
                self.send_old_report(group);
                if repeat {
                    let delay = random_delay(
                        rng,
                        self.config.unsolicited_report_interval,
                        F::MAX_RESPONSE_UNIT,
                    );
                    self.timers
                        .schedule_after(HostTimer::GroupQueryResponse(group), now, delay);
                }
            }
        }
    }

    /// Another host's IGMPv1/v2 or MLDv1 report: in an older mode it suppresses ours
    /// (RFC 2236 §3, RFC 2710 §4). In version 3 mode reports are not suppressed (§7.2.2 allows
    /// it; RFC 4604 §2.2.1 forbids it for SSM-aware hosts, which this one is).
    fn on_report(&mut self, group: F::Addr) {
        if self.compatibility == Version::V3 {
            return;
        }
        if let Some(record) = self.groups.get_mut(&group)
            && self
                .timers
                .cancel(&HostTimer::GroupQueryResponse(group))
                .is_some()
        {
            record.last_reporter = false;
            record.unsolicited_left = 0;
        }
    }

    // ----- Compatibility (§7.2.1) -----------------------------------------------------------

    /// The Older Version Querier Present Interval: [Robustness Variable] times [Query
    /// Interval] plus the Max Response Time of the Query that started it (RFC 9776 §8.12;
    /// RFC 3810 §9.12 names it the Query Response Interval).
    fn older_version_querier_present_interval(&self, max_response_time: Duration) -> Duration {
        self.query_interval
            .saturating_mul(u32::from(self.robustness))
            .saturating_add(max_response_time)
    }

    /// Recomputes the Host Compatibility Mode from the Querier Present timers (§7.2.1 Table 11)
    /// and, if it changed, cancels every pending response and retransmission.
    fn update_compatibility(&mut self, now: T) {
        let from_timers = if self
            .timers
            .is_running(&HostTimer::OlderVersionQuerierPresent(Version::V1))
        {
            Version::V1
        } else if self
            .timers
            .is_running(&HostTimer::OlderVersionQuerierPresent(Version::V2))
        {
            Version::V2
        } else {
            Version::V3
        };
        let version = from_timers.min(self.config.version).max(F::OLDEST_VERSION);
        if version == self.compatibility {
            return;
        }
        self.compatibility = version;
        self.events
            .push_back(HostEvent::CompatibilityModeChanged { version });
        // §7.2.1: "Whenever a host changes its compatibility mode, it cancels all its pending
        // response and retransmission timers."
        self.reset_protocol_state(now);
    }

    /// Cancels every pending response and retransmission, keeping the interface state and the
    /// Querier Present timers.
    fn reset_protocol_state(&mut self, _now: T) {
        self.timers
            .retain(|timer, _| matches!(timer, HostTimer::OlderVersionQuerierPresent(_)));
        if !self.enabled {
            self.timers.clear();
        }
        self.groups.retain(|_, record| {
            record.filter_mode_retransmissions = 0;
            record.source_retransmissions.clear();
            record.query_sources.clear();
            record.unsolicited_left = 0;
            !record.state.is_empty()
        });
    }

    // ----- Messages -------------------------------------------------------------------------

    fn send(&mut self, message: &Message<F::Addr>, destination: F::Addr) {
        if !queue_transmits(
            &mut self.transmits,
            message,
            self.config.address,
            destination,
            self.config.mtu,
        ) {
            self.send_errors = self.send_errors.saturating_add(1);
        }
    }

    /// A version 3 report of `records`, in as many packets as the MTU calls for (§4.2.16).
    fn send_v3_report(&mut self, records: Vec<GroupRecord<F::Addr>>) {
        if !records.is_empty() {
            self.send(&Message::ReportV3(records), F::ALL_V3_ROUTERS);
        }
    }

    /// An IGMPv1/v2 or MLDv1 report of `group`, sent to the group (RFC 2236 §3).
    fn send_old_report(&mut self, group: F::Addr) {
        let version = self.compatibility.min(Version::V2);
        self.send(&Message::Report { version, group }, group);
    }

    /// An IGMPv2 Leave Group or MLDv1 Done, sent to all routers (RFC 2236 §3).
    fn send_leave(&mut self, group: F::Addr) {
        self.send(&Message::Leave { group }, F::ALL_ROUTERS);
    }
}
