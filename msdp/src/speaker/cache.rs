//! The SA cache (RFC 3618 §4, §5.3): one entry per (S,G,originating RP), each with its
//! SG-State timer.
//!
//! Memory is the design goal here (a million entries is an ordinary Internet-wide cache): an
//! entry is 20 bytes in a `BTreeMap` (the key, group first, and its deadline and the peer it
//! was learned from), and its SG-State timer is one 12-byte key in a timer wheel.
//!
//! The timer: every entry's deadline is `refresh + SG-State-Period`, with the period fixed, so
//! no deadline lies more than one period ahead. A wheel of `period + 1` one-second slots holds
//! each entry's key once, in the slot of the deadline it had when it was queued. A refresh
//! only rewrites the deadline in the entry; when the slot comes due an entry whose deadline
//! has moved is re-queued in the slot of its new deadline, and one whose deadline has come is
//! removed. Deadlines are whole seconds from the speaker's creation, rounded up: an entry
//! lives at least the period and less than a second more.

use alloc::collections::BTreeMap;
use alloc::vec::Vec;
use core::net::Ipv4Addr;

/// The key of a cache entry, ordered by group, then source, then RP, so that the entries of
/// one group are one range.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) struct SaKey {
    group: u32,
    source: u32,
    rp: u32,
}

impl SaKey {
    pub(crate) const fn new(source: Ipv4Addr, group: Ipv4Addr, rp: Ipv4Addr) -> Self {
        Self {
            group: group.to_bits(),
            source: source.to_bits(),
            rp: rp.to_bits(),
        }
    }

    pub(crate) const fn source(&self) -> Ipv4Addr {
        Ipv4Addr::from_bits(self.source)
    }

    pub(crate) const fn group(&self) -> Ipv4Addr {
        Ipv4Addr::from_bits(self.group)
    }

    pub(crate) const fn rp(&self) -> Ipv4Addr {
        Ipv4Addr::from_bits(self.rp)
    }

    /// The first and last keys of `group`.
    const fn group_bounds(group: Ipv4Addr) -> (Self, Self) {
        let g = group.to_bits();
        (
            Self {
                group: g,
                source: 0,
                rp: 0,
            },
            Self {
                group: g,
                source: u32::MAX,
                rp: u32::MAX,
            },
        )
    }
}

/// What the cache keeps of an entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct CacheEntry {
    /// When the SG-State timer expires, in whole seconds from the speaker's creation.
    pub(crate) deadline: u32,
    /// The peer the entry was last accepted from.
    pub(crate) peer: u32,
}

/// The outcome of [`SaCache::accept`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Accepted {
    /// A new entry.
    New,
    /// An entry refreshed after the hold-down: forward it again.
    Refreshed,
    /// A copy within the hold-down of the last acceptance: neither forwarded nor refreshed.
    Duplicate,
    /// The peer's limit is reached.
    PeerLimit,
    /// The cache's limit is reached.
    CacheLimit,
    /// The deadline would lie beyond the 32-bit seconds of the SG-State clock (136 years
    /// after the speaker's creation): not cached.
    BeyondClock,
}

/// The SA cache with its SG-State timers.
#[derive(Debug, Clone)]
pub(crate) struct SaCache {
    entries: BTreeMap<SaKey, CacheEntry>,
    /// `period + 1` slots; slot `d % (period + 1)` holds the keys queued for second `d`.
    wheel: Vec<Vec<SaKey>>,
    /// [SG-State-Period] in seconds (at least 1).
    period: u32,
    /// [SA-Hold-Down-Period] in seconds.
    hold_down: u32,
    /// The first second whose slot has not been processed.
    cursor: u32,
    /// The earliest second whose slot may hold a key, if any.
    next_due: Option<u32>,
    /// Entries per peer they were learned from (kept for peers removed since, so that the
    /// counts stay exact).
    per_peer: BTreeMap<u32, usize>,
    /// Whether the cache reached its limit and has not yet fallen to its low-water mark.
    full: bool,
    /// The peers that reached their limit and have not yet fallen to their low-water mark.
    full_peers: alloc::collections::BTreeSet<u32>,
}

/// The count at or below which a table that reached `limit` takes new entries again: 10%
/// below it (one below, for limits under 10), so that a full table does not flap between
/// taking and refusing at every expiry.
pub(crate) const fn low_water(limit: usize) -> usize {
    let margin = limit / 10;
    limit.saturating_sub(if margin == 0 { 1 } else { margin })
}

impl SaCache {
    pub(crate) fn new(period: u32, hold_down: u32) -> Self {
        let period = period.max(1);
        let mut wheel = Vec::new();
        wheel.resize_with((period as usize).saturating_add(1), Vec::new);
        Self {
            entries: BTreeMap::new(),
            wheel,
            period,
            hold_down,
            cursor: 0,
            next_due: None,
            per_peer: BTreeMap::new(),
            full: false,
            full_peers: alloc::collections::BTreeSet::new(),
        }
    }

    pub(crate) fn len(&self) -> usize {
        self.entries.len()
    }

    pub(crate) fn peer_count(&self, peer: Ipv4Addr) -> usize {
        self.per_peer.get(&peer.to_bits()).copied().unwrap_or(0)
    }

    pub(crate) fn get(&self, key: &SaKey) -> Option<&CacheEntry> {
        self.entries.get(key)
    }

    fn slot(&self, second: u32) -> usize {
        second
            .checked_rem(self.period.saturating_add(1))
            .unwrap_or(0) as usize
    }

    fn queue(&mut self, key: SaKey, deadline: u32) {
        let slot = self.slot(deadline);
        if let Some(keys) = self.wheel.get_mut(slot) {
            keys.push(key);
        }
        self.next_due = Some(self.next_due.map_or(deadline, |due| due.min(deadline)));
    }

    fn count(&mut self, peer: u32, add: bool) {
        let count = self.per_peer.entry(peer).or_insert(0);
        *count = if add {
            count.saturating_add(1)
        } else {
            count.saturating_sub(1)
        };
        if *count == 0 {
            self.per_peer.remove(&peer);
        }
    }

    /// Accepts `key` from `peer` at `now` (whole seconds, rounded up), within the limits.
    pub(crate) fn accept(
        &mut self,
        key: SaKey,
        peer: Ipv4Addr,
        now: u32,
        peer_limit: usize,
        cache_limit: usize,
    ) -> Accepted {
        let peer = peer.to_bits();
        let Some(deadline) = now.checked_add(self.period) else {
            return Accepted::BeyondClock;
        };
        let per_peer = &self.per_peer;
        let learned = || per_peer.get(&peer).copied().unwrap_or(0);
        if let Some(entry) = self.entries.get_mut(&key) {
            let last = entry.deadline.saturating_sub(self.period);
            if now.saturating_sub(last) < self.hold_down {
                return Accepted::Duplicate;
            }
            let old = entry.peer;
            if old == peer {
                entry.deadline = deadline;
            } else {
                // The entry moves to the peer it now comes from, if that peer has room.
                if learned() >= peer_limit {
                    return Accepted::PeerLimit;
                }
                entry.peer = peer;
                entry.deadline = deadline;
                self.count(old, false);
                self.count(peer, true);
            }
            return Accepted::Refreshed;
        }
        let len = self.entries.len();
        if len >= cache_limit || (self.full && len > low_water(cache_limit)) {
            self.full = true;
            return Accepted::CacheLimit;
        }
        self.full = false;
        let count = learned();
        let peer_full = self.full_peers.contains(&peer);
        if count >= peer_limit || (peer_full && count > low_water(peer_limit)) {
            self.full_peers.insert(peer);
            return Accepted::PeerLimit;
        }
        if peer_full {
            self.full_peers.remove(&peer);
        }
        self.entries.insert(key, CacheEntry { deadline, peer });
        self.count(peer, true);
        self.queue(key, deadline);
        Accepted::New
    }

    /// Removes the entries whose SG-State timer expired at or before `now` (whole seconds,
    /// rounded down), pushing their keys on `expired` in the order they expire.
    pub(crate) fn expire(&mut self, now: u32, expired: &mut Vec<SaKey>) {
        let Some(due) = self.next_due else {
            self.cursor = self.cursor.max(now.saturating_add(1));
            return;
        };
        if due > now {
            return;
        }
        let start = self.cursor.max(due);
        // Each slot is processed at most once a call: past `start + period` they repeat.
        let end = now.min(start.saturating_add(self.period));
        let mut second = start;
        loop {
            let slot = self.slot(second);
            let keys = self
                .wheel
                .get_mut(slot)
                .map(core::mem::take)
                .unwrap_or_default();
            let mut keys = keys;
            for key in keys.drain(..) {
                let Some(entry) = self.entries.get(&key) else {
                    continue; // removed, or queued twice: nothing to do.
                };
                if entry.deadline <= now {
                    let peer = entry.peer;
                    self.entries.remove(&key);
                    self.count(peer, false);
                    expired.push(key);
                } else {
                    let target = self.slot(entry.deadline);
                    if let Some(target) = self.wheel.get_mut(target) {
                        target.push(key);
                    }
                }
            }
            // Give the (now empty) allocation back to the slot it came from, if it is still
            // empty, so that slots keep their capacity from one turn of the wheel to the next.
            if let Some(current) = self.wheel.get_mut(slot)
                && current.is_empty()
            {
                *current = keys;
            }
            if second >= end {
                break;
            }
            second = second.saturating_add(1);
        }
        self.cursor = now.saturating_add(1);
        self.next_due = self.find_next_due();
    }

    /// The first second from the cursor whose slot holds a key.
    fn find_next_due(&self) -> Option<u32> {
        (0..=self.period)
            .map(|offset| self.cursor.saturating_add(offset))
            .find(|second| {
                self.wheel
                    .get(self.slot(*second))
                    .is_some_and(|k| !k.is_empty())
            })
    }

    /// The earliest second at which [`SaCache::expire`] may have work.
    pub(crate) const fn next_due(&self) -> Option<u32> {
        self.next_due
    }

    /// The entries of `group`, in (source, RP) order.
    pub(crate) fn group(&self, group: Ipv4Addr) -> impl Iterator<Item = (&SaKey, &CacheEntry)> {
        let (first, last) = SaKey::group_bounds(group);
        self.entries.range(first..=last)
    }

    /// Whether any entry for (`source`, `group`) remains, from any RP.
    pub(crate) fn has_source(&self, source: Ipv4Addr, group: Ipv4Addr) -> bool {
        let first = SaKey::new(source, group, Ipv4Addr::UNSPECIFIED);
        let last = SaKey::new(source, group, Ipv4Addr::BROADCAST);
        self.entries.range(first..=last).next().is_some()
    }

    /// Every entry, in (group, source, RP) order.
    pub(crate) fn iter(&self) -> impl Iterator<Item = (&SaKey, &CacheEntry)> {
        self.entries.iter()
    }

    /// Bytes the wheel's slots hold allocated (for memory accounting).
    pub(crate) fn wheel_capacity_bytes(&self) -> usize {
        self.wheel
            .iter()
            .map(|slot| {
                slot.capacity()
                    .saturating_mul(core::mem::size_of::<SaKey>())
            })
            .fold(0, usize::saturating_add)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(i: u8) -> SaKey {
        SaKey::new(
            Ipv4Addr::new(10, 0, 0, i),
            Ipv4Addr::new(239, 1, 1, 1),
            Ipv4Addr::new(1, 1, 1, 1),
        )
    }

    const PEER: Ipv4Addr = Ipv4Addr::new(192, 0, 2, 1);

    #[test]
    fn entry_expires_one_period_after_its_last_refresh() {
        let mut cache = SaCache::new(90, 30);
        let mut out = Vec::new();
        assert_eq!(cache.accept(key(1), PEER, 0, 10, 10), Accepted::New);
        assert_eq!(cache.accept(key(1), PEER, 10, 10, 10), Accepted::Duplicate);
        assert_eq!(cache.accept(key(1), PEER, 60, 10, 10), Accepted::Refreshed);
        cache.expire(90, &mut out);
        assert!(out.is_empty());
        assert_eq!(cache.next_due(), Some(150));
        cache.expire(149, &mut out);
        assert!(out.is_empty());
        cache.expire(150, &mut out);
        assert_eq!(out, [key(1)]);
        assert_eq!(cache.len(), 0);
        assert_eq!(cache.peer_count(PEER), 0);
        assert_eq!(cache.next_due(), None);
    }

    #[test]
    fn a_jump_of_the_clock_expires_everything_due() {
        let mut cache = SaCache::new(90, 30);
        for i in 0..50 {
            cache.accept(key(i), PEER, u32::from(i) * 7, 100, 100);
        }
        let mut out = Vec::new();
        cache.expire(10_000, &mut out);
        assert_eq!(out.len(), 50);
        assert_eq!(cache.len(), 0);
    }

    #[test]
    fn limits_hold() {
        let mut cache = SaCache::new(90, 30);
        assert_eq!(cache.accept(key(1), PEER, 0, 1, 10), Accepted::New);
        assert_eq!(cache.accept(key(2), PEER, 0, 1, 10), Accepted::PeerLimit);
        let other = Ipv4Addr::new(192, 0, 2, 2);
        assert_eq!(cache.accept(key(2), other, 0, 1, 2), Accepted::New);
        assert_eq!(cache.accept(key(3), other, 0, 5, 2), Accepted::CacheLimit);
        // A refresh from another peer moves the count, if that peer has room.
        assert_eq!(cache.accept(key(1), other, 40, 1, 2), Accepted::PeerLimit);
        assert_eq!(cache.peer_count(PEER), 1);
        assert_eq!(cache.accept(key(1), other, 40, 5, 2), Accepted::Refreshed);
        assert_eq!(cache.peer_count(PEER), 0);
        assert_eq!(cache.peer_count(other), 2);
    }

    #[test]
    fn a_full_table_takes_new_entries_again_at_its_low_water_mark() {
        assert_eq!((low_water(20), low_water(5), low_water(0)), (18, 4, 0));
        let mut cache = SaCache::new(90, 30);
        for i in 0..20 {
            assert_eq!(
                cache.accept(key(i), PEER, u32::from(i), 100, 20),
                Accepted::New
            );
        }
        assert_eq!(
            cache.accept(key(50), PEER, 20, 100, 20),
            Accepted::CacheLimit
        );
        let mut out = Vec::new();
        // One entry gone: 19 is above the low-water mark of 18.
        cache.expire(90, &mut out);
        assert_eq!(
            cache.accept(key(50), PEER, 90, 100, 20),
            Accepted::CacheLimit
        );
        cache.expire(91, &mut out);
        assert_eq!(cache.accept(key(50), PEER, 91, 100, 20), Accepted::New);
        assert_eq!(cache.accept(key(51), PEER, 91, 100, 20), Accepted::New);
        // The same for a peer's limit.
        let other = Ipv4Addr::new(192, 0, 2, 9);
        let mut cache = SaCache::new(90, 30);
        for i in 0..5 {
            assert_eq!(
                cache.accept(key(i), other, u32::from(i), 5, 100),
                Accepted::New
            );
        }
        assert_eq!(cache.accept(key(9), other, 5, 5, 100), Accepted::PeerLimit);
        cache.expire(90, &mut out);
        assert_eq!(cache.peer_count(other), 4);
        assert_eq!(cache.accept(key(9), other, 90, 5, 100), Accepted::New);
    }

    #[test]
    fn nothing_is_cached_beyond_the_end_of_the_clock() {
        let mut cache = SaCache::new(90, 30);
        assert_eq!(
            cache.accept(key(1), PEER, u32::MAX - 89, 10, 10),
            Accepted::BeyondClock
        );
        assert_eq!(
            cache.accept(key(1), PEER, u32::MAX - 90, 10, 10),
            Accepted::New
        );
        let mut out = Vec::new();
        cache.expire(u32::MAX, &mut out);
        assert_eq!(out, [key(1)]);
    }
}
