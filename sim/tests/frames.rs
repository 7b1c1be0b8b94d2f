//! Every frame of the demo's capture, checked field by field without tshark: the multicast MAC
//! address of the destination (RFC 1112 §6.4, RFC 2464 §7), the IP envelope of IGMP
//! (RFC 2236 §2, RFC 3376/9776 §4: TTL 1, Router Alert, ToS 0xc0 for IGMPv3) and of MLD
//! (RFC 3810 §5: hop limit 1, link-local source, Hop-by-Hop Router Alert), and every checksum.

use std::net::IpAddr;
use std::time::Duration;

use etherparse::{EtherType, Ethernet2Header, IpSlice};
use mcast_addr::checksum::is_valid;
use mcast_addr::{Ipv4MulticastAddr, Ipv6MulticastAddr, MacAddr};
use mcast_igmp::wire::{IgmpMessage, MldMessage};
use mcast_sim::demo::scenario;
use mcast_sim::{Recorder, What};

fn demo_recorder(seed: u64) -> Recorder {
    let (mut sim, _) = scenario(seed).unwrap();
    sim.run_until(Duration::from_secs(300)).unwrap();
    sim.recorder().clone()
}

#[test]
fn every_frame_has_the_envelope_the_rfcs_require() {
    let recorder = demo_recorder(3);
    assert!(recorder.frames().len() > 40);
    let (mut ipv4, mut ipv6) = (0, 0);
    for (number, frame) in recorder.frames().iter().enumerate() {
        let (ethernet, packet) = Ethernet2Header::from_slice(&frame.bytes).unwrap();
        let ip = IpSlice::from_slice(packet).unwrap();
        let expected_mac = match ip.destination_addr() {
            IpAddr::V4(v4) => Ipv4MulticastAddr::new(v4).unwrap().to_mac(),
            IpAddr::V6(v6) => Ipv6MulticastAddr::new(v6).unwrap().to_mac(),
        };
        assert_eq!(
            MacAddr::from_octets(ethernet.destination),
            expected_mac,
            "frame {number}"
        );
        let source_mac = MacAddr::from_octets(ethernet.source);
        assert!(source_mac.is_unicast() && source_mac.is_locally_administered());
        let payload = ip.payload().payload;
        match &ip {
            IpSlice::Ipv4(v4) => {
                ipv4 += 1;
                assert_eq!(ethernet.ether_type, EtherType::IPV4);
                let header = v4.header();
                assert_eq!(header.ttl(), 1, "frame {number}");
                assert_eq!(header.protocol().0, 2);
                assert_eq!(
                    header.options(),
                    [0x94, 0x04, 0, 0],
                    "Router Alert, frame {number}"
                );
                assert!(
                    is_valid(header.slice()),
                    "IPv4 header checksum, frame {number}"
                );
                assert!(is_valid(payload), "IGMP checksum, frame {number}");
                let message = IgmpMessage::parse(payload).unwrap();
                let version_3 =
                    matches!(message, IgmpMessage::QueryV3(_) | IgmpMessage::ReportV3(_));
                let tos = if version_3 { 0xc0 } else { 0 };
                assert_eq!(header.slice()[1], tos, "ToS, frame {number}");
            }
            IpSlice::Ipv6(v6) => {
                ipv6 += 1;
                assert_eq!(ethernet.ether_type, EtherType::IPV6);
                let header = v6.header();
                assert_eq!(header.hop_limit(), 1, "frame {number}");
                assert!(header.source_addr().is_unicast_link_local());
                assert_eq!(header.next_header().0, 0, "Hop-by-Hop Options first");
                // Next header ICMPv6, length 0, Router Alert (5) of length 2 with value 0 (MLD).
                assert_eq!(&packet[40..46], [58, 0, 5, 2, 0, 0], "frame {number}");
                assert_eq!(ip.payload_ip_number().0, 58);
                // Parsing verifies the checksum over the pseudo-header.
                MldMessage::parse(payload, header.source_addr(), header.destination_addr())
                    .unwrap();
            }
        }
    }
    assert!(ipv4 > 20 && ipv6 > 10, "{ipv4} IPv4 and {ipv6} IPv6 frames");
}

#[test]
fn the_timeline_and_the_capture_agree() {
    let recorder = demo_recorder(5);
    let sent: Vec<usize> = recorder
        .entries()
        .iter()
        .filter_map(|entry| match &entry.what {
            What::Sent { frame, .. } => Some(*frame),
            _ => None,
        })
        .collect();
    assert_eq!(sent, (0..recorder.frames().len()).collect::<Vec<_>>());
    for entry in recorder.entries() {
        if let What::Sent {
            frame, destination, ..
        } = &entry.what
        {
            let frame = &recorder.frames()[*frame];
            assert_eq!(frame.time, entry.time);
            let ip = IpSlice::from_slice(&frame.bytes[14..]).unwrap();
            assert_eq!(ip.destination_addr(), *destination);
            assert_eq!(Some(ip.source_addr()), entry.address);
        }
    }
    let counted: usize = recorder.message_counts().values().sum();
    assert_eq!(counted, recorder.frames().len());
}

#[test]
fn the_pcap_holds_every_frame_with_its_time() {
    let recorder = demo_recorder(9);
    let mut bytes = Vec::new();
    recorder.write_pcap(&mut bytes).unwrap();
    // Nanosecond-resolution magic, big-endian; Ethernet link type.
    assert_eq!(&bytes[..4], [0xa1, 0xb2, 0x3c, 0x4d]);
    assert_eq!(&bytes[20..24], [0, 0, 0, 1]);
    let mut reader = pcap_file::pcap::PcapReader::new(&bytes[..]).unwrap();
    let mut frames = recorder.frames().iter();
    while let Some(packet) = reader.next_packet() {
        let packet = packet.unwrap();
        let frame = frames.next().unwrap();
        assert_eq!(packet.timestamp, frame.time);
        assert_eq!(packet.data, frame.bytes);
        assert_eq!(packet.orig_len as usize, frame.bytes.len());
    }
    assert!(frames.next().is_none());
}
