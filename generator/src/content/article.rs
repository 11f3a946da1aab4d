//! Articles: `content/articles/**/*.md`, TOML front matter between `+++` lines, then markdown.
//!
//! [`Article::parse`] takes the text and returns the article with every problem found in it; links to other
//! pages are checked later, by the link checker (`content::links`), once every page is loaded.

use super::admin::AdminBlock;
use super::aliases::alias_path;
use super::markdown::{self, Heading, Link};
use super::slug;
use crate::config::toml_error;
use crate::error::{ContentError, suggestion};
use diagnosis::{Reason, ReplyCode, StatusCode};
use serde::Deserialize;
use std::collections::HashSet;
use toml::Spanned;

/// The front matter as written.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct FrontMatter {
    title: Spanned<String>,
    /// `description` is accepted too, as Zola and Hugo call it.
    #[serde(alias = "description")]
    summary: Spanned<String>,
    #[serde(default)]
    codes: Vec<Spanned<String>>,
    /// The codes this article is *about* (its subject), not merely mentions: the home page's "most common
    /// errors" pairs a code with the article that claims it here, else with the code's own page.
    #[serde(default)]
    primary_codes: Vec<Spanned<String>>,
    #[serde(default)]
    reasons: Vec<Spanned<String>>,
    #[serde(default)]
    audience: Vec<Spanned<String>>,
    #[serde(default)]
    tags: Vec<Spanned<String>>,
    #[serde(default)]
    aliases: Vec<Spanned<String>>,
    /// `date` is accepted too, as Zola and Hugo call it.
    #[serde(alias = "date")]
    updated: Spanned<toml::value::Datetime>,
    /// Whose admin the "send this to your mail admin" block is for (default: the sender's).
    admin_for: Option<Spanned<String>>,
    /// What happened, for the admin block.
    admin_note: Option<Spanned<String>>,
    /// What the admin should check, in order.
    admin_checks: Option<Spanned<Vec<String>>>,
}

impl FrontMatter {
    /// Stands in for front matter that did not parse, so the body can still be checked.
    fn placeholder(slug: &str) -> FrontMatter {
        let none = 0..0;
        FrontMatter {
            title: Spanned::new(none.clone(), slug.to_string()),
            summary: Spanned::new(none.clone(), slug.to_string()),
            codes: Vec::new(),
            primary_codes: Vec::new(),
            reasons: Vec::new(),
            audience: Vec::new(),
            tags: Vec::new(),
            aliases: Vec::new(),
            admin_for: None,
            admin_note: None,
            admin_checks: None,
            updated: Spanned::new(
                none,
                "1970-01-01".parse().unwrap_or(toml::value::Datetime {
                    date: None,
                    time: None,
                    offset: None,
                }),
            ),
        }
    }
}

/// Who an article is written for. `writers` marks a page for the knowledge base's own writers (the writer's
/// guide): it is built and linked to, but kept out of readers' lists, search and related articles.
pub(crate) const AUDIENCES: [&str; 4] = ["sender", "admin", "recipient", WRITERS];

/// The audience that keeps a page out of what readers are offered.
pub(crate) const WRITERS: &str = "writers";

/// An old URL that redirects to an article.
#[derive(Clone, Debug)]
pub struct Alias {
    /// The output path, relative to the output folder (`kb/mailbox-full.html`, `old/page/index.html`).
    pub path: String,
    /// Where it was written, for errors.
    pub line: usize,
    /// Column.
    pub col: usize,
}

/// An internal link with its position in the article file.
#[derive(Clone, Debug)]
pub struct PlacedLink {
    /// The link.
    pub link: Link,
    /// 1-based line in the file.
    pub line: usize,
    /// 1-based column.
    pub col: usize,
}

/// A parsed article.
#[derive(Clone, Debug)]
pub struct Article {
    /// Path from the site root (`content/articles/mailbox-full.md`): for "edit this page".
    pub source: String,
    /// Path as shown in messages.
    pub display: String,
    /// `mailbox-full` (or `mail/mailbox-full` in a subfolder).
    pub slug: String,
    /// URL relative to the site root: `articles/mailbox-full/`.
    pub url: String,
    /// Relative path from the article's page to the root (`../../`).
    pub root: String,
    /// Title.
    pub title: String,
    /// Summary: search results, meta description, cards.
    pub summary: String,
    /// Reply and enhanced status codes it covers, as written (`550`, `5.7.26`).
    pub codes: Vec<String>,
    /// The codes that are its subject (`primary-codes`), each also in [`Article::codes`].
    pub primary_codes: Vec<String>,
    /// Reasons it explains.
    pub reasons: Vec<Reason>,
    /// Who it is for.
    pub audience: Vec<String>,
    /// Tags.
    pub tags: Vec<String>,
    /// Old URLs.
    pub aliases: Vec<Alias>,
    /// Last update, `YYYY-MM-DD`.
    pub updated: String,
    /// The body as HTML.
    pub html: String,
    /// Headings for the table of contents.
    pub toc: Vec<Heading>,
    /// Anchors other pages may link to.
    pub anchors: HashSet<String>,
    /// Internal links, to check.
    pub links: Vec<PlacedLink>,
    /// The body as plain text, for search.
    pub text: String,
    /// The body's code blocks as plain text: searched, never a snippet.
    pub code: String,
    /// How many `> [!UNVERIFIED]` callouts it has.
    pub unverified: usize,
    /// The "send this to your mail admin" block, when the front matter has one.
    pub admin: Option<AdminBlock>,
    /// Its front matter did not parse: only the body's links are checked, and it is not a page.
    pub broken: bool,
}

/// Splits `+++` front matter from the body: `(front matter, its byte offset, body, its byte offset)`.
fn split(text: &str) -> Result<(&str, usize, &str, usize), String> {
    let rest = text.strip_prefix('\u{feff}').unwrap_or(text);
    let bom = text.len() - rest.len();
    let first_end = rest.find('\n').map_or(rest.len(), |i| i + 1);
    let first = rest[..first_end].trim_end();
    if first == "---" {
        return Err(
            "front matter must be TOML between `+++` lines, not YAML between `---` lines".into(),
        );
    }
    if first != "+++" {
        return Err(
            "expected front matter at the top of the file, between `+++` lines (title, summary, updated...); \
             did you forget the opening `+++`?"
                .into(),
        );
    }
    let fm_start = bom + first_end;
    let mut pos = fm_start;
    for line in text[fm_start..].split_inclusive('\n') {
        if line.trim_end() == "+++" {
            let body = pos + line.len();
            return Ok((&text[fm_start..pos], fm_start, &text[body..], body));
        }
        pos += line.len();
    }
    Err("the front matter is not closed: add a line with `+++` after it".into())
}

impl Article {
    /// Parses an article. `source` is its path from the site root (`content/articles/x.md`), `display` the
    /// path for messages. Returns the article and every problem found; when its front matter could not be
    /// read, the article is [`Article::broken`], there only so its body's links are checked.
    pub fn parse(source: &str, display: &str, text: &str) -> (Option<Article>, Vec<ContentError>) {
        let mut errors = Vec::new();
        let slug = source
            .strip_prefix("content/articles/")
            .unwrap_or(source)
            .trim_end_matches(".md")
            .to_string();
        for part in slug.split('/') {
            if !slug::is_valid(part) {
                errors.push(ContentError::file(
                    display,
                    slug::invalid_message("the file name (the page's URL)", part),
                ));
            }
        }
        let (fm_text, fm_offset, body, body_offset) = match split(text) {
            Ok(parts) => parts,
            Err(message) => {
                errors.push(ContentError::file(display, message));
                return (None, errors);
            }
        };
        let mut broken = false;
        let fm: FrontMatter = match toml::from_str(fm_text) {
            Ok(fm) => fm,
            Err(e) => {
                // Positions are relative to the front matter; report them in the file.
                let mut err = toml_error(display, fm_text, &e);
                let (line, col) = match e.span() {
                    Some(s) => crate::error::line_col(text, fm_offset + s.start),
                    None => (1, 1),
                };
                if e.message().starts_with("missing field") {
                    // toml points at the whole table; the opening `+++` is where it belongs.
                    (err.line, err.col) = (1, 1);
                } else {
                    (err.line, err.col) = (line, col);
                }
                errors.push(err);
                // The body is still read, so its links are checked too; the article itself is left out.
                broken = true;
                FrontMatter::placeholder(&slug)
            }
        };
        let at = |s: &std::ops::Range<usize>| crate::error::line_col(text, fm_offset + s.start);
        let err_at = |s: std::ops::Range<usize>, m: String| {
            ContentError::at(display, text, fm_offset + s.start, m)
        };

        if fm.title.get_ref().trim().is_empty() {
            errors.push(err_at(fm.title.span(), "`title` is empty".into()));
        }
        if fm.summary.get_ref().trim().is_empty() {
            errors.push(err_at(
                fm.summary.span(),
                "`summary` is empty: write one or two sentences for search results and link previews".into(),
            ));
        }
        let mut codes = Vec::new();
        for c in &fm.codes {
            let code = c.get_ref().trim();
            if ReplyCode::parse(code).is_some() || StatusCode::parse(code).is_some() {
                codes.push(code.to_string());
            } else {
                errors.push(err_at(
                    c.span(),
                    format!(
                        "`{code}` is not an SMTP reply code (three digits, such as \"550\") or an enhanced status \
                         code (class.subject.detail, such as \"5.7.1\")"
                    ),
                ));
            }
        }
        let mut primary_codes = Vec::new();
        for c in &fm.primary_codes {
            let code = c.get_ref().trim();
            if codes.iter().any(|k| k == code) {
                primary_codes.push(code.to_string());
            } else {
                errors.push(err_at(
                    c.span(),
                    format!("`primary-codes` names `{code}`, which `codes` does not list: add it to `codes` too"),
                ));
            }
        }
        let mut reasons = Vec::new();
        for r in &fm.reasons {
            match r.get_ref().parse::<Reason>() {
                Ok(reason) => reasons.push(reason),
                Err(_) => errors.push(err_at(
                    r.span(),
                    format!(
                        "unknown reason `{}`{}",
                        r.get_ref(),
                        suggest_reason(r.get_ref())
                    ),
                )),
            }
        }
        let mut audience = Vec::new();
        for a in &fm.audience {
            if AUDIENCES.contains(&a.get_ref().as_str()) {
                audience.push(a.get_ref().clone());
            } else {
                errors.push(err_at(
                    a.span(),
                    format!(
                        "unknown audience `{}`: expected sender, admin, recipient or writers{}",
                        a.get_ref(),
                        suggestion(a.get_ref(), AUDIENCES)
                    ),
                ));
            }
        }
        let mut tags = Vec::new();
        for t in &fm.tags {
            if slug::is_valid_tag(t.get_ref()) {
                if !tags.contains(t.get_ref()) {
                    tags.push(t.get_ref().clone());
                }
            } else {
                errors.push(err_at(
                    t.span(),
                    format!(
                        "{}; dots may join parts, as in `outlook.com`",
                        slug::invalid_message("tag", t.get_ref())
                    ),
                ));
            }
        }
        let mut aliases = Vec::new();
        for a in &fm.aliases {
            match alias_path(a.get_ref()) {
                Ok(path) => {
                    let (line, col) = at(&a.span());
                    aliases.push(Alias { path, line, col });
                }
                Err(m) => errors.push(err_at(a.span(), m)),
            }
        }
        let updated = match fm.updated.get_ref().date {
            Some(d) => format!("{:04}-{:02}-{:02}", d.year, d.month, d.day),
            None => {
                errors.push(err_at(
                    fm.updated.span(),
                    "`updated` needs a date, such as 2026-11-28".into(),
                ));
                String::new()
            }
        };

        let no_checks = Vec::new();
        let checks = fm.admin_checks.as_ref().map_or(&no_checks, |c| c.get_ref());
        let checks_span = fm.admin_checks.as_ref().map_or(0..0, |c| c.span());
        let admin = match (&fm.admin_note, fm.admin_checks.is_none()) {
            (None, true) => {
                if let Some(f) = &fm.admin_for {
                    errors.push(err_at(
                        f.span(),
                        "`admin-for` without `admin-note` and `admin-checks`: add them, or remove it".into(),
                    ));
                }
                None
            }
            (None, false) => {
                errors.push(err_at(
                    checks_span.clone(),
                    "`admin-checks` without `admin-note`: add one or two sentences saying what happened".into(),
                ));
                None
            }
            (Some(note), _) => {
                let admin_for = fm.admin_for.as_ref().map(|f| f.get_ref().as_str());
                match AdminBlock::new(admin_for, note.get_ref(), checks) {
                    Ok(block) => Some(block),
                    Err(m) => {
                        let span = match &fm.admin_for {
                            Some(f) if m.contains("admin-for") => f.span(),
                            _ if m.contains("admin-checks") && fm.admin_checks.is_some() => {
                                checks_span
                            }
                            _ => note.span(),
                        };
                        errors.push(err_at(span, m));
                        None
                    }
                }
            }
        };

        let depth = slug.split('/').count() + 1;
        let root = "../".repeat(depth);
        let dir = match slug.rfind('/') {
            Some(i) => &slug[..=i],
            None => "",
        };
        let rendered = markdown::render(
            body,
            markdown::Context {
                root: &root,
                article_dir: Some(dir),
            },
        );
        for (offset, message) in &rendered.problems {
            errors.push(ContentError::at(
                display,
                text,
                body_offset + offset,
                message.clone(),
            ));
        }
        let links = rendered
            .links
            .into_iter()
            .map(|link| {
                let (line, col) = crate::error::line_col(text, body_offset + link.offset);
                PlacedLink { link, line, col }
            })
            .collect();
        let article = Article {
            source: source.to_string(),
            display: display.to_string(),
            url: format!("articles/{slug}/"),
            slug,
            root,
            title: fm.title.into_inner().trim().to_string(),
            summary: fm.summary.into_inner().trim().to_string(),
            codes,
            primary_codes,
            reasons,
            audience,
            tags,
            aliases,
            updated,
            html: rendered.html,
            toc: rendered.toc,
            anchors: rendered.anchors,
            links,
            text: rendered.text,
            code: rendered.code,
            unverified: rendered.unverified,
            admin,
            broken,
        };
        (Some(article), errors)
    }
}

impl Article {
    /// Whether the page is for the site's writers (`audience = ["writers"]`), not its readers.
    pub fn for_writers(&self) -> bool {
        self.audience.iter().any(|a| a == WRITERS)
    }
}

/// `; did you mean ...?` for a misspelt reason.
pub(crate) fn suggest_reason(wanted: &str) -> String {
    let s = suggestion(wanted, Reason::ALL.iter().map(|r| r.as_str()));
    if s.is_empty() {
        "; the reasons are listed in docs/content-format.md".to_string()
    } else {
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = "+++\ntitle = \"Mailbox full\"\nsummary = \"Over quota.\"\ncodes = [\"552\", \"5.2.2\"]\n\
reasons = [\"mailboxfull\"]\naudience = [\"sender\"]\ntags = [\"quota\"]\naliases = [\"/kb/full.html\"]\n\
updated = 2026-11-28\n+++\n\n## Why\n\nText.\n";

    fn parse(text: &str) -> (Option<Article>, Vec<ContentError>) {
        Article::parse(
            "content/articles/mailbox-full.md",
            "content/articles/mailbox-full.md",
            text,
        )
    }

    #[test]
    fn parses_front_matter_and_body() {
        let (a, errors) = parse(GOOD);
        assert!(errors.is_empty(), "{errors:?}");
        let a = a.expect("parsed");
        assert_eq!(a.url, "articles/mailbox-full/");
        assert_eq!(a.root, "../../");
        assert_eq!(a.codes, ["552", "5.2.2"]);
        assert_eq!(a.reasons, [Reason::MailboxFull]);
        assert_eq!(a.updated, "2026-11-28");
        assert_eq!(a.aliases[0].path, "kb/full.html");
        assert_eq!(a.toc[0].id, "why");
    }

    #[test]
    fn primary_codes_must_be_among_the_codes() {
        let text = GOOD.replace("reasons =", "primary-codes = [\"5.2.2\"]\nreasons =");
        let (a, errors) = parse(&text);
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!(a.expect("parsed").primary_codes, ["5.2.2"]);
        let text = GOOD.replace("reasons =", "primary-codes = [\"4.2.2\"]\nreasons =");
        let e = first_error(&text);
        assert!(e.starts_with("content/articles/mailbox-full.md:5:"), "{e}");
        assert!(
            e.contains("`primary-codes` names `4.2.2`, which `codes` does not list"),
            "{e}"
        );
    }

    #[test]
    fn writers_pages_are_marked_and_a_misspelt_audience_is_an_error() {
        let (a, errors) = parse(&GOOD.replace("[\"sender\"]", "[\"admin\", \"writers\"]"));
        assert!(errors.is_empty(), "{errors:?}");
        assert!(a.expect("parsed").for_writers());
        assert!(!parse(GOOD).0.expect("parsed").for_writers());
        let e = first_error(&GOOD.replace("[\"sender\"]", "[\"writer\"]"));
        assert!(
            e.starts_with(
                "content/articles/mailbox-full.md:6:13: unknown audience `writer`: expected"
            ),
            "{e}"
        );
        assert!(e.contains("did you mean `writers`?"), "{e}");
    }

    fn first_error(text: &str) -> String {
        parse(text)
            .1
            .first()
            .map(ToString::to_string)
            .unwrap_or_default()
    }

    #[test]
    fn unknown_key_points_at_the_key() {
        let text = GOOD.replace("tags =", "tag =");
        assert_eq!(
            first_error(&text)
                .split(", expected")
                .next()
                .unwrap_or_default(),
            "content/articles/mailbox-full.md:7:1: unknown field `tag`"
        );
    }

    #[test]
    fn bad_values_point_at_the_value() {
        let text = GOOD.replace("\"mailboxfull\"", "\"mailboxful\"");
        assert_eq!(
            first_error(&text),
            "content/articles/mailbox-full.md:5:12: unknown reason `mailboxful`; did you mean `mailboxfull`?"
        );
        let text = GOOD.replace("\"5.2.2\"", "\"5.2\"");
        assert!(
            first_error(&text)
                .starts_with("content/articles/mailbox-full.md:4:17: `5.2` is not an SMTP")
        );
        let text = GOOD.replace("\"/kb/full.html\"", "\"/../../etc/x\"");
        assert!(
            first_error(&text)
                .contains("8:12: alias `/../../etc/x` would be written outside the output folder")
        );
    }

    #[test]
    fn admin_block_from_front_matter() {
        let text = GOOD.replace(
            "updated = 2026-11-28\n",
            "updated = 2026-11-28\nadmin-for = \"recipient-admin\"\nadmin-note = \"Full.\"\nadmin-checks = [\"Quota\"]\n",
        );
        let (a, errors) = parse(&text);
        assert!(errors.is_empty(), "{errors:?}");
        let admin = a.and_then(|a| a.admin).expect("block");
        assert_eq!(admin.heading, "Send this to the recipient's mail admin");
        assert_eq!(admin.checks, ["Quota"]);
        let text = GOOD.replace(
            "updated = 2026-11-28\n",
            "updated = 2026-11-28\nadmin-checks = [\"Quota\"]\n",
        );
        assert!(
            first_error(&text).starts_with(
                "content/articles/mailbox-full.md:10:16: `admin-checks` without `admin-note`"
            ),
            "{}",
            first_error(&text)
        );
        let text = GOOD.replace(
            "updated = 2026-11-28\n",
            "updated = 2026-11-28\nadmin-for = \"admin\"\nadmin-note = \"x\"\nadmin-checks = [\"y\"]\n",
        );
        assert!(
            first_error(&text)
                .starts_with("content/articles/mailbox-full.md:10:13: unknown `admin-for`"),
            "{}",
            first_error(&text)
        );
    }

    #[test]
    fn missing_front_matter() {
        assert!(first_error("# Hello\n").ends_with("did you forget the opening `+++`?"));
        assert!(first_error("---\ntitle: x\n---\n").contains("not YAML"));
        assert!(first_error("+++\ntitle = \"x\"\n").contains("not closed"));
        assert!(
            first_error("+++\ntitle = \"x\"\n+++\n")
                .starts_with("content/articles/mailbox-full.md:1:1: missing field `summary`"),
            "{}",
            first_error("+++\ntitle = \"x\"\n+++\n")
        );
    }
}
