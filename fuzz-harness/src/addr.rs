//! Targets for the shared foundation crate, `mcast-addr`: the Internet checksum and the
//! group-to-MAC mapping.

use core::net::{Ipv4Addr, Ipv6Addr};

use mcast_addr::checksum::{self as inet, Checksum};
use mcast_addr::{Ipv4MulticastAddr, Ipv6MulticastAddr, MacAddr, MappedGroups, Scope};

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

/// The group-to-MAC mapping of `mcast_addr::mac` (RFC 1112 §6.4, RFC 2464 §7) for any IPv4 or
/// IPv6 group and any MAC address: a group's MAC address is an IP multicast MAC address whose
/// candidate groups include the group, every candidate maps back to the same MAC address, the
/// 32 IPv4 candidates come out in ascending order (and in reverse from the back); a MAC address
/// maps to groups exactly when it is an IP multicast MAC address; Display and FromStr agree.
pub fn mac_mapping(data: &[u8]) {
    let mut bytes = [0u8; 17];
    for (dst, src) in bytes.iter_mut().zip(data) {
        *dst = *src;
    }
    // IPv4: a group of 224.0.0.0/4 from bytes 1–4.
    let bits = u32::from_be_bytes([bytes[1], bytes[2], bytes[3], bytes[4]]);
    let group = Ipv4MulticastAddr::new(Ipv4Addr::from_bits(0xE000_0000 | (bits & 0x0FFF_FFFF)))
        .expect("224.0.0.0/4 is multicast");
    let mac = MacAddr::from(group);
    assert!(mac.is_multicast() && mac.is_ipv4_multicast() && !mac.is_ipv6_multicast());
    let candidates: Vec<Ipv4MulticastAddr> = mac.ipv4_groups().expect("an IPv4 MAC").collect();
    assert_eq!(candidates.len(), 32);
    assert!(
        candidates.contains(&group),
        "{group} is not among the groups of {mac}"
    );
    assert!(candidates.windows(2).all(|w| w[0] < w[1]), "not ascending");
    for candidate in &candidates {
        assert_eq!(MacAddr::from(*candidate), mac, "{candidate} maps elsewhere");
    }
    let mut reversed: Vec<Ipv4MulticastAddr> = mac.ipv4_groups().unwrap().rev().collect();
    reversed.reverse();
    assert_eq!(reversed, candidates);
    let groups = mac.ipv4_groups().unwrap();
    assert_eq!(groups.mac(), mac);
    assert_eq!(groups.len(), 32);
    assert!(matches!(mac.mapped_groups(), MappedGroups::Ipv4(g) if g.mac() == mac));
    // IPv6: a group of ff00::/8 from bytes 1–16.
    let mut octets = [0u8; 16];
    octets.copy_from_slice(&bytes[1..17]);
    octets[0] = 0xFF;
    let group = Ipv6MulticastAddr::new(Ipv6Addr::from(octets)).expect("ff00::/8 is multicast");
    let mac = MacAddr::from(group);
    assert!(mac.is_multicast() && mac.is_ipv6_multicast() && !mac.is_ipv4_multicast());
    let pattern = mac.ipv6_groups().expect("an IPv6 MAC");
    assert!(
        pattern.contains(group),
        "{group} is not among the groups of {mac}"
    );
    assert_eq!(pattern.apply(group), group);
    assert_eq!(pattern.mac(), mac);
    assert_eq!(
        MacAddr::from(pattern.permanent_group(Scope::from_nibble(bytes[0]))),
        mac
    );
    if let Some(solicited) = pattern.solicited_node() {
        assert_eq!(MacAddr::from(solicited), mac);
    }
    let mut other = octets;
    other.rotate_left(usize::from(bytes[0] % 16));
    other[0] = 0xFF;
    let other = Ipv6MulticastAddr::new(Ipv6Addr::from(other)).unwrap();
    let applied = pattern.apply(other);
    assert_eq!(MacAddr::from(applied), mac, "{applied} maps elsewhere");
    assert!(pattern.contains(applied));
    let _ = pattern.to_string();
    // Any MAC address: bytes 0–5.
    let any = MacAddr::from([bytes[0], bytes[1], bytes[2], bytes[3], bytes[4], bytes[5]]);
    match any.mapped_groups() {
        MappedGroups::Ipv4(groups) => {
            assert!(any.is_ipv4_multicast());
            assert_eq!(groups.len(), 32);
            for group in groups {
                assert_eq!(MacAddr::from(group), any);
            }
        }
        MappedGroups::Ipv6(pattern) => {
            assert!(any.is_ipv6_multicast());
            assert_eq!(pattern.mac(), any);
        }
        MappedGroups::None => assert!(!any.is_ipv4_multicast() && !any.is_ipv6_multicast()),
    }
    assert_eq!(any.to_string().parse::<MacAddr>(), Ok(any));
    assert_eq!(MacAddr::from_octets(any.octets()), any);
}
