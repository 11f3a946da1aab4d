//! Embeds the built browser checker (`cargo xtask widget` writes it to `target/widget/`) so `bouncebook build` can
//! write it into every site with no Rust or wasm toolchain on the writer's machine. When it was not built, the
//! binary carries none and `bouncebook build` says so; everything else works.

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
