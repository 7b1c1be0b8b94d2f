//! Address prefixes of either family, and the longest-prefix-match table behind the MRIB and
//! the group-to-RP mapping.

use alloc::collections::BTreeMap;
#[cfg(test)]
use alloc::string::ToString;
use alloc::vec::Vec;
use core::fmt;

use mcast_addr::family::IpFamily;

/// The bits of an address as an integer: network order, the first octet most significant, so
/// that comparisons and masks are those of the wire form in both families (RFC 7761 §4.7.2
/// compares addresses this way).
#[must_use]
pub fn addr_bits<F: IpFamily>(addr: F::Addr) -> u128 {
    F::to_octets(addr)
        .as_ref()
        .iter()
        .fold(0u128, |acc, b| acc.wrapping_shl(8) | u128::from(*b))
}

/// The address whose bits are `bits` (the low [`IpFamily::ADDR_LEN`] octets).
#[must_use]
pub fn addr_from_bits<F: IpFamily>(bits: u128) -> F::Addr {
    let mut octets = F::Octets::default();
    let all = bits.to_be_bytes();
    let skip = all.len().saturating_sub(F::ADDR_LEN);
    for (o, b) in octets.as_mut().iter_mut().zip(all.iter().skip(skip)) {
        *o = *b;
    }
    F::from_octets(octets)
}

/// Width of an address of the family in bits.
#[must_use]
pub const fn width<F: IpFamily>() -> u8 {
    (F::ADDR_LEN as u8).saturating_mul(8)
}

/// The mask of the first `len` bits of an address of the family, as [`addr_bits`] lays them.
#[must_use]
pub fn mask<F: IpFamily>(len: u8) -> u128 {
    let w = u32::from(width::<F>());
    let len = u32::from(len).min(w);
    if len == 0 {
        return 0;
    }
    let ones = u128::MAX
        .checked_shr(128u32.saturating_sub(len))
        .unwrap_or(0);
    ones.checked_shl(w.saturating_sub(len)).unwrap_or(0)
}

/// An address prefix: `address/len`, host bits cleared.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(bound = "F: crate::SerdeFamily")
)]
pub struct Prefix<F: IpFamily> {
    address: F::Addr,
    len: u8,
}

impl<F: IpFamily> Prefix<F> {
    /// `address/len`, with the bits past `len` cleared and `len` capped at the address width.
    #[must_use]
    pub fn new(address: F::Addr, len: u8) -> Self {
        let len = len.min(width::<F>());
        Self {
            address: addr_from_bits::<F>(addr_bits::<F>(address) & mask::<F>(len)),
            len,
        }
    }

    /// The prefix of one address (`/32` or `/128`).
    #[must_use]
    pub fn host(address: F::Addr) -> Self {
        Self::new(address, width::<F>())
    }

    /// The default SSM range: 232.0.0.0/8 (RFC 4607 §1) or ff30::/12, which holds every
    /// ff3x::/32 (RFC 4607 §1, RFC 3306 §6).
    #[must_use]
    pub fn default_ssm() -> Self {
        if F::VERSION == 4 {
            Self::new(addr_from_bits::<F>(0xE800_0000), 8)
        } else {
            Self::new(addr_from_bits::<F>(0xFF30_u128 << 112), 12)
        }
    }

    /// The whole multicast range of the family: 224.0.0.0/4 or ff00::/8.
    #[must_use]
    pub fn all_groups() -> Self {
        if F::VERSION == 4 {
            Self::new(addr_from_bits::<F>(0xE000_0000), 4)
        } else {
            Self::new(addr_from_bits::<F>(0xFF_u128 << 120), 8)
        }
    }

    /// The first address.
    #[must_use]
    pub fn address(&self) -> F::Addr {
        self.address
    }

    /// The prefix length.
    #[must_use]
    pub fn len(&self) -> u8 {
        self.len
    }

    /// Whether this is the zero-length prefix that holds every address.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Whether `addr` lies in the prefix.
    #[must_use]
    pub fn contains(&self, addr: F::Addr) -> bool {
        addr_bits::<F>(addr) & mask::<F>(self.len) == addr_bits::<F>(self.address)
    }
}

impl<F: IpFamily> fmt::Debug for Prefix<F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.address, self.len)
    }
}

impl<F: IpFamily> fmt::Display for Prefix<F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.address, self.len)
    }
}

/// A longest-prefix-match table: one map per prefix length in use, searched from the longest.
/// A lookup costs one map probe per distinct length present (a handful in practice).
#[derive(Debug, Clone)]
pub struct PrefixMap<F: IpFamily, V> {
    /// (length, masked bits) → value.
    entries: BTreeMap<(u8, u128), V>,
    /// How many entries each length has (lengths in use, longest last).
    lengths: BTreeMap<u8, usize>,
    _family: core::marker::PhantomData<F>,
}

impl<F: IpFamily, V> Default for PrefixMap<F, V> {
    fn default() -> Self {
        Self {
            entries: BTreeMap::new(),
            lengths: BTreeMap::new(),
            _family: core::marker::PhantomData,
        }
    }
}

impl<F: IpFamily, V> PrefixMap<F, V> {
    /// Sets the value of `prefix`; returns the one it replaced.
    pub fn insert(&mut self, prefix: Prefix<F>, value: V) -> Option<V> {
        let key = (prefix.len, addr_bits::<F>(prefix.address));
        let old = self.entries.insert(key, value);
        if old.is_none() {
            let n = self.lengths.entry(prefix.len).or_insert(0);
            *n = n.saturating_add(1);
        }
        old
    }

    /// Removes `prefix`; returns its value.
    pub fn remove(&mut self, prefix: &Prefix<F>) -> Option<V> {
        let old = self
            .entries
            .remove(&(prefix.len, addr_bits::<F>(prefix.address)))?;
        if let Some(n) = self.lengths.get_mut(&prefix.len) {
            *n = n.saturating_sub(1);
            if *n == 0 {
                self.lengths.remove(&prefix.len);
            }
        }
        Some(old)
    }

    /// The value of exactly `prefix`.
    #[must_use]
    pub fn get(&self, prefix: &Prefix<F>) -> Option<&V> {
        self.entries
            .get(&(prefix.len, addr_bits::<F>(prefix.address)))
    }

    /// The longest prefix holding `addr`, and its value.
    #[must_use]
    pub fn longest_match(&self, addr: F::Addr) -> Option<(Prefix<F>, &V)> {
        let bits = addr_bits::<F>(addr);
        self.lengths.keys().rev().find_map(|&len| {
            let masked = bits & mask::<F>(len);
            self.entries.get(&(len, masked)).map(|v| {
                (
                    Prefix {
                        address: addr_from_bits::<F>(masked),
                        len,
                    },
                    v,
                )
            })
        })
    }

    /// Every prefix holding `addr`, longest first.
    pub fn matches(&self, addr: F::Addr) -> impl Iterator<Item = (Prefix<F>, &V)> + '_ {
        let bits = addr_bits::<F>(addr);
        self.lengths.keys().rev().filter_map(move |&len| {
            let masked = bits & mask::<F>(len);
            self.entries.get(&(len, masked)).map(|v| {
                (
                    Prefix {
                        address: addr_from_bits::<F>(masked),
                        len,
                    },
                    v,
                )
            })
        })
    }

    /// Every entry, by length and then address.
    pub fn iter(&self) -> impl Iterator<Item = (Prefix<F>, &V)> + '_ {
        self.entries.iter().map(|(&(len, bits), v)| {
            (
                Prefix {
                    address: addr_from_bits::<F>(bits),
                    len,
                },
                v,
            )
        })
    }

    /// Number of prefixes.
    #[must_use]
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether the table is empty.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The prefixes, for tests and display.
    #[must_use]
    pub fn prefixes(&self) -> Vec<Prefix<F>> {
        self.iter().map(|(p, _)| p).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use core::net::{Ipv4Addr, Ipv6Addr};
    use mcast_addr::family::{Ipv4, Ipv6};

    fn v4(s: &str) -> Ipv4Addr {
        s.parse().unwrap()
    }

    #[test]
    fn masks_and_contains() {
        let p = Prefix::<Ipv4>::new(v4("10.1.2.3"), 16);
        assert_eq!(p.address(), v4("10.1.0.0"));
        assert!(p.contains(v4("10.1.255.1")));
        assert!(!p.contains(v4("10.2.0.1")));
        assert!(Prefix::<Ipv4>::new(v4("1.2.3.4"), 0).contains(v4("200.0.0.1")));
        assert_eq!(Prefix::<Ipv4>::new(v4("1.2.3.4"), 99).len(), 32);
        assert!(Prefix::<Ipv4>::default_ssm().contains(v4("232.9.9.9")));
        assert!(!Prefix::<Ipv4>::default_ssm().contains(v4("233.0.0.1")));
        let ssm6 = Prefix::<Ipv6>::default_ssm();
        assert!(ssm6.contains("ff3e::1234".parse::<Ipv6Addr>().unwrap()));
        assert!(ssm6.contains("ff35::1".parse::<Ipv6Addr>().unwrap()));
        assert!(!ssm6.contains("ff0e::1".parse::<Ipv6Addr>().unwrap()));
        let p6 = Prefix::<Ipv6>::new("2001:db8::1".parse().unwrap(), 33);
        assert_eq!(p6.to_string(), "2001:db8::/33");
    }

    #[test]
    fn longest_match_wins() {
        let mut m = PrefixMap::<Ipv4, u8>::default();
        m.insert(Prefix::new(v4("0.0.0.0"), 0), 0);
        m.insert(Prefix::new(v4("10.0.0.0"), 8), 8);
        m.insert(Prefix::new(v4("10.1.0.0"), 16), 16);
        assert_eq!(m.longest_match(v4("10.1.2.3")).map(|(_, v)| *v), Some(16));
        assert_eq!(m.longest_match(v4("10.2.2.3")).map(|(_, v)| *v), Some(8));
        assert_eq!(m.longest_match(v4("11.0.0.1")).map(|(_, v)| *v), Some(0));
        assert_eq!(
            m.matches(v4("10.1.0.1"))
                .map(|(_, v)| *v)
                .collect::<Vec<_>>(),
            [16, 8, 0]
        );
        assert_eq!(m.remove(&Prefix::new(v4("10.1.9.9"), 16)), Some(16));
        assert_eq!(m.longest_match(v4("10.1.2.3")).map(|(_, v)| *v), Some(8));
        assert_eq!(m.len(), 2);
    }
}
