//! The checker's answer: a [`diagnosis::Diagnosis`] joined with what the rules and the site know, in the words a
//! reader needs (titles, code meanings, who must act, links). This is what `Checker.diagnose` returns to
//! JavaScript and what the widget draws.

use crate::site::Site;
pub use diagnosis::EvidenceKind;
use diagnosis::{Bounce, Diagnosis, Kind, Reason, RuleSet};
use serde::{Deserialize, Serialize};

/// The whole answer for one pasted text.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Report {
    /// What the text is: `bounce`, `feedback`, `auto-reply`, `delivered`, `not-a-bounce` or `empty`.
    pub kind: String,
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
}

/// One recipient's failure, explained.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Card {
    /// The recipient address, when the text names it.
    pub recipient: Option<String>,
    /// The reason's name (`mailboxfull`).
    pub reason: String,
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
    /// The SMTP reply code and its meaning.
    pub reply: Option<Code>,
    /// The enhanced status code and its meaning.
    pub status: Option<Code>,
    /// Who must act: `sender`, `sender-admin`, `recipient` or `recipient-admin`.
    pub actor: String,
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
    /// Ids of the rules that decided.
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
    /// What it shows: `recipient`, `status`, `reply`, `phrase` or `diagnostic`.
    pub kind: EvidenceKind,
}

/// The name of a [`Kind`], as the engine serialises it.
pub fn kind_name(kind: Kind) -> &'static str {
    match kind {
        Kind::Bounce => "bounce",
        Kind::Feedback => "feedback",
        Kind::AutoReply => "auto-reply",
        Kind::Delivered => "delivered",
        Kind::NotABounce => "not-a-bounce",
        Kind::Empty => "empty",
    }
}

/// Builds the report for `text`, which `diagnosis` was computed from. `base` is the knowledge base's URL that the
/// site's relative page URLs resolve against (empty: leave them relative).
pub fn build(
    text: &str,
    diagnosis: &Diagnosis,
    rules: &RuleSet,
    site: &Site,
    base: &str,
) -> Report {
    let links = Links { site, base };
    let mut bounces: Vec<Card> = diagnosis
        .bounces
        .iter()
        .map(|b| card(b, rules, &links))
        .collect();
    let mut raw: Vec<(usize, usize, EvidenceKind)> = Vec::new();
    for (card, bounce) in bounces.iter_mut().zip(&diagnosis.bounces) {
        let spans: Vec<_> = bounce
            .evidence
            .iter()
            .filter_map(|e| clamp(text, e.start, e.end).map(|(s, t)| (s, t, e.kind)))
            .collect();
        raw.extend(&spans);
        card.evidence = spans
            .iter()
            .map(|&(start, end, kind)| Span {
                start,
                end,
                start16: 0,
                end16: 0,
                kind,
            })
            .collect();
    }
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
    Report {
        kind: kind_name(diagnosis.kind).to_string(),
        recognised,
        bounces,
        evidence,
        search: site
            .search_page
            .as_deref()
            .filter(|_| !query.is_empty())
            .map(|page| resolve(base, &format!("{page}{}", encode_query(&query)))),
        query,
        start_tree: site.start_tree.as_deref().and_then(|k| links.tree(k)),
    }
}

/// Resolves `@/articles/…` and `@/trees/…` references to the site's pages.
struct Links<'a> {
    site: &'a Site,
    base: &'a str,
}

impl Links<'_> {
    fn page(&self, page: Option<&crate::site::Page>) -> Option<Link> {
        page.map(|p| Link {
            url: resolve(self.base, &p.url),
            title: p.title.clone(),
        })
    }

    fn article(&self, key: &str) -> Option<Link> {
        self.page(self.site.articles.get(key))
    }

    fn tree(&self, key: &str) -> Option<Link> {
        self.page(self.site.trees.get(key))
    }
}

fn card(b: &Bounce, rules: &RuleSet, links: &Links<'_>) -> Card {
    let info = rules.reason_info(b.reason);
    let reply = b.reply_code.map(|code| {
        let entry = rules.reply_info(code);
        Code {
            code: code.to_string(),
            title: entry.map(|e| e.title.clone()),
            meaning: entry.map(|e| e.meaning.clone()),
        }
    });
    let status = b.status.map(|code| {
        let entry = rules.status_info(code);
        Code {
            code: code.to_string(),
            title: entry.map(|e| e.title.clone()),
            meaning: entry.map(|e| e.meaning.clone()),
        }
    });
    Card {
        recipient: b.recipient.clone(),
        reason: b.reason.as_str().to_string(),
        title: info
            .map(|i| i.title.clone())
            .unwrap_or_else(|| b.reason.description().to_string()),
        description: b.reason.description().to_string(),
        action: b.action.clone(),
        permanent: b.permanent,
        hard_bounce: b.hard_bounce,
        reply,
        status,
        actor: b.actor.as_str().to_string(),
        actor_words: b.actor.describe().to_string(),
        advice: info.map(|i| i.advice.clone()).filter(|a| !a.is_empty()),
        diagnostic: b.diagnostic.clone(),
        remote_mta: b.remote_mta.clone(),
        command: b.command.clone(),
        feedback_type: b.feedback_type.clone(),
        rules: b.decided_by.iter().map(ToString::to_string).collect(),
        article: b.article.as_deref().and_then(|a| links.article(a)),
        tree: b.tree.as_deref().and_then(|t| links.tree(t)),
        evidence: Vec::new(),
    }
}

/// A span made safe to slice `text` with: inside it, on character boundaries, not empty.
fn clamp(text: &str, start: usize, end: usize) -> Option<(usize, usize)> {
    let mut end = end.min(text.len());
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    let mut start = start.min(end);
    while !text.is_char_boundary(start) {
        start -= 1;
    }
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
    events.sort_unstable_by_key(|&(pos, _, _)| pos);
    let mut open = [0usize; 5];
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
    offsets.sort_unstable();
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

/// Resolves a site-relative URL against the knowledge base's URL.
pub fn resolve(base: &str, url: &str) -> String {
    if base.is_empty() || url.contains("://") {
        return url.to_string();
    }
    if let Some(path) = url.strip_prefix('/') {
        // Root-relative: keep the base's scheme and host.
        let origin_end = base
            .find("://")
            .and_then(|i| base[i + 3..].find('/').map(|j| i + 3 + j))
            .unwrap_or(base.len());
        return format!("{}/{path}", &base[..origin_end]);
    }
    if base.ends_with('/') {
        format!("{base}{url}")
    } else {
        format!("{base}/{url}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::site::Page;

    fn site() -> Site {
        let mut site = Site::default();
        site.articles.insert(
            "@/articles/mailbox-full.md".into(),
            Page {
                url: "articles/mailbox-full/".into(),
                title: "The mailbox is full".into(),
            },
        );
        site.trees.insert(
            "@/trees/start.toml".into(),
            Page {
                url: "trees/start/".into(),
                title: "Start here".into(),
            },
        );
        site.start_tree = Some("@/trees/start.toml".into());
        site.search_page = Some("search/?q=".into());
        site
    }

    fn report(text: &str) -> Report {
        let rules = RuleSet::bundled();
        let d = diagnosis::classify(text.as_bytes(), rules);
        build(text, &d, rules, &site(), "https://help.example/kb/")
    }

    #[test]
    fn a_full_mailbox_gets_title_codes_actor_and_article() {
        let r = report("550 5.2.2 <ann@example.org>: Mailbox is full");
        assert!(r.recognised);
        let c = &r.bounces[0];
        assert_eq!(c.reason, "mailboxfull");
        assert_eq!(c.recipient.as_deref(), Some("ann@example.org"));
        assert_eq!(c.actor, "recipient");
        assert!(c.title.contains("full"), "{}", c.title);
        assert!(c.status.as_ref().and_then(|s| s.meaning.as_ref()).is_some());
        assert!(c.reply.as_ref().and_then(|s| s.meaning.as_ref()).is_some());
        assert_eq!(
            c.article.as_ref().map(|a| a.url.as_str()),
            Some("https://help.example/kb/articles/mailbox-full/")
        );
        assert!(!r.evidence.is_empty());
        assert_eq!(
            r.start_tree.as_ref().map(|t| t.title.as_str()),
            Some("Start here")
        );
    }

    #[test]
    fn nothing_recognised_still_offers_search() {
        let r = report("hello, how are you?");
        assert!(!r.recognised);
        assert_eq!(
            r.search.as_deref(),
            Some("https://help.example/kb/search/?q=hello%2C+how+are+you%3F")
        );
    }

    #[test]
    fn utf16_offsets_count_surrogate_pairs() {
        // "é" is 2 bytes / 1 unit; "😀" is 4 bytes / 2 units.
        let text = "é😀 550 5.1.1 <bob@example.com>: user unknown";
        let r = report(text);
        for s in &r.evidence {
            let expected: usize = text[..s.start].encode_utf16().count();
            assert_eq!(s.start16, expected);
            assert_eq!(
                s.end16 - s.start16,
                text[s.start..s.end].encode_utf16().count()
            );
        }
        assert!(!r.evidence.is_empty());
    }

    #[test]
    fn merge_lets_the_stronger_kind_win_and_joins_neighbours() {
        use EvidenceKind::*;
        let m = merge(&[(0, 20, Diagnostic), (4, 9, Status), (9, 12, Status)]);
        let got: Vec<_> = m.iter().map(|s| (s.start, s.end, s.kind)).collect();
        assert_eq!(
            got,
            vec![(0, 4, Diagnostic), (4, 12, Status), (12, 20, Diagnostic)]
        );
    }

    #[test]
    fn clamp_keeps_spans_on_char_boundaries() {
        assert_eq!(clamp("aé", 0, 2), Some((0, 1)));
        assert_eq!(clamp("abc", 2, 99), Some((2, 3)));
        assert_eq!(clamp("abc", 3, 3), None);
    }

    #[test]
    fn resolve_handles_relative_root_and_absolute() {
        assert_eq!(
            resolve("https://a.example/kb/", "x/"),
            "https://a.example/kb/x/"
        );
        assert_eq!(
            resolve("https://a.example/kb", "x/"),
            "https://a.example/kb/x/"
        );
        assert_eq!(
            resolve("https://a.example/kb/", "/x/"),
            "https://a.example/x/"
        );
        assert_eq!(
            resolve("https://a.example/kb/", "https://b.example/"),
            "https://b.example/"
        );
        assert_eq!(resolve("", "x/"), "x/");
    }
}
