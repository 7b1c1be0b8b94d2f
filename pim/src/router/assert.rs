//! The Assert machines (RFC 7761 §4.6): (S,G) per interface (§4.6.1) and (*,G) per interface
//! (§4.6.2), with the actions A1 to A6 as the RFC numbers them, the Assert Timer, AssertCancel
//! and the neighbor events (a winner's GenID change or timeout) that end a loser's state.

use alloc::vec::Vec;
use core::time::Duration;

use mcast_addr::family::IpFamily;
use mcast_addr::time::Timestamp;
use rand_core::Rng;

use super::tib::{self, AssertEntry, AssertMetric, AssertState};
use super::{InterfaceId, Router, Timer, all_pim_routers};
use crate::wire::{Assert, EncodedGroup, MessageRepr, PseudoHeader};

/// Which Assert machine.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Machine<A> {
    Star,
    Source(A),
}

impl<F: IpFamily, T: Timestamp, R: Rng> Router<F, T, R> {
    fn assert_entry(
        &self,
        group: F::Addr,
        m: Machine<F::Addr>,
        i: InterfaceId,
    ) -> Option<AssertEntry<F::Addr>> {
        match m {
            Machine::Star => self.star_assert(group, i),
            Machine::Source(s) => self.sg_assert(group, s, i),
        }
    }

    fn assert_timer(group: F::Addr, m: Machine<F::Addr>, i: InterfaceId) -> Timer<F::Addr> {
        match m {
            Machine::Star => Timer::StarGAssert(group, i),
            Machine::Source(s) => Timer::SgAssert(group, s, i),
        }
    }

    fn my_metric(
        &self,
        group: F::Addr,
        m: Machine<F::Addr>,
        i: InterfaceId,
    ) -> AssertMetric<F::Addr> {
        match m {
            Machine::Star => self.my_assert_metric_star(group, i),
            Machine::Source(s) => self.my_assert_metric_sg(group, s, i),
        }
    }

    fn could_assert(&self, group: F::Addr, m: Machine<F::Addr>, i: InterfaceId) -> bool {
        match m {
            Machine::Star => self.could_assert_star(group, i),
            Machine::Source(s) => self.could_assert_sg(group, s, i),
        }
    }

    fn tracking_desired(&self, group: F::Addr, m: Machine<F::Addr>, i: InterfaceId) -> bool {
        match m {
            Machine::Star => self.assert_tracking_desired_star(group, i),
            Machine::Source(s) => self.assert_tracking_desired_sg(group, s, i),
        }
    }

    fn on_rpf_interface(&self, group: F::Addr, m: Machine<F::Addr>, i: InterfaceId) -> bool {
        match m {
            Machine::Star => self.rpf_interface_rp(group) == Some(i),
            Machine::Source(s) => self.rpf_interface(s) == Some(i),
        }
    }

    /// Stores assert state (creating the entry within the limits); `false` if it could not.
    fn store_assert(
        &mut self,
        group: F::Addr,
        m: Machine<F::Addr>,
        i: InterfaceId,
        entry: AssertEntry<F::Addr>,
    ) -> bool {
        let list = match m {
            Machine::Star => self.star_entry(group).map(|s| &mut s.asserts),
            Machine::Source(s) => self.sg_entry(group, s).map(|s| &mut s.asserts),
        };
        let Some(list) = list else {
            return false;
        };
        tib::set(list, i, entry);
        match m {
            Machine::Star => self.mark_group(group),
            Machine::Source(s) => self.mark_source(group, s),
        }
        true
    }

    /// A5 (and the end of A4): delete the assert info.
    fn delete_assert(&mut self, group: F::Addr, m: Machine<F::Addr>, i: InterfaceId) {
        let removed = match m {
            Machine::Star => self
                .groups
                .get_mut(&group)
                .and_then(|g| g.star.as_mut())
                .is_some_and(|s| tib::unset(&mut s.asserts, i)),
            Machine::Source(s) => self
                .groups
                .get_mut(&group)
                .and_then(|g| g.sources.get_mut(&s))
                .is_some_and(|sg| tib::unset(&mut sg.asserts, i)),
        };
        self.timers.cancel(&Self::assert_timer(group, m, i));
        if removed {
            match m {
                Machine::Star => self.mark_group(group),
                Machine::Source(s) => self.mark_source(group, s),
            }
        }
    }

    /// A1 (NoInfo → Winner) and A3 (Winner stays Winner): send an Assert, set the Assert Timer
    /// to Assert_Time − Assert_Override_Interval, store this router as the winner.
    fn assert_win(&mut self, now: T, group: F::Addr, m: Machine<F::Addr>, i: InterfaceId) {
        let metric = match m {
            Machine::Star => self.rpt_assert_metric(group, i),
            Machine::Source(s) => self.spt_assert_metric(s, i),
        };
        let entry = AssertEntry {
            state: AssertState::Winner,
            winner: metric,
            on_rpf_interface: self.on_rpf_interface(group, m, i),
        };
        if !self.store_assert(group, m, i, entry) {
            return;
        }
        let source = match m {
            Machine::Star => F::UNSPECIFIED,
            Machine::Source(s) => s,
        };
        self.send_assert(i, group, source, metric);
        let after = self
            .config
            .assert_time
            .saturating_sub(self.config.assert_override_interval);
        self.schedule(Self::assert_timer(group, m, i), now, after);
    }

    /// A2 (and A6, which also sets the SPTbit): store the new winner, set the Assert Timer to
    /// Assert_Time.
    fn assert_lose(
        &mut self,
        now: T,
        group: F::Addr,
        m: Machine<F::Addr>,
        i: InterfaceId,
        winner: AssertMetric<F::Addr>,
        a6: bool,
    ) {
        let entry = AssertEntry {
            state: AssertState::Loser,
            winner,
            on_rpf_interface: self.on_rpf_interface(group, m, i),
        };
        if !self.store_assert(group, m, i, entry) {
            return;
        }
        let time = self.config.assert_time;
        self.schedule(Self::assert_timer(group, m, i), now, time);
        if a6
            && let Machine::Source(s) = m
            && self.rpf_interface(s) == Some(i)
            && let Some(sg) = self
                .groups
                .get_mut(&group)
                .and_then(|g| g.sources.get_mut(&s))
            && sg.joined
        {
            sg.spt_bit = true;
        }
    }

    /// A4: send AssertCancel, delete the assert info.
    fn assert_cancel(&mut self, group: F::Addr, m: Machine<F::Addr>, i: InterfaceId) {
        let source = match m {
            Machine::Star => F::UNSPECIFIED,
            Machine::Source(s) => s,
        };
        let cancel = AssertMetric {
            address: F::UNSPECIFIED,
            ..Self::infinite_assert_metric()
        };
        self.send_assert(i, group, source, cancel);
        self.delete_assert(group, m, i);
    }

    fn send_assert(
        &mut self,
        interface: InterfaceId,
        group: F::Addr,
        source: F::Addr,
        metric: AssertMetric<F::Addr>,
    ) {
        let Some(i) = self.interfaces.get(&interface) else {
            return;
        };
        if !i.up || i.config.passive {
            return;
        }
        let me = i.address;
        self.ensure_hello_sent(interface);
        let assert = Assert::<F> {
            flag_bits: 0,
            group: EncodedGroup::host(group),
            source,
            rpt: metric.rpt,
            metric_preference: metric.preference,
            metric: metric.metric,
        };
        let built =
            MessageRepr::Assert(assert).to_bytes(&PseudoHeader::new(me, all_pim_routers::<F>()));
        self.send_to_all_routers(interface, me, built);
    }

    /// An Assert received on `interface` from the neighbor `from` (§4.6.1, §4.6.2).
    pub(super) fn receive_assert(
        &mut self,
        now: T,
        interface: InterfaceId,
        from: F::Addr,
        a: &Assert<F>,
    ) {
        let group = a.group.address;
        if !F::is_multicast(&group) {
            self.stats.ignored_entries = self.stats.ignored_entries.saturating_add(1);
            return;
        }
        let metric = AssertMetric {
            rpt: a.rpt,
            preference: a.metric_preference,
            metric: a.metric,
            address: from,
        };
        if a.rpt {
            if !self.is_ssm(group) {
                self.assert_received(now, group, Machine::Star, interface, metric);
            }
            if a.source != F::UNSPECIFIED && self.sg(group, a.source).is_some() {
                self.assert_received(now, group, Machine::Source(a.source), interface, metric);
            }
        } else if a.source != F::UNSPECIFIED {
            self.assert_received(now, group, Machine::Source(a.source), interface, metric);
        }
    }

    /// The receive events of the Assert tables.
    fn assert_received(
        &mut self,
        now: T,
        group: F::Addr,
        m: Machine<F::Addr>,
        i: InterfaceId,
        theirs: AssertMetric<F::Addr>,
    ) {
        let mine = self.my_metric(group, m, i);
        let inferior = mine.is_better_than(&theirs);
        let acceptable = theirs.is_better_than(&mine) && !theirs.is_infinite();
        match self.assert_entry(group, m, i) {
            None => {
                let wins = match m {
                    // (S,G): an inferior (S,G) Assert, or any (*,G) Assert, while CouldAssert.
                    Machine::Source(_) => inferior || theirs.rpt,
                    Machine::Star => inferior && theirs.rpt,
                };
                if wins && self.could_assert(group, m, i) {
                    self.assert_win(now, group, m, i); // A1
                } else if acceptable
                    && (matches!(m, Machine::Star) || !theirs.rpt)
                    && self.tracking_desired(group, m, i)
                {
                    self.assert_lose(now, group, m, i, theirs, true); // A6 (S,G) / A2 (*,G)
                }
            }
            Some(e) if e.state == AssertState::Winner => {
                if inferior {
                    self.assert_win(now, group, m, i); // A3
                } else {
                    self.assert_lose(now, group, m, i, theirs, false); // A2
                }
            }
            Some(e) => {
                let from_winner = theirs.address == e.winner.address;
                if theirs.is_better_than(&e.winner) && !theirs.is_infinite() {
                    self.assert_lose(now, group, m, i, theirs, false); // A2: preferred
                } else if from_winner && acceptable {
                    self.assert_lose(now, group, m, i, theirs, false); // A2: acceptable, from the winner
                } else if from_winner {
                    self.delete_assert(group, m, i); // A5: inferior or AssertCancel from the winner
                }
            }
        }
    }

    /// An (S,G) data packet arrived on `interface`, a downstream interface (§4.2, §4.6.1).
    pub(super) fn assert_data_sg(
        &mut self,
        now: T,
        group: F::Addr,
        source: F::Addr,
        i: InterfaceId,
    ) {
        let m = Machine::Source(source);
        let state = self.assert_entry(group, m, i).map(|e| e.state);
        if state != Some(AssertState::Loser) && self.could_assert(group, m, i) {
            self.assert_win(now, group, m, i); // A1 or A3
        }
    }

    /// A packet for `group` arrived on `interface`, a downstream interface of (*,G) (§4.6.2).
    pub(super) fn assert_data_star(&mut self, now: T, group: F::Addr, i: InterfaceId) {
        let state = self.assert_entry(group, Machine::Star, i).map(|e| e.state);
        if state != Some(AssertState::Loser) && self.could_assert(group, Machine::Star, i) {
            self.assert_win(now, group, Machine::Star, i);
        }
    }

    /// "Receive Join(*,G) on interface I" in I am Assert Loser: A5 (§4.6.2).
    pub(super) fn star_assert_join_received(&mut self, group: F::Addr, i: InterfaceId) {
        if self
            .star_assert(group, i)
            .is_some_and(|e| e.state == AssertState::Loser)
        {
            self.delete_assert(group, Machine::Star, i);
        }
    }

    /// "Receive Join(S,G) on interface I" in I am Assert Loser: A5 (§4.6.1).
    pub(super) fn sg_assert_join_received(
        &mut self,
        group: F::Addr,
        source: F::Addr,
        i: InterfaceId,
    ) {
        if self
            .sg_assert(group, source, i)
            .is_some_and(|e| e.state == AssertState::Loser)
        {
            self.delete_assert(group, Machine::Source(source), i);
        }
    }

    pub(super) fn star_g_assert_timer(&mut self, now: T, group: F::Addr, i: InterfaceId) {
        self.assert_timer_expired(now, group, Machine::Star, i);
    }

    pub(super) fn sg_assert_timer(
        &mut self,
        now: T,
        group: F::Addr,
        source: F::Addr,
        i: InterfaceId,
    ) {
        self.assert_timer_expired(now, group, Machine::Source(source), i);
    }

    /// Assert Timer expires: a winner re-asserts (A3), a loser forgets (A5).
    fn assert_timer_expired(
        &mut self,
        now: T,
        group: F::Addr,
        m: Machine<F::Addr>,
        i: InterfaceId,
    ) {
        match self.assert_entry(group, m, i).map(|e| e.state) {
            Some(AssertState::Winner) => self.assert_win(now, group, m, i),
            Some(AssertState::Loser) => self.delete_assert(group, m, i),
            None => {}
        }
    }

    /// The level-triggered events of the tables, re-checked whenever the group's state
    /// changes: "CouldAssert → FALSE" (A4), "AssertTrackingDesired → FALSE", "my_assert_metric
    /// better than the winner's", "RPF_interface stops being I" (A5).
    pub(super) fn evaluate_asserts(&mut self, group: F::Addr, source: Option<F::Addr>) {
        let m = source.map_or(Machine::Star, Machine::Source);
        let list: Vec<(InterfaceId, AssertEntry<F::Addr>)> = match m {
            Machine::Star => self
                .star(group)
                .map(|s| s.asserts.clone())
                .unwrap_or_default(),
            Machine::Source(s) => self
                .sg(group, s)
                .map(|s| s.asserts.clone())
                .unwrap_or_default(),
        };
        for (i, e) in list {
            match e.state {
                AssertState::Winner => {
                    if !self.could_assert(group, m, i) {
                        self.assert_cancel(group, m, i);
                    }
                }
                AssertState::Loser => {
                    let gone = !self.tracking_desired(group, m, i)
                        || self.my_metric(group, m, i).is_better_than(&e.winner)
                        || (e.on_rpf_interface && !self.on_rpf_interface(group, m, i))
                        || !self
                            .interfaces
                            .get(&i)
                            .is_some_and(|x| x.neighbors.contains_key(&e.winner.address));
                    if gone {
                        self.delete_assert(group, m, i);
                    }
                }
            }
        }
    }

    /// The winner `neighbor` of `interface` is gone or restarted: its losers go back to NoInfo
    /// (A5, "Current Winner's GenID changes or NLT expires").
    pub(super) fn forget_assert_winner(&mut self, interface: InterfaceId, neighbor: F::Addr) {
        let mut doomed: Vec<(F::Addr, Option<F::Addr>)> = Vec::new();
        for (g, group) in &self.groups {
            if let Some(star) = &group.star
                && tib::find(&star.asserts, interface)
                    .is_some_and(|e| e.state == AssertState::Loser && e.winner.address == neighbor)
            {
                doomed.push((*g, None));
            }
            for (s, sg) in &group.sources {
                if tib::find(&sg.asserts, interface)
                    .is_some_and(|e| e.state == AssertState::Loser && e.winner.address == neighbor)
                {
                    doomed.push((*g, Some(*s)));
                }
            }
        }
        for (g, s) in doomed {
            self.delete_assert(g, s.map_or(Machine::Star, Machine::Source), interface);
        }
    }

    /// A neighbor's Generation ID changed (§4.3.1): Assert losers to it forget (§4.6), and the
    /// upstream machines whose RPF' it is send their Joins within t_override (§4.5.4, §4.5.5:
    /// "RPF'(…) GenID changes").
    pub(super) fn neighbor_restarted(&mut self, now: T, interface: InterfaceId, neighbor: F::Addr) {
        self.forget_assert_winner(interface, neighbor);
        let mut timers: Vec<Timer<F::Addr>> = Vec::new();
        for (g, group) in &self.groups {
            if let Some(star) = &group.star
                && star.joined
                && star
                    .upstream
                    .is_some_and(|u| u.interface == interface && u.neighbor == neighbor)
            {
                timers.push(Timer::StarGJoin(*g));
            }
            for (s, sg) in &group.sources {
                if sg.joined
                    && sg
                        .upstream
                        .is_some_and(|u| u.interface == interface && u.neighbor == neighbor)
                {
                    timers.push(Timer::SgJoin(*g, *s));
                }
            }
        }
        let high = self.interfaces.get(&interface).map_or(
            Duration::ZERO,
            super::neighbor::Interface::effective_override_interval,
        );
        for t in timers {
            let after = self.random(Duration::ZERO, high);
            if let Some(deadline) = now.checked_add_duration(after) {
                self.timers.schedule_no_later_than(t, deadline);
            }
        }
    }

    /// The interface went down: its downstream and Assert state goes (§4.3.1).
    pub(super) fn forget_interface_state(&mut self, interface: InterfaceId) {
        let mut touched: Vec<F::Addr> = Vec::new();
        for (g, group) in &mut self.groups {
            if let Some(star) = &mut group.star {
                let a = tib::unset(&mut star.downstream, interface);
                let b = tib::unset(&mut star.asserts, interface);
                if a || b {
                    touched.push(*g);
                }
            }
            for sg in group.sources.values_mut() {
                let a = tib::unset(&mut sg.downstream, interface);
                let b = tib::unset(&mut sg.rpt_downstream, interface);
                let c = tib::unset(&mut sg.asserts, interface);
                if a || b || c {
                    touched.push(*g);
                }
            }
        }
        self.timers.retain(|t, _| !matches!(t,
            Timer::StarGExpiry(_, i) | Timer::StarGPrunePending(_, i) | Timer::StarGAssert(_, i)
            | Timer::SgExpiry(_, _, i) | Timer::SgPrunePending(_, _, i) | Timer::SgRptExpiry(_, _, i)
            | Timer::SgRptPrunePending(_, _, i) | Timer::SgAssert(_, _, i) | Timer::NeighborLiveness(i, _)
            if *i == interface));
        if let Some(i) = self.interfaces.get_mut(&interface) {
            i.downstream_count = 0;
        }
        touched.dedup();
        for g in touched {
            self.mark_group(g);
        }
    }
}
