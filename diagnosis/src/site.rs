//! The site file (`widget/site.json`): what `bouncebook build` tells the browser checker about one knowledge
//! base. Plain data: the site's own rules, validated and compiled ([`RuleSet::to_json`]'s form, so the wasm
//! needs no TOML parser), and the pages that rules' `@/articles/…` and `@/trees/…` references resolve to.
//!
//! The generator writes it and the checker reads it through these types, so the two sides cannot drift. Page
//! URLs are strings this crate carries and resolves against a base; it never reads a file or fetches a URL.

use crate::ReasonNames;
use crate::rules::RuleSet;
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
    /// The site's rules, validated by `bouncebook build` and compiled. None means the bundled rules (in a build
    /// with the `toml` feature).
    pub rules: Option<RuleSet>,
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
    /// How the checker names reasons in its answer (`bouncebook.toml`'s `reason-names`); left out when legacy.
    #[serde(skip_serializing_if = "ReasonNames::is_legacy")]
    pub reason_names: ReasonNames,
}

/// A page of the knowledge base. URLs are relative to the knowledge base's root (`articles/mailbox-full/`), so
/// the same file works wherever the site is hosted; the checker resolves them against the knowledge base's URL.
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
    /// Reads a site file. The version is read first: a file from another release may not parse as this one's
    /// `Site` at all, and should say so rather than fail on some field. A file without a version is read as
    /// this version.
    pub fn from_json(json: &str) -> Result<Site, SiteError> {
        #[derive(Deserialize)]
        struct Versioned {
            #[serde(default)]
            version: u32,
        }
        let v: Versioned =
            serde_json::from_str(json).map_err(|e| SiteError::Json(e.to_string()))?;
        check_version(v.version)?;
        serde_json::from_str(json).map_err(|e| SiteError::Json(e.to_string()))
    }

    /// The file's JSON, as the checker reads it.
    pub fn to_json(&self) -> String {
        // Strings, maps and the compiled rules: serialising cannot fail.
        serde_json::to_string(self).unwrap_or_default()
    }

    /// Whether this crate reads the site's format version (0, unset, counts as this one).
    pub fn check_version(&self) -> Result<(), SiteError> {
        check_version(self.version)
    }

    /// The rules this site uses: its own when it has any (taken out of the site), else the bundled ones, when
    /// this build carries them (the `toml` feature).
    pub fn rule_set(&mut self) -> Result<RuleSet, SiteError> {
        match self.rules.take() {
            Some(rules) => Ok(rules),
            #[cfg(feature = "toml")]
            None => Ok(RuleSet::bundled().clone()),
            #[cfg(not(feature = "toml"))]
            None => Err(SiteError::NoRules),
        }
    }
}

fn check_version(version: u32) -> Result<(), SiteError> {
    if version == VERSION || version == 0 {
        Ok(())
    } else {
        Err(SiteError::Version(version))
    }
}

/// Resolves a site-relative URL against the knowledge base's URL `base` (empty: the URL stays as it is).
pub fn resolve(base: &str, url: &str) -> String {
    if base.is_empty() || url.contains("://") {
        return url.to_string();
    }
    if let Some(path) = url.strip_prefix('/') {
        // Root-relative: keep the base's scheme and host.
        let origin_end = base
            .find("://")
            .and_then(|i| base[i + 3..].find('/').map(|j| i + 3 + j))
            .unwrap_or(base.len());
        return format!("{}/{path}", &base[..origin_end]);
    }
    if base.ends_with('/') {
        format!("{base}{url}")
    } else {
        format!("{base}/{url}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_minimal_file_parses_with_defaults() {
        let mut site = Site::from_json(r#"{"version": 2}"#).expect("parses");
        assert!(site.rules.is_none());
        assert!(site.articles.is_empty());
        assert_eq!(site.start_tree, None);
        assert!(!site.rule_set().expect("bundled").rules.is_empty());
    }

    #[test]
    fn another_version_is_named_before_any_field_fails() {
        let err = Site::from_json(r#"{"version": 99, "articles": 3}"#).expect_err("version");
        assert!(matches!(err, SiteError::Version(99)), "{err}");
        assert!(matches!(
            Site::from_json("{not json"),
            Err(SiteError::Json(_))
        ));
    }

    #[test]
    fn round_trips_through_json_with_compiled_rules() {
        let mut site = Site {
            version: VERSION,
            title: "Help".into(),
            start_tree: Some("@/trees/start.toml".into()),
            rules: Some(RuleSet::bundled().clone()),
            ..Site::default()
        };
        site.articles.insert(
            "@/articles/mailbox-full.md".into(),
            Page {
                url: "articles/mailbox-full/".into(),
                title: "Mailbox full".into(),
            },
        );
        let mut back = Site::from_json(&site.to_json()).expect("parses");
        assert_eq!(back.title, site.title);
        assert_eq!(back.articles, site.articles);
        let rules = back.rule_set().expect("compiled rules");
        assert_eq!(rules.rules.len(), RuleSet::bundled().rules.len());
        let d = crate::classify(b"552 5.2.2 <ann@example.org>: Mailbox is full", &rules);
        assert_eq!(d.bounces[0].reason, crate::Reason::MailboxFull);
    }

    #[test]
    fn a_bad_pattern_is_a_json_error() {
        let json = r#"{"version":2,"rules":{"rules":[{"id":"x","reason":"userunknown","provider":null,
            "patterns":[" * "],"reply":[],"status":[],"command":[],"actor":null,"article":null,"tree":null}],
            "reasons":[],"reply_codes":[],"status_codes":[],"providers":[]}}"#;
        let err = Site::from_json(json).expect_err("empty pattern");
        assert!(err.to_string().contains("no text to match"), "{err}");
    }

    #[test]
    fn resolve_handles_relative_root_and_absolute() {
        assert_eq!(
            resolve("https://a.example/kb/", "x/"),
            "https://a.example/kb/x/"
        );
        assert_eq!(
            resolve("https://a.example/kb", "x/"),
            "https://a.example/kb/x/"
        );
        assert_eq!(
            resolve("https://a.example/kb/", "/x/"),
            "https://a.example/x/"
        );
        assert_eq!(
            resolve("https://a.example/kb/", "https://b.example/"),
            "https://b.example/"
        );
        assert_eq!(resolve("", "x/"), "x/");
    }
}
