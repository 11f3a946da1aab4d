//! The theme: Tera templates and assets (CSS, JavaScript), layered per file. A site's own file wins over its
//! theme's (`themes/<theme>/`), which wins over the default theme built into the binary (as Zola's
//! `load_tera` and mdBook's `Theme::new` do). So a site with no `themes/` folder still builds, and a writer can
//! override one template without copying the rest.
//!
//! Site overrides mirror the theme's layout at the site root: `templates/article.html`, `css/style.css`,
//! `js/search.js`. Files under a theme's or the site's `static/` are copied verbatim to the output root.
//! CSS and JavaScript get content-hashed names (`assets/style.3fa2b1c0.css`), so hosts may cache them forever.

use crate::config::Settings;
use crate::output::content_hash;
use anyhow::{Context, Result, anyhow};
use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// The default theme, embedded: (path in the theme, contents).
pub const BUILT_IN: &[(&str, &str)] = &[
    (
        "templates/base.html",
        include_str!("../../themes/default/templates/base.html"),
    ),
    (
        "templates/macros.html",
        include_str!("../../themes/default/templates/macros.html"),
    ),
    (
        "templates/home.html",
        include_str!("../../themes/default/templates/home.html"),
    ),
    (
        "templates/checker-fallback.html",
        include_str!("../../themes/default/templates/checker-fallback.html"),
    ),
    (
        "templates/article.html",
        include_str!("../../themes/default/templates/article.html"),
    ),
    (
        "templates/articles.html",
        include_str!("../../themes/default/templates/articles.html"),
    ),
    (
        "templates/code.html",
        include_str!("../../themes/default/templates/code.html"),
    ),
    (
        "templates/codes.html",
        include_str!("../../themes/default/templates/codes.html"),
    ),
    (
        "templates/reason.html",
        include_str!("../../themes/default/templates/reason.html"),
    ),
    (
        "templates/reasons.html",
        include_str!("../../themes/default/templates/reasons.html"),
    ),
    (
        "templates/tag.html",
        include_str!("../../themes/default/templates/tag.html"),
    ),
    (
        "templates/tags.html",
        include_str!("../../themes/default/templates/tags.html"),
    ),
    (
        "templates/tree-step.html",
        include_str!("../../themes/default/templates/tree-step.html"),
    ),
    (
        "templates/trees.html",
        include_str!("../../themes/default/templates/trees.html"),
    ),
    (
        "templates/search.html",
        include_str!("../../themes/default/templates/search.html"),
    ),
    (
        "templates/404.html",
        include_str!("../../themes/default/templates/404.html"),
    ),
    (
        "templates/redirect.html",
        include_str!("../../themes/default/templates/redirect.html"),
    ),
    (
        "templates/sitemap.xml",
        include_str!("../../themes/default/templates/sitemap.xml"),
    ),
    (
        "templates/atom.xml",
        include_str!("../../themes/default/templates/atom.xml"),
    ),
    (
        "templates/robots.txt",
        include_str!("../../themes/default/templates/robots.txt"),
    ),
    (
        "css/style.css",
        include_str!("../../themes/default/css/style.css"),
    ),
    (
        "js/search.js",
        include_str!("../../themes/default/js/search.js"),
    ),
    (
        "js/tree.js",
        include_str!("../../themes/default/js/tree.js"),
    ),
];

/// A CSS or JavaScript file with its published name.
#[derive(Clone, Debug)]
pub struct Asset {
    /// Path in the theme (`css/style.css`).
    pub name: String,
    /// Path in the output (`assets/style.3fa2b1c0.css`).
    pub output: String,
    /// Contents.
    pub bytes: Vec<u8>,
}

/// A loaded theme.
#[derive(Debug)]
pub struct Theme {
    /// The templates, ready to render.
    pub tera: tera::Tera,
    /// Hashed assets.
    pub assets: Vec<Asset>,
    /// Static files to copy: (output path, file on disk).
    pub statics: Vec<(String, PathBuf)>,
}

impl Theme {
    /// The published path of an asset (`css/style.css` → `assets/style.3fa2b1c0.css`).
    pub fn asset(&self, name: &str) -> Option<&str> {
        self.assets
            .iter()
            .find(|a| a.name == name)
            .map(|a| a.output.as_str())
    }
}

/// Files of a folder, recursively: (path relative to it with `/`, file).
fn files_under(dir: &Path) -> Result<Vec<(String, PathBuf)>> {
    if !dir.is_dir() {
        return Ok(Vec::new());
    }
    let mut out = Vec::new();
    for entry in walkdir::WalkDir::new(dir).sort_by_file_name() {
        let entry = entry.with_context(|| format!("failed to list {}", dir.display()))?;
        let name = entry.file_name().to_string_lossy();
        if !entry.file_type().is_file() || name.starts_with('.') || name.ends_with('~') {
            continue;
        }
        let rel = entry.path().strip_prefix(dir).unwrap_or(entry.path());
        out.push((rel.to_string_lossy().replace('\\', "/"), entry.into_path()));
    }
    Ok(out)
}

/// Loads the theme for a site: built-ins, then the theme folder, then the site's own files.
pub fn load(settings: &Settings) -> Result<Theme> {
    // path in theme → (text, where it came from)
    let mut files: BTreeMap<String, (String, String)> = BUILT_IN
        .iter()
        .map(|(p, t)| (p.to_string(), (t.to_string(), format!("(built-in) {p}"))))
        .collect();
    let mut statics: BTreeMap<String, PathBuf> = BTreeMap::new();
    let mut layers: Vec<PathBuf> = Vec::new();
    if let Some(dir) = &settings.theme_dir {
        layers.push(dir.clone());
    }
    layers.push(settings.root.clone());
    for layer in &layers {
        for sub in ["templates", "css", "js"] {
            for (rel, path) in files_under(&layer.join(sub))? {
                let text = std::fs::read_to_string(&path)
                    .with_context(|| format!("failed to read {}", path.display()))?;
                files.insert(format!("{sub}/{rel}"), (text, path.display().to_string()));
            }
        }
        for (rel, path) in files_under(&layer.join("static"))? {
            statics.insert(rel, path);
        }
    }

    let mut assets = Vec::new();
    let mut templates = Vec::new();
    let mut origins = HashMap::new();
    for (name, (text, origin)) in files {
        if let Some(template) = name.strip_prefix("templates/") {
            origins.insert(template.to_string(), origin);
            templates.push((template.to_string(), text));
        } else {
            let file = Path::new(&name);
            let stem = file
                .file_stem()
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or_default();
            let ext = file
                .extension()
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or_default();
            let output = format!("assets/{stem}.{}.{ext}", content_hash(text.as_bytes()));
            assets.push(Asset {
                name,
                output,
                bytes: text.into_bytes(),
            });
        }
    }
    let mut tera = tera::Tera::default();
    tera.autoescape_on(vec![".html", ".xml"]);
    tera.add_raw_templates(templates).map_err(|e| {
        // Tera names the template; say which file it came from.
        let chain = error_chain(&e);
        let file = origins
            .iter()
            .find(|(name, _)| chain.contains(&format!("'{name}'")))
            .map(|(_, origin)| origin.as_str())
            .unwrap_or("a template");
        anyhow!("{file}: {chain}")
    })?;
    let map: Arc<HashMap<String, String>> = Arc::new(
        assets
            .iter()
            .map(|a| (a.name.clone(), a.output.clone()))
            .collect(),
    );
    tera.register_function(
        "asset",
        move |args: &HashMap<String, tera::Value>| -> tera::Result<tera::Value> {
            let path = args
                .get("path")
                .and_then(|v| v.as_str())
                .ok_or_else(|| tera::Error::msg("asset() needs path=\"css/style.css\""))?;
            map.get(path)
                .map(|p| tera::Value::String(p.clone()))
                .ok_or_else(|| tera::Error::msg(format!("asset() found no theme file `{path}`")))
        },
    );
    Ok(Theme {
        tera,
        assets,
        statics: statics.into_iter().collect(),
    })
}

/// A Tera error and its causes on one line (Tera puts the useful part, such as the line, in the causes).
pub fn error_chain(e: &tera::Error) -> String {
    let mut out = e.to_string();
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        out.push_str(": ");
        out.push_str(&s.to_string());
        source = s.source();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_default_theme_file_is_built_in() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../themes/default");
        let on_disk: Vec<String> = ["templates", "css", "js"]
            .iter()
            .flat_map(|sub| {
                files_under(&dir.join(sub))
                    .unwrap_or_default()
                    .into_iter()
                    .map(move |(rel, _)| format!("{sub}/{rel}"))
            })
            .collect();
        let built_in: Vec<&str> = BUILT_IN.iter().map(|(p, _)| *p).collect();
        for f in &on_disk {
            assert!(
                built_in.contains(&f.as_str()),
                "{f} is not in theme::BUILT_IN"
            );
        }
        assert_eq!(on_disk.len(), built_in.len());
    }
}
