//! Writing the site: every file goes through [`Output::write_output`], the one place that checks paths,
//! minifies HTML and writes (Zola's `write_content`). Files go to a staging folder beside the output folder;
//! [`Output::finish`] swaps it in only when the whole build succeeded, so a failed build leaves the previous
//! site untouched. `serve` keeps the site in memory instead ([`Output::in_memory`]), which saves writing and
//! deleting hundreds of files on every keystroke's rebuild.

use crate::memo::{Fingerprint, Memo};
use anyhow::{Context, Result, bail};
use std::path::{Component, Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

mod guard;
pub(crate) mod staging;

/// The file bouncebook leaves in every output folder it makes: a folder without it is not replaced unless
/// `--force`, and staging folders are removed only when they hold it.
pub const MARKER: &str = ".bouncebook-output";

const MARKER_TEXT: &str = "This folder was made by `bouncebook build`, which replaces it on every build \
(keeping dotfiles and the files bouncebook.toml `keep` lists).\n";

/// What the output folder may lose.
#[derive(Clone, Debug, Default)]
pub struct Policy {
    /// Replace a folder (or file) bouncebook did not make (`--force`).
    pub force: bool,
    /// Paths in the output folder that rebuilds carry over (`keep` in bouncebook.toml), besides dotfiles.
    pub keep: Vec<String>,
}

/// Eight hex digits of a 64-bit FNV-1a hash: stable across runs and platforms, for content-hashed file names.
pub fn content_hash(bytes: &[u8]) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in bytes {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    format!("{:08x}", (h ^ (h >> 32)) as u32)
}

/// Checks that `rel` stays inside the output folder and returns it as a path: no absolute paths, no `..`, no
/// drive letters or backslashes.
pub fn safe_path(rel: &str) -> Result<PathBuf> {
    if rel.is_empty() || rel.contains('\\') || rel.contains('\0') {
        bail!("refusing to write `{rel}`: not a plain relative path");
    }
    let path = Path::new(rel);
    for c in path.components() {
        match c {
            Component::Normal(_) => {}
            _ => bail!("refusing to write `{rel}`: it would land outside the output folder"),
        }
    }
    Ok(path.to_path_buf())
}

/// How HTML is written.
#[derive(Clone, Debug, Default)]
pub struct HtmlOptions {
    /// Minify (the default; tests turn it off to snapshot readable HTML).
    pub minify: bool,
    /// A tag to insert before `</body>` (the live-reload script under `serve`).
    pub inject: Option<String>,
}

/// A site held in memory: output path → bytes.
pub type Files = std::collections::HashMap<String, Vec<u8>>;

/// Where the files go.
#[derive(Debug)]
enum Sink {
    /// A staging folder that replaces `target` at the end, taking along `target`'s dotfiles and `keep` files.
    Disk {
        staging: PathBuf,
        target: PathBuf,
        keep: Vec<String>,
        removed: Vec<String>,
    },
    /// A map, for `serve`.
    Memory(std::sync::Mutex<Files>),
}

/// A build's output, being written.
#[derive(Debug)]
pub struct Output {
    sink: Sink,
    html: HtmlOptions,
    files: AtomicUsize,
    bytes: AtomicUsize,
    finished: bool,
    /// Pages minified by an earlier build (`serve`).
    memo: Option<Arc<Memo>>,
}

impl Output {
    /// Starts writing a site that will replace `target`. Refuses (before anything is written) a `target` that is
    /// a file or a non-empty folder bouncebook did not make, unless `policy.force`; a folder with a read-only
    /// part, which could not be replaced whole. Removes the staging folders that interrupted builds left.
    pub fn begin(target: &Path, html: HtmlOptions, policy: &Policy) -> Result<Output> {
        let name = target
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "site".to_string());
        let parent = match target.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        };
        std::fs::create_dir_all(&parent)
            .with_context(|| format!("failed to create {}", parent.display()))?;
        staging::remove_stale(&parent, &name);
        let removed = guard::may_replace(target, policy.force)?;
        let staging = parent.join(format!(".{name}{}{}", staging::INFIX, std::process::id()));
        if staging.exists() {
            std::fs::remove_dir_all(&staging)
                .with_context(|| format!("failed to clear {}", staging.display()))?;
        }
        std::fs::create_dir_all(&staging)
            .with_context(|| format!("failed to create {}", staging.display()))?;
        staging::register(&staging, target);
        std::fs::write(staging.join(MARKER), MARKER_TEXT)
            .with_context(|| format!("failed to write {}", staging.join(MARKER).display()))?;
        Ok(Output {
            sink: Sink::Disk {
                staging,
                target: target.to_path_buf(),
                keep: policy.keep.clone(),
                removed,
            },
            html,
            files: AtomicUsize::new(0),
            bytes: AtomicUsize::new(0),
            finished: false,
            memo: None,
        })
    }

    /// What replacing the output folder removes that bouncebook did not make (only with `--force`).
    pub fn removed(&self) -> &[String] {
        match &self.sink {
            Sink::Disk { removed, .. } => removed,
            Sink::Memory(_) => &[],
        }
    }

    /// Starts a site kept in memory; [`Output::into_files`] hands it over. With a `memo`, a page minified by an
    /// earlier build is not minified again.
    pub fn in_memory(html: HtmlOptions, memo: Option<Arc<Memo>>) -> Output {
        Output {
            sink: Sink::Memory(std::sync::Mutex::new(Files::new())),
            html,
            files: AtomicUsize::new(0),
            bytes: AtomicUsize::new(0),
            finished: false,
            memo,
        }
    }

    /// The files of an in-memory output (empty for one on disk).
    pub fn into_files(mut self) -> Files {
        self.finished = true;
        match &mut self.sink {
            Sink::Memory(files) => {
                std::mem::take(files.get_mut().unwrap_or_else(|e| e.into_inner()))
            }
            Sink::Disk { .. } => Files::new(),
        }
    }

    /// Writes one file of the site: `rel` is its path in the output folder. HTML (`.html`) is minified here and
    /// nowhere else. Safe to call from many threads.
    pub fn write_output(&self, rel: &str, bytes: &[u8]) -> Result<()> {
        if staging::stopping() {
            bail!("interrupted");
        }
        let path = safe_path(rel)?;
        let owned;
        let bytes = if rel.ends_with(".html") {
            owned = match &self.memo {
                Some(memo) => {
                    let key = Fingerprint::new("html")
                        .debug(&self.html)
                        .bytes(bytes)
                        .finish();
                    memo.html.get_or(key, || Arc::new(self.html_bytes(bytes)))
                }
                None => Arc::new(self.html_bytes(bytes)),
            };
            owned.as_slice()
        } else {
            bytes
        };
        match &self.sink {
            Sink::Disk { staging, .. } => {
                let path = staging.join(path);
                if let Some(dir) = path.parent() {
                    std::fs::create_dir_all(dir)
                        .with_context(|| format!("failed to create {}", dir.display()))?;
                }
                std::fs::write(&path, bytes).with_context(|| format!("failed to write {rel}"))?;
            }
            Sink::Memory(files) => {
                let mut files = files.lock().unwrap_or_else(|e| e.into_inner());
                files.insert(rel.to_string(), bytes.to_vec());
            }
        }
        self.files.fetch_add(1, Ordering::Relaxed);
        self.bytes.fetch_add(bytes.len(), Ordering::Relaxed);
        Ok(())
    }

    fn html_bytes(&self, html: &[u8]) -> Vec<u8> {
        let mut html = if self.html.minify {
            let mut cfg = minify_html::Cfg::new();
            cfg.minify_css = true;
            cfg.minify_js = false;
            cfg.keep_html_and_head_opening_tags = true;
            // Tools that read the built site (Pagefind and the indexers hosting providers run) need `</head>`
            // and `</body>`, which HTML lets a minifier drop; minify-html keeps closing tags only all at once.
            cfg.keep_closing_tags = true;
            minify_html::minify(html, &cfg)
        } else {
            html.to_vec()
        };
        if let Some(tag) = &self.html.inject {
            let at = find_last(&html, b"</body>").unwrap_or(html.len());
            html.splice(at..at, tag.bytes());
        }
        html
    }

    /// Files and bytes written so far.
    pub fn totals(&self) -> (usize, usize) {
        (
            self.files.load(Ordering::Relaxed),
            self.bytes.load(Ordering::Relaxed),
        )
    }

    /// Replaces the output folder with the staged site (nothing to do in memory), after copying into it the
    /// old folder's dotfiles and the files the config keeps. When the swap fails, the old folder is put back
    /// and nothing is left beside it.
    pub fn finish(mut self) -> Result<()> {
        let Sink::Disk {
            staging,
            target,
            keep,
            ..
        } = &self.sink
        else {
            self.finished = true;
            return Ok(());
        };
        if target.is_dir() {
            guard::carry_over(target, staging, keep)?;
        }
        let old = staging.with_file_name(format!(
            "{}.old",
            staging
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default()
        ));
        let had_old = target.symlink_metadata().is_ok();
        if had_old {
            std::fs::rename(target, &old).with_context(|| {
                format!(
                    "failed to move the previous site {} aside",
                    target.display()
                )
            })?;
        }
        if let Err(e) = std::fs::rename(staging, target) {
            // Put the previous site back: nothing lost.
            if had_old {
                let _ = std::fs::rename(&old, target);
            }
            return Err(e)
                .with_context(|| format!("failed to move the new site to {}", target.display()));
        }
        if had_old {
            let removal = if old.is_dir() {
                std::fs::remove_dir_all(&old)
            } else {
                std::fs::remove_file(&old)
            };
            if let Err(e) = removal {
                // Undo the swap: the old site back in place, the new one removed, nothing beside it.
                let _ = std::fs::rename(target, staging);
                let _ = std::fs::rename(&old, target);
                return Err(e).with_context(|| {
                    format!(
                        "failed to remove the previous site {}; it was put back as it was",
                        target.display()
                    )
                });
            }
        }
        self.finished = true;
        staging::unregister(staging);
        Ok(())
    }
}

impl Drop for Output {
    fn drop(&mut self) {
        if let Sink::Disk { staging, .. } = &self.sink
            && !self.finished
        {
            let _ = std::fs::remove_dir_all(staging);
            staging::unregister(staging);
        }
    }
}

fn find_last(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).rposition(|w| w == needle)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_stay_inside() {
        assert!(safe_path("articles/x/index.html").is_ok());
        for bad in ["../x", "/etc/passwd", "a/../../b", "a\\b", ""] {
            assert!(safe_path(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn hash_is_stable() {
        assert_eq!(content_hash(b""), content_hash(b""));
        assert_ne!(content_hash(b"a"), content_hash(b"b"));
        assert_eq!(content_hash(b"body{}").len(), 8);
    }

    #[test]
    fn failed_build_leaves_the_old_site_and_a_good_one_replaces_it() {
        let dir = std::env::temp_dir().join(format!("bouncebook-output-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let target = dir.join("public");
        std::fs::create_dir_all(&target).expect("mkdir");
        std::fs::write(target.join("old.txt"), "old").expect("write");
        {
            let out = Output::begin(
                &target,
                HtmlOptions::default(),
                &Policy {
                    force: true,
                    keep: Vec::new(),
                },
            )
            .expect("begin");
            out.write_output("new.txt", b"new").expect("write");
            // Dropped without finish: a failed build.
        }
        assert!(target.join("old.txt").exists());
        assert_eq!(
            std::fs::read_dir(&dir).expect("ls").count(),
            1,
            "staging removed"
        );
        let out = Output::begin(
            &target,
            HtmlOptions {
                minify: true,
                inject: Some("<script src=/live.js></script>".into()),
            },
            &Policy {
                force: true,
                keep: Vec::new(),
            },
        )
        .expect("begin");
        out.write_output("a/index.html", b"<html><body>\n  <p>hi</p>\n</body></html>")
            .expect("write");
        out.finish().expect("finish");
        assert!(!target.join("old.txt").exists());
        let html = std::fs::read_to_string(target.join("a/index.html")).expect("read");
        assert!(
            html.ends_with("<p>hi</p><script src=/live.js></script></body></html>"),
            "{html}"
        );
        let _ = std::fs::remove_dir_all(&dir);
    }

    /// Issue 14: Pagefind (and the other tools hosting providers run over a site) read nothing of a page
    /// without `</head>`, which HTML lets a minifier drop.
    #[test]
    fn minified_pages_keep_the_end_of_head_and_body() {
        let dir = std::env::temp_dir().join(format!("bouncebook-head-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let out = Output::begin(
            &dir,
            HtmlOptions {
                minify: true,
                inject: None,
            },
            &Policy::default(),
        )
        .expect("begin");
        out.write_output(
            "index.html",
            b"<!doctype html>\n<html lang=en>\n<head>\n  <title>T</title>\n</head>\n<body>\n  <p>hi</p>\n</body>\n</html>\n",
        )
        .expect("write");
        out.finish().expect("finish");
        let html = std::fs::read_to_string(dir.join("index.html")).expect("read");
        assert!(html.contains("</title></head><body>"), "{html}");
        assert!(html.ends_with("<p>hi</p></body></html>"), "{html}");
        let _ = std::fs::remove_dir_all(&dir);
    }
}
