//! The `mcast` binary: output formats, the protocol filter, and exit statuses.

use std::process::{Command, Output};

use mcast_testkit::{captures_dir, skip_without_captures};

fn mcast(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_mcast"))
        .args(args)
        .output()
        .unwrap()
}

fn capture(name: &str) -> String {
    captures_dir().join(name).to_str().unwrap().to_owned()
}

fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).unwrap()
}

#[test]
fn one_line_per_message_with_its_key_fields() {
    if skip_without_captures() {
        return;
    }
    let out = mcast(&["decode", &capture("tcpdump/PIM-SM_join_prune.pcap")]);
    assert!(out.status.success());
    let text = stdout(&out);
    assert_eq!(text.lines().count(), 47);
    assert!(text.contains(
        "     3  10.0.0.14 > 224.0.0.13: PIMv2 Join/Prune upstream 10.0.0.13 holdtime 210s, \
         1 group: 239.123.123.123 join (1.1.1.1 SWR), cksum good\n"
    ));
}

#[test]
fn verbose_prints_every_field() {
    if skip_without_captures() {
        return;
    }
    let out = mcast(&["decode", "-v", &capture("tcpdump/PIMv2_hellos.pcap")]);
    let text = stdout(&out);
    for field in [
        "        type: hello",
        "            option_type: 20",
        "            generation_id: 1057944781",
        "            state_refresh_version: 1",
    ] {
        assert!(text.contains(field), "{field} missing from\n{text}");
    }
}

#[test]
fn json_is_one_object_per_message_with_its_frame() {
    if skip_without_captures() {
        return;
    }
    let out = mcast(&["decode", "--json", &capture("packetlife/MSDP.cap")]);
    let records: Vec<serde_json::Value> = stdout(&out)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(records.len(), 15);
    let sa = records.iter().find(|r| r["frame"] == 18).unwrap();
    assert_eq!(sa["protocol"], "msdp");
    assert_eq!(sa["type"], "source_active");
    assert_eq!(sa["length"], 1518);
    assert_eq!(sa["entries"][0]["source_address"], "172.16.40.10");
    assert_eq!(sa["encapsulated_data_length"], 1498);
}

#[test]
fn protocol_filter() {
    if skip_without_captures() {
        return;
    }
    let path = capture("tcpdump/PIM-SM_join_prune.pcap");
    let pim = stdout(&mcast(&["decode", "--protocol", "pim", &path]));
    let igmp = stdout(&mcast(&["decode", "-p", "igmp,dvmrp", &path]));
    assert_eq!(pim.lines().count(), 43);
    assert_eq!(igmp.lines().count(), 4);
    assert!(igmp.lines().all(|l| l.contains("IGMP PIM version 1")));
}

#[test]
fn a_malformed_frame_is_one_line_and_decoding_goes_on() {
    if skip_without_captures() {
        return;
    }
    let out = mcast(&["decode", &capture("tcpdump/pim-packet-assortment.pcap")]);
    assert!(out.status.success());
    let text = stdout(&out);
    assert_eq!(text.lines().count(), 245);
    let line = text.lines().find(|l| l.starts_with("   110 ")).unwrap();
    assert!(
        line.contains("PIM graft malformed: Upstream Neighbor Address at offset 4")
            && line.contains("[offset 4]"),
        "{line}"
    );
}

#[test]
fn unreadable_files_fail() {
    let missing = mcast(&["decode", "/nonexistent/capture.pcap"]);
    assert!(!missing.status.success());
    assert!(String::from_utf8_lossy(&missing.stderr).contains("/nonexistent/capture.pcap"));

    let manifest = concat!(env!("CARGO_MANIFEST_DIR"), "/Cargo.toml");
    let not_a_capture = mcast(&["decode", manifest]);
    assert!(!not_a_capture.status.success());
    assert!(String::from_utf8_lossy(&not_a_capture.stderr).contains("not a pcap or pcapng"));
}

#[test]
fn addr_explains_groups_and_macs() {
    let out = mcast(&[
        "addr",
        "232.1.2.3",
        "ff02::1:ff28:9c5a",
        "33:33:00:00:00:16",
    ]);
    assert!(out.status.success());
    let text = stdout(&out);
    for want in [
        "Source-Specific Multicast Block 232.0.0.0/8",
        "01:00:5e:01:02:03",
        "ff02::1:ff28:9c5a",
        "33:33:00:00:00:16",
    ] {
        assert!(text.contains(want), "{want} missing from\n{text}");
    }
    let bad = mcast(&["addr", "not-an-address"]);
    assert!(!bad.status.success());
    assert!(stdout(&bad).contains("not an IPv4 address"));
}
