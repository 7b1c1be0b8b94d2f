//! One scenario per row of RFC 3376/9776 §6.4 Table 8 (current-state records) and Table 9
//! (state-change records), and the timer rules of §6.3, §6.5 and §6.6 around them.
//!
//! The router draws no random numbers, so these scenarios are deterministic; the host-side and
//! LAN scenarios run under many seeds.

#![allow(
    clippy::needless_pass_by_value,
    clippy::default_trait_access,
    clippy::unchecked_time_subtraction,
    clippy::cast_possible_truncation
)]

mod common;

use std::net::Ipv4Addr;
use std::time::Duration;

use common::*;
use mcast_addr::family::Ipv4;
use mcast_igmp::gmp::{FilterMode, RecordType, RouterConfig, Version};
use mcast_igmp::router::{Router, RouterEvent, RouterTimer};

const ROUTER: Ipv4Addr = Ipv4Addr::new(10, 0, 0, 1);
const HOST: Ipv4Addr = Ipv4Addr::new(10, 0, 0, 50);
const G: Ipv4Addr = Ipv4Addr::new(239, 1, 2, 3);
/// Group Membership Interval with the defaults: 2 * 125 + 2 * 10.
const GMI: Duration = Duration::from_secs(270);
/// Last Member Query Time with the defaults: 2 * 1.
const LMQT: Duration = Duration::from_secs(2);

fn s(n: u8) -> Ipv4Addr {
    Ipv4Addr::new(192, 0, 2, n)
}

/// A querier with default timers, started at 0, its startup queries drained.
fn querier() -> Router<Ipv4, Duration> {
    let mut r = Router::new(RouterConfig::new(ROUTER));
    r.enable(Duration::ZERO);
    drain(|| r.poll_transmit());
    r
}

fn report(r: &mut Router<Ipv4, Duration>, now: Duration, t: RecordType, sources: &[u8]) {
    r.handle_message(
        now,
        HOST,
        &record(t, G, sources.iter().map(|n| s(*n)).collect()),
    );
}

/// (X, Y) of the group: sources with running timers, and those at zero.
fn xy(r: &Router<Ipv4, Duration>) -> (Vec<Ipv4Addr>, Vec<Ipv4Addr>) {
    let (x, y): (Vec<_>, Vec<_>) = r.sources(G).partition(|(_, st)| st.forwarded);
    (
        x.into_iter().map(|(a, _)| a).collect(),
        y.into_iter().map(|(a, _)| a).collect(),
    )
}

fn source_timer(r: &Router<Ipv4, Duration>, n: u8) -> Option<Duration> {
    r.deadline(&RouterTimer::SourceTimer(G, s(n)))
}

fn group_timer(r: &Router<Ipv4, Duration>) -> Option<Duration> {
    r.deadline(&RouterTimer::GroupTimer(G))
}

fn list(ns: &[u8]) -> Vec<Ipv4Addr> {
    ns.iter().map(|n| s(*n)).collect()
}

/// INCLUDE ({1, 2}) set up at 0.
fn include_1_2() -> Router<Ipv4, Duration> {
    let mut r = querier();
    report(&mut r, Duration::ZERO, RecordType::ModeIsInclude, &[1, 2]);
    r
}

/// EXCLUDE (X = {1, 2}, Y = {3, 4}) set up at 0.
fn exclude_x12_y34() -> Router<Ipv4, Duration> {
    let mut r = include_1_2();
    report(
        &mut r,
        Duration::ZERO,
        RecordType::ModeIsExclude,
        &[1, 2, 3, 4],
    );
    assert_eq!(xy(&r), (list(&[1, 2]), list(&[3, 4])));
    drain(|| r.poll_transmit());
    r
}

// ----- Table 8 (§6.4.1) ---------------------------------------------------------------------

#[test]
fn rfc3376_6_4_1_include_is_in_include_a_plus_b_b_gmi() {
    let mut r = include_1_2();
    let t = secs(10);
    report(&mut r, t, RecordType::ModeIsInclude, &[2, 3]);
    assert_eq!(r.filter_mode(G), Some(FilterMode::Include));
    assert_eq!(xy(&r), (list(&[1, 2, 3]), vec![]));
    assert_eq!(source_timer(&r, 1), Some(GMI));
    assert_eq!(source_timer(&r, 2), Some(t + GMI));
    assert_eq!(source_timer(&r, 3), Some(t + GMI));
    assert!(queries(&drain(|| r.poll_transmit())).is_empty());
}

#[test]
fn rfc3376_6_4_1_include_is_ex_exclude_a_b_b_minus_a_delete_a_minus_b_group_timer_gmi() {
    let mut r = include_1_2();
    let t = secs(10);
    report(&mut r, t, RecordType::ModeIsExclude, &[2, 3]);
    assert_eq!(r.filter_mode(G), Some(FilterMode::Exclude));
    // A*B = {2} keeps its timer, B-A = {3} at zero, A-B = {1} deleted.
    assert_eq!(xy(&r), (list(&[2]), list(&[3])));
    assert_eq!(source_timer(&r, 2), Some(GMI));
    assert_eq!(source_timer(&r, 3), None);
    assert_eq!(group_timer(&r), Some(t + GMI));
    assert!(!r.should_forward(s(3), G));
    assert!(
        r.should_forward(s(1), G),
        "unlisted sources are forwarded in EXCLUDE mode"
    );
    assert!(
        queries(&drain(|| r.poll_transmit())).is_empty(),
        "current-state records send no query"
    );
}

#[test]
fn rfc3376_6_4_1_exclude_is_in_exclude_x_plus_a_y_minus_a_a_gmi() {
    let mut r = exclude_x12_y34();
    let t = secs(10);
    report(&mut r, t, RecordType::ModeIsInclude, &[3, 5]);
    assert_eq!(xy(&r), (list(&[1, 2, 3, 5]), list(&[4])));
    assert_eq!(source_timer(&r, 3), Some(t + GMI));
    assert_eq!(source_timer(&r, 5), Some(t + GMI));
    assert_eq!(group_timer(&r), Some(GMI));
}

#[test]
fn rfc3376_6_4_1_exclude_is_ex_exclude_a_minus_y_y_times_a_new_gmi_delete_rest() {
    let mut r = exclude_x12_y34();
    let t = secs(10);
    report(&mut r, t, RecordType::ModeIsExclude, &[2, 4, 5]);
    // X' = A-Y = {2, 5}, Y' = Y*A = {4}; (A-X-Y) = {5} gets GMI; 1 and 3 deleted.
    assert_eq!(xy(&r), (list(&[2, 5]), list(&[4])));
    assert_eq!(source_timer(&r, 2), Some(GMI));
    assert_eq!(source_timer(&r, 5), Some(t + GMI));
    assert_eq!(group_timer(&r), Some(t + GMI));
}

// ----- Table 9 (§6.4.2) ---------------------------------------------------------------------

#[test]
fn rfc3376_6_4_2_include_allow_include_a_plus_b_b_gmi() {
    let mut r = include_1_2();
    report(&mut r, secs(5), RecordType::AllowNewSources, &[3]);
    assert_eq!(xy(&r), (list(&[1, 2, 3]), vec![]));
    assert_eq!(source_timer(&r, 3), Some(secs(5) + GMI));
}

#[test]
fn rfc3376_6_4_2_include_block_sends_q_g_a_times_b() {
    let mut r = include_1_2();
    let t = secs(5);
    report(&mut r, t, RecordType::BlockOldSources, &[2, 9]);
    assert_eq!(xy(&r), (list(&[1, 2]), vec![]), "INCLUDE (A) unchanged");
    let sent = queries(&drain(|| r.poll_transmit()));
    assert_eq!(sent.len(), 1);
    assert_eq!(sent[0].group, G);
    assert_eq!(sent[0].sources, list(&[2]), "Q(G, A*B)");
    assert!(!sent[0].suppress_router_side_processing);
    // §6.6.3.2: the queried source's timer is lowered to LMQT.
    assert_eq!(source_timer(&r, 2), Some(t + LMQT));
    assert_eq!(source_timer(&r, 1), Some(GMI));
}

#[test]
fn rfc3376_6_4_2_include_to_ex_exclude_a_b_b_minus_a_sends_q_g_a_times_b() {
    let mut r = include_1_2();
    let t = secs(5);
    report(&mut r, t, RecordType::ChangeToExcludeMode, &[2, 3]);
    assert_eq!(xy(&r), (list(&[2]), list(&[3])));
    assert_eq!(group_timer(&r), Some(t + GMI));
    let sent = queries(&drain(|| r.poll_transmit()));
    assert_eq!(sent.len(), 1);
    assert_eq!(sent[0].sources, list(&[2]));
    assert_eq!(source_timer(&r, 2), Some(t + LMQT));
}

#[test]
fn rfc3376_6_4_2_include_to_in_include_a_plus_b_sends_q_g_a_minus_b() {
    let mut r = include_1_2();
    let t = secs(5);
    report(&mut r, t, RecordType::ChangeToIncludeMode, &[2, 3]);
    assert_eq!(xy(&r), (list(&[1, 2, 3]), vec![]));
    assert_eq!(source_timer(&r, 2), Some(t + GMI));
    let sent = queries(&drain(|| r.poll_transmit()));
    assert_eq!(sent.len(), 1);
    assert_eq!(sent[0].sources, list(&[1]), "Q(G, A-B)");
    assert_eq!(source_timer(&r, 1), Some(t + LMQT));
}

#[test]
fn rfc3376_6_4_2_exclude_allow_exclude_x_plus_a_y_minus_a() {
    let mut r = exclude_x12_y34();
    report(&mut r, secs(5), RecordType::AllowNewSources, &[4, 6]);
    assert_eq!(xy(&r), (list(&[1, 2, 4, 6]), list(&[3])));
    assert_eq!(source_timer(&r, 4), Some(secs(5) + GMI));
}

#[test]
fn rfc3376_6_4_2_exclude_block_new_sources_get_group_timer_sends_q_g_a_minus_y() {
    let mut r = exclude_x12_y34();
    let t = secs(5);
    report(&mut r, t, RecordType::BlockOldSources, &[2, 3, 7]);
    // X + (A-Y) = {1, 2, 7}; (A-X-Y) = {7} gets the Group Timer; Y unchanged.
    assert_eq!(xy(&r), (list(&[1, 2, 7]), list(&[3, 4])));
    let sent = queries(&drain(|| r.poll_transmit()));
    assert_eq!(sent.len(), 1);
    assert_eq!(sent[0].sources, list(&[2, 7]), "Q(G, A-Y)");
    // Both lowered to LMQT by the query.
    assert_eq!(source_timer(&r, 7), Some(t + LMQT));
    assert_eq!(source_timer(&r, 2), Some(t + LMQT));
    assert_eq!(group_timer(&r), Some(GMI));
}

#[test]
fn rfc3376_6_4_2_exclude_to_ex_exclude_a_minus_y_y_times_a_sends_q_g_a_minus_y() {
    let mut r = exclude_x12_y34();
    let t = secs(5);
    report(&mut r, t, RecordType::ChangeToExcludeMode, &[2, 4, 8]);
    // X' = A-Y = {2, 8}, Y' = {4}; 8 gets the Group Timer, then it is queried; 1, 3 deleted.
    assert_eq!(xy(&r), (list(&[2, 8]), list(&[4])));
    let sent = queries(&drain(|| r.poll_transmit()));
    assert_eq!(sent.len(), 1);
    assert_eq!(sent[0].sources, list(&[2, 8]));
    assert_eq!(group_timer(&r), Some(t + GMI));
}

#[test]
fn rfc3376_6_4_2_exclude_to_in_sends_q_g_x_minus_a_and_q_g() {
    let mut r = exclude_x12_y34();
    let t = secs(5);
    report(&mut r, t, RecordType::ChangeToIncludeMode, &[1, 3]);
    assert_eq!(xy(&r), (list(&[1, 2, 3]), list(&[4])));
    let sent = queries(&drain(|| r.poll_transmit()));
    // Q(G, X-A) = Q(G, {2}) and Q(G).
    assert_eq!(sent.len(), 2);
    assert!(sent.iter().any(|q| q.sources == list(&[2])));
    assert!(sent.iter().any(|q| q.sources.is_empty() && q.group == G));
    assert_eq!(
        group_timer(&r),
        Some(t + LMQT),
        "Q(G) lowers the Group Timer to LMQT"
    );
}

// ----- §6.5, §6.3: timers expiring ---------------------------------------------------------

#[test]
fn rfc3376_6_5_group_timer_expiry_switches_to_include_with_running_sources() {
    let mut r = exclude_x12_y34();
    report(&mut r, secs(100), RecordType::AllowNewSources, &[5]);
    // The Group Timer (GMI from 0) expires first; source 5 still runs.
    r.handle_timeout(GMI);
    assert_eq!(r.filter_mode(G), Some(FilterMode::Include));
    assert_eq!(xy(&r), (list(&[5]), vec![]));
    assert!(!r.should_forward(s(3), G));
    assert!(r.should_forward(s(5), G));
    r.handle_timeout(secs(100) + GMI);
    assert_eq!(
        r.filter_mode(G),
        None,
        "the last source timer deletes the group"
    );
}

#[test]
fn rfc3376_6_5_group_timer_expiry_deletes_record_without_running_sources() {
    let mut r = querier();
    report(&mut r, Duration::ZERO, RecordType::ModeIsExclude, &[3]);
    r.handle_timeout(GMI - ms(1));
    assert_eq!(r.filter_mode(G), Some(FilterMode::Exclude));
    r.handle_timeout(GMI);
    assert_eq!(r.filter_mode(G), None);
}

#[test]
fn rfc3376_6_3_exclude_mode_source_timer_expiry_keeps_source_not_forwarded() {
    let mut r = exclude_x12_y34();
    // Refresh the group but not source 1: IS_EX keeps X*A timers.
    report(&mut r, secs(200), RecordType::ModeIsExclude, &[1, 2, 3, 4]);
    r.handle_timeout(GMI);
    assert_eq!(xy(&r).1, list(&[1, 2, 3, 4]));
    assert!(!r.should_forward(s(1), G));
    assert_eq!(r.filter_mode(G), Some(FilterMode::Exclude));
}

// ----- §6.6: queries -------------------------------------------------------------------------

#[test]
fn rfc3376_6_6_3_2_last_member_query_count_retransmissions_every_lmqi() {
    let mut r = include_1_2();
    report(&mut r, secs(5), RecordType::BlockOldSources, &[1]);
    assert_eq!(queries(&drain(|| r.poll_transmit())).len(), 1);
    r.handle_timeout(secs(6));
    let sent = queries(&drain(|| r.poll_transmit()));
    assert_eq!(sent.len(), 1, "LMQC - 1 = 1 retransmission after LMQI");
    assert_eq!(sent[0].sources, list(&[1]));
    r.handle_timeout(secs(7));
    assert!(queries(&drain(|| r.poll_transmit())).is_empty());
    assert_eq!(
        xy(&r),
        (list(&[2]), vec![]),
        "no report: source 1 timed out after LMQT"
    );
}

#[test]
fn rfc3376_6_6_3_2_refreshed_source_goes_in_the_s_flag_query() {
    let mut r = include_1_2();
    report(&mut r, secs(5), RecordType::BlockOldSources, &[1, 2]);
    drain(|| r.poll_transmit());
    // Another member still wants source 1 before the retransmission.
    report(&mut r, secs(5) + ms(500), RecordType::ModeIsInclude, &[1]);
    r.handle_timeout(secs(6));
    let sent = queries(&drain(|| r.poll_transmit()));
    assert_eq!(sent.len(), 2);
    let with_s: Vec<_> = sent
        .iter()
        .filter(|q| q.suppress_router_side_processing)
        .collect();
    let without: Vec<_> = sent
        .iter()
        .filter(|q| !q.suppress_router_side_processing)
        .collect();
    assert_eq!(with_s[0].sources, list(&[1]));
    assert_eq!(without[0].sources, list(&[2]));
}

#[test]
fn rfc3376_6_6_3_1_group_specific_query_s_flag_when_group_timer_above_lmqt() {
    let mut r = exclude_x12_y34();
    report(&mut r, secs(5), RecordType::ChangeToIncludeMode, &[]);
    let first = queries(&drain(|| r.poll_transmit()));
    let gsq = first.iter().find(|q| q.sources.is_empty()).unwrap();
    assert!(!gsq.suppress_router_side_processing);
    // A member answers: IS_EX refreshes the Group Timer to GMI.
    report(
        &mut r,
        secs(5) + ms(300),
        RecordType::ModeIsExclude,
        &[3, 4],
    );
    r.handle_timeout(secs(6));
    let again = queries(&drain(|| r.poll_transmit()));
    let gsq = again.iter().find(|q| q.sources.is_empty()).unwrap();
    assert!(gsq.suppress_router_side_processing);
    assert_eq!(r.filter_mode(G), Some(FilterMode::Exclude));
}

#[test]
fn rfc3376_6_6_1_non_querier_lowers_timers_on_query_with_s_flag_clear() {
    let mut r = exclude_x12_y34();
    let other = Ipv4Addr::new(10, 0, 0, 0);
    r.handle_message(
        secs(1),
        other,
        &query(Version::V3, Ipv4Addr::UNSPECIFIED, secs(10), vec![]),
    );
    assert!(!r.is_querier());
    r.handle_message(secs(2), other, &query(Version::V3, G, secs(1), vec![]));
    assert_eq!(group_timer(&r), Some(secs(2) + LMQT));
    r.handle_message(secs(2), other, &query(Version::V3, G, secs(1), vec![s(1)]));
    assert_eq!(source_timer(&r, 1), Some(secs(2) + LMQT));
    assert_eq!(source_timer(&r, 2), Some(GMI));
    // With the S flag set nothing is lowered.
    let mut q = query(Version::V3, G, secs(1), vec![s(2)]);
    if let mcast_igmp::gmp::Message::Query(q) = &mut q {
        q.suppress_router_side_processing = true;
    }
    r.handle_message(secs(2), other, &q);
    assert_eq!(source_timer(&r, 2), Some(GMI));
}

#[test]
fn rfc3376_6_6_2_non_querier_sends_no_specific_queries() {
    let mut r = include_1_2();
    r.handle_message(
        secs(1),
        Ipv4Addr::new(10, 0, 0, 0),
        &query(Version::V3, Ipv4Addr::UNSPECIFIED, secs(10), vec![]),
    );
    drain(|| r.poll_transmit());
    report(&mut r, secs(2), RecordType::BlockOldSources, &[1]);
    assert!(drain(|| r.poll_transmit()).is_empty());
    assert_eq!(
        source_timer(&r, 1),
        Some(GMI),
        "no Send Q: the querier's query lowers it"
    );
}

// ----- Forwarding events --------------------------------------------------------------------

/// The consumer model of the events: per group a mode and a set of sources.
#[derive(Default)]
struct Model {
    groups:
        std::collections::BTreeMap<Ipv4Addr, (FilterMode, std::collections::BTreeSet<Ipv4Addr>)>,
}

impl Model {
    fn apply(&mut self, event: RouterEvent<Ipv4Addr>) {
        match event {
            RouterEvent::FilterModeChanged {
                group,
                mode: Some(mode),
            } => {
                self.groups.insert(group, (mode, Default::default()));
            }
            RouterEvent::FilterModeChanged { group, mode: None } => {
                self.groups.remove(&group);
            }
            RouterEvent::SourceForwardingChanged {
                group,
                source,
                forward,
            } => {
                let (mode, set) = self
                    .groups
                    .get_mut(&group)
                    .expect("event for unknown group");
                let listed = (*mode == FilterMode::Include) == forward;
                if listed {
                    set.insert(source);
                } else {
                    set.remove(&source);
                }
            }
            _ => {}
        }
    }

    fn forwards(&self, source: Ipv4Addr, group: Ipv4Addr) -> bool {
        self.groups
            .get(&group)
            .is_some_and(|(mode, set)| (*mode == FilterMode::Include) == set.contains(&source))
    }
}

#[test]
fn rfc3376_6_3_forwarding_events_track_should_forward_under_random_records() {
    for seed in SEEDS {
        let mut rng = TestRng::new(seed);
        let mut next = |n: u64| -> u64 {
            use rand_core::Rng;
            rng.next_u64() % n
        };
        let mut r = querier();
        let mut model = Model::default();
        let mut now = Duration::ZERO;
        for _ in 0..200 {
            now += ms(next(30_000));
            r.handle_timeout(now);
            let t = RecordType::from(1 + next(6) as u8);
            let sources: Vec<u8> = (0..next(4)).map(|_| 1 + next(6) as u8).collect();
            report(&mut r, now, t, &sources);
            while let Some(e) = r.poll_event() {
                model.apply(e);
            }
            drain(|| r.poll_transmit());
            for n in 0..8 {
                assert_eq!(
                    model.forwards(s(n), G),
                    r.should_forward(s(n), G),
                    "seed {seed}, source {n}"
                );
            }
        }
    }
}
