//! `bouncebook search`: what the site's search page answers for a query, ranked by the same index and the same
//! reference ranking ([`crate::search::Index::search`]) the browser reproduces. Writers use it to see which page
//! a pasted bounce finds; the browser test uses its JSON to check the search page ranks exactly as Rust does.

use crate::cmd::classify::clean;
use crate::config::Overrides;
use crate::load::load_site;
use crate::pages::Catalog;
use crate::search;
use anyhow::{Context, Result, bail};
use std::io::{BufRead, Write};
use std::path::Path;

/// How to print the results.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Output {
    /// `query`, then one numbered `url  title` line per result.
    Human,
    /// One JSON object per query and line: `{"query": …, "results": [url, …]}`.
    Json,
}

/// Ranks `queries` (one per line of standard input when empty) over the site at `root` and prints the first
/// `limit` results of each.
pub fn run(root: &Path, queries: &[String], limit: usize, output: Output) -> Result<()> {
    let site = match load_site(root, Overrides::default())? {
        Ok(site) => site,
        Err(errors) => {
            for e in &errors {
                eprintln!("{e}");
            }
            bail!(
                "{} error(s) in the site at {}: fix them (`bouncebook check`) and search again",
                errors.len(),
                root.display()
            );
        }
    };
    let catalog = Catalog::new(&site.library);
    let docs = search::documents(&site.library, &catalog);
    let index = search::build(&docs);
    let stdin_queries;
    let queries = if queries.is_empty() {
        stdin_queries = std::io::stdin()
            .lock()
            .lines()
            .collect::<Result<Vec<String>, _>>()
            .context("failed to read queries from standard input")?;
        &stdin_queries[..]
    } else {
        queries
    };
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    for q in queries.iter().filter(|q| !q.trim().is_empty()) {
        let hits = index.search(q, limit);
        match output {
            Output::Json => {
                let urls: Vec<&str> = hits.iter().map(|&(d, _)| docs[d].url.as_ref()).collect();
                let line = serde_json::json!({ "query": q, "results": urls });
                writeln!(out, "{line}")?;
            }
            Output::Human => {
                writeln!(out, "{}", clean(q))?;
                if hits.is_empty() {
                    writeln!(out, "   nothing found")?;
                }
                for (i, &(d, _)) in hits.iter().enumerate() {
                    let doc = &docs[d];
                    writeln!(
                        out,
                        "{:>3}. {}  {}",
                        i + 1,
                        clean(&doc.url),
                        clean(&doc.title)
                    )?;
                }
            }
        }
    }
    out.flush()?;
    Ok(())
}
