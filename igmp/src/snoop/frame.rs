//! What a snooping switch reads in a frame: the port and VLAN ids, port sets, and the
//! classification of a received IP packet into the control messages RFC 4541 acts on.

use alloc::vec::Vec;
use core::net::{Ipv4Addr, Ipv6Addr};
use core::time::Duration;

use mcast_addr::checksum::Checksum;
use mcast_addr::family::{Ipv4, Ipv6};

use crate::Error;
use crate::gmp::Gmp;
use crate::gmp::codec::{Codec, Received};
use crate::wire::{ICMPV6_NEXT_HEADER, IGMP_PROTOCOL, IgmpMessage, MldMessage};

/// A bridge port, as the caller numbers them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct PortId(pub u16);

/// A VLAN (IEEE 802.1Q VLAN identifier): each VLAN is a LAN of its own, snooped apart (RFC 4541
/// §1 applies per broadcast domain).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct VlanId(pub u16);

/// A set of ports, in port order.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(from = "Vec<PortId>"))]
pub struct PortSet(pub(super) Vec<PortId>);

impl From<Vec<PortId>> for PortSet {
    fn from(ports: Vec<PortId>) -> Self {
        ports.into_iter().collect()
    }
}

impl PortSet {
    /// The empty set.
    #[must_use]
    pub const fn new() -> Self {
        Self(Vec::new())
    }

    /// Whether `port` is in the set.
    #[must_use]
    pub fn contains(&self, port: PortId) -> bool {
        self.0.binary_search(&port).is_ok()
    }

    /// Adds `port`; true if it was not there.
    pub fn insert(&mut self, port: PortId) -> bool {
        match self.0.binary_search(&port) {
            Ok(_) => false,
            Err(at) => {
                self.0.insert(at, port);
                true
            }
        }
    }

    /// Removes `port`; true if it was there.
    pub fn remove(&mut self, port: PortId) -> bool {
        match self.0.binary_search(&port) {
            Ok(at) => {
                self.0.remove(at);
                true
            }
            Err(_) => false,
        }
    }

    /// Adds every port of `other`.
    pub fn extend_from(&mut self, other: &Self) {
        for port in &other.0 {
            self.insert(*port);
        }
    }

    /// The ports, in order.
    pub fn iter(&self) -> impl Iterator<Item = PortId> + '_ {
        self.0.iter().copied()
    }

    /// Number of ports.
    #[must_use]
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether the set is empty.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl FromIterator<PortId> for PortSet {
    fn from_iter<I: IntoIterator<Item = PortId>>(iter: I) -> Self {
        let mut ports: Vec<PortId> = iter.into_iter().collect();
        ports.sort_unstable();
        ports.dedup();
        Self(ports)
    }
}

/// IP protocol number (IPv6 Next Header) of PIM (RFC 7761 §4.9).
pub const PIM_PROTOCOL: u8 = 103;

/// PIM's Default_Hello_Holdtime, 3.5 × Hello_Period (RFC 7761 §4.11): the lifetime of a router
/// port learned from a PIM Hello without a Holdtime option.
pub const DEFAULT_PIM_HELLO_HOLDTIME: Duration = Duration::from_secs(105);

/// DVMRP's NeighborTimeout (draft-ietf-idmr-dvmrp-v3-11 §3.2.1, 35 s): the lifetime of a router
/// port learned from a DVMRP Probe.
pub const DVMRP_NEIGHBOR_TIMEOUT: Duration = Duration::from_secs(35);

/// An IP packet received on a port, as the caller's bridge hands it over: the IP addresses, the
/// upper-layer protocol (the IPv4 Protocol field, or for IPv6 the Next Header after the
/// extension headers, Hop-by-Hop Options included) and the upper-layer payload.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Frame<'a, A> {
    /// IP source address.
    pub source: A,
    /// IP destination address (a multicast group for everything the switch acts on).
    pub destination: A,
    /// Upper-layer protocol: 2 (IGMP), 58 (ICMPv6), 103 (PIM) or any other.
    pub protocol: u8,
    /// The upper-layer message: the IGMP, ICMPv6 or PIM message, or any other payload.
    pub payload: &'a [u8],
}

/// What a received frame is to a snooping switch.
#[derive(Debug, Clone)]
pub enum Control<'a, F: Gmp> {
    /// A Query, Report, Leave or Done, parsed and checksum-verified by the codec.
    Membership(Received<'a, F>),
    /// A Multicast Router Advertisement (RFC 4286 §5) with its Advertisement Interval.
    RouterAdvertisement {
        /// The Advertisement Interval (§5.1), in seconds on the wire.
        interval: Duration,
    },
    /// A Multicast Router Solicitation (RFC 4286 §6).
    RouterSolicitation,
    /// A Multicast Router Termination (RFC 4286 §7).
    RouterTermination,
    /// A DVMRP Probe (IGMP type 0x13, code 1: draft-ietf-idmr-dvmrp-v3-11 §3.2).
    DvmrpProbe,
    /// A PIMv2 Hello (RFC 7761 §4.9.2) with its Holdtime: `None` is 0xffff, "never time out";
    /// zero means the router is going away (§4.3.1).
    PimHello {
        /// The Holdtime option, or [`DEFAULT_PIM_HELLO_HOLDTIME`] without one.
        holdtime: Option<Duration>,
    },
    /// Any other IGMP message (RFC 4541 §2.1.1 (3): unrecognized messages are flooded).
    OtherGroupManagement,
    /// Not a control message: data, forwarded by the group tables (§2.1.2).
    Data,
}

/// What a snooping switch needs of an address family beside [`Gmp`]: which groups are always
/// flooded and how a frame is classified. Implemented for [`Ipv4`] (IGMP snooping) and
/// [`Ipv6`] (MLD snooping).
pub trait SnoopFamily: Gmp {
    /// The upper-layer protocol of group management: 2 (IGMP) or 58 (ICMPv6).
    const GMP_PROTOCOL: u8;

    /// Whether traffic to `group` is flooded on every port whatever the reports say.
    ///
    /// - IPv4: 224.0.0.0/24, the Local Network Control Block (RFC 4541 §2.1.2 (2): "must be
    ///   forwarded on all ports"), where routing protocols and all-systems live.
    /// - IPv6: every group of scope 0, 1 or 2 (ff00::/15 never appears on a link, RFC 4541 §3;
    ///   ff02::1 is never reported). Link-scope groups are reported by MLD hosts (RFC 4541 §3),
    ///   but this switch floods all of them on purpose: the solicited-node groups
    ///   (ff02::1:ff00:0/104) carry Neighbor Discovery (RFC 4861), and a host performing
    ///   Duplicate Address Detection, or whose report was lost, must still be reached; flooding
    ///   them costs a few small packets, snooping them risks breaking IPv6 on the LAN.
    fn is_flooded_group(group: &Self::Addr) -> bool;

    /// Classifies a received frame, verifying the checksum of every control message.
    ///
    /// # Errors
    ///
    /// The codec's error for a group management or PIM Hello message that does not parse
    /// (RFC 4541 §2.1.1 (5): such a message is not used, nor flooded).
    fn classify<'a>(frame: &Frame<'a, Self::Addr>) -> Result<Control<'a, Self>, Error>;
}

fn pim_hello<'a, F: Gmp>(payload: &[u8], start: Checksum) -> Result<Control<'a, F>, Error> {
    let mut sum = start;
    sum.add_bytes(payload);
    if payload.len() < 4 || sum.sum() != 0xffff {
        return Err(Error::invalid(
            "Checksum",
            2,
            "a PIM Hello with a bad checksum",
        ));
    }
    // RFC 7761 §4.9.2: options after the 4-byte header, each Type (2), Length (2), Value.
    let mut rest = payload.get(4..).unwrap_or_default();
    let mut holdtime = Some(DEFAULT_PIM_HELLO_HOLDTIME);
    while let Some(&[t0, t1, l0, l1]) = rest.get(..4) {
        let kind = u16::from_be_bytes([t0, t1]);
        let len = usize::from(u16::from_be_bytes([l0, l1]));
        let value = rest
            .get(4..4usize.saturating_add(len))
            .ok_or(Error::invalid(
                "Option Length",
                0,
                "a PIM Hello option runs past the message",
            ))?;
        if kind == 1
            && let &[h0, h1] = value
        {
            holdtime = match u16::from_be_bytes([h0, h1]) {
                0xffff => None,
                secs => Some(Duration::from_secs(u64::from(secs))),
            };
        }
        rest = rest.get(4usize.saturating_add(len)..).unwrap_or_default();
    }
    Ok(Control::PimHello { holdtime })
}

fn is_pim_hello(payload: &[u8]) -> bool {
    // Version 2, Type 0 (RFC 7761 §4.9).
    payload.first() == Some(&0x20)
}

impl SnoopFamily for Ipv4 {
    const GMP_PROTOCOL: u8 = IGMP_PROTOCOL;

    fn is_flooded_group(group: &Ipv4Addr) -> bool {
        let [a, b, c, _] = group.octets();
        (a, b, c) == (224, 0, 0)
    }

    fn classify<'a>(frame: &Frame<'a, Ipv4Addr>) -> Result<Control<'a, Self>, Error> {
        match frame.protocol {
            IGMP_PROTOCOL => {}
            PIM_PROTOCOL if is_pim_hello(frame.payload) => {
                return pim_hello(frame.payload, Checksum::new());
            }
            _ => return Ok(Control::Data),
        }
        match frame.payload.first() {
            Some(0x11 | 0x12 | 0x16 | 0x17 | 0x22) => Ok(Control::Membership(
                <Self as Codec>::parse(frame.payload, frame.source, frame.destination)?,
            )),
            _ => Ok(match IgmpMessage::parse(frame.payload)? {
                IgmpMessage::RouterAdvertisement(ad) => Control::RouterAdvertisement {
                    interval: Duration::from_secs(u64::from(ad.advertisement_interval())),
                },
                IgmpMessage::RouterSolicitation(_) => Control::RouterSolicitation,
                IgmpMessage::RouterTermination(_) => Control::RouterTermination,
                IgmpMessage::Other(raw) if (raw.message_type(), raw.code()) == (0x13, 1) => {
                    Control::DvmrpProbe
                }
                _ => Control::OtherGroupManagement,
            }),
        }
    }
}

impl SnoopFamily for Ipv6 {
    const GMP_PROTOCOL: u8 = ICMPV6_NEXT_HEADER;

    fn is_flooded_group(group: &Ipv6Addr) -> bool {
        let [first, flags_scope, ..] = group.octets();
        first == 0xff && flags_scope & 0x0f <= 2
    }

    fn classify<'a>(frame: &Frame<'a, Ipv6Addr>) -> Result<Control<'a, Self>, Error> {
        match frame.protocol {
            ICMPV6_NEXT_HEADER => {}
            PIM_PROTOCOL if is_pim_hello(frame.payload) => {
                let mut start = Checksum::new();
                start.add_ipv6_pseudo_header(
                    frame.source,
                    frame.destination,
                    u32::try_from(frame.payload.len()).unwrap_or(u32::MAX),
                    PIM_PROTOCOL,
                );
                return pim_hello(frame.payload, start);
            }
            _ => return Ok(Control::Data),
        }
        match frame.payload.first() {
            Some(130 | 131 | 132 | 143) => Ok(Control::Membership(<Self as Codec>::parse(
                frame.payload,
                frame.source,
                frame.destination,
            )?)),
            Some(151..=153) => Ok(
                match MldMessage::parse(frame.payload, frame.source, frame.destination)? {
                    MldMessage::RouterAdvertisement(ad) => Control::RouterAdvertisement {
                        interval: Duration::from_secs(u64::from(ad.advertisement_interval())),
                    },
                    MldMessage::RouterSolicitation(_) => Control::RouterSolicitation,
                    MldMessage::RouterTermination(_) => Control::RouterTermination,
                    _ => Control::OtherGroupManagement,
                },
            ),
            // Neighbor Discovery and every other ICMPv6 message: data to its destination.
            _ => Ok(Control::Data),
        }
    }
}
