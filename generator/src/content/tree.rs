//! Decision trees: `content/trees/*.toml`. Nodes ask a question (or ask the reader to check something) and
//! offer options; each option leads to another node or to an outcome, a short fix with an article.
//!
//! [`DecisionTree::parse`] reads and validates one file: unknown targets, an option with both or neither of
//! `goto`/`outcome`, duplicate ids, steps nothing reaches and cycles are all reported with `file:line:col`.
//! Each step's markdown (`help`, `fix`) is rendered here, once. The outcomes' articles and the links in that
//! markdown are checked later, by the link checker (`content::links`), which knows every page.

use super::content_ref::ContentRef;
use super::markdown::{self, Fragment};
use super::slug;
use crate::config::toml_error;
use crate::error::{ContentError, did_you_mean, suggestion};
use serde::Deserialize;
use std::collections::HashMap;
use toml::Spanned;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct TreeFile {
    title: Spanned<String>,
    summary: Spanned<String>,
    start: Spanned<String>,
    #[serde(default)]
    node: Vec<NodeFile>,
    #[serde(default)]
    outcome: Vec<OutcomeFile>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct NodeFile {
    id: Spanned<String>,
    question: Option<Spanned<String>>,
    check: Option<Spanned<String>>,
    help: Option<Spanned<String>>,
    #[serde(default)]
    option: Vec<OptionFile>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct OptionFile {
    label: Spanned<String>,
    goto: Option<Spanned<String>>,
    outcome: Option<Spanned<String>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct OutcomeFile {
    id: Spanned<String>,
    title: Spanned<String>,
    fix: Spanned<String>,
    article: Spanned<String>,
    /// Who must act, when the article's reasons do not say it alone (`sender`, `sender-admin`, `recipient`,
    /// `recipient-admin`).
    actor: Option<Spanned<String>>,
}

/// A place in the tree file.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Pos {
    /// 1-based line.
    pub line: usize,
    /// 1-based column.
    pub col: usize,
}

/// An option of a question: where it leads.
#[derive(Clone, Debug)]
pub struct Choice {
    /// What the reader clicks.
    pub label: String,
    /// Index of the next step in [`DecisionTree::steps`].
    pub next: usize,
}

/// What a step is.
#[derive(Clone, Debug)]
pub enum StepKind {
    /// A question (or a check) with options.
    Question {
        /// The question or instruction.
        text: String,
        /// True when written as `check` (something to look at) rather than `question`.
        is_check: bool,
        /// Markdown source of the help text.
        help: Option<String>,
        /// Where each option leads.
        choices: Vec<Choice>,
    },
    /// An outcome: the fix and its article.
    Outcome {
        title: String,
        /// Markdown source of the fix.
        fix: String,
        /// The article's slug.
        article: String,
        /// Where the article was named.
        article_pos: Pos,
        /// Who must act, as the outcome says; else its article's reasons say.
        actor: Option<diagnosis::Actor>,
    },
}

/// A node or an outcome.
#[derive(Clone, Debug)]
pub struct Step {
    /// Its id, unique in the tree.
    pub id: String,
    pub kind: StepKind,
    /// Where its id is.
    pub pos: Pos,
    /// Where its markdown field (`help` or `fix`) starts, for link errors.
    pub text_pos: Pos,
    /// The markdown field, rendered once, for its page and the wizard alike.
    pub markdown: Option<Fragment>,
}

/// A parsed, valid decision tree.
#[derive(Clone, Debug)]
pub struct DecisionTree {
    /// `content/trees/cant-send.toml`.
    pub source: String,
    /// The path for messages.
    pub display: String,
    /// `cant-send`.
    pub slug: String,
    /// `trees/cant-send/`.
    pub url: String,
    pub title: String,
    pub summary: String,
    /// Index of the first step.
    pub start: usize,
    /// Nodes, then outcomes, in file order.
    pub steps: Vec<Step>,
    /// The words of every step, for search: questions and their options, outcomes' titles and fixes as written.
    pub text: String,
    /// Whether the file has problems: then the tree is no page, but the links in its steps are still checked.
    pub(crate) broken: bool,
}

impl DecisionTree {
    /// Parses and validates a tree file. Returns the tree whenever its steps could be read; when it has a
    /// structural problem it is marked [`DecisionTree::broken`] (no page, but its links are checked).
    pub fn parse(
        source: &str,
        display: &str,
        text: &str,
    ) -> (Option<DecisionTree>, Vec<ContentError>) {
        let mut errors = Vec::new();
        let slug = source
            .strip_prefix("content/trees/")
            .unwrap_or(source)
            .trim_end_matches(".toml")
            .to_string();
        if !slug::is_valid(&slug) {
            errors.push(ContentError::file(
                display,
                slug::invalid_message("the file name (the tree's URL)", &slug),
            ));
        }
        let file: TreeFile = match toml::from_str(text) {
            Ok(f) => f,
            Err(e) => {
                let mut err = toml_error(display, text, &e);
                if e.message().starts_with("missing field") && err.line == 1 {
                    (err.line, err.col) = (1, 1);
                }
                errors.push(err);
                return (None, errors);
            }
        };
        let pos = |s: std::ops::Range<usize>| {
            let (line, col) = crate::error::line_col(text, s.start);
            Pos { line, col }
        };
        let err = |p: Pos, m: String| ContentError {
            path: display.to_string(),
            line: p.line,
            col: p.col,
            message: m,
        };

        // Ids: nodes first, then outcomes.
        let mut index: HashMap<&str, usize> = HashMap::new();
        let node_count = file.node.len();
        let ids = file
            .node
            .iter()
            .map(|n| &n.id)
            .chain(file.outcome.iter().map(|o| &o.id));
        for (i, id) in ids.enumerate() {
            let name = id.get_ref().as_str();
            if !slug::is_valid(name) {
                errors.push(err(pos(id.span()), slug::invalid_message("id", name)));
            }
            if let Some(&first) = index.get(name) {
                let first_pos = if first < node_count {
                    pos(file.node[first].id.span())
                } else {
                    pos(file.outcome[first - node_count].id.span())
                };
                errors.push(err(
                    pos(id.span()),
                    format!(
                        "duplicate id `{name}` (first used on line {}): node and outcome ids must be unique in a tree",
                        first_pos.line
                    ),
                ));
            } else {
                index.insert(name, i);
            }
        }
        let is_node = |i: usize| i < node_count;
        let names: Vec<&str> = index.keys().copied().collect();

        let mut steps = Vec::with_capacity(index.len());
        // Where options lead, for the loop and reachability checks, which run even when the tree has other
        // problems: the targets that name a step (of either kind), and the did-you-mean of those that do not.
        let total = node_count + file.outcome.len();
        let mut edges: graph::Edges = vec![Vec::new(); total];
        let mut guesses: Vec<Vec<usize>> = vec![Vec::new(); total];
        for (n, node) in file.node.iter().enumerate() {
            let (text_field, is_check) = match (&node.question, &node.check) {
                (Some(q), None) => (q.get_ref().clone(), false),
                (None, Some(c)) => (c.get_ref().clone(), true),
                (Some(_), Some(c)) => {
                    errors.push(err(
                        pos(c.span()),
                        format!(
                            "node `{}` has both `question` and `check`; keep one",
                            node.id.get_ref()
                        ),
                    ));
                    (String::new(), false)
                }
                (None, None) => {
                    errors.push(err(
                        pos(node.id.span()),
                        format!(
                            "node `{}` needs a `question` (or a `check`: something for the reader to look at)",
                            node.id.get_ref()
                        ),
                    ));
                    (String::new(), false)
                }
            };
            if node.option.is_empty() {
                errors.push(err(
                    pos(node.id.span()),
                    format!(
                        "node `{}` has no options: add `[[node.option]]` entries with a `label` and a `goto` or \
                         `outcome`",
                        node.id.get_ref()
                    ),
                ));
            }
            let mut choices = Vec::new();
            for opt in &node.option {
                for named in [&opt.goto, &opt.outcome].into_iter().flatten() {
                    let name = named.get_ref().as_str();
                    match index.get(name) {
                        Some(&i) => edges[n].push((i, named.span().start)),
                        None => guesses[n].extend(
                            did_you_mean(name, names.iter().copied())
                                .and_then(|g| index.get(g).copied()),
                        ),
                    }
                }
                let target = match (&opt.goto, &opt.outcome) {
                    (Some(_), Some(o)) => {
                        errors.push(err(
                            pos(o.span()),
                            format!(
                                "option \"{}\" has both `goto` and `outcome`: an option leads to one place",
                                opt.label.get_ref()
                            ),
                        ));
                        None
                    }
                    (None, None) => {
                        errors.push(err(
                            pos(opt.label.span()),
                            format!(
                                "option \"{}\" leads nowhere: add `goto = \"<node id>\"` or `outcome = \"<outcome id>\"`",
                                opt.label.get_ref()
                            ),
                        ));
                        None
                    }
                    (Some(g), None) => Some((g, true)),
                    (None, Some(o)) => Some((o, false)),
                };
                let Some((target, wants_node)) = target else {
                    continue;
                };
                let name = target.get_ref().as_str();
                let (kind, other_key) = if wants_node {
                    ("node", "outcome")
                } else {
                    ("outcome", "goto")
                };
                match index.get(name) {
                    Some(&i) if is_node(i) == wants_node => choices.push(Choice {
                        label: opt.label.get_ref().clone(),
                        next: i,
                    }),
                    Some(_) => errors.push(err(
                        pos(target.span()),
                        format!(
                            "`{name}` is {} {}, not {} {kind}: write `{other_key} = \"{name}\"`",
                            if wants_node { "an" } else { "a" },
                            if wants_node { "outcome" } else { "node" },
                            if wants_node { "a" } else { "an" },
                        ),
                    )),
                    None => errors.push(err(
                        pos(target.span()),
                        format!(
                            "unknown {kind} `{name}`{}",
                            suggestion(name, names.iter().copied())
                        ),
                    )),
                }
            }
            steps.push(Step {
                id: node.id.get_ref().clone(),
                kind: StepKind::Question {
                    text: text_field,
                    is_check,
                    help: node.help.as_ref().map(|h| h.get_ref().clone()),
                    choices,
                },
                pos: pos(node.id.span()),
                text_pos: node
                    .help
                    .as_ref()
                    .map_or_else(|| pos(node.id.span()), |h| pos(h.span())),
                markdown: node
                    .help
                    .as_ref()
                    .map(|h| markdown::render_fragment(h.get_ref())),
            });
        }
        for out in &file.outcome {
            let written = out.article.get_ref();
            let article = match ContentRef::parse(written) {
                Some(ContentRef::Article(slug)) => slug,
                _ => {
                    errors.push(err(
                        pos(out.article.span()),
                        format!(
                            "`article` must name an article by its source path, \"@/articles/<slug>.md\", not \
                             {written:?}"
                        ),
                    ));
                    String::new()
                }
            };
            let actor = out.actor.as_ref().and_then(|a| {
                let found = diagnosis::Actor::ALL
                    .into_iter()
                    .find(|x| x.as_str() == a.get_ref());
                if found.is_none() {
                    errors.push(err(
                        pos(a.span()),
                        format!(
                            "unknown actor `{}`; expected sender, sender-admin, recipient or recipient-admin",
                            a.get_ref()
                        ),
                    ));
                }
                found
            });
            steps.push(Step {
                id: out.id.get_ref().clone(),
                kind: StepKind::Outcome {
                    actor,
                    title: out.title.get_ref().clone(),
                    fix: out.fix.get_ref().clone(),
                    article,
                    article_pos: pos(out.article.span()),
                },
                pos: pos(out.id.span()),
                text_pos: pos(out.fix.span()),
                markdown: Some(markdown::render_fragment(out.fix.get_ref())),
            });
        }

        let start = match index.get(file.start.get_ref().as_str()) {
            Some(&i) if is_node(i) => Some(i),
            Some(_) => {
                errors.push(err(
                    pos(file.start.span()),
                    format!(
                        "`start` must be a node, but `{}` is an outcome",
                        file.start.get_ref()
                    ),
                ));
                None
            }
            None => {
                errors.push(err(
                    pos(file.start.span()),
                    format!(
                        "`start` names unknown node `{}`{}",
                        file.start.get_ref(),
                        suggestion(file.start.get_ref(), names.iter().copied())
                    ),
                ));
                None
            }
        };

        // Loops and unreached steps, on whatever resolved: a broken option elsewhere does not hide them. A
        // duplicate id's second step is reported as a duplicate only.
        let ids: Vec<&str> = steps.iter().map(|s| s.id.as_str()).collect();
        errors.extend(graph::loops(&ids, &edges, start, display, text));
        if let Some(start) = start {
            let reached = graph::reached(start, &edges, &guesses);
            for (i, step) in steps.iter().enumerate() {
                if !reached[i] && index.get(step.id.as_str()) == Some(&i) {
                    let kind = if is_node(i) { "node" } else { "outcome" };
                    errors.push(err(
                        step.pos,
                        format!(
                            "{kind} `{}` is never reached from the start (`{}`): lead an option to it, or remove it",
                            step.id, steps[start].id
                        ),
                    ));
                }
            }
        }
        // The steps' markdown is checked whatever else is wrong.
        let markdown_problems: Vec<ContentError> = steps
            .iter()
            .flat_map(|step| {
                let at = step.text_pos;
                step.markdown
                    .iter()
                    .flat_map(|m| &m.problems)
                    .map(move |(_, message)| err(at, message.clone()))
            })
            .collect();
        let broken = start.is_none() || !errors.is_empty();
        // Problems in the steps' markdown are the writer's to fix, but the tree works.
        errors.extend(markdown_problems);
        if steps.is_empty() {
            return (None, errors);
        }
        let tree = DecisionTree {
            source: source.to_string(),
            display: display.to_string(),
            url: format!("trees/{slug}/"),
            slug,
            title: file.title.get_ref().trim().to_string(),
            summary: file.summary.get_ref().trim().to_string(),
            start: start.unwrap_or(0),
            text: search_text(&steps),
            steps,
            broken,
        };
        (Some(tree), errors)
    }

    /// The reference rules and links name this tree by (`@/trees/<slug>.toml`).
    pub fn content_ref(&self) -> ContentRef {
        ContentRef::Tree(self.slug.clone())
    }

    /// URL of a step, relative to the site root: the start is the tree's own page.
    pub fn step_url(&self, i: usize) -> String {
        if i == self.start {
            self.url.clone()
        } else {
            format!("{}{}/", self.url, self.steps[i].id)
        }
    }

    /// The relative path from a step's page to the site root.
    pub fn step_root(&self, i: usize) -> &'static str {
        if i == self.start {
            "../../"
        } else {
            "../../../"
        }
    }

    /// The markdown of a step (`help` or `fix`) as HTML for the step's own page.
    pub fn step_html(&self, i: usize) -> Option<String> {
        let md = self.steps[i].markdown.as_ref()?;
        Some(md.html.at(self.step_root(i)))
    }
}

/// The words of `steps`, one field a line.
fn search_text(steps: &[Step]) -> String {
    let mut text = String::new();
    for step in steps {
        let lines: Vec<&str> = match &step.kind {
            StepKind::Question {
                text: q, choices, ..
            } => std::iter::once(q.as_str())
                .chain(choices.iter().map(|c| c.label.as_str()))
                .collect(),
            StepKind::Outcome { title, fix, .. } => vec![title, fix],
        };
        for line in lines {
            text.push_str(line);
            text.push('\n');
        }
    }
    text
}

mod graph;

#[cfg(test)]
mod tests;
