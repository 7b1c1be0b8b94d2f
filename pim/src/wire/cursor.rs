//! Bounds-checked reading and writing with field names and offsets in every error.

use crate::error::{PimError, Result};

/// Reads fields one after the other from a slice, remembering the offset from the start of the
/// PIM message so that errors point at the right byte.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Reader<'a> {
    bytes: &'a [u8],
    offset: usize,
}

impl<'a> Reader<'a> {
    /// A reader over `bytes`, whose first byte sits at `offset` in the message.
    pub(crate) fn new(bytes: &'a [u8], offset: usize) -> Self {
        Self { bytes, offset }
    }

    /// Offset of the next byte from the start of the message.
    pub(crate) fn offset(&self) -> usize {
        self.offset
    }

    /// The bytes not read yet.
    pub(crate) fn rest(&self) -> &'a [u8] {
        self.bytes
    }

    /// Whether everything was read.
    pub(crate) fn is_empty(&self) -> bool {
        self.bytes.is_empty()
    }

    /// The next `n` bytes, as `field`.
    pub(crate) fn take(&mut self, n: usize, field: &'static str) -> Result<&'a [u8]> {
        match self.bytes.split_at_checked(n) {
            Some((head, tail)) => {
                self.bytes = tail;
                self.offset = self.offset.saturating_add(n);
                Ok(head)
            }
            None => Err(PimError::Truncated {
                field,
                offset: self.offset,
                needed: n,
                available: self.bytes.len(),
            }),
        }
    }

    /// The next `N` bytes as an array.
    pub(crate) fn array<const N: usize>(&mut self, field: &'static str) -> Result<[u8; N]> {
        let bytes = self.take(N, field)?;
        let mut out = [0u8; N];
        out.copy_from_slice(bytes);
        Ok(out)
    }

    pub(crate) fn u8(&mut self, field: &'static str) -> Result<u8> {
        Ok(u8::from_be_bytes(self.array::<1>(field)?))
    }

    pub(crate) fn u16(&mut self, field: &'static str) -> Result<u16> {
        Ok(u16::from_be_bytes(self.array::<2>(field)?))
    }

    pub(crate) fn u32(&mut self, field: &'static str) -> Result<u32> {
        Ok(u32::from_be_bytes(self.array::<4>(field)?))
    }

    pub(crate) fn u64(&mut self, field: &'static str) -> Result<u64> {
        Ok(u64::from_be_bytes(self.array::<8>(field)?))
    }
}

/// Writes fields one after the other into a caller's buffer.
#[derive(Debug)]
pub(crate) struct Writer<'b> {
    buf: &'b mut [u8],
    pos: usize,
}

impl<'b> Writer<'b> {
    pub(crate) fn new(buf: &'b mut [u8]) -> Self {
        Self { buf, pos: 0 }
    }

    /// Bytes written so far.
    pub(crate) fn position(&self) -> usize {
        self.pos
    }

    pub(crate) fn put(&mut self, bytes: &[u8]) -> Result<()> {
        let available = self.buf.len().saturating_sub(self.pos);
        let end = self.pos.checked_add(bytes.len());
        match end.and_then(|end| self.buf.get_mut(self.pos..end)) {
            Some(dst) => {
                dst.copy_from_slice(bytes);
                self.pos = self.pos.saturating_add(bytes.len());
                Ok(())
            }
            None => Err(PimError::BufferTooSmall {
                needed: self.pos.saturating_add(bytes.len()),
                available: available.saturating_add(self.pos),
            }),
        }
    }

    pub(crate) fn u8(&mut self, value: u8) -> Result<()> {
        self.put(&[value])
    }

    pub(crate) fn u16(&mut self, value: u16) -> Result<()> {
        self.put(&value.to_be_bytes())
    }

    pub(crate) fn u32(&mut self, value: u32) -> Result<()> {
        self.put(&value.to_be_bytes())
    }

    pub(crate) fn u64(&mut self, value: u64) -> Result<()> {
        self.put(&value.to_be_bytes())
    }
}

/// Checks that `buf` can hold `needed` bytes.
pub(crate) fn check_buffer(buf: &[u8], needed: usize) -> Result<()> {
    if buf.len() < needed {
        return Err(PimError::BufferTooSmall {
            needed,
            available: buf.len(),
        });
    }
    Ok(())
}

/// Refuses a value wider than its wire field, which emitting would silently cut (so that
/// `parse(emit(x)) == x` holds for every value that emits at all).
pub(crate) fn field_width(field: &'static str, value: u32, max: u32) -> Result<()> {
    if value > max {
        return Err(PimError::TooLarge {
            field,
            value: value as usize,
            max: max as usize,
        });
    }
    Ok(())
}

/// `value` as a count field of at most `max`.
#[cfg_attr(not(feature = "alloc"), allow(dead_code))]
pub(crate) fn count_field(field: &'static str, value: usize, max: usize) -> Result<usize> {
    if value > max {
        return Err(PimError::TooLarge { field, value, max });
    }
    Ok(value)
}
