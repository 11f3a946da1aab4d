//! Staging folders (`.public.staging-PID` beside `public`): the builds in progress, so a Ctrl+C or SIGTERM can
//! remove them, and the ones that interrupted builds left, which the next build removes.

use super::MARKER;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// Between the output folder's name and the builder's process id.
pub(super) const INFIX: &str = ".staging-";

/// The staging folders of this process's builds in progress.
static LIVE: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());

pub(super) fn register(dir: &Path) {
    LIVE.lock()
        .unwrap_or_else(|e| e.into_inner())
        .push(dir.to_path_buf());
}

pub(super) fn unregister(dir: &Path) {
    LIVE.lock()
        .unwrap_or_else(|e| e.into_inner())
        .retain(|d| d != dir);
}

/// Removes the staging folders of builds in progress (for the SIGINT/SIGTERM handler; the process then exits).
pub(crate) fn remove_live() {
    let dirs = std::mem::take(&mut *LIVE.lock().unwrap_or_else(|e| e.into_inner()));
    for dir in dirs {
        let _ = std::fs::remove_dir_all(&dir);
        let old = dir.with_file_name(format!(
            "{}.old",
            dir.file_name().unwrap_or_default().to_string_lossy()
        ));
        // `.old` exists only between the two renames of the swap; the site is then in staging or in place.
        if old.join(MARKER).is_file() && !dir.exists() {
            let _ = std::fs::remove_dir_all(&old);
        }
    }
}

/// Removes `.NAME.staging-PID` (and `….old`) folders in `parent` that hold the marker and whose process has
/// ended. Where it cannot be told whether a process is running (no `/proc`), nothing is removed.
pub(super) fn remove_stale(parent: &Path, name: &str) {
    let prefix = format!(".{name}{INFIX}");
    let Ok(entries) = std::fs::read_dir(parent) else {
        return;
    };
    for entry in entries.flatten() {
        let file_name = entry.file_name().to_string_lossy().into_owned();
        let Some(rest) = file_name.strip_prefix(&prefix) else {
            continue;
        };
        let pid = rest.strip_suffix(".old").unwrap_or(rest);
        if pid.is_empty() || !pid.bytes().all(|b| b.is_ascii_digit()) || !ended(pid) {
            continue;
        }
        let path = entry.path();
        if path.join(MARKER).is_file() {
            let _ = std::fs::remove_dir_all(&path);
        }
    }
}

/// Whether process `pid` has ended (false when that cannot be told).
fn ended(pid: &str) -> bool {
    if pid == std::process::id().to_string() {
        return false;
    }
    Path::new("/proc/self").exists() && !Path::new("/proc").join(pid).exists()
}
