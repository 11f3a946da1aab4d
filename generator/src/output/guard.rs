//! What a build may replace, and what it carries over. A build never deletes what it did not make: it replaces
//! only an empty folder or one holding its [`MARKER`], unless `--force`, and it keeps the old folder's dotfiles
//! (`.git/`, `.nojekyll`) and the files the config's `keep` lists (`CNAME`) by copying them into the new site.

use super::MARKER;
use anyhow::{Context, Result, bail};
use std::path::Path;

/// Whether `target` may be replaced; with `force`, what replacing it removes that bouncebook did not make
/// (names below `target`, or `target` itself when it is a file). Also refuses a folder with a read-only part,
/// which could be moved aside but not removed, so the swap would leave it beside the new site.
pub(super) fn may_replace(target: &Path, force: bool) -> Result<Vec<String>> {
    let Ok(meta) = target.symlink_metadata() else {
        return Ok(Vec::new());
    };
    let shown = target.display();
    if !meta.is_dir() {
        if !force {
            bail!(
                "the output {shown} is a file, not a folder; choose another output folder, or pass --force to \
                 replace the file with the site"
            );
        }
        return Ok(vec![shown.to_string()]);
    }
    let mut foreign: Vec<String> = std::fs::read_dir(target)
        .with_context(|| format!("failed to list {shown}"))?
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    foreign.sort();
    let ours = target.join(MARKER).is_file() || made_before_markers(target);
    if ours {
        foreign.clear();
    } else {
        // Dotfiles are carried over, so they are never lost, marker or not.
        foreign.retain(|n| !n.starts_with('.'));
    }
    if !ours && !foreign.is_empty() && !force {
        let mut names = foreign
            .iter()
            .take(5)
            .cloned()
            .collect::<Vec<_>>()
            .join(", ");
        if foreign.len() > 5 {
            names.push_str(", …");
        }
        bail!(
            "the output folder {shown} holds files bouncebook did not make ({names}); build into an empty or new \
             folder, or pass --force to replace them with the site"
        );
    }
    for entry in walkdir::WalkDir::new(target) {
        let entry = entry.with_context(|| format!("failed to list {shown}"))?;
        if entry.file_type().is_dir() && entry.metadata().is_ok_and(|m| m.permissions().readonly())
        {
            bail!(
                "cannot replace the output folder {shown}: {} is read-only; make it writable (chmod -R u+w) \
                 and build again",
                entry.path().display()
            );
        }
    }
    Ok(foreign)
}

/// Whether `dir` is the output of a bouncebook from before output folders carried the marker: it has the
/// search index only bouncebook writes (`search/index.json`) beside a sitemap and a 404 page. Without this, every
/// site's existing `public/` would need `--force` once after upgrading.
fn made_before_markers(dir: &Path) -> bool {
    ["search/index.json", "sitemap.xml", "404.html"]
        .iter()
        .all(|f| dir.join(f).is_file())
}

/// Copies `target`'s dotfiles (but the marker) and the `keep` paths that exist into `staging`, replacing what
/// the build wrote at those paths.
pub(super) fn carry_over(target: &Path, staging: &Path, keep: &[String]) -> Result<()> {
    let mut names: Vec<String> = std::fs::read_dir(target)
        .with_context(|| format!("failed to list {}", target.display()))?
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with('.') && n != MARKER)
        .collect();
    names.extend(keep.iter().cloned());
    for name in names {
        let rel = super::safe_path(&name)?;
        let from = target.join(&rel);
        if from.symlink_metadata().is_err() {
            continue;
        }
        let to = staging.join(&rel);
        if let Ok(m) = to.symlink_metadata() {
            if m.is_dir() {
                std::fs::remove_dir_all(&to)
            } else {
                std::fs::remove_file(&to)
            }
            .with_context(|| format!("failed to replace {}", to.display()))?;
        }
        copy(&from, &to).with_context(|| {
            format!("failed to carry {} over into the new site", from.display())
        })?;
    }
    Ok(())
}

/// Copies a file, a symlink (as a link) or a folder (recursively).
fn copy(from: &Path, to: &Path) -> std::io::Result<()> {
    if let Some(dir) = to.parent() {
        std::fs::create_dir_all(dir)?;
    }
    let meta = from.symlink_metadata()?;
    if meta.is_dir() {
        std::fs::create_dir_all(to)?;
        for entry in std::fs::read_dir(from)? {
            let entry = entry?;
            copy(&entry.path(), &to.join(entry.file_name()))?;
        }
        std::fs::set_permissions(to, meta.permissions())
    } else if meta.file_type().is_symlink() {
        copy_link(from, to)
    } else {
        std::fs::copy(from, to).map(|_| ())
    }
}

#[cfg(unix)]
fn copy_link(from: &Path, to: &Path) -> std::io::Result<()> {
    std::os::unix::fs::symlink(std::fs::read_link(from)?, to)
}

#[cfg(not(unix))]
fn copy_link(from: &Path, to: &Path) -> std::io::Result<()> {
    std::fs::copy(from, to).map(|_| ())
}
