//! Where in a template a Tera error is: Tera puts a syntax error's position inside its message (` --> 3:5`) and
//! names only the template, not the line, of an unknown filter, function, test or variable at render time. This
//! turns both into `file:line:col` of the template's own file, which is what `check` and `build` report.

use crate::error::ContentError;
use std::collections::HashMap;

/// The templates' sources: name in the theme (`article.html`) → (file it came from, text).
pub type Sources = HashMap<String, (String, String)>;

/// The content error for Tera's error `chain` (its messages joined with `: `).
pub fn locate(chain: &str, sources: &Sources) -> ContentError {
    let name = template_name(chain, sources);
    let Some((origin, text)) = name.and_then(|n| sources.get(n)) else {
        return ContentError::file("a template", chain.to_string());
    };
    let what = message(chain);
    if let Some((line, col)) = arrow(chain) {
        return ContentError {
            path: origin.clone(),
            line,
            col,
            message: what,
        };
    }
    if let Some(offset) = identifier(chain).and_then(|(kind, id)| find(text, kind, id)) {
        return ContentError::at(origin, text, offset, what);
    }
    ContentError::file(origin, what)
}

/// What is wrong, without Tera's "Failed to render 'x.html'" (the file is named already): a syntax error's
/// `= expected …` line, or the chain's parts after the first.
fn message(chain: &str) -> String {
    if let Some(expected) = chain
        .lines()
        .find_map(|l| l.trim_start().strip_prefix("= "))
    {
        return format!("template syntax error: {}", expected.trim());
    }
    let first = chain.lines().next().unwrap_or(chain).trim();
    let rest = first
        .strip_prefix("Failed to render ")
        .and_then(|r| r.split_once(": ").map(|(_, rest)| rest))
        .unwrap_or(first);
    let mut chars = rest.chars();
    let lower = chars
        .next()
        .map(|c| c.to_lowercase().chain(chars).collect::<String>())
        .unwrap_or_default();
    format!("template error: {lower}")
}

/// The template the error happened in: the one named after "while rendering", else the first one named.
fn template_name<'a>(chain: &str, sources: &'a Sources) -> Option<&'a str> {
    let quoted = |s: &str| -> Vec<String> {
        s.split('\'')
            .skip(1)
            .step_by(2)
            .map(str::to_string)
            .collect()
    };
    let preferred = chain
        .rsplit_once("while rendering ")
        .map(|(_, rest)| quoted(rest))
        .unwrap_or_default();
    preferred
        .into_iter()
        .chain(quoted(chain))
        .find_map(|n| sources.get_key_value(n.as_str()).map(|(k, _)| k.as_str()))
}

/// ` --> 3:5` in a syntax error.
fn arrow(chain: &str) -> Option<(usize, usize)> {
    let rest = chain.split("--> ").nth(1)?;
    let pos: String = rest
        .chars()
        .take_while(|c| c.is_ascii_digit() || *c == ':')
        .collect();
    let (line, col) = pos.split_once(':')?;
    Some((line.parse().ok()?, col.parse().ok()?))
}

/// What was not found: (`Filter`, `nope`) from "Filter `nope` not found".
fn identifier(chain: &str) -> Option<(&str, &str)> {
    for kind in ["Filter", "Function", "Test", "Variable"] {
        for quote in ['`', '\''] {
            if let Some(rest) = chain.split(&format!("{kind} {quote}")).nth(1)
                && let Some(id) = rest.split(quote).next()
            {
                return Some((kind, id));
            }
        }
    }
    None
}

/// The byte offset of `id` used as a `kind` in a template's tags.
fn find(text: &str, kind: &str, id: &str) -> Option<usize> {
    let mut from = 0;
    while let Some(i) = text[from..].find(id) {
        let at = from + i;
        from = at + id.len();
        let before = text[..at].trim_end();
        let after = &text[at + id.len()..];
        let word_end = !after.starts_with(|c: char| c.is_alphanumeric() || c == '_');
        let word_start =
            !text[..at].ends_with(|c: char| c.is_alphanumeric() || c == '_' || c == '.');
        let inside_tag = text[..at].rfind("{{").max(text[..at].rfind("{%"))
            > text[..at].rfind("}}").max(text[..at].rfind("%}"));
        let fits = match kind {
            "Filter" => before.ends_with('|'),
            "Test" => before.ends_with("is") || before.ends_with("not"),
            "Function" => after.trim_start().starts_with('('),
            _ => word_start,
        };
        if fits && word_end && inside_tag {
            return Some(at);
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sources() -> Sources {
        let mut s = Sources::new();
        s.insert(
            "article.html".into(),
            (
                "templates/article.html".into(),
                "<h1>\n  {{ page.title | shout }}</h1>{{ nothing_here }}".into(),
            ),
        );
        s
    }

    #[test]
    fn unknown_filters_and_variables_are_found_in_the_file() {
        let e = locate(
            "Failed to render 'article.html': Filter 'shout' not found",
            &sources(),
        );
        assert_eq!(
            (e.path.as_str(), e.line, e.col),
            ("templates/article.html", 2, 19)
        );
        assert_eq!(e.message, "template error: filter 'shout' not found");
        let e = locate(
            "Failed to render 'article.html': Variable `nothing_here` not found in context while rendering 'article.html'",
            &sources(),
        );
        assert_eq!((e.line, e.col), (2, 35));
    }

    #[test]
    fn syntax_errors_take_their_arrow() {
        let e = locate(
            "Failed to parse 'article.html'\n --> 2:9\n  |\n2 | x\n  = expected an identifier",
            &sources(),
        );
        assert_eq!((e.line, e.col), (2, 9));
        assert!(
            e.message.contains("expected an identifier"),
            "{}",
            e.message
        );
    }
}
