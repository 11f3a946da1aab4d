//! A decision tree as an SVG flowchart, drawn at build time.
//!
//! Phones are narrow and trees are wide, so the chart is one column: every question and outcome is a box, in an
//! order where each option leads further down ([`DecisionTree::topological_order`]). Each option is a row of its
//! question's box; its arrow leaves at the right, runs down a lane in the right-hand gutter and enters the box
//! it leads to. All arrows into one box share a lane, which keeps the gutter narrow. The chart is about 360 px
//! wide whatever the tree, so it reads on a phone by scrolling down, and it follows the reader's light or dark
//! scheme.

use crate::content::markdown::escape_html;
use crate::content::tree::{DecisionTree, StepKind};
use std::fmt::Write as _;

const MARGIN: f64 = 8.0;
const BOX_W: f64 = 300.0;
const PAD: f64 = 10.0;
const LINE: f64 = 18.0;
const OPTION_LINE: f64 = 16.0;
const GAP: f64 = 30.0;
const LANE_GAP: f64 = 9.0;
/// Characters per line at 14 px (about 7.8 px per character in a sans-serif font) and at 13 px.
const CHARS: usize = 35;
const OPTION_CHARS: usize = 36;

/// Splits text into lines of at most `width` characters, at spaces where possible.
fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        let mut word = word.to_string();
        while word.chars().count() > width {
            if !line.is_empty() {
                lines.push(std::mem::take(&mut line));
            }
            let head: String = word.chars().take(width).collect();
            word = word.chars().skip(width).collect();
            lines.push(head);
        }
        if !line.is_empty() && line.chars().count() + 1 + word.chars().count() > width {
            lines.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(&word);
    }
    if !line.is_empty() {
        lines.push(line);
    }
    lines
}

/// A laid-out box.
struct Placed {
    top: f64,
    height: f64,
    /// Text lines with their baseline y and class.
    lines: Vec<(f64, String, &'static str)>,
    /// For each option: the y where its arrow leaves, and the step it leads to.
    ports: Vec<(f64, usize)>,
    outcome: bool,
}

/// The steps in chart order, and each step's number in it (1 for the top box).
fn numbered(tree: &DecisionTree) -> (Vec<usize>, Vec<usize>) {
    let order = tree.topological_order();
    let mut number = vec![0usize; tree.steps.len()];
    for (k, &i) in order.iter().enumerate() {
        number[i] = k + 1;
    }
    (order, number)
}

/// The same chart as HTML, for narrow screens, where the SVG would be scaled down until its text is too small to
/// read: an ordered list numbered as the chart's boxes are, each question with its options, and each option a
/// link to the item it leads to (instead of a line to follow). Text is the page's own, at its size.
pub fn list(tree: &DecisionTree) -> String {
    let (order, number) = numbered(tree);
    let id = |i: usize| format!("flow-{}", escape_html(&tree.steps[i].id));
    let mut html = String::with_capacity(4096);
    html.push_str("<ol class=\"flow-list\">");
    for &i in &order {
        match &tree.steps[i].kind {
            StepKind::Question { text, choices, .. } => {
                let _ = write!(
                    html,
                    "<li id=\"{}\"><p class=\"flow-q\">{}</p><ul class=\"flow-options\">",
                    id(i),
                    escape_html(text)
                );
                for c in choices {
                    let _ = write!(
                        html,
                        "<li><a href=\"#{}\">{} → {}</a></li>",
                        id(c.next),
                        escape_html(&c.label),
                        number[c.next]
                    );
                }
                html.push_str("</ul></li>");
            }
            StepKind::Outcome { title, .. } => {
                let _ = write!(
                    html,
                    "<li id=\"{}\" class=\"flow-outcome\"><p class=\"flow-q\">✓ {}</p></li>",
                    id(i),
                    escape_html(title)
                );
            }
        }
    }
    html.push_str("</ol>");
    html
}

/// The flowchart of `tree` as a standalone SVG document.
pub fn render(tree: &DecisionTree) -> String {
    // Boxes are numbered top to bottom, and each option names the number it leads to, so the chart can be read
    // without following lines.
    let (order, number) = numbered(tree);
    let mut placed: Vec<Option<Placed>> = (0..tree.steps.len()).map(|_| None).collect();
    let mut y = MARGIN + 22.0;
    for &i in &order {
        let step = &tree.steps[i];
        let top = y;
        let mut lines = Vec::new();
        let mut ports = Vec::new();
        let mut cy = top + PAD;
        let outcome = matches!(step.kind, StepKind::Outcome { .. });
        match &step.kind {
            StepKind::Question { text, choices, .. } => {
                for l in wrap(&format!("{}. {text}", number[i]), CHARS) {
                    cy += LINE;
                    lines.push((cy - 4.0, l, "q"));
                }
                for c in choices {
                    cy += 6.0;
                    let wrapped =
                        wrap(&format!("• {} → {}", c.label, number[c.next]), OPTION_CHARS);
                    let first = cy + OPTION_LINE - 8.0;
                    for l in wrapped {
                        cy += OPTION_LINE;
                        lines.push((cy - 4.0, l, "opt"));
                    }
                    ports.push((first, c.next));
                }
            }
            StepKind::Outcome { title, .. } => {
                for l in wrap(&format!("{}. ✓ {title}", number[i]), CHARS) {
                    cy += LINE;
                    lines.push((cy - 4.0, l, "q"));
                }
            }
        }
        let height = cy - top + PAD;
        placed[i] = Some(Placed {
            top,
            height,
            lines,
            ports,
            outcome,
        });
        y = top + height + GAP;
    }
    let bottom = y - GAP + MARGIN;

    // One lane per target that something leads to: from the highest option leading there down to the target.
    let entry = |i: usize| placed[i].as_ref().map_or(0.0, |p| p.top + 14.0);
    let mut spans: Vec<(f64, f64, usize)> = Vec::new();
    let mut span_of: Vec<Option<usize>> = vec![None; tree.steps.len()];
    for &i in &order {
        let Some(p) = &placed[i] else { continue };
        for &(py, next) in &p.ports {
            match span_of[next] {
                Some(k) => spans[k].0 = spans[k].0.min(py),
                None => {
                    span_of[next] = Some(spans.len());
                    spans.push((py, entry(next), next));
                }
            }
        }
    }
    spans.sort_by(|a, b| a.0.total_cmp(&b.0));
    let mut lane_end: Vec<f64> = Vec::new();
    let mut lane_of = vec![0usize; tree.steps.len()];
    for &(start, end, target) in &spans {
        let lane = match lane_end.iter().position(|&e| e + 6.0 < start) {
            Some(l) => l,
            None => {
                lane_end.push(0.0);
                lane_end.len() - 1
            }
        };
        lane_end[lane] = end;
        lane_of[target] = lane;
    }
    let right = MARGIN + BOX_W;
    let lane_x = |lane: usize| right + 12.0 + lane as f64 * LANE_GAP;
    let width = lane_x(lane_end.len().max(1)) + MARGIN;

    let mut svg = String::with_capacity(8192);
    let questions = tree
        .steps
        .iter()
        .filter(|s| matches!(s.kind, StepKind::Question { .. }))
        .count();
    let _ = write!(
        svg,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {width:.0} {bottom:.0}\" width=\"{width:.0}\" \
         height=\"{bottom:.0}\" role=\"img\" aria-labelledby=\"title desc\" font-family=\"system-ui, -apple-system, \
         'Segoe UI', Roboto, sans-serif\">\
         <title id=\"title\">Flowchart: {}</title><desc id=\"desc\">{} questions and {} outcomes; start at the top \
         and follow the arrow of the option that fits.</desc>",
        escape_html(&tree.title),
        questions,
        tree.steps.len() - questions
    );
    svg.push_str(
        "<style>\
         .box{fill:#fff;stroke:#2f5fb3;stroke-width:1.5}.out{fill:#eef8ec;stroke:#2e7d32}\
         .q{font-size:14px;fill:#16191d}.opt{font-size:13px;fill:#2f5fb3}.start{font-size:12px;fill:#555;font-weight:600}\
         .edge{fill:none;stroke:#6b7280;stroke-width:1.2}.head{fill:#6b7280}\
         @media (prefers-color-scheme:dark){.box{fill:#1b2230;stroke:#8ab4ff}.out{fill:#17271a;stroke:#81c784}\
         .q{fill:#e8eaed}.opt{fill:#8ab4ff}.start{fill:#aaa}.edge{stroke:#9aa0a6}.head{fill:#9aa0a6}}\
         </style>",
    );
    let _ = write!(
        svg,
        "<text class=\"start\" x=\"{MARGIN}\" y=\"{:.0}\">START</text>",
        MARGIN + 14.0
    );
    for &i in &order {
        let Some(p) = &placed[i] else { continue };
        let class = if p.outcome { "box out" } else { "box" };
        let _ = write!(
            svg,
            "<g id=\"{}\"><rect class=\"{class}\" x=\"{MARGIN}\" y=\"{:.1}\" width=\"{BOX_W}\" height=\"{:.1}\" rx=\"6\"/>",
            escape_html(&tree.steps[i].id),
            p.top,
            p.height
        );
        for (ly, text, class) in &p.lines {
            let _ = write!(
                svg,
                "<text class=\"{class}\" x=\"{:.0}\" y=\"{ly:.1}\">{}</text>",
                MARGIN + PAD,
                escape_html(text)
            );
        }
        svg.push_str("</g>");
    }
    for &i in &order {
        let Some(p) = &placed[i] else { continue };
        for &(py, next) in &p.ports {
            let x = lane_x(lane_of[next]);
            let ty = entry(next);
            let _ = write!(
                svg,
                "<path class=\"edge\" d=\"M{right:.1} {py:.1}H{x:.1}V{ty:.1}H{:.1}\"/>",
                right + 7.0
            );
        }
    }
    // One arrowhead per target.
    for &(_, ty, _) in &spans {
        let _ = write!(
            svg,
            "<path class=\"head\" d=\"M{right:.1} {ty:.1}l8 -4.5v9z\"/>"
        );
    }
    svg.push_str("</svg>\n");
    svg
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wraps_at_spaces() {
        assert_eq!(wrap("one two three four", 9), ["one two", "three", "four"]);
        assert_eq!(wrap("abcdefghij", 4), ["abcd", "efgh", "ij"]);
    }

    #[test]
    fn draws_every_step_and_arrow() {
        let text = std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../tests/sites/basic/content/trees/cant-send.toml"
        ))
        .expect("fixture");
        let (tree, errors) =
            DecisionTree::parse("content/trees/cant-send.toml", "cant-send.toml", &text);
        assert!(errors.is_empty(), "{errors:?}");
        let tree = tree.expect("tree");
        let svg = render(&tree);
        insta::assert_snapshot!(svg);
        assert_eq!(svg.matches("<rect").count(), tree.steps.len());
        let options: usize = tree
            .steps
            .iter()
            .map(|s| match &s.kind {
                StepKind::Question { choices, .. } => choices.len(),
                StepKind::Outcome { .. } => 0,
            })
            .sum();
        assert_eq!(svg.matches("class=\"edge\"").count(), options);

        // The list form: one item per step, one link per option, each to an item that exists, numbered as the
        // chart is.
        let html = list(&tree);
        insta::assert_snapshot!("list", html);
        assert_eq!(
            html.matches("<p class=\"flow-q\">").count(),
            tree.steps.len()
        );
        assert_eq!(html.matches("<a href=\"#flow-").count(), options);
        for target in html.split("<a href=\"#").skip(1) {
            let id = target.split('"').next().unwrap_or_default();
            assert!(
                html.contains(&format!("<li id=\"{id}\"")),
                "{id} is an item"
            );
        }
    }
}
