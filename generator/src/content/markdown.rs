//! Markdown to HTML: CommonMark with GitHub's tables, footnotes, strikethrough, task lists and callouts
//! (`> [!NOTE]`), heading anchors and a table of contents, SMTP transcripts (```` ```smtp ````), and internal
//! links by source path (`@/articles/relay-denied.md#fix`), which are rewritten here and checked later, once
//! every page is known (see `links.rs`).
//!
//! [`render`] is pure: text in, [`Rendered`] out, with problems as byte offsets into the text, so articles and
//! tree fields can report them at their own file positions. Links to other pages are relative (the site works
//! at any address), so they depend on where the page is: [`render`] writes them for one page, an article's;
//! [`render_fragment`] renders a tree step's text once as [`Html`] that can be placed on any page.

use super::content_ref::ContentRef;
use super::slug;
use pulldown_cmark::{
    CodeBlockKind, CowStr, Event, HeadingLevel, LinkType, Options, Parser, Tag, TagEnd,
};
use std::collections::HashSet;

/// Where the markdown is shown, for resolving links.
#[derive(Clone, Copy, Debug)]
pub struct Context<'a> {
    /// Relative path from the page to the site root (`../../` for `/articles/x/`).
    pub root: &'a str,
    /// For articles, the slug's folder (`""`, or `mail/` for `content/articles/mail/x.md`): relative `.md` links
    /// resolve against it. `None` where relative links mean nothing (tree fields).
    pub article_dir: Option<&'a str>,
}

/// A heading, for the table of contents.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Heading {
    /// 2 or 3.
    pub level: u8,
    /// The anchor (`how-to-fix-it`).
    pub id: String,
    /// The heading's plain text.
    pub text: String,
}

/// What an internal link points at.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Target {
    /// An article by slug (`relay-denied`).
    Article(String),
    /// A decision tree by slug.
    Tree(String),
    /// An anchor on the same page (`#fix`).
    SamePage,
    /// A page of the site by URL path, relative to the page (`../other/`) or to the site (`/articles/x/`).
    Path(String),
}

/// An internal link, to be checked once every page is known.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Link {
    /// Byte offset of the link in the markdown.
    pub offset: usize,
    /// The page.
    pub target: Target,
    /// The part after `#`, if any (a heading id, or a tree's node id).
    pub anchor: Option<String>,
    /// The link as written.
    pub written: String,
}

/// A rendered document.
#[derive(Clone, Debug, Default)]
pub struct Rendered {
    /// The HTML.
    pub html: String,
    /// Level 2 and 3 headings, in order.
    pub toc: Vec<Heading>,
    /// Every id a link may point at (`#...`): headings and footnotes.
    pub anchors: HashSet<String>,
    /// Internal links to check.
    pub links: Vec<Link>,
    /// The text without markup and without code blocks, blocks separated by newlines: for search and snippets.
    pub text: String,
    /// The text of the code blocks, one per line: searched (pasted bounces are often quoted there) but never
    /// shown as a snippet, where a comment such as `# Gmail` would read as prose.
    pub code: String,
    /// Problems found while rendering: byte offset in the markdown and message.
    pub problems: Vec<(usize, String)>,
    /// How many `> [!UNVERIFIED]` callouts (claims without a source) the document has.
    pub unverified: usize,
}

/// Stands in rendered HTML where the page's relative path to the site root goes. CommonMark replaces U+0000 in
/// the input (spec §2.3), so the text itself can never put one there.
const ROOT: char = '\0';

/// HTML whose links to other pages are relative to the site root, for pages at any depth: a tree step's text
/// shows on the step's own page (`trees/t/step/`) and in the wizard on the tree's page (`trees/t/`).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Html(String);

impl Html {
    /// The HTML for a page whose relative path to the site root is `root` (`../../`).
    pub fn at(&self, root: &str) -> String {
        self.0.replace(ROOT, root)
    }
}

/// A short field (a tree step's `help` or `fix`), rendered once for every page it appears on.
#[derive(Clone, Debug, Default)]
pub struct Fragment {
    /// The HTML, for any page.
    pub html: Html,
    /// Internal links to check.
    pub links: Vec<Link>,
    /// Problems found while rendering: byte offset in the markdown and message.
    pub problems: Vec<(usize, String)>,
}

fn options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_HEADING_ATTRIBUTES
        | Options::ENABLE_GFM
}

/// Renders `markdown` for a page at `cx`.
pub fn render(markdown: &str, cx: Context<'_>) -> Rendered {
    let mut out = Renderer::run(markdown, cx.article_dir);
    if out.html.contains(ROOT) {
        out.html = out.html.replace(ROOT, cx.root);
    }
    out
}

/// Renders a short field (a tree's `help` or `fix`): the same markdown, as [`Html`] for any page. Relative
/// `.md` links mean nothing there; `@/` links do.
pub fn render_fragment(markdown: &str) -> Fragment {
    let out = Renderer::run(markdown, None);
    Fragment {
        html: Html(out.html),
        links: out.links,
        problems: out.problems,
    }
}

struct Renderer<'a> {
    /// For articles, the slug's folder, which relative `.md` links start from.
    article_dir: Option<&'a str>,
    /// Inside how many images: a link there is part of the image's description, not a link.
    in_image: usize,
    out: Rendered,
    /// Events for the body, with custom markup as `Event::Html`.
    events: Vec<Event<'a>>,
    /// Footnote definitions: name and events, moved to the end of the document.
    footnotes: Vec<(String, Vec<Event<'a>>)>,
    /// Footnote names in order of first reference (their number is the position + 1).
    footnote_numbers: Vec<String>,
    last_level: u8,
}

impl<'a> Renderer<'a> {
    /// The markdown as HTML with [`ROOT`] where links to other pages need the page's root.
    fn run(markdown: &'a str, article_dir: Option<&'a str>) -> Rendered {
        let mut r = Renderer {
            article_dir,
            in_image: 0,
            out: Rendered::default(),
            events: Vec::new(),
            footnotes: Vec::new(),
            footnote_numbers: Vec::new(),
            last_level: 1,
        };
        r.render(markdown);
        r.out
    }

    fn render(&mut self, markdown: &'a str) {
        let mut parser = Parser::new_ext(markdown, options()).into_offset_iter();
        let mut used_ids: HashSet<String> = HashSet::new();
        // Where events go: the body, or the footnote being defined.
        let mut in_footnote: Option<(String, Vec<Event<'a>>)> = None;
        // Open plain blockquotes, innermost last: `true` for an unverified-claim callout.
        let mut quotes: Vec<bool> = Vec::new();
        while let Some((event, range)) = parser.next() {
            let produced: Vec<Event<'a>> = match event {
                Event::Start(Tag::Heading { level, id, .. }) => {
                    let mut inner = Vec::new();
                    for (e, _) in parser.by_ref() {
                        if matches!(e, Event::End(TagEnd::Heading(_))) {
                            break;
                        }
                        inner.push(e);
                    }
                    self.heading(level, id, inner, range.start, &mut used_ids)
                }
                Event::Start(Tag::CodeBlock(kind)) => {
                    let mut code = String::new();
                    for (e, _) in parser.by_ref() {
                        match e {
                            Event::End(TagEnd::CodeBlock) => break,
                            Event::Text(t) => code.push_str(&t),
                            _ => {}
                        }
                    }
                    let lang = match &kind {
                        CodeBlockKind::Fenced(info) => info.split_whitespace().next().unwrap_or(""),
                        CodeBlockKind::Indented => "",
                    };
                    self.out.code.push_str(&code);
                    if !code.ends_with('\n') {
                        self.out.code.push('\n');
                    }
                    vec![Event::Html(code_block(lang, &code).into())]
                }
                Event::Start(Tag::BlockQuote(Some(kind))) => {
                    let (class, label) = callout::kind(kind);
                    vec![Event::Html(callout::open(class, label).into())]
                }
                Event::Start(Tag::BlockQuote(None))
                    if callout::is_unverified(&markdown[range.clone()]) =>
                {
                    self.out.unverified += 1;
                    quotes.push(true);
                    let mut html = vec![Event::Html(callout::open_unverified().into())];
                    if callout::skip_label(&mut parser.by_ref().map(|(e, _)| e)) {
                        html.push(Event::Start(Tag::Paragraph));
                    }
                    html
                }
                Event::Start(Tag::BlockQuote(None)) => {
                    quotes.push(false);
                    vec![event]
                }
                Event::End(TagEnd::BlockQuote(None)) if quotes.pop() == Some(true) => {
                    self.out.text.push('\n');
                    vec![Event::Html("</div>".into())]
                }
                Event::End(TagEnd::BlockQuote(Some(_))) => vec![Event::Html("</div>".into())],
                Event::Start(Tag::Table(align)) => vec![
                    Event::Html("<div class=\"table-wrap\">".into()),
                    Event::Start(Tag::Table(align)),
                ],
                Event::End(TagEnd::Table) => {
                    vec![Event::End(TagEnd::Table), Event::Html("</div>".into())]
                }
                Event::Start(Tag::Link {
                    link_type,
                    dest_url,
                    title,
                    id,
                }) => vec![self.link_start(link_type, dest_url, title, id, range.start)],
                Event::Start(Tag::Image {
                    link_type,
                    dest_url,
                    title,
                    id,
                }) => {
                    if markdown[range.clone()].starts_with("![]") {
                        self.problem(
                            range.start,
                            "image has no description: write what it shows between the brackets, \
                             `![what it shows](...)`, for readers who can't see it",
                        );
                    }
                    self.in_image += 1;
                    vec![Event::Start(Tag::Image {
                        link_type,
                        dest_url,
                        title,
                        id,
                    })]
                }
                Event::End(TagEnd::Image) => {
                    self.in_image = self.in_image.saturating_sub(1);
                    vec![event]
                }
                Event::FootnoteReference(name) => {
                    let n = self.footnote_number(&name);
                    let id = slug::slugify(&name);
                    vec![Event::Html(
                        format!(
                            "<sup class=\"footnote-ref\" id=\"fnref-{id}\"><a href=\"#fn-{id}\">{n}</a></sup>"
                        )
                        .into(),
                    )]
                }
                Event::Start(Tag::FootnoteDefinition(name)) => {
                    in_footnote = Some((name.to_string(), Vec::new()));
                    continue;
                }
                Event::End(TagEnd::FootnoteDefinition) => {
                    if let Some(def) = in_footnote.take() {
                        self.footnotes.push(def);
                    }
                    continue;
                }
                Event::Text(t) => {
                    self.push_text(&t);
                    vec![Event::Text(t)]
                }
                Event::Code(t) => {
                    self.push_text(&t);
                    vec![Event::Code(t)]
                }
                Event::End(
                    TagEnd::Paragraph | TagEnd::Item | TagEnd::TableCell | TagEnd::BlockQuote(_),
                ) => {
                    self.out.text.push('\n');
                    vec![event]
                }
                Event::SoftBreak | Event::HardBreak => {
                    self.out.text.push(' ');
                    vec![event]
                }
                other => vec![other],
            };
            match &mut in_footnote {
                Some((_, events)) => events.extend(produced),
                None => self.events.extend(produced),
            }
        }
        let mut events = std::mem::take(&mut self.events);
        self.footnote_section(&mut events);
        pulldown_cmark::html::push_html(&mut self.out.html, events.into_iter());
    }

    fn problem(&mut self, offset: usize, message: impl Into<String>) {
        self.out.problems.push((offset, message.into()));
    }

    fn push_text(&mut self, t: &str) {
        self.out.text.push_str(t);
    }

    fn heading(
        &mut self,
        level: HeadingLevel,
        id: Option<CowStr<'a>>,
        inner: Vec<Event<'a>>,
        offset: usize,
        used: &mut HashSet<String>,
    ) -> Vec<Event<'a>> {
        let n = level as u8;
        let text: String = inner
            .iter()
            .filter_map(|e| match e {
                Event::Text(t) | Event::Code(t) => Some(t.as_ref()),
                _ => None,
            })
            .collect();
        if n == 1 {
            self.problem(
                offset,
                "use `##` for sections: the page's title is its only top-level heading",
            );
        } else if n > self.last_level + 1 {
            self.problem(
                offset,
                format!(
                    "heading level jumps from {} to {}: use `{}` here, so screen readers can follow the outline",
                    "#".repeat(self.last_level as usize),
                    "#".repeat(n as usize),
                    "#".repeat(self.last_level as usize + 1)
                ),
            );
        }
        self.last_level = n;
        let base = match id {
            Some(id) => id.to_string(),
            None => {
                let s = slug::slugify(&text);
                if s.is_empty() {
                    "section".to_string()
                } else {
                    s
                }
            }
        };
        let mut id = base.clone();
        let mut i = 1;
        while !used.insert(id.clone()) {
            id = format!("{base}-{i}");
            i += 1;
        }
        self.out.anchors.insert(id.clone());
        if n <= 3 {
            self.out.toc.push(Heading {
                level: n,
                id: id.clone(),
                text: text.clone(),
            });
        }
        self.out.text.push_str(&text);
        self.out.text.push('\n');
        let mut events = vec![Event::Html(
            format!("<h{n} id=\"{}\">", escape_html(&id)).into(),
        )];
        for e in inner {
            // Links inside headings are rewritten like any other.
            let e = match e {
                Event::Start(Tag::Link {
                    link_type,
                    dest_url,
                    title,
                    id,
                }) => self.link_start(link_type, dest_url, title, id, offset),
                Event::Start(Tag::Image { .. }) => {
                    self.in_image += 1;
                    e
                }
                Event::End(TagEnd::Image) => {
                    self.in_image = self.in_image.saturating_sub(1);
                    e
                }
                other => other,
            };
            events.push(e);
        }
        events.push(Event::Html(
            format!(
                " <a class=\"anchor\" href=\"#{}\" aria-hidden=\"true\" tabindex=\"-1\">#</a></h{n}>",
                escape_html(&id)
            )
            .into(),
        ));
        events
    }

    /// The opening of a link: an internal link is rewritten ([`Renderer::link`]) and, since pulldown-cmark would
    /// escape the [`ROOT`] it starts with, written as HTML here, exactly as pulldown-cmark writes a link.
    fn link_start(
        &mut self,
        link_type: LinkType,
        dest: CowStr<'a>,
        title: CowStr<'a>,
        id: CowStr<'a>,
        offset: usize,
    ) -> Event<'a> {
        let dest_url = self.link(link_type, dest, offset);
        match dest_url.strip_prefix(ROOT) {
            // In an image's description a link is text: pulldown-cmark writes no tag for it.
            Some(rest) if self.in_image == 0 => {
                // Writing to a String cannot fail.
                let mut html = format!("<a href=\"{ROOT}");
                let _ = pulldown_cmark_escape::escape_href(&mut html, rest);
                if !title.is_empty() {
                    html.push_str("\" title=\"");
                    let _ = pulldown_cmark_escape::escape_html(&mut html, &title);
                }
                html.push_str("\">");
                Event::Html(html.into())
            }
            _ => Event::Start(Tag::Link {
                link_type,
                dest_url,
                title,
                id,
            }),
        }
    }

    /// Rewrites an internal link, relative to the page's root ([`ROOT`]), and records it for checking; other
    /// links pass through.
    fn link(&mut self, link_type: LinkType, dest: CowStr<'a>, offset: usize) -> CowStr<'a> {
        if matches!(link_type, LinkType::Email) {
            return dest;
        }
        let written = dest.to_string();
        let (path, anchor) = match written.split_once('#') {
            Some((p, a)) => (p, Some(a.to_string())),
            None => (written.as_str(), None),
        };
        let fragment = anchor.as_ref().map(|a| format!("#{a}")).unwrap_or_default();
        let root = ROOT;
        let record = |target: Target| Link {
            offset,
            target,
            anchor: anchor.clone(),
            written: written.clone(),
        };
        if path.starts_with("@/") {
            let page = ContentRef::parse(path);
            let Some(page) = page else {
                self.problem(
                    offset,
                    format!(
                        "unknown internal link `{written}`: internal links name a source file, \
                         `@/articles/<slug>.md` or `@/trees/<slug>.toml`"
                    ),
                );
                return dest;
            };
            let url = page.url();
            return match page {
                ContentRef::Article(slug) => {
                    self.out.links.push(record(Target::Article(slug)));
                    format!("{root}{url}{fragment}").into()
                }
                ContentRef::Tree(slug) => {
                    self.out.links.push(record(Target::Tree(slug)));
                    // A tree link with a node id goes to that step.
                    let step = anchor.as_ref().map(|a| format!("{a}/")).unwrap_or_default();
                    format!("{root}{url}{step}").into()
                }
            };
        }
        if path.is_empty() && anchor.is_some() {
            self.out.links.push(record(Target::SamePage));
            return dest;
        }
        // mdBook-style relative links to other articles (`other.md`, `../mail/x.md#fix`).
        if let Some(dir) = self.article_dir
            && path.ends_with(".md")
            && !path.contains("://")
            && !path.starts_with('/')
        {
            match resolve_relative(dir, &path[..path.len() - 3]) {
                Some(slug) => {
                    let url = ContentRef::Article(slug.clone()).url();
                    self.out.links.push(record(Target::Article(slug)));
                    return format!("{root}{url}{fragment}").into();
                }
                None => self.problem(
                    offset,
                    format!("link `{written}` points outside content/articles/"),
                ),
            }
        }
        // A page's URL, relative or root-relative: checked against the site's pages (assets are not pages).
        let last = path.rsplit('/').next().unwrap_or("");
        if (path.starts_with('/') || path.starts_with("./") || path.starts_with("../"))
            && !path.starts_with("//")
            && !last.contains('.')
        {
            self.out.links.push(record(Target::Path(path.to_string())));
        }
        dest
    }

    fn footnote_number(&mut self, name: &str) -> usize {
        match self.footnote_numbers.iter().position(|n| n == name) {
            Some(i) => i + 1,
            None => {
                self.footnote_numbers.push(name.to_string());
                self.footnote_numbers.len()
            }
        }
    }

    /// Appends the footnotes, numbered in order of first reference, as an ordered list with links back.
    fn footnote_section(&mut self, events: &mut Vec<Event<'a>>) {
        if self.footnotes.is_empty() {
            return;
        }
        let mut defs = std::mem::take(&mut self.footnotes);
        let order = |name: &str, numbers: &[String]| {
            numbers.iter().position(|n| n == name).unwrap_or(usize::MAX)
        };
        defs.sort_by_key(|(name, _)| order(name, &self.footnote_numbers));
        events.push(Event::Html(
            "<section class=\"footnotes\" aria-label=\"Footnotes\"><ol>".into(),
        ));
        for (name, body) in defs {
            let id = slug::slugify(&name);
            self.out.anchors.insert(format!("fn-{id}"));
            events.push(Event::Html(format!("<li id=\"fn-{id}\">").into()));
            events.extend(body);
            if self.footnote_numbers.contains(&name) {
                events.push(Event::Html(
                    format!(
                        "<a class=\"footnote-back\" href=\"#fnref-{id}\" aria-label=\"Back to the text\">↩</a>"
                    )
                    .into(),
                ));
            }
            events.push(Event::Html("</li>".into()));
        }
        events.push(Event::Html("</ol></section>".into()));
    }
}

/// `dir` (`""` or `mail/`) joined with a relative path, `.` and `..` resolved; `None` when it leaves the root.
fn resolve_relative(dir: &str, rel: &str) -> Option<String> {
    let mut parts: Vec<&str> = dir.split('/').filter(|p| !p.is_empty()).collect();
    for part in rel.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            p => parts.push(p),
        }
    }
    (!parts.is_empty()).then(|| parts.join("/"))
}

/// A fenced code block: SMTP transcripts get their own markup, everything else is escaped text.
fn code_block(lang: &str, code: &str) -> String {
    if lang.eq_ignore_ascii_case("smtp") {
        return transcript::render(code);
    }
    // Writing to a String cannot fail.
    let mut out = String::with_capacity(code.len() + 80);
    // A long line scrolls the block sideways, so a keyboard must be able to reach it (WCAG 2.1.1, axe's
    // `scrollable-region-focusable`), and what it focuses needs a name; `group` is a role that may carry one.
    out.push_str("<pre tabindex=\"0\" role=\"group\" aria-label=\"");
    out.push_str(if lang.is_empty() { "Code" } else { "Code: " });
    let _ = pulldown_cmark_escape::escape_html(&mut out, lang);
    out.push_str("\"><code");
    if !lang.is_empty() {
        out.push_str(" class=\"language-");
        let _ = pulldown_cmark_escape::escape_html(&mut out, lang);
        out.push('"');
    }
    out.push('>');
    let _ = pulldown_cmark_escape::escape_html(&mut out, code);
    out.push_str("</code></pre>\n");
    out
}

/// `text` escaped for HTML text and attribute values (`&`, `<`, `>`, `"`, `'`), as pulldown-cmark escapes it.
pub fn escape_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    // Writing to a String cannot fail.
    let _ = pulldown_cmark_escape::escape_html(&mut out, text);
    out
}

mod callout;
mod transcript;

#[cfg(test)]
mod tests;
