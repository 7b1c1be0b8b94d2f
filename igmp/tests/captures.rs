//! Every IGMP frame of the shared captures parses with the values tcpdump prints, and re-emits
//! byte-identically.

use core::fmt::Write;
use core::net::{IpAddr, Ipv4Addr};

use mcast_igmp::wire::{IgmpMessage, QueryKind, RecordType};
use mcast_testkit::{frames_with_protocol, proto, skip_without_captures, tcpdump_expected};

/// The tcpdump line of each frame, keyed by frame number (text after the addresses).
fn expected_lines(name: &str) -> Vec<(usize, String)> {
    tcpdump_expected(name)
        .lines()
        .filter_map(|line| {
            let line = line.trim_start();
            let (number, rest) = line.split_once(char::is_whitespace)?;
            let number: usize = number.parse().ok()?;
            let (_, text) = rest.split_once(": ")?;
            Some((number, text.to_string()))
        })
        .collect()
}

/// Parses, checks re-emission, and returns tcpdump-style text for comparison.
fn check_frame(payload: &[u8]) -> String {
    let message = IgmpMessage::parse(payload).expect("capture frame parses");
    let mut out = vec![0u8; payload.len()];
    let n = message.emit(&mut out).unwrap();
    assert_eq!(&out[..n], payload, "re-emitted byte for byte");
    // The builder of the parsed message re-emits the same bytes (these captures have no
    // reserved bits set and no trailing data).
    let mut rebuilt = vec![0u8; 2048];
    let n = match message {
        IgmpMessage::QueryV1(m)
        | IgmpMessage::QueryV2(m)
        | IgmpMessage::ReportV1(m)
        | IgmpMessage::ReportV2(m)
        | IgmpMessage::LeaveGroup(m) => m.to_builder().emit(&mut rebuilt).unwrap(),
        IgmpMessage::QueryV3(q) => q
            .to_builder()
            .emit(&mut rebuilt, Ipv4Addr::UNSPECIFIED, Ipv4Addr::UNSPECIFIED)
            .unwrap(),
        IgmpMessage::ReportV3(r) => {
            mcast_igmp::wire::ReportV3Builder::new(r.group_records().map(|g| g.to_builder()))
                .emit(&mut rebuilt, Ipv4Addr::UNSPECIFIED, Ipv4Addr::UNSPECIFIED)
                .unwrap()
        }
        _ => panic!("unexpected message {message:?}"),
    };
    assert_eq!(
        &rebuilt[..n],
        payload,
        "rebuilt from plain data byte for byte"
    );
    tcpdump_text(&message)
}

/// The line tcpdump 4.99 prints for a message (without -v), from the parsed values.
fn tcpdump_text(message: &IgmpMessage<'_>) -> String {
    match message {
        IgmpMessage::QueryV1(_) => "igmp query v1".into(),
        IgmpMessage::QueryV2(m) => {
            let mut s = String::from("igmp query v2");
            if m.max_resp_time().tenths() != 100 {
                write!(s, " [max resp time {}]", m.max_resp_time().tenths()).unwrap();
            }
            if m.group_address() != Ipv4Addr::UNSPECIFIED {
                write!(s, " [gaddr {}]", m.group_address()).unwrap();
            }
            s
        }
        IgmpMessage::QueryV3(q) => {
            let tenths = q.max_resp_code().units();
            let printed = if tenths == 100 {
                String::new()
            } else if tenths < 600 {
                format!(" [max resp time {}.{}s]", tenths / 10, tenths % 10)
            } else {
                let s = tenths / 10;
                format!(" [max resp time {}m{}s]", s / 60, s % 60)
            };
            format!("igmp query v3{printed}")
        }
        IgmpMessage::ReportV1(m) => format!("igmp v1 report {}", m.group_address()),
        IgmpMessage::ReportV2(m) => format!("igmp v2 report {}", m.group_address()),
        IgmpMessage::LeaveGroup(m) => format!("igmp leave {}", m.group_address()),
        IgmpMessage::ReportV3(r) => {
            format!(
                "igmp v3 report, {} group record(s)",
                r.number_of_group_records()
            )
        }
        other => other.to_string(),
    }
}

fn run(capture: &str, expected: &str) -> usize {
    let frames = frames_with_protocol(capture, proto::IGMP);
    let lines = expected_lines(expected);
    assert!(!frames.is_empty());
    for frame in &frames {
        let text = check_frame(&frame.payload);
        let (_, want) = lines
            .iter()
            .find(|(n, _)| *n == frame.number)
            .unwrap_or_else(|| panic!("no tcpdump line for frame {}", frame.number));
        assert_eq!(&text, want, "frame {}", frame.number);
    }
    frames.len()
}

#[test]
fn igmp_v1_capture() {
    if skip_without_captures() {
        return;
    }
    assert_eq!(run("tcpdump/IGMP_V1.pcap", "igmpv1.out"), 27);
}

#[test]
fn igmp_v2_capture() {
    if skip_without_captures() {
        return;
    }
    assert_eq!(run("tcpdump/IGMP_V2.pcap", "igmpv2.out"), 18);
}

#[test]
fn igmp_v2_packetlife_capture() {
    if skip_without_captures() {
        return;
    }
    let frames = frames_with_protocol("packetlife/IGMPv2_query_and_report.cap", proto::IGMP);
    assert_eq!(frames.len(), 6);
    for frame in &frames {
        check_frame(&frame.payload);
    }
}

#[test]
fn igmp_v3_queries_capture() {
    if skip_without_captures() {
        return;
    }
    let frames = frames_with_protocol("tcpdump/igmpv3-queries.pcap", proto::IGMP);
    assert_eq!(frames.len(), 6);
    let lines = expected_lines("igmpv3-queries.out");
    for frame in &frames {
        let message = IgmpMessage::parse(&frame.payload).unwrap();
        check_frame(&frame.payload);
        let IgmpMessage::QueryV3(q) = message else {
            panic!("frame {} is not a v3 query: {message:?}", frame.number)
        };
        assert_eq!(q.kind(), QueryKind::General);
        assert_eq!(frame.destination, IpAddr::V4(Ipv4Addr::new(224, 0, 0, 1)));
        // tcpdump prints the max resp time unless it is the default 10 s (code 100).
        let (_, want) = lines.iter().find(|(n, _)| *n == frame.number).unwrap();
        assert_eq!(want, &tcpdump_text(&message), "frame {}", frame.number);
    }
}

#[test]
fn igmp_v3_reports_in_eapon1() {
    if skip_without_captures() {
        return;
    }
    let frames = frames_with_protocol("tcpdump/eapon1.pcap", proto::IGMP);
    let numbers: Vec<usize> = frames.iter().map(|f| f.number).collect();
    assert_eq!(numbers, [44, 46]);
    for frame in &frames {
        let text = check_frame(&frame.payload);
        let (_, want) = expected_lines("eapon1.out")
            .into_iter()
            .find(|(n, _)| *n == frame.number)
            .unwrap();
        assert_eq!(text, want);
        let IgmpMessage::ReportV3(r) = IgmpMessage::parse(&frame.payload).unwrap() else {
            panic!()
        };
        let records: Vec<_> = r.group_records().collect();
        assert_eq!(records.len(), 1);
        assert_eq!(records[0].record_type(), RecordType::ChangeToExcludeMode);
        assert_eq!(
            records[0].multicast_address(),
            Ipv4Addr::new(239, 255, 255, 250)
        );
        assert_eq!(records[0].number_of_sources(), 0);
        assert_eq!(frame.destination, IpAddr::V4(Ipv4Addr::new(224, 0, 0, 22)));
    }
}

#[test]
fn other_igmp_types_stay_raw() {
    if skip_without_captures() {
        return;
    }
    for (capture, types) in [
        ("tcpdump/mtrace.pcap", &[0x1e_u8, 0x1f][..]),
        ("tcpdump/mrinfo_query.pcap", &[0x13][..]),
        ("tcpdump/PIM-SM_join_prune.pcap", &[0x14][..]),
    ] {
        let frames = frames_with_protocol(capture, proto::IGMP);
        assert!(!frames.is_empty(), "{capture}");
        for frame in &frames {
            match IgmpMessage::parse(&frame.payload) {
                Ok(IgmpMessage::Other(raw)) => {
                    assert!(types.contains(&raw.message_type()), "{capture}");
                    assert_eq!(raw.as_bytes(), &frame.payload[..]);
                    assert_eq!(raw.body(), &frame.payload[4..]);
                }
                // A frame whose checksum is wrong in the capture must say so, typed.
                Err(mcast_igmp::Error::Checksum { .. }) => {}
                other => panic!("{capture} frame {}: {other:?}", frame.number),
            }
        }
    }
}
