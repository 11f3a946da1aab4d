//! The site file (`widget/site.json`): what `bouncebook build` tells the checker about one knowledge base.
//!
//! The generator writes it and the checker reads it, through this one type, so the two sides cannot drift
//! (the generator depends on this crate natively; only the browser code is wasm-only). It holds the site's own
//! validated rule files, so a writer's new rule works in the browser after `bouncebook build`, and the page URLs
//! and titles that rules' `@/articles/…` and `@/trees/…` references resolve to.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The file name the generator writes beside the widget, and the widget loads.
pub const FILE_NAME: &str = "site.json";

/// The format version this crate writes and reads.
pub const VERSION: u32 = 1;

/// One knowledge base, as the checker needs it.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Site {
    /// Format version ([`VERSION`]).
    pub version: u32,
    /// The knowledge base's title, for "more help" wording.
    pub title: String,
    /// The site's rule files, already validated by `bouncebook build` (loaded with
    /// [`diagnosis::RuleSet::from_checked_sources`]). Empty means the rules bundled into the checker.
    pub rules: Vec<RuleFile>,
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

/// One rule file: the same pair as [`diagnosis::Source`], owned.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RuleFile {
    /// The path errors are reported under; its file name decides the file's role (`order.toml`, ...).
    pub path: String,
    /// The TOML text.
    pub text: String,
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
    /// The rules did not load; each line is `path:line:col: message`.
    Rules(Vec<String>),
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
            SiteError::Rules(errors) => {
                write!(f, "the site's rules did not load:")?;
                for e in errors {
                    write!(f, "\n{e}")?;
                }
                Ok(())
            }
        }
    }
}

impl std::error::Error for SiteError {}

impl Site {
    /// The sources as [`diagnosis::Source`]s, borrowing from `self`.
    pub fn sources(&self) -> Vec<diagnosis::Source<'_>> {
        self.rules
            .iter()
            .map(|f| diagnosis::Source {
                path: &f.path,
                text: &f.text,
            })
            .collect()
    }

    /// Loads the rules this site uses: its own when it has any, else the bundled ones (when this build carries
    /// them: the `bundled-rules` feature).
    pub fn rule_set(&self) -> Result<diagnosis::RuleSet, SiteError> {
        if self.rules.is_empty() {
            #[cfg(feature = "bundled-rules")]
            return Ok(diagnosis::RuleSet::bundled().clone());
            #[cfg(not(feature = "bundled-rules"))]
            return Err(SiteError::NoRules);
        }
        diagnosis::RuleSet::from_checked_sources(&self.sources())
            .map_err(|errors| SiteError::Rules(errors.iter().map(ToString::to_string).collect()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_minimal_file_parses_with_defaults() {
        let site: Site = serde_json::from_str(r#"{"version": 1}"#).expect("parses");
        assert!(site.rules.is_empty());
        assert!(site.articles.is_empty());
        assert_eq!(site.start_tree, None);
        assert!(!site.rule_set().expect("bundled").rules.is_empty());
    }

    #[test]
    fn round_trips_through_json() {
        let mut site = Site {
            version: VERSION,
            title: "Help".into(),
            start_tree: Some("@/trees/start.toml".into()),
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
        assert_eq!(serde_json::from_str::<Site>(&json).expect("parses"), site);
    }

    #[test]
    fn bad_rules_name_the_file() {
        let site = Site {
            version: VERSION,
            rules: vec![RuleFile {
                path: "content/rules/reasons/bad.toml".into(),
                text: "reason = \"nosuchreason\"\n".into(),
            }],
            ..Site::default()
        };
        let err = site.rule_set().expect_err("unknown reason").to_string();
        assert!(err.contains("content/rules/reasons/bad.toml"), "{err}");
    }
}
