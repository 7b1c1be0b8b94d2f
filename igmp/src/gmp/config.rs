//! Configuration of the router and host state machines, with the RFC defaults.

use core::time::Duration;

use super::{Gmp, Version};

/// Per-interface limits on the state a router keeps, so that a flood of reports cannot grow its
/// memory without bound (RFC 3376/9776 §9.1 and RFC 3810 §10.1 leave the defence to the
/// implementation). State beyond a limit is not created; each refusal is counted in
/// [`RouterStats`](crate::router::RouterStats).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Limits {
    /// Most group records on the interface. Default 4096.
    pub max_groups: usize,
    /// Most source records in one group record. Default 1024.
    pub max_sources_per_group: usize,
    /// Most source records over all groups of the interface. Default 65 536.
    pub max_sources: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_groups: 4096,
            max_sources_per_group: 1024,
            max_sources: 65_536,
        }
    }
}

/// Configuration of a router interface (RFC 3376/9776 §8, RFC 3810 §9).
///
/// Every field has the RFC default; build one with [`RouterConfig::new`] and change what you
/// need. Non-default values must be the same on every router of the link (§8).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RouterConfig<F: Gmp> {
    /// The router's own address on the link: the source of its Queries and its ticket in the
    /// querier election, lowest address wins (RFC 3376/9776 §6.6.2, RFC 3810 §7.6.2; an MLD
    /// router uses its link-local address).
    pub address: F::Addr,
    /// The protocol version the router runs as querier (RFC 3376/9776 §7.3.1, RFC 3810 §8.3.1):
    /// [`Version::V3`] by default; an older one if an older router shares the link. It also caps
    /// every group's compatibility mode; a router configured for an older version ignores
    /// version 3 reports, as a router of that version would.
    pub version: Version,
    /// The Robustness Variable (§8.1): default 2. Zero is not allowed and is taken as 1.
    pub robustness: u8,
    /// The Query Interval (§8.2): default 125 s.
    pub query_interval: Duration,
    /// The Query Response Interval (§8.3), the Max Response Time of General Queries:
    /// default 10 s. Must be less than the Query Interval.
    pub query_response_interval: Duration,
    /// The Startup Query Interval (§8.6): default a quarter of the Query Interval.
    pub startup_query_interval: Option<Duration>,
    /// The Startup Query Count (§8.7): default the Robustness Variable.
    pub startup_query_count: Option<u8>,
    /// The Last Member Query Interval (§8.8, RFC 3810 §9.8 "Last Listener Query Interval"):
    /// the Max Response Time of group-specific and group-and-source-specific queries;
    /// default 1 s.
    pub last_member_query_interval: Duration,
    /// The Last Member Query Count (§8.9): default the Robustness Variable.
    pub last_member_query_count: Option<u8>,
    /// The SSM range (RFC 4604 §2): for groups in it the router ignores IGMPv1/v2 and MLDv1
    /// messages and EXCLUDE-mode records. Default [`Gmp::SSM_RANGE`]; `None` makes the router
    /// unaware of SSM.
    pub ssm_range: Option<(F::Addr, u8)>,
    /// State limits of the interface.
    pub limits: Limits,
    /// The link MTU, which bounds the size of a Query with sources (§4.1.8, RFC 3810 §5.1.10):
    /// default 1500.
    pub mtu: usize,
}

impl<F: Gmp> RouterConfig<F> {
    /// The RFC defaults for a router whose address on the link is `address`.
    #[must_use]
    pub fn new(address: F::Addr) -> Self {
        Self {
            address,
            version: Version::V3,
            robustness: 2,
            query_interval: Duration::from_secs(125),
            query_response_interval: Duration::from_secs(10),
            startup_query_interval: None,
            startup_query_count: None,
            last_member_query_interval: Duration::from_secs(1),
            last_member_query_count: None,
            ssm_range: Some(F::SSM_RANGE),
            limits: Limits::default(),
            mtu: 1500,
        }
    }

    /// Whether `group` lies in the configured SSM range.
    #[must_use]
    pub fn is_ssm(&self, group: F::Addr) -> bool {
        self.ssm_range
            .is_some_and(|(prefix, len)| super::in_prefix::<F>(group, prefix, len))
    }

    /// The version the router runs: the configured one, never older than the family has.
    pub(crate) fn effective_version(&self) -> Version {
        self.version.max(F::OLDEST_VERSION)
    }
}

/// Configuration of a host interface (RFC 3376/9776 §8, RFC 3810 §9).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HostConfig<F: Gmp> {
    /// The host's address on the link, the source of its reports. IGMP allows 0.0.0.0 before an
    /// address is acquired (RFC 3376/9776 §4.2.13); MLD uses the link-local address, or `::`
    /// while it is tentative (RFC 3590).
    pub address: F::Addr,
    /// The newest protocol version the host speaks: [`Version::V3`] by default. An older one
    /// makes a host of that version (RFC 1112, RFC 2236, RFC 2710): it never sends version 3
    /// reports whatever the querier.
    pub version: Version,
    /// The Robustness Variable (§8.1) until a Query teaches another one (§4.1.6): default 2.
    pub robustness: u8,
    /// The Query Interval (§8.2) until a Query teaches another one (§4.1.7): default 125 s.
    pub query_interval: Duration,
    /// The Unsolicited Report Interval (§8.11): default 1 s.
    pub unsolicited_report_interval: Duration,
    /// Most sources in one socket's filter (RFC 3376/9776 §2: at least 64): default 1024.
    pub max_sources_per_socket: usize,
    /// The link MTU, which bounds the size of a report (§4.2.16, RFC 3810 §5.2.15): default 1500.
    pub mtu: usize,
}

impl<F: Gmp> HostConfig<F> {
    /// The RFC defaults for a host whose address on the link is `address`.
    #[must_use]
    pub fn new(address: F::Addr) -> Self {
        Self {
            address,
            version: Version::V3,
            robustness: 2,
            query_interval: Duration::from_secs(125),
            unsolicited_report_interval: Duration::from_secs(1),
            max_sources_per_socket: 1024,
            mtu: 1500,
        }
    }
}
