//! The demo's key moments, read from the timeline it prints, and its capture checked by tshark
//! where tshark is installed.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use mcast_sim::demo::{DemoOptions, run};

/// A fresh directory under the system's temporary directory, removed on drop.
struct TempDir(PathBuf);

impl TempDir {
    fn new(name: &str) -> Self {
        let path = std::env::temp_dir().join(format!("mcast-sim-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&path);
        std::fs::create_dir_all(&path).unwrap();
        Self(path)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// A timeline line: its time and the rest.
struct Line<'a> {
    time: Duration,
    text: &'a str,
}

/// The timeline lines (those that start with `mm:ss.mmm`).
fn timeline(output: &str) -> Vec<Line<'_>> {
    output
        .lines()
        .filter_map(|line| {
            let (time, text) = line.split_once("  ")?;
            let (minutes, rest) = time.split_once(':')?;
            let (seconds, millis) = rest.split_once('.')?;
            if millis.len() != 3 {
                return None;
            }
            let millis = minutes.parse::<u64>().ok()? * 60_000
                + seconds.parse::<u64>().ok()? * 1000
                + millis.parse::<u64>().ok()?;
            Some(Line {
                time: Duration::from_millis(millis),
                text,
            })
        })
        .collect()
}

/// The times of the lines of `node` (name and address, as the timeline shows them) that
/// contain `text`.
fn times(lines: &[Line<'_>], node: &str, text: &str) -> Vec<Duration> {
    lines
        .iter()
        .filter(|line| line.text.starts_with(&format!("{node} ")) && line.text.contains(text))
        .map(|line| line.time)
        .collect()
}

fn only(lines: &[Line<'_>], node: &str, text: &str) -> Duration {
    let found = times(lines, node, text);
    assert_eq!(found.len(), 1, "{node} {text:?}: {found:?}");
    found[0]
}

fn last(lines: &[Line<'_>], node: &str, text: &str) -> Duration {
    *times(lines, node, text)
        .last()
        .unwrap_or_else(|| panic!("no line {node} {text:?}"))
}

fn run_demo(seed: u64, pcap: Option<&Path>) -> String {
    let options = DemoOptions {
        pcap: pcap.map(Path::to_path_buf),
        seed,
        ..DemoOptions::default()
    };
    let mut out = Vec::new();
    run(&options, &mut out).unwrap();
    String::from_utf8(out).unwrap()
}

/// Every key moment of the scenario, at the time the RFCs give it.
fn assert_key_moments(output: &str) {
    let lines = timeline(output);
    let other_querier_present = Duration::from_secs(125);
    let older_host_present = Duration::from_secs(130);

    // Querier election: router-B starts alone, router-A's lower address wins at once.
    assert_eq!(
        only(&lines, "router-B 10.0.0.2", "★ is IGMP querier"),
        Duration::ZERO
    );
    assert_eq!(
        only(
            &lines,
            "router-B 10.0.0.2",
            "★ IGMP querier is router-A 10.0.0.1, a lower address"
        ),
        Duration::from_secs(2)
    );
    assert_eq!(
        only(
            &lines,
            "router-B fe80::2",
            "★ MLD querier is router-A fe80::1, a lower address"
        ),
        Duration::from_secs(2)
    );
    assert_eq!(
        only(&lines, "router-A 10.0.0.1", "★ is IGMP querier"),
        Duration::from_secs(2)
    );

    // IGMPv3 and SSM joins, learned by the querier.
    assert_eq!(
        only(&lines, "router-A 10.0.0.1", "★ 239.1.1.1: EXCLUDE mode"),
        Duration::from_secs(5)
    );
    assert_eq!(
        only(
            &lines,
            "router-A 10.0.0.1",
            "★ 232.1.1.1: traffic from 192.0.2.10 forwarded"
        ),
        Duration::from_secs(10)
    );

    // MLD learned by the MLD querier, and forgotten after the leave under the new querier.
    assert_eq!(
        only(&lines, "router-A fe80::1", "★ ff0e::db8:1: EXCLUDE mode"),
        Duration::from_secs(15)
    );
    let mld_leave = only(&lines, "listener fe80::14", "▶ leaves ff0e::db8:1");
    let mld_gone = only(
        &lines,
        "router-B fe80::2",
        "★ ff0e::db8:1: no listener left",
    );
    // Last Listener Query Time: 2 queries 1 s apart (RFC 3810 §9.8, §9.9).
    assert_eq!(mld_leave + Duration::from_secs(2), mld_gone);

    // IGMPv2 compatibility mode: entered with the IGMPv2 report, left the Older Host Present
    // Interval after the last one (RFC 3376/9776 §7.3.2).
    let first_v2_report = times(&lines, "host-v2 10.0.0.12", "igmp v2 report 239.1.1.1")[0];
    let last_v2_report = last(&lines, "host-v2 10.0.0.12", "igmp v2 report 239.1.1.1");
    assert_eq!(
        only(
            &lines,
            "router-A 10.0.0.1",
            "★ 239.1.1.1: IGMPv2 compatibility mode"
        ),
        first_v2_report
    );
    assert_eq!(
        only(&lines, "router-A 10.0.0.1", "★ 239.1.1.1: back to IGMPv3"),
        last_v2_report + older_host_present
    );
    // The leave was processed as IGMPv2's: a group-specific query at once.
    let leave = only(&lines, "host-v2 10.0.0.12", "igmp leave 239.1.1.1");
    assert!(times(&lines, "router-A 10.0.0.1", "→ 239.1.1.1").contains(&leave));

    // Takeover: the Other Querier Present Interval after router-A's last Query
    // (RFC 3376/9776 §6.6.2).
    let stop = only(&lines, "router-A 10.0.0.1", "▶ stops");
    let last_query = last(&lines, "router-A 10.0.0.1", "IGMPv3 query");
    assert!(last_query < stop);
    assert_eq!(
        only(&lines, "router-B 10.0.0.2", "★ takes over as IGMP querier"),
        last_query + other_querier_present
    );
    let last_mld_query = last(&lines, "router-A fe80::1", "MLDv2 query");
    assert_eq!(
        only(&lines, "router-B fe80::2", "★ takes over as MLD querier"),
        last_mld_query + other_querier_present
    );
    // Between the election and the takeover, router-B sent no query.
    let takeover = last_query + other_querier_present;
    assert!(
        times(&lines, "router-B 10.0.0.2", "IGMPv3 query")
            .iter()
            .all(|t| *t < Duration::from_secs(2) || *t >= takeover)
    );

    // The any-source group ends with its last listener, under the new querier.
    let v3_leave = only(&lines, "host-v3 10.0.0.11", "▶ leaves 239.1.1.1");
    assert!(v3_leave > takeover);
    assert_eq!(
        only(&lines, "router-B 10.0.0.2", "★ 239.1.1.1: no listener left"),
        v3_leave + Duration::from_secs(2)
    );

    // The summary.
    assert!(
        output
            .contains("IGMP querier at the end: router-B 10.0.0.2: 232.1.1.1 INCLUDE {192.0.2.10}")
    );
    assert!(output.contains("MLD querier at the end: router-B fe80::2: no group"));
}

#[test]
fn demo_shows_every_key_moment_and_writes_a_clean_capture() {
    let dir = TempDir::new("demo");
    let pcap = dir.0.join("mcast-demo.pcap");
    let output = run_demo(1, Some(&pcap));
    assert_key_moments(&output);
    assert!(output.contains(&format!("Capture: {}", pcap.display())));
    let bytes = std::fs::read(&pcap).unwrap();
    assert!(bytes.len() > 24);
    check_with_tshark(&pcap, &dir.0);
}

#[test]
fn key_moments_hold_under_many_seeds() {
    for seed in 0..32 {
        let output = run_demo(seed, None);
        assert_key_moments(&output);
    }
}

#[test]
fn the_same_seed_gives_the_same_timeline_and_capture() {
    let dir = TempDir::new("determinism");
    let (a, b, c) = (
        dir.0.join("a.pcap"),
        dir.0.join("b.pcap"),
        dir.0.join("c.pcap"),
    );
    let output_a = run_demo(7, Some(&a));
    let output_b = run_demo(7, Some(&b));
    let output_c = run_demo(8, Some(&c));
    let strip = |output: &str, path: &Path| output.replace(&path.display().to_string(), "PCAP");
    assert_eq!(strip(&output_a, &a), strip(&output_b, &b));
    assert_eq!(std::fs::read(&a).unwrap(), std::fs::read(&b).unwrap());
    assert_ne!(strip(&output_a, &a), strip(&output_c, &c));
    assert_ne!(std::fs::read(&a).unwrap(), std::fs::read(&c).unwrap());
}

/// Runs tshark over the capture: no malformed frame, no bad checksum (IP header checksums are
/// checked on request; IGMP and ICMPv6 checksums always), no expert warning or error. Then
/// corrupts one checksum and checks that tshark does see it, so the first check cannot pass
/// for want of looking.
fn check_with_tshark(pcap: &Path, dir: &Path) {
    if Command::new("tshark").arg("-v").output().is_err() {
        eprintln!("tshark is not installed: the capture is not checked with it");
        return;
    }
    let expert = |file: &Path| {
        let out = Command::new("tshark")
            .args([
                "-n",
                "-o",
                "ip.check_checksum:TRUE",
                "-q",
                "-z",
                "expert",
                "-r",
            ])
            .arg(file)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    };
    let verbose = Command::new("tshark")
        .args(["-n", "-o", "ip.check_checksum:TRUE", "-V", "-r"])
        .arg(pcap)
        .output()
        .unwrap();
    let verbose = String::from_utf8(verbose.stdout).unwrap();
    for bad in [
        "Malformed",
        "incorrect",
        "[Checksum Status: Bad]",
        "Expert Info",
    ] {
        assert!(!verbose.contains(bad), "tshark says {bad:?}");
    }
    let frames = verbose.matches("\nFrame ").count() + usize::from(verbose.starts_with("Frame "));
    assert!(frames > 40, "{frames} frames");
    assert_eq!(
        verbose.matches("[Header checksum status: Good]").count()
            + verbose.matches("Hop Limit: 1\n").count(),
        frames
    );
    let report = expert(pcap);
    for bad in ["Errors", "Warnings", "Malformed"] {
        assert!(!report.contains(bad), "tshark expert info: {report}");
    }

    // The canary: one IGMP checksum byte flipped in the first frame.
    let mut bytes = std::fs::read(pcap).unwrap();
    let igmp_checksum = 24 + 16 + 14 + 24 + 2;
    bytes[igmp_checksum] ^= 0xff;
    let corrupt = dir.join("corrupt.pcap");
    std::fs::write(&corrupt, bytes).unwrap();
    let report = expert(&corrupt);
    assert!(
        report.contains("Bad checksum"),
        "tshark missed a bad checksum: {report}"
    );
}
