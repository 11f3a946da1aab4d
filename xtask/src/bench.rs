//! `cargo xtask bench`: classifier throughput over the corpus (single thread), large-input scaling, and, when
//! Sisimai (Debian's libsisimai-perl) is installed, Sisimai on the same files in the same run; then how fast an
//! edit shows under `bouncebook serve` ([`crate::serve_bench`], alone with `--serve`), the checker in the browser
//! and what the search page's first query downloads ([`crate::search_bytes`], alone with `--search`). With
//! `--sites`, the site build against Hugo, Pagefind and mdBook instead (see [`crate::sites`]).

use anyhow::{Context, Result};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// Runs the benchmarks and prints a report.
pub fn run(args: &[String]) -> Result<()> {
    if args.iter().any(|a| a == "--sites") {
        return crate::sites::run(&crate::sites::Options::parse(args)?);
    }
    if args.iter().any(|a| a == "--search") {
        return crate::search_bytes::run();
    }
    if args.iter().any(|a| a == "--serve") {
        return crate::serve_bench::run();
    }
    if let Some(a) = args.first() {
        anyhow::bail!(
            "unknown option `{a}` for bench (expected nothing, --serve, --search or --sites)"
        );
    }
    let corpus = crate::accuracy::corpus_dir();
    let files = corpus_files(&corpus.join("emails"))?;
    let inputs: Vec<Vec<u8>> = files.iter().map(std::fs::read).collect::<Result<_, _>>()?;
    let rules = diagnosis::RuleSet::bundled();
    // Warm up once (rule loading, allocator).
    for i in &inputs {
        std::hint::black_box(diagnosis::classify(i, rules));
    }
    let mut runs = Vec::new();
    for _ in 0..7 {
        let t = Instant::now();
        for i in &inputs {
            std::hint::black_box(diagnosis::classify(i, rules));
        }
        runs.push(t.elapsed());
    }
    runs.sort();
    let median = runs[runs.len() / 2];
    let per_sec = inputs.len() as f64 / median.as_secs_f64();
    println!(
        "classify: {} emails, median of {} runs {:.1} ms → {:.0} emails/s (single thread)",
        inputs.len(),
        runs.len(),
        ms(median),
        per_sec
    );
    if let Some(rss) = peak_rss_kb() {
        println!("peak memory (this process): {:.1} MiB", rss as f64 / 1024.0);
    }
    scaling(rules);
    match sisimai(&corpus.join("emails"), inputs.len()) {
        Ok(Some(s)) => println!(
            "sisimai (perl): {:.0} emails/s → bouncebook is {:.1}× faster",
            s,
            per_sec / s
        ),
        Ok(None) => println!("sisimai: not installed (apt-get install libsisimai-perl), skipped"),
        Err(e) => println!("sisimai: could not run: {e:#}"),
    }
    if let Err(e) = cli_cores(&corpus.join("emails"), inputs.len()) {
        println!("classify on every core: could not run ({e:#})");
    }
    if let Err(e) = crate::serve_bench::run() {
        println!("serve edits: could not run ({e:#})");
    }
    if let Err(e) = widget() {
        println!("checker in the browser: could not run ({e:#})");
    }
    if let Err(e) = crate::search_bytes::run() {
        println!("search bytes: could not run ({e:#})");
    }
    Ok(())
}

/// `bouncebook classify --format jsonl` over the corpus folder, as users run it (release binary, output to a
/// pipe read to the end), on one thread (`RAYON_NUM_THREADS=1`) and on every core, in the same run.
fn cli_cores(dir: &Path, count: usize) -> Result<()> {
    let bin = crate::serve_bench::release_bouncebook()?;
    let run = |threads: Option<&str>| -> Result<Duration> {
        let mut cmd = std::process::Command::new(&bin);
        cmd.args(["classify", "--format", "jsonl"]).arg(dir);
        if let Some(n) = threads {
            cmd.env("RAYON_NUM_THREADS", n);
        }
        let t = Instant::now();
        let out = cmd.output().context("failed to run bouncebook classify")?;
        let elapsed = t.elapsed();
        anyhow::ensure!(out.status.success(), "bouncebook classify failed");
        anyhow::ensure!(
            out.stdout.iter().filter(|&&b| b == b'\n').count() == count,
            "one line per file"
        );
        Ok(elapsed)
    };
    let median = |threads: Option<&str>| -> Result<Duration> {
        let mut v = (0..5).map(|_| run(threads)).collect::<Result<Vec<_>>>()?;
        v.sort();
        Ok(v[2])
    };
    let one = median(Some("1"))?;
    let all = median(None)?;
    println!(
        "bouncebook classify --format jsonl over {count} files (release, median of 5): 1 thread {:.0} ms, \
         every core ({}) {:.0} ms, {:.2}× faster",
        ms(one),
        std::thread::available_parallelism().map_or(1, |n| n.get()),
        ms(all),
        one.as_secs_f64() / all.as_secs_f64()
    );
    Ok(())
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn corpus_files(dir: &Path) -> Result<Vec<PathBuf>> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .with_context(|| {
            format!(
                "corpus not found at {} (set BOUNCEBOOK_CORPUS)",
                dir.display()
            )
        })?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_file())
        .collect();
    files.sort();
    Ok(files)
}

/// Time for 1, 2, 5 and 10 MB of pasted text and 25k–100k lines: the ratios show linear growth.
fn scaling(rules: &diagnosis::RuleSet) {
    let line = "550 5.1.1 <bob@example.com>: Recipient address rejected: User unknown in local recipient table\n";
    println!("large inputs (median of 3):");
    let mut base: Option<f64> = None;
    for mb in [1usize, 2, 5, 10] {
        let text = line.repeat(mb * 1024 * 1024 / line.len());
        let t = median_time(3, || {
            std::hint::black_box(diagnosis::classify(text.as_bytes(), rules));
        });
        let per_mb = ms(t) / mb as f64;
        let b = *base.get_or_insert(per_mb);
        println!(
            "  {mb:>2} MB: {:8.1} ms ({:.2} ms/MB, {:.2}× the 1 MB rate)",
            ms(t),
            per_mb,
            per_mb / b
        );
    }
    for lines in [25_000usize, 100_000] {
        let text = "x\n".repeat(lines / 2) + &line.repeat(lines / 2);
        let t = median_time(3, || {
            std::hint::black_box(diagnosis::classify(text.as_bytes(), rules));
        });
        println!("  {lines} lines: {:.1} ms", ms(t));
    }
}

fn median_time(n: usize, mut f: impl FnMut()) -> Duration {
    let mut v: Vec<Duration> = (0..n)
        .map(|_| {
            let t = Instant::now();
            f();
            t.elapsed()
        })
        .collect();
    v.sort();
    v[n / 2]
}

fn peak_rss_kb() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    status
        .lines()
        .find(|l| l.starts_with("VmHWM:"))?
        .split_whitespace()
        .nth(1)?
        .parse()
        .ok()
}

/// Sisimai's rate on the same emails: Perl's `Sisimai->rise` (`make` before 5.0) over every file, timed inside
/// Perl.
fn sisimai(dir: &Path, count: usize) -> Result<Option<f64>> {
    let probe = std::process::Command::new("perl")
        .args(["-MSisimai", "-e", "1"])
        .output();
    if !probe.is_ok_and(|o| o.status.success()) {
        return Ok(None);
    }
    let script = r#"
use strict; use Sisimai; use Time::HiRes qw(time);
my @f = sort glob("$ARGV[0]/*.eml");
my $call = Sisimai->can('rise') ? 'rise' : 'make'; # Sisimai 5 renamed make to rise
my $t = time; for my $f (@f) { my $r = Sisimai->$call($f, delivered => 1, vacation => 1); } my $e = time - $t;
printf "%.6f\n", $e;
"#;
    let out = std::process::Command::new("perl")
        .args(["-e", script, &dir.display().to_string()])
        .output()?;
    let secs: f64 = String::from_utf8_lossy(&out.stdout)
        .trim()
        .parse()
        .context("sisimai timing")?;
    Ok(Some(count as f64 / secs))
}

/// The browser checker in headless Chromium: what a reader downloads (brotli), how long the engine takes to
/// start, and the time from paste to a drawn result.
fn widget() -> Result<()> {
    // The generator embeds the widget when it compiles: build it first, or the site gets a stale one.
    eprintln!("==> cargo xtask widget");
    crate::wasm::build()?;
    let r = crate::browser::bench(60)?;
    let f = |v: &serde_json::Value| v.as_f64().unwrap_or(f64::NAN);
    println!(
        "checker in the browser ({} site, headless Chromium):",
        r["site"].as_str().unwrap_or("?")
    );
    let sizes: Vec<crate::wasm::Size> = r["files"]
        .as_array()
        .map(|files| {
            files
                .iter()
                .map(|f| crate::wasm::Size {
                    name: f["name"].as_str().unwrap_or_default().to_string(),
                    raw: f["raw"].as_u64().unwrap_or_default(),
                    gzip: f["gzip"].as_u64(),
                    brotli: f["brotli"].as_u64(),
                })
                .collect()
        })
        .unwrap_or_default();
    print!("{}", crate::wasm::size_table(&sizes));
    if let Some(downloads) = r["downloads"].as_array() {
        let total: u64 = downloads.iter().filter_map(|d| d["brotli"].as_u64()).sum();
        let extra: Vec<String> = downloads
            .iter()
            .filter_map(|d| d["path"].as_str())
            .filter(|p| !p.starts_with("/widget/"))
            .map(String::from)
            .collect();
        println!(
            "  another site's page with only the snippet downloads {} files, {:.1} KB brotli (budget {:.1} KB){}",
            downloads.len(),
            total as f64 / 1000.0,
            crate::wasm::WIDGET_BUDGET as f64 / 1000.0,
            if extra.is_empty() {
                String::new()
            } else {
                format!("; besides widget/: {}", extra.join(", "))
            }
        );
    }
    println!(
        "  wasm compile {:.1} ms, instantiate {:.1} ms, site rules load {:.1} ms; page to ready {:.0} ms",
        f(&r["compile_ms"]),
        f(&r["instantiate_ms"]),
        f(&r["rules_ms"]),
        f(&r["ready_ms"])
    );
    if let Some(samples) = r["paste_to_result_ms"].as_object() {
        for (name, s) in samples {
            println!(
                "  paste to result, {name} ({} bytes): median {:.1} ms to the DOM, {:.1} ms to the next frame ({} runs)",
                s["bytes"],
                f(&s["drawn"]),
                f(&s["median"]),
                r["runs"]
            );
        }
    }
    Ok(())
}
