//! The `bouncebook` command line.

use anyhow::Result;
use clap::{Parser, Subcommand};
use generator::classify::{self, Format};
use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Parser)]
#[command(
    name = "bouncebook",
    version,
    about = "Explain bounced email: a help-site generator and a bounce classifier"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Diagnose bounces: files, folders (every file below, sorted) or standard input.
    Classify {
        /// Output format.
        #[arg(long, value_enum, default_value = "human")]
        format: Format,
        /// A folder of rule files (content/rules layout) to use instead of the bundled rules.
        #[arg(long, value_name = "DIR")]
        rules: Option<PathBuf>,
        /// Files or folders; none or `-` reads standard input.
        paths: Vec<PathBuf>,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e}");
            for cause in e.chain().skip(1) {
                eprintln!("caused by: {cause}");
            }
            ExitCode::from(2)
        }
    }
}

fn run(cli: Cli) -> Result<ExitCode> {
    match cli.command {
        Command::Classify {
            format,
            rules,
            paths,
        } => classify_cmd(format, rules, &paths),
    }
}

fn classify_cmd(format: Format, rules_dir: Option<PathBuf>, paths: &[PathBuf]) -> Result<ExitCode> {
    let owned;
    let rules = match rules_dir {
        Some(dir) => match generator::rules::load(&dir)? {
            Ok(set) => {
                owned = set;
                &owned
            }
            Err(errors) => {
                for e in &errors {
                    eprintln!("{e}");
                }
                anyhow::bail!(
                    "{} error(s) in the rules under {}",
                    errors.len(),
                    dir.display()
                );
            }
        },
        None => diagnosis::RuleSet::bundled(),
    };
    let color = format == Format::Human
        && std::io::stdout().is_terminal()
        && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty());
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    let mut failed = false;
    let mut all = Vec::new();
    for item in classify::expand(paths) {
        let outcome = classify::run_one(item, rules);
        if let Some(e) = &outcome.error {
            eprintln!("error: {e}");
            failed = true;
        }
        if format == Format::Json {
            all.push(outcome);
        } else {
            classify::write_outcome(&mut out, &outcome, format, color, rules)?;
        }
    }
    if format == Format::Json {
        classify::write_json(&mut out, &all)?;
    }
    out.flush()?;
    Ok(if failed {
        ExitCode::from(2)
    } else {
        ExitCode::SUCCESS
    })
}
