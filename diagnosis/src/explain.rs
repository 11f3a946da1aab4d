//! The explained answer: a [`Diagnosis`] joined with what the rules and the site know, in the words a reader
//! needs — the reason's title, who must act and what to tell them, what the codes mean, the article and tree,
//! every recipient's evidence merged for highlighting (with the UTF-16 offsets JavaScript indexes by), and what
//! to search the knowledge base for.
//!
//! It is built here once: the browser checker returns it from `Checker.diagnose` and draws it, and
//! `bouncebook classify` prints it.
//!
//! ```
//! use diagnosis::explain::{Pages, explain};
//! use diagnosis::{Actor, Reason, RuleSet, classify};
//!
//! let text = "550 5.2.2 <ann@example.org>: Mailbox is full";
//! let rules = RuleSet::bundled();
//! let report = explain(text, &classify(text.as_bytes(), rules), rules, &Pages::Sources);
//! let card = &report.bounces[0];
//! assert_eq!(card.reason, Reason::MailboxFull);
//! assert_eq!(card.actor, Actor::Recipient);
//! assert!(card.status.as_ref().is_some_and(|s| s.meaning.is_some()));
//! assert_eq!(card.article.as_ref().map(|a| a.url.as_str()), Some("@/articles/mailbox-full.md"));
//! ```

use crate::diagnosis::{Bounce, Diagnosis, EvidenceKind, Kind};
use crate::reason::{Actor, Reason, ReasonNames};
use crate::rules::{CodeInfo, RuleSet};
use crate::site::{self, Page, Site};
use serde::{Deserialize, Serialize};

/// The whole answer for one pasted text.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Report {
    /// What the text is.
    pub kind: Kind,
    /// Whether at least one recipient got a definite reason (not `onhold` or `undefined`).
    pub recognised: bool,
    /// One card per recipient.
    pub bounces: Vec<Card>,
    /// Every card's evidence, merged into non-overlapping spans in text order, for highlighting.
    pub evidence: Vec<Span>,
    /// The words to search the knowledge base for: the server's own words when found, else the text's start.
    pub query: String,
    /// The site's search page for [`Report::query`], when the site has one.
    pub search: Option<String>,
    /// The tree to start from when nothing was recognised.
    pub start_tree: Option<Link>,
    /// URLs never to list as related articles for this answer: when a recipient was recognised, the articles
    /// of the reasons that mean "not classified" (`onhold`, `undefined`), which would contradict the card.
    pub not_related: Vec<String>,
}

/// One recipient's failure, explained.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Card {
    /// The recipient address, when the text names it.
    pub recipient: Option<String>,
    /// The reason's name as the answer was asked to spell it ([`ReasonNames`]); JSON's `reason`.
    #[serde(rename = "reason")]
    pub reason_name: std::borrow::Cow<'static, str>,
    /// The reason; in JSON `reason_legacy`, its name before Sisimai 5.6 (the same as `reason` unless current
    /// names merged it), so a reader of the JSON keeps the finer distinction and the report reads back whole.
    #[serde(rename = "reason_legacy")]
    pub reason: Reason,
    /// The reason in plain words, as a heading.
    pub title: String,
    /// One line on what the reason means.
    pub description: String,
    /// The DSN action (`failed`, `delayed`, ...), when known.
    pub action: Option<String>,
    /// Permanent (5xx) or temporary (4xx); `None` when the text does not say.
    pub permanent: Option<bool>,
    /// The address itself is bad: resending to it will never work.
    pub hard_bounce: bool,
    /// Whether the sending server stopped trying (the report's action is `failed`: `true`) or keeps retrying
    /// (`delayed`: `false`); from the codes' class when the report names no action; `None` when nothing says.
    pub stopped: Option<bool>,
    /// Whether sending the message again later can work once the condition clears, with nothing to fix on the
    /// sender's side: a temporary failure, or a code RFC 3463 calls a persistent transient failure (a full
    /// mailbox, [`crate::StatusCode::can_clear`]), even when the report is permanent. Never for a hard bounce.
    pub retry_later: bool,
    /// The SMTP reply code and its meaning.
    pub reply: Option<Code>,
    /// The enhanced status code and its meaning.
    pub status: Option<Code>,
    /// Who must act.
    pub actor: Actor,
    /// Who must act, in plain words.
    pub actor_words: String,
    /// What to tell them.
    pub advice: Option<String>,
    /// The server's own words.
    pub diagnostic: Option<String>,
    /// The server that refused.
    pub remote_mta: Option<String>,
    /// The SMTP command that was refused.
    pub command: Option<String>,
    /// ARF feedback type, for complaints.
    pub feedback_type: Option<String>,
    /// What decided, in the words of [`crate::DecidedBy`]'s text (a rule id, `status-code:5.2.2`, ...); empty
    /// when nothing did.
    pub rules: Vec<String>,
    /// The article that fixes it.
    pub article: Option<Link>,
    /// The decision tree that helps with it.
    pub tree: Option<Link>,
    /// Where in the text the evidence for this card is.
    pub evidence: Vec<Span>,
}

/// A reply code or enhanced status code with what the code table says about it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Code {
    /// The code as found (`550`, `5.1.1`).
    pub code: String,
    /// The standard's short name.
    pub title: Option<String>,
    /// What it means in plain words.
    pub meaning: Option<String>,
}

/// A link to a page of the knowledge base.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Link {
    /// Absolute URL (or relative to the page, when no knowledge-base URL is known).
    pub url: String,
    /// The page's title.
    pub title: String,
}

/// A highlighted part of the pasted text.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Span {
    /// Byte offset of the start in the UTF-8 text (what Rust slices by).
    pub start: usize,
    /// Byte offset just past the end.
    pub end: usize,
    /// The same start in UTF-16 code units (what JavaScript strings index by).
    pub start16: usize,
    /// The same end in UTF-16 code units.
    pub end16: usize,
    /// What it shows.
    pub kind: EvidenceKind,
}

/// Where the answer's page references (`@/articles/…`, `@/trees/…`, as rules name them) lead.
#[derive(Clone, Copy, Debug)]
pub enum Pages<'a> {
    /// A site's pages (its site file), with their URLs resolved against `base`, the knowledge base's URL (empty:
    /// leave them relative). A reference the site does not list gets no link.
    Site {
        /// The site's page list.
        site: &'a Site,
        /// The knowledge base's URL.
        base: &'a str,
    },
    /// No site (the command line): each link is the content file it refers to, `@/articles/mailbox-full.md`
    /// as URL and title; there is no search page and no start tree.
    Sources,
}

impl Pages<'_> {
    fn link(
        &self,
        reference: &str,
        pages: fn(&Site) -> &std::collections::BTreeMap<String, Page>,
    ) -> Option<Link> {
        match self {
            Pages::Site { site, base } => pages(site).get(reference).map(|p| Link {
                url: site::resolve(base, &p.url),
                title: p.title.clone(),
            }),
            Pages::Sources => Some(Link {
                url: reference.to_string(),
                title: reference.to_string(),
            }),
        }
    }

    fn article(&self, reference: &str) -> Option<Link> {
        self.link(reference, |s| &s.articles)
    }

    fn tree(&self, reference: &str) -> Option<Link> {
        self.link(reference, |s| &s.trees)
    }
}

/// Explains `diagnosis`, which was computed from `text` with `rules`, with links to `pages`; reasons are named
/// as before Sisimai 5.6 ([`ReasonNames::Legacy`]).
pub fn explain(text: &str, diagnosis: &Diagnosis, rules: &RuleSet, pages: &Pages<'_>) -> Report {
    explain_with(text, diagnosis, rules, pages, ReasonNames::Legacy)
}

/// [`explain`], with reasons named in the spelling `names` asks for.
pub fn explain_with(
    text: &str,
    diagnosis: &Diagnosis,
    rules: &RuleSet,
    pages: &Pages<'_>,
    names: ReasonNames,
) -> Report {
    let mut bounces: Vec<Card> = diagnosis
        .bounces
        .iter()
        .map(|b| card(text, b, rules, pages, names))
        .collect();
    let raw: Vec<(usize, usize, EvidenceKind)> = bounces
        .iter()
        .flat_map(|c| c.evidence.iter().map(|s| (s.start, s.end, s.kind)))
        .collect();
    let mut evidence = merge(&raw);
    fill_utf16(
        text,
        bounces
            .iter_mut()
            .flat_map(|c| c.evidence.iter_mut())
            .chain(evidence.iter_mut()),
    );
    let recognised = diagnosis
        .bounces
        .iter()
        .any(|b| !matches!(b.reason, Reason::OnHold | Reason::Undefined));
    let query = query(text, diagnosis);
    let (search, start_tree) = match pages {
        Pages::Site { site, base } => (
            site.search_page
                .as_deref()
                .filter(|_| !query.is_empty())
                .map(|page| site::resolve(base, &format!("{page}{}", encode_query(&query)))),
            site.start_tree.as_deref().and_then(|k| pages.tree(k)),
        ),
        Pages::Sources => (None, None),
    };
    let mut not_related: Vec<String> = [Reason::OnHold, Reason::Undefined]
        .into_iter()
        .filter(|_| recognised)
        .filter_map(|r| rules.reason_info(r)?.article.as_deref())
        .filter_map(|a| pages.article(a))
        .map(|l| l.url)
        .collect();
    not_related.dedup();
    Report {
        kind: diagnosis.kind,
        recognised,
        bounces,
        evidence,
        query,
        search,
        start_tree,
        not_related,
    }
}

fn card(text: &str, b: &Bounce, rules: &RuleSet, pages: &Pages<'_>, names: ReasonNames) -> Card {
    let info = rules.reason_info(b.reason);
    let code = |code: String, entry: Option<&CodeInfo>| Code {
        code,
        title: entry.map(|e| e.title.clone()),
        meaning: entry.map(|e| e.meaning.clone()),
    };
    Card {
        recipient: b.recipient.clone(),
        reason_name: b.reason.name(names).into(),
        reason: b.reason,
        title: info
            .map(|i| i.title.clone())
            .unwrap_or_else(|| b.reason.description().to_string()),
        description: b.reason.description().to_string(),
        action: b.action.clone(),
        permanent: b.permanent,
        hard_bounce: b.hard_bounce,
        stopped: match b.action.as_deref() {
            Some("failed") => Some(true),
            Some("delayed") => Some(false),
            _ => b.permanent,
        },
        retry_later: !b.hard_bounce
            && (b.permanent == Some(false) || b.status.is_some_and(|s| s.can_clear())),
        reply: b
            .reply_code
            .map(|c| code(c.to_string(), rules.reply_info(c))),
        status: b.status.map(|c| {
            let mut shown = code(c.to_string(), rules.status_info(c));
            // A provider's own sense of the code, named by the rule that decided, heads the table's.
            if let Some(title) = b
                .decided_by
                .as_ref()
                .and_then(|d| d.rule_id())
                .and_then(|id| rules.rule(id))
                .and_then(|r| r.code_title.clone())
            {
                shown.title = Some(title);
            }
            shown
        }),
        actor: b.actor,
        actor_words: b.actor.describe().to_string(),
        advice: info.map(|i| i.advice.clone()).filter(|a| !a.is_empty()),
        diagnostic: b.diagnostic.clone(),
        remote_mta: b.remote_mta.clone(),
        command: b.command.clone(),
        feedback_type: b.feedback_type.clone(),
        rules: b.decided_by.iter().map(ToString::to_string).collect(),
        article: b.article.as_deref().and_then(|a| pages.article(a)),
        tree: b.tree.as_deref().and_then(|t| pages.tree(t)),
        evidence: b
            .evidence
            .iter()
            .filter_map(|e| {
                let (start, end) = clamp(text, e.start, e.end)?;
                Some(Span {
                    start,
                    end,
                    start16: 0,
                    end16: 0,
                    kind: e.kind,
                })
            })
            .collect(),
    }
}

/// A span made safe to slice `text` with: inside it, on character boundaries, not empty.
fn clamp(text: &str, start: usize, end: usize) -> Option<(usize, usize)> {
    let end = text.floor_char_boundary(end);
    let start = text.floor_char_boundary(start.min(end));
    (start < end).then_some((start, end))
}

/// Merges possibly overlapping spans into non-overlapping ones in text order; where spans overlap, the stronger
/// kind wins ([`EvidenceKind`]'s order) and adjacent pieces of one kind join.
pub fn merge(spans: &[(usize, usize, EvidenceKind)]) -> Vec<Span> {
    // A sweep over start and end events, counting open spans per kind: O(n log n) however many recipients.
    let mut events: Vec<(usize, bool, EvidenceKind)> = spans
        .iter()
        .filter(|&&(s, e, _)| s < e)
        .flat_map(|&(s, e, k)| [(s, true, k), (e, false, k)])
        .collect();
    crate::order::sort_by_key(&mut events, |&(pos, _, _)| (pos, 0));
    let mut open = [0usize; EvidenceKind::ALL.len()];
    let mut out: Vec<Span> = Vec::new();
    let mut i = 0;
    while i < events.len() {
        let s = events[i].0;
        while i < events.len() && events[i].0 == s {
            let (_, starts, kind) = events[i];
            if starts {
                open[kind as usize] += 1;
            } else {
                open[kind as usize] -= 1;
            }
            i += 1;
        }
        let Some(&(e, _, _)) = events.get(i) else {
            break;
        };
        let Some(kind) = EvidenceKind::ALL
            .iter()
            .rev()
            .copied()
            .find(|&k| open[k as usize] > 0)
        else {
            continue;
        };
        match out.last_mut() {
            Some(last) if last.end == s && last.kind == kind => last.end = e,
            _ => out.push(Span {
                start: s,
                end: e,
                start16: 0,
                end16: 0,
                kind,
            }),
        }
    }
    out
}

/// Sets `start16`/`end16` from the byte offsets, in one pass over the text.
fn fill_utf16<'a>(text: &str, spans: impl Iterator<Item = &'a mut Span>) {
    let mut spans: Vec<&mut Span> = spans.collect();
    let mut offsets: Vec<usize> = spans.iter().flat_map(|s| [s.start, s.end]).collect();
    crate::order::sort_by_key(&mut offsets, |&o| (o, 0));
    offsets.dedup();
    let mut map = Vec::with_capacity(offsets.len());
    let (mut byte, mut units) = (0, 0);
    let mut chars = text.chars();
    for &target in &offsets {
        while byte < target {
            let Some(c) = chars.next() else { break };
            byte += c.len_utf8();
            units += c.len_utf16();
        }
        map.push(units);
    }
    let lookup = |b: usize| offsets.binary_search(&b).map_or(0, |i| map[i]);
    for s in &mut spans {
        s.start16 = lookup(s.start);
        s.end16 = lookup(s.end);
    }
}

/// What to search for: the first diagnostic the engine found, else the first words of the text.
fn query(text: &str, d: &Diagnosis) -> String {
    let source = d
        .bounces
        .iter()
        .find_map(|b| b.diagnostic.as_deref())
        .unwrap_or(text);
    let mut out = String::new();
    for word in source.split_whitespace() {
        if out.len() + word.len() > 200 {
            break;
        }
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    out
}

/// Percent-encodes a query-string value (RFC 3986 unreserved characters stay).
fn encode_query(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
            out.push(b as char);
        } else if b == b' ' {
            out.push('+');
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests;
