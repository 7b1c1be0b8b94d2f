//! The live lab, in network namespaces joined by veth pairs: our IGMP/MLD querier
//! (`mcast querier`) against the Linux kernel's host stack (scenario 1); our host
//! (`mcast listen`) against FRR's pimd as the querier (scenario 2); querier election between
//! our querier and pimd (scenario 3). Every packet our side sent is then read back from the
//! capture by our decoder and by tshark (scenario 4). See `LAB.md` for running it by hand.
//!
//! The lab needs root, `ip netns`, tcpdump, tshark and python3; without them it says why and
//! passes without running. Scenarios 2 and 3 also need FRR (zebra, pimd, vtysh and the `frr`
//! user); without it they say why and are left out. The scenarios run one after the other in
//! one test, with short intervals, the same on every router: Query Interval 2 s, Query
//! Response Interval 1 s, Last Member Query Interval 0.2 s, Robustness 2, so the Last Member
//! Query Time is 0.4 s and the Other Querier Present Interval 4.5 s (RFC 3376/9776 §8).

#[path = "lab/frr.rs"]
mod frr;
#[path = "lab/netns.rs"]
mod netns;

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use frr::{Frr, Intervals, missing_frr};
use mcast_tools::decode::{IgmpRecord, Message, ProtocolSet, decode_file};
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
    if let Some(reason) = missing_frr() {
        println!("FRR scenarios skipped: {reason}");
    } else {
        our_host_against_frr_querier(&mut timings);
        election_against_frr(true, &mut timings);
        election_against_frr(false, &mut timings);
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

/// The IGMP intervals of the FRR scenarios, the same on both routers (§8: non-default values
/// must agree on a link): Robustness 2, Query Interval 2 s, Query Response Interval 1 s, Last
/// Member Query Interval 0.2 s and Count 2.
const FRR_INTERVALS: Intervals = Intervals {
    query_interval_s: 2,
    query_response_interval_ds: 10,
    last_member_query_interval_ds: 2,
    last_member_query_count: 2,
};
const ROBUSTNESS: f64 = 2.0;
const QUERY_INTERVAL: f64 = 2.0;
const QUERY_RESPONSE_INTERVAL: f64 = 1.0;
/// The Other Querier Present Interval (RFC 3376/9776 §8.5): Robustness × Query Interval +
/// Query Response Interval / 2.
const OTHER_QUERIER_PRESENT_INTERVAL: f64 =
    ROBUSTNESS * QUERY_INTERVAL + QUERY_RESPONSE_INTERVAL / 2.0;
/// The Group Membership Interval (RFC 9776 §8.4): Robustness × Query Interval + 2 × Query
/// Response Interval (FRR 8.4 uses RFC 3376's one Query Response Interval: 5 s).
const GROUP_MEMBERSHIP_INTERVAL: f64 = ROBUSTNESS * QUERY_INTERVAL + 2.0 * QUERY_RESPONSE_INTERVAL;
/// The host's Unsolicited Report Interval (RFC 3376/9776 §8.11): a join is reported at once
/// and repeated within it.
const UNSOLICITED_REPORT_INTERVAL: f64 = 1.0;
/// The arguments of our querier in the FRR scenarios.
const QUERIER_INTERVALS: [&str; 6] = [
    "--query-interval",
    "2",
    "--query-response-interval",
    "1",
    "--last-member-query-interval",
    "0.2",
];

/// Polls `state` every 20 ms until `done` holds for it; gives the seconds that took, or
/// panics after `timeout` with the last state.
fn until<S: std::fmt::Debug>(
    timeout: f64,
    what: &str,
    mut state: impl FnMut() -> S,
    done: impl Fn(&S) -> bool,
) -> f64 {
    let started = Instant::now();
    loop {
        let now = state();
        if done(&now) {
            return started.elapsed().as_secs_f64();
        }
        assert!(
            started.elapsed().as_secs_f64() < timeout,
            "{what}: not within {timeout} s; last seen {now:#?}"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// pimd's record of an any-source membership: EXCLUDE mode with no excluded source, which FRR
/// lists as one source `*` (its (*,G) entry, not a source of the report).
fn any_source() -> frr::Membership {
    frr::Membership {
        mode: "EXCLUDE".into(),
        version: 3,
        sources: ["*".to_owned()].into(),
    }
}

/// pimd's record of a source-specific membership: INCLUDE mode with the source.
fn source_specific(source: &str) -> frr::Membership {
    frr::Membership {
        mode: "INCLUDE".into(),
        version: 3,
        sources: [source.to_owned()].into(),
    }
}

/// Scenario 2: our host state machine (`mcast listen`) joins and leaves groups; FRR's pimd as
/// the querier must list exactly what it reported, keep it while our host answers its
/// General Queries, and drop each membership one Last Member Query Time after the leave.
#[allow(clippy::too_many_lines)] // one scenario, read top to bottom
fn our_host_against_frr_querier(timings: &mut Vec<String>) {
    let mut lab = Lab::new();
    let r = lab.add_namespace("r");
    let h = lab.add_namespace("h");
    let (router, host_address) = ("10.99.0.1", "10.99.0.2");
    let (ir, ih) = lab.link(
        ("r", "10.99.0.1/24", "fe80::1/64"),
        ("h", "10.99.0.2/24", "fe80::2/64"),
    );
    let pcap = lab.capture(&h, &ih, "frr-host");
    let frr = Frr::start(&mut lab, &r, "router", &ir, FRR_INTERVALS);
    let host = lab.spawn(
        &h,
        "listen-frr",
        MCAST,
        &["listen", "--interface", &ih, "--verbose"],
    );
    let (group, ssm_group, source) = ("239.1.1.1", "232.1.1.1", "10.99.0.9");
    let mut expected = std::collections::BTreeMap::new();

    // Any-source join: reported at once.
    lab.process(host).say(&format!("join {group}"));
    expected.insert(group.to_owned(), any_source());
    let learned = until(
        3.0,
        "FRR learns the join",
        || frr.groups(),
        |g| *g == expected,
    );
    timings.push(format!(
        "FRR querier: our any-source join listed after {learned:.3} s [Unsolicited Report Interval {UNSOLICITED_REPORT_INTERVAL} s]"
    ));
    assert!(
        learned < UNSOLICITED_REPORT_INTERVAL,
        "join listed after {learned} s"
    );

    // Source-specific join.
    lab.process(host).say(&format!("join {ssm_group}@{source}"));
    expected.insert(ssm_group.to_owned(), source_specific(source));
    let learned = until(
        3.0,
        "FRR learns the source",
        || frr.groups(),
        |g| *g == expected,
    );
    timings.push(format!(
        "FRR querier: our source-specific join listed after {learned:.3} s [Unsolicited Report Interval {UNSOLICITED_REPORT_INTERVAL} s]"
    ));
    assert!(
        learned < UNSOLICITED_REPORT_INTERVAL,
        "source listed after {learned} s"
    );

    // The memberships outlive the Group Membership Interval: our host answers FRR's General
    // Queries with current-state reports.
    let before = lab.process(host).lines().len();
    let held = Instant::now();
    while held.elapsed().as_secs_f64() < GROUP_MEMBERSHIP_INTERVAL + 0.5 {
        assert_eq!(frr.groups(), expected, "FRR's table while our host stays");
        std::thread::sleep(Duration::from_millis(200));
    }
    let p = lab.process(host);
    let (at, _) = p.wait_for(
        before,
        &format!("received {router} query IGMPv3 general"),
        Duration::ZERO,
    );
    p.wait_for(
        at,
        &format!("sent report IGMPv3 IS_IN({ssm_group}: {source}) IS_EX({group})"),
        Duration::ZERO,
    );
    timings.push(format!(
        "FRR querier: memberships kept {:.1} s [Group Membership Interval {GROUP_MEMBERSHIP_INTERVAL} s]",
        held.elapsed().as_secs_f64()
    ));

    // Any-source leave: FRR's group-specific queries, then the group goes one Last Member
    // Query Time after the TO_IN record.
    let before = lab.process(host).lines().len();
    lab.process(host).say(&format!("leave {group}"));
    expected.remove(group);
    let gone = until(
        3.0,
        "FRR drops the group",
        || frr.groups(),
        |g| *g == expected,
    );
    let bound = frr_removal(lab.process(host), before, &format!("TO_IN({group})"), gone);
    timings.push(format!(
        "FRR querier: our leave to the group's removal {gone:.3} s [{bound}]"
    ));
    lab.process(host).wait_for(
        before,
        &format!("received {router} query IGMPv3 group {group} max-response 0.2s"),
        Duration::ZERO,
    );

    // Source-specific leave: group-and-source-specific queries, then the source goes.
    let before = lab.process(host).lines().len();
    lab.process(host)
        .say(&format!("leave {ssm_group}@{source}"));
    expected.remove(ssm_group);
    let gone = until(
        3.0,
        "FRR drops the source",
        || frr.groups(),
        |g| *g == expected,
    );
    let bound = frr_removal(
        lab.process(host),
        before,
        &format!("BLOCK({ssm_group}: {source})"),
        gone,
    );
    timings.push(format!(
        "FRR querier: our source leave to the source's removal {gone:.3} s [{bound}]"
    ));
    lab.process(host).wait_for(
        before,
        &format!(
            "received {router} query IGMPv3 group {ssm_group} sources {source} max-response 0.2s"
        ),
        Duration::ZERO,
    );
    lab.stop_all();
    let ours = check_capture(&pcap, host_address, false);
    let theirs = check_capture(&pcap, router, false);
    timings.push(format!(
        "FRR querier: {ours} packets of our host and {theirs} of FRR's in the capture, clean to our decoder and tshark"
    ));
}

/// Checks that pimd removed a membership `gone` seconds after our host's leave, whose
/// state-change report reads `record`; gives the bound it met.
///
/// RFC 3376/9776 §6.6.3: the report makes the querier lower the group (or source) timer to
/// the Last Member Query Time, so the membership goes that long after the first copy.
/// Allowance for FRR 8.4: pimd sets the timer to the Last Member Query Time again at the
/// host's retransmission of the report (§6.4: Robustness copies, the second within the
/// Unsolicited Report Interval), raising a timer that was already lower, and restarts its
/// specific queries; the membership then goes one Last Member Query Time after the last copy
/// that arrived while it was still there.
fn frr_removal(host: &netns::Process, before: usize, record: &str, gone: f64) -> String {
    let sent = format!("sent report IGMPv3 {record}");
    let (first, at_first) = host.wait_for(before, &sent, Duration::ZERO);
    let (_, at_second) = host.wait_for(
        first + 1,
        &sent,
        Duration::from_secs_f64(UNSOLICITED_REPORT_INTERVAL + 0.5),
    );
    let retransmission = at_second - at_first;
    let rfc = (LAST_MEMBER_QUERY_TIME - SLACK..=LAST_MEMBER_QUERY_TIME + SLACK).contains(&gone);
    let restarted = retransmission + LAST_MEMBER_QUERY_TIME;
    let frr = retransmission < LAST_MEMBER_QUERY_TIME + SLACK
        && (restarted - SLACK..=restarted + SLACK).contains(&gone);
    assert!(
        rfc || frr,
        "{record}: removed {gone} s after the report, retransmitted after {retransmission} s"
    );
    if rfc && !(frr && (gone - restarted).abs() < (gone - LAST_MEMBER_QUERY_TIME).abs()) {
        format!("Last Member Query Time {LAST_MEMBER_QUERY_TIME} s")
    } else {
        format!(
            "FRR: retransmission at {retransmission:.3} s + Last Member Query Time {LAST_MEMBER_QUERY_TIME} s"
        )
    }
}

/// Scenario 3: querier election between our querier and FRR's on one link. The router with
/// the lower address wins whichever started first; when it stops, the other takes over one
/// Other Querier Present Interval after the last General Query it heard (RFC 3376/9776
/// §6.6.2, §8.5), measured on the capture.
fn election_against_frr(ours_lower: bool, timings: &mut Vec<String>) {
    let label = if ours_lower {
        "ours-lower"
    } else {
        "frr-lower"
    };
    let mut lab = Lab::new();
    let o = lab.add_namespace("o");
    let f = lab.add_namespace("f");
    let (low, high) = ("10.99.0.1", "10.99.0.2");
    let (ours, theirs) = if ours_lower { (low, high) } else { (high, low) };
    let (io, i_f) = lab.link(
        ("o", &format!("{ours}/24"), "fe80::1/64"),
        ("f", &format!("{theirs}/24"), "fe80::2/64"),
    );
    let pcap = lab.capture(&o, &io, &format!("election-{label}"));
    let mut args = vec!["querier", "--interface", &io, "--verbose"];
    args.extend(QUERIER_INTERVALS);
    let querier_label = format!("querier-{label}");

    let stepped_down;
    if ours_lower {
        // FRR first, the querier while alone; our lower address then wins.
        let frr = Frr::start(&mut lab, &f, "router", &i_f, FRR_INTERVALS);
        until(
            3.0,
            "FRR is the querier alone",
            || frr.querier(),
            |q| *q == Some((theirs.to_owned(), true)),
        );
        let querier = lab.spawn(&o, &querier_label, MCAST, &args);
        lab.process(querier)
            .wait_for(0, &format!("querier {ours}"), Duration::from_secs(2));
        stepped_down = until(
            3.0,
            "FRR yields to our querier",
            || frr.querier(),
            |q| *q == Some((ours.to_owned(), false)),
        );
        // It stays so while we query.
        std::thread::sleep(Duration::from_secs_f64(QUERY_INTERVAL + 0.5));
        assert_eq!(frr.querier(), Some((ours.to_owned(), false)));
        let lines = lab.process(querier).lines();
        assert!(
            !lines
                .iter()
                .any(|l| l.contains(&format!("querier {theirs}"))),
            "our querier yielded to a higher address:\n{}",
            lines.join("\n")
        );
        lab.process(querier).stop();
        until(
            OTHER_QUERIER_PRESENT_INTERVAL + 3.0,
            "FRR takes over",
            || frr.querier(),
            |q| *q == Some((theirs.to_owned(), true)),
        );
    } else {
        // Our querier first, the querier while alone; FRR's lower address then wins.
        let querier = lab.spawn(&o, &querier_label, MCAST, &args);
        lab.process(querier)
            .wait_for(0, &format!("querier {ours}"), Duration::from_secs(2));
        let frr = Frr::start(&mut lab, &f, "router", &i_f, FRR_INTERVALS);
        let p = lab.process(querier);
        let (_, yielded) = p.wait_for(0, &format!("querier {theirs}"), Duration::from_secs(5));
        let (_, heard) = p.wait_for(
            0,
            &format!("received {theirs} query IGMPv3 general"),
            Duration::ZERO,
        );
        stepped_down = yielded - heard;
        std::thread::sleep(Duration::from_secs_f64(QUERY_INTERVAL + 0.5));
        assert_eq!(frr.querier(), Some((theirs.to_owned(), true)));
        let before = lab.process(querier).lines().len();
        lab.process(frr.pimd).stop();
        lab.process(querier).wait_for(
            before,
            &format!("querier {ours}"),
            Duration::from_secs_f64(OTHER_QUERIER_PRESENT_INTERVAL + 3.0),
        );
    }
    lab.stop_all();
    let (last, first) = takeover(
        &pcap,
        if ours_lower { ours } else { theirs },
        if ours_lower { theirs } else { ours },
    );
    let took = first - last;
    timings.push(format!(
        "election, {label}: the higher address yields {stepped_down:.3} s after the lower one's first query; takeover {took:.3} s after the last query [Other Querier Present Interval {OTHER_QUERIER_PRESENT_INTERVAL} s]"
    ));
    // §6.6.2: a query from a lower address makes a querier a non-querier at once.
    assert!(
        stepped_down < SLACK + 0.1,
        "{label}: the higher address yielded after {stepped_down} s"
    );
    assert!(
        (OTHER_QUERIER_PRESENT_INTERVAL - SLACK..=OTHER_QUERIER_PRESENT_INTERVAL + SLACK)
            .contains(&took),
        "{label}: takeover {took} s after the last query"
    );
    check_capture(&pcap, ours, false);
}

/// The capture times (seconds) of the last General Query from `winner` and of the first one
/// from `successor` after it.
fn takeover(pcap: &Path, winner: &str, successor: &str) -> (f64, f64) {
    let general_queries = |from: &str| -> Vec<f64> {
        decode_file(pcap, ProtocolSet::ALL)
            .unwrap()
            .iter()
            .filter(|r| r.source.to_string() == from)
            .filter(|r| {
                matches!(r.message(), Some(Message::Igmp(IgmpRecord::Query(q)))
                    if q.group_address.is_unspecified())
            })
            .map(|r| r.time.as_secs_f64())
            .collect()
    };
    let last = *general_queries(winner)
        .last()
        .unwrap_or_else(|| panic!("no General Query from {winner}"));
    let first = general_queries(successor)
        .into_iter()
        .find(|&t| t > last)
        .unwrap_or_else(|| panic!("no General Query from {successor} after {winner}'s"));
    (last, first)
}
