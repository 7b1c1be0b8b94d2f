//! A generated capture of mixed multicast control traffic, for benchmarks: every message is
//! built by the protocol crates' own builders, wrapped in Ethernet and IP by `etherparse`, and
//! written as pcap by `pcap-file`.
//!
//! The mix, repeated: IGMPv2 query and report, IGMPv3 report, MLDv2 report, PIM Hello,
//! Join/Prune and Register (IPv4), PIM Hello (IPv6), DVMRP Report, and an MSDP connection whose
//! Source-Actives and KeepAlives follow each other with advancing TCP sequence numbers.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::net::{Ipv4Addr, Ipv6Addr};
use std::path::Path;
use std::time::Duration;

use etherparse::{IpNumber, PacketBuilder};
use mcast_addr::family::{Ipv4, Ipv6};
use mcast_dvmrp::wire::{Metric, ReportBuilder, Route};
use mcast_igmp::wire::{
    GroupRecordBuilder, IgmpV1V2Builder, MaxRespTime, RecordType, ReportV3Builder,
};
use mcast_msdp::wire::{Keepalive, Message as MsdpMessage, SaEntry, SourceActive};
use mcast_pim::wire::{
    EncodedGroup, EncodedSource, GroupSetRepr, HelloRepr, Holdtime, JoinPruneRepr, MessageRepr,
    PseudoHeader, RegisterRepr,
};
use pcap_file::pcap::{PcapPacket, PcapWriter};

/// Why a capture could not be generated.
#[derive(Debug)]
pub struct GenerateError(String);

impl std::fmt::Display for GenerateError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for GenerateError {}

fn error(e: impl std::fmt::Display) -> GenerateError {
    GenerateError(e.to_string())
}

const HOST_MAC: [u8; 6] = [0x02, 0, 0, 0, 0, 0x01];
const ROUTER_MAC: [u8; 6] = [0x02, 0, 0, 0, 0, 0x02];

fn ipv4_frame(
    source: Ipv4Addr,
    destination: Ipv4Addr,
    protocol: u8,
    payload: &[u8],
) -> Result<Vec<u8>, GenerateError> {
    let builder = PacketBuilder::ethernet2(HOST_MAC, ROUTER_MAC).ipv4(
        source.octets(),
        destination.octets(),
        1,
    );
    let mut frame = Vec::with_capacity(builder.size(payload.len()));
    builder
        .write(&mut frame, IpNumber(protocol), payload)
        .map_err(error)?;
    Ok(frame)
}

fn ipv6_frame(
    source: Ipv6Addr,
    destination: Ipv6Addr,
    next_header: u8,
    payload: &[u8],
) -> Result<Vec<u8>, GenerateError> {
    let builder = PacketBuilder::ethernet2(HOST_MAC, ROUTER_MAC).ipv6(
        source.octets(),
        destination.octets(),
        1,
    );
    let mut frame = Vec::with_capacity(builder.size(payload.len()));
    builder
        .write(&mut frame, IpNumber(next_header), payload)
        .map_err(error)?;
    Ok(frame)
}

/// The frames of one round of the mix, except MSDP (whose sequence numbers advance).
#[allow(clippy::too_many_lines, reason = "one block per message of the mix")]
fn templates() -> Result<Vec<Vec<u8>>, GenerateError> {
    let host = Ipv4Addr::new(192, 0, 2, 10);
    let router = Ipv4Addr::new(192, 0, 2, 1);
    let group = Ipv4Addr::new(239, 1, 2, 3);
    let mut frames = Vec::new();
    let mut buf = [0u8; 1500];

    // IGMPv2 General Query and Report.
    let query = IgmpV1V2Builder::query_v2(MaxRespTime::DEFAULT, Ipv4Addr::UNSPECIFIED);
    let len = query.emit(&mut buf).map_err(error)?;
    frames.push(ipv4_frame(router, query.destination(), 2, &buf[..len])?);
    let report = IgmpV1V2Builder::report_v2(group);
    let len = report.emit(&mut buf).map_err(error)?;
    frames.push(ipv4_frame(host, group, 2, &buf[..len])?);

    // IGMPv3 Report with two records.
    let sources = [
        Ipv4Addr::new(198, 51, 100, 1),
        Ipv4Addr::new(198, 51, 100, 2),
    ];
    let records = [
        (RecordType::ModeIsInclude, group),
        (RecordType::AllowNewSources, Ipv4Addr::new(232, 1, 1, 1)),
    ]
    .into_iter()
    .map(
        |(record_type, multicast_address)| GroupRecordBuilder::<Ipv4, _> {
            record_type,
            multicast_address,
            sources: sources.iter().copied(),
            auxiliary_data: &[],
        },
    );
    let report = ReportV3Builder::new(records);
    let len = report
        .emit(&mut buf, host, report.destination())
        .map_err(error)?;
    frames.push(ipv4_frame(host, report.destination(), 2, &buf[..len])?);

    // MLDv2 Report.
    let host6: Ipv6Addr = "fe80::10".parse().map_err(error)?;
    let group6: Ipv6Addr = "ff3e::8000:1".parse().map_err(error)?;
    let mld_source: Ipv6Addr = "2001:db8::1".parse().map_err(error)?;
    let records = [(RecordType::ModeIsInclude, group6)].into_iter().map(
        |(record_type, multicast_address)| GroupRecordBuilder::<Ipv6, _> {
            record_type,
            multicast_address,
            sources: [mld_source].into_iter(),
            auxiliary_data: &[],
        },
    );
    let report = ReportV3Builder::new(records);
    let len = report
        .emit(&mut buf, host6, report.destination())
        .map_err(error)?;
    frames.push(ipv6_frame(host6, report.destination(), 58, &buf[..len])?);

    // PIM Hello and Join/Prune (IPv4).
    let all_pim_routers = Ipv4Addr::new(224, 0, 0, 13);
    let ph = PseudoHeader::<Ipv4>::new(router, all_pim_routers);
    let hello = MessageRepr::Hello(HelloRepr::new(Holdtime(105), 1, 0x1234_5678));
    frames.push(ipv4_frame(
        router,
        all_pim_routers,
        103,
        &hello.to_bytes(&ph).map_err(error)?,
    )?);
    let rp = Ipv4Addr::new(10, 9, 9, 9);
    let mut set = GroupSetRepr::new(EncodedGroup::host(group));
    set.joins.push(EncodedSource::star_group(rp).into());
    for i in 1..=3u8 {
        set.joins
            .push(EncodedSource::source_group(Ipv4Addr::new(10, 1, 1, i)).into());
    }
    let mut join = JoinPruneRepr::<Ipv4>::new(Ipv4Addr::new(192, 0, 2, 2), Holdtime(210));
    join.groups.push(set);
    frames.push(ipv4_frame(
        router,
        all_pim_routers,
        103,
        &MessageRepr::JoinPrune(join).to_bytes(&ph).map_err(error)?,
    )?);

    // PIM Register carrying a small UDP packet, to the RP.
    let mut inner = Vec::new();
    PacketBuilder::ipv4([10, 1, 1, 1], group.octets(), 15)
        .udp(5000, 5000)
        .write(&mut inner, &[0u8; 64])
        .map_err(error)?;
    let register = MessageRepr::Register(RegisterRepr {
        flag_bits: 0,
        border: false,
        null_register: false,
        reserved: 0,
        inner,
        checksum_coverage: mcast_pim::wire::ChecksumCoverage::Standard,
    });
    let ph_rp = PseudoHeader::<Ipv4>::new(router, rp);
    frames.push(ipv4_frame(
        router,
        rp,
        103,
        &register.to_bytes(&ph_rp).map_err(error)?,
    )?);

    // PIM Hello (IPv6).
    let router6: Ipv6Addr = "fe80::1".parse().map_err(error)?;
    let all_pim_routers6: Ipv6Addr = "ff02::d".parse().map_err(error)?;
    let ph6 = PseudoHeader::<Ipv6>::new(router6, all_pim_routers6);
    let hello6 = MessageRepr::Hello(HelloRepr::<Ipv6>::new(Holdtime(105), 1, 0x9abc_def0));
    frames.push(ipv6_frame(
        router6,
        all_pim_routers6,
        103,
        &hello6.to_bytes(&ph6).map_err(error)?,
    )?);

    // DVMRP Report.
    let one = Metric::new(1).ok_or_else(|| error("metric"))?;
    let dvmrp_routes = [
        Route::new(Ipv4Addr::new(10, 0, 0, 0), 8, one).map_err(error)?,
        Route::new(Ipv4Addr::new(192, 168, 1, 0), 24, one).map_err(error)?,
        Route::new(Ipv4Addr::new(192, 168, 2, 0), 24, one.poison_reversed()).map_err(error)?,
    ];
    let mut builder = ReportBuilder::new(&dvmrp_routes, 1500).map_err(error)?;
    if let Some(len) = builder.emit_next(&mut buf).map_err(error)? {
        frames.push(ipv4_frame(
            router,
            Ipv4Addr::new(224, 0, 0, 4),
            2,
            &buf[..len],
        )?);
    }
    Ok(frames)
}

/// The MSDP messages one peer sends, in turn.
fn msdp_payloads() -> Result<Vec<Vec<u8>>, GenerateError> {
    let entries = [
        SaEntry::new(Ipv4Addr::new(10, 1, 1, 1), Ipv4Addr::new(239, 1, 2, 3)),
        SaEntry::new(Ipv4Addr::new(10, 1, 1, 2), Ipv4Addr::new(239, 1, 2, 4)),
    ];
    let sa = MsdpMessage::SourceActive(SourceActive {
        rp_address: Ipv4Addr::new(10, 9, 9, 9),
        entries: &entries,
        encapsulated_data: &[],
    });
    let keepalive = MsdpMessage::Keepalive(Keepalive::default());
    [sa, keepalive]
        .iter()
        .map(|m| {
            let mut buf = vec![0u8; m.buffer_len()];
            m.emit(&mut buf).map_err(error)?;
            Ok(buf)
        })
        .collect()
}

/// Writes a pcap of `frames` generated frames to `writer`.
///
/// # Errors
/// The writer's errors, or a builder's (which would be a bug).
pub fn write(writer: impl Write, frames: u64) -> Result<(), GenerateError> {
    let templates = templates()?;
    let msdp = msdp_payloads()?;
    let mut pcap = PcapWriter::new(writer).map_err(error)?;
    let peer_a = Ipv4Addr::new(192, 0, 2, 100);
    let peer_b = Ipv4Addr::new(198, 51, 100, 200);
    let mut sequence: u32 = 1000;
    // One MSDP frame after every round of the other templates.
    let round = templates.len().saturating_add(1);
    let mut msdp_turn = 0usize;
    let mut frame = Vec::with_capacity(256);
    for n in 0..frames {
        let time =
            Duration::from_micros(1_700_000_000_000_000u64.saturating_add(n.saturating_mul(100)));
        let slot = usize::try_from(n % round as u64).unwrap_or(0);
        let data: &[u8] = if let Some(template) = templates.get(slot) {
            template
        } else {
            let payload = &msdp[msdp_turn % msdp.len()];
            msdp_turn = msdp_turn.wrapping_add(1);
            frame.clear();
            PacketBuilder::ethernet2(HOST_MAC, ROUTER_MAC)
                .ipv4(peer_a.octets(), peer_b.octets(), 64)
                .tcp(639, 40000, sequence, 16384)
                .psh()
                .write(&mut frame, payload)
                .map_err(error)?;
            sequence = sequence.wrapping_add(u32::try_from(payload.len()).unwrap_or(0));
            &frame
        };
        let len = u32::try_from(data.len()).unwrap_or(u32::MAX);
        pcap.write_packet(&PcapPacket::new(time, len, data))
            .map_err(error)?;
    }
    Ok(())
}

/// Writes a pcap of `frames` generated frames to the file at `path`.
///
/// # Errors
/// The file's errors.
pub fn write_file(path: &Path, frames: u64) -> Result<(), GenerateError> {
    let file = File::create(path).map_err(error)?;
    let mut out = BufWriter::new(file);
    write(&mut out, frames)?;
    out.flush().map_err(error)
}
