//! Neighbors 2 (Code 6): the answer to Ask Neighbors 2 (Code 5), what `mrinfo` prints.
//!
//! The draft lists the codes (draft-ietf-idmr-dvmrp-v3-11 §3.1, Table 1); the layout is
//! mrouted's, which every implementation follows: for each interface, the Local Address (4
//! bytes), Metric, Threshold, Flags, Neighbor Count (one byte each), then that many neighbor
//! addresses.

use core::fmt;
use core::net::Ipv4Addr;

use zerocopy::{FromBytes, IntoBytes};

use crate::DvmrpError;
use crate::wire::HEADER_LEN;

bitflags::bitflags! {
    /// The Flags byte of an interface in a Neighbors 2 message (mrouted's `DVMRP_NF_*`).
    /// Unknown bits are kept.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
    #[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
    #[cfg_attr(feature = "arbitrary", derive(arbitrary::Arbitrary))]
    pub struct InterfaceFlags: u8 {
        /// Tunnel: the neighbors are reached through a tunnel.
        const TUNNEL = 0x01;
        /// Source route: the tunnel uses IP source routing.
        const SOURCE_ROUTE = 0x02;
        /// PIM: the neighbor is a PIM neighbor.
        const PIM = 0x04;
        /// Down: the interface is down.
        const DOWN = 0x10;
        /// Disabled: the interface is administratively disabled.
        const DISABLED = 0x20;
        /// Querier: this router is the IGMP querier of the subnet.
        const QUERIER = 0x40;
        /// Leaf: the neighbor reports that it is a leaf.
        const LEAF = 0x80;
        // Bit 0x08 is not assigned; it is data too.
        const _ = !0;
    }
}

impl fmt::Display for InterfaceFlags {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        const NAMES: [(InterfaceFlags, &str); 7] = [
            (InterfaceFlags::TUNNEL, "tunnel"),
            (InterfaceFlags::SOURCE_ROUTE, "srcrt"),
            (InterfaceFlags::PIM, "pim"),
            (InterfaceFlags::DOWN, "down"),
            (InterfaceFlags::DISABLED, "disabled"),
            (InterfaceFlags::QUERIER, "querier"),
            (InterfaceFlags::LEAF, "leaf"),
        ];
        for (flag, name) in NAMES {
            if self.contains(flag) {
                write!(f, "/{name}")?;
            }
        }
        if self.bits() & 0x08 != 0 {
            f.write_str("/0x08")?;
        }
        Ok(())
    }
}

/// One interface of a Neighbors 2 message, with the neighbors reached through it. An
/// interface with no neighbors is an interface all the same, and is kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Interface<'a> {
    /// Local Address: the router's address on the interface (the tunnel's near end).
    pub local_address: Ipv4Addr,
    /// Metric: the cost of the interface.
    pub metric: u8,
    /// Threshold: the TTL a packet needs to be forwarded out of the interface.
    pub threshold: u8,
    /// Flags.
    pub flags: InterfaceFlags,
    /// The neighbor addresses as their octets on the wire (at most 255); see
    /// [`Interface::neighbor_addresses`].
    pub neighbors: &'a [[u8; 4]],
}

impl<'a> Interface<'a> {
    /// The neighbors as addresses.
    #[must_use]
    pub fn neighbor_addresses(&self) -> impl ExactSizeIterator<Item = Ipv4Addr> + 'a {
        self.neighbors.iter().map(|octets| Ipv4Addr::from(*octets))
    }

    /// Bytes this interface takes: 8 and 4 per neighbor (saturating).
    #[must_use]
    pub fn buffer_len(&self) -> usize {
        8usize.saturating_add(self.neighbors.as_bytes().len())
    }

    /// Reads the interface at the front of `data` (which starts at message offset `offset`).
    fn parse(data: &'a [u8], offset: usize) -> Result<(Self, &'a [u8]), DvmrpError> {
        let Some((&[a, b, c, d, metric, threshold, flags, count], rest)) =
            data.split_first_chunk::<8>()
        else {
            const FIELDS: [&str; 8] = [
                "local address",
                "local address",
                "local address",
                "local address",
                "metric",
                "threshold",
                "flags",
                "neighbor count",
            ];
            return Err(DvmrpError::Truncated {
                field: FIELDS.get(data.len()).copied().unwrap_or("interface"),
                offset: offset.saturating_add(data.len()),
                needed: 8usize.saturating_sub(data.len()),
                available: 0,
            });
        };
        let count = usize::from(count);
        let (neighbors, rest) =
            <[[u8; 4]]>::ref_from_prefix_with_elems(rest, count).map_err(|_| {
                DvmrpError::Truncated {
                    field: "neighbor address",
                    offset: offset.saturating_add(8),
                    needed: count.saturating_mul(4),
                    available: rest.len(),
                }
            })?;
        let interface = Self {
            local_address: Ipv4Addr::new(a, b, c, d),
            metric,
            threshold,
            flags: InterfaceFlags::from_bits_retain(flags),
            neighbors,
        };
        Ok((interface, rest))
    }

    /// Writes the interface at the front of `buf`, returning the bytes written.
    fn emit(&self, buf: &mut [u8]) -> Result<usize, DvmrpError> {
        let count = u8::try_from(self.neighbors.len()).map_err(|_| DvmrpError::Invalid {
            field: "neighbor count",
            offset: 0,
            reason: "more than 255 neighbors on one interface",
        })?;
        let length = self.buffer_len();
        let available = buf.len();
        let out = buf.get_mut(..length).ok_or(DvmrpError::BufferTooSmall {
            needed: length,
            available,
        })?;
        let (fixed, neighbors) = out
            .split_at_mut_checked(8)
            .ok_or(DvmrpError::BufferTooSmall {
                needed: length,
                available,
            })?;
        let [a, b, c, d] = self.local_address.octets();
        fixed.copy_from_slice(&[
            a,
            b,
            c,
            d,
            self.metric,
            self.threshold,
            self.flags.bits(),
            count,
        ]);
        crate::wire::copy(self.neighbors.as_bytes(), neighbors)?;
        Ok(length)
    }
}

impl fmt::Display for Interface<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "[{} ({}/{}{})",
            self.local_address, self.metric, self.threshold, self.flags
        )?;
        for (i, neighbor) in self.neighbor_addresses().enumerate() {
            f.write_str(if i == 0 { " -> " } else { ", " })?;
            write!(f, "{neighbor}")?;
        }
        f.write_str("]")
    }
}

/// The interface list of a Neighbors 2 message, validated when parsed so that iterating it
/// cannot fail.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Neighbors2<'a> {
    bytes: &'a [u8],
}

impl<'a> Neighbors2<'a> {
    pub(crate) fn parse(body: &'a [u8]) -> Result<Self, DvmrpError> {
        let mut rest = body;
        while !rest.is_empty() {
            let offset = HEADER_LEN.saturating_add(body.len().saturating_sub(rest.len()));
            rest = Interface::parse(rest, offset)?.1;
        }
        Ok(Self { bytes: body })
    }

    /// Encodes `interfaces` into the front of `buf` and returns the list over those bytes,
    /// ready to be sent as [`crate::wire::Body::Neighbors2`].
    ///
    /// # Errors
    /// [`DvmrpError::BufferTooSmall`] if `buf` is too short; [`DvmrpError::Invalid`] for an
    /// interface with more than 255 neighbors.
    pub fn encode<'b>(
        interfaces: &[Interface<'_>],
        buf: &'b mut [u8],
    ) -> Result<Neighbors2<'b>, DvmrpError> {
        let mut length = 0usize;
        for interface in interfaces {
            let rest = buf.get_mut(length..).unwrap_or_default();
            length = length.saturating_add(interface.emit(rest)?);
        }
        let bytes: &'b [u8] = buf.get(..length).unwrap_or_default();
        Ok(Neighbors2 { bytes })
    }

    /// The interfaces, in message order.
    #[must_use]
    pub const fn interfaces(&self) -> Interfaces<'a> {
        Interfaces { rest: self.bytes }
    }

    /// The encoded interface list.
    #[must_use]
    pub const fn as_bytes(&self) -> &'a [u8] {
        self.bytes
    }
}

impl fmt::Display for Neighbors2<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("interfaces:")?;
        for interface in self.interfaces() {
            write!(f, " {interface}")?;
        }
        Ok(())
    }
}

/// Iterator over the interfaces of a [`Neighbors2`] message.
#[derive(Debug, Clone)]
pub struct Interfaces<'a> {
    rest: &'a [u8],
}

impl<'a> Iterator for Interfaces<'a> {
    type Item = Interface<'a>;

    fn next(&mut self) -> Option<Interface<'a>> {
        if self.rest.is_empty() {
            return None;
        }
        // The list was validated when parsed: this cannot fail.
        let (interface, rest) = Interface::parse(self.rest, 0).ok()?;
        self.rest = rest;
        Some(interface)
    }
}
