//! Time codes: IGMPv3 Max Resp Code and QQIC (RFC 3376/9776 §4.1.1, §4.1.7), the MLDv2 16-bit
//! Maximum Response Code (RFC 3810 §5.1.3) and the IGMPv2 Max Resp Time (RFC 2236 §2.2).
//!
//! The codes below the threshold (128, or 32768 for MLD) are the value itself; above it they are a
//! floating-point number, `1 | exp(3 bits) | mant(4 or 12 bits)`, worth
//! `(mant | 1 << mant_bits) << (exp + 3)`. The mapping from code to time is strictly increasing,
//! so every representable time has exactly one code.
//!
//! Each type has an exact decode (`duration`), an exact encode that says whether the time was
//! representable (`from_duration_exact`), and a lossy encode that never rounds a time down
//! (`from_duration_lossy`, `None` only above the largest code; `from_duration_saturating` clamps).
//!
//! ```
//! use core::time::Duration;
//! use mcast_igmp::wire::MaxRespCode;
//!
//! let code = MaxRespCode::from_code(0x8f); // exp 0, mant 15: 31 << 3 = 248 tenths
//! assert_eq!(code.duration(), Duration::from_millis(24_800));
//! assert_eq!(MaxRespCode::from_duration_exact(Duration::from_secs(13)), None);
//! // 13 s is between codes 0x80 (12.8 s) and 0x81 (13.6 s): lossy takes the larger.
//! assert_eq!(MaxRespCode::from_duration_lossy(Duration::from_secs(13)).map(|c| c.code()), Some(0x81));
//! ```

use core::fmt;
use core::time::Duration;

/// Decodes a floating-point time code: `code` below `1 << (mant_bits + 3)` is the value itself.
const fn decode_float(code: u32, mant_bits: u32) -> u32 {
    let threshold = 1u32.wrapping_shl(mant_bits.wrapping_add(3));
    if code < threshold {
        code
    } else {
        let implicit = 1u32.wrapping_shl(mant_bits);
        let exp = code.wrapping_shr(mant_bits) & 0x7;
        let mant = code & implicit.wrapping_sub(1);
        (mant | implicit).wrapping_shl(exp.wrapping_add(3))
    }
}

/// The smallest code whose value is at least `value`, or `None` when `value` is above the
/// largest.
fn encode_float_ceil(value: u64, mant_bits: u32) -> Option<u32> {
    let threshold = 1u64.wrapping_shl(mant_bits.wrapping_add(3));
    if value < threshold {
        return u32::try_from(value).ok();
    }
    let implicit = 1u64 << mant_bits;
    let largest_mantissa = (implicit << 1).wrapping_sub(1);
    for exp in 0u32..8 {
        let unit = 1u64.wrapping_shl(exp.wrapping_add(3));
        let mantissa = value.div_ceil(unit);
        if mantissa <= largest_mantissa {
            // `value >= threshold` keeps `mantissa >= implicit` (see the module docs).
            let code = threshold | (u64::from(exp) << mant_bits) | mantissa.wrapping_sub(implicit);
            return u32::try_from(code).ok();
        }
    }
    None
}

/// `d` in whole units of `unit_nanos`, rounded up.
fn units_ceil(d: Duration, unit_nanos: u128) -> u64 {
    u64::try_from(d.as_nanos().div_ceil(unit_nanos)).unwrap_or(u64::MAX)
}

/// `d` in whole units of `unit_nanos`, if it is a whole number of them.
fn units_exact(d: Duration, unit_nanos: u128) -> Option<u64> {
    let nanos = d.as_nanos();
    if nanos.checked_rem(unit_nanos)? != 0 {
        return None;
    }
    u64::try_from(nanos.checked_div(unit_nanos)?).ok()
}

const NANOS_PER_TENTH: u128 = 100_000_000;
const NANOS_PER_MILLI: u128 = 1_000_000;
const NANOS_PER_SECOND: u128 = 1_000_000_000;

macro_rules! float_code {
    (
        $(#[$meta:meta])*
        $name:ident($raw:ty), mant_bits = $mant:expr, unit_nanos = $unit:expr,
        unit_name = $unit_name:literal, per_second = $per_second:expr,
        default = $default:expr
    ) => {
        $(#[$meta])*
        #[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        #[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
        #[cfg_attr(feature = "arbitrary", derive(arbitrary::Arbitrary))]
        pub struct $name($raw);

        impl $name {
            /// The largest code, and so the longest time.
            pub const MAX: Self = Self(<$raw>::MAX);
            /// The RFC's default.
            pub const DEFAULT: Self = Self($default);

            /// The code as it lies on the wire.
            #[must_use]
            pub const fn from_code(code: $raw) -> Self {
                Self(code)
            }

            /// The raw code.
            #[must_use]
            pub const fn code(self) -> $raw {
                self.0
            }

            #[doc = concat!("The time the code stands for, in ", $unit_name, " (exact).")]
            #[must_use]
            pub const fn units(self) -> u32 {
                decode_float(self.0 as u32, $mant)
            }

            /// The time the code stands for (exact).
            #[must_use]
            pub const fn duration(self) -> Duration {
                Duration::from_nanos((self.units() as u64).saturating_mul($unit as u64))
            }

            #[doc = concat!("The code for exactly `units` ", $unit_name, ", if there is one.")]
            #[must_use]
            pub fn from_units_exact(units: u32) -> Option<Self> {
                let code = encode_float_ceil(u64::from(units), $mant)?;
                let code = <$raw>::try_from(code).ok()?;
                (decode_float(u32::from(code), $mant) == units).then_some(Self(code))
            }

            /// The code for exactly `time`, if `time` is representable (a whole number of units
            /// that some code stands for).
            #[must_use]
            pub fn from_duration_exact(time: Duration) -> Option<Self> {
                Self::from_units_exact(u32::try_from(units_exact(time, $unit)?).ok()?)
            }

            /// The smallest code whose time is at least `time` (never shorter than asked), or
            /// `None` when `time` is longer than [`Self::MAX`] stands for.
            #[must_use]
            pub fn from_duration_lossy(time: Duration) -> Option<Self> {
                let code = encode_float_ceil(units_ceil(time, $unit), $mant)?;
                <$raw>::try_from(code).ok().map(Self)
            }

            /// Like [`Self::from_duration_lossy`], but a time above the largest is clamped to
            /// [`Self::MAX`].
            #[must_use]
            pub fn from_duration_saturating(time: Duration) -> Self {
                Self::from_duration_lossy(time).unwrap_or(Self::MAX)
            }
        }

        impl Default for $name {
            fn default() -> Self {
                Self::DEFAULT
            }
        }

        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, concat!(stringify!($name), "({:#x} = {:?})"), self.0, self.duration())
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                let units = self.units();
                let per_second: u32 = $per_second;
                if per_second == 1 {
                    write!(f, "{units}s")
                } else {
                    let whole = units / per_second;
                    let frac = units % per_second;
                    if per_second == 10 {
                        write!(f, "{whole}.{frac}s")
                    } else {
                        write!(f, "{whole}.{frac:03}s")
                    }
                }
            }
        }
    };
}

float_code! {
    /// IGMPv3 Max Resp Code (RFC 3376/9776 §4.1.1): the longest time before a report is sent in
    /// response to a query, in units of 1/10 second, 8-bit floating point above 127.
    ///
    /// The default, 100 (10 seconds), is the Query Response Interval of RFC 3376/9776 §8.3.
    MaxRespCode(u8), mant_bits = 4, unit_nanos = NANOS_PER_TENTH, unit_name = "tenths of a second",
    per_second = 10, default = 100
}

float_code! {
    /// IGMPv3/MLDv2 Querier's Query Interval Code (RFC 3376/9776 §4.1.7, RFC 3810 §5.1.9): the
    /// querier's Query Interval in seconds, 8-bit floating point above 127.
    ///
    /// The default, 125 seconds, is the Query Interval of RFC 3376/9776 §8.2 and RFC 3810 §9.2.
    QueryIntervalCode(u8), mant_bits = 4, unit_nanos = NANOS_PER_SECOND, unit_name = "seconds",
    per_second = 1, default = 125
}

float_code! {
    /// MLDv2 Maximum Response Code (RFC 3810 §5.1.3): the longest time before a report is sent in
    /// response to a query, in milliseconds, 16-bit floating point above 32767.
    ///
    /// The default, 10000 (10 seconds), is the Query Response Interval of RFC 3810 §9.3.
    MldMaxRespCode(u16), mant_bits = 12, unit_nanos = NANOS_PER_MILLI, unit_name = "milliseconds",
    per_second = 1000, default = 10_000
}

/// IGMPv2 Max Resp Time (RFC 2236 §2.2): a plain integer in units of 1/10 second, never a
/// floating-point code (the IGMPv3 rule does not apply to an 8-byte query, RFC 3376/9776 §7.1).
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "arbitrary", derive(arbitrary::Arbitrary))]
pub struct MaxRespTime(u8);

impl MaxRespTime {
    /// The longest time, 25.5 seconds.
    pub const MAX: Self = Self(u8::MAX);
    /// RFC 2236 §8.3 Query Response Interval: 100 (10 seconds).
    pub const DEFAULT: Self = Self(100);

    /// The field as it lies on the wire (tenths of a second).
    #[must_use]
    pub const fn from_tenths(tenths: u8) -> Self {
        Self(tenths)
    }

    /// The raw field: tenths of a second.
    #[must_use]
    pub const fn tenths(self) -> u8 {
        self.0
    }

    /// The time the field stands for.
    #[must_use]
    pub const fn duration(self) -> Duration {
        Duration::from_millis((self.0 as u64).saturating_mul(100))
    }

    /// The field for exactly `time`, if it is a whole number of tenths up to 25.5 s.
    #[must_use]
    pub fn from_duration_exact(time: Duration) -> Option<Self> {
        u8::try_from(units_exact(time, NANOS_PER_TENTH)?)
            .ok()
            .map(Self)
    }

    /// `time` rounded up to whole tenths, or `None` above 25.5 s.
    #[must_use]
    pub fn from_duration_lossy(time: Duration) -> Option<Self> {
        u8::try_from(units_ceil(time, NANOS_PER_TENTH))
            .ok()
            .map(Self)
    }

    /// Like [`Self::from_duration_lossy`], clamped to [`Self::MAX`].
    #[must_use]
    pub fn from_duration_saturating(time: Duration) -> Self {
        Self::from_duration_lossy(time).unwrap_or(Self::MAX)
    }
}

impl Default for MaxRespTime {
    fn default() -> Self {
        Self::DEFAULT
    }
}

impl fmt::Debug for MaxRespTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "MaxRespTime({} = {:?})", self.0, self.duration())
    }
}

impl fmt::Display for MaxRespTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}s", self.0 / 10, self.0 % 10)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 3376/9776 §4.1.1 written out as the RFC does.
    fn igmp_rfc(code: u8) -> u32 {
        if code < 128 {
            u32::from(code)
        } else {
            let exp = u32::from((code >> 4) & 0x7);
            let mant = u32::from(code & 0xf);
            (mant | 0x10) << (exp + 3)
        }
    }

    /// RFC 3810 §5.1.3 written out as the RFC does.
    fn mld_rfc(code: u16) -> u32 {
        if code < 32768 {
            u32::from(code)
        } else {
            let exp = u32::from((code >> 12) & 0x7);
            let mant = u32::from(code & 0xfff);
            (mant | 0x1000) << (exp + 3)
        }
    }

    #[test]
    fn all_igmp_codes_match_the_rfc() {
        for code in 0..=u8::MAX {
            let c = MaxRespCode::from_code(code);
            assert_eq!(c.units(), igmp_rfc(code), "code {code:#x}");
            assert_eq!(
                c.duration(),
                Duration::from_millis(u64::from(igmp_rfc(code)) * 100)
            );
            assert_eq!(MaxRespCode::from_units_exact(c.units()), Some(c));
            assert_eq!(MaxRespCode::from_duration_exact(c.duration()), Some(c));
            assert_eq!(MaxRespCode::from_duration_lossy(c.duration()), Some(c));
            let q = QueryIntervalCode::from_code(code);
            assert_eq!(q.units(), igmp_rfc(code));
            assert_eq!(q.duration(), Duration::from_secs(u64::from(igmp_rfc(code))));
            assert_eq!(
                QueryIntervalCode::from_duration_exact(q.duration()),
                Some(q)
            );
            // One nanosecond more than a code's time is not representable; lossy goes up to
            // the next code.
            let above = c.duration() + Duration::from_nanos(1);
            assert_eq!(MaxRespCode::from_duration_exact(above), None);
            let up = MaxRespCode::from_duration_lossy(above);
            if code == u8::MAX {
                assert_eq!(up, None);
                assert_eq!(
                    MaxRespCode::from_duration_saturating(above),
                    MaxRespCode::MAX
                );
            } else {
                let up = up.unwrap();
                assert_eq!(up.code(), code + 1);
                assert!(up.duration() >= above);
            }
        }
        assert_eq!(MaxRespCode::MAX.units(), 31_744);
    }

    #[test]
    fn every_igmp_time_rounds_up_to_the_smallest_code() {
        for units in 0..=31_745u32 {
            let t = Duration::from_millis(u64::from(units) * 100);
            match MaxRespCode::from_duration_lossy(t) {
                Some(c) => {
                    assert!(c.units() >= units);
                    if c.code() > 0 {
                        assert!(MaxRespCode::from_code(c.code() - 1).units() < units);
                    }
                    assert_eq!(
                        MaxRespCode::from_duration_exact(t).is_some(),
                        c.units() == units
                    );
                }
                None => assert!(units > 31_744),
            }
        }
    }

    #[test]
    fn all_mld_codes_match_the_rfc() {
        let mut previous = None;
        for code in 0..=u16::MAX {
            let c = MldMaxRespCode::from_code(code);
            assert_eq!(c.units(), mld_rfc(code), "code {code:#x}");
            assert_eq!(
                c.duration(),
                Duration::from_millis(u64::from(mld_rfc(code)))
            );
            assert_eq!(MldMaxRespCode::from_duration_exact(c.duration()), Some(c));
            assert_eq!(MldMaxRespCode::from_duration_lossy(c.duration()), Some(c));
            if let Some(p) = previous {
                // Strictly increasing, so the lossy encode of anything between two codes is the
                // larger one.
                assert!(MldMaxRespCode::from_code(p).units() < c.units());
                let between = MldMaxRespCode::from_code(p).duration() + Duration::from_nanos(1);
                assert_eq!(MldMaxRespCode::from_duration_lossy(between), Some(c));
            }
            previous = Some(code);
        }
        assert_eq!(MldMaxRespCode::MAX.units(), 8_387_584);
        assert_eq!(
            MldMaxRespCode::from_duration_lossy(Duration::from_millis(8_387_585)),
            None
        );
    }

    #[test]
    fn max_resp_time_is_a_plain_integer() {
        for t in 0..=u8::MAX {
            let m = MaxRespTime::from_tenths(t);
            assert_eq!(m.duration(), Duration::from_millis(u64::from(t) * 100));
            assert_eq!(MaxRespTime::from_duration_exact(m.duration()), Some(m));
        }
        assert_eq!(
            MaxRespTime::from_duration_lossy(Duration::from_millis(101)),
            Some(MaxRespTime::from_tenths(2))
        );
        assert_eq!(
            MaxRespTime::from_duration_lossy(Duration::from_millis(25_501)),
            None
        );
        assert_eq!(
            MaxRespTime::from_duration_saturating(Duration::from_secs(60)),
            MaxRespTime::MAX
        );
    }

    #[test]
    fn display() {
        use std::string::ToString;
        assert_eq!(MaxRespCode::from_code(100).to_string(), "10.0s");
        assert_eq!(QueryIntervalCode::DEFAULT.to_string(), "125s");
        assert_eq!(MldMaxRespCode::from_code(1500).to_string(), "1.500s");
        assert_eq!(MaxRespTime::from_tenths(25).to_string(), "2.5s");
    }
}
