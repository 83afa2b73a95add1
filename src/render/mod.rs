//! Drawing: [`layout`] says where the network's nodes, cards and messages
//! go (pure geometry, tested natively), [`draw`] paints a frame onto a 2D
//! canvas; [`spacetime`] is the space-time diagram's model and geometry
//! (pure, tested natively), [`diagram`] paints it; [`chart`] turns the
//! metric series into charts (pure, tested natively), [`plot`] paints one.

pub mod chart;
pub mod diagram;
pub mod draw;
pub mod layout;
pub mod palette;
pub mod plot;
pub mod spacetime;
