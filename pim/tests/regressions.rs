//! Regression tests named after the bugs of other PIM implementations they prevent. Each asserts
//! the precise outcome: the error naming the field, or the right value.

#![allow(clippy::pedantic)]

use std::net::{Ipv4Addr, Ipv6Addr};

use mcast_addr::family::{IpFamily, Ipv4, Ipv6};
use mcast_pim::PimError;
use mcast_pim::wire::hello::{HelloOption, OptionTypeCode};
use mcast_pim::wire::{
    ChecksumCoverage, EncodedGroup, EncodedSource, GroupSetRepr, Holdtime, JoinPruneRepr, Message,
    MessageRepr, MessageType, MessageTypeCode, Pim, PimRepr, PseudoHeader, SourceFlags, SourceTree,
    compute_checksum, max_message_len,
};

fn ph4() -> PseudoHeader<Ipv4> {
    PseudoHeader::new(Ipv4Addr::new(10, 0, 0, 2), Ipv4Addr::new(224, 0, 0, 13))
}

/// A message of `message_type` with `body`, checksummed for `ph4()`.
fn message(message_type: u8, flags: u8, body: &[u8]) -> Vec<u8> {
    let mut m = vec![0x20 | message_type, flags, 0, 0];
    m.extend_from_slice(body);
    let sum = compute_checksum(&m, ChecksumCoverage::Standard, &ph4());
    m[2..4].copy_from_slice(&sum.to_be_bytes());
    m
}

fn parse4(bytes: &[u8]) -> Result<Pim<'_, Ipv4>, PimError> {
    Pim::<Ipv4>::parse(bytes, &ph4())
}

fn option(option_type: u16, value: &[u8]) -> Vec<u8> {
    let mut o = option_type.to_be_bytes().to_vec();
    o.extend_from_slice(&(value.len() as u16).to_be_bytes());
    o.extend_from_slice(value);
    o
}

#[test]
fn tcpdump_cve_2016_7932_length_beyond_captured_bytes() {
    // Join/Prune claiming 3 groups, the capture ending inside the second.
    let mut body = vec![1, 0, 10, 0, 0, 1, 0, 3, 0, 210];
    body.extend_from_slice(&[1, 0, 0, 32, 232, 1, 1, 1, 0, 0, 0, 0]);
    body.extend_from_slice(&[1, 0, 0, 32, 232]);
    let m = message(3, 0, &body);
    assert_eq!(
        parse4(&m).unwrap_err(),
        PimError::Truncated {
            field: "Multicast Group Address",
            offset: 30,
            needed: 4,
            available: 1
        }
    );
    // A Hello whose option length runs past the end.
    let mut hello = option(1, &[0, 105]);
    hello.extend_from_slice(&[0, 20, 0, 4, 0xde]);
    assert_eq!(
        parse4(&message(0, 0, &hello)).unwrap_err(),
        PimError::Truncated {
            field: "Hello option value",
            offset: 14,
            needed: 4,
            available: 1
        }
    );
}

#[test]
fn cve_2017_12996_hello_option_lengths() {
    for (option_type, field, expected) in [
        (1u16, "Holdtime option", 2u16),
        (20, "Generation ID option", 4),
        (19, "DR Priority option", 4),
        (2, "LAN Prune Delay option", 4),
    ] {
        for length in [0usize, 1, 3, 5] {
            if length == usize::from(expected) {
                continue;
            }
            let mut body = option(option_type, &vec![0xAB; length]);
            body.extend(option(19, &[0, 0, 0, 7]));
            let m = message(0, 0, &body);
            let pim = parse4(&m).unwrap();
            let Message::Hello(h) = pim.message else {
                panic!()
            };
            let options: Vec<_> = h.options().collect();
            assert_eq!(
                options[0],
                Err(PimError::OptionLength {
                    field,
                    offset: 4,
                    length: length as u16,
                    expected
                })
            );
            // The bad option does not stop the next one.
            assert_eq!(options[1], Ok(HelloOption::DrPriority(7)));
            assert_eq!(h.dr_priority(), Some(7));
            // And it re-emits unchanged.
            assert_eq!(PimRepr::from_view(&pim).to_bytes(&ph4()).unwrap(), m);
        }
        // Length 0xFFFF with a 4-byte value present: framing error, no over-read.
        let mut body = option_type.to_be_bytes().to_vec();
        body.extend_from_slice(&[0xFF, 0xFF, 0, 0, 0, 1]);
        assert_eq!(
            parse4(&message(0, 0, &body)).unwrap_err(),
            PimError::Truncated {
                field: "Hello option value",
                offset: 8,
                needed: 0xFFFF,
                available: 4
            }
        );
    }
}

/// Register-Stop bodies: Encoded-Group then Encoded-Unicast.
fn register_stop(group: &[u8], source: &[u8]) -> Vec<u8> {
    let mut body = group.to_vec();
    body.extend_from_slice(source);
    message(2, 0, &body)
}

#[test]
fn cve_2017_13030_frr_5383_encoded_addresses() {
    let group = [1, 0, 0, 32, 232, 1, 1, 1];
    for family in [0u8, 3, 255] {
        let m = register_stop(&group, &[family, 0, 10, 0, 0, 1]);
        assert_eq!(
            parse4(&m).unwrap_err(),
            PimError::AddressFamily {
                field: "Source Address",
                offset: 12,
                family,
                expected: 1
            }
        );
    }
    // IPv6 inside IPv4.
    let mut v6 = vec![2, 0];
    v6.extend_from_slice(&Ipv6Addr::LOCALHOST.octets());
    assert_eq!(
        parse4(&register_stop(&group, &v6)).unwrap_err(),
        PimError::AddressFamily {
            field: "Source Address",
            offset: 12,
            family: 2,
            expected: 1
        }
    );
    // Two bytes left for the address.
    assert_eq!(
        parse4(&register_stop(&group, &[1, 0, 10, 0])).unwrap_err(),
        PimError::Truncated {
            field: "Source Address",
            offset: 14,
            needed: 4,
            available: 2
        }
    );
    // Encoding type 2.
    assert_eq!(
        parse4(&register_stop(&group, &[1, 2, 10, 0, 0, 1])).unwrap_err(),
        PimError::EncodingType {
            field: "Source Address",
            offset: 13,
            encoding_type: 2
        }
    );
    // Mask lengths beyond the family.
    for mask in 33..=255u8 {
        let g = [1, 0, 0, mask, 232, 1, 1, 1];
        assert_eq!(
            parse4(&register_stop(&g, &[1, 0, 10, 0, 0, 1])).unwrap_err(),
            PimError::MaskLength {
                field: "Group Address",
                offset: 7,
                mask_length: mask,
                max: 32
            }
        );
    }
    let ph6 = PseudoHeader::<Ipv6>::new("fe80::1".parse().unwrap(), "ff02::d".parse().unwrap());
    for mask in 129..=255u8 {
        let mut body = vec![2, 0, 0, mask];
        body.extend_from_slice(&"ff3e::1".parse::<Ipv6Addr>().unwrap().octets());
        body.extend_from_slice(&[2, 0]);
        body.extend_from_slice(&Ipv6Addr::LOCALHOST.octets());
        let mut m = vec![0x22, 0, 0, 0];
        m.extend_from_slice(&body);
        let sum = compute_checksum(&m, ChecksumCoverage::Standard, &ph6);
        m[2..4].copy_from_slice(&sum.to_be_bytes());
        assert_eq!(
            Pim::<Ipv6>::parse(&m, &ph6).unwrap_err(),
            PimError::MaskLength {
                field: "Group Address",
                offset: 7,
                mask_length: mask,
                max: 128
            }
        );
    }
}

#[test]
fn same_bytes_parsed_twice_give_the_same_result() {
    let mut body = option(1, &[0, 105]);
    body.extend(option(24, &[1, 0, 10, 0, 0, 1, 3, 0, 10, 0, 0, 2]));
    let m = message(0, 0, &body);
    let a = parse4(&m).unwrap();
    let b = parse4(&m).unwrap();
    assert_eq!(a, b);
    let Message::Hello(h) = a.message else {
        panic!()
    };
    let first: Vec<_> = h.options().collect();
    let second: Vec<_> = h.options().collect();
    assert_eq!(first, second);
    assert!(matches!(
        first[1],
        Err(PimError::AddressFamily { family: 3, .. })
    ));
}

#[test]
fn register_of_4_to_7_bytes() {
    for len in 4..=7usize {
        let m = message(1, 0, &[0x40, 0, 0, 0][..len - 4]);
        assert_eq!(
            parse4(&m).unwrap_err(),
            PimError::Truncated {
                field: "Register flags (B, N, Reserved2)",
                offset: 4,
                needed: 4,
                available: len - 4
            }
        );
    }
}

fn ipv4_packet(protocol: u8, payload: &[u8]) -> Vec<u8> {
    let total = 20 + payload.len();
    let mut p = vec![
        0x45,
        0,
        (total >> 8) as u8,
        total as u8,
        0,
        0,
        0,
        0,
        64,
        protocol,
        0,
        0,
    ];
    p.extend_from_slice(&[10, 1, 1, 1, 232, 1, 1, 1]);
    p.extend_from_slice(payload);
    p
}

#[test]
fn register_containing_a_register() {
    let inner_register = message(1, 0, &[0, 0, 0, 0, 0x45, 0, 0, 20]);
    let inner = ipv4_packet(103, &inner_register);
    let mut body = vec![0, 0, 0, 0];
    body.extend_from_slice(&inner);
    let m = message(1, 0, &body);
    let pim = parse4(&m).unwrap();
    let Message::Register(r) = pim.message else {
        panic!()
    };
    assert_eq!(r.inner, &inner[..]);
    let header = r.inner_header::<Ipv4>().unwrap();
    assert_eq!(header.protocol, 103);
    assert_eq!(header.source, Ipv4Addr::new(10, 1, 1, 1));
    assert_eq!(header.destination, Ipv4Addr::new(232, 1, 1, 1));
    // The inner Register is data, not parsed again.
    assert_eq!(&r.inner[20..], &inner_register[..]);
}

#[test]
fn register_inner_ipv4_ihl_below_5_or_wrong_total_length() {
    for ihl in 0..5u8 {
        let mut inner = ipv4_packet(17, &[0; 8]);
        inner[0] = 0x40 | ihl;
        let mut body = vec![0, 0, 0, 0];
        body.extend_from_slice(&inner);
        let m = message(1, 0, &body);
        let pim = parse4(&m).unwrap();
        let Message::Register(r) = pim.message else {
            panic!()
        };
        assert_eq!(
            r.inner_header::<Ipv4>().unwrap_err(),
            PimError::Invalid {
                field: "inner IPv4 IHL",
                offset: 8,
                reason: "IHL below 5"
            }
        );
    }
    for total in [0u16, 19, 27, 29, 0xFFFF] {
        let mut inner = ipv4_packet(17, &[0; 8]);
        inner[2..4].copy_from_slice(&total.to_be_bytes());
        let mut body = vec![0, 0, 0, 0];
        body.extend_from_slice(&inner);
        let m = message(1, 0, &body);
        let Message::Register(r) = parse4(&m).unwrap().message else {
            panic!()
        };
        assert_eq!(
            r.inner_header::<Ipv4>().unwrap_err(),
            PimError::Invalid {
                field: "inner IPv4 total length",
                offset: 10,
                reason: "differs from the length of the encapsulated packet"
            }
        );
    }
}

#[test]
fn frr_18989_join_prune_counts_beyond_the_message() {
    // 65,535 joins announced in a 60-byte message.
    let mut body = vec![1, 0, 10, 0, 0, 1, 0, 1, 0, 210];
    body.extend_from_slice(&[1, 0, 0, 32, 232, 1, 1, 1, 0xFF, 0xFF, 0, 0]);
    while body.len() < 56 {
        body.extend_from_slice(&[1, 0, 4, 32, 10, 0, 0, 1]);
    }
    body.truncate(56);
    let m = message(3, 0, &body);
    assert_eq!(m.len(), 60);
    assert!(matches!(
        parse4(&m).unwrap_err(),
        PimError::Truncated {
            field: "Joined Source Address",
            ..
        }
    ));
    // Num Groups 255 with one group present.
    let mut body = vec![1, 0, 10, 0, 0, 1, 0, 255, 0, 210];
    body.extend_from_slice(&[
        1, 0, 0, 32, 232, 1, 1, 1, 0, 1, 0, 0, 1, 0, 4, 32, 10, 1, 1, 1,
    ]);
    assert_eq!(
        parse4(&message(3, 0, &body)).unwrap_err(),
        PimError::Truncated {
            field: "Multicast Group Address",
            offset: 34,
            needed: 1,
            available: 0
        }
    );
}

fn bootstrap_with(rp_count: u8, fragment_rp_count: u8, rps: usize) -> Vec<u8> {
    let mut body = vec![0, 1, 30, 0, 1, 0, 10, 0, 0, 9];
    body.extend_from_slice(&[1, 0, 0, 4, 224, 0, 0, 0, rp_count, fragment_rp_count, 0, 0]);
    for i in 0..rps {
        body.extend_from_slice(&[1, 0, 10, 0, 0, i as u8, 0, 150, 192, 0]);
    }
    message(4, 0, &body)
}

#[test]
fn frr_22222_bootstrap_rp_counts() {
    // Frag RP Cnt above RP Count.
    assert_eq!(
        parse4(&bootstrap_with(1, 2, 2)).unwrap_err(),
        PimError::Invalid {
            field: "Frag RP Cnt",
            offset: 23,
            reason: "more RPs in the fragment than the group's RP Count"
        }
    );
    assert_eq!(
        parse4(&bootstrap_with(0, 1, 1)).unwrap_err(),
        PimError::Invalid {
            field: "Frag RP Cnt",
            offset: 23,
            reason: "more RPs in the fragment than the group's RP Count"
        }
    );
    // A fragment: RP Count 3, 1 RP here. Both counts kept apart.
    let m = bootstrap_with(3, 1, 1);
    let Message::Bootstrap(b) = parse4(&m).unwrap().message else {
        panic!()
    };
    let g = b.groups().next().unwrap();
    assert_eq!(
        (g.rp_count, g.fragment_rp_count, g.rps.iter().count()),
        (3, 1, 1)
    );
    // Zero RPs.
    let m = bootstrap_with(0, 0, 0);
    let Message::Bootstrap(b) = parse4(&m).unwrap().message else {
        panic!()
    };
    let g = b.groups().next().unwrap();
    assert_eq!(
        (g.rp_count, g.fragment_rp_count, g.rps.iter().count()),
        (0, 0, 0)
    );
    // Frag RP Cnt says 2, one RP present.
    assert!(matches!(
        parse4(&bootstrap_with(2, 2, 1)).unwrap_err(),
        PimError::Truncated {
            field: "RP Address",
            ..
        }
    ));
}

#[test]
fn frr_21707_hello_address_list_of_thousands() {
    let mut list = Vec::new();
    for i in 0..10_000u32 {
        list.extend_from_slice(&[1, 0]);
        list.extend_from_slice(&(0x0A00_0000 | i).to_be_bytes());
    }
    let m = message(0, 0, &option(24, &list));
    let pim = parse4(&m).unwrap();
    let Message::Hello(h) = pim.message else {
        panic!()
    };
    let a = h.address_list().unwrap();
    assert_eq!(a.len(), 10_000);
    assert_eq!(a.iter().count(), 10_000);
    assert_eq!(a.iter().last(), Some(Ipv4Addr::from(0x0A00_0000 | 9_999)));
    assert_eq!(PimRepr::from_view(&pim).to_bytes(&ph4()).unwrap(), m);
}

#[test]
fn wildcard_without_rpt_is_kept_and_flagged() {
    let mut body = vec![1, 0, 10, 0, 0, 1, 0, 1, 0, 210];
    body.extend_from_slice(&[
        1, 0, 0, 32, 232, 1, 1, 1, 0, 1, 0, 0, 1, 0, 0x06, 32, 10, 9, 9, 9,
    ]);
    let m = message(3, 0, &body);
    let pim = parse4(&m).unwrap();
    let Message::JoinPrune(jp) = pim.message else {
        panic!()
    };
    let s = jp.groups().next().unwrap().joined.iter().next().unwrap();
    assert_eq!(s.source.flags, SourceFlags(0x06));
    assert!(s.source.flags.wildcard() && !s.source.flags.rpt());
    assert_eq!(s.source.tree(), None);
    assert_eq!(
        EncodedSource::<Ipv4>::star_group(Ipv4Addr::LOCALHOST).tree(),
        Some(SourceTree::StarGroup)
    );
    assert_eq!(PimRepr::from_view(&pim).to_bytes(&ph4()).unwrap(), m);
}

#[test]
fn every_register_flag_combination() {
    for word in [
        0u32,
        0x8000_0000,
        0x4000_0000,
        0xC000_0000,
        0x3FFF_FFFF,
        0xFFFF_FFFF,
        1,
    ] {
        let mut body = word.to_be_bytes().to_vec();
        body.extend_from_slice(&ipv4_packet(17, &[1, 2, 3]));
        for header_flags in [0u8, 0x80, 0xFF] {
            let m = message(1, header_flags, &body);
            let pim = parse4(&m).unwrap();
            let Message::Register(r) = pim.message else {
                panic!()
            };
            assert_eq!(r.border, word & 0x8000_0000 != 0);
            assert_eq!(r.null_register, word & 0x4000_0000 != 0);
            assert_eq!(r.reserved, word & 0x3FFF_FFFF);
            assert_eq!(r.flag_bits, header_flags);
            assert_eq!(r.flags_word(), word);
            assert_eq!(PimRepr::from_view(&pim).to_bytes(&ph4()).unwrap(), m);
        }
    }
}

/// Every (group, join?, source) entry of a set of messages, counted.
fn entries<F: IpFamily>(messages: &[JoinPruneRepr<F>]) -> Vec<(String, bool, String)> {
    let mut v = Vec::new();
    for m in messages {
        for g in &m.groups {
            for s in &g.joins {
                v.push((g.group.to_string(), true, format!("{s}")));
            }
            for s in &g.prunes {
                v.push((g.group.to_string(), false, format!("{s}")));
            }
        }
    }
    v.sort();
    v
}

#[test]
fn frr_21795_254_source_groups_plus_one_star_group() {
    let mut jp = JoinPruneRepr::<Ipv4>::new(Ipv4Addr::new(10, 0, 0, 1), Holdtime(210));
    for i in 0..254u8 {
        let mut set = GroupSetRepr::new(EncodedGroup::host(Ipv4Addr::new(232, 0, 0, i)));
        set.joins
            .push(EncodedSource::source_group(Ipv4Addr::new(10, 0, 1, i)).into());
        jp.groups.push(set);
    }
    let mut star = GroupSetRepr::new(EncodedGroup::host(Ipv4Addr::new(239, 0, 0, 1)));
    star.joins
        .push(EncodedSource::star_group(Ipv4Addr::new(10, 9, 9, 9)).into());
    jp.groups.push(star);
    for mtu in [576usize, 1500, 9000] {
        let parts = jp.split(max_message_len::<Ipv4>(mtu)).unwrap();
        for p in &parts {
            assert!(p.groups.len() <= 255);
            let bytes = MessageRepr::JoinPrune(p.clone()).to_bytes(&ph4()).unwrap();
            assert!(bytes.len() <= max_message_len::<Ipv4>(mtu));
        }
        assert_eq!(entries(&parts), entries(std::slice::from_ref(&jp)));
    }
}

#[test]
fn frr_21795_one_group_with_10000_sources_at_mtu_576() {
    let mut jp = JoinPruneRepr::<Ipv4>::new(Ipv4Addr::new(10, 0, 0, 1), Holdtime(210));
    let mut set = GroupSetRepr::new(EncodedGroup::host(Ipv4Addr::new(239, 1, 1, 1)));
    set.joins
        .push(EncodedSource::star_group(Ipv4Addr::new(10, 9, 9, 9)).into());
    for i in 0..10_000u32 {
        let s = Ipv4Addr::from(0x0B00_0000 | i);
        if i % 2 == 0 {
            set.prunes.push(EncodedSource::source_group_rpt(s).into());
        } else {
            set.joins.push(EncodedSource::source_group(s).into());
        }
    }
    jp.groups.push(set);
    let max = max_message_len::<Ipv4>(576);
    let parts = jp.split(max).unwrap();
    let mut seen = Vec::new();
    for p in &parts {
        let bytes = MessageRepr::JoinPrune(p.clone()).to_bytes(&ph4()).unwrap();
        assert!(bytes.len() <= max);
        for g in &p.groups {
            // Every (S,G,rpt) Prune travels with the (*,G) Join.
            if g.prunes.iter().any(|s| s.source.flags.rpt()) {
                assert!(
                    g.joins
                        .iter()
                        .any(|s| s.source.tree() == Some(SourceTree::StarGroup))
                );
            }
        }
        seen.push(p.clone());
    }
    let mut got = entries(&seen);
    got.dedup();
    assert_eq!(got, entries(std::slice::from_ref(&jp)));
    // Nothing but the (*,G) Join is repeated.
    let all = entries(&seen);
    let star_repeats = all.len() - got.len();
    assert_eq!(all.len() - star_repeats, 10_001);
}

#[test]
fn hello_holdtime_0_and_ffff_and_join_prune_holdtime_ffff() {
    for (value, goodbye, infinite) in [(0u16, true, false), (0xFFFF, false, true)] {
        let m = message(0, 0, &option(1, &value.to_be_bytes()));
        let Message::Hello(h) = parse4(&m).unwrap().message else {
            panic!()
        };
        let ht = h.holdtime().unwrap();
        assert_eq!(ht, Holdtime(value));
        assert_eq!((ht.is_goodbye(), ht.is_infinite()), (goodbye, infinite));
        assert_eq!(ht.duration().is_none(), infinite);
    }
    let mut body = vec![1, 0, 10, 0, 0, 1, 0, 0, 0xFF, 0xFF];
    body.truncate(10);
    let m = message(3, 0, &body);
    let Message::JoinPrune(jp) = parse4(&m).unwrap().message else {
        panic!()
    };
    assert_eq!(jp.holdtime, Holdtime::INFINITE);
    assert_eq!(jp.holdtime.to_string(), "infinity");
}

#[test]
fn debug_and_display_for_every_type_value_and_option_type() {
    for code in 0..=255u8 {
        assert!(!format!("{}", MessageTypeCode(code)).is_empty());
        assert!(!format!("{:?}", MessageTypeCode(code)).is_empty());
        if let Ok(t) = MessageType::try_from(code) {
            assert!(!format!("{t} {t:?}").is_empty());
        }
        // A message of every type parses (or fails) without panicking, and displays.
        let m = message(code & 0x0F, code & 0xF0, &[0; 40]);
        if let Ok(pim) = parse4(&m) {
            assert!(!format!("{pim} {pim:?}").is_empty());
            let repr = PimRepr::from_view(&pim);
            assert!(!format!("{repr} {repr:?}").is_empty());
        }
    }
    for code in 0..=u16::MAX {
        assert!(!format!("{}", OptionTypeCode(code)).is_empty());
    }
    assert_eq!(OptionTypeCode(1).to_string(), "Holdtime (1)");
    assert_eq!(OptionTypeCode(40).to_string(), "Unassigned (40)");
}

/// A value wider than its wire field is refused when emitting instead of being cut silently,
/// which would make `parse(emit(x)) != x` (found by the round-trip fuzz target).
#[test]
fn values_wider_than_their_field_are_refused_on_emit() {
    use mcast_pim::wire::{Assert, GroupFlags, HelloOptionRepr, HelloRepr, LanPruneDelay};
    let group = EncodedGroup::<Ipv4> {
        address: Ipv4Addr::new(239, 1, 1, 1),
        mask_length: 32,
        flags: GroupFlags(0),
    };
    let assert = |metric_preference| PimRepr {
        message: MessageRepr::Assert(Assert {
            flag_bits: 0,
            group,
            source: Ipv4Addr::new(10, 0, 0, 1),
            rpt: false,
            metric_preference,
            metric: 1,
        }),
        trailing: Vec::new(),
    };
    let mut buf = [0u8; 1500];
    assert!(assert(0x7FFF_FFFF).emit(&mut buf, &ph4()).is_ok());
    assert_eq!(
        assert(0x8000_0000).emit(&mut buf, &ph4()),
        Err(PimError::TooLarge {
            field: "Metric Preference",
            value: 0x8000_0000,
            max: 0x7FFF_FFFF
        })
    );

    let hello = |propagation_delay_ms| PimRepr {
        message: MessageRepr::Hello(HelloRepr {
            flag_bits: 0,
            options: vec![HelloOptionRepr::LanPruneDelay(LanPruneDelay {
                tracking_support: true,
                propagation_delay_ms,
                override_interval_ms: 2500,
            })],
        }),
        trailing: Vec::new(),
    };
    assert!(hello(0x7FFF).emit(&mut buf, &ph4()).is_ok());
    assert!(matches!(
        hello(0x8000).emit(&mut buf, &ph4()),
        Err(PimError::TooLarge {
            field: "Propagation_Delay",
            ..
        })
    ));
}

/// Bytes after a body that runs to the end of the message (Hello options, here) would read
/// back as part of the body: emitting them is refused (found by the round-trip fuzz target).
#[test]
fn trailing_bytes_after_a_hello_are_refused_on_emit() {
    use mcast_pim::wire::{HelloOptionRepr, HelloRepr};
    let hello = PimRepr::<Ipv4> {
        message: MessageRepr::Hello(HelloRepr {
            flag_bits: 0,
            options: vec![HelloOptionRepr::Holdtime(Holdtime(105))],
        }),
        trailing: vec![0],
    };
    let mut buf = [0u8; 64];
    assert!(matches!(
        hello.emit(&mut buf, &ph4()),
        Err(PimError::Invalid {
            field: "trailing bytes",
            offset: 10,
            ..
        })
    ));
}
