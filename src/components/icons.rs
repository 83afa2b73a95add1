//! Small inline SVG icons: crisp at any size and independent of which
//! fonts happen to have media-control glyphs.

use yew::{Html, html};

#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Icon {
    Play,
    Pause,
    StepForward,
    StepBack,
    Share,
    Dice,
    Close,
}

pub fn icon(which: Icon) -> Html {
    let path = match which {
        Icon::Play => "M4 2.5v11l9-5.5z",
        Icon::Pause => "M3.5 2.5h3v11h-3zM9.5 2.5h3v11h-3z",
        Icon::StepForward => "M2.5 2.5v11l8-5.5zM11 2.5h2.5v11H11z",
        Icon::StepBack => "M13.5 2.5v11l-8-5.5zM2.5 2.5H5v11H2.5z",
        Icon::Share => "M11 1.5l4 4-4 4V7C7 7 4.5 8.5 3 12c0-5 3-8 8-8.5zM1.5 6v8.5h11V12h-1.5v1H3V6z",
        Icon::Dice => {
            "M3 1.5h10A1.5 1.5 0 0 1 14.5 3v10a1.5 1.5 0 0 1-1.5 1.5H3A1.5 1.5 0 0 1 1.5 13V3A1.5 1.5 0 0 1 3 1.5zm1.75 2a1.25 1.25 0 1 0 0 2.5 1.25 1.25 0 0 0 0-2.5zm6.5 0a1.25 1.25 0 1 0 0 2.5 1.25 1.25 0 0 0 0-2.5zM8 6.75a1.25 1.25 0 1 0 0 2.5 1.25 1.25 0 0 0 0-2.5zM4.75 10a1.25 1.25 0 1 0 0 2.5 1.25 1.25 0 0 0 0-2.5zm6.5 0a1.25 1.25 0 1 0 0 2.5 1.25 1.25 0 0 0 0-2.5z"
        }
        Icon::Close => "M3.7 2.3L8 6.6l4.3-4.3 1.4 1.4L9.4 8l4.3 4.3-1.4 1.4L8 9.4l-4.3 4.3-1.4-1.4L6.6 8 2.3 3.7z",
    };
    html! {
        <svg class="icon" viewBox="0 0 16 16" width="16" height="16" aria-hidden="true" focusable="false">
            <path d={path} fill="currentColor" fill-rule="evenodd" />
        </svg>
    }
}
