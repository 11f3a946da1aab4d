//! Which parts of the pasted text to show, with which parts marked. A short paste is shown whole; a long one
//! (a raw message with headers and attachments, up to megabytes) shows the lines around the evidence and says
//! how much it left out, so the page never lays out megabytes of text and the reader sees the evidence at once.

use diagnosis::EvidenceKind;
use diagnosis::explain::Span;

/// Texts up to this many bytes are shown whole.
pub const SHOW_WHOLE: usize = 16 * 1024;

/// Lines of context kept before and after each piece of evidence in a long text.
const CONTEXT_LINES: usize = 3;

/// At most this many bytes of context on each side, whatever the line lengths.
const CONTEXT_BYTES: usize = 600;

/// When a long text has no evidence, this much of its start is shown.
const HEAD_BYTES: usize = 2048;

/// One piece of the shown text, in order.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Piece {
    /// Plain text: a byte range of the input.
    Text(usize, usize),
    /// Evidence: a byte range and what it shows.
    Mark(usize, usize, EvidenceKind),
    /// Text left out: how many lines break inside it, and how many characters it holds.
    Gap {
        /// Line breaks in the left-out text.
        lines: usize,
        /// Characters in the left-out text.
        chars: usize,
    },
}

/// The pieces to show for `text` with the merged, sorted, non-overlapping `marks`.
pub fn excerpt(text: &str, marks: &[Span]) -> Vec<Piece> {
    let windows = if text.len() <= SHOW_WHOLE {
        vec![(0, text.len())]
    } else if marks.is_empty() {
        vec![(0, forward(text, floor(text, HEAD_BYTES), 1, CONTEXT_BYTES))]
    } else {
        let mut windows: Vec<(usize, usize)> = Vec::new();
        for m in marks {
            let w = (
                back(text, m.start, CONTEXT_LINES, CONTEXT_BYTES),
                forward(text, m.end, CONTEXT_LINES, CONTEXT_BYTES),
            );
            match windows.last_mut() {
                Some(last) if w.0 <= last.1 => last.1 = last.1.max(w.1),
                _ => windows.push(w),
            }
        }
        windows
    };
    let mut out = Vec::new();
    let mut at = 0;
    let mut marks = marks.iter().peekable();
    for (start, end) in windows {
        if start > at {
            out.push(gap(&text[at..start]));
        }
        let mut pos = start;
        while let Some(m) = marks.peek() {
            if m.start >= end {
                break;
            }
            let (ms, me) = (m.start.max(pos), m.end.min(end));
            if ms > pos {
                out.push(Piece::Text(pos, ms));
            }
            if me > ms {
                out.push(Piece::Mark(ms, me, m.kind));
                pos = me;
            }
            if m.end <= end {
                marks.next();
            } else {
                break;
            }
        }
        if end > pos {
            out.push(Piece::Text(pos, end));
        }
        at = end;
    }
    if at < text.len() {
        out.push(gap(&text[at..]));
    }
    out
}

fn gap(s: &str) -> Piece {
    Piece::Gap {
        lines: s.bytes().filter(|&b| b == b'\n').count(),
        chars: s.chars().count(),
    }
}

/// The largest char boundary at or below `i`.
fn floor(text: &str, i: usize) -> usize {
    let mut i = i.min(text.len());
    while !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// Where `lines` lines before `from` start, but no more than `max` bytes back.
fn back(text: &str, from: usize, lines: usize, max: usize) -> usize {
    let limit = floor(text, from.saturating_sub(max));
    let bytes = text.as_bytes();
    let mut seen = 0;
    let mut i = from;
    while i > limit {
        if bytes[i - 1] == b'\n' {
            if seen == lines {
                return i;
            }
            seen += 1;
        }
        i -= 1;
    }
    limit
}

/// Where the `lines`-th line after `from` ends (its line break included), but no more than `max` bytes on.
fn forward(text: &str, from: usize, lines: usize, max: usize) -> usize {
    let limit = floor(text, from.saturating_add(max));
    let bytes = text.as_bytes();
    let mut seen = 0;
    let mut i = from;
    while i < limit {
        if bytes[i] == b'\n' {
            seen += 1;
            if seen > lines {
                return i + 1;
            }
        }
        i += 1;
    }
    limit
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mark(start: usize, end: usize) -> Span {
        Span {
            start,
            end,
            start16: start,
            end16: end,
            kind: EvidenceKind::Status,
        }
    }

    #[test]
    fn a_short_text_is_shown_whole_with_its_marks() {
        let text = "550 5.1.1 user unknown";
        let got = excerpt(text, &[mark(4, 9)]);
        assert_eq!(
            got,
            vec![
                Piece::Text(0, 4),
                Piece::Mark(4, 9, EvidenceKind::Status),
                Piece::Text(9, text.len())
            ]
        );
    }

    #[test]
    fn a_long_text_shows_lines_around_the_evidence() {
        let mut text = "header: x\n".repeat(3000);
        let start = text.len();
        text.push_str("550 5.1.1 user unknown\n");
        text.push_str(&"attachment line\n".repeat(3000));
        let got = excerpt(&text, &[mark(start + 4, start + 9)]);
        let Piece::Gap { lines, .. } = got[0] else {
            panic!("starts with a gap: {got:?}")
        };
        assert_eq!(lines, 3000 - CONTEXT_LINES);
        assert!(got.contains(&Piece::Mark(start + 4, start + 9, EvidenceKind::Status)));
        assert!(matches!(got.last(), Some(Piece::Gap { .. })));
        let shown: usize = got
            .iter()
            .map(|p| match *p {
                Piece::Text(a, b) | Piece::Mark(a, b, _) => b - a,
                Piece::Gap { .. } => 0,
            })
            .sum();
        assert!(shown < 2 * CONTEXT_BYTES + 30, "{shown}");
    }

    #[test]
    fn a_long_text_without_evidence_shows_its_start() {
        let text = "é".repeat(SHOW_WHOLE);
        let got = excerpt(&text, &[]);
        assert!(matches!(got[0], Piece::Text(0, _)));
        assert!(matches!(got[1], Piece::Gap { lines: 0, .. }));
    }

    #[test]
    fn one_huge_line_is_cut_by_bytes_on_char_boundaries() {
        let text = format!("{}550 5.1.1{}", "ü".repeat(500_000), "ß".repeat(500_000));
        let s = "ü".len() * 500_000 + 4;
        let got = excerpt(&text, &[mark(s, s + 5)]);
        assert_eq!(got.len(), 5, "{got:?}");
        for piece in &got {
            if let Piece::Text(a, b) | Piece::Mark(a, b, _) = *piece {
                assert!(text.is_char_boundary(a) && text.is_char_boundary(b));
                assert!(b - a <= CONTEXT_BYTES);
            }
        }
        assert!(matches!(got[0], Piece::Gap { lines: 0, chars } if chars > 400_000));
    }

    #[test]
    fn nearby_evidence_shares_one_window() {
        let text = format!(
            "{}550 5.1.1 bob\n{}",
            "x\n".repeat(10_000),
            "y\n".repeat(10_000)
        );
        let s = 20_000;
        let got = excerpt(&text, &[mark(s, s + 3), mark(s + 4, s + 9)]);
        let gaps = got
            .iter()
            .filter(|p| matches!(p, Piece::Gap { .. }))
            .count();
        assert_eq!(gaps, 2);
    }
}
