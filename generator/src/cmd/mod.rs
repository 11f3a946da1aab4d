//! The commands of the `bouncebook` binary, one module each.

pub mod classify;
