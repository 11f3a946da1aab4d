//! `bouncebook check`: every problem in the site at once — config, front matter, markdown, links and anchors,
//! trees, rules and the references between them, and the theme's templates — as `file:line:col: message`.

use crate::config::Overrides;
use crate::error::ContentError;
use crate::library::load_site;
use anyhow::Result;
use std::path::Path;

/// What `check` found.
#[derive(Debug, Default)]
pub struct CheckReport {
    /// Every problem, sorted by file and position.
    pub errors: Vec<ContentError>,
    /// Articles, trees and rules read (when the config was valid).
    pub counts: Option<(usize, usize, usize)>,
}

/// Checks the site at `root`. The error is I/O only.
pub fn check(root: &Path) -> Result<CheckReport> {
    let site = match load_site(root, Overrides::default())? {
        Ok(site) => site,
        Err(errors) => {
            return Ok(CheckReport {
                errors,
                counts: None,
            });
        }
    };
    let mut errors = site.errors;
    if let Err(e) = crate::theme::load(&site.settings) {
        let message = format!("{e:#}");
        let (path, rest) = message.split_once(": ").unwrap_or(("theme", &message));
        errors.push(ContentError::file(path, rest));
    }
    let lib = &site.library;
    Ok(CheckReport {
        errors,
        counts: Some((lib.articles.len(), lib.trees.len(), lib.rules.rules.len())),
    })
}
