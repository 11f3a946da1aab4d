//! The commands of the `bouncebook` binary, one module each.

pub mod check;
pub mod classify;
pub mod new;
pub mod serve;
