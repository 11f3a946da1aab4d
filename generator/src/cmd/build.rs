//! `bouncebook build`: load the site, refuse it when anything in it is wrong, build it into the output folder
//! (the `build` module) and say what was built.

use super::say;
use crate::build::{self, BuildOptions};
use crate::config::Overrides;
use crate::load::load_site;
use anyhow::{Result, bail};
use std::path::Path;
use std::process::ExitCode;
use std::time::Instant;

/// How `build` was asked to build.
#[derive(Clone, Copy, Debug, Default)]
pub struct Flags {
    /// Minify HTML (`--no-minify` turns it off).
    pub minify: bool,
    /// Print how long each stage took.
    pub timings: bool,
    /// Replace an output folder (or file) bouncebook did not make.
    pub force: bool,
    /// Fail when this binary carries no browser checker.
    pub require_checker: bool,
}

/// Removes the staging folder when the build is interrupted (Ctrl+C, SIGTERM), then exits as the shell expects.
fn clean_up_on_signal() {
    // Only the first handler can be set; a second build in the same process keeps it.
    let _ = ctrlc::set_handler(|| {
        crate::output::staging::remove_live();
        eprintln!("interrupted: nothing was written, and the output folder is as it was");
        std::process::exit(130);
    });
}

/// Builds the site at `root`.
pub fn run(root: &Path, overrides: Overrides, flags: &Flags) -> Result<ExitCode> {
    if flags.require_checker && !crate::widget::is_built() {
        bail!(
            "--require-checker: this bouncebook carries no browser checker, so the site would have no paste box; \
             install a complete one with `cargo xtask install` (or run `cargo xtask widget`, then rebuild)"
        );
    }
    let started = Instant::now();
    let loaded = load_site(root, overrides)?;
    let load_time = started.elapsed();
    let site = match loaded {
        Ok(site) => site,
        Err(errors) => {
            super::print_problems(&errors);
            eprintln!(
                "error: {} problem(s) in the config; nothing was built",
                errors.len()
            );
            return Ok(ExitCode::from(1));
        }
    };
    if !site.errors.is_empty() {
        super::print_problems(&site.errors);
        eprintln!(
            "error: {} problem(s); nothing was written, and {} is as it was",
            site.errors.len(),
            site.settings.output.display()
        );
        return Ok(ExitCode::from(1));
    }
    clean_up_on_signal();
    let report = build::build(
        &site,
        &BuildOptions {
            minify: flags.minify,
            inject: None,
            force: flags.force,
        },
    )?;
    if !report.widget {
        eprintln!("{}", crate::widget::note());
    }
    if !report.removed.is_empty() {
        eprintln!(
            "--force: removed what bouncebook had not made in {}: {}",
            site.settings.output.display(),
            report.removed.join(", ")
        );
    }
    say!("{report}")?;
    if flags.timings {
        say!(
            "{:>8.1} ms  read and check content and theme",
            load_time.as_secs_f64() * 1000.0
        )?;
        for (stage, time) in &report.timings {
            say!("{:>8.1} ms  {stage}", time.as_secs_f64() * 1000.0)?;
        }
        say!(
            "{:>8.1} ms  in all",
            started.elapsed().as_secs_f64() * 1000.0
        )?;
    }
    say!("output: {}", site.settings.output.display())?;
    Ok(ExitCode::SUCCESS)
}
