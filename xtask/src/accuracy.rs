//! Scores the classifier against the labeled Sisimai corpus (`../shared/corpus/sisimai`): reason, enhanced
//! status and reply code per labeled recipient (matched by order), and the recipient count per email.

use diagnosis::{Diagnosis, RuleSet, classify};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// One expected recipient, as labeled.
#[derive(Clone, Debug, Deserialize)]
pub struct Expected {
    /// Enhanced status code, may be empty or a Sisimai pseudo code.
    pub status: String,
    /// Reply code, may be empty.
    pub reply_code: String,
    /// Sisimai's reason.
    pub reason: String,
    /// Sisimai's hard bounce flag.
    pub hardbounce: bool,
}

/// One labeled email.
#[derive(Clone, Debug, Deserialize)]
pub struct Label {
    /// File name under `emails/`.
    pub file: String,
    /// Mail server family.
    pub family: String,
    /// Expected recipients in order.
    pub expected: Vec<Expected>,
}

/// Hits over totals for one measure.
#[derive(Clone, Copy, Debug, Default)]
pub struct Ratio {
    /// Correct.
    pub hit: usize,
    /// Scored.
    pub total: usize,
}

impl Ratio {
    /// Counts one case, a hit when `ok`.
    pub fn add(&mut self, ok: bool) {
        self.total += 1;
        self.hit += usize::from(ok);
    }
    /// Percentage; 0 when nothing was scored, so an empty total (a missing or misread corpus) can meet no floor.
    pub fn percent(self) -> f64 {
        if self.total == 0 {
            0.0
        } else {
            100.0 * self.hit as f64 / self.total as f64
        }
    }
}

impl std::fmt::Display for Ratio {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.total == 0 {
            write!(f, "{:>8} (0/0)", "none")
        } else {
            write!(f, "{:6.2} % ({}/{})", self.percent(), self.hit, self.total)
        }
    }
}

/// Scores for one part of the corpus (`emails` or `pasted`).
#[derive(Clone, Debug, Default)]
pub struct Scores {
    /// Reason per labeled recipient.
    pub reason: Ratio,
    /// Status per recipient whose label is a real RFC 3463 code.
    pub status: Ratio,
    /// Reply code per recipient whose label has one.
    pub reply: Ratio,
    /// Hard bounce flag per labeled recipient.
    pub hard: Ratio,
    /// Emails whose recipient count is right.
    pub count: Ratio,
    /// Not-bounce emails (labeled with no recipient) that gave no bounce.
    pub not_bounce: Ratio,
    /// Whether there was a not-bounce email and every one gave no bounce.
    pub not_bounce_ok: bool,
    /// Reason score per family.
    pub families: BTreeMap<String, Ratio>,
    /// One line per miss: file, position, expected, got.
    pub misses: Vec<String>,
}

/// Reads `labels.jsonl`.
pub fn labels(corpus: &Path) -> anyhow::Result<Vec<Label>> {
    let text = std::fs::read_to_string(corpus.join("labels.jsonl"))?;
    text.lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| Ok(serde_json::from_str(l)?))
        .collect()
}

/// Where the corpus is: `$BOUNCEBOOK_CORPUS`, else `../shared/corpus/sisimai` from the workspace root.
pub fn corpus_dir() -> PathBuf {
    if let Ok(p) = std::env::var("BOUNCEBOOK_CORPUS") {
        return PathBuf::from(p);
    }
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/corpus/sisimai")
}

/// The rule files under `dir` (a copy of `content/rules`), loaded and checked as `bouncebook check` does, so a
/// rule can be scored before it is built into the engine: `cargo xtask accuracy --rules content/rules`.
pub fn rules_from_dir(dir: &Path) -> anyhow::Result<RuleSet> {
    fn collect(dir: &Path, out: &mut Vec<PathBuf>) -> std::io::Result<()> {
        for entry in std::fs::read_dir(dir)? {
            let path = entry?.path();
            if path.is_dir() {
                collect(&path, out)?;
            } else if path.extension().is_some_and(|e| e == "toml") {
                out.push(path);
            }
        }
        Ok(())
    }
    let mut files = Vec::new();
    collect(dir, &mut files).map_err(|e| anyhow::anyhow!("reading {}: {e}", dir.display()))?;
    files.sort();
    let mut texts = Vec::new();
    for f in &files {
        let rel = f
            .strip_prefix(dir)
            .unwrap_or(f)
            .to_string_lossy()
            .replace('\\', "/");
        let text = std::fs::read_to_string(f)
            .map_err(|e| anyhow::anyhow!("reading {}: {e}", f.display()))?;
        texts.push((format!("content/rules/{rel}"), text));
    }
    let sources: Vec<diagnosis::Source<'_>> = texts
        .iter()
        .map(|(path, text)| diagnosis::Source { path, text })
        .collect();
    RuleSet::from_sources(&sources).map_err(|errors| {
        let list: Vec<String> = errors.iter().map(ToString::to_string).collect();
        anyhow::anyhow!("{} rule error(s):\n{}", list.len(), list.join("\n"))
    })
}

fn real_status(s: &str) -> bool {
    diagnosis::StatusCode::parse(s).is_some_and(|c| !c.is_pseudo())
}

/// Scores one part: `emails` (raw .eml) or `pasted` (.txt).
pub fn score(corpus: &Path, part: &str, rules: &RuleSet) -> anyhow::Result<Scores> {
    let mut s = Scores::default();
    for label in labels(corpus)? {
        let name = if part == "pasted" {
            label.file.replace(".eml", ".txt")
        } else {
            label.file.clone()
        };
        let path = corpus.join(part).join(&name);
        let bytes = std::fs::read(&path)?;
        let d: Diagnosis = classify(&bytes, rules);
        if label.expected.is_empty() {
            s.not_bounce.add(d.bounces.is_empty());
            if !d.bounces.is_empty() {
                s.misses.push(format!(
                    "{name}: not a bounce, but {} bounces",
                    d.bounces.len()
                ));
            }
            s.count.add(d.bounces.is_empty());
            continue;
        }
        s.count.add(d.bounces.len() == label.expected.len());
        if d.bounces.len() != label.expected.len() {
            s.misses.push(format!(
                "{name}: {} recipients, expected {}",
                d.bounces.len(),
                label.expected.len()
            ));
        }
        let fam = s.families.entry(label.family.clone()).or_default();
        for (i, exp) in label.expected.iter().enumerate() {
            let got = d.bounces.get(i);
            let reason = got.map(|b| b.reason.as_str()).unwrap_or("-");
            fam.add(reason == exp.reason);
            s.reason.add(reason == exp.reason);
            if reason != exp.reason {
                let rules = got
                    .and_then(|b| b.decided_by.as_ref())
                    .map(ToString::to_string)
                    .unwrap_or_default();
                let diag: String = got
                    .and_then(|b| b.diagnostic.clone())
                    .unwrap_or_default()
                    .chars()
                    .take(120)
                    .collect();
                s.misses.push(format!(
                    "{name}#{i}: reason {reason} (rules {rules}), expected {} | {diag}",
                    exp.reason
                ));
            }
            let hard = got.is_some_and(|b| b.hard_bounce);
            s.hard.add(hard == exp.hardbounce);
            if hard != exp.hardbounce {
                s.misses.push(format!(
                    "{name}#{i}: hard bounce {hard}, expected {}",
                    exp.hardbounce
                ));
            }
            if real_status(&exp.status) {
                let st = got
                    .and_then(|b| b.status)
                    .map_or("-".to_string(), |s| s.to_string());
                s.status.add(st == exp.status);
                if st != exp.status {
                    s.misses
                        .push(format!("{name}#{i}: status {st}, expected {}", exp.status));
                }
            }
            if !exp.reply_code.is_empty() {
                let rc = got
                    .and_then(|b| b.reply_code)
                    .map_or("-".to_string(), |c| c.to_string());
                s.reply.add(rc == exp.reply_code);
                if rc != exp.reply_code {
                    s.misses.push(format!(
                        "{name}#{i}: reply {rc}, expected {}",
                        exp.reply_code
                    ));
                }
            }
        }
    }
    s.not_bounce_ok = s.not_bounce.total > 0 && s.not_bounce.hit == s.not_bounce.total;
    Ok(s)
}

/// Minimum figures, in percent.
#[derive(Clone, Copy, Debug)]
pub struct Floors {
    /// Reason on emails/.
    pub reason_emails: f64,
    /// Reason on pasted/.
    pub reason_pasted: f64,
    /// Enhanced status.
    pub status: f64,
    /// Reply code.
    pub reply: f64,
    /// Recipient count.
    pub count: f64,
}

/// The figures the diagnosis-engine issue asks for; `cargo xtask accuracy` shows any gap.
pub const TARGETS: Floors = Floors {
    reason_emails: 92.0,
    reason_pasted: 85.0,
    status: 97.0,
    reply: 95.0,
    count: 97.0,
};

/// The fewest hits one part of the corpus may score on each figure the README reports.
#[derive(Clone, Copy, Debug)]
pub struct Hits {
    /// Reason, per labeled recipient.
    pub reason: usize,
    /// Enhanced status, per recipient labeled with a real code.
    pub status: usize,
    /// Reply code, per recipient labeled with one.
    pub reply: usize,
    /// Hard bounce flag, per labeled recipient.
    pub hard: usize,
    /// Recipient count, per email.
    pub count: usize,
}

/// The floors of both parts.
#[derive(Clone, Copy, Debug)]
pub struct Guard {
    /// `emails/`: raw messages.
    pub emails: Hits,
    /// `pasted/`: the same bounces as a mail client shows them.
    pub pasted: Hits,
}

/// How many hits each figure may lose before the accuracy test fails: one recipient (one email for the count).
/// The classifier is deterministic, so this is no allowance for noise: it lets a rule change that gives a reader
/// a better answer at the cost of one label's agreement through (the test prints it), while any change that
/// costs two, on any figure of either part, fails until someone lowers `GUARD` on purpose. One hit is 0.24
/// points of reason or hard bounce (424 labeled recipients), 0.32 of status (309), 0.35 of reply code (287) and
/// 0.25 of the recipient count (403 emails).
pub const MARGIN: usize = 1;

/// What the accuracy test guards: the hits measured by `cargo xtask accuracy` on 2026-12-02 (424 labeled
/// recipients in 403 emails, 309 of them labeled with a real enhanced status and 287 with a reply code) less
/// [`MARGIN`]. Raise each figure as the rules improve, never lower it by accident: that is what keeps a change
/// from losing ground unnoticed. Lower one only where a rule stops memorising the corpus, naming the files it
/// costs.
///
/// Reason was 93.0 % (emails) and 92.5 % (pasted) until a user-unknown wording that names no SMTP command became
/// `userunknown` instead of `filtered` (issue 10: `550 user unknown` is an address that does not exist). Sisimai
/// labels such refusals `filtered`, so these recipients now count as misses in both parts: lhost-apachejames-01,
/// lhost-mcafee-01, -05, lhost-messagingserver-06, lhost-postfix-07, lhost-sendmail-02 (#1), lhost-surfcontrol-01,
/// lhost-x1-01, -02, lhost-x2-01, -02 (#0, #2), rfc3464-35 (#2). The McAfee and SurfControl bounces are written
/// by filter appliances (their X-NAI-Header and X-Mailer say so), evidence the engine does not read yet. Wordings
/// from primary sources brought the emails figure back over the 92 % floor (92.2 %, 2026-12-02).
/// The same change took hard bounce from 415 to 404 hits in both parts (nothing guarded it then): those
/// recipients are now `userunknown`, an address that does not exist and so a hard bounce, where Sisimai's
/// `filtered` is not one.
pub const GUARD: Guard = Guard {
    emails: Hits {
        reason: 391 - MARGIN,
        status: 303 - MARGIN,
        reply: 281 - MARGIN,
        hard: 404 - MARGIN,
        count: 399 - MARGIN,
    },
    pasted: Hits {
        reason: 389 - MARGIN,
        status: 302 - MARGIN,
        reply: 280 - MARGIN,
        hard: 404 - MARGIN,
        count: 398 - MARGIN,
    },
};

/// Each figure of `s` against its floor in `floor`: `(name, ratio, floor)`, in the README's order.
pub fn figures(s: &Scores, floor: &Hits) -> [(&'static str, Ratio, usize); 5] {
    [
        ("reason", s.reason, floor.reason),
        ("enhanced status", s.status, floor.status),
        ("reply code", s.reply, floor.reply),
        ("hard bounce", s.hard, floor.hard),
        ("recipient count", s.count, floor.count),
    ]
}

/// What breaks the guard for one part: a line per figure below its floor or scored on nothing, and the
/// not-bounce email. Empty when the part holds.
pub fn guard_failures(part: &str, s: &Scores, floor: &Hits) -> Vec<String> {
    let mut out = Vec::new();
    for (name, ratio, min) in figures(s, floor) {
        if ratio.total == 0 {
            out.push(format!(
                "{part}: {name} was scored on nothing (is the corpus there and labeled?)"
            ));
        } else if ratio.hit < min {
            out.push(format!(
                "{part}: {name} {ratio}, below the guard of {min} hits (GUARD's {} less the margin of \
                 {MARGIN}); `cargo xtask accuracy --misses` lists the misses",
                min + MARGIN
            ));
        }
    }
    if s.not_bounce.total == 0 {
        out.push(format!("{part}: no not-bounce email was scored"));
    } else if !s.not_bounce_ok {
        out.push(format!(
            "{part}: ordinary mail gave a bounce ({} of {} not-bounce emails gave none)",
            s.not_bounce.hit, s.not_bounce.total
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ratio(hit: usize, total: usize) -> Ratio {
        Ratio { hit, total }
    }

    /// Scores that meet `floor` exactly on every figure, with the not-bounce email right.
    fn at(floor: &Hits) -> Scores {
        Scores {
            reason: ratio(floor.reason, 424),
            status: ratio(floor.status, 309),
            reply: ratio(floor.reply, 287),
            hard: ratio(floor.hard, 424),
            count: ratio(floor.count, 403),
            not_bounce: ratio(1, 1),
            not_bounce_ok: true,
            ..Scores::default()
        }
    }

    #[test]
    fn nothing_scored_is_no_percent() {
        assert_eq!(Ratio::default().percent(), 0.0);
        assert_eq!(Ratio::default().to_string(), "    none (0/0)");
        assert_eq!(ratio(1, 4).to_string(), " 25.00 % (1/4)");
    }

    #[test]
    fn empty_scores_break_every_floor() {
        let failures = guard_failures("emails", &Scores::default(), &GUARD.emails);
        assert_eq!(failures.len(), 6, "{failures:#?}");
        assert!(failures.iter().all(|f| f.starts_with("emails: ")));
        assert!(
            failures[0].contains("reason was scored on nothing"),
            "{failures:#?}"
        );
        assert_eq!(failures[5], "emails: no not-bounce email was scored");
    }

    #[test]
    fn each_figure_is_guarded_on_both_parts() {
        for floor in [&GUARD.emails, &GUARD.pasted] {
            assert!(guard_failures("part", &at(floor), floor).is_empty());
            let one_short: [fn(&mut Scores); 5] = [
                |s| s.reason.hit -= 1,
                |s| s.status.hit -= 1,
                |s| s.reply.hit -= 1,
                |s| s.hard.hit -= 1,
                |s| s.count.hit -= 1,
            ];
            for (i, lose) in one_short.iter().enumerate() {
                let mut s = at(floor);
                lose(&mut s);
                let failures = guard_failures("part", &s, floor);
                assert_eq!(failures.len(), 1, "figure {i}: {failures:#?}");
            }
            let mut s = at(floor);
            s.not_bounce = ratio(0, 1);
            s.not_bounce_ok = false;
            assert_eq!(guard_failures("part", &s, floor).len(), 1);
        }
    }
}
