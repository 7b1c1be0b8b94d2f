//! What this crate knows about one address, in words, for a person at a terminal.
//!
//! [`Input`] is one address as a user types it: an IPv4 address, an IPv6 address or a MAC address.
//! [`Description`] writes, through [`Display`](fmt::Display), one `label  text` line per fact,
//! each naming the RFC section it comes from:
//!
//! - for an IPv4 group: its block in the IANA registry (RFC 5771), its scope (RFC 2365), SSM
//!   (RFC 4607), GLOP (RFC 3180), unicast-prefix-based (RFC 6034), administrative and relative
//!   scopes (RFC 2365 §6, §9), documentation (RFC 6676), its MAC address (RFC 1112 §6.4) and the
//!   groups that share it;
//! - for an IPv6 group: its flags and scope (RFC 4291 §2.7), its kind, solicited-node (RFC 4291
//!   §2.7.1), SSM (RFC 4607), unicast-prefix-based (RFC 3306) and embedded-RP (RFC 3956) fields or
//!   why they are invalid, documentation (RFC 6676), its MAC address (RFC 2464 §7);
//! - for a unicast address: that it is not a group, and for IPv6 its solicited-node group;
//! - for a MAC address: individual, group or broadcast, and the IP groups that map to it.
//!
//! Nothing here allocates: the lines are written straight into the formatter.
//!
//! # Example
//!
//! ```
//! use mcast_addr::describe::Input;
//!
//! let input: Input = "233.3.4.5".parse()?;
//! let text = input.describe().to_string();
//! assert!(text.contains("  GLOP          belongs to AS 772, whose GLOP block is 233.3.4.0/24"));
//! assert!(text.contains("  MAC           01:00:5e:03:04:05 (01:00:5e + low 23 bits"));
//! # Ok::<(), mcast_addr::AddrError>(())
//! ```

use core::fmt;
use core::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use core::str::FromStr;

use crate::groups::{IPV4_WELL_KNOWN, IPV6_WELL_KNOWN};
use crate::{
    AddrError, Ipv4MulticastAddr, Ipv4MulticastBlock, Ipv4Range, Ipv6MulticastAddr,
    Ipv6MulticastKind, MacAddr, MappedGroups, Scope,
};

/// What a [`Description`] line says of text that is none of the addresses of [`Input`].
pub const NOT_AN_ADDRESS: &str =
    "not an IPv4 address, an IPv6 address or a MAC address (01:00:5e:01:01:01)";

/// The width the labels of a [`Description`] are padded to, so the texts line up.
const LABEL_WIDTH: usize = 13;

/// One address to describe: an IPv4 address (RFC 791), an IPv6 address (RFC 4291 §2.2) or an
/// IEEE 802 MAC address (RFC 7042 §2), group or not.
///
/// `FromStr` takes the usual text forms: `239.1.2.3`, `ff05::1:3`, and a MAC address with `:` or
/// `-` between its bytes (`01:00:5e:01:01:01`, `01-00-5E-01-01-01`). `Display` writes it back in
/// the canonical form, the heading of its [`Description`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "arbitrary", derive(arbitrary::Arbitrary))]
pub enum Input {
    /// An IPv4 address (RFC 791 §3.1); a group if it is in 224.0.0.0/4 (RFC 1112 §4).
    Ipv4(Ipv4Addr),
    /// An IPv6 address (RFC 4291 §2.2); a group if it is in ff00::/8 (RFC 4291 §2.7).
    Ipv6(Ipv6Addr),
    /// A MAC address (RFC 7042 §2); a group address if its I/G bit is set.
    Mac(MacAddr),
}

impl Input {
    /// The description of this address (see [`Description`]).
    #[must_use]
    pub const fn describe(self) -> Description {
        Description::new(self)
    }
}

impl From<Ipv4Addr> for Input {
    fn from(addr: Ipv4Addr) -> Self {
        Self::Ipv4(addr)
    }
}

impl From<Ipv6Addr> for Input {
    fn from(addr: Ipv6Addr) -> Self {
        Self::Ipv6(addr)
    }
}

impl From<IpAddr> for Input {
    fn from(addr: IpAddr) -> Self {
        match addr {
            IpAddr::V4(addr) => Self::Ipv4(addr),
            IpAddr::V6(addr) => Self::Ipv6(addr),
        }
    }
}

impl From<MacAddr> for Input {
    fn from(mac: MacAddr) -> Self {
        Self::Mac(mac)
    }
}

impl FromStr for Input {
    type Err = AddrError;

    /// An IP address in the text forms of `core::net`, or else a MAC address as
    /// [`MacAddr`]'s `FromStr` reads it.
    fn from_str(text: &str) -> Result<Self, AddrError> {
        if let Ok(addr) = text.parse::<IpAddr>() {
            Ok(addr.into())
        } else if let Ok(mac) = text.parse::<MacAddr>() {
            Ok(mac.into())
        } else {
            Err(AddrError::Parse {
                what: "IPv4, IPv6 or MAC address",
                offset: 0,
                reason: NOT_AN_ADDRESS,
            })
        }
    }
}

impl fmt::Display for Input {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Ipv4(addr) => fmt::Display::fmt(addr, f),
            Self::Ipv6(addr) => fmt::Display::fmt(addr, f),
            Self::Mac(mac) => fmt::Display::fmt(mac, f),
        }
    }
}

/// The explanation of one [`Input`], written by `Display` as lines of `  label  text`, each
/// ending in a newline, the labels padded so the texts line up.
///
/// The heading (the address itself) is not part of it: write the [`Input`] first if you want one.
/// Each line names the RFC section it explains; the module documentation lists them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Description {
    input: Input,
}

impl Description {
    /// The description of `input`.
    #[must_use]
    pub const fn new(input: Input) -> Self {
        Self { input }
    }

    /// The address described.
    #[must_use]
    pub const fn input(&self) -> Input {
        self.input
    }
}

impl fmt::Display for Description {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.input {
            Input::Ipv4(addr) => ipv4(f, addr),
            Input::Ipv6(addr) => ipv6(f, addr),
            Input::Mac(mac) => mac_address(f, mac),
        }
    }
}

/// One `label text` line, the label padded to [`LABEL_WIDTH`].
fn line(f: &mut fmt::Formatter<'_>, label: &str, text: impl fmt::Display) -> fmt::Result {
    writeln!(f, "  {label:<LABEL_WIDTH$} {text}")
}

/// The scope of a group (RFC 2365, RFC 4291 §2.7) and whether routers may forward it.
fn scope_line(
    f: &mut fmt::Formatter<'_>,
    scope: Scope,
    source: impl fmt::Display,
    routable: bool,
) -> fmt::Result {
    let routing = if routable {
        "routers may forward it, within its scope"
    } else {
        "never forwarded off the link"
    };
    line(f, "scope", format_args!("{scope} ({source}); {routing}"))
}

/// An IPv4 address: RFC 5771 registry, RFC 2365 scopes, RFC 4607, RFC 3180, RFC 6034, RFC 6676.
fn ipv4(f: &mut fmt::Formatter<'_>, addr: Ipv4Addr) -> fmt::Result {
    let Some(group) = Ipv4MulticastAddr::new(addr) else {
        return line(
            f,
            "multicast",
            "no: IPv4 multicast groups are 224.0.0.0/4 (RFC 1112 §4)",
        );
    };
    let entry = group.registry_entry();
    line(
        f,
        "block",
        format_args!(
            "{} {} ({})",
            entry.block,
            entry.range,
            entry.block.reference()
        ),
    )?;
    if let Some((name, _)) = IPV4_WELL_KNOWN.iter().find(|(_, g)| *g == group) {
        line(f, "well known", name)?;
    }
    scope_line(f, group.scope(), "as RFC 2365 maps it", group.is_routable())?;
    match entry.block {
        Ipv4MulticastBlock::SourceSpecific => line(
            f,
            "SSM",
            "receivers join (S,G) channels; no RP, no (*,G) (RFC 4607)",
        )?,
        Ipv4MulticastBlock::Glop => {
            if let Some(asn) = group.glop_asn()
                && let Some(block) = Ipv4Range::glop(asn)
            {
                line(
                    f,
                    "GLOP",
                    format_args!("belongs to AS {asn}, whose GLOP block is {block} (RFC 3180)"),
                )?;
            }
        }
        Ipv4MulticastBlock::UnicastPrefixBased => {
            if let Some(prefix) = group.ubm_unicast_prefix() {
                line(
                    f,
                    "unicast base",
                    format_args!("derived from {prefix} (RFC 6034: 234.<prefix>)"),
                )?;
            }
        }
        _ => {}
    }
    if let Some(scope) = group.admin_scope() {
        line(f, "admin scope", format_args!("{scope} (RFC 2365 §6)"))?;
    }
    if let Some((scope, offset)) = group.relative_offset() {
        line(
            f,
            "relative",
            format_args!("offset {offset} from the top of the {scope} (RFC 2365 §9)"),
        )?;
    }
    if group.is_documentation() {
        line(f, "documentation", "reserved for examples (RFC 6676)")?;
    }
    mac_of_group(f, group.to_mac())
}

/// An IPv6 address: RFC 4291 §2.7 flags, scope and solicited-node, RFC 4607, RFC 3306, RFC 3956,
/// RFC 6676.
fn ipv6(f: &mut fmt::Formatter<'_>, addr: Ipv6Addr) -> fmt::Result {
    let Some(group) = Ipv6MulticastAddr::new(addr) else {
        line(
            f,
            "multicast",
            "no: IPv6 multicast groups are ff00::/8 (RFC 4291 §2.7)",
        )?;
        return line(
            f,
            "solicited",
            format_args!(
                "its solicited-node group is {} (RFC 4291 §2.7.1)",
                Ipv6MulticastAddr::solicited_node(addr)
            ),
        );
    };
    let flags = group.flags();
    line(
        f,
        "flags",
        format_args!("{flags} (R = embedded RP, P = prefix-based, T = transient; RFC 4291 §2.7)"),
    )?;
    let scope = group.scope();
    scope_line(
        f,
        scope,
        format_args!("scop {:X}", scope.value()),
        group.is_routable(),
    )?;
    line(f, "kind", group.kind())?;
    if let Some((name, _)) = IPV6_WELL_KNOWN.iter().find(|(_, g)| *g == group) {
        line(f, "well known", name)?;
    }
    if group.is_solicited_node() {
        let [.., b13, b14, b15] = group.to_bits().to_be_bytes();
        line(
            f,
            "solicited",
            format_args!(
                "Neighbor Discovery group of every address ending in {b13:02x}:{:04x} (RFC 4291 §2.7.1)",
                u16::from_be_bytes([b14, b15])
            ),
        )?;
    }
    kind_fields(f, group)?;
    if group.is_documentation() {
        line(
            f,
            "documentation",
            "built from 2001:db8::/32, for examples (RFC 6676)",
        )?;
    }
    mac_of_group(f, group.to_mac())
}

/// The fields the kind of an IPv6 group carries: the group ID of an SSM group (RFC 4607), the
/// prefix of a unicast-prefix-based group (RFC 3306), the RP of an embedded-RP group (RFC 3956),
/// or why a group with those flags is malformed.
fn kind_fields(f: &mut fmt::Formatter<'_>, group: Ipv6MulticastAddr) -> fmt::Result {
    let [.., b12, b13, b14, b15] = group.to_bits().to_be_bytes();
    match group.kind() {
        Ipv6MulticastKind::SourceSpecific => line(
            f,
            "SSM",
            format_args!(
                "group ID {:#x}; receivers join (S,G) channels (RFC 4607)",
                u32::from_be_bytes([b12, b13, b14, b15])
            ),
        )?,
        Ipv6MulticastKind::UnicastPrefixBased => {
            if let Ok(fields) = group.unicast_prefix_based() {
                line(
                    f,
                    "prefix",
                    format_args!(
                        "{}/{} owns it, group ID {:#x} (RFC 3306)",
                        fields.prefix(),
                        fields.prefix_len(),
                        fields.group_id()
                    ),
                )?;
            }
        }
        Ipv6MulticastKind::EmbeddedRp => {
            if let Ok(fields) = group.embedded_rp() {
                line(
                    f,
                    "RP",
                    format_args!(
                        "{} (prefix {}/{}, RIID {}), group ID {:#x} (RFC 3956)",
                        fields.rp_address(),
                        fields.rp_prefix(),
                        fields.prefix_len(),
                        fields.riid(),
                        fields.group_id()
                    ),
                )?;
            }
        }
        Ipv6MulticastKind::Malformed => {
            let why = if group.flags().embeds_rendezvous_point() {
                group.embedded_rp().err()
            } else {
                group.unicast_prefix_based().err()
            };
            if let Some(why) = why {
                line(f, "invalid", why)?;
            }
        }
        Ipv6MulticastKind::PermanentlyAssigned | Ipv6MulticastKind::Transient => {}
    }
    Ok(())
}

/// The MAC address a group maps to (RFC 1112 §6.4, RFC 2464 §7) and the groups that share it.
fn mac_of_group(f: &mut fmt::Formatter<'_>, mac: MacAddr) -> fmt::Result {
    match mac.mapped_groups() {
        MappedGroups::Ipv4(mut groups) => {
            line(
                f,
                "MAC",
                format_args!("{mac} (01:00:5e + low 23 bits, RFC 1112 §6.4)"),
            )?;
            let count = groups.len();
            if let (Some(first), Some(second), Some(last)) =
                (groups.next(), groups.next(), groups.next_back())
            {
                line(
                    f,
                    "same MAC",
                    format_args!("{count} groups: {first}, {second}, … {last}"),
                )?;
            }
            Ok(())
        }
        MappedGroups::Ipv6(pattern) => {
            line(
                f,
                "MAC",
                format_args!("{mac} (33:33 + low 32 bits, RFC 2464 §7)"),
            )?;
            line(
                f,
                "same MAC",
                format_args!("every group matching {pattern} (2^88 of them)"),
            )
        }
        MappedGroups::None => line(f, "MAC", mac),
    }
}

/// A MAC address: its I/G bit (IEEE 802, RFC 7042 §2) and the groups that map to it (RFC 1112
/// §6.4, RFC 2464 §7).
fn mac_address(f: &mut fmt::Formatter<'_>, mac: MacAddr) -> fmt::Result {
    let kind = if mac.is_broadcast() {
        "broadcast"
    } else if mac.is_multicast() {
        "group (multicast): I/G bit set"
    } else {
        "individual (unicast): I/G bit clear"
    };
    line(f, "kind", kind)?;
    match mac.mapped_groups() {
        MappedGroups::Ipv4(groups) => {
            line(f, "maps from", "32 IPv4 groups (RFC 1112 §6.4):")?;
            // Four groups a row, under the texts, each but the last of a row padded to a column.
            let mut groups = groups.peekable();
            while groups.peek().is_some() {
                write!(f, "  {:<LABEL_WIDTH$} ", "")?;
                for column in 0..4 {
                    let Some(group) = groups.next() else { break };
                    if column < 3 && groups.peek().is_some() {
                        write!(f, "{group:<16}")?;
                    } else {
                        write!(f, "{group}")?;
                    }
                }
                writeln!(f)?;
            }
            Ok(())
        }
        MappedGroups::Ipv6(pattern) => {
            line(
                f,
                "maps from",
                format_args!("IPv6 groups matching {pattern} (RFC 2464 §7)"),
            )?;
            line(
                f,
                "e.g.",
                format_args!(
                    "{} (link-local), {} (site-local)",
                    pattern.permanent_group(Scope::LinkLocal),
                    pattern.permanent_group(Scope::SiteLocal)
                ),
            )?;
            match pattern.solicited_node() {
                Some(solicited) => line(f, "solicited", solicited),
                None => Ok(()),
            }
        }
        MappedGroups::None => line(f, "maps from", "no IP multicast group"),
    }
}

#[cfg(test)]
mod tests {
    use std::string::ToString;

    use super::*;

    fn described(text: &str) -> std::string::String {
        text.parse::<Input>().unwrap().describe().to_string()
    }

    #[test]
    fn parses_each_kind_of_address() {
        assert_eq!(
            "239.1.2.3".parse::<Input>(),
            Ok(Input::Ipv4(Ipv4Addr::new(239, 1, 2, 3)))
        );
        assert_eq!(
            "ff05::1:3".parse::<Input>(),
            Ok(Input::Ipv6("ff05::1:3".parse().unwrap()))
        );
        let mac = Input::Mac("01:00:5e:7f:00:01".parse().unwrap());
        assert_eq!("01:00:5e:7f:00:01".parse::<Input>(), Ok(mac));
        assert_eq!("01-00-5E-7F-00-01".parse::<Input>(), Ok(mac));
        assert_eq!(mac.to_string(), "01:00:5e:7f:00:01");
        for bad in ["", "nope", "239.1.2", "01:00:5e:7f:00", "01:00-5e:7f:00:01"] {
            assert!(matches!(
                bad.parse::<Input>(),
                Err(AddrError::Parse {
                    reason: NOT_AN_ADDRESS,
                    ..
                })
            ));
        }
    }

    #[test]
    fn glop_group() {
        assert_eq!(
            described("233.3.4.5"),
            "  block         GLOP Block 233.0.0.0-233.251.255.255 (RFC 5771 §9, RFC 3180)\n\
             \x20 scope         global (as RFC 2365 maps it); routers may forward it, within its scope\n\
             \x20 GLOP          belongs to AS 772, whose GLOP block is 233.3.4.0/24 (RFC 3180)\n\
             \x20 MAC           01:00:5e:03:04:05 (01:00:5e + low 23 bits, RFC 1112 §6.4)\n\
             \x20 same MAC      32 groups: 224.3.4.5, 224.131.4.5, … 239.131.4.5\n"
        );
    }

    #[test]
    fn embedded_rp_group() {
        assert_eq!(
            described("ff7e:140:2001:db8::1234"),
            "  flags         -RPT (R = embedded RP, P = prefix-based, T = transient; RFC 4291 §2.7)\n\
             \x20 scope         global (scop E); routers may forward it, within its scope\n\
             \x20 kind          embedded-RP (RFC 3956)\n\
             \x20 RP            2001:db8::1 (prefix 2001:db8::/64, RIID 1), group ID 0x1234 (RFC 3956)\n\
             \x20 documentation built from 2001:db8::/32, for examples (RFC 6676)\n\
             \x20 MAC           33:33:00:00:12:34 (33:33 + low 32 bits, RFC 2464 §7)\n\
             \x20 same MAC      every group matching ffxx:xxxx:xxxx:xxxx:xxxx:xxxx:0000:1234 (2^88 of them)\n"
        );
    }

    #[test]
    fn invalid_embedded_rp_says_why() {
        let text = described("ffff:ff00::1");
        assert!(
            text.contains(
                "\n  invalid       invalid plen 0: plen MUST NOT be 0 in an embedded-RP address (RFC 3956 §3)\n"
            ),
            "{text}"
        );
        assert!(text.contains("  kind          malformed"), "{text}");
    }

    #[test]
    fn ssm_and_solicited_node_groups() {
        let text = described("ff3e::8000:1");
        assert!(
            text.contains(
                "  SSM           group ID 0x80000001; receivers join (S,G) channels (RFC 4607)\n"
            ),
            "{text}"
        );
        let text = described("ff02::1:ff28:9c5a");
        assert!(
            text.contains(
                "  solicited     Neighbor Discovery group of every address ending in 28:9c5a (RFC 4291 §2.7.1)\n"
            ),
            "{text}"
        );
    }

    #[test]
    fn ipv4_group_mac_address() {
        assert_eq!(
            described("01:00:5e:7f:00:01"),
            "  kind          group (multicast): I/G bit set\n\
             \x20 maps from     32 IPv4 groups (RFC 1112 §6.4):\n\
             \x20               224.127.0.1     224.255.0.1     225.127.0.1     225.255.0.1\n\
             \x20               226.127.0.1     226.255.0.1     227.127.0.1     227.255.0.1\n\
             \x20               228.127.0.1     228.255.0.1     229.127.0.1     229.255.0.1\n\
             \x20               230.127.0.1     230.255.0.1     231.127.0.1     231.255.0.1\n\
             \x20               232.127.0.1     232.255.0.1     233.127.0.1     233.255.0.1\n\
             \x20               234.127.0.1     234.255.0.1     235.127.0.1     235.255.0.1\n\
             \x20               236.127.0.1     236.255.0.1     237.127.0.1     237.255.0.1\n\
             \x20               238.127.0.1     238.255.0.1     239.127.0.1     239.255.0.1\n"
        );
    }

    #[test]
    fn ipv6_group_mac_address() {
        assert_eq!(
            described("33:33:00:00:00:16"),
            "  kind          group (multicast): I/G bit set\n\
             \x20 maps from     IPv6 groups matching ffxx:xxxx:xxxx:xxxx:xxxx:xxxx:0000:0016 (RFC 2464 §7)\n\
             \x20 e.g.          ff02::16 (link-local), ff05::16 (site-local)\n"
        );
    }

    #[test]
    fn unicast_addresses() {
        assert_eq!(
            described("10.0.0.1"),
            "  multicast     no: IPv4 multicast groups are 224.0.0.0/4 (RFC 1112 §4)\n"
        );
        assert_eq!(
            described("2001:db8::1:ff28:9c5a"),
            "  multicast     no: IPv6 multicast groups are ff00::/8 (RFC 4291 §2.7)\n\
             \x20 solicited     its solicited-node group is ff02::1:ff28:9c5a (RFC 4291 §2.7.1)\n"
        );
        assert_eq!(
            described("00:11:22:33:44:55"),
            "  kind          individual (unicast): I/G bit clear\n\
             \x20 maps from     no IP multicast group\n"
        );
    }
}
