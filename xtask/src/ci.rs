//! Skips under CI and outside it: under `CI` (any value but empty, `0` or `false`) no test may skip, so what a
//! test needs and cannot find fails it with a message that says what is missing. Outside CI the test skips with
//! one loud line that the test harness does not swallow, and `cargo xtask test` counts the skips at the end
//! (through the file `BOUNCEBOOK_SKIP_LOG` names). `generator/tests/support` and `tests/browser/support.mjs` do
//! the same for their tests.

use std::io::Write as _;

/// Whether this runs under CI.
pub fn is_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| !matches!(v.trim(), "" | "0" | "false"))
}

/// Writes `line` to standard error past the test harness's capture, so it shows even for a passing test.
pub fn loud(line: &str) {
    let _ = writeln!(std::io::stderr(), "{line}");
}

/// Skips the test named `test` because of `why` (say what is missing and how to get it): fails it under CI,
/// else prints `SKIPPED test: why` and adds the line to the skip log. The caller returns right after.
pub fn skip(test: &str, why: &str) {
    if is_ci() {
        panic!("{test}: {why}; under CI=true no test may skip");
    }
    let line = format!("SKIPPED {test}: {why}");
    loud(&line);
    log_skip(&line);
}

/// Appends `line` to the skip log `cargo xtask test` reads, when it set one.
pub fn log_skip(line: &str) {
    if let Some(path) = std::env::var_os(SKIP_LOG) {
        let _ = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(path)
            .and_then(|mut f| writeln!(f, "{line}"));
    }
}

/// The environment variable naming the skip log.
pub const SKIP_LOG: &str = "BOUNCEBOOK_SKIP_LOG";

/// Where `cargo xtask test` keeps the skip log: `test-skips.log` in the target directory.
pub fn skip_log() -> std::path::PathBuf {
    crate::wasm::target_dir().join("test-skips.log")
}

/// The skipped tests' lines in the log at `path` (none when it does not exist).
pub fn skipped(path: &std::path::Path) -> Vec<String> {
    std::fs::read_to_string(path)
        .map(|t| {
            t.lines()
                .filter(|l| !l.is_empty())
                .map(str::to_string)
                .collect()
        })
        .unwrap_or_default()
}
