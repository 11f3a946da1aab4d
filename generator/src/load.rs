//! The load stage: everything a build needs, read from disk at once. The config (`bouncebook.toml`), then
//! `content/` (articles, trees and rules, read in parallel and parsed into the [`Library`]) and the theme; then
//! the references between files are checked. Nothing after this stage reads a source file: the output stage
//! only writes.

use crate::config::{Config, Overrides, Settings};
use crate::content::library::{Library, SourceFile};
use crate::content::{aliases, links};
use crate::error::ContentError;
use crate::memo::{Fingerprint, Key, Memo};
use crate::theme::{self, Theme, ThemeFile};
use anyhow::{Context, Result, bail};
use diagnosis::{RuleError, RuleSet, Source};
use rayon::prelude::*;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// A site as read from disk: its settings, its library and every problem found.
#[derive(Debug)]
pub struct Site {
    /// The validated config.
    pub settings: Settings,
    /// The content.
    pub library: Library,
    /// Every content problem, sorted.
    pub errors: Vec<ContentError>,
    /// The templates and assets, or the template that does not compile. That stops `serve` as well as
    /// `build`, where a content problem stops only `build`.
    pub(crate) theme: Result<Arc<Theme>, ContentError>,
    /// A fingerprint of the theme's files: a rendered page is a function of it and the page's values.
    pub(crate) theme_key: Key,
}

/// Reads the site's config and content. Config problems come back alone, since nothing else can be read without
/// a valid config; the outer error is I/O.
pub fn load_site(root: &Path, overrides: Overrides) -> Result<Result<Site, Vec<ContentError>>> {
    load_site_with(root, overrides, None)
}

/// [`load_site`], taking from `memo` what was parsed before from the same text (`serve`).
pub(crate) fn load_site_with(
    root: &Path,
    overrides: Overrides,
    memo: Option<&Memo>,
) -> Result<Result<Site, Vec<ContentError>>> {
    let config = match Config::from_root(root)? {
        Ok(c) => c,
        Err(e) => return Ok(Err(vec![e])),
    };
    let settings = match Settings::new(root, config, overrides) {
        Ok(s) => s,
        Err(e) => return Ok(Err(e)),
    };
    let (articles, (trees, rules)) = rayon::join(
        || read_content(&settings, "content/articles", "md"),
        || {
            rayon::join(
                || read_content(&settings, "content/trees", "toml"),
                || read_content(&settings, "content/rules", "toml"),
            )
        },
    );
    let (articles, mut unread) = articles?;
    let (trees, more) = trees?;
    unread.extend(more);
    let (rules, more) = rules?;
    unread.extend(more);
    let (library, mut errors) = Library::new_with(&articles, &trees, &rules, memo);
    errors.extend(unread);
    errors.extend(links::check(&library, &settings));
    errors.extend(aliases::check(&library));
    errors.sort();
    errors.dedup();
    let (theme, theme_key) = read_theme(&settings, memo)?;
    Ok(Ok(Site {
        settings,
        library,
        errors,
        theme,
        theme_key,
    }))
}

/// Reads and validates the rule files below `dir` (`classify --rules`). The outer error is I/O, or a folder
/// with no rule files; the inner one lists every rule problem.
pub fn rules(dir: &Path) -> Result<Result<RuleSet, Vec<RuleError>>> {
    let mut problems = Vec::new();
    let files = files_below(dir, Some("toml"), &mut problems, &|p| {
        p.display().to_string()
    })?
    .into_par_iter()
    .map(|path| {
        let shown = path.display().to_string();
        let text = read(&path)?.map_err(|e| anyhow::anyhow!("{e}"))?;
        Ok((shown, text))
    })
    .collect::<Result<Vec<(String, String)>>>()?;
    if let Some(first) = problems.first() {
        bail!("{first}");
    }
    if files.is_empty() {
        bail!("no rule files (*.toml) under {}", dir.display());
    }
    let sources: Vec<Source<'_>> = files
        .iter()
        .map(|(p, t)| Source { path: p, text: t })
        .collect();
    Ok(RuleSet::from_sources(&sources))
}

/// The `*.ext` files below `root/dir`, sorted by path, read in parallel; and the files that could not be read
/// as content (not UTF-8, a symlink loop), as content errors, so the rest is still checked.
fn read_content(
    settings: &Settings,
    dir: &str,
    ext: &str,
) -> Result<(Vec<SourceFile>, Vec<ContentError>)> {
    let shown = |p: &Path| settings.display(&relative(&settings.root, p));
    let mut problems = Vec::new();
    let read_files = files_below(&settings.root.join(dir), Some(ext), &mut problems, &shown)?
        .into_par_iter()
        .map(|path| {
            let source = relative(&settings.root, &path);
            let display = settings.display(&source);
            Ok(read(&path)?
                .map(|text| SourceFile {
                    display: display.clone(),
                    text,
                    source,
                })
                .map_err(|e| ContentError {
                    path: display.clone(),
                    ..e
                }))
        })
        .collect::<Result<Vec<_>>>()?;
    let mut files = Vec::new();
    for r in read_files {
        match r {
            Ok(f) => files.push(f),
            Err(e) => problems.push(e),
        }
    }
    Ok((files, problems))
}

/// The site's theme: the built-ins overridden by the files of its [`theme::layers`], and a fingerprint of those
/// files (compiled once per fingerprint when there is a `memo`). The outer error is I/O.
fn read_theme(
    settings: &Settings,
    memo: Option<&Memo>,
) -> Result<(Result<Arc<Theme>, ContentError>, Key)> {
    let mut files = Vec::new();
    let mut statics = Vec::new();
    for layer in theme::layers(settings) {
        for sub in theme::SOURCE_DIRS {
            let dir = layer.join(sub);
            let mut problems = Vec::new();
            for path in files_below(&dir, None, &mut problems, &|p| p.display().to_string())? {
                let text = read(&path)?;
                match text {
                    Ok(text) => files.push(ThemeFile {
                        name: format!("{sub}/{}", relative(&dir, &path)),
                        text,
                        origin: settings.display(&relative(&settings.root, &path)),
                    }),
                    Err(e) => problems.push(e),
                }
            }
            if let Some(first) = problems.into_iter().next() {
                return Ok((Err(first), Key::default()));
            }
        }
        let dir = layer.join(theme::STATIC_DIR);
        let mut problems = Vec::new();
        let found = files_below(&dir, None, &mut problems, &|p| p.display().to_string())?;
        if let Some(first) = problems.into_iter().next() {
            return Ok((Err(first), Key::default()));
        }
        for path in found {
            let bytes = std::fs::read(&path)
                .with_context(|| format!("failed to read {}", path.display()))?;
            statics.push((relative(&dir, &path), bytes));
        }
    }
    let mut key = Fingerprint::new("theme");
    for f in &files {
        key = key
            .bytes(f.name.as_bytes())
            .bytes(f.text.as_bytes())
            .bytes(f.origin.as_bytes());
    }
    for (rel, bytes) in &statics {
        key = key.bytes(rel.as_bytes()).bytes(bytes);
    }
    let key = key.finish();
    let compile = || Theme::new(files, statics).map(Arc::new);
    let theme = match memo {
        Some(m) => m.theme.get_or(key, compile),
        None => compile(),
    };
    Ok((theme, key))
}

/// `path` relative to `dir`, with `/`.
pub(crate) fn relative(dir: &Path, path: &Path) -> String {
    path.strip_prefix(dir)
        .unwrap_or(path)
        .to_string_lossy()
        .replace('\\', "/")
}

/// A source file's text. The outer error is I/O; the inner one a file that is not UTF-8, at the first byte that
/// is not (its `path` is the path as given).
fn read(path: &Path) -> Result<Result<String, ContentError>> {
    let bytes =
        std::fs::read(path).with_context(|| format!("failed to read {}", path.display()))?;
    Ok(String::from_utf8(bytes).map_err(|e| {
        let valid = e.utf8_error().valid_up_to();
        let bytes = e.into_bytes();
        let before = String::from_utf8_lossy(&bytes[..valid]);
        ContentError::at(
            &path.display().to_string(),
            &before,
            valid,
            "not UTF-8 (save it as UTF-8)",
        )
    }))
}

/// The files below `dir` (with extension `ext`, if given), sorted by path, leaving out hidden files and
/// editors' backups (`.name`, `name~`, `#name#`). A folder that does not exist has none. Symlinks are followed;
/// a loop or a dangling link is added to `problems` (named with `shown`), never skipped in silence.
pub(crate) fn files_below(
    dir: &Path,
    ext: Option<&str>,
    problems: &mut Vec<ContentError>,
    shown: &dyn Fn(&Path) -> String,
) -> Result<Vec<PathBuf>> {
    if !dir.is_dir() {
        return Ok(Vec::new());
    }
    let mut paths = Vec::new();
    for entry in walkdir::WalkDir::new(dir)
        .follow_links(true)
        .sort_by_file_name()
    {
        let entry = match entry {
            Ok(entry) => entry,
            Err(e) => {
                let Some(path) = e.path().map(Path::to_path_buf) else {
                    return Err(e).with_context(|| format!("failed to list {}", dir.display()));
                };
                let message = match e.loop_ancestor() {
                    Some(a) => format!(
                        "symlink loop: this leads back to {}; remove the link or point it elsewhere",
                        shown(a)
                    ),
                    None if path
                        .symlink_metadata()
                        .is_ok_and(|m| m.file_type().is_symlink()) =>
                    {
                        "symlink to nothing: its target does not exist".to_string()
                    }
                    None => format!("cannot read: {e}"),
                };
                problems.push(ContentError::file(&shown(&path), message));
                continue;
            }
        };
        let name = entry.file_name().to_string_lossy();
        if name.starts_with('.') || name.ends_with('~') || name.starts_with('#') {
            continue;
        }
        if entry.file_type().is_file()
            && ext.is_none_or(|ext| entry.path().extension().is_some_and(|e| e == ext))
        {
            paths.push(entry.into_path());
        }
    }
    Ok(paths)
}
