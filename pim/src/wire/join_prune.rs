//! Join/Prune (type 3, RFC 7761 §4.9.5), Graft (type 6, RFC 3973 §4.7.2) and Graft-Ack (type 7,
//! RFC 3973 §4.7.3): one layout for the three.
//!
//! ```text
//! | PIM common header                                             |
//! |        Upstream Neighbor Address (Encoded-Unicast format)     |
//! |  Reserved     | Num groups    |          Holdtime             |
//! |         Multicast Group Address 1 (Encoded-Group format)      |
//! |   Number of Joined Sources    |   Number of Pruned Sources    |
//! |        Joined Source Address 1 .. n (Encoded-Source format)   |
//! |        Pruned Source Address 1 .. n (Encoded-Source format)   |
//! |  ... more group sets ...                                      |
//! ```
//!
//! Parsing walks every group set and source once, so a count that claims more than the message
//! holds is an error before any iterator runs, and nothing is allocated from a count.

use core::fmt;

use mcast_addr::family::IpFamily;

use crate::error::Result;
use crate::wire::addr::{
    EncodedGroup, SourceEntry, read_unicast, validated_source, validated_source_len,
};
use crate::wire::cursor::{Reader, Writer};
use crate::wire::header::HEADER_LEN;
use crate::wire::holdtime::Holdtime;

/// Checks the Encoded-Source address at the front of `r` and steps over it: a fast path for the
/// common native encoding, the full reader (which names the faulty byte) otherwise.
fn check_source<F: IpFamily>(r: &mut Reader<'_>, field: &'static str) -> Result<()> {
    let fixed = crate::wire::addr::encoded_group_len::<F>();
    if let Some(&[family, encoding_type, _, mask_length]) = r.rest().get(..4)
        && family == F::IANA_ADDRESS_FAMILY
        && encoding_type == crate::wire::addr::ENCODING_NATIVE
        && usize::from(mask_length) <= F::ADDR_LEN.saturating_mul(8)
        && r.rest().len() >= fixed
    {
        r.take(fixed, field)?;
        return Ok(());
    }
    SourceEntry::<F>::read(r, field).map(|_| ())
}

/// A Join/Prune, Graft or Graft-Ack message, validated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct JoinPrune<'a, F: IpFamily> {
    /// The RFC 9436 flag bits of the common header (none defined; zero).
    pub flag_bits: u8,
    /// Upstream Neighbor Address: the RPF neighbor the message is addressed to.
    pub upstream_neighbor: F::Addr,
    /// Reserved byte (zero on send).
    pub reserved: u8,
    /// Holdtime: how long the receiver keeps the join or prune state (RFC 7761 §4.9.5);
    /// 0xFFFF is infinite.
    pub holdtime: Holdtime,
    num_groups: u8,
    groups: &'a [u8],
    groups_offset: usize,
}

impl<'a, F: IpFamily> JoinPrune<'a, F> {
    /// Parses the body of a Join/Prune, Graft or Graft-Ack (the bytes after the common header);
    /// returns the message and the bytes after its last group set (none when well formed).
    ///
    /// # Errors
    /// Truncation or a bad encoded address anywhere in the message.
    pub fn parse_body(flag_bits: u8, body: &'a [u8]) -> Result<(Self, &'a [u8])> {
        let mut r = Reader::new(body, HEADER_LEN);
        let upstream_neighbor = read_unicast::<F>(&mut r, "Upstream Neighbor Address")?;
        let reserved = r.u8("Reserved")?;
        let num_groups = r.u8("Num groups")?;
        let holdtime = Holdtime(r.u16("Holdtime")?);
        let groups_offset = r.offset();
        let start = r.rest();
        for _ in 0..num_groups {
            EncodedGroup::<F>::read(&mut r, "Multicast Group Address")?;
            let joined = r.u16("Number of Joined Sources")?;
            let pruned = r.u16("Number of Pruned Sources")?;
            for _ in 0..joined {
                check_source::<F>(&mut r, "Joined Source Address")?;
            }
            for _ in 0..pruned {
                check_source::<F>(&mut r, "Pruned Source Address")?;
            }
        }
        let used = r.offset().saturating_sub(groups_offset);
        Ok((
            Self {
                flag_bits,
                upstream_neighbor,
                reserved,
                holdtime,
                num_groups,
                groups: start.get(..used).unwrap_or(start),
                groups_offset,
            },
            r.rest(),
        ))
    }

    /// Num groups.
    #[must_use]
    pub fn num_groups(&self) -> u8 {
        self.num_groups
    }

    /// The group sets in order.
    #[must_use]
    pub fn groups(&self) -> GroupSets<'a, F> {
        GroupSets {
            reader: Reader::new(self.groups, self.groups_offset),
            left: self.num_groups,
            _family: core::marker::PhantomData,
        }
    }

    /// Length of the body.
    #[must_use]
    pub fn body_len(&self) -> usize {
        crate::wire::addr::encoded_unicast_len::<F>()
            .saturating_add(4)
            .saturating_add(self.groups.len())
    }

    pub(crate) fn write_body(&self, w: &mut Writer<'_>) -> Result<()> {
        crate::wire::addr::write_unicast::<F>(w, self.upstream_neighbor)?;
        w.u8(self.reserved)?;
        w.u8(self.num_groups)?;
        w.u16(self.holdtime.0)?;
        w.put(self.groups)
    }
}

impl<F: IpFamily> fmt::Display for JoinPrune<'_, F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "upstream-neighbor: {}, {} group(s), holdtime: {}",
            self.upstream_neighbor, self.num_groups, self.holdtime
        )?;
        for g in self.groups() {
            write!(f, "; {g}")?;
        }
        Ok(())
    }
}

/// Iterator over the group sets of a validated Join/Prune.
#[derive(Debug, Clone)]
pub struct GroupSets<'a, F: IpFamily> {
    reader: Reader<'a>,
    left: u8,
    _family: core::marker::PhantomData<F>,
}

impl<'a, F: IpFamily> Iterator for GroupSets<'a, F> {
    type Item = GroupSet<'a, F>;
    fn next(&mut self) -> Option<GroupSet<'a, F>> {
        self.left = self.left.checked_sub(1)?;
        let r = &mut self.reader;
        let group = EncodedGroup::<F>::read(r, "").ok()?;
        let joined_count = r.u16("").ok()?;
        let pruned_count = r.u16("").ok()?;
        let joined = SourceList::skip(r, joined_count)?;
        let pruned = SourceList::skip(r, pruned_count)?;
        Some(GroupSet {
            group,
            joined,
            pruned,
        })
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        (usize::from(self.left), Some(usize::from(self.left)))
    }
}

/// One group set of a Join/Prune (RFC 7761 §4.9.5): a group and its joined and pruned sources.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GroupSet<'a, F: IpFamily> {
    /// Multicast Group Address.
    pub group: EncodedGroup<F>,
    /// Joined Source Addresses.
    pub joined: SourceList<'a, F>,
    /// Pruned Source Addresses.
    pub pruned: SourceList<'a, F>,
}

impl<F: IpFamily> fmt::Display for GroupSet<'_, F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "group {}, joined sources: {}, pruned sources: {}",
            self.group,
            self.joined.len(),
            self.pruned.len()
        )?;
        for s in &self.joined {
            write!(f, " J:{s}")?;
        }
        for s in &self.pruned {
            write!(f, " P:{s}")?;
        }
        Ok(())
    }
}

/// A validated list of Encoded-Source addresses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SourceList<'a, F: IpFamily> {
    count: u16,
    bytes: &'a [u8],
    _family: core::marker::PhantomData<F>,
}

impl<'a, F: IpFamily> SourceList<'a, F> {
    /// Takes `count` validated sources off the front of `r`.
    fn skip(r: &mut Reader<'a>, count: u16) -> Option<Self> {
        let rest = r.rest();
        let mut used = 0usize;
        for _ in 0..count {
            let tail = rest.get(used..)?;
            used = used.checked_add(validated_source_len::<F>(tail)?)?;
        }
        let bytes = r.take(used, "").ok()?;
        Some(Self {
            count,
            bytes,
            _family: core::marker::PhantomData,
        })
    }

    /// Number of sources (the Number of Joined/Pruned Sources field).
    #[must_use]
    pub fn len(&self) -> usize {
        usize::from(self.count)
    }

    /// Whether the list is empty.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.count == 0
    }

    /// The sources in order.
    #[must_use]
    pub fn iter(&self) -> SourceIter<'a, F> {
        SourceIter {
            bytes: self.bytes,
            left: self.count,
            _family: core::marker::PhantomData,
        }
    }
}

impl<'a, F: IpFamily> IntoIterator for &SourceList<'a, F> {
    type Item = SourceEntry<'a, F>;
    type IntoIter = SourceIter<'a, F>;
    fn into_iter(self) -> SourceIter<'a, F> {
        self.iter()
    }
}

impl<'a, F: IpFamily> IntoIterator for SourceList<'a, F> {
    type Item = SourceEntry<'a, F>;
    type IntoIter = SourceIter<'a, F>;
    fn into_iter(self) -> SourceIter<'a, F> {
        self.iter()
    }
}

/// Iterator over a validated source list.
#[derive(Debug, Clone)]
pub struct SourceIter<'a, F: IpFamily> {
    bytes: &'a [u8],
    left: u16,
    _family: core::marker::PhantomData<F>,
}

impl<'a, F: IpFamily> Iterator for SourceIter<'a, F> {
    type Item = SourceEntry<'a, F>;
    fn next(&mut self) -> Option<SourceEntry<'a, F>> {
        self.left = self.left.checked_sub(1)?;
        let len = validated_source_len::<F>(self.bytes)?;
        let (entry, rest) = self.bytes.split_at_checked(len)?;
        self.bytes = rest;
        validated_source::<F>(entry)
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        (usize::from(self.left), Some(usize::from(self.left)))
    }
}

impl<F: IpFamily> ExactSizeIterator for SourceIter<'_, F> {}

#[cfg(feature = "alloc")]
pub use owned::{GroupSetRepr, JoinPruneRepr};

#[cfg(feature = "alloc")]
mod owned {
    use alloc::vec::Vec;

    #[allow(clippy::wildcard_imports)]
    use super::*;
    use crate::error::PimError;
    use crate::wire::addr::{
        SourceRepr, SourceTree, encoded_group_len, encoded_unicast_len, write_unicast,
    };
    use crate::wire::cursor::count_field;

    /// An owned group set (RFC 7761 §4.9.5): a group and the sources to join and to prune.
    #[derive(Debug, Clone, PartialEq, Eq, Hash)]
    #[cfg_attr(
        feature = "serde",
        derive(serde::Serialize, serde::Deserialize),
        serde(bound = "F: crate::SerdeFamily")
    )]
    #[cfg_attr(
        feature = "arbitrary",
        derive(arbitrary::Arbitrary),
        arbitrary(bound = "F: crate::ArbitraryFamily")
    )]
    pub struct GroupSetRepr<F: IpFamily> {
        /// Multicast Group Address.
        pub group: EncodedGroup<F>,
        /// Joined Source Addresses.
        pub joins: Vec<SourceRepr<F>>,
        /// Pruned Source Addresses.
        pub prunes: Vec<SourceRepr<F>>,
    }

    impl<F: IpFamily> GroupSetRepr<F> {
        /// A group set with no sources yet.
        #[must_use]
        pub fn new(group: EncodedGroup<F>) -> Self {
            Self {
                group,
                joins: Vec::new(),
                prunes: Vec::new(),
            }
        }

        /// Length on the wire.
        #[must_use]
        pub fn wire_len(&self) -> usize {
            self.joins
                .iter()
                .chain(&self.prunes)
                .map(SourceRepr::wire_len)
                .fold(group_overhead::<F>(), usize::saturating_add)
        }

        fn write(&self, w: &mut Writer<'_>) -> Result<()> {
            let joins = count_field("Number of Joined Sources", self.joins.len(), 0xFFFF)?;
            let prunes = count_field("Number of Pruned Sources", self.prunes.len(), 0xFFFF)?;
            self.group.write(w)?;
            w.u16(joins as u16)?;
            w.u16(prunes as u16)?;
            self.joins
                .iter()
                .chain(&self.prunes)
                .try_for_each(|s| s.write(w))
        }
    }

    impl<F: IpFamily> From<GroupSet<'_, F>> for GroupSetRepr<F> {
        fn from(g: GroupSet<'_, F>) -> Self {
            Self {
                group: g.group,
                joins: g.joined.iter().map(SourceRepr::from).collect(),
                prunes: g.pruned.iter().map(SourceRepr::from).collect(),
            }
        }
    }

    fn group_overhead<F: IpFamily>() -> usize {
        encoded_group_len::<F>().saturating_add(4)
    }

    fn message_overhead<F: IpFamily>() -> usize {
        HEADER_LEN
            .saturating_add(encoded_unicast_len::<F>())
            .saturating_add(4)
    }

    /// An owned Join/Prune, Graft or Graft-Ack (RFC 7761 §4.9.5, RFC 3973 §4.7.2, §4.7.3).
    #[derive(Debug, Clone, PartialEq, Eq, Hash)]
    #[cfg_attr(
        feature = "serde",
        derive(serde::Serialize, serde::Deserialize),
        serde(bound = "F: crate::SerdeFamily")
    )]
    #[cfg_attr(
        feature = "arbitrary",
        derive(arbitrary::Arbitrary),
        arbitrary(bound = "F: crate::ArbitraryFamily")
    )]
    pub struct JoinPruneRepr<F: IpFamily> {
        /// The RFC 9436 flag bits of the common header (zero).
        pub flag_bits: u8,
        /// Upstream Neighbor Address.
        pub upstream_neighbor: F::Addr,
        /// Reserved byte (zero).
        pub reserved: u8,
        /// Holdtime.
        pub holdtime: Holdtime,
        /// The group sets (at most 255 per message; see [`JoinPruneRepr::split`]).
        pub groups: Vec<GroupSetRepr<F>>,
    }

    impl<F: IpFamily> JoinPruneRepr<F> {
        /// An empty message to `upstream_neighbor` with `holdtime`.
        #[must_use]
        pub fn new(upstream_neighbor: F::Addr, holdtime: Holdtime) -> Self {
            Self {
                flag_bits: 0,
                upstream_neighbor,
                reserved: 0,
                holdtime,
                groups: Vec::new(),
            }
        }

        /// The owned form of a parsed message.
        #[must_use]
        pub fn from_view(view: &JoinPrune<'_, F>) -> Self {
            Self {
                flag_bits: view.flag_bits,
                upstream_neighbor: view.upstream_neighbor,
                reserved: view.reserved,
                holdtime: view.holdtime,
                groups: view.groups().map(GroupSetRepr::from).collect(),
            }
        }

        /// Length of the body.
        #[must_use]
        pub fn body_len(&self) -> usize {
            self.groups.iter().map(GroupSetRepr::wire_len).fold(
                message_overhead::<F>().saturating_sub(HEADER_LEN),
                usize::saturating_add,
            )
        }

        pub(crate) fn write_body(&self, w: &mut Writer<'_>) -> Result<()> {
            let num_groups = count_field("Num groups", self.groups.len(), 255)?;
            write_unicast::<F>(w, self.upstream_neighbor)?;
            w.u8(self.reserved)?;
            w.u8(num_groups as u8)?;
            w.u16(self.holdtime.0)?;
            self.groups.iter().try_for_each(|g| g.write(w))
        }

        fn empty_like(&self) -> Self {
            Self {
                flag_bits: self.flag_bits,
                upstream_neighbor: self.upstream_neighbor,
                reserved: self.reserved,
                holdtime: self.holdtime,
                groups: Vec::new(),
            }
        }

        /// Packs the group sets into messages of at most `max_message_len` bytes each (the IP
        /// MTU less the IP header: see [`crate::wire::max_message_len`]) and at most 255 group
        /// sets each, losing no entry.
        ///
        /// A group set that fits is never split. One that does not fit in any message is split
        /// over several messages following RFC 7761 §4.9.5.1 and §4.9.5.2: each part repeats the
        /// group; the (*,G) Join of the group goes into the first part and is repeated in every
        /// later part that carries an (S,G,rpt) Prune, because the receiver interprets those
        /// Prunes together with the (*,G) Join of the same message (RFC 7761 §4.5.9). That Join
        /// is the only entry ever sent twice.
        ///
        /// # Errors
        /// [`PimError::TooLarge`] when `max_message_len` cannot hold even one group set with one
        /// source (or with its (*,G) Join).
        #[allow(clippy::too_many_lines)]
        pub fn split(&self, max_message_len: usize) -> Result<Vec<Self>> {
            let too_small = |needed: usize| PimError::TooLarge {
                field: "Join/Prune entry in max message length",
                value: needed,
                max: max_message_len,
            };
            let base = message_overhead::<F>();
            let overhead = group_overhead::<F>();
            let mut out = Vec::new();
            let mut current = self.empty_like();
            let mut current_len = base;
            let flush = |current: &mut Self, current_len: &mut usize, out: &mut Vec<Self>| {
                if !current.groups.is_empty() {
                    out.push(core::mem::replace(current, self.empty_like()));
                }
                *current_len = base;
            };
            for set in &self.groups {
                let full = set.wire_len();
                if base.saturating_add(overhead) > max_message_len {
                    return Err(too_small(base.saturating_add(overhead)));
                }
                if current.groups.len() < 255 && current_len.saturating_add(full) <= max_message_len
                {
                    current.groups.push(set.clone());
                    current_len = current_len.saturating_add(full);
                    continue;
                }
                if base.saturating_add(full) <= max_message_len {
                    flush(&mut current, &mut current_len, &mut out);
                    current.groups.push(set.clone());
                    current_len = current_len.saturating_add(full);
                    continue;
                }
                // The group set must be split over several messages.
                let star_position = set
                    .joins
                    .iter()
                    .position(|s| s.source.tree() == Some(SourceTree::StarGroup));
                let star = star_position.and_then(|i| set.joins.get(i));
                let mut queue: alloc::collections::VecDeque<(bool, &SourceRepr<F>)> = set
                    .joins
                    .iter()
                    .enumerate()
                    .filter(|(i, _)| Some(*i) != star_position)
                    .map(|(_, s)| (true, s))
                    .chain(set.prunes.iter().map(|s| (false, s)))
                    .collect();
                let mut star_sent = false;
                loop {
                    let rpt_prunes_left =
                        queue.iter().any(|(join, s)| !join && s.source.flags.rpt());
                    let star_needed = star.is_some() && (!star_sent || rpt_prunes_left);
                    if queue.is_empty() && !star_needed {
                        break;
                    }
                    if current.groups.len() >= 255
                        || current_len.saturating_add(overhead) > max_message_len
                    {
                        flush(&mut current, &mut current_len, &mut out);
                    }
                    let started_empty = current.groups.is_empty();
                    let room = max_message_len.saturating_sub(current_len);
                    let mut part = GroupSetRepr::new(set.group);
                    let mut used = overhead;
                    let mut part_has_star = false;
                    if let (true, Some(star)) = (star_needed, star) {
                        if used.saturating_add(star.wire_len()) <= room {
                            part.joins.push(star.clone());
                            used = used.saturating_add(star.wire_len());
                            part_has_star = true;
                        } else if !started_empty {
                            flush(&mut current, &mut current_len, &mut out);
                            continue;
                        } else {
                            return Err(too_small(
                                base.saturating_add(used).saturating_add(star.wire_len()),
                            ));
                        }
                    }
                    let mut added = 0usize;
                    while let Some((join, source)) = queue.front().copied() {
                        if used.saturating_add(source.wire_len()) > room {
                            break;
                        }
                        used = used.saturating_add(source.wire_len());
                        if join {
                            part.joins.push(source.clone());
                        } else {
                            part.prunes.push(source.clone());
                        }
                        queue.pop_front();
                        added = added.saturating_add(1);
                    }
                    if added == 0 && !queue.is_empty() {
                        if started_empty {
                            let next = queue.front().map_or(0, |(_, s)| s.wire_len());
                            return Err(too_small(base.saturating_add(used).saturating_add(next)));
                        }
                        flush(&mut current, &mut current_len, &mut out);
                        continue;
                    }
                    star_sent |= part_has_star;
                    current.groups.push(part);
                    current_len = current_len.saturating_add(used);
                    if !queue.is_empty() {
                        flush(&mut current, &mut current_len, &mut out);
                    }
                }
            }
            flush(&mut current, &mut current_len, &mut out);
            Ok(out)
        }
    }

    impl<F: IpFamily> fmt::Display for JoinPruneRepr<F> {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            write!(
                f,
                "upstream-neighbor: {}, {} group(s), holdtime: {}",
                self.upstream_neighbor,
                self.groups.len(),
                self.holdtime
            )?;
            for g in &self.groups {
                write!(
                    f,
                    "; group {}, joined sources: {}, pruned sources: {}",
                    g.group,
                    g.joins.len(),
                    g.prunes.len()
                )?;
            }
            Ok(())
        }
    }
}
