//! Aliases: old URLs that redirect to an article (`aliases` in its front matter). Each must be free: not a page
//! bouncebook generates, and not another article's alias.

use super::article::Article;
use super::library::Library;
use crate::error::ContentError;
use std::collections::HashMap;

/// Output folders bouncebook fills itself: an alias may not point into them.
const GENERATED_SECTIONS: [&str; 7] = [
    "codes",
    "reasons",
    "tags",
    "search",
    "assets",
    "widget",
    "__bouncebook",
];

/// Files at the output's root that bouncebook writes.
const GENERATED_FILES: [&str; 5] = [
    "index.html",
    "404.html",
    "sitemap.xml",
    "robots.txt",
    "atom.xml",
];

/// Every alias that would overwrite a generated page or another alias.
pub fn check(lib: &Library) -> Vec<ContentError> {
    let mut errors = Vec::new();
    let mut seen: HashMap<&str, &Article> = HashMap::new();
    for a in &lib.articles {
        for alias in &a.aliases {
            let at = |m: String| ContentError {
                path: a.display.clone(),
                line: alias.line,
                col: alias.col,
                message: m,
            };
            let first = alias.path.split('/').next().unwrap_or_default();
            let page = alias.path.strip_suffix("index.html").unwrap_or("");
            let taken = GENERATED_SECTIONS.contains(&first)
                || GENERATED_FILES.contains(&alias.path.as_str())
                || page
                    .strip_prefix("articles/")
                    .is_some_and(|s| lib.article(s.trim_end_matches('/')).is_some())
                || page
                    .strip_prefix("trees/")
                    .is_some_and(|s| lib.tree(s.split('/').next().unwrap_or_default()).is_some());
            if taken {
                errors.push(at(format!(
                    "alias `{}` would overwrite a page bouncebook generates",
                    alias.path
                )));
            } else if let Some(other) = seen.insert(&alias.path, a) {
                errors.push(at(format!(
                    "alias `{}` is also an alias of {}: an old URL can redirect to one page only",
                    alias.path, other.display
                )));
            }
        }
    }
    errors
}

/// Where an alias is written in the output, or why it can't be. `/kb/a.html` → `kb/a.html`;
/// `/old/page/` and `/old/page` → `old/page/index.html`.
pub(crate) fn alias_path(alias: &str) -> Result<String, String> {
    let trimmed = alias.trim();
    if trimmed.contains("://") || trimmed.starts_with("//") {
        return Err(format!(
            "alias `{alias}` must be a path on this site (\"/kb/old-page.html\"), not a full URL"
        ));
    }
    let path = trimmed.split(['?', '#']).next().unwrap_or_default();
    let mut parts = Vec::new();
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                return Err(format!(
                    "alias `{alias}` would be written outside the output folder: remove the `..`"
                ));
            }
            p if p.contains('\\') || p.contains(':') || p.contains('\0') => {
                return Err(format!(
                    "alias `{alias}` has a character that is not allowed in a path (`\\`, `:`)"
                ));
            }
            p => parts.push(p),
        }
    }
    if parts.is_empty() {
        return Err(format!(
            "alias `{alias}` names the home page; an alias must be an old page's URL"
        ));
    }
    let last = parts.last().copied().unwrap_or_default();
    let joined = parts.join("/");
    Ok(if path.ends_with('/') || !last.contains('.') {
        format!("{joined}/index.html")
    } else {
        joined
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn alias_paths() {
        assert_eq!(
            alias_path("/old/page/").as_deref(),
            Ok("old/page/index.html")
        );
        assert_eq!(alias_path("old/page").as_deref(), Ok("old/page/index.html"));
        assert!(alias_path("/").is_err());
        assert!(alias_path("https://x.example/").is_err());
        assert!(alias_path("a/../../b").is_err());
    }
}
