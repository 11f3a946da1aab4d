//! HTML parts of a bounce (`text/html`, sent alone or beside the plain text) as plain text for matching: tags
//! dropped, block ends as line breaks, `style`, `script` and `head` left out, character references decoded.

/// HTML to plain text for matching: tags dropped, block ends as line breaks, entities decoded.
pub fn to_text(html: &str) -> String {
    let mut out = String::with_capacity(html.len() / 2);
    let mut rest = html;
    let mut skip_until: Option<&str> = None;
    while !rest.is_empty() {
        if let Some(end_tag) = skip_until {
            match find_ci(rest, end_tag) {
                Some(i) => {
                    rest = &rest[i..];
                    skip_until = None;
                }
                None => break,
            }
        }
        match rest.find('<') {
            Some(0) => {
                let close = rest.find('>').map_or(rest.len(), |i| i + 1);
                let tag = rest[1..close.saturating_sub(1).max(1)]
                    .trim()
                    .to_ascii_lowercase();
                let name: String = tag
                    .trim_start_matches('/')
                    .chars()
                    .take_while(|c| c.is_ascii_alphanumeric())
                    .collect();
                if !tag.starts_with('/') && (name == "style" || name == "script" || name == "head")
                {
                    skip_until = Some(match name.as_str() {
                        "style" => "</style",
                        "script" => "</script",
                        _ => "</head",
                    });
                }
                if matches!(
                    name.as_str(),
                    "br" | "p"
                        | "div"
                        | "tr"
                        | "li"
                        | "h1"
                        | "h2"
                        | "h3"
                        | "h4"
                        | "table"
                        | "blockquote"
                        | "pre"
                ) {
                    out.push('\n');
                } else if matches!(name.as_str(), "td" | "th") {
                    out.push(' ');
                }
                rest = &rest[close..];
            }
            Some(i) => {
                decode_entities(&rest[..i], &mut out);
                rest = &rest[i..];
            }
            None => {
                decode_entities(rest, &mut out);
                break;
            }
        }
    }
    out
}

fn find_ci(hay: &str, needle: &str) -> Option<usize> {
    let h = hay.as_bytes();
    let n = needle.as_bytes();
    if n.is_empty() || h.len() < n.len() {
        return None;
    }
    (0..=h.len() - n.len()).find(|&i| h[i..i + n.len()].eq_ignore_ascii_case(n))
}

fn decode_entities(s: &str, out: &mut String) {
    let mut rest = s;
    while let Some(i) = rest.find('&') {
        out.push_str(&rest[..i]);
        rest = &rest[i..];
        let end = rest[..rest.floor_char_boundary(12)].find(';');
        let decoded = end.and_then(|e| {
            let ent = &rest[1..e];
            let c = match ent {
                "amp" => Some('&'),
                "lt" => Some('<'),
                "gt" => Some('>'),
                "quot" => Some('"'),
                "apos" => Some('\''),
                "nbsp" => Some(' '),
                _ if ent.starts_with("#x") || ent.starts_with("#X") => {
                    u32::from_str_radix(&ent[2..], 16)
                        .ok()
                        .and_then(char::from_u32)
                }
                _ if ent.starts_with('#') => ent[1..].parse().ok().and_then(char::from_u32),
                _ => None,
            };
            c.map(|c| (c, e + 1))
        });
        match decoded {
            Some((c, len)) => {
                out.push(c);
                rest = &rest[len..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_go_blocks_break_and_entities_decode() {
        assert_eq!(
            to_text("<p>a&amp;b</p><style>x{}</style>c&#33;"),
            "\na&b\nc!"
        );
        assert_eq!(
            to_text("<table><tr><td>550</td><td>5.1.1&nbsp;unknown</td></tr></table>"),
            "\n\n 550  5.1.1 unknown \n\n"
        );
        assert_eq!(
            to_text("<HEAD><TITLE>x</TITLE></HEAD>body &#x41;&lt;"),
            "body A<"
        );
    }

    /// Like the status look-ahead in normalize.rs: the entity look-ahead must not cut a character in two.
    #[test]
    fn an_ampersand_before_wide_characters_is_kept() {
        let mut out = String::new();
        decode_entities("a &ÓÓÓÓÓÓÓÓ &amp; b", &mut out);
        assert_eq!(out, "a &ÓÓÓÓÓÓÓÓ & b");
    }

    #[test]
    fn an_unknown_or_unterminated_reference_is_kept() {
        let mut out = String::new();
        decode_entities("&bogus; &amp &#xZZ;", &mut out);
        assert_eq!(out, "&bogus; &amp &#xZZ;");
    }
}
