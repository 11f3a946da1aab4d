//! `cargo xtask test|serve|bench|accuracy`: the project's tasks, in Rust so they run the same everywhere.

use anyhow::{Context, Result, bail};
use std::path::{Path, PathBuf};
use std::process::Command;
use xtask::{accuracy, lines};

fn main() {
    if let Err(e) = run() {
        eprintln!("error: {e:#}");
        std::process::exit(1);
    }
}

const USAGE: &str = "usage: cargo xtask <task>

tasks:
  test       fmt check, clippy (warnings denied), docs, every test, the wasm32 build, the widget, and the
             wasm and end-to-end tests in headless Chromium
  serve      build and serve the bundled knowledge base on localhost, rebuilding on change
  accuracy   score the classifier on ../shared/corpus/sisimai (per family) and tests/bounces/lines.toml
             (--misses lists every miss; --rules DIR uses the rule files in DIR instead of the built-in ones)
  bench      time the classifier (single thread, against Sisimai when installed), a one-article edit under
             serve (save to reloaded page, every page rebuilt vs only what changed), the browser checker, then
             what the search page's first query downloads (bundled site and 10,000 articles)
  bench --serve   only the serve edit timing
  bench --search  only the search figures
  bench --sites [--sizes 1000,10000] [--runs 3] [--tools hugo,pagefind,mdbook,bouncebook]
             build the synthetic knowledge base of ../shared/bench/make_corpus.py with a release bouncebook and,
             in the same run, with Hugo (+ Pagefind on its output) and mdBook when installed; medians, peak
             memory, output and search index sizes, and bouncebook's ratios (long: minutes)
  widget     build the browser checker (wasm + JS) into target/widget/, which bouncebook embeds
  install    build the checker, then `cargo install` a complete bouncebook (with it) into ~/.cargo/bin;
             further arguments go to cargo install (`--root DIR`)";

fn run() -> Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        Some("test") => test(),
        Some("serve") => serve(&args[1..]),
        Some("accuracy") => accuracy_cmd(&args[1..]),
        // Timings of a debug build say nothing: the cargo alias builds xtask in debug, so re-run in release.
        Some("bench") if cfg!(debug_assertions) => step(
            "cargo run --release -p xtask -- bench (timings need optimised code)",
            cargo()
                .args(["run", "--quiet", "--release", "-p", "xtask", "--"])
                .args(&args),
        ),
        Some("bench") => xtask::bench::run(&args[1..]),
        Some("widget") => widget(),
        Some("install") => install(&args[1..]),
        Some("help" | "--help" | "-h") | None => {
            println!("{USAGE}");
            Ok(())
        }
        Some(other) => bail!("unknown task `{other}`\n\n{USAGE}"),
    }
}

/// The workspace root.
fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn cargo() -> Command {
    let mut c = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()));
    c.current_dir(root());
    c
}

fn step(name: &str, cmd: &mut Command) -> Result<()> {
    eprintln!("==> {name}");
    let status = cmd
        .status()
        .with_context(|| format!("failed to start: {name}"))?;
    if !status.success() {
        bail!("{name} failed ({status})");
    }
    Ok(())
}

fn test() -> Result<()> {
    // Every test that skips (what it needs is missing) adds a line here; the count is printed at the end. Under
    // CI a skip is a failure instead, in the test itself.
    let skip_log = xtask::ci::skip_log();
    let _ = std::fs::remove_file(&skip_log);
    if xtask::ci::is_ci() {
        eprintln!(
            "==> CI={}: no test may skip",
            std::env::var("CI").unwrap_or_default()
        );
    }
    let result = test_steps();
    let skipped = xtask::ci::skipped(&skip_log);
    if skipped.is_empty() {
        eprintln!("==> no test skipped");
    } else {
        eprintln!("==> {} test(s) SKIPPED:", skipped.len());
        for line in &skipped {
            eprintln!("  {line}");
        }
    }
    result?;
    if xtask::ci::is_ci() && !skipped.is_empty() {
        bail!("{} test(s) skipped under CI", skipped.len());
    }
    Ok(())
}

fn test_steps() -> Result<()> {
    step(
        "cargo fmt --check",
        cargo().args(["fmt", "--all", "--", "--check"]),
    )?;
    // First, so the generator that clippy and the tests build embeds the current widget.
    eprintln!("==> cargo xtask widget");
    xtask::wasm::build()?;
    step(
        "cargo clippy (warnings denied)",
        cargo().args([
            "clippy",
            "--workspace",
            "--all-targets",
            "--",
            "-D",
            "warnings",
        ]),
    )?;
    // The checker as tests build it (bundled rules), and as published (no bundled rules, no TOML loader).
    for (what, flags) in [
        (
            "cargo clippy for wasm32 (warnings denied)",
            &["--all-targets"][..],
        ),
        (
            "cargo clippy for wasm32, as published: no bundled rules, no TOML loader (warnings denied)",
            &["--no-default-features"][..],
        ),
    ] {
        step(
            what,
            cargo()
                .args([
                    "clippy",
                    "-p",
                    "checker-wasm",
                    "--target",
                    "wasm32-unknown-unknown",
                ])
                .args(flags)
                .args(["--", "-D", "warnings"]),
        )?;
    }
    step(
        "cargo doc (warnings denied)",
        cargo()
            .args(["doc", "--workspace", "--no-deps"])
            .env("RUSTDOCFLAGS", "-D warnings"),
    )?;
    step(
        "cargo test",
        cargo()
            .args(["test", "--workspace"])
            .env(xtask::ci::SKIP_LOG, xtask::ci::skip_log()),
    )?;
    step(
        "wasm32 build of diagnosis and checker-wasm",
        cargo().args([
            "build",
            "-p",
            "diagnosis",
            "-p",
            "checker-wasm",
            "--target",
            "wasm32-unknown-unknown",
        ]),
    )?;
    xtask::browser::wasm_tests()?;
    xtask::browser::end_to_end()?;
    Ok(())
}

/// Builds the widget and prints what a reader downloads.
fn widget() -> Result<()> {
    let dir = xtask::wasm::build()?;
    println!("widget: {}", dir.display());
    print!("{}", xtask::wasm::size_table(&xtask::wasm::sizes(&dir)?));
    Ok(())
}

/// `cargo install --path generator` alone makes a bouncebook whose sites have no checker (build.rs embeds only a
/// widget already built), so build it first and point the build script at it.
fn install(args: &[String]) -> Result<()> {
    eprintln!("==> cargo xtask widget");
    xtask::wasm::build()?;
    let widget = xtask::wasm::widget_dir();
    step(
        "cargo install --path generator --locked",
        cargo()
            .args(["install", "--path", "generator", "--locked", "--force"])
            .args(args)
            .env("BOUNCEBOOK_WIDGET_DIR", &widget),
    )?;
    eprintln!("==> installed: `bouncebook --version` says `browser checker: included`");
    Ok(())
}

fn serve(args: &[String]) -> Result<()> {
    // The generator embeds the widget when it compiles, so build the widget first: a fresh clone then serves a
    // site with a working checker.
    eprintln!("==> cargo xtask widget");
    xtask::wasm::build()?;
    let mut cmd = cargo();
    // Release: a one-article edit of the bundled knowledge base rebuilds in ~95 ms there and ~950 ms in a debug
    // build (659 pages, measured with the "built N pages in M ms" line); writers wait on every save.
    cmd.args([
        "run",
        "--quiet",
        "--release",
        "-p",
        "generator",
        "--bin",
        "bouncebook",
        "--",
        "serve",
    ])
    .args(args);
    step("bouncebook serve", &mut cmd)
}

fn met(value: f64, target: f64) -> String {
    if value >= target {
        "met".to_string()
    } else {
        format!("{:.1} points short", target - value)
    }
}

fn accuracy_cmd(args: &[String]) -> Result<()> {
    let corpus = accuracy::corpus_dir();
    if !corpus.join("labels.jsonl").exists() {
        bail!(
            "corpus not found at {} (set BOUNCEBOOK_CORPUS)",
            corpus.display()
        );
    }
    let show_misses = args.iter().any(|a| a == "--misses");
    // `--rules DIR` scores rule files as they are on disk, without rebuilding the engine.
    let from_dir = match args.iter().position(|a| a == "--rules") {
        Some(i) => {
            let dir = args
                .get(i + 1)
                .context("--rules needs a directory (a copy of content/rules)")?;
            Some(accuracy::rules_from_dir(Path::new(dir))?)
        }
        None => None,
    };
    let rules = from_dir
        .as_ref()
        .unwrap_or_else(|| diagnosis::RuleSet::bundled());
    println!("corpus: {}", corpus.display());
    println!(
        "{:<8} {:>24} {:>24} {:>24} {:>24} {:>24}",
        "part", "reason", "status", "reply", "hard bounce", "recipient count"
    );
    let mut parts = Vec::new();
    for part in ["emails", "pasted"] {
        let s = accuracy::score(&corpus, part, rules).with_context(|| format!("scoring {part}"))?;
        println!(
            "{part:<8} {:>24} {:>24} {:>24} {:>24} {:>24}",
            s.reason.to_string(),
            s.status.to_string(),
            s.reply.to_string(),
            s.hard.to_string(),
            s.count.to_string()
        );
        println!(
            "         not-bounce email gives no bounce: {} ({})",
            if s.not_bounce_ok { "yes" } else { "NO" },
            s.not_bounce
        );
        let floor = if part == "emails" {
            &accuracy::GUARD.emails
        } else {
            &accuracy::GUARD.pasted
        };
        let broken = accuracy::guard_failures(part, &s, floor);
        if broken.is_empty() {
            println!(
                "         guard (GUARD less a margin of {}): holds",
                accuracy::MARGIN
            );
        } else {
            for line in broken {
                println!("         guard BROKEN: {line}");
            }
        }
        let t = accuracy::TARGETS;
        let (reason_target, status_target) = if part == "emails" {
            (t.reason_emails, t.status)
        } else {
            (t.reason_pasted, t.status)
        };
        println!(
            "         targets: reason {reason_target} % ({}), status {status_target} % ({}), reply {} % ({}), count {} % ({})",
            met(s.reason.percent(), reason_target),
            met(s.status.percent(), status_target),
            t.reply,
            met(s.reply.percent(), t.reply),
            t.count,
            met(s.count.percent(), t.count)
        );
        if show_misses {
            for m in &s.misses {
                println!("  miss {m}");
            }
        }
        parts.push(s);
    }
    // Reason per server family, both parts side by side: a family far below the rest is where the rules
    // memorise the corpus instead of describing how that server words its failures.
    println!();
    println!(
        "{:<20} {:>24} {:>24}",
        "family (reason)", "emails", "pasted"
    );
    let (emails, pasted) = (&parts[0], &parts[1]);
    for (fam, r) in &emails.families {
        let p = pasted.families.get(fam).copied().unwrap_or_default();
        let mark = if r.hit < r.total || p.hit < p.total {
            " *"
        } else {
            ""
        };
        println!(
            "{fam:<20} {:>24} {:>24}{mark}",
            r.to_string(),
            p.to_string()
        );
    }

    println!();
    for (path, floor) in [
        (lines::path(), format!("floor {} % strict", lines::FLOOR)),
        (
            lines::intl_path(),
            "every line must be a lenient hit".to_string(),
        ),
    ] {
        let cases = lines::load(&path)?;
        let outcomes = lines::run(&cases, rules);
        let f = lines::figures(&outcomes);
        println!(
            "single lines ({}): strict {}, lenient {}; {floor}",
            path.display(),
            f.strict,
            f.lenient,
        );
        if show_misses {
            for m in lines::misses(&outcomes) {
                println!("  miss {m}");
            }
        }
    }
    Ok(())
}
