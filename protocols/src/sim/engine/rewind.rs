//! Snapshots, seeking and forking.
//!
//! A snapshot holds the whole world every few hundred steps, so showing any
//! step is a restore plus a short replay. Snapshots of the future are kept
//! after a step back (the run is deterministic), so seeking forward again
//! restores the nearest one instead of replaying from where the user is.
//! Acting in the past forks the run: the future's snapshots and records go.

use super::super::any::Recording;
use super::super::protocol::Protocol;
use super::super::scenario::TimelineEntry;
use super::super::time::Time;
use super::record::{Marks, every_other};
use super::{Sim, World};

/// Steps between snapshots at the start (the interval doubles when thinned).
const SNAPSHOT_EVERY: u64 = 256;
/// Snapshots kept before every other one is dropped: this bounds memory,
/// and a seek then replays at most a few thousand events (milliseconds).
const MAX_SNAPSHOTS: usize = 64;

#[derive(Clone, Debug)]
struct Snapshot<P: Protocol> {
    world: World<P>,
    marks: Marks,
}

pub(super) struct Snapshots<P: Protocol> {
    list: Vec<Snapshot<P>>,
    every: u64,
}

impl<P: Protocol> Default for Snapshots<P> {
    fn default() -> Self {
        Snapshots { list: Vec::new(), every: SNAPSHOT_EVERY }
    }
}

impl<P: Protocol> Snapshots<P> {
    /// Takes a snapshot of a world at a step not snapshotted yet (full recording only:
    /// a run kept as a hash is never sought).
    pub(super) fn take(&mut self, world: &World<P>, marks: Marks, level: Recording) {
        if level != Recording::Full || self.list.iter().any(|s| s.world.step == world.step) {
            return;
        }
        let at = self.list.partition_point(|s| s.world.step < world.step);
        self.list.insert(at, Snapshot { world: world.clone(), marks });
        if self.list.len() > MAX_SNAPSHOTS {
            // Keep every other snapshot and take them half as often from now on:
            // memory stays bounded, seeking costs at most a longer replay.
            every_other(&mut self.list);
            self.every *= 2;
        }
    }

    /// Whether a snapshot is due at this step.
    pub(super) fn due(&self, step: u64) -> bool {
        step % self.every == 0
    }

    /// The latest snapshot whose world `fits`.
    fn latest(&self, fits: impl Fn(&World<P>) -> bool) -> Option<&Snapshot<P>> {
        self.list.iter().rev().find(|s| fits(&s.world))
    }

    /// Forgets the snapshots after `step` (the future they showed was abandoned).
    fn cut_after(&mut self, step: u64) {
        self.list.retain(|s| s.world.step <= step);
    }
}

impl<P: Protocol> Sim<P> {
    /// Moves the world to the latest snapshot that `fits`, unless the world as
    /// it is fits and is at least as close (so replay starts from the nearer).
    fn restore_nearest(&mut self, fits: impl Fn(&World<P>) -> bool) {
        let here_fits = fits(&self.world);
        let Some(snap) = self.snapshots.latest(&fits) else { return };
        if here_fits && snap.world.step <= self.world.step {
            return;
        }
        self.world = snap.world.clone();
        self.rec.rewind(snap.marks, &self.world);
    }

    /// Shows the world right after event `step` (or the last one, if the run ends sooner).
    pub(super) fn seek_to_step(&mut self, step: u64) {
        self.restore_nearest(|w| w.step <= step);
        while self.world.step < step && self.advance(Time::MAX) {}
    }

    /// Shows the world after every event up to and including time `t`.
    pub(super) fn seek_to_time(&mut self, t: Time) {
        self.restore_nearest(|w| w.now <= t);
        self.run_to(t, u64::MAX);
    }

    /// Records a user action taken now. Acting while looking at the past forks
    /// the run: the user's own actions that had not happened yet belong to the
    /// abandoned future and are dropped, with its snapshots and records; the
    /// scenario's scripted actions stay, so a preset's story goes on around the change.
    pub(super) fn fork(&mut self, entry: TimelineEntry) {
        let next = self.world.next_action;
        let mut future: Vec<(TimelineEntry, bool)> = self
            .scenario
            .timeline
            .drain(next..)
            .zip(self.user_made.drain(next..))
            .filter(|(_, user_made)| !user_made)
            .collect();
        let position = future.iter().take_while(|(e, _)| e.at_ms <= entry.at_ms).count();
        future.insert(position, (entry, true));
        for (e, user_made) in future {
            self.scenario.timeline.push(e);
            self.user_made.push(user_made);
        }
        self.snapshots.cut_after(self.world.step);
        self.rec.cut_future(&self.world);
        self.horizon = self.world.now;
    }
}
