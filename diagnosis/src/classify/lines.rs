//! Which line the answer shows as "what the server said" when the report has no diagnostic field of its own.

use super::piece::Piece;
use crate::code;
use crate::rules::Hit;

/// A line longer than this (in bytes before the anchor) is cut to the sentence the anchor is in.
const LONG_LINE: usize = 160;

/// The wording that decided: the text it was found in and the match there, and its span in the input.
pub(super) type Phrase<'a> = ((&'a Piece, Hit), (usize, usize));

/// What the server said, for a recipient whose report quotes no diagnostic: the line of the wording that
/// decided (`phrase`: the text it was found in, the match, and its span in the input), else the line of the reply
/// or status code (`code_line` when that was read in decoded text, else the input's line at `code_at`).
///
/// Generic failure words (`generic`: "could not be delivered", the `onhold` rules) are the mailer's preamble,
/// not the server's reply: when the text has a reply or status code, the line around the code is what the
/// server said.
pub(super) fn server_said(
    phrase: Option<Phrase<'_>>,
    generic: bool,
    code_line: Option<String>,
    code_at: Option<(usize, usize)>,
    input: &str,
) -> Option<String> {
    match phrase.filter(|_| !(generic && code_at.is_some())) {
        // The matched words' own line, decoded when the input holds them encoded.
        Some(((p, h), span)) => {
            let (s, t) = p.normalized.source_range(h.start, h.end);
            decoded_line(p, s, t, input).or_else(|| line_around(input, span))
        }
        None => code_line.or_else(|| line_around(input, code_at?)),
    }
}

/// The line around a range of `p`'s text when the input does not hold it as it reads (it was decoded from
/// quoted-printable, base64 or another charset); `None` when the input's own line will do.
pub(super) fn decoded_line(p: &Piece, start: usize, end: usize, input: &str) -> Option<String> {
    if p.origin.is_some() {
        return None;
    }
    let src = &p.source;
    let whole_start = src.get(..start)?.rfind('\n').map_or(0, |i| i + 1);
    let whole_end = src.get(end..)?.find('\n').map_or(src.len(), |i| end + i);
    if input.contains(&src[whole_start..whole_end]) {
        return None;
    }
    let (s, t) = line_range(src, (start, end))?;
    collapse(&src[s..t])
}

/// The line of `input` around `anchor`, with the indented lines that continue it, whitespace collapsed.
pub(super) fn line_around(input: &str, anchor: (usize, usize)) -> Option<String> {
    let (start, end) = line_range(input, anchor)?;
    collapse(&input[start..end])
}

/// Whitespace collapsed, at most 500 characters; `None` when nothing is left. A closing bracket the line never
/// opened is the end of what wrapped it (Postfix's log puts the reply in `status=bounced (…)`), not the reply's.
pub(super) fn collapse(line: &str) -> Option<String> {
    let mut line = line.split_whitespace().collect::<Vec<_>>().join(" ");
    while line.ends_with(')') && line.matches(')').count() > line.matches('(').count() {
        line.pop();
    }
    (!line.is_empty()).then(|| line.chars().take(500).collect())
}

/// The byte range of [`line_around`]'s line.
pub(super) fn line_range(input: &str, anchor: (usize, usize)) -> Option<(usize, usize)> {
    let mut start = input.get(..anchor.0)?.rfind('\n').map_or(0, |i| i + 1);
    // A long line is a paragraph (mail clients wrap text, quoted-printable joins it): what the server said
    // starts at its reply code ("... The error that the other server returned was: 550 ..."), or else at the
    // sentence with the anchor in it.
    if anchor.0 - start > LONG_LINE {
        let code = code::all_replies(&input[start..anchor.1])
            .find(|f| f.code.class() >= 4)
            .map(|f| f.start);
        let sentence = || input[start..anchor.0].rfind(". ").map(|i| i + 2);
        start += code.or_else(sentence).unwrap_or(0);
    }
    // Exchange 2000/2003 put the code alone in brackets (`<mx.example.net #5.1.1>`) under the sentence that
    // says what it means, both indented alike: that sentence is what the server said.
    let own = input[start..].split('\n').next().unwrap_or("");
    if is_bracketed_code(own) && start > 0 {
        let prev_start = input[..start - 1].rfind('\n').map_or(0, |i| i + 1);
        let prev = &input[prev_start..start - 1];
        if !prev.trim().is_empty() && indent(prev) == indent(own) {
            start = prev_start;
        }
    }
    let first_indent = indent(input[start..].split('\n').next().unwrap_or(""));
    let mut end = input
        .get(anchor.1..)?
        .find('\n')
        .map_or(input.len(), |i| anchor.1 + i);
    // Keep continuation lines of the same statement.
    while let Some(next) = input[end..].strip_prefix('\n') {
        let line_end = next.find('\n').map_or(next.len(), |i| i);
        let line = &next[..line_end];
        // A line as far in as the first that starts with an address is the next recipient's entry (GroupWise
        // lists `\taddress (reason)` lines), not a continuation; one further in is (Postfix wraps before `<a@b>`),
        // and so is the address a line ending in `:` announces (Exim: `unknown or illegal user:` / `  a@b`).
        let next_entry = indent(line) <= first_indent
            && starts_with_address(line.trim_start())
            && !input[start..end].trim_end().ends_with(':');
        if line.starts_with([' ', '\t'])
            && !line.trim().is_empty()
            && !next_entry
            && end + 1 + line_end - start < 600
        {
            end += 1 + line_end;
        } else {
            break;
        }
    }
    Some((start, end))
}

/// How far a line is indented, a tab counting as eight columns.
fn indent(line: &str) -> usize {
    line.bytes()
        .take_while(|b| matches!(b, b' ' | b'\t'))
        .map(|b| if b == b'\t' { 8 } else { 1 })
        .sum()
}

/// Whether the text starts with an e-mail address, bracketed or not.
fn starts_with_address(text: &str) -> bool {
    let word = text.split_whitespace().next().unwrap_or("");
    crate::extract::addresses(word)
        .first()
        .is_some_and(|(_, s, _)| *s <= 1)
}

/// `<mx.example.net #5.1.1>`: Exchange 2000/2003's line with the reporting host and the status code alone.
fn is_bracketed_code(line: &str) -> bool {
    let Some(inner) = line
        .trim()
        .strip_prefix('<')
        .and_then(|l| l.strip_suffix('>'))
    else {
        return false;
    };
    inner.rsplit_once(" #").is_some_and(|(host, code)| {
        !host.is_empty()
            && !host.contains(' ')
            && code.split('.').count() == 3
            && code.bytes().all(|b| b.is_ascii_digit() || b == b'.')
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn around(input: &str, needle: &str) -> Option<String> {
        let at = input.find(needle).expect("needle in input");
        line_around(input, (at, at + needle.len()))
    }

    #[test]
    fn the_line_keeps_its_indented_continuations() {
        let input = "Hi.\n550 5.1.1 <bob@example.com>: Recipient address\n    rejected: User unknown\nBye.\n";
        assert_eq!(
            around(input, "5.1.1").as_deref(),
            Some("550 5.1.1 <bob@example.com>: Recipient address rejected: User unknown")
        );
    }

    #[test]
    fn an_entry_for_the_next_recipient_is_not_a_continuation() {
        // GroupWise: one tab-indented `address (reason)` line per recipient.
        let input = "undeliverable to the following:\n\ta@example.jp (user not found)\n\tb@example.jp (mailbox full)\n";
        assert_eq!(
            around(input, "user not found").as_deref(),
            Some("a@example.jp (user not found)")
        );
        // Exim names the address on the line after the one that announces it.
        let input =
            "    host mx [192.0.2.1]: 553 5.1.1 unknown or illegal user:\n    a@example.jp\n";
        assert_eq!(
            around(input, "5.1.1").as_deref(),
            Some("host mx [192.0.2.1]: 553 5.1.1 unknown or illegal user: a@example.jp")
        );
        // Postfix wraps before an address, further in than the line it continues.
        let input = "<a@example.jp>: host mx said: 550 5.1.1\n    <a@example.jp>: Recipient address rejected\n";
        assert_eq!(
            around(input, "5.1.1").as_deref(),
            Some(
                "<a@example.jp>: host mx said: 550 5.1.1 <a@example.jp>: Recipient address rejected"
            )
        );
    }

    #[test]
    fn exchange_2003_shows_the_sentence_above_its_bracketed_code() {
        let input = "      a@example.jp on 4/29/2010\n            The e-mail account does not exist.\n            <mx.example.jp #5.1.1>\n\n      b@example.jp on 4/29/2010\n";
        assert_eq!(
            around(input, "5.1.1").as_deref(),
            Some("The e-mail account does not exist. <mx.example.jp #5.1.1>")
        );
        assert!(is_bracketed_code("  <mx.example.jp #5.2.2>"));
        assert!(!is_bracketed_code("<bob@example.jp>"));
        assert!(!is_bracketed_code("<a b #5.1.1>"));
    }

    #[test]
    fn a_long_paragraph_is_cut_at_the_reply_code_or_the_sentence() {
        let lead = "The message could not be delivered to the recipient because the server that hosts \
                    the mailbox refused it after a long conversation about many things.";
        let with_code =
            format!("{lead} The error that the other server returned was: 550 5.2.2 mailbox full");
        assert_eq!(
            around(&with_code, "5.2.2").as_deref(),
            Some("550 5.2.2 mailbox full")
        );
        let without = format!("{lead} Your mailbox quota was exceeded on that server.");
        assert_eq!(
            around(&without, "quota").as_deref(),
            Some("Your mailbox quota was exceeded on that server.")
        );
    }

    #[test]
    fn collapse_squeezes_whitespace_and_gives_none_for_nothing() {
        assert_eq!(collapse("  a \t b\n c ").as_deref(), Some("a b c"));
        assert_eq!(collapse(" \n\t "), None);
        assert_eq!(
            collapse("550 5.1.1 User unknown (in reply to RCPT TO command))").as_deref(),
            Some("550 5.1.1 User unknown (in reply to RCPT TO command)")
        );
        assert_eq!(collapse(&"x".repeat(900)).map(|s| s.len()), Some(500));
    }

    #[test]
    fn a_decoded_text_shows_its_own_line_when_the_input_does_not_hold_it() {
        // Quoted-printable in the input, decoded in the piece.
        let input = "550 5.2.2 Postfach =C3=BCbervoll\n";
        let decoded = Piece::new("550 5.2.2 Postfach übervoll", None);
        assert_eq!(
            decoded_line(&decoded, 4, 9, input).as_deref(),
            Some("550 5.2.2 Postfach übervoll")
        );
        let verbatim = Piece::new("550 5.2.2 Postfach =C3=BCbervoll", Some(0));
        assert_eq!(
            decoded_line(&verbatim, 4, 9, input),
            None,
            "the input's own line will do"
        );
    }

    #[test]
    fn generic_failure_words_give_way_to_the_line_of_the_code() {
        let input = "Your message could not be delivered.\nRemote said: 550 5.1.1 no such user\n";
        let p = Piece::new(input, Some(0));
        let at = input.find("could not").expect("phrase");
        let hit = Hit {
            rule: 0,
            start: at,
            end: at + "could not be delivered".len(),
        };
        let phrase = Some(((&p, hit), (hit.start, hit.end)));
        let code = input.find("550").map(|s| (s, s + 3));
        assert_eq!(
            server_said(phrase, true, None, code, input).as_deref(),
            Some("Remote said: 550 5.1.1 no such user")
        );
        assert_eq!(
            server_said(phrase, false, None, code, input).as_deref(),
            Some("Your message could not be delivered."),
            "a specific wording's own line"
        );
        assert_eq!(
            server_said(None, false, Some("decoded".into()), code, input).as_deref(),
            Some("decoded")
        );
        assert_eq!(server_said(None, false, None, None, input), None);
    }

    #[test]
    fn an_anchor_outside_the_text_gives_nothing() {
        assert_eq!(line_around("short", (10, 12)), None);
    }
}
