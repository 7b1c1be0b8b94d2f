//! The Probe message (Code 1, draft-ietf-idmr-dvmrp-v3-11 §3.2).

use core::fmt;
use core::net::Ipv4Addr;

use zerocopy::{FromBytes, IntoBytes};

use crate::DvmrpError;
use crate::wire::HEADER_LEN;

/// A Probe (draft-ietf-idmr-dvmrp-v3-11 §3.2): sent every Probe interval on every interface to
/// find neighbors, carrying the sender's Generation ID and the neighbors it has heard.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Probe<'a> {
    /// Generation ID (§3.2): changes whenever the router restarts, so neighbors resend routes.
    pub generation_id: u32,
    /// Neighbor Address(es) (§3.2): the neighbors this router has heard Probes from on the
    /// interface, as their four address octets on the wire; [`Probe::neighbor_addresses`]
    /// reads them as addresses.
    pub neighbors: &'a [[u8; 4]],
}

impl<'a> Probe<'a> {
    pub(crate) fn parse(body: &'a [u8]) -> Result<Self, DvmrpError> {
        let (generation_id, rest) =
            <[u8; 4]>::read_from_prefix(body).map_err(|_| DvmrpError::Truncated {
                field: "generation ID",
                offset: HEADER_LEN,
                needed: 4,
                available: body.len(),
            })?;
        let count = rest.len() / 4;
        let (neighbors, partial) =
            <[[u8; 4]]>::ref_from_prefix_with_elems(rest, count).map_err(|_| {
                DvmrpError::Truncated {
                    field: "neighbor address",
                    offset: HEADER_LEN + 4,
                    needed: rest.len(),
                    available: rest.len(),
                }
            })?;
        if !partial.is_empty() {
            return Err(DvmrpError::Truncated {
                field: "neighbor address",
                offset: (HEADER_LEN + 4).saturating_add(neighbors.as_bytes().len()),
                needed: 4,
                available: partial.len(),
            });
        }
        Ok(Self {
            generation_id: u32::from_be_bytes(generation_id),
            neighbors,
        })
    }

    /// The neighbors as addresses.
    #[must_use]
    pub fn neighbor_addresses(&self) -> impl ExactSizeIterator<Item = Ipv4Addr> + 'a {
        self.neighbors.iter().map(|octets| Ipv4Addr::from(*octets))
    }

    pub(crate) fn buffer_len(&self) -> usize {
        4usize.saturating_add(self.neighbors.as_bytes().len())
    }

    pub(crate) fn emit(&self, buf: &mut [u8]) -> Result<(), DvmrpError> {
        let too_small = DvmrpError::BufferTooSmall {
            needed: self.buffer_len(),
            available: buf.len(),
        };
        let (generation_id, neighbors) = buf.split_at_mut_checked(4).ok_or(too_small)?;
        generation_id.copy_from_slice(&self.generation_id.to_be_bytes());
        crate::wire::copy(self.neighbors.as_bytes(), neighbors)
    }
}

impl fmt::Display for Probe<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "generation ID {}", self.generation_id)?;
        for (i, neighbor) in self.neighbor_addresses().enumerate() {
            f.write_str(if i == 0 { ", neighbors " } else { ", " })?;
            write!(f, "{neighbor}")?;
        }
        Ok(())
    }
}
