//! The commands of the `bouncebook` binary, one module each: a thin layer that runs the stages (load, check,
//! build) and tells the writer what happened.

use crate::error::ContentError;
use std::io::Write as _;

pub mod build;
pub mod check;
pub mod classify;
pub mod init;
pub mod links;
pub mod new;
pub mod search;
pub mod serve;

/// Writes a line to standard output and returns the error instead of panicking (`println!` panics when the
/// reader has gone, as in `bouncebook check | head -1`).
macro_rules! say {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        writeln!(std::io::stdout().lock(), $($arg)*)
    }};
}
pub(crate) use say;

/// Whether `e` comes from writing to a reader that went away; `main` then ends quietly.
pub fn is_broken_pipe(e: &anyhow::Error) -> bool {
    e.chain().any(|c| {
        c.downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}

/// `bouncebook --version`: the version, whether the browser checker is included, and the engine it came from.
pub fn version() -> &'static str {
    static TEXT: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    TEXT.get_or_init(|| {
        let checker = if crate::widget::is_built() {
            "included"
        } else {
            "not included (run `cargo xtask install`, or `cargo xtask widget` before building)"
        };
        format!(
            "{}\nengine: diagnosis {}\nbrowser checker: {checker}",
            env!("CARGO_PKG_VERSION"),
            diagnosis::VERSION
        )
    })
}

/// Prints problems to standard error, one `file:line:col: message` per line.
fn print_problems(errors: &[ContentError]) {
    let stderr = std::io::stderr();
    let mut err = stderr.lock();
    for e in errors {
        let _ = writeln!(err, "{e}");
    }
}
