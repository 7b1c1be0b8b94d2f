//! Registers (RFC 7761 §4.4): the DR's per-(S,G) Register machine (§4.4.1) with the
//! Register-Stop Timer and Null-Register probes, and the RP's side (§4.4.2): decapsulation
//! down the shared tree, the (S,G) join towards the source through the Keepalive Timer, and
//! Register-Stops.

use alloc::vec::Vec;
use core::time::Duration;

use mcast_addr::family::IpFamily;
use mcast_addr::time::Timestamp;
use rand_core::Rng;

use super::tib::RegisterState;
use super::{Event, InterfaceId, Router, Timer, Transmit};
use crate::wire::{
    ChecksumCoverage, PseudoHeader, Register, RegisterStop, emit_null_register,
    register::null_register_inner_len,
};

impl<F: IpFamily, T: Timestamp, R: Rng> Router<F, T, R> {
    /// The unicast source address for a message towards `destination`: the address of the
    /// interface towards it, else of the first up interface.
    fn unicast_source(&self, destination: F::Addr) -> Option<F::Addr> {
        self.rpf_interface(destination)
            .and_then(|i| self.interfaces.get(&i))
            .or_else(|| self.interfaces.values().find(|i| i.up))
            .map(|i| i.address)
    }

    /// The DR's end of the register tunnel towards RP(G): (this router's address towards the
    /// RP, the RP), when there is an RP.
    fn register_tunnel(&self, group: F::Addr) -> Option<(F::Addr, F::Addr)> {
        let rp = self.rp(group)?;
        Some((self.unicast_source(rp)?, rp))
    }

    /// Queues a unicast message (Register, Register-Stop) that the caller routes, counting it
    /// with `count`; one the codec could not build is counted in `send_errors`.
    fn send_unicast(
        &mut self,
        source: F::Addr,
        destination: F::Addr,
        built: crate::error::Result<Vec<u8>>,
        count: fn(&mut super::Stats) -> &mut u64,
    ) {
        let Ok(payload) = built else {
            self.stats.send_errors = self.stats.send_errors.saturating_add(1);
            return;
        };
        let counter = count(&mut self.stats);
        *counter = counter.saturating_add(1);
        self.push_transmit(Transmit {
            interface: None,
            source,
            destination,
            ttl: 64,
            payload,
        });
    }

    /// The Register machine's level events (§4.4.1): "CouldRegister → TRUE/FALSE" and "RP
    /// changed".
    pub(super) fn evaluate_register(&mut self, group: F::Addr, source: F::Addr) {
        let could = self.could_register(group, source);
        let rp = self.rp(group);
        let Some(sg) = self
            .groups
            .get_mut(&group)
            .and_then(|g| g.sources.get_mut(&source))
        else {
            return;
        };
        let before = sg.register;
        match (sg.register, could) {
            (RegisterState::NoInfo, true) => {
                sg.register = RegisterState::Join;
                sg.register_rp = rp;
            }
            (RegisterState::NoInfo, false) => {}
            (_, false) => {
                sg.register = RegisterState::NoInfo;
                sg.register_rp = None;
            }
            (_, true) => {
                if sg.register_rp != rp {
                    // RP changed: back to Join, the tunnel towards the new RP.
                    sg.register = RegisterState::Join;
                    sg.register_rp = rp;
                }
            }
        }
        if matches!(sg.register, RegisterState::NoInfo | RegisterState::Join)
            && before != sg.register
        {
            self.timers.cancel(&Timer::RegisterStop(group, source));
        }
    }

    /// A packet of a directly connected source to encapsulate, at the DR in Register state
    /// Join (§4.4.1): a Register to RP(G) carrying it whole.
    pub(super) fn register_packet(&mut self, group: F::Addr, source: F::Addr, packet: &[u8]) {
        if self.sg(group, source).map(|s| s.register) != Some(RegisterState::Join) {
            return;
        }
        let Some((me, rp)) = self.register_tunnel(group) else {
            return;
        };
        let register = Register::new(packet);
        let mut payload = alloc::vec![0u8; register.buffer_len()];
        let built = register
            .emit::<F>(&mut payload, &PseudoHeader::new(me, rp))
            .map(|_| payload);
        self.send_unicast(me, rp, built, |s| &mut s.registers_sent);
    }

    /// Register-Stop Timer expires (§4.4.1): in Prune, probe with a Null-Register and wait
    /// Register_Probe_Time in Join-Pending; in Join-Pending, the tunnel comes back (Join).
    pub(super) fn register_stop_timer(&mut self, now: T, group: F::Addr, source: F::Addr) {
        let Some(state) = self.sg(group, source).map(|s| s.register) else {
            return;
        };
        match state {
            RegisterState::Prune => {
                if let Some(sg) = self
                    .groups
                    .get_mut(&group)
                    .and_then(|g| g.sources.get_mut(&source))
                {
                    sg.register = RegisterState::JoinPending;
                }
                self.send_null_register(group, source);
                let probe = self.config.register_probe_time;
                self.schedule(Timer::RegisterStop(group, source), now, probe);
            }
            RegisterState::JoinPending => {
                if let Some(sg) = self
                    .groups
                    .get_mut(&group)
                    .and_then(|g| g.sources.get_mut(&source))
                {
                    sg.register = RegisterState::Join;
                }
                self.mark_source(group, source);
            }
            RegisterState::NoInfo | RegisterState::Join => {}
        }
    }

    fn send_null_register(&mut self, group: F::Addr, source: F::Addr) {
        let Some((me, rp)) = self.register_tunnel(group) else {
            return;
        };
        let mut payload = alloc::vec![0u8; 8usize.saturating_add(null_register_inner_len::<F>())];
        let built = emit_null_register::<F>(
            &mut payload,
            source,
            group,
            false,
            ChecksumCoverage::Standard,
            &PseudoHeader::new(me, rp),
        )
        .map(|len| {
            payload.truncate(len);
            payload
        });
        self.send_unicast(me, rp, built, |s| &mut s.registers_sent);
    }

    /// A Register-Stop at the DR (§4.4.1): Join or Join-Pending → Prune with the Register-Stop
    /// Timer at rand(0.5, 1.5) × Register_Suppression_Time − Register_Probe_Time. A wildcard
    /// source stops every source of the group.
    pub(super) fn receive_register_stop(
        &mut self,
        now: T,
        destination: F::Addr,
        stop: &RegisterStop<F>,
    ) {
        if !self.is_my_address(destination) {
            self.stats.register_dropped = self.stats.register_dropped.saturating_add(1);
            return;
        }
        let group = stop.group.address;
        let sources: Vec<F::Addr> = if stop.source == F::UNSPECIFIED {
            self.groups
                .get(&group)
                .map(|g| g.sources.keys().copied().collect())
                .unwrap_or_default()
        } else {
            Vec::from([stop.source])
        };
        for source in sources {
            let state = self.sg(group, source).map(|s| s.register);
            if !matches!(
                state,
                Some(RegisterState::Join | RegisterState::JoinPending)
            ) {
                continue;
            }
            if let Some(sg) = self
                .groups
                .get_mut(&group)
                .and_then(|g| g.sources.get_mut(&source))
            {
                sg.register = RegisterState::Prune;
            }
            let suppression = self.config.register_suppression_time;
            let half = suppression.checked_div(2).unwrap_or_default();
            let low = half;
            let high = suppression.saturating_add(half);
            let delay = self
                .random(low, high)
                .saturating_sub(self.config.register_probe_time)
                .max(Duration::from_millis(1));
            self.schedule(Timer::RegisterStop(group, source), now, delay);
            self.mark_source(group, source);
        }
    }

    fn send_register_stop(&mut self, from: F::Addr, to: F::Addr, group: F::Addr, source: F::Addr) {
        let stop = RegisterStop::<F>::new(source, group);
        let mut payload = alloc::vec![0u8; stop.buffer_len()];
        let built = stop
            .emit(&mut payload, &PseudoHeader::new(from, to))
            .map(|_| payload);
        self.send_unicast(from, to, built, |s| &mut s.register_stops_sent);
    }

    /// A Register at this router (§4.4.2, `packet_arrives_on_register_tunnel`).
    pub(super) fn receive_register(
        &mut self,
        now: T,
        outer_source: F::Addr,
        outer_destination: F::Addr,
        register: &Register<'_>,
    ) {
        if !self.is_my_address(outer_destination) {
            // Maybe a spoofing attempt: dropped silently.
            self.stats.register_dropped = self.stats.register_dropped.saturating_add(1);
            return;
        }
        let Ok(inner) = register.inner_header::<F>() else {
            self.stats.register_dropped = self.stats.register_dropped.saturating_add(1);
            return;
        };
        let (source, group) = (inner.source, inner.destination);
        if !F::is_multicast(&group) {
            self.stats.register_dropped = self.stats.register_dropped.saturating_add(1);
            return;
        }
        self.stats.registers_received = self.stats.registers_received.saturating_add(1);
        if !(self.i_am_rp(group) && self.rp(group) == Some(outer_destination)) {
            self.send_register_stop(outer_destination, outer_source, group, source);
            return;
        }
        if self.sg_entry(group, source).is_none() {
            return;
        }
        let spt = self.spt_bit(group, source);
        let switch = self.switch_to_spt_desired(group, source);
        let mut sent_stop = false;
        if spt || (switch && self.inherited_olist_sg(group, source).is_empty()) {
            self.send_register_stop(outer_destination, outer_source, group, source);
            sent_stop = true;
        }
        if spt || switch {
            let kat = if sent_stop {
                super::config::RP_KEEPALIVE_PERIOD
            } else {
                self.config.keepalive_period
            };
            self.schedule(Timer::Keepalive(group, source), now, kat);
        }
        if !spt && !register.null_register {
            let oifs = self.inherited_olist_sg_rpt(group, source);
            if !oifs.is_empty() {
                self.push_event(Event::Decapsulated {
                    group,
                    source,
                    oifs,
                    packet: register.inner.to_vec(),
                });
            }
        }
        self.mark_source(group, source);
    }

    /// A data packet from `source` to `group` arrived on `iif` (RFC 7761 §4.2): the Keepalive
    /// Timer, Update_SPTbit, CheckSwitchToSpt, the data-triggered Asserts, and, with the whole
    /// `packet`, the DR's Register.
    pub fn handle_data(
        &mut self,
        now: T,
        iif: InterfaceId,
        source: F::Addr,
        group: F::Addr,
        packet: Option<&[u8]>,
    ) {
        self.data_arrived(now, iif, source, group, packet);
        self.finish(now);
    }

    fn data_arrived(
        &mut self,
        now: T,
        iif: InterfaceId,
        source: F::Addr,
        group: F::Addr,
        packet: Option<&[u8]>,
    ) {
        if !F::is_multicast(&group) || !self.interfaces.get(&iif).is_some_and(|i| i.up) {
            return;
        }
        let rpf_s = self.rpf_interface(source);
        let on_rpf = rpf_s == Some(iif);
        let kat = self.config.keepalive_period;
        let mut set_kat = on_rpf && self.directly_connected(source);
        if !set_kat
            && on_rpf
            && self.sg(group, source).is_some_and(|s| s.joined)
            && !self.inherited_olist_sg(group, source).is_empty()
        {
            set_kat = true;
        }
        if set_kat && self.sg_entry(group, source).is_some() {
            self.schedule(Timer::Keepalive(group, source), now, kat);
        }
        self.update_spt_bit(group, source, iif);
        let spt = self.spt_bit(group, source);
        if on_rpf && spt {
            // Forwarded on the source tree.
        } else if !spt && self.rpf_interface_rp(group) == Some(iif) {
            self.check_switch_to_spt(now, group, source);
        } else if spt && self.inherited_olist_sg(group, source).contains(&iif) {
            self.assert_data_sg(now, group, source, iif);
        } else if !spt && self.inherited_olist_sg_rpt(group, source).contains(&iif) {
            if self.sg(group, source).is_some() {
                self.assert_data_sg(now, group, source, iif);
            }
            self.assert_data_star(now, group, iif);
        }
        if on_rpf && let Some(packet) = packet {
            // The tunnel state may only now have come up with the KAT: settle first.
            self.evaluate_register(group, source);
            self.register_packet(group, source, packet);
        }
        self.mark_source(group, source);
    }

    /// Update_SPTbit(S,G,iif) (§4.2.2).
    fn update_spt_bit(&mut self, group: F::Addr, source: F::Addr, iif: InterfaceId) {
        if self.sg(group, source).is_none() || self.rpf_interface(source) != Some(iif) {
            return;
        }
        if !self.join_desired_sg(group, source) {
            return;
        }
        let rpf_prime = self.rpf_prime_sg(group, source);
        let set = self.directly_connected(source)
            || self.rpf_interface(source) != self.rpf_interface_rp(group)
            || self.inherited_olist_sg_rpt(group, source).is_empty()
            || (rpf_prime == self.rpf_prime_star(group) && rpf_prime.is_some())
            || self
                .sg_assert(group, source, iif)
                .is_some_and(|e| e.state == super::AssertState::Loser);
        if set
            && let Some(sg) = self
                .groups
                .get_mut(&group)
                .and_then(|g| g.sources.get_mut(&source))
        {
            sg.spt_bit = true;
        }
    }

    /// CheckSwitchToSpt(S,G) (§4.2.1): with local receivers and the policy's consent, the KAT
    /// starts, so that JoinDesired(S,G) joins the source tree.
    pub(super) fn check_switch_to_spt(&mut self, now: T, group: F::Addr, source: F::Addr) {
        let local = super::macros::union(
            &super::macros::minus(
                &self.pim_include_star(group),
                &self.pim_exclude_sg(group, source),
            ),
            &self.pim_include_sg(group, source),
        );
        if local.is_empty() {
            return;
        }
        // The Threshold policy reads the flag of an existing entry.
        let desired = match self.config.spt_switchover {
            super::SptSwitchover::Threshold => {
                self.sg(group, source).is_some_and(|s| s.spt_threshold)
            }
            _ => self.switch_to_spt_desired(group, source),
        };
        if desired && self.sg_entry(group, source).is_some() {
            let kat = self.config.keepalive_period;
            self.schedule(Timer::Keepalive(group, source), now, kat);
        }
    }
}
