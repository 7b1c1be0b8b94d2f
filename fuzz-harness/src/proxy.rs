//! Target for the IGMP/MLD proxy of `mcast-igmp` (`proxy::Proxy`), IPv4 and IPv6, driven by
//! arbitrary group management messages (built by the codec, or raw bytes) on its upstream and
//! two downstream interfaces, interfaces added and removed, enable/disable, and clock advances.
//!
//! After every step the checks hold: nothing panicked; `handle_timeout(now)` left no deadline at
//! or before `now`; every transmitted message parses with the codec and leaves by an interface
//! the proxy has (queries downstream only, reports upstream only); the membership database is
//! exactly the RFC 4605 §4.1 merge of the downstream routers' records (EXCLUDE ones left out
//! for SSM groups); `interfaces_for` never names the ingress interface, names the upstream one
//! exactly for traffic from downstream, and a downstream one only where the proxy is querier
//! and its router forwards.

use std::collections::BTreeSet;
use std::time::Duration;

use crate::rng::XorShift;
use arbitrary::{Arbitrary, Unstructured};
use mcast_addr::family::{Ipv4, Ipv6};
use mcast_igmp::gmp::{FilterMode, Message, RouterConfig, codec};
use mcast_igmp::proxy::{InterfaceId, Proxy, ProxyConfig};

use crate::gmp_sm::Pools;
use crate::snoop::{MessageSpec, Pick};

const UPSTREAM: InterfaceId = InterfaceId(0);
const INTERFACES: [InterfaceId; 3] = [UPSTREAM, InterfaceId(1), InterfaceId(2)];

#[derive(Debug, Arbitrary)]
enum Step {
    Deliver(u8, Pick, MessageSpec),
    Raw(u8, Pick, Vec<u8>),
    Advance(u32),
    NextDeadline,
    AddDownstream(u8, Pick),
    RemoveDownstream(u8),
    Enable,
    Disable,
}

/// The IGMP/MLD proxy (`proxy::Proxy`) under an arbitrary scenario, IPv4 or IPv6. See the module
/// documentation for the checks.
pub fn igmp_proxy(data: &[u8]) {
    let mut u = Unstructured::new(data);
    match bool::arbitrary(&mut u) {
        Ok(false) => proxy::<Ipv4>(u),
        Ok(true) => proxy::<Ipv6>(u),
        Err(_) => {}
    }
}

fn is_ssm<F: Pools>(group: F::Addr) -> bool {
    RouterConfig::<F>::new(F::UNSPECIFIED).is_ssm(group)
}

#[allow(clippy::too_many_lines)]
fn proxy<F: Pools>(mut u: Unstructured<'_>) {
    let Ok(seed) = u64::arbitrary(&mut u) else {
        return;
    };
    let mut rng = XorShift(seed | 1);
    let (groups, sources) = (F::groups(), F::sources());
    let mut now = Duration::from_secs(1);
    let mut proxy = Proxy::<F, Duration>::new(ProxyConfig::new(UPSTREAM, sources[1]));
    proxy.enable(now, &mut rng);
    let trace = std::env::var_os("MCAST_FUZZ_TRACE").is_some();
    let mut steps = 0;
    while !u.is_empty() && steps < 128 {
        steps += 1;
        let Ok(step) = Step::arbitrary(&mut u) else {
            break;
        };
        if trace {
            eprintln!("{now:?}: {step:?}");
        }
        match step {
            Step::Deliver(i, from, spec) => {
                let interface = INTERFACES[usize::from(i) % 3];
                let message = spec.message::<F>();
                let source = from.of(&sources);
                let destination = match &message {
                    Message::Query(_) => F::ALL_SYSTEMS,
                    Message::Report { group, .. } => *group,
                    Message::Leave { .. } => F::ALL_ROUTERS,
                    Message::ReportV3(_) => F::ALL_V3_ROUTERS,
                };
                for packet in
                    codec::encode::<F>(&message, source, destination, 1500).unwrap_or_default()
                {
                    proxy
                        .handle_packet(now, &mut rng, interface, source, destination, &packet)
                        .expect("a packet the codec built is accepted");
                }
            }
            Step::Raw(i, from, bytes) => {
                let interface = INTERFACES[usize::from(i) % 3];
                let _ = proxy.handle_packet(
                    now,
                    &mut rng,
                    interface,
                    from.of(&sources),
                    F::ALL_SYSTEMS,
                    &bytes,
                );
            }
            Step::Advance(ms) => {
                now = now.saturating_add(Duration::from_millis(u64::from(ms % 600_000)));
            }
            Step::NextDeadline => {
                if let Some(deadline) = proxy.poll_timeout() {
                    now = now.max(deadline);
                }
            }
            Step::AddDownstream(i, address) => {
                let interface = INTERFACES[usize::from(i) % 3];
                proxy.add_downstream(
                    now,
                    &mut rng,
                    interface,
                    RouterConfig::new(address.of(&sources)),
                );
            }
            Step::RemoveDownstream(i) => {
                proxy.remove_downstream(now, &mut rng, INTERFACES[usize::from(i) % 3]);
            }
            Step::Enable => proxy.enable(now, &mut rng),
            Step::Disable => proxy.disable(now),
        }
        proxy.handle_timeout(now, &mut rng);
        if let Some(deadline) = proxy.poll_timeout() {
            assert!(
                deadline > now,
                "handle_timeout({now:?}) left a deadline at {deadline:?}"
            );
        }
        let downstream: BTreeSet<InterfaceId> = proxy.downstream_interfaces().collect();
        assert!(
            !downstream.contains(&UPSTREAM),
            "the upstream runs a router"
        );
        while let Some(t) = proxy.poll_transmit() {
            let message = t
                .transmit
                .message()
                .unwrap_or_else(|e| panic!("a transmitted message does not parse: {e}"));
            if t.interface == UPSTREAM {
                assert!(!matches!(message, Message::Query(_)), "a query upstream");
            } else {
                assert!(
                    downstream.contains(&t.interface),
                    "sent on {:?}",
                    t.interface
                );
                assert!(matches!(message, Message::Query(_)), "a report downstream");
            }
        }
        while proxy.poll_event().is_some() {}
        // The database is the §4.1 merge of the downstream records, for every group.
        if proxy.upstream().compatibility_mode() == mcast_igmp::gmp::Version::V3 {
            for &group in &groups {
                let mut include: BTreeSet<F::Addr> = BTreeSet::new();
                let mut exclude: Option<BTreeSet<F::Addr>> = None;
                for interface in &downstream {
                    let router = proxy.downstream(*interface).unwrap();
                    match router.filter_mode(group) {
                        Some(FilterMode::Include) => {
                            include.extend(router.sources(group).map(|(s, _)| s));
                        }
                        Some(FilterMode::Exclude) if !is_ssm::<F>(group) => {
                            let y: BTreeSet<F::Addr> = router
                                .sources(group)
                                .filter(|(_, s)| !s.forwarded)
                                .map(|(s, _)| s)
                                .collect();
                            exclude = Some(match exclude {
                                None => y,
                                Some(x) => x.intersection(&y).copied().collect(),
                            });
                        }
                        _ => {}
                    }
                }
                let expected = match exclude {
                    Some(x) => Some((
                        FilterMode::Exclude,
                        x.difference(&include).copied().collect::<BTreeSet<_>>(),
                    )),
                    None if include.is_empty() => None,
                    None => Some((FilterMode::Include, include)),
                };
                let got = proxy.membership(group).map(|(m, s)| (m, s.clone()));
                assert_eq!(got, expected, "the database of {group}");
            }
        }
        // Forwarding (§4.2).
        for &group in &groups {
            for &source in &sources[..3] {
                for ingress in INTERFACES {
                    let out = proxy.interfaces_for(source, group, ingress);
                    assert!(!out.contains(&ingress));
                    assert_eq!(
                        out.contains(&UPSTREAM),
                        ingress != UPSTREAM && downstream.contains(&ingress)
                    );
                    for interface in out.iter().filter(|i| **i != UPSTREAM) {
                        let router = proxy.downstream(*interface).unwrap();
                        assert!(router.is_querier() && router.should_forward(source, group));
                    }
                }
            }
        }
    }
}
