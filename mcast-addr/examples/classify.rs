//! Classify IP multicast addresses and MAC addresses: registry block and RFC, scope, SSM, GLOP,
//! unicast-prefix-based and embedded-RP decoding, the MAC address a group maps to and the other
//! groups that share it.
//!
//! ```text
//! cargo run -p mcast-addr --example classify                 # a tour of interesting addresses
//! cargo run -p mcast-addr --example classify 239.1.2.3 ff05::1:3 01:00:5e:7f:00:01
//! ```

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use mcast_addr::groups::{IPV4_WELL_KNOWN, IPV6_WELL_KNOWN};
use mcast_addr::{
    Ipv4MulticastAddr, Ipv4MulticastBlock, Ipv6MulticastAddr, Ipv6MulticastKind, MacAddr,
    MappedGroups, Scope,
};

/// What the example shows when given no address: one of each kind.
const TOUR: &[&str] = &[
    "224.0.0.1",
    "224.0.0.22",
    "224.0.1.40",
    "232.1.2.3",
    "233.252.0.1",
    "233.3.4.5",
    "234.192.0.2",
    "239.255.0.1",
    "239.192.1.1",
    "239.255.255.253",
    "ff02::1",
    "ff02::1:ff28:9c5a",
    "ff3e::8000:1",
    "ff3e:30:2001:db8:beef::1234",
    "ff7e:140:2001:db8::1234",
    "ff7e:40:2001:db8::1234",
    "01:00:5e:01:01:01",
    "33:33:00:00:00:16",
    "10.0.0.1",
];

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let inputs: Vec<&str> = if args.is_empty() {
        println!("No address given: here is a tour. Pass your own, e.g.");
        println!(
            "  cargo run -p mcast-addr --example classify 239.1.2.3 ff05::1:3 01:00:5e:7f:00:01\n"
        );
        TOUR.to_vec()
    } else {
        args.iter().map(String::as_str).collect()
    };
    for (i, input) in inputs.iter().enumerate() {
        if i > 0 {
            println!();
        }
        classify(input);
    }
}

fn classify(input: &str) {
    if let Ok(addr) = input.parse::<IpAddr>() {
        match addr {
            IpAddr::V4(addr) => classify_ipv4(addr),
            IpAddr::V6(addr) => classify_ipv6(addr),
        }
    } else if let Ok(mac) = input.parse::<MacAddr>() {
        classify_mac(mac);
    } else {
        println!("{input}");
        println!("  not an IPv4 address, an IPv6 address or a MAC address (01:00:5e:01:01:01)");
    }
}

/// One `label: value` line, labels aligned.
fn line(label: &str, value: impl std::fmt::Display) {
    println!("  {label:<13} {value}");
}

fn scope_line(scope: Scope, source: &str, routable: bool) {
    let routing = if routable {
        "routers may forward it, within its scope"
    } else {
        "never forwarded off the link"
    };
    line("scope", format!("{scope} ({source}); {routing}"));
}

fn classify_ipv4(addr: Ipv4Addr) {
    println!("{addr}");
    let Some(group) = Ipv4MulticastAddr::new(addr) else {
        line(
            "multicast",
            "no: IPv4 multicast groups are 224.0.0.0/4 (RFC 1112 §4)",
        );
        return;
    };
    let entry = group.registry_entry();
    line(
        "block",
        format!(
            "{} {} ({})",
            entry.block,
            entry.range,
            entry.block.reference()
        ),
    );
    if let Some((name, _)) = IPV4_WELL_KNOWN.iter().find(|(_, g)| *g == group) {
        line("well known", name);
    }
    scope_line(group.scope(), "as RFC 2365 maps it", group.is_routable());
    match entry.block {
        Ipv4MulticastBlock::SourceSpecific => line(
            "SSM",
            "receivers join (S,G) channels; no RP, no (*,G) (RFC 4607)",
        ),
        Ipv4MulticastBlock::Glop => {
            if let Some(asn) = group.glop_asn() {
                let block = mcast_addr::Ipv4Range::glop(asn).map(|b| b.to_string());
                line(
                    "GLOP",
                    format!(
                        "belongs to AS {asn}, whose GLOP block is {} (RFC 3180)",
                        block.unwrap_or_default()
                    ),
                );
            }
        }
        Ipv4MulticastBlock::UnicastPrefixBased => {
            if let Some(prefix) = group.ubm_unicast_prefix() {
                line(
                    "unicast base",
                    format!("derived from {prefix} (RFC 6034: 234.<prefix>)"),
                );
            }
        }
        _ => {}
    }
    if let Some(scope) = group.admin_scope() {
        line("admin scope", format!("{scope} (RFC 2365 §6)"));
    }
    if let Some((scope, offset)) = group.relative_offset() {
        line(
            "relative",
            format!("offset {offset} from the top of the {scope} (RFC 2365 §9)"),
        );
    }
    if group.is_documentation() {
        line("documentation", "reserved for examples (RFC 6676)");
    }
    show_mac_of_group(group.to_mac());
}

fn classify_ipv6(addr: Ipv6Addr) {
    println!("{addr}");
    let Some(group) = Ipv6MulticastAddr::new(addr) else {
        line(
            "multicast",
            "no: IPv6 multicast groups are ff00::/8 (RFC 4291 §2.7)",
        );
        line(
            "solicited",
            format!(
                "its solicited-node group is {} (RFC 4291 §2.7.1)",
                Ipv6MulticastAddr::solicited_node(addr)
            ),
        );
        return;
    };
    let flags = group.flags();
    line(
        "flags",
        format!("{flags} (R = embedded RP, P = prefix-based, T = transient; RFC 4291 §2.7)"),
    );
    let scop = format!("scop {:X}", group.scope().value());
    scope_line(group.scope(), &scop, group.is_routable());
    line("kind", group.kind());
    if let Some((name, _)) = IPV6_WELL_KNOWN.iter().find(|(_, g)| *g == group) {
        line("well known", name);
    }
    if group.is_solicited_node() {
        line(
            "solicited",
            format!(
                "Neighbor Discovery group of every address ending in {:02x}:{:04x} (RFC 4291 §2.7.1)",
                (group.to_bits() >> 16) & 0xFF,
                group.to_bits() & 0xFFFF
            ),
        );
    }
    match group.kind() {
        Ipv6MulticastKind::SourceSpecific => line(
            "SSM",
            format!(
                "group ID {:#x}; receivers join (S,G) channels (RFC 4607)",
                group.to_bits() as u32
            ),
        ),
        Ipv6MulticastKind::UnicastPrefixBased => {
            if let Ok(fields) = group.unicast_prefix_based() {
                line(
                    "prefix",
                    format!(
                        "{}/{} owns it, group ID {:#x} (RFC 3306)",
                        fields.prefix(),
                        fields.prefix_len(),
                        fields.group_id()
                    ),
                );
            }
        }
        Ipv6MulticastKind::EmbeddedRp => {
            if let Ok(fields) = group.embedded_rp() {
                line(
                    "RP",
                    format!(
                        "{} (prefix {}/{}, RIID {}), group ID {:#x} (RFC 3956)",
                        fields.rp_address(),
                        fields.rp_prefix(),
                        fields.prefix_len(),
                        fields.riid(),
                        fields.group_id()
                    ),
                );
            }
        }
        Ipv6MulticastKind::Malformed => {
            let why = if flags.embeds_rendezvous_point() {
                group.embedded_rp().err()
            } else {
                group.unicast_prefix_based().err()
            };
            if let Some(why) = why {
                line("invalid", why);
            }
        }
        Ipv6MulticastKind::PermanentlyAssigned | Ipv6MulticastKind::Transient => {}
    }
    if group.is_documentation() {
        line(
            "documentation",
            "built from 2001:db8::/32, for examples (RFC 6676)",
        );
    }
    show_mac_of_group(group.to_mac());
}

/// The MAC address of a group and the groups it shares that address with.
fn show_mac_of_group(mac: MacAddr) {
    match mac.mapped_groups() {
        MappedGroups::Ipv4(groups) => {
            line(
                "MAC",
                format!("{mac} (01:00:5e + low 23 bits, RFC 1112 §6.4)"),
            );
            let all: Vec<String> = groups.map(|g| g.to_string()).collect();
            line(
                "same MAC",
                format!(
                    "{} groups: {}, {}, … {}",
                    all.len(),
                    all[0],
                    all[1],
                    all[all.len() - 1]
                ),
            );
        }
        MappedGroups::Ipv6(pattern) => {
            line("MAC", format!("{mac} (33:33 + low 32 bits, RFC 2464 §7)"));
            line(
                "same MAC",
                format!("every group matching {pattern} (2^88 of them)"),
            );
        }
        MappedGroups::None => line("MAC", mac),
    }
}

fn classify_mac(mac: MacAddr) {
    println!("{mac}");
    let kind = if mac.is_broadcast() {
        "broadcast"
    } else if mac.is_multicast() {
        "group (multicast): I/G bit set"
    } else {
        "individual (unicast): I/G bit clear"
    };
    line("kind", kind);
    match mac.mapped_groups() {
        MappedGroups::Ipv4(groups) => {
            line("maps from", "32 IPv4 groups (RFC 1112 §6.4):");
            let all: Vec<Ipv4MulticastAddr> = groups.collect();
            for row in all.chunks(4) {
                let row: Vec<String> = row.iter().map(|g| format!("{g:<16}")).collect();
                println!("  {:<13} {}", "", row.join("").trim_end());
            }
        }
        MappedGroups::Ipv6(pattern) => {
            line(
                "maps from",
                format!("IPv6 groups matching {pattern} (RFC 2464 §7)"),
            );
            line(
                "e.g.",
                format!(
                    "{} (link-local), {} (site-local)",
                    pattern.permanent_group(Scope::LinkLocal),
                    pattern.permanent_group(Scope::SiteLocal)
                ),
            );
            if let Some(solicited) = pattern.solicited_node() {
                line("solicited", solicited);
            }
        }
        MappedGroups::None => line("maps from", "no IP multicast group"),
    }
}
