//! A WebM clip of the network canvas for slides: recorded by the browser's
//! `MediaRecorder` while the run plays, from where the user starts it until
//! they stop it, pause, or [`MAX_CLIP_MS`] pass; then downloaded.

use std::cell::RefCell;
use std::rc::Rc;

use gloo::events::EventListener;
use wasm_bindgen::JsCast;
use web_sys::{Blob, BlobEvent, HtmlCanvasElement, MediaRecorder, Url};

/// The longest clip, in real milliseconds: a clip is for a slide, and its
/// pieces are held in memory until it is saved.
pub const MAX_CLIP_MS: f64 = 30_000.0;
/// Frames a second the canvas is captured at.
const FPS: f64 = 30.0;

/// A recording in progress.
pub struct Clip {
    recorder: MediaRecorder,
    pieces: Rc<RefCell<Vec<Blob>>>,
    /// Keeps each piece the recorder hands over, while it may.
    on_piece: EventListener,
    /// When it began (the page's clock, ms).
    pub began_ms: f64,
}

impl Clip {
    /// Starts recording `canvas`; the reason in words if this browser cannot.
    pub fn start(canvas: &HtmlCanvasElement, now_ms: f64) -> Result<Clip, String> {
        let refused = |_| "this browser cannot record the canvas".to_string();
        let stream = canvas.capture_stream_with_frame_request_rate(FPS).map_err(refused)?;
        let recorder = MediaRecorder::new_with_media_stream(&stream).map_err(refused)?;
        let pieces = Rc::new(RefCell::new(Vec::new()));
        let kept = pieces.clone();
        let on_piece = EventListener::new(&recorder, "dataavailable", move |e| {
            let piece = e.dyn_ref::<BlobEvent>().and_then(BlobEvent::data);
            kept.borrow_mut().extend(piece.filter(|b| b.size() > 0.0));
        });
        recorder.start().map_err(refused)?;
        Ok(Clip { recorder, pieces, on_piece, began_ms: now_ms })
    }

    /// Stops recording and, once the browser has handed over the last piece,
    /// downloads the clip as `name`.
    pub fn finish(self, name: String) {
        let Clip { recorder, pieces, on_piece, .. } = self;
        // Left to the recorder, which calls it once: it lets go of the pieces when called.
        EventListener::once(&recorder, "stop", move |_| {
            drop(on_piece);
            let parts: js_sys::Array = pieces.take().iter().collect();
            let _ = save(&parts, &name);
        })
        .forget();
        let _ = recorder.stop();
    }
}

/// Downloads `parts` as one WebM file named `name`.
fn save(parts: &js_sys::Array, name: &str) -> Option<()> {
    let blob = Blob::new_with_blob_sequence(parts).ok()?;
    let url = Url::create_object_url_with_blob(&blob).ok()?;
    crate::share::save_as(&url, name).ok()?;
    // The download has its own copy once it began; a minute is ample.
    gloo::timers::callback::Timeout::new(60_000, move || {
        let _ = Url::revoke_object_url(&url);
    })
    .forget();
    Some(())
}
