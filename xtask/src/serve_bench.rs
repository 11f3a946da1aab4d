//! `cargo xtask bench` (and `bench --serve` alone): how long a one-article edit takes to show under `bouncebook
//! serve` on the bundled knowledge base, from the save to the reloaded page, with a release bouncebook: first
//! with `--full-rebuilds` (every page built again, as before the memo), then as `serve` runs by default, in the
//! same run. Each of 10 edits writes the article, waits for the live-reload state to say the pages changed (what
//! makes an open page reload) and fetches the page, which must show the edit; the median is printed.

use anyhow::{Context, Result, bail};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// Edits timed per mode.
const EDITS: usize = 10;

/// The article edited: one the bundled knowledge base has.
const ARTICLE: &str = "content/articles/mailbox-full.md";

/// Runs the measurement and prints it.
pub fn run() -> Result<()> {
    let bin = release_bouncebook()?;
    let site = copy_site()?;
    let full = measure(&bin, &site, true)?;
    let fast = measure(&bin, &site, false)?;
    let _ = std::fs::remove_dir_all(site.parent().unwrap_or(&site));
    println!(
        "serve, one-article edit on the bundled knowledge base, save to reloaded page (release, median of {EDITS}):"
    );
    println!(
        "  every page rebuilt (--full-rebuilds): {:.1} ms (min {:.1}, max {:.1})",
        full.median, full.min, full.max
    );
    println!(
        "  only what the edit changes (default): {:.1} ms (min {:.1}, max {:.1}); {:.1}× faster",
        fast.median,
        fast.min,
        fast.max,
        full.median / fast.median
    );
    if let Some(line) = fast.last_build {
        println!("  serve said: {line}");
    }
    Ok(())
}

struct Timing {
    median: f64,
    min: f64,
    max: f64,
    last_build: Option<String>,
}

/// Builds the release `bouncebook` and returns its path.
pub fn release_bouncebook() -> Result<PathBuf> {
    eprintln!("==> cargo build --release -p generator --bin bouncebook");
    let status = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
        .current_dir(crate::wasm::root())
        .args(["build", "--quiet", "--release", "-p", "generator", "--bin"])
        .arg("bouncebook")
        .status()
        .context("failed to start cargo")?;
    if !status.success() {
        bail!("cargo build --release -p generator failed ({status})");
    }
    Ok(crate::wasm::target_dir().join("release/bouncebook"))
}

/// The bundled knowledge base (config, content, theme) copied to a temporary folder, to edit freely.
fn copy_site() -> Result<PathBuf> {
    let root = crate::wasm::root();
    let site = std::env::temp_dir()
        .join(format!("bouncebook-bench-serve-{}", std::process::id()))
        .join("site");
    let _ = std::fs::remove_dir_all(&site);
    std::fs::create_dir_all(&site)?;
    std::fs::copy(root.join("bouncebook.toml"), site.join("bouncebook.toml"))?;
    for dir in ["content", "themes"] {
        copy_dir(&root.join(dir), &site.join(dir))?;
    }
    Ok(site)
}

fn copy_dir(from: &Path, to: &Path) -> Result<()> {
    std::fs::create_dir_all(to)?;
    for entry in
        std::fs::read_dir(from).with_context(|| format!("failed to list {}", from.display()))?
    {
        let entry = entry?;
        let target = to.join(entry.file_name());
        if entry.file_type()?.is_dir() {
            copy_dir(&entry.path(), &target)?;
        } else {
            std::fs::copy(entry.path(), &target)?;
        }
    }
    Ok(())
}

/// Stops the server however the measurement ends.
struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn measure(bin: &Path, site: &Path, full: bool) -> Result<Timing> {
    let mut cmd = Command::new(bin);
    cmd.args(["serve", "--port", "0"]).current_dir(site);
    if full {
        cmd.arg("--full-rebuilds");
    }
    let mut child = cmd
        .stderr(Stdio::piped())
        .spawn()
        .with_context(|| format!("failed to start {}", bin.display()))?;
    let stderr = child.stderr.take().context("no stderr")?;
    let server = Server(child);
    let mut lines = BufReader::new(stderr).lines();
    let address = loop {
        let Some(line) = lines.next() else {
            bail!("serve ended before it said where it serves");
        };
        let line = line?;
        if let Some(rest) = line.split(" at http://").nth(1) {
            break rest.split('/').next().unwrap_or_default().to_string();
        }
    };
    let log = std::sync::Arc::new(std::sync::Mutex::new(Vec::<String>::new()));
    let sink = log.clone();
    std::thread::spawn(move || {
        for line in lines.map_while(Result::ok) {
            if let Ok(mut l) = sink.lock() {
                l.push(line);
            }
        }
    });
    let path = site.join(ARTICLE);
    let original =
        std::fs::read_to_string(&path).with_context(|| format!("failed to read {ARTICLE}"))?;
    let page = format!("/articles/{}/", slug(ARTICLE));
    let mut state = wait_pages(&address, -1, 0)?;
    let mut times = Vec::new();
    // One edit first, untimed: the memo fills on the first build, and the first rebuild warms caches.
    for i in 0..=EDITS {
        let marker = format!(
            "Edited for the bench, {} {i}.",
            if full { "full" } else { "fast" }
        );
        std::fs::write(&path, format!("{original}\n{marker}\n"))?;
        let saved = Instant::now();
        wait_pages(&address, state.0, state.1)?;
        let body = get(&address, &page)?;
        let elapsed = saved.elapsed();
        if !body.contains(&marker) {
            bail!("{page} does not show the edit after the pages changed");
        }
        if i > 0 {
            times.push(elapsed.as_secs_f64() * 1000.0);
        }
        // Let any second rebuild for the same save (editors and `write` may report a file twice) finish.
        std::thread::sleep(Duration::from_millis(150));
        state = wait_pages(&address, -1, 0)?;
    }
    std::fs::write(&path, &original)?;
    drop(server);
    times.sort_by(f64::total_cmp);
    let last_build = log
        .lock()
        .ok()
        .and_then(|l| l.iter().rev().find(|l| l.starts_with("built ")).cloned());
    Ok(Timing {
        median: (times[EDITS / 2 - 1] + times[EDITS / 2]) / 2.0,
        min: times[0],
        max: times[EDITS - 1],
        last_build,
    })
}

fn slug(article: &str) -> &str {
    article
        .trim_start_matches("content/articles/")
        .trim_end_matches(".md")
}

/// Waits until the state's `pages` passes `pages`; returns (version, pages).
fn wait_pages(address: &str, mut since: i64, pages: i64) -> Result<(i64, i64)> {
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let body = get(address, &format!("/__bouncebook/events?since={since}"))?;
        let v: serde_json::Value = serde_json::from_str(&body).context("events are JSON")?;
        let version = v["version"].as_i64().unwrap_or(-1);
        let now = v["pages"].as_i64().unwrap_or(-1);
        if now > pages {
            return Ok((version, now));
        }
        if Instant::now() > deadline {
            bail!("serve did not rebuild within 60 s: {body}");
        }
        since = version;
    }
}

/// `GET path`: the body as text.
fn get(address: &str, path: &str) -> Result<String> {
    let mut stream = TcpStream::connect(address)?;
    stream.set_read_timeout(Some(Duration::from_secs(60)))?;
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: {address}\r\nConnection: close\r\n\r\n"
    )?;
    let mut response = Vec::new();
    stream.read_to_end(&mut response)?;
    let text = String::from_utf8_lossy(&response);
    Ok(text
        .split_once("\r\n\r\n")
        .map(|(_, b)| b.to_string())
        .unwrap_or_default())
}
