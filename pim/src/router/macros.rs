//! The macros of RFC 7761 §4.1.6, §4.2, §4.4, §4.5 and §4.6 as functions of the state, named
//! as the RFC names them. Every decision of the router, and every forwarding entry it
//! announces, is computed from these: nothing is cached that could disagree with them.

use alloc::vec::Vec;

use mcast_addr::family::IpFamily;
use mcast_addr::time::Timestamp;
use rand_core::Rng;

use super::tib::{
    AssertEntry, AssertMetric, AssertState, INFINITE_METRIC, INFINITE_PREFERENCE,
    RptDownstreamState, Sg, StarG,
};
use super::{InterfaceId, Router, SptSwitchover, Timer};

/// A sorted set of interfaces.
pub(crate) type IfSet = Vec<InterfaceId>;

pub(crate) fn union(a: &[InterfaceId], b: &[InterfaceId]) -> IfSet {
    let mut out: IfSet = a.iter().chain(b).copied().collect();
    out.sort_unstable();
    out.dedup();
    out
}

pub(crate) fn minus(a: &[InterfaceId], b: &[InterfaceId]) -> IfSet {
    a.iter().copied().filter(|i| !b.contains(i)).collect()
}

/// RPF information towards an address (RFC 7761 §4.1.1): the MRIB route or connected subnet
/// with the longest prefix.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Rpf<A> {
    pub(crate) interface: InterfaceId,
    /// MRIB.next_hop(X); for a connected prefix, X itself.
    pub(crate) next_hop: A,
    pub(crate) connected: bool,
    pub(crate) preference: u32,
    pub(crate) metric: u32,
}

/// A source and its RPF information, cached while it is re-evaluated.
pub(crate) type SourceCache<A> = (A, Option<Rpf<A>>);

/// The (*,G)-level values of one group, cached while its sources are re-evaluated.
#[derive(Debug, Clone)]
pub(crate) struct GroupCache<A> {
    group: A,
    ssm: bool,
    rp: Option<A>,
    i_am_rp: bool,
    rpf_interface_rp: Option<InterfaceId>,
    rpf_prime_star: Option<(InterfaceId, A)>,
    joins_star: IfSet,
    pim_include_star: IfSet,
    immediate_olist_star: IfSet,
}

impl<F: IpFamily, T: Timestamp, R: Rng> Router<F, T, R> {
    fn cached(&self, group: F::Addr) -> Option<&GroupCache<F::Addr>> {
        self.group_cache.as_ref().filter(|c| c.group == group)
    }

    /// Computes and keeps the (*,G)-level macros of `group` until [`Self::uncache_group`].
    pub(crate) fn cache_group(&mut self, group: F::Addr) {
        self.group_cache = None;
        self.source_cache = None;
        let cache = GroupCache {
            group,
            ssm: self.is_ssm(group),
            rp: self.rp(group),
            i_am_rp: self.i_am_rp(group),
            rpf_interface_rp: self.rpf_interface_rp(group),
            rpf_prime_star: self.rpf_prime_star(group),
            joins_star: self.joins_star(group),
            pim_include_star: self.pim_include_star(group),
            immediate_olist_star: self.immediate_olist_star(group),
        };
        self.group_cache = Some(cache);
    }

    /// Keeps the RPF information of `source` until [`Self::uncache_group`] or the next source.
    pub(crate) fn cache_source(&mut self, source: F::Addr) {
        self.source_cache = None;
        let rpf = self.rpf(source);
        self.source_cache = Some((source, rpf));
    }

    pub(crate) fn uncache_group(&mut self) {
        self.group_cache = None;
        self.source_cache = None;
    }

    // ----- Addresses, RP, SSM -----------------------------------------------------------------

    /// Whether `addr` is one of this router's addresses.
    pub(crate) fn is_my_address(&self, addr: F::Addr) -> bool {
        self.config.local_addresses.contains(&addr)
            || self.interfaces.values().any(|i| i.is_mine(addr))
    }

    /// Whether `group` is in the SSM range (RFC 4607, RFC 7761 §4.8).
    #[must_use]
    pub fn is_ssm(&self, group: F::Addr) -> bool {
        if let Some(c) = self.cached(group) {
            return c.ssm;
        }
        self.config.ssm_range.iter().any(|p| p.contains(group))
    }

    /// RP(G) (RFC 7761 §4.7): the embedded RP of an IPv6 group (RFC 3956) if enabled, else the
    /// RP-set's longest matching group range, the highest RP address among its RPs; `None`
    /// for SSM groups and groups with no RP.
    #[must_use]
    pub fn rp(&self, group: F::Addr) -> Option<F::Addr> {
        if let Some(c) = self.cached(group) {
            return c.rp;
        }
        if self.is_ssm(group) || !F::is_multicast(&group) {
            return None;
        }
        if self.config.embedded_rp
            && let core::net::IpAddr::V6(v6) = group.into()
            && let Ok(m) = mcast_addr::Ipv6MulticastAddr::try_from(v6)
            && let Ok(embedded) = m.embedded_rp()
            && let Some(rp) = F::from_ip(core::net::IpAddr::V6(embedded.rp_address()))
        {
            return Some(rp);
        }
        self.rps
            .longest_match(group)
            .and_then(|(_, rps)| rps.iter().copied().max())
    }

    /// I_am_RP(G).
    pub(crate) fn i_am_rp(&self, group: F::Addr) -> bool {
        if let Some(c) = self.cached(group) {
            return c.i_am_rp;
        }
        self.rp(group).is_some_and(|rp| self.is_my_address(rp))
    }

    // ----- RPF ----------------------------------------------------------------------------------

    /// The RPF information towards `addr` (§4.1.1, §4.5): the longest of the MRIB's matching
    /// route and the connected subnets of the up interfaces.
    pub(crate) fn rpf(&self, addr: F::Addr) -> Option<Rpf<F::Addr>> {
        if let Some((source, rpf)) = self.source_cache
            && source == addr
        {
            return rpf;
        }
        let connected = self
            .interfaces
            .iter()
            .filter(|(_, i)| i.up && i.subnet.contains(addr))
            .max_by_key(|(_, i)| i.subnet.len())
            .map(|(id, i)| (i.subnet.len(), *id));
        let routed = self
            .mrib
            .longest_match(addr)
            .filter(|(_, r)| self.interfaces.get(&r.interface).is_some_and(|i| i.up));
        match (connected, routed) {
            (Some((len, id)), Some((p, _))) if len >= p.len() => Some(Rpf {
                interface: id,
                next_hop: addr,
                connected: true,
                preference: 0,
                metric: 0,
            }),
            (Some((_, id)), None) => Some(Rpf {
                interface: id,
                next_hop: addr,
                connected: true,
                preference: 0,
                metric: 0,
            }),
            (_, Some((_, r))) => Some(Rpf {
                interface: r.interface,
                next_hop: r.next_hop.unwrap_or(addr),
                connected: r.next_hop.is_none(),
                preference: r.preference,
                metric: r.metric,
            }),
            (None, None) => None,
        }
    }

    /// RPF_interface(X).
    pub(crate) fn rpf_interface(&self, addr: F::Addr) -> Option<InterfaceId> {
        self.rpf(addr).map(|r| r.interface)
    }

    /// RPF_interface(RP(G)); `None` at the RP itself and without an RP.
    pub(crate) fn rpf_interface_rp(&self, group: F::Addr) -> Option<InterfaceId> {
        if let Some(c) = self.cached(group) {
            return c.rpf_interface_rp;
        }
        let rp = self.rp(group)?;
        if self.is_my_address(rp) {
            return None;
        }
        self.rpf_interface(rp)
    }

    /// DirectlyConnected(S) (§4.2): S is on the subnet of one of the interfaces.
    pub(crate) fn directly_connected(&self, source: F::Addr) -> bool {
        self.interfaces
            .values()
            .any(|i| i.up && i.subnet.contains(source) && !i.is_mine(source))
    }

    /// NBR(RPF_interface(X), MRIB.next_hop(X)) (§4.1.6).
    pub(crate) fn mrib_neighbor(&self, addr: F::Addr) -> Option<(InterfaceId, F::Addr)> {
        if self.is_my_address(addr) {
            return None;
        }
        let rpf = self.rpf(addr)?;
        let i = self.interfaces.get(&rpf.interface)?;
        i.nbr(rpf.next_hop).map(|n| (rpf.interface, n))
    }

    /// RPF'(*,G) (§4.1.6).
    pub(crate) fn rpf_prime_star(&self, group: F::Addr) -> Option<(InterfaceId, F::Addr)> {
        if let Some(c) = self.cached(group) {
            return c.rpf_prime_star;
        }
        let rp = self.rp(group)?;
        let iif = self.rpf_interface_rp(group)?;
        if let Some(e) = self.star_assert(group, iif)
            && e.state == AssertState::Loser
        {
            return Some((iif, e.winner.address));
        }
        self.mrib_neighbor(rp)
    }

    /// RPF'(S,G) (§4.1.6).
    pub(crate) fn rpf_prime_sg(
        &self,
        group: F::Addr,
        source: F::Addr,
    ) -> Option<(InterfaceId, F::Addr)> {
        let iif = self.rpf_interface(source)?;
        if let Some(e) = self.sg_assert(group, source, iif)
            && e.state == AssertState::Loser
        {
            return Some((iif, e.winner.address));
        }
        self.mrib_neighbor(source)
    }

    /// RPF'(S,G,rpt) (§4.1.6).
    pub(crate) fn rpf_prime_sg_rpt(
        &self,
        group: F::Addr,
        source: F::Addr,
    ) -> Option<(InterfaceId, F::Addr)> {
        if let Some(iif) = self.rpf_interface_rp(group)
            && let Some(e) = self.sg_assert(group, source, iif)
            && e.state == AssertState::Loser
        {
            return Some((iif, e.winner.address));
        }
        self.rpf_prime_star(group)
    }

    // ----- State lookups ----------------------------------------------------------------------

    pub(crate) fn star(&self, group: F::Addr) -> Option<&StarG<F::Addr>> {
        self.groups.get(&group).and_then(|g| g.star.as_ref())
    }

    pub(crate) fn sg(&self, group: F::Addr, source: F::Addr) -> Option<&Sg<F::Addr>> {
        self.groups.get(&group).and_then(|g| g.sources.get(&source))
    }

    pub(crate) fn star_assert(
        &self,
        group: F::Addr,
        i: InterfaceId,
    ) -> Option<AssertEntry<F::Addr>> {
        self.star(group)
            .and_then(|s| super::tib::find(&s.asserts, i))
    }

    pub(crate) fn sg_assert(
        &self,
        group: F::Addr,
        source: F::Addr,
        i: InterfaceId,
    ) -> Option<AssertEntry<F::Addr>> {
        self.sg(group, source)
            .and_then(|s| super::tib::find(&s.asserts, i))
    }

    pub(crate) fn spt_bit(&self, group: F::Addr, source: F::Addr) -> bool {
        self.is_ssm(group) || self.sg(group, source).is_some_and(|s| s.spt_bit)
    }

    pub(crate) fn kat_running(&self, group: F::Addr, source: F::Addr) -> bool {
        self.timers.is_running(&Timer::Keepalive(group, source))
    }

    // ----- Local membership (§4.1.6) ----------------------------------------------------------

    fn local_members(
        &self,
        group: F::Addr,
    ) -> impl Iterator<Item = (InterfaceId, bool, &alloc::collections::BTreeSet<F::Addr>)> + '_
    {
        self.local
            .range((group, InterfaceId::MIN)..=(group, InterfaceId::MAX))
            .filter(|((_, i), _)| self.interfaces.get(i).is_some_and(|x| x.up))
            .map(|((_, i), (exclude, sources))| (*i, *exclude, sources))
    }

    /// local_receiver_include(*,G,I); never for SSM groups (§4.8).
    pub(crate) fn local_include_star(&self, group: F::Addr, i: InterfaceId) -> bool {
        !self.is_ssm(group)
            && self
                .local
                .get(&(group, i))
                .is_some_and(|(exclude, _)| *exclude)
    }

    /// local_receiver_include(S,G,I).
    pub(crate) fn local_include_sg(&self, group: F::Addr, source: F::Addr, i: InterfaceId) -> bool {
        self.local
            .get(&(group, i))
            .is_some_and(|(exclude, s)| !*exclude && s.contains(&source))
    }

    /// Whether the interface acts on local membership for an assert winner `winner_is_me`:
    /// `(I_am_DR(I) AND lost_assert(*,G,I) == FALSE) OR AssertWinner(…,I) == me`.
    fn serves(&self, group: F::Addr, i: InterfaceId, winner_is_me: bool) -> bool {
        (self.i_am_dr(i) && !self.lost_assert_star(group, i)) || winner_is_me
    }

    /// pim_include(*,G).
    pub(crate) fn pim_include_star(&self, group: F::Addr) -> IfSet {
        if let Some(c) = self.cached(group) {
            return c.pim_include_star.clone();
        }
        if self.is_ssm(group) {
            return Vec::new();
        }
        self.local_members(group)
            .filter(|(_, exclude, _)| *exclude)
            .map(|(i, _, _)| i)
            .filter(|&i| {
                let me = self
                    .star_assert(group, i)
                    .is_some_and(|e| e.state == AssertState::Winner);
                self.serves(group, i, me)
            })
            .collect()
    }

    /// pim_include(S,G).
    pub(crate) fn pim_include_sg(&self, group: F::Addr, source: F::Addr) -> IfSet {
        self.pim_local_sg(group, source, false)
    }

    /// pim_exclude(S,G); none for SSM groups, which have no EXCLUDE membership (§4.8).
    pub(crate) fn pim_exclude_sg(&self, group: F::Addr, source: F::Addr) -> IfSet {
        if self.is_ssm(group) {
            return Vec::new();
        }
        self.pim_local_sg(group, source, true)
    }

    /// The interfaces where this router serves members that list `source` in EXCLUDE mode
    /// (`exclude`) or INCLUDE mode: the common body of pim_include(S,G) and pim_exclude(S,G).
    fn pim_local_sg(&self, group: F::Addr, source: F::Addr, exclude: bool) -> IfSet {
        self.local_members(group)
            .filter(|(_, mode, s)| *mode == exclude && s.contains(&source))
            .map(|(i, _, _)| i)
            .filter(|&i| {
                let me = self
                    .sg_assert(group, source, i)
                    .is_some_and(|e| e.state == AssertState::Winner);
                self.serves(group, i, me)
            })
            .collect()
    }

    // ----- Downstream sets (§4.1.6) -----------------------------------------------------------

    /// joins(*,G): interfaces in Join or Prune-Pending.
    pub(crate) fn joins_star(&self, group: F::Addr) -> IfSet {
        if let Some(c) = self.cached(group) {
            return c.joins_star.clone();
        }
        self.star(group)
            .map(|s| s.downstream.iter().map(|(i, _)| *i).collect())
            .unwrap_or_default()
    }

    /// joins(S,G).
    pub(crate) fn joins_sg(&self, group: F::Addr, source: F::Addr) -> IfSet {
        self.sg(group, source)
            .map(|s| s.downstream.iter().map(|(i, _)| *i).collect())
            .unwrap_or_default()
    }

    /// prunes(S,G,rpt): interfaces in Prune or PruneTmp.
    pub(crate) fn prunes_sg_rpt(&self, group: F::Addr, source: F::Addr) -> IfSet {
        self.sg(group, source)
            .map(|s| {
                s.rpt_downstream
                    .iter()
                    .filter(|(_, st)| {
                        matches!(st, RptDownstreamState::Prune | RptDownstreamState::PruneTmp)
                    })
                    .map(|(i, _)| *i)
                    .collect()
            })
            .unwrap_or_default()
    }

    // ----- Asserts (§4.6) ---------------------------------------------------------------------

    /// lost_assert(*,G,I).
    pub(crate) fn lost_assert_star(&self, group: F::Addr, i: InterfaceId) -> bool {
        if self.rpf_interface_rp(group) == Some(i) {
            return false;
        }
        self.star_assert(group, i)
            .is_some_and(|e| e.state == AssertState::Loser)
    }

    /// lost_assert(S,G,rpt,I).
    pub(crate) fn lost_assert_sg_rpt(
        &self,
        group: F::Addr,
        source: F::Addr,
        i: InterfaceId,
    ) -> bool {
        if self.rpf_interface_rp(group) == Some(i)
            || (self.rpf_interface(source) == Some(i) && self.spt_bit(group, source))
        {
            return false;
        }
        self.sg_assert(group, source, i)
            .is_some_and(|e| e.state == AssertState::Loser)
    }

    /// lost_assert(S,G,I).
    pub(crate) fn lost_assert_sg(&self, group: F::Addr, source: F::Addr, i: InterfaceId) -> bool {
        if self.rpf_interface(source) == Some(i) {
            return false;
        }
        self.sg_assert(group, source, i).is_some_and(|e| {
            e.state == AssertState::Loser
                && e.winner.is_better_than(&self.spt_assert_metric(source, i))
        })
    }

    /// spt_assert_metric(S,I) = {0, MRIB.pref(S), MRIB.metric(S), my_ip_address(I)}.
    pub(crate) fn spt_assert_metric(
        &self,
        source: F::Addr,
        i: InterfaceId,
    ) -> AssertMetric<F::Addr> {
        let (preference, metric) = self
            .rpf(source)
            .map_or((INFINITE_PREFERENCE, INFINITE_METRIC), |r| {
                (r.preference, r.metric)
            });
        AssertMetric {
            rpt: false,
            preference,
            metric,
            address: self
                .interfaces
                .get(&i)
                .map_or(F::UNSPECIFIED, |x| x.address),
        }
    }

    /// rpt_assert_metric(G,I) = {1, MRIB.pref(RP(G)), MRIB.metric(RP(G)), my_ip_address(I)}.
    pub(crate) fn rpt_assert_metric(
        &self,
        group: F::Addr,
        i: InterfaceId,
    ) -> AssertMetric<F::Addr> {
        let (preference, metric) = if self.i_am_rp(group) {
            (0, 0)
        } else {
            self.rp(group)
                .and_then(|rp| self.rpf(rp))
                .map_or((INFINITE_PREFERENCE, INFINITE_METRIC), |r| {
                    (r.preference, r.metric)
                })
        };
        AssertMetric {
            rpt: true,
            preference,
            metric,
            address: self
                .interfaces
                .get(&i)
                .map_or(F::UNSPECIFIED, |x| x.address),
        }
    }

    /// infinite_assert_metric() = {1, infinity, infinity, 0}.
    pub(crate) fn infinite_assert_metric() -> AssertMetric<F::Addr> {
        AssertMetric {
            rpt: true,
            preference: INFINITE_PREFERENCE,
            metric: INFINITE_METRIC,
            address: F::UNSPECIFIED,
        }
    }

    /// my_assert_metric(S,G,I).
    pub(crate) fn my_assert_metric_sg(
        &self,
        group: F::Addr,
        source: F::Addr,
        i: InterfaceId,
    ) -> AssertMetric<F::Addr> {
        if self.could_assert_sg(group, source, i) {
            self.spt_assert_metric(source, i)
        } else if self.could_assert_star(group, i) {
            self.rpt_assert_metric(group, i)
        } else {
            Self::infinite_assert_metric()
        }
    }

    /// my_assert_metric(*,G,I) (§4.6.2): rpt_assert_metric(G,I) when CouldAssert(*,G,I).
    pub(crate) fn my_assert_metric_star(
        &self,
        group: F::Addr,
        i: InterfaceId,
    ) -> AssertMetric<F::Addr> {
        if self.could_assert_star(group, i) {
            self.rpt_assert_metric(group, i)
        } else {
            Self::infinite_assert_metric()
        }
    }

    /// The set `(joins(*,G) (-) prunes(S,G,rpt)) (+) (pim_include(*,G) (-) pim_exclude(S,G))`,
    /// common to inherited_olist(S,G,rpt), CouldAssert(S,G,I) and AssertTrackingDesired(S,G,I).
    fn rpt_candidates(&self, group: F::Addr, source: F::Addr) -> IfSet {
        union(
            &minus(&self.joins_star(group), &self.prunes_sg_rpt(group, source)),
            &minus(
                &self.pim_include_star(group),
                &self.pim_exclude_sg(group, source),
            ),
        )
    }

    fn lost_assert_star_set(&self, group: F::Addr, of: &[InterfaceId]) -> IfSet {
        of.iter()
            .copied()
            .filter(|&i| self.lost_assert_star(group, i))
            .collect()
    }

    /// CouldAssert(S,G,I).
    pub(crate) fn could_assert_sg(&self, group: F::Addr, source: F::Addr, i: InterfaceId) -> bool {
        if !self.spt_bit(group, source) || self.rpf_interface(source) == Some(i) {
            return false;
        }
        let rpt = self.rpt_candidates(group, source);
        let lost = self.lost_assert_star_set(group, &rpt);
        minus(&rpt, &lost).contains(&i)
            || self.joins_sg(group, source).contains(&i)
            || self.pim_include_sg(group, source).contains(&i)
    }

    /// CouldAssert(*,G,I).
    pub(crate) fn could_assert_star(&self, group: F::Addr, i: InterfaceId) -> bool {
        self.rpf_interface_rp(group) != Some(i)
            && (self.joins_star(group).contains(&i) || self.pim_include_star(group).contains(&i))
    }

    /// AssertTrackingDesired(S,G,I).
    pub(crate) fn assert_tracking_desired_sg(
        &self,
        group: F::Addr,
        source: F::Addr,
        i: InterfaceId,
    ) -> bool {
        let rpt = self.rpt_candidates(group, source);
        let lost = self.lost_assert_star_set(group, &rpt);
        if minus(&rpt, &lost).contains(&i) || self.joins_sg(group, source).contains(&i) {
            return true;
        }
        let me = self
            .sg_assert(group, source, i)
            .is_some_and(|e| e.state == AssertState::Winner);
        if self.local_include_sg(group, source, i) && (self.i_am_dr(i) || me) {
            return true;
        }
        if self.rpf_interface(source) == Some(i) && self.join_desired_sg(group, source) {
            return true;
        }
        self.rpf_interface_rp(group) == Some(i)
            && self.join_desired_star(group)
            && !self.spt_bit(group, source)
    }

    /// AssertTrackingDesired(*,G,I).
    pub(crate) fn assert_tracking_desired_star(&self, group: F::Addr, i: InterfaceId) -> bool {
        if self.could_assert_star(group, i) {
            return true;
        }
        let me = self
            .star_assert(group, i)
            .is_some_and(|e| e.state == AssertState::Winner);
        if self.local_include_star(group, i) && (self.i_am_dr(i) || me) {
            return true;
        }
        self.rpf_interface_rp(group) == Some(i) && self.rpt_join_desired(group)
    }

    // ----- Olists (§4.1.6) and the Join/Prune predicates (§4.5) -------------------------------

    /// immediate_olist(*,G).
    pub(crate) fn immediate_olist_star(&self, group: F::Addr) -> IfSet {
        if let Some(c) = self.cached(group) {
            return c.immediate_olist_star.clone();
        }
        let all = union(&self.joins_star(group), &self.pim_include_star(group));
        let lost = self.lost_assert_star_set(group, &all);
        minus(&all, &lost)
    }

    /// immediate_olist(S,G).
    pub(crate) fn immediate_olist_sg(&self, group: F::Addr, source: F::Addr) -> IfSet {
        let all = union(
            &self.joins_sg(group, source),
            &self.pim_include_sg(group, source),
        );
        all.into_iter()
            .filter(|&i| !self.lost_assert_sg(group, source, i))
            .collect()
    }

    /// inherited_olist(S,G,rpt).
    pub(crate) fn inherited_olist_sg_rpt(&self, group: F::Addr, source: F::Addr) -> IfSet {
        if self.is_ssm(group) {
            return Vec::new();
        }
        self.rpt_candidates(group, source)
            .into_iter()
            .filter(|&i| {
                !self.lost_assert_star(group, i) && !self.lost_assert_sg_rpt(group, source, i)
            })
            .collect()
    }

    /// inherited_olist(S,G).
    pub(crate) fn inherited_olist_sg(&self, group: F::Addr, source: F::Addr) -> IfSet {
        union(
            &self.inherited_olist_sg_rpt(group, source),
            &self.immediate_olist_sg(group, source),
        )
    }

    /// JoinDesired(*,G) (§4.5.4); never for SSM groups.
    pub(crate) fn join_desired_star(&self, group: F::Addr) -> bool {
        if let Some(c) = self.cached(group) {
            return !c.ssm && !c.immediate_olist_star.is_empty();
        }
        !self.is_ssm(group) && !self.immediate_olist_star(group).is_empty()
    }

    /// RPTJoinDesired(G) (§4.5.7).
    pub(crate) fn rpt_join_desired(&self, group: F::Addr) -> bool {
        self.join_desired_star(group)
    }

    /// JoinDesired(S,G) (§4.5.5).
    pub(crate) fn join_desired_sg(&self, group: F::Addr, source: F::Addr) -> bool {
        !self.immediate_olist_sg(group, source).is_empty()
            || (self.kat_running(group, source)
                && !self.inherited_olist_sg(group, source).is_empty())
    }

    /// PruneDesired(S,G,rpt) (§4.5.7).
    pub(crate) fn prune_desired_sg_rpt(&self, group: F::Addr, source: F::Addr) -> bool {
        self.rpt_join_desired(group)
            && (self.inherited_olist_sg_rpt(group, source).is_empty()
                || (self.spt_bit(group, source)
                    && self.rpf_prime_star(group) != self.rpf_prime_sg(group, source)))
    }

    /// SwitchToSptDesired(S,G) (§4.2.1): the policy at a last-hop router; the RP always
    /// switches, so that Registers stop.
    pub(crate) fn switch_to_spt_desired(&self, group: F::Addr, source: F::Addr) -> bool {
        if self.i_am_rp(group) {
            return true;
        }
        match self.config.spt_switchover {
            SptSwitchover::Immediate => true,
            SptSwitchover::Never => false,
            SptSwitchover::Threshold => self.sg(group, source).is_some_and(|s| s.spt_threshold),
        }
    }

    /// CouldRegister(S,G) (§4.4.1).
    pub(crate) fn could_register(&self, group: F::Addr, source: F::Addr) -> bool {
        !self.is_ssm(group)
            && self.rp(group).is_some()
            && !self.i_am_rp(group)
            && self.rpf_interface(source).is_some_and(|i| self.i_am_dr(i))
            && self.kat_running(group, source)
            && self.directly_connected(source)
    }
}
