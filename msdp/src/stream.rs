//! Sans-IO framing of the TCP byte stream between two MSDP peers (RFC 3618 §12).
//!
//! TCP delivers bytes, not messages: a read may hold half a TLV, or three and a bit.
//! [`StreamDecoder`] takes whatever each read returned and hands back whole [`Message`]s; it
//! reads no socket and keeps no clock. [`Encoder`] writes messages one after another into a
//! caller's buffer, ready for one `write`.

use crate::MsdpError;
use crate::wire::{HEADER_LEN, MAX_MESSAGE_LEN, Message, peek_header};

/// Reassembles MSDP messages from the bytes of one TCP connection, in order.
///
/// Call [`StreamDecoder::decode`] with the bytes not yet consumed until it returns no message,
/// then wait for the next read. A message that lies whole in the input is parsed in place (no
/// copy); only a message cut by a read boundary is gathered into the decoder's buffer, which is
/// a fixed array of one maximum-size TLV ([`MAX_MESSAGE_LEN`], 9192 bytes): memory does not
/// grow, whatever the peer sends.
///
/// The first malformed TLV (a Length below 3 or above 9192, a Source-Active whose Entry Count
/// does not fit its Length, ...) is returned as an error and every later call returns it again:
/// RFC 3618 §11 drops the peering on a TLV format error, and nothing after it can be framed.
///
/// ```
/// use mcast_msdp::stream::StreamDecoder;
/// use mcast_msdp::wire::Message;
///
/// let mut decoder = StreamDecoder::new();
/// let mut seen = 0;
/// // Two KeepAlives, delivered by reads of 2, 3 and 1 bytes.
/// for read in [&[4u8, 0][..], &[3, 4, 0], &[3]] {
///     let mut input = read;
///     loop {
///         let (used, message) = decoder.decode(input).unwrap();
///         input = &input[used..];
///         match message {
///             Some(Message::Keepalive(_)) => seen += 1,
///             Some(other) => panic!("unexpected {other}"),
///             None => break,
///         }
///     }
/// }
/// assert_eq!(seen, 2);
/// ```
#[derive(Clone)]
pub struct StreamDecoder {
    /// The bytes of the message cut by a read boundary, gathered so far.
    buffer: [u8; MAX_MESSAGE_LEN],
    /// How many bytes of `buffer` hold data.
    buffered: usize,
    /// The framing error that ended the stream, if one did.
    failed: Option<MsdpError>,
}

impl Default for StreamDecoder {
    fn default() -> Self {
        Self::new()
    }
}

impl core::fmt::Debug for StreamDecoder {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("StreamDecoder")
            .field("buffered", &self.buffered)
            .field("failed", &self.failed)
            .finish_non_exhaustive()
    }
}

impl StreamDecoder {
    /// A decoder at the start of a connection.
    #[must_use]
    pub const fn new() -> Self {
        Self {
            buffer: [0; MAX_MESSAGE_LEN],
            buffered: 0,
            failed: None,
        }
    }

    /// Consumes bytes from the front of `input` and returns how many it used, with the next
    /// whole message if one is complete.
    ///
    /// When the returned message is `None`, all of `input` was used (kept for the next call);
    /// otherwise call again with the bytes after the used ones. The message borrows either
    /// `input` or the decoder, so handle it before the next call.
    ///
    /// # Errors
    /// The TLV format error met in the stream (see [`MsdpError::closes_peering`]); once one is
    /// returned, every later call returns it again until [`StreamDecoder::reset`].
    pub fn decode<'a>(
        &'a mut self,
        input: &'a [u8],
    ) -> Result<(usize, Option<Message<'a>>), MsdpError> {
        if let Some(error) = self.failed {
            return Err(error);
        }
        if self.buffered == 0 {
            // Fast path: a message wholly inside `input` is parsed where it lies.
            match peek_header(input) {
                Err(error) => return Err(self.fail(error)),
                Ok(Some((_, length))) if input.len() >= length => {
                    return match Message::parse(input) {
                        Ok((message, _)) => Ok((length, Some(message))),
                        Err(error) => {
                            self.failed = Some(error);
                            Err(error)
                        }
                    };
                }
                Ok(_) => {}
            }
        }
        // Gather the header, then the rest of the message, into the buffer.
        let mut used = self.fill(input, HEADER_LEN);
        if self.buffered < HEADER_LEN {
            return Ok((used, None));
        }
        let length = match peek_header(self.buffer.get(..HEADER_LEN).unwrap_or_default()) {
            Ok(Some((_, length))) => length,
            Ok(None) => return Ok((used, None)),
            Err(error) => return Err(self.fail(error)),
        };
        used = used.saturating_add(self.fill(input.get(used..).unwrap_or_default(), length));
        if self.buffered < length {
            return Ok((used, None));
        }
        self.buffered = 0;
        let buffer = &self.buffer;
        match Message::parse(buffer.get(..length).unwrap_or_default()) {
            Ok((message, _)) => Ok((used, Some(message))),
            Err(error) => {
                self.failed = Some(error);
                Err(error)
            }
        }
    }

    /// Copies bytes from the front of `input` until `upto` bytes are buffered or `input` runs
    /// out, and returns how many it copied. `upto` never exceeds the buffer (a checked Length).
    fn fill(&mut self, input: &[u8], upto: usize) -> usize {
        let take = upto.saturating_sub(self.buffered).min(input.len());
        let end = self.buffered.saturating_add(take);
        match (self.buffer.get_mut(self.buffered..end), input.get(..take)) {
            (Some(dst), Some(src)) => {
                dst.copy_from_slice(src);
                self.buffered = end;
                take
            }
            _ => 0,
        }
    }

    fn fail(&mut self, error: MsdpError) -> MsdpError {
        self.failed = Some(error);
        error
    }

    /// Bytes of an incomplete message held since the last read (at most [`MAX_MESSAGE_LEN`]).
    #[must_use]
    pub const fn buffered_len(&self) -> usize {
        self.buffered
    }

    /// The framing error that ended the stream, if one did.
    #[must_use]
    pub const fn error(&self) -> Option<MsdpError> {
        self.failed
    }

    /// Forgets buffered bytes and any error, for a new connection.
    pub fn reset(&mut self) {
        self.buffered = 0;
        self.failed = None;
    }
}

/// Writes MSDP messages one after another into a caller's buffer.
///
/// ```
/// use mcast_msdp::stream::Encoder;
/// use mcast_msdp::wire::{Keepalive, Message};
///
/// let mut buf = [0u8; 16];
/// let mut encoder = Encoder::new(&mut buf);
/// encoder.push(&Message::Keepalive(Keepalive::default())).unwrap();
/// encoder.push(&Message::Keepalive(Keepalive::default())).unwrap();
/// assert_eq!(encoder.as_bytes(), &[4, 0, 3, 4, 0, 3]);
/// ```
#[derive(Debug)]
pub struct Encoder<'b> {
    buf: &'b mut [u8],
    len: usize,
}

impl<'b> Encoder<'b> {
    /// An encoder that fills `buf` from its start.
    pub fn new(buf: &'b mut [u8]) -> Self {
        Self { buf, len: 0 }
    }

    /// Appends `message`.
    ///
    /// # Errors
    /// [`MsdpError::BufferTooSmall`] when the rest of the buffer cannot hold it (nothing is
    /// written), or the errors of [`Message::emit`].
    pub fn push(&mut self, message: &Message<'_>) -> Result<(), MsdpError> {
        let rest = self.buf.get_mut(self.len..).unwrap_or_default();
        let written = message.emit(rest)?;
        self.len = self.len.saturating_add(written);
        Ok(())
    }

    /// The bytes written so far.
    #[must_use]
    pub fn as_bytes(&self) -> &[u8] {
        self.buf.get(..self.len).unwrap_or_default()
    }

    /// How many bytes were written.
    #[must_use]
    pub const fn len(&self) -> usize {
        self.len
    }

    /// Whether nothing was written yet.
    #[must_use]
    pub const fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Bytes still free in the buffer.
    #[must_use]
    pub fn remaining(&self) -> usize {
        self.buf.len().saturating_sub(self.len)
    }
}
