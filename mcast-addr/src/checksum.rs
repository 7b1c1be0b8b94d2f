//! The Internet checksum (RFC 1071), shared by the IGMP, MLD, PIM and DVMRP codecs.
//!
//! The checksum is the 16-bit one's complement of the one's complement sum of the data taken as
//! big-endian 16-bit words (RFC 1071 §1). [`Checksum`] computes it incrementally: feed it any
//! number of slices of any length, odd lengths included (an IPv6 pseudo-header, then a payload
//! split across buffers), and the result is the same as over the concatenation.
//!
//! The accumulator is 64 bits wide and is folded at every slice, so inputs of any size are summed
//! exactly (a 32-bit accumulator that adds 16-bit words overflows after 128 KiB of `0xFF` bytes).
//!
//! ```
//! use mcast_addr::checksum::{Checksum, checksum};
//!
//! // An IGMPv2 Membership Report for 224.1.2.3 with its checksum field zeroed.
//! let mut msg = [0x16, 0x00, 0x00, 0x00, 224, 1, 2, 3];
//! let sum = checksum(&msg);
//! msg[2..4].copy_from_slice(&sum.to_be_bytes());
//! assert!(mcast_addr::checksum::is_valid(&msg));
//!
//! // Incremental: any split gives the same value.
//! let mut c = Checksum::new();
//! c.add_bytes(&msg[..3]);
//! c.add_bytes(&msg[3..]);
//! assert_eq!(c.checksum(), 0);
//! ```

use core::net::Ipv6Addr;

/// Running one's complement sum of 16-bit big-endian words (RFC 1071 §4.1).
///
/// Slices may have any length: an odd-length slice leaves the next slice starting in the low byte
/// of a word, exactly as if the slices were concatenated.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Checksum {
    /// One's complement sum so far, folded to 16 bits between calls.
    sum: u64,
    /// Whether an odd number of bytes has been added so far.
    odd: bool,
}

/// Bytes summed per inner block: `2^20` bytes of 64-bit words cannot overflow the 64-bit sum.
const BLOCK: usize = 1 << 20;

impl Checksum {
    /// A checksum over no data.
    #[must_use]
    pub const fn new() -> Self {
        Self { sum: 0, odd: false }
    }

    /// Adds `data` to the sum, continuing from where the previous slice ended.
    #[inline]
    pub fn add_bytes(&mut self, data: &[u8]) {
        if data.len() <= SHORT && !self.odd {
            self.add_short(data);
        } else {
            self.add_long(data);
        }
    }

    /// [`Self::add_bytes`] for at most [`SHORT`] bytes starting on a word boundary: a whole small
    /// message (an IGMPv1/v2 message is 8 bytes), summed inline in a few instructions.
    #[inline]
    fn add_short(&mut self, data: &[u8]) {
        // Big-endian 32-bit words are pairs of 16-bit words (2^16 is 1 modulo 2^16 − 1); at most
        // eight of them on a folded sum cannot overflow 64 bits. The last one to three bytes are
        // padded with zeros, which is RFC 1071 §4.1's padding of an odd last byte.
        let (words, rest) = data.as_chunks::<4>();
        let mut sum = words
            .iter()
            .map(|w| u64::from(u32::from_be_bytes(*w)))
            .fold(self.sum, u64::wrapping_add);
        let mut tail = [0u8; 4];
        for (dst, src) in tail.iter_mut().zip(rest) {
            *dst = *src;
        }
        sum = sum.wrapping_add(u64::from(u32::from_be_bytes(tail)));
        self.odd = data.len() % 2 == 1;
        self.sum = u64::from(fold(sum));
    }

    /// [`Self::add_bytes`] for any input, in blocks that the wide loop sums.
    #[inline(never)]
    fn add_long(&mut self, data: &[u8]) {
        let total = if data.len() <= BLOCK {
            self.add_block(self.sum, data)
        } else {
            data.chunks(BLOCK)
                .fold(self.sum, |total, block| self.add_block(total, block))
        };
        // Kept folded, so that equal sums compare equal.
        self.sum = u64::from(fold(total));
    }

    /// `total` plus the sum of `block` (at most [`BLOCK`] bytes), which follows the bytes added
    /// so far.
    #[inline]
    fn add_block(&mut self, total: u64, block: &[u8]) -> u64 {
        let mut sum = sum_words(block);
        if self.odd {
            // Every byte of this block sits one position later than `sum_words` assumed: by
            // RFC 1071 §2(B) the sum of byte-swapped words is the byte-swapped sum.
            sum = swap_bytes(sum);
        }
        self.odd ^= block.len() % 2 == 1;
        add_end_around(total, sum)
    }

    /// Adds a 16-bit value in network byte order (a pseudo-header field, say).
    pub fn add_u16(&mut self, value: u16) {
        self.add_bytes(&value.to_be_bytes());
    }

    /// Adds a 32-bit value in network byte order.
    pub fn add_u32(&mut self, value: u32) {
        self.add_bytes(&value.to_be_bytes());
    }

    /// Adds the IPv6 pseudo-header of RFC 8200 §8.1: source, destination, the upper-layer packet
    /// length and the next header value (58 for ICMPv6/MLD, 103 for PIM).
    pub fn add_ipv6_pseudo_header(
        &mut self,
        source: Ipv6Addr,
        destination: Ipv6Addr,
        upper_layer_length: u32,
        next_header: u8,
    ) {
        self.add_bytes(&source.octets());
        self.add_bytes(&destination.octets());
        self.add_u32(upper_layer_length);
        self.add_bytes(&[0, 0, 0, next_header]);
    }

    /// The folded one's complement sum of everything added so far (not yet complemented).
    ///
    /// Data that carries a correct checksum sums to `0xFFFF`.
    #[must_use]
    #[inline]
    pub fn sum(&self) -> u16 {
        fold(self.sum)
    }

    /// The checksum to write into a message: the one's complement of [`Self::sum`].
    #[must_use]
    #[inline]
    pub fn checksum(&self) -> u16 {
        !self.sum()
    }
}

/// The Internet checksum of `data` (RFC 1071), ready to be written into a message whose checksum
/// field was zero while it was summed.
#[must_use]
#[inline]
pub fn checksum(data: &[u8]) -> u16 {
    let mut c = Checksum::new();
    c.add_bytes(data);
    c.checksum()
}

/// Whether `data`, checksum field included, carries a correct Internet checksum (RFC 1071 §1: the
/// sum over the data and its checksum is all ones).
#[must_use]
#[inline]
pub fn is_valid(data: &[u8]) -> bool {
    let mut c = Checksum::new();
    c.add_bytes(data);
    c.sum() == 0xFFFF
}

/// Folds a 64-bit one's complement sum to 16 bits (RFC 1071 §4.1, "fold 32-bit sum to 16 bits"),
/// with an end-around carry at each halving (RFC 1071 §2(A)): since 2^32 and 2^16 are both 1
/// modulo 2^16 − 1 the value is kept, and adding a carry back cannot carry again. Only 0 folds
/// to 0.
#[inline]
fn fold(sum: u64) -> u16 {
    let (low, carry) = (sum as u32).overflowing_add((sum >> 32) as u32);
    let sum = low.wrapping_add(u32::from(carry));
    let (low, carry) = (sum as u16).overflowing_add((sum >> 16) as u16);
    low.wrapping_add(u16::from(carry))
}

/// `a + b` in one's complement arithmetic on 64 bits: a carry out of the top is added back in
/// (RFC 1071 §2(A)), which cannot carry again. The value modulo 2^16 − 1 is the sum's, since
/// 2^64 is 1 modulo 2^16 − 1.
#[inline]
fn add_end_around(a: u64, b: u64) -> u64 {
    let (sum, carry) = a.overflowing_add(b);
    sum.wrapping_add(u64::from(carry))
}

/// The one's complement sum of the byte-swapped words (RFC 1071 §2(B)): swapping the bytes of a
/// 16-bit word multiplies it by 2^8 modulo 2^16 − 1, and so does rotating 64 bits left by 8,
/// since 2^16 − 1 divides 2^64 − 1. No fold is needed.
#[inline]
fn swap_bytes(sum: u64) -> u64 {
    sum.rotate_left(8)
}

/// Inputs up to this long, starting on a word boundary, take the short path of
/// [`Checksum::add_bytes`].
const SHORT: usize = 32;

/// Sums `data` (at most [`BLOCK`] bytes) as 16-bit big-endian words starting at an even offset,
/// the last odd byte padded with zero (RFC 1071 §4.1). The result is not folded; only its value
/// modulo 2^16 − 1 matters, and it is zero only for all-zero data.
#[inline]
fn sum_words(data: &[u8]) -> u64 {
    // 64-bit native-endian words, each split into its two 32-bit halves: a term is below 2^33
    // and a block holds at most 2^17 words, so the 64-bit sum loses no carry; the mask and the
    // shift vectorise without widening instructions. 32-bit halves are sums of 16-bit words, as
    // 2^16 is 1 modulo 2^16 − 1. On little-endian machines the words were read byte-swapped, so
    // the sum is swapped back (RFC 1071 §2(B), byte order independence).
    let (words, rest) = data.as_chunks::<8>();
    let mut sum: u64 = words
        .iter()
        .map(|w| {
            let w = u64::from_ne_bytes(*w);
            (w & 0xFFFF_FFFF).wrapping_add(w >> 32)
        })
        .fold(0u64, u64::wrapping_add);
    if cfg!(target_endian = "little") {
        sum = swap_bytes(sum);
    }
    // At most seven bytes remain: big-endian 16-bit words, the odd last byte padded. The sum is
    // below 2^58 after the rotation, so these additions cannot overflow.
    for pair in rest.chunks(2) {
        let high = pair.first().copied().unwrap_or(0);
        let low = pair.get(1).copied().unwrap_or(0);
        sum = sum.wrapping_add(u64::from(u16::from_be_bytes([high, low])));
    }
    sum
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::{vec, vec::Vec};

    /// Plain RFC 1071 reference: 16-bit words, fold at the end.
    fn reference(data: &[u8]) -> u16 {
        let mut sum: u64 = 0;
        let mut i = 0;
        while i + 1 < data.len() {
            sum += u64::from(u16::from_be_bytes([data[i], data[i + 1]]));
            i += 2;
        }
        if i < data.len() {
            sum += u64::from(data[i]) << 8;
        }
        while sum > 0xFFFF {
            sum = (sum & 0xFFFF) + (sum >> 16);
        }
        !(sum as u16)
    }

    #[test]
    fn rfc1071_example() {
        // RFC 1071 §3: the bytes 00 01 f2 03 f4 f5 f6 f7 sum to ddf2.
        let data = [0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7];
        let mut c = Checksum::new();
        c.add_bytes(&data);
        assert_eq!(c.sum(), 0xddf2);
        assert_eq!(checksum(&data), !0xddf2);
    }

    #[test]
    fn empty_and_single_bytes() {
        assert_eq!(checksum(&[]), 0xFFFF);
        assert_eq!(checksum(&[0x12]), !0x1200);
        assert_eq!(checksum(&[0x12, 0x34, 0x56]), !(0x1234u16 + 0x5600));
    }

    #[test]
    fn all_ones_beyond_128k_does_not_overflow() {
        let data = vec![0xFFu8; 300_000];
        assert_eq!(checksum(&data), reference(&data));
    }

    #[test]
    fn larger_than_one_block() {
        let data: Vec<u8> = (0..(BLOCK * 2 + 3)).map(|i| (i * 7 + 3) as u8).collect();
        assert_eq!(checksum(&data), reference(&data));
    }

    #[test]
    fn fold_of_extremes() {
        assert_eq!(fold(u64::MAX), 0xFFFF);
        assert_eq!(fold(0), 0);
        assert_eq!(fold(0x1_0000), 1);
    }

    /// Regression guard for the tail of `sum_words`: every length up to a few words, every split.
    #[test]
    fn every_short_length_and_split() {
        let data: Vec<u8> = (0..100u32).map(|i| (i * 151 + 7) as u8 | 0x80).collect();
        for len in 0..data.len() {
            let slice = &data[..len];
            assert_eq!(checksum(slice), reference(slice), "length {len}");
            for cut in 0..=len {
                let mut c = Checksum::new();
                c.add_bytes(&slice[..cut]);
                c.add_bytes(&slice[cut..]);
                assert_eq!(c.checksum(), reference(slice), "length {len} cut {cut}");
            }
        }
    }

    proptest::proptest! {
        #[test]
        fn fold_keeps_the_value(sum: u64) {
            let mut expected = sum;
            while expected > 0xFFFF {
                expected = (expected & 0xFFFF) + (expected >> 16);
            }
            proptest::prop_assert_eq!(u64::from(fold(sum)), expected);
        }

        #[test]
        fn rotation_is_the_byte_swap_of_the_folded_sum(sum: u64) {
            proptest::prop_assert_eq!(fold(swap_bytes(sum)), fold(sum).swap_bytes());
        }

        #[test]
        fn end_around_addition_keeps_the_value(a: u64, b: u64) {
            let wide = u128::from(a) + u128::from(b);
            proptest::prop_assert_eq!(
                u128::from(add_end_around(a, b)) % 0xFFFF,
                wide % 0xFFFF
            );
        }

        #[test]
        fn matches_reference(data in proptest::collection::vec(proptest::num::u8::ANY, 0..70_000)) {
            proptest::prop_assert_eq!(checksum(&data), reference(&data));
        }

        #[test]
        fn any_split_gives_the_same_sum(
            data in proptest::collection::vec(proptest::num::u8::ANY, 0..2_000),
            cuts in proptest::collection::vec(0usize..2_000, 0..8),
        ) {
            let mut cuts: Vec<usize> = cuts.into_iter().map(|c| c.min(data.len())).collect();
            cuts.sort_unstable();
            let mut c = Checksum::new();
            let mut start = 0;
            for cut in cuts {
                c.add_bytes(&data[start..cut]);
                start = cut;
            }
            c.add_bytes(&data[start..]);
            proptest::prop_assert_eq!(c.checksum(), reference(&data));
        }
    }

    #[test]
    fn ipv6_pseudo_header_matches_concatenation() {
        let src: Ipv6Addr = "fe80::1".parse().unwrap();
        let dst: Ipv6Addr = "ff02::16".parse().unwrap();
        let payload = [0x8f, 0, 0, 0, 0, 0, 0, 1, 4, 0, 0, 0];
        let mut c = Checksum::new();
        c.add_ipv6_pseudo_header(src, dst, payload.len() as u32, 58);
        c.add_bytes(&payload);
        let mut flat = Vec::new();
        flat.extend_from_slice(&src.octets());
        flat.extend_from_slice(&dst.octets());
        flat.extend_from_slice(&(payload.len() as u32).to_be_bytes());
        flat.extend_from_slice(&[0, 0, 0, 58]);
        flat.extend_from_slice(&payload);
        assert_eq!(c.checksum(), reference(&flat));
    }
}
