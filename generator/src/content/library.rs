//! The library: every article, tree and rule of a site, parsed, with lookups by slug and by reference.
//!
//! `Library::new` parses the source files it is given, in parallel, and returns every problem found in them.
//! The references between files (links, outcomes' articles, rules' pages, aliases) are checked afterwards, by
//! `content::links` and `content::aliases`, once every page is known.

use super::article::Article;
use super::content_ref::ContentRef;
use super::tree::DecisionTree;
use crate::config::Settings;
use crate::error::ContentError;
use crate::memo::{Fingerprint, Memo};
use diagnosis::{RuleSet, Source};
use rayon::prelude::*;
use std::collections::{HashMap, HashSet};
use std::sync::Arc;

/// Everything a site's content says.
#[derive(Debug)]
pub struct Library {
    /// Articles, sorted by slug.
    pub articles: Vec<Article>,
    /// Decision trees, sorted by slug.
    pub trees: Vec<DecisionTree>,
    /// The rules: the site's own, or the bundled ones when it has none (shared: `serve` keeps them from one
    /// build to the next while the rule files stay the same).
    pub rules: Arc<RuleSet>,
    /// Whether [`Library::rules`] are the site's own (from `content/rules/`).
    pub(crate) own_rules: bool,
    article_index: HashMap<String, usize>,
    tree_index: HashMap<String, usize>,
    /// Files that exist but could not be read: references to them are not reported again.
    unreadable: HashSet<ContentRef>,
    /// Articles whose front matter did not parse: not pages, but their body's links are checked.
    pub(crate) broken: Vec<Article>,
    /// Trees with structural problems: not pages, but the links in their steps are checked.
    pub(crate) broken_trees: Vec<DecisionTree>,
}

/// One source file, as read: its path from the site root (`content/articles/x.md`), the path shown in messages,
/// and its text.
#[derive(Clone, Debug)]
pub(crate) struct SourceFile {
    /// Path from the site root, with `/`.
    pub source: String,
    /// Path as shown in messages.
    pub display: String,
    /// The contents.
    pub text: String,
}

impl Library {
    /// Parses articles, trees and rule files (each list sorted by path). Returns the library, holding whatever
    /// could be read, and every problem found in the files, in no particular order.
    #[cfg(test)]
    pub(crate) fn new(
        articles: &[SourceFile],
        trees: &[SourceFile],
        rule_files: &[SourceFile],
    ) -> (Library, Vec<ContentError>) {
        Library::new_with(articles, trees, rule_files, None)
    }

    /// [`Library::new`], taking from `memo` the files parsed before with the same path and text (`serve`).
    pub(crate) fn new_with(
        articles: &[SourceFile],
        trees: &[SourceFile],
        rule_files: &[SourceFile],
        memo: Option<&Memo>,
    ) -> (Library, Vec<ContentError>) {
        let key = |kind: &str, f: &SourceFile| {
            Fingerprint::new(kind)
                .bytes(f.source.as_bytes())
                .bytes(f.display.as_bytes())
                .bytes(f.text.as_bytes())
                .finish()
        };
        let parsed_articles: Vec<(Option<Article>, Vec<ContentError>)> = articles
            .par_iter()
            .map(|f| {
                let parse = || Article::parse(&f.source, &f.display, &f.text);
                match memo {
                    Some(m) => {
                        (*m.articles.get_or(key("article", f), || Arc::new(parse()))).clone()
                    }
                    None => parse(),
                }
            })
            .collect();
        let parsed_trees: Vec<(Option<DecisionTree>, Vec<ContentError>)> = trees
            .par_iter()
            .map(|f| {
                let parse = || DecisionTree::parse(&f.source, &f.display, &f.text);
                match memo {
                    Some(m) => (*m.trees.get_or(key("tree", f), || Arc::new(parse()))).clone(),
                    None => parse(),
                }
            })
            .collect();
        let mut errors = Vec::new();
        let mut unreadable = HashSet::new();
        let mut lib_articles = Vec::new();
        let mut broken = Vec::new();
        for ((a, e), f) in parsed_articles.into_iter().zip(articles) {
            if a.as_ref().is_none_or(|a| a.broken) {
                unreadable.extend(ContentRef::of_source(&f.source));
            }
            errors.extend(e);
            match a {
                Some(a) if a.broken => broken.push(a),
                a => lib_articles.extend(a),
            }
        }
        let mut lib_trees = Vec::new();
        let mut broken_trees = Vec::new();
        for ((t, e), f) in parsed_trees.into_iter().zip(trees) {
            if t.as_ref().is_none_or(|t| t.broken) {
                unreadable.extend(ContentRef::of_source(&f.source));
            }
            errors.extend(e);
            match t {
                Some(t) if t.broken => broken_trees.push(t),
                t => lib_trees.extend(t),
            }
        }

        let rules = if rule_files.is_empty() {
            match RuleSet::try_bundled() {
                Ok(set) => Arc::new(set.clone()),
                Err(rule_errors) => {
                    errors.extend(rule_errors.iter().map(ContentError::from_rule));
                    Arc::new(RuleSet::default())
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
            let load = || {
                let (rules, errors) = RuleSet::from_sources_lenient(&sources);
                (Arc::new(rules), errors)
            };
            let (rules, rule_errors) = match memo {
                Some(m) => {
                    let key = rule_files
                        .iter()
                        .fold(Fingerprint::new("rules"), |k, f| {
                            k.bytes(f.display.as_bytes()).bytes(f.text.as_bytes())
                        })
                        .finish();
                    m.rules.get_or(key, load)
                }
                None => load(),
            };
            errors.extend(rule_errors.iter().map(ContentError::from_rule));
            rules
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
            own_rules: !rule_files.is_empty(),
            article_index,
            tree_index,
            unreadable,
            broken,
            broken_trees,
        };
        (library, errors)
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
        match ContentRef::parse(reference)? {
            ContentRef::Article(slug) => self.article(&slug),
            ContentRef::Tree(_) => None,
        }
    }

    /// The tree a `@/trees/<slug>.toml` reference names.
    pub fn tree_ref(&self, reference: &str) -> Option<&DecisionTree> {
        match ContentRef::parse(reference)? {
            ContentRef::Tree(slug) => self.tree(&slug),
            ContentRef::Article(_) => None,
        }
    }

    /// The files that exist but could not be read as pages (their problems are reported).
    pub(crate) fn unreadable(&self) -> impl Iterator<Item = &ContentRef> {
        self.unreadable.iter()
    }

    /// Whether the file `reference` names exists but could not be read (its problems are reported already).
    pub(crate) fn is_unreadable(&self, reference: &ContentRef) -> bool {
        self.unreadable.contains(reference)
    }

    /// The tree to offer first: the configured one, else `start-here`, else the first.
    pub(crate) fn start_tree<'a>(&'a self, settings: &Settings) -> Option<&'a DecisionTree> {
        settings
            .start_tree
            .as_deref()
            .and_then(|s| self.tree(s))
            .or_else(|| self.tree("start-here"))
            .or_else(|| self.trees.first())
    }
}
