//! A tree as a graph: where each step's options lead, which steps the start reaches, the options that close a
//! loop, and the orders pages and the flowchart walk the steps in.

use super::{Choice, DecisionTree, StepKind};
use crate::error::ContentError;

/// Where the options of a tree being checked lead, as far as they name a step that exists: per step, `(step,
/// byte offset of the name in the file)`. Built even when other parts of the tree are broken, so that loops and
/// unreachable steps are still found (an unknown target must not hide them).
pub(super) type Edges = Vec<Vec<(usize, usize)>>;

/// Which steps can be reached from `start` along `edges`, or along `guesses` (an unknown target's likely
/// meaning: the step a did-you-mean names, which is not reported as unreached on top of the typo).
pub(super) fn reached(start: usize, edges: &Edges, guesses: &[Vec<usize>]) -> Vec<bool> {
    let mut seen = vec![false; edges.len()];
    let mut stack = vec![start];
    while let Some(i) = stack.pop() {
        if std::mem::replace(&mut seen[i], true) {
            continue;
        }
        stack.extend(edges[i].iter().map(|&(next, _)| next));
        stack.extend(guesses.get(i).into_iter().flatten().copied());
    }
    seen
}

/// One error per option that closes a loop, at that option's target: a depth-first walk from `start` first (so
/// the loop is named from where the reader begins), then from every step not yet walked (a tree whose `start`
/// is broken still has its loops found).
pub(super) fn loops(
    ids: &[&str],
    edges: &Edges,
    start: Option<usize>,
    display: &str,
    text: &str,
) -> Vec<ContentError> {
    // Iterative depth-first search with colours; an edge to a step still on the stack closes a loop.
    #[derive(Clone, Copy, PartialEq)]
    enum Colour {
        White,
        Grey,
        Black,
    }
    let mut colour = vec![Colour::White; edges.len()];
    let mut errors = Vec::new();
    for root in start.into_iter().chain(0..edges.len()) {
        if colour[root] != Colour::White {
            continue;
        }
        let mut path: Vec<usize> = vec![root];
        let mut stack: Vec<(usize, usize)> = vec![(root, 0)];
        colour[root] = Colour::Grey;
        while let Some(top) = stack.last_mut() {
            let (node, edge) = *top;
            let Some(&(next, span)) = edges[node].get(edge) else {
                colour[node] = Colour::Black;
                path.pop();
                stack.pop();
                continue;
            };
            top.1 += 1;
            match colour[next] {
                Colour::White => {
                    colour[next] = Colour::Grey;
                    path.push(next);
                    stack.push((next, 0));
                }
                Colour::Grey => {
                    let from = path.iter().position(|&p| p == next).unwrap_or(0);
                    let mut names: Vec<&str> = path[from..].iter().map(|&p| ids[p]).collect();
                    names.push(ids[next]);
                    errors.push(ContentError::at(
                        display,
                        text,
                        span,
                        format!(
                            "this option leads back to `{}`, making a loop ({}): a tree must always move on \
                             toward an outcome",
                            ids[next],
                            names.join(" → ")
                        ),
                    ));
                }
                Colour::Black => {}
            }
        }
    }
    errors
}

impl DecisionTree {
    /// The steps a step's options lead to.
    pub fn next_steps(&self, i: usize) -> impl Iterator<Item = usize> + '_ {
        let choices: &[Choice] = match &self.steps[i].kind {
            StepKind::Question { choices, .. } => choices,
            StepKind::Outcome { .. } => &[],
        };
        choices.iter().map(|c| c.next)
    }

    /// For each step, the steps whose options lead to it.
    pub fn parents(&self) -> Vec<Vec<usize>> {
        let mut parents = vec![Vec::new(); self.steps.len()];
        for i in 0..self.steps.len() {
            for next in self.next_steps(i) {
                if !parents[next].contains(&i) {
                    parents[next].push(i);
                }
            }
        }
        parents
    }

    /// For each step, how many steps it takes from the start along the shortest way (the start is 0).
    pub fn depths(&self) -> Vec<usize> {
        let mut depth = vec![usize::MAX; self.steps.len()];
        let mut queue = std::collections::VecDeque::from([self.start]);
        depth[self.start] = 0;
        while let Some(i) = queue.pop_front() {
            for next in self.next_steps(i) {
                if depth[next] == usize::MAX {
                    depth[next] = depth[i] + 1;
                    queue.push_back(next);
                }
            }
        }
        depth
    }

    /// The steps in an order where every option leads further down (reverse post-order of a depth-first walk
    /// from the start), so a flowchart drawn in this order has every arrow pointing down.
    pub fn topological_order(&self) -> Vec<usize> {
        let mut seen = vec![false; self.steps.len()];
        let mut post = Vec::with_capacity(self.steps.len());
        let mut stack: Vec<(usize, Vec<usize>)> = Vec::new();
        seen[self.start] = true;
        // Children are visited last-first so that, reversed, the first option's branch comes first.
        let children = |i: usize| -> Vec<usize> { self.next_steps(i).collect() };
        stack.push((self.start, children(self.start)));
        while let Some((node, rest)) = stack.last_mut() {
            match rest.pop() {
                Some(next) if !seen[next] => {
                    seen[next] = true;
                    let c = children(next);
                    stack.push((next, c));
                }
                Some(_) => {}
                None => {
                    post.push(*node);
                    stack.pop();
                }
            }
        }
        post.reverse();
        post
    }
}
