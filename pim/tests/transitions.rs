//! One test per transition of the RFC 7761 state machines, named after it, each under many RNG
//! seeds: a router under test with hand-made neighbors on three interfaces.
//!
//! ```text
//!   downstream LAN 10.0.1.0/24 (neighbors .2, .3)  --if 1-- [R 10.0.x.1] --if 2-- 10.0.2.2 (upstream:
//!                                                                          |         RP 10.9.9.9, S 10.8.1.1)
//!                                                                        if 3 -- 10.0.3.2
//! ```

#![allow(clippy::unchecked_time_subtraction, clippy::too_many_lines)]

mod common;

use common::*;
use mcast_pim::router::{
    AssertState, DownstreamState, Event, InterfaceConfig, LocalMembership, RegisterState,
    RouterConfig, RptDownstreamState, RptUpstreamState, StaticRp,
};
use mcast_pim::wire::SourceTree;

const DOWN: u32 = 1;
const UP: u32 = 2;
const ALT: u32 = 3;
const G: &str = "239.1.2.3";
const RP: &str = "10.9.9.9";
const S: &str = "10.8.1.1";
const UPSTREAM: &str = "10.0.2.2";
const ME_DOWN: &str = "10.0.1.1";

fn config() -> RouterConfig<mcast_addr::family::Ipv4> {
    RouterConfig {
        static_rps: vec![StaticRp {
            groups: p("224.0.0.0/4"),
            rp: a(RP),
        }],
        ..RouterConfig::default()
    }
}

/// The router under test, its neighbors known (one downstream, one upstream, one on ALT).
fn lab(seed: u64) -> Lab {
    let mut l = Lab::new(config(), seed);
    l.iface(DOWN, ME_DOWN, 24, InterfaceConfig::default());
    l.iface(UP, "10.0.2.1", 24, InterfaceConfig::default());
    l.iface(ALT, "10.0.3.1", 24, InterfaceConfig::default());
    l.mrib("10.9.9.0/24", UP, UPSTREAM, 10);
    l.mrib("10.8.0.0/16", UP, UPSTREAM, 20);
    // Priority 0: this router is the DR of DOWN and serves its local members.
    l.hello_with(DOWN, "10.0.1.2", default_hello(0, 11));
    l.neighbor(UP, UPSTREAM, 22);
    l.neighbor(ALT, "10.0.3.2", 33);
    l.run_for(secs(6));
    l.clear();
    l
}

/// The same with a second downstream neighbor: DOWN is a multi-access LAN.
fn lan_lab(seed: u64) -> Lab {
    let mut l = lab(seed);
    l.neighbor(DOWN, "10.0.1.3", 44);
    l.run_for(secs(6));
    l.clear();
    l
}

fn star_down(l: &Lab) -> Option<DownstreamState> {
    l.router
        .star_g_entries()
        .find(|e| e.group == a(G))
        .and_then(|e| {
            e.downstream
                .iter()
                .find(|d| d.interface == DOWN)
                .map(|d| d.state)
        })
}

fn sg_view(l: &Lab) -> Option<mcast_pim::router::SgView<std::net::Ipv4Addr, std::time::Duration>> {
    l.router
        .sg_entries()
        .find(|e| e.group == a(G) && e.source == a(S))
}

// ----- Hello and neighbors (§4.3) ------------------------------------------------------------

#[test]
fn hello_first_after_random_triggered_delay_then_every_hello_period() {
    for_seeds(|seed| {
        let mut l = Lab::new(config(), seed);
        l.iface(DOWN, ME_DOWN, 24, InterfaceConfig::default());
        l.run_for(secs(100));
        let h = l.hellos();
        assert!(h[0].0 < secs(5), "first Hello within Triggered_Hello_Delay");
        assert_eq!(h[0].2, 105, "Default_Hello_Holdtime");
        for w in h.windows(2) {
            assert_eq!(w[1].0 - w[0].0, secs(30), "Hello_Period");
        }
    });
}

#[test]
fn hello_carries_dr_priority_generation_id_and_lan_prune_delay() {
    let mut l = Lab::new(config(), 1);
    let cfg = InterfaceConfig {
        dr_priority: 7,
        tracking_support: true,
        ..InterfaceConfig::default()
    };
    l.iface(DOWN, ME_DOWN, 24, cfg);
    l.run_for(secs(6));
    let (_, t) = &l.out[0];
    let pim = t.parse().unwrap();
    let mcast_pim::wire::Message::Hello(h) = pim.message else {
        panic!()
    };
    assert_eq!(h.dr_priority(), Some(7));
    assert!(h.generation_id().is_some());
    let lpd = h.lan_prune_delay().unwrap();
    assert!(lpd.tracking_support);
    assert_eq!(lpd.propagation_delay_ms, 500);
    assert_eq!(lpd.override_interval_ms, 2500);
    assert_eq!(t.destination, a(ALL_PIM));
    assert_eq!(t.ttl, 1);
}

#[test]
fn new_neighbor_triggers_a_hello_within_triggered_hello_delay() {
    for_seeds(|seed| {
        let mut l = lab(seed);
        l.run_for(secs(1));
        l.clear();
        let t0 = l.now;
        l.neighbor(DOWN, "10.0.1.9", 99);
        assert!(l.events.iter().any(
            |(_, e)| matches!(e, Event::NeighborUp { neighbor, .. } if *neighbor == a("10.0.1.9"))
        ));
        l.run_for(secs(5));
        let h: Vec<_> = l.hellos().into_iter().filter(|h| h.1 == DOWN).collect();
        assert!(!h.is_empty() && h[0].0 - t0 < secs(5));
    });
}

#[test]
fn neighbor_liveness_timer_expires_after_holdtime() {
    let mut l = lab(3);
    l.silence(DOWN, "10.0.1.2");
    let t0 = l.now;
    l.run_for(secs(120));
    let down: Vec<_> = l
        .events
        .iter()
        .filter(|(_, e)| matches!(e, Event::NeighborDown { interface, .. } if *interface == DOWN))
        .collect();
    assert_eq!(down.len(), 1);
    // Heard 6 s before t0, Holdtime 105 s.
    assert_eq!(down[0].0, t0 + secs(99));
    assert_eq!(l.router.neighbors(DOWN).count(), 0);
}

#[test]
fn hello_with_holdtime_zero_removes_the_neighbor_at_once() {
    let mut l = lab(4);
    l.hello_with(
        DOWN,
        "10.0.1.2",
        mcast_pim::wire::HelloRepr::new(mcast_pim::wire::Holdtime(0), 1, 11),
    );
    assert_eq!(l.router.neighbors(DOWN).count(), 0);
    assert!(
        l.events
            .iter()
            .any(|(_, e)| matches!(e, Event::NeighborDown { .. }))
    );
}

#[test]
fn interface_down_sends_a_goodbye_hello() {
    let mut l = lab(5);
    l.router.interface_down(l.now, DOWN);
    l.drain();
    let h = l.hellos();
    assert_eq!(h, vec![(l.now, DOWN, 0)]);
    assert_eq!(l.router.neighbors(DOWN).count(), 0);
}

#[test]
fn generation_id_change_is_a_restart_and_joins_are_refreshed_within_t_override() {
    for_seeds(|seed| {
        let mut l = lab(seed);
        l.member(DOWN, G, LocalMembership::Exclude(vec![]));
        l.run_for(secs(10));
        l.clear();
        let t0 = l.now;
        l.neighbor(UP, UPSTREAM, 23);
        assert!(
            l.events
                .iter()
                .any(|(_, e)| matches!(e, Event::NeighborRestarted { .. }))
        );
        l.run_for(secs(3));
        let joins = l.sent(true, SourceTree::StarGroup, RP);
        assert!(!joins.is_empty(), "Join(*,G) resent");
        assert!(
            joins[0].0 - t0 <= ms(2500),
            "within Effective_Override_Interval"
        );
    });
}

#[test]
fn dr_is_the_highest_priority_then_the_highest_address() {
    let mut l = lab(6);
    assert_eq!(
        l.router.dr(DOWN),
        Some(a(ME_DOWN)),
        "priority 0 loses to our 1"
    );
    assert!(l.router.i_am_dr(DOWN));
    l.hello_with(DOWN, "10.0.1.2", default_hello(1, 11));
    assert_eq!(
        l.router.dr(DOWN),
        Some(a("10.0.1.2")),
        "equal priority: higher address"
    );
    l.hello_with(DOWN, "10.0.1.2", default_hello(5, 11));
    assert_eq!(l.router.dr(DOWN), Some(a("10.0.1.2")));
    assert_eq!(
        l.events
            .iter()
            .filter(|(_, e)| matches!(e, Event::DrChanged { interface, .. } if *interface == DOWN))
            .count(),
        1
    );
}

#[test]
fn dr_by_address_alone_when_a_neighbor_omits_dr_priority() {
    let mut l = lab(7);
    assert_eq!(
        l.router.dr(DOWN),
        Some(a(ME_DOWN)),
        "priority 0 advertised: lower than ours"
    );
    // A Hello without the DR Priority option (only Holdtime).
    let mut bare = mcast_pim::wire::HelloRepr::<mcast_addr::family::Ipv4>::new(
        mcast_pim::wire::Holdtime(105),
        0,
        0,
    );
    bare.options
        .retain(|o| matches!(o, mcast_pim::wire::HelloOptionRepr::Holdtime(_)));
    l.hello_with(DOWN, "10.0.1.0", bare);
    assert_eq!(
        l.router.dr(DOWN),
        Some(a("10.0.1.2")),
        "by address: .2 is highest"
    );
    let cfg = InterfaceConfig {
        dr_priority: 100,
        ..InterfaceConfig::default()
    };
    l.router.set_interface_config(l.now, DOWN, cfg);
    assert_eq!(
        l.router.dr(DOWN),
        Some(a("10.0.1.2")),
        "priority ignored while one neighbor lacks it"
    );
}

#[test]
fn hello_join_prune_and_assert_to_a_unicast_address_are_rejected() {
    let mut l = lab(8);
    let before = l.router.stats().wrong_destination;
    l.packet(
        DOWN,
        "10.0.1.5",
        ME_DOWN,
        mcast_pim::wire::MessageRepr::Hello(default_hello(1, 5)),
    );
    assert_eq!(l.router.neighbors(DOWN).count(), 1);
    let mut jp = mcast_pim::wire::JoinPruneRepr::new(a(ME_DOWN), mcast_pim::wire::Holdtime(210));
    jp.groups.push(star_join(G, RP));
    l.packet(
        DOWN,
        "10.0.1.2",
        ME_DOWN,
        mcast_pim::wire::MessageRepr::JoinPrune(jp),
    );
    assert_eq!(star_down(&l), None);
    assert_eq!(l.router.stats().wrong_destination, before + 2);
}

#[test]
fn join_prune_from_a_non_neighbor_is_discarded() {
    let mut l = lab(9);
    l.jp(DOWN, "10.0.1.77", ME_DOWN, 210, vec![star_join(G, RP)]);
    assert_eq!(star_down(&l), None);
    assert_eq!(l.router.stats().from_non_neighbor, 1);
}

// ----- Downstream (*,G) (§4.5.1) -------------------------------------------------------------

#[test]
fn downstream_star_g_noinfo_receive_join_goes_join_and_joins_upstream() {
    for_seeds(|seed| {
        let mut l = lab(seed);
        l.jp(DOWN, "10.0.1.2", ME_DOWN, 210, vec![star_join(G, RP)]);
        assert_eq!(star_down(&l), Some(DownstreamState::Join));
        assert_eq!(l.route(G, None), Some((Some(UP), vec![DOWN])));
        let j = l.sent(true, SourceTree::StarGroup, RP);
        assert_eq!(j.len(), 1);
        assert_eq!(j[0].1.upstream, a(UPSTREAM));
        assert_eq!(j[0].1.holdtime, 210);
    });
}

#[test]
fn downstream_star_g_join_with_another_rp_is_dropped() {
    let mut l = lab(1);
    l.jp(
        DOWN,
        "10.0.1.2",
        ME_DOWN,
        210,
        vec![star_join(G, "10.7.7.7")],
    );
    assert_eq!(star_down(&l), None);
    assert!(l.router.stats().ignored_entries >= 1);
}

#[test]
fn downstream_star_g_join_receive_join_keeps_the_longer_expiry() {
    let mut l = lab(2);
    l.jp(DOWN, "10.0.1.2", ME_DOWN, 210, vec![star_join(G, RP)]);
    l.run_for(secs(10));
    l.jp(DOWN, "10.0.1.2", ME_DOWN, 30, vec![star_join(G, RP)]);
    let e = l.router.star_g_entries().next().unwrap();
    assert_eq!(
        e.downstream[0].expires,
        Some(l.now + secs(200)),
        "max(current, HoldTime)"
    );
    l.jp(DOWN, "10.0.1.2", ME_DOWN, 300, vec![star_join(G, RP)]);
    let e = l.router.star_g_entries().next().unwrap();
    assert_eq!(e.downstream[0].expires, Some(l.now + secs(300)));
}

#[test]
fn downstream_star_g_expiry_timer_expires_goes_noinfo() {
    let mut l = lab(3);
    l.jp(DOWN, "10.0.1.2", ME_DOWN, 50, vec![star_join(G, RP)]);
    l.run_for(secs(49));
    assert_eq!(star_down(&l), Some(DownstreamState::Join));
    l.run_for(secs(2));
    assert_eq!(star_down(&l), None);
    assert_eq!(l.route(G, None), None);
    assert_eq!(
        l.sent(false, SourceTree::StarGroup, RP).len(),
        1,
        "Prune(*,G) upstream"
    );
}

#[test]
fn downstream_star_g_join_receive_prune_point_to_point_goes_noinfo_at_once() {
    let mut l = lab(4);
    l.jp(DOWN, "10.0.1.2", ME_DOWN, 210, vec![star_join(G, RP)]);
    l.jp(DOWN, "10.0.1.2", ME_DOWN, 210, vec![star_prune(G, RP)]);
    assert_eq!(
        star_down(&l),
        None,
        "one neighbor: the Prune-Pending Timer is zero"
    );
    assert!(
        l.entries().iter().all(|(_, e)| e.upstream != a(ME_DOWN)),
        "no PruneEcho"
    );
}

#[test]
fn downstream_star_g_join_receive_prune_on_a_lan_waits_the_override_interval() {
    for_seeds(|seed| {
        let mut l = lan_lab(seed);
        l.jp(DOWN, "10.0.1.2", ME_DOWN, 210, vec![star_join(G, RP)]);
        let t0 = l.now;
        l.jp(DOWN, "10.0.1.2", ME_DOWN, 210, vec![star_prune(G, RP)]);
        assert_eq!(star_down(&l), Some(DownstreamState::PrunePending));
        assert_eq!(
            l.route(G, None).unwrap().1,
            vec![DOWN],
            "still forwarding while pending"
        );
        // J/P_Override_Interval = 0.5 s + 2.5 s.
        l.run_until(t0 + ms(2999));
        assert_eq!(star_down(&l), Some(DownstreamState::PrunePending));
        l.run_until(t0 + ms(3000));
        assert_eq!(star_down(&l), None);
        // PruneEcho(*,G): a Prune addressed to ourselves on the LAN.
        let echo: Vec<_> = l
            .sent(false, SourceTree::StarGroup, RP)
            .into_iter()
            .filter(|(_, e)| e.upstream == a(ME_DOWN))
            .collect();
        assert_eq!(echo.len(), 1);
        assert_eq!(echo[0].0, t0 + ms(3000));
    });
}

#[test]
fn downstream_star_g_prune_pending_receive_join_goes_join() {
    let mut l = lan_lab(5);
    l.jp(DOWN, "10.0.1.2", ME_DOWN, 210, vec![star_join(G, RP)]);
    l.jp(DOWN, "10.0.1.2", ME_DOWN, 210, vec![star_prune(G, RP)]);
    l.run_for(secs(1));
    l.jp(DOWN, "10.0.1.3", ME_DOWN, 210, vec![star_join(G, RP)]);
    assert_eq!(
        star_down(&l),
        Some(DownstreamState::Join),
        "the other router overrode"
    );
    l.run_for(secs(10));
    assert_eq!(star_down(&l), Some(DownstreamState::Join));
    assert!(l.sent(false, SourceTree::StarGroup, RP).is_empty());
}

// ----- Downstream (S,G) (§4.5.2) -------------------------------------------------------------

#[test]
fn downstream_sg_noinfo_receive_join_goes_join_and_joins_towards_the_source() {
    for_seeds(|seed| {
        let mut l = lab(seed);
        l.jp(DOWN, "10.0.1.2", ME_DOWN, 210, vec![sg_join(G, S)]);
        let v = sg_view(&l).unwrap();
        assert_eq!(v.downstream[0].state, DownstreamState::Join);
        assert!(v.joined);
        let j = l.sent(true, SourceTree::SourceGroup, S);
        assert_eq!(j.len(), 1);
        assert_eq!(j[0].1.upstream, a(UPSTREAM));
    });
}

#[test]
fn downstream_sg_join_receive_prune_on_a_lan_goes_prune_pending_then_noinfo() {
    let mut l = lan_lab(6);
    l.jp(DOWN, "10.0.1.2", ME_DOWN, 210, vec![sg_join(G, S)]);
    l.jp(DOWN, "10.0.1.2", ME_DOWN, 210, vec![sg_prune(G, S)]);
    assert_eq!(
        sg_view(&l).unwrap().downstream[0].state,
        DownstreamState::PrunePending
    );
    l.run_for(secs(3));
    assert!(sg_view(&l).is_none(), "state gone, entry deleted");
    assert_eq!(
        l.sent(false, SourceTree::SourceGroup, S)
            .iter()
            .filter(|(_, e)| e.upstream == a(UPSTREAM))
            .count(),
        1,
        "Prune(S,G) upstream"
    );
    assert_eq!(
        l.sent(false, SourceTree::SourceGroup, S)
            .iter()
            .filter(|(_, e)| e.upstream == a(ME_DOWN))
            .count(),
        1,
        "PruneEcho(S,G)"
    );
}

#[test]
fn downstream_sg_expiry_timer_expires_goes_noinfo() {
    let mut l = lab(7);
    l.jp(DOWN, "10.0.1.2", ME_DOWN, 20, vec![sg_join(G, S)]);
    l.run_for(secs(21));
    assert!(sg_view(&l).is_none());
}

#[test]
fn downstream_infinite_holdtime_never_expires() {
    let mut l = lab(8);
    l.jp(DOWN, "10.0.1.2", ME_DOWN, 0xFFFF, vec![sg_join(G, S)]);
    assert_eq!(sg_view(&l).unwrap().downstream[0].expires, None);
    l.run_for(secs(100));
    assert!(sg_view(&l).is_some());
}

// ----- Downstream (S,G,rpt) (§4.5.3) ----------------------------------------------------------

fn rpt_down(l: &Lab) -> Option<RptDownstreamState> {
    sg_view(l).and_then(|v| {
        v.rpt_downstream
            .iter()
            .find(|d| d.interface == DOWN)
            .map(|d| d.state)
    })
}

#[test]
fn downstream_sg_rpt_noinfo_receive_prune_goes_prune_pending_then_prune() {
    for_seeds(|seed| {
        let mut l = lan_lab(seed);
        l.jp(DOWN, "10.0.1.2", ME_DOWN, 210, vec![star_join(G, RP)]);
        let mut set = star_join(G, RP);
        set.prunes
            .push(mcast_pim::wire::EncodedSource::source_group_rpt(a(S)).into());
        l.jp(DOWN, "10.0.1.2", ME_DOWN, 210, vec![set]);
        assert_eq!(rpt_down(&l), Some(RptDownstreamState::PrunePending));
        assert_eq!(
            l.route(G, Some(S)).unwrap().1,
            vec![DOWN],
            "forwarded while pending"
        );
        l.run_for(secs(3));
        assert_eq!(rpt_down(&l), Some(RptDownstreamState::Prune));
        assert_eq!(
            l.route(G, Some(S)).unwrap().1,
            Vec::<u32>::new(),
            "S pruned off the shared tree on DOWN"
        );
        assert_eq!(
            l.route(G, None).unwrap().1,
            vec![DOWN],
            "other sources still flow"
        );
    });
}

#[test]
fn downstream_sg_rpt_prune_receive_join_sg_rpt_goes_noinfo() {
    let mut l = lab(1);
    l.jp(DOWN, "10.0.1.2", ME_DOWN, 210, vec![star_join(G, RP)]);
    l.jp(DOWN, "10.0.1.2", ME_DOWN, 210, vec![rpt_prune(G, S)]);
    assert_eq!(rpt_down(&l), Some(RptDownstreamState::Prune));
    l.jp(DOWN, "10.0.1.2", ME_DOWN, 210, vec![rpt_join(G, S)]);
    assert_eq!(rpt_down(&l), None);
    assert_eq!(l.route(G, Some(S)), None, "no (S,G) state left");
}

#[test]
fn downstream_sg_rpt_prune_receive_join_star_g_alone_goes_noinfo_at_end_of_message() {
    let mut l = lab(2);
    l.jp(DOWN, "10.0.1.2", ME_DOWN, 210, vec![star_join(G, RP)]);
    l.jp(DOWN, "10.0.1.2", ME_DOWN, 210, vec![rpt_prune(G, S)]);
    assert_eq!(rpt_down(&l), Some(RptDownstreamState::Prune));
    // A periodic Join(*,G) without the Prune(S,G,rpt): PruneTmp, then NoInfo at the end.
    l.jp(DOWN, "10.0.1.2", ME_DOWN, 210, vec![star_join(G, RP)]);
    assert_eq!(rpt_down(&l), None);
}

#[test]
fn downstream_sg_rpt_prune_receive_join_star_g_with_the_prune_stays_prune() {
    let mut l = lab(3);
    l.jp(DOWN, "10.0.1.2", ME_DOWN, 210, vec![star_join(G, RP)]);
    l.jp(DOWN, "10.0.1.2", ME_DOWN, 210, vec![rpt_prune(G, S)]);
    let mut set = star_join(G, RP);
    set.prunes
        .push(mcast_pim::wire::EncodedSource::source_group_rpt(a(S)).into());
    for _ in 0..3 {
        l.run_for(secs(60));
        l.jp(DOWN, "10.0.1.2", ME_DOWN, 210, vec![set.clone()]);
        assert_eq!(rpt_down(&l), Some(RptDownstreamState::Prune));
    }
}

#[test]
fn downstream_sg_rpt_expiry_timer_expires_goes_noinfo() {
    let mut l = lab(4);
    l.jp(DOWN, "10.0.1.2", ME_DOWN, 0xFFFF, vec![star_join(G, RP)]);
    l.jp(DOWN, "10.0.1.2", ME_DOWN, 30, vec![rpt_prune(G, S)]);
    l.run_for(secs(31));
    assert_eq!(rpt_down(&l), None);
}

// ----- Upstream (*,G) (§4.5.4) ---------------------------------------------------------------

#[test]
fn upstream_star_g_joined_join_timer_expires_sends_periodic_join() {
    for_seeds(|seed| {
        let mut l = lab(seed);
        l.member(DOWN, G, LocalMembership::Exclude(vec![]));
        l.run_for(secs(200));
        let j = l.sent(true, SourceTree::StarGroup, RP);
        let times: Vec<_> = j.iter().map(|(t, _)| *t).collect();
        assert_eq!(times.len(), 4, "{times:?}");
        for w in times.windows(2) {
            assert_eq!(w[1] - w[0], secs(60), "t_periodic");
        }
    });
}

#[test]
fn upstream_star_g_join_desired_false_sends_prune() {
    let mut l = lab(1);
    l.member(DOWN, G, LocalMembership::Exclude(vec![]));
    l.member(DOWN, G, LocalMembership::None);
    assert_eq!(l.sent(false, SourceTree::StarGroup, RP).len(), 1);
    l.run_for(secs(200));
    assert_eq!(
        l.sent(true, SourceTree::StarGroup, RP).len(),
        1,
        "no periodic Join after the Prune"
    );
}

#[test]
fn upstream_star_g_see_join_to_rpf_prime_suppresses_own_join() {
    for_seeds(|seed| {
        let mut l = lab(seed);
        l.member(DOWN, G, LocalMembership::Exclude(vec![]));
        // Another router on the upstream LAN joins the same tree, 10 s later.
        l.neighbor(UP, "10.0.2.7", 77);
        l.run_for(secs(10));
        l.clear();
        let t0 = l.now;
        l.jp(UP, "10.0.2.7", UPSTREAM, 210, vec![star_join(G, RP)]);
        l.run_for(secs(100));
        let j = l.sent(true, SourceTree::StarGroup, RP);
        // Join Timer increased to rand(66, 84) s.
        assert!(!j.is_empty());
        let d = j[0].0 - t0;
        assert!(d >= secs(66) && d < secs(84), "{d:?}");
    });
}

#[test]
fn upstream_star_g_see_prune_to_rpf_prime_overrides_within_t_override() {
    for_seeds(|seed| {
        let mut l = lab(seed);
        l.member(DOWN, G, LocalMembership::Exclude(vec![]));
        l.neighbor(UP, "10.0.2.7", 77);
        l.run_for(secs(10));
        l.clear();
        let t0 = l.now;
        l.jp(UP, "10.0.2.7", UPSTREAM, 210, vec![star_prune(G, RP)]);
        l.run_for(secs(5));
        let j = l.sent(true, SourceTree::StarGroup, RP);
        assert_eq!(j.len(), 1);
        assert!(j[0].0 - t0 < ms(2500), "t_override = rand(0, 2.5 s)");
    });
}

#[test]
fn upstream_star_g_rpf_change_not_due_to_assert_joins_new_and_prunes_old() {
    let mut l = lab(2);
    l.member(DOWN, G, LocalMembership::Exclude(vec![]));
    l.clear();
    l.mrib("10.9.9.0/24", ALT, "10.0.3.2", 5);
    let e = l.entries();
    assert!(
        e.iter()
            .any(|(_, e)| e.join && e.upstream == a("10.0.3.2") && e.interface == ALT)
    );
    assert!(
        e.iter()
            .any(|(_, e)| !e.join && e.upstream == a(UPSTREAM) && e.interface == UP)
    );
    assert_eq!(l.route(G, None), Some((Some(ALT), vec![DOWN])));
}

#[test]
fn upstream_star_g_rpf_change_due_to_assert_sends_join_to_the_winner_within_t_override() {
    for_seeds(|seed| {
        let mut l = lab(seed);
        l.member(DOWN, G, LocalMembership::Exclude(vec![]));
        l.neighbor(UP, "10.0.2.9", 99);
        l.run_for(secs(10));
        l.clear();
        let t0 = l.now;
        // 10.0.2.9 wins the (*,G) Assert on our upstream LAN.
        l.assert_msg(UP, "10.0.2.9", G, "0.0.0.0", true, 100, 5);
        let v = l.router.star_g_entries().next().unwrap();
        assert_eq!(v.rpf_neighbor, Some((UP, a("10.0.2.9"))));
        assert_eq!(v.asserts[0].state, AssertState::Loser);
        l.run_for(secs(3));
        let j = l.sent(true, SourceTree::StarGroup, RP);
        assert_eq!(j.len(), 1);
        assert_eq!(j[0].1.upstream, a("10.0.2.9"));
        assert!(j[0].0 - t0 < ms(2500));
    });
}

// ----- Upstream (S,G) (§4.5.5) ----------------------------------------------------------------

#[test]
fn upstream_sg_see_join_to_rpf_prime_suppresses_and_see_prune_overrides() {
    for_seeds(|seed| {
        let mut l = lab(seed);
        l.member(DOWN, G, LocalMembership::Include(vec![a(S)]));
        l.neighbor(UP, "10.0.2.7", 77);
        l.run_for(secs(10));
        l.clear();
        let t0 = l.now;
        l.jp(UP, "10.0.2.7", UPSTREAM, 210, vec![sg_join(G, S)]);
        l.run_for(secs(40));
        l.jp(UP, "10.0.2.7", UPSTREAM, 210, vec![sg_prune(G, S)]);
        let t1 = l.now;
        l.run_for(secs(3));
        let j = l.sent(true, SourceTree::SourceGroup, S);
        assert_eq!(j.len(), 1, "suppressed until the Prune, then overridden");
        assert!(j[0].0 - t1 < ms(2500));
        assert!(j[0].0 - t0 > secs(40));
    });
}

#[test]
fn upstream_sg_join_desired_false_sends_prune_and_clears_the_spt_bit() {
    let mut l = lab(3);
    l.member(DOWN, G, LocalMembership::Include(vec![a(S)]));
    l.data(UP, S, G);
    assert!(sg_view(&l).unwrap().spt_bit);
    l.member(DOWN, G, LocalMembership::None);
    assert_eq!(l.sent(false, SourceTree::SourceGroup, S).len(), 1);
    let v = sg_view(&l);
    assert!(v.is_none_or(|v| !v.spt_bit && !v.joined));
}

// ----- Upstream (S,G,rpt) (§4.5.7) and the SPT switch (§4.2) ----------------------------------

/// Joined to the shared tree via UP; S reachable via ALT.
fn spt_lab(seed: u64) -> Lab {
    let mut l = lab(seed);
    l.mrib("10.8.0.0/16", ALT, "10.0.3.2", 20);
    l.member(DOWN, G, LocalMembership::Exclude(vec![]));
    l.clear();
    l
}

#[test]
fn spt_switch_first_packet_on_the_shared_tree_joins_the_source_tree() {
    for_seeds(|seed| {
        let mut l = spt_lab(seed);
        l.data(UP, S, G);
        let v = sg_view(&l).unwrap();
        assert!(v.keepalive.is_some(), "CheckSwitchToSpt set the KAT");
        assert!(v.joined);
        assert!(!v.spt_bit, "not before data arrives on the source tree");
        let j = l.sent(true, SourceTree::SourceGroup, S);
        assert_eq!(j[0].1.upstream, a("10.0.3.2"));
        assert_eq!(
            l.route(G, Some(S)),
            Some((Some(UP), vec![DOWN])),
            "still on the shared tree"
        );
        assert_eq!(v.rpt, RptUpstreamState::NotPruned);
    });
}

#[test]
fn upstream_sg_rpt_not_pruned_prune_desired_true_sends_prune_sg_rpt() {
    for_seeds(|seed| {
        let mut l = spt_lab(seed);
        l.data(UP, S, G);
        l.clear();
        l.data(ALT, S, G);
        let v = sg_view(&l).unwrap();
        assert!(v.spt_bit, "Update_SPTbit on the source tree");
        assert_eq!(v.rpt, RptUpstreamState::Pruned);
        assert_eq!(l.route(G, Some(S)), Some((Some(ALT), vec![DOWN])));
        let p = l.sent(false, SourceTree::SourceGroupRpt, S);
        assert_eq!(p.len(), 1);
        assert_eq!(p[0].1.upstream, a(UPSTREAM));
    });
}

#[test]
fn periodic_join_star_g_carries_prune_sg_rpt_for_sources_on_the_spt() {
    let mut l = spt_lab(4);
    l.data(UP, S, G);
    l.data(ALT, S, G);
    l.clear();
    l.run_for(secs(61));
    let e = l.entries();
    let star = e
        .iter()
        .find(|(_, e)| e.join && e.tree == SourceTree::StarGroup)
        .unwrap();
    let rpt = e
        .iter()
        .find(|(_, e)| !e.join && e.tree == SourceTree::SourceGroupRpt)
        .unwrap();
    assert_eq!(star.0, rpt.0, "in the same message");
    assert_eq!(rpt.1.address, a(S));
}

#[test]
fn upstream_sg_rpt_pruned_prune_desired_false_sends_join_sg_rpt() {
    let mut l = spt_lab(5);
    l.data(UP, S, G);
    l.data(ALT, S, G);
    l.clear();
    // The source tree becomes the shared tree's path too: RPF'(S,G) == RPF'(*,G).
    l.mrib("10.8.0.0/16", UP, UPSTREAM, 20);
    let v = sg_view(&l).unwrap();
    assert_eq!(v.rpt, RptUpstreamState::NotPruned);
    assert_eq!(l.sent(true, SourceTree::SourceGroupRpt, S).len(), 1);
}

#[test]
fn upstream_sg_rpt_not_pruned_see_prune_sg_rpt_overrides_within_t_override() {
    for_seeds(|seed| {
        let mut l = lab(seed);
        l.member(DOWN, G, LocalMembership::Exclude(vec![]));
        l.neighbor(UP, "10.0.2.7", 77);
        l.run_for(secs(10));
        l.clear();
        let t0 = l.now;
        // Another downstream router of the upstream LAN prunes S off the shared tree; we
        // still want S there and override.
        l.jp(UP, "10.0.2.7", UPSTREAM, 210, vec![rpt_prune(G, S)]);
        l.run_for(secs(3));
        let j = l.sent(true, SourceTree::SourceGroupRpt, S);
        assert_eq!(j.len(), 1);
        assert!(j[0].0 - t0 < ms(2500));
    });
}

#[test]
fn upstream_sg_rpt_not_pruned_see_join_sg_rpt_cancels_the_override() {
    for_seeds(|seed| {
        let mut l = lab(seed);
        l.member(DOWN, G, LocalMembership::Exclude(vec![]));
        l.neighbor(UP, "10.0.2.7", 77);
        l.neighbor(UP, "10.0.2.8", 88);
        l.run_for(secs(10));
        l.clear();
        l.jp(UP, "10.0.2.7", UPSTREAM, 210, vec![rpt_prune(G, S)]);
        l.jp(UP, "10.0.2.8", UPSTREAM, 210, vec![rpt_join(G, S)]);
        l.run_for(secs(3));
        assert!(
            l.sent(true, SourceTree::SourceGroupRpt, S).is_empty(),
            "someone else overrode"
        );
    });
}

// ----- Asserts (§4.6) --------------------------------------------------------------------------

/// Joined (S,G) from DOWN, on the source tree via UP: DOWN is a downstream interface.
fn assert_lab(seed: u64) -> Lab {
    let mut l = lan_lab(seed);
    l.jp(DOWN, "10.0.1.2", ME_DOWN, 210, vec![sg_join(G, S)]);
    l.data(UP, S, G);
    assert!(sg_view(&l).unwrap().spt_bit);
    l.clear();
    l
}

fn sg_assert(l: &Lab) -> Option<AssertState> {
    sg_view(l).and_then(|v| {
        v.asserts
            .iter()
            .find(|x| x.interface == DOWN)
            .map(|x| x.state)
    })
}

#[test]
fn assert_sg_noinfo_data_on_downstream_interface_goes_winner_and_asserts() {
    for_seeds(|seed| {
        let mut l = assert_lab(seed);
        l.data(DOWN, S, G);
        assert_eq!(sg_assert(&l), Some(AssertState::Winner));
        let asserts = l.asserts();
        assert_eq!(asserts.len(), 1);
        assert_eq!(asserts[0].1, DOWN);
        assert_eq!(
            (asserts[0].3, asserts[0].4, asserts[0].5),
            (false, 110, 20),
            "spt_assert_metric"
        );
        let v = sg_view(&l).unwrap();
        assert_eq!(
            v.asserts[0].expires,
            Some(l.now + secs(177)),
            "Assert_Time - Assert_Override_Interval"
        );
    });
}

#[test]
fn assert_sg_noinfo_receive_inferior_assert_goes_winner() {
    let mut l = assert_lab(1);
    l.assert_msg(DOWN, "10.0.1.3", G, S, false, 110, 50);
    assert_eq!(sg_assert(&l), Some(AssertState::Winner));
    assert_eq!(l.asserts().len(), 1);
}

#[test]
fn assert_sg_noinfo_receive_acceptable_assert_goes_loser_and_stops_forwarding() {
    for_seeds(|seed| {
        let mut l = assert_lab(seed);
        l.assert_msg(DOWN, "10.0.1.3", G, S, false, 100, 50);
        assert_eq!(sg_assert(&l), Some(AssertState::Loser));
        assert!(l.asserts().is_empty());
        // lost_assert(S,G,DOWN): not forwarded there any more.
        assert_eq!(l.route(G, Some(S)), Some((Some(UP), vec![])));
    });
}

#[test]
fn assert_sg_winner_receive_preferred_assert_goes_loser() {
    let mut l = assert_lab(2);
    l.data(DOWN, S, G);
    l.assert_msg(DOWN, "10.0.1.3", G, S, false, 110, 19);
    assert_eq!(sg_assert(&l), Some(AssertState::Loser));
}

#[test]
fn assert_sg_equal_metrics_higher_address_wins() {
    let mut l = assert_lab(3);
    l.assert_msg(DOWN, "10.0.1.3", G, S, false, 110, 20);
    assert_eq!(
        sg_assert(&l),
        Some(AssertState::Loser),
        "10.0.1.3 > 10.0.1.1"
    );
}

#[test]
fn assert_sg_winner_assert_timer_expires_reasserts() {
    let mut l = assert_lab(4);
    l.data(DOWN, S, G);
    l.clear();
    l.run_for(secs(178));
    assert_eq!(l.asserts().len(), 1);
    assert_eq!(sg_assert(&l), Some(AssertState::Winner));
}

#[test]
fn assert_sg_loser_assert_timer_expires_goes_noinfo() {
    let mut l = assert_lab(5);
    l.assert_msg(DOWN, "10.0.1.3", G, S, false, 100, 50);
    // Losing the only downstream interface made JoinDesired(S,G) false: pruned upstream.
    assert_eq!(l.sent(false, SourceTree::SourceGroup, S).len(), 1);
    l.run_for(secs(181));
    assert_eq!(sg_assert(&l), None);
    assert_eq!(
        l.sent(true, SourceTree::SourceGroup, S).len(),
        1,
        "joined again"
    );
    l.data(UP, S, G);
    assert_eq!(
        l.route(G, Some(S)).unwrap().1,
        vec![DOWN],
        "forwarding again"
    );
}

#[test]
fn assert_sg_loser_receive_assert_cancel_from_winner_goes_noinfo() {
    let mut l = assert_lab(6);
    l.assert_msg(DOWN, "10.0.1.3", G, S, false, 100, 50);
    l.assert_msg(DOWN, "10.0.1.3", G, S, true, 0x7FFF_FFFF, 0xFFFF_FFFF);
    assert_ne!(sg_assert(&l), Some(AssertState::Loser));
}

#[test]
fn assert_sg_loser_receive_join_sg_goes_noinfo() {
    let mut l = assert_lab(7);
    l.assert_msg(DOWN, "10.0.1.3", G, S, false, 100, 50);
    l.jp(DOWN, "10.0.1.2", ME_DOWN, 210, vec![sg_join(G, S)]);
    assert_eq!(sg_assert(&l), None);
}

#[test]
fn assert_sg_winner_could_assert_false_sends_assert_cancel() {
    let mut l = assert_lab(8);
    l.data(DOWN, S, G);
    l.clear();
    l.jp(DOWN, "10.0.1.2", ME_DOWN, 210, vec![sg_prune(G, S)]);
    l.run_for(secs(4));
    let a = l.asserts();
    assert_eq!(a.len(), 1);
    assert_eq!(
        (a[0].3, a[0].4, a[0].5),
        (true, 0x7FFF_FFFF, 0xFFFF_FFFF),
        "AssertCancel"
    );
    assert_eq!(sg_assert(&l), None);
}

#[test]
fn assert_sg_winner_timeout_of_neighbor_ends_loser_state() {
    let mut l = assert_lab(9);
    l.neighbor(DOWN, "10.0.1.3", 44);
    l.silence(DOWN, "10.0.1.3");
    l.assert_msg(DOWN, "10.0.1.3", G, S, false, 100, 50);
    l.run_for(secs(104));
    assert_eq!(sg_assert(&l), Some(AssertState::Loser));
    l.run_for(secs(6));
    assert_eq!(sg_assert(&l), None, "NLT of the winner expired");
}

#[test]
fn assert_sg_loser_on_the_upstream_interface_makes_the_winner_rpf_prime() {
    for_seeds(|seed| {
        let mut l = assert_lab(seed);
        l.neighbor(UP, "10.0.2.9", 99);
        l.clear();
        l.assert_msg(UP, "10.0.2.9", G, S, false, 100, 1);
        let v = sg_view(&l).unwrap();
        assert_eq!(v.rpf_neighbor, Some((UP, a("10.0.2.9"))));
        l.run_for(secs(3));
        let j = l.sent(true, SourceTree::SourceGroup, S);
        assert_eq!(j.last().unwrap().1.upstream, a("10.0.2.9"));
    });
}

fn star_assert_lab(seed: u64) -> Lab {
    let mut l = lan_lab(seed);
    l.jp(DOWN, "10.0.1.2", ME_DOWN, 210, vec![star_join(G, RP)]);
    l.clear();
    l
}

fn star_assert(l: &Lab) -> Option<AssertState> {
    l.router.star_g_entries().next().and_then(|v| {
        v.asserts
            .iter()
            .find(|x| x.interface == DOWN)
            .map(|x| x.state)
    })
}

#[test]
fn assert_star_g_noinfo_data_on_downstream_interface_goes_winner() {
    for_seeds(|seed| {
        let mut l = star_assert_lab(seed);
        l.data(DOWN, "10.8.5.5", G);
        assert_eq!(star_assert(&l), Some(AssertState::Winner));
        let a = l.asserts();
        assert_eq!(
            (a[0].2, a[0].3, a[0].4, a[0].5),
            (common::a("0.0.0.0"), true, 110, 10),
            "rpt_assert_metric"
        );
    });
}

#[test]
fn assert_star_g_noinfo_receive_acceptable_assert_goes_loser() {
    let mut l = star_assert_lab(1);
    l.assert_msg(DOWN, "10.0.1.3", G, "0.0.0.0", true, 110, 5);
    assert_eq!(star_assert(&l), Some(AssertState::Loser));
    assert_eq!(l.route(G, None).unwrap().1, Vec::<u32>::new());
}

#[test]
fn assert_star_g_winner_receive_preferred_assert_goes_loser_and_loser_join_goes_noinfo() {
    let mut l = star_assert_lab(2);
    l.data(DOWN, "10.8.5.5", G);
    l.assert_msg(DOWN, "10.0.1.3", G, "0.0.0.0", true, 100, 50);
    assert_eq!(star_assert(&l), Some(AssertState::Loser));
    l.jp(DOWN, "10.0.1.2", ME_DOWN, 210, vec![star_join(G, RP)]);
    assert_eq!(star_assert(&l), None);
}

#[test]
fn assert_sg_beats_star_g_on_the_same_link() {
    // An (S,G) assert (RPT bit clear) is preferred to any (*,G) one.
    let mut l = assert_lab(3);
    l.assert_msg(DOWN, "10.0.1.3", G, S, true, 1, 1);
    assert_eq!(sg_assert(&l), Some(AssertState::Winner));
}

// ----- Register (§4.4) -------------------------------------------------------------------------

const LOCAL_S: &str = "10.0.1.50";

/// The DR of DOWN with a source on it; the RP reached via UP.
fn dr_lab(seed: u64) -> Lab {
    let mut l = lab(seed);
    // Make us DR on DOWN: the neighbor gets priority 0.
    l.hello_with(DOWN, "10.0.1.2", default_hello(0, 11));
    l.clear();
    l
}

fn registers(l: &Lab) -> Vec<(std::time::Duration, bool)> {
    l.out
        .iter()
        .filter_map(|(at, t)| match t.parse().unwrap().message {
            mcast_pim::wire::Message::Register(r) => Some((*at, r.null_register)),
            _ => None,
        })
        .collect()
}

fn register_state(l: &Lab) -> Option<RegisterState> {
    l.router
        .sg_entries()
        .find(|e| e.source == a(LOCAL_S))
        .map(|e| e.register)
}

fn register_stop(l: &mut Lab) {
    let stop = mcast_pim::wire::RegisterStop::<mcast_addr::family::Ipv4>::new(a(LOCAL_S), a(G));
    l.packet(
        UP,
        RP,
        "10.0.2.1",
        mcast_pim::wire::MessageRepr::RegisterStop(stop),
    );
}

#[test]
fn register_noinfo_could_register_goes_join_and_encapsulates() {
    for_seeds(|seed| {
        let mut l = dr_lab(seed);
        l.data(DOWN, LOCAL_S, G);
        assert_eq!(register_state(&l), Some(RegisterState::Join));
        let r = registers(&l);
        assert_eq!(r.len(), 1);
        assert!(!r[0].1);
        let t = &l.out.iter().find(|(_, t)| t.interface.is_none()).unwrap().1;
        assert_eq!(t.destination, a(RP));
        let pim = t.parse().unwrap();
        let mcast_pim::wire::Message::Register(reg) = pim.message else {
            panic!()
        };
        assert_eq!(reg.inner, dummy_packet(a(LOCAL_S), a(G)).as_slice());
        assert_eq!(
            l.router.route(a(G), Some(a(LOCAL_S))).unwrap().register,
            Some(DOWN)
        );
    });
}

#[test]
fn register_not_dr_does_not_register() {
    let mut l = lab(1);
    l.hello_with(DOWN, "10.0.1.2", default_hello(9, 11));
    l.data(DOWN, LOCAL_S, G);
    assert!(registers(&l).is_empty());
    assert_ne!(register_state(&l), Some(RegisterState::Join));
}

#[test]
fn register_join_receive_register_stop_goes_prune_and_probes_before_the_timer_ends() {
    for_seeds(|seed| {
        let mut l = dr_lab(seed);
        l.data(DOWN, LOCAL_S, G);
        let t0 = l.now;
        register_stop(&mut l);
        assert_eq!(register_state(&l), Some(RegisterState::Prune));
        l.clear();
        l.data(DOWN, LOCAL_S, G);
        assert!(registers(&l).is_empty(), "no encapsulation while pruned");
        let rst = l
            .router
            .sg_entries()
            .find(|e| e.source == a(LOCAL_S))
            .unwrap()
            .register_stop_timer
            .unwrap();
        // rand(0.5, 1.5) × 60 s − 5 s.
        assert!(
            rst - t0 >= secs(25) && rst - t0 < secs(85),
            "{:?}",
            rst - t0
        );
        // Keep the KAT alive, let the timer expire: Join-Pending and a Null-Register.
        l.run_until(rst);
        assert_eq!(register_state(&l), Some(RegisterState::JoinPending));
        let r = registers(&l);
        assert_eq!(r, vec![(rst, true)]);
        // No Register-Stop within Register_Probe_Time: back to Join.
        l.run_until(rst + secs(5));
        assert_eq!(register_state(&l), Some(RegisterState::Join));
    });
}

#[test]
fn register_join_pending_receive_register_stop_goes_prune() {
    let mut l = dr_lab(2);
    l.data(DOWN, LOCAL_S, G);
    register_stop(&mut l);
    let rst = l
        .router
        .sg_entries()
        .find(|e| e.source == a(LOCAL_S))
        .unwrap()
        .register_stop_timer
        .unwrap();
    l.run_until(rst);
    assert_eq!(register_state(&l), Some(RegisterState::JoinPending));
    register_stop(&mut l);
    assert_eq!(register_state(&l), Some(RegisterState::Prune));
}

#[test]
fn register_could_register_false_when_the_keepalive_timer_expires_goes_noinfo() {
    let mut l = dr_lab(3);
    l.data(DOWN, LOCAL_S, G);
    l.run_for(secs(211));
    assert_eq!(register_state(&l), None, "KAT expired, entry gone");
}

#[test]
fn register_at_a_router_that_is_not_the_rp_gets_a_register_stop() {
    let mut l = lab(4);
    let reg = mcast_pim::wire::RegisterRepr {
        inner: dummy_packet(a(S), a(G)),
        flag_bits: 0,
        border: false,
        reserved: 0,
        null_register: false,
        checksum_coverage: mcast_pim::wire::ChecksumCoverage::Standard,
    };
    l.packet(
        UP,
        "10.0.2.2",
        "10.0.2.1",
        mcast_pim::wire::MessageRepr::Register(reg),
    );
    let stops: Vec<_> = l
        .out
        .iter()
        .filter(|(_, t)| {
            matches!(
                t.parse().unwrap().message,
                mcast_pim::wire::Message::RegisterStop(_)
            )
        })
        .collect();
    assert_eq!(stops.len(), 1);
    assert_eq!(stops[0].1.destination, a("10.0.2.2"));
}

#[test]
fn register_to_an_address_not_ours_is_dropped() {
    let mut l = lab(5);
    let reg = mcast_pim::wire::RegisterRepr {
        inner: dummy_packet(a(S), a(G)),
        flag_bits: 0,
        border: false,
        reserved: 0,
        null_register: false,
        checksum_coverage: mcast_pim::wire::ChecksumCoverage::Standard,
    };
    l.packet(
        UP,
        "10.0.2.2",
        "10.99.0.1",
        mcast_pim::wire::MessageRepr::Register(reg),
    );
    assert!(l.out.is_empty());
    assert_eq!(l.router.stats().register_dropped, 1);
}

/// This router is the RP (10.9.9.9 is a local address); receivers on DOWN.
fn rp_lab(seed: u64, receivers: bool) -> Lab {
    let cfg = RouterConfig {
        local_addresses: vec![a(RP)],
        ..config()
    };
    let mut l = Lab::new(cfg, seed);
    l.iface(DOWN, ME_DOWN, 24, InterfaceConfig::default());
    l.iface(UP, "10.0.2.1", 24, InterfaceConfig::default());
    l.mrib("10.8.0.0/16", UP, UPSTREAM, 20);
    l.neighbor(DOWN, "10.0.1.2", 11);
    l.neighbor(UP, UPSTREAM, 22);
    if receivers {
        l.jp(DOWN, "10.0.1.2", ME_DOWN, 210, vec![star_join(G, RP)]);
    }
    l.run_for(secs(6));
    l.clear();
    l
}

fn register_from_dr(l: &mut Lab, null: bool, coverage: mcast_pim::wire::ChecksumCoverage) {
    let reg = mcast_pim::wire::RegisterRepr {
        inner: dummy_packet(a(S), a(G)),
        null_register: null,
        checksum_coverage: coverage,
        flag_bits: 0,
        border: false,
        reserved: 0,
    };
    l.packet(
        UP,
        "10.8.0.1",
        RP,
        mcast_pim::wire::MessageRepr::Register(reg),
    );
}

#[test]
fn rp_decapsulates_down_the_shared_tree_and_joins_the_source() {
    for_seeds(|seed| {
        let mut l = rp_lab(seed, true);
        register_from_dr(&mut l, false, mcast_pim::wire::ChecksumCoverage::Standard);
        let d: Vec<_> = l
            .events
            .iter()
            .filter_map(|(_, e)| match e {
                Event::Decapsulated { oifs, packet, .. } => Some((oifs.clone(), packet.clone())),
                _ => None,
            })
            .collect();
        assert_eq!(d, vec![(vec![DOWN], dummy_packet(a(S), a(G)))]);
        let v = sg_view(&l).unwrap();
        assert_eq!(
            v.keepalive,
            Some(l.now + secs(210)),
            "Keepalive_Period: no Register-Stop sent"
        );
        assert!(v.joined);
        assert_eq!(
            l.sent(true, SourceTree::SourceGroup, S)[0].1.upstream,
            a(UPSTREAM)
        );
        // Native data then sets the SPTbit; the next Register gets a Register-Stop.
        l.data(UP, S, G);
        assert!(sg_view(&l).unwrap().spt_bit);
        l.clear();
        register_from_dr(&mut l, false, mcast_pim::wire::ChecksumCoverage::Standard);
        assert_eq!(l.router.stats().register_stops_sent, 1);
        assert!(
            !l.events
                .iter()
                .any(|(_, e)| matches!(e, Event::Decapsulated { .. })),
            "no duplicate down the shared tree"
        );
    });
}

#[test]
fn rp_without_receivers_sends_register_stop_and_sets_rp_keepalive_period() {
    let mut l = rp_lab(1, false);
    register_from_dr(&mut l, false, mcast_pim::wire::ChecksumCoverage::Standard);
    assert_eq!(l.router.stats().register_stops_sent, 1);
    let v = sg_view(&l).unwrap();
    assert_eq!(v.keepalive, Some(l.now + secs(185)), "RP_Keepalive_Period");
    assert!(!v.joined);
}

#[test]
fn rp_accepts_a_register_checksummed_over_the_whole_message() {
    let mut l = rp_lab(2, true);
    register_from_dr(
        &mut l,
        false,
        mcast_pim::wire::ChecksumCoverage::WholeRegister,
    );
    assert_eq!(l.router.stats().registers_received, 1);
    assert!(
        l.events
            .iter()
            .any(|(_, e)| matches!(e, Event::Decapsulated { .. }))
    );
}

#[test]
fn rp_null_register_is_not_forwarded() {
    let mut l = rp_lab(3, true);
    register_from_dr(&mut l, true, mcast_pim::wire::ChecksumCoverage::Standard);
    assert_eq!(l.router.stats().registers_received, 1);
    assert!(
        !l.events
            .iter()
            .any(|(_, e)| matches!(e, Event::Decapsulated { .. }))
    );
}

// ----- SSM (§4.8, RFC 4607) ----------------------------------------------------------------------

#[test]
fn ssm_group_ignores_star_g_and_joins_only_the_source() {
    let mut l = lab(1);
    let ssm = "232.1.1.1";
    l.jp(DOWN, "10.0.1.2", ME_DOWN, 210, vec![star_join(ssm, RP)]);
    assert!(l.router.star_g_entries().next().is_none());
    l.member(DOWN, ssm, LocalMembership::Exclude(vec![]));
    assert!(l.entries().is_empty(), "no (*,G) for SSM");
    l.member(DOWN, ssm, LocalMembership::Include(vec![a(S)]));
    let e = l.entries();
    assert_eq!(e.len(), 1);
    assert_eq!(
        (e[0].1.tree, e[0].1.address),
        (SourceTree::SourceGroup, a(S))
    );
    assert_eq!(
        l.route(ssm, Some(S)),
        Some((Some(UP), vec![DOWN])),
        "the SPT from the start"
    );
    assert_eq!(l.router.rp(a(ssm)), None);
}

#[test]
fn ssm_source_is_never_registered() {
    let mut l = dr_lab(2);
    l.data(DOWN, LOCAL_S, "232.1.1.1");
    assert!(registers(&l).is_empty());
}

// ----- Limits -------------------------------------------------------------------------------------

#[test]
fn sg_limit_drops_joins_and_resumes_below_the_low_water_mark() {
    let cfg = RouterConfig {
        limits: mcast_pim::router::Limits {
            max_sg: 10,
            low_water_percent: 50,
            ..mcast_pim::router::Limits::default()
        },
        ..config()
    };
    let mut l = Lab::new(cfg, 1);
    l.iface(DOWN, ME_DOWN, 24, InterfaceConfig::default());
    l.neighbor(DOWN, "10.0.1.2", 1);
    for i in 0..20u8 {
        l.jp(
            DOWN,
            "10.0.1.2",
            ME_DOWN,
            30 + u16::from(i),
            vec![sg_join(G, &format!("10.8.0.{i}"))],
        );
    }
    assert_eq!(l.router.entry_counts().1, 10);
    assert_eq!(l.router.stats().dropped_sg, 10);
    // 3 expire: 7 left, above the low-water mark of 5: still refused.
    // Holdtimes 30 to 33 s are over: 6 left, above the low-water mark of 5: still refused.
    l.run_until(secs(33) + ms(1));
    assert_eq!(l.router.entry_counts().1, 6);
    l.jp(
        DOWN,
        "10.0.1.2",
        ME_DOWN,
        210,
        vec![sg_join(G, "10.8.1.100")],
    );
    assert_eq!(l.router.entry_counts().1, 6);
    // 3 left: under the mark, accepted again.
    l.run_until(secs(36) + ms(1));
    assert_eq!(l.router.entry_counts().1, 3);
    l.jp(
        DOWN,
        "10.0.1.2",
        ME_DOWN,
        210,
        vec![sg_join(G, "10.8.1.100")],
    );
    assert_eq!(l.router.entry_counts().1, 4);
}

#[test]
fn neighbor_limit_per_interface() {
    let cfg = RouterConfig {
        limits: mcast_pim::router::Limits {
            max_neighbors_per_interface: 3,
            ..mcast_pim::router::Limits::default()
        },
        ..config()
    };
    let mut l = Lab::new(cfg, 1);
    l.iface(DOWN, ME_DOWN, 24, InterfaceConfig::default());
    for i in 2..10u8 {
        l.neighbor(DOWN, &format!("10.0.1.{i}"), u32::from(i));
    }
    assert_eq!(l.router.neighbors(DOWN).count(), 3);
    assert_eq!(l.router.stats().dropped_neighbors, 5);
}

#[test]
fn spt_threshold_policy_switches_only_when_signalled() {
    let cfg = RouterConfig {
        spt_switchover: mcast_pim::router::SptSwitchover::Threshold,
        ..config()
    };
    let mut l = Lab::new(cfg, 3);
    l.iface(DOWN, ME_DOWN, 24, InterfaceConfig::default());
    l.iface(UP, "10.0.2.1", 24, InterfaceConfig::default());
    l.iface(ALT, "10.0.3.1", 24, InterfaceConfig::default());
    l.mrib("10.9.9.0/24", UP, UPSTREAM, 10);
    l.mrib("10.8.0.0/16", ALT, "10.0.3.2", 20);
    l.hello_with(DOWN, "10.0.1.2", default_hello(0, 11));
    l.neighbor(UP, UPSTREAM, 22);
    l.neighbor(ALT, "10.0.3.2", 33);
    l.run_for(secs(6));
    l.member(DOWN, G, LocalMembership::Exclude(vec![]));
    l.clear();
    for _ in 0..5 {
        l.data(UP, S, G);
    }
    assert!(
        l.sent(true, SourceTree::SourceGroup, S).is_empty(),
        "below the threshold: shared tree only"
    );
    l.router.signal_spt_threshold(l.now, a(S), a(G));
    l.drain();
    let j = l.sent(true, SourceTree::SourceGroup, S);
    assert_eq!(j.len(), 1);
    assert_eq!(j[0].1.upstream, a("10.0.3.2"));
}

#[test]
fn spt_never_policy_stays_on_the_shared_tree() {
    let cfg = RouterConfig {
        spt_switchover: mcast_pim::router::SptSwitchover::Never,
        ..config()
    };
    let mut l = Lab::new(cfg, 4);
    l.iface(DOWN, ME_DOWN, 24, InterfaceConfig::default());
    l.iface(UP, "10.0.2.1", 24, InterfaceConfig::default());
    l.mrib("10.9.9.0/24", UP, UPSTREAM, 10);
    l.hello_with(DOWN, "10.0.1.2", default_hello(0, 11));
    l.neighbor(UP, UPSTREAM, 22);
    l.run_for(secs(6));
    l.member(DOWN, G, LocalMembership::Exclude(vec![]));
    l.clear();
    for _ in 0..5 {
        l.data(UP, S, G);
    }
    assert!(l.sent(true, SourceTree::SourceGroup, S).is_empty());
    assert_eq!(l.route(G, None), Some((Some(UP), vec![DOWN])));
}

#[test]
fn membership_events_of_the_igmp_router_feed_local_membership() {
    use mcast_igmp::gmp::FilterMode;
    use mcast_igmp::router::RouterEvent;
    let mut l = lab(5);
    let ev = |e: RouterEvent<std::net::Ipv4Addr>, l: &mut Lab| {
        l.router.handle_membership_event(l.now, DOWN, &e);
        l.drain();
    };
    ev(
        RouterEvent::FilterModeChanged {
            group: a(G),
            mode: Some(FilterMode::Exclude),
        },
        &mut l,
    );
    assert_eq!(l.route(G, None), Some((Some(UP), vec![DOWN])));
    // EXCLUDE mode, S blocked: pim_exclude(S,G) takes DOWN out of S's olist.
    ev(
        RouterEvent::SourceForwardingChanged {
            group: a(G),
            source: a(S),
            forward: false,
        },
        &mut l,
    );
    assert_eq!(l.route(G, Some(S)), Some((Some(UP), vec![])));
    ev(
        RouterEvent::SourceForwardingChanged {
            group: a(G),
            source: a(S),
            forward: true,
        },
        &mut l,
    );
    assert_eq!(l.route(G, Some(S)), None);
    // INCLUDE mode with S: an (S,G) join, no (*,G).
    ev(
        RouterEvent::FilterModeChanged {
            group: a(G),
            mode: Some(FilterMode::Include),
        },
        &mut l,
    );
    ev(
        RouterEvent::SourceForwardingChanged {
            group: a(G),
            source: a(S),
            forward: true,
        },
        &mut l,
    );
    assert!(!l.sent(true, SourceTree::SourceGroup, S).is_empty());
    // Joined, waiting for the first packet on the source tree to set the SPTbit: the plane
    // is asked to report it even though it arrives on the accepted interface.
    let r = l.router.route(a(G), Some(a(S))).unwrap().clone();
    assert_eq!(
        (r.iif, r.oifs.clone(), r.notify),
        (Some(UP), vec![], Some(UP))
    );
    l.data(UP, S, G);
    let r = l.router.route(a(G), Some(a(S))).unwrap().clone();
    assert_eq!(
        (r.iif, r.oifs.clone(), r.notify),
        (Some(UP), vec![DOWN], None)
    );
    ev(
        RouterEvent::FilterModeChanged {
            group: a(G),
            mode: None,
        },
        &mut l,
    );
    assert_eq!(l.route(G, None), None);
}

#[test]
fn rpf_neighbor_is_matched_by_its_secondary_address() {
    let mut l = lab(6);
    // The upstream neighbor lists 10.0.2.20 as a secondary address; the MRIB names it.
    let hello = default_hello(1, 22).with(mcast_pim::wire::HelloOptionRepr::AddressList(vec![a(
        "10.0.2.20",
    )]));
    l.hello_with(UP, UPSTREAM, hello);
    l.mrib("10.9.9.0/24", UP, "10.0.2.20", 10);
    l.clear();
    l.member(DOWN, G, LocalMembership::Exclude(vec![]));
    let j = l.sent(true, SourceTree::StarGroup, RP);
    assert_eq!(j.len(), 1);
    assert_eq!(
        j[0].1.upstream,
        a(UPSTREAM),
        "NBR() maps the secondary address to the primary"
    );
}

#[test]
fn passive_interface_serves_members_but_speaks_no_pim() {
    let mut l = lab(7);
    let cfg = InterfaceConfig {
        passive: true,
        ..InterfaceConfig::default()
    };
    l.iface(9, "10.0.9.1", 24, cfg);
    l.run_for(secs(60));
    assert!(
        l.hellos().iter().all(|h| h.1 != 9),
        "no Hello on a passive interface"
    );
    l.neighbor(9, "10.0.9.2", 5);
    assert_eq!(l.router.neighbors(9).count(), 0, "PIM ignored there");
    assert!(l.router.i_am_dr(9));
    l.member(9, G, LocalMembership::Exclude(vec![]));
    assert_eq!(l.route(G, None), Some((Some(UP), vec![9])));
}

#[test]
fn many_joins_are_split_to_the_interface_mtu() {
    let mut l = Lab::new(config(), 8);
    l.iface(DOWN, ME_DOWN, 24, InterfaceConfig::default());
    let small = InterfaceConfig {
        mtu: 576,
        ..InterfaceConfig::default()
    };
    l.iface(UP, "10.0.2.1", 24, small);
    l.mrib("10.8.0.0/16", UP, UPSTREAM, 20);
    l.hello_with(DOWN, "10.0.1.2", default_hello(0, 11));
    l.neighbor(UP, UPSTREAM, 22);
    l.run_for(secs(6));
    l.clear();
    let sources: Vec<_> = (0..300u16)
        .map(|i| std::net::Ipv4Addr::new(10, 8, (i >> 8) as u8, i as u8))
        .collect();
    l.member(DOWN, G, LocalMembership::Include(sources));
    let jps: Vec<_> = l
        .out
        .iter()
        .filter(|(_, t)| {
            t.interface == Some(UP)
                && matches!(
                    t.parse().unwrap().message,
                    mcast_pim::wire::Message::JoinPrune(_)
                )
        })
        .collect();
    assert!(jps.len() > 1);
    assert!(jps.iter().all(|(_, t)| t.payload.len() + 20 <= 576));
    assert_eq!(
        l.entries()
            .iter()
            .filter(|(_, e)| e.join && e.tree == SourceTree::SourceGroup)
            .count(),
        300
    );
}
