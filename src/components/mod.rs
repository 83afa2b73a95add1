//! The lab's panels. Each takes plain data and one callback that carries
//! [`crate::app::Msg`] back to the app; none of them holds the simulator.

pub mod action_form;
pub mod announcer;
pub mod canvas;
pub mod charts;
pub mod diagram;
pub mod embed_dialog;
pub mod icons;
pub mod inspector;
pub mod invariants;
pub mod key_help;
pub mod lessons;
pub mod metrics;
pub mod network_panel;
pub mod node_list;
pub mod notices;
pub mod param_controls;
pub mod scrubber;
pub mod share_box;
pub mod toolbar;
pub mod trace;
