//! What branches say to each other.

use crate::sim::log::Log;
use crate::sim::time::{NodeId, RequestId};

/// A line in a branch's book: a request that was given the number at this
/// position (position 0 holds number 1).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Entry {
    pub request: RequestId,
    /// The branch where the parent first asked (shown to people, not used by the rules).
    pub taken_at: NodeId,
}

/// A mandate is an election round: at most one Main Office per mandate.
pub type Mandate = u64;

/// A vote for a campaigning branch. It carries the voter's book and the
/// mandate that last confirmed it, so the new Main Office starts from the most
/// complete book of a majority.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Support {
    pub mandate: Mandate,
    pub book_mandate: Mandate,
    /// A copy that shares the voter's book (see [`Log`]).
    pub book: Log<Entry>,
}

/// The Main Office's instruction to copy `entries` into the book from
/// position `from`, and how many numbers are issued. With no entries it is
/// the heartbeat that renews the Main Office's lease.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Record {
    pub mandate: Mandate,
    pub from: usize,
    pub entries: Log<Entry>,
    pub issued: usize,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Msg {
    /// "Elect me Main Office for `mandate`." Sent by a branch that stopped
    /// hearing from the Main Office.
    Campaign {
        mandate: Mandate,
    },
    Support(Support),
    Record(Record),
    /// "My book for `mandate` now has `len` entries" (`ok`), or "I cannot
    /// continue from there: send me the book from entry `len`" (not `ok`:
    /// 0 when its book is another mandate's, and must be replaced whole).
    Recorded {
        mandate: Mandate,
        len: usize,
        ok: bool,
    },
    /// A branch passes a parent's request to the Main Office.
    Forward {
        request: RequestId,
    },
    /// The Main Office tells a branch the number issued for a request.
    Answer {
        request: RequestId,
        number: u64,
    },
    /// "There is a newer mandate than yours": the sender knows of `mandate`.
    Newer {
        mandate: Mandate,
    },
}

impl Msg {
    /// Bytes on a wire: a header of 16, 8 per number, 16 per book entry.
    pub fn size(&self) -> usize {
        16 + match self {
            Msg::Campaign { .. } | Msg::Newer { .. } | Msg::Forward { .. } => 8,
            Msg::Support(s) => 16 + 16 * s.book.len(),
            Msg::Record(r) => 24 + 16 * r.entries.len(),
            Msg::Recorded { .. } | Msg::Answer { .. } => 16,
        }
    }

    /// A short label for the canvas and the trace.
    pub fn label(&self) -> String {
        match self {
            Msg::Campaign { mandate } => format!("Campaign m{mandate}"),
            Msg::Support(s) => format!("Support m{} ({} in book)", s.mandate, s.book.len()),
            Msg::Record(r) if r.entries.is_empty() => format!("Heartbeat (issued {})", r.issued),
            Msg::Record(r) if r.entries.len() == 1 => format!("Record #{}", r.from + 1),
            Msg::Record(r) => format!("Record #{}–{}", r.from + 1, r.from + r.entries.len()),
            Msg::Recorded { len, ok: true, .. } => format!("Recorded {len}"),
            Msg::Recorded { len: 0, .. } => "Send my whole book".into(),
            Msg::Recorded { len, .. } => format!("Missing from #{}", len + 1),
            Msg::Forward { request } => format!("Forward r{request}"),
            Msg::Answer { request, number } => format!("Answer r{request} = #{number}"),
            Msg::Newer { mandate } => format!("Newer m{mandate}"),
        }
    }
}
