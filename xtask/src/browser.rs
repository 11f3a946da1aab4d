//! The browser tests `cargo xtask test` runs: the checker's exported API under wasm-bindgen-test in headless
//! Chromium, then the end-to-end tests (`tests/browser/`, node's test runner driving Debian's Chromium through
//! playwright-core) against the built site.

use crate::wasm::{root, target_dir};
use anyhow::{Context, Result, bail};
use std::path::PathBuf;
use std::process::Command;

fn run(what: &str, cmd: &mut Command) -> Result<()> {
    eprintln!("==> {what}");
    let status = cmd
        .current_dir(root())
        .status()
        .with_context(|| format!("failed to start: {what}"))?;
    if !status.success() {
        bail!("{what} failed ({status})");
    }
    Ok(())
}

/// The `wasm-bindgen` version Cargo.lock pins.
pub fn locked_wasm_bindgen() -> Result<String> {
    let lock =
        std::fs::read_to_string(root().join("Cargo.lock")).context("failed to read Cargo.lock")?;
    let mut lines = lock.lines();
    while let Some(line) = lines.next() {
        if line.trim() == "name = \"wasm-bindgen\""
            && let Some(v) = lines
                .next()
                .and_then(|l| l.trim().strip_prefix("version = "))
        {
            return Ok(v.trim_matches('"').to_string());
        }
    }
    bail!("Cargo.lock has no wasm-bindgen package")
}

/// Runs checker-wasm's `#[wasm_bindgen_test]`s in headless Chromium.
pub fn wasm_tests() -> Result<()> {
    let want = locked_wasm_bindgen()?;
    let runner = Command::new("wasm-bindgen-test-runner")
        .arg("--version")
        .output();
    let have = runner
        .ok()
        .filter(|o| o.status.success())
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string());
    let wanted = format!("wasm-bindgen-test-runner {want}");
    if have.as_deref() != Some(wanted.as_str()) {
        bail!(
            "the wasm tests need wasm-bindgen-test-runner {want} (found: {}); install it with\n  \
             cargo install wasm-bindgen-cli --version {want} --locked\n(.ci/run does this when it is missing)",
            have.as_deref().unwrap_or("none")
        );
    }
    run(
        "wasm-bindgen-test in headless Chromium (checker-wasm)",
        Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
            .args([
                "test",
                "-p",
                "checker-wasm",
                "--target",
                "wasm32-unknown-unknown",
            ])
            .env(
                "CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER",
                "wasm-bindgen-test-runner",
            ),
    )
}

/// Installs the npm packages the end-to-end tests use (playwright-core, axe-core for the accessibility test,
/// and Pagefind for the test that it reads the built site) when any is missing.
fn ensure_node_modules() -> Result<()> {
    if ["playwright-core", "axe-core", "pagefind"].iter().all(|p| {
        root()
            .join("node_modules")
            .join(p)
            .join("package.json")
            .exists()
    }) {
        return Ok(());
    }
    run(
        "npm ci",
        Command::new("npm").args(["ci", "--no-audit", "--no-fund"]),
    )
}

/// The site the end-to-end tests run against: `$BOUNCEBOOK_SITE` when set, else the bundled knowledge base
/// built by `bouncebook build` into `target/browser-site/`. A build that fails fails the run: the tests never
/// fall back to a smaller site.
pub(crate) fn site() -> Result<PathBuf> {
    if let Some(dir) = std::env::var_os("BOUNCEBOOK_SITE") {
        return Ok(PathBuf::from(dir));
    }
    let out = target_dir().join("browser-site");
    run(
        "bouncebook build (the bundled knowledge base, for the browser tests)",
        Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
            .args([
                "run",
                "--quiet",
                "-p",
                "generator",
                "--bin",
                "bouncebook",
                "--",
                "build",
                "--output",
            ])
            .arg(&out),
    )?;
    Ok(out)
}

/// The debug `bouncebook` (the serve test runs it as a process), built when it is not up to date.
pub(crate) fn bouncebook() -> Result<PathBuf> {
    run(
        "cargo build -p generator --bin bouncebook",
        Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into())).args([
            "build",
            "--quiet",
            "-p",
            "generator",
            "--bin",
            "bouncebook",
        ]),
    )?;
    let bin = target_dir()
        .join("debug")
        .join(format!("bouncebook{}", std::env::consts::EXE_SUFFIX));
    if !bin.is_file() {
        bail!("{} is missing after building it", bin.display());
    }
    Ok(bin)
}

/// Runs `tests/browser/*.test.mjs`.
pub fn end_to_end() -> Result<()> {
    ensure_node_modules()?;
    let mut cmd = Command::new("node");
    cmd.args(["--test", "--test-concurrency=1", "tests/browser/"])
        .env("BOUNCEBOOK_SITE", site()?)
        .env(
            "BOUNCEBOOK_WIDGET_BUDGET",
            crate::wasm::WIDGET_BUDGET.to_string(),
        )
        .env("BOUNCEBOOK_BIN", bouncebook()?)
        .env(crate::ci::SKIP_LOG, crate::ci::skip_log());
    run(
        "end-to-end tests in headless Chromium (tests/browser)",
        &mut cmd,
    )
}

/// Runs `tests/browser/bench.mjs` in headless Chromium and returns its figures (see that file).
pub fn bench(runs: usize) -> Result<serde_json::Value> {
    if !crate::wasm::widget_dir().join("checker_bg.wasm").exists() {
        crate::wasm::build()?;
    }
    ensure_node_modules()?;
    let mut cmd = Command::new("node");
    cmd.arg("tests/browser/bench.mjs")
        .arg(runs.to_string())
        .env("BOUNCEBOOK_SITE", site()?);
    last_json_line(cmd, "tests/browser/bench.mjs")
}

/// Runs `tests/browser/search-bytes.mjs` over the built site in `dir`: what the first query on its search page
/// downloads, for each of `queries` (see that file).
pub fn search_bytes(dir: &std::path::Path, queries: &[&str]) -> Result<serde_json::Value> {
    ensure_node_modules()?;
    let mut cmd = Command::new("node");
    cmd.arg("tests/browser/search-bytes.mjs")
        .arg(dir)
        .args(queries);
    last_json_line(cmd, "tests/browser/search-bytes.mjs")
}

/// Runs a node script from the workspace root and reads the JSON object it prints as its last line.
fn last_json_line(mut cmd: Command, script: &str) -> Result<serde_json::Value> {
    let out = cmd
        .current_dir(root())
        .output()
        .with_context(|| format!("failed to run node {script}"))?;
    if !out.status.success() {
        bail!("{script} failed: {}", String::from_utf8_lossy(&out.stderr));
    }
    let last = String::from_utf8_lossy(&out.stdout)
        .lines()
        .last()
        .unwrap_or_default()
        .to_string();
    serde_json::from_str(&last).with_context(|| format!("{script} printed {last:?}"))
}
