//! Faults and user actions: what a crash, restart, pause, resume, partition,
//! cut, clock change or network change does to the world, and the health
//! bookkeeping that `eventually` properties are judged by.
//!
//! A crash replaces the node with what it last persisted and kills its
//! timers and whatever a pause was holding for it; messages already in
//! flight to it meet their fate on arrival (`NodeDown`), see `step::arrive`.

use super::super::any::{PropertyInfo, Recording};
use super::super::fault::Held;
use super::super::protocol::{Facts, Protocol, Start};
use super::super::scenario::{Action, Fault, FaultKind, Scenario};
use super::super::view::Liveness;
use super::super::workload::check_client_action;
use super::step::Call;
use super::{Event, Sim};

/// The bit for a kind of fault in `World::faults_seen`.
pub(super) fn fault_bit(kind: FaultKind) -> u32 {
    1 << kind as u32
}

/// Whether a property failing with `faults_seen` present fails as designed:
/// it declares known limits, and every fault seen is one of them (or, for a
/// limit that holds whenever, one of them was seen).
pub(super) fn is_known_limit(property: &PropertyInfo, faults_seen: u32) -> bool {
    let limits = property.known_limits.iter().fold(0, |bits, &k| bits | fault_bit(k));
    if property.limit_whenever { faults_seen & limits != 0 } else { limits != 0 && faults_seen & !limits == 0 }
}

/// Faults present from the start: a lossy or duplicating network.
pub(super) fn initial_faults(scenario: &Scenario) -> u32 {
    let mut bits = 0;
    if scenario.network.drop > 0.0 {
        bits |= fault_bit(FaultKind::Loss);
    }
    if scenario.network.duplicate > 0.0 {
        bits |= fault_bit(FaultKind::Duplication);
    }
    if scenario.clocks.iter().any(|c| c.offset_ms != 0 || c.drift.is_some_and(|d| d != 0.0)) {
        bits |= fault_bit(FaultKind::Clock);
    }
    bits
}

impl<P: Protocol> Sim<P> {
    pub(super) fn apply_action(&mut self, action: Action) {
        match action {
            Action::Client(c) => match check_client_action(&self.protocol, &c) {
                Ok(op) => self.open_request(c.node, op),
                Err(_) => unreachable!("client actions are checked before they enter the timeline"),
            },
            Action::Fault(fault) => {
                if let Some(kind) = fault.kind() {
                    self.world.faults_seen |= fault_bit(kind);
                }
                self.rec.fault(&self.world, &fault);
                self.apply_fault(fault);
                self.update_health();
            }
        }
    }

    fn apply_fault(&mut self, fault: Fault) {
        let now = self.world.now;
        match fault {
            Fault::Partition { groups } => self.world.network.partition(&groups),
            Fault::Heal => self.world.network.heal(),
            Fault::Cut { from, to } => self.world.network.cut(from, to),
            Fault::SetNetwork { latency_ms, drop, duplicate } => {
                self.world.network.set(latency_ms, drop, duplicate);
                self.world.slowest_ms = self.world.slowest_ms.max(self.world.network.settings.latency_ms[1]);
            }
            Fault::SetClock { node, offset_ms, drift } => self.world.slots[node].clock.set(now, offset_ms, drift),
            Fault::Crash { node } => self.crash(node),
            Fault::Restart { node } => {
                if self.world.slots[node].liveness != Liveness::Crashed {
                    return;
                }
                self.world.slots[node].liveness = Liveness::Up;
                self.log_line(node, "restarted");
                self.run_handler(node, Call::Start(Start::Restart));
            }
            Fault::Pause { node } => {
                if self.world.slots[node].liveness == Liveness::Up {
                    self.world.slots[node].liveness = Liveness::Paused;
                }
            }
            Fault::Resume { node } => {
                if self.world.slots[node].liveness != Liveness::Paused {
                    return;
                }
                for held in self.world.slots[node].resume() {
                    let event = match held {
                        Held::Message(copy) => Event::Deliver(copy),
                        Held::Timer { timer, generation } => Event::Timer { node, timer, generation },
                        Held::Request(request) => Event::Invoke { node, request },
                    };
                    self.world.queue.push(now, event);
                }
            }
        }
    }

    /// The node stops. All it keeps is its disk: memory, timers and what a
    /// pause held for it are gone. Messages still in flight to it are
    /// stopped when they arrive.
    fn crash(&mut self, node: usize) {
        if self.world.slots[node].liveness == Liveness::Crashed {
            return;
        }
        let disk = self.world.disks[node].clone();
        self.world.nodes[node] = self.protocol.recover(node, disk);
        self.touched.push(node);
        self.world.slots[node].crash();
        self.log_line(node, "crashed");
    }

    fn log_line(&mut self, node: usize, line: &str) {
        if self.rec.level() == Recording::Full {
            self.world.slots[node].log_line(line.into());
        }
    }

    /// After any fault or repair: whether the protocol counts the world as
    /// healthy now. The clock restarts at every fault, even one that leaves
    /// it healthy (a crashed leader still costs an election), so a run is
    /// only judged on calm that lasted.
    pub(super) fn update_health(&mut self) {
        let liveness: Vec<Liveness> = self.world.slots.iter().map(|s| s.liveness).collect();
        let healthy = self.protocol.healthy(&Facts { liveness: &liveness, network: &self.world.network });
        self.world.healthy_since = healthy.then_some(self.world.now);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_known_limit_holds_under_its_faults_only_or_whenever_they_happened() {
        let only = PropertyInfo::always("atomicity", "").limited_by(&[FaultKind::Partition]);
        let whenever = PropertyInfo::always("lease-reads", "").limited_whenever(&[FaultKind::Clock]);
        let plain = PropertyInfo::always("safety", "");
        let (partition, clock) = (fault_bit(FaultKind::Partition), fault_bit(FaultKind::Clock));
        assert!(is_known_limit(&only, partition));
        assert!(!is_known_limit(&only, partition | clock), "another fault was there too");
        assert!(is_known_limit(&whenever, partition | clock));
        assert!(!is_known_limit(&whenever, partition), "no clock was off");
        assert!(!is_known_limit(&plain, 0) && !is_known_limit(&plain, clock));
    }
}
