//! The lab in a real browser: the simulator gives the same run as natively,
//! and the mounted app reacts to clicks on its canvas and buttons.
#![cfg(target_arch = "wasm32")]

use quorum::app::App;
use quorum_protocols::{Scenario, build};
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use wasm_bindgen_test::*;
use web_sys::{CanvasRenderingContext2d, Element, HtmlCanvasElement, HtmlElement, MouseEvent, MouseEventInit};

wasm_bindgen_test_configure!(run_in_browser);

/// The sample scenario's run to 10 s hashes to the value pinned in
/// `protocols/tests/sample-10s.trace-hash`, which the native test
/// (`protocols/tests/determinism.rs`) asserts too: one run, two platforms.
#[wasm_bindgen_test]
fn the_sample_scenario_hashes_as_it_does_natively() {
    let scenario = Scenario::from_json(include_str!("../protocols/scenarios/office-sample.json")).unwrap();
    let mut sim = build(&scenario).expect("the sample scenario builds");
    assert!(sim.run_until(10_000, u64::MAX));
    let pinned = include_str!("../protocols/tests/sample-10s.trace-hash").trim();
    assert_eq!(format!("{:016x}", sim.trace_hash()), pinned);
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

fn pixels(canvas: &HtmlCanvasElement) -> Vec<u8> {
    let ctx: CanvasRenderingContext2d = canvas.get_context("2d").unwrap().unwrap().dyn_into().unwrap();
    ctx.get_image_data(0.0, 0.0, f64::from(canvas.width()), f64::from(canvas.height())).unwrap().data().to_vec()
}

/// Mounts the lab with its real stylesheet, so the canvas has its real size.
async fn mount() {
    let document = gloo::utils::document();
    let style = document.create_element("style").unwrap();
    style.set_text_content(Some(include_str!("../static/quorum.css")));
    document.head().unwrap().append_child(&style).unwrap();
    let root = document.create_element("div").unwrap();
    document.body().unwrap().append_child(&root).unwrap();
    yew::Renderer::<App>::with_root(root).render();
    sleep(400).await;
}

#[wasm_bindgen_test]
async fn clicking_a_node_selects_it_and_crashing_it_changes_the_drawing() {
    mount().await;
    assert_eq!(find("[data-testid=play]").get_attribute("aria-pressed").as_deref(), Some("true"), "opens playing");
    click("[data-testid=play]");
    sleep(100).await;
    assert_eq!(find("[data-testid=play]").get_attribute("aria-pressed").as_deref(), Some("false"));

    let canvas: HtmlCanvasElement = find("[data-testid=canvas]").dyn_into().unwrap();
    let centers: Vec<[f64; 2]> =
        serde_json::from_str(&canvas.get_attribute("data-node-centers").unwrap()).expect("node centres as JSON");
    assert!(centers.len() >= 3, "the default scenario has several nodes");
    let rect = canvas.get_bounding_client_rect();
    let init = MouseEventInit::new();
    init.set_bubbles(true);
    init.set_client_x((rect.left() + centers[1][0]) as i32);
    init.set_client_y((rect.top() + centers[1][1]) as i32);
    let event = MouseEvent::new_with_mouse_event_init_dict("click", &init).unwrap();
    canvas.dispatch_event(&event).unwrap();
    sleep(100).await;

    let item = find("[data-testid=node-B]");
    assert!(item.get_attribute("class").unwrap_or_default().contains("is-selected"), "B is selected in the list");
    assert!(find("[data-testid=inspector] h2").text_content().unwrap().contains('B'));
    assert_eq!(item.get_attribute("data-liveness").as_deref(), Some("up"));

    let before = pixels(&canvas);
    click("[data-testid=crash]");
    sleep(200).await;
    assert_eq!(find("[data-testid=node-B]").get_attribute("data-liveness").as_deref(), Some("crashed"));
    assert!(find("[data-testid=restart]").text_content().unwrap().contains("Restart B"));
    assert_ne!(before, pixels(&canvas), "the crash shows on the canvas");
}
