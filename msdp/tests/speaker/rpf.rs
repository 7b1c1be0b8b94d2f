//! Peer-RPF acceptance, RFC 3618 §10.1.3, one rule a test, and mesh groups (§10.2).

use std::net::Ipv4Addr;

use mcast_msdp::speaker::{MeshGroup, PeerConfig, RouteOrigin, RpfRoute, RpfRule};

use crate::harness::*;

const ME: Ipv4Addr = a(50);
const RP: Ipv4Addr = Ipv4Addr::new(192, 0, 2, 1);
const FAR_RP: Ipv4Addr = Ipv4Addr::new(198, 51, 100, 1);

fn accepted(s: &mut S, from: Ipv4Addr, rp: Ipv4Addr) -> bool {
    let before = s.sa_cache_len();
    let sa = sa_bytes(rp, &[(src(1), grp(1))], &[]);
    s.handle_bytes(secs(1), from, &sa).unwrap();
    s.sa_cache_len() > before
}

fn route(origin: RouteOrigin, neighbor: Ipv4Addr, first_as: Option<u32>) -> RpfRoute {
    RpfRoute {
        origin,
        neighbor,
        first_as,
    }
}

#[test]
fn rule_i_the_peer_is_the_originating_rp() {
    let mut s = with_peers(ME, &[RP, a(2)]);
    assert_eq!(s.peer_rpf(RP), Some((RP, RpfRule::OriginatingRp)));
    // Even with a route pointing elsewhere, rule (i) comes first.
    s.set_rpf_route(RP, 24, route(RouteOrigin::Ebgp, a(2), None));
    assert!(!accepted(&mut s, a(2), RP));
    assert_eq!(s.peer_stats(a(2)).unwrap().rpf_failures, 1);
    assert!(accepted(&mut s, RP, RP));
}

#[test]
fn rule_ii_the_peer_is_the_ebgp_next_hop_towards_the_rp() {
    let mut s = with_peers(ME, &[a(2), a(3)]);
    s.set_rpf_route(
        Ipv4Addr::new(192, 0, 2, 0),
        24,
        route(RouteOrigin::Ebgp, a(2), Some(65002)),
    );
    assert_eq!(s.peer_rpf(RP), Some((a(2), RpfRule::EbgpNextHop)));
    assert!(!accepted(&mut s, a(3), RP));
    assert!(accepted(&mut s, a(2), RP));
}

#[test]
fn rule_iii_the_peer_advertised_the_route_ibgp_or_is_the_igp_next_hop() {
    let mut s = with_peers(ME, &[a(2), a(3)]);
    s.set_rpf_route(
        Ipv4Addr::new(192, 0, 2, 0),
        24,
        route(RouteOrigin::Ibgp, a(3), None),
    );
    assert_eq!(s.peer_rpf(RP), Some((a(3), RpfRule::RouteAdvertiser)));
    assert!(!accepted(&mut s, a(2), RP));
    assert!(accepted(&mut s, a(3), RP));
    // A more specific IGP route takes over (longest match), and a removal falls back.
    s.set_rpf_route(RP, 32, route(RouteOrigin::Igp, a(2), None));
    assert_eq!(s.peer_rpf(RP), Some((a(2), RpfRule::RouteAdvertiser)));
    s.remove_rpf_route(RP, 32);
    assert_eq!(s.peer_rpf(RP), Some((a(3), RpfRule::RouteAdvertiser)));
}

#[test]
fn rule_iv_the_peer_in_the_closest_as_with_the_highest_address() {
    let mut s = speaker(ME);
    for (peer, asn) in [(a(2), 65001), (a(3), 65001), (a(4), 65002)] {
        let mut config = PeerConfig::new(peer, ME);
        config.remote_as = Some(asn);
        establish(&mut s, secs(0), config);
    }
    // The route's neighbour is not an MSDP peer: rules (ii) and (iii) do not apply.
    s.set_rpf_route(
        Ipv4Addr::UNSPECIFIED,
        0,
        route(RouteOrigin::Ebgp, a(99), Some(65001)),
    );
    assert_eq!(s.peer_rpf(RP), Some((a(3), RpfRule::ClosestAs)));
    assert!(!accepted(&mut s, a(2), RP));
    assert!(!accepted(&mut s, a(4), RP));
    assert!(accepted(&mut s, a(3), RP));
}

#[test]
fn rule_v_a_static_rpf_peer_and_a_default_peer() {
    let mut s = speaker(ME);
    let mut specific = PeerConfig::new(a(2), ME);
    specific
        .static_rpf_for
        .push(mcast_addr::ipv4::Ipv4Range::from_prefix(Ipv4Addr::new(192, 0, 2, 0), 24).unwrap());
    establish(&mut s, secs(0), specific);
    establish(&mut s, secs(0), PeerConfig::new(a(3), ME).default_peer());
    assert_eq!(s.peer_rpf(RP), Some((a(2), RpfRule::StaticPeer)));
    assert_eq!(s.peer_rpf(FAR_RP), Some((a(3), RpfRule::StaticPeer)));
    assert!(!accepted(&mut s, a(3), RP));
    assert!(accepted(&mut s, a(2), RP));
    assert!(accepted(&mut s, a(3), FAR_RP));
}

#[test]
fn r13_peers_not_established_are_not_eligible() {
    let mut s = with_peers(ME, &[a(3)]);
    s.add_peer(secs(0), PeerConfig::new(a(2), ME)).unwrap(); // connecting, never up
    s.set_rpf_route(RP, 32, route(RouteOrigin::Ebgp, a(2), None));
    assert_eq!(s.peer_rpf(RP), None);
    let mut config = PeerConfig::new(a(3), ME).default_peer();
    config.local_address = ME;
    s.reconfigure_peer(config);
    assert_eq!(s.peer_rpf(RP), Some((a(3), RpfRule::StaticPeer)));
    // The originating RP as a peer counts only once Established.
    s.add_peer(secs(0), PeerConfig::new(RP, ME)).unwrap();
    assert_eq!(s.peer_rpf(RP), Some((a(3), RpfRule::StaticPeer)));
}

#[test]
fn without_any_rule_an_sa_is_dropped_and_counted() {
    let mut s = with_peers(ME, &[a(2)]);
    assert_eq!(s.peer_rpf(RP), None);
    assert!(!accepted(&mut s, a(2), RP));
    let stats = s.peer_stats(a(2)).unwrap();
    assert_eq!((stats.rpf_failures, stats.entries_received), (1, 1));
    assert!(sent(&mut s).is_empty());
}

#[test]
fn an_sa_with_this_speakers_own_rp_address_is_a_loop_and_dropped() {
    let mut s = with_peers(ME, &[a(2)]);
    let mut config = PeerConfig::new(a(2), ME).default_peer();
    config.local_address = ME;
    s.reconfigure_peer(config);
    assert!(!accepted(&mut s, a(2), ME));
    assert_eq!(s.stats().sa_looped, 1);
}

#[test]
fn mesh_group_sa_from_a_member_is_accepted_without_rpf_and_not_sent_to_members() {
    let mut s = speaker(ME);
    for m in [a(2), a(3)] {
        establish(
            &mut s,
            secs(0),
            PeerConfig::new(m, ME).in_mesh_group(MeshGroup(1)),
        );
    }
    establish(&mut s, secs(0), PeerConfig::new(a(4), ME));
    // No rule would make a(2) the RPF peer of RP.
    assert_eq!(s.peer_rpf(RP), None);
    assert!(accepted(&mut s, a(2), RP));
    let out = sent(&mut s);
    assert!(!out.contains_key(&a(3)), "never to another member: {out:?}");
    assert!(!out.contains_key(&a(2)));
    assert_eq!(
        out[&a(4)],
        [Msg::Sa {
            rp: RP,
            entries: vec![(src(1), grp(1))],
            data: vec![]
        }]
    );
}

#[test]
fn mesh_group_sa_from_outside_passing_rpf_goes_to_every_member() {
    let mut s = speaker(ME);
    for m in [a(2), a(3)] {
        establish(
            &mut s,
            secs(0),
            PeerConfig::new(m, ME).in_mesh_group(MeshGroup(1)),
        );
    }
    establish(&mut s, secs(0), PeerConfig::new(a(4), ME).default_peer());
    establish(&mut s, secs(0), PeerConfig::new(a(5), ME));
    assert!(accepted(&mut s, a(4), RP));
    let out = sent(&mut s);
    for to in [a(2), a(3), a(5)] {
        assert_eq!(out[&to].len(), 1, "to {to}");
    }
    assert!(!out.contains_key(&a(4)), "never back to the sender");
    // A member of another mesh group is a non-member of this one.
    let mut t = speaker(ME);
    establish(
        &mut t,
        secs(0),
        PeerConfig::new(a(2), ME).in_mesh_group(MeshGroup(1)),
    );
    establish(
        &mut t,
        secs(0),
        PeerConfig::new(a(3), ME).in_mesh_group(MeshGroup(2)),
    );
    assert!(accepted(&mut t, a(2), RP));
    assert!(sent(&mut t).contains_key(&a(3)));
}

#[test]
fn an_sa_is_not_sent_to_the_originating_rp_itself() {
    let mut s = speaker(ME);
    establish(&mut s, secs(0), PeerConfig::new(RP, ME));
    establish(
        &mut s,
        secs(0),
        PeerConfig::new(a(2), ME).in_mesh_group(MeshGroup(1)),
    );
    establish(&mut s, secs(0), PeerConfig::new(a(3), ME));
    assert!(accepted(&mut s, a(2), RP));
    let out = sent(&mut s);
    assert!(!out.contains_key(&RP), "{out:?}");
    assert!(out.contains_key(&a(3)));
}

#[test]
fn a_pushed_route_change_moves_the_rpf_peer_at_once() {
    let mut s = with_peers(ME, &[a(2), a(3)]);
    s.set_rpf_route(
        Ipv4Addr::new(192, 0, 2, 0),
        24,
        route(RouteOrigin::Ebgp, a(2), None),
    );
    assert!(accepted(&mut s, a(2), RP));
    // The MRIB now reaches the RP through a(3): a(2) is no longer accepted, a(3) is.
    s.set_rpf_route(
        Ipv4Addr::new(192, 0, 2, 0),
        24,
        route(RouteOrigin::Ebgp, a(3), None),
    );
    let other = sa_bytes(RP, &[(src(2), grp(1))], &[]);
    s.handle_bytes(secs(2), a(2), &other).unwrap();
    assert_eq!(s.sa_cache_len(), 1);
    s.handle_bytes(secs(2), a(3), &other).unwrap();
    assert_eq!(s.sa_cache_len(), 2);
    // The peer going down moves it too (R13): back to no RPF peer at all.
    s.handle_closed(secs(3), a(3)).unwrap();
    assert_eq!(s.peer_rpf(RP), None);
}

#[test]
fn the_route_table_limit_holds_and_counts() {
    let mut config = mcast_msdp::speaker::SpeakerConfig::new(ME);
    config.limits.max_rpf_routes = 1;
    let mut s = S::new(secs(0), config);
    assert!(s.set_rpf_route(RP, 32, route(RouteOrigin::Igp, a(2), None)));
    assert!(
        s.set_rpf_route(RP, 32, route(RouteOrigin::Igp, a(3), None)),
        "a replacement"
    );
    assert!(!s.set_rpf_route(FAR_RP, 32, route(RouteOrigin::Igp, a(3), None)));
    assert_eq!(s.stats().routes_over_limit, 1);
}
