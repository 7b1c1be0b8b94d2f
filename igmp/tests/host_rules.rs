//! Host-side rules: RFC 3376/9776 §3.2, §5.1, §5.2, §7.2 (and RFC 3810, RFC 2236, RFC 1112),
//! each scenario run under many RNG seeds, every message through the codec's bytes.
#![allow(clippy::cast_possible_truncation, clippy::unchecked_time_subtraction)]

mod common;

use std::net::{Ipv4Addr, Ipv6Addr};
use std::time::Duration;

use common::*;
use mcast_addr::family::{Ipv4, Ipv6};
use mcast_igmp::gmp::{FilterMode, HostConfig, Message, RecordType, Transmit, Version};
use mcast_igmp::host::{Host, HostEvent, HostTimer, SocketId};

const HOST: Ipv4Addr = Ipv4Addr::new(10, 0, 0, 50);
const ROUTER: Ipv4Addr = Ipv4Addr::new(10, 0, 0, 1);
const G: Ipv4Addr = Ipv4Addr::new(239, 1, 2, 3);
const ALL_SYSTEMS: Ipv4Addr = Ipv4Addr::new(224, 0, 0, 1);

fn s(n: u8) -> Ipv4Addr {
    Ipv4Addr::new(192, 0, 2, n)
}

fn host(rng: &mut TestRng) -> Host<Ipv4, Duration> {
    let mut h = Host::new(HostConfig::new(HOST));
    h.enable(Duration::ZERO, rng);
    h
}

/// Runs the host's timers up to `until`, collecting what it sends with the time it was sent.
fn run(
    h: &mut Host<Ipv4, Duration>,
    rng: &mut TestRng,
    until: Duration,
) -> Vec<(Duration, Transmit<Ipv4>)> {
    let mut out = Vec::new();
    while let Some(t) = h.poll_timeout().filter(|t| *t <= until) {
        h.handle_timeout(t, rng);
        out.extend(drain(|| h.poll_transmit()).into_iter().map(|x| (t, x)));
    }
    out
}

fn deliver(
    h: &mut Host<Ipv4, Duration>,
    rng: &mut TestRng,
    now: Duration,
    from: Ipv4Addr,
    to: Ipv4Addr,
    m: &Message<Ipv4Addr>,
) {
    h.handle_packet(now, rng, from, to, &bytes::<Ipv4>(m, from, to))
        .unwrap();
}

fn v3_query(group: Ipv4Addr, max: Duration, sources: Vec<Ipv4Addr>) -> Message<Ipv4Addr> {
    query(Version::V3, group, max, sources)
}

fn one_record(t: &Transmit<Ipv4>) -> (RecordType, Vec<Ipv4Addr>) {
    let r = records(std::slice::from_ref(t));
    assert_eq!(r.len(), 1, "{r:?}");
    (r[0].record_type, r[0].sources.clone())
}

#[test]
fn rfc3376_5_1_join_sends_to_ex_at_once_and_robustness_minus_one_retransmissions_within_uri() {
    for seed in SEEDS {
        let mut rng = TestRng::new(seed);
        let mut h = host(&mut rng);
        h.join_group(Duration::ZERO, &mut rng, SocketId(1), G)
            .unwrap();
        let first = drain(|| h.poll_transmit());
        assert_eq!(first.len(), 1);
        assert_eq!(first[0].destination, Ipv4Addr::new(224, 0, 0, 22));
        assert_eq!(
            one_record(&first[0]),
            (RecordType::ChangeToExcludeMode, vec![])
        );
        let later = run(&mut h, &mut rng, secs(100));
        assert_eq!(
            later.len(),
            1,
            "seed {seed}: [Robustness Variable] - 1 retransmissions"
        );
        assert!(
            later[0].0 > Duration::ZERO && later[0].0 <= secs(1),
            "seed {seed}: within (0, URI]"
        );
        assert_eq!(
            one_record(&later[0].1),
            (RecordType::ChangeToExcludeMode, vec![])
        );
    }
}

#[test]
fn rfc3376_5_1_filter_mode_change_record_for_robustness_reports_then_source_list_changes() {
    for seed in SEEDS {
        let mut rng = TestRng::new(seed);
        let mut h = host(&mut rng);
        h.join_group(Duration::ZERO, &mut rng, SocketId(1), G)
            .unwrap();
        h.block_source(ms(1), &mut rng, SocketId(1), G, s(9))
            .unwrap();
        let mut sent: Vec<_> = drain(|| h.poll_transmit()).iter().map(one_record).collect();
        sent.extend(
            run(&mut h, &mut rng, secs(100))
                .iter()
                .map(|(_, t)| one_record(t)),
        );
        assert_eq!(
            sent,
            vec![
                (RecordType::ChangeToExcludeMode, vec![]),
                (RecordType::ChangeToExcludeMode, vec![s(9)]),
                (RecordType::BlockOldSources, vec![s(9)]),
                (RecordType::BlockOldSources, vec![s(9)]),
            ],
            "seed {seed}"
        );
    }
}

#[test]
fn rfc3376_5_1_source_list_change_merges_pending_retransmissions() {
    for seed in SEEDS {
        let mut rng = TestRng::new(seed);
        let mut h = host(&mut rng);
        h.join_source_group(Duration::ZERO, &mut rng, SocketId(1), G, s(1))
            .unwrap();
        assert_eq!(
            one_record(&drain(|| h.poll_transmit())[0]),
            (RecordType::AllowNewSources, vec![s(1)])
        );
        h.join_source_group(ms(1), &mut rng, SocketId(1), G, s(2))
            .unwrap();
        // The new report carries the still-pending source 1 and the new source 2.
        assert_eq!(
            one_record(&drain(|| h.poll_transmit())[0]),
            (RecordType::AllowNewSources, vec![s(1), s(2)])
        );
        let rest = run(&mut h, &mut rng, secs(100));
        // Source 1 has been sent twice already; source 2 needs one more.
        assert_eq!(rest.len(), 1, "seed {seed}");
        assert_eq!(
            one_record(&rest[0].1),
            (RecordType::AllowNewSources, vec![s(2)])
        );
    }
}

#[test]
fn rfc3376_5_1_leave_sends_to_in_empty_robustness_times() {
    for seed in SEEDS {
        let mut rng = TestRng::new(seed);
        let mut h = host(&mut rng);
        h.join_group(Duration::ZERO, &mut rng, SocketId(1), G)
            .unwrap();
        run(&mut h, &mut rng, secs(10));
        drain(|| h.poll_transmit());
        h.leave_group(secs(20), &mut rng, SocketId(1), G).unwrap();
        let mut sent: Vec<_> = drain(|| h.poll_transmit()).iter().map(one_record).collect();
        sent.extend(
            run(&mut h, &mut rng, secs(100))
                .iter()
                .map(|(_, t)| one_record(t)),
        );
        assert_eq!(
            sent,
            vec![(RecordType::ChangeToIncludeMode, vec![]); 2],
            "seed {seed}"
        );
        assert_eq!(h.interface_state(G), None);
        assert_eq!(h.poll_timeout(), None, "nothing left behind");
    }
}

#[test]
fn rfc3376_3_2_interface_state_merges_socket_filters() {
    let mut rng = TestRng::new(1);
    let mut h = host(&mut rng);
    h.set_filter(
        Duration::ZERO,
        &mut rng,
        SocketId(1),
        G,
        FilterMode::Exclude,
        [s(1), s(2)],
    )
    .unwrap();
    h.set_filter(
        Duration::ZERO,
        &mut rng,
        SocketId(2),
        G,
        FilterMode::Exclude,
        [s(2), s(3)],
    )
    .unwrap();
    assert_eq!(
        h.interface_state(G)
            .map(|(m, l)| (m, l.iter().copied().collect::<Vec<_>>())),
        Some((FilterMode::Exclude, vec![s(2)]))
    );
    h.set_filter(
        Duration::ZERO,
        &mut rng,
        SocketId(3),
        G,
        FilterMode::Include,
        [s(2), s(4)],
    )
    .unwrap();
    assert_eq!(
        h.interface_state(G).map(|(m, l)| (m, l.len())),
        Some((FilterMode::Exclude, 0))
    );
    h.leave_group(Duration::ZERO, &mut rng, SocketId(1), G)
        .unwrap();
    h.leave_group(Duration::ZERO, &mut rng, SocketId(2), G)
        .unwrap();
    assert_eq!(
        h.interface_state(G)
            .map(|(m, l)| (m, l.iter().copied().collect::<Vec<_>>())),
        Some((FilterMode::Include, vec![s(2), s(4)]))
    );
    assert!(h.accepts(s(4), G) && !h.accepts(s(1), G));
    assert!(h.socket_accepts(SocketId(3), s(2), G));
    assert_eq!(
        h.block_source(Duration::ZERO, &mut rng, SocketId(3), G, s(1)),
        Err(mcast_igmp::host::FilterError::WrongFilterMode)
    );
    let events: Vec<_> = std::iter::from_fn(|| h.poll_event()).collect();
    assert!(events.contains(&HostEvent::ReceptionChanged {
        group: G,
        mode: Some(FilterMode::Include)
    }));
}

#[test]
fn rfc3376_5_2_general_query_answered_after_random_delay_within_max_response_time() {
    for seed in SEEDS {
        let mut rng = TestRng::new(seed);
        let mut h = host(&mut rng);
        h.join_group(Duration::ZERO, &mut rng, SocketId(1), G)
            .unwrap();
        run(&mut h, &mut rng, secs(10));
        drain(|| h.poll_transmit());
        let t0 = secs(100);
        deliver(
            &mut h,
            &mut rng,
            t0,
            ROUTER,
            ALL_SYSTEMS,
            &v3_query(Ipv4Addr::UNSPECIFIED, secs(10), vec![]),
        );
        assert!(h.poll_transmit().is_none(), "§5.2: never at once");
        // A second General Query: one response only (§5.2 rules 1 and 2).
        deliver(
            &mut h,
            &mut rng,
            t0 + ms(10),
            ROUTER,
            ALL_SYSTEMS,
            &v3_query(Ipv4Addr::UNSPECIFIED, secs(10), vec![]),
        );
        let sent = run(&mut h, &mut rng, t0 + secs(30));
        assert_eq!(sent.len(), 1, "seed {seed}");
        assert!(sent[0].0 > t0 && sent[0].0 <= t0 + ms(10) + secs(10));
        assert_eq!(one_record(&sent[0].1), (RecordType::ModeIsExclude, vec![]));
    }
}

#[test]
fn rfc3376_5_2_group_and_source_specific_query_answers_table_5() {
    for seed in SEEDS {
        let mut rng = TestRng::new(seed);
        let mut h = host(&mut rng);
        h.set_filter(
            Duration::ZERO,
            &mut rng,
            SocketId(1),
            G,
            FilterMode::Include,
            [s(1), s(2)],
        )
        .unwrap();
        run(&mut h, &mut rng, secs(10));
        drain(|| h.poll_transmit());
        // INCLUDE (A) with B pending -> IS_IN (A*B); two queries merge their sources (rule 5).
        deliver(
            &mut h,
            &mut rng,
            secs(20),
            ROUTER,
            G,
            &v3_query(G, secs(1), vec![s(2), s(3)]),
        );
        deliver(
            &mut h,
            &mut rng,
            secs(20),
            ROUTER,
            G,
            &v3_query(G, secs(1), vec![s(1)]),
        );
        let sent = run(&mut h, &mut rng, secs(30));
        assert_eq!(sent.len(), 1, "seed {seed}");
        assert_eq!(
            one_record(&sent[0].1),
            (RecordType::ModeIsInclude, vec![s(1), s(2)])
        );
        // A Group-Specific Query on top of a pending one clears the source list (rule 4).
        deliver(
            &mut h,
            &mut rng,
            secs(40),
            ROUTER,
            G,
            &v3_query(G, secs(1), vec![s(3)]),
        );
        deliver(
            &mut h,
            &mut rng,
            secs(40),
            ROUTER,
            G,
            &v3_query(G, secs(1), vec![]),
        );
        let sent = run(&mut h, &mut rng, secs(50));
        assert_eq!(
            one_record(&sent[0].1),
            (RecordType::ModeIsInclude, vec![s(1), s(2)])
        );
        // Nothing to report for sources the host does not want: no record at all.
        deliver(
            &mut h,
            &mut rng,
            secs(60),
            ROUTER,
            G,
            &v3_query(G, secs(1), vec![s(7)]),
        );
        assert!(run(&mut h, &mut rng, secs(70)).is_empty());
    }
}

#[test]
fn rfc3376_5_2_exclude_mode_answers_is_in_of_queried_minus_excluded() {
    let mut rng = TestRng::new(3);
    let mut h = host(&mut rng);
    h.set_filter(
        Duration::ZERO,
        &mut rng,
        SocketId(1),
        G,
        FilterMode::Exclude,
        [s(1)],
    )
    .unwrap();
    run(&mut h, &mut rng, secs(10));
    drain(|| h.poll_transmit());
    deliver(
        &mut h,
        &mut rng,
        secs(20),
        ROUTER,
        G,
        &v3_query(G, secs(1), vec![s(1), s(4)]),
    );
    let sent = run(&mut h, &mut rng, secs(30));
    assert_eq!(
        one_record(&sent[0].1),
        (RecordType::ModeIsInclude, vec![s(4)])
    );
}

#[test]
fn rfc3376_7_2_1_igmpv2_general_query_switches_to_v2_mode_until_older_version_querier_present_interval()
 {
    for seed in SEEDS {
        let mut rng = TestRng::new(seed);
        let mut h = host(&mut rng);
        h.join_group(Duration::ZERO, &mut rng, SocketId(1), G)
            .unwrap();
        run(&mut h, &mut rng, secs(10));
        drain(|| h.poll_transmit());
        let t0 = secs(100);
        deliver(
            &mut h,
            &mut rng,
            t0,
            ROUTER,
            ALL_SYSTEMS,
            &query(Version::V2, Ipv4Addr::UNSPECIFIED, secs(10), vec![]),
        );
        assert_eq!(h.compatibility_mode(), Version::V2);
        let sent = run(&mut h, &mut rng, t0 + secs(11));
        assert_eq!(sent.len(), 1);
        assert_eq!(
            sent[0].1.message().unwrap(),
            Message::Report {
                version: Version::V2,
                group: G
            }
        );
        assert_eq!(sent[0].1.destination, G);
        // A leave in v2 mode is an IGMPv2 Leave Group to all routers.
        h.leave_group(t0 + secs(20), &mut rng, SocketId(1), G)
            .unwrap();
        let leave = drain(|| h.poll_transmit());
        assert_eq!(leave[0].message().unwrap(), Message::Leave { group: G });
        assert_eq!(leave[0].destination, Ipv4Addr::new(224, 0, 0, 2));
        // Older Version Querier Present Interval: 2 * 125 s + 10 s.
        run(&mut h, &mut rng, t0 + secs(260) - ms(1));
        assert_eq!(h.compatibility_mode(), Version::V2);
        run(&mut h, &mut rng, t0 + secs(260));
        assert_eq!(h.compatibility_mode(), Version::V3, "seed {seed}");
    }
}

#[test]
fn rfc3376_7_2_1_older_version_group_specific_query_does_not_change_mode() {
    let mut rng = TestRng::new(5);
    let mut h = host(&mut rng);
    h.join_group(Duration::ZERO, &mut rng, SocketId(1), G)
        .unwrap();
    deliver(
        &mut h,
        &mut rng,
        secs(1),
        ROUTER,
        G,
        &query(Version::V2, G, secs(1), vec![]),
    );
    assert_eq!(h.compatibility_mode(), Version::V3);
}

#[test]
fn rfc3376_7_2_1_mode_change_cancels_pending_responses_and_retransmissions() {
    let mut rng = TestRng::new(6);
    let mut h = host(&mut rng);
    h.join_group(Duration::ZERO, &mut rng, SocketId(1), G)
        .unwrap();
    drain(|| h.poll_transmit());
    assert!(h.deadline(&HostTimer::StateChangeRetransmission).is_some());
    deliver(
        &mut h,
        &mut rng,
        ms(1),
        ROUTER,
        ALL_SYSTEMS,
        &query(Version::V1, Ipv4Addr::UNSPECIFIED, Duration::ZERO, vec![]),
    );
    assert_eq!(h.compatibility_mode(), Version::V1);
    assert_eq!(h.deadline(&HostTimer::StateChangeRetransmission), None);
    let events: Vec<_> = std::iter::from_fn(|| h.poll_event()).collect();
    assert!(events.contains(&HostEvent::CompatibilityModeChanged {
        version: Version::V1
    }));
}

#[test]
fn rfc2236_3_another_hosts_report_suppresses_ours_and_its_leave() {
    for seed in SEEDS {
        let mut rng = TestRng::new(seed);
        let mut h = host(&mut rng);
        deliver(
            &mut h,
            &mut rng,
            Duration::ZERO,
            ROUTER,
            ALL_SYSTEMS,
            &query(Version::V2, Ipv4Addr::UNSPECIFIED, secs(10), vec![]),
        );
        h.join_group(secs(1), &mut rng, SocketId(1), G).unwrap();
        run(&mut h, &mut rng, secs(5));
        drain(|| h.poll_transmit());
        deliver(
            &mut h,
            &mut rng,
            secs(10),
            ROUTER,
            ALL_SYSTEMS,
            &query(Version::V2, Ipv4Addr::UNSPECIFIED, secs(10), vec![]),
        );
        assert!(h.deadline(&HostTimer::GroupQueryResponse(G)).is_some());
        // Another member reports first.
        deliver(
            &mut h,
            &mut rng,
            secs(10),
            Ipv4Addr::new(10, 0, 0, 99),
            G,
            &Message::Report {
                version: Version::V2,
                group: G,
            },
        );
        assert!(
            run(&mut h, &mut rng, secs(30)).is_empty(),
            "seed {seed}: suppressed"
        );
        h.leave_group(secs(40), &mut rng, SocketId(1), G).unwrap();
        assert!(
            drain(|| h.poll_transmit()).is_empty(),
            "not the last reporter: no Leave"
        );
    }
}

#[test]
fn rfc1112_igmpv1_mode_reports_v1_and_never_leaves() {
    let mut rng = TestRng::new(8);
    let mut h = host(&mut rng);
    deliver(
        &mut h,
        &mut rng,
        Duration::ZERO,
        ROUTER,
        ALL_SYSTEMS,
        &query(Version::V1, Ipv4Addr::UNSPECIFIED, Duration::ZERO, vec![]),
    );
    h.join_group(secs(1), &mut rng, SocketId(1), G).unwrap();
    let sent = drain(|| h.poll_transmit());
    assert_eq!(
        sent[0].message().unwrap(),
        Message::Report {
            version: Version::V1,
            group: G
        }
    );
    h.leave_group(secs(2), &mut rng, SocketId(1), G).unwrap();
    assert!(drain(|| h.poll_transmit()).is_empty());
}

/// Linux CVE-2012-0207: an IGMPv3-length query with Max Resp Code 0 reaching a host in IGMPv2
/// compatibility mode divided by zero. Here the response waits at least one Max Resp Code unit.
#[test]
fn regression_cve_2012_0207_max_resp_code_zero_v3_query_in_v2_mode() {
    for seed in SEEDS {
        let mut rng = TestRng::new(seed);
        let mut h = host(&mut rng);
        h.join_group(Duration::ZERO, &mut rng, SocketId(1), G)
            .unwrap();
        deliver(
            &mut h,
            &mut rng,
            secs(1),
            ROUTER,
            ALL_SYSTEMS,
            &query(Version::V2, Ipv4Addr::UNSPECIFIED, secs(10), vec![]),
        );
        assert_eq!(h.compatibility_mode(), Version::V2);
        run(&mut h, &mut rng, secs(20));
        drain(|| h.poll_transmit());
        let t0 = secs(30);
        for group in [Ipv4Addr::UNSPECIFIED, G] {
            let q = query(Version::V3, group, Duration::ZERO, vec![]);
            let dst = if group == G { G } else { ALL_SYSTEMS };
            let raw = bytes::<Ipv4>(&q, ROUTER, dst);
            assert_eq!(raw[1], 0, "Max Resp Code 0 on the wire");
            assert!(raw.len() >= 12, "a v3-length query");
            h.handle_packet(t0, &mut rng, ROUTER, dst, &raw).unwrap();
            let due = h.deadline(&HostTimer::GroupQueryResponse(G)).unwrap();
            assert!(
                due >= t0 + ms(100),
                "seed {seed}: at least one tick later, never now"
            );
            let sent = run(&mut h, &mut rng, t0 + secs(1));
            assert_eq!(sent.len(), 1);
            assert_eq!(
                sent[0].1.message().unwrap(),
                Message::Report {
                    version: Version::V2,
                    group: G
                }
            );
        }
    }
}

#[test]
fn regression_durations_overflow_when_added_to_now() {
    let mut rng = TestRng::new(9);
    let end = Duration::MAX - ms(500);
    let mut h: Host<Ipv4, Duration> = Host::new(HostConfig::new(HOST));
    h.enable(end, &mut rng);
    h.join_group(end, &mut rng, SocketId(1), G).unwrap();
    deliver(
        &mut h,
        &mut rng,
        end,
        ROUTER,
        ALL_SYSTEMS,
        &query(Version::V2, Ipv4Addr::UNSPECIFIED, secs(25), vec![]),
    );
    deliver(
        &mut h,
        &mut rng,
        end,
        ROUTER,
        ALL_SYSTEMS,
        &v3_query(Ipv4Addr::UNSPECIFIED, secs(3000), vec![]),
    );
    h.handle_timeout(Duration::MAX, &mut rng);
    drain(|| h.poll_transmit());

    let mut r = mcast_igmp::router::Router::<Ipv4, Duration>::new(
        mcast_igmp::gmp::RouterConfig::new(ROUTER),
    );
    r.enable(end);
    r.handle_message(end, HOST, &record(RecordType::ModeIsExclude, G, vec![s(1)]));
    r.handle_message(
        end,
        HOST,
        &Message::Report {
            version: Version::V1,
            group: G,
        },
    );
    r.handle_message(
        end,
        HOST,
        &record(RecordType::ChangeToIncludeMode, G, vec![]),
    );
    r.handle_timeout(Duration::MAX);
    assert_eq!(
        r.filter_mode(G),
        Some(FilterMode::Exclude),
        "a deadline past the clock's end never expires"
    );
    drain(|| r.poll_transmit());
}

#[test]
fn rfc3810_6_mld_host_reports_to_ff02_16_and_ignores_off_link_queries() {
    for seed in SEEDS {
        let mut rng = TestRng::new(seed);
        let me: Ipv6Addr = "fe80::50".parse().unwrap();
        let group: Ipv6Addr = "ff3e::8000:1".parse().unwrap();
        let mut h: Host<Ipv6, Duration> = Host::new(HostConfig::new(me));
        h.enable(Duration::ZERO, &mut rng);
        h.join_source_group(
            Duration::ZERO,
            &mut rng,
            SocketId(1),
            group,
            "2001:db8::1".parse().unwrap(),
        )
        .unwrap();
        let sent = drain(|| h.poll_transmit());
        assert_eq!(sent[0].destination, "ff02::16".parse::<Ipv6Addr>().unwrap());
        assert_eq!(records(&sent)[0].record_type, RecordType::AllowNewSources);
        run6(&mut h, &mut rng, secs(10));
        let q = query(Version::V3, Ipv6Addr::UNSPECIFIED, secs(10), vec![]);
        let global: Ipv6Addr = "2001:db8::99".parse().unwrap();
        let all: Ipv6Addr = "ff02::1".parse().unwrap();
        h.handle_packet(
            secs(20),
            &mut rng,
            global,
            all,
            &bytes::<Ipv6>(&q, global, all),
        )
        .unwrap();
        assert!(
            run6(&mut h, &mut rng, secs(40)).is_empty(),
            "RFC 3810 §5.1.14: not link-local"
        );
        let router: Ipv6Addr = "fe80::1".parse().unwrap();
        h.handle_packet(
            secs(50),
            &mut rng,
            router,
            all,
            &bytes::<Ipv6>(&q, router, all),
        )
        .unwrap();
        let sent = run6(&mut h, &mut rng, secs(70));
        assert_eq!(records(&sent)[0].record_type, RecordType::ModeIsInclude);
    }
}

fn run6(h: &mut Host<Ipv6, Duration>, rng: &mut TestRng, until: Duration) -> Vec<Transmit<Ipv6>> {
    let mut out = Vec::new();
    while let Some(t) = h.poll_timeout().filter(|t| *t <= until) {
        h.handle_timeout(t, rng);
        out.extend(drain(|| h.poll_transmit()));
    }
    out
}
