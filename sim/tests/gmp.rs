//! IGMP and MLD scenarios on the simulator, checked against the RFCs: compatibility modes in
//! both directions, SSM, source filters, a restarting querier, hosts that stop.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::time::Duration;

use mcast_addr::family::{Ipv4, Ipv6};
use mcast_igmp::gmp::{FilterMode, HostConfig, RouterConfig, Version};
use mcast_sim::gmp::{GmpHost, GmpRouter};
use mcast_sim::{NodeId, Simulation, What};

const ROUTER: Ipv4Addr = Ipv4Addr::new(10, 0, 0, 1);
const ROUTER_LINK_LOCAL: Ipv6Addr = Ipv6Addr::new(0xfe80, 0, 0, 0, 0, 0, 0, 1);
const GROUP: Ipv4Addr = Ipv4Addr::new(239, 2, 2, 2);
const SOURCE: Ipv4Addr = Ipv4Addr::new(192, 0, 2, 99);
const OTHER_SOURCE: Ipv4Addr = Ipv4Addr::new(192, 0, 2, 100);

fn secs(s: u64) -> Duration {
    Duration::from_secs(s)
}

fn router_config<F: mcast_igmp::gmp::Gmp>(address: F::Addr, version: Version) -> RouterConfig<F> {
    let mut config = RouterConfig::new(address);
    config.query_interval = secs(60);
    config.version = version;
    config
}

/// One dual-stack router (started at zero) and hosts, each given as (name, node).
fn lan(
    seed: u64,
    version: Version,
    hosts: Vec<(&str, GmpHost, IpAddr)>,
) -> (Simulation, NodeId, Vec<NodeId>) {
    let mut sim = Simulation::new(seed);
    let lan = sim.add_link("lan");
    let router = sim.add_node(
        "router",
        GmpRouter::new()
            .with_igmp(router_config::<Ipv4>(ROUTER, version))
            .with_mld(router_config::<Ipv6>(ROUTER_LINK_LOCAL, version)),
    );
    sim.attach(router, lan, [ROUTER.into(), ROUTER_LINK_LOCAL.into()])
        .unwrap();
    sim.start_at(Duration::ZERO, router, "starts");
    let mut ids = Vec::new();
    for (name, host, address) in hosts {
        let id = sim.add_node(name, host);
        sim.attach(id, lan, [address]).unwrap();
        sim.start_at(Duration::ZERO, id, "starts");
        ids.push(id);
    }
    (sim, router, ids)
}

fn igmp_host(address: Ipv4Addr, version: Version) -> GmpHost {
    let mut config = HostConfig::new(address);
    config.version = version;
    GmpHost::new().with_igmp(config)
}

fn router(sim: &Simulation, id: NodeId) -> &GmpRouter {
    sim.node::<GmpRouter>(id).unwrap()
}

fn host(sim: &Simulation, id: NodeId) -> &GmpHost {
    sim.node::<GmpHost>(id).unwrap()
}

/// The kinds of the messages `node` sent, in order.
fn sent_kinds(sim: &Simulation, node: NodeId) -> Vec<(Duration, String)> {
    sim.recorder()
        .entries()
        .iter()
        .filter(|e| e.node == node)
        .filter_map(|e| match &e.what {
            What::Sent { kind, .. } => Some((e.time, kind.clone())),
            _ => None,
        })
        .collect()
}

fn join(sim: &mut Simulation, at: Duration, node: NodeId, group: IpAddr) {
    sim.at(
        at,
        node,
        format!("joins {group}"),
        move |h: &mut GmpHost, cx| h.join(cx, group),
    );
}

fn leave(sim: &mut Simulation, at: Duration, node: NodeId, group: IpAddr) {
    sim.at(
        at,
        node,
        format!("leaves {group}"),
        move |h: &mut GmpHost, cx| h.leave(cx, group),
    );
}

/// RFC 3376/9776 §7.2.1: a host that hears an IGMPv2 Query falls back to IGMPv2 and reports
/// with IGMPv2 messages; when the Older Version Querier Present timer expires (no IGMPv2 Query
/// any more) it returns to IGMPv3.
#[test]
fn a_v3_host_follows_an_igmpv2_querier_and_comes_back() {
    let host_address = Ipv4Addr::new(10, 0, 0, 11);
    let (mut sim, r, hosts) = lan(
        1,
        Version::V2,
        vec![(
            "host",
            igmp_host(host_address, Version::V3),
            host_address.into(),
        )],
    );
    let h = hosts[0];
    join(&mut sim, secs(5), h, GROUP.into());
    // The router is upgraded to IGMPv3 after a minute.
    sim.at(secs(60), r, "runs IGMPv3", |r: &mut GmpRouter, _| {
        let router = r.igmp_mut().unwrap();
        let mut config = router.config().clone();
        config.version = Version::V3;
        router.configure(config);
        Ok(())
    });
    sim.run_until(secs(30)).unwrap();
    assert_eq!(
        host(&sim, h).igmp().unwrap().compatibility_mode(),
        Version::V2
    );
    assert_eq!(
        router(&sim, r).igmp().unwrap().filter_mode(GROUP),
        Some(FilterMode::Exclude)
    );
    let kinds = sent_kinds(&sim, h);
    assert!(kinds.iter().all(|(_, k)| k == "IGMPv2 report"), "{kinds:?}");

    sim.run_until(secs(600)).unwrap();
    assert_eq!(
        host(&sim, h).igmp().unwrap().compatibility_mode(),
        Version::V3
    );
    // The router's timeline: IGMPv2 mode with the first report, IGMPv3 once upgraded and the
    // Older Host Present Interval passed.
    let notes: Vec<&str> = sim
        .recorder()
        .entries()
        .iter()
        .filter(|e| e.node == r)
        .filter_map(|e| match &e.what {
            What::Note {
                topic: "compatibility",
                text,
                ..
            } => Some(text.as_str()),
            _ => None,
        })
        .collect();
    assert_eq!(notes.len(), 2, "{notes:?}");
    assert!(
        notes[0].starts_with("239.2.2.2: IGMPv2 compatibility mode"),
        "{notes:?}"
    );
    assert!(
        notes[1].starts_with("239.2.2.2: back to IGMPv3"),
        "{notes:?}"
    );
    let kinds = sent_kinds(&sim, h);
    let last = kinds.last().unwrap();
    assert_eq!(last.1, "IGMPv3 report", "{kinds:?}");
    assert_eq!(
        router(&sim, r).igmp().unwrap().filter_mode(GROUP),
        Some(FilterMode::Exclude)
    );
}

/// RFC 3810 §8.3.2 and RFC 2710: an MLDv1 listener puts the address in MLDv1 compatibility
/// mode; its Done makes the querier ask twice and forget the address a Last Listener Query Time
/// later.
#[test]
fn an_mldv1_listener_joins_and_is_done() {
    let listener: Ipv6Addr = "fe80::15".parse().unwrap();
    let group: Ipv6Addr = "ff0e::1:2".parse().unwrap();
    let mut config = HostConfig::<Ipv6>::new(listener);
    config.version = Version::V2;
    let (mut sim, r, hosts) = lan(
        2,
        Version::V3,
        vec![("listener", GmpHost::new().with_mld(config), listener.into())],
    );
    let l = hosts[0];
    join(&mut sim, secs(5), l, group.into());
    leave(&mut sim, secs(50), l, group.into());
    sim.run_until(secs(49)).unwrap();
    let mld = router(&sim, r).mld().unwrap();
    assert_eq!(mld.filter_mode(group), Some(FilterMode::Exclude));
    assert_eq!(mld.compatibility_mode(group), Some(Version::V2));
    sim.run_until(secs(60)).unwrap();
    assert_eq!(router(&sim, r).mld().unwrap().filter_mode(group), None);
    let kinds: Vec<String> = sent_kinds(&sim, l).into_iter().map(|(_, k)| k).collect();
    assert!(kinds.contains(&"MLDv1 report".to_owned()) && kinds.contains(&"MLDv1 done".to_owned()));
    let queries: Vec<Duration> = sent_kinds(&sim, r)
        .into_iter()
        .filter(|(t, k)| *t >= secs(50) && k.contains("specific"))
        .map(|(t, _)| t)
        .collect();
    assert_eq!(queries, [secs(50), secs(51)]);
}

/// RFC 3376/9776 §7.3.2: in IGMPv1 compatibility mode a router ignores IGMPv2 Leaves; the group
/// ends when its timer does, a Group Membership Interval after the last report.
#[test]
fn an_igmpv1_host_is_timed_out_not_left() {
    let v1 = Ipv4Addr::new(10, 0, 0, 21);
    let (mut sim, r, hosts) = lan(
        3,
        Version::V3,
        vec![("host-v1", igmp_host(v1, Version::V1), v1.into())],
    );
    let h = hosts[0];
    join(&mut sim, secs(5), h, GROUP.into());
    leave(&mut sim, secs(100), h, GROUP.into());
    sim.run_until(secs(99)).unwrap();
    assert_eq!(
        router(&sim, r).igmp().unwrap().compatibility_mode(GROUP),
        Some(Version::V1)
    );
    let last_report = sent_kinds(&sim, h).last().unwrap().0;
    sim.run_until(secs(400)).unwrap();
    // IGMPv1 has no Leave: the host said nothing when it left.
    assert!(
        sent_kinds(&sim, h)
            .iter()
            .all(|(t, k)| *t < secs(100) && k == "IGMPv1 report")
    );
    let gone = sim
        .recorder()
        .entries()
        .iter()
        .find(|e| {
            e.node == r
                && matches!(&e.what, What::Note { text, .. } if text.contains("no listener left"))
        })
        .unwrap()
        .time;
    let group_membership_interval = router(&sim, r).igmp().unwrap().group_membership_interval();
    assert_eq!(gone, last_report + group_membership_interval);
}

/// RFC 4604 §2.2.1: in the SSM range a router ignores IGMPv2 reports (and EXCLUDE-mode
/// records); a source-specific IGMPv3 join works.
#[test]
fn ssm_ignores_any_source_joins() {
    let (v2, v3) = (Ipv4Addr::new(10, 0, 0, 31), Ipv4Addr::new(10, 0, 0, 32));
    let ssm = Ipv4Addr::new(232, 7, 7, 7);
    let (mut sim, r, hosts) = lan(
        4,
        Version::V3,
        vec![
            ("host-v2", igmp_host(v2, Version::V2), v2.into()),
            ("host-v3", igmp_host(v3, Version::V3), v3.into()),
        ],
    );
    join(&mut sim, secs(5), hosts[0], ssm.into());
    join(&mut sim, secs(6), hosts[1], ssm.into());
    sim.run_until(secs(10)).unwrap();
    let igmp = router(&sim, r).igmp().unwrap();
    assert_eq!(igmp.filter_mode(ssm), None);
    assert!(igmp.stats().ignored >= 2);
    sim.at(
        secs(20),
        hosts[1],
        "joins (S, G)",
        move |h: &mut GmpHost, cx| {
            h.leave(cx, ssm.into())?;
            h.join_source(cx, ssm.into(), SOURCE.into())
        },
    );
    sim.run_until(secs(30)).unwrap();
    let igmp = router(&sim, r).igmp().unwrap();
    assert_eq!(igmp.filter_mode(ssm), Some(FilterMode::Include));
    assert!(igmp.should_forward(SOURCE, ssm));
    assert!(!igmp.should_forward(OTHER_SOURCE, ssm));
}

/// RFC 3376/9776 §6.4: a host that blocks a source makes the router forward every source but
/// that one; unblocking it forwards it again.
#[test]
fn a_blocked_source_is_not_forwarded() {
    let address = Ipv4Addr::new(10, 0, 0, 41);
    let (mut sim, r, hosts) = lan(
        5,
        Version::V3,
        vec![("host", igmp_host(address, Version::V3), address.into())],
    );
    let h = hosts[0];
    sim.at(
        secs(5),
        h,
        "joins, blocking one source",
        |h: &mut GmpHost, cx| h.set_filter(cx, GROUP.into(), FilterMode::Exclude, &[SOURCE.into()]),
    );
    sim.run_until(secs(10)).unwrap();
    let igmp = router(&sim, r).igmp().unwrap();
    assert_eq!(igmp.filter_mode(GROUP), Some(FilterMode::Exclude));
    assert!(!igmp.should_forward(SOURCE, GROUP));
    assert!(igmp.should_forward(OTHER_SOURCE, GROUP));
    sim.at(secs(20), h, "unblocks it", |h: &mut GmpHost, cx| {
        h.set_filter(cx, GROUP.into(), FilterMode::Exclude, &[])
    });
    sim.run_until(secs(30)).unwrap();
    assert!(
        router(&sim, r)
            .igmp()
            .unwrap()
            .should_forward(SOURCE, GROUP)
    );
}

/// RFC 3376/9776 §6.6.3.1: when one member leaves, the querier asks the group, the other member
/// answers and the group stays.
#[test]
fn the_other_member_keeps_the_group() {
    let (a, b) = (Ipv4Addr::new(10, 0, 0, 51), Ipv4Addr::new(10, 0, 0, 52));
    let (mut sim, r, hosts) = lan(
        6,
        Version::V3,
        vec![
            ("a", igmp_host(a, Version::V3), a.into()),
            ("b", igmp_host(b, Version::V3), b.into()),
        ],
    );
    join(&mut sim, secs(5), hosts[0], GROUP.into());
    join(&mut sim, secs(6), hosts[1], GROUP.into());
    leave(&mut sim, secs(20), hosts[0], GROUP.into());
    sim.run_until(secs(40)).unwrap();
    assert_eq!(
        router(&sim, r).igmp().unwrap().filter_mode(GROUP),
        Some(FilterMode::Exclude)
    );
    let queries = sent_kinds(&sim, r)
        .into_iter()
        .filter(|(t, k)| *t >= secs(20) && k == "IGMPv3 group-specific query")
        .count();
    assert!(queries >= 1);
    let answered = sent_kinds(&sim, hosts[1])
        .into_iter()
        .any(|(t, k)| t > secs(20) && t < secs(22) && k == "IGMPv3 report");
    assert!(answered);
}

/// RFC 3376/9776 §6.6.2: a querier that restarts is querier again at once (every router starts
/// as querier) and the other router, which never saw the Other Querier Present timer expire,
/// stays quiet.
#[test]
fn a_restarted_querier_wins_again() {
    let b = Ipv4Addr::new(10, 0, 0, 2);
    let (mut sim, a, _) = lan(7, Version::V3, vec![]);
    let lan_id = mcast_sim::LinkId(0);
    let router_b = sim.add_node(
        "router-B",
        GmpRouter::new().with_igmp(router_config::<Ipv4>(b, Version::V3)),
    );
    sim.attach(router_b, lan_id, [b.into()]).unwrap();
    sim.start_at(secs(1), router_b, "starts");
    sim.stop_at(secs(30), a, "stops");
    sim.start_at(secs(40), a, "starts again");
    sim.run_until(secs(300)).unwrap();
    assert_eq!(
        router(&sim, router_b).igmp().unwrap().querier(),
        Some(ROUTER)
    );
    assert!(router(&sim, a).igmp().unwrap().is_querier());
    let b_queries: Vec<Duration> = sent_kinds(&sim, router_b)
        .into_iter()
        .map(|(t, _)| t)
        .collect();
    assert_eq!(
        b_queries,
        [secs(1)],
        "router-B only sent its first startup query"
    );
}

/// RFC 3376/9776 §5.1 and RFC 2236 §3: a host that stops says it leaves: an IGMPv3 host with a
/// TO_IN({}) record, an IGMPv2 host with a Leave; the querier forgets the group.
#[test]
fn hosts_that_stop_leave_their_groups() {
    let (v2, v3) = (Ipv4Addr::new(10, 0, 0, 61), Ipv4Addr::new(10, 0, 0, 62));
    let g2 = Ipv4Addr::new(239, 6, 6, 2);
    let (mut sim, r, hosts) = lan(
        8,
        Version::V3,
        vec![
            ("host-v2", igmp_host(v2, Version::V2), v2.into()),
            ("host-v3", igmp_host(v3, Version::V3), v3.into()),
        ],
    );
    join(&mut sim, secs(5), hosts[0], g2.into());
    join(&mut sim, secs(5), hosts[1], GROUP.into());
    sim.stop_at(secs(20), hosts[0], "stops");
    sim.stop_at(secs(20), hosts[1], "stops");
    sim.run_until(secs(30)).unwrap();
    let at_stop = |node| -> Vec<String> {
        sent_kinds(&sim, node)
            .into_iter()
            .filter(|(t, _)| *t == secs(20))
            .map(|(_, k)| k)
            .collect()
    };
    assert_eq!(at_stop(hosts[0]), ["IGMPv2 leave"]);
    assert_eq!(at_stop(hosts[1]), ["IGMPv3 report"]);
    let igmp = router(&sim, r).igmp().unwrap();
    assert_eq!(igmp.filter_mode(g2), None);
    assert_eq!(igmp.filter_mode(GROUP), None);
}

/// The same scenario under many seeds: the host's random delays change, the outcome does not.
#[test]
fn outcomes_do_not_depend_on_the_seed() {
    for seed in 0..16 {
        let (a, b) = (Ipv4Addr::new(10, 0, 0, 51), Ipv4Addr::new(10, 0, 0, 52));
        let (mut sim, r, hosts) = lan(
            seed,
            Version::V3,
            vec![
                ("a", igmp_host(a, Version::V3), a.into()),
                ("b", igmp_host(b, Version::V2), b.into()),
            ],
        );
        join(&mut sim, secs(5), hosts[0], GROUP.into());
        join(&mut sim, secs(6), hosts[1], GROUP.into());
        leave(&mut sim, secs(200), hosts[0], GROUP.into());
        leave(&mut sim, secs(210), hosts[1], GROUP.into());
        sim.run_until(secs(205)).unwrap();
        let igmp = router(&sim, r).igmp().unwrap();
        assert_eq!(
            igmp.filter_mode(GROUP),
            Some(FilterMode::Exclude),
            "seed {seed}"
        );
        assert_eq!(
            igmp.compatibility_mode(GROUP),
            Some(Version::V2),
            "seed {seed}"
        );
        sim.run_until(secs(215)).unwrap();
        assert_eq!(
            router(&sim, r).igmp().unwrap().filter_mode(GROUP),
            None,
            "seed {seed}"
        );
    }
}

/// RFC 3376/9776 §6.6.1: a router that is not the querier lowers its group timer when it hears
/// the querier's Group-Specific Query (S flag clear), so both routers forget a left group at
/// the same time; and the non-querier keeps the group when another member answers.
#[test]
fn the_non_querier_follows_the_queriers_specific_queries() {
    let b = Ipv4Addr::new(10, 0, 0, 2);
    let (x, y) = (Ipv4Addr::new(10, 0, 0, 71), Ipv4Addr::new(10, 0, 0, 72));
    let other_group = Ipv4Addr::new(239, 7, 7, 7);
    let (mut sim, a, hosts) = lan(
        9,
        Version::V3,
        vec![
            ("x", igmp_host(x, Version::V3), x.into()),
            ("y", igmp_host(y, Version::V3), y.into()),
        ],
    );
    let router_b = sim.add_node(
        "router-B",
        GmpRouter::new().with_igmp(router_config::<Ipv4>(b, Version::V3)),
    );
    sim.attach(router_b, mcast_sim::LinkId(0), [b.into()])
        .unwrap();
    sim.start_at(secs(1), router_b, "starts");
    join(&mut sim, secs(5), hosts[0], GROUP.into());
    join(&mut sim, secs(5), hosts[0], other_group.into());
    join(&mut sim, secs(6), hosts[1], other_group.into());
    leave(&mut sim, secs(30), hosts[0], GROUP.into());
    leave(&mut sim, secs(40), hosts[0], other_group.into());
    sim.run_until(secs(60)).unwrap();

    let removed = |node: NodeId, group: Ipv4Addr| {
        sim.recorder()
            .entries()
            .iter()
            .find(|e| {
                e.node == node
                    && matches!(&e.what, What::Note { text, .. }
                        if text.starts_with(&format!("{group}: no listener left")))
            })
            .map(|e| e.time)
    };
    let at_querier = removed(a, GROUP).unwrap();
    assert_eq!(removed(router_b, GROUP), Some(at_querier));
    assert!(at_querier > secs(30) && at_querier <= secs(32));
    for router in [a, router_b] {
        let igmp = sim.node::<GmpRouter>(router).unwrap().igmp().unwrap();
        assert_eq!(igmp.filter_mode(other_group), Some(FilterMode::Exclude));
        assert_eq!(igmp.filter_mode(GROUP), None);
    }
}

/// RFC 3376/9776 §6.4.2 and §6.6.3.2: a BLOCK makes the querier ask about the blocked source
/// with a Group-and-Source-Specific Query; a host still wanting it answers and keeps it
/// forwarded; when no one does, the source stops a Last Member Query Time later while the
/// others flow on.
#[test]
fn a_source_left_by_one_host_stays_for_another() {
    let (x, y) = (Ipv4Addr::new(10, 0, 0, 81), Ipv4Addr::new(10, 0, 0, 82));
    let (mut sim, r, hosts) = lan(
        10,
        Version::V3,
        vec![
            ("x", igmp_host(x, Version::V3), x.into()),
            ("y", igmp_host(y, Version::V3), y.into()),
        ],
    );
    let include = |sources: &'static [Ipv4Addr]| {
        move |h: &mut GmpHost, cx: &mut mcast_sim::Context<'_>| {
            let sources: Vec<IpAddr> = sources.iter().map(|s| IpAddr::V4(*s)).collect();
            h.set_filter(cx, GROUP.into(), FilterMode::Include, &sources)
        }
    };
    sim.at(
        secs(5),
        hosts[0],
        "includes S1, S2",
        include(&[SOURCE, OTHER_SOURCE]),
    );
    sim.at(secs(5), hosts[1], "includes S1", include(&[SOURCE]));
    sim.at(secs(20), hosts[0], "drops S1", include(&[OTHER_SOURCE]));
    sim.run_until(secs(30)).unwrap();
    let igmp = router(&sim, r).igmp().unwrap();
    assert!(igmp.should_forward(SOURCE, GROUP) && igmp.should_forward(OTHER_SOURCE, GROUP));
    let asked = sent_kinds(&sim, r)
        .into_iter()
        .any(|(t, k)| t == secs(20) && k == "IGMPv3 group-and-source-specific query");
    assert!(asked);

    sim.at(secs(40), hosts[1], "leaves", move |h: &mut GmpHost, cx| {
        h.leave(cx, GROUP.into())
    });
    sim.run_until(secs(50)).unwrap();
    let igmp = router(&sim, r).igmp().unwrap();
    assert!(!igmp.should_forward(SOURCE, GROUP));
    assert!(igmp.should_forward(OTHER_SOURCE, GROUP));
    let stopped = sim
        .recorder()
        .entries()
        .iter()
        .find(|e| {
            e.node == r
                && matches!(&e.what, What::Note { text, .. }
                    if text == &format!("{GROUP}: traffic from {SOURCE} no longer forwarded"))
        })
        .unwrap()
        .time;
    assert_eq!(stopped, secs(42), "Last Member Query Time after the BLOCK");
}

/// RFC 3376/9776 §7.2.1 and RFC 2236 §4: under an IGMPv1 querier every host speaks IGMPv1:
/// IGMPv1 reports, and no Leave when it leaves.
#[test]
fn an_igmpv1_querier_makes_every_host_speak_igmpv1() {
    let (v2, v3) = (Ipv4Addr::new(10, 0, 0, 91), Ipv4Addr::new(10, 0, 0, 92));
    let (mut sim, r, hosts) = lan(
        11,
        Version::V1,
        vec![
            ("host-v2", igmp_host(v2, Version::V2), v2.into()),
            ("host-v3", igmp_host(v3, Version::V3), v3.into()),
        ],
    );
    for host in &hosts {
        join(&mut sim, secs(5), *host, GROUP.into());
        leave(&mut sim, secs(100), *host, GROUP.into());
    }
    sim.run_until(secs(99)).unwrap();
    assert_eq!(
        router(&sim, r).igmp().unwrap().compatibility_mode(GROUP),
        Some(Version::V1)
    );
    sim.run_until(secs(300)).unwrap();
    for host_id in &hosts {
        assert_eq!(
            host(&sim, *host_id).igmp().unwrap().compatibility_mode(),
            Version::V1
        );
        let kinds = sent_kinds(&sim, *host_id);
        assert!(!kinds.is_empty());
        assert!(kinds.iter().all(|(_, k)| k == "IGMPv1 report"), "{kinds:?}");
    }
    let queries = sent_kinds(&sim, r);
    assert!(
        queries
            .iter()
            .filter(|(_, k)| k.starts_with("IGMP"))
            .all(|(_, k)| k == "IGMPv1 query"),
        "{queries:?}"
    );
    assert_eq!(router(&sim, r).igmp().unwrap().filter_mode(GROUP), None);
}
