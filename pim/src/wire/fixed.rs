//! The fixed-layout messages: Assert (type 5, RFC 7761 §4.9.6), State Refresh (type 9,
//! RFC 3973 §4.7.1), DF Election (type 10, RFC 5015 §3.6) and ECMP Redirect (type 11,
//! RFC 6754 §5). Each is plain `Copy` data, parsed and emitted without allocation.

use core::fmt;

use mcast_addr::family::IpFamily;

use crate::error::Result;
use crate::wire::addr::{
    EncodedGroup, encoded_group_len, encoded_unicast_len, read_unicast, write_unicast,
};
use crate::wire::cursor::{Reader, Writer};
use crate::wire::header::HEADER_LEN;

/// R, the RPT bit in front of a 31-bit Metric Preference (RFC 7761 §4.9.6).
const RPT_BIT: u32 = 0x8000_0000;

/// An Assert message (RFC 7761 §4.9.6).
///
/// ```text
/// | PIM common header | Group Address (Encoded-Group) | Source Address (Encoded-Unicast) |
/// |R|                     Metric Preference (31 bits)                    |  Metric (32)  |
/// ```
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
pub struct Assert<F: IpFamily> {
    /// The RFC 9436 flag bits of the common header.
    pub flag_bits: u8,
    /// Group Address: G.
    pub group: EncodedGroup<F>,
    /// Source Address: S, or zero for an (*,G) Assert.
    pub source: F::Addr,
    /// R, the RPT bit: set for an (*,G) Assert (RFC 7761 §4.6.3).
    pub rpt: bool,
    /// Metric Preference (31 bits): the preference of the unicast routing protocol towards S
    /// or the RP; 0x7FFFFFFF is the "infinite" AssertCancel value (RFC 7761 §4.6.3).
    pub metric_preference: u32,
    /// Metric: the unicast routing metric towards S or the RP.
    pub metric: u32,
}

impl<F: IpFamily> Assert<F> {
    /// Parses the body of an Assert; returns it and the bytes after it.
    ///
    /// # Errors
    /// Truncation or a bad encoded address.
    pub fn parse_body(flag_bits: u8, body: &[u8]) -> Result<(Self, &[u8])> {
        let mut r = Reader::new(body, HEADER_LEN);
        let group = EncodedGroup::read(&mut r, "Group Address")?;
        let source = read_unicast::<F>(&mut r, "Source Address")?;
        let word = r.u32("Metric Preference")?;
        let metric = r.u32("Metric")?;
        Ok((
            Self {
                flag_bits,
                group,
                source,
                rpt: word & RPT_BIT != 0,
                metric_preference: word & !RPT_BIT,
                metric,
            },
            r.rest(),
        ))
    }

    /// Length of the body.
    #[must_use]
    pub fn body_len(&self) -> usize {
        encoded_group_len::<F>()
            .saturating_add(encoded_unicast_len::<F>())
            .saturating_add(8)
    }

    pub(crate) fn write_body(&self, w: &mut Writer<'_>) -> Result<()> {
        crate::wire::cursor::field_width("Metric Preference", self.metric_preference, !RPT_BIT)?;
        self.group.write(w)?;
        write_unicast::<F>(w, self.source)?;
        let rpt = if self.rpt { RPT_BIT } else { 0 };
        w.u32(rpt | (self.metric_preference & !RPT_BIT))?;
        w.u32(self.metric)
    }
}

impl<F: IpFamily> fmt::Display for Assert<F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "Assert group={} src={} rpt={} pref={} metric={}",
            self.group,
            self.source,
            u8::from(self.rpt),
            self.metric_preference,
            self.metric
        )
    }
}

/// A State Refresh message (RFC 3973 §4.7.1).
///
/// ```text
/// | PIM common header | Multicast Group Address (Encoded-Group) |
/// | Source Address (Encoded-Unicast) | Originator Address (Encoded-Unicast) |
/// |R|   Metric Preference (31)  |   Metric (32)   |
/// |  Masklen  |  TTL  |P|N|O|Reserved|  Interval  |
/// ```
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
#[allow(clippy::struct_excessive_bools)]
pub struct StateRefresh<F: IpFamily> {
    /// The RFC 9436 flag bits of the common header.
    pub flag_bits: u8,
    /// Multicast Group Address: G.
    pub group: EncodedGroup<F>,
    /// Source Address: S.
    pub source: F::Addr,
    /// Originator Address: the first-hop router that originated the State Refresh.
    pub originator: F::Addr,
    /// R, the RPT bit (zero in PIM-DM).
    pub rpt: bool,
    /// Metric Preference (31 bits) of the originator's route to S.
    pub metric_preference: u32,
    /// Metric of the originator's route to S.
    pub metric: u32,
    /// Masklen: the prefix length of the originator's route to S.
    pub mask_length: u8,
    /// TTL: hops the State Refresh may still travel.
    pub ttl: u8,
    /// P, the Prune Indicator: the sender's outgoing interface is pruned.
    pub prune_indicator: bool,
    /// N, the Prune Now flag: prune now without waiting for the override interval.
    pub prune_now: bool,
    /// O, the Assert Override flag.
    pub assert_override: bool,
    /// The 5 reserved bits (zero on send).
    pub reserved: u8,
    /// Interval: the originator's State Refresh Interval in seconds.
    pub interval: u8,
}

impl<F: IpFamily> StateRefresh<F> {
    /// Parses the body of a State Refresh; returns it and the bytes after it.
    ///
    /// # Errors
    /// Truncation or a bad encoded address.
    pub fn parse_body(flag_bits: u8, body: &[u8]) -> Result<(Self, &[u8])> {
        let mut r = Reader::new(body, HEADER_LEN);
        let group = EncodedGroup::read(&mut r, "Multicast Group Address")?;
        let source = read_unicast::<F>(&mut r, "Source Address")?;
        let originator = read_unicast::<F>(&mut r, "Originator Address")?;
        let word = r.u32("Metric Preference")?;
        let metric = r.u32("Metric")?;
        let mask_length = r.u8("Masklen")?;
        let ttl = r.u8("TTL")?;
        let bits = r.u8("P, N, O and Reserved")?;
        let interval = r.u8("Interval")?;
        Ok((
            Self {
                flag_bits,
                group,
                source,
                originator,
                rpt: word & RPT_BIT != 0,
                metric_preference: word & !RPT_BIT,
                metric,
                mask_length,
                ttl,
                prune_indicator: bits & 0x80 != 0,
                prune_now: bits & 0x40 != 0,
                assert_override: bits & 0x20 != 0,
                reserved: bits & 0x1F,
                interval,
            },
            r.rest(),
        ))
    }

    /// Length of the body.
    #[must_use]
    pub fn body_len(&self) -> usize {
        encoded_group_len::<F>()
            .saturating_add(encoded_unicast_len::<F>().saturating_mul(2))
            .saturating_add(12)
    }

    pub(crate) fn write_body(&self, w: &mut Writer<'_>) -> Result<()> {
        crate::wire::cursor::field_width("Metric Preference", self.metric_preference, !RPT_BIT)?;
        crate::wire::cursor::field_width("Reserved", u32::from(self.reserved), 0x1F)?;
        self.group.write(w)?;
        write_unicast::<F>(w, self.source)?;
        write_unicast::<F>(w, self.originator)?;
        let rpt = if self.rpt { RPT_BIT } else { 0 };
        w.u32(rpt | (self.metric_preference & !RPT_BIT))?;
        w.u32(self.metric)?;
        w.u8(self.mask_length)?;
        w.u8(self.ttl)?;
        let mut bits = self.reserved & 0x1F;
        if self.prune_indicator {
            bits |= 0x80;
        }
        if self.prune_now {
            bits |= 0x40;
        }
        if self.assert_override {
            bits |= 0x20;
        }
        w.u8(bits)?;
        w.u8(self.interval)
    }
}

impl<F: IpFamily> fmt::Display for StateRefresh<F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "State Refresh group={} src={} originator={} pref={} metric={} masklen={} ttl={} P={} N={} O={} interval={}s",
            self.group,
            self.source,
            self.originator,
            self.metric_preference,
            self.metric,
            self.mask_length,
            self.ttl,
            u8::from(self.prune_indicator),
            u8::from(self.prune_now),
            u8::from(self.assert_override),
            self.interval
        )
    }
}

/// The DF Election subtypes (RFC 5015 §3.6), in the upper four bits of the flag byte.
pub mod df_subtype {
    /// Offer.
    pub const OFFER: u8 = 1;
    /// Winner.
    pub const WINNER: u8 = 2;
    /// Backoff.
    pub const BACKOFF: u8 = 3;
    /// Pass.
    pub const PASS: u8 = 4;
}

/// The subtype-specific part of a DF Election message (RFC 5015 §3.6).
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
pub enum DfElectionKind<F: IpFamily> {
    /// Offer (1, RFC 5015 §3.6.1).
    Offer,
    /// Winner (2, RFC 5015 §3.6.2).
    Winner,
    /// Backoff (3, RFC 5015 §3.6.3).
    Backoff {
        /// Offering Address: the better offer the sender heard.
        offering_address: F::Addr,
        /// Offering Metric Preference.
        offering_metric_preference: u32,
        /// Offering Metric.
        offering_metric: u32,
        /// Interval: the backoff period in milliseconds.
        interval_ms: u16,
    },
    /// Pass (4, RFC 5015 §3.6.4).
    Pass {
        /// New Winner Address.
        new_winner_address: F::Addr,
        /// New Winner Metric Preference.
        new_winner_metric_preference: u32,
        /// New Winner Metric.
        new_winner_metric: u32,
    },
}

impl<F: IpFamily> DfElectionKind<F> {
    /// The Subtype value.
    #[must_use]
    pub fn subtype(&self) -> u8 {
        match self {
            Self::Offer => df_subtype::OFFER,
            Self::Winner => df_subtype::WINNER,
            Self::Backoff { .. } => df_subtype::BACKOFF,
            Self::Pass { .. } => df_subtype::PASS,
        }
    }
}

/// A DF Election message (RFC 5015 §3.6).
///
/// ```text
/// |PIM Ver| Type  |Subtype| Rsvd  |           Checksum            |
/// |        RP Address (Encoded-Unicast format)                    |
/// |               Sender Metric Preference                        |
/// |               Sender Metric                                   |
/// ( Backoff: Offering Address, Offering Metric Preference, Offering Metric, Interval )
/// ( Pass:    New Winner Address, New Winner Metric Preference, New Winner Metric )
/// ```
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
pub struct DfElection<F: IpFamily> {
    /// The four flag bits (Rsvd) below the Subtype.
    pub flag_bits: u8,
    /// RP Address: the Rendezvous Point Address the election is for.
    pub rp: F::Addr,
    /// Sender Metric Preference.
    pub sender_metric_preference: u32,
    /// Sender Metric.
    pub sender_metric: u32,
    /// The subtype and its fields.
    pub kind: DfElectionKind<F>,
}

impl<F: IpFamily> DfElection<F> {
    /// Parses the body of a DF Election of subtype `subtype`; returns it and the bytes after it,
    /// or `Ok(None)` for a subtype RFC 5015 does not define.
    ///
    /// # Errors
    /// Truncation or a bad encoded address.
    pub fn parse_body(subtype: u8, flag_bits: u8, body: &[u8]) -> Result<Option<(Self, &[u8])>> {
        if !(df_subtype::OFFER..=df_subtype::PASS).contains(&subtype) {
            return Ok(None);
        }
        let mut r = Reader::new(body, HEADER_LEN);
        let rp = read_unicast::<F>(&mut r, "RP Address")?;
        let sender_metric_preference = r.u32("Sender Metric Preference")?;
        let sender_metric = r.u32("Sender Metric")?;
        let kind = match subtype {
            df_subtype::OFFER => DfElectionKind::Offer,
            df_subtype::WINNER => DfElectionKind::Winner,
            df_subtype::BACKOFF => DfElectionKind::Backoff {
                offering_address: read_unicast::<F>(&mut r, "Offering Address")?,
                offering_metric_preference: r.u32("Offering Metric Preference")?,
                offering_metric: r.u32("Offering Metric")?,
                interval_ms: r.u16("Interval")?,
            },
            _ => DfElectionKind::Pass {
                new_winner_address: read_unicast::<F>(&mut r, "New Winner Address")?,
                new_winner_metric_preference: r.u32("New Winner Metric Preference")?,
                new_winner_metric: r.u32("New Winner Metric")?,
            },
        };
        Ok(Some((
            Self {
                flag_bits: flag_bits & 0x0F,
                rp,
                sender_metric_preference,
                sender_metric,
                kind,
            },
            r.rest(),
        )))
    }

    /// The flag byte of the common header: Subtype and flag bits.
    #[must_use]
    pub fn header_flags(&self) -> u8 {
        (self.kind.subtype() << 4) | (self.flag_bits & 0x0F)
    }

    /// Length of the body.
    #[must_use]
    pub fn body_len(&self) -> usize {
        let extra = match self.kind {
            DfElectionKind::Offer | DfElectionKind::Winner => 0,
            DfElectionKind::Backoff { .. } => encoded_unicast_len::<F>().saturating_add(10),
            DfElectionKind::Pass { .. } => encoded_unicast_len::<F>().saturating_add(8),
        };
        encoded_unicast_len::<F>()
            .saturating_add(8)
            .saturating_add(extra)
    }

    pub(crate) fn write_body(&self, w: &mut Writer<'_>) -> Result<()> {
        crate::wire::cursor::field_width("flag bits", u32::from(self.flag_bits), 0x0F)?;
        write_unicast::<F>(w, self.rp)?;
        w.u32(self.sender_metric_preference)?;
        w.u32(self.sender_metric)?;
        match self.kind {
            DfElectionKind::Offer | DfElectionKind::Winner => Ok(()),
            DfElectionKind::Backoff {
                offering_address,
                offering_metric_preference,
                offering_metric,
                interval_ms,
            } => {
                write_unicast::<F>(w, offering_address)?;
                w.u32(offering_metric_preference)?;
                w.u32(offering_metric)?;
                w.u16(interval_ms)
            }
            DfElectionKind::Pass {
                new_winner_address,
                new_winner_metric_preference,
                new_winner_metric,
            } => {
                write_unicast::<F>(w, new_winner_address)?;
                w.u32(new_winner_metric_preference)?;
                w.u32(new_winner_metric)
            }
        }
    }
}

impl<F: IpFamily> fmt::Display for DfElection<F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let name = match self.kind {
            DfElectionKind::Offer => "Offer",
            DfElectionKind::Winner => "Winner",
            DfElectionKind::Backoff { .. } => "Backoff",
            DfElectionKind::Pass { .. } => "Pass",
        };
        write!(
            f,
            "DF Election {name}, rpa={} sender pref={} sender metric={}",
            self.rp, self.sender_metric_preference, self.sender_metric
        )?;
        match self.kind {
            DfElectionKind::Backoff {
                offering_address,
                offering_metric_preference,
                offering_metric,
                interval_ms,
            } => write!(
                f,
                " offer addr={offering_address} offer pref={offering_metric_preference} offer metric={offering_metric} interval {interval_ms}ms"
            ),
            DfElectionKind::Pass {
                new_winner_address,
                new_winner_metric_preference,
                new_winner_metric,
            } => write!(
                f,
                " new winner addr={new_winner_address} new winner pref={new_winner_metric_preference} new winner metric={new_winner_metric}"
            ),
            _ => Ok(()),
        }
    }
}

/// An ECMP Redirect message (RFC 6754 §5): an upstream router tells a downstream router to send
/// its Joins for (S,G) to another neighbor of the same ECMP bundle.
///
/// ```text
/// | PIM common header | Group Address (Encoded-Group) | Source Address (Encoded-Unicast) |
/// | Neighbor Address (Encoded-Unicast) | Neighbor Interface ID (64 bits) |
/// | Preference (8) | Metric (64) |
/// ```
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
pub struct EcmpRedirect<F: IpFamily> {
    /// The RFC 9436 flag bits of the common header.
    pub flag_bits: u8,
    /// Group Address: G.
    pub group: EncodedGroup<F>,
    /// Source Address: S, or the RP for (*,G).
    pub source: F::Addr,
    /// Neighbor Address: the desired upstream neighbor.
    pub neighbor: F::Addr,
    /// Neighbor Interface ID (RFC 6395): Router ID and Local Interface ID, 64 bits.
    pub neighbor_interface_id: u64,
    /// Preference of the desired path.
    pub preference: u8,
    /// Metric of the desired path.
    pub metric: u64,
}

impl<F: IpFamily> EcmpRedirect<F> {
    /// Parses the body of an ECMP Redirect; returns it and the bytes after it.
    ///
    /// # Errors
    /// Truncation or a bad encoded address.
    pub fn parse_body(flag_bits: u8, body: &[u8]) -> Result<(Self, &[u8])> {
        let mut r = Reader::new(body, HEADER_LEN);
        let group = EncodedGroup::read(&mut r, "Group Address")?;
        let source = read_unicast::<F>(&mut r, "Source Address")?;
        let neighbor = read_unicast::<F>(&mut r, "Neighbor Address")?;
        let neighbor_interface_id = r.u64("Neighbor Interface ID")?;
        let preference = r.u8("Preference")?;
        let metric = r.u64("Metric")?;
        Ok((
            Self {
                flag_bits,
                group,
                source,
                neighbor,
                neighbor_interface_id,
                preference,
                metric,
            },
            r.rest(),
        ))
    }

    /// Length of the body.
    #[must_use]
    pub fn body_len(&self) -> usize {
        encoded_group_len::<F>()
            .saturating_add(encoded_unicast_len::<F>().saturating_mul(2))
            .saturating_add(17)
    }

    pub(crate) fn write_body(&self, w: &mut Writer<'_>) -> Result<()> {
        self.group.write(w)?;
        write_unicast::<F>(w, self.source)?;
        write_unicast::<F>(w, self.neighbor)?;
        w.u64(self.neighbor_interface_id)?;
        w.u8(self.preference)?;
        w.u64(self.metric)
    }
}

impl<F: IpFamily> fmt::Display for EcmpRedirect<F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "ECMP Redirect group={} src={} neighbor={} interface-id={:#018x} pref={} metric={}",
            self.group,
            self.source,
            self.neighbor,
            self.neighbor_interface_id,
            self.preference,
            self.metric
        )
    }
}
