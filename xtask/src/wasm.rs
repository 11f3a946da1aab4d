//! `cargo xtask widget`: builds the browser checker into `target/widget/`, which `bouncebook build` embeds and
//! writes into every site as `widget/`.
//!
//! Steps: add the wasm32 target when missing; build `checker-wasm` with the root `[profile.wasm-release]`
//! (opt-level "z", LTO) and without the bundled rules (the widget loads its site's own from `site.json`); run
//! wasm-bindgen through the `wasm-bindgen-cli-support` crate pinned to the `wasm-bindgen` version in Cargo.lock
//! (no separately installed CLI that could drift); run `wasm-opt` when it is installed; copy the widget's own
//! JavaScript and CSS, minified, beside the output. The folder is replaced only when every step succeeded.

use anyhow::{Context, Result, bail};
use std::path::{Path, PathBuf};
use std::process::Command;

/// The widget's weight budget, in bytes: everything a page that embeds it downloads (the script, its engine,
/// stylesheet and worker, and the knowledge base's `site.json`), each file compressed with brotli at quality 11 as
/// a static host serves it. The README quotes this figure; `tests/browser/budget.test.mjs` (run by `cargo xtask
/// test`, which passes it as `BOUNCEBOOK_WIDGET_BUDGET`) measures what a page really loads and fails above it,
/// and `cargo xtask bench` prints the same measurement against it.
pub const WIDGET_BUDGET: u64 = 150_000;

/// The file names wasm-bindgen's output gets (`checker.js`, `checker_bg.wasm`).
pub const OUT_NAME: &str = "checker";

/// The workspace root.
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from(".."))
}

/// Cargo's target directory: `$CARGO_TARGET_DIR` or `target/` in the workspace.
pub fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .map(|p| if p.is_absolute() { p } else { root().join(p) })
        .unwrap_or_else(|| root().join("target"))
}

/// Where the built widget goes: `$BOUNCEBOOK_WIDGET_DIR`, or `widget/` in the target directory. The generator's
/// build script reads the same place.
pub fn widget_dir() -> PathBuf {
    std::env::var_os("BOUNCEBOOK_WIDGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| target_dir().join("widget"))
}

/// The widget's hand-written files, copied as they are.
fn sources_dir() -> PathBuf {
    root().join("checker-wasm/widget")
}

fn cargo() -> Command {
    let mut c = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()));
    c.current_dir(root());
    c
}

fn run(what: &str, cmd: &mut Command) -> Result<()> {
    let status = cmd
        .status()
        .with_context(|| format!("failed to start {what}"))?;
    if !status.success() {
        bail!("{what} failed ({status})");
    }
    Ok(())
}

/// Adds the wasm32 target through rustup when it is not installed (rust-toolchain.toml names it, but rustup
/// only installs a toolchain's targets when it installs the toolchain).
pub fn ensure_target() -> Result<()> {
    let Ok(out) = Command::new("rustup")
        .args(["target", "list", "--installed"])
        .current_dir(root())
        .output()
    else {
        // No rustup: the toolchain came some other way; let cargo say what is missing.
        return Ok(());
    };
    let installed = String::from_utf8_lossy(&out.stdout);
    if !installed
        .lines()
        .any(|l| l.trim() == "wasm32-unknown-unknown")
    {
        eprintln!("==> rustup target add wasm32-unknown-unknown");
        run(
            "rustup target add wasm32-unknown-unknown",
            Command::new("rustup")
                .args(["target", "add", "wasm32-unknown-unknown"])
                .current_dir(root()),
        )?;
    }
    Ok(())
}

/// Builds the widget into [`widget_dir`] and returns that folder.
pub fn build() -> Result<PathBuf> {
    ensure_target()?;
    eprintln!("==> cargo build -p checker-wasm (wasm32, wasm-release)");
    run(
        "cargo build of checker-wasm",
        cargo().args([
            "build",
            "--quiet",
            "-p",
            "checker-wasm",
            "--target",
            "wasm32-unknown-unknown",
            "--profile",
            "wasm-release",
            "--no-default-features",
        ]),
    )?;
    let wasm = target_dir().join("wasm32-unknown-unknown/wasm-release/checker_wasm.wasm");
    let out = widget_dir();
    let staging = out.with_extension("staging");
    if staging.exists() {
        std::fs::remove_dir_all(&staging)
            .with_context(|| format!("failed to clear {}", staging.display()))?;
    }
    std::fs::create_dir_all(&staging)
        .with_context(|| format!("failed to create {}", staging.display()))?;

    eprintln!("==> wasm-bindgen (wasm-bindgen-cli-support, the version Cargo.lock pins)");
    wasm_bindgen_cli_support::Bindgen::new()
        .input_path(&wasm)
        .out_name(OUT_NAME)
        .web(true)
        .map_err(|e| anyhow::anyhow!("{e:#}"))?
        .typescript(true)
        .generate(&staging)
        .map_err(|e| anyhow::anyhow!("wasm-bindgen on {}: {e:#}", wasm.display()))?;

    let bg = staging.join(format!("{OUT_NAME}_bg.wasm"));
    optimise(&bg)?;
    let glue = staging.join(format!("{OUT_NAME}.js"));
    let text = std::fs::read_to_string(&glue)?;
    std::fs::write(&glue, minify_js(&text, &glue)?)?;

    // The widget's own files load the others with `?v=dev`; the build's version replaces `dev`, so a browser
    // never pairs a cached engine with a newer script (or the reverse).
    let version = version(&[
        &std::fs::read(&bg)?,
        &std::fs::read(staging.join(format!("{OUT_NAME}.js")))?,
    ]);
    for entry in std::fs::read_dir(sources_dir())
        .with_context(|| format!("failed to list {}", sources_dir().display()))?
    {
        let path = entry?.path();
        if !path.is_file() {
            continue;
        }
        let name = path.file_name().context("file name")?;
        let text = std::fs::read_to_string(&path)
            .with_context(|| format!("failed to read {}", path.display()))?;
        let text = text.replace("?v=dev", &format!("?v={version}"));
        let text = match path.extension().and_then(|e| e.to_str()) {
            Some("js") => minify_js(&text, &path)?,
            Some("css") => minify_css(&text, &path)?,
            _ => text,
        };
        std::fs::write(staging.join(name), text)
            .with_context(|| format!("failed to write {}", staging.join(name).display()))?;
    }

    if out.exists() {
        std::fs::remove_dir_all(&out)
            .with_context(|| format!("failed to replace {}", out.display()))?;
    }
    std::fs::rename(&staging, &out)
        .with_context(|| format!("failed to move {} to {}", staging.display(), out.display()))?;
    Ok(out)
}

/// Minifies an ES module with oxc: comments and whitespace gone, and every name that is not exported or a
/// property shortened, module-level ones included (a module's top level is its own scope), so the
/// wasm-bindgen glue still finds its imports and the widget keeps its API. The codegen must be handed the
/// mangler's scoping, or it prints the original names.
fn minify_js(code: &str, path: &Path) -> Result<String> {
    let allocator = oxc_allocator::Allocator::default();
    let parsed = oxc_parser::Parser::new(&allocator, code, oxc_span::SourceType::mjs()).parse();
    if let Some(e) = parsed.errors.first() {
        anyhow::bail!("{}: not valid JavaScript: {e}", path.display());
    }
    let mut program = parsed.program;
    let minified = oxc_minifier::Minifier::new(oxc_minifier::MinifierOptions {
        mangle: Some(oxc_minifier::MangleOptions {
            top_level: true,
            ..oxc_minifier::MangleOptions::default()
        }),
        compress: Some(oxc_minifier::CompressOptions::safest()),
    })
    .minify(&allocator, &mut program);
    Ok(oxc_codegen::Codegen::new()
        .with_options(oxc_codegen::CodegenOptions::minify())
        .with_scoping(minified.scoping)
        .build(&program)
        .code)
}

/// Minifies a stylesheet with lightningcss (comments and whitespace gone, colours and values shortened, rules
/// merged), the crate and version minify-html already builds for the generator.
fn minify_css(code: &str, path: &Path) -> Result<String> {
    use lightningcss::stylesheet::{MinifyOptions, ParserOptions, PrinterOptions, StyleSheet};
    let mut sheet = StyleSheet::parse(code, ParserOptions::default())
        .map_err(|e| anyhow::anyhow!("{}: not valid CSS: {e}", path.display()))?;
    sheet
        .minify(MinifyOptions::default())
        .map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?;
    let printed = sheet
        .to_css(PrinterOptions {
            minify: true,
            ..PrinterOptions::default()
        })
        .map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?;
    Ok(printed.code)
}

/// A short, stable fingerprint of the files (64-bit FNV-1a, hex): any change to the engine changes it.
fn version(parts: &[&[u8]]) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for part in parts {
        for &b in *part {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0000_0100_0000_01b3);
        }
    }
    format!("{:012x}", h >> 16)
}

/// Runs `wasm-opt` in place when it is installed (Debian's `binaryen`); under CI its absence is an error, since
/// the widget would then be built larger than the one readers get.
fn optimise(wasm: &Path) -> Result<()> {
    if Command::new("wasm-opt").arg("--version").output().is_err() {
        if crate::ci::is_ci() {
            bail!(
                "wasm-opt not found (apt-get install binaryen; .ci/run installs it): under CI the widget \
                 must be built as published"
            );
        }
        eprintln!(
            "note: wasm-opt not found (apt-get install binaryen); the widget is a little larger"
        );
        return Ok(());
    }
    eprintln!("==> wasm-opt");
    // -O1, not -Oz: -Oz makes the file 7 % smaller raw but 3 % larger after brotli or gzip (inlining defeats
    // the compressor), and compressed bytes are what readers download (measured with binaryen 108). After it,
    // dead-argument elimination (with the optimisations it enables) and dropping the producers and debug
    // sections take another 1.1 KB brotli off (116.8 → 115.7 KB on 2026-12-02); -O2/-Os/-Oz, inlining and
    // merging similar functions all made it larger.
    // rustc's output uses these features; wasm-bindgen strips the section that would tell wasm-opt so.
    let features = [
        "--enable-bulk-memory",
        "--enable-sign-ext",
        "--enable-nontrapping-float-to-int",
        "--enable-mutable-globals",
        "--enable-reference-types",
        "--enable-multivalue",
    ];
    run(
        "wasm-opt",
        Command::new("wasm-opt")
            .args([
                "-O1",
                "--dae-optimizing",
                "--strip-producers",
                "--strip-debug",
            ])
            .args(features)
            .arg(wasm)
            .arg("-o")
            .arg(wasm),
    )
}

/// One file's size as served: raw, and compressed when the compressor is installed.
#[derive(Clone, Debug)]
pub struct Size {
    /// File name.
    pub name: String,
    /// Bytes on disk.
    pub raw: u64,
    /// Bytes after `gzip -9`.
    pub gzip: Option<u64>,
    /// Bytes after `brotli` (quality 11).
    pub brotli: Option<u64>,
}

/// The sizes of the files in `dir` (not the TypeScript declarations, which no browser loads).
pub fn sizes(dir: &Path) -> Result<Vec<Size>> {
    let mut rows = Vec::new();
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .with_context(|| format!("failed to list {}", dir.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_file() && p.extension().is_none_or(|e| e != "ts"))
        .collect();
    entries.sort();
    for path in entries {
        let raw = std::fs::metadata(&path)?.len();
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        rows.push(Size {
            name,
            raw,
            gzip: compressed(&path, "gzip", &["-9c"]),
            brotli: compressed(&path, "brotli", &["-c"]),
        });
    }
    Ok(rows)
}

/// The sizes as an aligned table with a total line.
pub fn size_table(sizes: &[Size]) -> String {
    let kb = |b: Option<u64>| b.map_or("-".to_string(), |b| format!("{:.1} KB", b as f64 / 1000.0));
    let sum = |f: fn(&Size) -> Option<u64>| sizes.iter().map(f).sum::<Option<u64>>();
    let mut out = String::new();
    let rows = sizes
        .iter()
        .map(|s| (s.name.as_str(), Some(s.raw), s.gzip, s.brotli))
        .chain([(
            "total",
            sum(|s| Some(s.raw)),
            sum(|s| s.gzip),
            sum(|s| s.brotli),
        )]);
    for (name, raw, gzip, brotli) in rows {
        out.push_str(&format!(
            "  {name:<28} {:>10} raw {:>10} gzip {:>10} brotli\n",
            kb(raw),
            kb(gzip),
            kb(brotli)
        ));
    }
    out
}

fn compressed(path: &Path, tool: &str, args: &[&str]) -> Option<u64> {
    let out = Command::new(tool).args(args).arg(path).output().ok()?;
    out.status.success().then_some(out.stdout.len() as u64)
}
