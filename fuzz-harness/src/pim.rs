//! Targets for the PIM codec, `mcast-pim`'s `wire` module, for IPv4 and IPv6: parsing (with and
//! without checksum verification), round trips from arbitrary owned representations, and the
//! Join/Prune and Bootstrap splitters.

use core::net::{Ipv4Addr, Ipv6Addr};

use arbitrary::{Arbitrary, Unstructured};
use mcast_addr::family::{IpFamily, Ipv4, Ipv6};
use mcast_pim::PimError;
use mcast_pim::wire::{
    BootstrapGroupRepr, BootstrapRepr, ChecksumCoverage, GroupSetRepr, HelloOptionRepr,
    JoinPruneRepr, Message, MessageRepr, Pim, PimRepr, PseudoHeader, SourceRepr, SourceTree,
    compute_checksum, max_message_len,
};

/// A PIM address family as the checks use it: the addresses of the packet under every message.
pub trait PimFamily: IpFamily<Addr: for<'a> Arbitrary<'a>> + mcast_pim::ArbitraryFamily {
    /// The pseudo-header of the packets the checks parse and build.
    fn pseudo_header() -> PseudoHeader<Self>;
}

impl PimFamily for Ipv4 {
    fn pseudo_header() -> PseudoHeader<Self> {
        PseudoHeader::new(Ipv4Addr::new(10, 0, 0, 1), Ipv4Addr::new(224, 0, 0, 13))
    }
}

impl PimFamily for Ipv6 {
    fn pseudo_header() -> PseudoHeader<Self> {
        PseudoHeader::new(
            Ipv6Addr::new(0xfe80, 0, 0, 0, 0, 0, 0, 1),
            Ipv6Addr::new(0xff02, 0, 0, 0, 0, 0, 0, 0xd),
        )
    }
}

/// `pim` as parsed without verification would give it: no coverage, and a Register carrying the
/// coverage an unverified parse assumes.
fn unverified_form<'a, F: IpFamily>(mut pim: Pim<'a, F>, like: &Pim<'a, F>) -> Pim<'a, F> {
    pim.checksum_coverage = None;
    if let (Message::Register(r), Message::Register(l)) = (&mut pim.message, &like.message) {
        r.checksum_coverage = l.checksum_coverage;
    }
    pim
}

/// PIM parsing for family `F` (`Pim::parse` and `Pim::parse_unverified`): no panic for any
/// input; verification agrees with skipping it (same message when the checksum matches either
/// coverage; otherwise the header error or a checksum error naming the right value); a parsed
/// message, walked into its owned form (every list and option), emits the input bytes again
/// (checksum recomputed) from the view and from the owned form alike, and parses back, checksum
/// verified, to the same owned form.
fn parse<F: PimFamily>(data: &[u8]) {
    let ph = F::pseudo_header();
    let unverified = Pim::<F>::parse_unverified(data);
    let verified = Pim::<F>::parse(data, &ph);
    match (&verified, &unverified) {
        (Ok(v), Ok(u)) => {
            assert_eq!(
                &unverified_form(*v, u),
                u,
                "verification changes the message"
            );
            assert!(v.checksum_coverage.is_some());
        }
        (Ok(v), Err(e)) => panic!("verified {v:?} but unverified {e:?}"),
        (Err(PimError::Checksum { computed, received }), _) => {
            assert_eq!(received.to_be_bytes(), data[2..4]);
            assert_eq!(
                *computed,
                compute_checksum(data, ChecksumCoverage::Standard, &ph)
            );
        }
        (Err(e), Ok(_)) => panic!("refused with {e:?} though its checksum is not at fault"),
        (Err(e), Err(u)) => assert_eq!(e, u),
    }
    if data.len() >= 4 {
        let mut fixed = data.to_vec();
        let value = compute_checksum(data, ChecksumCoverage::Standard, &ph);
        fixed[2..4].copy_from_slice(&value.to_be_bytes());
        assert_eq!(
            Pim::<F>::parse(&fixed, &ph).is_ok(),
            Pim::<F>::parse_unverified(&fixed).is_ok(),
            "a right checksum is refused"
        );
    }
    let Ok(pim) = unverified else {
        return;
    };
    let _ = format!("{pim} {pim:?}");
    let repr = PimRepr::from_view(&pim);
    let _ = format!("{repr}");
    let len = data.len();
    assert_eq!(pim.buffer_len(), len);
    assert_eq!(repr.buffer_len(), len);
    let mut from_view = vec![0u8; len];
    assert_eq!(
        pim.emit(&mut from_view, &ph),
        Ok(len),
        "a parsed message does not emit"
    );
    assert_eq!(from_view[..2], data[..2]);
    assert_eq!(
        from_view[4..],
        data[4..],
        "a parsed message re-emits other bytes"
    );
    let mut from_repr = vec![0u8; len];
    assert_eq!(repr.emit(&mut from_repr, &ph), Ok(len));
    assert_eq!(
        from_repr, from_view,
        "the owned form emits other bytes than the view"
    );
    assert!(pim.emit(&mut from_view[..len - 1], &ph).is_err());
    let again = Pim::<F>::parse(&from_view, &ph).expect("an emitted message parses");
    assert_eq!(
        PimRepr::from_view(&again),
        repr,
        "an emitted message parses differently"
    );
}

/// PIM parsing over IPv4: see `parse`.
pub fn pim_parse_ipv4(data: &[u8]) {
    parse::<Ipv4>(data);
}

/// PIM parsing over IPv6 (the checksum covers the pseudo-header): see `parse`.
pub fn pim_parse_ipv6(data: &[u8]) {
    parse::<Ipv6>(data);
}

/// Whether parsing `repr`'s bytes must give `repr` back: not for raw options or messages (which
/// may spell a known one) nor for values wider than their field, which emission truncates (a
/// Register's reserved bits above 30, a Metric Preference above 31 bits, the flag nibble of a
/// message whose Subtype takes the other, a Propagation Delay above 15 bits, a Join Attribute
/// type above 6 bits).
fn canonical<F: IpFamily>(repr: &PimRepr<F>) -> PimRepr<F> {
    let mut repr = repr.clone();
    match &mut repr.message {
        MessageRepr::Register(r) => r.reserved &= 0x3FFF_FFFF,
        MessageRepr::Assert(a) => a.metric_preference &= 0x7FFF_FFFF,
        MessageRepr::StateRefresh(s) => {
            s.metric_preference &= 0x7FFF_FFFF;
            s.reserved &= 0x1F;
        }
        MessageRepr::PackedNullRegister(p) | MessageRepr::PackedRegisterStop(p) => {
            p.flag_bits &= 0x0F;
        }
        MessageRepr::DfElection(d) => d.flag_bits &= 0x0F,
        MessageRepr::Hello(h) => {
            for option in &mut h.options {
                if let HelloOptionRepr::LanPruneDelay(d) = option {
                    d.propagation_delay_ms &= 0x7FFF;
                }
            }
        }
        MessageRepr::JoinPrune(jp) | MessageRepr::Graft(jp) | MessageRepr::GraftAck(jp) => {
            let sources = jp
                .groups
                .iter_mut()
                .flat_map(|g| g.joins.iter_mut().chain(g.prunes.iter_mut()));
            for attribute in sources.flat_map(|s| s.join_attributes.iter_mut().flatten()) {
                attribute.attribute_type &= 0x3F;
            }
        }
        _ => {}
    }
    repr
}

fn has_raw_parts<F: IpFamily>(repr: &MessageRepr<F>) -> bool {
    match repr {
        MessageRepr::Unknown { .. } => true,
        MessageRepr::Hello(h) => h
            .options
            .iter()
            .any(|o| matches!(o, HelloOptionRepr::Raw { .. })),
        _ => false,
    }
}

/// Round trip of every PIM message from an arbitrary owned form (`PimRepr`), IPv4 or IPv6: it
/// emits into exactly `buffer_len` bytes (or is refused with an error), the bytes parse with the
/// checksum verified, and the parsed owned form is the one emitted (raw options and messages
/// excepted, which must only emit the same bytes again).
pub fn pim_roundtrip(data: &[u8]) {
    let mut u = Unstructured::new(data);
    match bool::arbitrary(&mut u) {
        Ok(false) => roundtrip::<Ipv4>(u),
        Ok(true) => roundtrip::<Ipv6>(u),
        Err(_) => {}
    }
}

fn roundtrip<F: PimFamily>(u: Unstructured<'_>) {
    let Ok(mut repr) = PimRepr::<F>::arbitrary_take_rest(u) else {
        return;
    };
    // Bytes after a message whose body runs to the end of the packet are part of its body:
    // only a message of fixed or counted length can have trailing bytes.
    if matches!(
        repr.message,
        MessageRepr::Hello(_)
            | MessageRepr::Register(_)
            | MessageRepr::Bootstrap(_)
            | MessageRepr::Flooding(_)
            | MessageRepr::Unknown { .. }
    ) {
        repr.trailing.clear();
    }
    let ph = F::pseudo_header();
    let len = repr.buffer_len();
    let mut buf = vec![0u8; len];
    match repr.emit(&mut buf, &ph) {
        Ok(n) => assert_eq!(n, len),
        Err(PimError::BufferTooSmall { .. }) => panic!("{repr:?} needs more than buffer_len"),
        Err(_) => return,
    }
    let parsed = match Pim::<F>::parse(&buf, &ph) {
        Ok(p) => p,
        // Raw options and messages are bytes the caller vouches for.
        Err(_) if has_raw_parts(&repr.message) => return,
        Err(e) => panic!("{repr:?} emits bytes its parser refuses: {e}"),
    };
    let back = PimRepr::from_view(&parsed);
    if has_raw_parts(&repr.message) {
        let mut again = vec![0u8; len];
        assert_eq!(back.emit(&mut again, &ph), Ok(len));
        assert_eq!(
            again, buf,
            "a raw part reads back as what emits other bytes"
        );
    } else {
        let mut expected = canonical(&repr);
        // A Register checksummed over the whole message whose checksum also fits the standard
        // coverage (its inner packet sums to zero) reads back as the standard one, the first
        // tried (RFC 7761 §4.9).
        if let MessageRepr::Register(r) = &mut expected.message {
            let received = u16::from_be_bytes([buf[2], buf[3]]);
            if compute_checksum(&buf, ChecksumCoverage::Standard, &ph) == received {
                r.checksum_coverage = ChecksumCoverage::Standard;
            }
        }
        assert_eq!(back, expected, "an emitted message parses differently");
    }
}

/// The input of the splitter targets: the family, an MTU and what to split.
#[derive(Debug, Arbitrary)]
enum SplitInput<T4, T6> {
    Ipv4(u16, T4),
    Ipv6(u16, T6),
}

/// An IP MTU from a fuzzer's number, small more often than not.
fn mtu(value: u16) -> usize {
    match value >> 14 {
        0 => usize::from(value % 256),
        1 => usize::from(value % 1500),
        _ => usize::from(value),
    }
}

/// Every source of a group set, the (*,G) Join first if there is one, as (is a join, source).
fn entries<F: IpFamily>(set: &GroupSetRepr<F>) -> Vec<(bool, &SourceRepr<F>)> {
    set.joins
        .iter()
        .map(|s| (true, s))
        .chain(set.prunes.iter().map(|s| (false, s)))
        .collect()
}

fn is_star<F: IpFamily>(source: &SourceRepr<F>) -> bool {
    source.source.tree() == Some(SourceTree::StarGroup)
}

/// The PIM Join/Prune splitter (`JoinPruneRepr::split`) at any MTU, IPv4 and IPv6: every part
/// has the message's fields, at most 255 group sets, emits within the limit and parses back to
/// itself; the group sets come out in order, a set that fits a message whole, never split; a
/// split set's parts repeat its group and carry its sources in order, none lost, the (*,G) Join
/// in the first part and in every part with an (S,G,rpt) Prune, and nothing else twice; refused
/// only when a set must be split and a source (with the (*,G) Join) cannot fit a message.
pub fn pim_join_prune_split(data: &[u8]) {
    let Ok(input) = SplitInput::<JoinPruneRepr<Ipv4>, JoinPruneRepr<Ipv6>>::arbitrary_take_rest(
        Unstructured::new(data),
    ) else {
        return;
    };
    match input {
        SplitInput::Ipv4(m, jp) => join_prune_split(mtu(m), &jp),
        SplitInput::Ipv6(m, jp) => join_prune_split(mtu(m), &jp),
    }
}

fn join_prune_split<F: PimFamily>(mtu: usize, jp: &JoinPruneRepr<F>) {
    let limit = max_message_len::<F>(mtu);
    let empty_len = MessageRepr::JoinPrune(JoinPruneRepr {
        groups: Vec::new(),
        ..jp.clone()
    })
    .buffer_len();
    let set_len = |set: &GroupSetRepr<F>| set.wire_len();
    let fits_whole = |set: &GroupSetRepr<F>| empty_len + set_len(set) <= limit;
    let parts = match jp.split(limit) {
        Ok(parts) => parts,
        Err(e) => {
            assert!(matches!(e, PimError::TooLarge { .. }), "{e:?}");
            let overhead = set_len(&GroupSetRepr::new(jp.groups[0].group));
            let plausible = jp.groups.iter().any(|set| {
                let star = set
                    .joins
                    .iter()
                    .find(|s| is_star(s))
                    .map_or(0, SourceRepr::wire_len);
                !fits_whole(set)
                    && (empty_len + overhead > limit
                        || entries(set)
                            .iter()
                            .any(|(_, s)| empty_len + overhead + star + s.wire_len() > limit))
            });
            assert!(plausible, "refused at {limit} bytes: {e}");
            return;
        }
    };
    let ph = F::pseudo_header();
    let mut out_sets: Vec<&GroupSetRepr<F>> = Vec::new();
    for part in &parts {
        assert!(!part.groups.is_empty(), "an empty part");
        assert!(part.groups.len() <= 255);
        assert_eq!(
            (
                part.flag_bits,
                part.upstream_neighbor,
                part.reserved,
                part.holdtime
            ),
            (jp.flag_bits, jp.upstream_neighbor, jp.reserved, jp.holdtime)
        );
        let message = MessageRepr::JoinPrune(part.clone());
        let len = message.buffer_len();
        assert!(len <= limit, "a {len}-byte part over {limit}");
        out_sets.extend(&part.groups);
        let mut buf = vec![0u8; len];
        match message.emit(&mut buf, &ph) {
            Ok(_) => {
                let pim = Pim::<F>::parse(&buf, &ph).expect("a part parses");
                assert_eq!(PimRepr::from_view(&pim), PimRepr::from(message));
            }
            // Values the codec cannot send are the caller's, not the splitter's doing.
            Err(e) => assert!(!matches!(e, PimError::BufferTooSmall { .. }), "{e:?}"),
        }
    }
    let mut next = 0;
    for (index, set) in jp.groups.iter().enumerate() {
        if fits_whole(set) {
            assert_eq!(
                out_sets.get(next),
                Some(&set),
                "set {index} changed or split"
            );
            next += 1;
            continue;
        }
        let star = set.joins.iter().position(is_star);
        let mut rest: Vec<(bool, &SourceRepr<F>)> = entries(set)
            .into_iter()
            .enumerate()
            .filter(|(i, _)| Some(*i) != star)
            .map(|(_, e)| e)
            .collect();
        rest.reverse();
        let mut first = true;
        while first || !rest.is_empty() {
            let part = out_sets
                .get(next)
                .unwrap_or_else(|| panic!("set {index} lost"));
            assert_eq!(
                part.group, set.group,
                "set {index}: a part of another group"
            );
            let part_entries: Vec<(bool, &SourceRepr<F>)> = entries(part);
            // The (*,G) Join leads the first part, and every later part while (S,G,rpt) Prunes
            // remain to be sent (RFC 7761 §4.5.9: they are read with the Join of their message).
            let rpt_prunes_left = rest.iter().any(|(join, s)| !join && s.source.flags.rpt());
            let has_star = star.is_some() && (first || rpt_prunes_left);
            if let (true, Some(star)) = (has_star, star) {
                assert_eq!(
                    part.joins.first(),
                    Some(&set.joins[star]),
                    "set {index}: a part without the (*,G) Join"
                );
            }
            let from = usize::from(has_star);
            let tail = &part_entries[from..];
            assert!(
                tail.len() <= rest.len() && tail.iter().zip(rest.iter().rev()).all(|(a, b)| a == b),
                "set {index}: sources lost, repeated or reordered"
            );
            rest.truncate(rest.len() - tail.len());
            first = false;
            next += 1;
        }
    }
    assert_eq!(next, out_sets.len(), "group sets that were not asked for");
}

/// The PIM Bootstrap fragmenter (`BootstrapRepr::fragment`) at any MTU, IPv4 and IPv6: refused
/// only when a fragment cannot hold one group with one RP; every fragment has the message's
/// fields (same Fragment Tag), emits within the limit and parses back to itself; the groups come
/// out in order, a group that fits a fragment whole never split; a split group's parts repeat
/// its group, RP Count and Reserved, carry its RPs in order, none lost or repeated.
pub fn pim_bootstrap_split(data: &[u8]) {
    let Ok(input) = SplitInput::<BootstrapRepr<Ipv4>, BootstrapRepr<Ipv6>>::arbitrary_take_rest(
        Unstructured::new(data),
    ) else {
        return;
    };
    match input {
        SplitInput::Ipv4(m, bsm) => bootstrap_split(mtu(m), &bsm),
        SplitInput::Ipv6(m, bsm) => bootstrap_split(mtu(m), &bsm),
    }
}

fn bootstrap_split<F: PimFamily>(mtu: usize, bsm: &BootstrapRepr<F>) {
    let limit = max_message_len::<F>(mtu);
    let empty = BootstrapRepr {
        groups: Vec::new(),
        ..bsm.clone()
    };
    let empty_len = MessageRepr::Bootstrap(empty.clone()).buffer_len();
    let group_len = |g: &BootstrapGroupRepr<F>| {
        MessageRepr::Bootstrap(BootstrapRepr {
            groups: vec![g.clone()],
            ..empty.clone()
        })
        .buffer_len()
            - empty_len
    };
    let one_rp = group_len(&BootstrapGroupRepr {
        group: mcast_pim::wire::EncodedGroup::host(F::UNSPECIFIED),
        rp_count: 1,
        reserved: 0,
        rps: vec![mcast_pim::wire::BootstrapRp {
            address: F::UNSPECIFIED,
            holdtime: mcast_pim::wire::Holdtime(0),
            priority: 0,
            reserved: 0,
        }],
    });
    let fragments = match bsm.fragment(limit) {
        Ok(f) => {
            assert!(empty_len + one_rp <= limit, "fragmented at {limit} bytes");
            f
        }
        Err(e) => {
            assert!(empty_len + one_rp > limit, "refused at {limit} bytes: {e}");
            return;
        }
    };
    assert!(!fragments.is_empty());
    let ph = F::pseudo_header();
    let mut out: Vec<&BootstrapGroupRepr<F>> = Vec::new();
    for fragment in &fragments {
        assert_eq!(
            BootstrapRepr {
                groups: Vec::new(),
                ..fragment.clone()
            },
            empty,
            "a fragment with other fields"
        );
        let message = MessageRepr::Bootstrap(fragment.clone());
        let len = message.buffer_len();
        assert!(len <= limit, "a {len}-byte fragment over {limit}");
        let mut buf = vec![0u8; len];
        if message.emit(&mut buf, &ph).is_ok() {
            let pim = Pim::<F>::parse(&buf, &ph).expect("a fragment parses");
            assert_eq!(PimRepr::from_view(&pim), PimRepr::from(message));
        }
        out.extend(&fragment.groups);
    }
    if bsm.groups.is_empty() {
        assert_eq!(fragments.len(), 1);
    }
    let mut next = 0;
    for (index, group) in bsm.groups.iter().enumerate() {
        if empty_len + group_len(group) <= limit {
            assert_eq!(
                out.get(next),
                Some(&group),
                "group {index} changed or split"
            );
            next += 1;
            continue;
        }
        let mut rps = Vec::new();
        while rps.len() < group.rps.len() {
            let part = out
                .get(next)
                .unwrap_or_else(|| panic!("group {index} lost"));
            assert_eq!(
                (part.group, part.rp_count, part.reserved),
                (group.group, group.rp_count, group.reserved),
                "group {index}: a part of another group"
            );
            assert!(!part.rps.is_empty(), "group {index}: an empty part");
            rps.extend_from_slice(&part.rps);
            next += 1;
        }
        assert_eq!(
            rps, group.rps,
            "group {index}: RPs lost, repeated or reordered"
        );
    }
    assert_eq!(next, out.len(), "groups that were not asked for");
}

/// `message` with the checksum the IPv6 checks' pseudo-header calls for (a seed taken from a
/// capture has its own packet's addresses under it).
#[must_use]
pub fn with_checksum_for_ipv6(message: &[u8]) -> Vec<u8> {
    let mut fixed = message.to_vec();
    if let Ok(coverage) = mcast_pim::wire::verify_checksum(message, &Ipv6::pseudo_header())
        .or(Ok::<_, PimError>(ChecksumCoverage::Standard))
    {
        let value = compute_checksum(message, coverage, &Ipv6::pseudo_header());
        if let Some(field) = fixed.get_mut(2..4) {
            field.copy_from_slice(&value.to_be_bytes());
        }
    }
    fixed
}
