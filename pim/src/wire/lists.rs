//! Messages built around a list: Candidate-RP-Advertisement (type 8, RFC 5059 §4.2), the PIM
//! Flooding Mechanism (type 12, RFC 8364 §3), the Packed Null-Register and Packed Register-Stop
//! (types 13.0 and 13.1, RFC 9465 §3), and any other message kept raw.

use core::fmt;

use mcast_addr::family::IpFamily;
use zerocopy::{FromBytes, Immutable, KnownLayout, Unaligned};

use crate::error::{PimError, Result};
use crate::wire::addr::{
    ENCODING_NATIVE, EncodedGroup, GroupFlags, encoded_group_len, family_bits, read_unicast,
    write_unicast,
};
use crate::wire::cursor::{Reader, Writer};
use crate::wire::header::{HEADER_LEN, Header};
use crate::wire::holdtime::Holdtime;

/// An Encoded-Group address as it lies on the wire, for counted lists viewed in place.
#[derive(FromBytes, KnownLayout, Immutable, Unaligned, Clone, Copy)]
#[repr(C)]
struct EncodedGroupWire<O> {
    family: u8,
    encoding_type: u8,
    flags: u8,
    mask_length: u8,
    address: O,
}

/// Views `count` Encoded-Group addresses in place and checks each one.
fn group_slice<'a, F: IpFamily>(
    r: &mut Reader<'a>,
    count: usize,
    field: &'static str,
) -> Result<&'a [EncodedGroupWire<F::Octets>]> {
    let offset = r.offset();
    let bytes = r.rest();
    let (groups, _) = <[EncodedGroupWire<F::Octets>]>::ref_from_prefix_with_elems(bytes, count)
        .map_err(|_| PimError::Truncated {
            field,
            offset,
            needed: encoded_group_len::<F>().saturating_mul(count),
            available: bytes.len(),
        })?;
    for (i, g) in groups.iter().enumerate() {
        let at = offset.saturating_add(i.saturating_mul(encoded_group_len::<F>()));
        if g.family != F::IANA_ADDRESS_FAMILY {
            return Err(PimError::AddressFamily {
                field,
                offset: at,
                family: g.family,
                expected: F::IANA_ADDRESS_FAMILY,
            });
        }
        if g.encoding_type != ENCODING_NATIVE {
            return Err(PimError::EncodingType {
                field,
                offset: at.saturating_add(1),
                encoding_type: g.encoding_type,
            });
        }
        if g.mask_length > family_bits::<F>() {
            return Err(PimError::MaskLength {
                field,
                offset: at.saturating_add(3),
                mask_length: g.mask_length,
                max: family_bits::<F>(),
            });
        }
    }
    r.take(core::mem::size_of_val(groups), field)?;
    Ok(groups)
}

fn group_from_wire<F: IpFamily>(g: &EncodedGroupWire<F::Octets>) -> EncodedGroup<F> {
    EncodedGroup {
        address: F::from_octets(g.address),
        mask_length: g.mask_length,
        flags: GroupFlags(g.flags),
    }
}

/// A Candidate-RP-Advertisement (RFC 5059 §4.2), unicast by a candidate RP to the BSR.
///
/// ```text
/// | PIM common header | Prefix Count | Priority | Holdtime |
/// | RP Address (Encoded-Unicast) | Group Address 1 .. n (Encoded-Group) |
/// ```
#[derive(Clone, Copy)]
pub struct CandidateRpAdvertisement<'a, F: IpFamily> {
    /// The RFC 9436 flag bits of the common header.
    pub flag_bits: u8,
    /// Priority: lower is preferred.
    pub priority: u8,
    /// Holdtime: how long the BSR keeps the candidate.
    pub holdtime: Holdtime,
    /// RP Address.
    pub rp: F::Addr,
    groups: &'a [EncodedGroupWire<F::Octets>],
}

impl<'a, F: IpFamily> CandidateRpAdvertisement<'a, F> {
    /// Parses the body; returns the message and the bytes after its Prefix Count groups.
    ///
    /// # Errors
    /// Truncation or a bad encoded address.
    pub fn parse_body(flag_bits: u8, body: &'a [u8]) -> Result<(Self, &'a [u8])> {
        let mut r = Reader::new(body, HEADER_LEN);
        let prefix_count = r.u8("Prefix Count")?;
        let priority = r.u8("Priority")?;
        let holdtime = Holdtime(r.u16("Holdtime")?);
        let rp = read_unicast::<F>(&mut r, "RP Address")?;
        let groups = group_slice::<F>(&mut r, usize::from(prefix_count), "Group Address")?;
        Ok((
            Self {
                flag_bits,
                priority,
                holdtime,
                rp,
                groups,
            },
            r.rest(),
        ))
    }

    /// Prefix Count: the number of group ranges; 0 means all multicast groups (RFC 5059 §4.2).
    #[must_use]
    pub fn prefix_count(&self) -> u8 {
        self.groups.len().min(255) as u8
    }

    /// The group ranges.
    pub fn groups(&self) -> impl ExactSizeIterator<Item = EncodedGroup<F>> + 'a {
        self.groups.iter().map(group_from_wire::<F>)
    }

    /// Length of the body.
    #[must_use]
    pub fn body_len(&self) -> usize {
        crate::wire::addr::encoded_unicast_len::<F>()
            .saturating_add(4)
            .saturating_add(encoded_group_len::<F>().saturating_mul(self.groups.len()))
    }

    pub(crate) fn write_body(&self, w: &mut Writer<'_>) -> Result<()> {
        w.u8(self.prefix_count())?;
        w.u8(self.priority)?;
        w.u16(self.holdtime.0)?;
        write_unicast::<F>(w, self.rp)?;
        self.groups().try_for_each(|g| g.write(w))
    }
}

impl<F: IpFamily> fmt::Debug for CandidateRpAdvertisement<'_, F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CandidateRpAdvertisement")
            .field("flag_bits", &self.flag_bits)
            .field("priority", &self.priority)
            .field("holdtime", &self.holdtime)
            .field("rp", &self.rp)
            .field("groups", &GroupsDebug::<F>(self.groups))
            .finish()
    }
}

struct GroupsDebug<'a, F: IpFamily>(&'a [EncodedGroupWire<F::Octets>]);

impl<F: IpFamily> fmt::Debug for GroupsDebug<'_, F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list()
            .entries(self.0.iter().map(group_from_wire::<F>))
            .finish()
    }
}

impl<F: IpFamily> PartialEq for CandidateRpAdvertisement<'_, F> {
    fn eq(&self, other: &Self) -> bool {
        self.flag_bits == other.flag_bits
            && self.priority == other.priority
            && self.holdtime == other.holdtime
            && self.rp == other.rp
            && self.groups().eq(other.groups())
    }
}

impl<F: IpFamily> Eq for CandidateRpAdvertisement<'_, F> {}

impl<F: IpFamily> fmt::Display for CandidateRpAdvertisement<'_, F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "Candidate RP Advertisement prefix-cnt={} prio={} holdtime={} RP={}",
            self.prefix_count(),
            self.priority,
            self.holdtime,
            self.rp
        )?;
        for (i, g) in self.groups().enumerate() {
            write!(f, " Group{i}={g}")?;
        }
        Ok(())
    }
}

/// T, the Transitive bit of a PIM Flooding Mechanism TLV (RFC 8364 §3): forward the TLV even
/// when its type is unknown.
pub const FLOODING_TRANSITIVE: u16 = 0x8000;
/// N, the No-Forward bit of a PIM Flooding Mechanism message (RFC 8364 §3, flag bit 7).
pub const FLOODING_NO_FORWARD: u8 = 0x80;
/// Type of the Source Group Holdtime TLV (RFC 8364 §4.1).
pub const FLOODING_SOURCE_GROUP_HOLDTIME: u16 = 1;

/// A PIM Flooding Mechanism message (RFC 8364 §3): an originator and a chain of TLVs.
///
/// ```text
/// |PIM Ver| Type  |N|  Reserved   |           Checksum            |
/// |            Originator Address (Encoded-Unicast format)        |
/// |T|       Type 1                |           Length 1            |
/// |                           Value 1 ...                         |
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Flooding<'a, F: IpFamily> {
    /// Flag bits: N ([`FLOODING_NO_FORWARD`]) and reserved bits.
    pub flag_bits: u8,
    /// Originator Address.
    pub originator: F::Addr,
    tlvs: &'a [u8],
    tlvs_offset: usize,
}

impl<'a, F: IpFamily> Flooding<'a, F> {
    /// Parses the body, checking the TLV framing.
    ///
    /// # Errors
    /// Truncation or a bad encoded address.
    pub fn parse_body(flag_bits: u8, body: &'a [u8]) -> Result<Self> {
        let mut r = Reader::new(body, HEADER_LEN);
        let originator = read_unicast::<F>(&mut r, "Originator Address")?;
        let tlvs_offset = r.offset();
        let tlvs = r.rest();
        while !r.is_empty() {
            r.u16("PFM TLV type")?;
            let length = r.u16("PFM TLV length")?;
            r.take(usize::from(length), "PFM TLV value")?;
        }
        Ok(Self {
            flag_bits,
            originator,
            tlvs,
            tlvs_offset,
        })
    }

    /// Whether the No-Forward bit is set.
    #[must_use]
    pub fn no_forward(&self) -> bool {
        self.flag_bits & FLOODING_NO_FORWARD != 0
    }

    /// The TLVs in order.
    pub fn tlvs(&self) -> impl Iterator<Item = FloodingTlv<'a>> + 'a {
        let mut r = Reader::new(self.tlvs, self.tlvs_offset);
        core::iter::from_fn(move || {
            let offset = r.offset();
            let type_word = r.u16("").ok()?;
            let length = r.u16("").ok()?;
            let value = r.take(usize::from(length), "").ok()?;
            Some(FloodingTlv {
                transitive: type_word & FLOODING_TRANSITIVE != 0,
                tlv_type: type_word & !FLOODING_TRANSITIVE,
                value,
                offset,
            })
        })
    }

    /// The TLV bytes.
    #[must_use]
    pub fn tlv_bytes(&self) -> &'a [u8] {
        self.tlvs
    }

    /// Length of the body.
    #[must_use]
    pub fn body_len(&self) -> usize {
        crate::wire::addr::encoded_unicast_len::<F>().saturating_add(self.tlvs.len())
    }

    pub(crate) fn write_body(&self, w: &mut Writer<'_>) -> Result<()> {
        write_unicast::<F>(w, self.originator)?;
        w.put(self.tlvs)
    }
}

impl<F: IpFamily> fmt::Display for Flooding<'_, F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "PIM Flooding Mechanism originator={}", self.originator)?;
        for tlv in self.tlvs() {
            write!(
                f,
                " [type {}{} length {}]",
                tlv.tlv_type,
                if tlv.transitive { " T" } else { "" },
                tlv.value.len()
            )?;
        }
        Ok(())
    }
}

/// A TLV of a PIM Flooding Mechanism message (RFC 8364 §3).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FloodingTlv<'a> {
    /// T, the Transitive bit.
    pub transitive: bool,
    /// Type (15 bits).
    pub tlv_type: u16,
    /// Value.
    pub value: &'a [u8],
    /// Offset of the TLV from the start of the message.
    pub offset: usize,
}

impl<'a> FloodingTlv<'a> {
    /// Decodes a Source Group Holdtime TLV (type 1, RFC 8364 §4.1): a group and its active
    /// sources, each with a holdtime.
    ///
    /// # Errors
    /// [`PimError::Invalid`] for another type; truncation or bad addresses in the value.
    #[allow(clippy::type_complexity)]
    pub fn source_group_holdtime<F: IpFamily>(
        &self,
    ) -> Result<(
        EncodedGroup<F>,
        impl Iterator<Item = (F::Addr, Holdtime)> + 'a,
    )> {
        if self.tlv_type != FLOODING_SOURCE_GROUP_HOLDTIME {
            return Err(PimError::Invalid {
                field: "PFM TLV type",
                offset: self.offset,
                reason: "not a Source Group Holdtime TLV",
            });
        }
        let mut r = Reader::new(self.value, self.offset.saturating_add(4));
        let group = EncodedGroup::read(&mut r, "Group Address")?;
        let entries = r;
        let mut check = r;
        while !check.is_empty() {
            read_unicast::<F>(&mut check, "Source Address")?;
            check.u16("Holdtime")?;
        }
        let mut it = entries;
        Ok((
            group,
            core::iter::from_fn(move || {
                if it.is_empty() {
                    return None;
                }
                let source = read_unicast::<F>(&mut it, "").ok()?;
                Some((source, Holdtime(it.u16("").ok()?)))
            }),
        ))
    }
}

/// The subtypes of type 13 (RFC 9436 §4, RFC 9465 §3).
pub mod type13_subtype {
    /// 13.0: PIM Packed Null-Register.
    pub const PACKED_NULL_REGISTER: u8 = 0;
    /// 13.1: PIM Packed Register-Stop.
    pub const PACKED_REGISTER_STOP: u8 = 1;
}

/// A PIM Packed Null-Register (13.0) or Packed Register-Stop (13.1) message (RFC 9465 §3): the
/// (S,G) pairs of many Null-Registers or Register-Stops in one message.
///
/// ```text
/// |PIM Ver| Type  |SubType|  FB   |           Checksum            |
/// |            Count              |            Reserved           |
/// |            Group Address 1 (Encoded-Group format)             |
/// |            Source Address 1 (Encoded-Unicast format)          |
/// |  ... Count records ...                                        |
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Packed<'a, F: IpFamily> {
    /// The four flag bits (FB) below the Subtype.
    pub flag_bits: u8,
    /// Reserved (zero on send).
    pub reserved: u16,
    count: u16,
    records: &'a [u8],
    records_offset: usize,
    _family: core::marker::PhantomData<F>,
}

impl<'a, F: IpFamily> Packed<'a, F> {
    /// Parses the body; returns the message and the bytes after its Count records.
    ///
    /// # Errors
    /// Truncation or a bad encoded address.
    pub fn parse_body(flag_bits: u8, body: &'a [u8]) -> Result<(Self, &'a [u8])> {
        let mut r = Reader::new(body, HEADER_LEN);
        let count = r.u16("Count")?;
        let reserved = r.u16("Reserved")?;
        let records_offset = r.offset();
        let start = r.rest();
        for _ in 0..count {
            EncodedGroup::<F>::read(&mut r, "Group Address")?;
            read_unicast::<F>(&mut r, "Source Address")?;
        }
        let used = r.offset().saturating_sub(records_offset);
        Ok((
            Self {
                flag_bits: flag_bits & 0x0F,
                reserved,
                count,
                records: start.get(..used).unwrap_or(start),
                records_offset,
                _family: core::marker::PhantomData,
            },
            r.rest(),
        ))
    }

    /// Count: the number of (S,G) records.
    #[must_use]
    pub fn count(&self) -> u16 {
        self.count
    }

    /// The (group, source) records.
    pub fn records(&self) -> impl Iterator<Item = (EncodedGroup<F>, F::Addr)> + 'a {
        let mut r = Reader::new(self.records, self.records_offset);
        core::iter::from_fn(move || {
            if r.is_empty() {
                return None;
            }
            let group = EncodedGroup::read(&mut r, "").ok()?;
            Some((group, read_unicast::<F>(&mut r, "").ok()?))
        })
    }

    /// Length of the body.
    #[must_use]
    pub fn body_len(&self) -> usize {
        4usize.saturating_add(self.records.len())
    }

    pub(crate) fn write_body(&self, w: &mut Writer<'_>) -> Result<()> {
        crate::wire::cursor::field_width("flag bits", u32::from(self.flag_bits), 0x0F)?;
        w.u16(self.count)?;
        w.u16(self.reserved)?;
        w.put(self.records)
    }
}

impl<F: IpFamily> fmt::Display for Packed<'_, F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} record(s):", self.count)?;
        for (group, source) in self.records() {
            write!(f, " ({source}, {group})")?;
        }
        Ok(())
    }
}

/// A message of a type (or subtype) this crate does not decode, kept whole.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Unknown<'a> {
    /// The common header.
    pub header: Header,
    /// Everything after the common header.
    pub body: &'a [u8],
}

impl fmt::Display for Unknown<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} subtype/flags {:#04x}, {} bytes",
            self.header.type_code(),
            self.header.flag_bits(),
            self.body.len()
        )
    }
}

#[cfg(feature = "alloc")]
pub use owned::{CandidateRpAdvertisementRepr, FloodingRepr, FloodingTlvRepr, PackedRepr};

#[cfg(feature = "alloc")]
mod owned {
    use alloc::vec::Vec;

    #[allow(clippy::wildcard_imports)]
    use super::*;
    use crate::wire::cursor::count_field;

    /// An owned Candidate-RP-Advertisement (RFC 5059 §4.2). Prefix Count is `groups.len()`.
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
    pub struct CandidateRpAdvertisementRepr<F: IpFamily> {
        /// The RFC 9436 flag bits.
        pub flag_bits: u8,
        /// Priority.
        pub priority: u8,
        /// Holdtime.
        pub holdtime: Holdtime,
        /// RP Address.
        pub rp: F::Addr,
        /// Group ranges (empty: all groups).
        pub groups: Vec<EncodedGroup<F>>,
    }

    impl<F: IpFamily> CandidateRpAdvertisementRepr<F> {
        /// The owned form of a parsed message.
        #[must_use]
        pub fn from_view(view: &CandidateRpAdvertisement<'_, F>) -> Self {
            Self {
                flag_bits: view.flag_bits,
                priority: view.priority,
                holdtime: view.holdtime,
                rp: view.rp,
                groups: view.groups().collect(),
            }
        }

        /// Length of the body.
        #[must_use]
        pub fn body_len(&self) -> usize {
            crate::wire::addr::encoded_unicast_len::<F>()
                .saturating_add(4)
                .saturating_add(encoded_group_len::<F>().saturating_mul(self.groups.len()))
        }

        pub(crate) fn write_body(&self, w: &mut Writer<'_>) -> Result<()> {
            let count = count_field("Prefix Count", self.groups.len(), 255)?;
            w.u8(count as u8)?;
            w.u8(self.priority)?;
            w.u16(self.holdtime.0)?;
            write_unicast::<F>(w, self.rp)?;
            self.groups.iter().try_for_each(|g| g.write(w))
        }
    }

    /// An owned PIM Flooding Mechanism TLV (RFC 8364 §3).
    #[derive(Debug, Clone, PartialEq, Eq, Hash)]
    #[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
    #[cfg_attr(feature = "arbitrary", derive(arbitrary::Arbitrary))]
    pub struct FloodingTlvRepr {
        /// T, the Transitive bit.
        pub transitive: bool,
        /// Type (15 bits).
        pub tlv_type: u16,
        /// Value.
        pub value: Vec<u8>,
    }

    /// An owned PIM Flooding Mechanism message (RFC 8364 §3).
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
    pub struct FloodingRepr<F: IpFamily> {
        /// Flag bits: N and reserved bits.
        pub flag_bits: u8,
        /// Originator Address.
        pub originator: F::Addr,
        /// The TLVs.
        pub tlvs: Vec<FloodingTlvRepr>,
    }

    impl<F: IpFamily> FloodingRepr<F> {
        /// The owned form of a parsed message.
        #[must_use]
        pub fn from_view(view: &Flooding<'_, F>) -> Self {
            Self {
                flag_bits: view.flag_bits,
                originator: view.originator,
                tlvs: view
                    .tlvs()
                    .map(|t| FloodingTlvRepr {
                        transitive: t.transitive,
                        tlv_type: t.tlv_type,
                        value: t.value.to_vec(),
                    })
                    .collect(),
            }
        }

        /// Length of the body.
        #[must_use]
        pub fn body_len(&self) -> usize {
            self.tlvs
                .iter()
                .fold(crate::wire::addr::encoded_unicast_len::<F>(), |n, t| {
                    n.saturating_add(4).saturating_add(t.value.len())
                })
        }

        pub(crate) fn write_body(&self, w: &mut Writer<'_>) -> Result<()> {
            write_unicast::<F>(w, self.originator)?;
            for t in &self.tlvs {
                let length = count_field("PFM TLV length", t.value.len(), 0xFFFF)?;
                let tlv_type = count_field("PFM TLV type", usize::from(t.tlv_type), 0x7FFF)?;
                let transitive = if t.transitive { FLOODING_TRANSITIVE } else { 0 };
                w.u16(transitive | tlv_type as u16)?;
                w.u16(length as u16)?;
                w.put(&t.value)?;
            }
            Ok(())
        }
    }

    /// An owned Packed Null-Register or Packed Register-Stop (RFC 9465 §3).
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
    pub struct PackedRepr<F: IpFamily> {
        /// The four flag bits below the Subtype.
        pub flag_bits: u8,
        /// Reserved (zero on send).
        pub reserved: u16,
        /// The (group, source) records; Count is their number.
        pub records: Vec<(EncodedGroup<F>, F::Addr)>,
    }

    impl<F: IpFamily> PackedRepr<F> {
        /// The owned form of a parsed message.
        #[must_use]
        pub fn from_view(view: &Packed<'_, F>) -> Self {
            Self {
                flag_bits: view.flag_bits,
                reserved: view.reserved,
                records: view.records().collect(),
            }
        }

        /// Length of the body.
        #[must_use]
        pub fn body_len(&self) -> usize {
            let record = encoded_group_len::<F>()
                .saturating_add(crate::wire::addr::encoded_unicast_len::<F>());
            record.saturating_mul(self.records.len()).saturating_add(4)
        }

        pub(crate) fn write_body(&self, w: &mut Writer<'_>) -> Result<()> {
            crate::wire::cursor::field_width("flag bits", u32::from(self.flag_bits), 0x0F)?;
            let count = count_field("Count", self.records.len(), 0xFFFF)?;
            w.u16(count as u16)?;
            w.u16(self.reserved)?;
            for (group, source) in &self.records {
                group.write(w)?;
                write_unicast::<F>(w, *source)?;
            }
            Ok(())
        }
    }
}
