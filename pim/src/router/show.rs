//! Views of the state for display and scripts, like FRR's `show ip pim join`, `upstream`,
//! `assert`: every TIB entry with its machines' states and their timers' deadlines.

use alloc::vec::Vec;

use mcast_addr::family::IpFamily;
use mcast_addr::time::Timestamp;
use rand_core::Rng;

use super::tib::{
    AssertMetric, AssertState, DownstreamState, RegisterState, RptDownstreamState, RptUpstreamState,
};
use super::{InterfaceId, Router, Timer};

/// Downstream state of one interface, with its Expiry Timer.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct DownstreamView<S, T> {
    /// The interface.
    pub interface: InterfaceId,
    /// Its state.
    pub state: S,
    /// When its Expiry Timer fires (`None`: an infinite Holdtime).
    pub expires: Option<T>,
}

/// Assert state of one interface.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct AssertView<A, T> {
    /// The interface.
    pub interface: InterfaceId,
    /// Winner or Loser.
    pub state: AssertState,
    /// AssertWinner and AssertWinnerMetric.
    pub winner: AssertMetric<A>,
    /// When the Assert Timer fires.
    pub expires: Option<T>,
}

/// A (*,G) entry (`show ip pim join` and `upstream` for (*,G)).
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct StarGView<A, T> {
    /// G.
    pub group: A,
    /// RP(G).
    pub rp: Option<A>,
    /// Upstream state: Joined.
    pub joined: bool,
    /// RPF'(*,G): interface and neighbor.
    pub rpf_neighbor: Option<(InterfaceId, A)>,
    /// When the Join Timer fires.
    pub join_timer: Option<T>,
    /// Downstream per interface.
    pub downstream: Vec<DownstreamView<DownstreamState, T>>,
    /// Asserts per interface.
    pub asserts: Vec<AssertView<A, T>>,
}

/// An (S,G) entry with its (S,G,rpt) state.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct SgView<A, T> {
    /// G.
    pub group: A,
    /// S.
    pub source: A,
    /// Upstream (S,G) state: Joined.
    pub joined: bool,
    /// RPF'(S,G).
    pub rpf_neighbor: Option<(InterfaceId, A)>,
    /// When the Join Timer fires.
    pub join_timer: Option<T>,
    /// SPTbit(S,G).
    pub spt_bit: bool,
    /// When the Keepalive Timer fires.
    pub keepalive: Option<T>,
    /// The DR's Register state.
    pub register: RegisterState,
    /// When the Register-Stop Timer fires.
    pub register_stop_timer: Option<T>,
    /// Upstream (S,G,rpt) state.
    pub rpt: RptUpstreamState,
    /// When the (S,G,rpt) Override Timer fires.
    pub override_timer: Option<T>,
    /// Downstream (S,G) per interface.
    pub downstream: Vec<DownstreamView<DownstreamState, T>>,
    /// Downstream (S,G,rpt) per interface.
    pub rpt_downstream: Vec<DownstreamView<RptDownstreamState, T>>,
    /// Asserts per interface.
    pub asserts: Vec<AssertView<A, T>>,
}

impl<F: IpFamily, T: Timestamp, R: Rng> Router<F, T, R> {
    /// Every (*,G) entry, by group.
    pub fn star_g_entries(&self) -> impl Iterator<Item = StarGView<F::Addr, T>> + '_ {
        self.groups.iter().filter_map(|(g, group)| {
            let star = group.star.as_ref()?;
            let g = *g;
            Some(StarGView {
                group: g,
                rp: self.rp(g),
                joined: star.joined,
                rpf_neighbor: self.rpf_prime_star(g),
                join_timer: self.timers.deadline(&Timer::StarGJoin(g)),
                downstream: star
                    .downstream
                    .iter()
                    .map(|(i, st)| DownstreamView {
                        interface: *i,
                        state: *st,
                        expires: self.timers.deadline(&Timer::StarGExpiry(g, *i)),
                    })
                    .collect(),
                asserts: star
                    .asserts
                    .iter()
                    .map(|(i, e)| AssertView {
                        interface: *i,
                        state: e.state,
                        winner: e.winner,
                        expires: self.timers.deadline(&Timer::StarGAssert(g, *i)),
                    })
                    .collect(),
            })
        })
    }

    /// Every (S,G) entry, by group then source.
    pub fn sg_entries(&self) -> impl Iterator<Item = SgView<F::Addr, T>> + '_ {
        self.groups.iter().flat_map(move |(g, group)| {
            let g = *g;
            group.sources.iter().map(move |(s, sg)| {
                let s = *s;
                SgView {
                    group: g,
                    source: s,
                    joined: sg.joined,
                    rpf_neighbor: self.rpf_prime_sg(g, s),
                    join_timer: self.timers.deadline(&Timer::SgJoin(g, s)),
                    spt_bit: self.spt_bit(g, s),
                    keepalive: self.timers.deadline(&Timer::Keepalive(g, s)),
                    register: sg.register,
                    register_stop_timer: self.timers.deadline(&Timer::RegisterStop(g, s)),
                    rpt: sg.rpt,
                    override_timer: self.timers.deadline(&Timer::SgRptOverride(g, s)),
                    downstream: sg
                        .downstream
                        .iter()
                        .map(|(i, st)| DownstreamView {
                            interface: *i,
                            state: *st,
                            expires: self.timers.deadline(&Timer::SgExpiry(g, s, *i)),
                        })
                        .collect(),
                    rpt_downstream: sg
                        .rpt_downstream
                        .iter()
                        .map(|(i, st)| DownstreamView {
                            interface: *i,
                            state: *st,
                            expires: self.timers.deadline(&Timer::SgRptExpiry(g, s, *i)),
                        })
                        .collect(),
                    asserts: sg
                        .asserts
                        .iter()
                        .map(|(i, e)| AssertView {
                            interface: *i,
                            state: e.state,
                            winner: e.winner,
                            expires: self.timers.deadline(&Timer::SgAssert(g, s, *i)),
                        })
                        .collect(),
                }
            })
        })
    }

    /// Number of (*,G) and of (S,G) entries.
    #[must_use]
    pub fn entry_counts(&self) -> (usize, usize) {
        (self.star_g_count, self.sg_count)
    }
}
