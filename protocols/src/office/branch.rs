//! A branch of the office: its book, its role, and the rules it follows.
//!
//! Every handler below is one rule of the office, named in its doc comment.

use crate::sim::ctx::Delay;
use crate::sim::ids::{IdMap, IdSet};
use crate::sim::log::Log;
use crate::sim::nodes::NodeSet;
use crate::sim::protocol::{Start, reached_by_quorum};
use crate::sim::time::{NodeId, RequestId, Time, node_name};

use super::msg::{Entry, Mandate, Msg, Record, Support};
use super::{Office, Timer, Variant};

/// What a branch is doing in the current mandate.
#[derive(Clone, Debug, PartialEq, Hash)]
pub enum Role {
    /// Serving parents and copying the Main Office's book.
    Branch {
        /// The Main Office this branch last heard from in its mandate.
        main: Option<NodeId>,
        heard_at: Time,
    },
    /// Asking the others to elect it Main Office.
    Candidate {
        votes: NodeSet,
        /// The most complete book offered so far, with the mandate that confirmed it.
        best: (Mandate, Log<Entry>),
    },
    /// The Main Office: the one place numbers are given out.
    MainOffice {
        /// How much of the book each branch is known to hold (this mandate).
        matched: Vec<usize>,
        /// How the book is being copied to each branch.
        copying: Vec<Copying>,
        /// When each branch last confirmed it is listening (the lease).
        heard_at: Vec<Time>,
        /// Branches waiting to hear the number of a request, as bits (see [`bit`]).
        answer_to: IdMap<u64>,
    },
}

/// A branch's bit in a set of branches (at most 9 of them), for the waiting
/// branches: bits in a `u64` rather than a `BTreeSet` or a [`NodeSet`], so
/// that the map holding them is a type the engine compiles already
/// (`BTreeMap<u64, u64>`), not one more map's code in the download.
fn bit(branch: NodeId) -> u64 {
    1 << branch
}

/// The branches in a set of bits, in order.
fn branches(set: u64) -> impl Iterator<Item = NodeId> {
    (0..u64::BITS as NodeId).filter(move |&b| set & bit(b) != 0)
}

/// Longest wait, in heartbeats, before the Main Office sends a silent branch
/// again what it has not confirmed.
const MAX_RESEND_BEATS: u32 = 64;

/// How the Main Office copies its book to one branch: each entry is sent
/// once as it is entered; what the branch has not confirmed is sent again
/// only after a wait that doubles while the branch stays silent (a dead
/// branch is not sent the whole book on every heartbeat).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Copying {
    /// How far the book has been sent (some of it may still be in flight).
    pub sent: usize,
    /// Heartbeats until what is unconfirmed is sent again.
    pub resend_in: u32,
    /// The wait after that, in heartbeats.
    pub backoff: u32,
}

impl Copying {
    pub const FRESH: Copying = Copying { sent: 0, resend_in: 0, backoff: 1 };
}

/// What a branch keeps in its vault: it survives a fire (crash), as it was
/// last written (every rule that changes it writes it before answering).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Vault {
    pub mandate: Mandate,
    pub voted_for: Option<NodeId>,
    pub book: Log<Entry>,
    /// The mandate whose Main Office last confirmed this book.
    pub book_mandate: Mandate,
}

#[derive(Clone, Debug, PartialEq, Hash)]
pub struct Branch {
    pub id: NodeId,
    pub vault: Vault,
    /// How much of the book is known to be on disk already, so writing the
    /// vault appends only the rest (a book replaced whole starts from 0).
    on_disk: usize,
    pub role: Role,
    /// Where each request first stands in the book, plus one, by request ID
    /// (0: not in the book): the lookup the rule *request IDs* makes on every
    /// request and retry. Request IDs are dense, so this is a log too.
    position_of: Log<u64>,
    /// How many numbers this branch knows to be issued (a prefix of its book).
    pub issued: usize,
    /// Parents waiting at this branch for their number.
    pub waiting: IdSet,
}

type Ctx<'a> = crate::sim::ctx::Ctx<'a, Office>;

impl Branch {
    pub fn new(id: NodeId, vault: Vault) -> Branch {
        let on_disk = vault.book.len();
        let role = Role::Branch { main: None, heard_at: 0 };
        let mut branch = Branch { id, vault, on_disk, position_of: Log::new(), role, issued: 0, waiting: IdSet::new() };
        branch.index_from(0);
        branch
    }

    /// Indexes the book's entries from position `from` on.
    fn index_from(&mut self, from: usize) {
        for (at, e) in self.vault.book.iter_from(from).enumerate() {
            let key = e.request as usize;
            if self.position_of.get(key).is_none_or(|&p| p == 0) {
                self.position_of.put(key, (from + at) as u64 + 1, 0);
            }
        }
    }

    /// Adds entries at the end of the book.
    fn append<'e>(&mut self, entries: impl IntoIterator<Item = &'e Entry>) {
        let from = self.vault.book.len();
        for e in entries {
            self.vault.book.push(*e);
        }
        self.index_from(from);
    }

    /// Writes the vault to `disk`, appending to the book what is not there yet.
    pub fn write_vault(&mut self, disk: &mut Vault) {
        let Vault { mandate, voted_for, book, book_mandate } = &self.vault;
        (disk.mandate, disk.voted_for, disk.book_mandate) = (*mandate, *voted_for, *book_mandate);
        let kept = self.on_disk.min(disk.book.len()).min(book.len());
        disk.book.truncate(kept);
        for e in book.iter_from(kept) {
            disk.book.push(*e);
        }
        self.on_disk = book.len();
    }

    /// The book is replaced, not extended: the next write rewrites it whole.
    fn replace_book(&mut self, book: &Log<Entry>) {
        self.vault.book.replace_with(book);
        self.on_disk = 0;
        self.position_of = Log::new();
        self.index_from(0);
    }

    /// Where a request stands in this branch's book (its number is position + 1).
    fn position(&self, request: RequestId) -> Option<usize> {
        let p = *self.position_of.get(usize::try_from(request).ok()?)?;
        (p > 0).then(|| p as usize - 1)
    }

    fn arm_election(&self, office: &Office, ctx: &mut Ctx) {
        let [lo, hi] = office.timing.election_ms;
        ctx.set_timer(Timer::Election, Delay::Between(lo, hi));
    }

    /// Start (and restart): no Main Office known yet; wait one election timeout
    /// (a shorter one when the whole office first opens).
    pub fn on_start(&mut self, office: &Office, ctx: &mut Ctx, start: Start) {
        self.role = Role::Branch { main: None, heard_at: ctx.now() };
        if start == Start::First {
            let [lo, hi] = office.timing.opening_ms;
            ctx.set_timer(Timer::Election, Delay::Between(lo, hi));
        } else {
            self.arm_election(office, ctx);
        }
    }

    // ----- elections ---------------------------------------------------------

    /// Rule *campaign*: a branch that has heard nothing from a Main Office for a
    /// whole election timeout asks to be elected for the next mandate, and
    /// votes for itself.
    pub fn on_election_timeout(&mut self, office: &Office, ctx: &mut Ctx) {
        if matches!(self.role, Role::MainOffice { .. }) {
            return;
        }
        self.vault.mandate += 1;
        self.vault.voted_for = Some(self.id);
        let best = (self.vault.book_mandate, self.vault.book.clone());
        self.role = Role::Candidate { votes: NodeSet::default().with(self.id), best };
        ctx.persist();
        ctx.note(format_args!("campaigns for mandate {}", self.vault.mandate));
        ctx.broadcast(Msg::Campaign { mandate: self.vault.mandate });
        self.arm_election(office, ctx);
    }

    /// Rule *newer mandate*: a newer mandate overrides everything; a Main
    /// Office or candidate of an older one steps down.
    fn adopt_mandate(&mut self, mandate: Mandate, office: &Office, ctx: &mut Ctx) {
        self.vault.mandate = mandate;
        self.vault.voted_for = None;
        ctx.persist();
        if matches!(self.role, Role::MainOffice { .. }) {
            ctx.note(format_args!("steps down: mandate {mandate} is newer"));
            ctx.cancel_timer(Timer::Heartbeat);
            self.arm_election(office, ctx);
        }
        self.role = Role::Branch { main: None, heard_at: ctx.now() };
    }

    /// Rule *vote*: support at most one candidate per mandate, never for an
    /// old mandate; the vote carries this branch's book.
    pub fn on_campaign(&mut self, office: &Office, ctx: &mut Ctx, from: NodeId, mandate: Mandate) {
        if mandate < self.vault.mandate {
            ctx.send(from, Msg::Newer { mandate: self.vault.mandate });
            return;
        }
        if mandate > self.vault.mandate {
            self.adopt_mandate(mandate, office, ctx);
        }
        if self.vault.voted_for.is_none_or(|v| v == from) {
            self.vault.voted_for = Some(from);
            ctx.persist();
            ctx.note(format_args!("supports {} for mandate {mandate}", node_name(from)));
            let vote = Support { mandate, book_mandate: self.vault.book_mandate, book: self.vault.book.clone() };
            ctx.send(from, Msg::Support(vote));
            self.arm_election(office, ctx);
        }
    }

    /// Rule *appointment*: with a majority's support the candidate opens the
    /// Main Office, starting from the most complete book among its supporters
    /// (confirmed by the latest mandate, then longest). Every issued number is
    /// in that book: a majority recorded it, and every majority shares a branch
    /// with this one.
    pub fn on_support(&mut self, office: &Office, ctx: &mut Ctx, from: NodeId, vote: Support) {
        let Role::Candidate { votes, best } = &mut self.role else { return };
        if vote.mandate != self.vault.mandate {
            return;
        }
        *votes = votes.with(from);
        if (vote.book_mandate, vote.book.len()) > (best.0, best.1.len()) {
            *best = (vote.book_mandate, vote.book);
        }
        if votes.len() < ctx.majority() {
            return;
        }
        let best = std::mem::take(&mut best.1);
        self.open_main_office(best, office, ctx);
    }

    fn open_main_office(&mut self, book: Log<Entry>, office: &Office, ctx: &mut Ctx) {
        let n = ctx.nodes();
        self.replace_book(&book);
        self.vault.book_mandate = self.vault.mandate;
        ctx.persist();
        let mut matched = vec![0; n];
        matched[self.id] = self.vault.book.len();
        let copying = vec![Copying::FRESH; n];
        self.role = Role::MainOffice { matched, copying, heard_at: vec![ctx.now(); n], answer_to: IdMap::new() };
        ctx.note(format_args!(
            "opens the Main Office for mandate {} with {} numbers in its book",
            self.vault.mandate,
            self.vault.book.len()
        ));
        ctx.cancel_timer(Timer::Election);
        ctx.set_timer(Timer::Heartbeat, Delay::Fixed(office.timing.heartbeat_ms));
        for request in self.waiting.clone().iter() {
            self.take_request(office, ctx, request, self.id);
        }
        self.send_records(ctx, false);
    }

    // ----- the Main Office -----------------------------------------------------

    /// Rule *lease*: the Main Office holds office only while it keeps hearing
    /// from a majority; otherwise it closes and lets the others elect anew.
    /// While it holds office, it sends every branch what it is missing (or a
    /// heartbeat).
    pub fn on_heartbeat(&mut self, office: &Office, ctx: &mut Ctx) {
        let Role::MainOffice { heard_at, .. } = &self.role else { return };
        let now = ctx.now();
        let me = self.id;
        let listening = heard_at
            .iter()
            .enumerate()
            .filter(|&(b, &t)| b == me || now.saturating_sub(t) <= office.timing.lease_ms)
            .count();
        if listening < ctx.majority() {
            ctx.note("lost touch with the majority: closes the Main Office");
            self.role = Role::Branch { main: None, heard_at: now };
            self.arm_election(office, ctx);
            return;
        }
        self.send_records(ctx, true);
        ctx.set_timer(Timer::Heartbeat, Delay::Fixed(office.timing.heartbeat_ms));
    }

    /// Sends every branch the entries it has not been sent, or, on a
    /// heartbeat whose wait for it is over, everything it has not confirmed
    /// (messages get lost). A branch with nothing to send gets a heartbeat.
    fn send_records(&mut self, ctx: &mut Ctx, beat: bool) {
        let Role::MainOffice { matched, copying, .. } = &mut self.role else { return };
        let book = &self.vault.book;
        for to in ctx.peers() {
            let c = &mut copying[to];
            let mut from = c.sent.min(book.len());
            if beat {
                if c.resend_in == 0 {
                    from = matched[to].min(book.len());
                    c.resend_in = c.backoff;
                    c.backoff = (c.backoff * 2).min(MAX_RESEND_BEATS);
                } else {
                    c.resend_in -= 1;
                }
            }
            c.sent = book.len();
            let record = Record { mandate: self.vault.mandate, from, entries: book.suffix(from), issued: self.issued };
            ctx.send(to, Msg::Record(record));
        }
    }

    /// Rule *request IDs*: the Main Office looks a request ID up in its book
    /// first, so a retry is given the number it already has, never a new one.
    /// A new request is entered at the end of the book and copied to every branch.
    fn take_request(&mut self, office: &Office, ctx: &mut Ctx, request: RequestId, origin: NodeId) {
        let known = if office.variant == Variant::NoRequestId { None } else { self.position(request) };
        if let Some(at) = known
            && at < self.issued
        {
            self.tell(ctx, origin, request, at as u64 + 1);
            return;
        }
        let Role::MainOffice { answer_to, .. } = &mut self.role else { return };
        *answer_to.entry_or_default(request) |= bit(origin);
        if known.is_some() {
            return;
        }
        self.append(&[Entry { request, taken_at: origin }]);
        let len = self.vault.book.len();
        if let Role::MainOffice { matched, .. } = &mut self.role {
            matched[self.id] = len;
        }
        ctx.persist();
        ctx.note(format_args!("enters r{request} as #{} (not yet issued)", self.vault.book.len()));
        self.send_records(ctx, false);
    }

    /// Gives a parent its number: directly if it waits here, else through its branch.
    fn tell(&mut self, ctx: &mut Ctx, branch: NodeId, request: RequestId, number: u64) {
        if branch != self.id {
            ctx.send(branch, Msg::Answer { request, number });
        } else if self.waiting.remove(request) {
            ctx.reply(request, number);
        }
    }

    /// Rule *issue*: a number is issued once a majority of branches hold it in
    /// their books for this mandate; the Main Office then answers every branch
    /// waiting for it.
    pub fn on_recorded(&mut self, ctx: &mut Ctx, from: NodeId, len: usize, ok: bool) {
        let Role::MainOffice { matched, copying, heard_at, .. } = &mut self.role else { return };
        heard_at[from] = ctx.now();
        // The branch is listening: what it still lacks is resent at the next beat.
        copying[from].backoff = 1;
        copying[from].resend_in = 0;
        if ok {
            matched[from] = matched[from].max(len);
        } else {
            // A gap (a record overtook another) or a book to replace: send from `len` again.
            matched[from] = matched[from].min(len);
            copying[from].sent = len;
        }
        let on_majority = reached_by_quorum(matched.iter().copied(), ctx.majority());
        if on_majority > self.issued {
            self.issue_up_to(on_majority, ctx);
        }
    }

    fn issue_up_to(&mut self, count: usize, ctx: &mut Ctx) {
        let first = self.issued + 1;
        let range = if first == count { format!("#{count}") } else { format!("#{first}–{count}") };
        ctx.note(format_args!("issues {range}: a majority holds it"));
        for at in self.issued..count {
            let request = self.vault.book[at].request;
            let waiting = match &mut self.role {
                Role::MainOffice { answer_to, .. } => answer_to.remove(request).unwrap_or_default(),
                _ => 0,
            };
            for branch in branches(waiting) {
                self.tell(ctx, branch, request, at as u64 + 1);
            }
        }
        self.issued = count;
    }

    // ----- branches ---------------------------------------------------------------

    /// Rule *copy*: a branch copies the Main Office's entries into its book,
    /// never shortening what this mandate already gave it (messages can arrive
    /// out of order), and learns how many numbers are issued. A book from an
    /// older mandate is replaced whole.
    pub fn on_record(&mut self, office: &Office, ctx: &mut Ctx, from: NodeId, record: Record) {
        let Record { mandate, from: start, entries, issued } = record;
        if mandate < self.vault.mandate {
            ctx.send(from, Msg::Newer { mandate: self.vault.mandate });
            return;
        }
        if mandate > self.vault.mandate {
            self.adopt_mandate(mandate, office, ctx);
        }
        if matches!(self.role, Role::MainOffice { .. }) {
            return; // one Main Office per mandate: cannot happen, but never obey oneself
        }
        self.role = Role::Branch { main: Some(from), heard_at: ctx.now() };
        self.arm_election(office, ctx);
        let ok = if self.vault.book_mandate != mandate {
            if start == 0 {
                self.replace_book(&entries);
                self.vault.book_mandate = mandate;
                ctx.persist();
            }
            start == 0
        } else if start <= self.vault.book.len() {
            let skip = self.vault.book.len() - start;
            if skip < entries.len() {
                self.append(entries.iter_from(skip));
                ctx.persist();
                ctx.note(format_args!("copies up to #{} into its book", self.vault.book.len()));
            }
            true
        } else {
            false
        };
        if ok {
            self.learn_issued(issued.min(self.vault.book.len()), ctx);
        }
        // A book of another mandate counts for nothing: it must be sent whole.
        let len = if self.vault.book_mandate == mandate { self.vault.book.len() } else { 0 };
        ctx.send(from, Msg::Recorded { mandate, len, ok });
    }

    /// Answers parents waiting here whose numbers are now known to be issued.
    fn learn_issued(&mut self, issued: usize, ctx: &mut Ctx) {
        for at in self.issued..issued {
            let request = self.vault.book[at].request;
            if self.waiting.remove(request) {
                ctx.reply(request, at as u64 + 1);
            }
        }
        self.issued = self.issued.max(issued);
    }

    /// Rule *front desk*: a parent whose number was issued long ago is answered
    /// from the book; otherwise the request goes to the Main Office; with no
    /// Main Office within reach the office is closed (consistency over
    /// availability) — unless the `no-quorum` variant issues a number on its own.
    pub fn on_request(&mut self, office: &Office, ctx: &mut Ctx, request: RequestId) {
        if office.variant != Variant::NoRequestId
            && let Some(at) = self.position(request)
            && at < self.issued
        {
            ctx.note(format_args!("r{request} already has #{}: answered from the book", at + 1));
            ctx.reply(request, at as u64 + 1);
            return;
        }
        let now = ctx.now();
        match self.role {
            Role::MainOffice { .. } => {
                self.waiting.insert(request);
                self.take_request(office, ctx, request, self.id);
            }
            Role::Branch { main: Some(main), heard_at } if now.saturating_sub(heard_at) <= office.timing.lease_ms => {
                self.waiting.insert(request);
                ctx.send(main, Msg::Forward { request });
            }
            // Only a branch that has served under a Main Office and lost touch
            // with it acts alone; at a cold start it waits like everyone else.
            _ if office.variant == Variant::NoQuorum && self.vault.book_mandate > 0 => {
                self.append(&[Entry { request, taken_at: self.id }]);
                self.issued = self.vault.book.len();
                ctx.persist();
                ctx.note(format_args!("issues #{} to r{request} on its own authority", self.issued));
                ctx.reply(request, self.issued as u64);
            }
            _ => ctx.refuse(request, "office closed until further notice"),
        }
    }

    /// A branch passes a request on to the Main Office (ignored by anyone else:
    /// the parent will retry).
    pub fn on_forward(&mut self, office: &Office, ctx: &mut Ctx, from: NodeId, request: RequestId) {
        if matches!(self.role, Role::MainOffice { .. }) {
            self.take_request(office, ctx, request, from);
        }
    }

    /// The Main Office's answer for a parent waiting here.
    pub fn on_answer(&mut self, ctx: &mut Ctx, request: RequestId, number: u64) {
        if self.waiting.remove(request) {
            ctx.reply(request, number);
        }
    }

    pub fn on_newer(&mut self, office: &Office, ctx: &mut Ctx, mandate: Mandate) {
        if mandate > self.vault.mandate {
            self.adopt_mandate(mandate, office, ctx);
        }
    }
}
