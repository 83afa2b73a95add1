//! The lab: owns the session, drives the animation clock, routes every
//! user action to the simulator, and lays out the panels.

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use gloo::events::{EventListener, EventListenerOptions};
use gloo::render::{AnimationFrame, request_animation_frame};
use quorum_protocols::lesson::{Moment as LessonMoment, done, lessons, moments};
use quorum_protocols::sim::any::Violation;
use quorum_protocols::sim::params::ParamInfo;
use quorum_protocols::sim::scenario::{Action, Scenario};
use quorum_protocols::sim::time::NodeId;
use quorum_protocols::{Preset, presets};
use wasm_bindgen::JsCast;
use web_sys::{Element, HtmlElement};
use yew::prelude::*;

use crate::clip::{Clip, MAX_CLIP_MS};
use crate::components::announcer::{Alert, announcer, event_words, violation_words};
use crate::components::canvas::NetworkCanvas;
use crate::components::charts::ChartsPanel;
use crate::components::diagram::{Diagram, Placement};
use crate::components::embed_dialog::{Asked, EmbedDialog, embed_dialog, start_at};
use crate::components::inspector::Inspector;
use crate::components::invariants::{InvariantBar, headline, rule_of};
use crate::components::key_help::KeyHelp;
use crate::components::lessons::{Challenge, LessonList, StoryPanel};
use crate::components::metrics::MetricsPanel;
use crate::components::network_panel::NetworkPanel;
use crate::components::node_list::{NodeList, summaries};
use crate::components::notices::{Notice, Notices};
use crate::components::param_controls::{controls, with_param};
use crate::components::scrubber::{Mark, Scrubber};
use crate::components::share_box::{Export, ShareBox, ShareLink, ShareState};
use crate::components::toolbar::Toolbar;
use crate::components::trace::{TRACE_ROWS_SHOWN, TracePanel};
use crate::describe;
use crate::embed::{self, Clicker, Command};
use crate::render::chart::{Chart, charts};
use crate::render::spacetime::History;
use crate::session::Session;
use crate::share::{self, Moment, Requested, SharedRun};

mod hosted;

/// Everything that can happen to the lab. Panels send these through one callback.
pub enum Msg {
    /// An animation frame, with its timestamp in ms.
    Frame(f64),
    VisibilityChanged,
    HashChanged,
    TogglePlay,
    Step,
    StepBack,
    /// Moves the view by this many ms of virtual time, running ahead if need be.
    Skip(f64),
    GoToStart,
    /// Goes to the scenario's end and pauses there, as playback would.
    GoToEnd,
    SetSpeed(f64),
    SeekTime(f64),
    SeekStep(u64),
    /// Shows violation `i` (of the simulator's list) at its event, with what it involves marked.
    ShowViolation(usize),
    Select(Option<NodeId>),
    Act(Action),
    SetVariant(String),
    /// A parameter's control changed, with its raw value.
    SetParam(&'static ParamInfo, String),
    NewSeed,
    LoadPreset(usize),
    /// Share was pressed; the control that did it gets focus back when the box closes.
    Share(Option<HtmlElement>),
    Shared(Result<(), String>),
    /// The share box's "start at" box: the link opens at the moment shared, or from the start.
    ShareAtMoment(bool),
    /// The share box's downloads: the run as a scenario file, or the canvas as a picture.
    Download(Export),
    /// `refocus`: give focus back to the control that opened the box. Yes for
    /// the keyboard (Escape, Enter on Close), whose user would otherwise be
    /// dropped at the top of the page; no for a mouse click, which would
    /// leave a button focused for Space to press again.
    CloseShare {
        refocus: bool,
    },
    /// Shows the key help, with the control that asked for it.
    ShowKeys(Option<HtmlElement>),
    /// `?`: shows the key help, or hides it if shown.
    ToggleKeys(Option<HtmlElement>),
    CloseKeys {
        refocus: bool,
    },
    /// Closes what is open on top: the key help, else the share box.
    Escape,
    Dismiss(u64),
    /// Shows the list of lessons, with the control that asked for it.
    ShowLessons(Option<HtmlElement>),
    CloseLessons,
    /// Opens lesson `i` (of `lessons()`) at its first step.
    OpenLesson(usize),
    /// Goes to step `k` of the open lesson.
    LessonStep(usize),
    /// Leaves the story to play freely; it waits.
    LeaveLesson,
    ReturnToLesson,
    EndLesson,
    /// The space-time diagram goes below or beside the network, or away.
    PlaceDiagram(Placement),
    /// The trace list was scrolled: the first row shown, and whether it is
    /// at the bottom (then it follows new rows).
    TraceScrolled {
        first: usize,
        follow: bool,
    },
    // Embedding and presenting (see `hosted`).
    /// A command from the page this embed is in.
    Host(Command),
    /// Shows the Embed dialog, with the control that asked for it.
    ShowEmbed(Option<HtmlElement>),
    CloseEmbed {
        refocus: bool,
    },
    /// The Embed dialog's form changed: what it now asks (`None`: it could not be read).
    EmbedAsked(Option<Asked>),
    /// The Embed dialog's "From now".
    EmbedFromNow,
    EmbedCopy,
    EmbedCopied(Result<(), String>),
    TogglePresent,
    /// A: reads each event aloud as the user steps (the live region), or stops.
    ToggleAnnounce,
    /// Starts recording a clip of the canvas (and plays), or stops and saves it.
    Clip,
    FullscreenChanged,
    Clicker(Clicker),
}

pub struct App {
    session: Option<Session>,
    /// Why the lab could not start at all (shown instead of the lab).
    fatal: Option<String>,
    presets: Rc<Vec<Preset>>,
    /// The preset on screen, if the run came from one rather than a link.
    preset: Option<usize>,
    selected: Option<NodeId>,
    /// The violation last jumped to: its culprits are marked while the view is at its event.
    shown_violation: Option<usize>,
    notices: Vec<Notice>,
    next_notice: u64,
    share: Option<ShareLink>,
    share_opener: Option<HtmlElement>,
    /// The key help is shown; with the control to give focus back to.
    keys: Option<Option<HtmlElement>>,
    trace_first: usize,
    trace_follow: bool,
    /// Bumped whenever a different run is installed or a change to the run
    /// is refused, so panels with their own editing state start afresh from
    /// the run in force (the network panel also starts afresh whenever the
    /// settings in force change, so its sliders show them).
    generation: u64,
    /// The scenario's timeline as marks on the scrubber.
    marks: Rc<Vec<Mark>>,
    /// The lessons list is shown; with the control to give focus back to.
    lesson_list: Option<Option<HtmlElement>>,
    /// The lesson being told.
    lesson: Option<LessonRun>,
    /// What the space-time diagram has read of the run, and where it shows.
    history: Rc<RefCell<History>>,
    /// Bumped whenever the history starts afresh (another run, a fork).
    history_run: u64,
    diagram: Placement,
    /// The run's metrics as charts, the run and sample count they were made
    /// from, and when (the animation clock, ms).
    charts: Rc<Vec<Chart>>,
    charts_of: (u64, usize),
    charts_at_ms: f64,
    /// An embedded run shows charts only when asked (`?embed&charts`).
    show_charts: bool,
    /// The fragment this page last showed or wrote, to tell a pasted link
    /// (a real `hashchange`) from our own address-bar updates.
    hash: String,
    hidden: bool,
    /// The user prefers less motion: nothing plays until asked, and messages do not glide.
    reduced_motion: bool,
    /// Each event stepped to is put in words for screen readers (A).
    announce_events: bool,
    /// The event at which A was last pressed: the live region says it was, until the next.
    announce_toggled_at: Option<u64>,
    /// The violation the alert region said last.
    alert: Alert,
    /// A clip of the canvas being recorded while the run plays.
    clip: Option<Clip>,
    /// Opened with `?embed` (in an iframe of a blog or slides): the canvas, playback and the
    /// invariant bar only, and a link to the full lab.
    embed: bool,
    last_frame_ms: Option<f64>,
    // Embedding and presenting (see `hosted`).
    /// What the page's query asks for (`?embed&autoplay=0&from=…`, `docs/embed.md`).
    options: embed::Options,
    /// The page this embed is in, when it may script it.
    host: Option<hosted::Host>,
    /// Presentation mode: full screen, large type, clicker keys (read by the key listener too).
    present: Rc<Cell<bool>>,
    embed_dialog: Option<EmbedDialog>,
    /// Dropping the handle cancels the frame: no frames while paused or hidden.
    animation: Option<AnimationFrame>,
    dispatch: Callback<Msg>,
    _listeners: Vec<EventListener>,
}

impl Component for App {
    type Message = Msg;
    type Properties = ();

    fn create(ctx: &Context<Self>) -> Self {
        let hash = share::current_hash();
        let (options, problems) = embed::options(&query());
        let present = Rc::new(Cell::new(query_flag("present")));
        let mut app = App {
            session: None,
            fatal: None,
            presets: Rc::new(presets()),
            preset: None,
            selected: None,
            shown_violation: None,
            notices: Vec::new(),
            next_notice: 0,
            share: None,
            share_opener: None,
            keys: None,
            trace_first: 0,
            trace_follow: true,
            generation: 0,
            marks: Rc::default(),
            lesson_list: None,
            lesson: None,
            history: Rc::default(),
            history_run: 0,
            // An embedded run shows the network alone unless asked (`?embed&diagram`).
            diagram: if is_embedded() && !options.panels.diagram { Placement::Hidden } else { Placement::Below },
            charts: Rc::default(),
            charts_of: (u64::MAX, 0),
            charts_at_ms: f64::NEG_INFINITY,
            show_charts: !is_embedded() || options.panels.charts,
            hash: hash.clone(),
            hidden: is_hidden(),
            reduced_motion: prefers_reduced_motion(),
            announce_events: false,
            announce_toggled_at: None,
            alert: Alert::default(),
            clip: None,
            embed: is_embedded(),
            last_frame_ms: None,
            host: is_embedded().then(|| hosted::Host::new(ctx.link().clone(), &options.origins)).flatten(),
            options,
            _listeners: listeners(ctx, &present),
            present,
            embed_dialog: None,
            animation: None,
            dispatch: ctx.link().callback(|m| m),
        };
        app.open_link(&hash);
        hosted::apply_theme(app.options.theme);
        for problem in problems {
            app.notify(problem);
        }
        app.apply_options();
        app.report_to_host();
        app.sync_clock(ctx);
        app
    }

    fn update(&mut self, ctx: &Context<Self>, msg: Msg) -> bool {
        let played = matches!(msg, Msg::Frame(_)) && self.session.as_ref().is_some_and(Session::playing);
        let redraw = self.handle(msg);
        self.end_clip_when_done();
        self.hold_range(played);
        self.report_to_host();
        self.sync_clock(ctx);
        if let Some(session) = self.session.as_ref().filter(|_| self.diagram != Placement::Hidden) {
            self.history.borrow_mut().sync(session.sim(), session.scenario().nodes);
        }
        if let Some(session) = self.session.as_ref().filter(|_| self.show_charts) {
            // The series change only when a sample is taken or the run forks.
            // While playing, charts are drawn again at most every CHARTS_EVERY_MS:
            // a redraw of every chart in one frame would take most of its budget.
            let of = (self.history_run, session.sim().series_len());
            let now = self.last_frame_ms.unwrap_or_default();
            let due = !session.playing() || of.0 != self.charts_of.0 || now - self.charts_at_ms >= CHARTS_EVERY_MS;
            if of != self.charts_of && due {
                self.charts = Rc::new(charts(&session.sim().series()));
                self.charts_of = of;
                self.charts_at_ms = now;
            }
        }
        redraw
    }

    fn view(&self, _ctx: &Context<Self>) -> Html {
        let notices = html! { <Notices notices={self.notices.clone()} on={self.dispatch.clone()} /> };
        let Some(session) = &self.session else {
            let reason = self.fatal.clone().unwrap_or_else(|| "nothing to show".into());
            return html! {
                <main class="lab lab--fatal">
                    {notices}
                    <section class="fatal" role="alert" data-testid="fatal">
                        <h1>{"The lab could not start"}</h1>
                        <p>{reason}</p>
                        <p>{"Reload the page to try again; if this keeps happening, the simulator in this build is broken."}</p>
                    </section>
                </main>
            };
        };
        let sim = session.sim();
        let info = sim.info();
        let scenario_title = self.title(session);
        let frame = Rc::new(session.frame());
        let trace_len = sim.trace_len();
        let first = if self.trace_follow {
            trace_len.saturating_sub(TRACE_ROWS_SHOWN)
        } else {
            self.trace_first.min(trace_len.saturating_sub(TRACE_ROWS_SHOWN))
        };
        let rows = Rc::new(sim.trace_rows(first, (first + TRACE_ROWS_SHOWN).min(trace_len)));
        let names: Rc<Vec<String>> = Rc::new(frame.nodes.iter().map(|n| n.name.clone()).collect());
        let tagged = frame.nodes.iter().flat_map(|n| &n.view.items).any(|i| i.tag.is_some());
        let violations = Rc::new(sim.violations().to_vec());

        let recorded = sim.recorded_violations();
        let violation_marks: Rc<Vec<Mark>> = Rc::new(
            recorded.iter().map(|v| Mark { at_ms: v.time_ms, label: rule_of(info.properties, v.invariant) }).collect(),
        );
        // The violation jumped to, while the view is at its event: the card
        // leads with it and the canvas marks what it involves.
        let shown =
            self.shown_violation.and_then(|i| Some((i, recorded.get(i)?))).filter(|(_, v)| v.step == sim.step_index());
        let culprits = shown.map(|(_, v)| v.culprits.clone());
        let (lead, known_limit) = match shown {
            Some((i, v)) => (Some(i), v.known_limit),
            None => headline(&violations),
        };
        let witnesses = Rc::new(sim.witnesses().to_vec());
        let alert =
            self.alert.said(violations.len(), || violations.last().map(|v| violation_words(info.properties, v)));
        let spoken_event = self.spoken_event(session, &names);
        let end: Option<Rc<Vec<Violation>>> = session.at_end().then(|| Rc::new(sim.judge_end()));
        let selected_node = self.selected.and_then(|id| frame.nodes.iter().find(|n| n.id == id).cloned());
        let scenario = session.scenario();
        let params = Rc::new(controls(info, &scenario.variant, sim.params()));
        let network = frame.network.clone();
        // The settings' exact values: bits, not text, as writing floats would ship core's
        // float formatting (see `sim::decimal`).
        let [lo, hi] = network.latency_ms;
        let network_key =
            format!("{}-{lo}-{hi}-{}-{}", self.generation, network.drop.to_bits(), network.duplicate.to_bits());
        let on = self.dispatch.clone();
        let beside = self.diagram == Placement::Beside;
        let step = self.lesson.as_ref().filter(|l| !l.away).and_then(|l| lessons()[l.lesson].story.get(l.step));
        let (highlighted, highlighted_messages) = step.map_or((&[][..], &[][..]), |s| (s.highlight, s.messages));
        // Hidden, the full lab keeps the diagram's bar (to show it again); an embed drops it.
        let below = !(beside || self.embed && self.diagram == Placement::Hidden);
        let diagram = html! {
            <Diagram
                history={self.history.clone()}
                version={(self.history_run, self.history.borrow().forgotten(), self.history.borrow().lines_read())}
                names={names.clone()}
                now={session.view_time()}
                step={sim.step_index()}
                placement={self.diagram}
                on={on.clone()}
            />
        };

        html! {
            <main class={classes!("lab", self.embed.then_some("lab--embed"), self.present.get().then_some("lab--present"))}>
                if self.present.get() {
                    <button class="button leave-present" data-testid="leave-present" title="Leave presentation mode (Escape)"
                        onclick={on.reform(|_| Msg::TogglePresent)}>
                        {"Leave presentation"}
                    </button>
                }
                if self.embed {
                    // The page without its query (`?embed`), with the run's fragment.
                    <a class="open-full" data-testid="open-full" href={share::link("", &share::page_base().1, &self.hash)}
                        target="_blank" rel="noopener">
                        {"Open in Quorum ↗"}
                    </a>
                }
                <Toolbar
                    info={info}
                    presets={self.presets.clone()}
                    preset={self.preset}
                    variant={scenario.variant.clone()}
                    params={params}
                    generation={self.generation}
                    seed={scenario.seed}
                    title={scenario_title.clone()}
                    playing={session.playing()}
                    speed={session.speed()}
                    can_step_back={sim.step_index() > 0}
                    on={on.clone()}
                />
                {notices}
                { announcer(alert, spoken_event) }
                if let Some(share) = &self.share {
                    <ShareBox share={share.clone()} recording={self.clip.is_some()} on={on.clone()} />
                }
                if let Some(dialog) = &self.embed_dialog {
                    { embed_dialog(dialog, &(share::page_base().0 + &share::page_base().1), &scenario_title, session.view_time(), &on) }
                }
                if self.keys.is_some() {
                    <KeyHelp on={on.clone()} />
                }
                if self.lesson_list.is_some() {
                    <LessonList protocols={lesson_protocols(&self.presets)} on={on.clone()} />
                }
                <Scrubber
                    time={session.view_time()}
                    horizon={session.played()}
                    until={session.until_ms()}
                    step={sim.step_index()}
                    marks={self.marks.clone()}
                    violations={violation_marks}
                    lagging={session.lagging()}
                    at_end={session.at_end() && !session.playing()}
                    progress={session.progress()}
                    window={self.range()}
                    on={on.clone()}
                />
                <InvariantBar
                    properties={info.properties}
                    known_limit={known_limit}
                    violations={violations}
                    lead={lead}
                    names={names.clone()}
                    witnesses={witnesses}
                    end={end}
                    on={on.clone()}
                />
                if let Some(lesson) = &self.lesson {
                    <StoryPanel
                        lesson={lesson.lesson}
                        step={lesson.step}
                        missing={lesson.moments.get(lesson.step).is_some_and(Option::is_none)}
                        challenge={self.challenge().unwrap_or(Challenge::None)}
                        away={lesson.away}
                        on={on.clone()}
                    />
                }
                <div class="stage">
                    <div class="main-column">
                        <div class={classes!("network-row", beside.then_some("network-row--beside"))}>
                            <section class="canvas-wrap" aria-label="The network" hidden={self.embed && !self.options.panels.canvas}>
                                <NetworkCanvas
                                    frame={frame.clone()}
                                    selected={self.selected}
                                    culprits={culprits}
                                    highlighted={highlighted}
                                    {highlighted_messages}
                                    reduced_motion={self.reduced_motion}
                                    noun={info.node_noun}
                                    on={on.clone()}
                                />
                            </section>
                            if beside { {diagram.clone()} }
                        </div>
                        { legend(tagged) }
                        if below { {diagram} }
                        if self.show_charts {
                            <ChartsPanel
                                charts={self.charts.clone()}
                                extent={(session.until_ms() as f64).max(session.played() as f64)}
                                marks={self.marks.clone()}
                                now={session.view_time()}
                                on={on.clone()}
                            />
                        }
                        <TracePanel
                            rows={rows}
                            first={first}
                            len={trace_len}
                            follow={self.trace_follow}
                            current_step={sim.step_index()}
                            names={names.clone()}
                            on={on.clone()}
                        />
                    </div>
                    <aside class="side">
                        <NodeList nodes={Rc::new(summaries(&frame))} selected={self.selected} noun={info.node_noun} on={on.clone()} />
                        <Inspector
                            info={info}
                            actions={sim.client_actions()}
                            node={selected_node}
                            names={names.clone()}
                            on={on.clone()}
                        />
                        <NetworkPanel
                            key={network_key}
                            names={names}
                            network={network}
                            partitions={frame.partitions.clone()}
                            noun={info.node_noun}
                            on={on}
                        />
                        <MetricsPanel metrics={sim.metrics()} />
                    </aside>
                </div>
            </main>
        }
    }
}

impl App {
    /// Applies one message; true when the page must be drawn again.
    fn handle(&mut self, msg: Msg) -> bool {
        match msg {
            Msg::Frame(ms) => {
                self.animation = None;
                let elapsed = self.last_frame_ms.map_or(0.0, |last| ms - last);
                self.last_frame_ms = Some(ms);
                if let Some(session) = &mut self.session {
                    session.advance(elapsed);
                }
                self.follow_story();
                true
            }
            Msg::VisibilityChanged => {
                self.hidden = is_hidden();
                false
            }
            Msg::HashChanged => {
                let hash = share::current_hash();
                if hash == self.hash {
                    return false;
                }
                self.hash = hash.clone();
                self.open_link(&hash);
                true
            }
            Msg::Dismiss(id) => {
                self.notices.retain(|n| n.id != id);
                true
            }
            Msg::CloseShare { refocus } => self.close_share(refocus),
            Msg::ShowKeys(opener) => {
                self.keys.get_or_insert(opener);
                true
            }
            Msg::ToggleKeys(opener) => {
                if !self.close_keys(true) {
                    self.keys = Some(opener);
                }
                true
            }
            Msg::CloseKeys { refocus } => self.close_keys(refocus),
            Msg::Escape => {
                self.close_keys(true)
                    || self.close_lessons(true)
                    || self.close_share(true)
                    || self.close_embed(true)
                    || self.leave_present()
            }
            Msg::CloseEmbed { refocus } => self.close_embed(refocus),
            Msg::TogglePresent => {
                self.toggle_present();
                true
            }
            Msg::ToggleAnnounce => {
                self.announce_events = !self.announce_events;
                self.announce_toggled_at = self.session.as_ref().map(|s| s.sim().step_index());
                true
            }
            Msg::FullscreenChanged => self.fullscreen_changed(),
            Msg::EmbedAsked(asked) => self.embed_asked(asked),
            Msg::EmbedFromNow => {
                let now = self.session.as_ref().map_or(0.0, Session::view_time);
                self.embed_asked(start_at(now))
            }
            Msg::EmbedCopy => {
                if let (Some(dialog), Some(session)) = (&self.embed_dialog, &self.session) {
                    let (snippet, _) =
                        dialog.snippet(&(share::page_base().0 + &share::page_base().1), &self.title(session));
                    self.copy(snippet, Msg::EmbedCopied);
                }
                false
            }
            Msg::EmbedCopied(result) => self.embed_copied(result),
            Msg::ShowLessons(opener) => {
                self.lesson_list.get_or_insert(opener);
                true
            }
            Msg::CloseLessons => self.close_lessons(true),
            Msg::OpenLesson(i) => {
                self.open_lesson(i);
                true
            }
            Msg::LessonStep(step) => {
                self.go_to_step(step);
                true
            }
            Msg::LeaveLesson => {
                if let Some(lesson) = &mut self.lesson {
                    lesson.away = true;
                }
                true
            }
            Msg::ReturnToLesson => {
                self.return_to_lesson();
                true
            }
            Msg::EndLesson => {
                self.lesson = None;
                share::clear_hash();
                self.hash.clear();
                true
            }
            Msg::ShareAtMoment(at_moment) => {
                if let Some(share) = self.share.take() {
                    self.publish(share.run, at_moment);
                }
                true
            }
            Msg::Download(what) => {
                if let Err(reason) = self.download(what) {
                    self.notify(format!("Could not download: {reason}."));
                }
                true
            }
            Msg::Shared(result) => {
                if let Some(share) = &mut self.share {
                    share.state = match result {
                        Ok(()) => ShareState::Copied,
                        Err(reason) => ShareState::CopyByHand(reason),
                    };
                }
                true
            }
            Msg::TraceScrolled { first, follow } => {
                // While following, the list scrolls itself to each new row;
                // only leaving or rejoining the bottom changes what is shown.
                let changed = follow != self.trace_follow || (!follow && first != self.trace_first);
                self.trace_first = first;
                self.trace_follow = follow;
                changed
            }
            Msg::LoadPreset(index) => {
                share::clear_hash();
                self.hash.clear();
                self.load_preset(index);
                true
            }
            Msg::Select(node) => {
                self.selected = node;
                true
            }
            Msg::PlaceDiagram(placement) => {
                self.diagram = placement;
                true
            }
            Msg::Clip => {
                match self.clip.take() {
                    Some(clip) => clip.finish(self.file_name("webm")),
                    None => self.start_clip(),
                }
                true
            }
            msg => {
                if self.session.is_none() {
                    return false;
                }
                self.handle_run(msg);
                true
            }
        }
    }

    /// Messages that act on the running simulation.
    fn handle_run(&mut self, msg: Msg) {
        let Some(session) = &mut self.session else { return };
        match msg {
            Msg::TogglePlay => {
                let playing = !session.playing();
                session.set_playing(playing);
            }
            Msg::Step => session.step(),
            Msg::StepBack => session.step_back(),
            Msg::SetSpeed(speed) => session.set_speed(speed),
            Msg::SeekTime(t) => session.seek_time(t),
            Msg::SeekStep(step) => session.seek_step(step),
            Msg::ShowViolation(i) => {
                if let Some(step) = session.sim().recorded_violations().get(i).map(|v| v.step) {
                    session.seek_step(step);
                    self.shown_violation = Some(i);
                }
            }
            Msg::Skip(ms) => session.go_to_time(session.view_time() + ms),
            Msg::GoToStart => session.seek_time(0.0),
            Msg::GoToEnd => {
                session.go_to_time(session.until_ms() as f64);
                session.set_playing(false);
            }
            Msg::Act(action) => {
                let what = describe::action(&action, session.sim().client_actions(), &session.node_names());
                match session.apply(action) {
                    Ok(_) => self.refresh_timeline(),
                    Err(reason) => self.notify(format!("Could not {what}: {reason}")),
                }
            }
            Msg::SetParam(param, raw) => {
                let mut scenario = session.scenario().clone();
                match with_param(&scenario.params, param, &raw) {
                    Ok(params) => {
                        // A role's count changes the node count with it (Paxos).
                        scenario.nodes = session.sim().info().nodes_for(&params).unwrap_or(scenario.nodes);
                        scenario.params = params;
                        self.rebuild(scenario);
                    }
                    Err(reason) => self.notify(format!("Could not set {}: {reason}.", param.label)),
                }
            }
            Msg::SetVariant(variant) => {
                let mut scenario = session.scenario().clone();
                scenario.variant = variant;
                self.rebuild(scenario);
            }
            Msg::NewSeed => {
                let mut scenario = session.scenario().clone();
                // Math.random has 53 bits of randomness; all of them go into the seed.
                scenario.seed = (js_sys::Math::random() * 9_007_199_254_740_992.0) as u64;
                self.rebuild(scenario);
            }
            Msg::Share(opener) => {
                self.share_opener = opener;
                self.share();
            }
            Msg::ShowEmbed(opener) => self.show_embed(opener),
            Msg::Host(command) => self.host_command(command),
            Msg::Clicker(key) => self.clicker(key),
            _ => {}
        }
    }

    /// Opens what the page's fragment asks for, falling back to the default
    /// scenario (with a message saying why) when it cannot be opened.
    fn open_link(&mut self, hash: &str) {
        let run = match share::requested(hash) {
            Requested::Default => return self.load_preset(0),
            Requested::Run(run) => *run,
            Requested::Lesson(id) => {
                return match lessons().iter().position(|l| l.id == id) {
                    Some(i) => self.open_lesson(i),
                    None => self.refuse_link(share::NO_SUCH_LESSON_SENTENCE),
                };
            }
            Requested::Broken(why) => return self.refuse_link(why),
        };
        let Ok(mut session) = Session::start(&run.scenario) else {
            return self.refuse_link(share::CANNOT_RUN_SENTENCE);
        };
        if let Some(speed) = run.speed {
            session.set_speed(speed);
        }
        if let Some(moment) = run.moment {
            session.show_moment(moment.time_ms, moment.event);
            session.set_playing(!moment.paused);
        }
        let preset = run.preset.and_then(|id| self.presets.iter().position(|p| p.id == id));
        self.install(session, preset);
        self.selected = run.selected;
        // Shown only while the view is at its event, like any jump: a wrong index shows nothing.
        self.shown_violation = run.moment.and_then(|m| m.violation);
    }

    /// A link that cannot be opened: say why, put the lab's own address
    /// back, and keep the run on screen (the default one if there is none yet).
    fn refuse_link(&mut self, why: &str) {
        self.notify(why.into());
        share::clear_hash();
        self.hash.clear();
        if self.session.is_none() {
            self.load_preset(0);
        }
    }

    fn load_preset(&mut self, index: usize) {
        let started = match self.presets.get(index) {
            Some(preset) => Session::start(&preset.scenario).map_err(|e| e.to_string()),
            None => Err("this build has no scenarios to show".into()),
        };
        match started {
            Ok(session) => self.install(session, Some(index)),
            Err(reason) if self.session.is_none() => self.fatal = Some(reason),
            Err(reason) => self.notify(format!("That scenario could not be opened: {reason}")),
        }
    }

    /// Opens lesson `i`: its preset, paused at its first step, its link in the address bar.
    fn open_lesson(&mut self, i: usize) {
        let Some(lesson) = lessons().get(i) else { return };
        let Some(index) = self.presets.iter().position(|p| p.id == lesson.preset) else {
            return self.notify(format!("The lesson \"{}\" needs a scenario this build does not have.", lesson.title));
        };
        self.load_preset(index);
        let script = self.presets[index].scenario.clone();
        match moments(&script, lesson.story) {
            Ok(moments) => {
                self.lesson = Some(LessonRun { lesson: i, step: 0, moments, script, away: false });
                self.lesson_list = None;
                self.hash = format!("#lesson={}", lesson.id);
                share::replace_hash(&self.hash);
                self.go_to_step(0);
            }
            Err(reason) => self.notify(format!("The lesson could not start: {reason}")),
        }
    }

    /// Shows step `step` of the open lesson at its moment, paused.
    fn go_to_step(&mut self, step: usize) {
        let (Some(lesson), Some(session)) = (&mut self.lesson, &mut self.session) else { return };
        if step >= lesson.moments.len() {
            return;
        }
        lesson.step = step;
        lesson.away = false;
        match lesson.moments[step] {
            Some(LessonMoment { time, event: Some(event) }) => session.show_moment(time as f64, event),
            Some(LessonMoment { time, event: None }) => session.go_to_time(time as f64),
            None => {}
        }
        session.set_playing(false);
    }

    /// While the story plays on, stops at the next step's moment and shows it.
    fn follow_story(&mut self) {
        let Some(lesson) = self.lesson.as_ref().filter(|l| !l.away) else { return };
        let Some(session) = self.session.as_ref().filter(|s| s.playing()) else { return };
        let next = lesson.step + 1;
        let due = lesson.moments.get(next).copied().flatten().is_some_and(|m| session.view_time() >= m.time as f64);
        if due && !matches!(self.challenge(), Some(Challenge::Waiting(_))) {
            match lessons()[lesson.lesson].story[next].pause {
                true => self.go_to_step(next),
                // A caption: its text shows and the run plays on under it.
                false => self.lesson.as_mut().expect("open").step = next,
            }
        }
    }

    /// Back from playing freely: the lesson's own run, at the step left.
    fn return_to_lesson(&mut self) {
        let Some(lesson) = &self.lesson else { return };
        let step = lesson.step;
        // Rebuilding recomputes the moments on the lesson's own run (`refresh_timeline`).
        if self.session.as_ref().is_some_and(|s| s.scenario() != &lesson.script) {
            let script = lesson.script.clone();
            self.rebuild(script);
        }
        self.go_to_step(step);
    }

    /// Where the open step's challenge stands (`None`: no lesson open).
    fn challenge(&self) -> Option<Challenge> {
        let lesson = self.lesson.as_ref()?;
        let step = lessons()[lesson.lesson].story.get(lesson.step)?;
        let Some(ask) = step.ask else { return Some(Challenge::None) };
        let since = lesson.moments.get(lesson.step).copied().flatten().map_or(0, |m| m.time);
        let now = self.session.as_ref()?.scenario();
        Some(if done(ask, &lesson.script, now, since) { Challenge::Done } else { Challenge::Waiting(ask) })
    }

    fn close_lessons(&mut self, refocus: bool) -> bool {
        let Some(opener) = self.lesson_list.take() else { return false };
        if refocus {
            give_focus(opener);
        }
        true
    }

    fn install(&mut self, mut session: Session, preset: Option<usize>) {
        if self.reduced_motion {
            // Nothing plays on its own, a shared link that was playing included.
            session.set_playing(false);
        }
        self.session = Some(session);
        self.preset = preset;
        self.selected = None;
        self.share = None;
        self.trace_follow = true;
        self.last_frame_ms = None;
        self.generation += 1;
        // Another run ends the lesson (a lesson opening its preset sets it again).
        self.lesson = None;
        self.refresh_timeline();
    }

    /// Rebuilds the run from a changed scenario, at the same point in time.
    fn rebuild(&mut self, scenario: Scenario) {
        let Some(session) = &mut self.session else { return };
        match session.rebuild(&scenario) {
            Ok(()) => {
                self.generation += 1;
                self.refresh_timeline();
            }
            Err(reason) => {
                // Controls that asked for the change start afresh from the run still in force.
                self.generation += 1;
                self.notify(format!("Could not rebuild the run: {reason}"));
            }
        }
    }

    /// Re-reads what depends on the scenario's timeline after it changed.
    fn refresh_timeline(&mut self) {
        // A changed run has its own violations, and its own events from the fork on.
        self.shown_violation = None;
        self.history.borrow_mut().clear();
        self.history_run += 1;
        // The student changed the run: the later steps show where this run brings them.
        if let (Some(lesson), Some(session)) = (&mut self.lesson, &self.session) {
            let story = lessons()[lesson.lesson].story;
            lesson.moments = moments(session.scenario(), story).unwrap_or_else(|_| vec![None; story.len()]);
        }
        let Some(session) = &self.session else { return };
        let (actions, names) = (session.sim().client_actions(), session.node_names());
        self.marks = Rc::new(
            session
                .scenario()
                .sorted_timeline()
                .iter()
                .map(|e| Mark { at_ms: e.at_ms, label: describe::action(&e.action, actions, &names) })
                .collect(),
        );
    }

    /// What the run on screen is called: its preset's title, the scenario's own, or neither.
    fn title(&self, session: &Session) -> String {
        self.preset
            .and_then(|i| self.presets.get(i))
            .map(|p| p.title().to_string())
            .or_else(|| session.scenario().title.clone())
            .unwrap_or_else(|| "A shared run".into())
    }

    /// The run as a link carries it, at the moment shown.
    fn shared_run(&self) -> Option<SharedRun> {
        let session = self.session.as_ref()?;
        let (sim, step) = (session.sim(), session.sim().step_index());
        let violation =
            self.shown_violation.filter(|&i| sim.recorded_violations().get(i).is_some_and(|v| v.step == step));
        let moment = Moment { time_ms: session.view_time(), event: step, paused: !session.playing(), violation };
        Some(SharedRun {
            scenario: session.shareable_scenario(),
            moment: Some(moment),
            speed: Some(session.speed()),
            selected: self.selected,
            preset: self.preset.and_then(|i| self.presets.get(i)).map(|p| p.id.to_string()),
        })
    }

    fn share(&mut self) {
        let Some(run) = self.shared_run() else { return };
        // As on video sites: shared at the very start, the link simply plays.
        let at_moment = run.moment.is_some_and(|m| m.time_ms > 0.0);
        self.publish(run, at_moment);
    }

    /// Opens the Embed dialog on the lesson being told, or else the run from its start
    /// (the dialog's range says where to begin).
    fn show_embed(&mut self, opener: Option<HtmlElement>) {
        let fragment = match (&self.lesson, self.shared_run()) {
            (Some(lesson), _) if !lesson.away => Ok(format!("#lesson={}", lessons()[lesson.lesson].id)),
            (_, Some(run)) => share::fragment(&SharedRun { moment: None, ..run }),
            (_, None) => return,
        };
        match fragment {
            Ok(fragment) => self.embed_dialog = Some(EmbedDialog::new(opener, fragment)),
            Err(e) => self.notify(e),
        }
    }

    /// Closes the Embed dialog; true if it was open.
    fn close_embed(&mut self, refocus: bool) -> bool {
        let Some(dialog) = self.embed_dialog.take() else { return false };
        if refocus {
            give_focus(dialog.opener);
        }
        true
    }

    /// Saves the run as a scenario file (with everything the user did: `quorum-sim run`
    /// replays it), or the canvas as it is drawn now (at the screen's pixel density).
    fn download(&self, what: Export) -> Result<(), String> {
        let Some(session) = &self.session else { return Ok(()) };
        let (href, file) = match what {
            Export::Scenario => {
                let json = session.shareable_scenario().to_json_pretty();
                let href = format!("data:application/json;charset=utf-8,{}", js_sys::encode_uri_component(&json));
                (href, self.file_name("json"))
            }
            Export::Picture => {
                let canvas = network_canvas().ok_or("no canvas is drawn")?;
                (canvas.to_data_url().map_err(|_| "the canvas cannot be read")?, self.file_name("png"))
            }
        };
        Ok(share::save_as(&href, &file)?)
    }

    /// A file of the run's: named after its preset, with `extension`.
    fn file_name(&self, extension: &str) -> String {
        let name = self.preset.and_then(|i| self.presets.get(i)).map_or("quorum", |p| p.id);
        format!("{name}.{extension}")
    }

    /// Starts a clip of the canvas and plays the run, which the clip is of.
    fn start_clip(&mut self) {
        let Some(canvas) = network_canvas() else { return };
        match Clip::start(&canvas, js_sys::Date::now()) {
            Ok(clip) => {
                self.clip = Some(clip);
                if let Some(session) = self.session.as_mut().filter(|s| !s.playing()) {
                    session.set_playing(true);
                }
            }
            Err(reason) => self.notify(format!("Could not record a clip: {reason}.")),
        }
    }

    /// A clip ends when the run stops playing (paused, or at its end) or has run its longest.
    fn end_clip_when_done(&mut self) {
        let playing = self.session.as_ref().is_some_and(Session::playing);
        if self.clip.as_ref().is_some_and(|c| !playing || js_sys::Date::now() - c.began_ms > MAX_CLIP_MS)
            && let Some(clip) = self.clip.take()
        {
            clip.finish(self.file_name("webm"));
        }
    }

    /// Puts `run` in the address bar and the share box and copies it;
    /// `at_moment`: the link opens at the run's moment, else from the start.
    fn publish(&mut self, run: SharedRun, at_moment: bool) {
        let linked = SharedRun { moment: run.moment.filter(|_| at_moment), ..run.clone() };
        let fragment = match share::fragment(&linked) {
            Ok(fragment) => fragment,
            Err(e) => return self.notify(e),
        };
        let (origin, path) = share::page_base();
        let link = share::link(&origin, &path, &fragment);
        share::replace_hash(&fragment);
        self.hash = fragment;
        self.share = Some(ShareLink { link: link.clone(), state: ShareState::Copying, run, at_moment });
        self.copy(link, Msg::Shared);
    }

    /// Copies `text` to the clipboard, then sends `done` with how it went.
    fn copy(&self, text: String, done: fn(Result<(), String>) -> Msg) {
        let dispatch = self.dispatch.clone();
        wasm_bindgen_futures::spawn_local(async move {
            dispatch.emit(done(share::copy(&text).await));
        });
    }

    /// Closes the share box; true if it was open.
    fn close_share(&mut self, refocus: bool) -> bool {
        let opener = self.share_opener.take();
        let was_open = self.share.take().is_some();
        if refocus {
            give_focus(opener);
        }
        was_open
    }

    /// Closes the key help; true if it was open.
    fn close_keys(&mut self, refocus: bool) -> bool {
        let Some(opener) = self.keys.take() else { return false };
        if refocus {
            give_focus(opener);
        }
        true
    }

    /// What the live region says about the event in view (see [`announcer`]):
    /// that A was just pressed, or, while events are read and the run is
    /// not playing (a word per frame would drown the reader), the event.
    fn spoken_event(&self, session: &Session, names: &[String]) -> Option<Rc<str>> {
        let sim = session.sim();
        let step = sim.step_index();
        match (self.announce_events, self.announce_toggled_at == Some(step)) {
            (true, true) => Some("Each event you step to is read aloud now.".into()),
            (false, true) => Some("Events are no longer read aloud.".into()),
            (true, false) if !session.playing() => {
                // An event writes a few lines at most: the last ones hold all of this one's.
                let len = sim.trace_len();
                event_words(&sim.trace_rows(len.saturating_sub(16), len), step, names)
            }
            _ => None,
        }
    }

    fn notify(&mut self, text: String) {
        self.next_notice += 1;
        self.notices.push(Notice { id: self.next_notice, text });
    }

    /// Requests the next animation frame only while playing and visible;
    /// otherwise drops the pending one, which cancels it.
    fn sync_clock(&mut self, ctx: &Context<Self>) {
        let running = !self.hidden && self.session.as_ref().is_some_and(Session::busy);
        if !running {
            self.animation = None;
            self.last_frame_ms = None;
        } else if self.animation.is_none() {
            let link = ctx.link().clone();
            self.animation = Some(request_animation_frame(move |ms| link.send_message(Msg::Frame(ms))));
        }
    }
}

/// What the canvas's marks mean, in the canvas's own colours; the tag
/// colours only when the protocol tags what its nodes hold.
fn legend(tagged: bool) -> Html {
    html! {
        <ul class="legend" aria-label="Legend" data-testid="legend">
            <li><span class="swatch swatch--message"></span>{"message"}</li>
            <li><span class="swatch swatch--lost"></span>{"lost or blocked"}</li>
            <li><span class="swatch swatch--copy"></span>{"duplicate"}</li>
            <li><span class="swatch swatch--cut"></span>{"cut or split link"}</li>
            <li><span class="swatch swatch--settled"></span>{"settled: can no longer change"}</li>
            <li><span class="swatch swatch--tentative"></span>{"tentative: not yet safe"}</li>
            <li><span class="swatch swatch--conflicting"></span>{"conflicting: disagrees with another node"}</li>
            <li><span class="swatch swatch--discarded"></span>{"discarded: thrown away"}</li>
            if tagged {
                <li><span class="swatch swatch--tags"></span>{"same colour: same tag"}</li>
            }
        </ul>
    }
}

/// While playing, the charts are drawn again at most this often (real ms).
const CHARTS_EVERY_MS: f64 = 1_000.0;

/// A lesson being told: which (of `lessons()`), at which step, where each
/// step shows in the run, and whether the student stepped out to play.
struct LessonRun {
    lesson: usize,
    step: usize,
    moments: Vec<Option<LessonMoment>>,
    /// The lesson's own scenario (its preset's): what a challenge is checked against.
    script: Scenario,
    away: bool,
}

/// The protocol each lesson is about, by lesson (its preset's protocol).
fn lesson_protocols(presets: &[Preset]) -> Vec<&'static str> {
    use quorum_protocols::sim::protocol::Protocol;
    let family = quorum_protocols::all::All::family();
    lessons()
        .iter()
        .map(|l| {
            let protocol = l.preset_in(presets).map(|p| p.scenario.protocol.as_str());
            family.iter().find(|i| Some(i.name) == protocol).map_or("", |i| i.title)
        })
        .collect()
}

fn is_hidden() -> bool {
    gloo::utils::document().hidden()
}

/// The page was opened with `embed` in its query (`?embed`, `?embed=1&…`).
fn is_embedded() -> bool {
    query_flag("embed")
}

/// The page's query has `name` (alone or as `name=…`).
fn query_flag(name: &str) -> bool {
    query().trim_start_matches('?').split('&').any(|p| p.split('=').next() == Some(name))
}

/// The page's query (`?…`), `""` when there is none.
fn query() -> String {
    gloo::utils::window().location().search().unwrap_or_default()
}

/// The user asked the system for less motion (read once, when the lab opens).
pub fn prefers_reduced_motion() -> bool {
    gloo::utils::window().match_media("(prefers-reduced-motion: reduce)").ok().flatten().is_some_and(|q| q.matches())
}

/// Page-wide listeners: the tab's visibility, pasted links, the keyboard,
/// and clicks (which must not leave a button focused).
/// `present`: presentation mode is on, and a slide clicker's keys step the story or the run.
fn listeners(ctx: &Context<App>, present: &Rc<Cell<bool>>) -> Vec<EventListener> {
    let document = gloo::utils::document();
    let window = gloo::utils::window();
    let link = ctx.link().clone();
    let visibility = EventListener::new(&document, "visibilitychange", move |_| {
        link.send_message(Msg::VisibilityChanged);
    });
    let link = ctx.link().clone();
    let hash = EventListener::new(&window, "hashchange", move |_| link.send_message(Msg::HashChanged));
    let (link, present) = (ctx.link().clone(), present.clone());
    // Not passive: space must not also scroll the page.
    let options = EventListenerOptions::enable_prevent_default();
    let keys = EventListener::new_with_options(&document, "keydown", options, move |event| {
        let Some(event) = event.dyn_ref::<web_sys::KeyboardEvent>() else { return };
        let key = event.key();
        // Escape means "close" wherever focus is, even in the share box's link field.
        if key == "Escape" {
            return link.send_message(Msg::Escape);
        }
        let target = event.target().and_then(|t| t.dyn_into::<Element>().ok());
        if event.ctrl_key() || event.alt_key() || event.meta_key() || target.is_some_and(|t| keeps_key(&t, &key)) {
            return;
        }
        let clicker = (present.get() && !event.shift_key()).then(|| embed::clicker(&key)).flatten();
        let Some(msg) = clicker.map(Msg::Clicker).or_else(|| shortcut(&key, event.shift_key(), || opener(event)))
        else {
            return;
        };
        event.prevent_default();
        link.send_message(msg);
    });
    let unfocus = EventListener::new(&document, "click", |event| {
        // A click made with the keyboard (Enter or Space on a focused control)
        // has no click count: that focus is the user's and stays.
        if event.dyn_ref::<web_sys::MouseEvent>().is_none_or(|click| click.detail() == 0) {
            return;
        }
        let Some(active) = gloo::utils::document().active_element() else { return };
        let clicked = event.target().and_then(|t| t.dyn_into::<web_sys::Node>().ok());
        // Only the control clicked: one that moved focus elsewhere (into the key help) keeps it there.
        // A list clicked (a trace row) lets go too, so that Space plays, as after any click.
        if matches!(focus_kind(&active), FocusKind::Pressable | FocusKind::List)
            && active.contains(clicked.as_ref())
            && let Ok(active) = active.dyn_into::<HtmlElement>()
        {
            active.blur().ok();
        }
    });
    let link = ctx.link().clone();
    let fullscreen =
        EventListener::new(&document, "fullscreenchange", move |_| link.send_message(Msg::FullscreenChanged));
    vec![visibility, hash, keys, unfocus, fullscreen]
}

/// The network canvas in the page, if it is drawn.
fn network_canvas() -> Option<web_sys::HtmlCanvasElement> {
    gloo::utils::document().query_selector("[data-testid=canvas]").ok()??.dyn_into().ok()
}

/// The lab's shortcut for `key` (with or without Shift), if it has one;
/// `opener` names the control that opens the key help.
fn shortcut(key: &str, shift: bool, opener: impl FnOnce() -> Option<HtmlElement>) -> Option<Msg> {
    Some(match key {
        " " | "k" | "K" => Msg::TogglePlay,
        "ArrowRight" if shift => Msg::Skip(1_000.0),
        "ArrowLeft" if shift => Msg::Skip(-1_000.0),
        "ArrowRight" => Msg::Step,
        "ArrowLeft" => Msg::StepBack,
        "Home" => Msg::GoToStart,
        "End" => Msg::GoToEnd,
        "?" => Msg::ToggleKeys(opener()),
        "p" | "P" => Msg::TogglePresent,
        "a" | "A" => Msg::ToggleAnnounce,
        _ => return None,
    })
}

enum FocusKind {
    /// Typed into, chosen from or slid: a text field, a menu, a slider.
    Field,
    /// Pressed: a button, a link, a checkbox.
    Pressable,
    /// Moved within: a listbox (the trace), whose arrows and Home/End move its highlight.
    List,
    Other,
}

fn focus_kind(element: &Element) -> FocusKind {
    match element.tag_name().as_str() {
        "INPUT" => match element.get_attribute("type").as_deref() {
            Some("checkbox" | "radio" | "button" | "submit" | "reset") => FocusKind::Pressable,
            _ => FocusKind::Field,
        },
        "SELECT" | "TEXTAREA" => FocusKind::Field,
        "BUTTON" | "A" | "SUMMARY" => FocusKind::Pressable,
        _ if element.dyn_ref::<HtmlElement>().is_some_and(HtmlElement::is_content_editable) => FocusKind::Field,
        _ if element.get_attribute("role").as_deref() == Some("listbox") => FocusKind::List,
        _ => FocusKind::Other,
    }
}

/// Whether `key` belongs to the focused element rather than to the lab: a
/// field keeps every key (typing, choosing, sliding); a control reached
/// with Tab keeps Space, which presses it; a list keeps all but K and `?`
/// (Space, the arrows and Home/End move in it or choose from it).
fn keeps_key(focused: &Element, key: &str) -> bool {
    match focus_kind(focused) {
        FocusKind::Field => true,
        FocusKind::Pressable => key == " ",
        FocusKind::List => {
            matches!(key, " " | "Enter" | "Home" | "End" | "PageUp" | "PageDown") || key.starts_with("Arrow")
        }
        FocusKind::Other => false,
    }
}

/// The control an event came from (the button around a clicked icon, the
/// focused control a key was pressed in), to give focus back to later.
pub fn opener(event: &Event) -> Option<HtmlElement> {
    let target = event.target()?.dyn_into::<Element>().ok()?;
    target.closest("button, a, summary, input, select, textarea").ok()??.dyn_into().ok()
}

/// Focuses `element` if it is still on the page.
fn give_focus(element: Option<HtmlElement>) {
    if let Some(element) = element.filter(|e| e.is_connected()) {
        element.focus().ok();
    }
}
