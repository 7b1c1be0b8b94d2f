//! The whole PIM-SM story over four routers in memory (RFC 7761 §3): a receiver joins the
//! shared tree, the source's DR registers, the RP joins the source tree, the last-hop router
//! switches to the SPT and prunes the source off the shared tree, the RP sends Register-Stop.
//!
//! ```text
//!  source 10.1.0.10
//!   [A 10.1.0.0/24]
//!       R1 (DR) ---[B 10.2.0.0/24]--- R2 (RP 10.2.0.2) ---[C 10.3.0.0/24]--- R3 ---[D] receiver
//!        \____________________________[E 10.5.0.0/24]________________________/
//! ```

#![allow(clippy::unchecked_time_subtraction, clippy::too_many_lines)]

mod common;

use common::*;
use mcast_pim::router::{
    Event, InterfaceConfig, LocalMembership, RegisterState, RouterConfig, StaticRp,
};

const A: u32 = 1;
const B: u32 = 2;
const C: u32 = 3;
const D: u32 = 4;
const E: u32 = 5;

fn config() -> RouterConfig<mcast_addr::family::Ipv4> {
    RouterConfig {
        static_rps: vec![StaticRp {
            groups: p("224.0.0.0/4"),
            rp: a("10.2.0.2"),
        }],
        ..RouterConfig::default()
    }
}

/// Builds the network and runs it until every neighbor is known.
fn network(seed: u64) -> (Net, usize, usize, usize) {
    let mut net = Net::new();
    let r1 = net.add_router(config(), seed);
    let r2 = net.add_router(config(), seed + 1);
    let r3 = net.add_router(config(), seed + 2);
    let ic = InterfaceConfig::default;
    net.attach(r1, A, "10.1.0.1", 24, "A", ic());
    net.attach(r1, B, "10.2.0.1", 24, "B", ic());
    net.attach(r1, E, "10.5.0.1", 24, "E", ic());
    net.attach(r2, B, "10.2.0.2", 24, "B", ic());
    net.attach(r2, C, "10.3.0.2", 24, "C", ic());
    net.attach(r3, C, "10.3.0.3", 24, "C", ic());
    net.attach(r3, D, "10.4.0.3", 24, "D", ic());
    net.attach(r3, E, "10.5.0.3", 24, "E", ic());
    // The MRIB: R1 reaches R3's side over E, R3 reaches the source over E and the RP over C.
    net.route(r1, "10.3.0.0/24", B, Some("10.2.0.2"), 20);
    net.route(r1, "10.4.0.0/24", E, Some("10.5.0.3"), 10);
    net.route(r2, "10.1.0.0/24", B, Some("10.2.0.1"), 10);
    net.route(r2, "10.4.0.0/24", C, Some("10.3.0.3"), 10);
    net.route(r2, "10.5.0.0/24", B, Some("10.2.0.1"), 10);
    net.route(r3, "10.1.0.0/24", E, Some("10.5.0.1"), 10);
    net.route(r3, "10.2.0.0/24", C, Some("10.3.0.2"), 10);
    net.receivers.push("D");
    net.run_for(secs(6));
    (net, r1, r2, r3)
}

fn route_of(
    net: &Net,
    node: usize,
    group: &str,
    source: Option<&str>,
) -> Option<(Option<u32>, Vec<u32>)> {
    net.nodes[node]
        .router
        .route(a(group), source.map(a))
        .map(|r| (r.iif, r.oifs.clone()))
}

#[test]
fn neighbors_and_dr() {
    let (net, r1, r2, r3) = network(1);
    assert_eq!(net.nodes[r1].router.neighbors(B).count(), 1);
    assert_eq!(net.nodes[r2].router.neighbors(B).count(), 1);
    assert_eq!(net.nodes[r2].router.neighbors(C).count(), 1);
    assert_eq!(net.nodes[r3].router.neighbors(E).count(), 1);
    // Equal priorities: the higher address is DR (§4.3.2).
    assert_eq!(net.nodes[r1].router.dr(B), Some(a("10.2.0.2")));
    assert_eq!(net.nodes[r3].router.dr(E), Some(a("10.5.0.3")));
    assert!(net.nodes[r1].router.i_am_dr(A));
}

fn story(seed: u64) {
    let (mut net, r1, r2, r3) = network(seed);
    let g = "239.1.1.1";
    let s = "10.1.0.10";

    // 1. A receiver on D: R3, DR of D, joins the shared tree towards the RP.
    net.join(r3, D, g, LocalMembership::Exclude(vec![]));
    assert_eq!(route_of(&net, r3, g, None), Some((Some(C), vec![D])));
    assert_eq!(
        route_of(&net, r2, g, None),
        Some((None, vec![C])),
        "the RP forwards (*,G) on C"
    );
    assert_eq!(
        route_of(&net, r1, g, None),
        None,
        "R1 is off the shared tree"
    );

    // 2. The source sends: R1 registers to the RP, the RP decapsulates down the shared tree
    //    and joins (S,G) towards R1.
    net.data(r1, A, s, g);
    let registered = net.nodes[r1]
        .router
        .sg_entries()
        .find(|e| e.group == a(g))
        .unwrap();
    assert_eq!(registered.register, RegisterState::Join);
    assert!(
        net.nodes[r2]
            .events
            .iter()
            .any(|(_, e)| matches!(e, Event::Decapsulated { .. }))
    );
    assert!(
        net.delivered.iter().any(|d| d.lan == "D"),
        "decapsulated data reached the receiver"
    );
    let r1_sg = net.nodes[r1]
        .router
        .sg_entries()
        .find(|e| e.group == a(g))
        .unwrap();
    let joined: Vec<u32> = r1_sg.downstream.iter().map(|d| d.interface).collect();
    assert_eq!(joined, [B, E], "the RP and R3 joined (S,G) at R1");
    // The SPTbit is set by the next packet from the source (Update_SPTbit, §4.2.2): until then
    // R1's (S,G) entry still points at the shared tree.
    assert!(!r1_sg.spt_bit);

    // 3. The next packets flow natively. R3 switched to the SPT at the first packet it got:
    //    its (S,G) arrives on E, and it prunes S off the shared tree.
    net.delivered.clear();
    net.data(r1, A, s, g);
    net.data(r1, A, s, g);
    assert_eq!(route_of(&net, r3, g, Some(s)), Some((Some(E), vec![D])));
    let r2_sg = route_of(&net, r2, g, Some(s));
    assert_eq!(
        r2_sg.map(|r| r.1),
        Some(vec![]),
        "the RP forwards S nowhere once R3 pruned it"
    );
    // R1 was pruned by the RP: (S,G) only towards R3, and the Register-Stop ended the
    // encapsulation.
    net.run_for(secs(5));
    assert_eq!(route_of(&net, r1, g, Some(s)), Some((Some(A), vec![E])));
    let r1_sg = net.nodes[r1]
        .router
        .sg_entries()
        .find(|e| e.group == a(g))
        .unwrap();
    assert_eq!(r1_sg.register, RegisterState::Prune);
    assert!(net.nodes[r2].router.stats().register_stops_sent >= 1);

    // 4. Exactly one copy of each packet reaches the receiver LAN from now on.
    net.delivered.clear();
    for _ in 0..5 {
        net.data(r1, A, s, g);
    }
    assert_eq!(net.delivered.iter().filter(|d| d.lan == "D").count(), 5);

    // 5. State is refreshed: a long run changes nothing.
    net.run_for(secs(600));
    net.delivered.clear();
    net.data(r1, A, s, g);
    assert_eq!(net.delivered.iter().filter(|d| d.lan == "D").count(), 1);
    assert_eq!(route_of(&net, r3, g, None), Some((Some(C), vec![D])));

    // 6. The receiver leaves: everything is pruned back.
    net.join(r3, D, g, LocalMembership::None);
    net.run_for(secs(10));
    assert_eq!(route_of(&net, r3, g, None), None);
    assert_eq!(route_of(&net, r2, g, None), None);
    net.delivered.clear();
    net.data(r1, A, s, g);
    assert!(net.delivered.is_empty());
}

#[test]
fn shared_tree_register_spt_switch_and_register_stop() {
    for seed in 0..16 {
        story(seed * 7919);
    }
}
