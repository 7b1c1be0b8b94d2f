//! Several speakers wired in memory.

use std::net::Ipv4Addr;

use mcast_msdp::speaker::{MeshGroup, PeerConfig, PeerState, RouteOrigin, RpfRoute, SpeakerEvent};

use crate::harness::*;

fn has(net: &mut Net, id: Ipv4Addr, source: Ipv4Addr, group: Ipv4Addr, rp: Ipv4Addr) -> bool {
    net.node(id).sa_cache_entry(source, group, rp).is_some()
}

/// RFC 3446 Anycast RP: A, B and C are the RPs of one domain, in one mesh group; D, in
/// another domain, peers with B only.
fn anycast(chunk: Option<usize>) -> Net {
    let (rp_a, rp_b, rp_c, d) = (a(1), a(2), a(3), a(4));
    let mut net = Net::new(&[rp_a, rp_b, rp_c, d]);
    net.chunk = chunk;
    for (x, y) in [(rp_a, rp_b), (rp_a, rp_c), (rp_b, rp_c)] {
        net.peer(x, y, |c| c.in_mesh_group(MeshGroup(1)));
    }
    net.peer(rp_b, d, PeerConfig::default_peer);
    net.pump();
    for (x, y) in [(rp_a, rp_b), (rp_a, rp_c), (rp_b, rp_c), (rp_b, d)] {
        assert_eq!(net.node(x).peer_state(y), Some(PeerState::Established));
        assert_eq!(net.node(y).peer_state(x), Some(PeerState::Established));
    }
    net
}

#[test]
fn three_peer_mesh_group_floods_once_and_never_inside_the_mesh() {
    for chunk in [None, Some(1), Some(7)] {
        let mut net = anycast(chunk);
        let (rp_a, rp_b, rp_c, d) = (a(1), a(2), a(3), a(4));
        let now = net.now;
        net.node(d).set_star_g_interest(now, grp(1), true);
        net.node(rp_a)
            .add_local_source(now, &mut Rng(11), src(1), grp(1), &packet(src(1), grp(1)));
        net.pump();
        for id in [rp_b, rp_c, d] {
            assert!(has(&mut net, id, src(1), grp(1), rp_a), "{id}");
        }
        // C heard it from A only: B did not re-flood inside the mesh (§10.2).
        assert_eq!(net.node(rp_c).peer_stats(rp_b).unwrap().sa_received, 0);
        assert_eq!(net.node(rp_c).peer_stats(rp_a).unwrap().sa_received, 1);
        assert_eq!(net.node(rp_b).peer_stats(rp_c).unwrap().sa_received, 0);
        // D got it once, with the data, joined and forwarded the packet.
        assert_eq!(net.node(d).peer_stats(rp_b).unwrap().sa_received, 1);
        let log = net.log.get(&d).cloned().unwrap_or_default();
        assert!(log.contains(&SpeakerEvent::JoinSource {
            source: src(1),
            group: grp(1)
        }));
        assert!(
            log.iter()
                .any(|e| matches!(e, SpeakerEvent::EncapsulatedData { .. }))
        );
        // Nothing came back to A.
        assert_eq!(net.node(rp_a).sa_cache_len(), 0);
        assert_eq!(net.node(rp_a).stats().sa_looped, 0);
    }
}

#[test]
fn a_source_stays_while_advertised_and_times_out_everywhere_when_it_stops() {
    let mut net = anycast(None);
    let (rp_a, _, rp_c, d) = (a(1), a(2), a(3), a(4));
    let now = net.now;
    net.node(rp_a)
        .add_local_source(now, &mut Rng(3), src(1), grp(1), &[]);
    net.node(d).set_star_g_interest(now, grp(1), true);
    net.run_until(now + secs(600));
    assert!(has(&mut net, d, src(1), grp(1), rp_a));
    assert!(has(&mut net, rp_c, src(1), grp(1), rp_a));
    assert!(net.node(rp_a).stats().advertisements >= 9);
    let joins = net.joins(d);
    assert_eq!(joins.len(), 1, "{joins:?}");
    // The source stops: every cache forgets it within SG-State-Period of the last refresh.
    let stop = net.now;
    net.node(rp_a).remove_local_source(stop, src(1), grp(1));
    net.run_until(stop + secs(91));
    assert_eq!(net.node(d).sa_cache_len(), 0);
    assert_eq!(net.node(rp_c).sa_cache_len(), 0);
    assert_eq!(
        net.joins(d),
        [SpeakerEvent::PruneSource {
            source: src(1),
            group: grp(1)
        }]
    );
    // The peerings stayed up all along: KeepAlives flowed.
    assert_eq!(net.node(d).peer_stats(a(2)).unwrap().established, 1);
}

#[test]
fn a_full_mesh_without_mesh_groups_stops_loops_by_peer_rpf() {
    let (x, y, z) = (a(1), a(2), a(3));
    let mut net = Net::new(&[x, y, z]);
    for (p, q) in [(x, y), (x, z), (y, z)] {
        net.peer(p, q, |c| c);
    }
    net.pump();
    let now = net.now;
    net.node(x)
        .add_local_source(now, &mut Rng(1), src(1), grp(1), &[]);
    net.pump();
    // Y and Z accept it from X (rule (i)) and drop the copy the other forwards.
    for (id, other) in [(y, z), (z, y)] {
        assert_eq!(
            net.node(id).sa_cache_entry(src(1), grp(1), x).unwrap().peer,
            x
        );
        assert_eq!(net.node(id).peer_stats(other).unwrap().rpf_failures, 1);
    }
    assert_eq!(net.node(x).sa_cache_len(), 0);
}

#[test]
fn a_chain_of_domains_with_default_peers_carries_sas_both_ways() {
    let (x, y, z) = (a(1), a(2), a(3));
    let mut net = Net::new(&[x, y, z]);
    net.peer(x, y, PeerConfig::default_peer);
    net.peer(y, z, PeerConfig::default_peer);
    net.pump();
    let now = net.now;
    net.node(x)
        .add_local_source(now, &mut Rng(1), src(1), grp(1), &[]);
    net.node(z)
        .add_local_source(now, &mut Rng(2), src(2), grp(2), &[]);
    net.pump();
    assert!(has(&mut net, z, src(1), grp(1), x));
    assert!(has(&mut net, x, src(2), grp(2), z));
    // Y has two default peers: for X's RP rule (i) picks X, for Z's RP rule (i) picks Z.
    assert_eq!(net.node(y).sa_cache_len(), 2);
}

#[test]
fn a_peering_that_goes_down_comes_back_and_readvertises() {
    let (x, y) = (a(1), a(2));
    let mut net = Net::new(&[x, y]);
    net.peer(x, y, PeerConfig::default_peer);
    net.pump();
    let now = net.now;
    net.node(y)
        .add_local_source(now, &mut Rng(1), src(1), grp(1), &[]);
    net.pump();
    assert_eq!(net.node(x).sa_cache_len(), 1);
    // The higher side disables the peering and enables it again; X (lower) reconnects when
    // ConnectRetry expires and Y sends its sources at once.
    let now = net.now;
    net.node(y).set_peer_enabled(now, x, false);
    net.pump();
    assert_eq!(net.node(x).peer_state(y), Some(PeerState::Inactive));
    net.node(y).set_peer_enabled(now, x, true);
    net.run_until(now + secs(31));
    assert_eq!(net.node(x).peer_state(y), Some(PeerState::Established));
    assert_eq!(net.node(x).peer_stats(y).unwrap().established, 2);
    assert_eq!(net.node(x).peer_stats(y).unwrap().sa_received, 2);
}

#[test]
fn the_same_inputs_and_seed_give_the_same_outputs() {
    let run = |seed: u64| {
        let mut net = anycast(None);
        let now = net.now;
        for i in 1..=20u8 {
            net.node(a(1 + i % 3)).add_local_source(
                now,
                &mut Rng(seed + u64::from(i)),
                src(i),
                grp(i % 4),
                &[],
            );
        }
        net.node(a(4)).set_star_g_interest(now, grp(1), true);
        net.run_until(now + secs(400));
        let caches: Vec<Vec<_>> = net.nodes.values().map(|s| s.sa_cache().collect()).collect();
        format!("{caches:?}{:?}", net.log)
    };
    for seed in [1, 2, 3, 99, 12345] {
        assert_eq!(run(seed), run(seed));
    }
}

/// Next hops of shortest paths from `from` in `edges` (ties to the lower neighbour address).
fn next_hops(
    nodes: &[Ipv4Addr],
    edges: &[(Ipv4Addr, Ipv4Addr)],
    from: Ipv4Addr,
) -> std::collections::BTreeMap<Ipv4Addr, Ipv4Addr> {
    use std::collections::{BTreeMap, VecDeque};
    let neighbours = |n: Ipv4Addr| {
        let mut v: Vec<Ipv4Addr> = edges
            .iter()
            .filter_map(|&(x, y)| {
                if x == n {
                    Some(y)
                } else if y == n {
                    Some(x)
                } else {
                    None
                }
            })
            .collect();
        v.sort();
        v
    };
    let mut hop: BTreeMap<Ipv4Addr, Ipv4Addr> = BTreeMap::new();
    let mut queue = VecDeque::new();
    for n in neighbours(from) {
        hop.insert(n, n);
        queue.push_back(n);
    }
    while let Some(n) = queue.pop_front() {
        for m in neighbours(n) {
            if m != from && !hop.contains_key(&m) {
                hop.insert(m, hop[&n]);
                queue.push_back(m);
            }
        }
    }
    assert_eq!(hop.len(), nodes.len() - 1, "connected");
    hop
}

#[test]
fn peer_rpf_flooding_over_random_topologies_reaches_everyone_once_without_loops() {
    for seed in 1..=32u64 {
        let mut rng = seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1;
        let mut draw = |n: u64| {
            rng ^= rng << 13;
            rng ^= rng >> 7;
            rng ^= rng << 17;
            rng % n
        };
        let nodes: Vec<Ipv4Addr> = (1..=6).map(a).collect();
        // A random spanning tree, then random extra edges (cycles).
        let mut edges = vec![];
        for i in 1..nodes.len() {
            let parent = nodes[draw(i as u64) as usize];
            edges.push((parent, nodes[i]));
        }
        for _ in 0..draw(5) {
            let (x, y) = (nodes[draw(6) as usize], nodes[draw(6) as usize]);
            if x != y && !edges.contains(&(x, y)) && !edges.contains(&(y, x)) {
                edges.push((x, y));
            }
        }
        let mut net = Net::new(&nodes);
        for &(x, y) in &edges {
            net.peer(x, y, |c| c);
        }
        // Each node's MRIB: the IGP next hop of the shortest path to every other node.
        for &n in &nodes {
            for (dest, hop) in next_hops(&nodes, &edges, n) {
                net.node(n).set_rpf_route(
                    dest,
                    32,
                    RpfRoute {
                        origin: RouteOrigin::Igp,
                        neighbor: hop,
                        first_as: None,
                    },
                );
            }
        }
        net.pump();
        let now = net.now;
        for (i, &n) in nodes.iter().enumerate() {
            net.node(n).add_local_source(
                now,
                &mut Rng(seed + i as u64),
                src(i as u8 + 1),
                grp(1),
                &[],
            );
        }
        net.pump();
        for &n in &nodes {
            let hops = next_hops(&nodes, &edges, n);
            for (i, &origin) in nodes.iter().enumerate() {
                if origin == n {
                    continue;
                }
                let entry = net
                    .node(n)
                    .sa_cache_entry(src(i as u8 + 1), grp(1), origin)
                    .unwrap_or_else(|| panic!("seed {seed}: {n} lacks the SA of {origin}"));
                assert_eq!(
                    entry.peer, hops[&origin],
                    "seed {seed}: accepted from the RPF peer"
                );
            }
            assert_eq!(net.node(n).sa_cache_len(), nodes.len() - 1);
            assert_eq!(net.node(n).stats().sa_looped, 0, "seed {seed}");
            // Each SA crossed each peering at most once each way.
            for &(x, y) in &edges {
                let peer = if x == n {
                    y
                } else if y == n {
                    x
                } else {
                    continue;
                };
                let received = net.node(n).peer_stats(peer).unwrap().sa_received;
                assert!(
                    received <= nodes.len() as u64,
                    "seed {seed}: {received} SAs on one peering"
                );
            }
        }
    }
}
