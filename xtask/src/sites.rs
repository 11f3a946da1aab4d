//! `cargo xtask bench --sites`: bouncebook against Hugo (+ Pagefind) and mdBook on the synthetic knowledge base
//! of `../shared/bench/make_corpus.py`, in one run on one machine.
//!
//! The timing itself is `../shared/bench/anchors.sh`, called as is, so every tool runs with the flags that script
//! gives it (cold caches, output removed first, `/usr/bin/time -v` for wall, CPU and peak memory, medians of
//! several runs); its `BOUNCEBOOK_BUILD` template runs the release `bouncebook build`. This module builds
//! bouncebook, finds or fetches Pagefind, runs the script, then reads the script's `runs.tsv` and `sizes.tsv`,
//! measures both search indexes and prints one table with bouncebook's ratios against Hugo + Pagefind: our build
//! includes the search index, so the fair rival is Hugo followed by Pagefind on Hugo's output.

use anyhow::{Context, Result, bail};
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;

/// Options of `cargo xtask bench --sites`.
#[derive(Debug, Clone, PartialEq)]
pub struct Options {
    /// Article counts (`--sizes 1000,10000`).
    pub sizes: Vec<usize>,
    /// Runs per tool and size; medians are reported (`--runs 3`).
    pub runs: usize,
    /// Tools to time (`--tools hugo,pagefind,bouncebook`); empty: every one installed.
    pub tools: Vec<String>,
}

impl Default for Options {
    fn default() -> Options {
        Options {
            sizes: vec![1000, 10_000],
            runs: 3,
            tools: Vec::new(),
        }
    }
}

impl Options {
    /// Reads the arguments after `--sites`.
    pub fn parse(args: &[String]) -> Result<Options> {
        let mut o = Options::default();
        let mut it = args.iter();
        while let Some(a) = it.next() {
            let mut value = |name: &str| {
                it.next()
                    .with_context(|| format!("{name} needs a value"))
                    .cloned()
            };
            match a.as_str() {
                "--sizes" => {
                    o.sizes = list(&value("--sizes")?)
                        .iter()
                        .map(|s| {
                            s.parse::<usize>()
                                .ok()
                                .filter(|&n| n >= 2)
                                .with_context(|| {
                                    format!("--sizes: `{s}` is not a count of 2 or more")
                                })
                        })
                        .collect::<Result<_>>()?;
                }
                "--runs" => {
                    let v = value("--runs")?;
                    o.runs =
                        v.parse().ok().filter(|&n| n >= 1).with_context(|| {
                            format!("--runs: `{v}` is not a count of 1 or more")
                        })?;
                }
                "--tools" => o.tools = list(&value("--tools")?),
                "--sites" => {}
                other => bail!(
                    "unknown option `{other}` for bench --sites (expected --sizes, --runs or --tools)"
                ),
            }
        }
        if o.sizes.is_empty() {
            bail!("--sizes: give at least one article count, e.g. --sizes 1000");
        }
        Ok(o)
    }
}

fn list(s: &str) -> Vec<String> {
    s.split([',', ' '])
        .filter(|s| !s.is_empty())
        .map(String::from)
        .collect()
}

/// Where `anchors.sh` and `make_corpus.py` live: `$BOUNCEBOOK_BENCH_DIR` or `../shared/bench`.
pub fn bench_dir() -> PathBuf {
    std::env::var_os("BOUNCEBOOK_BENCH_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| crate::wasm::root().join("../shared/bench"))
}

/// Builds bouncebook in release, runs the anchors script and prints the comparison.
pub fn run(o: &Options) -> Result<()> {
    let script = bench_dir().join("anchors.sh");
    if !script.is_file() {
        bail!(
            "{} not found (set BOUNCEBOOK_BENCH_DIR to the folder with anchors.sh and make_corpus.py)",
            script.display()
        );
    }
    // The widget is part of every real site; a binary built without it writes fewer files.
    eprintln!("==> cargo xtask widget");
    if let Err(e) = crate::wasm::build() {
        eprintln!("warning: the widget did not build ({e:#}); bouncebook is timed without it");
    }
    let bin = crate::serve_bench::release_bouncebook()?;
    let work = crate::wasm::target_dir().join("bench-sites");
    std::fs::create_dir_all(&work)
        .with_context(|| format!("failed to create {}", work.display()))?;

    let mut cmd = Command::new("bash");
    cmd.arg(&script)
        .arg("-n")
        .arg(join(&o.sizes, " "))
        .arg("-r")
        .arg(o.runs.to_string())
        .arg("-w")
        .arg(&work)
        .env(
            "BOUNCEBOOK_BUILD",
            // The script runs this with `bash -c`, so the path is quoted against spaces. make_corpus.py writes
            // content only, and a folder without bouncebook.toml is not a site (issue 12): the first run writes a
            // minimal one, which takes no measurable time.
            format!(
                "[ -f {{src}}/bouncebook.toml ] || printf 'title = \"Synthetic KB\"\\nbase-url = \"https://kb.example.org/\"\\n' > {{src}}/bouncebook.toml; '{}' build --root {{src}} --output {{out}}",
                bin.display()
            ),
        );
    if !o.tools.is_empty() {
        cmd.arg("-t").arg(o.tools.join(" "));
    }
    let wants = |t: &str| o.tools.is_empty() || o.tools.iter().any(|x| x == t);
    if wants("pagefind") {
        match pagefind(&work) {
            Some(p) => {
                cmd.env("PAGEFIND", p);
            }
            None => eprintln!(
                "pagefind: not found and npm could not fetch it; Hugo is timed without a search index"
            ),
        }
    }
    if wants("mdbook") && which("mdbook").is_none() && std::env::var_os("MDBOOK").is_none() {
        eprintln!("mdbook: not installed (cargo install mdbook), skipped");
    }
    eprintln!("==> {} (work folder {})", script.display(), work.display());
    let load_before = load_average();
    let status = cmd.status().context("failed to start bash")?;
    if !status.success() {
        bail!("{} failed ({status})", script.display());
    }

    let runs = std::fs::read_to_string(work.join("runs.tsv")).context("reading runs.tsv")?;
    let sizes = std::fs::read_to_string(work.join("sizes.tsv")).context("reading sizes.tsv")?;
    let mut search = BTreeMap::new();
    for &n in &o.sizes {
        let out = work.join(format!("out-{n}"));
        if let Some(s) = tree_size(&out.join("bouncebook/search"), |p| {
            p.extension().is_none_or(|e| e != "html")
        }) {
            search.insert(("bouncebook".to_string(), n), s);
        }
        if let Some(s) = tree_size(&out.join("hugo/pagefind"), |_| true) {
            search.insert(("pagefind".to_string(), n), s);
        }
    }
    println!(
        "\nbouncebook against the others, same run (medians of {} runs):\n",
        o.runs
    );
    let runs = parse_runs(&runs);
    print!("{}", report(&runs, &parse_sizes(&sizes), &search));
    // Every tool shares the machine with whatever else runs, in the same run; the load says how much.
    if let (Some(before), Some(after)) = (load_before, load_average()) {
        println!("load average (1 min) before: {before}, after: {after}");
    }
    print!("{}", scaling(&runs));
    let mdbook_max: usize = std::env::var("MDBOOK_MAX_N")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(2000);
    if runs.iter().any(|r| r.tool == "mdbook") && o.sizes.iter().any(|&n| n > mdbook_max) {
        println!(
            "mdBook skipped above {mdbook_max} articles (MDBOOK_MAX_N): it is superlinear on one book with \
             thousands of chapters (about 20 minutes per run at 10,000 in anchors.sh's notes)."
        );
    }
    Ok(())
}

/// The one-minute load average (Linux), to read the timings against.
fn load_average() -> Option<String> {
    let s = std::fs::read_to_string("/proc/loadavg").ok()?;
    s.split_whitespace().next().map(String::from)
}

fn join(v: &[usize], sep: &str) -> String {
    v.iter().map(usize::to_string).collect::<Vec<_>>().join(sep)
}

fn which(name: &str) -> Option<PathBuf> {
    std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|d| d.join(name))
            .find(|p| p.is_file())
    })
}

/// Pagefind: `$PAGEFIND`, on PATH, in the workspace's node_modules, or fetched with npm into the work folder
/// (once; later runs reuse it).
fn pagefind(work: &Path) -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("PAGEFIND") {
        return Some(PathBuf::from(p));
    }
    if let Some(p) = which("pagefind") {
        return Some(p);
    }
    let local = crate::wasm::root().join("node_modules/.bin/pagefind");
    if local.is_file() {
        return Some(local);
    }
    let npm = work.join("npm");
    let bin = npm.join("node_modules/.bin/pagefind");
    if !bin.is_file() {
        eprintln!("==> npm install pagefind (into {})", npm.display());
        std::fs::create_dir_all(&npm).ok()?;
        let ok = Command::new("npm")
            .args(["install", "--no-audit", "--no-fund", "--prefix"])
            .arg(&npm)
            .arg("pagefind")
            .status()
            .is_ok_and(|s| s.success());
        if !ok {
            return None;
        }
    }
    bin.is_file().then_some(bin)
}

/// Bytes and files below `dir` (file sizes, not blocks), counting the files `keep` accepts.
fn tree_size(dir: &Path, keep: impl Fn(&Path) -> bool + Copy) -> Option<(u64, u64)> {
    fn walk(dir: &Path, keep: impl Fn(&Path) -> bool + Copy, acc: &mut (u64, u64)) {
        for e in std::fs::read_dir(dir).into_iter().flatten().flatten() {
            let p = e.path();
            match e.metadata() {
                Ok(m) if m.is_dir() => walk(&p, keep, acc),
                Ok(m) if keep(&p) => {
                    acc.0 += m.len();
                    acc.1 += 1;
                }
                _ => {}
            }
        }
    }
    if !dir.is_dir() {
        return None;
    }
    let mut acc = (0, 0);
    walk(dir, keep, &mut acc);
    Some(acc)
}

/// One timed run, a row of the script's `runs.tsv`.
#[derive(Debug, Clone, PartialEq)]
pub struct Run {
    /// Tool name (`hugo`, `pagefind`, `bouncebook`, …).
    pub tool: String,
    /// Article count.
    pub n: usize,
    /// Wall time in seconds.
    pub wall: f64,
    /// User + system CPU seconds.
    pub cpu: f64,
    /// Peak resident memory in KiB.
    pub rss_kb: f64,
    /// Whether the tool exited with 0.
    pub ok: bool,
}

/// Output size of one tool and count, a row of the script's `sizes.tsv`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Size {
    /// Bytes (`du -sb`).
    pub bytes: u64,
    /// Files.
    pub files: u64,
    /// HTML files.
    pub html: u64,
}

fn rows(tsv: &str) -> impl Iterator<Item = Vec<&str>> {
    tsv.lines()
        .skip(1)
        .filter(|l| !l.trim().is_empty())
        .map(|l| l.split('\t').collect())
}

/// Reads `runs.tsv` (`tool n run wall_s cpu_s maxrss_kb exit`); malformed rows are skipped.
pub fn parse_runs(tsv: &str) -> Vec<Run> {
    rows(tsv)
        .filter_map(|c| {
            Some(Run {
                tool: c.first()?.to_string(),
                n: c.get(1)?.parse().ok()?,
                wall: c.get(3)?.parse().ok()?,
                cpu: c.get(4)?.parse().ok()?,
                rss_kb: c.get(5)?.parse().ok()?,
                ok: *c.get(6)? == "0",
            })
        })
        .collect()
}

/// Reads `sizes.tsv` (`tool n out_bytes out_files html_files extra`).
pub fn parse_sizes(tsv: &str) -> BTreeMap<(String, usize), Size> {
    rows(tsv)
        .filter_map(|c| {
            let num = |i: usize| c.get(i).and_then(|v| v.parse().ok()).unwrap_or(0);
            Some((
                (c.first()?.to_string(), c.get(1)?.parse().ok()?),
                Size {
                    bytes: num(2),
                    files: num(3),
                    html: num(4),
                },
            ))
        })
        .collect()
}

/// The median, as Python's `statistics.median` (the mean of the middle two for an even count).
pub fn median(mut v: Vec<f64>) -> Option<f64> {
    if v.is_empty() {
        return None;
    }
    v.sort_by(f64::total_cmp);
    let m = v.len() / 2;
    Some(if v.len().is_multiple_of(2) {
        (v[m - 1] + v[m]) / 2.0
    } else {
        v[m]
    })
}

/// Medians of one tool at one size.
#[derive(Debug, Clone, Default, PartialEq)]
struct Stat {
    wall: f64,
    cpu: f64,
    rss_mib: f64,
    ok: usize,
    runs: usize,
    size: Size,
    /// Search index bytes and files.
    search: Option<(u64, u64)>,
}

const MIB: f64 = 1024.0 * 1024.0;

/// The comparison table (markdown): one row per tool and size, a Hugo + Pagefind row, then bouncebook's ratios.
pub fn report(
    runs: &[Run],
    sizes: &BTreeMap<(String, usize), Size>,
    search: &BTreeMap<(String, usize), (u64, u64)>,
) -> String {
    let mut keys: Vec<(usize, String)> = Vec::new();
    for r in runs {
        let k = (r.n, r.tool.clone());
        if !keys.contains(&k) {
            keys.push(k);
        }
    }
    keys.sort_by_key(|(n, _)| *n);
    let stat = |n: usize, tool: &str| -> Option<Stat> {
        let all: Vec<&Run> = runs.iter().filter(|r| r.n == n && r.tool == tool).collect();
        let ok: Vec<&Run> = all.iter().copied().filter(|r| r.ok).collect();
        Some(Stat {
            wall: median(ok.iter().map(|r| r.wall).collect())?,
            cpu: median(ok.iter().map(|r| r.cpu).collect())?,
            rss_mib: median(ok.iter().map(|r| r.rss_kb).collect())? / 1024.0,
            ok: ok.len(),
            runs: all.len(),
            size: sizes
                .get(&(tool.to_string(), n))
                .cloned()
                .unwrap_or_default(),
            search: search.get(&(tool.to_string(), n)).copied(),
        })
    };
    let mut t = String::new();
    let _ = writeln!(
        t,
        "| articles | tool | runs | median wall s | articles/s | HTML pages/s | median CPU s | peak RSS MiB | output MiB | files | search index |"
    );
    let _ = writeln!(t, "|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---|");
    let row = |t: &mut String, n: usize, tool: &str, s: &Stat| {
        let pages = if s.size.html > 0 {
            format!("{:.0}", s.size.html as f64 / s.wall)
        } else {
            String::new()
        };
        let index = s
            .search
            .map(|(b, f)| format!("{:.1} MiB, {f} files", b as f64 / MIB))
            .unwrap_or_default();
        let _ = writeln!(
            t,
            "| {n} | {tool} | {}/{} | {:.2} | {:.0} | {pages} | {:.2} | {:.0} | {:.1} | {} | {index} |",
            s.ok,
            s.runs,
            s.wall,
            n as f64 / s.wall,
            s.cpu,
            s.rss_mib,
            s.size.bytes as f64 / MIB,
            s.size.files
        );
    };
    let mut counts: Vec<usize> = keys.iter().map(|(n, _)| *n).collect();
    counts.dedup();
    let mut ratios = Vec::new();
    for n in counts {
        for (_, tool) in keys.iter().filter(|(m, _)| *m == n) {
            match stat(n, tool) {
                Some(s) => row(&mut t, n, tool, &s),
                None => {
                    let _ = writeln!(t, "| {n} | {tool} | 0 | failed | | | | | | | |");
                }
            }
        }
        let (h, p, b) = (stat(n, "hugo"), stat(n, "pagefind"), stat(n, "bouncebook"));
        let both = h.as_ref().zip(p.as_ref()).map(|(h, p)| Stat {
            wall: h.wall + p.wall,
            cpu: h.cpu + p.cpu,
            // They run one after the other, so the peak is the larger one.
            rss_mib: h.rss_mib.max(p.rss_mib),
            ok: h.ok.min(p.ok),
            runs: h.runs.min(p.runs),
            size: Size {
                bytes: h.size.bytes + p.size.bytes,
                files: h.size.files + p.size.files,
                html: h.size.html,
            },
            search: p.search,
        });
        if let Some(both) = &both {
            row(&mut t, n, "hugo + pagefind", both);
        }
        // Then every other generator on its own (mdBook writes its own search index; Zola was told not to).
        let mut others = vec![
            ("hugo + pagefind".to_string(), both),
            ("hugo".to_string(), h),
        ];
        for (_, tool) in keys.iter().filter(|(m, _)| *m == n) {
            if !["hugo", "pagefind", "bouncebook"].contains(&tool.as_str()) {
                others.push((tool.clone(), stat(n, tool)));
            }
        }
        ratios.push((n, b, others));
    }
    let _ = writeln!(t);
    let _ = writeln!(
        t,
        "| articles | bouncebook vs | wall time | CPU time | peak memory | output bytes | files | search index bytes |"
    );
    let _ = writeln!(t, "|---:|---|---:|---:|---:|---:|---:|---:|");
    for (n, b, others) in &ratios {
        let Some(b) = b else { continue };
        for (name, other) in others {
            let Some(o) = other else { continue };
            let bytes = |x: &Stat| x.size.bytes as f64;
            let index = match (b.search, o.search) {
                (Some((bb, _)), Some((ob, _))) if ob > 0 => {
                    format!("{:.2}×", bb as f64 / ob as f64)
                }
                _ => String::new(),
            };
            let _ = writeln!(
                t,
                "| {n} | {name} | **{:.1}× faster** | {:.2}× | {:.2}× | {:.2}× | {:.2}× | {index} |",
                o.wall / b.wall,
                b.cpu / o.cpu,
                b.rss_mib / o.rss_mib,
                bytes(b) / bytes(o).max(1.0),
                b.size.files as f64 / o.size.files.max(1) as f64,
            );
        }
    }
    let _ = writeln!(
        t,
        "\n(\"N× faster\": the other's median wall time over bouncebook's; the other columns are bouncebook's figure \
         over the other's, so below 1 is less. Hugo + Pagefind: the sum of their medians; peak memory the larger \
         one. Search index: bouncebook's search/ folder without its page; Pagefind's whole pagefind/ folder.)"
    );
    t
}

/// CPU seconds per 1,000 articles at each size, per tool: flat when no step grows faster than the article count
/// (CPU rather than wall time, because it does not depend on what else the machine is doing).
pub fn scaling(runs: &[Run]) -> String {
    let mut tools: Vec<&str> = Vec::new();
    for r in runs {
        if !tools.contains(&r.tool.as_str()) {
            tools.push(&r.tool);
        }
    }
    let mut out = String::new();
    for tool in tools {
        let mut counts: Vec<usize> = runs
            .iter()
            .filter(|r| r.tool == tool)
            .map(|r| r.n)
            .collect();
        counts.sort_unstable();
        counts.dedup();
        let per_k: Vec<(usize, f64)> = counts
            .into_iter()
            .filter_map(|n| {
                let cpu = runs.iter().filter(|r| r.tool == tool && r.n == n && r.ok);
                Some((n, median(cpu.map(|r| r.cpu).collect())? * 1000.0 / n as f64))
            })
            .collect();
        if per_k.len() < 2 {
            continue;
        }
        let steps: Vec<String> = per_k.iter().map(|(n, c)| format!("{n}: {c:.2}")).collect();
        let growth = per_k[per_k.len() - 1].1 / per_k[0].1;
        let _ = writeln!(
            out,
            "scaling, {tool}: CPU s per 1,000 articles {} ({growth:.2}× from the smallest to the largest)",
            steps.join(", ")
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const RUNS: &str = "tool\tn\trun\twall_s\tcpu_s\tmaxrss_kb\texit
hugo\t1000\t1\t3.000\t1.20\t300000\t0
hugo\t1000\t2\t2.000\t1.10\t310000\t0
hugo\t1000\t3\t4.000\t1.30\t320000\t0
pagefind\t1000\t1\t2.000\t3.00\t400000\t0
pagefind\t1000\t2\t3.000\t3.00\t500000\t0
bouncebook\t1000\t1\t1.000\t1.00\t80000\t0
bouncebook\t1000\t2\t1.000\t1.00\t80000\t1
";
    const SIZES: &str = "tool\tn\tout_bytes\tout_files\thtml_files\textra
hugo\t1000\t10485760\t1100\t1090\t
pagefind\t1000\t5242880\t200\t0\tfragments=1000
bouncebook\t1000\t20971520\t1300\t1220\t
";

    #[test]
    fn median_is_pythons() {
        assert_eq!(median(vec![3.0, 1.0, 2.0]), Some(2.0));
        assert_eq!(median(vec![4.0, 1.0, 2.0, 3.0]), Some(2.5));
        assert_eq!(median(vec![]), None);
    }

    #[test]
    fn parses_the_scripts_tables() {
        let runs = parse_runs(RUNS);
        assert_eq!(runs.len(), 7);
        assert!(!runs[6].ok);
        let sizes = parse_sizes(SIZES);
        assert_eq!(sizes[&("hugo".to_string(), 1000)].html, 1090);
        assert_eq!(sizes[&("pagefind".to_string(), 1000)].files, 200);
    }

    #[test]
    fn report_compares_against_hugo_and_pagefind() {
        let mut search = BTreeMap::new();
        search.insert(("bouncebook".to_string(), 1000), (1_000_000, 100));
        search.insert(("pagefind".to_string(), 1000), (4_000_000, 1100));
        let t = report(&parse_runs(RUNS), &parse_sizes(SIZES), &search);
        // Hugo 3 s + Pagefind 2.5 s against bouncebook's one good run of 1 s.
        assert!(t.contains("| 1000 | hugo + pagefind | 2/2 | 5.50 |"), "{t}");
        assert!(
            t.contains("| 1000 | bouncebook | 1/2 | 1.00 | 1000 | 1220 |"),
            "{t}"
        );
        assert!(
            t.contains("| 1000 | hugo + pagefind | **5.5× faster** |"),
            "{t}"
        );
        assert!(t.contains("| 1000 | hugo | **3.0× faster** |"), "{t}");
        assert!(!t.contains("| 1000 | pagefind | **"), "{t}");
        // Index 1 MB against 4 MB.
        assert!(t.contains("| 0.25× |"), "{t}");
    }

    #[test]
    fn scaling_is_cpu_per_thousand_articles() {
        let runs = parse_runs(
            "h\nbouncebook\t1000\t1\t2.0\t1.0\t1\t0\nbouncebook\t10000\t1\t20.0\t12.0\t1\t0\nhugo\t1000\t1\t1\t1\t1\t0\n",
        );
        assert_eq!(
            scaling(&runs),
            "scaling, bouncebook: CPU s per 1,000 articles 1000: 1.00, 10000: 1.20 (1.20× from the smallest to the largest)\n"
        );
    }

    #[test]
    fn options() {
        let args = |s: &str| s.split_whitespace().map(String::from).collect::<Vec<_>>();
        assert_eq!(Options::parse(&[]).ok(), Some(Options::default()));
        let o = Options::parse(&args("--sizes 200,500 --runs 1 --tools hugo,bouncebook")).ok();
        assert_eq!(
            o,
            Some(Options {
                sizes: vec![200, 500],
                runs: 1,
                tools: vec!["hugo".into(), "bouncebook".into()],
            })
        );
        assert!(Options::parse(&args("--runs 0")).is_err());
        assert!(Options::parse(&args("--sizes x")).is_err());
        assert!(Options::parse(&args("--fast")).is_err());
    }
}
