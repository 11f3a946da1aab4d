//! `bouncebook check`: every problem in the site at once — config, front matter, markdown, links and anchors,
//! trees, rules and the references between them, and the theme's templates — as `file:line:col: message`.

use crate::config::Overrides;
use crate::content::coverage::Coverage;
use crate::error::ContentError;
use crate::load::load_site;
use anyhow::Result;
use std::path::Path;
use std::process::ExitCode;

/// What `check` found.
#[derive(Debug, Default)]
pub struct CheckReport {
    /// Every problem, sorted by file and position.
    pub errors: Vec<ContentError>,
    /// Articles, trees and rules read (when the config was valid).
    pub counts: Option<(usize, usize, usize)>,
    /// What the articles cover (when the config was valid).
    pub coverage: Option<Coverage>,
}

/// Checks the site at `root`. The error is I/O only.
pub fn check(root: &Path) -> Result<CheckReport> {
    let site = match load_site(root, Overrides::default())? {
        Ok(site) => site,
        Err(errors) => {
            return Ok(CheckReport {
                errors,
                counts: None,
                coverage: None,
            });
        }
    };
    let templates = crate::build::check_templates(&site);
    let mut errors = site.errors;
    errors.extend(site.theme.err());
    errors.extend(templates);
    errors.sort();
    errors.dedup();
    let lib = &site.library;
    Ok(CheckReport {
        errors,
        counts: Some((lib.articles.len(), lib.trees.len(), lib.rules.rules.len())),
        coverage: Some(Coverage::of(lib)),
    })
}

/// Runs `bouncebook check` on the site at `root`: the problems on standard error, one `file:line:col: message`
/// a line, or the counts and the coverage on standard output when there are none.
pub fn run(root: &Path) -> Result<ExitCode> {
    let report = check(root)?;
    super::print_problems(&report.errors);
    if !report.errors.is_empty() {
        eprintln!("error: {} problem(s)", report.errors.len());
        return Ok(ExitCode::from(1));
    }
    if let Some((articles, trees, rules)) = report.counts {
        super::say!("ok: {articles} articles, {trees} trees and {rules} rules, no problems")?;
    }
    if let Some(coverage) = &report.coverage {
        super::say!("{coverage}")?;
    }
    Ok(ExitCode::SUCCESS)
}
