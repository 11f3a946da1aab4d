//! Text as rules see it: lowercased, whitespace collapsed, typographic quotes made plain, with a map from every
//! byte back to the text it came from so matches can be highlighted in what the reader pasted.

/// Normalised text with an offset map back to its source.
#[derive(Clone, Debug, Default)]
pub struct Normalized {
    /// Lowercase text, runs of whitespace turned into one space, no leading or trailing space.
    pub text: String,
    /// For every byte of `text`, the byte offset of the source character it came from.
    map: Vec<u32>,
    /// Length of the source, where a range that starts past the end of `text` maps to.
    source_len: usize,
    /// The source's length without the whitespace at its end: where a match that ends the text ends.
    kept_len: usize,
}

impl Normalized {
    /// Normalises `source`.
    pub fn new(source: &str) -> Normalized {
        // Bytes, not a String: pushing ASCII one byte at a time is the whole cost of normalising a bounce.
        let mut text: Vec<u8> = Vec::with_capacity(source.len());
        let mut map = Vec::with_capacity(source.len());
        let mut pending_space: Option<usize> = None;
        let skips = continuation_prefixes(source);
        let mut skip = skips.iter().peekable();
        let bytes = source.as_bytes();
        let mut at = 0;
        while at < bytes.len() {
            let b = bytes[at];
            let here = at;
            if let Some(&&(from, to)) = skip.peek()
                && here >= from
            {
                if here < to {
                    at = source.ceil_char_boundary(to);
                    continue;
                }
                skip.next();
                continue;
            }
            // ASCII, the bulk of any bounce, without decoding characters.
            let (c, space) = if b < 0x80 {
                at += 1;
                (
                    char::from(b),
                    b.is_ascii_whitespace() || b == 0 || b == 0x0b,
                )
            } else {
                let Some(c) = source[at..].chars().next() else {
                    break;
                };
                at += c.len_utf8();
                (c, c.is_whitespace())
            };
            if space {
                if !text.is_empty() && pending_space.is_none() {
                    pending_space = Some(here);
                }
                continue;
            }
            if let Some(sp) = pending_space.take() {
                text.push(b' ');
                map.push(sp as u32);
            }
            if b < 0x80 {
                // This byte and the run of ordinary ASCII after it, up to the next skipped prefix, in one go.
                let limit = skip.peek().map_or(bytes.len(), |r| r.0.max(at));
                let run = bytes[at..limit]
                    .iter()
                    .position(|&c| c >= 0x80 || c <= b' ' || c == b'`' || c == 0x7f)
                    .map_or(limit, |n| at + n);
                text.push(if b == b'`' {
                    b'\''
                } else {
                    b.to_ascii_lowercase()
                });
                text.extend(bytes[at..run].iter().map(|&c| c.to_ascii_lowercase()));
                map.extend(here as u32..run as u32);
                at = run;
                continue;
            }
            let plain = match c {
                '\u{2018}' | '\u{2019}' | '\u{201B}' | '\u{2032}' => Some(b'\''),
                '\u{201C}' | '\u{201D}' | '\u{201E}' => Some(b'"'),
                '\u{2010}'..='\u{2015}' => Some(b'-'),
                _ => None,
            };
            match plain {
                Some(p) => {
                    text.push(p);
                    map.push(here as u32);
                }
                None => {
                    let mut buf = [0u8; 4];
                    for l in c.to_lowercase() {
                        let encoded = l.encode_utf8(&mut buf).as_bytes();
                        text.extend_from_slice(encoded);
                        map.extend(std::iter::repeat_n(here as u32, encoded.len()));
                    }
                }
            }
        }
        Normalized {
            // Only whole characters were pushed, so this never fails; an empty text would be the fallback.
            text: String::from_utf8(text).unwrap_or_default(),
            map,
            source_len: source.len(),
            // The whitespace after the last kept character collapses into nothing.
            kept_len: source
                .trim_end_matches(|c: char| c.is_whitespace() || c == '\0' || c == '\u{b}')
                .len(),
        }
    }

    /// Maps a byte range of `text` back to the byte range of the source it covers.
    pub fn source_range(&self, start: usize, end: usize) -> (usize, usize) {
        if start >= self.map.len() || start >= end {
            return (self.source_len, self.source_len);
        }
        let s = self.map[start] as usize;
        let e = if end < self.map.len() {
            self.map[end] as usize
        } else {
            self.kept_len
        };
        // The source end is the start of the next kept character; trim the whitespace that was collapsed.
        (s, e.max(s))
    }
}

/// Byte ranges of the prefixes that repeat on every line of a multi-line SMTP reply (`550-5.7.1 `), after the
/// first (RFC 5321 §4.2.1). Without them a phrase folded across lines reads as one sentence again.
fn continuation_prefixes(source: &str) -> Vec<(usize, usize)> {
    let b = source.as_bytes();
    // The first reply code that is followed by `-` marks a multi-line reply.
    // Found from its `-` (memchr), not by testing every byte for a digit.
    let Some(first) = source
        .match_indices('-')
        .map(|(dash, _)| dash)
        .filter(|&dash| dash >= 3 && dash + 1 < b.len())
        .map(|dash| dash - 3)
        .find(|&i| {
            (i == 0 || !b[i - 1].is_ascii_alphanumeric())
                && b[i..i + 3].iter().all(u8::is_ascii_digit)
                && matches!(b[i], b'2' | b'4' | b'5')
        })
    else {
        return Vec::new();
    };
    let code = &b[first..first + 3];
    let mut out = Vec::new();
    let mut i = first + 4;
    while i + 4 <= b.len() {
        let at_boundary = b[i - 1].is_ascii_whitespace();
        if at_boundary && &b[i..i + 3] == code && matches!(b[i + 3], b'-' | b' ') {
            let mut end = i + 4;
            // An enhanced status code repeated after the reply code is part of the prefix.
            if let Some(f) =
                crate::code::find_status(&source[end..source.floor_char_boundary(end + 12)])
                && f.start == 0
            {
                end += f.end;
                while end < b.len() && b[end] == b' ' {
                    end += 1;
                }
            }
            // Sendmail's transcript marks the server's lines with `<<< `; it goes with the prefix.
            let from = if i >= 4 && &b[i - 4..i] == b"<<< " {
                i - 4
            } else {
                i
            };
            out.push((from, end));
            i = end;
        } else {
            i += 1;
        }
    }
    out
}

/// Normalises one rule phrase the same way as the text it is matched against.
pub fn phrase(p: &str) -> String {
    Normalized::new(p).text
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Found by cargo fuzz: the look-ahead for a repeated status code cut a character in two.
    #[test]
    fn a_continuation_line_with_wide_characters_after_the_code() {
        let src = "550-5.7.1 first line\n550 xÓÓÓÓÓÓÓÓ";
        let n = Normalized::new(src);
        assert!(n.text.contains("óóó"), "{}", n.text);
    }

    #[test]
    fn collapses_and_maps_back() {
        let src = "550  5.1.1\n   User\tUNKNOWN";
        let n = Normalized::new(src);
        assert_eq!(n.text, "550 5.1.1 user unknown");
        let at = n.text.find("user unknown").expect("present");
        let (s, e) = n.source_range(at, at + "user unknown".len());
        assert_eq!(&src[s..e], "User\tUNKNOWN");
        // A match at the end of the text ends where its words do, not after the newline that follows them.
        let src = "<bob@example.net> ... unknown host\n";
        let n = Normalized::new(src);
        let at = n.text.find("unknown host").expect("present");
        let (s, e) = n.source_range(at, at + "unknown host".len());
        assert_eq!(&src[s..e], "unknown host");
    }

    #[test]
    fn multi_line_reply_prefixes_are_dropped() {
        let n = Normalized::new(
            "550-5.7.1 Messages with multiple\n550-5.7.1 addresses in From: are not\n550 5.7.1 accepted.",
        );
        assert_eq!(
            n.text,
            "550-5.7.1 messages with multiple addresses in from: are not accepted."
        );
        let folded = Normalized::new(
            "550-5.7.1 this message does not have authentication information or fails to pass 550-5.7.1 authentication checks",
        );
        assert!(folded.text.contains("fails to pass authentication checks"));
        let transcript = Normalized::new(
            "<<< 550-5.7.1 fails to pass\n<<< 550-5.7.1 authentication checks\n<<< 550 5.7.1 done",
        );
        assert!(
            transcript
                .text
                .contains("fails to pass authentication checks done"),
            "{}",
            transcript.text
        );
    }

    #[test]
    fn typographic_quotes_are_plain() {
        assert_eq!(Normalized::new("wasn\u{2019}t found").text, "wasn't found");
        let n = Normalized::new("Ünknown  ÄDDRESS");
        assert_eq!(n.text, "ünknown äddress");
        let (s, e) = n.source_range(0, n.text.len());
        assert_eq!(e - s, "Ünknown  ÄDDRESS".len());
    }
}
