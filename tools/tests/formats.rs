//! Containers and link layers: the same IP packets in pcap and pcapng, behind Ethernet, an
//! 802.1Q tag, Linux cooked headers v1 and v2, or nothing (raw IP), decode to the same records;
//! MSDP is reassembled across segments that arrive out of order and twice.

use std::borrow::Cow;
use std::io::Cursor;
use std::time::Duration;

use etherparse::PacketBuilder;
use mcast_testkit::{read_link_frames, skip_without_captures};
use mcast_tools::capture::CaptureReader;
use mcast_tools::decode::{Body, Decoder, Message, MsdpRecord, ProtocolSet, Record};
use pcap_file::DataLink;
use pcap_file::pcap::{PcapHeader, PcapPacket, PcapWriter};
use pcap_file::pcapng::PcapNgWriter;
use pcap_file::pcapng::blocks::enhanced_packet::EnhancedPacketBlock;
use pcap_file::pcapng::blocks::interface_description::{
    InterfaceDescriptionBlock, InterfaceDescriptionOption,
};

fn decode_bytes(capture: &[u8]) -> Vec<Record> {
    let mut reader = CaptureReader::new(Cursor::new(capture)).unwrap();
    let mut decoder = Decoder::new(ProtocolSet::ALL);
    let mut records = Vec::new();
    while let Some(frame) = reader.next_frame() {
        decoder.decode_frame(&frame.unwrap(), &mut records);
    }
    records
}

fn pcap(link: DataLink, frames: &[Vec<u8>]) -> Vec<u8> {
    let header = PcapHeader {
        datalink: link,
        ..PcapHeader::default()
    };
    let mut writer = PcapWriter::with_header(Vec::new(), header).unwrap();
    for (i, f) in frames.iter().enumerate() {
        let time = Duration::from_millis(1_000 + i as u64);
        writer
            .write_packet(&PcapPacket::new(time, f.len() as u32, f))
            .unwrap();
    }
    writer.into_writer()
}

/// The IP packets of a capture's Ethernet frames (no VLAN tags in these captures).
fn ip_packets(name: &str) -> Vec<Vec<u8>> {
    read_link_frames(name)
        .into_iter()
        .map(|(_, frame)| frame[14..].to_vec())
        .collect()
}

/// The records without what differs between encapsulations of the same packets.
fn essence(records: &[Record]) -> Vec<String> {
    records
        .iter()
        .map(|r| {
            let mut r = r.clone();
            r.time = Duration::ZERO;
            serde_json::to_string(&r).unwrap()
        })
        .collect()
}

fn ethernet(ip: &[u8], vlan: bool) -> Vec<u8> {
    let mut f = vec![0x01, 0, 0x5e, 0, 0, 1, 2, 0, 0, 0, 0, 1];
    if vlan {
        f.extend_from_slice(&[0x81, 0x00, 0x00, 0x2a]);
    }
    f.extend_from_slice(&[0x08, 0x00]);
    f.extend_from_slice(ip);
    f
}

fn sll(ip: &[u8]) -> Vec<u8> {
    // Packet type (multicast), ARPHRD_ETHER, address length, address (8 bytes), protocol.
    let mut f = vec![0, 2, 0, 1, 0, 6, 2, 0, 0, 0, 0, 1, 0, 0, 0x08, 0x00];
    f.extend_from_slice(ip);
    f
}

fn sll2(ip: &[u8]) -> Vec<u8> {
    // Protocol, reserved, interface index, ARPHRD_ETHER, packet type, address length, address.
    let mut f = vec![
        0x08, 0x00, 0, 0, 0, 0, 0, 3, 0, 1, 2, 6, 2, 0, 0, 0, 0, 1, 0, 0,
    ];
    f.extend_from_slice(ip);
    f
}

#[test]
fn every_link_layer_gives_the_same_records() {
    if skip_without_captures() {
        return;
    }
    for name in ["tcpdump/PIMv2_hellos.pcap", "tcpdump/IGMP_V2.pcap"] {
        let packets = ip_packets(name);
        let reference = decode_bytes(&pcap(
            DataLink::ETHERNET,
            &packets
                .iter()
                .map(|p| ethernet(p, false))
                .collect::<Vec<_>>(),
        ));
        assert_eq!(reference.len(), packets.len(), "{name}");
        let variants = [
            (
                "VLAN",
                pcap(
                    DataLink::ETHERNET,
                    &packets
                        .iter()
                        .map(|p| ethernet(p, true))
                        .collect::<Vec<_>>(),
                ),
            ),
            (
                "SLL",
                pcap(
                    DataLink::LINUX_SLL,
                    &packets.iter().map(|p| sll(p)).collect::<Vec<_>>(),
                ),
            ),
            (
                "SLL2",
                pcap(
                    DataLink::LINUX_SLL2,
                    &packets.iter().map(|p| sll2(p)).collect::<Vec<_>>(),
                ),
            ),
            ("raw IP", pcap(DataLink::RAW, &packets)),
            ("IPv4 link type", pcap(DataLink::IPV4, &packets)),
        ];
        for (label, capture) in variants {
            assert_eq!(
                essence(&decode_bytes(&capture)),
                essence(&reference),
                "{name} {label}"
            );
        }
    }
}

#[test]
fn pcapng_with_nanosecond_timestamps() {
    if skip_without_captures() {
        return;
    }
    let packets = ip_packets("tcpdump/PIM-SM_join_prune.pcap");
    let mut writer = PcapNgWriter::new(Vec::new()).unwrap();
    let mut interface = InterfaceDescriptionBlock::new(DataLink::ETHERNET, 0xffff);
    // Nanosecond ticks (10^-9).
    interface
        .options
        .push(InterfaceDescriptionOption::IfTsResol(9));
    writer.write_pcapng_block(interface).unwrap();
    // A second interface, raw IP, with the default microsecond ticks.
    writer
        .write_pcapng_block(InterfaceDescriptionBlock::new(DataLink::RAW, 0xffff))
        .unwrap();
    for (i, p) in packets.iter().enumerate() {
        let (interface_id, data, ticks) = if i % 2 == 0 {
            (0, ethernet(p, false), 1_700_000_000_123_456_789u64)
        } else {
            (1, p.clone(), 1_700_000_000_123_456u64)
        };
        let block = EnhancedPacketBlock {
            interface_id,
            // pcap-file writes the Duration's nanoseconds as the raw 64-bit tick count.
            timestamp: Duration::from_nanos(ticks),
            original_len: data.len() as u32,
            data: Cow::Owned(data),
            options: vec![],
        };
        writer.write_pcapng_block(block).unwrap();
    }
    let capture = writer.into_inner();
    let records = decode_bytes(&capture);
    let reference = decode_bytes(&pcap(
        DataLink::ETHERNET,
        &packets
            .iter()
            .map(|p| ethernet(p, false))
            .collect::<Vec<_>>(),
    ));
    assert_eq!(essence(&records), essence(&reference));
    let expected = Duration::new(1_700_000_000, 123_456_789);
    assert_eq!(records[0].time, expected);
    assert_eq!(records[1].time, Duration::new(1_700_000_000, 123_456_000));
}

/// A TCP segment of an MSDP connection from 10.0.0.2:639 to 10.0.0.3:40000.
fn msdp_segment(sequence: u32, payload: &[u8]) -> Vec<u8> {
    let mut frame = Vec::new();
    PacketBuilder::ethernet2([2, 0, 0, 0, 0, 2], [2, 0, 0, 0, 0, 3])
        .ipv4([10, 0, 0, 2], [10, 0, 0, 3], 64)
        .tcp(639, 40000, sequence, 8192)
        .write(&mut frame, payload)
        .unwrap();
    frame
}

#[test]
fn msdp_reassembles_out_of_order_and_retransmitted_segments() {
    // A Source-Active with two entries (3 + 1 + 4 + 24 = 32 bytes) and a KeepAlive.
    let mut stream = vec![1, 0, 32, 2, 10, 0, 0, 9];
    for (s, g) in [
        ([10, 1, 1, 1], [239, 1, 1, 1]),
        ([10, 1, 1, 2], [239, 1, 1, 2]),
    ] {
        stream.extend_from_slice(&[0, 0, 0, 32]);
        stream.extend_from_slice(&g);
        stream.extend_from_slice(&s);
    }
    stream.extend_from_slice(&[4, 0, 3]);
    let base = 5000u32;
    let seg = |from: usize, to: usize| msdp_segment(base + from as u32, &stream[from..to]);
    let frames = vec![
        seg(0, 10),  // 1: the start
        seg(20, 35), // 2: ahead of a gap: held
        seg(0, 10),  // 3: a retransmission: ignored
        seg(10, 20), // 4: fills the gap: the SA and the KeepAlive complete here
    ];
    let records = decode_bytes(&pcap(DataLink::ETHERNET, &frames));
    let kinds: Vec<(u64, &str)> = records
        .iter()
        .map(|r| (r.frame, r.message().unwrap().type_name()))
        .collect();
    assert_eq!(kinds, [(4, "source_active"), (4, "keepalive")]);
    let Body::Message(Message::Msdp(MsdpRecord::SourceActive(sa))) = &records[0].body else {
        panic!("{:?}", records[0]);
    };
    assert_eq!(sa.entry_count, 2);
    assert_eq!(sa.entries[1].source_address.to_string(), "10.1.1.2");
    assert_eq!(records[0].source_port, Some(639));
    assert_eq!(records[0].length, 32);
}

#[test]
fn msdp_format_error_is_one_record_and_the_stream_stops() {
    // A TLV with Length 2 (below the minimum of 3), then a KeepAlive that cannot be framed.
    let frames = vec![msdp_segment(1, &[4, 0, 2]), msdp_segment(4, &[4, 0, 3])];
    let records = decode_bytes(&pcap(DataLink::ETHERNET, &frames));
    assert_eq!(records.len(), 1);
    let error = records[0].error().unwrap();
    assert_eq!(error.offset, Some(1));
    assert!(error.error.contains("length 2"), "{}", error.error);
}
