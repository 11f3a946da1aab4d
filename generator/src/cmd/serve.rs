//! `bouncebook serve`: build, serve on localhost, watch the sources, rebuild and reload the open page.
//!
//! The site is built in memory (never into the deploy folder, since these pages carry the live-reload script and
//! a localhost base URL, and writing hundreds of files per keystroke is slow). Each page loads
//! `/__bouncebook/live.js`, which long-polls `/__bouncebook/events?since=<state>`: when a rebuild changes the
//! pages the page reloads; problems appear over the page (and in the terminal) until they are fixed.
//! `/__bouncebook/files` lists the paths being served.
//!
//! Rebuilds keep a memo (`crate::memo`): what was parsed, rendered and minified from the same inputs is taken
//! from the last build, so an edit to one article parses that article and renders only the pages whose values
//! changed (its own page, and the pages that list it or show its title). The files are byte for byte those of a
//! full build (`--full-rebuilds` turns the memo off, to compare).
//!
//! Unlike `build`, `serve` still writes the site when the content has problems (a broken link, a tree naming an
//! article not written yet), so a writer sees their page while fixing the rest. A page whose own source no
//! longer loads (front matter that does not parse, a tree with a broken option) keeps its last good version,
//! under the error overlay, rather than turning into a 404. Only a config or template error stops the build,
//! and then the previous pages stay up.

use crate::build::{BuildOptions, build_in_memory};
use crate::config::Overrides;
use crate::content::content_ref::ContentRef;
use crate::content::library::Library;
use crate::load::load_site_with;
use crate::memo::Memo;
use crate::output::Files;
use anyhow::{Context, Result, anyhow};
use notify_debouncer_full::notify::RecursiveMode;
use std::path::{Component, Path, PathBuf};
use std::sync::{Arc, Condvar, Mutex};
use std::time::{Duration, Instant};

/// How to serve.
#[derive(Clone, Debug)]
pub struct ServeOptions {
    /// The site root.
    pub root: PathBuf,
    /// Address to listen on.
    pub bind: String,
    /// Port.
    pub port: u16,
    /// Build every page on every change instead of only what changed (`--full-rebuilds`, to compare).
    pub full_rebuilds: bool,
}

/// The latest build, as pages see it.
#[derive(Debug, Default)]
struct State {
    /// Incremented by every build, good or not.
    version: u64,
    /// The version of the build that wrote the pages being served (0: none yet).
    output: u64,
    /// The version of the last build that changed them: what pages reload on. A rebuild that makes the same
    /// files (a save with no change) leaves it, so open pages do not reload for nothing.
    pages: u64,
    /// The problems of the latest build, if any.
    errors: Option<String>,
    /// Whether the search index of the latest build is still being built (the last one is served meanwhile).
    pending: bool,
    /// The pages being served.
    files: Arc<Files>,
}

type Shared = Arc<(Mutex<State>, Condvar)>;

const LIVE_JS: &str = include_str!("live.js");

/// Where a served page's live-reload tag takes the version of the pages being served. The tag is the same in
/// every build, so a page's bytes change only when its content does (and the memo can keep it); the server
/// writes the version in as it sends the page.
const VERSION_SLOT: &str = "__BOUNCEBOOK_OUTPUT__";

/// The tag every served page carries before `</body>`.
pub const LIVE_TAG: &str =
    "<script src=\"/__bouncebook/live.js\" data-version=\"__BOUNCEBOOK_OUTPUT__\" async></script>";

/// Runs the server until the process is stopped.
pub fn serve(options: ServeOptions) -> Result<()> {
    let root = options.root.clone();
    let address = format!("{}:{}", options.bind, options.port);
    let server = tiny_http::Server::http(&address).map_err(|e| {
        anyhow!("failed to listen on {address}: {e} (is another server using the port? try --port)")
    })?;
    // With port 0 the system picks a free port; links and the message use the real one.
    let address = match server.server_addr() {
        tiny_http::ListenAddr::IP(a) => a.to_string(),
        #[allow(unreachable_patterns)]
        _ => address,
    };
    let base_url = format!("http://{address}/");
    let shared: Shared = Arc::new((Mutex::new(State::default()), Condvar::new()));
    let memo = (!options.full_rebuilds).then(|| Arc::new(Memo::default()));

    rebuild(&root, &base_url, &shared, memo.as_ref());
    eprintln!("serving {} at {base_url} (Ctrl+C to stop)", root.display());

    let _watcher = watch(&root, base_url.clone(), shared.clone(), memo)?;
    for request in server.incoming_requests() {
        let shared = shared.clone();
        std::thread::spawn(move || {
            if let Err(e) = respond(request, &shared) {
                eprintln!("warning: {e:#}");
            }
        });
    }
    Ok(())
}

/// Loads and builds the site, then tells waiting pages. Errors go to the terminal and to the pages. With a
/// `memo`, only what the change touched is parsed and rendered again, and when the change reaches the search
/// index, the pages go up first, with the last index, and the index follows (no page shows the index, so the
/// page being edited reloads without waiting for it, and nothing reloads for the index).
fn rebuild(root: &Path, base_url: &str, shared: &Shared, memo: Option<&Arc<Memo>>) {
    let started = Instant::now();
    let (version, last) = {
        let (state, _) = &**shared;
        state
            .lock()
            .map(|s| (s.version + 1, s.files.clone()))
            .unwrap_or_default()
    };
    if let Some(m) = memo {
        m.next_build();
    }
    let options = BuildOptions {
        minify: true,
        inject: Some(LIVE_TAG.to_string()),
        force: false,
    };
    let mut site = None;
    // (new pages, problems, whether the search index is still to build)
    let result = (|| -> Result<(Option<Files>, Option<String>, bool)> {
        let loaded = match load_site_with(
            root,
            Overrides {
                output: None,
                base_url: Some(base_url.to_string()),
            },
            memo.map(|m| &**m),
        )? {
            Ok(site) => site,
            Err(errors) => return Ok((None, Some(join(&errors)), false)),
        };
        let problems = (!loaded.errors.is_empty()).then(|| join(&loaded.errors));
        let (report, mut files) = build_in_memory(&loaded, &options, memo, true)?;
        keep_last_good(&loaded.library, &last, &mut files);
        let rendered = memo
            .map(|m| {
                let ((made, all), (parsed, files)) = m.done();
                format!(
                    " ({parsed} of {files} articles and trees parsed, {made} of {all} templates rendered, the \
                     rest unchanged)"
                )
            })
            .unwrap_or_default();
        eprintln!(
            "built {} pages in {} ms{rendered}",
            report.pages,
            started.elapsed().as_millis()
        );
        let pending = report.index_pending;
        site = Some(loaded);
        Ok((Some(files), problems, pending))
    })();
    let (files, errors, pending) = match result {
        Ok(done) => done,
        Err(e) => (None, Some(format!("error: {e:#}")), false),
    };
    if let Some(errors) = &errors {
        eprintln!("{errors}");
        eprintln!("the browser shows these problems until they are fixed");
    }
    let (state, changed) = &**shared;
    if let Ok(mut s) = state.lock() {
        s.version = version;
        if let Some(files) = files {
            s.output = version;
            if s.pages == 0 || *s.files != files {
                s.pages = version;
                s.files = Arc::new(files);
            }
        }
        s.errors = errors;
        s.pending = pending;
    }
    changed.notify_all();
    let (Some(site), Some(_), true) = (site, memo, pending) else {
        return;
    };
    // The same build as far as the memo goes (no `next_build`): it takes this build's pages, and what the load
    // parsed stays for the next edit.
    let started = Instant::now();
    let finished = build_in_memory(&site, &options, memo, false);
    if let Ok(mut s) = state.lock() {
        match finished {
            Ok((_, mut files)) => {
                keep_last_good(&site.library, &last, &mut files);
                s.files = Arc::new(files);
                eprintln!(
                    "search index rebuilt in {} ms",
                    started.elapsed().as_millis()
                );
            }
            Err(e) => eprintln!("error: the search index: {e:#}"),
        }
        s.pending = false;
    }
    changed.notify_all();
}

/// Puts back the last good version of the pages of sources that no longer load (an article whose front matter
/// does not parse, a tree with a broken option), so the page being written stays up, under the error overlay,
/// instead of turning into a 404.
fn keep_last_good(lib: &Library, last: &Files, files: &mut Files) {
    for broken in lib.unreadable() {
        let page = broken.url();
        let flowchart = match broken {
            ContentRef::Tree(slug) => Some(format!("trees/{slug}.svg")),
            ContentRef::Article(_) => None,
        };
        for (path, bytes) in last {
            if (path.starts_with(&page) || flowchart.as_ref() == Some(path))
                && !files.contains_key(path)
            {
                files.insert(path.clone(), bytes.clone());
            }
        }
    }
}

fn join(errors: &[crate::error::ContentError]) -> String {
    let mut out: Vec<String> = errors.iter().map(ToString::to_string).collect();
    out.push(format!("{} problem(s)", errors.len()));
    out.join("\n")
}

/// Watches the sources and rebuilds on change. The returned value must be kept alive.
fn watch(
    root: &Path,
    base_url: String,
    shared: Shared,
    memo: Option<Arc<Memo>>,
) -> Result<
    notify_debouncer_full::Debouncer<
        notify_debouncer_full::notify::RecommendedWatcher,
        notify_debouncer_full::RecommendedCache,
    >,
> {
    let (tx, rx) = std::sync::mpsc::channel();
    // Saves are coalesced over 10 ms: an editor's write-and-rename arrives within that, and a rebuild that finds
    // nothing changed costs little and reloads nothing.
    let mut debouncer = notify_debouncer_full::new_debouncer(Duration::from_millis(10), None, tx)
        .context("failed to start watching files")?;
    // The root itself, not recursively: the config file, and folders created later.
    debouncer
        .watch(root, RecursiveMode::NonRecursive)
        .with_context(|| format!("failed to watch {}", root.display()))?;
    let sources = ["content", "themes", "templates", "css", "js", "static"];
    for dir in sources {
        let path = root.join(dir);
        if path.is_dir() {
            debouncer
                .watch(&path, RecursiveMode::Recursive)
                .with_context(|| format!("failed to watch {}", path.display()))?;
        }
    }
    // Events name absolute paths; compare them with absolute ones.
    let site = root.to_path_buf();
    let abs_root = std::fs::canonicalize(root).unwrap_or_else(|_| root.to_path_buf());
    std::thread::spawn(move || {
        while let Ok(result) = rx.recv() {
            // One save can arrive as several events; take everything queued and rebuild once.
            let mut batch = vec![result];
            batch.extend(rx.try_iter());
            // Reading a file (an editor, the build itself) is no change.
            let events: Vec<_> = batch
                .into_iter()
                .filter_map(Result::ok)
                .flatten()
                .filter(|e| !matches!(e.kind, notify_debouncer_full::notify::EventKind::Access(_)))
                .collect();
            let relevant = events.iter().any(|e| {
                e.paths.iter().any(|p| {
                    let rel = p.strip_prefix(&abs_root).unwrap_or(p);
                    let first = rel.components().next();
                    let name = rel
                        .file_name()
                        .map(|n| n.to_string_lossy())
                        .unwrap_or_default();
                    let hidden =
                        name.starts_with('.') || name.ends_with('~') || name.starts_with('#');
                    !hidden
                        && match first {
                            Some(Component::Normal(f)) => {
                                f == crate::config::FILE_NAME || sources.iter().any(|s| f == *s)
                            }
                            _ => false,
                        }
                })
            });
            if relevant {
                rebuild(&site, &base_url, &shared, memo.as_ref());
            }
        }
    });
    Ok(debouncer)
}

fn header(name: &str, value: &str) -> Option<tiny_http::Header> {
    tiny_http::Header::from_bytes(name.as_bytes(), value.as_bytes()).ok()
}

fn reply(request: tiny_http::Request, status: u16, kind: &str, body: Vec<u8>) -> Result<()> {
    let mut response = tiny_http::Response::from_data(body).with_status_code(status);
    for h in [
        header("Content-Type", kind),
        header("Cache-Control", "no-store"),
    ]
    .into_iter()
    .flatten()
    {
        response.add_header(h);
    }
    request
        .respond(response)
        .context("failed to answer a request")
}

fn content_type(path: &Path) -> &'static str {
    match path.extension().and_then(|e| e.to_str()).unwrap_or("") {
        "html" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "json" => "application/json",
        "wasm" => "application/wasm",
        "svg" => "image/svg+xml",
        "xml" => "application/xml",
        "txt" => "text/plain; charset=utf-8",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "ico" => "image/x-icon",
        "bin" => "application/octet-stream",
        _ => "application/octet-stream",
    }
}

/// `%20` and friends decoded; invalid escapes are kept as written.
fn percent_decode(s: &str) -> String {
    percent_encoding::percent_decode_str(s)
        .decode_utf8_lossy()
        .into_owned()
}

fn respond(request: tiny_http::Request, shared: &Shared) -> Result<()> {
    let url = request.url().to_string();
    let (path, query) = url.split_once('?').unwrap_or((&url, ""));
    if path == "/__bouncebook/live.js" {
        return reply(
            request,
            200,
            "text/javascript; charset=utf-8",
            LIVE_JS.as_bytes().to_vec(),
        );
    }
    if path == "/__bouncebook/files" {
        // Every path being served, sorted: what tests compare with a full build's output.
        let files = shared
            .0
            .lock()
            .map_err(|_| anyhow!("state lock poisoned"))?
            .files
            .clone();
        let mut paths: Vec<&String> = files.keys().collect();
        paths.sort();
        let body = serde_json::to_vec(&paths).context("failed to list the files")?;
        return reply(request, 200, "application/json", body);
    }
    if path == "/__bouncebook/events" {
        // Answers at once when the state differs from what the page saw, else when it changes (or after `wait` ms,
        // 25 s by default).
        let since: i64 = query
            .split('&')
            .find_map(|kv| kv.strip_prefix("since="))
            .and_then(|v| v.parse().ok())
            .unwrap_or(-1);
        let wait: u64 = query
            .split('&')
            .find_map(|kv| kv.strip_prefix("wait="))
            .and_then(|v| v.parse().ok())
            .unwrap_or(25_000)
            .min(60_000);
        let (state, changed) = &**shared;
        let guard = state.lock().map_err(|_| anyhow!("state lock poisoned"))?;
        let (guard, _) = changed
            .wait_timeout_while(guard, Duration::from_millis(wait), |s| {
                i64::try_from(s.version).is_ok_and(|v| v == since)
            })
            .map_err(|_| anyhow!("state lock poisoned"))?;
        let body = serde_json::json!({
            "version": guard.version,
            "output": guard.output,
            "pages": guard.pages,
            "pending": guard.pending,
            "errors": guard.errors,
        })
        .to_string();
        drop(guard);
        return reply(request, 200, "application/json", body.into_bytes());
    }
    let (pages, errors, files) = {
        let s = shared
            .0
            .lock()
            .map_err(|_| anyhow!("state lock poisoned"))?;
        (s.pages, s.errors.clone(), s.files.clone())
    };
    let built = pages > 0;
    // Pages carry the version they belong to in their live-reload tag.
    let page = |bytes: &[u8]| -> Vec<u8> {
        let slot = VERSION_SLOT.as_bytes();
        match bytes.windows(slot.len()).rposition(|w| w == slot) {
            Some(at) => [
                &bytes[..at],
                pages.to_string().as_bytes(),
                &bytes[at + slot.len()..],
            ]
            .concat(),
            None => bytes.to_vec(),
        }
    };
    if !built {
        let text = errors.unwrap_or_else(|| "building…".to_string());
        let page = format!(
            "<!doctype html><meta charset=utf-8><title>Build failed</title><h1>The site could not be built</h1>\
             <pre>{}</pre><script src=\"/__bouncebook/live.js\" data-version=\"0\"></script>",
            crate::content::markdown::escape_html(&text)
        );
        return reply(request, 500, "text/html; charset=utf-8", page.into_bytes());
    }
    let decoded = percent_decode(path);
    let rel = decoded.trim_start_matches('/');
    if Path::new(rel)
        .components()
        .any(|c| !matches!(c, Component::Normal(_)))
    {
        return reply(request, 403, "text/plain", b"forbidden".to_vec());
    }
    let index = if rel.is_empty() || rel.ends_with('/') {
        format!("{rel}index.html")
    } else {
        format!("{rel}/index.html")
    };
    if let Some(bytes) = files.get(rel).filter(|_| !rel.is_empty()) {
        let body = if rel.ends_with(".html") {
            page(bytes)
        } else {
            bytes.clone()
        };
        return reply(request, 200, content_type(Path::new(rel)), body);
    }
    if files.contains_key(&index) {
        if !rel.is_empty() && !rel.ends_with('/') {
            // A folder asked for without its slash: relative links need it.
            let mut response = tiny_http::Response::empty(301);
            if let Some(h) = header("Location", &format!("{path}/")) {
                response.add_header(h);
            }
            return request
                .respond(response)
                .context("failed to answer a request");
        }
        let bytes = files.get(&index).map(|b| page(b)).unwrap_or_default();
        return reply(request, 200, "text/html; charset=utf-8", bytes);
    }
    let body = files
        .get("404.html")
        .map(|b| page(b))
        .unwrap_or_else(|| b"not found".to_vec());
    reply(request, 404, "text/html; charset=utf-8", body)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_paths() {
        assert_eq!(percent_decode("/codes/5.7.1/"), "/codes/5.7.1/");
        assert_eq!(percent_decode("/a%20b/%zz"), "/a b/%zz");
    }
}
