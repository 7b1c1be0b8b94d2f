//! LAN scenarios with several routers on one link, wired through their bytes (RFC 7761 §4.3,
//! §4.5, §4.6): Join suppression, Prune override, DR election, an Assert between two
//! forwarders, a restarted upstream router and an RPF change moving the joins.

#![allow(clippy::unchecked_time_subtraction, clippy::too_many_lines)]

mod common;

use common::*;
use mcast_pim::router::{Event, InterfaceConfig, LocalMembership, RouterConfig, StaticRp};
use mcast_pim::wire::{Message, SourceTree};

const G: &str = "239.5.5.5";

fn config(rp: &str) -> RouterConfig<mcast_addr::family::Ipv4> {
    RouterConfig {
        static_rps: vec![StaticRp {
            groups: p("224.0.0.0/4"),
            rp: a(rp),
        }],
        ..RouterConfig::default()
    }
}

/// U, the RP, on LAN L with two downstream routers D1 and D2, each with a receiver LAN; D1 has
/// a second path to U over LAN M.
fn shared_upstream(seed: u64, ic: impl Fn() -> InterfaceConfig) -> (Net, usize, usize, usize) {
    let mut net = Net::new();
    let u = net.add_router(config("10.0.0.1"), seed);
    let d1 = net.add_router(config("10.0.0.1"), seed + 1);
    let d2 = net.add_router(config("10.0.0.1"), seed + 2);
    net.attach(u, 1, "10.0.0.1", 24, "L", ic());
    net.attach(u, 2, "10.6.0.1", 24, "M", ic());
    net.attach(d1, 1, "10.0.0.2", 24, "L", ic());
    net.attach(d1, 2, "10.1.1.1", 24, "R1", ic());
    net.attach(d1, 3, "10.6.0.2", 24, "M", ic());
    net.attach(d2, 1, "10.0.0.3", 24, "L", ic());
    net.attach(d2, 2, "10.1.2.1", 24, "R2", ic());
    net.run_for(secs(6));
    (net, u, d1, d2)
}

/// The Join/Prune entries node `i` sent on `lan` since `since`.
fn jp_entries(
    net: &Net,
    i: usize,
    lan: &str,
    since: std::time::Duration,
) -> Vec<(std::time::Duration, bool, SourceTree, std::net::Ipv4Addr)> {
    let mut v = Vec::new();
    for (at, t) in &net.nodes[i].sent {
        if *at < since || t.interface.map(|x| net.nodes[i].links[&x]) != Some(lan) {
            continue;
        }
        if let Message::JoinPrune(jp) = t.parse().unwrap().message {
            for set in jp.groups() {
                for (join, list) in [(true, set.joined), (false, set.pruned)] {
                    for e in &list {
                        v.push((*at, join, e.source.tree().unwrap(), jp.upstream_neighbor));
                    }
                }
            }
        }
    }
    v
}

fn star_joins(net: &Net, i: usize, lan: &str, since: std::time::Duration) -> usize {
    jp_entries(net, i, lan, since)
        .iter()
        .filter(|(_, join, tree, _)| *join && *tree == SourceTree::StarGroup)
        .count()
}

#[test]
fn join_suppression_one_join_per_period_on_a_shared_upstream_lan() {
    for seed in [1u64, 2, 3, 4, 5, 6] {
        let (mut net, u, d1, d2) = shared_upstream(seed * 100, InterfaceConfig::default);
        net.join(d1, 2, G, LocalMembership::Exclude(vec![]));
        net.join(d2, 2, G, LocalMembership::Exclude(vec![]));
        let t0 = net.now + secs(1);
        for _ in 0..60 {
            net.run_for(secs(10));
            assert_eq!(
                net.nodes[u]
                    .router
                    .route(a(G), None)
                    .map(|r| r.oifs.clone()),
                Some(vec![1])
            );
        }
        let total = star_joins(&net, d1, "L", t0) + star_joins(&net, d2, "L", t0);
        // Without suppression: 2 × 10 in 600 s. With it, the first Join of each period
        // suppresses the other router's for rand(66, 84) s.
        assert!(total <= 11, "{total} Joins on L in 600 s");
        assert!(total >= 7, "{total}");
    }
}

#[test]
fn tracking_support_on_every_router_disables_join_suppression() {
    let ic = || InterfaceConfig {
        tracking_support: true,
        ..InterfaceConfig::default()
    };
    let (mut net, _u, d1, d2) = shared_upstream(7, ic);
    net.join(d1, 2, G, LocalMembership::Exclude(vec![]));
    net.join(d2, 2, G, LocalMembership::Exclude(vec![]));
    let t0 = net.now + secs(1);
    net.run_for(secs(600));
    assert_eq!(star_joins(&net, d1, "L", t0), 10);
    assert_eq!(star_joins(&net, d2, "L", t0), 10);
}

#[test]
fn prune_override_keeps_the_shared_lan_forwarded() {
    for seed in [11u64, 12, 13, 14, 15, 16, 17, 18] {
        let (mut net, u, d1, d2) = shared_upstream(seed, InterfaceConfig::default);
        net.join(d1, 2, G, LocalMembership::Exclude(vec![]));
        net.join(d2, 2, G, LocalMembership::Exclude(vec![]));
        net.run_for(secs(100));
        let t0 = net.now;
        net.join(d1, 2, G, LocalMembership::None);
        net.run_for(secs(10));
        // D1 pruned; D2 overrode within t_override, before U's 3 s Prune-Pending Timer ran out.
        let prunes: Vec<_> = jp_entries(&net, d1, "L", t0)
            .into_iter()
            .filter(|e| !e.1)
            .collect();
        assert_eq!(prunes.len(), 1);
        let overrides: Vec<_> = jp_entries(&net, d2, "L", t0)
            .into_iter()
            .filter(|e| e.1)
            .collect();
        assert!(!overrides.is_empty());
        assert!(overrides[0].0 - prunes[0].0 < ms(2500));
        let u_events: Vec<_> = net.nodes[u]
            .events
            .iter()
            .filter(|(at, _)| *at >= t0)
            .collect();
        assert!(
            !u_events.iter().any(|(_, e)| matches!(
                e,
                Event::RouteChanged { source: None, .. } | Event::RouteDeleted { .. }
            )),
            "U never stopped forwarding on L: {u_events:?}"
        );
    }
}

#[test]
fn restarted_upstream_router_gets_its_state_back_within_t_override() {
    for seed in [21u64, 22, 23, 24] {
        let (mut net, u, d1, d2) = shared_upstream(seed, InterfaceConfig::default);
        net.join(d1, 2, G, LocalMembership::Exclude(vec![]));
        net.join(d2, 2, G, LocalMembership::Exclude(vec![]));
        net.run_for(secs(30));
        net.restart(u, seed + 1000);
        assert_eq!(net.nodes[u].router.route(a(G), None), None, "state lost");
        // Its first Hello (within 5 s) carries a new Generation ID: the downstream routers
        // send their Joins within Effective_Override_Interval.
        net.run_for(secs(5) + ms(2500));
        assert_eq!(
            net.nodes[u]
                .router
                .route(a(G), None)
                .map(|r| r.oifs.clone()),
            Some(vec![1])
        );
        assert!(
            net.nodes[d1]
                .events
                .iter()
                .chain(&net.nodes[d2].events)
                .all(|(_, e)| !matches!(e, Event::NeighborDown { .. }))
        );
    }
}

#[test]
fn rpf_change_moves_the_join_to_the_new_neighbor_and_prunes_the_old() {
    let (mut net, u, d1, _d2) = shared_upstream(31, InterfaceConfig::default);
    net.join(d1, 2, G, LocalMembership::Exclude(vec![]));
    net.run_for(secs(5));
    assert_eq!(
        net.nodes[u]
            .router
            .route(a(G), None)
            .map(|r| r.oifs.clone()),
        Some(vec![1])
    );
    let t0 = net.now;
    // A better route to the RP over M.
    net.route(d1, "10.0.0.1/32", 3, Some("10.6.0.1"), 1);
    assert!(
        jp_entries(&net, d1, "M", t0)
            .iter()
            .any(|e| e.1 && e.2 == SourceTree::StarGroup)
    );
    assert!(
        jp_entries(&net, d1, "L", t0)
            .iter()
            .any(|e| !e.1 && e.2 == SourceTree::StarGroup)
    );
    net.run_for(secs(5));
    assert_eq!(
        net.nodes[u]
            .router
            .route(a(G), None)
            .map(|r| r.oifs.clone()),
        Some(vec![2])
    );
    assert_eq!(
        net.nodes[d1].router.route(a(G), None).and_then(|r| r.iif),
        Some(3)
    );
}

#[test]
fn dr_election_decides_which_router_serves_the_members_of_a_shared_lan() {
    let mut net = Net::new();
    let u = net.add_router(config("10.0.0.1"), 41);
    let d1 = net.add_router(config("10.0.0.1"), 42);
    let d2 = net.add_router(config("10.0.0.1"), 43);
    let ic = InterfaceConfig::default;
    net.attach(u, 1, "10.0.0.1", 24, "L", ic());
    net.attach(d1, 1, "10.0.0.2", 24, "L", ic());
    net.attach(d2, 1, "10.0.0.3", 24, "L", ic());
    net.attach(d1, 2, "10.2.0.1", 24, "R", ic());
    net.attach(d2, 2, "10.2.0.2", 24, "R", ic());
    net.run_for(secs(6));
    // IGMP runs on both; only the DR (10.2.0.2, higher address) acts on it.
    net.join(d1, 2, G, LocalMembership::Exclude(vec![]));
    net.join(d2, 2, G, LocalMembership::Exclude(vec![]));
    assert_eq!(net.nodes[d1].router.dr(2), Some(a("10.2.0.2")));
    assert_eq!(
        net.nodes[d1]
            .router
            .route(a(G), None)
            .map(|r| r.oifs.clone()),
        Some(vec![])
    );
    assert_eq!(
        net.nodes[d2]
            .router
            .route(a(G), None)
            .map(|r| r.oifs.clone()),
        Some(vec![2])
    );
    // D1 gets a higher DR priority: it takes over, D2 stops.
    let t0 = net.now;
    net.nodes[d1].router.set_interface_config(
        t0,
        2,
        InterfaceConfig {
            dr_priority: 10,
            ..InterfaceConfig::default()
        },
    );
    net.pump();
    net.run_for(secs(6));
    assert_eq!(net.nodes[d2].router.dr(2), Some(a("10.2.0.1")));
    assert_eq!(
        net.nodes[d1]
            .router
            .route(a(G), None)
            .map(|r| r.oifs.clone()),
        Some(vec![2])
    );
    assert_eq!(
        net.nodes[d2]
            .router
            .route(a(G), None)
            .map(|r| r.oifs.clone()),
        Some(vec![])
    );
    assert!(
        jp_entries(&net, d2, "L", t0)
            .iter()
            .any(|e| !e.1 && e.2 == SourceTree::StarGroup),
        "D2 pruned"
    );
}

fn count(net: &Net, lan: &str) -> usize {
    net.delivered.iter().filter(|d| d.lan == lan).count()
}

/// Two routers D1 and D2 both forward onto LAN X, each for a downstream router that uses it as
/// its RPF neighbor: the Assert elects one.
///
/// ```text
///   S -[SRC]- U (RP, DR) -[A1]- D1 -\
///                        -[A2]- D2 --[X]-- D3 -[R3] receiver, D4 -[R4] receiver
/// ```
#[test]
fn assert_between_two_forwarders_leaves_one_copy_on_the_lan() {
    for seed in [51u64, 52, 53, 54, 55, 56] {
        let mut net = Net::new();
        let c = || config("10.1.0.1");
        let u = net.add_router(c(), seed);
        let d1 = net.add_router(c(), seed + 1);
        let d2 = net.add_router(c(), seed + 2);
        let d3 = net.add_router(c(), seed + 3);
        let d4 = net.add_router(c(), seed + 4);
        let ic = InterfaceConfig::default;
        net.attach(u, 1, "10.1.0.1", 24, "SRC", ic());
        net.attach(u, 2, "10.2.1.1", 24, "A1", ic());
        net.attach(u, 3, "10.2.2.1", 24, "A2", ic());
        net.attach(d1, 1, "10.2.1.2", 24, "A1", ic());
        net.attach(d1, 2, "10.9.0.1", 24, "X", ic());
        net.attach(d2, 1, "10.2.2.2", 24, "A2", ic());
        net.attach(d2, 2, "10.9.0.2", 24, "X", ic());
        net.attach(d3, 1, "10.9.0.3", 24, "X", ic());
        net.attach(d3, 2, "10.3.0.1", 24, "R3", ic());
        net.attach(d4, 1, "10.9.0.4", 24, "X", ic());
        net.attach(d4, 2, "10.4.0.1", 24, "R4", ic());
        net.route(d1, "10.1.0.0/24", 1, Some("10.2.1.1"), 10);
        net.route(d2, "10.1.0.0/24", 1, Some("10.2.2.1"), 10);
        net.route(d3, "10.1.0.0/24", 1, Some("10.9.0.1"), 20);
        net.route(d4, "10.1.0.0/24", 1, Some("10.9.0.2"), 20);
        net.receivers = vec!["X", "R3", "R4"];
        net.run_for(secs(6));
        net.join(d3, 2, G, LocalMembership::Exclude(vec![]));
        net.join(d4, 2, G, LocalMembership::Exclude(vec![]));
        assert!(
            net.nodes[d1]
                .router
                .route(a(G), None)
                .is_some_and(|r| r.oifs == [2])
        );
        assert!(
            net.nodes[d2]
                .router
                .route(a(G), None)
                .is_some_and(|r| r.oifs == [2])
        );
        // The source sends for a while: duplicates on X trigger the Asserts.
        for _ in 0..20 {
            net.data(u, 1, "10.1.0.10", G);
            net.run_for(ms(500));
        }
        net.delivered.clear();
        for _ in 0..10 {
            net.data(u, 1, "10.1.0.10", G);
            net.run_for(ms(500));
        }
        assert_eq!(
            count(&net, "X"),
            10,
            "one copy of each packet on X: {:?}",
            net.delivered
        );
        assert_eq!(count(&net, "R3"), 10);
        assert_eq!(count(&net, "R4"), 10);
        // The winner is D2 (equal metrics, higher address) and only it forwards onto X.
        assert!(
            net.delivered
                .iter()
                .filter(|d| d.lan == "X")
                .all(|d| d.from == d2)
        );
        // And it keeps working through several Assert periods.
        // Quiet for longer than the Keepalive and Assert times: the source tree is rebuilt
        // when data comes back, with one duplicate on X until the (S,G) Assert settles it
        // (§4.6: the Assert is how PIM detects parallel forwarders).
        net.run_for(secs(400));
        net.data(u, 1, "10.1.0.10", G);
        net.run_for(ms(500));
        net.data(u, 1, "10.1.0.10", G);
        net.run_for(ms(500));
        net.delivered.clear();
        for _ in 0..5 {
            net.data(u, 1, "10.1.0.10", G);
            net.run_for(ms(500));
        }
        assert_eq!(count(&net, "X"), 5, "{:?}", net.delivered);
        assert_eq!(count(&net, "R3"), 5);
        assert_eq!(count(&net, "R4"), 5);
    }
}
