//! What the search index covers: every article, decision tree and code page, as [`Document`]s.

use crate::content::library::Library;
use crate::pages::Catalog;
use std::borrow::Cow;

/// A page to index.
#[derive(Clone, Debug, Default)]
pub struct Document<'a> {
    /// URL relative to the site root.
    pub url: Cow<'a, str>,
    /// Title.
    pub title: Cow<'a, str>,
    /// Summary (shown when no better snippet is found).
    pub summary: Cow<'a, str>,
    /// Codes the page covers.
    pub codes: Vec<Cow<'a, str>>,
    /// The codes that are its subject (a code's own page, an article's `primary-codes`): weighted highest.
    pub primary: Vec<Cow<'a, str>>,
    /// Tags and other keywords.
    pub keywords: Vec<Cow<'a, str>>,
    /// The page's words as plain text (borrowed: articles and trees hold theirs): searched, and the source of
    /// snippets.
    pub text: Cow<'a, str>,
    /// Text that is searched but never shown as a snippet: the page's code blocks.
    pub code: Cow<'a, str>,
    /// How much this kind of page counts (articles 1, others less).
    pub boost: f64,
}

/// The documents the search index covers: articles, trees and code pages, in that order.
pub fn documents<'a>(lib: &'a Library, catalog: &'a Catalog<'_>) -> Vec<Document<'a>> {
    let borrow = |v: &'a [String]| v.iter().map(|s| Cow::Borrowed(s.as_str())).collect();
    // Writers' pages (`audience = ["writers"]`) are not what a reader searches for: their example bounces
    // would otherwise rank the writer's guide above the answer.
    let mut docs: Vec<Document<'a>> = lib
        .articles
        .iter()
        .filter(|a| !a.for_writers())
        .map(|a| Document {
            url: Cow::Borrowed(&a.url),
            title: Cow::Borrowed(&a.title),
            summary: Cow::Borrowed(&a.summary),
            codes: borrow(&a.codes),
            primary: borrow(&a.primary_codes),
            // Sisimai's newer names (`ratelimited`) find the article that explains each reason they cover (the
            // reason file's `article`), not every article that mentions the reason.
            keywords: a
                .tags
                .iter()
                .map(|t| Cow::Borrowed(t.as_str()))
                .chain(
                    diagnosis::Reason::ALL
                        .iter()
                        .filter(|r| explains(lib, a, **r))
                        .flat_map(|r| r.newer_names())
                        .map(Cow::Borrowed),
                )
                .collect(),
            text: Cow::Borrowed(&a.text),
            code: Cow::Borrowed(&a.code),
            boost: 1.0,
        })
        .collect();
    docs.extend(lib.trees.iter().map(|t| Document {
        url: Cow::Borrowed(&t.url),
        title: Cow::Borrowed(&t.title),
        summary: Cow::Borrowed(&t.summary),
        codes: Vec::new(),
        primary: Vec::new(),
        keywords: Vec::new(),
        text: Cow::Borrowed(&t.text),
        code: Cow::Borrowed(""),
        boost: 0.7,
    }));
    for c in &catalog.codes {
        let (title, meaning) = c
            .entry
            .as_ref()
            .map(|e| (e.title.as_str(), e.meaning.as_str()))
            .unwrap_or_default();
        docs.push(Document {
            url: Cow::Borrowed(&c.url),
            title: if title.is_empty() {
                Cow::Borrowed(&c.code)
            } else {
                Cow::Owned(format!("{} {title}", c.code))
            },
            summary: Cow::Borrowed(meaning),
            codes: vec![Cow::Borrowed(&c.code)],
            primary: vec![Cow::Borrowed(&c.code)],
            keywords: Vec::new(),
            text: Cow::Borrowed(""),
            code: Cow::Borrowed(""),
            // A code's page wins for the bare code (its code bonus), not for a pasted line that shares its
            // title's words with the article about the failure.
            boost: 0.35,
        });
    }
    docs
}

/// Whether `a` is the article the rules name for `reason`.
fn explains(
    lib: &Library,
    a: &crate::content::article::Article,
    reason: diagnosis::Reason,
) -> bool {
    lib.rules
        .reason_info(reason)
        .and_then(|info| info.article.as_deref())
        .and_then(|r| lib.article_ref(r))
        .is_some_and(|main| main.url == a.url)
}
