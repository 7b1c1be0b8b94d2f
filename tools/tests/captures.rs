//! Every frame of every shared capture decodes without a panic, and the frames the captures'
//! README lists as valid decode without error.

use std::path::PathBuf;

use mcast_testkit::{captures_dir, skip_without_captures};
use mcast_tools::decode::{ProtocolSet, Record, decode_file};

fn decode(name: &str) -> Vec<Record> {
    decode_file(&captures_dir().join(name), ProtocolSet::ALL).unwrap()
}

/// Every capture in the shared folder, relative to it.
fn all_captures() -> Vec<String> {
    let mut names = Vec::new();
    for folder in ["tcpdump", "packetlife"] {
        let dir: PathBuf = captures_dir().join(folder);
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            let extension = path
                .extension()
                .and_then(|e| e.to_str())
                .unwrap_or_default();
            if ["pcap", "cap", "pcapng"].contains(&extension) {
                let name = path.file_name().unwrap().to_str().unwrap();
                names.push(format!("{folder}/{name}"));
            }
        }
    }
    names.sort();
    names
}

#[test]
fn every_frame_of_every_capture_decodes_without_panic() {
    if skip_without_captures() {
        return;
    }
    let captures = all_captures();
    assert!(captures.len() >= 27, "{captures:?}");
    for name in &captures {
        // Every record is printable in every format, too.
        for record in decode(name) {
            let mut out = Vec::new();
            for format in [
                mcast_tools::output::Format::Line,
                mcast_tools::output::Format::Verbose,
                mcast_tools::output::Format::Json,
            ] {
                mcast_tools::output::write_record(&mut out, &record, format).unwrap();
            }
        }
    }
}

/// Captures whose every message is well formed, with the number of messages in each
/// (Wireshark's counts in `FRAME_COUNTS.txt`; MSDP counts messages, not frames).
const VALID: &[(&str, usize)] = &[
    ("tcpdump/IGMP_V1.pcap", 27),
    ("tcpdump/IGMP_V2.pcap", 18),
    ("packetlife/IGMPv2_query_and_report.cap", 6),
    ("tcpdump/igmpv3-queries.pcap", 6),
    ("tcpdump/eapon1.pcap", 2),
    ("tcpdump/mtrace.pcap", 2),
    ("tcpdump/PIM-SM_join_prune.pcap", 47),
    ("tcpdump/PIM-DM_pruning.pcap", 33),
    ("tcpdump/PIM_register_register-stop.pcap", 2),
    ("tcpdump/PIMv2_bootstrap.pcap", 8),
    ("tcpdump/PIMv2_hellos.pcap", 6),
    ("tcpdump/mrinfo_query.pcap", 2),
    ("tcpdump/erspan-type-ii-1.pcap", 1),
    ("tcpdump/various_gre.pcap", 2),
    ("packetlife/MSDP.cap", 15),
];

#[test]
fn valid_captures_decode_without_error_and_with_good_checksums() {
    if skip_without_captures() {
        return;
    }
    for (name, count) in VALID {
        let records = decode(name);
        assert_eq!(records.len(), *count, "{name}");
        for r in &records {
            assert!(
                r.error().is_none(),
                "{name} frame {}: {:?}",
                r.frame,
                r.error()
            );
            if let Some(status) = r.checksum {
                assert!(
                    status.is_good(),
                    "{name} frame {}: checksum {status:?}",
                    r.frame
                );
            }
        }
    }
}
