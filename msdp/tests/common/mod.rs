//! Generators shared by the property tests: owned message specifications that lend out
//! borrowed [`Message`]s.
#![allow(dead_code)]

use std::net::Ipv4Addr;

use mcast_msdp::wire::{
    ErrorCode, Keepalive, Message, MessageType, Notification, SaEntry, SourceActive,
    SourceActiveRequest, UnknownTlv,
};
use proptest::prelude::*;

/// An owned MSDP message.
#[derive(Debug, Clone)]
pub(crate) enum Spec {
    SourceActive {
        response: bool,
        rp: [u8; 4],
        entries: Vec<SaEntry>,
        data: Vec<u8>,
    },
    Request {
        reserved: u8,
        group: [u8; 4],
        trailing: Vec<u8>,
    },
    Keepalive {
        trailing: Vec<u8>,
    },
    Notification {
        open_bit: bool,
        code: u8,
        subcode: u8,
        data: Vec<u8>,
    },
    Unknown {
        message_type: u8,
        value: Vec<u8>,
    },
}

impl Spec {
    pub(crate) fn message(&self) -> Message<'_> {
        match self {
            Self::SourceActive {
                response,
                rp,
                entries,
                data,
            } => {
                let sa = SourceActive {
                    rp_address: Ipv4Addr::from(*rp),
                    entries,
                    encapsulated_data: data,
                };
                if *response {
                    Message::SourceActiveResponse(sa)
                } else {
                    Message::SourceActive(sa)
                }
            }
            Self::Request {
                reserved,
                group,
                trailing,
            } => Message::SourceActiveRequest(SourceActiveRequest {
                reserved: *reserved,
                group_address: Ipv4Addr::from(*group),
                trailing,
            }),
            Self::Keepalive { trailing } => Message::Keepalive(Keepalive { trailing }),
            Self::Notification {
                open_bit,
                code,
                subcode,
                data,
            } => Message::Notification(Notification {
                open_bit: *open_bit,
                error_code: ErrorCode(*code),
                error_subcode: *subcode,
                data,
            }),
            Self::Unknown {
                message_type,
                value,
            } => Message::Unknown(UnknownTlv {
                message_type: MessageType(*message_type),
                value,
            }),
        }
    }

    pub(crate) fn bytes(&self) -> Vec<u8> {
        let message = self.message();
        let mut buf = vec![0; message.buffer_len()];
        assert_eq!(message.emit(&mut buf).unwrap(), buf.len());
        buf
    }
}

pub(crate) fn entry() -> impl Strategy<Value = SaEntry> {
    (
        any::<[u8; 4]>(),
        any::<[u8; 4]>(),
        any::<[u8; 3]>(),
        any::<u8>(),
    )
        .prop_map(|(source, group, reserved, sprefix)| {
            SaEntry::new(Ipv4Addr::from(source), Ipv4Addr::from(group))
                .with_raw_fields(reserved, sprefix)
        })
}

fn bytes(max: usize) -> impl Strategy<Value = Vec<u8>> {
    proptest::collection::vec(any::<u8>(), 0..max)
}

pub(crate) fn spec() -> impl Strategy<Value = Spec> {
    prop_oneof![
        (
            any::<bool>(),
            any::<[u8; 4]>(),
            proptest::collection::vec(entry(), 0..20),
            bytes(200)
        )
            .prop_map(|(response, rp, entries, data)| Spec::SourceActive {
                response,
                rp,
                entries,
                data
            }),
        (any::<u8>(), any::<[u8; 4]>(), bytes(8)).prop_map(|(reserved, group, trailing)| {
            Spec::Request {
                reserved,
                group,
                trailing,
            }
        }),
        bytes(4).prop_map(|trailing| Spec::Keepalive { trailing }),
        (any::<bool>(), 0u8..128, any::<u8>(), bytes(40)).prop_map(
            |(open_bit, code, subcode, data)| Spec::Notification {
                open_bit,
                code,
                subcode,
                data
            }
        ),
        (prop_oneof![Just(0u8), 6u8..=255], bytes(60)).prop_map(|(message_type, value)| {
            Spec::Unknown {
                message_type,
                value,
            }
        }),
    ]
}
