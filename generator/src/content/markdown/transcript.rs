//! SMTP transcripts: a fenced code block marked `smtp` in which `C:` lines are the client and `S:` lines the
//! server (RFC 5321 appendix D writes sessions this way). They are rendered with the two sides told apart by
//! more than colour: each line keeps its `C:`/`S:` label, and failing server replies (4xx and 5xx) are marked.

use pulldown_cmark_escape::escape_html;

/// Who wrote a line.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Side {
    Client,
    Server,
    Comment,
}

fn side(line: &str) -> (Side, &str) {
    if let Some(rest) = line.strip_prefix("C:") {
        (Side::Client, rest.strip_prefix(' ').unwrap_or(rest))
    } else if let Some(rest) = line.strip_prefix("S:") {
        (Side::Server, rest.strip_prefix(' ').unwrap_or(rest))
    } else {
        (Side::Comment, line)
    }
}

/// Whether a server line is a failure reply (`4xx` or `5xx`, with a space or `-` after the code).
fn is_failure(text: &str) -> bool {
    let b = text.as_bytes();
    b.len() >= 3
        && matches!(b[0], b'4' | b'5')
        && b[1].is_ascii_digit()
        && b[2].is_ascii_digit()
        && b.get(3).is_none_or(|c| *c == b' ' || *c == b'-')
}

/// The transcript as HTML: a figure with a legend and one line per `span`.
pub fn render(code: &str) -> String {
    let mut out = String::with_capacity(code.len() * 2 + 200);
    out.push_str(
        "<figure class=\"transcript\"><figcaption>SMTP conversation: \
         <span class=\"t-client\"><b class=\"t-who\">C:</b> client (the sending side)</span> \
         <span class=\"t-server\"><b class=\"t-who\">S:</b> server (the receiving side)</span></figcaption>\
         <pre tabindex=\"0\" role=\"group\" aria-label=\"SMTP conversation\"><code>",
    );
    for line in code.lines() {
        let (who, text) = side(line);
        out.push_str(match who {
            Side::Client => "<span class=\"t-client\"><b class=\"t-who\">C:</b> ",
            Side::Server if is_failure(text) => {
                "<span class=\"t-server t-fail\"><b class=\"t-who\">S:</b> "
            }
            Side::Server => "<span class=\"t-server\"><b class=\"t-who\">S:</b> ",
            Side::Comment => "<span class=\"t-note\">",
        });
        // Writing to a String cannot fail.
        let _ = escape_html(&mut out, text);
        out.push_str("</span>\n");
    }
    out.push_str("</code></pre></figure>\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sides_are_told_apart() {
        insta::assert_snapshot!(render(
            "S: 220 mx.example.net ESMTP\nC: EHLO laptop.example.org\nS: 250-mx.example.net\n\
             C: RCPT TO:<bob@example.net>\nS: 550 5.1.1 <bob@example.net>: User unknown\n(connection closed)\n"
        ));
    }

    #[test]
    fn failures() {
        assert!(is_failure("550 5.1.1 x"));
        assert!(is_failure("421-4.7.0 x"));
        assert!(is_failure("554"));
        assert!(!is_failure("250 ok"));
        assert!(!is_failure("5500 x"));
    }
}
