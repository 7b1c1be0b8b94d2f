//! Bootstrap (type 4, RFC 5059 §4.1) and its fragmentation (RFC 5059 §3.4).
//!
//! ```text
//! |PIM Ver| Type  |N|  Reserved   |           Checksum            |
//! |         Fragment Tag          | Hash Mask Len | BSR Priority  |
//! |             BSR Address (Encoded-Unicast format)              |
//! |         Group Address 1 (Encoded-Group format)                |
//! | RP Count 1    | Frag RP Cnt 1 |         Reserved              |
//! |             RP Address 1 (Encoded-Unicast format)             |
//! |          RP1 Holdtime         | RP1 Priority  |   Reserved    |
//! |  ... more RPs, more groups ...                                |
//! ```
//!
//! RP Count is the number of RPs of the group in the whole Bootstrap; Frag RP Cnt the number in
//! this fragment. A group whose RPs do not fit one fragment appears in several fragments with
//! the same RP Count; the receiver has all of them when the Frag RP Cnts add up to it.

use core::fmt;

use mcast_addr::family::IpFamily;

use crate::error::{PimError, Result};
use crate::wire::addr::{EncodedGroup, encoded_unicast_len, read_unicast};
use crate::wire::cursor::{Reader, Writer};
use crate::wire::header::HEADER_LEN;
use crate::wire::holdtime::Holdtime;

/// N, the No-Forward bit of a Bootstrap (RFC 5059 §3.2, flag bit 7): the message must not be
/// forwarded (it was unicast to a new neighbor).
pub const BOOTSTRAP_NO_FORWARD: u8 = 0x80;

/// A Bootstrap message (RFC 5059 §4.1), validated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Bootstrap<'a, F: IpFamily> {
    /// The flag bits of the common header: N ([`BOOTSTRAP_NO_FORWARD`]) and reserved bits.
    pub flag_bits: u8,
    /// Fragment Tag: the same in every fragment of one Bootstrap.
    pub fragment_tag: u16,
    /// Hash Mask Len: the mask for the RP hash function (RFC 7761 §4.7.2).
    pub hash_mask_length: u8,
    /// BSR Priority: higher is preferred.
    pub bsr_priority: u8,
    /// BSR Address.
    pub bsr_address: F::Addr,
    groups: &'a [u8],
    groups_offset: usize,
}

impl<'a, F: IpFamily> Bootstrap<'a, F> {
    /// Parses the body of a Bootstrap (the bytes after the common header).
    ///
    /// # Errors
    /// Truncation, a bad encoded address, or a Frag RP Cnt larger than its RP Count.
    pub fn parse_body(flag_bits: u8, body: &'a [u8]) -> Result<Self> {
        let mut r = Reader::new(body, HEADER_LEN);
        let fragment_tag = r.u16("Fragment Tag")?;
        let hash_mask_length = r.u8("Hash Mask Len")?;
        let bsr_priority = r.u8("BSR Priority")?;
        let bsr_address = read_unicast::<F>(&mut r, "BSR Address")?;
        let groups_offset = r.offset();
        let groups = r.rest();
        while !r.is_empty() {
            EncodedGroup::<F>::read(&mut r, "Group Address")?;
            let rp_count = r.u8("RP Count")?;
            let offset = r.offset();
            let fragment_rp_count = r.u8("Frag RP Cnt")?;
            if fragment_rp_count > rp_count {
                return Err(PimError::Invalid {
                    field: "Frag RP Cnt",
                    offset,
                    reason: "more RPs in the fragment than the group's RP Count",
                });
            }
            r.u16("Reserved")?;
            for _ in 0..fragment_rp_count {
                read_unicast::<F>(&mut r, "RP Address")?;
                r.u16("RP Holdtime")?;
                r.u8("RP Priority")?;
                r.u8("Reserved")?;
            }
        }
        Ok(Self {
            flag_bits,
            fragment_tag,
            hash_mask_length,
            bsr_priority,
            bsr_address,
            groups,
            groups_offset,
        })
    }

    /// Whether the No-Forward bit is set (RFC 5059 §3.2).
    #[must_use]
    pub fn no_forward(&self) -> bool {
        self.flag_bits & BOOTSTRAP_NO_FORWARD != 0
    }

    /// The group-to-RP sets in order.
    #[must_use]
    pub fn groups(&self) -> BootstrapGroups<'a, F> {
        BootstrapGroups {
            reader: Reader::new(self.groups, self.groups_offset),
            _family: core::marker::PhantomData,
        }
    }

    /// Length of the body.
    #[must_use]
    pub fn body_len(&self) -> usize {
        encoded_unicast_len::<F>()
            .saturating_add(4)
            .saturating_add(self.groups.len())
    }

    pub(crate) fn write_body(&self, w: &mut Writer<'_>) -> Result<()> {
        w.u16(self.fragment_tag)?;
        w.u8(self.hash_mask_length)?;
        w.u8(self.bsr_priority)?;
        crate::wire::addr::write_unicast::<F>(w, self.bsr_address)?;
        w.put(self.groups)
    }
}

impl<F: IpFamily> fmt::Display for Bootstrap<'_, F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "Bootstrap{} tag={:x} hashmlen={} BSRprio={} BSR={}",
            if self.no_forward() {
                " (no-forward)"
            } else {
                ""
            },
            self.fragment_tag,
            self.hash_mask_length,
            self.bsr_priority,
            self.bsr_address
        )?;
        for (i, g) in self.groups().enumerate() {
            write!(f, " (group{i}: {g})")?;
        }
        Ok(())
    }
}

/// Iterator over the group-to-RP sets of a validated Bootstrap.
#[derive(Debug, Clone)]
pub struct BootstrapGroups<'a, F: IpFamily> {
    reader: Reader<'a>,
    _family: core::marker::PhantomData<F>,
}

impl<'a, F: IpFamily> Iterator for BootstrapGroups<'a, F> {
    type Item = BootstrapGroup<'a, F>;
    fn next(&mut self) -> Option<BootstrapGroup<'a, F>> {
        let r = &mut self.reader;
        let group = EncodedGroup::read(r, "").ok()?;
        let rp_count = r.u8("").ok()?;
        let fragment_rp_count = r.u8("").ok()?;
        let reserved = r.u16("").ok()?;
        let rp_len = encoded_unicast_len::<F>().saturating_add(4);
        let offset = r.offset();
        let rps = r
            .take(rp_len.saturating_mul(usize::from(fragment_rp_count)), "")
            .ok()?;
        Some(BootstrapGroup {
            group,
            rp_count,
            reserved,
            rps: RpList {
                reader: Reader::new(rps, offset),
                _family: core::marker::PhantomData,
            },
            fragment_rp_count,
        })
    }
}

/// A group-to-RP set of a Bootstrap (RFC 5059 §4.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BootstrapGroup<'a, F: IpFamily> {
    /// Group Address: the group range.
    pub group: EncodedGroup<F>,
    /// RP Count: RPs of the range in the whole Bootstrap.
    pub rp_count: u8,
    /// Frag RP Cnt: RPs of the range in this fragment.
    pub fragment_rp_count: u8,
    /// Reserved (zero on send).
    pub reserved: u16,
    /// The RPs of this fragment.
    pub rps: RpList<'a, F>,
}

impl<F: IpFamily> fmt::Display for BootstrapGroup<'_, F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} RPcnt={} FRPcnt={}",
            self.group, self.rp_count, self.fragment_rp_count
        )?;
        for (i, rp) in self.rps.iter().enumerate() {
            write!(f, " RP{i}={rp}")?;
        }
        Ok(())
    }
}

/// The RPs of a group in one Bootstrap fragment, validated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RpList<'a, F: IpFamily> {
    reader: Reader<'a>,
    _family: core::marker::PhantomData<F>,
}

impl<F: IpFamily> RpList<'_, F> {
    /// The RPs in order.
    pub fn iter(&self) -> impl Iterator<Item = BootstrapRp<F>> + '_ {
        let mut r = self.reader;
        core::iter::from_fn(move || {
            if r.is_empty() {
                return None;
            }
            Some(BootstrapRp {
                address: read_unicast::<F>(&mut r, "").ok()?,
                holdtime: Holdtime(r.u16("").ok()?),
                priority: r.u8("").ok()?,
                reserved: r.u8("").ok()?,
            })
        })
    }
}

/// An RP of a Bootstrap group set (RFC 5059 §4.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
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
pub struct BootstrapRp<F: IpFamily> {
    /// RP Address.
    pub address: F::Addr,
    /// RP Holdtime: how long the mapping is valid.
    pub holdtime: Holdtime,
    /// RP Priority: lower is preferred (RFC 7761 §4.7.2).
    pub priority: u8,
    /// Reserved (zero on send).
    pub reserved: u8,
}

impl<F: IpFamily> fmt::Display for BootstrapRp<F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{},holdtime={},prio={}",
            self.address, self.holdtime, self.priority
        )
    }
}

#[cfg(feature = "alloc")]
pub use owned::{BootstrapGroupRepr, BootstrapRepr};

#[cfg(feature = "alloc")]
mod owned {
    use alloc::vec::Vec;

    #[allow(clippy::wildcard_imports)]
    use super::*;
    use crate::wire::addr::{encoded_group_len, write_unicast};

    /// An owned group-to-RP set (RFC 5059 §4.1). Frag RP Cnt is `rps.len()`.
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
    pub struct BootstrapGroupRepr<F: IpFamily> {
        /// Group Address.
        pub group: EncodedGroup<F>,
        /// RP Count: RPs of the range in the whole Bootstrap (`rps.len()` when not fragmented).
        pub rp_count: u8,
        /// Reserved (zero on send).
        pub reserved: u16,
        /// The RPs carried in this message.
        pub rps: Vec<BootstrapRp<F>>,
    }

    impl<F: IpFamily> BootstrapGroupRepr<F> {
        /// A complete group set: RP Count is the number of RPs.
        ///
        /// # Errors
        /// [`PimError::TooLarge`] for more than 255 RPs.
        pub fn new(group: EncodedGroup<F>, rps: Vec<BootstrapRp<F>>) -> Result<Self> {
            let rp_count = crate::wire::cursor::count_field("RP Count", rps.len(), 255)?;
            Ok(Self {
                group,
                rp_count: rp_count as u8,
                reserved: 0,
                rps,
            })
        }

        fn wire_len(&self) -> usize {
            rp_len::<F>()
                .saturating_mul(self.rps.len())
                .saturating_add(group_overhead::<F>())
        }

        fn write(&self, w: &mut Writer<'_>) -> Result<()> {
            let fragment_rp_count =
                crate::wire::cursor::count_field("Frag RP Cnt", self.rps.len(), 255)?;
            if fragment_rp_count > usize::from(self.rp_count) {
                return Err(PimError::TooLarge {
                    field: "Frag RP Cnt",
                    value: fragment_rp_count,
                    max: usize::from(self.rp_count),
                });
            }
            self.group.write(w)?;
            w.u8(self.rp_count)?;
            w.u8(fragment_rp_count as u8)?;
            w.u16(self.reserved)?;
            for rp in &self.rps {
                write_unicast::<F>(w, rp.address)?;
                w.u16(rp.holdtime.0)?;
                w.u8(rp.priority)?;
                w.u8(rp.reserved)?;
            }
            Ok(())
        }
    }

    fn rp_len<F: IpFamily>() -> usize {
        encoded_unicast_len::<F>().saturating_add(4)
    }

    fn group_overhead<F: IpFamily>() -> usize {
        encoded_group_len::<F>().saturating_add(4)
    }

    fn message_overhead<F: IpFamily>() -> usize {
        HEADER_LEN
            .saturating_add(4)
            .saturating_add(encoded_unicast_len::<F>())
    }

    /// An owned Bootstrap message or fragment (RFC 5059 §4.1).
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
    pub struct BootstrapRepr<F: IpFamily> {
        /// Flag bits: N ([`BOOTSTRAP_NO_FORWARD`]) and reserved bits.
        pub flag_bits: u8,
        /// Fragment Tag.
        pub fragment_tag: u16,
        /// Hash Mask Len.
        pub hash_mask_length: u8,
        /// BSR Priority.
        pub bsr_priority: u8,
        /// BSR Address.
        pub bsr_address: F::Addr,
        /// The group-to-RP sets.
        pub groups: Vec<BootstrapGroupRepr<F>>,
    }

    impl<F: IpFamily> BootstrapRepr<F> {
        /// The owned form of a parsed Bootstrap.
        #[must_use]
        pub fn from_view(view: &Bootstrap<'_, F>) -> Self {
            Self {
                flag_bits: view.flag_bits,
                fragment_tag: view.fragment_tag,
                hash_mask_length: view.hash_mask_length,
                bsr_priority: view.bsr_priority,
                bsr_address: view.bsr_address,
                groups: view
                    .groups()
                    .map(|g| BootstrapGroupRepr {
                        group: g.group,
                        rp_count: g.rp_count,
                        reserved: g.reserved,
                        rps: g.rps.iter().collect(),
                    })
                    .collect(),
            }
        }

        /// Whether the No-Forward bit is set.
        #[must_use]
        pub fn no_forward(&self) -> bool {
            self.flag_bits & BOOTSTRAP_NO_FORWARD != 0
        }

        /// Length of the body.
        #[must_use]
        pub fn body_len(&self) -> usize {
            self.groups.iter().map(BootstrapGroupRepr::wire_len).fold(
                message_overhead::<F>().saturating_sub(HEADER_LEN),
                usize::saturating_add,
            )
        }

        pub(crate) fn write_body(&self, w: &mut Writer<'_>) -> Result<()> {
            w.u16(self.fragment_tag)?;
            w.u8(self.hash_mask_length)?;
            w.u8(self.bsr_priority)?;
            write_unicast::<F>(w, self.bsr_address)?;
            self.groups.iter().try_for_each(|g| g.write(w))
        }

        fn empty_like(&self) -> Self {
            Self {
                flag_bits: self.flag_bits,
                fragment_tag: self.fragment_tag,
                hash_mask_length: self.hash_mask_length,
                bsr_priority: self.bsr_priority,
                bsr_address: self.bsr_address,
                groups: Vec::new(),
            }
        }

        /// Splits the Bootstrap into fragments of at most `max_message_len` bytes each, all with
        /// the same Fragment Tag (RFC 5059 §3.4). A group set that fits a fragment is never
        /// split; a larger one is spread over consecutive fragments, each part carrying the
        /// group with the full RP Count and its share of the RPs as Frag RP Cnt, so that a
        /// receiver reassembles it by adding up the Frag RP Cnts. No RP is lost or repeated.
        ///
        /// # Errors
        /// [`PimError::TooLarge`] when `max_message_len` cannot hold one group with one RP.
        pub fn fragment(&self, max_message_len: usize) -> Result<Vec<Self>> {
            let base = message_overhead::<F>();
            let needed = base
                .saturating_add(group_overhead::<F>())
                .saturating_add(rp_len::<F>());
            if needed > max_message_len {
                return Err(PimError::TooLarge {
                    field: "Bootstrap fragment",
                    value: needed,
                    max: max_message_len,
                });
            }
            let mut out = Vec::new();
            let mut current = self.empty_like();
            let mut current_len = base;
            for set in &self.groups {
                let full = set.wire_len();
                if current_len.saturating_add(full) <= max_message_len {
                    current.groups.push(set.clone());
                    current_len = current_len.saturating_add(full);
                    continue;
                }
                if base.saturating_add(full) <= max_message_len && !current.groups.is_empty() {
                    out.push(core::mem::replace(&mut current, self.empty_like()));
                    current.groups.push(set.clone());
                    current_len = base.saturating_add(full);
                    continue;
                }
                let mut rps = set.rps.as_slice();
                while !rps.is_empty() {
                    let room = max_message_len
                        .saturating_sub(current_len)
                        .saturating_sub(group_overhead::<F>());
                    let fit = room.checked_div(rp_len::<F>()).unwrap_or(0).min(rps.len());
                    if fit == 0 {
                        out.push(core::mem::replace(&mut current, self.empty_like()));
                        current_len = base;
                        continue;
                    }
                    let (part, rest) = rps.split_at(fit);
                    current.groups.push(BootstrapGroupRepr {
                        group: set.group,
                        rp_count: set.rp_count,
                        reserved: set.reserved,
                        rps: part.to_vec(),
                    });
                    current_len = current_len
                        .saturating_add(group_overhead::<F>())
                        .saturating_add(rp_len::<F>().saturating_mul(fit));
                    rps = rest;
                    if !rps.is_empty() {
                        out.push(core::mem::replace(&mut current, self.empty_like()));
                        current_len = base;
                    }
                }
            }
            if !current.groups.is_empty() || out.is_empty() {
                out.push(current);
            }
            Ok(out)
        }
    }

    impl<F: IpFamily> fmt::Display for BootstrapRepr<F> {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            write!(
                f,
                "Bootstrap tag={:x} hashmlen={} BSRprio={} BSR={}, {} group(s)",
                self.fragment_tag,
                self.hash_mask_length,
                self.bsr_priority,
                self.bsr_address,
                self.groups.len()
            )
        }
    }
}
