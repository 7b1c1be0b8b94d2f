//! A 48-port snooping switch with 100,000 groups (criterion).
//!
//! Setup: one VLAN, 48 ports, a querier on port 48 (a router port learned from its Query),
//! 100,000 any-source groups, each reported (IGMPv2) by one host on each of 4 ports spread over
//! ports 1–47: 400,000 port memberships, each a group record of a port's membership router.
//!
//! - `snoop/ports_for`: the forwarding decision for one data packet (`ports_for`), random group.
//! - `snoop/handle_frame_data`: the same through `handle_frame` (classification included).
//! - `snoop/handle_frame_report`: one IGMPv2 report refreshing an existing membership: parse,
//!   the port's router, the table's derivation; the decision is the router port.
//! - `snoop/handle_frame_query`: a Group-Specific Query from the querier: parsed once, handed to
//!   the 48 ports' routers, flooded.
//! - `snoop/handle_timeout_idle`: `handle_timeout` with nothing due.
//!
//! Memory per port membership and per group is printed before the benchmarks run: the growth
//! of the resident set while the state is built, divided by the count (Linux). The same is
//! printed for every group on 47 ports (4.7 million memberships) with `SNOOP_FULL=1` (the
//! smaller setup built after it then reuses the freed memory and prints no figure).

#![allow(clippy::cast_precision_loss, clippy::cast_possible_truncation)]

use std::hint::black_box;
use std::net::Ipv4Addr;
use std::time::{Duration, Instant};

use criterion::{Criterion, criterion_group, criterion_main};
use mcast_addr::family::Ipv4;
use mcast_igmp::gmp::codec::encode;
use mcast_igmp::gmp::{Message, Query, Version};
use mcast_igmp::snoop::{Frame, PortConfig, PortId, SnoopConfig, Switch, VlanId};

const GROUPS: u32 = 100_000;
const PORTS: u16 = 48;
const VLAN: VlanId = VlanId(1);
const ROUTER: Ipv4Addr = Ipv4Addr::new(10, 0, 0, 1);
const ALL_SYSTEMS: Ipv4Addr = Ipv4Addr::new(224, 0, 0, 1);

fn group(i: u32) -> Ipv4Addr {
    Ipv4Addr::from(0xe900_0000_u32 + i)
}

fn host(port: u16) -> Ipv4Addr {
    Ipv4Addr::new(10, 0, 1, port as u8)
}

fn report(group: Ipv4Addr, from: Ipv4Addr) -> Vec<u8> {
    encode::<Ipv4>(
        &Message::Report {
            version: Version::V2,
            group,
        },
        from,
        group,
        1500,
    )
    .unwrap()
    .remove(0)
}

fn query(group: Ipv4Addr) -> Vec<u8> {
    let message = Message::Query(Query {
        version: Version::V2,
        group,
        max_response_time: Duration::from_secs(if group.is_unspecified() { 10 } else { 1 }),
        suppress_router_side_processing: false,
        robustness: 0,
        query_interval: Duration::ZERO,
        sources: Vec::new(),
    });
    let destination = if group.is_unspecified() {
        ALL_SYSTEMS
    } else {
        group
    };
    encode::<Ipv4>(&message, ROUTER, destination, 1500)
        .unwrap()
        .remove(0)
}

fn resident_bytes() -> Option<usize> {
    let statm = std::fs::read_to_string("/proc/self/statm").ok()?;
    let pages: usize = statm.split_whitespace().nth(1)?.parse().ok()?;
    Some(pages * 4096)
}

/// The member ports of group `i`: `members` ports spread over 1..=47.
fn members(i: u32, members: u16) -> impl Iterator<Item = u16> {
    (0..members).map(move |k| 1 + ((i as u16).wrapping_mul(7).wrapping_add(k * 11)) % (PORTS - 1))
}

fn build(per_group: u16) -> (Switch<Ipv4, Duration>, Duration) {
    let mut config = SnoopConfig::<Ipv4>::new(Ipv4Addr::new(10, 0, 0, 200));
    config.max_groups = 200_000;
    config.groups_low_water = 180_000;
    let mut switch = Switch::new(config);
    let now = Duration::from_secs(1);
    switch.add_vlan(now, VLAN, false);
    for port in 1..=PORTS {
        switch.add_port(now, VLAN, PortId(port), PortConfig::default());
    }
    let general = query(Ipv4Addr::UNSPECIFIED);
    let frame = Frame {
        source: ROUTER,
        destination: ALL_SYSTEMS,
        protocol: 2,
        payload: &general,
    };
    switch.handle_frame(now, VLAN, PortId(PORTS), &frame);
    for i in 0..GROUPS {
        let g = group(i);
        for port in members(i, per_group) {
            let bytes = report(g, host(port));
            let frame = Frame {
                source: host(port),
                destination: g,
                protocol: 2,
                payload: &bytes,
            };
            switch.handle_frame(now, VLAN, PortId(port), &frame);
        }
        while switch.poll_event().is_some() {}
    }
    (switch, now)
}

fn measure(per_group: u16) -> (Switch<Ipv4, Duration>, Duration) {
    let before = resident_bytes();
    let start = Instant::now();
    let (switch, now) = build(per_group);
    let elapsed = start.elapsed();
    let memberships = f64::from(GROUPS) * f64::from(per_group);
    if let (Some(before), Some(after)) = (before, resident_bytes())
        && after > before
    {
        let grown = (after - before) as f64;
        eprintln!(
            "snoop: {GROUPS} groups x {per_group} member ports of {PORTS}: {} groups snooped, \
             {:.0} bytes per port membership, {:.0} bytes per group, built in {:.2} s \
             ({:.2} us per report)",
            switch.snooped_groups(),
            grown / memberships,
            grown / f64::from(GROUPS),
            elapsed.as_secs_f64(),
            elapsed.as_secs_f64() * 1e6 / memberships,
        );
    }
    (switch, now)
}

fn bench(c: &mut Criterion) {
    if std::env::var_os("SNOOP_FULL").is_some() {
        drop(measure(PORTS - 1));
    }
    let (mut switch, now) = measure(4);
    assert_eq!(switch.snooped_groups(), GROUPS as usize);

    let mut x: u32 = 0x9e37_79b9;
    let mut next = move || {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        x % GROUPS
    };
    let source = Ipv4Addr::new(198, 51, 100, 1);

    c.bench_function("snoop/ports_for", |b| {
        b.iter(|| {
            let g = group(next());
            black_box(switch.ports_for(VLAN, source, g, Some(PortId(PORTS))))
        });
    });

    let payload = [0u8; 64];
    c.bench_function("snoop/handle_frame_data", |b| {
        b.iter(|| {
            let frame = Frame {
                source,
                destination: group(next()),
                protocol: 17,
                payload: &payload,
            };
            black_box(switch.handle_frame(now, VLAN, PortId(PORTS), &frame))
        });
    });

    let reports: Vec<(u16, Ipv4Addr, Vec<u8>)> = (0..4096)
        .map(|_| {
            let i = next();
            let port = members(i, 4).next().unwrap();
            (port, group(i), report(group(i), host(port)))
        })
        .collect();
    let mut k = 0;
    c.bench_function("snoop/handle_frame_report", |b| {
        b.iter(|| {
            let (port, g, bytes) = &reports[k % reports.len()];
            k += 1;
            let frame = Frame {
                source: host(*port),
                destination: *g,
                protocol: 2,
                payload: bytes,
            };
            black_box(switch.handle_frame(now, VLAN, PortId(*port), &frame))
        });
    });

    let queries: Vec<(Ipv4Addr, Vec<u8>)> = (0..4096)
        .map(|_| {
            let g = group(next());
            (g, query(g))
        })
        .collect();
    let mut k = 0;
    c.bench_function("snoop/handle_frame_query", |b| {
        b.iter(|| {
            let (g, bytes) = &queries[k % queries.len()];
            k += 1;
            let frame = Frame {
                source: ROUTER,
                destination: *g,
                protocol: 2,
                payload: bytes,
            };
            black_box(switch.handle_frame(now, VLAN, PortId(PORTS), &frame))
        });
    });
    while switch.poll_event().is_some() {}

    c.bench_function("snoop/handle_timeout_idle", |b| {
        b.iter(|| switch.handle_timeout(black_box(now)));
    });
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(20).measurement_time(Duration::from_secs(3));
    targets = bench
}
criterion_main!(benches);
