//! The browser checker in every site: `bouncebook build` writes the widget this binary carries (built by
//! `cargo xtask widget`, embedded by build.rs) into `<output>/widget/`, with `site.json` beside it: the site's own
//! validated rules and the pages that rules' `@/articles/…` and `@/trees/…` references resolve to. A writer's
//! new rule therefore works in the browser after `bouncebook build`, with no Rust or wasm toolchain, and engine
//! and rules never skew: the widget is the one this binary was built with.

use anyhow::{Context, Result};
use diagnosis::site::{self, Page, Site};
use std::path::Path;

mod embedded {
    include!(concat!(env!("OUT_DIR"), "/widget_files.rs"));
}

/// The folder in the output that holds the widget (`https://KB/widget/bounce-checker.js`).
pub const DIR: &str = "widget";

/// The widget's files, name and bytes; empty when this binary was built without it.
pub fn files() -> &'static [(&'static str, &'static [u8])] {
    embedded::FILES
}

/// Whether this binary carries the widget.
pub fn is_built() -> bool {
    !files().is_empty()
}

/// What a site tells its checker; fill it with [`SiteFile::article`] and friends, then [`write()`] it.
#[derive(Clone, Debug, Default)]
pub struct SiteFile {
    site: Site,
}

impl SiteFile {
    /// The page list and rules, as the checker reads them (and `classify --root` links with).
    pub fn into_site(self) -> Site {
        self.site
    }

    /// A site file with the site's title and its rules, which must have passed `RuleSet::from_sources` (the
    /// checker reads them compiled, without re-checking).
    pub fn new(title: &str, rules: &diagnosis::RuleSet) -> SiteFile {
        SiteFile {
            site: Site {
                version: site::VERSION,
                title: title.to_string(),
                rules: Some(rules.clone()),
                ..Site::default()
            },
        }
    }

    /// Adds an article: its source path as rules name it (`@/articles/mailbox-full.md`), its URL relative to
    /// the site root (`articles/mailbox-full/`) and its title.
    pub fn article(&mut self, source: &str, url: &str, title: &str) -> &mut SiteFile {
        self.site
            .articles
            .insert(source.to_string(), page(url, title));
        self
    }

    /// Adds a decision tree (`@/trees/start.toml`, `trees/start/`, title).
    pub fn tree(&mut self, source: &str, url: &str, title: &str) -> &mut SiteFile {
        self.site.trees.insert(source.to_string(), page(url, title));
        self
    }

    /// The tree to offer when nothing was recognised (a source path given to [`SiteFile::tree`]).
    pub fn start_tree(&mut self, source: &str) -> &mut SiteFile {
        self.site.start_tree = Some(source.to_string());
        self
    }

    /// How the checker names reasons (`bouncebook.toml`'s `reason-names`).
    pub fn reason_names(&mut self, names: diagnosis::ReasonNames) -> &mut SiteFile {
        self.site.reason_names = names;
        self
    }

    /// The site's search page, relative to the root, to which the URL-encoded query is appended (`search/?q=`).
    pub fn search_page(&mut self, url: &str) -> &mut SiteFile {
        self.site.search_page = Some(url.to_string());
        self
    }

    /// An ES module, relative to the root, exporting `search(query, limit)` → `[{url, title, snippet}]`; the
    /// widget imports it when it loads, so it must not fetch anything later either.
    pub fn search_module(&mut self, url: &str) -> &mut SiteFile {
        self.site.search_module = Some(url.to_string());
        self
    }

    /// The JSON the widget reads.
    pub fn to_json(&self) -> String {
        self.site.to_json()
    }
}

fn page(url: &str, title: &str) -> Page {
    Page {
        url: url.trim_start_matches('/').to_string(),
        title: title.to_string(),
    }
}

/// Writes the widget and `site.json` into `<out>/widget/` as `(relative path, bytes)` pairs through `write_file`
/// (the generator's one output function). Returns `false`, writing nothing, when this binary carries no widget:
/// the caller says so once (`note()`), and the rest of the site still builds.
pub fn write(
    site: &SiteFile,
    mut write_file: impl FnMut(&Path, &[u8]) -> Result<()>,
) -> Result<bool> {
    if !is_built() {
        return Ok(false);
    }
    let dir = Path::new(DIR);
    for (name, bytes) in files() {
        write_file(&dir.join(name), bytes)
            .with_context(|| format!("failed to write {DIR}/{name}"))?;
    }
    write_file(&dir.join(site::FILE_NAME), site.to_json().as_bytes())
        .with_context(|| format!("failed to write {DIR}/{}", site::FILE_NAME))?;
    Ok(true)
}

/// The one-line notice for a build without the widget.
pub fn note() -> &'static str {
    "note: this bouncebook was built without the browser checker, so the site has no paste box; \
     run `cargo xtask widget` and rebuild bouncebook to include it"
}

/// The HTML that puts the checker on a page: the widget's script and element, with `fallback` (a search form)
/// inside it for readers without JavaScript. `root` is the relative path to the site root (`./`, `../`).
pub fn snippet(root: &str, fallback: &str) -> String {
    format!(
        "<script type=\"module\" src=\"{root}{DIR}/bounce-checker.js\"></script>\
         <bounce-checker>{fallback}</bounce-checker>"
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    fn site_file() -> SiteFile {
        let mut f = SiteFile::new("Help", diagnosis::RuleSet::bundled());
        f.article(
            "@/articles/mailbox-full.md",
            "/articles/mailbox-full/",
            "Mailbox full",
        )
        .tree("@/trees/start.toml", "trees/start/", "Start here")
        .start_tree("@/trees/start.toml")
        .search_page("search/?q=");
        f
    }

    #[test]
    fn the_site_file_is_what_the_checker_reads() {
        let json = site_file().to_json();
        let back = Site::from_json(&json).expect("the checker's reader reads it");
        assert_eq!(back.version, site::VERSION);
        assert_eq!(
            back.articles["@/articles/mailbox-full.md"].url,
            "articles/mailbox-full/"
        );
        assert_eq!(back.start_tree.as_deref(), Some("@/trees/start.toml"));
        assert_eq!(
            back.rules.map(|r| r.rules.len()),
            Some(diagnosis::RuleSet::bundled().rules.len())
        );
    }

    #[test]
    fn writes_every_file_under_widget_or_nothing() {
        let mut written = BTreeMap::new();
        let wrote = write(&site_file(), |path, bytes| {
            written.insert(path.to_path_buf(), bytes.len());
            Ok(())
        })
        .expect("writes");
        assert_eq!(wrote, is_built());
        // CI builds the widget before the tests (cargo xtask test does), so there the first branch must run.
        assert!(
            wrote || !std::env::var("CI").is_ok_and(|v| !matches!(v.trim(), "" | "0" | "false")),
            "this bouncebook carries no widget: run `cargo xtask widget` before testing"
        );
        if wrote {
            assert!(written.contains_key(Path::new("widget/site.json")));
            assert!(written.contains_key(Path::new("widget/bounce-checker.js")));
            assert!(written.contains_key(Path::new("widget/checker_bg.wasm")));
            assert!(written.keys().all(|p| p.starts_with("widget")));
        } else {
            assert!(written.is_empty());
        }
    }

    #[test]
    fn snippet_nests_the_fallback() {
        let html = snippet("../", "<form action=\"../search/\"></form>");
        assert!(html.starts_with("<script type=\"module\" src=\"../widget/bounce-checker.js\">"));
        assert!(html.contains("<bounce-checker><form"));
    }
}
