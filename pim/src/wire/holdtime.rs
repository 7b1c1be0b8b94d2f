//! Holdtime: the 16-bit lifetime in seconds that Hello, Join/Prune, Bootstrap and
//! Candidate-RP-Advertisement messages carry.

use core::fmt;
use core::time::Duration;

/// A holdtime in seconds (RFC 7761 §4.9.2 Hello Holdtime, §4.9.5 Join/Prune Holdtime; RFC 5059
/// §4.1 RP Holdtime, §4.2 C-RP Holdtime). Two values are special in Hello and Join/Prune
/// messages: 0 ([`Holdtime::GOODBYE`]) and 0xFFFF ([`Holdtime::INFINITE`]).
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "arbitrary", derive(arbitrary::Arbitrary))]
pub struct Holdtime(pub u16);

impl Holdtime {
    /// 0: in a Hello, the neighbor is going away and its state is removed at once (RFC 7761
    /// §4.3.1, "goodbye"); in a Join/Prune, the entry expires at once.
    pub const GOODBYE: Self = Self(0);
    /// 0xFFFF: never time out (RFC 7761 §4.9.2 for Hello, §4.9.5 for Join/Prune).
    pub const INFINITE: Self = Self(0xFFFF);
    /// Default Hello Holdtime: 3.5 × Hello_Period = 105 s (RFC 7761 §4.11).
    pub const DEFAULT_HELLO: Self = Self(105);
    /// Default Join/Prune Holdtime: 3.5 × t_periodic = 210 s (RFC 7761 §4.11).
    pub const DEFAULT_JOIN_PRUNE: Self = Self(210);

    /// Whole seconds, as on the wire.
    #[must_use]
    pub fn seconds(self) -> u16 {
        self.0
    }

    /// Whether this is the goodbye value 0.
    #[must_use]
    pub fn is_goodbye(self) -> bool {
        self.0 == 0
    }

    /// Whether this is the never-expire value 0xFFFF.
    #[must_use]
    pub fn is_infinite(self) -> bool {
        self.0 == 0xFFFF
    }

    /// The lifetime as a duration; `None` for [`Holdtime::INFINITE`].
    #[must_use]
    pub fn duration(self) -> Option<Duration> {
        (!self.is_infinite()).then(|| Duration::from_secs(u64::from(self.0)))
    }

    /// The holdtime for `duration`, rounded down to whole seconds and capped below 0xFFFF so
    /// that a long finite time never turns into "infinite".
    #[must_use]
    pub fn from_duration(duration: Duration) -> Self {
        Self(duration.as_secs().min(0xFFFE) as u16)
    }
}

impl fmt::Debug for Holdtime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Holdtime({self})")
    }
}

impl fmt::Display for Holdtime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.is_infinite() {
            return f.write_str("infinity");
        }
        let (h, m, s) = (self.0 / 3600, self.0 / 60 % 60, self.0 % 60);
        if h > 0 {
            write!(f, "{h}h")?;
        }
        if m > 0 {
            write!(f, "{m}m")?;
        }
        if s > 0 || self.0 == 0 {
            write!(f, "{s}s")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    #[allow(clippy::wildcard_imports)]
    use super::*;
    use std::format;

    #[test]
    fn special_values() {
        assert!(Holdtime(0).is_goodbye());
        assert_eq!(Holdtime(0xFFFF).duration(), None);
        assert_eq!(format!("{}", Holdtime(105)), "1m45s");
        assert_eq!(format!("{}", Holdtime(0xFFFF)), "infinity");
        assert_eq!(format!("{}", Holdtime(0)), "0s");
        assert_eq!(
            Holdtime::from_duration(Duration::from_secs(1 << 20)),
            Holdtime(0xFFFE)
        );
    }
}
