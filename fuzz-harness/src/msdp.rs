//! Targets for the MSDP codec, `mcast-msdp`: TLV parsing, the stream decoder fed in arbitrary
//! pieces, and round trips of arbitrary messages through the encoder and the decoder.

use core::net::Ipv4Addr;

use arbitrary::{Arbitrary, Unstructured};
use mcast_msdp::MsdpError;
use mcast_msdp::stream::{Encoder, StreamDecoder};
use mcast_msdp::wire::{
    ErrorCode, HEADER_LEN, Keepalive, MAX_MESSAGE_LEN, Message, MessageType, Notification, SaEntry,
    SourceActive, SourceActiveRequest, UnknownTlv, peek_header,
};

/// The emitted bytes of `message`, which must emit.
fn emitted(message: &Message<'_>) -> Vec<u8> {
    let mut buf = vec![0u8; message.buffer_len()];
    let len = message.emit(&mut buf).expect("a parsed message emits");
    assert_eq!(len, buf.len());
    buf
}

/// One TLV parsed from the front of `tlv_and_rest`: it is as long as its Length says, re-emits
/// to its own bytes and parses back to itself; its lists and fields read the bytes in place.
fn check_message(message: &Message<'_>, tlv_and_rest: &[u8], rest: &[u8]) {
    let len = tlv_and_rest.len() - rest.len();
    let tlv = &tlv_and_rest[..len];
    assert_eq!(usize::from(u16::from_be_bytes([tlv[1], tlv[2]])), len);
    assert_eq!(
        peek_header(tlv_and_rest),
        Ok(Some((MessageType(tlv[0]), len)))
    );
    assert_eq!(message.message_type(), MessageType(tlv[0]));
    assert_eq!(message.buffer_len(), len);
    let _ = format!("{message} {message:?}");
    let bytes = emitted(message);
    assert_eq!(bytes, tlv, "a parsed message re-emits other bytes");
    assert!(matches!(
        message.emit(&mut vec![0u8; len - 1]),
        Err(MsdpError::BufferTooSmall { .. })
    ));
    let (again, after) = Message::parse(&bytes).expect("an emitted message parses");
    assert_eq!(&again, message);
    assert!(after.is_empty());
    let value = &tlv[HEADER_LEN..];
    match message {
        Message::SourceActive(sa) | Message::SourceActiveResponse(sa) => {
            assert_eq!(usize::from(value[0]), sa.entries.len());
            assert_eq!(
                sa.rp_address,
                Ipv4Addr::new(value[1], value[2], value[3], value[4])
            );
            for (i, entry) in sa.entries.iter().enumerate() {
                let at = 5 + 12 * i;
                assert_eq!(entry.reserved(), value[at..at + 3]);
                assert_eq!(entry.sprefix_len(), value[at + 3]);
                assert_eq!(entry.group_address().octets(), value[at + 4..at + 8]);
                assert_eq!(entry.source_address().octets(), value[at + 8..at + 12]);
                let _ = format!("{entry} {entry:?}");
            }
            assert_eq!(sa.encapsulated_data, &value[5 + 12 * sa.entries.len()..]);
        }
        Message::SourceActiveRequest(r) => {
            assert_eq!(r.reserved, value[0]);
            assert_eq!(r.trailing, &value[5..]);
        }
        Message::Keepalive(k) => assert_eq!(k.trailing, value),
        Message::Notification(n) => {
            assert_eq!(n.error_code.0, value[0] & 0x7F);
            assert!(n.error_code.0 <= 0x7F);
            assert_eq!(n.data, &value[2..]);
            let _ = n.error_code.subcode_name(n.error_subcode);
        }
        Message::Unknown(u) => {
            assert_eq!(u.value, value);
            assert!(!(1..=5).contains(&u.message_type.0));
        }
    }
}

/// MSDP TLV parsing (`Message::parse`), message after message: no panic for any input; each
/// message is as long as its Length says, re-emits to its own bytes and parses back to itself,
/// and its entries and fields read the bytes in place; a Length out of range is the error
/// `peek_header` gives.
pub fn msdp_parse(data: &[u8]) {
    let mut rest = data;
    loop {
        match Message::parse(rest) {
            Ok((message, after)) => {
                check_message(&message, rest, after);
                rest = after;
            }
            Err(e) => {
                if let Err(header_error) = peek_header(rest) {
                    assert_eq!(e, header_error);
                }
                assert!(e.closes_peering());
                return;
            }
        }
    }
}

/// How the reference parse of a whole stream ends.
#[derive(Debug, PartialEq)]
enum StreamEnd {
    /// Every byte was a whole message.
    Clean,
    /// The last bytes are the start of a message.
    Incomplete(usize),
    /// A TLV format error.
    Failed(MsdpError),
}

/// The messages of a stream read one TLV after another with `Message::parse`, as emitted bytes,
/// and how the stream ends.
fn reference_parse(stream: &[u8]) -> (Vec<Vec<u8>>, StreamEnd) {
    let mut messages = Vec::new();
    let mut rest = stream;
    loop {
        if rest.is_empty() {
            return (messages, StreamEnd::Clean);
        }
        match peek_header(rest) {
            Err(e) => return (messages, StreamEnd::Failed(e)),
            Ok(None) => return (messages, StreamEnd::Incomplete(rest.len())),
            Ok(Some((_, len))) if rest.len() < len => {
                return (messages, StreamEnd::Incomplete(rest.len()));
            }
            Ok(Some(_)) => match Message::parse(rest) {
                Ok((message, after)) => {
                    messages.push(emitted(&message));
                    rest = after;
                }
                Err(e) => return (messages, StreamEnd::Failed(e)),
            },
        }
    }
}

/// Feeds `stream` to a fresh decoder in reads of the given sizes (cycled; all of it in one read
/// when there are none) and returns the messages (emitted bytes) and how the stream ended.
fn decode_in_pieces(stream: &[u8], sizes: &[usize]) -> (Vec<Vec<u8>>, StreamEnd) {
    let mut decoder = StreamDecoder::new();
    let mut messages = Vec::new();
    let mut at = 0;
    let mut piece = 0;
    while at < stream.len() {
        let size = sizes
            .get(piece % sizes.len().max(1))
            .copied()
            .unwrap_or(stream.len());
        piece += 1;
        let end = (at + size.max(1)).min(stream.len());
        let mut input = &stream[at..end];
        at = end;
        loop {
            match decoder.decode(input) {
                Ok((used, Some(message))) => {
                    assert!(used > 0 && used <= input.len());
                    messages.push(emitted(&message));
                    input = &input[used..];
                }
                Ok((used, None)) => {
                    assert_eq!(used, input.len(), "bytes left unused with no message");
                    break;
                }
                Err(e) => {
                    assert_eq!(decoder.error(), Some(e));
                    assert_eq!(decoder.decode(&[4, 0, 3]).map(|(u, _)| u), Err(e));
                    return (messages, StreamEnd::Failed(e));
                }
            }
        }
        assert!(decoder.buffered_len() <= MAX_MESSAGE_LEN);
    }
    let held = decoder.buffered_len();
    let end = if held == 0 {
        StreamEnd::Clean
    } else {
        StreamEnd::Incomplete(held)
    };
    (messages, end)
}

/// The read sizes and the stream of a [`msdp_stream`] input: byte 0 holds how many size bytes
/// follow (its low four bits); each size byte `b` is a read of `b * 37 + 1` bytes.
fn split_input(data: &[u8]) -> (Vec<usize>, &[u8]) {
    let Some((&count, rest)) = data.split_first() else {
        return (Vec::new(), data);
    };
    let count = usize::from(count & 0x0F).min(rest.len());
    let (sizes, stream) = rest.split_at(count);
    (
        sizes.iter().map(|&b| usize::from(b) * 37 + 1).collect(),
        stream,
    )
}

/// The MSDP stream decoder (`StreamDecoder`) fed a stream in arbitrary pieces: it gives the same
/// messages, in the same order, as parsing the whole stream TLV by TLV; stops at the same format
/// error, and returns it again on every later call; holds exactly the bytes of an incomplete last
/// message; never holds more than one maximum-size message; and each call either uses all its
/// input or returns a message.
pub fn msdp_stream(data: &[u8]) {
    let (sizes, stream) = split_input(data);
    let expected = reference_parse(stream);
    let got = decode_in_pieces(stream, &sizes);
    assert_eq!(got, expected, "the decoder and the parser disagree");
    // One byte at a time, the hardest cut, for short streams.
    if stream.len() <= 512 {
        assert_eq!(decode_in_pieces(stream, &[1]), expected);
    }
}

/// One MSDP message, from arbitrary values.
#[derive(Debug, Arbitrary)]
enum MessageSpec {
    SourceActive(SourceActiveSpec),
    SourceActiveResponse(SourceActiveSpec),
    SourceActiveRequest {
        reserved: u8,
        group_address: Ipv4Addr,
        trailing: Vec<u8>,
    },
    Keepalive(Vec<u8>),
    Notification {
        open_bit: bool,
        error_code: ErrorCode,
        error_subcode: u8,
        data: Vec<u8>,
    },
    Unknown(MessageType, Vec<u8>),
}

#[derive(Debug, Arbitrary)]
struct SourceActiveSpec {
    rp_address: Ipv4Addr,
    entries: Vec<SaEntry>,
    encapsulated_data: Vec<u8>,
}

impl SourceActiveSpec {
    fn view(&self) -> SourceActive<'_> {
        SourceActive {
            rp_address: self.rp_address,
            entries: &self.entries,
            encapsulated_data: &self.encapsulated_data,
        }
    }
}

impl MessageSpec {
    fn message(&self) -> Message<'_> {
        match self {
            Self::SourceActive(sa) => Message::SourceActive(sa.view()),
            Self::SourceActiveResponse(sa) => Message::SourceActiveResponse(sa.view()),
            Self::SourceActiveRequest {
                reserved,
                group_address,
                trailing,
            } => Message::SourceActiveRequest(SourceActiveRequest {
                reserved: *reserved,
                group_address: *group_address,
                trailing,
            }),
            Self::Keepalive(trailing) => Message::Keepalive(Keepalive { trailing }),
            Self::Notification {
                open_bit,
                error_code,
                error_subcode,
                data,
            } => Message::Notification(Notification {
                open_bit: *open_bit,
                error_code: *error_code,
                error_subcode: *error_subcode,
                data,
            }),
            Self::Unknown(message_type, value) => Message::Unknown(UnknownTlv {
                message_type: *message_type,
                value,
            }),
        }
    }

    /// Whether the message can be sent: at most 9192 bytes, 255 entries, a 7-bit error code.
    fn is_sendable(&self) -> bool {
        let message = self.message();
        message.buffer_len() <= MAX_MESSAGE_LEN
            && match self {
                Self::SourceActive(sa) | Self::SourceActiveResponse(sa) => sa.entries.len() <= 255,
                Self::Notification { error_code, .. } => error_code.0 <= 0x7F,
                _ => true,
            }
    }
}

/// Round trip of MSDP messages from arbitrary values: each emits (or is refused with `Invalid`
/// when it cannot be sent) and parses back to itself (a message given as an unknown TLV of a type
/// the codec decodes re-emits its bytes); the sendable ones, written back to back by the
/// `Encoder` and read by the `StreamDecoder` in arbitrary pieces, come out whole and in order.
pub fn msdp_roundtrip(data: &[u8]) {
    let mut u = Unstructured::new(data);
    let (Ok(sizes), Ok(specs)) = (
        Vec::<u8>::arbitrary(&mut u),
        Vec::<MessageSpec>::arbitrary_take_rest(u),
    ) else {
        return;
    };
    let mut sendable = Vec::new();
    for spec in &specs {
        let message = spec.message();
        let mut buf = vec![0u8; message.buffer_len()];
        match message.emit(&mut buf) {
            Ok(len) => {
                assert!(spec.is_sendable(), "{message:?} sent");
                assert_eq!(len, buf.len());
            }
            Err(e) => {
                assert!(!spec.is_sendable(), "{message:?} refused: {e}");
                assert!(matches!(e, MsdpError::Invalid { .. }));
                continue;
            }
        }
        let parsed = Message::parse(&buf);
        match message {
            // Raw bytes under a type the codec decodes: whatever they read as re-emits them.
            Message::Unknown(u) if (1..=5).contains(&u.message_type.0) => match parsed {
                Ok((parsed, _)) => assert_eq!(emitted(&parsed), buf),
                Err(_) => continue,
            },
            _ => {
                let (parsed, rest) = parsed.expect("an emitted message parses");
                assert!(rest.is_empty());
                assert_eq!(parsed, message, "an emitted message parses differently");
            }
        }
        sendable.push((spec, buf));
    }
    let total: usize = sendable.iter().map(|(_, b)| b.len()).sum();
    let mut out = vec![0u8; total];
    let mut encoder = Encoder::new(&mut out);
    for (spec, _) in &sendable {
        encoder
            .push(&spec.message())
            .expect("room for every message");
    }
    assert_eq!(encoder.len(), total);
    assert_eq!(encoder.remaining(), 0);
    assert!(matches!(
        encoder.push(&Message::Keepalive(Keepalive::default())),
        Err(MsdpError::BufferTooSmall { .. })
    ));
    let stream = encoder.as_bytes().to_vec();
    let sendable: Vec<Vec<u8>> = sendable.into_iter().map(|(_, b)| b).collect();
    assert_eq!(stream, sendable.concat());
    let sizes: Vec<usize> = sizes.iter().map(|&b| usize::from(b) * 53 + 1).collect();
    assert_eq!(
        decode_in_pieces(&stream, &sizes),
        (sendable, StreamEnd::Clean)
    );
}

/// Messages of every kind, built by the codec: seeds for the parse and stream targets.
#[must_use]
pub fn built() -> Vec<Vec<u8>> {
    let entries = [
        SaEntry::new(Ipv4Addr::new(172, 16, 40, 10), Ipv4Addr::new(239, 1, 2, 3)),
        SaEntry::new(Ipv4Addr::new(172, 16, 40, 11), Ipv4Addr::new(239, 1, 2, 4))
            .with_raw_fields([0, 0, 0x20], 32),
    ];
    let packet = [
        0x45, 0, 0, 20, 0, 0, 0, 0, 15, 17, 0, 0, 172, 16, 40, 10, 239, 1, 2, 3,
    ];
    let sa = SourceActive {
        rp_address: Ipv4Addr::new(2, 2, 2, 2),
        entries: &entries,
        encapsulated_data: &packet,
    };
    [
        Message::SourceActive(sa),
        Message::SourceActiveResponse(SourceActive {
            encapsulated_data: &[],
            ..sa
        }),
        Message::SourceActiveRequest(SourceActiveRequest {
            reserved: 0,
            group_address: Ipv4Addr::new(239, 1, 2, 3),
            trailing: &[],
        }),
        Message::Keepalive(Keepalive::default()),
        Message::Notification(Notification {
            open_bit: true,
            error_code: ErrorCode::CEASE,
            error_subcode: 0,
            data: &[1, 2],
        }),
        Message::Unknown(UnknownTlv {
            message_type: MessageType::TRACEROUTE_REPLY,
            value: &[9; 5],
        }),
    ]
    .iter()
    .map(emitted)
    .collect()
}
