//! Rules as an executable spec: every rule's examples are classified exactly as a reader's paste would be, and
//! must come out as the rule says. This sits above both loading (`rules`) and the classifier (`classify`), so
//! loading rules never runs the thing it loads.

use crate::diagnosis::{Bounce, DecidedBy};
use crate::rules::{Facts, Rule, RuleError, RuleSet, Scope, Source};

impl RuleSet {
    /// Reads, validates and orders rules from their sources, and runs every rule's examples through the
    /// classifier. Every problem in every file is reported.
    pub fn from_sources(sources: &[Source<'_>]) -> Result<RuleSet, Vec<RuleError>> {
        let set = RuleSet::from_checked_sources(sources)?;
        let errors = check_examples(&set);
        if errors.is_empty() {
            Ok(set)
        } else {
            Err(errors)
        }
    }

    /// Like [`RuleSet::from_sources`], but returns what loaded beside every problem, for a preview that must go
    /// on while a writer fixes a file (`bouncebook serve`). A file with errors contributes what it could.
    ///
    /// Examples are checked only when the files themselves are sound: a broken file's rules are missing, so
    /// other rules' examples would be judged against the wrong set.
    pub fn from_sources_lenient(sources: &[Source<'_>]) -> (RuleSet, Vec<RuleError>) {
        let (set, mut errors) = RuleSet::load_lenient(sources);
        if errors.is_empty() {
            errors = check_examples(&set);
        }
        (set, errors)
    }
}

/// Every example, classified exactly as a reader's paste would be, must come out with its rule's reason, and
/// every rule must decide at least one of its own examples (else an earlier rule or a decisive status code
/// shadows it and it can never fire).
fn check_examples(set: &RuleSet) -> Vec<RuleError> {
    let mut errors = Vec::new();
    for rule in &set.rules {
        let mut reached = false;
        let mut first_problem = None;
        for ex in &rule.examples {
            let d = crate::classify(ex.as_bytes(), set);
            let Some(b) = d.bounces.first() else {
                errors.push(RuleError::new(
                    rule.location.clone(),
                    format!(
                        "example {ex:?} of rule `{}` is not read as a bounce",
                        rule.id
                    ),
                ));
                continue;
            };
            let by = b.decided_by.as_ref();
            if by.and_then(DecidedBy::rule_id) == Some(rule.id.as_str()) {
                reached = true;
            } else if b.reason != rule.reason {
                errors.push(RuleError::new(
                    rule.location.clone(),
                    format!(
                        "example {ex:?} of rule `{}` ({}) comes out as {}: {}",
                        rule.id,
                        rule.reason,
                        b.reason,
                        why_not(set, rule, ex, b)
                    ),
                ));
            } else if first_problem.is_none() {
                first_problem = Some(format!(
                    "its example {ex:?} gets the same reason another way: {}",
                    why_not(set, rule, ex, b)
                ));
            }
        }
        if !reached && let Some(p) = first_problem {
            errors.push(RuleError::new(
                rule.location.clone(),
                format!(
                    "rule `{}` is never reached: {p}; add an example only this rule decides",
                    rule.id
                ),
            ));
        }
    }
    errors
}

/// Why `rule` did not decide its example `ex`, which came out as `b`, and what the writer can do about it.
fn why_not(set: &RuleSet, rule: &Rule, ex: &str, b: &Bounce) -> String {
    let text = crate::normalize::Normalized::new(ex).text;
    if !rule.patterns.iter().any(|p| p.find(&text).is_some()) {
        return "none of the rule's phrases occurs in it (phrases are matched against the text lowercased, with \
                runs of whitespace made one space; `*` covers up to 80 characters); correct the phrase or the \
                example"
            .to_string();
    }
    let facts = Facts {
        reply: b.reply_code,
        status: b.status,
        command: b.command.as_deref(),
        providers: &[],
    };
    if !rule.fits(&facts) {
        let show = |v: Option<String>| v.unwrap_or_else(|| "none".to_string());
        return format!(
            "its phrases match, but its reply/status/command limits do not fit the example (reply {}, status {}, \
             command {}); widen the limits or change the example",
            show(b.reply_code.map(|c| c.to_string())),
            show(b.status.map(|c| c.to_string())),
            show(b.command.clone())
        );
    }
    // The hosts the example names, as classify finds most of them (a message for writers, not a decision).
    let mut named: Vec<&str> = crate::extract::hosts(&text);
    named.extend(b.remote_mta.as_deref());
    named.extend(
        b.recipient
            .as_deref()
            .and_then(|r| r.rsplit_once('@'))
            .map(|(_, d)| d),
    );
    let provider_named = set
        .providers_of(&named)
        .into_iter()
        .zip(&set.providers)
        .any(|(hit, p)| hit && Some(&p.id) == rule.provider.as_ref());
    if rule.scope == Scope::Hosts && !provider_named {
        let hosts = set
            .providers
            .iter()
            .find(|p| Some(&p.id) == rule.provider.as_ref())
            .map(|p| p.hosts.join(", "))
            .unwrap_or_default();
        return format!(
            "the rule applies only to bounces from its provider's hosts ({hosts}); name one in the example, as the \
             recipient's domain (`bob@{first}`), a `Remote-MTA:` or `Reporting-MTA:` line, or `host mx.{first} \
             said:`",
            first = hosts.split(", ").next().unwrap_or("example.net")
        );
    }
    let other = b
        .decided_by
        .as_ref()
        .and_then(DecidedBy::rule_id)
        .and_then(|id| set.rule(id));
    match (&b.decided_by, other) {
        (Some(DecidedBy::StatusCode(entry)), _) => format!(
            "its status code decides first ({entry} in status-codes.toml has `decides = true`); use an example \
             without that code, or add `{}` to the code's `yields-to` if this wording should win over it",
            rule.reason
        ),
        (Some(DecidedBy::ReplyCode(code)), _) => format!(
            "no wording decided it and the reply code's default ({code} in status-codes.toml) gave another \
             reason; correct the phrase or the example"
        ),
        (_, Some(other)) => format!(
            "rule `{}` at {} matches it first; make that rule's phrases narrower, or this rule's file earlier \
             in order.toml (rules in one file are tried top to bottom)",
            other.id, other.location
        ),
        (None, _) => "no rule decided it, although this rule's phrases match; report this as a bug"
            .to_string(),
        (Some(by), None) => format!(
            "`{by}` decided it first (the message's own structure, not a wording); change the example"
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn errors(reason_file: &str) -> Vec<String> {
        let files = [
            (
                "order.toml",
                "providers = []\nreasons = [\"blocked\", \"mailboxfull\"]\n",
            ),
            (
                "status-codes.toml",
                "[[status]]\ncode = \"X.2.2\"\ntitle = \"t\"\nmeaning = \"m\"\nreason = \"mailboxfull\"\n\
                 decides = true\n",
            ),
            ("reasons/mailboxfull.toml", reason_file),
            (
                "reasons/blocked.toml",
                "reason = \"blocked\"\nactor = \"sender-admin\"\n\n[[rule]]\nid = \"blocked.listed\"\n\
                 match = [\"blocked\"]\nexamples = [\"550 blocked\"]\n",
            ),
        ];
        let sources: Vec<Source<'_>> = files
            .iter()
            .map(|&(path, text)| Source { path, text })
            .collect();
        match RuleSet::from_sources(&sources) {
            Ok(_) => Vec::new(),
            Err(e) => e.iter().map(ToString::to_string).collect(),
        }
    }

    const HEAD: &str =
        "reason = \"mailboxfull\"\nactor = \"recipient\"\n\n[[rule]]\nid = \"mailboxfull.quota\"\n";

    #[test]
    fn examples_that_their_rule_decides_pass() {
        assert_eq!(
            errors(&format!(
                "{HEAD}match = [\"over quota\"]\nexamples = [\"452 over quota\"]\n"
            )),
            Vec::<String>::new()
        );
    }

    #[test]
    fn an_example_another_rule_takes_names_that_rule_and_where_it_is() {
        let got = errors(&format!(
            "{HEAD}match = [\"quota\"]\nexamples = [\"quota reached, blocked\"]\n"
        ));
        assert_eq!(got.len(), 1, "{got:?}");
        assert!(
            got[0].starts_with("reasons/mailboxfull.toml:5:6: example"),
            "{got:?}"
        );
        assert!(
            got[0].contains("rule `blocked.listed` at reasons/blocked.toml:5:6 matches it first")
        );
    }

    #[test]
    fn an_example_a_deciding_code_takes_is_a_rule_never_reached() {
        let got = errors(&format!(
            "{HEAD}match = [\"no room\"]\nexamples = [\"552 5.2.2 no room\"]\n"
        ));
        assert_eq!(got.len(), 1, "{got:?}");
        assert!(
            got[0].contains("rule `mailboxfull.quota` is never reached"),
            "{got:?}"
        );
        assert!(got[0].contains("its status code decides first (X.2.2 in status-codes.toml"));
    }

    #[test]
    fn an_example_the_phrases_miss_says_so() {
        let got = errors(&format!(
            "{HEAD}match = [\"over quota\"]\nexamples = [\"550 mailbox unavailable\"]\n"
        ));
        assert!(
            got[0].contains("none of the rule's phrases occurs in it"),
            "{got:?}"
        );
    }
}
