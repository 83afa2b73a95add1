//! Lessons in the lab: the list of lessons (what each teaches, how long it
//! is, its link), and the story panel that tells the one open, step by step.

use quorum_protocols::lesson::{Ask, lessons};
use quorum_protocols::sim::scenario::FaultKind;
use yew::prelude::*;

use super::icons::{Icon, icon};
use crate::app::Msg;

#[derive(Properties, PartialEq)]
pub struct LessonListProps {
    /// The protocol each lesson is about (its preset's), by lesson.
    pub protocols: Vec<&'static str>,
    pub on: Callback<Msg>,
}

/// Every lesson, by protocol, each with its link.
#[function_component]
pub fn LessonList(props: &LessonListProps) -> Html {
    let on = &props.on;
    html! {
        <section class="lesson-list" role="dialog" aria-modal="false" aria-labelledby="lessons-heading" data-testid="lessons">
            <h2 id="lessons-heading">{"Lessons"}</h2>
            <p class="muted">{"Each lesson plays a run and stops where there is something to see; you may leave the story at any step to play on, and come back."}</p>
            <ul>
                { for lessons().iter().zip(&props.protocols).enumerate().map(|(i, (lesson, protocol))| html! {
                    <li>
                        <a href={format!("#lesson={}", lesson.id)} data-testid={format!("lesson-{}", lesson.id)}
                            onclick={on.reform(move |e: MouseEvent| { e.prevent_default(); Msg::OpenLesson(i) })}>
                            { lesson.title }
                        </a>
                        <span class="lesson-meta">{ format!(" · {protocol} · {} steps", lesson.story.len()) }</span>
                        <p>{ format!("Teaches {}.", lesson.teaches) }</p>
                    </li>
                }) }
            </ul>
            <button class="icon-button close" aria-label="Close the lessons" title="Close (Escape)"
                onclick={on.reform(|_| Msg::CloseLessons)}>
                { icon(Icon::Close) }
            </button>
        </section>
    }
}

/// Where a step's challenge stands.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Challenge {
    None,
    Waiting(Ask),
    Done,
}

#[derive(Properties, PartialEq)]
pub struct StoryProps {
    /// Which lesson (of `lessons()`).
    pub lesson: usize,
    pub step: usize,
    /// The step's moment never comes in this run.
    pub missing: bool,
    pub challenge: Challenge,
    /// The student left the story to play freely.
    pub away: bool,
    pub on: Callback<Msg>,
}

/// The lesson's current step, with Back and Next, and a way out and back in.
#[function_component]
pub fn StoryPanel(props: &StoryProps) -> Html {
    let on = &props.on;
    let Some(lesson) = lessons().get(props.lesson) else { return html! {} };
    let (step, total) = (props.step, lesson.story.len());
    let title = html! { <strong>{ format!("Lesson: {}", lesson.title) }</strong> };
    if props.away {
        return html! {
            <section class="story-panel story-panel--away" aria-label="Lesson" data-testid="story">
                {title}<span>{ format!(" — you left it at step {} of {total}.", step + 1) }</span>
                <button class="button" data-testid="story-return" onclick={on.reform(|_| Msg::ReturnToLesson)}>
                    {"Back to the story"}
                </button>
                <button class="button" onclick={on.reform(|_| Msg::EndLesson)}>{"End the lesson"}</button>
            </section>
        };
    }
    let text = lesson.story.get(step).map_or("", |s| s.text);
    let last = step + 1 == total;
    let blocked = matches!(props.challenge, Challenge::Waiting(_));
    html! {
        <section class="story-panel" aria-label="Lesson" data-testid="story" aria-live="polite">
            <div class="story-head">
                {title}
                <span class="muted" data-testid="story-step">{ format!("Step {} of {total}", step + 1) }</span>
            </div>
            <p class="story-text" data-testid="story-text">{ text }</p>
            if props.missing {
                <p class="story-note">{"This step's moment does not come in this run (the run was changed): Back to the story replays the lesson's own."}</p>
            }
            { challenge(props.challenge) }
            <div class="story-controls">
                <button class="button" data-testid="story-back" disabled={step == 0}
                    onclick={on.reform(move |_| Msg::LessonStep(step.saturating_sub(1)))}>{"Back"}</button>
                <button class="button button--primary" data-testid="story-next" disabled={last || blocked}
                    onclick={on.reform(move |_| Msg::LessonStep(step + 1))}>{"Next"}</button>
                <button class="button" data-testid="story-leave" onclick={on.reform(|_| Msg::LeaveLesson)}
                    title="Play on freely from here; the story waits">{"Leave the story"}</button>
            </div>
        </section>
    }
}

fn challenge(state: Challenge) -> Html {
    match state {
        Challenge::None => html! {},
        Challenge::Waiting(ask) => html! {
            <p class="story-ask" data-testid="story-ask">{ format!("Your turn: {}. Next waits until you have.", asked(ask)) }</p>
        },
        Challenge::Done => html! {
            <p class="story-ask story-ask--done" data-testid="story-done">{"Done: you did it. Play on to watch what follows."}</p>
        },
    }
}

/// What a challenge asks, in words.
fn asked(ask: Ask) -> String {
    match ask {
        Ask::Fault(kind) => match kind {
            FaultKind::Partition => "split the network".into(),
            FaultKind::Crash => "crash a node".into(),
            FaultKind::Pause => "pause a node".into(),
            FaultKind::Cut => "cut a link".into(),
            FaultKind::Clock => "set a node's clock off".into(),
            FaultKind::Loss => "make the network lose messages".into(),
            FaultKind::Duplication => "make the network duplicate messages".into(),
        },
        Ask::Client(action) => format!("send a client's {action}"),
    }
}
