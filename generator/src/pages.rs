//! What each page shows: the values templates receive, built from the library. Everything here is derived
//! once per build ([`Catalog::new`]) with maps, so no page looks through every article.

use crate::content::article::Article;
use crate::content::library::Library;
use crate::content::markdown::Heading;
use crate::content::tree::{DecisionTree, StepKind};
use codes::{CodePage, Kind};
use diagnosis::Reason;
use serde::Serialize;
use std::collections::{BTreeMap, HashMap};

pub(crate) mod codes;
pub(crate) mod sources;
pub(crate) mod wizard;

/// A link with a title, and a summary where there is one.
#[derive(Clone, Debug, Serialize)]
pub(crate) struct Card {
    pub title: String,
    /// URL relative to the root.
    pub url: String,
    /// One or two sentences.
    pub summary: String,
}

/// A code, as shown in lists.
#[derive(Clone, Debug, Serialize)]
pub(crate) struct CodeView {
    /// `550`.
    pub code: String,
    /// The table's title for it, if any.
    pub title: String,
    /// Its page, if it has one.
    pub url: Option<String>,
}

/// A reason, as shown in lists.
#[derive(Clone, Debug, Serialize)]
pub(crate) struct ReasonView {
    /// `mailboxfull`.
    pub name: String,
    /// Title from the reason file, or the engine's description.
    pub title: String,
    /// `reasons/mailboxfull/`.
    pub url: String,
}

/// A tag with its page.
#[derive(Clone, Debug, Serialize)]
pub(crate) struct TagView {
    /// `quota`.
    pub name: String,
    /// `tags/quota/`.
    pub url: String,
    /// How many articles carry it.
    pub count: usize,
}

/// Cross-references of the whole site, computed once.
pub struct Catalog<'a> {
    /// The library.
    pub(crate) lib: &'a Library,
    /// Code pages, sorted.
    pub(crate) codes: Vec<CodePage>,
    code_index: HashMap<String, usize>,
    /// reason → articles claiming it (indexes).
    reason_articles: HashMap<Reason, Vec<usize>>,
    /// tag → articles, sorted by tag.
    pub(crate) tags: BTreeMap<String, Vec<usize>>,
}

/// The relative path from a page at `url` (`articles/x/`, or a file such as `kb/old.html`) to the site root.
pub(crate) fn root_for(url: &str) -> String {
    "../".repeat(url.matches('/').count())
}

impl<'a> Catalog<'a> {
    /// Derives every cross-reference.
    pub fn new(lib: &'a Library) -> Catalog<'a> {
        let codes = codes::pages(lib);
        let code_index = codes
            .iter()
            .enumerate()
            .map(|(i, c)| (c.code.clone(), i))
            .collect();
        let mut reason_articles: HashMap<Reason, Vec<usize>> = HashMap::new();
        let mut tags: BTreeMap<String, Vec<usize>> = BTreeMap::new();
        // Writers' pages (`audience = ["writers"]`) are in no reader's list: not under a reason, a tag, or
        // "related articles".
        for (i, a) in lib
            .articles
            .iter()
            .enumerate()
            .filter(|(_, a)| !a.for_writers())
        {
            for r in &a.reasons {
                reason_articles.entry(*r).or_default().push(i);
            }
            for t in &a.tags {
                tags.entry(t.clone()).or_default().push(i);
            }
        }
        Catalog {
            lib,
            codes,
            code_index,
            reason_articles,
            tags,
        }
    }

    /// The code page for `code`, if there is one.
    pub(crate) fn code(&self, code: &str) -> Option<&CodePage> {
        self.code_index.get(code).map(|&i| &self.codes[i])
    }

    /// A code for lists.
    pub(crate) fn code_view(&self, code: &str) -> CodeView {
        let page = self.code(code);
        CodeView {
            code: code.to_string(),
            title: page
                .and_then(|p| p.entry.as_ref())
                .map(|e| e.title.clone())
                .unwrap_or_default(),
            url: page.map(|p| p.url.clone()),
        }
    }

    /// A reason for lists.
    pub(crate) fn reason_view(&self, r: Reason) -> ReasonView {
        ReasonView {
            name: r.as_str().to_string(),
            title: self
                .lib
                .rules
                .reason_info(r)
                .map_or_else(|| r.description().to_string(), |i| i.title.clone()),
            url: format!("reasons/{}/", r.as_str()),
        }
    }

    /// Cards for article indexes.
    pub(crate) fn cards(&self, indexes: &[usize]) -> Vec<Card> {
        indexes
            .iter()
            .map(|&i| article_card(&self.lib.articles[i]))
            .collect()
    }

    /// Every article for readers (not the writers' pages), the most recently updated first (in slug order on
    /// the same day).
    pub(crate) fn newest_first(&self) -> Vec<usize> {
        let articles = &self.lib.articles;
        let mut order = self.readers_articles();
        order.sort_by(|&a, &b| {
            articles[b]
                .updated
                .cmp(&articles[a].updated)
                .then(a.cmp(&b))
        });
        order
    }

    /// The indexes of the articles for readers, in library order: every one but the writers' pages.
    pub(crate) fn readers_articles(&self) -> Vec<usize> {
        (0..self.lib.articles.len())
            .filter(|&i| !self.lib.articles[i].for_writers())
            .collect()
    }

    /// Articles that claim a reason.
    pub(crate) fn reason_articles(&self, r: Reason) -> &[usize] {
        self.reason_articles.get(&r).map_or(&[], Vec::as_slice)
    }

    /// Tags of the site, with counts.
    pub(crate) fn tag_views(&self) -> Vec<TagView> {
        self.tags
            .iter()
            .map(|(name, list)| TagView {
                name: name.clone(),
                url: format!("tags/{name}/"),
                count: list.len(),
            })
            .collect()
    }

    /// Up to five articles that share the most reasons and tags with `a`. Each shared group is looked at up to a
    /// bounded size, so this stays linear however large a tag grows.
    pub(crate) fn related(&self, index: usize) -> Vec<Card> {
        const PER_GROUP: usize = 64;
        let a = &self.lib.articles[index];
        let mut score: HashMap<usize, usize> = HashMap::new();
        let groups = a
            .reasons
            .iter()
            .map(|r| (self.reason_articles(*r), 3))
            .chain(
                a.tags
                    .iter()
                    .filter_map(|t| self.tags.get(t).map(|v| (v.as_slice(), 1))),
            );
        for (group, weight) in groups {
            for &other in group.iter().take(PER_GROUP) {
                if other != index {
                    *score.entry(other).or_default() += weight;
                }
            }
        }
        let mut ranked: Vec<(usize, usize)> = score.into_iter().collect();
        ranked.sort_by_key(|&(i, s)| (std::cmp::Reverse(s), i));
        ranked
            .into_iter()
            .take(5)
            .map(|(i, _)| article_card(&self.lib.articles[i]))
            .collect()
    }
}

/// A level-2 heading and the level-3 headings under it.
#[derive(Debug, Serialize)]
pub(crate) struct TocEntry {
    pub id: String,
    pub text: String,
    /// Sub-headings.
    pub children: Vec<Heading>,
}

/// Nests level-3 headings under the level-2 heading before them.
pub(crate) fn nest_toc(headings: &[Heading]) -> Vec<TocEntry> {
    let mut out: Vec<TocEntry> = Vec::new();
    for h in headings {
        match out.last_mut() {
            Some(last) if h.level > 2 => last.children.push(h.clone()),
            _ => out.push(TocEntry {
                id: h.id.clone(),
                text: h.text.clone(),
                children: Vec::new(),
            }),
        }
    }
    out
}

/// The article page's values.
#[derive(Debug, Serialize)]
pub(crate) struct ArticleView {
    pub title: String,
    pub summary: String,
    /// Body HTML.
    pub html: String,
    /// Table of contents: level-2 headings with their level-3 headings (shown when there are at least two).
    pub toc: Vec<TocEntry>,
    /// Codes covered.
    pub codes: Vec<CodeView>,
    /// Reasons explained.
    pub reasons: Vec<ReasonView>,
    /// Who it is for.
    pub audience: Vec<String>,
    pub tags: Vec<TagView>,
    /// Last update, `YYYY-MM-DD`.
    pub updated: String,
    /// Decision trees the article's reasons point to.
    pub trees: Vec<Card>,
    /// Similar articles.
    pub related: Vec<Card>,
    /// The "send this to your mail admin" block.
    pub admin: Option<crate::content::admin::AdminBlock>,
}

impl Catalog<'_> {
    /// The values of article `i`'s page.
    pub(crate) fn article_view(&self, i: usize) -> ArticleView {
        let a = &self.lib.articles[i];
        let mut trees: Vec<Card> = Vec::new();
        for r in &a.reasons {
            if let Some(t) = self
                .lib
                .rules
                .reason_info(*r)
                .and_then(|info| info.tree.as_deref())
                .and_then(|t| self.lib.tree_ref(t))
                && !trees.iter().any(|c| c.url == t.url)
            {
                trees.push(tree_card(t));
            }
        }
        ArticleView {
            title: a.title.clone(),
            summary: a.summary.clone(),
            html: a.html.clone(),
            toc: nest_toc(&a.toc),
            codes: a.codes.iter().map(|c| self.code_view(c)).collect(),
            reasons: a.reasons.iter().map(|r| self.reason_view(*r)).collect(),
            audience: a.audience.clone(),
            tags: a
                .tags
                .iter()
                .map(|t| TagView {
                    name: t.clone(),
                    url: format!("tags/{t}/"),
                    count: self.tags.get(t).map_or(0, Vec::len),
                })
                .collect(),
            updated: a.updated.clone(),
            trees,
            related: self.related(i),
            admin: a.admin.clone(),
        }
    }
}

/// An article as a card.
pub(crate) fn article_card(a: &Article) -> Card {
    Card {
        title: a.title.clone(),
        url: a.url.clone(),
        summary: a.summary.clone(),
    }
}

/// A tree as a card.
pub(crate) fn tree_card(t: &DecisionTree) -> Card {
    Card {
        title: t.title.clone(),
        url: t.url.clone(),
        summary: t.summary.clone(),
    }
}

/// A code page's values.
#[derive(Debug, Serialize)]
pub(crate) struct CodePageView {
    /// `5.7.26`.
    pub code: String,
    /// `reply` or `status`.
    pub kind: &'static str,
    /// 2, 3, 4 or 5.
    pub class: u8,
    /// The table entry's code (`X.7.26` when the generic entry applies).
    pub entry_code: Option<String>,
    pub title: String,
    /// Meaning in plain words.
    pub meaning: String,
    /// Where the meaning is defined.
    pub source: Option<String>,
    /// The subject's entry (`X.7.0`): code, title.
    pub subject: Option<CodeView>,
    /// Reasons covering it.
    pub reasons: Vec<ReasonView>,
    /// Articles that list it.
    pub articles: Vec<Card>,
}

impl Catalog<'_> {
    /// The values of a code page.
    pub(crate) fn code_page_view(&self, c: &CodePage) -> CodePageView {
        CodePageView {
            code: c.code.clone(),
            kind: match c.kind {
                Kind::Reply => "reply",
                Kind::Status => "status",
            },
            class: c.class,
            entry_code: c.entry.as_ref().map(|e| e.code.clone()),
            title: c
                .entry
                .as_ref()
                .map(|e| e.title.clone())
                .unwrap_or_default(),
            meaning: c
                .entry
                .as_ref()
                .map(|e| e.meaning.clone())
                .unwrap_or_default(),
            source: c.entry.as_ref().and_then(|e| e.source.clone()),
            subject: c.subject.as_ref().map(|s| CodeView {
                code: s.code.clone(),
                title: s.title.clone(),
                url: None,
            }),
            reasons: c.reasons.iter().map(|r| self.reason_view(*r)).collect(),
            articles: self.cards(&c.articles),
        }
    }

    /// Every entry of the status code table plus every code with a page, for the codes index: (reply codes,
    /// status codes).
    pub(crate) fn code_index(&self) -> (Vec<CodeView>, Vec<CodeView>) {
        let mut reply = Vec::new();
        let mut status = Vec::new();
        for c in &self.codes {
            let view = self.code_view(&c.code);
            match c.kind {
                Kind::Reply => reply.push(view),
                Kind::Status => status.push(view),
            }
        }
        // Generic entries have no page of their own; list them with the classes that have one.
        for e in &self.lib.rules.status_codes {
            if let Some(rest) = e.code.strip_prefix("X.") {
                let have: Vec<&str> = ["4", "5"]
                    .into_iter()
                    .filter(|class| self.code(&format!("{class}.{rest}")).is_some())
                    .collect();
                if have.is_empty() {
                    status.push(CodeView {
                        code: e.code.clone(),
                        title: e.title.clone(),
                        url: None,
                    });
                }
            }
        }
        status.sort_by_key(|v| status_order(&v.code));
        (reply, status)
    }
}

fn status_order(code: &str) -> (u16, u16, u16) {
    let mut it = code.split('.');
    let class = match it.next() {
        Some("X") => 9,
        Some(c) => c.parse().unwrap_or(9),
        None => 9,
    };
    let subject = it.next().and_then(|s| s.parse().ok()).unwrap_or(0);
    let detail = it.next().and_then(|s| s.parse().ok()).unwrap_or(0);
    (subject, detail, class)
}

/// A reason page's values.
#[derive(Debug, Serialize)]
pub(crate) struct ReasonPageView {
    /// Name and title.
    pub reason: ReasonView,
    /// The engine's one-line description.
    pub description: String,
    /// Who must act, in words.
    pub actor: Option<String>,
    /// What to do.
    pub advice: Option<String>,
    /// The main article.
    pub article: Option<Card>,
    /// The decision tree.
    pub tree: Option<Card>,
    /// Articles that claim it.
    pub articles: Vec<Card>,
    /// Codes whose table entry implies it.
    pub codes: Vec<CodeView>,
    /// Where the rules' wordings for it come from.
    pub sources: Vec<sources::SourceEntry>,
    /// Other names that find this page (Sisimai's newer names).
    pub aliases: Vec<&'static str>,
}

impl Catalog<'_> {
    /// The values of a reason page.
    pub(crate) fn reason_page_view(&self, r: Reason) -> ReasonPageView {
        let info = self.lib.rules.reason_info(r);
        let article = info
            .and_then(|i| i.article.as_deref())
            .and_then(|a| self.lib.article_ref(a))
            .map(article_card);
        let mut articles = self.cards(self.reason_articles(r));
        if let Some(main) = &article {
            articles.retain(|c| c.url != main.url);
        }
        ReasonPageView {
            reason: self.reason_view(r),
            description: r.description().to_string(),
            actor: info.map(|i| i.actor.describe().to_string()),
            advice: info.map(|i| i.advice.clone()),
            article,
            tree: info
                .and_then(|i| i.tree.as_deref())
                .and_then(|t| self.lib.tree_ref(t))
                .map(tree_card),
            articles,
            codes: self
                .codes
                .iter()
                .filter(|c| c.entry.as_ref().and_then(|e| e.reason) == Some(r))
                .map(|c| self.code_view(&c.code))
                .collect(),
            sources: sources::for_reason(&self.lib.rules.rules, r),
            aliases: r.newer_names(),
        }
    }
}

/// The article an outcome names (by slug), as a card.
fn outcome_article(lib: &Library, slug: &str) -> Option<Card> {
    lib.article(slug).map(article_card)
}

/// Who must act at an outcome, in plain words: the outcome's own `actor`, else the actor of the reasons its
/// article explains when they agree (the rules say who acts for each reason); none when neither says.
pub(crate) fn outcome_actor(
    lib: &Library,
    own: Option<diagnosis::Actor>,
    slug: &str,
) -> Option<String> {
    if let Some(actor) = own {
        return Some(actor.describe().to_string());
    }
    let article = lib.article(slug)?;
    let mut actors = article
        .reasons
        .iter()
        .filter_map(|r| lib.rules.reason_info(*r).map(|i| i.actor));
    let first = actors.next()?;
    actors
        .all(|a| a == first)
        .then(|| first.describe().to_string())
}

/// One step of a tree, as its page shows it.
#[derive(Debug, Serialize)]
pub(crate) struct StepView {
    /// `question` or `outcome`.
    pub kind: &'static str,
    /// The question (or check), or the outcome's title.
    pub text: String,
    /// True for a `check` node.
    pub is_check: bool,
    /// Help (questions) or fix (outcomes), as HTML.
    pub html: String,
    /// Options: label and URL.
    pub options: Vec<Card>,
    /// For outcomes, the article.
    pub article: Option<Card>,
    /// For outcomes, who must act ([`outcome_actor`]).
    pub who: Option<String>,
    /// 1 for the first step.
    pub number: usize,
    /// Steps leading here: their question and URL ("Back").
    pub back: Vec<Card>,
    /// Whether this is the tree's start.
    pub is_start: bool,
}

/// The values of step `i` of `tree`.
pub(crate) fn step_view(
    lib: &Library,
    tree: &DecisionTree,
    i: usize,
    parents: &[usize],
    depth: usize,
) -> StepView {
    let step = &tree.steps[i];
    let html = tree.step_html(i).unwrap_or_default();
    let back = parents
        .iter()
        .map(|&p| Card {
            title: match &tree.steps[p].kind {
                StepKind::Question { text, .. } => text.clone(),
                StepKind::Outcome { title, .. } => title.clone(),
            },
            url: tree.step_url(p),
            summary: String::new(),
        })
        .collect();
    match &step.kind {
        StepKind::Question {
            text,
            is_check,
            choices,
            ..
        } => StepView {
            kind: "question",
            text: text.clone(),
            is_check: *is_check,
            html,
            options: choices
                .iter()
                .map(|c| Card {
                    title: c.label.clone(),
                    url: tree.step_url(c.next),
                    summary: String::new(),
                })
                .collect(),
            article: None,
            who: None,
            number: depth + 1,
            back,
            is_start: i == tree.start,
        },
        StepKind::Outcome {
            title,
            article,
            actor,
            ..
        } => StepView {
            kind: "outcome",
            text: title.clone(),
            is_check: false,
            html,
            options: Vec::new(),
            article: outcome_article(lib, article),
            who: outcome_actor(lib, *actor, article),
            number: depth + 1,
            back,
            is_start: false,
        },
    }
}
