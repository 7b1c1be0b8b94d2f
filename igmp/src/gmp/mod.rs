//! What the router and host state machines share: the protocol family trait, versions, filter
//! modes, the messages they exchange in decoded form, configuration, and the random delays.
//!
//! See the crate documentation for the call order of the state machines.

pub mod codec;
mod config;
mod family;
mod message;

use core::time::Duration;

use mcast_addr::time::Timestamp;
use rand_core::Rng;

pub use config::{HostConfig, Limits, RouterConfig};
pub use family::Gmp;
pub(crate) use family::in_prefix;
pub use message::{GroupRecord, Message, Query, Transmit};

pub use crate::wire::RecordType;

/// A protocol version, numbered as IGMP numbers them.
///
/// MLD has two versions, which are IGMPv2 and IGMPv3 translated to IPv6: MLDv1 (RFC 2710) is
/// [`Version::V2`] and MLDv2 (RFC 3810) is [`Version::V3`]. MLD has no equivalent of IGMPv1.
/// Versions are ordered, oldest first, so a compatibility mode is the minimum of the versions
/// present (RFC 3376/9776 §7, RFC 3810 §8).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum Version {
    /// IGMPv1 (RFC 1112): reports, no Leave, Queries without a Max Response Time.
    V1,
    /// IGMPv2 (RFC 2236) or MLDv1 (RFC 2710): any-source reports, Leave/Done, group-specific
    /// queries.
    V2,
    /// IGMPv3 (RFC 3376/9776) or MLDv2 (RFC 3810): source filters.
    V3,
}

impl Version {
    /// The version's name in the family's protocol: `IGMPv2` or `MLDv1` for [`Version::V2`].
    #[must_use]
    pub fn name<F: Gmp>(self) -> &'static str {
        match (F::PROTOCOL, self) {
            ("MLD", Version::V1 | Version::V2) => "MLDv1",
            ("MLD", Version::V3) => "MLDv2",
            (_, Version::V1) => "IGMPv1",
            (_, Version::V2) => "IGMPv2",
            (_, Version::V3) => "IGMPv3",
        }
    }
}

/// A filter mode (RFC 3376/9776 §3.1 for sockets and interfaces, §6.2.1 for routers; RFC 3810
/// §4.1 and §7.2.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum FilterMode {
    /// Reception is wanted only from the listed sources.
    Include,
    /// Reception is wanted from every source except the listed ones.
    Exclude,
}

/// When a running timer expires: at a deadline, or never, when the deadline lies beyond the end
/// of the caller's clock (checked arithmetic: `now + interval` overflowed).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) enum Expiry<T> {
    /// Expires at this instant.
    At(T),
    /// Never expires.
    Never,
}

impl<T: Timestamp> Expiry<T> {
    /// `now + after`, or [`Expiry::Never`] if that overflows.
    pub(crate) fn after(now: T, after: Duration) -> Self {
        now.checked_add_duration(after)
            .map_or(Self::Never, Self::At)
    }
}

/// Builds `message` with the codec and queues one [`Transmit`] per packet the MTU calls for.
/// Returns false if the codec refused (an MTU too small for the message), in which case nothing
/// is queued.
pub(crate) fn queue_transmits<F: Gmp>(
    queue: &mut alloc::collections::VecDeque<Transmit<F>>,
    message: &Message<F::Addr>,
    source: F::Addr,
    destination: F::Addr,
    mtu: usize,
) -> bool {
    match codec::encode::<F>(message, source, destination, mtu) {
        Ok(packets) => {
            queue.extend(packets.into_iter().map(|payload| Transmit {
                source,
                destination,
                payload,
            }));
            true
        }
        Err(_) => false,
    }
}

/// A delay drawn uniformly from `[unit, max)`, or exactly `unit` when `max` is not above it.
///
/// Used for every random delay the RFCs ask for: responses to Queries (range (0, Max Response
/// Time), RFC 3376/9776 §5.2, RFC 3810 §6.2) and report retransmissions (range (0, Unsolicited
/// Report Interval), §5.1 and §6.1). The lower bound of one Max Resp Code unit keeps a host from
/// answering a General Query at once (§5.2 "MUST NOT send a Report immediately") and keeps a
/// Max Response Time of zero from dividing by zero or scheduling at or before `now` (the fault
/// behind Linux's CVE-2012-0207).
pub(crate) fn random_delay(rng: &mut impl Rng, max: Duration, unit: Duration) -> Duration {
    mcast_addr::random::uniform_delay(rng, unit, max)
}

#[cfg(test)]
mod tests {
    use super::*;
    use core::convert::Infallible;

    struct Counter(u64);
    impl rand_core::TryRng for Counter {
        type Error = Infallible;
        fn try_next_u32(&mut self) -> Result<u32, Infallible> {
            Ok(self.try_next_u64()? as u32)
        }
        fn try_next_u64(&mut self) -> Result<u64, Infallible> {
            self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
            Ok(self.0)
        }
        fn try_fill_bytes(&mut self, dst: &mut [u8]) -> Result<(), Infallible> {
            dst.fill(0);
            Ok(())
        }
    }

    #[test]
    fn random_delay_bounds() {
        let unit = Duration::from_millis(100);
        let mut rng = Counter(1);
        assert_eq!(random_delay(&mut rng, Duration::ZERO, unit), unit);
        assert_eq!(random_delay(&mut rng, unit, unit), unit);
        for _ in 0..1000 {
            let d = random_delay(&mut rng, Duration::from_secs(10), unit);
            assert!(d >= unit && d < Duration::from_secs(10));
        }
        let d = random_delay(&mut rng, Duration::MAX, unit);
        assert!(d >= unit);
    }

    #[test]
    fn expiry_overflow_is_never() {
        assert_eq!(
            Expiry::after(Duration::MAX, Duration::from_secs(1)),
            Expiry::<Duration>::Never
        );
        assert!(Expiry::At(Duration::MAX) < Expiry::Never);
    }
}
