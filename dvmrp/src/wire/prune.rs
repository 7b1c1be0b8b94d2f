//! Prune (Code 7, draft-ietf-idmr-dvmrp-v3-11 §3.5), Graft and Graft Ack (Codes 8 and 9, §3.6).

use core::fmt;
use core::net::Ipv4Addr;
use core::time::Duration;

use crate::DvmrpError;
use crate::wire::HEADER_LEN;

/// Reads an address at `at` in `body`, or names the field that is cut.
fn address(body: &[u8], at: usize, field: &'static str) -> Result<Ipv4Addr, DvmrpError> {
    match body.get(at..at.saturating_add(4)) {
        Some(&[a, b, c, d]) => Ok(Ipv4Addr::new(a, b, c, d)),
        _ => Err(DvmrpError::Truncated {
            field,
            offset: HEADER_LEN.saturating_add(at),
            needed: 4,
            available: body.len().saturating_sub(at),
        }),
    }
}

/// Splits what follows the fixed fields into the optional Source Network Mask and the bytes
/// after it.
fn netmask_and_trailing(rest: &[u8]) -> (Option<Ipv4Addr>, &[u8]) {
    match rest.split_first_chunk::<4>() {
        Some((mask, trailing)) => (Some(Ipv4Addr::from(*mask)), trailing),
        None => (None, rest),
    }
}

/// Writes `fields`, the optional netmask and the trailing bytes into `buf`.
fn emit_fields(
    buf: &mut [u8],
    fields: &[[u8; 4]],
    netmask: Option<Ipv4Addr>,
    trailing: &[u8],
) -> Result<(), DvmrpError> {
    if netmask.is_none() && trailing.len() >= 4 {
        return Err(DvmrpError::Invalid {
            field: "source network mask",
            offset: 0,
            reason: "four or more trailing bytes without a netmask would read back as one",
        });
    }
    let mut at = 0usize;
    let mut put = |bytes: &[u8]| -> Result<(), DvmrpError> {
        let end = at.saturating_add(bytes.len());
        let available = buf.len();
        let dst = buf.get_mut(at..end).ok_or(DvmrpError::BufferTooSmall {
            needed: end,
            available,
        })?;
        dst.copy_from_slice(bytes);
        at = end;
        Ok(())
    };
    for field in fields {
        put(field)?;
    }
    if let Some(mask) = netmask {
        put(&mask.octets())?;
    }
    put(trailing)
}

/// A Prune (draft-ietf-idmr-dvmrp-v3-11 §3.5): the sender wants no more traffic from `source`
/// to `group` for `lifetime`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Prune<'a> {
    /// Source Address (§3.5).
    pub source: Ipv4Addr,
    /// Group Address (§3.5).
    pub group: Ipv4Addr,
    /// Prune Lifetime in seconds (§3.5), an unsigned 32-bit count: 0x80000000 is 68 years,
    /// not a negative time.
    pub lifetime_seconds: u32,
    /// Source Network Mask (§3.5), sent by routers with the Netmask capability.
    pub netmask: Option<Ipv4Addr>,
    /// Bytes after the last field, which receivers ignore; kept so a message re-emits byte for
    /// byte. Fewer than four unless `netmask` is present.
    pub trailing: &'a [u8],
}

impl<'a> Prune<'a> {
    pub(crate) fn parse(body: &'a [u8]) -> Result<Self, DvmrpError> {
        let source = address(body, 0, "source address")?;
        let group = address(body, 4, "group address")?;
        let lifetime = address(body, 8, "prune lifetime")?;
        let (netmask, trailing) = netmask_and_trailing(body.get(12..).unwrap_or_default());
        Ok(Self {
            source,
            group,
            lifetime_seconds: u32::from(lifetime),
            netmask,
            trailing,
        })
    }

    /// The Prune Lifetime as a duration.
    #[must_use]
    pub const fn lifetime(&self) -> Duration {
        Duration::from_secs(self.lifetime_seconds as u64)
    }

    pub(crate) fn buffer_len(&self) -> usize {
        let mask = if self.netmask.is_some() { 4 } else { 0 };
        12usize
            .saturating_add(mask)
            .saturating_add(self.trailing.len())
    }

    pub(crate) fn emit(&self, buf: &mut [u8]) -> Result<(), DvmrpError> {
        emit_fields(
            buf,
            &[
                self.source.octets(),
                self.group.octets(),
                self.lifetime_seconds.to_be_bytes(),
            ],
            self.netmask,
            self.trailing,
        )
    }
}

impl fmt::Display for Prune<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "source {} group {} lifetime {}s",
            self.source, self.group, self.lifetime_seconds
        )?;
        if let Some(mask) = self.netmask {
            write!(f, " mask {mask}")?;
        }
        Ok(())
    }
}

/// A Graft or a Graft Ack (draft-ietf-idmr-dvmrp-v3-11 §3.6): the sender wants traffic from
/// `source` to `group` again, or acknowledges such a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Graft<'a> {
    /// Source Address (§3.6).
    pub source: Ipv4Addr,
    /// Group Address (§3.6).
    pub group: Ipv4Addr,
    /// Source Network Mask (§3.6), sent by routers with the Netmask capability.
    pub netmask: Option<Ipv4Addr>,
    /// Bytes after the last field, which receivers ignore; fewer than four unless `netmask`
    /// is present.
    pub trailing: &'a [u8],
}

impl<'a> Graft<'a> {
    pub(crate) fn parse(body: &'a [u8]) -> Result<Self, DvmrpError> {
        let source = address(body, 0, "source address")?;
        let group = address(body, 4, "group address")?;
        let (netmask, trailing) = netmask_and_trailing(body.get(8..).unwrap_or_default());
        Ok(Self {
            source,
            group,
            netmask,
            trailing,
        })
    }

    pub(crate) fn buffer_len(&self) -> usize {
        let mask = if self.netmask.is_some() { 4 } else { 0 };
        8usize
            .saturating_add(mask)
            .saturating_add(self.trailing.len())
    }

    pub(crate) fn emit(&self, buf: &mut [u8]) -> Result<(), DvmrpError> {
        emit_fields(
            buf,
            &[self.source.octets(), self.group.octets()],
            self.netmask,
            self.trailing,
        )
    }
}

impl fmt::Display for Graft<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "source {} group {}", self.source, self.group)?;
        if let Some(mask) = self.netmask {
            write!(f, " mask {mask}")?;
        }
        Ok(())
    }
}
