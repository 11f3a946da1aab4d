//! `cargo xtask bench`'s search figures (issue 14, item 3): what the first query on the search page downloads,
//! search code and index, on the bundled knowledge base and on a 10,000-article site made by
//! `../shared/bench/make_corpus.py`, measured in headless Chromium (`tests/browser/search-bytes.mjs`).

use anyhow::{Context, Result, bail};
use std::path::Path;
use std::process::Command;

/// The most the first query on a 10,000-article site may download (the budget), in bytes.
pub const FIRST_QUERY_BUDGET: u64 = 100 * 1000;

/// Queries measured: the build report's sample, a whole pasted line (many terms) and a bare code.
const QUERIES: &[&str] = &[
    "550 5.7.1 Relay access denied",
    "550-5.7.26 The MAIL FROM domain [example.com] has an SPF record with a hard fail policy (-all) but it fails to pass SPF checks",
    "5.7.26",
];

/// Prints the figures for the bundled site and, when the corpus script is there, a 10,000-article one.
pub fn run() -> Result<()> {
    println!(
        "search, first query on the search page (search code and index; JavaScript and JSON brotli, index files as served):"
    );
    let bundled = crate::browser::site()?;
    report("bundled knowledge base", &bundled)?;
    let script = crate::sites::bench_dir().join("make_corpus.py");
    if !script.is_file() {
        println!(
            "  10,000 articles: {} not found (set BOUNCEBOOK_BENCH_DIR), skipped",
            script.display()
        );
        return Ok(());
    }
    let work = crate::wasm::target_dir().join("bench-search");
    let src = work.join("bouncebook");
    if !src.join("content/articles").is_dir() {
        eprintln!("==> make_corpus.py --n 10000 (the 10,000-article site)");
        let status = Command::new("python3")
            .arg(&script)
            .args(["--n", "10000", "--flavor", "bouncebook", "--force", "--out"])
            .arg(&work)
            .status()
            .context("failed to run python3 make_corpus.py")?;
        if !status.success() {
            bail!("make_corpus.py failed ({status})");
        }
    }
    std::fs::write(
        src.join("bouncebook.toml"),
        "title = \"Synthetic KB\"\ndescription = \"make_corpus.py, 10,000 articles.\"\nbase-url = \"https://kb.example.org/\"\n",
    )
    .context("failed to write the corpus's bouncebook.toml")?;
    let out = work.join("site");
    eprintln!("==> bouncebook build (10,000 articles)");
    let status = Command::new(crate::browser::bouncebook()?)
        .args(["build", "--force", "--root"])
        .arg(&src)
        .arg("--output")
        .arg(&out)
        .status()
        .context("failed to run bouncebook build")?;
    if !status.success() {
        bail!("bouncebook build of the 10,000-article site failed ({status})");
    }
    let worst = report("10,000 articles", &out)?;
    println!(
        "  budget at 10,000 articles: {:.1} KB; the largest first query above is {:.1} KB ({})",
        FIRST_QUERY_BUDGET as f64 / 1000.0,
        worst as f64 / 1000.0,
        if worst <= FIRST_QUERY_BUDGET {
            "within"
        } else {
            "OVER"
        }
    );
    Ok(())
}

/// Prints one line per query for the site in `dir`; returns the largest download.
fn report(name: &str, dir: &Path) -> Result<u64> {
    let r = crate::browser::search_bytes(dir, QUERIES)?;
    let mut worst = 0;
    for q in r["queries"].as_array().into_iter().flatten() {
        let bytes = q["bytes"].as_u64().unwrap_or_default();
        worst = worst.max(bytes);
        println!(
            "  {name}: {:.1} KB in {} files (search.js {:.1} KB), {} results, for {:?}",
            bytes as f64 / 1000.0,
            q["files"],
            q["code"].as_u64().unwrap_or_default() as f64 / 1000.0,
            q["results"],
            q["query"].as_str().unwrap_or_default()
        );
    }
    Ok(worst)
}
