//! Info Request and Info Reply (Codes 10 and 11), mrouted's extension for `mrinfo`: a list of
//! items, each a Type (1 byte), a Length in 32-bit words (1 byte), two reserved bytes, and
//! Length × 4 bytes of data. The draft does not describe them; the layout is mrouted 3.9's.

use core::fmt;

use crate::DvmrpError;
use crate::wire::HEADER_LEN;

/// The type of an Info item. Kept raw so any value is data; `Debug` and `Display` name the
/// assigned types.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "arbitrary", derive(arbitrary::Arbitrary))]
pub struct InfoType(pub u8);

impl InfoType {
    /// The router's version string (mrouted's `DVMRP_INFO_VERSION`).
    pub const VERSION: Self = Self(1);
    /// Neighbors 2 data (mrouted's `DVMRP_INFO_NEIGHBORS`).
    pub const NEIGHBORS: Self = Self(2);

    /// The name of this type, if it is assigned.
    #[must_use]
    pub const fn name(self) -> Option<&'static str> {
        match self.0 {
            1 => Some("Version"),
            2 => Some("Neighbors"),
            _ => None,
        }
    }
}

impl fmt::Debug for InfoType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.name() {
            Some(name) => write!(f, "InfoType({} {name})", self.0),
            None => write!(f, "InfoType({} unknown)", self.0),
        }
    }
}

impl fmt::Display for InfoType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.name() {
            Some(name) => f.write_str(name),
            None => write!(f, "unknown info type {}", self.0),
        }
    }
}

/// One item of an Info Request or Reply.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct InfoItem<'a> {
    /// Type.
    pub info_type: InfoType,
    /// The two reserved bytes, sent as zero; kept as received.
    pub reserved: [u8; 2],
    /// Data: a whole number of 32-bit words, at most 255 of them (a request carries none).
    pub data: &'a [u8],
}

impl<'a> InfoItem<'a> {
    /// An item with zero reserved bytes.
    #[must_use]
    pub const fn new(info_type: InfoType, data: &'a [u8]) -> Self {
        Self {
            info_type,
            reserved: [0; 2],
            data,
        }
    }

    /// For a Version item, the version string: the data up to the first NUL, if it is UTF-8.
    #[must_use]
    pub fn version_string(&self) -> Option<&'a str> {
        let end = self
            .data
            .iter()
            .position(|&b| b == 0)
            .unwrap_or(self.data.len());
        core::str::from_utf8(self.data.get(..end)?).ok()
    }

    fn parse(bytes: &'a [u8], offset: usize) -> Result<(Self, &'a [u8]), DvmrpError> {
        let Some((&[info_type, words, r0, r1], rest)) = bytes.split_first_chunk::<4>() else {
            return Err(DvmrpError::Truncated {
                field: "info item header",
                offset,
                needed: 4,
                available: bytes.len(),
            });
        };
        let length = usize::from(words).saturating_mul(4);
        let Some((data, rest)) = rest.split_at_checked(length) else {
            return Err(DvmrpError::Truncated {
                field: "info data",
                offset: offset.saturating_add(4),
                needed: length,
                available: rest.len(),
            });
        };
        let item = Self {
            info_type: InfoType(info_type),
            reserved: [r0, r1],
            data,
        };
        Ok((item, rest))
    }

    fn emit(&self, buf: &mut [u8]) -> Result<usize, DvmrpError> {
        let words = self.data.len() / 4;
        let words = match u8::try_from(words) {
            Ok(words) if self.data.len().is_multiple_of(4) => words,
            _ => {
                return Err(DvmrpError::Invalid {
                    field: "info data",
                    offset: 0,
                    reason: "the data must be whole 32-bit words, at most 255 of them",
                });
            }
        };
        let length = self.data.len().saturating_add(4);
        let available = buf.len();
        let out = buf.get_mut(..length).ok_or(DvmrpError::BufferTooSmall {
            needed: length,
            available,
        })?;
        let (header, data) = out
            .split_at_mut_checked(4)
            .ok_or(DvmrpError::BufferTooSmall {
                needed: length,
                available,
            })?;
        let [r0, r1] = self.reserved;
        header.copy_from_slice(&[self.info_type.0, words, r0, r1]);
        data.copy_from_slice(self.data);
        Ok(length)
    }
}

impl fmt::Display for InfoItem<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.info_type, self.version_string()) {
            (InfoType::VERSION, Some(version)) if !self.data.is_empty() => {
                write!(f, "Version \"{version}\"")
            }
            _ => write!(f, "{} ({} bytes)", self.info_type, self.data.len()),
        }
    }
}

/// The item list of an Info Request or Info Reply, validated when parsed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Info<'a> {
    bytes: &'a [u8],
}

impl<'a> Info<'a> {
    pub(crate) fn parse(body: &'a [u8]) -> Result<Self, DvmrpError> {
        let mut rest = body;
        while !rest.is_empty() {
            let offset = HEADER_LEN.saturating_add(body.len().saturating_sub(rest.len()));
            rest = InfoItem::parse(rest, offset)?.1;
        }
        Ok(Self { bytes: body })
    }

    /// Encodes `items` into the front of `buf` and returns the list over those bytes.
    ///
    /// # Errors
    /// [`DvmrpError::BufferTooSmall`] if `buf` is too short; [`DvmrpError::Invalid`] for data
    /// that is not whole 32-bit words or longer than 1020 bytes.
    pub fn encode<'b>(items: &[InfoItem<'_>], buf: &'b mut [u8]) -> Result<Info<'b>, DvmrpError> {
        let mut length = 0usize;
        for item in items {
            let rest = buf.get_mut(length..).unwrap_or_default();
            length = length.saturating_add(item.emit(rest)?);
        }
        let bytes: &'b [u8] = buf.get(..length).unwrap_or_default();
        Ok(Info { bytes })
    }

    /// The items, in message order.
    #[must_use]
    pub const fn items(&self) -> InfoItems<'a> {
        InfoItems { rest: self.bytes }
    }

    /// The encoded item list.
    #[must_use]
    pub const fn as_bytes(&self) -> &'a [u8] {
        self.bytes
    }
}

impl fmt::Display for Info<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("items:")?;
        for item in self.items() {
            write!(f, " {item}")?;
        }
        Ok(())
    }
}

/// Iterator over the items of an [`Info`] list.
#[derive(Debug, Clone)]
pub struct InfoItems<'a> {
    rest: &'a [u8],
}

impl<'a> Iterator for InfoItems<'a> {
    type Item = InfoItem<'a>;

    fn next(&mut self) -> Option<InfoItem<'a>> {
        if self.rest.is_empty() {
            return None;
        }
        let (item, rest) = InfoItem::parse(self.rest, 0).ok()?;
        self.rest = rest;
        Some(item)
    }
}
