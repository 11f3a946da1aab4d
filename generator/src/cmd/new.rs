//! `bouncebook new article SLUG` and `bouncebook new tree SLUG`: a new file with every field filled in with a
//! placeholder that passes `check`, so a writer starts from something that builds.

use crate::content::slug;
use anyhow::{Result, bail};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// What to create.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// `content/articles/<slug>.md`.
    Article,
    /// `content/trees/<slug>.toml`.
    Tree,
}

/// Today's date as `YYYY-MM-DD` (UTC), from the system clock.
pub(crate) fn today() -> String {
    let days = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() / 86_400) as i64;
    let (y, m, d) = civil_from_days(days);
    format!("{y:04}-{m:02}-{d:02}")
}

/// Days since 1970-01-01 to a proleptic Gregorian date (Howard Hinnant's algorithm).
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

/// The text of a new article.
pub(crate) fn article_text(slug: &str, date: &str) -> String {
    let title = slug.replace('-', " ");
    format!(
        r#"+++
title = "{title}"
summary = "One or two sentences: what went wrong and who fixes it. Shown in search results and link previews."
codes = []            # reply and enhanced codes this article covers: ["550", "5.1.1"]
reasons = []          # reasons it explains: ["userunknown"] (see docs/content-format.md)
audience = ["sender"] # sender | admin | recipient
tags = []
updated = {date}
+++

What the reader sees, in one paragraph, and the most likely fix.

## What the bounce says

```text
550 5.1.1 <bob@example.net>: Recipient address rejected: User unknown
```

## How to fix it

1. First step.
2. Second step.
"#
    )
}

/// The text of a new decision tree.
pub(crate) fn tree_text(slug: &str) -> String {
    let title = slug.replace('-', " ");
    format!(
        r#"title = "{title}"
summary = "Which problem this tree helps with, in one sentence."
start = "first-question"

[[node]]
id = "first-question"
question = "What does the error say?"
help = "Optional: where to find it, in markdown."

  [[node.option]]
  label = "The first kind of error"
  outcome = "first-fix"

  [[node.option]]
  label = "Something else"
  goto = "second-question"

[[node]]
id = "second-question"
question = "A follow-up question?"

  [[node.option]]
  label = "Yes"
  outcome = "first-fix"

  [[node.option]]
  label = "No"
  outcome = "second-fix"

[[outcome]]
id = "first-fix"
title = "The fix, in a few words"
fix = "Two or three sentences that say what to do."
article = "@/articles/CHANGE-ME.md"

[[outcome]]
id = "second-fix"
title = "Another fix"
fix = "What to do in this case."
article = "@/articles/CHANGE-ME.md"
"#
    )
}

/// Creates the file and returns its path. Refuses an invalid slug or an existing file.
pub(crate) fn create(root: &Path, kind: Kind, slug: &str) -> Result<PathBuf> {
    for part in slug.split('/') {
        if !slug::is_valid(part) {
            bail!("{}", slug::invalid_message("the slug", slug));
        }
    }
    let (path, text) = match kind {
        Kind::Article => (
            root.join("content/articles").join(format!("{slug}.md")),
            article_text(slug.rsplit('/').next().unwrap_or(slug), &today()),
        ),
        Kind::Tree => {
            if slug.contains('/') {
                bail!("trees live directly in content/trees/: use a slug without `/`");
            }
            let first = std::fs::read_dir(root.join("content/articles"))
                .ok()
                .and_then(|entries| {
                    let mut names: Vec<String> = entries
                        .flatten()
                        .filter_map(|e| e.file_name().to_str().map(str::to_string))
                        .filter(|n| n.ends_with(".md"))
                        .collect();
                    names.sort();
                    names.into_iter().next()
                });
            let mut text = tree_text(slug);
            if let Some(name) = first {
                // Point at a real article so the new tree builds at once; the writer changes it.
                text = text.replace("CHANGE-ME.md", &name);
            }
            (
                root.join("content/trees").join(format!("{slug}.toml")),
                text,
            )
        }
    };
    if path.exists() {
        bail!(
            "{} already exists; pick another slug or edit that file",
            shown(root, &path)
        );
    }
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    std::fs::write(&path, text)?;
    Ok(path)
}

/// Runs `bouncebook new`: creates the file and names it.
pub fn run(root: &Path, kind: Kind, slug: &str) -> Result<ExitCode> {
    let path = create(root, kind, slug)?;
    super::say!("created {}", shown(root, &path))?;
    Ok(ExitCode::SUCCESS)
}

/// A created file's path as the writer sees it: relative to the site.
fn shown(root: &Path, path: &Path) -> String {
    path.strip_prefix(root).map_or_else(
        |_| path.display().to_string(),
        |rel| crate::config::display_path(root, &rel.to_string_lossy()),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates() {
        assert_eq!(civil_from_days(0), (1970, 1, 1));
        assert_eq!(civil_from_days(20_785), (2026, 11, 28));
        assert_eq!(civil_from_days(11_016), (2000, 2, 29));
    }

    #[test]
    fn scaffolds_parse() {
        let (a, errors) = crate::content::article::Article::parse(
            "content/articles/new-thing.md",
            "content/articles/new-thing.md",
            &article_text("new-thing", "2026-11-28"),
        );
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!(a.expect("article").title, "new thing");
        let (t, errors) = crate::content::tree::DecisionTree::parse(
            "content/trees/new-tree.toml",
            "content/trees/new-tree.toml",
            &tree_text("new-tree"),
        );
        assert!(errors.is_empty(), "{errors:?}");
        assert!(t.is_some());
    }
}
