//! A LAN in memory: two routers and hosts of every version on one link, every message carried as
//! the bytes the codec built and parsed again by each receiver, under many RNG seeds.
//!
//! Checked against the RFC bounds (RFC 3376/9776 §6.6.2, §6.4, §7.3.2, §8; RFC 3810):
//! - the lowest address is elected querier at once, and the other router takes over within the
//!   Other Querier Present Interval when it leaves;
//! - every host's membership is known to the querier at once when it joins, and within the
//!   Query Response Interval of a General Query when it joined before the routers came up;
//! - a leave is noticed within the Last Member Query Time;
//! - an IGMPv2 host drives its group into IGMPv2 compatibility mode, and the group returns to
//!   IGMPv3 mode an Older Host Present Interval after the last IGMPv2 report.
#![allow(
    clippy::cast_possible_truncation,
    clippy::unchecked_time_subtraction,
    clippy::too_many_lines
)]

mod common;

use std::net::{Ipv4Addr, Ipv6Addr};
use std::time::Duration;

use common::*;
use mcast_addr::family::{Ipv4, Ipv6};
use mcast_igmp::gmp::{Gmp, HostConfig, Message, RouterConfig, Transmit, Version};
use mcast_igmp::host::{Host, SocketId};
use mcast_igmp::router::Router;

struct Lan<F: Gmp> {
    now: Duration,
    rng: TestRng,
    routers: Vec<Router<F, Duration>>,
    hosts: Vec<Host<F, Duration>>,
    /// Every message sent, with its time.
    log: Vec<(Duration, Transmit<F>)>,
}

impl<F: Gmp> Lan<F> {
    fn new(seed: u64, routers: Vec<Router<F, Duration>>, hosts: Vec<Host<F, Duration>>) -> Self {
        Self {
            now: Duration::ZERO,
            rng: TestRng::new(seed),
            routers,
            hosts,
            log: Vec::new(),
        }
    }

    /// Delivers everything queued, as bytes, to every other node, until the link is quiet.
    fn flush(&mut self) {
        loop {
            let mut sent: Vec<(usize, Transmit<F>)> = Vec::new();
            for (i, r) in self.routers.iter_mut().enumerate() {
                sent.extend(drain(|| r.poll_transmit()).into_iter().map(|t| (i, t)));
            }
            let n = self.routers.len();
            for (i, h) in self.hosts.iter_mut().enumerate() {
                sent.extend(drain(|| h.poll_transmit()).into_iter().map(|t| (n + i, t)));
            }
            if sent.is_empty() {
                return;
            }
            for (from, t) in sent {
                for (i, r) in self.routers.iter_mut().enumerate() {
                    if i != from {
                        r.handle_packet(self.now, t.source, t.destination, &t.payload)
                            .unwrap();
                    }
                }
                for (i, h) in self.hosts.iter_mut().enumerate() {
                    if n + i != from {
                        h.handle_packet(
                            self.now,
                            &mut self.rng,
                            t.source,
                            t.destination,
                            &t.payload,
                        )
                        .unwrap();
                    }
                }
                self.log.push((self.now, t));
            }
        }
    }

    /// Runs every timer up to `until`.
    fn run_until(&mut self, until: Duration) {
        self.flush();
        loop {
            let next = self
                .routers
                .iter()
                .filter_map(Router::poll_timeout)
                .chain(self.hosts.iter().filter_map(Host::poll_timeout))
                .min();
            match next {
                Some(t) if t <= until => {
                    self.now = self.now.max(t);
                    for r in &mut self.routers {
                        r.handle_timeout(self.now);
                    }
                    for h in &mut self.hosts {
                        h.handle_timeout(self.now, &mut self.rng);
                    }
                    self.flush();
                }
                _ => break,
            }
        }
        self.now = until;
    }

    /// Runs until `check` holds, or `deadline`; returns when it first held.
    fn run_until_true(
        &mut self,
        deadline: Duration,
        mut check: impl FnMut(&Self) -> bool,
    ) -> Option<Duration> {
        let step = Duration::from_millis(50);
        loop {
            if check(self) {
                return Some(self.now);
            }
            if self.now >= deadline {
                return None;
            }
            let next = (self.now + step).min(deadline);
            self.run_until(next);
        }
    }

    fn last_sent(&self, matches: impl Fn(&Transmit<F>) -> bool) -> Option<Duration> {
        self.log
            .iter()
            .rev()
            .find(|(_, t)| matches(t))
            .map(|(at, _)| *at)
    }
}

const R1: Ipv4Addr = Ipv4Addr::new(10, 0, 0, 1);
const R2: Ipv4Addr = Ipv4Addr::new(10, 0, 0, 2);

fn g(n: u8) -> Ipv4Addr {
    Ipv4Addr::new(239, 0, 0, n)
}

fn src(n: u8) -> Ipv4Addr {
    Ipv4Addr::new(198, 51, 100, n)
}

fn igmp_host(n: u8, version: Version) -> Host<Ipv4, Duration> {
    let mut config = HostConfig::new(Ipv4Addr::new(10, 0, 0, 100 + n));
    config.version = version;
    Host::new(config)
}

/// Bounds with the default timers: GMI 270 s, OQPI 255 s, OHPI 260 s, LMQT 2 s, QRI 10 s.
const OTHER_QUERIER_PRESENT_INTERVAL: Duration = Duration::from_secs(255);
const OLDER_HOST_PRESENT_INTERVAL: Duration = Duration::from_secs(260);
const LAST_MEMBER_QUERY_TIME: Duration = Duration::from_secs(2);
const QUERY_RESPONSE_INTERVAL: Duration = Duration::from_secs(10);
const EPSILON: Duration = Duration::from_millis(100);

#[test]
fn lan_igmp_two_routers_and_v1_v2_v3_hosts() {
    for seed in 0..16 {
        let routers = vec![
            Router::new(RouterConfig::new(R2)),
            Router::new(RouterConfig::new(R1)),
        ];
        let hosts = vec![
            igmp_host(0, Version::V3), // joins G1 any-source, then leaves
            igmp_host(1, Version::V3), // joins G2 from one source
            igmp_host(2, Version::V2), // joins G3
            igmp_host(3, Version::V1), // joins G4
            igmp_host(4, Version::V3), // joined G5 before the routers came up
            igmp_host(5, Version::V3), // joins G3 too, later
        ];
        let mut lan = Lan::new(seed, routers, hosts);
        let (now, rng) = (lan.now, &mut lan.rng);
        for h in &mut lan.hosts {
            h.enable(now, rng);
        }
        lan.hosts[4]
            .join_group(now, rng, SocketId(1), g(5))
            .unwrap();
        lan.run_until(secs(5));
        for r in &mut lan.routers {
            r.enable(secs(5));
        }
        lan.flush();
        // §6.6.2: the lowest address wins at once.
        assert!(
            lan.routers[1].is_querier() && !lan.routers[0].is_querier(),
            "seed {seed}"
        );
        assert_eq!(lan.routers[0].querier(), Some(R1));

        // G5 was joined before the routers: the startup General Query finds it within the QRI.
        let known = lan.run_until_true(secs(5) + QUERY_RESPONSE_INTERVAL, |l| {
            l.routers.iter().all(|r| r.should_forward(src(1), g(5)))
        });
        assert!(
            known.is_some(),
            "seed {seed}: G5 within the Query Response Interval"
        );

        // Joins are known at once (the unsolicited report).
        let t = secs(20);
        lan.run_until(t);
        let rng = &mut lan.rng;
        lan.hosts[0].join_group(t, rng, SocketId(1), g(1)).unwrap();
        lan.hosts[1]
            .join_source_group(t, rng, SocketId(1), g(2), src(7))
            .unwrap();
        lan.hosts[2].join_group(t, rng, SocketId(1), g(3)).unwrap();
        lan.hosts[3].join_group(t, rng, SocketId(1), g(4)).unwrap();
        lan.flush();
        for r in &lan.routers {
            assert!(r.should_forward(src(1), g(1)));
            assert!(r.should_forward(src(7), g(2)) && !r.should_forward(src(8), g(2)));
            assert!(r.should_forward(src(1), g(3)));
            assert!(r.should_forward(src(1), g(4)));
        }
        assert_eq!(lan.routers[1].compatibility_mode(g(3)), Some(Version::V2));
        assert_eq!(lan.routers[1].compatibility_mode(g(4)), Some(Version::V1));
        assert_eq!(lan.routers[1].compatibility_mode(g(1)), Some(Version::V3));

        // Memberships survive many query rounds.
        lan.run_until(secs(600));
        for (group, source) in [
            (g(1), src(1)),
            (g(2), src(7)),
            (g(3), src(1)),
            (g(4), src(1)),
            (g(5), src(1)),
        ] {
            assert!(
                lan.routers[1].should_forward(source, group),
                "seed {seed}: {group}"
            );
        }

        // A v3 leave is noticed within the Last Member Query Time.
        let t = lan.now;
        let rng = &mut lan.rng;
        lan.hosts[0].leave_group(t, rng, SocketId(1), g(1)).unwrap();
        let gone = lan.run_until_true(t + LAST_MEMBER_QUERY_TIME + EPSILON, |l| {
            !l.routers[1].should_forward(src(1), g(1))
        });
        let gone = gone.unwrap_or_else(|| panic!("seed {seed}: leave not noticed"));
        assert!(
            gone >= t + LAST_MEMBER_QUERY_TIME - EPSILON,
            "seed {seed}: not before the queries ran"
        );

        // The v2 host leaves; a v3 host joins G3 at once: the group stays in IGMPv2 mode until
        // an Older Host Present Interval after the last IGMPv2 report, then returns to IGMPv3.
        let t = lan.now;
        let rng = &mut lan.rng;
        lan.hosts[5].join_group(t, rng, SocketId(1), g(3)).unwrap();
        lan.hosts[2].leave_group(t, rng, SocketId(1), g(3)).unwrap();
        lan.flush();
        let last_v2 = lan
            .last_sent(|t| {
                matches!(
                    t.message(),
                    Ok(Message::Report {
                        version: Version::V2,
                        ..
                    })
                )
            })
            .unwrap();
        assert!(
            lan.routers[1].should_forward(src(1), g(3)),
            "the v3 member keeps G3"
        );
        lan.run_until(last_v2 + OLDER_HOST_PRESENT_INTERVAL - EPSILON);
        assert_eq!(
            lan.routers[1].compatibility_mode(g(3)),
            Some(Version::V2),
            "seed {seed}"
        );
        lan.run_until(last_v2 + OLDER_HOST_PRESENT_INTERVAL + EPSILON);
        assert_eq!(
            lan.routers[1].compatibility_mode(g(3)),
            Some(Version::V3),
            "seed {seed}"
        );

        // The querier leaves: the other router takes over within the Other Querier Present
        // Interval of the last query it heard.
        lan.routers[1].disable();
        let last_query = lan
            .last_sent(|t| t.source == R1 && matches!(t.message(), Ok(Message::Query(_))))
            .unwrap();
        let took_over = lan
            .run_until_true(last_query + OTHER_QUERIER_PRESENT_INTERVAL + EPSILON, |l| {
                l.routers[0].is_querier()
            })
            .unwrap_or_else(|| panic!("seed {seed}: no new querier"));
        assert!(took_over >= last_query + OTHER_QUERIER_PRESENT_INTERVAL - EPSILON);
        lan.run_until(lan.now + secs(300));
        for (group, source) in [
            (g(2), src(7)),
            (g(3), src(1)),
            (g(4), src(1)),
            (g(5), src(1)),
        ] {
            assert!(
                lan.routers[0].should_forward(source, group),
                "seed {seed}: {group} after re-election"
            );
        }
        assert!(!lan.routers[0].should_forward(src(1), g(1)));
    }
}

#[test]
fn lan_mld_two_routers_mldv1_and_mldv2_listeners() {
    let r1: Ipv6Addr = "fe80::1".parse().unwrap();
    let r2: Ipv6Addr = "fe80::2".parse().unwrap();
    let group: Ipv6Addr = "ff0e::1234".parse().unwrap();
    let ssm: Ipv6Addr = "ff3e::8000:1".parse().unwrap();
    let source: Ipv6Addr = "2001:db8::7".parse().unwrap();
    for seed in 0..16 {
        let mut v1 = HostConfig::new("fe80::100".parse().unwrap());
        v1.version = Version::V2;
        let hosts = vec![
            Host::new(v1),
            Host::new(HostConfig::new("fe80::101".parse().unwrap())),
        ];
        let mut lan: Lan<Ipv6> = Lan::new(
            seed,
            vec![
                Router::new(RouterConfig::new(r2)),
                Router::new(RouterConfig::new(r1)),
            ],
            hosts,
        );
        let (now, rng) = (lan.now, &mut lan.rng);
        for h in &mut lan.hosts {
            h.enable(now, rng);
        }
        for r in &mut lan.routers {
            r.enable(now);
        }
        lan.flush();
        assert!(lan.routers[1].is_querier() && !lan.routers[0].is_querier());
        let rng = &mut lan.rng;
        lan.hosts[0]
            .join_group(secs(1), rng, SocketId(1), group)
            .unwrap();
        lan.hosts[1]
            .join_source_group(secs(1), rng, SocketId(1), ssm, source)
            .unwrap();
        lan.now = secs(1);
        lan.flush();
        assert_eq!(
            lan.routers[1].compatibility_mode(group),
            Some(Version::V2),
            "MLDv1 mode"
        );
        assert!(lan.routers[1].should_forward(source, ssm));
        assert!(!lan.routers[1].should_forward("2001:db8::8".parse().unwrap(), ssm));
        lan.run_until(secs(400));
        assert!(lan.routers[1].should_forward(source, group));
        let t = lan.now;
        let rng = &mut lan.rng;
        lan.hosts[0]
            .leave_group(t, rng, SocketId(1), group)
            .unwrap();
        let gone = lan.run_until_true(t + LAST_MEMBER_QUERY_TIME + EPSILON, |l| {
            !l.routers[1].should_forward(source, group)
        });
        assert!(
            gone.is_some(),
            "seed {seed}: MLDv1 Done noticed within LMQT"
        );
    }
}
