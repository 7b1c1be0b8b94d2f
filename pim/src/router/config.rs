//! Configuration of a PIM-SM router: the RFC's default timer values as named constants, the
//! per-interface settings of RFC 7761 §4.3, the group ranges (SSM, static RPs, embedded RP), the
//! SPT switchover policy and the limits on state a peer can grow.

use alloc::vec::Vec;
use core::time::Duration;

use mcast_addr::family::IpFamily;

use super::prefix::Prefix;

/// Hello_Period: the interval between periodic Hellos (RFC 7761 §4.11).
pub const HELLO_PERIOD: Duration = Duration::from_secs(30);
/// Triggered_Hello_Delay: the bound of the random delay before the first Hello on an interface
/// and before a Hello answering a new neighbor (RFC 7761 §4.11, §4.3.1).
pub const TRIGGERED_HELLO_DELAY: Duration = Duration::from_secs(5);
/// Default_Hello_Holdtime: 3.5 × Hello_Period (RFC 7761 §4.11).
pub const DEFAULT_HELLO_HOLDTIME: Duration = Duration::from_secs(105);
/// t_periodic: the Join/Prune period (RFC 7761 §4.11).
pub const JOIN_PRUNE_PERIOD: Duration = Duration::from_secs(60);
/// J/P_HoldTime: 3.5 × t_periodic, the Holdtime sent in Join/Prune messages (RFC 7761 §4.11).
pub const JOIN_PRUNE_HOLDTIME: Duration = Duration::from_secs(210);
/// Propagation_Delay_default (RFC 7761 §4.11, §4.3.3).
pub const PROPAGATION_DELAY_DEFAULT: Duration = Duration::from_millis(500);
/// t_override_default: the default Override_Interval (RFC 7761 §4.11, §4.3.3).
pub const OVERRIDE_INTERVAL_DEFAULT: Duration = Duration::from_millis(2500);
/// Assert_Time: how long an Assert winner's state lasts (RFC 7761 §4.11).
pub const ASSERT_TIME: Duration = Duration::from_secs(180);
/// Assert_Override_Interval: a winner re-asserts this long before Assert_Time runs out (RFC
/// 7761 §4.11).
pub const ASSERT_OVERRIDE_INTERVAL: Duration = Duration::from_secs(3);
/// Keepalive_Period: the (S,G) Keepalive Timer after data (RFC 7761 §4.11).
pub const KEEPALIVE_PERIOD: Duration = Duration::from_secs(210);
/// Register_Suppression_Time (RFC 7761 §4.11).
pub const REGISTER_SUPPRESSION_TIME: Duration = Duration::from_secs(60);
/// Register_Probe_Time (RFC 7761 §4.11).
pub const REGISTER_PROBE_TIME: Duration = Duration::from_secs(5);
/// RP_Keepalive_Period: 3 × Register_Suppression_Time + Register_Probe_Time, the KAT an RP
/// sets when it sends a Register-Stop (RFC 7761 §4.11).
pub const RP_KEEPALIVE_PERIOD: Duration = Duration::from_secs(185);
/// The default DR priority (RFC 7761 §4.9.2).
pub const DEFAULT_DR_PRIORITY: u32 = 1;

/// The settings of one PIM interface (RFC 7761 §4.3).
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct InterfaceConfig {
    /// Hello_Period (§4.3.1, §4.11).
    pub hello_period: Duration,
    /// The Holdtime advertised in Hellos (§4.9.2; default 3.5 × Hello_Period).
    pub hello_holdtime: Duration,
    /// Triggered_Hello_Delay (§4.3.1).
    pub triggered_hello_delay: Duration,
    /// DR_Priority advertised (§4.3.2).
    pub dr_priority: u32,
    /// Propagation_Delay(I) advertised in the LAN Prune Delay option (§4.3.3).
    pub propagation_delay: Duration,
    /// Override_Interval(I) advertised in the LAN Prune Delay option (§4.3.3).
    pub override_interval: Duration,
    /// The T bit of the LAN Prune Delay option: this router can disable Join suppression
    /// (§4.3.3, §4.9.2).
    pub tracking_support: bool,
    /// t_periodic on this interface (§4.5.4, §4.11).
    pub join_prune_period: Duration,
    /// The Holdtime of the Join/Prune messages sent on this interface (§4.9.5).
    pub join_prune_holdtime: Duration,
    /// A passive interface sends no PIM message and accepts none: local members are served
    /// (this router is its DR) and sources registered, but no neighbor is formed.
    pub passive: bool,
    /// The link MTU: every message sent on the interface, IP header included, fits in it.
    pub mtu: usize,
}

impl Default for InterfaceConfig {
    fn default() -> Self {
        Self {
            hello_period: HELLO_PERIOD,
            hello_holdtime: DEFAULT_HELLO_HOLDTIME,
            triggered_hello_delay: TRIGGERED_HELLO_DELAY,
            dr_priority: DEFAULT_DR_PRIORITY,
            propagation_delay: PROPAGATION_DELAY_DEFAULT,
            override_interval: OVERRIDE_INTERVAL_DEFAULT,
            tracking_support: false,
            join_prune_period: JOIN_PRUNE_PERIOD,
            join_prune_holdtime: JOIN_PRUNE_HOLDTIME,
            passive: false,
            mtu: 1500,
        }
    }
}

/// When a last-hop router or the RP switches from the shared tree to the source's tree:
/// `SwitchToSptDesired(S,G)` (RFC 7761 §4.2.1, "a local policy decision").
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum SptSwitchover {
    /// At the first packet (what most routers do by default).
    #[default]
    Immediate,
    /// Never: the shared tree only (the RP still joins (S,G) towards registering sources).
    Never,
    /// When the caller signals that (S,G)'s rate passed its threshold
    /// ([`Router::signal_spt_threshold`](super::Router::signal_spt_threshold)).
    Threshold,
}

/// A static group-range to RP mapping (RFC 7761 §4.7, "static configuration").
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(bound = "F: crate::SerdeFamily")
)]
pub struct StaticRp<F: IpFamily> {
    /// The group range.
    pub groups: Prefix<F>,
    /// The RP's address.
    pub rp: F::Addr,
}

/// Limits on the state a peer can make this router hold. A Join that would pass a limit is
/// dropped and counted ([`Stats`](super::Stats)); once a limit was reached, new state is
/// refused until the count falls to its low-water mark, so a table at its limit does not
/// flap entry by entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Limits {
    /// PIM neighbors per interface.
    pub max_neighbors_per_interface: usize,
    /// (*,G) entries in total.
    pub max_star_g: usize,
    /// (S,G) entries (with their (S,G,rpt) state) in total.
    pub max_sg: usize,
    /// Downstream (*,G), (S,G) and (S,G,rpt) states on one interface, all of which its
    /// neighbors' Join/Prunes create.
    pub max_downstream_per_interface: usize,
    /// The low-water mark, in percent of each limit, under which a full table accepts new
    /// state again.
    pub low_water_percent: u8,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_neighbors_per_interface: 256,
            max_star_g: 100_000,
            max_sg: 2_000_000,
            max_downstream_per_interface: 2_000_000,
            low_water_percent: 90,
        }
    }
}

/// The configuration of a [`Router`](super::Router).
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(bound = "F: crate::SerdeFamily")
)]
pub struct RouterConfig<F: IpFamily> {
    /// The router's own addresses that belong to no PIM interface (a loopback carrying the RP
    /// address, say): Registers to them are accepted and `I_am_RP(G)` holds for them.
    pub local_addresses: Vec<F::Addr>,
    /// Static group-range to RP mappings (§4.7); the longest matching range wins, then the
    /// highest RP address.
    pub static_rps: Vec<StaticRp<F>>,
    /// Whether an IPv6 group with an embedded RP address (RFC 3956) maps to that RP, before
    /// any other mapping.
    pub embedded_rp: bool,
    /// The Source-Specific Multicast range (RFC 4607, RFC 7761 §4.8): no (*,G) or (S,G,rpt)
    /// state, no RP, no Register. Default 232.0.0.0/8 or ff30::/12 (every ff3x::/32).
    pub ssm_range: Vec<Prefix<F>>,
    /// The SPT switchover policy (§4.2.1).
    pub spt_switchover: SptSwitchover,
    /// Keepalive_Period (§4.11).
    pub keepalive_period: Duration,
    /// Register_Suppression_Time (§4.11).
    pub register_suppression_time: Duration,
    /// Register_Probe_Time (§4.11).
    pub register_probe_time: Duration,
    /// Assert_Time (§4.11).
    pub assert_time: Duration,
    /// Assert_Override_Interval (§4.11).
    pub assert_override_interval: Duration,
    /// Limits on state.
    pub limits: Limits,
}

impl<F: IpFamily> Default for RouterConfig<F> {
    fn default() -> Self {
        Self {
            local_addresses: Vec::new(),
            static_rps: Vec::new(),
            embedded_rp: F::VERSION == 6,
            ssm_range: alloc::vec![Prefix::<F>::default_ssm()],
            spt_switchover: SptSwitchover::Immediate,
            keepalive_period: KEEPALIVE_PERIOD,
            register_suppression_time: REGISTER_SUPPRESSION_TIME,
            register_probe_time: REGISTER_PROBE_TIME,
            assert_time: ASSERT_TIME,
            assert_override_interval: ASSERT_OVERRIDE_INTERVAL,
            limits: Limits::default(),
        }
    }
}
