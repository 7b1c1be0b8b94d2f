//! The driver without sockets: framing, option and command parsing, and both event loops
//! against a fake link.

use core::net::{Ipv4Addr, Ipv6Addr};
use std::sync::mpsc;
use std::time::Duration;

use mcast_addr::family::{Ipv4, Ipv6};
use mcast_igmp::gmp::{HostConfig, Message, RouterConfig, Transmit};
use mcast_igmp::host::Host;
use mcast_igmp::router::Router;
use rand::SeedableRng;
use rand::rngs::Xoshiro256PlusPlus;

use super::socket::{parse_if_inet6, receive_filter};
use super::*;

/// A link that keeps what is sent.
#[derive(Default)]
struct FakeLink<F: Gmp>(Vec<Transmit<F>>);

impl<F: Gmp> Link<F> for FakeLink<F> {
    fn send(&mut self, transmit: &Transmit<F>) -> io::Result<()> {
        self.0.push(transmit.clone());
        Ok(())
    }
}

const ROUTER: Ipv4Addr = Ipv4Addr::new(10, 0, 0, 1);
const HOST: Ipv4Addr = Ipv4Addr::new(10, 0, 0, 2);
const GROUP: Ipv4Addr = Ipv4Addr::new(239, 1, 1, 1);

fn report_to(group: Ipv4Addr) -> Transmit<Ipv4> {
    let mut host = Host::<Ipv4, Duration>::new(HostConfig::new(HOST));
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(1);
    host.enable(Duration::ZERO, &mut rng);
    host.join_group(Duration::ZERO, &mut rng, SocketId(1), group)
        .unwrap();
    host.poll_transmit().unwrap()
}

#[test]
fn ipv4_framing_round_trip() {
    let report = report_to(GROUP);
    let mut buf = [0u8; 1500];
    let len = Ipv4::write_packet(&report, &mut buf).unwrap();
    assert_eq!(&buf[20..24], &[0x94, 0x04, 0, 0], "Router Alert");
    assert_eq!(buf[1], 0xc0, "IGMPv3 is Internetwork Control");
    let Frame::Message(packet) = Ipv4::parse_packet(&buf[..len]) else {
        panic!()
    };
    assert_eq!(
        (packet.source, packet.destination),
        (HOST, report.destination)
    );
    assert_eq!(packet.payload, report.payload);
    // Trailing link-layer padding is not part of the message.
    let mut padded = buf[..len].to_vec();
    padded.extend([0; 6]);
    assert_eq!(Ipv4::parse_packet(&padded), Frame::Message(packet));
}

#[test]
fn ipv4_framing_rejects() {
    let mut buf = [0u8; 1500];
    let len = Ipv4::write_packet(&report_to(GROUP), &mut buf).unwrap();
    let mut ttl = buf[..len].to_vec();
    ttl[8] = 2;
    assert!(matches!(Ipv4::parse_packet(&ttl), Frame::Invalid(_)));
    let mut udp = buf[..len].to_vec();
    udp[9] = 17;
    assert_eq!(Ipv4::parse_packet(&udp), Frame::Other);
    for cut in 0..len {
        assert!(
            !matches!(Ipv4::parse_packet(&buf[..cut]), Frame::Message(_)),
            "cut at {cut}"
        );
    }
}

#[test]
fn ipv6_framing_round_trip_and_rejects() {
    let source: Ipv6Addr = "fe80::2".parse().unwrap();
    let mut host = Host::<Ipv6, Duration>::new(HostConfig::new(source));
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(1);
    host.enable(Duration::ZERO, &mut rng);
    host.join_group(
        Duration::ZERO,
        &mut rng,
        SocketId(1),
        "ff15::5".parse().unwrap(),
    )
    .unwrap();
    let report = host.poll_transmit().unwrap();
    let mut buf = [0u8; 1500];
    let len = Ipv6::write_packet(&report, &mut buf).unwrap();
    assert_eq!(buf[6], 0, "Hop-by-Hop Options");
    assert_eq!(&buf[42..44], &[5, 2], "Router Alert");
    let Frame::Message(packet) = Ipv6::parse_packet(&buf[..len]) else {
        panic!()
    };
    assert_eq!(
        (packet.source, packet.destination),
        (source, report.destination)
    );
    assert_eq!(packet.payload, report.payload);
    for cut in 0..len {
        assert!(
            !matches!(Ipv6::parse_packet(&buf[..cut]), Frame::Message(_)),
            "cut at {cut}"
        );
    }
    let mut hops = buf[..len].to_vec();
    hops[7] = 255;
    assert!(matches!(Ipv6::parse_packet(&hops), Frame::Invalid(_)));
    let mut global = buf[..len].to_vec();
    global[8] = 0x20;
    assert!(matches!(Ipv6::parse_packet(&global), Frame::Invalid(_)));
    // A Neighbor Solicitation (type 135) is not for the state machines.
    let mut neighbor = buf[..len].to_vec();
    neighbor[48] = 135;
    assert_eq!(Ipv6::parse_packet(&neighbor), Frame::Other);
}

#[test]
fn memberships_commands_and_seconds() {
    let any: Membership<Ipv4Addr> = "239.1.1.1".parse().unwrap();
    assert_eq!(
        any,
        Membership {
            group: GROUP,
            source: None
        }
    );
    let specific: Membership<Ipv4Addr> = "232.1.1.1@10.0.0.9".parse().unwrap();
    assert_eq!(specific.source, Some(Ipv4Addr::new(10, 0, 0, 9)));
    assert_eq!(specific.to_string(), "232.1.1.1@10.0.0.9");
    assert!("ff15::1".parse::<Membership<Ipv4Addr>>().is_err());
    assert!("232.1.1.1@".parse::<Membership<Ipv4Addr>>().is_err());
    let six: Membership<Ipv6Addr> = "ff3e::1@fe80::9".parse().unwrap();
    assert_eq!(six.source, Some("fe80::9".parse().unwrap()));
    assert_eq!(
        "leave 239.1.1.1".parse::<Command<Ipv4Addr>>(),
        Ok(Command::Leave(any))
    );
    assert_eq!(
        " join  239.1.1.1 ".parse::<Command<Ipv4Addr>>(),
        Ok(Command::Join(any))
    );
    assert!("part 239.1.1.1".parse::<Command<Ipv4Addr>>().is_err());
    assert_eq!(parse_seconds("0.2"), Ok(Duration::from_millis(200)));
    assert!(parse_seconds("-1").is_err());
    assert!(parse_seconds("soon").is_err());
}

#[test]
fn if_inet6_lines() {
    let line = "fe800000000000000000000000000002 03 40 20 80     vh0";
    assert_eq!(
        parse_if_inet6(line, "vh0"),
        Some("fe80::2".parse().unwrap())
    );
    assert_eq!(parse_if_inet6(line, "eth0"), None);
    let tentative = "fe800000000000000000000000000002 03 40 20 c0     vh0";
    assert_eq!(parse_if_inet6(tentative, "vh0"), None);
    let global = "20010db8000000000000000000000002 03 40 00 80     vh0";
    assert_eq!(parse_if_inet6(global, "vh0"), None);
}

#[test]
fn receive_filter_shape() {
    let v4 = receive_filter(Ipv4::ETHERTYPE, 7);
    let v6 = receive_filter(Ipv6::ETHERTYPE, 7);
    assert_eq!(v4.len(), 9);
    assert_eq!(v6.len(), 9);
}

#[test]
fn querier_loop_learns_and_queries() {
    let mut config = RouterConfig::<Ipv4>::new(ROUTER);
    config.query_interval = Duration::from_millis(300);
    config.query_response_interval = Duration::from_millis(100);
    let mut router = Router::<Ipv4, Instant>::new(config);
    let (inputs, received) = mpsc::channel();
    let report = report_to(GROUP);
    inputs
        .send(Input::Packet(Packet {
            source: report.source,
            destination: report.destination,
            payload: report.payload,
        }))
        .unwrap();
    inputs.send(Input::Invalid("a test")).unwrap();
    let sender = std::thread::spawn(move || {
        std::thread::sleep(Duration::from_millis(400));
        drop(inputs);
    });
    let mut link = FakeLink::default();
    let mut log = Log::new(Vec::new(), true);
    run_querier(&mut router, &mut link, &received, &mut log).unwrap();
    sender.join().unwrap();
    let text = String::from_utf8(log.into_inner()).unwrap();
    assert!(text.contains("querier 10.0.0.1"), "{text}");
    assert!(text.contains("group 239.1.1.1 exclude"), "{text}");
    assert!(
        text.contains("received 10.0.0.2 report IGMPv3 TO_EX(239.1.1.1)"),
        "{text}"
    );
    assert!(text.contains("ignored: a test"), "{text}");
    // Startup queries: the first at once, the next a quarter of the Query Interval later.
    let queries = link
        .0
        .iter()
        .filter(|t| matches!(t.message(), Ok(Message::Query(_))))
        .count();
    assert!(queries >= 2, "{queries} queries: {text}");
    assert!(router.should_forward(Ipv4Addr::new(198, 51, 100, 1), GROUP));
}

#[test]
fn listener_loop_joins_commands_and_leaves_at_the_end() {
    let mut config = HostConfig::<Ipv4>::new(HOST);
    config.unsolicited_report_interval = Duration::from_millis(50);
    let mut host = Host::<Ipv4, Instant>::new(config);
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(7);
    let (inputs, received) = mpsc::channel();
    let specific = "232.1.1.1@10.0.0.9".parse().unwrap();
    inputs
        .send(Input::Command(Command::Join(specific)))
        .unwrap();
    inputs.send(Input::EndOfCommands).unwrap();
    let mut link = FakeLink::default();
    let mut log = Log::new(Vec::new(), true);
    let start = Instant::now();
    run_listener(
        &mut host,
        &mut rng,
        &mut link,
        &received,
        &[Membership {
            group: GROUP,
            source: None,
        }],
        &mut log,
    )
    .unwrap();
    assert!(start.elapsed() < Duration::from_secs(2));
    let text = String::from_utf8(log.into_inner()).unwrap();
    assert!(text.contains("reception 239.1.1.1 exclude"), "{text}");
    assert!(text.contains("reception 232.1.1.1 include"), "{text}");
    assert!(text.contains("reception 239.1.1.1 none"), "{text}");
    assert!(text.contains("reception 232.1.1.1 none"), "{text}");
    assert!(host.groups().next().is_none());
    // Every report a robustness of 2 calls for was sent before the loop returned.
    let last = link.0.last().unwrap().message().unwrap();
    let Message::ReportV3(records) = last else {
        panic!("{last:?}")
    };
    assert!(
        records
            .iter()
            .all(|r| r.record_type == RecordType::ChangeToIncludeMode
                || r.record_type == RecordType::BlockOldSources),
        "{records:?}"
    );
}

#[test]
fn describe_messages() {
    let leave = Message::<Ipv4Addr>::Leave { group: GROUP };
    assert_eq!(describe::<Ipv4>(&leave), "leave 239.1.1.1");
    let report = Message::<Ipv6Addr>::Report {
        version: Version::V2,
        group: "ff15::1".parse().unwrap(),
    };
    assert_eq!(describe::<Ipv6>(&report), "report MLDv1 ff15::1");
}
