//! Staging folders (`.public.staging-PID` beside `public`): the builds in progress, so a Ctrl+C or SIGTERM can
//! remove them, and the ones that interrupted builds left, which the next build removes.

use super::MARKER;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};

/// Between the output folder's name and the builder's process id.
pub(super) const INFIX: &str = ".staging-";

/// The staging folders of this process's builds in progress.
/// The staging folders of this process's builds in progress, with the output folder each replaces.
static LIVE: Mutex<Vec<(PathBuf, PathBuf)>> = Mutex::new(Vec::new());

pub(super) fn register(staging: &Path, target: &Path) {
    LIVE.lock()
        .unwrap_or_else(|e| e.into_inner())
        .push((staging.to_path_buf(), target.to_path_buf()));
}

pub(super) fn unregister(staging: &Path) {
    LIVE.lock()
        .unwrap_or_else(|e| e.into_inner())
        .retain(|(d, _)| d != staging);
}

/// Set once the process is being interrupted: writes stop, so the staging folder stays gone.
static STOPPING: AtomicBool = AtomicBool::new(false);

/// Whether an interrupt came ([`remove_live`] ran): `write_output` then refuses to write.
pub(super) fn stopping() -> bool {
    STOPPING.load(Ordering::SeqCst)
}

/// Removes the staging folders of builds in progress (for the SIGINT/SIGTERM handler; the process then exits).
/// Writes stop first; one that was under way may recreate a folder, so the removal is done twice.
pub(crate) fn remove_live() {
    STOPPING.store(true, Ordering::SeqCst);
    let dirs = std::mem::take(&mut *LIVE.lock().unwrap_or_else(|e| e.into_inner()));
    remove_all(&dirs);
    std::thread::sleep(std::time::Duration::from_millis(50));
    remove_all(&dirs);
}

fn remove_all(dirs: &[(PathBuf, PathBuf)]) {
    for (staging, target) in dirs {
        let _ = std::fs::remove_dir_all(staging);
        let old = staging.with_file_name(format!(
            "{}.old",
            staging.file_name().unwrap_or_default().to_string_lossy()
        ));
        // `.old` exists during the swap: the previous site, moved aside. Put back when the new one is not in
        // place yet; else it is what the swap was about to remove.
        if old.symlink_metadata().is_ok() {
            if target.symlink_metadata().is_err() {
                let _ = std::fs::rename(&old, target);
            } else if old.join(MARKER).is_file() {
                let _ = std::fs::remove_dir_all(&old);
            }
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
        let target = parent.join(name);
        if rest.ends_with(".old") && target.symlink_metadata().is_err() {
            // A build that died mid-swap: this is the previous site, and nothing replaced it. Put it back.
            let _ = std::fs::rename(&path, &target);
        } else if path.join(MARKER).is_file() {
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
