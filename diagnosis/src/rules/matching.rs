//! Matching: which rules fit a failure's facts and occur in its normalised text, scanned once per text.
//!
//! These find the first rule, in the rules' own order, of a group (provider wordings, generic wordings);
//! which group wins over which, and over the status codes, is the classifier's precedence ladder
//! (`classify/decide.rs`).

use super::{NO_PROVIDER, Rule, RuleSet, Scope, index};
use crate::code::{ReplyCode, StatusCode};

/// Whether `host` is `domain` or a name under it (`mx.cox.net` under `cox.net`), ignoring ASCII case.
fn host_in(host: &str, domain: &str) -> bool {
    let (h, d) = (host.as_bytes(), domain.as_bytes());
    if d.is_empty() || h.len() < d.len() || !h[h.len() - d.len()..].eq_ignore_ascii_case(d) {
        return false;
    }
    h.len() == d.len() || h[h.len() - d.len() - 1] == b'.'
}

/// What is known about a failure besides its text; rules may require these.
#[derive(Clone, Copy, Debug, Default)]
pub struct Facts<'a> {
    /// The SMTP reply code.
    pub reply: Option<ReplyCode>,
    /// The enhanced status code.
    pub status: Option<StatusCode>,
    /// The SMTP command that was refused (`RCPT`, `DATA`, ...).
    pub command: Option<&'a str>,
    /// Which providers the bounce comes from, one flag per entry of [`RuleSet::providers`] (from
    /// [`RuleSet::providers_of`]); empty when no host is known. Rules of [`Scope::Hosts`] need their provider's.
    pub providers: &'a [bool],
}

/// What [`RuleSet::scan`] found in one text.
#[derive(Clone, Debug, Default)]
pub struct Scan {
    /// Per pattern of every rule, the first place its first piece occurs (`index::NONE` when it does not);
    /// empty when the set has no index, and every rule is then searched in full.
    starts: Vec<u32>,
}

/// A rule that matched: its index in [`RuleSet::rules`] and the byte range in the normalised text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Hit {
    /// Index of the rule.
    pub rule: usize,
    /// Start of the match in the normalised text.
    pub start: usize,
    /// End of the match in the normalised text.
    pub end: usize,
}

impl Rule {
    /// Whether the known facts satisfy the rule's reply, status and command limits.
    pub fn fits(&self, facts: &Facts<'_>) -> bool {
        let reply_ok = self.reply.is_empty()
            || facts.reply.is_some_and(|r| {
                let s = r.to_string();
                self.reply.iter().any(|want| {
                    if want.len() == 1 {
                        s.starts_with(want.as_str())
                    } else {
                        *want == s
                    }
                })
            });
        let status_ok = self.status.is_empty()
            || facts.status.is_some_and(|st| {
                let s = st.to_string();
                self.status
                    .iter()
                    .any(|want| s == *want || s.starts_with(&format!("{want}.")))
            });
        let command_ok = self.command.is_empty()
            || match facts.command {
                Some(c) => self.command.iter().any(|w| w == c),
                None => self.command.iter().any(|w| w == "none"),
            };
        reply_ok && status_ok && command_ok
    }

    /// Finds the first of the rule's patterns in normalised text.
    pub fn find(&self, text: &str) -> Option<(usize, usize)> {
        self.patterns.iter().find_map(|p| p.find(text))
    }
}

impl RuleSet {
    /// The first rule, in precedence order, that fits the facts and matches normalised `text`.
    pub fn first_match(&self, text: &str, facts: &Facts<'_>) -> Option<Hit> {
        self.first_among(text, &self.scan(text), facts, 0..self.rules.len())
    }

    /// Where the rules' phrases may start in normalised `text`: scanned once, then read by every decision
    /// about that text ([`RuleSet::first_provider_match`], [`RuleSet::first_generic_match`], for each recipient).
    pub fn scan(&self, text: &str) -> Scan {
        let mut starts = Vec::new();
        if self.index.usable(self.rules.len()) {
            self.index.candidates(text, &mut starts);
        }
        Scan { starts }
    }

    /// The first provider rule that fits and matches `text`, which `scan` was made from.
    pub fn first_provider_match(&self, text: &str, scan: &Scan, facts: &Facts<'_>) -> Option<Hit> {
        self.first_among(text, scan, facts, 0..self.provider_rules())
    }

    /// The first generic (reason file) rule that fits and matches `text`, which `scan` was made from.
    pub fn first_generic_match(&self, text: &str, scan: &Scan, facts: &Facts<'_>) -> Option<Hit> {
        self.first_among(text, scan, facts, self.provider_rules()..self.rules.len())
    }

    /// How many rules, at the start of [`RuleSet::rules`], are provider wordings.
    fn provider_rules(&self) -> usize {
        self.rules
            .iter()
            .take_while(|r| r.provider.is_some())
            .count()
    }

    fn first_among(
        &self,
        text: &str,
        scan: &Scan,
        facts: &Facts<'_>,
        range: std::ops::Range<usize>,
    ) -> Option<Hit> {
        if !self.index.usable(self.rules.len()) || scan.starts.is_empty() {
            return self.rules[range.clone()]
                .iter()
                .zip(range)
                .find_map(|(rule, i)| {
                    if !rule.fits(facts) || !self.in_scope(i, facts) {
                        return None;
                    }
                    let (start, end) = rule.find(text)?;
                    Some(Hit {
                        rule: i,
                        start,
                        end,
                    })
                });
        }
        let starts = &scan.starts;
        self.rules[range.clone()]
            .iter()
            .zip(range)
            .find_map(|(rule, i)| {
                let maybe = self.index.of_rule(starts, i);
                if maybe.iter().all(|&s| s == index::NONE)
                    || !rule.fits(facts)
                    || !self.in_scope(i, facts)
                {
                    return None;
                }
                let (start, end) = rule
                    .patterns
                    .iter()
                    .zip(maybe)
                    .filter(|(_, s)| **s != index::NONE)
                    .find_map(|(p, s)| p.find_from(text, *s as usize))?;
                Some(Hit {
                    rule: i,
                    start,
                    end,
                })
            })
    }

    /// Builds the phrase prefilter; the loader calls it once the rules are in order.
    pub(crate) fn reindex(&mut self) {
        self.index = index::Index::build(&self.rules);
        self.provider_of = self
            .rules
            .iter()
            .map(|r| self.provider_position(r.provider.as_deref()))
            .collect();
    }

    fn provider_position(&self, id: Option<&str>) -> u32 {
        id.and_then(|id| self.providers.iter().position(|p| p.id == id))
            .map_or(NO_PROVIDER, |p| p as u32)
    }

    /// Whether rule `i` may apply: a rule scoped to its provider's hosts needs the facts to name that provider.
    pub fn in_scope(&self, i: usize, facts: &Facts<'_>) -> bool {
        let Some(rule) = self.rules.get(i) else {
            return false;
        };
        if rule.scope == Scope::Anywhere {
            return true;
        }
        // A set whose rules were changed after loading has no table; look the provider up by name.
        let p = match self.provider_of.get(i) {
            Some(&p) if self.provider_of.len() == self.rules.len() => p,
            _ => self.provider_position(rule.provider.as_deref()),
        };
        p != NO_PROVIDER && facts.providers.get(p as usize).copied().unwrap_or(false)
    }

    /// Which providers the given host names belong to: one flag per entry of [`RuleSet::providers`], for
    /// [`Facts::providers`]. Hosts are compared without regard to case; `mx1.cox.net` is Cox's when Cox lists
    /// `cox.net`, but `notcox.net` is not.
    pub fn providers_of(&self, hosts: &[&str]) -> Vec<bool> {
        self.providers
            .iter()
            .map(|p| {
                hosts.iter().any(|h| {
                    let h = h.trim_end_matches('.');
                    p.hosts.iter().any(|suffix| host_in(h, suffix))
                })
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::reason::Reason;
    use crate::rules::{Location, Pattern, Provider};

    #[test]
    fn hosts_match_on_label_boundaries() {
        assert!(host_in("cox.net", "cox.net"));
        assert!(host_in("MX1.Cox.Net", "cox.net"));
        assert!(!host_in("notcox.net", "cox.net"));
        assert!(!host_in("cox.net.example.org", "cox.net"));
        assert!(!host_in("net", "cox.net"));
        assert!(!host_in("cox.net", ""));
    }

    fn provider(id: &str, hosts: &[&str]) -> Provider {
        Provider {
            id: id.into(),
            name: id.into(),
            hosts: hosts.iter().map(|h| h.to_string()).collect(),
            article: None,
        }
    }

    fn rule(id: &str, provider: Option<&str>, scope: Scope) -> Rule {
        Rule {
            id: id.into(),
            reason: Reason::Blocked,
            provider: provider.map(str::to_string),
            patterns: vec![Pattern::new("code x1").expect("pattern")],
            reply: Vec::new(),
            status: Vec::new(),
            command: Vec::new(),
            scope,
            actor: None,
            article: None,
            tree: None,
            code_title: None,
            source: None,
            note: None,
            examples: Vec::new(),
            location: Location::default(),
        }
    }

    fn set() -> RuleSet {
        let mut set = RuleSet {
            rules: vec![
                rule("a.scoped", Some("a"), Scope::Hosts),
                rule("b.anywhere", Some("b"), Scope::Anywhere),
            ],
            providers: vec![
                provider("a", &["a.example", "mail-a.example"]),
                provider("b", &["b.example"]),
            ],
            ..RuleSet::default()
        };
        set.reindex();
        set
    }

    #[test]
    fn providers_of_flags_each_provider_whose_host_is_named() {
        let set = set();
        assert_eq!(set.providers_of(&["mx.mail-a.example."]), [true, false]);
        assert_eq!(set.providers_of(&["b.example", "x.example"]), [false, true]);
        assert_eq!(set.providers_of(&[]), [false, false]);
    }

    #[test]
    fn a_scoped_rule_applies_only_when_its_provider_is_named() {
        let set = set();
        let text = "550 code x1";
        let none = Facts::default();
        assert_eq!(set.first_match(text, &none).map(|h| h.rule), Some(1));
        let from_a = set.providers_of(&["mx1.a.example"]);
        let facts = Facts {
            providers: &from_a,
            ..Facts::default()
        };
        assert_eq!(set.first_match(text, &facts).map(|h| h.rule), Some(0));
        // A set changed after loading is searched without the index and the provider table: same answers.
        let mut changed = set.clone();
        changed.rules.push(rule("c", None, Scope::Anywhere));
        assert_eq!(changed.first_match(text, &facts).map(|h| h.rule), Some(0));
        assert_eq!(changed.first_match(text, &none).map(|h| h.rule), Some(1));
    }
}
