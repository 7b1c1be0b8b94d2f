//! Encoded-Unicast, Encoded-Group and Encoded-Source addresses (RFC 7761 §4.9.1), for IPv4 and
//! IPv6 alike, and the Join Attributes of Encoding Type 1 (RFC 5384 §3).
//!
//! ```text
//! Encoded-Unicast:  | Addr Family | Encoding Type | Unicast Address ...
//! Encoded-Group:    | Addr Family | Encoding Type |B| Reserved  |Z|  Mask Len  | Group ...
//! Encoded-Source:   | Addr Family | Encoding Type | Rsrvd   |S|W|R|  Mask Len  | Source ...
//!                   [ |F|E| Attr_Type | Length | Value ... ]*   (Encoding Type 1 only)
//! ```
//!
//! A packet's family is a type parameter `F`: an encoded address of the other family, of an
//! unknown family or encoding type, or with a mask wider than the family, is an error.

use core::fmt;

use mcast_addr::family::IpFamily;
use zerocopy::FromBytes;

use crate::error::{PimError, Result};
use crate::wire::cursor::{Reader, Writer};

/// Encoding Type 0: the native encoding of the address family (RFC 7761 §4.9.1).
pub const ENCODING_NATIVE: u8 = 0;
/// Encoding Type 1: an Encoded-Source address followed by Join Attributes (RFC 5384 §3.1).
pub const ENCODING_JOIN_ATTRIBUTES: u8 = 1;

/// Length in bytes of an Encoded-Unicast address of family `F` (RFC 7761 §4.9.1).
#[must_use]
pub const fn encoded_unicast_len<F: IpFamily>() -> usize {
    F::ADDR_LEN.saturating_add(2)
}

/// Length in bytes of an Encoded-Group address, or of an Encoded-Source address of Encoding
/// Type 0, of family `F` (RFC 7761 §4.9.1).
#[must_use]
pub const fn encoded_group_len<F: IpFamily>() -> usize {
    F::ADDR_LEN.saturating_add(4)
}

/// Length of an Encoded-Source address at the start of `bytes` that was validated before: the
/// fixed part, plus the Join Attribute chain for Encoding Type 1.
pub(crate) fn validated_source_len<F: IpFamily>(bytes: &[u8]) -> Option<usize> {
    let fixed = encoded_group_len::<F>();
    if *bytes.get(1)? == ENCODING_NATIVE {
        return Some(fixed);
    }
    let mut at = fixed;
    loop {
        let flags = *bytes.get(at)?;
        let length = usize::from(*bytes.get(at.checked_add(1)?)?);
        at = at.checked_add(2)?.checked_add(length)?;
        if flags & JOIN_ATTRIBUTE_END != 0 {
            return Some(at);
        }
    }
}

/// Decodes an Encoded-Source address validated before (see [`validated_source_len`]).
pub(crate) fn validated_source<F: IpFamily>(entry: &[u8]) -> Option<SourceEntry<'_, F>> {
    let fixed = encoded_group_len::<F>();
    let octets = F::Octets::read_from_bytes(entry.get(4..fixed)?).ok()?;
    let join_attributes = (*entry.get(1)? == ENCODING_JOIN_ATTRIBUTES)
        .then(|| entry.get(fixed..).map(JoinAttributes::from_validated))
        .flatten();
    Some(SourceEntry {
        source: EncodedSource {
            address: F::from_octets(octets),
            mask_length: *entry.get(3)?,
            flags: SourceFlags(*entry.get(2)?),
        },
        join_attributes,
    })
}

/// The family's address width in bits (32 or 128).
pub(crate) fn family_bits<F: IpFamily>() -> u8 {
    // ADDR_LEN is 4 or 16: both widths fit a byte.
    F::ADDR_LEN.saturating_mul(8).min(255) as u8
}

fn read_address<F: IpFamily>(r: &mut Reader<'_>, field: &'static str) -> Result<F::Addr> {
    let bytes = r.take(F::ADDR_LEN, field)?;
    let mut octets = F::Octets::default();
    octets.as_mut().copy_from_slice(bytes);
    Ok(F::from_octets(octets))
}

/// Reads and checks the Addr Family and Encoding Type bytes; returns the encoding type.
fn read_family_and_encoding<F: IpFamily>(
    r: &mut Reader<'_>,
    field: &'static str,
    allow_join_attributes: bool,
) -> Result<u8> {
    let offset = r.offset();
    let family = r.u8(field)?;
    if family != F::IANA_ADDRESS_FAMILY {
        return Err(PimError::AddressFamily {
            field,
            offset,
            family,
            expected: F::IANA_ADDRESS_FAMILY,
        });
    }
    let offset = r.offset();
    let encoding_type = r.u8(field)?;
    match encoding_type {
        ENCODING_NATIVE => Ok(encoding_type),
        ENCODING_JOIN_ATTRIBUTES if allow_join_attributes => Ok(encoding_type),
        _ => Err(PimError::EncodingType {
            field,
            offset,
            encoding_type,
        }),
    }
}

fn check_mask<F: IpFamily>(mask_length: u8, field: &'static str, offset: usize) -> Result<()> {
    let max = family_bits::<F>();
    if mask_length > max {
        return Err(PimError::MaskLength {
            field,
            offset,
            mask_length,
            max,
        });
    }
    Ok(())
}

/// Reads an Encoded-Unicast address (RFC 7761 §4.9.1) named `field`.
pub(crate) fn read_unicast<F: IpFamily>(
    r: &mut Reader<'_>,
    field: &'static str,
) -> Result<F::Addr> {
    read_family_and_encoding::<F>(r, field, false)?;
    read_address::<F>(r, field)
}

/// Writes an Encoded-Unicast address (RFC 7761 §4.9.1).
pub(crate) fn write_unicast<F: IpFamily>(w: &mut Writer<'_>, address: F::Addr) -> Result<()> {
    w.u8(F::IANA_ADDRESS_FAMILY)?;
    w.u8(ENCODING_NATIVE)?;
    w.put(F::to_octets(address).as_ref())
}

/// Parses an Encoded-Unicast address of family `F` at the start of `bytes` (RFC 7761 §4.9.1);
/// returns it and the bytes after it. Errors count offsets from the start of `bytes`.
///
/// # Errors
/// [`PimError::Truncated`], [`PimError::AddressFamily`] or [`PimError::EncodingType`].
pub fn parse_encoded_unicast<F: IpFamily>(bytes: &[u8]) -> Result<(F::Addr, &[u8])> {
    let mut r = Reader::new(bytes, 0);
    let address = read_unicast::<F>(&mut r, "Encoded-Unicast address")?;
    Ok((address, r.rest()))
}

/// The flags byte of an Encoded-Group address (RFC 7761 §4.9.1, RFC 5015 §3.4): the B and Z
/// bits, the reserved bits kept as received.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "arbitrary", derive(arbitrary::Arbitrary))]
pub struct GroupFlags(pub u8);

impl GroupFlags {
    /// B, Bidirectional PIM: the group range is bidirectional (RFC 7761 §4.9.1, RFC 5015 §3.4).
    pub const BIDIRECTIONAL: u8 = 0x80;
    /// Z, Admin Scope Zone: the group range is an administratively scoped zone (RFC 7761
    /// §4.9.1, RFC 5059 §3.1).
    pub const ADMIN_SCOPE_ZONE: u8 = 0x01;

    /// Whether the B bit is set.
    #[must_use]
    pub fn bidirectional(self) -> bool {
        self.0 & Self::BIDIRECTIONAL != 0
    }

    /// Whether the Z bit is set.
    #[must_use]
    pub fn admin_scope_zone(self) -> bool {
        self.0 & Self::ADMIN_SCOPE_ZONE != 0
    }

    /// The reserved bits (zero on send, ignored on receipt).
    #[must_use]
    pub fn reserved(self) -> u8 {
        self.0 & !(Self::BIDIRECTIONAL | Self::ADMIN_SCOPE_ZONE)
    }
}

impl fmt::Debug for GroupFlags {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "GroupFlags({self})")
    }
}

impl fmt::Display for GroupFlags {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut sep = "";
        if self.bidirectional() {
            f.write_str("B")?;
            sep = "|";
        }
        if self.admin_scope_zone() {
            write!(f, "{sep}Z")?;
            sep = "|";
        }
        if self.reserved() != 0 {
            write!(f, "{sep}{:#04x}", self.reserved())?;
        } else if sep.is_empty() {
            f.write_str("-")?;
        }
        Ok(())
    }
}

/// An Encoded-Group address (RFC 7761 §4.9.1): a group range of family `F`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
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
pub struct EncodedGroup<F: IpFamily> {
    /// Multicast Group Address: the group, or the base of the range.
    pub address: F::Addr,
    /// Mask Len: prefix length of the range, at most the family's width.
    pub mask_length: u8,
    /// The B and Z bits and the reserved bits.
    pub flags: GroupFlags,
}

impl<F: IpFamily> EncodedGroup<F> {
    /// A single group: the full mask length, no flags.
    #[must_use]
    pub fn host(address: F::Addr) -> Self {
        Self {
            address,
            mask_length: family_bits::<F>(),
            flags: GroupFlags::default(),
        }
    }

    /// A group range `address/mask_length` with no flags.
    #[must_use]
    pub fn range(address: F::Addr, mask_length: u8) -> Self {
        Self {
            address,
            mask_length,
            flags: GroupFlags::default(),
        }
    }

    /// Reads an Encoded-Group address named `field`.
    pub(crate) fn read(r: &mut Reader<'_>, field: &'static str) -> Result<Self> {
        read_family_and_encoding::<F>(r, field, false)?;
        let flags = GroupFlags(r.u8(field)?);
        let offset = r.offset();
        let mask_length = r.u8(field)?;
        check_mask::<F>(mask_length, field, offset)?;
        let address = read_address::<F>(r, field)?;
        Ok(Self {
            address,
            mask_length,
            flags,
        })
    }

    /// Parses an Encoded-Group address at the start of `bytes`; returns it and the bytes after
    /// it. Errors count offsets from the start of `bytes`.
    ///
    /// # Errors
    /// Truncation, an unknown family or encoding type, or a mask wider than the family.
    pub fn parse(bytes: &[u8]) -> Result<(Self, &[u8])> {
        let mut r = Reader::new(bytes, 0);
        let group = Self::read(&mut r, "Encoded-Group address")?;
        Ok((group, r.rest()))
    }

    pub(crate) fn write(&self, w: &mut Writer<'_>) -> Result<()> {
        check_mask::<F>(self.mask_length, "Encoded-Group mask length", w.position())?;
        w.u8(F::IANA_ADDRESS_FAMILY)?;
        w.u8(ENCODING_NATIVE)?;
        w.u8(self.flags.0)?;
        w.u8(self.mask_length)?;
        w.put(F::to_octets(self.address).as_ref())
    }
}

impl<F: IpFamily> fmt::Display for EncodedGroup<F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.address)?;
        if self.mask_length != family_bits::<F>() {
            write!(f, "/{}", self.mask_length)?;
        }
        if self.flags.0 != 0 {
            write!(f, "({})", self.flags)?;
        }
        Ok(())
    }
}

/// The flags byte of an Encoded-Source address (RFC 7761 §4.9.1): S, WC and RPT, the reserved
/// bits kept as received.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "arbitrary", derive(arbitrary::Arbitrary))]
pub struct SourceFlags(pub u8);

impl SourceFlags {
    /// S, the Sparse bit: set to 1 for PIM-SM (RFC 7761 §4.9.1).
    pub const SPARSE: u8 = 0x04;
    /// WC, the Wildcard bit: the entry is a (*,G) entry, the address being the RP
    /// (RFC 7761 §4.9.1).
    pub const WILDCARD: u8 = 0x02;
    /// RPT, the Rendezvous Point Tree bit: the entry applies to the shared tree (RFC 7761
    /// §4.9.1).
    pub const RPT: u8 = 0x01;

    /// The flags of an (S,G) entry: S.
    pub const SOURCE_GROUP: Self = Self(Self::SPARSE);
    /// The flags of an (S,G,rpt) entry: S and RPT.
    pub const SOURCE_GROUP_RPT: Self = Self(Self::SPARSE | Self::RPT);
    /// The flags of a (*,G) entry: S, WC and RPT.
    pub const STAR_GROUP: Self = Self(Self::SPARSE | Self::WILDCARD | Self::RPT);

    /// Whether the S bit is set.
    #[must_use]
    pub fn sparse(self) -> bool {
        self.0 & Self::SPARSE != 0
    }

    /// Whether the WC bit is set.
    #[must_use]
    pub fn wildcard(self) -> bool {
        self.0 & Self::WILDCARD != 0
    }

    /// Whether the RPT bit is set.
    #[must_use]
    pub fn rpt(self) -> bool {
        self.0 & Self::RPT != 0
    }

    /// The reserved bits (zero on send, ignored on receipt).
    #[must_use]
    pub fn reserved(self) -> u8 {
        self.0 & 0xF8
    }
}

impl fmt::Debug for SourceFlags {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "SourceFlags({self})")
    }
}

impl fmt::Display for SourceFlags {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // tcpdump's notation: S, W, R.
        if self.sparse() {
            f.write_str("S")?;
        }
        if self.wildcard() {
            f.write_str("W")?;
        }
        if self.rpt() {
            f.write_str("R")?;
        }
        if self.reserved() != 0 {
            write!(f, "+{:#04x}", self.reserved())?;
        }
        if self.0 == 0 {
            f.write_str("-")?;
        }
        Ok(())
    }
}

/// Which tree a Join/Prune entry is about, from its WC and RPT bits (RFC 7761 §4.9.5.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "arbitrary", derive(arbitrary::Arbitrary))]
pub enum SourceTree {
    /// WC = 0, RPT = 0: an (S,G) entry, the shortest-path tree of source S.
    SourceGroup,
    /// WC = 0, RPT = 1: an (S,G,rpt) entry, source S on the shared tree.
    SourceGroupRpt,
    /// WC = 1, RPT = 1: a (*,G) entry, the shared tree; the address is the RP's.
    StarGroup,
}

impl fmt::Display for SourceTree {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::SourceGroup => "(S,G)",
            Self::SourceGroupRpt => "(S,G,rpt)",
            Self::StarGroup => "(*,G)",
        })
    }
}

/// An Encoded-Source address (RFC 7761 §4.9.1) of family `F`, without Join Attributes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
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
pub struct EncodedSource<F: IpFamily> {
    /// Source Address (the RP's address for a (*,G) entry).
    pub address: F::Addr,
    /// Mask Len: 32 for IPv4 and 128 for IPv6 in PIM-SM (RFC 7761 §4.9.1).
    pub mask_length: u8,
    /// S, WC, RPT and the reserved bits.
    pub flags: SourceFlags,
}

impl<F: IpFamily> EncodedSource<F> {
    /// An (S,G) entry for `source`: S set, full mask.
    #[must_use]
    pub fn source_group(source: F::Addr) -> Self {
        Self::with_flags(source, SourceFlags::SOURCE_GROUP)
    }

    /// An (S,G,rpt) entry for `source`: S and RPT set, full mask.
    #[must_use]
    pub fn source_group_rpt(source: F::Addr) -> Self {
        Self::with_flags(source, SourceFlags::SOURCE_GROUP_RPT)
    }

    /// A (*,G) entry towards `rp`: S, WC and RPT set, full mask.
    #[must_use]
    pub fn star_group(rp: F::Addr) -> Self {
        Self::with_flags(rp, SourceFlags::STAR_GROUP)
    }

    /// `address` with a full mask and the given flags.
    #[must_use]
    pub fn with_flags(address: F::Addr, flags: SourceFlags) -> Self {
        Self {
            address,
            mask_length: family_bits::<F>(),
            flags,
        }
    }

    /// The tree the entry is about, or `None` for WC set without RPT, which RFC 7761 §4.9.5.1
    /// does not allow ("if WC is 1, RPT MUST be 1").
    #[must_use]
    pub fn tree(&self) -> Option<SourceTree> {
        match (self.flags.wildcard(), self.flags.rpt()) {
            (false, false) => Some(SourceTree::SourceGroup),
            (false, true) => Some(SourceTree::SourceGroupRpt),
            (true, true) => Some(SourceTree::StarGroup),
            (true, false) => None,
        }
    }

    #[cfg_attr(not(feature = "alloc"), allow(dead_code))]
    pub(crate) fn write(&self, w: &mut Writer<'_>, encoding_type: u8) -> Result<()> {
        check_mask::<F>(self.mask_length, "Encoded-Source mask length", w.position())?;
        w.u8(F::IANA_ADDRESS_FAMILY)?;
        w.u8(encoding_type)?;
        w.u8(self.flags.0)?;
        w.u8(self.mask_length)?;
        w.put(F::to_octets(self.address).as_ref())
    }
}

impl<F: IpFamily> fmt::Display for EncodedSource<F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.address)?;
        if self.mask_length != family_bits::<F>() {
            write!(f, "/{}", self.mask_length)?;
        }
        write!(f, "({})", self.flags)
    }
}

/// An Encoded-Source address as found in a message: the address and, for Encoding Type 1, its
/// Join Attributes (RFC 5384 §3).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SourceEntry<'a, F: IpFamily> {
    /// The address, mask and flags.
    pub source: EncodedSource<F>,
    /// The Join Attributes: `Some` for Encoding Type 1, `None` for Encoding Type 0.
    pub join_attributes: Option<JoinAttributes<'a>>,
}

impl<'a, F: IpFamily> SourceEntry<'a, F> {
    /// Reads an Encoded-Source address named `field`, with its Join Attributes if any.
    pub(crate) fn read(r: &mut Reader<'a>, field: &'static str) -> Result<Self> {
        let encoding_type = read_family_and_encoding::<F>(r, field, true)?;
        let flags = SourceFlags(r.u8(field)?);
        let offset = r.offset();
        let mask_length = r.u8(field)?;
        check_mask::<F>(mask_length, field, offset)?;
        let address = read_address::<F>(r, field)?;
        let join_attributes = if encoding_type == ENCODING_JOIN_ATTRIBUTES {
            Some(JoinAttributes::read(r)?)
        } else {
            None
        };
        Ok(Self {
            source: EncodedSource {
                address,
                mask_length,
                flags,
            },
            join_attributes,
        })
    }

    /// Parses an Encoded-Source address at the start of `bytes`; returns it and the bytes after
    /// it. Errors count offsets from the start of `bytes`.
    ///
    /// # Errors
    /// Truncation, an unknown family or encoding type, a mask wider than the family, or a Join
    /// Attribute chain without its E bit.
    pub fn parse(bytes: &'a [u8]) -> Result<(Self, &'a [u8])> {
        let mut r = Reader::new(bytes, 0);
        let entry = Self::read(&mut r, "Encoded-Source address")?;
        Ok((entry, r.rest()))
    }

    /// Length on the wire.
    #[must_use]
    pub fn wire_len(&self) -> usize {
        encoded_group_len::<F>().saturating_add(self.join_attributes.map_or(0, |a| a.bytes.len()))
    }
}

impl<F: IpFamily> fmt::Display for SourceEntry<'_, F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.source)?;
        if let Some(attributes) = self.join_attributes {
            write!(f, " {attributes}")?;
        }
        Ok(())
    }
}

/// F, the Forward Unknown bit of a Join Attribute: forward the attribute even when its type is
/// unknown (RFC 5384 §3.3).
pub const JOIN_ATTRIBUTE_FORWARD: u8 = 0x80;
/// E, the End of Attributes bit: this is the last Join Attribute of the address (RFC 5384 §3.3).
pub const JOIN_ATTRIBUTE_END: u8 = 0x40;

/// The Join Attribute types of the IANA "PIM Join Attribute Types" registry (RFC 5384 §7).
#[must_use]
pub fn join_attribute_type_name(attribute_type: u8) -> Option<&'static str> {
    match attribute_type {
        0 => Some("RPF Vector TLV (RFC 5496)"),
        1 => Some("MVPN Join Attribute (RFC 6513)"),
        2 => Some("MT-ID (RFC 6420)"),
        3 => Some("Pop-Count (RFC 6807)"),
        4 => Some("PIM Source Discovery (draft)"),
        63 => Some("Reserved"),
        _ => None,
    }
}

/// The chain of Join Attributes of an Encoded-Source address of Encoding Type 1 (RFC 5384 §3),
/// validated: every attribute fits and the last one, only the last, has its E bit set.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct JoinAttributes<'a> {
    bytes: &'a [u8],
}

impl<'a> JoinAttributes<'a> {
    /// A chain already checked by [`JoinAttributes::read`].
    pub(crate) fn from_validated(bytes: &'a [u8]) -> Self {
        Self { bytes }
    }

    fn read(r: &mut Reader<'a>) -> Result<Self> {
        let start = r.rest();
        let mut len = 0usize;
        loop {
            let offset = r.offset();
            let flags = r.u8("Join Attribute")?;
            let length = r.u8("Join Attribute length")?;
            r.take(usize::from(length), "Join Attribute value")?;
            let _ = offset;
            len = len.saturating_add(2).saturating_add(usize::from(length));
            if flags & JOIN_ATTRIBUTE_END != 0 {
                break;
            }
        }
        Ok(Self {
            bytes: start.get(..len).unwrap_or(start),
        })
    }

    /// The raw bytes of the chain.
    #[must_use]
    pub fn as_bytes(&self) -> &'a [u8] {
        self.bytes
    }

    /// The attributes in order.
    #[must_use]
    pub fn iter(&self) -> JoinAttributeIter<'a> {
        JoinAttributeIter { bytes: self.bytes }
    }
}

impl<'a> IntoIterator for &JoinAttributes<'a> {
    type Item = JoinAttribute<'a>;
    type IntoIter = JoinAttributeIter<'a>;
    fn into_iter(self) -> JoinAttributeIter<'a> {
        self.iter()
    }
}

impl<'a> IntoIterator for JoinAttributes<'a> {
    type Item = JoinAttribute<'a>;
    type IntoIter = JoinAttributeIter<'a>;
    fn into_iter(self) -> JoinAttributeIter<'a> {
        self.iter()
    }
}

impl fmt::Display for JoinAttributes<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[")?;
        for (i, a) in self.iter().enumerate() {
            if i > 0 {
                f.write_str(", ")?;
            }
            write!(f, "{a}")?;
        }
        f.write_str("]")
    }
}

/// Iterator over a validated Join Attribute chain.
#[derive(Debug, Clone)]
pub struct JoinAttributeIter<'a> {
    bytes: &'a [u8],
}

impl<'a> Iterator for JoinAttributeIter<'a> {
    type Item = JoinAttribute<'a>;
    fn next(&mut self) -> Option<JoinAttribute<'a>> {
        let (&flags, rest) = self.bytes.split_first()?;
        let (&length, rest) = rest.split_first()?;
        let (value, rest) = rest.split_at_checked(usize::from(length))?;
        self.bytes = rest;
        Some(JoinAttribute {
            forward: flags & JOIN_ATTRIBUTE_FORWARD != 0,
            attribute_type: flags & 0x3F,
            value,
        })
    }
}

/// One Join Attribute (RFC 5384 §3.3). The E bit is not kept: it is set on the last attribute
/// of a chain and only there.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct JoinAttribute<'a> {
    /// F: forward this attribute even if its type is unknown.
    pub forward: bool,
    /// Attr_Type, 6 bits.
    pub attribute_type: u8,
    /// Value.
    pub value: &'a [u8],
}

impl fmt::Display for JoinAttribute<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match join_attribute_type_name(self.attribute_type) {
            Some(name) => write!(f, "{name}")?,
            None => write!(f, "type {}", self.attribute_type)?,
        }
        if self.forward {
            f.write_str(" F")?;
        }
        write!(f, " {} bytes", self.value.len())
    }
}

#[cfg(feature = "alloc")]
pub use owned::{JoinAttributeRepr, SourceRepr};

#[cfg(feature = "alloc")]
mod owned {
    use alloc::vec::Vec;

    #[allow(clippy::wildcard_imports)]
    use super::*;

    /// An owned Join Attribute (RFC 5384 §3.3), for building messages.
    #[derive(Debug, Clone, PartialEq, Eq, Hash)]
    #[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
    #[cfg_attr(feature = "arbitrary", derive(arbitrary::Arbitrary))]
    pub struct JoinAttributeRepr {
        /// F: forward this attribute even if its type is unknown.
        pub forward: bool,
        /// Attr_Type, 6 bits (0 to 63).
        pub attribute_type: u8,
        /// Value, at most 255 bytes.
        pub value: Vec<u8>,
    }

    impl From<JoinAttribute<'_>> for JoinAttributeRepr {
        fn from(a: JoinAttribute<'_>) -> Self {
            Self {
                forward: a.forward,
                attribute_type: a.attribute_type,
                value: a.value.to_vec(),
            }
        }
    }

    /// An owned Encoded-Source address with its Join Attributes, if any (RFC 7761 §4.9.1,
    /// RFC 5384 §3).
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
    pub struct SourceRepr<F: IpFamily> {
        /// Address, mask and flags.
        pub source: EncodedSource<F>,
        /// `Some` (at least one attribute) for Encoding Type 1, `None` for Encoding Type 0.
        pub join_attributes: Option<Vec<JoinAttributeRepr>>,
    }

    impl<F: IpFamily> From<EncodedSource<F>> for SourceRepr<F> {
        fn from(source: EncodedSource<F>) -> Self {
            Self {
                source,
                join_attributes: None,
            }
        }
    }

    impl<F: IpFamily> From<SourceEntry<'_, F>> for SourceRepr<F> {
        fn from(entry: SourceEntry<'_, F>) -> Self {
            Self {
                source: entry.source,
                join_attributes: entry
                    .join_attributes
                    .map(|a| a.iter().map(JoinAttributeRepr::from).collect()),
            }
        }
    }

    impl<F: IpFamily> SourceRepr<F> {
        /// Length on the wire.
        #[must_use]
        pub fn wire_len(&self) -> usize {
            let attributes = self.join_attributes.as_ref().map_or(0, |list| {
                list.iter()
                    .map(|a| a.value.len().saturating_add(2))
                    .fold(0usize, usize::saturating_add)
            });
            encoded_group_len::<F>().saturating_add(attributes)
        }

        pub(crate) fn write(&self, w: &mut Writer<'_>) -> Result<()> {
            match &self.join_attributes {
                None => self.source.write(w, ENCODING_NATIVE),
                Some(list) => {
                    if list.is_empty() {
                        return Err(PimError::Invalid {
                            field: "Join Attributes",
                            offset: w.position(),
                            reason: "Encoding Type 1 needs at least one Join Attribute",
                        });
                    }
                    self.source.write(w, ENCODING_JOIN_ATTRIBUTES)?;
                    let final_index = list.len().saturating_sub(1);
                    for (i, a) in list.iter().enumerate() {
                        if a.attribute_type > 0x3F {
                            return Err(PimError::TooLarge {
                                field: "Join Attribute type",
                                value: usize::from(a.attribute_type),
                                max: 0x3F,
                            });
                        }
                        let length = crate::wire::cursor::count_field(
                            "Join Attribute length",
                            a.value.len(),
                            255,
                        )?;
                        let mut flags = a.attribute_type;
                        if a.forward {
                            flags |= JOIN_ATTRIBUTE_FORWARD;
                        }
                        if i == final_index {
                            flags |= JOIN_ATTRIBUTE_END;
                        }
                        w.u8(flags)?;
                        w.u8(length as u8)?;
                        w.put(&a.value)?;
                    }
                    Ok(())
                }
            }
        }
    }

    impl<F: IpFamily> fmt::Display for SourceRepr<F> {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            write!(f, "{}", self.source)?;
            if let Some(list) = &self.join_attributes {
                write!(f, " [{} join attributes]", list.len())?;
            }
            Ok(())
        }
    }
}

#[cfg(test)]
mod tests {
    #[allow(clippy::wildcard_imports)]
    use super::*;
    use core::net::{Ipv4Addr, Ipv6Addr};
    use mcast_addr::family::{Ipv4, Ipv6};

    #[test]
    fn unicast_v4_and_v6() {
        let (a, rest) = parse_encoded_unicast::<Ipv4>(&[1, 0, 10, 0, 0, 1, 9]).unwrap();
        assert_eq!(a, Ipv4Addr::new(10, 0, 0, 1));
        assert_eq!(rest, &[9]);
        let mut v6 = [0u8; 18];
        v6[0] = 2;
        v6[17] = 1;
        let (a, _) = parse_encoded_unicast::<Ipv6>(&v6).unwrap();
        assert_eq!(a, Ipv6Addr::LOCALHOST);
        assert_eq!(
            parse_encoded_unicast::<Ipv4>(&v6).unwrap_err(),
            PimError::AddressFamily {
                field: "Encoded-Unicast address",
                offset: 0,
                family: 2,
                expected: 1
            }
        );
    }

    #[test]
    fn group_mask_checked() {
        let (g, _) = EncodedGroup::<Ipv4>::parse(&[1, 0, 0x80, 32, 225, 0, 0, 1]).unwrap();
        assert!(g.flags.bidirectional());
        assert_eq!(std::format!("{g}"), "225.0.0.1(B)");
        assert_eq!(
            EncodedGroup::<Ipv4>::parse(&[1, 0, 0, 33, 225, 0, 0, 1]).unwrap_err(),
            PimError::MaskLength {
                field: "Encoded-Group address",
                offset: 3,
                mask_length: 33,
                max: 32
            }
        );
    }

    #[test]
    fn join_attributes_chain() {
        let bytes = [1, 1, 4, 32, 10, 0, 0, 1, 0x80, 1, 7, 0x42, 0, 5];
        let (s, rest) = SourceEntry::<Ipv4>::parse(&bytes).unwrap();
        assert_eq!(rest, &[5]);
        let attrs: std::vec::Vec<_> = s.join_attributes.unwrap().iter().collect();
        assert_eq!(attrs.len(), 2);
        assert!(attrs[0].forward);
        assert_eq!(attrs[0].value, &[7]);
        assert_eq!(attrs[1].attribute_type, 2);
        // Without an E bit the chain runs off the end.
        assert!(SourceEntry::<Ipv4>::parse(&bytes[..11]).is_err());
    }
}
