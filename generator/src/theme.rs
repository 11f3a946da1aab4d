//! The theme: Tera templates and assets (CSS, JavaScript), layered per file. A site's own file wins over its
//! theme's (`themes/<theme>/`), which wins over the default theme built into the binary (as Zola's
//! `load_tera` and mdBook's `Theme::new` do). So a site with no `themes/` folder still builds, and a writer can
//! override one template without copying the rest.
//!
//! Site overrides mirror the theme's layout at the site root: `templates/article.html`, `css/style.css`,
//! `js/search.js`. Files under a theme's or the site's `static/` are copied verbatim to the output root.
//! CSS and JavaScript get content-hashed names (`assets/style.3fa2b1c0.css`), so hosts may cache them forever.
//!
//! The load stage reads the layers' files ([`crate::load`]); [`Theme::new`] makes the theme from their text, so a
//! template error is found before anything renders, by `check` as well as `build`.

use crate::config::Settings;
use crate::error::ContentError;

mod locate;
use crate::output::content_hash;
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
        "templates/find.html",
        include_str!("../../themes/default/templates/find.html"),
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
    pub bytes: Vec<u8>,
}

/// A loaded theme.
#[derive(Clone, Debug)]
pub struct Theme {
    /// The templates, ready to render.
    pub tera: tera::Tera,
    /// Hashed assets.
    pub assets: Vec<Asset>,
    /// Static files to copy as they are: (output path, bytes).
    pub statics: Vec<(String, Vec<u8>)>,
    /// Each template's file and text, to place its errors.
    sources: locate::Sources,
}

/// The folders of a theme layer whose files are templates (`templates/`) and assets (`css/`, `js/`).
pub const SOURCE_DIRS: [&str; 3] = ["templates", "css", "js"];

/// The folder of a theme layer whose files are copied to the output root as they are.
pub const STATIC_DIR: &str = "static";

/// The folders that may hold theme files, weakest first: the site's theme folder, then the site itself (whose
/// own files win over the theme's, which win over the built-ins).
pub fn layers(settings: &Settings) -> Vec<&Path> {
    settings
        .theme_dir
        .iter()
        .map(PathBuf::as_path)
        .chain([settings.root.as_path()])
        .collect()
}

/// A theme file as read from a layer.
#[derive(Clone, Debug)]
pub struct ThemeFile {
    /// Its path in the theme, with `/` (`templates/article.html`, `css/style.css`).
    pub name: String,
    pub text: String,
    /// Where it came from, for errors (its path on disk).
    pub origin: String,
}

impl Theme {
    /// The theme made of the built-in files and `files`, which are read from the [`layers`] in order, so a later
    /// file of the same name wins; `statics` are the layers' `static/` files, by output path. A template that
    /// does not compile is an error naming the file it came from.
    pub fn new(
        files: Vec<ThemeFile>,
        statics: Vec<(String, Vec<u8>)>,
    ) -> Result<Theme, ContentError> {
        // path in theme → (text, where it came from)
        let mut layered: BTreeMap<String, (String, String)> = BUILT_IN
            .iter()
            .map(|(p, t)| (p.to_string(), (t.to_string(), format!("(built-in) {p}"))))
            .collect();
        for f in files {
            layered.insert(f.name, (f.text, f.origin));
        }
        let statics: BTreeMap<String, Vec<u8>> = statics.into_iter().collect();

        let mut assets = Vec::new();
        let mut templates = Vec::new();
        let mut sources = locate::Sources::new();
        for (name, (text, origin)) in layered {
            if let Some(template) = name.strip_prefix("templates/") {
                sources.insert(template.to_string(), (origin, text.clone()));
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
        // Tera names the template; say which file it came from, and where in it.
        tera.add_raw_templates(templates)
            .map_err(|e| locate::locate(&error_chain(&e), &sources))?;
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
                    .ok_or_else(|| {
                        tera::Error::msg(format!("asset() found no theme file `{path}`"))
                    })
            },
        );
        Ok(Theme {
            tera,
            assets,
            statics: statics.into_iter().collect(),
            sources,
        })
    }

    /// A render error of Tera's as a content error at the template's file:line:col, when it can be placed.
    pub fn render_error(&self, e: &tera::Error) -> ContentError {
        locate::locate(&error_chain(e), &self.sources)
    }

    /// The published path of an asset (`css/style.css` → `assets/style.3fa2b1c0.css`).
    pub fn asset(&self, name: &str) -> Option<&str> {
        self.assets
            .iter()
            .find(|a| a.name == name)
            .map(|a| a.output.as_str())
    }
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
                let folder = dir.join(sub);
                crate::load::files_below(&folder, None, &mut Vec::new(), &|p| {
                    p.display().to_string()
                })
                .unwrap_or_default()
                .into_iter()
                .map(move |path| format!("{sub}/{}", crate::load::relative(&folder, &path)))
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

    fn file(name: &str, text: &str, origin: &str) -> ThemeFile {
        ThemeFile {
            name: name.into(),
            text: text.into(),
            origin: origin.into(),
        }
    }

    #[test]
    fn a_later_file_wins_and_a_broken_template_names_its_file() {
        let theme = Theme::new(
            vec![
                file("css/style.css", "a{}", "themes/x/css/style.css"),
                file("css/style.css", "b{}", "css/style.css"),
            ],
            vec![("CNAME".into(), b"kb.example.org\n".to_vec())],
        )
        .expect("a theme");
        let css = theme.asset("css/style.css").expect("hashed css");
        let bytes = theme
            .assets
            .iter()
            .find(|a| a.output == css)
            .map(|a| &a.bytes);
        assert_eq!(bytes.map(Vec::as_slice), Some(&b"b{}"[..]));
        assert_eq!(
            theme.statics,
            [("CNAME".to_string(), b"kb.example.org\n".to_vec())]
        );
        assert!(theme.tera.get_template_names().any(|t| t == "article.html"));

        let e = Theme::new(
            vec![file("templates/tag.html", "{% if %}", "templates/tag.html")],
            Vec::new(),
        )
        .expect_err("a template that does not compile");
        assert_eq!(e.path, "templates/tag.html");
    }
}
