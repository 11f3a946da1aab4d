//! `bouncebook classify`: the diagnosis on the command line, for people (`human`) and programs (`json`,
//! `jsonl`).

use diagnosis::{Bounce, Diagnosis, RuleSet};
use serde::Serialize;
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};

/// Output formats.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Aligned text for people, colored on a terminal unless NO_COLOR is set.
    Human,
    /// One JSON array of every input's result.
    Json,
    /// One JSON object per input, one per line.
    Jsonl,
}

/// The result for one input.
#[derive(Debug, Serialize)]
pub struct Outcome {
    /// The input's path, or `-` for standard input.
    pub input: String,
    /// One entry per recipient; empty for ordinary mail or an unreadable input.
    pub bounces: Vec<Bounce>,
    /// Why the input could not be read.
    pub error: Option<String>,
}

/// Expands the command line's paths: files as given, folders into every file below them sorted by path, none or
/// `-` into standard input. Folders that cannot be listed become error entries.
pub fn expand(paths: &[PathBuf]) -> Vec<Result<PathBuf, (PathBuf, String)>> {
    if paths.is_empty() {
        return vec![Ok(PathBuf::from("-"))];
    }
    let mut out = Vec::new();
    for p in paths {
        if p.is_dir() {
            let mut files = Vec::new();
            for entry in walkdir::WalkDir::new(p).sort_by_file_name() {
                match entry {
                    Ok(e) if e.file_type().is_file() => files.push(Ok(e.into_path())),
                    Ok(_) => {}
                    Err(e) => files.push(Err((p.clone(), e.to_string()))),
                }
            }
            out.extend(files);
        } else {
            out.push(Ok(p.clone()));
        }
    }
    out
}

/// Classifies one input.
pub fn run_one(item: Result<PathBuf, (PathBuf, String)>, rules: &RuleSet) -> Outcome {
    let (path, read) = match item {
        Ok(p) => {
            let r = read_input(&p);
            (p, r)
        }
        Err((p, e)) => (p, Err(e)),
    };
    let input = path.display().to_string();
    match read {
        Ok(bytes) => {
            let d: Diagnosis = diagnosis::classify(&bytes, rules);
            Outcome {
                input,
                bounces: d.bounces,
                error: None,
            }
        }
        Err(e) => Outcome {
            input,
            bounces: Vec::new(),
            error: Some(e),
        },
    }
}

fn read_input(path: &Path) -> Result<Vec<u8>, String> {
    if path == Path::new("-") {
        let mut buf = Vec::new();
        io::stdin()
            .read_to_end(&mut buf)
            .map_err(|e| format!("cannot read standard input: {e}"))?;
        return Ok(buf);
    }
    std::fs::read(path).map_err(|e| format!("cannot read {}: {e}", path.display()))
}

/// Writes one outcome in a line-oriented format (human or jsonl). `json` is written by [`write_json`].
pub fn write_outcome(
    out: &mut dyn Write,
    o: &Outcome,
    format: Format,
    color: bool,
    rules: &RuleSet,
) -> io::Result<()> {
    match format {
        Format::Jsonl => {
            serde_json::to_writer(&mut *out, o).map_err(io::Error::other)?;
            writeln!(out)
        }
        Format::Json => Ok(()),
        Format::Human => write_human(out, o, color, rules),
    }
}

/// Writes every outcome as one JSON array.
pub fn write_json(out: &mut dyn Write, all: &[Outcome]) -> io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, all).map_err(io::Error::other)?;
    writeln!(out)
}

struct Style {
    on: bool,
}

impl Style {
    fn paint(&self, code: &str, s: &str) -> String {
        if self.on {
            format!("\x1b[{code}m{s}\x1b[0m")
        } else {
            s.to_string()
        }
    }
}

fn write_human(out: &mut dyn Write, o: &Outcome, color: bool, rules: &RuleSet) -> io::Result<()> {
    let st = Style { on: color };
    writeln!(out, "{}", st.paint("1", &o.input))?;
    if let Some(e) = &o.error {
        return writeln!(out, "  {} {e}", st.paint("31;1", "error:"));
    }
    if o.bounces.is_empty() {
        return writeln!(out, "  not a bounce: this is ordinary mail, nothing failed");
    }
    for b in &o.bounces {
        let info = rules.reason_info(b.reason);
        let title = info.map_or(b.reason.description(), |i| i.title.as_str());
        let mark = match (b.reason.is_failure(), b.permanent) {
            (false, _) => st.paint("32;1", "i"),
            (true, Some(false)) => st.paint("33;1", "!"),
            _ => st.paint("31;1", "x"),
        };
        let who = b.recipient.as_deref().unwrap_or("(recipient not named)");
        writeln!(out, "  {mark} {who}")?;
        let row = |out: &mut dyn Write, k: &str, v: &str| {
            writeln!(out, "    {:<13} {v}", st.paint("2", k))
        };
        row(out, "what happened", &format!("{title} ({})", b.reason))?;
        let mut codes = Vec::new();
        if let Some(r) = b.reply_code {
            codes.push(format!("reply {r}"));
        }
        if let Some(s) = b.status {
            codes.push(format!("status {s}"));
        }
        match b.permanent {
            Some(true) => codes.push("permanent".into()),
            Some(false) => codes.push("temporary: the server will retry".into()),
            None => {}
        }
        if b.hard_bounce {
            codes.push("hard bounce: the address itself is bad".into());
        }
        if !codes.is_empty() {
            row(out, "codes", &codes.join(", "))?;
        }
        let advice = info.map(|i| i.advice.as_str()).filter(|a| !a.is_empty());
        let act = match advice {
            Some(a) => format!("{}: {a}", b.actor.describe()),
            None => b.actor.describe().to_string(),
        };
        row(out, "who must act", &act)?;
        if let Some(d) = &b.diagnostic {
            row(out, "server said", d)?;
        }
        if let Some(m) = &b.remote_mta {
            row(out, "remote server", m)?;
        }
        if let Some(a) = &b.article {
            row(out, "read", a)?;
        }
        if let Some(by) = &b.decided_by {
            row(out, "decided by", &by.to_string())?;
        }
    }
    Ok(())
}
