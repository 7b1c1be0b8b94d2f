//! The SA cache at 1,000,000 entries (criterion).
//!
//! - Memory per entry is printed before the benchmarks run: the growth of the resident set
//!   while 1,000,000 (S,G,RP) entries are learned from SAs arriving over one
//!   SA-Advertisement-Period, divided by their number (Linux `/proc/self/statm`). It counts
//!   everything the speaker keeps for an entry: the cache map, the SG-State timer wheel and
//!   allocator overhead.
//! - `sa/refresh`: SAs of 255 entries refreshing a cache of 1,000,000 (every entry's last
//!   refresh is older than the hold-down, so each is refreshed).
//! - `sa/refresh_and_flood`: the same, every accepted entry flooded to one other peer, the
//!   output drained after each SA.
//! - `sa/duplicate`: copies within the hold-down (looked up, counted, dropped).
//! - `sa_fill/new_entries_1m`: an empty cache filled with 1,000,000 new entries from 3,922
//!   SAs (parsed from bytes, peer-RPF checked, cached; nothing flooded).
//! - `sa_expire/expire_1m`: one `handle_timeout` expiring all 1,000,000 entries.
//!
//! Every benchmark reports entries a second.

#![allow(clippy::cast_precision_loss, missing_docs)]

use std::hint::black_box;
use std::net::Ipv4Addr;
use std::time::Duration;

use criterion::{BatchSize, Criterion, Throughput};
use mcast_msdp::speaker::{PeerConfig, Speaker, SpeakerConfig};
use mcast_msdp::wire::{Message, SaEntry, SourceActive};

const ENTRIES: u32 = 1_000_000;
const PER_SA: u32 = 255;
const ME: Ipv4Addr = Ipv4Addr::new(10, 0, 0, 1);
const PEER: Ipv4Addr = Ipv4Addr::new(10, 0, 0, 2);
const OTHER: Ipv4Addr = Ipv4Addr::new(10, 0, 0, 3);
const RP: Ipv4Addr = Ipv4Addr::new(192, 0, 2, 1);

fn entry(i: u32) -> SaEntry {
    let source = Ipv4Addr::from_bits(0xAC10_0000 + i);
    let group = Ipv4Addr::from_bits(0xEF00_0000 | (i % 65_536));
    SaEntry::new(source, group)
}

/// The SAs announcing entries `0..ENTRIES`, 255 an SA.
fn messages() -> Vec<Vec<u8>> {
    (0..ENTRIES.div_ceil(PER_SA))
        .map(|m| {
            let entries: Vec<SaEntry> = (m * PER_SA..((m + 1) * PER_SA).min(ENTRIES))
                .map(entry)
                .collect();
            let message = Message::SourceActive(SourceActive {
                rp_address: RP,
                entries: &entries,
                encapsulated_data: &[],
            });
            let mut bytes = vec![0; message.buffer_len()];
            message.emit(&mut bytes).unwrap();
            bytes
        })
        .collect()
}

fn speaker(flood: bool) -> Speaker<Duration> {
    let mut config = SpeakerConfig::new(ME);
    config.limits.max_sa_cache = ENTRIES as usize;
    config.hold_time_period = Duration::from_secs(1 << 30);
    config.keepalive_period = Duration::from_secs(1 << 29);
    let mut s = Speaker::new(Duration::ZERO, config);
    let mut peer = PeerConfig::new(PEER, ME).default_peer();
    peer.max_sa_entries = ENTRIES as usize;
    s.add_peer(Duration::ZERO, peer).unwrap();
    s.handle_connected(Duration::ZERO, PEER).unwrap();
    if flood {
        s.add_peer(Duration::ZERO, PeerConfig::new(OTHER, ME))
            .unwrap();
        s.handle_connected(Duration::ZERO, OTHER).unwrap();
    }
    while s.poll_event().is_some() {}
    while s.poll_transmit().is_some() {}
    s
}

/// Arrival time of SA `m` of `total`, spread over one SA-Advertisement-Period from `base`.
fn arrival(base: Duration, m: usize, total: usize) -> Duration {
    base + Duration::from_secs(60) * m as u32 / total as u32
}

fn fill(s: &mut Speaker<Duration>, messages: &[Vec<u8>]) {
    for (m, bytes) in messages.iter().enumerate() {
        s.handle_bytes(arrival(Duration::ZERO, m, messages.len()), PEER, bytes)
            .unwrap();
    }
    assert_eq!(s.sa_cache_len(), ENTRIES as usize);
}

fn resident_bytes() -> Option<usize> {
    let statm = std::fs::read_to_string("/proc/self/statm").ok()?;
    let pages: usize = statm.split_whitespace().nth(1)?.parse().ok()?;
    Some(pages * 4096)
}

fn memory_report(messages: &[Vec<u8>]) {
    let before = resident_bytes();
    let mut s = speaker(false);
    fill(&mut s, messages);
    let after = resident_bytes();
    if let (Some(before), Some(after)) = (before, after) {
        let per_entry = after.saturating_sub(before) as f64 / f64::from(ENTRIES);
        println!(
            "SA cache memory: {per_entry:.1} bytes per entry at {ENTRIES} entries \
             (resident set growth; the SG-State wheel holds {} bytes of it)",
            s.sg_state_wheel_bytes()
        );
    }
    black_box(&s);
}

fn bench(c: &mut Criterion, messages: &[Vec<u8>]) {
    let mut group = c.benchmark_group("sa");
    group.throughput(Throughput::Elements(u64::from(PER_SA)));
    group.sample_size(20);

    for (name, flood) in [("refresh", false), ("refresh_and_flood", true)] {
        let mut s = speaker(flood);
        fill(&mut s, messages);
        let mut m = 0usize;
        let mut base = Duration::from_secs(60);
        group.bench_function(name, |b| {
            b.iter(|| {
                let now = arrival(base, m, messages.len());
                s.handle_bytes(now, PEER, &messages[m]).unwrap();
                while let Some(t) = s.poll_transmit() {
                    black_box(t);
                }
                m += 1;
                if m == messages.len() {
                    m = 0;
                    base += Duration::from_secs(60);
                }
            });
        });
    }

    let mut s = speaker(false);
    fill(&mut s, messages);
    let mut m = 0usize;
    group.bench_function("duplicate", |b| {
        b.iter(|| {
            s.handle_bytes(Duration::from_secs(61), PEER, &messages[m])
                .unwrap();
            m = (m + 1) % messages.len();
        });
    });
    group.finish();
}

fn bench_new_entries(c: &mut Criterion, messages: &[Vec<u8>]) {
    // Inserting into a growing cache, measured over whole fills (1,000,000 entries each).
    let mut group = c.benchmark_group("sa_fill");
    group.throughput(Throughput::Elements(u64::from(ENTRIES)));
    group.sample_size(10);
    group.bench_function("new_entries_1m", |b| {
        b.iter_batched(
            || speaker(false),
            |mut s| {
                for bytes in messages {
                    s.handle_bytes(Duration::ZERO, PEER, bytes).unwrap();
                }
                s
            },
            BatchSize::PerIteration,
        );
    });
    group.finish();
}

fn bench_expire(c: &mut Criterion, messages: &[Vec<u8>]) {
    let mut group = c.benchmark_group("sa_expire");
    group.throughput(Throughput::Elements(u64::from(ENTRIES)));
    group.sample_size(10);
    group.bench_function("expire_1m", |b| {
        b.iter_batched(
            || {
                let mut s = speaker(false);
                fill(&mut s, messages);
                s
            },
            |mut s| {
                s.handle_timeout(Duration::from_secs(60 + 91));
                assert_eq!(s.sa_cache_len(), 0);
                s
            },
            BatchSize::PerIteration,
        );
    });
    group.finish();
}

fn main() {
    let messages = messages();
    memory_report(&messages);
    let mut c = Criterion::default().configure_from_args();
    bench(&mut c, &messages);
    bench_new_entries(&mut c, &messages);
    bench_expire(&mut c, &messages);
    c.final_summary();
}
