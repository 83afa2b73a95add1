//! Drawing the network: [`layout`] says where things go (pure geometry,
//! tested natively), [`draw`] paints a frame onto a 2D canvas.

pub mod draw;
pub mod layout;
pub mod palette;
