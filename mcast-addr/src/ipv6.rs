//! IPv6 multicast addresses: flags and scope (RFC 4291 §2.7, RFC 7346), source-specific
//! addresses (RFC 4607, RFC 3306 §6), unicast-prefix-based addresses (RFC 3306) and embedded-RP
//! addresses (RFC 3956), solicited-node addresses (RFC 4291 §2.7.1).
//!
//! ```text
//! |   8    |  4 |  4 |                  112 bits                  |   RFC 4291 §2.7
//! |11111111|flgs|scop|                  group ID                  |
//!
//! |   8    |  4 |  4 |  4 |  4 |    8   |       64       |    32    |   RFC 3306 §4, RFC 3956 §3
//! |11111111|flgs|scop|rsvd|RIID|  plen  | network prefix | group ID |
//! ```
//!
//! ```
//! use mcast_addr::{Ipv6MulticastAddr, Ipv6MulticastKind, Scope};
//! use core::net::Ipv6Addr;
//!
//! let group: Ipv6MulticastAddr = "ff7e:140:2001:db8::1234".parse()?;
//! assert_eq!(group.kind(), Ipv6MulticastKind::EmbeddedRp);
//! assert_eq!(group.scope(), Scope::Global);
//! let rp = group.embedded_rp()?;
//! assert_eq!(rp.rp_address(), "2001:db8::1".parse::<Ipv6Addr>().unwrap());
//! assert_eq!(rp.group_id(), 0x1234);
//!
//! let ssm: Ipv6MulticastAddr = "ff3e::8000:1".parse()?;
//! assert!(ssm.is_source_specific());
//! # Ok::<(), mcast_addr::AddrError>(())
//! ```

use core::fmt;
use core::net::Ipv6Addr;

use crate::error::AddrError;
use crate::multicast::Ipv6MulticastAddr;
use crate::scope::Scope;

/// The 4-bit `flgs` field of an IPv6 multicast address, `0RPT` (RFC 4291 §2.7).
///
/// Unknown bits are kept: the high-order bit, reserved by RFC 4291, is data too.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "arbitrary", derive(arbitrary::Arbitrary))]
pub struct Ipv6MulticastFlags(u8);

impl Ipv6MulticastFlags {
    /// T: the address is transient, not permanently assigned by IANA (RFC 4291 §2.7).
    pub const TRANSIENT: Self = Self(0x1);
    /// P: the address is assigned from a unicast prefix (RFC 3306 §4); requires T.
    pub const PREFIX: Self = Self(0x2);
    /// R: the address embeds the address of its Rendezvous Point (RFC 3956 §3); requires P and T.
    pub const RENDEZVOUS_POINT: Self = Self(0x4);
    /// The high-order bit, reserved and "initialized to 0" (RFC 4291 §2.7).
    pub const RESERVED: Self = Self(0x8);

    /// The flags of the low four bits of `bits`; the high four bits are ignored.
    #[must_use]
    pub const fn from_bits(bits: u8) -> Self {
        Self(bits & 0x0F)
    }

    /// The 4-bit value of the field.
    #[must_use]
    pub const fn bits(self) -> u8 {
        self.0
    }

    /// Whether every flag set in `other` is set in `self`.
    #[must_use]
    pub const fn contains(self, other: Self) -> bool {
        self.0 & other.0 == other.0
    }

    /// The flags of both `self` and `other`.
    #[must_use]
    pub const fn union(self, other: Self) -> Self {
        Self(self.0 | other.0)
    }

    /// T = 1: a transient (dynamically assigned) address; T = 0: permanently assigned, "well
    /// known" (RFC 4291 §2.7).
    #[must_use]
    pub const fn is_transient(self) -> bool {
        self.contains(Self::TRANSIENT)
    }

    /// P = 1: a unicast-prefix-based address (RFC 3306 §4).
    #[must_use]
    pub const fn is_prefix_based(self) -> bool {
        self.contains(Self::PREFIX)
    }

    /// R = 1: an address that embeds its RP's address (RFC 3956 §3).
    #[must_use]
    pub const fn embeds_rendezvous_point(self) -> bool {
        self.contains(Self::RENDEZVOUS_POINT)
    }

    /// Whether the combination is allowed: P = 1 requires T = 1 (RFC 3306 §4), R = 1 requires
    /// P = 1 and T = 1 (RFC 3956 §3).
    #[must_use]
    pub const fn is_consistent(self) -> bool {
        (!self.is_prefix_based() || self.is_transient())
            && (!self.embeds_rendezvous_point()
                || self.contains(Self::PREFIX.union(Self::TRANSIENT)))
    }
}

impl fmt::Display for Ipv6MulticastFlags {
    /// The field drawn as RFC 4291 §2.7 draws it, `0RPT`, with `-` for a clear flag: `-RPT`
    /// for ff7x, `--PT` for ff3x, `----` for ff0x.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let letter = |flag: Self, c: char| if self.contains(flag) { c } else { '-' };
        write!(
            f,
            "{}{}{}{}",
            letter(Self::RESERVED, '1'),
            letter(Self::RENDEZVOUS_POINT, 'R'),
            letter(Self::PREFIX, 'P'),
            letter(Self::TRANSIENT, 'T')
        )
    }
}

/// What the flags and structured fields of an IPv6 multicast address say it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "arbitrary", derive(arbitrary::Arbitrary))]
pub enum Ipv6MulticastKind {
    /// T = 0: permanently assigned by IANA; its meaning does not depend on the scope (RFC 4291
    /// §2.7).
    PermanentlyAssigned,
    /// T = 1, P = 0: transient, meaningful only within its scope (RFC 4291 §2.7).
    Transient,
    /// ff3x::/32, the source-specific range (RFC 4607 §1, RFC 3306 §6): P = 1, plen = 0.
    SourceSpecific,
    /// A unicast-prefix-based address, P = 1 with a prefix length of 1 to 64 (RFC 3306 §4).
    UnicastPrefixBased,
    /// An address that embeds its RP's address, R = 1 (RFC 3956 §3).
    EmbeddedRp,
    /// A flag combination or a field value the RFCs forbid (P without T, R without P,
    /// plen over 64, RIID 0…); the parsers ([`Ipv6MulticastAddr::unicast_prefix_based`],
    /// [`Ipv6MulticastAddr::embedded_rp`]) say which.
    Malformed,
}

impl Ipv6MulticastKind {
    /// A short description, e.g. `"embedded-RP (RFC 3956)"`.
    #[must_use]
    pub const fn description(self) -> &'static str {
        match self {
            Self::PermanentlyAssigned => "permanently assigned (RFC 4291 §2.7)",
            Self::Transient => "transient (RFC 4291 §2.7)",
            Self::SourceSpecific => "source-specific multicast (RFC 4607, RFC 3306 §6)",
            Self::UnicastPrefixBased => "unicast-prefix-based (RFC 3306)",
            Self::EmbeddedRp => "embedded-RP (RFC 3956)",
            Self::Malformed => "malformed (flags or fields forbidden by RFC 3306/3956)",
        }
    }
}

impl fmt::Display for Ipv6MulticastKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.description())
    }
}

/// The fields of a unicast-prefix-based IPv6 multicast address (RFC 3306 §4): the group belongs
/// to whoever holds the unicast prefix `prefix/prefix_len`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct UnicastPrefixBased {
    scope: Scope,
    prefix: Ipv6Addr,
    prefix_len: u8,
    group_id: u32,
}

impl UnicastPrefixBased {
    /// The fields of the group `group_id` of the unicast prefix `prefix/prefix_len` at `scope`;
    /// the bits of `prefix` past `prefix_len` are ignored.
    ///
    /// # Errors
    /// [`AddrError::Invalid`] for `prefix_len` 0 (that is the source-specific range, RFC 3306
    /// §6) or over 64 (RFC 3306 §4).
    pub const fn new(
        scope: Scope,
        prefix: Ipv6Addr,
        prefix_len: u8,
        group_id: u32,
    ) -> Result<Self, AddrError> {
        if let Err(error) = check_plen(prefix_len, PLEN_ZERO_IS_SSM) {
            return Err(error);
        }
        Ok(Self {
            scope,
            prefix: mask_prefix(prefix, prefix_len),
            prefix_len,
            group_id,
        })
    }

    /// The `scop` field.
    #[must_use]
    pub const fn scope(&self) -> Scope {
        self.scope
    }

    /// The unicast prefix, with the bits past [`Self::prefix_len`] clear.
    #[must_use]
    pub const fn prefix(&self) -> Ipv6Addr {
        self.prefix
    }

    /// `plen`, the number of significant bits of the network prefix (1 to 64).
    #[must_use]
    pub const fn prefix_len(&self) -> u8 {
        self.prefix_len
    }

    /// The 32-bit group ID.
    #[must_use]
    pub const fn group_id(&self) -> u32 {
        self.group_id
    }

    /// The address: `ff3s:00LL:<prefix, 64 bits>:<group ID>` (RFC 3306 §4), P and T set.
    #[must_use]
    pub const fn to_multicast(&self) -> Ipv6MulticastAddr {
        structured(
            Ipv6MulticastFlags::PREFIX.union(Ipv6MulticastFlags::TRANSIENT),
            self.scope,
            0,
            self.prefix_len,
            self.prefix,
            self.group_id,
        )
    }
}

/// The fields of an embedded-RP IPv6 multicast address (RFC 3956 §3): a unicast-prefix-based
/// address whose prefix and RIID give the address of the group's Rendezvous Point.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct EmbeddedRp {
    scope: Scope,
    rp_prefix: Ipv6Addr,
    prefix_len: u8,
    riid: u8,
    group_id: u32,
}

impl EmbeddedRp {
    /// The fields of the group `group_id` at `scope` whose RP is `rp_address`, embedded with a
    /// prefix length of `prefix_len`.
    ///
    /// # Errors
    /// [`AddrError::Invalid`] if `prefix_len` is 0 or over 64, or if `rp_address` cannot be
    /// embedded: an embedded RP address is `<first plen bits of the prefix>::<RIID>`, with every
    /// other bit zero and an RIID of 1 to 15 (RFC 3956 §3).
    pub const fn new(
        scope: Scope,
        rp_address: Ipv6Addr,
        prefix_len: u8,
        group_id: u32,
    ) -> Result<Self, AddrError> {
        if let Err(error) = check_plen(prefix_len, PLEN_ZERO_EMBEDDED_RP) {
            return Err(error);
        }
        let riid = (rp_address.to_bits() & 0x0F) as u8;
        if let Err(error) = check_riid(riid) {
            return Err(error);
        }
        let rp_prefix = mask_prefix(rp_address, prefix_len);
        if rp_prefix.to_bits() | riid as u128 != rp_address.to_bits() {
            return Err(AddrError::Invalid {
                field: "RP address",
                value: prefix_len as u32,
                reason: "an embedded RP address is <first plen bits of the prefix>::<RIID>, all \
                         other bits zero (RFC 3956 §3)",
            });
        }
        Ok(Self {
            scope,
            rp_prefix,
            prefix_len,
            riid,
            group_id,
        })
    }

    /// The `scop` field.
    #[must_use]
    pub const fn scope(&self) -> Scope {
        self.scope
    }

    /// The RP's prefix, with the bits past [`Self::prefix_len`] clear.
    #[must_use]
    pub const fn rp_prefix(&self) -> Ipv6Addr {
        self.rp_prefix
    }

    /// `plen`, the number of significant bits of the RP's prefix (1 to 64).
    #[must_use]
    pub const fn prefix_len(&self) -> u8 {
        self.prefix_len
    }

    /// The RP interface ID, the low four bits of the RP's address (1 to 15).
    #[must_use]
    pub const fn riid(&self) -> u8 {
        self.riid
    }

    /// The 32-bit group ID.
    #[must_use]
    pub const fn group_id(&self) -> u32 {
        self.group_id
    }

    /// The address of the Rendezvous Point: the first `plen` bits of the network prefix, zeros,
    /// and the RIID in the last four bits (RFC 3956 §3).
    #[must_use]
    pub const fn rp_address(&self) -> Ipv6Addr {
        Ipv6Addr::from_bits(self.rp_prefix.to_bits() | self.riid as u128)
    }

    /// The address: `ff7s:0RLL:<prefix, 64 bits>:<group ID>` (RFC 3956 §3), R, P and T set.
    #[must_use]
    pub const fn to_multicast(&self) -> Ipv6MulticastAddr {
        structured(
            Ipv6MulticastFlags::RENDEZVOUS_POINT
                .union(Ipv6MulticastFlags::PREFIX)
                .union(Ipv6MulticastFlags::TRANSIENT),
            self.scope,
            self.riid,
            self.prefix_len,
            self.rp_prefix,
            self.group_id,
        )
    }
}

const PLEN_ZERO_IS_SSM: &str =
    "plen 0 with P = 1 is the source-specific range ff3x::/32, not a prefix (RFC 3306 §6)";
const PLEN_ZERO_EMBEDDED_RP: &str = "plen MUST NOT be 0 in an embedded-RP address (RFC 3956 §3)";

const fn check_plen(prefix_len: u8, zero_reason: &'static str) -> Result<(), AddrError> {
    if prefix_len == 0 {
        Err(AddrError::Invalid {
            field: "plen",
            value: 0,
            reason: zero_reason,
        })
    } else if prefix_len > 64 {
        Err(AddrError::Invalid {
            field: "plen",
            value: prefix_len as u32,
            reason: "plen MUST NOT be greater than 64 (RFC 3306 §4, RFC 3956 §3)",
        })
    } else {
        Ok(())
    }
}

const fn check_riid(riid: u8) -> Result<(), AddrError> {
    if riid == 0 {
        Err(AddrError::Invalid {
            field: "RIID",
            value: 0,
            reason: "RIID 0 is reserved (RFC 3956 §3): the RP would be the Subnet-Router anycast \
                     address of its prefix",
        })
    } else {
        Ok(())
    }
}

/// `prefix` with the bits past `len` (at most 128) clear.
const fn mask_prefix(prefix: Ipv6Addr, len: u8) -> Ipv6Addr {
    let host = match u128::MAX.checked_shr(len as u32) {
        Some(host) => host,
        None => 0,
    };
    Ipv6Addr::from_bits(prefix.to_bits() & !host)
}

/// `ff | flags | scope | rsvd:RIID | plen | prefix (high 64 bits) | group ID` (RFC 3956 §3).
const fn structured(
    flags: Ipv6MulticastFlags,
    scope: Scope,
    riid: u8,
    prefix_len: u8,
    prefix: Ipv6Addr,
    group_id: u32,
) -> Ipv6MulticastAddr {
    let p = prefix.octets();
    let g = group_id.to_be_bytes();
    let octets = [
        0xFF,
        (flags.bits() << 4) | scope.value(),
        riid & 0x0F,
        prefix_len,
        p[0],
        p[1],
        p[2],
        p[3],
        p[4],
        p[5],
        p[6],
        p[7],
        g[0],
        g[1],
        g[2],
        g[3],
    ];
    from_multicast_octets(octets)
}

/// The group of `octets`, whose first byte is 0xff.
const fn from_multicast_octets(octets: [u8; 16]) -> Ipv6MulticastAddr {
    match Ipv6MulticastAddr::from_octets(octets) {
        Some(group) => group,
        // Unreachable: every caller writes 0xff first. The all-nodes group keeps this total.
        None => crate::groups::IPV6_ALL_NODES,
    }
}

/// The mask of the 112-bit group ID field (RFC 4291 §2.7).
const GROUP_ID_MASK: u128 = (1 << 112) - 1;

impl Ipv6MulticastAddr {
    /// The address `ff | flags | scope | group_id`; the bits of `group_id` above the 112 of the
    /// field are ignored (RFC 4291 §2.7).
    #[must_use]
    pub const fn from_parts(flags: Ipv6MulticastFlags, scope: Scope, group_id: u128) -> Self {
        let high = (0xFF00 | ((flags.bits() as u128) << 4) | scope.value() as u128) << 112;
        from_multicast_octets((high | (group_id & GROUP_ID_MASK)).to_be_bytes())
    }

    /// The `flgs` field (RFC 4291 §2.7).
    #[must_use]
    pub const fn flags(self) -> Ipv6MulticastFlags {
        Ipv6MulticastFlags::from_bits(self.octets()[1] >> 4)
    }

    /// The 112-bit group ID field (RFC 4291 §2.7).
    #[must_use]
    pub const fn group_id(self) -> u128 {
        self.to_bits() & GROUP_ID_MASK
    }

    /// Whether the address is permanently assigned (T = 0, RFC 4291 §2.7).
    #[must_use]
    pub const fn is_permanent(self) -> bool {
        !self.flags().is_transient()
    }

    /// Whether the address is one of the reserved ff0x:: (T = 0, group ID 0), which "shall never
    /// be assigned to any multicast group" (RFC 4291 §2.7.1).
    #[must_use]
    pub const fn is_reserved(self) -> bool {
        self.octets()[1] >> 4 == 0 && self.group_id() == 0
    }

    /// Whether the address is in ff3x::/32, the source-specific range (RFC 4607 §1, RFC 3306 §6):
    /// only (S,G) channels exist, no (*,G) state and no RP, MLDv2 INCLUDE mode only.
    #[must_use]
    pub const fn is_source_specific(self) -> bool {
        let o = self.octets();
        o[1] >> 4 == 0x3 && o[2] == 0 && o[3] == 0
    }

    /// The source-specific group `ff3s::<group_id>` of ff3x::/96, the part of the SSM range
    /// applications allocate from (RFC 3306 §6, RFC 4607 §1).
    #[must_use]
    pub const fn source_specific(scope: Scope, group_id: u32) -> Self {
        structured(
            Ipv6MulticastFlags::PREFIX.union(Ipv6MulticastFlags::TRANSIENT),
            scope,
            0,
            0,
            Ipv6Addr::UNSPECIFIED,
            group_id,
        )
    }

    /// The solicited-node multicast address of a unicast or anycast address:
    /// ff02::1:ff00:0/104 and the address's low 24 bits (RFC 4291 §2.7.1). Neighbor Discovery
    /// (RFC 4861 §7.2.1) sends its Neighbor Solicitations there, and hosts report it with MLD.
    #[must_use]
    pub const fn solicited_node(addr: Ipv6Addr) -> Self {
        from_multicast_octets(
            (SOLICITED_NODE_PREFIX | (addr.to_bits() & 0x00FF_FFFF)).to_be_bytes(),
        )
    }

    /// Whether the address is a solicited-node address, in ff02::1:ff00:0/104 (RFC 4291 §2.7.1).
    #[must_use]
    pub const fn is_solicited_node(self) -> bool {
        self.to_bits() & !0x00FF_FFFF == SOLICITED_NODE_PREFIX
    }

    /// The fields of a unicast-prefix-based address (RFC 3306 §4), embedded-RP addresses
    /// included (they are unicast-prefix-based too, RFC 3956 §3). The reserved field (the
    /// `rsvd`/RIID byte) is not checked: RFC 7371 §3 gives its bits new uses.
    ///
    /// # Errors
    /// [`AddrError::Invalid`] if P is clear, if P is set without T (RFC 3306 §4), for plen 0
    /// (source-specific, RFC 3306 §6) and for plen over 64 (RFC 3306 §4).
    pub const fn unicast_prefix_based(self) -> Result<UnicastPrefixBased, AddrError> {
        let flags = self.flags();
        if !flags.is_prefix_based() {
            return Err(AddrError::Invalid {
                field: "flags",
                value: flags.bits() as u32,
                reason: "P = 0: not a unicast-prefix-based address (RFC 3306 §4)",
            });
        }
        if !flags.is_transient() {
            return Err(AddrError::Invalid {
                field: "flags",
                value: flags.bits() as u32,
                reason: "P = 1 requires T = 1 (RFC 3306 §4)",
            });
        }
        let o = self.octets();
        let prefix_len = o[3];
        let (prefix, group_id) = self.prefix_and_group_id();
        UnicastPrefixBased::new(Scope::from_nibble(o[1]), prefix, prefix_len, group_id)
    }

    /// The fields of an embedded-RP address, and with them the RP's address (RFC 3956 §3).
    ///
    /// # Errors
    /// [`AddrError::Invalid`] if R is clear, if R is set without P and T, for plen 0 or over 64,
    /// and for RIID 0 (RFC 3956 §3). A router must not use an RP from such an address.
    pub const fn embedded_rp(self) -> Result<EmbeddedRp, AddrError> {
        let flags = self.flags();
        if !flags.embeds_rendezvous_point() {
            return Err(AddrError::Invalid {
                field: "flags",
                value: flags.bits() as u32,
                reason: "R = 0: the address embeds no RP address (RFC 3956 §3)",
            });
        }
        if !flags.is_consistent() {
            return Err(AddrError::Invalid {
                field: "flags",
                value: flags.bits() as u32,
                reason: "R = 1 requires P = 1 and T = 1 (RFC 3956 §3)",
            });
        }
        let o = self.octets();
        let prefix_len = o[3];
        if let Err(error) = check_plen(prefix_len, PLEN_ZERO_EMBEDDED_RP) {
            return Err(error);
        }
        let riid = o[2] & 0x0F;
        if let Err(error) = check_riid(riid) {
            return Err(error);
        }
        let (prefix, group_id) = self.prefix_and_group_id();
        Ok(EmbeddedRp {
            scope: Scope::from_nibble(o[1]),
            rp_prefix: mask_prefix(prefix, prefix_len),
            prefix_len,
            riid,
            group_id,
        })
    }

    /// What the address is, by its flags and fields.
    #[must_use]
    pub const fn kind(self) -> Ipv6MulticastKind {
        let flags = self.flags();
        if !flags.is_consistent() {
            Ipv6MulticastKind::Malformed
        } else if flags.embeds_rendezvous_point() {
            match self.embedded_rp() {
                Ok(_) => Ipv6MulticastKind::EmbeddedRp,
                Err(_) => Ipv6MulticastKind::Malformed,
            }
        } else if flags.is_prefix_based() {
            if self.octets()[3] == 0 {
                if self.is_source_specific() {
                    Ipv6MulticastKind::SourceSpecific
                } else {
                    // plen 0 with a non-zero reserved field: neither SSM nor a prefix.
                    Ipv6MulticastKind::Malformed
                }
            } else {
                match self.unicast_prefix_based() {
                    Ok(_) => Ipv6MulticastKind::UnicastPrefixBased,
                    Err(_) => Ipv6MulticastKind::Malformed,
                }
            }
        } else if flags.is_transient() {
            Ipv6MulticastKind::Transient
        } else {
            Ipv6MulticastKind::PermanentlyAssigned
        }
    }

    /// Whether the address is one of the IPv6 multicast addresses for documentation (RFC 6676):
    /// a unicast-prefix-based or embedded-RP address built from the documentation prefix
    /// 2001:db8::/32 (RFC 3849).
    #[must_use]
    pub const fn is_documentation(self) -> bool {
        if !matches!(
            self.kind(),
            Ipv6MulticastKind::UnicastPrefixBased | Ipv6MulticastKind::EmbeddedRp
        ) {
            return false;
        }
        match self.unicast_prefix_based() {
            Ok(fields) => {
                let p = fields.prefix.octets();
                fields.prefix_len >= 32
                    && p[0] == 0x20
                    && p[1] == 0x01
                    && p[2] == 0x0d
                    && p[3] == 0xb8
            }
            Err(_) => false,
        }
    }

    /// The network prefix field (as the high 64 bits of an address) and the 32-bit group ID.
    const fn prefix_and_group_id(self) -> (Ipv6Addr, u32) {
        let bits = self.to_bits();
        let prefix = Ipv6Addr::from_bits((bits << 32) & !(u64::MAX as u128));
        (prefix, bits as u32)
    }
}

/// ff02::1:ff00:0, the solicited-node prefix (RFC 4291 §2.7.1).
const SOLICITED_NODE_PREFIX: u128 = 0xff02_0000_0000_0000_0000_0001_ff00_0000;

#[cfg(test)]
mod tests {
    use super::*;
    use std::string::ToString;

    fn p(s: &str) -> Ipv6MulticastAddr {
        s.parse().unwrap()
    }
    fn a(s: &str) -> Ipv6Addr {
        s.parse().unwrap()
    }

    #[test]
    fn flags_and_scope_fields() {
        let g = p("ff7e:140:2001:db8::1234");
        assert_eq!(g.flags().bits(), 7);
        assert_eq!(g.flags().to_string(), "-RPT");
        assert_eq!(g.scope(), Scope::Global);
        assert_eq!(p("ff02::1").flags().to_string(), "----");
        assert_eq!(p("ff32::1").flags().to_string(), "--PT");
        assert_eq!(p("ff85::1").flags().to_string(), "1---");
        for value in 0..16u8 {
            let addr = Ipv6MulticastAddr::from_parts(
                Ipv6MulticastFlags::TRANSIENT,
                Scope::from_nibble(value),
                0x42,
            );
            assert_eq!(addr.scope().value(), value);
            assert_eq!(addr.group_id(), 0x42);
            assert!(addr.flags().is_transient());
        }
    }

    #[test]
    fn rfc4291_reserved_and_permanent() {
        assert!(p("ff00::").is_reserved());
        assert!(p("ff0e::").is_reserved());
        assert!(!p("ff1e::").is_reserved());
        assert!(!p("ff02::1").is_reserved());
        assert!(p("ff02::1").is_permanent());
        assert_eq!(p("ff02::1").kind(), Ipv6MulticastKind::PermanentlyAssigned);
        assert_eq!(p("ff15::101").kind(), Ipv6MulticastKind::Transient);
    }

    #[test]
    fn solicited_node_rfc4291() {
        let g = Ipv6MulticastAddr::solicited_node(a("2001:db8::abcd:1234:5678"));
        assert_eq!(g.to_string(), "ff02::1:ff34:5678");
        assert!(g.is_solicited_node());
        assert!(p("ff02::1:ff00:0").is_solicited_node());
        assert!(p("ff02::1:ffff:ffff").is_solicited_node());
        assert!(!p("ff02::1:fe00:0").is_solicited_node());
        assert!(!p("ff02::2:ff00:0").is_solicited_node());
        assert!(!p("ff05::1:ff00:1").is_solicited_node());
    }

    #[test]
    fn ssm_range_rfc4607() {
        assert!(p("ff3e::8000:1").is_source_specific());
        assert!(p("ff30::").is_source_specific());
        assert!(p("ff3f:0:ffff:ffff:ffff:ffff:ffff:ffff").is_source_specific());
        assert!(!p("ff3e:1::1").is_source_specific());
        assert!(!p("ff3e:20:2001:db8::1").is_source_specific());
        assert!(!p("ff2e::1").is_source_specific());
        assert!(!p("ffbe::1").is_source_specific());
        assert_eq!(p("ff3e::8000:1").kind(), Ipv6MulticastKind::SourceSpecific);
        let built = Ipv6MulticastAddr::source_specific(Scope::Global, 0x8000_0001);
        assert_eq!(built, p("ff3e::8000:1"));
    }

    #[test]
    fn unicast_prefix_based_rfc3306() {
        // The example of RFC 3306: prefix 3ffe:ffff:1::/48, group ID 0x12345678.
        let g = p("ff3e:30:3ffe:ffff:1::1234:5678");
        let f = g.unicast_prefix_based().unwrap();
        assert_eq!(f.prefix(), a("3ffe:ffff:1::"));
        assert_eq!(f.prefix_len(), 48);
        assert_eq!(f.group_id(), 0x1234_5678);
        assert_eq!(f.scope(), Scope::Global);
        assert_eq!(f.to_multicast(), g);
        assert_eq!(g.kind(), Ipv6MulticastKind::UnicastPrefixBased);
        let built =
            UnicastPrefixBased::new(Scope::SiteLocal, a("2001:db8:beef:feed::1"), 64, 7).unwrap();
        assert_eq!(
            built.to_multicast().to_string(),
            "ff35:40:2001:db8:beef:feed:0:7"
        );
        assert!(built.to_multicast().is_documentation());
    }

    #[test]
    fn unicast_prefix_based_invalid_forms() {
        let err = |s: &str| p(s).unicast_prefix_based().unwrap_err();
        assert!(matches!(
            err("ff1e:30:3ffe:ffff:1::1"),
            AddrError::Invalid {
                field: "flags",
                value: 1,
                ..
            }
        ));
        assert!(matches!(
            err("ff2e:30:3ffe:ffff:1::1"),
            AddrError::Invalid {
                field: "flags",
                value: 2,
                ..
            }
        ));
        assert!(matches!(
            err("ff3e::1"),
            AddrError::Invalid {
                field: "plen",
                value: 0,
                ..
            }
        ));
        assert!(matches!(
            err("ff3e:41:3ffe:ffff:1::1"),
            AddrError::Invalid {
                field: "plen",
                value: 65,
                ..
            }
        ));
        assert!(matches!(
            err("ff3e:ff:3ffe:ffff:1::1"),
            AddrError::Invalid {
                field: "plen",
                value: 255,
                ..
            }
        ));
        assert_eq!(
            p("ff2e:30:3ffe:ffff:1::1").kind(),
            Ipv6MulticastKind::Malformed
        );
        assert_eq!(
            p("ff3e:41:3ffe:ffff:1::1").kind(),
            Ipv6MulticastKind::Malformed
        );
        assert_eq!(p("ff3e:100::1").kind(), Ipv6MulticastKind::Malformed);
        // Boundaries of plen: 1 and 64 are valid.
        assert_eq!(
            p("ff3e:1:8000::1").unicast_prefix_based().unwrap().prefix(),
            a("8000::")
        );
        assert_eq!(
            p("ff3e:40:2001:db8:1:2::1")
                .unicast_prefix_based()
                .unwrap()
                .prefix(),
            a("2001:db8:1:2::")
        );
        assert!(UnicastPrefixBased::new(Scope::Global, a("2001:db8::"), 0, 1).is_err());
        assert!(UnicastPrefixBased::new(Scope::Global, a("2001:db8::"), 65, 1).is_err());
    }

    #[test]
    fn embedded_rp_rfc3956_examples() {
        // The example of RFC 3956: RP 2001:db8:beef:feed::7, plen 64 -> ff7x:740:2001:db8:beef:feed::/96.
        let g = p("ff7e:740:2001:db8:beef:feed::1234");
        let rp = g.embedded_rp().unwrap();
        assert_eq!(rp.rp_address(), a("2001:db8:beef:feed::7"));
        assert_eq!(rp.riid(), 7);
        assert_eq!(rp.prefix_len(), 64);
        assert_eq!(rp.group_id(), 0x1234);
        assert_eq!(rp.to_multicast(), g);
        // plen = 32: ff7x:y20:2001:db8::/96, RP 2001:db8::y.
        let g = p("ff7e:320:2001:db8::abcd");
        assert_eq!(g.embedded_rp().unwrap().rp_address(), a("2001:db8::3"));
        // Bits of the network prefix past plen are not part of the RP address.
        let g = p("ff7e:320:2001:db8:ffff:ffff::1");
        assert_eq!(g.embedded_rp().unwrap().rp_address(), a("2001:db8::3"));
        assert_eq!(
            p("ff7e:140:2001:db8::1234")
                .embedded_rp()
                .unwrap()
                .rp_address(),
            a("2001:db8::1")
        );
        let built = EmbeddedRp::new(
            Scope::OrganizationLocal,
            a("2001:db8:beef:feed::7"),
            64,
            0x1234,
        )
        .unwrap();
        assert_eq!(built.to_multicast(), p("ff78:740:2001:db8:beef:feed::1234"));
    }

    #[test]
    fn embedded_rp_invalid_forms() {
        let err = |s: &str| p(s).embedded_rp().unwrap_err();
        // R clear.
        assert!(matches!(
            err("ff3e:140:2001:db8::1"),
            AddrError::Invalid {
                field: "flags",
                value: 3,
                ..
            }
        ));
        // R without P and T, R without T.
        assert!(matches!(
            err("ff4e:140:2001:db8::1"),
            AddrError::Invalid {
                field: "flags",
                value: 4,
                ..
            }
        ));
        assert!(matches!(
            err("ff6e:140:2001:db8::1"),
            AddrError::Invalid {
                field: "flags",
                value: 6,
                ..
            }
        ));
        assert!(matches!(
            err("ff5e:140:2001:db8::1"),
            AddrError::Invalid {
                field: "flags",
                value: 5,
                ..
            }
        ));
        // plen 0 and over 64.
        assert!(matches!(
            err("ff7e:100:2001:db8::1"),
            AddrError::Invalid {
                field: "plen",
                value: 0,
                ..
            }
        ));
        assert!(matches!(
            err("ff7e:141:2001:db8::1"),
            AddrError::Invalid {
                field: "plen",
                value: 65,
                ..
            }
        ));
        // RIID 0.
        assert!(matches!(
            err("ff7e:40:2001:db8::1"),
            AddrError::Invalid {
                field: "RIID",
                value: 0,
                ..
            }
        ));
        for bad in [
            "ff4e:140:2001:db8::1",
            "ff7e:100:2001:db8::1",
            "ff7e:141:2001:db8::1",
            "ff7e:40:2001:db8::1",
        ] {
            assert_eq!(p(bad).kind(), Ipv6MulticastKind::Malformed, "{bad}");
        }
        // The high (reserved) nibble of the RIID byte is ignored (RFC 7371 gives it new uses).
        assert_eq!(
            p("ff7e:f140:2001:db8::1")
                .embedded_rp()
                .unwrap()
                .rp_address(),
            a("2001:db8::1")
        );
        // Building: the RP must be <prefix>::<RIID>.
        assert!(EmbeddedRp::new(Scope::Global, a("2001:db8::1:1"), 64, 1).is_err());
        assert!(EmbeddedRp::new(Scope::Global, a("2001:db8::10"), 64, 1).is_err());
        assert!(EmbeddedRp::new(Scope::Global, a("2001:db8::"), 64, 1).is_err());
        assert!(EmbeddedRp::new(Scope::Global, a("2001:db8::1"), 0, 1).is_err());
        assert!(EmbeddedRp::new(Scope::Global, a("2001:db8::1"), 65, 1).is_err());
        assert!(EmbeddedRp::new(Scope::Global, a("2001:db8::1"), 32, 1).is_ok());
        assert!(
            EmbeddedRp::new(Scope::Global, a("2001:db8::1"), 1, 1).is_err(),
            "bits past plen"
        );
        assert!(EmbeddedRp::new(Scope::Global, a("8000::1"), 1, 1).is_ok());
    }

    proptest::proptest! {
        #[test]
        fn unicast_prefix_based_round_trip(scope in 0u8..16, prefix: u128, len in 1u8..=64, group: u32) {
            let fields = UnicastPrefixBased::new(Scope::from_nibble(scope), Ipv6Addr::from_bits(prefix), len, group).unwrap();
            let addr = fields.to_multicast();
            proptest::prop_assert_eq!(addr.unicast_prefix_based(), Ok(fields));
            proptest::prop_assert_eq!(addr.kind(), Ipv6MulticastKind::UnicastPrefixBased);
            proptest::prop_assert_eq!(addr.scope(), Scope::from_nibble(scope));
        }

        #[test]
        fn embedded_rp_round_trip(scope in 0u8..16, prefix: u128, len in 1u8..=64, riid in 1u8..16, group: u32) {
            let rp = Ipv6Addr::from_bits(mask_prefix(Ipv6Addr::from_bits(prefix), len).to_bits() | u128::from(riid));
            let fields = EmbeddedRp::new(Scope::from_nibble(scope), rp, len, group).unwrap();
            proptest::prop_assert_eq!(fields.rp_address(), rp);
            let addr = fields.to_multicast();
            proptest::prop_assert_eq!(addr.embedded_rp(), Ok(fields));
            proptest::prop_assert_eq!(addr.kind(), Ipv6MulticastKind::EmbeddedRp);
            // An embedded-RP address is unicast-prefix-based too.
            let ubp = addr.unicast_prefix_based().unwrap();
            proptest::prop_assert_eq!(ubp.prefix(), fields.rp_prefix());
        }

        #[test]
        fn any_address_parses_without_panic(bits: u128) {
            let addr = Ipv6MulticastAddr::from_octets({ let mut o = bits.to_be_bytes(); o[0] = 0xff; o }).unwrap();
            let _ = addr.kind();
            if let Ok(rp) = addr.embedded_rp() {
                proptest::prop_assert!(rp.riid() != 0 && (1..=64).contains(&rp.prefix_len()));
            }
            proptest::prop_assert_eq!(Ipv6MulticastAddr::from_parts(addr.flags(), addr.scope(), addr.group_id()), addr);
        }

        #[test]
        fn solicited_node_keeps_low_24_bits(bits: u128) {
            let g = Ipv6MulticastAddr::solicited_node(Ipv6Addr::from_bits(bits));
            proptest::prop_assert!(g.is_solicited_node());
            proptest::prop_assert_eq!(g.to_bits() & 0xFF_FFFF, bits & 0xFF_FFFF);
        }
    }
}
