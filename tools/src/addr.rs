//! `mcast addr`: what `mcast-addr` knows about an address, for a person at a terminal —
//! registry block and RFC, scope, SSM, GLOP, unicast-prefix-based and embedded-RP decoding, the
//! MAC address a group maps to and the other groups that share it; and for a MAC address, the
//! groups that map to it.

use std::fmt::Write as _;
use std::io::Write as _;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::process::ExitCode;

use mcast_addr::groups::{IPV4_WELL_KNOWN, IPV6_WELL_KNOWN};
use mcast_addr::{
    Ipv4MulticastAddr, Ipv4MulticastBlock, Ipv6MulticastAddr, Ipv6MulticastKind, MacAddr,
    MappedGroups, Scope,
};

/// Describes every address of `inputs`; fails if one of them is not an address.
#[must_use]
pub fn run(inputs: &[String]) -> ExitCode {
    let mut all_parsed = true;
    let mut out = String::new();
    for (i, input) in inputs.iter().enumerate() {
        if i > 0 {
            out.push('\n');
        }
        all_parsed &= classify(&mut out, input);
    }
    let _ = std::io::stdout().lock().write_all(out.as_bytes());
    if all_parsed {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

/// Describes one address into `out`, and says whether it was one.
#[must_use]
pub fn describe(input: &str) -> (String, bool) {
    let mut out = String::new();
    let parsed = classify(&mut out, input);
    (out, parsed)
}

fn put(out: &mut String, text: std::fmt::Arguments<'_>) {
    let _ = writeln!(out, "{text}");
}

fn classify(out: &mut String, input: &str) -> bool {
    if let Ok(addr) = input.parse::<IpAddr>() {
        match addr {
            IpAddr::V4(addr) => classify_ipv4(out, addr),
            IpAddr::V6(addr) => classify_ipv6(out, addr),
        }
    } else if let Ok(mac) = input.parse::<MacAddr>() {
        classify_mac(out, mac);
    } else {
        put(out, format_args!("{input}"));
        put(
            out,
            format_args!(
                "  not an IPv4 address, an IPv6 address or a MAC address (01:00:5e:01:01:01)"
            ),
        );
        return false;
    }
    true
}

/// One `label: value` line, labels aligned.
fn line(out: &mut String, label: &str, value: impl std::fmt::Display) {
    put(out, format_args!("  {label:<13} {value}"));
}

fn scope_line(out: &mut String, scope: Scope, source: &str, routable: bool) {
    let routing = if routable {
        "routers may forward it, within its scope"
    } else {
        "never forwarded off the link"
    };
    line(out, "scope", format!("{scope} ({source}); {routing}"));
}

fn classify_ipv4(out: &mut String, addr: Ipv4Addr) {
    put(out, format_args!("{addr}"));
    let Some(group) = Ipv4MulticastAddr::new(addr) else {
        line(
            out,
            "multicast",
            "no: IPv4 multicast groups are 224.0.0.0/4 (RFC 1112 §4)",
        );
        return;
    };
    let entry = group.registry_entry();
    line(
        out,
        "block",
        format!(
            "{} {} ({})",
            entry.block,
            entry.range,
            entry.block.reference()
        ),
    );
    if let Some((name, _)) = IPV4_WELL_KNOWN.iter().find(|(_, g)| *g == group) {
        line(out, "well known", name);
    }
    scope_line(
        out,
        group.scope(),
        "as RFC 2365 maps it",
        group.is_routable(),
    );
    match entry.block {
        Ipv4MulticastBlock::SourceSpecific => line(
            out,
            "SSM",
            "receivers join (S,G) channels; no RP, no (*,G) (RFC 4607)",
        ),
        Ipv4MulticastBlock::Glop => {
            if let Some(asn) = group.glop_asn() {
                let block = mcast_addr::Ipv4Range::glop(asn).map(|b| b.to_string());
                line(
                    out,
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
                    out,
                    "unicast base",
                    format!("derived from {prefix} (RFC 6034: 234.<prefix>)"),
                );
            }
        }
        _ => {}
    }
    if let Some(scope) = group.admin_scope() {
        line(out, "admin scope", format!("{scope} (RFC 2365 §6)"));
    }
    if let Some((scope, offset)) = group.relative_offset() {
        line(
            out,
            "relative",
            format!("offset {offset} from the top of the {scope} (RFC 2365 §9)"),
        );
    }
    if group.is_documentation() {
        line(out, "documentation", "reserved for examples (RFC 6676)");
    }
    show_mac_of_group(out, group.to_mac());
}

fn classify_ipv6(out: &mut String, addr: Ipv6Addr) {
    put(out, format_args!("{addr}"));
    let Some(group) = Ipv6MulticastAddr::new(addr) else {
        line(
            out,
            "multicast",
            "no: IPv6 multicast groups are ff00::/8 (RFC 4291 §2.7)",
        );
        line(
            out,
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
        out,
        "flags",
        format!("{flags} (R = embedded RP, P = prefix-based, T = transient; RFC 4291 §2.7)"),
    );
    let scop = format!("scop {:X}", group.scope().value());
    scope_line(out, group.scope(), &scop, group.is_routable());
    line(out, "kind", group.kind());
    if let Some((name, _)) = IPV6_WELL_KNOWN.iter().find(|(_, g)| *g == group) {
        line(out, "well known", name);
    }
    if group.is_solicited_node() {
        line(
            out,
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
            out,
            "SSM",
            format!(
                "group ID {:#x}; receivers join (S,G) channels (RFC 4607)",
                group.to_bits() as u32
            ),
        ),
        Ipv6MulticastKind::UnicastPrefixBased => {
            if let Ok(fields) = group.unicast_prefix_based() {
                line(
                    out,
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
                    out,
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
                line(out, "invalid", why);
            }
        }
        Ipv6MulticastKind::PermanentlyAssigned | Ipv6MulticastKind::Transient => {}
    }
    if group.is_documentation() {
        line(
            out,
            "documentation",
            "built from 2001:db8::/32, for examples (RFC 6676)",
        );
    }
    show_mac_of_group(out, group.to_mac());
}

/// The MAC address of a group and the groups it shares that address with.
fn show_mac_of_group(out: &mut String, mac: MacAddr) {
    match mac.mapped_groups() {
        MappedGroups::Ipv4(groups) => {
            line(
                out,
                "MAC",
                format!("{mac} (01:00:5e + low 23 bits, RFC 1112 §6.4)"),
            );
            let all: Vec<String> = groups.map(|g| g.to_string()).collect();
            line(
                out,
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
            line(
                out,
                "MAC",
                format!("{mac} (33:33 + low 32 bits, RFC 2464 §7)"),
            );
            line(
                out,
                "same MAC",
                format!("every group matching {pattern} (2^88 of them)"),
            );
        }
        MappedGroups::None => line(out, "MAC", mac),
    }
}

fn classify_mac(out: &mut String, mac: MacAddr) {
    put(out, format_args!("{mac}"));
    let kind = if mac.is_broadcast() {
        "broadcast"
    } else if mac.is_multicast() {
        "group (multicast): I/G bit set"
    } else {
        "individual (unicast): I/G bit clear"
    };
    line(out, "kind", kind);
    match mac.mapped_groups() {
        MappedGroups::Ipv4(groups) => {
            line(out, "maps from", "32 IPv4 groups (RFC 1112 §6.4):");
            let all: Vec<Ipv4MulticastAddr> = groups.collect();
            for row in all.chunks(4) {
                let row: Vec<String> = row.iter().map(|g| format!("{g:<16}")).collect();
                put(
                    out,
                    format_args!("  {:<13} {}", "", row.join("").trim_end()),
                );
            }
        }
        MappedGroups::Ipv6(pattern) => {
            line(
                out,
                "maps from",
                format!("IPv6 groups matching {pattern} (RFC 2464 §7)"),
            );
            line(
                out,
                "e.g.",
                format!(
                    "{} (link-local), {} (site-local)",
                    pattern.permanent_group(Scope::LinkLocal),
                    pattern.permanent_group(Scope::SiteLocal)
                ),
            );
            if let Some(solicited) = pattern.solicited_node() {
                line(out, "solicited", solicited);
            }
        }
        MappedGroups::None => line(out, "maps from", "no IP multicast group"),
    }
}
