//! The link checker: every reference from one file to another names a page that exists, and an anchor on it.
//!
//! It runs once the whole library is loaded, over the links in articles and in tree steps (`@/articles/x.md#fix`,
//! `other.md`, `#fix`), the articles tree outcomes name, the pages rules and reasons name, and `start-tree`. A
//! reference to a file that exists but could not be read is not reported: that file's own problem already is.

use super::article::Article;
use super::content_ref::ContentRef;
use super::library::Library;
use super::markdown::{Link, Target};
use super::tree::{DecisionTree, Pos, StepKind};
use crate::config::Settings;
use crate::error::{ContentError, did_you_mean, suggestion};

/// Every broken reference in `lib`, the site whose config is `settings`.
pub fn check(lib: &Library, settings: &Settings) -> Vec<ContentError> {
    let mut errors = articles(lib, &settings.base_path);
    errors.extend(trees(lib, &settings.base_path));
    errors.extend(rules(lib, settings));
    if let Some(start) = &settings.start_tree
        && lib.tree(start).is_none()
        && !lib.is_unreadable(&ContentRef::Tree(start.clone()))
    {
        errors.push(ContentError::file(
            &settings.display(crate::config::FILE_NAME),
            format!(
                "`start-tree` names unknown tree `{start}`: expected a file content/trees/{start}.toml{}",
                suggestion(start, lib.trees.iter().map(|t| t.slug.as_str()))
            ),
        ));
    }
    errors
}

/// Where a link was written, which decides what a bare `#anchor` means.
#[derive(Clone, Copy)]
enum Origin<'a> {
    /// An article: `#anchor` is one of its headings.
    Article(&'a Article),
    /// A tree's `help` or `fix`. Its text shows both on the step's page and in the wizard, which share no
    /// anchors, so a bare `#anchor` is not checked; and a missing page is named without a guess, as `check` has
    /// always reported links in trees.
    TreeStep,
}

impl Origin<'_> {
    /// Whether a link written here to a missing page gets a did-you-mean.
    fn guesses(self) -> bool {
        matches!(self, Origin::Article(_))
    }
}

fn articles(lib: &Library, base_path: &str) -> Vec<ContentError> {
    use rayon::prelude::*;
    lib.articles
        .par_iter()
        .chain(lib.broken.par_iter())
        .flat_map_iter(|a| {
            a.links.iter().filter_map(move |placed| {
                let m = match &placed.link.target {
                    Target::Path(path) => path_problem(lib, &a.url, base_path, path)?,
                    _ => problem(lib, &placed.link, Origin::Article(a))?,
                };
                Some(ContentError {
                    path: a.display.clone(),
                    line: placed.line,
                    col: placed.col,
                    message: format!("broken link `{}`: {m}", placed.link.written),
                })
            })
        })
        .collect()
}

fn trees(lib: &Library, base_path: &str) -> Vec<ContentError> {
    let mut errors = Vec::new();
    for tree in lib.trees.iter().chain(&lib.broken_trees) {
        let at = |p: Pos, message: String| ContentError {
            path: tree.display.clone(),
            line: p.line,
            col: p.col,
            message,
        };
        for (i, step) in tree.steps.iter().enumerate() {
            if let StepKind::Outcome {
                article,
                article_pos,
                ..
            } = &step.kind
                && !article.is_empty()
                && lib.article(article).is_none()
                && let Some(m) = missing(lib, &ContentRef::Article(article.clone()), true)
            {
                errors.push(at(
                    *article_pos,
                    format!("outcome `{}` links a missing article: {m}", step.id),
                ));
            }
            for link in step.markdown.iter().flat_map(|m| &m.links) {
                let found = match &link.target {
                    Target::Path(path) => step_path_problem(lib, tree, i, base_path, path),
                    _ => problem(lib, link, Origin::TreeStep),
                };
                if let Some(m) = found {
                    errors.push(at(
                        step.text_pos,
                        format!("broken link `{}`: {m}", link.written),
                    ));
                }
            }
        }
    }
    errors
}

/// What is wrong with `link`, written in `origin`, if anything.
fn problem(lib: &Library, link: &Link, origin: Origin<'_>) -> Option<String> {
    let anchor = link.anchor.as_deref();
    match &link.target {
        Target::Article(slug) => match lib.article(slug) {
            Some(to) => anchor_problem(anchor, to),
            None => missing(lib, &ContentRef::Article(slug.clone()), origin.guesses()),
        },
        Target::Tree(slug) => {
            let Some(tree) = lib.tree(slug) else {
                return missing(lib, &ContentRef::Tree(slug.clone()), origin.guesses());
            };
            let anchor = anchor?;
            (!tree.steps.iter().any(|s| s.id == anchor)).then(|| {
                format!(
                    "tree `{slug}` has no node or outcome `{anchor}`{}",
                    suggestion(anchor, tree.steps.iter().map(|s| s.id.as_str()))
                )
            })
        }
        Target::SamePage => match origin {
            Origin::Article(from) => anchor_problem(anchor, from),
            Origin::TreeStep => None,
        },
        // Resolved against the page's URL, by the callers: `path_problem` and `step_path_problem`.
        Target::Path(_) => None,
    }
}

/// What is wrong with a link by URL `path` in the text of step `i` of `tree`. The text shows on the step's own
/// page and, with JavaScript on, in the wizard on the tree's first page, so the link must work from both.
fn step_path_problem(
    lib: &Library,
    tree: &DecisionTree,
    i: usize,
    base_path: &str,
    path: &str,
) -> Option<String> {
    if let Some(m) = path_problem(lib, &tree.step_url(i), base_path, path) {
        return Some(m);
    }
    if i == tree.start {
        return None;
    }
    path_problem(lib, &tree.url, base_path, path).map(|m| {
        format!(
            "on /{}, where the wizard shows this step too, {m}; write `@/articles/<slug>.md` or a link from the \
             site's root, which work on both pages",
            tree.url
        )
    })
}

/// What is wrong with a link by URL `path` on the page at `from` (`articles/x/`), if anything: it must resolve
/// inside the site (published under `base_path`) to an article, a tree or a section the site has.
fn path_problem(lib: &Library, from: &str, base_path: &str, path: &str) -> Option<String> {
    let resolved = match path.strip_prefix(base_path) {
        Some(rest) => rest.to_string(),
        None if path.starts_with('/') => {
            return Some(format!(
                "it is outside the site, which is published under `{base_path}`; write `@/articles/<slug>.md`"
            ));
        }
        None => format!("{from}{path}"),
    };
    let mut parts: Vec<&str> = Vec::new();
    for part in resolved.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                if parts.pop().is_none() {
                    return Some("it leads outside the site".to_string());
                }
            }
            p => parts.push(p),
        }
    }
    let shown = format!(
        "/{}",
        parts.iter().map(|p| format!("{p}/")).collect::<String>()
    );
    let found = match parts.as_slice() {
        [] | ["articles" | "trees" | "codes" | "reasons" | "tags" | "search"] => true,
        ["articles", slug @ ..] => lib.article(&slug.join("/")).is_some(),
        ["trees", slug, step @ ..] => lib
            .tree(slug)
            .is_some_and(|t| step.is_empty() || t.steps.iter().any(|s| step == [s.id.as_str()])),
        ["codes" | "reasons" | "tags", _] => true,
        _ => false,
    };
    (!found).then(|| {
        let guess = match parts.as_slice() {
            ["articles", slug @ ..] => suggestion(
                &slug.join("/"),
                lib.articles.iter().map(|a| a.slug.as_str()),
            ),
            _ => String::new(),
        };
        format!("no page of the site is at {shown}{guess}")
    })
}

/// Why a reference to `page`, which the library does not have, is broken, with the closest name when `guess`;
/// nothing when the page's file exists but could not be read (that problem is reported already).
fn missing(lib: &Library, page: &ContentRef, guess: bool) -> Option<String> {
    if lib.is_unreadable(page) {
        return None;
    }
    let closest = match page {
        _ if !guess => String::new(),
        ContentRef::Article(slug) => suggestion(slug, lib.articles.iter().map(|a| a.slug.as_str())),
        ContentRef::Tree(slug) => suggestion(slug, lib.trees.iter().map(|t| t.slug.as_str())),
    };
    Some(format!("there is no {}{closest}", page.source()))
}

/// What is wrong with `#anchor` on `to`, if anything.
fn anchor_problem(anchor: Option<&str>, to: &Article) -> Option<String> {
    let anchor = anchor?;
    if anchor.is_empty() || to.anchors.contains(anchor) {
        return None;
    }
    let mut known: Vec<&str> = to.anchors.iter().map(String::as_str).collect();
    known.sort_unstable();
    Some(format!(
        "{} has no heading with the anchor `#{anchor}`{}",
        to.source,
        suggestion(anchor, known.iter().copied())
    ))
}

/// Rules and reason files name articles and trees; each must exist. Only the site's own rules are checked:
/// the bundled ones name the bundled knowledge base's pages, which another site need not have.
fn rules(lib: &Library, settings: &Settings) -> Vec<ContentError> {
    if !lib.own_rules {
        return Vec::new();
    }
    let mut errors = Vec::new();
    let mut check = |what: String, article: Option<&str>, tree: Option<&str>, at: ContentError| {
        let missing = |reference: &str, found: bool| {
            !found && !ContentRef::parse(reference).is_some_and(|r| lib.is_unreadable(&r))
        };
        if let Some(r) = article
            && missing(r, lib.article_ref(r).is_some())
        {
            errors.push(ContentError {
                message: format!("{what} names a missing article `{r}`{}", hint(lib, r)),
                ..at.clone()
            });
        }
        if let Some(r) = tree
            && missing(r, lib.tree_ref(r).is_some())
        {
            errors.push(ContentError {
                message: format!("{what} names a missing tree `{r}`{}", hint(lib, r)),
                ..at
            });
        }
    };
    let located = |l: &diagnosis::rules::Location| ContentError {
        path: l.path.clone(),
        line: l.line,
        col: l.col,
        message: String::new(),
    };
    for reason in &lib.rules.reasons {
        check(
            format!("reason `{}`", reason.reason.as_str()),
            reason.article.as_deref(),
            reason.tree.as_deref(),
            located(&reason.location),
        );
    }
    for rule in &lib.rules.rules {
        check(
            format!("rule `{}`", rule.id),
            rule.article.as_deref(),
            rule.tree.as_deref(),
            located(&rule.location),
        );
    }
    for provider in &lib.rules.providers {
        let path = settings.display(&format!("content/rules/providers/{}.toml", provider.id));
        check(
            format!("provider `{}`", provider.id),
            provider.article.as_deref(),
            None,
            ContentError::file(&path, ""),
        );
    }
    errors
}

/// What to write after "names a missing page `reference`": the closest page of the same kind, or the forms a
/// reference takes.
fn hint(lib: &Library, reference: &str) -> String {
    let closest = match ContentRef::parse(reference) {
        Some(ContentRef::Article(slug)) => {
            did_you_mean(&slug, lib.articles.iter().map(|a| a.slug.as_str()))
                .map(|s| ContentRef::Article(s.to_string()))
        }
        Some(ContentRef::Tree(slug)) => {
            did_you_mean(&slug, lib.trees.iter().map(|t| t.slug.as_str()))
                .map(|s| ContentRef::Tree(s.to_string()))
        }
        None => {
            return ": references look like \"@/articles/<slug>.md\" or \"@/trees/<slug>.toml\""
                .to_string();
        }
    };
    closest
        .map(|r| format!("; did you mean `{r}`?"))
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::{Config, Overrides};
    use crate::content::library::SourceFile;
    use std::path::Path;

    fn file(source: &str, text: &str) -> SourceFile {
        SourceFile {
            source: source.into(),
            display: source.into(),
            text: text.into(),
        }
    }

    const ARTICLE: &str = "+++\ntitle = \"Mailbox full\"\nsummary = \"S.\"\nupdated = 2026-01-01\n+++\n\n\
        ## How to fix it\n\nSee [x](@/articles/mailbox-ful.md), [y](@/trees/cant-send.toml#nowhere), [z](#how-to-fix).\n";

    const TREE: &str = r#"title = "T"
summary = "S"
start = "q"

[[node]]
id = "q"
question = "Q?"
help = "See [x](@/articles/mailbox-ful.md), [y](@/trees/cant-send.toml#nowhere), [z](#anything)."
  [[node.option]]
  label = "done"
  outcome = "o"

[[outcome]]
id = "o"
title = "O"
fix = "Do it."
article = "@/articles/mailbox-fll.md"
"#;

    #[test]
    fn articles_and_tree_steps_go_through_one_checker() {
        let (lib, errors) = Library::new(
            &[file("content/articles/mailbox-full.md", ARTICLE)],
            &[file("content/trees/cant-send.toml", TREE)],
            &[],
        );
        assert!(errors.is_empty(), "{errors:?}");
        let settings = Settings::new(
            Path::new("/nonexistent-site"),
            Config::default(),
            Overrides::default(),
        )
        .expect("settings");
        let found: Vec<String> = check(&lib, &settings)
            .iter()
            .map(ToString::to_string)
            .collect();
        assert_eq!(
            found,
            [
                "content/articles/mailbox-full.md:9:5: broken link `@/articles/mailbox-ful.md`: there is no \
                 content/articles/mailbox-ful.md; did you mean `mailbox-full`?",
                "content/articles/mailbox-full.md:9:37: broken link `@/trees/cant-send.toml#nowhere`: tree \
                 `cant-send` has no node or outcome `nowhere`",
                "content/articles/mailbox-full.md:9:74: broken link `#how-to-fix`: content/articles/mailbox-full.md \
                 has no heading with the anchor `#how-to-fix`; did you mean `how-to-fix-it`?",
                "content/trees/cant-send.toml:8:8: broken link `@/articles/mailbox-ful.md`: there is no \
                 content/articles/mailbox-ful.md",
                "content/trees/cant-send.toml:8:8: broken link `@/trees/cant-send.toml#nowhere`: tree \
                 `cant-send` has no node or outcome `nowhere`",
                "content/trees/cant-send.toml:17:11: outcome `o` links a missing article: there is no \
                 content/articles/mailbox-fll.md; did you mean `mailbox-full`?",
            ]
        );
    }

    #[test]
    fn a_reference_to_an_unreadable_file_is_not_reported_again() {
        let (lib, errors) = Library::new(
            &[
                file("content/articles/mailbox-full.md", ARTICLE),
                file("content/articles/mailbox-ful.md", "no front matter"),
            ],
            &[],
            &[],
        );
        assert_eq!(errors.len(), 1, "{errors:?}");
        let settings = Settings::new(
            Path::new("/nonexistent-site"),
            Config::default(),
            Overrides::default(),
        )
        .expect("settings");
        let found: Vec<String> = check(&lib, &settings)
            .iter()
            .map(|e| e.message.clone())
            .collect();
        assert!(
            found.iter().all(|m| !m.contains("mailbox-ful.md")),
            "{found:#?}"
        );
    }
}
