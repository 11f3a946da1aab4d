//! `bouncebook build`: load the site, refuse it when anything in it is wrong, build it into the output folder
//! (the `build` module) and say what was built.

use crate::build::{self, BuildOptions};
use crate::config::Overrides;
use crate::load::load_site;
use anyhow::Result;
use std::path::Path;
use std::process::ExitCode;
use std::time::Instant;

/// Builds the site at `root`; `timings` prints how long each stage took.
pub fn run(root: &Path, overrides: Overrides, minify: bool, timings: bool) -> Result<ExitCode> {
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
    let report = build::build(
        &site,
        &BuildOptions {
            minify,
            inject: None,
        },
    )?;
    if !report.widget {
        eprintln!("{}", crate::widget::note());
    }
    println!("{report}");
    if timings {
        println!(
            "{:>8.1} ms  read and check content and theme",
            load_time.as_secs_f64() * 1000.0
        );
        for (stage, time) in &report.timings {
            println!("{:>8.1} ms  {stage}", time.as_secs_f64() * 1000.0);
        }
        println!(
            "{:>8.1} ms  in all",
            started.elapsed().as_secs_f64() * 1000.0
        );
    }
    println!("output: {}", site.settings.output.display());
    Ok(ExitCode::SUCCESS)
}
