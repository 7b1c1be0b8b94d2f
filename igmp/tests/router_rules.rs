//! Router rules around the §6.4 tables: querier election and General Queries (RFC 3376/9776
//! §6.6.2, §8), QRV/QQI adoption (§4.1.6, §4.1.7), group compatibility mode (§7.3.2), SSM
//! (RFC 4604), the configured version (§7.3.1), and MLD (RFC 3810).
#![allow(clippy::unchecked_time_subtraction)]

mod common;

use std::net::{Ipv4Addr, Ipv6Addr};
use std::time::Duration;

use common::*;
use mcast_addr::family::{Ipv4, Ipv6};
use mcast_igmp::gmp::{FilterMode, Message, RecordType, RouterConfig, Version};
use mcast_igmp::router::{Router, RouterEvent, RouterTimer};

const ROUTER: Ipv4Addr = Ipv4Addr::new(10, 0, 0, 5);
const LOWER: Ipv4Addr = Ipv4Addr::new(10, 0, 0, 1);
const HIGHER: Ipv4Addr = Ipv4Addr::new(10, 0, 0, 9);
const HOST: Ipv4Addr = Ipv4Addr::new(10, 0, 0, 50);
const G: Ipv4Addr = Ipv4Addr::new(239, 1, 2, 3);
const SSM: Ipv4Addr = Ipv4Addr::new(232, 1, 1, 1);
const ALL_SYSTEMS: Ipv4Addr = Ipv4Addr::new(224, 0, 0, 1);

fn router() -> Router<Ipv4, Duration> {
    Router::new(RouterConfig::new(ROUTER))
}

fn send(
    r: &mut Router<Ipv4, Duration>,
    now: Duration,
    from: Ipv4Addr,
    to: Ipv4Addr,
    m: &Message<Ipv4Addr>,
) {
    r.handle_packet(now, from, to, &bytes::<Ipv4>(m, from, to))
        .unwrap();
}

fn general(version: Version, robustness: u8, interval: Duration) -> Message<Ipv4Addr> {
    let mut q = query(version, Ipv4Addr::UNSPECIFIED, secs(10), vec![]);
    if let Message::Query(q) = &mut q {
        q.robustness = robustness;
        q.query_interval = interval;
    }
    q
}

#[test]
fn rfc3376_6_6_2_startup_queries_then_query_interval() {
    let mut r = router();
    r.enable(Duration::ZERO);
    let mut sent = vec![Duration::ZERO; drain(|| r.poll_transmit()).len()];
    while let Some(t) = r.poll_timeout().filter(|t| *t <= secs(400)) {
        r.handle_timeout(t);
        sent.extend(drain(|| r.poll_transmit()).iter().map(|_| t));
    }
    // Startup Query Count = 2 queries a Startup Query Interval (125/4 s) apart, then every 125 s.
    assert_eq!(
        sent,
        vec![Duration::ZERO, ms(31_250), ms(156_250), ms(281_250)]
    );
    let q = queries(&drain(|| r.poll_transmit()));
    assert!(q.is_empty());
}

#[test]
fn rfc3376_4_1_general_query_fields() {
    let mut r = router();
    r.enable(Duration::ZERO);
    let sent = drain(|| r.poll_transmit());
    assert_eq!(sent[0].destination, ALL_SYSTEMS);
    assert_eq!(sent[0].source, ROUTER);
    let q = &queries(&sent)[0];
    assert_eq!(
        (q.version, q.group, q.max_response_time),
        (Version::V3, Ipv4Addr::UNSPECIFIED, secs(10))
    );
    assert_eq!((q.robustness, q.query_interval), (2, secs(125)));
}

#[test]
fn rfc3376_6_6_2_lower_address_wins_and_other_querier_present_timer_restores_querier() {
    let mut r = router();
    r.enable(Duration::ZERO);
    drain(|| r.poll_transmit());
    send(
        &mut r,
        secs(1),
        HIGHER,
        ALL_SYSTEMS,
        &general(Version::V3, 2, secs(125)),
    );
    assert!(r.is_querier(), "a higher address does not win");
    send(
        &mut r,
        secs(2),
        LOWER,
        ALL_SYSTEMS,
        &general(Version::V3, 2, secs(125)),
    );
    assert!(!r.is_querier());
    assert_eq!(r.querier(), Some(LOWER));
    assert_eq!(
        r.deadline(&RouterTimer::GeneralQuery),
        None,
        "a non-querier sends no General Query"
    );
    // Other Querier Present Interval: 2 * 125 + 10 / 2 = 255 s.
    assert_eq!(
        r.deadline(&RouterTimer::OtherQuerierPresent),
        Some(secs(257))
    );
    r.handle_timeout(secs(256));
    assert!(!r.is_querier());
    r.handle_timeout(secs(257));
    assert!(r.is_querier());
    assert_eq!(
        queries(&drain(|| r.poll_transmit())).len(),
        1,
        "a General Query at once"
    );
    let events: Vec<_> = std::iter::from_fn(|| r.poll_event()).collect();
    assert_eq!(
        events,
        vec![
            RouterEvent::QuerierChanged { querier: ROUTER },
            RouterEvent::QuerierChanged { querier: LOWER },
            RouterEvent::QuerierChanged { querier: ROUTER },
        ]
    );
}

#[test]
fn rfc3376_4_1_6_and_4_1_7_non_querier_adopts_qrv_and_qqi_zero_falls_back_to_configured() {
    let mut r = router();
    r.enable(Duration::ZERO);
    send(
        &mut r,
        secs(1),
        LOWER,
        ALL_SYSTEMS,
        &general(Version::V3, 4, secs(60)),
    );
    assert_eq!((r.robustness(), r.query_interval()), (4, secs(60)));
    // Group Membership Interval follows: 4 * 60 + 2 * 10.
    assert_eq!(r.group_membership_interval(), secs(260));
    send(
        &mut r,
        secs(2),
        LOWER,
        ALL_SYSTEMS,
        &general(Version::V3, 0, Duration::ZERO),
    );
    assert_eq!(
        (r.robustness(), r.query_interval()),
        (4, secs(60)),
        "zero leaves the value in force"
    );
    // Back as querier, the configured values return.
    r.handle_timeout(secs(600));
    assert!(r.is_querier());
    assert_eq!((r.robustness(), r.query_interval()), (2, secs(125)));
}

#[test]
fn rfc3376_7_3_2_igmpv2_report_is_is_ex_empty_and_sets_v2_host_present() {
    let mut r = router();
    r.enable(Duration::ZERO);
    send(
        &mut r,
        secs(1),
        HOST,
        G,
        &Message::Report {
            version: Version::V2,
            group: G,
        },
    );
    assert_eq!(r.filter_mode(G), Some(FilterMode::Exclude));
    assert_eq!(r.compatibility_mode(G), Some(Version::V2));
    // Older Host Present Interval: 2 * 125 + 10 = 260 s.
    assert_eq!(
        r.deadline(&RouterTimer::OlderHostPresent(G, Version::V2)),
        Some(secs(261))
    );
    // In IGMPv2 mode BLOCK is ignored and TO_EX's sources are ignored.
    send(
        &mut r,
        secs(2),
        HOST,
        Ipv4Addr::new(224, 0, 0, 22),
        &record(
            RecordType::BlockOldSources,
            G,
            vec![Ipv4Addr::new(192, 0, 2, 1)],
        ),
    );
    assert_eq!(r.sources(G).count(), 0);
    send(
        &mut r,
        secs(3),
        HOST,
        Ipv4Addr::new(224, 0, 0, 22),
        &record(
            RecordType::ChangeToExcludeMode,
            G,
            vec![Ipv4Addr::new(192, 0, 2, 1)],
        ),
    );
    assert_eq!(r.sources(G).count(), 0, "TO_EX(x) taken as TO_EX({{}})");
    assert!(r.should_forward(Ipv4Addr::new(192, 0, 2, 1), G));
    // The Leave is TO_IN({}): a Group-Specific Query.
    drain(|| r.poll_transmit());
    send(
        &mut r,
        secs(4),
        HOST,
        Ipv4Addr::new(224, 0, 0, 2),
        &Message::Leave { group: G },
    );
    let q = queries(&drain(|| r.poll_transmit()));
    assert_eq!(q.len(), 1);
    assert_eq!((q[0].group, q[0].sources.len()), (G, 0));
    r.handle_timeout(secs(4) + secs(2));
    assert_eq!(
        r.filter_mode(G),
        None,
        "gone after the Last Member Query Time"
    );
}

#[test]
fn rfc3376_7_3_2_igmpv1_mode_ignores_leave_and_to_in() {
    let mut r = router();
    r.enable(Duration::ZERO);
    send(
        &mut r,
        secs(1),
        HOST,
        G,
        &Message::Report {
            version: Version::V1,
            group: G,
        },
    );
    assert_eq!(r.compatibility_mode(G), Some(Version::V1));
    drain(|| r.poll_transmit());
    send(
        &mut r,
        secs(2),
        HOST,
        Ipv4Addr::new(224, 0, 0, 2),
        &Message::Leave { group: G },
    );
    send(
        &mut r,
        secs(2),
        HOST,
        Ipv4Addr::new(224, 0, 0, 22),
        &record(RecordType::ChangeToIncludeMode, G, vec![]),
    );
    assert!(drain(|| r.poll_transmit()).is_empty(), "no query");
    r.handle_timeout(secs(10));
    assert_eq!(r.filter_mode(G), Some(FilterMode::Exclude));
}

#[test]
fn rfc3376_7_3_2_group_returns_to_v3_when_older_host_present_timers_expire() {
    let mut r = router();
    r.enable(Duration::ZERO);
    send(
        &mut r,
        secs(1),
        HOST,
        G,
        &Message::Report {
            version: Version::V1,
            group: G,
        },
    );
    send(
        &mut r,
        secs(100),
        HOST,
        G,
        &Message::Report {
            version: Version::V2,
            group: G,
        },
    );
    assert_eq!(r.compatibility_mode(G), Some(Version::V1));
    // Keep the group alive with IGMPv3 reports.
    for t in [200, 300] {
        send(
            &mut r,
            secs(t),
            HOST,
            Ipv4Addr::new(224, 0, 0, 22),
            &record(RecordType::ModeIsExclude, G, vec![]),
        );
    }
    r.handle_timeout(secs(261));
    assert_eq!(
        r.compatibility_mode(G),
        Some(Version::V2),
        "the v1 timer expired, the v2 one runs"
    );
    r.handle_timeout(secs(360));
    assert_eq!(r.compatibility_mode(G), Some(Version::V3));
    let modes: Vec<_> = std::iter::from_fn(|| r.poll_event())
        .filter_map(|e| match e {
            RouterEvent::CompatibilityModeChanged { version, .. } => Some(version),
            _ => None,
        })
        .collect();
    assert_eq!(modes, vec![Version::V1, Version::V2, Version::V3]);
}

#[test]
fn rfc4604_2_2_2_router_ignores_old_reports_and_exclude_records_for_ssm_groups() {
    let mut r = router();
    r.enable(Duration::ZERO);
    let v3 = Ipv4Addr::new(224, 0, 0, 22);
    send(
        &mut r,
        secs(1),
        HOST,
        SSM,
        &Message::Report {
            version: Version::V2,
            group: SSM,
        },
    );
    send(
        &mut r,
        secs(1),
        HOST,
        SSM,
        &Message::Report {
            version: Version::V1,
            group: SSM,
        },
    );
    send(
        &mut r,
        secs(1),
        HOST,
        v3,
        &record(RecordType::ModeIsExclude, SSM, vec![]),
    );
    send(
        &mut r,
        secs(1),
        HOST,
        v3,
        &record(RecordType::ChangeToExcludeMode, SSM, vec![]),
    );
    assert_eq!(r.filter_mode(SSM), None);
    assert_eq!(r.stats().ignored, 4);
    send(
        &mut r,
        secs(1),
        HOST,
        v3,
        &record(
            RecordType::AllowNewSources,
            SSM,
            vec![Ipv4Addr::new(192, 0, 2, 1)],
        ),
    );
    assert_eq!(r.filter_mode(SSM), Some(FilterMode::Include));
    // Without SSM awareness the same IS_EX is honoured.
    let mut config = RouterConfig::new(ROUTER);
    config.ssm_range = None;
    let mut r = Router::<Ipv4, Duration>::new(config);
    r.enable(Duration::ZERO);
    send(
        &mut r,
        secs(1),
        HOST,
        v3,
        &record(RecordType::ModeIsExclude, SSM, vec![]),
    );
    assert_eq!(r.filter_mode(SSM), Some(FilterMode::Exclude));
}

#[test]
fn rfc3376_7_3_1_router_configured_for_igmpv2_sends_v2_queries_and_ignores_v3_reports() {
    let mut config = RouterConfig::new(ROUTER);
    config.version = Version::V2;
    let mut r = Router::<Ipv4, Duration>::new(config);
    r.enable(Duration::ZERO);
    let sent = drain(|| r.poll_transmit());
    assert_eq!(sent[0].payload.len(), 8, "truncated at the Group Address");
    assert_eq!(queries(&sent)[0].version, Version::V2);
    send(
        &mut r,
        secs(1),
        HOST,
        Ipv4Addr::new(224, 0, 0, 22),
        &record(RecordType::ModeIsExclude, G, vec![]),
    );
    assert_eq!(r.filter_mode(G), None);
    send(
        &mut r,
        secs(1),
        HOST,
        G,
        &Message::Report {
            version: Version::V2,
            group: G,
        },
    );
    send(
        &mut r,
        secs(2),
        HOST,
        Ipv4Addr::new(224, 0, 0, 2),
        &Message::Leave { group: G },
    );
    let q = queries(&drain(|| r.poll_transmit()));
    assert_eq!(
        (q[0].version, q[0].group),
        (Version::V2, G),
        "an IGMPv2 Group-Specific Query"
    );
}

#[test]
fn rfc3376_7_3_1_router_configured_for_igmpv1_sends_v1_queries() {
    let mut config = RouterConfig::new(ROUTER);
    config.version = Version::V1;
    let mut r = Router::<Ipv4, Duration>::new(config);
    r.enable(Duration::ZERO);
    let sent = drain(|| r.poll_transmit());
    assert_eq!(sent[0].payload.len(), 8);
    assert_eq!(sent[0].payload[1], 0, "Max Resp Code 0");
    assert_eq!(queries(&sent)[0].version, Version::V1);
}

#[test]
fn rfc3376_4_2_12_unknown_record_types_are_ignored() {
    let mut r = router();
    r.enable(Duration::ZERO);
    send(
        &mut r,
        secs(1),
        HOST,
        Ipv4Addr::new(224, 0, 0, 22),
        &record(RecordType::from(9), G, vec![]),
    );
    assert_eq!(r.filter_mode(G), None);
    assert_eq!(r.stats().ignored, 1);
}

#[test]
fn rfc3810_7_mld_router_elects_by_link_local_address_and_tracks_listeners() {
    let me: Ipv6Addr = "fe80::5".parse().unwrap();
    let lower: Ipv6Addr = "fe80::1".parse().unwrap();
    let host: Ipv6Addr = "fe80::50".parse().unwrap();
    let group: Ipv6Addr = "ff0e::1".parse().unwrap();
    let all: Ipv6Addr = "ff02::1".parse().unwrap();
    let mut r = Router::<Ipv6, Duration>::new(RouterConfig::new(me));
    r.enable(Duration::ZERO);
    let sent = drain(|| r.poll_transmit());
    assert_eq!(sent[0].destination, all);
    assert_eq!(queries(&sent)[0].version, Version::V3, "MLDv2");
    let report = Message::Report {
        version: Version::V2,
        group,
    };
    r.handle_packet(secs(1), host, group, &bytes::<Ipv6>(&report, host, group))
        .unwrap();
    assert_eq!(r.compatibility_mode(group), Some(Version::V2), "MLDv1 mode");
    // A query from a global address is not an MLD query (RFC 3810 §5.1.14).
    let q = general_v6();
    let global: Ipv6Addr = "2001:db8::1".parse().unwrap();
    r.handle_packet(secs(2), global, all, &bytes::<Ipv6>(&q, global, all))
        .unwrap();
    assert!(r.is_querier());
    r.handle_packet(secs(2), lower, all, &bytes::<Ipv6>(&q, lower, all))
        .unwrap();
    assert!(!r.is_querier());
    let done = Message::Leave { group };
    let routers: Ipv6Addr = "ff02::2".parse().unwrap();
    r.handle_packet(secs(3), host, routers, &bytes::<Ipv6>(&done, host, routers))
        .unwrap();
    assert_eq!(
        r.filter_mode(group),
        Some(FilterMode::Exclude),
        "a non-querier waits for the querier's queries"
    );
}

fn general_v6() -> Message<Ipv6Addr> {
    query(Version::V3, Ipv6Addr::UNSPECIFIED, secs(10), vec![])
}

#[test]
fn rfc3376_6_6_3_2_large_group_and_source_query_is_split_at_the_mtu() {
    let mut r = router();
    r.enable(Duration::ZERO);
    let sources: Vec<Ipv4Addr> = (0..500u32)
        .map(|i| Ipv4Addr::from(0xc000_0200 + i))
        .collect();
    let mut config = RouterConfig::new(ROUTER);
    config.limits.max_sources_per_group = 1000;
    r.configure(config);
    let v3 = Ipv4Addr::new(224, 0, 0, 22);
    for chunk in sources.chunks(300) {
        send(
            &mut r,
            secs(1),
            HOST,
            v3,
            &record(RecordType::ModeIsInclude, G, chunk.to_vec()),
        );
    }
    drain(|| r.poll_transmit());
    let (first, second) = sources.split_at(300);
    send(
        &mut r,
        secs(2),
        HOST,
        v3,
        &record(RecordType::BlockOldSources, G, first.to_vec()),
    );
    assert_eq!(
        queries(&drain(|| r.poll_transmit()))
            .iter()
            .map(|q| q.sources.len())
            .sum::<usize>(),
        300
    );
    // The second Send Q(G,X) merges with the pending retransmissions (§6.6.3): one query of
    // all 500 sources, cut at the MTU (366 per IGMPv3 query at 1500 bytes).
    send(
        &mut r,
        secs(2),
        HOST,
        v3,
        &record(RecordType::BlockOldSources, G, second.to_vec()),
    );
    let sent = drain(|| r.poll_transmit());
    assert!(sent.iter().all(|t| t.payload.len() + 24 <= 1500));
    let sizes: Vec<usize> = queries(&sent).iter().map(|q| q.sources.len()).collect();
    assert_eq!(sizes, vec![366, 134]);
}
