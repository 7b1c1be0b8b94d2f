//! Join/Prune messages (RFC 7761 §4.5): the downstream per-interface machines of (*,G)
//! (§4.5.1), (S,G) (§4.5.2) and (S,G,rpt) (§4.5.3), what the upstream machines do on seeing
//! other routers' Join/Prunes (§4.5.4, §4.5.5, §4.5.7), their timers, and the building of the
//! messages this router sends, gathered per upstream neighbor (§4.9.5).

use alloc::vec::Vec;
use core::time::Duration;

use mcast_addr::family::IpFamily;
use mcast_addr::time::Timestamp;
use rand_core::Rng;

use super::prefix::width;
use super::tib::{self, DownstreamState, RptDownstreamState, RptUpstreamState, Sg, StarG};
use super::{InterfaceId, MIN_PERIOD, PendingGroup, Router, Timer, all_pim_routers};
use crate::wire::{
    EncodedGroup, EncodedSource, GroupSetRepr, Holdtime, JoinPrune, JoinPruneRepr, MessageRepr,
    PseudoHeader, SourceTree, max_message_len,
};

/// The kind of a Join/Prune entry, in the order a receiver processes them (§4.5: (*,G)
/// first, then (S,G,rpt), then (S,G)).
pub(crate) const KIND_STAR_G: u8 = 0;
pub(crate) const KIND_SG_RPT: u8 = 1;
pub(crate) const KIND_SG: u8 = 2;

impl<F: IpFamily, T: Timestamp, R: Rng> Router<F, T, R> {
    // ----- Entry creation within limits -------------------------------------------------------

    /// The (*,G) entry of `group`, created if the limit allows (§4.1.3).
    pub(super) fn star_entry(&mut self, group: F::Addr) -> Option<&mut StarG<F::Addr>> {
        let exists = self.groups.get(&group).is_some_and(|g| g.star.is_some());
        if !exists {
            let limits = self.config.limits;
            if !self.star_g_gate.admits(
                self.star_g_count,
                limits.max_star_g,
                limits.low_water_percent,
            ) {
                self.stats.dropped_star_g = self.stats.dropped_star_g.saturating_add(1);
                return None;
            }
            self.star_g_count = self.star_g_count.saturating_add(1);
            self.groups.entry(group).or_default().star = Some(StarG::default());
        }
        self.groups.get_mut(&group).and_then(|g| g.star.as_mut())
    }

    /// The (S,G) entry, created if the limit allows (§4.1.4).
    pub(super) fn sg_entry(&mut self, group: F::Addr, source: F::Addr) -> Option<&mut Sg<F::Addr>> {
        let exists = self
            .groups
            .get(&group)
            .is_some_and(|g| g.sources.contains_key(&source));
        if !exists {
            let limits = self.config.limits;
            if !self
                .sg_gate
                .admits(self.sg_count, limits.max_sg, limits.low_water_percent)
            {
                self.stats.dropped_sg = self.stats.dropped_sg.saturating_add(1);
                return None;
            }
            self.sg_count = self.sg_count.saturating_add(1);
            self.groups
                .entry(group)
                .or_default()
                .sources
                .insert(source, Sg::default());
        }
        self.groups
            .get_mut(&group)
            .and_then(|g| g.sources.get_mut(&source))
    }

    /// Whether a new downstream state may be created on `interface`.
    fn admit_downstream(&mut self, interface: InterfaceId) -> bool {
        let limits = self.config.limits;
        let Some(i) = self.interfaces.get_mut(&interface) else {
            return false;
        };
        let ok = i.downstream_gate.admits(
            i.downstream_count,
            limits.max_downstream_per_interface,
            limits.low_water_percent,
        );
        if ok {
            i.downstream_count = i.downstream_count.saturating_add(1);
        } else {
            self.stats.dropped_downstream = self.stats.dropped_downstream.saturating_add(1);
        }
        ok
    }

    pub(super) fn release_downstream(&mut self, interface: InterfaceId) {
        if let Some(i) = self.interfaces.get_mut(&interface) {
            i.downstream_count = i.downstream_count.saturating_sub(1);
        }
    }

    /// Sets an Expiry Timer to max(its time left, `holdtime`) (§4.5.1: "the Expiry Timer is
    /// restarted, set to maximum of its current value and the HoldTime"); an infinite Holdtime
    /// (`None`) means no timer.
    fn extend_expiry(
        &mut self,
        now: T,
        timer: Timer<F::Addr>,
        holdtime: Option<Duration>,
        fresh: bool,
    ) {
        match holdtime {
            None => {
                self.timers.cancel(&timer);
            }
            Some(h) => {
                let running = self.timers.remaining(&timer, now);
                match running {
                    Some(left) if left >= h => {}
                    None if !fresh => {} // infinite so far: stays infinite
                    _ => self.schedule(timer, now, h),
                }
            }
        }
    }

    // ----- Receiving --------------------------------------------------------------------------

    pub(super) fn receive_join_prune(
        &mut self,
        now: T,
        interface: InterfaceId,
        _source: F::Addr,
        jp: &JoinPrune<'_, F>,
    ) {
        let Some(i) = self.interfaces.get(&interface) else {
            return;
        };
        let to_me = i.is_mine(jp.upstream_neighbor);
        let target = i.nbr(jp.upstream_neighbor);
        let holdtime = jp.holdtime.duration();
        let mut star_joined: Vec<F::Addr> = Vec::new();
        for set in jp.groups() {
            let g = set.group.address;
            let entries = set.joined.len().saturating_add(set.pruned.len());
            if !F::is_multicast(&g)
                || set.group.mask_length != width::<F>()
                || set.group.flags.bidirectional()
            {
                self.stats.ignored_entries =
                    self.stats.ignored_entries.saturating_add(entries as u64);
                continue;
            }
            let ssm = self.is_ssm(g);
            // Entries by kind, each kind processed in turn (§4.5).
            let mut list: Vec<(u8, bool, F::Addr)> = Vec::with_capacity(entries);
            for (join, sources) in [(true, set.joined), (false, set.pruned)] {
                for e in sources {
                    let kind = match e.source.tree() {
                        Some(SourceTree::StarGroup) if !ssm => KIND_STAR_G,
                        Some(SourceTree::SourceGroupRpt) if !ssm => KIND_SG_RPT,
                        Some(SourceTree::SourceGroup) if e.source.mask_length == width::<F>() => {
                            KIND_SG
                        }
                        _ => {
                            self.stats.ignored_entries =
                                self.stats.ignored_entries.saturating_add(1);
                            continue;
                        }
                    };
                    list.push((kind, join, e.source.address));
                }
            }
            list.sort_by_key(|(kind, join, _)| (*kind, !*join));
            for (kind, join, addr) in list {
                if to_me {
                    match (kind, join) {
                        (KIND_STAR_G, true) => {
                            // A Join(*,G) naming another RP than RP(G) is dropped (§4.5.1).
                            if self.rp(g) == Some(addr) {
                                self.downstream_star_join(now, g, interface, holdtime);
                                star_joined.push(g);
                            } else {
                                self.stats.ignored_entries =
                                    self.stats.ignored_entries.saturating_add(1);
                            }
                        }
                        (KIND_STAR_G, false) => self.downstream_star_prune(now, g, interface),
                        (KIND_SG_RPT, true) => self.downstream_rpt_join(g, addr, interface),
                        (KIND_SG_RPT, false) => {
                            self.downstream_rpt_prune(now, g, addr, interface, holdtime);
                        }
                        (KIND_SG, true) => {
                            self.downstream_sg_join(now, g, addr, interface, holdtime);
                        }
                        _ => self.downstream_sg_prune(now, g, addr, interface),
                    }
                } else if let Some(target) = target {
                    self.see_join_prune(now, interface, target, g, kind, join, addr, holdtime);
                }
            }
        }
        // End of Message (§4.5.3): (S,G,rpt) PruneTmp and PrunePendingTmp states the message's
        // (*,G) Join left unconfirmed go back to NoInfo.
        star_joined.dedup();
        for g in star_joined {
            self.end_of_message(g, interface);
        }
    }

    /// "Receive Join(*,G)" (§4.5.1), and its effect on the (S,G,rpt) machines of the
    /// interface (§4.5.3) and on a (*,G) Assert loser (§4.6.2).
    fn downstream_star_join(
        &mut self,
        now: T,
        group: F::Addr,
        interface: InterfaceId,
        holdtime: Option<Duration>,
    ) {
        let current = self
            .star(group)
            .and_then(|s| tib::find(&s.downstream, interface));
        if current.is_none() && !self.admit_downstream(interface) {
            return;
        }
        let Some(star) = self.star_entry(group) else {
            if current.is_none() {
                self.release_downstream(interface);
            }
            return;
        };
        tib::set(&mut star.downstream, interface, DownstreamState::Join);
        self.timers
            .cancel(&Timer::StarGPrunePending(group, interface));
        self.extend_expiry(
            now,
            Timer::StarGExpiry(group, interface),
            holdtime,
            current.is_none(),
        );
        // (S,G,rpt): Prune -> PruneTmp, PrunePending -> PrunePendingTmp.
        if let Some(g) = self.groups.get_mut(&group) {
            for sg in g.sources.values_mut() {
                for (i, st) in &mut sg.rpt_downstream {
                    if *i == interface {
                        *st = match *st {
                            RptDownstreamState::Prune => RptDownstreamState::PruneTmp,
                            RptDownstreamState::PrunePending => RptDownstreamState::PrunePendingTmp,
                            other => other,
                        };
                    }
                }
            }
        }
        // "Receive Join(*,G) on interface I" in I am Assert Loser: A5 (§4.6.2).
        self.star_assert_join_received(group, interface);
        if current.is_none() {
            self.mark_group(group);
        }
    }

    /// "Receive Prune(*,G)" (§4.5.1).
    fn downstream_star_prune(&mut self, now: T, group: F::Addr, interface: InterfaceId) {
        let current = self
            .star(group)
            .and_then(|s| tib::find(&s.downstream, interface));
        if current != Some(DownstreamState::Join) {
            return;
        }
        let delay = self.interfaces.get(&interface).map_or(
            Duration::ZERO,
            super::neighbor::Interface::prune_pending_delay,
        );
        if let Some(star) = self.groups.get_mut(&group).and_then(|g| g.star.as_mut()) {
            tib::set(
                &mut star.downstream,
                interface,
                DownstreamState::PrunePending,
            );
        }
        self.schedule(Timer::StarGPrunePending(group, interface), now, delay);
    }

    pub(super) fn star_g_prune_pending_expired(
        &mut self,
        _now: T,
        group: F::Addr,
        interface: InterfaceId,
    ) {
        let current = self
            .star(group)
            .and_then(|s| tib::find(&s.downstream, interface));
        if current != Some(DownstreamState::PrunePending) {
            return;
        }
        self.remove_star_downstream(group, interface);
        // PruneEcho(*,G) on a LAN (§4.5.1): a Prune(*,G) addressed to this router itself, so
        // that a router whose Join was lost hears it and overrides.
        let echo = self
            .interfaces
            .get(&interface)
            .filter(|i| i.neighbors.len() > 1)
            .map(|i| i.address);
        if let (Some(me), Some(rp)) = (echo, self.rp(group)) {
            self.queue_entry(interface, me, group, KIND_STAR_G, false, rp);
        }
    }

    pub(super) fn star_g_expiry(&mut self, _now: T, group: F::Addr, interface: InterfaceId) {
        self.remove_star_downstream(group, interface);
    }

    fn remove_star_downstream(&mut self, group: F::Addr, interface: InterfaceId) {
        let removed = self
            .groups
            .get_mut(&group)
            .and_then(|g| g.star.as_mut())
            .is_some_and(|s| tib::unset(&mut s.downstream, interface));
        self.timers.cancel(&Timer::StarGExpiry(group, interface));
        self.timers
            .cancel(&Timer::StarGPrunePending(group, interface));
        if removed {
            self.release_downstream(interface);
            self.mark_group(group);
        }
    }

    /// "Receive Join(S,G)" (§4.5.2), and its effect on an (S,G) Assert loser (§4.6.1).
    fn downstream_sg_join(
        &mut self,
        now: T,
        group: F::Addr,
        source: F::Addr,
        interface: InterfaceId,
        holdtime: Option<Duration>,
    ) {
        // The refresh of a Join in state Join, the common case: one lookup of the entry, no
        // Prune-Pending Timer to cancel, no Assert to look at unless there is one.
        if let Some(sg) = self
            .groups
            .get_mut(&group)
            .and_then(|g| g.sources.get_mut(&source))
            && tib::find(&sg.downstream, interface) == Some(DownstreamState::Join)
        {
            let asserts = !sg.asserts.is_empty();
            self.extend_expiry(
                now,
                Timer::SgExpiry(group, source, interface),
                holdtime,
                false,
            );
            if asserts {
                self.sg_assert_join_received(group, source, interface);
            }
            return;
        }
        let current = self
            .sg(group, source)
            .and_then(|s| tib::find(&s.downstream, interface));
        if current.is_none() && !self.admit_downstream(interface) {
            return;
        }
        let Some(sg) = self.sg_entry(group, source) else {
            if current.is_none() {
                self.release_downstream(interface);
            }
            return;
        };
        tib::set(&mut sg.downstream, interface, DownstreamState::Join);
        self.timers
            .cancel(&Timer::SgPrunePending(group, source, interface));
        self.extend_expiry(
            now,
            Timer::SgExpiry(group, source, interface),
            holdtime,
            current.is_none(),
        );
        self.sg_assert_join_received(group, source, interface);
        if current.is_none() {
            self.mark_source(group, source);
        }
    }

    /// "Receive Prune(S,G)" (§4.5.2).
    fn downstream_sg_prune(
        &mut self,
        now: T,
        group: F::Addr,
        source: F::Addr,
        interface: InterfaceId,
    ) {
        let current = self
            .sg(group, source)
            .and_then(|s| tib::find(&s.downstream, interface));
        if current != Some(DownstreamState::Join) {
            return;
        }
        let delay = self.interfaces.get(&interface).map_or(
            Duration::ZERO,
            super::neighbor::Interface::prune_pending_delay,
        );
        if let Some(sg) = self
            .groups
            .get_mut(&group)
            .and_then(|g| g.sources.get_mut(&source))
        {
            tib::set(&mut sg.downstream, interface, DownstreamState::PrunePending);
        }
        self.schedule(Timer::SgPrunePending(group, source, interface), now, delay);
    }

    pub(super) fn sg_prune_pending_expired(
        &mut self,
        _now: T,
        group: F::Addr,
        source: F::Addr,
        interface: InterfaceId,
    ) {
        let current = self
            .sg(group, source)
            .and_then(|s| tib::find(&s.downstream, interface));
        if current != Some(DownstreamState::PrunePending) {
            return;
        }
        self.remove_sg_downstream(group, source, interface);
        // PruneEcho(S,G) (§4.5.2).
        let echo = self
            .interfaces
            .get(&interface)
            .filter(|i| i.neighbors.len() > 1)
            .map(|i| i.address);
        if let Some(me) = echo {
            self.queue_entry(interface, me, group, KIND_SG, false, source);
        }
    }

    pub(super) fn sg_expiry(
        &mut self,
        _now: T,
        group: F::Addr,
        source: F::Addr,
        interface: InterfaceId,
    ) {
        self.remove_sg_downstream(group, source, interface);
    }

    fn remove_sg_downstream(&mut self, group: F::Addr, source: F::Addr, interface: InterfaceId) {
        let removed = self
            .groups
            .get_mut(&group)
            .and_then(|g| g.sources.get_mut(&source))
            .is_some_and(|s| tib::unset(&mut s.downstream, interface));
        self.timers
            .cancel(&Timer::SgExpiry(group, source, interface));
        self.timers
            .cancel(&Timer::SgPrunePending(group, source, interface));
        if removed {
            self.release_downstream(interface);
            self.mark_source(group, source);
        }
    }

    /// "Receive Prune(S,G,rpt)" (§4.5.3).
    fn downstream_rpt_prune(
        &mut self,
        now: T,
        group: F::Addr,
        source: F::Addr,
        interface: InterfaceId,
        holdtime: Option<Duration>,
    ) {
        let current = self
            .sg(group, source)
            .and_then(|s| tib::find(&s.rpt_downstream, interface));
        let next = match current {
            None | Some(RptDownstreamState::PrunePending | RptDownstreamState::PrunePendingTmp) => {
                RptDownstreamState::PrunePending
            }
            Some(RptDownstreamState::Prune | RptDownstreamState::PruneTmp) => {
                RptDownstreamState::Prune
            }
        };
        if current.is_none() && !self.admit_downstream(interface) {
            return;
        }
        let Some(sg) = self.sg_entry(group, source) else {
            if current.is_none() {
                self.release_downstream(interface);
            }
            return;
        };
        tib::set(&mut sg.rpt_downstream, interface, next);
        if current.is_none() {
            let delay = self.interfaces.get(&interface).map_or(
                Duration::ZERO,
                super::neighbor::Interface::prune_pending_delay,
            );
            self.schedule(
                Timer::SgRptPrunePending(group, source, interface),
                now,
                delay,
            );
        }
        self.extend_expiry(
            now,
            Timer::SgRptExpiry(group, source, interface),
            holdtime,
            current.is_none(),
        );
        self.mark_source(group, source);
    }

    /// "Receive Join(S,G,rpt)" (§4.5.3): back to NoInfo from every state.
    fn downstream_rpt_join(&mut self, group: F::Addr, source: F::Addr, interface: InterfaceId) {
        self.remove_rpt_downstream(group, source, interface);
    }

    fn remove_rpt_downstream(&mut self, group: F::Addr, source: F::Addr, interface: InterfaceId) {
        let removed = self
            .groups
            .get_mut(&group)
            .and_then(|g| g.sources.get_mut(&source))
            .is_some_and(|s| tib::unset(&mut s.rpt_downstream, interface));
        self.timers
            .cancel(&Timer::SgRptExpiry(group, source, interface));
        self.timers
            .cancel(&Timer::SgRptPrunePending(group, source, interface));
        if removed {
            self.release_downstream(interface);
            self.mark_source(group, source);
        }
    }

    /// "End of Message" (§4.5.3).
    fn end_of_message(&mut self, group: F::Addr, interface: InterfaceId) {
        let sources: Vec<F::Addr> = self
            .groups
            .get(&group)
            .map(|g| {
                g.sources
                    .iter()
                    .filter(|(_, sg)| {
                        matches!(
                            tib::find(&sg.rpt_downstream, interface),
                            Some(
                                RptDownstreamState::PruneTmp | RptDownstreamState::PrunePendingTmp
                            )
                        )
                    })
                    .map(|(s, _)| *s)
                    .collect()
            })
            .unwrap_or_default();
        for s in sources {
            self.remove_rpt_downstream(group, s, interface);
        }
    }

    pub(super) fn sg_rpt_prune_pending_expired(
        &mut self,
        _now: T,
        group: F::Addr,
        source: F::Addr,
        interface: InterfaceId,
    ) {
        if let Some(sg) = self
            .groups
            .get_mut(&group)
            .and_then(|g| g.sources.get_mut(&source))
            && tib::find(&sg.rpt_downstream, interface) == Some(RptDownstreamState::PrunePending)
        {
            tib::set(&mut sg.rpt_downstream, interface, RptDownstreamState::Prune);
            self.mark_source(group, source);
        }
    }

    pub(super) fn sg_rpt_expiry(
        &mut self,
        _now: T,
        group: F::Addr,
        source: F::Addr,
        interface: InterfaceId,
    ) {
        self.remove_rpt_downstream(group, source, interface);
    }

    // ----- Seeing other routers' Join/Prunes (upstream, §4.5.4, §4.5.5, §4.5.7) ----------------

    /// t_override: rand(0, Effective_Override_Interval(I)) (§4.11).
    fn t_override(&mut self, interface: InterfaceId) -> Duration {
        let high = self.interfaces.get(&interface).map_or(
            Duration::ZERO,
            super::neighbor::Interface::effective_override_interval,
        );
        self.random(Duration::ZERO, high)
    }

    /// t_joinsuppress = min(t_suppressed, HoldTime) with t_suppressed = rand(1.1 × t_periodic,
    /// 1.4 × t_periodic) when Suppression_Enabled(I), nothing otherwise (§4.5.4, §4.11).
    fn t_joinsuppress(
        &mut self,
        interface: InterfaceId,
        holdtime: Option<Duration>,
    ) -> Option<Duration> {
        let i = self.interfaces.get(&interface)?;
        if !i.suppression_enabled() {
            return None;
        }
        let period = i.config.join_prune_period;
        let low = period.saturating_mul(11).checked_div(10).unwrap_or(period);
        let high = period.saturating_mul(14).checked_div(10).unwrap_or(period);
        let suppressed = self.random(low, high);
        Some(holdtime.map_or(suppressed, |h| suppressed.min(h)))
    }

    /// Increases a Join Timer to `t` (if it runs and would expire sooner).
    fn increase_timer(&mut self, now: T, timer: Timer<F::Addr>, t: Duration) {
        if let Some(left) = self.timers.remaining(&timer, now)
            && left < t
        {
            self.schedule(timer, now, t);
        }
    }

    /// Decreases a running timer to `t` (if it would expire later).
    fn decrease_timer(&mut self, now: T, timer: Timer<F::Addr>, t: Duration) {
        if let Some(deadline) = now.checked_add_duration(t)
            && self.timers.is_running(&timer)
        {
            self.timers.schedule_no_later_than(timer, deadline);
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn see_join_prune(
        &mut self,
        now: T,
        interface: InterfaceId,
        target: F::Addr,
        group: F::Addr,
        kind: u8,
        join: bool,
        addr: F::Addr,
        holdtime: Option<Duration>,
    ) {
        let to = Some((interface, target));
        match (kind, join) {
            (KIND_STAR_G, true) => {
                if self.star(group).is_some_and(|s| s.joined)
                    && self.rpf_prime_star(group) == to
                    && let Some(t) = self.t_joinsuppress(interface, holdtime)
                {
                    self.increase_timer(now, Timer::StarGJoin(group), t);
                }
            }
            (KIND_STAR_G, false) => {
                if self.star(group).is_some_and(|s| s.joined) && self.rpf_prime_star(group) == to {
                    let t = self.t_override(interface);
                    self.decrease_timer(now, Timer::StarGJoin(group), t);
                }
            }
            (KIND_SG, true) => {
                if self.sg(group, addr).is_some_and(|s| s.joined)
                    && self.rpf_prime_sg(group, addr) == to
                    && let Some(t) = self.t_joinsuppress(interface, holdtime)
                {
                    self.increase_timer(now, Timer::SgJoin(group, addr), t);
                }
            }
            (KIND_SG, false) => {
                if self.sg(group, addr).is_some_and(|s| s.joined)
                    && self.rpf_prime_sg(group, addr) == to
                {
                    let t = self.t_override(interface);
                    self.decrease_timer(now, Timer::SgJoin(group, addr), t);
                }
                // "See Prune(S,G) to RPF'(S,G,rpt)" in NotPruned (§4.5.7).
                if self
                    .sg(group, addr)
                    .is_some_and(|s| s.rpt == RptUpstreamState::NotPruned)
                    && self.rpf_prime_sg_rpt(group, addr) == to
                {
                    let t = self.t_override(interface);
                    self.lower_override(now, group, addr, t);
                }
            }
            (KIND_SG_RPT, true) => {
                // "See Join(S,G,rpt) to RPF'(S,G,rpt)": cancel OT (§4.5.7).
                if self.rpf_prime_sg_rpt(group, addr) == to {
                    self.timers.cancel(&Timer::SgRptOverride(group, addr));
                }
            }
            _ => {
                // "See Prune(S,G,rpt) to RPF'(S,G,rpt)": OT = min(OT, t_override) in NotPruned
                // (§4.5.7). A router joined to the shared tree without (S,G) state is
                // NotPruned for S and must override too: the state is created for it.
                if !self.rpt_join_desired(group) || self.rpf_prime_sg_rpt(group, addr) != to {
                    return;
                }
                let needs = self.sg(group, addr).is_none();
                if needs {
                    if self.prune_desired_sg_rpt(group, addr) {
                        return;
                    }
                    match self.sg_entry(group, addr) {
                        Some(sg) => sg.rpt = RptUpstreamState::NotPruned,
                        None => return,
                    }
                }
                if self
                    .sg(group, addr)
                    .is_some_and(|s| s.rpt == RptUpstreamState::NotPruned)
                {
                    let t = self.t_override(interface);
                    self.lower_override(now, group, addr, t);
                }
            }
        }
    }

    /// OT(S,G,rpt) = min(OT, t): started if not running.
    pub(super) fn lower_override(&mut self, now: T, group: F::Addr, source: F::Addr, t: Duration) {
        if let Some(deadline) = now.checked_add_duration(t) {
            self.timers
                .schedule_no_later_than(Timer::SgRptOverride(group, source), deadline);
        }
    }

    // ----- Upstream timers --------------------------------------------------------------------

    fn join_period(&self, interface: InterfaceId) -> Duration {
        self.interfaces
            .get(&interface)
            .map_or(super::config::JOIN_PRUNE_PERIOD, |i| {
                i.config.join_prune_period
            })
            .max(MIN_PERIOD)
    }

    /// Join Timer of (*,G) expires (§4.5.4): send Join(*,G), restart it with t_periodic.
    pub(super) fn star_g_join_timer(&mut self, now: T, group: F::Addr) {
        let Some(star) = self.star(group) else {
            return;
        };
        if !star.joined {
            return;
        }
        if let Some((i, n)) = self.rpf_prime_star(group) {
            self.send_star_join(group, i, n);
            let period = self.join_period(i);
            self.schedule(Timer::StarGJoin(group), now, period);
        } else {
            self.schedule(
                Timer::StarGJoin(group),
                now,
                super::config::JOIN_PRUNE_PERIOD,
            );
        }
    }

    /// Join Timer of (S,G) expires (§4.5.5).
    pub(super) fn sg_join_timer(&mut self, now: T, group: F::Addr, source: F::Addr) {
        if !self.sg(group, source).is_some_and(|s| s.joined) {
            return;
        }
        if let Some((i, n)) = self.rpf_prime_sg(group, source) {
            self.queue_entry(i, n, group, KIND_SG, true, source);
            let period = self.join_period(i);
            self.schedule(Timer::SgJoin(group, source), now, period);
        } else {
            self.schedule(
                Timer::SgJoin(group, source),
                now,
                super::config::JOIN_PRUNE_PERIOD,
            );
        }
    }

    /// Override Timer of (S,G,rpt) expires (§4.5.7): send Join(S,G,rpt), leave it unset.
    pub(super) fn sg_rpt_override_timer(&mut self, _now: T, group: F::Addr, source: F::Addr) {
        if self
            .sg(group, source)
            .is_none_or(|s| s.rpt != RptUpstreamState::NotPruned)
        {
            return;
        }
        if let Some((i, n)) = self.rpf_prime_sg_rpt(group, source) {
            self.queue_entry(i, n, group, KIND_SG_RPT, true, source);
        }
    }

    // ----- Sending ----------------------------------------------------------------------------

    /// Adds Join(*,G) to the message for (`interface`, `neighbor`) with the Prune(S,G,rpt)
    /// entries §4.5.6 asks to go with it.
    pub(super) fn send_star_join(
        &mut self,
        group: F::Addr,
        interface: InterfaceId,
        neighbor: F::Addr,
    ) {
        let Some(rp) = self.rp(group) else {
            return;
        };
        self.queue_entry(interface, neighbor, group, KIND_STAR_G, true, rp);
        let star_prime = self.rpf_prime_star(group);
        let sources: Vec<F::Addr> = self
            .groups
            .get(&group)
            .map(|g| g.sources.keys().copied().collect())
            .unwrap_or_default();
        for s in sources {
            let prune = if self.spt_bit(group, s) {
                star_prime != self.rpf_prime_sg(group, s)
            } else if self.inherited_olist_sg_rpt(group, s).is_empty() {
                true
            } else {
                star_prime != self.rpf_prime_sg_rpt(group, s)
            };
            if prune {
                self.queue_entry(interface, neighbor, group, KIND_SG_RPT, false, s);
            }
        }
    }

    /// Adds one entry to the message gathered for (`interface`, `neighbor`); a later entry
    /// for the same source and kind replaces an opposite earlier one.
    pub(super) fn queue_entry(
        &mut self,
        interface: InterfaceId,
        neighbor: F::Addr,
        group: F::Addr,
        kind: u8,
        join: bool,
        addr: F::Addr,
    ) {
        let set = self
            .pending
            .entry((interface, neighbor))
            .or_default()
            .entry(group)
            .or_default();
        let key = (kind, addr);
        if join {
            set.prunes.remove(&key);
            set.joins.insert(key);
        } else {
            set.joins.remove(&key);
            set.prunes.insert(key);
        }
    }

    /// Sends the gathered Join/Prunes: one message per upstream neighbor, split to the MTU
    /// with each (*,G) Join kept with its (S,G,rpt) Prunes (§4.9.5.1).
    pub(super) fn flush_join_prunes(&mut self, _now: T) {
        if self.pending.is_empty() {
            return;
        }
        let pending = core::mem::take(&mut self.pending);
        for ((interface, neighbor), groups) in pending {
            let Some(i) = self.interfaces.get(&interface) else {
                continue;
            };
            if !i.up || i.config.passive {
                continue;
            }
            let holdtime = Holdtime::from_duration(i.config.join_prune_holdtime);
            let mtu = i.config.mtu;
            let source = i.address;
            let mut message = JoinPruneRepr::<F>::new(neighbor, holdtime);
            for (group, set) in groups {
                message.groups.push(group_set(group, &set));
            }
            let Ok(parts) = message.split(max_message_len::<F>(mtu)) else {
                self.stats.send_errors = self.stats.send_errors.saturating_add(1);
                continue;
            };
            self.ensure_hello_sent(interface);
            let destination = all_pim_routers::<F>();
            let ph = PseudoHeader::new(source, destination);
            for part in parts {
                let built = MessageRepr::JoinPrune(part).to_bytes(&ph);
                self.send_to_all_routers(interface, source, built);
            }
        }
    }
}

fn encoded<F: IpFamily>(kind: u8, addr: F::Addr) -> EncodedSource<F> {
    match kind {
        KIND_STAR_G => EncodedSource::star_group(addr),
        KIND_SG_RPT => EncodedSource::source_group_rpt(addr),
        _ => EncodedSource::source_group(addr),
    }
}

fn group_set<F: IpFamily>(group: F::Addr, set: &PendingGroup<F::Addr>) -> GroupSetRepr<F> {
    let mut out = GroupSetRepr::new(EncodedGroup::host(group));
    out.joins = set
        .joins
        .iter()
        .map(|&(k, a)| encoded::<F>(k, a).into())
        .collect();
    out.prunes = set
        .prunes
        .iter()
        .map(|&(k, a)| encoded::<F>(k, a).into())
        .collect();
    out
}
