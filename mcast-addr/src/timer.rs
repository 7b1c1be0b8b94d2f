//! The keyed timer map behind every state machine of the family.
//!
//! Each RFC timer of a state machine is a key (an enum naming the timer and what it belongs to:
//! `GroupTimer(group)`, `SourceTimer(group, source)`, `OtherQuerierPresent`…) with at most one
//! deadline. [`TimerMap`] keeps them ordered by deadline, ties broken by key order, so a state
//! machine's `poll_timeout()` is [`TimerMap::next_deadline`] and its `handle_timeout(now)` is a loop
//! over [`TimerMap::pop_expired`], in the same order on every run.
//!
//! ```
//! use core::time::Duration;
//! use mcast_addr::timer::TimerMap;
//!
//! #[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
//! enum Timer { GeneralQuery, Group(u8) }
//!
//! let now = Duration::ZERO;
//! let mut timers = TimerMap::new();
//! timers.schedule_after(Timer::GeneralQuery, now, Duration::from_secs(125));
//! timers.schedule_after(Timer::Group(7), now, Duration::from_secs(260));
//! assert_eq!(timers.next_deadline(), Some(Duration::from_secs(125)));
//!
//! let later = Duration::from_secs(300);
//! let mut fired = Vec::new();
//! while let Some((timer, _deadline)) = timers.pop_expired(later) {
//!     fired.push(timer);
//! }
//! assert_eq!(fired, [Timer::GeneralQuery, Timer::Group(7)]);
//! assert!(timers.is_empty());
//! ```

use alloc::collections::{BTreeMap, BTreeSet};
use core::time::Duration;

use crate::time::Timestamp;

/// What [`TimerMap::schedule_after`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scheduled {
    /// The timer now expires at the computed deadline.
    At,
    /// `now + after` overflows the timestamp type: the timer never expires, so any earlier
    /// deadline of this key was cancelled and none was set.
    Never,
}

/// Deadlines keyed by timer name, ordered by (deadline, key).
///
/// Every operation is `O(log n)`. Iteration and expiry order are deterministic: the earliest
/// deadline first, equal deadlines in key order.
#[derive(Debug, Clone)]
pub struct TimerMap<K, T> {
    by_key: BTreeMap<K, T>,
    by_deadline: BTreeSet<(T, K)>,
}

impl<K, T> Default for TimerMap<K, T> {
    fn default() -> Self {
        Self {
            by_key: BTreeMap::new(),
            by_deadline: BTreeSet::new(),
        }
    }
}

impl<K: Ord + Clone, T: Timestamp> TimerMap<K, T> {
    /// An empty map.
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets `key` to expire at `deadline`, replacing any earlier deadline of that key. Returns the
    /// deadline it replaced.
    pub fn schedule(&mut self, key: K, deadline: T) -> Option<T> {
        let old = self.by_key.insert(key.clone(), deadline);
        if let Some(old) = old {
            self.by_deadline.remove(&(old, key.clone()));
        }
        self.by_deadline.insert((deadline, key));
        old
    }

    /// Sets `key` to expire `after` from `now`. If that overflows the timestamp type the timer
    /// can never expire: it is cancelled and [`Scheduled::Never`] is returned.
    pub fn schedule_after(&mut self, key: K, now: T, after: Duration) -> Scheduled {
        if let Some(deadline) = now.checked_add_duration(after) {
            self.schedule(key, deadline);
            Scheduled::At
        } else {
            self.cancel(&key);
            Scheduled::Never
        }
    }

    /// Sets `key` to expire at `deadline` unless it is already set to expire earlier: the
    /// "lower the timer" rule of IGMPv3 §6.6.1 and MLDv2 §7.6.1. Returns the deadline in force.
    pub fn schedule_no_later_than(&mut self, key: K, deadline: T) -> T {
        match self.by_key.get(&key) {
            Some(&current) if current <= deadline => current,
            _ => {
                self.schedule(key, deadline);
                deadline
            }
        }
    }

    /// Cancels `key`. Returns the deadline it had.
    pub fn cancel(&mut self, key: &K) -> Option<T> {
        let old = self.by_key.remove(key)?;
        self.by_deadline.remove(&(old, key.clone()));
        Some(old)
    }

    /// Cancels every timer for which `keep` returns false.
    pub fn retain(&mut self, mut keep: impl FnMut(&K, &T) -> bool) {
        let by_deadline = &mut self.by_deadline;
        self.by_key.retain(|k, t| {
            let kept = keep(k, t);
            if !kept {
                by_deadline.remove(&(*t, k.clone()));
            }
            kept
        });
    }

    /// The deadline of `key`, if it is running.
    #[must_use]
    pub fn deadline(&self, key: &K) -> Option<T> {
        self.by_key.get(key).copied()
    }

    /// Whether `key` is running.
    #[must_use]
    pub fn is_running(&self, key: &K) -> bool {
        self.by_key.contains_key(key)
    }

    /// Time left on `key` at `now` (zero if it is due), or `None` if it is not running.
    #[must_use]
    pub fn remaining(&self, key: &K, now: T) -> Option<Duration> {
        self.deadline(key).map(|d| d.saturating_duration_since(now))
    }

    /// The earliest deadline of all, which is what a state machine's `poll_timeout()` returns.
    #[must_use]
    pub fn next_deadline(&self) -> Option<T> {
        self.by_deadline.first().map(|(t, _)| *t)
    }

    /// Removes and returns the earliest timer whose deadline is at or before `now`.
    ///
    /// Calling it until it returns `None` fires every due timer, earliest first, ties in key
    /// order, and leaves no deadline at or before `now`.
    pub fn pop_expired(&mut self, now: T) -> Option<(K, T)> {
        let (deadline, _) = self.by_deadline.first()?;
        if *deadline > now {
            return None;
        }
        let (deadline, key) = self.by_deadline.pop_first()?;
        self.by_key.remove(&key);
        Some((key, deadline))
    }

    /// Number of running timers.
    #[must_use]
    pub fn len(&self) -> usize {
        self.by_key.len()
    }

    /// Whether no timer is running.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.by_key.is_empty()
    }

    /// Cancels every timer.
    pub fn clear(&mut self) {
        self.by_key.clear();
        self.by_deadline.clear();
    }

    /// The running timers, earliest deadline first.
    pub fn iter(&self) -> impl Iterator<Item = (&K, &T)> + '_ {
        self.by_deadline.iter().map(|(t, k)| (k, t))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::vec::Vec;

    fn secs(s: u64) -> Duration {
        Duration::from_secs(s)
    }

    #[test]
    fn reschedule_replaces_and_orders() {
        let mut m = TimerMap::new();
        assert_eq!(m.schedule(1u32, secs(10)), None);
        assert_eq!(m.schedule(2u32, secs(5)), None);
        assert_eq!(m.schedule(1u32, secs(3)), Some(secs(10)));
        assert_eq!(m.len(), 2);
        assert_eq!(m.next_deadline(), Some(secs(3)));
        let order: Vec<u32> = m.iter().map(|(k, _)| *k).collect();
        assert_eq!(order, [1, 2]);
    }

    #[test]
    fn ties_fire_in_key_order_and_nothing_due_is_left() {
        let mut m = TimerMap::new();
        for k in [5u32, 1, 3] {
            m.schedule(k, secs(7));
        }
        m.schedule(9, secs(8));
        let mut fired = Vec::new();
        while let Some((k, _)) = m.pop_expired(secs(7)) {
            fired.push(k);
        }
        assert_eq!(fired, [1, 3, 5]);
        assert!(m.next_deadline().unwrap() > secs(7));
    }

    #[test]
    fn lowering_only_lowers() {
        let mut m = TimerMap::new();
        m.schedule('g', secs(100));
        assert_eq!(m.schedule_no_later_than('g', secs(200)), secs(100));
        assert_eq!(m.schedule_no_later_than('g', secs(2)), secs(2));
        assert_eq!(m.schedule_no_later_than('h', secs(9)), secs(9));
        assert_eq!(m.deadline(&'g'), Some(secs(2)));
    }

    #[test]
    fn overflow_means_never() {
        let mut m = TimerMap::new();
        m.schedule(0u8, secs(1));
        assert_eq!(
            m.schedule_after(0u8, Duration::MAX, secs(1)),
            Scheduled::Never
        );
        assert!(!m.is_running(&0));
        assert!(m.is_empty());
    }

    #[test]
    fn cancel_retain_remaining() {
        let mut m = TimerMap::new();
        for k in 0u32..10 {
            m.schedule(k, secs(u64::from(k)));
        }
        assert_eq!(m.cancel(&3), Some(secs(3)));
        assert_eq!(m.cancel(&3), None);
        m.retain(|k, _| k % 2 == 0);
        assert_eq!(m.len(), 5);
        assert_eq!(m.remaining(&8, secs(5)), Some(secs(3)));
        assert_eq!(m.remaining(&2, secs(5)), Some(Duration::ZERO));
        assert_eq!(m.iter().count(), 5);
        m.clear();
        assert_eq!(m.next_deadline(), None);
    }
}
