//! Every PIM frame of the shared captures: parsed with the values tcpdump prints, re-emitted
//! byte for byte; the malformed captures give errors.

#![allow(
    clippy::pedantic,
    clippy::collapsible_if,
    clippy::redundant_pattern_matching
)]

use std::collections::BTreeMap;
use std::net::IpAddr;

use mcast_addr::family::{IpFamily, Ipv4, Ipv6};
use mcast_pim::wire::{ChecksumCoverage, DfElectionKind, Message, Pim, PimRepr, PseudoHeader};
use mcast_testkit::{Frame, frames_with_protocol, proto, skip_without_captures, tcpdump_expected};

/// tcpdump's `-v` text of each frame, keyed by frame number.
fn expected_by_frame(name: &str) -> BTreeMap<usize, String> {
    let mut out = BTreeMap::new();
    let mut current: Option<usize> = None;
    for line in tcpdump_expected(name).lines() {
        let mut words = line.split_whitespace();
        let is_frame_line = line.starts_with(' ')
            && !line.starts_with("    ")
            && words.next().is_some_and(|w| w.parse::<usize>().is_ok())
            && words
                .next()
                .is_some_and(|w| w.contains(':') || w.starts_with('['));
        if is_frame_line {
            current = line.split_whitespace().next().and_then(|w| w.parse().ok());
        }
        if let Some(n) = current {
            out.entry(n).or_insert_with(String::new).push_str(line);
            out.entry(n).or_insert_with(String::new).push('\n');
        }
    }
    out
}

fn pseudo<F: IpFamily>(frame: &Frame) -> PseudoHeader<F> {
    PseudoHeader::new(
        F::from_ip(frame.source).unwrap(),
        F::from_ip(frame.destination).unwrap(),
    )
}

/// What our parse says, in the words tcpdump uses, for comparison.
fn facts<F: IpFamily>(pim: &Pim<'_, F>) -> Vec<String> {
    let mut v = vec![format!("cksum {:#06x}", pim.header.checksum())];
    match &pim.message {
        Message::Hello(h) => {
            if let Some(ht) = h.holdtime() {
                v.push(format!("Hold Time Option (1), length 2, Value: {ht}"));
            }
            if let Some(p) = h.dr_priority() {
                v.push(format!("DR Priority Option (19), length 4, Value: {p}"));
            }
            if let Some(g) = h.generation_id() {
                v.push(format!(
                    "Generation ID Option (20), length 4, Value: 0x{g:08x}"
                ));
            }
            if let Some(d) = h.lan_prune_delay() {
                v.push(format!("{d}"));
            }
            if let Some(list) = h.address_list() {
                for a in list.iter() {
                    v.push(format!("\t    {a}\n"));
                }
            }
        }
        Message::JoinPrune(jp) | Message::Graft(jp) => {
            v.push(format!("upstream-neighbor: {}", jp.upstream_neighbor));
            v.push(format!(
                "{} group(s), holdtime: {}",
                jp.num_groups(),
                jp.holdtime
            ));
            for (i, g) in jp.groups().enumerate() {
                v.push(format!(
                    "group #{}: {}{}, joined sources: {}, pruned sources: {}",
                    i + 1,
                    g.group.address,
                    if g.group.flags.0 != 0 {
                        format!("(0x{:02x})", g.group.flags.0)
                    } else {
                        String::new()
                    },
                    g.joined.len(),
                    g.pruned.len()
                ));
                let flags = |f: mcast_pim::wire::SourceFlags| {
                    if f.0 & 7 == 0 {
                        String::new()
                    } else {
                        format!("({f})")
                    }
                };
                for (j, s) in g.joined.iter().enumerate() {
                    v.push(format!(
                        "joined source #{}: {}{}",
                        j + 1,
                        s.source.address,
                        flags(s.source.flags)
                    ));
                }
                for (j, s) in g.pruned.iter().enumerate() {
                    v.push(format!(
                        "pruned source #{}: {}{}",
                        j + 1,
                        s.source.address,
                        flags(s.source.flags)
                    ));
                }
            }
        }
        Message::Bootstrap(b) => {
            v.push(format!(
                "tag={:x} hashmlen={} BSRprio={} BSR={}",
                b.fragment_tag, b.hash_mask_length, b.bsr_priority, b.bsr_address
            ));
            for (i, g) in b.groups().enumerate() {
                v.push(format!("(group{i}: {}", g.group.address));
                v.push(format!(
                    "RPcnt={} FRPcnt={}",
                    g.rp_count, g.fragment_rp_count
                ));
                for (j, rp) in g.rps.iter().enumerate() {
                    v.push(format!(
                        "RP{j}={},holdtime={},prio={}",
                        rp.address, rp.holdtime, rp.priority
                    ));
                }
            }
        }
        Message::CandidateRpAdvertisement(c) => {
            v.push(format!(
                "prefix-cnt={} prio={} holdtime={} RP={}",
                c.prefix_count(),
                c.priority,
                c.holdtime,
                c.rp
            ));
            for (i, g) in c.groups().enumerate() {
                v.push(format!("Group{i}={}", g.address));
            }
        }
        Message::Assert(a) => v.push(format!(
            "group={} src={} pref={} metric={}",
            a.group.address, a.source, a.metric_preference, a.metric
        )),
        Message::RegisterStop(rs) => {
            v.push(format!("group={} source={}", rs.group.address, rs.source));
        }
        Message::Register(r) => {
            v.push(
                if r.null_register {
                    "Flags [ Null ]"
                } else {
                    "Flags [ none ]"
                }
                .to_string(),
            );
        }
        Message::DfElection(df) => {
            v.push(format!(
                "rpa={} sender pref={} sender metric={}",
                df.rp, df.sender_metric_preference, df.sender_metric
            ));
            match df.kind {
                DfElectionKind::Backoff { offering_address, offering_metric_preference, offering_metric, interval_ms } => v.push(format!(
                    "offer addr={offering_address} offer pref={offering_metric_preference} offer metric={offering_metric} interval {interval_ms}ms"
                )),
                DfElectionKind::Pass { new_winner_address, new_winner_metric_preference, new_winner_metric } => v.push(format!(
                    "new winner addr={new_winner_address} new winner pref={new_winner_metric_preference} new winner metric={new_winner_metric}"
                )),
                _ => {}
            }
        }
        _ => {}
    }
    v
}

#[derive(Default, Debug)]
struct Tally {
    parsed: usize,
    identical: usize,
    errors: usize,
}

fn check_frame<F: IpFamily>(
    name: &str,
    frame: &Frame,
    expected: Option<&String>,
    tally: &mut Tally,
) {
    let ph = pseudo::<F>(frame);
    let result = Pim::<F>::parse(&frame.payload, &ph);
    // Whatever happens, the unverified parse must not panic either.
    let _ = Pim::<F>::parse_unverified(&frame.payload);
    let text = expected.map(String::as_str).unwrap_or("");
    let tcpdump_incorrect = text.contains("(incorrect)");
    let tcpdump_truncated = text.contains("[|pim");
    match result {
        Ok(pim) => {
            tally.parsed += 1;
            assert!(
                !tcpdump_incorrect,
                "{name} frame {}: tcpdump says the checksum is wrong",
                frame.number
            );
            assert!(
                !frame.incomplete || matches!(pim.message, Message::Register(_)),
                "{name} frame {}: an incomplete frame parsed",
                frame.number
            );
            if !text.is_empty() {
                for fact in facts(&pim) {
                    assert!(
                        text.contains(&fact),
                        "{name} frame {}: {fact:?} not in tcpdump's\n{text}",
                        frame.number
                    );
                }
            }
            // Byte-identical re-emission, from the view and from the owned form.
            let mut buf = vec![0u8; pim.buffer_len()];
            let n = pim.emit(&mut buf, &ph).unwrap();
            assert_eq!(
                &buf[..n],
                &frame.payload[..],
                "{name} frame {}",
                frame.number
            );
            let repr = PimRepr::from_view(&pim);
            assert_eq!(
                repr.to_bytes(&ph).unwrap(),
                frame.payload,
                "{name} frame {}",
                frame.number
            );
            // And the re-parse gives the same value.
            assert_eq!(Pim::<F>::parse(&buf[..n], &ph).unwrap(), pim);
            // Every truncation is an error: the checksum, a count or a length catches it. A
            // Register's checksum covers only its header, so a shorter inner packet is caught
            // by the inner header's length check instead.
            // (Frames up to 2 KiB: the check is quadratic.)
            let cuts = if frame.payload.len() <= 2048 {
                frame.payload.len()
            } else {
                0
            };
            for len in 0..cuts {
                match Pim::<F>::parse(&frame.payload[..len], &ph) {
                    Err(_) => {}
                    Ok(Pim {
                        message: Message::Register(r),
                        ..
                    }) if len >= 8 => {
                        assert!(
                            r.inner_header::<F>().is_err(),
                            "{name} frame {} cut at {len}",
                            frame.number
                        );
                    }
                    Ok(short) => {
                        panic!("{name} frame {} cut at {len} parses: {short}", frame.number)
                    }
                }
            }
            tally.identical += 1;
        }
        Err(e) => {
            tally.errors += 1;
            assert!(
                tcpdump_incorrect
                    || tcpdump_truncated
                    || frame.incomplete
                    || text.contains("invalid")
                    || text.is_empty(),
                "{name} frame {}: {e} but tcpdump decodes it:\n{text}",
                frame.number
            );
        }
    }
}

fn check_capture(name: &str, expected: Option<&str>) -> Tally {
    let expected = expected.map(expected_by_frame).unwrap_or_default();
    let mut tally = Tally::default();
    for frame in frames_with_protocol(&format!("tcpdump/{name}"), proto::PIM) {
        let text = expected.get(&frame.number);
        match frame.source {
            IpAddr::V4(_) => check_frame::<Ipv4>(name, &frame, text, &mut tally),
            IpAddr::V6(_) => check_frame::<Ipv6>(name, &frame, text, &mut tally),
        }
    }
    tally
}

#[test]
fn pim_packet_assortment() {
    if skip_without_captures() {
        return;
    }
    let t = check_capture(
        "pim-packet-assortment.pcap",
        Some("pim-packet-assortment-vv.out"),
    );
    eprintln!("{t:?}");
    assert_eq!(t.parsed + t.errors, 245);
    assert!(t.parsed >= 230, "{t:?}");
}

#[test]
fn ipv6_registers_checksummed_over_the_whole_message() {
    if skip_without_captures() {
        return;
    }
    let frames = frames_with_protocol("tcpdump/pim-packet-assortment.pcap", proto::PIM);
    let mut whole = Vec::new();
    for f in &frames {
        if let IpAddr::V6(_) = f.source {
            if let Ok(pim) = Pim::<Ipv6>::parse(&f.payload, &pseudo::<Ipv6>(f)) {
                if pim.checksum_coverage == Some(ChecksumCoverage::WholeRegister) {
                    whole.push(f.number);
                }
            }
        }
    }
    // tcpdump leaves 185 (65535 bytes) unverified; it is complete and verifies.
    let expected: Vec<usize> = (178..=189).collect();
    assert_eq!(whole, expected);
}

#[test]
fn other_pim_captures() {
    if skip_without_captures() {
        return;
    }
    for (capture, out, count) in [
        ("PIMv2_hellos.pcap", "pimv2_hellos-v.out", 6),
        ("PIM-DM_pruning.pcap", "pimv2_dm-v.out", 33),
        ("PIM-SM_join_prune.pcap", "pimv2_sm-v.out", 43),
        ("PIM_register_register-stop.pcap", "pimv2_register-v.out", 2),
        ("PIMv2_bootstrap.pcap", "pimv2_bootstrap-v.out", 8),
    ] {
        let t = check_capture(capture, Some(out));
        assert_eq!(t.errors, 0, "{capture}: {t:?}");
        assert_eq!(t.identical, count, "{capture}: {t:?}");
    }
    for capture in ["various_gre.pcap", "erspan-type-ii-1.pcap"] {
        let t = check_capture(capture, None);
        assert!(t.identical > 0, "{capture}: {t:?}");
    }
}

#[test]
fn malformed_captures_give_errors() {
    if skip_without_captures() {
        return;
    }
    for capture in [
        "pimv2-oobr-1.pcap",
        "pimv2-oobr-2.pcap",
        "pimv2-oobr-3.pcap",
        "pimv2-oobr-4.pcap",
        "pim_header_asan.pcap",
        "pim_header_asan-2.pcap",
        "pim_header_asan-3.pcap",
        "pim_header_asan-4.pcap",
        "heapoverflow-in_checksum.pcap",
    ] {
        let frames = frames_with_protocol(&format!("tcpdump/{capture}"), proto::PIM);
        assert!(!frames.is_empty(), "{capture}");
        for f in frames {
            let err = match f.source {
                IpAddr::V4(_) => Pim::<Ipv4>::parse(&f.payload, &pseudo::<Ipv4>(&f)).map(|_| ()),
                IpAddr::V6(_) => Pim::<Ipv6>::parse(&f.payload, &pseudo::<Ipv6>(&f)).map(|_| ()),
            };
            assert!(err.is_err(), "{capture} frame {} parsed", f.number);
        }
    }
}
