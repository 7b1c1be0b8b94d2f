//! The peer machine, RFC 3618 §11, one transition a test.

use mcast_msdp::speaker::{
    CloseReason, PeerConfig, PeerError, PeerState, SpeakerEvent, SpeakerTimer,
};

use crate::harness::*;

const ME: std::net::Ipv4Addr = a(5);
const LOWER: std::net::Ipv4Addr = a(9); // we are lower: active
const HIGHER: std::net::Ipv4Addr = a(1); // we are higher: passive

#[test]
fn enable_with_the_lower_address_connects_and_sets_connect_retry() {
    let mut s = speaker(ME);
    s.add_peer(secs(3), PeerConfig::new(LOWER, ME)).unwrap();
    assert_eq!(
        events(&mut s),
        [
            SpeakerEvent::PeerStateChanged {
                peer: LOWER,
                state: PeerState::Inactive
            },
            SpeakerEvent::PeerStateChanged {
                peer: LOWER,
                state: PeerState::Connecting
            },
            SpeakerEvent::Connect {
                peer: LOWER,
                local: ME
            },
        ]
    );
    assert_eq!(
        s.deadline(&SpeakerTimer::ConnectRetry(LOWER)),
        Some(secs(33))
    );
    assert_eq!(s.peer_stats(LOWER).unwrap().connect_attempts, 1);
}

#[test]
fn enable_with_the_higher_address_listens() {
    let mut s = speaker(ME);
    s.add_peer(secs(3), PeerConfig::new(HIGHER, ME)).unwrap();
    assert_eq!(
        events(&mut s),
        [
            SpeakerEvent::PeerStateChanged {
                peer: HIGHER,
                state: PeerState::Inactive
            },
            SpeakerEvent::PeerStateChanged {
                peer: HIGHER,
                state: PeerState::Listen
            },
            SpeakerEvent::Listen {
                peer: HIGHER,
                local: ME
            },
        ]
    );
    assert_eq!(s.poll_timeout(), None);
}

#[test]
fn connect_retry_expiry_aborts_and_opens_again() {
    let mut s = speaker(ME);
    s.add_peer(secs(0), PeerConfig::new(LOWER, ME)).unwrap();
    events(&mut s);
    s.handle_connect_failed(secs(1), LOWER).unwrap();
    s.handle_timeout(secs(29));
    assert!(events(&mut s).is_empty());
    s.handle_timeout(secs(30));
    assert_eq!(
        events(&mut s),
        [
            SpeakerEvent::Close {
                peer: LOWER,
                reason: CloseReason::ConnectRetry
            },
            SpeakerEvent::Connect {
                peer: LOWER,
                local: ME
            },
        ]
    );
    assert_eq!(s.peer_state(LOWER), Some(PeerState::Connecting));
    assert_eq!(
        s.deadline(&SpeakerTimer::ConnectRetry(LOWER)),
        Some(secs(60))
    );
    let stats = s.peer_stats(LOWER).unwrap();
    assert_eq!((stats.connect_attempts, stats.connect_failures), (2, 1));
}

#[test]
fn established_from_connecting_sends_keepalive_and_starts_timers() {
    let mut s = speaker(ME);
    s.add_peer(secs(0), PeerConfig::new(LOWER, ME)).unwrap();
    events(&mut s);
    s.handle_connected(secs(2), LOWER).unwrap();
    assert_eq!(
        events(&mut s),
        [SpeakerEvent::PeerStateChanged {
            peer: LOWER,
            state: PeerState::Established
        }]
    );
    assert_eq!(s.deadline(&SpeakerTimer::ConnectRetry(LOWER)), None);
    assert_eq!(s.deadline(&SpeakerTimer::Hold(LOWER)), Some(secs(77)));
    assert_eq!(s.deadline(&SpeakerTimer::KeepAlive(LOWER)), Some(secs(62)));
    assert_eq!(sent(&mut s).remove(&LOWER).unwrap(), [Msg::Keepalive]);
}

#[test]
fn established_from_listen_sends_keepalive_and_starts_timers() {
    let mut s = speaker(ME);
    s.add_peer(secs(0), PeerConfig::new(HIGHER, ME)).unwrap();
    events(&mut s);
    s.handle_connected(secs(4), HIGHER).unwrap();
    assert_eq!(s.peer_state(HIGHER), Some(PeerState::Established));
    assert_eq!(s.deadline(&SpeakerTimer::Hold(HIGHER)), Some(secs(79)));
    assert_eq!(s.deadline(&SpeakerTimer::KeepAlive(HIGHER)), Some(secs(64)));
    assert_eq!(sent(&mut s).remove(&HIGHER).unwrap(), [Msg::Keepalive]);
}

#[test]
fn connection_inputs_in_the_wrong_state_are_refused() {
    let mut s = speaker(ME);
    assert_eq!(
        s.handle_connected(secs(0), LOWER),
        Err(PeerError::UnknownPeer(LOWER))
    );
    establish(&mut s, secs(0), PeerConfig::new(LOWER, ME));
    assert_eq!(
        s.handle_connected(secs(1), LOWER),
        Err(PeerError::UnexpectedState {
            peer: LOWER,
            state: PeerState::Established
        })
    );
    assert!(s.handle_connect_failed(secs(1), LOWER).is_err());
    s.add_peer(secs(0), PeerConfig::new(HIGHER, ME)).unwrap();
    assert!(s.handle_bytes(secs(1), HIGHER, &keepalive_bytes()).is_err());
    assert_eq!(s.peer_stats(HIGHER).unwrap().bytes_unexpected, 3);
    assert!(s.handle_closed(secs(1), HIGHER).is_err());
}

#[test]
fn keepalive_timer_expiry_sends_a_keepalive_and_restarts() {
    let mut s = with_peers(ME, &[LOWER]);
    s.handle_timeout(secs(60));
    assert_eq!(sent(&mut s).remove(&LOWER).unwrap(), [Msg::Keepalive]);
    assert_eq!(s.deadline(&SpeakerTimer::KeepAlive(LOWER)), Some(secs(120)));
}

#[test]
fn every_message_sent_restarts_the_keepalive_timer() {
    let mut s = with_peers(ME, &[LOWER]);
    s.add_local_source(secs(20), &mut Rng(7), src(1), grp(1), &[]);
    assert_eq!(s.deadline(&SpeakerTimer::KeepAlive(LOWER)), Some(secs(80)));
}

#[test]
fn every_message_received_restarts_the_hold_timer() {
    let mut s = with_peers(ME, &[LOWER]);
    s.handle_bytes(secs(50), LOWER, &keepalive_bytes()).unwrap();
    assert_eq!(s.deadline(&SpeakerTimer::Hold(LOWER)), Some(secs(125)));
    // Half a message is not a message.
    s.handle_bytes(secs(60), LOWER, &[4, 0]).unwrap();
    assert_eq!(s.deadline(&SpeakerTimer::Hold(LOWER)), Some(secs(125)));
    s.handle_bytes(secs(70), LOWER, &[3]).unwrap();
    assert_eq!(s.deadline(&SpeakerTimer::Hold(LOWER)), Some(secs(145)));
}

#[test]
fn hold_timer_expiry_closes_and_the_active_side_reconnects_after_connect_retry() {
    let mut s = with_peers(ME, &[LOWER]);
    s.handle_timeout(secs(75));
    let evs = events(&mut s);
    assert_eq!(
        evs,
        [
            SpeakerEvent::Close {
                peer: LOWER,
                reason: CloseReason::HoldTimerExpired
            },
            SpeakerEvent::PeerStateChanged {
                peer: LOWER,
                state: PeerState::Inactive
            },
        ]
    );
    assert_eq!(s.peer_stats(LOWER).unwrap().closed_hold_timer, 1);
    assert_eq!(s.deadline(&SpeakerTimer::KeepAlive(LOWER)), None);
    assert_eq!(s.deadline(&SpeakerTimer::Hold(LOWER)), None);
    assert_eq!(
        s.deadline(&SpeakerTimer::ConnectRetry(LOWER)),
        Some(secs(105))
    );
    s.handle_timeout(secs(105));
    assert_eq!(
        events(&mut s),
        [
            SpeakerEvent::PeerStateChanged {
                peer: LOWER,
                state: PeerState::Connecting
            },
            SpeakerEvent::Connect {
                peer: LOWER,
                local: ME
            },
        ]
    );
}

#[test]
fn a_close_by_the_peer_makes_the_passive_side_listen_again() {
    let mut s = with_peers(ME, &[HIGHER]);
    s.handle_closed(secs(10), HIGHER).unwrap();
    assert_eq!(
        events(&mut s),
        [
            SpeakerEvent::PeerStateChanged {
                peer: HIGHER,
                state: PeerState::Inactive
            },
            SpeakerEvent::PeerStateChanged {
                peer: HIGHER,
                state: PeerState::Listen
            },
            SpeakerEvent::Listen {
                peer: HIGHER,
                local: ME
            },
        ]
    );
    assert_eq!(s.peer_stats(HIGHER).unwrap().closed_by_peer, 1);
    assert_eq!(s.poll_timeout(), None);
}

#[test]
fn a_tlv_format_error_closes_the_connection() {
    let mut s = with_peers(ME, &[LOWER]);
    // A KeepAlive, then a TLV of Length 2, then bytes that are never looked at.
    let mut bytes = keepalive_bytes();
    bytes.extend_from_slice(&[1, 0, 2, 9, 9, 9]);
    s.handle_bytes(secs(1), LOWER, &bytes).unwrap();
    let evs = events(&mut s);
    assert_eq!(
        evs[0],
        SpeakerEvent::Close {
            peer: LOWER,
            reason: CloseReason::TlvFormatError
        }
    );
    let stats = s.peer_stats(LOWER).unwrap();
    assert_eq!((stats.closed_tlv_error, stats.messages_received), (1, 1));
    assert_eq!(s.peer_state(LOWER), Some(PeerState::Inactive));
    // An SA whose Entry Count does not fit its Length, on a new connection.
    s.handle_timeout(secs(31));
    s.handle_connected(secs(31), LOWER).unwrap();
    s.handle_bytes(
        secs(32),
        LOWER,
        &[
            1, 0, 20, 5, 1, 1, 1, 1, 0, 0, 0, 32, 239, 1, 1, 1, 10, 0, 0, 1, 4, 0, 3,
        ],
    )
    .unwrap();
    assert_eq!(s.peer_stats(LOWER).unwrap().closed_tlv_error, 2);
}

#[test]
fn a_notification_closes_the_connection() {
    let mut s = with_peers(ME, &[LOWER]);
    s.handle_bytes(secs(1), LOWER, &notification_bytes())
        .unwrap();
    assert_eq!(
        events(&mut s)[0],
        SpeakerEvent::Close {
            peer: LOWER,
            reason: CloseReason::NotificationReceived
        }
    );
    assert_eq!(s.peer_stats(LOWER).unwrap().closed_notification, 1);
}

#[test]
fn an_unknown_tlv_is_ignored_and_keeps_the_connection() {
    let mut s = with_peers(ME, &[LOWER]);
    s.handle_bytes(secs(1), LOWER, &[6, 0, 5, 1, 2]).unwrap();
    s.handle_bytes(secs(1), LOWER, &[200, 0, 3]).unwrap();
    assert_eq!(s.peer_state(LOWER), Some(PeerState::Established));
    assert_eq!(s.peer_stats(LOWER).unwrap().unknown_received, 2);
}

#[test]
fn disable_from_each_state_closes_and_enable_starts_again() {
    // Connecting.
    let mut s = speaker(ME);
    s.add_peer(secs(0), PeerConfig::new(LOWER, ME)).unwrap();
    events(&mut s);
    assert!(s.set_peer_enabled(secs(1), LOWER, false));
    assert_eq!(
        events(&mut s),
        [
            SpeakerEvent::Close {
                peer: LOWER,
                reason: CloseReason::Disabled
            },
            SpeakerEvent::PeerStateChanged {
                peer: LOWER,
                state: PeerState::Disabled
            },
        ]
    );
    assert_eq!(s.poll_timeout(), None);
    // Listen.
    s.add_peer(secs(0), PeerConfig::new(HIGHER, ME)).unwrap();
    events(&mut s);
    s.set_peer_enabled(secs(1), HIGHER, false);
    assert_eq!(
        events(&mut s)[0],
        SpeakerEvent::Close {
            peer: HIGHER,
            reason: CloseReason::Disabled
        }
    );
    // Established: timers and queued bytes go.
    s.set_peer_enabled(secs(2), LOWER, true);
    s.handle_connected(secs(2), LOWER).unwrap();
    events(&mut s);
    s.set_peer_enabled(secs(3), LOWER, false);
    assert_eq!(s.peer_state(LOWER), Some(PeerState::Disabled));
    assert_eq!(s.poll_timeout(), None);
    assert!(s.poll_transmit().is_none());
    // Enabling again connects.
    s.set_peer_enabled(secs(4), LOWER, true);
    assert_eq!(s.peer_state(LOWER), Some(PeerState::Connecting));
}

#[test]
fn removing_a_peer_closes_it_and_forgets_it() {
    let mut s = with_peers(ME, &[LOWER]);
    assert!(s.remove_peer(secs(1), LOWER));
    assert_eq!(
        events(&mut s)[0],
        SpeakerEvent::Close {
            peer: LOWER,
            reason: CloseReason::Disabled
        }
    );
    assert_eq!(s.peer_state(LOWER), None);
    assert_eq!(s.poll_timeout(), None);
    assert!(!s.remove_peer(secs(1), LOWER));
}

#[test]
fn configuration_errors() {
    let mut s = speaker(ME);
    assert!(s.add_peer(secs(0), PeerConfig::new(ME, ME)).is_err());
    s.add_peer(secs(0), PeerConfig::new(LOWER, ME)).unwrap();
    assert!(s.add_peer(secs(0), PeerConfig::new(LOWER, ME)).is_err());
}
