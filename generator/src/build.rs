//! The build: the output stages, run on a site the load stage read and checked, for `bouncebook build` (into the
//! output folder) and `bouncebook serve` (into memory).
//!
//! Data flows one way: the library → cross-references ([`Catalog`]) → the search index, built while the pages
//! render in parallel → the assets and the widget → [`Output`], which swaps the new site in only once
//! everything was written. Nothing here reads a source file.

use crate::load::Site;
use crate::memo::{Fingerprint, Memo};
use crate::output::{Files, HtmlOptions, Output, Policy};
use crate::pages::Catalog;
use crate::render::Renderer;
use crate::search;
use crate::widget;
use anyhow::{Context, Result, anyhow};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// A query typical of what readers paste, used to report what one search loads.
pub const SAMPLE_QUERY: &str = "550 5.7.1 Relay access denied";

/// How to build.
#[derive(Clone, Debug)]
pub struct BuildOptions {
    /// Minify HTML (off for readable test snapshots).
    pub minify: bool,
    /// A tag inserted before `</body>` in every page (`serve`'s live reload).
    pub inject: Option<String>,
    /// Replace an output folder bouncebook did not make (`--force`).
    pub force: bool,
}

impl Default for BuildOptions {
    fn default() -> BuildOptions {
        BuildOptions {
            minify: true,
            inject: None,
            force: false,
        }
    }
}

/// What a build produced.
#[derive(Clone, Debug)]
pub struct BuildReport {
    pub articles: usize,
    /// Pages rendered (HTML and XML).
    pub pages: usize,
    /// Files written.
    pub files: usize,
    /// Bytes written.
    pub bytes: usize,
    /// Search index: total bytes and files.
    pub index_bytes: usize,
    /// Search index files.
    pub index_files: usize,
    /// Whether the browser loads the index (all but the snippet text) when the page loads, and how many bytes.
    pub index_preload: Option<usize>,
    /// Bytes the browser loads for [`SAMPLE_QUERY`].
    pub query_bytes: usize,
    /// Whether the browser checker was written.
    pub widget: bool,
    pub elapsed: Duration,
    /// Time per stage, in order (`--timings`).
    pub timings: Vec<(&'static str, Duration)>,
    /// What replacing the output removed that bouncebook had not made (`--force`).
    pub removed: Vec<String>,
    /// Whether the search index written is the last build's, the new one still to build (`serve` only).
    pub index_pending: bool,
}

impl std::fmt::Display for BuildReport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        writeln!(
            f,
            "built {} pages ({} articles) into {} files, {:.1} KB, in {} ms",
            self.pages,
            self.articles,
            self.files,
            self.bytes as f64 / 1024.0,
            self.elapsed.as_millis()
        )?;
        write!(
            f,
            "search index: {} bytes in {} files; {}; the query \"{SAMPLE_QUERY}\" on the search page loads {} \
             bytes in all, snippets included",
            self.index_bytes,
            self.index_files,
            match self.index_preload {
                Some(bytes) => format!(
                    "{bytes} bytes load with the page (terms and titles; snippet text on demand)"
                ),
                None => "loaded in parts, as queries need them".to_string(),
            },
            self.query_bytes
        )
    }
}

/// The checker's site file: the site's rules (or the bundled ones), the pages rules point to, the trees.
pub(crate) fn site_file(site: &Site, search_module: Option<&str>) -> widget::SiteFile {
    let lib = &site.library;
    // `lib.rules` are the site's own, or the bundled ones when it has none.
    let mut file = widget::SiteFile::new(&site.settings.title, &lib.rules);
    file.reason_names(site.settings.reason_names);
    let references = lib
        .rules
        .rules
        .iter()
        .filter_map(|r| r.article.as_deref())
        .chain(
            lib.rules
                .reasons
                .iter()
                .filter_map(|r| r.article.as_deref()),
        )
        .chain(
            lib.rules
                .providers
                .iter()
                .filter_map(|p| p.article.as_deref()),
        );
    for reference in references {
        if let Some(a) = lib.article_ref(reference) {
            file.article(reference, &a.url, &a.title);
        }
    }
    for t in &lib.trees {
        file.tree(&t.content_ref().to_string(), &t.url, &t.title);
    }
    if let Some(t) = lib.start_tree(&site.settings) {
        file.start_tree(&t.content_ref().to_string());
    }
    file.search_page("search/?q=");
    if let Some(module) = search_module {
        file.search_module(module);
    }
    file
}

/// Builds a valid site into its output folder, replacing what was there only once everything was written.
pub fn build(site: &Site, options: &BuildOptions) -> Result<BuildReport> {
    let policy = Policy {
        force: options.force,
        keep: site.settings.keep.clone(),
    };
    let out = Output::begin(&site.settings.output, html_options(options), &policy)?;
    let removed = out.removed().to_vec();
    let (mut report, out) = build_into(site, out, IndexPlan::Build)?;
    report.removed = removed;
    let swap = Instant::now();
    out.finish()?;
    report.timings.push(("swap into place", swap.elapsed()));
    report.elapsed += swap.elapsed();
    Ok(report)
}

/// Renders one page of each kind through the site's theme, writing nothing: the template errors `build` would
/// meet, at their file:line:col (for `check`). None when the theme itself did not load (that error is reported).
pub fn check_templates(site: &Site) -> Vec<crate::error::ContentError> {
    let Ok(theme) = site.theme.as_ref() else {
        return Vec::new();
    };
    let catalog = Catalog::new(&site.library);
    let renderer = Renderer {
        settings: &site.settings,
        catalog: &catalog,
        theme,
        widget: widget::is_built(),
        tree_shapes: crate::render::tree_shapes(&site.library),
        memo: None,
        theme_key: site.theme_key,
    };
    renderer.check_samples()
}

/// Builds a site into memory (for `serve`): the files by output path. With a `memo`, what an earlier build
/// made from the same values is taken from it instead of made again (the files are the same either way).
///
/// With `defer_index` too, when the documents the search index covers changed, the last build's index is
/// written instead of a new one and [`BuildReport::index_pending`] says so: `serve` puts the pages up first and
/// builds again, with `defer_index` off, for the index.
pub fn build_in_memory(
    site: &Site,
    options: &BuildOptions,
    memo: Option<&Arc<Memo>>,
    defer_index: bool,
) -> Result<(BuildReport, Files)> {
    let out = Output::in_memory(html_options(options), memo.cloned());
    let plan = match memo {
        Some(m) => IndexPlan::Memo(m, defer_index),
        None => IndexPlan::Build,
    };
    let (report, out) = build_into(site, out, plan)?;
    Ok((report, out.into_files()))
}

/// How a build gets its search index.
#[derive(Clone, Copy)]
enum IndexPlan<'a> {
    /// Builds it.
    Build,
    /// Takes it from the memo when the documents are the same; else builds it, or, when deferring, takes the
    /// last one.
    Memo(&'a Memo, bool),
}

fn html_options(options: &BuildOptions) -> HtmlOptions {
    HtmlOptions {
        minify: options.minify,
        inject: options.inject.clone(),
    }
}

/// Writes every file of the site into `out`.
fn build_into(site: &Site, out: Output, plan: IndexPlan<'_>) -> Result<(BuildReport, Output)> {
    let memo = match plan {
        IndexPlan::Memo(m, _) => Some(m),
        IndexPlan::Build => None,
    };
    let started = Instant::now();
    let mut timings = Vec::new();
    let mut stage = Instant::now();
    let mut lap = |name: &'static str, timings: &mut Vec<(&'static str, Duration)>| {
        timings.push((name, stage.elapsed()));
        stage = Instant::now();
    };
    let settings = &site.settings;
    let lib = &site.library;
    let theme = site
        .theme
        .as_ref()
        .map_err(|e| anyhow!("{}: {}", e.path, e.message))
        .context("failed to load the theme")?;
    let catalog = Catalog::new(lib);
    lap("cross-references", &mut timings);
    let renderer = Renderer {
        settings,
        catalog: &catalog,
        theme,
        widget: widget::is_built(),
        tree_shapes: crate::render::tree_shapes(lib),
        memo,
        theme_key: site.theme_key,
    };
    // The index is independent of the pages: build it while they render.
    let (((index, index_pending), index_time), (pages, pages_time)) = rayon::join(
        || {
            let t = Instant::now();
            let docs = search::documents(lib, &catalog);
            let index = match plan {
                IndexPlan::Build => (Arc::new(search::build(&docs)), false),
                // The index is a function of the documents it covers.
                IndexPlan::Memo(m, defer) => {
                    let key = Fingerprint::new("search index").debug(&docs).finish();
                    match m.last_index() {
                        Some(last) if defer && !m.index.contains(key) => (last, true),
                        _ => {
                            let index = m.index.get_or(key, || Arc::new(search::build(&docs)));
                            m.set_last_index(&index);
                            (index, false)
                        }
                    }
                }
            };
            (index, t.elapsed())
        },
        || {
            let t = Instant::now();
            (renderer.render_all(&out), t.elapsed())
        },
    );
    let pages = pages?;
    timings.push(("  search index (alongside the pages)", index_time));
    timings.push(("  pages: render, minify, write", pages_time));
    lap("pages and search index", &mut timings);
    for (path, bytes) in &index.files {
        out.write_output(path, bytes)?;
    }
    for asset in &theme.assets {
        out.write_output(&asset.output, &asset.bytes)?;
    }
    for (rel, bytes) in &theme.statics {
        out.write_output(rel, bytes)?;
    }
    let search_module = theme.asset("js/search.js").filter(|_| index.preload());
    let wrote_widget = widget::write(&site_file(site, search_module), |path, bytes| {
        out.write_output(&path.to_string_lossy().replace('\\', "/"), bytes)
    })?;
    lap("index files, assets, widget", &mut timings);
    let (files, bytes) = out.totals();
    let report = BuildReport {
        articles: lib.articles.len(),
        pages,
        files,
        bytes,
        index_bytes: index.bytes(),
        index_files: index.files.len(),
        index_preload: index.preload().then(|| index.preload_bytes()),
        query_bytes: index.cost(SAMPLE_QUERY, 10).bytes,
        widget: wrote_widget,
        elapsed: started.elapsed(),
        timings,
        removed: Vec::new(),
        index_pending,
    };
    Ok((report, out))
}
