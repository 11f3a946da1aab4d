//! Shared pieces of the site tests: fixture sites copied to temporary folders, and the CLI run as a process.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

pub mod serve;

/// The repository root.
pub fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// A fixture site: `tests/sites/<name>`.
pub fn fixture(name: &str) -> PathBuf {
    repo().join("tests/sites").join(name)
}

/// A fresh, empty temporary folder for one test. Folders that finished runs of the same test left behind are
/// removed, so they never pile up (the current run's is kept, to look at after a failure).
pub fn tempdir(name: &str) -> PathBuf {
    let prefix = format!("bouncebook-test-{name}-");
    if let Ok(entries) = std::fs::read_dir(std::env::temp_dir()) {
        for entry in entries.flatten() {
            let file_name = entry.file_name();
            let file_name = file_name.to_string_lossy();
            // Only folders of test processes that have ended (another run may be going on at the same time).
            if let Some(pid) = file_name.strip_prefix(&prefix)
                && pid.bytes().all(|b| b.is_ascii_digit())
                && Path::new("/proc/self").exists()
                && !Path::new("/proc").join(pid).exists()
            {
                let _ = std::fs::remove_dir_all(entry.path());
            }
        }
    }
    let dir = std::env::temp_dir().join(format!("{prefix}{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("mkdir");
    for entry in std::fs::read_dir(from).expect("read fixture") {
        let entry = entry.expect("entry");
        let target = to.join(entry.file_name());
        if entry.file_type().expect("type").is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).expect("copy");
        }
    }
}

/// A copy of fixture `name` in a temporary folder, to change freely.
pub fn site_copy(name: &str, test: &str) -> PathBuf {
    let dir = tempdir(test).join("site");
    copy_dir(&fixture(name), &dir);
    dir
}

/// Replaces `from` with `to` in `site/path`, which must contain it.
pub fn edit(site: &Path, path: &str, from: &str, to: &str) {
    let file = site.join(path);
    let text = std::fs::read_to_string(&file).expect("read");
    assert!(text.contains(from), "{path} does not contain {from:?}");
    std::fs::write(&file, text.replacen(from, to, 1)).expect("write");
}

/// The `bouncebook` binary, without colour. `BOUNCEBOOK_TEST_BIN` runs another build of it instead (an older
/// one, to see a regression test fail before its fix).
pub fn bin() -> Command {
    let path = std::env::var_os("BOUNCEBOOK_TEST_BIN")
        .unwrap_or_else(|| env!("CARGO_BIN_EXE_bouncebook").into());
    let mut c = Command::new(path);
    c.env("NO_COLOR", "1");
    c
}

/// Runs `bouncebook <args>` in `dir`.
pub fn run_in(dir: &Path, args: &[&str]) -> Output {
    bin()
        .args(args)
        .current_dir(dir)
        .output()
        .expect("run bouncebook")
}

/// Standard error as text.
pub fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// Standard output as text.
pub fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// `bouncebook check` in `site`: exit code and the problem lines (`file:line:col: message`).
pub fn check(site: &Path) -> (i32, Vec<String>) {
    let out = run_in(site, &["check"]);
    let lines = stderr(&out)
        .lines()
        .filter(|l| !l.starts_with("error: "))
        .map(str::to_string)
        .collect();
    (out.status.code().unwrap_or(-1), lines)
}

/// The `<main>` element of an HTML page, for snapshots that don't change with the theme's head or assets.
pub fn main_of(html: &str) -> String {
    let start = html.find("<main").unwrap_or(0);
    let end = html
        .find("</main>")
        .map_or(html.len(), |i| i + "</main>".len());
    html[start..end].to_string()
}

/// Whether this runs under CI (`CI` set to anything but empty, `0` or `false`), where no test may skip.
pub fn is_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| !matches!(v.trim(), "" | "0" | "false"))
}

/// Skips the test named `test` because of `why` (what is missing and how to get it): under CI it fails the test
/// instead; else it prints `SKIPPED test: why` past the test harness's capture, so it shows even though the test
/// passes, and adds the line to the log `cargo xtask test` counts at the end (`BOUNCEBOOK_SKIP_LOG`; the same
/// as `xtask::ci::skip`). The caller returns right after.
pub fn skip(test: &str, why: &str) {
    use std::io::Write as _;
    assert!(!is_ci(), "{test}: {why}; under CI=true no test may skip");
    let line = format!("SKIPPED {test}: {why}");
    let _ = writeln!(std::io::stderr(), "{line}");
    if let Some(path) = std::env::var_os("BOUNCEBOOK_SKIP_LOG") {
        let _ = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(path)
            .and_then(|mut f| writeln!(f, "{line}"));
    }
}

/// The files under `dir` (recursively) whose names end with `suffix`.
pub fn count_files(dir: &Path, suffix: &str) -> usize {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return 0;
    };
    entries
        .flatten()
        .map(|e| {
            let path = e.path();
            if path.is_dir() {
                count_files(&path, suffix)
            } else {
                usize::from(path.to_string_lossy().ends_with(suffix))
            }
        })
        .sum()
}
