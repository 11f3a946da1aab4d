//! The `bouncebook` command line.

use anyhow::Result;
use clap::{CommandFactory, Parser, Subcommand};
use diagnosis::explain::Pages;
use generator::cmd::classify::{self, Format};
use generator::cmd::{self, new};
use generator::config::Overrides;
use rayon::prelude::*;
use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Parser)]
#[command(
    name = "bouncebook",
    version = generator::cmd::version(),
    about = "Explain bounced email: a help-site generator and a bounce classifier"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Build the site into the output folder (bouncebook.toml `output-dir`, default `public`).
    Build {
        /// The site's folder (holds bouncebook.toml and content/).
        #[arg(long, value_name = "DIR", default_value = ".")]
        root: PathBuf,
        /// Build into this folder instead of the configured one.
        #[arg(long, value_name = "DIR")]
        output: Option<PathBuf>,
        /// Publish under this URL instead of the configured `base-url`.
        #[arg(long, value_name = "URL")]
        base_url: Option<String>,
        /// Write HTML as rendered, not minified (to read or diff the output).
        #[arg(long)]
        no_minify: bool,
        /// Print how long each stage took.
        #[arg(long)]
        timings: bool,
        /// Replace the output folder even when bouncebook did not make it (it says what it removed).
        #[arg(long)]
        force: bool,
        /// Fail when this bouncebook carries no browser checker (for CI and deploys).
        #[arg(long)]
        require_checker: bool,
    },
    /// Create a new site: bouncebook.toml, one article, one decision tree and one rule file.
    Init {
        /// The new site's folder (created if needed; it must not hold a site already).
        #[arg(value_name = "DIR", default_value = ".")]
        dir: PathBuf,
    },
    /// Build, serve on localhost, and rebuild and reload the page on every change.
    Serve {
        /// The site's folder.
        #[arg(long, value_name = "DIR", default_value = ".")]
        root: PathBuf,
        /// Port to listen on.
        #[arg(long, default_value_t = 8000)]
        port: u16,
        /// Address to listen on.
        #[arg(long, default_value = "127.0.0.1")]
        bind: String,
        /// Build every page on every change, not only the pages a change touches (slower; to compare).
        #[arg(long)]
        full_rebuilds: bool,
    },
    /// Show what the site's search page finds for a query (an error line, a code, a few words).
    Search {
        /// The site's folder.
        #[arg(long, value_name = "DIR", default_value = ".")]
        root: PathBuf,
        /// How many results to show per query.
        #[arg(long, default_value_t = 10)]
        limit: usize,
        /// Print one JSON object per query (`{"query": …, "results": [url, …]}`).
        #[arg(long)]
        json: bool,
        /// The queries; none reads one per line from standard input.
        queries: Vec<String>,
    },
    /// Report every problem in the site's content, rules and theme as file:line:col, without building.
    Check {
        /// The site's folder.
        #[arg(long, value_name = "DIR", default_value = ".")]
        root: PathBuf,
    },
    /// Create a new article or decision tree from a template.
    New {
        /// What to create.
        #[command(subcommand)]
        what: NewKind,
        /// The site's folder.
        #[arg(long, value_name = "DIR", default_value = ".", global = true)]
        root: PathBuf,
    },
    /// Print shell completions: `bouncebook completions bash > ~/.local/share/bash-completion/completions/bouncebook`.
    Completions {
        /// The shell: bash, zsh, fish, elvish or powershell.
        shell: clap_complete::Shell,
    },
    /// Diagnose bounces: files, folders (every file below, sorted) or standard input.
    Classify {
        /// Output format.
        #[arg(long, value_enum, default_value = "human")]
        format: Format,
        /// A folder of rule files (content/rules layout) to use instead of the bundled rules.
        #[arg(long, value_name = "DIR", conflicts_with = "root")]
        rules: Option<PathBuf>,
        /// Reason names: `legacy` (Sisimai before 5.6, which the labeled corpus uses) or `current` (Sisimai
        /// 5.6 and later: `ratelimited` for toomanyconn and speeding, `emailtoolarge` for mesgtoobig and
        /// exceedlimit).
        #[arg(long, default_value = "legacy", value_name = "legacy|current", value_parser = str::parse::<diagnosis::ReasonNames>)]
        reason_names: diagnosis::ReasonNames,
        /// A site whose rules to use, and whose pages (under its `base-url`) the answers link to.
        #[arg(long, value_name = "DIR")]
        root: Option<PathBuf>,
        /// Files or folders; none or `-` reads standard input.
        paths: Vec<PathBuf>,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(code) => code,
        // The reader went away (`bouncebook check | head`): stop quietly, as other Unix tools do.
        Err(e) if cmd::is_broken_pipe(&e) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            for cause in e.chain().skip(1) {
                eprintln!("caused by: {cause}");
            }
            ExitCode::from(2)
        }
    }
}

#[derive(Subcommand)]
enum NewKind {
    /// content/articles/SLUG.md
    Article {
        /// The article's slug: lowercase letters, digits and dashes (`mailbox-full`).
        slug: String,
    },
    /// content/trees/SLUG.toml
    Tree {
        /// The tree's slug.
        slug: String,
    },
}

fn run(cli: Cli) -> Result<ExitCode> {
    match cli.command {
        Command::Build {
            root,
            output,
            base_url,
            no_minify,
            timings,
            force,
            require_checker,
        } => cmd::build::run(
            &root,
            Overrides { output, base_url },
            &cmd::build::Flags {
                minify: !no_minify,
                timings,
                force,
                require_checker,
            },
        ),
        Command::Init { dir } => cmd::init::run(&dir),
        Command::Completions { shell } => {
            // Into memory first: clap_complete panics when it cannot write (`| head`), and a closed standard
            // output must end the program quietly.
            let mut script = Vec::new();
            clap_complete::generate(shell, &mut Cli::command(), "bouncebook", &mut script);
            let mut out = std::io::stdout().lock();
            out.write_all(&script)?;
            out.flush()?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Serve {
            root,
            port,
            bind,
            full_rebuilds,
        } => {
            cmd::serve::serve(cmd::serve::ServeOptions {
                root,
                bind,
                port,
                full_rebuilds,
            })?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Check { root } => cmd::check::run(&root),
        Command::New { what, root } => {
            let (kind, slug) = match what {
                NewKind::Article { slug } => (new::Kind::Article, slug),
                NewKind::Tree { slug } => (new::Kind::Tree, slug),
            };
            cmd::new::run(&root, kind, &slug)
        }
        Command::Classify {
            format,
            rules,
            root,
            reason_names,
            paths,
        } => classify_cmd(format, rules, root, reason_names, &paths),
        Command::Search {
            root,
            limit,
            json,
            queries,
        } => {
            let output = if json {
                cmd::search::Output::Json
            } else {
                cmd::search::Output::Human
            };
            cmd::search::run(&root, &queries, limit, output)?;
            Ok(ExitCode::SUCCESS)
        }
    }
}

fn classify_cmd(
    format: Format,
    rules_dir: Option<PathBuf>,
    root: Option<PathBuf>,
    names: diagnosis::ReasonNames,
    paths: &[PathBuf],
) -> Result<ExitCode> {
    // Rule problems go to stderr one per line, then the error says whose rules they were.
    fn rule_errors(errors: &[impl std::fmt::Display], summary: String) -> anyhow::Error {
        for e in errors {
            eprintln!("{e}");
        }
        anyhow::anyhow!(summary)
    }
    let owned;
    let mut pages = None;
    let rules = match (rules_dir, root) {
        (_, Some(root)) => {
            let (set, site) = cmd::links::SitePages::of_site(&root)?;
            owned = set;
            pages = Some(site);
            &owned
        }
        (Some(dir), None) => match generator::load::rules(&dir)? {
            Ok(set) => {
                owned = set;
                &owned
            }
            Err(errors) => {
                let summary = format!(
                    "{} error(s) in the rules under {}",
                    errors.len(),
                    dir.display()
                );
                return Err(rule_errors(&errors, summary));
            }
        },
        (None, None) => {
            pages = Some(cmd::links::SitePages::bundled());
            diagnosis::RuleSet::try_bundled().map_err(|errors| {
                let summary = format!(
                    "the rules built into this bouncebook did not load ({} error(s)); rebuild it from rule \
                     files that pass `bouncebook check`",
                    errors.len()
                );
                rule_errors(errors, summary)
            })?
        }
    };
    // Rules from a bare folder name their pages by source key only: no site says where those are published.
    let pages = match &pages {
        Some(p) => Pages::Site {
            site: &p.site,
            base: &p.base_url,
        },
        None => Pages::Sources,
    };
    let color = format == Format::Human && classify::colour_wanted(std::io::stdout().is_terminal());
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    let mut failed = 0;
    let mut all = Vec::new();
    // Inputs are classified on every core, a batch at a time, and written in the order given: rayon's ordered
    // collect keeps the order, its work stealing evens out files of very different sizes, and batches keep the
    // output streaming and the memory bounded on a folder of a million files.
    let items = classify::expand(paths);
    let batch = 64 * rayon::current_num_threads().max(1);
    let mut items = items.into_iter().peekable();
    while items.peek().is_some() {
        let chunk: Vec<_> = items.by_ref().take(batch).collect();
        let outcomes: Vec<classify::Outcome> = chunk
            .into_par_iter()
            .map(|item| classify::run_one(item, rules, &pages, names))
            .collect();
        for outcome in outcomes {
            if let Some(e) = &outcome.error {
                failed += 1;
                // Human output lists the error in its place; the machine formats carry it in `error`, and
                // stderr says it for whoever watches the terminal.
                if format != Format::Human {
                    eprintln!("error: {e}");
                }
            }
            if format == Format::Json {
                all.push(outcome);
            } else {
                classify::write_outcome(&mut out, &outcome, format, color)?;
            }
        }
    }
    if format == Format::Json {
        classify::write_json(&mut out, &all)?;
    }
    out.flush()?;
    if failed > 0 && format == Format::Human {
        eprintln!("error: {failed} input(s) could not be read (listed above)");
    }
    Ok(if failed > 0 {
        ExitCode::from(2)
    } else {
        ExitCode::SUCCESS
    })
}
