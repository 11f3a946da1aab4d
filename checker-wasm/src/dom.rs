//! Draws a [`Report`] into the page with DOM calls. Pasted text only ever becomes text nodes (and `<mark>`
//! elements around text nodes): nothing here parses HTML, so a pasted `<script>` is shown, never run.

use crate::excerpt::{Piece, excerpt};
use crate::words::Words;
use diagnosis::Kind;
use diagnosis::explain::{Card, Code, Link, Report};
use serde::Deserialize;
use wasm_bindgen::JsValue;
use web_sys::{Document, Element, Node};

/// How to draw: set by the widget from its attributes.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct Options {
    /// Language of the widget's words (`en`).
    pub lang: Option<String>,
    /// Open knowledge-base links in a new tab (the widget does when it sits on another site).
    pub new_tab: bool,
}

/// One search hit, as the site's search module returns it.
#[derive(Clone, Debug, Deserialize)]
pub struct SearchHit {
    /// The page's URL.
    pub url: String,
    /// The page's title.
    pub title: String,
    /// A snippet of the page, shown as plain text.
    #[serde(default)]
    pub snippet: Option<String>,
}

struct Dom<'a> {
    doc: &'a Document,
    new_tab: bool,
}

impl Dom<'_> {
    fn el(&self, parent: &Node, tag: &str, class: &str) -> Result<Element, JsValue> {
        let e = self.doc.create_element(tag)?;
        if !class.is_empty() {
            e.set_class_name(class);
        }
        parent.append_child(&e)?;
        Ok(e)
    }

    fn text(&self, parent: &Node, s: &str) -> Result<(), JsValue> {
        parent.append_child(&self.doc.create_text_node(s))?;
        Ok(())
    }

    fn text_el(&self, parent: &Node, tag: &str, class: &str, s: &str) -> Result<Element, JsValue> {
        let e = self.el(parent, tag, class)?;
        self.text(&e, s)?;
        Ok(e)
    }

    /// A link; URLs that are not http(s) or relative are dropped (the text stays), so no `javascript:` URL can
    /// ever be made clickable, whatever a site file or a search module says.
    fn link(&self, parent: &Node, class: &str, url: &str, label: &str) -> Result<Element, JsValue> {
        if !safe_url(url) {
            return self.text_el(parent, "span", class, label);
        }
        let a = self.text_el(parent, "a", class, label)?;
        a.set_attribute("href", url)?;
        if self.new_tab {
            a.set_attribute("target", "_blank")?;
            a.set_attribute("rel", "noopener")?;
        }
        Ok(a)
    }

    fn labelled_link(
        &self,
        parent: &Node,
        class: &str,
        lead: &str,
        link: &Link,
    ) -> Result<(), JsValue> {
        let p = self.el(parent, "p", class)?;
        self.text_el(&p, "span", "bc-label", lead)?;
        self.text(&p, " ")?;
        self.link(&p, "", &link.url, &link.title)?;
        Ok(())
    }
}

fn safe_url(url: &str) -> bool {
    let lower = url.trim_start().to_ascii_lowercase();
    match lower.find(':') {
        // A colon before any `/`, `?` or `#` means a scheme.
        Some(i) if !lower[..i].contains(['/', '?', '#']) => {
            lower.starts_with("https:") || lower.starts_with("http:")
        }
        _ => true,
    }
}

/// Replaces the contents of `into` with the report for `text`.
pub fn render(
    doc: &Document,
    into: &Element,
    text: &str,
    report: &Report,
    options: &Options,
) -> Result<(), JsValue> {
    let words = crate::words::for_lang(options.lang.as_deref().unwrap_or("en"));
    let dom = Dom {
        doc,
        new_tab: options.new_tab,
    };
    if report.kind == Kind::Empty {
        into.set_text_content(None);
        return Ok(());
    }
    let root: Node = doc.create_document_fragment().into();
    let result = dom.el(&root, "div", "bc-result")?;
    result.set_attribute("part", "result")?;
    result.set_attribute("data-kind", report.kind.as_str())?;
    result.set_attribute(
        "data-recognised",
        if report.recognised { "true" } else { "false" },
    )?;
    if !report.recognised {
        nothing(&dom, &result, report, words)?;
    }
    if report.bounces.len() > 1 {
        dom.text_el(
            &result,
            "p",
            "bc-count",
            &words
                .recipients_failed
                .replace("{n}", &report.bounces.len().to_string()),
        )?;
    }
    for card in &report.bounces {
        // An `onhold` card with no codes and no recipient says nothing the "nothing recognised" box does not.
        if !report.recognised
            && card.recipient.is_none()
            && card.reply.is_none()
            && card.status.is_none()
        {
            continue;
        }
        draw_card(&dom, &result, card, words)?;
    }
    let search = dom.el(&result, "section", "bc-search")?;
    search.set_attribute("part", "search")?;
    search.set_attribute("hidden", "")?;
    dom.text_el(&search, "h2", "", words.search_title)?;
    dom.el(&search, "ul", "bc-search-results")?;
    if let Some(url) = &report.search {
        let p = dom.el(&result, "p", "bc-search-link")?;
        dom.link(&p, "", url, words.search_link)?;
    }
    pasted(&dom, &result, text, report, words)?;
    into.set_text_content(None);
    into.append_child(&root)?;
    Ok(())
}

fn nothing(dom: &Dom<'_>, parent: &Element, report: &Report, words: &Words) -> Result<(), JsValue> {
    let box_ = dom.el(parent, "div", "bc-none")?;
    box_.set_attribute("part", "none")?;
    box_.set_attribute("role", "status")?;
    dom.text_el(&box_, "h2", "bc-title", words.nothing_title)?;
    let explanation = if report.kind == Kind::NotABounce {
        words.not_a_bounce
    } else {
        words.nothing_text
    };
    dom.text_el(&box_, "p", "", explanation)?;
    if let Some(tree) = &report.start_tree {
        dom.labelled_link(&box_, "bc-start", words.start_tree, tree)?;
    }
    Ok(())
}

fn draw_card(dom: &Dom<'_>, parent: &Element, card: &Card, words: &Words) -> Result<(), JsValue> {
    let art = dom.el(parent, "article", "bc-card")?;
    art.set_attribute("part", "card")?;
    art.set_attribute("data-reason", &card.reason_name)?;
    let head = dom.el(&art, "header", "bc-head")?;
    dom.text_el(&head, "h2", "bc-title", &card.title)?;
    // Two facts apart (issue 13): whether the sending server stopped trying (the report's action), and whether
    // sending again later can work (a full mailbox can clear, RFC 3463 X.2.2), so the card never says both
    // "will fail the same way" and "retrying later works".
    let (badge, class, means) = match card.stopped {
        Some(true) => (
            words.stopped,
            "bc-badge bc-permanent",
            if card.hard_bounce {
                words.hard_means
            } else if card.retry_later {
                words.clears_means
            } else {
                words.fix_first_means
            },
        ),
        Some(false) => (
            words.retrying,
            "bc-badge bc-temporary",
            words.retrying_means,
        ),
        None => (
            words.unknown_permanence,
            "bc-badge bc-unknown",
            words.unknown_means,
        ),
    };
    dom.text_el(&head, "span", class, badge)?;

    let who = dom.el(&art, "p", "bc-recipient")?;
    match &card.recipient {
        Some(r) => {
            dom.text_el(&who, "span", "bc-label", words.recipient)?;
            dom.text(&who, " ")?;
            dom.text_el(&who, "code", "bc-address", r)?;
        }
        None => dom.text(&who, words.no_recipient)?,
    }
    dom.text_el(&art, "p", "bc-means", means)?;

    let act = dom.el(&art, "div", "bc-act")?;
    let p = dom.el(&act, "p", "bc-actor")?;
    dom.text_el(&p, "strong", "", words.who_acts)?;
    dom.text(&p, " ")?;
    dom.text(&p, words.actor(card.actor))?;
    p.set_attribute("data-actor", card.actor.as_str())?;
    if let Some(advice) = &card.advice {
        let p = dom.el(&act, "p", "bc-advice")?;
        dom.text_el(&p, "strong", "", words.what_to_do)?;
        dom.text(&p, " ")?;
        dom.text(&p, advice)?;
    }
    if let Some(article) = &card.article {
        dom.labelled_link(&art, "bc-article", words.read_article, article)?;
    }
    if let Some(tree) = &card.tree {
        dom.labelled_link(&art, "bc-tree", words.walk_tree, tree)?;
    }

    // The codes' meanings come after what to do and the links: the fix matters to everyone, the codes to admins.
    if card.reply.is_some() || card.status.is_some() {
        let dl = dom.el(&art, "dl", "bc-codes")?;
        for (label, code) in [
            (words.reply_code, &card.reply),
            (words.status_code, &card.status),
        ] {
            if let Some(code) = code {
                draw_code(dom, &dl, label, code)?;
            }
        }
    }

    if card.diagnostic.is_some() || card.remote_mta.is_some() || !card.rules.is_empty() {
        let details = dom.el(&art, "details", "bc-details")?;
        dom.text_el(&details, "summary", "", words.details)?;
        if let Some(d) = &card.diagnostic {
            dom.text_el(&details, "blockquote", "bc-diagnostic", d)?;
        }
        let facts = dom.el(&details, "dl", "bc-facts")?;
        let rules = card.rules.join(", ");
        for (label, value) in [
            (words.server, card.remote_mta.as_deref()),
            (words.command, card.command.as_deref()),
            (words.feedback_type, card.feedback_type.as_deref()),
            (words.rules, Some(rules.as_str()).filter(|r| !r.is_empty())),
        ] {
            if let Some(v) = value {
                let row = dom.el(&facts, "div", "")?;
                dom.text_el(&row, "dt", "", label)?;
                dom.text_el(&row, "dd", "", v)?;
            }
        }
    }
    Ok(())
}

fn draw_code(dom: &Dom<'_>, dl: &Element, label: &str, code: &Code) -> Result<(), JsValue> {
    let row = dom.el(dl, "div", "bc-code")?;
    let dt = dom.el(&row, "dt", "")?;
    dom.text_el(&dt, "span", "bc-label", label)?;
    dom.text(&dt, " ")?;
    dom.text_el(&dt, "code", "", &code.code)?;
    let dd = dom.el(&row, "dd", "")?;
    if let Some(title) = &code.title {
        dom.text_el(&dd, "strong", "", title)?;
    }
    if let Some(meaning) = &code.meaning {
        let span = dom.el(&dd, "span", "bc-meaning")?;
        if code.title.is_some() {
            dom.text(&span, ": ")?;
        }
        dom.text(&span, meaning)?;
    }
    Ok(())
}

/// The pasted text (or the lines around the evidence, when it is long) with the evidence in `<mark>`s.
fn pasted(
    dom: &Dom<'_>,
    parent: &Element,
    text: &str,
    report: &Report,
    words: &Words,
) -> Result<(), JsValue> {
    let details = dom.el(parent, "details", "bc-text")?;
    details.set_attribute("part", "text")?;
    if !report.evidence.is_empty() {
        details.set_attribute("open", "")?;
    }
    dom.text_el(&details, "summary", "", words.your_text)?;
    let pre = dom.el(&details, "pre", "bc-pasted")?;
    // It scrolls, so a keyboard must be able to reach it (WCAG 2.1.1; axe's scrollable-region-focusable).
    pre.set_attribute("tabindex", "0")?;
    for piece in excerpt(text, &report.evidence) {
        match piece {
            Piece::Text(a, b) => dom.text(&pre, &text[a..b])?,
            Piece::Mark(a, b, kind) => {
                let m = dom.text_el(&pre, "mark", "", &text[a..b])?;
                m.set_attribute("class", &format!("bc-ev bc-ev-{}", kind.as_str()))?;
                m.set_attribute("data-kind", kind.as_str())?;
            }
            Piece::Gap { lines, chars } => {
                let label = if lines > 0 {
                    words.lines_hidden.replace("{n}", &lines.to_string())
                } else {
                    words.chars_hidden.replace("{n}", &chars.to_string())
                };
                dom.text(&pre, "\n")?;
                dom.text_el(&pre, "span", "bc-gap", &label)?;
                dom.text(&pre, "\n")?;
            }
        }
    }
    Ok(())
}

/// Fills the search list the last [`render`] made with hits from the site's search module; an empty list
/// keeps the section hidden.
pub fn render_search(
    doc: &Document,
    section: &Element,
    hits: &[SearchHit],
    options: &Options,
) -> Result<(), JsValue> {
    let dom = Dom {
        doc,
        new_tab: options.new_tab,
    };
    let Some(list) = section.query_selector("ul")? else {
        return Ok(());
    };
    list.set_text_content(None);
    for hit in hits {
        let li = dom.el(&list, "li", "")?;
        dom.link(&li, "bc-hit", &hit.url, &hit.title)?;
        if let Some(s) = hit.snippet.as_deref().filter(|s| !s.is_empty()) {
            dom.text_el(&li, "p", "bc-snippet", s)?;
        }
    }
    if hits.is_empty() {
        section.set_attribute("hidden", "")?;
    } else {
        section.remove_attribute("hidden")?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::safe_url;

    #[test]
    fn only_web_and_relative_urls_are_links() {
        assert!(safe_url("https://kb.example/articles/x/"));
        assert!(safe_url("articles/x/"));
        assert!(safe_url("/search/?q=a:b"));
        assert!(!safe_url("javascript:alert(1)"));
        assert!(!safe_url(" JavaScript:alert(1)"));
        assert!(!safe_url("data:text/html,<script>"));
    }
}
