//! Targets for the shared foundation crate, `mcast-addr`.

use mcast_addr::checksum::{self as inet, Checksum};

/// The incremental Internet checksum equals the plain RFC 1071 sum for any split of any input,
/// and a message carrying its checksum verifies.
///
/// The first byte chooses up to eight cut points; the rest is the data.
pub fn checksum(data: &[u8]) {
    let Some((&cuts, data)) = data.split_first() else {
        return;
    };
    let mut c = Checksum::new();
    let mut start = 0;
    for i in 0..usize::from(cuts % 8) {
        let cut = (start + data.len() / 8 * (i + 1) / 2 + i).min(data.len());
        c.add_bytes(&data[start..cut]);
        start = cut;
    }
    c.add_bytes(&data[start..]);
    let expected = reference(data);
    assert_eq!(
        c.checksum(),
        expected,
        "incremental sum differs from RFC 1071"
    );
    assert_eq!(inet::checksum(data), expected);
    if data.len() % 2 == 0 {
        let mut with = data.to_vec();
        with.extend_from_slice(&expected.to_be_bytes());
        assert!(
            inet::is_valid(&with),
            "a message carrying its checksum must verify"
        );
    }
}

/// RFC 1071 §4.1 as written: 16-bit words into a wide sum, folded at the end.
fn reference(data: &[u8]) -> u16 {
    let mut sum: u64 = data
        .chunks(2)
        .map(|w| u64::from(u16::from_be_bytes([w[0], w.get(1).copied().unwrap_or(0)])))
        .sum();
    while sum > 0xFFFF {
        sum = (sum & 0xFFFF) + (sum >> 16);
    }
    !(sum as u16)
}
