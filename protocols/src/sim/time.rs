//! Virtual time and node identities.

/// Virtual time in milliseconds since the start of the run. Never wall-clock time.
pub type Time = u64;

/// A node's index, `0..nodes`. Shown to people as a letter (see [`node_name`])
/// unless the protocol names its roles (C, P1, A2).
pub type NodeId = usize;

/// A client request's ID: retries of one request carry the same ID.
pub type RequestId = u64;

/// No event is ever scheduled at or after this time (about 143 000 virtual
/// years, and exact as an `f64`, which the lab's playback clock uses). A wait
/// that would reach it means "never", so virtual-time arithmetic cannot overflow.
pub const NEVER: Time = 1 << 52;

/// The time `wait` ms after `now`, if that is before [`NEVER`].
pub fn later(now: Time, wait: Time) -> Option<Time> {
    now.checked_add(wait).filter(|&t| t < NEVER)
}

/// The display name of a node: A, B, C, … (the essays name branches this way).
pub fn node_name(id: NodeId) -> String {
    match u8::try_from(id) {
        Ok(i) if i < 26 => char::from(b'A' + i).to_string(),
        _ => format!("N{id}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn waits_past_the_end_of_time_never_happen() {
        assert_eq!(later(5, 10), Some(15));
        assert_eq!(later(u64::MAX, 1), None);
        assert_eq!(later(1, u64::MAX), None);
        assert_eq!(later(NEVER - 1, 1), None);
    }
}
