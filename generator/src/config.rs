//! The site configuration, `bouncebook.toml` at the site root.
//!
//! [`Config`] is what the writer wrote: every key optional, unknown keys and wrong types rejected with
//! `file:line:col` (serde `deny_unknown_fields`, as mdBook and Zola do). [`Settings`] is what the program uses:
//! resolved paths and defaults, with command-line overrides applied in exactly one place, [`Settings::new`].

use crate::error::ContentError;
use anyhow::{Context, Result};
use serde::Deserialize;
use std::path::{Path, PathBuf};
use toml::Spanned;

/// The config file's name.
pub const FILE_NAME: &str = "bouncebook.toml";

/// `bouncebook.toml` as written. Every key is optional.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields, rename_all = "kebab-case")]
pub struct Config {
    /// The knowledge base's name, shown in every page's title and header.
    pub title: Option<String>,
    /// Where the site is published (`https://help.example.com/`): used for the sitemap, the feed, canonical
    /// links and OpenGraph. Pages link to each other with relative URLs, so the site works anywhere.
    pub base_url: Option<Spanned<String>>,
    /// The language of the content, as a BCP 47 tag (`en`, `de-CH`).
    pub language: Option<String>,
    /// One or two sentences about the site: the home page's meta description and the feed's subtitle.
    pub description: Option<String>,
    /// "Edit this page" link; `{path}` is replaced by the source file's path from the site root
    /// (`https://github.com/org/kb/edit/main/{path}`).
    pub edit_url: Option<Spanned<String>>,
    /// The theme: a folder under `themes/`. `default` falls back to the theme built into bouncebook.
    pub theme: Option<Spanned<String>>,
    /// Where `build` writes the site, relative to the site root.
    pub output_dir: Option<Spanned<String>>,
    /// The decision tree offered first (a file name under `content/trees/` without `.toml`).
    pub start_tree: Option<Spanned<String>>,
    /// How the browser checker names reasons: `legacy` (Sisimai before 5.6, the default) or `current`
    /// (Sisimai 5.6 and later: `ratelimited`, `emailtoolarge`), in its JavaScript answer and `data-reason`.
    pub reason_names: Option<Spanned<String>>,
    /// Files in the output folder that rebuilds keep (`["CNAME"]`), besides dotfiles, which are always kept.
    pub keep: Option<Spanned<Vec<String>>>,
    /// Where this config was read from, and its text, for error positions.
    #[serde(skip)]
    pub source: Option<(String, String)>,
}

impl Config {
    /// Parses a config file's text; `path` is used in error messages.
    pub fn parse(path: &str, text: &str) -> Result<Config, ContentError> {
        let mut config: Config = toml::from_str(text).map_err(|e| toml_error(path, text, &e))?;
        config.source = Some((path.to_string(), text.to_string()));
        Ok(config)
    }

    /// Reads `bouncebook.toml` from `root`. The outer error is I/O, or a folder that is not a site (no
    /// `bouncebook.toml`), which is never taken for an empty one.
    pub fn from_root(root: &Path) -> Result<Result<Config, ContentError>> {
        let path = root.join(FILE_NAME);
        match std::fs::read_to_string(&path) {
            Ok(text) => Ok(Config::parse(&display_path(root, FILE_NAME), &text)),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                let wher = if root.is_dir() {
                    format!("{} is not a bouncebook site", root.display())
                } else {
                    format!("the folder {} does not exist", root.display())
                };
                anyhow::bail!(
                    "no {FILE_NAME} in {}: {wher}; run it in the site's folder, point --root at it, or create \
                     a site with `bouncebook init {}`",
                    root.display(),
                    root.display()
                )
            }
            Err(e) => Err(e).with_context(|| format!("failed to read {}", path.display())),
        }
    }
}

/// Turns a TOML parse or type error into a content error at its position, with a hint for the most common
/// mistake (snake_case keys where we use kebab-case).
pub(crate) fn toml_error(path: &str, text: &str, e: &toml::de::Error) -> ContentError {
    let offset = e.span().map_or(0, |s| s.start);
    let mut message = e.message().trim().to_string();
    // toml says "unknown field `base_url`, expected one of ..."; say what the writer most likely meant.
    if let Some(rest) = message.strip_prefix("unknown field `")
        && let Some(name) = rest.split('`').next()
        && name.contains('_')
    {
        message = format!("{message}; keys use dashes: `{}`", name.replace('_', "-"));
    }
    let first = message.chars().next().map(|c| c.to_lowercase().to_string());
    if let Some(first) = first {
        message = first + &message[message.chars().next().map_or(0, char::len_utf8)..];
    }
    ContentError::at(path, text, offset, message)
}

/// What the command line can override.
#[derive(Clone, Debug, Default)]
pub struct Overrides {
    /// `--output DIR`.
    pub output: Option<PathBuf>,
    /// `--base-url URL` (serve sets its own address).
    pub base_url: Option<String>,
}

/// The validated configuration the build uses.
#[derive(Clone, Debug)]
pub struct Settings {
    /// The site root (holds `content/`).
    pub root: PathBuf,
    /// Site title.
    pub title: String,
    /// Absolute URL of the site, ending in `/`.
    pub base_url: String,
    /// The path part of [`Settings::base_url`] (`/` or `/help/`): what the 404 page's links start with, since
    /// hosts serve it at any depth.
    pub base_path: String,
    /// Content language.
    pub language: String,
    /// Site description.
    pub description: String,
    /// "Edit this page" template with `{path}`.
    pub edit_url: Option<String>,
    /// The theme's name.
    pub theme: String,
    /// The theme's folder, when the site has one (`themes/<theme>/`).
    pub theme_dir: Option<PathBuf>,
    /// The output folder.
    pub output: PathBuf,
    /// The start tree's slug, if configured.
    pub start_tree: Option<String>,
    /// How the browser checker names reasons.
    pub reason_names: diagnosis::ReasonNames,
    /// Paths in the output folder that rebuilds carry over (`keep`).
    pub keep: Vec<String>,
}

impl Settings {
    /// Resolves defaults and applies the command-line overrides: the one place both meet. Every problem with the
    /// config is returned at once.
    pub fn new(
        root: &Path,
        config: Config,
        overrides: Overrides,
    ) -> Result<Settings, Vec<ContentError>> {
        let (path, text) = config
            .source
            .clone()
            .unwrap_or_else(|| (display_path(root, FILE_NAME), String::new()));
        let mut errors = Vec::new();
        let at = |span: std::ops::Range<usize>, msg: String| {
            ContentError::at(&path, &text, span.start, msg)
        };

        let absolute = |url: &str| url.starts_with("https://") || url.starts_with("http://");
        let base_url = match overrides.base_url {
            Some(url) => {
                // The flag's problem is the flag's, not the config's.
                if !absolute(&url) {
                    errors.push(ContentError::flag(
                        "--base-url",
                        format!(
                            "must be an absolute http(s) URL such as \"https://help.example.com/\", not {url:?}"
                        ),
                    ));
                }
                url
            }
            None => match &config.base_url {
                Some(url) => {
                    if !absolute(url.get_ref()) {
                        errors.push(at(
                            url.span(),
                            format!(
                                "`base-url` must be an absolute http(s) URL such as \"https://help.example.com/\", \
                                 not {:?}",
                                url.get_ref()
                            ),
                        ));
                    }
                    url.get_ref().clone()
                }
                None => "http://localhost/".to_string(),
            },
        };
        let base_url = if base_url.ends_with('/') {
            base_url
        } else {
            format!("{base_url}/")
        };
        let base_path = base_url
            .split("://")
            .nth(1)
            .and_then(|rest| rest.find('/').map(|i| rest[i..].to_string()))
            .unwrap_or_else(|| "/".to_string());

        let edit_url = config.edit_url.as_ref().map(|u| {
            if !u.get_ref().contains("{path}") {
                errors.push(at(
                    u.span(),
                    "`edit-url` must contain `{path}`, which is replaced by the page's source file \
                     (\"https://github.com/org/kb/edit/main/{path}\")"
                        .to_string(),
                ));
            }
            u.get_ref().clone()
        });

        let reason_names = match &config.reason_names {
            None => diagnosis::ReasonNames::Legacy,
            Some(n) => n.get_ref().parse().unwrap_or_else(|e: String| {
                errors.push(at(n.span(), format!("`reason-names`: {e}")));
                diagnosis::ReasonNames::Legacy
            }),
        };

        let theme = config
            .theme
            .as_ref()
            .map_or_else(|| "default".to_string(), |t| t.get_ref().clone());
        let theme_dir = root.join("themes").join(&theme);
        let theme_dir = if theme_dir.is_dir() {
            Some(theme_dir)
        } else {
            if theme != "default"
                && let Some(t) = &config.theme
            {
                errors.push(at(
                    t.span(),
                    format!(
                        "theme `{theme}` not found: expected a folder themes/{theme}/ (or use \"default\", the \
                         theme built into bouncebook)"
                    ),
                ));
            }
            None
        };

        let from_flag = overrides.output.is_some();
        let output = match overrides.output {
            Some(dir) => dir,
            None => {
                let dir = config
                    .output_dir
                    .as_ref()
                    .map_or("public", |d| d.get_ref().as_str());
                root.join(dir)
            }
        };
        if let Some(problem) = unsafe_output(root, &output) {
            let msg = format!("the output folder {} {problem}", output.display());
            errors.push(match (from_flag, &config.output_dir) {
                // The flag's problem is the flag's, not the config's.
                (true, _) => ContentError::flag("--output", msg),
                (false, Some(d)) => at(d.span(), msg),
                (false, None) => ContentError::file(&path, msg),
            });
        }
        let mut keep = Vec::new();
        if let Some(list) = &config.keep {
            for name in list.get_ref() {
                match crate::output::safe_path(name) {
                    Ok(_) => keep.push(name.clone()),
                    Err(_) => errors.push(at(
                        list.span(),
                        format!(
                            "`keep` lists paths inside the output folder (\"CNAME\", \"downloads/\"), not {name:?}"
                        ),
                    )),
                }
            }
        }

        if !errors.is_empty() {
            return Err(errors);
        }
        Ok(Settings {
            root: root.to_path_buf(),
            title: config
                .title
                .unwrap_or_else(|| "Email bounce help".to_string()),
            base_url,
            base_path,
            language: config.language.unwrap_or_else(|| "en".to_string()),
            description: config.description.unwrap_or_default(),
            edit_url,
            theme,
            theme_dir,
            output,
            start_tree: config.start_tree.map(|s| s.into_inner()),
            reason_names,
            keep,
        })
    }

    /// A path under the root as the writer should see it in messages (`content/articles/x.md`, or
    /// `site/content/articles/x.md` when the root is `site`).
    pub fn display(&self, relative: &str) -> String {
        display_path(&self.root, relative)
    }
}

/// `relative` joined to `root` for messages, without a leading `./`.
pub(crate) fn display_path(root: &Path, relative: &str) -> String {
    if root.as_os_str().is_empty() || root == Path::new(".") {
        relative.to_string()
    } else {
        root.join(relative).display().to_string()
    }
}

/// Why building into `output` would destroy the writer's files, if it would. The build replaces the whole
/// output folder, so it must never be the site itself, an ancestor of it, or a source folder.
fn unsafe_output(root: &Path, output: &Path) -> Option<&'static str> {
    let abs = |p: &Path| {
        let p = if p.is_absolute() {
            p.to_path_buf()
        } else {
            std::env::current_dir().unwrap_or_default().join(p)
        };
        normalize(&p)
    };
    let root = abs(root);
    let output = abs(output);
    if root.starts_with(&output) {
        return Some("would contain the site's own files; choose a folder such as \"public\"");
    }
    for source in ["content", "themes", "templates", "static", "css", "js"] {
        if output.starts_with(root.join(source)) {
            return Some("is inside a source folder; choose a folder such as \"public\"");
        }
    }
    None
}

/// Removes `.` and resolves `..` lexically.
fn normalize(p: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in p.components() {
        match c {
            std::path::Component::CurDir => {}
            std::path::Component::ParentDir => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_typo_is_an_error_with_line_and_column() {
        let e = Config::parse(
            "bouncebook.toml",
            "title = \"KB\"\nbase_url = \"https://x/\"\n",
        )
        .expect_err("unknown key");
        assert_eq!((e.line, e.col), (2, 1));
        assert!(
            e.message.starts_with("unknown field `base_url`"),
            "{}",
            e.message
        );
        assert!(
            e.message.ends_with("keys use dashes: `base-url`"),
            "{}",
            e.message
        );
    }

    #[test]
    fn a_wrong_type_is_an_error_at_the_value() {
        let e = Config::parse("bouncebook.toml", "title = 3\n").expect_err("wrong type");
        assert_eq!((e.line, e.col), (1, 9));
        assert!(e.message.contains("string"), "{}", e.message);
    }

    #[test]
    fn defaults_and_overrides() {
        let root = Path::new("/nonexistent-site");
        let s = Settings::new(
            root,
            Config::parse("b.toml", "base-url = \"https://h.example/kb\"").expect("parses"),
            Overrides::default(),
        )
        .expect("valid");
        assert_eq!(s.base_url, "https://h.example/kb/");
        assert_eq!(s.base_path, "/kb/");
        assert_eq!(s.output, root.join("public"));
        let s = Settings::new(
            root,
            Config::default(),
            Overrides {
                output: Some("/tmp/out".into()),
                base_url: Some("http://127.0.0.1:8000".into()),
            },
        )
        .expect("valid");
        assert_eq!(s.output, Path::new("/tmp/out"));
        assert_eq!(s.base_url, "http://127.0.0.1:8000/");
    }

    #[test]
    fn refuses_to_build_over_the_site() {
        let root = Path::new("/srv/site");
        for out in [
            "/srv/site",
            "/srv",
            "/srv/site/content/x",
            "/srv/site/./themes",
        ] {
            let r = Settings::new(
                root,
                Config::default(),
                Overrides {
                    output: Some(out.into()),
                    base_url: None,
                },
            );
            assert!(r.is_err(), "{out} must be refused");
        }
    }
}
