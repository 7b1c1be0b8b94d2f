//! A UDP source on a LAN, and hosts that count what their interface state accepts.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::time::Duration;

use mcast_igmp::gmp::{FilterMode, HostConfig};
use mcast_sim::gmp::GmpHost;
use mcast_sim::traffic::UdpSource;
use mcast_sim::{Simulation, What};

#[test]
fn hosts_count_the_data_their_filters_accept() {
    let source = IpAddr::V4(Ipv4Addr::new(192, 0, 2, 10));
    let other_source = IpAddr::V4(Ipv4Addr::new(192, 0, 2, 11));
    let group = IpAddr::V4(Ipv4Addr::new(232, 1, 1, 1));
    let mut sim = Simulation::new(1);
    let lan = sim.add_link("lan");
    let sender = sim.add_node(
        "source",
        UdpSource::new(source, group, Duration::from_secs(1)).with_payload_len(100),
    );
    sim.attach(sender, lan, [source]).unwrap();
    let mut hosts = Vec::new();
    for (i, name) in ["wants-s", "wants-other", "not-joined"]
        .into_iter()
        .enumerate()
    {
        let address = Ipv4Addr::new(10, 0, 0, 11 + i as u8);
        let host = sim.add_node(name, GmpHost::new().with_igmp(HostConfig::new(address)));
        sim.attach(host, lan, [address.into()]).unwrap();
        sim.start_at(Duration::ZERO, host, "starts");
        hosts.push(host);
    }
    let include = |s: IpAddr| {
        move |h: &mut GmpHost, cx: &mut mcast_sim::Context<'_>| {
            h.set_filter(cx, group, FilterMode::Include, &[s])
        }
    };
    sim.at(Duration::ZERO, hosts[0], "joins (S, G)", include(source));
    sim.at(
        Duration::ZERO,
        hosts[1],
        "joins (S', G)",
        include(other_source),
    );
    sim.start_at(Duration::from_millis(500), sender, "starts sending");
    sim.at(
        Duration::from_millis(10_200),
        hosts[0],
        "leaves",
        move |h: &mut GmpHost, cx| h.leave(cx, group),
    );
    sim.stop_at(Duration::from_millis(20_500), sender, "stops sending");
    sim.run_until(Duration::from_secs(30)).unwrap();

    // 0.5 s … 19.5 s; at 20.5 s the stop comes first (actions before timers at one instant).
    assert_eq!(sim.node::<UdpSource>(sender).unwrap().sent(), 20);
    let received = |i: usize| {
        sim.node::<GmpHost>(hosts[i])
            .unwrap()
            .data_received(source, group)
    };
    // 0.5 s, 1.5 s … 9.5 s: ten datagrams before the leave at 10.2 s.
    assert_eq!(received(0), 10);
    assert_eq!(received(1), 0);
    assert_eq!(received(2), 0);

    let data: Vec<&str> = sim
        .recorder()
        .entries()
        .iter()
        .filter_map(|e| match &e.what {
            What::Sent { kind, summary, .. } if kind == "UDP data" => Some(summary.as_str()),
            _ => None,
        })
        .collect();
    assert_eq!(data.len(), 20);
    assert_eq!(
        data[3],
        "udp data 192.0.2.10 > 232.1.1.1 port 5001, seq 3, 100 bytes"
    );
    // 232.1.1.1 maps to 01:00:5e:01:01:01.
    let frame = &sim
        .recorder()
        .frames()
        .iter()
        .find(|f| f.bytes[12..14] == [8, 0] && f.bytes[23] == 17)
        .unwrap();
    assert_eq!(frame.bytes[..6], [0x01, 0x00, 0x5e, 0x01, 0x01, 0x01]);
}

#[test]
fn ipv6_data_reaches_an_mld_listener() {
    let source: IpAddr = "2001:db8::10".parse().unwrap();
    let group: IpAddr = "ff3e::8000:1".parse().unwrap();
    let listener: Ipv6Addr = "fe80::14".parse().unwrap();
    let mut sim = Simulation::new(2);
    let lan = sim.add_link("lan");
    let sender = sim.add_node(
        "source",
        UdpSource::new(source, group, Duration::from_millis(250)),
    );
    sim.attach(sender, lan, [source]).unwrap();
    let host = sim.add_node(
        "listener",
        GmpHost::new().with_mld(HostConfig::new(listener)),
    );
    sim.attach(host, lan, [listener.into()]).unwrap();
    sim.start_at(Duration::ZERO, host, "starts");
    sim.at(
        Duration::ZERO,
        host,
        "joins (S, G)",
        move |h: &mut GmpHost, cx| h.join_source(cx, group, source),
    );
    sim.start_at(Duration::ZERO, sender, "starts sending");
    sim.run_until(Duration::from_millis(999)).unwrap();
    assert_eq!(
        sim.node::<GmpHost>(host)
            .unwrap()
            .data_received(source, group),
        4
    );
}
