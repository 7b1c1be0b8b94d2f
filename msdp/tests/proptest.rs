//! Property tests: every message round-trips, and the stream decoder gives the same messages
//! for every way of cutting the same byte stream.

mod common;

use common::{Spec, spec};
use mcast_msdp::stream::{Encoder, StreamDecoder};
use mcast_msdp::wire::{MAX_MESSAGE_LEN, Message};
use proptest::prelude::*;

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn parse_of_emit_is_identity(spec in spec()) {
        let message = spec.message();
        let bytes = spec.bytes();
        let (parsed, rest) = Message::parse(&bytes).unwrap();
        prop_assert!(rest.is_empty());
        prop_assert_eq!(parsed, message);
        // And emit(parse(bytes)) == bytes.
        let mut again = vec![0; parsed.buffer_len()];
        parsed.emit(&mut again).unwrap();
        prop_assert_eq!(again, bytes);
    }

    #[test]
    fn every_truncation_errors(spec in spec()) {
        let bytes = spec.bytes();
        for cut in 0..bytes.len() {
            prop_assert!(Message::parse(&bytes[..cut]).is_err());
        }
    }

    #[test]
    fn emit_into_a_short_buffer_errors_without_panicking(spec in spec(), short in 0usize..300) {
        let message = spec.message();
        let len = message.buffer_len();
        let mut buf = vec![0; short.min(len.saturating_sub(1))];
        let is_too_small = matches!(
            message.emit(&mut buf),
            Err(mcast_msdp::MsdpError::BufferTooSmall { .. })
        );
        prop_assert!(is_too_small);
    }

    #[test]
    fn stream_decoder_is_independent_of_the_cuts(
        specs in proptest::collection::vec(spec(), 1..8),
        cuts in proptest::collection::vec(1usize..64, 1..40),
    ) {
        let mut stream = vec![0; specs.iter().map(|s| s.bytes().len()).sum()];
        let mut encoder = Encoder::new(&mut stream);
        for spec in &specs {
            encoder.push(&spec.message()).unwrap();
        }
        prop_assert_eq!(encoder.remaining(), 0);
        let expected: Vec<Vec<u8>> = specs.iter().map(Spec::bytes).collect();

        let mut decoder = StreamDecoder::new();
        let mut got = Vec::new();
        let mut offset = 0;
        let mut i = 0;
        while offset < stream.len() {
            let end = (offset + cuts[i % cuts.len()]).min(stream.len());
            i += 1;
            let mut input = &stream[offset..end];
            offset = end;
            loop {
                let (used, message) = decoder.decode(input).unwrap();
                input = &input[used..];
                let Some(message) = message else { break };
                let mut buf = vec![0; message.buffer_len()];
                message.emit(&mut buf).unwrap();
                got.push(buf);
            }
            prop_assert!(input.is_empty());
            prop_assert!(decoder.buffered_len() <= MAX_MESSAGE_LEN);
        }
        prop_assert_eq!(got, expected);
        prop_assert_eq!(decoder.buffered_len(), 0);
    }

    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..600)) {
        let mut rest = &bytes[..];
        while let Ok((message, after)) = Message::parse(rest) {
            let _ = message.to_string();
            rest = after;
        }
        let mut decoder = StreamDecoder::new();
        for chunk in bytes.chunks(7) {
            let mut input = chunk;
            while let Ok((used, Some(_))) = decoder.decode(input) {
                input = &input[used..];
            }
            prop_assert!(decoder.buffered_len() <= MAX_MESSAGE_LEN);
        }
    }
}
