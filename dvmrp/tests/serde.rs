//! The router's public data through serde (JSON), with the `serde` feature.
#![cfg(all(feature = "serde", feature = "alloc"))]

use std::net::Ipv4Addr;
use std::time::Duration;

use mcast_dvmrp::router::{
    Forwarding, InterfaceConfig, InterfaceId, OutgoingInterface, Router, RouterConfig, RouterEvent,
    RouterStats, RouterTimer, SourceNetwork, Transmit,
};

fn round_trip<T: serde::Serialize + serde::de::DeserializeOwned + PartialEq + std::fmt::Debug>(
    value: &T,
) {
    let json = serde_json::to_string(value).unwrap();
    let back: T = serde_json::from_str(&json).unwrap();
    assert_eq!(&back, value, "{json}");
}

#[test]
fn configuration_events_timers_transmissions_and_counters_round_trip() {
    let source = SourceNetwork::new(Ipv4Addr::new(192, 168, 7, 0), 24).unwrap();
    round_trip(&RouterConfig::new(7));
    round_trip(&InterfaceConfig::new(Ipv4Addr::new(10, 0, 0, 1), 24).with_threshold(16));
    round_trip(&RouterTimer::DownstreamPrune(
        source,
        Ipv4Addr::new(239, 1, 1, 1),
        InterfaceId(3),
        Ipv4Addr::new(10, 0, 0, 2),
    ));
    round_trip(&RouterEvent::ForwardingChanged(Forwarding {
        source,
        group: Ipv4Addr::new(239, 1, 1, 1),
        incoming: InterfaceId(1),
        outgoing: vec![OutgoingInterface {
            interface: InterfaceId(2),
            threshold: 1,
        }],
    }));
    let mut router = Router::new(RouterConfig::new(7));
    router
        .add_interface(
            Duration::ZERO,
            InterfaceId(1),
            InterfaceConfig::new(Ipv4Addr::new(10, 0, 0, 1), 24),
        )
        .unwrap();
    let probe: Transmit = router.poll_transmit().unwrap();
    round_trip(&probe);
    round_trip(router.stats());
    round_trip(&RouterStats::default());
    round_trip(&router.routes().next().unwrap());
}

#[test]
fn a_source_network_that_a_report_cannot_carry_does_not_deserialize() {
    for json in [
        r#"{"address":"10.0.0.1","prefix_len":24}"#,
        r#"{"address":"10.0.0.0","prefix_len":4}"#,
        r#"{"address":"10.0.0.0","prefix_len":40}"#,
    ] {
        assert!(
            serde_json::from_str::<SourceNetwork>(json).is_err(),
            "{json}"
        );
    }
    let ok: SourceNetwork =
        serde_json::from_str(r#"{"address":"10.0.0.0","prefix_len":24}"#).unwrap();
    assert_eq!(ok.prefix_len(), 24);
}
