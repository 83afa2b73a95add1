//! Quorum's browser lab: watch distributed protocols fail and recover.
//!
//! The app is thin: [`session`] drives a simulator from `quorum-protocols`
//! through its erased [`quorum_protocols::AnySim`] interface, [`render`]
//! draws what the simulator reports, [`components`] are the panels, and
//! [`share`] puts runs into links. No protocol logic lives here.

pub mod app;
pub mod clip;
pub mod components;
pub mod describe;
pub mod embed;
pub mod render;
pub mod session;
pub mod share;

#[cfg(target_arch = "wasm32")]
mod start {
    use wasm_bindgen::prelude::*;

    /// Mounts the lab into `#app` (or the body). Called by `index.html`
    /// after the module loads, rather than on load, so tests can import the
    /// module without starting a second lab.
    #[wasm_bindgen]
    pub fn run() {
        std::panic::set_hook(Box::new(|info| {
            console_error_panic_hook::hook(info);
            show_crash(&info.to_string());
        }));
        let document = gloo::utils::document();
        match document.get_element_by_id("app") {
            Some(root) => {
                root.set_inner_html("");
                yew::Renderer::<crate::app::App>::with_root(root).render();
            }
            None => {
                yew::Renderer::<crate::app::App>::new().render();
            }
        }
    }

    /// A bug stopped the lab: say so on the page instead of freezing silently.
    fn show_crash(message: &str) {
        let document = gloo::utils::document();
        let Ok(panel) = document.create_element("div") else { return };
        panel.set_class_name("crash-report");
        panel.set_attribute("role", "alert").ok();
        panel.set_attribute("data-testid", "crash-report").ok();
        panel.set_text_content(Some(&format!(
            "Something went wrong inside the lab and it stopped. Reload the page to start again. ({message})"
        )));
        if let Some(body) = document.body() {
            body.append_child(&panel).ok();
        }
    }
}
