//! Re-evaluation of a group after an input: the level-triggered events of the upstream
//! machines ("JoinDesired(*,G) → TRUE", "RPF'(S,G) changes", "PruneDesired(S,G,rpt) → FALSE",
//! "CouldRegister → TRUE", …, RFC 7761 §4.4.1, §4.5.4, §4.5.5, §4.5.7), the forwarding entries
//! derived from §4.2's macros, and the deletion of state that is back at NoInfo everywhere.

use alloc::collections::BTreeSet;
use core::time::Duration;

use mcast_addr::family::IpFamily;
use mcast_addr::time::Timestamp;
use rand_core::Rng;

use super::join_prune::{KIND_SG, KIND_SG_RPT, KIND_STAR_G};
use super::macros::minus;
use super::tib::{RegisterState, RptUpstreamState, Upstream};
use super::{Dirty, Event, InterfaceId, Route, Router, Timer};

impl<F: IpFamily, T: Timestamp, R: Rng> Router<F, T, R> {
    pub(super) fn evaluate_group(&mut self, now: T, group: F::Addr, scope: &Dirty<F::Addr>) {
        self.evaluate_asserts(group, None);
        self.evaluate_star_upstream(now, group);
        let mut sources: BTreeSet<F::Addr> = match scope {
            Dirty::All => {
                let mut all: BTreeSet<F::Addr> = self
                    .groups
                    .get(&group)
                    .map(|g| g.sources.keys().copied().collect())
                    .unwrap_or_default();
                all.extend(
                    self.installed
                        .range((group, None)..)
                        .take_while(|((g, _), _)| *g == group)
                        .filter_map(|((_, s), _)| *s),
                );
                all
            }
            Dirty::Sources(set) => set.clone(),
        };
        // Sources the local members name have forwarding of their own (pim_exclude and
        // pim_include make their olists differ from (*,G)'s).
        for ((_, _), (_, listed)) in self
            .local
            .range((group, InterfaceId::MIN)..=(group, InterfaceId::MAX))
        {
            if matches!(scope, Dirty::All) {
                sources.extend(listed.iter().copied());
            }
        }
        // What a source's evaluation reads of (*,G) it cannot change: computed once.
        self.cache_group(group);
        for &s in &sources {
            self.cache_source(s);
            if self.sg(group, s).is_some() {
                self.evaluate_asserts(group, Some(s));
            }
            self.evaluate_sg_upstream(now, group, s);
            self.evaluate_rpt_upstream(now, group, s);
            self.evaluate_register(group, s);
            self.update_route(group, Some(s));
        }
        self.uncache_group();
        self.update_route(group, None);
        for &s in &sources {
            self.collect_sg(group, s);
        }
        self.collect_star(group);
    }

    fn join_period_of(&self, interface: Option<InterfaceId>) -> Duration {
        interface
            .and_then(|i| self.interfaces.get(&i))
            .map_or(super::config::JOIN_PRUNE_PERIOD, |i| {
                i.config.join_prune_period
            })
            .max(super::MIN_PERIOD)
    }

    fn t_override_on(&mut self, interface: InterfaceId) -> Duration {
        let high = self.interfaces.get(&interface).map_or(
            Duration::ZERO,
            super::neighbor::Interface::effective_override_interval,
        );
        self.random(Duration::ZERO, high)
    }

    /// The upstream (*,G) machine (§4.5.4).
    fn evaluate_star_upstream(&mut self, now: T, group: F::Addr) {
        let desired = self.join_desired_star(group);
        let joined = self.star(group).is_some_and(|s| s.joined);
        if !desired && !joined {
            return;
        }
        let target = self.rpf_prime_star(group);
        let mrib = self.rp(group).and_then(|rp| self.mrib_neighbor(rp));
        let upstream = target.map(|(interface, neighbor)| Upstream {
            interface,
            neighbor,
            mrib_neighbor: mrib.map(|(_, n)| n),
        });
        let rp = self.rp(group);
        if desired && !joined {
            // NotJoined → Joined: send Join(*,G) to RPF'(*,G), Join Timer = t_periodic.
            let Some(star) = self.star_entry(group) else {
                return;
            };
            star.joined = true;
            star.upstream = upstream;
            if let Some((i, n)) = target {
                self.send_star_join(group, i, n);
            }
            let period = self.join_period_of(target.map(|t| t.0));
            self.schedule(Timer::StarGJoin(group), now, period);
            self.mark_group(group);
        } else if !desired && joined {
            // Joined → NotJoined: send Prune(*,G) to RPF'(*,G), cancel the Join Timer.
            let old = self.star(group).and_then(|s| s.upstream);
            if let (Some(u), Some(rp)) = (old, rp) {
                self.queue_entry(u.interface, u.neighbor, group, KIND_STAR_G, false, rp);
            }
            if let Some(star) = self.groups.get_mut(&group).and_then(|g| g.star.as_mut()) {
                star.joined = false;
                star.upstream = None;
            }
            self.timers.cancel(&Timer::StarGJoin(group));
            self.mark_group(group);
        } else {
            let old = self.star(group).and_then(|s| s.upstream);
            let old_target = old.map(|u| (u.interface, u.neighbor));
            if old_target == target {
                if let Some(star) = self.groups.get_mut(&group).and_then(|g| g.star.as_mut()) {
                    star.upstream = upstream;
                }
                return;
            }
            let due_to_assert = old.is_some_and(|u| {
                Some(u.interface) == target.map(|t| t.0) && u.mrib_neighbor == mrib.map(|m| m.1)
            });
            if let Some(star) = self.groups.get_mut(&group).and_then(|g| g.star.as_mut()) {
                star.upstream = upstream;
            }
            if due_to_assert {
                // "RPF'(*,G) changes due to an Assert": Join Timer = min(JT, t_override).
                if let Some((i, _)) = target {
                    let t = self.t_override_on(i);
                    if let Some(deadline) = now.checked_add_duration(t) {
                        self.timers
                            .schedule_no_later_than(Timer::StarGJoin(group), deadline);
                    }
                }
            } else {
                // "RPF'(*,G) changes not due to an Assert": Join to the new, Prune to the old.
                if let Some((i, n)) = target {
                    self.send_star_join(group, i, n);
                }
                if let (Some(u), Some(rp)) = (old, rp) {
                    self.queue_entry(u.interface, u.neighbor, group, KIND_STAR_G, false, rp);
                }
                let period = self.join_period_of(target.map(|t| t.0));
                self.schedule(Timer::StarGJoin(group), now, period);
            }
            self.mark_group(group);
        }
    }

    /// The upstream (S,G) machine (§4.5.5).
    fn evaluate_sg_upstream(&mut self, now: T, group: F::Addr, source: F::Addr) {
        let desired = self.join_desired_sg(group, source);
        let joined = self.sg(group, source).is_some_and(|s| s.joined);
        if !desired && !joined {
            return;
        }
        let target = self.rpf_prime_sg(group, source);
        let mrib = self.mrib_neighbor(source);
        let upstream = target.map(|(interface, neighbor)| Upstream {
            interface,
            neighbor,
            mrib_neighbor: mrib.map(|(_, n)| n),
        });
        if desired && !joined {
            let Some(sg) = self.sg_entry(group, source) else {
                return;
            };
            sg.joined = true;
            sg.upstream = upstream;
            if let Some((i, n)) = target {
                self.queue_entry(i, n, group, KIND_SG, true, source);
            }
            let period = self.join_period_of(target.map(|t| t.0));
            self.schedule(Timer::SgJoin(group, source), now, period);
        } else if !desired && joined {
            // Joined → NotJoined: send Prune(S,G), cancel the Join Timer, SPTbit = FALSE.
            let old = self.sg(group, source).and_then(|s| s.upstream);
            if let Some(u) = old {
                self.queue_entry(u.interface, u.neighbor, group, KIND_SG, false, source);
            }
            if let Some(sg) = self
                .groups
                .get_mut(&group)
                .and_then(|g| g.sources.get_mut(&source))
            {
                sg.joined = false;
                sg.upstream = None;
                sg.spt_bit = false;
            }
            self.timers.cancel(&Timer::SgJoin(group, source));
        } else {
            let old = self.sg(group, source).and_then(|s| s.upstream);
            let old_target = old.map(|u| (u.interface, u.neighbor));
            if old_target == target {
                if let Some(sg) = self
                    .groups
                    .get_mut(&group)
                    .and_then(|g| g.sources.get_mut(&source))
                {
                    sg.upstream = upstream;
                }
                return;
            }
            let due_to_assert = old.is_some_and(|u| {
                Some(u.interface) == target.map(|t| t.0) && u.mrib_neighbor == mrib.map(|m| m.1)
            });
            if let Some(sg) = self
                .groups
                .get_mut(&group)
                .and_then(|g| g.sources.get_mut(&source))
            {
                sg.upstream = upstream;
            }
            if due_to_assert {
                if let Some((i, _)) = target {
                    let t = self.t_override_on(i);
                    if let Some(deadline) = now.checked_add_duration(t) {
                        self.timers
                            .schedule_no_later_than(Timer::SgJoin(group, source), deadline);
                    }
                }
            } else {
                if let Some((i, n)) = target {
                    self.queue_entry(i, n, group, KIND_SG, true, source);
                }
                if let Some(u) = old {
                    self.queue_entry(u.interface, u.neighbor, group, KIND_SG, false, source);
                }
                let period = self.join_period_of(target.map(|t| t.0));
                self.schedule(Timer::SgJoin(group, source), now, period);
            }
        }
    }

    /// The upstream (S,G,rpt) machine (§4.5.7).
    fn evaluate_rpt_upstream(&mut self, now: T, group: F::Addr, source: F::Addr) {
        if self.is_ssm(group) {
            return;
        }
        let joined_rpt = self.rpt_join_desired(group);
        let next = if !joined_rpt {
            RptUpstreamState::RptNotJoined
        } else if self.prune_desired_sg_rpt(group, source) {
            RptUpstreamState::Pruned
        } else {
            RptUpstreamState::NotPruned
        };
        let current = self.sg(group, source).map(|s| s.rpt);
        let target = self.rpf_prime_sg_rpt(group, source);
        let Some(current) = current else {
            // No (S,G) state: RPTNotJoined → Pruned creates it (the Prune(S,G,rpt) goes with
            // the next Join(*,G), §4.5.6); NotPruned needs no state.
            if next == RptUpstreamState::Pruned
                && let Some(sg) = self.sg_entry(group, source)
            {
                sg.rpt = next;
                sg.rpt_neighbor = target.map(|t| t.1);
            }
            return;
        };
        match (current, next) {
            (RptUpstreamState::NotPruned, RptUpstreamState::Pruned) => {
                if let Some((i, n)) = target {
                    self.queue_entry(i, n, group, KIND_SG_RPT, false, source);
                }
                self.timers.cancel(&Timer::SgRptOverride(group, source));
            }
            (RptUpstreamState::NotPruned, RptUpstreamState::RptNotJoined) => {
                self.timers.cancel(&Timer::SgRptOverride(group, source));
            }
            (RptUpstreamState::Pruned, RptUpstreamState::NotPruned) => {
                if let Some((i, n)) = target {
                    self.queue_entry(i, n, group, KIND_SG_RPT, true, source);
                }
            }
            (RptUpstreamState::NotPruned, RptUpstreamState::NotPruned) => {
                // "RPF'(S,G,rpt) → RPF'(*,G)": OT = min(OT, t_override).
                let old = self.sg(group, source).and_then(|s| s.rpt_neighbor);
                if old != target.map(|t| t.1)
                    && target.is_some()
                    && target == self.rpf_prime_star(group)
                    && let Some((i, _)) = target
                {
                    let t = self.t_override_on(i);
                    self.lower_override(now, group, source, t);
                }
            }
            _ => {}
        }
        if let Some(sg) = self
            .groups
            .get_mut(&group)
            .and_then(|g| g.sources.get_mut(&source))
        {
            sg.rpt = next;
            sg.rpt_neighbor = target.map(|t| t.1);
        }
    }

    /// The forwarding of (S,G) or (*,G) from the state (§4.2); `None` when there is no entry.
    pub(super) fn compute_route(&self, group: F::Addr, source: Option<F::Addr>) -> Option<Route> {
        match source {
            None => {
                let has_local = !self.is_ssm(group)
                    && self
                        .local
                        .range((group, InterfaceId::MIN)..=(group, InterfaceId::MAX))
                        .any(|(_, (exclude, _))| *exclude);
                if self.star(group).is_none() && !has_local {
                    return None;
                }
                let iif = self.rpf_interface_rp(group);
                let oifs = minus(&self.immediate_olist_star(group), iif.as_slice());
                let may_switch = self.config.spt_switchover != super::SptSwitchover::Never
                    && !self.pim_include_star(group).is_empty();
                Some(Route {
                    iif,
                    oifs,
                    register: None,
                    notify: iif.filter(|_| may_switch),
                })
            }
            Some(s) => {
                let listed = self
                    .local
                    .range((group, InterfaceId::MIN)..=(group, InterfaceId::MAX))
                    .any(|(_, (_, list))| list.contains(&s));
                let sg = self.sg(group, s);
                if sg.is_none() && !listed {
                    return None;
                }
                let (iif, oifs) = if self.spt_bit(group, s) {
                    (self.rpf_interface(s), self.inherited_olist_sg(group, s))
                } else {
                    (
                        self.rpf_interface_rp(group),
                        self.inherited_olist_sg_rpt(group, s),
                    )
                };
                let register = sg
                    .filter(|e| e.register == RegisterState::Join)
                    .and_then(|_| self.rpf_interface(s));
                let waiting = !self.spt_bit(group, s) && self.join_desired_sg(group, s);
                Some(Route {
                    iif,
                    oifs: minus(&oifs, iif.as_slice()),
                    register,
                    notify: if waiting { self.rpf_interface(s) } else { None },
                })
            }
        }
    }

    fn update_route(&mut self, group: F::Addr, source: Option<F::Addr>) {
        let new = self.compute_route(group, source);
        let key = (group, source);
        match new {
            Some(route) => {
                if self.installed.get(&key) != Some(&route) {
                    self.installed.insert(key, route.clone());
                    self.push_event(Event::RouteChanged {
                        group,
                        source,
                        route,
                    });
                }
            }
            None => {
                if self.installed.remove(&key).is_some() {
                    self.push_event(Event::RouteDeleted { group, source });
                }
            }
        }
    }

    /// Deletes (S,G) state every machine of which is back at NoInfo.
    fn collect_sg(&mut self, group: F::Addr, source: F::Addr) {
        let Some(sg) = self.sg(group, source) else {
            return;
        };
        let idle = sg.downstream.is_empty()
            && sg.rpt_downstream.is_empty()
            && sg.asserts.is_empty()
            && !sg.joined
            && sg.register == RegisterState::NoInfo
            && sg.rpt != RptUpstreamState::Pruned
            && !self.kat_running(group, source)
            && !self.timers.is_running(&Timer::SgRptOverride(group, source));
        if !idle {
            return;
        }
        if let Some(g) = self.groups.get_mut(&group) {
            g.sources.remove(&source);
        }
        self.sg_count = self.sg_count.saturating_sub(1);
        for t in [
            Timer::Keepalive(group, source),
            Timer::RegisterStop(group, source),
            Timer::SgJoin(group, source),
            Timer::SgRptOverride(group, source),
        ] {
            self.timers.cancel(&t);
        }
        if self.installed.contains_key(&(group, Some(source))) {
            self.update_route(group, Some(source));
        }
    }

    /// Deletes (*,G) state every machine of which is back at NoInfo, and the group when it
    /// holds nothing.
    fn collect_star(&mut self, group: F::Addr) {
        let Some(g) = self.groups.get(&group) else {
            return;
        };
        let star_idle = g
            .star
            .as_ref()
            .is_some_and(|s| s.downstream.is_empty() && s.asserts.is_empty() && !s.joined);
        let empty_sources = g.sources.is_empty();
        if star_idle {
            if let Some(g) = self.groups.get_mut(&group) {
                g.star = None;
            }
            self.star_g_count = self.star_g_count.saturating_sub(1);
            self.timers.cancel(&Timer::StarGJoin(group));
            self.update_route(group, None);
        }
        if empty_sources && self.groups.get(&group).is_some_and(|g| g.star.is_none()) {
            self.groups.remove(&group);
        }
    }
}
