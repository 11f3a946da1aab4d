//! A tree as a graph: where each step's options lead, which steps the start reaches, the options that close a
//! loop, and the orders pages and the flowchart walk the steps in.

use super::{Choice, DecisionTree, StepKind, TreeFile};
use crate::error::ContentError;

impl DecisionTree {
    /// Which steps can be reached from the start.
    pub(super) fn reachable(&self) -> Vec<bool> {
        let mut seen = vec![false; self.steps.len()];
        let mut stack = vec![self.start];
        while let Some(i) = stack.pop() {
            if std::mem::replace(&mut seen[i], true) {
                continue;
            }
            stack.extend(self.next_steps(i));
        }
        seen
    }

    /// The steps a step's options lead to.
    pub fn next_steps(&self, i: usize) -> impl Iterator<Item = usize> + '_ {
        let choices: &[Choice] = match &self.steps[i].kind {
            StepKind::Question { choices, .. } => choices,
            StepKind::Outcome { .. } => &[],
        };
        choices.iter().map(|c| c.next)
    }

    /// One error per option that closes a loop, at that option's target.
    pub(super) fn cycles(&self, file: &TreeFile, text: &str) -> Vec<ContentError> {
        // Iterative depth-first search with colours; an edge to a node still on the stack closes a cycle.
        #[derive(Clone, Copy, PartialEq)]
        enum Colour {
            White,
            Grey,
            Black,
        }
        let mut colour = vec![Colour::White; self.steps.len()];
        let mut errors = Vec::new();
        let mut path: Vec<usize> = Vec::new();
        let mut stack: Vec<(usize, usize)> = vec![(self.start, 0)];
        colour[self.start] = Colour::Grey;
        path.push(self.start);
        while let Some(top) = stack.last_mut() {
            let (node, choice_index) = *top;
            let choices: &[Choice] = match &self.steps[node].kind {
                StepKind::Question { choices, .. } => choices,
                StepKind::Outcome { .. } => &[],
            };
            if choice_index < choices.len() {
                top.1 += 1;
                let next = choices[choice_index].next;
                match colour[next] {
                    Colour::White => {
                        colour[next] = Colour::Grey;
                        path.push(next);
                        stack.push((next, 0));
                    }
                    Colour::Grey => {
                        let from = path.iter().position(|&p| p == next).unwrap_or(0);
                        let mut names: Vec<&str> = path[from..]
                            .iter()
                            .map(|&p| self.steps[p].id.as_str())
                            .collect();
                        names.push(&self.steps[next].id);
                        // The option's `goto` in the file (nodes are in file order, and so are options,
                        // but choices skip broken options; there are none when this runs).
                        let span = file.node[node]
                            .option
                            .get(choice_index)
                            .and_then(|o| o.goto.as_ref())
                            .map_or(0, |g| g.span().start);
                        errors.push(ContentError::at(
                            &self.display,
                            text,
                            span,
                            format!(
                                "this option leads back to `{}`, making a loop ({}): a tree must always move on \
                                 toward an outcome",
                                self.steps[next].id,
                                names.join(" → ")
                            ),
                        ));
                    }
                    Colour::Black => {}
                }
            } else {
                colour[node] = Colour::Black;
                path.pop();
                stack.pop();
            }
        }
        errors
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
