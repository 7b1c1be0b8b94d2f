//! The router over IPv6 (RFC 7761 is written for both families): link-local Hellos to ff02::d,
//! an embedded-RP group (RFC 3956) joined without any RP configured, and an SSM group (ff3x::/32).

mod common;

use std::net::Ipv6Addr;
use std::time::Duration;

use common::TestRng;
use mcast_addr::family::Ipv6;
use mcast_pim::router::{
    Event, InterfaceConfig, LocalMembership, MribRoute, Prefix, Router, RouterConfig,
};
use mcast_pim::wire::{Message, SourceTree};

type Pim = Router<Ipv6, Duration, TestRng>;

fn v6(s: &str) -> Ipv6Addr {
    s.parse().unwrap()
}

/// Two routers on the link 2001:db8:beef:feed::/64: `rp` (::7, the RP the group embeds) and
/// `last` (::2) with receivers on 2001:db8:1::/64 (its interface 2).
fn pair(seed: u64) -> (Pim, Pim, Duration) {
    let now = Duration::ZERO;
    let mut rp = Pim::new(RouterConfig::default(), TestRng(seed));
    rp.add_interface(
        now,
        1,
        v6("2001:db8:beef:feed::7"),
        64,
        InterfaceConfig::default(),
    );
    rp.interface_up(now, 1);
    let mut last = Pim::new(RouterConfig::default(), TestRng(seed + 1));
    last.add_interface(
        now,
        1,
        v6("2001:db8:beef:feed::2"),
        64,
        InterfaceConfig::default(),
    );
    last.add_interface(now, 2, v6("2001:db8:1::1"), 64, InterfaceConfig::default());
    last.interface_up(now, 1);
    last.interface_up(now, 2);
    let mut now = now;
    run(&mut rp, &mut last, &mut now, Duration::from_secs(6));
    (rp, last, now)
}

fn deliver(from: &mut Pim, to: &mut Pim, now: Duration) {
    while let Some(t) = from.poll_transmit() {
        assert!(t.parse().is_ok());
        if t.interface == Some(1) {
            to.handle_packet(now, 1, t.source, t.destination, &t.payload);
        }
    }
}

fn run(a: &mut Pim, b: &mut Pim, now: &mut Duration, until: Duration) {
    deliver(a, b, *now);
    deliver(b, a, *now);
    while let Some(t) = [a.poll_timeout(), b.poll_timeout()]
        .into_iter()
        .flatten()
        .min()
    {
        if t > until {
            break;
        }
        *now = t;
        a.handle_timeout(t);
        b.handle_timeout(t);
        deliver(a, b, t);
        deliver(b, a, t);
    }
    *now = until;
}

#[test]
fn hellos_go_to_all_pim_routers_ff02_d() {
    let now = Duration::ZERO;
    let mut r = Pim::new(RouterConfig::default(), TestRng(1));
    r.add_interface(now, 1, v6("fe80::1"), 64, InterfaceConfig::default());
    r.interface_up(now, 1);
    r.handle_timeout(Duration::from_secs(5));
    let t = r.poll_transmit().unwrap();
    assert_eq!(t.destination, v6("ff02::d"));
    assert_eq!(t.ttl, 1);
    assert!(matches!(t.parse().unwrap().message, Message::Hello(_)));
}

#[test]
fn embedded_rp_group_is_joined_towards_the_rp_it_names() {
    for seed in 0..8 {
        let (mut rp, mut last, mut now) = pair(seed * 31);
        assert_eq!(last.neighbors(1).count(), 1);
        let group = v6("ff7e:740:2001:db8:beef:feed::1234");
        assert_eq!(last.rp(group), Some(v6("2001:db8:beef:feed::7")));
        last.set_local_membership(now, 2, group, LocalMembership::Exclude(vec![]));
        run(&mut rp, &mut last, &mut now, Duration::from_secs(7));
        assert_eq!(rp.route(group, None).map(|r| r.oifs.clone()), Some(vec![1]));
        assert_eq!(
            rp.route(group, None).and_then(|r| r.iif),
            None,
            "the RP itself"
        );
        assert_eq!(
            last.route(group, None).map(|r| (r.iif, r.oifs.clone())),
            Some((Some(1), vec![2]))
        );
        run(&mut rp, &mut last, &mut now, Duration::from_secs(400));
        assert_eq!(rp.route(group, None).map(|r| r.oifs.clone()), Some(vec![1]));
    }
}

#[test]
fn ssm_group_joins_the_source_tree_only() {
    let (mut rp, mut last, mut now) = pair(99);
    let group = v6("ff3e::8000:1");
    let source = v6("2001:db8:9::10");
    last.add_route(
        now,
        Prefix::new(v6("2001:db8:9::"), 48),
        MribRoute {
            interface: 1,
            next_hop: Some(v6("2001:db8:beef:feed::7")),
            preference: 110,
            metric: 1,
        },
    );
    last.set_local_membership(now, 2, group, LocalMembership::Exclude(vec![]));
    assert!(last.poll_transmit().is_none(), "no (*,G) in the SSM range");
    last.set_local_membership(now, 2, group, LocalMembership::Include(vec![source]));
    let t = last.poll_transmit().unwrap();
    let Message::JoinPrune(jp) = t.parse().unwrap().message else {
        panic!("a Join/Prune")
    };
    let set = jp.groups().next().unwrap();
    let e = set.joined.iter().next().unwrap();
    assert_eq!(
        (e.source.tree(), e.source.address),
        (Some(SourceTree::SourceGroup), source)
    );
    to_rp(&mut rp, now, &t);
    run(&mut rp, &mut last, &mut now, Duration::from_secs(10));
    assert!(
        rp.sg_entries()
            .any(|e| e.source == source && e.group == group)
    );
    assert!(
        std::iter::from_fn(|| last.poll_event()).any(|e| matches!(e, Event::RouteChanged { .. }))
            || last.route(group, Some(source)).is_some()
    );
}

fn to_rp(rp: &mut Pim, now: Duration, t: &mcast_pim::router::Transmit<Ipv6>) {
    rp.handle_packet(now, 1, t.source, t.destination, &t.payload);
}
