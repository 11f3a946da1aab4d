//! Scores the classifier on the single-line set, `tests/bounces/lines.toml`: replies and short pastes worded as
//! mail servers' sources and providers' documentation word them, each with the reason a mail admin would give it
//! and where the wording comes from. `cargo xtask accuracy` prints the figures; `tests/lines.rs` guards a floor.

use diagnosis::{Reason, RuleSet, classify};
use serde::Deserialize;
use std::path::{Path, PathBuf};

/// The strict score (reason equals `reason`) the test requires, in percent. The floor for single lines
/// is 92 %; the set is kept at or above it.
pub const FLOOR: f64 = 92.0;

/// The least number of cases the set must hold.
pub const MIN_CASES: usize = 150;

/// The file as written.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    line: Vec<Case>,
}

/// One case.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Case {
    /// What a reader would paste: one reply line, or a few lines of a bounce.
    pub text: String,
    /// The reason a mail admin would give it.
    pub reason: Reason,
    /// Other reasons a careful reader could defend (counted in the lenient figure only).
    #[serde(default)]
    pub also: Vec<Reason>,
    /// Where the wording is produced or documented: a URL, or a repository, path and snapshot.
    pub source: String,
    /// A wrong answer an issue lists: it must come out right, whatever the overall score.
    #[serde(default)]
    pub must: bool,
    /// Why this reason, when it is not obvious.
    #[serde(default)]
    pub note: Option<String>,
    /// The language, for lines not in English (`de`, `fr`, `ja`, …); `lines-intl.toml` gives one on every line.
    #[serde(default)]
    pub lang: Option<String>,
}

/// The result for one case.
#[derive(Clone, Debug)]
pub struct Outcome {
    /// The case.
    pub case: Case,
    /// What the classifier said.
    pub got: Reason,
    /// What decided: a rule id, a status or reply code, or nothing (a fallback).
    pub decided_by: Option<diagnosis::DecidedBy>,
}

impl Outcome {
    /// The reason is the expected one.
    pub fn strict(&self) -> bool {
        self.got == self.case.reason
    }
    /// The reason is the expected one or one of `also`.
    pub fn lenient(&self) -> bool {
        self.strict() || self.case.also.contains(&self.got)
    }
}

/// Where the set is: `tests/bounces/lines.toml` from the workspace root.
pub fn path() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/bounces/lines.toml")
}

/// Where the set in other languages is: `tests/bounces/lines-intl.toml`, same format, a `lang` on every line.
pub fn intl_path() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/bounces/lines-intl.toml")
}

/// The languages the rules cover; `lines-intl.toml` keeps at least [`PER_LANGUAGE`] lines of each.
pub const LANGUAGES: [&str; 7] = ["de", "fr", "es", "pt", "it", "nl", "ja"];

/// The least number of lines each of [`LANGUAGES`] has in `lines-intl.toml`.
pub const PER_LANGUAGE: usize = 5;

/// Reads and checks the set: every case has text and a source, and no text is there twice.
pub fn load(path: &Path) -> anyhow::Result<Vec<Case>> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| anyhow::anyhow!("reading {}: {e}", path.display()))?;
    let file: File =
        toml::from_str(&text).map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?;
    let mut seen = std::collections::HashSet::new();
    for (i, c) in file.line.iter().enumerate() {
        let n = i + 1;
        anyhow::ensure!(
            !c.text.trim().is_empty(),
            "{}: case {n} has no text",
            path.display()
        );
        anyhow::ensure!(
            !c.source.trim().is_empty(),
            "{}: case {n} ({:?}) has no source",
            path.display(),
            c.text
        );
        anyhow::ensure!(
            !c.also.contains(&c.reason),
            "{}: case {n} ({:?}) lists its own reason in `also`",
            path.display(),
            c.text
        );
        anyhow::ensure!(
            seen.insert(c.text.as_str()),
            "{}: case {n} repeats the text {:?}",
            path.display(),
            c.text
        );
    }
    Ok(file.line)
}

/// Classifies every case as a reader's paste.
pub fn run(cases: &[Case], rules: &RuleSet) -> Vec<Outcome> {
    cases
        .iter()
        .map(|c| {
            let d = classify(c.text.as_bytes(), rules);
            let first = d.bounces.first();
            Outcome {
                case: c.clone(),
                got: first.map_or(Reason::Undefined, |b| b.reason),
                decided_by: first.and_then(|b| b.decided_by.clone()),
            }
        })
        .collect()
}

/// Strict and lenient hits over the total.
#[derive(Clone, Copy, Debug)]
pub struct Figures {
    /// Reason equals the expected one.
    pub strict: crate::accuracy::Ratio,
    /// Reason is the expected one or a listed alternative.
    pub lenient: crate::accuracy::Ratio,
}

/// The figures of a run.
pub fn figures(outcomes: &[Outcome]) -> Figures {
    let mut strict = crate::accuracy::Ratio::default();
    let mut lenient = crate::accuracy::Ratio::default();
    for o in outcomes {
        strict.add(o.strict());
        lenient.add(o.lenient());
    }
    Figures { strict, lenient }
}

/// One line per case that is not a strict hit: what came out, what was expected, and the text.
pub fn misses(outcomes: &[Outcome]) -> Vec<String> {
    outcomes
        .iter()
        .filter(|o| !o.strict())
        .map(|o| {
            format!(
                "{} (decided by {}), expected {}{}{} | {}",
                o.got,
                o.decided_by
                    .as_ref()
                    .map_or("-".to_string(), ToString::to_string),
                o.case.reason,
                if o.lenient() { ", lenient hit" } else { "" },
                if o.case.must { ", MUST" } else { "" },
                o.case.text.replace('\n', " / ")
            )
        })
        .collect()
}
