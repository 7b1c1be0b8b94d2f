//! The SA cache and its SG-State timers (RFC 3618 §4, §5.3), flooding, filters (§7), limits
//! (RFC 4611 §4.2), encapsulated data (§8), SA-Request/Response (§12.2.2, §12.2.3),
//! origination (§3, §5.1, §5.2) and the (S,G) joins (§3).

use std::net::Ipv4Addr;

use mcast_addr::ipv4::Ipv4Range;
use mcast_msdp::speaker::{
    ANY, FilterAction, FilterRule, PeerConfig, SaFilter, SpeakerConfig, SpeakerEvent, SpeakerTimer,
};

use crate::harness::*;

const ME: Ipv4Addr = a(50);
const RP: Ipv4Addr = Ipv4Addr::new(192, 0, 2, 1);
const RP2: Ipv4Addr = Ipv4Addr::new(192, 0, 2, 2);

/// A speaker whose peers a(1) (default peer) and a(2), a(3) are Established.
fn setup() -> S {
    // Peers that never go quiet long enough to expire their Hold timers here.
    let mut config = SpeakerConfig::new(ME);
    config.hold_time_period = secs(100_000);
    config.keepalive_period = secs(50_000);
    let mut s = S::new(secs(0), config);
    establish(&mut s, secs(0), PeerConfig::new(a(1), ME).default_peer());
    establish(&mut s, secs(0), PeerConfig::new(a(2), ME));
    establish(&mut s, secs(0), PeerConfig::new(a(3), ME));
    s
}

fn sa(from: Ipv4Addr, at: u64, s: &mut S, entries: &[(Ipv4Addr, Ipv4Addr)]) {
    s.handle_bytes(secs(at), from, &sa_bytes(RP, entries, &[]))
        .unwrap();
}

#[test]
fn an_accepted_sa_is_cached_and_flooded_to_every_other_peer() {
    let mut s = setup();
    sa(a(1), 1, &mut s, &[(src(1), grp(1)), (src(2), grp(1))]);
    assert_eq!(s.sa_cache_len(), 2);
    let entry = s.sa_cache_entry(src(1), grp(1), RP).unwrap();
    assert_eq!(entry.peer, a(1));
    assert_eq!(entry.expires, Some(secs(91)));
    let out = sent(&mut s);
    let expect = vec![Msg::Sa {
        rp: RP,
        entries: vec![(src(1), grp(1)), (src(2), grp(1))],
        data: vec![],
    }];
    assert_eq!(out.get(&a(2)), Some(&expect));
    assert_eq!(out.get(&a(3)), Some(&expect));
    assert!(!out.contains_key(&a(1)));
}

#[test]
fn copies_within_the_hold_down_are_neither_flooded_nor_refresh() {
    let mut s = setup();
    sa(a(1), 1, &mut s, &[(src(1), grp(1))]);
    sent(&mut s);
    sa(a(1), 20, &mut s, &[(src(1), grp(1))]);
    assert!(sent(&mut s).is_empty());
    assert_eq!(s.peer_stats(a(1)).unwrap().entries_duplicate, 1);
    assert_eq!(
        s.sa_cache_entry(src(1), grp(1), RP).unwrap().expires,
        Some(secs(91))
    );
}

#[test]
fn a_refresh_after_the_hold_down_is_flooded_and_restarts_the_sg_state_timer() {
    let mut s = setup();
    sa(a(1), 1, &mut s, &[(src(1), grp(1))]);
    sent(&mut s);
    sa(a(1), 61, &mut s, &[(src(1), grp(1))]);
    assert_eq!(sent(&mut s).len(), 2);
    assert_eq!(
        s.sa_cache_entry(src(1), grp(1), RP).unwrap().expires,
        Some(secs(151))
    );
    s.handle_timeout(secs(150));
    assert_eq!(s.sa_cache_len(), 1);
    s.handle_timeout(secs(151));
    assert_eq!(s.sa_cache_len(), 0);
    assert_eq!(s.stats().entries_expired, 1);
}

#[test]
fn sg_state_timer_expires_at_sg_state_period_and_leaves_nothing_due() {
    let mut s = setup();
    // Arrival at 0.5 s: the deadline rounds up to 91 s (at least the period, under 1 s more).
    s.handle_bytes(
        std::time::Duration::from_millis(500),
        a(1),
        &sa_bytes(RP, &[(src(1), grp(1))], &[]),
    )
    .unwrap();
    sa(a(1), 30, &mut s, &[(src(2), grp(1))]);
    assert_eq!(s.deadline(&SpeakerTimer::SgState), Some(secs(91)));
    s.handle_timeout(secs(91));
    assert_eq!(s.sa_cache_len(), 1);
    assert!(s.poll_timeout().unwrap() > secs(91));
    assert_eq!(s.deadline(&SpeakerTimer::SgState), Some(secs(120)));
    // A clock that jumps far ahead expires everything at once.
    s.handle_timeout(secs(100_000));
    assert_eq!(s.sa_cache_len(), 0);
    assert_eq!(s.deadline(&SpeakerTimer::SgState), None);
}

#[test]
fn the_sg_state_period_is_configurable() {
    let mut config = SpeakerConfig::new(ME);
    config.sg_state_period = secs(150);
    let mut s = S::new(secs(0), config);
    establish(&mut s, secs(0), PeerConfig::new(a(1), ME).default_peer());
    sa(a(1), 10, &mut s, &[(src(1), grp(1))]);
    assert_eq!(
        s.sa_cache_entry(src(1), grp(1), RP).unwrap().expires,
        Some(secs(160))
    );
}

#[test]
fn invalid_entries_are_dropped_and_counted() {
    let mut s = setup();
    sa(
        a(1),
        1,
        &mut s,
        &[
            (src(1), Ipv4Addr::new(10, 1, 1, 1)),
            (grp(3), grp(1)),
            (Ipv4Addr::UNSPECIFIED, grp(1)),
            (src(1), grp(1)),
        ],
    );
    assert_eq!(s.sa_cache_len(), 1);
    assert_eq!(s.peer_stats(a(1)).unwrap().entries_invalid, 3);
}

fn deny(source: Ipv4Range, group: Ipv4Range, rp: Ipv4Range) -> SaFilter {
    SaFilter {
        rules: vec![FilterRule::new(FilterAction::Deny, source, group, rp)],
        default_action: FilterAction::Permit,
    }
}

fn prefix(addr: Ipv4Addr, len: u8) -> Ipv4Range {
    Ipv4Range::from_prefix(addr, len).unwrap()
}

#[test]
fn input_filters_by_source_group_and_rp() {
    for (filter, dropped) in [
        (deny(prefix(src(1), 32), ANY, ANY), 1),
        (deny(ANY, prefix(grp(2), 32), ANY), 1),
        (deny(ANY, ANY, prefix(RP, 32)), 3),
        (deny(ANY, ANY, prefix(RP2, 32)), 0),
    ] {
        let mut s = speaker(ME);
        let mut config = PeerConfig::new(a(1), ME).default_peer();
        config.sa_filter_in = filter;
        establish(&mut s, secs(0), config);
        sa(
            a(1),
            1,
            &mut s,
            &[(src(1), grp(1)), (src(2), grp(2)), (src(3), grp(3))],
        );
        assert_eq!(s.sa_cache_len(), 3 - dropped);
        assert_eq!(
            s.peer_stats(a(1)).unwrap().entries_filtered_in,
            dropped as u64
        );
    }
    // Default deny with a permit rule: only the permitted group passes.
    let mut s = speaker(ME);
    let mut config = PeerConfig::new(a(1), ME).default_peer();
    config.sa_filter_in = SaFilter {
        rules: vec![FilterRule::new(
            FilterAction::Permit,
            ANY,
            prefix(grp(0), 24),
            ANY,
        )],
        default_action: FilterAction::Deny,
    };
    establish(&mut s, secs(0), config);
    sa(
        a(1),
        1,
        &mut s,
        &[(src(1), grp(1)), (src(2), Ipv4Addr::new(239, 9, 9, 9))],
    );
    assert_eq!(s.sa_cache_len(), 1);
}

#[test]
fn output_filters_keep_entries_from_one_peer_and_not_the_others() {
    let mut s = setup();
    let mut config = PeerConfig::new(a(3), ME);
    config.sa_filter_out = deny(ANY, prefix(Ipv4Addr::new(239, 1, 1, 0), 24), ANY);
    s.reconfigure_peer(config);
    sa(
        a(1),
        1,
        &mut s,
        &[(src(1), grp(1)), (src(2), Ipv4Addr::new(239, 2, 0, 1))],
    );
    let out = sent(&mut s);
    assert_eq!(
        out[&a(3)],
        [Msg::Sa {
            rp: RP,
            entries: vec![(src(2), Ipv4Addr::new(239, 2, 0, 1))],
            data: vec![]
        }]
    );
    assert_eq!(out[&a(2)].len(), 1);
    assert_eq!(s.peer_stats(a(3)).unwrap().entries_filtered_out, 1);
    // Everything filtered: nothing is sent at all.
    sa(a(1), 2, &mut s, &[(src(3), grp(3))]);
    assert!(!sent(&mut s).contains_key(&a(3)));
}

#[test]
fn the_limit_per_peer_holds_and_counts() {
    let mut s = speaker(ME);
    let mut config = PeerConfig::new(a(1), ME).default_peer();
    config.max_sa_entries = 2;
    establish(&mut s, secs(0), config);
    sa(
        a(1),
        1,
        &mut s,
        &[(src(1), grp(1)), (src(2), grp(1)), (src(3), grp(1))],
    );
    assert_eq!(s.sa_cache_len_from(a(1)), 2);
    assert_eq!(s.peer_stats(a(1)).unwrap().entries_over_peer_limit, 1);
    // A refresh of a held entry is not a new one.
    sa(a(1), 61, &mut s, &[(src(1), grp(1))]);
    assert_eq!(s.peer_stats(a(1)).unwrap().entries_accepted, 3);
    // Room again after expiry.
    s.handle_timeout(secs(91));
    assert_eq!(s.sa_cache_len_from(a(1)), 1);
    sa(a(1), 92, &mut s, &[(src(3), grp(1))]);
    assert_eq!(s.sa_cache_len_from(a(1)), 2);
}

#[test]
fn the_limit_of_the_whole_cache_holds_and_counts() {
    let mut config = SpeakerConfig::new(ME);
    config.limits.max_sa_cache = 3;
    let mut s = S::new(secs(0), config);
    establish(&mut s, secs(0), PeerConfig::new(a(1), ME).default_peer());
    let entries: Vec<_> = (1..=5).map(|i| (src(i), grp(1))).collect();
    sa(a(1), 1, &mut s, &entries);
    assert_eq!(s.sa_cache_len(), 3);
    assert_eq!(s.stats().entries_over_cache_limit, 2);
}

#[test]
fn the_output_limit_drops_whole_messages_and_counts() {
    let mut config = SpeakerConfig::new(ME);
    config.limits.max_output_bytes = 40;
    let mut s = S::new(secs(0), config);
    establish(&mut s, secs(0), PeerConfig::new(a(1), ME).default_peer());
    s.add_peer(secs(0), PeerConfig::new(a(2), ME)).unwrap();
    s.handle_connected(secs(0), a(2)).unwrap();
    // 3 bytes of KeepAlive are queued; an SA of 2 entries is 32 bytes: fits; the next not.
    sa(a(1), 1, &mut s, &[(src(1), grp(1)), (src(2), grp(1))]);
    sa(a(1), 1, &mut s, &[(src(3), grp(1))]);
    assert_eq!(s.peer_stats(a(2)).unwrap().output_drops, 1);
    let out = sent(&mut s);
    assert_eq!(out[&a(2)].len(), 2);
}

#[test]
fn encapsulated_data_goes_into_the_domain_with_interest_and_on_to_peers() {
    let mut s = setup();
    let data = packet(src(2), grp(1));
    s.handle_bytes(
        secs(1),
        a(1),
        &sa_bytes(RP, &[(src(1), grp(1)), (src(2), grp(1))], &data),
    )
    .unwrap();
    assert!(
        !events(&mut s)
            .iter()
            .any(|e| matches!(e, SpeakerEvent::EncapsulatedData { .. }))
    );
    let out = sent(&mut s);
    let Msg::Sa {
        data: forwarded, ..
    } = &out[&a(2)][0]
    else {
        panic!()
    };
    assert_eq!(forwarded, &data);
    // With interest: the packet is handed over.
    s.set_star_g_interest(secs(2), grp(1), true);
    events(&mut s);
    s.handle_bytes(
        secs(2),
        a(1),
        &sa_bytes(RP, &[(src(3), grp(1))], &packet(src(3), grp(1))),
    )
    .unwrap();
    let evs = events(&mut s);
    assert!(evs.contains(&SpeakerEvent::EncapsulatedData {
        rp: RP,
        source: src(3),
        group: grp(1),
        packet: packet(src(3), grp(1)),
    }));
}

#[test]
fn encapsulated_data_not_matching_the_last_entry_is_dropped() {
    let mut s = setup();
    s.set_star_g_interest(secs(0), grp(1), true);
    s.handle_bytes(
        secs(1),
        a(1),
        &sa_bytes(RP, &[(src(1), grp(1))], &packet(src(9), grp(1))),
    )
    .unwrap();
    assert_eq!(s.peer_stats(a(1)).unwrap().data_mismatch, 1);
    assert!(
        !events(&mut s)
            .iter()
            .any(|e| matches!(e, SpeakerEvent::EncapsulatedData { .. }))
    );
    let out = sent(&mut s);
    assert_eq!(
        out[&a(2)],
        [Msg::Sa {
            rp: RP,
            entries: vec![(src(1), grp(1))],
            data: vec![]
        }]
    );
}

#[test]
fn sa_then_interest_and_interest_then_sa_join_the_same_sources() {
    let join = |n| SpeakerEvent::JoinSource {
        source: src(n),
        group: grp(1),
    };
    // SA first (FRR #22565 lost this join).
    let mut s = setup();
    sa(a(1), 1, &mut s, &[(src(1), grp(1)), (src(2), grp(2))]);
    assert!(joins(&mut s).is_empty());
    s.set_star_g_interest(secs(2), grp(1), true);
    assert_eq!(joins(&mut s), [join(1)]);
    // Interest first.
    let mut t = setup();
    t.set_star_g_interest(secs(0), grp(1), true);
    sa(a(1), 1, &mut t, &[(src(1), grp(1)), (src(2), grp(2))]);
    assert_eq!(joins(&mut t), [join(1)]);
    assert_eq!(
        s.joined_sources().collect::<Vec<_>>(),
        t.joined_sources().collect::<Vec<_>>()
    );
}

#[test]
fn a_source_is_pruned_when_its_last_sa_expires_or_the_interest_goes() {
    let mut s = setup();
    s.set_star_g_interest(secs(0), grp(1), true);
    // The same (S,G) from two RPs: one join; the prune waits for the second expiry.
    s.handle_bytes(secs(1), a(1), &sa_bytes(RP, &[(src(1), grp(1))], &[]))
        .unwrap();
    s.handle_bytes(secs(31), a(1), &sa_bytes(RP2, &[(src(1), grp(1))], &[]))
        .unwrap();
    assert_eq!(joins(&mut s).len(), 1);
    s.handle_timeout(secs(91));
    assert!(joins(&mut s).is_empty());
    s.handle_timeout(secs(121));
    assert_eq!(
        joins(&mut s),
        [SpeakerEvent::PruneSource {
            source: src(1),
            group: grp(1)
        }]
    );
    // Interest lost.
    sa(a(1), 200, &mut s, &[(src(2), grp(1))]);
    assert_eq!(joins(&mut s).len(), 1);
    s.set_star_g_interest(secs(201), grp(1), false);
    assert_eq!(
        joins(&mut s),
        [SpeakerEvent::PruneSource {
            source: src(2),
            group: grp(1)
        }]
    );
    // Interest again: the cached source is joined again.
    s.set_star_g_interest(secs(202), grp(1), true);
    assert_eq!(joins(&mut s).len(), 1);
}

#[test]
fn joins_follow_cache_and_interest_in_any_order_of_arrival() {
    // Every interleaving of: SA(s1), SA(s2), interest on, gives the same joined set.
    let steps = [0u8, 1, 2];
    let mut orders = vec![];
    for x in steps {
        for y in steps {
            for z in steps {
                if x != y && y != z && x != z {
                    orders.push([x, y, z]);
                }
            }
        }
    }
    let mut results = vec![];
    for order in orders {
        let mut s = setup();
        for step in order {
            match step {
                0 => sa(a(1), 1, &mut s, &[(src(1), grp(1))]),
                1 => sa(a(1), 1, &mut s, &[(src(2), grp(1))]),
                _ => s.set_star_g_interest(secs(1), grp(1), true),
            }
        }
        let mut j: Vec<_> = joins(&mut s);
        j.sort_by_key(|e| format!("{e:?}"));
        results.push((j, s.joined_sources().collect::<Vec<_>>()));
    }
    assert!(results.windows(2).all(|w| w[0] == w[1]), "{results:?}");
    assert_eq!(results[0].1.len(), 2);
}

#[test]
fn sa_request_is_answered_from_the_cache_one_response_per_rp() {
    let mut s = setup();
    s.add_local_source(secs(0), &mut Rng(1), src(9), grp(1), &[]);
    s.handle_bytes(
        secs(1),
        a(1),
        &sa_bytes(RP, &[(src(1), grp(1)), (src(2), grp(2))], &[]),
    )
    .unwrap();
    s.handle_bytes(secs(1), a(1), &sa_bytes(RP2, &[(src(3), grp(1))], &[]))
        .unwrap();
    sent(&mut s);
    s.handle_bytes(secs(2), a(2), &request_bytes(grp(1)))
        .unwrap();
    assert_eq!(
        sent_to(&mut s, a(2)),
        [
            Msg::Response {
                rp: ME,
                entries: vec![(src(9), grp(1))]
            },
            Msg::Response {
                rp: RP,
                entries: vec![(src(1), grp(1))]
            },
            Msg::Response {
                rp: RP2,
                entries: vec![(src(3), grp(1))]
            },
        ]
    );
    // Nothing known: one empty response.
    s.handle_bytes(secs(2), a(2), &request_bytes(grp(7)))
        .unwrap();
    assert_eq!(
        sent_to(&mut s, a(2)),
        [Msg::Response {
            rp: ME,
            entries: vec![]
        }]
    );
    assert_eq!(s.peer_stats(a(2)).unwrap().sa_requests_received, 2);
}

#[test]
fn sa_requests_are_ignored_when_not_answering() {
    let mut config = SpeakerConfig::new(ME);
    config.answer_sa_requests = false;
    let mut s = S::new(secs(0), config);
    establish(&mut s, secs(0), PeerConfig::new(a(2), ME));
    s.handle_bytes(secs(2), a(2), &request_bytes(grp(1)))
        .unwrap();
    assert!(sent_to(&mut s, a(2)).is_empty());
    assert_eq!(s.peer_stats(a(2)).unwrap().sa_request_ignored, 1);
}

#[test]
fn interest_sends_sa_requests_and_responses_fill_the_cache_without_flooding() {
    let mut s = speaker(ME);
    let mut config = PeerConfig::new(a(1), ME);
    config.send_sa_requests = true;
    establish(&mut s, secs(0), config);
    establish(&mut s, secs(0), PeerConfig::new(a(2), ME));
    s.set_star_g_interest(secs(1), grp(1), true);
    let out = sent(&mut s);
    assert_eq!(out[&a(1)], [Msg::Request(grp(1))]);
    assert!(!out.contains_key(&a(2)));
    s.handle_bytes(secs(2), a(1), &response_bytes(RP, &[(src(1), grp(1))]))
        .unwrap();
    assert_eq!(s.sa_cache_len(), 1);
    assert_eq!(
        joins(&mut s),
        [SpeakerEvent::JoinSource {
            source: src(1),
            group: grp(1)
        }]
    );
    assert!(sent(&mut s).is_empty(), "responses are not flooded");
    // A response from a peer not asked is ignored.
    s.handle_bytes(secs(2), a(2), &response_bytes(RP, &[(src(2), grp(1))]))
        .unwrap();
    assert_eq!(s.sa_cache_len(), 1);
    assert_eq!(s.peer_stats(a(2)).unwrap().sa_request_ignored, 1);
}

#[test]
fn a_new_local_source_is_announced_at_once_with_its_first_packet() {
    let mut s = with_peers(ME, &[a(1), a(2)]);
    let data = packet(src(1), grp(1));
    assert!(s.add_local_source(secs(5), &mut Rng(3), src(1), grp(1), &data));
    assert!(!s.add_local_source(secs(5), &mut Rng(3), src(1), grp(1), &data));
    let out = sent(&mut s);
    for p in [a(1), a(2)] {
        assert_eq!(
            out[&p],
            [Msg::Sa {
                rp: ME,
                entries: vec![(src(1), grp(1))],
                data: data.clone()
            }]
        );
    }
    // Without encapsulation, or with a packet that is not the source's, no data.
    let mut config = SpeakerConfig::new(ME);
    config.encapsulate_data = false;
    let mut t = S::new(secs(0), config);
    establish(&mut t, secs(0), PeerConfig::new(a(1), ME));
    t.add_local_source(secs(5), &mut Rng(3), src(1), grp(1), &data);
    assert!(matches!(&sent_to(&mut t, a(1))[0], Msg::Sa { data, .. } if data.is_empty()));
    s.add_local_source(secs(5), &mut Rng(3), src(2), grp(1), &data);
    assert!(matches!(&sent_to(&mut s, a(1))[0], Msg::Sa { data, .. } if data.is_empty()));
}

#[test]
fn local_sources_are_advertised_every_sa_advertisement_period_from_a_random_phase() {
    for seed in 1..=64u64 {
        let mut s = with_peers(ME, &[a(1)]);
        s.add_local_source(secs(10), &mut Rng(seed * 0x9e37_79b9), src(1), grp(1), &[]);
        s.add_local_source(secs(10), &mut Rng(seed), src(2), grp(2), &[]);
        sent(&mut s);
        let first = s.deadline(&SpeakerTimer::SaAdvertisement).unwrap();
        assert!(
            first > secs(10) && first <= secs(70),
            "seed {seed}: {first:?}"
        );
        s.handle_timeout(first);
        assert_eq!(
            sent_to(&mut s, a(1)),
            [Msg::Sa {
                rp: ME,
                entries: vec![(src(1), grp(1)), (src(2), grp(2))],
                data: vec![]
            }]
        );
        assert_eq!(
            s.deadline(&SpeakerTimer::SaAdvertisement),
            Some(first + secs(60))
        );
        // Removing every source stops the timer.
        s.remove_local_source(first, src(1), grp(1));
        s.remove_local_source(first, src(2), grp(2));
        assert_eq!(s.deadline(&SpeakerTimer::SaAdvertisement), None);
    }
}

#[test]
fn local_sources_are_sent_to_a_peer_when_it_comes_up_and_packed_255_an_sa() {
    let mut s = speaker(ME);
    for i in 0..300u16 {
        let source = Ipv4Addr::from_bits(0xAC10_0001 + u32::from(i));
        s.add_local_source(secs(0), &mut Rng(5), source, grp(1), &[]);
    }
    establish_keep(&mut s, a(1));
    let msgs = sent_to(&mut s, a(1));
    let sizes: Vec<usize> = msgs
        .iter()
        .map(|m| match m {
            Msg::Sa { entries, .. } => entries.len(),
            _ => 0,
        })
        .collect();
    assert_eq!(sizes, [255, 45]);
}

#[test]
fn periodic_sas_are_spread_over_the_period_each_source_once_a_period() {
    let mut s = with_peers(ME, &[a(1)]);
    for i in 0..600u32 {
        let source = Ipv4Addr::from_bits(0xAC10_0001 + i);
        s.add_local_source(secs(0), &mut Rng(9), source, grp(1), &[]);
    }
    sent(&mut s);
    let first = s.deadline(&SpeakerTimer::SaAdvertisement).unwrap();
    let mut seen = std::collections::BTreeMap::new();
    let mut sizes = vec![];
    let mut at = first;
    for _ in 0..4 {
        s.handle_timeout(at);
        for m in sent_to(&mut s, a(1)) {
            let Msg::Sa { entries, .. } = m else { panic!() };
            sizes.push((at.checked_sub(first).unwrap(), entries.len()));
            for e in entries {
                if let Some(previous) = seen.insert(e, at) {
                    assert!(
                        at.checked_sub(previous).unwrap() >= secs(60),
                        "{e:?} twice within a period"
                    );
                }
            }
        }
        at = s.deadline(&SpeakerTimer::SaAdvertisement).unwrap();
    }
    assert_eq!(
        sizes,
        [
            (secs(0), 255),
            (secs(20), 255),
            (secs(40), 90),
            (secs(60), 255)
        ]
    );
    assert_eq!(at, first + secs(80));
}

fn establish_keep(s: &mut S, peer: Ipv4Addr) {
    s.add_peer(secs(0), PeerConfig::new(peer, ME)).unwrap();
    s.handle_connected(secs(0), peer).unwrap();
}

#[test]
fn the_local_source_limit_holds() {
    let mut config = SpeakerConfig::new(ME);
    config.limits.max_local_sources = 1;
    let mut s = S::new(secs(0), config);
    assert!(s.add_local_source(secs(0), &mut Rng(1), src(1), grp(1), &[]));
    assert!(!s.add_local_source(secs(0), &mut Rng(1), src(2), grp(1), &[]));
    assert!(!s.add_local_source(secs(0), &mut Rng(1), grp(2), grp(1), &[]));
    assert_eq!(s.stats().local_sources_over_limit, 1);
    assert_eq!(s.stats().local_sources_invalid, 1);
}

/// A byte stream from a(1): SAs (one with data), a request, KeepAlives, an unknown TLV.
fn stream() -> Vec<u8> {
    let mut bytes = vec![];
    bytes.extend(sa_bytes(RP, &[(src(1), grp(1)), (src(2), grp(1))], &[]));
    bytes.extend(keepalive_bytes());
    bytes.extend(sa_bytes(RP2, &[(src(3), grp(1))], &packet(src(3), grp(1))));
    bytes.extend([6, 0, 4, 0]);
    bytes.extend(request_bytes(grp(1)));
    let many: Vec<_> = (1..=100).map(|i| (src(i), grp(2))).collect();
    bytes.extend(sa_bytes(RP, &many, &[]));
    bytes.extend(keepalive_bytes());
    bytes
}

/// What a speaker made of `pieces`: cache, events, transmissions, counters.
fn outcome(pieces: &[&[u8]]) -> String {
    let mut s = setup();
    s.set_star_g_interest(secs(0), grp(1), true);
    events(&mut s);
    for piece in pieces {
        s.handle_bytes(secs(1), a(1), piece).unwrap();
    }
    let cache: Vec<_> = s.sa_cache().collect();
    format!(
        "{cache:?}\n{:?}\n{:?}\n{:?}\n{:?}",
        events(&mut s),
        sent(&mut s),
        s.peer_stats(a(1)),
        s.deadline(&SpeakerTimer::Hold(a(1)))
    )
}

#[test]
fn every_way_of_cutting_the_byte_stream_gives_the_same_behaviour() {
    let bytes = stream();
    let whole = outcome(&[&bytes]);
    // Every single cut.
    for cut in 0..=bytes.len() {
        let (x, y) = bytes.split_at(cut);
        assert_eq!(outcome(&[x, y]), whole, "cut at {cut}");
    }
    // Pieces of every size from 1 to 40, and a pseudo-random cutting.
    for size in 1..=40 {
        let pieces: Vec<&[u8]> = bytes.chunks(size).collect();
        assert_eq!(outcome(&pieces), whole, "pieces of {size}");
    }
    let mut rng = 0x1234_5678u64;
    for _ in 0..50 {
        let mut pieces = vec![];
        let mut rest = &bytes[..];
        while !rest.is_empty() {
            rng ^= rng << 13;
            rng ^= rng >> 7;
            rng ^= rng << 17;
            let n = (rng % 64) as usize + 1;
            let (x, y) = rest.split_at(n.min(rest.len()));
            pieces.push(x);
            rest = y;
        }
        assert_eq!(outcome(&pieces), whole);
    }
}
