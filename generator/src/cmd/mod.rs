//! The commands of the `bouncebook` binary, one module each: a thin layer that runs the stages (load, check,
//! build) and tells the writer what happened.

use crate::error::ContentError;
use std::io::Write as _;

pub mod build;
pub mod check;
pub mod classify;
pub mod new;
pub mod serve;

/// Prints problems to standard error, one `file:line:col: message` per line.
fn print_problems(errors: &[ContentError]) {
    let stderr = std::io::stderr();
    let mut err = stderr.lock();
    for e in errors {
        let _ = writeln!(err, "{e}");
    }
}
