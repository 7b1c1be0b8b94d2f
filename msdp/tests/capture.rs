//! The PacketLife MSDP capture (`packetlife/MSDP.cap`), reassembled from its TCP segments in
//! order: every message parses with the values Wireshark shows and re-emits byte for byte, and
//! the stream decoder finds the same messages however the stream is cut.

use std::net::Ipv4Addr;

use mcast_msdp::stream::StreamDecoder;
use mcast_msdp::wire::{Message, MessageType};
use mcast_testkit::{frames_with_protocol, proto, skip_without_captures, tcp_stream};

fn streams() -> (Vec<u8>, Vec<u8>) {
    let frames = frames_with_protocol("packetlife/MSDP.cap", proto::TCP);
    // 172.16.40.x speaks from port 25441 to the listener on 639, and back.
    (
        tcp_stream(&frames, 25441, 639),
        tcp_stream(&frames, 639, 25441),
    )
}

/// Every message of `stream`, parsed one after the other.
fn parse_all(stream: &[u8]) -> Vec<Message<'_>> {
    let mut rest = stream;
    let mut out = Vec::new();
    while !rest.is_empty() {
        let (message, after) = Message::parse(rest).unwrap();
        out.push(message);
        rest = after;
    }
    out
}

/// Every message of `stream` fed to a stream decoder in pieces of the given sizes (cycled),
/// each re-emitted to bytes.
fn decode_in_pieces(stream: &[u8], sizes: &[usize]) -> Vec<Vec<u8>> {
    let mut decoder = StreamDecoder::new();
    let mut out = Vec::new();
    let mut offset = 0;
    let mut i = 0;
    while offset < stream.len() {
        let size = sizes[i % sizes.len()].max(1);
        i += 1;
        let end = (offset + size).min(stream.len());
        let mut input = &stream[offset..end];
        offset = end;
        loop {
            let (used, message) = decoder.decode(input).unwrap();
            input = &input[used..];
            let Some(message) = message else { break };
            let mut buf = vec![0; message.buffer_len()];
            message.emit(&mut buf).unwrap();
            out.push(buf);
        }
        assert!(input.is_empty());
    }
    assert_eq!(decoder.buffered_len(), 0);
    out
}

#[test]
fn speaker_stream_holds_the_keepalives_and_source_actives_wireshark_shows() {
    if skip_without_captures() {
        return;
    }
    let (speaker, _) = streams();
    let messages = parse_all(&speaker);
    // Frames 6, 10, 14: KeepAlive; 16+18: the SA spanning two segments; 22, 26, 30, 34: SAs.
    let types: Vec<_> = messages.iter().map(Message::message_type).collect();
    assert_eq!(
        types,
        [
            MessageType::KEEPALIVE,
            MessageType::KEEPALIVE,
            MessageType::KEEPALIVE,
            MessageType::SOURCE_ACTIVE,
            MessageType::SOURCE_ACTIVE,
            MessageType::SOURCE_ACTIVE,
            MessageType::SOURCE_ACTIVE,
            MessageType::SOURCE_ACTIVE,
        ]
    );
    for (i, message) in messages.iter().enumerate().skip(3) {
        let Message::SourceActive(sa) = message else {
            panic!("message {i} is {message}")
        };
        // msdp.sa.entry_count 1, rp_addr 2.2.2.2, reserved 0x000020, sprefix_len 32,
        // group 239.123.123.123, source 172.16.40.10.
        assert_eq!(sa.rp_address, Ipv4Addr::new(2, 2, 2, 2));
        assert_eq!(sa.entries.len(), 1);
        let entry = sa.entries[0];
        assert_eq!(entry.reserved(), [0, 0, 0x20]);
        assert_eq!(entry.sprefix_len(), 32);
        assert_eq!(entry.group_address(), Ipv4Addr::new(239, 123, 123, 123));
        assert_eq!(entry.source_address(), Ipv4Addr::new(172, 16, 40, 10));
        if i == 3 {
            // msdp.length 1518: 20 bytes of SA, then the 1498-byte UDP packet it carried.
            assert_eq!(message.buffer_len(), 1518);
            assert_eq!(sa.encapsulated_data.len(), 1498);
            assert_eq!(sa.encapsulated_data[0], 0x45);
            assert_eq!(
                &sa.encapsulated_data[12..20],
                &[172, 16, 40, 10, 239, 123, 123, 123]
            );
        } else {
            assert_eq!(message.buffer_len(), 20);
            assert!(sa.encapsulated_data.is_empty());
        }
    }
    let text = messages[3].to_string();
    assert!(text.contains("RP 2.2.2.2"), "{text}");
    assert!(
        text.contains("(172.16.40.10/32, 239.123.123.123)"),
        "{text}"
    );
    assert!(text.contains("1498 bytes of encapsulated data"), "{text}");
}

#[test]
fn listener_stream_is_seven_keepalives() {
    if skip_without_captures() {
        return;
    }
    let (_, listener) = streams();
    let messages = parse_all(&listener);
    assert_eq!(messages.len(), 10 - 3);
    assert!(
        messages
            .iter()
            .all(|m| matches!(m, Message::Keepalive(k) if k.trailing.is_empty()))
    );
}

#[test]
fn every_message_reemits_byte_for_byte() {
    if skip_without_captures() {
        return;
    }
    let (speaker, listener) = streams();
    for stream in [&speaker, &listener] {
        let mut emitted = Vec::new();
        for message in parse_all(stream) {
            let mut buf = vec![0; message.buffer_len()];
            assert_eq!(message.emit(&mut buf).unwrap(), buf.len());
            assert_eq!(Message::parse(&buf).unwrap().0, message);
            emitted.extend_from_slice(&buf);
        }
        assert_eq!(&emitted, stream);
    }
}

#[test]
fn stream_decoder_gives_the_same_messages_for_every_piece_size() {
    if skip_without_captures() {
        return;
    }
    let (speaker, _) = streams();
    let whole = decode_in_pieces(&speaker, &[speaker.len()]);
    assert_eq!(whole.concat(), speaker);
    assert_eq!(whole.len(), 8);
    for size in 1..=40 {
        assert_eq!(
            decode_in_pieces(&speaker, &[size]),
            whole,
            "pieces of {size}"
        );
    }
    // The TCP segment boundaries of the capture itself: 3, 3, 3, 1460, 58, 20, 20, 20, 20.
    assert_eq!(
        decode_in_pieces(&speaker, &[3, 3, 3, 1460, 58, 20, 20, 20, 20]),
        whole
    );
    // Uneven pieces that cut headers and entries.
    assert_eq!(decode_in_pieces(&speaker, &[1, 2, 7, 1500, 5, 11]), whole);
}

#[test]
fn every_truncation_of_every_message_errors() {
    if skip_without_captures() {
        return;
    }
    let (speaker, _) = streams();
    for message in parse_all(&speaker) {
        let mut buf = vec![0; message.buffer_len()];
        message.emit(&mut buf).unwrap();
        for cut in 0..buf.len() {
            assert!(Message::parse(&buf[..cut]).is_err(), "cut at {cut}");
        }
    }
}
