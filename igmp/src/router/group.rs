//! A router's group record and the transitions of RFC 3376/9776 §6.4 (RFC 3810 §7.4).
//!
//! Notation of the RFC: in INCLUDE mode the record holds the source list A (every source with a
//! running timer). In EXCLUDE mode it holds X, the "requested" sources whose timer runs, and Y,
//! the "excluded" sources whose timer is zero (§6.2.1). B, or A for EXCLUDE mode, is the source
//! list of the received record. Each transition below cites its row of Table 8 or Table 9.

use alloc::collections::{BTreeMap, VecDeque};
use alloc::vec::Vec;
use core::time::Duration;

use mcast_addr::time::Timestamp;
use mcast_addr::timer::TimerMap;

use super::{RouterEvent, RouterStats, RouterTimer};
use crate::gmp::{Expiry, FilterMode, Limits, RecordType, Version};

/// A source record: the Source Timer (`None` is a timer at zero, a source of Y) and how many
/// more Group-and-Source-Specific Queries will name it (§6.6.3.2).
#[derive(Debug, Clone)]
pub(super) struct SourceRecord<T> {
    pub(super) timer: Option<Expiry<T>>,
    pub(super) retransmissions: u8,
}

/// A group record (RFC 3376/9776 §6.2.1, RFC 3810 §7.2.1) with its compatibility timers
/// (§7.3.2, RFC 3810 §8.3.2) and the state of its pending specific queries (§6.6.3).
#[derive(Debug, Clone)]
pub(super) struct GroupRecord<A, T> {
    pub(super) mode: FilterMode,
    /// The Group Timer: running in EXCLUDE mode only.
    pub(super) timer: Option<Expiry<T>>,
    pub(super) sources: BTreeMap<A, SourceRecord<T>>,
    /// The IGMPv1-Host-Present Timer.
    pub(super) v1_host_present: Option<Expiry<T>>,
    /// The IGMPv2-Host-Present (MLDv1-Host-Present) Timer.
    pub(super) v2_host_present: Option<Expiry<T>>,
    /// Group-Specific Queries still to send (§6.6.3.1).
    pub(super) retransmissions: u8,
}

/// Sets a record's timer to `new` and keeps the timer map no later than it.
///
/// The record holds the true deadline; the timer map holds one no later than it, so that a
/// refresh which pushes a deadline further out (the steady state of every report) costs no
/// timer map operation. When the map's entry fires early, the router re-arms it at the true
/// deadline. Lowering a timer (§6.6.1) lowers the map's entry at once.
pub(super) fn arm<A: Ord + Clone, T: Timestamp>(
    timers: &mut TimerMap<RouterTimer<A>, T>,
    key: RouterTimer<A>,
    slot: &mut Option<Expiry<T>>,
    new: Expiry<T>,
) {
    let old = slot.replace(new);
    match (old, new) {
        (_, Expiry::Never) => {
            timers.cancel(&key);
        }
        (Some(Expiry::At(old)), Expiry::At(new)) if old <= new => {}
        (_, Expiry::At(new)) => {
            timers.schedule_no_later_than(key, new);
        }
    }
}

/// Stops a record's timer.
pub(super) fn stop<A: Ord + Clone, T: Timestamp>(
    timers: &mut TimerMap<RouterTimer<A>, T>,
    key: &RouterTimer<A>,
    slot: &mut Option<Expiry<T>>,
) {
    if slot.take().is_some() {
        timers.cancel(key);
    }
}

/// What a transition needs besides the group record.
#[allow(clippy::struct_excessive_bools)]
pub(super) struct Context<'a, A, T> {
    pub(super) now: T,
    pub(super) group: A,
    pub(super) timers: &'a mut TimerMap<RouterTimer<A>, T>,
    pub(super) events: &'a mut VecDeque<RouterEvent<A>>,
    pub(super) stats: &'a mut RouterStats,
    pub(super) total_sources: &'a mut usize,
    pub(super) limits: Limits,
    /// The Group Membership Interval.
    pub(super) group_membership_interval: Duration,
    /// The Last Member Query Time.
    pub(super) last_member_query_time: Duration,
    /// The Last Member Query Count.
    pub(super) last_member_query_count: u8,
    /// Whether "Send Q(G)" actions are carried out (the router is the querier).
    pub(super) send_group_queries: bool,
    /// Whether "Send Q(G,X)" actions are carried out (querier running version 3).
    pub(super) send_source_queries: bool,
    /// Whether source-level forwarding events are emitted as they happen.
    pub(super) source_events: bool,
    /// Set when a transition scheduled a specific query.
    pub(super) query_scheduled: bool,
}

impl<A: Copy + Ord, T> Context<'_, A, T> {
    fn source_event(&mut self, source: A, forward: bool) {
        if self.source_events {
            self.events.push_back(RouterEvent::SourceForwardingChanged {
                group: self.group,
                source,
                forward,
            });
        }
    }
}

impl<A: Copy + Ord, T: Timestamp> GroupRecord<A, T> {
    /// A new record: INCLUDE mode with no sources, the "non-existent" state.
    pub(super) fn new() -> Self {
        Self {
            mode: FilterMode::Include,
            timer: None,
            sources: BTreeMap::new(),
            v1_host_present: None,
            v2_host_present: None,
            retransmissions: 0,
        }
    }

    /// The Group Compatibility Mode (§7.3.2 Table 12), before the configured version caps it.
    pub(super) fn compatibility_mode(&self) -> Version {
        if self.v1_host_present.is_some() {
            Version::V1
        } else if self.v2_host_present.is_some() {
            Version::V2
        } else {
            Version::V3
        }
    }

    /// Whether `source` is forwarded, as Table 7 (§6.3) suggests.
    pub(super) fn forwards(&self, source: &A) -> bool {
        match (self.mode, self.sources.get(source)) {
            (FilterMode::Include, found) => found.is_some(),
            (FilterMode::Exclude, Some(record)) => record.timer.is_some(),
            (FilterMode::Exclude, None) => true,
        }
    }

    /// Sets the Source Timer of `source` to `expiry`, creating the record if need be.
    fn set_source_timer(&mut self, cx: &mut Context<'_, A, T>, source: A, expiry: Expiry<T>) {
        match self.sources.get_mut(&source) {
            Some(record) => {
                let was_running = record.timer.is_some();
                arm(
                    cx.timers,
                    RouterTimer::SourceTimer(cx.group, source),
                    &mut record.timer,
                    expiry,
                );
                if self.mode == FilterMode::Exclude && !was_running {
                    cx.source_event(source, true);
                }
            }
            None => self.insert(cx, source, Some(expiry)),
        }
    }

    /// Creates the record of `source` with timer `timer`, unless a limit forbids it.
    fn insert(&mut self, cx: &mut Context<'_, A, T>, source: A, timer: Option<Expiry<T>>) {
        if self.sources.len() >= cx.limits.max_sources_per_group
            || *cx.total_sources >= cx.limits.max_sources
        {
            cx.stats.dropped_sources = cx.stats.dropped_sources.saturating_add(1);
            return;
        }
        let mut record = SourceRecord {
            timer: None,
            retransmissions: 0,
        };
        if let Some(expiry) = timer {
            arm(
                cx.timers,
                RouterTimer::SourceTimer(cx.group, source),
                &mut record.timer,
                expiry,
            );
        }
        let forward = self.mode == FilterMode::Include || record.timer.is_some();
        self.sources.insert(source, record);
        *cx.total_sources = cx.total_sources.saturating_add(1);
        if forward != (self.mode == FilterMode::Exclude) {
            cx.source_event(source, forward);
        }
    }

    /// Deletes the record of `source`.
    pub(super) fn delete(&mut self, cx: &mut Context<'_, A, T>, source: &A) {
        if let Some(mut record) = self.sources.remove(source) {
            *cx.total_sources = cx.total_sources.saturating_sub(1);
            let forwarded = self.mode == FilterMode::Include || record.timer.is_some();
            stop(
                cx.timers,
                &RouterTimer::SourceTimer(cx.group, *source),
                &mut record.timer,
            );
            let now_forwarded = self.mode == FilterMode::Exclude;
            if forwarded != now_forwarded {
                cx.source_event(*source, now_forwarded);
            }
        }
    }

    /// Stops the Source Timer of `source` in EXCLUDE mode: the source moves from X to Y.
    pub(super) fn exclude(&mut self, cx: &mut Context<'_, A, T>, source: A) {
        if let Some(record) = self.sources.get_mut(&source) {
            let was_running = record.timer.is_some();
            stop(
                cx.timers,
                &RouterTimer::SourceTimer(cx.group, source),
                &mut record.timer,
            );
            if was_running {
                cx.source_event(source, false);
            }
        }
    }

    /// Deletes every source not in `keep` (sorted).
    fn delete_all_but(&mut self, cx: &mut Context<'_, A, T>, keep: &[A]) {
        let doomed: Vec<A> = self
            .sources
            .keys()
            .filter(|s| keep.binary_search(s).is_err())
            .copied()
            .collect();
        for source in &doomed {
            self.delete(cx, source);
        }
    }

    /// Sources of `list` whose record exists and whose timer runs (A*B in INCLUDE mode, A-Y in
    /// EXCLUDE mode).
    fn running_among(&self, list: &[A]) -> Vec<A> {
        list.iter()
            .filter(|s| self.sources.get(s).is_some_and(|r| r.timer.is_some()))
            .copied()
            .collect()
    }

    /// Sources whose timer runs and which are not in `list` (A-B in INCLUDE mode, X-A in
    /// EXCLUDE mode).
    fn running_not_in(&self, list: &[A]) -> Vec<A> {
        self.sources
            .iter()
            .filter(|(s, r)| r.timer.is_some() && list.binary_search(s).is_err())
            .map(|(s, _)| *s)
            .collect()
    }

    /// Applies one group record of type `record_type` with sources `b` (sorted, without
    /// duplicates): the rows of Table 8 (§6.4.1) and Table 9 (§6.4.2).
    pub(super) fn apply(&mut self, cx: &mut Context<'_, A, T>, record_type: RecordType, b: &[A]) {
        let group_membership_interval = Expiry::after(cx.now, cx.group_membership_interval);
        match (self.mode, record_type) {
            // INCLUDE (A), IS_IN (B) -> INCLUDE (A+B); (B)=GMI.
            // INCLUDE (A), ALLOW (B) -> INCLUDE (A+B); (B)=GMI.
            // EXCLUDE (X,Y), IS_IN (A) -> EXCLUDE (X+A,Y-A); (A)=GMI.
            // EXCLUDE (X,Y), ALLOW (A) -> EXCLUDE (X+A,Y-A); (A)=GMI.
            (_, RecordType::ModeIsInclude | RecordType::AllowNewSources) => {
                for &source in b {
                    self.set_source_timer(cx, source, group_membership_interval);
                }
            }
            // INCLUDE (A), TO_IN (B) -> INCLUDE (A+B); (B)=GMI; Send Q(G,A-B).
            (FilterMode::Include, RecordType::ChangeToIncludeMode) => {
                let query = self.running_not_in(b);
                for &source in b {
                    self.set_source_timer(cx, source, group_membership_interval);
                }
                self.query_sources(cx, &query);
            }
            // EXCLUDE (X,Y), TO_IN (A) -> EXCLUDE (X+A,Y-A); (A)=GMI; Send Q(G,X-A); Send Q(G).
            (FilterMode::Exclude, RecordType::ChangeToIncludeMode) => {
                let query = self.running_not_in(b);
                for &source in b {
                    self.set_source_timer(cx, source, group_membership_interval);
                }
                self.query_sources(cx, &query);
                self.query_group(cx);
            }
            // INCLUDE (A), BLOCK (B) -> INCLUDE (A); Send Q(G,A*B).
            (FilterMode::Include, RecordType::BlockOldSources) => {
                let query = self.running_among(b);
                self.query_sources(cx, &query);
            }
            // EXCLUDE (X,Y), BLOCK (A) -> EXCLUDE (X+(A-Y),Y); (A-X-Y)=Group Timer;
            // Send Q(G,A-Y).
            (FilterMode::Exclude, RecordType::BlockOldSources) => {
                let group_timer = self.timer;
                for &source in b {
                    if !self.sources.contains_key(&source) {
                        self.insert(cx, source, group_timer);
                    }
                }
                let query = self.running_among(b);
                self.query_sources(cx, &query);
            }
            // INCLUDE (A), IS_EX (B) -> EXCLUDE (A*B,B-A); (B-A)=0; Delete (A-B);
            // Group Timer=GMI.
            // INCLUDE (A), TO_EX (B) -> EXCLUDE (A*B,B-A); (B-A)=0; Delete (A-B);
            // Send Q(G,A*B); Group Timer=GMI.
            (FilterMode::Include, RecordType::ModeIsExclude | RecordType::ChangeToExcludeMode) => {
                // The filter mode changes: the forwarding events are the new mode, then every
                // source whose answer differs from it (Y).
                let source_events = core::mem::replace(&mut cx.source_events, false);
                self.delete_all_but(cx, b);
                self.mode = FilterMode::Exclude;
                for &source in b {
                    if !self.sources.contains_key(&source) {
                        self.insert(cx, source, None);
                    }
                }
                arm(
                    cx.timers,
                    RouterTimer::GroupTimer(cx.group),
                    &mut self.timer,
                    group_membership_interval,
                );
                cx.source_events = source_events;
                if source_events {
                    self.announce_mode(cx);
                }
                if record_type == RecordType::ChangeToExcludeMode {
                    let query = self.running_among(b);
                    self.query_sources(cx, &query);
                }
            }
            // EXCLUDE (X,Y), IS_EX (A) -> EXCLUDE (A-Y,Y*A); (A-X-Y)=GMI; Delete (X-A);
            // Delete (Y-A); Group Timer=GMI.
            (FilterMode::Exclude, RecordType::ModeIsExclude) => {
                self.delete_all_but(cx, b);
                for &source in b {
                    if !self.sources.contains_key(&source) {
                        self.insert(cx, source, Some(group_membership_interval));
                    }
                }
                arm(
                    cx.timers,
                    RouterTimer::GroupTimer(cx.group),
                    &mut self.timer,
                    group_membership_interval,
                );
            }
            // EXCLUDE (X,Y), TO_EX (A) -> EXCLUDE (A-Y,Y*A); (A-X-Y)=Group Timer;
            // Delete (X-A); Delete (Y-A); Send Q(G,A-Y); Group Timer=GMI.
            (FilterMode::Exclude, RecordType::ChangeToExcludeMode) => {
                let group_timer = self.timer;
                self.delete_all_but(cx, b);
                for &source in b {
                    if !self.sources.contains_key(&source) {
                        self.insert(cx, source, group_timer);
                    }
                }
                let query = self.running_among(b);
                self.query_sources(cx, &query);
                arm(
                    cx.timers,
                    RouterTimer::GroupTimer(cx.group),
                    &mut self.timer,
                    group_membership_interval,
                );
            }
            // §4.2.12: a record of an unknown type is ignored.
            (_, RecordType::Unknown(_)) => {}
        }
    }

    /// Emits the forwarding events of the current state from scratch: the filter mode, then
    /// every source whose answer differs from the mode's default.
    pub(super) fn announce_mode(&self, cx: &mut Context<'_, A, T>) {
        cx.events.push_back(RouterEvent::FilterModeChanged {
            group: cx.group,
            mode: Some(self.mode),
        });
        for (source, record) in &self.sources {
            let forward = self.mode == FilterMode::Include || record.timer.is_some();
            if forward != (self.mode == FilterMode::Exclude) {
                cx.source_event(*source, forward);
            }
        }
    }

    /// "Send Q(G,X)" (§6.6.3.2): for each source of X whose timer is above LMQT, lower it to
    /// LMQT and set its retransmission count to [Last Member Query Count].
    fn query_sources(&mut self, cx: &mut Context<'_, A, T>, query: &[A]) {
        if !cx.send_source_queries || query.is_empty() {
            return;
        }
        let last_member_query_time = Expiry::after(cx.now, cx.last_member_query_time);
        for source in query {
            if let Some(record) = self.sources.get_mut(source)
                && record
                    .timer
                    .is_some_and(|timer| timer > last_member_query_time)
            {
                arm(
                    cx.timers,
                    RouterTimer::SourceTimer(cx.group, *source),
                    &mut record.timer,
                    last_member_query_time,
                );
                record.retransmissions = cx.last_member_query_count;
                cx.query_scheduled = true;
            }
        }
    }

    /// "Send Q(G)" (§6.6.3.1): lower the Group Timer to LMQT and send [Last Member Query Count]
    /// Group-Specific Queries.
    fn query_group(&mut self, cx: &mut Context<'_, A, T>) {
        if !cx.send_group_queries {
            return;
        }
        self.lower_group_timer(cx.timers, cx.group, cx.now, cx.last_member_query_time);
        self.retransmissions = cx.last_member_query_count;
        cx.query_scheduled = true;
    }

    /// Lowers the Group Timer to `last_member_query_time` from `now` if it is running and
    /// above it (§6.6.1).
    pub(super) fn lower_group_timer(
        &mut self,
        timers: &mut TimerMap<RouterTimer<A>, T>,
        group: A,
        now: T,
        last_member_query_time: Duration,
    ) {
        let lowered = Expiry::after(now, last_member_query_time);
        if self.timer.is_some_and(|timer| timer > lowered) {
            arm(
                timers,
                RouterTimer::GroupTimer(group),
                &mut self.timer,
                lowered,
            );
        }
    }

    /// Lowers the Source Timer of `source` to `last_member_query_time` from `now` if it is
    /// running and above it (§6.6.1).
    pub(super) fn lower_source_timer(
        &mut self,
        timers: &mut TimerMap<RouterTimer<A>, T>,
        group: A,
        source: A,
        now: T,
        last_member_query_time: Duration,
    ) {
        let lowered = Expiry::after(now, last_member_query_time);
        if let Some(record) = self.sources.get_mut(&source)
            && record.timer.is_some_and(|timer| timer > lowered)
        {
            arm(
                timers,
                RouterTimer::SourceTimer(group, source),
                &mut record.timer,
                lowered,
            );
        }
    }

    /// Cancels every timer of the record.
    pub(super) fn cancel_timers(&mut self, timers: &mut TimerMap<RouterTimer<A>, T>, group: A) {
        timers.cancel(&RouterTimer::GroupTimer(group));
        timers.cancel(&RouterTimer::QueryRetransmission(group));
        timers.cancel(&RouterTimer::OlderHostPresent(group, Version::V1));
        timers.cancel(&RouterTimer::OlderHostPresent(group, Version::V2));
        for (source, record) in &self.sources {
            if record.timer.is_some() {
                timers.cancel(&RouterTimer::SourceTimer(group, *source));
            }
        }
    }
}
