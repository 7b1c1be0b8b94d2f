//! Decoding speed: a generated capture of mixed protocols, decoded from memory.

use std::io::Cursor;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use mcast_tools::capture::CaptureReader;
use mcast_tools::decode::{Decoder, ProtocolSet};

const FRAMES: u64 = 100_000;

fn decode(c: &mut Criterion) {
    let mut capture = Vec::new();
    mcast_tools::generate::write(&mut capture, FRAMES).unwrap();
    let mut group = c.benchmark_group("decode");
    group.throughput(Throughput::Elements(FRAMES));
    group.sample_size(10);
    group.bench_function("mixed_capture_100k_frames", |b| {
        b.iter(|| {
            let mut reader = CaptureReader::new(Cursor::new(&capture)).unwrap();
            let mut decoder = Decoder::new(ProtocolSet::ALL);
            let mut records = Vec::new();
            let mut count = 0usize;
            while let Some(frame) = reader.next_frame() {
                records.clear();
                decoder.decode_frame(&frame.unwrap(), &mut records);
                count += records.len();
            }
            count
        });
    });
    group.finish();
}

criterion_group!(benches, decode);
criterion_main!(benches);
