//! The simulator's own rules, with a probe node that sends what the script tells it to and
//! records what it hears: delivery on a link, MAC addresses, the clock, scripted actions,
//! stopped nodes and unplugged interfaces, per-node RNGs, and the errors.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::time::Duration;

use etherparse::PacketBuilder;
use mcast_addr::{Ipv4MulticastAddr, Ipv6MulticastAddr, MacAddr};
use mcast_sim::{
    Context, InterfaceId, IpPacket, LinkConfig, Node, NodeId, Outgoing, SimError, Simulation, What,
};
use rand::Rng;

/// What a probe heard: when, on which interface, from whom, to whom, with which hop limit.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Heard {
    time: Duration,
    interface: InterfaceId,
    source: IpAddr,
    destination: IpAddr,
    hop_limit: u8,
    payload: Vec<u8>,
}

#[derive(Debug, Default)]
struct Probe {
    heard: Vec<Heard>,
    /// A periodic timer, when set.
    period: Option<Duration>,
    next: Option<Duration>,
    timeouts: Vec<Duration>,
    draws: Vec<u64>,
    starts: u32,
    stops: u32,
}

impl Probe {
    fn every(period: Duration) -> Self {
        Self {
            period: Some(period),
            ..Self::default()
        }
    }
}

impl Node for Probe {
    fn start(&mut self, cx: &mut Context<'_>) {
        self.starts += 1;
        self.draws.push(cx.rng().next_u64());
        self.next = self.period.map(|p| cx.now() + p);
    }

    fn stop(&mut self, _cx: &mut Context<'_>) {
        self.stops += 1;
    }

    fn handle_packet(
        &mut self,
        cx: &mut Context<'_>,
        interface: InterfaceId,
        packet: &IpPacket<'_>,
    ) {
        self.heard.push(Heard {
            time: cx.now(),
            interface,
            source: packet.source,
            destination: packet.destination,
            hop_limit: packet.hop_limit,
            // The UDP payload, after the 8-byte UDP header.
            payload: packet.payload[8..].to_vec(),
        });
    }

    fn handle_timeout(&mut self, cx: &mut Context<'_>) {
        if self.next.is_some_and(|next| next <= cx.now()) {
            self.timeouts.push(cx.now());
            self.next = self.period.map(|p| cx.now() + p);
        }
    }

    fn poll_timeout(&self) -> Option<Duration> {
        self.next
    }

    fn drain(&mut self, _cx: &mut Context<'_>) {}
}

/// A node whose timer is always due and never fires: the simulation must stop it.
struct Stuck;

impl Node for Stuck {
    fn start(&mut self, _cx: &mut Context<'_>) {}
    fn stop(&mut self, _cx: &mut Context<'_>) {}
    fn handle_packet(&mut self, _: &mut Context<'_>, _: InterfaceId, _: &IpPacket<'_>) {}
    fn handle_timeout(&mut self, _cx: &mut Context<'_>) {}
    fn poll_timeout(&self) -> Option<Duration> {
        Some(Duration::ZERO)
    }
    fn drain(&mut self, _cx: &mut Context<'_>) {}
}

fn udp(source: IpAddr, destination: IpAddr, payload: &[u8]) -> Outgoing {
    let builder = match (source, destination) {
        (IpAddr::V4(s), IpAddr::V4(d)) => PacketBuilder::ipv4(s.octets(), d.octets(), 1),
        (IpAddr::V6(s), IpAddr::V6(d)) => PacketBuilder::ipv6(s.octets(), d.octets(), 1),
        _ => unreachable!(),
    };
    let mut packet = Vec::new();
    builder.udp(4000, 5000).write(&mut packet, payload).unwrap();
    Outgoing {
        packet,
        kind: "UDP".to_owned(),
        summary: format!("udp {} bytes", payload.len()),
    }
}

fn send(
    sim: &mut Simulation,
    time: Duration,
    node: NodeId,
    source: IpAddr,
    destination: IpAddr,
    payload: &'static [u8],
) {
    sim.at(
        time,
        node,
        format!("sends to {destination}"),
        move |_: &mut Probe, cx| {
            cx.send(InterfaceId(0), udp(source, destination, payload));
            Ok(())
        },
    );
}

fn v4(last: u8) -> IpAddr {
    IpAddr::V4(Ipv4Addr::new(10, 0, 0, last))
}

const MS: Duration = Duration::from_millis(1);

/// Three probes on one LAN (10.0.0.1-3, fe80::1-3) and a fourth on another (10.0.1.4), all
/// started at zero.
fn network(seed: u64, delay: Duration) -> (Simulation, [NodeId; 4]) {
    let mut sim = Simulation::new(seed);
    let lan = sim.add_link_with("lan", LinkConfig { delay });
    let other = sim.add_link("other");
    let mut nodes = Vec::new();
    for i in 1..=3u8 {
        let node = sim.add_node(format!("p{i}"), Probe::default());
        let link_local = Ipv6Addr::new(0xfe80, 0, 0, 0, 0, 0, 0, u16::from(i));
        sim.attach(node, lan, [v4(i), link_local.into()]).unwrap();
        nodes.push(node);
    }
    let far = sim.add_node("p4", Probe::default());
    sim.attach(far, other, [Ipv4Addr::new(10, 0, 1, 4).into()])
        .unwrap();
    nodes.push(far);
    for node in &nodes {
        sim.start_at(Duration::ZERO, *node, "starts");
    }
    (sim, [nodes[0], nodes[1], nodes[2], nodes[3]])
}

fn heard(sim: &Simulation, node: NodeId) -> &[Heard] {
    &sim.node::<Probe>(node).unwrap().heard
}

#[test]
fn multicast_reaches_every_other_node_of_the_link_and_no_one_else() {
    let (mut sim, [a, b, c, d]) = network(1, Duration::ZERO);
    let group = IpAddr::V4(Ipv4Addr::new(239, 129, 2, 3));
    send(&mut sim, 10 * MS, a, v4(1), group, b"hello");
    sim.run_until(Duration::from_secs(1)).unwrap();

    assert!(heard(&sim, a).is_empty(), "the sender does not hear itself");
    assert!(heard(&sim, d).is_empty(), "another link does not hear it");
    for node in [b, c] {
        assert_eq!(
            heard(&sim, node),
            [Heard {
                time: 10 * MS,
                interface: InterfaceId(0),
                source: v4(1),
                destination: group,
                hop_limit: 1,
                payload: b"hello".to_vec(),
            }]
        );
    }
    let frames = sim.recorder().frames();
    assert_eq!(frames.len(), 1);
    // 239.129.2.3 maps to 01:00:5e:01:02:03 (RFC 1112 §6.4: 23 bits).
    assert_eq!(frames[0].bytes[..6], [0x01, 0x00, 0x5e, 0x01, 0x02, 0x03]);
    assert_eq!(
        frames[0].bytes[6..12],
        sim.mac(a, InterfaceId(0)).unwrap().octets()
    );
    assert_eq!(frames[0].bytes[12..14], [0x08, 0x00]);
}

#[test]
fn ipv6_multicast_gets_its_mac_address() {
    let (mut sim, [a, b, _, _]) = network(1, Duration::ZERO);
    let group: Ipv6Addr = "ff02::1:ff00:2".parse().unwrap();
    let source = IpAddr::V6("fe80::1".parse().unwrap());
    send(&mut sim, MS, a, source, group.into(), b"ns");
    sim.run_until(Duration::from_secs(1)).unwrap();
    let frame = &sim.recorder().frames()[0];
    let mac = Ipv6MulticastAddr::new(group).unwrap().to_mac();
    assert_eq!(frame.bytes[..6], mac.octets());
    assert_eq!(frame.bytes[..6], [0x33, 0x33, 0xff, 0x00, 0x00, 0x02]);
    assert_eq!(frame.bytes[12..14], [0x86, 0xdd]);
    assert_eq!(heard(&sim, b).len(), 1);
}

#[test]
fn unicast_reaches_the_owner_of_the_address_only() {
    let (mut sim, [a, b, c, _]) = network(1, Duration::ZERO);
    send(&mut sim, MS, a, v4(1), v4(3), b"to c");
    sim.run_until(Duration::from_secs(1)).unwrap();
    assert!(heard(&sim, b).is_empty());
    assert_eq!(heard(&sim, c).len(), 1);
    let frame = &sim.recorder().frames()[0];
    assert_eq!(
        frame.bytes[..6],
        sim.mac(c, InterfaceId(0)).unwrap().octets()
    );
}

#[test]
fn unicast_to_no_neighbour_is_an_error() {
    let (mut sim, [a, _, _, _]) = network(1, Duration::ZERO);
    send(&mut sim, MS, a, v4(1), v4(99), b"lost");
    let error = sim.run_until(Duration::from_secs(1)).unwrap_err();
    let SimError::Action { node, source, .. } = error else {
        panic!("{error}")
    };
    assert_eq!(node, a);
    assert!(matches!(*source, SimError::NoNeighbour { destination, .. } if destination == v4(99)));
}

#[test]
fn bytes_that_are_not_ip_are_an_error() {
    let (mut sim, [a, _, _, _]) = network(1, Duration::ZERO);
    sim.at(MS, a, "sends garbage", |_: &mut Probe, cx| {
        let packet = vec![0x45, 0, 0];
        cx.send(
            InterfaceId(0),
            Outgoing {
                packet,
                kind: "garbage".into(),
                summary: String::new(),
            },
        );
        Ok(())
    });
    let error = sim.run_until(Duration::from_secs(1)).unwrap_err();
    let SimError::Action { source, .. } = error else {
        panic!("{error}")
    };
    assert!(
        matches!(*source, SimError::MalformedPacket { .. }),
        "{source}"
    );
    assert!(sim.recorder().frames().is_empty());
}

#[test]
fn a_link_delays_its_frames() {
    let (mut sim, [a, b, _, _]) = network(1, Duration::from_micros(2500));
    send(
        &mut sim,
        10 * MS,
        a,
        v4(1),
        IpAddr::V4(Ipv4Addr::new(224, 0, 0, 9)),
        b"x",
    );
    sim.run_until(Duration::from_secs(1)).unwrap();
    assert_eq!(heard(&sim, b)[0].time, Duration::from_micros(12_500));
    // The capture shows the frame when it was sent.
    assert_eq!(sim.recorder().frames()[0].time, 10 * MS);
}

#[test]
fn an_unplugged_interface_neither_sends_nor_receives() {
    let (mut sim, [a, b, c, _]) = network(1, Duration::ZERO);
    let group = IpAddr::V4(Ipv4Addr::new(224, 0, 0, 9));
    sim.set_interface_up_at(MS, b, InterfaceId(0), false);
    send(&mut sim, 2 * MS, a, v4(1), group, b"1");
    send(&mut sim, 3 * MS, b, v4(2), group, b"2");
    sim.set_interface_up_at(4 * MS, b, InterfaceId(0), true);
    send(&mut sim, 5 * MS, a, v4(1), group, b"3");
    sim.run_until(Duration::from_secs(1)).unwrap();

    let payloads = |node| -> Vec<Vec<u8>> {
        heard(&sim, node)
            .iter()
            .map(|h| h.payload.clone())
            .collect()
    };
    assert_eq!(payloads(b), [b"3".to_vec()]);
    assert_eq!(payloads(c), [b"1".to_vec(), b"3".to_vec()]);
    assert_eq!(sim.recorder().frames().len(), 2);
}

#[test]
fn a_stopped_node_hears_nothing_and_its_timers_wait() {
    let mut sim = Simulation::new(1);
    let lan = sim.add_link("lan");
    let a = sim.add_node("a", Probe::default());
    let b = sim.add_node("b", Probe::every(Duration::from_secs(1)));
    sim.attach(a, lan, [v4(1)]).unwrap();
    sim.attach(b, lan, [v4(2)]).unwrap();
    sim.start_at(Duration::ZERO, a, "starts");
    sim.start_at(Duration::ZERO, b, "starts");
    sim.stop_at(Duration::from_millis(2500), b, "stops");
    send(
        &mut sim,
        Duration::from_secs(3),
        a,
        v4(1),
        v4(2),
        b"unheard",
    );
    sim.start_at(Duration::from_secs(5), b, "starts again");
    sim.run_until(Duration::from_secs(7)).unwrap();

    let probe = sim.node::<Probe>(b).unwrap();
    assert!(probe.heard.is_empty());
    assert_eq!((probe.starts, probe.stops), (2, 1));
    let seconds: Vec<u64> = probe.timeouts.iter().map(Duration::as_secs).collect();
    assert_eq!(seconds, [1, 2, 6, 7]);
}

#[test]
fn the_clock_stops_at_the_end_and_runs_on_from_there() {
    let mut sim = Simulation::new(1);
    let lan = sim.add_link("lan");
    let a = sim.add_node("a", Probe::every(Duration::from_secs(1)));
    sim.attach(a, lan, [v4(1)]).unwrap();
    sim.start_at(Duration::ZERO, a, "starts");
    sim.run_until(Duration::from_millis(3500)).unwrap();
    assert_eq!(sim.now(), Duration::from_millis(3500));
    assert_eq!(sim.node::<Probe>(a).unwrap().timeouts.len(), 3);
    sim.run_for(Duration::from_millis(1500)).unwrap();
    assert_eq!(sim.now(), Duration::from_secs(5));
    let timeouts = &sim.node::<Probe>(a).unwrap().timeouts;
    assert_eq!(
        *timeouts.last().unwrap(),
        Duration::from_secs(5),
        "the end is included"
    );
    assert_eq!(timeouts.len(), 5);
}

#[test]
fn actions_at_one_instant_run_in_the_order_they_were_scripted() {
    let mut sim = Simulation::new(1);
    let lan = sim.add_link("lan");
    let a = sim.add_node("a", Probe::default());
    sim.attach(a, lan, [v4(1)]).unwrap();
    for word in ["one", "two", "three"] {
        sim.at(Duration::from_secs(1), a, word, |_: &mut Probe, _| Ok(()));
    }
    sim.run_until(Duration::from_secs(2)).unwrap();
    let descriptions: Vec<&str> = sim
        .recorder()
        .entries()
        .iter()
        .filter_map(|e| match &e.what {
            What::Action { description } => Some(description.as_str()),
            _ => None,
        })
        .collect();
    assert_eq!(descriptions, ["one", "two", "three"]);
}

#[test]
fn every_node_has_its_own_rng_from_the_seed() {
    let draws = |seed| {
        let (mut sim, nodes) = network(seed, Duration::ZERO);
        sim.run_until(Duration::ZERO).unwrap();
        nodes.map(|n| sim.node::<Probe>(n).unwrap().draws.clone())
    };
    let first = draws(1);
    assert_eq!(first, draws(1));
    assert_ne!(first[0], first[1]);
    assert_ne!(first[0], draws(2)[0]);

    // A node's draws do not depend on the nodes added after it.
    let mut alone = Simulation::new(1);
    let lan = alone.add_link("lan");
    let node = alone.add_node("p1", Probe::default());
    alone.attach(node, lan, [v4(1)]).unwrap();
    alone.start_at(Duration::ZERO, node, "starts");
    alone.run_until(Duration::ZERO).unwrap();
    assert_eq!(alone.node::<Probe>(node).unwrap().draws, first[0]);
}

#[test]
fn an_action_for_another_node_type_is_an_error() {
    let (mut sim, [a, _, _, _]) = network(1, Duration::ZERO);
    sim.at(
        MS,
        a,
        "acts on a router",
        |_: &mut mcast_sim::gmp::GmpRouter, _| Ok(()),
    );
    let error = sim.run_until(Duration::from_secs(1)).unwrap_err();
    let SimError::Action { source, .. } = error else {
        panic!("{error}")
    };
    assert!(
        matches!(*source, SimError::WrongNodeType { expected, .. } if expected.ends_with("GmpRouter"))
    );
}

#[test]
fn a_node_that_never_lets_time_move_is_stopped() {
    let mut sim = Simulation::new(1);
    let lan = sim.add_link("lan");
    let node = sim.add_node("stuck", Stuck);
    sim.attach(node, lan, [v4(1)]).unwrap();
    sim.start_at(Duration::ZERO, node, "starts");
    let error = sim.run_until(Duration::from_secs(1)).unwrap_err();
    assert!(
        matches!(error, SimError::Stalled { at, .. } if at == Duration::ZERO),
        "{error}"
    );
}

#[test]
fn unknown_ids_are_errors() {
    let mut sim = Simulation::new(1);
    let lan = sim.add_link("lan");
    assert!(matches!(
        sim.attach(NodeId(3), lan, []),
        Err(SimError::Unknown {
            what: "node",
            id: 3
        })
    ));
    let node = sim.add_node("a", Probe::default());
    assert!(matches!(
        sim.attach(node, mcast_sim::LinkId(9), []),
        Err(SimError::Unknown {
            what: "link",
            id: 9
        })
    ));
    assert!(sim.mac(node, InterfaceId(0)).is_none());
    let interface = sim.attach(node, lan, []).unwrap();
    let mac = sim.mac(node, interface).unwrap();
    assert!(mac.is_unicast() && mac.is_locally_administered());
    assert_ne!(mac, MacAddr::from_octets([0; 6]));
    let _ = Ipv4MulticastAddr::new(Ipv4Addr::new(224, 0, 0, 1));
}
