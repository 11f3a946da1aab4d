//! Embeds the built browser checker (`cargo xtask widget` writes it to `target/widget/`) so `bouncebook build` can
//! write it into every site with no Rust or wasm toolchain on the writer's machine. When it was not built, the
//! binary carries none, `bouncebook --version` and `bouncebook build` say so, and this script warns how to
//! include it. Also writes the bundled knowledge base's page list (titles and URLs of `content/`'s articles and
//! trees, and its `base-url`), so `classify` with the bundled rules links each answer to a page readers can open.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

fn main() {
    println!("cargo:rerun-if-env-changed=BOUNCEBOOK_WIDGET_DIR");
    println!("cargo:rerun-if-env-changed=CARGO_TARGET_DIR");
    let manifest =
        PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"));
    let dir = widget_dir(&manifest);
    // Cargo reruns a build script on every build while a watched path is missing, which would rebuild the
    // generator each time; an empty folder is watched like any other.
    let _ = std::fs::create_dir_all(&dir);
    println!("cargo:rerun-if-changed={}", dir.display());

    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .map(|entries| entries.flatten().map(|e| e.path()).collect())
        .unwrap_or_default();
    // TypeScript declarations are for developers, not readers' browsers.
    files.retain(|p| p.is_file() && !p.to_string_lossy().ends_with(".d.ts"));
    files.sort();
    let complete = files
        .iter()
        .any(|p| p.extension().is_some_and(|e| e == "wasm"));
    if !complete {
        println!(
            "cargo:warning=bouncebook is being built without the browser checker (no widget in {}): sites it \
             builds will have no paste box. Run `cargo xtask widget` first, or install with `cargo xtask install`.",
            dir.display()
        );
    }
    bundled_pages(&manifest);
    let mut out = String::from(
        "/// The built widget's files: name and bytes (empty when it was not built).\n",
    );
    out.push_str("pub static FILES: &[(&str, &[u8])] = &[\n");
    if complete {
        for f in &files {
            let name = f
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            let abs = f.canonicalize().unwrap_or_else(|_| f.clone());
            let _ = writeln!(
                out,
                "    ({name:?}, include_bytes!({:?})),",
                abs.to_string_lossy()
            );
        }
    }
    out.push_str("];\n");
    let dest = PathBuf::from(std::env::var("OUT_DIR").expect("cargo sets OUT_DIR"))
        .join("widget_files.rs");
    std::fs::write(dest, out).expect("write widget_files.rs");
}

/// The same place `cargo xtask widget` writes to (xtask/src/wasm.rs `widget_dir`).
fn widget_dir(manifest: &Path) -> PathBuf {
    let root = manifest.parent().unwrap_or(manifest);
    if let Some(dir) = std::env::var_os("BOUNCEBOOK_WIDGET_DIR") {
        return PathBuf::from(dir);
    }
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .map(|p| if p.is_absolute() { p } else { root.join(p) })
        .unwrap_or_else(|| root.join("target"));
    target.join("widget")
}

/// `bundled_pages.rs`: the bundled site's `base-url` and, for each article and tree of `content/`, its source key
/// (`@/articles/x.md`), URL relative to the site and title. Missing files give an empty list (a packaged crate).
fn bundled_pages(manifest: &Path) {
    let root = manifest.parent().unwrap_or(manifest);
    let config = root.join("bouncebook.toml");
    println!("cargo:rerun-if-changed={}", config.display());
    let base_url = std::fs::read_to_string(&config)
        .ok()
        .and_then(|t| t.parse::<toml::Table>().ok())
        .and_then(|t| {
            t.get("base-url")
                .and_then(|v| v.as_str())
                .map(str::to_string)
        })
        .unwrap_or_default();
    let mut pages = Vec::new();
    for (dir, ext, url) in [("articles", "md", "articles"), ("trees", "toml", "trees")] {
        let folder = root.join("content").join(dir);
        println!("cargo:rerun-if-changed={}", folder.display());
        let mut paths: Vec<PathBuf> = std::fs::read_dir(&folder)
            .map(|entries| entries.flatten().map(|e| e.path()).collect())
            .unwrap_or_default();
        paths.retain(|p| p.extension().is_some_and(|e| e == ext));
        paths.sort();
        for path in paths {
            let Some(stem) = path.file_stem().map(|s| s.to_string_lossy().into_owned()) else {
                continue;
            };
            let text = std::fs::read_to_string(&path).unwrap_or_default();
            // Articles carry TOML front matter between `+++` lines; trees are TOML.
            let table = if ext == "md" {
                text.strip_prefix("+++")
                    .and_then(|rest| rest.split("\n+++").next())
                    .unwrap_or("")
                    .to_string()
            } else {
                text
            };
            let title = table
                .parse::<toml::Table>()
                .ok()
                .and_then(|t| {
                    t.get("title")
                        .and_then(|v| v.as_str())
                        .map(|s| s.trim().to_string())
                })
                .unwrap_or_else(|| stem.clone());
            pages.push((
                format!("@/{dir}/{stem}.{ext}"),
                format!("{url}/{stem}/"),
                title,
            ));
        }
    }
    let mut out = String::from("/// The bundled knowledge base's URL.\n");
    let _ = writeln!(out, "pub const BASE_URL: &str = {base_url:?};");
    out.push_str("/// Its articles and trees: source key, URL relative to the site, title.\n");
    out.push_str("pub static PAGES: &[(&str, &str, &str)] = &[\n");
    for (key, url, title) in &pages {
        let _ = writeln!(out, "    ({key:?}, {url:?}, {title:?}),");
    }
    out.push_str("];\n");
    let dest = PathBuf::from(std::env::var("OUT_DIR").expect("cargo sets OUT_DIR"))
        .join("bundled_pages.rs");
    std::fs::write(dest, out).expect("write bundled_pages.rs");
}
