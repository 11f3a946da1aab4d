//! The values for a tree's inline wizard: with JavaScript on, the start page of a tree becomes one page that walks
//! every step (`themes/default/js/tree.js`). The start page carries all the steps, rendered by the theme into a
//! `<template>`; the script only clones them. Without JavaScript the template is inert and each step stays its
//! own page.

use super::{Card, outcome_actor, outcome_article};
use crate::content::library::Library;
use crate::content::tree::{DecisionTree, StepKind};
use serde::Serialize;

/// An option of a wizard step: its label and the id of the step it leads to.
#[derive(Debug, Serialize)]
pub struct WizardOption {
    /// What the reader clicks.
    pub label: String,
    /// The id of the next step.
    pub next: String,
}

/// One step as the wizard shows it.
#[derive(Debug, Serialize)]
pub struct WizardStep {
    /// The step's id (it names the step in the URL fragment).
    pub id: String,
    /// `question` or `outcome`.
    pub kind: &'static str,
    /// The question (or check), or the outcome's title.
    pub text: String,
    /// Help (questions) or fix (outcomes), as HTML with links relative to the start page.
    pub html: String,
    /// Where each option leads.
    pub options: Vec<WizardOption>,
    /// For outcomes, the article.
    pub article: Option<Card>,
    /// For outcomes, who must act.
    pub who: Option<String>,
}

/// A tree's wizard: where it starts, and every step.
#[derive(Debug, Serialize)]
pub struct Wizard {
    /// The id of the first step.
    pub start: String,
    /// Every step, in file order.
    pub steps: Vec<WizardStep>,
}

/// The wizard of `tree`, for its start page.
pub fn wizard(lib: &Library, tree: &DecisionTree) -> Wizard {
    Wizard {
        start: tree.steps[tree.start].id.clone(),
        steps: steps(tree, |slug, own| {
            (outcome_article(lib, slug), outcome_actor(lib, own, slug))
        }),
    }
}

/// Every step of `tree` for [`wizard`], with the outcomes' articles looked up by `article` (a slug to its card).
fn steps(
    tree: &DecisionTree,
    article: impl Fn(&str, Option<diagnosis::Actor>) -> (Option<Card>, Option<String>),
) -> Vec<WizardStep> {
    let root = tree.step_root(tree.start);
    tree.steps
        .iter()
        .map(|step| {
            let html = step
                .markdown
                .as_ref()
                .map(|m| m.html.at(root))
                .unwrap_or_default();
            match &step.kind {
                StepKind::Question { text, choices, .. } => WizardStep {
                    id: step.id.clone(),
                    kind: "question",
                    text: text.clone(),
                    html,
                    options: choices
                        .iter()
                        .map(|c| WizardOption {
                            label: c.label.clone(),
                            next: tree.steps[c.next].id.clone(),
                        })
                        .collect(),
                    article: None,
                    who: None,
                },
                StepKind::Outcome {
                    title,
                    article: slug,
                    actor,
                    ..
                } => {
                    let (article, who) = article(slug, *actor);
                    WizardStep {
                        id: step.id.clone(),
                        kind: "outcome",
                        text: title.clone(),
                        html,
                        options: Vec::new(),
                        article,
                        who,
                    }
                }
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const TREE: &str = r#"
title = "T"
summary = "S"
start = "a"

[[node]]
id = "a"
question = "A?"
help = "See [x](@/articles/x.md)."
  [[node.option]]
  label = "to b"
  goto = "b"
  [[node.option]]
  label = "done"
  outcome = "o"

[[node]]
id = "b"
check = "B?"
  [[node.option]]
  label = "done"
  outcome = "o"

[[outcome]]
id = "o"
title = "O"
fix = "Do it."
article = "@/articles/x.md"
"#;

    #[test]
    fn every_step_links_from_the_start_page() {
        let (tree, errors) = DecisionTree::parse("content/trees/t.toml", "t.toml", TREE);
        assert!(errors.is_empty(), "{errors:?}");
        let tree = tree.expect("tree");
        let steps = steps(&tree, |_, _| (None, None));
        let ids: Vec<&str> = steps.iter().map(|s| s.id.as_str()).collect();
        assert_eq!(ids, ["a", "b", "o"]);
        let next: Vec<&str> = steps[0].options.iter().map(|o| o.next.as_str()).collect();
        assert_eq!(next, ["b", "o"]);
        assert_eq!(steps[1].kind, "question");
        assert_eq!(steps[2].kind, "outcome");
        // The start page is trees/t/, two folders below the root, whichever step the text belongs to.
        assert!(
            steps[0].html.contains("href=\"../../articles/x/\""),
            "{}",
            steps[0].html
        );
        assert!(steps[2].html.contains("Do it."));
    }
}
