//! The `mcast demo` scenario: IGMP and MLD on one simulated LAN for a few minutes.
//!
//! Two dual-stack routers elect a querier (the lowest address wins, RFC 3376/9776 §6.6.2);
//! IGMPv3 hosts join, one of them source-specifically in 232/8 (RFC 4604); an IGMPv2 host joins
//! the same group as an IGMPv3 host, which puts the group in IGMPv2 compatibility mode until the
//! Older Host Present Interval passes after the IGMPv2 host left (§7.3.2); the querier
//! disappears and the other router takes over when its Other Querier Present timer expires
//! (§6.6.2); an MLDv2 listener joins and leaves on IPv6 (RFC 3810) through all of it.
//!
//! [`run`] prints the timeline and a summary, and writes the capture.
//!
//! ```
//! use mcast_sim::demo::{DemoOptions, run};
//!
//! let options = DemoOptions { pcap: None, ..DemoOptions::default() };
//! let mut timeline = Vec::new();
//! let sim = run(&options, &mut timeline)?;
//! let timeline = String::from_utf8(timeline).unwrap();
//! assert!(timeline.contains("takes over as IGMP querier"));
//! assert!(!sim.recorder().frames().is_empty());
//! # Ok::<(), mcast_sim::SimError>(())
//! ```

use std::fs::File;
use std::io::{BufWriter, Write};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::path::PathBuf;
use std::time::Duration;

use mcast_addr::family::{Ipv4, Ipv6};
use mcast_igmp::gmp::{FilterMode, HostConfig, RouterConfig, Version};

use crate::error::SimError;
use crate::gmp::{GmpHost, GmpRouter};
use crate::node::{Context, NodeId};
use crate::recorder::{TimelineStyle, format_time};
use crate::sim::Simulation;

/// router-A's IPv4 address: the lowest, so router-A wins the querier election.
pub const ROUTER_A: Ipv4Addr = Ipv4Addr::new(10, 0, 0, 1);
/// router-A's link-local address.
pub const ROUTER_A_LINK_LOCAL: Ipv6Addr = Ipv6Addr::new(0xfe80, 0, 0, 0, 0, 0, 0, 1);
/// router-B's IPv4 address.
pub const ROUTER_B: Ipv4Addr = Ipv4Addr::new(10, 0, 0, 2);
/// router-B's link-local address.
pub const ROUTER_B_LINK_LOCAL: Ipv6Addr = Ipv6Addr::new(0xfe80, 0, 0, 0, 0, 0, 0, 2);
/// The IGMPv3 host's address.
pub const HOST_V3: Ipv4Addr = Ipv4Addr::new(10, 0, 0, 11);
/// The IGMPv2 host's address.
pub const HOST_V2: Ipv4Addr = Ipv4Addr::new(10, 0, 0, 12);
/// The source-specific IGMPv3 host's address.
pub const HOST_SSM: Ipv4Addr = Ipv4Addr::new(10, 0, 0, 13);
/// The MLDv2 listener's link-local address.
pub const LISTENER: Ipv6Addr = Ipv6Addr::new(0xfe80, 0, 0, 0, 0, 0, 0, 0x14);
/// The any-source group the IGMPv3 and IGMPv2 hosts join.
pub const GROUP: Ipv4Addr = Ipv4Addr::new(239, 1, 1, 1);
/// The source-specific group (in 232/8, RFC 4607).
pub const SSM_GROUP: Ipv4Addr = Ipv4Addr::new(232, 1, 1, 1);
/// The one source the SSM host wants.
pub const SSM_SOURCE: Ipv4Addr = Ipv4Addr::new(192, 0, 2, 10);
/// The IPv6 group the listener joins.
pub const IPV6_GROUP: Ipv6Addr = Ipv6Addr::new(0xff0e, 0, 0, 0, 0, 0, 0xdb8, 1);

/// The Query Interval of the demo's routers: 60 s instead of RFC 3376/9776 §8.2's 125 s, so
/// that every phase fits in five minutes.
pub const QUERY_INTERVAL: Duration = Duration::from_secs(60);

/// Options of [`run`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoOptions {
    /// Where the capture goes (`mcast-demo.pcap` by default); `None` writes none.
    pub pcap: Option<PathBuf>,
    /// Simulated time: 5 minutes by default, which shows every phase.
    pub duration: Duration,
    /// The seed of the nodes' RNGs: the same seed gives the same timeline and capture.
    pub seed: u64,
    /// How the timeline is printed.
    pub style: TimelineStyle,
}

impl Default for DemoOptions {
    fn default() -> Self {
        Self {
            pcap: Some(PathBuf::from("mcast-demo.pcap")),
            duration: Duration::from_secs(5 * 60),
            seed: 1,
            style: TimelineStyle::default(),
        }
    }
}

/// The nodes of the scenario.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DemoNodes {
    /// router-A (10.0.0.1, fe80::1).
    pub router_a: NodeId,
    /// router-B (10.0.0.2, fe80::2).
    pub router_b: NodeId,
    /// host-v3, an IGMPv3 host.
    pub host_v3: NodeId,
    /// host-v2, an IGMPv2 host.
    pub host_v2: NodeId,
    /// host-ssm, an IGMPv3 host with a source-specific join.
    pub host_ssm: NodeId,
    /// listener, an MLDv2 listener.
    pub listener: NodeId,
}

fn router_config<F: mcast_igmp::gmp::Gmp>(address: F::Addr) -> RouterConfig<F> {
    let mut config = RouterConfig::new(address);
    config.query_interval = QUERY_INTERVAL;
    config
}

fn at(minutes: u64, seconds: u64) -> Duration {
    Duration::from_secs(minutes.saturating_mul(60).saturating_add(seconds))
}

fn join(group: IpAddr) -> impl FnOnce(&mut GmpHost, &mut Context<'_>) -> Result<(), SimError> {
    move |host, cx| host.join(cx, group)
}

fn leave(group: IpAddr) -> impl FnOnce(&mut GmpHost, &mut Context<'_>) -> Result<(), SimError> {
    move |host, cx| host.leave(cx, group)
}

/// The scenario, scripted and not yet run: the nodes on one LAN and every action.
///
/// # Errors
///
/// None in practice; the simulation's errors for a broken script.
pub fn scenario(seed: u64) -> Result<(Simulation, DemoNodes), SimError> {
    let mut sim = Simulation::new(seed);
    let lan = sim.add_link("lan");

    let router = |v4: Ipv4Addr, v6: Ipv6Addr| {
        GmpRouter::new()
            .with_igmp(router_config::<Ipv4>(v4))
            .with_mld(router_config::<Ipv6>(v6))
    };
    let router_a = sim.add_node("router-A", router(ROUTER_A, ROUTER_A_LINK_LOCAL));
    let router_b = sim.add_node("router-B", router(ROUTER_B, ROUTER_B_LINK_LOCAL));
    let host_v3 = sim.add_node(
        "host-v3",
        GmpHost::new().with_igmp(HostConfig::new(HOST_V3)),
    );
    let mut v2 = HostConfig::<Ipv4>::new(HOST_V2);
    v2.version = Version::V2;
    // RFC 2236 §8.10: an IGMPv2 host repeats its unsolicited report within 10 s.
    v2.unsolicited_report_interval = Duration::from_secs(10);
    let host_v2 = sim.add_node("host-v2", GmpHost::new().with_igmp(v2));
    let host_ssm = sim.add_node(
        "host-ssm",
        GmpHost::new().with_igmp(HostConfig::new(HOST_SSM)),
    );
    let listener = sim.add_node(
        "listener",
        GmpHost::new().with_mld(HostConfig::new(LISTENER)),
    );

    sim.attach(router_a, lan, [ROUTER_A.into(), ROUTER_A_LINK_LOCAL.into()])?;
    sim.attach(router_b, lan, [ROUTER_B.into(), ROUTER_B_LINK_LOCAL.into()])?;
    sim.attach(host_v3, lan, [HOST_V3.into()])?;
    sim.attach(host_v2, lan, [HOST_V2.into()])?;
    sim.attach(host_ssm, lan, [HOST_SSM.into()])?;
    sim.attach(listener, lan, [LISTENER.into()])?;

    let group = IpAddr::V4(GROUP);
    let ipv6_group = IpAddr::V6(IPV6_GROUP);

    // Querier election: router-B is alone for two seconds, then router-A's lower address wins.
    sim.start_at(Duration::ZERO, router_b, "starts: IGMPv3 and MLDv2 enabled");
    for node in [host_v3, host_v2, host_ssm, listener] {
        sim.start_at(Duration::ZERO, node, "starts");
    }
    sim.start_at(at(0, 2), router_a, "starts: IGMPv3 and MLDv2 enabled");

    // Joins: any-source IGMPv3, source-specific IGMPv3, MLDv2, then IGMPv2 in the same group.
    sim.at(
        at(0, 5),
        host_v3,
        format!("joins {GROUP} from any source"),
        join(group),
    );
    sim.at(
        at(0, 10),
        host_ssm,
        format!("joins {SSM_GROUP} from {SSM_SOURCE} only (source-specific)"),
        |host: &mut GmpHost, cx| {
            host.set_filter(
                cx,
                SSM_GROUP.into(),
                FilterMode::Include,
                &[SSM_SOURCE.into()],
            )
        },
    );
    sim.at(
        at(0, 15),
        listener,
        format!("joins {IPV6_GROUP} from any source"),
        join(ipv6_group),
    );
    sim.at(
        at(0, 20),
        host_v2,
        format!("joins {GROUP} with IGMPv2"),
        join(group),
    );

    // The IGMPv2 host leaves; the group stays in IGMPv2 mode for the Older Host Present Interval.
    sim.at(
        at(0, 40),
        host_v2,
        format!("leaves {GROUP} (IGMPv2 Leave)"),
        leave(group),
    );

    // The querier disappears; router-B takes over after the Other Querier Present Interval.
    sim.stop_at(at(2, 50), router_a, "stops: the querier disappears");

    // Leaves under the new querier.
    sim.at(at(4, 30), host_v3, format!("leaves {GROUP}"), leave(group));
    sim.at(
        at(4, 40),
        listener,
        format!("leaves {IPV6_GROUP}"),
        leave(ipv6_group),
    );

    Ok((
        sim,
        DemoNodes {
            router_a,
            router_b,
            host_v3,
            host_v2,
            host_ssm,
            listener,
        },
    ))
}

/// Runs the demo: prints an introduction, the timeline and a summary to `out`, and writes the
/// capture to [`DemoOptions::pcap`]. Returns the simulation, run, for a caller to inspect.
///
/// # Errors
///
/// Writing to `out` or the capture file failed, or the simulation failed.
pub fn run(options: &DemoOptions, mut out: impl Write) -> Result<Simulation, SimError> {
    let (mut sim, nodes) = scenario(options.seed)?;
    sim.run_until(options.duration)?;

    write_introduction(&mut out, &sim, nodes, options)?;
    sim.recorder().write_timeline(&mut out, options.style)?;
    writeln!(out)?;
    write_summary(&mut out, &sim, nodes)?;

    match &options.pcap {
        Some(path) => {
            let mut file = BufWriter::new(File::create(path)?);
            sim.recorder().write_pcap(&mut file)?;
            file.flush()?;
            writeln!(
                out,
                "Capture: {} ({} frames), open it in Wireshark.",
                path.display(),
                sim.recorder().frames().len()
            )?;
        }
        None => writeln!(out, "Capture: not written.")?,
    }
    out.flush()?;
    Ok(sim)
}

fn write_introduction(
    out: &mut impl Write,
    sim: &Simulation,
    nodes: DemoNodes,
    options: &DemoOptions,
) -> Result<(), SimError> {
    writeln!(
        out,
        "mcast demo: IGMP and MLD on one simulated Ethernet LAN, {} of simulated time, seed {}",
        format_time(options.duration),
        options.seed
    )?;
    writeln!(out)?;
    let rows: [(&str, String, &str); 6] = [
        (
            "router-A",
            format!("{ROUTER_A}  {ROUTER_A_LINK_LOCAL}"),
            "IGMPv3 and MLDv2 router",
        ),
        (
            "router-B",
            format!("{ROUTER_B}  {ROUTER_B_LINK_LOCAL}"),
            "IGMPv3 and MLDv2 router",
        ),
        ("host-v3", HOST_V3.to_string(), "IGMPv3 host"),
        ("host-v2", HOST_V2.to_string(), "IGMPv2 host"),
        (
            "host-ssm",
            HOST_SSM.to_string(),
            "IGMPv3 host, source-specific join in 232/8",
        ),
        ("listener", LISTENER.to_string(), "MLDv2 listener"),
    ];
    for (name, addresses, role) in rows {
        writeln!(out, "  {name:<9} {addresses:<21} {role}")?;
    }
    if let Some(router) = sim
        .node::<GmpRouter>(nodes.router_a)
        .and_then(GmpRouter::igmp)
    {
        writeln!(out)?;
        writeln!(
            out,
            "  Query Interval {} s (RFC default 125 s, shortened to fit), Query Response Interval \
             {} s, Robustness {}:",
            router.query_interval().as_secs(),
            router.config().query_response_interval.as_secs(),
            router.robustness()
        )?;
        writeln!(
            out,
            "  Other Querier Present Interval {} s, Older Host Present Interval {} s, Group \
             Membership Interval {} s.",
            router.other_querier_present_interval().as_secs_f64(),
            router.older_host_present_interval().as_secs_f64(),
            router.group_membership_interval().as_secs_f64()
        )?;
    }
    writeln!(
        out,
        "  → a message sent, ▶ a scripted action, ★ the querier or its membership table changed."
    )?;
    writeln!(out)?;
    Ok(())
}

fn write_summary(out: &mut impl Write, sim: &Simulation, nodes: DemoNodes) -> Result<(), SimError> {
    let counts = sim.recorder().message_counts();
    let total: usize = counts.values().sum();
    writeln!(
        out,
        "Summary: {total} messages in {} of simulated time.",
        format_time(sim.now())
    )?;
    let width = counts.keys().map(|kind| kind.len()).max().unwrap_or(0);
    for (kind, count) in &counts {
        writeln!(out, "  {kind:<width$}  {count:>4}")?;
    }
    // The querier's table at the end: what the forwarding plane would do.
    for id in [nodes.router_a, nodes.router_b] {
        let Some(router) = sim.node::<GmpRouter>(id) else {
            continue;
        };
        let name = sim.recorder().node_name(id);
        if let Some(igmp) = router.igmp().filter(|r| r.is_querier()) {
            let table = igmp.groups().map(|group| {
                let sources = igmp.sources(group).map(|(s, _)| s.to_string());
                table_row(group, igmp.filter_mode(group), sources)
            });
            write_table(out, "IGMP", name, igmp.config().address, table)?;
        }
        if let Some(mld) = router.mld().filter(|r| r.is_querier()) {
            let table = mld.groups().map(|group| {
                let sources = mld.sources(group).map(|(s, _)| s.to_string());
                table_row(group, mld.filter_mode(group), sources)
            });
            write_table(out, "MLD", name, mld.config().address, table)?;
        }
    }
    Ok(())
}

fn table_row(
    group: impl std::fmt::Display,
    mode: Option<FilterMode>,
    sources: impl Iterator<Item = String>,
) -> String {
    let sources: Vec<String> = sources.collect();
    match mode {
        Some(FilterMode::Include) => format!("{group} INCLUDE {{{}}}", sources.join(", ")),
        Some(FilterMode::Exclude) => format!("{group} EXCLUDE {{{}}}", sources.join(", ")),
        None => format!("{group} (no record)"),
    }
}

fn write_table(
    out: &mut impl Write,
    protocol: &str,
    name: &str,
    address: impl std::fmt::Display,
    rows: impl Iterator<Item = String>,
) -> Result<(), SimError> {
    let rows: Vec<String> = rows.collect();
    let rows = if rows.is_empty() {
        "no group".to_owned()
    } else {
        rows.join("; ")
    };
    writeln!(
        out,
        "{protocol} querier at the end: {name} {address}: {rows}"
    )?;
    Ok(())
}
