//! IGMP, MLD and DVMRP (which rides in IGMP): from the `mcast-igmp` and `mcast-dvmrp` views to
//! records.

use std::net::Ipv6Addr;

use mcast_dvmrp::DvmrpError;
use mcast_dvmrp::wire::{Body as DvmrpWireBody, ChecksumPolicy, Message as DvmrpMessage};
use mcast_igmp::wire::{
    GmpFamily, GroupRecords, IgmpMessage, IgmpType, MldMessage, MldType, QueryV3, RawMessage,
    ReportV3, RouterAdvertisement as WireRouterAdvertisement,
};

use super::Decoded;
use super::record::{
    Body, ChecksumStatus, DecodeError, DvmrpBody, DvmrpHeader, DvmrpInfoItem, DvmrpInterface,
    DvmrpRecord, DvmrpRoute, GroupRecord, IgmpRecord, Message, MldRecord, Protocol, Query,
    QueryV3Fields, Report, RouterAdvertisement,
};

/// IGMP type of DVMRP messages.
const DVMRP_TYPE: u8 = 0x13;

/// ICMPv6 types that belong to MLD and IPv6 Multicast Router Discovery; other ICMPv6 messages
/// are not ours.
#[must_use]
pub fn is_mld_type(icmpv6_type: u8) -> bool {
    matches!(icmpv6_type, 130..=132 | 143 | 151..=153)
}

fn duration_ms(d: std::time::Duration) -> u64 {
    u64::try_from(d.as_millis()).unwrap_or(u64::MAX)
}

/// Decodes the IGMP message `bytes` (an IP payload of protocol 2), DVMRP included.
#[must_use]
pub fn decode_igmp(bytes: &[u8]) -> Decoded {
    let (parsed, checksum) = match IgmpMessage::parse(bytes) {
        Ok(m) => (Ok(m), Some(ChecksumStatus::Good)),
        Err(mcast_igmp::Error::Checksum { .. }) => (
            IgmpMessage::parse_skipping_checksum(bytes),
            Some(ChecksumStatus::Bad),
        ),
        Err(e) => (Err(e), None),
    };
    let message = match parsed {
        Ok(m) => m,
        Err(e) => {
            let first = bytes.first().copied();
            let protocol = if first == Some(DVMRP_TYPE) {
                Protocol::Dvmrp
            } else {
                Protocol::Igmp
            };
            let message_type = first.map(|t| igmp_type_name(protocol, t));
            return Decoded {
                protocol,
                checksum,
                body: Body::Error(igmp_error(message_type, &e)),
            };
        }
    };
    if let IgmpMessage::Other(raw) = message
        && raw.message_type() == DVMRP_TYPE
    {
        return Decoded {
            protocol: Protocol::Dvmrp,
            checksum,
            body: decode_dvmrp(raw),
        };
    }
    let record = match message {
        IgmpMessage::QueryV1(m) | IgmpMessage::QueryV2(m) => {
            let version = if matches!(message, IgmpMessage::QueryV1(_)) {
                1
            } else {
                2
            };
            IgmpRecord::Query(Query {
                version,
                max_resp_code: u16::from(m.max_resp_time().tenths()),
                max_response_time_ms: duration_ms(m.max_resp_time().duration()),
                group_address: m.group_address(),
                v3: None,
            })
        }
        IgmpMessage::QueryV3(q) => IgmpRecord::Query(query_v3(&q)),
        IgmpMessage::ReportV1(m) | IgmpMessage::ReportV2(m) => IgmpRecord::Report(Report {
            version: if matches!(message, IgmpMessage::ReportV1(_)) {
                1
            } else {
                2
            },
            group_address: Some(m.group_address()),
            number_of_group_records: None,
            group_records: None,
        }),
        IgmpMessage::LeaveGroup(m) => IgmpRecord::Leave {
            group_address: m.group_address(),
        },
        IgmpMessage::ReportV3(r) => IgmpRecord::Report(report_v3(&r)),
        IgmpMessage::RouterAdvertisement(a) => {
            IgmpRecord::RouterAdvertisement(router_advertisement(&a))
        }
        IgmpMessage::RouterSolicitation(_) => IgmpRecord::RouterSolicitation,
        IgmpMessage::RouterTermination(_) => IgmpRecord::RouterTermination,
        IgmpMessage::Other(raw) => other(raw),
        // A message kind added to the codec later: shown by its type, like any other.
        _ => IgmpRecord::Other {
            igmp_type: u8::from(message.message_type()),
            name: message.message_type().name(),
            code: bytes.get(1).copied().unwrap_or(0),
        },
    };
    Decoded {
        protocol: Protocol::Igmp,
        checksum,
        body: Body::Message(Message::Igmp(record)),
    }
}

/// A `Body::Message` with no checksum outcome for an IGMP type the crates leave raw.
fn other(raw: RawMessage<'_>) -> IgmpRecord {
    IgmpRecord::Other {
        igmp_type: raw.message_type(),
        name: IgmpType::from(raw.message_type()).name(),
        code: raw.code(),
    }
}

fn igmp_type_name(protocol: Protocol, igmp_type: u8) -> &'static str {
    if protocol == Protocol::Dvmrp {
        return "dvmrp";
    }
    match igmp_type {
        0x11 => "query",
        0x12 | 0x16 | 0x22 => "report",
        0x17 => "leave",
        0x30 => "router_advertisement",
        0x31 => "router_solicitation",
        0x32 => "router_termination",
        _ => "other",
    }
}

fn igmp_error(message_type: Option<&'static str>, error: &mcast_igmp::Error) -> DecodeError {
    let offset = match error {
        mcast_igmp::Error::Truncated { offset, .. } | mcast_igmp::Error::Invalid { offset, .. } => {
            Some(*offset)
        }
        mcast_igmp::Error::Checksum { .. } => Some(2),
        _ => None,
    };
    DecodeError {
        message_type,
        error: error.to_string(),
        offset,
    }
}

fn query_v3<F: GmpFamily>(q: &QueryV3<'_, F>) -> Query<F::Addr> {
    let qqic = q.querier_query_interval_code();
    Query {
        version: F::SOURCE_FILTERING_VERSION,
        max_resp_code: F::max_resp_code_to_raw(q.max_resp_code()),
        max_response_time_ms: duration_ms(q.max_response_time()),
        group_address: q.group_address(),
        v3: Some(QueryV3Fields {
            suppress_router_side_processing: q.suppress_router_side_processing(),
            querier_robustness_variable: q.querier_robustness_variable(),
            querier_query_interval_code: qqic.code(),
            querier_query_interval_s: qqic.units(),
            number_of_sources: q.number_of_sources(),
            source_addresses: q.sources().collect(),
        }),
    }
}

fn report_v3<F: GmpFamily>(r: &ReportV3<'_, F>) -> Report<F::Addr> {
    Report {
        version: F::SOURCE_FILTERING_VERSION,
        group_address: None,
        number_of_group_records: Some(r.number_of_group_records()),
        group_records: Some(group_records(r.group_records())),
    }
}

fn group_records<F: GmpFamily>(records: GroupRecords<'_, F>) -> Vec<GroupRecord<F::Addr>> {
    records
        .map(|g| GroupRecord {
            record_type: u8::from(g.record_type()),
            record_type_name: g.record_type().name(),
            aux_data_len: g.aux_data_len(),
            number_of_sources: g.number_of_sources(),
            multicast_address: g.multicast_address(),
            source_addresses: g.sources().collect(),
        })
        .collect()
}

fn router_advertisement<F: GmpFamily>(a: &WireRouterAdvertisement<'_, F>) -> RouterAdvertisement {
    RouterAdvertisement {
        advertisement_interval_s: a.advertisement_interval(),
        query_interval_s: a.query_interval(),
        robustness_variable: a.robustness_variable(),
    }
}

/// Decodes the MLD message `bytes` (an ICMPv6 message whose type [`is_mld_type`]), the checksum
/// checked over the pseudo-header of `source` and `destination`.
#[must_use]
pub fn decode_mld(bytes: &[u8], source: Ipv6Addr, destination: Ipv6Addr) -> Decoded {
    let (parsed, checksum) = match MldMessage::parse(bytes, source, destination) {
        Ok(m) => (Ok(m), Some(ChecksumStatus::Good)),
        Err(mcast_igmp::Error::Checksum { .. }) => (
            MldMessage::parse_skipping_checksum(bytes),
            Some(ChecksumStatus::Bad),
        ),
        Err(e) => (Err(e), None),
    };
    let record = match parsed {
        Ok(MldMessage::QueryV1(m)) => MldRecord::Query(Query {
            version: 1,
            max_resp_code: m.maximum_response_delay(),
            max_response_time_ms: duration_ms(m.maximum_response_duration()),
            group_address: m.multicast_address(),
            v3: None,
        }),
        Ok(MldMessage::QueryV2(q)) => MldRecord::Query(query_v3(&q)),
        Ok(MldMessage::ReportV1(m)) => MldRecord::Report(Report {
            version: 1,
            group_address: Some(m.multicast_address()),
            number_of_group_records: None,
            group_records: None,
        }),
        Ok(MldMessage::Done(m)) => MldRecord::Done {
            group_address: m.multicast_address(),
        },
        Ok(MldMessage::ReportV2(r)) => MldRecord::Report(report_v3(&r)),
        Ok(MldMessage::RouterAdvertisement(a)) => {
            MldRecord::RouterAdvertisement(router_advertisement(&a))
        }
        Ok(MldMessage::RouterSolicitation(_)) => MldRecord::RouterSolicitation,
        Ok(MldMessage::RouterTermination(_)) => MldRecord::RouterTermination,
        Ok(other) => {
            // Not an MLD type: the caller filters these out with `is_mld_type`.
            let error = format!("ICMPv6 type {} is not MLD", u8::from(other.message_type()));
            return Decoded {
                protocol: Protocol::Mld,
                checksum,
                body: Body::Error(DecodeError {
                    message_type: None,
                    error,
                    offset: Some(0),
                }),
            };
        }
        Err(e) => {
            let message_type = bytes.first().map(|t| match MldType::from(*t) {
                MldType::MulticastListenerQuery => "query",
                MldType::MulticastListenerReportV1 | MldType::MulticastListenerReportV2 => "report",
                MldType::MulticastListenerDone => "done",
                MldType::MulticastRouterAdvertisement => "router_advertisement",
                MldType::MulticastRouterSolicitation => "router_solicitation",
                MldType::MulticastRouterTermination => "router_termination",
                MldType::Unknown(_) => "other",
            });
            return Decoded {
                protocol: Protocol::Mld,
                checksum,
                body: Body::Error(igmp_error(message_type, &e)),
            };
        }
    };
    Decoded {
        protocol: Protocol::Mld,
        checksum,
        body: Body::Message(Message::Mld(record)),
    }
}

/// Decodes the DVMRP message in an IGMP message of type 0x13 (checksum already handled).
fn decode_dvmrp(raw: RawMessage<'_>) -> Body {
    match DvmrpMessage::from_igmp(raw) {
        Ok(m) => Body::Message(Message::Dvmrp(dvmrp_record(&m))),
        Err(e) => Body::Error(dvmrp_error(raw.code(), &e)),
    }
}

/// Decodes a DVMRP message whose checksum is not to be checked (used by tests and tools that
/// hold a DVMRP message alone).
#[must_use]
pub fn decode_dvmrp_bytes(bytes: &[u8]) -> Body {
    match DvmrpMessage::parse(bytes, ChecksumPolicy::Skip) {
        Ok(m) => Body::Message(Message::Dvmrp(dvmrp_record(&m))),
        Err(e) => Body::Error(dvmrp_error(bytes.get(1).copied().unwrap_or(0), &e)),
    }
}

fn dvmrp_error(code: u8, error: &DvmrpError) -> DecodeError {
    let offset = match error {
        DvmrpError::Truncated { offset, .. } | DvmrpError::Invalid { offset, .. } => Some(*offset),
        DvmrpError::Checksum { .. } => Some(2),
        _ => None,
    };
    DecodeError {
        message_type: Some(dvmrp_code_name(code)),
        error: error.to_string(),
        offset,
    }
}

fn dvmrp_code_name(code: u8) -> &'static str {
    match code {
        1 => "probe",
        2 => "report",
        5 => "ask_neighbors2",
        6 => "neighbors2",
        7 => "prune",
        8 => "graft",
        9 => "graft_ack",
        10 => "info_request",
        11 => "info_reply",
        _ => "unknown",
    }
}

fn dvmrp_record(m: &DvmrpMessage<'_>) -> DvmrpRecord {
    let header = DvmrpHeader {
        code: m.code().0,
        major_version: m.header.version.major,
        minor_version: m.header.version.minor,
        capabilities: m.header.capabilities.bits(),
        capability_names: m.header.capabilities.to_string(),
    };
    let body = match &m.body {
        DvmrpWireBody::Probe(p) => DvmrpBody::Probe {
            generation_id: p.generation_id,
            neighbors: p.neighbor_addresses().collect(),
        },
        DvmrpWireBody::Report(r) => DvmrpBody::Report {
            routes: r
                .routes()
                .map(|route| DvmrpRoute {
                    source: route.source(),
                    prefix_len: route.prefix_len(),
                    metric: route.metric().value(),
                })
                .collect(),
        },
        DvmrpWireBody::AskNeighbors2 { .. } => DvmrpBody::AskNeighbors2,
        DvmrpWireBody::Neighbors2(n) => DvmrpBody::Neighbors2 {
            interfaces: n
                .interfaces()
                .map(|i| DvmrpInterface {
                    local_address: i.local_address,
                    metric: i.metric,
                    threshold: i.threshold,
                    flags: i.flags.bits(),
                    flag_names: i.flags.to_string(),
                    neighbors: i.neighbor_addresses().collect(),
                })
                .collect(),
        },
        DvmrpWireBody::Prune(p) => DvmrpBody::Prune {
            source_address: p.source,
            group_address: p.group,
            lifetime_s: p.lifetime_seconds,
            netmask: p.netmask,
        },
        DvmrpWireBody::Graft(g) => DvmrpBody::Graft {
            source_address: g.source,
            group_address: g.group,
            netmask: g.netmask,
        },
        DvmrpWireBody::GraftAck(g) => DvmrpBody::GraftAck {
            source_address: g.source,
            group_address: g.group,
            netmask: g.netmask,
        },
        DvmrpWireBody::InfoRequest(i) => DvmrpBody::InfoRequest {
            items: info_items(i),
        },
        DvmrpWireBody::InfoReply(i) => DvmrpBody::InfoReply {
            items: info_items(i),
        },
        DvmrpWireBody::Unknown { .. } => DvmrpBody::Unknown,
    };
    DvmrpRecord { header, body }
}

fn info_items(info: &mcast_dvmrp::wire::Info<'_>) -> Vec<DvmrpInfoItem> {
    info.items()
        .map(|item| DvmrpInfoItem {
            info_type: item.info_type.0,
            data_length: item.data.len(),
            version: item.version_string().map(str::to_owned),
        })
        .collect()
}
