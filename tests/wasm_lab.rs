//! The lab in a real browser: the simulator gives the same run as natively,
//! the canvas draws nodes where the protocol's arrangement puts them, and
//! the mounted app reacts to clicks on its canvas and buttons.
#![cfg(target_arch = "wasm32")]

use std::rc::Rc;

use quorum::app::App;
use quorum::components::canvas::{CanvasProps, NetworkCanvas};
use quorum::components::invariants::{InvariantBar, InvariantBarProps};
use quorum::components::trace::{TracePanel, TraceProps};
use quorum::render::layout::{Arrangement, NODE_RADIUS, Point};
use quorum_protocols::sim::any::PropertyInfo;
use quorum_protocols::sim::view::{Accent, Frame, Liveness, NodeFrame, NodeView};
use quorum_protocols::{Scenario, build, presets};
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use wasm_bindgen_test::*;
use web_sys::{CanvasRenderingContext2d, Element, HtmlCanvasElement, HtmlElement, MouseEvent, MouseEventInit};
use yew::Callback;

wasm_bindgen_test_configure!(run_in_browser);

/// The office's sample scenario, Raft's catch-up preset, 3PC's split and Multi-Paxos' leader crash, run to 10 s,
/// hash to the values pinned in `protocols/tests/*.trace-hash`, which the
/// native test (`protocols/tests/determinism.rs`) asserts too: one run, two platforms.
#[wasm_bindgen_test]
fn the_sample_scenarios_hash_as_they_do_natively() {
    for (json, pinned) in [
        (
            include_str!("../protocols/scenarios/office-sample.json"),
            include_str!("../protocols/tests/sample-10s.trace-hash"),
        ),
        (
            include_str!("../protocols/scenarios/raft-catch-up.json"),
            include_str!("../protocols/tests/raft-10s.trace-hash"),
        ),
        (include_str!("../protocols/scenarios/3pc-split.json"), include_str!("../protocols/tests/3pc-10s.trace-hash")),
        (
            include_str!("../protocols/scenarios/multi-paxos-leader-crash.json"),
            include_str!("../protocols/tests/multi-paxos-10s.trace-hash"),
        ),
    ] {
        let scenario = Scenario::from_json(json).unwrap();
        let mut sim = build(&scenario).expect("the sample scenario builds");
        assert!(sim.run_until(10_000, u64::MAX));
        assert_eq!(format!("{:016x}", sim.trace_hash()), pinned.trim(), "{}", scenario.protocol);
    }
}

async fn sleep(ms: i32) {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        gloo::utils::window()
            .set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms)
            .expect("setTimeout works");
    });
    JsFuture::from(promise).await.expect("a timeout resolves");
}

fn find(selector: &str) -> Element {
    gloo::utils::document()
        .query_selector(selector)
        .ok()
        .flatten()
        .unwrap_or_else(|| panic!("nothing matches {selector}"))
}

fn click(selector: &str) {
    find(selector).dyn_into::<HtmlElement>().expect("an HTML element").click();
}

fn context(canvas: &HtmlCanvasElement) -> CanvasRenderingContext2d {
    canvas.get_context("2d").unwrap().unwrap().dyn_into().unwrap()
}

/// The pixels of a square of half-side `half` around `at`, in CSS pixels
/// (the backing store may have more pixels per CSS pixel).
fn pixels_around(canvas: &HtmlCanvasElement, at: Point, half: f64) -> Vec<u8> {
    let ratio = f64::from(canvas.width()) / canvas.get_bounding_client_rect().width();
    let (x, y, side) = ((at.x - half) * ratio, (at.y - half) * ratio, (2.0 * half * ratio).max(1.0));
    context(canvas).get_image_data(x.round(), y.round(), side.round(), side.round()).unwrap().data().to_vec()
}

fn pixel(canvas: &HtmlCanvasElement, at: Point) -> [u8; 3] {
    let p = pixels_around(canvas, at, 0.0);
    [p[0], p[1], p[2]]
}

/// "#c62828" as [r, g, b].
fn rgb(hex: &str) -> [u8; 3] {
    let hex = hex.trim().trim_start_matches('#');
    let channel = |i: usize| u8::from_str_radix(&hex[i..i + 2], 16).expect("a #rrggbb colour");
    [channel(0), channel(2), channel(4)]
}

fn near(a: [u8; 3], b: [u8; 3]) -> bool {
    a.iter().zip(b).all(|(x, y)| x.abs_diff(y) <= 16)
}

fn node(id: usize, name: &str) -> NodeFrame {
    NodeFrame {
        id,
        name: name.into(),
        liveness: Liveness::Up,
        view: NodeView { role: "Role".into(), accent: Accent::Plain, facts: vec![], items: vec![] },
        log: vec![],
        clock_offset_ms: 0,
    }
}

/// The canvas places nodes as the frame's arrangement says and draws each
/// where it placed it: the rim of every node's circle is in the node's tone,
/// and a hub is in the middle. (A canvas that drew every arrangement as a
/// ring would leave the middle empty and miss the rows.)
#[wasm_bindgen_test]
async fn the_canvas_draws_each_arrangement_where_it_places_the_nodes() {
    add_stylesheet();
    let arrangements = [
        Arrangement::Ring,
        Arrangement::Hub { center: 2 },
        Arrangement::Rows { rows: vec![vec![4, 0], vec![1, 2, 3]] },
    ];
    for arrangement in arrangements {
        let document = gloo::utils::document();
        let root: HtmlElement = document.create_element("div").unwrap().dyn_into().unwrap();
        root.style().set_property("width", "900px").unwrap();
        root.style().set_property("height", "600px").unwrap();
        document.body().unwrap().append_child(&root).unwrap();
        let frame = Frame {
            time: 0.0,
            nodes: ["A", "B", "C", "D", "E"].iter().enumerate().map(|(i, n)| node(i, n)).collect(),
            messages: vec![],
            partitions: vec![],
            cuts: vec![],
            network: Default::default(),
            layout: arrangement.clone(),
        };
        let props = CanvasProps {
            frame: Rc::new(frame),
            selected: None,
            culprits: None,
            highlighted: &[],
            highlighted_messages: &[],
            reduced_motion: false,
            noun: "node",
            on: Callback::noop(),
        };
        let app = yew::Renderer::<NetworkCanvas>::with_root_and_props(root.clone().into(), props).render();
        sleep(150).await;

        let canvas: HtmlCanvasElement =
            root.query_selector("[data-testid=canvas]").unwrap().expect("a canvas").dyn_into().unwrap();
        let style = gloo::utils::window().get_computed_style(&canvas).unwrap().unwrap();
        let tone = rgb(&style.get_property_value("--accent-plain").unwrap());
        let centers = node_centers(&canvas);
        assert_eq!(centers.len(), 5);
        for (i, c) in centers.iter().enumerate() {
            let rim = Point::new(c.x + NODE_RADIUS, c.y);
            let found = pixel(&canvas, rim);
            assert!(near(found, tone), "{arrangement:?}: node {i}'s rim at {rim:?} is {found:?}, not {tone:?}");
        }
        let rect = canvas.get_bounding_client_rect();
        let middle = Point::new(rect.width() / 2.0, rect.height() / 2.0);
        match &arrangement {
            Arrangement::Hub { center } => {
                assert!(centers[*center].distance(middle) <= 1.0, "the hub is in the middle")
            }
            Arrangement::Rows { .. } => {
                assert!(centers[4].y < centers[1].y && centers[4].x < centers[0].x, "rows in order, top to bottom")
            }
            Arrangement::Ring => {}
        }
        app.destroy();
        root.remove();
    }
}

/// The lab's stylesheet, once per page: the canvas's size and colours come from it.
fn add_stylesheet() {
    let document = gloo::utils::document();
    if document.get_element_by_id("quorum-css").is_some() {
        return;
    }
    let style = document.create_element("style").unwrap();
    style.set_id("quorum-css");
    style.set_text_content(Some(include_str!("../static/quorum.css")));
    document.head().unwrap().append_child(&style).unwrap();
}

/// The node centres the canvas publishes for tests, in CSS pixels.
fn node_centers(canvas: &HtmlCanvasElement) -> Vec<Point> {
    let centers: Vec<[f64; 2]> =
        serde_json::from_str(&canvas.get_attribute("data-node-centers").unwrap()).expect("node centres as JSON");
    centers.into_iter().map(|[x, y]| Point::new(x, y)).collect()
}

/// Mounts the lab with its real stylesheet, so the canvas has its real size;
/// returns the element it is mounted in.
async fn mount() -> Element {
    add_stylesheet();
    let document = gloo::utils::document();
    let root = document.create_element("div").unwrap();
    document.body().unwrap().append_child(&root).unwrap();
    yew::Renderer::<App>::with_root(root.clone()).render();
    sleep(400).await;
    root
}

#[wasm_bindgen_test]
async fn clicking_a_node_selects_it_and_crashing_it_draws_its_mark_there_only() {
    let lab = mount().await;
    assert_eq!(find("[data-testid=play]").get_attribute("aria-pressed").as_deref(), Some("true"), "opens playing");
    click("[data-testid=play]");
    sleep(100).await;
    assert_eq!(find("[data-testid=play]").get_attribute("aria-pressed").as_deref(), Some("false"));

    let canvas: HtmlCanvasElement =
        lab.query_selector("[data-testid=canvas]").unwrap().expect("the lab's canvas").dyn_into().unwrap();
    let centers = node_centers(&canvas);
    assert!(centers.len() >= 3, "the default scenario has several nodes");
    let rect = canvas.get_bounding_client_rect();
    let init = MouseEventInit::new();
    init.set_bubbles(true);
    init.set_client_x((rect.left() + centers[1].x) as i32);
    init.set_client_y((rect.top() + centers[1].y) as i32);
    let event = MouseEvent::new_with_mouse_event_init_dict("click", &init).unwrap();
    canvas.dispatch_event(&event).unwrap();
    sleep(100).await;

    let item = find("[data-testid=node-B]");
    assert!(item.get_attribute("class").unwrap_or_default().contains("is-selected"), "B is selected in the list");
    assert!(find("[data-testid=inspector] h2").text_content().unwrap().contains('B'));
    assert_eq!(item.get_attribute("data-liveness").as_deref(), Some("up"));

    // A crash must draw its mark (the red badge on the node's upper right)
    // and change nothing on another node: compare those places, not the
    // whole canvas, which changes whenever anything does.
    let at = |i: usize| centers[i];
    let badge = Point::new(at(1).x + NODE_RADIUS * 0.75, at(1).y - NODE_RADIUS * 0.75);
    // Beside the badge's centre, clear of the white cross drawn over it.
    let marks = [Point::new(badge.x + 5.0, badge.y), Point::new(badge.x - 5.0, badge.y)];
    let style = gloo::utils::window().get_computed_style(&canvas).unwrap().unwrap();
    let lost = rgb(&style.get_property_value("--lost").unwrap());
    let farthest = (0..centers.len()).max_by(|&a, &b| at(a).distance(at(1)).total_cmp(&at(b).distance(at(1)))).unwrap();
    // Inside the farthest node's circle: drawn over whatever passes beneath it.
    let other_before = pixels_around(&canvas, at(farthest), NODE_RADIUS * 0.6);
    let node_before = pixels_around(&canvas, at(1), NODE_RADIUS * 0.6);
    assert!(marks.iter().all(|&m| !near(pixel(&canvas, m), lost)), "no crash mark before the crash");

    click("[data-testid=crash]");
    sleep(200).await;
    assert_eq!(find("[data-testid=node-B]").get_attribute("data-liveness").as_deref(), Some("crashed"));
    assert!(find("[data-testid=restart]").text_content().unwrap().contains("Restart B"));
    for m in marks {
        assert!(near(pixel(&canvas, m), lost), "the crash mark at {m:?} is {:?}, not {lost:?}", pixel(&canvas, m));
    }
    assert_ne!(pixels_around(&canvas, at(1), NODE_RADIUS * 0.6), node_before, "B's circle is drawn as crashed");
    assert_eq!(pixels_around(&canvas, at(farthest), NODE_RADIUS * 0.6), other_before, "node {farthest} is as it was");
}

static RULE: PropertyInfo = PropertyInfo::always("only", "The only rule");
static ONLY_RULE: [&PropertyInfo; 1] = [&RULE];

/// Counts read as English ("1 line", "3 parents waiting"), never "number(s)":
/// in the lab's own words, and in what the protocol writes on its node cards
/// and in its violations, over every preset run to its end.
#[wasm_bindgen_test]
async fn counts_read_as_english() {
    add_stylesheet();
    let document = gloo::utils::document();
    let root = document.create_element("div").unwrap();
    document.body().unwrap().append_child(&root).unwrap();
    let trace = TraceProps {
        rows: Rc::default(),
        first: 0,
        len: 1,
        follow: true,
        current_step: 0,
        names: Rc::default(),
        on: Callback::noop(),
    };
    let app = yew::Renderer::<TracePanel>::with_root_and_props(root.clone(), trace).render();
    sleep(50).await;
    let heading = root.query_selector("h2").unwrap().expect("the trace's heading").text_content().unwrap();
    assert!(heading.ends_with("1 line"), "{heading}");
    app.destroy();
    let bar = InvariantBarProps {
        properties: &ONLY_RULE,
        violations: Rc::default(),
        lead: None,
        known_limit: false,
        names: Rc::default(),
        witnesses: Rc::default(),
        end: None,
        on: Callback::noop(),
    };
    let app = yew::Renderer::<InvariantBar>::with_root_and_props(root.clone(), bar).render();
    sleep(50).await;
    let verdict = root.query_selector(".verdict").unwrap().expect("a verdict").text_content().unwrap();
    assert_eq!(verdict, "✓ The invariant holds");
    app.destroy();
    root.remove();

    let mut texts = Vec::new();
    for preset in presets() {
        let mut sim = build(&preset.scenario).expect("the presets build");
        for t in (0..=preset.scenario.until_ms).step_by(250) {
            sim.run_until(t, u64::MAX);
            texts.extend(sim.frame(t as f64).nodes.into_iter().flat_map(|n| n.view.facts));
        }
        texts.extend(sim.violations().iter().chain(&sim.judge_end()).map(|v| v.detail.clone()));
    }
    for text in &texts {
        assert!(!text.contains("(s)"), "{text}");
    }
    let waiting: Vec<&String> = texts.iter().filter(|t| t.ends_with(" waiting")).collect();
    assert!(!waiting.is_empty(), "some client waited, so the count was written");
    for w in waiting {
        let noun = w.split(' ').nth(1).unwrap_or_default();
        assert_eq!(w.starts_with("1 "), !noun.ends_with('s'), "{w}");
    }
}
