//! A text that rules are matched against, with its place in the input.

use crate::normalize::Normalized;
use crate::rules::{RuleSet, Scan};
use std::cell::OnceCell;

/// Rules look at most this much of one text; the words that matter in a bounce come early.
const MAX_MATCH: usize = 64 * 1024;

/// A text to match rules against, with its place in the input when it is a verbatim copy.
pub(super) struct Piece {
    /// The text as rules see it.
    pub normalized: Normalized,
    /// Where `source` starts in the input, when the input holds it byte for byte.
    pub origin: Option<usize>,
    /// The text as it was read (decoded), cut at [`MAX_MATCH`].
    pub source: String,
    /// The rules' scan of `normalized`, made on first use and shared by every recipient's decisions.
    scan: OnceCell<Scan>,
}

impl Piece {
    pub fn new(source: &str, origin: Option<usize>) -> Piece {
        let source = &source[..source.floor_char_boundary(MAX_MATCH)];
        Piece {
            normalized: Normalized::new(source),
            origin,
            source: source.to_string(),
            scan: OnceCell::new(),
        }
    }

    pub fn scan(&self, rules: &RuleSet) -> &Scan {
        self.scan.get_or_init(|| rules.scan(&self.normalized.text))
    }

    /// The input span of a range of `source`, or of the same words found elsewhere in the input.
    pub fn input_span(&self, start: usize, end: usize, input: &str) -> Option<(usize, usize)> {
        if start >= end {
            return None;
        }
        if let Some(o) = self.origin {
            return Some((o + start, o + end));
        }
        let needle = self.source.get(start..end)?;
        input.find(needle).map(|at| (at, at + needle.len()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_verbatim_piece_maps_straight_into_the_input() {
        let input = "header\n550 5.1.1 user unknown\n";
        let p = Piece::new("550 5.1.1 user unknown", Some(7));
        assert_eq!(p.input_span(4, 9, input), Some((11, 16)));
        assert_eq!(&input[11..16], "5.1.1");
        assert_eq!(p.input_span(3, 3, input), None, "an empty range is no span");
    }

    #[test]
    fn a_decoded_piece_is_found_again_in_the_input_where_it_can_be() {
        // Quoted-printable in the input, decoded in the piece.
        let input = "550 5.2.2 Postfach =C3=BCbervoll\n";
        let p = Piece::new("550 5.2.2 Postfach übervoll", None);
        assert_eq!(
            p.input_span(4, 9, input),
            Some((4, 9)),
            "the code is in the input as is"
        );
        assert_eq!(p.input_span(19, 28, input), None, "the decoded word is not");
    }

    #[test]
    fn long_texts_are_cut_on_a_character_boundary() {
        let long = "é".repeat(MAX_MATCH);
        let p = Piece::new(&long, None);
        assert!(p.source.len() <= MAX_MATCH);
        assert!(p.source.chars().all(|c| c == 'é'));
    }
}
