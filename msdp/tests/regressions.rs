//! Regression tests, each named after the fault it prevents, asserting the precise outcome.

use std::net::Ipv4Addr;

use mcast_msdp::MsdpError;
use mcast_msdp::stream::{Encoder, StreamDecoder};
use mcast_msdp::wire::{
    ErrorCode, Keepalive, MAX_MESSAGE_LEN, Message, MessageType, Notification, SaEntry,
    SourceActive, SourceActiveRequest, UnknownTlv,
};

fn length_error(length: usize) -> MsdpError {
    MsdpError::Length {
        offset: 1,
        length,
        minimum: 3,
        maximum: 9192,
    }
}

#[test]
fn tlv_lengths_0_1_and_2_are_length_errors_not_loops() {
    for length in 0u8..3 {
        let bytes = [4, 0, length, 0, 0, 0];
        assert_eq!(Message::parse(&bytes), Err(length_error(length.into())));
        let mut decoder = StreamDecoder::new();
        assert_eq!(
            decoder.decode(&bytes).map(|(used, m)| (used, m.is_some())),
            Err(length_error(length.into()))
        );
        assert!(decoder.error().unwrap().closes_peering());
    }
}

#[test]
fn tlv_length_error_is_found_with_the_header_cut_in_pieces() {
    let mut decoder = StreamDecoder::new();
    assert_eq!(decoder.decode(&[1]).unwrap(), (1, None));
    assert_eq!(decoder.decode(&[0]).unwrap(), (1, None));
    assert_eq!(decoder.decode(&[2]).unwrap_err(), length_error(2));
    // The error sticks: the stream cannot be framed any more.
    assert_eq!(
        decoder.decode(&[4, 0, 3]).map(|(u, _)| u),
        Err(length_error(2))
    );
    decoder.reset();
    assert!(matches!(
        decoder.decode(&[4, 0, 3]),
        Ok((3, Some(Message::Keepalive(_))))
    ));
}

#[test]
fn source_active_claiming_255_entries_in_20_bytes_is_refused_before_reading_entries() {
    // Type 1, Length 20, Entry Count 255, RP 2.2.2.2, one entry's worth of bytes.
    let mut bytes = vec![1, 0, 20, 255, 2, 2, 2, 2];
    bytes.extend_from_slice(&[0, 0, 0x20, 32, 239, 1, 1, 1, 10, 0, 0, 1]);
    assert_eq!(
        Message::parse(&bytes),
        Err(MsdpError::Truncated {
            field: "Source-Active entries",
            offset: 8,
            needed: 255 * 12,
            available: 12,
        })
    );
    // The same for an SA Response.
    bytes[0] = 3;
    assert!(matches!(
        Message::parse(&bytes),
        Err(MsdpError::Truncated {
            field: "Source-Active entries",
            ..
        })
    ));
}

#[test]
fn tlv_longer_than_the_maximum_is_a_length_error() {
    for length in [9193u16, 0xFFFF] {
        let [hi, lo] = length.to_be_bytes();
        let bytes = [1, hi, lo, 0, 0, 0, 0, 0];
        assert_eq!(Message::parse(&bytes), Err(length_error(length.into())));
        assert_eq!(
            StreamDecoder::new().decode(&bytes).map(|(u, _)| u),
            Err(length_error(length.into()))
        );
    }
    // 9192 itself is accepted.
    let mut max = vec![0u8; MAX_MESSAGE_LEN];
    max[..3].copy_from_slice(&[200, 0x23, 0xE8]);
    assert!(matches!(
        Message::parse(&max),
        Ok((Message::Unknown(UnknownTlv { value, .. }), [])) if value.len() == 9189
    ));
}

#[test]
fn stream_that_never_completes_a_tlv_holds_at_most_one_maximum_tlv() {
    let mut decoder = StreamDecoder::new();
    // A header claiming the maximum, then one byte short of it, one byte per read.
    assert_eq!(decoder.decode(&[1, 0x23, 0xE8]).unwrap(), (3, None));
    for _ in 3..MAX_MESSAGE_LEN - 1 {
        assert_eq!(decoder.decode(&[0]).unwrap(), (1, None));
    }
    assert_eq!(decoder.buffered_len(), MAX_MESSAGE_LEN - 1);
    // A read far larger than the rest of the message takes only what the message needs... and
    // the Entry Count of 0 leaves 9184 bytes of encapsulated data.
    let more = vec![0u8; 100_000];
    let (used, message) = decoder.decode(&more).unwrap();
    assert_eq!(used, 1);
    assert!(
        matches!(message, Some(Message::SourceActive(sa)) if sa.encapsulated_data.len() == 9184)
    );
    // The decoder's whole state is one maximum-size TLV and a few words.
    assert!(core::mem::size_of::<StreamDecoder>() <= MAX_MESSAGE_LEN + 64);
}

#[test]
fn keepalive_longer_than_expected_is_accepted_and_the_extra_kept() {
    let bytes = [4, 0, 5, 0xAA, 0xBB];
    let (message, rest) = Message::parse(&bytes).unwrap();
    assert!(rest.is_empty());
    assert_eq!(
        message,
        Message::Keepalive(Keepalive {
            trailing: &[0xAA, 0xBB]
        })
    );
}

#[test]
fn source_active_request_too_short_for_its_group_is_truncated() {
    assert_eq!(
        Message::parse(&[2, 0, 6, 0, 224, 1]),
        Err(MsdpError::Truncated {
            field: "group address",
            offset: 4,
            needed: 4,
            available: 2,
        })
    );
    assert_eq!(
        Message::parse(&[2, 0, 3]),
        Err(MsdpError::Truncated {
            field: "reserved",
            offset: 3,
            needed: 1,
            available: 0,
        })
    );
    let (request, _) = Message::parse(&[2, 0, 8, 0, 224, 1, 2, 3]).unwrap();
    assert_eq!(
        request,
        Message::SourceActiveRequest(SourceActiveRequest {
            reserved: 0,
            group_address: Ipv4Addr::new(224, 1, 2, 3),
            trailing: &[],
        })
    );
}

#[test]
fn source_active_too_short_for_its_rp_address_is_truncated() {
    assert_eq!(
        Message::parse(&[1, 0, 3]),
        Err(MsdpError::Truncated {
            field: "entry count",
            offset: 3,
            needed: 1,
            available: 0,
        })
    );
    assert_eq!(
        Message::parse(&[1, 0, 6, 0, 1, 2]),
        Err(MsdpError::Truncated {
            field: "RP address",
            offset: 4,
            needed: 4,
            available: 2,
        })
    );
}

#[test]
fn source_active_reserved_bytes_are_ignored_and_kept() {
    let bytes = [
        1, 0, 20, 1, 2, 2, 2, 2, 0xFF, 0xFF, 0xFF, 32, 239, 1, 2, 3, 10, 0, 0, 1,
    ];
    let (message, _) = Message::parse(&bytes).unwrap();
    let Message::SourceActive(sa) = message else {
        panic!()
    };
    let plain = SaEntry::new(Ipv4Addr::new(10, 0, 0, 1), Ipv4Addr::new(239, 1, 2, 3));
    assert_eq!(sa.entries[0].source_address(), plain.source_address());
    assert_eq!(sa.entries[0].group_address(), plain.group_address());
    assert_eq!(sa.entries[0].reserved(), [0xFF; 3]);
    let mut out = [0; 20];
    message.emit(&mut out).unwrap();
    assert_eq!(out, bytes);
}

#[test]
fn notification_with_data_parses_per_the_draft_layout() {
    // O-bit set, SA-Message/SA-Response Error, Invalid RP Address, reserved + 10.1.1.1.
    let bytes = [5, 0, 12, 0x83, 2, 0, 0, 0, 10, 1, 1, 1];
    let (message, _) = Message::parse(&bytes).unwrap();
    let Message::Notification(n) = message else {
        panic!()
    };
    assert!(n.open_bit);
    assert_eq!(n.error_code, ErrorCode::SA_MESSAGE_SA_RESPONSE_ERROR);
    assert_eq!(n.error_subcode, 2);
    assert_eq!(n.data, &[0, 0, 0, 10, 1, 1, 1]);
    assert_eq!(
        message.to_string(),
        "Notification SA-Message/SA-Response Error / Invalid RP Address (O-bit 1, 7 data bytes)"
    );
    assert_eq!(
        Message::parse(&[5, 0, 4, 1]),
        Err(MsdpError::Truncated {
            field: "error subcode",
            offset: 4,
            needed: 1,
            available: 0,
        })
    );
}

#[test]
fn emit_refuses_what_cannot_be_encoded() {
    let entries = vec![SaEntry::new(Ipv4Addr::LOCALHOST, Ipv4Addr::new(232, 0, 0, 1)); 256];
    let sa = Message::SourceActive(SourceActive {
        rp_address: Ipv4Addr::LOCALHOST,
        entries: &entries,
        encapsulated_data: &[],
    });
    let mut buf = vec![0; 10_000];
    assert_eq!(
        sa.emit(&mut buf),
        Err(MsdpError::Invalid {
            field: "entry count",
            offset: 3,
            reason: "more than 255 entries",
        })
    );
    let big = vec![0; MAX_MESSAGE_LEN];
    let unknown = Message::Unknown(UnknownTlv {
        message_type: MessageType(99),
        value: &big,
    });
    assert!(matches!(
        unknown.emit(&mut vec![0; 20_000]),
        Err(MsdpError::Invalid {
            field: "length",
            ..
        })
    ));
    let notification = Message::Notification(Notification {
        open_bit: false,
        error_code: ErrorCode(200),
        error_subcode: 0,
        data: &[],
    });
    assert!(matches!(
        notification.emit(&mut buf),
        Err(MsdpError::Invalid {
            field: "error code",
            ..
        })
    ));
    let keepalive = Message::Keepalive(Keepalive::default());
    assert_eq!(
        keepalive.emit(&mut [0; 2]),
        Err(MsdpError::BufferTooSmall {
            needed: 3,
            available: 2
        })
    );
    assert!(
        !MsdpError::BufferTooSmall {
            needed: 3,
            available: 2
        }
        .closes_peering()
    );
    let mut small = [0u8; 4];
    let mut encoder = Encoder::new(&mut small);
    encoder.push(&keepalive).unwrap();
    assert!(encoder.push(&keepalive).is_err());
    assert_eq!(encoder.as_bytes(), &[4, 0, 3]);
}

#[test]
fn debug_and_display_cover_all_256_values_of_every_type_and_code() {
    for value in 0..=255u8 {
        let message_type = MessageType(value);
        let display = message_type.to_string();
        let debug = format!("{message_type:?}");
        assert!(!display.is_empty() && debug.contains(&value.to_string()));
        assert_eq!(message_type.name().is_some(), (1..=7).contains(&value));
        let code = ErrorCode(value);
        assert!(!code.to_string().is_empty());
        assert!(format!("{code:?}").contains(&value.to_string()));
        for subcode in 0..=255u8 {
            let n = Notification {
                open_bit: false,
                error_code: code,
                error_subcode: subcode,
                data: &[],
            };
            assert!(n.to_string().starts_with("Notification "));
        }
    }
    assert_eq!(MessageType(1).to_string(), "IPv4 Source-Active");
    assert_eq!(MessageType(9).to_string(), "unknown type 9");
    assert_eq!(format!("{:?}", MessageType(4)), "MessageType(4 KeepAlive)");
    assert_eq!(ErrorCode(7).to_string(), "Cease");
    assert_eq!(ErrorCode(99).to_string(), "unknown error code 99");
}

#[test]
fn debug_and_display_of_every_message_kind() {
    let entries = [SaEntry::new(
        Ipv4Addr::new(10, 0, 0, 1),
        Ipv4Addr::new(239, 1, 1, 1),
    )];
    let messages = [
        Message::SourceActive(SourceActive {
            rp_address: Ipv4Addr::new(1, 1, 1, 1),
            entries: &entries,
            encapsulated_data: &[],
        }),
        Message::SourceActiveResponse(SourceActive {
            rp_address: Ipv4Addr::new(1, 1, 1, 1),
            entries: &entries,
            encapsulated_data: &[],
        }),
        Message::SourceActiveRequest(SourceActiveRequest {
            reserved: 0,
            group_address: Ipv4Addr::new(239, 1, 1, 1),
            trailing: &[],
        }),
        Message::Keepalive(Keepalive::default()),
        Message::Notification(Notification {
            open_bit: false,
            error_code: ErrorCode::CEASE,
            error_subcode: 0,
            data: &[],
        }),
        Message::Unknown(UnknownTlv {
            message_type: MessageType(6),
            value: &[1, 2],
        }),
    ];
    let expected = [
        "Source-Active RP 1.1.1.1, 1 entries: (10.0.0.1/32, 239.1.1.1)",
        "Source-Active Response RP 1.1.1.1, 1 entries: (10.0.0.1/32, 239.1.1.1)",
        "Source-Active Request for group 239.1.1.1",
        "KeepAlive",
        "Notification Cease / Unspecific (O-bit 0, 0 data bytes)",
        "MSDP traceroute in progress (2 value bytes)",
    ];
    for (message, text) in messages.iter().zip(expected) {
        assert_eq!(message.to_string(), text);
        assert!(!format!("{message:?}").is_empty());
    }
    assert!(format!("{:?}", StreamDecoder::new()).contains("buffered: 0"));
}
