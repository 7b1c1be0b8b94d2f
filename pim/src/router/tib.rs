//! The Tree Information Base (RFC 7761 §4.1): per group the (*,G) state and per source the
//! (S,G) and (S,G,rpt) state, each machine kept separately (§4.1.3, §4.1.4).
//!
//! Only states other than NoInfo are stored: a downstream interface in NoInfo has no element,
//! an entry whose every machine is back at NoInfo is deleted. Timers live in the router's one
//! [`TimerMap`](mcast_addr::timer::TimerMap), keyed by [`Timer`](super::Timer).

use alloc::collections::BTreeMap;
use alloc::vec::Vec;

use super::InterfaceId;

/// The downstream per-interface state of (*,G) (RFC 7761 §4.5.1) and of (S,G) (§4.5.2); NoInfo
/// is the absence of state.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum DownstreamState {
    /// Join (J): the interface has received a Join; its Expiry Timer runs.
    Join,
    /// Prune-Pending (PP): a Prune was received and the router waits, with the Prune-Pending
    /// Timer, for another router on the LAN to override it.
    PrunePending,
}

/// The downstream per-interface (S,G,rpt) state (RFC 7761 §4.5.3); NoInfo is the absence of
/// state.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum RptDownstreamState {
    /// Prune (P): S is pruned off the shared tree on the interface.
    Prune,
    /// Prune-Pending (PP): waiting for an override before pruning.
    PrunePending,
    /// PruneTmp (P'): a Join(*,G) arrived in the message being processed; the state returns to
    /// Prune if the same message prunes S again, to NoInfo at its end otherwise.
    PruneTmp,
    /// Prune-Pending-Tmp (PP'): the same, from Prune-Pending.
    PrunePendingTmp,
}

/// The upstream (S,G,rpt) state (RFC 7761 §4.5.7).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum RptUpstreamState {
    /// RPTNotJoined(G): the router is not joined to the shared tree of G.
    #[default]
    RptNotJoined,
    /// Pruned(S,G,rpt): joined to the shared tree, with S pruned off it.
    Pruned,
    /// NotPruned(S,G,rpt): joined to the shared tree, S not pruned.
    NotPruned,
}

/// The per-interface Assert state of (S,G) (RFC 7761 §4.6.1) and of (*,G) (§4.6.2); NoInfo is
/// the absence of state.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum AssertState {
    /// I am Assert Winner: this router forwards on the interface.
    Winner,
    /// I am Assert Loser: another router forwards on the interface.
    Loser,
}

/// The DR's per-(S,G) Register state (RFC 7761 §4.4.1).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum RegisterState {
    /// No Info (NI): the router does not register S.
    #[default]
    NoInfo,
    /// Join (J): the register tunnel is up; data from S is encapsulated to the RP.
    Join,
    /// Join-Pending (JP): a Null-Register probe was sent; the tunnel comes back if the RP does
    /// not answer with a Register-Stop within Register_Probe_Time.
    JoinPending,
    /// Prune (P): the RP sent a Register-Stop; the Register-Stop Timer runs.
    Prune,
}

/// An assert metric (RFC 7761 §4.6.3): compared by RPT bit (0 better), preference, metric
/// (lower better), then address (higher better).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct AssertMetric<A> {
    /// The RPT bit: set for a metric towards the RP (an (*,G) assert).
    pub rpt: bool,
    /// Metric Preference (31 bits).
    pub preference: u32,
    /// Metric.
    pub metric: u32,
    /// The asserting router's address on the link.
    pub address: A,
}

/// The "infinite" Metric Preference of an AssertCancel (RFC 7761 §4.6.3).
pub const INFINITE_PREFERENCE: u32 = 0x7FFF_FFFF;
/// The "infinite" Metric of an AssertCancel (RFC 7761 §4.6.3).
pub const INFINITE_METRIC: u32 = 0xFFFF_FFFF;

impl<A: Ord + Copy> AssertMetric<A> {
    /// Whether `self` beats `other` (RFC 7761 §4.6.3).
    #[must_use]
    pub fn is_better_than(&self, other: &Self) -> bool {
        let key = |m: &Self| (m.rpt, m.preference, m.metric);
        match key(self).cmp(&key(other)) {
            core::cmp::Ordering::Less => true,
            core::cmp::Ordering::Greater => false,
            core::cmp::Ordering::Equal => self.address > other.address,
        }
    }

    /// Whether this is the infinite metric of an AssertCancel.
    #[must_use]
    pub fn is_infinite(&self) -> bool {
        self.preference == INFINITE_PREFERENCE && self.metric == INFINITE_METRIC
    }
}

/// Assert state of one interface.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct AssertEntry<A> {
    pub(crate) state: AssertState,
    /// AssertWinner and AssertWinnerMetric (§4.6): this router's own metric when Winner.
    pub(crate) winner: AssertMetric<A>,
    /// Whether the interface was the RPF interface when the state was entered, for the
    /// "RPF_interface stops being I" event.
    pub(crate) on_rpf_interface: bool,
}

/// Where an upstream machine last sent its Join: RPF'(…) and the interface.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Upstream<A> {
    pub(crate) interface: InterfaceId,
    /// RPF'(…): the neighbor Joins go to.
    pub(crate) neighbor: A,
    /// NBR(RPF_interface, MRIB.next_hop): RPF' without Asserts, to tell an Assert-caused
    /// change of RPF' from an MRIB change (§4.5.4).
    pub(crate) mrib_neighbor: Option<A>,
}

/// (*,G) state (RFC 7761 §4.1.3).
#[derive(Debug, Clone)]
pub(crate) struct StarG<A> {
    pub(crate) downstream: Vec<(InterfaceId, DownstreamState)>,
    pub(crate) asserts: Vec<(InterfaceId, AssertEntry<A>)>,
    /// Upstream (*,G) state (§4.5.4): Joined when `true`.
    pub(crate) joined: bool,
    pub(crate) upstream: Option<Upstream<A>>,
}

/// (S,G) and (S,G,rpt) state (RFC 7761 §4.1.4, §4.1.5).
#[derive(Debug, Clone)]
pub(crate) struct Sg<A> {
    pub(crate) downstream: Vec<(InterfaceId, DownstreamState)>,
    pub(crate) rpt_downstream: Vec<(InterfaceId, RptDownstreamState)>,
    pub(crate) asserts: Vec<(InterfaceId, AssertEntry<A>)>,
    /// Upstream (S,G) state (§4.5.5): Joined when `true`.
    pub(crate) joined: bool,
    pub(crate) upstream: Option<Upstream<A>>,
    pub(crate) rpt: RptUpstreamState,
    /// RPF'(S,G,rpt) when last evaluated.
    pub(crate) rpt_neighbor: Option<A>,
    /// SPTbit(S,G) (§4.2.2).
    pub(crate) spt_bit: bool,
    pub(crate) register: RegisterState,
    /// The RP the register state belongs to, for the "RP changed" event (§4.4.1).
    pub(crate) register_rp: Option<A>,
    /// The caller signalled that (S,G) passed the SPT threshold
    /// ([`SptSwitchover::Threshold`](super::SptSwitchover::Threshold)).
    pub(crate) spt_threshold: bool,
}

/// Everything the router keeps for a group.
#[derive(Debug, Clone)]
pub(crate) struct Group<A> {
    pub(crate) star: Option<StarG<A>>,
    pub(crate) sources: BTreeMap<A, Sg<A>>,
}

impl<A> Default for StarG<A> {
    fn default() -> Self {
        Self {
            downstream: Vec::new(),
            asserts: Vec::new(),
            joined: false,
            upstream: None,
        }
    }
}

impl<A> Default for Sg<A> {
    fn default() -> Self {
        Self {
            downstream: Vec::new(),
            rpt_downstream: Vec::new(),
            asserts: Vec::new(),
            joined: false,
            upstream: None,
            rpt: RptUpstreamState::RptNotJoined,
            rpt_neighbor: None,
            spt_bit: false,
            register: RegisterState::NoInfo,
            register_rp: None,
            spt_threshold: false,
        }
    }
}

impl<A> Default for Group<A> {
    fn default() -> Self {
        Self {
            star: None,
            sources: BTreeMap::new(),
        }
    }
}

pub(crate) fn find<K: PartialEq + Copy, V: Copy>(list: &[(K, V)], key: K) -> Option<V> {
    list.iter().find(|(k, _)| *k == key).map(|(_, v)| *v)
}

pub(crate) fn set<K: PartialEq + Ord + Copy, V>(list: &mut Vec<(K, V)>, key: K, value: V) {
    match list.binary_search_by(|(k, _)| k.cmp(&key)) {
        Ok(i) => {
            if let Some(slot) = list.get_mut(i) {
                slot.1 = value;
            }
        }
        Err(i) => list.insert(i, (key, value)),
    }
}

pub(crate) fn unset<K: PartialEq + Copy, V>(list: &mut Vec<(K, V)>, key: K) -> bool {
    let before = list.len();
    list.retain(|(k, _)| *k != key);
    list.len() != before
}
