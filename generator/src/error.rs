//! Content errors: a mistake in a writer's file, reported as `path:line:col: message`.
//!
//! Every stage that reads content collects these instead of stopping at the first one, so `bouncebook check`
//! can list every problem at once (like ripgrep's per-line config errors and Zola's link checker).

use std::fmt;

/// One mistake in a content, theme or config file, with where it is.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct ContentError {
    /// The file as shown to the writer (relative to the working directory when possible).
    pub path: String,
    /// 1-based line.
    pub line: usize,
    /// 1-based column, counted in characters.
    pub col: usize,
    /// What is wrong, lowercase, saying what was expected and how to fix it when known.
    pub message: String,
}

impl ContentError {
    /// An error at a byte offset of `text`, the contents of `path`.
    pub(crate) fn at(
        path: &str,
        text: &str,
        offset: usize,
        message: impl Into<String>,
    ) -> ContentError {
        let (line, col) = line_col(text, offset);
        ContentError {
            path: path.to_string(),
            line,
            col,
            message: message.into(),
        }
    }

    /// An error about a whole file (reported at line 1, column 1).
    pub(crate) fn file(path: &str, message: impl Into<String>) -> ContentError {
        ContentError {
            path: path.to_string(),
            line: 1,
            col: 1,
            message: message.into(),
        }
    }

    /// An error about a command-line flag (`--output`), shown as `--output: message`.
    pub(crate) fn flag(flag: &str, message: impl Into<String>) -> ContentError {
        ContentError {
            path: flag.to_string(),
            line: 0,
            col: 0,
            message: message.into(),
        }
    }

    /// Converts a rule loading error from the diagnosis engine.
    pub(crate) fn from_rule(e: &diagnosis::RuleError) -> ContentError {
        ContentError {
            path: e.location.path.clone(),
            line: e.location.line,
            col: e.location.col,
            message: e.message.clone(),
        }
    }
}

impl fmt::Display for ContentError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.line == 0 {
            // Not in a file: a flag.
            return write!(f, "{}: {}", self.path, self.message);
        }
        write!(
            f,
            "{}:{}:{}: {}",
            self.path, self.line, self.col, self.message
        )
    }
}

impl std::error::Error for ContentError {}

/// 1-based line and column (in characters) of byte `offset` in `text`. Offsets past the end point just after
/// the last character; an offset inside a character counts as that character.
pub(crate) fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let col = before[line_start..].chars().count() + 1;
    (line, col)
}

/// The known name closest to `wanted`, if it is close enough to be a likely typo.
pub(crate) fn did_you_mean<'a>(
    wanted: &str,
    known: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    let limit = (wanted.chars().count() / 3).max(2);
    known
        .into_iter()
        .map(|k| (strsim::levenshtein(wanted, k), k))
        // A cut-off name (`norelay` for `norelaying`) is a likely typo whatever the distance.
        .filter(|(d, k)| *d <= limit || (wanted.len() >= 4 && k.starts_with(wanted)))
        .min_by_key(|(d, k)| (*d, *k))
        .map(|(_, k)| k)
}

/// ` (did you mean `x`?)`, or nothing.
pub(crate) fn suggestion<'a>(wanted: &str, known: impl IntoIterator<Item = &'a str>) -> String {
    did_you_mean(wanted, known)
        .map(|k| format!("; did you mean `{k}`?"))
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_and_column_count_characters() {
        let text = "ab\ncdé f\n";
        assert_eq!(line_col(text, 0), (1, 1));
        assert_eq!(line_col(text, 3), (2, 1));
        assert_eq!(line_col(text, 7), (2, 4));
        assert_eq!(line_col(text, 99), (3, 1));
    }

    #[test]
    fn suggests_close_names_only() {
        let known = ["mailboxfull", "userunknown", "blocked"];
        assert_eq!(did_you_mean("mailboxful", known), Some("mailboxfull"));
        assert_eq!(did_you_mean("spam", known), None);
    }

    #[test]
    fn displays_as_path_line_col() {
        let e = ContentError::at("a.md", "x\nyz", 3, "bad");
        assert_eq!(e.to_string(), "a.md:2:2: bad");
    }
}
