//! The site file (`widget/site.json`): what `bouncebook build` tells the checker about one knowledge base.
//!
//! The generator writes it and the checker reads it, through this one type, so the two sides cannot drift
//! (the generator depends on this crate natively; only the browser code is wasm-only). It holds the site's own
//! rules, validated and compiled (`diagnosis::RuleSet::to_json`'s form, so the wasm needs no TOML parser), so a
//! writer's new rule works in the browser after `bouncebook build`, and the page URLs and titles that rules'
//! `@/articles/…` and `@/trees/…` references resolve to.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The file name the generator writes beside the widget, and the widget loads.
pub const FILE_NAME: &str = "site.json";

/// The format version this crate writes and reads (2: rules compiled, no longer TOML sources).
pub const VERSION: u32 = 2;

/// One knowledge base, as the checker needs it.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct Site {
    /// Format version ([`VERSION`]).
    pub version: u32,
    /// The knowledge base's title, for "more help" wording.
    pub title: String,
    /// The site's rules, validated by `bouncebook build` and compiled. None means the rules bundled into the
    /// checker (the `bundled-rules` feature).
    pub rules: Option<diagnosis::RuleSet>,
    /// Article source path (`@/articles/mailbox-full.md`) to its page.
    pub articles: BTreeMap<String, Page>,
    /// Tree source path (`@/trees/start.toml`) to its page.
    pub trees: BTreeMap<String, Page>,
    /// The tree to offer when nothing was recognised (a key of [`Site::trees`]).
    pub start_tree: Option<String>,
    /// The site's search page, with the query appended URL-encoded (`search/?q=`).
    pub search_page: Option<String>,
    /// An ES module exporting `search(query, limit)` that resolves to `[{url, title, snippet}]`, searching the
    /// site's index in the browser. The widget imports it when the widget loads, never later.
    pub search_module: Option<String>,
}

/// A page of the knowledge base. URLs are relative to the knowledge base's root (`articles/mailbox-full/`), so
/// the same file works wherever the site is hosted; the widget resolves them against its `kb` attribute.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Page {
    /// URL relative to the knowledge base's root.
    pub url: String,
    /// The page's title.
    pub title: String,
}

/// Why a site file could not be used.
#[derive(Debug)]
pub enum SiteError {
    /// The JSON did not parse.
    Json(String),
    /// The file was written for another version of the checker.
    Version(u32),
    /// The site file has no rules and this build carries none of its own.
    NoRules,
}

impl std::fmt::Display for SiteError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SiteError::Json(e) => write!(f, "the site file is not valid JSON: {e}"),
            SiteError::Version(v) => write!(
                f,
                "the site file has format version {v}, this checker reads version {VERSION}; rebuild the site with \
                 the same bouncebook that carries this widget"
            ),
            SiteError::NoRules => write!(
                f,
                "the site file has no rules and this checker was built without the bundled ones; pass the \
                 site.json that `bouncebook build` wrote beside the widget"
            ),
        }
    }
}

impl std::error::Error for SiteError {}

impl Site {
    /// The rules this site uses: its own when it has any, else the bundled ones (when this build carries
    /// them: the `bundled-rules` feature).
    pub fn rule_set(&mut self) -> Result<diagnosis::RuleSet, SiteError> {
        match self.rules.take() {
            Some(rules) => Ok(rules),
            #[cfg(feature = "bundled-rules")]
            None => Ok(diagnosis::RuleSet::bundled().clone()),
            #[cfg(not(feature = "bundled-rules"))]
            None => Err(SiteError::NoRules),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_minimal_file_parses_with_defaults() {
        let mut site: Site = serde_json::from_str(r#"{"version": 2}"#).expect("parses");
        assert!(site.rules.is_none());
        assert!(site.articles.is_empty());
        assert_eq!(site.start_tree, None);
        assert!(!site.rule_set().expect("bundled").rules.is_empty());
    }

    #[test]
    fn round_trips_through_json_with_compiled_rules() {
        let mut site = Site {
            version: VERSION,
            title: "Help".into(),
            start_tree: Some("@/trees/start.toml".into()),
            rules: Some(diagnosis::RuleSet::bundled().clone()),
            ..Site::default()
        };
        site.articles.insert(
            "@/articles/mailbox-full.md".into(),
            Page {
                url: "articles/mailbox-full/".into(),
                title: "Mailbox full".into(),
            },
        );
        let json = serde_json::to_string(&site).expect("serialises");
        let mut back: Site = serde_json::from_str(&json).expect("parses");
        assert_eq!(back.title, site.title);
        assert_eq!(back.articles, site.articles);
        let rules = back.rule_set().expect("compiled rules");
        assert_eq!(rules.rules.len(), diagnosis::RuleSet::bundled().rules.len());
        let d = diagnosis::classify(b"552 5.2.2 <ann@example.org>: Mailbox is full", &rules);
        assert_eq!(d.bounces[0].reason, diagnosis::Reason::MailboxFull);
    }

    #[test]
    fn a_bad_pattern_is_a_json_error() {
        let json = r#"{"version":2,"rules":{"rules":[{"id":"x","reason":"userunknown","provider":null,
            "patterns":[" * "],"reply":[],"status":[],"command":[],"actor":null,"article":null,"tree":null}],
            "reasons":[],"reply_codes":[],"status_codes":[],"providers":[]}}"#;
        let err = serde_json::from_str::<Site>(json).expect_err("empty pattern");
        assert!(err.to_string().contains("no text to match"), "{err}");
    }
}
