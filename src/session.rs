//! One running simulation and the playback clock that drives it.
//!
//! The clock turns real elapsed time × speed into virtual time; the session
//! runs the simulator up to that time and remembers the fractional view time
//! so messages can be drawn part-way along their links. Nothing here touches
//! the browser, so all of it is tested natively.

use quorum_protocols::sim::scenario::{Action, Scenario, ScenarioError};
use quorum_protocols::sim::time::Time;
use quorum_protocols::sim::view::Frame;
use quorum_protocols::{AnySim, build};

/// Most events the simulator may process for one animation frame: beyond
/// this a frame would take long enough to make the page stutter.
pub const MAX_EVENTS_PER_FRAME: u64 = 20_000;
/// The playback speeds offered, in virtual ms per real ms, slowest first.
pub const SPEEDS: [f64; 7] = [0.05, 0.1, 0.25, 0.5, 1.0, 2.0, 4.0];
pub const MIN_SPEED: f64 = SPEEDS[0];
pub const MAX_SPEED: f64 = SPEEDS[SPEEDS.len() - 1];
/// Slow enough at the start that a message can be followed across a link.
pub const DEFAULT_SPEED: f64 = 0.25;
/// Longest real gap one frame may account for: after the debugger, a frozen
/// tab or a slow frame, playback resumes instead of leaping ahead.
const MAX_FRAME_GAP_MS: f64 = 100.0;
/// Most events one frame may process while running ahead to a time not yet
/// simulated: a few milliseconds of work, so the page keeps drawing.
pub const RUN_AHEAD_EVENTS_PER_FRAME: u64 = 5_000;
/// A run ahead says how far it has got once it has taken this long (real
/// ms): a shorter one would only flash past.
pub const SHOW_PROGRESS_AFTER_MS: f64 = 100.0;

/// A jump to a time the simulator has not reached yet, run a slice per
/// frame. Meanwhile the clock and the scrubber show where it is going.
#[derive(Clone, Copy, Debug)]
struct RunAhead {
    from: f64,
    to: f64,
    /// For a shared moment: the event to show once there.
    event: Option<u64>,
    /// Real time spent on it so far, in ms.
    spent_ms: f64,
}

/// How far a run ahead has got.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Progress {
    pub to: f64,
    /// From 0 to 1.
    pub done: f64,
    /// It has taken long enough to be worth showing.
    pub visible: bool,
}

/// A simulation being watched: what is shown, and whether time is moving.
pub struct Session {
    sim: Box<dyn AnySim>,
    /// The virtual time shown, in ms; never behind `sim.now()`.
    view_time: f64,
    playing: bool,
    speed: f64,
    /// Most events one frame may process: [`MAX_EVENTS_PER_FRAME`] (tests
    /// lower it, to make a real run busier than the cap).
    event_cap: u64,
    /// The last frame hit the event cap before reaching its time.
    lagging: bool,
    run_ahead: Option<RunAhead>,
    /// The scenario as it stands, re-read after each change the user makes
    /// (the simulator builds a fresh copy on every call).
    scenario: Scenario,
}

impl Session {
    /// Builds the scenario's simulation and starts playing it from the beginning.
    pub fn start(scenario: &Scenario) -> Result<Session, ScenarioError> {
        Ok(Session::new(build(scenario)?))
    }

    /// Watches an already built simulation, from wherever it stands.
    pub fn new(sim: Box<dyn AnySim>) -> Session {
        let scenario = sim.scenario();
        let view_time = sim.now() as f64;
        Session {
            sim,
            view_time,
            playing: true,
            speed: DEFAULT_SPEED,
            event_cap: MAX_EVENTS_PER_FRAME,
            lagging: false,
            run_ahead: None,
            scenario,
        }
    }

    pub fn sim(&self) -> &dyn AnySim {
        self.sim.as_ref()
    }

    pub fn view_time(&self) -> f64 {
        self.view_time
    }

    pub fn playing(&self) -> bool {
        self.playing
    }

    pub fn set_playing(&mut self, playing: bool) {
        self.playing = playing;
        if !playing {
            self.lagging = false;
        }
    }

    pub fn speed(&self) -> f64 {
        self.speed
    }

    /// Sets the playback speed, kept within [`MIN_SPEED`, `MAX_SPEED`]; a
    /// value that is not a number leaves the speed as it was.
    pub fn set_speed(&mut self, speed: f64) {
        if !speed.is_nan() {
            self.speed = speed.clamp(MIN_SPEED, MAX_SPEED);
        }
    }

    pub fn lagging(&self) -> bool {
        self.lagging
    }

    pub fn scenario(&self) -> &Scenario {
        &self.scenario
    }

    /// The scenario's own end; playback stops there once so the end-of-run
    /// judgement can be read, and continues if the user presses play again.
    pub fn until_ms(&self) -> Time {
        self.scenario.until_ms
    }

    /// True once the view has reached the scenario's end.
    pub fn at_end(&self) -> bool {
        self.run_ahead.is_none() && self.view_time >= self.until_ms() as f64
    }

    /// How far the run has been played, for the scrubber's shading: the
    /// simulator's furthest point, or the view when playback is just past it.
    pub fn played(&self) -> Time {
        let horizon = self.sim.horizon();
        if self.run_ahead.is_some() { horizon } else { horizon.max(self.view_time.ceil() as Time) }
    }

    /// How far the current run ahead has got, if one is under way.
    pub fn progress(&self) -> Option<Progress> {
        let run = self.run_ahead?;
        let done = (self.sim.now() as f64 - run.from) / (run.to - run.from);
        Some(Progress { to: run.to, done: done.clamp(0.0, 1.0), visible: run.spent_ms > SHOW_PROGRESS_AFTER_MS })
    }

    /// True while there is work for animation frames: playing, or running ahead.
    pub fn busy(&self) -> bool {
        self.playing || self.run_ahead.is_some()
    }

    /// Moves virtual time on by `real_ms` of wall-clock time at the current
    /// speed; while running ahead, runs the next slice of that instead.
    pub fn advance(&mut self, real_ms: f64) {
        if self.run_ahead.is_some() {
            return self.run_ahead_slice(real_ms);
        }
        if !self.playing || real_ms.is_nan() || real_ms <= 0.0 {
            return;
        }
        let until = self.until_ms() as f64;
        let mut target = self.view_time + real_ms.min(MAX_FRAME_GAP_MS) * self.speed;
        if self.view_time < until && target >= until {
            target = until;
            self.playing = false;
        }
        if self.sim.run_until(target.floor() as Time, self.event_cap) {
            self.view_time = target;
            self.lagging = false;
        } else {
            self.view_time = self.sim.now() as f64;
            self.lagging = true;
        }
    }

    fn run_ahead_slice(&mut self, real_ms: f64) {
        let Some(run) = &mut self.run_ahead else { return };
        if real_ms.is_finite() && real_ms > 0.0 {
            run.spent_ms += real_ms;
        }
        let run = *run;
        if !self.sim.run_until(run.to.floor() as Time, RUN_AHEAD_EVENTS_PER_FRAME) {
            return;
        }
        self.run_ahead = None;
        self.view_time = run.to;
        if let Some(event) = run.event.filter(|&e| e < self.sim.step_index()) {
            self.sim.seek_step(event);
            self.view_time = run.to.max(self.sim.now() as f64);
        }
    }

    /// Stops a run ahead where it has got to, and shows the world there.
    fn stop_running_ahead(&mut self) {
        if self.run_ahead.take().is_some() {
            self.view_time = self.sim.now() as f64;
        }
    }

    /// Processes exactly one more event and shows the world after it.
    pub fn step(&mut self) {
        self.stop_running_ahead();
        self.set_playing(false);
        if self.sim.step() {
            self.view_time = self.sim.now() as f64;
        }
    }

    /// Shows the world one event earlier.
    pub fn step_back(&mut self) {
        self.set_playing(false);
        let index = self.sim.step_index();
        if index > 0 {
            self.seek_step(index - 1);
        }
    }

    /// Shows the world right after event `step`, paused there: a jump to an
    /// event is for looking at it.
    pub fn seek_step(&mut self, step: u64) {
        self.stop_running_ahead();
        self.set_playing(false);
        self.sim.seek_step(step);
        self.view_time = self.sim.now() as f64;
    }

    /// Shows the world at virtual time `t`, kept within the track: the
    /// scenario's length, or what has been played if that is longer.
    pub fn seek_time(&mut self, t: f64) {
        let end = self.until_ms().max(self.sim.horizon()) as f64;
        // Not `min`, which would turn a NaN into the end.
        self.go_to_time(if t > end { end } else { t });
    }

    /// Shows the world at virtual time `t`. Within what has been played that
    /// is at once; further on, the simulator runs ahead to it over the next
    /// frames, a slice at a time (see [`Session::progress`]).
    pub fn go_to_time(&mut self, t: f64) {
        self.go_to(t, None);
    }

    /// Shows the world right after event `event`, `t` ms into the run: a
    /// moment someone shared. The time alone would not do: after a step,
    /// more events may be due in the same millisecond.
    pub fn show_moment(&mut self, t: f64, event: u64) {
        self.go_to(t, Some(event));
    }

    fn go_to(&mut self, t: f64, event: Option<u64>) {
        if t.is_nan() {
            return;
        }
        self.run_ahead = None;
        let t = t.max(0.0);
        let horizon = self.sim.horizon();
        if t > horizon as f64 {
            // From the furthest point reached, which snapshots make quick to get back to.
            self.sim.seek_time(horizon);
            let from = self.sim.now() as f64;
            self.run_ahead = Some(RunAhead { from, to: t, event, spent_ms: 0.0 });
            self.view_time = t;
            return self.run_ahead_slice(0.0);
        }
        self.sim.seek_time(t.floor() as Time);
        self.view_time = t.max(self.sim.now() as f64);
        if let Some(event) = event.filter(|&e| e < self.sim.step_index()) {
            self.sim.seek_step(event);
            self.view_time = t.max(self.sim.now() as f64);
        }
    }

    /// Does `action` now, as the user sees it: at the shown time rounded up,
    /// so it never lands before something already on screen. The simulator
    /// runs up to the action, so its effect shows even while paused.
    pub fn apply(&mut self, action: Action) -> Result<Time, String> {
        self.stop_running_ahead();
        let at = self.sim.apply(action, self.view_time.ceil() as Time)?;
        self.scenario = self.sim.scenario();
        self.view_time = self.view_time.max(self.sim.now() as f64);
        Ok(at)
    }

    /// What to draw right now: while running ahead, the world as far as
    /// the simulator has got.
    pub fn frame(&self) -> Frame {
        let shown = if self.run_ahead.is_some() { self.sim.now() as f64 } else { self.view_time };
        self.sim.frame(shown)
    }

    /// What the protocol calls each node, by id.
    pub fn node_names(&self) -> Vec<String> {
        self.frame().nodes.into_iter().map(|n| n.name).collect()
    }

    /// Replaces the simulation with one built from `scenario` (another
    /// variant or seed of the same timeline) and shows it at the same time.
    /// On error the current simulation stays.
    pub fn rebuild(&mut self, scenario: &Scenario) -> Result<(), ScenarioError> {
        self.stop_running_ahead();
        let mut sim = build(scenario)?;
        sim.seek_time(self.view_time.floor() as Time);
        self.view_time = self.view_time.max(sim.now() as f64);
        self.scenario = sim.scenario();
        self.sim = sim;
        self.lagging = false;
        Ok(())
    }

    /// The scenario that reproduces what has been watched so far: everything
    /// the user did, and a run at least as long as the one on screen.
    pub fn shareable_scenario(&self) -> Scenario {
        let mut scenario = self.scenario.clone();
        scenario.until_ms = scenario.until_ms.max(self.view_time.ceil() as Time);
        scenario
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use quorum_protocols::presets;
    use quorum_protocols::sim::any::{
        ClientActionInfo, Metrics, PropertyStatus, ProtocolInfo, Recording, Series, SimEvent, TraceRow, Violation,
        Witness,
    };
    use quorum_protocols::sim::params::Params;
    use quorum_protocols::sim::scenario::{Fault, NetworkSettings, WorkloadSettings};
    use quorum_protocols::sim::time::NodeId;
    use quorum_protocols::sim::view::{Layout, Liveness};
    use std::cell::Cell;
    use std::rc::Rc;

    static INFO: ProtocolInfo = ProtocolInfo {
        name: "fake",
        title: "Fake",
        node_noun: "node",
        client_noun: "client",
        variants: &[],
        properties: &[],
        params: &[],
        client_actions: &[],
        min_nodes: 1,
        max_nodes: 9,
        role_params: &[],
    };

    /// A simulation with one event every `gap` ms, forever; counts the events
    /// each `run_until` processes so tests can see the per-frame cap at work.
    struct Ticker {
        gap: Time,
        steps: u64,
        now: Time,
        horizon: Time,
        last_run: Rc<Cell<u64>>,
        applied_at: Rc<Cell<Option<Time>>>,
        params: Params,
    }

    /// What a test can see of a [`Ticker`] after handing it to a session.
    type Probes = (Rc<Cell<u64>>, Rc<Cell<Option<Time>>>);

    impl Ticker {
        fn session(gap: Time) -> (Session, Probes) {
            let last_run = Rc::new(Cell::new(0));
            let applied_at = Rc::new(Cell::new(None));
            let sim = Ticker {
                gap,
                steps: 0,
                now: 0,
                horizon: 0,
                last_run: last_run.clone(),
                applied_at: applied_at.clone(),
                params: Params::default(),
            };
            (Session::new(Box::new(sim)), (last_run, applied_at))
        }
    }

    fn scenario(until_ms: Time) -> Scenario {
        Scenario {
            version: 1,
            protocol: "fake".into(),
            variant: "correct".into(),
            nodes: 3,
            seed: 1,
            title: None,
            params: Default::default(),
            network: NetworkSettings::default(),
            clocks: vec![],
            workload: WorkloadSettings::default(),
            timeline: vec![],
            until_ms,
        }
    }

    impl AnySim for Ticker {
        fn info(&self) -> &'static ProtocolInfo {
            &INFO
        }
        fn params(&self) -> &Params {
            &self.params
        }
        fn client_actions(&self) -> &'static [ClientActionInfo] {
            &[]
        }
        fn scenario(&self) -> Scenario {
            scenario(10_000)
        }
        fn recording(&self) -> Recording {
            Recording::Full
        }
        fn events(&self, _from: usize, _to: usize) -> Vec<SimEvent> {
            vec![]
        }
        fn recorded_lines(&self) -> std::ops::Range<usize> {
            0..0
        }
        fn recorded_events(&self, _from: usize, _to: usize) -> Vec<SimEvent> {
            vec![]
        }
        fn witnesses(&self) -> &[Witness] {
            &[]
        }
        fn properties(&self) -> Vec<PropertyStatus> {
            vec![]
        }
        fn series(&self) -> Vec<Series> {
            vec![]
        }
        fn series_len(&self) -> usize {
            0
        }
        fn node_hash(&self, _node: NodeId) -> u64 {
            0
        }
        fn now(&self) -> Time {
            self.now
        }
        fn step_index(&self) -> u64 {
            self.steps
        }
        fn horizon(&self) -> Time {
            self.horizon
        }
        fn step(&mut self) -> bool {
            self.steps += 1;
            self.now = self.steps * self.gap;
            self.horizon = self.horizon.max(self.now);
            true
        }
        fn run_until(&mut self, t: Time, max_events: u64) -> bool {
            let mut ran = 0;
            while (self.steps + 1) * self.gap <= t {
                if ran == max_events {
                    self.last_run.set(ran);
                    return false;
                }
                self.step();
                ran += 1;
            }
            self.now = self.now.max(t);
            self.horizon = self.horizon.max(t);
            self.last_run.set(ran);
            true
        }
        fn seek_step(&mut self, step: u64) {
            self.steps = step;
            self.now = step * self.gap;
        }
        fn seek_time(&mut self, t: Time) {
            self.steps = t / self.gap;
            self.now = t;
        }
        fn apply(&mut self, _action: Action, at: Time) -> Result<Time, String> {
            // Like the engine: never at or before the last event, and run up to it.
            let at = at.max(self.now + 1);
            self.applied_at.set(Some(at));
            self.run_until(at, u64::MAX);
            Ok(at)
        }
        fn frame(&self, t: f64) -> Frame {
            Frame {
                time: t,
                nodes: vec![],
                messages: vec![],
                partitions: vec![],
                cuts: vec![],
                network: Default::default(),
                layout: Layout::Ring,
            }
        }
        fn trace_rows(&self, _from: usize, _to: usize) -> Vec<TraceRow> {
            vec![]
        }
        fn trace_len(&self) -> usize {
            0
        }
        fn violations(&self) -> &[Violation] {
            &[]
        }
        fn recorded_violations(&self) -> &[Violation] {
            &[]
        }
        fn judge_end(&self) -> Vec<Violation> {
            vec![]
        }
        fn metrics(&self) -> Metrics {
            Metrics::default()
        }
        fn trace_hash(&self) -> u64 {
            self.steps
        }
    }

    #[test]
    fn starts_playing_at_time_zero() {
        let (session, _) = Ticker::session(10);
        assert!(session.playing());
        assert_eq!(session.view_time(), 0.0);
        assert_eq!(session.speed(), DEFAULT_SPEED);
    }

    #[test]
    fn paused_clock_does_not_advance() {
        let (mut session, _) = Ticker::session(10);
        session.set_playing(false);
        session.advance(50.0);
        assert_eq!(session.view_time(), 0.0);
        assert_eq!(session.sim().step_index(), 0);
    }

    #[test]
    fn speed_scales_real_time_into_virtual_time() {
        let (mut session, _) = Ticker::session(10);
        session.set_speed(2.0);
        session.advance(16.0);
        assert_eq!(session.view_time(), 32.0);
        assert_eq!(session.sim().step_index(), 3);
        session.set_speed(0.25);
        session.advance(10.0);
        assert_eq!(session.view_time(), 34.5);
    }

    #[test]
    fn speed_is_kept_within_bounds_and_ignores_nan() {
        let (mut session, _) = Ticker::session(10);
        session.set_speed(100.0);
        assert_eq!(session.speed(), MAX_SPEED);
        session.set_speed(0.0);
        assert_eq!(session.speed(), MIN_SPEED);
        session.set_speed(f64::NAN);
        assert_eq!(session.speed(), MIN_SPEED);
    }

    #[test]
    fn fractional_view_time_is_kept_between_events() {
        let (mut session, _) = Ticker::session(10);
        session.set_speed(1.0);
        session.advance(15.5);
        assert_eq!(session.view_time(), 15.5);
        assert_eq!(session.sim().now(), 15);
        assert_eq!(session.frame().time, 15.5);
    }

    #[test]
    fn long_gaps_do_not_leap_ahead() {
        let (mut session, _) = Ticker::session(10);
        session.set_speed(1.0);
        session.advance(60_000.0);
        assert_eq!(session.view_time(), MAX_FRAME_GAP_MS);
    }

    #[test]
    fn a_frame_within_the_cap_runs_every_event() {
        let (mut session, (last_run, _)) = Ticker::session(1);
        session.set_speed(MAX_SPEED);
        session.advance(100.0);
        assert!(!session.lagging());
        assert_eq!(last_run.get(), 400);
    }

    #[test]
    fn the_event_cap_stops_a_frame_and_reports_lagging() {
        // Events 0 ms apart: an endless backlog at time 0.
        let (mut session, (last_run, _)) = Ticker::session(0);
        session.advance(10.0);
        assert!(session.lagging());
        assert_eq!(last_run.get(), MAX_EVENTS_PER_FRAME);
        assert_eq!(session.view_time(), 0.0, "the view stays where the simulator stopped");
        session.set_playing(false);
        assert!(!session.lagging(), "pausing clears the warning");
    }

    #[test]
    fn playback_stops_once_at_the_scenarios_end() {
        let (mut session, _) = Ticker::session(10);
        session.set_speed(MAX_SPEED);
        while session.playing() {
            session.advance(100.0);
        }
        assert_eq!(session.view_time(), 10_000.0);
        assert!(session.at_end());
        session.set_playing(true);
        session.advance(10.0);
        assert!(session.playing(), "after the end, play goes on past it");
        assert!(session.view_time() > 10_000.0);
    }

    #[test]
    fn step_and_step_back_pause_and_move_one_event() {
        let (mut session, _) = Ticker::session(10);
        session.step();
        session.step();
        assert!(!session.playing());
        assert_eq!(session.sim().step_index(), 2);
        assert_eq!(session.view_time(), 20.0);
        session.step_back();
        assert_eq!(session.sim().step_index(), 1);
        assert_eq!(session.view_time(), 10.0);
        session.step_back();
        session.step_back();
        assert_eq!(session.sim().step_index(), 0, "step back stops at the start");
    }

    #[test]
    fn jumping_to_an_event_pauses_there() {
        let (mut session, _) = Ticker::session(10);
        session.set_speed(1.0);
        session.advance(55.0);
        session.seek_step(2);
        assert!(!session.playing());
        assert_eq!(session.view_time(), 20.0);
    }

    #[test]
    fn seeking_is_kept_within_the_track() {
        let (mut session, _) = Ticker::session(10);
        session.set_speed(1.0);
        session.advance(100.0);
        session.seek_time(1e9);
        assert_eq!(session.view_time(), 10_000.0, "up to the scenario's end, ahead of what was played");
        assert_eq!(session.sim().step_index(), 1_000);
        session.seek_time(-5.0);
        assert_eq!(session.view_time(), 0.0);
        session.seek_time(f64::NAN);
        assert_eq!(session.view_time(), 0.0);
        session.seek_time(42.5);
        assert_eq!(session.view_time(), 42.5);
    }

    #[test]
    fn going_to_a_time_goes_ahead_of_what_was_played_or_back_within_it() {
        let (mut session, _) = Ticker::session(10);
        session.set_playing(false);
        session.go_to_time(1_234.5);
        assert_eq!(session.view_time(), 1_234.5);
        assert_eq!(session.sim().step_index(), 123, "every event up to the time ran");
        assert_eq!(session.progress(), None, "a short way ahead is run at once");
        session.go_to_time(-1_000.0);
        assert_eq!(session.view_time(), 0.0, "not before the start");
        session.go_to_time(f64::NAN);
        assert_eq!(session.view_time(), 0.0);
        session.go_to_time(500.0);
        assert_eq!(session.view_time(), 500.0);
        assert!(!session.playing(), "a jump keeps playback as it was");
    }

    #[test]
    fn a_long_way_ahead_is_run_a_slice_per_frame_with_its_progress() {
        let (mut session, _) = Ticker::session(1);
        session.set_playing(false);
        session.go_to_time(100_000.0);
        assert_eq!(session.view_time(), 100_000.0, "the clock and the handle go there at once");
        assert_eq!(session.sim().step_index(), RUN_AHEAD_EVENTS_PER_FRAME, "one slice so far");
        assert_eq!(session.frame().time, RUN_AHEAD_EVENTS_PER_FRAME as f64, "the world drawn is as far as it got");
        assert!(session.busy() && !session.at_end());
        let mut frames = 0;
        let mut shown_from = None;
        while let Some(progress) = session.progress() {
            assert_eq!(progress.to, 100_000.0);
            assert_eq!(progress.done, session.sim().step_index() as f64 / 100_000.0);
            if progress.visible && shown_from.is_none() {
                shown_from = Some(frames);
            }
            session.advance(16.0);
            frames += 1;
        }
        assert_eq!(1 + frames, 100_000 / RUN_AHEAD_EVENTS_PER_FRAME, "one slice at once, then one a frame");
        assert_eq!(shown_from, Some(7), "the progress shows once more than 0.1 s has gone by");
        assert_eq!(session.sim().step_index(), 100_000);
        assert_eq!(session.view_time(), 100_000.0);
        assert!(!session.busy(), "paused it was, paused it stays");
    }

    #[test]
    fn stepping_while_running_ahead_stops_where_it_got() {
        let (mut session, _) = Ticker::session(1);
        session.go_to_time(100_000.0);
        session.advance(16.0);
        session.step();
        assert_eq!(session.progress(), None);
        assert_eq!(session.sim().step_index(), 2 * RUN_AHEAD_EVENTS_PER_FRAME + 1);
        assert_eq!(session.view_time(), session.sim().now() as f64);
    }

    #[test]
    fn playback_goes_on_from_where_a_run_ahead_arrives() {
        let (mut session, _) = Ticker::session(1);
        session.set_speed(1.0);
        session.go_to_time(9_000.0);
        assert!(session.playing());
        session.advance(16.0);
        assert_eq!(session.view_time(), 9_000.0, "the clock waits for the run ahead");
        session.advance(16.0);
        assert_eq!(session.view_time(), 9_016.0);
    }

    #[test]
    fn a_shared_moment_shows_the_same_event_and_time() {
        let mut session = real_paused();
        session.step();
        session.step();
        let (t, event, frame) = (session.view_time(), session.sim().step_index(), session.frame());
        let mut opened = Session::start(&session.shareable_scenario()).expect("the shared scenario builds");
        opened.show_moment(t, event);
        assert_eq!((opened.view_time(), opened.sim().step_index()), (t, event));
        assert_eq!(opened.frame(), frame);
        assert_eq!(opened.progress(), None);
    }

    #[test]
    fn a_shared_moment_far_ahead_is_reached_in_slices_then_shown_at_its_event() {
        let mut session = real_paused();
        session.set_speed(MAX_SPEED);
        while session.view_time() < 120_000.0 {
            // Past the scenario's end too: playback stops there once.
            session.set_playing(true);
            session.advance(100.0);
        }
        session.set_playing(false);
        session.step();
        let (t, event, frame) = (session.view_time(), session.sim().step_index(), session.frame());
        let mut opened = Session::start(&session.shareable_scenario()).expect("the shared scenario builds");
        opened.show_moment(t, event);
        assert!(opened.progress().is_some(), "{event} events are more than one slice");
        while opened.progress().is_some() {
            opened.advance(16.0);
        }
        assert_eq!((opened.view_time(), opened.sim().step_index()), (t, event));
        assert_eq!(opened.frame(), frame);
    }

    #[test]
    fn actions_happen_at_the_shown_time_rounded_up() {
        let (mut session, (_, applied_at)) = Ticker::session(10);
        session.set_speed(1.0);
        session.advance(12.25);
        assert_eq!(session.apply(Action::Fault(Fault::Heal)), Ok(13));
        assert_eq!(applied_at.get(), Some(13));
        assert_eq!(session.view_time(), 13.0, "the view moves on to show the action's effect");
        session.set_playing(false);
        session.step();
        assert_eq!(session.apply(Action::Fault(Fault::Heal)), Ok(21));
        assert_eq!(session.view_time(), 21.0);
    }

    #[test]
    fn a_shared_run_lasts_at_least_as_long_as_what_was_watched() {
        let (mut session, _) = Ticker::session(10);
        assert_eq!(session.shareable_scenario().until_ms, 10_000);
        session.set_speed(MAX_SPEED);
        while session.playing() {
            session.advance(100.0);
        }
        session.set_playing(true);
        session.advance(0.5);
        assert_eq!(session.shareable_scenario().until_ms, 10_002);
    }

    // The tests above pin down the clock against a stand-in simulator; the
    // ones below drive the real one, through the lab's opening scenario.

    fn real() -> Session {
        Session::start(&presets()[0].scenario).expect("the presets build")
    }

    /// A real run a few virtual seconds in, paused between two events.
    fn real_paused() -> Session {
        let mut session = real();
        session.set_speed(MAX_SPEED);
        for _ in 0..8 {
            session.advance(100.0);
        }
        session.set_speed(1.0);
        session.advance(12.5);
        session.set_playing(false);
        session
    }

    #[test]
    fn playing_a_real_run_moves_time_and_events_on() {
        let mut session = real();
        let (events, lines) = (session.sim().step_index(), session.sim().trace_len());
        session.set_speed(MAX_SPEED);
        for _ in 0..10 {
            session.advance(100.0);
        }
        assert_eq!(session.view_time(), 4_000.0);
        assert!(session.sim().step_index() > events, "events were processed");
        assert!(session.sim().trace_len() > lines, "and traced");
        assert!(
            session.sim().now() <= 4_000 && session.sim().horizon() == session.sim().now(),
            "the last event is the furthest"
        );
        let frame = session.frame();
        assert_eq!(frame.time, 4_000.0);
        assert!(frame.messages.iter().all(|m| m.sent_at <= frame.time), "nothing is drawn before it is sent");
    }

    #[test]
    fn stepping_back_returns_to_exactly_the_state_before() {
        let mut session = real_paused();
        session.step();
        let (index, before) = (session.sim().step_index(), session.frame());
        let mut steps = 0;
        while session.frame() == before {
            session.step();
            steps += 1;
            assert!(steps < 100, "a hundred events in a row changed nothing on screen");
        }
        let after = session.frame();
        for _ in 0..steps {
            session.step_back();
        }
        assert_eq!(session.sim().step_index(), index);
        assert_eq!(session.frame(), before);
        for _ in 0..steps {
            session.step();
        }
        assert_eq!(session.frame(), after, "stepping on again replays the same events");
    }

    #[test]
    fn a_crash_applied_while_paused_shows_at_once() {
        let mut session = real_paused();
        let (shown, before) = (session.view_time(), session.frame());
        assert_eq!(before.nodes[1].liveness, Liveness::Up);
        let crash = Action::Fault(Fault::Crash { node: 1 });
        let at = session.apply(crash.clone()).expect("a crash applies");
        assert_eq!(at, shown.ceil() as Time, "at the shown time, rounded up");
        assert!(!session.playing());
        let after = session.frame();
        assert_eq!(after.nodes[1].liveness, Liveness::Crashed);
        for (a, b) in before.nodes.iter().zip(&after.nodes).filter(|(n, _)| n.id != 1) {
            assert_eq!(a.liveness, b.liveness, "{} is as it was", a.name);
        }
        assert!(
            session.scenario().timeline.iter().any(|e| e.at_ms == at && e.action == crash),
            "it is in the timeline"
        );
    }

    #[test]
    fn another_seed_is_another_run_shown_at_the_same_time() {
        let mut session = real_paused();
        let (shown, hash) = (session.view_time(), session.sim().trace_hash());
        assert_ne!(shown.fract(), 0.0, "the view is between two milliseconds");
        let mut other = session.scenario().clone();
        other.seed += 1;
        session.rebuild(&other).expect("another seed builds");
        assert_eq!(session.view_time(), shown);
        assert_eq!(session.frame().time, shown);
        assert_eq!(session.scenario().seed, other.seed);
        assert!(session.sim().now() as f64 <= shown);
        assert_ne!(session.sim().trace_hash(), hash, "a different run");
    }

    #[test]
    fn a_refused_rebuild_keeps_the_run_on_screen() {
        let mut session = real_paused();
        let (scenario, frame) = (session.scenario().clone(), session.frame());
        let mut wrong = scenario.clone();
        wrong.params.insert("no_such_parameter".into(), true.into());
        let refused = session.rebuild(&wrong).expect_err("an unknown parameter is refused");
        assert!(refused.to_string().contains("no_such_parameter"), "{refused}");
        assert_eq!(session.scenario(), &scenario);
        assert_eq!(session.frame(), frame);
    }

    #[test]
    fn a_real_run_busier_than_the_cap_lags_then_catches_up() {
        let mut session = real();
        session.event_cap = 5;
        session.set_speed(MAX_SPEED);
        session.advance(100.0);
        assert!(session.lagging(), "400 virtual ms of an opening office are more than five events");
        assert_eq!(session.sim().step_index(), 5);
        let stopped = session.sim().now() as f64;
        assert_eq!(session.view_time(), stopped, "the view stays where the simulator stopped");
        assert!(stopped < 400.0);
        session.event_cap = MAX_EVENTS_PER_FRAME;
        session.advance(100.0);
        assert!(!session.lagging());
        assert_eq!(session.view_time(), stopped + 400.0, "the next frame goes on from where the last one stopped");
    }
}
