//! The router entry points the snooping switch and the proxy are built on:
//! `enable_as_non_querier`, `handle_received`, `handle_group_record`, `remove_group`.

mod common;

use std::net::Ipv4Addr;

use common::{bytes, query, record, secs};
use mcast_addr::family::Ipv4;
use mcast_igmp::gmp::codec::Codec;
use mcast_igmp::gmp::{FilterMode, Message, RecordType, RouterConfig, Version};
use mcast_igmp::router::{Router, RouterEvent, RouterTimer};

const GROUP: Ipv4Addr = Ipv4Addr::new(239, 9, 9, 9);
const HOST: Ipv4Addr = Ipv4Addr::new(192, 0, 2, 20);
const ALL_V3: Ipv4Addr = Ipv4Addr::new(224, 0, 0, 22);

fn non_querier() -> Router<Ipv4, std::time::Duration> {
    let mut router = Router::new(RouterConfig::new(Ipv4Addr::new(192, 0, 2, 100)));
    router.enable_as_non_querier(secs(0));
    router
}

#[test]
fn a_non_querier_only_router_never_queries_nor_becomes_querier() {
    let mut router = non_querier();
    assert!(!router.is_querier());
    router.handle_message(
        secs(0),
        HOST,
        &record(RecordType::ChangeToExcludeMode, GROUP, vec![]),
    );
    router.handle_message(secs(1), HOST, &Message::Leave { group: GROUP });
    router.handle_timeout(secs(100_000));
    assert!(!router.is_querier());
    assert!(router.poll_transmit().is_none());
    assert!(
        !core::iter::from_fn(|| router.poll_event())
            .any(|e| matches!(e, RouterEvent::QuerierChanged { .. }))
    );
}

#[test]
fn a_non_querier_only_router_follows_any_querier_address() {
    let mut router = non_querier();
    router.handle_message(
        secs(0),
        HOST,
        &record(RecordType::ChangeToExcludeMode, GROUP, vec![]),
    );
    // A querier with a higher address than the router's own: its specific Query still lowers
    // the Group Timer to the Last Member Query Time (§6.6.1).
    let querier = Ipv4Addr::new(192, 0, 2, 200);
    router.handle_message(
        secs(10),
        querier,
        &query(Version::V3, GROUP, secs(1), vec![]),
    );
    assert_eq!(
        router.deadline(&RouterTimer::GroupTimer(GROUP)),
        Some(secs(12))
    );
    assert_eq!(router.querier(), None);
    router.handle_message(
        secs(10),
        querier,
        &query(Version::V3, Ipv4Addr::UNSPECIFIED, secs(10), vec![]),
    );
    assert_eq!(router.querier(), Some(querier));
    router.handle_timeout(secs(12));
    assert_eq!(router.filter_mode(GROUP), None);
}

#[test]
fn handle_received_and_handle_group_record_act_as_handle_packet() {
    let message = record(
        RecordType::ModeIsInclude,
        GROUP,
        vec![Ipv4Addr::new(198, 51, 100, 1)],
    );
    let packet = bytes::<Ipv4>(&message, HOST, ALL_V3);
    let mut by_packet = non_querier();
    by_packet
        .handle_packet(secs(1), HOST, ALL_V3, &packet)
        .unwrap();
    let mut by_view = non_querier();
    by_view.handle_received(
        secs(1),
        HOST,
        <Ipv4 as Codec>::parse(&packet, HOST, ALL_V3).unwrap(),
    );
    let mut by_record = non_querier();
    by_record.handle_group_record(
        secs(1),
        RecordType::ModeIsInclude,
        GROUP,
        [Ipv4Addr::new(198, 51, 100, 1)].into_iter(),
    );
    for router in [&by_view, &by_record] {
        assert_eq!(router.filter_mode(GROUP), by_packet.filter_mode(GROUP));
        assert_eq!(
            router.sources(GROUP).collect::<Vec<_>>(),
            by_packet.sources(GROUP).collect::<Vec<_>>()
        );
    }
    assert_eq!(by_view.stats().reports_received, 1);
    assert_eq!(by_record.stats().reports_received, 0);
}

#[test]
fn remove_group_deletes_the_record_and_its_timers() {
    let mut router = non_querier();
    router.handle_message(
        secs(0),
        HOST,
        &record(RecordType::ModeIsExclude, GROUP, vec![]),
    );
    while router.poll_event().is_some() {}
    assert!(router.remove_group(GROUP));
    assert_eq!(
        router.poll_event(),
        Some(RouterEvent::FilterModeChanged {
            group: GROUP,
            mode: None
        })
    );
    assert_eq!(router.filter_mode(GROUP), None::<FilterMode>);
    assert_eq!(router.poll_timeout(), None);
    assert!(!router.remove_group(GROUP));
}
