//! The live lab: our IGMP/MLD querier (`mcast querier`) against the Linux kernel's host stack,
//! in network namespaces joined by veth pairs. Every packet our side sent is then read back
//! from the capture by our decoder and by tshark. See `LAB.md` for running it by hand.
//!
//! The lab needs root, `ip netns`, tcpdump, tshark and python3; without them it says why and
//! passes without running. Its scenarios run one after the other in one test, with short
//! intervals: Query Interval 2 s, Query Response Interval 1 s, Last Member Query Interval
//! 0.2 s, Robustness 2, so the Last Member Query Time is 0.4 s (RFC 3376/9776 §8.8-8.9).

#[path = "lab/netns.rs"]
mod netns;

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use mcast_tools::decode::{ProtocolSet, decode_file};
use netns::{Lab, missing_prerequisite};

const MCAST: &str = env!("CARGO_BIN_EXE_mcast");
const LAST_MEMBER_QUERY_INTERVAL: f64 = 0.2;
const LAST_MEMBER_QUERY_TIME: f64 = 2.0 * LAST_MEMBER_QUERY_INTERVAL;
/// Scheduling slack allowed around a measured time.
const SLACK: f64 = 0.15;
/// How long a kernel host may take to report a join: its Unsolicited Report Interval (1 s for
/// IGMPv3/MLDv2, 10 s for IGMPv2 and MLDv1, RFC 2236 §8.10) bounds only the retransmission;
/// the first report is immediate.
const REPORT_TIMEOUT: Duration = Duration::from_secs(3);

/// One run of scenario 1: a kernel host of one version against our querier.
struct KernelCase {
    label: &'static str,
    mld: bool,
    /// The sysctl that forces the kernel's version, with its value.
    force: Option<(&'static str, &'static str)>,
    /// An any-source group.
    group: &'static str,
    /// A source-specific membership (version 3 hosts only).
    source_specific: Option<(&'static str, &'static str)>,
    /// The compatibility mode the group must be driven into.
    compatibility: Option<&'static str>,
    /// How the host's leave of `group` reads in the querier's log.
    leave: String,
}

#[test]
fn lab() {
    if let Some(reason) = missing_prerequisite() {
        eprintln!("lab skipped: {reason}");
        return;
    }
    let started = Instant::now();
    let mut timings = Vec::new();
    let cases = [
        KernelCase {
            label: "IGMPv3",
            mld: false,
            force: None,
            group: "239.1.1.1",
            source_specific: Some(("232.1.1.1", "10.99.0.9")),
            compatibility: None,
            leave: "TO_IN(239.1.1.1)".into(),
        },
        KernelCase {
            label: "IGMPv2",
            mld: false,
            force: Some(("net.ipv4.conf.{}.force_igmp_version", "2")),
            group: "239.2.2.2",
            source_specific: None,
            compatibility: Some("compatibility 239.2.2.2 IGMPv2"),
            leave: "leave 239.2.2.2".into(),
        },
        KernelCase {
            label: "MLDv2",
            mld: true,
            force: None,
            group: "ff15::1:1",
            source_specific: Some(("ff3e::8000:1", "2001:db8::9")),
            compatibility: None,
            leave: "TO_IN(ff15::1:1)".into(),
        },
        KernelCase {
            label: "MLDv1",
            mld: true,
            force: Some(("net.ipv6.conf.{}.force_mld_version", "1")),
            group: "ff15::2:2",
            source_specific: None,
            compatibility: Some("compatibility ff15::2:2 MLDv1"),
            leave: "leave ff15::2:2".into(),
        },
    ];
    for case in &cases {
        kernel_host_against_our_querier(case, &mut timings);
    }
    println!("lab timings (RFC bound in brackets):");
    for line in &timings {
        println!("  {line}");
    }
    println!("lab: {:.1} s", started.elapsed().as_secs_f64());
}

/// Scenario 1 for one version, then scenario 4 over its capture.
#[allow(clippy::too_many_lines)] // one scenario, read top to bottom
fn kernel_host_against_our_querier(case: &KernelCase, timings: &mut Vec<String>) {
    let mut lab = Lab::new();
    let q = lab.add_namespace("q");
    let h = lab.add_namespace("h");
    let (querier_address, host_v4) = ("10.99.0.1", "10.99.0.2");
    let (iq, ih) = lab.link(
        ("q", "10.99.0.1/24", "fe80::1/64"),
        ("h", "10.99.0.2/24", "fe80::2/64"),
    );
    let ours = if case.mld { "fe80::1" } else { querier_address };
    let _ = host_v4;
    if let Some((sysctl, value)) = case.force {
        netns::run(
            "ip",
            &[
                "netns",
                "exec",
                &h,
                "sysctl",
                "-qw",
                &format!("{}={value}", sysctl.replace("{}", &ih)),
            ],
        );
    }
    let pcap = lab.capture(&q, &iq, case.label);
    let mut args = vec![
        "querier",
        "--interface",
        &iq,
        "--address",
        ours,
        "--verbose",
        "--query-interval",
        "2",
        "--query-response-interval",
        "1",
        "--last-member-query-interval",
        "0.2",
    ];
    if case.mld {
        args.push("--mld");
    }
    let querier = lab.spawn(&q, &format!("querier-{}", case.label), MCAST, &args);
    let join = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/lab/join.py");
    let host = lab.spawn(
        &h,
        &format!("kernel-{}", case.label),
        "python3",
        &[join, &ih],
    );
    lab.process(querier)
        .wait_for(0, &format!("querier {ours}"), Duration::from_secs(2));

    // Any-source join: the kernel's report teaches the group.
    let before = lab.process(querier).lines().len();
    lab.process(host).say(&format!("join {}", case.group));
    let (_, learned) = lab.process(querier).wait_for(
        before,
        &format!("group {} exclude", case.group),
        REPORT_TIMEOUT,
    );
    if let Some(compatibility) = case.compatibility {
        lab.process(querier)
            .wait_for(before, compatibility, REPORT_TIMEOUT);
    }
    timings.push(format!(
        "{}: any-source join learned at {learned:.3} s",
        case.label
    ));

    // Source-specific join.
    if let Some((group, source)) = case.source_specific {
        let before = lab.process(querier).lines().len();
        lab.process(host).say(&format!("join {group} {source}"));
        lab.process(querier).wait_for(
            before,
            &format!("source {group} {source} forward"),
            REPORT_TIMEOUT,
        );
        lab.process(querier)
            .wait_for(before, &format!("group {group} include"), REPORT_TIMEOUT);
    }

    // Any-source leave: group-specific queries, then expiry after the Last Member Query Time.
    let before = lab.process(querier).lines().len();
    lab.process(host).say(&format!("leave {}", case.group));
    let p = lab.process(querier);
    let (at, received) = p.wait_for(before, &case.leave, REPORT_TIMEOUT);
    p.wait_for(
        at,
        &format!("group {} max-response 0.2s", case.group),
        Duration::from_secs(1),
    );
    let (_, expired) = p.wait_for(
        at,
        &format!("group {} none", case.group),
        Duration::from_secs(2),
    );
    let elapsed = expired - received;
    timings.push(format!(
        "{}: leave to expiry {elapsed:.3} s [Last Member Query Time {LAST_MEMBER_QUERY_TIME} s]",
        case.label
    ));
    assert!(
        (LAST_MEMBER_QUERY_TIME - SLACK..=LAST_MEMBER_QUERY_TIME + SLACK).contains(&elapsed),
        "{}: expiry {elapsed} s after the leave",
        case.label
    );

    // Source-specific leave: group-and-source-specific queries, then the source expires.
    if let Some((group, source)) = case.source_specific {
        let before = lab.process(querier).lines().len();
        lab.process(host).say(&format!("leave {group} {source}"));
        let p = lab.process(querier);
        let (at, received) =
            p.wait_for(before, &format!("BLOCK({group}: {source})"), REPORT_TIMEOUT);
        p.wait_for(
            at,
            &format!("group {group} sources {source} max-response 0.2s"),
            Duration::from_secs(1),
        );
        let (_, expired) = p.wait_for(
            at,
            &format!("source {group} {source} block"),
            Duration::from_secs(2),
        );
        let elapsed = expired - received;
        timings.push(format!(
            "{}: source leave to expiry {elapsed:.3} s [Last Member Query Time {LAST_MEMBER_QUERY_TIME} s]",
            case.label
        ));
        assert!(
            (LAST_MEMBER_QUERY_TIME - SLACK..=LAST_MEMBER_QUERY_TIME + SLACK).contains(&elapsed),
            "{}: source expiry {elapsed} s after the leave",
            case.label
        );
    }
    lab.stop_all();
    let checked = check_capture(&pcap, ours, case.mld);
    timings.push(format!(
        "{}: {checked} packets of ours in the capture, clean to our decoder and tshark",
        case.label
    ));
}

/// Scenario 4: every packet our side sent (IGMP from our address, MLD Queries from our
/// link-local address: the kernel of our namespace sends its own MLD reports from it too)
/// parses with our decoder and with tshark, checksums good. Returns how many were checked.
fn check_capture(pcap: &Path, ours: &str, mld: bool) -> usize {
    let records = decode_file(pcap, ProtocolSet::ALL).unwrap();
    let mut checked = 0;
    for record in records.iter().filter(|r| r.source.to_string() == ours) {
        assert!(
            record.error().is_none(),
            "frame {}: {:?}",
            record.frame,
            record.error()
        );
        checked += 1;
    }
    assert!(checked > 0, "no packet of ours in {}", pcap.display());
    let filter = if mld {
        format!("ipv6.src == {ours} && icmpv6.type == 130")
    } else {
        format!("ip.src == {ours}")
    };
    let output = Command::new("tshark")
        .args(["-n", "-r"])
        .arg(pcap)
        .args([
            "-Y",
            &filter,
            "-T",
            "fields",
            "-e",
            "frame.number",
            "-e",
            "_ws.malformed",
        ])
        .args([
            "-e",
            "igmp.checksum.status",
            "-e",
            "icmpv6.checksum.status",
            "-e",
            "_ws.col.Protocol",
        ])
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let text = String::from_utf8(output.stdout).unwrap();
    let mut frames = 0;
    for line in text.lines() {
        let fields: Vec<&str> = line.split('\t').collect();
        assert!(
            fields[1].is_empty(),
            "frame {} malformed to tshark",
            fields[0]
        );
        let status = if mld { fields[3] } else { fields[2] };
        // tshark reports 1 for a verified checksum.
        assert_eq!(status, "1", "frame {}: checksum status {status}", fields[0]);
        let protocol = fields[4];
        assert!(
            ["IGMPv2", "IGMPv3", "ICMPv6"].contains(&protocol),
            "frame {}: {protocol}",
            fields[0]
        );
        frames += 1;
    }
    assert!(frames > 0, "tshark saw no packet of ours");
    frames
}
