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
        // A decoded piece (quoted-printable, base64, a mail client's display): find the same words in the input,
        // first with what follows them in the piece, then standing as a whole word, and only then anywhere, so
        // a code such as `550` is not marked inside a MIME boundary or a message id (issue 13).
        let after = self
            .source
            .floor_char_boundary((end + 16).min(self.source.len()));
        if after > end
            && let Some(with) = self.source.get(start..after)
            && let Some(at) = input.find(with)
        {
            return Some((at, at + needle.len()));
        }
        let word = |&(at, _): &(usize, &str)| {
            let before = input[..at].chars().next_back();
            let next = input[at + needle.len()..].chars().next();
            !before.is_some_and(char::is_alphanumeric) && !next.is_some_and(char::is_alphanumeric)
        };
        input
            .match_indices(needle)
            .find(word)
            .or_else(|| input.match_indices(needle).next())
            .map(|(at, _)| (at, at + needle.len()))
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
    fn a_decoded_code_is_marked_where_it_stands_as_a_word_not_inside_a_boundary() {
        let input = "boundary=\"2222-ccaa55000000\"\n\nthis error:=\n 550 5.1.0 not al=\nlowed\n";
        let p = Piece::new("this error: 550 5.1.0 not allowed", None);
        let (s, e) = p.input_span(12, 15, input).expect("found");
        assert_eq!(&input[s..e], "550");
        assert!(
            s > input.find("\n\n").expect("blank line"),
            "not the boundary's 550"
        );
        let p = Piece::new("550 5.1.0 not allowed", None);
        let (s, _) = p.input_span(0, 9, input).expect("found with what follows");
        assert_eq!(&input[s..s + 9], "550 5.1.0");
    }

    #[test]
    fn long_texts_are_cut_on_a_character_boundary() {
        let long = "é".repeat(MAX_MATCH);
        let p = Piece::new(&long, None);
        assert!(p.source.len() <= MAX_MATCH);
        assert!(p.source.chars().all(|c| c == 'é'));
    }
}
