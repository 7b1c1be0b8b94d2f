//! Targets for the DVMRP codec, `mcast-dvmrp`'s `wire` module: parsing (with and without checksum
//! verification, and through the IGMP codec), round trips from arbitrary messages, and the Report
//! builder that packs routes into MTU-sized messages.

use core::net::Ipv4Addr;
use core::time::Duration;

use arbitrary::{Arbitrary, Unstructured};
use mcast_addr::checksum;
use mcast_dvmrp::DvmrpError;
use mcast_dvmrp::wire::{
    Body, ChecksumPolicy, Code, Graft, Header, Info, InfoItem, InfoType, Interface, InterfaceFlags,
    Message, Metric, Neighbors2, Probe, Prune, ReportBuilder, Route,
};
use mcast_igmp::wire::IgmpMessage;

/// The Internet checksum `data` should carry in bytes 2–3.
fn correct_checksum(data: &[u8]) -> [u8; 2] {
    let mut zeroed = data.to_vec();
    zeroed[2..4].fill(0);
    checksum::checksum(&zeroed).to_be_bytes()
}

/// DVMRP parsing (`Message::parse` with either checksum policy, and `Message::from_igmp` over the
/// IGMP codec's raw message): no panic for any input; the policies and the two entry points
/// agree; every list walks without error to exactly the bytes it was parsed from, and its items
/// encode again to the same bytes; the message re-emits to the input bytes (checksum recomputed)
/// and parses back to itself.
pub fn dvmrp_parse(data: &[u8]) {
    let skipped = Message::parse(data, ChecksumPolicy::Skip);
    let verified = Message::parse(data, ChecksumPolicy::Verify);
    let checksum_ok = checksum::is_valid(data);
    if checksum_ok {
        assert_eq!(skipped, verified, "a correct checksum changes the result");
    } else {
        match verified {
            Ok(m) => panic!("a wrong checksum was accepted: {m:?}"),
            Err(DvmrpError::Checksum { computed, received }) => {
                assert_eq!(received.to_be_bytes(), data[2..4]);
                assert_eq!(computed.to_be_bytes(), correct_checksum(data));
            }
            Err(e) => assert_eq!(skipped, Err(e), "an error that skipping does not give"),
        }
    }
    if data.len() >= 4 {
        let mut fixed = data.to_vec();
        fixed[2..4].copy_from_slice(&correct_checksum(data));
        assert_eq!(
            Message::parse(&fixed, ChecksumPolicy::Verify).is_ok(),
            skipped.is_ok(),
            "a right checksum is refused, or the checksum field changes the message"
        );
    }
    // The same message through the IGMP codec.
    if let Ok(IgmpMessage::Other(raw)) = IgmpMessage::parse_skipping_checksum(data) {
        let through_igmp = Message::from_igmp(raw);
        if data[0] == mcast_dvmrp::wire::IGMP_TYPE {
            assert_eq!(through_igmp, skipped, "from_igmp and parse disagree");
        } else {
            assert!(through_igmp.is_err(), "from_igmp took another IGMP type");
        }
    }
    let Ok(message) = skipped else {
        return;
    };
    walk(&message, data);
    let len = data.len();
    assert_eq!(message.buffer_len(), len);
    let mut buf = vec![0u8; len];
    assert_eq!(
        message.emit(&mut buf),
        Ok(len),
        "a parsed message does not emit"
    );
    assert!(
        checksum::is_valid(&buf),
        "an emitted message has a wrong checksum"
    );
    assert_eq!(buf[..2], data[..2]);
    assert_eq!(buf[4..], data[4..]);
    if checksum_ok && buf[2..4] != data[2..4] {
        // One's complement has two zeros: 0xFFFF verifies where the sum calls for 0x0000
        // (RFC 1624 §3), and the emitter writes the latter.
        assert_eq!((&data[2..4], &buf[2..4]), (&[0xFF, 0xFF][..], &[0, 0][..]));
    }
    assert!(matches!(
        message.emit(&mut buf[..len - 1]),
        Err(DvmrpError::BufferTooSmall { .. })
    ));
    let again = Message::parse(&buf, ChecksumPolicy::Verify);
    assert_eq!(again, Ok(message), "an emitted message parses differently");
}

/// Walks every list of a parsed message and checks it against the bytes.
fn walk(message: &Message<'_>, data: &[u8]) {
    let _ = format!("{message} {message:?}");
    let body = &data[8..];
    assert_eq!(message.code().0, data[1]);
    assert_eq!(message.header.reserved, data[4]);
    assert_eq!(message.header.capabilities.bits(), data[5]);
    assert_eq!(
        (message.header.version.minor, message.header.version.major),
        (data[6], data[7])
    );
    match &message.body {
        Body::Probe(p) => {
            assert_eq!(p.neighbors.len(), (body.len() - 4) / 4);
            assert_eq!(p.neighbor_addresses().len(), p.neighbors.len());
            assert_eq!(p.generation_id.to_be_bytes(), body[..4]);
        }
        Body::Report(r) => {
            assert_eq!(r.as_bytes(), body);
            let routes: Vec<Route> = r.routes().collect();
            assert_eq!(routes.is_empty(), body.is_empty());
            for route in &routes {
                assert_eq!(
                    Route::new(route.source(), route.prefix_len(), route.metric()),
                    Ok(*route),
                    "a parsed route is one Route::new refuses"
                );
                let _ = (route.netmask(), route.is_default_route(), route.to_string());
            }
            // The builder packs the routes again (blocks may merge), and they read back.
            assert_eq!(report_routes(&routes, message.header), routes);
        }
        Body::Neighbors2(n) => {
            assert_eq!(n.as_bytes(), body);
            let interfaces: Vec<Interface<'_>> = n.interfaces().collect();
            let total: usize = interfaces.iter().map(Interface::buffer_len).sum();
            assert_eq!(total, body.len(), "the interfaces do not cover the message");
            let mut buf = vec![0u8; body.len()];
            let encoded = Neighbors2::encode(&interfaces, &mut buf).expect("interfaces encode");
            assert_eq!(encoded.as_bytes(), body);
            for i in &interfaces {
                assert_eq!(i.neighbor_addresses().len(), i.neighbors.len());
            }
        }
        Body::InfoRequest(i) | Body::InfoReply(i) => {
            assert_eq!(i.as_bytes(), body);
            let items: Vec<InfoItem<'_>> = i.items().collect();
            let total: usize = items.iter().map(|item| 4 + item.data.len()).sum();
            assert_eq!(total, body.len(), "the items do not cover the message");
            let mut buf = vec![0u8; body.len()];
            let encoded = Info::encode(&items, &mut buf).expect("items encode");
            assert_eq!(encoded.as_bytes(), body);
            for item in &items {
                let _ = (item.version_string(), item.to_string());
            }
        }
        Body::Prune(p) => {
            assert_eq!(
                p.lifetime(),
                Duration::from_secs(u64::from(p.lifetime_seconds))
            );
            assert_eq!(p.netmask.is_some(), body.len() >= 16);
            let fixed = if body.len() >= 16 { 16 } else { 12 };
            assert_eq!(p.trailing, &body[fixed..]);
        }
        Body::Graft(g) | Body::GraftAck(g) => {
            assert_eq!(g.netmask.is_some(), body.len() >= 12);
            let fixed = if body.len() >= 12 { 12 } else { 8 };
            assert_eq!(g.trailing, &body[fixed..]);
        }
        Body::AskNeighbors2 { trailing } => assert_eq!(*trailing, body),
        Body::Unknown { code, body: b } => {
            assert_eq!(code.0, data[1]);
            assert_eq!(*b, body);
        }
    }
}

/// The routes as the Report builder packs them at the largest MTU, read back.
fn report_routes(routes: &[Route], header: Header) -> Vec<Route> {
    let mut builder = ReportBuilder::new(routes, 65_535)
        .expect("the largest MTU")
        .with_header(header);
    let mut buf = vec![0u8; builder.max_message_len()];
    let mut out = Vec::new();
    while let Some(len) = builder.emit_next(&mut buf).expect("every route fits") {
        let message = Message::parse(&buf[..len], ChecksumPolicy::Verify).expect("a report");
        let Body::Report(r) = message.body else {
            panic!("a built report parses as {message:?}");
        };
        out.extend(r.routes());
    }
    out
}

/// The body of a DVMRP message, from arbitrary values.
#[derive(Debug, Arbitrary)]
enum BodySpec {
    Probe {
        generation_id: u32,
        neighbors: Vec<[u8; 4]>,
    },
    AskNeighbors2(Vec<u8>),
    Neighbors2(Vec<InterfaceSpec>),
    Prune {
        source: Ipv4Addr,
        group: Ipv4Addr,
        lifetime_seconds: u32,
        netmask: Option<Ipv4Addr>,
        trailing: Vec<u8>,
    },
    Graft(GraftSpec),
    GraftAck(GraftSpec),
    InfoRequest(Vec<ItemSpec>),
    InfoReply(Vec<ItemSpec>),
    Unknown(Code, Vec<u8>),
}

#[derive(Debug, Arbitrary)]
struct GraftSpec {
    source: Ipv4Addr,
    group: Ipv4Addr,
    netmask: Option<Ipv4Addr>,
    trailing: Vec<u8>,
}

impl GraftSpec {
    fn graft(&self) -> Graft<'_> {
        Graft {
            source: self.source,
            group: self.group,
            netmask: self.netmask,
            trailing: &self.trailing,
        }
    }
}

#[derive(Debug, Arbitrary)]
struct InterfaceSpec {
    local_address: Ipv4Addr,
    metric: u8,
    threshold: u8,
    flags: InterfaceFlags,
    neighbors: Vec<[u8; 4]>,
}

#[derive(Debug, Arbitrary)]
struct ItemSpec {
    info_type: InfoType,
    reserved: [u8; 2],
    data: Vec<u8>,
}

/// Round trip of every DVMRP message from arbitrary values: the lists encode (or are refused
/// with `Invalid` for what the layout cannot carry: over 255 neighbors on an interface, info data
/// not in whole words), the message emits (refused with `Invalid` for trailing bytes that would
/// read back as a netmask), and parses, checksum verified, to the same message; a body given as
/// raw bytes under a Code the codec decodes parses to what re-emits the same bytes.
pub fn dvmrp_roundtrip(data: &[u8]) {
    let mut u = Unstructured::new(data);
    let (Ok(header), Ok(spec)) = (Header::arbitrary(&mut u), BodySpec::arbitrary_take_rest(u))
    else {
        return;
    };
    let mut list = vec![0u8; 70_000];
    let body = match &spec {
        BodySpec::Probe {
            generation_id,
            neighbors,
        } => Body::Probe(Probe {
            generation_id: *generation_id,
            neighbors,
        }),
        BodySpec::AskNeighbors2(trailing) => Body::AskNeighbors2 { trailing },
        BodySpec::Neighbors2(specs) => {
            let interfaces: Vec<Interface<'_>> = specs
                .iter()
                .map(|s| Interface {
                    local_address: s.local_address,
                    metric: s.metric,
                    threshold: s.threshold,
                    flags: s.flags,
                    neighbors: &s.neighbors,
                })
                .collect();
            match Neighbors2::encode(&interfaces, &mut list) {
                Ok(n) => {
                    assert!(specs.iter().all(|s| s.neighbors.len() <= 255));
                    assert!(n.interfaces().eq(interfaces.iter().copied()));
                    Body::Neighbors2(n)
                }
                Err(e) => {
                    assert!(matches!(e, DvmrpError::Invalid { .. }), "{e:?}");
                    assert!(specs.iter().any(|s| s.neighbors.len() > 255));
                    return;
                }
            }
        }
        BodySpec::Prune {
            source,
            group,
            lifetime_seconds,
            netmask,
            trailing,
        } => Body::Prune(Prune {
            source: *source,
            group: *group,
            lifetime_seconds: *lifetime_seconds,
            netmask: *netmask,
            trailing,
        }),
        BodySpec::Graft(g) => Body::Graft(g.graft()),
        BodySpec::GraftAck(g) => Body::GraftAck(g.graft()),
        BodySpec::InfoRequest(specs) | BodySpec::InfoReply(specs) => {
            let items: Vec<InfoItem<'_>> = specs
                .iter()
                .map(|s| InfoItem {
                    info_type: s.info_type,
                    reserved: s.reserved,
                    data: &s.data,
                })
                .collect();
            let sendable = specs
                .iter()
                .all(|s| s.data.len().is_multiple_of(4) && s.data.len() <= 1020);
            match Info::encode(&items, &mut list) {
                Ok(info) => {
                    assert!(sendable);
                    assert!(info.items().eq(items.iter().copied()));
                    if matches!(spec, BodySpec::InfoRequest(_)) {
                        Body::InfoRequest(info)
                    } else {
                        Body::InfoReply(info)
                    }
                }
                Err(e) => {
                    assert!(matches!(e, DvmrpError::Invalid { .. }), "{e:?}");
                    assert!(!sendable);
                    return;
                }
            }
        }
        BodySpec::Unknown(code, body) => Body::Unknown { code: *code, body },
    };
    let message = Message { header, body };
    let len = message.buffer_len();
    let mut buf = vec![0u8; len];
    let trailing_is_ambiguous = match &message.body {
        Body::Prune(Prune {
            netmask, trailing, ..
        })
        | Body::Graft(Graft {
            netmask, trailing, ..
        })
        | Body::GraftAck(Graft {
            netmask, trailing, ..
        }) => netmask.is_none() && trailing.len() >= 4,
        _ => false,
    };
    match message.emit(&mut buf) {
        Ok(n) => {
            assert_eq!(n, len);
            assert!(
                !trailing_is_ambiguous,
                "trailing bytes that read as a netmask"
            );
        }
        Err(e) => {
            assert!(matches!(e, DvmrpError::Invalid { .. }), "{e:?}");
            assert!(trailing_is_ambiguous, "{message:?} refused: {e}");
            return;
        }
    }
    assert!(checksum::is_valid(&buf));
    let parsed = Message::parse(&buf, ChecksumPolicy::Verify);
    let old = header.version.is_older_than_3();
    match message.body {
        // An old version's Probe is RFC 1075's command stream, kept raw.
        Body::Probe(_) if old => assert_eq!(
            parsed.map(|m| m.body),
            Ok(Body::Unknown {
                code: Code::PROBE,
                body: &buf[8..]
            })
        ),
        // Raw bytes under a Code that has a layout: whatever they read as re-emits them.
        Body::Unknown { code, .. }
            if (5..=11).contains(&code.0) || (!old && (1..=2).contains(&code.0)) =>
        {
            if let Ok(m) = parsed {
                walk(&m, &buf);
                let mut again = vec![0u8; len];
                assert_eq!(m.emit(&mut again), Ok(len));
                assert_eq!(again, buf);
            }
        }
        _ => assert_eq!(parsed, Ok(message), "an emitted message parses differently"),
    }
}

/// A route from arbitrary values: any prefix length and source, which `Route::new` may refuse.
#[derive(Debug, Arbitrary)]
struct RouteSpec {
    source: Ipv4Addr,
    prefix_len: u8,
    metric: Metric,
}

impl RouteSpec {
    /// The route, as given if a Report can carry it, else made so: prefix length 0 or 8 to 32,
    /// source masked (0.0.0.0/8 dropped).
    fn route(&self) -> Option<Route> {
        if let Ok(route) = Route::new(self.source, self.prefix_len, self.metric) {
            return Some(route);
        }
        let prefix_len = match self.prefix_len % 26 {
            0 => 0,
            n => n + 7,
        };
        let mask = u32::MAX
            .checked_shl(32 - u32::from(prefix_len))
            .unwrap_or(0);
        let source = Ipv4Addr::from(u32::from(self.source) & mask);
        if prefix_len == 8 && source.octets()[0] == 0 {
            return None;
        }
        let route = Route::new(source, prefix_len, self.metric);
        assert!(route.is_ok(), "{source}/{prefix_len} refused: {route:?}");
        route.ok()
    }
}

/// The three mask octets a Report sends for a route's block (the default route and the /8
/// routes share the block of mask 0.0.0).
fn block(route: Route) -> [u8; 3] {
    let [_, b, c, d] = route.netmask().octets();
    [b, c, d]
}

/// Bytes a route takes in a Report: its source octets (as many as its mask sends), its metric,
/// and its block's three mask octets when it opens a block.
fn entry_len(route: Route, opens_block: bool) -> usize {
    let mask = route.netmask().octets();
    let width = match mask {
        [_, _, _, d] if d != 0 => 4,
        [_, _, c, _] if c != 0 => 3,
        [_, b, _, _] if b != 0 => 2,
        _ => 1,
    };
    width + 1 + if opens_block { 3 } else { 0 }
}

/// The DVMRP Report builder (`ReportBuilder`) at any MTU: refused only below `MIN_MTU`; every
/// message fits the MTU (with a 20-byte IPv4 header) and its announced length, parses with its
/// checksum verified and carries the builder's header; the routes come out in order, none lost or
/// repeated; a message ends only when the next route does not fit; a route too long for any
/// message stops the builder with `MtuTooSmall`, consuming nothing.
pub fn dvmrp_report_split(data: &[u8]) {
    let mut u = Unstructured::new(data);
    let (Ok(mtu), Ok(mut header), Ok(specs)) = (
        u32::arbitrary(&mut u),
        Header::arbitrary(&mut u),
        Vec::<RouteSpec>::arbitrary_take_rest(u),
    ) else {
        return;
    };
    // An older version's Report is not decoded: keep to version 3 layouts.
    header.version.major = header.version.major.max(3);
    let mtu = match mtu >> 30 {
        0 => mtu % 128,
        1 => mtu % 1024,
        _ => mtu,
    };
    let routes: Vec<Route> = specs.iter().filter_map(RouteSpec::route).collect();
    let mut builder = match ReportBuilder::new(&routes, mtu) {
        Ok(b) => {
            assert!(mtu >= ReportBuilder::MIN_MTU);
            b.with_header(header)
        }
        Err(e) => {
            assert!(mtu < ReportBuilder::MIN_MTU, "MTU {mtu} refused: {e}");
            return;
        }
    };
    let max_len = builder.max_message_len();
    assert_eq!(
        max_len,
        mtu.min(65_535) as usize - ReportBuilder::IPV4_HEADER_LEN
    );
    let mut buf = vec![0u8; max_len];
    let mut sent: Vec<Route> = Vec::new();
    let mut previous_len: Option<usize> = None;
    let mut messages = 0;
    loop {
        assert_eq!(builder.remaining(), &routes[sent.len()..]);
        let announced = builder.next_len();
        match builder.emit_next(&mut buf) {
            Ok(None) => {
                assert_eq!(announced, Ok(None));
                break;
            }
            Ok(Some(len)) => {
                assert_eq!(announced, Ok(Some(len)));
                assert!(len <= max_len, "a {len}-byte report over {max_len}");
                let message = Message::parse(&buf[..len], ChecksumPolicy::Verify)
                    .expect("a built report parses");
                assert_eq!(message.header, header);
                let Body::Report(r) = message.body else {
                    panic!("a built report parses as {message:?}");
                };
                let first = sent.len();
                sent.extend(r.routes());
                assert!(sent.len() > first, "an empty report");
                assert_eq!(
                    sent[..],
                    routes[..sent.len()],
                    "routes changed or reordered"
                );
                if let Some(previous) = previous_len {
                    let opens = first == 0 || block(routes[first - 1]) != block(routes[first]);
                    assert!(
                        previous + entry_len(routes[first], opens) > max_len,
                        "route {first} would have fit in the report before"
                    );
                }
                previous_len = Some(len);
                messages += 1;
                assert!(messages <= routes.len(), "the builder does not end");
            }
            Err(e) => {
                assert_eq!(announced, Err(e));
                let DvmrpError::MtuTooSmall { minimum, .. } = e else {
                    panic!("the builder fails with {e:?}");
                };
                let next = &routes[sent.len()];
                let needed = 20 + 8 + entry_len(*next, true);
                assert!(needed > max_len + 20, "{next} fits but was refused");
                assert_eq!(minimum as usize, needed);
                // Nothing was consumed: the same error again.
                assert_eq!(builder.emit_next(&mut buf), Err(e));
                assert_eq!(builder.remaining(), &routes[sent.len()..]);
                return;
            }
        }
    }
    assert_eq!(sent, routes);
}

/// Messages of every kind the codec decodes, built by it: seeds for the parse target.
#[must_use]
pub fn built() -> Vec<Vec<u8>> {
    let one = Metric::new(1).unwrap();
    let routes = [
        Route::default_route(Metric::new(5).unwrap()),
        Route::new(Ipv4Addr::new(10, 0, 0, 0), 8, one).unwrap(),
        Route::new(Ipv4Addr::new(192, 168, 1, 0), 24, one).unwrap(),
        Route::new(Ipv4Addr::new(192, 168, 2, 0), 24, one.poison_reversed()).unwrap(),
        Route::new(Ipv4Addr::new(192, 168, 2, 7), 32, Metric::INFINITY).unwrap(),
    ];
    let mut out = Vec::new();
    let mut builder = ReportBuilder::new(&routes, 1500).unwrap();
    let mut buf = vec![0u8; 1500];
    while let Some(len) = builder.emit_next(&mut buf).unwrap() {
        out.push(buf[..len].to_vec());
    }
    let neighbors = [[10, 0, 0, 1], [10, 0, 0, 2]];
    let interfaces = [Interface {
        local_address: Ipv4Addr::new(10, 0, 0, 3),
        metric: 1,
        threshold: 1,
        flags: InterfaceFlags::QUERIER | InterfaceFlags::LEAF,
        neighbors: &neighbors,
    }];
    let mut list = vec![0u8; 256];
    let version = *b"3.9\0";
    let items = [InfoItem::new(InfoType::VERSION, &version)];
    let mut info = vec![0u8; 256];
    let graft = Graft {
        source: Ipv4Addr::new(10, 1, 1, 1),
        group: Ipv4Addr::new(239, 1, 1, 1),
        netmask: Some(Ipv4Addr::new(255, 255, 255, 0)),
        trailing: &[],
    };
    let bodies = [
        Body::Probe(Probe {
            generation_id: 0x1234_5678,
            neighbors: &neighbors,
        }),
        Body::AskNeighbors2 { trailing: &[] },
        Body::Neighbors2(Neighbors2::encode(&interfaces, &mut list).unwrap()),
        Body::Prune(Prune {
            source: graft.source,
            group: graft.group,
            lifetime_seconds: 7200,
            netmask: graft.netmask,
            trailing: &[],
        }),
        Body::Graft(graft),
        Body::GraftAck(Graft {
            netmask: None,
            ..graft
        }),
        Body::InfoRequest(Info::encode(&items, &mut info).unwrap()),
        Body::Unknown {
            code: Code(3),
            body: &[1, 2, 3],
        },
    ];
    for body in bodies {
        let message = Message {
            header: Header::default(),
            body,
        };
        let mut buf = vec![0u8; message.buffer_len()];
        message.emit(&mut buf).unwrap();
        out.push(buf);
    }
    out
}
