//! Points in time supplied by the caller.
//!
//! The state machines of the family never read a clock: every entry point takes `now`, and every
//! timer is a deadline of the caller's own timestamp type. Anything ordered that a [`Duration`]
//! can be added to will do: [`std::time::Instant`] (with the `std` feature), or, without `std`,
//! a [`Duration`] counted from any epoch the caller likes (boot, the start of a test).
//!
//! Additions are checked: a deadline that would overflow the type is "never", not a panic (a
//! PIM Hello holdtime of `0xFFFF` seconds, say, added to a timestamp near the end of its range).
//!
//! ```
//! use core::time::Duration;
//! use mcast_addr::time::Timestamp;
//!
//! let now = Duration::from_secs(10);
//! assert_eq!(now.checked_add_duration(Duration::from_secs(5)), Some(Duration::from_secs(15)));
//! assert_eq!(Duration::MAX.checked_add_duration(Duration::from_secs(1)), None);
//! assert_eq!(now.saturating_duration_since(Duration::from_secs(12)), Duration::ZERO);
//! ```

use core::fmt::Debug;
use core::time::Duration;

/// A point in time of the caller's clock.
pub trait Timestamp: Copy + Ord + Debug {
    /// `self + duration`, or `None` if the result cannot be represented.
    fn checked_add_duration(self, duration: Duration) -> Option<Self>;

    /// The time from `earlier` to `self`, or zero if `earlier` is later.
    fn saturating_duration_since(self, earlier: Self) -> Duration;
}

/// A `Duration` is a timestamp counted from an epoch of the caller's choice: the no_std clock.
impl Timestamp for Duration {
    fn checked_add_duration(self, duration: Duration) -> Option<Self> {
        self.checked_add(duration)
    }

    fn saturating_duration_since(self, earlier: Self) -> Duration {
        self.saturating_sub(earlier)
    }
}

#[cfg(feature = "std")]
impl Timestamp for std::time::Instant {
    fn checked_add_duration(self, duration: Duration) -> Option<Self> {
        self.checked_add(duration)
    }

    fn saturating_duration_since(self, earlier: Self) -> Duration {
        std::time::Instant::saturating_duration_since(&self, earlier)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(feature = "std")]
    #[test]
    fn std_instant() {
        let now = std::time::Instant::now();
        let later = now.checked_add_duration(Duration::from_millis(5)).unwrap();
        assert_eq!(
            later.saturating_duration_since(now),
            Duration::from_millis(5)
        );
        assert_eq!(now.saturating_duration_since(later), Duration::ZERO);
        assert_eq!(now.checked_add_duration(Duration::MAX), None);
    }
}
