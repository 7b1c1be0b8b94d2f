//! Interfaces, Hellos and neighbors (RFC 7761 §4.3): the Hello Timer, triggered Hellos, the
//! Neighbor Liveness Timer, Generation IDs, DR election (§4.3.2) and the LAN Prune Delay
//! option with Join suppression (§4.3.3).

use alloc::collections::BTreeMap;
use alloc::vec::Vec;
use core::time::Duration;

use mcast_addr::family::IpFamily;
use mcast_addr::time::Timestamp;
use rand_core::Rng;

use super::config::{InterfaceConfig, OVERRIDE_INTERVAL_DEFAULT, PROPAGATION_DELAY_DEFAULT};
use super::prefix::Prefix;
use super::{Event, InterfaceId, MIN_PERIOD, Router, Timer, all_pim_routers};
use crate::wire::{
    Hello, HelloOptionRepr, HelloRepr, Holdtime, LanPruneDelay, MessageRepr, PseudoHeader,
};

/// What a neighbor said in its last Hello (RFC 7761 §4.3.1, §4.9.2).
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct NeighborInfo<A> {
    /// Its primary address (the source of its Hellos).
    pub address: A,
    /// The Holdtime it advertised.
    pub holdtime: Duration,
    /// DR Priority, if it sent the option (§4.3.2).
    pub dr_priority: Option<u32>,
    /// Generation ID, if it sent the option.
    pub generation_id: Option<u32>,
    /// Propagation_Delay, Override_Interval and the T bit, if it sent the LAN Prune Delay
    /// option (§4.3.3).
    pub lan_prune_delay: Option<LanPruneDelay>,
    /// Its secondary addresses (the Address List option, RFC 7761 §4.3.4).
    pub secondary: Vec<A>,
}

/// One PIM interface.
#[derive(Debug, Clone)]
pub(crate) struct Interface<F: IpFamily, T> {
    pub(crate) config: InterfaceConfig,
    pub(crate) up: bool,
    /// my_ip_address(I): the primary address, source of every message sent on I.
    pub(crate) address: F::Addr,
    /// The connected subnet: DirectlyConnected(S) for S in it.
    pub(crate) subnet: Prefix<F>,
    pub(crate) secondary: Vec<F::Addr>,
    pub(crate) generation_id: u32,
    /// A Hello with the current address was sent since the interface came up and since the
    /// last new or restarted neighbor appeared (§4.3.1: one must precede any Join/Prune or
    /// Assert).
    pub(crate) hello_sent: bool,
    pub(crate) neighbors: BTreeMap<F::Addr, NeighborInfo<F::Addr>>,
    pub(crate) dr: F::Addr,
    pub(crate) neighbor_gate: super::Gate,
    pub(crate) downstream_count: usize,
    pub(crate) downstream_gate: super::Gate,
    pub(crate) _clock: core::marker::PhantomData<T>,
}

impl<F: IpFamily, T> Interface<F, T> {
    /// `lan_delay_enabled(I)` (§4.3.3): every neighbor sent the LAN Prune Delay option.
    pub(crate) fn lan_delay_enabled(&self) -> bool {
        self.neighbors.values().all(|n| n.lan_prune_delay.is_some())
    }

    /// `Effective_Propagation_Delay(I)` (§4.3.3).
    pub(crate) fn effective_propagation_delay(&self) -> Duration {
        if !self.lan_delay_enabled() {
            return PROPAGATION_DELAY_DEFAULT;
        }
        self.neighbors
            .values()
            .filter_map(|n| n.lan_prune_delay.map(|l| l.propagation_delay()))
            .fold(self.config.propagation_delay, Duration::max)
    }

    /// `Effective_Override_Interval(I)` (§4.3.3).
    pub(crate) fn effective_override_interval(&self) -> Duration {
        if !self.lan_delay_enabled() {
            return OVERRIDE_INTERVAL_DEFAULT;
        }
        self.neighbors
            .values()
            .filter_map(|n| n.lan_prune_delay.map(|l| l.override_interval()))
            .fold(self.config.override_interval, Duration::max)
    }

    /// `Suppression_Enabled(I)` (§4.3.3): Join suppression stays on unless this router and
    /// every neighbor can track.
    pub(crate) fn suppression_enabled(&self) -> bool {
        if !self.lan_delay_enabled() || !self.config.tracking_support {
            return true;
        }
        self.neighbors
            .values()
            .any(|n| n.lan_prune_delay.is_none_or(|l| !l.tracking_support))
    }

    /// `J/P_Override_Interval(I)` (§4.11): Effective_Propagation_Delay + Effective_Override_
    /// Interval.
    pub(crate) fn join_prune_override_interval(&self) -> Duration {
        self.effective_propagation_delay()
            .saturating_add(self.effective_override_interval())
    }

    /// The Prune-Pending Timer's setting (§4.5.1): J/P_Override_Interval(I) on a LAN with more
    /// than one neighbor, zero otherwise.
    pub(crate) fn prune_pending_delay(&self) -> Duration {
        if self.neighbors.len() > 1 {
            self.join_prune_override_interval()
        } else {
            Duration::ZERO
        }
    }

    /// `dr(I)` (§4.3.2): priority decides if every neighbor advertised one, the address
    /// otherwise.
    fn elect_dr(&self) -> F::Addr {
        let all_priorities = self.neighbors.values().all(|n| n.dr_priority.is_some());
        let mut dr = (self.config.dr_priority, self.address);
        for n in self.neighbors.values() {
            let candidate = (n.dr_priority.unwrap_or(0), n.address);
            let better = if all_priorities {
                candidate > dr
            } else {
                candidate.1 > dr.1
            };
            if better {
                dr = candidate;
            }
        }
        dr.1
    }

    /// NBR(I, A) (§4.1.6): the primary address of the neighbor that has `addr` as its primary
    /// or a secondary address.
    pub(crate) fn nbr(&self, addr: F::Addr) -> Option<F::Addr> {
        if self.neighbors.contains_key(&addr) {
            return Some(addr);
        }
        self.neighbors
            .values()
            .find(|n| n.secondary.contains(&addr))
            .map(|n| n.address)
    }

    /// Whether `addr` is one of this router's addresses on the interface.
    pub(crate) fn is_mine(&self, addr: F::Addr) -> bool {
        self.address == addr || self.secondary.contains(&addr)
    }
}

impl<F: IpFamily, T: Timestamp, R: Rng> Router<F, T, R> {
    /// Adds a PIM interface, down: `address` is my_ip_address(I), `prefix_len` gives its
    /// connected subnet. Replaces an interface of the same id (which is brought down first).
    pub fn add_interface(
        &mut self,
        now: T,
        interface: InterfaceId,
        address: F::Addr,
        prefix_len: u8,
        config: InterfaceConfig,
    ) {
        if self.interfaces.contains_key(&interface) {
            self.remove_interface(now, interface);
        }
        let generation_id = self.rng.next_u32();
        self.interfaces.insert(
            interface,
            Interface {
                config,
                up: false,
                address,
                subnet: Prefix::new(address, prefix_len),
                secondary: Vec::new(),
                generation_id,
                hello_sent: false,
                neighbors: BTreeMap::new(),
                dr: address,
                neighbor_gate: super::Gate::default(),
                downstream_count: 0,
                downstream_gate: super::Gate::default(),
                _clock: core::marker::PhantomData,
            },
        );
    }

    /// Brings the interface down (a Hello with Holdtime 0 first, §4.3.1) and removes it.
    pub fn remove_interface(&mut self, now: T, interface: InterfaceId) {
        self.interface_down(now, interface);
        self.interfaces.remove(&interface);
        self.mark_all();
        self.finish(now);
    }

    /// Brings the interface up: the first Hello goes out after a random delay of up to
    /// Triggered_Hello_Delay (§4.3.1), with a new Generation ID.
    pub fn interface_up(&mut self, now: T, interface: InterfaceId) {
        let Some(i) = self.interfaces.get(&interface) else {
            return;
        };
        if i.up {
            return;
        }
        let delay = i.config.triggered_hello_delay;
        let passive = i.config.passive;
        let generation_id = self.rng.next_u32();
        if let Some(i) = self.interfaces.get_mut(&interface) {
            i.up = true;
            i.hello_sent = false;
            i.generation_id = generation_id;
            i.dr = i.address;
        }
        if !passive {
            let after = self.random(Duration::ZERO, delay);
            self.schedule(Timer::Hello(interface), now, after);
        }
        self.push_event(Event::DrChanged {
            interface,
            dr: self
                .interfaces
                .get(&interface)
                .map_or(F::UNSPECIFIED, |i| i.address),
        });
        self.mark_all();
        self.finish(now);
    }

    /// Brings the interface down: a Hello with Holdtime 0 tells the neighbors at once
    /// (§4.3.1); its neighbors and downstream and Assert state are forgotten.
    pub fn interface_down(&mut self, now: T, interface: InterfaceId) {
        let Some(i) = self.interfaces.get(&interface) else {
            return;
        };
        if !i.up {
            return;
        }
        let passive = i.config.passive;
        let neighbors: Vec<F::Addr> = i.neighbors.keys().copied().collect();
        if !passive {
            self.send_hello(interface, Duration::ZERO);
        }
        if let Some(i) = self.interfaces.get_mut(&interface) {
            i.up = false;
            i.hello_sent = false;
            i.neighbors.clear();
        }
        self.timers.cancel(&Timer::Hello(interface));
        for n in neighbors {
            self.timers.cancel(&Timer::NeighborLiveness(interface, n));
            self.push_event(Event::NeighborDown {
                interface,
                neighbor: n,
            });
        }
        self.forget_interface_state(interface);
        self.mark_all();
        self.finish(now);
    }

    /// Changes the settings of an interface; a changed DR priority or LAN Prune Delay is
    /// announced by a triggered Hello (§4.3.1).
    pub fn set_interface_config(
        &mut self,
        now: T,
        interface: InterfaceId,
        config: InterfaceConfig,
    ) {
        let Some(i) = self.interfaces.get_mut(&interface) else {
            return;
        };
        let delay = config.triggered_hello_delay;
        i.config = config;
        let up = i.up && !i.config.passive;
        if up {
            let after = self.random(Duration::ZERO, delay);
            self.trigger_hello(now, interface, after);
        }
        self.elect(interface);
        self.mark_all();
        self.finish(now);
    }

    /// Sets the secondary addresses of an interface, advertised in the Address List option
    /// (RFC 7761 §4.3.4).
    pub fn set_secondary_addresses(
        &mut self,
        now: T,
        interface: InterfaceId,
        addresses: Vec<F::Addr>,
    ) {
        if let Some(i) = self.interfaces.get_mut(&interface) {
            i.secondary = addresses;
        }
        self.finish(now);
    }

    /// The interfaces, in id order.
    pub fn interfaces(&self) -> impl Iterator<Item = InterfaceId> + '_ {
        self.interfaces.keys().copied()
    }

    /// The neighbors of an interface (`show ip pim neighbor`).
    pub fn neighbors(
        &self,
        interface: InterfaceId,
    ) -> impl Iterator<Item = &NeighborInfo<F::Addr>> + '_ {
        self.interfaces
            .get(&interface)
            .into_iter()
            .flat_map(|i| i.neighbors.values())
    }

    /// my_ip_address(I): the primary address of an interface.
    #[must_use]
    pub fn interface_address(&self, interface: InterfaceId) -> Option<F::Addr> {
        self.interfaces.get(&interface).map(|i| i.address)
    }

    /// The DR of an interface (§4.3.2), when it is up.
    #[must_use]
    pub fn dr(&self, interface: InterfaceId) -> Option<F::Addr> {
        self.interfaces
            .get(&interface)
            .filter(|i| i.up)
            .map(|i| i.dr)
    }

    /// `I_am_DR(I)` (§4.3.2).
    #[must_use]
    pub fn i_am_dr(&self, interface: InterfaceId) -> bool {
        self.interfaces
            .get(&interface)
            .is_some_and(|i| i.up && i.dr == i.address)
    }

    pub(super) fn is_neighbor(&self, interface: InterfaceId, addr: F::Addr) -> bool {
        self.interfaces
            .get(&interface)
            .is_some_and(|i| i.neighbors.contains_key(&addr))
    }

    fn elect(&mut self, interface: InterfaceId) {
        let Some(i) = self.interfaces.get_mut(&interface) else {
            return;
        };
        if !i.up {
            return;
        }
        let dr = i.elect_dr();
        if dr != i.dr {
            i.dr = dr;
            self.push_event(Event::DrChanged { interface, dr });
        }
    }

    /// Sets the Hello Timer to `after` unless it would expire sooner (§4.3.1).
    fn trigger_hello(&mut self, now: T, interface: InterfaceId, after: Duration) {
        if let Some(deadline) = now.checked_add_duration(after) {
            self.timers
                .schedule_no_later_than(Timer::Hello(interface), deadline);
        }
    }

    pub(super) fn hello_timer_expired(&mut self, now: T, interface: InterfaceId) {
        let Some(i) = self.interfaces.get(&interface) else {
            return;
        };
        if !i.up || i.config.passive {
            return;
        }
        let holdtime = i.config.hello_holdtime;
        let period = i.config.hello_period.max(MIN_PERIOD);
        self.send_hello(interface, holdtime);
        self.schedule(Timer::Hello(interface), now, period);
    }

    /// Sends a Hello on `interface` now (§4.3.1, §4.9.2) with `holdtime`.
    pub(super) fn send_hello(&mut self, interface: InterfaceId, holdtime: Duration) {
        let Some(i) = self.interfaces.get_mut(&interface) else {
            return;
        };
        let c = &i.config;
        let lan = LanPruneDelay {
            tracking_support: c.tracking_support,
            propagation_delay_ms: u16::try_from(c.propagation_delay.as_millis())
                .unwrap_or(0x7FFF)
                .min(0x7FFF),
            override_interval_ms: u16::try_from(c.override_interval.as_millis())
                .unwrap_or(u16::MAX),
        };
        let mut hello = HelloRepr::<F>::new(
            Holdtime::from_duration(holdtime),
            c.dr_priority,
            i.generation_id,
        )
        .with(HelloOptionRepr::LanPruneDelay(lan));
        if !i.secondary.is_empty() {
            hello = hello.with(HelloOptionRepr::AddressList(i.secondary.clone()));
        }
        i.hello_sent = true;
        let source = i.address;
        let built =
            MessageRepr::Hello(hello).to_bytes(&PseudoHeader::new(source, all_pim_routers::<F>()));
        self.send_to_all_routers(interface, source, built);
    }

    /// A Join/Prune or Assert is about to go out on `interface`: a Hello with the current
    /// address must precede it (§4.3.1).
    pub(super) fn ensure_hello_sent(&mut self, interface: InterfaceId) {
        let holdtime = match self.interfaces.get(&interface) {
            Some(i) if i.up && !i.config.passive && !i.hello_sent => i.config.hello_holdtime,
            _ => return,
        };
        self.send_hello(interface, holdtime);
    }

    pub(super) fn receive_hello(
        &mut self,
        now: T,
        interface: InterfaceId,
        source: F::Addr,
        hello: &Hello<'_, F>,
    ) {
        let holdtime = hello.holdtime().unwrap_or(Holdtime::DEFAULT_HELLO);
        let info = NeighborInfo {
            address: source,
            holdtime: holdtime.duration().unwrap_or(Duration::MAX),
            dr_priority: hello.dr_priority(),
            generation_id: hello.generation_id(),
            lan_prune_delay: hello.lan_prune_delay(),
            secondary: hello
                .address_list()
                .map(|l| l.iter().filter(|a| *a != source).collect())
                .unwrap_or_default(),
        };
        let Some(i) = self.interfaces.get_mut(&interface) else {
            return;
        };
        if i.is_mine(source) {
            return;
        }
        if holdtime.is_goodbye() {
            if i.neighbors.contains_key(&source) {
                self.neighbor_expired(now, interface, source);
            }
            return;
        }
        let limit = self.config.limits.max_neighbors_per_interface;
        let low = self.config.limits.low_water_percent;
        let old = i.neighbors.get(&source).cloned();
        if old.is_none() {
            let count = i.neighbors.len();
            if !i.neighbor_gate.admits(count, limit, low) {
                self.stats.dropped_neighbors = self.stats.dropped_neighbors.saturating_add(1);
                return;
            }
        }
        let restarted = old.as_ref().is_some_and(|o| {
            o.generation_id.is_some()
                && info.generation_id.is_some()
                && o.generation_id != info.generation_id
        });
        let triggered_delay = i.config.triggered_hello_delay;
        i.neighbors.insert(source, info.clone());
        // Neighbor Liveness Timer: the Holdtime; 0xFFFF never expires (§4.3.1, §4.9.2).
        if holdtime.is_infinite() {
            self.timers
                .cancel(&Timer::NeighborLiveness(interface, source));
        } else {
            self.schedule(
                Timer::NeighborLiveness(interface, source),
                now,
                info.holdtime,
            );
        }
        if old.is_none() || restarted {
            // A new or restarted neighbor gets a Hello soon (§4.3.1), and before any
            // Join/Prune or Assert this router sends on the link: it discards J/P from
            // routers it has not heard (§4.5), so a Join sent to it within t_override of its
            // restart would be lost otherwise.
            if let Some(i) = self.interfaces.get_mut(&interface) {
                i.hello_sent = false;
            }
            let after = self.random(Duration::ZERO, triggered_delay);
            self.trigger_hello(now, interface, after);
            if old.is_none() {
                self.push_event(Event::NeighborUp {
                    interface,
                    neighbor: source,
                });
            } else {
                self.push_event(Event::NeighborRestarted {
                    interface,
                    neighbor: source,
                });
                self.neighbor_restarted(now, interface, source);
            }
        }
        let changed = old.as_ref() != Some(&info);
        if changed {
            self.elect(interface);
            self.mark_all();
        }
    }

    pub(super) fn neighbor_expired(&mut self, now: T, interface: InterfaceId, neighbor: F::Addr) {
        let removed = self
            .interfaces
            .get_mut(&interface)
            .and_then(|i| i.neighbors.remove(&neighbor));
        if removed.is_none() {
            return;
        }
        self.timers
            .cancel(&Timer::NeighborLiveness(interface, neighbor));
        self.push_event(Event::NeighborDown {
            interface,
            neighbor,
        });
        // The Assert winner's NLT expired: back to NoInfo (§4.6.1, §4.6.2).
        self.forget_assert_winner(interface, neighbor);
        self.elect(interface);
        self.mark_all();
        let _ = now;
    }
}
