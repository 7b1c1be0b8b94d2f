//! The Report message (Code 2, draft-ietf-idmr-dvmrp-v3-11 §3.3): routes to sources, packed.
//!
//! The body is a sequence of blocks. A block starts with the low three octets of a netmask
//! (the first is always 255 and not sent), then lists sources under that mask: each source
//! takes 1 to 4 bytes (as many as the mask has non-zero octets, the implied first one
//! included), followed by a metric byte whose high bit ends the block. A mask of three zero
//! octets with a one-byte source of 0 is the default route, 0.0.0.0/0 (§3.3).

use core::fmt;
use core::net::Ipv4Addr;

use crate::DvmrpError;
use crate::wire::{HEADER_LEN, Header, IGMP_TYPE};

/// The high bit of a metric byte: the last route of a block.
const END_OF_BLOCK: u8 = 0x80;

/// A route metric (draft-ietf-idmr-dvmrp-v3-11 §3.3): 1 to 31 is a distance, 32 is infinity
/// (unreachable), and 33 to 63 is a route poisoned in reverse (the distance plus infinity,
/// telling the upstream router that the sender depends on it). Values above 63 are not
/// metrics.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(try_from = "u8", into = "u8"))]
pub struct Metric(u8);

impl TryFrom<u8> for Metric {
    type Error = DvmrpError;

    fn try_from(value: u8) -> Result<Self, DvmrpError> {
        Self::new(value).ok_or(DvmrpError::Invalid {
            field: "metric",
            offset: 0,
            reason: "above 63 (infinity plus 31)",
        })
    }
}

impl From<Metric> for u8 {
    fn from(metric: Metric) -> Self {
        metric.0
    }
}

impl Metric {
    /// Infinity: the source is unreachable (§3.3).
    pub const INFINITY: Self = Self(32);
    /// The largest metric: infinity − 1 poisoned in reverse (§3.3).
    pub const MAX: Self = Self(63);

    /// The metric `value`, if it is 63 or less.
    #[must_use]
    pub const fn new(value: u8) -> Option<Self> {
        if value <= Self::MAX.0 {
            Some(Self(value))
        } else {
            None
        }
    }

    /// The value, 0 to 63.
    #[must_use]
    pub const fn value(self) -> u8 {
        self.0
    }

    /// Whether the source is reachable at this distance (below 32).
    #[must_use]
    pub const fn is_reachable(self) -> bool {
        self.0 < Self::INFINITY.0
    }

    /// Whether this is infinity (32).
    #[must_use]
    pub const fn is_infinity(self) -> bool {
        self.0 == Self::INFINITY.0
    }

    /// Whether this is a poison-reverse metric (33 to 63).
    #[must_use]
    pub const fn is_poison_reverse(self) -> bool {
        self.0 > Self::INFINITY.0
    }

    /// The metric poisoned in reverse: a reachable metric plus infinity; others unchanged.
    #[must_use]
    pub const fn poison_reversed(self) -> Self {
        if self.0 > 0 && self.is_reachable() {
            Self(self.0.saturating_add(Self::INFINITY.0))
        } else {
            self
        }
    }

    /// The distance a poison-reverse metric carries (the metric minus infinity), if it is one.
    #[must_use]
    pub const fn poisoned_distance(self) -> Option<u8> {
        if self.is_poison_reverse() {
            Some(self.0.saturating_sub(Self::INFINITY.0))
        } else {
            None
        }
    }
}

#[cfg(feature = "arbitrary")]
impl<'a> arbitrary::Arbitrary<'a> for Metric {
    fn arbitrary(u: &mut arbitrary::Unstructured<'a>) -> arbitrary::Result<Self> {
        Ok(Self(u.int_in_range(0..=Self::MAX.0)?))
    }
}

impl fmt::Display for Metric {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.poisoned_distance() {
            _ if self.is_infinity() => f.write_str("32 (infinity)"),
            Some(distance) => write!(f, "{} (poison reverse of {distance})", self.0),
            None => write!(f, "{}", self.0),
        }
    }
}

/// The low three octets of a netmask as a Report carries them.
fn mask_octets(prefix_len: u8) -> [u8; 3] {
    let mask = u32::MAX
        .checked_shl(32u32.saturating_sub(u32::from(prefix_len)))
        .unwrap_or(0);
    let [_, b, c, d] = mask.to_be_bytes();
    [b, c, d]
}

/// How many source octets a block with mask octets `mask` sends (§3.3).
fn source_width(mask: [u8; 3]) -> usize {
    match mask {
        [_, _, d] if d != 0 => 4,
        [_, c, _] if c != 0 => 3,
        [b, _, _] if b != 0 => 2,
        _ => 1,
    }
}

/// One route of a Report: a source network, its prefix length and its metric.
///
/// Only what a Report can carry is a `Route` (see [`Route::new`]), so every route survives a
/// trip through a Report unchanged.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Route {
    source: Ipv4Addr,
    prefix_len: u8,
    metric: Metric,
}

impl Route {
    /// A route to `source`/`prefix_len` at `metric`.
    ///
    /// # Errors
    /// [`DvmrpError::Invalid`] when a Report cannot carry the route: a prefix length of 1 to 7
    /// or above 32 (the mask's first octet is always 255, except for the default route), a
    /// default route whose source is not 0.0.0.0, 0.0.0.0/8 (which reads back as the default
    /// route), or non-zero source octets past those the mask sends.
    pub fn new(source: Ipv4Addr, prefix_len: u8, metric: Metric) -> Result<Self, DvmrpError> {
        let invalid = |reason| DvmrpError::Invalid {
            field: "source network",
            offset: 0,
            reason,
        };
        match prefix_len {
            0 if source.is_unspecified() => {}
            0 => return Err(invalid("the default route's source must be 0.0.0.0")),
            1..=7 => return Err(invalid("a report's netmask has 255 as its first octet")),
            8 if source.octets()[0] == 0 => {
                return Err(invalid(
                    "0.0.0.0/8 is indistinguishable from the default route",
                ));
            }
            8..=32 => {
                let width = source_width(mask_octets(prefix_len));
                if source.octets().iter().skip(width).any(|&b| b != 0) {
                    return Err(invalid(
                        "the source has octets past the ones its mask sends",
                    ));
                }
            }
            _ => return Err(invalid("prefix length above 32")),
        }
        Ok(Self {
            source,
            prefix_len,
            metric,
        })
    }

    /// The default route, 0.0.0.0/0 (§3.3).
    #[must_use]
    pub const fn default_route(metric: Metric) -> Self {
        Self {
            source: Ipv4Addr::UNSPECIFIED,
            prefix_len: 0,
            metric,
        }
    }

    /// Source network.
    #[must_use]
    pub const fn source(&self) -> Ipv4Addr {
        self.source
    }

    /// Prefix length of the source network mask: 0 (default route) or 8 to 32.
    #[must_use]
    pub const fn prefix_len(&self) -> u8 {
        self.prefix_len
    }

    /// Source network mask.
    #[must_use]
    pub fn netmask(&self) -> Ipv4Addr {
        let [b, c, d] = mask_octets(self.prefix_len);
        let a = if self.prefix_len == 0 { 0 } else { 255 };
        Ipv4Addr::new(a, b, c, d)
    }

    /// Metric.
    #[must_use]
    pub const fn metric(&self) -> Metric {
        self.metric
    }

    /// Whether this is the default route.
    #[must_use]
    pub const fn is_default_route(&self) -> bool {
        self.prefix_len == 0
    }

    /// The mask octets of the block this route goes in.
    fn mask(self) -> [u8; 3] {
        mask_octets(self.prefix_len)
    }

    /// Bytes this route takes inside its block: the source octets and the metric.
    fn entry_len(self) -> usize {
        source_width(self.mask()).saturating_add(1)
    }
}

impl fmt::Display for Route {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}/{} metric {}",
            self.source, self.prefix_len, self.metric
        )
    }
}

/// Reads the route at `pos` of `data`. `block` is the mask of the block being read, if the
/// previous metric did not end it. `data` starts at message offset [`HEADER_LEN`].
/// A route read by [`read_route`], with where the next one starts and the open block's mask.
type NextRoute = Option<(Route, usize, Option<[u8; 3]>)>;

fn read_route(data: &[u8], pos: usize, block: Option<[u8; 3]>) -> Result<NextRoute, DvmrpError> {
    let offset = |at: usize| HEADER_LEN.saturating_add(at);
    let (mask, pos) = if let Some(mask) = block {
        if pos >= data.len() {
            return Err(DvmrpError::Invalid {
                field: "metric",
                offset: offset(pos.saturating_sub(1)),
                reason: "the report ends before a metric with the end-of-block bit",
            });
        }
        (mask, pos)
    } else {
        if pos >= data.len() {
            return Ok(None);
        }
        let rest = data.get(pos..).unwrap_or_default();
        let Some((&mask, _)) = rest.split_first_chunk::<3>() else {
            return Err(DvmrpError::Truncated {
                field: "source mask",
                offset: offset(pos),
                needed: 3,
                available: rest.len(),
            });
        };
        let full = u32::from_be_bytes([0xFF, mask[0], mask[1], mask[2]]);
        if full.leading_ones().saturating_add(full.trailing_zeros()) != 32 {
            return Err(DvmrpError::Invalid {
                field: "source mask",
                offset: offset(pos),
                reason: "not a contiguous netmask",
            });
        }
        (mask, pos.saturating_add(3))
    };
    let width = source_width(mask);
    let rest = data.get(pos..).unwrap_or_default();
    let Some((source_octets, rest)) = rest.split_at_checked(width) else {
        return Err(DvmrpError::Truncated {
            field: "source network",
            offset: offset(pos),
            needed: width,
            available: rest.len(),
        });
    };
    let Some(&metric_byte) = rest.first() else {
        return Err(DvmrpError::Truncated {
            field: "metric",
            offset: offset(pos.saturating_add(width)),
            needed: 1,
            available: 0,
        });
    };
    let Some(metric) = Metric::new(metric_byte & !END_OF_BLOCK) else {
        return Err(DvmrpError::Invalid {
            field: "metric",
            offset: offset(pos.saturating_add(width)),
            reason: "above 63 (infinity plus 31)",
        });
    };
    let mut octets = [0u8; 4];
    for (dst, src) in octets.iter_mut().zip(source_octets) {
        *dst = *src;
    }
    let full = u32::from_be_bytes([0xFF, mask[0], mask[1], mask[2]]);
    let prefix_len = if mask == [0; 3] && octets[0] == 0 {
        0
    } else {
        full.leading_ones() as u8
    };
    let route = Route {
        source: Ipv4Addr::from(octets),
        prefix_len,
        metric,
    };
    let next = pos.saturating_add(width).saturating_add(1);
    let block = if metric_byte & END_OF_BLOCK == 0 {
        Some(mask)
    } else {
        None
    };
    Ok(Some((route, next, block)))
}

/// The route blocks of a Report, validated when parsed so that iterating them cannot fail.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Report<'a> {
    bytes: &'a [u8],
}

impl<'a> Report<'a> {
    pub(crate) fn parse(body: &'a [u8]) -> Result<Self, DvmrpError> {
        let (mut pos, mut block) = (0, None);
        while let Some((_, next, next_block)) = read_route(body, pos, block)? {
            (pos, block) = (next, next_block);
        }
        Ok(Self { bytes: body })
    }

    /// The routes, in message order.
    #[must_use]
    pub const fn routes(&self) -> Routes<'a> {
        Routes {
            data: self.bytes,
            pos: 0,
            block: None,
        }
    }

    /// The encoded route blocks.
    #[must_use]
    pub const fn as_bytes(&self) -> &'a [u8] {
        self.bytes
    }
}

impl fmt::Display for Report<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("routes:")?;
        for (i, route) in self.routes().enumerate() {
            f.write_str(if i == 0 { " " } else { ", " })?;
            write!(f, "{route}")?;
        }
        Ok(())
    }
}

/// Iterator over the routes of a [`Report`], allocation-free.
#[derive(Debug, Clone)]
pub struct Routes<'a> {
    data: &'a [u8],
    pos: usize,
    block: Option<[u8; 3]>,
}

impl Iterator for Routes<'_> {
    type Item = Route;

    fn next(&mut self) -> Option<Route> {
        // Validated when parsed: an error cannot occur here, and would end the iteration.
        let (route, pos, block) = read_route(self.data, self.pos, self.block).ok()??;
        (self.pos, self.block) = (pos, block);
        Some(route)
    }
}

/// Packs a route table into Report messages no larger than an MTU (§3.3).
///
/// Routes go out in the order given, consecutive routes with the same mask sharing a block; a
/// block left open at the end of a message is closed and reopened in the next (mrouted sorts
/// by mask, then by source, which packs best). Each message is an IPv4 packet of at most `mtu`
/// bytes with a 20-byte header (no options), so a Report body holds `mtu - 28` bytes; an MTU
/// above 65,535 counts as 65,535.
///
/// ```
/// use core::net::Ipv4Addr;
/// use mcast_dvmrp::wire::{ChecksumPolicy, Body, Message, Metric, ReportBuilder, Route};
///
/// let metric = Metric::new(2).unwrap();
/// let routes: Vec<Route> = (0..100)
///     .map(|i| Route::new(Ipv4Addr::new(10, i, 0, 0), 16, metric).unwrap())
///     .collect();
/// let mut builder = ReportBuilder::new(&routes, 576)?;
/// let mut buf = [0u8; 576];
/// let mut seen = Vec::new();
/// while let Some(len) = builder.emit_next(&mut buf)? {
///     assert!(len + 20 <= 576);
///     let message = Message::parse(&buf[..len], ChecksumPolicy::Verify)?;
///     let Body::Report(report) = message.body else { unreachable!() };
///     seen.extend(report.routes());
/// }
/// assert_eq!(seen, routes);
/// # Ok::<(), mcast_dvmrp::DvmrpError>(())
/// ```
#[derive(Debug, Clone)]
pub struct ReportBuilder<'r> {
    header: Header,
    routes: &'r [Route],
    max_message_len: usize,
    mtu: u32,
}

impl<'r> ReportBuilder<'r> {
    /// Bytes of the IPv4 header assumed under each Report.
    pub const IPV4_HEADER_LEN: usize = 20;

    /// The smallest MTU that carries a route: IPv4 header, DVMRP header, a mask and the
    /// smallest entry (a one-octet source and its metric).
    pub const MIN_MTU: u32 = (Self::IPV4_HEADER_LEN + HEADER_LEN + 3 + 2) as u32;

    /// A builder for `routes`, each message at most `mtu` bytes of IPv4 packet.
    ///
    /// # Errors
    /// [`DvmrpError::MtuTooSmall`] when `mtu` is below [`Self::MIN_MTU`].
    pub fn new(routes: &'r [Route], mtu: u32) -> Result<Self, DvmrpError> {
        if mtu < Self::MIN_MTU {
            return Err(DvmrpError::MtuTooSmall {
                mtu,
                minimum: Self::MIN_MTU,
            });
        }
        let mtu_len = usize::try_from(mtu.min(65_535)).unwrap_or(65_535);
        Ok(Self {
            header: Header::default(),
            routes,
            max_message_len: mtu_len.saturating_sub(Self::IPV4_HEADER_LEN),
            mtu,
        })
    }

    /// Sends the messages with `header` (capabilities and version) instead of the default
    /// (none, version 3.255).
    #[must_use]
    pub const fn with_header(mut self, header: Header) -> Self {
        self.header = header;
        self
    }

    /// The largest DVMRP message this builder writes.
    #[must_use]
    pub const fn max_message_len(&self) -> usize {
        self.max_message_len
    }

    /// The routes not yet written.
    #[must_use]
    pub const fn remaining(&self) -> &'r [Route] {
        self.routes
    }

    /// How many routes the next message takes and its length, or `None` when all are sent.
    fn plan(&self) -> Result<Option<(usize, usize)>, DvmrpError> {
        let Some(first) = self.routes.first() else {
            return Ok(None);
        };
        let mut length = HEADER_LEN;
        let mut block: Option<[u8; 3]> = None;
        let mut count = 0usize;
        for route in self.routes {
            let mask = route.mask();
            let add = if block == Some(mask) {
                route.entry_len()
            } else {
                route.entry_len().saturating_add(3)
            };
            if length.saturating_add(add) > self.max_message_len {
                break;
            }
            length = length.saturating_add(add);
            block = Some(mask);
            count = count.saturating_add(1);
        }
        if count == 0 {
            let needed = first
                .entry_len()
                .saturating_add(HEADER_LEN + 3 + Self::IPV4_HEADER_LEN);
            return Err(DvmrpError::MtuTooSmall {
                mtu: self.mtu,
                minimum: needed as u32,
            });
        }
        Ok(Some((count, length)))
    }

    /// The length of the next message, or `None` when every route was written.
    ///
    /// # Errors
    /// [`DvmrpError::MtuTooSmall`] when the next route does not fit an empty message.
    pub fn next_len(&self) -> Result<Option<usize>, DvmrpError> {
        Ok(self.plan()?.map(|(_, length)| length))
    }

    /// Writes the next Report, checksum included, at the front of `buf` and returns its
    /// length, or `None` when every route was written.
    ///
    /// # Errors
    /// [`DvmrpError::BufferTooSmall`] when `buf` cannot hold the message (nothing is consumed);
    /// [`DvmrpError::MtuTooSmall`] when the next route does not fit an empty message.
    pub fn emit_next(&mut self, buf: &mut [u8]) -> Result<Option<usize>, DvmrpError> {
        let Some((count, length)) = self.plan()? else {
            return Ok(None);
        };
        let available = buf.len();
        let out = buf.get_mut(..length).ok_or(DvmrpError::BufferTooSmall {
            needed: length,
            available,
        })?;
        let (taken, rest) = self
            .routes
            .split_at_checked(count)
            .unwrap_or((self.routes, &[]));
        let mut pos = HEADER_LEN;
        let mut put = |bytes: &[u8]| {
            let end = pos.saturating_add(bytes.len());
            if let Some(dst) = out.get_mut(pos..end) {
                dst.copy_from_slice(bytes);
            }
            pos = end;
        };
        for (i, route) in taken.iter().enumerate() {
            let mask = route.mask();
            let starts_block =
                i == 0 || taken.get(i.wrapping_sub(1)).map(|r| r.mask()) != Some(mask);
            let ends_block = taken.get(i.saturating_add(1)).map(|r| r.mask()) != Some(mask);
            if starts_block {
                put(&mask);
            }
            let width = source_width(mask);
            put(route.source.octets().get(..width).unwrap_or_default());
            let end = if ends_block { END_OF_BLOCK } else { 0 };
            put(&[route.metric.value() | end]);
        }
        let [b0, b1, b2, b3, b4, b5, b6, b7] = [
            IGMP_TYPE,
            super::Code::REPORT.0,
            0,
            0,
            self.header.reserved,
            self.header.capabilities.bits(),
            self.header.version.minor,
            self.header.version.major,
        ];
        if let Some(header) = out.get_mut(..HEADER_LEN) {
            header.copy_from_slice(&[b0, b1, b2, b3, b4, b5, b6, b7]);
        }
        let checksum = mcast_addr::checksum::checksum(out);
        if let Some(field) = out.get_mut(2..4) {
            field.copy_from_slice(&checksum.to_be_bytes());
        }
        self.routes = rest;
        Ok(Some(length))
    }
}
