//! An IGMP/MLD proxy (RFC 4605, "IGMP/MLD Proxying"): multicast forwarding from group
//! membership alone, as home gateways do it, built from the crate's host and router machines.
//!
//! - One upstream interface runs the host machine ([`Host`]) (§3: "performs the host portion
//!   of IGMP/MLD on the upstream interface").
//! - Each downstream interface runs the router machine ([`Router`]) (§4.1: "performs the router
//!   portion of IGMP or MLD on each downstream interface"), querier election included: the
//!   proxy queries a downstream link unless a router with a lower address does.
//! - The subscriptions of the downstream interfaces are merged, group by group, into the
//!   membership database (§4.1), and the database is the upstream host's filter: every change
//!   is reported upstream as a host changing its filter would report it.
//! - Forwarding (§4.2): traffic from upstream goes to each downstream interface whose
//!   subscriptions want it and on which the proxy is the querier; traffic from a downstream
//!   interface goes upstream and to the other downstream interfaces on the same rule.
//!   [`Proxy::interfaces_for`] answers it; the events describe it.
//!
//! # Merging (§4.1)
//! A downstream interface's subscription to a group is its router's record: INCLUDE with the
//! record's sources, or EXCLUDE with the sources it does not forward (the Y of RFC 3376/9776
//! §6.2.1); an IGMPv1/v2 or MLDv1 membership is EXCLUDE with none. The merge is EXCLUDE if any
//! subscription is, with the intersection of the EXCLUDE lists minus the union of the INCLUDE
//! lists; otherwise INCLUDE with the union of the INCLUDE lists. For a group in the SSM range
//! (RFC 4604 §2.2), EXCLUDE subscriptions are left out of the merge: the upstream filter of an
//! SSM group is always INCLUDE.
//!
//! When the merged source list is longer than the upstream host accepts
//! ([`HostConfig::max_sources_per_socket`]), the proxy asks for more, never less: an INCLUDE
//! list becomes EXCLUDE with no sources (any-source groups) or is cut to the limit (SSM groups,
//! where EXCLUDE is not allowed; counted), an EXCLUDE list is cut to the limit.

use alloc::collections::{BTreeMap, BTreeSet, VecDeque};
use alloc::vec::Vec;

use mcast_addr::time::Timestamp;
use mcast_addr::timer::TimerMap;
use rand_core::Rng;

use crate::Error;
use crate::gmp::{FilterMode, Gmp, HostConfig, RouterConfig, Transmit, in_prefix};
use crate::host::{FilterError, Host, HostEvent, SocketId};
use crate::router::{Router, RouterEvent};

/// An interface of the proxy, as the caller numbers them (its ifindex).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct InterfaceId(pub u32);

/// The socket the proxy's membership database holds in the upstream host: one filter per group.
const DATABASE: SocketId = SocketId(0);

/// Configuration of a proxy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProxyConfig<F: Gmp> {
    /// The upstream interface.
    pub upstream: InterfaceId,
    /// The host machine's configuration on the upstream interface.
    pub host: HostConfig<F>,
    /// The SSM range of the membership database (RFC 4604 §2.2): default [`Gmp::SSM_RANGE`].
    pub ssm_range: Option<(F::Addr, u8)>,
}

impl<F: Gmp> ProxyConfig<F> {
    /// The defaults, with the upstream interface and the proxy's address on it.
    #[must_use]
    pub fn new(upstream: InterfaceId, address: F::Addr) -> Self {
        Self {
            upstream,
            host: HostConfig::new(address),
            ssm_range: Some(F::SSM_RANGE),
        }
    }
}

/// The timers of a proxy: each machine keeps its own RFC timers; the proxy holds each one's
/// next deadline.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum ProxyTimer {
    /// The next deadline of the upstream host.
    Upstream,
    /// The next deadline of a downstream interface's router.
    Downstream(InterfaceId),
}

/// Something the forwarding plane or the operator wants to know.
///
/// Traffic from `source` to `group` is forwarded on downstream interface `i` (other than the one
/// it came in on) exactly when `i`'s [`RouterEvent`]s, applied in order as their documentation
/// says, forward it and `i`'s last [`RouterEvent::QuerierChanged`] named the proxy's own address
/// on `i` ([`Proxy::interfaces_for`]); traffic from a downstream interface always goes upstream.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum ProxyEvent<A> {
    /// A change on a downstream interface: its subscriptions' forwarding, its querier, a
    /// group's compatibility mode.
    Downstream {
        /// The interface.
        interface: InterfaceId,
        /// What changed.
        event: RouterEvent<A>,
    },
    /// A downstream interface was removed: nothing is forwarded on it any more.
    DownstreamRemoved {
        /// The interface.
        interface: InterfaceId,
    },
    /// The membership database record of `group` changed (§4.1), and with it the upstream
    /// host's reception state: `None` when no downstream interface subscribes to it.
    Membership {
        /// The group.
        group: A,
        /// The merged filter mode.
        mode: Option<FilterMode>,
    },
    /// The upstream host's compatibility mode changed (RFC 3376/9776 §7.2.1).
    UpstreamCompatibilityChanged {
        /// The new mode.
        version: crate::gmp::Version,
    },
}

/// A message for the caller to send on one of the proxy's interfaces.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProxyTransmit<F: Gmp> {
    /// The interface.
    pub interface: InterfaceId,
    /// The message.
    pub transmit: Transmit<F>,
}

/// Counters of a proxy.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct ProxyStats {
    /// Packets for an interface the proxy does not have.
    pub unknown_interface: u64,
    /// Merged records whose source list was longer than the upstream host accepts.
    pub oversized_records: u64,
}

/// An IGMP or MLD proxy, Sans-IO. See the module documentation.
///
/// ```
/// use core::net::Ipv4Addr;
/// use core::time::Duration;
/// use mcast_addr::family::Ipv4;
/// use mcast_igmp::gmp::{Message, RouterConfig, Version, codec::encode};
/// use mcast_igmp::proxy::{InterfaceId, Proxy, ProxyConfig};
/// # struct Rng(u64);
/// # impl rand_core::TryRng for Rng {
/// #     type Error = core::convert::Infallible;
/// #     fn try_next_u32(&mut self) -> Result<u32, Self::Error> { Ok(self.try_next_u64()? as u32) }
/// #     fn try_next_u64(&mut self) -> Result<u64, Self::Error> {
/// #         self.0 ^= self.0 << 13; self.0 ^= self.0 >> 7; self.0 ^= self.0 << 17; Ok(self.0)
/// #     }
/// #     fn try_fill_bytes(&mut self, d: &mut [u8]) -> Result<(), Self::Error> { d.fill(0); Ok(()) }
/// # }
/// # let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
///
/// let (wan, lan) = (InterfaceId(1), InterfaceId(2));
/// let now = Duration::ZERO;
/// let mut proxy =
///     Proxy::<Ipv4, Duration>::new(ProxyConfig::new(wan, Ipv4Addr::new(203, 0, 113, 2)));
/// proxy.enable(now, &mut rng);
/// proxy.add_downstream(now, &mut rng, lan, RouterConfig::new(Ipv4Addr::new(192, 168, 1, 1)));
///
/// // A set-top box on the LAN joins 239.1.2.3.
/// let group = Ipv4Addr::new(239, 1, 2, 3);
/// let host = Ipv4Addr::new(192, 168, 1, 20);
/// let report = &encode::<Ipv4>(&Message::Report { version: Version::V2, group }, host, group, 1500)?[0];
/// proxy.handle_packet(now, &mut rng, lan, host, group, report)?;
///
/// // The proxy reports the group upstream, as a host would...
/// let upstream: Vec<_> = std::iter::from_fn(|| proxy.poll_transmit())
///     .filter(|t| t.interface == wan)
///     .collect();
/// assert!(!upstream.is_empty());
/// // ...and forwards the group's traffic from upstream to the LAN.
/// let source = Ipv4Addr::new(198, 51, 100, 7);
/// assert_eq!(proxy.interfaces_for(source, group, wan), [lan]);
/// # Ok::<(), mcast_igmp::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct Proxy<F: Gmp, T> {
    config: ProxyConfig<F>,
    upstream: Host<F, T>,
    downstream: BTreeMap<InterfaceId, Router<F, T>>,
    timers: TimerMap<ProxyTimer, T>,
    transmits: VecDeque<ProxyTransmit<F>>,
    events: VecDeque<ProxyEvent<F::Addr>>,
    stats: ProxyStats,
    /// Groups whose merged record may have changed.
    dirty: BTreeSet<F::Addr>,
}

impl<F: Gmp, T: Timestamp> Proxy<F, T> {
    /// A proxy with its upstream interface and no downstream one, disabled: call
    /// [`Proxy::enable`].
    #[must_use]
    pub fn new(config: ProxyConfig<F>) -> Self {
        Self {
            upstream: Host::new(config.host.clone()),
            config,
            downstream: BTreeMap::new(),
            timers: TimerMap::new(),
            transmits: VecDeque::new(),
            events: VecDeque::new(),
            stats: ProxyStats::default(),
            dirty: BTreeSet::new(),
        }
    }

    // ----- Commands -------------------------------------------------------------------------

    /// Starts the host machine upstream: the membership database is reported.
    pub fn enable(&mut self, now: T, rng: &mut impl Rng) {
        self.upstream.enable(now, rng);
        self.after_upstream();
    }

    /// Stops the host machine upstream (one report of leaving every group); the downstream
    /// interfaces run on.
    pub fn disable(&mut self, now: T) {
        self.upstream.disable(now);
        self.after_upstream();
    }

    /// Adds downstream interface `interface` with the router configuration `config` (its
    /// address on that link and the protocol values), and starts the router machine on it: it
    /// becomes querier and sends its startup queries (RFC 3376/9776 §6.6.2). Replaces an
    /// interface of that id; the upstream interface cannot be one (nothing is done).
    pub fn add_downstream(
        &mut self,
        now: T,
        rng: &mut impl Rng,
        interface: InterfaceId,
        config: RouterConfig<F>,
    ) {
        if interface == self.config.upstream {
            return;
        }
        self.remove_downstream(now, rng, interface);
        let mut router = Router::new(config);
        router.enable(now);
        self.downstream.insert(interface, router);
        self.after_downstream(interface);
        self.flush(now, rng);
    }

    /// Removes downstream interface `interface`: its subscriptions leave the membership
    /// database.
    pub fn remove_downstream(&mut self, now: T, rng: &mut impl Rng, interface: InterfaceId) {
        let Some(router) = self.downstream.remove(&interface) else {
            return;
        };
        self.dirty.extend(router.groups());
        self.timers.cancel(&ProxyTimer::Downstream(interface));
        self.events
            .push_back(ProxyEvent::DownstreamRemoved { interface });
        self.flush(now, rng);
    }

    // ----- Inputs ---------------------------------------------------------------------------

    /// Handles the IGMP or MLD message `bytes`, received on `interface` from `source` to
    /// `destination`: the upstream host's on the upstream interface, a downstream router's on
    /// a downstream interface.
    ///
    /// # Errors
    ///
    /// The codec's error for a message that does not parse; the state is unchanged then.
    pub fn handle_packet(
        &mut self,
        now: T,
        rng: &mut impl Rng,
        interface: InterfaceId,
        source: F::Addr,
        destination: F::Addr,
        bytes: &[u8],
    ) -> Result<(), Error> {
        if interface == self.config.upstream {
            self.upstream
                .handle_packet(now, rng, source, destination, bytes)?;
            self.after_upstream();
            return Ok(());
        }
        let Some(router) = self.downstream.get_mut(&interface) else {
            self.stats.unknown_interface = self.stats.unknown_interface.saturating_add(1);
            return Ok(());
        };
        router.handle_packet(now, source, destination, bytes)?;
        self.after_downstream(interface);
        self.flush(now, rng);
        Ok(())
    }

    /// Fires every timer due at `now`, and leaves none due behind.
    pub fn handle_timeout(&mut self, now: T, rng: &mut impl Rng) {
        while let Some((timer, _)) = self.timers.pop_expired(now) {
            match timer {
                ProxyTimer::Upstream => {
                    self.upstream.handle_timeout(now, rng);
                    self.after_upstream();
                }
                ProxyTimer::Downstream(interface) => {
                    if let Some(router) = self.downstream.get_mut(&interface) {
                        router.handle_timeout(now);
                    }
                    self.after_downstream(interface);
                }
            }
            self.flush(now, rng);
        }
    }

    // ----- Outputs --------------------------------------------------------------------------

    /// The next message to send, if any.
    pub fn poll_transmit(&mut self) -> Option<ProxyTransmit<F>> {
        self.transmits.pop_front()
    }

    /// The next event, if any.
    pub fn poll_event(&mut self) -> Option<ProxyEvent<F::Addr>> {
        self.events.pop_front()
    }

    /// When [`Proxy::handle_timeout`] must be called next, if ever.
    #[must_use]
    pub fn poll_timeout(&self) -> Option<T> {
        self.timers.next_deadline()
    }

    // ----- Queries of the state -------------------------------------------------------------

    /// The interfaces traffic from `source` to `group` arriving on `ingress` is forwarded to
    /// (§4.2), in order: the downstream interfaces whose subscriptions want it and on which the
    /// proxy is the querier, and the upstream interface for traffic from downstream. Never
    /// `ingress` itself.
    #[must_use]
    pub fn interfaces_for(
        &self,
        source: F::Addr,
        group: F::Addr,
        ingress: InterfaceId,
    ) -> Vec<InterfaceId> {
        let mut out: Vec<InterfaceId> = self
            .downstream
            .iter()
            .filter(|(interface, router)| {
                **interface != ingress
                    && router.is_querier()
                    && router.should_forward(source, group)
            })
            .map(|(interface, _)| *interface)
            .collect();
        if ingress != self.config.upstream && self.downstream.contains_key(&ingress) {
            let upstream = self.config.upstream;
            let at = out.partition_point(|i| *i < upstream);
            out.insert(at, upstream);
        }
        out
    }

    /// The membership database record of `group` (§4.1), the upstream host's filter: `None`
    /// when no downstream interface subscribes to it.
    #[must_use]
    pub fn membership(&self, group: F::Addr) -> Option<(FilterMode, &BTreeSet<F::Addr>)> {
        self.upstream.interface_state(group)
    }

    /// The groups of the membership database, in address order.
    pub fn groups(&self) -> impl Iterator<Item = F::Addr> + '_ {
        self.upstream.groups()
    }

    /// The upstream host machine.
    #[must_use]
    pub fn upstream(&self) -> &Host<F, T> {
        &self.upstream
    }

    /// The router machine of a downstream interface.
    #[must_use]
    pub fn downstream(&self, interface: InterfaceId) -> Option<&Router<F, T>> {
        self.downstream.get(&interface)
    }

    /// The downstream interfaces, in order.
    pub fn downstream_interfaces(&self) -> impl Iterator<Item = InterfaceId> + '_ {
        self.downstream.keys().copied()
    }

    /// The counters.
    #[must_use]
    pub fn stats(&self) -> &ProxyStats {
        &self.stats
    }

    /// The configuration.
    #[must_use]
    pub fn config(&self) -> &ProxyConfig<F> {
        &self.config
    }

    // ----- Plumbing -------------------------------------------------------------------------

    fn sync(&mut self, key: ProxyTimer, deadline: Option<T>) {
        match deadline {
            Some(at) => {
                self.timers.schedule(key, at);
            }
            None => {
                self.timers.cancel(&key);
            }
        }
    }

    fn after_upstream(&mut self) {
        let interface = self.config.upstream;
        while let Some(transmit) = self.upstream.poll_transmit() {
            self.transmits.push_back(ProxyTransmit {
                interface,
                transmit,
            });
        }
        while let Some(event) = self.upstream.poll_event() {
            self.events.push_back(match event {
                HostEvent::ReceptionChanged { group, mode } => {
                    ProxyEvent::Membership { group, mode }
                }
                HostEvent::CompatibilityModeChanged { version } => {
                    ProxyEvent::UpstreamCompatibilityChanged { version }
                }
            });
        }
        let deadline = self.upstream.poll_timeout();
        self.sync(ProxyTimer::Upstream, deadline);
    }

    fn after_downstream(&mut self, interface: InterfaceId) {
        let Some(router) = self.downstream.get_mut(&interface) else {
            return;
        };
        while let Some(transmit) = router.poll_transmit() {
            self.transmits.push_back(ProxyTransmit {
                interface,
                transmit,
            });
        }
        while let Some(event) = router.poll_event() {
            match &event {
                RouterEvent::FilterModeChanged { group, .. }
                | RouterEvent::SourceForwardingChanged { group, .. } => {
                    self.dirty.insert(*group);
                }
                RouterEvent::QuerierChanged { .. }
                | RouterEvent::CompatibilityModeChanged { .. } => {}
            }
            self.events
                .push_back(ProxyEvent::Downstream { interface, event });
        }
        let deadline = router.poll_timeout();
        self.sync(ProxyTimer::Downstream(interface), deadline);
    }

    fn is_ssm(&self, group: F::Addr) -> bool {
        self.config
            .ssm_range
            .is_some_and(|(prefix, len)| in_prefix::<F>(group, prefix, len))
    }

    /// The membership database record of `group`: the merge of §4.1.
    fn merge(&self, group: F::Addr) -> (FilterMode, BTreeSet<F::Addr>) {
        let ssm = self.is_ssm(group);
        let mut include: BTreeSet<F::Addr> = BTreeSet::new();
        let mut exclude: Option<BTreeSet<F::Addr>> = None;
        for router in self.downstream.values() {
            match router.filter_mode(group) {
                Some(FilterMode::Include) => {
                    include.extend(router.sources(group).map(|(source, _)| source));
                }
                Some(FilterMode::Exclude) if !ssm => {
                    let excluded: BTreeSet<F::Addr> = router
                        .sources(group)
                        .filter(|(_, state)| !state.forwarded)
                        .map(|(source, _)| source)
                        .collect();
                    exclude = Some(match exclude {
                        None => excluded,
                        Some(list) => list.intersection(&excluded).copied().collect(),
                    });
                }
                Some(FilterMode::Exclude) | None => {}
            }
        }
        match exclude {
            Some(list) => (
                FilterMode::Exclude,
                list.difference(&include).copied().collect(),
            ),
            None => (FilterMode::Include, include),
        }
    }

    /// Brings the upstream host's filter of every dirty group to its merged record.
    fn flush(&mut self, now: T, rng: &mut impl Rng) {
        for group in core::mem::take(&mut self.dirty) {
            let (mode, sources) = self.merge(group);
            if self.upstream.interface_state(group).map_or(
                sources.is_empty() && mode == FilterMode::Include,
                |(m, s)| m == mode && *s == sources,
            ) {
                continue;
            }
            let limit = self.upstream.config().max_sources_per_socket;
            let result = if sources.len() > limit {
                self.stats.oversized_records = self.stats.oversized_records.saturating_add(1);
                let cut = sources.iter().copied().take(limit);
                match mode {
                    FilterMode::Include if !self.is_ssm(group) => {
                        self.upstream
                            .set_filter(now, rng, DATABASE, group, FilterMode::Exclude, [])
                    }
                    _ => self
                        .upstream
                        .set_filter(now, rng, DATABASE, group, mode, cut),
                }
            } else {
                self.upstream
                    .set_filter(now, rng, DATABASE, group, mode, sources)
            };
            // Only a group that is not multicast could be refused, and no router keeps one.
            if let Err(FilterError::TooManySources | FilterError::NotMulticast) = result {
                self.stats.oversized_records = self.stats.oversized_records.saturating_add(1);
            }
        }
        self.after_upstream();
    }
}
