//! The DVMRP router, rule by rule of draft-ietf-idmr-dvmrp-v3-11, against hand-built neighbor
//! messages; then whole networks of routers wired in memory through their bytes.
#![cfg(feature = "alloc")]

use std::collections::{BTreeMap, VecDeque};
use std::net::Ipv4Addr;
use std::time::Duration;

use mcast_dvmrp::router::{
    DataDisposition, Forwarding, InterfaceConfig, InterfaceId, Limits, Router, RouterConfig,
    RouterEvent, RouterTimer, SourceNetwork, Transmit, Upstream,
};
use mcast_dvmrp::wire::{
    ALL_DVMRP_ROUTERS, Body, Capabilities, ChecksumPolicy, Graft, Header, Message, Metric, Probe,
    Prune, ReportBuilder, Route, Version,
};

const IF1: InterfaceId = InterfaceId(1);
const IF2: InterfaceId = InterfaceId(2);
const IF3: InterfaceId = InterfaceId(3);
const OURS1: Ipv4Addr = Ipv4Addr::new(10, 0, 1, 1);
const OURS2: Ipv4Addr = Ipv4Addr::new(10, 0, 2, 1);
const OURS3: Ipv4Addr = Ipv4Addr::new(10, 0, 3, 1);
const N1: Ipv4Addr = Ipv4Addr::new(10, 0, 1, 2);
const N1B: Ipv4Addr = Ipv4Addr::new(10, 0, 1, 3);
const N2: Ipv4Addr = Ipv4Addr::new(10, 0, 2, 2);
const N2B: Ipv4Addr = Ipv4Addr::new(10, 0, 2, 3);
const GROUP: Ipv4Addr = Ipv4Addr::new(239, 1, 1, 1);
const FAR: Ipv4Addr = Ipv4Addr::new(192, 168, 7, 0);
const FAR_HOST: Ipv4Addr = Ipv4Addr::new(192, 168, 7, 9);

fn secs(s: u64) -> Duration {
    Duration::from_secs(s)
}

fn net(address: Ipv4Addr, len: u8) -> SourceNetwork {
    SourceNetwork::new(address, len).unwrap()
}

fn far() -> SourceNetwork {
    net(FAR, 24)
}

fn header() -> Header {
    Header {
        reserved: 0,
        capabilities: Capabilities::PRUNE | Capabilities::GENID | Capabilities::NETMASK,
        version: Version::VERSION_3,
    }
}

fn emit(body: Body<'_>) -> Vec<u8> {
    let message = Message {
        header: header(),
        body,
    };
    let mut bytes = vec![0; message.buffer_len()];
    message.emit(&mut bytes).unwrap();
    bytes
}

fn probe(generation_id: u32, neighbors: &[Ipv4Addr]) -> Vec<u8> {
    let octets: Vec<[u8; 4]> = neighbors.iter().map(Ipv4Addr::octets).collect();
    emit(Body::Probe(Probe {
        generation_id,
        neighbors: &octets,
    }))
}

fn report(routes: &[(Ipv4Addr, u8, u8)]) -> Vec<u8> {
    let routes: Vec<Route> = routes
        .iter()
        .map(|&(a, l, m)| Route::new(a, l, Metric::new(m).unwrap()).unwrap())
        .collect();
    let mut builder = ReportBuilder::new(&routes, 65_535).unwrap();
    let mut bytes = vec![0; 65_535];
    let len = builder.emit_next(&mut bytes).unwrap().unwrap();
    assert!(builder.emit_next(&mut vec![0; 65_535]).unwrap().is_none());
    bytes.truncate(len);
    bytes
}

fn prune(source: Ipv4Addr, group: Ipv4Addr, lifetime_seconds: u32) -> Vec<u8> {
    emit(Body::Prune(Prune {
        source,
        group,
        lifetime_seconds,
        netmask: None,
        trailing: &[],
    }))
}

fn graft(source: Ipv4Addr, group: Ipv4Addr) -> Vec<u8> {
    emit(Body::Graft(Graft {
        source,
        group,
        netmask: None,
        trailing: &[],
    }))
}

fn graft_ack(source: Ipv4Addr, group: Ipv4Addr) -> Vec<u8> {
    emit(Body::GraftAck(Graft {
        source,
        group,
        netmask: None,
        trailing: &[],
    }))
}

/// A router with IF1 (10.0.1.1/24) and IF2 (10.0.2.1/24), added at 0, its first messages
/// drained.
fn router_with(config: RouterConfig) -> Router<Duration> {
    let mut r = Router::new(config);
    r.add_interface(Duration::ZERO, IF1, InterfaceConfig::new(OURS1, 24))
        .unwrap();
    r.add_interface(Duration::ZERO, IF2, InterfaceConfig::new(OURS2, 24))
        .unwrap();
    drain(&mut r);
    r
}

fn router() -> Router<Duration> {
    router_with(RouterConfig::new(0x1111))
}

fn drain(r: &mut Router<Duration>) -> Vec<Transmit> {
    std::iter::from_fn(|| r.poll_transmit()).collect()
}

fn events(r: &mut Router<Duration>) -> Vec<RouterEvent> {
    std::iter::from_fn(|| r.poll_event()).collect()
}

fn parse(t: &Transmit) -> Message<'_> {
    Message::parse(&t.payload, ChecksumPolicy::Verify).unwrap()
}

/// Every route reported in `transmits` on `interface` to `destination`.
fn reported(transmits: &[Transmit], interface: InterfaceId, destination: Ipv4Addr) -> Vec<Route> {
    transmits
        .iter()
        .filter(|t| t.interface == interface && t.destination == destination)
        .filter_map(|t| match parse(t).body {
            Body::Report(r) => Some(r.routes().collect::<Vec<_>>()),
            _ => None,
        })
        .flatten()
        .collect()
}

fn metric_of(routes: &[Route], network: SourceNetwork) -> Option<u8> {
    routes
        .iter()
        .find(|r| r.source() == network.address() && r.prefix_len() == network.prefix_len())
        .map(|r| r.metric().value())
}

fn packet(
    r: &mut Router<Duration>,
    now: u64,
    interface: InterfaceId,
    from: Ipv4Addr,
    bytes: &[u8],
) {
    r.handle_packet(secs(now), interface, from, ALL_DVMRP_ROUTERS, bytes)
        .unwrap();
}

/// A two-way neighbor `from` on `interface` with Generation ID `generation_id`.
fn adjacency(
    r: &mut Router<Duration>,
    now: u64,
    interface: InterfaceId,
    from: Ipv4Addr,
    generation_id: u32,
) {
    let ours = r.interface(interface).unwrap().address;
    packet(r, now, interface, from, &probe(generation_id, &[ours]));
}

/// Runs `r` second by second from `from` to `to`; every neighbor of `alive` probes every 10 s
/// (at `from`, `from + 10`…).
fn live(r: &mut Router<Duration>, from: u64, to: u64, alive: &[(InterfaceId, Ipv4Addr, u32)]) {
    for t in from..=to {
        if (t - from).is_multiple_of(10) {
            for &(interface, neighbor, generation_id) in alive {
                adjacency(r, t, interface, neighbor, generation_id);
            }
        }
        advance(r, t);
    }
}

fn advance(r: &mut Router<Duration>, to: u64) {
    r.handle_timeout(secs(to));
    if let Some(next) = r.poll_timeout() {
        assert!(next > secs(to), "a deadline is left due");
    }
}

/// A router whose upstream for FAR/24 is N1 on IF1 (metric 2 + 1), with N2 on IF2 depending on
/// it (poison reverse), and a forwarding entry for (FAR, GROUP) created by data at 1.
fn tree_router() -> Router<Duration> {
    let mut r = router();
    adjacency(&mut r, 0, IF1, N1, 7);
    adjacency(&mut r, 0, IF2, N2, 8);
    packet(&mut r, 0, IF1, N1, &report(&[(FAR, 24, 2)]));
    packet(&mut r, 0, IF2, N2, &report(&[(FAR, 24, 3 + 32)]));
    assert_eq!(
        r.handle_data(secs(1), IF1, FAR_HOST, GROUP),
        DataDisposition::Accepted
    );
    drain(&mut r);
    events(&mut r);
    r
}

// ----- Neighbors (§3.2) --------------------------------------------------------------------

#[test]
fn probe_goes_out_when_an_interface_is_added_and_every_probe_interval() {
    let mut r = Router::new(RouterConfig::new(42));
    r.add_interface(Duration::ZERO, IF1, InterfaceConfig::new(OURS1, 24))
        .unwrap();
    let sent = drain(&mut r);
    assert_eq!(sent.len(), 1);
    assert_eq!(sent[0].destination, ALL_DVMRP_ROUTERS);
    assert_eq!(sent[0].source, OURS1);
    let Body::Probe(p) = parse(&sent[0]).body else {
        panic!()
    };
    assert_eq!(p.generation_id, 42);
    assert_eq!(p.neighbors.len(), 0);
    assert_eq!(r.deadline(&RouterTimer::Probe(IF1)), Some(secs(10)));
    advance(&mut r, 10);
    let sent = drain(&mut r);
    assert!(matches!(parse(&sent[0]).body, Body::Probe(_)));
    assert_eq!(r.deadline(&RouterTimer::Probe(IF1)), Some(secs(20)));
}

#[test]
fn probe_lists_every_neighbor_heard_on_the_interface_and_only_there() {
    let mut r = router();
    packet(&mut r, 1, IF1, N1, &probe(5, &[]));
    packet(&mut r, 1, IF1, N1B, &probe(6, &[]));
    packet(&mut r, 1, IF2, N2, &probe(7, &[]));
    drain(&mut r);
    advance(&mut r, 10);
    let sent = drain(&mut r);
    let listed = |interface| {
        sent.iter()
            .filter(|t| t.interface == interface)
            .find_map(|t| match parse(t).body {
                Body::Probe(p) => Some(p.neighbor_addresses().collect::<Vec<_>>()),
                _ => None,
            })
            .unwrap()
    };
    assert_eq!(listed(IF1), [N1, N1B]);
    assert_eq!(listed(IF2), [N2]);
}

#[test]
fn a_new_neighbor_is_probed_at_once_so_the_adjacency_comes_up_without_waiting() {
    let mut r = router();
    packet(&mut r, 3, IF1, N1, &probe(5, &[]));
    let sent = drain(&mut r);
    let Body::Probe(p) = parse(&sent[0]).body else {
        panic!()
    };
    assert_eq!(p.neighbor_addresses().collect::<Vec<_>>(), [N1]);
}

#[test]
fn reports_from_a_one_way_neighbor_are_ignored_until_it_lists_this_router() {
    let mut r = router();
    packet(&mut r, 1, IF1, N1, &probe(5, &[]));
    packet(&mut r, 1, IF1, N1, &report(&[(FAR, 24, 1)]));
    assert_eq!(r.route(far()), None);
    assert_eq!(r.stats().ignored, 1);
    assert!(!r.neighbors().next().unwrap().two_way);
    adjacency(&mut r, 2, IF1, N1, 5);
    assert!(r.neighbors().next().unwrap().two_way);
    packet(&mut r, 2, IF1, N1, &report(&[(FAR, 24, 1)]));
    assert_eq!(
        r.route(far()).unwrap().upstream,
        Upstream::Neighbor(IF1, N1)
    );
}

#[test]
fn a_new_two_way_neighbor_gets_the_whole_table_unicast() {
    let mut r = router();
    adjacency(&mut r, 1, IF1, N1, 5);
    assert_eq!(
        events(&mut r),
        [RouterEvent::NeighborUp {
            interface: IF1,
            address: N1
        }]
    );
    let sent = drain(&mut r);
    let routes = reported(&sent, IF1, N1);
    // Both local subnets: IF2's at its metric, IF1's own at infinity (split horizon).
    assert_eq!(metric_of(&routes, net(OURS2, 24)), Some(1));
    assert_eq!(metric_of(&routes, net(OURS1, 24)), Some(32));
}

#[test]
fn a_neighbor_unheard_for_the_neighbor_time_out_interval_is_gone_with_its_routes() {
    let mut r = router();
    adjacency(&mut r, 0, IF1, N1, 5);
    packet(&mut r, 0, IF1, N1, &report(&[(FAR, 24, 1)]));
    events(&mut r);
    assert_eq!(
        r.deadline(&RouterTimer::NeighborTimeout(IF1, N1)),
        Some(secs(35))
    );
    advance(&mut r, 34);
    assert_eq!(r.neighbors().count(), 1);
    advance(&mut r, 35);
    assert_eq!(r.neighbors().count(), 0);
    assert_eq!(
        events(&mut r),
        [RouterEvent::NeighborDown {
            interface: IF1,
            address: N1
        }]
    );
    // The route is in hold-down: unreachable, reported at infinity.
    let route = r.route(far()).unwrap();
    assert_eq!(route.upstream, Upstream::Unreachable);
    assert_eq!(route.metric, Metric::INFINITY);
}

#[test]
fn a_probe_refreshes_the_neighbor_time_out() {
    let mut r = router();
    adjacency(&mut r, 0, IF1, N1, 5);
    adjacency(&mut r, 30, IF1, N1, 5);
    advance(&mut r, 50);
    assert_eq!(r.neighbors().count(), 1);
    assert_eq!(
        r.deadline(&RouterTimer::NeighborTimeout(IF1, N1)),
        Some(secs(65))
    );
}

#[test]
fn a_new_generation_id_flushes_the_neighbors_routes_and_prunes_and_resends_the_table() {
    let mut r = tree_router();
    packet(&mut r, 2, IF2, N2, &prune(FAR_HOST, GROUP, 600));
    assert_eq!(r.downstream_prunes(far(), GROUP).count(), 1);
    drain(&mut r);
    // N2 restarts; it does not know us yet.
    packet(&mut r, 3, IF2, N2, &probe(99, &[]));
    assert_eq!(r.downstream_prunes(far(), GROUP).count(), 0);
    assert_eq!(r.dependent_neighbors(far(), IF2).count(), 0);
    assert!(events(&mut r).contains(&RouterEvent::NeighborRestarted {
        interface: IF2,
        address: N2,
        generation_id: 99
    }));
    assert!(!r.neighbors().any(|n| n.address == N2 && n.two_way));
    // Its next probe lists us: it is sent the whole table again.
    drain(&mut r);
    adjacency(&mut r, 4, IF2, N2, 99);
    let routes = reported(&drain(&mut r), IF2, N2);
    assert_eq!(metric_of(&routes, far()), Some(3));
    // Upstream N1 restarting takes the route with it.
    packet(&mut r, 5, IF1, N1, &probe(100, &[OURS1]));
    assert_eq!(r.route(far()).unwrap().upstream, Upstream::Unreachable);
}

#[test]
fn a_neighbor_that_stops_listing_this_router_loses_the_adjacency() {
    let mut r = router();
    adjacency(&mut r, 0, IF1, N1, 5);
    packet(&mut r, 0, IF1, N1, &report(&[(FAR, 24, 1)]));
    events(&mut r);
    packet(&mut r, 1, IF1, N1, &probe(5, &[]));
    assert!(events(&mut r).contains(&RouterEvent::NeighborDown {
        interface: IF1,
        address: N1
    }));
    assert_eq!(r.route(far()).unwrap().upstream, Upstream::Unreachable);
}

#[test]
fn capabilities_are_announced_with_leaf_while_at_most_one_interface_has_neighbors() {
    let mut r = router();
    adjacency(&mut r, 0, IF1, N1, 5);
    drain(&mut r);
    advance(&mut r, 10);
    let sent = drain(&mut r);
    let caps = parse(&sent[0]).header.capabilities;
    assert!(caps.contains(Capabilities::LEAF | Capabilities::PRUNE | Capabilities::GENID));
    adjacency(&mut r, 11, IF2, N2, 6);
    drain(&mut r);
    advance(&mut r, 20);
    let sent = drain(&mut r);
    assert!(
        !parse(&sent[0])
            .header
            .capabilities
            .contains(Capabilities::LEAF)
    );
    let n = r.neighbors().next().unwrap();
    assert!(n.capabilities.contains(Capabilities::NETMASK));
    assert_eq!(n.version, Version::VERSION_3);
}

// ----- Routes (§3.3) -----------------------------------------------------------------------

#[test]
fn a_received_metric_is_increased_by_the_interface_metric() {
    let mut r = Router::new(RouterConfig::new(1));
    r.add_interface(
        Duration::ZERO,
        IF1,
        InterfaceConfig::new(OURS1, 24).with_metric(5),
    )
    .unwrap();
    adjacency(&mut r, 0, IF1, N1, 5);
    packet(&mut r, 0, IF1, N1, &report(&[(FAR, 24, 3)]));
    assert_eq!(r.route(far()).unwrap().metric.value(), 8);
}

#[test]
fn a_route_at_infinity_after_the_interface_metric_is_not_learned() {
    let mut r = router();
    adjacency(&mut r, 0, IF1, N1, 5);
    packet(
        &mut r,
        0,
        IF1,
        N1,
        &report(&[(FAR, 24, 31), (Ipv4Addr::new(172, 16, 0, 0), 16, 30)]),
    );
    assert_eq!(r.route(far()), None);
    assert_eq!(
        r.route(net(Ipv4Addr::new(172, 16, 0, 0), 16))
            .unwrap()
            .metric
            .value(),
        31
    );
}

#[test]
fn martian_source_networks_are_ignored_and_counted() {
    let mut r = router();
    adjacency(&mut r, 0, IF1, N1, 5);
    packet(
        &mut r,
        0,
        IF1,
        N1,
        &report(&[
            (Ipv4Addr::new(127, 0, 0, 0), 8, 1),
            (Ipv4Addr::new(224, 0, 0, 0), 8, 1),
            (Ipv4Addr::new(240, 0, 0, 0), 8, 1),
            (FAR, 24, 0),
        ]),
    );
    assert_eq!(r.stats().routes_ignored, 4);
    assert_eq!(r.routes().count(), 2);
}

#[test]
fn the_lowest_metric_wins_then_the_lowest_address_whatever_the_order_of_reports() {
    let reports = [
        (N1B, report(&[(FAR, 24, 2)])),
        (N1, report(&[(FAR, 24, 2)])),
        (N2, report(&[(FAR, 24, 4)])),
    ];
    for order in [
        [0, 1, 2],
        [1, 0, 2],
        [2, 1, 0],
        [2, 0, 1],
        [0, 2, 1],
        [1, 2, 0],
    ] {
        let mut r = router();
        adjacency(&mut r, 0, IF1, N1, 5);
        adjacency(&mut r, 0, IF1, N1B, 6);
        adjacency(&mut r, 0, IF2, N2, 7);
        for i in order {
            let (from, bytes) = &reports[i];
            let interface = if *from == N2 { IF2 } else { IF1 };
            packet(&mut r, 1, interface, *from, bytes);
        }
        let route = r.route(far()).unwrap();
        assert_eq!(route.upstream, Upstream::Neighbor(IF1, N1), "{order:?}");
        assert_eq!(route.metric.value(), 3);
    }
}

#[test]
fn a_better_metric_from_another_neighbor_switches_upstream_and_a_worse_one_from_upstream_falls_back()
 {
    let mut r = router();
    adjacency(&mut r, 0, IF1, N1, 5);
    adjacency(&mut r, 0, IF2, N2, 6);
    packet(&mut r, 0, IF1, N1, &report(&[(FAR, 24, 5)]));
    packet(&mut r, 0, IF2, N2, &report(&[(FAR, 24, 3)]));
    assert_eq!(
        r.route(far()).unwrap().upstream,
        Upstream::Neighbor(IF2, N2)
    );
    packet(&mut r, 1, IF2, N2, &report(&[(FAR, 24, 9)]));
    let route = r.route(far()).unwrap();
    assert_eq!(route.upstream, Upstream::Neighbor(IF1, N1));
    assert_eq!(route.metric.value(), 6);
}

#[test]
fn reports_poison_the_route_in_reverse_towards_the_upstream_neighbor_only() {
    let mut r = router();
    adjacency(&mut r, 0, IF1, N1, 5);
    adjacency(&mut r, 0, IF2, N2, 6);
    packet(&mut r, 0, IF1, N1, &report(&[(FAR, 24, 2)]));
    let alive = [(IF1, N1, 5), (IF2, N2, 6)];
    live(&mut r, 1, 59, &alive);
    drain(&mut r);
    live(&mut r, 60, 60, &alive);
    let sent = drain(&mut r);
    let on1 = reported(&sent, IF1, ALL_DVMRP_ROUTERS);
    let on2 = reported(&sent, IF2, ALL_DVMRP_ROUTERS);
    assert_eq!(metric_of(&on1, far()), Some(3 + 32));
    assert_eq!(metric_of(&on2, far()), Some(3));
    assert_eq!(metric_of(&on1, net(OURS1, 24)), Some(32));
    assert_eq!(metric_of(&on2, net(OURS1, 24)), Some(1));
}

#[test]
fn a_poisoned_report_makes_the_neighbor_a_dependent_and_a_plain_one_undoes_it() {
    let mut r = router();
    adjacency(&mut r, 0, IF1, N1, 5);
    adjacency(&mut r, 0, IF2, N2, 6);
    packet(&mut r, 0, IF1, N1, &report(&[(FAR, 24, 2)]));
    assert!(r.is_leaf(far(), IF2));
    packet(&mut r, 0, IF2, N2, &report(&[(FAR, 24, 35)]));
    assert_eq!(r.dependent_neighbors(far(), IF2).collect::<Vec<_>>(), [N2]);
    assert!(!r.is_leaf(far(), IF2));
    packet(&mut r, 1, IF2, N2, &report(&[(FAR, 24, 32)]));
    assert_eq!(r.dependent_neighbors(far(), IF2).count(), 0);
    // A poisoned report from the upstream neighbor itself is not a route.
    packet(&mut r, 2, IF1, N1, &report(&[(FAR, 24, 36)]));
    assert_eq!(r.route(far()).unwrap().upstream, Upstream::Unreachable);
}

#[test]
fn a_route_expires_then_is_held_down_at_infinity_then_deleted() {
    let mut r = router();
    adjacency(&mut r, 0, IF1, N1, 5);
    packet(&mut r, 0, IF1, N1, &report(&[(FAR, 24, 2)]));
    // Keep the neighbor alive, but let it stop reporting the route.
    let alive = [(IF1, N1, 5)];
    assert_eq!(
        r.deadline(&RouterTimer::RouteExpiration(far())),
        Some(secs(140))
    );
    live(&mut r, 1, 139, &alive);
    assert_eq!(r.route(far()).unwrap().metric.value(), 3);
    drain(&mut r);
    live(&mut r, 140, 140, &alive);
    assert_eq!(r.route(far()).unwrap().upstream, Upstream::Unreachable);
    assert_eq!(
        r.deadline(&RouterTimer::RouteHoldDown(far())),
        Some(secs(260))
    );
    // The flash update reports it at infinity.
    let flash = reported(&drain(&mut r), IF1, ALL_DVMRP_ROUTERS);
    assert_eq!(metric_of(&flash, far()), Some(32));
    live(&mut r, 141, 259, &alive);
    assert!(r.route(far()).is_some());
    live(&mut r, 260, 260, &alive);
    assert_eq!(r.route(far()), None);
}

#[test]
fn a_report_from_the_upstream_neighbor_refreshes_the_route() {
    let mut r = router();
    adjacency(&mut r, 0, IF1, N1, 5);
    packet(&mut r, 0, IF1, N1, &report(&[(FAR, 24, 2)]));
    packet(&mut r, 60, IF1, N1, &report(&[(FAR, 24, 2)]));
    assert_eq!(
        r.deadline(&RouterTimer::RouteExpiration(far())),
        Some(secs(200))
    );
}

#[test]
fn a_route_in_hold_down_takes_a_new_reachable_route() {
    let mut r = router();
    adjacency(&mut r, 0, IF1, N1, 5);
    adjacency(&mut r, 0, IF2, N2, 6);
    packet(&mut r, 0, IF1, N1, &report(&[(FAR, 24, 2)]));
    packet(&mut r, 1, IF1, N1, &report(&[(FAR, 24, 32)]));
    assert_eq!(r.route(far()).unwrap().upstream, Upstream::Unreachable);
    packet(&mut r, 2, IF2, N2, &report(&[(FAR, 24, 7)]));
    assert_eq!(
        r.route(far()).unwrap().upstream,
        Upstream::Neighbor(IF2, N2)
    );
    assert_eq!(r.deadline(&RouterTimer::RouteHoldDown(far())), None);
}

#[test]
fn the_whole_table_is_reported_every_route_report_interval() {
    let mut r = router();
    adjacency(&mut r, 0, IF1, N1, 5);
    assert_eq!(r.deadline(&RouterTimer::RouteReport), Some(secs(60)));
    live(&mut r, 1, 59, &[(IF1, N1, 5)]);
    drain(&mut r);
    live(&mut r, 60, 60, &[(IF1, N1, 5)]);
    let routes = reported(&drain(&mut r), IF1, ALL_DVMRP_ROUTERS);
    assert_eq!(routes.len(), 2);
    assert_eq!(r.deadline(&RouterTimer::RouteReport), Some(secs(120)));
}

#[test]
fn changed_routes_are_flashed_at_most_every_minimum_flash_update_interval() {
    let mut r = router();
    adjacency(&mut r, 0, IF1, N1, 5);
    adjacency(&mut r, 0, IF2, N2, 6);
    live(&mut r, 1, 19, &[(IF1, N1, 5), (IF2, N2, 6)]);
    drain(&mut r);
    packet(&mut r, 20, IF1, N1, &report(&[(FAR, 24, 2)]));
    let flash = reported(&drain(&mut r), IF2, ALL_DVMRP_ROUTERS);
    assert_eq!(flash.len(), 1, "only the changed route");
    assert_eq!(metric_of(&flash, far()), Some(3));
    packet(&mut r, 21, IF1, N1, &report(&[(FAR, 24, 4)]));
    assert!(reported(&drain(&mut r), IF2, ALL_DVMRP_ROUTERS).is_empty());
    assert_eq!(r.deadline(&RouterTimer::FlashUpdate), Some(secs(25)));
    advance(&mut r, 25);
    let flash = reported(&drain(&mut r), IF2, ALL_DVMRP_ROUTERS);
    assert_eq!(metric_of(&flash, far()), Some(5));
}

#[test]
fn reports_are_split_at_the_interface_mtu() {
    let mut r = Router::new(RouterConfig::new(1));
    r.add_interface(
        Duration::ZERO,
        IF1,
        InterfaceConfig::new(OURS1, 24).with_mtu(100),
    )
    .unwrap();
    adjacency(&mut r, 0, IF1, N1, 5);
    let routes: Vec<(Ipv4Addr, u8, u8)> = (0..50)
        .map(|i| (Ipv4Addr::new(172, 16, i, 0), 24, 1))
        .collect();
    packet(&mut r, 0, IF1, N1, &report(&routes));
    live(&mut r, 1, 59, &[(IF1, N1, 5)]);
    drain(&mut r);
    live(&mut r, 60, 60, &[(IF1, N1, 5)]);
    let sent: Vec<Transmit> = drain(&mut r)
        .into_iter()
        .filter(|t| matches!(parse(t).body, Body::Report(_)))
        .collect();
    assert!(sent.len() > 1);
    assert!(sent.iter().all(|t| t.payload.len() + 20 <= 100));
    assert_eq!(reported(&sent, IF1, ALL_DVMRP_ROUTERS).len(), 51);
}

// ----- Designated forwarder, children, dependents, leaves (§3.4) ---------------------------

#[test]
fn the_designated_forwarder_has_the_lowest_metric_then_the_lowest_address() {
    let mut r = router();
    adjacency(&mut r, 0, IF1, N1, 5);
    adjacency(&mut r, 0, IF2, N2, 6);
    packet(&mut r, 0, IF1, N1, &report(&[(FAR, 24, 2)])); // ours: 3
    assert_eq!(r.designated_forwarder(far(), IF2), Some(OURS2));
    assert_eq!(r.child_interfaces(far()), [IF2]);
    // A neighbor on IF2 at 3 with a higher address than ours (10.0.2.2 > 10.0.2.1): we stay.
    packet(&mut r, 1, IF2, N2, &report(&[(FAR, 24, 3)]));
    assert_eq!(r.designated_forwarder(far(), IF2), Some(OURS2));
    // At 2 it wins.
    packet(&mut r, 2, IF2, N2, &report(&[(FAR, 24, 2)]));
    assert_eq!(r.designated_forwarder(far(), IF2), Some(N2));
    assert!(r.child_interfaces(far()).is_empty());
    // The interface towards the source has no forwarder of ours.
    assert_eq!(r.designated_forwarder(far(), IF1), None);
}

#[test]
fn a_lower_address_wins_the_designated_forwarder_tie() {
    let mut r = Router::new(RouterConfig::new(1));
    r.add_interface(Duration::ZERO, IF1, InterfaceConfig::new(OURS1, 24))
        .unwrap();
    r.add_interface(
        Duration::ZERO,
        IF2,
        InterfaceConfig::new(Ipv4Addr::new(10, 0, 2, 9), 24),
    )
    .unwrap();
    adjacency(&mut r, 0, IF1, N1, 5);
    adjacency(&mut r, 0, IF2, N2, 6);
    packet(&mut r, 0, IF1, N1, &report(&[(FAR, 24, 2)]));
    packet(&mut r, 1, IF2, N2, &report(&[(FAR, 24, 3)]));
    assert_eq!(r.designated_forwarder(far(), IF2), Some(N2));
    // When the competitor goes, we are the forwarder again at once.
    packet(&mut r, 2, IF2, N2, &probe(6, &[]));
    assert_eq!(
        r.designated_forwarder(far(), IF2),
        Some(Ipv4Addr::new(10, 0, 2, 9))
    );
}

#[test]
fn a_leaf_network_gets_traffic_only_with_local_members() {
    let mut r = router();
    adjacency(&mut r, 0, IF1, N1, 5);
    packet(&mut r, 0, IF1, N1, &report(&[(FAR, 24, 2)]));
    r.handle_data(secs(1), IF1, FAR_HOST, GROUP);
    assert!(r.is_leaf(far(), IF2));
    assert!(r.forwarding(FAR_HOST, GROUP).unwrap().outgoing.is_empty());
    r.set_membership(secs(2), IF2, GROUP, true);
    let f = r.forwarding(FAR_HOST, GROUP).unwrap();
    assert_eq!(f.incoming, IF1);
    assert_eq!(f.outgoing.len(), 1);
    assert_eq!(f.outgoing[0].interface, IF2);
    assert_eq!(f.outgoing[0].threshold, 1);
    assert!(r.has_members(IF2, GROUP));
}

// ----- Forwarding cache (§3.5) -------------------------------------------------------------

#[test]
fn data_creates_an_entry_on_the_reverse_path_only() {
    let mut r = router();
    adjacency(&mut r, 0, IF1, N1, 5);
    packet(&mut r, 0, IF1, N1, &report(&[(FAR, 24, 2)]));
    events(&mut r);
    assert_eq!(
        r.handle_data(secs(1), IF2, FAR_HOST, GROUP),
        DataDisposition::WrongInterface
    );
    assert_eq!(
        r.handle_data(secs(1), IF1, Ipv4Addr::new(172, 31, 0, 1), GROUP),
        DataDisposition::NoRoute
    );
    assert_eq!(
        r.handle_data(secs(1), IF1, FAR_HOST, Ipv4Addr::new(224, 0, 0, 5)),
        DataDisposition::NotForwarded
    );
    assert_eq!(r.cache_len(), 0);
    assert_eq!(
        r.handle_data(secs(1), IF1, FAR_HOST, GROUP),
        DataDisposition::Accepted
    );
    assert_eq!(
        events(&mut r),
        [RouterEvent::ForwardingChanged(Forwarding {
            source: far(),
            group: GROUP,
            incoming: IF1,
            outgoing: vec![],
        })]
    );
    assert_eq!(r.stats().wrong_interface, 1);
    assert_eq!(r.stats().no_route, 1);
}

#[test]
fn local_sources_are_forwarded_to_dependents_and_never_pruned_upstream() {
    let mut r = router();
    adjacency(&mut r, 0, IF2, N2, 6);
    let local = net(OURS1, 24);
    packet(
        &mut r,
        0,
        IF2,
        N2,
        &report(&[(local.address(), 24, 2 + 32)]),
    );
    drain(&mut r);
    assert_eq!(
        r.handle_data(secs(1), IF1, Ipv4Addr::new(10, 0, 1, 77), GROUP),
        DataDisposition::Accepted
    );
    let f = r.forwarding(Ipv4Addr::new(10, 0, 1, 77), GROUP).unwrap();
    assert_eq!(f.source, local);
    assert_eq!(f.outgoing[0].interface, IF2);
    packet(&mut r, 2, IF2, N2, &prune(OURS1, GROUP, 100));
    assert!(
        r.forwarding(Ipv4Addr::new(10, 0, 1, 77), GROUP)
            .unwrap()
            .outgoing
            .is_empty()
    );
    assert!(
        drain(&mut r)
            .iter()
            .all(|t| !matches!(parse(t).body, Body::Prune(_)))
    );
}

#[test]
fn an_idle_entry_is_deleted_after_the_cache_lifetime() {
    let mut r = router();
    adjacency(&mut r, 0, IF1, N1, 5);
    packet(&mut r, 0, IF1, N1, &report(&[(FAR, 24, 2)]));
    r.set_membership(secs(0), IF2, GROUP, true);
    r.handle_data(secs(1), IF1, FAR_HOST, GROUP);
    events(&mut r);
    for t in (10..=300).step_by(10) {
        adjacency(&mut r, t, IF1, N1, 5);
        packet(&mut r, t, IF1, N1, &report(&[(FAR, 24, 2)]));
    }
    advance(&mut r, 301);
    assert_eq!(r.cache_len(), 0);
    assert!(events(&mut r).contains(&RouterEvent::ForwardingDeleted {
        source: far(),
        group: GROUP
    }));
}

#[test]
fn an_unreachable_route_deletes_its_entries() {
    let mut r = tree_router();
    packet(&mut r, 2, IF1, N1, &report(&[(FAR, 24, 32)]));
    assert_eq!(r.cache_len(), 0);
    assert_eq!(r.forwarding(FAR_HOST, GROUP), None);
    assert!(events(&mut r).contains(&RouterEvent::ForwardingDeleted {
        source: far(),
        group: GROUP
    }));
}

// ----- Prunes (§3.5) -----------------------------------------------------------------------

fn prunes(sent: &[Transmit]) -> Vec<(Ipv4Addr, u32, Option<Ipv4Addr>)> {
    sent.iter()
        .filter_map(|t| match parse(t).body {
            Body::Prune(p) => Some((t.destination, p.lifetime_seconds, p.netmask)),
            _ => None,
        })
        .collect()
}

fn grafts(sent: &[Transmit]) -> Vec<Ipv4Addr> {
    sent.iter()
        .filter(|t| matches!(parse(t).body, Body::Graft(_)))
        .map(|t| t.destination)
        .collect()
}

#[test]
fn an_entry_with_no_outgoing_interface_is_pruned_upstream_unicast() {
    let mut r = router();
    adjacency(&mut r, 0, IF1, N1, 5);
    packet(&mut r, 0, IF1, N1, &report(&[(FAR, 24, 2)]));
    drain(&mut r);
    r.handle_data(secs(1), IF1, FAR_HOST, GROUP);
    let sent = drain(&mut r);
    let p = prunes(&sent);
    assert_eq!(p.len(), 1);
    let (to, lifetime, mask) = p[0];
    assert_eq!(to, N1);
    assert!((5400..=7200).contains(&lifetime), "{lifetime}");
    assert_eq!(mask, Some(Ipv4Addr::new(255, 255, 255, 0)));
    assert_eq!(
        r.upstream_prune(far(), GROUP),
        Some(secs(1) + secs(u64::from(lifetime)))
    );
}

#[test]
fn the_prune_lifetime_is_never_longer_than_the_shortest_downstream_prune() {
    let mut r = tree_router();
    packet(&mut r, 10, IF2, N2, &prune(FAR_HOST, GROUP, 500));
    let p = prunes(&drain(&mut r));
    assert_eq!(p, [(N1, 500, Some(Ipv4Addr::new(255, 255, 255, 0)))]);
}

#[test]
fn a_received_prune_lifetime_is_capped_at_the_prune_lifetime() {
    let mut r = tree_router();
    packet(&mut r, 10, IF2, N2, &prune(FAR_HOST, GROUP, 0x8000_0000));
    let (_, _, expires) = r.downstream_prunes(far(), GROUP).next().unwrap();
    assert_eq!(expires, secs(10 + 7200));
}

#[test]
fn a_prune_from_a_router_that_is_not_a_dependent_is_ignored() {
    let mut r = tree_router();
    adjacency(&mut r, 2, IF2, N2B, 9);
    packet(&mut r, 3, IF2, N2B, &prune(FAR_HOST, GROUP, 500));
    assert_eq!(r.downstream_prunes(far(), GROUP).count(), 0);
    // Nor one for an entry that does not exist.
    packet(
        &mut r,
        3,
        IF2,
        N2,
        &prune(FAR_HOST, Ipv4Addr::new(239, 9, 9, 9), 500),
    );
    assert_eq!(r.stats().ignored, 2);
}

#[test]
fn a_prune_is_retransmitted_with_back_off_while_data_keeps_arriving() {
    let mut r = router();
    adjacency(&mut r, 0, IF1, N1, 5);
    packet(&mut r, 0, IF1, N1, &report(&[(FAR, 24, 2)]));
    r.handle_data(secs(1), IF1, FAR_HOST, GROUP);
    drain(&mut r);
    let mut sent_at = Vec::new();
    for t in 2..=40 {
        // Keep the neighbor and route alive while data still arrives every second.
        adjacency(&mut r, t, IF1, N1, 5);
        r.handle_data(secs(t), IF1, FAR_HOST, GROUP);
        if !prunes(&drain(&mut r)).is_empty() {
            sent_at.push(t);
        }
    }
    // 3 s, then 6 s, then 12 s after the first at 1.
    assert_eq!(sent_at, [4, 10, 22]);
}

#[test]
fn an_expired_upstream_prune_prunes_again_when_data_arrives() {
    let mut config = RouterConfig::new(0x1111);
    config.prune_lifetime = secs(40);
    let mut r = router_with(config);
    adjacency(&mut r, 0, IF1, N1, 5);
    packet(&mut r, 0, IF1, N1, &report(&[(FAR, 24, 2)]));
    r.handle_data(secs(1), IF1, FAR_HOST, GROUP);
    let first = prunes(&drain(&mut r));
    let lifetime = u64::from(first[0].1);
    assert!((30..=40).contains(&lifetime));
    for t in (10..=60).step_by(10) {
        adjacency(&mut r, t, IF1, N1, 5);
        packet(&mut r, t, IF1, N1, &report(&[(FAR, 24, 2)]));
    }
    advance(&mut r, 1 + lifetime);
    assert_eq!(r.upstream_prune(far(), GROUP), None);
    drain(&mut r);
    r.handle_data(secs(2 + lifetime), IF1, FAR_HOST, GROUP);
    assert_eq!(prunes(&drain(&mut r)).len(), 1);
}

#[test]
fn an_expired_downstream_prune_floods_again() {
    let mut r = tree_router();
    packet(&mut r, 10, IF2, N2, &prune(FAR_HOST, GROUP, 30));
    assert!(r.forwarding(FAR_HOST, GROUP).unwrap().outgoing.is_empty());
    events(&mut r);
    for t in (15..=40).step_by(5) {
        adjacency(&mut r, t, IF1, N1, 7);
        adjacency(&mut r, t, IF2, N2, 8);
        packet(&mut r, t, IF1, N1, &report(&[(FAR, 24, 2)]));
    }
    advance(&mut r, 40);
    assert_eq!(r.forwarding(FAR_HOST, GROUP).unwrap().outgoing.len(), 1);
    assert!(events(&mut r).iter().any(|e| matches!(
        e,
        RouterEvent::ForwardingChanged(f) if f.outgoing.len() == 1
    )));
}

// ----- Grafts (§3.6) -----------------------------------------------------------------------

#[test]
fn a_new_member_grafts_a_pruned_entry_and_retransmits_until_acknowledged() {
    let mut r = router();
    adjacency(&mut r, 0, IF1, N1, 5);
    packet(&mut r, 0, IF1, N1, &report(&[(FAR, 24, 2)]));
    r.handle_data(secs(1), IF1, FAR_HOST, GROUP);
    drain(&mut r);
    r.set_membership(secs(2), IF2, GROUP, true);
    assert_eq!(grafts(&drain(&mut r)), [N1]);
    assert!(r.graft_pending(far(), GROUP));
    assert_eq!(r.upstream_prune(far(), GROUP), None);
    let mut sent_at = Vec::new();
    for t in 3..=40 {
        adjacency(&mut r, t, IF1, N1, 5);
        advance(&mut r, t);
        if !grafts(&drain(&mut r)).is_empty() {
            sent_at.push(t);
        }
    }
    // 5 s, then 10 s, then 20 s.
    assert_eq!(sent_at, [7, 17, 37]);
    packet(&mut r, 40, IF1, N1, &graft_ack(FAR_HOST, GROUP));
    assert!(!r.graft_pending(far(), GROUP));
    assert_eq!(
        r.deadline(&RouterTimer::GraftRetransmission(far(), GROUP)),
        None
    );
}

#[test]
fn a_graft_is_acknowledged_and_removes_the_neighbors_prune() {
    let mut r = tree_router();
    packet(&mut r, 2, IF2, N2, &prune(FAR_HOST, GROUP, 600));
    drain(&mut r);
    packet(&mut r, 3, IF2, N2, &graft(FAR_HOST, GROUP));
    let sent = drain(&mut r);
    let ack = sent
        .iter()
        .find(|t| matches!(parse(t).body, Body::GraftAck(_)))
        .unwrap();
    assert_eq!(ack.destination, N2);
    assert_eq!(ack.interface, IF2);
    assert_eq!(r.downstream_prunes(far(), GROUP).count(), 0);
    assert_eq!(r.forwarding(FAR_HOST, GROUP).unwrap().outgoing.len(), 1);
    // We had pruned upstream when N2 pruned: the graft travels on.
    assert_eq!(grafts(&sent), [N1]);
    // A graft for an unknown entry is acknowledged too.
    packet(
        &mut r,
        4,
        IF2,
        N2,
        &graft(FAR_HOST, Ipv4Addr::new(239, 9, 9, 9)),
    );
    assert_eq!(r.stats().graft_acks_sent, 2);
}

#[test]
fn a_new_dependent_neighbor_grafts_a_pruned_entry() {
    let mut r = router();
    adjacency(&mut r, 0, IF1, N1, 5);
    adjacency(&mut r, 0, IF2, N2, 6);
    packet(&mut r, 0, IF1, N1, &report(&[(FAR, 24, 2)]));
    r.handle_data(secs(1), IF1, FAR_HOST, GROUP);
    drain(&mut r);
    assert!(r.upstream_prune(far(), GROUP).is_some());
    packet(&mut r, 2, IF2, N2, &report(&[(FAR, 24, 35)]));
    assert_eq!(grafts(&drain(&mut r)), [N1]);
}

#[test]
fn a_member_leaving_again_before_the_graft_ack_prunes_again() {
    let mut r = router();
    adjacency(&mut r, 0, IF1, N1, 5);
    packet(&mut r, 0, IF1, N1, &report(&[(FAR, 24, 2)]));
    r.handle_data(secs(1), IF1, FAR_HOST, GROUP);
    r.set_membership(secs(2), IF2, GROUP, true);
    drain(&mut r);
    r.set_membership(secs(3), IF2, GROUP, false);
    assert_eq!(prunes(&drain(&mut r)).len(), 1);
    assert!(!r.graft_pending(far(), GROUP));
}

// ----- Membership input, limits, counters --------------------------------------------------

#[test]
fn igmp_router_events_drive_membership() {
    use mcast_igmp::gmp::FilterMode;
    use mcast_igmp::router::RouterEvent as IgmpEvent;
    let mut r = router();
    r.handle_igmp_event(
        secs(1),
        IF2,
        &IgmpEvent::FilterModeChanged {
            group: GROUP,
            mode: Some(FilterMode::Exclude),
        },
    );
    assert!(r.has_members(IF2, GROUP));
    r.handle_igmp_event(
        secs(2),
        IF2,
        &IgmpEvent::FilterModeChanged {
            group: GROUP,
            mode: None,
        },
    );
    assert!(!r.has_members(IF2, GROUP));
}

#[test]
fn limits_hold_and_drops_are_counted() {
    let mut config = RouterConfig::new(1);
    config.limits = Limits {
        max_neighbors: 2,
        max_routes: 3,
        max_cache_entries: 1,
        max_memberships: 1,
    };
    let mut r = router_with(config);
    adjacency(&mut r, 0, IF1, N1, 5);
    adjacency(&mut r, 0, IF1, N1B, 5);
    adjacency(&mut r, 0, IF2, N2, 5);
    assert_eq!(r.neighbors().count(), 2);
    assert_eq!(r.stats().dropped_neighbors, 1);
    let routes: Vec<(Ipv4Addr, u8, u8)> = (0..10)
        .map(|i| (Ipv4Addr::new(172, 16, i, 0), 24, 1))
        .collect();
    packet(&mut r, 0, IF1, N1, &report(&routes));
    assert_eq!(r.routes().count(), 2 + 3);
    assert_eq!(r.stats().dropped_routes, 7);
    assert_eq!(
        r.handle_data(secs(1), IF1, Ipv4Addr::new(172, 16, 0, 1), GROUP),
        DataDisposition::Accepted
    );
    assert_eq!(
        r.handle_data(secs(1), IF1, Ipv4Addr::new(172, 16, 1, 1), GROUP),
        DataDisposition::CacheFull
    );
    assert_eq!(r.stats().dropped_cache_entries, 1);
    r.set_membership(secs(1), IF2, GROUP, true);
    r.set_membership(secs(1), IF2, Ipv4Addr::new(239, 2, 2, 2), true);
    assert_eq!(r.stats().dropped_memberships, 1);
}

#[test]
fn malformed_packets_are_refused_counted_and_change_nothing() {
    let mut r = router();
    let mut bytes = probe(5, &[OURS1]);
    bytes[2] ^= 0xFF;
    assert!(
        r.handle_packet(secs(1), IF1, N1, ALL_DVMRP_ROUTERS, &bytes)
            .is_err()
    );
    assert!(
        r.handle_packet(secs(1), IF1, N1, ALL_DVMRP_ROUTERS, &[0x13])
            .is_err()
    );
    assert_eq!(r.stats().malformed, 2);
    assert_eq!(r.neighbors().count(), 0);
}

#[test]
fn messages_to_a_wrong_destination_or_from_this_router_are_ignored() {
    let mut r = router();
    r.handle_packet(
        secs(1),
        IF1,
        N1,
        Ipv4Addr::new(10, 0, 1, 200),
        &probe(5, &[OURS1]),
    )
    .unwrap();
    r.handle_packet(secs(1), IF1, OURS1, ALL_DVMRP_ROUTERS, &probe(5, &[]))
        .unwrap();
    r.handle_packet(secs(1), IF3, N1, ALL_DVMRP_ROUTERS, &probe(5, &[]))
        .unwrap();
    assert_eq!(r.neighbors().count(), 0);
    assert_eq!(r.stats().ignored, 3);
}

#[test]
fn interfaces_are_checked_when_added_and_removal_takes_their_state() {
    let mut r = router();
    assert!(
        r.add_interface(secs(0), IF1, InterfaceConfig::new(OURS3, 24))
            .is_err()
    );
    assert!(
        r.add_interface(secs(0), IF3, InterfaceConfig::new(OURS3, 24).with_metric(0))
            .is_err()
    );
    assert!(
        r.add_interface(secs(0), IF3, InterfaceConfig::new(OURS3, 4))
            .is_err()
    );
    r.add_interface(secs(0), IF3, InterfaceConfig::new(OURS3, 24))
        .unwrap();
    adjacency(&mut r, 0, IF3, Ipv4Addr::new(10, 0, 3, 2), 5);
    packet(
        &mut r,
        0,
        IF3,
        Ipv4Addr::new(10, 0, 3, 2),
        &report(&[(FAR, 24, 1)]),
    );
    events(&mut r);
    r.remove_interface(secs(1), IF3);
    assert_eq!(r.neighbors().count(), 0);
    assert_eq!(r.route(far()).unwrap().upstream, Upstream::Unreachable);
    assert_eq!(
        r.route(net(OURS3, 24)).unwrap().upstream,
        Upstream::Unreachable
    );
    assert_eq!(r.deadline(&RouterTimer::Probe(IF3)), None);
}

#[test]
fn a_neighbor_without_the_prune_capability_is_never_sent_prunes_or_grafts() {
    let mut r = router();
    let no_prune = Message {
        header: Header {
            reserved: 0,
            capabilities: Capabilities::GENID,
            version: Version::VERSION_3,
        },
        body: Body::Probe(Probe {
            generation_id: 5,
            neighbors: &[OURS1.octets()],
        }),
    };
    let mut bytes = vec![0; no_prune.buffer_len()];
    no_prune.emit(&mut bytes).unwrap();
    packet(&mut r, 0, IF1, N1, &bytes);
    packet(&mut r, 0, IF1, N1, &report(&[(FAR, 24, 2)]));
    drain(&mut r);
    r.handle_data(secs(1), IF1, FAR_HOST, GROUP);
    r.handle_data(secs(5), IF1, FAR_HOST, GROUP);
    r.set_membership(secs(6), IF2, GROUP, true);
    let sent = drain(&mut r);
    assert!(prunes(&sent).is_empty());
    assert!(grafts(&sent).is_empty());
}

#[test]
fn a_prune_with_a_netmask_names_its_entry_and_one_without_takes_the_longest_match() {
    let mut r = tree_router();
    let with_mask = emit(Body::Prune(Prune {
        source: FAR,
        group: GROUP,
        lifetime_seconds: 100,
        netmask: Some(Ipv4Addr::new(255, 255, 255, 0)),
        trailing: &[],
    }));
    packet(&mut r, 2, IF2, N2, &with_mask);
    assert_eq!(r.downstream_prunes(far(), GROUP).count(), 1);
    packet(&mut r, 3, IF2, N2, &graft(FAR_HOST, GROUP));
    assert_eq!(r.downstream_prunes(far(), GROUP).count(), 0);
    // A netmask naming no entry falls back to the longest entry containing the source.
    let other_mask = emit(Body::Prune(Prune {
        source: FAR_HOST,
        group: GROUP,
        lifetime_seconds: 100,
        netmask: Some(Ipv4Addr::new(255, 255, 0, 0)),
        trailing: &[],
    }));
    packet(&mut r, 4, IF2, N2, &other_mask);
    assert_eq!(r.downstream_prunes(far(), GROUP).count(), 1);
}

#[test]
fn an_outgoing_interface_carries_its_ttl_threshold() {
    let mut r = Router::new(RouterConfig::new(1));
    r.add_interface(Duration::ZERO, IF1, InterfaceConfig::new(OURS1, 24))
        .unwrap();
    r.add_interface(
        Duration::ZERO,
        IF2,
        InterfaceConfig::new(OURS2, 24).with_threshold(64),
    )
    .unwrap();
    adjacency(&mut r, 0, IF1, N1, 5);
    packet(&mut r, 0, IF1, N1, &report(&[(FAR, 24, 2)]));
    r.set_membership(secs(0), IF2, GROUP, true);
    r.handle_data(secs(1), IF1, FAR_HOST, GROUP);
    let f = r.forwarding(FAR_HOST, GROUP).unwrap();
    assert_eq!(f.outgoing[0].threshold, 64);
    assert_eq!(r.interface(IF2).unwrap().threshold, 64);
}

#[test]
fn a_graft_ack_from_another_router_does_not_stop_the_retransmissions() {
    let mut r = router();
    adjacency(&mut r, 0, IF1, N1, 5);
    adjacency(&mut r, 0, IF1, N1B, 6);
    packet(&mut r, 0, IF1, N1, &report(&[(FAR, 24, 2)]));
    r.handle_data(secs(1), IF1, FAR_HOST, GROUP);
    r.set_membership(secs(2), IF2, GROUP, true);
    packet(&mut r, 3, IF1, N1B, &graft_ack(FAR_HOST, GROUP));
    assert!(r.graft_pending(far(), GROUP));
    packet(&mut r, 3, IF1, N1, &graft_ack(FAR_HOST, GROUP));
    assert!(!r.graft_pending(far(), GROUP));
}

#[test]
fn the_last_dependent_going_away_prunes_the_entry() {
    let mut r = tree_router();
    assert_eq!(r.forwarding(FAR_HOST, GROUP).unwrap().outgoing.len(), 1);
    // N2 stops depending on us (it found another way).
    packet(&mut r, 2, IF2, N2, &report(&[(FAR, 24, 1)]));
    assert!(r.forwarding(FAR_HOST, GROUP).unwrap().outgoing.is_empty());
    assert_eq!(prunes(&drain(&mut r)).len(), 1);
}

#[test]
fn handle_timeout_with_nothing_due_changes_nothing() {
    let mut r = tree_router();
    let before = r.timer_count();
    r.handle_timeout(secs(2));
    assert!(drain(&mut r).is_empty());
    assert!(events(&mut r).is_empty());
    assert_eq!(r.timer_count(), before);
}

#[test]
fn ask_neighbors_2_is_answered_with_every_interface_and_its_neighbors() {
    let mut r = router();
    adjacency(&mut r, 0, IF1, N1, 5);
    adjacency(&mut r, 0, IF1, N1B, 6);
    drain(&mut r);
    let asker = Ipv4Addr::new(192, 0, 2, 50);
    let ask = emit(Body::AskNeighbors2 { trailing: &[] });
    r.handle_packet(secs(1), IF2, asker, OURS1, &ask).unwrap();
    let sent = drain(&mut r);
    assert_eq!(sent.len(), 1);
    assert_eq!((sent[0].destination, sent[0].source), (asker, OURS2));
    let Body::Neighbors2(list) = parse(&sent[0]).body else {
        panic!()
    };
    let interfaces: Vec<_> = list.interfaces().collect();
    assert_eq!(interfaces.len(), 2);
    assert_eq!(interfaces[0].local_address, OURS1);
    assert_eq!(
        interfaces[0].neighbor_addresses().collect::<Vec<_>>(),
        [N1, N1B]
    );
    assert_eq!(interfaces[1].local_address, OURS2);
    assert!(
        interfaces[1]
            .flags
            .contains(mcast_dvmrp::wire::InterfaceFlags::LEAF)
    );
    assert_eq!((interfaces[1].metric, interfaces[1].threshold), (1, 1));
}

#[test]
fn an_info_request_is_answered_with_the_version() {
    let mut r = router();
    let mut buffer = [0u8; 8];
    let request = mcast_dvmrp::wire::Info::encode(
        &[mcast_dvmrp::wire::InfoItem::new(
            mcast_dvmrp::wire::InfoType::VERSION,
            &[],
        )],
        &mut buffer,
    )
    .unwrap();
    let asker = Ipv4Addr::new(192, 0, 2, 50);
    r.handle_packet(
        secs(1),
        IF1,
        asker,
        OURS1,
        &emit(Body::InfoRequest(request)),
    )
    .unwrap();
    let sent = drain(&mut r);
    assert_eq!(sent[0].destination, asker);
    let Body::InfoReply(reply) = parse(&sent[0]).body else {
        panic!()
    };
    let item = reply.items().next().unwrap();
    assert_eq!(
        item.version_string(),
        Some(mcast_dvmrp::router::VERSION_STRING)
    );
}

// ----- Networks of routers wired through their bytes ---------------------------------------

/// Routers on LANs: every transmission reaches the routers on the sender's LAN it is addressed
/// to, through `handle_packet`; data is carried as the forwarding entries say.
struct Net {
    now: Duration,
    routers: Vec<Router<Duration>>,
    /// (router, interface, LAN, address).
    attachments: Vec<(usize, InterfaceId, usize, Ipv4Addr)>,
    /// What each router's forwarding plane holds, built from its events alone.
    planes: Vec<BTreeMap<(SourceNetwork, Ipv4Addr), Forwarding>>,
    transmissions: usize,
    /// Every message sent: (time, router, bytes).
    log: Vec<(Duration, usize, Vec<u8>)>,
}

impl Net {
    fn new(count: usize) -> Self {
        Self {
            now: Duration::ZERO,
            routers: (0..count)
                .map(|i| Router::new(RouterConfig::new(0x100 + i as u32)))
                .collect(),
            attachments: Vec::new(),
            planes: vec![BTreeMap::new(); count],
            transmissions: 0,
            log: Vec::new(),
        }
    }

    /// Attaches router `r` to LAN `lan` (10.0.lan.0/24) as 10.0.lan.`host`.
    fn attach(&mut self, r: usize, lan: u8, host: u8) -> InterfaceId {
        let interface = InterfaceId(u32::from(lan));
        let address = Ipv4Addr::new(10, 0, lan, host);
        self.routers[r]
            .add_interface(self.now, interface, InterfaceConfig::new(address, 24))
            .unwrap();
        self.attachments
            .push((r, interface, usize::from(lan), address));
        interface
    }

    fn lan_of(&self, r: usize, interface: InterfaceId) -> usize {
        self.attachments
            .iter()
            .find(|a| a.0 == r && a.1 == interface)
            .unwrap()
            .2
    }

    /// Delivers every queued message until none is left; checks the planes.
    fn deliver(&mut self) {
        loop {
            let mut queued = Vec::new();
            for (i, r) in self.routers.iter_mut().enumerate() {
                while let Some(t) = r.poll_transmit() {
                    queued.push((i, t));
                }
            }
            if queued.is_empty() {
                break;
            }
            for (from, t) in queued {
                self.transmissions += 1;
                self.log.push((self.now, from, t.payload.clone()));
                let lan = self.lan_of(from, t.interface);
                let targets: Vec<_> = self
                    .attachments
                    .iter()
                    .filter(|a| a.2 == lan && a.0 != from)
                    .filter(|a| t.destination == ALL_DVMRP_ROUTERS || t.destination == a.3)
                    .map(|a| (a.0, a.1))
                    .collect();
                for (to, interface) in targets {
                    self.routers[to]
                        .handle_packet(self.now, interface, t.source, t.destination, &t.payload)
                        .unwrap();
                }
            }
        }
        self.check_planes();
    }

    /// The forwarding events tell each plane exactly what the router answers.
    fn check_planes(&mut self) {
        for (i, r) in self.routers.iter_mut().enumerate() {
            while let Some(event) = r.poll_event() {
                match event {
                    RouterEvent::ForwardingChanged(f) => {
                        self.planes[i].insert((f.source, f.group), f);
                    }
                    RouterEvent::ForwardingDeleted { source, group } => {
                        assert!(self.planes[i].remove(&(source, group)).is_some());
                    }
                    _ => {}
                }
            }
            let now: Vec<Forwarding> = r.forwarding_entries().collect();
            let plane: Vec<Forwarding> = self.planes[i].values().cloned().collect();
            assert_eq!(now, plane, "router {i}: events and state disagree");
        }
    }

    fn run_until(&mut self, until: Duration) {
        self.deliver();
        loop {
            let next = self.routers.iter().filter_map(Router::poll_timeout).min();
            match next {
                Some(t) if t <= until => {
                    self.now = t;
                    for r in &mut self.routers {
                        r.handle_timeout(t);
                        assert!(r.poll_timeout().is_none_or(|d| d > t));
                    }
                    self.deliver();
                }
                _ => break,
            }
        }
        self.now = until;
    }

    fn run_for(&mut self, duration: Duration) {
        self.run_until(self.now + duration);
    }

    /// A packet sent by a host on `lan` from `source` to `group`, carried as the routers'
    /// forwarding entries say; returns how many copies each LAN saw.
    fn send_data(
        &mut self,
        lan: usize,
        source: Ipv4Addr,
        group: Ipv4Addr,
    ) -> BTreeMap<usize, usize> {
        let mut copies = BTreeMap::from([(lan, 1)]);
        let mut queue = VecDeque::from([(lan, None)]);
        while let Some((lan, from)) = queue.pop_front() {
            let receivers: Vec<_> = self
                .attachments
                .iter()
                .filter(|a| a.2 == lan && Some(a.0) != from)
                .map(|a| (a.0, a.1))
                .collect();
            for (r, interface) in receivers {
                if self.routers[r].handle_data(self.now, interface, source, group)
                    != DataDisposition::Accepted
                {
                    continue;
                }
                let f = self.routers[r].forwarding(source, group).unwrap();
                assert_eq!(f.incoming, interface);
                for oif in f.outgoing {
                    let out = self.lan_of(r, oif.interface);
                    let n = copies.entry(out).or_insert(0);
                    *n += 1;
                    assert!(*n < 10, "a forwarding loop");
                    queue.push_back((out, Some(r)));
                }
            }
        }
        self.deliver();
        copies
    }

    fn member(&mut self, r: usize, lan: u8, group: Ipv4Addr, present: bool) {
        self.routers[r].set_membership(self.now, InterfaceId(u32::from(lan)), group, present);
        self.deliver();
    }
}

const SOURCE: Ipv4Addr = Ipv4Addr::new(10, 0, 1, 100);

/// R0 on the source LAN 1 and LAN 2; R1 and R2 on LAN 2 and the shared LAN 3 (both at metric
/// 2 from the source, R1 with the lower address there); R2 also on LAN 4 with R3, which alone
/// serves LAN 5.
fn tree() -> Net {
    let mut n = Net::new(4);
    n.attach(0, 1, 1);
    n.attach(0, 2, 1);
    n.attach(1, 2, 2);
    n.attach(1, 3, 2);
    n.attach(2, 2, 3);
    n.attach(2, 3, 3);
    n.attach(2, 4, 3);
    n.attach(3, 4, 4);
    n.attach(3, 5, 4);
    // Adjacencies come up, reports flow.
    n.run_for(secs(70));
    n
}

fn source_net() -> SourceNetwork {
    net(SOURCE, 24)
}

#[test]
fn routes_converge_with_dependents_and_forwarders_on_every_link() {
    let n = tree();
    for r in &n.routers {
        assert!(r.neighbors().all(|nb| nb.two_way));
    }
    assert_eq!(n.routers[0].route(source_net()).unwrap().metric.value(), 1);
    assert_eq!(
        n.routers[1].route(source_net()).unwrap().upstream,
        Upstream::Neighbor(InterfaceId(2), Ipv4Addr::new(10, 0, 2, 1))
    );
    assert_eq!(n.routers[3].route(source_net()).unwrap().metric.value(), 3);
    assert_eq!(
        n.routers[0]
            .dependent_neighbors(source_net(), InterfaceId(2))
            .collect::<Vec<_>>(),
        [Ipv4Addr::new(10, 0, 2, 2), Ipv4Addr::new(10, 0, 2, 3)]
    );
    // The shared LAN 3: R1 (10.0.3.2) and R2 (10.0.3.3) tie at 2; the lower address forwards.
    for r in [1, 2] {
        assert_eq!(
            n.routers[r].designated_forwarder(source_net(), InterfaceId(3)),
            Some(Ipv4Addr::new(10, 0, 3, 2))
        );
    }
    assert!(n.routers[1].is_leaf(source_net(), InterfaceId(3)));
    assert_eq!(
        n.routers[2].child_interfaces(source_net()),
        [InterfaceId(4)]
    );
    assert!(n.routers[3].is_leaf(source_net(), InterfaceId(5)));
    // Every route of every router is known everywhere, none unreachable.
    for r in &n.routers {
        assert_eq!(r.routes().count(), 5);
        assert!(r.routes().all(|route| route.metric.is_reachable()));
    }
}

#[test]
fn on_a_shared_lan_at_equal_metric_the_lower_address_forwards_and_the_other_never_duplicates() {
    let mut n = tree();
    // A host on LAN 3 joins: both routers there hear it.
    n.member(1, 3, GROUP, true);
    n.member(2, 3, GROUP, true);
    for _ in 0..5 {
        let copies = n.send_data(1, SOURCE, GROUP);
        assert_eq!(copies.get(&3), Some(&1), "{copies:?}");
        n.run_for(secs(1));
    }
    let f = n.routers[2].forwarding(SOURCE, GROUP).unwrap();
    assert!(f.outgoing.iter().all(|o| o.interface != InterfaceId(3)));
}

#[test]
fn a_leafs_prune_climbs_the_tree_and_a_late_member_grafts_back() {
    let mut n = tree();
    let copies = n.send_data(1, SOURCE, GROUP);
    // The first packet floods the tree down to the last router with dependents.
    assert_eq!(copies.get(&2), Some(&1));
    assert_eq!(copies.get(&4), Some(&1));
    assert_eq!(copies.get(&3), None);
    assert_eq!(copies.get(&5), None);
    // R3's prune (no member on LAN 5) reached R2, whose entry then emptied and pruned R0; R1
    // pruned R0 at once (a leaf network without members). R0 has nowhere left to send.
    assert!(n.routers[3].upstream_prune(source_net(), GROUP).is_some());
    assert!(n.routers[2].upstream_prune(source_net(), GROUP).is_some());
    assert!(n.routers[1].upstream_prune(source_net(), GROUP).is_some());
    let r0 = n.routers[0].forwarding(SOURCE, GROUP).unwrap();
    assert!(r0.outgoing.is_empty());
    assert_eq!(
        n.routers[0].downstream_prunes(source_net(), GROUP).count(),
        2
    );
    n.run_for(secs(1));
    let copies = n.send_data(1, SOURCE, GROUP);
    assert_eq!(copies.keys().copied().collect::<Vec<_>>(), [1]);

    // Minutes later a host joins on LAN 5: R3 grafts R2, which grafts R0.
    n.run_for(secs(600));
    n.member(3, 5, GROUP, true);
    for r in 0..4 {
        assert!(
            !n.routers[r].graft_pending(source_net(), GROUP),
            "router {r}"
        );
    }
    let copies = n.send_data(1, SOURCE, GROUP);
    assert_eq!(copies.get(&5), Some(&1), "{copies:?}");
    assert_eq!(copies.get(&3), None, "R1 stays pruned");
    // The prune state kept the entries alive past the cache lifetime.
    n.run_for(secs(10));
    let copies = n.send_data(1, SOURCE, GROUP);
    assert_eq!(copies.get(&5), Some(&1));
}

#[test]
fn a_lost_link_moves_the_tree_and_the_other_router_takes_over_the_shared_lan() {
    let mut n = tree();
    n.member(1, 3, GROUP, true);
    n.member(2, 3, GROUP, true);
    assert_eq!(n.send_data(1, SOURCE, GROUP).get(&3), Some(&1));
    // R1 loses LAN 2, its way to the source; it now reaches the source through R2 on LAN 3,
    // which becomes the forwarder there.
    n.routers[1].remove_interface(n.now, InterfaceId(2));
    n.attachments
        .retain(|a| !(a.0 == 1 && a.1 == InterfaceId(2)));
    n.run_for(secs(70));
    assert_eq!(
        n.routers[1].route(source_net()).unwrap().upstream,
        Upstream::Neighbor(InterfaceId(3), Ipv4Addr::new(10, 0, 3, 3))
    );
    assert_eq!(
        n.routers[2].designated_forwarder(source_net(), InterfaceId(3)),
        Some(Ipv4Addr::new(10, 0, 3, 3))
    );
    for _ in 0..3 {
        assert_eq!(n.send_data(1, SOURCE, GROUP).get(&3), Some(&1));
        n.run_for(secs(1));
    }
}

#[test]
fn a_restarted_router_relearns_everything_and_nothing_stays_pruned_towards_it() {
    let mut n = tree();
    n.send_data(1, SOURCE, GROUP);
    assert_eq!(
        n.routers[0].downstream_prunes(source_net(), GROUP).count(),
        2
    );
    // R1 restarts with a new Generation ID and no state.
    n.routers[1] = Router::new(RouterConfig::new(0xBEEF));
    for (lan, host) in [(2u8, 2u8), (3, 2)] {
        n.routers[1]
            .add_interface(
                n.now,
                InterfaceId(u32::from(lan)),
                InterfaceConfig::new(Ipv4Addr::new(10, 0, lan, host), 24),
            )
            .unwrap();
    }
    n.planes[1].clear();
    n.deliver();
    assert_eq!(
        n.routers[0].downstream_prunes(source_net(), GROUP).count(),
        1
    );
    n.run_for(secs(30));
    assert_eq!(n.routers[1].routes().count(), 5);
    assert!(n.routers[1].neighbors().all(|nb| nb.two_way));
}

#[test]
fn timers_never_leave_a_deadline_due_and_the_network_is_quiet_between_reports() {
    let mut n = tree();
    let before = n.transmissions;
    n.run_for(secs(600));
    // Probes every 10 s per interface and reports every 60 s: nothing else.
    let interfaces = n.attachments.len();
    let probes = interfaces * 60;
    assert!(
        n.transmissions - before <= probes + interfaces * 10 * 2,
        "{}",
        n.transmissions - before
    );
}

#[test]
fn the_same_inputs_give_the_same_bytes() {
    let run = || {
        let mut n = tree();
        n.member(3, 5, GROUP, true);
        n.send_data(1, SOURCE, GROUP);
        n.run_for(secs(200));
        n.send_data(1, SOURCE, GROUP);
        n.log
    };
    let first = run();
    assert!(first.len() > 100);
    assert_eq!(first, run());
}

/// A random network: 3 to 6 routers on 3 to 6 LANs, interface metrics 1 to 3, connected.
fn random_network(seed: u64) -> Option<(Net, Vec<usize>)> {
    let mut state = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    let mut next = move |n: u64| {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state % n
    };
    let routers = 3 + next(4) as usize;
    let lans = 3 + next(4) as u8;
    let mut network = Net::new(routers);
    let mut links: Vec<(usize, u8)> = Vec::new();
    for r in 0..routers {
        for _ in 0..=next(3) {
            let lan = 1 + next(u64::from(lans)) as u8;
            if !links.contains(&(r, lan)) {
                links.push((r, lan));
            }
        }
    }
    // Connected, with a router on LAN 1 (the source's).
    let mut reached = vec![0usize];
    let mut changed = true;
    while changed {
        changed = false;
        for &(r, lan) in &links {
            let shares = links.iter().any(|&(o, l)| l == lan && reached.contains(&o));
            if shares && !reached.contains(&r) {
                reached.push(r);
                changed = true;
            }
        }
    }
    if reached.len() != routers || !links.iter().any(|l| l.1 == 1) {
        return None;
    }
    for &(r, lan) in &links {
        let interface = InterfaceId(u32::from(lan));
        let address = Ipv4Addr::new(10, 0, lan, r as u8 + 1);
        let metric = 1 + next(3) as u8;
        network.routers[r]
            .add_interface(
                network.now,
                interface,
                InterfaceConfig::new(address, 24).with_metric(metric),
            )
            .unwrap();
        network
            .attachments
            .push((r, interface, usize::from(lan), address));
    }
    let mut used: Vec<usize> = links.iter().map(|l| usize::from(l.1)).collect();
    used.sort_unstable();
    used.dedup();
    network.run_for(secs(200));
    Some((network, used))
}

#[test]
fn in_random_networks_every_lan_with_members_gets_exactly_one_copy() {
    let mut tried = 0;
    for seed in 0..400 {
        let Some((mut n, lans)) = random_network(seed) else {
            continue;
        };
        tried += 1;
        // A host on every LAN joins; every router there hears it.
        for &(r, interface, _, _) in &n.attachments.clone() {
            n.routers[r].set_membership(n.now, interface, GROUP, true);
        }
        n.deliver();
        for round in 0..3 {
            let copies = n.send_data(1, SOURCE, GROUP);
            for lan in &lans {
                assert_eq!(
                    copies.get(lan),
                    Some(&1),
                    "seed {seed} round {round}: {copies:?}"
                );
            }
            n.run_for(secs(1));
        }
    }
    assert!(tried > 50, "{tried} networks");
}

#[test]
fn in_random_networks_prunes_leave_traffic_only_on_the_way_to_the_one_member() {
    let mut tried = 0;
    for seed in 0..400 {
        let Some((mut n, lans)) = random_network(seed) else {
            continue;
        };
        tried += 1;
        let member_lan = *lans.last().unwrap();
        let on_it: Vec<(usize, InterfaceId)> = n
            .attachments
            .iter()
            .filter(|a| a.2 == member_lan)
            .map(|a| (a.0, a.1))
            .collect();
        for (r, interface) in on_it {
            n.routers[r].set_membership(n.now, interface, GROUP, true);
        }
        n.deliver();
        n.send_data(1, SOURCE, GROUP);
        // Prunes climb (one hop per delivery round); a few packets later the tree is minimal.
        for _ in 0..3 {
            n.run_for(secs(4));
            n.send_data(1, SOURCE, GROUP);
        }
        let copies = n.send_data(1, SOURCE, GROUP);
        assert_eq!(copies.get(&member_lan), Some(&1), "seed {seed}: {copies:?}");
        // Every LAN that carried the packet leads to the member: at most the path's LANs.
        assert!(copies.values().all(|&c| c == 1), "seed {seed}: {copies:?}");
        // Every LAN the packet crossed, the source's and the member's aside, leads on: a router
        // there takes it in and sends it further. No member-less dead end survives the prunes.
        for lan in copies.keys() {
            if *lan == 1 || *lan == member_lan {
                continue;
            }
            let routers_there: Vec<usize> = n
                .attachments
                .iter()
                .filter(|a| a.2 == *lan)
                .map(|a| a.0)
                .collect();
            let forwards_on = routers_there.iter().any(|&r| {
                n.routers[r].forwarding(SOURCE, GROUP).is_some_and(|f| {
                    f.incoming == InterfaceId(*lan as u32) && !f.outgoing.is_empty()
                })
            });
            assert!(
                forwards_on,
                "seed {seed}: LAN {lan} carries traffic to no one"
            );
        }
    }
    assert!(tried > 50, "{tried} networks");
}
