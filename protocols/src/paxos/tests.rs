//! One test per rule, each running a handler on a hand-built node.
