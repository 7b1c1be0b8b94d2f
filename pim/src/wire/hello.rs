//! Hello (type 0, RFC 7761 §4.9.2) and its options.
//!
//! ```text
//! | PIM common header                                             |
//! |        OptionType             |         OptionLength          |
//! |                          OptionValue ...                      |
//! ```
//!
//! The options are checked for framing when the message is parsed (every option fits), so the
//! iterators never read past the message. An option whose length is wrong for its type is an
//! error for that option only: the iterator yields `Err` for it and goes on with the next one.

use core::fmt;
use core::time::Duration;

use mcast_addr::family::IpFamily;

use crate::error::{PimError, Result};
use crate::wire::addr::{encoded_unicast_len, read_unicast};
use crate::wire::cursor::{Reader, Writer};
use crate::wire::holdtime::Holdtime;

/// Hello option types of the IANA "PIM-Hello Options" registry.
pub mod option_type {
    /// Holdtime (RFC 7761 §4.9.2).
    pub const HOLDTIME: u16 = 1;
    /// LAN Prune Delay (RFC 7761 §4.9.2).
    pub const LAN_PRUNE_DELAY: u16 = 2;
    /// DR Priority (RFC 7761 §4.9.2).
    pub const DR_PRIORITY: u16 = 19;
    /// Generation ID (RFC 7761 §4.9.2).
    pub const GENERATION_ID: u16 = 20;
    /// State Refresh Capable (RFC 3973 §4.7.5.1).
    pub const STATE_REFRESH_CAPABLE: u16 = 21;
    /// Bidirectional Capable (RFC 5015 §3.7.5).
    pub const BIDIR_CAPABLE: u16 = 22;
    /// Address List (RFC 7761 §4.9.2).
    pub const ADDRESS_LIST: u16 = 24;
    /// Join Attribute (RFC 5384 §3.2).
    pub const JOIN_ATTRIBUTE: u16 = 26;
}

/// The name of a Hello option type in the IANA "PIM-Hello Options" registry, for every 16-bit
/// value (unassigned values included).
#[must_use]
pub fn option_type_name(option_type: u16) -> &'static str {
    match option_type {
        0 | 3..=16 => "Reserved",
        1 => "Holdtime",
        2 => "LAN Prune Delay",
        17 => "Label Parameters",
        18 => "Deprecated",
        19 => "DR Priority",
        20 => "Generation ID",
        21 => "State Refresh Capable",
        22 => "Bidirectional Capable",
        23 => "VCI Capability",
        24 => "Address List",
        25 => "Neighbor List TLV",
        26 => "Join Attribute",
        27 => "PIM-over-TCP-Capable",
        28 => "PIM-over-SCTP-Capable",
        29 => "Pop-Count",
        30 => "PIM MT-ID",
        31 => "Interface ID",
        32 => "PIM ECMP Redirect",
        33 => "vPC Peer ID",
        34 => "DR Load Balancing Capability",
        35 => "DR Load Balancing GDR",
        65000 => "Private Use",
        65001..=65535 => "Private Use or pre-standard",
        _ => "Unassigned",
    }
}

/// A Hello option type code, raw; `Display` names every value.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "arbitrary", derive(arbitrary::Arbitrary))]
pub struct OptionTypeCode(pub u16);

impl fmt::Display for OptionTypeCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({})", option_type_name(self.0), self.0)
    }
}

impl fmt::Debug for OptionTypeCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "OptionTypeCode({self})")
    }
}

/// The LAN Prune Delay option value (RFC 7761 §4.9.2, option 2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "arbitrary", derive(arbitrary::Arbitrary))]
pub struct LanPruneDelay {
    /// T, the join suppression bit: set when the router can disable Join suppression
    /// (RFC 7761 §4.3.3).
    pub tracking_support: bool,
    /// Propagation_Delay in milliseconds (15 bits; the upper bit is not stored here).
    pub propagation_delay_ms: u16,
    /// Override_Interval in milliseconds.
    pub override_interval_ms: u16,
}

impl LanPruneDelay {
    /// Propagation_Delay as a duration.
    #[must_use]
    pub fn propagation_delay(&self) -> Duration {
        Duration::from_millis(u64::from(self.propagation_delay_ms & 0x7FFF))
    }

    /// Override_Interval as a duration.
    #[must_use]
    pub fn override_interval(&self) -> Duration {
        Duration::from_millis(u64::from(self.override_interval_ms))
    }

    fn decode(value: [u8; 4]) -> Self {
        let [a, b, c, d] = value;
        Self {
            tracking_support: a & 0x80 != 0,
            propagation_delay_ms: u16::from_be_bytes([a & 0x7F, b]),
            override_interval_ms: u16::from_be_bytes([c, d]),
        }
    }

    #[cfg_attr(not(feature = "alloc"), allow(dead_code))]
    fn encode(self) -> [u8; 4] {
        let [a, b] = (self.propagation_delay_ms & 0x7FFF).to_be_bytes();
        let [c, d] = self.override_interval_ms.to_be_bytes();
        [a | if self.tracking_support { 0x80 } else { 0 }, b, c, d]
    }
}

impl fmt::Display for LanPruneDelay {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "T-bit={}, LAN delay {}ms, Override interval {}ms",
            u8::from(self.tracking_support),
            self.propagation_delay_ms & 0x7FFF,
            self.override_interval_ms
        )
    }
}

/// The State Refresh Capable option value (RFC 3973 §4.7.5.1, option 21).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "arbitrary", derive(arbitrary::Arbitrary))]
pub struct StateRefreshCapable {
    /// Version: 1.
    pub version: u8,
    /// Interval: the router's State Refresh Interval in seconds.
    pub interval: u8,
    /// Reserved (zero on send).
    pub reserved: u16,
}

impl fmt::Display for StateRefreshCapable {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "version {}, interval {}s", self.version, self.interval)
    }
}

/// A Hello option as found on the wire: type and value, undecoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RawOption<'a> {
    /// OptionType.
    pub option_type: u16,
    /// OptionValue (OptionLength bytes).
    pub value: &'a [u8],
    /// Offset of the option from the start of the message.
    pub offset: usize,
}

/// A decoded Hello option (RFC 7761 §4.9.2 and the RFCs of the IANA registry).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HelloOption<'a, F: IpFamily> {
    /// Holdtime (1): how long to keep the neighbor; 0 means goodbye, 0xFFFF never expire.
    Holdtime(Holdtime),
    /// LAN Prune Delay (2).
    LanPruneDelay(LanPruneDelay),
    /// DR Priority (19): higher wins the DR election (RFC 7761 §4.3.2).
    DrPriority(u32),
    /// Generation ID (20): a random value that changes when the router restarts.
    GenerationId(u32),
    /// State Refresh Capable (21, RFC 3973 §4.7.5.1).
    StateRefreshCapable(StateRefreshCapable),
    /// Bidirectional Capable (22, RFC 5015 §3.7.5): no value.
    BidirCapable,
    /// Address List (24): the router's secondary addresses.
    AddressList(AddressList<'a, F>),
    /// Join Attribute (26, RFC 5384 §3.2): the router accepts Join Attributes; no value.
    JoinAttribute,
    /// Any other option: kept as type and value.
    Other(RawOption<'a>),
}

impl<F: IpFamily> fmt::Display for HelloOption<'_, F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Holdtime(h) => write!(f, "Holdtime {h}"),
            Self::LanPruneDelay(d) => write!(f, "LAN Prune Delay {d}"),
            Self::DrPriority(p) => write!(f, "DR Priority {p}"),
            Self::GenerationId(g) => write!(f, "Generation ID {g:#010x}"),
            Self::StateRefreshCapable(s) => write!(f, "State Refresh Capable {s}"),
            Self::BidirCapable => f.write_str("Bidirectional Capable"),
            Self::AddressList(list) => {
                f.write_str("Address List")?;
                for a in list.iter() {
                    write!(f, " {a}")?;
                }
                Ok(())
            }
            Self::JoinAttribute => f.write_str("Join Attribute"),
            Self::Other(raw) => write!(
                f,
                "{} length {}",
                OptionTypeCode(raw.option_type),
                raw.value.len()
            ),
        }
    }
}

fn fixed<const N: usize>(raw: &RawOption<'_>, field: &'static str) -> Result<[u8; N]> {
    <[u8; N]>::try_from(raw.value).map_err(|_| PimError::OptionLength {
        field,
        offset: raw.offset,
        length: raw.value.len().min(usize::from(u16::MAX)) as u16,
        expected: N as u16,
    })
}

impl<'a, F: IpFamily> HelloOption<'a, F> {
    /// Decodes a raw option; an option whose length is wrong for its type is an error.
    ///
    /// # Errors
    /// [`PimError::OptionLength`] for a wrong length; the errors of an Encoded-Unicast address
    /// for a bad Address List entry.
    pub fn decode(raw: RawOption<'a>) -> Result<Self> {
        Ok(match raw.option_type {
            option_type::HOLDTIME => Self::Holdtime(Holdtime(u16::from_be_bytes(fixed(
                &raw,
                "Holdtime option",
            )?))),
            option_type::LAN_PRUNE_DELAY => Self::LanPruneDelay(LanPruneDelay::decode(fixed(
                &raw,
                "LAN Prune Delay option",
            )?)),
            option_type::DR_PRIORITY => {
                Self::DrPriority(u32::from_be_bytes(fixed(&raw, "DR Priority option")?))
            }
            option_type::GENERATION_ID => {
                Self::GenerationId(u32::from_be_bytes(fixed(&raw, "Generation ID option")?))
            }
            option_type::STATE_REFRESH_CAPABLE => {
                let [version, interval, r0, r1] = fixed(&raw, "State Refresh Capable option")?;
                Self::StateRefreshCapable(StateRefreshCapable {
                    version,
                    interval,
                    reserved: u16::from_be_bytes([r0, r1]),
                })
            }
            option_type::BIDIR_CAPABLE => {
                fixed::<0>(&raw, "Bidirectional Capable option")?;
                Self::BidirCapable
            }
            option_type::JOIN_ATTRIBUTE => {
                fixed::<0>(&raw, "Join Attribute option")?;
                Self::JoinAttribute
            }
            option_type::ADDRESS_LIST => {
                Self::AddressList(AddressList::parse(raw.value, raw.offset.saturating_add(4))?)
            }
            _ => Self::Other(raw),
        })
    }
}

/// The Address List option (RFC 7761 §4.9.2, option 24): Encoded-Unicast secondary addresses of
/// family `F`, validated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AddressList<'a, F: IpFamily> {
    bytes: &'a [u8],
    _family: core::marker::PhantomData<F>,
}

impl<'a, F: IpFamily> AddressList<'a, F> {
    fn parse(bytes: &'a [u8], offset: usize) -> Result<Self> {
        let mut r = Reader::new(bytes, offset);
        while !r.is_empty() {
            read_unicast::<F>(&mut r, "Address List entry")?;
        }
        Ok(Self {
            bytes,
            _family: core::marker::PhantomData,
        })
    }

    /// Number of addresses.
    #[must_use]
    pub fn len(&self) -> usize {
        self.bytes
            .len()
            .checked_div(encoded_unicast_len::<F>())
            .unwrap_or(0)
    }

    /// Whether the list is empty.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.bytes.is_empty()
    }

    /// The addresses in order.
    pub fn iter(&self) -> impl Iterator<Item = F::Addr> + 'a {
        self.bytes
            .chunks_exact(encoded_unicast_len::<F>())
            .filter_map(|entry| {
                let mut octets = F::Octets::default();
                octets.as_mut().copy_from_slice(entry.get(2..)?);
                Some(F::from_octets(octets))
            })
    }
}

/// A Hello message (RFC 7761 §4.9.2), its option framing validated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Hello<'a, F: IpFamily> {
    /// The RFC 9436 flag bits of the common header (none defined for Hello).
    pub flag_bits: u8,
    options: &'a [u8],
    _family: core::marker::PhantomData<F>,
}

impl<'a, F: IpFamily> Hello<'a, F> {
    /// Parses the body of a Hello (the bytes after the common header).
    ///
    /// # Errors
    /// [`PimError::Truncated`] when an option header or value runs past the message.
    pub fn parse_body(flag_bits: u8, body: &'a [u8]) -> Result<Self> {
        let mut r = Reader::new(body, crate::wire::header::HEADER_LEN);
        while !r.is_empty() {
            r.u16("Hello option type")?;
            let length = r.u16("Hello option length")?;
            r.take(usize::from(length), "Hello option value")?;
        }
        Ok(Self {
            flag_bits,
            options: body,
            _family: core::marker::PhantomData,
        })
    }

    /// The options as found, undecoded.
    #[must_use]
    pub fn raw_options(&self) -> RawOptions<'a> {
        RawOptions {
            bytes: self.options,
            offset: crate::wire::header::HEADER_LEN,
        }
    }

    /// The options, decoded; an option whose length is wrong for its type yields an error and
    /// the iteration goes on.
    pub fn options(&self) -> impl Iterator<Item = Result<HelloOption<'a, F>>> + 'a {
        self.raw_options().map(HelloOption::decode)
    }

    /// The body bytes (all options).
    #[must_use]
    pub fn body(&self) -> &'a [u8] {
        self.options
    }

    fn first<T>(&self, pick: impl Fn(HelloOption<'a, F>) -> Option<T>) -> Option<T> {
        self.options().filter_map(Result::ok).find_map(pick)
    }

    /// The first valid Holdtime option.
    #[must_use]
    pub fn holdtime(&self) -> Option<Holdtime> {
        self.first(|o| match o {
            HelloOption::Holdtime(h) => Some(h),
            _ => None,
        })
    }

    /// The first valid DR Priority option.
    #[must_use]
    pub fn dr_priority(&self) -> Option<u32> {
        self.first(|o| match o {
            HelloOption::DrPriority(p) => Some(p),
            _ => None,
        })
    }

    /// The first valid Generation ID option.
    #[must_use]
    pub fn generation_id(&self) -> Option<u32> {
        self.first(|o| match o {
            HelloOption::GenerationId(g) => Some(g),
            _ => None,
        })
    }

    /// The first valid LAN Prune Delay option.
    #[must_use]
    pub fn lan_prune_delay(&self) -> Option<LanPruneDelay> {
        self.first(|o| match o {
            HelloOption::LanPruneDelay(d) => Some(d),
            _ => None,
        })
    }

    /// The first valid Address List option.
    #[must_use]
    pub fn address_list(&self) -> Option<AddressList<'a, F>> {
        self.first(|o| match o {
            HelloOption::AddressList(a) => Some(a),
            _ => None,
        })
    }

    /// Whether a valid Bidirectional Capable option is present.
    #[must_use]
    pub fn bidir_capable(&self) -> bool {
        self.first(|o| matches!(o, HelloOption::BidirCapable).then_some(()))
            .is_some()
    }

    /// Length of the whole message.
    #[must_use]
    pub fn buffer_len(&self) -> usize {
        crate::wire::header::HEADER_LEN.saturating_add(self.options.len())
    }

    pub(crate) fn write_body(&self, w: &mut Writer<'_>) -> Result<()> {
        w.put(self.options)
    }
}

impl<F: IpFamily> fmt::Display for Hello<'_, F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Hello")?;
        for option in self.options() {
            match option {
                Ok(o) => write!(f, ", {o}")?,
                Err(e) => write!(f, ", [{e}]")?,
            }
        }
        Ok(())
    }
}

/// Iterator over the options of a Hello, undecoded.
#[derive(Debug, Clone)]
pub struct RawOptions<'a> {
    bytes: &'a [u8],
    offset: usize,
}

impl<'a> Iterator for RawOptions<'a> {
    type Item = RawOption<'a>;
    fn next(&mut self) -> Option<RawOption<'a>> {
        let mut r = Reader::new(self.bytes, self.offset);
        let option_type = r.u16("").ok()?;
        let length = r.u16("").ok()?;
        let value = r.take(usize::from(length), "").ok()?;
        let option = RawOption {
            option_type,
            value,
            offset: self.offset,
        };
        self.bytes = r.rest();
        self.offset = r.offset();
        Some(option)
    }
}

#[cfg(feature = "alloc")]
pub use owned::{HelloOptionRepr, HelloRepr};

#[cfg(feature = "alloc")]
mod owned {
    use alloc::vec::Vec;

    #[allow(clippy::wildcard_imports)]
    use super::*;
    use crate::wire::addr::write_unicast;

    /// An owned Hello option, for building messages (RFC 7761 §4.9.2).
    #[derive(Debug, Clone, PartialEq, Eq, Hash)]
    #[cfg_attr(
        feature = "serde",
        derive(serde::Serialize, serde::Deserialize),
        serde(bound = "F: crate::SerdeFamily")
    )]
    #[cfg_attr(
        feature = "arbitrary",
        derive(arbitrary::Arbitrary),
        arbitrary(bound = "F: crate::ArbitraryFamily")
    )]
    pub enum HelloOptionRepr<F: IpFamily> {
        /// Holdtime (1).
        Holdtime(Holdtime),
        /// LAN Prune Delay (2).
        LanPruneDelay(LanPruneDelay),
        /// DR Priority (19).
        DrPriority(u32),
        /// Generation ID (20).
        GenerationId(u32),
        /// State Refresh Capable (21, RFC 3973).
        StateRefreshCapable(StateRefreshCapable),
        /// Bidirectional Capable (22, RFC 5015).
        BidirCapable,
        /// Address List (24).
        AddressList(Vec<F::Addr>),
        /// Join Attribute (26, RFC 5384).
        JoinAttribute,
        /// Any other option, and a known option whose length is wrong for its type, as received.
        Raw {
            /// OptionType.
            option_type: u16,
            /// OptionValue.
            value: Vec<u8>,
        },
    }

    impl<F: IpFamily> HelloOptionRepr<F> {
        /// OptionType of this option.
        #[must_use]
        pub fn option_type(&self) -> u16 {
            match self {
                Self::Holdtime(_) => option_type::HOLDTIME,
                Self::LanPruneDelay(_) => option_type::LAN_PRUNE_DELAY,
                Self::DrPriority(_) => option_type::DR_PRIORITY,
                Self::GenerationId(_) => option_type::GENERATION_ID,
                Self::StateRefreshCapable(_) => option_type::STATE_REFRESH_CAPABLE,
                Self::BidirCapable => option_type::BIDIR_CAPABLE,
                Self::AddressList(_) => option_type::ADDRESS_LIST,
                Self::JoinAttribute => option_type::JOIN_ATTRIBUTE,
                Self::Raw { option_type, .. } => *option_type,
            }
        }

        /// OptionLength of this option.
        #[must_use]
        pub fn value_len(&self) -> usize {
            match self {
                Self::Holdtime(_) => 2,
                Self::LanPruneDelay(_)
                | Self::DrPriority(_)
                | Self::GenerationId(_)
                | Self::StateRefreshCapable(_) => 4,
                Self::BidirCapable | Self::JoinAttribute => 0,
                Self::AddressList(list) => list.len().saturating_mul(encoded_unicast_len::<F>()),
                Self::Raw { value, .. } => value.len(),
            }
        }

        fn write(&self, w: &mut Writer<'_>) -> Result<()> {
            let length = crate::wire::cursor::count_field(
                "Hello option length",
                self.value_len(),
                usize::from(u16::MAX),
            )?;
            w.u16(self.option_type())?;
            w.u16(length as u16)?;
            match self {
                Self::Holdtime(h) => w.u16(h.0),
                Self::LanPruneDelay(d) => {
                    crate::wire::cursor::field_width(
                        "Propagation_Delay",
                        u32::from(d.propagation_delay_ms),
                        0x7FFF,
                    )?;
                    w.put(&d.encode())
                }
                Self::DrPriority(v) | Self::GenerationId(v) => w.u32(*v),
                Self::StateRefreshCapable(s) => {
                    w.u8(s.version)?;
                    w.u8(s.interval)?;
                    w.u16(s.reserved)
                }
                Self::BidirCapable | Self::JoinAttribute => Ok(()),
                Self::AddressList(list) => list.iter().try_for_each(|a| write_unicast::<F>(w, *a)),
                Self::Raw { value, .. } => w.put(value),
            }
        }
    }

    impl<F: IpFamily> From<HelloOption<'_, F>> for HelloOptionRepr<F> {
        fn from(option: HelloOption<'_, F>) -> Self {
            match option {
                HelloOption::Holdtime(h) => Self::Holdtime(h),
                HelloOption::LanPruneDelay(d) => Self::LanPruneDelay(d),
                HelloOption::DrPriority(p) => Self::DrPriority(p),
                HelloOption::GenerationId(g) => Self::GenerationId(g),
                HelloOption::StateRefreshCapable(s) => Self::StateRefreshCapable(s),
                HelloOption::BidirCapable => Self::BidirCapable,
                HelloOption::AddressList(list) => Self::AddressList(list.iter().collect()),
                HelloOption::JoinAttribute => Self::JoinAttribute,
                HelloOption::Other(raw) => Self::Raw {
                    option_type: raw.option_type,
                    value: raw.value.to_vec(),
                },
            }
        }
    }

    /// An owned Hello message (RFC 7761 §4.9.2): the options in the order they are sent.
    #[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
    #[cfg_attr(
        feature = "serde",
        derive(serde::Serialize, serde::Deserialize),
        serde(bound = "F: crate::SerdeFamily")
    )]
    #[cfg_attr(
        feature = "arbitrary",
        derive(arbitrary::Arbitrary),
        arbitrary(bound = "F: crate::ArbitraryFamily")
    )]
    pub struct HelloRepr<F: IpFamily> {
        /// The RFC 9436 flag bits of the common header (none defined for Hello; zero).
        pub flag_bits: u8,
        /// The options.
        pub options: Vec<HelloOptionRepr<F>>,
    }

    impl<F: IpFamily> HelloRepr<F> {
        /// A Hello with the usual options of a PIM-SM router (RFC 7761 §4.3.1): Holdtime,
        /// DR Priority and Generation ID.
        #[must_use]
        pub fn new(holdtime: Holdtime, dr_priority: u32, generation_id: u32) -> Self {
            Self {
                flag_bits: 0,
                options: alloc::vec![
                    HelloOptionRepr::Holdtime(holdtime),
                    HelloOptionRepr::DrPriority(dr_priority),
                    HelloOptionRepr::GenerationId(generation_id),
                ],
            }
        }

        /// Appends an option.
        #[must_use]
        pub fn with(mut self, option: HelloOptionRepr<F>) -> Self {
            self.options.push(option);
            self
        }

        /// The owned form of a parsed Hello: decoded options where valid, the others raw, so
        /// that it emits the same bytes.
        #[must_use]
        pub fn from_view(hello: &Hello<'_, F>) -> Self {
            Self {
                flag_bits: hello.flag_bits,
                options: hello
                    .raw_options()
                    .map(|raw| match HelloOption::<F>::decode(raw) {
                        Ok(o) => HelloOptionRepr::from(o),
                        Err(_) => HelloOptionRepr::Raw {
                            option_type: raw.option_type,
                            value: raw.value.to_vec(),
                        },
                    })
                    .collect(),
            }
        }

        /// Length of the body (options).
        #[must_use]
        pub fn body_len(&self) -> usize {
            self.options
                .iter()
                .map(|o| o.value_len().saturating_add(4))
                .fold(0usize, usize::saturating_add)
        }

        pub(crate) fn write_body(&self, w: &mut Writer<'_>) -> Result<()> {
            self.options.iter().try_for_each(|o| o.write(w))
        }
    }

    impl<F: IpFamily> fmt::Display for HelloRepr<F> {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            write!(f, "Hello, {} options", self.options.len())
        }
    }
}
