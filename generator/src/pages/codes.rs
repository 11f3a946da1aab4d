//! Which SMTP reply codes and enhanced status codes get a page, and what each page says.
//!
//! A code gets a page when the status-code table describes it exactly (`550`, `5.7.606`), or when an article
//! or a rule uses it. Generic `X.y.z` table entries (RFC 3463 applies them to class 4 and 5 alike) produce pages
//! only for the classes actually used (`5.1.1`, and `4.1.1` where something uses it): a page per possible code
//! would be thousands of near-empty files. The codes index lists every table entry.

use crate::content::library::Library;
use diagnosis::rules::CodeInfo;
use diagnosis::{Reason, ReplyCode, StatusCode};
use std::collections::{BTreeMap, HashMap};

/// A code's kind.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Kind {
    /// Three digits (RFC 5321 §4.2).
    Reply,
    /// class.subject.detail (RFC 3463).
    Status,
}

/// A code with a page.
#[derive(Clone, Debug)]
pub struct CodePage {
    /// `550` or `5.7.26`.
    pub code: String,
    /// Reply or status.
    pub kind: Kind,
    /// First digit: 2, 4 or 5 (also 3 for intermediate replies).
    pub class: u8,
    /// `codes/550/`.
    pub url: String,
    /// The table entry that describes it (exact, or the `X.y.z` entry), if any.
    pub entry: Option<CodeInfo>,
    /// For status codes: the table entry for the subject (`X.7.0`), for context.
    pub subject: Option<CodeInfo>,
    /// Reasons that cover it: the table's, the rules' that require it, the articles'.
    pub reasons: Vec<Reason>,
    /// Indexes into [`Library::articles`] of the articles that list it.
    pub articles: Vec<usize>,
    /// How many of the site's rules name or show it (a rough measure of how common it is).
    pub rule_uses: usize,
}

/// Sort key: reply codes numerically, then status codes by class, subject, detail.
fn order(code: &str) -> (Kind, u16, u16, u16) {
    if let Some(r) = ReplyCode::parse(code) {
        (Kind::Reply, r.0, 0, 0)
    } else if let Some(s) = StatusCode::parse(code) {
        (Kind::Status, u16::from(s.class), s.subject, s.detail)
    } else {
        (Kind::Status, 9, 0, 0)
    }
}

/// The code pages of a library, sorted.
pub fn pages(lib: &Library) -> Vec<CodePage> {
    // code → (articles, reasons, rule uses); one pass over each source, so nothing is quadratic.
    #[derive(Default)]
    struct Uses {
        articles: Vec<usize>,
        reasons: Vec<Reason>,
        rules: usize,
    }
    let mut uses: BTreeMap<String, Uses> = BTreeMap::new();
    for entry in lib.rules.reply_codes.iter().chain(&lib.rules.status_codes) {
        if !entry.code.starts_with('X') {
            uses.entry(entry.code.clone()).or_default();
        }
    }
    // A writers' page (`audience = ["writers"]`) quotes codes as examples; it is no reader's answer to them.
    for (i, a) in lib
        .articles
        .iter()
        .enumerate()
        .filter(|(_, a)| !a.for_writers())
    {
        for code in &a.codes {
            let u = uses.entry(code.clone()).or_default();
            u.articles.push(i);
            for r in &a.reasons {
                if !u.reasons.contains(r) {
                    u.reasons.push(*r);
                }
            }
        }
    }
    for rule in &lib.rules.rules {
        let mut named: Vec<String> = rule
            .reply
            .iter()
            .filter(|c| ReplyCode::parse(c).is_some())
            .chain(
                rule.status
                    .iter()
                    .filter(|c| StatusCode::parse(c).is_some()),
            )
            .cloned()
            .collect();
        for example in &rule.examples {
            named.extend(
                diagnosis::code::find_all_status(example)
                    .filter(|f| !f.code.is_pseudo())
                    .map(|f| f.code.to_string()),
            );
        }
        named.sort();
        named.dedup();
        for code in named {
            let u = uses.entry(code).or_default();
            u.rules += 1;
            if !u.reasons.contains(&rule.reason) {
                u.reasons.push(rule.reason);
            }
        }
    }

    let reply_table: HashMap<&str, &CodeInfo> = lib
        .rules
        .reply_codes
        .iter()
        .map(|c| (c.code.as_str(), c))
        .collect();
    let mut pages: Vec<CodePage> = uses
        .into_iter()
        .filter_map(|(code, u)| {
            let (kind, class, entry, subject) = if let Some(r) = ReplyCode::parse(&code) {
                (
                    Kind::Reply,
                    r.class(),
                    reply_table.get(code.as_str()).map(|c| (*c).clone()),
                    None,
                )
            } else {
                let s = StatusCode::parse(&code)?;
                let subject = lib
                    .rules
                    .status_info(StatusCode { detail: 0, ..s })
                    .filter(|_| s.detail != 0)
                    .cloned();
                (
                    Kind::Status,
                    s.class,
                    lib.rules.status_info(s).cloned(),
                    subject,
                )
            };
            let mut reasons = Vec::new();
            if let Some(r) = entry.as_ref().and_then(|e| e.reason) {
                reasons.push(r);
            }
            for r in u.reasons {
                if !reasons.contains(&r) {
                    reasons.push(r);
                }
            }
            Some(CodePage {
                url: format!("codes/{code}/"),
                code,
                kind,
                class,
                entry,
                subject,
                reasons,
                articles: u.articles,
                rule_uses: u.rules,
            })
        })
        .collect();
    pages.sort_by_key(|p| order(&p.code));
    pages
}

/// The most common failure codes, for the home page: ranked by how many articles and rules use them.
pub fn most_common(pages: &[CodePage], n: usize) -> Vec<&CodePage> {
    let mut ranked: Vec<&CodePage> = pages
        .iter()
        .filter(|p| p.class >= 4 && (!p.articles.is_empty() || p.rule_uses > 0))
        .collect();
    ranked.sort_by_key(|p| {
        (
            std::cmp::Reverse(p.articles.len() * 3 + p.rule_uses),
            order(&p.code),
        )
    });
    ranked.truncate(n);
    ranked
}
