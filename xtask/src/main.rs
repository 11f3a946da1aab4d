//! `cargo xtask test|serve|bench|accuracy`: the project's tasks, in Rust so they run the same everywhere.

use anyhow::{Context, Result, bail};
use std::process::Command;
use xtask::accuracy;

fn main() {
    if let Err(e) = run() {
        eprintln!("error: {e:#}");
        std::process::exit(1);
    }
}

fn run() -> Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        Some("accuracy") => accuracy_cmd(&args[1..]),
        Some(other) => bail!("unknown task `{other}`; expected test, serve, bench or accuracy"),
        None => bail!("usage: cargo xtask <test|serve|bench|accuracy>"),
    }
}

fn accuracy_cmd(args: &[String]) -> Result<()> {
    let corpus = accuracy::corpus_dir();
    if !corpus.join("labels.jsonl").exists() {
        bail!(
            "corpus not found at {} (set BOUNCEBOOK_CORPUS)",
            corpus.display()
        );
    }
    let show_misses = args.iter().any(|a| a == "--misses");
    let rules = diagnosis::RuleSet::bundled();
    println!("corpus: {}", corpus.display());
    println!(
        "{:<8} {:>24} {:>24} {:>24} {:>24} {:>24}",
        "part", "reason", "status", "reply", "hard bounce", "recipient count"
    );
    for part in ["emails", "pasted"] {
        let s = accuracy::score(&corpus, part, rules).with_context(|| format!("scoring {part}"))?;
        println!(
            "{part:<8} {:>24} {:>24} {:>24} {:>24} {:>24}",
            s.reason.to_string(),
            s.status.to_string(),
            s.reply.to_string(),
            s.hard.to_string(),
            s.count.to_string()
        );
        println!(
            "         not-bounce email gives no bounce: {}",
            if s.not_bounce_ok { "yes" } else { "NO" }
        );
        if show_misses {
            for m in &s.misses {
                println!("  miss {m}");
            }
            for (fam, r) in &s.families {
                if r.hit < r.total {
                    println!("  family {fam:<18} {r}");
                }
            }
        }
    }
    let _ = Command::new("true");
    Ok(())
}
