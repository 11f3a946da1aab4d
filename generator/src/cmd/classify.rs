//! `bouncebook classify`: the diagnosis on the command line, for people (`human`) and programs (`json`,
//! `jsonl`).

use diagnosis::explain::{self, Card, Code, Pages, Report};
use diagnosis::{Bounce, ReasonNames, RuleSet};
use serde::Serialize;
use std::borrow::Cow;
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};

/// Output formats.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Aligned text for people, colored on a terminal (or with CLICOLOR_FORCE) unless NO_COLOR is set.
    Human,
    /// One JSON array of every input's result.
    Json,
    /// One JSON object per input, one per line.
    Jsonl,
}

/// The result for one input.
#[derive(Debug)]
pub struct Outcome {
    /// The input's path, or `-` for standard input.
    pub input: String,
    /// One entry per recipient; empty for ordinary mail or an unreadable input.
    pub bounces: Vec<LinkedBounce>,
    /// Why the input could not be read.
    pub error: Option<String>,
    /// Why the input was not classified though it was read: `not text` (binary data) or `empty input`.
    pub not_bounce: Option<&'static str>,
    /// The explained answer that `human` prints (titles, advice, code meanings, the article and tree); JSON
    /// is the bounces alone.
    pub report: Option<Report>,
    /// How reasons are named, in JSON as in `human`.
    pub names: ReasonNames,
}

/// JSON: `input`, `bounces` (as the engine writes them with their links, each `reason` named as asked),
/// `error` and `not_bounce`.
impl Serialize for Outcome {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::{Error, SerializeStruct};
        let mut st = s.serialize_struct("Outcome", 4)?;
        st.serialize_field("input", &self.input)?;
        if self.names.is_legacy() {
            st.serialize_field("bounces", &self.bounces)?;
        } else {
            // The engine's `Bounce` carries the typed reason; rename it in its JSON (key order kept: the
            // generator's serde_json preserves it).
            let mut bounces = Vec::with_capacity(self.bounces.len());
            for b in &self.bounces {
                let mut v = serde_json::to_value(b).map_err(S::Error::custom)?;
                if let Some(reason) = v.get_mut("reason") {
                    *reason = b.bounce.reason.name(self.names).into();
                }
                bounces.push(v);
            }
            st.serialize_field("bounces", &bounces)?;
        }
        st.serialize_field("error", &self.error)?;
        st.serialize_field("not_bounce", &self.not_bounce)?;
        st.end()
    }
}

/// A bounce with the pages it names as links a reader can open: `article_url` beside `article` (the rule's
/// `@/articles/…` key), `tree_url` beside `tree`.
#[derive(Debug, Serialize)]
pub struct LinkedBounce {
    /// The engine's answer.
    #[serde(flatten)]
    pub bounce: Bounce,
    /// The article's title.
    pub article_title: Option<String>,
    /// The article's URL under the site's `base-url`.
    pub article_url: Option<String>,
    /// The decision tree's URL under the site's `base-url`.
    pub tree_url: Option<String>,
}

/// Why `bytes` is not worth classifying: nothing but whitespace, or not text (a NUL, or many control bytes, in
/// its first 8 KiB, as git and ripgrep tell binary files). The engine would answer `undefined` or guess from
/// stray bytes; the command line says what it was given instead.
pub fn not_text(bytes: &[u8]) -> Option<&'static str> {
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Some("empty input");
    }
    let head = &bytes[..bytes.len().min(8192)];
    let control = head
        .iter()
        .filter(|&&b| (b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r' | 0x0c | 0x1b)) || b == 0x7f)
        .count();
    (head.contains(&0) || control * 10 > head.len()).then_some("not text")
}

/// Expands the command line's paths: files as given, folders into every file below them sorted by path, none or
/// `-` into standard input. Folders that cannot be listed become error entries.
pub fn expand(paths: &[PathBuf]) -> Vec<Result<PathBuf, (PathBuf, String)>> {
    if paths.is_empty() {
        return vec![Ok(PathBuf::from("-"))];
    }
    let mut out = Vec::new();
    for p in paths {
        if p.is_dir() {
            let mut files = Vec::new();
            // Symlinks are followed (a folder of links to .eml files is read like the files); loops and
            // dangling links are errors, and nothing is skipped without saying so.
            for entry in walkdir::WalkDir::new(p)
                .follow_links(true)
                .sort_by_file_name()
            {
                match entry {
                    Ok(e) if e.file_type().is_file() => files.push(Ok(e.into_path())),
                    Ok(e) if e.file_type().is_dir() => {}
                    Ok(e) => {
                        let path = e.into_path();
                        let why = format!("{} is not a regular file; skipped", path.display());
                        files.push(Err((path, why)));
                    }
                    Err(e) => {
                        let path = e.path().map_or_else(|| p.clone(), Path::to_path_buf);
                        let why = match e.loop_ancestor() {
                            Some(a) => format!(
                                "{} is a symlink loop (it leads back to {}); skipped",
                                path.display(),
                                a.display()
                            ),
                            None => format!("cannot read {}: {e}", path.display()),
                        };
                        files.push(Err((path, why)));
                    }
                }
            }
            out.extend(files);
        } else {
            out.push(Ok(p.clone()));
        }
    }
    out
}

/// Classifies one input, linking the pages it names to `pages` and naming reasons as `names` says.
pub fn run_one(
    item: Result<PathBuf, (PathBuf, String)>,
    rules: &RuleSet,
    pages: &Pages<'_>,
    names: ReasonNames,
) -> Outcome {
    let (path, read) = match item {
        Ok(p) => {
            let r = read_input(&p);
            (p, r)
        }
        Err((p, e)) => (p, Err(e)),
    };
    let input = path.display().to_string();
    match read {
        Ok(bytes) => {
            if let Some(why) = not_text(&bytes) {
                return Outcome {
                    input,
                    bounces: Vec::new(),
                    error: None,
                    not_bounce: Some(why),
                    report: None,
                    names,
                };
            }
            let d = diagnosis::classify(&bytes, rules);
            // Evidence offsets are into the bytes; invalid UTF-8 is replaced for the explanation, whose printed
            // parts do not depend on them.
            let text = String::from_utf8_lossy(&bytes);
            let report = explain::explain_with(&text, &d, rules, pages, names);
            // One card per bounce, in order.
            let bounces = d
                .bounces
                .into_iter()
                .zip(
                    report
                        .bounces
                        .iter()
                        .map(Some)
                        .chain(std::iter::repeat(None)),
                )
                .map(|(bounce, card)| LinkedBounce {
                    article_title: card
                        .and_then(|c| c.article.as_ref())
                        .map(|a| a.title.clone()),
                    article_url: card.and_then(|c| c.article.as_ref()).map(|a| a.url.clone()),
                    tree_url: card.and_then(|c| c.tree.as_ref()).map(|t| t.url.clone()),
                    bounce,
                })
                .collect();
            Outcome {
                input,
                bounces,
                error: None,
                not_bounce: None,
                report: Some(report),
                names,
            }
        }
        Err(e) => Outcome {
            input,
            bounces: Vec::new(),
            error: Some(e),
            not_bounce: None,
            report: None,
            names,
        },
    }
}

fn read_input(path: &Path) -> Result<Vec<u8>, String> {
    if path == Path::new("-") {
        let mut buf = Vec::new();
        io::stdin()
            .read_to_end(&mut buf)
            .map_err(|e| format!("cannot read standard input: {e}"))?;
        return Ok(buf);
    }
    std::fs::read(path).map_err(|e| format!("cannot read {}: {e}", path.display()))
}

/// Writes one outcome in a line-oriented format (human or jsonl). `json` is written by [`write_json`].
pub fn write_outcome(
    out: &mut dyn Write,
    o: &Outcome,
    format: Format,
    color: bool,
) -> io::Result<()> {
    match format {
        Format::Jsonl => {
            serde_json::to_writer(&mut *out, o).map_err(io::Error::other)?;
            writeln!(out)
        }
        Format::Json => Ok(()),
        Format::Human => write_human(out, o, color),
    }
}

/// Writes every outcome as one JSON array.
pub fn write_json(out: &mut dyn Write, all: &[Outcome]) -> io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, all).map_err(io::Error::other)?;
    writeln!(out)
}

/// Whether to colour human output: never with `NO_COLOR` set (no-color.org), always with `CLICOLOR_FORCE` set
/// to anything but `0` (bixense.com/clicolors, for pagers and tests), else when standard output is a terminal.
pub fn colour_wanted(terminal: bool) -> bool {
    let set = |name: &str| std::env::var_os(name).filter(|v| !v.is_empty());
    if set("NO_COLOR").is_some() {
        return false;
    }
    if set("CLICOLOR_FORCE").is_some_and(|v| v != "0") {
        return true;
    }
    terminal
}

struct Style {
    on: bool,
}

impl Style {
    fn paint(&self, code: &str, s: &str) -> String {
        if self.on {
            format!("\x1b[{code}m{s}\x1b[0m")
        } else {
            s.to_string()
        }
    }
}

/// `s` with no control codes: text from a bounce (or a rule file) must never move the cursor, recolour the
/// terminal or reverse the line, so control characters and bidirectional overrides are shown escaped.
pub(crate) fn clean(s: &str) -> Cow<'_, str> {
    let unsafe_char =
        |c: char| c.is_control() || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}');
    if !s.chars().any(unsafe_char) {
        return Cow::Borrowed(s);
    }
    Cow::Owned(
        s.chars()
            .map(|c| {
                if unsafe_char(c) {
                    c.escape_unicode().to_string()
                } else {
                    c.to_string()
                }
            })
            .collect(),
    )
}

fn write_human(out: &mut dyn Write, o: &Outcome, color: bool) -> io::Result<()> {
    let st = Style { on: color };
    writeln!(out, "{}", st.paint("1", &clean(&o.input)))?;
    if let Some(e) = &o.error {
        return writeln!(out, "  {} {}", st.paint("31;1", "error:"), clean(e));
    }
    match o.not_bounce {
        Some("empty input") => return writeln!(out, "  empty input: nothing to classify"),
        Some(why) => {
            return writeln!(
                out,
                "  not a bounce: {why} (binary data, not shown; give the bounce as a file of text, .eml or pasted)"
            );
        }
        None => {}
    }
    let Some(report) = o.report.as_ref().filter(|r| !r.bounces.is_empty()) else {
        return writeln!(out, "  not a bounce: this is ordinary mail, nothing failed");
    };
    for card in &report.bounces {
        write_card(out, card, &st)?;
    }
    Ok(())
}

fn write_card(out: &mut dyn Write, c: &Card, st: &Style) -> io::Result<()> {
    let mark = match (c.reason.is_failure(), c.permanent) {
        (false, _) => st.paint("32;1", "i"),
        (true, Some(false)) => st.paint("33;1", "!"),
        _ => st.paint("31;1", "x"),
    };
    let who = c.recipient.as_deref().unwrap_or("(recipient not named)");
    writeln!(out, "  {mark} {}", clean(who))?;
    // Padded before it is painted: colour codes take no room on screen.
    let row = |out: &mut dyn Write, k: &str, v: &str| {
        writeln!(
            out,
            "    {} {}",
            st.paint("2", &format!("{k:<13}")),
            clean(v)
        )
    };
    row(
        out,
        "what happened",
        &format!("{} ({})", c.title, c.reason_name),
    )?;
    let mut codes = Vec::new();
    if let Some(r) = &c.reply {
        codes.push(format!("reply {}", r.code));
    }
    if let Some(s) = &c.status {
        codes.push(format!("status {}", s.code));
    }
    match c.permanent {
        Some(true) => codes.push("permanent".into()),
        Some(false) => codes.push("temporary: the server will retry".into()),
        None => {}
    }
    if c.hard_bounce {
        codes.push("hard bounce: the address itself is bad".into());
    }
    if !codes.is_empty() {
        row(out, "codes", &codes.join(", "))?;
    }
    // What each code means, from the code table, under its own number.
    for code in [&c.reply, &c.status].into_iter().flatten() {
        if let Some(meaning) = meaning(code) {
            row(out, &code.code, &meaning)?;
        }
    }
    let act = match &c.advice {
        Some(a) => format!("{}: {a}", c.actor_words),
        None => c.actor_words.clone(),
    };
    row(out, "who must act", &act)?;
    if let Some(d) = &c.diagnostic {
        row(out, "server said", d)?;
    }
    if let Some(m) = &c.remote_mta {
        row(out, "remote server", m)?;
    }
    if let Some(a) = &c.article {
        row(out, "read", &format!("{}: {}", a.title, a.url))?;
    }
    if let Some(t) = &c.tree {
        row(out, "step by step", &format!("{}: {}", t.title, t.url))?;
    }
    if !c.rules.is_empty() {
        row(out, "decided by", &c.rules.join(", "))?;
    }
    Ok(())
}

/// "Title: meaning", or whichever of the two the code table has.
fn meaning(code: &Code) -> Option<String> {
    match (&code.title, &code.meaning) {
        (Some(t), Some(m)) => Some(format!("{t}: {m}")),
        (Some(one), None) | (None, Some(one)) => Some(one.clone()),
        (None, None) => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn human(text: &str) -> String {
        let rules = RuleSet::bundled();
        let d = diagnosis::classify(text.as_bytes(), rules);
        let o = Outcome {
            input: "-".into(),
            report: Some(explain::explain(text, &d, rules, &Pages::Sources)),
            bounces: Vec::new(),
            error: None,
            not_bounce: None,
            names: ReasonNames::Legacy,
        };
        let mut out = Vec::new();
        write_outcome(&mut out, &o, Format::Human, false).expect("writes");
        String::from_utf8(out).expect("utf-8")
    }

    #[test]
    fn human_output_explains_the_codes_and_links_the_content() {
        let text = human("552 5.2.2 <ann@example.org>: Mailbox is full");
        assert!(text.contains("  x ann@example.org\n"), "{text}");
        assert!(
            text.contains("codes         reply 552, status 5.2.2, permanent"),
            "{text}"
        );
        assert!(
            text.contains("\n    552           "),
            "the reply code's meaning: {text}"
        );
        assert!(
            text.contains("\n    5.2.2         "),
            "the status code's meaning: {text}"
        );
        assert!(text.contains("read          @/articles/"), "{text}");
        assert!(
            not_text(b"\x7fELF\x02\x01\x01\0\0\0").is_some() && not_text(b" \n").is_some(),
            "binary and empty"
        );
        assert_eq!(not_text("550 5.1.1 user unknown \x1b[2J".as_bytes()), None);
        assert!(text.contains("who must act  the recipient"), "{text}");
    }

    #[test]
    fn control_codes_in_a_paste_never_reach_the_terminal() {
        let text = human(
            "550 5.1.1 <bob@example.com>: user unknown \x1b[2J\x1b]0;owned\x07 \u{202e}gnp.exe",
        );
        assert!(!text.contains('\u{1b}'), "{text:?}");
        assert!(
            !text.contains('\u{7}') && !text.contains('\u{202e}'),
            "{text:?}"
        );
        assert!(text.contains("\\u{1b}[2J"), "shown escaped: {text:?}");
    }

    #[test]
    fn ordinary_mail_and_read_errors_say_so() {
        let o = Outcome {
            input: "a\x1bb.eml".into(),
            bounces: Vec::new(),
            error: Some("cannot read a.eml: no such file".into()),
            not_bounce: None,
            report: None,
            names: ReasonNames::Legacy,
        };
        let mut out = Vec::new();
        write_outcome(&mut out, &o, Format::Human, false).expect("writes");
        assert_eq!(
            String::from_utf8_lossy(&out),
            "a\\u{1b}b.eml\n  error: cannot read a.eml: no such file\n"
        );
        assert_eq!(
            human("lunch at noon?"),
            "-\n  not a bounce: this is ordinary mail, nothing failed\n"
        );
    }
}
