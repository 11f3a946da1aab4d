//! Loading a site's rule files from disk into a [`diagnosis::RuleSet`].

use anyhow::{Context, Result};
use diagnosis::{RuleError, RuleSet, Source};
use std::path::Path;

/// Every `.toml` file below `dir`, sorted by path, as `(display path, text)`.
pub fn read_sources(dir: &Path) -> Result<Vec<(String, String)>> {
    let mut out = Vec::new();
    for entry in walkdir::WalkDir::new(dir).sort_by_file_name() {
        let entry = entry.with_context(|| format!("failed to list {}", dir.display()))?;
        let path = entry.path();
        if entry.file_type().is_file() && path.extension().is_some_and(|e| e == "toml") {
            let text = std::fs::read_to_string(path)
                .with_context(|| format!("failed to read {}", path.display()))?;
            out.push((path.display().to_string(), text));
        }
    }
    Ok(out)
}

/// Loads and validates the rules in `dir`. The outer error is I/O; the inner one lists every rule problem.
pub fn load(dir: &Path) -> Result<Result<RuleSet, Vec<RuleError>>> {
    let files = read_sources(dir)?;
    if files.is_empty() {
        anyhow::bail!("no rule files (*.toml) under {}", dir.display());
    }
    let sources: Vec<Source<'_>> = files
        .iter()
        .map(|(p, t)| Source { path: p, text: t })
        .collect();
    Ok(RuleSet::from_sources(&sources))
}
