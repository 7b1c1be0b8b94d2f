//! IGMP and MLD nodes: [`GmpRouter`] and [`GmpHost`] run the `mcast-igmp` state machines
//! (`Router<Ipv4, _>`, `Router<Ipv6, _>`, `Host<Ipv4, _>`, `Host<Ipv6, _>`) on their first
//! interface.
//!
//! A node runs IGMP, MLD or both (a dual-stack router). Every message goes on the wire as the
//! RFCs send it ([`mcast_igmp::wire::envelope`]): IPv4 with TTL 1 and the Router Alert option
//! (ToS 0xc0 for IGMPv3, RFC 3376/9776 §4), IPv6 with hop limit 1 and a Hop-by-Hop Router Alert
//! (RFC 3810 §5). Received packets go through the codec (checksum verified) into the state
//! machines; packets with a hop limit other than 1 are ignored (RFC 3810 §5, RFC 2236 §2).
//!
//! The router notes every querier change and every membership change in the timeline,
//! highlighted while it is the querier (the other routers' copies of the state are details);
//! the host notes its compatibility mode changes.

use std::collections::BTreeMap;
use std::net::IpAddr;
use std::time::Duration;

use mcast_addr::family::{IpFamily, Ipv4, Ipv6};
use mcast_igmp::gmp::{FilterMode, Gmp, HostConfig, RouterConfig, Transmit, Version};
use mcast_igmp::host::{Host, HostEvent, SocketId};
use mcast_igmp::router::{Router, RouterEvent};
use mcast_igmp::wire::envelope::{
    IPV4_ENVELOPE_LEN, IPV6_ENVELOPE_LEN, Ipv4Envelope, Ipv6Envelope,
};
use mcast_igmp::wire::{IgmpMessage, MldMessage, QueryKind};

use crate::error::SimError;
use crate::node::{Context, InterfaceId, IpPacket, Node, Outgoing};
use crate::recorder::Level;

/// UDP's protocol number.
const UDP: u8 = 17;

/// The interface the IGMP/MLD nodes run on: their first.
const INTERFACE: InterfaceId = InterfaceId(0);

/// What the nodes need of an address family beyond [`Gmp`]: the IP protocol, and how a message
/// goes on the wire.
trait SimFamily: Gmp {
    /// IGMP's protocol number (2) or ICMPv6's next header (58).
    const IP_PROTOCOL: u8;

    /// The message in its IP packet, with its kind and summary for the timeline.
    fn outgoing(
        transmit: &Transmit<Self>,
        identification: &mut u16,
    ) -> Result<Outgoing, mcast_igmp::Error>;
}

impl SimFamily for Ipv4 {
    const IP_PROTOCOL: u8 = mcast_igmp::wire::IGMP_PROTOCOL;

    fn outgoing(
        transmit: &Transmit<Self>,
        identification: &mut u16,
    ) -> Result<Outgoing, mcast_igmp::Error> {
        let message = IgmpMessage::parse(&transmit.payload)?;
        let (kind, version_3) = match &message {
            IgmpMessage::QueryV1(_) => ("IGMPv1 query", false),
            IgmpMessage::QueryV2(m) if m.group_address().is_unspecified() => {
                ("IGMPv2 general query", false)
            }
            IgmpMessage::QueryV2(_) => ("IGMPv2 group-specific query", false),
            IgmpMessage::QueryV3(q) => (query_kind_name("IGMPv3", q.kind()), true),
            IgmpMessage::ReportV1(_) => ("IGMPv1 report", false),
            IgmpMessage::ReportV2(_) => ("IGMPv2 report", false),
            IgmpMessage::LeaveGroup(_) => ("IGMPv2 leave", false),
            IgmpMessage::ReportV3(_) => ("IGMPv3 report", true),
            _ => ("other IGMP", false),
        };
        let mut envelope = if version_3 {
            Ipv4Envelope::igmpv3(transmit.source, transmit.destination)
        } else {
            Ipv4Envelope::igmp(transmit.source, transmit.destination)
        };
        envelope.identification = *identification;
        *identification = identification.wrapping_add(1);
        let mut packet = vec![0; IPV4_ENVELOPE_LEN];
        envelope.emit(&mut packet, transmit.payload.len())?;
        packet.extend_from_slice(&transmit.payload);
        Ok(Outgoing {
            packet,
            kind: kind.to_owned(),
            summary: message.to_string(),
        })
    }
}

impl SimFamily for Ipv6 {
    const IP_PROTOCOL: u8 = mcast_igmp::wire::ICMPV6_NEXT_HEADER;

    fn outgoing(
        transmit: &Transmit<Self>,
        _identification: &mut u16,
    ) -> Result<Outgoing, mcast_igmp::Error> {
        let message = MldMessage::parse(&transmit.payload, transmit.source, transmit.destination)?;
        let kind = match &message {
            MldMessage::QueryV1(m) if m.multicast_address().is_unspecified() => {
                "MLDv1 general query"
            }
            MldMessage::QueryV1(_) => "MLDv1 multicast-address-specific query",
            MldMessage::QueryV2(q) => query_kind_name("MLDv2", q.kind()),
            MldMessage::ReportV1(_) => "MLDv1 report",
            MldMessage::Done(_) => "MLDv1 done",
            MldMessage::ReportV2(_) => "MLDv2 report",
            _ => "other ICMPv6",
        };
        let envelope = Ipv6Envelope::new(transmit.source, transmit.destination)?;
        let mut packet = vec![0; IPV6_ENVELOPE_LEN];
        envelope.emit(&mut packet, transmit.payload.len())?;
        packet.extend_from_slice(&transmit.payload);
        Ok(Outgoing {
            packet,
            kind: kind.to_owned(),
            summary: message.to_string(),
        })
    }
}

fn query_kind_name<A>(protocol: &'static str, kind: QueryKind<A>) -> &'static str {
    match (protocol, kind) {
        ("IGMPv3", QueryKind::General) => "IGMPv3 general query",
        ("IGMPv3", QueryKind::GroupSpecific(_)) => "IGMPv3 group-specific query",
        ("IGMPv3", QueryKind::GroupAndSourceSpecific(_)) => {
            "IGMPv3 group-and-source-specific query"
        }
        (_, QueryKind::General) => "MLDv2 general query",
        (_, QueryKind::GroupSpecific(_)) => "MLDv2 multicast-address-specific query",
        (_, QueryKind::GroupAndSourceSpecific(_)) => {
            "MLDv2 multicast-address-and-source-specific query"
        }
    }
}

/// An IGMP message of a router or host state machine in its IPv4 packet (TTL 1, Router Alert,
/// ToS 0xc0 for IGMPv3; identification `*identification`, which is then incremented), with its
/// kind and the codec's summary: for nodes of other protocols that run IGMP on their
/// interfaces.
///
/// # Errors
///
/// The codec's error if the payload does not parse (a bug of the state machine).
pub fn igmp_outgoing(
    transmit: &Transmit<Ipv4>,
    identification: &mut u16,
) -> Result<Outgoing, mcast_igmp::Error> {
    Ipv4::outgoing(transmit, identification)
}

/// An MLD message of a router or host state machine in its IPv6 packet (hop limit 1,
/// Hop-by-Hop Router Alert), with its kind and the codec's summary.
///
/// # Errors
///
/// The codec's error if the payload does not parse, or the source is not link-local.
pub fn mld_outgoing(transmit: &Transmit<Ipv6>) -> Result<Outgoing, mcast_igmp::Error> {
    Ipv6::outgoing(transmit, &mut 0)
}

/// Sends `transmit` on the node's interface, or notes why it could not be framed.
fn send<F: SimFamily>(cx: &mut Context<'_>, transmit: &Transmit<F>, identification: &mut u16) {
    match F::outgoing(transmit, identification) {
        Ok(outgoing) => cx.send(INTERFACE, outgoing),
        Err(error) => cx.note(
            Level::Info,
            "error",
            Some(transmit.source.into()),
            format!("could not send a {} message: {error}", F::PROTOCOL),
        ),
    }
}

/// Whether `packet` is for family `F`'s protocol, with a hop limit of 1; notes why not when it
/// is the protocol's but the hop limit is wrong.
fn accepts<F: SimFamily>(cx: &mut Context<'_>, packet: &IpPacket<'_>, own: F::Addr) -> bool {
    if packet.protocol != F::IP_PROTOCOL || F::from_ip(packet.source).is_none() {
        return false;
    }
    if packet.hop_limit != 1 {
        cx.note(
            Level::Detail,
            "ignored",
            Some(own.into()),
            format!(
                "ignored a {} packet from {} with hop limit {}",
                F::PROTOCOL,
                packet.source,
                packet.hop_limit
            ),
        );
        return false;
    }
    true
}

// ----- Router -------------------------------------------------------------------------------

/// One family's router, and what the timeline needs to explain its querier changes.
#[derive(Debug, Clone)]
struct RouterSide<F: Gmp> {
    router: Router<F, Duration>,
    /// The querier as last noted: tells a takeover from a router's start.
    querier: Option<F::Addr>,
    /// Whether the node stopped the router: its records go because it forgets them.
    stopped: bool,
    /// Each group's compatibility mode as last noted: tells falling back from coming back.
    modes: BTreeMap<F::Addr, Version>,
}

impl<F: SimFamily> RouterSide<F> {
    fn new(config: RouterConfig<F>) -> Self {
        Self {
            router: Router::new(config),
            querier: None,
            stopped: false,
            modes: BTreeMap::new(),
        }
    }

    fn handle_packet(&mut self, cx: &mut Context<'_>, packet: &IpPacket<'_>) {
        let own = self.router.config().address;
        if !accepts::<F>(cx, packet, own) {
            return;
        }
        let (Some(source), Some(destination)) =
            (F::from_ip(packet.source), F::from_ip(packet.destination))
        else {
            return;
        };
        if let Err(error) = self
            .router
            .handle_packet(cx.now(), source, destination, packet.payload)
        {
            cx.note(
                Level::Info,
                "error",
                Some(own.into()),
                format!("dropped a packet from {source}: {error}"),
            );
        }
    }

    fn drain(&mut self, cx: &mut Context<'_>, identification: &mut u16) {
        while let Some(transmit) = self.router.poll_transmit() {
            send(cx, &transmit, identification);
        }
        let own = self.router.config().address;
        while let Some(event) = self.router.poll_event() {
            let level = if self.querier == Some(own) {
                Level::Highlight
            } else {
                Level::Detail
            };
            let (topic, level, text) = match event {
                RouterEvent::QuerierChanged { querier } => {
                    let text = self.querier_text(cx, own, querier);
                    self.querier = Some(querier);
                    ("querier", Level::Highlight, text)
                }
                RouterEvent::FilterModeChanged { group, mode } => {
                    if mode.is_none() {
                        self.modes.remove(&group);
                    }
                    let text = match mode {
                        Some(FilterMode::Exclude) => {
                            format!("{group}: EXCLUDE mode, traffic from every source forwarded")
                        }
                        Some(FilterMode::Include) => {
                            format!("{group}: INCLUDE mode, traffic from the listed sources only")
                        }
                        None if self.stopped => format!("{group}: forgotten, the router stopped"),
                        None => format!("{group}: no listener left, nothing forwarded"),
                    };
                    ("membership", level, text)
                }
                RouterEvent::SourceForwardingChanged {
                    group,
                    source,
                    forward,
                } => {
                    let text = if forward {
                        format!("{group}: traffic from {source} forwarded")
                    } else {
                        format!("{group}: traffic from {source} no longer forwarded")
                    };
                    ("membership", level, text)
                }
                RouterEvent::CompatibilityModeChanged { group, version } => {
                    let name = version.name::<F>();
                    let previous = self.modes.insert(group, version).unwrap_or(Version::V3);
                    let text = if version < previous {
                        format!("{group}: {name} compatibility mode, an {name} host is present")
                    } else {
                        format!(
                            "{group}: back to {name}, no older host heard for the Older Host \
                             Present Interval ({})",
                            seconds(self.router.older_host_present_interval())
                        )
                    };
                    ("compatibility", level, text)
                }
            };
            cx.note(level, topic, Some(own.into()), text);
        }
    }

    fn querier_text(&self, cx: &Context<'_>, own: F::Addr, querier: F::Addr) -> String {
        let protocol = F::PROTOCOL;
        if querier == own {
            match self.querier {
                Some(previous) if previous != own => format!(
                    "takes over as {protocol} querier: no Query from {} for the Other Querier \
                     Present Interval ({})",
                    cx.describe(previous.into()),
                    seconds(self.router.other_querier_present_interval())
                ),
                _ => format!("is {protocol} querier (every router starts as querier)"),
            }
        } else if self.querier == Some(own) {
            format!(
                "{protocol} querier is {}, a lower address: stops querying",
                cx.describe(querier.into())
            )
        } else {
            format!("{protocol} querier is {}", cx.describe(querier.into()))
        }
    }
}

/// A dual-stack multicast router interface: an IGMP router (`Router<Ipv4, _>`), an MLD router
/// (`Router<Ipv6, _>`), or both, on the node's first interface.
#[derive(Debug, Clone, Default)]
pub struct GmpRouter {
    igmp: Option<RouterSide<Ipv4>>,
    mld: Option<RouterSide<Ipv6>>,
    identification: u16,
}

impl GmpRouter {
    /// A router with no protocol yet: add them with [`GmpRouter::with_igmp`] and
    /// [`GmpRouter::with_mld`].
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// Runs IGMP with `config` (its address is the router's IPv4 address on the link).
    #[must_use]
    pub fn with_igmp(mut self, config: RouterConfig<Ipv4>) -> Self {
        self.igmp = Some(RouterSide::new(config));
        self
    }

    /// Runs MLD with `config` (its address is the router's link-local address).
    #[must_use]
    pub fn with_mld(mut self, config: RouterConfig<Ipv6>) -> Self {
        self.mld = Some(RouterSide::new(config));
        self
    }

    /// The IGMP router.
    #[must_use]
    pub fn igmp(&self) -> Option<&Router<Ipv4, Duration>> {
        self.igmp.as_ref().map(|side| &side.router)
    }

    /// The IGMP router, to reconfigure it in a scripted action.
    pub fn igmp_mut(&mut self) -> Option<&mut Router<Ipv4, Duration>> {
        self.igmp.as_mut().map(|side| &mut side.router)
    }

    /// The MLD router.
    #[must_use]
    pub fn mld(&self) -> Option<&Router<Ipv6, Duration>> {
        self.mld.as_ref().map(|side| &side.router)
    }

    /// The MLD router, to reconfigure it in a scripted action.
    pub fn mld_mut(&mut self) -> Option<&mut Router<Ipv6, Duration>> {
        self.mld.as_mut().map(|side| &mut side.router)
    }
}

impl Node for GmpRouter {
    fn start(&mut self, cx: &mut Context<'_>) {
        let now = cx.now();
        if let Some(side) = &mut self.igmp {
            side.stopped = false;
            side.router.enable(now);
        }
        if let Some(side) = &mut self.mld {
            side.stopped = false;
            side.router.enable(now);
        }
    }

    fn stop(&mut self, _cx: &mut Context<'_>) {
        if let Some(side) = &mut self.igmp {
            side.router.disable();
            side.querier = None;
            side.stopped = true;
        }
        if let Some(side) = &mut self.mld {
            side.router.disable();
            side.querier = None;
            side.stopped = true;
        }
    }

    fn handle_packet(
        &mut self,
        cx: &mut Context<'_>,
        interface: InterfaceId,
        packet: &IpPacket<'_>,
    ) {
        if interface != INTERFACE {
            return;
        }
        if let Some(side) = &mut self.igmp {
            side.handle_packet(cx, packet);
        }
        if let Some(side) = &mut self.mld {
            side.handle_packet(cx, packet);
        }
    }

    fn handle_timeout(&mut self, cx: &mut Context<'_>) {
        let now = cx.now();
        if let Some(side) = &mut self.igmp {
            side.router.handle_timeout(now);
        }
        if let Some(side) = &mut self.mld {
            side.router.handle_timeout(now);
        }
    }

    fn poll_timeout(&self) -> Option<Duration> {
        let igmp = self
            .igmp
            .as_ref()
            .and_then(|side| side.router.poll_timeout());
        let mld = self
            .mld
            .as_ref()
            .and_then(|side| side.router.poll_timeout());
        igmp.into_iter().chain(mld).min()
    }

    fn drain(&mut self, cx: &mut Context<'_>) {
        if let Some(side) = &mut self.igmp {
            side.drain(cx, &mut self.identification);
        }
        if let Some(side) = &mut self.mld {
            side.drain(cx, &mut self.identification);
        }
    }
}

// ----- Host ---------------------------------------------------------------------------------

fn host_handle_packet<F: SimFamily>(
    host: &mut Host<F, Duration>,
    cx: &mut Context<'_>,
    packet: &IpPacket<'_>,
) {
    let own = host.config().address;
    if !accepts::<F>(cx, packet, own) {
        return;
    }
    let (Some(source), Some(destination)) =
        (F::from_ip(packet.source), F::from_ip(packet.destination))
    else {
        return;
    };
    let now = cx.now();
    if let Err(error) = host.handle_packet(now, cx.rng(), source, destination, packet.payload) {
        cx.note(
            Level::Info,
            "error",
            Some(own.into()),
            format!("dropped a packet from {source}: {error}"),
        );
    }
}

fn host_drain<F: SimFamily>(
    host: &mut Host<F, Duration>,
    cx: &mut Context<'_>,
    identification: &mut u16,
) {
    while let Some(transmit) = host.poll_transmit() {
        send(cx, &transmit, identification);
    }
    let own = host.config().address;
    while let Some(event) = host.poll_event() {
        let (level, topic, text) = match event {
            HostEvent::ReceptionChanged { group, mode } => {
                let text = match mode {
                    Some(FilterMode::Exclude) => format!("receives {group} (EXCLUDE mode)"),
                    Some(FilterMode::Include) => format!("receives {group} (INCLUDE mode)"),
                    None => format!("no longer receives {group}"),
                };
                (Level::Detail, "reception", text)
            }
            HostEvent::CompatibilityModeChanged { version } => {
                let name = version.name::<F>();
                (
                    Level::Info,
                    "compatibility",
                    format!("host compatibility mode is now {name}"),
                )
            }
        };
        cx.note(level, topic, Some(own.into()), text);
    }
}

/// A host (group member, multicast listener): an IGMP host (`Host<Ipv4, _>`), an MLD host
/// (`Host<Ipv6, _>`), or both, on the node's first interface.
///
/// Its commands take an [`IpAddr`] and go to the IGMP or the MLD side by the group's family,
/// on socket [`GmpHost::SOCKET`]; for several sockets use [`GmpHost::igmp_mut`] and
/// [`GmpHost::mld_mut`] with [`Context::now`] and [`Context::rng`].
///
/// It also counts the UDP datagrams it receives for the (source, group) pairs its interface
/// state accepts (RFC 3376/9776 §3.2): [`GmpHost::data_received`].
#[derive(Debug, Clone, Default)]
pub struct GmpHost {
    igmp: Option<Host<Ipv4, Duration>>,
    mld: Option<Host<Ipv6, Duration>>,
    identification: u16,
    data: BTreeMap<(IpAddr, IpAddr), u64>,
}

impl GmpHost {
    /// The socket the convenience commands act for.
    pub const SOCKET: SocketId = SocketId(1);

    /// A host with no protocol yet: add them with [`GmpHost::with_igmp`] and
    /// [`GmpHost::with_mld`].
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// Runs IGMP with `config` ([`HostConfig::version`] makes an IGMPv1 or IGMPv2 host).
    #[must_use]
    pub fn with_igmp(mut self, config: HostConfig<Ipv4>) -> Self {
        self.igmp = Some(Host::new(config));
        self
    }

    /// Runs MLD with `config` (its address is the host's link-local address).
    #[must_use]
    pub fn with_mld(mut self, config: HostConfig<Ipv6>) -> Self {
        self.mld = Some(Host::new(config));
        self
    }

    /// The IGMP host.
    #[must_use]
    pub fn igmp(&self) -> Option<&Host<Ipv4, Duration>> {
        self.igmp.as_ref()
    }

    /// The IGMP host, for commands beyond the convenience ones.
    pub fn igmp_mut(&mut self) -> Option<&mut Host<Ipv4, Duration>> {
        self.igmp.as_mut()
    }

    /// The MLD host.
    #[must_use]
    pub fn mld(&self) -> Option<&Host<Ipv6, Duration>> {
        self.mld.as_ref()
    }

    /// The MLD host, for commands beyond the convenience ones.
    pub fn mld_mut(&mut self) -> Option<&mut Host<Ipv6, Duration>> {
        self.mld.as_mut()
    }

    /// How many UDP datagrams from `source` to `group` the host received and accepted.
    #[must_use]
    pub fn data_received(&self, source: IpAddr, group: IpAddr) -> u64 {
        self.data.get(&(source, group)).copied().unwrap_or(0)
    }

    /// Whether the interface accepts traffic from `source` to `group`.
    fn accepts(&self, source: IpAddr, group: IpAddr) -> bool {
        match (source, group) {
            (IpAddr::V4(s), IpAddr::V4(g)) => self.igmp.as_ref().is_some_and(|h| h.accepts(s, g)),
            (IpAddr::V6(s), IpAddr::V6(g)) => self.mld.as_ref().is_some_and(|h| h.accepts(s, g)),
            _ => false,
        }
    }

    /// Joins `group` from any source (EXCLUDE {}).
    ///
    /// # Errors
    ///
    /// [`SimError::NoProtocol`] if the node does not run the group's protocol,
    /// [`SimError::Filter`] if the host refuses.
    pub fn join(&mut self, cx: &mut Context<'_>, group: IpAddr) -> Result<(), SimError> {
        self.set_filter(cx, group, FilterMode::Exclude, &[])
    }

    /// Leaves `group` (INCLUDE {}).
    ///
    /// # Errors
    ///
    /// As [`GmpHost::join`].
    pub fn leave(&mut self, cx: &mut Context<'_>, group: IpAddr) -> Result<(), SimError> {
        self.set_filter(cx, group, FilterMode::Include, &[])
    }

    /// Adds `source` to the INCLUDE filter of `group` (a source-specific join, RFC 4604).
    ///
    /// # Errors
    ///
    /// As [`GmpHost::join`], and [`SimError::FamilyMismatch`].
    pub fn join_source(
        &mut self,
        cx: &mut Context<'_>,
        group: IpAddr,
        source: IpAddr,
    ) -> Result<(), SimError> {
        let now = cx.now();
        let node = cx.node();
        match (group, source) {
            (IpAddr::V4(g), IpAddr::V4(s)) => {
                let host = self.igmp.as_mut().ok_or(SimError::NoProtocol {
                    node,
                    protocol: "IGMP",
                })?;
                host.join_source_group(now, cx.rng(), Self::SOCKET, g, s)?;
            }
            (IpAddr::V6(g), IpAddr::V6(s)) => {
                let host = self.mld.as_mut().ok_or(SimError::NoProtocol {
                    node,
                    protocol: "MLD",
                })?;
                host.join_source_group(now, cx.rng(), Self::SOCKET, g, s)?;
            }
            _ => {
                return Err(SimError::FamilyMismatch {
                    group,
                    source_address: source,
                });
            }
        }
        Ok(())
    }

    /// Sets the whole filter of `group`: `mode` with `sources`.
    ///
    /// # Errors
    ///
    /// As [`GmpHost::join_source`].
    pub fn set_filter(
        &mut self,
        cx: &mut Context<'_>,
        group: IpAddr,
        mode: FilterMode,
        sources: &[IpAddr],
    ) -> Result<(), SimError> {
        let now = cx.now();
        let node = cx.node();
        let mismatch = |source: &IpAddr| SimError::FamilyMismatch {
            group,
            source_address: *source,
        };
        match group {
            IpAddr::V4(g) => {
                let sources = sources
                    .iter()
                    .map(|s| Ipv4::from_ip(*s).ok_or_else(|| mismatch(s)))
                    .collect::<Result<Vec<_>, _>>()?;
                let host = self.igmp.as_mut().ok_or(SimError::NoProtocol {
                    node,
                    protocol: "IGMP",
                })?;
                host.set_filter(now, cx.rng(), Self::SOCKET, g, mode, sources)?;
            }
            IpAddr::V6(g) => {
                let sources = sources
                    .iter()
                    .map(|s| Ipv6::from_ip(*s).ok_or_else(|| mismatch(s)))
                    .collect::<Result<Vec<_>, _>>()?;
                let host = self.mld.as_mut().ok_or(SimError::NoProtocol {
                    node,
                    protocol: "MLD",
                })?;
                host.set_filter(now, cx.rng(), Self::SOCKET, g, mode, sources)?;
            }
        }
        Ok(())
    }
}

impl Node for GmpHost {
    fn start(&mut self, cx: &mut Context<'_>) {
        let now = cx.now();
        if let Some(host) = &mut self.igmp {
            host.enable(now, cx.rng());
        }
        if let Some(host) = &mut self.mld {
            host.enable(now, cx.rng());
        }
    }

    fn stop(&mut self, cx: &mut Context<'_>) {
        let now = cx.now();
        if let Some(host) = &mut self.igmp {
            host.disable(now);
        }
        if let Some(host) = &mut self.mld {
            host.disable(now);
        }
    }

    fn handle_packet(
        &mut self,
        cx: &mut Context<'_>,
        interface: InterfaceId,
        packet: &IpPacket<'_>,
    ) {
        if interface != INTERFACE {
            return;
        }
        if packet.protocol == UDP && packet.destination.is_multicast() {
            if self.accepts(packet.source, packet.destination) {
                let count = self
                    .data
                    .entry((packet.source, packet.destination))
                    .or_default();
                *count = count.saturating_add(1);
            }
            return;
        }
        if let Some(host) = &mut self.igmp {
            host_handle_packet(host, cx, packet);
        }
        if let Some(host) = &mut self.mld {
            host_handle_packet(host, cx, packet);
        }
    }

    fn handle_timeout(&mut self, cx: &mut Context<'_>) {
        let now = cx.now();
        if let Some(host) = &mut self.igmp {
            host.handle_timeout(now, cx.rng());
        }
        if let Some(host) = &mut self.mld {
            host.handle_timeout(now, cx.rng());
        }
    }

    fn poll_timeout(&self) -> Option<Duration> {
        let igmp = self.igmp.as_ref().and_then(Host::poll_timeout);
        let mld = self.mld.as_ref().and_then(Host::poll_timeout);
        igmp.into_iter().chain(mld).min()
    }

    fn drain(&mut self, cx: &mut Context<'_>) {
        if let Some(host) = &mut self.igmp {
            host_drain(host, cx, &mut self.identification);
        }
        if let Some(host) = &mut self.mld {
            host_drain(host, cx, &mut self.identification);
        }
    }
}

/// A duration in seconds for the timeline: `125 s`, `62.5 s`.
fn seconds(duration: Duration) -> String {
    let millis = duration.as_millis();
    if millis.is_multiple_of(1000) {
        format!("{} s", millis / 1000)
    } else {
        format!("{} s", duration.as_secs_f64())
    }
}
