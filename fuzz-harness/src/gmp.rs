//! Targets for the IGMP and MLD codec, `mcast-igmp`'s `wire` module: parsing (with and without
//! checksum verification), round trips from arbitrary builders, and the IGMPv3/MLDv2 report and
//! query splitters.
//!
//! IGMPv3 and MLDv2 share their code in the crate, and so do these checks: each is written once
//! over [`Gmp`], the crate's address family with the few family-specific calls a check needs.

use core::fmt::Debug;
use core::mem::discriminant;
use core::net::{Ipv4Addr, Ipv6Addr};

use arbitrary::{Arbitrary, Unstructured};
use mcast_addr::family::{IpFamily, Ipv4, Ipv6};
use mcast_igmp::wire::{
    Error, GmpFamily, GroupRecord, GroupRecordBuilder, IgmpMessage, IgmpType, IgmpV1V2Builder,
    MldMessage, MldType, MldV1Builder, QueryIntervalCode, QueryKind, QueryV3, QueryV3Builder,
    RecordType, ReportV3, ReportV3Builder, RouterAdvertisement, RouterDiscoveryBuilder,
};

/// A group management family as the checks use it: how to parse a message of it (checksum
/// verified) and which IP addresses carry it.
pub trait Gmp:
    GmpFamily<MaxRespCode: for<'a> Arbitrary<'a>> + IpFamily<Addr: for<'a> Arbitrary<'a>>
{
    /// The IP source address the checks put under every message.
    const SOURCE: Self::Addr;
    /// The IP destination address the checks put under every message.
    const DESTINATION: Self::Addr;

    /// Parses `bytes` with checksum verification against [`Self::SOURCE`] and
    /// [`Self::DESTINATION`], and returns the query it must be.
    fn reparse_query(bytes: &[u8]) -> QueryV3<'_, Self>;
    /// As [`Self::reparse_query`] for a source-filtering report.
    fn reparse_report(bytes: &[u8]) -> ReportV3<'_, Self>;
    /// As [`Self::reparse_query`] for a Multicast Router Discovery message: the advertisement,
    /// or `None` for a solicitation or a termination (whose type is checked).
    fn reparse_discovery(
        bytes: &[u8],
        builder: RouterDiscoveryBuilder,
    ) -> Option<RouterAdvertisement<'_, Self>>;
}

impl Gmp for Ipv4 {
    const SOURCE: Ipv4Addr = Ipv4Addr::new(192, 0, 2, 1);
    const DESTINATION: Ipv4Addr = Ipv4Addr::new(224, 0, 0, 22);

    fn reparse_query(bytes: &[u8]) -> QueryV3<'_, Self> {
        match IgmpMessage::parse(bytes) {
            Ok(IgmpMessage::QueryV3(q)) => q,
            other => panic!("an emitted IGMPv3 query parses as {other:?}"),
        }
    }

    fn reparse_report(bytes: &[u8]) -> ReportV3<'_, Self> {
        match IgmpMessage::parse(bytes) {
            Ok(IgmpMessage::ReportV3(r)) => r,
            other => panic!("an emitted IGMPv3 report parses as {other:?}"),
        }
    }

    fn reparse_discovery(
        bytes: &[u8],
        builder: RouterDiscoveryBuilder,
    ) -> Option<RouterAdvertisement<'_, Self>> {
        match (IgmpMessage::parse(bytes), builder) {
            (
                Ok(IgmpMessage::RouterAdvertisement(a)),
                RouterDiscoveryBuilder::Advertisement { .. },
            ) => Some(a),
            (Ok(IgmpMessage::RouterSolicitation(_)), RouterDiscoveryBuilder::Solicitation)
            | (Ok(IgmpMessage::RouterTermination(_)), RouterDiscoveryBuilder::Termination) => None,
            (other, _) => panic!("an emitted {builder:?} parses as {other:?}"),
        }
    }
}

impl Gmp for Ipv6 {
    const SOURCE: Ipv6Addr = Ipv6Addr::new(0xfe80, 0, 0, 0, 0, 0, 0, 1);
    const DESTINATION: Ipv6Addr = Ipv6Addr::new(0xff02, 0, 0, 0, 0, 0, 0, 0x16);

    fn reparse_query(bytes: &[u8]) -> QueryV3<'_, Self> {
        match MldMessage::parse(bytes, Self::SOURCE, Self::DESTINATION) {
            Ok(MldMessage::QueryV2(q)) => q,
            other => panic!("an emitted MLDv2 query parses as {other:?}"),
        }
    }

    fn reparse_report(bytes: &[u8]) -> ReportV3<'_, Self> {
        match MldMessage::parse(bytes, Self::SOURCE, Self::DESTINATION) {
            Ok(MldMessage::ReportV2(r)) => r,
            other => panic!("an emitted MLDv2 report parses as {other:?}"),
        }
    }

    fn reparse_discovery(
        bytes: &[u8],
        builder: RouterDiscoveryBuilder,
    ) -> Option<RouterAdvertisement<'_, Self>> {
        match (
            MldMessage::parse(bytes, Self::SOURCE, Self::DESTINATION),
            builder,
        ) {
            (
                Ok(MldMessage::RouterAdvertisement(a)),
                RouterDiscoveryBuilder::Advertisement { .. },
            ) => Some(a),
            (Ok(MldMessage::RouterSolicitation(_)), RouterDiscoveryBuilder::Solicitation)
            | (Ok(MldMessage::RouterTermination(_)), RouterDiscoveryBuilder::Termination) => None,
            (other, _) => panic!("an emitted {builder:?} parses as {other:?}"),
        }
    }
}

/// Whether `message` carries a correct checksum, continuing from the family's pseudo-header.
fn checksum_is_valid<F: Gmp>(message: &[u8]) -> bool {
    let mut sum = F::checksum_start(F::SOURCE, F::DESTINATION, message.len());
    sum.add_bytes(message);
    message.len() >= 4 && sum.sum() == 0xFFFF
}

/// `message` with the checksum it should carry written into bytes 2–3.
fn with_correct_checksum<F: Gmp>(message: &[u8]) -> Vec<u8> {
    let mut fixed = message.to_vec();
    if fixed.len() >= 4 {
        fixed[2..4].fill(0);
        let mut sum = F::checksum_start(F::SOURCE, F::DESTINATION, fixed.len());
        sum.add_bytes(&fixed);
        fixed[2..4].copy_from_slice(&sum.checksum().to_be_bytes());
    }
    fixed
}

/// The verifying parse agrees with the skipping one: identical results when the checksum is
/// right; otherwise an error, either the same length error (checked before the checksum) or a
/// checksum error that names the received field and the value that would have been right.
fn check_verification<T: PartialEq + Debug>(
    data: &[u8],
    skipped: &Result<T, Error>,
    verified: &Result<T, Error>,
    checksum_ok: bool,
    correct: &[u8],
) {
    if checksum_ok {
        assert_eq!(
            skipped, verified,
            "a correct checksum changes the parse result"
        );
        return;
    }
    match verified {
        Ok(v) => panic!("a wrong checksum was accepted: {v:?}"),
        Err(Error::Checksum { computed, received }) => {
            assert_eq!(
                *received,
                u16::from_be_bytes([data[2], data[3]]),
                "the received checksum is misreported"
            );
            assert_eq!(
                computed.to_be_bytes(),
                correct[2..4],
                "the computed checksum is misreported"
            );
        }
        Err(e) => assert_eq!(
            skipped.as_ref().err(),
            Some(e),
            "a non-checksum error that checksum skipping does not give"
        ),
    }
}

/// IGMP parsing (`IgmpMessage::parse` and `parse_skipping_checksum`): no panic for any input;
/// verification agrees with skipping; a parsed message re-emits to the same bytes, its lists walk
/// to exactly the bytes they were parsed from, and its builder emits a message that parses (with
/// its checksum verified) to the same fields.
pub fn igmp_parse(data: &[u8]) {
    let skipped = IgmpMessage::parse_skipping_checksum(data);
    let verified = IgmpMessage::parse(data);
    let correct = with_correct_checksum::<Ipv4>(data);
    check_verification(
        data,
        &skipped,
        &verified,
        checksum_is_valid::<Ipv4>(data),
        &correct,
    );
    // With the checksum made right, verification accepts what skipping accepts.
    let fixed = IgmpMessage::parse(&correct);
    let fixed_skipped = IgmpMessage::parse_skipping_checksum(&correct);
    assert_eq!(fixed, fixed_skipped, "a right checksum is refused");
    assert_eq!(
        fixed.as_ref().map(discriminant).ok(),
        skipped.as_ref().map(discriminant).ok(),
        "the checksum field changes what the message is"
    );
    let Ok(message) = skipped else {
        return;
    };
    walk_igmp(&message, data);
}

fn walk_igmp(message: &IgmpMessage<'_>, data: &[u8]) {
    let _ = format!("{message} {message:?}");
    assert_eq!(message.as_bytes(), data);
    assert_eq!(message.message_type(), IgmpType::from(data[0]));
    let mut copy = vec![0; data.len()];
    assert_eq!(message.emit(&mut copy), Ok(data.len()));
    assert_eq!(copy, data);
    if !data.is_empty() {
        assert!(matches!(
            message.emit(&mut copy[1..]),
            Err(Error::BufferTooSmall { .. })
        ));
    }
    match message {
        IgmpMessage::QueryV1(m)
        | IgmpMessage::QueryV2(m)
        | IgmpMessage::ReportV1(m)
        | IgmpMessage::ReportV2(m)
        | IgmpMessage::LeaveGroup(m) => {
            assert_eq!(m.additional_data(), &data[8..]);
            assert_eq!(m.checksum(), u16::from_be_bytes([data[2], data[3]]));
            let builder = m.to_builder();
            let mut buf = [0u8; 8];
            assert_eq!(builder.buffer_len(), 8);
            assert_eq!(builder.emit(&mut buf), Ok(8));
            assert_eq!(buf[..2], data[..2]);
            assert_eq!(buf[4..], data[4..8]);
            let again = IgmpMessage::parse(&buf).expect("an emitted IGMPv1/v2 message parses");
            assert_eq!(discriminant(&again), discriminant(message));
            let (IgmpMessage::QueryV1(a)
            | IgmpMessage::QueryV2(a)
            | IgmpMessage::ReportV1(a)
            | IgmpMessage::ReportV2(a)
            | IgmpMessage::LeaveGroup(a)) = again
            else {
                unreachable!()
            };
            assert_eq!(a.to_builder(), builder);
        }
        IgmpMessage::QueryV3(q) => walk_query(q, data),
        IgmpMessage::ReportV3(r) => walk_report(r, data),
        IgmpMessage::RouterAdvertisement(a) => walk_advertisement(a, data),
        IgmpMessage::RouterSolicitation(raw) | IgmpMessage::RouterTermination(raw) => {
            let builder = if data[0] == Ipv4::ROUTER_SOLICITATION_TYPE {
                RouterDiscoveryBuilder::Solicitation
            } else {
                RouterDiscoveryBuilder::Termination
            };
            assert_eq!(raw.body(), &data[4..]);
            walk_short_discovery::<Ipv4>(builder, data);
        }
        IgmpMessage::Other(raw) => {
            assert_eq!(raw.message_type(), data[0]);
            assert_eq!(raw.code(), data[1]);
            assert_eq!(raw.checksum(), u16::from_be_bytes([data[2], data[3]]));
            assert_eq!(raw.body(), &data[4..]);
            assert_eq!(raw.as_bytes(), data);
            let _ = format!("{raw}");
        }
        _ => {}
    }
}

/// MLD parsing (`MldMessage::parse` over a fixed pseudo-header, and `parse_skipping_checksum`):
/// the same checks as [`igmp_parse`].
pub fn mld_parse(data: &[u8]) {
    let (source, destination) = (Ipv6::SOURCE, Ipv6::DESTINATION);
    let skipped = MldMessage::parse_skipping_checksum(data);
    let verified = MldMessage::parse(data, source, destination);
    let correct = with_correct_checksum::<Ipv6>(data);
    check_verification(
        data,
        &skipped,
        &verified,
        checksum_is_valid::<Ipv6>(data),
        &correct,
    );
    let fixed = MldMessage::parse(&correct, source, destination);
    let fixed_skipped = MldMessage::parse_skipping_checksum(&correct);
    assert_eq!(fixed, fixed_skipped, "a right checksum is refused");
    assert_eq!(
        fixed.as_ref().map(discriminant).ok(),
        skipped.as_ref().map(discriminant).ok(),
        "the checksum field changes what the message is"
    );
    let Ok(message) = skipped else {
        return;
    };
    walk_mld(&message, data);
}

fn walk_mld(message: &MldMessage<'_>, data: &[u8]) {
    let _ = format!("{message} {message:?}");
    assert_eq!(message.as_bytes(), data);
    assert_eq!(message.message_type(), MldType::from(data[0]));
    let mut copy = vec![0; data.len()];
    assert_eq!(message.emit(&mut copy), Ok(data.len()));
    assert_eq!(copy, data);
    match message {
        MldMessage::QueryV1(m) | MldMessage::ReportV1(m) | MldMessage::Done(m) => {
            assert_eq!(m.additional_data(), &data[24..]);
            assert_eq!(m.code(), data[1]);
            assert_eq!(m.reserved(), u16::from_be_bytes([data[6], data[7]]));
            assert_eq!(
                m.maximum_response_duration().as_millis(),
                u128::from(m.maximum_response_delay())
            );
            let builder = m.to_builder();
            let mut buf = [0u8; 24];
            assert_eq!(
                builder.emit(&mut buf, Ipv6::SOURCE, Ipv6::DESTINATION),
                Ok(24)
            );
            assert_eq!(buf[0], data[0]);
            assert_eq!(buf[4..6], data[4..6]);
            assert_eq!(buf[8..], data[8..24]);
            let again = MldMessage::parse(&buf, Ipv6::SOURCE, Ipv6::DESTINATION)
                .expect("an emitted MLDv1 message parses");
            assert_eq!(discriminant(&again), discriminant(message));
            let (MldMessage::QueryV1(a) | MldMessage::ReportV1(a) | MldMessage::Done(a)) = again
            else {
                unreachable!()
            };
            assert_eq!(a.to_builder(), builder);
        }
        MldMessage::QueryV2(q) => walk_query(q, data),
        MldMessage::ReportV2(r) => walk_report(r, data),
        MldMessage::RouterAdvertisement(a) => walk_advertisement(a, data),
        MldMessage::RouterSolicitation(_) | MldMessage::RouterTermination(_) => {
            let builder = if data[0] == Ipv6::ROUTER_SOLICITATION_TYPE {
                RouterDiscoveryBuilder::Solicitation
            } else {
                RouterDiscoveryBuilder::Termination
            };
            walk_short_discovery::<Ipv6>(builder, data);
        }
        MldMessage::Other(raw) => {
            assert_eq!(raw.body(), &data[4..]);
            assert!(MldType::from(raw.message_type()).name().is_none());
        }
        _ => {}
    }
}

/// A parsed source-filtering query: its fields and sources, and the query its builder emits.
fn walk_query<F: Gmp>(q: &QueryV3<'_, F>, data: &[u8]) {
    let n = usize::from(q.number_of_sources());
    let end = F::QUERY_V3_MIN_LEN + n * F::ADDR_LEN;
    assert_eq!(q.source_octets().len(), n);
    assert_eq!(q.sources().len(), n);
    let sources: Vec<F::Addr> = q.sources().collect();
    let mut reversed: Vec<F::Addr> = q.sources().rev().collect();
    reversed.reverse();
    assert_eq!(sources, reversed);
    assert_eq!(q.additional_data(), &data[end..]);
    assert_eq!(q.as_bytes(), data);
    assert!(q.querier_robustness_variable() <= 7);
    match q.kind() {
        QueryKind::General => {
            assert_eq!(q.group_address(), F::UNSPECIFIED);
            assert_eq!(n, 0, "a General Query with sources was accepted");
        }
        QueryKind::GroupSpecific(g) => {
            assert_eq!(g, q.group_address());
            assert_ne!(g, F::UNSPECIFIED);
            assert_eq!(n, 0);
        }
        QueryKind::GroupAndSourceSpecific(g) => {
            assert_eq!(g, q.group_address());
            assert_ne!(g, F::UNSPECIFIED);
            assert_ne!(n, 0);
        }
    }
    let _ = q.max_response_time();
    let builder = q.to_builder();
    assert_eq!(builder.buffer_len(), end);
    let mut buf = vec![0u8; end];
    assert_eq!(
        builder.emit(&mut buf, F::SOURCE, F::DESTINATION),
        Ok(end),
        "a parsed query does not emit again"
    );
    // Everything but the checksum, the Resv bits and MLD's Code and Reserved fields is kept.
    assert_eq!(buf[0], data[0]);
    let flags = F::QUERY_FLAGS_OFFSET;
    assert_eq!(buf[flags], data[flags] & 0x0F);
    assert_eq!(
        buf[F::QUERY_ADDRESS_OFFSET..flags],
        data[F::QUERY_ADDRESS_OFFSET..flags]
    );
    assert_eq!(buf[flags + 1..], data[flags + 1..end]);
    let again = F::reparse_query(&buf);
    assert_eq!(again.max_resp_code(), q.max_resp_code());
    assert_eq!(again.group_address(), q.group_address());
    assert_eq!(
        again.suppress_router_side_processing(),
        q.suppress_router_side_processing()
    );
    assert_eq!(
        again.querier_robustness_variable(),
        q.querier_robustness_variable()
    );
    assert_eq!(
        again.querier_query_interval_code(),
        q.querier_query_interval_code()
    );
    assert_eq!(again.source_octets(), q.source_octets());
    assert_eq!(again.kind(), q.kind());
    assert!(again.additional_data().is_empty());
}

/// A parsed report: its records walk to exactly the bytes they came from, and the report its
/// records' builders emit holds the same records.
fn walk_report<F: Gmp>(r: &ReportV3<'_, F>, data: &[u8]) {
    let records: Vec<GroupRecord<'_, F>> = r.group_records().collect();
    assert_eq!(records.len(), usize::from(r.number_of_group_records()));
    assert_eq!(r.group_records().len(), records.len());
    let mut offset = 8;
    for record in &records {
        let n = usize::from(record.number_of_sources());
        let aux = usize::from(record.aux_data_len()) * 4;
        let len = 4 + F::ADDR_LEN + n * F::ADDR_LEN + aux;
        assert_eq!(record.as_bytes(), &data[offset..offset + len]);
        assert_eq!(record.record_type(), RecordType::from(data[offset]));
        assert_eq!(record.source_octets().len(), n);
        assert_eq!(record.sources().len(), n);
        assert_eq!(record.sources().count(), n);
        assert_eq!(
            record.auxiliary_data(),
            &data[offset + len - aux..offset + len]
        );
        let _ = format!("{record} {record:?}");
        offset += len;
    }
    assert_eq!(r.additional_data(), &data[offset..]);
    assert_eq!(
        r.reserved(),
        (data[1], u16::from_be_bytes([data[4], data[5]]))
    );
    let builder = ReportV3Builder::new(records.iter().map(GroupRecord::to_builder));
    assert_eq!(builder.buffer_len(), offset);
    let mut buf = vec![0u8; offset];
    assert_eq!(
        builder.emit(&mut buf, F::SOURCE, F::DESTINATION),
        Ok(offset),
        "a parsed report does not emit again"
    );
    assert_eq!(buf[0], data[0]);
    assert_eq!(buf[6..], data[6..offset]);
    let again = F::reparse_report(&buf);
    assert!(again.group_records().eq(records.iter().copied()));
    assert!(again.additional_data().is_empty());
}

fn walk_advertisement<F: Gmp>(a: &RouterAdvertisement<'_, F>, data: &[u8]) {
    assert_eq!(a.additional_data(), &data[8..]);
    let builder = a.to_builder();
    let mut buf = [0u8; 8];
    assert_eq!(
        builder.emit::<F>(&mut buf, F::SOURCE, F::DESTINATION),
        Ok(8)
    );
    assert_eq!(buf[..2], data[..2]);
    assert_eq!(buf[4..], data[4..8]);
    let again = F::reparse_discovery(&buf, builder).expect("an advertisement");
    assert_eq!(again.to_builder(), builder);
}

fn walk_short_discovery<F: Gmp>(builder: RouterDiscoveryBuilder, data: &[u8]) {
    let mut buf = [0u8; 4];
    assert_eq!(
        builder.emit::<F>(&mut buf, F::SOURCE, F::DESTINATION),
        Ok(4)
    );
    assert_eq!(buf[0], data[0]);
    assert!(F::reparse_discovery(&buf, builder).is_none());
}

/// The fields of an IGMPv3 or MLDv2 query, from arbitrary values.
#[derive(Debug, Arbitrary)]
#[arbitrary(bound = "F: Gmp")]
pub struct QuerySpec<F: Gmp> {
    max_resp_code: F::MaxRespCode,
    group_address: F::Addr,
    suppress_router_side_processing: bool,
    querier_robustness_variable: u8,
    querier_query_interval_code: QueryIntervalCode,
    sources: Vec<F::Addr>,
}

impl<F: Gmp> QuerySpec<F> {
    fn builder(&self) -> QueryV3Builder<F, core::iter::Copied<core::slice::Iter<'_, F::Addr>>> {
        QueryV3Builder::group_and_source_specific(
            self.group_address,
            self.sources.iter().copied(),
            self.max_resp_code,
            self.suppress_router_side_processing,
            self.querier_robustness_variable,
            self.querier_query_interval_code,
        )
    }

    /// Whether the query may be sent: a General Query carries no sources.
    fn is_sendable(&self) -> bool {
        self.group_address != F::UNSPECIFIED || self.sources.is_empty()
    }

    /// The query as parsed back from `q` has these fields.
    fn assert_matches(&self, q: &QueryV3<'_, F>, sources: &[F::Addr]) {
        assert_eq!(q.max_resp_code(), self.max_resp_code);
        assert_eq!(q.group_address(), self.group_address);
        assert_eq!(
            q.suppress_router_side_processing(),
            self.suppress_router_side_processing
        );
        let qrv = if self.querier_robustness_variable > 7 {
            0
        } else {
            self.querier_robustness_variable
        };
        assert_eq!(q.querier_robustness_variable(), qrv);
        assert_eq!(
            q.querier_query_interval_code(),
            self.querier_query_interval_code
        );
        assert_eq!(q.reserved(), 0);
        assert!(q.sources().eq(sources.iter().copied()));
    }
}

/// One group record, from arbitrary values.
#[derive(Debug, Arbitrary)]
#[arbitrary(bound = "F: Gmp")]
pub struct RecordSpec<F: Gmp> {
    record_type: RecordType,
    multicast_address: F::Addr,
    sources: Vec<F::Addr>,
    auxiliary_data: Vec<u8>,
}

type SourceIter<'a, F> = core::iter::Copied<core::slice::Iter<'a, <F as IpFamily>::Addr>>;

impl<F: Gmp> RecordSpec<F> {
    fn builder(&self) -> GroupRecordBuilder<'_, F, SourceIter<'_, F>> {
        GroupRecordBuilder {
            record_type: self.record_type,
            multicast_address: self.multicast_address,
            sources: self.sources.iter().copied(),
            auxiliary_data: &self.auxiliary_data,
        }
    }

    /// Whether the auxiliary data can be sent: whole 32-bit words, at most 255 of them.
    fn aux_is_sendable(&self) -> bool {
        self.auxiliary_data.len().is_multiple_of(4) && self.auxiliary_data.len() <= 1020
    }

    /// Bytes of the record without its sources.
    fn fixed_len(&self) -> usize {
        4 + F::ADDR_LEN + self.auxiliary_data.len()
    }
}

/// One IGMP or MLD message to emit, from arbitrary values.
#[derive(Debug, Arbitrary)]
enum GmpInput {
    IgmpV1V2(IgmpV1V2Builder),
    MldV1(MldV1Builder),
    IgmpDiscovery(RouterDiscoveryBuilder),
    MldDiscovery(RouterDiscoveryBuilder),
    IgmpQuery(QuerySpec<Ipv4>),
    MldQuery(QuerySpec<Ipv6>),
    IgmpReport(Vec<RecordSpec<Ipv4>>),
    MldReport(Vec<RecordSpec<Ipv6>>),
}

/// Round trip of every IGMP and MLD message from arbitrary builders: emit (into a buffer of
/// exactly `buffer_len` bytes, and refused by a shorter one), parse with the checksum verified,
/// compare every field; builders the RFCs do not allow (a General Query with sources, auxiliary
/// data that is not whole words) are refused with `Error::Invalid`.
pub fn gmp_roundtrip(data: &[u8]) {
    let Ok(input) = GmpInput::arbitrary_take_rest(Unstructured::new(data)) else {
        return;
    };
    match input {
        GmpInput::IgmpV1V2(builder) => {
            let mut buf = [0u8; 8];
            assert!(matches!(
                builder.emit(&mut buf[..7]),
                Err(Error::BufferTooSmall { .. })
            ));
            assert_eq!(builder.emit(&mut buf), Ok(8));
            let parsed = IgmpMessage::parse(&buf);
            let v1v2 = match (builder.message_type, parsed) {
                (IgmpType::MembershipQuery, Ok(IgmpMessage::QueryV1(m))) => {
                    assert_eq!(builder.max_resp_time.tenths(), 0);
                    m
                }
                (IgmpType::MembershipQuery, Ok(IgmpMessage::QueryV2(m))) => {
                    assert_ne!(builder.max_resp_time.tenths(), 0);
                    m
                }
                (IgmpType::MembershipReportV1, Ok(IgmpMessage::ReportV1(m)))
                | (IgmpType::MembershipReportV2, Ok(IgmpMessage::ReportV2(m)))
                | (IgmpType::LeaveGroup, Ok(IgmpMessage::LeaveGroup(m))) => m,
                (
                    IgmpType::MembershipQuery
                    | IgmpType::MembershipReportV1
                    | IgmpType::MembershipReportV2
                    | IgmpType::LeaveGroup,
                    other,
                ) => panic!("{builder:?} parses as {other:?}"),
                // Another type in the v1/v2 layout is whatever its type says, or an error.
                (_, other) => {
                    if let Ok(m) = other {
                        walk_igmp(&m, &buf);
                    }
                    return;
                }
            };
            assert_eq!(v1v2.to_builder(), builder);
            assert!(v1v2.additional_data().is_empty());
        }
        GmpInput::MldV1(builder) => {
            let mut buf = [0u8; 24];
            let (s, d) = (Ipv6::SOURCE, Ipv6::DESTINATION);
            assert!(builder.emit(&mut buf[..23], s, d).is_err());
            assert_eq!(builder.emit(&mut buf, s, d), Ok(24));
            let parsed = MldMessage::parse(&buf, s, d);
            let v1 = match (builder.message_type, parsed) {
                (MldType::MulticastListenerQuery, Ok(MldMessage::QueryV1(m)))
                | (MldType::MulticastListenerReportV1, Ok(MldMessage::ReportV1(m)))
                | (MldType::MulticastListenerDone, Ok(MldMessage::Done(m))) => m,
                (
                    MldType::MulticastListenerQuery
                    | MldType::MulticastListenerReportV1
                    | MldType::MulticastListenerDone,
                    other,
                ) => panic!("{builder:?} parses as {other:?}"),
                (_, other) => {
                    if let Ok(m) = other {
                        walk_mld(&m, &buf);
                    }
                    return;
                }
            };
            assert_eq!(v1.to_builder(), builder);
        }
        GmpInput::IgmpDiscovery(builder) => discovery_roundtrip::<Ipv4>(builder),
        GmpInput::MldDiscovery(builder) => discovery_roundtrip::<Ipv6>(builder),
        GmpInput::IgmpQuery(spec) => query_roundtrip(&spec),
        GmpInput::MldQuery(spec) => query_roundtrip(&spec),
        GmpInput::IgmpReport(records) => report_roundtrip(&records),
        GmpInput::MldReport(records) => report_roundtrip(&records),
    }
}

fn discovery_roundtrip<F: Gmp>(builder: RouterDiscoveryBuilder) {
    let len = builder.buffer_len();
    let mut buf = [0u8; 8];
    assert!(
        builder
            .emit::<F>(&mut buf[..len - 1], F::SOURCE, F::DESTINATION)
            .is_err()
    );
    assert_eq!(
        builder.emit::<F>(&mut buf, F::SOURCE, F::DESTINATION),
        Ok(len)
    );
    if let Some(a) = F::reparse_discovery(&buf[..len], builder) {
        assert_eq!(a.to_builder(), builder);
    }
}

fn query_roundtrip<F: Gmp>(spec: &QuerySpec<F>) {
    let builder = spec.builder();
    let len = builder.buffer_len();
    assert_eq!(len, F::QUERY_V3_MIN_LEN + spec.sources.len() * F::ADDR_LEN);
    let mut buf = vec![0u8; len];
    let result = builder.emit(&mut buf, F::SOURCE, F::DESTINATION);
    if !spec.is_sendable() {
        assert!(
            matches!(result, Err(Error::Invalid { .. })),
            "a General Query with sources gives {result:?}"
        );
        return;
    }
    assert_eq!(result, Ok(len));
    spec.assert_matches(&F::reparse_query(&buf), &spec.sources);
    assert!(matches!(
        builder.emit(&mut buf[..len - 1], F::SOURCE, F::DESTINATION),
        Err(Error::BufferTooSmall { .. })
    ));
}

fn report_roundtrip<F: Gmp>(records: &[RecordSpec<F>]) {
    let builder = ReportV3Builder::new(records.iter().map(RecordSpec::builder));
    let len = builder.buffer_len();
    assert_eq!(
        len,
        8 + records
            .iter()
            .map(|r| r.fixed_len() + r.sources.len() * F::ADDR_LEN)
            .sum::<usize>()
    );
    let mut buf = vec![0u8; len];
    let result = builder.emit(&mut buf, F::SOURCE, F::DESTINATION);
    if !records.iter().all(RecordSpec::aux_is_sendable) {
        assert!(
            matches!(result, Err(Error::Invalid { .. })),
            "bad auxiliary data gives {result:?}"
        );
        return;
    }
    assert_eq!(result, Ok(len));
    let report = F::reparse_report(&buf);
    assert_eq!(usize::from(report.number_of_group_records()), records.len());
    for (parsed, spec) in report.group_records().zip(records) {
        assert_eq!(parsed.record_type(), spec.record_type);
        assert_eq!(parsed.multicast_address(), spec.multicast_address);
        assert!(parsed.sources().eq(spec.sources.iter().copied()));
        assert_eq!(parsed.auxiliary_data(), &spec.auxiliary_data[..]);
    }
    assert!(report.additional_data().is_empty());
    if len > 0 {
        assert!(matches!(
            builder.emit(&mut buf[..len - 1], F::SOURCE, F::DESTINATION),
            Err(Error::BufferTooSmall { .. })
        ));
    }
}

/// The input of the splitter targets: an MTU and what to split.
#[derive(Debug, Arbitrary)]
enum SplitInput<T4, T6> {
    Igmp(u32, T4),
    Mld(u32, T6),
}

/// An MTU that is small more often than not, so that splitting happens on short inputs.
fn shrink_mtu(mtu: u32) -> u32 {
    match mtu >> 30 {
        0 => mtu % 256,
        1 => mtu % 2048,
        _ => mtu,
    }
}

/// The IGMPv3 and MLDv2 report splitter (`ReportV3Builder::split`) at any MTU: refused only
/// when the MTU cannot hold one record; every message fits the MTU and parses with its checksum
/// verified; the records come out in order, each whole, or cut into pieces of the same type,
/// group and auxiliary data whose sources are, end to end, the record's own (no source lost or
/// repeated, no empty piece), except that an EXCLUDE-mode record too long for any message is sent
/// once with as many of its first sources as fit; a record that cannot be sent at all is
/// refused with an error and dropped, and nothing else is; records that fit a message are packed
/// until the next one does not fit.
pub fn gmp_report_split(data: &[u8]) {
    let Ok(input) = SplitInput::<Vec<RecordSpec<Ipv4>>, Vec<RecordSpec<Ipv6>>>::arbitrary_take_rest(
        Unstructured::new(data),
    ) else {
        return;
    };
    match input {
        SplitInput::Igmp(mtu, records) => report_split(shrink_mtu(mtu), &records),
        SplitInput::Mld(mtu, records) => report_split(shrink_mtu(mtu), &records),
    }
}

/// One record as it came out of the splitter.
struct Piece<A> {
    record_type: RecordType,
    multicast_address: A,
    sources: Vec<A>,
    auxiliary_data: Vec<u8>,
    /// Whether it was the first record of its message.
    first_in_message: bool,
    /// For the first record of a message: the length of the message before it, unless a record
    /// was refused in between.
    after: Option<usize>,
}

fn report_split<F: Gmp>(mtu: u32, records: &[RecordSpec<F>]) {
    let builder = ReportV3Builder::new(records.iter().map(RecordSpec::builder));
    let packet_limit = usize::try_from(mtu).unwrap().min(F::MAX_PACKET_LEN);
    let smallest = F::ENVELOPE_LEN + 8 + 4 + F::ADDR_LEN;
    let mut packets = match builder.split(mtu) {
        Ok(p) => {
            assert!(packet_limit >= smallest, "MTU {mtu} accepted");
            p
        }
        Err(e) => {
            assert!(packet_limit < smallest, "MTU {mtu} refused: {e}");
            assert!(matches!(e, Error::MtuTooSmall { .. }));
            return;
        }
    };
    let max_len = packets.max_message_len();
    assert_eq!(max_len, packet_limit - F::ENVELOPE_LEN);
    assert!(matches!(
        packets.next_packet(&mut vec![0; max_len - 1], F::SOURCE, F::DESTINATION),
        Err(Error::BufferTooSmall { .. })
    ));
    let mut buf = vec![0u8; max_len];
    let mut pieces: Vec<Piece<F::Addr>> = Vec::new();
    // Records refused, by how many pieces had come out before the error.
    let mut errors: Vec<(usize, Error)> = Vec::new();
    let total_sources: usize = records.iter().map(|r| r.sources.len()).sum();
    let mut calls = 0;
    let mut last_len = None;
    loop {
        calls += 1;
        assert!(
            calls <= 2 * (records.len() + total_sources) + 2,
            "the splitter does not end"
        );
        match packets.next_packet(&mut buf, F::SOURCE, F::DESTINATION) {
            Ok(None) => break,
            Ok(Some(len)) => {
                assert!(len <= max_len, "a {len}-byte message over {max_len}");
                let report = F::reparse_report(&buf[..len]);
                assert!(report.number_of_group_records() > 0, "an empty report");
                assert!(report.additional_data().is_empty());
                for (i, r) in report.group_records().enumerate() {
                    pieces.push(Piece {
                        record_type: r.record_type(),
                        multicast_address: r.multicast_address(),
                        sources: r.sources().collect(),
                        auxiliary_data: r.auxiliary_data().to_vec(),
                        first_in_message: i == 0,
                        after: if i == 0 { last_len } else { None },
                    });
                }
                last_len = Some(len);
            }
            Err(e) => {
                errors.push((pieces.len(), e));
                last_len = None;
            }
        }
    }
    assert!(matches!(
        packets.next_packet(&mut buf, F::SOURCE, F::DESTINATION),
        Ok(None)
    ));
    // Match the pieces against the records, in order.
    let mut next = 0;
    let mut errors = errors.into_iter().peekable();
    // Room for a record in a message of its own.
    let room = max_len - 8;
    for (index, record) in records.iter().enumerate() {
        let whole_len = record.fixed_len() + record.sources.len() * F::ADDR_LEN;
        let refused = !record.aux_is_sendable()
            || record.fixed_len() > room
            || (!record.sources.is_empty()
                && !record.record_type.is_truncated_when_too_long()
                && record.fixed_len() + F::ADDR_LEN > room);
        if refused {
            let (at, e) = errors
                .next()
                .unwrap_or_else(|| panic!("record {index} cannot be sent but was not refused"));
            assert_eq!(at, next, "record {index} refused out of order");
            // The auxiliary data is checked before the length.
            match e {
                Error::MtuTooSmall { mtu: m, .. } => {
                    assert_eq!(m, mtu);
                    assert!(record.aux_is_sendable());
                }
                Error::Invalid { .. } => assert!(!record.aux_is_sendable()),
                other => panic!("record {index} refused with {other:?}"),
            }
            continue;
        }
        let mut sent: Vec<F::Addr> = Vec::new();
        let mut count = 0;
        loop {
            let piece = pieces
                .get(next)
                .unwrap_or_else(|| panic!("record {index} lost after {count} pieces: {record:?}"));
            assert_eq!(piece.record_type, record.record_type, "record {index}");
            assert_eq!(piece.multicast_address, record.multicast_address);
            assert_eq!(piece.auxiliary_data, record.auxiliary_data);
            if count == 0 {
                if let Some(previous) = piece.after {
                    assert!(
                        previous + whole_len > max_len,
                        "record {index} would have fit in the message before"
                    );
                }
            } else {
                assert!(
                    piece.first_in_message,
                    "a piece of record {index} not first"
                );
                assert!(
                    !piece.sources.is_empty(),
                    "an empty piece of record {index}"
                );
            }
            sent.extend_from_slice(&piece.sources);
            next += 1;
            count += 1;
            if sent.len() >= record.sources.len() {
                break;
            }
            if record.record_type.is_truncated_when_too_long() {
                // Sent once, with as many of the first sources as fit.
                let fit = (room - record.fixed_len()) / F::ADDR_LEN;
                assert_eq!(sent.len(), fit.min(record.sources.len()));
                assert!(piece.first_in_message);
                break;
            }
        }
        assert_eq!(
            sent,
            record.sources[..sent.len()],
            "record {index}'s sources changed"
        );
        if !record.record_type.is_truncated_when_too_long() {
            assert_eq!(sent.len(), record.sources.len());
        }
        if count > 1 {
            assert!(pieces[next - count].first_in_message);
        }
    }
    assert_eq!(next, pieces.len(), "records sent that were not asked for");
    assert!(errors.next().is_none(), "an error for no record");
}

/// The IGMPv3 and MLDv2 query splitter (`QueryV3Builder::split`) at any MTU: refused only when
/// the MTU cannot hold the query with one source (or none, if it has none); every message fits
/// the MTU, parses with its checksum verified and carries the query's fields; the sources come
/// out in order, none lost or repeated, every message but the last full.
pub fn gmp_query_split(data: &[u8]) {
    let Ok(input) = SplitInput::<QuerySpec<Ipv4>, QuerySpec<Ipv6>>::arbitrary_take_rest(
        Unstructured::new(data),
    ) else {
        return;
    };
    match input {
        SplitInput::Igmp(mtu, spec) => query_split(shrink_mtu(mtu), &spec),
        SplitInput::Mld(mtu, spec) => query_split(shrink_mtu(mtu), &spec),
    }
}

fn query_split<F: Gmp>(mtu: u32, spec: &QuerySpec<F>) {
    let builder = spec.builder();
    let packet_limit = usize::try_from(mtu).unwrap().min(F::MAX_PACKET_LEN);
    let smallest = F::ENVELOPE_LEN
        + F::QUERY_V3_MIN_LEN
        + if spec.sources.is_empty() {
            0
        } else {
            F::ADDR_LEN
        };
    let mut packets = match builder.split(mtu) {
        Ok(p) => {
            assert!(packet_limit >= smallest, "MTU {mtu} accepted");
            p
        }
        Err(e) => {
            assert!(packet_limit < smallest, "MTU {mtu} refused: {e}");
            return;
        }
    };
    let max_len = packets.max_message_len();
    assert_eq!(max_len, packet_limit - F::ENVELOPE_LEN);
    let per_packet = packets.sources_per_packet();
    assert_eq!(
        per_packet,
        ((max_len - F::QUERY_V3_MIN_LEN) / F::ADDR_LEN).min(usize::from(u16::MAX))
    );
    let mut buf = vec![0u8; max_len];
    let mut sent: Vec<F::Addr> = Vec::new();
    let mut messages = 0usize;
    loop {
        match packets.next_packet(&mut buf, F::SOURCE, F::DESTINATION) {
            Ok(None) => break,
            Ok(Some(len)) => {
                assert!(len <= max_len);
                let q = F::reparse_query(&buf[..len]);
                let n = q.sources().len();
                spec.assert_matches(&q, &spec.sources[sent.len()..sent.len() + n]);
                sent.extend(q.sources());
                messages += 1;
                if sent.len() < spec.sources.len() {
                    assert_eq!(n, per_packet, "a message that is not full");
                }
                assert!(
                    messages <= spec.sources.len() + 1,
                    "the splitter does not end"
                );
            }
            Err(e) => {
                assert!(!spec.is_sendable(), "a sendable query refused: {e}");
                assert!(matches!(e, Error::Invalid { .. }));
                return;
            }
        }
    }
    assert!(spec.is_sendable(), "a General Query with sources was sent");
    assert_eq!(sent, spec.sources);
    assert_eq!(
        messages,
        spec.sources.len().div_ceil(per_packet.max(1)).max(1)
    );
}
