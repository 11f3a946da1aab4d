//! A rule's pattern: a phrase matched as a plain substring of normalised text, where `*` stands for a short
//! stretch of any text (at most [`GAP`] bytes). No regular expressions: they would add ~170 KB to the wasm, and
//! mail servers' wordings are fixed phrases.

use crate::normalize;

/// The longest stretch a `*` may cover, in bytes of normalised text: about one clause.
pub const GAP: usize = 80;

/// A compiled phrase.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Pattern {
    /// The phrase as written in the rule file.
    pub source: String,
    pieces: Vec<String>,
}

/// A pattern serialises as the phrase it was written as, and is compiled again when read.
impl serde::Serialize for Pattern {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.source)
    }
}

impl<'de> serde::Deserialize<'de> for Pattern {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let source = String::deserialize(d)?;
        Pattern::new(&source).ok_or_else(|| {
            serde::de::Error::custom(format!("pattern {source:?} has no text to match"))
        })
    }
}

impl Pattern {
    /// Compiles a phrase. Returns `None` when nothing but wildcards and spaces is left.
    pub fn new(source: &str) -> Option<Pattern> {
        let pieces: Vec<String> = source
            .split('*')
            .map(normalize::phrase)
            .filter(|p| !p.is_empty())
            .collect();
        if pieces.is_empty() {
            return None;
        }
        Some(Pattern {
            source: source.to_string(),
            pieces,
        })
    }

    /// The first literal piece, which any match starts with.
    pub fn first_piece(&self) -> &str {
        &self.pieces[0]
    }

    /// Finds the pattern in normalised `text`; returns the byte range of the whole match.
    pub fn find(&self, text: &str) -> Option<(usize, usize)> {
        self.find_from(text, 0)
    }

    /// Like [`Pattern::find`], starting at byte `from` (no match starts earlier).
    pub fn find_from(&self, text: &str, mut from: usize) -> Option<(usize, usize)> {
        let first = &self.pieces[0];
        if !text.is_char_boundary(from.min(text.len())) {
            from = 0;
        }
        // The prefilter usually points right at the match.
        if text
            .get(from..)
            .is_some_and(|t| t.starts_with(first.as_str()))
            && starts_word(text, from, first)
            && let Some(end) = self.rest_from(text, from + first.len())
            && !in_address_or_link(text, from, end)
        {
            return Some((from, end));
        }
        while let Some(rel) = text.get(from..)?.find(first.as_str()) {
            let start = from + rel;
            if starts_word(text, start, first)
                && let Some(end) = self.rest_from(text, start + first.len())
                && !in_address_or_link(text, start, end)
            {
                return Some((start, end));
            }
            from = start + first.len().max(1);
            while from < text.len() && !text.is_char_boundary(from) {
                from += 1;
            }
        }
        None
    }

    fn rest_from(&self, text: &str, mut at: usize) -> Option<usize> {
        for piece in &self.pieces[1..] {
            let mut limit = (at + GAP + piece.len()).min(text.len());
            while !text.is_char_boundary(limit) {
                limit -= 1;
            }
            let window = text.get(at..limit)?;
            let rel = window.find(piece.as_str())?;
            at += rel + piece.len();
        }
        Some(at)
    }
}

/// Whether a phrase that starts with an ASCII letter or digit starts a word of `text` at `start`: "virus" is
/// not found in "antivirus", the name of the scanner that signed a footer. Only ASCII: Japanese or Chinese
/// write words without spaces, so a phrase in them may follow any character.
fn starts_word(text: &str, start: usize, first: &str) -> bool {
    !first.starts_with(|c: char| c.is_ascii_alphanumeric())
        || start == 0
        || !text.as_bytes()[start - 1].is_ascii_alphanumeric()
}

/// Whether `text[start..end]` lies inside an email address or the path of a link: a word found there
/// (`<filtered@example.com>`, `https://example.com/reason/#filtered`) is part of a name someone chose, not the
/// server's account of the failure.
fn in_address_or_link(text: &str, start: usize, end: usize) -> bool {
    let b = text.as_bytes();
    let is_edge = |c: u8| c.is_ascii_whitespace() || b"<>()[]\"',;".contains(&c);
    if b[start..end].iter().any(|&c| is_edge(c)) {
        return false;
    }
    let token_start = b[..start]
        .iter()
        .rposition(|&c| is_edge(c))
        .map_or(0, |i| i + 1);
    let token_end = b[end..]
        .iter()
        .position(|&c| is_edge(c))
        .map_or(b.len(), |i| end + i);
    let token = &text[token_start..token_end];
    if token.contains('@') {
        return true;
    }
    // A link's host says something (`www.spamhaus.org/query/...`); its path, query and fragment are names.
    token.find("://").is_some_and(|scheme| {
        let host = token_start + scheme + 3;
        text[host..token_end]
            .find('/')
            .is_some_and(|slash| start > host + slash)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_and_wildcard() {
        let p = Pattern::new("User  Unknown").expect("pattern");
        assert_eq!(p.find("550 5.1.1 user unknown here"), Some((10, 22)));
        let w = Pattern::new("mailbox * is full").expect("pattern");
        assert!(w.find("the mailbox of bob@example.com is full").is_some());
        let far = format!("mailbox {} is full", "x".repeat(200));
        assert!(w.find(&far).is_none());
        assert!(Pattern::new(" * ").is_none());
    }

    #[test]
    fn words_inside_addresses_and_links_do_not_count() {
        let p = Pattern::new("filtered").expect("pattern");
        assert_eq!(
            p.find("550 5.2.1 <filtered@example.net>: user unknown. see https://example.net/reason/#filtered"),
            None
        );
        assert_eq!(
            p.find("<filtered@example.net>: message filtered"),
            Some((32, 40))
        );
        let host = Pattern::new("spamhaus").expect("pattern");
        assert!(
            host.find("553 http://www.spamhaus.org/query/bl?ip=192.0.2.1")
                .is_some()
        );
        let two = Pattern::new("user unknown").expect("pattern");
        assert!(two.find("<bob@example.com>: user unknown").is_some());
    }

    #[test]
    fn retries_after_a_failed_first_piece() {
        let w = Pattern::new("quota*exceeded").expect("pattern");
        let text = format!("quota {} ok; quota exceeded", "y".repeat(100));
        assert!(w.find(&text).is_some());
    }

    #[test]
    fn a_phrase_starts_a_word() {
        let p = Pattern::new("virus").expect("pattern");
        assert_eq!(p.find("scanned by the example antivirus system"), None);
        assert!(p.find("554 virus found in the message").is_some());
        assert!(p.find("554 5.7.1 (virus) rejected").is_some());
        let jp = Pattern::new("宛先不明").expect("pattern");
        assert!(jp.find("メール宛先不明のため").is_some());
        let code = Pattern::new("#5.1.1").expect("pattern");
        assert!(
            code.find("no mailbox here by that name. (#5.1.1)")
                .is_some()
        );
    }
}
