//! Regression tests, each named after the fault it prevents, asserting the precise outcome.

use std::net::Ipv4Addr;

use mcast_dvmrp::DvmrpError;
use mcast_dvmrp::wire::{
    Body, Capabilities, ChecksumPolicy, Code, InfoType, InterfaceFlags, Message, Metric,
    ReportBuilder, Route, Version,
};

fn message(code: u8, body: &[u8]) -> Vec<u8> {
    let mut bytes = vec![0x13, code, 0, 0, 0, 0, 0xFF, 3];
    bytes.extend_from_slice(body);
    let sum = mcast_addr::checksum::checksum(&bytes);
    bytes[2..4].copy_from_slice(&sum.to_be_bytes());
    bytes
}

#[test]
fn dvmrp_messages_of_0_to_7_bytes_name_the_missing_header_field() {
    let full = message(5, &[]);
    let fields = [
        "type",
        "code",
        "checksum",
        "checksum",
        "reserved",
        "capabilities",
        "minor version",
        "major version",
    ];
    for len in 0..8 {
        let expected = DvmrpError::Truncated {
            field: fields[len],
            offset: len,
            needed: 8 - len,
            available: 0,
        };
        for policy in [ChecksumPolicy::Verify, ChecksumPolicy::Skip] {
            assert_eq!(Message::parse(&full[..len], policy), Err(expected), "{len}");
        }
        if len >= 4 {
            assert_eq!(Message::parse_body(5, &full[4..len]), Err(expected));
        }
    }
}

#[test]
fn report_whose_metric_never_sets_the_end_bit_is_refused() {
    // Mask 255.255.0.0, source 10.1, metric 1 without the end-of-block bit, then nothing.
    let bytes = message(2, &[255, 0, 0, 10, 1, 1]);
    assert_eq!(
        Message::parse(&bytes, ChecksumPolicy::Verify),
        Err(DvmrpError::Invalid {
            field: "metric",
            offset: 13,
            reason: "the report ends before a metric with the end-of-block bit",
        })
    );
    // The same with half of a next source.
    let bytes = message(2, &[255, 0, 0, 10, 1, 1, 10]);
    assert_eq!(
        Message::parse(&bytes, ChecksumPolicy::Verify),
        Err(DvmrpError::Truncated {
            field: "source network",
            offset: 14,
            needed: 2,
            available: 1,
        })
    );
    // A source with no metric byte at all.
    let bytes = message(2, &[255, 0, 0, 10, 1]);
    assert_eq!(
        Message::parse(&bytes, ChecksumPolicy::Verify),
        Err(DvmrpError::Truncated {
            field: "metric",
            offset: 13,
            needed: 1,
            available: 0,
        })
    );
    // Two bytes of mask.
    let bytes = message(2, &[255, 0]);
    assert_eq!(
        Message::parse(&bytes, ChecksumPolicy::Verify),
        Err(DvmrpError::Truncated {
            field: "source mask",
            offset: 8,
            needed: 3,
            available: 2,
        })
    );
    // A mask with a hole.
    let bytes = message(2, &[0, 255, 0, 10, 0, 0, 0x81]);
    assert_eq!(
        Message::parse(&bytes, ChecksumPolicy::Verify),
        Err(DvmrpError::Invalid {
            field: "source mask",
            offset: 8,
            reason: "not a contiguous netmask",
        })
    );
}

#[test]
fn metrics_32_to_63_are_infinity_and_poison_reverse() {
    for value in 32u8..=63 {
        let bytes = message(2, &[0, 0, 0, 10, 0x80 | value]);
        let parsed = Message::parse(&bytes, ChecksumPolicy::Verify).unwrap();
        let Body::Report(report) = parsed.body else {
            panic!()
        };
        let route = report.routes().next().unwrap();
        let metric = route.metric();
        assert_eq!(metric.value(), value);
        assert_eq!(metric.is_infinity(), value == 32);
        assert_eq!(metric.is_poison_reverse(), value > 32);
        assert!(!metric.is_reachable());
        assert_eq!(metric.poisoned_distance(), (value > 32).then(|| value - 32));
        if value > 32 {
            assert_eq!(Metric::new(value - 32).unwrap().poison_reversed(), metric);
        }
        assert_eq!(metric.poison_reversed(), metric);
    }
    // 64 to 127 fit the seven bits but are no metric.
    for value in 64u8..=127 {
        let bytes = message(2, &[0, 0, 0, 10, 0x80 | value]);
        assert_eq!(
            Message::parse(&bytes, ChecksumPolicy::Verify),
            Err(DvmrpError::Invalid {
                field: "metric",
                offset: 12,
                reason: "above 63 (infinity plus 31)",
            })
        );
        assert_eq!(Metric::new(value), None);
    }
    assert_eq!(Metric::INFINITY.to_string(), "32 (infinity)");
    assert_eq!(
        Metric::new(40).unwrap().to_string(),
        "40 (poison reverse of 8)"
    );
}

#[test]
fn prune_lifetime_0x80000000_and_0xffffffff_are_unsigned() {
    for (raw, text) in [
        (0x8000_0000u32, "2147483648s"),
        (0xFFFF_FFFF, "4294967295s"),
    ] {
        let mut body = vec![10, 0, 0, 1, 239, 0, 0, 1];
        body.extend_from_slice(&raw.to_be_bytes());
        let bytes = message(7, &body);
        let parsed = Message::parse(&bytes, ChecksumPolicy::Verify).unwrap();
        let Body::Prune(prune) = parsed.body else {
            panic!()
        };
        assert_eq!(prune.lifetime_seconds, raw);
        assert_eq!(prune.lifetime().as_secs(), u64::from(raw));
        assert!(parsed.to_string().ends_with(&format!("lifetime {text}")));
    }
}

#[test]
fn neighbors2_with_an_inflated_neighbor_count_is_refused() {
    // One interface claiming 200 neighbors, with one present.
    let bytes = message(6, &[10, 0, 0, 1, 1, 1, 0, 200, 10, 0, 0, 2]);
    assert_eq!(
        Message::parse(&bytes, ChecksumPolicy::Verify),
        Err(DvmrpError::Truncated {
            field: "neighbor address",
            offset: 16,
            needed: 800,
            available: 4,
        })
    );
    // An interface header cut after its flags.
    let bytes = message(6, &[10, 0, 0, 1, 1, 1, 0]);
    assert_eq!(
        Message::parse(&bytes, ChecksumPolicy::Verify),
        Err(DvmrpError::Truncated {
            field: "neighbor count",
            offset: 15,
            needed: 1,
            available: 0,
        })
    );
}

fn routes(count: u16) -> Vec<Route> {
    let metric = Metric::new(1).unwrap();
    (0..count)
        .map(|i| {
            let [hi, lo] = i.to_be_bytes();
            Route::new(Ipv4Addr::new(10, hi, lo, 0), 24, metric).unwrap()
        })
        .collect()
}

/// Every message the builder writes for `routes` at `mtu`: their lengths and the routes read
/// back from them.
fn build_all(routes: &[Route], mtu: u32) -> (Vec<usize>, Vec<Route>) {
    let mut builder = ReportBuilder::new(routes, mtu).unwrap();
    let mut buf = vec![0u8; 70_000];
    let (mut lengths, mut back) = (Vec::new(), Vec::new());
    while let Some(len) = builder.emit_next(&mut buf).unwrap() {
        let parsed = Message::parse(&buf[..len], ChecksumPolicy::Verify).unwrap();
        let Body::Report(report) = parsed.body else {
            panic!()
        };
        back.extend(report.routes());
        lengths.push(len);
    }
    (lengths, back)
}

#[test]
fn report_builder_at_mtu_0_67_575_65535_and_u32_max() {
    let table = routes(20_000);
    assert_eq!(
        ReportBuilder::new(&table, 0).unwrap_err(),
        DvmrpError::MtuTooSmall {
            mtu: 0,
            minimum: 33
        }
    );
    // 67: 47 bytes of DVMRP, a mask and nine three-octet routes each.
    let (lengths, back) = build_all(&table[..100], 67);
    assert!(lengths.iter().all(|&l| l + 20 <= 67));
    assert_eq!(lengths[0], 8 + 3 + 9 * 4);
    assert_eq!(lengths.len(), 12);
    assert_eq!(back, &table[..100]);
    // 575: one byte short of mrouted's 576.
    let (lengths, back) = build_all(&table[..1000], 575);
    assert!(lengths.iter().all(|&l| l + 20 <= 575));
    assert_eq!(lengths[0], 8 + 3 + 136 * 4);
    assert_eq!(back, &table[..1000]);
    // 65,535 and u32::MAX: the IPv4 limit.
    for mtu in [65_535, u32::MAX] {
        let (lengths, back) = build_all(&table, mtu);
        assert_eq!(lengths[0], 8 + 3 + 16_376 * 4);
        assert_eq!(lengths[0] + 20, 65_535);
        assert_eq!(back, table);
    }
    // An MTU that carries one-octet sources but not a four-octet one.
    let host = [Route::new(Ipv4Addr::new(10, 0, 0, 1), 32, Metric::new(1).unwrap()).unwrap()];
    let mut builder = ReportBuilder::new(&host, 33).unwrap();
    assert_eq!(
        builder.emit_next(&mut [0; 100]),
        Err(DvmrpError::MtuTooSmall {
            mtu: 33,
            minimum: 36
        })
    );
    // Too small an output buffer consumes nothing.
    let mut builder = ReportBuilder::new(&host, 1500).unwrap();
    assert_eq!(
        builder.emit_next(&mut [0; 10]),
        Err(DvmrpError::BufferTooSmall {
            needed: 16,
            available: 10
        })
    );
    assert_eq!(builder.remaining().len(), 1);
}

#[test]
fn route_new_refuses_what_a_report_cannot_carry() {
    let m = Metric::new(1).unwrap();
    for (source, len) in [
        (Ipv4Addr::new(10, 0, 0, 0), 0),
        (Ipv4Addr::new(10, 0, 0, 0), 7),
        (Ipv4Addr::UNSPECIFIED, 8),
        (Ipv4Addr::new(10, 0, 0, 1), 8),
        (Ipv4Addr::new(10, 0, 0, 0), 33),
    ] {
        assert!(
            matches!(
                Route::new(source, len, m),
                Err(DvmrpError::Invalid {
                    field: "source network",
                    ..
                })
            ),
            "{source}/{len}"
        );
    }
}

#[test]
fn debug_and_display_cover_all_256_values_of_every_type_and_code() {
    for value in 0..=255u8 {
        let code = Code(value);
        assert!(format!("{code:?}").contains(&value.to_string()));
        assert!(!code.to_string().is_empty());
        assert_eq!(code.name().is_some(), (1..=11).contains(&value));
        let info = InfoType(value);
        assert!(format!("{info:?}").contains(&value.to_string()));
        assert!(!info.to_string().is_empty());
        let capabilities = Capabilities::from_bits_retain(value);
        assert!(!capabilities.to_string().is_empty());
        assert!(!format!("{capabilities:?}").is_empty());
        let flags = InterfaceFlags::from_bits_retain(value);
        let _ = flags.to_string();
        assert!(!format!("{flags:?}").is_empty());
        let version = Version {
            major: value,
            minor: 255 - value,
        };
        assert_eq!(version.to_string(), format!("{value}.{}", 255 - value));
        match Metric::new(value) {
            Some(metric) => assert!(metric.to_string().starts_with(&value.to_string())),
            None => assert!(value > 63),
        }
        // Every code through the parser and Display, with an empty and a short body.
        for body in [&[][..], &[1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12][..]] {
            let bytes = message(value, body);
            if let Ok(parsed) = Message::parse(&bytes, ChecksumPolicy::Verify) {
                assert!(parsed.to_string().starts_with("DVMRP "));
                assert!(!format!("{parsed:?}").is_empty());
            }
        }
    }
    assert_eq!(Code(6).to_string(), "Neighbors 2");
    assert_eq!(Code(99).to_string(), "unknown code 99");
    assert_eq!(format!("{:?}", Code(7)), "Code(7 Prune)");
    assert_eq!(Capabilities::empty().to_string(), "none");
    assert_eq!(
        Capabilities::from_bits_retain(0xFF).to_string(),
        "Leaf|Prune|GenID|Mtrace|SNMP|Netmask|0xc0"
    );
    assert_eq!(InterfaceFlags::from_bits_retain(0x08).to_string(), "/0x08");
}
