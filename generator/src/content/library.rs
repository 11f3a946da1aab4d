//! The library: every article, tree and rule of a site, loaded and cross-checked.
//!
//! Loading reads `content/` (the only disk access before output), parses files in parallel, and collects every
//! problem: each file's own, then the references between them: links and anchors, tree outcomes' articles,
//! rules' and reasons' articles and trees, aliases that would overwrite a page.

use crate::config::Settings;
use crate::content::article::Article;
use crate::content::markdown::Target;
use crate::content::tree::{DecisionTree, Pos, StepKind};
use crate::error::{ContentError, suggestion};
use anyhow::{Context, Result};
use diagnosis::{RuleSet, Source};
use rayon::prelude::*;
use std::collections::HashMap;
use std::path::Path;

/// Output folders bouncebook fills itself: an alias may not point into them.
pub const GENERATED_SECTIONS: [&str; 7] = [
    "codes",
    "reasons",
    "tags",
    "search",
    "assets",
    "widget",
    "__bouncebook",
];

/// Everything a site's content says, checked.
#[derive(Debug)]
pub struct Library {
    /// Articles, sorted by slug.
    pub articles: Vec<Article>,
    /// Decision trees, sorted by slug.
    pub trees: Vec<DecisionTree>,
    /// The rules (the site's own, or the bundled ones when it has none).
    pub rules: RuleSet,
    /// The site's rule files as `(path from the root, text)`; empty when it uses the bundled rules.
    pub rule_files: Vec<(String, String)>,
    article_index: HashMap<String, usize>,
    tree_index: HashMap<String, usize>,
    /// Slugs of files that exist but could not be read: links to them are not reported again.
    unreadable: std::collections::HashSet<String>,
}

/// One source file: path from the site root and text.
struct File {
    source: String,
    display: String,
    text: String,
}

/// The files with extension `ext` below `root/dir`, sorted, skipping hidden and editor backup files.
fn read_dir(settings: &Settings, dir: &str, ext: &str) -> Result<Vec<File>> {
    let base = settings.root.join(dir);
    if !base.is_dir() {
        return Ok(Vec::new());
    }
    let mut paths = Vec::new();
    for entry in walkdir::WalkDir::new(&base).sort_by_file_name() {
        let entry = entry.with_context(|| format!("failed to list {}", base.display()))?;
        let name = entry.file_name().to_string_lossy();
        if name.starts_with('.') || name.ends_with('~') || name.starts_with('#') {
            continue;
        }
        if entry.file_type().is_file() && entry.path().extension().is_some_and(|e| e == ext) {
            paths.push(entry.into_path());
        }
    }
    paths
        .into_par_iter()
        .map(|path| {
            let rel = path.strip_prefix(&settings.root).unwrap_or(&path);
            let source = rel.to_string_lossy().replace('\\', "/");
            let text = std::fs::read_to_string(&path)
                .with_context(|| format!("failed to read {}", path.display()))?;
            Ok(File {
                display: settings.display(&source),
                source,
                text,
            })
        })
        .collect()
}

impl Library {
    /// Loads and checks the site's content. I/O failures are errors; content problems are returned, all of them,
    /// beside whatever could be loaded.
    pub fn load(settings: &Settings) -> Result<(Library, Vec<ContentError>)> {
        let (articles, (trees, rules)) = rayon::join(
            || read_dir(settings, "content/articles", "md"),
            || {
                rayon::join(
                    || read_dir(settings, "content/trees", "toml"),
                    || read_dir(settings, "content/rules", "toml"),
                )
            },
        );
        let (articles, trees, rule_files) = (articles?, trees?, rules?);

        let parsed_articles: Vec<(Option<Article>, Vec<ContentError>)> = articles
            .par_iter()
            .map(|f| Article::parse(&f.source, &f.display, &f.text))
            .collect();
        let parsed_trees: Vec<(Option<DecisionTree>, Vec<ContentError>)> = trees
            .par_iter()
            .map(|f| DecisionTree::parse(&f.source, &f.display, &f.text))
            .collect();
        let mut errors = Vec::new();
        let mut unreadable = std::collections::HashSet::new();
        let mut lib_articles = Vec::new();
        for ((a, e), f) in parsed_articles.into_iter().zip(&articles) {
            if a.is_none() {
                unreadable.insert(format!("@/{}", f.source.trim_start_matches("content/")));
            }
            errors.extend(e);
            lib_articles.extend(a);
        }
        let mut lib_trees = Vec::new();
        for ((t, e), f) in parsed_trees.into_iter().zip(&trees) {
            if t.is_none() {
                unreadable.insert(format!("@/{}", f.source.trim_start_matches("content/")));
            }
            errors.extend(e);
            lib_trees.extend(t);
        }

        let (rules, rule_files) = if rule_files.is_empty() {
            match RuleSet::try_bundled() {
                Ok(set) => (set.clone(), Vec::new()),
                Err(rule_errors) => {
                    errors.extend(rule_errors.iter().map(ContentError::from_rule));
                    (RuleSet::default(), Vec::new())
                }
            }
        } else {
            let sources: Vec<Source<'_>> = rule_files
                .iter()
                .map(|f| Source {
                    path: &f.display,
                    text: &f.text,
                })
                .collect();
            // What loaded, beside every problem: `serve` keeps previewing with the rules that are sound while
            // the writer fixes the rest (a build still fails on any problem).
            let (rules, rule_errors) = RuleSet::from_sources_lenient(&sources);
            errors.extend(rule_errors.iter().map(ContentError::from_rule));
            let files = rule_files.into_iter().map(|f| (f.source, f.text)).collect();
            (rules, files)
        };

        let article_index = lib_articles
            .iter()
            .enumerate()
            .map(|(i, a): (usize, &Article)| (a.slug.clone(), i))
            .collect();
        let tree_index = lib_trees
            .iter()
            .enumerate()
            .map(|(i, t): (usize, &DecisionTree)| (t.slug.clone(), i))
            .collect();
        let library = Library {
            articles: lib_articles,
            trees: lib_trees,
            rules,
            rule_files,
            article_index,
            tree_index,
            unreadable,
        };
        errors.extend(library.check_articles());
        errors.extend(library.check_trees());
        errors.extend(library.check_rules(settings));
        errors.extend(library.check_aliases());
        if let Some(start) = &settings.start_tree
            && library.tree(start).is_none()
            && !library.is_unreadable_tree(start)
        {
            errors.push(ContentError::file(
                &settings.display(crate::config::FILE_NAME),
                format!(
                    "`start-tree` names unknown tree `{start}`: expected a file content/trees/{start}.toml{}",
                    suggestion(start, library.trees.iter().map(|t| t.slug.as_str()))
                ),
            ));
        }
        errors.sort();
        errors.dedup();
        Ok((library, errors))
    }

    /// The article with this slug.
    pub fn article(&self, slug: &str) -> Option<&Article> {
        self.article_index.get(slug).map(|&i| &self.articles[i])
    }

    /// The tree with this slug.
    pub fn tree(&self, slug: &str) -> Option<&DecisionTree> {
        self.tree_index.get(slug).map(|&i| &self.trees[i])
    }

    /// The article a `@/articles/<slug>.md` reference names.
    pub fn article_ref(&self, reference: &str) -> Option<&Article> {
        self.article(article_slug(reference)?)
    }

    /// The tree a `@/trees/<slug>.toml` reference names.
    pub fn tree_ref(&self, reference: &str) -> Option<&DecisionTree> {
        self.tree(tree_slug(reference)?)
    }

    fn is_unreadable_article(&self, slug: &str) -> bool {
        self.unreadable.contains(&format!("@/articles/{slug}.md"))
    }

    fn is_unreadable_tree(&self, slug: &str) -> bool {
        self.unreadable.contains(&format!("@/trees/{slug}.toml"))
    }

    /// The tree to offer first: the configured one, else `start-here`, else the first.
    pub fn start_tree<'a>(&'a self, settings: &Settings) -> Option<&'a DecisionTree> {
        settings
            .start_tree
            .as_deref()
            .and_then(|s| self.tree(s))
            .or_else(|| self.tree("start-here"))
            .or_else(|| self.trees.first())
    }

    fn check_articles(&self) -> Vec<ContentError> {
        self.articles
            .par_iter()
            .flat_map_iter(|a| {
                let mut errors = Vec::new();
                for placed in &a.links {
                    let at = |m: String| ContentError {
                        path: a.display.clone(),
                        line: placed.line,
                        col: placed.col,
                        message: m,
                    };
                    if let Some(m) =
                        self.link_problem(&placed.link.target, placed.link.anchor.as_deref(), a)
                    {
                        errors.push(at(format!("broken link `{}`: {m}", placed.link.written)));
                    }
                }
                errors
            })
            .collect()
    }

    /// What is wrong with a link from `from`, if anything.
    fn link_problem(
        &self,
        target: &Target,
        anchor: Option<&str>,
        from: &Article,
    ) -> Option<String> {
        match target {
            Target::Article(slug) => {
                let Some(to) = self.article(slug) else {
                    if self.is_unreadable_article(slug) {
                        return None;
                    }
                    return Some(format!(
                        "there is no content/articles/{slug}.md{}",
                        suggestion(slug, self.articles.iter().map(|a| a.slug.as_str()))
                    ));
                };
                anchor_problem(anchor, to)
            }
            Target::Tree(slug) => {
                let Some(tree) = self.tree(slug) else {
                    if self.is_unreadable_tree(slug) {
                        return None;
                    }
                    return Some(format!(
                        "there is no content/trees/{slug}.toml{}",
                        suggestion(slug, self.trees.iter().map(|t| t.slug.as_str()))
                    ));
                };
                let anchor = anchor?;
                (!tree.steps.iter().any(|s| s.id == anchor)).then(|| {
                    format!(
                        "tree `{slug}` has no node or outcome `{anchor}`{}",
                        suggestion(anchor, tree.steps.iter().map(|s| s.id.as_str()))
                    )
                })
            }
            Target::SamePage => anchor_problem(anchor, from),
        }
    }

    fn check_trees(&self) -> Vec<ContentError> {
        let mut errors = Vec::new();
        for tree in &self.trees {
            for (i, step) in tree.steps.iter().enumerate() {
                let at = |p: Pos, m: String| ContentError {
                    path: tree.display.clone(),
                    line: p.line,
                    col: p.col,
                    message: m,
                };
                if let StepKind::Outcome {
                    article,
                    article_pos,
                    ..
                } = &step.kind
                    && !article.is_empty()
                    && self.article(article).is_none()
                    && !self.is_unreadable_article(article)
                {
                    errors.push(at(
                        *article_pos,
                        format!(
                            "outcome `{}` links a missing article: there is no content/articles/{article}.md{}",
                            step.id,
                            suggestion(article, self.articles.iter().map(|a| a.slug.as_str()))
                        ),
                    ));
                }
                if let Some(rendered) = tree.step_markdown(i) {
                    for (_, m) in &rendered.problems {
                        errors.push(at(step.text_pos, m.clone()));
                    }
                    for link in &rendered.links {
                        let problem = match &link.target {
                            Target::SamePage => None,
                            Target::Article(slug) => match self.article(slug) {
                                None if self.is_unreadable_article(slug) => None,
                                None => Some(format!("there is no content/articles/{slug}.md")),
                                Some(a) => anchor_problem(link.anchor.as_deref(), a),
                            },
                            Target::Tree(slug) => match self.tree(slug) {
                                None if self.is_unreadable_tree(slug) => None,
                                None => Some(format!("there is no content/trees/{slug}.toml")),
                                Some(_) => None,
                            },
                        };
                        if let Some(m) = problem {
                            errors.push(at(
                                step.text_pos,
                                format!("broken link `{}`: {m}", link.written),
                            ));
                        }
                    }
                }
            }
        }
        errors
    }

    /// Rules and reason files name articles and trees; each must exist. Only the site's own rules are checked:
    /// the bundled ones name the bundled knowledge base's pages, which another site need not have.
    fn check_rules(&self, settings: &Settings) -> Vec<ContentError> {
        if self.rule_files.is_empty() {
            return Vec::new();
        }
        let mut errors = Vec::new();
        let mut check = |what: String,
                         article: Option<&str>,
                         tree: Option<&str>,
                         loc: ContentError| {
            if let Some(r) = article
                && self.article_ref(r).is_none()
                && !self.unreadable.contains(r)
            {
                errors.push(ContentError {
                    message: format!("{what} names a missing article `{r}`{}", self.ref_hint(r)),
                    ..loc.clone()
                });
            }
            if let Some(r) = tree
                && self.tree_ref(r).is_none()
                && !self.unreadable.contains(r)
            {
                errors.push(ContentError {
                    message: format!("{what} names a missing tree `{r}`{}", self.ref_hint(r)),
                    ..loc
                });
            }
        };
        let located = |l: &diagnosis::rules::Location| ContentError {
            path: l.path.clone(),
            line: l.line,
            col: l.col,
            message: String::new(),
        };
        for reason in &self.rules.reasons {
            check(
                format!("reason `{}`", reason.reason.as_str()),
                reason.article.as_deref(),
                reason.tree.as_deref(),
                located(&reason.location),
            );
        }
        for rule in &self.rules.rules {
            check(
                format!("rule `{}`", rule.id),
                rule.article.as_deref(),
                rule.tree.as_deref(),
                located(&rule.location),
            );
        }
        for provider in &self.rules.providers {
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

    fn ref_hint(&self, reference: &str) -> String {
        use crate::error::did_you_mean;
        if let Some(slug) = article_slug(reference) {
            did_you_mean(slug, self.articles.iter().map(|a| a.slug.as_str()))
                .map(|s| format!("; did you mean `@/articles/{s}.md`?"))
                .unwrap_or_default()
        } else if let Some(slug) = tree_slug(reference) {
            did_you_mean(slug, self.trees.iter().map(|t| t.slug.as_str()))
                .map(|s| format!("; did you mean `@/trees/{s}.toml`?"))
                .unwrap_or_default()
        } else {
            ": references look like \"@/articles/<slug>.md\" or \"@/trees/<slug>.toml\"".to_string()
        }
    }

    /// An alias must not overwrite a generated page or another alias.
    fn check_aliases(&self) -> Vec<ContentError> {
        let mut errors = Vec::new();
        let mut seen: HashMap<&str, &Article> = HashMap::new();
        for a in &self.articles {
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
                    || [
                        "index.html",
                        "404.html",
                        "sitemap.xml",
                        "robots.txt",
                        "atom.xml",
                    ]
                    .contains(&alias.path.as_str())
                    || page
                        .strip_prefix("articles/")
                        .is_some_and(|s| self.article(s.trim_end_matches('/')).is_some())
                    || page.strip_prefix("trees/").is_some_and(|s| {
                        self.tree(s.split('/').next().unwrap_or_default()).is_some()
                    });
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

/// `@/articles/mailbox-full.md` → `mailbox-full`.
pub fn article_slug(reference: &str) -> Option<&str> {
    reference.strip_prefix("@/articles/")?.strip_suffix(".md")
}

/// `@/trees/start-here.toml` → `start-here`.
pub fn tree_slug(reference: &str) -> Option<&str> {
    reference.strip_prefix("@/trees/")?.strip_suffix(".toml")
}

/// A site as read from disk: its settings, its library and every problem found.
#[derive(Debug)]
pub struct Site {
    /// The validated config.
    pub settings: Settings,
    /// The content.
    pub library: Library,
    /// Every content problem, sorted.
    pub errors: Vec<ContentError>,
}

/// Reads the site's config and content. Config problems come back alone, since nothing else can be read without
/// a valid config; the outer error is I/O.
pub fn load_site(
    root: &Path,
    overrides: crate::config::Overrides,
) -> Result<Result<Site, Vec<ContentError>>> {
    let config = match crate::config::Config::from_root(root)? {
        Ok(c) => c,
        Err(e) => return Ok(Err(vec![e])),
    };
    let settings = match Settings::new(root, config, overrides) {
        Ok(s) => s,
        Err(e) => return Ok(Err(e)),
    };
    let (library, errors) = Library::load(&settings)?;
    Ok(Ok(Site {
        settings,
        library,
        errors,
    }))
}
