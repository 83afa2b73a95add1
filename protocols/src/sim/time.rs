//! Virtual time and node identities.

/// Virtual time in milliseconds since the start of the run. Never wall-clock time.
pub type Time = u64;

/// A node's index, `0..nodes`. Shown to people as a letter (see [`node_name`]).
pub type NodeId = usize;

/// A client request's ID: retries of one request carry the same ID.
pub type RequestId = u64;

/// The display name of a node: A, B, C, … (the essays name branches this way).
pub fn node_name(id: NodeId) -> String {
    match u8::try_from(id) {
        Ok(i) if i < 26 => char::from(b'A' + i).to_string(),
        _ => format!("N{id}"),
    }
}
