//! Property tests: every message type of both families round-trips byte for byte; the
//! Join/Prune splitter and the Bootstrap fragmenter lose no entry.

#![allow(clippy::pedantic)]

use std::net::{Ipv4Addr, Ipv6Addr};

use mcast_addr::family::{IpFamily, Ipv4, Ipv6};
use mcast_pim::wire::SourceTree;
use mcast_pim::wire::fixed::DfElectionKind;
use mcast_pim::wire::{
    Assert, BootstrapGroupRepr, BootstrapRepr, BootstrapRp, CandidateRpAdvertisementRepr,
    ChecksumCoverage, DfElection, EcmpRedirect, EncodedGroup, EncodedSource, FloodingRepr,
    FloodingTlvRepr, GroupFlags, GroupSetRepr, HelloOptionRepr, HelloRepr, Holdtime,
    JoinAttributeRepr, JoinPruneRepr, LanPruneDelay, MessageRepr, PackedRepr, Pim, PimRepr,
    PseudoHeader, RegisterRepr, RegisterStop, SourceFlags, SourceRepr, StateRefresh,
    StateRefreshCapable, compute_checksum,
};
use proptest::collection::vec;
use proptest::prelude::*;

fn v4() -> BoxedStrategy<Ipv4Addr> {
    any::<[u8; 4]>().prop_map(Ipv4Addr::from).boxed()
}

fn v6() -> BoxedStrategy<Ipv6Addr> {
    any::<[u8; 16]>().prop_map(Ipv6Addr::from).boxed()
}

fn width<F: IpFamily>() -> u8 {
    (F::ADDR_LEN * 8) as u8
}

fn group<F: IpFamily>(addr: BoxedStrategy<F::Addr>) -> BoxedStrategy<EncodedGroup<F>> {
    (addr, 0..=width::<F>(), any::<u8>())
        .prop_map(|(address, mask_length, flags)| EncodedGroup {
            address,
            mask_length,
            flags: GroupFlags(flags),
        })
        .boxed()
}

fn source<F: IpFamily>(addr: BoxedStrategy<F::Addr>) -> BoxedStrategy<SourceRepr<F>> {
    let attribute = (any::<bool>(), 0..64u8, vec(any::<u8>(), 0..8)).prop_map(
        |(forward, attribute_type, value)| JoinAttributeRepr {
            forward,
            attribute_type,
            value,
        },
    );
    (
        addr,
        0..=width::<F>(),
        any::<u8>(),
        prop::option::weighted(0.2, vec(attribute, 1..3)),
    )
        .prop_map(
            |(address, mask_length, flags, join_attributes)| SourceRepr {
                source: EncodedSource {
                    address,
                    mask_length,
                    flags: SourceFlags(flags),
                },
                join_attributes,
            },
        )
        .boxed()
}

fn hello<F: IpFamily>(addr: BoxedStrategy<F::Addr>) -> BoxedStrategy<MessageRepr<F>> {
    let option = prop_oneof![
        any::<u16>().prop_map(|h| HelloOptionRepr::Holdtime(Holdtime(h))),
        (any::<bool>(), 0..0x8000u16, any::<u16>()).prop_map(|(t, p, o)| {
            HelloOptionRepr::LanPruneDelay(LanPruneDelay {
                tracking_support: t,
                propagation_delay_ms: p,
                override_interval_ms: o,
            })
        }),
        any::<u32>().prop_map(HelloOptionRepr::DrPriority),
        any::<u32>().prop_map(HelloOptionRepr::GenerationId),
        (any::<u8>(), any::<u8>(), any::<u16>()).prop_map(|(version, interval, reserved)| {
            HelloOptionRepr::StateRefreshCapable(StateRefreshCapable {
                version,
                interval,
                reserved,
            })
        }),
        Just(HelloOptionRepr::BidirCapable),
        Just(HelloOptionRepr::JoinAttribute),
        vec(addr, 0..5).prop_map(HelloOptionRepr::AddressList),
        (36..1000u16, vec(any::<u8>(), 0..12))
            .prop_map(|(option_type, value)| HelloOptionRepr::Raw { option_type, value }),
    ];
    (any::<u8>(), vec(option, 0..8))
        .prop_map(|(flag_bits, options)| MessageRepr::Hello(HelloRepr { flag_bits, options }))
        .boxed()
}

fn join_prune<F: IpFamily>(addr: BoxedStrategy<F::Addr>) -> BoxedStrategy<JoinPruneRepr<F>> {
    let set = (
        group::<F>(addr.clone()),
        vec(source::<F>(addr.clone()), 0..6),
        vec(source::<F>(addr.clone()), 0..6),
    )
        .prop_map(|(group, joins, prunes)| GroupSetRepr {
            group,
            joins,
            prunes,
        });
    (any::<u8>(), addr, any::<u8>(), any::<u16>(), vec(set, 0..5))
        .prop_map(
            |(flag_bits, upstream_neighbor, reserved, holdtime, groups)| JoinPruneRepr {
                flag_bits,
                upstream_neighbor,
                reserved,
                holdtime: Holdtime(holdtime),
                groups,
            },
        )
        .boxed()
}

fn bootstrap<F: IpFamily>(addr: BoxedStrategy<F::Addr>) -> BoxedStrategy<BootstrapRepr<F>> {
    let rp = (addr.clone(), any::<u16>(), any::<u8>(), any::<u8>()).prop_map(
        |(address, holdtime, priority, reserved)| BootstrapRp {
            address,
            holdtime: Holdtime(holdtime),
            priority,
            reserved,
        },
    );
    let set = (
        group::<F>(addr.clone()),
        vec(rp, 0..5),
        0..3u8,
        any::<u16>(),
    )
        .prop_map(|(group, rps, extra, reserved)| BootstrapGroupRepr {
            group,
            rp_count: rps.len() as u8 + extra,
            reserved,
            rps,
        });
    (
        any::<u8>(),
        any::<u16>(),
        any::<u8>(),
        any::<u8>(),
        addr,
        vec(set, 0..5),
    )
        .prop_map(
            |(flag_bits, fragment_tag, hash_mask_length, bsr_priority, bsr_address, groups)| {
                BootstrapRepr {
                    flag_bits,
                    fragment_tag,
                    hash_mask_length,
                    bsr_priority,
                    bsr_address,
                    groups,
                }
            },
        )
        .boxed()
}

fn message<F: IpFamily>(addr: BoxedStrategy<F::Addr>) -> BoxedStrategy<MessageRepr<F>> {
    let a = || addr.clone();
    let register = (
        any::<u8>(),
        any::<bool>(),
        any::<bool>(),
        0..0x4000_0000u32,
        vec(any::<u8>(), 0..64),
        any::<bool>(),
    )
        .prop_map(
            |(flag_bits, border, null_register, reserved, inner, whole)| {
                MessageRepr::Register(RegisterRepr {
                    flag_bits,
                    border,
                    null_register,
                    reserved,
                    inner,
                    checksum_coverage: if whole {
                        ChecksumCoverage::WholeRegister
                    } else {
                        ChecksumCoverage::Standard
                    },
                })
            },
        );
    let register_stop =
        (any::<u8>(), group::<F>(a()), a()).prop_map(|(flag_bits, group, source)| {
            MessageRepr::RegisterStop(RegisterStop {
                flag_bits,
                group,
                source,
            })
        });
    let assert = (
        any::<u8>(),
        group::<F>(a()),
        a(),
        any::<bool>(),
        0..0x8000_0000u32,
        any::<u32>(),
    )
        .prop_map(
            |(flag_bits, group, source, rpt, metric_preference, metric)| {
                MessageRepr::Assert(Assert {
                    flag_bits,
                    group,
                    source,
                    rpt,
                    metric_preference,
                    metric,
                })
            },
        );
    let crp = (
        any::<u8>(),
        any::<u8>(),
        any::<u16>(),
        a(),
        vec(group::<F>(a()), 0..6),
    )
        .prop_map(|(flag_bits, priority, holdtime, rp, groups)| {
            MessageRepr::CandidateRpAdvertisement(CandidateRpAdvertisementRepr {
                flag_bits,
                priority,
                holdtime: Holdtime(holdtime),
                rp,
                groups,
            })
        });
    let state_refresh = (
        (
            any::<u8>(),
            group::<F>(a()),
            a(),
            a(),
            any::<bool>(),
            0..0x8000_0000u32,
        ),
        (
            any::<u32>(),
            any::<u8>(),
            any::<u8>(),
            any::<[bool; 3]>(),
            0..32u8,
            any::<u8>(),
        ),
    )
        .prop_map(
            |(
                (flag_bits, group, source, originator, rpt, metric_preference),
                (metric, mask_length, ttl, [p, n, o], reserved, interval),
            )| {
                MessageRepr::StateRefresh(StateRefresh {
                    flag_bits,
                    group,
                    source,
                    originator,
                    rpt,
                    metric_preference,
                    metric,
                    mask_length,
                    ttl,
                    prune_indicator: p,
                    prune_now: n,
                    assert_override: o,
                    reserved,
                    interval,
                })
            },
        );
    let kind = prop_oneof![
        Just(DfElectionKind::Offer),
        Just(DfElectionKind::Winner),
        (a(), any::<u32>(), any::<u32>(), any::<u16>()).prop_map(|(o, p, m, i)| {
            DfElectionKind::Backoff {
                offering_address: o,
                offering_metric_preference: p,
                offering_metric: m,
                interval_ms: i,
            }
        }),
        (a(), any::<u32>(), any::<u32>()).prop_map(|(w, p, m)| DfElectionKind::Pass {
            new_winner_address: w,
            new_winner_metric_preference: p,
            new_winner_metric: m,
        }),
    ];
    let df = (0..16u8, a(), any::<u32>(), any::<u32>(), kind).prop_map(
        |(flag_bits, rp, sender_metric_preference, sender_metric, kind)| {
            MessageRepr::DfElection(DfElection {
                flag_bits,
                rp,
                sender_metric_preference,
                sender_metric,
                kind,
            })
        },
    );
    let ecmp = (
        any::<u8>(),
        group::<F>(a()),
        a(),
        a(),
        any::<u64>(),
        any::<u8>(),
        any::<u64>(),
    )
        .prop_map(
            |(flag_bits, group, source, neighbor, neighbor_interface_id, preference, metric)| {
                MessageRepr::EcmpRedirect(EcmpRedirect {
                    flag_bits,
                    group,
                    source,
                    neighbor,
                    neighbor_interface_id,
                    preference,
                    metric,
                })
            },
        );
    let tlv = (any::<bool>(), 0..0x8000u16, vec(any::<u8>(), 0..10)).prop_map(
        |(transitive, tlv_type, value)| FloodingTlvRepr {
            transitive,
            tlv_type,
            value,
        },
    );
    let flooding = (any::<u8>(), a(), vec(tlv, 0..4)).prop_map(|(flag_bits, originator, tlvs)| {
        MessageRepr::Flooding(FloodingRepr {
            flag_bits,
            originator,
            tlvs,
        })
    });
    let packed = (
        0..16u8,
        any::<u16>(),
        vec((group::<F>(a()), a()), 0..5),
        any::<bool>(),
    )
        .prop_map(|(flag_bits, reserved, records, stop)| {
            let p = PackedRepr {
                flag_bits,
                reserved,
                records,
            };
            if stop {
                MessageRepr::PackedRegisterStop(p)
            } else {
                MessageRepr::PackedNullRegister(p)
            }
        });
    let unknown = (14..16u8, any::<u8>(), vec(any::<u8>(), 0..20)).prop_map(
        |(message_type, flag_bits, body)| MessageRepr::Unknown {
            message_type,
            flag_bits,
            body,
        },
    );
    let jp = (join_prune::<F>(a()), 0..3u8).prop_map(|(m, kind)| match kind {
        0 => MessageRepr::JoinPrune(m),
        1 => MessageRepr::Graft(m),
        _ => MessageRepr::GraftAck(m),
    });
    prop_oneof![
        hello::<F>(a()),
        register,
        register_stop,
        jp,
        bootstrap::<F>(a()).prop_map(MessageRepr::Bootstrap),
        assert,
        crp,
        state_refresh,
        df,
        ecmp,
        flooding,
        packed,
        unknown,
    ]
    .boxed()
}

fn round_trip<F: IpFamily>(m: MessageRepr<F>, ph: &PseudoHeader<F>) -> Result<(), TestCaseError> {
    let bytes = m.to_bytes(ph).unwrap();
    let pim = Pim::<F>::parse(&bytes, ph).unwrap();
    prop_assert!(pim.trailing.is_empty());
    let mut m = m;
    if let MessageRepr::Register(r) = &mut m {
        // When both coverages give the same checksum (an empty or zero-sum inner packet), the
        // receiver cannot tell them apart and reports the standard one.
        let standard = compute_checksum(&bytes, ChecksumCoverage::Standard, ph);
        let whole = compute_checksum(&bytes, ChecksumCoverage::WholeRegister, ph);
        if standard == whole {
            r.checksum_coverage = ChecksumCoverage::Standard;
        }
    }
    prop_assert_eq!(MessageRepr::from_view(&pim.message), m.clone());
    let mut again = vec![0u8; pim.buffer_len()];
    pim.emit(&mut again, ph).unwrap();
    prop_assert_eq!(&again, &bytes);
    // Every truncation is an error, or a Register whose inner packet got shorter, or a shorter
    // message that the checksum happens to accept (never the same message).
    for len in 0..bytes.len() {
        if let Ok(short) = Pim::<F>::parse(&bytes[..len], ph) {
            prop_assert_ne!(MessageRepr::from_view(&short.message), m.clone());
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn every_message_round_trips_ipv4(m in message::<Ipv4>(v4()), src in v4(), dst in v4()) {
        round_trip(m, &PseudoHeader::new(src, dst))?;
    }

    #[test]
    fn every_message_round_trips_ipv6(m in message::<Ipv6>(v6()), src in v6(), dst in v6()) {
        round_trip(m, &PseudoHeader::new(src, dst))?;
    }

    #[test]
    fn join_prune_split_loses_nothing(
        mut jp in join_prune::<Ipv4>(v4()),
        extra in vec((0..40usize, any::<bool>()), 0..400),
        star in any::<bool>(),
        mtu in 120usize..1500,
    ) {
        // Grow the first group so that splitting a group is exercised.
        if let Some(first) = jp.groups.first_mut() {
            if star {
                first.joins.insert(0, EncodedSource::star_group(Ipv4Addr::new(10, 9, 9, 9)).into());
            }
            for (i, (n, join)) in extra.iter().enumerate() {
                let s = Ipv4Addr::from(0x0B00_0000 | (i as u32) << 8 | *n as u32);
                if *join {
                    first.joins.push(EncodedSource::source_group(s).into());
                } else {
                    first.prunes.push(EncodedSource::source_group_rpt(s).into());
                }
            }
        }
        let max = mtu - 20;
        let Ok(parts) = jp.split(max) else {
            // Only when a single entry cannot fit.
            let biggest = jp.groups.iter().flat_map(|g| g.joins.iter().chain(&g.prunes)).map(SourceRepr::wire_len).max().unwrap_or(0);
            prop_assert!(14 + 12 + 2 * biggest > max);
            return Ok(());
        };
        let ph = PseudoHeader::new(Ipv4Addr::LOCALHOST, Ipv4Addr::LOCALHOST);
        let mut got = Vec::new();
        for p in &parts {
            prop_assert!(p.groups.len() <= 255);
            let bytes = MessageRepr::JoinPrune(p.clone()).to_bytes(&ph).unwrap();
            prop_assert!(bytes.len() <= max);
            for g in &p.groups {
                for s in &g.joins { got.push((g.group, true, s.clone())); }
                for s in &g.prunes { got.push((g.group, false, s.clone())); }
            }
        }
        let mut want = Vec::new();
        for g in &jp.groups {
            for s in &g.joins { want.push((g.group, true, s.clone())); }
            for s in &g.prunes { want.push((g.group, false, s.clone())); }
        }
        let is_star = |e: &(EncodedGroup<Ipv4>, bool, SourceRepr<Ipv4>)| {
            e.1 && e.2.source.tree() == Some(SourceTree::StarGroup)
        };
        let key = |e: &(EncodedGroup<Ipv4>, bool, SourceRepr<Ipv4>)| format!("{} {} {:?}", e.0, e.1, e.2);
        let keys = |list: &[(EncodedGroup<Ipv4>, bool, SourceRepr<Ipv4>)]| {
            let mut plain: Vec<String> = list.iter().filter(|e| !is_star(e)).map(key).collect();
            let mut stars: Vec<String> = list.iter().filter(|e| is_star(e)).map(key).collect();
            plain.sort();
            stars.sort();
            stars.dedup();
            (plain, stars)
        };
        let repeated = got.len() - want.len();
        prop_assert_eq!(keys(&got), keys(&want));
        // Only (*,G) Joins are ever sent twice.
        prop_assert!(repeated == 0 || jp.groups.iter().any(|g| g.joins.iter().any(|s| s.source.flags.wildcard())));
    }

    #[test]
    fn bootstrap_fragments_lose_nothing(
        mut b in bootstrap::<Ipv6>(v6()),
        many in 0..200usize,
        max in 100usize..1500,
    ) {
        if let Some(first) = b.groups.first_mut() {
            for i in 0..many.min(255 - first.rps.len()) {
                first.rps.push(BootstrapRp { address: Ipv6Addr::from(i as u128), holdtime: Holdtime(150), priority: 1, reserved: 0 });
            }
            first.rp_count = first.rps.len() as u8;
        }
        let Ok(fragments) = b.fragment(max) else {
            prop_assert!(4 + 4 + 18 + 20 + 4 + 22 > max);
            return Ok(());
        };
        let ph = PseudoHeader::new(Ipv6Addr::LOCALHOST, Ipv6Addr::LOCALHOST);
        let mut rebuilt: Vec<(EncodedGroup<Ipv6>, u8, Vec<BootstrapRp<Ipv6>>)> = Vec::new();
        for f in &fragments {
            prop_assert_eq!(f.fragment_tag, b.fragment_tag);
            let bytes = MessageRepr::Bootstrap(f.clone()).to_bytes(&ph).unwrap();
            prop_assert!(bytes.len() <= max);
            // Each fragment parses back.
            Pim::<Ipv6>::parse(&bytes, &ph).unwrap();
            for g in &f.groups {
                rebuilt.push((g.group, g.rp_count, g.rps.clone()));
            }
        }
        // Merge consecutive parts of split groups, then compare.
        let mut merged: Vec<(EncodedGroup<Ipv6>, u8, Vec<BootstrapRp<Ipv6>>)> = Vec::new();
        let mut want_iter = b.groups.iter().peekable();
        let mut i = 0;
        while i < rebuilt.len() {
            let want = want_iter.next().unwrap();
            let mut rps = Vec::new();
            while rps.len() < want.rps.len() || (want.rps.is_empty() && rps.is_empty() && merged.len() < i + 1) {
                let (g, count, part) = &rebuilt[i];
                prop_assert_eq!(*g, want.group);
                prop_assert_eq!(*count, want.rp_count);
                rps.extend(part.iter().copied());
                i += 1;
                if want.rps.is_empty() { break; }
            }
            prop_assert_eq!(&rps, &want.rps);
            merged.push((want.group, want.rp_count, rps));
        }
        prop_assert_eq!(merged.len(), b.groups.len());
    }
}

#[test]
fn register_stop_and_null_register_builders() {
    let ph = PseudoHeader::<Ipv4>::new(Ipv4Addr::new(10, 0, 0, 2), Ipv4Addr::new(10, 0, 0, 1));
    let mut buf = [0u8; 64];
    let n = mcast_pim::wire::emit_null_register::<Ipv4>(
        &mut buf,
        Ipv4Addr::new(10, 1, 1, 1),
        Ipv4Addr::new(232, 1, 1, 1),
        false,
        ChecksumCoverage::Standard,
        &ph,
    )
    .unwrap();
    assert_eq!(n, 28);
    let pim = Pim::<Ipv4>::parse(&buf[..n], &ph).unwrap();
    let mcast_pim::wire::Message::Register(r) = pim.message else {
        panic!()
    };
    assert!(r.null_register);
    let inner = r.inner_header::<Ipv4>().unwrap();
    assert_eq!(
        (inner.source, inner.destination),
        (Ipv4Addr::new(10, 1, 1, 1), Ipv4Addr::new(232, 1, 1, 1))
    );
    assert!(mcast_addr::checksum::is_valid(r.inner));
    let ph6 = PseudoHeader::<Ipv6>::new("fe80::1".parse().unwrap(), "2001:db8::1".parse().unwrap());
    let n = mcast_pim::wire::emit_null_register::<Ipv6>(
        &mut buf,
        "2001:db8::5".parse().unwrap(),
        "ff3e::1".parse().unwrap(),
        true,
        ChecksumCoverage::WholeRegister,
        &ph6,
    )
    .unwrap();
    assert_eq!(n, 48);
    let pim = Pim::<Ipv6>::parse(&buf[..n], &ph6).unwrap();
    assert_eq!(pim.checksum_coverage, Some(ChecksumCoverage::WholeRegister));
    let _ = PimRepr::from_view(&pim);
}
