//! PIMv2 over IPv4 and IPv6: from `mcast-pim`'s views to records, written once for both
//! families.

use std::net::IpAddr;

use mcast_addr::family::{IpFamily, Ipv4, Ipv6};
use mcast_pim::PimError;
use mcast_pim::wire::{
    ChecksumCoverage, DfElectionKind, EncodedGroup, EncodedSource, HelloOption, JoinPrune,
    Message as WireMessage, MessageType, Pim, PseudoHeader,
};
use serde::Serialize;

use super::Decoded;
use super::record::{Body, ChecksumStatus, DecodeError, Message, Protocol};

/// An Encoded-Group address (RFC 7761 §4.9.1, flags of RFC 5015 and RFC 7761).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct GroupRecord {
    /// Group multicast address.
    pub group_address: IpAddr,
    /// Mask Len.
    pub mask_length: u8,
    /// B: bidirectional PIM (RFC 5015 §3.7).
    pub bidirectional: bool,
    /// Z: admin scope zone (RFC 7761 §4.9.1).
    pub admin_scope_zone: bool,
}

impl<F: IpFamily> From<&EncodedGroup<F>> for GroupRecord {
    fn from(g: &EncodedGroup<F>) -> Self {
        Self {
            group_address: g.address.into(),
            mask_length: g.mask_length,
            bidirectional: g.flags.bidirectional(),
            admin_scope_zone: g.flags.admin_scope_zone(),
        }
    }
}

/// An Encoded-Source address of a Join/Prune (RFC 7761 §4.9.1).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SourceRecord {
    /// Source address.
    pub source_address: IpAddr,
    /// Mask Len.
    pub mask_length: u8,
    /// S: sparse bit.
    pub sparse: bool,
    /// W: wildcard bit.
    pub wildcard: bool,
    /// R: RPT bit.
    pub rpt: bool,
    /// Join Attributes (RFC 5384), by type number.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub join_attributes: Vec<u8>,
}

impl<F: IpFamily> From<&EncodedSource<F>> for SourceRecord {
    fn from(s: &EncodedSource<F>) -> Self {
        Self {
            source_address: s.address.into(),
            mask_length: s.mask_length,
            sparse: s.flags.sparse(),
            wildcard: s.flags.wildcard(),
            rpt: s.flags.rpt(),
            join_attributes: Vec::new(),
        }
    }
}

/// One group of a Join/Prune, Graft or Graft-Ack (RFC 7761 §4.9.5).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct GroupSetRecord {
    /// The group.
    #[serde(flatten)]
    pub group: GroupRecord,
    /// Number of Joined Sources.
    pub number_of_joined_sources: usize,
    /// Joined sources.
    pub joined_sources: Vec<SourceRecord>,
    /// Number of Pruned Sources.
    pub number_of_pruned_sources: usize,
    /// Pruned sources.
    pub pruned_sources: Vec<SourceRecord>,
}

/// A Join/Prune, Graft or Graft-Ack.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct JoinPruneRecord {
    /// Upstream Neighbor Address.
    pub upstream_neighbor: IpAddr,
    /// Holdtime, in seconds (65535: infinite).
    pub holdtime_s: u16,
    /// Num Groups.
    pub number_of_groups: u8,
    /// The groups.
    pub groups: Vec<GroupSetRecord>,
}

/// One Hello option (RFC 7761 §4.9.2 and the IANA "PIM-Hello Options" registry).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct HelloOptionRecord {
    /// OptionType.
    pub option_type: u16,
    /// Its registered name.
    pub name: &'static str,
    /// OptionLength, in bytes.
    pub option_length: usize,
    /// Holdtime (option 1), in seconds.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub holdtime_s: Option<u16>,
    /// LAN Prune Delay (option 2): T bit.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tracking_support: Option<bool>,
    /// LAN Prune Delay: Propagation Delay, in milliseconds.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub propagation_delay_ms: Option<u16>,
    /// LAN Prune Delay: Override Interval, in milliseconds.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub override_interval_ms: Option<u16>,
    /// DR Priority (option 19).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dr_priority: Option<u32>,
    /// Generation ID (option 20).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub generation_id: Option<u32>,
    /// State Refresh Capable (option 21, RFC 3973 §4.7.5): Version.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub state_refresh_version: Option<u8>,
    /// State Refresh Capable: Interval, in seconds.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub state_refresh_interval_s: Option<u8>,
    /// Address List (option 24): the secondary addresses.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub addresses: Option<Vec<IpAddr>>,
    /// Why the option's value could not be decoded.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

/// An RP of a Bootstrap group (RFC 5059 §4.1).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BootstrapRpRecord {
    /// Encoded-Unicast RP Address.
    pub rp_address: IpAddr,
    /// RP Holdtime, in seconds.
    pub holdtime_s: u16,
    /// RP Priority.
    pub priority: u8,
}

/// A group of a Bootstrap (RFC 5059 §4.1).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BootstrapGroupRecord {
    /// The group range.
    #[serde(flatten)]
    pub group: GroupRecord,
    /// RP Count.
    pub rp_count: u8,
    /// Frag RP Cnt.
    pub fragment_rp_count: u8,
    /// The RPs.
    pub rps: Vec<BootstrapRpRecord>,
}

/// A (group, source) pair of a packed message (RFC 9465 §3).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PackedRecord {
    /// The group.
    #[serde(flatten)]
    pub group: GroupRecord,
    /// Source address.
    pub source_address: IpAddr,
}

/// A TLV of a PIM Flooding Mechanism message (RFC 8364 §3).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FloodingTlvRecord {
    /// T: transitive.
    pub transitive: bool,
    /// Type.
    pub tlv_type: u16,
    /// Length, in bytes.
    pub length: usize,
}

/// A PIMv2 message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum PimRecord {
    /// Hello (type 0, RFC 7761 §4.9.2).
    Hello {
        /// The options, in message order.
        options: Vec<HelloOptionRecord>,
    },
    /// Register (type 1, RFC 7761 §4.9.3).
    Register {
        /// B: Border bit.
        border: bool,
        /// N: Null-Register bit.
        null_register: bool,
        /// Bytes of the encapsulated packet.
        inner_length: usize,
        /// IP version of the encapsulated packet (its first nibble).
        #[serde(skip_serializing_if = "Option::is_none")]
        inner_ip_version: Option<u8>,
        /// Source address of the encapsulated packet (S).
        #[serde(skip_serializing_if = "Option::is_none")]
        inner_source: Option<IpAddr>,
        /// Destination address of the encapsulated packet (G).
        #[serde(skip_serializing_if = "Option::is_none")]
        inner_destination: Option<IpAddr>,
    },
    /// Register-Stop (type 2, RFC 7761 §4.9.4).
    RegisterStop {
        /// Group Address.
        #[serde(flatten)]
        group: GroupRecord,
        /// Source Address.
        source_address: IpAddr,
    },
    /// Join/Prune (type 3, RFC 7761 §4.9.5).
    JoinPrune(JoinPruneRecord),
    /// Bootstrap (type 4, RFC 5059 §4.1).
    Bootstrap {
        /// Fragment Tag.
        fragment_tag: u16,
        /// Hash Mask Len.
        hash_mask_length: u8,
        /// BSR Priority.
        bsr_priority: u8,
        /// BSR Address.
        bsr_address: IpAddr,
        /// No-Forward bit (RFC 5059 §3.2.3).
        no_forward: bool,
        /// The group ranges.
        groups: Vec<BootstrapGroupRecord>,
    },
    /// Assert (type 5, RFC 7761 §4.9.6).
    Assert {
        /// Group Address.
        #[serde(flatten)]
        group: GroupRecord,
        /// Source Address.
        source_address: IpAddr,
        /// R: RPT bit.
        rpt: bool,
        /// Metric Preference.
        metric_preference: u32,
        /// Metric.
        metric: u32,
    },
    /// Graft (type 6, RFC 3973 §4.7.2).
    Graft(JoinPruneRecord),
    /// Graft-Ack (type 7, RFC 3973 §4.7.3).
    GraftAck(JoinPruneRecord),
    /// Candidate-RP-Advertisement (type 8, RFC 5059 §4.2).
    CandidateRpAdvertisement {
        /// Prefix Count.
        prefix_count: u8,
        /// Priority.
        priority: u8,
        /// Holdtime, in seconds.
        holdtime_s: u16,
        /// RP Address.
        rp_address: IpAddr,
        /// The group ranges.
        groups: Vec<GroupRecord>,
    },
    /// State Refresh (type 9, RFC 3973 §4.7.1).
    StateRefresh {
        /// Multicast Group Address.
        #[serde(flatten)]
        group: GroupRecord,
        /// Source Address.
        source_address: IpAddr,
        /// Originator Address.
        originator_address: IpAddr,
        /// R: RPT bit.
        rpt: bool,
        /// Metric Preference.
        metric_preference: u32,
        /// Metric.
        metric: u32,
        /// Masklen.
        source_mask_length: u8,
        /// TTL.
        ttl: u8,
        /// P: Prune indicator.
        prune_indicator: bool,
        /// N: Prune now.
        prune_now: bool,
        /// O: Assert override.
        assert_override: bool,
        /// Interval, in seconds.
        interval_s: u8,
    },
    /// DF Election (type 10, RFC 5015 §3.6): Offer, Winner, Backoff or Pass.
    DfElection {
        /// Subtype: 1 Offer, 2 Winner, 3 Backoff, 4 Pass.
        subtype: u8,
        /// Its name.
        subtype_name: &'static str,
        /// RP Address.
        rp_address: IpAddr,
        /// Sender Metric Preference.
        sender_metric_preference: u32,
        /// Sender Metric.
        sender_metric: u32,
        /// Backoff: Offering Address.
        #[serde(skip_serializing_if = "Option::is_none")]
        offering_address: Option<IpAddr>,
        /// Backoff: Offering Metric Preference.
        #[serde(skip_serializing_if = "Option::is_none")]
        offering_metric_preference: Option<u32>,
        /// Backoff: Offering Metric.
        #[serde(skip_serializing_if = "Option::is_none")]
        offering_metric: Option<u32>,
        /// Backoff: Interval, in milliseconds.
        #[serde(skip_serializing_if = "Option::is_none")]
        interval_ms: Option<u16>,
        /// Pass: New Winner Address.
        #[serde(skip_serializing_if = "Option::is_none")]
        new_winner_address: Option<IpAddr>,
        /// Pass: New Winner Metric Preference.
        #[serde(skip_serializing_if = "Option::is_none")]
        new_winner_metric_preference: Option<u32>,
        /// Pass: New Winner Metric.
        #[serde(skip_serializing_if = "Option::is_none")]
        new_winner_metric: Option<u32>,
    },
    /// ECMP Redirect (type 11, RFC 6754 §5).
    EcmpRedirect {
        /// Group Address.
        #[serde(flatten)]
        group: GroupRecord,
        /// Source Address.
        source_address: IpAddr,
        /// Neighbor Address.
        neighbor_address: IpAddr,
        /// Neighbor Interface ID.
        neighbor_interface_id: u64,
        /// Preference.
        preference: u8,
        /// Metric.
        metric: u64,
    },
    /// PIM Flooding Mechanism (type 12, RFC 8364 §3).
    Flooding {
        /// Originator Address.
        originator_address: IpAddr,
        /// N: No-Forward bit.
        no_forward: bool,
        /// The TLVs.
        tlvs: Vec<FloodingTlvRecord>,
    },
    /// Packed Null-Register (type 13 subtype 0, RFC 9465 §3).
    PackedNullRegister {
        /// Count.
        count: u16,
        /// The (G, S) pairs.
        records: Vec<PackedRecord>,
    },
    /// Packed Register-Stop (type 13 subtype 1, RFC 9465 §3).
    PackedRegisterStop {
        /// Count.
        count: u16,
        /// The (G, S) pairs.
        records: Vec<PackedRecord>,
    },
    /// An unassigned type or subtype.
    Unknown {
        /// Type.
        pim_type: u8,
        /// Subtype (the upper nibble of the flag byte).
        subtype: u8,
    },
}

impl PimRecord {
    /// The `type` name.
    #[must_use]
    pub const fn type_name(&self) -> &'static str {
        match self {
            Self::Hello { .. } => "hello",
            Self::Register { .. } => "register",
            Self::RegisterStop { .. } => "register_stop",
            Self::JoinPrune(_) => "join_prune",
            Self::Bootstrap { .. } => "bootstrap",
            Self::Assert { .. } => "assert",
            Self::Graft(_) => "graft",
            Self::GraftAck(_) => "graft_ack",
            Self::CandidateRpAdvertisement { .. } => "candidate_rp_advertisement",
            Self::StateRefresh { .. } => "state_refresh",
            Self::DfElection { .. } => "df_election",
            Self::EcmpRedirect { .. } => "ecmp_redirect",
            Self::Flooding { .. } => "flooding",
            Self::PackedNullRegister { .. } => "packed_null_register",
            Self::PackedRegisterStop { .. } => "packed_register_stop",
            Self::Unknown { .. } => "unknown",
        }
    }
}

/// The `type` name of a PIM type number, for error records.
fn type_name_of(message_type: MessageType) -> &'static str {
    match message_type {
        MessageType::Hello => "hello",
        MessageType::Register => "register",
        MessageType::RegisterStop => "register_stop",
        MessageType::JoinPrune => "join_prune",
        MessageType::Bootstrap => "bootstrap",
        MessageType::Assert => "assert",
        MessageType::Graft => "graft",
        MessageType::GraftAck => "graft_ack",
        MessageType::CandidateRpAdvertisement => "candidate_rp_advertisement",
        MessageType::StateRefresh => "state_refresh",
        MessageType::DfElection => "df_election",
        MessageType::EcmpRedirect => "ecmp_redirect",
        MessageType::PimFloodingMechanism => "flooding",
        _ => "unknown",
    }
}

/// Decodes the PIM message `bytes` (an IP payload of protocol 103) sent from `source` to
/// `destination`, which must be of one family.
#[must_use]
pub fn decode_pim(bytes: &[u8], source: IpAddr, destination: IpAddr) -> Decoded {
    match (source, destination) {
        (IpAddr::V4(s), IpAddr::V4(d)) => decode::<Ipv4>(bytes, s, d),
        (IpAddr::V6(s), IpAddr::V6(d)) => decode::<Ipv6>(bytes, s, d),
        _ => Decoded {
            protocol: Protocol::Pim,
            checksum: None,
            body: Body::Error(DecodeError {
                message_type: None,
                error: "source and destination addresses of different families".to_owned(),
                offset: None,
            }),
        },
    }
}

fn decode<F: IpFamily>(bytes: &[u8], source: F::Addr, destination: F::Addr) -> Decoded {
    let pseudo_header = PseudoHeader::<F>::new(source, destination);
    let (parsed, checksum) = match Pim::<F>::parse(bytes, &pseudo_header) {
        Ok(pim) => {
            let status = match (pim.checksum_coverage, &pim.message) {
                (Some(ChecksumCoverage::WholeRegister), _) => ChecksumStatus::GoodRegisterWhole,
                (_, WireMessage::Register(_)) => ChecksumStatus::GoodRegisterHeader,
                _ => ChecksumStatus::Good,
            };
            (Ok(pim), Some(status))
        }
        Err(PimError::Checksum { .. }) => {
            (Pim::<F>::parse_unverified(bytes), Some(ChecksumStatus::Bad))
        }
        Err(e) => {
            // A structural error: the checksum may still be checkable.
            let checksum = match mcast_pim::wire::verify_checksum(bytes, &pseudo_header) {
                Ok(ChecksumCoverage::WholeRegister) => Some(ChecksumStatus::GoodRegisterWhole),
                Ok(ChecksumCoverage::Standard) if is_register(bytes) => {
                    Some(ChecksumStatus::GoodRegisterHeader)
                }
                Ok(ChecksumCoverage::Standard) => Some(ChecksumStatus::Good),
                Err(PimError::Checksum { .. }) => Some(ChecksumStatus::Bad),
                Err(_) => None,
            };
            (Err(e), checksum)
        }
    };
    let body = match parsed {
        Ok(pim) => Body::Message(Message::Pim(record(&pim.message))),
        Err(e) => Body::Error(pim_error(bytes, &e)),
    };
    Decoded {
        protocol: Protocol::Pim,
        checksum,
        body,
    }
}

fn is_register(bytes: &[u8]) -> bool {
    bytes
        .first()
        .is_some_and(|b| b & 0x0f == MessageType::Register as u8)
}

fn pim_error(bytes: &[u8], error: &PimError) -> DecodeError {
    let offset = match error {
        PimError::Truncated { offset, .. }
        | PimError::Invalid { offset, .. }
        | PimError::AddressFamily { offset, .. }
        | PimError::EncodingType { offset, .. }
        | PimError::MaskLength { offset, .. }
        | PimError::OptionLength { offset, .. } => Some(*offset),
        PimError::UnsupportedVersion { .. } => Some(0),
        PimError::Checksum { .. } => Some(2),
        _ => None,
    };
    let message_type = match error {
        // The header itself is unreadable: no type to name.
        PimError::UnsupportedVersion { .. } => None,
        _ if bytes.len() < 4 => None,
        _ => bytes
            .first()
            .map(|b| type_name_of(MessageType::from_nibble(*b))),
    };
    DecodeError {
        message_type,
        error: error.to_string(),
        offset,
    }
}

fn join_prune<F: IpFamily>(m: &JoinPrune<'_, F>) -> JoinPruneRecord {
    let source = |entry: mcast_pim::wire::SourceEntry<'_, F>| {
        let mut record = SourceRecord::from(&entry.source);
        if let Some(attributes) = entry.join_attributes {
            record.join_attributes = attributes.iter().map(|a| a.attribute_type).collect();
        }
        record
    };
    JoinPruneRecord {
        upstream_neighbor: m.upstream_neighbor.into(),
        holdtime_s: m.holdtime.seconds(),
        number_of_groups: m.num_groups(),
        groups: m
            .groups()
            .map(|set| GroupSetRecord {
                group: GroupRecord::from(&set.group),
                number_of_joined_sources: set.joined.len(),
                joined_sources: set.joined.iter().map(source).collect(),
                number_of_pruned_sources: set.pruned.len(),
                pruned_sources: set.pruned.iter().map(source).collect(),
            })
            .collect(),
    }
}

fn hello_option<F: IpFamily>(raw: mcast_pim::wire::hello::RawOption<'_>) -> HelloOptionRecord {
    let mut record = HelloOptionRecord {
        option_type: raw.option_type,
        name: mcast_pim::wire::hello::option_type_name(raw.option_type),
        option_length: raw.value.len(),
        ..HelloOptionRecord::default()
    };
    match HelloOption::<F>::decode(raw) {
        Ok(HelloOption::Holdtime(h)) => record.holdtime_s = Some(h.seconds()),
        Ok(HelloOption::LanPruneDelay(d)) => {
            record.tracking_support = Some(d.tracking_support);
            record.propagation_delay_ms = Some(d.propagation_delay_ms);
            record.override_interval_ms = Some(d.override_interval_ms);
        }
        Ok(HelloOption::DrPriority(p)) => record.dr_priority = Some(p),
        Ok(HelloOption::GenerationId(g)) => record.generation_id = Some(g),
        Ok(HelloOption::StateRefreshCapable(s)) => {
            record.state_refresh_version = Some(s.version);
            record.state_refresh_interval_s = Some(s.interval);
        }
        Ok(HelloOption::AddressList(list)) => {
            record.addresses = Some(list.iter().map(Into::into).collect());
        }
        Ok(_) => {}
        Err(e) => record.error = Some(e.to_string()),
    }
    record
}

/// The record of a parsed PIM message.
#[must_use]
#[allow(clippy::too_many_lines, reason = "one arm per message type")]
pub fn record<F: IpFamily>(message: &WireMessage<'_, F>) -> PimRecord {
    match message {
        WireMessage::Hello(h) => PimRecord::Hello {
            options: h.raw_options().map(hello_option::<F>).collect(),
        },
        WireMessage::Register(r) => {
            let inner_ip_version = r.inner.first().map(|b| b >> 4);
            let (inner_source, inner_destination) = match inner_ip_version {
                Some(4) => r
                    .inner_header::<Ipv4>()
                    .map(|h| (Some(h.source.into()), Some(h.destination.into())))
                    .unwrap_or_default(),
                Some(6) => r
                    .inner_header::<Ipv6>()
                    .map(|h| (Some(h.source.into()), Some(h.destination.into())))
                    .unwrap_or_default(),
                _ => (None, None),
            };
            PimRecord::Register {
                border: r.border,
                null_register: r.null_register,
                inner_length: r.inner.len(),
                inner_ip_version,
                inner_source,
                inner_destination,
            }
        }
        WireMessage::RegisterStop(m) => PimRecord::RegisterStop {
            group: GroupRecord::from(&m.group),
            source_address: m.source.into(),
        },
        WireMessage::JoinPrune(m) => PimRecord::JoinPrune(join_prune(m)),
        WireMessage::Graft(m) => PimRecord::Graft(join_prune(m)),
        WireMessage::GraftAck(m) => PimRecord::GraftAck(join_prune(m)),
        WireMessage::Bootstrap(b) => PimRecord::Bootstrap {
            fragment_tag: b.fragment_tag,
            hash_mask_length: b.hash_mask_length,
            bsr_priority: b.bsr_priority,
            bsr_address: b.bsr_address.into(),
            no_forward: b.no_forward(),
            groups: b
                .groups()
                .map(|g| BootstrapGroupRecord {
                    group: GroupRecord::from(&g.group),
                    rp_count: g.rp_count,
                    fragment_rp_count: g.fragment_rp_count,
                    rps: g
                        .rps
                        .iter()
                        .map(|rp| BootstrapRpRecord {
                            rp_address: rp.address.into(),
                            holdtime_s: rp.holdtime.seconds(),
                            priority: rp.priority,
                        })
                        .collect(),
                })
                .collect(),
        },
        WireMessage::Assert(a) => PimRecord::Assert {
            group: GroupRecord::from(&a.group),
            source_address: a.source.into(),
            rpt: a.rpt,
            metric_preference: a.metric_preference,
            metric: a.metric,
        },
        WireMessage::CandidateRpAdvertisement(c) => PimRecord::CandidateRpAdvertisement {
            prefix_count: c.prefix_count(),
            priority: c.priority,
            holdtime_s: c.holdtime.seconds(),
            rp_address: c.rp.into(),
            groups: c.groups().map(|g| GroupRecord::from(&g)).collect(),
        },
        WireMessage::StateRefresh(s) => PimRecord::StateRefresh {
            group: GroupRecord::from(&s.group),
            source_address: s.source.into(),
            originator_address: s.originator.into(),
            rpt: s.rpt,
            metric_preference: s.metric_preference,
            metric: s.metric,
            source_mask_length: s.mask_length,
            ttl: s.ttl,
            prune_indicator: s.prune_indicator,
            prune_now: s.prune_now,
            assert_override: s.assert_override,
            interval_s: s.interval,
        },
        WireMessage::DfElection(election) => df_election(election),
        WireMessage::EcmpRedirect(e) => PimRecord::EcmpRedirect {
            group: GroupRecord::from(&e.group),
            source_address: e.source.into(),
            neighbor_address: e.neighbor.into(),
            neighbor_interface_id: e.neighbor_interface_id,
            preference: e.preference,
            metric: e.metric,
        },
        WireMessage::Flooding(m) => PimRecord::Flooding {
            originator_address: m.originator.into(),
            no_forward: m.no_forward(),
            tlvs: m
                .tlvs()
                .map(|t| FloodingTlvRecord {
                    transitive: t.transitive,
                    tlv_type: t.tlv_type,
                    length: t.value.len(),
                })
                .collect(),
        },
        WireMessage::PackedNullRegister(p) => PimRecord::PackedNullRegister {
            count: p.count(),
            records: packed(p),
        },
        WireMessage::PackedRegisterStop(p) => PimRecord::PackedRegisterStop {
            count: p.count(),
            records: packed(p),
        },
        WireMessage::Unknown(u) => PimRecord::Unknown {
            pim_type: u.header.type_code().0,
            subtype: u.header.subtype(),
        },
    }
}

fn packed<F: IpFamily>(p: &mcast_pim::wire::Packed<'_, F>) -> Vec<PackedRecord> {
    p.records()
        .map(|(group, source)| PackedRecord {
            group: GroupRecord::from(&group),
            source_address: source.into(),
        })
        .collect()
}

fn df_election<F: IpFamily>(election: &mcast_pim::wire::DfElection<F>) -> PimRecord {
    let (subtype_name, backoff, pass) = match election.kind {
        DfElectionKind::Offer => ("offer", None, None),
        DfElectionKind::Winner => ("winner", None, None),
        DfElectionKind::Backoff {
            offering_address,
            offering_metric_preference,
            offering_metric,
            interval_ms,
        } => (
            "backoff",
            Some((
                offering_address.into(),
                offering_metric_preference,
                offering_metric,
                interval_ms,
            )),
            None,
        ),
        DfElectionKind::Pass {
            new_winner_address,
            new_winner_metric_preference,
            new_winner_metric,
        } => (
            "pass",
            None,
            Some((
                new_winner_address.into(),
                new_winner_metric_preference,
                new_winner_metric,
            )),
        ),
    };
    PimRecord::DfElection {
        subtype: election.kind.subtype(),
        subtype_name,
        rp_address: election.rp.into(),
        sender_metric_preference: election.sender_metric_preference,
        sender_metric: election.sender_metric,
        offering_address: backoff.map(|b| b.0),
        offering_metric_preference: backoff.map(|b| b.1),
        offering_metric: backoff.map(|b| b.2),
        interval_ms: backoff.map(|b| b.3),
        new_winner_address: pass.map(|p| p.0),
        new_winner_metric_preference: pass.map(|p| p.1),
        new_winner_metric: pass.map(|p| p.2),
    }
}
